/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The completion ring of a synchronous software backend (ipsecmb, sodium):
 * a fast op computes a request at once (or, on ipsecmb's job path, when the
 * manager returns it) and parks it here with its status; poll() finalizes
 * the parked requests in order. The producer and the consumer are the
 * queue pair's one lcore, so there are no atomics.
 */
#ifndef CE_SW_DONE_RING_H
#define CE_SW_DONE_RING_H

#include <stdint.h>

#include "ce_pmd.h"

#define SW_DONE_RING_SIZE 1024u /* power of two */

struct sw_done_ring {
	uint32_t head; /* next to finalize: poll */
	uint32_t tail; /* next free entry: the fast ops */
	struct {
		struct ce_pmd_request *req;
		int status;
	} ent[SW_DONE_RING_SIZE];
};

static inline void
sw_done_ring_init(struct sw_done_ring *r)
{
	r->head = r->tail = 0;
}

static inline uint32_t
sw_done_ring_room(const struct sw_done_ring *r)
{
	return SW_DONE_RING_SIZE - (r->tail - r->head);
}

/* The caller checked the room before it took the request. */
static inline void
sw_done_ring_push(struct sw_done_ring *r, struct ce_pmd_request *req, int status)
{
	uint32_t i = r->tail & (SW_DONE_RING_SIZE - 1);

	r->ent[i].req = req;
	r->ent[i].status = status;
	r->tail++;
}

/* Finalize up to @p max parked requests of @p qp. @return how many. */
static inline uint16_t
sw_done_ring_complete(struct ce_pmd_qp *qp, struct sw_done_ring *r, uint16_t max)
{
	uint16_t n = 0;

	while (n < max && r->head != r->tail) {
		uint32_t i = r->head & (SW_DONE_RING_SIZE - 1);
		struct ce_pmd_request *req = r->ent[i].req;
		int status = r->ent[i].status;

		/* Advance first: a finalize may submit to this queue pair again. */
		r->head++;
		ce_pmd_complete(qp, req, status);
		n++;
	}
	return n;
}

#endif /* CE_SW_DONE_RING_H */
