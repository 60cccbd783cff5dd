/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Key memory for the software backends: keys and everything derived from
 * them (round keys, hash keys, HMAC pads) live in libsodium's guarded,
 * locked memory. sodium_malloc costs four mappings per call, so many keys
 * are carved out of a few 64 KiB slabs, one size class per slab. Control
 * path only (thread safe: a mutex serialises the control and telemetry
 * threads).
 */
#ifndef CE_SW_KEYMEM_H
#define CE_SW_KEYMEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Alignment of every block ce_keymem_alloc() returns. */
#define CE_KEYMEM_ALIGN 64

/**
 * Allocate size bytes of locked, guarded key memory, zeroed and aligned to
 * CE_KEYMEM_ALIGN. Sizes up to 4096 bytes come from a slab of their size
 * class (64, 256, 1024, 4096); larger ones get a sodium_malloc of their own.
 * @return the block, or NULL with errno EINVAL (size 0 or larger than
 *   1 MiB) or ENOMEM (libsodium could not initialise or map memory).
 */
void *ce_keymem_alloc(size_t size);

/**
 * Wipe a block (sodium_memzero) and return it to its slab. size must be the
 * size given to ce_keymem_alloc(). NULL is ignored. Freeing a pointer that
 * ce_keymem_alloc() did not return, or twice, aborts: it is a bug that
 * would otherwise hand a key's memory to two sessions.
 */
void ce_keymem_free(void *p, size_t size);

/** Counters for telemetry and tests. */
struct ce_keymem_stats {
	uint32_t nb_slabs;       /**< slabs mapped (one sodium_malloc each) */
	uint32_t nb_large;       /**< blocks above the largest class, mapped alone */
	uint64_t nb_blocks;      /**< blocks in use */
	uint64_t bytes_mapped;   /**< slab and large bytes from sodium_malloc */
	uint64_t bytes_in_use;   /**< sum of the size classes of the blocks in use */
};

/** Fill st with the current counters. */
void ce_keymem_stats_get(struct ce_keymem_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* CE_SW_KEYMEM_H */
