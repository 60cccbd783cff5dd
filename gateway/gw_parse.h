/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The gateway's two parsers of untrusted input, behind one small header so
 * that a fuzz harness can call them without DPDK: the configuration file
 * (ipsec-secgw's sa/sp/rt/neigh syntax) and the inbound ESP packet.
 *
 * Both are plain C over a byte buffer (libc only): gw_config.c, gw_esp.c.
 */
#ifndef GW_PARSE_H
#define GW_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define GW_KEY_MAX	104	/**< longest daemon key: the authenc blob of HMAC-SHA512 and AES-256 */
#define GW_ERR_LEN	256	/**< room for a parser error message */

enum gw_dir {
	GW_DIR_IN = 0,		/**< inbound: ESP arrives on an unprotected port */
	GW_DIR_OUT = 1,		/**< outbound: clear traffic from a protected port */
};

enum gw_mode {
	GW_MODE_TUNNEL4 = 1,	/**< ipv4-tunnel */
	GW_MODE_TRANSPORT = 2,	/**< transport (IPv4) */
};

/** SA algorithms the daemon serves (the kernel's names in gw_esp.c). */
enum gw_alg {
	GW_ALG_AES_GCM = 1,	/**< aes-{128,192,256}-gcm: rfc4106(gcm(aes)) */
	GW_ALG_CHACHA_POLY,	/**< chacha20-poly1305: rfc7539esp(chacha20,poly1305) */
	GW_ALG_CBC_SHA1,	/**< aes-*-cbc + sha1-hmac: authenc(hmac(sha1),cbc(aes)) */
	GW_ALG_CBC_SHA256,	/**< aes-*-cbc + sha256-hmac: authenc(hmac(sha256),cbc(aes)) */
	GW_ALG_CBC_SHA512,	/**< aes-*-cbc + sha512-hmac: authenc(hmac(sha512),cbc(aes)) */
	GW_ALG_COUNT
};

/** One `sa` line. */
struct gw_sa_cfg {
	uint32_t spi;
	uint8_t dir;		/**< enum gw_dir */
	uint8_t mode;		/**< enum gw_mode */
	uint8_t alg;		/**< enum gw_alg */
	uint8_t key_len;	/**< bytes of key, in the daemon's layout */
	/** AEAD: key || 4-byte salt. authenc: the kernel's blob (ce_authenc_key_build). */
	uint8_t key[GW_KEY_MAX];
	uint32_t tun_src;	/**< tunnel outer source, host order */
	uint32_t tun_dst;	/**< tunnel outer destination, host order */
	uint64_t esn;		/**< `esn N`: initial sequence number (default 0) */
	uint64_t life_pkts_soft, life_pkts_hard;	/**< 0 = none */
	uint64_t life_bytes_soft, life_bytes_hard;	/**< 0 = none */
	unsigned int line;
};

enum gw_sp_action {
	GW_SP_PROTECT = 1,
	GW_SP_BYPASS,
	GW_SP_DISCARD,
};

/** One `sp ipv4` line. */
struct gw_sp_cfg {
	uint8_t dir;		/**< enum gw_dir */
	uint8_t action;		/**< enum gw_sp_action */
	uint8_t proto_lo, proto_hi;
	uint32_t spi;		/**< protect SPI */
	int32_t pri;
	uint32_t src, dst;	/**< host order */
	uint8_t src_depth, dst_depth;
	uint16_t sport_lo, sport_hi;
	uint16_t dport_lo, dport_hi;
	unsigned int line;
};

/** One `rt ipv4` line. */
struct gw_rt_cfg {
	uint32_t dst;		/**< host order */
	uint8_t depth;
	uint16_t port;
	unsigned int line;
};

/** One `neigh` line. */
struct gw_neigh_cfg {
	uint16_t port;
	uint8_t mac[6];
	unsigned int line;
};

/** A parsed configuration; arrays owned (gw_config_free()). */
struct gw_config {
	struct gw_sa_cfg *sa;
	unsigned int nb_sa, cap_sa;
	struct gw_sp_cfg *sp;
	unsigned int nb_sp, cap_sp;
	struct gw_rt_cfg *rt;
	unsigned int nb_rt, cap_rt;
	struct gw_neigh_cfg *neigh;
	unsigned int nb_neigh, cap_neigh;
};

/**
 * Parse a configuration in ipsec-secgw's syntax: `#` comments, a trailing
 * `\` joins the next line (as ipsec-secgw: with nothing in between), one
 * statement per line. Appends to @p cfg (zeroed by the caller, or holding
 * an earlier parse). Stops at the first error.
 *
 * @param buf     the text; need not be NUL-terminated; NUL bytes are errors
 * @param len     its length
 * @param name    file name used in messages
 * @param cfg     where statements are appended
 * @param err     receives "name:line: message" on failure (may be NULL)
 * @param err_len size of @p err
 * @return 0, -EINVAL (syntax, value out of range, or an unsupported keyword:
 *   the message names it), -E2BIG (statement over 1022 characters, the
 *   limit ipsec-secgw has too), -ENOMEM.
 */
int gw_config_parse(const char *buf, size_t len, const char *name,
		    struct gw_config *cfg, char *err, size_t err_len);

/**
 * Cross-check a parsed configuration: SPIs unique per direction, every
 * `protect` SP naming an SA of its direction, tunnel SAs with both addresses.
 *
 * @return 0 or -EINVAL with "name:line: message" in @p err.
 */
int gw_config_check(const struct gw_config *cfg, const char *name,
		    char *err, size_t err_len);

/** Free what gw_config_parse() allocated; the struct is zeroed. */
void gw_config_free(struct gw_config *cfg);

/** What gw_esp_parse_inbound() found in a well-formed ESP packet. */
struct gw_esp_view {
	uint32_t spi;		/**< host order */
	uint32_t seq;		/**< low 32 bits, host order */
	uint16_t l3_len;	/**< IPv4 total length (trailing bytes beyond it are not ESP) */
	uint16_t ihl;		/**< outer IPv4 header length */
	uint16_t esp_off;	/**< offset of the ESP header from the IPv4 header */
	uint16_t payload_off;	/**< offset of the ciphertext (after the IV) */
	uint16_t payload_len;	/**< ciphertext bytes (before the ICV) */
	uint32_t src, dst;	/**< outer addresses, host order */
};

/** Reasons gw_esp_parse_inbound() refuses a packet. */
enum gw_esp_err {
	GW_ESP_OK = 0,
	GW_ESP_NOT_ESP = 1,	/**< not IPv4 / not protocol 50: a clear packet */
	GW_ESP_MALFORMED = 2,	/**< truncated, bad header length, fragment, ... */
};

/**
 * Check the IPv4 + ESP headers of an inbound packet (the buffer starts at
 * the IPv4 header) and say where SPI, sequence number and payload are.
 * Needs the SA's IV and ICV lengths, so it is done in two steps: with
 * iv_len = icv_len = 0 and block = 1 it checks the headers and reads the
 * SPI; called again with the SA's sizes it checks the payload geometry
 * (ciphertext a multiple of @p block, room for the 2-byte trailer).
 *
 * @return enum gw_esp_err.
 */
int gw_esp_parse_inbound(const uint8_t *pkt, size_t len, unsigned int iv_len,
			 unsigned int icv_len, unsigned int block,
			 struct gw_esp_view *v);

/**
 * Check the ESP trailer of a decrypted payload: the pad length fits, the
 * pad bytes are 1, 2, 3, ... (RFC 4303 §2.4 default, checked as §2.4 asks
 * a receiver that knows the scheme).
 *
 * @param plain  decrypted payload (after the IV)
 * @param len    its length, trailer included
 * @param next_header  receives the next header byte
 * @param inner_len    receives the length of the inner data before the padding
 * @return 0, or -EBADMSG (bad pad length or pad bytes), -EINVAL (len < 2).
 */
int gw_esp_check_trailer(const uint8_t *plain, size_t len, uint8_t *next_header,
			 size_t *inner_len);

#endif /* GW_PARSE_H */
