/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The algorithm registry: every (device, algorithm) implementation, gated by
 * known-answer self-tests, chosen by the kernel's rules (crypto/api.c and
 * testmgr): the highest priority among those that passed, or an exact
 * driver name; an implementation that failed, or that has no vector to
 * prove it, is never chosen.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "ce_registry.h"
#include "testvec_priv.h"

struct registry_node {
	struct ce_registry_entry e;  /* first: entries are handed out by address */
	TAILQ_ENTRY(registry_node) next;
};

static TAILQ_HEAD(, registry_node) registry_list = TAILQ_HEAD_INITIALIZER(registry_list);
/* Control thread adds and removes; the telemetry thread lists. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
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

struct registry_test {
	struct ce_pmd_dev *dev;
	const struct ce_alg_caps *alg;
	const struct ce_testvec *tv;
	const struct ce_tv_data *d;
	struct registry_bufs *b;
	char *why;               /* the entry's selftest_why */
	size_t why_size;
};

static int __attribute__((format(printf, 2, 3)))
registry_fail(struct registry_test *t, const char *fmt, ...)
{
	int n = snprintf(t->why, t->why_size, "%s: ", t->tv->desc);
	va_list ap;

	if (n > 0 && (size_t)n < t->why_size) {
		va_start(ap, fmt);
		vsnprintf(t->why + n, t->why_size - (size_t)n, fmt, ap);
		va_end(ap);
	}
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
registry_fits(const struct ce_alg_caps *alg, const struct ce_tv_data *d)
{
	struct ce_pmd_session_params p = {
		.alg = alg->name,
		.key = d->key,
		.key_len = d->key_len,
		.iv_len = d->iv_len,
		.digest_len = d->digest_len,
		.aad_len = d->aad_len,
		.op = alg->type == CE_ALG_HASH ? CE_OP_DIGEST : CE_OP_ENCRYPT,
	};

	if (d->key_len > CE_KEY_MAX || ce_alg_check_params(alg, &p, NULL) < 0)
		return false;
	if (d->len > alg->max_data_len)
		return false;
	return alg->block_size <= 1 || d->len % alg->block_size == 0;
}

/* One operation of the vector in a fresh session: src -> dst, then check. */
static int
registry_run_op(struct registry_test *t, uint8_t op, bool in_place, bool corrupt)
{
	const struct ce_tv_data *d = t->d;
	struct registry_bufs *b = t->b;
	const bool hash = t->alg->type == CE_ALG_HASH;
	const bool aead = t->alg->type == CE_ALG_AEAD;
	/* encrypt/digest write the tag or digest; decrypt/verify check it */
	const bool produce = op == CE_OP_ENCRYPT || op == CE_OP_DIGEST;
	struct ce_pmd_session_params p = {
		.alg = t->alg->name,
		.driver = t->alg->driver_name,
		.key = d->key,
		.key_len = d->key_len,
		.iv_len = d->iv_len,
		.digest_len = d->digest_len,
		.aad_len = d->aad_len,
		.op = op,
	};
	const char *opname = op == CE_OP_ENCRYPT ? "encrypt" : op == CE_OP_DECRYPT ?
		"decrypt" : op == CE_OP_DIGEST ? "digest" : "verify";
	const char *place = in_place ? "in place" : "out of place";
	struct ce_request req;
	struct ce_session *sess;
	const char *why = NULL;
	const uint8_t *in = op == CE_OP_DECRYPT ? d->ctext : d->ptext;
	const uint8_t *want = op == CE_OP_DECRYPT ? d->ptext : d->ctext;
	int ret, rc = -1;

	sess = ce_pmd_session_create(t->dev, &p, &why);
	if (sess == NULL)
		return registry_fail(t, "%s session: %s (%s)", opname, strerror(errno),
				     why != NULL ? why : "?");
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
		if (corrupt && d->digest_len != 0)
			b->digest[d->digest_len - 1] ^= 0x01;
	}
	memset(&req, 0, sizeof(req));
	req.sess = sess;
	req.src = b->src;
	req.dst = in_place ? b->src : b->dst;
	req.iv = d->iv_len != 0 ? b->iv : NULL;
	req.aad = d->aad_len != 0 ? b->aad : NULL;
	req.aad_len = d->aad_len;
	req.digest = d->digest_len != 0 ? b->digest : NULL;
	req.len = d->len;
	req.op = op;
	ret = ce_pmd_run_sync(t->dev->qps[0], &req);

	if (corrupt) {
		if (ret != -EBADMSG) {
			registry_fail(t, "%s with a flipped tag bit returned %d, not -EBADMSG",
				      opname, ret);
			goto out;
		}
		if (aead && !registry_zero(req.dst, d->len)) {
			registry_fail(t, "%s %s: plaintext left after a bad tag", opname, place);
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (ret != 0) {
		registry_fail(t, "%s %s returned %d", opname, place, ret);
		goto out;
	}
	if (!hash && memcmp(req.dst, want, d->len) != 0) {
		registry_fail(t, "%s %s: wrong output", opname, place);
		goto out;
	}
	if (produce) {
		if ((aead || hash) && memcmp(b->digest, d->digest, d->digest_len) != 0) {
			registry_fail(t, "%s %s: wrong %s", opname, place, hash ? "digest" : "tag");
			goto out;
		}
	}
	rc = 0;
out:
	ce_pmd_session_destroy(sess);
	return rc;
}

/* Every check of one vector: each direction, each placement the driver does. */
static int
registry_run_vector(struct registry_test *t)
{
	const struct ce_pmd_driver *drv = t->dev->drv;
	const struct ce_tv_data *d = t->d;

	for (int place = 0; place < 2; place++) {
		bool in_place = place == 0;

		if (in_place ? !drv->in_place : !drv->out_of_place)
			continue;
		if (t->alg->type == CE_ALG_HASH) {
			if (registry_run_op(t, CE_OP_DIGEST, in_place, false) < 0 ||
			    registry_run_op(t, CE_OP_VERIFY, in_place, false) < 0)
				return -1;
			if (d->digest_len != 0 &&
			    registry_run_op(t, CE_OP_VERIFY, in_place, true) < 0)
				return -1;
			continue;
		}
		if (registry_run_op(t, CE_OP_ENCRYPT, in_place, false) < 0 ||
		    registry_run_op(t, CE_OP_DECRYPT, in_place, false) < 0)
			return -1;
		if (t->alg->type == CE_ALG_AEAD &&
		    registry_run_op(t, CE_OP_DECRYPT, in_place, true) < 0)
			return -1;
	}
	return 0;
}

/* Run every vector of the implementation's name that fits its sizes. */
static enum ce_selftest_state
registry_selftest(struct ce_registry_entry *e, struct registry_bufs *b)
{
	struct registry_test t = {
		.dev = e->dev, .alg = e->alg, .b = b,
		.why = e->selftest_why, .why_size = sizeof(e->selftest_why),
	};
	struct ce_tv_data d;
	unsigned int nb_run = 0;

	if (e->dev->nb_qps == 0 || e->dev->qps == NULL) {
		snprintf(e->selftest_why, sizeof(e->selftest_why), "device has no queue pair");
		return CE_SELFTEST_FAILED;
	}
	for (const struct ce_testvec *tv = ce_testvec_next(NULL); tv != NULL;
	     tv = ce_testvec_next(tv)) {
		if (strcmp(tv->alg, e->alg->name) != 0)
			continue;
		t.tv = tv;
		if (ce_testvec_decode(tv, &d) < 0) {
			registry_fail(&t, "malformed vector");
			return CE_SELFTEST_FAILED;
		}
		if (!registry_fits(e->alg, &d))
			continue;
		t.d = &d;
		nb_run++;
		if (registry_run_vector(&t) < 0)
			return CE_SELFTEST_FAILED;
	}
	/* Key bytes were in d; they are test vectors, but keep the habit. */
	memset(&d, 0, sizeof(d));
	if (nb_run == 0) {
		snprintf(e->selftest_why, sizeof(e->selftest_why),
			 "no known-answer vector fits its sizes");
		return CE_SELFTEST_NO_VECTOR;
	}
	e->selftest_why[0] = '\0';
	return CE_SELFTEST_PASSED;
}

int
ce_registry_add_dev(struct ce_pmd_dev *dev)
{
	const struct ce_pmd_driver *drv = dev->drv;
	TAILQ_HEAD(, registry_node) added = TAILQ_HEAD_INITIALIZER(added);
	struct registry_bufs *b;
	struct registry_node *n;
	int nb_failed = 0;

	pthread_mutex_lock(&registry_lock);
	TAILQ_FOREACH(n, &registry_list, next) {
		if (n->e.dev == dev) {
			pthread_mutex_unlock(&registry_lock);
			return -EEXIST;
		}
	}
	pthread_mutex_unlock(&registry_lock);

	b = rte_zmalloc_socket("ce_registry_selftest", sizeof(*b), RTE_CACHE_LINE_SIZE,
			       dev->socket_id);
	if (b == NULL)
		return -ENOMEM;
	/* Test outside the lock: a device may be slow, and the listing must not wait. */
	for (uint16_t i = 0; i < drv->nb_caps; i++) {
		n = calloc(1, sizeof(*n));
		if (n == NULL)
			goto nomem;
		n->e.dev = dev;
		n->e.alg = &drv->caps[i];
		n->e.selftest = registry_selftest(&n->e, b);
		if (n->e.selftest == CE_SELFTEST_FAILED)
			nb_failed++;
		TAILQ_INSERT_TAIL(&added, n, next);
	}
	rte_free(b);
	pthread_mutex_lock(&registry_lock);
	while ((n = TAILQ_FIRST(&added)) != NULL) {
		TAILQ_REMOVE(&added, n, next);
		TAILQ_INSERT_TAIL(&registry_list, n, next);
	}
	pthread_mutex_unlock(&registry_lock);
	return nb_failed;

nomem:
	while ((n = TAILQ_FIRST(&added)) != NULL) {
		TAILQ_REMOVE(&added, n, next);
		free(n);
	}
	rte_free(b);
	return -ENOMEM;
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
ce_alg_type_name(enum ce_alg_type t)
{
	switch (t) {
	case CE_ALG_CIPHER:
		return "skcipher";
	case CE_ALG_AEAD:
		return "aead";
	case CE_ALG_HASH:
		return "hash";
	default:
		return "unknown";
	}
}

static void
registry_print_range(FILE *f, const char *label, const struct ce_range *r)
{
	fprintf(f, "%-12s : ", label);
	if (r->step == 0 || r->min == r->max)
		fprintf(f, "%u\n", r->min);
	else if (r->step == 1)
		fprintf(f, "%u-%u\n", r->min, r->max);
	else
		fprintf(f, "%u-%u step %u\n", r->min, r->max, r->step);
}

void
ce_registry_dump(FILE *f)
{
	const struct registry_node *n;

	pthread_mutex_lock(&registry_lock);
	TAILQ_FOREACH(n, &registry_list, next) {
		const struct ce_registry_entry *e = &n->e;
		const struct ce_alg_caps *a = e->alg;

		fprintf(f, "%-12s : %s\n", "name", a->name);
		fprintf(f, "%-12s : %s\n", "driver", a->driver_name);
		fprintf(f, "%-12s : %s\n", "pmd", e->dev->drv->name);
		fprintf(f, "%-12s : %s\n", "device", e->dev->name);
		fprintf(f, "%-12s : %d\n", "priority", a->priority);
		fprintf(f, "%-12s : %s\n", "async", (a->flags & CE_ALG_F_ASYNC) ? "yes" : "no");
		fprintf(f, "%-12s : %s\n", "fallback",
			(a->flags & CE_ALG_F_NEED_FALLBACK) ? "needed" : "no");
		fprintf(f, "%-12s : %s\n", "type", ce_alg_type_name(a->type));
		registry_print_range(f, "keysize", &a->key_size);
		registry_print_range(f, "ivsize", &a->iv_size);
		registry_print_range(f, "digestsize", &a->digest_size);
		registry_print_range(f, "aadsize", &a->aad_size);
		fprintf(f, "%-12s : %u\n", "blocksize", a->block_size);
		fprintf(f, "%-12s : %s", "selftest", ce_selftest_state_name(e->selftest));
		if (e->selftest == CE_SELFTEST_FAILED && e->selftest_why[0] != '\0')
			fprintf(f, " (%s)", e->selftest_why);
		fprintf(f, "\n\n");
	}
	pthread_mutex_unlock(&registry_lock);
}
