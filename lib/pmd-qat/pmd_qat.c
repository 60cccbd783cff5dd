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
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_common.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "ce_pmd.h"
#include "ce_pmd_qat.h"
#include "qat_priv.h"

#define QAT_PMD_PRIORITY 400
#define QAT_PMD_MAX_BATCH 64
#define QAT_PMD_MAX_DATA 65536       /* as the software fallback: it must take all */
#define QAT_PMD_SEG_LEN 32768u       /* mbuf buf_len is 16 bits: chain beyond 65535 */
#define QAT_PMD_SEGS 2               /* QAT_PMD_MAX_DATA / QAT_PMD_SEG_LEN; QAT takes 16 */
#define QAT_PMD_AAD_BUF 256          /* AAD copy, readable up to the next 16 multiple */
#define QAT_PMD_SALT 4
#define QAT_PMD_PROBE_LEN 16
#define QAT_PMD_DEFAULT_DEPTH 512

_Static_assert(QAT_PMD_SEGS * QAT_PMD_SEG_LEN >= QAT_PMD_MAX_DATA, "segments cover the data");
_Static_assert(QAT_PMD_SEGS <= 16, "QAT takes at most 16 segments");

enum qat_pmd_kind {
	QAT_PMD_AEAD = 1,
	QAT_PMD_CIPHER,
	QAT_PMD_AUTH,
	QAT_PMD_CHAIN,    /* authenc: cipher + auth */
};

/* What each caps entry maps to, in the order of qat_pmd_caps[]. */
struct qat_pmd_alg_desc {
	uint8_t kind;
	uint8_t salt;     /* key bytes that are the nonce's salt (rfc4106, rfc7539esp) */
	uint8_t auth_key; /* authenc: auth key length, the front of the key */
	bool ctr;
	bool keyed;       /* the auth takes a key (HMAC) */
	int aead;         /* enum rte_crypto_aead_algorithm */
	int cipher;       /* enum rte_crypto_cipher_algorithm */
	int auth;         /* enum rte_crypto_auth_algorithm */
};

#define RANGE(a, b, s) { .min = (a), .max = (b), .step = (s) }
#define ONE(a) { .min = (a), .max = (a), .step = 0 }
#define NONE ONE(0)
#define QAT_FLAGS (CE_ALG_F_ASYNC | CE_ALG_F_NEED_FALLBACK)

#define CIPHER_CAPS(n, d, bs) { \
	.name = n, .driver_name = d, .type = CE_ALG_CIPHER, .priority = QAT_PMD_PRIORITY, \
	.flags = QAT_FLAGS, .key_size = RANGE(16, 32, 8), .iv_size = ONE(16), \
	.digest_size = NONE, .aad_size = NONE, .block_size = bs, \
	.max_data_len = QAT_PMD_MAX_DATA }
#define SHA_CAPS(n, d, dl) { \
	.name = n, .driver_name = d, .type = CE_ALG_HASH, .priority = QAT_PMD_PRIORITY, \
	.flags = QAT_FLAGS, .key_size = NONE, .iv_size = NONE, .digest_size = ONE(dl), \
	.aad_size = NONE, .block_size = 1, .max_data_len = QAT_PMD_MAX_DATA }
#define HMAC_CAPS(n, d, dl) { \
	.name = n, .driver_name = d, .type = CE_ALG_HASH, .priority = QAT_PMD_PRIORITY, \
	.flags = QAT_FLAGS, .key_size = RANGE(0, CE_KEY_MAX, 1), .iv_size = NONE, \
	.digest_size = RANGE(4, dl, 1), .aad_size = NONE, .block_size = 1, \
	.max_data_len = QAT_PMD_MAX_DATA }
#define AUTHENC_CAPS(n, d, ak, dl) { \
	.name = n, .driver_name = d, .type = CE_ALG_AEAD, .priority = QAT_PMD_PRIORITY, \
	.flags = QAT_FLAGS, .key_size = RANGE((ak) + 16, (ak) + 32, 8), .iv_size = ONE(16), \
	.digest_size = RANGE(4, dl, 1), .aad_size = RANGE(0, 512, 1), .block_size = 16, \
	.max_data_len = QAT_PMD_MAX_DATA }

static const struct ce_alg_caps qat_pmd_caps[] = {
	{ .name = "gcm(aes)", .driver_name = "gcm-aes-cryptodev", .type = CE_ALG_AEAD,
	  .priority = QAT_PMD_PRIORITY, .flags = QAT_FLAGS, .key_size = RANGE(16, 32, 8),
	  .iv_size = RANGE(1, 128, 1), .digest_size = RANGE(4, 16, 1),
	  .aad_size = RANGE(0, UINT16_MAX, 1), .block_size = 1,
	  .max_data_len = QAT_PMD_MAX_DATA },
	{ .name = "rfc4106(gcm(aes))", .driver_name = "rfc4106-gcm-aes-cryptodev",
	  .type = CE_ALG_AEAD, .priority = QAT_PMD_PRIORITY, .flags = QAT_FLAGS,
	  .key_size = RANGE(20, 36, 8), .iv_size = ONE(8), .digest_size = RANGE(8, 16, 4),
	  .aad_size = RANGE(8, 12, 4), .block_size = 1, .max_data_len = QAT_PMD_MAX_DATA },
	CIPHER_CAPS("cbc(aes)", "cbc-aes-cryptodev", 16),
	CIPHER_CAPS("ctr(aes)", "ctr-aes-cryptodev", 1),
	SHA_CAPS("sha1", "sha1-cryptodev", 20),
	SHA_CAPS("sha256", "sha256-cryptodev", 32),
	SHA_CAPS("sha384", "sha384-cryptodev", 48),
	SHA_CAPS("sha512", "sha512-cryptodev", 64),
	HMAC_CAPS("hmac(sha1)", "hmac-sha1-cryptodev", 20),
	HMAC_CAPS("hmac(sha256)", "hmac-sha256-cryptodev", 32),
	HMAC_CAPS("hmac(sha384)", "hmac-sha384-cryptodev", 48),
	HMAC_CAPS("hmac(sha512)", "hmac-sha512-cryptodev", 64),
	AUTHENC_CAPS("authenc(hmac(sha1),cbc(aes))", "authenc-hmac-sha1-cbc-aes-cryptodev",
		     20, 20),
	AUTHENC_CAPS("authenc(hmac(sha256),cbc(aes))",
		     "authenc-hmac-sha256-cbc-aes-cryptodev", 32, 32),
	AUTHENC_CAPS("authenc(hmac(sha512),cbc(aes))",
		     "authenc-hmac-sha512-cbc-aes-cryptodev", 64, 64),
	{ .name = "rfc7539(chacha20,poly1305)",
	  .driver_name = "rfc7539-chacha20-poly1305-cryptodev", .type = CE_ALG_AEAD,
	  .priority = QAT_PMD_PRIORITY, .flags = QAT_FLAGS, .key_size = ONE(32),
	  .iv_size = ONE(12), .digest_size = ONE(16), .aad_size = RANGE(0, UINT16_MAX, 1),
	  .block_size = 1, .max_data_len = QAT_PMD_MAX_DATA },
	{ .name = "rfc7539esp(chacha20,poly1305)",
	  .driver_name = "rfc7539esp-chacha20-poly1305-cryptodev", .type = CE_ALG_AEAD,
	  .priority = QAT_PMD_PRIORITY, .flags = QAT_FLAGS, .key_size = ONE(36),
	  .iv_size = ONE(8), .digest_size = ONE(16), .aad_size = RANGE(8, 12, 4),
	  .block_size = 1, .max_data_len = QAT_PMD_MAX_DATA },
	{ .name = "ecb(cipher_null)", .driver_name = "ecb-cipher_null-cryptodev",
	  .type = CE_ALG_CIPHER, .priority = QAT_PMD_PRIORITY, .flags = CE_ALG_F_ASYNC,
	  .key_size = NONE, .iv_size = NONE, .digest_size = NONE, .aad_size = NONE,
	  .block_size = 1, .max_data_len = QAT_PMD_MAX_DATA },
	{ .name = "digest_null", .driver_name = "digest_null-cryptodev", .type = CE_ALG_HASH,
	  .priority = QAT_PMD_PRIORITY, .flags = CE_ALG_F_ASYNC, .key_size = NONE,
	  .iv_size = NONE, .digest_size = NONE, .aad_size = NONE, .block_size = 1,
	  .max_data_len = QAT_PMD_MAX_DATA },
};

#define AEAD_D(a, sl) { .kind = QAT_PMD_AEAD, .salt = (sl), .aead = (a) }
#define SHA_D(a) { .kind = QAT_PMD_AUTH, .auth = (a) }
#define HMAC_D(a) { .kind = QAT_PMD_AUTH, .keyed = true, .auth = (a) }
#define CHAIN_D(a, ak) { .kind = QAT_PMD_CHAIN, .auth_key = (ak), .keyed = true, \
			 .cipher = RTE_CRYPTO_CIPHER_AES_CBC, .auth = (a) }

static const struct qat_pmd_alg_desc qat_pmd_descs[] = {
	AEAD_D(RTE_CRYPTO_AEAD_AES_GCM, 0),
	AEAD_D(RTE_CRYPTO_AEAD_AES_GCM, QAT_PMD_SALT),
	{ .kind = QAT_PMD_CIPHER, .cipher = RTE_CRYPTO_CIPHER_AES_CBC },
	{ .kind = QAT_PMD_CIPHER, .cipher = RTE_CRYPTO_CIPHER_AES_CTR, .ctr = true },
	SHA_D(RTE_CRYPTO_AUTH_SHA1),
	SHA_D(RTE_CRYPTO_AUTH_SHA256),
	SHA_D(RTE_CRYPTO_AUTH_SHA384),
	SHA_D(RTE_CRYPTO_AUTH_SHA512),
	HMAC_D(RTE_CRYPTO_AUTH_SHA1_HMAC),
	HMAC_D(RTE_CRYPTO_AUTH_SHA256_HMAC),
	HMAC_D(RTE_CRYPTO_AUTH_SHA384_HMAC),
	HMAC_D(RTE_CRYPTO_AUTH_SHA512_HMAC),
	CHAIN_D(RTE_CRYPTO_AUTH_SHA1_HMAC, 20),
	CHAIN_D(RTE_CRYPTO_AUTH_SHA256_HMAC, 32),
	CHAIN_D(RTE_CRYPTO_AUTH_SHA512_HMAC, 64),
	AEAD_D(RTE_CRYPTO_AEAD_CHACHA20_POLY1305, 0),
	AEAD_D(RTE_CRYPTO_AEAD_CHACHA20_POLY1305, QAT_PMD_SALT),
	{ .kind = QAT_PMD_CIPHER, .cipher = RTE_CRYPTO_CIPHER_NULL },
	{ .kind = QAT_PMD_AUTH, .auth = RTE_CRYPTO_AUTH_NULL },
};

_Static_assert(RTE_DIM(qat_pmd_caps) == RTE_DIM(qat_pmd_descs), "one descriptor per caps entry");

/* The op's private area, right after the symmetric op (where cryptodev
 * expects the IV: iv.offset counts from the start of the op). */
struct qat_pmd_op_priv {
	uint8_t iv[16];
	uint8_t aad[QAT_PMD_AAD_BUF];
	uint32_t slot;
};

#define QAT_PMD_PRIV_OFF (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))
#define QAT_PMD_IV_OFF (QAT_PMD_PRIV_OFF + offsetof(struct qat_pmd_op_priv, iv))
#define QAT_PMD_AAD_OFF (QAT_PMD_PRIV_OFF + offsetof(struct qat_pmd_op_priv, aad))
#define QAT_PMD_PROBE_SLOT UINT32_MAX

enum qat_pmd_slot_state {
	QAT_SLOT_FREE = 0,
	QAT_SLOT_BUSY,
	QAT_SLOT_ABANDONED, /* its request was completed at a failover */
};

struct qat_pmd_slot {
	struct rte_crypto_op *op;
	struct ce_request *req;
	uint64_t t_submit;
	uint8_t state;
	struct rte_mbuf *mb[2 * QAT_PMD_SEGS]; /* src segments, then dst */
};

struct qat_pmd_defer {
	struct ce_request *req;
	uint8_t reason;
};

struct qat_pmd_dev {
	uint8_t cdev_id;
	bool started;
	bool created_vdev;
	bool fault_enabled;
	bool dma_added;            /* regions get DMA-mapped to rdev */
	bool probe_gcm;            /* probe with AES-GCM known answer, else NULL cipher */
	bool oop_ok;
	bool oop_aead_ok;
	bool sgl_non_aead;         /* chained segments for cipher / hash / authenc */
	bool sgl_in_place;
	bool sgl_oop;
	uint32_t qp_depth;
	uint32_t small;
	uint32_t fail_threshold;
	uint32_t timeout_ms;
	uint32_t probe_ms;
	uint32_t max_sessions;
	char cdev_name[RTE_CRYPTODEV_NAME_MAX_LEN];
	char sw_drv[32];
	struct rte_device *rdev;
	struct rte_mempool *sess_pool;
	struct ce_pmd_dev *swdev;
	void *probe_sess;
	uint32_t fault_mode;       /* enum ce_pmd_qat_fault, atomic */
	uint32_t fault_arg;        /* atomic */
};

struct qat_pmd_qp {
	/* Data path, read mostly. */
	struct ce_pmd_qp *qp;
	struct qat_pmd_dev *d;
	struct ce_pmd_qp *swqp;
	struct qat_pmd_slot *slots;
	uint32_t *free;            /* stack of free slot indices */
	uint32_t nb_free;
	uint32_t nslots;
	uint32_t nb_busy;
	uint32_t nb_abandoned;
	uint16_t cdev_qp;
	uint8_t cdev_id;
	bool va_mode;
	bool down;
	bool probe_pending;
	uint32_t err_run;
	uint16_t enq_asked;        /* what the last enqueue burst asked the device for */
	uint64_t timeout_cyc;
	uint64_t probe_cyc;
	uint64_t check_cyc;
	uint64_t next_check;
	uint64_t next_probe;

	/* Taken software requests the software queue pair had no room for. */
	struct qat_pmd_defer *defer;
	uint32_t nb_defer;
	uint32_t defer_cap;

	/* Fault injector: withheld operations. */
	struct rte_crypto_op **stash;
	uint32_t nb_stash;

	struct rte_crypto_op *probe_op;
	struct rte_mbuf *probe_mb;
	uint8_t *probe_buf;        /* data then tag, DPDK memory */
	rte_iova_t probe_iova;

	struct rte_mempool *op_pool;
	struct rte_mempool *mb_pool;
	/* Never freed through: our mbufs go back with their pool, not one by one. */
	struct rte_mbuf_ext_shared_info shinfo;

	struct ce_pmd_qat_stats st; /* lcore-only writer, relaxed stores */
};

struct qat_pmd_sess {
	void *cs;                  /* cryptodev session, or NULL: software only */
	struct ce_session *sw;     /* software session, or NULL */
	const struct qat_pmd_alg_desc *desc;
	uint16_t dev_aad;          /* AAD length of the device session */
	uint16_t iv_copy;          /* IV bytes copied into the op (after the salt) */
	uint8_t salt[QAT_PMD_SALT];
	bool wipe;                 /* AEAD / authenc decrypt: wipe output on -EBADMSG */
	bool hash;                 /* no output buffer: input always intact */
};

#define QAT_STAT_ADD(q, field, n) \
	__atomic_store_n(&(q)->st.field, (q)->st.field + (n), __ATOMIC_RELAXED)

static bool qat_pmd_cdev_used[RTE_CRYPTO_MAX_DEVS];

static const char *const qat_pmd_fb_names[CE_QAT_FB_MAX] = {
	[CE_QAT_FB_SESSION] = "session",
	[CE_QAT_FB_SMALL] = "small",
	[CE_QAT_FB_EMPTY] = "empty",
	[CE_QAT_FB_TOO_LONG] = "too_long",
	[CE_QAT_FB_AAD] = "aad",
	[CE_QAT_FB_LAYOUT] = "layout",
	[CE_QAT_FB_CTR_WRAP] = "ctr_wrap",
	[CE_QAT_FB_IOVA] = "iova",
	[CE_QAT_FB_DOWN] = "down",
	[CE_QAT_FB_DEV_ERROR] = "dev_error",
	[CE_QAT_FB_FAILOVER] = "failover",
};

const char *
ce_pmd_qat_fb_reason_name(unsigned int reason)
{
	return reason < CE_QAT_FB_MAX ? qat_pmd_fb_names[reason] : "?";
}

static struct ce_pmd_driver qat_pmd_driver;

/* ---------------------------------------------------------------- args */

static int
qat_pmd_parse_u32(const char *key, const char *val, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(val, &end, 0);
	if (errno != 0 || end == val || *end != '\0' || v > UINT32_MAX) {
		fprintf(stderr, "cryptodev: bad value for %s: '%s'\n", key, val);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int
qat_pmd_parse_args(struct qat_pmd_dev *d, const char *args, char *dev, size_t dev_sz,
		   char *drv, size_t drv_sz)
{
	char buf[512], *save = NULL, *tok;
	uint32_t v;
	int ret = 0;

	d->qp_depth = QAT_PMD_DEFAULT_DEPTH;
	d->small = 0;
	d->fail_threshold = 8;
	d->timeout_ms = 100;
	d->probe_ms = 50;
	d->max_sessions = 2048;
	snprintf(d->sw_drv, sizeof(d->sw_drv), "ipsecmb");
	snprintf(drv, drv_sz, "crypto_qat");
	dev[0] = '\0';
	if (args == NULL)
		return 0;
	if (snprintf(buf, sizeof(buf), "%s", args) >= (int)sizeof(buf)) {
		fprintf(stderr, "cryptodev: args too long\n");
		return -EINVAL;
	}
	for (tok = strtok_r(buf, ",", &save); tok != NULL && ret == 0;
	     tok = strtok_r(NULL, ",", &save)) {
		char *val = strchr(tok, '=');

		if (val == NULL) {
			fprintf(stderr, "cryptodev: arg '%s' is not key=value\n", tok);
			return -EINVAL;
		}
		*val++ = '\0';
		if (strcmp(tok, "dev") == 0) {
			snprintf(dev, dev_sz, "%s", val);
		} else if (strcmp(tok, "driver") == 0) {
			snprintf(drv, drv_sz, "%s", val);
		} else if (strcmp(tok, "sw") == 0) {
			snprintf(d->sw_drv, sizeof(d->sw_drv), "%s", val);
		} else if (strcmp(tok, "qp_depth") == 0) {
			ret = qat_pmd_parse_u32(tok, val, &v);
			if (ret == 0 && (v < 2 || v > 32768 || !rte_is_power_of_2(v))) {
				fprintf(stderr, "cryptodev: qp_depth must be a power of two "
					"in 2..32768\n");
				ret = -EINVAL;
			}
			d->qp_depth = v;
		} else if (strcmp(tok, "small_to_sw") == 0) {
			ret = qat_pmd_parse_u32(tok, val, &d->small);
		} else if (strcmp(tok, "fail_threshold") == 0) {
			ret = qat_pmd_parse_u32(tok, val, &d->fail_threshold);
		} else if (strcmp(tok, "timeout_ms") == 0) {
			ret = qat_pmd_parse_u32(tok, val, &d->timeout_ms);
		} else if (strcmp(tok, "probe_ms") == 0) {
			ret = qat_pmd_parse_u32(tok, val, &d->probe_ms);
		} else if (strcmp(tok, "max_sessions") == 0) {
			ret = qat_pmd_parse_u32(tok, val, &d->max_sessions);
		} else if (strcmp(tok, "fault_inject") == 0) {
			ret = qat_pmd_parse_u32(tok, val, &v);
			d->fault_enabled = v != 0;
		} else {
			fprintf(stderr, "cryptodev: unknown arg '%s'\n", tok);
			ret = -EINVAL;
		}
	}
	if (ret == 0 && (d->timeout_ms == 0 || d->probe_ms == 0)) {
		fprintf(stderr, "cryptodev: timeout_ms and probe_ms must be > 0\n");
		ret = -EINVAL;
	}
	return ret;
}

/* ------------------------------------------------------------ device */

/* The cryptodev to drive: by name (creating a crypto_* vdev on demand), or
 * the first unused device of a driver. */
static int
qat_pmd_find_cdev(struct qat_pmd_dev *d, const char *name, const char *drv)
{
	int id;

	if (name[0] != '\0') {
		id = rte_cryptodev_get_dev_id(name);
		if (id < 0 && strncmp(name, "crypto_", 7) == 0) {
			if (rte_vdev_init(name, NULL) == 0) {
				d->created_vdev = true;
				id = rte_cryptodev_get_dev_id(name);
			}
		}
		if (id < 0) {
			fprintf(stderr, "cryptodev: no cryptodev '%s' (QAT: VF bound to "
				"vfio-pci and allowed with -a? vdev: --vdev?)\n", name);
			return -ENODEV;
		}
		if (qat_pmd_cdev_used[id]) {
			fprintf(stderr, "cryptodev: '%s' is already in use\n", name);
			return -EBUSY;
		}
		return id;
	}
	for (id = 0; id < RTE_CRYPTO_MAX_DEVS; id++) {
		struct rte_cryptodev_info info;

		if (!rte_cryptodev_is_valid_dev(id) || qat_pmd_cdev_used[id])
			continue;
		rte_cryptodev_info_get(id, &info);
		if (info.driver_name != NULL && strcmp(info.driver_name, drv) == 0)
			return id;
	}
	fprintf(stderr, "cryptodev: no free device of driver '%s' (QAT: scripts/bind-qat.sh, "
		"then allow the VFs with -a)\n", drv);
	return -ENODEV;
}

static const uint8_t qat_pmd_probe_ct[QAT_PMD_PROBE_LEN] = {
	0x03, 0x88, 0xda, 0xce, 0x60, 0xb6, 0xa3, 0x92,
	0xf3, 0x28, 0xc2, 0xb9, 0x71, 0xb2, 0xfe, 0x78,
};
static const uint8_t qat_pmd_probe_tag[16] = {
	0xab, 0x6e, 0x47, 0xd4, 0x2c, 0xec, 0x13, 0xbd,
	0xf5, 0x3a, 0x67, 0xb2, 0x12, 0x57, 0xbd, 0xdf,
};

/* The probe session: AES-128-GCM with a zero key (GCM spec test case 2) when
 * the device has it, else the NULL cipher (the status alone then). */
static int
qat_pmd_probe_session(struct qat_pmd_dev *d)
{
	static const uint8_t zero_key[16];
	struct rte_cryptodev_sym_capability_idx idx = {
		.type = RTE_CRYPTO_SYM_XFORM_AEAD, .algo.aead = RTE_CRYPTO_AEAD_AES_GCM,
	};
	const struct rte_cryptodev_symmetric_capability *cap;
	struct rte_crypto_sym_xform x;

	memset(&x, 0, sizeof(x));
	cap = rte_cryptodev_sym_capability_get(d->cdev_id, &idx);
	if (cap != NULL && rte_cryptodev_sym_capability_check_aead(cap, 16, 16, 0, 12) == 0) {
		x.type = RTE_CRYPTO_SYM_XFORM_AEAD;
		x.aead.op = RTE_CRYPTO_AEAD_OP_ENCRYPT;
		x.aead.algo = RTE_CRYPTO_AEAD_AES_GCM;
		x.aead.key.data = zero_key;
		x.aead.key.length = 16;
		x.aead.iv.offset = QAT_PMD_IV_OFF;
		x.aead.iv.length = 12;
		x.aead.digest_length = 16;
		d->probe_gcm = true;
	} else {
		x.type = RTE_CRYPTO_SYM_XFORM_CIPHER;
		x.cipher.op = RTE_CRYPTO_CIPHER_OP_ENCRYPT;
		x.cipher.algo = RTE_CRYPTO_CIPHER_NULL;
		x.cipher.iv.offset = QAT_PMD_IV_OFF;
	}
	d->probe_sess = rte_cryptodev_sym_session_create(d->cdev_id, &x, d->sess_pool);
	if (d->probe_sess == NULL) {
		fprintf(stderr, "cryptodev: %s: no probe session (neither AES-GCM nor NULL): "
			"a queue pair marked down will stay down\n", d->cdev_name);
		return -ENOTSUP;
	}
	return 0;
}

static void qat_pmd_dev_close(struct ce_pmd_dev *dev);

static int
qat_pmd_dev_configure(struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg)
{
	struct qat_pmd_dev *d = dev->priv;
	struct rte_cryptodev_config conf = {
		.socket_id = cfg->socket_id,
		.nb_queue_pairs = cfg->nb_qps,
		.ff_disable = RTE_CRYPTODEV_FF_ASYMMETRIC_CRYPTO | RTE_CRYPTODEV_FF_SECURITY,
	};
	struct rte_cryptodev_qp_conf qp_conf;
	struct rte_cryptodev_info info;
	char name[RTE_MEMPOOL_NAMESIZE], want_dev[RTE_CRYPTODEV_NAME_MAX_LEN], want_drv[64];
	int id, ret;

	ret = qat_pmd_parse_args(d, cfg->args, want_dev, sizeof(want_dev), want_drv,
				 sizeof(want_drv));
	if (ret < 0)
		return ret;
	id = qat_pmd_find_cdev(d, want_dev, want_drv);
	if (id < 0)
		return id;
	d->cdev_id = (uint8_t)id;
	qat_pmd_cdev_used[id] = true;
	snprintf(d->cdev_name, sizeof(d->cdev_name), "%s", rte_cryptodev_name_get(d->cdev_id));
	rte_cryptodev_info_get(d->cdev_id, &info);
	d->rdev = info.device;
	if (cfg->nb_qps > info.max_nb_queue_pairs) {
		fprintf(stderr, "cryptodev: %s has %u queue pairs, %u asked\n", d->cdev_name,
			info.max_nb_queue_pairs, cfg->nb_qps);
		ret = -EINVAL;
		goto fail;
	}
	d->oop_ok = (info.feature_flags & RTE_CRYPTODEV_FF_OOP_LB_IN_LB_OUT) != 0;
	d->oop_aead_ok = d->oop_ok;
	/* crypto_aesni_mb (22.11) linearises chained mbufs itself for everything
	 * but GCM/ChaCha, and that path is unverified here (the ipsecmb oracle
	 * is itself wrong at 65536 bytes of cbc(aes)): only AEAD requests over
	 * 65535 bytes go to it chained, the rest to software. */
	d->sgl_non_aead = strcmp(info.driver_name, "crypto_aesni_mb") != 0;
	d->sgl_in_place = (info.feature_flags & RTE_CRYPTODEV_FF_IN_PLACE_SGL) != 0;
	d->sgl_oop = (info.feature_flags & RTE_CRYPTODEV_FF_OOP_SGL_IN_SGL_OUT) != 0;
	if (rte_eal_iova_mode() != RTE_IOVA_VA && info.driver_name != NULL &&
	    strstr(info.driver_name, "qat") != NULL)
		fprintf(stderr, "cryptodev: %s: EAL runs IOVA-as-PA; client regions need "
			"per-page IOVA tables (ce_pmd_qat_region_register) — prefer VFIO "
			"with an IOMMU (IOVA-as-VA)\n", d->cdev_name);

	snprintf(name, sizeof(name), "ceqs_%u", d->cdev_id);
	d->sess_pool = rte_cryptodev_sym_session_pool_create(name, d->max_sessions + 1,
			rte_cryptodev_sym_get_private_session_size(d->cdev_id), 0, 0,
			cfg->socket_id);
	if (d->sess_pool == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = rte_cryptodev_configure(d->cdev_id, &conf);
	if (ret < 0)
		goto fail;
	memset(&qp_conf, 0, sizeof(qp_conf));
	qp_conf.nb_descriptors = d->qp_depth;
	qp_conf.mp_session = d->sess_pool;
	for (uint16_t i = 0; i < cfg->nb_qps; i++) {
		ret = rte_cryptodev_queue_pair_setup(d->cdev_id, i, &qp_conf, cfg->socket_id);
		if (ret < 0) {
			fprintf(stderr, "cryptodev: %s: queue pair %u setup: %d\n", d->cdev_name,
				i, ret);
			goto fail;
		}
	}
	ret = rte_cryptodev_start(d->cdev_id);
	if (ret < 0)
		goto fail;
	d->started = true;
	ret = qat_pmd_dma_dev_add(d->rdev);
	if (ret < 0)
		goto fail;
	d->dma_added = true;
	(void)qat_pmd_probe_session(d);
	if (strcmp(d->sw_drv, "none") != 0) {
		struct ce_pmd_dev_config swcfg = {
			.nb_qps = cfg->nb_qps, .socket_id = cfg->socket_id, .args = NULL,
		};
		char swname[sizeof(dev->name)];

		/* ce_pmd_dev.name is 32 bytes: a short name is fine, it is ours. */
		snprintf(swname, sizeof(swname), "cdev%u-sw", d->cdev_id);
		d->swdev = ce_pmd_dev_create(d->sw_drv, swname, &swcfg);
		if (d->swdev == NULL) {
			ret = -errno;
			fprintf(stderr, "cryptodev: software fallback '%s': %s (sw=none runs "
				"without one)\n", d->sw_drv, strerror(errno));
			goto fail;
		}
	}
	return 0;

fail:
	qat_pmd_dev_close(dev);
	return ret < 0 ? ret : -EIO;
}

static void
qat_pmd_dev_close(struct ce_pmd_dev *dev)
{
	struct qat_pmd_dev *d = dev->priv;

	if (d->swdev != NULL) {
		ce_pmd_dev_destroy(d->swdev);
		d->swdev = NULL;
	}
	if (d->dma_added) {
		qat_pmd_dma_dev_remove(d->rdev);
		d->dma_added = false;
	}
	if (d->probe_sess != NULL) {
		rte_cryptodev_sym_session_free(d->cdev_id, d->probe_sess);
		d->probe_sess = NULL;
	}
	if (d->started) {
		rte_cryptodev_stop(d->cdev_id);
		d->started = false;
	}
	if (rte_cryptodev_is_valid_dev(d->cdev_id) && qat_pmd_cdev_used[d->cdev_id])
		rte_cryptodev_close(d->cdev_id);
	rte_mempool_free(d->sess_pool);
	d->sess_pool = NULL;
	if (d->created_vdev) {
		rte_vdev_uninit(d->cdev_name);
		d->created_vdev = false;
	}
	qat_pmd_cdev_used[d->cdev_id] = false;
}

/* ------------------------------------------------------------ qp */

static void qat_pmd_sw_finalize(void *ctx, struct ce_request *req, int status);

/* Point an mbuf (already external, ours) at a client buffer. What
 * rte_pktmbuf_attach_extbuf does, without its "must be direct" precondition:
 * the mbuf stays attached to our shinfo for its whole life. */
static inline void
qat_pmd_mbuf_point(struct rte_mbuf *m, uint8_t *addr, rte_iova_t iova, uint16_t len)
{
	m->buf_addr = addr;
	rte_mbuf_iova_set(m, iova);
	m->buf_len = len;
	m->data_off = 0;
	m->data_len = len;
	m->next = NULL;
	m->nb_segs = 1;
	m->pkt_len = len;
}

static void
qat_pmd_extbuf_free(void *addr, void *opaque)
{
	/* Never called: the refcount never drops (mbufs leave with their pool). */
	RTE_SET_USED(addr);
	RTE_SET_USED(opaque);
}

static void
qat_pmd_qp_release(struct ce_pmd_qp *qp)
{
	struct qat_pmd_qp *q = qp->priv;

	rte_free(q->slots);
	rte_free(q->free);
	rte_free(q->defer);
	rte_free(q->stash);
	rte_free(q->probe_buf);
	/* Ops and mbufs were taken once at setup; they go with their pools. */
	rte_mempool_free(q->op_pool);
	rte_mempool_free(q->mb_pool);
	memset(q, 0, sizeof(*q));
}

static int
qat_pmd_attach(struct qat_pmd_qp *q, struct rte_mbuf **mb, unsigned int n)
{
	static uint8_t dummy[1];

	if (rte_pktmbuf_alloc_bulk(q->mb_pool, mb, n) < 0)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++)
		rte_pktmbuf_attach_extbuf(mb[i], dummy, 0, 0, &q->shinfo);
	return 0;
}

static int
qat_pmd_qp_setup(struct ce_pmd_qp *qp)
{
	struct qat_pmd_dev *d = qp->dev->priv;
	struct qat_pmd_qp *q = qp->priv;
	int socket = qp->dev->socket_id;
	char name[RTE_MEMPOOL_NAMESIZE];
	uint32_t n;
	int ret = -ENOMEM;

	q->qp = qp;
	q->d = d;
	q->cdev_id = d->cdev_id;
	q->cdev_qp = qp->id;
	q->nslots = d->qp_depth;
	q->va_mode = rte_eal_iova_mode() == RTE_IOVA_VA;
	q->timeout_cyc = rte_get_tsc_hz() / 1000 * d->timeout_ms;
	q->probe_cyc = rte_get_tsc_hz() / 1000 * d->probe_ms;
	q->check_cyc = RTE_MAX(q->timeout_cyc / 4, (uint64_t)1);
	q->defer_cap = q->nslots + QAT_PMD_MAX_BATCH;
	q->shinfo.free_cb = qat_pmd_extbuf_free;
	q->shinfo.fcb_opaque = q;
	rte_mbuf_ext_refcnt_set(&q->shinfo, 1);

	n = q->nslots + 1; /* + the probe */
	snprintf(name, sizeof(name), "ceqo_%u_%u", d->cdev_id, qp->id);
	q->op_pool = rte_crypto_op_pool_create(name, RTE_CRYPTO_OP_TYPE_SYMMETRIC, n, 0,
					       sizeof(struct qat_pmd_op_priv), socket);
	snprintf(name, sizeof(name), "ceqm_%u_%u", d->cdev_id, qp->id);
	q->mb_pool = rte_pktmbuf_pool_create(name, n * 2 * QAT_PMD_SEGS, 0, 0, 0, socket);
	q->slots = rte_zmalloc_socket("qat_slots", sizeof(*q->slots) * q->nslots,
				      RTE_CACHE_LINE_SIZE, socket);
	q->free = rte_malloc_socket("qat_free", sizeof(*q->free) * q->nslots, 0, socket);
	q->defer = rte_malloc_socket("qat_defer", sizeof(*q->defer) * q->defer_cap, 0, socket);
	q->stash = rte_malloc_socket("qat_stash", sizeof(*q->stash) * n, 0, socket);
	q->probe_buf = rte_zmalloc_socket("qat_probe", 64, 64, socket);
	if (q->op_pool == NULL || q->mb_pool == NULL || q->slots == NULL || q->free == NULL ||
	    q->defer == NULL || q->stash == NULL || q->probe_buf == NULL)
		goto fail;
	for (uint32_t i = 0; i < q->nslots; i++) {
		struct qat_pmd_slot *s = &q->slots[i];

		if (rte_crypto_op_bulk_alloc(q->op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC,
					     &s->op, 1) != 1)
			goto fail;
		rte_crypto_op_ctod_offset(s->op, struct qat_pmd_op_priv *,
					  QAT_PMD_PRIV_OFF)->slot = i;
		if (qat_pmd_attach(q, s->mb, RTE_DIM(s->mb)) < 0)
			goto fail;
		q->free[q->nb_free++] = q->nslots - 1 - i;
	}
	q->probe_iova = rte_malloc_virt2iova(q->probe_buf);
	if (rte_crypto_op_bulk_alloc(q->op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC,
				     &q->probe_op, 1) != 1 ||
	    qat_pmd_attach(q, &q->probe_mb, 1) < 0)
		goto fail;
	rte_crypto_op_ctod_offset(q->probe_op, struct qat_pmd_op_priv *,
				  QAT_PMD_PRIV_OFF)->slot = QAT_PMD_PROBE_SLOT;
	if (d->swdev != NULL) {
		q->swqp = d->swdev->qps[qp->id];
		q->swqp->finalize = qat_pmd_sw_finalize;
		q->swqp->finalize_ctx = qp;
	}
	return 0;
fail:
	qat_pmd_qp_release(qp);
	return ret;
}

/* ------------------------------------------------------------ sessions */

static int
qat_pmd_cap_ok(uint8_t cdev, const struct rte_crypto_sym_xform *x)
{
	struct rte_cryptodev_sym_capability_idx idx = { .type = x->type };
	const struct rte_cryptodev_symmetric_capability *cap;

	switch (x->type) {
	case RTE_CRYPTO_SYM_XFORM_AEAD:
		idx.algo.aead = x->aead.algo;
		cap = rte_cryptodev_sym_capability_get(cdev, &idx);
		return cap != NULL && rte_cryptodev_sym_capability_check_aead(cap,
			x->aead.key.length, x->aead.digest_length, x->aead.aad_length,
			x->aead.iv.length) == 0;
	case RTE_CRYPTO_SYM_XFORM_CIPHER:
		idx.algo.cipher = x->cipher.algo;
		cap = rte_cryptodev_sym_capability_get(cdev, &idx);
		return cap != NULL && rte_cryptodev_sym_capability_check_cipher(cap,
			x->cipher.key.length, x->cipher.iv.length) == 0;
	case RTE_CRYPTO_SYM_XFORM_AUTH:
		idx.algo.auth = x->auth.algo;
		cap = rte_cryptodev_sym_capability_get(cdev, &idx);
		return cap != NULL && rte_cryptodev_sym_capability_check_auth(cap,
			x->auth.key.length, x->auth.digest_length, x->auth.iv.length) == 0;
	default:
		return 0;
	}
}

/* Build the device session, if the device can run these parameters. */
static void *
qat_pmd_dev_session(struct qat_pmd_dev *d, struct qat_pmd_sess *s,
		    const struct ce_pmd_session_params *p)
{
	const struct qat_pmd_alg_desc *desc = s->desc;
	struct rte_crypto_sym_xform x[2], *first = &x[0];
	bool enc = p->op == CE_OP_ENCRYPT || p->op == CE_OP_DIGEST;
	const uint8_t *key = p->key;
	uint16_t klen = p->key_len;

	memset(x, 0, sizeof(x));
	switch (desc->kind) {
	case QAT_PMD_AEAD:
		klen -= desc->salt;
		memcpy(s->salt, key + klen, desc->salt);
		/* The AAD is copied into the op, padded to 16: it must fit. */
		if (p->aad_len > QAT_PMD_AAD_BUF)
			return NULL;
		x[0].type = RTE_CRYPTO_SYM_XFORM_AEAD;
		x[0].aead.op = enc ? RTE_CRYPTO_AEAD_OP_ENCRYPT : RTE_CRYPTO_AEAD_OP_DECRYPT;
		x[0].aead.algo = desc->aead;
		x[0].aead.key.data = key;
		x[0].aead.key.length = klen;
		x[0].aead.iv.offset = QAT_PMD_IV_OFF;
		x[0].aead.iv.length = desc->salt ? desc->salt + p->iv_len : p->iv_len;
		x[0].aead.digest_length = p->digest_len;
		x[0].aead.aad_length = p->aad_len;
		break;
	case QAT_PMD_CIPHER:
		x[0].type = RTE_CRYPTO_SYM_XFORM_CIPHER;
		x[0].cipher.op = enc ? RTE_CRYPTO_CIPHER_OP_ENCRYPT : RTE_CRYPTO_CIPHER_OP_DECRYPT;
		x[0].cipher.algo = desc->cipher;
		x[0].cipher.key.data = key;
		x[0].cipher.key.length = klen;
		x[0].cipher.iv.offset = QAT_PMD_IV_OFF;
		x[0].cipher.iv.length = p->iv_len;
		break;
	case QAT_PMD_AUTH:
		x[0].type = RTE_CRYPTO_SYM_XFORM_AUTH;
		x[0].auth.op = enc ? RTE_CRYPTO_AUTH_OP_GENERATE : RTE_CRYPTO_AUTH_OP_VERIFY;
		x[0].auth.algo = desc->auth;
		x[0].auth.key.data = desc->keyed ? key : NULL;
		x[0].auth.key.length = desc->keyed ? klen : 0;
		x[0].auth.digest_length = p->digest_len;
		break;
	case QAT_PMD_CHAIN: {
		struct rte_crypto_sym_xform *c, *a;

		if (klen < desc->auth_key)
			return NULL;
		/* Encrypt then MAC; verify the MAC then decrypt. */
		c = enc ? &x[0] : &x[1];
		a = enc ? &x[1] : &x[0];
		first = &x[0];
		x[0].next = &x[1];
		c->type = RTE_CRYPTO_SYM_XFORM_CIPHER;
		c->cipher.op = enc ? RTE_CRYPTO_CIPHER_OP_ENCRYPT : RTE_CRYPTO_CIPHER_OP_DECRYPT;
		c->cipher.algo = desc->cipher;
		c->cipher.key.data = key + desc->auth_key;
		c->cipher.key.length = klen - desc->auth_key;
		c->cipher.iv.offset = QAT_PMD_IV_OFF;
		c->cipher.iv.length = p->iv_len;
		a->type = RTE_CRYPTO_SYM_XFORM_AUTH;
		a->auth.op = enc ? RTE_CRYPTO_AUTH_OP_GENERATE : RTE_CRYPTO_AUTH_OP_VERIFY;
		a->auth.algo = desc->auth;
		a->auth.key.data = key;
		a->auth.key.length = desc->auth_key;
		a->auth.digest_length = p->digest_len;
		if (!qat_pmd_cap_ok(d->cdev_id, &x[1]))
			return NULL;
		break;
	}
	default:
		return NULL;
	}
	if (!qat_pmd_cap_ok(d->cdev_id, &x[0]))
		return NULL;
	return rte_cryptodev_sym_session_create(d->cdev_id, first, d->sess_pool);
}

static int
qat_pmd_session_create(struct ce_pmd_dev *dev, struct ce_session *sess,
		       const struct ce_pmd_session_params *params)
{
	struct qat_pmd_dev *d = dev->priv;
	struct qat_pmd_sess *s = sess->priv;
	unsigned int i = (unsigned int)(sess->alg - qat_pmd_caps);

	if (i >= RTE_DIM(qat_pmd_caps))
		return -EINVAL;
	s->desc = &qat_pmd_descs[i];
	s->hash = s->desc->kind == QAT_PMD_AUTH;
	s->wipe = params->op == CE_OP_DECRYPT &&
		  (s->desc->kind == QAT_PMD_AEAD || s->desc->kind == QAT_PMD_CHAIN);
	s->dev_aad = params->aad_len;
	s->iv_copy = params->iv_len;
	if (d->swdev != NULL) {
		struct ce_pmd_session_params swp = *params;

		swp.driver = NULL;
		s->sw = ce_pmd_session_create(d->swdev, &swp, NULL);
		/* The software backend is the reference for what the kernel's
		 * algorithm allows: sizes it refuses are refused here too. */
		if (s->sw == NULL && errno != ENOENT)
			return -errno;
	}
	s->cs = qat_pmd_dev_session(d, s, params);
	if (s->cs == NULL && s->sw == NULL)
		return -ENOTSUP;
	return 0;
}

static void
qat_pmd_session_destroy(struct ce_pmd_dev *dev, struct ce_session *sess)
{
	struct qat_pmd_dev *d = dev->priv;
	struct qat_pmd_sess *s = sess->priv;

	if (s->cs != NULL)
		rte_cryptodev_sym_session_free(d->cdev_id, s->cs);
	ce_pmd_session_destroy(s->sw);
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------ fast path */

static inline uint32_t
qat_pmd_slot_get(struct qat_pmd_qp *q)
{
	return likely(q->nb_free != 0) ? q->free[--q->nb_free] : UINT32_MAX;
}

static inline void
qat_pmd_slot_put(struct qat_pmd_qp *q, uint32_t i)
{
	q->slots[i].state = QAT_SLOT_FREE;
	q->free[q->nb_free++] = i;
}

/* Software path: the software session runs it on our software queue pair,
 * whose completions qat_pmd_sw_finalize forwards to ours. */
static inline int
qat_pmd_sw_start(struct qat_pmd_qp *q, struct ce_request *req, unsigned int reason)
{
	const struct qat_pmd_sess *s = req->active->priv;
	int ret;

	if (unlikely(s->sw == NULL || q->swqp == NULL)) {
		/* ecb(cipher_null) has no software backend: it is a copy
		 * (crypto_null cannot work out of place). */
		if (s->desc->kind == QAT_PMD_CIPHER && s->desc->cipher == RTE_CRYPTO_CIPHER_NULL) {
			if (req->dst != req->src && req->len != 0)
				memmove(req->dst, req->src, req->len);
			QAT_STAT_ADD(q, fb[reason], 1);
			ce_pmd_complete(q->qp, req, 0);
			return -EINPROGRESS;
		}
		return -ENOTSUP;
	}
	req->active = s->sw;
	ret = q->swqp->dev->drv->fast->do_one_request(q->swqp, req);
	if (unlikely(ret != -EINPROGRESS)) {
		req->active = req->sess;
		return ret;
	}
	QAT_STAT_ADD(q, fb[reason], 1);
	return ret;
}

static void
qat_pmd_sw_finalize(void *ctx, struct ce_request *req, int status)
{
	struct ce_pmd_qp *qp = ctx;

	/* The engine knows the request by its own session. */
	req->active = req->sess;
	ce_pmd_complete(qp, req, status);
}

/* A request we took but cannot start in software now (software queue full):
 * kept and started from poll. Bounded: see defer_cap. */
static inline void
qat_pmd_defer(struct qat_pmd_qp *q, struct ce_request *req, unsigned int reason)
{
	q->defer[q->nb_defer].req = req;
	q->defer[q->nb_defer].reason = (uint8_t)reason;
	q->nb_defer++;
}

/* Start a taken request in software; a refusal is deferred, an error completes it. */
static inline void
qat_pmd_sw_taken(struct qat_pmd_qp *q, struct ce_request *req, unsigned int reason)
{
	int ret = qat_pmd_sw_start(q, req, reason);

	if (likely(ret == -EINPROGRESS))
		return;
	if (ret == -ENOSPC)
		qat_pmd_defer(q, req, reason);
	else
		ce_pmd_complete(q->qp, req, ret);
}

/* @return true when nothing is left deferred. */
static inline bool
qat_pmd_defer_flush(struct qat_pmd_qp *q)
{
	uint32_t i = 0;

	while (i < q->nb_defer) {
		struct ce_request *req = q->defer[i].req;
		int ret = qat_pmd_sw_start(q, req, q->defer[i].reason);

		if (ret == -ENOSPC)
			break;
		if (ret != -EINPROGRESS)
			ce_pmd_complete(q->qp, req, ret);
		i++;
	}
	if (i != 0) {
		memmove(q->defer, q->defer + i, (q->nb_defer - i) * sizeof(q->defer[0]));
		q->nb_defer -= i;
	}
	return q->nb_defer == 0;
}

#define QAT_PMD_DEVICE CE_QAT_FB_MAX /* "not a fallback": runs on the device */

static inline bool
qat_pmd_overlap(const struct ce_request *req)
{
	uintptr_t s = (uintptr_t)req->src, d = (uintptr_t)req->dst;

	return s < d + req->len && d < s + req->len;
}

/* Where a valid request runs: QAT_PMD_DEVICE or a fallback reason. */
static inline unsigned int
qat_pmd_classify(const struct qat_pmd_qp *q, const struct qat_pmd_sess *s,
		 const struct ce_request *req)
{
	const struct qat_pmd_alg_desc *desc = s->desc;
	bool oop = !s->hash && req->dst != req->src;
	uint32_t total = req->len;

	if (unlikely(s->cs == NULL))
		return CE_QAT_FB_SESSION;
	if (unlikely(q->down))
		return CE_QAT_FB_DOWN;
	if (unlikely(req->len == 0))
		return CE_QAT_FB_EMPTY;
	if (req->len < q->d->small)
		return CE_QAT_FB_SMALL;
	if (oop && (!q->d->oop_ok || qat_pmd_overlap(req)))
		return CE_QAT_FB_LAYOUT;
	switch (desc->kind) {
	case QAT_PMD_AEAD:
		/* cryptodev fixes the AAD length per session. */
		if (req->aad_len != s->dev_aad)
			return CE_QAT_FB_AAD;
		if (oop && !q->d->oop_aead_ok)
			return CE_QAT_FB_LAYOUT;
		break;
	case QAT_PMD_CHAIN:
		/* The MAC covers aad || ciphertext: one buffer, in place. */
		if (req->aad_len != s->dev_aad)
			return CE_QAT_FB_AAD;
		if (oop || (req->aad_len != 0 && req->aad + req->aad_len != req->src))
			return CE_QAT_FB_LAYOUT;
		total += req->aad_len;
		break;
	case QAT_PMD_CIPHER:
		if (desc->ctr) {
			/* Devices (and ipsec-mb behind crypto_aesni_mb) count in the
			 * low 32 bits; the kernel carries through all 128. */
			uint32_t ctr = rte_be_to_cpu_32(*(const unaligned_uint32_t *)
							(req->iv + 12));
			uint64_t blocks = (req->len + 15u) / 16u;

			if ((uint64_t)ctr + blocks - 1 > UINT32_MAX)
				return CE_QAT_FB_CTR_WRAP;
		}
		break;
	default:
		break;
	}
	if (total > UINT16_MAX && (!(oop ? q->d->sgl_oop : q->d->sgl_in_place) ||
				   (desc->kind != QAT_PMD_AEAD && !q->d->sgl_non_aead)))
		return CE_QAT_FB_TOO_LONG;
	return QAT_PMD_DEVICE;
}

/* Chain mbufs over [addr, addr + len): one segment up to 65535 bytes, else
 * QAT_PMD_SEG_LEN pieces. @return false when a piece has no IOVA. */
static inline bool
qat_pmd_mbuf_chain(const struct qat_pmd_qp *q, struct rte_mbuf **mb, uint8_t *addr,
		   uint32_t len)
{
	uint32_t seg = len <= UINT16_MAX ? len : QAT_PMD_SEG_LEN;
	uint16_t n = 0;
	uint32_t off = 0;

	do {
		uint32_t l = RTE_MIN(seg, len - off);
		rte_iova_t iova = qat_pmd_iova(addr + off, l, q->va_mode);

		if (unlikely(iova == RTE_BAD_IOVA))
			return false;
		qat_pmd_mbuf_point(mb[n], addr + off, iova, (uint16_t)l);
		if (n != 0)
			mb[n - 1]->next = mb[n];
		n++;
		off += l;
	} while (off < len);
	mb[0]->nb_segs = n;
	mb[0]->pkt_len = len;
	return true;
}

/* Fill a slot's op for req. @return QAT_PMD_DEVICE, or CE_QAT_FB_IOVA. */
static inline unsigned int
qat_pmd_build(struct qat_pmd_qp *q, const struct qat_pmd_sess *s, struct ce_request *req,
	      struct qat_pmd_slot *slot)
{
	struct rte_crypto_op *op = slot->op;
	struct qat_pmd_op_priv *p = rte_crypto_op_ctod_offset(op, struct qat_pmd_op_priv *,
							      QAT_PMD_PRIV_OFF);
	struct rte_crypto_sym_op *sym = op->sym;
	const struct qat_pmd_alg_desc *desc = s->desc;
	bool oop = !s->hash && req->dst != req->src;
	rte_iova_t dig = 0;

	op->status = RTE_CRYPTO_OP_STATUS_NOT_PROCESSED;
	rte_crypto_op_attach_sym_session(op, s->cs);
	if (desc->kind == QAT_PMD_CHAIN) {
		if (!qat_pmd_mbuf_chain(q, slot->mb, req->src - req->aad_len,
					req->len + req->aad_len))
			return CE_QAT_FB_IOVA;
	} else if (!qat_pmd_mbuf_chain(q, slot->mb, req->src, req->len)) {
		return CE_QAT_FB_IOVA;
	}
	sym->m_src = slot->mb[0];
	sym->m_dst = NULL;
	if (oop) {
		if (!qat_pmd_mbuf_chain(q, slot->mb + QAT_PMD_SEGS, req->dst, req->len))
			return CE_QAT_FB_IOVA;
		sym->m_dst = slot->mb[QAT_PMD_SEGS];
	}
	if (req->sess->digest_len != 0) {
		dig = qat_pmd_iova(req->digest, req->sess->digest_len, q->va_mode);
		if (unlikely(dig == RTE_BAD_IOVA))
			return CE_QAT_FB_IOVA;
	}
	if (s->iv_copy != 0) {
		memcpy(p->iv, s->salt, desc->salt);
		memcpy(p->iv + desc->salt, req->iv, s->iv_copy);
	}
	switch (desc->kind) {
	case QAT_PMD_AEAD:
		sym->aead.data.offset = 0;
		sym->aead.data.length = req->len;
		sym->aead.digest.data = req->digest;
		sym->aead.digest.phys_addr = dig;
		if (req->aad_len != 0) {
			/* Our copy: the device may read up to the next 16 multiple. */
			uint32_t padded = RTE_ALIGN_CEIL(req->aad_len, 16u);

			memcpy(p->aad, req->aad, req->aad_len);
			memset(p->aad + req->aad_len, 0, padded - req->aad_len);
		}
		sym->aead.aad.data = p->aad;
		sym->aead.aad.phys_addr = rte_crypto_op_ctophys_offset(op, QAT_PMD_AAD_OFF);
		break;
	case QAT_PMD_CIPHER:
		sym->cipher.data.offset = 0;
		sym->cipher.data.length = req->len;
		/* Unused, but crypto_aesni_mb reads them for an out-of-place op
		 * (to copy the authenticated-only head): a stale value from this
		 * op's previous use made it copy garbage lengths. */
		sym->auth.data.offset = 0;
		sym->auth.data.length = 0;
		sym->auth.digest.data = NULL;
		sym->auth.digest.phys_addr = 0;
		break;
	case QAT_PMD_AUTH:
		sym->auth.data.offset = 0;
		sym->auth.data.length = req->len;
		sym->auth.digest.data = req->digest;
		sym->auth.digest.phys_addr = dig;
		break;
	case QAT_PMD_CHAIN:
		sym->cipher.data.offset = req->aad_len;
		sym->cipher.data.length = req->len;
		sym->auth.data.offset = 0;
		sym->auth.data.length = req->len + req->aad_len;
		sym->auth.digest.data = req->digest;
		sym->auth.digest.phys_addr = dig;
		break;
	default:
		break;
	}
	slot->req = req;
	return QAT_PMD_DEVICE;
}

/* The fault injector sits here, enabled only by fault_inject=1. */
static inline uint16_t
qat_pmd_enqueue(struct qat_pmd_qp *q, struct rte_crypto_op **ops, uint16_t n)
{
	uint16_t k, offered = n;

	if (unlikely(q->d->fault_enabled) &&
	    __atomic_load_n(&q->d->fault_mode, __ATOMIC_RELAXED) == CE_QAT_FAULT_SHORT_ENQ)
		n = (uint16_t)RTE_MIN((uint32_t)n,
				      __atomic_load_n(&q->d->fault_arg, __ATOMIC_RELAXED));
	q->enq_asked = n;
	k = rte_cryptodev_enqueue_burst(q->cdev_id, q->cdev_qp, ops, n);
	QAT_STAT_ADD(q, enq_calls, 1);
	QAT_STAT_ADD(q, enq_ops, k);
	if (k < offered)
		QAT_STAT_ADD(q, enq_short, 1);
	return k;
}

static inline uint16_t
qat_pmd_dequeue(struct qat_pmd_qp *q, struct rte_crypto_op **ops, uint16_t max)
{
	uint16_t n = rte_cryptodev_dequeue_burst(q->cdev_id, q->cdev_qp, ops, max);
	uint32_t mode;

	if (likely(!q->d->fault_enabled))
		return n;
	mode = __atomic_load_n(&q->d->fault_mode, __ATOMIC_RELAXED);
	if (mode == CE_QAT_FAULT_HANG) {
		for (uint16_t i = 0; i < n; i++)
			q->stash[q->nb_stash++] = ops[i];
		return 0;
	}
	if (mode == CE_QAT_FAULT_ERROR) {
		for (uint16_t i = 0; i < n; i++)
			ops[i]->status = RTE_CRYPTO_OP_STATUS_ERROR;
		return n;
	}
	/* Healed: what was withheld comes back first (late completions). */
	if (q->nb_stash != 0) {
		uint16_t k = (uint16_t)RTE_MIN((uint32_t)max, q->nb_stash);

		/* Those just dequeued go back behind the stash, in order. */
		for (uint16_t i = 0; i < n; i++)
			q->stash[q->nb_stash++] = ops[i];
		memcpy(ops, q->stash, k * sizeof(ops[0]));
		memmove(q->stash, q->stash + k, (q->nb_stash - k) * sizeof(ops[0]));
		q->nb_stash -= k;
		return k;
	}
	return n;
}

/*
 * An enqueue burst that took fewer than offered while the device's ring had
 * room: a software cryptodev (crypto_openssl) refuses an op it fails to
 * process instead of completing it with an error. Retrying would spin.
 */
static inline bool
qat_pmd_refused(const struct qat_pmd_qp *q, uint16_t k)
{
	/* k == enq_asked: the fault injector's short burst, a full device. */
	return k < q->enq_asked && q->nb_busy + q->nb_abandoned + k < q->nslots / 2;
}

static inline int
qat_pmd_check(const struct ce_request *req)
{
	const struct ce_session *sess = req->active;

	if (unlikely(sess == NULL || sess->dev->drv != &qat_pmd_driver))
		return -EINVAL;
	return ce_request_check(req, sess);
}

static uint16_t
qat_pmd_do_batch(struct ce_pmd_qp *qp, struct ce_request **reqs, uint16_t nb)
{
	struct qat_pmd_qp *q = qp->priv;
	struct rte_crypto_op *ops[QAT_PMD_MAX_BATCH];
	uint16_t at[QAT_PMD_MAX_BATCH];
	uint8_t where[QAT_PMD_MAX_BATCH];
	uint32_t slot_of[QAT_PMD_MAX_BATCH];
	uint16_t i, nops = 0, lim, k, taken;
	uint64_t now;

	if (unlikely(q->nb_defer != 0 && !qat_pmd_defer_flush(q)))
		return 0;
	nb = RTE_MIN(nb, (uint16_t)QAT_PMD_MAX_BATCH);
	/* Pass 1: decide, and build the device's ops. */
	for (i = 0; i < nb; i++) {
		struct ce_request *req = reqs[i];
		const struct qat_pmd_sess *s;
		unsigned int w;
		uint32_t si;

		if (unlikely(qat_pmd_check(req) < 0)) {
			where[i] = UINT8_MAX;
			continue;
		}
		s = req->active->priv;
		w = qat_pmd_classify(q, s, req);
		if (w == QAT_PMD_DEVICE) {
			si = qat_pmd_slot_get(q);
			if (si == UINT32_MAX)
				break; /* the device's share is full: end the batch here */
			w = qat_pmd_build(q, s, req, &q->slots[si]);
			if (w == QAT_PMD_DEVICE) {
				ops[nops] = q->slots[si].op;
				slot_of[nops] = si;
				at[nops++] = i;
			} else {
				qat_pmd_slot_put(q, si);
			}
		}
		where[i] = (uint8_t)w;
	}
	lim = i;
	/* One doorbell for the whole batch. */
	k = nops != 0 ? qat_pmd_enqueue(q, ops, nops) : 0;
	taken = k == nops ? lim : at[k];
	if (unlikely(k < nops && qat_pmd_refused(q, k))) {
		/* Not full: the device rejected op k itself. That request goes to
		 * software; the batch ends after it. */
		where[at[k]] = CE_QAT_FB_DEV_ERROR;
		taken = at[k] + 1;
		QAT_STAT_ADD(q, dev_errors, 1);
	}
	now = rte_rdtsc();
	for (uint16_t j = 0; j < k; j++) {
		struct qat_pmd_slot *slot = &q->slots[slot_of[j]];

		slot->state = QAT_SLOT_BUSY;
		slot->t_submit = now;
	}
	q->nb_busy += k;
	for (uint16_t j = nops; j-- > k;)
		qat_pmd_slot_put(q, slot_of[j]);
	/* Pass 2: the rest of the taken prefix. */
	for (i = 0; i < taken; i++) {
		if (where[i] == QAT_PMD_DEVICE)
			continue;
		if (where[i] == UINT8_MAX)
			ce_pmd_complete(qp, reqs[i], -EINVAL);
		else
			qat_pmd_sw_taken(q, reqs[i], where[i]);
	}
	return taken;
}

static int
qat_pmd_do_one(struct ce_pmd_qp *qp, struct ce_request *req)
{
	struct qat_pmd_qp *q = qp->priv;
	const struct qat_pmd_sess *s;
	struct qat_pmd_slot *slot;
	unsigned int w;
	uint32_t si;
	int ret;

	ret = qat_pmd_check(req);
	if (unlikely(ret < 0))
		return ret;
	if (unlikely(q->nb_defer != 0 && !qat_pmd_defer_flush(q)))
		return -ENOSPC;
	s = req->active->priv;
	w = qat_pmd_classify(q, s, req);
	if (w != QAT_PMD_DEVICE)
		return qat_pmd_sw_start(q, req, w);
	si = qat_pmd_slot_get(q);
	if (si == UINT32_MAX)
		return -ENOSPC;
	slot = &q->slots[si];
	w = qat_pmd_build(q, s, req, slot);
	if (unlikely(w != QAT_PMD_DEVICE)) {
		qat_pmd_slot_put(q, si);
		return qat_pmd_sw_start(q, req, w);
	}
	if (qat_pmd_enqueue(q, &slot->op, 1) == 0) {
		qat_pmd_slot_put(q, si);
		if (unlikely(qat_pmd_refused(q, 0))) {
			QAT_STAT_ADD(q, dev_errors, 1);
			return qat_pmd_sw_start(q, req, CE_QAT_FB_DEV_ERROR);
		}
		return -ENOSPC;
	}
	slot->state = QAT_SLOT_BUSY;
	slot->t_submit = rte_rdtsc();
	q->nb_busy++;
	return -EINPROGRESS;
}

/* Whether the device cannot have damaged the request's input. */
static inline bool
qat_pmd_input_intact(const struct ce_request *req)
{
	const struct qat_pmd_sess *s = req->sess->priv;

	return s->hash || (req->dst != req->src && !qat_pmd_overlap(req));
}

/*
 * The device failed: every operation in flight is abandoned (a completion that
 * still comes is dropped); its request re-runs in software when its input is
 * intact, else completes with -EIO. New requests go to software until a probe
 * passes.
 */
static void
qat_pmd_go_down(struct qat_pmd_qp *q, uint64_t now)
{
	q->down = true;
	q->err_run = 0;
	q->next_probe = now + q->probe_cyc;
	QAT_STAT_ADD(q, down_events, 1);
	for (uint32_t i = 0; i < q->nslots && q->nb_busy != 0; i++) {
		struct qat_pmd_slot *slot = &q->slots[i];
		struct ce_request *req;

		if (slot->state != QAT_SLOT_BUSY)
			continue;
		slot->state = QAT_SLOT_ABANDONED;
		q->nb_busy--;
		q->nb_abandoned++;
		req = slot->req;
		slot->req = NULL;
		if (qat_pmd_input_intact(req) && ((const struct qat_pmd_sess *)
						  req->active->priv)->sw != NULL) {
			qat_pmd_sw_taken(q, req, CE_QAT_FB_FAILOVER);
		} else {
			QAT_STAT_ADD(q, failover_eio, 1);
			ce_pmd_complete(q->qp, req, -EIO);
		}
	}
}

static void
qat_pmd_probe_send(struct qat_pmd_qp *q, uint64_t now)
{
	struct rte_crypto_op *op = q->probe_op;
	struct qat_pmd_op_priv *p = rte_crypto_op_ctod_offset(op, struct qat_pmd_op_priv *,
							      QAT_PMD_PRIV_OFF);
	uint8_t *buf = q->probe_buf;

	q->next_probe = now + q->probe_cyc;
	if (q->d->probe_sess == NULL)
		return;
	memset(buf, 0, 64);
	memset(p->iv, 0, sizeof(p->iv));
	op->status = RTE_CRYPTO_OP_STATUS_NOT_PROCESSED;
	rte_crypto_op_attach_sym_session(op, q->d->probe_sess);
	qat_pmd_mbuf_point(q->probe_mb, buf, q->probe_iova, QAT_PMD_PROBE_LEN);
	op->sym->m_src = q->probe_mb;
	op->sym->m_dst = NULL;
	if (q->d->probe_gcm) {
		op->sym->aead.data.offset = 0;
		op->sym->aead.data.length = QAT_PMD_PROBE_LEN;
		op->sym->aead.digest.data = buf + 32;
		op->sym->aead.digest.phys_addr = q->probe_iova + 32;
		op->sym->aead.aad.data = p->aad;
		op->sym->aead.aad.phys_addr = rte_crypto_op_ctophys_offset(op, QAT_PMD_AAD_OFF);
	} else {
		op->sym->cipher.data.offset = 0;
		op->sym->cipher.data.length = QAT_PMD_PROBE_LEN;
	}
	if (qat_pmd_enqueue(q, &op, 1) == 1) {
		q->probe_pending = true;
		QAT_STAT_ADD(q, probes, 1);
	}
}

static void
qat_pmd_probe_done(struct qat_pmd_qp *q, const struct rte_crypto_op *op, uint64_t now)
{
	bool ok = op->status == RTE_CRYPTO_OP_STATUS_SUCCESS;

	q->probe_pending = false;
	if (ok && q->d->probe_gcm)
		ok = memcmp(q->probe_buf, qat_pmd_probe_ct, QAT_PMD_PROBE_LEN) == 0 &&
		     memcmp(q->probe_buf + 32, qat_pmd_probe_tag, 16) == 0;
	if (!ok || !q->down) {
		q->next_probe = now + q->probe_cyc;
		return;
	}
	q->down = false;
	q->err_run = 0;
	QAT_STAT_ADD(q, up_events, 1);
}

static inline void
qat_pmd_finish(struct qat_pmd_qp *q, struct rte_crypto_op *op, uint64_t *now)
{
	uint32_t si = rte_crypto_op_ctod_offset(op, struct qat_pmd_op_priv *,
						QAT_PMD_PRIV_OFF)->slot;
	struct qat_pmd_slot *slot;
	struct ce_request *req;
	uint8_t state;
	int status;

	if (unlikely(si == QAT_PMD_PROBE_SLOT)) {
		if (*now == 0)
			*now = rte_rdtsc();
		qat_pmd_probe_done(q, op, *now);
		return;
	}
	slot = &q->slots[si];
	state = slot->state;
	req = slot->req;
	qat_pmd_slot_put(q, si);
	if (unlikely(state != QAT_SLOT_BUSY)) {
		/* Abandoned at a failover: its request already completed. */
		q->nb_abandoned--;
		QAT_STAT_ADD(q, late, 1);
		return;
	}
	q->nb_busy--;
	switch (op->status) {
	case RTE_CRYPTO_OP_STATUS_SUCCESS:
		q->err_run = 0;
		status = 0;
		break;
	case RTE_CRYPTO_OP_STATUS_AUTH_FAILED: {
		const struct qat_pmd_sess *s = req->active->priv;

		q->err_run = 0;
		QAT_STAT_ADD(q, auth_failed, 1);
		/* The device wrote the plaintext before the tag was known. */
		if (s->wipe && req->len != 0)
			memset(req->dst, 0, req->len);
		status = -EBADMSG;
		break;
	}
	default:
		QAT_STAT_ADD(q, dev_errors, 1);
		if (++q->err_run > q->d->fail_threshold && !q->down) {
			if (*now == 0)
				*now = rte_rdtsc();
			qat_pmd_go_down(q, *now);
		}
		/* Input intact: the same request in software, once. */
		if (qat_pmd_input_intact(req) &&
		    ((const struct qat_pmd_sess *)req->active->priv)->sw != NULL) {
			qat_pmd_sw_taken(q, req, CE_QAT_FB_DEV_ERROR);
			return;
		}
		status = -EIO;
		break;
	}
	ce_pmd_complete(q->qp, req, status);
}

/* An operation older than timeout_ms: the device stopped completing. */
static void
qat_pmd_check_timeouts(struct qat_pmd_qp *q, uint64_t now)
{
	q->next_check = now + q->check_cyc;
	for (uint32_t i = 0; i < q->nslots; i++) {
		const struct qat_pmd_slot *slot = &q->slots[i];

		if (slot->state == QAT_SLOT_BUSY && now - slot->t_submit > q->timeout_cyc) {
			qat_pmd_go_down(q, now);
			return;
		}
	}
}

static uint16_t
qat_pmd_poll(struct ce_pmd_qp *qp, uint16_t max)
{
	struct qat_pmd_qp *q = qp->priv;
	struct rte_crypto_op *ops[QAT_PMD_MAX_BATCH];
	uint16_t n = 0, nd;
	uint64_t now = 0;

	if (unlikely(q->nb_defer != 0))
		qat_pmd_defer_flush(q);
	if (q->nb_busy != 0 || q->nb_abandoned != 0 || q->probe_pending || q->nb_stash != 0) {
		nd = qat_pmd_dequeue(q, ops, RTE_MIN(max, (uint16_t)QAT_PMD_MAX_BATCH));
		QAT_STAT_ADD(q, deq_ops, nd);
		for (uint16_t i = 0; i < nd; i++)
			qat_pmd_finish(q, ops[i], &now);
		n = nd;
	}
	if (q->nb_busy != 0 || q->down) {
		if (now == 0)
			now = rte_rdtsc();
		if (q->nb_busy != 0 && now >= q->next_check)
			qat_pmd_check_timeouts(q, now);
		if (q->down && !q->probe_pending && now >= q->next_probe)
			qat_pmd_probe_send(q, now);
	}
	if (q->swqp != NULL && n < max)
		n += q->swqp->dev->drv->fast->poll(q->swqp, max - n);
	return n;
}

/* Engine stop past its deadline: give back everything with status. */
static uint16_t
qat_pmd_cancel(struct ce_pmd_qp *qp, int status)
{
	struct qat_pmd_qp *q = qp->priv;
	uint16_t n = 0;

	for (uint32_t i = 0; i < q->nslots; i++) {
		struct qat_pmd_slot *slot = &q->slots[i];

		if (slot->state != QAT_SLOT_BUSY)
			continue;
		slot->state = QAT_SLOT_ABANDONED;
		q->nb_busy--;
		q->nb_abandoned++;
		ce_pmd_complete(qp, slot->req, status);
		slot->req = NULL;
		n++;
	}
	for (uint32_t i = 0; i < q->nb_defer; i++, n++) {
		q->defer[i].req->active = q->defer[i].req->sess;
		ce_pmd_complete(qp, q->defer[i].req, status);
	}
	q->nb_defer = 0;
	if (q->swqp != NULL && q->swqp->dev->drv->fast->cancel != NULL)
		n += q->swqp->dev->drv->fast->cancel(q->swqp, status);
	return n;
}

/* ------------------------------------------------------------ extras */

int
ce_pmd_qat_stats_get(const struct ce_pmd_dev *dev, struct ce_pmd_qat_stats *st)
{
	if (dev == NULL || dev->drv != &qat_pmd_driver || st == NULL)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	for (uint16_t i = 0; i < dev->nb_qps; i++) {
		const struct qat_pmd_qp *q = dev->qps[i]->priv;
		const uint64_t *src = (const uint64_t *)&q->st;
		uint64_t *dst = (uint64_t *)st;

		/* Every field before qps_down is a u64 counter. */
		for (size_t f = 0; f < offsetof(struct ce_pmd_qat_stats, qps_down) / 8; f++)
			dst[f] += __atomic_load_n(&src[f], __ATOMIC_RELAXED);
		if (__atomic_load_n(&q->down, __ATOMIC_RELAXED))
			st->qps_down++;
	}
	return 0;
}

int
ce_pmd_qat_cryptodev_id(const struct ce_pmd_dev *dev)
{
	if (dev == NULL || dev->drv != &qat_pmd_driver)
		return -EINVAL;
	return ((const struct qat_pmd_dev *)dev->priv)->cdev_id;
}

int
ce_pmd_qat_session_on_device(const struct ce_session *sess)
{
	if (sess == NULL || sess->dev->drv != &qat_pmd_driver)
		return -EINVAL;
	return ((const struct qat_pmd_sess *)sess->priv)->cs != NULL;
}

int
ce_pmd_qat_fault_set(struct ce_pmd_dev *dev, enum ce_pmd_qat_fault mode, uint32_t arg)
{
	struct qat_pmd_dev *d;

	if (dev == NULL || dev->drv != &qat_pmd_driver || mode > CE_QAT_FAULT_SHORT_ENQ)
		return -EINVAL;
	d = dev->priv;
	if (!d->fault_enabled)
		return -EPERM;
	__atomic_store_n(&d->fault_arg, arg, __ATOMIC_RELAXED);
	__atomic_store_n(&d->fault_mode, (uint32_t)mode, __ATOMIC_RELAXED);
	return 0;
}

static const struct ce_pmd_ops qat_pmd_ops = {
	.dev_configure = qat_pmd_dev_configure,
	.dev_close = qat_pmd_dev_close,
	.qp_setup = qat_pmd_qp_setup,
	.qp_release = qat_pmd_qp_release,
	.session_create = qat_pmd_session_create,
	.session_destroy = qat_pmd_session_destroy,
};

static const struct ce_pmd_fast_ops qat_pmd_fast_ops = {
	.do_one_request = qat_pmd_do_one,
	.do_batch_requests = qat_pmd_do_batch,
	.poll = qat_pmd_poll,
	.cancel = qat_pmd_cancel,
};

static struct ce_pmd_driver qat_pmd_driver = {
	.name = CE_PMD_QAT_DRIVER,
	.ops = &qat_pmd_ops,
	.fast = &qat_pmd_fast_ops,
	.caps = qat_pmd_caps,
	.nb_caps = RTE_DIM(qat_pmd_caps),
	.max_batch = QAT_PMD_MAX_BATCH,
	.in_place = true,
	.out_of_place = true,
	.dev_priv_size = sizeof(struct qat_pmd_dev),
	.qp_priv_size = sizeof(struct qat_pmd_qp),
	.sess_priv_size = sizeof(struct qat_pmd_sess),
};

CE_PMD_REGISTER(qat_pmd_driver);
