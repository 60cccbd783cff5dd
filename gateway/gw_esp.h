/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * ESP (RFC 4303) pieces the data path shares: the algorithm table (the
 * daemon's kernel names and ESP sizes), the anti-replay window (§3.4.3) and
 * ESN reconstruction (Appendix A). libc only.
 */
#ifndef GW_ESP_H
#define GW_ESP_H

#include <stdbool.h>
#include <stdint.h>

#include "gw_parse.h"

#define GW_ESP_HDR_LEN		8	/**< SPI + sequence number */
#define GW_ESP_TRAILER_LEN	2	/**< pad length + next header */
#define GW_IPPROTO_ESP		50
#define GW_NH_IPV4		4
#define GW_NH_NONE		59	/**< dummy packet (RFC 4303 §2.6) */
#define GW_REPLAY_MIN		64
#define GW_REPLAY_MAX		4096

/** What an algorithm is to ESP and to the daemon. */
struct gw_alg_desc {
	const char *kernel_name;	/**< the daemon's algorithm name */
	const char *esn_name;		/**< with -e when not AEAD: authencesn(...), NULL: none */
	uint8_t iv_len;			/**< IV on the wire */
	uint8_t icv_len;
	uint8_t block;			/**< payload + trailer aligned to it */
	bool aead;			/**< AAD = ESP header only; IV a counter */
};

/** @return the description of @p alg (an enum gw_alg), NULL when unknown. */
const struct gw_alg_desc *gw_alg_get(unsigned int alg);

/** The daemon's algorithm for an SA of @p a, with 64-bit sequence numbers
 * when @p esn; NULL when the daemon has none (CBC + SHA512 with ESN). */
static inline const char *
gw_alg_session_name(const struct gw_alg_desc *a, bool esn)
{
	return esn && !a->aead ? a->esn_name : a->kernel_name;
}

/**
 * Anti-replay window of one inbound SA: a bitmap of the last @c size
 * sequence numbers ending at @c top. Owned by one lcore.
 */
struct gw_replay {
	uint64_t top;		/**< highest sequence number accepted */
	uint32_t size;		/**< window size, 0 = no replay check */
	uint32_t nb_words;	/**< bitmap words, a power of two */
	uint64_t *bits;		/**< nb_words words, bit (seq % (64 * nb_words)) */
};

/** Outcome of gw_replay_check(). */
enum gw_replay_verdict {
	GW_REPLAY_OK = 0,
	GW_REPLAY_SEEN,		/**< replayed: already accepted */
	GW_REPLAY_LEFT,		/**< left of the window */
};

/** Bitmap words needed for a window of @p size (the caller allocates them zeroed). */
uint32_t gw_replay_words(uint32_t size);

/**
 * Check @p seq against the window before decryption (RFC 4303 §3.4.3):
 * nothing is changed, so a forged packet costs no sequence number.
 */
int gw_replay_check(const struct gw_replay *w, uint64_t seq);

/** Mark @p seq accepted, moving the window right if needed: after the ICV verified. */
void gw_replay_update(struct gw_replay *w, uint64_t seq);

/**
 * The full 64-bit sequence number of a received low half @p seq_lo, for a
 * window of @p size whose top is @p top (RFC 4303 Appendix A2.2).
 */
uint64_t gw_esn_infer(uint64_t top, uint32_t size, uint32_t seq_lo);

#endif /* GW_ESP_H */
