/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * "openssl": the software backend of the asymmetric algorithms (akcipher,
 * sig, kpp) over OpenSSL 3's libcrypto. PMD-facing header: its name, its
 * device arguments and its statistics.
 *
 * An asynchronous device: do_one_request and do_batch_requests hand each
 * request to the device's own thread (one pthread per device, on the EAL's
 * control-thread CPUs, never a worker lcore) through a lock-free
 * single-producer single-consumer ring per queue pair; poll reaps what it
 * finished through a second ring. An RSA-4096 sign (milliseconds) so never
 * holds up the symmetric requests of the worker that submitted it.
 *
 * Device arguments ("key=value,..."):
 * - depth=N      requests in flight per queue pair (1..4096, default 256)
 * - cpu=N        the device thread on CPU N alone (default: the EAL's
 *                control-thread CPUs, those of no lcore, or the main
 *                lcore's when every CPU is one). Refused on a worker
 *                lcore's CPU. A deployment gives each openssl device a core
 *                of its own, neither a worker's nor the control thread's.
 * - secure_heap=N  OpenSSL's secure heap in KiB (power of two, 64..1048576,
 *                default 8192): private keys (their big numbers) live there,
 *                in guarded, locked, never-dumped pages; a private key that
 *                does not fit is refused (-ENOMEM), never put on the heap.
 *                The heap is the process's: the first device sets it.
 * - fault_inject=1  tests only: allow the fault injector, whose mode "hold"
 *                stops the thread taking requests (what it computes it
 *                finishes; a cancel is still served) until mode "none": an
 *                asymmetric operation that takes as long as a test needs.
 */
#ifndef CE_PMD_OSSL_H
#define CE_PMD_OSSL_H

#ifdef __cplusplus
extern "C" {
#endif

/** Driver name (the config's `driver = openssl`). */
#define CE_PMD_OSSL_DRIVER "openssl"

/** Priority of its algorithms: below any device's (the kernel's generic
 * implementations have 100; the cryptodev/qat backend 400). */
#define CE_PMD_OSSL_PRIORITY 100

#ifdef __cplusplus
}
#endif

#endif /* CE_PMD_OSSL_H */
