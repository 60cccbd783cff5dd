/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: cryptoengctl's --batch lines (daemon/cli_*.c,
 * compiled in here with cli_main.c's main() renamed), run by its own pipeline
 * (cli_run) against the real daemon on a thread of this process.
 *
 * One cryptoengctl session lives across inputs, as a long batch would: its
 * region, queue pair and session cache; each input is a batch file. The
 * invariants:
 * - every input line gets exactly one output line, in order, and that line
 *   is a JSON object with "out" (hex) or "error" (a string that starts with
 *   an errno name), and the line's "id" echoed when it had one;
 * - every descriptor cryptoengctl submits (checked on its way into
 *   ce_submit_burst, linked with --wrap) names a line in flight, an op, and
 *   in-place ranges inside cryptoengctl's arena buffer;
 * - after the batch nothing is in flight, every line was printed and the
 *   byte ring is empty again; the daemon still serves.
 */
#include <ctype.h>
#include <sys/mman.h>

#define main cli_main
#include "../../daemon/cli_main.c"
#undef main
#include "../../daemon/cli_util.c"
#include "../../daemon/cli_report.c"
#include "../../daemon/cli_crypt.c"
#include "../../daemon/cli_batch.c"
#include "../../daemon/cli_selftest.c"
#include "../../daemon/cli_watch.c"
#include "../../daemon/cli_asym.c"
#include "../../daemon/cli_batch_asym.c"

#include "fuzz.h"
#include "fuzz_daemon.h"

static struct cli_batch fuzz_b;
static uint64_t fuzz_arena_off;
static int fuzz_in_fd = -1, fuzz_out_fd = -1;
static unsigned long fuzz_runs;

int __real_ce_submit_burst(struct ce_qp *qp, const struct ce_desc *descs, unsigned int n);
int __wrap_ce_submit_burst(struct ce_qp *qp, const struct ce_desc *descs, unsigned int n);

static int
in_arena(uint64_t off, uint64_t len)
{
	return off >= fuzz_arena_off && len <= CLI_ARENA_SIZE &&
	       off - fuzz_arena_off <= CLI_ARENA_SIZE - len;
}

int
__wrap_ce_submit_burst(struct ce_qp *qp, const struct ce_desc *descs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct ce_desc *d = &descs[i];

		FUZZ_CHECK(d->cookie >= fuzz_b.seq_print && d->cookie < fuzz_b.seq_read);
		FUZZ_CHECK(cli_slot(&fuzz_b, d->cookie)->state == CLI_S_PENDING);
		FUZZ_CHECK(d->op >= CE_OP_ENCRYPT && d->op <= CE_OP_VERIFY);
		FUZZ_CHECK(d->flags == 0 && d->rsvd == 0);
		FUZZ_CHECK(d->src_off == d->dst_off);
		FUZZ_CHECK(in_arena(d->src_off, d->len));
		FUZZ_CHECK(d->aad_len == 0 || in_arena(d->aad_off, d->aad_len));
		FUZZ_CHECK(d->iv_off == 0 || in_arena(d->iv_off, 1));
		FUZZ_CHECK(d->digest_off == 0 || in_arena(d->digest_off, 1));
	}
	return __real_ce_submit_burst(qp, descs, n);
}

static void
fuzz_setup(void)
{
	json_t *ans;

	cli_socket = fuzz_daemon_start("batch", NULL);
	cli_hex_init();
	fuzz_b.exit_code = CLI_EXIT_OK;
	fuzz_b.c = fuzz_daemon_connect(&(struct ce_client_opts){
		.name = "fuzz-batch", .region_size = CLI_REGION_SIZE, .nb_qps = 1,
		.sq_entries = CLI_SQ_ENTRIES,
	});
	fuzz_b.qp = ce_qp_create(fuzz_b.c);
	fuzz_b.arena = ce_buf_alloc(fuzz_b.c, CLI_ARENA_SIZE, 4096);
	ans = cli_request(fuzz_b.c, "algs");
	fuzz_b.algs = json_incref(json_object_get(ans, "algs"));
	json_decref(ans);
	fuzz_b.slots = calloc(CLI_SLOTS, sizeof(*fuzz_b.slots));
	FUZZ_CHECK(fuzz_b.qp && fuzz_b.arena && fuzz_b.algs && fuzz_b.slots);
	fuzz_arena_off = ce_buf_offset(fuzz_b.c, fuzz_b.arena);
	/* The batch's input file, and its stdout, which we read back. */
	fuzz_in_fd = memfd_create("fuzz-batch-in", MFD_CLOEXEC);
	fuzz_out_fd = memfd_create("fuzz-batch-out", MFD_CLOEXEC);
	FUZZ_CHECK(fuzz_in_fd >= 0 && fuzz_out_fd >= 0);
	fflush(stdout);
	FUZZ_CHECK(dup2(fuzz_out_fd, STDOUT_FILENO) == STDOUT_FILENO);
}

/* The session cache, refusals included, would grow with every new key: start it over. */
static void
fuzz_cache_reset(void)
{
	FUZZ_CHECK(cli_drain(&fuzz_b) == 0);
	cli_sess_flush(&fuzz_b);
	for (unsigned int i = 0; i < CLI_SESS_BUCKETS; i++) {
		struct cli_sess *s = fuzz_b.sess[i], *next;

		for (; s != NULL; s = next) {
			next = s->next;
			free(s->id);
			free(s->err);
			free(s);
		}
		fuzz_b.sess[i] = NULL;
	}
	fuzz_b.nb_sess = 0;
}

static size_t
count_lines(const uint8_t *p, size_t n)
{
	size_t lines = 0;

	for (size_t i = 0; i < n; i++)
		lines += p[i] == '\n';
	return lines + (n > 0 && p[n - 1] != '\n');
}

static void
check_output_line(const char *line, size_t len)
{
	json_t *o = json_loadb(line, len, 0, NULL), *v;
	const char *k, *s;

	/* "out" or "error", and the line's "id" echoed when it had one. */
	FUZZ_CHECK(json_is_object(o));
	FUZZ_CHECK(json_object_size(o) == 1 ||
		   (json_object_size(o) == 2 && json_object_get(o, "id") != NULL));
	json_object_foreach(o, k, v) {
		if (strcmp(k, "id") == 0)
			continue;
		FUZZ_CHECK(json_is_string(v));
		s = json_string_value(v);
		if (strcmp(k, "out") == 0) {
			FUZZ_CHECK(json_string_length(v) % 2 == 0);
			for (size_t i = 0; s[i]; i++)
				FUZZ_CHECK(cli_hexval(s[i]) >= 0);
		} else {
			FUZZ_CHECK(strcmp(k, "error") == 0);
			/* An errno name first: EINVAL: ..., EBADMSG, EIO: ... */
			FUZZ_CHECK(s[0] == 'E' && isupper((unsigned char)s[1]));
		}
	}
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cli_in in = { .fd = -1 };
	size_t out_len, lines = 0;
	char *out;
	int ret;

	if (fuzz_b.c == NULL)
		fuzz_setup();
	FUZZ_CHECK(ftruncate(fuzz_in_fd, 0) == 0);
	FUZZ_CHECK(pwrite(fuzz_in_fd, data, size, 0) == (ssize_t)size);
	FUZZ_CHECK(lseek(fuzz_in_fd, 0, SEEK_SET) == 0);
	FUZZ_CHECK(ftruncate(fuzz_out_fd, 0) == 0);
	FUZZ_CHECK(lseek(fuzz_out_fd, 0, SEEK_SET) == 0);
	in.fd = fuzz_in_fd;

	ret = cli_run(&fuzz_b, &in, NULL);
	free(in.buf);
	FUZZ_CHECK(ret == CLI_EXIT_OK);
	FUZZ_CHECK(fuzz_b.inflight == 0 && fuzz_b.seq_print == fuzz_b.seq_read);
	FUZZ_CHECK(fuzz_b.head == fuzz_b.tail);

	fflush(stdout);
	out_len = (size_t)lseek(fuzz_out_fd, 0, SEEK_END);
	out = malloc(out_len + 1);
	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(pread(fuzz_out_fd, out, out_len, 0) == (ssize_t)out_len);
	for (size_t i = 0, start = 0; i < out_len; i++) {
		if (out[i] != '\n')
			continue;
		check_output_line(out + start, i - start);
		start = i + 1;
		lines++;
	}
	FUZZ_CHECK(out_len == 0 || out[out_len - 1] == '\n');
	FUZZ_CHECK(lines == count_lines(data, size));
	free(out);

	if (++fuzz_runs % 1024 == 0)
		fuzz_cache_reset();
	FUZZ_CHECK(fuzz_daemon_alive());
	return 0;
}
