/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "cryptodev" backend's control path: device args, finding (or creating)
 * the cryptodev, configuring and starting it with its software fallback
 * device, and each queue pair's slots (an op and attached external-buffer
 * mbufs per slot, made once at setup).
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

static bool qat_pmd_cdev_used[RTE_CRYPTO_MAX_DEVS];

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
		   char *drv, size_t drv_sz, char *adev, size_t adev_sz)
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
	snprintf(d->asw_drv, sizeof(d->asw_drv), "openssl");
	snprintf(drv, drv_sz, "crypto_qat");
	dev[0] = '\0';
	adev[0] = '\0';
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
		} else if (strcmp(tok, "asym_dev") == 0) {
			snprintf(adev, adev_sz, "%s", val);
		} else if (strcmp(tok, "asym_sw") == 0) {
			snprintf(d->asw_drv, sizeof(d->asw_drv), "%s", val);
			d->asw_explicit = true;
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
qat_pmd_find_cdev(const char *name, const char *drv, bool *created)
{
	int id;

	if (name[0] != '\0') {
		id = rte_cryptodev_get_dev_id(name);
		if (id < 0 && strncmp(name, "crypto_", 7) == 0) {
			if (rte_vdev_init(name, NULL) == 0) {
				*created = true;
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

/*
 * asym_dev=: the cryptodev that runs the asymmetric ops, when the one driven
 * has none (QAT: each VF is a <bdf>_qat_sym and a <bdf>_qat_asym cryptodev).
 * One queue pair per ours, the same index; our buffers are DPDK memory, so it
 * needs no client region mapped for DMA.
 */
static int
qat_pmd_asym_cdev_start(struct qat_pmd_dev *d, const struct ce_pmd_dev_config *cfg,
			const char *name)
{
	struct rte_cryptodev_config conf = {
		.socket_id = cfg->socket_id, .nb_queue_pairs = cfg->nb_qps,
		.ff_disable = RTE_CRYPTODEV_FF_SECURITY,
	};
	struct rte_cryptodev_qp_conf qp_conf = { .nb_descriptors = d->qp_depth };
	struct rte_cryptodev_info info;
	int id, ret;

	id = qat_pmd_find_cdev(name, "", &d->acreated_vdev);
	if (id < 0)
		return id;
	d->acdev_id = (uint8_t)id;
	qat_pmd_cdev_used[id] = true;
	snprintf(d->acdev_name, sizeof(d->acdev_name), "%s", name);
	rte_cryptodev_info_get(d->acdev_id, &info);
	if ((info.feature_flags & RTE_CRYPTODEV_FF_ASYMMETRIC_CRYPTO) == 0) {
		fprintf(stderr, "cryptodev: asym_dev %s does no asymmetric crypto\n", name);
		return -EINVAL;
	}
	if (cfg->nb_qps > info.max_nb_queue_pairs) {
		fprintf(stderr, "cryptodev: asym_dev %s has %u queue pairs, %u asked\n", name,
			info.max_nb_queue_pairs, cfg->nb_qps);
		return -EINVAL;
	}
	ret = rte_cryptodev_configure(d->acdev_id, &conf);
	for (uint16_t i = 0; ret == 0 && i < cfg->nb_qps; i++)
		ret = rte_cryptodev_queue_pair_setup(d->acdev_id, i, &qp_conf, cfg->socket_id);
	if (ret == 0)
		ret = rte_cryptodev_start(d->acdev_id);
	if (ret < 0) {
		fprintf(stderr, "cryptodev: asym_dev %s: configure/start: %d\n", name, ret);
		return ret;
	}
	d->astarted = true;
	d->asym_ok = true;
	d->asym_sep = true;
	return 0;
}

static void
qat_pmd_asym_cdev_stop(struct qat_pmd_dev *d)
{
	if (!d->asym_sep && d->acdev_name[0] == '\0')
		return;
	if (d->astarted)
		rte_cryptodev_stop(d->acdev_id);
	if (rte_cryptodev_is_valid_dev(d->acdev_id) && qat_pmd_cdev_used[d->acdev_id]) {
		rte_cryptodev_close(d->acdev_id);
		qat_pmd_cdev_used[d->acdev_id] = false;
	}
	if (d->acreated_vdev)
		rte_vdev_uninit(d->acdev_name);
	d->astarted = d->asym_sep = d->acreated_vdev = false;
	d->acdev_name[0] = '\0';
}

int
qat_pmd_dev_configure(struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg)
{
	struct qat_pmd_dev *d = dev->priv;
	struct rte_cryptodev_config conf = {
		.socket_id = cfg->socket_id,
		.nb_queue_pairs = cfg->nb_qps,
		.ff_disable = RTE_CRYPTODEV_FF_SECURITY,
	};
	struct rte_cryptodev_qp_conf qp_conf;
	struct rte_cryptodev_info info;
	char name[RTE_MEMPOOL_NAMESIZE], want_dev[RTE_CRYPTODEV_NAME_MAX_LEN], want_drv[64];
	char want_adev[RTE_CRYPTODEV_NAME_MAX_LEN];
	int id, ret;

	ret = qat_pmd_parse_args(d, cfg->args, want_dev, sizeof(want_dev), want_drv,
				 sizeof(want_drv), want_adev, sizeof(want_adev));
	if (ret < 0)
		return ret;
	id = qat_pmd_find_cdev(want_dev, want_drv, &d->created_vdev);
	if (id < 0)
		return id;
	d->cdev_id = (uint8_t)id;
	qat_pmd_cdev_used[id] = true;
	snprintf(d->cdev_name, sizeof(d->cdev_name), "%s", rte_cryptodev_name_get(d->cdev_id));
	rte_cryptodev_info_get(d->cdev_id, &info);
	d->rdev = info.device;
	if (dev->drv == &qat_pmd_drivers[QAT_PMD_QAT] &&
	    (info.driver_name == NULL || strcmp(info.driver_name, "crypto_qat") != 0)) {
		fprintf(stderr, "qat: %s is a %s device, not QAT (the \"cryptodev\" backend "
			"drives any cryptodev)\n", d->cdev_name,
			info.driver_name ? info.driver_name : "?");
		ret = -EINVAL;
		goto fail;
	}
	if (cfg->nb_qps > info.max_nb_queue_pairs) {
		fprintf(stderr, "cryptodev: %s has %u queue pairs, %u asked\n", d->cdev_name,
			info.max_nb_queue_pairs, cfg->nb_qps);
		ret = -EINVAL;
		goto fail;
	}
	/* Asymmetric ops go to this cryptodev unless asym_dev= names another. */
	d->asym_ok = want_adev[0] == '\0' &&
		     (info.feature_flags & RTE_CRYPTODEV_FF_ASYMMETRIC_CRYPTO) != 0;
	d->acdev_id = d->cdev_id;
	if (!d->asym_ok)
		conf.ff_disable |= RTE_CRYPTODEV_FF_ASYMMETRIC_CRYPTO;
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
	/* Room for the asymmetric slots beside the symmetric ones (a power of
	 * two, as crypto_openssl's ring wants). */
	qp_conf.nb_descriptors = d->asym_ok ? RTE_MIN(2 * d->qp_depth, 32768u) : d->qp_depth;
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
	if (want_adev[0] != '\0') {
		ret = qat_pmd_asym_cdev_start(d, cfg, want_adev);
		if (ret < 0)
			goto fail;
	}
	ret = qat_asym_dev_configure(dev, cfg);
	if (ret < 0)
		goto fail;
	if (strcmp(d->sw_drv, "none") != 0) {
		d->swdev = qat_pmd_sw_dev_create(dev, cfg, d->sw_drv, "sw");
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

struct ce_pmd_dev *
qat_pmd_sw_dev_create(const struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg,
		      const char *drv, const char *suffix)
{
	const struct qat_pmd_dev *d = dev->priv;
	struct ce_pmd_dev_config swcfg = {
		.nb_qps = cfg->nb_qps, .socket_id = cfg->socket_id, .args = NULL,
	};
	char name[sizeof(dev->name)];

	/* ce_pmd_dev.name is 32 bytes: a short name is fine, it is ours. */
	snprintf(name, sizeof(name), "cdev%u-%s", d->cdev_id, suffix);
	return ce_pmd_dev_create(drv, name, &swcfg);
}

void
qat_pmd_dev_close(struct ce_pmd_dev *dev)
{
	struct qat_pmd_dev *d = dev->priv;

	qat_asym_dev_close(d);
	qat_pmd_asym_cdev_stop(d);
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

static void
qat_pmd_extbuf_free(void *addr, void *opaque)
{
	/* Never called: the refcount never drops (mbufs leave with their pool). */
	RTE_SET_USED(addr);
	RTE_SET_USED(opaque);
}

void
qat_pmd_qp_release(struct ce_pmd_qp *qp)
{
	struct qat_pmd_qp *q = qp->priv;

	qat_asym_qp_release(q);
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

int
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
	q->nb_aslots = d->asym_ok ? RTE_MIN(d->qp_depth, (uint32_t)QAT_ASYM_MAX_SLOTS) : 0;
	q->nslots_all = q->nslots + q->nb_aslots;
	q->acdev_id = d->acdev_id;
	q->va_mode = rte_eal_iova_mode() == RTE_IOVA_VA;
	q->timeout_cyc = rte_get_tsc_hz() / 1000 * d->timeout_ms;
	q->probe_cyc = rte_get_tsc_hz() / 1000 * d->probe_ms;
	q->check_cyc = RTE_MAX(q->timeout_cyc / 4, (uint64_t)1);
	q->defer_cap = q->nslots + QAT_PMD_MAX_BATCH;
	q->shinfo.free_cb = qat_pmd_extbuf_free;
	q->shinfo.fcb_opaque = q;
	rte_mbuf_ext_refcnt_set(&q->shinfo, 1);

	n = q->nslots + 1; /* + the probe */
	/* The fault injector may withhold every op out, asymmetric ones too. */
	snprintf(name, sizeof(name), "ceqo_%u_%u", d->cdev_id, qp->id);
	q->op_pool = rte_crypto_op_pool_create(name, RTE_CRYPTO_OP_TYPE_SYMMETRIC, n, 0,
					       sizeof(struct qat_pmd_op_priv), socket);
	snprintf(name, sizeof(name), "ceqm_%u_%u", d->cdev_id, qp->id);
	q->mb_pool = rte_pktmbuf_pool_create(name, n * 2 * QAT_PMD_SEGS, 0, 0, 0, socket);
	q->slots = rte_zmalloc_socket("qat_slots", sizeof(*q->slots) * q->nslots_all,
				      RTE_CACHE_LINE_SIZE, socket);
	q->free = rte_malloc_socket("qat_free", sizeof(*q->free) * q->nslots, 0, socket);
	q->defer = rte_malloc_socket("qat_defer", sizeof(*q->defer) * q->defer_cap, 0, socket);
	q->stash = rte_malloc_socket("qat_stash", sizeof(*q->stash) * (n + q->nb_aslots), 0,
				     socket);
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
	ret = qat_asym_qp_setup(qp);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	qat_pmd_qp_release(qp);
	return ret;
}

/* ------------------------------------------------------------ queries */

int
ce_pmd_qat_stats_get(const struct ce_pmd_dev *dev, struct ce_pmd_qat_stats *st)
{
	if (dev == NULL || !qat_pmd_is_ours(dev->drv) || st == NULL)
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

/* The xstats_get op: ce_pmd_qat_stats_get()'s counters by name. */
static const struct {
	const char *name;
	size_t off;
} qat_pmd_xstat_names[] = {
	{ "enqueue_bursts", offsetof(struct ce_pmd_qat_stats, enq_calls) },
	{ "enqueued", offsetof(struct ce_pmd_qat_stats, enq_ops) },
	{ "short_bursts", offsetof(struct ce_pmd_qat_stats, enq_short) },
	{ "dequeued", offsetof(struct ce_pmd_qat_stats, deq_ops) },
	{ "device_errors", offsetof(struct ce_pmd_qat_stats, dev_errors) },
	{ "auth_failed", offsetof(struct ce_pmd_qat_stats, auth_failed) },
	{ "failover_eio", offsetof(struct ce_pmd_qat_stats, failover_eio) },
	{ "late", offsetof(struct ce_pmd_qat_stats, late) },
	{ "down_events", offsetof(struct ce_pmd_qat_stats, down_events) },
	{ "up_events", offsetof(struct ce_pmd_qat_stats, up_events) },
	{ "probes", offsetof(struct ce_pmd_qat_stats, probes) },
	{ "asym_enqueued", offsetof(struct ce_pmd_qat_stats, asym_enq) },
};

int
qat_pmd_xstats_get(const struct ce_pmd_dev *dev, struct ce_pmd_xstat *xs, unsigned int n)
{
	struct ce_pmd_qat_stats st;
	unsigned int k = 0;
	int ret = ce_pmd_qat_stats_get(dev, &st);

	if (ret < 0)
		return ret;
	for (unsigned int i = 0; i < RTE_DIM(qat_pmd_xstat_names); i++, k++)
		if (k < n) {
			snprintf(xs[k].name, sizeof(xs[k].name), "%s", qat_pmd_xstat_names[i].name);
			memcpy(&xs[k].value, (const uint8_t *)&st + qat_pmd_xstat_names[i].off,
			       sizeof(uint64_t));
		}
	for (unsigned int r = 0; r < CE_QAT_FB_MAX; r++, k++)
		if (k < n) {
			snprintf(xs[k].name, sizeof(xs[k].name), "fallbacks.%s",
				 ce_pmd_qat_fb_reason_name(r));
			xs[k].value = st.fb[r];
		}
	if (k < n) {
		snprintf(xs[k].name, sizeof(xs[k].name), "qps_down");
		xs[k].value = st.qps_down;
	}
	return (int)++k;
}

int
ce_pmd_qat_cryptodev_id(const struct ce_pmd_dev *dev)
{
	if (dev == NULL || !qat_pmd_is_ours(dev->drv))
		return -EINVAL;
	return ((const struct qat_pmd_dev *)dev->priv)->cdev_id;
}
