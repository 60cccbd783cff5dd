/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Single-producer/single-consumer ring over shared memory, io_uring style.
 *
 * The shared part (struct ce_ring_shared) holds only the two indices and a
 * flags word. Size, mask, entry size and the caller's own index live in
 * struct ce_ring, in the caller's private memory. The peer's index is read
 * from shared memory and clamped: a peer that claims more than @c size
 * entries (or a consumer index ahead of the producer) marks the ring broken
 * and every later call returns -EIO. Entries are always indexed with the
 * private mask, so a forged header can never move an access out of the ring.
 *
 * Wake-up handshake (NEED_WAKEUP), with consumer C and producer P:
 *
 *   C: ce_ring_cons_prepare_sleep(): flags = NEED_WAKEUP; full fence;
 *      re-read prod; if entries appeared, clear the flag and keep polling,
 *      else block on the eventfd, then ce_ring_cons_woken().
 *   P: enqueue (release store of prod); ce_ring_prod_needs_wakeup(): full
 *      fence; read flags; if NEED_WAKEUP, write the eventfd.
 *
 * Both fences are needed: without them C's flag store and P's prod store can
 * each be ordered after the other's load (store-load reordering), both miss,
 * and the wake-up is lost.
 *
 * Data path: no allocation, no lock, no syscall.
 */
#ifndef CE_SHM_RING_H
#define CE_SHM_RING_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ce_shm_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest ring the library accepts (entries). */
#define CE_RING_MAX_ENTRIES	(1u << 16)

enum ce_ring_role {
	CE_RING_PRODUCER = 1,
	CE_RING_CONSUMER = 2,
};

/** Private state of one side of a ring. Never place this in shared memory. */
struct ce_ring {
	volatile struct ce_ring_shared *sh;	/**< shared header */
	uint8_t *entries;	/**< first entry, right after the header */
	uint32_t size;		/**< entries, power of two */
	uint32_t mask;		/**< size - 1 */
	uint32_t esize;		/**< entry size in bytes */
	uint32_t local;		/**< own index (prod or cons), authoritative copy */
	uint32_t peer;		/**< peer's index as last read and checked: reading
				     it again costs a cross-core cache miss, so
				     bursts trust it while it shows enough */
	uint32_t broken;	/**< peer index was impossible; ring is dead */
	uint32_t role;		/**< enum ce_ring_role */
};

/**
 * Attach one side of a ring at @p off in a mapped region.
 *
 * The caller's own index is read from shared memory once; any value is safe
 * because later checks are relative to it. The geometry must already have
 * been checked (ce_shm_ring_geom_check()) against the region.
 *
 * @return 0, or -EINVAL if @p entries is not a power of two in
 *   [1, CE_RING_MAX_ENTRIES], @p esize is 0 or not a multiple of 8, or
 *   @p role is unknown.
 */
int ce_ring_attach(struct ce_ring *r, void *region, uint64_t off, uint32_t entries,
		   uint32_t esize, enum ce_ring_role role);

/**
 * Initialise the shared header of a ring (indices and flags to 0) and attach
 * as @p role. Used by the side that creates the region (the client).
 *
 * @return as ce_ring_attach().
 */
int ce_ring_init(struct ce_ring *r, void *region, uint64_t off, uint32_t entries,
		 uint32_t esize, enum ce_ring_role role);

/*
 * GCC sees the 64-byte branch inlined where a 16-byte object is copied (the
 * branch is dead there: esize says 16) and warns; the warning, not the copy,
 * is wrong.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#if __GNUC__ >= 11
#pragma GCC diagnostic ignored "-Wstringop-overread"
#endif
#endif
static inline void
ce_ring_copy_entry(void *dst, const void *src, uint32_t esize)
{
	uint8_t *d = (uint8_t *)dst;
	const uint8_t *s = (const uint8_t *)src;
	uint32_t i;

	/*
	 * The two sizes the protocol uses get a copy of constant size: a few
	 * vector moves (a descriptor cost ~87 instructions as a word loop).
	 */
	if (esize == sizeof(struct ce_desc)) {
		memcpy(d, s, sizeof(struct ce_desc));
		return;
	}
	if (esize == sizeof(struct ce_cqe)) {
		memcpy(d, s, sizeof(struct ce_cqe));
		return;
	}
	/* Other sizes are multiples of 8: word moves, no call into libc. */
	for (i = 0; i < esize; i += 8)
		memcpy(d + i, s + i, 8);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/**
 * Producer: number of free slots.
 *
 * @return free slots (0..size), or -EIO if the consumer's index is
 *   impossible (ahead of the producer or more than size behind it).
 */
static inline int
ce_ring_free_count(struct ce_ring *r)
{
	uint32_t cons, used;

	if (r->broken)
		return -EIO;
	/* Acquire: the consumer's reads of the slots it released are done. */
	cons = __atomic_load_n(&r->sh->cons, __ATOMIC_ACQUIRE);
	used = r->local - cons;
	if (used > r->size) {
		r->broken = 1;
		return -EIO;
	}
	r->peer = cons;
	return (int)(r->size - used);
}

/**
 * Producer: free slots, at least @p want if there are that many. Reads the
 * consumer's index only when the last value read shows fewer than @p want
 * (the consumer only ever frees more, so the cached count is a lower bound).
 *
 * @return free slots (0..size), or -EIO as ce_ring_free_count().
 */
static inline int
ce_ring_free_count_min(struct ce_ring *r, uint32_t want)
{
	uint32_t cached = r->size - (r->local - r->peer);

	if (r->broken)
		return -EIO;
	if (cached >= want)
		return (int)cached;
	return ce_ring_free_count(r);
}

/**
 * The entry @p i places past this side's own index: for a producer the
 * (i+1)-th to be written, for a consumer the (i+1)-th to be read. No check
 * that it is free or ready (a prefetch needs none).
 */
static inline uint8_t *
ce_ring_entry(const struct ce_ring *r, uint32_t i)
{
	return r->entries + (size_t)((r->local + i) & r->mask) * r->esize;
}

/**
 * Producer: copy @p n entries from @p src (private memory) into the ring and
 * publish them, without reading the consumer's index: for a producer that
 * reserved the room beforehand (the daemon takes no more requests than its
 * queue pair's CQ holds). Only a consumer that broke its index loses entries.
 */
static inline void
ce_ring_enqueue_reserved(struct ce_ring *r, const void *src, unsigned int n)
{
	const uint8_t *s = (const uint8_t *)src;
	uint32_t at = r->local & r->mask;
	uint32_t first = n < r->size - at ? n : r->size - at;

	/* One block copy, two where the ring wraps: not an entry at a time. */
	memcpy(r->entries + (size_t)at * r->esize, s, (size_t)first * r->esize);
	if (first < n)
		memcpy(r->entries, s + (size_t)first * r->esize, (size_t)(n - first) * r->esize);
	r->local += n;
	/* Release: the entries are written before the consumer can see prod move. */
	__atomic_store_n(&r->sh->prod, r->local, __ATOMIC_RELEASE);
}

/**
 * Producer: copy up to @p n entries from @p src (private memory) into the ring.
 *
 * @return entries enqueued (0..n), or -EIO if the ring is broken.
 */
static inline int
ce_ring_enqueue_burst(struct ce_ring *r, const void *src, unsigned int n)
{
	int free_slots = ce_ring_free_count_min(r, n);

	if (free_slots < 0)
		return free_slots;
	if (n > (unsigned int)free_slots)
		n = (unsigned int)free_slots;
	ce_ring_enqueue_reserved(r, src, n);
	return (int)n;
}

/**
 * Consumer: number of entries ready.
 *
 * @return entries ready (0..size), or -EIO if the producer claims more than
 *   size entries.
 */
static inline int
ce_ring_ready_count(struct ce_ring *r)
{
	uint32_t prod, avail;

	if (r->broken)
		return -EIO;
	/* Acquire: the producer's entry writes are visible before we read them. */
	prod = __atomic_load_n(&r->sh->prod, __ATOMIC_ACQUIRE);
	avail = prod - r->local;
	if (avail > r->size) {
		r->broken = 1;
		return -EIO;
	}
	r->peer = prod;
	return (int)avail;
}

/**
 * Consumer: copy up to @p n ready entries out of the ring into @p dst
 * (private memory) without consuming them; ce_ring_consume() then gives back
 * those the caller keeps. Validate the copy, never the ring slot.
 *
 * @return entries copied (0..n), or -EIO if the ring is broken.
 */
static inline int
ce_ring_peek_burst(struct ce_ring *r, void *dst, unsigned int n)
{
	uint8_t *d = (uint8_t *)dst;
	/* Entries already seen ready need no new read of the producer's index.
	 * (peer - local ≤ size: it was checked when peer was read.) */
	int ready = r->broken ? -EIO : (int)(r->peer - r->local);
	unsigned int i;

	if (ready >= 0 && (unsigned int)ready < n)
		ready = ce_ring_ready_count(r);
	if (ready < 0)
		return ready;
	if (n > (unsigned int)ready)
		n = (unsigned int)ready;
	for (i = 0; i < n; i++)
		ce_ring_copy_entry(d + (size_t)i * r->esize,
				   r->entries + (size_t)((r->local + i) & r->mask) * r->esize,
				   r->esize);
	return (int)n;
}

/**
 * Consumer: release the first @p n entries (at most what ce_ring_peek_burst()
 * copied) to the producer. Each kept entry was read from shared memory once.
 */
static inline void
ce_ring_consume(struct ce_ring *r, unsigned int n)
{
	r->local += n;
	/* Release: our reads of the slots finish before the producer may reuse them. */
	__atomic_store_n(&r->sh->cons, r->local, __ATOMIC_RELEASE);
}

/**
 * Consumer: copy up to @p n entries out of the ring into @p dst (private
 * memory) and consume them. Each entry is read from shared memory exactly
 * once; validate the copy, never the ring slot.
 *
 * @return entries dequeued (0..n), or -EIO if the ring is broken.
 */
static inline int
ce_ring_dequeue_burst(struct ce_ring *r, void *dst, unsigned int n)
{
	int got = ce_ring_peek_burst(r, dst, n);

	if (got > 0)
		ce_ring_consume(r, (unsigned int)got);
	return got;
}

/**
 * Producer, after an enqueue: does the consumer want a doorbell?
 *
 * @return 1 if the consumer set NEED_WAKEUP (write its eventfd), else 0.
 */
static inline int
ce_ring_prod_needs_wakeup(struct ce_ring *r)
{
	/* Full fence: order our prod store before the flags load (see handshake). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return (__atomic_load_n(&r->sh->flags, __ATOMIC_RELAXED) & CE_RING_F_NEED_WAKEUP) != 0;
}

/**
 * Consumer, before blocking on the eventfd: set NEED_WAKEUP and re-check.
 *
 * @return 1 if the ring is still empty and the caller may sleep (the flag
 *   stays set), 0 if entries arrived (the flag is cleared, keep polling),
 *   or -EIO if the ring is broken.
 */
static inline int
ce_ring_cons_prepare_sleep(struct ce_ring *r)
{
	int ready;

	/* Only the consumer writes flags, so a plain store is enough. */
	__atomic_store_n(&r->sh->flags, CE_RING_F_NEED_WAKEUP, __ATOMIC_RELAXED);
	/* Full fence: order the flag store before the prod load (see handshake). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ready = ce_ring_ready_count(r);
	if (ready == 0)
		return 1;
	__atomic_store_n(&r->sh->flags, 0, __ATOMIC_RELAXED);
	return ready < 0 ? ready : 0;
}

/** Consumer, after waking (or giving up sleeping): clear NEED_WAKEUP. */
static inline void
ce_ring_cons_woken(struct ce_ring *r)
{
	/* Relaxed: a stale flag only costs the producer one spurious doorbell. */
	__atomic_store_n(&r->sh->flags, 0, __ATOMIC_RELAXED);
}

/** @return non-zero once the ring has seen an impossible peer index. */
static inline int
ce_ring_is_broken(const struct ce_ring *r)
{
	return r->broken != 0;
}

#ifdef __cplusplus
}
#endif

#endif /* CE_SHM_RING_H */
