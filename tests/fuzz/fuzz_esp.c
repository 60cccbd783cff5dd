/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the gateway's inbound ESP parsing (gateway/gw_esp.c):
 * gw_esp_parse_inbound() in its two steps (headers, then the SA's payload
 * geometry) and gw_esp_check_trailer() on the payload taken as plaintext.
 * The first input byte picks the SA's algorithm; the rest is the packet,
 * from its IPv4 header (libFuzzer's buffer is exactly that long: ASan
 * reports any read past it).
 *
 * Invariants of an accepted packet: IPv4 protocol 50, not a fragment, the
 * header length and total length inside the buffer, the SPI, sequence
 * number and addresses the bytes the offsets name, and with the SA's sizes:
 * IV + ciphertext + ICV fill the datagram exactly, the ciphertext a
 * multiple of the block and long enough for the trailer. An accepted
 * trailer's padding is 1, 2, 3, ... and inner + pad + 2 is the payload.
 */
#include <errno.h>

#include "gw_esp.h"
#include "gw_parse.h"
#include "fuzz.h"

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
check_headers(const uint8_t *pkt, size_t len, const struct gw_esp_view *v)
{
	FUZZ_CHECK(len >= 20 && pkt[0] >> 4 == 4 && pkt[9] == GW_IPPROTO_ESP);
	FUZZ_CHECK(v->ihl == (pkt[0] & 0xf) * 4 && v->ihl >= 20);
	FUZZ_CHECK(v->l3_len == (pkt[2] << 8 | pkt[3]) && v->l3_len <= len);
	FUZZ_CHECK(((pkt[6] << 8 | pkt[7]) & 0x3fff) == 0);
	FUZZ_CHECK(v->esp_off == v->ihl && v->esp_off + GW_ESP_HDR_LEN <= v->l3_len);
	FUZZ_CHECK(v->spi == be32(pkt + v->esp_off) && v->seq == be32(pkt + v->esp_off + 4));
	FUZZ_CHECK(v->src == be32(pkt + 12) && v->dst == be32(pkt + 16));
	FUZZ_CHECK((size_t)v->payload_off + v->payload_len <= v->l3_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct gw_alg_desc *a;
	struct gw_esp_view v;
	const uint8_t *pkt;
	size_t len, inner = 0;
	uint8_t nh = 0, *plain;
	int ret;

	if (size < 1)
		return 0;
	a = gw_alg_get(data[0] % GW_ALG_COUNT);
	pkt = data + 1;
	len = size - 1;

	/* Step 1: headers only, as the gateway does before it knows the SA. */
	memset(&v, 0, sizeof(v));
	ret = gw_esp_parse_inbound(pkt, len, 0, 0, 1, &v);
	FUZZ_CHECK(ret == GW_ESP_OK || ret == GW_ESP_NOT_ESP || ret == GW_ESP_MALFORMED);
	if (ret != GW_ESP_OK)
		return 0;
	check_headers(pkt, len, &v);
	if (a == NULL)
		return 0;

	/* Step 2: the SA's IV, ICV and block. */
	memset(&v, 0, sizeof(v));
	ret = gw_esp_parse_inbound(pkt, len, a->iv_len, a->icv_len, a->block, &v);
	FUZZ_CHECK(ret == GW_ESP_OK || ret == GW_ESP_MALFORMED);
	if (ret != GW_ESP_OK)
		return 0;
	check_headers(pkt, len, &v);
	FUZZ_CHECK(v.payload_off == v.ihl + GW_ESP_HDR_LEN + a->iv_len);
	FUZZ_CHECK((size_t)v.payload_off + v.payload_len + a->icv_len == v.l3_len);
	FUZZ_CHECK(v.payload_len >= GW_ESP_TRAILER_LEN);
	FUZZ_CHECK(a->block <= 1 || v.payload_len % a->block == 0);

	/* The payload as if decrypted: a buffer exactly its size. */
	plain = malloc(v.payload_len);
	FUZZ_CHECK(plain != NULL);
	memcpy(plain, pkt + v.payload_off, v.payload_len);
	ret = gw_esp_check_trailer(plain, v.payload_len, &nh, &inner);
	FUZZ_CHECK(ret == 0 || ret == -EBADMSG);
	if (ret == 0) {
		size_t pad = plain[v.payload_len - 2];

		FUZZ_CHECK(inner + pad + GW_ESP_TRAILER_LEN == v.payload_len);
		FUZZ_CHECK(nh == plain[v.payload_len - 1]);
		for (size_t i = 0; i < pad; i++)
			FUZZ_CHECK(plain[inner + i] == (uint8_t)(i + 1));
	}
	free(plain);
	return 0;
}
