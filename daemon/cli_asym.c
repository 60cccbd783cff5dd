/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengctl sign | verify | encrypt | decrypt | derive: one asymmetric
 * request through cryptoengd, in the manner of `openssl pkeyutl` (its
 * single-dash options work too: -in, -out, -sigfile, -inkey, -peerkey,
 * -pkeyopt rsa_padding_mode:...). Keys are PEM or DER (private: PKCS#8,
 * PKCS#1, SEC1; public: SubjectPublicKeyInfo), read from a file or a file
 * descriptor, handed to the daemon as DER (PKCS#8 or SPKI) and wiped here.
 * Input and output are raw bytes (files, or stdin/stdout).
 *
 * Exit codes (pkeyutl's for a signature): 0 done / signature valid,
 * 1 signature invalid (verify) or decryption error (decrypt: -EBADMSG),
 * 2 usage or invalid input (EINVAL, a key the algorithm refuses), 5 any
 * other failure (daemon unreachable, I/O, the daemon's other errors).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cryptoeng.h"
#include "cli.h"

#define ASYM_EXIT_OK		0
#define ASYM_EXIT_INVALID	1	/* -EBADMSG: signature invalid, decryption error */
#define ASYM_EXIT_USAGE		2	/* bad options, EINVAL */
#define ASYM_EXIT_FAIL		5	/* daemon unreachable, I/O, other errors */

/* Largest key file (PEM of an RSA-4096 key is ~3.3 KiB) and input. */
#define ASYM_FILE_MAX		65536
#define ASYM_IN_MAX		4096
#define ASYM_OUT_MAX		1024	/* largest out_max: RSA-4096, 512 bytes */
#define ASYM_WAIT_MS		30000

struct asym_opts {
	const char *cmd;
	const char *alg, *driver, *key_file, *in_file, *out_file, *sig_file, *peer_file;
	const char *padding;	/* -pkeyopt rsa_padding_mode: */
	int keyfd;
	uint8_t op;
};

static void
asym_usage(FILE *f)
{
	fprintf(f,
		"usage: %s [--socket PATH] sign|verify|encrypt|decrypt|derive [--alg NAME]\n"
		"              [--driver NAME] KEY [-in FILE] [-out FILE] [-sigfile FILE]\n"
		"              [-peerkey FILE] [-pkeyopt rsa_padding_mode:pkcs1|pss|oaep|none]\n"
		"  KEY: --key-file F (or -inkey F)  PEM or DER, private or public key\n"
		"       --keyfd N                   the same, from file descriptor N\n"
		"  --alg NAME  the kernel's name (cryptoengctl algs); else from the key:\n"
		"              RSA pkcs1pad(rsa,sha256) (psspad(rsa,sha256),\n"
		"              oaep(rsa,sha256), rsa with -pkeyopt), EC ecdsa-nist-pN /\n"
		"              ecdh-nist-pN, X25519 curve25519, DH ffdheN(dh)\n"
		"  -in FILE    input, raw (default stdin): sign/verify the digest (SHA-256:\n"
		"              32 bytes), encrypt the message, decrypt the ciphertext\n"
		"  -out FILE   output, raw (default stdout)\n"
		"  -sigfile F  verify: the signature (RSA: modulus bytes; ECDSA: r || s)\n"
		"  -peerkey F  derive: the peer's public key, PEM or DER; without it derive\n"
		"              writes this key's public key as the daemon computes it\n"
		"exit: 0 ok or signature valid, 1 signature invalid or decryption error,\n"
		"      2 usage or invalid input, 5 other failure\n", cli_prog);
}

/* ---- files and keys -------------------------------------------------------- */

/* All of a file (or fd, or stdin for "-"), at most max bytes. @return length or -errno. */
long
cli_asym_read(const char *path, int fd, size_t max, uint8_t **out)
{
	size_t cap = max + 1, len = 0;
	uint8_t *buf;
	bool mine = false;

	if (path != NULL && strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		mine = true;
	} else if (path != NULL) {
		fd = STDIN_FILENO;
	}
	buf = malloc(cap);
	if (buf == NULL) {
		if (mine)
			close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (n > 0 && len + (size_t)n > max)) {
			int err = n < 0 ? errno : EFBIG;

			OPENSSL_cleanse(buf, len);
			free(buf);
			if (mine)
				close(fd);
			return -err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (mine)
		close(fd);
	*out = buf;
	return (long)len;
}

/* A key in PEM or DER, private or public. */
EVP_PKEY *
cli_asym_parse_key(const uint8_t *b, size_t n, bool *priv)
{
	const unsigned char *p = b;
	EVP_PKEY *k = NULL;
	BIO *bio;

	*priv = true;
	bio = BIO_new_mem_buf(b, (int)n);
	if (bio != NULL) {
		/* No passphrase callback: an encrypted PEM key is refused. */
		k = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"");
		if (k == NULL) {
			(void)BIO_reset(bio);
			k = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
			*priv = k == NULL;
		}
		BIO_free(bio);
	}
	if (k == NULL) {
		k = d2i_AutoPrivateKey(NULL, &p, (long)n);
		*priv = true;
	}
	if (k == NULL) {
		p = b;
		k = d2i_PUBKEY(NULL, &p, (long)n);
		*priv = false;
	}
	return k;
}

/* The key as the daemon takes it: DER PKCS#8 or SPKI. @return length or -errno. */
int
cli_asym_key_der(EVP_PKEY *k, bool priv, uint8_t **der)
{
	PKCS8_PRIV_KEY_INFO *p8;
	int n;

	*der = NULL;
	if (!priv)
		n = i2d_PUBKEY(k, der);
	else if ((p8 = EVP_PKEY2PKCS8(k)) == NULL)
		return -EINVAL;
	else {
		n = i2d_PKCS8_PRIV_KEY_INFO(p8, der);
		PKCS8_PRIV_KEY_INFO_free(p8);
	}
	return n > 0 && (unsigned int)n <= CE_ASYM_KEY_MAX ? n : -EINVAL;
}

/* The kernel's name for what the key and the command do, when --alg is not given. */
const char *
cli_asym_default_alg(EVP_PKEY *k, const char *padding, bool derive, char *buf, size_t size)
{
	char group[32];

	if (EVP_PKEY_is_a(k, "RSA")) {
		if (padding == NULL || strcmp(padding, "pkcs1") == 0)
			return "pkcs1pad(rsa,sha256)";
		if (strcmp(padding, "pss") == 0)
			return "psspad(rsa,sha256)";
		if (strcmp(padding, "oaep") == 0)
			return "oaep(rsa,sha256)";
		if (strcmp(padding, "none") == 0)
			return "rsa";
		return NULL;
	}
	if (EVP_PKEY_is_a(k, "X25519"))
		return "curve25519";
	if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
					   NULL) != 1)
		return NULL;
	if (EVP_PKEY_is_a(k, "DH")) {
		snprintf(buf, size, "%s(dh)", group);
		return buf;
	}
	if (EVP_PKEY_is_a(k, "EC")) {
		const char *curve = strcmp(group, "prime256v1") == 0 ? "p256" :
				    strcmp(group, "secp384r1") == 0 ? "p384" : NULL;

		if (curve == NULL)
			return NULL;
		snprintf(buf, size, "%s-nist-%s", derive ? "ecdh" : "ecdsa", curve);
		return buf;
	}
	return NULL;
}

/*
 * A peer's public key in the wire format of the key agreement (docs/PROTOCOL.md):
 * EC x || y (no 04 prefix), X25519 the 32-byte u, DH y padded to the prime's
 * bytes. @return length or -EINVAL.
 */
int
cli_asym_peer_raw(EVP_PKEY *peer, EVP_PKEY *ours, uint8_t *out, size_t room)
{
	size_t n = 0;

	if (EVP_PKEY_is_a(peer, "X25519") || EVP_PKEY_is_a(peer, "EC")) {
		uint8_t pt[1 + 2 * 66];

		if (EVP_PKEY_get_octet_string_param(peer, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt),
						    &n) != 1 || n > room + 1)
			return -EINVAL;
		if (EVP_PKEY_is_a(peer, "X25519")) {
			memcpy(out, pt, n);
			return (int)n;
		}
		if (pt[0] != 0x04) /* SEC1 uncompressed */
			return -EINVAL;
		memcpy(out, pt + 1, n - 1);
		return (int)(n - 1);
	}
	if (EVP_PKEY_is_a(peer, "DH")) {
		BIGNUM *y = NULL;
		int bytes = (EVP_PKEY_get_bits(ours) + 7) / 8, r = -EINVAL;

		if (bytes > 0 && (size_t)bytes <= room &&
		    EVP_PKEY_get_bn_param(peer, OSSL_PKEY_PARAM_PUB_KEY, &y) == 1 &&
		    BN_bn2binpad(y, out, bytes) == bytes)
			r = bytes;
		BN_free(y);
		return r;
	}
	return -EINVAL;
}

/* ---- the request ------------------------------------------------------------ */

static int
asym_exit_for(int status)
{
	if (status == 0)
		return ASYM_EXIT_OK;
	if (status == -EBADMSG)
		return ASYM_EXIT_INVALID;
	if (status == -EINVAL || status == -ENOKEY || status == -ENOENT)
		return ASYM_EXIT_USAGE;
	return ASYM_EXIT_FAIL;
}

static int
asym_write(const char *path, const uint8_t *b, size_t n)
{
	int fd = path == NULL || strcmp(path, "-") == 0 ? STDOUT_FILENO :
		 open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t done = 0;

	if (fd < 0)
		return -errno;
	while (done < n) {
		ssize_t w = write(fd, b + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int err = errno;

			if (fd != STDOUT_FILENO)
				close(fd);
			return -err;
		}
		done += (size_t)w;
	}
	if (fd != STDOUT_FILENO && close(fd) < 0)
		return -errno;
	return 0;
}

/* Run the one request: session, descriptor, completion. @return the exit code. */
static int
asym_run(const struct asym_opts *o, const char *alg, const uint8_t *der, int der_len,
	 const uint8_t *in, size_t in_len, const uint8_t *sig, size_t sig_len)
{
	struct ce_client_opts co = {
		.name = "cryptoengctl", .region_size = 1u << 20, .nb_qps = 1, .sq_entries = 16,
	};
	struct ce_asym_session_params sp = {
		.alg = alg, .driver = o->driver, .key = der, .key_len = (uint32_t)der_len,
		.ops = CE_OP_BIT(o->op),
	};
	struct ce_asym_session_info info;
	struct ce_client *c = ce_client_connect(cli_socket, &co);
	struct ce_qp *qp = NULL;
	uint8_t *bin, *bsig, *bout;
	struct ce_desc d;
	struct ce_cqe cqe;
	int64_t h = -1;
	int ret = ASYM_EXIT_FAIL, n;

	if (c == NULL) {
		fprintf(stderr, "%s: cryptoengd at %s: %s%s%s\n", cli_prog,
			cli_socket ? cli_socket : getenv(CE_SOCKET_ENV) ? getenv(CE_SOCKET_ENV) :
			CE_DEFAULT_SOCKET, strerror(errno),
			ce_client_last_error(NULL) ? ": " : "",
			ce_client_last_error(NULL) ? ce_client_last_error(NULL) : "");
		return ASYM_EXIT_FAIL;
	}
	qp = ce_qp_create(c);
	bin = ce_buf_alloc(c, ASYM_IN_MAX, 64);
	bsig = ce_buf_alloc(c, ASYM_IN_MAX, 64);
	bout = ce_buf_alloc(c, ASYM_OUT_MAX, 64);
	if (qp == NULL || bin == NULL || bsig == NULL || bout == NULL) {
		fprintf(stderr, "%s: setting up with cryptoengd: %s\n", cli_prog,
			qp == NULL ? ce_client_last_error(c) : strerror(errno));
		goto out;
	}
	h = ce_asym_session_create(c, &sp, &info);
	if (h < 0) {
		fprintf(stderr, "%s: %s: %s: %s\n", cli_prog, alg, cli_errname((int)-h),
			ce_client_last_error(c));
		ret = asym_exit_for((int)h);
		goto out;
	}
	if (info.out_max > ASYM_OUT_MAX) {
		fprintf(stderr, "%s: %s: output of %u bytes, over %u\n", cli_prog, alg,
			info.out_max, ASYM_OUT_MAX);
		goto out;
	}
	memcpy(bin, in, in_len);
	switch (o->op) {
	case CE_OP_SIGN:
		ce_prep_sign(&d, c, (uint32_t)h, bin, (uint32_t)in_len, bout);
		break;
	case CE_OP_SIG_VERIFY:
		memcpy(bsig, sig, sig_len);
		ce_prep_verify(&d, c, (uint32_t)h, bin, (uint32_t)in_len, bsig, (uint32_t)sig_len);
		break;
	case CE_OP_KPP_PUBKEY:
	case CE_OP_KPP_SECRET:
		ce_prep_kpp(&d, c, (uint32_t)h, o->op, in_len ? bin : NULL, (uint32_t)in_len, bout);
		break;
	default:
		ce_prep_akcipher(&d, c, (uint32_t)h, o->op, bin, (uint32_t)in_len, bout);
		break;
	}
	ce_desc_set_cookie(&d, 1);
	n = ce_submit_burst(qp, &d, 1);
	while (n == 1 && ce_poll_burst(qp, &cqe, 1) == 0) {
		int w = ce_wait(qp, ASYM_WAIT_MS);

		if (w < 0 || (w == 0 && ce_client_check(c) < 0)) {
			n = w < 0 ? w : -EPIPE;
			break;
		}
	}
	if (n != 1) {
		fprintf(stderr, "%s: %s: submitting: %s\n", cli_prog, o->cmd,
			strerror(n < 0 ? -n : EAGAIN));
		goto out;
	}
	if (o->op == CE_OP_SIG_VERIFY) {
		/* pkeyutl's words, on stdout. */
		ret = asym_exit_for(cqe.status);
		if (cqe.status == 0)
			printf("Signature Verified Successfully\n");
		else if (cqe.status == -EBADMSG)
			printf("Signature Verification Failure\n");
		else
			fprintf(stderr, "%s: verify: %s\n", cli_prog, cli_errname(-cqe.status));
		goto out;
	}
	if (cqe.status != 0) {
		fprintf(stderr, "%s: %s: %s%s\n", cli_prog, o->cmd, cli_errname(-cqe.status),
			cqe.status == -EBADMSG ? " (decryption error)" : "");
		ret = asym_exit_for(cqe.status);
		goto out;
	}
	if (cqe.out_len > info.out_max) {
		fprintf(stderr, "%s: %s: daemon says %u bytes, over out_max %u\n", cli_prog,
			o->cmd, cqe.out_len, info.out_max);
		goto out;
	}
	n = asym_write(o->out_file, bout, cqe.out_len);
	if (n < 0) {
		fprintf(stderr, "%s: -out %s: %s\n", cli_prog, o->out_file ? o->out_file : "-",
			strerror(-n));
		goto out;
	}
	ret = ASYM_EXIT_OK;
out:
	if (bout != NULL)
		OPENSSL_cleanse(bout, ASYM_OUT_MAX);
	if (bin != NULL)
		OPENSSL_cleanse(bin, ASYM_IN_MAX);
	if (h >= 0)
		(void)ce_session_destroy(c, (uint32_t)h);
	ce_client_close(c);
	return ret;
}

/* ---- the command -------------------------------------------------------------- */

enum {
	ASYM_O_ALG = 256, ASYM_O_DRIVER, ASYM_O_KEY_FILE, ASYM_O_KEYFD, ASYM_O_IN, ASYM_O_OUT,
	ASYM_O_SIG, ASYM_O_PEER, ASYM_O_PKEYOPT,
};

static int
asym_parse(int argc, char **argv, struct asym_opts *o)
{
	static const struct option lopts[] = {
		{ "alg", required_argument, NULL, ASYM_O_ALG },
		{ "driver", required_argument, NULL, ASYM_O_DRIVER },
		{ "key-file", required_argument, NULL, ASYM_O_KEY_FILE },
		{ "inkey", required_argument, NULL, ASYM_O_KEY_FILE },
		{ "keyfd", required_argument, NULL, ASYM_O_KEYFD },
		{ "in", required_argument, NULL, ASYM_O_IN },
		{ "out", required_argument, NULL, ASYM_O_OUT },
		{ "sigfile", required_argument, NULL, ASYM_O_SIG },
		{ "peerkey", required_argument, NULL, ASYM_O_PEER },
		{ "pkeyopt", required_argument, NULL, ASYM_O_PKEYOPT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, keys = 0;
	char *end;
	long v;

	optind = 1;
	/* _only: pkeyutl's single-dash long options (-in, -sigfile) parse too. */
	while ((opt = getopt_long_only(argc, argv, "h", lopts, NULL)) != -1) {
		switch (opt) {
		case ASYM_O_ALG: o->alg = optarg; break;
		case ASYM_O_DRIVER: o->driver = optarg; break;
		case ASYM_O_KEY_FILE: o->key_file = optarg; keys++; break;
		case ASYM_O_IN: o->in_file = optarg; break;
		case ASYM_O_OUT: o->out_file = optarg; break;
		case ASYM_O_SIG: o->sig_file = optarg; break;
		case ASYM_O_PEER: o->peer_file = optarg; break;
		case ASYM_O_KEYFD:
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || v < 0 || v > INT_MAX) {
				fprintf(stderr, "%s %s: --keyfd: '%s' is not a file descriptor\n",
					cli_prog, o->cmd, optarg);
				return ASYM_EXIT_USAGE;
			}
			o->keyfd = (int)v;
			keys++;
			break;
		case ASYM_O_PKEYOPT:
			if (strncmp(optarg, "rsa_padding_mode:", 17) != 0) {
				fprintf(stderr, "%s %s: -pkeyopt: only rsa_padding_mode:pkcs1|pss|"
					"oaep|none\n", cli_prog, o->cmd);
				return ASYM_EXIT_USAGE;
			}
			o->padding = optarg + 17;
			break;
		case 'h':
			asym_usage(stdout);
			return -1;
		default:
			asym_usage(stderr);
			return ASYM_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s %s: unexpected argument '%s'\n", cli_prog, o->cmd, argv[optind]);
		return ASYM_EXIT_USAGE;
	}
	if (keys != 1) {
		fprintf(stderr, "%s %s: %s key (--key-file F or --keyfd N)\n", cli_prog, o->cmd,
			keys ? "one" : "a");
		return ASYM_EXIT_USAGE;
	}
	if ((o->sig_file != NULL) != (o->op == CE_OP_SIG_VERIFY)) {
		fprintf(stderr, "%s %s: -sigfile is %s\n", cli_prog, o->cmd,
			o->sig_file ? "for verify only" : "needed");
		return ASYM_EXIT_USAGE;
	}
	if (o->peer_file != NULL && o->op != CE_OP_KPP_SECRET && o->op != CE_OP_KPP_PUBKEY) {
		fprintf(stderr, "%s %s: -peerkey is for derive only\n", cli_prog, o->cmd);
		return ASYM_EXIT_USAGE;
	}
	return 0;
}

int
cli_cmd_asym(const char *cmd, int argc, char **argv)
{
	struct asym_opts o = { .cmd = cmd, .keyfd = -1 };
	uint8_t *keybuf = NULL, *in = NULL, *sig = NULL, *der = NULL, *peerbuf = NULL;
	uint8_t peer_raw[ASYM_OUT_MAX];
	EVP_PKEY *key = NULL, *peer = NULL;
	long key_len = 0, in_len = 0, sig_len = 0, peer_len;
	char namebuf[64];
	const char *alg;
	int der_len = 0, ret;
	bool priv, peer_priv;

	o.op = strcmp(cmd, "sign") == 0 ? CE_OP_SIGN :
	       strcmp(cmd, "verify") == 0 ? CE_OP_SIG_VERIFY :
	       strcmp(cmd, "encrypt") == 0 ? CE_OP_ENCRYPT :
	       strcmp(cmd, "decrypt") == 0 ? CE_OP_DECRYPT : CE_OP_KPP_SECRET;
	ret = asym_parse(argc, argv, &o);
	if (ret != 0)
		return ret < 0 ? ASYM_EXIT_OK : ret;
	if (o.op == CE_OP_KPP_SECRET && o.peer_file == NULL)
		o.op = CE_OP_KPP_PUBKEY;
	ret = ASYM_EXIT_FAIL;
	key_len = cli_asym_read(o.key_file, o.keyfd, ASYM_FILE_MAX, &keybuf);
	if (key_len < 0) {
		fprintf(stderr, "%s %s: key %s: %s\n", cli_prog, cmd,
			o.key_file ? o.key_file : "fd", strerror((int)-key_len));
		keybuf = NULL;
		goto out;
	}
	key = cli_asym_parse_key(keybuf, (size_t)key_len, &priv);
	if (key == NULL || (der_len = cli_asym_key_der(key, priv, &der)) < 0) {
		fprintf(stderr, "EINVAL: key: not a PEM or DER key OpenSSL reads (an encrypted "
			"key is not taken)\n");
		ret = ASYM_EXIT_USAGE;
		goto out;
	}
	alg = o.alg != NULL ? o.alg :
	      cli_asym_default_alg(key, o.padding, o.op == CE_OP_KPP_SECRET ||
				   o.op == CE_OP_KPP_PUBKEY, namebuf, sizeof(namebuf));
	if (alg == NULL) {
		fprintf(stderr, "%s %s: no algorithm for this key: name one with --alg "
			"(cryptoengctl algs)\n", cli_prog, cmd);
		ret = ASYM_EXIT_USAGE;
		goto out;
	}
	if (o.op == CE_OP_KPP_SECRET) {
		peer_len = cli_asym_read(o.peer_file, -1, ASYM_FILE_MAX, &peerbuf);
		if (peer_len < 0) {
			fprintf(stderr, "%s derive: -peerkey %s: %s\n", cli_prog, o.peer_file,
				strerror((int)-peer_len));
			peerbuf = NULL;
			goto out;
		}
		peer = cli_asym_parse_key(peerbuf, (size_t)peer_len, &peer_priv);
		in_len = peer == NULL ? -EINVAL :
			 cli_asym_peer_raw(peer, key, peer_raw, sizeof(peer_raw));
		if (in_len < 0) {
			fprintf(stderr, "EINVAL: -peerkey: not a public key of the algorithm's "
				"type\n");
			ret = ASYM_EXIT_USAGE;
			goto out;
		}
		in = malloc((size_t)in_len);
		if (in == NULL)
			goto out;
		memcpy(in, peer_raw, (size_t)in_len);
	} else if (o.op != CE_OP_KPP_PUBKEY) {
		in_len = cli_asym_read(o.in_file ? o.in_file : "-", -1, ASYM_IN_MAX, &in);
		if (in_len < 0) {
			fprintf(stderr, "%s %s: -in %s: %s\n", cli_prog, cmd,
				o.in_file ? o.in_file : "-", in_len == -EFBIG ?
				"more than 4096 bytes" : strerror((int)-in_len));
			ret = in_len == -EFBIG ? ASYM_EXIT_USAGE : ASYM_EXIT_FAIL;
			in = NULL;
			goto out;
		}
	}
	if (o.op == CE_OP_SIG_VERIFY) {
		sig_len = cli_asym_read(o.sig_file, -1, ASYM_IN_MAX, &sig);
		if (sig_len < 0) {
			fprintf(stderr, "%s verify: -sigfile %s: %s\n", cli_prog, o.sig_file,
				strerror((int)-sig_len));
			sig = NULL;
			goto out;
		}
	}
	ret = asym_run(&o, alg, der, der_len, in, (size_t)in_len, sig, (size_t)sig_len);
out:
	if (keybuf != NULL)
		OPENSSL_cleanse(keybuf, (size_t)key_len);
	if (der != NULL)
		OPENSSL_cleanse(der, (size_t)der_len);
	if (in != NULL)
		OPENSSL_cleanse(in, (size_t)in_len);
	free(keybuf);
	OPENSSL_free(der);
	free(in);
	free(sig);
	free(peerbuf);
	EVP_PKEY_free(key);
	EVP_PKEY_free(peer);
	return ret;
}
