/* SPDX-License-Identifier: BSD-3-Clause */
/* The in-process daemon of fuzz_daemon.h. */
#include <errno.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_daemon.h"

int cryptoengd_main(int argc, char **argv);

static char fuzz_dir[128], fuzz_ini[160], fuzz_sock[160];
static int fuzz_running;

static void *
fuzz_daemon_thread(void *arg)
{
	char *argv[] = { "cryptoengd", "--foreground", "--config", fuzz_ini, NULL };
	int rc;

	(void)arg;
	__atomic_store_n(&fuzz_running, 1, __ATOMIC_RELEASE);
	rc = cryptoengd_main(4, argv);
	__atomic_store_n(&fuzz_running, 0, __ATOMIC_RELEASE);
	fprintf(stderr, "fuzz: the daemon returned %d\n", rc);
	return NULL;
}

int
fuzz_daemon_alive(void)
{
	return __atomic_load_n(&fuzz_running, __ATOMIC_ACQUIRE);
}

const char *
fuzz_daemon_start(const char *name, const char *engine_keys)
{
	struct ce_client *c = NULL;
	pthread_t t;
	FILE *f;

	if (fuzz_sock[0] != '\0')
		return fuzz_sock;
	snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/ce-fuzz-%s-%d", name, (int)getpid());
	snprintf(fuzz_ini, sizeof(fuzz_ini), "%s/cryptoengd.ini", fuzz_dir);
	snprintf(fuzz_sock, sizeof(fuzz_sock), "%s/sock", fuzz_dir);
	FUZZ_CHECK(mkdir(fuzz_dir, 0700) == 0 || errno == EEXIST);
	f = fopen(fuzz_ini, "w");
	FUZZ_CHECK(f != NULL);
	/* idle_sleep (the default): an idle worker sleeps, the shared cores stay free. */
	fprintf(f, "[eal]\nlcores = 0,1\nargs = --no-pci --log-level=*:error\n"
		"file_prefix = ce-fuzz-%s-%d\nhugepages = no\n"
		"[engine]\n%s\n[clients]\nmax_sessions = 256\n"
		"[socket]\npath = %s\n"
		"[pmd.null0]\ndriver = null\nargs = depth=64\n"
		"[pmd.ipsecmb0]\ndriver = ipsecmb\n",
		name, (int)getpid(), engine_keys ? engine_keys : "", fuzz_sock);
	FUZZ_CHECK(fclose(f) == 0);
	FUZZ_CHECK(pthread_create(&t, NULL, fuzz_daemon_thread, NULL) == 0);
	pthread_detach(t);
	for (int i = 0; i < 600 && c == NULL; i++) {
		nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
		c = ce_client_connect(fuzz_sock, NULL);
	}
	FUZZ_CHECK(c != NULL);
	ce_client_close(c);
	return fuzz_sock;
}

struct ce_client *
fuzz_daemon_connect(const struct ce_client_opts *o)
{
	struct ce_client *c = ce_client_connect(fuzz_sock, o);

	if (c == NULL)
		fprintf(stderr, "fuzz: connect: %s (%s)\n", strerror(errno),
			ce_client_last_error(NULL));
	FUZZ_CHECK(c != NULL);
	return c;
}
