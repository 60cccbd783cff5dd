/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoeng-perf: the daemon: find, spawn and stop one (--spawn); client threads and their queue pairs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cryptoeng.h"
#include "perf.h"
#include "perf_run.h"

/* ---- daemon: connect or spawn -------------------------------------------- */

static const char *
perf_daemon_binary(void)
{
	static char path[PATH_MAX + 32];
	const char *env = getenv("CRYPTOENGD");
	char self[PATH_MAX - 64];
	ssize_t n;
	char *slash;

	if (env && *env)
		return env;
	/* A build tree's own daemon first (a test must not pick up an installed one). */
	if (access(PERF_DAEMON_PATH, X_OK) == 0)
		return PERF_DAEMON_PATH;
	/* Copied: next to this binary, or in ../daemon of a build tree. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/cryptoengd", self);
			if (access(path, X_OK) == 0)
				return path;
			snprintf(path, sizeof(path), "%s/../daemon/cryptoengd", self);
			if (access(path, X_OK) == 0)
				return path;
		}
	}
	/* Installed: where the package put it. */
	if (access(PERF_INSTALLED_DAEMON, X_OK) == 0)
		return PERF_INSTALLED_DAEMON;
	return NULL;
}

void
perf_daemon_stop(void)
{
	int status, i;

	if (perf_daemon_pid <= 0)
		return;
	kill(perf_daemon_pid, SIGTERM);
	for (i = 0; i < 200; i++) {
		struct timespec d = { 0, 50000000 };

		if (waitpid(perf_daemon_pid, &status, WNOHANG) == perf_daemon_pid)
			break;
		nanosleep(&d, NULL);
	}
	if (i == 200) {
		fprintf(stderr, "cryptoeng-perf: cryptoengd did not stop in 10 s, killing it\n");
		kill(perf_daemon_pid, SIGKILL);
		waitpid(perf_daemon_pid, &status, 0);
	}
	perf_daemon_pid = -1;
}

void
perf_spawn_cleanup(void)
{
	char p[128];

	if (perf_spawn_dir[0] == '\0')
		return;
	snprintf(p, sizeof(p), "%s/cryptoeng.sock", perf_spawn_dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/cryptoengd.log", perf_spawn_dir);
	unlink(p);
	rmdir(perf_spawn_dir);
	perf_spawn_dir[0] = '\0';
}

static void
perf_spawn_log_tail(void)
{
	char p[128], buf[4096];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/cryptoengd.log", perf_spawn_dir);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return;
	if (lseek(fd, 0, SEEK_END) > (off_t)sizeof(buf) - 1)
		lseek(fd, -(off_t)(sizeof(buf) - 1), SEEK_END);
	else
		lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		fprintf(stderr, "cryptoeng-perf: cryptoengd's log ends with:\n%s", buf);
	}
}

/*
 * Start cryptoengd on a private socket, wait until it answers, connect.
 * Its output goes to a log file, shown only if it fails.
 */
struct ce_client *
perf_spawn(const struct ce_client_opts *co)
{
	const char *bin = perf_daemon_binary(), *cfg = perf_o.spawn_config;
	char sock[128], logp[128], defcfg[PATH_MAX];
	struct ce_client *c = NULL;
	uint64_t deadline;
	int status;

	if (bin == NULL) {
		fprintf(stderr, "cryptoeng-perf: cryptoengd not found (looked for the build tree's, "
			"one next to this program and %s; set $CRYPTOENGD)\n", PERF_INSTALLED_DAEMON);
		return NULL;
	}
	if (cfg == NULL) {
		const struct perf_plan *p = &perf_p;
		const char *name = (p->backend && strcmp(p->backend, "null") == 0) ? "null.ini" :
				   "default.ini";

		/* The source tree's when built there, else the installed copy. */
		snprintf(defcfg, sizeof(defcfg), "%s/config/%s", PERF_SOURCE_ROOT, name);
		if (access(defcfg, R_OK) != 0)
			snprintf(defcfg, sizeof(defcfg), "%s/%s", PERF_INSTALLED_CONFDIR, name);
		cfg = defcfg;
	}
	if (access(cfg, R_OK) != 0) {
		fprintf(stderr, "cryptoeng-perf: daemon config %s: %s\n", cfg, strerror(errno));
		return NULL;
	}
	snprintf(perf_spawn_dir, sizeof(perf_spawn_dir), "/tmp/cryptoeng-perf.XXXXXX");
	if (mkdtemp(perf_spawn_dir) == NULL) {
		perror("cryptoeng-perf: mkdtemp");
		perf_spawn_dir[0] = '\0';
		return NULL;
	}
	snprintf(sock, sizeof(sock), "%s/cryptoeng.sock", perf_spawn_dir);
	snprintf(logp, sizeof(logp), "%s/cryptoengd.log", perf_spawn_dir);
	fflush(NULL);
	perf_daemon_pid = fork();
	if (perf_daemon_pid < 0) {
		perror("cryptoeng-perf: fork");
		return NULL;
	}
	if (perf_daemon_pid == 0) {
		int fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		execl(bin, bin, "--config", cfg, "--socket", sock, "--foreground", (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	deadline = perf_now_ns() + 30000000000ull;
	while (perf_now_ns() < deadline) {
		struct timespec d = { 0, 20000000 };

		if (waitpid(perf_daemon_pid, &status, WNOHANG) == perf_daemon_pid) {
			fprintf(stderr, "cryptoeng-perf: cryptoengd (%s --config %s) exited with %d\n",
				bin, cfg, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			perf_daemon_pid = -1;
			perf_spawn_log_tail();
			return NULL;
		}
		if (access(sock, F_OK) == 0) {
			c = ce_client_connect(sock, co);
			if (c)
				return c;
		}
		nanosleep(&d, NULL);
	}
	fprintf(stderr, "cryptoeng-perf: cryptoengd did not answer on %s within 30 s\n", sock);
	perf_spawn_log_tail();
	return NULL;
}

/* ---- setup ------------------------------------------------------------------ */

uint64_t
perf_round(uint64_t x, uint64_t a)
{
	return (x + a - 1) / a * a;
}

int
perf_threads_setup(uint32_t pool)
{
	uint32_t i;

	perf_threads = calloc(perf_o.qps, sizeof(*perf_threads));
	if (perf_threads == NULL)
		return -ENOMEM;
	for (i = 0; i < perf_o.qps; i++) {
		struct perf_thread *t = &perf_threads[i];

		t->idx = i;
		t->nb_slots = pool;
		t->slots = calloc(pool, sizeof(*t->slots));
		t->free_stack = calloc(pool, sizeof(*t->free_stack));
		if (!t->slots || !t->free_stack)
			return -ENOMEM;
		if (perf_o.test == PERF_TEST_LATENCY) {
			t->lat = calloc(perf_o.total_ops, sizeof(*t->lat));
			if (t->lat == NULL)
				return -ENOMEM;
		}
		if (perf_thread_attach(t) < 0)
			return -1;
	}
	return 0;
}

/* An asymmetric session and its buffers: input, output (out_max), signature. */
static int
perf_thread_attach_asym(struct perf_thread *t)
{
	int64_t h = perf_asym_session(perf_client);
	uint32_t s;

	if (h < 0)
		return -1;
	t->session = (uint32_t)h;
	for (s = 0; s < t->nb_slots; s++) {
		struct perf_slot *sl = &t->slots[s];

		/* Never in place: the daemon refuses dst overlapping src. */
		sl->src = ce_buf_alloc(perf_client, perf_round(perf_p.asym_in_len + 1, 64), 64);
		sl->dst = ce_buf_alloc(perf_client, perf_round(perf_p.asym_out_max, 64), 64);
		sl->iv = ce_buf_alloc(perf_client, perf_round(perf_p.asym_sig_len + 1, 64), 64);
		if (!sl->src || !sl->dst || !sl->iv) {
			fprintf(stderr, "cryptoeng-perf: arena exhausted at buffer %u of %u\n", s,
				t->nb_slots);
			return -ENOMEM;
		}
		sl->aad = sl->iv;	/* SIG_VERIFY's signature */
		sl->digest = NULL;
		sl->src_off = ce_buf_offset(perf_client, sl->src);
		sl->dst_off = ce_buf_offset(perf_client, sl->dst);
		sl->iv_off = sl->aad_off = ce_buf_offset(perf_client, sl->iv);
		sl->digest_off = 0;
	}
	return 0;
}

/* Queue pair, session and buffers of @p t on perf_client (again after a reconnect). */
int
perf_thread_attach(struct perf_thread *t)
{
	uint64_t stride_src = perf_round(perf_o.max_buffer ? perf_o.max_buffer : 1, 64);
	struct ce_session_params sp = {
		.alg = perf_p.alg,
		.driver = perf_p.driver[0] ? perf_p.driver : NULL,
		.key = perf_p.key,
		.key_len = perf_p.key_len,
		.iv_len = perf_p.iv_len,
		.digest_len = perf_p.digest_len,
		.aad_max = perf_p.aad_len,
		.direction = perf_p.direction,
	};
	uint32_t s, pool = t->nb_slots;
	int64_t h;

	t->qp = ce_qp_create(perf_client);
	if (t->qp == NULL) {
		fprintf(stderr, "cryptoeng-perf: queue pair %u: %s (%s)\n", t->idx, strerror(errno),
			ce_client_last_error(perf_client));
		return -1;
	}
	t->lcore = ce_qp_lcore(t->qp);
	if (perf_p.asym)
		return perf_thread_attach_asym(t);
	h = ce_session_create(perf_client, &sp);
	if (h == -ENOENT && perf_p.backend != NULL) {
		char drivers[512], why[128];

		/* --devtype named a backend the daemon has no device of (crypto_qat
		 * without QAT): say so, rather than run another implementation. */
		snprintf(why, sizeof(why), "%s", ce_client_last_error(perf_client));
		perf_daemon_drivers(drivers, sizeof(drivers));
		fprintf(stderr, "cryptoeng-perf: --devtype %s: no such device: the daemon has no "
			"'%s' implementation of %s (asked for %s: %s); it offers: %s\n",
			perf_o.devtype, perf_p.backend, perf_p.alg, sp.driver, why,
			drivers[0] ? drivers : "nothing for it");
		return -1;
	}
	if (h < 0) {
		fprintf(stderr, "cryptoeng-perf: session %s%s%s (key %u, iv %u, digest %u, aad %u): "
			"%s: %s\n", perf_p.alg, sp.driver ? " driver " : "",
			sp.driver ? sp.driver : "", sp.key_len, sp.iv_len, sp.digest_len,
			sp.aad_max, strerror((int)-h), ce_client_last_error(perf_client));
		return -1;
	}
	t->session = (uint32_t)h;
	for (s = 0; s < pool; s++) {
		struct perf_slot *sl = &t->slots[s];

		if (!perf_o.out_of_place) {
			/* In place, as an ESP packet: AAD, IV, data, digest back to back
			 * (libcryptoeng sends such requests two to an SQ slot). */
			sl->aad = ce_buf_alloc(perf_client, perf_p.aad_len + perf_p.iv_len +
					       stride_src + perf_p.digest_len + 1, 64);
			sl->iv = sl->aad ? sl->aad + perf_p.aad_len : NULL;
			sl->src = sl->dst = sl->iv ? sl->iv + perf_p.iv_len : NULL;
			if (!sl->src) {
				fprintf(stderr, "cryptoeng-perf: arena exhausted at buffer %u of "
					"%u\n", s, pool);
				return -ENOMEM;
			}
			sl->digest = sl->src + (perf_o.max_buffer ? perf_o.max_buffer : 1);
			sl->src_off = sl->dst_off = ce_buf_offset(perf_client, sl->src);
			sl->iv_off = ce_buf_offset(perf_client, sl->iv);
			sl->aad_off = ce_buf_offset(perf_client, sl->aad);
			sl->digest_off = ce_buf_offset(perf_client, sl->digest);
			continue;
		}
		sl->src = ce_buf_alloc(perf_client, stride_src, 64);
		sl->dst = ce_buf_alloc(perf_client, stride_src, 64);
		/* IV, AAD and digest share one line-aligned block after the data. */
		sl->iv = ce_buf_alloc(perf_client, perf_round(perf_p.iv_len + 1, 64) +
				      perf_round(perf_p.aad_len + 1, 64) +
				      perf_round(perf_p.digest_len + 1, 64), 64);
		if (!sl->src || !sl->dst || !sl->iv) {
			fprintf(stderr, "cryptoeng-perf: arena exhausted at buffer %u of %u\n", s,
				pool);
			return -ENOMEM;
		}
		sl->aad = sl->iv + perf_round(perf_p.iv_len + 1, 64);
		sl->digest = sl->aad + perf_round(perf_p.aad_len + 1, 64);
		sl->src_off = ce_buf_offset(perf_client, sl->src);
		sl->dst_off = ce_buf_offset(perf_client, sl->dst);
		sl->iv_off = ce_buf_offset(perf_client, sl->iv);
		sl->aad_off = ce_buf_offset(perf_client, sl->aad);
		sl->digest_off = ce_buf_offset(perf_client, sl->digest);
	}
	return 0;
}
