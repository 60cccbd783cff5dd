/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the JSON control requests the daemon answers
 * (CE_MSG_CTL, daemon/report.c's d_report_ctl()).
 *
 * The real daemon runs on a thread of this process (fuzz_daemon.c) with two
 * clients connected, a queue pair and a session, and some requests served,
 * so that every report has something to say. Each input is answered by
 * d_report_ctl() from this thread, as DPDK's telemetry thread does, while
 * the daemon runs; one input in 16 also goes over the real socket. The
 * invariants:
 * - answered (0) exactly when the request is a JSON object whose "cmd" is
 *   algs, stats, clients or engines, else -EINVAL with a reason ("fault":
 *   -EINVAL, -ENODEV or -ENOTSUP: no device here has a fault injector;
 *   "selftest": answered with at least one result, or -ENOENT / -EINVAL
 *   with a reason for a "driver" that names none or is not a string);
 * - an answer is a JSON object with that command's members, and it fits in
 *   one CE_MSG_CTL_REPLY (16 KiB), else the client could never read it;
 * - over the socket: the same verdict, the daemon still serving after it.
 */
#include <errno.h>
#include <jansson.h>

#include "cryptoengd.h"
#include "fuzz.h"
#include "fuzz_daemon.h"

static struct ce_client *fuzz_c, *fuzz_c2;
static struct ce_qp *fuzz_qp;
static char fuzz_req[CE_MSG_CTL_MAX + 2];
static char fuzz_ans[CE_MSG_CTL_MAX + 1];
static unsigned long fuzz_n;

/* Some traffic first, so that the stats and clients reports are not empty. */
static void
fuzz_setup(void)
{
	static const uint8_t key[16] = { 1, 2, 3 };
	struct ce_session_params sp = {
		.alg = "gcm(aes)", .key = key, .key_len = 16, .iv_len = 12,
		.digest_len = 16, .aad_max = 16, .direction = CE_SESS_DIR_BOTH,
	};
	struct ce_desc dd[8];
	struct ce_cqe cqe[8];
	unsigned int got = 0;
	int64_t h;
	uint8_t *buf;

	fuzz_daemon_start("ctl", NULL);
	fuzz_c = fuzz_daemon_connect(&(struct ce_client_opts){ .name = "fuzz-ctl" });
	fuzz_c2 = fuzz_daemon_connect(&(struct ce_client_opts){ .name = "fuzz-idle" });
	fuzz_qp = ce_qp_create(fuzz_c);
	FUZZ_CHECK(fuzz_qp != NULL);
	h = ce_session_create(fuzz_c, &sp);
	FUZZ_CHECK(h >= 0);
	buf = ce_buf_alloc(fuzz_c, 8 * 128, 64);
	FUZZ_CHECK(buf != NULL);
	for (unsigned int i = 0; i < 8; i++)
		dd[i] = (struct ce_desc){
			.cookie = i, .session = (uint32_t)h, .op = CE_OP_ENCRYPT,
			.src_off = ce_buf_offset(fuzz_c, buf + i * 128),
			.dst_off = ce_buf_offset(fuzz_c, buf + i * 128),
			.len = 64, .iv_off = ce_buf_offset(fuzz_c, buf + i * 128 + 64),
			.digest_off = ce_buf_offset(fuzz_c, buf + i * 128 + 80),
			/* one refused (-EINVAL), so that the error counters move too */
			.aad_len = i == 7 ? 17 : 0,
		};
	FUZZ_CHECK(ce_submit_burst(fuzz_qp, dd, 8) == 8);
	while (got < 8) {
		int n = ce_wait(fuzz_qp, 10000);

		FUZZ_CHECK(n >= 0);
		n = ce_poll_burst(fuzz_qp, cqe, 8);
		FUZZ_CHECK(n >= 0);
		got += (unsigned int)n;
	}
}

/* The verdict d_report_ctl() must give, worked out independently. */
static const char *
expected_cmd(const char *req)
{
	static const char *const cmds[] = { "algs", "stats", "clients", "engines", "info",
					    "fault", "selftest" };
	static char cmd[16];
	json_t *j = json_loads(req, 0, NULL);
	const char *s = json_string_value(json_object_get(j, "cmd"));
	json_t *from = json_object_get(j, "from");
	const char *found = NULL;

	/* "from" (the first client id of a page) must be an id when present. */
	if (from != NULL && (!json_is_integer(from) || json_integer_value(from) < 0 ||
			     json_integer_value(from) > UINT32_MAX))
		s = NULL;
	for (size_t i = 0; s != NULL && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(s, cmds[i]) == 0) {
			snprintf(cmd, sizeof(cmd), "%s", cmds[i]);
			found = cmd;
		}
	json_decref(j);
	return found;
}

static void
check_answer(const char *cmd, const char *out, size_t len)
{
	json_t *j;

	FUZZ_CHECK(len > 0 && len <= CE_MSG_CTL_MAX);
	j = json_loadb(out, len, 0, NULL);
	FUZZ_CHECK(json_is_object(j));
	if (strcmp(cmd, "stats") == 0) {
		FUZZ_CHECK(json_is_array(json_object_get(j, "engines")));
		FUZZ_CHECK(json_is_array(json_object_get(j, "clients")));
		FUZZ_CHECK(json_is_array(json_object_get(j, "algs")));
		FUZZ_CHECK(json_is_array(json_object_get(j, "devices")));
	} else if (strcmp(cmd, "info") == 0) {
		FUZZ_CHECK(json_is_string(json_object_get(j, "version")));
	} else if (strcmp(cmd, "clients") == 0) {
		/* A page may start past the last client: empty, but a list. */
		FUZZ_CHECK(json_is_array(json_object_get(j, "clients")));
	} else {
		FUZZ_CHECK(json_array_size(json_object_get(j, cmd)) > 0);
	}
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL, *cmd;
	char *out = NULL;
	int ret;

	if (fuzz_c == NULL)
		fuzz_setup();
	if (size > CE_MSG_CTL_MAX)
		size = CE_MSG_CTL_MAX;
	memcpy(fuzz_req, data, size);
	fuzz_req[size] = '\0';
	cmd = expected_cmd(fuzz_req);

	ret = d_report_ctl(fuzz_req, &out, &why);
	if (cmd != NULL && strcmp(cmd, "fault") == 0) {
		/* No device here has a fault injector (null, ipsecmb). */
		FUZZ_CHECK((ret == -EINVAL || ret == -ENODEV || ret == -ENOTSUP) && why != NULL &&
			   why[0] != '\0');
		cmd = NULL;
	} else if (cmd != NULL && strcmp(cmd, "selftest") == 0 && ret != 0) {
		/* A "driver" naming no implementation, or not a string. */
		FUZZ_CHECK((ret == -ENOENT || ret == -EINVAL) && why != NULL && why[0] != '\0');
		cmd = NULL;
	} else if (cmd != NULL) {
		FUZZ_CHECK(ret == 0 && out != NULL);
		check_answer(cmd, out, strlen(out));
	} else {
		FUZZ_CHECK(ret == -EINVAL && why != NULL && why[0] != '\0');
	}
	free(out);

	/* The same request through the socket, as a client sends it. */
	if (++fuzz_n % 16 == 0 && fuzz_req[0] != '\0') {
		ret = ce_client_ctl(fuzz_c2, fuzz_req, fuzz_ans, sizeof(fuzz_ans));
		if (cmd != NULL) {
			FUZZ_CHECK(ret > 0);
			check_answer(cmd, fuzz_ans, strlen(fuzz_ans));
		} else {
			FUZZ_CHECK(ret == -EINVAL || ret == -ENODEV || ret == -ENOTSUP ||
				   ret == -ENOENT);
			FUZZ_CHECK(ce_client_last_error(fuzz_c2)[0] != '\0');
		}
	}
	FUZZ_CHECK(fuzz_daemon_alive());
	return 0;
}
