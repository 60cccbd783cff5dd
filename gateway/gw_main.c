/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoeng-ipsec-gw: a drop-in for DPDK's ipsec-secgw (same options for
 * what it supports, same config syntax) whose crypto goes to cryptoengd.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "gw.h"

struct gw gw;

static void
on_signal(int sig)
{
	(void)sig;
	gw.quit = true;
}

#define GW_CFG_FILE_MAX (64u << 20)

static int
read_file(const char *path, char **buf, size_t *len)
{
	struct stat st;
	char *b = NULL;
	ssize_t n;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > GW_CFG_FILE_MAX) {
		rc = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		goto out;
	}
	b = malloc((size_t)st.st_size + 1);
	if (b == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	n = read(fd, b, (size_t)st.st_size);
	if (n < 0) {
		rc = -errno;
		free(b);
		goto out;
	}
	*buf = b;
	*len = (size_t)n;
	rc = 0;
out:
	close(fd);
	return rc;
}

static int
load_config(struct gw *g)
{
	char err[GW_ERR_LEN];
	char *buf = NULL;
	size_t len = 0;
	int rc;

	rc = read_file(g->opts.cfg_file, &buf, &len);
	if (rc) {
		fprintf(stderr, "gateway: cannot read %s: %s\n", g->opts.cfg_file, strerror(-rc));
		return rc;
	}
	rc = gw_config_parse(buf, len, g->opts.cfg_file, &g->cfg, err, sizeof(err));
	free(buf);
	if (rc == 0)
		rc = gw_config_check(&g->cfg, g->opts.cfg_file, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "%s\n", err);
		return rc;
	}
	printf("gateway: %s: %u sa, %u sp, %u rt, %u neigh\n", g->opts.cfg_file, g->cfg.nb_sa,
	       g->cfg.nb_sp, g->cfg.nb_rt, g->cfg.nb_neigh);
	return 0;
}

/* One gw_lcore per lcore that --config names. */
static int
setup_lcores(struct gw *g)
{
	for (unsigned int i = 0; i < g->opts.nb_lcore_params; i++) {
		unsigned int id = g->opts.lcore_params[i].lcore;
		struct gw_lcore *lc = g->by_lcore[id];

		if (!rte_lcore_is_enabled(id)) {
			fprintf(stderr, "--config: lcore %u is not enabled (EAL -l)\n", id);
			return -EINVAL;
		}
		if (lc == NULL) {
			if (g->nb_lcores == GW_MAX_LCORES)
				return -E2BIG;
			lc = rte_zmalloc_socket("gw_lcore", sizeof(*lc), RTE_CACHE_LINE_SIZE,
						(int)rte_lcore_to_socket_id(id));
			if (lc == NULL)
				return -ENOMEM;
			lc->lcore_id = id;
			lc->idx = g->nb_lcores;
			g->lcores[g->nb_lcores++] = lc;
			g->by_lcore[id] = lc;
		}
		if (lc->nb_rxq == GW_MAX_RXQ) {
			fprintf(stderr, "--config: lcore %u polls more than %u queues\n", id, GW_MAX_RXQ);
			return -EINVAL;
		}
		for (unsigned int q = 0; q < lc->nb_rxq; q++) {
			if (lc->rxq[q].port == g->opts.lcore_params[i].port &&
			    lc->rxq[q].queue == g->opts.lcore_params[i].queue) {
				fprintf(stderr, "--config: (%u,%u) given twice\n", lc->rxq[q].port,
					lc->rxq[q].queue);
				return -EINVAL;
			}
		}
		lc->rxq[lc->nb_rxq].port = g->opts.lcore_params[i].port;
		lc->rxq[lc->nb_rxq].queue = g->opts.lcore_params[i].queue;
		lc->nb_rxq++;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int ret, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "gateway: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;
	argv += ret;
	rc = gw_opts_parse(&gw.opts, argc, argv);
	if (rc) {
		rte_eal_cleanup();
		return rc == -EINTR ? 0 : 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "gateway: libsodium init failed\n");
		rc = -EIO;
		goto out;
	}
	rc = load_config(&gw);
	if (rc == 0)
		rc = setup_lcores(&gw);
	if (rc == 0)
		rc = gw_setup_tables(&gw);
	if (rc == 0)
		rc = gw_stats_init(&gw);
	if (rc == 0)
		rc = gw_daemon_attach(&gw, &gw.cur, 0, false);
	if (rc == 0) {
		gw.arena_delta = gw.cur.arena_delta;
		gw.daemon_up = true;
		rc = gw_qps_create(&gw);
	}
	if (rc == 0)
		rc = gw_setup_ports(&gw);
	if (rc)
		goto out;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* A dead daemon's socket must cost an error, not the process. */
	signal(SIGPIPE, SIG_IGN);
	rc = gw_conn_start(&gw);
	if (rc)
		goto out;
	printf("gateway: running on %u lcore(s)\n", gw.nb_lcores);
	rte_eal_mp_remote_launch(gw_lcore_main, NULL, CALL_MAIN);
	rte_eal_mp_wait_lcore();
	gw.quit = true;
	gw_conn_stop(&gw);
	gw_stats_print(&gw);
out:
	gw_teardown(&gw);
	gw_config_free(&gw.cfg);
	rte_eal_cleanup();
	return rc ? 1 : 0;
}
