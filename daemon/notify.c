/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Readiness, as its two consumers see it:
 * - systemd (Type=notify): READY=1 once the control socket listens,
 *   STOPPING=1 when the drain starts, STATUS= lines in between;
 * - the shell that started us without --foreground: the parent stays until
 *   the child is ready, then exits 0; if the child fails before that (EAL,
 *   a backend, the socket), the parent exits with the child's status. A
 *   plain daemon(3) exits 0 at once and leaves the error to the log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#ifdef CE_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "cryptoengd.h"

/* The child's end of the pipe to the waiting parent; -1 in the foreground. */
static int notify_fd = -1;

static void
notify_systemd(const char *state)
{
#ifdef CE_HAVE_SYSTEMD
	int ret = sd_notify(0, state);

	if (ret < 0)
		d_log(LOG_WARNING, "sd_notify(%s): %s", state, strerror(-ret));
#else
	(void)state;
#endif
}

int
d_daemonize(bool close_stdio)
{
	int fds[2], status, null_fd;
	char byte;
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int err = errno;

		close(fds[0]);
		close(fds[1]);
		return -err;
	}
	if (pid > 0) {
		/* Parent: wait for one byte (ready) or end of file (the child failed). */
		close(fds[1]);
		do {
			n = read(fds[0], &byte, 1);
		} while (n < 0 && errno == EINTR);
		if (n == 1)
			_exit(0);
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
			_exit(WEXITSTATUS(status) != 0 ? WEXITSTATUS(status) : 1);
		_exit(1);
	}
	close(fds[0]);
	notify_fd = fds[1];
	if (setsid() < 0 || chdir("/") < 0)
		return -errno;
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd >= 0) {
		dup2(null_fd, STDIN_FILENO);
		dup2(null_fd, STDOUT_FILENO);
		if (close_stdio)
			dup2(null_fd, STDERR_FILENO);
		close(null_fd);
	}
	return 0;
}

void
d_notify_ready(void)
{
	char state[256];

	snprintf(state, sizeof(state), "READY=1\nSTATUS=serving on %s: %u engine(s), %u backend(s)",
		 cryptoengd.cfg.socket_path, cryptoengd.nb_workers, cryptoengd.nb_devs);
	notify_systemd(state);
	if (notify_fd >= 0) {
		ssize_t n;

		do {
			n = write(notify_fd, "", 1);
		} while (n < 0 && errno == EINTR);
		close(notify_fd);
		notify_fd = -1;
	}
}

void
d_notify_stopping(void)
{
	notify_systemd("STOPPING=1\nSTATUS=draining in-flight requests");
}

void
d_notify_status(const char *fmt, ...)
{
	char state[256];
	va_list ap;
	int n;

	n = snprintf(state, sizeof(state), "STATUS=");
	va_start(ap, fmt);
	vsnprintf(state + n, sizeof(state) - (size_t)n, fmt, ap);
	va_end(ap);
	notify_systemd(state);
}
