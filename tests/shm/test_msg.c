/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control protocol: round trips over a real SEQPACKET socketpair, refusal of
 * truncated/over-long/wrong-type messages, unexpected fds closed, memfd seal
 * and size checks, SO_PEERCRED against a child that setuid()s to 65534.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ce_shm.h"
#include "ce_test.h"

static struct ce_msg msg;	/* 16 KiB: keep it off the stack */

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	CHECK(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the DIR's own fd */
}

static void
pair(int sv[2])
{
	CHECK_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

/* Send raw bytes (header + payload as given), bypassing ce_msg_send's checks. */
static void
send_raw(int sock, uint16_t type, uint32_t hdr_len, const void *payload, size_t len,
	 const int *fds, unsigned int nb_fds)
{
	char buf[sizeof(struct ce_msg_hdr) + 20000];
	struct ce_msg_hdr h = { CE_MSG_MAGIC, CE_SHM_VERSION, type, hdr_len, 77 };
	struct iovec iov = { buf, sizeof(h) + len };

	CHECK(len <= 20000);
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), payload, len);
	CHECK_EQ(ce_msg_sendv(sock, &iov, 1, fds, nb_fds, 0), (ssize_t)(sizeof(h) + len));
}

static void
test_round_trip(void)
{
	struct ce_msg_session_create sc = { .alg = "gcm(aes)", .key_len = 16, .iv_len = 12,
					    .digest_len = 16, .aad_max = 32,
					    .direction = CE_SESS_DIR_BOTH };
	struct ce_msg_hello hello = { .version = CE_SHM_VERSION, .name = "t" };
	struct ce_msg_qp_create qc = { .sq_entries = 64, .cq_entries = 64, .sq_off = 4096,
				       .cq_off = 16384 };
	const char *why = NULL;
	int sv[2], fds[2];
	uint32_t handle = 42;
	int i;

	pair(sv);
	for (i = 0; i < 16; i++)
		sc.key[i] = (uint8_t)i;
	CHECK_EQ(ce_msg_send(sv[0], CE_MSG_HELLO, 1, &hello, sizeof(hello), NULL, 0), 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), 0);
	CHECK_EQ(msg.hdr.type, CE_MSG_HELLO);
	CHECK_EQ(msg.hdr.seq, 1);
	CHECK_EQ(msg.u.hello.version, CE_SHM_VERSION);
	CHECK(strcmp(msg.u.hello.name, "t") == 0);

	CHECK_EQ(ce_msg_send(sv[0], CE_MSG_SESSION_CREATE, 2, &sc, sizeof(sc), NULL, 0), 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), 0);
	CHECK_MEM(&msg.u.session_create, &sc, sizeof(sc));
	ce_msg_wipe(&msg);
	CHECK_EQ(msg.u.session_create.key[3], 0);

	CHECK_EQ(ce_msg_send_reply(sv[1], 2, CE_MSG_SESSION_CREATE, 0, "ok", &handle,
				   sizeof(handle)), 0);
	CHECK_EQ(ce_msg_recv(sv[0], &msg, &why), 0);
	CHECK_EQ(msg.hdr.type, CE_MSG_REPLY);
	CHECK_EQ(msg.u.reply.req_type, CE_MSG_SESSION_CREATE);
	CHECK_EQ(msg.u.reply.u.session.handle, 42);
	CHECK(strcmp(msg.u.reply.reason, "ok") == 0);

	/* QP_CREATE with two eventfds: both arrive as new, working fds. */
	fds[0] = eventfd(0, EFD_CLOEXEC);
	fds[1] = eventfd(0, EFD_CLOEXEC);
	CHECK_EQ(ce_msg_send(sv[0], CE_MSG_QP_CREATE, 3, &qc, sizeof(qc), fds, 2), 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), 0);
	CHECK_EQ(msg.nb_fds, 2);
	CHECK(msg.fds[0] != fds[0] && msg.fds[1] != fds[1]);
	CHECK(fcntl(msg.fds[0], F_GETFD) & FD_CLOEXEC);
	{
		uint64_t v = 5, r = 0;

		CHECK_EQ(write(msg.fds[1], &v, 8), 8);
		CHECK_EQ(read(fds[1], &r, 8), 8);
		CHECK_EQ(r, 5);
	}
	ce_msg_close_fds(&msg);
	close(fds[0]);
	close(fds[1]);

	/* CTL: variable length, NUL-terminated on receipt. */
	CHECK_EQ(ce_msg_send(sv[0], CE_MSG_CTL, 4, "{\"cmd\":\"stats\"}", 15, NULL, 0), 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), 0);
	CHECK_EQ(msg.hdr.len, 15);
	CHECK(strcmp(msg.u.ctl, "{\"cmd\":\"stats\"}") == 0);

	CHECK_EQ(ce_msg_send(sv[0], CE_MSG_BYE, 5, NULL, 0, NULL, 0), 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), 0);
	CHECK_EQ(msg.hdr.type, CE_MSG_BYE);

	/* Peer gone. */
	close(sv[0]);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -ECONNRESET);
	close(sv[1]);
}

static void
test_send_checks(void)
{
	struct ce_msg_hello hello = { .version = CE_SHM_VERSION };
	int sv[2], fd;

	pair(sv);
	fd = eventfd(0, 0);
	CHECK_EQ(ce_msg_send(sv[0], CE_MSG_HELLO, 1, &hello, sizeof(hello) - 1, NULL, 0), -EINVAL);
	CHECK_EQ(ce_msg_send(sv[0], CE_MSG_HELLO, 1, &hello, sizeof(hello), &fd, 1), -EINVAL);
	CHECK_EQ(ce_msg_send(sv[0], 99, 1, &hello, sizeof(hello), NULL, 0), -EINVAL);
	CHECK_EQ(ce_msg_send(sv[0], CE_MSG_REGION, 1, &hello, sizeof(struct ce_msg_region), NULL, 0),
		 -EINVAL);
	close(fd);
	close(sv[0]);
	close(sv[1]);
}

static void
test_bad_messages(void)
{
	static char big[20000];
	struct ce_msg_hello hello = { .version = CE_SHM_VERSION };
	struct ce_msg_session_create sc;
	const char *why;
	int sv[2];

	pair(sv);
	/* Truncated: header says 40 bytes, none follow. */
	send_raw(sv[0], CE_MSG_HELLO, sizeof(hello), NULL, 0, NULL, 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	/* Short payload with matching header length. */
	send_raw(sv[0], CE_MSG_HELLO, sizeof(hello) - 4, &hello, sizeof(hello) - 4, NULL, 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	/* Over-long for its type. */
	send_raw(sv[0], CE_MSG_HELLO, sizeof(hello) + 8, big, sizeof(hello) + 8, NULL, 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	/* Longer than any message. */
	send_raw(sv[0], CE_MSG_CTL, sizeof(big), big, sizeof(big), NULL, 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EMSGSIZE);
	/* Unknown type, type 0. */
	send_raw(sv[0], 99, sizeof(hello), &hello, sizeof(hello), NULL, 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	CHECK(strstr(why, "type"));
	send_raw(sv[0], 0, 0, NULL, 0, NULL, 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	/* Shorter than the header. */
	CHECK_EQ(send(sv[0], "abc", 3, 0), 3);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	/* Bad magic. */
	{
		struct ce_msg_hdr h = { 0xdeadbeef, CE_SHM_VERSION, CE_MSG_BYE, 0, 1 };

		CHECK_EQ(send(sv[0], &h, sizeof(h), 0), (ssize_t)sizeof(h));
		CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	}
	/* Unterminated algorithm name. */
	memset(&sc, 'A', sizeof(sc));
	sc.key_len = 16;
	sc.flags = 0;
	send_raw(sv[0], CE_MSG_SESSION_CREATE, sizeof(sc), &sc, sizeof(sc), NULL, 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	/* key_len over CE_MSG_KEY_MAX. */
	memset(&sc, 0, sizeof(sc));
	strcpy(sc.alg, "gcm(aes)");
	sc.key_len = CE_MSG_KEY_MAX + 1;
	send_raw(sv[0], CE_MSG_SESSION_CREATE, sizeof(sc), &sc, sizeof(sc), NULL, 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	/* A good message still gets through afterwards. */
	CHECK_EQ(ce_msg_send(sv[0], CE_MSG_HELLO, 9, &hello, sizeof(hello), NULL, 0), 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), 0);
	CHECK_EQ(msg.hdr.seq, 9);
	close(sv[0]);
	close(sv[1]);
}

/* The asymmetric session message: a 4 KiB key in one datagram, its checks. */
static void
test_asym_session_msg(void)
{
	static struct ce_msg_asym_session_create sc;
	const char *why;
	int sv[2];

	pair(sv);
	memset(&sc, 0, sizeof(sc));
	strcpy(sc.alg, "pkcs1pad(rsa,sha256)");
	sc.key_len = CE_ASYM_KEY_MAX;
	memset(sc.key, 0x5a, sizeof(sc.key));
	sc.ops = CE_OP_BIT(CE_OP_SIGN);
	CHECK_EQ(ce_msg_send(sv[0], CE_MSG_ASYM_SESSION_CREATE, 3, &sc, sizeof(sc), NULL, 0), 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), 0);
	CHECK_EQ(msg.hdr.type, CE_MSG_ASYM_SESSION_CREATE);
	CHECK_EQ(msg.u.asym_session_create.key_len, CE_ASYM_KEY_MAX);
	CHECK_EQ(msg.u.asym_session_create.key[CE_ASYM_KEY_MAX - 1], 0x5a);
	CHECK_EQ(msg.u.asym_session_create.ops, CE_OP_BIT(CE_OP_SIGN));
	/* key_len over the limit, reserved fields, unterminated name: -EPROTO. */
	sc.key_len = CE_ASYM_KEY_MAX + 1;
	send_raw(sv[0], CE_MSG_ASYM_SESSION_CREATE, sizeof(sc), &sc, sizeof(sc), NULL, 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	CHECK(strstr(why, "key_len"));
	sc.key_len = 16;
	sc.rsvd = 1;
	send_raw(sv[0], CE_MSG_ASYM_SESSION_CREATE, sizeof(sc), &sc, sizeof(sc), NULL, 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	sc.rsvd = 0;
	memset(sc.driver, 'D', sizeof(sc.driver));
	send_raw(sv[0], CE_MSG_ASYM_SESSION_CREATE, sizeof(sc), &sc, sizeof(sc), NULL, 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	/* The symmetric message's length is not this one's. */
	memset(sc.driver, 0, sizeof(sc.driver));
	send_raw(sv[0], CE_MSG_ASYM_SESSION_CREATE, sizeof(struct ce_msg_session_create), &sc,
		 sizeof(struct ce_msg_session_create), NULL, 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	close(sv[0]);
	close(sv[1]);
}

/*
 * A peer of protocol version 1 (before asymmetric ops) or 2 (before compact
 * descriptors) is told apart from garbage.
 */
static void
test_version_refused(void)
{
	struct ce_msg_hdr h = { CE_MSG_MAGIC, 1, CE_MSG_BYE, 0, 1 };
	const char *why;
	int sv[2];

	CHECK_EQ(CE_SHM_VERSION, 3);
	pair(sv);
	for (h.version = 1; h.version < CE_SHM_VERSION; h.version++) {
		CHECK_EQ(send(sv[0], &h, sizeof(h), 0), (ssize_t)sizeof(h));
		CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
		CHECK(strstr(why, "protocol version differs"));
	}
	h.magic = 0x12345678;
	h.version = CE_SHM_VERSION;
	CHECK_EQ(send(sv[0], &h, sizeof(h), 0), (ssize_t)sizeof(h));
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	CHECK(strstr(why, "magic"));
	close(sv[0]);
	close(sv[1]);
}

static void
test_unexpected_fds(void)
{
	struct ce_msg_hello hello = { .version = CE_SHM_VERSION };
	struct ce_msg_region reg = { .size = 1 << 20 };
	const char *why;
	int sv[2], fds[8], before, i;

	pair(sv);
	for (i = 0; i < 8; i++)
		fds[i] = eventfd(0, EFD_CLOEXEC);
	before = count_fds();
	/* fds on a type that carries none */
	send_raw(sv[0], CE_MSG_HELLO, sizeof(hello), &hello, sizeof(hello), fds, 3);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	CHECK_EQ(msg.nb_fds, 0);
	CHECK_EQ(count_fds(), before);
	/* too many for REGION */
	send_raw(sv[0], CE_MSG_REGION, sizeof(reg), &reg, sizeof(reg), fds, 8);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	CHECK_EQ(count_fds(), before);
	/* missing fd for REGION */
	send_raw(sv[0], CE_MSG_REGION, sizeof(reg), &reg, sizeof(reg), NULL, 0);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	/* fds with a malformed message are closed too */
	send_raw(sv[0], CE_MSG_REGION, sizeof(reg) - 8, &reg, sizeof(reg) - 8, fds, 1);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), -EPROTO);
	CHECK_EQ(count_fds(), before);
	/* the right number is kept, and only that */
	send_raw(sv[0], CE_MSG_REGION, sizeof(reg), &reg, sizeof(reg), fds, 1);
	CHECK_EQ(ce_msg_recv(sv[1], &msg, &why), 0);
	CHECK_EQ(msg.nb_fds, 1);
	CHECK_EQ(count_fds(), before + 1);
	ce_msg_close_fds(&msg);
	CHECK_EQ(count_fds(), before);
	for (i = 0; i < 8; i++)
		close(fds[i]);
	close(sv[0]);
	close(sv[1]);
}

/* A memfd of @p size with a valid region header, sealed with @p seals. */
static int
make_region(uint64_t size, uint64_t hdr_size, int seals)
{
	struct ce_region_hdr h = { .magic = CE_REGION_MAGIC, .version = CE_SHM_VERSION,
				   .size = hdr_size };
	int fd = memfd_create("region-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	CHECK(fd >= 0);
	CHECK_EQ(ftruncate(fd, (off_t)size), 0);
	CHECK_EQ(pwrite(fd, &h, sizeof(h), 0), (ssize_t)sizeof(h));
	if (seals)
		CHECK_EQ(fcntl(fd, F_ADD_SEALS, seals), 0);
	return fd;
}

static void
test_region_map(void)
{
	const uint64_t sz = 1 << 20;
	const char *why = NULL;
	void *p = NULL;
	int fd;

	fd = make_region(sz, sz, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	CHECK_EQ(ce_shm_region_map(fd, sz, 64 << 20, &p, &why), 0);
	CHECK(p);
	CHECK_EQ(((struct ce_region_hdr *)p)->size, sz);
	munmap(p, sz);
	/* size mismatch */
	CHECK_EQ(ce_shm_region_map(fd, sz * 2, 64 << 20, &p, &why), -EINVAL);
	CHECK(strstr(why, "size"));
	/* over the limit */
	CHECK_EQ(ce_shm_region_map(fd, sz, sz / 2, &p, &why), -EFBIG);
	CHECK(strstr(why, "limit"));
	close(fd);

	/* unsealed, or only half sealed */
	fd = make_region(sz, sz, 0);
	why = NULL;
	CHECK_EQ(ce_shm_region_map(fd, sz, 64 << 20, &p, &why), -EPERM);
	CHECK(why && strstr(why, "sealed"));
	CHECK_EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	CHECK_EQ(ce_shm_region_map(fd, sz, 64 << 20, &p, &why), -EPERM);
	close(fd);

	/* not a memfd */
	fd = eventfd(0, EFD_CLOEXEC);
	CHECK_EQ(ce_shm_region_map(fd, sz, 64 << 20, &p, &why), -EPERM);
	close(fd);

	/* header lies about the size: refused as a sanity check */
	fd = make_region(sz, sz * 4, F_SEAL_SHRINK | F_SEAL_GROW);
	CHECK_EQ(ce_shm_region_map(fd, sz, 64 << 20, &p, &why), -EINVAL);
	close(fd);
}

static void
test_peercred(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uid_t nobody = 65534, root = 0;
	struct ce_shm_acl only_root = { .uids = &root, .nb_uids = 1 };
	struct ce_shm_acl with_nobody = { .uids = &nobody, .nb_uids = 1 };
	int ls, cs, k, status;
	pid_t pid, ppid;
	uid_t uid;
	const char *why = NULL;

	if (geteuid() != 0) {
		fprintf(stderr, "not root: cannot setuid, skipping\n");
		exit(CE_TEST_SKIP);
	}
	/* Abstract socket: no filesystem permission gets in the way of uid 65534. */
	snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "ce-test-peercred-%d", (int)getpid());
	ls = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	CHECK(ls >= 0);
	CHECK_EQ(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CHECK_EQ(listen(ls, 4), 0);

	for (k = 0; k < 2; k++) {
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			char c;
			int s;

			if (k == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
				_exit(2);
			s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
			if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
				_exit(3);
			/* wait for the server to close */
			if (read(s, &c, 1) < 0)
				_exit(4);
			_exit(0);
		}
		cs = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
		CHECK(cs >= 0);
		if (k == 0) {
			CHECK_EQ(ce_shm_peer_check(cs, NULL, &ppid, &uid, NULL, &why), -EACCES);
			CHECK_EQ(uid, 65534);
			CHECK_EQ(ppid, pid);
			CHECK(why && strstr(why, "not allowed"));
			CHECK_EQ(ce_shm_peer_check(cs, &only_root, NULL, NULL, NULL, &why), -EACCES);
			CHECK_EQ(ce_shm_peer_check(cs, &with_nobody, NULL, NULL, NULL, &why), 0);
		} else {
			CHECK_EQ(ce_shm_peer_check(cs, NULL, NULL, &uid, NULL, &why), 0);
			CHECK_EQ(uid, 0);
			CHECK_EQ(ce_shm_peer_check(cs, &with_nobody, NULL, NULL, NULL, &why), -EACCES);
		}
		close(cs);
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	close(ls);
}

int
main(void)
{
	RUN(test_round_trip);
	RUN(test_send_checks);
	RUN(test_bad_messages);
	RUN(test_asym_session_msg);
	RUN(test_version_refused);
	RUN(test_unexpected_fds);
	RUN(test_region_map);
	RUN(test_peercred);
	return 0;
}
