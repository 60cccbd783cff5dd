/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control path: lookup tables from the parsed config (rte_ipsec_sad for
 * inbound SAs, rte_acl for policies, rte_lpm for routes), the daemon
 * connection (mbuf pool inside the shared arena, one session per SA, one
 * queue pair per lcore) and the ethdev ports.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include <rte_acl.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ipsec_sad.h>
#include <rte_lcore.h>
#include <rte_lpm.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memory.h>
#include <rte_mempool.h>

#include "gw.h"
#include "ce_clock.h"

#define GW_PAGE		4096u
#define GW_NB_RXD	1024
#define GW_NB_TXD	1024
#define GW_MBUF_CACHE	256
#define GW_DEF_MBUFS	8192u

enum { ACL_PROTO, ACL_SRC, ACL_DST, ACL_SPORT, ACL_DPORT, ACL_NB_FIELDS };

RTE_ACL_RULE_DEF(gw_acl_rule, ACL_NB_FIELDS);

static const struct rte_acl_field_def gw_acl_defs[ACL_NB_FIELDS] = {
	{ .type = RTE_ACL_FIELD_TYPE_RANGE, .size = 1, .field_index = ACL_PROTO,
	  .input_index = 0, .offset = offsetof(struct gw_acl_key, proto) },
	{ .type = RTE_ACL_FIELD_TYPE_MASK, .size = 4, .field_index = ACL_SRC,
	  .input_index = 1, .offset = offsetof(struct gw_acl_key, src) },
	{ .type = RTE_ACL_FIELD_TYPE_MASK, .size = 4, .field_index = ACL_DST,
	  .input_index = 2, .offset = offsetof(struct gw_acl_key, dst) },
	{ .type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2, .field_index = ACL_SPORT,
	  .input_index = 3, .offset = offsetof(struct gw_acl_key, sport) },
	{ .type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2, .field_index = ACL_DPORT,
	  .input_index = 3, .offset = offsetof(struct gw_acl_key, dport) },
};

static int
setup_acl(struct gw *g, unsigned int dir)
{
	struct rte_acl_param prm = {
		.name = dir == GW_DIR_IN ? "gw_sp_in" : "gw_sp_out",
		.socket_id = (int)rte_socket_id(),
		.rule_size = RTE_ACL_RULE_SZ(ACL_NB_FIELDS),
	};
	struct rte_acl_config cfg = { .num_categories = 1, .num_fields = ACL_NB_FIELDS };
	struct gw_acl_rule *rules;
	unsigned int i, n = 0;
	int rc;

	for (i = 0; i < g->cfg.nb_sp; i++)
		n += g->cfg.sp[i].dir == dir;
	if (n == 0)
		return 0;
	rules = calloc(n, sizeof(*rules));
	if (rules == NULL)
		return -ENOMEM;
	n = 0;
	for (i = 0; i < g->cfg.nb_sp; i++) {
		const struct gw_sp_cfg *sp = &g->cfg.sp[i];
		struct gw_acl_rule *r;

		if (sp->dir != dir)
			continue;
		r = &rules[n++];
		r->data.category_mask = 1;
		r->data.priority = RTE_MAX(sp->pri, (int32_t)RTE_ACL_MIN_PRIORITY);
		if (r->data.priority > RTE_ACL_MAX_PRIORITY)
			r->data.priority = RTE_ACL_MAX_PRIORITY;
		r->data.userdata = i + 1;	/* 0 means no match */
		r->field[ACL_PROTO].value.u8 = sp->proto_lo;
		r->field[ACL_PROTO].mask_range.u8 = sp->proto_hi;
		r->field[ACL_SRC].value.u32 = sp->src;
		r->field[ACL_SRC].mask_range.u32 = sp->src_depth;
		r->field[ACL_DST].value.u32 = sp->dst;
		r->field[ACL_DST].mask_range.u32 = sp->dst_depth;
		r->field[ACL_SPORT].value.u16 = sp->sport_lo;
		r->field[ACL_SPORT].mask_range.u16 = sp->sport_hi;
		r->field[ACL_DPORT].value.u16 = sp->dport_lo;
		r->field[ACL_DPORT].mask_range.u16 = sp->dport_hi;
	}
	prm.max_rule_num = n;
	g->acl[dir] = rte_acl_create(&prm);
	if (g->acl[dir] == NULL) {
		rc = -rte_errno;
		fprintf(stderr, "gateway: rte_acl_create(%s): %s\n", prm.name, rte_strerror(rte_errno));
		goto out;
	}
	rc = rte_acl_add_rules(g->acl[dir], (const struct rte_acl_rule *)rules, n);
	if (rc) {
		fprintf(stderr, "gateway: rte_acl_add_rules(%s, %u): %s\n", prm.name, n, strerror(-rc));
		goto out;
	}
	memcpy(cfg.defs, gw_acl_defs, sizeof(gw_acl_defs));
	rc = rte_acl_build(g->acl[dir], &cfg);
	if (rc)
		fprintf(stderr, "gateway: rte_acl_build(%s): %s\n", prm.name, strerror(-rc));
out:
	free(rules);
	return rc;
}

static struct gw_sa *
find_sa(struct gw *g, uint32_t spi, unsigned int dir)
{
	/* Setup only: gw_config_check() has made the pair unique. */
	for (unsigned int i = 0; i < g->nb_sa; i++)
		if (g->sa[i].spi == spi && g->sa[i].dir == dir)
			return &g->sa[i];
	return NULL;
}

int
gw_setup_tables(struct gw *g)
{
	const struct gw_config *cfg = &g->cfg;
	struct rte_ipsec_sad_conf sad_conf = { .socket_id = (int)rte_socket_id() };
	struct rte_lpm_config lpm_conf = { .number_tbl8s = 256 };
	unsigned int i, nb_in = 0;
	int rc;

	g->sa = rte_zmalloc("gw_sa", sizeof(*g->sa) * RTE_MAX(cfg->nb_sa, 1u), RTE_CACHE_LINE_SIZE);
	if (g->sa == NULL)
		return -ENOMEM;
	g->nb_sa = cfg->nb_sa;
	for (i = 0; i < g->nb_sa; i++) {
		const struct gw_sa_cfg *c = &cfg->sa[i];
		const struct gw_alg_desc *a = gw_alg_get(c->alg);
		struct gw_sa *sa = &g->sa[i];

		sa->spi = c->spi;
		sa->dir = c->dir;
		sa->mode = c->mode;
		sa->alg = c->alg;
		sa->iv_len = a->iv_len;
		sa->icv_len = a->icv_len;
		sa->block = a->block;
		sa->aead = a->aead;
		sa->esn = g->opts.esn;
		sa->tun_src = c->tun_src;
		sa->tun_dst = c->tun_dst;
		sa->index = i;
		sa->seq_init = c->esn;
		sa->seq_out = c->esn;
		sa->life_pkts_soft = c->life_pkts_soft;
		sa->life_pkts_hard = c->life_pkts_hard;
		sa->life_bytes_soft = c->life_bytes_soft;
		sa->life_bytes_hard = c->life_bytes_hard;
		sa->line = c->line;
		if (gw_alg_session_name(a, sa->esn) == NULL) {
			/* CBC + HMAC with ESN takes the kernel's authencesn(), which
			 * the daemon has for SHA1 and SHA256 only. */
			fprintf(stderr, "%s:%u: sa %u: -e (ESN) with %s needs authencesn, which the daemon has for sha1-hmac and sha256-hmac only\n",
				g->opts.cfg_file, c->line, c->spi, a->kernel_name);
			return -ENOTSUP;
		}
		if (!sa->esn && c->esn > UINT32_MAX) {
			fprintf(stderr, "%s:%u: sa %u: esn %" PRIu64 " needs -e (64-bit sequence numbers)\n",
				g->opts.cfg_file, c->line, c->spi, c->esn);
			return -EINVAL;
		}
		if (sa->dir == GW_DIR_IN) {
			nb_in++;
			sa->replay.top = c->esn;
			sa->replay.size = g->opts.replay_window;
			sa->replay.nb_words = gw_replay_words(g->opts.replay_window);
			sa->replay.bits = rte_zmalloc("gw_replay", sa->replay.nb_words * sizeof(uint64_t),
						      RTE_CACHE_LINE_SIZE);
			if (sa->replay.bits == NULL)
				return -ENOMEM;
		}
	}

	if (nb_in) {
		sad_conf.max_sa[RTE_IPSEC_SAD_SPI_ONLY] = nb_in;
		g->sad = rte_ipsec_sad_create("gw_sad", &sad_conf);
		if (g->sad == NULL) {
			fprintf(stderr, "gateway: rte_ipsec_sad_create(%u SAs): %s\n", nb_in,
				rte_strerror(rte_errno));
			return -rte_errno;
		}
		for (i = 0; i < g->nb_sa; i++) {
			union rte_ipsec_sad_key key = { 0 };

			if (g->sa[i].dir != GW_DIR_IN)
				continue;
			key.v4.spi = rte_cpu_to_be_32(g->sa[i].spi);
			rc = rte_ipsec_sad_add(g->sad, &key, RTE_IPSEC_SAD_SPI_ONLY, &g->sa[i]);
			if (rc) {
				fprintf(stderr, "gateway: rte_ipsec_sad_add(SPI %u): %s\n", g->sa[i].spi,
					strerror(-rc));
				return rc;
			}
		}
	}

	g->sp = rte_zmalloc("gw_sp", sizeof(*g->sp) * RTE_MAX(cfg->nb_sp, 1u), 0);
	if (g->sp == NULL)
		return -ENOMEM;
	for (i = 0; i < cfg->nb_sp; i++) {
		g->sp[i].action = cfg->sp[i].action;
		g->sp[i].spi = cfg->sp[i].spi;
		if (cfg->sp[i].action == GW_SP_PROTECT)
			g->sp[i].sa = find_sa(g, cfg->sp[i].spi, cfg->sp[i].dir);
	}
	rc = setup_acl(g, GW_DIR_OUT);
	if (rc == 0)
		rc = setup_acl(g, GW_DIR_IN);
	if (rc)
		return rc;

	lpm_conf.max_rules = RTE_MAX(cfg->nb_rt, 16u);
	g->lpm = rte_lpm_create("gw_rt", (int)rte_socket_id(), &lpm_conf);
	if (g->lpm == NULL) {
		fprintf(stderr, "gateway: rte_lpm_create: %s\n", rte_strerror(rte_errno));
		return -rte_errno;
	}
	for (i = 0; i < cfg->nb_rt; i++) {
		const struct gw_rt_cfg *rt = &cfg->rt[i];

		if (!(g->opts.portmask & (1u << rt->port)))
			fprintf(stderr, "%s:%u: warning: rt to port %u, which -p 0x%x does not enable: its packets are dropped\n",
				g->opts.cfg_file, rt->line, rt->port, g->opts.portmask);
		rc = rte_lpm_add(g->lpm, rt->dst, rt->depth, rt->port);
		if (rc) {
			fprintf(stderr, "%s:%u: rt: rte_lpm_add: %s\n", g->opts.cfg_file, rt->line,
				strerror(-rc));
			return rc;
		}
	}
	/* Without a neigh line a port sends to the broadcast address. */
	for (i = 0; i < GW_MAX_PORTS; i++)
		memset(g->neigh[i].addr_bytes, 0xff, RTE_ETHER_ADDR_LEN);
	for (i = 0; i < cfg->nb_neigh; i++)
		memcpy(g->neigh[cfg->neigh[i].port].addr_bytes, cfg->neigh[i].mac, RTE_ETHER_ADDR_LEN);
	return 0;
}

/* The packet pool inside the shared arena: NIC -> daemon -> NIC, no copy. */
static int
setup_pool(struct gw *g, struct gw_attach *a, unsigned int gen)
{
	const uint16_t priv = RTE_ALIGN_CEIL(sizeof(struct gw_meta), RTE_MBUF_PRIV_ALIGN);
	const uint16_t room = (uint16_t)(g->opts.frame_size ? g->opts.frame_size
					 : RTE_MBUF_DEFAULT_BUF_SIZE);
	const uint32_t elt = sizeof(struct rte_mbuf) + priv + room;
	struct rte_pktmbuf_pool_private pp = {
		.mbuf_data_room_size = room,
		.mbuf_priv_size = priv,
	};
	struct rte_mempool_objsz sz;
	uint32_t n = g->opts.nb_mbufs;
	char name[RTE_MEMPOOL_NAMESIZE];
	rte_iova_t iova;
	size_t len;
	int rc;

	/* NO_IOVA_CONTIG: objects may span the arena's 4 KiB pages (it is one
	 * virtually contiguous mapping: IOVA-contiguous where IOVA = VA), else
	 * the pool would keep one 2.3 KiB mbuf per page. */
	snprintf(name, sizeof(name), "gw_pkt_%u", gen);
	a->pool = rte_mempool_create_empty(name, n, elt, GW_MBUF_CACHE, sizeof(pp),
					   (int)rte_socket_id(), RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	if (a->pool == NULL) {
		fprintf(stderr, "gateway: rte_mempool_create_empty(%u mbufs): %s\n", n,
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	rc = rte_mempool_set_ops_byname(a->pool, "ring_mp_mc", NULL);
	if (rc) {
		fprintf(stderr, "gateway: mempool ops ring_mp_mc: %s\n", strerror(-rc));
		return rc;
	}
	rte_pktmbuf_pool_init(a->pool, &pp);
	rte_mempool_calc_obj_size(elt, RTE_MEMPOOL_F_NO_IOVA_CONTIG, &sz);
	len = RTE_ALIGN_CEIL((size_t)n * sz.total_size + RTE_CACHE_LINE_SIZE, GW_PAGE);
	a->pool_mem = ce_buf_alloc(a->client, len, GW_PAGE);
	if (a->pool_mem == NULL) {
		fprintf(stderr, "gateway: %zu bytes for %u mbufs in the daemon arena: %s\n", len, n,
			strerror(errno));
		return -ENOMEM;
	}
	a->arena_delta = ce_buf_offset(a->client, a->pool_mem) - (uint64_t)(uintptr_t)a->pool_mem;
	/* So that a device can DMA into it: the same region the daemon maps. */
	rc = rte_extmem_register(a->pool_mem, len, NULL, 0, GW_PAGE);
	if (rc) {
		fprintf(stderr, "gateway: rte_extmem_register(%zu bytes): %s\n", len,
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	a->pool_mem_len = len;
	iova = rte_eal_iova_mode() == RTE_IOVA_VA ? (rte_iova_t)(uintptr_t)a->pool_mem : RTE_BAD_IOVA;
	rc = rte_mempool_populate_iova(a->pool, a->pool_mem, iova, len, NULL, NULL);
	if (rc < 0 || (uint32_t)rc != n) {
		fprintf(stderr, "gateway: populating %u mbufs in %zu bytes: %d\n", n, len, rc);
		return rc < 0 ? rc : -ENOMEM;
	}
	rte_mempool_obj_iter(a->pool, rte_pktmbuf_init, NULL);
	return 0;
}

void
gw_daemon_detach(struct gw_attach *a)
{
	/* The pool's memory is the region: free the pool before the region goes. */
	if (a->pool)
		rte_mempool_free(a->pool);
	if (a->pool_mem_len)
		rte_extmem_unregister(a->pool_mem, a->pool_mem_len);
	if (a->client)
		ce_client_close(a->client);
	memset(a, 0, sizeof(*a));
}

int
gw_daemon_attach(struct gw *g, struct gw_attach *a, unsigned int gen, bool quiet)
{
	struct ce_client_opts co = {
		.nb_qps = g->nb_lcores,
		.sq_entries = g->opts.desc_nb ? g->opts.desc_nb : 1024,
		.name = "cryptoeng-ipsec-gw",
	};
	uint32_t elt_total;
	double t0;
	unsigned int i;
	int rc;

	memset(a, 0, sizeof(*a));
	if (g->opts.nb_mbufs == 0)
		g->opts.nb_mbufs = GW_DEF_MBUFS;
	/* Pool + rings + slack, in 2 MiB steps. */
	elt_total = sizeof(struct rte_mbuf) + 128 + RTE_PKTMBUF_HEADROOM +
		    (g->opts.frame_size ? g->opts.frame_size : RTE_MBUF_DEFAULT_BUF_SIZE);
	co.region_size = RTE_ALIGN_CEIL((uint64_t)g->opts.nb_mbufs * elt_total + (8u << 20) +
					(uint64_t)g->nb_lcores * co.sq_entries * 80u, 2u << 20);
	a->client = ce_client_connect(g->opts.socket, &co);
	if (a->client == NULL) {
		rc = -errno;
		if (!quiet)
			fprintf(stderr, "gateway: cannot connect to cryptoengd at %s: %s%s%s\n",
				g->opts.socket ? g->opts.socket : "(default socket)", strerror(errno),
				ce_client_last_error(NULL) ? ": " : "",
				ce_client_last_error(NULL) ? ce_client_last_error(NULL) : "");
		return rc;
	}
	rc = setup_pool(g, a, gen);
	if (rc)
		goto fail;

	/* One session per SA; the SA's state (sequence numbers, windows) is
	 * the gateway's and survives a new connection. */
	t0 = ce_clock_s();
	for (i = 0; i < g->nb_sa; i++) {
		struct gw_sa *sa = &g->sa[i];
		const struct gw_alg_desc *alg = gw_alg_get(sa->alg);
		bool esn_authenc = sa->esn && !alg->aead;
		struct ce_session_params sp = {
			.alg = gw_alg_session_name(alg, sa->esn),
			.key = g->cfg.sa[i].key,
			.key_len = g->cfg.sa[i].key_len,
			.iv_len = alg->iv_len,
			.digest_len = alg->icv_len,
			/* AEAD: the ESP header (12 bytes with ESN); authenc: header + IV;
			 * authencesn: SPI || seq hi || seq lo || IV. */
			.aad_max = alg->aead ? 12 : GW_ESP_HDR_LEN + alg->iv_len + (esn_authenc ? 4 : 0),
			.direction = sa->dir == GW_DIR_OUT ? CE_SESS_DIR_ENCRYPT : CE_SESS_DIR_DECRYPT,
		};
		int64_t h;

		if (g->opts.null_crypto) {
			/* The gateway's own ceiling: framing, rings, daemon, no crypto. */
			memset(&sp, 0, sizeof(sp));
			sp.alg = "ecb(cipher_null)";
			sp.direction = sa->dir == GW_DIR_OUT ? CE_SESS_DIR_ENCRYPT : CE_SESS_DIR_DECRYPT;
		}
		h = ce_session_create(a->client, &sp);

		if (h < 0) {
			fprintf(stderr, "%s:%u: sa %s %u: the daemon refused a %s session: %s (%s)\n",
				g->opts.cfg_file, sa->line, sa->dir == GW_DIR_IN ? "in" : "out", sa->spi,
				sp.alg, strerror((int)-h), ce_client_last_error(a->client));
			rc = (int)h;
			goto fail;
		}
		sa->session = (uint32_t)h;
		sa->has_session = true;
	}
	g->sa_setup_s = ce_clock_s() - t0;
	printf("gateway: %u SAs, %u daemon sessions created in %.3f s\n", g->nb_sa, g->nb_sa,
	       g->sa_setup_s);
	return 0;
fail:
	gw_daemon_detach(a);
	return rc;
}

int
gw_qps_create(struct gw *g)
{
	for (unsigned int i = 0; i < g->nb_lcores; i++) {
		struct gw_lcore *lc = g->lcores[i];
		uint32_t credits;

		lc->qp = ce_qp_create(g->cur.client);
		if (lc->qp == NULL) {
			int rc = -errno;

			fprintf(stderr, "gateway: queue pair for lcore %u: %s (%s)\n", lc->lcore_id,
				strerror(errno), ce_client_last_error(g->cur.client));
			return rc;
		}
		credits = ce_qp_credits(lc->qp);
		if (lc->slot == NULL) {
			/* Sized once: a later daemon is expected to grant the same. */
			lc->nb_slots = RTE_MAX(credits, (uint32_t)GW_BURST);
			lc->slot = calloc(lc->nb_slots, sizeof(*lc->slot));
			lc->free_slot = calloc(lc->nb_slots, sizeof(*lc->free_slot));
			if (lc->slot == NULL || lc->free_slot == NULL)
				return -ENOMEM;
			for (uint32_t s = 0; s < lc->nb_slots; s++)
				lc->free_slot[s] = lc->nb_slots - 1 - s;
			lc->nb_free = lc->nb_slots;
			randombytes_buf(lc->rnd_seed, sizeof(lc->rnd_seed));
			lc->rnd_used = sizeof(lc->rnd);
		}
	}
	return 0;
}

static uint16_t
port_nb_rxq(const struct gw *g, uint16_t port)
{
	uint16_t nb_rxq = 0;

	for (unsigned int i = 0; i < g->opts.nb_lcore_params; i++)
		if (g->opts.lcore_params[i].port == port)
			nb_rxq = RTE_MAX(nb_rxq, (uint16_t)(g->opts.lcore_params[i].queue + 1));
	return nb_rxq;
}

int
gw_setup_ports(struct gw *g)
{
	uint16_t port;
	int rc;

	g->nb_txq = (uint16_t)g->nb_lcores;
	RTE_ETH_FOREACH_DEV(port) {
		struct rte_eth_conf conf = { 0 };
		struct rte_eth_dev_info info;
		uint16_t nb_rxq, nb_rxd = GW_NB_RXD, nb_txd = GW_NB_TXD, q;

		if (port >= GW_MAX_PORTS || !(g->opts.portmask & (1u << port)))
			continue;
		nb_rxq = port_nb_rxq(g, port);
		rc = rte_eth_dev_info_get(port, &info);
		if (rc)
			return rc;
		if (nb_rxq > info.max_rx_queues || g->nb_txq > info.max_tx_queues) {
			fprintf(stderr, "gateway: port %u (%s) has %u RX / %u TX queues, --config needs %u / %u\n",
				port, info.driver_name, info.max_rx_queues, info.max_tx_queues, nb_rxq,
				g->nb_txq);
			return -EINVAL;
		}
		/* No offloads: virtual ports have none, and the gateway computes
		 * its own IPv4 checksums. RSS over the IPs when there are queues
		 * to spread over (one SA's packets stay on one queue). */
		if (nb_rxq > 1 && (info.flow_type_rss_offloads & RTE_ETH_RSS_IP)) {
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
			conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
		}
		rc = rte_eth_dev_configure(port, nb_rxq, g->nb_txq, &conf);
		if (rc) {
			fprintf(stderr, "gateway: configuring port %u: %s\n", port, strerror(-rc));
			return rc;
		}
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
		if (rc)
			return rc;
		for (q = 0; q < nb_rxq; q++) {
			rc = rte_eth_rx_queue_setup(port, q, nb_rxd, rte_eth_dev_socket_id(port), NULL,
						    g->cur.pool);
			if (rc) {
				fprintf(stderr, "gateway: port %u RX queue %u: %s\n", port, q, strerror(-rc));
				return rc;
			}
		}
		for (q = 0; q < g->nb_txq; q++) {
			rc = rte_eth_tx_queue_setup(port, q, nb_txd, rte_eth_dev_socket_id(port), NULL);
			if (rc) {
				fprintf(stderr, "gateway: port %u TX queue %u: %s\n", port, q, strerror(-rc));
				return rc;
			}
		}
		rc = rte_eth_dev_start(port);
		if (rc) {
			fprintf(stderr, "gateway: starting port %u: %s\n", port, strerror(-rc));
			return rc;
		}
		if (g->opts.promiscuous)
			rte_eth_promiscuous_enable(port);
		rte_eth_macaddr_get(port, &g->port_mac[port]);
		printf("gateway: port %u (%s) %s, %u RX queue(s), %u TX queue(s)\n", port,
		       info.driver_name, (g->opts.unprotected_mask & (1u << port)) ?
		       "unprotected (ESP side)" : "protected (clear side)", nb_rxq, g->nb_txq);
	}
	for (port = 0; port < GW_MAX_PORTS; port++) {
		if ((g->opts.portmask & (1u << port)) && !rte_eth_dev_is_valid_port(port)) {
			fprintf(stderr, "gateway: -p 0x%x names port %u, which does not exist (%u ports)\n",
				g->opts.portmask, port, rte_eth_dev_count_avail());
			return -ENODEV;
		}
	}
	for (unsigned int i = 0; i < g->nb_lcores; i++) {
		struct gw_lcore *lc = g->lcores[i];

		for (port = 0; port < GW_MAX_PORTS; port++) {
			if (!(g->opts.portmask & (1u << port)))
				continue;
			lc->txb[port] = rte_zmalloc_socket("gw_txb", RTE_ETH_TX_BUFFER_SIZE(GW_BURST), 0,
							   (int)rte_lcore_to_socket_id(lc->lcore_id));
			if (lc->txb[port] == NULL)
				return -ENOMEM;
			rte_eth_tx_buffer_init(lc->txb[port], GW_BURST);
			rte_eth_tx_buffer_set_err_callback(lc->txb[port], rte_eth_tx_buffer_count_callback,
							   &lc->drops[GW_DROP_TX_FULL]);
		}
	}
	return 0;
}

int
gw_ports_repool(struct gw *g)
{
	uint16_t port;
	int rc;

	/* Lcores are parked: nobody polls these queues. Setting a queue up
	 * again releases the mbufs it held (into the old pool). */
	RTE_ETH_FOREACH_DEV(port) {
		uint16_t nb_rxq, nb_rxd = GW_NB_RXD, nb_txd = GW_NB_TXD;

		if (port >= GW_MAX_PORTS || !(g->opts.portmask & (1u << port)))
			continue;
		nb_rxq = port_nb_rxq(g, port);
		rc = rte_eth_dev_stop(port);
		if (rc)
			return rc;
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
		if (rc)
			return rc;
		for (uint16_t q = 0; q < nb_rxq; q++) {
			rc = rte_eth_rx_queue_setup(port, q, nb_rxd, rte_eth_dev_socket_id(port), NULL,
						    g->cur.pool);
			if (rc) {
				fprintf(stderr, "gateway: port %u RX queue %u on the new pool: %s\n", port,
					q, strerror(-rc));
				return rc;
			}
		}
		rc = rte_eth_dev_start(port);
		if (rc)
			return rc;
		if (g->opts.promiscuous)
			rte_eth_promiscuous_enable(port);
	}
	return 0;
}

void
gw_teardown(struct gw *g)
{
	unsigned int i, nb_lcores, nb_sa;
	uint16_t port;

	RTE_ETH_FOREACH_DEV(port) {
		if (port < GW_MAX_PORTS && (g->opts.portmask & (1u << port))) {
			rte_eth_dev_stop(port);
			rte_eth_dev_close(port);
		}
	}
	for (i = 0; i < g->nb_lcores; i++) {
		if (g->lcores[i]->qp)
			ce_qp_destroy(g->lcores[i]->qp);
		g->lcores[i]->qp = NULL;
	}
	if (g->cur.client && g->daemon_up) {
		for (i = 0; i < g->nb_sa; i++)
			if (g->sa[i].has_session)
				ce_session_destroy(g->cur.client, g->sa[i].session);
	}
	gw_daemon_detach(&g->cur);
	/* Telemetry may still ask: let it see no lcores and no SAs first. */
	nb_lcores = g->nb_lcores;
	nb_sa = g->nb_sa;
	__atomic_store_n(&g->nb_lcores, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&g->nb_sa, 0, __ATOMIC_RELEASE);
	for (i = 0; i < nb_lcores; i++) {
		struct gw_lcore *lc = g->lcores[i];

		for (port = 0; port < GW_MAX_PORTS; port++)
			rte_free(lc->txb[port]);
		free(lc->slot);
		free(lc->free_slot);
		free(lc->sa_stats);
		g->by_lcore[lc->lcore_id] = NULL;
		rte_free(lc);
		g->lcores[i] = NULL;
	}
	for (i = 0; i < nb_sa; i++)
		rte_free(g->sa[i].replay.bits);
	rte_free(g->sa);
	rte_free(g->sp);
	g->sa = NULL;
	g->sp = NULL;
	for (i = 0; i < 2; i++)
		if (g->acl[i])
			rte_acl_free(g->acl[i]);
	if (g->lpm)
		rte_lpm_free(g->lpm);
	if (g->sad)
		rte_ipsec_sad_destroy(g->sad);
}
