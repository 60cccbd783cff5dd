/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hold_clients SOCKET N: connect N clients to cryptoengd (each with a queue
 * pair and one AES-GCM request done, so that each has counters), print
 * "ready", and hold them until standard input closes. For the tests of
 * reports with many clients.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cryptoeng.h"

static int
hold_one_request(struct ce_client *c, struct ce_qp *qp)
{
	static const uint8_t key[16] = { 1 };
	struct ce_session_params sp = {
		.alg = "gcm(aes)", .key = key, .key_len = 16, .iv_len = 12, .digest_len = 16,
		.direction = CE_SESS_DIR_ENCRYPT,
	};
	uint8_t *buf = ce_buf_alloc(c, 128, 64);
	struct ce_desc d;
	struct ce_cqe cqe;
	int64_t sess = ce_session_create(c, &sp);

	if (buf == NULL || sess < 0)
		return -EINVAL;
	memset(buf, 0, 128);
	ce_prep_aead(&d, c, (uint32_t)sess, CE_OP_ENCRYPT, buf, NULL, 64, buf + 96, NULL, 0,
		     buf + 64);
	while (ce_submit_burst(qp, &d, 1) == 0)
		ce_wait(qp, 10);
	while (ce_poll_burst(qp, &cqe, 1) == 0)
		if (ce_wait(qp, 5000) < 0)
			return -EIO;
	return cqe.status;
}

int
main(int argc, char **argv)
{
	struct ce_client_opts o = { .region_size = 1u << 20, .nb_qps = 1, .sq_entries = 64,
				    .name = "hold" };
	struct ce_client **cs;
	long n;
	char b;

	if (argc != 3 || (n = strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: %s SOCKET N\n", argv[0]);
		return 2;
	}
	cs = calloc((size_t)n, sizeof(*cs));
	if (cs == NULL)
		return 1;
	for (long i = 0; i < n; i++) {
		struct ce_qp *qp;
		int ret;

		cs[i] = ce_client_connect(argv[1], &o);
		qp = cs[i] ? ce_qp_create(cs[i]) : NULL;
		if (qp == NULL) {
			fprintf(stderr, "client %ld: %s (%s)\n", i, strerror(errno),
				ce_client_last_error(cs[i]));
			return 1;
		}
		ret = hold_one_request(cs[i], qp);
		if (ret != 0) {
			fprintf(stderr, "client %ld: request: %s\n", i, strerror(-ret));
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	while (read(STDIN_FILENO, &b, 1) > 0)
		;
	for (long i = 0; i < n; i++)
		ce_client_close(cs[i]);
	free(cs);
	return 0;
}
