/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers for daemon integration tests (library dtest, tests/daemon/dtest.c):
 * a temp directory, a config file, a real cryptoengd process, clients
 * through libcryptoeng, completions, control requests, the daemon seen from
 * /proc. Every helper that fails a CHECK exits the test, and an exiting test
 * takes its daemon and its files with it (dt_init's atexit handler).
 */
#ifndef DTEST_H
#define DTEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "ce_test.h"
#include "cryptoeng.h"

extern const char *dt_bin;	/* the cryptoengd binary (argv[1]) */
extern char dt_dir[64];		/* the test's temp directory */
extern char dt_cfg[128];	/* its config file, d.ini */
extern char dt_sock[80];	/* the daemon's control socket */
extern char dt_log[128];	/* the daemon's stderr */
extern pid_t dt_pid;		/* the daemon dt_start() started, 0: none */

/* A case of a test program, chosen by name on its command line. */
struct dt_case {
	const char *name;
	void (*fn)(void);
};

#define DT_NB_CASES(cases) (sizeof(cases) / sizeof((cases)[0]))

/*
 * Run the case of @p cases named @p which (its name printed first).
 * @return 0 once it passed (a failing case exits), or 1: no such case.
 */
int dt_run_case(const struct dt_case *cases, size_t nb_cases, const char *which);

/* n in-place encrypt descriptors of session h, 64 bytes each at buf + 64 * i,
 * cookies cookie0 + i. */
void dt_fill(struct ce_client *c, struct ce_desc *dd, unsigned int n, uint64_t cookie0,
	     int64_t h, uint8_t *buf);

/* A session of @p sp on @p c, or the test fails (saying why).
 * @return the session handle. */
int64_t dt_session(struct ce_client *c, const struct ce_session_params *sp);

/* A queue pair and a session of @p sp on @p c, or the test fails (saying why).
 * @return the session handle. */
int64_t dt_qp_session(struct ce_client *c, const struct ce_session_params *sp,
		      struct ce_qp **qp);

/* Zeroed memory shared with the children the test forks. */
void *dt_shared(size_t size);
/* Fork @p n children: child k runs fn(arg, k), which ends with _exit. */
void dt_fork(pid_t *kids, unsigned int n, void (*fn)(void *arg, unsigned int k), void *arg);
/* Wait until *count (raised by the children) reaches @p n; fails after @p max_s s. */
void dt_wait_count(const uint32_t *count, uint32_t n, unsigned int max_s);
/* Reap the @p n children; each must have exited 0. */
void dt_wait_children(const pid_t *kids, unsigned int n);

/* argv[1] is the daemon; make the temp directory and the file names. */
void dt_init(int argc, char **argv);
void dt_sleep_ms(unsigned int ms);
/* dt_cfg: EAL without hugepages, our socket, then @p extra ([pmd.*] ...). */
void dt_write_config(const char *extra);
/* Copy the daemon's log to stderr (after a failure). */
void dt_dump_log(void);
/* Run cryptoengd on @p cfg in the foreground; stderr goes to dt_log. */
pid_t dt_spawn(const char *cfg);
/* Wait for the daemon's exit; @return its exit code (or 128 + signal). */
int dt_wait_exit(pid_t pid);
/* Connect, waiting for the daemon to listen (fails if it exits first). */
struct ce_client *dt_connect_opts(const struct ce_client_opts *o);
struct ce_client *dt_connect(void);
/* Config with @p extra, daemon started, listening. */
void dt_start(const char *extra);
/* SIGTERM, and the daemon must exit 0. */
void dt_stop(void);
/* Reap @p n completions (blocking in ce_wait) into @p cqes; 60 s without one fails. */
void dt_reap(struct ce_qp *qp, struct ce_cqe *cqes, unsigned int n);
/* One descriptor through the daemon; @return its completion status. */
int dt_one(struct ce_qp *qp, const struct ce_desc *dd);
/* @p n bytes from 2n hex digits. */
void dt_hex(const char *hex, uint8_t *out, size_t n);
/* CLOCK_MONOTONIC in seconds. */
double dt_now(void);
/* A control request's answer as JSON (a new reference); fails on no answer. */
json_t *dt_ctl(struct ce_client *c, const char *req);
/* Open descriptors of process @p pid. */
unsigned int dt_proc_fds(pid_t pid);
/* Resident memory of process @p pid, KiB. */
long dt_proc_rss_kb(pid_t pid);

#endif /* DTEST_H */
