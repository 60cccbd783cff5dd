/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoeng-perf's runner, private: the state the request loop
 * (cryptoeng-perf.c), the daemon side (perf_daemon.c), the output
 * (perf_report.c) and main (perf_main.c) share. Options are in perf.h.
 */
#ifndef PERF_RUN_H
#define PERF_RUN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "cryptoeng.h"
#include "perf.h"

#define PERF_MAX_BURST 512
#define PERF_VARIANTS 16	/* distinct IV/data per slot, so mixed-up buffers are caught */
#define PERF_REGION_LIMIT (240u << 20)	/* under the daemon's default max_region_mb = 256 */
#define PERF_PROGRESS_AFTER_NS 2000000000ull

#ifndef PERF_INSTALLED_DAEMON
#define PERF_INSTALLED_DAEMON "/usr/sbin/cryptoengd"
#endif
#ifndef PERF_INSTALLED_CONFDIR
#define PERF_INSTALLED_CONFDIR "/usr/share/cryptoeng"
#endif
#ifndef PERF_DAEMON_PATH
#define PERF_DAEMON_PATH "cryptoengd"
#endif
#ifndef PERF_SOURCE_ROOT
#define PERF_SOURCE_ROOT "."
#endif

/* One buffer set of the pool: all of it in the shared arena. */
struct perf_slot {
	uint8_t *src, *dst, *iv, *aad, *digest;
	uint64_t src_off, dst_off, iv_off, aad_off, digest_off;
	uint64_t seq;		/* operation number, for latency records */
	uint64_t t_submit;
	uint32_t len;
	uint16_t variant;
	uint16_t size_idx;
};

struct perf_result {
	uint64_t enq, deq, enq_fail, deq_fail, op_fail, mismatch;
	uint64_t cycles;	/* whole run, TSC */
	uint64_t bytes;
	uint64_t bursts, enq_max, enq_min, deq_max, deq_min;
	int first_status;
};

struct perf_thread {
	unsigned int idx;
	pthread_t tid;
	struct ce_qp *qp;
	uint32_t session;
	uint32_t lcore;
	struct perf_slot *slots;
	uint32_t nb_slots;
	uint32_t *free_stack;
	uint32_t nb_free;
	uint64_t *lat;		/* latency test: cycles per op */
	struct perf_result res;
	int err;
	_Atomic uint64_t progress __attribute__((aligned(64)));
};

/* Expected contents for one (buffer size, variant). */
struct perf_expect {
	uint8_t *in;		/* what the slot holds before the op */
	uint8_t *in_tag;	/* decrypt/verify: the tag given */
	uint8_t *out;		/* what dst must hold after */
	uint8_t *out_tag;	/* encrypt/digest: the tag produced */
	uint8_t iv[PERF_MAX_IV];
	uint8_t aad[256];
};


/* cryptoeng-perf.c */
extern struct perf_opts perf_o;
extern struct perf_plan perf_p;
extern struct perf_vector perf_vec;
extern int perf_have_vec;
extern struct ce_client *perf_client;
extern struct perf_thread *perf_threads;
extern pthread_barrier_t perf_start_barrier;
extern double perf_tsc_hz;
extern uint32_t perf_cur_burst;
extern uint32_t perf_sizes[PERF_MAX_LIST];
extern uint32_t perf_nb_sizes;
extern uint32_t perf_imix_seq[4096];
extern uint32_t perf_imix_len;
extern uint32_t perf_nb_variants;
extern int perf_refill;
extern int perf_check;
extern _Atomic int perf_running;
extern pid_t perf_daemon_pid;
extern char perf_spawn_dir[64];
extern struct ce_client_opts perf_client_opts;
uint64_t perf_now_ns(void);
double perf_tsc_calibrate(void);
void perf_expect_free(void);
int perf_expect_build(void);
void *perf_thread_main(void *arg);
void perf_rc_report(void);

/* perf_asym_ref.c: the asymmetric modes at run time */
int perf_asym_setup(void);
void perf_asym_free(void);
int64_t perf_asym_session(struct ce_client *c);
void perf_asym_fill(struct perf_slot *sl);
void perf_asym_desc(struct ce_desc *d, const struct perf_slot *sl);
int perf_asym_check(const struct perf_slot *sl, uint32_t out_len);

/* perf_daemon.c */
void perf_daemon_stop(void);
void perf_spawn_cleanup(void);
struct ce_client *perf_spawn(const struct ce_client_opts *co);
uint64_t perf_round(uint64_t x, uint64_t a);
int perf_threads_setup(uint32_t pool);
int perf_thread_attach(struct perf_thread *t);

/* perf_report.c */
void perf_print_throughput(uint32_t buf_size);
void perf_print_verify(uint32_t buf_size);
int perf_print_latency(uint32_t buf_size);
void perf_daemon_drivers(char *drivers, size_t size);
void perf_print_backend(void);

#endif /* PERF_RUN_H */
