/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoeng-ipsec-gw: shared state of the gateway (private to gateway/).
 */
#ifndef GW_H
#define GW_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "cryptoeng.h"
#include "gw_esp.h"
#include "gw_parse.h"

#define GW_MAX_PORTS	32
#define GW_MAX_LCORES	64
#define GW_MAX_RXQ	16	/**< RX queues one lcore polls */
#define GW_BURST	32
#define GW_CQ_BURST	64

/** Drop reasons: each counted per lcore, summed for telemetry. */
enum gw_drop {
	GW_DROP_NO_SA,		/**< ESP with an SPI (or outer addresses) no inbound SA has */
	GW_DROP_NO_POLICY,	/**< no SP matched, or a clear packet matched protect */
	GW_DROP_DISCARD,	/**< an SP said discard */
	GW_DROP_REPLAYED,	/**< sequence number already accepted */
	GW_DROP_OUTSIDE_WINDOW,	/**< left of the replay window */
	GW_DROP_BAD_ICV,	/**< the daemon said -EBADMSG */
	GW_DROP_BAD_PADDING,	/**< pad length or pad bytes wrong */
	GW_DROP_BAD_NEXT_HEADER,/**< tunnel payload not IPv4 */
	GW_DROP_DUMMY,		/**< next header 59 (RFC 4303 §2.6): dropped by design */
	GW_DROP_MALFORMED,	/**< short, truncated, fragment, multi-segment, bad IPv4 */
	GW_DROP_NOT_IPV4,	/**< not an IPv4 frame (ARP, IPv6, ...) */
	GW_DROP_SA_EXPIRED,	/**< hard lifetime reached or sequence numbers exhausted */
	GW_DROP_DAEMON_REFUSED,	/**< a completion with an error other than -EBADMSG */
	GW_DROP_DAEMON_BUSY,	/**< SQ full or no credits: descriptor not taken */
	GW_DROP_DAEMON_GONE,	/**< in flight or arriving while the daemon is away */
	GW_DROP_NO_ROUTE,	/**< no rt line for the destination, or a port not enabled */
	GW_DROP_TX_FULL,	/**< the TX queue refused it */
	GW_DROP_TOO_BIG,	/**< no head/tailroom for the ESP framing */
	GW_DROP_COUNT
};

/** Names of enum gw_drop, as telemetry and the summary show them. */
extern const char *const gw_drop_names[GW_DROP_COUNT];

/** Per-SA counters, one copy per lcore. */
struct gw_sa_stats {
	uint64_t pkts;
	uint64_t bytes;		/**< inner bytes protected or recovered */
	uint64_t replayed;
	uint64_t outside_window;
	uint64_t bad_icv;
	uint64_t bad_padding;
	uint64_t expired;	/**< dropped: hard lifetime / sequence exhausted */
	uint64_t rsvd;
};

/** Per-port counters, one copy per lcore. */
struct gw_port_stats {
	uint64_t rx;
	uint64_t tx;
	uint64_t rx_esp;
	uint64_t tx_esp;
	uint64_t dropped;	/**< dropped after being received on this port */
	uint64_t rsvd[3];
};

#define GW_SA_F_SOFT	0x1u	/**< soft lifetime reached (reported) */
#define GW_SA_F_DEAD	0x2u	/**< hard lifetime or sequence exhaustion: stopped */

/** One SA at run time. */
struct gw_sa {
	uint32_t spi;
	uint8_t dir;
	uint8_t mode;
	uint8_t alg;
	uint8_t iv_len;
	uint8_t icv_len;
	uint8_t block;
	bool aead;
	bool esn;
	uint32_t tun_src, tun_dst;	/**< host order */
	uint32_t index;			/**< in gw.sa[] */
	uint32_t session;		/**< daemon session handle */
	bool has_session;
	uint64_t seq_init;		/**< `esn N` */
	uint64_t life_pkts_soft, life_pkts_hard;
	uint64_t life_bytes_soft, life_bytes_hard;
	unsigned int line;

	/* Outbound: shared by every lcore that sends on this SA. */
	uint64_t seq_out __rte_cache_aligned;	/**< last sequence number taken (atomic) */
	uint64_t bytes_out;			/**< atomic, only with a byte lifetime */
	uint32_t flags;				/**< GW_SA_F_* (atomic or) */
	uint32_t soft_events, hard_events;

	/* Inbound: one lcore (RSS keeps one SA's outer addresses on one queue). */
	struct gw_replay replay __rte_cache_aligned;
	uint64_t in_pkts, in_bytes;		/**< for the lifetimes */
};

/** Per-packet state kept in the mbuf's private area (it lives in the arena). */
struct gw_meta {
	/** ESN AAD: SPI || seq hi || seq lo, then (authencesn) the IV; 32 readable bytes. */
	uint8_t aad[32];
	struct gw_sa *sa;
	uint64_t seq;		/**< full sequence number */
	uint16_t l3_len;	/**< outbound: inner length; inbound: ciphertext length */
	uint16_t ihl;		/**< inbound: outer IPv4 header length */
	uint16_t payload_off;	/**< inbound: ciphertext offset from the IPv4 header */
	uint8_t in_port;
	uint8_t dir;
};

/** The SP lookup key of a packet: network byte order, rte_acl's layout
 * (the first field one byte, then 4-byte groups). */
struct gw_acl_key {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t src;
	uint32_t dst;
	uint16_t sport;
	uint16_t dport;
};

/** One RX queue an lcore polls. */
struct gw_rxq {
	uint16_t port;
	uint16_t queue;
};

/** Per-lcore state. */
struct gw_lcore {
	unsigned int lcore_id;
	unsigned int idx;		/**< 0..nb_lcores-1: TX queue and stats slot */
	unsigned int nb_rxq;
	struct gw_rxq rxq[GW_MAX_RXQ];
	struct ce_qp *qp;
	uint32_t inflight;		/**< descriptors submitted, not completed */
	/* Packets with the daemon, by cookie: a daemon that goes away answers
	 * none of them, and the gateway must still free each one. */
	struct rte_mbuf **slot;		/**< nb_slots entries, NULL = free */
	uint32_t *free_slot;		/**< stack of free slot indices */
	uint32_t nb_slots, nb_free;
	uint32_t seen_gen;		/**< gw.gen this lcore has reclaimed for */
	volatile bool paused;		/**< parked while the control thread swaps pools */
	volatile bool notice;		/**< the daemon said it stops (CQE notice) */
	uint8_t rnd[4096];		/**< CSPRNG output for CBC IVs */
	uint32_t rnd_used;
	uint8_t rnd_seed[32];
	uint64_t drops[GW_DROP_COUNT];
	struct gw_port_stats port[GW_MAX_PORTS];
	struct gw_sa_stats *sa_stats;	/**< gw.nb_sa entries */
	struct rte_eth_dev_tx_buffer *txb[GW_MAX_PORTS];
} __rte_cache_aligned;

/** Command-line options (ipsec-secgw's, and ours). */
struct gw_opts {
	uint32_t portmask;
	uint32_t unprotected_mask;
	bool promiscuous;
	bool esn;
	uint32_t replay_window;
	uint32_t nb_mbufs;		/**< -s, 0 = computed */
	uint32_t frame_size;		/**< -j, 0 = default */
	uint32_t stats_interval;	/**< -t / --stats seconds, 0 = off */
	uint32_t desc_nb;		/**< --desc-nb: SQ entries, 0 = default */
	const char *cfg_file;
	const char *socket;		/**< --socket, NULL = libcryptoeng's default */
	bool null_crypto;		/**< --null-crypto: bench only, ecb(cipher_null) sessions */
	unsigned int nb_lcore_params;
	struct {
		uint16_t port;
		uint16_t queue;
		uint16_t lcore;
	} lcore_params[GW_MAX_PORTS * GW_MAX_RXQ];
};

/** What one daemon connection owns: the client, its region's packet pool. */
struct gw_attach {
	struct ce_client *client;
	struct rte_mempool *pool;
	void *pool_mem;
	size_t pool_mem_len;
	uint64_t arena_delta;
};

/** The gateway. */
struct gw {
	struct gw_opts opts;
	struct gw_config cfg;

	unsigned int nb_sa;
	struct gw_sa *sa;		/**< cfg.nb_sa entries, same order */
	struct rte_ipsec_sad *sad;	/**< inbound SAs by SPI */
	struct rte_acl_ctx *acl[2];	/**< SPs per enum gw_dir, NULL when none */
	/** Per SP rule (ACL userdata - 1): action and SA. */
	struct gw_sp_rt {
		uint8_t action;
		struct gw_sa *sa;
		uint32_t spi;
	} *sp;
	struct rte_lpm *lpm;
	struct rte_ether_addr neigh[GW_MAX_PORTS];
	struct rte_ether_addr port_mac[GW_MAX_PORTS];
	uint16_t nb_txq;

	struct gw_attach cur;		/**< the daemon connection in use */
	uint64_t arena_delta;		/**< region offset = address + arena_delta */

	unsigned int nb_lcores;
	struct gw_lcore *lcores[GW_MAX_LCORES];	/**< by idx */
	struct gw_lcore *by_lcore[RTE_MAX_LCORE];

	volatile bool quit;
	/* The daemon connection, watched by a control thread (gw_conn.c). */
	volatile bool daemon_up;	/**< false: crypto packets dropped as daemon_gone */
	volatile uint32_t gen;		/**< +1 each time the daemon is found gone */
	volatile bool pause;		/**< lcores park (no RX) while ports get a new pool */
	uint32_t reconnects;
	double last_outage_s;		/**< gone -> serving again, last time */
	uint64_t start_tsc;
	double sa_setup_s;		/**< measured session set-up time */
};

extern struct gw gw;

/* gw_opts.c */
int gw_opts_parse(struct gw_opts *o, int argc, char **argv);
void gw_opts_usage(const char *prog);

/* gw_setup.c */
int gw_setup_tables(struct gw *g);
int gw_daemon_attach(struct gw *g, struct gw_attach *a, unsigned int gen, bool quiet);
void gw_daemon_detach(struct gw_attach *a);
int gw_qps_create(struct gw *g);
int gw_setup_ports(struct gw *g);
int gw_ports_repool(struct gw *g);
void gw_teardown(struct gw *g);

/* gw_conn.c */
int gw_conn_start(struct gw *g);
void gw_conn_stop(struct gw *g);

/* gw_dp.c */
int gw_lcore_main(void *arg);

/* gw_stats.c */
int gw_stats_init(struct gw *g);
void gw_stats_print(const struct gw *g);

#endif /* GW_H */
