/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TSC cycles per stage of the worker's busy turns, for bench/stage-cycles:
 * what callgrind's instruction counts (bench/budget) cannot show, the
 * stalls on lines that the client's core wrote (SQ slots, CQ lines, ring
 * indexes) and on the crypto's data. Counted only in a build configured
 * with meson -Dstage_cycles=true (six TSC reads a turn, a few cycles a
 * request at burst 32); otherwise these functions are empty and the
 * compiler drops them. The sums go to the log when the worker stops.
 */
#ifndef D_WORKER_CYCLES_H
#define D_WORKER_CYCLES_H

#include <stdint.h>

#ifdef D_STAGE_CYCLES
#include <rte_cycles.h>
#endif

enum d_stage {
	D_STAGE_CMDS,		/* commands from the control thread, the stash */
	D_STAGE_INTAKE,		/* SQ slots copied, checked, made requests, routed;
				 * and the last publish's doorbell checks after them */
	D_STAGE_BACKEND,	/* backend submits: the crypto itself on the direct path */
	D_STAGE_COMPLETE,	/* engine and direct polls: finalize, CQEs staged */
	D_STAGE_PUBLISH,	/* CQ copy and index, doorbell, quiescent state */
	D_STAGE_NB
};

struct d_stage_cycles {
	uint64_t cyc[D_STAGE_NB];	/* of busy turns */
	uint64_t busy_turns;		/* turns that took requests */
	uint64_t requests;		/* taken in those */
	uint64_t idle_turns;		/* turns that took none */
	uint64_t idle_cyc;		/* their cycles */
	uint64_t backend_turn;		/* backend cycles of the turn under way */
};

/* The TSC now, or 0 when not counting. */
static inline uint64_t
d_stage_now(void)
{
#ifdef D_STAGE_CYCLES
	return rte_rdtsc();
#else
	return 0;
#endif
}

/* A backend submit that began at @p since (d_stage_now()) has returned. */
static inline void
d_stage_backend(struct d_stage_cycles *s, uint64_t since)
{
#ifdef D_STAGE_CYCLES
	s->backend_turn += rte_rdtsc() - since;
#else
	(void)s;
	(void)since;
#endif
}

/*
 * A turn ended: @p t[0] its start, t[1] commands done, t[2] intake done,
 * t[3] polls done, t[4] published; @p taken requests in it.
 */
static inline void
d_stage_turn(struct d_stage_cycles *s, const uint64_t t[5], unsigned int taken)
{
#ifdef D_STAGE_CYCLES
	uint64_t b = s->backend_turn;

	s->backend_turn = 0;
	if (taken == 0) {
		s->idle_turns++;
		s->idle_cyc += t[4] - t[0];
		return;
	}
	s->busy_turns++;
	s->requests += taken;
	s->cyc[D_STAGE_CMDS] += t[1] - t[0];
	s->cyc[D_STAGE_INTAKE] += t[2] - t[1] - b;
	s->cyc[D_STAGE_BACKEND] += b;
	s->cyc[D_STAGE_COMPLETE] += t[3] - t[2];
	s->cyc[D_STAGE_PUBLISH] += t[4] - t[3];
#else
	(void)s;
	(void)t;
	(void)taken;
#endif
}

#endif /* D_WORKER_CYCLES_H */
