/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "cryptodev": a backend over a DPDK cryptodev through the public
 * rte_cryptodev API — crypto_qat on real hardware, crypto_aesni_mb /
 * crypto_null / crypto_openssl in CI. We are a user of cryptodev, not a
 * DPDK driver (cryptodev_pmd.h is not installed).
 *
 * Shape:
 * - One cryptodev queue pair per ce queue pair (one per engine lcore). The
 *   cryptodev is configured, its queue pairs set up and started in
 *   dev_configure; qp_setup only builds our side of each queue pair.
 * - Each queue pair owns qp_depth slots made at setup: an rte_crypto_op
 *   (IV and a 16-byte-padded AAD copy in its private area) and mbufs that
 *   stay attached as external buffers, re-pointed per request at the
 *   client's src/dst (zero copy). Their rte_mbuf_ext_shared_info is in the
 *   queue pair's private memory, never at the end of a client buffer. No
 *   mempool get/put on the data path: a free stack of slot indices.
 * - do_batch_requests builds the ops of a batch and rings ONE
 *   rte_cryptodev_enqueue_burst; the prefix it took is what we return.
 * - Fallback (the kernel's NEED_FALLBACK, per request): each session carries
 *   a software session on a private device of the `sw` backend (ipsecmb by
 *   default) with one queue pair per ours. A request the device cannot do
 *   runs there, and its completion is forwarded to our finalize: the engine
 *   sees one backend. The engine's own sess->fallback is left to the caller:
 *   it only covers fatal errors from do_one_request, not batches nor errors
 *   found at completion.
 * - Failure: consecutive error statuses beyond fail_threshold, or an
 *   operation older than timeout_ms, mark the queue pair down. Its in-flight
 *   requests re-run in software when their input is intact (out of place,
 *   or a hash), else complete with -EIO; their slots are abandoned (a late
 *   completion is dropped), so each request completes exactly once. New
 *   requests go to software; a known-answer probe every probe_ms brings the
 *   queue pair back. Per queue pair, decided on its own lcore: no shared
 *   state on the data path.
 *
 * Capabilities: ce_pmd_driver.caps is one static table per driver, so it
 * cannot say what one device can do. It declares the superset (everything
 * the software fallback can also do, plus the null algorithms), and
 * session_create enforces the device's real limits read from
 * rte_cryptodev_sym_capability_get/check_*: a session the device cannot run
 * runs in software (CE_QAT_FB_SESSION per request).
 */
#include <rte_common.h>

#include "ce_pmd.h"
#include "ce_pmd_qat.h"
#include "qat_priv.h"

static const struct ce_pmd_ops qat_pmd_ops = {
	.dev_configure = qat_pmd_dev_configure,
	.dev_close = qat_pmd_dev_close,
	.qp_setup = qat_pmd_qp_setup,
	.qp_release = qat_pmd_qp_release,
	.session_create = qat_pmd_session_create,
	.session_destroy = qat_pmd_session_destroy,
	.dma_map = qat_pmd_dma_map,
	.dma_unmap = qat_pmd_dma_unmap,
	.xstats_get = qat_pmd_xstats_get,
	.fault_inject = qat_pmd_fault_inject,
};

static const struct ce_pmd_fast_ops qat_pmd_fast_ops = {
	.do_one_request = qat_pmd_do_one,
	.do_batch_requests = qat_pmd_do_batch,
	.poll = qat_pmd_poll,
	.cancel = qat_pmd_cancel,
};

#define QAT_PMD_DRIVER(n, caps_of) { \
	.name = (n), \
	.ops = &qat_pmd_ops, \
	.fast = &qat_pmd_fast_ops, \
	.caps = qat_pmd_caps[caps_of], \
	.nb_caps = QAT_PMD_NB_CAPS, \
	.max_batch = QAT_PMD_MAX_BATCH, \
	.in_place = true, \
	.out_of_place = true, \
	.dev_priv_size = sizeof(struct qat_pmd_dev), \
	.qp_priv_size = sizeof(struct qat_pmd_qp), \
	.sess_priv_size = sizeof(struct qat_pmd_sess), \
}

/* One backend under two names: "qat" for QAT devices, whose implementations
 * are then named "...-qat", and "cryptodev" for any cryptodev. */
struct ce_pmd_driver qat_pmd_drivers[QAT_PMD_NB_DRIVERS] = {
	[QAT_PMD_CRYPTODEV] = QAT_PMD_DRIVER(CE_PMD_CRYPTODEV_DRIVER, QAT_PMD_CRYPTODEV),
	[QAT_PMD_QAT] = QAT_PMD_DRIVER(CE_PMD_QAT_DRIVER, QAT_PMD_QAT),
};

static void __attribute__((constructor, used))
qat_pmd_register(void)
{
	for (unsigned int i = 0; i < QAT_PMD_NB_DRIVERS; i++)
		(void)ce_pmd_driver_register(&qat_pmd_drivers[i]);
}
