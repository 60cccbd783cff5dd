/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The algorithm registry: every (device, algorithm) implementation the
 * daemon's devices offer, with the kernel's rules for choosing one (highest
 * cra_priority wins; an exact driver name wins; an implementation that failed
 * its known-answer self-test is never chosen) and a /proc/crypto-like listing.
 * Control path only.
 */
#ifndef CE_REGISTRY_H
#define CE_REGISTRY_H


#include "ce_pmd.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ce_selftest_state {
	CE_SELFTEST_UNTESTED = 0,
	CE_SELFTEST_PASSED,
	CE_SELFTEST_FAILED,
	CE_SELFTEST_NO_VECTOR, /**< no known answer for this algorithm: never chosen */
};

/** One implementation: an algorithm of a device. */
struct ce_registry_entry {
	struct ce_pmd_dev *dev;
	const struct ce_pmd_alg_caps *alg;
	enum ce_selftest_state selftest;
	char selftest_why[96];   /**< which vector failed, and how; never key bytes */
	uint16_t selftest_vectors; /**< known-answer vectors that fit it, last run */
	uint16_t selftest_ops;     /**< operations those vectors made (directions,
				    *   placements, a flipped tag), last run */
	uint32_t selftest_runs;    /**< runs so far: 1 after start-up */
};

/**
 * Add every algorithm of dev to the registry and run its known-answer
 * self-tests on queue pair 0 (which must not be owned by a running engine
 * yet): all of the device's test operations are started at once, so a slow
 * device costs its latency about once; operations not answered within the
 * self-test timeout (ce_registry_set_selftest_timeout()) fail their
 * implementation.
 * @return the number of implementations that failed (0 when all passed),
 *   or -ENOMEM, -EEXIST (dev was added already).
 */
int ce_registry_add_dev(struct ce_pmd_dev *dev);

/**
 * How long ce_registry_add_dev() waits for a device's self-test answers
 * (default 10 s). A backend with a cancel op gives back what it still holds;
 * one without is waited for, since it holds the tests' buffers.
 */
void ce_registry_set_selftest_timeout(uint64_t timeout_ns);

/**
 * Run the known-answer self-tests again, on a live system: those of every
 * implementation (@p driver NULL) or of the implementations whose driver
 * name is @p driver (one per device that has it). Each device's tests run on
 * its queue pair @p qp_id, driven by the calling thread: that queue pair must
 * be owned by no engine and polled by no other thread (cryptoengd keeps one
 * per device for this), while the device's other queue pairs go on serving.
 * A device that has no queue pair @p qp_id is left out: its entries keep
 * their state. The same vectors, timeout and checks as ce_registry_add_dev().
 *
 * Each result replaces the entry's state when its device is done: one that
 * fails is out of selection (ce_registry_lookup() no longer chooses it, and
 * names the failure) until a later run passes; sessions already made on it
 * are not touched. Until then lookups and listings see the previous result.
 * Any thread; runs are serialized (one at a time). Not while devices are
 * added or removed.
 *
 * @param results when not NULL, gets a copy of each tested entry after its
 *   run, in the order they ran (device by device), at most @p max.
 * @return how many implementations were tested (may exceed max; 0 when
 *   every device that has them was left out), or -ENOENT (driver names no
 *   implementation), -ENOMEM (then some devices
 *   may have been tested, and their results kept).
 */
int ce_registry_selftest_run(const char *driver, uint16_t qp_id,
			     struct ce_registry_entry *results, unsigned int max);

/**
 * Copy entry @p e as it is now, under the registry's lock: a thread other
 * than the control thread reads the self-test state and reason this way,
 * whole, while a live run (ce_registry_selftest_run()) may change them.
 */
void ce_registry_entry_get(const struct ce_registry_entry *e, struct ce_registry_entry *copy);

/** Remove every entry of dev (before the device is destroyed). */
void ce_registry_remove_dev(struct ce_pmd_dev *dev);

/**
 * Choose an implementation: by exact driver name when driver is not NULL
 * (name, when also given, must match it), else the highest-priority
 * implementation of name that passed its self-test.
 * @return the entry, or NULL with errno ENOENT (unknown name or driver) or
 *   ELIBBAD (the named driver exists but failed its self-test); *why, when
 *   not NULL, gets a message for the client.
 */
const struct ce_registry_entry *ce_registry_lookup(const char *name, const char *driver,
						    const char **why);

/** Iterate over all entries, in registration order: start with NULL. */
const struct ce_registry_entry *ce_registry_next(const struct ce_registry_entry *prev);

/** "skcipher", "aead" or "hash", as /proc/crypto names the types. */
const char *ce_pmd_alg_type_name(enum ce_pmd_alg_type t);

/** "passed", "failed", "no vector" or "untested", as the listing shows it. */
const char *ce_selftest_state_name(enum ce_selftest_state s);

#ifdef __cplusplus
}
#endif

#endif /* CE_REGISTRY_H */
