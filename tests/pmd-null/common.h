/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the null PMD tests: a device, a session, a completion log. */
#ifndef PMD_NULL_TEST_COMMON_H
#define PMD_NULL_TEST_COMMON_H

#include <errno.h>

#include <rte_cycles.h>
#include <rte_memory.h>

#include "ce_pmd.h"
#include "ce_pmd_null.h"

#define CE_TEST_WANT_EAL
#include "ce_test.h"

#define LOG_MAX 200000

/* What finalize saw, in the order it saw it. */
struct log {
	uint32_t n;
	uint64_t cookie[LOG_MAX];
	int status[LOG_MAX];
};

static struct log g_log;

static inline void
log_finalize(void *ctx, struct ce_pmd_request *req, int status)
{
	struct log *l = ctx;

	CHECK(l->n < LOG_MAX);
	l->cookie[l->n] = req->cookie;
	l->status[l->n] = status;
	l->n++;
}

static inline struct ce_pmd_dev *
dev_make(const char *args)
{
	static int seq;
	char name[32];
	struct ce_pmd_dev_config cfg = { .nb_qps = 1, .socket_id = SOCKET_ID_ANY,
					 .args = args };
	struct ce_pmd_dev *dev;

	snprintf(name, sizeof(name), "null%d", seq++);
	dev = ce_pmd_dev_create(CE_PMD_NULL_DRIVER, name, &cfg);
	if (dev == NULL) {
		fprintf(stderr, "dev_make(\"%s\"): errno %d\n", args ? args : "(null)", errno);
		exit(1);
	}
	g_log.n = 0;
	dev->qps[0]->finalize = log_finalize;
	dev->qps[0]->finalize_ctx = &g_log;
	return dev;
}

static inline struct ce_pmd_session *
sess_make(struct ce_pmd_dev *dev, const char *alg, uint8_t op)
{
	struct ce_pmd_session_params p = { .alg = alg, .op = op };
	const char *why = NULL;
	struct ce_pmd_session *s = ce_pmd_session_create(dev, &p, &why);

	if (s == NULL) {
		fprintf(stderr, "session %s: %s (errno %d)\n", alg, why ? why : "?", errno);
		exit(1);
	}
	return s;
}

static inline void
req_init(struct ce_pmd_request *r, struct ce_pmd_session *s, uint8_t *src, uint8_t *dst,
	 uint32_t len, uint64_t cookie)
{
	memset(r, 0, sizeof(*r));
	r->sess = s;
	r->active = s;
	r->src = src;
	r->dst = dst;
	r->len = len;
	r->op = s->op;
	r->cookie = cookie;
}

static inline const struct ce_pmd_fast_ops *
fast(const struct ce_pmd_dev *dev)
{
	return dev->drv->fast;
}

static inline struct ce_pmd_null_stats
stats(const struct ce_pmd_dev *dev)
{
	struct ce_pmd_null_stats st;

	CHECK_EQ(ce_pmd_null_stats_get(dev, 0, &st), 0);
	return st;
}

static inline void
dev_free(struct ce_pmd_dev *dev, struct ce_pmd_session *s)
{
	ce_pmd_session_destroy(s);
	ce_pmd_dev_destroy(dev);
}

#endif
