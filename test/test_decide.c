/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * The decision tables of the specification (macvlan-semantics.md, section
 * 6), row by row and mode by mode, each asserting the exact delivery set:
 * which endpoints get a copy, whether the frame goes to the wire, whether
 * the host gets it.
 *
 * The world: endpoint 0 is the sender S (tables 6.1, 6.3) or the receiver R
 * (table 6.2), in the mode under test. Beside it stand one up endpoint of
 * each other mode -- P private, V vepa, B bridge, SRC source -- and DN, a
 * bridge endpoint that is down. A passthru endpoint stands alone, as Linux
 * requires. "With hairpin" means the external switch reflects what goes to
 * the wire: the reflected copy is decided as a frame received on the lower.
 *
 * deliver() runs each frame through the worker's own code, not the engine
 * alone: mvt_worker_process() classifies it against a real MAC table built
 * from the world, decides, runs the relay with --hairpin (deliver_relay)
 * and dispatches; the broadcast queue is drained by mvt_worker_main(). The
 * lower and the host port are ring ports, and the endpoints vhost-user
 * devices that are not connected, so every copy for an endpoint is counted
 * as its not_ready drop: the counts are exact, duplicates included. With
 * hairpin, what the worker transmitted on the lower is taken off its ring
 * and received again, as a reflecting switch would send it back.
 */

#include <inttypes.h>
#include <string.h>

#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "mvt_decide.h"
#include "mvt_mactable.h"
#include "mvt_port.h"
#include "mvt_vlan.h"
#include "mvt_worker.h"
#include "test.h"

enum { S = 0, P = 1, V = 2, B = 3, SRC = 4, DN = 5, N_EPS = 6 };

#define BIT(id) (1u << (id))
#define MAC(n) (UINT64_C(0x000000000002) | (uint64_t)(n) << 40)
#define MAC_EXT UINT64_C(0x01000000ee02) /* 02:ee:00:00:00:01, external */
#define MAC_UNKNOWN UINT64_C(0x990000000002) /* nobody's */
#define MAC_LOWER UINT64_C(0x000000001102) /* the lower device's own */
#define MAC_MCAST UINT64_C(0x0100005e0001) /* 01:00:5e:00:01:00 */
#define MAC_MCAST2 UINT64_C(0x0200005e0001) /* 01:00:5e:00:02:00 */
#define MAC_HOST UINT64_C(0x000000002202) /* the host port's */
#define MAC_STP UINT64_C(0x0000c28001) /* 01:80:c2:00:00:00 */

static const unsigned int modes[] = {
	MVT_MODE_PRIVATE, MVT_MODE_VEPA, MVT_MODE_BRIDGE, MVT_MODE_PASSTHRU,
	MVT_MODE_SOURCE,
};
#define N_MODES RTE_DIM(modes)

struct world {
	struct mvt_ep_table t;
	unsigned int n_macs;
	struct {
		uint64_t mac;
		struct mvt_mac_entry e;
	} macs[16];
};

static struct world w;

static struct mvt_mac_entry *
w_entry(uint64_t mac, int create)
{
	unsigned int i;

	for (i = 0; i < w.n_macs; i++)
		if (w.macs[i].mac == mac)
			return &w.macs[i].e;
	if (!create)
		return NULL;
	w.macs[i].mac = mac;
	memset(&w.macs[i].e, 0, sizeof(w.macs[i].e));
	w.macs[i].e.owner = MVT_EP_NONE;
	w.n_macs++;
	return &w.macs[i].e;
}

static void
w_add_ep(uint16_t id, unsigned int mode, int up)
{
	struct mvt_ep_state *e = &w.t.ep[id];

	e->mac = MAC(id + 1);
	e->mode = (uint8_t)mode;
	e->up = (uint8_t)up;
	e->mc_all = 1;
	w_entry(e->mac, 1)->owner = id;
	if (id >= w.t.n_eps)
		w.t.n_eps = id + 1;
	mvt_ep_table_derive(&w.t, 0, 0);
}

static void
w_list_source(uint16_t lister, uint64_t sender, int nodst)
{
	struct mvt_mac_entry *e = w_entry(sender, 1);

	e->listers[e->n_listers++] = lister;
	w.t.ep[lister].nodst = (uint8_t)nodst;
	w.t.ep[lister].n_src++;
	mvt_ep_table_derive(&w.t, 0, 0);
}

/* Endpoint 0 in @p mode; the others beside it unless it is passthru. */
static void
w_build(unsigned int mode)
{
	memset(&w, 0, sizeof(w));
	w_add_ep(S, mode, 1);
	if (mode == MVT_MODE_PASSTHRU)
		return;
	w_add_ep(P, MVT_MODE_PRIVATE, 1);
	w_add_ep(V, MVT_MODE_VEPA, 1);
	w_add_ep(B, MVT_MODE_BRIDGE, 1);
	w_add_ep(SRC, MVT_MODE_SOURCE, 1);
	w_add_ep(DN, MVT_MODE_BRIDGE, 0);
}

/* Accept only @p group (0: none) on endpoint @p id. */
static void
w_mc_only(uint16_t id, uint64_t group)
{
	w.t.ep[id].mc_all = 0;
	w.t.ep[id].n_mc = group != 0;
	w.t.mc[id][0] = group;
}

struct outcome {
	uint32_t eps;		/* endpoints that got one copy or more */
	int wire;
	int host;
	int drop;
	unsigned int dups;	/* endpoint copies beyond the first */
};

/* The pipeline around the world: ports, MAC table, one worker. */
static struct {
	struct rte_mempool *mp;
	struct mvt_port lower, host;
	struct rte_ring *ring[2][2];	/* [lower, host][rx, tx] */
	struct mvt_lcore_stats *stats;
	struct mvt_dp dp;
	struct mvt_worker *w;
	int ready;
} pl;

/* Stop mvt_worker_main() once the broadcast queue is empty. */
static uint16_t
pl_watch(uint16_t port_id, uint16_t queue, struct rte_mbuf **pkts,
	uint16_t nb_pkts, uint16_t max_pkts, void *arg)
{
	struct mvt_worker_info wi;

	RTE_SET_USED(port_id);
	RTE_SET_USED(queue);
	RTE_SET_USED(pkts);
	RTE_SET_USED(max_pkts);
	RTE_SET_USED(arg);
	mvt_worker_get_info(pl.w, &wi);
	if (wi.bcast_queued == 0)
		__atomic_store_n(&pl.dp.quit, 1, __ATOMIC_RELAXED);
	return nb_pkts;
}

static int
pl_port(unsigned int i, const char *name, struct mvt_port *l)
{
	char err[MVT_ERR_MAX], dev[RTE_ETH_NAME_MAX_LEN];
	unsigned int j;

	for (j = 0; j < 2; j++) {
		snprintf(dev, sizeof(dev), "%s_%s", name, j == 0 ? "rx" : "tx");
		/* more than one poll of the lower takes (test_wire_bursts) */
		pl.ring[i][j] = rte_ring_create(dev, 1024, rte_socket_id(),
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (pl.ring[i][j] == NULL)
			return -1;
	}
	if (rte_eth_from_rings(name, &pl.ring[i][0], 1, &pl.ring[i][1], 1,
			rte_socket_id()) < 0)
		return -1;
	snprintf(dev, sizeof(dev), "net_ring_%s", name);
	if (mvt_port_open_ethdev(l, "--lower", dev, 1, MVT_MTU, pl.mp, err,
			sizeof(err)) != 0) {
		printf("%s\n", err);
		return -1;
	}
	return 0;
}

/* Once per run: the pool, the data path, the lower and host ports. */
static int
pl_setup(void)
{
	if (pl.ready)
		return 0;
	pl.mp = rte_pktmbuf_pool_create("decide_mbufs", 1023, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	pl.stats = rte_zmalloc("decide_stats", sizeof(*pl.stats),
		RTE_CACHE_LINE_SIZE);
	if (pl.mp == NULL || pl.stats == NULL ||
			mvt_dp_init(&pl.dp, "decide", 1, 64, pl.mp) != 0)
		return -1;
	if (pl_port(0, "decide_lower", &pl.lower) != 0 ||
			pl_port(1, "decide_host", &pl.host) != 0)
		return -1;
	if (rte_eth_add_rx_callback(pl.lower.eth.port_id, 0, pl_watch,
			NULL) == NULL)
		return -1;
	pl.dp.lower = &pl.lower;
	pl.dp.host = &pl.host;
	pl.w = mvt_worker_create(&pl.dp, 0, rte_lcore_id(), pl.stats);
	if (pl.w == NULL)
		return -1;
	pl.ready = 1;
	return 0;
}

/* The MAC table of the world, as mvt_switch.c fills it. */
static int
pl_mactable(void)
{
	unsigned int i, j;
	int ret = 0;

	mvt_mactable_free(pl.dp.mt);
	pl.dp.mt = mvt_mactable_create("decide_macs", 64, rte_socket_id(),
		pl.dp.qsbr);
	if (pl.dp.mt == NULL)
		return -1;
	for (i = 0; ret == 0 && i < w.n_macs; i++) {
		if (w.macs[i].e.owner != MVT_EP_NONE)
			ret = mvt_mactable_set_owner(pl.dp.mt, w.macs[i].mac,
				w.macs[i].e.owner);
		for (j = 0; ret == 0 && j < w.macs[i].e.n_listers; j++)
			ret = mvt_mactable_add_lister(pl.dp.mt, w.macs[i].mac,
				w.macs[i].e.listers[j]);
	}
	return ret;
}

/* Run @p n frames from @p ingress, then drain the broadcast queue. */
static void
pl_run(uint16_t ingress, struct rte_mbuf **pkts, uint16_t n)
{
	pl.dp.tbl = &w.t;
	mvt_worker_process(pl.w, &w.t, ingress, pkts, n);
	__atomic_store_n(&pl.dp.quit, 0, __ATOMIC_RELAXED);
	mvt_worker_main(pl.w);
}

/* What went where, from the counters of a pass. */
static void
pl_collect(const struct mvt_lcore_stats *b, uint16_t ingress,
	struct outcome *o, unsigned int *copies)
{
	const struct mvt_port_counters *now, *was;
	unsigned int port, r;
	uint16_t id;

	for (id = 0; id < N_EPS; id++) {
		copies[id] += pl.stats->port[id].drops[MVT_DROP_NOT_READY] -
			b->port[id].drops[MVT_DROP_NOT_READY];
	}
	o->host |= pl.stats->port[MVT_PORT_HOST].tx_packets !=
		b->port[MVT_PORT_HOST].tx_packets;
	port = ingress == MVT_INGRESS_LOWER ? MVT_PORT_LOWER :
		ingress == MVT_INGRESS_HOST ? MVT_PORT_HOST : ingress;
	now = &pl.stats->port[port];
	was = &b->port[port];
	/* the engine's reasons, not the dispatch's own */
	for (r = 0; r < MVT_DROP_MAX; r++)
		if (now->drops[r] != was->drops[r] && r != MVT_DROP_NOT_READY &&
				r != MVT_DROP_NO_DEST &&
				r != MVT_DROP_BCAST_QUEUE)
			o->drop = (int)r;
}

static struct rte_mbuf *
pl_frame(uint64_t dst, uint64_t src, uint16_t ethertype)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pl.mp);
	uint8_t *d;

	if (m == NULL)
		return NULL;
	d = (uint8_t *)rte_pktmbuf_append(m, 64);
	memset(d, 0, 64);
	mvt_mac_store6(dst, d);
	mvt_mac_store6(src, d + 6);
	d[12] = (uint8_t)(ethertype >> 8);
	d[13] = (uint8_t)ethertype;
	return m;
}

/* One pass of deliver_path(): a frame through the worker, who got it. */
static struct outcome
deliver_pass(struct mvt_lcore_stats *b, uint16_t ingress, uint64_t dst,
	uint64_t src, int hairpin, uint16_t ethertype)
{
	unsigned int copies[N_EPS] = { 0 };
	struct outcome o = { 0 };
	struct rte_mbuf *pkts[MVT_BURST];
	unsigned int n;
	uint16_t id;

	pkts[0] = pl_frame(dst, src, ethertype);
	if (pkts[0] == NULL) {
		o.drop = -1;
		return o;
	}
	memcpy(b, pl.stats, sizeof(*b));
	pl_run(ingress, pkts, 1);
	pl_collect(b, ingress, &o, copies);
	n = rte_ring_dequeue_burst(pl.ring[0][1], (void **)pkts, MVT_BURST,
		NULL);
	o.wire = n > 0;
	if (hairpin && n > 0) {
		memcpy(b, pl.stats, sizeof(*b));
		pl_run(MVT_INGRESS_LOWER, pkts, (uint16_t)n);
		pl_collect(b, MVT_INGRESS_LOWER, &o, copies);
	} else if (n > 0) {
		rte_pktmbuf_free_bulk(pkts, n);
	}
	/* the host port's copies are counted; the frames are not needed */
	while ((n = rte_ring_dequeue_burst(pl.ring[1][1], (void **)pkts,
			MVT_BURST, NULL)) > 0)
		rte_pktmbuf_free_bulk(pkts, n);
	for (id = 0; id < N_EPS; id++) {
		if (copies[id] > 0)
			o.eps |= BIT(id);
		if (copies[id] > 1)
			o.dups += copies[id] - 1;
	}
	return o;
}

static int
same_outcome(struct outcome a, struct outcome b)
{
	return a.eps == b.eps && a.wire == b.wire && a.host == b.host &&
		a.drop == b.drop && a.dups == b.dups;
}

/*
 * Send one frame from @p ingress through the worker and collect who gets
 * it; @p relay: with the switch's own relay (--hairpin); @p hairpin: what
 * goes to the wire comes back, as from a reflecting switch. The same frame
 * is sent a second time, and must go where the first went: the first
 * leaves its verdict in the worker's verdict cache, where the cache serves
 * (mvt_vcache.h), and the second takes it from there.
 */
static struct outcome
deliver_path(uint16_t ingress, uint64_t dst, uint64_t src, int hairpin,
	int relay, uint16_t ethertype)
{
	struct mvt_lcore_stats *b = malloc(sizeof(*b));
	struct outcome o = { .drop = -1 }, again;

	if (b == NULL || pl_setup() != 0 || pl_mactable() != 0) {
		free(b);
		return o;
	}
	pl.dp.hairpin = (uint8_t)relay;
	o = deliver_pass(b, ingress, dst, src, hairpin, ethertype);
	again = deliver_pass(b, ingress, dst, src, hairpin, ethertype);
	if (!same_outcome(o, again)) {
		printf("sent again, the frame to %012" PRIx64 " went elsewhere: endpoints %#x then %#x, wire %d then %d, host %d then %d, drop %d then %d\n",
			dst, o.eps, again.eps, o.wire, again.wire, o.host,
			again.host, o.drop, again.drop);
		o.drop = -1;
	}
	free(b);
	return o;
}

static struct outcome
deliver(uint16_t ingress, uint64_t dst, uint64_t src, int hairpin,
	uint16_t ethertype)
{
	return deliver_path(ingress, dst, src, hairpin, 0, ethertype);
}

static int
check(const char *row, unsigned int mode, struct outcome o, int wire,
	int host, uint32_t eps)
{
	if (o.wire == wire && o.host == host && o.eps == eps && o.dups == 0 &&
			o.drop >= 0)
		return TEST_SUCCESS;
	printf("  %s, %s: got wire=%d host=%d eps=0x%02x dups=%u%s, expected wire=%d host=%d eps=0x%02x, one copy each\n",
		row, mvt_mode_name(mode), o.wire, o.host, o.eps, o.dups,
		o.drop < 0 ? " (setup failed)" : "", wire, host, eps);
	return TEST_FAILED;
}

/* An expected delivery: applicable, wire, host, endpoints. */
struct exp {
	int applies;
	int wire;
	int host;
	uint32_t eps;
};

#define NA { 0, 0, 0, 0 }
#define E(wire, host, eps) { 1, wire, host, eps }

/*
 * One row of table 6.1: a frame sent by S, one expectation per mode, in a
 * world that @p prepare (NULL: none) changed first.
 */
static int
row_from_s_in(const char *row, uint64_t dst, int hairpin,
	void (*prepare)(void), const struct exp exp[N_MODES])
{
	unsigned int i;
	int ret = TEST_SUCCESS;

	for (i = 0; i < N_MODES; i++) {
		if (!exp[i].applies)
			continue;
		w_build(modes[i]);
		if (prepare != NULL)
			prepare();
		if (check(row, modes[i],
				deliver(S, dst == 0 ? w.t.ep[S].mac : dst,
					w.t.ep[S].mac, hairpin, 0x0800),
				exp[i].wire, exp[i].host, exp[i].eps) != 0)
			ret = TEST_FAILED;
	}
	return ret;
}

/* SRC lists S, with nodst. */
static void
s_listed_nodst(void)
{
	w_list_source(SRC, w.t.ep[S].mac, 1);
}

static int
row_from_s(const char *row, uint64_t dst, int hairpin, int nodst_on_src,
	const struct exp exp[N_MODES])
{
	return row_from_s_in(row, dst, hairpin,
		nodst_on_src ? s_listed_nodst : NULL, exp);
}

static int
test_t1_to_bridge(void)
{
	const struct exp e[N_MODES] = {
		E(1, 0, 0), E(1, 0, 0), E(0, 0, BIT(B)), NA, E(1, 0, 0),
	};
	return row_from_s("T1", MAC(B + 1), 0, 0, e);
}

static int
test_t2_to_private_or_vepa(void)
{
	const struct exp e[N_MODES] = {
		E(1, 0, 0), E(1, 0, 0), E(1, 0, 0), NA, E(1, 0, 0),
	};
	TEST_ASSERT_SUCCESS(row_from_s("T2 private", MAC(P + 1), 0, 0, e), "");
	return row_from_s("T2 vepa", MAC(V + 1), 0, 0, e);
}

static int
test_t3_to_source(void)
{
	const struct exp e[N_MODES] = {
		E(1, 0, 0), E(1, 0, 0), E(1, 0, 0), NA, E(1, 0, 0),
	};
	return row_from_s("T3", MAC(SRC + 1), 0, 0, e);
}

static int
test_t4_hairpin_to_private_or_vepa(void)
{
	const struct exp ep[N_MODES] = {
		E(1, 0, BIT(P)), E(1, 0, BIT(P)), E(1, 0, BIT(P)), NA,
		E(1, 0, BIT(P)),
	};
	const struct exp ev[N_MODES] = {
		E(1, 0, BIT(V)), E(1, 0, BIT(V)), E(1, 0, BIT(V)), NA,
		E(1, 0, BIT(V)),
	};
	TEST_ASSERT_SUCCESS(row_from_s("T4 private", MAC(P + 1), 1, 0, ep), "");
	return row_from_s("T4 vepa", MAC(V + 1), 1, 0, ev);
}

static int
test_t5_hairpin_to_source(void)
{
	const struct exp e[N_MODES] = {
		E(1, 1, 0), E(1, 1, 0), E(1, 1, 0), NA, E(1, 1, 0),
	};
	return row_from_s("T5", MAC(SRC + 1), 1, 0, e);
}

static int
test_t6_to_down_endpoint(void)
{
	const struct exp nohp[N_MODES] = {
		E(1, 0, 0), E(1, 0, 0), E(1, 0, 0), NA, E(1, 0, 0),
	};
	const struct exp hp[N_MODES] = {
		E(1, 1, 0), E(1, 1, 0), E(1, 1, 0), NA, E(1, 1, 0),
	};
	TEST_ASSERT_SUCCESS(row_from_s("T6", MAC(DN + 1), 0, 0, nohp), "");
	return row_from_s("T6 HP", MAC(DN + 1), 1, 0, hp);
}

static int
test_t7_t8_unknown_and_lower_mac(void)
{
	const struct exp nohp[N_MODES] = {
		E(1, 0, 0), E(1, 0, 0), E(1, 0, 0), E(1, 0, 0), E(1, 0, 0),
	};
	const struct exp hp[N_MODES] = {
		E(1, 1, 0), E(1, 1, 0), E(1, 1, 0), E(1, 0, BIT(S)),
		E(1, 1, 0),
	};
	TEST_ASSERT_SUCCESS(row_from_s("T7", MAC_UNKNOWN, 0, 0, nohp), "");
	TEST_ASSERT_SUCCESS(row_from_s("T7 HP", MAC_UNKNOWN, 1, 0, hp), "");
	TEST_ASSERT_SUCCESS(row_from_s("T8", MAC_LOWER, 0, 0, nohp), "");
	return row_from_s("T8 HP", MAC_LOWER, 1, 0, hp);
}

static int
test_t9_to_own_mac(void)
{
	const struct exp nohp[N_MODES] = {
		E(1, 0, 0), E(1, 0, 0), E(0, 0, BIT(S)), E(1, 0, 0),
		E(1, 0, 0),
	};
	const struct exp hp[N_MODES] = {
		E(1, 0, BIT(S)), E(1, 0, BIT(S)), E(0, 0, BIT(S)),
		E(1, 0, BIT(S)), E(1, 1, 0),
	};
	TEST_ASSERT_SUCCESS(row_from_s("T9", 0, 0, 0, nohp), "");
	return row_from_s("T9 HP", 0, 1, 0, hp);
}

static int
test_t10_group_no_hairpin(void)
{
	const struct exp e[N_MODES] = {
		E(1, 0, 0), E(1, 0, 0), E(1, 0, BIT(B)), E(1, 0, 0),
		E(1, 0, 0),
	};
	TEST_ASSERT_SUCCESS(row_from_s("T10 bcast", MVT_MAC_BROADCAST, 0, 0, e), "");
	return row_from_s("T10 mcast", MAC_MCAST, 0, 0, e);
}

static int
test_t11_group_reflected(void)
{
	const struct exp e[N_MODES] = {
		E(1, 0, BIT(S)), E(1, 1, BIT(V) | BIT(B)),
		E(1, 1, BIT(V) | BIT(B)), E(1, 0, BIT(S)), E(1, 0, BIT(S)),
	};
	TEST_ASSERT_SUCCESS(row_from_s("T11 bcast", MVT_MAC_BROADCAST, 1, 0, e), "");
	return row_from_s("T11 mcast", MAC_MCAST, 1, 0, e);
}

static int
test_t12_nodst_lister(void)
{
	const struct exp ucast[N_MODES] = {
		E(1, 0, BIT(SRC)), E(1, 0, BIT(SRC)), E(1, 0, BIT(SRC)), NA,
		E(1, 0, BIT(SRC)),
	};
	const struct exp local[N_MODES] = {
		E(1, 0, BIT(SRC)), E(1, 0, BIT(SRC)), E(0, 0, BIT(SRC)), NA,
		E(1, 0, BIT(SRC)),
	};
	const struct exp group[N_MODES] = {
		E(1, 0, BIT(SRC)), E(1, 0, BIT(SRC)),
		E(1, 0, BIT(SRC) | BIT(B)), NA, E(1, 0, BIT(SRC)),
	};
	TEST_ASSERT_SUCCESS(row_from_s("T12 ucast", MAC(P + 1), 1, 1, ucast), "");
	TEST_ASSERT_SUCCESS(row_from_s("T12 local", MAC(B + 1), 1, 1, local), "");
	return row_from_s("T12 group", MVT_MAC_BROADCAST, 1, 1, group);
}


/* SRC lists S, without nodst: it gets copies, the others theirs ("+Src"). */
static void
s_listed(void)
{
	w_list_source(SRC, w.t.ep[S].mac, 0);
}

static int
test_t1_t4_t5_plus_src(void)
{
	const struct exp t1[N_MODES] = {
		E(1, 0, 0), E(1, 0, 0), E(0, 0, BIT(B) | BIT(SRC)), NA,
		E(1, 0, 0),
	};
	const struct exp t4[N_MODES] = {
		E(1, 0, BIT(P) | BIT(SRC)), E(1, 0, BIT(P) | BIT(SRC)),
		E(1, 0, BIT(P) | BIT(SRC)), NA, E(1, 0, BIT(P) | BIT(SRC)),
	};
	/* the source-mode destination is also the lister: its copy, and H */
	const struct exp t5[N_MODES] = {
		E(1, 1, BIT(SRC)), E(1, 1, BIT(SRC)), E(1, 1, BIT(SRC)), NA,
		E(1, 1, BIT(SRC)),
	};
	TEST_ASSERT_SUCCESS(row_from_s_in("T1+Src", MAC(B + 1), 0, s_listed,
		t1), "");
	TEST_ASSERT_SUCCESS(row_from_s_in("T4+Src", MAC(P + 1), 1, s_listed,
		t4), "");
	return row_from_s_in("T5+Src", MAC(SRC + 1), 1, s_listed, t5);
}

/* V and B do not take the group MAC_MCAST. */
static void
vb_exclude(void)
{
	w_mc_only(V, MAC_MCAST2);
	w_mc_only(B, MAC_MCAST2);
}

/* S does not take MAC_MCAST. */
static void
s_excludes(void)
{
	w_mc_only(S, MAC_MCAST2);
}

/* B does not take MAC_MCAST; V does. */
static void
b_excludes(void)
{
	w_mc_only(B, MAC_MCAST2);
}

static int
test_floods_filtered(void)
{
	/* T10: a bridge sender's flood skips a bridge peer without the group */
	const struct exp t10[N_MODES] = {
		NA, NA, E(1, 0, 0), NA, NA,
	};
	/* T11: the reflected flood of a vepa sender, the same */
	const struct exp t11[N_MODES] = {
		NA, E(1, 1, BIT(V)), E(1, 1, BIT(V)), NA, NA,
	};
	/* broadcast passes every filter */
	const struct exp t11b[N_MODES] = {
		NA, E(1, 1, BIT(V) | BIT(B)), E(1, 1, BIT(V) | BIT(B)), NA, NA,
	};
	/* but a private sender's own copy is forward-to-original: no filter */
	const struct exp t11p[N_MODES] = {
		E(1, 0, BIT(S)), NA, NA, E(1, 0, BIT(S)), E(1, 0, BIT(S)),
	};
	TEST_ASSERT_SUCCESS(row_from_s_in("T10 flt", MAC_MCAST, 0, b_excludes,
		t10), "");
	TEST_ASSERT_SUCCESS(row_from_s_in("T11 flt", MAC_MCAST, 1, b_excludes,
		t11), "");
	TEST_ASSERT_SUCCESS(row_from_s_in("T11 bcast flt", MVT_MAC_BROADCAST, 1,
		vb_exclude, t11b), "");
	return row_from_s_in("T11 own flt", MAC_MCAST, 1, s_excludes, t11p);
}

/* Table 6.2: frames from the wire, external source; endpoint 0 is R. */
static int
row_from_wire(const char *row, uint64_t dst, const struct exp exp[N_MODES],
	void (*prepare)(void))
{
	unsigned int i;
	int ret = TEST_SUCCESS;

	for (i = 0; i < N_MODES; i++) {
		if (!exp[i].applies)
			continue;
		w_build(modes[i]);
		if (prepare != NULL)
			prepare();
		if (check(row, modes[i],
				deliver(MVT_INGRESS_LOWER,
					dst == 0 ? w.t.ep[S].mac : dst, MAC_EXT,
					0, 0x0800),
				exp[i].wire, exp[i].host, exp[i].eps) != 0)
			ret = TEST_FAILED;
	}
	return ret;
}

#define ALL_FLOOD (BIT(P) | BIT(V) | BIT(B))

static int
test_r1_r2_unicast_from_wire(void)
{
	const struct exp r1[N_MODES] = {
		E(0, 0, BIT(S)), E(0, 0, BIT(S)), E(0, 0, BIT(S)),
		E(0, 0, BIT(S)), E(0, 1, 0),
	};
	const struct exp r2[N_MODES] = {
		E(0, 1, 0), E(0, 1, 0), E(0, 1, 0), E(0, 0, BIT(S)),
		E(0, 1, 0),
	};
	TEST_ASSERT_SUCCESS(row_from_wire("R1", 0, r1, NULL), "");
	return row_from_wire("R2", MAC_UNKNOWN, r2, NULL);
}

static void
r_only_mcast(void)
{
	w_mc_only(S, MAC_MCAST);
}

static void
r_only_other_mcast(void)
{
	w_mc_only(S, MAC_MCAST2);
}

static void
nobody_subscribes(void)
{
	uint16_t id;

	for (id = 0; id < w.t.n_eps; id++)
		w_mc_only(id, 0);
}

static int
test_r3_r4_r5_group_from_wire(void)
{
	const struct exp flood_r[N_MODES] = {
		E(0, 1, BIT(S) | ALL_FLOOD), E(0, 1, BIT(S) | ALL_FLOOD),
		E(0, 1, BIT(S) | ALL_FLOOD), E(0, 1, BIT(S)),
		E(0, 1, ALL_FLOOD),
	};
	const struct exp flood_not_r[N_MODES] = {
		E(0, 1, ALL_FLOOD), E(0, 1, ALL_FLOOD), E(0, 1, ALL_FLOOD),
		E(0, 1, 0), E(0, 1, ALL_FLOOD),
	};
	const struct exp host_only[N_MODES] = {
		E(0, 1, 0), E(0, 1, 0), E(0, 1, 0), E(0, 1, 0), E(0, 1, 0),
	};
	TEST_ASSERT_SUCCESS(row_from_wire("R3", MVT_MAC_BROADCAST, flood_r, NULL), "");
	/* broadcast passes every filter, even an empty multicast list */
	TEST_ASSERT_SUCCESS(row_from_wire("R3 filters", MVT_MAC_BROADCAST, flood_r,
		nobody_subscribes), "");
	TEST_ASSERT_SUCCESS(row_from_wire("R4", MAC_MCAST, flood_r, r_only_mcast), "");
	TEST_ASSERT_SUCCESS(row_from_wire("R4 not R's group", MAC_MCAST,
		flood_not_r, r_only_other_mcast), "");
	return row_from_wire("R5", MAC_MCAST, host_only, nobody_subscribes);
}

static void
ext_listed_nodst(void)
{
	/* a source endpoint lists the external sender, with nodst */
	if (w.t.ep[S].mode == MVT_MODE_SOURCE)
		w_list_source(S, MAC_EXT, 1);
	else
		w_list_source(SRC, MAC_EXT, 1);
}

static void
ext_listed(void)
{
	w_list_source(SRC, MAC_EXT, 0);
}

static int
test_r6_source_lists_from_wire(void)
{
	const struct exp nodst[N_MODES] = {
		E(0, 0, BIT(SRC)), E(0, 0, BIT(SRC)), E(0, 0, BIT(SRC)), NA,
		E(0, 0, BIT(S)),
	};
	const struct exp listed_ucast[N_MODES] = {
		E(0, 0, BIT(S) | BIT(SRC)), E(0, 0, BIT(S) | BIT(SRC)),
		E(0, 0, BIT(S) | BIT(SRC)), NA, E(0, 1, BIT(SRC)),
	};
	const struct exp listed_bcast[N_MODES] = {
		E(0, 1, BIT(S) | ALL_FLOOD | BIT(SRC)),
		E(0, 1, BIT(S) | ALL_FLOOD | BIT(SRC)),
		E(0, 1, BIT(S) | ALL_FLOOD | BIT(SRC)), NA,
		E(0, 1, ALL_FLOOD | BIT(SRC)),
	};
	TEST_ASSERT_SUCCESS(row_from_wire("R6 ucast", 0, nodst, ext_listed_nodst), "");
	TEST_ASSERT_SUCCESS(row_from_wire("R6 bcast", MVT_MAC_BROADCAST, nodst,
		ext_listed_nodst), "");
	TEST_ASSERT_SUCCESS(row_from_wire("source copy ucast", 0, listed_ucast,
		ext_listed), "");
	return row_from_wire("source copy bcast", MVT_MAC_BROADCAST,
		listed_bcast, ext_listed);
}

/* Table 6.3: wire frames whose source MAC is local endpoint X (= 0). */
static int
row_from_x(const char *row, uint64_t dst, const struct exp exp[N_MODES])
{
	unsigned int i;
	int ret = TEST_SUCCESS;

	for (i = 0; i < N_MODES; i++) {
		if (!exp[i].applies)
			continue;
		w_build(modes[i]);
		if (check(row, modes[i],
				deliver(MVT_INGRESS_LOWER,
					dst == 0 ? w.t.ep[S].mac : dst,
					w.t.ep[S].mac, 0, 0x0800),
				exp[i].wire, exp[i].host, exp[i].eps) != 0)
			ret = TEST_FAILED;
	}
	return ret;
}

static int
test_x1_group_from_local_source(void)
{
	const struct exp e[N_MODES] = {
		E(0, 0, BIT(S)), E(0, 1, BIT(V) | BIT(B)), E(0, 1, BIT(V)),
		E(0, 0, BIT(S)), E(0, 0, BIT(S)),
	};
	TEST_ASSERT_SUCCESS(row_from_x("X1 bcast", MVT_MAC_BROADCAST, e), "");
	return row_from_x("X1 mcast", MAC_MCAST, e);
}

/*
 * X1 again with S's filter excluding the group: forward-to-original is
 * not a flood delivery, no filter applies to it.
 */
static int
test_x1_forward_to_original_unfiltered(void)
{
	const struct exp e[N_MODES] = {
		E(0, 0, BIT(S)), NA, NA, E(0, 0, BIT(S)), E(0, 0, BIT(S)),
	};
	unsigned int i;
	int ret = TEST_SUCCESS;

	for (i = 0; i < N_MODES; i++) {
		if (!e[i].applies)
			continue;
		w_build(modes[i]);
		s_excludes();
		if (check("X1 flt", modes[i], deliver(MVT_INGRESS_LOWER,
				MAC_MCAST, w.t.ep[S].mac, 0, 0x0800),
				e[i].wire, e[i].host, e[i].eps) != 0)
			ret = TEST_FAILED;
	}
	return ret;
}

/*
 * R7: a group frame from the wire for the broadcast queue, which is full
 * (length 0): no endpoint gets its flood, the host still gets it, and a
 * source-mode lister of the sender still gets its copy, inline.
 */
static int
test_r7_queue_full(void)
{
	struct outcome o;
	unsigned int i;
	int ret = TEST_SUCCESS;

	pl.dp.bcqueuelen = 0;
	for (i = 0; i < N_MODES; i++) {
		w_build(modes[i]);
		o = deliver(MVT_INGRESS_LOWER, MVT_MAC_BROADCAST, MAC_EXT, 0,
			0x0800);
		if (check("R7", modes[i], o, 0, 1, 0) != 0)
			ret = TEST_FAILED;
		if (modes[i] == MVT_MODE_PASSTHRU)
			continue;
		w_list_source(SRC, MAC_EXT, 0);
		o = deliver(MVT_INGRESS_LOWER, MVT_MAC_BROADCAST, MAC_EXT, 0,
			0x0800);
		if (check("R7 +Src", modes[i], o, 0, 1, BIT(SRC)) != 0)
			ret = TEST_FAILED;
	}
	pl.dp.bcqueuelen = MVT_BCQUEUELEN_DEFAULT;
	return ret;
}

static int
test_x2_x3_unicast_from_local_source(void)
{
	const uint16_t ys[] = { P, V, B };
	const struct exp x3[N_MODES] = {
		E(0, 0, BIT(S)), E(0, 0, BIT(S)), E(0, 0, BIT(S)),
		E(0, 0, BIT(S)), E(0, 1, 0),
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(ys); i++) {
		const struct exp x2[N_MODES] = {
			E(0, 0, BIT(ys[i])), E(0, 0, BIT(ys[i])),
			E(0, 0, BIT(ys[i])), NA, E(0, 0, BIT(ys[i])),
		};
		TEST_ASSERT_SUCCESS(row_from_x("X2", MAC(ys[i] + 1), x2), "");
	}
	return row_from_x("X3", 0, x3);
}

static int
test_strict_private(void)
{
	struct outcome o;

	/* Linux-exact: reflected unicast from private S reaches V */
	w_build(MVT_MODE_PRIVATE);
	o = deliver(S, MAC(V + 1), MAC(S + 1), 1, 0x0800);
	TEST_ASSERT_SUCCESS(check("linux private", MVT_MODE_PRIVATE, o, 1, 0,
		BIT(V)), "");

	w.t.strict_private = 1;
	o = deliver(S, MAC(V + 1), MAC(S + 1), 1, 0x0800);
	TEST_ASSERT_SUCCESS(check("strict private", MVT_MODE_PRIVATE, o, 1, 0, 0),
		"");
	TEST_ASSERT_EQUAL(o.drop, MVT_DROP_PRIVATE, "charged to private");
	o = deliver(S, MAC(P + 1), MAC(S + 1), 1, 0x0800);
	TEST_ASSERT_SUCCESS(check("strict private to private", MVT_MODE_PRIVATE,
		o, 1, 0, 0), "");
	/* its own reflection, the host and group rules are unchanged */
	o = deliver(S, MAC(S + 1), MAC(S + 1), 1, 0x0800);
	TEST_ASSERT_SUCCESS(check("strict private self", MVT_MODE_PRIVATE, o,
		1, 0, BIT(S)), "");
	o = deliver(S, MAC_LOWER, MAC(S + 1), 1, 0x0800);
	TEST_ASSERT_SUCCESS(check("strict private host", MVT_MODE_PRIVATE, o,
		1, 1, 0), "");
	o = deliver(S, MVT_MAC_BROADCAST, MAC(S + 1), 1, 0x0800);
	TEST_ASSERT_SUCCESS(check("strict private group", MVT_MODE_PRIVATE, o,
		1, 0, BIT(S)), "");

	/*
	 * Both ways: a vepa or bridge sender does not reach a private
	 * endpoint by hairpin either; between two non-private endpoints
	 * and from the wire nothing changes.
	 */
	w_build(MVT_MODE_VEPA);
	o = deliver(S, MAC(P + 1), MAC(S + 1), 1, 0x0800);
	TEST_ASSERT_SUCCESS(check("linux, vepa sender to private",
		MVT_MODE_VEPA, o, 1, 0, BIT(P)), "");
	w.t.strict_private = 1;
	o = deliver(S, MAC(P + 1), MAC(S + 1), 1, 0x0800);
	TEST_ASSERT_SUCCESS(check("strict private, vepa sender to private",
		MVT_MODE_VEPA, o, 1, 0, 0), "");
	TEST_ASSERT_EQUAL(o.drop, MVT_DROP_PRIVATE, "vepa to private: charged");
	o = deliver(S, MAC(V + 1), MAC(S + 1), 1, 0x0800);
	TEST_ASSERT_SUCCESS(check("strict private, vepa to vepa",
		MVT_MODE_VEPA, o, 1, 0, BIT(V)), "");
	o = deliver(MVT_INGRESS_LOWER, MAC(P + 1), MAC_EXT, 0, 0x0800);
	TEST_ASSERT_SUCCESS(check("strict private, external to private",
		MVT_MODE_VEPA, o, 0, 0, BIT(P)), "");
	w_build(MVT_MODE_BRIDGE);
	w.t.strict_private = 1;
	o = deliver(S, MAC(P + 1), MAC(S + 1), 1, 0x0800);
	return check("strict private, bridge sender to private",
		MVT_MODE_BRIDGE, o, 1, 0, 0);
}

static int
test_admin_down(void)
{
	struct outcome o;
	unsigned int i;

	for (i = 0; i < N_MODES; i++) {
		w_build(modes[i]);
		w.t.ep[S].up = 0;
		/* a down endpoint sends nothing ... */
		o = deliver(S, MAC_UNKNOWN, MAC(S + 1), 1, 0x0800);
		TEST_ASSERT_SUCCESS(check("down sender", modes[i], o, 0, 0, 0), "");
		TEST_ASSERT_EQUAL(o.drop, MVT_DROP_EP_DOWN, "charged to ep_down");
		/* ... and is not flooded */
		o = deliver(MVT_INGRESS_LOWER, MVT_MAC_BROADCAST, MAC_EXT, 0,
			0x0800);
		TEST_ASSERT(!(o.eps & BIT(S)), "down endpoint got a flood");
	}
	/* a down passthru endpoint: unicast is lost, not handed to the host */
	w_build(MVT_MODE_PASSTHRU);
	w.t.ep[S].up = 0;
	o = deliver(MVT_INGRESS_LOWER, MAC_UNKNOWN, MAC_EXT, 0, 0x0800);
	TEST_ASSERT_SUCCESS(check("down passthru", MVT_MODE_PASSTHRU, o, 0, 0, 0),
		"");
	TEST_ASSERT_EQUAL(o.drop, MVT_DROP_EP_DOWN, "charged to ep_down");
	return TEST_SUCCESS;
}

static int
test_down_nodst_lister(void)
{
	struct outcome o;

	/* a down nodst lister still consumes the frame, for everybody */
	w_build(MVT_MODE_VEPA);
	w_list_source(SRC, MAC_EXT, 1);
	w.t.ep[SRC].up = 0;
	o = deliver(MVT_INGRESS_LOWER, MAC(S + 1), MAC_EXT, 0, 0x0800);
	TEST_ASSERT_SUCCESS(check("down nodst", MVT_MODE_VEPA, o, 0, 0, 0), "");
	TEST_ASSERT_EQUAL(o.drop, MVT_DROP_NODST, "charged to nodst");
	/* a down lister without nodst gets nothing and changes nothing */
	w_build(MVT_MODE_VEPA);
	w_list_source(SRC, MAC_EXT, 0);
	w.t.ep[SRC].up = 0;
	o = deliver(MVT_INGRESS_LOWER, MAC(S + 1), MAC_EXT, 0, 0x0800);
	return check("down lister", MVT_MODE_VEPA, o, 0, 0, BIT(S));
}

static int
test_pause_never_flooded(void)
{
	struct outcome o;

	w_build(MVT_MODE_BRIDGE);
	o = deliver(MVT_INGRESS_LOWER, UINT64_C(0x010000c28001), MAC_EXT, 0,
		MVT_ETHERTYPE_PAUSE);
	TEST_ASSERT_SUCCESS(check("pause from wire", MVT_MODE_BRIDGE, o, 0, 1, 0),
		"");
	o = deliver(S, UINT64_C(0x010000c28001), MAC(S + 1), 0,
		MVT_ETHERTYPE_PAUSE);
	TEST_ASSERT_SUCCESS(check("pause from bridge", MVT_MODE_BRIDGE, o, 1, 0,
		0), "");
	/*
	 * From a private endpoint: to the wire, not flooded; reflected, it is
	 * forwarded to the original port (S), which macvlan_handle_frame does
	 * before the flood's PAUSE check, and the host does not get it.
	 */
	w_build(MVT_MODE_PRIVATE);
	o = deliver(S, UINT64_C(0x010000c28001), MAC(S + 1), 0,
		MVT_ETHERTYPE_PAUSE);
	TEST_ASSERT_SUCCESS(check("pause from private", MVT_MODE_PRIVATE, o, 1,
		0, 0), "");
	o = deliver(S, UINT64_C(0x010000c28001), MAC(S + 1), 1,
		MVT_ETHERTYPE_PAUSE);
	return check("pause from private HP", MVT_MODE_PRIVATE, o, 1, 0,
		BIT(S));
}

static int
test_host_sends_to_wire(void)
{
	struct outcome o;

	w_build(MVT_MODE_BRIDGE);
	o = deliver(MVT_INGRESS_HOST, MAC(S + 1), MAC_LOWER, 0, 0x0800);
	TEST_ASSERT_SUCCESS(check("host ucast", MVT_MODE_BRIDGE, o, 1, 0, 0), "");
	/* reflected group frames from the host's MAC count as external */
	o = deliver(MVT_INGRESS_HOST, MVT_MAC_BROADCAST, MAC_LOWER, 1, 0x0800);
	return check("host bcast HP", MVT_MODE_BRIDGE, o, 1, 1,
		BIT(S) | ALL_FLOOD);
}

static int
test_host_bridge(void)
{
	struct outcome o;

	/* Linux: a bridge endpoint cannot reach its parent's stack */
	w_build(MVT_MODE_BRIDGE);
	w.t.host_mac = MAC_LOWER;
	o = deliver(S, MAC_LOWER, MAC(S + 1), 0, 0x0800);
	TEST_ASSERT_SUCCESS(check("no host-bridge", MVT_MODE_BRIDGE, o, 1, 0, 0),
		"");
	w.t.host_bridge = 1;
	o = deliver(S, MAC_LOWER, MAC(S + 1), 0, 0x0800);
	TEST_ASSERT_SUCCESS(check("bridge to host", MVT_MODE_BRIDGE, o, 0, 1, 0),
		"");
	o = deliver(S, MVT_MAC_BROADCAST, MAC(S + 1), 0, 0x0800);
	TEST_ASSERT_SUCCESS(check("bridge bcast", MVT_MODE_BRIDGE, o, 1, 1,
		BIT(B)), "");
	o = deliver(MVT_INGRESS_HOST, MAC(B + 1), MAC_LOWER, 0, 0x0800);
	TEST_ASSERT_SUCCESS(check("host to bridge", MVT_MODE_BRIDGE, o, 0, 0,
		BIT(B)), "");
	o = deliver(MVT_INGRESS_HOST, MAC(V + 1), MAC_LOWER, 0, 0x0800);
	TEST_ASSERT_SUCCESS(check("host to vepa", MVT_MODE_BRIDGE, o, 1, 0, 0),
		"");
	o = deliver(MVT_INGRESS_HOST, MVT_MAC_BROADCAST, MAC_LOWER, 0, 0x0800);
	TEST_ASSERT_SUCCESS(check("host bcast", MVT_MODE_BRIDGE, o, 1, 0,
		BIT(S) | BIT(B)), "");
	/* a vepa endpoint still goes through the wire */
	w_build(MVT_MODE_VEPA);
	w.t.host_mac = MAC_LOWER;
	w.t.host_bridge = 1;
	o = deliver(S, MAC_LOWER, MAC(S + 1), 0, 0x0800);
	return check("vepa to host", MVT_MODE_VEPA, o, 1, 0, 0);
}

static int
test_needs_src_and_names(void)
{
	unsigned int i;

	w_build(MVT_MODE_BRIDGE);
	TEST_ASSERT(!mvt_decide_needs_src(&w.t, MAC(1)), "unicast needs no src");
	TEST_ASSERT(mvt_decide_needs_src(&w.t, MVT_MAC_BROADCAST), "group does");
	w.t.ep[SRC].n_src = 1;
	mvt_ep_table_derive(&w.t, 0, 0);
	TEST_ASSERT(mvt_decide_needs_src(&w.t, MAC(1)), "source lists do");
	for (i = 0; i < N_MODES; i++)
		TEST_ASSERT_EQUAL(mvt_mode_parse(mvt_mode_name(modes[i])),
			modes[i], "mode name round trip");
	TEST_ASSERT_EQUAL(mvt_mode_parse("vepa "), 0, "no trailing blanks");
	TEST_ASSERT_NULL(mvt_mode_name(3), "3 is not a mode");
	return TEST_SUCCESS;
}

/*
 * mvt_decide_burst() reuses the verdict of the frame before for a frame
 * with the same addresses and ethertype: it must still equal mvt_decide()
 * frame by frame, through repeats and changes of each of those.
 */
static int
test_burst_matches_single(void)
{
	static const struct {
		uint64_t dst;
		uint16_t src_ep;
		uint16_t ethertype;
	} f[] = {
		{ MAC(B + 1), S, 0x0800 },
		{ MAC(B + 1), S, 0x0800 },
		{ MAC(V + 1), S, 0x0800 },
		{ MAC(V + 1), S, 0x0800 },
		{ MVT_MAC_BROADCAST, S, 0x0800 },
		{ MVT_MAC_BROADCAST, S, MVT_ETHERTYPE_PAUSE },
		{ MVT_MAC_BROADCAST, S, MVT_ETHERTYPE_PAUSE },
		{ MVT_MAC_BROADCAST, P, MVT_ETHERTYPE_PAUSE },
		{ MVT_MAC_BROADCAST, P, 0x0800 },
		{ MAC_UNKNOWN, P, 0x0800 },
		{ MAC_UNKNOWN, S, 0x0800 },
		{ MAC_UNKNOWN, S, 0x0800 },
	};
	struct mvt_cls c[RTE_DIM(f)];
	struct mvt_verdict vb[RTE_DIM(f)], v;
	uint16_t ingress[] = { S, MVT_INGRESS_LOWER };
	unsigned int i, k;

	w_build(MVT_MODE_BRIDGE);
	for (i = 0; i < RTE_DIM(f); i++) {
		c[i].dst = f[i].dst;
		c[i].src = MAC(f[i].src_ep + 1);
		c[i].dst_e = w_entry(c[i].dst, 0);
		c[i].src_e = w_entry(c[i].src, 0);
		c[i].ethertype = f[i].ethertype;
	}
	for (k = 0; k < RTE_DIM(ingress); k++) {
		mvt_decide_burst(&w.t, ingress[k], c, RTE_DIM(f), vb);
		for (i = 0; i < RTE_DIM(f); i++) {
			mvt_decide(&w.t, ingress[k], &c[i], &v);
			TEST_ASSERT(memcmp(&v, &vb[i], sizeof(v)) == 0,
				"ingress %u: burst verdict %u differs",
				ingress[k], i);
		}
	}
	return TEST_SUCCESS;
}

/* deliver() with the switch's own reflective relay instead of an
 * external hairpin switch */
static struct outcome
deliver_relay(uint16_t ingress, uint64_t dst, uint64_t src)
{
	return deliver_path(ingress, dst, src, 0, 1, 0x0800);
}

static int
test_software_relay(void)
{
	const uint64_t dsts[] = {
		MAC(P + 1), MAC(V + 1), MAC(B + 1), MAC(SRC + 1), MAC(DN + 1),
		MAC(S + 1), MVT_MAC_BROADCAST, MAC_MCAST, MAC_UNKNOWN,
		MAC_LOWER, MAC_HOST, MAC_STP,
	};
	struct outcome hp, sw;
	unsigned int i, j;
	int local;

	for (i = 0; i < N_MODES; i++) {
		for (j = 0; j < RTE_DIM(dsts); j++) {
			w_build(modes[i]);
			/* a bridge learned these from what the host sent */
			w.t.lower_mac = MAC_LOWER;
			w.t.host_mac = MAC_HOST;
			if (modes[i] == MVT_MODE_PASSTHRU && j < 5)
				continue;
			hp = deliver(S, dsts[j], MAC(S + 1), 1, 0x0800);
			sw = deliver_relay(S, dsts[j], MAC(S + 1));
			if (dsts[j] == MAC_UNKNOWN) {
				/* known elsewhere: to the wire, not reflected */
				TEST_ASSERT_SUCCESS(check("relay unknown",
					modes[i], sw, 1, 0, 0), "");
				continue;
			}
			/* receivers see what a hairpin switch gives them */
			TEST_ASSERT(sw.eps == hp.eps && sw.host == hp.host &&
				sw.dups == 0 && hp.dups == 0,
				"relay %s dst %u: eps 0x%x host %d dups %u, hairpin eps 0x%x host %d dups %u",
				mvt_mode_name(modes[i]), j, sw.eps, sw.host,
				sw.dups, hp.eps, hp.host, hp.dups);
			/* known unicast stays in the host, groups also leave */
			local = !mvt_mac_is_group(dsts[j]);
			TEST_ASSERT_EQUAL(sw.wire, local ? 0 : hp.wire,
				"relay %s dst %u: wire", mvt_mode_name(modes[i]), j);
		}
	}
	return TEST_SUCCESS;
}

/*
 * T12 through the switch's own relay: with a nodst lister of S, the
 * reflected copy reaches that lister only, as through a hairpin switch.
 */
static int
test_relay_nodst_lister(void)
{
	const uint64_t dsts[] = { MAC(P + 1), MVT_MAC_BROADCAST, MAC(B + 1) };
	struct outcome hp, sw;
	unsigned int i, j;

	for (i = 0; i < N_MODES; i++) {
		if (modes[i] == MVT_MODE_PASSTHRU)
			continue;
		for (j = 0; j < RTE_DIM(dsts); j++) {
			w_build(modes[i]);
			s_listed_nodst();
			hp = deliver(S, dsts[j], MAC(S + 1), 1, 0x0800);
			sw = deliver_relay(S, dsts[j], MAC(S + 1));
			TEST_ASSERT(sw.eps == hp.eps && sw.host == hp.host &&
				sw.dups == 0 && (sw.eps & BIT(SRC)) != 0,
				"relay nodst %s dst %u: eps 0x%x host %d dups %u, hairpin eps 0x%x host %d",
				mvt_mode_name(modes[i]), j, sw.eps, sw.host,
				sw.dups, hp.eps, hp.host);
		}
	}
	return TEST_SUCCESS;
}

static int
test_relay_keeps_drops(void)
{
	struct mvt_verdict v;
	struct mvt_cls c = {
		.dst = MAC(V + 1), .src = MAC(S + 1), .ethertype = 0x0800,
	};

	/* a frame the policy stage dropped is not brought back by the relay */
	w_build(MVT_MODE_VEPA);
	c.dst_e = w_entry(c.dst, 0);
	c.src_e = w_entry(c.src, 0);
	mvt_decide(&w.t, S, &c, &v);
	v.drop = MVT_DROP_RATE_LIMIT;
	TEST_ASSERT_EQUAL(mvt_decide_reflect(&w.t, &c, &v), 0, "unchanged");
	TEST_ASSERT_EQUAL(v.drop, MVT_DROP_RATE_LIMIT, "still dropped");
	TEST_ASSERT_EQUAL(v.target, MVT_EP_NONE, "no delivery");
	return TEST_SUCCESS;
}

/*
 * bc_cutoff (Linux 6.4+): which group frames from the wire wait in the
 * broadcast queue. Broadcast always does, unless the cutoff is negative;
 * a group does when more than the cutoff up endpoints list it, or when
 * the lower takes every group (an up endpoint that accepts all, an up
 * passthru endpoint, --promisc).
 */
static int
test_bc_cutoff(void)
{
	uint16_t id;

	w_build(MVT_MODE_VEPA);
	for (id = 0; id < N_EPS; id++)
		w_mc_only(id, 0);
	w.t.bc_cutoff = 1;
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MAC_MCAST), 0,
		"nobody joined");
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MVT_MAC_BROADCAST), 1,
		"broadcast is always queued");
	w_mc_only(V, MAC_MCAST);
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MAC_MCAST), 0,
		"one joiner: inline");
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MAC_MCAST2), 0,
		"other group");
	/* a down endpoint has not synced its list to the lower */
	w_mc_only(DN, MAC_MCAST);
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MAC_MCAST), 0,
		"down joiner does not count");
	/* every mode counts, flood target or not */
	w_mc_only(SRC, MAC_MCAST);
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MAC_MCAST), 1,
		"two joiners (vepa, source): queued");
	w.t.bc_cutoff = 2;
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MAC_MCAST), 0,
		"two joiners, cutoff 2: inline");
	w.t.bc_cutoff = INT32_MAX;
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MVT_MAC_BROADCAST), 1,
		"broadcast, any cutoff >= 0");
	w.t.bc_cutoff = 0;
	w_mc_only(SRC, 0);
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MAC_MCAST), 1,
		"cutoff 0: one joiner is queued");
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MAC_MCAST2), 0,
		"cutoff 0: no joiner, inline");
	w.t.bc_cutoff = 1;
	/* an endpoint that takes every group puts the lower in allmulti */
	w.t.ep[P].mc_all = 1;
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MAC_MCAST2), 1,
		"an all-groups endpoint: everything queued");
	w.t.ep[P].up = 0;
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MAC_MCAST2), 0,
		"unless it is down");
	w.t.lower_promisc = 1;
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MAC_MCAST2), 1,
		"promiscuous lower: everything queued");
	w.t.bc_cutoff = -1;
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MAC_MCAST2), 0,
		"negative cutoff: nothing queued");
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MVT_MAC_BROADCAST), 0,
		"negative cutoff: not even broadcast");

	/* an up passthru endpoint makes the lower promiscuous */
	w_build(MVT_MODE_PASSTHRU);
	w_mc_only(S, MAC_MCAST);
	w.t.bc_cutoff = 1;
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MAC_MCAST2), 1,
		"passthru up: everything queued");
	w.t.ep[S].up = 0;
	TEST_ASSERT_EQUAL(mvt_decide_bc_queued(&w.t, MAC_MCAST2), 0,
		"passthru down");
	return TEST_SUCCESS;
}

/*
 * The relay is an 802.1D bridge: it never forwards the reserved groups
 * 01:80:c2:00:00:01 to :0f (STP's :00 it forwards, running no STP), and
 * the part of a flood only its reflected copy brings is marked rflood,
 * for the broadcast queue; the bridge sender's own flood is not.
 */
static int
test_relay_bridge_rules(void)
{
	struct mvt_verdict v;
	struct mvt_cls c = { .src = MAC(S + 1), .ethertype = 0x88cc };
	uint64_t k;
	unsigned int i;

	for (i = 1; i <= 0xf; i++) {
		w_build(MVT_MODE_VEPA);
		k = MAC_STP | (uint64_t)i << 40;
		c.dst = k;
		c.dst_e = NULL;
		c.src_e = w_entry(c.src, 0);
		mvt_decide(&w.t, S, &c, &v);
		TEST_ASSERT_EQUAL(mvt_decide_reflect(&w.t, &c, &v), 0,
			"01:80:c2:00:00:%02x reflected", i);
		TEST_ASSERT(v.flags == MVT_V_WIRE && v.flood == 0 &&
			v.target == MVT_EP_NONE,
			"01:80:c2:00:00:%02x: wire only", i);
	}
	c.dst = MAC_STP;
	mvt_decide(&w.t, S, &c, &v);
	TEST_ASSERT_EQUAL(mvt_decide_reflect(&w.t, &c, &v), 1, "STP");
	TEST_ASSERT_EQUAL(v.flood, MVT_MODE_VEPA | MVT_MODE_BRIDGE,
		"STP flood");
	TEST_ASSERT_EQUAL(v.rflood, MVT_MODE_VEPA | MVT_MODE_BRIDGE,
		"vepa sender: all of the flood is reflected");
	TEST_ASSERT(v.flags == (MVT_V_WIRE | MVT_V_HOST), "STP: wire and host");

	w_build(MVT_MODE_BRIDGE);
	c.dst = MVT_MAC_BROADCAST;
	c.ethertype = 0x0800;
	c.src_e = w_entry(c.src, 0);
	mvt_decide(&w.t, S, &c, &v);
	TEST_ASSERT_EQUAL(v.rflood, 0, "no relay: nothing reflected");
	mvt_decide_reflect(&w.t, &c, &v);
	TEST_ASSERT_EQUAL(v.flood, MVT_MODE_VEPA | MVT_MODE_BRIDGE,
		"bridge sender: own flood and reflected one");
	TEST_ASSERT_EQUAL(v.rflood, MVT_MODE_VEPA,
		"bridge sender: only the vepa part is reflected");

	/* the host's MAC and the lower's come back, to the host */
	w_build(MVT_MODE_VEPA);
	w.t.lower_mac = MAC_LOWER;
	for (i = 0; i < 2; i++) {
		c.dst = i == 0 ? MAC_LOWER : MAC_HOST;
		w.t.host_mac = i == 0 ? 0 : MAC_HOST;
		c.dst_e = NULL;
		mvt_decide(&w.t, S, &c, &v);
		TEST_ASSERT_EQUAL(mvt_decide_reflect(&w.t, &c, &v), 1,
			"unicast to the %s", i == 0 ? "lower" : "host");
		TEST_ASSERT(v.flags == MVT_V_HOST && v.target == MVT_EP_NONE,
			"unicast to the %s: host only", i == 0 ? "lower" : "host");
	}
	/* no host port: no host MAC to learn (host_mac 0 is no MAC) */
	w.t.host_mac = 0;
	c.dst = MAC_HOST;
	mvt_decide(&w.t, S, &c, &v);
	TEST_ASSERT_EQUAL(mvt_decide_reflect(&w.t, &c, &v), 0, "no host port");
	return TEST_SUCCESS;
}

/* Frame number @p seq of a stream from @p src to @p dst. */
static struct rte_mbuf *
seq_frame(uint64_t dst, uint64_t src, uint16_t seq)
{
	struct rte_mbuf *m = pl_frame(dst, src, 0x88b5);
	uint8_t *d;

	if (m == NULL)
		return NULL;
	d = rte_pktmbuf_mtod(m, uint8_t *);
	d[14] = (uint8_t)(seq >> 8);
	d[15] = (uint8_t)seq;
	return m;
}

/*
 * Take what @p ring holds: it must be @p n frames numbered @p first,
 * first + 2, ... (every other one of an interleaved stream).
 */
static int
take_seq(struct rte_ring *ring, unsigned int n, uint16_t first,
	const char *what)
{
	struct rte_mbuf *m;
	unsigned int got = 0;
	const uint8_t *d;
	uint16_t seq;
	int ret = TEST_SUCCESS;

	while (rte_ring_dequeue(ring, (void **)&m) == 0) {
		d = rte_pktmbuf_mtod(m, const uint8_t *);
		seq = (uint16_t)(d[14] << 8 | d[15]);
		if (seq != (uint16_t)(first + 2 * got) && ret == TEST_SUCCESS) {
			printf("%s: frame %u is number %u, not %u\n", what,
				got, seq, first + 2 * got);
			ret = TEST_FAILED;
		}
		got++;
		rte_pktmbuf_free(m);
	}
	if (got != n) {
		printf("%s: %u frames, not %u\n", what, got, n);
		return TEST_FAILED;
	}
	return ret;
}

static uint64_t
cached_verdicts(void)
{
	return pl.stats->cached_verdicts;
}

/* One frame from the wire to @p dst, and where it went. */
static struct outcome
from_wire(struct mvt_lcore_stats *b, uint64_t dst)
{
	return deliver_pass(b, MVT_INGRESS_LOWER, dst, MAC_EXT, 0, 0x0800);
}

/*
 * The verdict cache follows every change: a frame sent again takes its
 * verdict from the cache; the first after the MAC table or the endpoint
 * table changed does not, and goes where the new tables say; and where
 * the verdict needs more than the destination (policies, the relay on an
 * endpoint's frames), frames are decided every time.
 */
static int
test_verdict_cache(void)
{
	struct mvt_lcore_stats *b = malloc(sizeof(*b));
	uint64_t mac, c0;
	struct outcome o;

	TEST_ASSERT_NOT_NULL(b, "stats copy");
	w_build(MVT_MODE_BRIDGE);
	mac = w.t.ep[B].mac;
	TEST_ASSERT(pl_setup() == 0 && pl_mactable() == 0, "pipeline");
	pl.dp.hairpin = 0;
	c0 = cached_verdicts();
	o = from_wire(b, mac);
	TEST_ASSERT(o.eps == BIT(B) && cached_verdicts() == c0,
		"first frame decided, to B: endpoints %#x", o.eps);
	o = from_wire(b, mac);
	TEST_ASSERT(o.eps == BIT(B) && cached_verdicts() == c0 + 1,
		"sent again, from the cache, to B: endpoints %#x", o.eps);
	/* the MAC moves to V, as a guest's MAC follows the guest */
	TEST_ASSERT_SUCCESS(mvt_mactable_move_owner(pl.dp.mt, mac, V),
		"MAC moved to V");
	o = from_wire(b, mac);
	TEST_ASSERT(o.eps == BIT(V) && cached_verdicts() == c0 + 1,
		"after the move, decided, to V: endpoints %#x", o.eps);
	o = from_wire(b, mac);
	TEST_ASSERT(o.eps == BIT(V) && cached_verdicts() == c0 + 2,
		"then from the cache, to V: endpoints %#x", o.eps);
	/* V goes down: a new endpoint table */
	w.t.ep[V].up = 0;
	mvt_ep_table_derive(&w.t, 0, 0);
	o = from_wire(b, mac);
	TEST_ASSERT(o.eps == 0 && o.host && cached_verdicts() == c0 + 2,
		"V down: decided, to the host alone: endpoints %#x host %d",
		o.eps, o.host);
	o = from_wire(b, mac);
	TEST_ASSERT(o.eps == 0 && o.host && cached_verdicts() == c0 + 3,
		"then from the cache, to the host alone");
	/* policies: the policy stage reads the entries */
	mvt_ep_table_derive(&w.t, 1, 0);
	o = from_wire(b, w.t.ep[P].mac);
	o = from_wire(b, w.t.ep[P].mac);
	TEST_ASSERT(o.eps == BIT(P) && cached_verdicts() == c0 + 3,
		"with policies, decided every time: endpoints %#x", o.eps);
	/* the relay on an endpoint's frames reads the destination's entry */
	mvt_ep_table_derive(&w.t, 0, 0);
	pl.dp.hairpin = 1;
	o = deliver_pass(b, S, w.t.ep[P].mac, w.t.ep[S].mac, 0, 0x0800);
	o = deliver_pass(b, S, w.t.ep[P].mac, w.t.ep[S].mac, 0, 0x0800);
	TEST_ASSERT(o.eps == BIT(P) && cached_verdicts() == c0 + 3,
		"with the relay, an endpoint's frames decided every time: endpoints %#x",
		o.eps);
	/* but the wire's are not */
	o = from_wire(b, w.t.ep[P].mac);
	o = from_wire(b, w.t.ep[P].mac);
	TEST_ASSERT(o.eps == BIT(P) && cached_verdicts() == c0 + 4,
		"with the relay, the wire's from the cache: endpoints %#x",
		o.eps);
	pl.dp.hairpin = 0;
	free(b);
	return TEST_SUCCESS;
}

/*
 * Frame number @p seq of a stream from @p src to @p dst, on the wire with
 * an 802.1Q tag of VLAN @p vid, so that the number is where seq_frame()
 * puts it once the tag is popped.
 */
static struct rte_mbuf *
vlan_seq_frame(uint64_t dst, uint64_t src, uint16_t vid, uint16_t seq)
{
	struct rte_mbuf *m = pl_frame(dst, src, MVT_VLAN_TPID);
	uint8_t *d;

	if (m == NULL)
		return NULL;
	d = rte_pktmbuf_mtod(m, uint8_t *);
	d[14] = (uint8_t)(vid >> 8);
	d[15] = (uint8_t)vid;
	d[16] = 0x88;
	d[17] = 0xb5;
	d[18] = (uint8_t)(seq >> 8);
	d[19] = (uint8_t)seq;
	return m;
}

/*
 * One loop iteration of worker @p wk reads a lower queue that keeps giving
 * full bursts up to MVT_LOWER_BURSTS of them, and the output buffers hold
 * frames across those bursts: all of them reach their ports in that
 * iteration, each port's in order; what is left waits for the next
 * iteration. Frames the host port sends to the wire, which the lower's
 * buffer holds until the end of the iteration, also go out in it. With
 * @p vid, the frames to S come with that VLAN's tag, and @p wk is the
 * segment of that VLAN and of the untagged frames.
 */
static int
wire_bursts(struct mvt_worker *wk, uint16_t vid)
{
	const unsigned int limit = MVT_LOWER_BURSTS * MVT_BURST;
	const unsigned int n = limit + 44;
	struct mvt_lcore_stats *b = malloc(sizeof(*b));
	struct rte_mbuf *m;
	uint64_t not_ready;
	unsigned int i;
	int ret = TEST_FAILED;

	TEST_ASSERT(b != NULL, "setup");
	w_build(MVT_MODE_BRIDGE);
	TEST_ASSERT_SUCCESS(pl_mactable(), "the MAC table");
	pl.dp.hairpin = 0;
	pl.dp.tbl = &w.t;
	memcpy(b, pl.stats, sizeof(*b));
	/* from the wire: even frames to S, odd ones to the host port */
	for (i = 0; i < n; i++) {
		if (i % 2 == 1)
			m = seq_frame(MAC_UNKNOWN, MAC_EXT, (uint16_t)i);
		else if (vid != 0)
			m = vlan_seq_frame(w.t.ep[S].mac, MAC_EXT, vid,
				(uint16_t)i);
		else
			m = seq_frame(w.t.ep[S].mac, MAC_EXT, (uint16_t)i);
		if (m == NULL || rte_ring_enqueue(pl.ring[0][0], m) != 0)
			goto out;
	}
	/* from the host port to the wire, numbered apart */
	for (i = 0; i < 10; i++) {
		m = seq_frame(MAC_EXT, MAC_HOST, (uint16_t)(1000 + 2 * i));
		if (m == NULL || rte_ring_enqueue(pl.ring[1][0], m) != 0)
			goto out;
	}
	/* pl_watch() ends the loop after the iteration of its first poll */
	__atomic_store_n(&pl.dp.quit, 0, __ATOMIC_RELAXED);
	mvt_worker_main(wk);
	not_ready = pl.stats->port[S].drops[MVT_DROP_NOT_READY] -
		b->port[S].drops[MVT_DROP_NOT_READY];
	if (not_ready != limit / 2) {
		printf("S was sent %" PRIu64 " frames in the first iteration, "
			"not %u\n", not_ready, limit / 2);
		goto out;
	}
	if (take_seq(pl.ring[1][1], limit / 2, 1, "host port, first "
			"iteration") != 0 ||
			take_seq(pl.ring[0][1], 10, 1000, "the wire") != 0)
		goto out;
	TEST_ASSERT_EQUAL(rte_ring_count(pl.ring[0][0]), n - limit,
		"frames left on the lower's queue");
	__atomic_store_n(&pl.dp.quit, 0, __ATOMIC_RELAXED);
	mvt_worker_main(wk);
	not_ready = pl.stats->port[S].drops[MVT_DROP_NOT_READY] -
		b->port[S].drops[MVT_DROP_NOT_READY];
	if (not_ready != n / 2) {
		printf("S was sent %" PRIu64 " frames, not %u\n", not_ready,
			n / 2);
		goto out;
	}
	if (take_seq(pl.ring[1][1], (n - limit) / 2, (uint16_t)(limit + 1),
			"host port, second iteration") != 0)
		goto out;
	TEST_ASSERT_EQUAL(rte_ring_count(pl.ring[0][0]), 0,
		"frames left on the lower's queue");
	TEST_ASSERT_EQUAL(pl.stats->port[MVT_PORT_LOWER].drops[
		MVT_DROP_NO_LOWER], b->port[MVT_PORT_LOWER].drops[
		MVT_DROP_NO_LOWER], "no frame without a segment");
	ret = TEST_SUCCESS;
out:
	free(b);
	return ret;
}

static int
test_wire_bursts(void)
{
	TEST_ASSERT(pl_setup() == 0, "setup");
	return wire_bursts(pl.w, 0);
}

/*
 * The same through the demultiplexer of a device with VLAN lowers: a
 * worker on the same data path whose segment takes VLAN 100 and the
 * untagged frames; the tags come off the frames to S.
 */
static int
test_wire_bursts_vlan(void)
{
	struct mvt_worker *wk;
	int ret;

	TEST_ASSERT(pl_setup() == 0, "setup");
	wk = mvt_worker_create(&pl.dp, 0, rte_lcore_id(), pl.stats);
	TEST_ASSERT(wk != NULL, "a worker");
	if (mvt_worker_add_vlan(wk, 100, wk) != 0 ||
			mvt_worker_add_vlan(wk, 0, wk) != 0) {
		mvt_worker_free(wk);
		return TEST_FAILED;
	}
	ret = wire_bursts(wk, 100);
	mvt_worker_free(wk);
	return ret;
}

/*
 * Two workers on one data path, and S a ready guest with one queue pair,
 * which worker 1 polls: what worker 0 has for S is handed to worker 1
 * through the ring between them, as far as its MVT_HANDOFF_RING frames
 * go, the rest dropped as handoff_full on S by worker 0, and worker 1
 * sends what it takes, MVT_HANDOFF_TAKE at a time, on S's queue pair,
 * counted there: here as ring_full, as S's device is a stand-in that
 * takes nothing. Every mbuf is back in the pool at the end.
 */
static int
test_handoff(void)
{
	const unsigned int n = MVT_HANDOFF_RING + 40;
	struct mvt_lcore_stats *st[2] = { NULL, NULL };
	struct mvt_worker *wk[2] = { NULL, NULL };
	struct rte_mbuf *pkts[MVT_BURST];
	struct mvt_worker_info wi;
	struct rte_mempool *mp, *pl_mp = pl.mp;
	unsigned int i, k, sent, took = 0, avail;
	struct mvt_vhost *v;
	struct mvt_dp dp;
	uint16_t t;
	int ret = TEST_FAILED;

	TEST_ASSERT(pl_setup() == 0, "setup");
	w_build(MVT_MODE_BRIDGE);
	mp = rte_pktmbuf_pool_create("handoff_mbufs", 2 * n, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	TEST_ASSERT_NOT_NULL(mp, "a pool");
	avail = rte_mempool_avail_count(mp);
	memset(&dp, 0, sizeof(dp));
	if (mvt_dp_init(&dp, "handoff", 2, 64, mp) != 0) {
		printf("no data path for two workers\n");
		rte_mempool_free(mp);
		return TEST_FAILED;
	}
	dp.lower = &pl.lower;
	dp.host = &pl.host;
	dp.tbl = &w.t;
	for (i = 0; i < 2; i++) {
		st[i] = rte_zmalloc("handoff_stats", sizeof(*st[i]),
			RTE_CACHE_LINE_SIZE);
		if (st[i] != NULL)
			wk[i] = mvt_worker_create(&dp, (uint16_t)i,
				rte_lcore_id(), st[i]);
		if (wk[i] == NULL) {
			printf("no worker %u\n", i);
			goto out;
		}
	}
	if (mvt_mactable_set_owner(dp.mt, w.t.ep[S].mac, S) != 0) {
		printf("S's MAC not in the table\n");
		goto out;
	}
	dp.ports[S].kind = MVT_PORT_KIND_VHOST;
	v = &dp.ports[S].vhost;
	v->vid = -1;
	v->nb_qp = 1;
	v->queues = 1;
	v->vring_enabled = 1;
	v->ready = 1;
	mvt_port_set_rx_owner(&dp.ports[S], 0, 1);
	/* the frames from this test's pool: the ring holds more than pl's */
	pl_mp = pl.mp;
	pl.mp = mp;
	for (sent = 0; sent < n; sent += k) {
		k = RTE_MIN((unsigned int)MVT_BURST, n - sent);
		for (i = 0; i < k; i++) {
			pkts[i] = seq_frame(w.t.ep[S].mac, MAC_EXT,
				(uint16_t)(sent + i));
			if (pkts[i] == NULL) {
				printf("no mbuf for frame %u\n", sent + i);
				goto out;
			}
		}
		mvt_worker_process(wk[0], &w.t, MVT_INGRESS_LOWER, pkts,
			(uint16_t)k);
	}
	pl.mp = pl_mp;
	mvt_worker_get_info(wk[1], &wi);
	if (st[0]->handoffs != MVT_HANDOFF_RING ||
			st[0]->port[S].drops[MVT_DROP_HANDOFF_FULL] != 40 ||
			st[0]->port[S].tx_packets != 0 ||
			wi.handoff_queued != MVT_HANDOFF_RING) {
		printf("worker 0 handed %" PRIu64 ", dropped %" PRIu64
			" as handoff_full, sent %" PRIu64 "; %u wait for "
			"worker 1\n", st[0]->handoffs,
			st[0]->port[S].drops[MVT_DROP_HANDOFF_FULL],
			st[0]->port[S].tx_packets, wi.handoff_queued);
		goto out;
	}
	while ((t = mvt_worker_take_handoffs(wk[1])) > 0) {
		if (t != MVT_HANDOFF_TAKE) {
			printf("worker 1 took %u at once\n", t);
			goto out;
		}
		took += t;
	}
	mvt_worker_get_info(wk[1], &wi);
	if (took != MVT_HANDOFF_RING || wi.handoff_queued != 0 ||
			st[1]->port[S].drops[MVT_DROP_RING_FULL] !=
			MVT_HANDOFF_RING || st[1]->handoffs != 0 ||
			st[0]->port[S].drops[MVT_DROP_RING_FULL] != 0) {
		printf("worker 1 took %u, %u left, counted %" PRIu64
			" on S\n", took, wi.handoff_queued,
			st[1]->port[S].drops[MVT_DROP_RING_FULL]);
		goto out;
	}
	ret = TEST_SUCCESS;
out:
	pl.mp = pl_mp;
	mvt_port_init(&dp.ports[S]);
	for (i = 0; i < 2; i++) {
		mvt_worker_free(wk[i]);
		rte_free(st[i]);
	}
	mvt_dp_fini(&dp);
	if (ret == TEST_SUCCESS && rte_mempool_avail_count(mp) != avail) {
		printf("%u mbufs not back in the pool\n",
			avail - rte_mempool_avail_count(mp));
		ret = TEST_FAILED;
	}
	rte_mempool_free(mp);
	return ret;
}

static struct unit_test_suite decide_suite = {
	.suite_name = "decision engine: spec section 6 tables",
	.unit_test_cases = {
		TEST_CASE(test_t1_to_bridge),
		TEST_CASE(test_t2_to_private_or_vepa),
		TEST_CASE(test_t3_to_source),
		TEST_CASE(test_t4_hairpin_to_private_or_vepa),
		TEST_CASE(test_t5_hairpin_to_source),
		TEST_CASE(test_t6_to_down_endpoint),
		TEST_CASE(test_t7_t8_unknown_and_lower_mac),
		TEST_CASE(test_t9_to_own_mac),
		TEST_CASE(test_t10_group_no_hairpin),
		TEST_CASE(test_t11_group_reflected),
		TEST_CASE(test_t12_nodst_lister),
		TEST_CASE(test_t1_t4_t5_plus_src),
		TEST_CASE(test_floods_filtered),
		TEST_CASE(test_r1_r2_unicast_from_wire),
		TEST_CASE(test_r3_r4_r5_group_from_wire),
		TEST_CASE(test_r6_source_lists_from_wire),
		TEST_CASE(test_x1_group_from_local_source),
		TEST_CASE(test_x1_forward_to_original_unfiltered),
		TEST_CASE(test_r7_queue_full),
		TEST_CASE(test_x2_x3_unicast_from_local_source),
		TEST_CASE(test_strict_private),
		TEST_CASE(test_admin_down),
		TEST_CASE(test_down_nodst_lister),
		TEST_CASE(test_pause_never_flooded),
		TEST_CASE(test_host_sends_to_wire),
		TEST_CASE(test_host_bridge),
		TEST_CASE(test_needs_src_and_names),
		TEST_CASE(test_burst_matches_single),
		TEST_CASE(test_software_relay),
		TEST_CASE(test_relay_nodst_lister),
		TEST_CASE(test_relay_keeps_drops),
		TEST_CASE(test_bc_cutoff),
		TEST_CASE(test_relay_bridge_rules),
		TEST_CASE(test_wire_bursts),
		TEST_CASE(test_wire_bursts_vlan),
		TEST_CASE(test_handoff),
		TEST_CASE(test_verdict_cache),
		TEST_CASES_END()
	}
};

/* Everything pl_setup() and pl_mactable() made. */
static void
pl_teardown(void)
{
	unsigned int i, j;

	mvt_worker_free(pl.w);
	mvt_port_close(&pl.lower);
	mvt_port_close(&pl.host);
	mvt_dp_fini(&pl.dp);
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			rte_ring_free(pl.ring[i][j]);
	rte_mempool_free(pl.mp);
	rte_free(pl.stats);
	memset(&pl, 0, sizeof(pl));
}

static int
test_decide(void)
{
	int ret = unit_test_suite_runner(&decide_suite);

	pl_teardown();
	return ret;
}

REGISTER_TEST_COMMAND(decide_autotest, test_decide);
