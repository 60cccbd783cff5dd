/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the registry's files share (registry.c: the list, lookup and the
 * symmetric self-tests; registry_asym.c: the asymmetric ones). Private to
 * lib/pmd.
 */
#ifndef CE_REGISTRY_PRIV_H
#define CE_REGISTRY_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "ce_pmd.h"
#include "ce_registry.h"

struct registry_node {
	struct ce_registry_entry e;  /* first: entries are handed out by address */
	TAILQ_ENTRY(registry_node) next;
};

/*
 * One implementation's self-test while it runs: the outcome is gathered here
 * and copied into the entry under registry_lock at the end, so that a lookup
 * or a listing during a live run sees the previous result whole, never a
 * half-written reason.
 */
struct registry_verdict {
	struct registry_node *n;
	unsigned int nb_jobs;        /* self-test operations planned */
	unsigned int nb_vectors;     /* known-answer vectors that fit */
	bool failed;                 /* an operation failed (why is set) */
	char why[sizeof(((struct ce_registry_entry *)0)->selftest_why)];
};

TAILQ_HEAD(registry_list, registry_node);

/* One self-test operation as the runner sees it: first in every job. */
struct registry_op {
	struct ce_pmd_request req;   /* req.cb_arg: the op (set by the runner) */
	bool done;
	int status;
};

#define REGISTRY_OP(first, stride, i) \
	((struct registry_op *)(void *)((char *)(first) + (size_t)(i) * (stride)))

/* Self-tests whose answers have not come by then fail. */
extern uint64_t registry_selftest_timeout_ns;

/* Mark v failed with "desc: <fmt>" as its why. @return -1 */
int registry_fail(struct registry_verdict *v, const char *desc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Start nb ops (each stride bytes from the previous one, first a struct
 * registry_op) on qp as far as the device takes them, poll until every one
 * is answered or the timeout passes, then cancel; unanswered ones end with
 * -ETIMEDOUT. Ops already done (a refused session) are skipped.
 */
void registry_run_ops(struct ce_pmd_qp *qp, void *first, size_t stride, unsigned int nb);

/*
 * The asymmetric known answers of the asymmetric implementations among the
 * nb_v in vs (all of dev), run on qp: counts each verdict's vectors and
 * operations, fails it with its why.
 * @return 0, or -ENOMEM.
 */
int registry_asym_selftest(struct ce_pmd_dev *dev, struct ce_pmd_qp *qp,
			   struct registry_verdict *vs, unsigned int nb_v);

#endif /* CE_REGISTRY_PRIV_H */
