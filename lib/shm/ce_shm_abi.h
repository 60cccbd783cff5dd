/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * cryptoeng shared-memory ABI: what lives in the client's memfd region.
 *
 * Everything here is seen by both the client and the daemon. Structures hold
 * offsets from the start of the region, never pointers. The daemon trusts
 * none of it: see ce_shm.h for the private ring state and the validator.
 *
 * This header has no DPDK dependency and is installed with libcryptoeng.
 */
#ifndef CE_SHM_ABI_H
#define CE_SHM_ABI_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The layout checks below, in C and in C++ (where _Static_assert is not a keyword). */
#ifdef __cplusplus
#define CE_ABI_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define CE_ABI_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/**
 * Protocol version carried in HELLO, the message header and the region header.
 * 2: asymmetric operations (CE_OP_SIGN.., CE_MSG_ASYM_SESSION_CREATE, the
 * session's out_max in the SESSION_CREATE reply).
 * Also 2: the authenc key is the kernel's blob (ce_authenc_key_build()) and
 * SESSION_CREATE's key holds CE_SESSION_KEY_MAX bytes.
 * 3: an SQ slot may hold two compact ESP-layout descriptors (struct
 * ce_desc_esp, CE_DESC_F_ESP) instead of one struct ce_desc.
 * A peer of another version is refused with -EPROTO ("protocol version differs").
 */
#define CE_SHM_VERSION		3u

/** Region header magic ("CEshm" in spirit). */
#define CE_REGION_MAGIC		0x6d687345u

/** Cache line size the layout is built around. */
#define CE_CACHE_LINE		64u

/**
 * Operations (ce_desc.op). Symmetric sessions use 1..4; asymmetric ones
 * (made with CE_MSG_ASYM_SESSION_CREATE) use ENCRYPT/DECRYPT (akcipher) and
 * 5..8. See docs/PROTOCOL.md, "Asymmetric requests", for each op's fields.
 */
#define CE_OP_ENCRYPT		1
#define CE_OP_DECRYPT		2
#define CE_OP_DIGEST		3
#define CE_OP_VERIFY		4
#define CE_OP_SIGN		5	/**< src: digest; dst: signature (out_len bytes) */
#define CE_OP_SIG_VERIFY	6	/**< src: digest; aad: signature; 0 or -EBADMSG */
#define CE_OP_KPP_PUBKEY	7	/**< len 0; dst: the session key's public key */
#define CE_OP_KPP_SECRET	8	/**< src: the peer's public key; dst: shared secret */
#define CE_OP_MAX		CE_OP_KPP_SECRET

/** Bit of @p op in an op mask (CE_MSG_ASYM_SESSION_CREATE's ops). */
#define CE_OP_BIT(op)		(1u << (op))

/** @return 1 for an op of asymmetric sessions only (SIGN..KPP_SECRET). */
static inline int
ce_op_is_asym_only(uint8_t op)
{
	return op >= CE_OP_SIGN && op <= CE_OP_KPP_SECRET;
}

/**
 * Longest key of an asymmetric session: DER, a PKCS#8 PrivateKeyInfo or a
 * SubjectPublicKeyInfo (an RSA-4096 private key with CRT parameters is
 * about 2.4 KiB).
 */
#define CE_ASYM_KEY_MAX		4096u

/** Session direction (SESSION_CREATE). */
#define CE_SESS_DIR_ENCRYPT	1	/**< encrypt / digest */
#define CE_SESS_DIR_DECRYPT	2	/**< decrypt / verify */
#define CE_SESS_DIR_BOTH	3

/** Descriptor flags (ce_desc.flags); every other bit is reserved and must be 0. */
#define CE_DESC_F_MAY_BACKLOG	0x01
#define CE_DESC_F_VALID_MASK	CE_DESC_F_MAY_BACKLOG
/**
 * ce_desc_esp.flags: the SQ slot holds a pair of compact descriptors (struct
 * ce_desc_pair), not one struct ce_desc. Set in every compact descriptor;
 * the flags byte sits at the same offset in both forms, so the first half's
 * says what the slot is. Never set in a struct ce_desc.
 */
#define CE_DESC_F_ESP		0x80

/**
 * Submission queue entry: exactly one cache line.
 *
 * All offsets are from the start of the region and must fall inside the
 * arena. A length of zero makes the matching offset unused. IV length and
 * digest length are properties of the session.
 *
 * Asymmetric ops reuse the fields: src_off/len the input (digest to sign or
 * verify, plaintext or ciphertext, the peer's public key; len 0 for
 * KPP_PUBKEY), dst_off the output, with room for the session's out_max bytes
 * (unused by SIG_VERIFY), aad_off/aad_len the signature (SIG_VERIFY only);
 * iv_off and digest_off unused. The completion's out_len says how many bytes
 * were written at dst.
 */
struct ce_desc {
	uint64_t cookie;	/**< returned as is in the completion */
	uint32_t session;	/**< session handle from SESSION_CREATE */
	uint8_t op;		/**< CE_OP_* */
	uint8_t flags;		/**< CE_DESC_F_* */
	uint16_t rsvd;		/**< must be zero */
	uint64_t src_off;	/**< input data */
	uint64_t dst_off;	/**< output data; == src_off means in place */
	uint32_t len;		/**< data length (src and dst) */
	uint32_t aad_len;	/**< AAD length, 0 = none */
	uint64_t iv_off;	/**< IV, session iv_len bytes */
	uint64_t aad_off;	/**< AAD, aad_len bytes */
	uint64_t digest_off;	/**< tag/digest, session digest_len bytes */
};

/**
 * Compact descriptor of the ESP layout, 32 bytes, two to an SQ slot (struct
 * ce_desc_pair): the request's ranges lie back to back, in place,
 *
 *     off: [AAD, aad_len][IV, session iv_len][data, len][digest, session digest_len]
 *
 * which is an ESP packet's order (SPI and sequence number, IV, payload, ICV)
 * and a hash's (data, digest). It means exactly the struct ce_desc with
 * aad_off = off, iv_off = off + aad_len, src_off = dst_off = iv_off +
 * iv_len, digest_off = src_off + len, and is accepted exactly when that one
 * is (ce_shm_desc_esp_expand()); its only range check is the whole window.
 * Symmetric sessions only. libcryptoeng writes this form by itself for a
 * pair of such descriptors (ce_submit_burst()).
 */
struct ce_desc_esp {
	uint64_t cookie;	/**< returned as is in the completion */
	uint32_t session;	/**< session handle from SESSION_CREATE */
	uint8_t op;		/**< CE_OP_ENCRYPT..CE_OP_VERIFY; 0: an empty second half */
	uint8_t flags;		/**< CE_DESC_F_ESP, and CE_DESC_F_MAY_BACKLOG */
	uint16_t aad_len;	/**< AAD length at off, 0 = none */
	uint64_t off;		/**< start of the window (region offset) */
	uint32_t len;		/**< data length */
	uint32_t rsvd;		/**< must be zero */
};

/**
 * An SQ slot of two compact descriptors: d[0] is a request; d[1] is one when
 * its op is not 0 (an odd burst leaves it empty, all zero).
 */
struct ce_desc_pair {
	struct ce_desc_esp d[2];
};

/**
 * One SQ slot as the daemon copies it out: a struct ce_desc, or a pair of
 * compact ones when the flags byte has CE_DESC_F_ESP.
 */
union ce_sq_slot {
	struct ce_desc desc;
	struct ce_desc_pair pair;
};

/** Completion queue entry: 16 bytes. */
struct ce_cqe {
	uint64_t cookie;	/**< ce_desc.cookie of the request */
	int32_t status;		/**< 0 or -errno (-EBADMSG: tag mismatch, invalid signature) */
	uint32_t out_len;	/**< bytes written to dst (digest ops: digest length;
				 *   asymmetric ops: at most the session's out_max) */
};

/**
 * Cookie of the daemon's notice CQE (status -EIO): it stopped serving this
 * queue pair because a ring index in shared memory was impossible. Not the
 * completion of a request; the daemon also closes the control socket.
 */
#define CE_CQE_COOKIE_BROKEN	UINT64_MAX

/**
 * Cookie of the daemon's notice CQE (status -ESHUTDOWN): the daemon is
 * stopping. Not the completion of a request. Every descriptor in the SQ is
 * still answered with exactly one CQE (served within the daemon's stop
 * timeout, else -ESHUTDOWN); descriptors submitted after the notice are
 * answered -ESHUTDOWN. Then the daemon closes the control socket.
 */
#define CE_CQE_COOKIE_SHUTDOWN	(UINT64_MAX - 1)

CE_ABI_ASSERT(sizeof(struct ce_desc) == CE_CACHE_LINE, "descriptor must be one cache line");
CE_ABI_ASSERT(sizeof(struct ce_cqe) == 16, "completion must be 16 bytes");
CE_ABI_ASSERT(sizeof(struct ce_desc_pair) == sizeof(struct ce_desc), "a pair fills one slot");
CE_ABI_ASSERT(offsetof(struct ce_desc_esp, flags) == offsetof(struct ce_desc, flags),
	      "the flags byte says which form a slot holds");

/** Ring flag: the consumer is going to sleep; the producer must ring the doorbell. */
#define CE_RING_F_NEED_WAKEUP	0x1u

/**
 * Shared header of one SPSC ring; the entries follow it directly.
 *
 * The producer writes only @c prod, the consumer only @c cons and @c flags.
 * Each side keeps its own copy of size, mask and its own index privately and
 * never reads them back from here.
 */
struct ce_ring_shared {
	volatile uint32_t prod __attribute__((aligned(CE_CACHE_LINE)));
	volatile uint32_t cons __attribute__((aligned(CE_CACHE_LINE)));
	volatile uint32_t flags __attribute__((aligned(CE_CACHE_LINE)));
} __attribute__((aligned(CE_CACHE_LINE)));

CE_ABI_ASSERT(sizeof(struct ce_ring_shared) == 3 * CE_CACHE_LINE, "ring header layout");

/** Bytes taken in the region by a ring of @p entries entries of @p esize bytes. */
static inline uint64_t
ce_ring_bytes(uint32_t entries, uint32_t esize)
{
	return sizeof(struct ce_ring_shared) + (uint64_t)entries * esize;
}

/**
 * Region header at offset 0. Informational: the daemon uses it only for a
 * sanity check; geometry comes from the REGION and QP_CREATE messages.
 */
struct ce_region_hdr {
	uint32_t magic;		/**< CE_REGION_MAGIC */
	uint32_t version;	/**< CE_SHM_VERSION */
	uint64_t size;		/**< region size in bytes */
	uint64_t arena_off;	/**< start of the data arena */
	uint64_t arena_len;	/**< length of the data arena */
	uint32_t nb_qp;		/**< queue pair slots laid out by the client */
	uint32_t rsvd[7];
};

CE_ABI_ASSERT(sizeof(struct ce_region_hdr) == CE_CACHE_LINE, "region header is one line");

/** Longest session key SESSION_CREATE carries (an authenc key blob included). */
#define CE_SESSION_KEY_MAX	512u

/**
 * authenc(...) and authencesn(...) keys are the Linux kernel's blob, the
 * layout crypto_authenc_extractkeys() parses and libkcapi users pass: a
 * struct rtattr (u16 rta_len = 8, u16 rta_type = CE_AUTHENC_KEYA_PARAM, host
 * byte order) whose payload is exactly a big-endian u32 enckeylen, then the
 * HMAC key (any length: the rest), then the cipher key (enckeylen bytes).
 */
#define CE_AUTHENC_KEYA_PARAM	1u
/** Bytes of the blob before the HMAC key: the rtattr header and enckeylen. */
#define CE_AUTHENC_KEY_HDR_LEN	8u

/**
 * Build an authenc key blob (see CE_AUTHENC_KEYA_PARAM) in @p blob, which
 * must not overlap either key.
 *
 * @return the blob's length (CE_AUTHENC_KEY_HDR_LEN + both keys), or
 *   -EINVAL: NULL blob, a NULL key with a non-zero length, or a blob longer
 *   than @p size or than CE_SESSION_KEY_MAX.
 */
static inline int
ce_authenc_key_build(uint8_t *blob, size_t size, const uint8_t *auth_key, size_t auth_key_len,
		     const uint8_t *enc_key, size_t enc_key_len)
{
	const uint16_t rta_len = CE_AUTHENC_KEY_HDR_LEN, rta_type = CE_AUTHENC_KEYA_PARAM;
	size_t total;

	if (blob == NULL || (auth_key_len != 0 && auth_key == NULL) ||
	    (enc_key_len != 0 && enc_key == NULL) || auth_key_len > CE_SESSION_KEY_MAX ||
	    enc_key_len > CE_SESSION_KEY_MAX)
		return -EINVAL;
	total = CE_AUTHENC_KEY_HDR_LEN + auth_key_len + enc_key_len;
	if (total > size || total > CE_SESSION_KEY_MAX)
		return -EINVAL;
	memcpy(blob, &rta_len, sizeof(rta_len));
	memcpy(blob + 2, &rta_type, sizeof(rta_type));
	blob[4] = (uint8_t)(enc_key_len >> 24);
	blob[5] = (uint8_t)(enc_key_len >> 16);
	blob[6] = (uint8_t)(enc_key_len >> 8);
	blob[7] = (uint8_t)enc_key_len;
	if (auth_key_len != 0)
		memcpy(blob + CE_AUTHENC_KEY_HDR_LEN, auth_key, auth_key_len);
	if (enc_key_len != 0)
		memcpy(blob + CE_AUTHENC_KEY_HDR_LEN + auth_key_len, enc_key, enc_key_len);
	return (int)total;
}

#ifdef __cplusplus
}
#endif

#endif /* CE_SHM_ABI_H */
