/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Command line: ipsec-secgw's application options (after EAL's "--") for
 * what the gateway does, its other options refused by name, and ours
 * (--socket, --stats).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw.h"

enum {
	OPT_CONFIG = 256,
	OPT_SOCKET,
	OPT_STATS,
	OPT_DESC_NB,
	OPT_TRANSFER_MODE,
	OPT_NULL_CRYPTO,
	OPT_UNSUPPORTED,
};

static const struct option gw_lgopts[] = {
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "desc-nb", required_argument, NULL, OPT_DESC_NB },
	{ "transfer-mode", required_argument, NULL, OPT_TRANSFER_MODE },
	{ "null-crypto", no_argument, NULL, OPT_NULL_CRYPTO },
	/* ipsec-secgw's options the gateway does not have. */
	{ "single-sa", required_argument, NULL, OPT_UNSUPPORTED },
	{ "cryptodev_mask", required_argument, NULL, OPT_UNSUPPORTED },
	{ "event-schedule-type", required_argument, NULL, OPT_UNSUPPORTED },
	{ "rxoffload", required_argument, NULL, OPT_UNSUPPORTED },
	{ "txoffload", required_argument, NULL, OPT_UNSUPPORTED },
	{ "reassemble", required_argument, NULL, OPT_UNSUPPORTED },
	{ "mtu", required_argument, NULL, OPT_UNSUPPORTED },
	{ "frag-ttl", required_argument, NULL, OPT_UNSUPPORTED },
	{ "event-vector", no_argument, NULL, OPT_UNSUPPORTED },
	{ "vector-size", required_argument, NULL, OPT_UNSUPPORTED },
	{ "vector-tmo", required_argument, NULL, OPT_UNSUPPORTED },
	{ "vector-pool-sz", required_argument, NULL, OPT_UNSUPPORTED },
	{ "per-port-pool", no_argument, NULL, OPT_UNSUPPORTED },
	{ NULL, 0, NULL, 0 },
};

void
gw_opts_usage(const char *prog)
{
	fprintf(stderr,
		"%s [EAL options] -- -p PORTMASK [-P] [-u PORTMASK] [-j FRAMESIZE] [-l]\n"
		"  [-w REPLAY_WINDOW_SIZE] [-e] [-a] [-c SAD_CACHE] [-t STATS_INTERVAL]\n"
		"  [-s NUMBER_OF_MBUFS_IN_PKT_POOL] -f CONFIG_FILE\n"
		"  --config (port,queue,lcore)[,(port,queue,lcore)]\n"
		"  [--desc-nb NUMBER_OF_DESC] [--transfer-mode poll]\n"
		"  [--socket PATH] [--stats SECONDS]\n\n"
		"  -p PORTMASK: hexadecimal bitmask of ports to configure\n"
		"  -P: promiscuous mode\n"
		"  -u PORTMASK: hexadecimal bitmask of unprotected ports (where ESP arrives)\n"
		"  -j FRAMESIZE: mbuf data room (default and minimum %u)\n"
		"  -l: accepted; the gateway has one code path (librte_ipsec's behaviour)\n"
		"  -w REPLAY_WINDOW_SIZE: 0 (no replay check) or %u..%u (default %u)\n"
		"  -e: ESN (64-bit sequence numbers)\n"
		"  -a: accepted; sequence numbers are always atomic\n"
		"  -c: accepted and ignored (rte_ipsec_sad has no cache to size)\n"
		"  -t / --stats SECONDS: one-line summary every SECONDS (0 = off)\n"
		"  -s: number of mbufs in the packet pool (in the daemon's shared arena)\n"
		"  -f CONFIG_FILE: sa/sp/rt/neigh lines in ipsec-secgw's syntax\n"
		"  --config (port,queue,lcore): RX queue to lcore map\n"
		"  --desc-nb N: libcryptoeng SQ entries per lcore (power of two, default 1024)\n"
		"  --socket PATH: cryptoengd's socket (default $" CE_SOCKET_ENV " or " CE_DEFAULT_SOCKET ")\n"
		"  --null-crypto: benchmark only: every SA's session is ecb(cipher_null) (the\n"
		"    daemon's null backend), so packets are framed but NOT protected\n"
		"Not supported (refused): --single-sa, --cryptodev_mask, --event-schedule-type,\n"
		"  --rxoffload, --txoffload, --reassemble, --mtu, --frag-ttl, --event-vector,\n"
		"  --vector-size, --vector-tmo, --vector-pool-sz, --per-port-pool,\n"
		"  --transfer-mode event\n",
		prog, RTE_MBUF_DEFAULT_BUF_SIZE, GW_REPLAY_MIN, GW_REPLAY_MAX, GW_REPLAY_MIN);
}

static int
opts_u32(const char *s, int base, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || end == s || *end != '\0' || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* "(port,queue,lcore),(port,queue,lcore)" */
static int
opts_config(struct gw_opts *o, const char *arg)
{
	const char *p = arg;

	o->nb_lcore_params = 0;
	while (*p) {
		unsigned int port, queue, lcore;
		int n = 0;

		if (sscanf(p, " (%u , %u , %u )%n", &port, &queue, &lcore, &n) != 3 || n == 0) {
			fprintf(stderr, "--config: \"%s\": expected (port,queue,lcore)[,...]\n", p);
			return -EINVAL;
		}
		if (port >= GW_MAX_PORTS || queue >= GW_MAX_RXQ || lcore >= RTE_MAX_LCORE) {
			fprintf(stderr, "--config: (%u,%u,%u): port < %u, queue < %u, lcore < %u\n",
				port, queue, lcore, GW_MAX_PORTS, GW_MAX_RXQ, RTE_MAX_LCORE);
			return -EINVAL;
		}
		if (o->nb_lcore_params == RTE_DIM(o->lcore_params)) {
			fprintf(stderr, "--config: more than %zu entries\n", RTE_DIM(o->lcore_params));
			return -EINVAL;
		}
		o->lcore_params[o->nb_lcore_params].port = (uint16_t)port;
		o->lcore_params[o->nb_lcore_params].queue = (uint16_t)queue;
		o->lcore_params[o->nb_lcore_params].lcore = (uint16_t)lcore;
		o->nb_lcore_params++;
		p += n;
		while (*p == ' ')
			p++;
		if (*p == ',')
			p++;
		else if (*p) {
			fprintf(stderr, "--config: \"%s\": expected ',' between entries\n", p);
			return -EINVAL;
		}
	}
	if (o->nb_lcore_params == 0) {
		fprintf(stderr, "--config: empty\n");
		return -EINVAL;
	}
	return 0;
}

int
gw_opts_parse(struct gw_opts *o, int argc, char **argv)
{
	const char *prog = argv[0];
	int opt, idx;

	memset(o, 0, sizeof(*o));
	o->replay_window = GW_REPLAY_MIN;
	optind = 1;
	opterr = 1;
	while ((opt = getopt_long(argc, argv, "p:Pu:f:w:eaj:lc:t:s:h", gw_lgopts, &idx)) != -1) {
		switch (opt) {
		case 'p':
			if (opts_u32(optarg, 16, UINT32_MAX, &o->portmask) || o->portmask == 0) {
				fprintf(stderr, "-p: invalid portmask \"%s\"\n", optarg);
				return -EINVAL;
			}
			break;
		case 'P':
			o->promiscuous = true;
			break;
		case 'u':
			if (opts_u32(optarg, 16, UINT32_MAX, &o->unprotected_mask) ||
			    o->unprotected_mask == 0) {
				fprintf(stderr, "-u: invalid unprotected portmask \"%s\"\n", optarg);
				return -EINVAL;
			}
			break;
		case 'f':
			if (o->cfg_file) {
				fprintf(stderr, "\"-f\" option present more than once\n");
				return -EINVAL;
			}
			o->cfg_file = optarg;
			break;
		case 'w':
			if (opts_u32(optarg, 10, GW_REPLAY_MAX, &o->replay_window) ||
			    (o->replay_window && o->replay_window < GW_REPLAY_MIN)) {
				fprintf(stderr, "-w: replay window \"%s\": 0 or %u..%u\n", optarg,
					GW_REPLAY_MIN, GW_REPLAY_MAX);
				return -EINVAL;
			}
			break;
		case 'e':
			o->esn = true;
			break;
		case 'a':
		case 'l':
			break;
		case 'c': {
			uint32_t unused;

			if (opts_u32(optarg, 10, UINT32_MAX, &unused)) {
				fprintf(stderr, "-c: invalid SAD cache size \"%s\"\n", optarg);
				return -EINVAL;
			}
			break;
		}
		case 'j':
			if (opts_u32(optarg, 10, UINT16_MAX, &o->frame_size) ||
			    o->frame_size < RTE_MBUF_DEFAULT_BUF_SIZE) {
				fprintf(stderr, "-j: frame size \"%s\": %u..%u\n", optarg,
					RTE_MBUF_DEFAULT_BUF_SIZE, UINT16_MAX);
				return -EINVAL;
			}
			break;
		case 't':
		case OPT_STATS:
			if (opts_u32(optarg, 10, 86400, &o->stats_interval)) {
				fprintf(stderr, "%s: statistics interval \"%s\": 0..86400 seconds\n",
					opt == 't' ? "-t" : "--stats", optarg);
				return -EINVAL;
			}
			break;
		case 's':
			if (opts_u32(optarg, 10, 1u << 24, &o->nb_mbufs) || o->nb_mbufs < 1024) {
				fprintf(stderr, "-s: number of mbufs \"%s\": 1024..%u\n", optarg, 1u << 24);
				return -EINVAL;
			}
			break;
		case OPT_CONFIG:
			if (opts_config(o, optarg))
				return -EINVAL;
			break;
		case OPT_SOCKET:
			o->socket = optarg;
			break;
		case OPT_DESC_NB:
			if (opts_u32(optarg, 10, 65536, &o->desc_nb) || o->desc_nb < 64 ||
			    (o->desc_nb & (o->desc_nb - 1))) {
				fprintf(stderr, "--desc-nb: \"%s\": a power of two, 64..65536\n", optarg);
				return -EINVAL;
			}
			break;
		case OPT_NULL_CRYPTO:
			o->null_crypto = true;
			break;
		case OPT_TRANSFER_MODE:
			if (strcmp(optarg, "poll") != 0) {
				fprintf(stderr, "--transfer-mode %s: not supported (poll only)\n", optarg);
				return -EINVAL;
			}
			break;
		case OPT_UNSUPPORTED:
			fprintf(stderr, "option --%s is not supported by cryptoeng-ipsec-gw\n",
				gw_lgopts[idx].name);
			return -ENOTSUP;
		case 'h':
			gw_opts_usage(prog);
			return -EINTR;
		default:
			/* getopt printed what was wrong. */
			gw_opts_usage(prog);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "unexpected argument \"%s\"\n", argv[optind]);
		return -EINVAL;
	}
	if (o->portmask == 0) {
		fprintf(stderr, "-p PORTMASK is required\n");
		return -EINVAL;
	}
	if (o->cfg_file == NULL) {
		fprintf(stderr, "-f CONFIG_FILE is required\n");
		return -EINVAL;
	}
	if (o->nb_lcore_params == 0) {
		fprintf(stderr, "--config (port,queue,lcore) is required\n");
		return -EINVAL;
	}
	if (o->unprotected_mask & ~o->portmask) {
		fprintf(stderr, "-u 0x%x names ports not in -p 0x%x\n", o->unprotected_mask, o->portmask);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < o->nb_lcore_params; i++) {
		if (!(o->portmask & (1u << o->lcore_params[i].port))) {
			fprintf(stderr, "--config: port %u is not in -p 0x%x\n",
				o->lcore_params[i].port, o->portmask);
			return -EINVAL;
		}
	}
	return 0;
}
