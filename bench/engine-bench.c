/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * engine-bench: one engine on one lcore, in process.
 * Over the null PMD (default) it measures what the engine itself costs per
 * request (mempool, queue, pump, finalize) with do_one_request against
 * do_batch_requests, at several bursts, with and without a simulated
 * doorbell cost. With -a it runs a software algorithm (pmd-sw) through the
 * engine at the buffer sizes given by -s, for comparison with
 * dpdk-test-crypto-perf (bench/sw-vs-dpdk.sh).
 *
 *   engine-bench [-a ALG] [-s SIZES] [-n OPS] [-b 1,8,32] [-d 0,200] [-r REPEATS]
 *                [-m one|batch|both] [-- EAL args]
 *
 * The submitting loop and the engine share the lcore, the way the daemon's
 * worker reads client rings and pumps its engine on one core.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_memory.h>

#include "ce_engine.h"

#define BENCH_MAX_LIST 16
/* Requests in flight at most: enough to keep the device busy, few enough to
 * stay in L1 (a request is two cache lines). */
#define BENCH_WINDOW 128

static uint64_t bench_done;

static void
bench_complete(struct ce_pmd_request *req, int status)
{
	(void)req;
	if (unlikely(status != 0)) {
		fprintf(stderr, "engine-bench: request failed: %s\n", strerror(-status));
		exit(1);
	}
	bench_done++;
}

/* What a run pushes through the engine. */
struct bench_alg {
	const char *label;   /* -a name */
	const char *driver;  /* backend */
	const char *alg;     /* kernel name */
	uint16_t key_len;
	uint16_t iv_len;
	uint16_t digest_len;
	uint8_t op;
};

/* The crypto-perf defaults for the same work: AES-128-GCM with a 12-byte IV
 * and 16-byte tag; AES-128-CBC then HMAC-SHA1 (20-byte key, 12-byte ICV). */
static const struct bench_alg bench_algs[] = {
	{ "null", "null", "ecb(cipher_null)", 0, 0, 0, CE_OP_ENCRYPT },
	{ "aes-gcm", "ipsecmb", "gcm(aes)", 16, 12, 16, CE_OP_ENCRYPT },
	/* authenc: key_len is the kernel's blob (8-byte header, HMAC key, AES key). */
	{ "aes-cbc-sha1-hmac", "ipsecmb", "authenc(hmac(sha1),cbc(aes))", 8 + 20 + 16, 16, 12,
	  CE_OP_ENCRYPT },
	{ "aes-cbc-sha256-hmac", "ipsecmb", "authenc(hmac(sha256),cbc(aes))", 8 + 32 + 16, 16, 16,
	  CE_OP_ENCRYPT },
	{ "chacha20-poly1305", "ipsecmb", "rfc7539(chacha20,poly1305)", 32, 12, 16,
	  CE_OP_ENCRYPT },
};

struct bench_result {
	double mops;
	double cycles_per_op;
};

static int bench_seq;

#define BENCH_MAX_BUF 16384

/* Per in-flight slot: data, IV, tag. Slot = cookie % BENCH_WINDOW. Data
 * slots are packed at the buffer size rounded to a cache line, plus one
 * line so that buffers of a power-of-two size don't all start at the same
 * page offset and fight for the same L1 sets (as mbufs, with their
 * headroom, don't either). */
static uint8_t bench_data[BENCH_WINDOW * (BENCH_MAX_BUF + RTE_CACHE_LINE_SIZE)] __rte_cache_aligned;
static uint8_t bench_iv[BENCH_WINDOW][16];
static uint8_t bench_tag[BENCH_WINDOW][64];

static int
bench_run(const struct bench_alg *ba, uint32_t size, bool batch, unsigned int burst,
	  unsigned int doorbell, uint64_t ops, struct bench_result *res)
{
	static const uint8_t raw[CE_KEY_MAX] = { 0x2b, 0x7e, 0x15, 0x16 };
	uint8_t key[CE_KEY_MAX];
	char args[64], name[32];
	struct ce_pmd_dev_config cfg = { .nb_qps = 1, .socket_id = (int)rte_socket_id(),
					 .args = args };
	struct ce_pmd_session_params sp = {
		.alg = ba->alg, .key = key, .key_len = ba->key_len, .iv_len = ba->iv_len,
		.digest_len = ba->digest_len, .op = ba->op,
	};
	struct ce_engine_params ep = {
		.name = name, .lcore = rte_lcore_id(), .socket_id = (int)rte_socket_id(),
		.retry_support = true, .queue_size = 1024, .pool_size = 4096,
		.batch_size = batch ? (uint16_t)burst : 1,
	};
	struct ce_pmd_request *reqs[CE_ENGINE_MAX_BATCH];
	const char *why = NULL;
	size_t stride = RTE_ALIGN_CEIL(size, RTE_CACHE_LINE_SIZE) + RTE_CACHE_LINE_SIZE;
	struct ce_pmd_dev *dev;
	struct ce_pmd_session *sess;
	struct ce_engine *e;
	uint64_t sent = 0, t0, t1;

	if (strcmp(ba->driver, "null") == 0)
		snprintf(args, sizeof(args), "depth=256,doorbell_cycles=%u", doorbell);
	else
		args[0] = '\0';
	memcpy(key, raw, sizeof(key));
	if (strncmp(ba->alg, "authenc(", 8) == 0) {
		uint32_t enc_len = 16, auth_len = ba->key_len - CE_AUTHENC_KEY_HDR_LEN - enc_len;

		if (ce_authenc_key_build(key, sizeof(key), raw, auth_len, raw + auth_len,
					 enc_len) != ba->key_len)
			return -1;
	}
	snprintf(name, sizeof(name), "bench%d", bench_seq++);
	dev = ce_pmd_dev_create(ba->driver, name, &cfg);
	if (dev == NULL) {
		fprintf(stderr, "engine-bench: %s device: %s\n", ba->driver, strerror(errno));
		return -1;
	}
	sess = ce_pmd_session_create(dev, &sp, &why);
	if (sess == NULL) {
		fprintf(stderr, "engine-bench: %s session: %s (%s)\n", ba->alg, strerror(errno),
			why ? why : "");
		return -1;
	}
	e = ce_engine_create(&ep);
	if (e == NULL || ce_engine_attach_qp(e, dev->qps[0]) < 0 || ce_engine_start(e) < 0) {
		fprintf(stderr, "engine-bench: engine setup failed: %s\n", strerror(errno));
		return -1;
	}

	bench_done = 0;
	t0 = rte_rdtsc_precise();
	while (bench_done < ops) {
		unsigned int n = burst, k;

		if (sent - bench_done + n <= BENCH_WINDOW && sent < ops &&
		    ce_engine_req_alloc_bulk(e, reqs, n) == 0) {
			for (unsigned int i = 0; i < n; i++) {
				struct ce_pmd_request *r = reqs[i];
				unsigned int slot = (sent + i) % BENCH_WINDOW;

				r->sess = sess;
				r->src = r->dst = bench_data + (size_t)slot * stride;
				r->iv = ba->iv_len ? bench_iv[slot] : NULL;
				r->digest = ba->digest_len ? bench_tag[slot] : NULL;
				r->aad = NULL;
				r->len = size;
				r->aad_len = 0;
				r->op = ba->op;
				r->flags = 0;
				r->complete = bench_complete;
				r->cookie = sent + i;
			}
			k = ce_engine_transfer_burst(e, reqs, n);
			for (unsigned int i = k; i < n; i++)
				ce_engine_req_free(reqs[i]);
			sent += k;
		}
		ce_engine_poll(e);
	}
	t1 = rte_rdtsc_precise();

	ce_engine_stop(e, 1000000000);
	ce_engine_destroy(e);
	ce_pmd_session_destroy(sess);
	ce_pmd_dev_destroy(dev);

	res->cycles_per_op = (double)(t1 - t0) / (double)ops;
	res->mops = (double)ops / ((double)(t1 - t0) / (double)rte_get_tsc_hz()) / 1e6;
	return 0;
}

static unsigned int
bench_parse_list(const char *s, unsigned int *out)
{
	unsigned int n = 0;
	char *end;

	while (*s != '\0' && n < BENCH_MAX_LIST) {
		out[n++] = (unsigned int)strtoul(s, &end, 10);
		if (end == s)
			return 0;
		s = *end == ',' ? end + 1 : end;
	}
	return n;
}

static void
bench_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-a ALG] [-s SIZES] [-n OPS] [-b BURSTS] [-d DOORBELL_CYCLES] [-r REPEATS]\n"
		"          [-m MODE] [-- EAL args]\n"
		"  -a ALG      null (default), aes-gcm, aes-cbc-sha1-hmac, aes-cbc-sha256-hmac,\n"
		"              chacha20-poly1305\n"
		"  -s LIST     buffer sizes in bytes (default 64)\n"
		"  -n OPS      requests per measurement (default 20000000)\n"
		"  -b LIST     bursts, comma separated (default 1,8,32; max %d)\n"
		"  -d LIST     doorbell costs in TSC cycles (default 0,200)\n"
		"  -r N        repeat each measurement N times, report the best (default 3)\n"
		"  -m MODE     one, batch or both (default both)\n",
		prog, CE_ENGINE_MAX_BATCH);
}

int
main(int argc, char **argv)
{
	unsigned int bursts[BENCH_MAX_LIST] = { 1, 8, 32 }, nb_bursts = 3;
	unsigned int doorbells[BENCH_MAX_LIST] = { 0, 200 }, nb_doorbells = 2;
	unsigned int repeats = 3;
	int first_mode = 0, last_mode = 1;
	unsigned int sizes[BENCH_MAX_LIST] = { 64 }, nb_sizes = 1;
	const struct bench_alg *ba = &bench_algs[0];
	uint64_t ops = 20000000;
	char prefix[64];
	char *eal_argv[16];
	int eal_argc = 0, opt;

	while ((opt = getopt(argc, argv, "a:s:n:b:d:r:m:h")) != -1) {
		switch (opt) {
		case 'a':
			ba = NULL;
			for (unsigned int i = 0; i < RTE_DIM(bench_algs); i++)
				if (strcmp(optarg, bench_algs[i].label) == 0)
					ba = &bench_algs[i];
			if (ba == NULL) {
				fprintf(stderr, "engine-bench: unknown algorithm '%s'\n", optarg);
				bench_usage(argv[0]);
				return 2;
			}
			break;
		case 's':
			nb_sizes = bench_parse_list(optarg, sizes);
			break;
		case 'm':
			first_mode = strcmp(optarg, "batch") == 0;
			last_mode = strcmp(optarg, "one") != 0;
			break;
		case 'n':
			ops = strtoull(optarg, NULL, 10);
			break;
		case 'b':
			nb_bursts = bench_parse_list(optarg, bursts);
			break;
		case 'd':
			nb_doorbells = bench_parse_list(optarg, doorbells);
			break;
		case 'r':
			repeats = (unsigned int)atoi(optarg);
			break;
		default:
			bench_usage(argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (ops == 0 || nb_bursts == 0 || nb_doorbells == 0 || repeats == 0 || nb_sizes == 0) {
		bench_usage(argv[0]);
		return 2;
	}
	for (unsigned int i = 0; i < nb_sizes; i++) {
		if (sizes[i] == 0 || sizes[i] > BENCH_MAX_BUF) {
			fprintf(stderr, "engine-bench: size %u out of 1..%d\n", sizes[i],
				BENCH_MAX_BUF);
			return 2;
		}
	}
	if (strcmp(ba->driver, "null") != 0) {
		/* The doorbell cost is the null device's; software has its own. */
		nb_doorbells = 1;
		doorbells[0] = 0;
	}
	for (unsigned int i = 0; i < nb_bursts; i++) {
		if (bursts[i] == 0 || bursts[i] > CE_ENGINE_MAX_BATCH) {
			fprintf(stderr, "engine-bench: burst %u out of 1..%d\n", bursts[i],
				CE_ENGINE_MAX_BATCH);
			return 2;
		}
	}

	/* EAL: given after "--", else one lcore, no hugepages, no PCI. */
	eal_argv[eal_argc++] = argv[0];
	if (optind < argc) {
		for (int i = optind; i < argc && eal_argc < 15; i++)
			eal_argv[eal_argc++] = argv[i];
	} else {
		snprintf(prefix, sizeof(prefix), "--file-prefix=ce-bench-%d", (int)getpid());
		eal_argv[eal_argc++] = "-l1";
		eal_argv[eal_argc++] = "--no-huge";
		eal_argv[eal_argc++] = "-m256";
		eal_argv[eal_argc++] = "--no-pci";
		eal_argv[eal_argc++] = "--log-level=error";
		eal_argv[eal_argc++] = prefix;
	}
	eal_argv[eal_argc] = NULL;
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "engine-bench: rte_eal_init failed\n");
		return 1;
	}

	printf("engine-bench: 1 engine on lcore %u, %s on %s, %" PRIu64
	       " requests per run, best of %u, TSC %.2f GHz\n",
	       rte_lcore_id(), ba->alg, ba->driver, ops, repeats, (double)rte_get_tsc_hz() / 1e9);
	printf("%-8s %6s %6s %9s %10s %10s %9s %12s\n", "doorbell", "size", "burst", "mode",
	       "Mops/s", "cycles/op", "Gbps", "batch/one");
	for (unsigned int d = 0; d < nb_doorbells; d++) {
		for (unsigned int z = 0; z < nb_sizes; z++)
		for (unsigned int b = 0; b < nb_bursts; b++) {
			struct bench_result best[2] = { { 0, 0 }, { 0, 0 } };

			for (int mode = first_mode; mode <= last_mode; mode++) {
				for (unsigned int r = 0; r < repeats; r++) {
					struct bench_result res;

					if (bench_run(ba, sizes[z], mode == 1, bursts[b],
						      doorbells[d], ops, &res) < 0)
						return 1;
					if (res.mops > best[mode].mops)
						best[mode] = res;
				}
			}
			for (int mode = first_mode; mode <= last_mode; mode++) {
				char ratio[16] = "";

				if (mode == 1 && first_mode == 0)
					snprintf(ratio, sizeof(ratio), "%.2fx",
						 best[1].mops / best[0].mops);
				printf("%-8u %6u %6u %9s %10.2f %10.1f %9.2f %12s\n", doorbells[d],
				       sizes[z], bursts[b], mode ? "batch" : "one", best[mode].mops,
				       best[mode].cycles_per_op,
				       best[mode].mops * 1e6 * sizes[z] * 8 / 1e9, ratio);
			}
		}
	}
	rte_eal_cleanup();
	return 0;
}
