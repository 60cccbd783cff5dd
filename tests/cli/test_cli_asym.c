/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengctl sign | verify | encrypt | decrypt | derive against a real
 * cryptoengd (the "openssl" backend, and the "cryptodev" backend over a
 * crypto_openssl vdev), compared with `openssl pkeyutl` on the same keys
 * (made by `openssl genpkey` here): PKCS#1 v1.5 signatures byte-identical,
 * PSS and OAEP and ECDSA each checked by the other side, derived secrets
 * equal; invalid signatures exit 1, usage and bad keys exit 2, no daemon 5.
 * Arguments: CRYPTOENGD CRYPTOENGCTL.
 */
#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "dtest.h"
#pragma GCC diagnostic pop

static const char *ca_ctl;

struct ca_res {
	int rc;
	char out[4096];
	char err[4096];
};

/* The path of a file in the test's directory. */
static const char *
ca_path(const char *name)
{
	static char paths[16][160];
	static unsigned int next;
	char *p = paths[next++ % 16];

	snprintf(p, sizeof(paths[0]), "%s/%s", dt_dir, name);
	return p;
}

static void
ca_read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

static size_t
ca_read_bin(const char *name, uint8_t *buf, size_t size)
{
	int fd = open(ca_path(name), O_RDONLY);
	ssize_t n;

	CHECK(fd >= 0);
	n = read(fd, buf, size);
	close(fd);
	CHECK(n >= 0);
	return (size_t)n;
}

static void
ca_write_bin(const char *name, const uint8_t *buf, size_t n)
{
	int fd = open(ca_path(name), O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, buf, n), (ssize_t)n);
	close(fd);
}

/*
 * Run argv (NULL-terminated) with stdout/stderr captured; @p fd3 (a path or
 * NULL) opened as descriptor 3 (--keyfd 3).
 */
static struct ca_res
ca_exec(const char *fd3, const char *const *argv)
{
	static struct ca_res r;
	const char *out = ca_path("run.out"), *err = ca_path("run.err");
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int i = open("/dev/null", O_RDONLY);

		if (o < 0 || e < 0 || i < 0)
			_exit(126);
		dup2(i, 0);
		dup2(o, 1);
		dup2(e, 2);
		/* After the three: one of them may have been descriptor 3. */
		if (fd3 != NULL) {
			int k = open(fd3, O_RDONLY);

			if (k < 0 || (k != 3 && dup2(k, 3) < 0))
				_exit(126);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	r.rc = dt_wait_exit(pid);
	ca_read_text(out, r.out, sizeof(r.out));
	ca_read_text(err, r.err, sizeof(r.err));
	return r;
}

#define ca_ctl_run(...) ca_exec(NULL, (const char *const[]){ ca_ctl, "--socket", dt_sock, \
							     __VA_ARGS__, NULL })
#define ca_ossl(...) ca_exec(NULL, (const char *const[]){ "openssl", __VA_ARGS__, NULL })

static void
ca_expect(struct ca_res r, int rc, const char *what)
{
	if (r.rc != rc) {
		fprintf(stderr, "%s: rc %d, want %d\n out: %s\n err: %s\n", what, r.rc, rc, r.out,
			r.err);
		dt_dump_log();
		exit(1);
	}
}

static void
ca_same_files(const char *a, const char *b, const char *what)
{
	uint8_t x[1024], y[1024];
	size_t nx = ca_read_bin(a, x, sizeof(x)), ny = ca_read_bin(b, y, sizeof(y));

	if (nx != ny || nx == 0 || memcmp(x, y, nx) != 0) {
		fprintf(stderr, "%s: %s (%zu bytes) and %s (%zu bytes) differ\n", what, a, nx, b,
			ny);
		exit(1);
	}
}

/* Keys made by openssl genpkey: NAME.pem (private) and NAME.pub. */
static void
ca_genkey(const char *name, const char *alg, const char *opt)
{
	char priv[32], pub[32];

	snprintf(priv, sizeof(priv), "%s.pem", name);
	snprintf(pub, sizeof(pub), "%s.pub", name);
	if (opt != NULL)
		ca_expect(ca_ossl("genpkey", "-algorithm", alg, "-pkeyopt", opt, "-out",
				  ca_path(priv)), 0, "genpkey");
	else
		ca_expect(ca_ossl("genpkey", "-algorithm", alg, "-out", ca_path(priv)), 0,
			  "genpkey");
	ca_expect(ca_ossl("pkey", "-in", ca_path(priv), "-pubout", "-out", ca_path(pub)), 0,
		  "pkey -pubout");
}

static void
ca_random_file(const char *name, size_t n)
{
	uint8_t b[512];

	CHECK(n <= sizeof(b) && RAND_bytes(b, (int)n) == 1);
	ca_write_bin(name, b, n);
}

/* ---- RSA ---------------------------------------------------------------------- */

static void
ca_rsa(const char *driver_sign)
{
	struct ca_res r;
	uint8_t sig[512];
	size_t n;

	/* PKCS#1 v1.5 signatures are deterministic: byte for byte. */
	if (driver_sign != NULL)
		r = ca_ctl_run("sign", "--key-file", ca_path("rsa.pem"), "--driver", driver_sign,
			       "-in", ca_path("dgst"), "-out", ca_path("sig.ce"));
	else
		r = ca_ctl_run("sign", "--key-file", ca_path("rsa.pem"), "-in", ca_path("dgst"),
			       "-out", ca_path("sig.ce"));
	ca_expect(r, 0, "sign");
	ca_expect(ca_ossl("pkeyutl", "-sign", "-inkey", ca_path("rsa.pem"), "-in",
			  ca_path("dgst"), "-pkeyopt", "digest:sha256", "-out", ca_path("sig.ossl")),
		  0, "pkeyutl -sign");
	ca_same_files("sig.ce", "sig.ossl", "pkcs1 signature");
	/* Verify, with the public key from a file descriptor (3<rsa.pub). */
	r = ca_exec(ca_path("rsa.pub"), (const char *const[]){ ca_ctl, "--socket", dt_sock,
		"verify", "--keyfd", "3", "-in", ca_path("dgst"), "-sigfile", ca_path("sig.ossl"),
		NULL });
	ca_expect(r, 0, "verify");
	if (strcmp(r.out, "Signature Verified Successfully\n") != 0) {
		fprintf(stderr, "verify said: '%s' / '%s'\n", r.out, r.err);
		exit(1);
	}
	n = ca_read_bin("sig.ossl", sig, sizeof(sig));
	sig[n / 3] ^= 0x08;
	ca_write_bin("sig.bad", sig, n);
	r = ca_ctl_run("verify", "--key-file", ca_path("rsa.pub"), "-in", ca_path("dgst"),
		       "-sigfile", ca_path("sig.bad"));
	ca_expect(r, 1, "verify of a corrupted signature");
	CHECK(strcmp(r.out, "Signature Verification Failure\n") == 0);
	ca_write_bin("sig.short", sig, n - 1);
	ca_expect(ca_ctl_run("verify", "--key-file", ca_path("rsa.pub"), "-in", ca_path("dgst"),
			     "-sigfile", ca_path("sig.short")), 2, "verify: signature too short");

	/* PSS both ways. */
	ca_expect(ca_ctl_run("sign", "-inkey", ca_path("rsa.pem"), "-pkeyopt",
			     "rsa_padding_mode:pss", "-in", ca_path("dgst"), "-out",
			     ca_path("pss.ce")), 0, "sign pss");
	r = ca_ossl("pkeyutl", "-verify", "-pubin", "-inkey", ca_path("rsa.pub"), "-in",
		    ca_path("dgst"), "-sigfile", ca_path("pss.ce"), "-pkeyopt", "digest:sha256",
		    "-pkeyopt", "rsa_padding_mode:pss");
	ca_expect(r, 0, "pkeyutl -verify of our PSS signature");
	ca_expect(ca_ossl("pkeyutl", "-sign", "-inkey", ca_path("rsa.pem"), "-in",
			  ca_path("dgst"), "-pkeyopt", "digest:sha256", "-pkeyopt",
			  "rsa_padding_mode:pss", "-out", ca_path("pss.ossl")), 0, "pkeyutl pss");
	ca_expect(ca_ctl_run("verify", "-inkey", ca_path("rsa.pub"), "-pkeyopt",
			     "rsa_padding_mode:pss", "-in", ca_path("dgst"), "-sigfile",
			     ca_path("pss.ossl")), 0, "verify openssl's PSS signature");

	/* PKCS#1 v1.5 and OAEP encryption, both ways. */
	ca_expect(ca_ctl_run("encrypt", "--key-file", ca_path("rsa.pub"), "-in", ca_path("msg"),
			     "-out", ca_path("ct.ce")), 0, "encrypt");
	ca_expect(ca_ossl("pkeyutl", "-decrypt", "-inkey", ca_path("rsa.pem"), "-in",
			  ca_path("ct.ce"), "-out", ca_path("pt.ossl")), 0, "pkeyutl -decrypt");
	ca_same_files("pt.ossl", "msg", "pkcs1 encrypt, openssl decrypts");
	ca_expect(ca_ossl("pkeyutl", "-encrypt", "-pubin", "-inkey", ca_path("rsa.pub"), "-in",
			  ca_path("msg"), "-out", ca_path("ct.ossl")), 0, "pkeyutl -encrypt");
	ca_expect(ca_ctl_run("decrypt", "--key-file", ca_path("rsa.pem"), "-in", ca_path("ct.ossl"),
			     "-out", ca_path("pt.ce")), 0, "decrypt");
	ca_same_files("pt.ce", "msg", "openssl encrypts, pkcs1 decrypt");
	ca_expect(ca_ctl_run("encrypt", "--key-file", ca_path("rsa.pub"), "-pkeyopt",
			     "rsa_padding_mode:oaep", "-in", ca_path("msg"), "-out",
			     ca_path("oct.ce")), 0, "encrypt oaep");
	ca_expect(ca_ossl("pkeyutl", "-decrypt", "-inkey", ca_path("rsa.pem"), "-in",
			  ca_path("oct.ce"), "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt",
			  "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256", "-out",
			  ca_path("opt.ossl")), 0, "pkeyutl -decrypt oaep");
	ca_same_files("opt.ossl", "msg", "oaep encrypt, openssl decrypts");
	/* A corrupted ciphertext: a decryption error, exit 1. */
	n = ca_read_bin("ct.ossl", sig, sizeof(sig));
	sig[1] ^= 0x40;
	ca_write_bin("ct.bad", sig, n);
	ca_expect(ca_ctl_run("decrypt", "--key-file", ca_path("rsa.pem"), "-in", ca_path("ct.bad"),
			     "-out", ca_path("pt.bad")), 1, "decrypt of a corrupted ciphertext");
}

/* ---- ECDSA, ECDH, X25519, ffdhe --------------------------------------------- */

/* OpenSSL's DER ECDSA signature as raw r || s (the daemon's format). */
static void
ca_der_to_raw(const char *der_name, const char *raw_name, int n)
{
	uint8_t der[160], raw[132];
	const unsigned char *p = der;
	size_t len = ca_read_bin(der_name, der, sizeof(der));
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)len);

	CHECK(s != NULL);
	CHECK_EQ(BN_bn2binpad(ECDSA_SIG_get0_r(s), raw, n), n);
	CHECK_EQ(BN_bn2binpad(ECDSA_SIG_get0_s(s), raw + n, n), n);
	ECDSA_SIG_free(s);
	ca_write_bin(raw_name, raw, 2 * (size_t)n);
}

/* A P-256 signature as the daemon writes it (r || s) verified by openssl
 * pkeyutl against ec.pub and dgst, by way of DER file @p der_name. */
static void
ca_raw_verify_ossl(const uint8_t raw[64], const char *der_name, const char *what)
{
	uint8_t der[160];
	unsigned char *q = der;
	ECDSA_SIG *s = ECDSA_SIG_new();
	int len;

	CHECK(s != NULL && ECDSA_SIG_set0(s, BN_bin2bn(raw, 32, NULL), BN_bin2bn(raw + 32, 32,
								 NULL)) == 1);
	len = i2d_ECDSA_SIG(s, &q);
	ECDSA_SIG_free(s);
	CHECK(len > 0);
	ca_write_bin(der_name, der, (size_t)len);
	ca_expect(ca_ossl("pkeyutl", "-verify", "-pubin", "-inkey", ca_path("ec.pub"), "-in",
			  ca_path("dgst"), "-sigfile", ca_path(der_name)), 0, what);
}

static void
ca_ecdsa(void)
{
	uint8_t raw[64];

	ca_expect(ca_ctl_run("sign", "--key-file", ca_path("ec.pem"), "-in", ca_path("dgst"),
			     "-out", ca_path("es.ce")), 0, "ecdsa sign");
	CHECK_EQ(ca_read_bin("es.ce", raw, sizeof(raw)), 64);
	ca_raw_verify_ossl(raw, "es.der", "pkeyutl -verify of our ECDSA signature");
	ca_expect(ca_ossl("pkeyutl", "-sign", "-inkey", ca_path("ec.pem"), "-in", ca_path("dgst"),
			  "-out", ca_path("es.ossl")), 0, "pkeyutl ecdsa sign");
	ca_der_to_raw("es.ossl", "es.raw", 32);
	ca_expect(ca_ctl_run("verify", "--key-file", ca_path("ec.pub"), "-in", ca_path("dgst"),
			     "-sigfile", ca_path("es.raw")), 0, "verify openssl's ECDSA signature");
	raw[5] ^= 1;
	ca_write_bin("es.bad", raw, 64);
	ca_expect(ca_ctl_run("verify", "--key-file", ca_path("ec.pub"), "-in", ca_path("dgst"),
			     "-sigfile", ca_path("es.bad")), 1, "verify corrupted ECDSA");
}

/* Our derive and pkeyutl's on the same keys give the same secret. */
static void
ca_derive(const char *name, const char *extra_opt)
{
	char a[32], bpub[32];
	struct ca_res r;

	snprintf(a, sizeof(a), "%s.pem", name);
	snprintf(bpub, sizeof(bpub), "%s2.pub", name);
	ca_expect(ca_ctl_run("derive", "--key-file", ca_path(a), "-peerkey", ca_path(bpub),
			     "-out", ca_path("ss.ce")), 0, name);
	if (extra_opt != NULL)
		r = ca_ossl("pkeyutl", "-derive", "-inkey", ca_path(a), "-peerkey", ca_path(bpub),
			    "-pkeyopt", extra_opt, "-out", ca_path("ss.ossl"));
	else
		r = ca_ossl("pkeyutl", "-derive", "-inkey", ca_path(a), "-peerkey", ca_path(bpub),
			    "-out", ca_path("ss.ossl"));
	ca_expect(r, 0, "pkeyutl -derive");
	ca_same_files("ss.ce", "ss.ossl", name);
}

static void
ca_usage(void)
{
	struct ca_res r;

	ca_expect(ca_ctl_run("sign", "-in", ca_path("dgst")), 2, "sign without a key");
	ca_expect(ca_ctl_run("verify", "--key-file", ca_path("rsa.pub"), "-in", ca_path("dgst")),
		  2, "verify without -sigfile");
	ca_expect(ca_ctl_run("sign", "--key-file", ca_path("msg"), "-in", ca_path("dgst")), 2,
		  "a file that is no key");
	r = ca_ctl_run("decrypt", "--key-file", ca_path("rsa.pub"), "-in", ca_path("ct.ossl"));
	ca_expect(r, 2, "decrypt with a public key");
	CHECK(strstr(r.err, "ENOKEY") != NULL);
	ca_expect(ca_ctl_run("sign", "--key-file", ca_path("rsa.pem"), "-in", ca_path("msg")), 2,
		  "sign a message that is no SHA-256 digest");
	ca_expect(ca_exec(NULL, (const char *const[]){ ca_ctl, "--socket", ca_path("nobody"),
			  "sign", "--key-file", ca_path("rsa.pem"), "-in", ca_path("dgst"), NULL }),
		  5, "no daemon");
}

/* ---- --batch: asymmetric lines ---------------------------------------------- */

static void
ca_hex_of(const char *name, char *hex, size_t size)
{
	uint8_t b[1024];
	size_t n = ca_read_bin(name, b, sizeof(b));

	CHECK(2 * n < size);
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
	hex[2 * n] = '\0';
}

/* The answer of line @p i (0-based) of a batch's output, parsed. */
static json_t *
ca_batch_line(const char *out, unsigned int i)
{
	const char *p = out;
	json_error_t jerr;
	json_t *o;

	while (i-- > 0) {
		p = strchr(p, '\n');
		CHECK(p != NULL);
		p++;
	}
	o = json_loadb(p, strcspn(p, "\n"), 0, &jerr);
	if (o == NULL) {
		fprintf(stderr, "batch answer not JSON: %s\n", p);
		exit(1);
	}
	return o;
}

static void
ca_batch_out(json_t *o, const char *id, const char *want_hex)
{
	const char *got = json_string_value(json_object_get(o, "out"));

	if (strcmp(json_string_value(json_object_get(o, "id")) ?: "", id) != 0 || got == NULL ||
	    (want_hex != NULL && strcmp(got, want_hex) != 0)) {
		fprintf(stderr, "batch %s: %s, want out %s\n", id, json_dumps(o, 0),
			want_hex ? want_hex : "(any)");
		exit(1);
	}
}

static void
ca_batch_err(json_t *o, const char *id, const char *words)
{
	const char *got = json_string_value(json_object_get(o, "error"));

	if (strcmp(json_string_value(json_object_get(o, "id")) ?: "", id) != 0 || got == NULL ||
	    strstr(got, words) == NULL) {
		fprintf(stderr, "batch %s: %s, want an error with '%s'\n", id, json_dumps(o, 0),
			words);
		exit(1);
	}
}

/* Answer @p i of batch output @p out: out @p want_hex (NULL: any), id @p id. */
static void
ca_line_out(const char *out, unsigned int i, const char *id, const char *want_hex)
{
	json_t *o = ca_batch_line(out, i);

	ca_batch_out(o, id, want_hex);
	json_decref(o);
}

/* Answer @p i of batch output @p out: an error with @p words, id @p id. */
static void
ca_line_err(const char *out, unsigned int i, const char *id, const char *words)
{
	json_t *o = ca_batch_line(out, i);

	ca_batch_err(o, id, words);
	json_decref(o);
}

/*
 * crypt --batch with asymmetric lines (keys by path) between symmetric ones:
 * each answer in order with its id, checked against openssl pkeyutl.
 */
static void
ca_batch(void)
{
	static char text[8192], dgst[80], sig[1100], es[160], esbad[160], ct[600], want[1100];
	const char *lines[] = {
		"{\"id\":\"ecsign\",\"op\":\"sign\",\"key_file\":\"%1$s/ec.pem\",\"in\":\"%2$s\"}",
		"{\"id\":\"rsasign\",\"op\":\"sign\",\"key_file\":\"%1$s/rsa.pem\",\"in\":\"%2$s\"}",
		"{\"id\":\"ecverify\",\"op\":\"verify\",\"key_file\":\"%1$s/ec.pub\",\"in\":\"%2$s\",\"sig\":\"%3$s\"}",
		"{\"id\":\"ecbad\",\"op\":\"verify\",\"key_file\":\"%1$s/ec.pub\",\"in\":\"%2$s\",\"sig\":\"%4$s\"}",
		"{\"id\":\"gcm\",\"alg\":\"gcm(aes)\",\"op\":\"encrypt\",\"key\":\"000102030405060708090a0b0c0d0e0f\",\"iv\":\"000102030405060708090a0b\",\"in\":\"%2$s\"}",
		"{\"id\":\"decrypt\",\"op\":\"decrypt\",\"key_file\":\"%1$s/rsa.pem\",\"in\":\"%5$s\"}",
		"{\"id\":\"x25519\",\"op\":\"derive\",\"key_file\":\"%1$s/x.pem\",\"peer_file\":\"%1$s/x2.pub\"}",
		"{\"id\":\"ecdh\",\"op\":\"derive\",\"key_file\":\"%1$s/ecdh.pem\",\"peer_file\":\"%1$s/ecdh2.pub\"}",
		"{\"id\":\"pubsign\",\"op\":\"sign\",\"key_file\":\"%1$s/rsa.pub\",\"in\":\"%2$s\"}",
		"{\"id\":\"short\",\"op\":\"sign\",\"key_file\":\"%1$s/rsa.pem\",\"in\":\"0011\"}",
		"{\"id\":\"nofile\",\"op\":\"sign\",\"key_file\":\"%1$s/none.pem\",\"in\":\"%2$s\"}",
		"{\"id\":\"unknown\",\"op\":\"sign\",\"key_file\":\"%1$s/ec.pem\",\"in\":\"%2$s\",\"bogus\":1}",
		"{\"id\":\"stdin\",\"op\":\"sign\",\"key_file\":\"-\",\"in\":\"%2$s\"}",
		"{\"id\":\"ecsign2\",\"op\":\"sign\",\"key_file\":\"%1$s/ec.pem\",\"in\":\"%2$s\"}",
	};
	size_t used = 0;
	struct ca_res r;
	json_t *o;

	ca_hex_of("dgst", dgst, sizeof(dgst));
	ca_hex_of("es.raw", es, sizeof(es));
	ca_hex_of("es.bad", esbad, sizeof(esbad));
	ca_hex_of("ct.ossl", ct, sizeof(ct));
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		used += (size_t)snprintf(text + used, sizeof(text) - used, lines[i], dt_dir, dgst, es,
					 esbad, ct);
		used += (size_t)snprintf(text + used, sizeof(text) - used, "\n");
		CHECK(used < sizeof(text));
	}
	ca_write_bin("batch.jsonl", (const uint8_t *)text, used);
	r = ca_ctl_run("crypt", "--batch", ca_path("batch.jsonl"));
	ca_expect(r, 0, "crypt --batch with asymmetric lines");

	/* ECDSA: OpenSSL verifies both signatures (each its own: ECDSA is randomised). */
	for (unsigned int line = 0; line <= 13; line += 13) {
		uint8_t raw[64];
		const char *hex;

		o = ca_batch_line(r.out, line);
		ca_batch_out(o, line ? "ecsign2" : "ecsign", NULL);
		hex = json_string_value(json_object_get(o, "out"));
		CHECK_EQ(strlen(hex), 128);
		for (int i = 0; i < 64; i++)
			CHECK(sscanf(hex + 2 * i, "%2hhx", &raw[i]) == 1);
		json_decref(o);
		ca_raw_verify_ossl(raw, "bes.der", "pkeyutl -verify of a batch ECDSA signature");
	}
	/* PKCS#1 v1.5: byte for byte openssl's (sig.ossl, from ca_rsa). */
	ca_hex_of("sig.ossl", sig, sizeof(sig));
	ca_line_out(r.out, 1, "rsasign", sig);
	ca_line_out(r.out, 2, "ecverify", "");
	ca_line_err(r.out, 3, "ecbad", "EBADMSG");
	ca_line_out(r.out, 4, "gcm", NULL);
	ca_hex_of("msg", want, sizeof(want));
	ca_line_out(r.out, 5, "decrypt", want);
	/* Shared secrets: pkeyutl's on the same keys. */
	ca_expect(ca_ossl("pkeyutl", "-derive", "-inkey", ca_path("x.pem"), "-peerkey",
			  ca_path("x2.pub"), "-out", ca_path("bss.x")), 0, "pkeyutl -derive x25519");
	ca_hex_of("bss.x", want, sizeof(want));
	ca_line_out(r.out, 6, "x25519", want);
	ca_expect(ca_ossl("pkeyutl", "-derive", "-inkey", ca_path("ecdh.pem"), "-peerkey",
			  ca_path("ecdh2.pub"), "-out", ca_path("bss.ec")), 0, "pkeyutl -derive ecdh");
	ca_hex_of("bss.ec", want, sizeof(want));
	ca_line_out(r.out, 7, "ecdh", want);
	/* Refusals name what was wrong and the limit. */
	ca_line_err(r.out, 8, "pubsign", "needs the private key");
	ca_line_err(r.out, 9, "short", "2 bytes; pkcs1pad(rsa,sha256) signs a 32-byte SHA-256 digest");
	ca_line_err(r.out, 10, "nofile", "No such file");
	ca_line_err(r.out, 11, "unknown", "bogus: unknown field");
	/* "-" would be the batch's own stdin: key files are regular files. */
	ca_line_err(r.out, 12, "stdin", "-: not a regular file");
	CHECK(strchr(strstr(r.out, "ecsign2"), '\n')[1] == '\0');	/* nothing after the last */
}

/* The cryptodev device's "asym_enqueued" counter (cryptoengctl stats --json). */
static long long
ca_dev_asym_enqueued(void)
{
	struct ca_res r = ca_ctl_run("stats", "--json");
	json_error_t jerr;
	json_t *ans, *dev;
	size_t i;
	long long v = -1;

	ca_expect(r, 0, "stats --json");
	ans = json_loads(r.out, 0, &jerr);
	CHECK(ans != NULL);
	json_array_foreach(json_object_get(ans, "devices"), i, dev)
		if (strcmp(json_string_value(json_object_get(dev, "device")), "dev0") == 0)
			v = json_integer_value(json_object_get(dev, "asym_enqueued"));
	json_decref(ans);
	return v;
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s CRYPTOENGD CRYPTOENGCTL\n", argv[0]);
		return 1;
	}
	dt_init(argc, argv);
	ca_ctl = argv[2];
	ca_genkey("rsa", "RSA", "rsa_keygen_bits:2048");
	ca_genkey("ec", "EC", "ec_paramgen_curve:P-256");
	ca_genkey("x", "X25519", NULL);
	ca_genkey("x2", "X25519", NULL);
	ca_genkey("ecdh", "EC", "ec_paramgen_curve:P-256");
	ca_genkey("ecdh2", "EC", "ec_paramgen_curve:P-256");
	ca_genkey("dh", "DH", "group:ffdhe2048");
	ca_genkey("dh2", "DH", "group:ffdhe2048");
	ca_random_file("dgst", 32);
	ca_random_file("msg", 100);
	dt_start("[pmd.openssl0]\n"
		 "driver = openssl\n"
		 "[pmd.dev0]\n"
		 "driver = cryptodev\n"
		 "args = dev=crypto_openssl\n"
		 "[pmd.ipsecmb0]\n"
		 "driver = ipsecmb\n");
	long long before, after;

	fprintf(stderr, "-- rsa (best: the cryptodev's)\n");
	before = ca_dev_asym_enqueued();
	ca_rsa(NULL);
	after = ca_dev_asym_enqueued();
	/* The device ran them (priority 400 over the openssl backend's 100):
	 * every request of ca_rsa but the short signature, refused first. */
	fprintf(stderr, "   %lld asymmetric ops on dev0\n", after - before);
	CHECK(before >= 0);
	CHECK_EQ(after - before, 9);
	fprintf(stderr, "-- rsa on the openssl backend\n");
	ca_rsa("pkcs1pad(rsa-openssl,sha256)");
	/* The sign went to the backend named; the rest to the best one again. */
	CHECK_EQ(ca_dev_asym_enqueued(), after + 8);
	fprintf(stderr, "-- ecdsa\n");
	ca_ecdsa();
	fprintf(stderr, "-- derive\n");
	ca_derive("x", NULL);
	ca_derive("ecdh", NULL);
	ca_derive("dh", "dh_pad:1");
	fprintf(stderr, "-- usage\n");
	ca_usage();
	fprintf(stderr, "-- batch\n");
	ca_batch();
	dt_stop();
	return 0;
}
