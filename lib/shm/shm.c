/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Region and ring geometry checks, descriptor validation, memfd mapping and
 * peer credential checks: the server-side helpers the daemon builds on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ce_shm.h"

#define SHM_WHY(why, s) do { if (why) *(why) = (s); } while (0)

static bool
shm_is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* [off, off+len) inside [lo, hi) without computing off+len (it may wrap). */
static bool
shm_range_within(uint64_t off, uint64_t len, uint64_t lo, uint64_t hi)
{
	if (off < lo || off > hi)
		return false;
	return len <= hi - off;
}

int
ce_shm_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	if (alen == 0 || blen == 0)
		return 0;
	return a < b + blen && b < a + alen;
}

int
ce_ring_attach(struct ce_ring *r, void *region, uint64_t off, uint32_t entries,
	       uint32_t esize, enum ce_ring_role role)
{
	if (!shm_is_pow2(entries) || entries > CE_RING_MAX_ENTRIES || esize == 0 || esize % 8 ||
	    (role != CE_RING_PRODUCER && role != CE_RING_CONSUMER))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->sh = (volatile struct ce_ring_shared *)((uint8_t *)region + off);
	r->entries = (uint8_t *)region + off + sizeof(struct ce_ring_shared);
	r->size = entries;
	r->mask = entries - 1;
	r->esize = esize;
	r->role = role;
	/* Read our own index once; everything after is relative to it. */
	if (role == CE_RING_PRODUCER)
		r->local = __atomic_load_n(&r->sh->prod, __ATOMIC_RELAXED);
	else
		r->local = __atomic_load_n(&r->sh->cons, __ATOMIC_RELAXED);
	/* Nothing known of the peer yet: the first call reads its index. */
	r->peer = role == CE_RING_PRODUCER ? r->local - r->size : r->local;
	return 0;
}

int
ce_ring_init(struct ce_ring *r, void *region, uint64_t off, uint32_t entries,
	     uint32_t esize, enum ce_ring_role role)
{
	volatile struct ce_ring_shared *sh;

	if (!shm_is_pow2(entries) || entries > CE_RING_MAX_ENTRIES || esize == 0 || esize % 8)
		return -EINVAL;
	sh = (volatile struct ce_ring_shared *)((uint8_t *)region + off);
	sh->prod = 0;
	sh->cons = 0;
	sh->flags = 0;
	return ce_ring_attach(r, region, off, entries, esize, role);
}

int
ce_shm_region_check(const struct ce_shm_region_info *ri, const char **why)
{
	if (ri->size <= CE_REGION_HDR_SPACE) {
		SHM_WHY(why, "region too small");
		return -EINVAL;
	}
	if (ri->arena_off < CE_REGION_HDR_SPACE || ri->arena_off % CE_CACHE_LINE) {
		SHM_WHY(why, "arena overlaps the region header or is misaligned");
		return -EINVAL;
	}
	if (ri->arena_len == 0 ||
	    !shm_range_within(ri->arena_off, ri->arena_len, 0, ri->size)) {
		SHM_WHY(why, "arena empty or outside the region");
		return -EINVAL;
	}
	return 0;
}

int
ce_shm_ring_geom_check(const struct ce_shm_region_info *ri, uint64_t off,
		       uint32_t entries, uint32_t esize, uint32_t max_entries,
		       const char **why)
{
	uint64_t bytes;

	if (!shm_is_pow2(entries) || entries > max_entries || entries > CE_RING_MAX_ENTRIES) {
		SHM_WHY(why, "ring entries not a power of two or over the limit");
		return -EINVAL;
	}
	if (off % CE_CACHE_LINE) {
		SHM_WHY(why, "ring offset not cache-line aligned");
		return -EINVAL;
	}
	bytes = ce_ring_bytes(entries, esize);
	if (!shm_range_within(off, bytes, CE_REGION_HDR_SPACE, ri->size)) {
		SHM_WHY(why, "ring outside the region or over its header");
		return -EINVAL;
	}
	if (ce_shm_ranges_overlap(off, bytes, ri->arena_off, ri->arena_len)) {
		SHM_WHY(why, "ring overlaps the data arena");
		return -EINVAL;
	}
	return 0;
}

int
ce_shm_qp_geom_check(const struct ce_shm_region_info *ri, const struct ce_msg_qp_create *qc,
		     uint32_t max_entries, const char **why)
{
	int ret;

	ret = ce_shm_ring_geom_check(ri, qc->sq_off, qc->sq_entries, sizeof(struct ce_desc),
				     max_entries, why);
	if (ret < 0)
		return ret;
	ret = ce_shm_ring_geom_check(ri, qc->cq_off, qc->cq_entries, sizeof(struct ce_cqe),
				     max_entries, why);
	if (ret < 0)
		return ret;
	if (ce_shm_ranges_overlap(qc->sq_off, ce_ring_bytes(qc->sq_entries, sizeof(struct ce_desc)),
				  qc->cq_off, ce_ring_bytes(qc->cq_entries, sizeof(struct ce_cqe)))) {
		SHM_WHY(why, "SQ and CQ overlap");
		return -EINVAL;
	}
	return 0;
}

/* A used range must lie entirely in the arena; zero length = unused. */
static bool
shm_arena_ok(const struct ce_shm_region_info *ri, uint64_t off, uint64_t len)
{
	if (len == 0)
		return true;
	return shm_range_within(off, len, ri->arena_off, ri->arena_off + ri->arena_len);
}

/* The asymmetric part of ce_shm_desc_validate(): src is checked already. */
static int
shm_asym_desc_validate(const struct ce_shm_region_info *ri, const struct ce_shm_sess_info *si,
		       const struct ce_desc *d, const char **why)
{
	bool writes = d->op != CE_OP_SIG_VERIFY;

	if (d->op == CE_OP_DIGEST || d->op == CE_OP_VERIFY) {
		SHM_WHY(why, "symmetric op on an asymmetric session");
		return -EINVAL;
	}
	if (writes && !shm_arena_ok(ri, d->dst_off, si->out_max)) {
		SHM_WHY(why, "destination (the session's out_max bytes) outside the arena");
		return -EINVAL;
	}
	if (d->op != CE_OP_SIG_VERIFY && d->aad_len != 0) {
		SHM_WHY(why, "a signature (aad) given to an op other than verify");
		return -EINVAL;
	}
	if (d->aad_len > si->aad_max) {
		SHM_WHY(why, "signature longer than the session's out_max");
		return -EINVAL;
	}
	if (!shm_arena_ok(ri, d->aad_off, d->aad_len)) {
		SHM_WHY(why, "signature outside the arena");
		return -EINVAL;
	}
	if (writes && ce_shm_ranges_overlap(d->dst_off, si->out_max, d->src_off, d->len)) {
		SHM_WHY(why, "destination overlaps the source (no in-place asymmetric op)");
		return -EINVAL;
	}
	return 0;
}

int
ce_shm_desc_validate(const struct ce_shm_region_info *ri, const struct ce_shm_sess_info *si,
		     const struct ce_desc *d, const char **why)
{
	bool cipher = d->op == CE_OP_ENCRYPT || d->op == CE_OP_DECRYPT;
	bool writes_digest = d->op == CE_OP_ENCRYPT || d->op == CE_OP_DIGEST;

	if (why == NULL)
		return ce_shm_desc_ok(ri, si, d) ? 0 : -EINVAL;
	/* Below: the same rules one by one, to say which one failed. */
	if (d->op < CE_OP_ENCRYPT || d->op > CE_OP_MAX) {
		SHM_WHY(why, "unknown op");
		return -EINVAL;
	}
	if (d->flags & ~CE_DESC_F_VALID_MASK) {
		SHM_WHY(why, "reserved flags set");
		return -EINVAL;
	}
	if (d->rsvd) {
		SHM_WHY(why, "reserved field set");
		return -EINVAL;
	}
	/* The arena check also bounds it: arena_off + arena_len cannot wrap. */
	if (ri->arena_len > UINT64_MAX - ri->arena_off) {
		SHM_WHY(why, "arena bounds overflow");
		return -EINVAL;
	}
	if (!shm_arena_ok(ri, d->src_off, d->len)) {
		SHM_WHY(why, "source outside the arena");
		return -EINVAL;
	}
	if (si->out_max != 0)
		return shm_asym_desc_validate(ri, si, d, why);
	if (ce_op_is_asym_only(d->op)) {
		SHM_WHY(why, "asymmetric op on a symmetric session");
		return -EINVAL;
	}
	if (cipher && !shm_arena_ok(ri, d->dst_off, d->len)) {
		SHM_WHY(why, "destination outside the arena");
		return -EINVAL;
	}
	if (!shm_arena_ok(ri, d->iv_off, si->iv_len)) {
		SHM_WHY(why, "IV outside the arena");
		return -EINVAL;
	}
	if (d->aad_len > si->aad_max) {
		SHM_WHY(why, "AAD longer than the session allows");
		return -EINVAL;
	}
	if (!shm_arena_ok(ri, d->aad_off, d->aad_len)) {
		SHM_WHY(why, "AAD outside the arena");
		return -EINVAL;
	}
	if (!shm_arena_ok(ri, d->digest_off, si->digest_len)) {
		SHM_WHY(why, "digest outside the arena");
		return -EINVAL;
	}
	if (cipher && d->src_off != d->dst_off &&
	    ce_shm_ranges_overlap(d->src_off, d->len, d->dst_off, d->len)) {
		SHM_WHY(why, "source and destination partly overlap");
		return -EINVAL;
	}
	if (cipher && ce_shm_ranges_overlap(d->digest_off, si->digest_len, d->dst_off, d->len)) {
		SHM_WHY(why, "digest overlaps the destination");
		return -EINVAL;
	}
	if (writes_digest &&
	    ce_shm_ranges_overlap(d->digest_off, si->digest_len, d->src_off, d->len)) {
		SHM_WHY(why, "digest overlaps the source");
		return -EINVAL;
	}
	return 0;
}

int
ce_shm_region_map(int fd, uint64_t claimed_size, uint64_t max_size, void **addr,
		  const char **why)
{
	const struct ce_region_hdr *hdr;
	struct stat st;
	void *p;
	int seals;

	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0) {
		/* EINVAL: not a memfd (no sealing support). */
		SHM_WHY(why, "region fd is not a sealable memfd");
		return errno == EINVAL ? -EPERM : -errno;
	}
	if ((seals & (F_SEAL_SHRINK | F_SEAL_GROW)) != (F_SEAL_SHRINK | F_SEAL_GROW)) {
		SHM_WHY(why, "region not sealed with F_SEAL_SHRINK and F_SEAL_GROW");
		return -EPERM;
	}
	if (claimed_size > max_size) {
		SHM_WHY(why, "region larger than the limit");
		return -EFBIG;
	}
	if (claimed_size <= CE_REGION_HDR_SPACE) {
		SHM_WHY(why, "region too small");
		return -EINVAL;
	}
	if (fstat(fd, &st) < 0) {
		SHM_WHY(why, "fstat failed");
		return -errno;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 0 || (uint64_t)st.st_size != claimed_size) {
		SHM_WHY(why, "region size differs from the claimed size");
		return -EINVAL;
	}
	p = mmap(NULL, claimed_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		SHM_WHY(why, "mmap failed");
		return -errno;
	}
	/* Sanity only: the daemon takes geometry from messages, not from here. */
	hdr = p;
	if (hdr->magic != CE_REGION_MAGIC || hdr->version != CE_SHM_VERSION ||
	    hdr->size != claimed_size) {
		munmap(p, claimed_size);
		SHM_WHY(why, "region header has a bad magic, version or size");
		return -EINVAL;
	}
	*addr = p;
	return 0;
}

int
ce_shm_peer_check(int sock, const struct ce_shm_acl *acl, pid_t *pid, uid_t *uid,
		  gid_t *gid, const char **why)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	unsigned int i;
	bool ok = false;

	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0) {
		SHM_WHY(why, "SO_PEERCRED failed");
		return -errno;
	}
	if (!acl || (acl->nb_uids == 0 && acl->nb_gids == 0)) {
		ok = cr.uid == 0 || cr.uid == geteuid();
	} else {
		for (i = 0; i < acl->nb_uids && !ok; i++)
			ok = cr.uid == acl->uids[i];
		for (i = 0; i < acl->nb_gids && !ok; i++)
			ok = cr.gid == acl->gids[i];
	}
	if (pid)
		*pid = cr.pid;
	if (uid)
		*uid = cr.uid;
	if (gid)
		*gid = cr.gid;
	if (!ok) {
		SHM_WHY(why, "peer uid/gid not allowed");
		return -EACCES;
	}
	return 0;
}
