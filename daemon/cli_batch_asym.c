/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengctl --batch: the asymmetric lines, those that name a "key_file".
 *
 *   {"op": "sign", "key_file": "k.pem", "in": HEX-DIGEST, "id": 1}
 *   {"op": "verify", "key_file": "pub.pem", "in": HEX-DIGEST, "sig": HEX}
 *   {"op": "encrypt" | "decrypt", "key_file": F, "in": HEX, "padding": "oaep"}
 *   {"op": "derive", "key_file": F, "peer_file": "peer.pem"}   (or "peer": HEX)
 *   {"op": "derive", "key_file": F}                            (the public key)
 *
 * Optional: "alg" (else from the key, as the one-shot commands choose it),
 * "driver", "padding" (pkcs1, pss, oaep, none: RSA), "id". Keys are PEM or
 * DER files, read once per batch: one session per (file, alg, driver), its
 * DER wiped once sent. Lengths that depend on the key are checked here, so
 * that the answer names the limit (the daemon's CQE carries no text).
 * Answers as the symmetric lines': {"out": HEX} (verify: "" when valid) or
 * {"error": "EBADMSG"} (invalid signature, decryption error) / "EINVAL: ...".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cryptoeng.h"
#include "cli.h"

#define CLI_ASYM_FILE_MAX	65536	/* a key file (PEM of RSA-4096: ~3.3 KiB) */
#define CLI_ASYM_IN_MAX		4096	/* longest input or signature */
#define CLI_ASYM_OUT_MAX	1024	/* longest out_max: RSA-4096, 512 bytes */

/* One session per key file, algorithm and driver; or the reason it has none. */
struct cli_asym_sess {
	struct cli_asym_sess *next;
	char *id;		/* path \x1f alg \x1f driver */
	int64_t handle;		/* < 0: refused, see err */
	char *err;
	char alg[64];
	uint32_t out_max;
	uint32_t ops;		/* CE_OP_BIT() of the ops granted */
	uint32_t key_bytes;	/* RSA / DH: modulus or prime bytes; EC: field bytes */
	bool priv, rsa, ec, x25519, dh;
};

static const struct {
	const char *name;
	uint8_t op;
} cli_asym_ops[] = {
	{ "sign", CE_OP_SIGN }, { "verify", CE_OP_SIG_VERIFY }, { "encrypt", CE_OP_ENCRYPT },
	{ "decrypt", CE_OP_DECRYPT }, { "derive", CE_OP_KPP_SECRET },
};

bool
cli_asym_line(json_t *o)
{
	return json_is_object(o) && json_object_get(o, "key_file") != NULL;
}

/* A string field, or NULL; "EINVAL: NAME: ..." in *err when it is not one. */
static const char *
cli_asym_str(json_t *o, const char *name, char **err)
{
	json_t *v = json_object_get(o, name);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*err = cli_fmt("EINVAL: %s: not a string", name);
		return NULL;
	}
	return json_string_value(v);
}

/* A hex field into @p out (room bytes). @return bytes, -1 absent, -2 error (*err). */
static long
cli_asym_hex(json_t *o, const char *name, uint8_t *out, size_t room, char **err)
{
	const char *hex = cli_asym_str(o, name, err);
	size_t n;

	if (hex == NULL)
		return *err ? -2 : -1;
	n = strlen(hex);
	if (n % 2) {
		*err = cli_fmt("EINVAL: %s: odd number of hex digits", name);
		return -2;
	}
	if (n / 2 > room) {
		*err = cli_fmt("EINVAL: %s: %zu bytes, at most %zu", name, n / 2, room);
		return -2;
	}
	for (size_t i = 0; i < n; i++)
		if (cli_hexval(hex[i]) < 0) {
			*err = cli_fmt("EINVAL: %s: not hex at character %zu", name, i + 1);
			return -2;
		}
	return cli_unhex(hex, n, out);
}

/* A key (or peer key) file, parsed. NULL with *err set. */
static EVP_PKEY *
cli_asym_load(const char *field, const char *path, bool *priv, char **err)
{
	uint8_t *buf = NULL;
	struct stat st;
	EVP_PKEY *k;
	long n;

	/* A file, not "-" (the batch may be stdin), a FIFO or a device: no read blocks. */
	if (strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode))) {
		*err = cli_fmt("EINVAL: %s: %s: not a regular file", field, path);
		return NULL;
	}
	n = cli_asym_read(path, -1, CLI_ASYM_FILE_MAX, &buf);
	if (n < 0) {
		*err = cli_fmt("EINVAL: %s: %s: %s", field, path,
			       n == -EFBIG ? "more than 65536 bytes" : strerror((int)-n));
		return NULL;
	}
	k = cli_asym_parse_key(buf, (size_t)n, priv);
	OPENSSL_cleanse(buf, (size_t)n);
	free(buf);
	if (k == NULL)
		*err = cli_fmt("EINVAL: %s: %s: not a PEM or DER key OpenSSL reads (an "
			       "encrypted key is not taken)", field, path);
	return k;
}

/* The session of (key file, alg, driver), from the cache or made now. */
static struct cli_asym_sess *
cli_asym_sess_get(struct cli_batch *b, const char *path, const char *alg, const char *driver,
		  const char *padding, bool derive, char **err)
{
	char namebuf[64], *id;
	struct ce_asym_session_params sp = { .driver = driver };
	struct ce_asym_session_info info;
	struct cli_asym_sess *s;
	uint8_t *der = NULL;
	EVP_PKEY *k;
	bool priv;
	int n;

	id = cli_fmt("%s\x1f%s\x1f%s\x1f%s\x1f%d", path, alg ?: "", driver ?: "", padding ?: "",
		     derive);
	for (s = b->asym_sess; s != NULL; s = s->next)
		if (strcmp(s->id, id) == 0) {
			free(id);
			if (s->handle < 0)
				*err = cli_xstrdup(s->err);
			return s->handle < 0 ? NULL : s;
		}
	s = cli_xmalloc(sizeof(*s));
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->handle = -EINVAL;
	s->next = b->asym_sess;
	b->asym_sess = s;
	k = cli_asym_load("key_file", path, &priv, &s->err);
	if (k == NULL)
		goto refused;
	if (alg == NULL)
		alg = cli_asym_default_alg(k, padding, derive, namebuf, sizeof(namebuf));
	if (alg == NULL) {
		s->err = cli_fmt("EINVAL: alg: none for the key in %s%s%s: name one (cryptoengctl "
				 "algs)", path, padding ? " with padding " : "", padding ?: "");
		goto refused_key;
	}
	snprintf(s->alg, sizeof(s->alg), "%s", alg);
	s->priv = priv;
	s->rsa = EVP_PKEY_is_a(k, "RSA");
	s->ec = EVP_PKEY_is_a(k, "EC");
	s->x25519 = EVP_PKEY_is_a(k, "X25519");
	s->dh = EVP_PKEY_is_a(k, "DH");
	s->key_bytes = s->x25519 ? 32 : (uint32_t)(EVP_PKEY_get_bits(k) + 7) / 8;
	n = cli_asym_key_der(k, priv, &der);
	EVP_PKEY_free(k);
	if (n < 0) {
		s->err = cli_fmt("EINVAL: key_file: %s: no DER of the key within %u bytes", path,
				 CE_ASYM_KEY_MAX);
		goto refused;
	}
	sp.alg = s->alg;
	sp.key = der;
	sp.key_len = (uint32_t)n;
	s->handle = ce_asym_session_create(b->c, &sp, &info);
	OPENSSL_cleanse(der, (size_t)n);
	OPENSSL_free(der);
	if (s->handle < 0) {
		s->err = cli_fmt("%s: %s: %s", s->handle == -EINVAL || s->handle == -ENOENT ||
				 s->handle == -ENOKEY ? "EINVAL" : cli_errname((int)-s->handle),
				 s->alg, ce_client_last_error(b->c));
		goto refused;
	}
	if (info.out_max > CLI_ASYM_OUT_MAX) {
		ce_session_destroy(b->c, (uint32_t)s->handle);
		s->handle = -EPROTO;
		s->err = cli_fmt("EPROTO: %s: output of %u bytes, over %u", s->alg, info.out_max,
				 CLI_ASYM_OUT_MAX);
		goto refused;
	}
	s->out_max = info.out_max;
	s->ops = info.ops;
	return s;
refused_key:
	EVP_PKEY_free(k);
refused:
	*err = cli_xstrdup(s->err);
	return NULL;
}

/* Key-dependent lengths, said here with the limit. @return NULL or "EINVAL: ...". */
static char *
cli_asym_check_len(const struct cli_asym_sess *s, uint8_t op, size_t in_len, size_t sig_len)
{
	uint32_t k = s->key_bytes;

	switch (op) {
	case CE_OP_SIGN:
	case CE_OP_SIG_VERIFY:
		if (s->rsa && in_len != 32)
			return cli_fmt("EINVAL: in: %zu bytes; %s signs a 32-byte SHA-256 digest",
				       in_len, s->alg);
		if (s->ec && (in_len == 0 || in_len > 64))
			return cli_fmt("EINVAL: in: %zu bytes; %s takes a digest of 1..64 bytes",
				       in_len, s->alg);
		if (op == CE_OP_SIG_VERIFY && sig_len != s->out_max)
			return cli_fmt("EINVAL: sig: %zu bytes; %s's signatures are %u bytes",
				       sig_len, s->alg, s->out_max);
		return NULL;
	case CE_OP_DECRYPT:
		if (in_len != k)
			return cli_fmt("EINVAL: in: %zu bytes; %s decrypts %u bytes (the modulus)",
				       in_len, s->alg, k);
		return NULL;
	case CE_OP_ENCRYPT: {
		uint32_t max = strncmp(s->alg, "oaep", 4) == 0 ? k - 66 :
			       strncmp(s->alg, "pkcs1pad", 8) == 0 ? k - 11 : k;

		if (in_len > max)
			return cli_fmt("EINVAL: in: %zu bytes; %s encrypts at most %u", in_len,
				       s->alg, max);
		return NULL;
	}
	case CE_OP_KPP_SECRET: {
		uint32_t want = s->ec ? 2 * k : k;

		if (in_len != want)
			return cli_fmt("EINVAL: peer: %zu bytes; %s takes a public key of %u",
				       in_len, s->alg, want);
		return NULL;
	}
	}
	return NULL;
}

int
cli_asym_prepare(struct cli_batch *b, struct cli_slot *s, uint64_t seq, json_t *o)
{
	static const char *const known[] = {
		"op", "key_file", "alg", "driver", "padding", "in", "sig", "peer", "peer_file", "id",
	};
	uint8_t in[CLI_ASYM_IN_MAX], sig[CLI_ASYM_IN_MAX];
	const char *k, *op_name, *path, *alg, *driver, *padding, *peer_file;
	long in_len, sig_len, off;
	struct cli_asym_sess *as;
	uint8_t op = 0, *p;
	json_t *v;
	size_t i;

	json_object_foreach(o, k, v) {
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(k, known[i]) == 0)
				break;
		if (i == sizeof(known) / sizeof(known[0])) {
			s->err = cli_fmt("EINVAL: %s: unknown field (asymmetric line)", k);
			return 0;
		}
	}
	op_name = cli_asym_str(o, "op", &s->err);
	path = cli_asym_str(o, "key_file", &s->err);
	alg = cli_asym_str(o, "alg", &s->err);
	driver = cli_asym_str(o, "driver", &s->err);
	padding = cli_asym_str(o, "padding", &s->err);
	peer_file = cli_asym_str(o, "peer_file", &s->err);
	if (s->err != NULL)
		return 0;
	for (i = 0; op_name != NULL && i < sizeof(cli_asym_ops) / sizeof(cli_asym_ops[0]); i++)
		if (strcmp(op_name, cli_asym_ops[i].name) == 0)
			op = cli_asym_ops[i].op;
	if (op == 0) {
		s->err = cli_fmt("EINVAL: op: %s%s%s (with key_file: sign, verify, encrypt, "
				 "decrypt or derive)", op_name ? "'" : "missing", op_name ?: "",
				 op_name ? "' is not one" : "");
		return 0;
	}
	if (path == NULL || path[0] == '\0') {
		s->err = cli_fmt("EINVAL: key_file: empty");
		return 0;
	}
	if (driver != NULL && driver[0] == '\0')
		driver = NULL;
	if (padding != NULL && strcmp(padding, "pkcs1") && strcmp(padding, "pss") &&
	    strcmp(padding, "oaep") && strcmp(padding, "none")) {
		s->err = cli_fmt("EINVAL: padding: '%s' is not pkcs1, pss, oaep or none", padding);
		return 0;
	}
	/* Input: "in" for all but derive, whose input is the peer's public key. */
	if (op == CE_OP_KPP_SECRET) {
		if (json_object_get(o, "in") != NULL || json_object_get(o, "sig") != NULL) {
			s->err = cli_fmt("EINVAL: %s: derive takes peer or peer_file",
					 json_object_get(o, "in") ? "in" : "sig");
			return 0;
		}
		in_len = cli_asym_hex(o, "peer", in, sizeof(in), &s->err);
		if (in_len == -2)
			return 0;
		if (in_len >= 0 && peer_file != NULL) {
			s->err = cli_fmt("EINVAL: peer: give peer or peer_file, not both");
			return 0;
		}
		if (peer_file != NULL) {
			bool peer_priv;
			EVP_PKEY *peer = cli_asym_load("peer_file", peer_file, &peer_priv, &s->err);
			int n;

			if (peer == NULL)
				return 0;
			n = cli_asym_peer_raw(peer, peer, in, sizeof(in));
			EVP_PKEY_free(peer);
			if (n < 0) {
				s->err = cli_fmt("EINVAL: peer_file: %s: not a public key of a key "
						 "agreement (EC, X25519, DH)", peer_file);
				return 0;
			}
			in_len = n;
		}
		if (in_len < 0) {
			op = CE_OP_KPP_PUBKEY;	/* no peer: this key's public key */
			in_len = 0;
		}
		sig_len = 0;
	} else {
		if (json_object_get(o, "peer") != NULL || peer_file != NULL) {
			s->err = cli_fmt("EINVAL: %s: only derive takes a peer",
					 peer_file ? "peer_file" : "peer");
			return 0;
		}
		in_len = cli_asym_hex(o, "in", in, sizeof(in), &s->err);
		if (in_len == -2)
			return 0;
		if (in_len < 0) {
			s->err = cli_fmt("EINVAL: in: missing");
			return 0;
		}
		sig_len = cli_asym_hex(o, "sig", sig, sizeof(sig), &s->err);
		if (sig_len == -2)
			return 0;
		if ((sig_len >= 0) != (op == CE_OP_SIG_VERIFY)) {
			s->err = cli_fmt("EINVAL: sig: %s", sig_len >= 0 ? "only verify takes one" :
					 "missing (verify needs the signature)");
			return 0;
		}
		if (sig_len < 0)
			sig_len = 0;
	}

	as = cli_asym_sess_get(b, path, alg, driver, padding,
			       op == CE_OP_KPP_SECRET || op == CE_OP_KPP_PUBKEY, &s->err);
	if (as == NULL)
		return 0;
	if (!(as->ops & CE_OP_BIT(op))) {
		bool needs_priv = op == CE_OP_SIGN || op == CE_OP_DECRYPT ||
				  op == CE_OP_KPP_SECRET || op == CE_OP_KPP_PUBKEY;
		char have[64] = "";

		for (i = 0; i < sizeof(cli_asym_ops) / sizeof(cli_asym_ops[0]); i++)
			if (as->ops & CE_OP_BIT(cli_asym_ops[i].op))
				snprintf(have + strlen(have), sizeof(have) - strlen(have), "%s%s",
					 have[0] ? ", " : "", cli_asym_ops[i].name);
		if (needs_priv && !as->priv)
			s->err = cli_fmt("EINVAL: op: %s needs the private key; %s holds a public "
					 "one (%s)", op_name, path, have);
		else
			s->err = cli_fmt("EINVAL: op: %s cannot %s (it does %s)", as->alg, op_name,
					 have);
		return 0;
	}
	if ((s->err = cli_asym_check_len(as, op, (size_t)in_len, (size_t)sig_len)) != NULL)
		return 0;

	/* Layout: [in][sig][out]: out never overlaps the input, as the daemon demands. */
	off = cli_ring_alloc(b, (size_t)((in_len + 63) & ~63L) + (size_t)((sig_len + 63) & ~63L) +
			     as->out_max);
	if (off < 0)
		return -EAGAIN;
	s->buf_end = b->head;
	p = b->arena + off;
	memcpy(p, in, (size_t)in_len);
	memcpy(p + ((in_len + 63) & ~63L), sig, (size_t)sig_len);
	s->out = p + ((in_len + 63) & ~63L) + ((sig_len + 63) & ~63L);
	s->out_len = 0;
	s->out_max = as->out_max;
	OPENSSL_cleanse(in, sizeof(in));
	switch (op) {
	case CE_OP_SIGN:
		ce_prep_sign(&s->dd, b->c, (uint32_t)as->handle, p, (uint32_t)in_len, s->out);
		break;
	case CE_OP_SIG_VERIFY:
		ce_prep_verify(&s->dd, b->c, (uint32_t)as->handle, p, (uint32_t)in_len,
			       p + ((in_len + 63) & ~63L), (uint32_t)sig_len);
		break;
	case CE_OP_KPP_SECRET:
	case CE_OP_KPP_PUBKEY:
		ce_prep_kpp(&s->dd, b->c, (uint32_t)as->handle, op, in_len ? p : NULL,
			    (uint32_t)in_len, s->out);
		break;
	default:
		ce_prep_akcipher(&s->dd, b->c, (uint32_t)as->handle, op, p, (uint32_t)in_len,
				 s->out);
		break;
	}
	ce_desc_set_cookie(&s->dd, seq);
	s->state = CLI_S_PENDING;
	return 0;
}

void
cli_asym_free(struct cli_batch *b)
{
	struct cli_asym_sess *s, *next;

	/* The sessions go with the connection (BYE). */
	for (s = b->asym_sess; s != NULL; s = next) {
		next = s->next;
		free(s->id);
		free(s->err);
		free(s);
	}
	b->asym_sess = NULL;
}
