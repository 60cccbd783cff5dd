/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The null PMD: a simulated asynchronous device. Each queue pair holds a
 * private ring of in-flight requests in submission order; poll finalizes
 * those whose ready time has passed. Every random decision comes from a
 * per-queue-pair splitmix64 generator seeded from the device args, so a run
 * is reproducible for a seed and a call sequence.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "ce_pmd.h"
#include "ce_pmd_null.h"

#define NULL_PMD_DEPTH_DEFAULT 64
#define NULL_PMD_DEPTH_MAX 65535          /* cancel and poll return uint16_t */
#define NULL_PMD_DELAY_NS_MAX 60000000000ULL /* 60 s: a simulation, not a hang */
#define NULL_PMD_DOORBELL_MAX 1000000000ULL
#define NULL_PMD_MAX_DATA_LEN 65535
#define NULL_PMD_PRIORITY 100
#define NULL_PMD_RATE_ONE (1ULL << 32)    /* a rate of 1 on the generator's scale */

/* Parsed device args; rates are thresholds on a 2^32 scale. */
struct null_pmd_cfg {
	uint32_t depth;
	bool ooo;
	uint64_t delay_cycles;
	uint64_t doorbell_cycles;
	uint64_t thr_enospc;
	uint64_t thr_error;
	uint64_t thr_fatal;
	uint64_t seed;
	bool fault_enabled;       /* fault_inject=1: the fault_inject op may act */
	uint32_t fault_mode;      /* enum null_pmd_fault; atomic, any thread writes */
};

/* Test-only faults of the whole device (the fault_inject op). */
enum null_pmd_fault {
	NULL_PMD_FAULT_NONE = 0,
	NULL_PMD_FAULT_ERROR,     /* every request taken completes with -EIO */
	NULL_PMD_FAULT_CORRUPT,   /* a cipher's first output byte comes back flipped */
};

/* Completions taken out of the ring per step of poll. */
#define NULL_PMD_POLL_CHUNK 32

struct null_pmd_slot {
	struct ce_pmd_request *req;
	uint64_t ready_tsc;
	int32_t status;
	uint32_t flags;  /* NULL_PMD_SLOT_*: work done at completion */
};

#define NULL_PMD_SLOT_COPY	0x1	/* out-of-place cipher: copy src to dst */
#define NULL_PMD_SLOT_CORRUPT	0x2	/* fault: flip the first output byte */

/* Queue pair state: used by one lcore only, so no atomics. */
struct null_pmd_qp {
	struct null_pmd_slot *ring;
	uint32_t mask;
	uint32_t depth;
	uint32_t head;     /* free-running: next slot to fill */
	uint32_t tail;     /* free-running: oldest held request */
	uint32_t nb_ready; /* [tail, tail + nb_ready) is known to be ready */
	bool ooo;
	uint64_t delay_cycles;
	uint64_t doorbell_cycles;
	uint64_t thr_enospc;
	uint64_t thr_error;
	uint64_t thr_fatal;
	/* Two streams, so that enabling ooo does not shift the injected sequence. */
	uint64_t rng_inj;
	uint64_t rng_order;
	/* The device's fault mode; NULL unless made with fault_inject=1, so
	 * that a device without it reads nothing more per request. */
	const uint32_t *fault_mode;
	struct ce_pmd_null_stats stats;
};

static struct ce_pmd_driver null_pmd_driver;

/* splitmix64 (Steele, Lea, Flood): small, fast, good enough for a simulation. */
static inline uint64_t
null_pmd_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* True with probability thr / 2^32; draws nothing when the rate is 0. */
static inline bool
null_pmd_hit(uint64_t *state, uint64_t thr)
{
	if (thr == 0)
		return false;
	return (null_pmd_rand(state) >> 32) < thr;
}

/* Uniform in [0, n), n >= 1 (Lemire's multiply-shift, bias negligible here). */
static inline uint32_t
null_pmd_below(uint64_t *state, uint32_t n)
{
	return (uint32_t)(((null_pmd_rand(state) >> 32) * n) >> 32);
}

static inline void
null_pmd_doorbell(struct null_pmd_qp *p)
{
	p->stats.doorbells++;
	if (p->doorbell_cycles != 0) {
		uint64_t end = rte_rdtsc() + p->doorbell_cycles;

		while (rte_rdtsc() < end)
			rte_pause();
	}
}

/* ---- device args ---------------------------------------------------- */

static int
null_pmd_parse_u64(const char *val, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*val == '\0' || *val == '-' || *val == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(val, &end, 0);
	if (errno != 0 || *end != '\0' || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "0.05" is a fraction, "5%" a percentage, "50" per mille; all within [0, 1]. */
static int
null_pmd_parse_rate(const char *val, uint64_t *thr)
{
	size_t n = strlen(val);
	double r;
	char *end;

	if (n == 0 || *val == '-' || *val == '+')
		return -EINVAL;
	if (strchr(val, '.') != NULL || val[n - 1] == '%') {
		errno = 0;
		r = strtod(val, &end);
		if (errno != 0 || end == val)
			return -EINVAL;
		if (*end == '%') {
			end++;
			r /= 100.0;
		}
		if (*end != '\0')
			return -EINVAL;
	} else {
		uint64_t pm;

		if (null_pmd_parse_u64(val, 1000, &pm) < 0)
			return -EINVAL;
		r = (double)pm / 1000.0;
	}
	if (!(r >= 0.0 && r <= 1.0)) /* also refuses NaN */
		return -EINVAL;
	*thr = (uint64_t)(r * (double)NULL_PMD_RATE_ONE);
	return 0;
}

static int
null_pmd_parse_kv(struct null_pmd_cfg *cfg, const char *key, const char *val,
		  uint64_t tsc_hz)
{
	uint64_t v;

	if (strcmp(key, "depth") == 0) {
		if (null_pmd_parse_u64(val, NULL_PMD_DEPTH_MAX, &v) < 0 || v == 0)
			return -EINVAL;
		cfg->depth = (uint32_t)v;
	} else if (strcmp(key, "order") == 0) {
		if (strcmp(val, "inorder") == 0)
			cfg->ooo = false;
		else if (strcmp(val, "ooo") == 0)
			cfg->ooo = true;
		else
			return -EINVAL;
	} else if (strcmp(key, "delay_ns") == 0) {
		if (null_pmd_parse_u64(val, NULL_PMD_DELAY_NS_MAX, &v) < 0)
			return -EINVAL;
		/* 128-bit product: 60e9 ns times a GHz clock overflows 64 bits. */
		cfg->delay_cycles = (uint64_t)((unsigned __int128)v * tsc_hz / 1000000000U);
		if (v != 0 && cfg->delay_cycles == 0)
			cfg->delay_cycles = 1;
	} else if (strcmp(key, "enospc_rate") == 0) {
		return null_pmd_parse_rate(val, &cfg->thr_enospc);
	} else if (strcmp(key, "error_rate") == 0) {
		return null_pmd_parse_rate(val, &cfg->thr_error);
	} else if (strcmp(key, "fatal_rate") == 0) {
		return null_pmd_parse_rate(val, &cfg->thr_fatal);
	} else if (strcmp(key, "seed") == 0) {
		return null_pmd_parse_u64(val, UINT64_MAX, &cfg->seed);
	} else if (strcmp(key, "doorbell_cycles") == 0) {
		return null_pmd_parse_u64(val, NULL_PMD_DOORBELL_MAX, &cfg->doorbell_cycles);
	} else if (strcmp(key, "fault_inject") == 0) {
		if (null_pmd_parse_u64(val, 1, &v) < 0)
			return -EINVAL;
		cfg->fault_enabled = v != 0;
	} else {
		return -ENOENT;
	}
	return 0;
}

/* Parse "key=value,..." into cfg; says on stderr which pair was wrong. */
static int
null_pmd_parse_args(const char *dev_name, const char *args, struct null_pmd_cfg *cfg)
{
	uint64_t tsc_hz = rte_get_tsc_hz();
	char *copy, *save = NULL, *tok;
	int ret = 0;

	if (args == NULL || *args == '\0')
		return 0;
	copy = strdup(args);
	if (copy == NULL)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (eq == NULL) {
			fprintf(stderr, "null pmd %s: argument '%s' has no value (key=value)\n",
				dev_name, tok);
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		ret = null_pmd_parse_kv(cfg, tok, eq + 1, tsc_hz);
		if (ret == -ENOENT) {
			fprintf(stderr, "null pmd %s: unknown key '%s'\n", dev_name, tok);
			ret = -EINVAL;
			break;
		}
		if (ret < 0) {
			fprintf(stderr, "null pmd %s: bad value '%s' for key '%s'\n",
				dev_name, eq + 1, tok);
			ret = -EINVAL;
			break;
		}
	}
	free(copy);
	return ret;
}

/* ---- control path --------------------------------------------------- */

static int
null_pmd_dev_configure(struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg)
{
	struct null_pmd_cfg *c = dev->priv;

	*c = (struct null_pmd_cfg){
		.depth = NULL_PMD_DEPTH_DEFAULT,
		.seed = 1,
	};
	return null_pmd_parse_args(dev->name, cfg->args, c);
}

static int
null_pmd_qp_setup(struct ce_pmd_qp *qp)
{
	const struct null_pmd_cfg *c = qp->dev->priv;
	struct null_pmd_qp *p = qp->priv;
	uint32_t size = rte_align32pow2(c->depth);

	p->ring = rte_zmalloc_socket("ce_pmd_null_ring", sizeof(*p->ring) * size,
				     RTE_CACHE_LINE_SIZE, qp->dev->socket_id);
	if (p->ring == NULL)
		return -ENOMEM;
	p->mask = size - 1;
	p->depth = c->depth;
	p->ooo = c->ooo;
	p->delay_cycles = c->delay_cycles;
	p->doorbell_cycles = c->doorbell_cycles;
	p->thr_enospc = c->thr_enospc;
	p->thr_error = c->thr_error;
	p->thr_fatal = c->thr_fatal;
	p->fault_mode = c->fault_enabled ? &c->fault_mode : NULL;
	/* Distinct, reproducible streams per queue pair and purpose. */
	p->rng_inj = c->seed ^ (0x6a09e667f3bcc909ULL * (2ULL * qp->id + 1));
	p->rng_order = c->seed ^ (0xbb67ae8584caa73bULL * (2ULL * qp->id + 2));
	return 0;
}

static void
null_pmd_qp_release(struct ce_pmd_qp *qp)
{
	struct null_pmd_qp *p = qp->priv;

	rte_free(p->ring);
	p->ring = NULL;
}

static int
null_pmd_prepare(struct ce_pmd_qp *qp)
{
	struct null_pmd_qp *p = qp->priv;

	p->stats.prepares++;
	return 0;
}

static int
null_pmd_unprepare(struct ce_pmd_qp *qp)
{
	struct null_pmd_qp *p = qp->priv;

	p->stats.unprepares++;
	return 0;
}

/* ---- fast path ------------------------------------------------------ */

static inline const struct ce_pmd_session *
null_pmd_req_sess(const struct ce_pmd_request *req)
{
	return req->active != NULL ? req->active : req->sess;
}

/* 0 if req is valid for this device; counts it otherwise. */
static inline int
null_pmd_check(struct ce_pmd_qp *qp, struct null_pmd_qp *p, const struct ce_pmd_request *req)
{
	const struct ce_pmd_session *sess = null_pmd_req_sess(req);

	if (unlikely(sess == NULL || sess->dev != qp->dev || ce_pmd_request_check(req, sess) < 0)) {
		p->stats.invalid++;
		return -EINVAL;
	}
	return 0;
}

static inline void
null_pmd_push(struct null_pmd_qp *p, struct ce_pmd_request *req, uint64_t ready, int status)
{
	struct null_pmd_slot *s = &p->ring[p->head & p->mask];
	const struct ce_pmd_session *sess = null_pmd_req_sess(req);
	const bool cipher = sess->alg->type == CE_PMD_ALG_CIPHER && req->len != 0;
	uint32_t flags = 0;

	if (unlikely(p->fault_mode != NULL)) {
		uint32_t mode = __atomic_load_n(p->fault_mode, __ATOMIC_RELAXED);

		if (mode == NULL_PMD_FAULT_ERROR && status == 0)
			status = -EIO;
		else if (mode == NULL_PMD_FAULT_CORRUPT && cipher)
			flags |= NULL_PMD_SLOT_CORRUPT;
	}
	if (status == 0 && cipher && req->dst != req->src)
		flags |= NULL_PMD_SLOT_COPY;
	s->req = req;
	s->ready_tsc = ready;
	s->status = status;
	s->flags = status == 0 ? flags : 0;
	p->head++;
	p->stats.submitted++;
}

static inline uint64_t
null_pmd_ready_at(const struct null_pmd_qp *p)
{
	/* No delay: ready at once, and no need to read the TSC. */
	return p->delay_cycles == 0 ? 0 : rte_rdtsc() + p->delay_cycles;
}

static int
null_pmd_do_one_request(struct ce_pmd_qp *qp, struct ce_pmd_request *req)
{
	struct null_pmd_qp *p = qp->priv;
	int status = 0;

	p->stats.submit_calls++;
	if (null_pmd_check(qp, p, req) < 0)
		return -EINVAL;
	if (p->head - p->tail >= p->depth) {
		p->stats.full++;
		return -ENOSPC;
	}
	if (null_pmd_hit(&p->rng_inj, p->thr_enospc)) {
		p->stats.inj_enospc++;
		return -ENOSPC;
	}
	if (null_pmd_hit(&p->rng_inj, p->thr_fatal)) {
		p->stats.inj_fatal++;
		return -EIO;
	}
	if (null_pmd_hit(&p->rng_inj, p->thr_error)) {
		p->stats.inj_error++;
		status = -EIO;
	}
	null_pmd_push(p, req, null_pmd_ready_at(p), status);
	null_pmd_doorbell(p);
	return -EINPROGRESS;
}

static uint16_t
null_pmd_do_batch_requests(struct ce_pmd_qp *qp, struct ce_pmd_request **reqs, uint16_t nb)
{
	struct null_pmd_qp *p = qp->priv;
	uint32_t room = p->depth - (p->head - p->tail);
	uint16_t n = nb;
	uint64_t ready;

	p->stats.submit_calls++;
	if (n > room) {
		n = (uint16_t)room;
		p->stats.full++;
	}
	if (n != 0 && null_pmd_hit(&p->rng_inj, p->thr_enospc)) {
		n = (uint16_t)null_pmd_below(&p->rng_inj, n);
		p->stats.inj_enospc++;
	}
	if (n == 0)
		return 0;
	ready = null_pmd_ready_at(p);
	for (uint16_t i = 0; i < n; i++) {
		int status = 0;

		/* A batch has no synchronous error channel: report it at completion. */
		if (null_pmd_check(qp, p, reqs[i]) < 0) {
			status = -EINVAL;
		} else if (null_pmd_hit(&p->rng_inj, p->thr_fatal)) {
			p->stats.inj_fatal++;
			status = -EIO;
		} else if (null_pmd_hit(&p->rng_inj, p->thr_error)) {
			p->stats.inj_error++;
			status = -EIO;
		}
		/* An invalid request may have no session: never look at it. */
		if (status == -EINVAL) {
			struct null_pmd_slot *s = &p->ring[p->head & p->mask];

			*s = (struct null_pmd_slot){ .req = reqs[i], .ready_tsc = ready,
						     .status = -EINVAL };
			p->head++;
			p->stats.submitted++;
		} else {
			null_pmd_push(p, reqs[i], ready, status);
		}
	}
	null_pmd_doorbell(p);
	return n;
}

static uint16_t
null_pmd_poll(struct ce_pmd_qp *qp, uint16_t max)
{
	struct null_pmd_qp *p = qp->priv;
	uint32_t held = p->head - p->tail;
	uint16_t done;

	if (held == 0)
		return 0;
	if (p->delay_cycles == 0) {
		p->nb_ready = held;
	} else {
		uint64_t now = rte_rdtsc();

		/* Ready times grow with submission order, so the ready set is a prefix. */
		while (p->nb_ready < held &&
		       p->ring[(p->tail + p->nb_ready) & p->mask].ready_tsc <= now)
			p->nb_ready++;
	}
	/*
	 * Take a chunk of ready slots out first, then finalize them: the
	 * queue pair's state is settled before any finalize runs (one may
	 * submit here again), and tail/nb_ready are written once per chunk,
	 * not once per request (per-request read-after-write of them stalled
	 * store forwarding and dominated the daemon's profile).
	 */
	done = 0;
	while (done < max && p->nb_ready != 0) {
		struct null_pmd_slot out[NULL_PMD_POLL_CHUNK];
		uint32_t n = RTE_MIN((uint32_t)(max - done), p->nb_ready);
		uint32_t tail = p->tail;

		n = RTE_MIN(n, (uint32_t)NULL_PMD_POLL_CHUNK);
		for (uint32_t i = 0; i < n; i++) {
			struct null_pmd_slot *t = &p->ring[(tail + i) & p->mask];

			if (p->ooo && p->nb_ready - i > 1) {
				/* Swap a random ready one to the tail; the prefix stays all ready. */
				struct null_pmd_slot *o = &p->ring[(tail + i +
					null_pmd_below(&p->rng_order, p->nb_ready - i)) & p->mask];

				out[i] = *o;
				*o = *t;
			} else {
				out[i] = *t;
			}
		}
		p->tail = tail + n;
		p->nb_ready -= n;
		p->stats.completed += n;
		for (uint32_t i = 0; i < n; i++) {
			/* The work happens here so that nothing is visible before completion. */
			if (out[i].flags & NULL_PMD_SLOT_COPY)
				memcpy(out[i].req->dst, out[i].req->src, out[i].req->len);
			if (unlikely(out[i].flags & NULL_PMD_SLOT_CORRUPT))
				out[i].req->dst[0] ^= 0xff;
			ce_pmd_complete(qp, out[i].req, out[i].status);
		}
		done = (uint16_t)(done + n);
	}
	return done;
}

static uint16_t
null_pmd_cancel(struct ce_pmd_qp *qp, int status)
{
	struct null_pmd_qp *p = qp->priv;
	uint32_t n = p->head - p->tail;
	uint16_t done = 0;

	/* Only what was held on entry: a finalize may submit more. */
	while (done < n && p->head != p->tail) {
		struct ce_pmd_request *req = p->ring[p->tail & p->mask].req;

		p->tail++;
		if (p->nb_ready != 0)
			p->nb_ready--;
		p->stats.cancelled++;
		done++;
		ce_pmd_complete(qp, req, status);
	}
	return done;
}

/*
 * The fault_inject op: "none", "error" or "corrupt" (enum null_pmd_fault),
 * for every queue pair of the device from their next request on. Any thread:
 * one relaxed store, read relaxed by each queue pair's lcore.
 */
static int
null_pmd_fault_inject(struct ce_pmd_dev *dev, const char *mode, uint32_t arg)
{
	static const char *const names[] = {
		[NULL_PMD_FAULT_NONE] = "none",
		[NULL_PMD_FAULT_ERROR] = "error",
		[NULL_PMD_FAULT_CORRUPT] = "corrupt",
	};
	struct null_pmd_cfg *c = dev->priv;

	RTE_SET_USED(arg);
	for (uint32_t m = 0; m < RTE_DIM(names); m++) {
		if (strcmp(mode, names[m]) != 0)
			continue;
		if (!c->fault_enabled)
			return -EPERM;
		__atomic_store_n(&c->fault_mode, m, __ATOMIC_RELAXED);
		return 0;
	}
	return -EINVAL;
}

/* ---- public --------------------------------------------------------- */

static struct null_pmd_qp *
null_pmd_qp_priv(const struct ce_pmd_dev *dev, uint16_t qp_id)
{
	if (dev == NULL || dev->drv != &null_pmd_driver || qp_id >= dev->nb_qps ||
	    dev->qps == NULL || dev->qps[qp_id] == NULL)
		return NULL;
	return dev->qps[qp_id]->priv;
}

int
ce_pmd_null_stats_get(const struct ce_pmd_dev *dev, uint16_t qp_id,
		      struct ce_pmd_null_stats *stats)
{
	const struct null_pmd_qp *p = null_pmd_qp_priv(dev, qp_id);

	if (p == NULL || stats == NULL)
		return -EINVAL;
	*stats = p->stats;
	stats->held = p->head - p->tail;
	return 0;
}

int
ce_pmd_null_stats_reset(struct ce_pmd_dev *dev, uint16_t qp_id)
{
	struct null_pmd_qp *p = null_pmd_qp_priv(dev, qp_id);

	if (p == NULL)
		return -EINVAL;
	memset(&p->stats, 0, sizeof(p->stats));
	return 0;
}

/* ---- registration --------------------------------------------------- */

static const struct ce_pmd_alg_caps null_pmd_caps[] = {
	{
		.name = "ecb(cipher_null)",
		.driver_name = "ecb-cipher_null-null",
		.type = CE_PMD_ALG_CIPHER,
		.priority = NULL_PMD_PRIORITY,
		.flags = CE_PMD_ALG_F_ASYNC,
		.block_size = 1,
		.max_data_len = NULL_PMD_MAX_DATA_LEN,
	},
	{
		.name = "cipher_null",
		.driver_name = "cipher_null-null",
		.type = CE_PMD_ALG_CIPHER,
		.priority = NULL_PMD_PRIORITY,
		.flags = CE_PMD_ALG_F_ASYNC,
		.block_size = 1,
		.max_data_len = NULL_PMD_MAX_DATA_LEN,
	},
	{
		.name = "digest_null",
		.driver_name = "digest_null-null",
		.type = CE_PMD_ALG_HASH,
		.priority = NULL_PMD_PRIORITY,
		.flags = CE_PMD_ALG_F_ASYNC,
		.block_size = 1,
		.max_data_len = NULL_PMD_MAX_DATA_LEN,
	},
};

static const struct ce_pmd_ops null_pmd_ops = {
	.dev_configure = null_pmd_dev_configure,
	.qp_setup = null_pmd_qp_setup,
	.qp_release = null_pmd_qp_release,
	.prepare = null_pmd_prepare,
	.unprepare = null_pmd_unprepare,
	.fault_inject = null_pmd_fault_inject,
};

static const struct ce_pmd_fast_ops null_pmd_fast_ops = {
	.do_one_request = null_pmd_do_one_request,
	.do_batch_requests = null_pmd_do_batch_requests,
	.poll = null_pmd_poll,
	.cancel = null_pmd_cancel,
};

/* Not const: the registry links it into its list. */
static struct ce_pmd_driver null_pmd_driver = {
	.name = CE_PMD_NULL_DRIVER,
	.ops = &null_pmd_ops,
	.fast = &null_pmd_fast_ops,
	.caps = null_pmd_caps,
	.nb_caps = RTE_DIM(null_pmd_caps),
	.max_batch = 64,
	.in_place = true,
	.out_of_place = true,
	.dev_priv_size = sizeof(struct null_pmd_cfg),
	.qp_priv_size = sizeof(struct null_pmd_qp),
	.sess_priv_size = 0,
};

CE_PMD_REGISTER(null_pmd_driver)
