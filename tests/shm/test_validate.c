/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Descriptor validator and ring geometry checks: a table of good and bad
 * descriptors covering every overflow, overlap and reserved-field case.
 */
#include <errno.h>

#include "ce_shm.h"
#include "ce_test.h"

/* Region 1 MiB; rings in [4096, 65536); arena [65536, 1 MiB). */
#define REGION	(1u << 20)
#define A0	65536u
#define AEND	REGION

static const struct ce_shm_region_info ri = {
	.size = REGION, .arena_off = A0, .arena_len = REGION - A0,
};
/* GCM-like session: 12-byte IV, 16-byte tag, AAD up to 64. */
static const struct ce_shm_sess_info si = { .iv_len = 12, .digest_len = 16, .aad_max = 64 };

/* A valid out-of-place encrypt every case starts from. */
static struct ce_desc
good(void)
{
	return (struct ce_desc){
		.cookie = 1, .session = 3, .op = CE_OP_ENCRYPT,
		.src_off = A0, .dst_off = A0 + 4096, .len = 1024,
		.iv_off = A0 + 8192, .aad_off = A0 + 8192 + 64, .aad_len = 16,
		.digest_off = A0 + 8192 + 128,
	};
}

struct vcase {
	const char *name;
	int field;
	uint64_t val;
	int ok;
};

enum { F_NONE, F_OP, F_FLAGS, F_RSVD, F_SRC, F_DST, F_LEN, F_IV, F_AAD, F_AADLEN, F_DIG };

static const struct vcase cases[] = {
	{ "good", F_NONE, 0, 1 },
	{ "in place", F_DST, A0, 1 },
	{ "may backlog", F_FLAGS, CE_DESC_F_MAY_BACKLOG, 1 },
	{ "len 0", F_LEN, 0, 1 },
	{ "aad_len 0", F_AADLEN, 0, 1 },
	{ "src ends at arena end", F_SRC, AEND - 1024, 1 },
	{ "dst adjacent to src", F_DST, A0 + 1024, 1 },
	{ "op 0", F_OP, 0, 0 },
	{ "op 5 (sign) on a symmetric session", F_OP, CE_OP_SIGN, 0 },
	{ "op 8 (kpp secret) on a symmetric session", F_OP, CE_OP_KPP_SECRET, 0 },
	{ "op 9", F_OP, 9, 0 },
	{ "op 255", F_OP, 255, 0 },
	{ "reserved flag 0x02", F_FLAGS, 0x02, 0 },
	{ "reserved flag 0x80", F_FLAGS, 0x80, 0 },
	{ "reserved field", F_RSVD, 1, 0 },
	{ "src one past arena end", F_SRC, AEND - 1023, 0 },
	{ "src beyond region", F_SRC, REGION + 4096, 0 },
	{ "src in ring area", F_SRC, 4096, 0 },
	{ "src in region header", F_SRC, 0, 0 },
	{ "src straddles arena start", F_SRC, A0 - 512, 0 },
	{ "src near UINT32_MAX", F_SRC, UINT32_MAX - 100, 0 },
	{ "src near UINT64_MAX (wraps)", F_SRC, UINT64_MAX - 100, 0 },
	{ "src UINT64_MAX", F_SRC, UINT64_MAX, 0 },
	{ "dst near UINT64_MAX", F_DST, UINT64_MAX - 1023, 0 },
	{ "dst in ring area", F_DST, 8192, 0 },
	{ "len UINT32_MAX", F_LEN, UINT32_MAX, 0 },
	{ "len larger than arena", F_LEN, REGION - A0 + 1, 0 },
	{ "iv near UINT64_MAX", F_IV, UINT64_MAX - 5, 0 },
	{ "iv straddles end", F_IV, AEND - 6, 0 },
	{ "iv in ring area", F_IV, 4096 + 192, 0 },
	{ "aad near UINT64_MAX", F_AAD, UINT64_MAX - 8, 0 },
	{ "aad straddles end", F_AAD, AEND - 8, 0 },
	{ "aad_len over session max", F_AADLEN, 65, 0 },
	{ "aad_len UINT32_MAX", F_AADLEN, UINT32_MAX, 0 },
	{ "digest near UINT64_MAX", F_DIG, UINT64_MAX - 15, 0 },
	{ "digest straddles end", F_DIG, AEND - 8, 0 },
	{ "digest in ring area", F_DIG, 4096, 0 },
	{ "dst partly overlaps src (after)", F_DST, A0 + 1, 0 },
	{ "digest overlaps dst", F_DIG, A0 + 4096 + 1000, 0 },
	{ "digest overlaps src", F_DIG, A0 + 8, 0 },
};

static void
apply(struct ce_desc *d, int field, uint64_t v)
{
	switch (field) {
	case F_OP: d->op = (uint8_t)v; break;
	case F_FLAGS: d->flags = (uint8_t)v; break;
	case F_RSVD: d->rsvd = (uint16_t)v; break;
	case F_SRC: d->src_off = v; break;
	case F_DST: d->dst_off = v; break;
	case F_LEN: d->len = (uint32_t)v; break;
	case F_IV: d->iv_off = v; break;
	case F_AAD: d->aad_off = v; break;
	case F_AADLEN: d->aad_len = (uint32_t)v; break;
	case F_DIG: d->digest_off = v; break;
	default: break;
	}
}

static void
test_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ce_desc d = good();
		const char *why = NULL;
		int ret;

		apply(&d, cases[i].field, cases[i].val);
		ret = ce_shm_desc_validate(&ri, &si, &d, &why);
		/* The data path's check says the same, without a reason. */
		CHECK_EQ(ce_shm_desc_ok(&ri, &si, &d), cases[i].ok);
		CHECK_EQ(ce_shm_desc_validate(&ri, &si, &d, NULL), ret);
		if ((ret == 0) != cases[i].ok) {
			fprintf(stderr, "case '%s': ret %d why %s\n", cases[i].name, ret,
				why ? why : "-");
			CHECK(0);
		}
		if (!cases[i].ok) {
			CHECK_EQ(ret, -EINVAL);
			CHECK(why && *why);
		}
	}
}

/*
 * The data path's check (ce_shm_desc_ok) against the rules one by one, on
 * descriptors whose ranges fall near every edge: arena ends, each other's
 * ends, wrap-around. A disagreement either way fails.
 */
static uint64_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static uint64_t
near_edge(uint64_t *x, const struct ce_desc *ref)
{
	static const uint64_t edges[] = { 0, A0, AEND, UINT64_MAX };
	uint64_t pick = rnd(x) % 6, delta = rnd(x) % 40 - 20;
	uint64_t base = pick == 4 ? ref->src_off : ref->dst_off;

	if (pick < 4)
		return edges[pick] + delta;
	/* Around the start or the end of the data ranges. */
	return base + (rnd(x) % 2 ? (uint64_t)ref->len : 0) + delta;
}

static void
test_fast_check_agrees(void)
{
	static const struct ce_shm_sess_info sis[] = {
		{ .iv_len = 12, .digest_len = 16, .aad_max = 64 },
		{ .iv_len = 0, .digest_len = 32, .aad_max = 0 },
		{ .iv_len = 16, .digest_len = 0, .aad_max = 8 },
		{ .aad_max = 64, .out_max = 64 },	/* asymmetric */
	};
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned int accepted = 0, refused = 0;

	for (unsigned int i = 0; i < 200000; i++) {
		const struct ce_shm_sess_info *s = &sis[i % 4];
		struct ce_desc d = good();
		int ok, ret;

		/* Each field moved with probability 1/4 from a valid layout. */
		if (rnd(&x) % 4 == 0)
			d.op = (uint8_t)(rnd(&x) % (CE_OP_MAX + 2));
		if (rnd(&x) % 16 == 0)
			d.flags = (uint8_t)rnd(&x);
		if (rnd(&x) % 16 == 0)
			d.rsvd = (uint16_t)rnd(&x);
		if (rnd(&x) % 4 == 0)
			d.len = (uint32_t)(rnd(&x) % 3 == 0 ? rnd(&x) % 8192 : rnd(&x) % 64);
		if (rnd(&x) % 4 == 0)
			d.aad_len = (uint32_t)(rnd(&x) % 80);
		if (rnd(&x) % 4 == 0)
			d.src_off = near_edge(&x, &d);
		if (rnd(&x) % 4 == 0)
			d.dst_off = rnd(&x) % 2 ? d.src_off : near_edge(&x, &d);
		if (rnd(&x) % 4 == 0)
			d.iv_off = near_edge(&x, &d);
		if (rnd(&x) % 4 == 0)
			d.aad_off = near_edge(&x, &d);
		if (rnd(&x) % 4 == 0)
			d.digest_off = near_edge(&x, &d);
		ret = ce_shm_desc_validate(&ri, s, &d, &(const char *){ NULL });
		ok = ce_shm_desc_ok(&ri, s, &d);
		if (ok != (ret == 0)) {
			fprintf(stderr, "case %u: fast %d, rules %d (op %u len %u src %#lx dst %#lx "
				"iv %#lx aad %#lx/%u digest %#lx)\n", i, ok, ret, d.op, d.len,
				(unsigned long)d.src_off, (unsigned long)d.dst_off,
				(unsigned long)d.iv_off, (unsigned long)d.aad_off, d.aad_len,
				(unsigned long)d.digest_off);
			CHECK(0);
		}
		if (ok)
			accepted++;
		else
			refused++;
	}
	/* Both sides of the check were exercised. */
	CHECK(accepted > 1000);
	CHECK(refused > 1000);
}

static void
test_dst_before_src_overlap(void)
{
	struct ce_desc d = good();
	const char *why = NULL;

	d.src_off = A0 + 512;
	d.dst_off = A0;		/* dst [A0, A0+1024) overlaps src [A0+512, ...) */
	CHECK_EQ(ce_shm_desc_validate(&ri, &si, &d, &why), -EINVAL);
	CHECK(strstr(why, "overlap"));
}

static void
test_digest_ops(void)
{
	struct ce_shm_sess_info hmac = { .iv_len = 0, .digest_len = 32, .aad_max = 0 };
	struct ce_desc d = good();
	const char *why;

	d.op = CE_OP_DIGEST;
	d.aad_len = 0;
	d.dst_off = UINT64_MAX;	/* ignored for digest ops */
	d.iv_off = UINT64_MAX;	/* iv_len 0: ignored */
	CHECK_EQ(ce_shm_desc_validate(&ri, &hmac, &d, &why), 0);
	d.op = CE_OP_VERIFY;
	d.digest_off = d.src_off + 16;	/* verify reads the digest: may lie in src */
	CHECK_EQ(ce_shm_desc_validate(&ri, &hmac, &d, &why), 0);
	d.op = CE_OP_DIGEST;	/* digest writes it: may not */
	CHECK_EQ(ce_shm_desc_validate(&ri, &hmac, &d, &why), -EINVAL);
	d.digest_off = AEND - 31;
	d.op = CE_OP_VERIFY;
	CHECK_EQ(ce_shm_desc_validate(&ri, &hmac, &d, &why), -EINVAL);
	/* aad with a session that allows none */
	d.digest_off = A0 + 8192;
	d.aad_len = 1;
	CHECK_EQ(ce_shm_desc_validate(&ri, &hmac, &d, &why), -EINVAL);
}

/* Asymmetric sessions: out_max bytes at dst, the signature in aad, no in place. */
static void
test_asym_ops(void)
{
	/* An RSA-2048 session: 256-byte outputs and signatures. */
	const struct ce_shm_sess_info rsa = { .aad_max = 256, .out_max = 256 };
	struct ce_desc d = { .session = 3, .op = CE_OP_SIGN, .src_off = A0, .len = 32,
			     .dst_off = A0 + 4096 };
	const char *why = NULL;

	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), 0);
	d.dst_off = AEND - 256;		/* out_max ends at the arena's end */
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), 0);
	d.dst_off = AEND - 255;		/* out_max, not len, bounds the output */
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), -EINVAL);
	CHECK(strstr(why, "out_max"));
	d.dst_off = A0 + 16;		/* overlaps the digest */
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), -EINVAL);
	CHECK(strstr(why, "overlap"));
	d.dst_off = A0;			/* in place: refused too */
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), -EINVAL);
	d.dst_off = A0 + 32;		/* adjacent: fine */
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), 0);
	d.aad_off = A0 + 8192;		/* a signature on sign */
	d.aad_len = 256;
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), -EINVAL);
	CHECK(strstr(why, "verify"));

	/* Verify: reads the signature, writes nothing (dst ignored). */
	d.op = CE_OP_SIG_VERIFY;
	d.dst_off = UINT64_MAX;
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), 0);
	d.aad_len = 257;
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), -EINVAL);
	d.aad_len = 256;
	d.aad_off = AEND - 255;
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), -EINVAL);
	CHECK(strstr(why, "signature"));

	/* KPP_PUBKEY: no input; ENCRYPT/DECRYPT take the asymmetric rules. */
	d = (struct ce_desc){ .op = CE_OP_KPP_PUBKEY, .dst_off = A0 };
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), 0);
	d = (struct ce_desc){ .op = CE_OP_DECRYPT, .src_off = A0, .len = 256, .dst_off = A0 };
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), -EINVAL);
	d.dst_off = A0 + 256;
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), 0);
	d.src_off = AEND - 255;
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), -EINVAL);

	/* Symmetric ops on an asymmetric session. */
	d = (struct ce_desc){ .op = CE_OP_DIGEST, .src_off = A0, .len = 32, .dst_off = A0 + 4096 };
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), -EINVAL);
	CHECK(strstr(why, "symmetric"));
	d.op = CE_OP_VERIFY;
	CHECK_EQ(ce_shm_desc_validate(&ri, &rsa, &d, &why), -EINVAL);
}

static void
test_arena_overflow(void)
{
	struct ce_shm_region_info bad = { .size = UINT64_MAX, .arena_off = UINT64_MAX - 10,
					  .arena_len = 100 };
	struct ce_desc d = good();
	const char *why;

	CHECK_EQ(ce_shm_desc_validate(&bad, &si, &d, &why), -EINVAL);
	CHECK_EQ(ce_shm_region_check(&bad, &why), -EINVAL);
}

static void
test_region_geom(void)
{
	struct ce_shm_region_info r = ri;
	const char *why;

	CHECK_EQ(ce_shm_region_check(&r, &why), 0);
	r.arena_off = 0;
	CHECK_EQ(ce_shm_region_check(&r, &why), -EINVAL);
	r.arena_off = A0 + 1;
	CHECK_EQ(ce_shm_region_check(&r, &why), -EINVAL);
	r = ri;
	r.arena_len = REGION;	/* past the end */
	CHECK_EQ(ce_shm_region_check(&r, &why), -EINVAL);
	r.arena_len = 0;
	CHECK_EQ(ce_shm_region_check(&r, &why), -EINVAL);
	r = ri;
	r.size = 4096;
	CHECK_EQ(ce_shm_region_check(&r, &why), -EINVAL);
}

static void
test_qp_geom(void)
{
	struct ce_msg_qp_create qc = {
		.sq_entries = 64, .cq_entries = 64, .sq_off = 4096, .cq_off = 4096 + 8192,
	};
	struct ce_msg_qp_create q;
	const char *why;

	CHECK_EQ(ce_shm_qp_geom_check(&ri, &qc, 4096, &why), 0);
	q = qc; q.sq_entries = 48;
	CHECK_EQ(ce_shm_qp_geom_check(&ri, &q, 4096, &why), -EINVAL);
	q = qc; q.sq_entries = 8192;	/* over the daemon's limit */
	CHECK_EQ(ce_shm_qp_geom_check(&ri, &q, 4096, &why), -EINVAL);
	q = qc; q.sq_off = 0;		/* over the region header */
	CHECK_EQ(ce_shm_qp_geom_check(&ri, &q, 4096, &why), -EINVAL);
	q = qc; q.sq_off = 4096 + 8;	/* misaligned */
	CHECK_EQ(ce_shm_qp_geom_check(&ri, &q, 4096, &why), -EINVAL);
	q = qc; q.cq_off = A0 - 64;	/* runs into the arena */
	CHECK_EQ(ce_shm_qp_geom_check(&ri, &q, 4096, &why), -EINVAL);
	CHECK(strstr(why, "arena"));
	q = qc; q.cq_off = 4096 + 4096;	/* overlaps the SQ */
	CHECK_EQ(ce_shm_qp_geom_check(&ri, &q, 4096, &why), -EINVAL);
	CHECK(strstr(why, "overlap"));
	q = qc; q.cq_off = UINT64_MAX - 63;	/* wraps */
	CHECK_EQ(ce_shm_qp_geom_check(&ri, &q, 4096, &why), -EINVAL);
	q = qc; q.sq_off = REGION - 64;	/* past the end */
	CHECK_EQ(ce_shm_qp_geom_check(&ri, &q, 4096, &why), -EINVAL);
}

/*
 * Compact descriptors: ce_shm_desc_esp_ok() accepts exactly what
 * ce_shm_desc_validate() accepts of ce_shm_desc_esp_expand()'s descriptor,
 * on windows around the arena's ends and the top of the address space,
 * every field disturbed now and then; and the expansion is the ESP layout.
 */
static void
test_esp_agrees(void)
{
	static const struct ce_shm_sess_info sis[] = {
		{ .iv_len = 12, .digest_len = 16, .aad_max = 64 },
		{ .iv_len = 0, .digest_len = 20, .aad_max = 0 },
		{ .iv_len = 16, .digest_len = 0, .aad_max = 8 },
		{ .aad_max = 64, .out_max = 64 },	/* asymmetric: never compact */
	};
	static const uint64_t edges[] = { A0, AEND, 0, UINT64_MAX };
	uint64_t x = 0x2545f4914f6cdd1dull;
	unsigned int accepted = 0, refused = 0;

	for (unsigned int i = 0; i < 200000; i++) {
		const struct ce_shm_sess_info *s = &sis[i % 4];
		struct ce_desc_esp e = {
			.cookie = i, .session = 0x10001, .op = CE_OP_ENCRYPT, .flags = CE_DESC_F_ESP,
			.aad_len = 8, .off = A0 + 4096, .len = 64,
		};
		struct ce_desc d;
		int ok, ret;

		if (rnd(&x) % 4 == 0)
			e.op = (uint8_t)(rnd(&x) % (CE_OP_MAX + 2));
		if (rnd(&x) % 8 == 0)
			e.flags = (uint8_t)rnd(&x);
		if (rnd(&x) % 16 == 0)
			e.rsvd = (uint32_t)rnd(&x);
		if (rnd(&x) % 4 == 0)
			e.len = (uint32_t)(rnd(&x) % 3 == 0 ? rnd(&x) % (2 * REGION) : rnd(&x) % 64);
		if (rnd(&x) % 4 == 0)
			e.aad_len = (uint16_t)(rnd(&x) % 80);
		if (rnd(&x) % 2 == 0)
			/* Near an edge, or so that the window ends near one. */
			e.off = edges[rnd(&x) % 4] - (rnd(&x) % 2 ? e.len + e.aad_len : 0) +
				rnd(&x) % 64 - 32;
		ce_shm_desc_esp_expand(&e, s, &d);
		ret = ce_shm_desc_validate(&ri, s, &d, &(const char *){ NULL });
		ok = ce_shm_desc_esp_ok(&ri, s, &e);
		if (ok != (ret == 0)) {
			fprintf(stderr, "case %u: compact %d, full %d (op %u flags %#x len %u aad %u "
				"off %#lx)\n", i, ok, ret, e.op, e.flags, e.len, e.aad_len,
				(unsigned long)e.off);
			CHECK(0);
		}
		if (ok) {
			/* In place, back to back. */
			CHECK_EQ(d.aad_off, e.off);
			CHECK_EQ(d.iv_off, e.off + e.aad_len);
			CHECK_EQ(d.src_off, d.iv_off + s->iv_len);
			CHECK_EQ(d.dst_off, d.src_off);
			CHECK_EQ(d.digest_off, d.src_off + e.len);
			CHECK_EQ(d.cookie, e.cookie);
			CHECK_EQ(d.flags & CE_DESC_F_ESP, 0);
			accepted++;
		} else {
			refused++;
		}
	}
	CHECK(accepted > 1000);
	CHECK(refused > 1000);
}

/* The compact form's own refusals, one each. */
static void
test_esp_refusals(void)
{
	const struct ce_desc_esp good_e = {
		.op = CE_OP_ENCRYPT, .flags = CE_DESC_F_ESP, .aad_len = 8, .off = A0, .len = 64,
	};
	const struct ce_shm_sess_info asym = { .aad_max = 64, .out_max = 64 };
	struct ce_desc_esp e;
	uint64_t window = 8 + si.iv_len + 64 + si.digest_len;

	CHECK(ce_shm_desc_esp_ok(&ri, &si, &good_e));
	e = good_e; e.off = AEND - window;		/* ends on the arena's end */
	CHECK(ce_shm_desc_esp_ok(&ri, &si, &e));
	e.off++;					/* one past */
	CHECK(!ce_shm_desc_esp_ok(&ri, &si, &e));
	e = good_e; e.off = A0 - 1;			/* starts before the arena */
	CHECK(!ce_shm_desc_esp_ok(&ri, &si, &e));
	e = good_e; e.off = UINT64_MAX - 8;		/* wraps */
	CHECK(!ce_shm_desc_esp_ok(&ri, &si, &e));
	e = good_e; e.flags = CE_DESC_F_MAY_BACKLOG;	/* no CE_DESC_F_ESP */
	CHECK(!ce_shm_desc_esp_ok(&ri, &si, &e));
	e = good_e; e.flags |= CE_DESC_F_MAY_BACKLOG;
	CHECK(ce_shm_desc_esp_ok(&ri, &si, &e));
	e.flags |= 0x02;				/* reserved */
	CHECK(!ce_shm_desc_esp_ok(&ri, &si, &e));
	e = good_e; e.rsvd = 1;
	CHECK(!ce_shm_desc_esp_ok(&ri, &si, &e));
	e = good_e; e.op = 0;
	CHECK(!ce_shm_desc_esp_ok(&ri, &si, &e));
	e.op = CE_OP_SIGN;
	CHECK(!ce_shm_desc_esp_ok(&ri, &si, &e));
	e = good_e; e.aad_len = (uint16_t)(si.aad_max + 1);
	CHECK(!ce_shm_desc_esp_ok(&ri, &si, &e));
	e = good_e; e.aad_len = 0;
	CHECK(!ce_shm_desc_esp_ok(&ri, &asym, &e));	/* asymmetric session */
}

int
main(void)
{
	RUN(test_table);
	RUN(test_fast_check_agrees);
	RUN(test_esp_agrees);
	RUN(test_esp_refusals);
	RUN(test_dst_before_src_overlap);
	RUN(test_digest_ops);
	RUN(test_asym_ops);
	RUN(test_arena_overflow);
	RUN(test_region_geom);
	RUN(test_qp_geom);
	return 0;
}
