/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengctl against a real cryptoengd: the built binaries are passed as
 * arguments (daemon, ctl, case). The daemon runs on a config written here
 * (ipsecmb + sodium, own socket and EAL prefix, see tests/daemon/dtest.h);
 * cryptoengctl runs as a subprocess and its output, stderr and exit code
 * are checked against known answers and OpenSSL.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "dtest.h"

static const char *ct_ctl;	/* the cryptoengctl binary */

static const char ct_pmds[] =
	"[pmd.ipsecmb0]\n"
	"driver = ipsecmb\n"
	"[pmd.sodium0]\n"
	"driver = sodium\n";

struct ct_res {
	int rc;
	char *out, *err;
};

static char *
ct_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	size_t n = 0;
	long len;

	CHECK(f != NULL);
	CHECK(fseek(f, 0, SEEK_END) == 0);
	len = ftell(f);
	CHECK(len >= 0);
	rewind(f);
	s = malloc((size_t)len + 1);
	CHECK(s != NULL);
	if (len > 0)
		n = fread(s, 1, (size_t)len, f);
	CHECK_EQ(n, len);
	s[n] = '\0';
	fclose(f);
	return s;
}

/*
 * Run cryptoengctl --socket <ours> ARGS... (NULL-terminated), stdin from
 * @p in_path (or /dev/null); stdout and stderr through files, so a large
 * answer cannot deadlock a pipe.
 */
static pid_t ct_last_pid;	/* the last cryptoengctl run */

static struct ct_res
ct_run_v(const char *in_path, const char *const *args)
{
	char out_path[160], err_path[160];
	const char *argv[64];
	struct ct_res r;
	unsigned int n = 0;
	pid_t pid;

	snprintf(out_path, sizeof(out_path), "%s/ctl.out", dt_dir);
	snprintf(err_path, sizeof(err_path), "%s/ctl.err", dt_dir);
	argv[n++] = ct_ctl;
	argv[n++] = "--socket";
	argv[n++] = dt_sock;
	while (*args != NULL && n < 63)
		argv[n++] = *args++;
	argv[n] = NULL;
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int in = open(in_path ? in_path : "/dev/null", O_RDONLY);
		int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (in < 0 || out < 0 || err < 0)
			_exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		execv(ct_ctl, (char *const *)argv);
		_exit(127);
	}
	ct_last_pid = pid;
	r.rc = dt_wait_exit(pid);
	r.out = ct_slurp(out_path);
	r.err = ct_slurp(err_path);
	return r;
}

#define ct_run(...) ct_run_v(NULL, (const char *const[]){ __VA_ARGS__, NULL })

static void
ct_free(struct ct_res *r)
{
	free(r->out);
	free(r->err);
}

/* Expect exit 0 and exactly @p want (hex) plus a newline on stdout. */
static void
ct_expect_out(struct ct_res r, const char *want, const char *what)
{
	if (r.rc != 0 || strncmp(r.out, want, strlen(want)) != 0 ||
	    strcmp(r.out + strlen(want), "\n") != 0) {
		fprintf(stderr, "%s: rc %d\n out: %s\n want: %s\n err: %s\n", what, r.rc, r.out,
			want, r.err);
		exit(1);
	}
	ct_free(&r);
}

/* Expect exit @p rc, nothing on stdout, and stderr starting with @p prefix. */
static void
ct_expect_err(struct ct_res r, int rc, const char *prefix, const char *what)
{
	if (r.rc != rc || r.out[0] != '\0' || strncmp(r.err, prefix, strlen(prefix)) != 0) {
		fprintf(stderr, "%s: rc %d (want %d)\n out: %s\n err: %s\n want err: %s...\n",
			what, r.rc, rc, r.out, r.err, prefix);
		exit(1);
	}
	ct_free(&r);
}

static char *
ct_tohex(const uint8_t *p, size_t n)
{
	char *s = malloc(2 * n + 1);

	CHECK(s != NULL);
	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", p[i]);
	s[2 * n] = '\0';
	return s;
}

/* o[name] = the n bytes at p in hex. */
static void
json_set_hex(json_t *o, const char *name, const uint8_t *p, size_t n)
{
	char *h = ct_tohex(p, n);

	json_object_set_new(o, name, json_string(h));
	free(h);
}

/* ---- crypt: known answers, decrypt, bad tag, parameter errors ------------- */

/* NIST GCM test case 4 (AES-128, 60-byte plaintext, 20-byte AAD). */
#define GCM4_KEY "feffe9928665731c6d6a8f9467308308"
#define GCM4_IV  "cafebabefacedbaddecaf888"
#define GCM4_AAD "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define GCM4_PT  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
		 "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM4_CT  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e" \
		 "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
#define GCM4_TAG "5bc94fbc3221a5db94fae95ae7121a47"
#define GCM4_BADTAG "5bc94fbc3221a5db94fae95ae7121a46"

/* RFC 8439 section 2.8.2. */
#define CC_KEY "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
#define CC_IV  "070000004041424344454647"
#define CC_AAD "50515253c0c1c2c3c4c5c6c7"
#define CC_CT  "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6" \
	       "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36" \
	       "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc" \
	       "3ff4def08e4b7a9de576d26586cec64b6116"
#define CC_TAG "1ae10b594f09e26a7e902ecbd0600691"
static const char cc_pt[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
			    "only one tip for the future, sunscreen would be it.";

/* RFC 4231 test case 2. */
#define H2_KEY "4a656665"
#define H2_MAC "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
static const char h2_data[] = "what do ya want for nothing?";

/* RFC 3602 case 2. */
#define CBC_KEY "c286696d887c9aa0611bbb3e2025a45a"
#define CBC_IV  "562e17996d093d28ddb3ba695a2e6f58"
/* The kernel's authenc key header (host-order rtattr {8, 1}, enckeylen 16). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define AUTHENC_KEY_HDR16 "0800010000000010"
#else
#define AUTHENC_KEY_HDR16 "0008000100000010"
#endif
#define CBC_PT  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define CBC_CT  "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1"

static void
case_crypt(void)
{
	char *cc_pt_hex = ct_tohex((const uint8_t *)cc_pt, strlen(cc_pt));
	char *h2_hex = ct_tohex((const uint8_t *)h2_data, strlen(h2_data));
	char *buf = malloc(4096);

	CHECK(buf != NULL);
	dt_start(ct_pmds);

	/* GCM: encrypt gives ciphertext||tag; decrypt takes it back. */
	ct_expect_out(ct_run("crypt", "--alg", "gcm(aes)", "--op", "encrypt", "--key", GCM4_KEY,
			     "--iv", GCM4_IV, "--aad", GCM4_AAD, "--in", GCM4_PT),
		      GCM4_CT GCM4_TAG, "gcm tc4 encrypt");
	ct_expect_out(ct_run("crypt", "--alg", "gcm(aes)", "--op", "decrypt", "--key", GCM4_KEY,
			     "--iv", GCM4_IV, "--aad", GCM4_AAD, "--in", GCM4_CT GCM4_TAG),
		      GCM4_PT, "gcm tc4 decrypt");
	/* The second implementation, named by driver, gives the same answer (AES-256 only). */
	ct_expect_out(ct_run("crypt", "--alg", "gcm(aes)", "--driver", "gcm-aes-ipsecmb",
			     "--op", "encrypt", "--key", GCM4_KEY, "--iv", GCM4_IV,
			     "--aad", GCM4_AAD, "--in", GCM4_PT),
		      GCM4_CT GCM4_TAG, "gcm tc4 by driver");
	/* A shorter tag is the truncated one. */
	ct_expect_out(ct_run("crypt", "--alg", "gcm(aes)", "--op", "encrypt", "--key", GCM4_KEY,
			     "--iv", GCM4_IV, "--aad", GCM4_AAD, "--tag-len", "12",
			     "--in", GCM4_PT),
		      GCM4_CT "5bc94fbc3221a5db94fae95a", "gcm tc4 tag 12");
	/* A flipped tag bit: EBADMSG, exit 3, no plaintext. */
	ct_expect_err(ct_run("crypt", "--alg", "gcm(aes)", "--op", "decrypt", "--key", GCM4_KEY,
			     "--iv", GCM4_IV, "--aad", GCM4_AAD, "--in", GCM4_CT GCM4_BADTAG),
		      3, "EBADMSG\n", "gcm bad tag");
	/* And a changed AAD byte. */
	ct_expect_err(ct_run("crypt", "--alg", "gcm(aes)", "--op", "decrypt", "--key", GCM4_KEY,
			     "--iv", GCM4_IV, "--aad", "00edfacedeadbeeffeedfacedeadbeefabaddad2", "--in",
			     GCM4_CT GCM4_TAG),
		      3, "EBADMSG\n", "gcm bad aad");

	/* ChaCha20-Poly1305, both implementations. */
	snprintf(buf, 4096, "%s%s", CC_CT, CC_TAG);
	ct_expect_out(ct_run("crypt", "--alg", "rfc7539(chacha20,poly1305)", "--op", "encrypt",
			     "--key", CC_KEY, "--iv", CC_IV, "--aad", CC_AAD, "--in", cc_pt_hex),
		      buf, "chacha20-poly1305 encrypt");
	ct_expect_out(ct_run("crypt", "--alg", "rfc7539(chacha20,poly1305)", "--driver",
			     "rfc7539-chacha20-poly1305-sodium", "--op", "encrypt", "--key", CC_KEY,
			     "--iv", CC_IV, "--aad", CC_AAD, "--in", cc_pt_hex),
		      buf, "chacha20-poly1305 encrypt (sodium)");
	ct_expect_out(ct_run("crypt", "--alg", "rfc7539(chacha20,poly1305)", "--op", "decrypt",
			     "--key", CC_KEY, "--iv", CC_IV, "--aad", CC_AAD, "--in", buf),
		      cc_pt_hex, "chacha20-poly1305 decrypt");
	buf[strlen(buf) - 1] ^= 1;
	ct_expect_err(ct_run("crypt", "--alg", "rfc7539(chacha20,poly1305)", "--op", "decrypt",
			     "--key", CC_KEY, "--iv", CC_IV, "--aad", CC_AAD, "--in", buf),
		      3, "EBADMSG\n", "chacha20-poly1305 bad tag");

	/* HMAC-SHA256: digest, verify of data||digest, verify of a wrong one. */
	ct_expect_out(ct_run("crypt", "--alg", "hmac(sha256)", "--op", "digest", "--key", H2_KEY,
			     "--in", h2_hex),
		      H2_MAC, "hmac-sha256 digest");
	snprintf(buf, 4096, "%s%s", h2_hex, H2_MAC);
	ct_expect_out(ct_run("crypt", "--alg", "hmac(sha256)", "--op", "verify", "--key", H2_KEY,
			     "--in", buf),
		      "", "hmac-sha256 verify");
	buf[strlen(buf) - 1] ^= 1;
	ct_expect_err(ct_run("crypt", "--alg", "hmac(sha256)", "--op", "verify", "--key", H2_KEY,
			     "--in", buf),
		      3, "EBADMSG\n", "hmac-sha256 verify bad");

	/* CBC: no tag, both ways. */
	ct_expect_out(ct_run("crypt", "--alg", "cbc(aes)", "--op", "encrypt", "--key", CBC_KEY,
			     "--iv", CBC_IV, "--in", CBC_PT),
		      CBC_CT, "cbc encrypt");
	ct_expect_out(ct_run("crypt", "--alg", "cbc(aes)", "--op", "decrypt", "--key", CBC_KEY,
			     "--iv", CBC_IV, "--in", CBC_CT),
		      CBC_PT, "cbc decrypt");

	/* Parameter errors: exit 2, "EINVAL: <parameter>". */
	ct_expect_err(ct_run("crypt", "--alg", "gcm(aes)", "--op", "encrypt",
			     "--key", "feffe9928665731c6d6a8f94673083", "--iv", GCM4_IV,
			     "--in", GCM4_PT),
		      2, "EINVAL: key", "bad key length");
	ct_expect_err(ct_run("crypt", "--alg", "gcm(aes)", "--op", "encrypt", "--key", GCM4_KEY,
			     "--in", GCM4_PT),
		      2, "EINVAL: iv", "missing iv");
	ct_expect_err(ct_run("crypt", "--alg", "gcm(aes)", "--op", "encrypt", "--key", GCM4_KEY,
			     "--iv", GCM4_IV, "--in", "0g"),
		      2, "EINVAL: in", "bad hex");
	ct_expect_err(ct_run("crypt", "--alg", "gcm(aes)", "--op", "encrypt", "--key", GCM4_KEY,
			     "--iv", GCM4_IV, "--tag-len", "3", "--in", GCM4_PT),
		      2, "EINVAL: tag_len", "bad tag length");
	ct_expect_err(ct_run("crypt", "--alg", "gcm(aes)", "--op", "digest", "--key", GCM4_KEY,
			     "--iv", GCM4_IV, "--in", GCM4_PT),
		      2, "EINVAL: op", "digest with a cipher");
	ct_expect_err(ct_run("crypt", "--alg", "nosuch(alg)", "--op", "encrypt", "--key", "00",
			     "--in", "00"),
		      2, "EINVAL: alg", "unknown algorithm");
	ct_expect_err(ct_run("crypt", "--alg", "gcm(aes)", "--op", "decrypt", "--key", GCM4_KEY,
			     "--iv", GCM4_IV, "--in", "0011"),
		      2, "EINVAL: in", "input shorter than the tag");
	/* Lengths a request (not the session) gets wrong: the daemon's CQE has
	 * no text, so the CLI names the parameter and the limit from `algs`. */
	{
		static const char ak[] = AUTHENC_KEY_HDR16 "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
					 CBC_KEY;
		char path[160];
		uint8_t *big = calloc(1, 65536 + 16);
		FILE *f;

		ct_expect_err(ct_run("crypt", "--alg", "authenc(hmac(sha1),cbc(aes))", "--op",
				     "encrypt", "--key", ak, "--iv", CBC_IV, "--in", CBC_PT "00"),
			      2, "EINVAL: in: 33 bytes; authenc(hmac(sha1),cbc(aes)) takes a multiple "
			      "of its 16-byte block", "authenc input not a whole block");
		ct_expect_err(ct_run("crypt", "--alg", "authencesn(hmac(sha1),cbc(aes))", "--op",
				     "encrypt", "--key", ak, "--iv", CBC_IV, "--aad", "00010203",
				     "--in", CBC_PT),
			      2, "EINVAL: aad: 4 bytes, authencesn(hmac(sha1),cbc(aes)) takes at least 8",
			      "authencesn AAD shorter than SPI || seq_hi");
		CHECK(big != NULL);
		snprintf(path, sizeof(path), "%s/big.in", dt_dir);
		f = fopen(path, "w");
		CHECK(f != NULL && fwrite(big, 1, 65536 + 16, f) == 65536 + 16 && fclose(f) == 0);
		ct_expect_err(ct_run_v(path, (const char *const[]){ "crypt", "--alg", "cbc(aes)",
					"--op", "encrypt", "--key", CBC_KEY, "--iv", CBC_IV, NULL }),
			      2, "EINVAL: in: 65552 bytes; cbc(aes) (cbc-aes-ipsecmb) takes at most 65535",
			      "cbc input over the implementation's max_len");
		free(big);
		/* A key that is not the kernel's authenc blob: the daemon's reason. */
		ct_expect_err(ct_run("crypt", "--alg", "authenc(hmac(sha1),cbc(aes))", "--op",
				     "encrypt", "--key", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b" CBC_KEY,
				     "--iv", CBC_IV, "--in", CBC_PT),
			      2, "EINVAL: key: authenc(hmac(sha1),cbc(aes)) (authenc-hmac-sha1-cbc-aes-"
			      "ipsecmb): key: authenc rtattr", "authenc key not a blob");
	}

	dt_stop();
	/* No daemon: exit 1 and one line saying where it could not connect, and why. */
	{
		struct ct_res r = ct_run("crypt", "--alg", "gcm(aes)", "--op", "encrypt", "--key",
					 GCM4_KEY, "--iv", GCM4_IV, "--in", GCM4_PT);
		char want[256];
		const char *hit;

		CHECK_EQ(r.rc, 1);
		snprintf(want, sizeof(want), "cannot connect to %s: No such file or directory",
			 dt_sock);
		hit = strstr(r.err, want);
		if (hit == NULL || strstr(hit + strlen(want), dt_sock) != NULL || strchr(r.err, '\n') !=
		    r.err + strlen(r.err) - 1) {
			fprintf(stderr, "no daemon: want one line with '%s', got:\n%s", want, r.err);
			exit(1);
		}
		ct_free(&r);
		r = ct_run("algs");
		CHECK_EQ(r.rc, 1);
		ct_free(&r);
	}
	free(cc_pt_hex);
	free(h2_hex);
	free(buf);
}

/* ---- batch ---------------------------------------------------------------- */

static void
ct_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
}

/* Split into lines; @return how many (text is modified). */
static size_t
ct_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *l = strtok_r(text, "\n", &save); l != NULL && n < max;
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	return n;
}

/* Each output line is one JSON object with one key: "out" or "error". */
static void
ct_check_line(const char *line, const char *key, const char *want, bool prefix, size_t no)
{
	json_error_t jerr;
	json_t *o = json_loads(line, 0, &jerr);
	const char *v = json_string_value(json_object_get(o, key));

	if (o == NULL || json_object_size(o) != 1 || v == NULL ||
	    (prefix ? strncmp(v, want, strlen(want)) != 0 : strcmp(v, want) != 0)) {
		fprintf(stderr, "line %zu: %s\n want %s: %s%s\n", no, line, key, want,
			prefix ? "..." : "");
		exit(1);
	}
	json_decref(o);
}

static void
case_batch_mixed(void)
{
	char in_path[160];
	char *lines[32];
	struct ct_res r;
	char *text;

	snprintf(in_path, sizeof(in_path), "%s/mixed.jsonl", dt_dir);
	text = NULL;
	CHECK(asprintf(&text,
		"{\"alg\":\"gcm(aes)\",\"op\":\"encrypt\",\"key\":\"%s\",\"iv\":\"%s\",\"aad\":\"%s\",\"in\":\"%s\"}\n"
		"this is not json\n"
		"{\"alg\":\"gcm(aes)\",\"op\":\"decrypt\",\"key\":\"%s\",\"iv\":\"%s\",\"aad\":\"%s\",\"in\":\"%s%s\"}\n"
		"{\"alg\":\"gcm(aes)\",\"op\":\"decrypt\",\"key\":\"%s\",\"iv\":\"%s\",\"aad\":\"%s\",\"in\":\"%s%s\"}\n"
		"{\"alg\":\"gcm(aes)\",\"op\":\"encrypt\",\"key\":\"0011\",\"iv\":\"%s\",\"in\":\"00\"}\n"
		"{\"alg\":\"hmac(sha256)\",\"op\":\"digest\",\"key\":\"%s\",\"in\":\"%s\"}\n"
		"{\"alg\":\"cbc(aes)\",\"op\":\"encrypt\",\"key\":\"%s\",\"iv\":\"%s\",\"in\":\"%s\"\n"
		"{\"alg\":\"cbc(aes)\",\"op\":\"encrypt\",\"key\":\"%s\",\"iv\":\"%s\",\"in\":\"%s\"}\n"
		"[1,2,3]\n"
		"{\"alg\":\"gcm(aes)\",\"op\":\"encrypt\",\"key\":\"%s\",\"iv\":\"%s\",\"in\":\"zz\"}\n"
		"{\"alg\":\"gcm(aes)\",\"op\":\"encrypt\",\"key\":\"%s\",\"iv\":\"%s\",\"in\":\"00\",\"tag_len\":\"16\"}\n"
		"{\"alg\":\"gcm(aes)\",\"op\":\"encrypt\",\"key\":\"%s\",\"iv\":\"%s\",\"aad\":\"%s\",\"in\":\"%s\",\"tag_len\":8}\n",
		GCM4_KEY, GCM4_IV, GCM4_AAD, GCM4_PT,
		GCM4_KEY, GCM4_IV, GCM4_AAD, GCM4_CT, GCM4_TAG,
		GCM4_KEY, GCM4_IV, GCM4_AAD, GCM4_CT, GCM4_BADTAG,
		GCM4_IV,
		H2_KEY, "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
		CBC_KEY, CBC_IV, CBC_PT,
		CBC_KEY, CBC_IV, CBC_PT,
		GCM4_KEY, GCM4_IV,
		GCM4_KEY, GCM4_IV,
		GCM4_KEY, GCM4_IV, GCM4_AAD, GCM4_PT) > 0);
	ct_write_file(in_path, text);
	free(text);

	/* From a file, and the same through stdin ("-"). */
	for (int pass = 0; pass < 2; pass++) {
		r = pass == 0 ? ct_run("crypt", "--batch", in_path) :
				ct_run_v(in_path, (const char *const[]){ "crypt", "--batch", "-",
									 NULL });
		if (r.rc != 0)
			fprintf(stderr, "batch: rc %d: %s\n", r.rc, r.err);
		CHECK_EQ(r.rc, 0);
		CHECK_EQ(ct_lines(r.out, lines, 32), 12);
		ct_check_line(lines[0], "out", GCM4_CT GCM4_TAG, false, 1);
		ct_check_line(lines[1], "error", "EINVAL: line 2: malformed JSON", true, 2);
		ct_check_line(lines[2], "out", GCM4_PT, false, 3);
		ct_check_line(lines[3], "error", "EBADMSG", false, 4);
		ct_check_line(lines[4], "error", "EINVAL: key", true, 5);
		ct_check_line(lines[5], "out", H2_MAC, false, 6);
		ct_check_line(lines[6], "error", "EINVAL: line 7: malformed JSON", true, 7);
		ct_check_line(lines[7], "out", CBC_CT, false, 8);
		ct_check_line(lines[8], "error", "EINVAL", true, 9);
		ct_check_line(lines[9], "error", "EINVAL: in", true, 10);
		ct_check_line(lines[10], "error", "EINVAL: tag_len", true, 11);
		ct_check_line(lines[11], "out", GCM4_CT "5bc94fbc3221a5db", false, 12);
		ct_free(&r);
	}
}

/*
 * Random requests with their expected answers from OpenSSL: GCM (AES-128/256,
 * encrypt and decrypt, some with a corrupted tag), ChaCha20-Poly1305,
 * HMAC-SHA256 digest, CBC encrypt. Keys come from a small pool so the
 * session cache is exercised.
 */
#define BIG_LINES	5000
#define BIG_KEYS	6

struct ct_big {
	char *line;
	char *want;		/* hex, or "EBADMSG" */
	bool err;
};

static void
ct_big_make(struct ct_big *bg, unsigned int kind, unsigned int ki, const uint8_t (*keys)[32])
{
	uint8_t iv[16], aad[32], pt[600], out[700], tag[32];
	size_t len = (size_t)rand() % 513, aad_len = (size_t)rand() % 33;
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	json_t *o = json_object();
	int n = 0, n2 = 0;

	CHECK(x != NULL);
	CHECK(RAND_bytes(iv, sizeof(iv)) == 1 && RAND_bytes(aad, sizeof(aad)) == 1 &&
	      RAND_bytes(pt, sizeof(pt)) == 1);
	bg->err = false;
	switch (kind) {
	case 0: case 1: case 2: {	/* GCM: 0 encrypt, 1 decrypt, 2 decrypt with a bad tag */
		bool k256 = ki & 1;
		size_t tl = 16;

		CHECK(EVP_EncryptInit_ex(x, k256 ? EVP_aes_256_gcm() : EVP_aes_128_gcm(), NULL,
					 keys[ki], iv) == 1);
		CHECK(EVP_EncryptUpdate(x, NULL, &n, aad, (int)aad_len) == 1);
		CHECK(EVP_EncryptUpdate(x, out, &n, pt, (int)len) == 1);
		CHECK(EVP_EncryptFinal_ex(x, out + n, &n2) == 1);
		CHECK(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, (int)tl, tag) == 1);
		memcpy(out + len, tag, tl);
		json_object_set_new(o, "alg", json_string("gcm(aes)"));
		json_object_set_new(o, "op", json_string(kind == 0 ? "encrypt" : "decrypt"));
		json_set_hex(o, "key", keys[ki], k256 ? 32 : 16);
		json_set_hex(o, "iv", iv, 12);
		if (aad_len)
			json_set_hex(o, "aad", aad, aad_len);
		if (kind == 0) {
			json_set_hex(o, "in", pt, len);
			bg->want = ct_tohex(out, len + tl);
		} else {
			if (kind == 2)
				out[len + (size_t)rand() % tl] ^= 0x20;
			json_set_hex(o, "in", out, len + tl);
			bg->want = kind == 1 ? ct_tohex(pt, len) : strdup("EBADMSG");
			bg->err = kind == 2;
		}
		break;
	}
	case 3:		/* ChaCha20-Poly1305 encrypt */
		CHECK(EVP_EncryptInit_ex(x, EVP_chacha20_poly1305(), NULL, keys[ki], iv) == 1);
		CHECK(EVP_EncryptUpdate(x, NULL, &n, aad, (int)aad_len) == 1);
		CHECK(EVP_EncryptUpdate(x, out, &n, pt, (int)len) == 1);
		CHECK(EVP_EncryptFinal_ex(x, out + n, &n2) == 1);
		CHECK(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, 16, out + len) == 1);
		json_object_set_new(o, "alg", json_string("rfc7539(chacha20,poly1305)"));
		json_object_set_new(o, "op", json_string("encrypt"));
		json_set_hex(o, "key", keys[ki], 32);
		json_set_hex(o, "iv", iv, 12);
		json_set_hex(o, "aad", aad, aad_len);
		json_set_hex(o, "in", pt, len);
		bg->want = ct_tohex(out, len + 16);
		break;
	case 4: {	/* HMAC-SHA256 digest, 32-byte key */
		unsigned int ml = 0;

		CHECK(HMAC(EVP_sha256(), keys[ki], 32, pt, len, out, &ml) != NULL);
		json_object_set_new(o, "alg", json_string("hmac(sha256)"));
		json_object_set_new(o, "op", json_string("digest"));
		json_set_hex(o, "key", keys[ki], 32);
		json_set_hex(o, "in", pt, len);
		bg->want = ct_tohex(out, ml);
		break;
	}
	default:	/* CBC encrypt, whole blocks, at least one */
		len = (len / 16 + 1) * 16;
		CHECK(EVP_EncryptInit_ex(x, EVP_aes_128_cbc(), NULL, keys[ki], iv) == 1);
		EVP_CIPHER_CTX_set_padding(x, 0);
		CHECK(EVP_EncryptUpdate(x, out, &n, pt, (int)len) == 1);
		CHECK(EVP_EncryptFinal_ex(x, out + n, &n2) == 1);
		json_object_set_new(o, "alg", json_string("cbc(aes)"));
		json_object_set_new(o, "op", json_string("encrypt"));
		json_set_hex(o, "key", keys[ki], 16);
		json_set_hex(o, "iv", iv, 16);
		json_set_hex(o, "in", pt, len);
		bg->want = ct_tohex(out, len);
		break;
	}
	bg->line = json_dumps(o, JSON_COMPACT);
	CHECK(bg->line != NULL && bg->want != NULL);
	json_decref(o);
	EVP_CIPHER_CTX_free(x);
}

static void
case_batch_big(void)
{
	static uint8_t keys[BIG_KEYS][32];
	struct ct_big *bg = calloc(BIG_LINES, sizeof(*bg));
	char **lines = calloc(BIG_LINES + 1, sizeof(*lines));
	char in_path[160];
	struct ct_res r;
	size_t nl;
	FILE *f;

	CHECK(bg != NULL && lines != NULL);
	srand(4);
	CHECK(RAND_bytes(&keys[0][0], sizeof(keys)) == 1);
	snprintf(in_path, sizeof(in_path), "%s/big.jsonl", dt_dir);
	f = fopen(in_path, "w");
	CHECK(f != NULL);
	for (unsigned int i = 0; i < BIG_LINES; i++) {
		unsigned int kind = (unsigned int)rand() % 6;

		ct_big_make(&bg[i], kind, (unsigned int)rand() % BIG_KEYS,
			    (const uint8_t (*)[32])keys);
		fprintf(f, "%s\n", bg[i].line);
	}
	fclose(f);
	r = ct_run("crypt", "--batch", in_path);
	if (r.rc != 0)
		fprintf(stderr, "batch: rc %d: %s\n", r.rc, r.err);
	CHECK_EQ(r.rc, 0);
	nl = ct_lines(r.out, lines, BIG_LINES + 1);
	CHECK_EQ(nl, BIG_LINES);
	for (unsigned int i = 0; i < BIG_LINES; i++) {
		ct_check_line(lines[i], bg[i].err ? "error" : "out", bg[i].want, false, i + 1);
		free(bg[i].line);
		free(bg[i].want);
	}
	ct_free(&r);
	free(bg);
	free(lines);
}

static void
case_batch(void)
{
	dt_start(ct_pmds);
	case_batch_mixed();
	case_batch_big();
	dt_stop();
}

/* ---- sessions: cached per request shape, within the daemon's limit -------- */

struct ct_coproc {
	pid_t pid;
	FILE *in, *out;
};

/* cryptoengctl crypt --batch - with both ends of it in our hands. */
static void
ct_coproc_start(struct ct_coproc *cp)
{
	int to[2], from[2];

	CHECK(pipe(to) == 0 && pipe(from) == 0);
	cp->pid = fork();
	CHECK(cp->pid >= 0);
	if (cp->pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[0]);
		close(to[1]);
		close(from[0]);
		close(from[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl(ct_ctl, ct_ctl, "--socket", dt_sock, "crypt", "--batch", "-", (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	cp->in = fdopen(to[1], "w");
	cp->out = fdopen(from[0], "r");
	CHECK(cp->in != NULL && cp->out != NULL);
}

struct ct_feed {
	FILE *in;
	struct ct_big *bg;
	unsigned int n;
};

/* Writes a round's lines: on its own thread, so that neither pipe can fill
 * up with both sides blocked (the answers come while we still write). */
static void *
ct_feed_lines(void *arg)
{
	struct ct_feed *f = arg;

	for (unsigned int i = 0; i < f->n; i++)
		fprintf(f->in, "%s\n", f->bg[i].line);
	CHECK(fflush(f->in) == 0);
	return NULL;
}

/*
 * Send n GCM requests cycling through nb_keys keys and check the n answers.
 * They come while the batch is still open: cryptoengctl answers what it has
 * before it blocks on its input.
 */
static void
ct_coproc_round(struct ct_coproc *cp, unsigned int n, unsigned int nb_keys,
		const uint8_t (*keys)[32])
{
	struct ct_big *bg = calloc(n, sizeof(*bg));
	struct ct_feed feed = { .in = cp->in, .bg = bg, .n = n };
	char *line = NULL;
	size_t cap = 0;
	pthread_t writer;

	CHECK(bg != NULL);
	for (unsigned int i = 0; i < n; i++)
		ct_big_make(&bg[i], 0, i % nb_keys, keys);
	CHECK(pthread_create(&writer, NULL, ct_feed_lines, &feed) == 0);
	for (unsigned int i = 0; i < n; i++) {
		ssize_t got = getline(&line, &cap, cp->out);

		CHECK(got > 0);
		ct_check_line(line, "out", bg[i].want, false, i + 1);
	}
	CHECK(pthread_join(writer, NULL) == 0);
	for (unsigned int i = 0; i < n; i++) {
		free(bg[i].line);
		free(bg[i].want);
	}
	free(line);
	free(bg);
}

/* The "sessions" count of the client with this pid in `clients --json`. */
static json_int_t
ct_client_sessions(pid_t pid)
{
	struct ct_res r = ct_run("clients", "--json");
	json_t *o, *c, *found = NULL;
	json_int_t n;
	size_t i;

	CHECK_EQ(r.rc, 0);
	o = json_loads(r.out, 0, NULL);
	CHECK(o != NULL);
	json_array_foreach(json_object_get(o, "clients"), i, c)
		if (json_integer_value(json_object_get(c, "pid")) == pid)
			found = c;
	CHECK(found != NULL);
	CHECK(json_is_integer(json_object_get(found, "sessions")));
	n = json_integer_value(json_object_get(found, "sessions"));
	json_decref(o);
	ct_free(&r);
	return n;
}

static void
case_sessions(void)
{
	static uint8_t keys[12][32];
	struct ct_coproc cp;
	char cfg[256];

	/* A small session limit, so the batch must recycle its cache. */
	snprintf(cfg, sizeof(cfg), "[clients]\nmax_sessions = 4\n%s", ct_pmds);
	dt_start(cfg);
	CHECK(RAND_bytes(&keys[0][0], sizeof(keys)) == 1);
	ct_coproc_start(&cp);

	/* 200 requests, 3 keys: 3 sessions, not 200. */
	ct_coproc_round(&cp, 200, 3, (const uint8_t (*)[32])keys);
	CHECK_EQ(ct_client_sessions(cp.pid), 3);
	ct_coproc_round(&cp, 100, 3, (const uint8_t (*)[32])keys);
	CHECK_EQ(ct_client_sessions(cp.pid), 3);

	/* 12 keys over a limit of 4: every answer still right, never over the limit. */
	ct_coproc_round(&cp, 240, 12, (const uint8_t (*)[32])keys);
	CHECK(ct_client_sessions(cp.pid) <= 4);

	fclose(cp.in);
	{
		int c = fgetc(cp.out);

		CHECK_EQ(c, EOF);	/* one line out per line in, nothing more */
	}
	fclose(cp.out);
	CHECK_EQ(dt_wait_exit(cp.pid), 0);
	dt_stop();
}

/* ---- algs, stats, clients, engines ---------------------------------------- */

static json_t *
ct_json_of(const char *cmd)
{
	struct ct_res r = ct_run(cmd, "--json");
	json_error_t jerr;
	json_t *o;

	CHECK_EQ(r.rc, 0);
	o = json_loads(r.out, 0, &jerr);
	if (o == NULL)
		fprintf(stderr, "%s --json: %s\n%s\n", cmd, jerr.text, r.out);
	CHECK(json_is_object(o));
	/* Pretty-printed: more than one line. */
	CHECK(strchr(r.out, '\n') < r.out + strlen(r.out) - 1);
	ct_free(&r);
	return o;
}

static json_t *
ct_find(json_t *arr, const char *key, const char *val)
{
	json_t *e;
	size_t i;

	json_array_foreach(arr, i, e) {
		const char *v = json_string_value(json_object_get(e, key));

		if (v != NULL && strcmp(v, val) == 0)
			return e;
	}
	return NULL;
}

static void
ct_text_has(const char *cmd, const char *const *want)
{
	struct ct_res r = ct_run(cmd);

	CHECK_EQ(r.rc, 0);
	for (; *want != NULL; want++)
		if (strstr(r.out, *want) == NULL) {
			fprintf(stderr, "%s: no \"%s\" in:\n%s\n", cmd, *want, r.out);
			exit(1);
		}
	ct_free(&r);
}

static void
case_reports(void)
{
	static const char *const alg_keys[] = {
		"name", "driver", "pmd", "device", "priority", "async", "type", "key_sizes",
		"iv_sizes", "digest_sizes", "selftest",
	};
	json_t *o, *a, *e;
	json_int_t submitted = 0;
	size_t i;

	dt_start(ct_pmds);
	/* Some traffic first, so stats has something to show. */
	ct_expect_out(ct_run("crypt", "--alg", "gcm(aes)", "--op", "encrypt", "--key", GCM4_KEY,
			     "--iv", GCM4_IV, "--aad", GCM4_AAD, "--in", GCM4_PT),
		      GCM4_CT GCM4_TAG, "gcm tc4 encrypt");

	o = ct_json_of("algs");
	a = ct_find(json_object_get(o, "algs"), "driver", "gcm-aes-ipsecmb");
	CHECK(a != NULL);
	for (i = 0; i < sizeof(alg_keys) / sizeof(alg_keys[0]); i++)
		CHECK(json_object_get(a, alg_keys[i]) != NULL);
	CHECK(strcmp(json_string_value(json_object_get(a, "name")), "gcm(aes)") == 0);
	CHECK(strcmp(json_string_value(json_object_get(a, "selftest")), "passed") == 0);
	CHECK(strcmp(json_string_value(json_object_get(a, "type")), "aead") == 0);
	json_decref(o);
	ct_text_has("algs", (const char *const[]){
		"name         : gcm(aes)\ndriver       : gcm-aes-ipsecmb\n",
		"selftest     : passed\n", "min keysize  : 16\nmax keysize  : 32\n",
		/* /proc/crypto's ivsize is the kernel's 12; the wider range is marked ours. */
		"ivsize       : 12\nivsizes      : 1..128 (cryptoeng", "maxauthsize  : 16\n",
		"type         : shash\n",
		"driver       : gcm-aes256-sodium\n", NULL });

	o = ct_json_of("stats");
	CHECK(json_array_size(json_object_get(o, "engines")) >= 1);
	json_array_foreach(json_object_get(o, "engines"), i, e) {
		CHECK(json_is_array(json_object_get(e, "batch_hist")));
		CHECK(json_object_get(e, "retried") != NULL);
		CHECK(json_object_get(e, "fallbacks") != NULL);
		submitted += json_integer_value(json_object_get(e, "submitted"));
	}
	CHECK(submitted >= 1);
	a = ct_find(json_object_get(o, "algs"), "driver", "gcm-aes-ipsecmb");
	CHECK(a != NULL);
	CHECK(json_integer_value(json_object_get(a, "requests")) >= 1);
	CHECK(json_integer_value(json_object_get(a, "bytes")) >= 60);
	CHECK(json_is_array(json_object_get(o, "clients")));
	json_decref(o);
	ct_text_has("stats", (const char *const[]){
		"engines:\n", "batch sizes", "clients:\n", "EBADMSG", "gcm-aes-ipsecmb", NULL });

	/* clients lists the client asking, by its pid. */
	o = ct_json_of("clients");
	a = NULL;
	json_array_foreach(json_object_get(o, "clients"), i, e)
		if (json_integer_value(json_object_get(e, "pid")) == ct_last_pid)
			a = e;
	CHECK(a != NULL);
	CHECK(strcmp(json_string_value(json_object_get(a, "name")), "cryptoengctl") == 0);
	json_decref(o);
	ct_text_has("clients", (const char *const[]){ "PID", "cryptoengctl", "connected",
						      NULL });

	o = ct_json_of("engines");
	e = json_array_get(json_object_get(o, "engines"), 0);
	CHECK(e != NULL);
	CHECK_EQ(json_integer_value(json_object_get(e, "lcore")), 1);
	CHECK(ct_find(json_object_get(e, "backends"), "device", "ipsecmb0") != NULL);
	CHECK(ct_find(json_object_get(e, "backends"), "device", "sodium0") != NULL);
	json_decref(o);
	ct_text_has("engines", (const char *const[]){ "LCORE", "ipsecmb0 (ipsecmb)",
						      "sodium0 (sodium)", NULL });

	/* Usage errors exit 2, as documented (cryptoengctl(8)). */
	{
		struct ct_res r = ct_run("algs", "--bogus");

		CHECK_EQ(r.rc, 2);
		ct_free(&r);
		r = ct_run("nosuchcommand");
		CHECK_EQ(r.rc, 2);
		ct_free(&r);
	}
	dt_stop();
}

/*
 * The cryptodev backend (lib/pmd-qat) inside the daemon, over DPDK's
 * crypto_aesni_mb vdev: known answers through the device by driver name.
 */
static void
case_cryptodev(void)
{
	struct ct_res r;

	dt_start("[pmd.dev0]\n"
		 "driver = cryptodev\n"
		 "args = dev=crypto_aesni_mb,small_to_sw=0\n"
		 "[pmd.ipsecmb0]\n"
		 "driver = ipsecmb\n");
	r = ct_run("algs");
	if (r.rc != 0 || strstr(r.out, "gcm-aes-cryptodev") == NULL) {
		fprintf(stderr, "algs: rc %d\n%s%s", r.rc, r.out, r.err);
		exit(1);
	}
	ct_free(&r);
	ct_expect_out(ct_run("crypt", "--alg", "gcm(aes)", "--driver", "gcm-aes-cryptodev",
			     "--op", "encrypt", "--key", GCM4_KEY, "--iv", GCM4_IV,
			     "--aad", GCM4_AAD, "--in", GCM4_PT),
		      GCM4_CT GCM4_TAG, "gcm tc4 on cryptodev");
	ct_expect_out(ct_run("crypt", "--alg", "gcm(aes)", "--driver", "gcm-aes-cryptodev",
			     "--op", "decrypt", "--key", GCM4_KEY, "--iv", GCM4_IV,
			     "--aad", GCM4_AAD, "--in", GCM4_CT GCM4_TAG),
		      GCM4_PT, "gcm tc4 decrypt on cryptodev");
	ct_expect_err(ct_run("crypt", "--alg", "gcm(aes)", "--driver", "gcm-aes-cryptodev",
			     "--op", "decrypt", "--key", GCM4_KEY, "--iv", GCM4_IV,
			     "--aad", GCM4_AAD, "--in", GCM4_CT GCM4_BADTAG),
		      3, "EBADMSG\n", "gcm bad tag on cryptodev");
	ct_expect_out(ct_run("crypt", "--alg", "cbc(aes)", "--driver", "cbc-aes-cryptodev",
			     "--op", "encrypt", "--key", CBC_KEY, "--iv", CBC_IV, "--in", CBC_PT),
		      CBC_CT, "cbc encrypt on cryptodev");
	/* Each client's region is registered for device DMA and unregistered when
	 * the client is gone: more clients, one after the other, than the 96
	 * regions EAL and VFIO allow at once must all be served. */
	for (int i = 0; i < 110; i++)
		ct_expect_out(ct_run("crypt", "--alg", "gcm(aes)", "--driver",
				     "gcm-aes-cryptodev", "--op", "encrypt", "--key", GCM4_KEY,
				     "--iv", GCM4_IV, "--aad", GCM4_AAD, "--in", GCM4_PT),
			      GCM4_CT GCM4_TAG, "gcm tc4 on cryptodev, client after client");
	/* stats shows the device's own counters: its enqueue bursts and the
	 * fallbacks by reason (an empty request cannot go to a device; its tag,
	 * key and IV of GCM test case 4, was computed with OpenSSL). */
	ct_expect_out(ct_run("crypt", "--alg", "gcm(aes)", "--driver", "gcm-aes-cryptodev",
			     "--op", "encrypt", "--key", GCM4_KEY, "--iv", GCM4_IV, "--in", ""),
		      "3247184b3c4f69a44dbcd22887bbb418", "empty gcm on cryptodev");
	r = ct_run("stats", "--json");
	{
		json_error_t jerr;
		json_t *ans = json_loads(r.out, 0, &jerr), *dev;

		CHECK(ans != NULL);
		dev = json_array_get(json_object_get(ans, "devices"), 0);
		CHECK(dev != NULL);
		CHECK(strcmp(json_string_value(json_object_get(dev, "device")), "dev0") == 0);
		CHECK(json_integer_value(json_object_get(dev, "enqueue_bursts")) >= 110);
		CHECK(json_integer_value(json_object_get(json_object_get(dev, "fallbacks"),
							 "empty")) >= 1);
		json_decref(ans);
	}
	ct_free(&r);
	dt_stop();
}

/* ---- authenc: the kernel's key blob, HMAC keys of any length ------------- */

/* OpenSSL's encrypt-then-MAC of pt (len, a multiple of 16) with aad: ct || ICV. */
static size_t
ct_authenc_ref(const EVP_MD *md, const uint8_t *ak, size_t ak_len, const uint8_t *ek,
	       size_t ek_len, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
	       const uint8_t *pt, size_t len, size_t icv_len, uint8_t *out)
{
	const EVP_CIPHER *c = ek_len == 16 ? EVP_aes_128_cbc() : ek_len == 24 ? EVP_aes_192_cbc() :
			      EVP_aes_256_cbc();
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	uint8_t mac_in[64 + 256], mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	int n = 0, n2 = 0;

	CHECK(x != NULL && aad_len <= 64 && len <= 256);
	CHECK(EVP_EncryptInit_ex(x, c, NULL, ek, iv) == 1);
	EVP_CIPHER_CTX_set_padding(x, 0);
	CHECK(EVP_EncryptUpdate(x, out, &n, pt, (int)len) == 1);
	CHECK(EVP_EncryptFinal_ex(x, out + n, &n2) == 1);
	EVP_CIPHER_CTX_free(x);
	memcpy(mac_in, aad, aad_len);
	memcpy(mac_in + aad_len, out, len);
	CHECK(HMAC(md, ak, (int)ak_len, mac_in, aad_len + len, mac, &mac_len) != NULL);
	CHECK(icv_len <= mac_len);
	memcpy(out + len, mac, icv_len);
	return len + icv_len;
}

/*
 * authenc(hmac(sha1|sha256),cbc(aes)) through cryptoengctl and the daemon
 * against OpenSSL, with the key as libkcapi users pass it to the kernel:
 * HMAC keys of 20 (SHA-1's digest), 64 (the block, crypto-perf's default)
 * and 100 and 131 bytes (longer than the block: hashed first), AES-128 and
 * -256, on ipsecmb and on the cryptodev backend (crypto_aesni_mb); each
 * encrypts to OpenSSL's bytes and decrypts back, and a key in the old
 * "auth key || AES key" form is refused, naming the rtattr.
 */
static void
case_authenc(void)
{
	static const char *const hashes[] = { "sha1", "sha256" };
	static const char *const backends[] = { "ipsecmb", "cryptodev" };
	static const size_t ak_lens[] = { 20, 64, 100, 131 };
	static const size_t ek_lens[] = { 16, 32 };
	uint8_t raw[131 + 32], blob[CE_SESSION_KEY_MAX], iv[16], aad[8], pt[64], ref[64 + 32];
	unsigned int runs = 0;

	dt_start("[pmd.dev0]\n"
		 "driver = cryptodev\n"
		 "args = dev=crypto_aesni_mb,small_to_sw=0\n"
		 "[pmd.ipsecmb0]\n"
		 "driver = ipsecmb\n");
	CHECK(RAND_bytes(raw, sizeof(raw)) == 1 && RAND_bytes(iv, sizeof(iv)) == 1 &&
	      RAND_bytes(aad, sizeof(aad)) == 1 && RAND_bytes(pt, sizeof(pt)) == 1);
	for (size_t h = 0; h < (sizeof(hashes) / sizeof(hashes[0])); h++) {
		const EVP_MD *md = h == 0 ? EVP_sha1() : EVP_sha256();
		size_t icv = h == 0 ? 12 : 16;
		char alg[64], tag_len[8];

		snprintf(alg, sizeof(alg), "authenc(hmac(%s),cbc(aes))", hashes[h]);
		snprintf(tag_len, sizeof(tag_len), "%zu", icv);
		for (size_t b = 0; b < (sizeof(backends) / sizeof(backends[0])); b++) {
			char driver[96];

			snprintf(driver, sizeof(driver), "authenc-hmac-%s-cbc-aes-%s", hashes[h],
				 backends[b]);
			for (size_t a = 0; a < (sizeof(ak_lens) / sizeof(ak_lens[0])); a++) {
				for (size_t e = 0; e < (sizeof(ek_lens) / sizeof(ek_lens[0])); e++) {
					const uint8_t *ek = raw + ak_lens[a];
					int kl = ce_authenc_key_build(blob, sizeof(blob), raw, ak_lens[a],
								      ek, ek_lens[e]);
					size_t n;
					char *key, *ivh, *aadh, *pth, *outh;
					char what[160];

					CHECK(kl > 0);
					n = ct_authenc_ref(md, raw, ak_lens[a], ek, ek_lens[e], iv, aad,
							   sizeof(aad), pt, sizeof(pt), icv, ref);
					key = ct_tohex(blob, (size_t)kl);
					ivh = ct_tohex(iv, sizeof(iv));
					aadh = ct_tohex(aad, sizeof(aad));
					pth = ct_tohex(pt, sizeof(pt));
					outh = ct_tohex(ref, n);
					snprintf(what, sizeof(what), "%s, %zu-byte HMAC key, AES-%zu",
						 driver, ak_lens[a], 8 * ek_lens[e]);
					ct_expect_out(ct_run("crypt", "--alg", alg, "--driver", driver,
							     "--op", "encrypt", "--key", key, "--iv", ivh,
							     "--aad", aadh, "--tag-len", tag_len,
							     "--in", pth),
						      outh, what);
					ct_expect_out(ct_run("crypt", "--alg", alg, "--driver", driver,
							     "--op", "decrypt", "--key", key, "--iv", ivh,
							     "--aad", aadh, "--tag-len", tag_len,
							     "--in", outh),
						      pth, what);
					runs += 2;
					free(key);
					free(ivh);
					free(aadh);
					free(pth);
					free(outh);
				}
			}
		}
	}
	fprintf(stderr, "  %u authenc runs matched OpenSSL\n", runs);
	/* algs says what the blob holds: its whole size, and the AES key's. */
	ct_text_has("algs", (const char *const[]){
		"driver       : authenc-hmac-sha1-cbc-aes-ipsecmb",
		"min keysize  : 24\nmax keysize  : 512\nenckeysizes  : 16..32 step 8 (cryptoeng: authenc key blob)",
		"minaadsize   : 8 (cryptoeng)", NULL });
	/* The old layout (20-byte key || AES-128 key, no rtattr) is not a blob. */
	{
		char *key = ct_tohex(raw, 36);

		ct_expect_err(ct_run("crypt", "--alg", "authenc(hmac(sha1),cbc(aes))", "--op",
				     "encrypt", "--key", key, "--iv", CBC_IV, "--in", CBC_PT),
			      2, "EINVAL: key", "authenc key in the old layout");
		free(key);
	}
	dt_stop();
}

int
main(int argc, char **argv)
{
	static const struct dt_case cases[] = {
		{ "crypt", case_crypt }, { "batch", case_batch }, { "sessions", case_sessions },
		{ "reports", case_reports }, { "cryptodev", case_cryptodev },
		{ "authenc", case_authenc }
	};

	if (argc < 4) {
		fprintf(stderr, "usage: %s CRYPTOENGD CRYPTOENGCTL CASE\n", argv[0]);
		return 1;
	}
	dt_init(argc, argv);
	ct_ctl = argv[2];
	return dt_run_case(cases, DT_NB_CASES(cases), argv[3]);
}
