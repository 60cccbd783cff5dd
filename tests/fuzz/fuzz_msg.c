/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: control messages with attached file descriptors over a
 * real AF_UNIX SOCK_SEQPACKET socketpair (lib/shm/shm_msg.c).
 *
 * Each input is one datagram with 0..24 fds (SCM_RIGHTS), sent either as raw
 * bytes or built by ce_msg_send() from fuzzed fields, or a hang-up. Then
 * ce_msg_recv() on the other end. Invariants:
 * - accepted: magic, version, a known type, a payload length inside the
 *   type's limits that matches what was sent byte for byte, exactly the
 *   type's fd count, each a valid close-on-exec fd, strings terminated and
 *   reserved fields zero where the type has them;
 * - refused: a documented errno, a reason, and no fd held;
 * - either way, once the accepted fds are closed, no fd is left behind (the
 *   lowest free descriptor number is what it was before the input).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ce_shm.h"
#include "fuzz.h"

#define FUZZ_MAX_SEND_FDS	24

static int fuzz_fd_pool[3];	/* what gets sent: an eventfd, a memfd, a pipe end */
static int fuzz_ready;
static struct ce_msg fuzz_m;	/* big: keep it off the stack */

static int
lowest_free_fd(void)
{
	int fd = fcntl(fuzz_fd_pool[0], F_DUPFD, 0);

	FUZZ_CHECK(fd >= 0);
	close(fd);
	return fd;
}

static void
fuzz_init(void)
{
	int p[2];

	fuzz_fd_pool[0] = eventfd(0, EFD_CLOEXEC);
	fuzz_fd_pool[1] = memfd_create("fuzz-msg", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	FUZZ_CHECK(pipe2(p, O_CLOEXEC) == 0);
	fuzz_fd_pool[2] = p[0];
	close(p[1]);
	FUZZ_CHECK(fuzz_fd_pool[0] >= 0 && fuzz_fd_pool[1] >= 0);
	fuzz_ready = 1;
}

static int
send_raw(int sock, const uint8_t *buf, size_t len, const int *fds, unsigned int nb_fds)
{
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	ssize_t n = ce_msg_sendv(sock, &iov, 1, fds, nb_fds, MSG_DONTWAIT);

	return n < 0 ? (int)n : 0;
}

static void
check_accepted(const struct ce_msg *m, const uint8_t *sent, size_t sent_len)
{
	size_t min_len, max_len;
	unsigned int want_fds;

	FUZZ_CHECK(m->hdr.magic == CE_MSG_MAGIC && m->hdr.version == CE_SHM_VERSION);
	FUZZ_CHECK(ce_msg_type_info(m->hdr.type, &min_len, &max_len, &want_fds) == 0);
	FUZZ_CHECK(m->hdr.len >= min_len && m->hdr.len <= max_len);
	FUZZ_CHECK(m->hdr.len <= CE_MSG_CTL_MAX);
	FUZZ_CHECK(m->nb_fds == want_fds && m->nb_fds <= CE_MSG_MAX_FDS);
	/* What arrived is what was sent, header and payload. */
	FUZZ_CHECK(sent_len == sizeof(m->hdr) + m->hdr.len);
	FUZZ_CHECK(memcmp(&m->hdr, sent, sizeof(m->hdr)) == 0);
	if (m->hdr.type != CE_MSG_CTL && m->hdr.type != CE_MSG_CTL_REPLY)
		FUZZ_CHECK(memcmp(&m->u, sent + sizeof(m->hdr), m->hdr.len) == 0);
	else
		FUZZ_CHECK(memcmp(m->u.ctl, sent + sizeof(m->hdr), m->hdr.len) == 0 &&
			   m->u.ctl[m->hdr.len] == '\0');
	for (unsigned int i = 0; i < m->nb_fds; i++) {
		int fl = fcntl(m->fds[i], F_GETFD);

		FUZZ_CHECK(fl >= 0 && (fl & FD_CLOEXEC));
	}
	switch (m->hdr.type) {
	case CE_MSG_HELLO:
		FUZZ_CHECK(memchr(m->u.hello.name, 0, sizeof(m->u.hello.name)) != NULL);
		FUZZ_CHECK(m->u.hello.flags == 0);
		break;
	case CE_MSG_QP_CREATE:
		FUZZ_CHECK(m->u.qp_create.flags == 0 && m->u.qp_create.rsvd == 0);
		break;
	case CE_MSG_SESSION_CREATE:
		FUZZ_CHECK(memchr(m->u.session_create.alg, 0, CE_MSG_NAME_MAX) != NULL);
		FUZZ_CHECK(memchr(m->u.session_create.driver, 0, CE_MSG_NAME_MAX) != NULL);
		FUZZ_CHECK(m->u.session_create.key_len <= CE_MSG_KEY_MAX);
		FUZZ_CHECK(m->u.session_create.flags == 0);
		break;
	case CE_MSG_ASYM_SESSION_CREATE:
		FUZZ_CHECK(memchr(m->u.asym_session_create.alg, 0, CE_MSG_NAME_MAX) != NULL);
		FUZZ_CHECK(memchr(m->u.asym_session_create.driver, 0, CE_MSG_NAME_MAX) != NULL);
		FUZZ_CHECK(m->u.asym_session_create.key_len <= CE_ASYM_KEY_MAX);
		FUZZ_CHECK(m->u.asym_session_create.flags == 0 && m->u.asym_session_create.rsvd == 0);
		break;
	case CE_MSG_REPLY:
		FUZZ_CHECK(memchr(m->u.reply.reason, 0, sizeof(m->u.reply.reason)) != NULL);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { .p = data, .left = size };
	int fds[FUZZ_MAX_SEND_FDS], sv[2];
	uint8_t mode = fuzz_u8(&in), nb = fuzz_u8(&in) % (FUZZ_MAX_SEND_FDS + 1), kinds;
	const char *why = NULL;
	uint8_t *sent = NULL;
	size_t sent_len = 0;
	int ret, fd_base;

	if (!fuzz_ready)
		fuzz_init();
	/* Lowest free descriptor before the input: a leaked one would take it. */
	fd_base = lowest_free_fd();
	kinds = fuzz_u8(&in);
	for (unsigned int i = 0; i < nb; i++)
		fds[i] = fuzz_fd_pool[(kinds + i) % 3];
	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);

	switch (mode % 4) {
	case 0:	/* a datagram of raw bytes */
	case 1:
		sent = malloc(in.left + 1);
		FUZZ_CHECK(sent != NULL);
		memcpy(sent, in.p, in.left);
		sent_len = in.left;
		if (send_raw(sv[0], sent, sent_len, fds, nb) < 0)
			goto out;
		break;
	case 2: {	/* a well-formed header in front of the fuzzed payload */
		struct ce_msg_hdr h = {
			.magic = CE_MSG_MAGIC, .version = CE_SHM_VERSION,
			.type = fuzz_u8(&in) % (CE_MSG_TYPE_MAX + 1), .seq = fuzz_u32(&in),
		};

		h.len = (uint32_t)in.left;
		sent_len = sizeof(h) + in.left;
		sent = malloc(sent_len);
		FUZZ_CHECK(sent != NULL);
		memcpy(sent, &h, sizeof(h));
		memcpy(sent + sizeof(h), in.p, in.left);
		if (send_raw(sv[0], sent, sent_len, fds, nb) < 0)
			goto out;
		break;
	}
	default: {	/* through ce_msg_send(), or the peer hangs up */
		uint16_t type = fuzz_u8(&in);
		uint32_t seq = fuzz_u32(&in);
		struct ce_msg_hdr h = {
			.magic = CE_MSG_MAGIC, .version = CE_SHM_VERSION, .type = type,
			.len = (uint32_t)in.left, .seq = seq,
		};

		if (type == 0xff) {
			close(sv[0]);
			sv[0] = -1;
			break;
		}
		ret = ce_msg_send(sv[0], type, seq, in.left ? in.p : NULL, in.left, fds,
				  nb > CE_MSG_MAX_FDS ? CE_MSG_MAX_FDS : nb);
		if (ret < 0) {
			FUZZ_CHECK(ret == -EINVAL || ret == -EMSGSIZE || ret == -ENOBUFS);
			goto out;
		}
		sent_len = sizeof(h) + in.left;
		sent = malloc(sent_len);
		FUZZ_CHECK(sent != NULL);
		memcpy(sent, &h, sizeof(h));
		memcpy(sent + sizeof(h), in.p, in.left);
		break;
	}
	}

	ret = ce_msg_recv(sv[1], &fuzz_m, &why);
	if (ret == 0) {
		check_accepted(&fuzz_m, sent, sent_len);
		ce_msg_close_fds(&fuzz_m);
	} else {
		FUZZ_CHECK(ret == -ECONNRESET || ret == -EMSGSIZE || ret == -EPROTO);
		FUZZ_CHECK(why != NULL);
		FUZZ_CHECK(fuzz_m.nb_fds == 0);
		/* -ECONNRESET: a hang-up, or an empty datagram (it reads the same). */
		FUZZ_CHECK((ret == -ECONNRESET) == (sv[0] < 0 || sent_len == 0));
	}
	FUZZ_CHECK(fuzz_m.nb_fds == 0);
out:
	free(sent);
	if (sv[0] >= 0)
		close(sv[0]);
	close(sv[1]);
	/* Nothing the message carried is still open. */
	FUZZ_CHECK(lowest_free_fd() == fd_base);
	return 0;
}
