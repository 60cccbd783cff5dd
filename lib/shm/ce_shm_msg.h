/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * cryptoeng control protocol over AF_UNIX SOCK_SEQPACKET.
 *
 * Every message is one datagram: a fixed 16-byte header and a payload whose
 * length is fixed by the type (CE_MSG_CTL is the only variable one). The
 * receive helper refuses anything truncated, over-long, of the wrong length
 * for its type, or carrying file descriptors the type does not expect (those
 * fds are closed). Every request gets one CE_MSG_REPLY with the same seq.
 *
 * Sequence: HELLO -> REGION (memfd) -> QP_CREATE (2 eventfds)... ->
 * SESSION_CREATE / ASYM_SESSION_CREATE... -> SESSION_DESTROY... -> BYE.
 * See docs/PROTOCOL.md.
 */
#ifndef CE_SHM_MSG_H
#define CE_SHM_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "ce_shm_abi.h"

#include "ce_shm_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CE_MSG_MAGIC		0x43454d47u	/* "CEMG" */

enum ce_msg_type {
	CE_MSG_HELLO = 1,	/**< ce_msg_hello */
	CE_MSG_REGION = 2,	/**< ce_msg_region + memfd */
	CE_MSG_QP_CREATE = 3,	/**< ce_msg_qp_create + sq doorbell eventfd, cq eventfd */
	CE_MSG_QP_DESTROY = 4,	/**< ce_msg_qp_destroy */
	CE_MSG_SESSION_CREATE = 5,	/**< ce_msg_session_create */
	CE_MSG_SESSION_DESTROY = 6,	/**< ce_msg_session_destroy */
	CE_MSG_CTL = 7,		/**< JSON request text, 1..CE_MSG_CTL_MAX bytes */
	CE_MSG_BYE = 8,		/**< empty */
	CE_MSG_REPLY = 9,	/**< ce_msg_reply (status + reason), answers any request */
	CE_MSG_CTL_REPLY = 10,	/**< JSON reply text, 1..CE_MSG_CTL_MAX bytes */
	CE_MSG_ASYM_SESSION_CREATE = 11,	/**< ce_msg_asym_session_create (version 2) */
	CE_MSG_TYPE_MAX
};

/** Fixed header of every message. */
struct ce_msg_hdr {
	uint32_t magic;		/**< CE_MSG_MAGIC */
	uint16_t version;	/**< CE_SHM_VERSION */
	uint16_t type;		/**< enum ce_msg_type */
	uint32_t len;		/**< payload bytes after this header */
	uint32_t seq;		/**< request sequence; a reply echoes it */
};

#define CE_MSG_NAME_MAX		64	/**< alg/driver name buffer, NUL included */
#define CE_MSG_KEY_MAX		CE_SESSION_KEY_MAX	/**< largest key (ce_shm_abi.h) */
#define CE_MSG_REASON_MAX	128	/**< reason text buffer, NUL included */
#define CE_MSG_CTL_MAX		16384	/**< largest CTL / CTL_REPLY payload */
#define CE_MSG_MAX_FDS		2	/**< most fds a message carries */

struct ce_msg_hello {
	uint32_t version;	/**< CE_SHM_VERSION */
	uint32_t flags;		/**< reserved, 0 */
	char name[32];		/**< client name for stats, NUL-terminated */
};

struct ce_msg_region {
	uint64_t size;		/**< memfd size */
	uint64_t arena_off;	/**< data arena start */
	uint64_t arena_len;	/**< data arena length */
};

struct ce_msg_qp_create {
	uint32_t sq_entries;	/**< power of two; ce_desc entries */
	uint32_t cq_entries;	/**< power of two; ce_cqe entries */
	uint64_t sq_off;	/**< SQ ring (header + entries) offset */
	uint64_t cq_off;	/**< CQ ring offset */
	uint32_t flags;		/**< reserved, 0 */
	uint32_t rsvd;
};

struct ce_msg_qp_destroy {
	uint32_t qp_id;
	uint32_t rsvd;
};

struct ce_msg_session_create {
	char alg[CE_MSG_NAME_MAX];	/**< kernel name, e.g. "gcm(aes)" */
	char driver[CE_MSG_NAME_MAX];	/**< optional driver name, "" = any */
	uint8_t key[CE_MSG_KEY_MAX];
	uint32_t key_len;
	uint32_t iv_len;
	uint32_t digest_len;
	uint32_t aad_max;
	uint32_t direction;	/**< CE_SESS_DIR_* */
	uint32_t flags;		/**< reserved, 0 */
};

/**
 * An asymmetric session (akcipher, sig, kpp): the key is DER, a PKCS#8
 * PrivateKeyInfo or a SubjectPublicKeyInfo (X.509), as OpenSSL's
 * d2i_AutoPrivateKey() / d2i_PUBKEY() read them. Fixed size: a key of up to
 * CE_ASYM_KEY_MAX bytes fits one datagram; bytes past key_len are ignored.
 * key_len over CE_ASYM_KEY_MAX is a protocol error (-EPROTO); a key the
 * backend cannot parse is refused by the reply (-EINVAL, "malformed key:
 * ..."), the connection stays.
 */
struct ce_msg_asym_session_create {
	char alg[CE_MSG_NAME_MAX];	/**< kernel name, e.g. "ecdsa-nist-p256" */
	char driver[CE_MSG_NAME_MAX];	/**< optional driver name, "" = any */
	uint32_t key_len;		/**< 1..CE_ASYM_KEY_MAX */
	uint32_t ops;			/**< CE_OP_BIT() of each op wanted; 0 = every op
					 *   the algorithm and the key allow */
	uint32_t flags;			/**< reserved, 0 */
	uint32_t rsvd;			/**< reserved, 0 */
	uint8_t key[CE_ASYM_KEY_MAX];
};

struct ce_msg_session_destroy {
	uint32_t handle;
	uint32_t rsvd;
};

/** Reply to any request. */
struct ce_msg_reply {
	int32_t status;		/**< 0 or -errno */
	uint32_t req_type;	/**< type of the request answered */
	union {
		struct {
			uint32_t version;	/**< daemon's protocol version */
			uint32_t max_qps;
			uint64_t max_region;
		} hello;
		struct {
			uint32_t qp_id;
			uint32_t lcore;		/**< engine lcore serving it */
			uint32_t credits;	/**< in-flight limit for this QP */
			uint32_t rsvd;
		} qp;
		struct {
			uint32_t handle;
			uint32_t out_max;	/**< asymmetric: the most bytes an op
						 *   writes at dst; symmetric: 0 */
			uint32_t ops;		/**< CE_OP_BIT() of each op the
						 *   session performs */
		} session;
		uint8_t raw[24];
	} u;
	char reason[CE_MSG_REASON_MAX];	/**< human-readable, NUL-terminated */
};

/** A received message, in the receiver's private memory. */
struct ce_msg {
	struct ce_msg_hdr hdr;
	union {
		struct ce_msg_hello hello;
		struct ce_msg_region region;
		struct ce_msg_qp_create qp_create;
		struct ce_msg_qp_destroy qp_destroy;
		struct ce_msg_session_create session_create;
		struct ce_msg_asym_session_create asym_session_create;
		struct ce_msg_session_destroy session_destroy;
		struct ce_msg_reply reply;
		char ctl[CE_MSG_CTL_MAX + 1];	/**< NUL added by ce_msg_recv() */
	} u;
	int fds[CE_MSG_MAX_FDS];	/**< received fds (owned by the caller) */
	unsigned int nb_fds;
};

/**
 * Payload length and fd count a message type must carry.
 *
 * @return 0, or -EPROTO for an unknown type. For CE_MSG_CTL/CTL_REPLY
 *   @p min_len is 1 and @p max_len CE_MSG_CTL_MAX; otherwise equal.
 */
int ce_msg_type_info(uint16_t type, size_t *min_len, size_t *max_len, unsigned int *nb_fds);

/**
 * Send one message. The payload length and fd count must match the type.
 *
 * @return 0, -EINVAL (length or fd count wrong for the type), -EPIPE /
 *   -ECONNRESET (peer gone), or -errno from sendmsg.
 */
int ce_msg_send(int sock, uint16_t type, uint32_t seq, const void *payload, size_t len,
		const int *fds, unsigned int nb_fds);

/** Most descriptors ce_msg_sendv() passes in one record (the kernel's SCM_MAX_FD). */
#define CE_MSG_SENDV_MAX_FDS	253

/**
 * Send one record made of @p nb_iov pieces, with @p nb_fds descriptors as
 * SCM_RIGHTS, without looking at what it holds: ce_msg_send() checks the
 * message first; tests and fuzzers send malformed records through this.
 * MSG_NOSIGNAL is always added to @p flags (a vanished peer is -EPIPE, not a
 * SIGPIPE); EINTR is retried.
 *
 * @return bytes sent, or -EINVAL (more than CE_MSG_SENDV_MAX_FDS fds), or
 *   -errno from sendmsg.
 */
ssize_t ce_msg_sendv(int sock, const struct iovec *iov, unsigned int nb_iov, const int *fds,
		     unsigned int nb_fds, int flags);

/**
 * Send a CE_MSG_REPLY.
 *
 * @param reason  copied (truncated) into the reply; NULL = ""
 * @param u       reply payload union (may be NULL)
 * @return as ce_msg_send().
 */
int ce_msg_send_reply(int sock, uint32_t seq, uint16_t req_type, int32_t status,
		      const char *reason, const void *u, size_t ulen);

/**
 * Receive one message into @p m (private memory). File descriptors arrive
 * with MSG_CMSG_CLOEXEC. Strings in the payload are checked to be
 * NUL-terminated inside their buffers; reserved fields must be 0.
 *
 * On any error every received fd is closed and m->nb_fds is 0.
 *
 * @param why  set to a short static reason on failure (may be NULL)
 * @return 0, -ECONNRESET (peer closed: a 0-byte read), -EMSGSIZE (datagram
 *   longer than the largest message), -EPROTO (bad magic, a peer of another
 *   protocol version (@p why says "protocol version differs"), unknown
 *   type, wrong length for the type, wrong fd count, unterminated string,
 *   truncated control data), or -errno from recvmsg (-EAGAIN, -EINTR...).
 */
int ce_msg_recv(int sock, struct ce_msg *m, const char **why);

/** Close every fd held in @p m and set nb_fds to 0. */
void ce_msg_close_fds(struct ce_msg *m);

/** Wipe a message's payload (it may hold key bytes). */
void ce_msg_wipe(struct ce_msg *m);

#ifdef __cplusplus
}
#endif

#endif /* CE_SHM_MSG_H */
