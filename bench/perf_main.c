/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoeng-perf: main: the runs over sizes and bursts, IMIX, keys from a vector file.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cryptoeng.h"
#include "perf.h"
#include "perf_run.h"

/* ---- one run per (buffer size, burst size) ------------------------------- */

static int
perf_run_combo(uint32_t buf_size, uint32_t burst)
{
	uint64_t t0 = perf_now_ns(), next = t0 + PERF_PROGRESS_AFTER_NS;
	uint64_t want = (uint64_t)perf_o.total_ops * perf_o.qps;
	int tty = isatty(STDERR_FILENO), shown = 0, ret = 0;
	uint32_t i;

	perf_cur_burst = burst;
	for (i = 0; i < perf_o.qps; i++) {
		perf_threads[i].err = 0;
		if (pthread_create(&perf_threads[i].tid, NULL, perf_thread_main, &perf_threads[i]) != 0) {
			fprintf(stderr, "cryptoeng-perf: pthread_create failed\n");
			exit(EXIT_FAILURE);
		}
	}
	/* Progress on stderr once a run has taken two seconds. */
	for (;;) {
		struct timespec d = { 0, 100000000 };
		uint64_t done = 0, now;
		int alive = 0;

		nanosleep(&d, NULL);
		for (i = 0; i < perf_o.qps; i++) {
			uint64_t p = atomic_load_explicit(&perf_threads[i].progress, memory_order_relaxed);

			done += p;
			if (p < perf_o.total_ops && perf_threads[i].err == 0)
				alive = 1;
		}
		if (!alive)
			break;
		now = perf_now_ns();
		if (now >= next) {
			double secs = (double)(now - t0) / 1e9;

			fprintf(stderr, "%s[cryptoeng-perf] buffer %u burst %u: %5.1f%% (%" PRIu64 "/%"
				PRIu64 " ops), %.2f MOps so far%s", tty ? "\r" : "", buf_size, burst,
				100.0 * (double)done / (double)want, done, want, (double)done / secs / 1e6,
				tty ? "" : "\n");
			shown = 1;
			next = now + (tty ? 500000000ull : PERF_PROGRESS_AFTER_NS);
		}
	}
	for (i = 0; i < perf_o.qps; i++) {
		pthread_join(perf_threads[i].tid, NULL);
		if (perf_threads[i].err)
			ret = perf_threads[i].err;
	}
	if (shown && tty)
		fprintf(stderr, "\n");
	if (ret)
		return ret;

	for (i = 0; i < perf_o.qps; i++) {
		const struct perf_result *r = &perf_threads[i].res;

		if (r->op_fail && perf_o.test != PERF_TEST_VERIFY)
			fprintf(stderr, "cryptoeng-perf: queue pair %u: %" PRIu64 " of %" PRIu64
				" operations completed with an error (first: %s)\n", i, r->op_fail,
				r->deq, strerror(-r->first_status));
		if (r->mismatch && perf_o.test != PERF_TEST_VERIFY)
			fprintf(stderr, "cryptoeng-perf: queue pair %u: %" PRIu64 " of %" PRIu64
				" outputs differ from OpenSSL's\n", i, r->mismatch, r->deq);
	}
	switch (perf_o.test) {
	case PERF_TEST_THROUGHPUT:
		perf_print_throughput(buf_size);
		break;
	case PERF_TEST_LATENCY:
		ret = perf_print_latency(buf_size);
		break;
	case PERF_TEST_VERIFY:
		perf_print_verify(buf_size);
		break;
	}
	fflush(stdout);
	return ret;
}

/* The same keys as the vector file, when verifying against one. */
static int
perf_keys_from_vector(void)
{
	const struct perf_vector *v = &perf_vec;
	struct perf_plan *p = &perf_p;
	uint32_t ak = perf_o.auth_key_sz;

	switch (perf_o.optype) {
	case PERF_CIPHER_ONLY:
		if (v->cipher_key.len < p->key_len)
			return -EINVAL;
		memcpy(p->key, v->cipher_key.data, p->key_len);
		break;
	case PERF_AUTH_ONLY:
		if (v->auth_key.len < p->key_len)
			return -EINVAL;
		memcpy(p->key, v->auth_key.data, p->key_len);
		break;
	case PERF_CIPHER_THEN_AUTH:
	case PERF_AUTH_THEN_CIPHER:
		if (v->auth_key.len < ak || v->cipher_key.len < p->cipher_key_len)
			return -EINVAL;
		/* authenc: the kernel's blob of the two (perf_plan_make's layout). */
		if (ce_authenc_key_build(p->key, sizeof(p->key), v->auth_key.data, ak,
					 v->cipher_key.data, p->cipher_key_len) < 0)
			return -EINVAL;
		break;
	case PERF_AEAD:
		if (v->aead_key.len < p->key_len)
			return -EINVAL;
		memcpy(p->key, v->aead_key.data, p->key_len);
		break;
	default:
		return -EINVAL;	/* asymmetric modes take no test file */
	}
	return 0;
}

/* IMIX: a fixed, shuffled order of size indexes with the asked proportions. */
static void
perf_imix_build(void)
{
	uint32_t total = 0, i, j, n = 0, x = 12345;

	for (i = 0; i < perf_o.imix_count; i++)
		total += perf_o.imix_list[i];
	for (i = 0; i < perf_o.imix_count; i++) {
		uint32_t cnt = (uint32_t)((uint64_t)perf_o.imix_list[i] * 4096 / total);

		for (j = 0; j < cnt && n < 4096; j++)
			perf_imix_seq[n++] = i;
	}
	for (i = n; i > 1; i--) {
		uint32_t k, tmp;

		x = x * 1103515245u + 12345u;
		k = (x >> 8) % i;
		tmp = perf_imix_seq[i - 1];
		perf_imix_seq[i - 1] = perf_imix_seq[k];
		perf_imix_seq[k] = tmp;
	}
	perf_imix_len = n;
}

/* What crypto-perf prints as "Buf Size" with --imix: the weighted mean size. */
static uint32_t
perf_imix_mean(void)
{
	uint64_t weights = 0, bytes = 0;

	for (uint32_t i = 0; i < perf_o.imix_count; i++) {
		weights += perf_o.imix_list[i];
		bytes += (uint64_t)perf_o.imix_list[i] * perf_o.buffer_list[i];
	}
	return weights ? (uint32_t)(bytes / weights) : perf_o.max_buffer;
}

static void
perf_on_signal(int sig)
{
	if (perf_daemon_pid > 0)
		kill(perf_daemon_pid, SIGTERM);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * The next buffer or burst size: +@p inc up to @p max with a range, else the
 * list's next entry (@p idx is its index).
 * @return false after the last one.
 */
static bool
perf_size_next(uint32_t *size, uint32_t *idx, uint32_t inc, uint32_t max, const uint32_t *list,
	       uint32_t count)
{
	if (inc) {
		*size += inc;
		return *size <= max;
	}
	if (++*idx == count)
		return false;
	*size = list[*idx];
	return true;
}

int
main(int argc, char **argv)
{
	struct ce_client_opts co = { .name = "cryptoeng-perf" };
	uint64_t per_slot, region;
	uint32_t pool, b, u, i;
	int ret = EXIT_FAILURE;

	perf_opts_default(&perf_o);
	if (perf_opts_parse(&perf_o, argc, argv) < 0)
		return EXIT_FAILURE;
	if (perf_opts_check(&perf_o) < 0) {
		fprintf(stderr, "USER1: Checking one or more user options failed\n");
		return EXIT_FAILURE;
	}
	if (perf_plan_make(&perf_o, &perf_p) < 0)
		return EXIT_FAILURE;
	if (perf_o.test_file) {
		if (perf_vector_load(&perf_o, &perf_vec) < 0) {
			fprintf(stderr, "USER1: Failed to create test vector for specified file\n");
			return EXIT_FAILURE;
		}
		perf_have_vec = 1;
		perf_nb_variants = 1;
		if (perf_keys_from_vector() < 0) {
			fprintf(stderr, "cryptoeng-perf: test vector keys shorter than the key sizes\n");
			return EXIT_FAILURE;
		}
	}
	if (perf_o.burst_count && perf_o.max_burst > PERF_MAX_BURST) {
		fprintf(stderr, "cryptoeng-perf: bursts above %u are not supported\n", PERF_MAX_BURST);
		return EXIT_FAILURE;
	}
	if (perf_p.asym) {
		/* One size: the request's input (the output's when it has none). */
		uint32_t sz = perf_p.asym_in_len ? perf_p.asym_in_len : perf_p.asym_out_max;

		perf_o.buffer_list[0] = perf_o.min_buffer = perf_o.max_buffer = sz;
		perf_o.buffer_count = 1;
		perf_o.inc_buffer = 0;
		perf_o.segment_sz = sz;
		/* The key and the inputs before the daemon: an RSA-4096 key takes a while. */
		if (perf_asym_setup() < 0)
			return EXIT_FAILURE;
	}
	perf_check = perf_o.verify_all || perf_o.test == PERF_TEST_VERIFY;
	/*
	 * In place, each op overwrites its input: refill it when outputs are
	 * checked, and for decrypt/verify (a decrypted buffer is no longer a
	 * valid ciphertext: every later op would fail its tag check).
	 */
	perf_refill = !perf_p.asym &&	/* asymmetric ops never write their input */
		      (perf_check || ((perf_p.op == CE_OP_DECRYPT || perf_p.op == CE_OP_VERIFY) &&
				      !perf_o.out_of_place));
	perf_tsc_hz = perf_tsc_calibrate();

	/* Size the region for the buffer pools; shrink the pools rather than fail. */
	if (perf_p.asym)
		per_slot = perf_round(perf_p.asym_in_len + 1, 64) +
			   perf_round(perf_p.asym_out_max, 64) +
			   perf_round(perf_p.asym_sig_len + 1, 64) + 64;
	else
		per_slot = perf_round(perf_o.max_buffer, 64) * (perf_o.out_of_place ? 2 : 1) +
			   perf_round(perf_p.iv_len + 1, 64) + perf_round(perf_p.aad_len + 1, 64) +
			   perf_round(perf_p.digest_len + 1, 64) + 64;
	pool = perf_o.pool_sz ? perf_o.pool_sz : 1;
	while (pool > 512 && (uint64_t)pool * per_slot * perf_o.qps > PERF_REGION_LIMIT - (8u << 20))
		pool /= 2;
	if (pool != perf_o.pool_sz && !perf_o.silent)
		fprintf(stderr, "cryptoeng-perf: %u buffers per queue pair instead of %u, to fit the "
			"daemon's region limit\n", pool, perf_o.pool_sz);
	region = perf_round((uint64_t)pool * per_slot * perf_o.qps + (8u << 20), 1u << 20);
	co.region_size = region;
	co.nb_qps = perf_o.qps;
	perf_client_opts = co;

	if (perf_o.spawn) {
		signal(SIGINT, perf_on_signal);
		signal(SIGTERM, perf_on_signal);
		perf_client = perf_spawn(&co);
	} else {
		perf_client = ce_client_connect(perf_o.socket, &co);
		if (perf_client == NULL)
			fprintf(stderr, "cryptoeng-perf: cannot connect to %s: %s\n",
				perf_o.socket ? perf_o.socket :
				getenv(CE_SOCKET_ENV) ? getenv(CE_SOCKET_ENV) : CE_DEFAULT_SOCKET,
				strerror(errno));
	}
	if (perf_client == NULL)
		goto out;
	if (perf_threads_setup(pool) < 0)
		goto out;
	if (pthread_barrier_init(&perf_start_barrier, NULL, perf_o.qps) != 0)
		goto out;

	/* As crypto-perf: --csv-friendly output is the table alone. */
	if (!perf_o.silent && !perf_o.csv)
		perf_opts_dump(&perf_o);
	perf_print_backend();
	fflush(stdout);

	atomic_store(&perf_running, 1);
	if (perf_o.imix_count) {
		/* IMIX: one run over the whole size list, as crypto-perf does. */
		perf_nb_sizes = perf_o.buffer_count;
		memcpy(perf_sizes, perf_o.buffer_list, sizeof(perf_sizes));
		perf_imix_build();
		if (perf_expect_build() < 0)
			goto out;
	}
	b = perf_o.inc_buffer ? perf_o.min_buffer : perf_o.buffer_list[0];
	for (i = 0;;) {
		if (!perf_o.imix_count) {
			perf_sizes[0] = b;
			perf_nb_sizes = 1;
			if (perf_expect_build() < 0)
				goto out;
		}
		u = perf_o.inc_burst ? perf_o.min_burst : perf_o.burst_list[0];
		for (uint32_t j = 0;;) {
			if (perf_run_combo(perf_o.imix_count ? perf_imix_mean() : b, u) < 0)
				goto out;
			if (!perf_size_next(&u, &j, perf_o.inc_burst, perf_o.max_burst,
					    perf_o.burst_list, perf_o.burst_count))
				break;
		}
		if (perf_o.imix_count)
			break;
		if (!perf_size_next(&b, &i, perf_o.inc_buffer, perf_o.max_buffer,
				    perf_o.buffer_list, perf_o.buffer_count))
			break;
	}
	printf("\n");
	perf_rc_report();
	ret = EXIT_SUCCESS;
	/* A fast wrong answer must not pass as a result. */
	for (i = 0; i < perf_o.qps; i++)
		if (perf_o.verify_all && (perf_threads[i].res.mismatch || perf_threads[i].res.op_fail))
			ret = EXIT_FAILURE;
out:
	fflush(stdout);
	if (perf_threads) {
		for (i = 0; i < perf_o.qps; i++) {
			if (perf_threads[i].qp)
				ce_qp_destroy(perf_threads[i].qp);
			free(perf_threads[i].slots);
			free(perf_threads[i].free_stack);
			free(perf_threads[i].lat);
		}
		free(perf_threads);
	}
	ce_client_close(perf_client);
	perf_daemon_stop();
	perf_spawn_cleanup();
	perf_expect_free();
	perf_asym_free();
	perf_vector_free(&perf_vec);
	free(perf_o.test_file);
	free(perf_o.test_name);
	return ret;
}
