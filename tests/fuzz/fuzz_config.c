/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the daemon's configuration loader (daemon/config.c:
 * our pre-scan, then rte_cfgfile, then the value checks), on the real file
 * path it reads (a memfd under /proc/self/fd).
 *
 * Invariants of an accepted file:
 * - nothing rte_cfgfile would silently skip or mangle got through: every
 *   line that is not blank or a comment is a section header or key = value,
 *   no value is 255 characters or longer, no line is 4095 or longer;
 * - every number is inside the range its key documents, sleep_min_us is at
 *   most sleep_max_us, the socket mode is a mode, hugepages is auto/yes/no;
 * - every string is terminated inside its buffer; at least one backend, at
 *   most D_MAX_PMDS, each with a driver that exists and a distinct name;
 *   at most D_MAX_ACL uids and gids.
 * A refused file is -EINVAL (the loader printed file:line and why).
 * Run it with -close_fd_mask=2: the loader's messages go to stderr.
 */
#include <ctype.h>
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cryptoengd.h"
#include "fuzz.h"

static int fuzz_fd = -1;
static char fuzz_path[64];
static struct d_config fuzz_cfg;

/* Our reading of the file: 0 if a line is one rte_cfgfile would mishandle. */
static int
oracle_lines_ok(const uint8_t *data, size_t size)
{
	size_t i = 0;

	while (i < size) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - data) : size, n;
		char line[8192];
		char *s, *e, *eq;

		n = end - i;
		if (n >= 4095)
			return 0;
		memcpy(line, data + i, n);
		line[n] = '\0';
		i = end + 1;
		/* A NUL ends the line for fgets() users; ';' starts a comment. */
		if ((e = strchr(line, ';')) != NULL)
			*e = '\0';
		s = line;
		while (isspace((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (*s == '\0' || *s == '#' || *s == '[')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL)
			return 0;
		for (s = eq + 1; isspace((unsigned char)*s); s++)
			;
		if (strlen(s) >= D_VALUE_MAX)
			return 0;
	}
	return 1;
}

#define STR_OK(buf) (memchr((buf), '\0', sizeof(buf)) != NULL)
#define IN(v, lo, hi) ((v) >= (lo) && (v) <= (hi))

static void
check_config(const struct d_config *c)
{
	FUZZ_CHECK(STR_OK(c->file) && STR_OK(c->lcores) && STR_OK(c->eal_args));
	FUZZ_CHECK(STR_OK(c->file_prefix) && STR_OK(c->socket_path));
	FUZZ_CHECK(c->lcores[0] != '\0');
	FUZZ_CHECK(c->hugepages >= -1 && c->hugepages <= 1);
	FUZZ_CHECK(IN(c->queue_size, 1, 1u << 20) && IN(c->backlog_size, 1, 1u << 20));
	FUZZ_CHECK(c->batch_size <= CE_ENGINE_MAX_BATCH && IN(c->burst, 1, D_BURST_MAX));
	FUZZ_CHECK(IN(c->window, 1, 65536) && c->idle_us <= 10000000);
	FUZZ_CHECK(IN(c->sleep_min_us, 1, 60000000) && IN(c->sleep_max_us, 1, 60000000));
	FUZZ_CHECK(c->sleep_min_us <= c->sleep_max_us);
	FUZZ_CHECK(c->stop_timeout_ms <= 3600000);
	FUZZ_CHECK(IN(c->max_clients, 1, 4096) && IN(c->max_qps, 1, 64));
	FUZZ_CHECK(IN(c->max_sessions, 1, 65535) && IN(c->max_region_mb, 1, 1u << 20));
	FUZZ_CHECK(IN(c->credits, 1, CE_RING_MAX_ENTRIES));
	FUZZ_CHECK(c->socket_mode <= 0777);
	FUZZ_CHECK(c->nb_uids <= D_MAX_ACL && c->nb_gids <= D_MAX_ACL);
	FUZZ_CHECK(IN(c->nb_pmds, 1, D_MAX_PMDS));
	for (unsigned int i = 0; i < c->nb_pmds; i++) {
		const struct d_pmd_cfg *p = &c->pmds[i];

		FUZZ_CHECK(STR_OK(p->name) && STR_OK(p->driver) && STR_OK(p->args));
		FUZZ_CHECK(p->name[0] != '\0' && p->driver[0] != '\0');
		FUZZ_CHECK(ce_pmd_driver_find(p->driver) != NULL);
		for (unsigned int j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(p->name, c->pmds[j].name) != 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int ret;

	if (size > 65536)
		return 0;
	if (fuzz_fd < 0) {
		fuzz_fd = memfd_create("fuzz-config.ini", MFD_CLOEXEC);
		FUZZ_CHECK(fuzz_fd >= 0);
		snprintf(fuzz_path, sizeof(fuzz_path), "/proc/self/fd/%d", fuzz_fd);
	}
	FUZZ_CHECK(ftruncate(fuzz_fd, 0) == 0);
	FUZZ_CHECK(pwrite(fuzz_fd, data, size, 0) == (ssize_t)size);

	ret = d_config_load(fuzz_path, &fuzz_cfg);
	if (ret < 0) {
		FUZZ_CHECK(ret == -EINVAL || ret == -ENOMEM);
		return 0;
	}
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(oracle_lines_ok(data, size));
	check_config(&fuzz_cfg);
	return 0;
}
