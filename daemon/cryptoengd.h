/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengd private header: configuration, clients, queue pairs, sessions,
 * workers. Shared by the control plane (cp_*.c), the data path (worker.c),
 * the JSON/telemetry reporting (report.c) and main.c.
 *
 * Threads and who writes what:
 * - control thread (main lcore): the client list, sessions, queue pair
 *   creation and destruction; holds cryptoengd.lock while it changes them;
 * - worker lcores: their own queue pair list, ring state, per-QP and
 *   per-algorithm counters (single writer, relaxed atomic stores);
 * - DPDK's telemetry thread: reads under cryptoengd.lock, counters atomically.
 *
 * Include order matters: ce_pmd.h's enum ce_op must come before
 * ce_shm_abi.h's CE_OP_* macros.
 */
#ifndef CRYPTOENGD_H
#define CRYPTOENGD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "ce_engine.h"
#include "ce_pmd.h"
#include "ce_registry.h"
#include "ce_shm.h"
#include "worker_cycles.h"

#define D_MAX_PMDS		16
#define D_MAX_ACL		64
#define D_MAX_WORKERS		64
#define D_WORKER_MAX_QPS	1024
#define D_BURST_MAX		64
#define D_OPS			CE_OP_MAX	/* CE_OP_ENCRYPT..CE_OP_KPP_SECRET */
#define D_NAME_MAX		64
#define D_VALUE_MAX		256

/* ---- configuration (config.c) ---------------------------------------- */

struct d_pmd_cfg {
	char name[D_NAME_MAX];		/* the section's suffix: [pmd.<name>] */
	char driver[D_NAME_MAX];
	char args[D_VALUE_MAX];
};

struct d_config {
	char file[4096];
	/* [eal] */
	char lcores[D_VALUE_MAX];
	char eal_args[D_VALUE_MAX];
	char file_prefix[D_NAME_MAX];
	int hugepages;			/* -1 auto, 0 never, 1 required (or exit) */
	uint32_t log_level;		/* rte_log level of logtype cryptoengd */
	/* [engine] */
	uint32_t queue_size;
	uint32_t backlog_size;
	uint32_t batch_size;
	uint32_t burst;			/* descriptors read per QP per round */
	uint32_t window;		/* most symmetric requests a worker keeps in flight */
	uint32_t asym_window;		/* most asymmetric requests a worker keeps in flight */
	uint32_t idle_us;		/* idle this long: unprepare, then sleep */
	uint32_t sleep_min_us;		/* first sleep of the backoff */
	uint32_t sleep_max_us;		/* ceiling of the sleep backoff */
	bool idle_sleep;		/* false: poll forever (never sleep) */
	bool direct;			/* sync backends fed by the worker, no engine */
	uint32_t stop_timeout_ms;
	uint32_t selftest_timeout_ms;	/* a device's self-tests answer by then */
	bool retry;
	/* [clients] */
	uid_t uids[D_MAX_ACL];
	unsigned int nb_uids;
	gid_t gids[D_MAX_ACL];
	unsigned int nb_gids;
	uint32_t max_clients;		/* authenticated (past HELLO), not closed */
	uint32_t max_pending;		/* connections waiting for HELLO */
	uint32_t max_pending_per_uid;	/* of those, from one peer uid */
	uint32_t max_conns_per_uid;	/* pending + authenticated, per peer uid;
					 * 0: max_clients + max_pending_per_uid */
	uint32_t hello_timeout_ms;	/* a pending connection's HELLO deadline */
	uint32_t max_qps;
	uint32_t max_sessions;
	uint32_t max_region_mb;
	uint32_t credits;
	/* [socket] */
	char socket_path[108];
	uint32_t socket_mode;
	/* [pmd.*] */
	struct d_pmd_cfg pmds[D_MAX_PMDS];
	unsigned int nb_pmds;
};

/* Load and check @p file; every error is printed as file:line: key: what.
 * @return 0, or -EINVAL (config error), -errno (unreadable). */
int d_config_load(const char *file, struct d_config *cfg);

/* ---- logging (log.c): rte_log, logtype "cryptoengd" ---------------------- */

/* Our lines to stderr (journal-aware) or syslog; before rte_eal_init. */
void d_log_init(bool syslog_on);
/* After rte_eal_init: with syslog, hand over to EAL's stream (--syslog). */
void d_log_eal_ready(void);
/* @return 0, or -EINVAL (level out of range). */
int d_log_set_level(uint32_t level);
uint32_t d_log_get_level(void);
/* @p prio is a syslog priority (LOG_ERR...). */
void d_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- readiness (notify.c) ---------------------------------------------- */

/*
 * Fork; the parent waits until d_notify_ready() (exit 0) or the child's
 * exit (its status). Before rte_eal_init. @return 0 in the child, or -errno.
 */
int d_daemonize(bool close_stdio);
/* The control socket listens: READY=1 to systemd, release the parent. */
void d_notify_ready(void);
/* The drain starts: STOPPING=1. */
void d_notify_stopping(void);
void d_notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- SIGHUP (reload.c) -------------------------------------------------- */

/*
 * Read the config file again and apply what can change while clients are
 * connected: [clients] allow_uids / allow_gids (checked at each new
 * connection) and [eal] log_level. Logs what it did; a file with errors
 * changes nothing. Control thread only.
 */
void d_reload(void);

/* ---- sessions, queue pairs, clients ------------------------------------ */

/*
 * A client's session slot. The handle is (gen << 16) | index; @c live holds
 * the generation while the handle works and 0 otherwise, so a stale handle,
 * or one of another client (other table), fails the lookup.
 */
struct d_sess {
	uint32_t live;			/* atomic: generation, or 0 */
	uint16_t gen;			/* control thread only */
	uint16_t alg_idx;		/* index in d_algs */
	bool pending;			/* destroyed, waiting for grace + nothing in flight */
	bool token_set;
	uint64_t token;			/* QSBR token, taken when it was destroyed */
	struct ce_pmd_session *cs[D_OPS];	/* per op; NULL = op not allowed */
	struct ce_shm_sess_info si;
};

/* Context of one request in flight; per QP, made at QP creation. */
struct d_slot {
	struct d_qp *qp;
	struct d_sess *sess;
	uint32_t *busy;			/* the worker's in-flight count of sess */
	uint32_t out_len;
	uint32_t bytes;
};

/* Per-QP counters: one writer (the worker), read relaxed from anywhere. */
struct d_qp_stats {
	uint64_t requests;
	uint64_t bytes;
	uint64_t completed;
	uint64_t err_inval;
	uint64_t err_badmsg;
	uint64_t err_other;
};

/* Add @p s (read relaxed: a worker may be writing it) to @p t. */
static inline void
d_qp_stats_add(struct d_qp_stats *t, const struct d_qp_stats *s)
{
	t->requests += __atomic_load_n(&s->requests, __ATOMIC_RELAXED);
	t->bytes += __atomic_load_n(&s->bytes, __ATOMIC_RELAXED);
	t->completed += __atomic_load_n(&s->completed, __ATOMIC_RELAXED);
	t->err_inval += __atomic_load_n(&s->err_inval, __ATOMIC_RELAXED);
	t->err_badmsg += __atomic_load_n(&s->err_badmsg, __ATOMIC_RELAXED);
	t->err_other += __atomic_load_n(&s->err_other, __ATOMIC_RELAXED);
}

struct d_client;

struct d_qp {
	struct d_client *c;
	uint32_t id;
	unsigned int worker;		/* index in d_workers */
	uint32_t credits;
	uint64_t sq_off, cq_off, sq_bytes, cq_bytes;
	int sq_efd;			/* doorbell: client writes, worker reads */
	int cq_efd;			/* notification: worker writes */
	TAILQ_ENTRY(d_qp) next;		/* control: client's list or dying list */
	uint64_t token;			/* control: QSBR token once quiet */
	bool token_set;
	bool destroy_reply;		/* control: QP_DESTROY answered once quiet */
	uint32_t destroy_seq;		/* control: that request's sequence number */

	/* Worker only (after ADD, until DEL). */
	struct ce_ring sq __rte_cache_aligned;
	struct ce_ring cq;
	uint32_t cq_pending;		/* CQEs staged in cqe_stage, not yet published */
	/*
	 * CQEs are staged in private memory and copied into the CQ in one
	 * tight loop at publish: a store to a CQ line the client last read
	 * misses on ownership, and with stores committing in order one such
	 * miss amid a request's other stores stalled the whole worker.
	 */
	struct ce_cqe *cqe_stage;	/* cq.size entries */
	bool dirty;			/* on the worker's dirty list */
	bool bell_due;			/* published, doorbell not checked yet (worker_ring_bells) */
	bool sleeping;			/* NEED_WAKEUP set on the SQ */
	struct d_slot *slots;		/* credits entries */
	uint32_t *free_slots;		/* stack of free slot indices */
	uint32_t nb_free;
	/* Worker only, while the daemon stops (worker_drain). */
	uint32_t drain_end;		/* SQ producer index when the stop began */
	bool drain_marked;		/* drain_end is set */
	bool notice_due;		/* the shutdown notice CQE is still to post */
	uint32_t notice_at;		/* CQ index of the shutdown notice, once posted */

	/* Written by the worker, read anywhere. */
	uint32_t inflight;		/* atomic */
	uint32_t detached;		/* atomic: worker dropped it (DEL acked) */
	uint32_t broken;		/* atomic: enum d_qp_broken */
	bool broken_told;		/* control: client dropped for it */
	struct d_qp_stats st;
};

TAILQ_HEAD(d_qp_list, d_qp);

/* Why a queue pair is no longer served (d_qp.broken). */
enum d_qp_broken { D_QP_OK = 0, D_QP_BROKEN_SQ, D_QP_BROKEN_CQ };

struct d_client {
	TAILQ_ENTRY(d_client) next;
	uint32_t id;
	int sock;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	bool hello;			/* always: a client exists only after HELLO */
	bool dead;			/* socket gone; reaped when quiet */
	char name[32];
	uint8_t *base;			/* region mapping */
	bool dma_registered;		/* base registered for device DMA */
	struct ce_shm_region_info ri;
	struct d_qp_list qps;		/* live queue pairs */
	uint32_t nb_qps;
	uint32_t next_qp_id;
	struct d_sess *sess;		/* max_sessions slots */
	/*
	 * Requests in flight per session, one row of max_sessions counters per
	 * worker: each worker writes only its own row with plain stores, so
	 * the data path has no locked instruction (a lock prefix drains the
	 * store buffer, and the CQ stores in it wait on the client's cache).
	 * The control thread sums the rows (cp_sess_busy()).
	 */
	uint32_t *sess_busy;
	uint32_t nb_sess;		/* live sessions */
	struct d_qp_stats gone;		/* counters of destroyed queue pairs */
};

TAILQ_HEAD(d_client_list, d_client);

/* ---- workers (worker.c) ----------------------------------------------- */

enum d_cmd_type { D_CMD_WAKE = 0, D_CMD_ADD_QP, D_CMD_DEL_QP };

/* A worker's counters of one algorithm: one writer, read relaxed. */
struct d_alg_stats {
	uint64_t requests;
	uint64_t bytes;
	uint64_t errors;
};

struct d_worker {
	unsigned int idx;
	unsigned int lcore;
	struct ce_engine *e;
	struct rte_ring *cmd;		/* MP/SC: control -> worker */
	int wake_efd;			/* control rings it after a command */
	int epfd;			/* the worker's sleep: wake_efd + SQ doorbells */
	uint64_t sleep_ns;		/* next sleep's timeout (backoff) */
	uint32_t nb_assigned;		/* control: QPs given to it */

	/* Worker only. */
	struct d_qp *qps[D_WORKER_MAX_QPS];
	unsigned int nb_qps;
	unsigned int rr;
	struct ce_pmd_request *stash[D_BURST_MAX];
	unsigned int nb_stash;
	struct d_qp *dirty[D_WORKER_MAX_QPS];
	unsigned int nb_dirty;
	struct d_qp *bells[D_WORKER_MAX_QPS];	/* published, doorbells due */
	unsigned int nb_bells;
	uint64_t inflight;
	uint64_t inflight_asym;		/* of inflight: asymmetric (worker.c's naps) */
	struct d_alg_stats *alg_stats;	/* by index in cryptoengd.algs */
	/*
	 * Direct path: the queue pairs of synchronous backends
	 * (CE_PMD_DRV_F_SYNC) belong to the worker, not to its engine; it
	 * feeds them validated requests and polls them itself.
	 */
	struct ce_pmd_qp *direct_of_dev[CE_ENGINE_MAX_DEVS];	/* NULL: engine's */
	struct ce_pmd_qp *direct[CE_ENGINE_MAX_DEVS];
	unsigned int nb_direct;
	uint64_t direct_inflight;
	struct ce_pmd_request *direct_done[D_BURST_MAX];	/* back to the pool in bulk */
	unsigned int nb_direct_done;
	struct ce_engine_stats direct_st;	/* one writer; read relaxed */
	struct d_stage_cycles stage;	/* counted with -Dstage_cycles only */

	/* Control -> worker. */
	uint32_t stop;			/* atomic */
	/* Worker -> anyone. */
	uint32_t state;			/* atomic: enum d_worker_state */
	uint64_t sleeps;		/* atomic-read counter */
	uint64_t sleep_aborts;		/* NEED_WAKEUP set, then work seen: no sleep */
	int stop_result;
};

enum d_worker_state { D_W_INIT = 0, D_W_RUNNING, D_W_SLEEPING, D_W_STOPPED };

int d_worker_main(void *arg);
/*
 * Give worker @p w backend queue pair @p qp (control path, before it runs):
 * a synchronous backend's to the worker's direct path when [engine] direct
 * is on, any other to its engine.
 * @return 0, or ce_engine_attach_qp()'s -EBUSY, -EEXIST, -ENOSPC.
 */
int d_worker_attach_qp(struct d_worker *w, struct ce_pmd_qp *qp);
/* Add the direct path's counters to @p s (any thread; relaxed reads). */
void d_worker_direct_stats(const struct d_worker *w, struct ce_engine_stats *s);
/* Queue a command for worker @p w and wake it. @return 0 or -ENOBUFS. */
int d_worker_cmd(struct d_worker *w, enum d_cmd_type type, struct d_qp *qp);

/* ---- daemon state (main.c) -------------------------------------------- */

struct d_dev {
	struct ce_pmd_dev *dev;
	const struct d_pmd_cfg *cfg;
};

struct d_daemon {
	struct d_config cfg;
	pthread_mutex_t lock;		/* client list / qps / sessions vs telemetry */
	struct d_client_list clients;
	struct d_qp_list dying;		/* QPs waiting for the worker's ack */
	uint32_t nb_clients;		/* past HELLO and not closed ([clients] max_clients) */
	uint32_t next_client_id;
	struct d_dev devs[D_MAX_PMDS];
	unsigned int nb_devs;
	struct d_worker *workers[D_MAX_WORKERS];
	unsigned int nb_workers;
	const struct ce_registry_entry **algs;	/* registry entries, by index */
	unsigned int nb_algs;
	struct rte_rcu_qsbr *qsbr;	/* workers report quiescent states */
	uint64_t start_tsc;
	int cp_efd;			/* workers ring it: a queue pair broke */
	uint32_t stopping;		/* atomic */
};

extern struct d_daemon cryptoengd;

/* Worker @p w's count of the requests of session @p idx of @p c in flight
 * (its row of c->sess_busy). */
static inline uint32_t *
d_sess_busy_of(const struct d_client *c, unsigned int w, uint32_t idx)
{
	return &c->sess_busy[(size_t)w * cryptoengd.cfg.max_sessions + idx];
}

/*
 * Each device has a queue pair per worker (qps[i] is worker i's) and one
 * past them that no engine owns and no worker polls: on it the control
 * thread re-runs known-answer self-tests while the workers serve clients.
 */
static inline uint16_t
d_selftest_qp(void)
{
	return (uint16_t)cryptoengd.nb_workers;
}

/* ---- control plane (cp_*.c) -------------------------------------------- */

int cp_run(void);		/* the main lcore's loop; returns at shutdown */
void cp_teardown(void);	/* free every client; workers must have stopped */

/* ---- reports (report.c) ----------------------------------------------- */

/*
 * Answer a JSON control request into a malloc'ed string.
 * @return 0 with *out set, or -EINVAL (bad request, *why set), -ENOMEM;
 *   "fault" also -ENODEV (no such device), -EPERM (no fault_inject=1);
 *   "selftest" also -ENOENT (no such driver). A "selftest" drives the
 *   devices' self-test queue pairs (d_selftest_qp()) from the calling
 *   thread, one run at a time (the registry serializes them).
 */
int d_report_ctl(const char *req, char **out, const char **why);

/* ---- live self-tests (cp_selftest.c) ----------------------------------- */

/*
 * {"cmd": "selftest", "driver": NAME}: the known-answer tests of every
 * implementation (no "driver") or of one driver, again, now (d_report_ctl()
 * dispatches it). @return 0 with *res set, or -EINVAL (driver not a string),
 * -ENOENT (no such driver), -ENOMEM; *why says which.
 */
struct json_t;
int cp_selftest(struct json_t *in, struct json_t **res, const char **why);
void d_report_telemetry_register(void);

#endif /* CRYPTOENGD_H */
