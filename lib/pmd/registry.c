/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The algorithm registry: every (device, algorithm) implementation, gated by
 * known-answer self-tests, chosen by the kernel's rules (crypto/api.c and
 * testmgr): the highest priority among those that passed, or an exact
 * driver name; an implementation that failed, or that has no vector to
 * prove it, is never chosen.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "ce_registry.h"
#include "registry_priv.h"
#include "testvec_priv.h"

static struct registry_list registry_list = TAILQ_HEAD_INITIALIZER(registry_list);
/* Control thread adds and removes; the telemetry thread lists. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
/* One live self-test run at a time (ce_registry_selftest_run), whatever the
 * thread: the runs drive the same queue pairs. */
static pthread_mutex_t registry_run_lock = PTHREAD_MUTEX_INITIALIZER;
/* Lookup messages: one per thread, valid until that thread's next lookup. */
static __thread char registry_why[192];

/* Buffers a self-test hands to the device: rte_malloc memory, DMA-able. */
struct registry_bufs {
	uint8_t src[CE_TV_DATA_MAX];
	uint8_t dst[CE_TV_DATA_MAX];
	uint8_t iv[CE_TV_IV_MAX];
	uint8_t aad[CE_TV_AAD_MAX];
	uint8_t digest[CE_TV_DIGEST_MAX];
};

/*
 * One operation of a self-test, with its own request, session and buffers:
 * every operation of a device is started at once, so start-up waits for a
 * slow device's latency about once, not once per operation.
 */
struct registry_job {
	struct registry_op o;			/* first: the runner's view */
	struct registry_verdict *v;
	const struct ce_testvec *tv;
	struct ce_tv_data d;
	struct ce_pmd_session *sess;
	int sess_err;			/* session refused: errno, and why */
	const char *sess_why;
	struct registry_bufs b;
	uint8_t op;
	bool in_place;
	bool corrupt;
};

/* Self-tests whose answers have not come by then fail (ce_registry_set_selftest_timeout). */
uint64_t registry_selftest_timeout_ns = 10ull * 1000000000ull;

int
registry_fail(struct registry_verdict *v, const char *desc, const char *fmt, ...)
{
	char *why = v->why;
	size_t size = sizeof(v->why);
	int len = snprintf(why, size, "%s: ", desc);
	va_list ap;

	if (len > 0 && (size_t)len < size) {
		va_start(ap, fmt);
		vsnprintf(why + len, size - (size_t)len, fmt, ap);
		va_end(ap);
	}
	v->failed = true;
	return -1;
}

static bool
registry_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* Whether the implementation takes this vector's sizes. */
static bool
registry_fits(const struct ce_pmd_alg_caps *alg, const struct ce_tv_data *d)
{
	struct ce_pmd_session_params p = {
		.alg = alg->name,
		.key = d->key,
		.key_len = d->key_len,
		.iv_len = d->iv_len,
		.digest_len = d->digest_len,
		.aad_len = d->aad_len,
		.op = alg->type == CE_PMD_ALG_HASH ? CE_OP_DIGEST : CE_OP_ENCRYPT,
	};

	if (d->key_len > CE_KEY_MAX || ce_pmd_alg_check_params(alg, &p, NULL) < 0)
		return false;
	if (d->len > alg->max_data_len)
		return false;
	return alg->block_size <= 1 || d->len % alg->block_size == 0;
}

static const char *
registry_op_name(uint8_t op)
{
	return op == CE_OP_ENCRYPT ? "encrypt" : op == CE_OP_DECRYPT ? "decrypt" :
	       op == CE_OP_DIGEST ? "digest" : "verify";
}

/*
 * The operations of every vector that fits each of the @p nb_v
 * implementations: each direction, each placement the driver does, and a
 * flipped tag bit. Counts them; with @p jobs, also describes them there.
 */
static unsigned int
registry_plan(struct ce_pmd_dev *dev, struct registry_verdict *vs, unsigned int nb_v,
	      struct registry_job *jobs)
{
	const struct ce_pmd_driver *drv = dev->drv;
	struct ce_tv_data d;
	unsigned int nb = 0;

	for (unsigned int i = 0; i < nb_v; i++) {
		struct registry_verdict *v = &vs[i];
		const struct ce_pmd_alg_caps *alg = v->n->e.alg;

		for (const struct ce_testvec *tv = ce_testvec_next(NULL); tv != NULL;
		     tv = ce_testvec_next(tv)) {
			uint8_t ops[3];
			bool corrupt[3] = { false, false, false };
			unsigned int nb_ops = 0;

			if (strcmp(tv->alg, alg->name) != 0)
				continue;
			if (ce_testvec_decode(tv, &d) < 0) {
				if (jobs != NULL && !v->failed)
					registry_fail(v, tv->desc, "malformed vector");
				continue;
			}
			if (!registry_fits(alg, &d))
				continue;
			if (jobs != NULL)
				v->nb_vectors++;
			if (alg->type == CE_PMD_ALG_HASH) {
				ops[nb_ops++] = CE_OP_DIGEST;
				ops[nb_ops++] = CE_OP_VERIFY;
				if (d.digest_len != 0) {
					corrupt[nb_ops] = true;
					ops[nb_ops++] = CE_OP_VERIFY;
				}
			} else {
				ops[nb_ops++] = CE_OP_ENCRYPT;
				ops[nb_ops++] = CE_OP_DECRYPT;
				if (alg->type == CE_PMD_ALG_AEAD) {
					corrupt[nb_ops] = true;
					ops[nb_ops++] = CE_OP_DECRYPT;
				}
			}
			for (int place = 0; place < 2; place++) {
				bool in_place = place == 0;

				if (in_place ? !drv->in_place : !drv->out_of_place)
					continue;
				for (unsigned int k = 0; k < nb_ops; k++, nb++) {
					struct registry_job *j = jobs != NULL ? &jobs[nb] : NULL;

					if (j == NULL)
						continue;
					j->v = v;
					j->tv = tv;
					j->d = d;
					j->op = ops[k];
					j->in_place = in_place;
					j->corrupt = corrupt[k];
					v->nb_jobs++;
				}
			}
		}
	}
	/* Key bytes were in d; they are test vectors, but keep the habit. */
	memset(&d, 0, sizeof(d));
	return nb;
}

/* A fresh session and the job's own buffers, ready to start. */
static void
registry_job_prepare(struct ce_pmd_dev *dev, struct registry_job *j)
{
	const struct ce_tv_data *d = &j->d;
	const bool produce = j->op == CE_OP_ENCRYPT || j->op == CE_OP_DIGEST;
	const uint8_t *in = j->op == CE_OP_DECRYPT ? d->ctext : d->ptext;
	struct registry_bufs *b = &j->b;
	struct ce_pmd_session_params p = {
		.alg = j->v->n->e.alg->name,
		.driver = j->v->n->e.alg->driver_name,
		.key = d->key,
		.key_len = d->key_len,
		.iv_len = d->iv_len,
		.digest_len = d->digest_len,
		.aad_len = d->aad_len,
		.op = j->op,
	};
	struct ce_pmd_request *req = &j->o.req;

	j->sess = ce_pmd_session_create(dev, &p, &j->sess_why);
	if (j->sess == NULL) {
		j->sess_err = errno;
		j->o.done = true;
		return;
	}
	memcpy(b->src, in, d->len);
	/* Poison the output so an untouched buffer cannot pass as wiped or
	 * as the identity of a null cipher. */
	memset(b->dst, 0xa5, sizeof(b->dst));
	memcpy(b->iv, d->iv, d->iv_len);
	memcpy(b->aad, d->aad, d->aad_len);
	if (produce) {
		memset(b->digest, 0xa5, sizeof(b->digest));
	} else {
		memcpy(b->digest, d->digest, d->digest_len);
		if (j->corrupt && d->digest_len != 0)
			b->digest[d->digest_len - 1] ^= 0x01;
	}
	memset(req, 0, sizeof(*req));
	req->sess = j->sess;
	req->src = b->src;
	req->dst = j->in_place ? b->src : b->dst;
	req->iv = d->iv_len != 0 ? b->iv : NULL;
	req->aad = d->aad_len != 0 ? b->aad : NULL;
	req->aad_len = d->aad_len;
	req->digest = d->digest_len != 0 ? b->digest : NULL;
	req->len = d->len;
	req->op = j->op;
}

static void
registry_op_finalize(void *ctx, struct ce_pmd_request *req, int status)
{
	struct registry_op *o = req->cb_arg;
	unsigned int *in_flight = ctx;

	if (o->done)
		return;
	o->status = status;
	o->done = true;
	(*in_flight)--;
}

/*
 * Start every job on @p qp as far as the device takes them, poll until all
 * are answered or the deadline passes; then the backend's cancel gives back
 * what it holds (a backend without cancel is waited for: it holds the jobs'
 * buffers). Jobs not answered in time end with -ETIMEDOUT.
 */
void
registry_run_ops(struct ce_pmd_qp *qp, void *first, size_t stride, unsigned int nb)
{
	const struct ce_pmd_fast_ops *fast = qp->dev->drv->fast;
	uint64_t hz = rte_get_timer_hz();
	uint64_t deadline = rte_get_timer_cycles() +
		(uint64_t)((unsigned __int128)registry_selftest_timeout_ns * hz / 1000000000u);
	ce_finalize_fn saved_fn = qp->finalize;
	void *saved_ctx = qp->finalize_ctx;
	unsigned int next = 0, in_flight = 0;

	qp->finalize = registry_op_finalize;
	qp->finalize_ctx = &in_flight;
	while (next < nb || in_flight != 0) {
		while (next < nb) {
			struct registry_op *j = REGISTRY_OP(first, stride, next);
			int ret;

			if (j->done) {
				next++;
				continue;
			}
			j->req.cb_arg = j;
			j->req.active = j->req.sess;
			in_flight++;
			ret = fast->do_one_request(qp, &j->req);
			if (ret == -ENOSPC) {
				in_flight--;
				break;
			}
			next++;
			if (ret != -EINPROGRESS) {
				/* Not taken: not finalized, its answer is ret. */
				in_flight--;
				j->status = ret;
				j->done = true;
			}
		}
		if (fast->poll(qp, 64) != 0)
			continue;
		if (rte_get_timer_cycles() >= deadline)
			break;
		rte_pause();
	}
	if (in_flight != 0 && fast->cancel != NULL)
		fast->cancel(qp, -ETIMEDOUT);
	while (in_flight != 0)
		if (fast->poll(qp, 64) == 0)
			rte_pause();
	for (; next < nb; next++) {
		struct registry_op *j = REGISTRY_OP(first, stride, next);

		if (!j->done) {
			j->status = -ETIMEDOUT;
			j->done = true;
		}
	}
	qp->finalize = saved_fn;
	qp->finalize_ctx = saved_ctx;
}

/* The answer of one job against the vector. @return 0, or -1 with the why set. */
static int
registry_job_check(struct registry_job *j)
{
	const struct ce_tv_data *d = &j->d;
	const bool hash = j->v->n->e.alg->type == CE_PMD_ALG_HASH;
	const bool aead = j->v->n->e.alg->type == CE_PMD_ALG_AEAD;
	const bool produce = j->op == CE_OP_ENCRYPT || j->op == CE_OP_DIGEST;
	const uint8_t *want = j->op == CE_OP_DECRYPT ? d->ptext : d->ctext;
	const char *opname = registry_op_name(j->op);
	const char *place = j->in_place ? "in place" : "out of place";
	int ret = j->o.status;

	if (j->sess == NULL)
		return registry_fail(j->v, j->tv->desc, "%s session: %s (%s)", opname,
				     strerror(j->sess_err), j->sess_why != NULL ? j->sess_why : "?");
	if (ret == -ETIMEDOUT)
		return registry_fail(j->v, j->tv->desc, "%s %s: no answer within %" PRIu64 " ms", opname,
				     place, registry_selftest_timeout_ns / 1000000);
	if (j->corrupt) {
		if (ret != -EBADMSG)
			return registry_fail(j->v, j->tv->desc, "%s with a flipped tag bit returned %d, "
					     "not -EBADMSG", opname, ret);
		if (aead && !registry_zero(j->o.req.dst, d->len))
			return registry_fail(j->v, j->tv->desc, "%s %s: plaintext left after a bad tag",
					     opname, place);
		return 0;
	}
	if (ret != 0)
		return registry_fail(j->v, j->tv->desc, "%s %s returned %d", opname, place, ret);
	if (!hash && memcmp(j->o.req.dst, want, d->len) != 0)
		return registry_fail(j->v, j->tv->desc, "%s %s: wrong output", opname, place);
	if (produce && (aead || hash) && memcmp(j->b.digest, d->digest, d->digest_len) != 0)
		return registry_fail(j->v, j->tv->desc, "%s %s: wrong %s", opname, place,
				     hash ? "digest" : "tag");
	return 0;
}

/*
 * Run the known-answer self-tests of the @p nb_v implementations of @p dev
 * in @p vs at once, on queue pair @p qp_id; the outcome stays in @p vs.
 */
static int
registry_selftest_dev(struct ce_pmd_dev *dev, uint16_t qp_id, struct registry_verdict *vs,
		      unsigned int nb_v)
{
	struct registry_job *jobs = NULL;
	unsigned int nb;

	if (qp_id >= dev->nb_qps || dev->qps == NULL || dev->qps[qp_id] == NULL) {
		for (unsigned int i = 0; i < nb_v; i++) {
			snprintf(vs[i].why, sizeof(vs[i].why), "device has no queue pair %u",
				 qp_id);
			vs[i].failed = true;
		}
		return 0;
	}
	nb = registry_plan(dev, vs, nb_v, NULL);
	if (nb == 0)
		return registry_asym_selftest(dev, dev->qps[qp_id], vs, nb_v);
	/* rte_malloc memory: a device may DMA into the buffers. */
	jobs = rte_zmalloc_socket("ce_registry_selftest", sizeof(*jobs) * nb,
				  RTE_CACHE_LINE_SIZE, dev->socket_id);
	if (jobs == NULL)
		return -ENOMEM;
	registry_plan(dev, vs, nb_v, jobs);
	for (unsigned int i = 0; i < nb; i++)
		registry_job_prepare(dev, &jobs[i]);
	registry_run_ops(dev->qps[qp_id], jobs, sizeof(*jobs), nb);
	/* In order: the first failure of an implementation is its why. */
	for (unsigned int i = 0; i < nb; i++)
		if (!jobs[i].v->failed)
			registry_job_check(&jobs[i]);
	for (unsigned int i = 0; i < nb; i++)
		ce_pmd_session_destroy(jobs[i].sess);
	memset(jobs, 0, sizeof(*jobs) * nb);
	rte_free(jobs);
	return registry_asym_selftest(dev, dev->qps[qp_id], vs, nb_v);
}

/* Copy a verdict into its entry; under registry_lock once the entry is listed. */
static void
registry_commit(struct registry_verdict *v)
{
	struct ce_registry_entry *e = &v->n->e;

	e->selftest_vectors = (uint16_t)RTE_MIN(v->nb_vectors, (unsigned int)UINT16_MAX);
	e->selftest_ops = (uint16_t)RTE_MIN(v->nb_jobs, (unsigned int)UINT16_MAX);
	e->selftest_runs++;
	if (v->failed) {
		e->selftest = CE_SELFTEST_FAILED;
		snprintf(e->selftest_why, sizeof(e->selftest_why), "%s", v->why);
	} else if (v->nb_jobs == 0) {
		e->selftest = CE_SELFTEST_NO_VECTOR;
		snprintf(e->selftest_why, sizeof(e->selftest_why),
			 "no known-answer vector fits its sizes");
	} else {
		e->selftest = CE_SELFTEST_PASSED;
		e->selftest_why[0] = '\0';
	}
}

void
ce_registry_set_selftest_timeout(uint64_t timeout_ns)
{
	registry_selftest_timeout_ns = timeout_ns;
}

int
ce_registry_add_dev(struct ce_pmd_dev *dev)
{
	const struct ce_pmd_driver *drv = dev->drv;
	struct registry_list added = TAILQ_HEAD_INITIALIZER(added);
	struct registry_verdict *vs = NULL;
	struct registry_node *n;
	int nb_failed = 0, ret;

	pthread_mutex_lock(&registry_lock);
	TAILQ_FOREACH(n, &registry_list, next) {
		if (n->e.dev == dev) {
			pthread_mutex_unlock(&registry_lock);
			return -EEXIST;
		}
	}
	pthread_mutex_unlock(&registry_lock);

	vs = calloc(drv->nb_caps ? drv->nb_caps : 1, sizeof(*vs));
	if (vs == NULL)
		return -ENOMEM;
	for (uint16_t i = 0; i < drv->nb_caps; i++) {
		n = calloc(1, sizeof(*n));
		if (n == NULL) {
			ret = -ENOMEM;
			goto err;
		}
		n->e.dev = dev;
		n->e.alg = &drv->caps[i];
		TAILQ_INSERT_TAIL(&added, n, next);
		vs[i].n = n;
	}
	/* Test outside the lock: a device may be slow, and the listing must not wait. */
	ret = registry_selftest_dev(dev, 0, vs, drv->nb_caps);
	if (ret < 0)
		goto err;
	for (uint16_t i = 0; i < drv->nb_caps; i++) {
		/* Not listed yet: no lock needed to fill the entries. */
		registry_commit(&vs[i]);
		if (vs[i].n->e.selftest == CE_SELFTEST_FAILED)
			nb_failed++;
	}
	free(vs);
	pthread_mutex_lock(&registry_lock);
	while ((n = TAILQ_FIRST(&added)) != NULL) {
		TAILQ_REMOVE(&added, n, next);
		TAILQ_INSERT_TAIL(&registry_list, n, next);
	}
	pthread_mutex_unlock(&registry_lock);
	return nb_failed;

err:
	while ((n = TAILQ_FIRST(&added)) != NULL) {
		TAILQ_REMOVE(&added, n, next);
		free(n);
	}
	free(vs);
	return ret;
}

/*
 * Live re-run: the entries of one device at a time (all of a device's tests
 * start at once, as at start-up), each verdict committed under the lock as
 * soon as its device is done. Runs are serialized by registry_run_lock (two
 * would drive the same queue pairs); devices are added and removed only
 * while no run can be asked for (start-up, shutdown), so the list is walked
 * without registry_lock; what other threads read (state, reason) changes
 * only under it.
 */
int
ce_registry_selftest_run(const char *driver, uint16_t qp_id,
			 struct ce_registry_entry *results, unsigned int max)
{
	struct registry_verdict *vs = NULL;
	struct registry_node *n, *m;
	unsigned int nb_all = 0, nb_done = 0;
	int ret = 0;

	pthread_mutex_lock(&registry_run_lock);
	TAILQ_FOREACH(n, &registry_list, next)
		if (driver == NULL || strcmp(n->e.alg->driver_name, driver) == 0)
			nb_all++;
	if (nb_all == 0) {
		pthread_mutex_unlock(&registry_run_lock);
		return driver == NULL ? 0 : -ENOENT;
	}
	vs = calloc(nb_all, sizeof(*vs));
	if (vs == NULL) {
		pthread_mutex_unlock(&registry_run_lock);
		return -ENOMEM;
	}
	/* Devices in registration order; each device's matching entries together. */
	TAILQ_FOREACH(n, &registry_list, next) {
		struct ce_pmd_dev *dev = n->e.dev;
		unsigned int first = nb_done, nb_v = 0;
		bool seen = false;

		if (driver != NULL && strcmp(n->e.alg->driver_name, driver) != 0)
			continue;
		/* Already tested with an earlier entry of its device? */
		for (unsigned int i = 0; i < nb_done && !seen; i++)
			seen = vs[i].n->e.dev == dev;
		/* A device without that queue pair cannot be tested live: left
		 * out, its entries keep their state (seen again for each entry). */
		if (seen || qp_id >= dev->nb_qps || dev->qps == NULL || dev->qps[qp_id] == NULL)
			continue;
		for (m = n; m != NULL; m = TAILQ_NEXT(m, next))
			if (m->e.dev == dev &&
			    (driver == NULL || strcmp(m->e.alg->driver_name, driver) == 0))
				vs[first + nb_v++].n = m;
		ret = registry_selftest_dev(dev, qp_id, &vs[first], nb_v);
		if (ret < 0)
			break;
		pthread_mutex_lock(&registry_lock);
		for (unsigned int i = first; i < first + nb_v; i++)
			registry_commit(&vs[i]);
		pthread_mutex_unlock(&registry_lock);
		nb_done += nb_v;
	}
	/* Results in the order they ran: by device, then registration. */
	for (unsigned int i = 0; i < nb_done && results != NULL && i < max; i++)
		results[i] = vs[i].n->e;
	pthread_mutex_unlock(&registry_run_lock);
	memset(vs, 0, sizeof(*vs) * nb_all);
	free(vs);
	return ret < 0 ? ret : (int)nb_done;
}

void
ce_registry_entry_get(const struct ce_registry_entry *e, struct ce_registry_entry *copy)
{
	pthread_mutex_lock(&registry_lock);
	*copy = *e;
	pthread_mutex_unlock(&registry_lock);
}

void
ce_registry_remove_dev(struct ce_pmd_dev *dev)
{
	struct registry_node *n, *tmp;

	pthread_mutex_lock(&registry_lock);
	for (n = TAILQ_FIRST(&registry_list); n != NULL; n = tmp) {
		tmp = TAILQ_NEXT(n, next);
		if (n->e.dev == dev) {
			TAILQ_REMOVE(&registry_list, n, next);
			free(n);
		}
	}
	pthread_mutex_unlock(&registry_lock);
}

const char *
ce_selftest_state_name(enum ce_selftest_state s)
{
	switch (s) {
	case CE_SELFTEST_PASSED:
		return "passed";
	case CE_SELFTEST_FAILED:
		return "failed";
	case CE_SELFTEST_NO_VECTOR:
		return "no vector";
	default:
		return "untested";
	}
}

static const struct ce_registry_entry *
registry_lookup_driver(const char *name, const char *driver)
{
	const struct registry_node *n, *found = NULL;

	TAILQ_FOREACH(n, &registry_list, next) {
		if (strcmp(n->e.alg->driver_name, driver) != 0)
			continue;
		if (name != NULL && strcmp(n->e.alg->name, name) != 0) {
			snprintf(registry_why, sizeof(registry_why),
				 "driver %s implements %s, not %s", driver,
				 n->e.alg->name, name);
			errno = ENOENT;
			return NULL;
		}
		/* Several devices of one driver: the first that passed. */
		if (n->e.selftest == CE_SELFTEST_PASSED)
			return &n->e;
		if (found == NULL)
			found = n;
	}
	if (found == NULL) {
		snprintf(registry_why, sizeof(registry_why), "no driver %s", driver);
		errno = ENOENT;
		return NULL;
	}
	snprintf(registry_why, sizeof(registry_why), "driver %s is unusable: self-test %s%s%s",
		 driver, ce_selftest_state_name(found->e.selftest),
		 found->e.selftest_why[0] != '\0' ? ": " : "", found->e.selftest_why);
	errno = ELIBBAD;
	return NULL;
}

static const struct ce_registry_entry *
registry_lookup_name(const char *name)
{
	const struct registry_node *n, *best = NULL;
	bool seen = false;

	/* Strictly greater: on equal priority the first registered stays. */
	TAILQ_FOREACH(n, &registry_list, next) {
		if (strcmp(n->e.alg->name, name) != 0)
			continue;
		seen = true;
		if (n->e.selftest != CE_SELFTEST_PASSED)
			continue;
		if (best == NULL || n->e.alg->priority > best->e.alg->priority)
			best = n;
	}
	if (best != NULL)
		return &best->e;
	if (seen) {
		snprintf(registry_why, sizeof(registry_why),
			 "no implementation of %s passed its self-test", name);
		errno = ELIBBAD;
	} else {
		snprintf(registry_why, sizeof(registry_why), "unknown algorithm %s", name);
		errno = ENOENT;
	}
	return NULL;
}

const struct ce_registry_entry *
ce_registry_lookup(const char *name, const char *driver, const char **why)
{
	const struct ce_registry_entry *e;
	int err;

	if (name == NULL && driver == NULL) {
		snprintf(registry_why, sizeof(registry_why), "no algorithm or driver name");
		e = NULL;
		err = EINVAL;
		goto out;
	}
	pthread_mutex_lock(&registry_lock);
	e = driver != NULL ? registry_lookup_driver(name, driver) : registry_lookup_name(name);
	err = errno;
	pthread_mutex_unlock(&registry_lock);
out:
	if (e == NULL) {
		if (why != NULL)
			*why = registry_why;
		errno = err;
	}
	return e;
}

const struct ce_registry_entry *
ce_registry_next(const struct ce_registry_entry *prev)
{
	const struct registry_node *n;

	pthread_mutex_lock(&registry_lock);
	n = prev == NULL ? TAILQ_FIRST(&registry_list) :
		TAILQ_NEXT((const struct registry_node *)prev, next);
	pthread_mutex_unlock(&registry_lock);
	return n != NULL ? &n->e : NULL;
}

const char *
ce_pmd_alg_type_name(enum ce_pmd_alg_type t)
{
	switch (t) {
	case CE_PMD_ALG_CIPHER:
		return "skcipher";
	case CE_PMD_ALG_AEAD:
		return "aead";
	case CE_PMD_ALG_HASH:
		return "hash";
	case CE_PMD_ALG_AKCIPHER:
		return "akcipher";
	case CE_PMD_ALG_SIG:
		return "sig";
	case CE_PMD_ALG_KPP:
		return "kpp";
	default:
		return "unknown";
	}
}
