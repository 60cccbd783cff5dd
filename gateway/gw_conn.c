/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The daemon connection's watchdog, a control thread: it finds the daemon
 * gone (the control socket hung up, or an lcore's queue pair said the
 * daemon stops or its ring broke), tells the lcores (they free what was in flight,
 * counted as daemon_gone, and drop crypto traffic while it is away), then
 * connects again every GW_RECONNECT_MS. A new daemon means a new region,
 * so a new packet pool in it: the lcores park for the swap (ports get RX
 * queues on the new pool), sessions are created again from the config,
 * and the SAs' sequence numbers and replay windows, which are the
 * gateway's own state, carry on.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_pause.h>

#include "gw.h"
#include "ce_clock.h"

#define GW_WATCH_MS	20
#define GW_RECONNECT_MS	200

static pthread_t conn_thread;
static bool conn_running;

static void
conn_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static bool
conn_alive(struct gw *g)
{
	/* An lcore saw the daemon stop (submit refused with -ESHUTDOWN), its
	 * ring break, or every request reported after a hang-up. */
	for (unsigned int i = 0; i < g->nb_lcores; i++)
		if (g->lcores[i]->notice)
			return false;
	/* One poll(2) of the control socket: hung up = gone. */
	return ce_client_check(g->cur.client) == 0;
}

/* Wait until every lcore has seen generation @p gen (freed its in-flight). */
static void
conn_wait_reclaimed(struct gw *g, uint32_t gen)
{
	for (unsigned int i = 0; i < g->nb_lcores && !g->quit; i++)
		while (__atomic_load_n(&g->lcores[i]->seen_gen, __ATOMIC_ACQUIRE) != gen && !g->quit)
			conn_sleep_ms(1);
}

static int
conn_swap(struct gw *g, struct gw_attach *next)
{
	struct gw_attach old = g->cur;
	unsigned int i;
	int rc;

	/* Park the lcores: ports and queue pairs change under them. */
	__atomic_store_n(&g->pause, true, __ATOMIC_RELEASE);
	for (i = 0; i < g->nb_lcores && !g->quit; i++)
		while (!g->lcores[i]->paused && !g->quit)
			conn_sleep_ms(1);
	if (g->quit) {
		gw_daemon_detach(next);
		return -EINTR;
	}
	for (i = 0; i < g->nb_lcores; i++) {
		if (g->lcores[i]->qp)
			ce_qp_destroy(g->lcores[i]->qp);	/* local part; the daemon is gone */
		g->lcores[i]->qp = NULL;
		g->lcores[i]->notice = false;
	}
	g->cur = *next;
	g->arena_delta = next->arena_delta;
	rc = gw_qps_create(g);
	if (rc == 0)
		rc = gw_ports_repool(g);
	if (rc == 0) {
		/* Every mbuf of the old region must be home before it is unmapped;
		 * one still out (a driver keeping TX mbufs) keeps it mapped. */
		if (rte_mempool_full(old.pool)) {
			gw_daemon_detach(&old);
		} else {
			fprintf(stderr, "gateway: %u mbufs of the old region still out: keeping it mapped\n",
				old.pool->size - rte_mempool_avail_count(old.pool));
		}
		__atomic_store_n(&g->daemon_up, true, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&g->pause, false, __ATOMIC_RELEASE);
	return rc;
}

static void *
conn_main(void *arg)
{
	struct gw *g = arg;

	while (!g->quit) {
		struct gw_attach next;
		double gone_at;
		uint32_t gen;
		int rc;

		conn_sleep_ms(GW_WATCH_MS);
		if (conn_alive(g))
			continue;
		gone_at = ce_clock_s();
		__atomic_store_n(&g->daemon_up, false, __ATOMIC_RELEASE);
		gen = __atomic_add_fetch(&g->gen, 1, __ATOMIC_RELEASE);
		printf("gateway: the daemon is gone: in-flight packets dropped (daemon_gone), reconnecting every %u ms\n",
		       GW_RECONNECT_MS);
		conn_wait_reclaimed(g, gen);
		do {
			conn_sleep_ms(GW_RECONNECT_MS);
			rc = g->quit ? -EINTR : gw_daemon_attach(g, &next, gen, true);
		} while (rc && !g->quit);
		if (rc)
			break;
		rc = conn_swap(g, &next);
		if (rc) {
			fprintf(stderr, "gateway: reconnected but could not switch over: %s; stopping\n",
				strerror(-rc));
			g->quit = true;
			break;
		}
		g->reconnects++;
		g->last_outage_s = ce_clock_s() - gone_at;
		printf("gateway: reconnected to the daemon: %u sessions recreated, service back after %.3f s\n",
		       g->nb_sa, g->last_outage_s);
	}
	return NULL;
}

int
gw_conn_start(struct gw *g)
{
	int rc = rte_ctrl_thread_create(&conn_thread, "gw-conn", NULL, conn_main, g);

	if (rc) {
		fprintf(stderr, "gateway: watchdog thread: %s\n", strerror(-rc));
		return rc;
	}
	conn_running = true;
	return 0;
}

void
gw_conn_stop(struct gw *g)
{
	(void)g;
	if (conn_running)
		pthread_join(conn_thread, NULL);
	conn_running = false;
}
