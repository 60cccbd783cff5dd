/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: what the daemon checks before it touches a client's
 * region (lib/shm/shm.c).
 *
 * Mode 0, descriptors: ce_shm_desc_validate() against an independent oracle
 * written in 128-bit arithmetic (accept exactly what the oracle accepts),
 * and for an accepted descriptor every range it names is touched through a
 * buffer that is exactly the arena, so that ASan reports any byte outside.
 *
 * Mode 1, queue pair geometry and rings: ce_shm_region_check() and
 * ce_shm_qp_geom_check() (accepted rings lie inside the region, after its
 * header, outside the arena and apart), then the daemon's side of both rings
 * over a region whose every byte outside the two rings is ASan-poisoned,
 * while the input forges the client's indices: counts stay in [0, size],
 * an impossible index breaks the ring for good (-EIO), and no access leaves
 * the ring.
 */
#include <errno.h>
#include <sanitizer/asan_interface.h>

#include "ce_shm.h"
#include "fuzz.h"

typedef unsigned __int128 u128;

/* [off, off+len) inside [lo, lo+n); len 0 is unused and always fine. */
static int
oracle_inside(uint64_t off, uint64_t len, uint64_t lo, u128 n)
{
	return len == 0 || (off >= lo && (u128)off + len <= (u128)lo + n);
}

static int
oracle_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && (u128)a < (u128)b + blen && (u128)b < (u128)a + alen;
}

static int
oracle_desc_ok(const struct ce_shm_region_info *ri, const struct ce_shm_sess_info *si,
	       const struct ce_desc *d)
{
	int cipher = d->op == CE_OP_ENCRYPT || d->op == CE_OP_DECRYPT;
	int writes_digest = d->op == CE_OP_ENCRYPT || d->op == CE_OP_DIGEST;
	uint64_t lo = ri->arena_off;
	u128 n = ri->arena_len;

	if (d->op < CE_OP_ENCRYPT || d->op > CE_OP_KPP_SECRET || (d->flags & ~CE_DESC_F_VALID_MASK) ||
	    d->rsvd)
		return 0;
	if ((u128)lo + n > UINT64_MAX)
		return 0;
	if (si->out_max != 0) {
		/* Asymmetric: src, then dst for out_max bytes unless verify, the
		 * signature (aad) on verify only, no dst/src overlap at all. */
		int writes = d->op != CE_OP_SIG_VERIFY;

		if (d->op == CE_OP_DIGEST || d->op == CE_OP_VERIFY)
			return 0;
		if (!oracle_inside(d->src_off, d->len, lo, n) ||
		    (writes && !oracle_inside(d->dst_off, si->out_max, lo, n)) ||
		    (writes && d->aad_len != 0) || d->aad_len > si->aad_max ||
		    !oracle_inside(d->aad_off, d->aad_len, lo, n))
			return 0;
		return !(writes && oracle_overlap(d->dst_off, si->out_max, d->src_off, d->len));
	}
	if (d->op > CE_OP_VERIFY)
		return 0;
	if (!oracle_inside(d->src_off, d->len, lo, n) ||
	    (cipher && !oracle_inside(d->dst_off, d->len, lo, n)) ||
	    !oracle_inside(d->iv_off, si->iv_len, lo, n) || d->aad_len > si->aad_max ||
	    !oracle_inside(d->aad_off, d->aad_len, lo, n) ||
	    !oracle_inside(d->digest_off, si->digest_len, lo, n))
		return 0;
	if (cipher && d->src_off != d->dst_off &&
	    oracle_overlap(d->src_off, d->len, d->dst_off, d->len))
		return 0;
	if (cipher && oracle_overlap(d->digest_off, si->digest_len, d->dst_off, d->len))
		return 0;
	if (writes_digest && oracle_overlap(d->digest_off, si->digest_len, d->src_off, d->len))
		return 0;
	return 1;
}

/* Values near the edges are where the bugs are: half of them small. */
static uint64_t
take_off(struct fuzz_in *in)
{
	uint8_t how = fuzz_u8(in);
	uint64_t v = fuzz_u64(in);

	switch (how & 3) {
	case 0:
		return v & 0xffff;
	case 1:
		return UINT64_MAX - (v & 0xffff);
	default:
		return v;
	}
}

/* Touch [off, off+len) of the arena through a buffer holding exactly the arena. */
static void
touch(uint8_t *arena, uint64_t arena_off, uint64_t off, uint64_t len, uint8_t val)
{
	if (len == 0)
		return;
	arena[off - arena_off] = val;
	arena[off - arena_off + len - 1] = val;
}

static void
fuzz_descs(struct fuzz_in *in)
{
	struct ce_shm_region_info ri;
	struct ce_shm_sess_info si;
	struct ce_desc d;
	const char *why = NULL;
	int ret, region_ok;

	ri.size = take_off(in);
	ri.arena_off = take_off(in);
	ri.arena_len = take_off(in);
	si.iv_len = fuzz_u32(in) & 0x1ffff;
	si.digest_len = fuzz_u32(in) & 0x1ffff;
	si.aad_max = fuzz_u32(in) & 0x1ffff;
	/* Half the sessions asymmetric (out_max set: the validator's other half). */
	si.out_max = fuzz_u32(in);
	si.out_max = (si.out_max & 1) ? (si.out_max >> 1) & 0x1ffff : 0;
	/* As the daemon makes them: an asymmetric session has no IV or digest. */
	if (si.out_max != 0)
		si.iv_len = si.digest_len = 0;
	fuzz_take(in, &d, sizeof(d));
	d.src_off = d.src_off ^ take_off(in);
	d.dst_off = d.dst_off ^ take_off(in);

	ret = ce_shm_desc_validate(&ri, &si, &d, &why);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL);
	FUZZ_CHECK(ret == 0 || why != NULL);
	FUZZ_CHECK((ret == 0) == oracle_desc_ok(&ri, &si, &d));
	/* The data path's check (no reasons) and the one-by-one rules agree. */
	FUZZ_CHECK(ce_shm_desc_ok(&ri, &si, &d) == (ret == 0));
	FUZZ_CHECK((ce_shm_desc_validate(&ri, &si, &d, NULL) == 0) == (ret == 0));
	if (ret < 0)
		return;

	/* Inside a region that passed its own check: inside the region, past its header. */
	region_ok = ce_shm_region_check(&ri, NULL) == 0;
	if (region_ok) {
		FUZZ_CHECK(d.len == 0 || d.src_off >= CE_REGION_HDR_SPACE);
		FUZZ_CHECK(d.len == 0 || (u128)d.src_off + d.len <= ri.size);
		FUZZ_CHECK(si.digest_len == 0 || (u128)d.digest_off + si.digest_len <= ri.size);
	}
	/* What the worker and the backends do with it: read and write every range. */
	if (region_ok && ri.arena_len <= (1u << 16)) {
		int cipher = d.op == CE_OP_ENCRYPT || d.op == CE_OP_DECRYPT;
		uint8_t *arena = malloc(ri.arena_len);

		FUZZ_CHECK(arena != NULL);
		touch(arena, ri.arena_off, d.src_off, d.len, 1);
		if (si.out_max != 0 && d.op != CE_OP_SIG_VERIFY)
			touch(arena, ri.arena_off, d.dst_off, si.out_max, 2);
		else if (cipher)
			touch(arena, ri.arena_off, d.dst_off, d.len, 2);
		touch(arena, ri.arena_off, d.iv_off, si.iv_len, 3);
		touch(arena, ri.arena_off, d.aad_off, d.aad_len, 4);
		touch(arena, ri.arena_off, d.digest_off, si.digest_len, 5);
		free(arena);
	}
}

static void
check_ring_inside(const struct ce_shm_region_info *ri, uint64_t off, uint32_t entries,
		  uint32_t esize, uint32_t max_entries)
{
	uint64_t bytes = ce_ring_bytes(entries, esize);

	FUZZ_CHECK(entries && !(entries & (entries - 1)));
	FUZZ_CHECK(entries <= max_entries && entries <= CE_RING_MAX_ENTRIES);
	FUZZ_CHECK(off % CE_CACHE_LINE == 0);
	FUZZ_CHECK(off >= CE_REGION_HDR_SPACE && (u128)off + bytes <= ri->size);
	FUZZ_CHECK(!oracle_overlap(off, bytes, ri->arena_off, ri->arena_len));
}

/* The daemon's side of one ring while the client forges the peer's index. */
static void
drive_rings(struct fuzz_in *in, uint8_t *region, struct ce_ring *sq, struct ce_ring *cq)
{
	struct ce_desc descs[64];
	struct ce_cqe cqes[64];
	int sq_broken = 0, cq_broken = 0;

	memset(cqes, 0, sizeof(cqes));
	for (unsigned int step = 0; step < 32 && in->left > 0; step++) {
		uint8_t op = fuzz_u8(in);
		unsigned int n = fuzz_u8(in) % 65;
		uint32_t forged = fuzz_u32(in);
		int ret;

		switch (op % 6) {
		case 0:		/* client moves its SQ producer anywhere */
			sq->sh->prod = forged;
			break;
		case 1:		/* client moves its CQ consumer anywhere */
			cq->sh->cons = forged;
			break;
		case 2:
			ret = ce_ring_ready_count(sq);
			FUZZ_CHECK(ret == -EIO || (ret >= 0 && (uint32_t)ret <= sq->size));
			FUZZ_CHECK(!sq_broken || ret == -EIO);
			sq_broken |= ret == -EIO;
			break;
		case 3:
			ret = ce_ring_dequeue_burst(sq, descs, n);
			FUZZ_CHECK(ret == -EIO || (ret >= 0 && (unsigned int)ret <= n));
			FUZZ_CHECK(!sq_broken || ret == -EIO);
			sq_broken |= ret == -EIO;
			break;
		case 4:
			ret = ce_ring_free_count_min(cq, n);
			FUZZ_CHECK(ret == -EIO || (ret >= 0 && (uint32_t)ret <= cq->size));
			FUZZ_CHECK(!cq_broken || ret == -EIO);
			cq_broken |= ret == -EIO;
			break;
		default:
			ret = ce_ring_enqueue_burst(cq, cqes, n);
			FUZZ_CHECK(ret == -EIO || (ret >= 0 && (unsigned int)ret <= n));
			FUZZ_CHECK(!cq_broken || ret == -EIO);
			cq_broken |= ret == -EIO;
			break;
		}
		/* Our own indices never move past what the peer allowed. */
		FUZZ_CHECK(sq->peer - sq->local <= sq->size);
		FUZZ_CHECK(cq->local - cq->peer <= cq->size);
		(void)region;
	}
}

static void
fuzz_rings(struct fuzz_in *in)
{
	struct ce_shm_region_info ri;
	struct ce_msg_qp_create qc;
	struct ce_ring sq, cq;
	const char *why = NULL;
	uint32_t max_entries;
	uint8_t *region;
	int ret;

	/* Small regions, so that a mapped copy of them can be built. */
	ri.size = fuzz_u32(in) & 0x7ffff;
	ri.arena_off = take_off(in);
	ri.arena_len = take_off(in);
	qc.sq_entries = fuzz_u32(in);
	qc.cq_entries = fuzz_u32(in);
	qc.sq_off = take_off(in);
	qc.cq_off = take_off(in);
	qc.flags = qc.rsvd = 0;
	max_entries = fuzz_u32(in);

	if (ce_shm_region_check(&ri, &why) < 0) {
		FUZZ_CHECK(why != NULL);
		return;
	}
	FUZZ_CHECK(ri.arena_off >= CE_REGION_HDR_SPACE && ri.arena_len > 0);
	FUZZ_CHECK((u128)ri.arena_off + ri.arena_len <= ri.size);
	ret = ce_shm_qp_geom_check(&ri, &qc, max_entries, &why);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL);
	if (ret < 0) {
		FUZZ_CHECK(why != NULL);
		return;
	}
	check_ring_inside(&ri, qc.sq_off, qc.sq_entries, sizeof(struct ce_desc), max_entries);
	check_ring_inside(&ri, qc.cq_off, qc.cq_entries, sizeof(struct ce_cqe), max_entries);
	FUZZ_CHECK(!oracle_overlap(qc.sq_off, ce_ring_bytes(qc.sq_entries, sizeof(struct ce_desc)),
				   qc.cq_off, ce_ring_bytes(qc.cq_entries, sizeof(struct ce_cqe))));

	/* Only the two rings are addressable: any other access is an ASan report. */
	region = aligned_alloc(CE_CACHE_LINE, (ri.size + 63) & ~(uint64_t)63);
	FUZZ_CHECK(region != NULL);
	ASAN_POISON_MEMORY_REGION(region, ri.size);
	ASAN_UNPOISON_MEMORY_REGION(region + qc.sq_off,
				    ce_ring_bytes(qc.sq_entries, sizeof(struct ce_desc)));
	ASAN_UNPOISON_MEMORY_REGION(region + qc.cq_off,
				    ce_ring_bytes(qc.cq_entries, sizeof(struct ce_cqe)));
	FUZZ_CHECK(ce_ring_init(&sq, region, qc.sq_off, qc.sq_entries, sizeof(struct ce_desc),
				CE_RING_CONSUMER) == 0);
	FUZZ_CHECK(ce_ring_init(&cq, region, qc.cq_off, qc.cq_entries, sizeof(struct ce_cqe),
				CE_RING_PRODUCER) == 0);
	drive_rings(in, region, &sq, &cq);
	ASAN_UNPOISON_MEMORY_REGION(region, ri.size);
	free(region);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { .p = data, .left = size };

	if (fuzz_u8(&in) & 1)
		fuzz_rings(&in);
	else
		fuzz_descs(&in);
	return 0;
}
