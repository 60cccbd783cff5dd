/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters: per lcore on the data path (plain stores, no sharing), summed
 * here for DPDK telemetry (/cryptoeng_gw/...: 22.11 allows only letters, digits, _ and / in command names) and the --stats line. The
 * telemetry thread reads while lcores write: a sum may be a packet behind.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "gw.h"

#define GW_SA_LIST_PAGE 256

const char *const gw_drop_names[GW_DROP_COUNT] = {
	[GW_DROP_NO_SA] = "no_sa",
	[GW_DROP_NO_POLICY] = "no_policy",
	[GW_DROP_DISCARD] = "policy_discard",
	[GW_DROP_REPLAYED] = "replayed",
	[GW_DROP_OUTSIDE_WINDOW] = "outside_window",
	[GW_DROP_BAD_ICV] = "bad_icv",
	[GW_DROP_BAD_PADDING] = "bad_padding",
	[GW_DROP_BAD_NEXT_HEADER] = "bad_next_header",
	[GW_DROP_DUMMY] = "dummy",
	[GW_DROP_MALFORMED] = "malformed",
	[GW_DROP_NOT_IPV4] = "not_ipv4",
	[GW_DROP_SA_EXPIRED] = "sa_expired",
	[GW_DROP_DAEMON_REFUSED] = "daemon_refused",
	[GW_DROP_DAEMON_BUSY] = "daemon_busy",
	[GW_DROP_DAEMON_GONE] = "daemon_gone",
	[GW_DROP_NO_ROUTE] = "no_route",
	[GW_DROP_TX_FULL] = "tx_full",
	[GW_DROP_TOO_BIG] = "too_big",
};

static void
sum_drops(const struct gw *g, uint64_t out[GW_DROP_COUNT])
{
	memset(out, 0, sizeof(uint64_t) * GW_DROP_COUNT);
	for (unsigned int l = 0; l < g->nb_lcores; l++)
		for (unsigned int r = 0; r < GW_DROP_COUNT; r++)
			out[r] += g->lcores[l]->drops[r];
}

static void
sum_port(const struct gw *g, unsigned int port, struct gw_port_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int l = 0; l < g->nb_lcores; l++) {
		const struct gw_port_stats *p = &g->lcores[l]->port[port];

		out->rx += p->rx;
		out->tx += p->tx;
		out->rx_esp += p->rx_esp;
		out->tx_esp += p->tx_esp;
		out->dropped += p->dropped;
	}
}

static void
sum_sa(const struct gw *g, unsigned int idx, struct gw_sa_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int l = 0; l < g->nb_lcores; l++) {
		const struct gw_sa_stats *s = &g->lcores[l]->sa_stats[idx];

		out->pkts += s->pkts;
		out->bytes += s->bytes;
		out->replayed += s->replayed;
		out->outside_window += s->outside_window;
		out->bad_icv += s->bad_icv;
		out->bad_padding += s->bad_padding;
		out->expired += s->expired;
	}
}

static int
tel_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint64_t drops[GW_DROP_COUNT];

	(void)cmd;
	(void)params;
	sum_drops(&gw, drops);
	rte_tel_data_start_dict(d);
	for (unsigned int r = 0; r < GW_DROP_COUNT; r++)
		rte_tel_data_add_dict_u64(d, gw_drop_names[r], drops[r]);
	return 0;
}

static int
tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (unsigned int p = 0; p < GW_MAX_PORTS; p++)
		if (gw.opts.portmask & (1u << p))
			rte_tel_data_add_array_int(d, (int)p);
	return 0;
}

static int
tel_port(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct gw_port_stats ps;
	char *end;
	unsigned long p;

	(void)cmd;
	if (params == NULL || *params == '\0')
		return -EINVAL;
	p = strtoul(params, &end, 10);
	if (*end != '\0' || p >= GW_MAX_PORTS || !(gw.opts.portmask & (1u << p)))
		return -EINVAL;
	sum_port(&gw, (unsigned int)p, &ps);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "port", (int)p);
	rte_tel_data_add_dict_string(d, "side", (gw.opts.unprotected_mask & (1u << p)) ?
				     "unprotected" : "protected");
	rte_tel_data_add_dict_u64(d, "rx", ps.rx);
	rte_tel_data_add_dict_u64(d, "tx", ps.tx);
	rte_tel_data_add_dict_u64(d, "rx_esp", ps.rx_esp);
	rte_tel_data_add_dict_u64(d, "tx_esp", ps.tx_esp);
	rte_tel_data_add_dict_u64(d, "dropped", ps.dropped);
	return 0;
}

static int
tel_sa_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned long from = 0;

	(void)cmd;
	if (params && *params) {
		char *end;

		from = strtoul(params, &end, 10);
		if (*end != '\0')
			return -EINVAL;
	}
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	for (unsigned long i = from; i < gw.nb_sa && i < from + GW_SA_LIST_PAGE; i++) {
		char name[32];

		snprintf(name, sizeof(name), "%s,%u", gw.sa[i].dir == GW_DIR_IN ? "in" : "out",
			 gw.sa[i].spi);
		rte_tel_data_add_array_string(d, name);
	}
	return 0;
}

static int
tel_sa(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct gw_sa *sa = NULL;
	struct gw_sa_stats st;
	unsigned int dir;
	unsigned long spi;
	char *end;

	(void)cmd;
	if (params == NULL)
		return -EINVAL;
	if (strncmp(params, "in,", 3) == 0) {
		dir = GW_DIR_IN;
		params += 3;
	} else if (strncmp(params, "out,", 4) == 0) {
		dir = GW_DIR_OUT;
		params += 4;
	} else {
		return -EINVAL;
	}
	spi = strtoul(params, &end, 10);
	if (*end != '\0' || end == params)
		return -EINVAL;
	for (unsigned int i = 0; i < gw.nb_sa; i++)
		if (gw.sa[i].spi == spi && gw.sa[i].dir == dir)
			sa = &gw.sa[i];
	if (sa == NULL)
		return -EINVAL;
	sum_sa(&gw, sa->index, &st);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "spi", sa->spi);
	rte_tel_data_add_dict_string(d, "dir", dir == GW_DIR_IN ? "in" : "out");
	rte_tel_data_add_dict_string(d, "alg", gw_alg_session_name(gw_alg_get(sa->alg), sa->esn));
	rte_tel_data_add_dict_string(d, "mode", sa->mode == GW_MODE_TUNNEL4 ? "ipv4-tunnel" : "transport");
	rte_tel_data_add_dict_int(d, "esn", sa->esn);
	rte_tel_data_add_dict_u64(d, "pkts", st.pkts);
	rte_tel_data_add_dict_u64(d, "bytes", st.bytes);
	rte_tel_data_add_dict_u64(d, "replayed", st.replayed);
	rte_tel_data_add_dict_u64(d, "outside_window", st.outside_window);
	rte_tel_data_add_dict_u64(d, "bad_icv", st.bad_icv);
	rte_tel_data_add_dict_u64(d, "bad_padding", st.bad_padding);
	rte_tel_data_add_dict_u64(d, "expired_drops", st.expired);
	rte_tel_data_add_dict_u64(d, "seq", dir == GW_DIR_OUT ?
				  __atomic_load_n(&sa->seq_out, __ATOMIC_RELAXED) : sa->replay.top);
	rte_tel_data_add_dict_u64(d, "soft_lifetime_events", sa->soft_events);
	rte_tel_data_add_dict_u64(d, "hard_lifetime_events", sa->hard_events);
	rte_tel_data_add_dict_string(d, "state", (sa->flags & GW_SA_F_DEAD) ? "stopped" :
				     (sa->flags & GW_SA_F_SOFT) ? "soft-expired" : "active");
	return 0;
}

static int
tel_summary(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint64_t drops[GW_DROP_COUNT], total = 0, rx = 0, tx = 0, inflight = 0;

	(void)cmd;
	(void)params;
	sum_drops(&gw, drops);
	for (unsigned int r = 0; r < GW_DROP_COUNT; r++)
		total += drops[r];
	for (unsigned int p = 0; p < GW_MAX_PORTS; p++) {
		struct gw_port_stats ps;

		if (!(gw.opts.portmask & (1u << p)))
			continue;
		sum_port(&gw, p, &ps);
		rx += ps.rx;
		tx += ps.tx;
	}
	for (unsigned int l = 0; l < gw.nb_lcores; l++)
		inflight += gw.lcores[l]->inflight;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "rx", rx);
	rte_tel_data_add_dict_u64(d, "tx", tx);
	rte_tel_data_add_dict_u64(d, "dropped", total);
	rte_tel_data_add_dict_u64(d, "inflight", inflight);
	rte_tel_data_add_dict_u64(d, "sas", gw.nb_sa);
	rte_tel_data_add_dict_u64(d, "lcores", gw.nb_lcores);
	rte_tel_data_add_dict_u64(d, "sa_setup_us", (uint64_t)(gw.sa_setup_s * 1e6));
	rte_tel_data_add_dict_int(d, "daemon_up", gw.daemon_up);
	rte_tel_data_add_dict_u64(d, "reconnects", gw.reconnects);
	rte_tel_data_add_dict_u64(d, "last_outage_us", (uint64_t)(gw.last_outage_s * 1e6));
	return 0;
}

static int
tel_lcore(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct gw_lcore *lc;
	uint64_t rx = 0, tx = 0, dropped = 0;
	unsigned long idx;
	char *end;

	(void)cmd;
	if (params == NULL || *params == '\0')
		return -EINVAL;
	idx = strtoul(params, &end, 10);
	if (*end != '\0' || idx >= gw.nb_lcores)
		return -EINVAL;
	lc = gw.lcores[idx];
	for (unsigned int p = 0; p < GW_MAX_PORTS; p++) {
		rx += lc->port[p].rx;
		tx += lc->port[p].tx;
		dropped += lc->port[p].dropped;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "lcore", (int)lc->lcore_id);
	rte_tel_data_add_dict_int(d, "rx_queues", (int)lc->nb_rxq);
	rte_tel_data_add_dict_u64(d, "rx", rx);
	rte_tel_data_add_dict_u64(d, "tx", tx);
	rte_tel_data_add_dict_u64(d, "dropped", dropped);
	rte_tel_data_add_dict_u64(d, "inflight", lc->inflight);
	rte_tel_data_add_dict_u64(d, "slots", lc->nb_slots);
	return 0;
}

int
gw_stats_init(struct gw *g)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} cmds[] = {
		{ "/cryptoeng_gw/summary", tel_summary, "Gateway totals. No parameters." },
		{ "/cryptoeng_gw/drops", tel_drops, "Dropped packets by reason. No parameters." },
		{ "/cryptoeng_gw/ports", tel_ports, "Enabled port ids. No parameters." },
		{ "/cryptoeng_gw/port", tel_port, "Counters of one port. Parameter: port id." },
		{ "/cryptoeng_gw/sa/list", tel_sa_list,
		  "SAs as \"in,SPI\" / \"out,SPI\", 256 at a time. Parameter: first index (default 0)." },
		{ "/cryptoeng_gw/sa", tel_sa, "Counters of one SA. Parameter: in,SPI or out,SPI." },
		{ "/cryptoeng_gw/lcore", tel_lcore,
		  "Counters of one gateway lcore. Parameter: index 0..lcores-1 (not the lcore id)." },
	};
	int rc;

	for (unsigned int l = 0; l < g->nb_lcores; l++) {
		g->lcores[l]->sa_stats = calloc(RTE_MAX(g->nb_sa, 1u), sizeof(struct gw_sa_stats));
		if (g->lcores[l]->sa_stats == NULL)
			return -ENOMEM;
	}
	for (unsigned int i = 0; i < RTE_DIM(cmds); i++) {
		rc = rte_telemetry_register_cmd(cmds[i].cmd, cmds[i].fn, cmds[i].help);
		if (rc) {
			fprintf(stderr, "gateway: telemetry %s: %s\n", cmds[i].cmd, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

void
gw_stats_print(const struct gw *g)
{
	uint64_t drops[GW_DROP_COUNT], rx = 0, tx = 0, esp_in = 0, esp_out = 0, total = 0;
	char why[512];
	size_t n = 0;

	sum_drops(g, drops);
	for (unsigned int p = 0; p < GW_MAX_PORTS; p++) {
		struct gw_port_stats ps;

		if (!(g->opts.portmask & (1u << p)))
			continue;
		sum_port(g, p, &ps);
		rx += ps.rx;
		tx += ps.tx;
		esp_in += ps.rx_esp;
		esp_out += ps.tx_esp;
	}
	why[0] = '\0';
	for (unsigned int r = 0; r < GW_DROP_COUNT; r++) {
		total += drops[r];
		if (drops[r] && n < sizeof(why))
			n += (size_t)snprintf(why + n, sizeof(why) - n, " %s=%" PRIu64,
					      gw_drop_names[r], drops[r]);
	}
	printf("gw: rx %" PRIu64 " tx %" PRIu64 " esp-in %" PRIu64 " esp-out %" PRIu64
	       " dropped %" PRIu64 "%s%s\n", rx, tx, esp_in, esp_out, total, total ? ":" : "", why);
	fflush(stdout);
}
