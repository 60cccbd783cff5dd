/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control messages: fixed header, exact length per type, fds via SCM_RIGHTS.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ce_shm.h"

#define SHM_WHY(why, s) do { if (why) *(why) = (s); } while (0)

struct shm_msg_type {
	size_t min_len;
	size_t max_len;
	unsigned int nb_fds;
};

#define SHM_FIXED(t, n) { sizeof(t), sizeof(t), n }

static const struct shm_msg_type shm_msg_types[CE_MSG_TYPE_MAX] = {
	[CE_MSG_HELLO] = SHM_FIXED(struct ce_msg_hello, 0),
	[CE_MSG_REGION] = SHM_FIXED(struct ce_msg_region, 1),
	[CE_MSG_QP_CREATE] = SHM_FIXED(struct ce_msg_qp_create, 2),
	[CE_MSG_QP_DESTROY] = SHM_FIXED(struct ce_msg_qp_destroy, 0),
	[CE_MSG_SESSION_CREATE] = SHM_FIXED(struct ce_msg_session_create, 0),
	[CE_MSG_SESSION_DESTROY] = SHM_FIXED(struct ce_msg_session_destroy, 0),
	[CE_MSG_CTL] = { 1, CE_MSG_CTL_MAX, 0 },
	[CE_MSG_BYE] = { 0, 0, 0 },
	[CE_MSG_REPLY] = SHM_FIXED(struct ce_msg_reply, 0),
	[CE_MSG_CTL_REPLY] = { 1, CE_MSG_CTL_MAX, 0 },
	[CE_MSG_ASYM_SESSION_CREATE] = SHM_FIXED(struct ce_msg_asym_session_create, 0),
};

int
ce_msg_type_info(uint16_t type, size_t *min_len, size_t *max_len, unsigned int *nb_fds)
{
	const struct shm_msg_type *t;

	if (type == 0 || type >= CE_MSG_TYPE_MAX)
		return -EPROTO;
	t = &shm_msg_types[type];
	if (min_len)
		*min_len = t->min_len;
	if (max_len)
		*max_len = t->max_len;
	if (nb_fds)
		*nb_fds = t->nb_fds;
	return 0;
}

ssize_t
ce_msg_sendv(int sock, const struct iovec *iov, unsigned int nb_iov, const int *fds,
	     unsigned int nb_fds, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * CE_MSG_SENDV_MAX_FDS)];
		struct cmsghdr align;
	} cbuf;
	struct msghdr mh = { .msg_iov = (struct iovec *)(uintptr_t)iov, .msg_iovlen = nb_iov };
	ssize_t n;

	if (nb_fds > CE_MSG_SENDV_MAX_FDS)
		return -EINVAL;
	if (nb_fds) {
		struct cmsghdr *cm;

		memset(cbuf.buf, 0, CMSG_SPACE(sizeof(int) * nb_fds));
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nb_fds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nb_fds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nb_fds);
	}
	do {
		n = sendmsg(sock, &mh, flags | MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

int
ce_msg_send(int sock, uint16_t type, uint32_t seq, const void *payload, size_t len,
	    const int *fds, unsigned int nb_fds)
{
	struct ce_msg_hdr hdr = {
		.magic = CE_MSG_MAGIC,
		.version = CE_SHM_VERSION,
		.type = type,
		.len = (uint32_t)len,
		.seq = seq,
	};
	struct iovec iov[2] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)(uintptr_t)payload, .iov_len = len },
	};
	size_t min_len, max_len;
	unsigned int want_fds;
	ssize_t n;

	if (ce_msg_type_info(type, &min_len, &max_len, &want_fds) < 0)
		return -EINVAL;
	if (len < min_len || len > max_len || nb_fds != want_fds || (len && !payload))
		return -EINVAL;
	n = ce_msg_sendv(sock, iov, len ? 2 : 1, fds, nb_fds, 0);
	if (n < 0)
		return (int)n;
	if ((size_t)n != sizeof(hdr) + len)
		return -EMSGSIZE;	/* SEQPACKET sends whole records; cannot happen */
	return 0;
}

int
ce_msg_send_reply(int sock, uint32_t seq, uint16_t req_type, int32_t status,
		  const char *reason, const void *u, size_t ulen)
{
	struct ce_msg_reply r;

	memset(&r, 0, sizeof(r));
	r.status = status;
	r.req_type = req_type;
	if (u) {
		if (ulen > sizeof(r.u))
			return -EINVAL;
		memcpy(&r.u, u, ulen);
	}
	if (reason)
		strncpy(r.reason, reason, sizeof(r.reason) - 1);
	return ce_msg_send(sock, CE_MSG_REPLY, seq, &r, sizeof(r), NULL, 0);
}

void
ce_msg_close_fds(struct ce_msg *m)
{
	unsigned int i;

	for (i = 0; i < m->nb_fds; i++)
		close(m->fds[i]);
	m->nb_fds = 0;
}

void
ce_msg_wipe(struct ce_msg *m)
{
	explicit_bzero(&m->u, sizeof(m->u));
}

/* A fixed-size string field must hold a NUL inside its buffer. */
static bool
shm_msg_str_ok(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int
shm_msg_check_payload(struct ce_msg *m, const char **why)
{
	switch (m->hdr.type) {
	case CE_MSG_HELLO:
		if (!shm_msg_str_ok(m->u.hello.name, sizeof(m->u.hello.name))) {
			SHM_WHY(why, "HELLO name not terminated");
			return -EPROTO;
		}
		if (m->u.hello.flags) {
			SHM_WHY(why, "HELLO reserved flags set");
			return -EPROTO;
		}
		break;
	case CE_MSG_QP_CREATE:
		if (m->u.qp_create.flags || m->u.qp_create.rsvd) {
			SHM_WHY(why, "QP_CREATE reserved fields set");
			return -EPROTO;
		}
		break;
	case CE_MSG_SESSION_CREATE:
		if (!shm_msg_str_ok(m->u.session_create.alg, CE_MSG_NAME_MAX) ||
		    !shm_msg_str_ok(m->u.session_create.driver, CE_MSG_NAME_MAX)) {
			SHM_WHY(why, "SESSION_CREATE name not terminated");
			return -EPROTO;
		}
		if (m->u.session_create.key_len > CE_MSG_KEY_MAX) {
			SHM_WHY(why, "SESSION_CREATE key_len over 128");
			return -EPROTO;
		}
		if (m->u.session_create.flags) {
			SHM_WHY(why, "SESSION_CREATE reserved flags set");
			return -EPROTO;
		}
		break;
	case CE_MSG_ASYM_SESSION_CREATE:
		if (!shm_msg_str_ok(m->u.asym_session_create.alg, CE_MSG_NAME_MAX) ||
		    !shm_msg_str_ok(m->u.asym_session_create.driver, CE_MSG_NAME_MAX)) {
			SHM_WHY(why, "ASYM_SESSION_CREATE name not terminated");
			return -EPROTO;
		}
		if (m->u.asym_session_create.key_len > CE_ASYM_KEY_MAX) {
			SHM_WHY(why, "ASYM_SESSION_CREATE key_len over 4096");
			return -EPROTO;
		}
		if (m->u.asym_session_create.flags || m->u.asym_session_create.rsvd) {
			SHM_WHY(why, "ASYM_SESSION_CREATE reserved fields set");
			return -EPROTO;
		}
		break;
	case CE_MSG_REPLY:
		if (!shm_msg_str_ok(m->u.reply.reason, sizeof(m->u.reply.reason))) {
			SHM_WHY(why, "REPLY reason not terminated");
			return -EPROTO;
		}
		break;
	case CE_MSG_CTL:
	case CE_MSG_CTL_REPLY:
		m->u.ctl[m->hdr.len] = '\0';
		break;
	default:
		break;
	}
	return 0;
}

int
ce_msg_recv(int sock, struct ce_msg *m, const char **why)
{
	union {
		/* Room for more fds than any type carries, to catch extras. */
		char buf[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov[2] = {
		{ .iov_base = &m->hdr, .iov_len = sizeof(m->hdr) },
		/* The ctl member is the largest; its extra NUL byte is not offered. */
		{ .iov_base = &m->u, .iov_len = CE_MSG_CTL_MAX },
	};
	struct msghdr mh = {
		.msg_iov = iov,
		.msg_iovlen = 2,
		.msg_control = cbuf.buf,
		.msg_controllen = sizeof(cbuf.buf),
	};
	struct cmsghdr *cm;
	size_t min_len, max_len;
	unsigned int want_fds;
	ssize_t n;
	int ret;

	m->nb_fds = 0;
	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		SHM_WHY(why, "recvmsg failed");
		return -errno;
	}

	/* Collect every fd first, so that each error path below closes them. */
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t i, cnt;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		cnt = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < cnt; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (m->nb_fds < CE_MSG_MAX_FDS)
				m->fds[m->nb_fds++] = fd;
			else
				close(fd);	/* more than any message carries */
		}
		if (cnt > CE_MSG_MAX_FDS)
			mh.msg_flags |= MSG_CTRUNC;	/* treat extras as a protocol error */
	}

	if (n == 0) {
		SHM_WHY(why, "peer closed the connection");
		ret = -ECONNRESET;
		goto err;
	}
	if (mh.msg_flags & MSG_TRUNC) {
		SHM_WHY(why, "message longer than the largest message");
		ret = -EMSGSIZE;
		goto err;
	}
	if (mh.msg_flags & MSG_CTRUNC) {
		SHM_WHY(why, "too many file descriptors");
		ret = -EPROTO;
		goto err;
	}
	if ((size_t)n < sizeof(m->hdr)) {
		SHM_WHY(why, "message shorter than the header");
		ret = -EPROTO;
		goto err;
	}
	if (m->hdr.magic != CE_MSG_MAGIC) {
		SHM_WHY(why, "bad magic");
		ret = -EPROTO;
		goto err;
	}
	if (m->hdr.version != CE_SHM_VERSION) {
		/* Said apart from garbage: an older or newer peer, not an attack. */
		SHM_WHY(why, "protocol version differs");
		ret = -EPROTO;
		goto err;
	}
	if (ce_msg_type_info(m->hdr.type, &min_len, &max_len, &want_fds) < 0) {
		SHM_WHY(why, "unknown message type");
		ret = -EPROTO;
		goto err;
	}
	/* The header's length must agree with what arrived and with the type. */
	if (m->hdr.len != (size_t)n - sizeof(m->hdr) || m->hdr.len < min_len ||
	    m->hdr.len > max_len) {
		SHM_WHY(why, "wrong length for the message type");
		ret = -EPROTO;
		goto err;
	}
	if (m->nb_fds != want_fds) {
		SHM_WHY(why, "wrong number of file descriptors for the message type");
		ret = -EPROTO;
		goto err;
	}
	ret = shm_msg_check_payload(m, why);
	if (ret < 0)
		goto err;
	return 0;
err:
	ce_msg_close_fds(m);
	return ret;
}
