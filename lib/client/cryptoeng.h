/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * libcryptoeng: client library of the cryptoeng daemon.
 *
 * A client connects over an AF_UNIX socket, shares one sealed memfd region
 * with the daemon (rings + data arena), creates one queue pair per thread
 * and sessions by kernel algorithm name, then submits descriptors that
 * reference arena buffers by offset and polls completions. No EAL, no
 * hugepages.
 *
 * Threading: a ce_client's control calls (session/QP create/destroy,
 * buffer allocation) may be called from any thread (they take a lock); a
 * ce_qp's data-path calls (submit, poll, wait) must be called by one thread
 * at a time, with no lock taken.
 */
#ifndef CRYPTOENG_H
#define CRYPTOENG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ce_shm_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default socket path, overridden by $CRYPTOENG_SOCKET or an explicit path. */
#define CE_DEFAULT_SOCKET	"/run/cryptoeng/cryptoeng.sock"
/** Environment variable naming the socket. */
#define CE_SOCKET_ENV		"CRYPTOENG_SOCKET"

struct ce_client;
struct ce_qp;

/** Connection options; zero fields take the defaults. */
struct ce_client_opts {
	uint64_t region_size;	/**< whole region, default 16 MiB */
	uint32_t nb_qps;	/**< queue pair slots, default 4 */
	uint32_t sq_entries;	/**< SQ size, power of two, default 1024 */
	uint32_t cq_entries;	/**< CQ size, power of two, default = sq_entries */
	const char *name;	/**< client name shown in daemon stats */
};

/** Session parameters (see ce_session_create()). */
struct ce_session_params {
	const char *alg;	/**< kernel algorithm name, e.g. "gcm(aes)" */
	const char *driver;	/**< driver name, or NULL for the best one */
	const uint8_t *key;
	uint32_t key_len;	/**< at most CE_SESSION_KEY_MAX (authenc: ce_authenc_key_build();
				 *   asymmetric keys: ce_asym_session_create()) */
	uint32_t iv_len;
	uint32_t digest_len;	/**< tag/digest length, 0 = none */
	uint32_t aad_max;	/**< largest AAD used with this session */
	uint32_t direction;	/**< CE_SESS_DIR_ENCRYPT, _DECRYPT or _BOTH */
};

/**
 * Connect to the daemon: HELLO, then create, seal and send the region.
 *
 * @param socket_path  NULL: $CRYPTOENG_SOCKET, else CE_DEFAULT_SOCKET
 * @param opts         NULL for the defaults
 * @return a client, or NULL with errno set: EINVAL (bad options or path
 *   too long), ENOENT/ECONNREFUSED (no daemon), EACCES (daemon refused our
 *   uid/gid), EPROTO (protocol error or version mismatch), ENOMEM, or the
 *   daemon's -errno for the region (EPERM, EFBIG...). The daemon's reason is
 *   lost with the client; it is printed nowhere.
 */
struct ce_client *ce_client_connect(const char *socket_path, const struct ce_client_opts *opts);

/**
 * Say BYE, close the socket and unmap the region. Queue pairs still open are
 * destroyed as by ce_qp_destroy() (their requests in flight are waited for,
 * up to CE_QP_DRAIN_TIMEOUT_MS for the whole client, and their completions
 * dropped). Then it waits (at most a second) for the daemon to close its
 * side, so that a connect right after is not refused for a limit this
 * client still held. NULL is ignored. No thread may be inside a call on
 * one of the client's queue pairs.
 */
void ce_client_close(struct ce_client *c);

/**
 * The daemon's reason text for the last failed control call of this client
 * (or a local reason). Valid until the next control call. With c NULL: why
 * the calling thread's last ce_client_connect() failed (the daemon's reason
 * when it refused, e.g. a uid not allowed), valid until its next connect.
 */
const char *ce_client_last_error(struct ce_client *c);

/**
 * Send a JSON control request (e.g. stats, algs) and receive the daemon's
 * JSON answer, NUL-terminated and truncated to @p out_size.
 *
 * @return the answer's full length (like snprintf), or -EINVAL (empty or
 *   longer than 16 KiB), -ENOMEM, the daemon's -errno (reason in
 *   ce_client_last_error()), -EPROTO, -EPIPE.
 */
int ce_client_ctl(struct ce_client *c, const char *req, char *out, size_t out_size);

/**
 * Allocate @p size bytes in the shared arena, aligned to @p align (a power
 * of two; 0 = 64).
 *
 * @return a pointer into the region, or NULL with errno EINVAL (size 0 or
 *   bad alignment) or ENOMEM (arena exhausted).
 */
void *ce_buf_alloc(struct ce_client *c, size_t size, size_t align);

/** Free a buffer from ce_buf_alloc(). NULL is ignored; an unknown pointer is ignored. */
void ce_buf_free(struct ce_client *c, void *buf);

/**
 * Offset of @p p (any byte inside the arena) for a descriptor.
 *
 * @return the offset from the start of the region, or UINT64_MAX if @p p is
 *   not inside the arena.
 */
uint64_t ce_buf_offset(const struct ce_client *c, const void *p);

/** @return the pointer for a region offset, or NULL if outside the arena. */
void *ce_buf_ptr(const struct ce_client *c, uint64_t off);

/**
 * Create a queue pair (one per client thread): its SQ and CQ in the region,
 * two eventfds (SQ doorbell to the daemon, CQ notification to us).
 *
 * @return a queue pair, or NULL with errno: ENOSPC (all slots in use), or
 *   the daemon's -errno (reason in ce_client_last_error()), EPROTO, EPIPE.
 */
struct ce_qp *ce_qp_create(struct ce_client *c);

/**
 * Destroy a queue pair.
 *
 * With requests in flight (ce_qp_inflight() > 0) it first waits for their
 * completions, at most CE_QP_DRAIN_TIMEOUT_MS, and drops them: when it
 * returns 0 or -ENOTCONN the daemon no longer touches those requests'
 * buffers and they may be freed. An application that wants the completions
 * reaps until ce_qp_inflight() is 0 before destroying. Completions already
 * in the CQ and not polled are dropped the same way.
 *
 * @return 0; -ENOTCONN if the daemon had gone (nothing of the queue pair is
 *   left in it, the local side is freed); -ETIMEDOUT if requests were still
 *   in flight after the timeout (the local side is freed, its ring slot is
 *   never reused by this client, their buffers must not be reused until the
 *   daemon has gone); -EIO if the CQ was corrupted (same); or the daemon's
 *   -errno for QP_DESTROY, -EPROTO, -EPIPE.
 */
int ce_qp_destroy(struct ce_qp *qp);

/** @return the engine lcore the daemon assigned to @p qp. */
uint32_t ce_qp_lcore(const struct ce_qp *qp);

/** @return the in-flight limit (credits) of @p qp. */
uint32_t ce_qp_credits(const struct ce_qp *qp);

/**
 * Create a session.
 *
 * @return a handle (>= 0; fits in u32 ce_desc.session), or -EINVAL (bad
 *   parameters: NULL/too long name, key over CE_SESSION_KEY_MAX bytes), or the daemon's
 *   -errno (-ENOENT unknown algorithm, -EINVAL bad sizes...) with its
 *   reason in ce_client_last_error(), -EPROTO, -EPIPE.
 */
int64_t ce_session_create(struct ce_client *c, const struct ce_session_params *p);

/**
 * Parameters of an asymmetric session (see ce_asym_session_create()).
 *
 * Algorithms (the kernel's names; `cryptoengctl algs` lists what the daemon
 * offers): akcipher "rsa" (raw), "pkcs1pad(rsa,sha256)" (PKCS#1 v1.5
 * encrypt, decrypt, sign and verify of a SHA-256 digest), "oaep(rsa,sha256)"
 * (MGF1-SHA-256, empty label); sig "pkcs1(rsa,sha256)", "psspad(rsa,sha256)"
 * (MGF1-SHA-256, salt of 32 bytes), "ecdsa-nist-p256", "ecdsa-nist-p384"
 * (raw r || s); kpp "ecdh-nist-p256", "ecdh-nist-p384" (public keys x || y,
 * the secret x), "curve25519", "ffdhe2048(dh)", "ffdhe3072(dh)",
 * "ffdhe4096(dh)". Formats and lengths: docs/PROTOCOL.md.
 */
struct ce_asym_session_params {
	const char *alg;	/**< kernel algorithm name, e.g. "ecdsa-nist-p256" */
	const char *driver;	/**< driver name, or NULL for the best one */
	const uint8_t *key;	/**< DER: a PKCS#8 PrivateKeyInfo, or a
				 *   SubjectPublicKeyInfo (X.509) for a session
				 *   that only verifies or encrypts */
	uint32_t key_len;	/**< 1..CE_ASYM_KEY_MAX */
	uint32_t ops;		/**< CE_OP_BIT() of each op wanted; 0 = every op
				 *   the algorithm and the key allow */
};

/** What the daemon made of an asymmetric session. */
struct ce_asym_session_info {
	uint32_t out_max;	/**< room a request's dst needs: the most bytes an
				 *   op of this session writes (RSA: modulus bytes;
				 *   ECDSA: 2 x field bytes; ECDH: 2 x field bytes
				 *   (a public key); X25519: 32; FFDHE: prime bytes) */
	uint32_t ops;		/**< CE_OP_BIT() of each op it performs */
};

/**
 * Create an asymmetric session (akcipher, sig or kpp) from a DER key. The
 * key bytes are wiped from the library's memory once sent.
 *
 * Ops by type: akcipher CE_OP_ENCRYPT and CE_OP_DECRYPT (and CE_OP_SIGN /
 * CE_OP_SIG_VERIFY for pkcs1pad), sig CE_OP_SIGN and CE_OP_SIG_VERIFY, kpp
 * CE_OP_KPP_PUBKEY and CE_OP_KPP_SECRET. A public key gives only the ops
 * that need no private key (verify, encrypt).
 *
 * @param info  receives out_max and the ops granted (may be NULL)
 * @return a handle (>= 0; fits in u32 ce_desc.session; destroy it with
 *   ce_session_destroy()), or -EINVAL (NULL or too long name, key_len 0 or
 *   over CE_ASYM_KEY_MAX, an op bit that is not an asymmetric op), or the
 *   daemon's -errno with its reason in ce_client_last_error():
 *   -ENOENT (unknown algorithm, or one that is not asymmetric), -EINVAL
 *   (malformed key, a key of another type, curve or size than the
 *   algorithm's: the reason says which), -ENOKEY (an op asked for needs the
 *   private key and the key is public), -ENOSPC / -EAGAIN (no session slot),
 *   -EPROTO, -EPIPE.
 */
int64_t ce_asym_session_create(struct ce_client *c, const struct ce_asym_session_params *p,
			       struct ce_asym_session_info *info);

/**
 * Destroy a session; the daemon frees it once its last request completed.
 *
 * @return 0, or the daemon's -errno (-ENOENT unknown handle), -EPROTO, -EPIPE.
 */
int ce_session_destroy(struct ce_client *c, uint32_t handle);

/**
 * Submit up to @p n descriptors. Takes fewer when the SQ is full or the
 * queue pair's credits (ce_qp_inflight() reaches ce_qp_credits()) run out.
 * Rings the daemon's doorbell if its engine is asleep. No lock, no
 * allocation; one eventfd write only when the daemon sleeps.
 *
 * Each descriptor's cookie is the application's: it comes back as is in the
 * request's completion, whatever its value (the library tags the copy in the
 * SQ with its own in-flight slot and restores the cookie on completion).
 *
 * Two descriptors in a row laid out as ESP (AAD, IV, data, digest back to
 * back, in place) on symmetric sessions made by this client go into one SQ
 * slot as compact descriptors (struct ce_desc_esp); they are answered
 * exactly as the full ones would be (docs/PROTOCOL.md).
 *
 * @return number taken (0..n), or
 *   -ESHUTDOWN: the daemon said it is stopping (nothing taken; requests in
 *               flight still complete, poll them); from its notice on, also
 *               after it has gone;
 *   -EIO:       the ring was corrupted, or the daemon said so (the queue
 *               pair is dead; its requests are reported once the daemon
 *               hangs up);
 *   -ENOTCONN:  the daemon has gone without a word to this queue pair
 *               (control socket hung up; see ce_poll_burst() for the
 *               requests that were in flight).
 */
int ce_submit_burst(struct ce_qp *qp, const struct ce_desc *descs, unsigned int n);

/**
 * Reap up to @p n completions into @p cqes. Every request taken by
 * ce_submit_burst() is reported exactly once, with its own cookie.
 *
 * The daemon's notices (CE_CQE_COOKIE_SHUTDOWN, CE_CQE_COOKIE_BROKEN) are
 * taken here and never returned; they change what ce_submit_burst() returns.
 * A CQE with status -EINPROGRESS (a MAY_BACKLOG request that entered the
 * daemon's queue) is returned, but its request stays in flight: its final
 * completion follows.
 *
 * Daemon gone: when the ring is empty, at most every CE_HANGUP_CHECK_MS the
 * call checks the control socket (one poll(2) with a zero timeout; never
 * while completions keep coming). Once the socket has hung up, completions
 * the daemon posted are returned first, then one synthesised completion
 * with status -ECONNRESET and out_len 0 for every request still in flight
 * (in no particular order): those requests never completed and their
 * buffers are the application's again.
 *
 * @return number reaped (0..n); -ENOTCONN once the daemon has gone and every
 *   request has been reported; -EIO if the ring was corrupted (while the
 *   daemon is connected).
 */
int ce_poll_burst(struct ce_qp *qp, struct ce_cqe *cqes, unsigned int n);

/**
 * Block until a completion is ready, the daemon hangs up, or @p timeout_ms
 * passes (-1 = forever). Sets NEED_WAKEUP on the CQ so the daemon writes the
 * CQ eventfd, and polls the control socket with it.
 *
 * Design: one eventfd per direction per queue pair (SQ doorbell to the
 * daemon, CQ notification to the client); the daemon writes the CQ one only
 * while NEED_WAKEUP is set, so a spinning client costs it no syscall.
 *
 * @return number of completions ready (> 0; once the daemon has gone, the
 *   requests still to be reported), 0 on timeout (or a spurious wake-up
 *   from a stale eventfd count: poll again), -ENOTCONN (the daemon has gone
 *   and every request has been reported), -EIO (ring corrupted), or -errno
 *   from poll (-EINTR).
 */
int ce_wait(struct ce_qp *qp, int timeout_ms);

/* ---- reliability: in-flight requests, a daemon that goes, event loops ---- */

/** How often (at most) an empty ce_poll_burst() checks the control socket. */
#define CE_HANGUP_CHECK_MS	2
/** How long ce_qp_destroy() / ce_client_close() wait for requests in flight. */
#define CE_QP_DRAIN_TIMEOUT_MS	5000

/**
 * @return requests of @p qp not yet reported by ce_poll_burst() (submitted
 *   and not completed, including those the daemon will never answer).
 */
uint32_t ce_qp_inflight(const struct ce_qp *qp);

/**
 * Check now whether the daemon is still there (one poll(2) of the control
 * socket, zero timeout). Call it after ce_client_fd() reported an event.
 *
 * @return 0 while connected, -ENOTCONN once the daemon has hung up (or a
 *   control call saw the connection fail).
 */
int ce_client_check(struct ce_client *c);

/**
 * The control socket, for an application's own epoll loop. Register it with
 * EPOLLRDHUP and without EPOLLIN (do not read or write it: the library owns
 * its messages): EPOLLRDHUP / EPOLLHUP / EPOLLERR mean the daemon has gone
 * (stopped, crashed, or dropped this client). Then call ce_client_check()
 * or ce_poll_burst() on each queue pair: they report the requests that
 * were in flight.
 *
 * @return the fd (owned by the library, valid until ce_client_close()).
 */
int ce_client_fd(const struct ce_client *c);

/**
 * The CQ eventfd of @p qp, for an application's own epoll loop (EPOLLIN).
 * It is written by the daemon only after ce_qp_arm(); the library reads it.
 * Loop: ce_qp_arm(); if it returns 0, epoll_wait(); then ce_poll_burst()
 * until it returns 0; arm again.
 *
 * @return the fd (owned by the library, valid until ce_qp_destroy()).
 */
int ce_qp_fd(const struct ce_qp *qp);

/**
 * Before sleeping on ce_qp_fd(): clear the eventfd, set NEED_WAKEUP on the
 * CQ and check again (so no completion can slip in unseen), and check the
 * control socket. The next ce_poll_burst() that returns completions clears
 * NEED_WAKEUP again.
 *
 * @return 0: armed, sleep; > 0: completions ready (or, the daemon gone,
 *   requests to report): poll, do not sleep; -ENOTCONN: the daemon has gone
 *   and everything has been reported; -EIO: ring corrupted.
 */
int ce_qp_arm(struct ce_qp *qp);

/* ---- request preparation, in the spirit of io_uring_prep_*() ---------------
 *
 * Fill a descriptor from pointers into the arena (ce_buf_alloc()), so that a
 * client never computes region offsets by hand. Pointers outside the arena
 * become offsets the daemon refuses (the completion says -EINVAL); a NULL
 * pointer with a zero length means "none"; a NULL @p dst means in place.
 * IV, tag and digest lengths are the session's. The cookie is 0: set it with
 * ce_desc_set_cookie(). No call into the library beyond ce_buf_offset().
 */

/** Arena offset of @p p, 0 for NULL (an unused field). */
static inline uint64_t
ce_prep_off(const struct ce_client *c, const void *p)
{
	return p != NULL ? ce_buf_offset(c, p) : 0;
}

/**
 * An AEAD request: @p op CE_OP_ENCRYPT (writes @p len bytes to @p dst and the
 * tag to @p tag) or CE_OP_DECRYPT (reads the tag at @p tag; -EBADMSG if it
 * does not match).
 */
static inline void
ce_prep_aead(struct ce_desc *d, const struct ce_client *c, uint32_t session, uint8_t op,
	     const void *src, void *dst, uint32_t len, const void *iv, const void *aad,
	     uint32_t aad_len, void *tag)
{
	uint64_t src_off = ce_prep_off(c, src);

	/* Field by field, not a compound literal: the header is also C++'s. */
	memset(d, 0, sizeof(*d));
	d->session = session;
	d->op = op;
	d->src_off = src_off;
	d->dst_off = dst != NULL ? ce_prep_off(c, dst) : src_off;
	d->len = len;
	d->aad_len = aad_len;
	d->iv_off = ce_prep_off(c, iv);
	d->aad_off = aad_len ? ce_prep_off(c, aad) : 0;
	d->digest_off = ce_prep_off(c, tag);
}

/** A cipher request (CE_OP_ENCRYPT or CE_OP_DECRYPT), no tag. */
static inline void
ce_prep_cipher(struct ce_desc *d, const struct ce_client *c, uint32_t session, uint8_t op,
	       const void *src, void *dst, uint32_t len, const void *iv)
{
	ce_prep_aead(d, c, session, op, src, dst, len, iv, NULL, 0, NULL);
}

/**
 * A hash or MAC request: CE_OP_DIGEST writes the digest to @p digest,
 * CE_OP_VERIFY compares it with @p digest (-EBADMSG if they differ).
 */
static inline void
ce_prep_hash(struct ce_desc *d, const struct ce_client *c, uint32_t session, uint8_t op,
	     const void *src, uint32_t len, void *digest)
{
	uint64_t src_off = ce_prep_off(c, src);

	memset(d, 0, sizeof(*d));
	d->session = session;
	d->op = op;
	d->src_off = src_off;
	d->dst_off = src_off;
	d->len = len;
	d->digest_off = ce_prep_off(c, digest);
}

/* ---- asymmetric requests ----------------------------------------------------
 *
 * The output buffer needs room for the session's out_max bytes
 * (ce_asym_session_info) and must not overlap the input; the completion's
 * out_len says how many were written. Lengths are checked against the key:
 * a wrong one completes -EINVAL.
 */

/**
 * The form every asymmetric request shares: @p op on @p len bytes at @p src,
 * the output to @p dst (NULL: none). The calls below name each op's fields.
 */
static inline void
ce_prep_asym(struct ce_desc *d, const struct ce_client *c, uint32_t session, uint8_t op,
	     const void *src, uint32_t len, void *dst)
{
	memset(d, 0, sizeof(*d));
	d->session = session;
	d->op = op;
	d->src_off = ce_prep_off(c, src);
	d->len = len;
	d->dst_off = ce_prep_off(c, dst);
}

/**
 * Sign a digest (CE_OP_SIGN): @p sig receives the signature (RSA: modulus
 * bytes; ECDSA: r || s, 2 x field bytes). The digest is the hash the
 * algorithm names (pkcs1pad(rsa,sha256), psspad(rsa,sha256): exactly 32
 * bytes; ECDSA: any length, used as FIPS 186-5 says).
 */
static inline void
ce_prep_sign(struct ce_desc *d, const struct ce_client *c, uint32_t session,
	     const void *digest, uint32_t digest_len, void *sig)
{
	ce_prep_asym(d, c, session, CE_OP_SIGN, digest, digest_len, sig);
}

/**
 * Verify a signature over a digest (CE_OP_SIG_VERIFY): the completion's
 * status is 0 for a valid signature, -EBADMSG for an invalid one (any other
 * -errno: the check could not be made, e.g. -EINVAL for a wrong length).
 */
static inline void
ce_prep_verify(struct ce_desc *d, const struct ce_client *c, uint32_t session,
	       const void *digest, uint32_t digest_len, const void *sig, uint32_t sig_len)
{
	ce_prep_asym(d, c, session, CE_OP_SIG_VERIFY, digest, digest_len, NULL);
	d->aad_off = ce_prep_off(c, sig);
	d->aad_len = sig_len;
}

/**
 * An akcipher request: @p op CE_OP_ENCRYPT (RSA: writes modulus bytes) or
 * CE_OP_DECRYPT (@p len modulus bytes in; writes the message, out_len says
 * its length; a padding error completes -EBADMSG).
 */
static inline void
ce_prep_akcipher(struct ce_desc *d, const struct ce_client *c, uint32_t session, uint8_t op,
		 const void *src, uint32_t len, void *dst)
{
	ce_prep_asym(d, c, session, op, src, len, dst);
}

/**
 * A key agreement request: @p op CE_OP_KPP_PUBKEY (@p peer_pub NULL, @p len
 * 0; @p out receives the session key's public key) or CE_OP_KPP_SECRET
 * (@p peer_pub the peer's public key, @p len bytes; @p out receives the
 * shared secret). A public key that is not on the curve, or an X25519 point
 * that gives the all-zero secret, completes -EINVAL.
 */
static inline void
ce_prep_kpp(struct ce_desc *d, const struct ce_client *c, uint32_t session, uint8_t op,
	    const void *peer_pub, uint32_t len, void *out)
{
	ce_prep_asym(d, c, session, op, peer_pub, len, out);
}

/** The value the request's completion returns in ce_cqe.cookie. */
static inline void
ce_desc_set_cookie(struct ce_desc *d, uint64_t cookie)
{
	d->cookie = cookie;
}

#ifdef __cplusplus
}
#endif

#endif /* CRYPTOENG_H */
