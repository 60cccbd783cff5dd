/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration parser: ipsec-secgw's sa, sp, rt and neigh lines (the
 * syntax of its ep0.cfg / ep1.cfg), parsed from a buffer with libc only so
 * that a fuzzer can drive it. Anything the gateway does not do is refused
 * with file:line and the keyword, never silently ignored: a config that
 * parses does what it says.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ce_shm_abi.h"
#include "gw_parse.h"

#define CFG_STMT_MAX	1022	/* ipsec-secgw's limit on a joined statement */
#define CFG_TOKENS_MAX	64

struct cfg_ctx {
	const char *name;
	unsigned int line;
	char *err;
	size_t err_len;
};

__attribute__((format(printf, 2, 3)))
static int
cfg_fail(const struct cfg_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->err == NULL || c->err_len == 0)
		return -EINVAL;
	n = snprintf(c->err, c->err_len, "%s:%u: ", c->name, c->line);
	if (n < 0 || (size_t)n >= c->err_len)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->err_len - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
cfg_grow(void **arr, unsigned int *cap, unsigned int nb, size_t esize)
{
	unsigned int ncap;
	void *p;

	if (nb < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap <= nb || ncap > (1u << 24))
		return -ENOMEM;
	p = realloc(*arr, (size_t)ncap * esize);
	if (p == NULL)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static bool
cfg_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

/* "a.b.c.d" into host order. */
static bool
cfg_ipv4(const char *s, uint32_t *out)
{
	uint32_t a = 0;
	int parts = 0;

	while (parts < 4) {
		uint32_t v = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (uint32_t)(*s - '0');
			s++;
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return false;
		a = (a << 8) | v;
		parts++;
		if (parts < 4) {
			if (*s != '.')
				return false;
			s++;
		}
	}
	if (*s != '\0')
		return false;
	*out = a;
	return true;
}

/* "a.b.c.d/n" (a missing /n means /32). */
static bool
cfg_prefix(const char *s, uint32_t *addr, uint8_t *depth)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	uint64_t d = 32;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!cfg_ipv4(buf, addr))
		return false;
	if (slash && !cfg_u64(slash + 1, 32, &d))
		return false;
	*depth = (uint8_t)d;
	if (d < 32)
		*addr &= d ? ~((1u << (32 - d)) - 1) : 0;
	return true;
}

/* "lo:hi" as ipsec-secgw's parse_range. */
static bool
cfg_range(const char *s, uint64_t max, uint16_t *lo, uint16_t *hi)
{
	char buf[32];
	const char *colon = strchr(s, ':');
	uint64_t a, b;
	size_t n;

	if (colon == NULL)
		return false;
	n = (size_t)(colon - s);
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!cfg_u64(buf, max, &a) || !cfg_u64(colon + 1, max, &b) || a > b)
		return false;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return true;
}

static int
cfg_hexdigit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* "aa:bb:..." (one or two hex digits a byte) into @p out. */
static int
cfg_hexkey(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	for (;;) {
		int hi = cfg_hexdigit(s[0]), lo;

		if (hi < 0)
			return -1;
		lo = cfg_hexdigit(s[1]);
		if (n >= max)
			return -1;
		if (lo >= 0) {
			out[n++] = (uint8_t)(hi << 4 | lo);
			s += 2;
		} else {
			out[n++] = (uint8_t)hi;
			s += 1;
		}
		if (*s == '\0')
			return (int)n;
		if (*s != ':')
			return -1;
		s++;
	}
}

struct cfg_cipher {
	const char *kw;
	uint8_t key_len;
};

static const struct cfg_cipher cfg_ciphers[] = {
	{ "aes-128-cbc", 16 }, { "aes-192-cbc", 24 }, { "aes-256-cbc", 32 },
};

struct cfg_auth {
	const char *kw;
	uint8_t key_len;
	uint8_t alg;
};

static const struct cfg_auth cfg_auths[] = {
	{ "sha1-hmac", 20, GW_ALG_CBC_SHA1 },
	{ "sha256-hmac", 32, GW_ALG_CBC_SHA256 },
	{ "sha512-hmac", 64, GW_ALG_CBC_SHA512 },
};

struct cfg_aead {
	const char *kw;
	uint8_t key_len;	/* key || 4-byte salt, as ipsec-secgw's aead_key */
	uint8_t alg;
};

static const struct cfg_aead cfg_aeads[] = {
	{ "aes-128-gcm", 20, GW_ALG_AES_GCM },
	{ "aes-192-gcm", 28, GW_ALG_AES_GCM },
	{ "aes-256-gcm", 36, GW_ALG_AES_GCM },
	{ "chacha20-poly1305", 36, GW_ALG_CHACHA_POLY },
};

/* ipsec-secgw keywords the gateway refuses by name (they would change behaviour). */
static const char *const cfg_sa_unsupported[] = {
	"port_id", "fallback", "flow-direction", "udp-encap", "mss", "reassembly_en",
};

#define NEXT_TOKEN(kw) do {						\
	if (++i >= nt)							\
		return cfg_fail(c, "%s: missing value after \"%s\"", what, kw); \
} while (0)

static int
cfg_sa(const struct cfg_ctx *c, struct gw_config *cfg, char **tok, int nt)
{
	static const char what[] = "sa";
	const struct cfg_cipher *cipher = NULL;
	const struct cfg_auth *auth = NULL;
	const struct cfg_aead *aead = NULL;
	uint8_t ckey[GW_KEY_MAX], akey[GW_KEY_MAX];
	int ckey_len = -1, akey_len = -1;
	bool have_src = false, have_dst = false;
	struct gw_sa_cfg sa;
	uint64_t v;
	int i, rc;

	memset(&sa, 0, sizeof(sa));
	sa.line = c->line;
	if (nt < 3)
		return cfg_fail(c, "sa: expected \"sa in|out SPI ...\"");
	if (strcmp(tok[1], "in") == 0)
		sa.dir = GW_DIR_IN;
	else if (strcmp(tok[1], "out") == 0)
		sa.dir = GW_DIR_OUT;
	else
		return cfg_fail(c, "sa: direction \"%s\": expected in or out", tok[1]);
	if (!cfg_u64(tok[2], UINT32_MAX, &v))
		return cfg_fail(c, "sa: SPI \"%s\" is not a number below 2^32", tok[2]);
	sa.spi = (uint32_t)v;

	for (i = 3; i < nt; i++) {
		const char *kw = tok[i];
		size_t k;

		if (strcmp(kw, "cipher_algo") == 0) {
			NEXT_TOKEN(kw);
			if (strcmp(tok[i], "null") == 0)
				return cfg_fail(c, "sa: cipher_algo null is not supported (the daemon has no null cipher)");
			for (k = 0; k < sizeof(cfg_ciphers) / sizeof(cfg_ciphers[0]); k++)
				if (strcmp(tok[i], cfg_ciphers[k].kw) == 0)
					cipher = &cfg_ciphers[k];
			if (cipher == NULL)
				return cfg_fail(c, "sa: cipher_algo \"%s\" is not supported (aes-128-cbc, aes-192-cbc, aes-256-cbc)",
						tok[i]);
		} else if (strcmp(kw, "cipher_key") == 0) {
			NEXT_TOKEN(kw);
			ckey_len = cfg_hexkey(tok[i], ckey, sizeof(ckey));
			if (ckey_len < 0)
				return cfg_fail(c, "sa: cipher_key: bad hex key \"%s\"", tok[i]);
		} else if (strcmp(kw, "auth_algo") == 0) {
			NEXT_TOKEN(kw);
			if (strcmp(tok[i], "null") == 0)
				return cfg_fail(c, "sa: auth_algo null is not supported (no ESP without integrity)");
			for (k = 0; k < sizeof(cfg_auths) / sizeof(cfg_auths[0]); k++)
				if (strcmp(tok[i], cfg_auths[k].kw) == 0)
					auth = &cfg_auths[k];
			if (auth == NULL)
				return cfg_fail(c, "sa: auth_algo \"%s\" is not supported (sha1-hmac, sha256-hmac, sha512-hmac)",
						tok[i]);
		} else if (strcmp(kw, "auth_key") == 0) {
			NEXT_TOKEN(kw);
			akey_len = cfg_hexkey(tok[i], akey, sizeof(akey));
			if (akey_len < 0)
				return cfg_fail(c, "sa: auth_key: bad hex key \"%s\"", tok[i]);
		} else if (strcmp(kw, "aead_algo") == 0) {
			NEXT_TOKEN(kw);
			for (k = 0; k < sizeof(cfg_aeads) / sizeof(cfg_aeads[0]); k++)
				if (strcmp(tok[i], cfg_aeads[k].kw) == 0)
					aead = &cfg_aeads[k];
			if (aead == NULL)
				return cfg_fail(c, "sa: aead_algo \"%s\" is not supported (aes-128-gcm, aes-192-gcm, aes-256-gcm, chacha20-poly1305)",
						tok[i]);
		} else if (strcmp(kw, "aead_key") == 0) {
			NEXT_TOKEN(kw);
			ckey_len = cfg_hexkey(tok[i], ckey, sizeof(ckey));
			if (ckey_len < 0)
				return cfg_fail(c, "sa: aead_key: bad hex key \"%s\"", tok[i]);
		} else if (strcmp(kw, "mode") == 0) {
			NEXT_TOKEN(kw);
			if (strcmp(tok[i], "ipv4-tunnel") == 0)
				sa.mode = GW_MODE_TUNNEL4;
			else if (strcmp(tok[i], "transport") == 0)
				sa.mode = GW_MODE_TRANSPORT;
			else if (strcmp(tok[i], "ipv6-tunnel") == 0)
				return cfg_fail(c, "sa: mode ipv6-tunnel is not supported (IPv4 tunnel and transport only)");
			else
				return cfg_fail(c, "sa: mode \"%s\": expected ipv4-tunnel or transport", tok[i]);
		} else if (strcmp(kw, "src") == 0 || strcmp(kw, "dst") == 0) {
			bool is_src = kw[0] == 's';
			uint32_t a;

			NEXT_TOKEN(kw);
			if (!cfg_ipv4(tok[i], &a))
				return cfg_fail(c, "sa: %s \"%s\" is not an IPv4 address (IPv6 is not supported)",
						kw, tok[i]);
			if (is_src) {
				sa.tun_src = a;
				have_src = true;
			} else {
				sa.tun_dst = a;
				have_dst = true;
			}
		} else if (strcmp(kw, "type") == 0) {
			NEXT_TOKEN(kw);
			/* Lookaside is what the daemon is: the default type. */
			if (strcmp(tok[i], "lookaside-none") != 0 && strcmp(tok[i], "no-offload") != 0)
				return cfg_fail(c, "sa: type \"%s\" is not supported (lookaside-none only: crypto goes to cryptoengd)",
						tok[i]);
		} else if (strcmp(kw, "telemetry") == 0) {
			/* Every SA has telemetry here. */
		} else if (strcmp(kw, "esn") == 0) {
			NEXT_TOKEN(kw);
			if (!cfg_u64(tok[i], UINT64_MAX, &sa.esn))
				return cfg_fail(c, "sa: esn \"%s\" is not a number", tok[i]);
		} else if (strcmp(kw, "lifetime_pkts") == 0 || strcmp(kw, "lifetime_bytes") == 0) {
			/* Ours (ipsec-secgw has no lifetimes): SOFT:HARD, 0 = none. */
			bool pkts = kw[9] == 'p';
			char buf[64];
			char *colon;
			uint64_t soft, hard;

			NEXT_TOKEN(kw);
			if (strlen(tok[i]) >= sizeof(buf))
				return cfg_fail(c, "sa: %s \"%s\": expected SOFT:HARD", kw, tok[i]);
			strcpy(buf, tok[i]);
			colon = strchr(buf, ':');
			if (colon == NULL)
				return cfg_fail(c, "sa: %s \"%s\": expected SOFT:HARD", kw, tok[i]);
			*colon = '\0';
			if (!cfg_u64(buf, UINT64_MAX, &soft) || !cfg_u64(colon + 1, UINT64_MAX, &hard) ||
			    (hard && soft > hard))
				return cfg_fail(c, "sa: %s \"%s\": expected SOFT:HARD numbers, SOFT <= HARD",
						kw, tok[i]);
			if (pkts) {
				sa.life_pkts_soft = soft;
				sa.life_pkts_hard = hard;
			} else {
				sa.life_bytes_soft = soft;
				sa.life_bytes_hard = hard;
			}
		} else {
			for (k = 0; k < sizeof(cfg_sa_unsupported) / sizeof(cfg_sa_unsupported[0]); k++)
				if (strcmp(kw, cfg_sa_unsupported[k]) == 0)
					return cfg_fail(c, "sa: keyword \"%s\" is not supported", kw);
			return cfg_fail(c, "sa: unrecognized keyword \"%s\"", kw);
		}
	}

	if (aead) {
		if (cipher || auth)
			return cfg_fail(c, "sa: aead_algo cannot be combined with cipher_algo/auth_algo");
		if (ckey_len != aead->key_len)
			return cfg_fail(c, "sa: aead_key for %s must be %u bytes (key and 4-byte salt), got %d",
					aead->kw, aead->key_len, ckey_len < 0 ? 0 : ckey_len);
		sa.alg = aead->alg;
		memcpy(sa.key, ckey, aead->key_len);
		sa.key_len = aead->key_len;
	} else {
		if (cipher == NULL)
			return cfg_fail(c, "sa: missing cipher_algo or aead_algo");
		if (auth == NULL)
			return cfg_fail(c, "sa: missing auth_algo (cipher without integrity is not supported)");
		if (ckey_len != cipher->key_len)
			return cfg_fail(c, "sa: cipher_key for %s must be %u bytes, got %d",
					cipher->kw, cipher->key_len, ckey_len < 0 ? 0 : ckey_len);
		if (akey_len != auth->key_len)
			return cfg_fail(c, "sa: auth_key for %s must be %u bytes, got %d",
					auth->kw, auth->key_len, akey_len < 0 ? 0 : akey_len);
		sa.alg = auth->alg;
		/* authenc takes the kernel's key blob (rtattr, enckeylen, keys). */
		rc = ce_authenc_key_build(sa.key, sizeof(sa.key), akey, auth->key_len, ckey,
					  cipher->key_len);
		if (rc < 0)
			return cfg_fail(c, "sa: auth_key and cipher_key do not fit %zu bytes",
					sizeof(sa.key));
		sa.key_len = (uint8_t)rc;
	}
	if (sa.mode == 0)
		return cfg_fail(c, "sa: missing mode");
	if (sa.mode == GW_MODE_TUNNEL4 && (!have_src || !have_dst))
		return cfg_fail(c, "sa: mode ipv4-tunnel needs src and dst");
	if (sa.mode == GW_MODE_TRANSPORT && (have_src || have_dst))
		return cfg_fail(c, "sa: src/dst are for tunnel mode");

	rc = cfg_grow((void **)&cfg->sa, &cfg->cap_sa, cfg->nb_sa, sizeof(sa));
	if (rc)
		return rc;
	cfg->sa[cfg->nb_sa++] = sa;
	return 0;
}

static int
cfg_sp(const struct cfg_ctx *c, struct gw_config *cfg, char **tok, int nt)
{
	static const char what[] = "sp";
	bool have_esp = false, have_pri = false;
	struct gw_sp_cfg sp;
	uint64_t v;
	int i, rc;

	memset(&sp, 0, sizeof(sp));
	sp.line = c->line;
	sp.proto_hi = 0xff;
	sp.sport_hi = 0xffff;
	sp.dport_hi = 0xffff;
	if (nt < 3)
		return cfg_fail(c, "sp: expected \"sp ipv4 in|out esp ...\"");
	if (strcmp(tok[1], "ipv6") == 0)
		return cfg_fail(c, "sp: ipv6 policies are not supported (IPv4 only)");
	if (strcmp(tok[1], "ipv4") != 0)
		return cfg_fail(c, "sp: \"%s\": expected ipv4", tok[1]);
	if (strcmp(tok[2], "in") == 0)
		sp.dir = GW_DIR_IN;
	else if (strcmp(tok[2], "out") == 0)
		sp.dir = GW_DIR_OUT;
	else
		return cfg_fail(c, "sp: direction \"%s\": expected in or out", tok[2]);

	for (i = 3; i < nt; i++) {
		const char *kw = tok[i];

		if (strcmp(kw, "esp") == 0) {
			have_esp = true;
		} else if (strcmp(kw, "protect") == 0) {
			if (sp.action)
				return cfg_fail(c, "sp: more than one action");
			NEXT_TOKEN(kw);
			if (!cfg_u64(tok[i], UINT32_MAX, &v))
				return cfg_fail(c, "sp: protect \"%s\": expected an SPI", tok[i]);
			sp.action = GW_SP_PROTECT;
			sp.spi = (uint32_t)v;
		} else if (strcmp(kw, "bypass") == 0 || strcmp(kw, "discard") == 0) {
			if (sp.action)
				return cfg_fail(c, "sp: more than one action");
			sp.action = kw[0] == 'b' ? GW_SP_BYPASS : GW_SP_DISCARD;
		} else if (strcmp(kw, "pri") == 0) {
			NEXT_TOKEN(kw);
			if (!cfg_u64(tok[i], INT32_MAX, &v))
				return cfg_fail(c, "sp: pri \"%s\": expected a number", tok[i]);
			sp.pri = (int32_t)v;
			have_pri = true;
		} else if (strcmp(kw, "src") == 0) {
			NEXT_TOKEN(kw);
			if (!cfg_prefix(tok[i], &sp.src, &sp.src_depth))
				return cfg_fail(c, "sp: src \"%s\": expected a.b.c.d/len", tok[i]);
		} else if (strcmp(kw, "dst") == 0) {
			NEXT_TOKEN(kw);
			if (!cfg_prefix(tok[i], &sp.dst, &sp.dst_depth))
				return cfg_fail(c, "sp: dst \"%s\": expected a.b.c.d/len", tok[i]);
		} else if (strcmp(kw, "proto") == 0) {
			uint16_t lo, hi;

			NEXT_TOKEN(kw);
			if (!cfg_range(tok[i], 0xff, &lo, &hi))
				return cfg_fail(c, "sp: proto \"%s\": expected from:to, at most 255", tok[i]);
			sp.proto_lo = (uint8_t)lo;
			sp.proto_hi = (uint8_t)hi;
		} else if (strcmp(kw, "sport") == 0) {
			NEXT_TOKEN(kw);
			if (!cfg_range(tok[i], 0xffff, &sp.sport_lo, &sp.sport_hi))
				return cfg_fail(c, "sp: sport \"%s\": expected port_from:port_to", tok[i]);
		} else if (strcmp(kw, "dport") == 0) {
			NEXT_TOKEN(kw);
			if (!cfg_range(tok[i], 0xffff, &sp.dport_lo, &sp.dport_hi))
				return cfg_fail(c, "sp: dport \"%s\": expected port_from:port_to", tok[i]);
		} else {
			return cfg_fail(c, "sp: unrecognized keyword \"%s\"", kw);
		}
	}
	if (!have_esp)
		return cfg_fail(c, "sp: missing argument \"esp\"");
	if (!sp.action)
		return cfg_fail(c, "sp: missing action (protect SPI, bypass or discard)");
	if (!have_pri)
		return cfg_fail(c, "sp: missing argument \"pri\"");

	rc = cfg_grow((void **)&cfg->sp, &cfg->cap_sp, cfg->nb_sp, sizeof(sp));
	if (rc)
		return rc;
	cfg->sp[cfg->nb_sp++] = sp;
	return 0;
}

static int
cfg_rt(const struct cfg_ctx *c, struct gw_config *cfg, char **tok, int nt)
{
	static const char what[] = "rt";
	bool have_dst = false, have_port = false;
	struct gw_rt_cfg rt;
	uint64_t v;
	int i, rc;

	memset(&rt, 0, sizeof(rt));
	rt.line = c->line;
	if (nt < 2)
		return cfg_fail(c, "rt: expected \"rt ipv4 dst PREFIX port N\"");
	if (strcmp(tok[1], "ipv6") == 0)
		return cfg_fail(c, "rt: ipv6 routes are not supported (IPv4 only)");
	if (strcmp(tok[1], "ipv4") != 0)
		return cfg_fail(c, "rt: \"%s\": expected ipv4", tok[1]);
	for (i = 2; i < nt; i++) {
		const char *kw = tok[i];

		if (strcmp(kw, "dst") == 0) {
			NEXT_TOKEN(kw);
			if (!cfg_prefix(tok[i], &rt.dst, &rt.depth))
				return cfg_fail(c, "rt: dst \"%s\": expected a.b.c.d/len", tok[i]);
			have_dst = true;
		} else if (strcmp(kw, "port") == 0) {
			NEXT_TOKEN(kw);
			if (!cfg_u64(tok[i], 31, &v))
				return cfg_fail(c, "rt: port \"%s\": expected 0..31", tok[i]);
			rt.port = (uint16_t)v;
			have_port = true;
		} else {
			return cfg_fail(c, "rt: unrecognized keyword \"%s\"", kw);
		}
	}
	if (!have_dst || !have_port)
		return cfg_fail(c, "rt: needs dst and port");
	rc = cfg_grow((void **)&cfg->rt, &cfg->cap_rt, cfg->nb_rt, sizeof(rt));
	if (rc)
		return rc;
	cfg->rt[cfg->nb_rt++] = rt;
	return 0;
}

static int
cfg_neigh(const struct cfg_ctx *c, struct gw_config *cfg, char **tok, int nt)
{
	struct gw_neigh_cfg nb;
	uint64_t v;
	int rc, i;

	memset(&nb, 0, sizeof(nb));
	nb.line = c->line;
	if (nt != 4 || strcmp(tok[1], "port") != 0)
		return cfg_fail(c, "neigh: expected \"neigh port N XX:XX:XX:XX:XX:XX\"");
	if (!cfg_u64(tok[2], 31, &v))
		return cfg_fail(c, "neigh: port \"%s\": expected 0..31", tok[2]);
	nb.port = (uint16_t)v;
	if (strlen(tok[3]) != 17)
		return cfg_fail(c, "neigh: MAC \"%s\": expected XX:XX:XX:XX:XX:XX", tok[3]);
	for (i = 0; i < 6; i++) {
		int hi = cfg_hexdigit(tok[3][3 * i]), lo = cfg_hexdigit(tok[3][3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && tok[3][3 * i + 2] != ':'))
			return cfg_fail(c, "neigh: MAC \"%s\": expected XX:XX:XX:XX:XX:XX", tok[3]);
		nb.mac[i] = (uint8_t)(hi << 4 | lo);
	}
	for (i = 0; i < (int)cfg->nb_neigh; i++)
		if (cfg->neigh[i].port == nb.port)
			return cfg_fail(c, "neigh: port %u already has a neighbour (line %u)",
					nb.port, cfg->neigh[i].line);
	rc = cfg_grow((void **)&cfg->neigh, &cfg->cap_neigh, cfg->nb_neigh, sizeof(nb));
	if (rc)
		return rc;
	cfg->neigh[cfg->nb_neigh++] = nb;
	return 0;
}

static int
cfg_statement(const struct cfg_ctx *c, struct gw_config *cfg, char *stmt)
{
	char *tok[CFG_TOKENS_MAX];
	char *save = NULL, *t;
	int nt = 0;

	for (t = strtok_r(stmt, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (nt == CFG_TOKENS_MAX)
			return cfg_fail(c, "more than %d words in one statement", CFG_TOKENS_MAX);
		tok[nt++] = t;
	}
	if (nt == 0)
		return 0;
	if (strcmp(tok[0], "sa") == 0)
		return cfg_sa(c, cfg, tok, nt);
	if (strcmp(tok[0], "sp") == 0)
		return cfg_sp(c, cfg, tok, nt);
	if (strcmp(tok[0], "rt") == 0)
		return cfg_rt(c, cfg, tok, nt);
	if (strcmp(tok[0], "neigh") == 0)
		return cfg_neigh(c, cfg, tok, nt);
	if (strcmp(tok[0], "flow") == 0)
		return cfg_fail(c, "flow: keyword \"flow\" is not supported (no flow offload)");
	return cfg_fail(c, "unrecognized statement \"%s\" (sa, sp, rt, neigh)", tok[0]);
}

int
gw_config_parse(const char *buf, size_t len, const char *name,
		struct gw_config *cfg, char *err, size_t err_len)
{
	struct cfg_ctx c = { .name = name ? name : "config", .err = err, .err_len = err_len };
	char stmt[CFG_STMT_MAX + 2];
	size_t stmt_len = 0, pos = 0;
	unsigned int line = 0, stmt_line = 0;
	int rc;

	if (err && err_len)
		err[0] = '\0';
	while (pos < len) {
		const char *start = buf + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;
		bool joins = false;
		size_t k;

		pos += n + (nl != NULL);
		line++;
		c.line = line;
		if (memchr(start, '\0', n))
			return cfg_fail(&c, "NUL byte in the file");
		/* A comment runs to the end of the line. */
		for (k = 0; k < n; k++)
			if (start[k] == '#')
				break;
		n = k;
		/* A '\' must be the line's last character; it joins the next line. */
		for (k = 0; k < n; k++) {
			if (start[k] != '\\')
				continue;
			if (k + 1 != n && !(k + 2 == n && start[k + 1] == '\r'))
				return cfg_fail(&c, "no character should follow '\\'");
			joins = true;
			n = k;
			break;
		}
		if (stmt_len == 0)
			stmt_line = line;
		if (stmt_len + n > CFG_STMT_MAX) {
			c.line = stmt_line;
			cfg_fail(&c, "statement longer than %d characters", CFG_STMT_MAX);
			return -E2BIG;
		}
		memcpy(stmt + stmt_len, start, n);
		stmt_len += n;
		if (joins && pos < len)
			continue;
		stmt[stmt_len] = '\0';
		c.line = stmt_line;
		rc = cfg_statement(&c, cfg, stmt);
		if (rc == -ENOMEM)
			cfg_fail(&c, "out of memory");
		if (rc)
			return rc;
		stmt_len = 0;
	}
	return 0;
}

struct cfg_spi_key {
	uint32_t spi;
	uint8_t dir;
	unsigned int line;
};

static int
cfg_spi_cmp(const void *a, const void *b)
{
	const struct cfg_spi_key *x = a, *y = b;

	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	if (x->spi != y->spi)
		return x->spi < y->spi ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

int
gw_config_check(const struct gw_config *cfg, const char *name, char *err, size_t err_len)
{
	struct cfg_ctx c = { .name = name ? name : "config", .err = err, .err_len = err_len };
	struct cfg_spi_key *keys;
	unsigned int i;
	int rc = 0;

	/* Sorted (direction, SPI): 10,000 SAs and policies check in O(n log n). */
	keys = calloc(cfg->nb_sa ? cfg->nb_sa : 1, sizeof(*keys));
	if (keys == NULL)
		return -ENOMEM;
	for (i = 0; i < cfg->nb_sa; i++)
		keys[i] = (struct cfg_spi_key){ cfg->sa[i].spi, cfg->sa[i].dir, cfg->sa[i].line };
	qsort(keys, cfg->nb_sa, sizeof(*keys), cfg_spi_cmp);
	for (i = 1; i < cfg->nb_sa; i++) {
		if (keys[i].spi == keys[i - 1].spi && keys[i].dir == keys[i - 1].dir) {
			c.line = keys[i].line;
			rc = cfg_fail(&c, "sa: SPI %u already defined for this direction (line %u)",
				      keys[i].spi, keys[i - 1].line);
			goto out;
		}
	}
	for (i = 0; i < cfg->nb_sp; i++) {
		const struct gw_sp_cfg *sp = &cfg->sp[i];
		struct cfg_spi_key k = { sp->spi, sp->dir, 0 };
		size_t lo = 0, hi = cfg->nb_sa;

		if (sp->action != GW_SP_PROTECT)
			continue;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (keys[mid].dir < k.dir || (keys[mid].dir == k.dir && keys[mid].spi < k.spi))
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == cfg->nb_sa || keys[lo].spi != k.spi || keys[lo].dir != k.dir) {
			c.line = sp->line;
			rc = cfg_fail(&c, "sp: protect %u: no sa %s %u", sp->spi,
				      sp->dir == GW_DIR_IN ? "in" : "out", sp->spi);
			goto out;
		}
	}
out:
	free(keys);
	return rc;
}

void
gw_config_free(struct gw_config *cfg)
{
	free(cfg->sa);
	free(cfg->sp);
	free(cfg->rt);
	free(cfg->neigh);
	memset(cfg, 0, sizeof(*cfg));
}
