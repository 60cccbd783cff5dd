/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * cryptoeng shared-memory protocol: region checks, descriptor validation,
 * peer credentials. Used by the daemon (server side) and libcryptoeng.
 *
 * No DPDK here: a client needs no EAL and no hugepages.
 */
#ifndef CE_SHM_H
#define CE_SHM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "ce_shm_abi.h"
#include "ce_shm_ring.h"
#include "ce_shm_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes reserved for the region header at offset 0 (rings start after it). */
#define CE_REGION_HDR_SPACE	4096u

/**
 * What the daemon knows about a client's region, from the REGION message and
 * its own limits (kept in daemon memory; never read back from the region).
 */
struct ce_shm_region_info {
	uint64_t size;		/**< region size (checked against fstat) */
	uint64_t arena_off;	/**< data arena start */
	uint64_t arena_len;	/**< data arena length */
};

/** Session properties the validator needs. */
struct ce_shm_sess_info {
	uint32_t iv_len;	/**< IV bytes read at iv_off */
	uint32_t digest_len;	/**< tag/digest bytes at digest_off, 0 = none */
	uint32_t aad_max;	/**< largest aad_len accepted (asymmetric: the
				 *   longest signature, out_max) */
	uint32_t out_max;	/**< asymmetric: bytes at dst_off an op may write;
				 *   0 = a symmetric session */
};

/**
 * Bit 15 of a generation: the session is asymmetric. The worker sorts
 * requests into its symmetric and asymmetric windows by the handle alone,
 * before it reads the session; a handle with the bit flipped names a
 * generation its slot does not hold, so it is refused as stale.
 */
#define CE_SHM_SESS_GEN_ASYM	0x8000u

/**
 * A session handle (SESSION_CREATE's answer, ce_desc.session): the slot's
 * generation, never 0, above its index in the client's session table. A
 * stale handle, or one of another client, names a generation its slot does
 * not hold. Opaque to clients; built and split only here.
 *
 * @return the handle of slot @p idx in generation @p gen.
 */
static inline uint32_t
ce_shm_sess_handle(uint16_t gen, uint16_t idx)
{
	return (uint32_t)gen << 16 | idx;
}

/** @return the generation of session handle @p h (0: no session). */
static inline uint16_t
ce_shm_sess_handle_gen(uint32_t h)
{
	return (uint16_t)(h >> 16);
}

/** @return the slot index of session handle @p h. */
static inline uint16_t
ce_shm_sess_handle_idx(uint32_t h)
{
	return (uint16_t)(h & 0xffffu);
}

/** @return whether session handle @p h names an asymmetric session. */
static inline bool
ce_shm_sess_handle_asym(uint32_t h)
{
	return (ce_shm_sess_handle_gen(h) & CE_SHM_SESS_GEN_ASYM) != 0;
}

/**
 * @return the generation after @p gen for a session of class @p asym:
 * bits 0-14 count, bit 15 is the class, never 0.
 */
static inline uint16_t
ce_shm_sess_gen_next(uint16_t gen, bool asym)
{
	uint16_t count = (uint16_t)((gen + 1u) & (CE_SHM_SESS_GEN_ASYM - 1u));

	if (count == 0)
		count = 1;
	return (uint16_t)(count | (asym ? CE_SHM_SESS_GEN_ASYM : 0u));
}

/**
 * Check the arena geometry of a REGION message: the arena must start at or
 * after CE_REGION_HDR_SPACE, be 64-byte aligned, be non-empty and end inside
 * the region.
 *
 * @param why  set to a short static reason on failure (may be NULL)
 * @return 0, or -EINVAL.
 */
int ce_shm_region_check(const struct ce_shm_region_info *ri, const char **why);

/**
 * Check one ring of a QP_CREATE: @p entries a power of two in
 * [1, @p max_entries], @p off 64-byte aligned, the whole ring (header and
 * entries) inside the region, after the region header and outside the arena.
 *
 * @return 0, or -EINVAL with @p why set.
 */
int ce_shm_ring_geom_check(const struct ce_shm_region_info *ri, uint64_t off,
			   uint32_t entries, uint32_t esize, uint32_t max_entries,
			   const char **why);

/**
 * Check both rings of a QP_CREATE (ce_shm_ring_geom_check() on each) and
 * that they do not overlap each other. Overlap with other queue pairs of the
 * same client is for the daemon to check with ce_shm_ranges_overlap().
 *
 * @return 0, or -EINVAL with @p why set.
 */
int ce_shm_qp_geom_check(const struct ce_shm_region_info *ri, const struct ce_msg_qp_create *qc,
			 uint32_t max_entries, const char **why);

/**
 * @return 1 if [a, a+alen) and [b, b+blen) share a byte, else 0. Ranges are
 *   assumed not to wrap (callers check bounds first); empty ranges never
 *   overlap.
 */
int ce_shm_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen);

/**
 * Validate a descriptor the daemon has copied into its own memory.
 *
 * Refused: unknown op; reserved flags or the reserved field set; any range
 * (src, dst, iv, aad, digest) that is not entirely inside the arena
 * (this keeps the region header and every ring out of reach) or whose
 * offset + length overflows; aad_len above the session's aad_max; source and
 * destination that partly overlap (exactly equal is in place and allowed);
 * a digest that overlaps the destination, or, for ops that write it
 * (encrypt, digest), the source.
 * For digest/verify, dst_off is ignored.
 *
 * Asymmetric sessions (si->out_max != 0) take ENCRYPT, DECRYPT and
 * SIGN..KPP_SECRET, symmetric ones ENCRYPT..VERIFY. For asymmetric ops:
 * src/len inside the arena; dst with out_max bytes inside the arena (not for
 * SIG_VERIFY, which writes nothing), not overlapping the source (no in
 * place: not every library reads all its input before it writes); aad (the
 * signature, at most aad_max bytes) only for SIG_VERIFY; iv and digest
 * unused.
 *
 * @param why  set to a short static reason on failure (may be NULL)
 * @return 0, or -EINVAL.
 */
int ce_shm_desc_validate(const struct ce_shm_region_info *ri, const struct ce_shm_sess_info *si,
			 const struct ce_desc *d, const char **why);

/*
 * [off, off + len) inside [lo, lo + span), or len == 0 (an unused range).
 * The caller has checked that lo + span does not wrap; then off < lo gives
 * a relative offset above span, and the end cannot wrap either.
 */
static inline int
ce_shm__in_arena(uint64_t lo, uint64_t span, uint64_t off, uint64_t len)
{
	uint64_t rel = off - lo;

	return len == 0 || (rel <= span && len <= span - rel);
}

/* Both non-empty and sharing a byte; both inside one non-wrapping arena. */
static inline int
ce_shm__overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen != 0 && blen != 0 && a < b + blen && b < a + alen;
}

/* Asymmetric sessions: rare and slow anyway, the rules one by one, out of line. */
static __attribute__((noinline, cold, unused)) int
ce_shm__desc_ok_asym(const struct ce_shm_region_info *ri, const struct ce_shm_sess_info *si,
		     const struct ce_desc *d)
{
	const char *why;

	return ce_shm_desc_validate(ri, si, d, &why) == 0;
}

/**
 * The data path's descriptor check: ce_shm_desc_validate()'s rules, without
 * reasons, as one inline run of predictable branches (one subtraction and
 * two comparisons a range, no call). Exactly the descriptors
 * ce_shm_desc_validate() accepts pass (tests/shm and the fuzz_desc oracle
 * hold both to it).
 *
 * @return 1 if @p d may be served, else 0 (ask ce_shm_desc_validate() why).
 */
static inline int
ce_shm_desc_ok(const struct ce_shm_region_info *ri, const struct ce_shm_sess_info *si,
	       const struct ce_desc *d)
{
	uint64_t lo = ri->arena_off, span = ri->arena_len;
	unsigned int op = d->op;
	int cipher = op == CE_OP_ENCRYPT || op == CE_OP_DECRYPT;
	int writes_digest = op == CE_OP_ENCRYPT || op == CE_OP_DIGEST;

	if (si->out_max != 0)
		return ce_shm__desc_ok_asym(ri, si, d);
	/* Symmetric sessions take the symmetric ops only (ce_op_is_asym_only). */
	if (op - CE_OP_ENCRYPT > (unsigned int)(CE_OP_VERIFY - CE_OP_ENCRYPT) ||
	    (d->flags & ~CE_DESC_F_VALID_MASK) != 0 || d->rsvd != 0 ||
	    span > UINT64_MAX - lo || d->aad_len > si->aad_max)
		return 0;
	if (!ce_shm__in_arena(lo, span, d->src_off, d->len) ||
	    (cipher && !ce_shm__in_arena(lo, span, d->dst_off, d->len)) ||
	    !ce_shm__in_arena(lo, span, d->iv_off, si->iv_len) ||
	    !ce_shm__in_arena(lo, span, d->aad_off, d->aad_len) ||
	    !ce_shm__in_arena(lo, span, d->digest_off, si->digest_len))
		return 0;
	/* Inside the arena: the ends below cannot wrap. */
	if (cipher && d->src_off != d->dst_off &&
	    ce_shm__overlap(d->src_off, d->len, d->dst_off, d->len))
		return 0;
	if (cipher && ce_shm__overlap(d->digest_off, si->digest_len, d->dst_off, d->len))
		return 0;
	return !(writes_digest && ce_shm__overlap(d->digest_off, si->digest_len, d->src_off, d->len));
}

/**
 * The struct ce_desc that compact descriptor @p e means (ce_desc_esp's
 * layout: aad_off = off, iv_off = off + aad_len, src_off = dst_off = iv_off +
 * iv_len, digest_off = src_off + len). A field only the compact form has
 * (rsvd, a missing CE_DESC_F_ESP) or a window that wraps comes out as a
 * descriptor ce_shm_desc_validate() refuses, so that it accepts @p d exactly
 * when ce_shm_desc_esp_ok() accepts @p e.
 */
static inline void
ce_shm_desc_esp_expand(const struct ce_desc_esp *e, const struct ce_shm_sess_info *si,
		       struct ce_desc *d)
{
	uint64_t total = (uint64_t)e->aad_len + si->iv_len + e->len + si->digest_len;

	memset(d, 0, sizeof(*d));
	d->cookie = e->cookie;
	d->session = e->session;
	/* Asymmetric sessions and op 0 have no compact form: an op they refuse. */
	d->op = si->out_max != 0 && e->op != 0 ? CE_OP_DIGEST : e->op;
	d->flags = (uint8_t)(e->flags & ~CE_DESC_F_ESP);
	d->rsvd = (uint16_t)((e->rsvd != 0 || !(e->flags & CE_DESC_F_ESP)) ? 1 : 0);
	d->len = e->len;
	d->aad_len = e->aad_len;
	d->aad_off = e->off;
	if (e->off > UINT64_MAX - total) {
		/* The window wraps: a source no arena holds. */
		d->src_off = UINT64_MAX;
		d->len = d->len ? d->len : 1;
	} else {
		d->iv_off = e->off + e->aad_len;
		d->src_off = d->iv_off + si->iv_len;
		d->digest_off = d->src_off + e->len;
	}
	d->dst_off = d->src_off;
}

/**
 * The data path's check of a compact descriptor: the fields, then one range,
 * the whole window [off, off + aad_len + iv_len + len + digest_len), inside
 * the arena. The ranges within it are back to back and in place, so none of
 * ce_shm_desc_validate()'s overlap rules can fail. Accepts exactly what
 * ce_shm_desc_validate() accepts of ce_shm_desc_esp_expand()'s descriptor
 * (tests/shm holds them to it).
 *
 * @return 1 if @p e may be served, else 0.
 */
static inline int
ce_shm_desc_esp_ok(const struct ce_shm_region_info *ri, const struct ce_shm_sess_info *si,
		   const struct ce_desc_esp *e)
{
	uint64_t lo = ri->arena_off, span = ri->arena_len;
	uint64_t total = (uint64_t)e->aad_len + si->iv_len + e->len + si->digest_len;

	return si->out_max == 0 &&
	       (unsigned int)e->op - CE_OP_ENCRYPT <= (unsigned int)(CE_OP_VERIFY - CE_OP_ENCRYPT) &&
	       (e->flags & ~CE_DESC_F_MAY_BACKLOG) == CE_DESC_F_ESP && e->rsvd == 0 &&
	       span <= UINT64_MAX - lo && e->aad_len <= si->aad_max &&
	       ce_shm__in_arena(lo, span, e->off, total);
}

/**
 * Map a client's region after checking it: F_SEAL_SHRINK and F_SEAL_GROW
 * must be set (else the client could shrink it under the daemon, which would
 * die of SIGBUS), fstat size must equal @p claimed_size, and
 * @p claimed_size must be in (CE_REGION_HDR_SPACE, @p max_size]. The region
 * header is checked for magic, version and size (a sanity check only).
 * The fd is not closed.
 *
 * @param addr  receives the read-write shared mapping
 * @return 0, -EPERM (not sealed, or not a memfd), -EFBIG (over @p max_size),
 *   -EINVAL (size mismatch, too small, bad header), or -errno from
 *   fcntl/fstat/mmap; @p why says which.
 */
int ce_shm_region_map(int fd, uint64_t claimed_size, uint64_t max_size, void **addr,
		      const char **why);

/** Allowed peers. Empty lists (or a NULL acl) mean: root and our own euid. */
struct ce_shm_acl {
	const uid_t *uids;
	unsigned int nb_uids;
	const gid_t *gids;
	unsigned int nb_gids;
};

/**
 * Read the peer's credentials (SO_PEERCRED) of a connected AF_UNIX socket
 * and check them: allowed if the uid is in acl->uids or the gid in
 * acl->gids; with no lists, root and the caller's effective uid.
 *
 * @param pid, uid, gid  receive the peer's credentials (each may be NULL)
 * @return 0, -EACCES (not allowed, @p why set), or -errno from getsockopt.
 */
int ce_shm_peer_check(int sock, const struct ce_shm_acl *acl, pid_t *pid, uid_t *uid,
		      gid_t *gid, const char **why);

#ifdef __cplusplus
}
#endif

#endif /* CE_SHM_H */
