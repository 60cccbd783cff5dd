/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers for daemon integration tests (dtest.h): a temp directory, a config
 * file, a real cryptoengd process, clients through libcryptoeng,
 * completions, control requests, the daemon seen from /proc.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ce_clock.h"
#include "ce_shm.h"
#include "dtest.h"

const char *dt_bin;
char dt_dir[64];
char dt_cfg[128];
char dt_sock[80];
char dt_log[128];
pid_t dt_pid;

static pid_t dt_owner;		/* the process that started the daemon */

/* A failed CHECK exits: never leave a daemon (or its files) behind. */
static void
dt_cleanup(void)
{
	char cmd[128];

	if (getpid() != dt_owner)
		return;
	if (dt_pid > 0) {
		kill(dt_pid, SIGKILL);
		waitpid(dt_pid, NULL, 0);
		dt_pid = 0;
	}
	if (dt_dir[0] != '\0' && getenv("DT_KEEP") == NULL) {
		/* The temp dir, and the EAL runtime dir of the daemon's file prefix. */
		snprintf(cmd, sizeof(cmd), "rm -rf '%s' /var/run/dpdk/cedtest-%d", dt_dir,
			 (int)getpid());
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dt_dir);
	}
}

void
dt_init(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CRYPTOENGD [case]\n", argv[0]);
		exit(1);
	}
	dt_bin = argv[1];
	snprintf(dt_dir, sizeof(dt_dir), "/tmp/cedtest-XXXXXX");
	CHECK(mkdtemp(dt_dir) != NULL);
	/* Other uids must reach the socket for the refusal test. */
	chmod(dt_dir, 0755);
	snprintf(dt_cfg, sizeof(dt_cfg), "%s/d.ini", dt_dir);
	snprintf(dt_sock, sizeof(dt_sock), "%s/d.sock", dt_dir);
	snprintf(dt_log, sizeof(dt_log), "%s/d.log", dt_dir);
	dt_owner = getpid();
	atexit(dt_cleanup);
}

void
dt_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* A config with the given [pmd.*] sections (and anything else) appended. */
void
dt_write_config(const char *extra)
{
	FILE *f = fopen(dt_cfg, "w");

	CHECK(f != NULL);
	fprintf(f,
		"[eal]\n"
		"lcores = 0,1\n"
		"args = --no-pci --log-level=lib.eal:error\n"
		"file_prefix = cedtest-%d\n"
		"hugepages = no\n"
		"\n"
		"[socket]\n"
		"path = %s\n"
		"%s",
		(int)getpid(), dt_sock, extra);
	fclose(f);
}

void
dt_dump_log(void)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(dt_log, "r");

	if (f == NULL)
		return;
	fprintf(stderr, "---- daemon log ----\n");
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(f);
}

/* Run cryptoengd on dt_cfg; stderr goes to dt_log. */
pid_t
dt_spawn(const char *cfg)
{
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		FILE *f = freopen(dt_log, "w", stderr);

		(void)f;
		/* A test that dies (sanitizer abort) takes its daemon with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl(dt_bin, dt_bin, "--config", cfg, "--foreground", "--log", "stderr",
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Wait for the daemon's exit; @return its exit code (or 128 + signal). */
int
dt_wait_exit(pid_t pid)
{
	int st;

	CHECK(waitpid(pid, &st, 0) == pid);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

/* Connect, waiting for the daemon to come up (fails if it exits first). */
struct ce_client *
dt_connect_opts(const struct ce_client_opts *o)
{
	/* An upper bound so a broken daemon fails the test instead of hanging it. */
	for (int i = 0; i < 3000; i++) {
		struct ce_client *c = ce_client_connect(dt_sock, o);
		int st;

		if (c != NULL)
			return c;
		if (errno != ENOENT && errno != ECONNREFUSED) {
			fprintf(stderr, "connect: %s (%s)\n", strerror(errno),
				ce_client_last_error(NULL));
			dt_dump_log();
			exit(1);
		}
		if (dt_pid > 0 && waitpid(dt_pid, &st, WNOHANG) == dt_pid) {
			fprintf(stderr, "daemon exited before listening\n");
			dt_pid = 0;
			dt_dump_log();
			exit(1);
		}
		dt_sleep_ms(20);
	}
	fprintf(stderr, "daemon never listened\n");
	dt_dump_log();
	exit(1);
}

struct ce_client *
dt_connect(void)
{
	return dt_connect_opts(NULL);
}

void
dt_start(const char *extra)
{
	dt_write_config(extra);
	dt_pid = dt_spawn(dt_cfg);
	ce_client_close(dt_connect());
}

/* SIGTERM, and the daemon must exit 0. */
void
dt_stop(void)
{
	int rc;

	CHECK(dt_pid > 0);
	CHECK(kill(dt_pid, SIGTERM) == 0);
	rc = dt_wait_exit(dt_pid);
	dt_pid = 0;
	if (rc != 0)
		dt_dump_log();
	CHECK_EQ(rc, 0);
}

/* Reap n completions (blocking in ce_wait) into cqes. */
void
dt_reap(struct ce_qp *qp, struct ce_cqe *cqes, unsigned int n)
{
	unsigned int got = 0;
	int waits = 0;

	while (got < n) {
		int r = ce_poll_burst(qp, cqes + got, n - got);

		CHECK(r >= 0);
		got += (unsigned int)r;
		if (got == n)
			break;
		r = ce_wait(qp, 100);
		CHECK(r >= 0);
		/* 60 s without a completion: the daemon lost a request. */
		if (r == 0 && ++waits > 600) {
			fprintf(stderr, "%u of %u completions after 60 s\n", got, n);
			dt_dump_log();
			exit(1);
		}
	}
}

/* One descriptor through the daemon; @return its completion status. */
int
dt_one(struct ce_qp *qp, const struct ce_desc *dd)
{
	struct ce_cqe cqe;

	CHECK_EQ(ce_submit_burst(qp, dd, 1), 1);
	dt_reap(qp, &cqe, 1);
	CHECK_EQ(cqe.cookie, dd->cookie);
	return cqe.status;
}

void
dt_hex(const char *hex, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		CHECK(sscanf(hex + 2 * i, "%2x", &v) == 1);
		out[i] = (uint8_t)v;
	}
}

double
dt_now(void)
{
	return ce_clock_s();
}

json_t *
dt_ctl(struct ce_client *c, const char *req)
{
	static char out[CE_MSG_CTL_MAX + 1];
	json_error_t err;
	json_t *j;
	int n = ce_client_ctl(c, req, out, sizeof(out));

	if (n <= 0)
		fprintf(stderr, "ctl %s: %d %s\n", req, n, ce_client_last_error(c));
	CHECK(n > 0);
	CHECK((size_t)n < sizeof(out));
	j = json_loads(out, 0, &err);
	if (j == NULL)
		fprintf(stderr, "not JSON: %s\n", out);
	CHECK(j != NULL);
	return j;
}

unsigned int
dt_proc_fds(pid_t pid)
{
	char path[64];
	struct dirent *de;
	unsigned int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	CHECK(dir != NULL);
	while ((de = readdir(dir)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

long
dt_proc_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int
dt_run_case(const struct dt_case *cases, size_t nb_cases, const char *which)
{
	for (size_t i = 0; i < nb_cases; i++)
		if (strcmp(which, cases[i].name) == 0) {
			fprintf(stderr, "-- %s\n", which);
			cases[i].fn();
			return 0;
		}
	fprintf(stderr, "no test case %s\n", which);
	return 1;
}

void
dt_fill(struct ce_client *c, struct ce_desc *dd, unsigned int n, uint64_t cookie0, int64_t h,
	uint8_t *buf)
{
	for (unsigned int i = 0; i < n; i++) {
		memset(&dd[i], 0, sizeof(dd[i]));
		dd[i].cookie = cookie0 + i;
		dd[i].session = (uint32_t)h;
		dd[i].op = CE_OP_ENCRYPT;
		dd[i].src_off = dd[i].dst_off = ce_buf_offset(c, buf + 64 * i);
		dd[i].len = 64;
	}
}

int64_t
dt_session(struct ce_client *c, const struct ce_session_params *sp)
{
	int64_t h = ce_session_create(c, sp);

	if (h < 0)
		fprintf(stderr, "session %s: %s\n", sp->alg, ce_client_last_error(c));
	CHECK(h >= 0);
	return h;
}

int64_t
dt_qp_session(struct ce_client *c, const struct ce_session_params *sp, struct ce_qp **qp)
{
	*qp = ce_qp_create(c);
	if (*qp == NULL)
		fprintf(stderr, "queue pair: %s\n", ce_client_last_error(c));
	CHECK(*qp != NULL);
	return dt_session(c, sp);
}

void *
dt_shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	memset(p, 0, size);
	return p;
}

void
dt_fork(pid_t *kids, unsigned int n, void (*fn)(void *arg, unsigned int k), void *arg)
{
	for (unsigned int k = 0; k < n; k++) {
		kids[k] = fork();
		CHECK(kids[k] >= 0);
		if (kids[k] == 0) {
			fn(arg, k);
			_exit(1);	/* fn does not return */
		}
	}
}

void
dt_wait_count(const uint32_t *count, uint32_t n, unsigned int max_s)
{
	/* Acquire: what each child wrote before it counted itself is visible. */
	for (unsigned int tries = 0; __atomic_load_n(count, __ATOMIC_ACQUIRE) < n; tries++) {
		CHECK(tries < max_s * 100);
		dt_sleep_ms(10);
	}
}

void
dt_wait_children(const pid_t *kids, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++) {
		int st;

		CHECK(waitpid(kids[k], &st, 0) == kids[k]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
}
