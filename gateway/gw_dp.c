/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data path of one lcore: RX burst -> classify (SP for clear packets,
 * SA by SPI for ESP) -> ESP framing in place -> one burst of descriptors to
 * the daemon -> completions -> ICV / replay / padding checks -> route -> TX.
 *
 * No copy: the mbufs live in the daemon's shared arena, so the daemon
 * encrypts and decrypts them where the NIC put them. The only bytes moved
 * are the IPv4 header in transport mode (ESP goes between it and the
 * payload: a memmove of 20 bytes) and the ESN AAD (12 bytes built in the
 * mbuf's private area, since the high half of the sequence number is not on
 * the wire).
 */
#include <errno.h>
#include <string.h>

#include <sodium.h>

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_ipsec_sad.h>
#include <rte_lcore.h>
#include <rte_lpm.h>
#include <rte_mbuf.h>

#include "gw.h"

static inline struct gw_meta *
dp_meta(struct rte_mbuf *m)
{
	return rte_mbuf_to_priv(m);
}

/* Region offset of a pointer into the pool (the pool is inside the arena). */
static inline uint64_t
dp_off(const void *p)
{
	return (uint64_t)(uintptr_t)p + gw.arena_delta;
}

static inline void
dp_drop(struct gw_lcore *lc, struct rte_mbuf *m, enum gw_drop why)
{
	lc->drops[why]++;
	lc->port[dp_meta(m)->in_port].dropped++;
	rte_pktmbuf_free(m);
}

/*
 * The AAD of an ESN SA in the packet's metadata; returns its length. AEAD
 * (RFC 4106 §5 / RFC 7634 §2.1): SPI || seq high || seq low. CBC + HMAC:
 * the same, then the IV, the kernel's authencesn layout (net/ipv4/esp4.c);
 * the daemon moves seq high behind the ciphertext for the ICV (RFC 4303
 * §2.2.1: authenticated, not sent).
 */
_Static_assert(sizeof(((struct gw_meta *)0)->aad) >= 12 + 16,
	       "the ESN AAD takes the ESP header with seq high and an AES block IV");

static inline uint16_t
dp_esn_aad(struct gw_meta *meta, const struct gw_sa *sa, uint64_t seq, const uint8_t *iv)
{
	const uint32_t hdr[3] = { rte_cpu_to_be_32(sa->spi), rte_cpu_to_be_32((uint32_t)(seq >> 32)),
				  rte_cpu_to_be_32((uint32_t)seq) };

	memcpy(meta->aad, hdr, sizeof(hdr));
	if (sa->aead)
		return sizeof(hdr);
	memcpy(meta->aad + sizeof(hdr), iv, sa->iv_len);
	return (uint16_t)(sizeof(hdr) + sa->iv_len);
}

/* Unpredictable CBC IVs (RFC 3602 §2.3) with no syscall: ChaCha20 output
 * from a per-lcore key, re-keyed from its own output (fast key erasure). */
static void
dp_random_iv(struct gw_lcore *lc, uint8_t *iv, unsigned int len)
{
	if (unlikely(lc->rnd_used + len > sizeof(lc->rnd))) {
		uint8_t next[sizeof(lc->rnd) + sizeof(lc->rnd_seed)];

		randombytes_buf_deterministic(next, sizeof(next), lc->rnd_seed);
		memcpy(lc->rnd, next, sizeof(lc->rnd));
		memcpy(lc->rnd_seed, next + sizeof(lc->rnd), sizeof(lc->rnd_seed));
		sodium_memzero(next, sizeof(next));
		lc->rnd_used = 0;
	}
	memcpy(iv, lc->rnd + lc->rnd_used, len);
	/* Used bytes are not kept: the IV is public, but the stream is not. */
	memset(lc->rnd + lc->rnd_used, 0, len);
	lc->rnd_used += len;
}

/* The SP key of an IPv4 packet (ports only for an unfragmented TCP/UDP/SCTP). */
static inline void
dp_acl_key(const struct rte_ipv4_hdr *ip, uint32_t len, struct gw_acl_key *k)
{
	unsigned int ihl = (ip->version_ihl & 0xf) * 4u;

	k->proto = ip->next_proto_id;
	k->pad[0] = k->pad[1] = k->pad[2] = 0;
	k->src = ip->src_addr;
	k->dst = ip->dst_addr;
	k->sport = 0;
	k->dport = 0;
	if ((ip->next_proto_id == IPPROTO_TCP || ip->next_proto_id == IPPROTO_UDP ||
	     ip->next_proto_id == IPPROTO_SCTP) &&
	    !(ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) &&
	    len >= ihl + 4) {
		const uint16_t *ports = (const uint16_t *)((const uint8_t *)ip + ihl);

		k->sport = ports[0];
		k->dport = ports[1];
	}
}

/* The SP rule for one key, or NULL. */
static inline const struct gw_sp_rt *
dp_sp_lookup(unsigned int dir, const struct gw_acl_key *k)
{
	const uint8_t *data = (const uint8_t *)k;
	uint32_t res = 0;

	if (gw.acl[dir] == NULL)
		return NULL;
	rte_acl_classify(gw.acl[dir], &data, &res, 1, 1);
	return res ? &gw.sp[res - 1] : NULL;
}

/* Strip Ethernet, check the IPv4 header, trim the frame's padding. */
static inline struct rte_ipv4_hdr *
dp_l3(struct gw_lcore *lc, struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	unsigned int ihl, tot;

	if (unlikely(m->nb_segs != 1 || m->data_len < sizeof(*eth))) {
		dp_drop(lc, m, GW_DROP_MALFORMED);
		return NULL;
	}
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		dp_drop(lc, m, GW_DROP_NOT_IPV4);
		return NULL;
	}
	rte_pktmbuf_adj(m, sizeof(*eth));
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	if (unlikely(m->data_len < sizeof(*ip) || (ip->version_ihl >> 4) != 4)) {
		dp_drop(lc, m, GW_DROP_MALFORMED);
		return NULL;
	}
	ihl = (ip->version_ihl & 0xf) * 4u;
	tot = rte_be_to_cpu_16(ip->total_length);
	/* No RX checksum offload is assumed: the header sum of a correct
	 * header, its checksum included, is 0xffff. */
	if (unlikely(ihl < sizeof(*ip) || tot < ihl || tot > m->data_len ||
		     rte_raw_cksum(ip, ihl) != 0xffff)) {
		dp_drop(lc, m, GW_DROP_MALFORMED);
		return NULL;
	}
	if (m->data_len > tot)
		rte_pktmbuf_trim(m, (uint16_t)(m->data_len - tot));
	return ip;
}

static inline void
dp_ipv4_fix(struct rte_ipv4_hdr *ip, uint16_t tot)
{
	ip->total_length = rte_cpu_to_be_16(tot);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* Route by destination, add Ethernet, queue for TX. */
static inline void
dp_route(struct gw_lcore *lc, struct rte_mbuf *m, uint32_t dst_be, bool esp)
{
	struct rte_ether_hdr *eth;
	uint32_t port;

	if (rte_lpm_lookup(gw.lpm, rte_be_to_cpu_32(dst_be), &port) != 0 ||
	    port >= GW_MAX_PORTS || !(gw.opts.portmask & (1u << port))) {
		dp_drop(lc, m, GW_DROP_NO_ROUTE);
		return;
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (unlikely(eth == NULL)) {
		dp_drop(lc, m, GW_DROP_TOO_BIG);
		return;
	}
	rte_ether_addr_copy(&gw.neigh[port], &eth->dst_addr);
	rte_ether_addr_copy(&gw.port_mac[port], &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	lc->port[port].tx++;
	lc->port[port].tx_esp += esp;
	rte_eth_tx_buffer((uint16_t)port, (uint16_t)lc->idx, lc->txb[port], m);
}

static inline void
dp_sa_kill(struct gw_sa *sa)
{
	if (!(__atomic_fetch_or(&sa->flags, GW_SA_F_DEAD, __ATOMIC_RELAXED) & GW_SA_F_DEAD))
		__atomic_fetch_add(&sa->hard_events, 1, __ATOMIC_RELAXED);
}

static inline void
dp_sa_soft(struct gw_sa *sa)
{
	__atomic_fetch_or(&sa->flags, GW_SA_F_SOFT, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sa->soft_events, 1, __ATOMIC_RELAXED);
}

/* Outbound lifetimes and sequence number; false: the SA stopped. */
static inline bool
dp_out_take_seq(struct gw_sa *sa, uint32_t len, uint64_t *seq_out)
{
	uint64_t seq, pkts;

	if (unlikely(__atomic_load_n(&sa->flags, __ATOMIC_RELAXED) & GW_SA_F_DEAD))
		return false;
	/* One atomic add: several lcores on one SA never share a sequence
	 * number, and so never an IV (GCM's IV is the sequence number). */
	seq = __atomic_add_fetch(&sa->seq_out, 1, __ATOMIC_RELAXED);
	/* RFC 4303 §3.3.3: without ESN the counter must not cycle. */
	if (unlikely((!sa->esn && seq > UINT32_MAX) || seq == 0)) {
		dp_sa_kill(sa);
		return false;
	}
	pkts = seq - sa->seq_init;
	if (unlikely(sa->life_pkts_hard && pkts > sa->life_pkts_hard)) {
		dp_sa_kill(sa);
		return false;
	}
	if (unlikely(sa->life_pkts_soft && pkts == sa->life_pkts_soft))
		dp_sa_soft(sa);
	if (unlikely(sa->life_bytes_hard || sa->life_bytes_soft)) {
		uint64_t b = __atomic_add_fetch(&sa->bytes_out, len, __ATOMIC_RELAXED);

		if (sa->life_bytes_hard && b > sa->life_bytes_hard) {
			dp_sa_kill(sa);
			return false;
		}
		if (sa->life_bytes_soft && b >= sa->life_bytes_soft && b - len < sa->life_bytes_soft)
			dp_sa_soft(sa);
	}
	*seq_out = seq;
	return true;
}

/* Frame an outbound packet in place; fills @p d. false: dropped. */
static bool
dp_outbound(struct gw_lcore *lc, struct rte_mbuf *m, struct gw_sa *sa, struct ce_desc *d)
{
	struct gw_meta *meta = dp_meta(m);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	const unsigned int l3 = m->pkt_len;
	unsigned int ihl = (ip->version_ihl & 0xf) * 4u;
	unsigned int payload, hdr, pad, tail, total;
	uint8_t nh, *esp, *iv, *trailer;
	uint64_t seq;

	if (sa->mode == GW_MODE_TUNNEL4) {
		payload = l3;
		nh = GW_NH_IPV4;
		hdr = sizeof(struct rte_ipv4_hdr) + GW_ESP_HDR_LEN + sa->iv_len;
		total = hdr;
	} else {
		payload = l3 - ihl;
		nh = ip->next_proto_id;
		hdr = GW_ESP_HDR_LEN + sa->iv_len;
		total = ihl + hdr;
	}
	pad = (sa->block - (payload + GW_ESP_TRAILER_LEN) % sa->block) % sa->block;
	tail = pad + GW_ESP_TRAILER_LEN + sa->icv_len;
	total += payload + tail;
	if (unlikely(total > UINT16_MAX ||
		     rte_pktmbuf_headroom(m) < hdr + sizeof(struct rte_ether_hdr) ||
		     rte_pktmbuf_tailroom(m) < tail)) {
		dp_drop(lc, m, GW_DROP_TOO_BIG);
		return false;
	}
	if (unlikely(!dp_out_take_seq(sa, l3, &seq))) {
		lc->sa_stats[sa->index].expired++;
		dp_drop(lc, m, GW_DROP_SA_EXPIRED);
		return false;
	}

	trailer = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)tail);
	for (unsigned int i = 0; i < pad; i++)
		trailer[i] = (uint8_t)(i + 1);	/* RFC 4303 §2.4 default padding */
	trailer[pad] = (uint8_t)pad;
	trailer[pad + 1] = nh;

	if (sa->mode == GW_MODE_TUNNEL4) {
		struct rte_ipv4_hdr *outer;
		uint8_t tos = ip->type_of_service;

		outer = (struct rte_ipv4_hdr *)rte_pktmbuf_prepend(m, (uint16_t)hdr);
		outer->version_ihl = 0x45;
		outer->type_of_service = tos;
		outer->packet_id = 0;
		outer->fragment_offset = 0;
		outer->time_to_live = 64;
		outer->next_proto_id = GW_IPPROTO_ESP;
		outer->src_addr = rte_cpu_to_be_32(sa->tun_src);
		outer->dst_addr = rte_cpu_to_be_32(sa->tun_dst);
		dp_ipv4_fix(outer, (uint16_t)total);
		esp = (uint8_t *)(outer + 1);
	} else {
		uint8_t *start = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)hdr);

		/* ESP goes between the IPv4 header and its payload. */
		memmove(start, start + hdr, ihl);
		ip = (struct rte_ipv4_hdr *)start;
		ip->next_proto_id = GW_IPPROTO_ESP;
		dp_ipv4_fix(ip, (uint16_t)total);
		esp = start + ihl;
	}
	{
		/* The ESP header is 2-byte aligned behind Ethernet: no u32 stores. */
		const uint32_t hdr_words[2] = { rte_cpu_to_be_32(sa->spi),
						rte_cpu_to_be_32((uint32_t)seq) };

		memcpy(esp, hdr_words, sizeof(hdr_words));
	}
	iv = esp + GW_ESP_HDR_LEN;
	if (sa->aead) {
		/* RFC 4106 §3.1 / RFC 7634 §2: a counter, unique per key: the
		 * 64-bit sequence number. */
		uint64_t be = rte_cpu_to_be_64(seq);

		memcpy(iv, &be, 8);
	} else {
		dp_random_iv(lc, iv, sa->iv_len);
	}

	meta->sa = sa;
	meta->seq = seq;
	meta->dir = GW_DIR_OUT;
	meta->l3_len = (uint16_t)l3;

	d->session = sa->session;
	d->op = CE_OP_ENCRYPT;
	d->flags = 0;
	d->rsvd = 0;
	d->src_off = dp_off(iv + sa->iv_len);
	d->dst_off = d->src_off;
	d->len = payload + pad + GW_ESP_TRAILER_LEN;
	d->iv_off = dp_off(iv);
	if (!sa->esn) {
		/* authenc: the ICV covers SPI, sequence number, IV, ciphertext. */
		d->aad_off = dp_off(esp);
		d->aad_len = GW_ESP_HDR_LEN + (sa->aead ? 0 : sa->iv_len);
	} else {
		d->aad_off = dp_off(meta->aad);
		d->aad_len = dp_esn_aad(meta, sa, seq, iv);
	}
	d->digest_off = dp_off(trailer + pad + GW_ESP_TRAILER_LEN);
	if (unlikely(gw.opts.null_crypto))
		d->aad_len = 0;		/* cipher_null sessions take no AAD */
	return true;
}

/* Look up and check an inbound ESP packet; fills @p d. false: dropped. */
static bool
dp_inbound(struct gw_lcore *lc, struct rte_mbuf *m, struct ce_desc *d)
{
	struct gw_meta *meta = dp_meta(m);
	const uint8_t *pkt = rte_pktmbuf_mtod(m, const uint8_t *);
	union rte_ipsec_sad_key key = { 0 };
	const union rte_ipsec_sad_key *kp = &key;
	struct gw_esp_view v;
	struct gw_sa *sa = NULL;
	void *found = NULL;
	uint64_t seq;
	int verdict;

	if (gw_esp_parse_inbound(pkt, m->pkt_len, 0, 0, 1, &v) != GW_ESP_OK) {
		dp_drop(lc, m, GW_DROP_MALFORMED);
		return false;
	}
	if (gw.sad != NULL) {
		key.v4.spi = rte_cpu_to_be_32(v.spi);
		key.v4.dip = rte_cpu_to_be_32(v.dst);
		key.v4.sip = rte_cpu_to_be_32(v.src);
		if (rte_ipsec_sad_lookup(gw.sad, &kp, &found, 1) > 0)
			sa = found;
	}
	if (sa == NULL || (sa->mode == GW_MODE_TUNNEL4 &&
			   (v.src != sa->tun_src || v.dst != sa->tun_dst))) {
		dp_drop(lc, m, GW_DROP_NO_SA);
		return false;
	}
	if (unlikely(sa->flags & GW_SA_F_DEAD)) {
		lc->sa_stats[sa->index].expired++;
		dp_drop(lc, m, GW_DROP_SA_EXPIRED);
		return false;
	}
	if (gw_esp_parse_inbound(pkt, m->pkt_len, sa->iv_len, sa->icv_len, sa->block, &v) !=
	    GW_ESP_OK) {
		dp_drop(lc, m, GW_DROP_MALFORMED);
		return false;
	}
	seq = sa->esn ? gw_esn_infer(sa->replay.top, sa->replay.size, v.seq) : v.seq;
	/* Before decryption (RFC 4303 §3.4.3); the window moves only after the ICV. */
	verdict = gw_replay_check(&sa->replay, seq);
	if (unlikely(verdict != GW_REPLAY_OK)) {
		if (verdict == GW_REPLAY_SEEN) {
			lc->sa_stats[sa->index].replayed++;
			dp_drop(lc, m, GW_DROP_REPLAYED);
		} else {
			lc->sa_stats[sa->index].outside_window++;
			dp_drop(lc, m, GW_DROP_OUTSIDE_WINDOW);
		}
		return false;
	}

	meta->sa = sa;
	meta->seq = seq;
	meta->dir = GW_DIR_IN;
	meta->l3_len = v.payload_len;
	meta->ihl = v.ihl;
	meta->payload_off = v.payload_off;

	d->session = sa->session;
	d->op = CE_OP_DECRYPT;
	d->flags = 0;
	d->rsvd = 0;
	d->src_off = dp_off(pkt + v.payload_off);
	d->dst_off = d->src_off;
	d->len = v.payload_len;
	d->iv_off = dp_off(pkt + v.esp_off + GW_ESP_HDR_LEN);
	if (!sa->esn) {
		d->aad_off = dp_off(pkt + v.esp_off);
		d->aad_len = GW_ESP_HDR_LEN + (sa->aead ? 0 : sa->iv_len);
	} else {
		d->aad_off = dp_off(meta->aad);
		d->aad_len = dp_esn_aad(meta, sa, seq, pkt + v.esp_off + GW_ESP_HDR_LEN);
	}
	d->digest_off = dp_off(pkt + v.payload_off + v.payload_len);
	if (unlikely(gw.opts.null_crypto))
		d->aad_len = 0;
	return true;
}

/* A decrypted packet: window, trailer, decapsulation, inbound policy, route. */
static void
dp_inbound_done(struct gw_lcore *lc, struct rte_mbuf *m)
{
	struct gw_meta *meta = dp_meta(m);
	struct gw_sa *sa = meta->sa;
	struct gw_sa_stats *st = &lc->sa_stats[sa->index];
	uint8_t *pkt = rte_pktmbuf_mtod(m, uint8_t *);
	uint8_t *plain = pkt + meta->payload_off;
	const struct gw_sp_rt *sp;
	struct rte_ipv4_hdr *ip;
	struct gw_acl_key key;
	size_t inner_len;
	uint8_t nh;

	/* Two copies of one sequence number may both have passed the check
	 * before either verified: only the first one counts. */
	if (unlikely(gw_replay_check(&sa->replay, meta->seq) != GW_REPLAY_OK)) {
		st->replayed++;
		dp_drop(lc, m, GW_DROP_REPLAYED);
		return;
	}
	gw_replay_update(&sa->replay, meta->seq);

	if (gw_esp_check_trailer(plain, meta->l3_len, &nh, &inner_len) != 0) {
		st->bad_padding++;
		dp_drop(lc, m, GW_DROP_BAD_PADDING);
		return;
	}
	if (nh == GW_NH_NONE) {
		dp_drop(lc, m, GW_DROP_DUMMY);
		return;
	}
	sa->in_pkts++;
	sa->in_bytes += inner_len;
	if (unlikely(sa->life_pkts_hard || sa->life_pkts_soft || sa->life_bytes_hard ||
		     sa->life_bytes_soft)) {
		if ((sa->life_pkts_hard && sa->in_pkts > sa->life_pkts_hard) ||
		    (sa->life_bytes_hard && sa->in_bytes > sa->life_bytes_hard)) {
			dp_sa_kill(sa);
			st->expired++;
			dp_drop(lc, m, GW_DROP_SA_EXPIRED);
			return;
		}
		if ((sa->life_pkts_soft && sa->in_pkts == sa->life_pkts_soft) ||
		    (sa->life_bytes_soft && sa->in_bytes >= sa->life_bytes_soft &&
		     sa->in_bytes - inner_len < sa->life_bytes_soft))
			dp_sa_soft(sa);
	}

	if (sa->mode == GW_MODE_TUNNEL4) {
		unsigned int tot, ihl;

		if (nh != GW_NH_IPV4) {
			dp_drop(lc, m, GW_DROP_BAD_NEXT_HEADER);
			return;
		}
		ip = (struct rte_ipv4_hdr *)plain;
		if (inner_len < sizeof(*ip) || (ip->version_ihl >> 4) != 4) {
			dp_drop(lc, m, GW_DROP_MALFORMED);
			return;
		}
		ihl = (ip->version_ihl & 0xf) * 4u;
		tot = rte_be_to_cpu_16(ip->total_length);
		/* Bytes after the inner datagram are TFC padding (§2.7). */
		if (ihl < sizeof(*ip) || tot < ihl || tot > inner_len) {
			dp_drop(lc, m, GW_DROP_MALFORMED);
			return;
		}
		rte_pktmbuf_adj(m, meta->payload_off);
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - tot));
	} else {
		unsigned int esp_len = meta->payload_off - meta->ihl;
		unsigned int tot = meta->ihl + (unsigned int)inner_len;

		/* Close the gap the ESP header and IV left. */
		memmove(pkt + esp_len, pkt, meta->ihl);
		rte_pktmbuf_adj(m, (uint16_t)esp_len);
		ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
		ip->next_proto_id = nh;
		dp_ipv4_fix(ip, (uint16_t)tot);
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - tot));
	}

	/* The inner packet must be one this SA is allowed to carry. */
	dp_acl_key(ip, m->pkt_len, &key);
	sp = dp_sp_lookup(GW_DIR_IN, &key);
	if (sp == NULL || sp->action != GW_SP_PROTECT || sp->sa != sa) {
		dp_drop(lc, m, sp && sp->action == GW_SP_DISCARD ? GW_DROP_DISCARD : GW_DROP_NO_POLICY);
		return;
	}
	st->pkts++;
	st->bytes += m->pkt_len;
	dp_route(lc, m, ip->dst_addr, false);
}

static void
dp_completions(struct gw_lcore *lc)
{
	struct ce_cqe cqes[GW_CQ_BURST];
	int n, i;

	n = ce_poll_burst(lc->qp, cqes, GW_CQ_BURST);
	if (unlikely(n < 0)) {
		/* -ENOTCONN: gone, every request reported; -EIO: ring broken.
		 * Either way the watchdog takes it from here. */
		lc->notice = true;
		return;
	}
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m;
		struct gw_meta *meta;

		if (unlikely(cqes[i].status == -EINPROGRESS || cqes[i].cookie >= lc->nb_slots))
			continue;	/* not a final completion (no MAY_BACKLOG is used) */
		m = lc->slot[cqes[i].cookie];
		if (unlikely(m == NULL))
			continue;	/* already reclaimed: never a double free */
		lc->slot[cqes[i].cookie] = NULL;
		lc->free_slot[lc->nb_free++] = (uint32_t)cqes[i].cookie;
		meta = dp_meta(m);
		lc->inflight--;
		if (unlikely(cqes[i].status != 0)) {
			if (cqes[i].status == -EBADMSG && meta->dir == GW_DIR_IN) {
				lc->sa_stats[meta->sa->index].bad_icv++;
				dp_drop(lc, m, GW_DROP_BAD_ICV);
			} else {
				/* -ESHUTDOWN: the daemon stopped before serving it;
				 * -ECONNRESET: it went away with it (libcryptoeng's
				 * synthesised completion). */
				bool gone = cqes[i].status == -ESHUTDOWN ||
					    cqes[i].status == -ECONNRESET;

				dp_drop(lc, m, gone ? GW_DROP_DAEMON_GONE : GW_DROP_DAEMON_REFUSED);
			}
			continue;
		}
		if (meta->dir == GW_DIR_OUT) {
			struct gw_sa *sa = meta->sa;
			const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);

			lc->sa_stats[sa->index].pkts++;
			lc->sa_stats[sa->index].bytes += meta->l3_len;
			dp_route(lc, m, ip->dst_addr, true);
		} else {
			dp_inbound_done(lc, m);
		}
	}
}

static void
dp_rx(struct gw_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	const bool unprotected = gw.opts.unprotected_mask & (1u << port);
	const unsigned int dir = unprotected ? GW_DIR_IN : GW_DIR_OUT;
	const bool daemon_up = __atomic_load_n(&gw.daemon_up, __ATOMIC_ACQUIRE);
	struct ce_desc descs[GW_BURST];
	struct rte_mbuf *sent[GW_BURST];
	struct rte_mbuf *clear[GW_BURST];
	struct gw_acl_key keys[GW_BURST];
	const uint8_t *kp[GW_BURST];
	uint32_t res[GW_BURST];
	unsigned int nd = 0, nc = 0;
	enum gw_drop why;
	int taken;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct rte_ipv4_hdr *ip;

		dp_meta(m)->in_port = (uint8_t)port;
		lc->port[port].rx++;
		ip = dp_l3(lc, m);
		if (ip == NULL)
			continue;
		if (unprotected && ip->next_proto_id == GW_IPPROTO_ESP) {
			lc->port[port].rx_esp++;
			if (unlikely(!daemon_up || nd == lc->nb_free))
				dp_drop(lc, m, daemon_up ? GW_DROP_DAEMON_BUSY : GW_DROP_DAEMON_GONE);
			else if (dp_inbound(lc, m, &descs[nd]))
				sent[nd++] = m;
			continue;
		}
		dp_acl_key(ip, m->pkt_len, &keys[nc]);
		kp[nc] = (const uint8_t *)&keys[nc];
		clear[nc++] = m;
	}

	/* One classification for the burst's clear packets (rte_acl's SIMD
	 * paths work on several at once). */
	if (nc && gw.acl[dir])
		rte_acl_classify(gw.acl[dir], kp, res, nc, 1);
	else
		memset(res, 0, sizeof(res[0]) * nc);
	for (unsigned int i = 0; i < nc; i++) {
		struct rte_mbuf *m = clear[i];
		const struct gw_sp_rt *sp = res[i] ? &gw.sp[res[i] - 1] : NULL;

		if (sp == NULL) {
			dp_drop(lc, m, GW_DROP_NO_POLICY);
		} else if (sp->action == GW_SP_BYPASS) {
			dp_route(lc, m, keys[i].dst, false);
		} else if (sp->action == GW_SP_DISCARD) {
			dp_drop(lc, m, GW_DROP_DISCARD);
		} else if (unprotected) {
			/* Clear traffic where policy demands ESP. */
			dp_drop(lc, m, GW_DROP_NO_POLICY);
		} else if (unlikely(!daemon_up || nd == lc->nb_free)) {
			/* Before a sequence number is taken: none is wasted. */
			dp_drop(lc, m, daemon_up ? GW_DROP_DAEMON_BUSY : GW_DROP_DAEMON_GONE);
		} else if (dp_outbound(lc, m, sp->sa, &descs[nd])) {
			sent[nd++] = m;
		}
	}
	if (nd == 0)
		return;
	/* Each packet goes with a slot: the cookie says which. */
	for (unsigned int i = 0; i < nd; i++) {
		uint32_t s = lc->free_slot[lc->nb_free - 1 - i];

		descs[i].cookie = s;
		lc->slot[s] = sent[i];
	}
	taken = ce_submit_burst(lc->qp, descs, nd);
	why = GW_DROP_DAEMON_BUSY;
	if (unlikely(taken < 0)) {
		/* -ESHUTDOWN / -ENOTCONN / -EIO: stopping, gone or broken. */
		why = GW_DROP_DAEMON_GONE;
		lc->notice = true;
		taken = 0;
	}
	lc->inflight += (uint32_t)taken;
	lc->nb_free -= (uint32_t)taken;
	for (unsigned int i = (unsigned int)taken; i < nd; i++) {
		lc->slot[descs[i].cookie] = NULL;
		dp_drop(lc, sent[i], why);
	}
}

/* The daemon is gone: nothing in flight will come back. Free it all. */
static void
dp_reclaim(struct gw_lcore *lc)
{
	for (uint32_t s = 0; s < lc->nb_slots; s++) {
		if (lc->slot[s] == NULL)
			continue;
		dp_drop(lc, lc->slot[s], GW_DROP_DAEMON_GONE);
		lc->slot[s] = NULL;
		lc->free_slot[lc->nb_free++] = s;
	}
	lc->inflight = 0;
}

static void
dp_flush(struct gw_lcore *lc)
{
	for (uint16_t port = 0; port < GW_MAX_PORTS; port++)
		if (lc->txb[port])
			rte_eth_tx_buffer_flush(port, (uint16_t)lc->idx, lc->txb[port]);
}

int
gw_lcore_main(void *arg)
{
	struct gw_lcore *lc = gw.by_lcore[rte_lcore_id()];
	const bool is_main = rte_lcore_id() == rte_get_main_lcore();
	const uint64_t hz = rte_get_tsc_hz();
	uint64_t next_stats = rte_rdtsc() + hz * gw.opts.stats_interval;
	struct rte_mbuf *pkts[GW_BURST];

	(void)arg;
	if (lc == NULL) {
		/* The main lcore without queues: statistics only. */
		while (is_main && !gw.quit) {
			rte_delay_us_sleep(100 * 1000);
			if (gw.opts.stats_interval && rte_rdtsc() >= next_stats) {
				gw_stats_print(&gw);
				next_stats += hz * gw.opts.stats_interval;
			}
		}
		return 0;
	}
	while (!gw.quit) {
		uint32_t gen = __atomic_load_n(&gw.gen, __ATOMIC_ACQUIRE);

		if (unlikely(gen != lc->seen_gen)) {
			dp_reclaim(lc);
			__atomic_store_n(&lc->seen_gen, gen, __ATOMIC_RELEASE);
		}
		if (unlikely(__atomic_load_n(&gw.pause, __ATOMIC_ACQUIRE))) {
			/* The watchdog swaps ports and queue pairs: stay off them. */
			dp_flush(lc);
			__atomic_store_n(&lc->paused, true, __ATOMIC_RELEASE);
			while (__atomic_load_n(&gw.pause, __ATOMIC_ACQUIRE) && !gw.quit)
				rte_pause();
			__atomic_store_n(&lc->paused, false, __ATOMIC_RELEASE);
			continue;
		}
		/* No room for a burst with the daemon: leave the packets in the
		 * NIC (its queue absorbs the surge) rather than spend cycles
		 * receiving packets only to drop them. */
		for (unsigned int q = 0; q < lc->nb_rxq && lc->nb_free >= GW_BURST; q++) {
			uint16_t n = rte_eth_rx_burst(lc->rxq[q].port, lc->rxq[q].queue, pkts, GW_BURST);

			if (n)
				dp_rx(lc, lc->rxq[q].port, pkts, n);
		}
		if (lc->inflight)
			dp_completions(lc);
		dp_flush(lc);
		if (is_main && gw.opts.stats_interval && rte_rdtsc() >= next_stats) {
			gw_stats_print(&gw);
			next_stats += hz * gw.opts.stats_interval;
		}
	}
	/* Collect what is still with the daemon (bounded: it may be gone). */
	for (uint64_t deadline = rte_rdtsc() + hz; lc->inflight && gw.daemon_up &&
	     rte_rdtsc() < deadline;)
		dp_completions(lc);
	dp_reclaim(lc);
	dp_flush(lc);
	return 0;
}
