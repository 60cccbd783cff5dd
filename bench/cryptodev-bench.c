/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptodev-bench: through the engine in one process (one lcore doing both
 * submit and poll), requests per second of the "cryptodev" backend at engine
 * batch size 1 (do_one_request: one enqueue per request), 8 and 32
 * (do_batch_requests: one enqueue burst per batch), over crypto_aesni_mb
 * (AES-128-GCM) and crypto_null (ecb(cipher_null)); then the size crossover
 * against the "ipsecmb" backend. Usage: cryptodev-bench [requests] (400000).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "ce_engine.h"
#include "ce_pmd.h"
/* The tests' CHECK (a benchmark that cannot go on says where and stops) and
 * their EAL start without hugepages. */
#define CE_TEST_WANT_EAL
#include "ce_test.h"

#define WINDOW 256

static unsigned int nb_done;

static void
complete(struct ce_pmd_request *req, int status)
{
	(void)req;
	if (status != -EINPROGRESS)
		nb_done++;
}

static double
bench(struct ce_pmd_dev *d, const char *alg, uint32_t len, uint16_t batch, unsigned int n)
{
	static uint8_t key[16], iv[16], tag[16];
	static unsigned int seq;
	struct ce_pmd_session_params p = {
		.alg = alg, .key = key, .key_len = strcmp(alg, "gcm(aes)") == 0 ? 16 : 0,
		.iv_len = strcmp(alg, "gcm(aes)") == 0 ? 12 : 0,
		.digest_len = strcmp(alg, "gcm(aes)") == 0 ? 16 : 0, .op = CE_OP_ENCRYPT,
	};
	struct ce_engine_params ep = {
		.lcore = rte_lcore_id(), .socket_id = 0, .retry_support = true,
		.queue_size = WINDOW, .batch_size = batch, .pool_size = 4 * WINDOW,
	};
	char name[32];
	struct ce_pmd_session *s = ce_pmd_session_create(d, &p, NULL);
	uint8_t *buf = rte_malloc(NULL, (size_t)WINDOW * len, 64);
	struct ce_engine *e;
	unsigned int sent = 0;
	uint64_t t0, t1;

	CHECK(s != NULL && buf != NULL);
	snprintf(name, sizeof(name), "b%u", seq++);
	ep.name = name;
	e = ce_engine_create(&ep);
	CHECK(e != NULL);
	CHECK_EQ(ce_engine_attach_qp(e, d->qps[0]), 0);
	CHECK_EQ(ce_engine_start(e), 0);
	nb_done = 0;
	t0 = rte_rdtsc();
	while (nb_done < n) {
		struct ce_pmd_request *reqs[32];
		unsigned int k = RTE_MIN(32u, n - sent);

		if (sent - nb_done + k <= WINDOW && k != 0 &&
		    ce_engine_req_alloc_bulk(e, reqs, k) == 0) {
			for (unsigned int i = 0; i < k; i++) {
				struct ce_pmd_request *r = reqs[i];
				uint8_t *b = buf + (size_t)((sent + i) % WINDOW) * len;

				memset(r, 0, sizeof(*r));
				r->sess = s;
				r->op = CE_OP_ENCRYPT;
				r->src = r->dst = b;
				r->len = len;
				r->iv = p.iv_len ? iv : NULL;
				r->digest = p.digest_len ? tag : NULL;
				r->complete = complete;
			}
			unsigned int q = ce_engine_transfer_burst(e, reqs, k);

			for (unsigned int i = q; i < k; i++)
				ce_engine_req_free(reqs[i]);
			sent += q;
		}
		ce_engine_poll(e);
	}
	t1 = rte_rdtsc();
	CHECK_EQ(ce_engine_stop(e, 1000000000ull), 0);
	ce_engine_destroy(e);
	ce_pmd_session_destroy(s);
	rte_free(buf);
	return (double)n * (double)rte_get_tsc_hz() / (double)(t1 - t0) / 1e6;
}

static struct ce_pmd_dev *
bench_dev(const char *drv, const char *name, const char *args)
{
	struct ce_pmd_dev_config cfg = { .nb_qps = 1, .socket_id = 0, .args = args };
	struct ce_pmd_dev *d = ce_pmd_dev_create(drv, name, &cfg);

	if (d == NULL) {
		fprintf(stderr, "cryptodev-bench: device %s (%s): %s\n", drv, args ? args : "",
			strerror(errno));
		exit(1);
	}
	return d;
}

int
main(int argc, char **argv)
{
	unsigned int n = argc > 1 ? (unsigned int)atoi(argv[1]) : 400000;
	const uint16_t batches[] = { 1, 8, 32 };
	const uint32_t sizes[] = { 64, 256, 1024, 4096, 16384, 65536 };
	struct ce_pmd_dev *mb, *null, *sw;

	ce_test_eal_init("cryptodev-bench", "0");
	/* crypto_* vdevs named in dev= are created on demand. */
	mb = bench_dev("cryptodev", "mb", "dev=crypto_aesni_mb,qp_depth=512");
	null = bench_dev("cryptodev", "null", "dev=crypto_null,qp_depth=512");
	sw = bench_dev("ipsecmb", "sw", NULL);
	printf("# through the engine, one lcore, %u requests, window %u; MOps\n", n, WINDOW);
	printf("%-34s %8s %8s %8s\n", "device / alg / size", "batch1", "batch8", "batch32");
	for (unsigned int v = 0; v < 2; v++) {
		struct ce_pmd_dev *d = v == 0 ? mb : null;
		const char *alg = v == 0 ? "gcm(aes)" : "ecb(cipher_null)";

		for (unsigned int sz = 0; sz < 2; sz++) {
			uint32_t len = sz == 0 ? 64 : 1024;
			char label[64];

			snprintf(label, sizeof(label), "%s %s %u B", v == 0 ? "aesni_mb" : "null",
				 alg, len);
			printf("%-34s", label);
			for (unsigned int b = 0; b < RTE_DIM(batches); b++)
				printf(" %8.2f", bench(d, alg, len, batches[b], n));
			printf("\n");
		}
	}
	printf("# size crossover, gcm(aes), batch 32: cryptodev(aesni_mb) vs ipsecmb; MOps, Gbps\n");
	for (unsigned int i = 0; i < RTE_DIM(sizes); i++) {
		unsigned int m = sizes[i] >= 16384 ? n / 16 : n;
		double a = bench(mb, "gcm(aes)", sizes[i], 32, m);
		double b = bench(sw, "gcm(aes)", sizes[i], 32, m);

		printf("%6u B  cryptodev %7.2f MOps %7.1f Gbps   ipsecmb %7.2f MOps %7.1f Gbps\n",
		       sizes[i], a, a * sizes[i] * 8 / 1e3, b, b * sizes[i] * 8 / 1e3);
	}
	ce_pmd_dev_destroy(mb);
	ce_pmd_dev_destroy(null);
	ce_pmd_dev_destroy(sw);
	rte_eal_cleanup();
	return 0;
}
