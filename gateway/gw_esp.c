/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP parsing and checks that see untrusted bytes (libc only, so a fuzzer
 * can drive them), the algorithm table and the anti-replay window.
 */
#include <errno.h>
#include <string.h>

#include "gw_esp.h"
#include "gw_parse.h"

static const struct gw_alg_desc gw_algs[GW_ALG_COUNT] = {
	/* RFC 4106: 8-byte explicit IV, 4-byte salt at the end of the key. */
	[GW_ALG_AES_GCM] = { "rfc4106(gcm(aes))", NULL, 8, 16, 4, true },
	/* RFC 7634: the same shape. */
	[GW_ALG_CHACHA_POLY] = { "rfc7539esp(chacha20,poly1305)", NULL, 8, 16, 4, true },
	/* RFC 3602 + RFC 2404 / RFC 4868: IV = one AES block, truncated HMAC.
	 * ESN (RFC 4303 §2.2.1): the kernel's authencesn, which the daemon has
	 * for SHA1 and SHA256 only. */
	[GW_ALG_CBC_SHA1] = { "authenc(hmac(sha1),cbc(aes))", "authencesn(hmac(sha1),cbc(aes))",
			      16, 12, 16, false },
	[GW_ALG_CBC_SHA256] = { "authenc(hmac(sha256),cbc(aes))",
				"authencesn(hmac(sha256),cbc(aes))", 16, 16, 16, false },
	[GW_ALG_CBC_SHA512] = { "authenc(hmac(sha512),cbc(aes))", NULL, 16, 32, 16, false },
};

const struct gw_alg_desc *
gw_alg_get(unsigned int alg)
{
	if (alg == 0 || alg >= GW_ALG_COUNT)
		return NULL;
	return &gw_algs[alg];
}

static inline uint16_t
esp_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
esp_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int
gw_esp_parse_inbound(const uint8_t *pkt, size_t len, unsigned int iv_len,
		     unsigned int icv_len, unsigned int block, struct gw_esp_view *v)
{
	unsigned int ihl, tot, frag, esp_len, ct_len;

	if (len < 20 || (pkt[0] >> 4) != 4)
		return GW_ESP_NOT_ESP;
	if (pkt[9] != GW_IPPROTO_ESP)
		return GW_ESP_NOT_ESP;
	ihl = (pkt[0] & 0xfu) * 4u;
	tot = esp_be16(pkt + 2);
	frag = esp_be16(pkt + 6);
	/* An Ethernet frame may carry padding after the datagram: trust the
	 * IPv4 total length, never more than the buffer. */
	if (ihl < 20 || tot < ihl || tot > len)
		return GW_ESP_MALFORMED;
	/* Fragments are not reassembled (MF set or an offset). */
	if (frag & 0x3fffu)
		return GW_ESP_MALFORMED;
	esp_len = tot - ihl;
	if (esp_len < GW_ESP_HDR_LEN + iv_len + GW_ESP_TRAILER_LEN + icv_len)
		return GW_ESP_MALFORMED;
	ct_len = esp_len - GW_ESP_HDR_LEN - iv_len - icv_len;
	if (block > 1 && ct_len % block)
		return GW_ESP_MALFORMED;
	v->spi = esp_be32(pkt + ihl);
	v->seq = esp_be32(pkt + ihl + 4);
	v->l3_len = (uint16_t)tot;
	v->ihl = (uint16_t)ihl;
	v->esp_off = (uint16_t)ihl;
	v->payload_off = (uint16_t)(ihl + GW_ESP_HDR_LEN + iv_len);
	v->payload_len = (uint16_t)ct_len;
	v->src = esp_be32(pkt + 12);
	v->dst = esp_be32(pkt + 16);
	return GW_ESP_OK;
}

int
gw_esp_check_trailer(const uint8_t *plain, size_t len, uint8_t *next_header, size_t *inner_len)
{
	unsigned int pad, i;

	if (len < GW_ESP_TRAILER_LEN)
		return -EINVAL;
	pad = plain[len - 2];
	if (pad > len - GW_ESP_TRAILER_LEN)
		return -EBADMSG;
	for (i = 0; i < pad; i++)
		if (plain[len - 2 - pad + i] != (uint8_t)(i + 1))
			return -EBADMSG;
	*next_header = plain[len - 1];
	*inner_len = len - GW_ESP_TRAILER_LEN - pad;
	return 0;
}

uint32_t
gw_replay_words(uint32_t size)
{
	uint32_t words = 1;

	/* One spare word, so the bits of the window's low end are not cleared
	 * when top moves into a fresh word. */
	while (words * 64 < size + 64)
		words <<= 1;
	return words;
}

int
gw_replay_check(const struct gw_replay *w, uint64_t seq)
{
	uint64_t bit;

	if (w->size == 0 || seq > w->top)
		return GW_REPLAY_OK;
	if (w->top - seq >= w->size)
		return GW_REPLAY_LEFT;
	bit = seq & ((uint64_t)w->nb_words * 64 - 1);
	if (w->bits[bit / 64] & (1ull << (bit % 64)))
		return GW_REPLAY_SEEN;
	return GW_REPLAY_OK;
}

void
gw_replay_update(struct gw_replay *w, uint64_t seq)
{
	uint64_t nbits = (uint64_t)w->nb_words * 64, bit;

	if (w->size == 0) {
		if (seq > w->top)
			w->top = seq;
		return;
	}
	if (seq > w->top) {
		uint64_t from = w->top / 64 + 1, to = seq / 64;

		/* Clear the words the window moves into (all of them at most). */
		if (to - from + 1 >= w->nb_words)
			memset(w->bits, 0, w->nb_words * sizeof(uint64_t));
		else
			for (uint64_t k = from; k <= to && to >= from; k++)
				w->bits[k & (w->nb_words - 1)] = 0;
		w->top = seq;
	}
	bit = seq & (nbits - 1);
	w->bits[bit / 64] |= 1ull << (bit % 64);
}

uint64_t
gw_esn_infer(uint64_t top, uint32_t size, uint32_t seq_lo)
{
	uint32_t tl = (uint32_t)top, th = (uint32_t)(top >> 32);
	uint32_t w = size ? size : GW_REPLAY_MIN;

	if (tl >= w - 1) {
		/* Case A: the window lies within one 2^32 span. */
		if (seq_lo >= tl - w + 1)
			return (uint64_t)th << 32 | seq_lo;
		return (uint64_t)(th + 1) << 32 | seq_lo;
	}
	/* Case B: the window spans the wrap of the low half. */
	if (seq_lo >= tl - w + 1 && th > 0)
		return (uint64_t)(th - 1) << 32 | seq_lo;
	return (uint64_t)th << 32 | seq_lo;
}
