/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * soak-client: the client side of scripts/soak.sh, through libcryptoeng.
 *
 *   soak-client ledger --socket S --mode null|gcm --seconds N [--backlog] [--name X]
 *   soak-client victim --socket S [--seed N]
 *   soak-client ctl --socket S JSON
 *
 * ledger: keeps its queue pair's credits full for N seconds, then drains,
 * and accounts for every cookie: each one submitted must come back exactly
 * once, with a status the injected faults allow, and a success must carry
 * the right output. Cookies are sequential; a completion whose cookie is not
 * in flight is a duplicate (or, if never submitted, unknown). Prints one
 * JSON line with the figures; exit 0 only if nothing was lost, duplicated,
 * unknown, of a wrong status or wrong output.
 *   null: ecb(cipher_null) on the null device (ENOSPC/EIO/fatal injection,
 *         out-of-order completion): statuses 0 or -EIO; output = input.
 *   gcm:  gcm(aes) on the cryptodev device over crypto_aesni_mb, which the
 *         soak fails and heals: out of place, the backend re-runs a failed
 *         request in software, so only 0 is allowed; in place, 0 or -EIO.
 *         Output checked against OpenSSL.
 * victim: connects and submits valid and invalid requests without end,
 *         destroying and recreating sessions and queue pairs on the way,
 *         until the soak SIGKILLs it.
 * ctl:    one JSON control request, the answer on stdout (fault injection).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cryptoeng.h"
#include "ce_clock.h"

#define SOAK_DATA_MAX	512u	/* largest payload */
#define SOAK_SLOT_SIZE	1152u	/* src 512 | dst 512 | iv 16 | aad 16 | tag 16 | pad */
#define SOAK_DRAIN_S	30	/* after the deadline: how long completions may take */

enum soak_mode { SOAK_NULL, SOAK_GCM };

struct soak_slot {
	uint64_t cookie;
	bool inflight;
	bool in_place;
	uint32_t len;
};

struct soak_ledger {
	enum soak_mode mode;
	struct ce_client *c;
	struct ce_qp *qp;
	uint32_t session;
	uint8_t *arena;
	struct soak_slot *slots;
	uint32_t nb_slots;	/* power of two, >= credits */
	uint32_t credits;
	bool backlog;
	uint64_t next_cookie, inflight;
	/* the ledger */
	uint64_t submitted, completed, dup, unknown, notices, wrong_status, bad_output;
	uint64_t st_ok, st_eio, st_other;
	EVP_CIPHER_CTX *evp;
};

static const uint8_t soak_key[16] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};

static uint8_t *
soak_slot_buf(struct soak_ledger *l, uint32_t i)
{
	return l->arena + (size_t)i * SOAK_SLOT_SIZE;
}

/* The request's plaintext: its cookie first, so a crossed completion shows. */
static void
soak_fill(uint64_t cookie, uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(cookie * 131u + i * 7u);
	memcpy(p, &cookie, len < 8 ? len : 8);
}

static void
soak_iv(uint64_t cookie, uint8_t iv[12])
{
	memset(iv, 0x5a, 12);
	memcpy(iv, &cookie, 8);
}

static bool
soak_gcm_ok(struct soak_ledger *l, uint64_t cookie, uint32_t len, const uint8_t *aad,
	    const uint8_t *ct, const uint8_t *tag)
{
	uint8_t pt[SOAK_DATA_MAX], want[SOAK_DATA_MAX], want_tag[16], iv[12];
	int n = 0, fin = 0;

	soak_fill(cookie, pt, len);
	soak_iv(cookie, iv);
	if (EVP_EncryptInit_ex(l->evp, NULL, NULL, NULL, iv) != 1 ||
	    EVP_EncryptUpdate(l->evp, NULL, &n, aad, 16) != 1 ||
	    EVP_EncryptUpdate(l->evp, want, &n, pt, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(l->evp, want + n, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(l->evp, EVP_CTRL_GCM_GET_TAG, 16, want_tag) != 1)
		return false;
	return memcmp(ct, want, len) == 0 && memcmp(tag, want_tag, 16) == 0;
}

static void
soak_prepare(struct soak_ledger *l, uint64_t cookie, struct ce_desc *d)
{
	uint32_t i = (uint32_t)(cookie & (l->nb_slots - 1));
	struct soak_slot *s = &l->slots[i];
	uint8_t *b = soak_slot_buf(l, i), *src = b, *dst = b + 512, *iv = b + 1024;
	uint8_t *aad = b + 1040, *tag = b + 1056;

	s->cookie = cookie;
	s->inflight = true;
	s->len = 16 + (uint32_t)(cookie % 31) * 16;
	s->in_place = cookie % 3 == 0;
	soak_fill(cookie, src, s->len);
	memset(dst, 0xee, s->len);
	soak_iv(cookie, iv);
	memset(aad, 0xa5, 16);
	*d = (struct ce_desc){
		.cookie = cookie,
		.session = l->session,
		.op = CE_OP_ENCRYPT,
		.flags = l->backlog ? CE_DESC_F_MAY_BACKLOG : 0,
		.src_off = ce_buf_offset(l->c, src),
		.dst_off = ce_buf_offset(l->c, s->in_place ? src : dst),
		.len = s->len,
	};
	if (l->mode == SOAK_GCM) {
		d->iv_off = ce_buf_offset(l->c, iv);
		d->aad_off = ce_buf_offset(l->c, aad);
		d->aad_len = 16;
		d->digest_off = ce_buf_offset(l->c, tag);
	}
}

static void
soak_complete(struct soak_ledger *l, const struct ce_cqe *q)
{
	uint32_t i = (uint32_t)(q->cookie & (l->nb_slots - 1));
	struct soak_slot *s = &l->slots[i];
	uint8_t *b = soak_slot_buf(l, i), *out;
	bool allowed;

	if (q->cookie == CE_CQE_COOKIE_BROKEN || q->cookie == CE_CQE_COOKIE_SHUTDOWN) {
		l->notices++;
		fprintf(stderr, "ledger: notice CQE %#" PRIx64 " status %d\n", q->cookie, q->status);
		return;
	}
	if (q->cookie >= l->next_cookie) {
		l->unknown++;
		return;
	}
	if (!s->inflight || s->cookie != q->cookie) {
		l->dup++;
		return;
	}
	s->inflight = false;
	l->inflight--;
	l->completed++;
	if (q->status == 0)
		l->st_ok++;
	else if (q->status == -EIO)
		l->st_eio++;
	else
		l->st_other++;
	/* -EIO: the null device's injected errors; on the cryptodev only in place. */
	allowed = q->status == 0 ||
		  (q->status == -EIO && (l->mode == SOAK_NULL || s->in_place));
	if (!allowed) {
		if (l->wrong_status++ < 10)
			fprintf(stderr, "ledger: cookie %" PRIu64 " (%s): status %d not allowed\n",
				q->cookie, s->in_place ? "in place" : "out of place", q->status);
		return;
	}
	if (q->status != 0)
		return;
	out = s->in_place ? b : b + 512;
	if (q->out_len != s->len) {
		l->bad_output++;
		return;
	}
	if (l->mode == SOAK_NULL) {
		uint8_t want[SOAK_DATA_MAX];

		soak_fill(q->cookie, want, s->len);
		if (memcmp(out, want, s->len) != 0)
			l->bad_output++;
	} else if (!soak_gcm_ok(l, q->cookie, s->len, b + 1040, out, b + 1056)) {
		l->bad_output++;
	}
}

static int
soak_reap(struct soak_ledger *l)
{
	struct ce_cqe cqe[64];
	int n, total = 0;

	do {
		n = ce_poll_burst(l->qp, cqe, 64);
		if (n < 0)
			return n;
		for (int k = 0; k < n; k++)
			soak_complete(l, &cqe[k]);
		total += n;
	} while (n == 64);
	return total;
}

static int
soak_ledger_run(enum soak_mode mode, const char *sock, const char *name, double seconds,
		bool backlog)
{
	struct soak_ledger l = { .mode = mode, .backlog = backlog };
	struct ce_session_params sp = { .direction = CE_SESS_DIR_ENCRYPT };
	uint64_t deadline, drain_end, t0 = ce_clock_ns();
	int64_t h;
	int ret;

	l.c = ce_client_connect(sock, &(struct ce_client_opts){ .name = name, .nb_qps = 1 });
	if (l.c == NULL) {
		fprintf(stderr, "ledger: connect: %s (%s)\n", strerror(errno),
			ce_client_last_error(NULL));
		return 1;
	}
	l.qp = ce_qp_create(l.c);
	if (mode == SOAK_NULL) {
		sp.alg = "ecb(cipher_null)";
		sp.driver = "ecb-cipher_null-null";
	} else {
		sp.alg = "gcm(aes)";
		sp.driver = "gcm-aes-cryptodev";
		sp.key = soak_key;
		sp.key_len = 16;
		sp.iv_len = 12;
		sp.digest_len = 16;
		sp.aad_max = 16;
	}
	h = ce_session_create(l.c, &sp);
	if (l.qp == NULL || h < 0) {
		fprintf(stderr, "ledger: setup: %s\n", ce_client_last_error(l.c));
		return 1;
	}
	l.session = (uint32_t)h;
	l.credits = ce_qp_credits(l.qp);
	for (l.nb_slots = 1; l.nb_slots < 2 * l.credits; l.nb_slots <<= 1)
		;
	l.slots = calloc(l.nb_slots, sizeof(*l.slots));
	l.arena = ce_buf_alloc(l.c, (size_t)l.nb_slots * SOAK_SLOT_SIZE, 64);
	l.evp = EVP_CIPHER_CTX_new();
	if (l.slots == NULL || l.arena == NULL || l.evp == NULL ||
	    EVP_EncryptInit_ex(l.evp, EVP_aes_128_gcm(), NULL, soak_key, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(l.evp, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1) {
		fprintf(stderr, "ledger: out of memory\n");
		return 1;
	}

	deadline = t0 + (uint64_t)(seconds * 1e9);
	for (;;) {
		struct ce_desc dd[64];
		unsigned int k = 0;
		uint64_t now = ce_clock_ns();

		if (now >= deadline)
			break;
		/* Keep the credits full; a slot is reused only once its cookie came back. */
		while (k < 64 && l.inflight + k < l.credits &&
		       !l.slots[(l.next_cookie + k) & (l.nb_slots - 1)].inflight) {
			soak_prepare(&l, l.next_cookie + k, &dd[k]);
			k++;
		}
		if (k > 0) {
			ret = ce_submit_burst(l.qp, dd, k);
			if (ret < 0)
				break;
			/* Not taken: give the slots back; the same cookies go next time. */
			for (unsigned int j = (unsigned int)ret; j < k; j++)
				l.slots[(l.next_cookie + j) & (l.nb_slots - 1)].inflight = false;
			l.next_cookie += (uint64_t)ret;
			l.submitted += (uint64_t)ret;
			l.inflight += (uint64_t)ret;
		}
		ret = soak_reap(&l);
		if (ret < 0)
			break;
		if (ret == 0 && l.inflight >= l.credits)
			ce_wait(l.qp, 100);
	}
	/* Drain: everything submitted must come back. */
	drain_end = ce_clock_ns() + SOAK_DRAIN_S * 1000000000ull;
	while (l.inflight > 0 && ce_clock_ns() < drain_end) {
		if (soak_reap(&l) < 0)
			break;
		if (l.inflight > 0)
			ce_wait(l.qp, 100);
	}
	printf("{\"ledger\": \"%s\", \"mode\": \"%s\", \"backlog\": %s, \"seconds\": %.1f, "
	       "\"submitted\": %" PRIu64 ", \"completed\": %" PRIu64 ", \"lost\": %" PRIu64 ", "
	       "\"duplicated\": %" PRIu64 ", \"unknown\": %" PRIu64 ", \"notices\": %" PRIu64 ", "
	       "\"wrong_status\": %" PRIu64 ", \"bad_output\": %" PRIu64 ", "
	       "\"status\": {\"0\": %" PRIu64 ", \"-EIO\": %" PRIu64 ", \"other\": %" PRIu64 "}}\n",
	       name, mode == SOAK_NULL ? "null" : "gcm", backlog ? "true" : "false",
	       (double)(ce_clock_ns() - t0) / 1e9, l.submitted, l.completed, l.inflight, l.dup,
	       l.unknown, l.notices, l.wrong_status, l.bad_output, l.st_ok, l.st_eio, l.st_other);
	fflush(stdout);
	ret = l.inflight || l.dup || l.unknown || l.notices || l.wrong_status || l.bad_output ||
	      l.completed != l.submitted || l.submitted == 0;
	EVP_CIPHER_CTX_free(l.evp);
	ce_client_close(l.c);
	free(l.slots);
	return ret;
}

/* ---- victim -------------------------------------------------------------- */

static uint64_t
soak_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int
soak_victim(const char *sock, uint64_t seed)
{
	struct ce_session_params null_sp = {
		.alg = "ecb(cipher_null)", .driver = "ecb-cipher_null-null",
		.direction = CE_SESS_DIR_ENCRYPT,
	};
	struct ce_session_params gcm_sp = {
		.alg = "gcm(aes)", .driver = "gcm-aes-cryptodev", .key = soak_key, .key_len = 16,
		.iv_len = 12, .digest_len = 16, .aad_max = 16, .direction = CE_SESS_DIR_BOTH,
	};
	struct ce_client *c = ce_client_connect(sock, &(struct ce_client_opts){
		.name = "soak-victim", .nb_qps = 2,
	});
	struct ce_qp *qp;
	int64_t sess[2];
	uint8_t *buf;
	int n;

	if (c == NULL)
		return 1;
	qp = ce_qp_create(c);
	sess[0] = ce_session_create(c, &null_sp);
	sess[1] = ce_session_create(c, &gcm_sp);
	buf = ce_buf_alloc(c, 1 << 20, 64);
	if (qp == NULL || sess[0] < 0 || sess[1] < 0 || buf == NULL)
		return 1;
	for (uint64_t round = 0;; round++) {
		struct ce_desc dd[32];
		struct ce_cqe cqe[64];
		uint64_t r = soak_rand(&seed);

		for (unsigned int k = 0; k < 32; k++) {
			uint64_t x = soak_rand(&seed);
			uint32_t off = (uint32_t)(x % 1000) * 1024;
			int g = (int)(x >> 20) & 1;

			dd[k] = (struct ce_desc){
				.cookie = round * 32 + k, .session = (uint32_t)sess[g],
				.op = CE_OP_ENCRYPT, .flags = (x >> 21) & 1 ? CE_DESC_F_MAY_BACKLOG : 0,
				.src_off = ce_buf_offset(c, buf + off),
				.dst_off = ce_buf_offset(c, buf + off + ((x >> 22) & 1 ? 0 : 512)),
				.len = 16 + (uint32_t)((x >> 23) % 400),
				.iv_off = ce_buf_offset(c, buf + off + 960),
				.aad_off = ce_buf_offset(c, buf + off + 976), .aad_len = 16,
				.digest_off = ce_buf_offset(c, buf + off + 992),
			};
			if (!g) {
				dd[k].aad_len = 0;
				dd[k].iv_off = dd[k].aad_off = dd[k].digest_off = 0;
			}
			/* Some refused by the daemon: bad session, out of the arena. */
			if ((x >> 40) % 16 == 0)
				dd[k].session ^= 0x10000;
			if ((x >> 44) % 16 == 0)
				dd[k].src_off = UINT64_MAX - 8;
		}
		if (ce_submit_burst(qp, dd, 32) < 0)
			return 1;
		n = ce_poll_burst(qp, cqe, 64);
		if (n < 0)
			return 1;
		if (n == 0)
			ce_wait(qp, 10);
		/* Sometimes tear things down with requests in flight. */
		if (r % 512 == 0) {
			ce_session_destroy(c, (uint32_t)sess[0]);
			sess[0] = ce_session_create(c, &null_sp);
			if (sess[0] < 0)
				return 1;
		} else if (r % 2048 == 1) {
			/* With requests in flight: ce_qp_destroy waits for them. */
			ce_qp_destroy(qp);
			qp = ce_qp_create(c);
			if (qp == NULL)
				return 1;
		}
	}
}

/* ---- main ---------------------------------------------------------------- */

static void
soak_usage(void)
{
	fprintf(stderr,
		"usage: soak-client ledger --socket S --mode null|gcm --seconds N [--backlog] "
		"[--name X]\n"
		"       soak-client victim --socket S [--seed N]\n"
		"       soak-client ctl --socket S JSON\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "mode", required_argument, NULL, 'm' },
		{ "seconds", required_argument, NULL, 't' },
		{ "backlog", no_argument, NULL, 'b' },
		{ "name", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL, *mode = "null", *name = "soak-ledger", *cmd;
	double seconds = 10;
	bool backlog = false;
	uint64_t seed = (uint64_t)getpid();
	int opt;

	if (argc < 2) {
		soak_usage();
		return 2;
	}
	cmd = argv[1];
	optind = 2;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 's': sock = optarg; break;
		case 'm': mode = optarg; break;
		case 't': seconds = strtod(optarg, NULL); break;
		case 'b': backlog = true; break;
		case 'n': name = optarg; break;
		case 'r': seed = strtoull(optarg, NULL, 0); break;
		default: soak_usage(); return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(cmd, "ledger") == 0) {
		if (strcmp(mode, "null") != 0 && strcmp(mode, "gcm") != 0) {
			soak_usage();
			return 2;
		}
		return soak_ledger_run(strcmp(mode, "gcm") == 0 ? SOAK_GCM : SOAK_NULL, sock, name,
				       seconds, backlog);
	}
	if (strcmp(cmd, "victim") == 0)
		return soak_victim(sock, seed);
	if (strcmp(cmd, "ctl") == 0 && optind < argc) {
		static char ans[16385];
		struct ce_client *c = ce_client_connect(sock, &(struct ce_client_opts){
			.name = "soak-ctl", .nb_qps = 1, .region_size = 1 << 20,
		});
		int ret;

		if (c == NULL) {
			fprintf(stderr, "ctl: connect: %s\n", strerror(errno));
			return 1;
		}
		ret = ce_client_ctl(c, argv[optind], ans, sizeof(ans));
		if (ret < 0)
			fprintf(stderr, "ctl: %s: %s\n", strerror(-ret), ce_client_last_error(c));
		else
			printf("%s\n", ans);
		ce_client_close(c);
		return ret < 0;
	}
	soak_usage();
	return 2;
}
