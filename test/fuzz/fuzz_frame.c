/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * fuzz_frame: libFuzzer target for the frame path -- classification, the
 * forwarding decision, the policy stage, the software reflective relay and
 * dispatch -- run by the real mvt_worker_process() and mvt_worker_main()
 * on arbitrary bytes.
 *
 * The data path is put together as mvt_switch.c does it, in process, with
 * the EAL on --no-huge: an mbuf pool, the MAC table, endpoint tables, the
 * vhost array with no vhost-user device ready (a copy for such an
 * endpoint is counted not_ready and freed), policies on some MACs and
 * spoofchk on some endpoints. The lower device, the host port and the
 * kernel (type=tap) endpoints are ring ethdevs (rte_eth_from_rings) opened
 * with mvt_port_open_ethdev(), so their TX is a real ethdev TX into a ring the
 * harness drains. The policies deny, or meter at rates no input can
 * reach, so that what they do is known in advance.
 *
 * Frames from the lower, the host port or a tap endpoint go on that port's
 * RX ring and are received by mvt_worker_main() (the taps through its poll
 * list), which an RX callback stops once the rings and the broadcast queue
 * are empty; frames from a vhost-user endpoint go to mvt_worker_process(),
 * as the loop hands them over after a vhost dequeue.
 *
 * Input:
 *   byte 0  bits 0-3  ingress: 0 the lower, 1 the host port, 2.. endpoint
 *                     (value - 2); modulo the number of endpoints + 2
 *           bit 4     hairpin (software reflective relay)
 *           bit 5     strict-private
 *           bit 6     a burst of length-prefixed frames follows; else the
 *                     rest of the input is one frame
 *           bit 7     no host port (ingress 1 then means the lower)
 *   byte 1  bits 0-1  endpoint table: 0 the full table (full_eps below);
 *                     1 the same with every vepa, bridge and private
 *                     endpoint down; 2 one passthru endpoint; 3 that
 *                     endpoint down
 *           bit 2     host-bridge (the host port is a bridge peer)
 *           bit 3     TX rings of 7 frames on the lower, the host port
 *                     and the tap endpoints
 *           bits 4-5  broadcast queue length: 0 the default, 1 two
 *                     frames, 2 none (every flood from the wire is lost),
 *                     3 one frame
 *           bits 6-7  broadcast cutoff (bclim): 0 the default, 1; 1 the
 *                     default on the lists table (the full table where
 *                     no up endpoint takes every group: lists_mcast
 *                     below); 2 cutoff 0 on the lists table; 3 cutoff -1
 *                     (nothing queued)
 *   then    one frame, or up to MVT_BURST frames, each after a 16-bit
 *           big-endian header: bits 0-10 its length (cut to what is
 *           left), bit 15 a chain of 2 segments whose first one has
 *           2 * (bits 11-14) bytes (below 14: malformed).
 *
 * The mbuf pool runs on the harness's own mempool ops: an mbuf is
 * poisoned for ASan while it is in the pool, so that a use after free is
 * caught where it happens, and freeing an mbuf already in the pool (a
 * reference given out without being counted) stops the run at once. The
 * data room of every mbuf in use is poisoned outside the frame's bytes,
 * so that a read past a segment is caught, not only one past the buffer.
 *
 * After each input, besides ASan and UBSan:
 *  - every mbuf is back in the pool once the TX rings are drained;
 *  - an mbuf on a TX ring is a frame of this input, unmodified, holding one
 *    reference per copy on the rings, and each frame is on each ring as
 *    often as its verdict says;
 *  - the ingress port counted every frame in (rx_packets, rx_bytes), and
 *    frames shorter than a header or longer than MVT_FRAME_MAX as dropped;
 *  - no frame vanishes: rx_packets == frames delivered somewhere + drops
 *    charged to the ingress port (a broadcast-queue drop that only loses
 *    the flood of a frame delivered elsewhere counts in both);
 *  - the counters agree, frame by frame, with the verdict of mvt_decide(),
 *    the policy stage as mvt_worker.c describes it (spoofchk and its
 *    link-local check, then the sender's "out" policy, then the destination's "in" policy; a dropped
 *    frame stays dropped) and mvt_decide_reflect() with hairpin: drops per
 *    reason at the ingress, copies per output port (tx_packets +
 *    not_ready + ring_full + tx_full), flood copies (multicast), and what
 *    each policy counted (conform, exceed) in each direction.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "mvt_common.h"
#include "mvt_decide.h"
#include "mvt_mactable.h"
#include "mvt_policy.h"
#include "mvt_port.h"
#include "mvt_stats.h"
#include "mvt_worker.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif
#ifdef FUZZ_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/lsan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#define IS_POISONED(p) __asan_address_is_poisoned(p)
#else
#define POISON(p, n) RTE_SET_USED(n)
#define UNPOISON(p, n) RTE_SET_USED(n)
#define IS_POISONED(p) 0
#endif

#define POOL_SIZE 511		/* mbufs: a burst of chains and then some */
#define RX_RING_SIZE 1024
#define TX_RING_SIZE 1024
#define TX_RING_SMALL 8		/* holds 7 */
static const uint32_t bcq_lens[] = { MVT_BCQUEUELEN_DEFAULT, 2, 0, 1 };
static const int32_t bclims[] = { MVT_BCLIM_DEFAULT, MVT_BCLIM_DEFAULT, 0, -1 };
#define MAX_LOOPS 64		/* worker loop iterations per input */
#define FRAME_MAX RTE_MBUF_DEFAULT_DATAROOM

/* Byte 0 and byte 1 of the input. */
#define OPT_INGRESS_MASK 0x0f
#define OPT_HAIRPIN 0x10
#define OPT_STRICT_PRIVATE 0x20
#define OPT_BURST 0x40
#define OPT_NO_HOST 0x80
#define ENV_TABLE_MASK 0x03
#define ENV_HOST_BRIDGE 0x04
#define ENV_SMALL_TX 0x08
#define ENV_BCQ_SHIFT 4
#define ENV_BCQ_MASK 0x30
#define ENV_BCLIM_SHIFT 6
#define ENV_BCLIM_MASK 0xc0

enum {
	TABLE_FULL,
	TABLE_FULL_DOWN,	/* vepa, bridge and private endpoints down */
	TABLE_PASSTHRU,
	TABLE_PASSTHRU_DOWN,
	TABLE_MAX,
};

#define LOWER_MAC "02:00:00:00:02:00"
#define HOST_MAC "02:00:00:00:02:01"

#define EP_LIST_MAX 5

struct ep_def {
	const char *mac;
	uint8_t mode;
	uint8_t up;
	uint8_t nodst;
	uint8_t spoofchk;
	const char *sources[EP_LIST_MAX];	/* NULL-terminated */
	const char *mcast[EP_LIST_MAX];		/* none: every group */
};

/*
 * The full table: endpoints of every mode but passthru (which stands
 * alone), up and down, with and without spoofchk and mcast= lists, source
 * lists with and without nodst; endpoints 3 and 5 are tap endpoints. Lister 6 also lists the MAC of endpoint 0
 * and its own; a down nodst lister (9) eats what it lists. Sources
 * 02:00:00:00:01:0x are stations on the wire.
 */
static const struct ep_def full_eps[] = {
	{ "02:00:00:00:00:00", MVT_MODE_VEPA, 1, 0, 0, { NULL }, { NULL } },
	{ "02:00:00:00:00:01", MVT_MODE_VEPA, 1, 0, 1, { NULL },
		{ "01:00:5e:00:00:01", "33:33:00:00:00:01", NULL } },
	{ "02:00:00:00:00:02", MVT_MODE_BRIDGE, 1, 0, 0, { NULL },
		{ "01:00:5e:00:00:fb", NULL } },
	{ "02:00:00:00:00:03", MVT_MODE_BRIDGE, 1, 0, 1, { NULL }, { NULL } },
	{ "02:00:00:00:00:04", MVT_MODE_PRIVATE, 1, 0, 0, { NULL }, { NULL } },
	{ "02:00:00:00:00:05", MVT_MODE_PRIVATE, 1, 0, 1, { NULL },
		{ "01:00:5e:00:00:01", NULL } },
	{ "02:00:00:00:00:06", MVT_MODE_SOURCE, 1, 0, 0,
		{ "02:00:00:00:01:01", "02:00:00:00:01:02",
		  "02:00:00:00:00:00", "02:00:00:00:00:06", NULL },
		{ NULL } },
	{ "02:00:00:00:00:07", MVT_MODE_SOURCE, 1, 1, 0,
		{ "02:00:00:00:01:02", "02:00:00:00:01:03", NULL },
		{ NULL } },
	{ "02:00:00:00:00:08", MVT_MODE_VEPA, 0, 0, 0, { NULL }, { NULL } },
	{ "02:00:00:00:00:09", MVT_MODE_SOURCE, 0, 1, 0,
		{ "02:00:00:00:01:03", NULL }, { NULL } },
	{ "02:00:00:00:00:0a", MVT_MODE_BRIDGE, 0, 0, 0, { NULL }, { NULL } },
};

#define N_FULL RTE_DIM(full_eps)

/*
 * The lists table: the full table, but the up endpoints that take every
 * group list some instead, so that groups are joined by 1 (ep1's
 * 33:33:00:00:00:01, ep0's 01:00:5e:00:00:02), 2 (01:00:5e:00:00:fb) and
 * 3 (01:00:5e:00:00:01) up endpoints; NULL: the list stays as it is.
 */
static const char *const lists_mcast[][EP_LIST_MAX] = {
	[0] = { "01:00:5e:00:00:02", NULL },
	[3] = { "01:00:5e:00:00:fb", NULL },
	[4] = { NULL },
	[6] = { "01:00:5e:00:00:01", NULL },
	[7] = { NULL },
};

/* The tap endpoints of the full table. */
static const uint16_t tap_eps[] = { 3, 5 };

#define N_TAPS RTE_DIM(tap_eps)

/* The ports with a TX ring the harness drains. */
enum {
	OUT_LOWER,
	OUT_HOST,
	OUT_TAP,	/* then one per tap endpoint */
	OUT_MAX = OUT_TAP + N_TAPS,
};

struct pol_def {
	const char *mac;
	uint8_t dir;		/* enum mvt_policy_dir */
	uint8_t deny;
	uint8_t peak;		/* trTCM */
};

/*
 * The policies of the full table: frames to endpoint 1 denied, endpoint
 * 4's frames and station 1's both ways metered (never over), station 4
 * denied both ways.
 */
static const struct pol_def pols[] = {
	{ "02:00:00:00:00:01", MVT_POLICY_DIR_IN, 1, 0 },
	{ "02:00:00:00:00:04", MVT_POLICY_DIR_OUT, 0, 0 },
	{ "02:00:00:00:01:01", MVT_POLICY_DIR_BOTH, 0, 1 },
	{ "02:00:00:00:01:04", MVT_POLICY_DIR_BOTH, 1, 0 },
};

#define N_POLS RTE_DIM(pols)

/* A ring ethdev: the switch transmits into tx, the harness feeds rx. */
struct fport {
	struct mvt_port l;
	struct rte_ring *rx;
	struct rte_ring *tx;
};

struct frame {
	const uint8_t *p;	/* its bytes in the input */
	uint16_t len;
	uint16_t seg1;		/* bytes in the first segment */
	uint8_t chain;
	uint8_t malformed;
	uint8_t to_out[OUT_MAX];	/* expected copies on each TX ring */
	struct rte_mbuf *m;
};

/* One TX ring of the current input, drained after it. */
struct out {
	struct fport *fp;		/* NULL: not in use */
	unsigned int port;		/* its counters */
	uint16_t n;
	uint64_t bytes;
	struct rte_mbuf *pkts[TX_RING_SIZE];
};

struct expect {
	uint64_t in_drop[MVT_DROP_MAX];	/* at the ingress port */
	uint64_t conform[N_POLS][MVT_POLICY_DIRS]; /* per policy direction */
	uint64_t exceed[N_POLS][MVT_POLICY_DIRS];
	uint64_t copies[MVT_PORTS];	/* copies handed to each port */
	uint64_t mc[MVT_PORTS];		/* of which flood copies */
	uint32_t delivered;		/* frames with at least one copy */
	uint32_t partial;		/* and a broadcast-queue drop too */
};

static struct {
	struct rte_mempool *mp;
	int pool_poison;		/* the pool is set up: poison */
	struct mvt_ep_table *tbl[TABLE_MAX];
	struct mvt_ep_table *tbl_lists;	/* TABLE_FULL with lists_mcast */
	struct mvt_mactable *mt_full;
	struct mvt_mactable *mt_pt;
	struct mvt_policy *pol[N_POLS];
	struct mvt_policy_counters pol_before[N_POLS][MVT_POLICY_DIRS];
	struct fport lower[2];		/* [1]: small TX ring */
	struct fport host[2];
	struct fport tap[N_TAPS][2];
	struct mvt_dp dp;
	struct mvt_worker *w_host;	/* created with a host port */
	struct mvt_worker *w_nohost;
	/* the current input */
	struct fport *cur_rx;		/* where its frames come from */
	struct mvt_worker *cur_w;
	struct mvt_lcore_stats *cur_st;	/* cur_w's counters */
	struct mvt_lcore_stats *st[2];	/* of w_host, w_nohost */
	unsigned int loops;
	int hung;
	uint8_t opt;
	uint8_t env;
	uint16_t ingress;
	uint16_t n_frames;
	struct frame frames[MVT_BURST];
	struct mvt_verdict verdicts[MVT_BURST];
	struct mvt_lcore_stats before;
	const struct mvt_lcore_stats *after;	/* set once the input ran */
	struct expect e;
	struct out out[OUT_MAX];
} g;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
die(const char *fmt, ...) __rte_format_printf(1, 2) __rte_noreturn;

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_frame: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

static uint64_t
mac_of(const char *s)
{
	uint64_t k;

	if (mvt_mac_parse(s, &k) != 0)
		die("bad MAC %s in the harness", s);
	return k;
}

static const char *
ingress_name(uint16_t ingress, char *buf, size_t len)
{
	if (ingress == MVT_INGRESS_LOWER)
		return "lower";
	if (ingress == MVT_INGRESS_HOST)
		return "host";
	snprintf(buf, len, "endpoint %u", ingress);
	return buf;
}

static const char *
port_name(unsigned int p, char *buf, size_t len)
{
	if (p == MVT_PORT_LOWER)
		return "lower";
	if (p == MVT_PORT_HOST)
		return "host";
	snprintf(buf, len, "endpoint %u", p);
	return buf;
}

/* The counters that moved, and what was expected of them. */
static void
dump_counters(void)
{
	const struct mvt_port_counters *a, *b;
	unsigned int p, r;
	char name[32];

	for (p = 0; p < MVT_PORTS; p++) {
		a = &g.after->port[p];
		b = &g.before.port[p];
		if (memcmp(a, b, sizeof(*a)) == 0 && g.e.copies[p] == 0 &&
				g.e.mc[p] == 0)
			continue;
		fprintf(stderr, "  port %s: rx +%" PRIu64 " tx +%" PRIu64
			" multicast +%" PRIu64 " (want %" PRIu64
			") copies want %" PRIu64 ":",
			port_name(p, name, sizeof(name)),
			a->rx_packets - b->rx_packets,
			a->tx_packets - b->tx_packets,
			a->multicast - b->multicast, g.e.mc[p], g.e.copies[p]);
		for (r = 1; r < MVT_DROP_MAX; r++)
			if (a->drops[r] != b->drops[r])
				fprintf(stderr, " %s +%" PRIu64,
					mvt_drop_name(r),
					a->drops[r] - b->drops[r]);
		fprintf(stderr, "\n");
	}
	fprintf(stderr, "  expected at the ingress:");
	for (r = 1; r < MVT_DROP_MAX; r++)
		if (g.e.in_drop[r] != 0)
			fprintf(stderr, " %s %" PRIu64, mvt_drop_name(r),
				g.e.in_drop[r]);
	fprintf(stderr, "; %u delivered, %u also lost their flood\n",
		g.e.delivered, g.e.partial);
}

/* What the input was, for a failure report. */
static void
dump_input(void)
{
	char mac[2][MVT_MAC_STRLEN], in[32];
	const struct mvt_verdict *v;
	const struct frame *f;
	uint16_t i, et;

	fprintf(stderr, "fuzz_frame: ingress %s, table %u, hairpin %d, strict-private %d, host port %d, host-bridge %d, small tx %d, bcqueuelen %u, bclim %d\n",
		ingress_name(g.ingress, in, sizeof(in)),
		g.env & ENV_TABLE_MASK, !!(g.opt & OPT_HAIRPIN),
		!!(g.opt & OPT_STRICT_PRIVATE), g.dp.host != NULL,
		!!(g.env & ENV_HOST_BRIDGE), !!(g.env & ENV_SMALL_TX),
		g.dp.bcqueuelen, (int)g.dp.tbl->bc_cutoff);
	for (i = 0; i < g.n_frames; i++) {
		f = &g.frames[i];
		v = &g.verdicts[i];
		if (f->malformed) {
			fprintf(stderr, "  frame %u: %u bytes, malformed (first segment %u)\n",
				i, f->len, f->chain ? f->seg1 : f->len);
			continue;
		}
		mvt_mac_format(mvt_mac_load6(f->p), mac[0]);
		mvt_mac_format(mvt_mac_load6(f->p + 6), mac[1]);
		memcpy(&et, f->p + 12, sizeof(et));
		fprintf(stderr, "  frame %u: %u bytes%s, %s <- %s type %04x: flags %#x flood %#x drop %s target %u exclude %u listers %u\n",
			i, f->len, f->chain ? " (chain)" : "", mac[0], mac[1],
			rte_be_to_cpu_16(et), v->flags, v->flood,
			mvt_drop_name(v->drop), v->target, v->exclude,
			v->src_copies != NULL ? v->src_copies->n_listers : 0);
	}
	if (g.after != NULL)
		dump_counters();
}

static void
check(int ok, const char *fmt, ...) __rte_format_printf(2, 3);

static void
check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	fprintf(stderr, "fuzz_frame: invariant broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	dump_input();
	abort();
}

/* Stop mvt_worker_main() once nothing is left to receive or fan out. */
static uint16_t
rx_watch(uint16_t port_id, uint16_t queue, struct rte_mbuf **pkts,
	uint16_t nb_pkts, uint16_t max_pkts, void *arg)
{
	struct mvt_worker *w = g.cur_w;
	struct mvt_worker_info wi;

	RTE_SET_USED(queue);
	RTE_SET_USED(pkts);
	RTE_SET_USED(max_pkts);
	RTE_SET_USED(arg);
	/* the lower is polled first in every iteration */
	if (w == NULL || port_id != g.dp.lower->eth.port_id)
		return nb_pkts;
	mvt_worker_get_info(w, &wi);
	if (++g.loops > MAX_LOOPS) {
		g.hung = 1;
		__atomic_store_n(&g.dp.quit, 1, __ATOMIC_RELAXED);
	} else if (g.loops > 1 && nb_pkts == 0 &&
			rte_ring_count(g.cur_rx->rx) == 0 &&
			wi.bcast_queued == 0) {
		__atomic_store_n(&g.dp.quit, 1, __ATOMIC_RELAXED);
	}
	return nb_pkts;
}

static void
fport_open(struct fport *p, const char *name, unsigned int tx_size,
	const char *mac)
{
	char rname[RTE_RING_NAMESIZE], dev[RTE_ETH_NAME_MAX_LEN];
	char err[MVT_ERR_MAX];
	struct rte_ether_addr addr;

	snprintf(rname, sizeof(rname), "%s_rx", name);
	p->rx = rte_ring_create(rname, RX_RING_SIZE, rte_socket_id(),
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(rname, sizeof(rname), "%s_tx", name);
	p->tx = rte_ring_create(rname, tx_size, rte_socket_id(),
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (p->rx == NULL || p->tx == NULL)
		die("cannot create the rings of %s: %s", name,
			rte_strerror(rte_errno));
	if (rte_eth_from_rings(name, &p->rx, 1, &p->tx, 1,
			rte_socket_id()) < 0)
		die("cannot create ring port %s: %s", name,
			rte_strerror(rte_errno));
	/* the port as the switch opens its lower: by name, configured */
	snprintf(dev, sizeof(dev), "net_ring_%s", name);
	if (mvt_port_open_ethdev(&p->l, "--lower", dev, 1, MVT_MTU, g.mp, err,
			sizeof(err)) != 0)
		die("%s", err);
	mvt_mac_store6(mac_of(mac), addr.addr_bytes);
	if (rte_eth_dev_default_mac_addr_set(p->l.eth.port_id, &addr) == 0)
		p->l.eth.mac = mac_of(mac);
	if (rte_eth_add_rx_callback(p->l.eth.port_id, 0, rx_watch,
			NULL) == NULL)
		die("cannot add an RX callback to %s", name);
}

/*
 * Mempool ops: a ring, as the default ops, and ASan poisoning of what is
 * in it. An mbuf is in the pool exactly when its first byte is poisoned.
 */
static int
pool_alloc(struct rte_mempool *mp)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "fzpool_%s", mp->name);
	mp->pool_data = rte_ring_create(name, rte_align32pow2(mp->size + 1),
		mp->socket_id, RING_F_SP_ENQ | RING_F_SC_DEQ);
	return mp->pool_data != NULL ? 0 : -rte_errno;
}

static void
pool_free(struct rte_mempool *mp)
{
	rte_ring_free(mp->pool_data);
}

static int
pool_enqueue(struct rte_mempool *mp, void * const *objs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && g.pool_poison; i++) {
		if (IS_POISONED(objs[i]))
			die("mbuf %p freed while already in the pool: one reference too few was counted",
				objs[i]);
		POISON(objs[i], mp->elt_size);
	}
	return rte_ring_enqueue_bulk(mp->pool_data, objs, n, NULL) == n ?
		0 : -ENOBUFS;
}

static int
pool_dequeue(struct rte_mempool *mp, void **objs, unsigned int n)
{
	unsigned int i;

	if (rte_ring_dequeue_bulk(mp->pool_data, objs, n, NULL) != n)
		return -ENOBUFS;
	for (i = 0; i < n; i++)
		UNPOISON(objs[i], mp->elt_size);
	return 0;
}

static unsigned int
pool_get_count(const struct rte_mempool *mp)
{
	return rte_ring_count(mp->pool_data);
}

static const struct rte_mempool_ops pool_ops = {
	.name = "fuzz_frame_pool",
	.alloc = pool_alloc,
	.free = pool_free,
	.enqueue = pool_enqueue,
	.dequeue = pool_dequeue,
	.get_count = pool_get_count,
};

RTE_MEMPOOL_REGISTER_OPS(pool_ops);

/* rte_mempool_obj_iter() callback: poison an mbuf of the new pool. */
static void
pool_poison_obj(struct rte_mempool *mp, void *arg, void *obj, unsigned int i)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(i);
	POISON(obj, mp->elt_size);
}

static struct mvt_ep_table *
table_alloc(void)
{
	struct mvt_ep_table *t;

	t = rte_zmalloc("fuzz_eps", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		die("cannot allocate an endpoint table");
	mvt_ep_table_derive(t, 0, 0);
	t->host_mac = g.host[0].l.eth.mac;
	t->lower_mac = g.lower[0].l.eth.mac;
	return t;
}

/* The endpoint tables and MAC tables, as mvt_switch_create() builds them. */
static void
tables_build(void)
{
	struct mvt_ep_table *t;
	const struct ep_def *d;
	unsigned int s, n_out;
	uint64_t pt_mac;
	uint16_t id;
	int ret;

	g.mt_full = mvt_mactable_create("fuzz_macs", 64, rte_socket_id(),
		g.dp.qsbr);
	g.mt_pt = mvt_mactable_create("fuzz_macs_pt", 64, rte_socket_id(),
		g.dp.qsbr);
	if (g.mt_full == NULL || g.mt_pt == NULL)
		die("cannot create the MAC tables");

	t = g.tbl[TABLE_FULL] = table_alloc();
	t->n_eps = N_FULL;
	for (id = 0; id < N_FULL; id++) {
		d = &full_eps[id];
		t->ep[id].mac = mac_of(d->mac);
		t->ep[id].mode = d->mode;
		t->ep[id].up = d->up;
		t->ep[id].nodst = d->nodst;
		t->ep[id].spoofchk = d->spoofchk;
		/* as ep_state_from_conf(): every group unless mcast= */
		for (s = 0; d->mcast[s] != NULL; s++)
			t->mc[id][s] = mac_of(d->mcast[s]);
		t->ep[id].mc_all = s == 0;
		t->ep[id].n_mc = (uint16_t)s;
		ret = mvt_mactable_set_owner(g.mt_full, t->ep[id].mac, id);
		for (s = 0; ret == 0 && d->sources[s] != NULL; s++) {
			ret = mvt_mactable_add_lister(g.mt_full,
				mac_of(d->sources[s]), id);
			t->ep[id].n_src++;
		}
		if (ret != 0)
			die("MAC table: %s", rte_strerror(-ret));
	}

	/* the policies, as policy_attach() in mvt_switch.c */
	n_out = 0;
	for (s = 0; s < N_POLS; s++) {
		struct mvt_policy_conf pc;
		char err[MVT_ERR_MAX];

		mvt_policy_conf_init(&pc);
		snprintf(pc.name, sizeof(pc.name), "fuzz%u", s);
		pc.mac = mac_of(pols[s].mac);
		pc.dir = pols[s].dir;
		if (pols[s].deny) {
			pc.action = MVT_POLICY_DENY;
		} else {
			pc.rate_kbps = MVT_POLICY_RATE_MAX;
			pc.burst_kb = MVT_POLICY_BURST_MAX;
			pc.pps = MVT_POLICY_PPS_MAX;
			if (pols[s].peak)
				pc.peak_kbps = MVT_POLICY_RATE_MAX;
		}
		g.pol[s] = mvt_policy_create(&pc, rte_get_tsc_hz(), err,
			sizeof(err));
		if (g.pol[s] == NULL)
			die("policy %u: %s", s, err);
		ret = 0;
		if (pc.dir != MVT_POLICY_DIR_OUT)
			ret = mvt_mactable_set_policy(g.mt_full, pc.mac,
				MVT_POLICY_DIR_IN, g.pol[s]);
		if (ret == 0 && pc.dir != MVT_POLICY_DIR_IN) {
			ret = mvt_mactable_set_policy(g.mt_full, pc.mac,
				MVT_POLICY_DIR_OUT, g.pol[s]);
			n_out++;
		}
		if (ret != 0)
			die("MAC table: %s", rte_strerror(-ret));
	}
	mvt_ep_table_derive(t, N_POLS, n_out);

	t = g.tbl_lists = table_alloc();
	memcpy(t, g.tbl[TABLE_FULL], sizeof(*t));
	for (id = 0; id < RTE_DIM(lists_mcast); id++) {
		if (!t->ep[id].mc_all || !t->ep[id].up)
			continue;
		for (s = 0; lists_mcast[id][s] != NULL; s++)
			t->mc[id][s] = mac_of(lists_mcast[id][s]);
		t->ep[id].mc_all = 0;
		t->ep[id].n_mc = (uint16_t)s;
	}
	/* a table changed is a new one: the workers' verdict caches */
	mvt_ep_table_derive(t, N_POLS, n_out);

	t = g.tbl[TABLE_FULL_DOWN] = table_alloc();
	memcpy(t, g.tbl[TABLE_FULL], sizeof(*t));
	for (id = 0; id < N_FULL; id++)
		if (t->ep[id].mode != MVT_MODE_SOURCE)
			t->ep[id].up = 0;
	mvt_ep_table_derive(t, N_POLS, n_out);

	/* passthru without mac= inherits the lower's MAC */
	pt_mac = g.lower[0].l.eth.mac;
	t = g.tbl[TABLE_PASSTHRU] = table_alloc();
	t->n_eps = 1;
	t->ep[0].mac = pt_mac;
	t->ep[0].mode = MVT_MODE_PASSTHRU;
	t->ep[0].up = 1;
	t->ep[0].mc_all = 1;
	mvt_ep_table_derive(t, 0, 0);
	ret = mvt_mactable_set_owner(g.mt_pt, pt_mac, 0);
	if (ret != 0)
		die("MAC table: %s", rte_strerror(-ret));

	t = g.tbl[TABLE_PASSTHRU_DOWN] = table_alloc();
	memcpy(t, g.tbl[TABLE_PASSTHRU], sizeof(*t));
	t->ep[0].up = 0;
	mvt_ep_table_derive(t, 0, 0);
}

/*
 * The tap endpoints' ports: ring ethdevs, where the switch has the net_tap
 * device of a tap endpoint.
 */
static void
taps_build(void)
{
	unsigned int i;

	for (i = 0; i < N_TAPS; i++)
		g.dp.ports[tap_eps[i]] = g.tap[i][0].l;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal_argv[] = {
		(char *)"fuzz_frame", (char *)"--no-huge", (char *)"-m",
		(char *)"128", (char *)"--no-pci", (char *)"--no-telemetry",
		(char *)"--no-shconf", (char *)"--file-prefix",
		(char *)"fuzzframe", (char *)"-l", (char *)"0",
		(char *)"--log-level=*:error",
	};
	struct mvt_lcore_stats *st[2];
	char name[RTE_RING_NAMESIZE];
	unsigned int i;

	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
#ifdef FUZZ_ASAN
	/* the EAL's own allocations live as long as the process */
	__lsan_disable();
#endif
	if (rte_eal_init((int)RTE_DIM(eal_argv), eal_argv) < 0)
		die("cannot initialise the EAL: %s", rte_strerror(rte_errno));

	/* no per-lcore cache: every free reaches pool_enqueue() */
	g.mp = rte_pktmbuf_pool_create_by_ops("fuzz_mbufs", POOL_SIZE, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id(), pool_ops.name);
	if (g.mp == NULL)
		die("cannot create the mbuf pool: %s", rte_strerror(rte_errno));
	/* rte_pktmbuf_init() has written them: from now on, poison */
	rte_mempool_obj_iter(g.mp, pool_poison_obj, NULL);
	g.pool_poison = 1;

	if (mvt_dp_init(&g.dp, "fuzz", 1, 64, g.mp) != 0)
		die("cannot set up the data path");
	/* the cases bring their MAC tables (tables_build) */
	mvt_mactable_free(g.dp.mt);

	fport_open(&g.lower[0], "fz_lower", TX_RING_SIZE, LOWER_MAC);
	fport_open(&g.lower[1], "fz_lower_s", TX_RING_SMALL, LOWER_MAC);
	fport_open(&g.host[0], "fz_host", TX_RING_SIZE, HOST_MAC);
	fport_open(&g.host[1], "fz_host_s", TX_RING_SMALL, HOST_MAC);
	for (i = 0; i < N_TAPS; i++) {
		snprintf(name, sizeof(name), "fz_tap%u", i);
		fport_open(&g.tap[i][0], name, TX_RING_SIZE,
			full_eps[tap_eps[i]].mac);
		snprintf(name, sizeof(name), "fz_tap%u_s", i);
		fport_open(&g.tap[i][1], name, TX_RING_SMALL,
			full_eps[tap_eps[i]].mac);
	}
	tables_build();
	taps_build();

	g.dp.tbl = g.tbl[TABLE_FULL];
	g.dp.mt = g.mt_full;
	g.dp.lower = &g.lower[0].l;
	st[0] = rte_zmalloc("fuzz_stats", sizeof(*st[0]), RTE_CACHE_LINE_SIZE);
	st[1] = rte_zmalloc("fuzz_stats", sizeof(*st[1]), RTE_CACHE_LINE_SIZE);
	g.st[0] = st[0];
	g.st[1] = st[1];
	if (st[0] == NULL || st[1] == NULL)
		die("cannot allocate the counters");
	g.dp.host = &g.host[0].l;
	g.w_host = mvt_worker_create(&g.dp, 0, rte_lcore_id(), st[0]);
	g.dp.host = NULL;
	g.w_nohost = mvt_worker_create(&g.dp, 0, rte_lcore_id(), st[1]);
	if (g.w_host == NULL || g.w_nohost == NULL)
		die("cannot create the workers");
	/* both poll the tap endpoints, as polls_publish() would place them */
	for (i = 0; i < 2; i++) {
		struct mvt_poll_list *pl = mvt_poll_list_alloc(N_TAPS);
		unsigned int k;

		if (pl == NULL)
			die("cannot allocate a poll list");
		for (k = 0; k < N_TAPS; k++) {
			pl->p[k].ep = tap_eps[k];
			pl->p[k].qp = 0;
		}
		pl->n = N_TAPS;
		mvt_worker_set_polls(i == 0 ? g.w_host : g.w_nohost, pl);
	}
#ifdef FUZZ_ASAN
	__lsan_enable();
#endif
	return 0;
}

/* Fill one segment and poison its data room around the bytes. */
static void
seg_fill(struct rte_mbuf *m, const uint8_t *p, uint16_t len)
{
	uint8_t *buf = m->buf_addr;

	UNPOISON(buf, m->buf_len);
	memcpy(buf + m->data_off, p, len);
	m->data_len = len;
	m->pkt_len = len;
	POISON(buf, m->data_off);
	POISON(buf + m->data_off + len, m->buf_len - m->data_off - len);
}

static struct rte_mbuf *
frame_mbuf(const struct frame *f)
{
	struct rte_mbuf *m, *m2;
	uint16_t seg1 = f->chain ? RTE_MIN(f->seg1, f->len) : f->len;

	m = rte_pktmbuf_alloc(g.mp);
	if (m == NULL)
		die("mbuf pool exhausted");
	seg_fill(m, f->p, seg1);
	if (!f->chain)
		return m;
	m2 = rte_pktmbuf_alloc(g.mp);
	if (m2 == NULL)
		die("mbuf pool exhausted");
	seg_fill(m2, f->p + seg1, f->len - seg1);
	if (rte_pktmbuf_chain(m, m2) != 0)
		die("cannot chain two segments");
	return m;
}

/* Split the input into frames; returns how many. */
static uint16_t
parse_frames(const uint8_t *p, size_t left, int burst)
{
	struct frame *f;
	uint16_t n = 0, hdr, seg1;

	if (!burst) {
		f = &g.frames[n++];
		memset(f, 0, sizeof(*f));
		f->p = p;
		f->len = (uint16_t)RTE_MIN(left, (size_t)FRAME_MAX);
		f->malformed = f->len < MVT_ETH_HLEN;
		return n;
	}
	while (left >= 2 && n < MVT_BURST) {
		hdr = (uint16_t)(p[0] << 8 | p[1]);
		p += 2;
		left -= 2;
		f = &g.frames[n++];
		memset(f, 0, sizeof(*f));
		f->p = p;
		f->len = (uint16_t)RTE_MIN(left, (size_t)(hdr & 0x7ff));
		f->chain = hdr >> 15;
		f->seg1 = (uint16_t)(((hdr >> 11) & 0xf) * 2);
		seg1 = f->chain ? RTE_MIN(f->seg1, f->len) : f->len;
		f->malformed = seg1 < MVT_ETH_HLEN;
		p += f->len;
		left -= f->len;
	}
	return n;
}

static unsigned int
policy_index(const struct mvt_policy *p)
{
	unsigned int i;

	for (i = 0; i < N_POLS; i++)
		if (g.pol[i] == p)
			return i;
	die("a MAC table entry holds a policy the harness did not make");
}

/* One policy direction meters a frame: deny or (never over) allow. */
static uint8_t
expect_meter(const struct mvt_policy *p, unsigned int dir, struct expect *e)
{
	unsigned int i = policy_index(p);

	if (pols[i].deny) {
		e->exceed[i][dir]++;
		return MVT_DROP_POLICY_DENY;
	}
	e->conform[i][dir]++;
	return MVT_DROP_NONE;
}

/*
 * The policy stage (mvt_worker.c): a frame from a spoofchk endpoint must
 * carry its MAC; then the sender's "out" policy and the destination's "in"
 * policy meter it; the first that drops it is the reason, and it is
 * metered no further.
 */
static void
expect_policy(const struct mvt_ep_table *t, const struct mvt_cls *c,
	struct mvt_verdict *v, struct expect *e)
{
	const struct mvt_policy *p;

	if (v->drop != MVT_DROP_NONE)
		return;
	if (g.ingress < MVT_MAX_ENDPOINTS && t->ep[g.ingress].spoofchk &&
			c->src != t->ep[g.ingress].mac) {
		v->drop = MVT_DROP_SPOOF;
		return;
	}
	/* nor may it send link-local control frames */
	if (g.ingress < MVT_MAX_ENDPOINTS && t->ep[g.ingress].spoofchk &&
			(mvt_mac_is_link_local(c->dst) ||
			c->ethertype == MVT_ETHERTYPE_PAUSE)) {
		v->drop = MVT_DROP_LINK_LOCAL;
		return;
	}
	p = c->src_e != NULL ? c->src_e->policy[MVT_POLICY_DIR_OUT] : NULL;
	if (p != NULL) {
		v->drop = expect_meter(p, MVT_POLICY_DIR_OUT, e);
		if (v->drop != MVT_DROP_NONE)
			return;
	}
	p = c->dst_e != NULL ? c->dst_e->policy[MVT_POLICY_DIR_IN] : NULL;
	if (p != NULL)
		v->drop = expect_meter(p, MVT_POLICY_DIR_IN, e);
}

/* The TX ring of endpoint @p id in the current table, or OUT_MAX. */
static unsigned int
ep_out(uint16_t id)
{
	unsigned int i;

	if ((g.env & ENV_TABLE_MASK) > TABLE_FULL_DOWN)
		return OUT_MAX;
	for (i = 0; i < N_TAPS; i++)
		if (tap_eps[i] == id)
			return OUT_TAP + i;
	return OUT_MAX;
}

/* One copy of @p f for endpoint @p id; @p flood: a flood copy. */
static void
expect_ep_copy(struct frame *f, struct expect *e, uint16_t id, int flood)
{
	unsigned int o = ep_out(id);

	e->copies[id]++;
	e->mc[id] += flood;
	if (o != OUT_MAX)
		f->to_out[o]++;
}

/*
 * Whether the flood of group frame @p dst from the wire is queued, as
 * the pipeline's contract says (mvt_decide.h, Linux's bc_filter): never
 * with a negative cutoff; always for broadcast, or when the lower takes
 * every group (forced promiscuous, an up passthru endpoint, an up
 * endpoint taking every group); else when more than the cutoff up
 * endpoints list the group.
 */
static int
expect_queued(const struct mvt_ep_table *t, uint64_t dst)
{
	int32_t n = 0;
	uint16_t id, i;

	if (t->bc_cutoff < 0)
		return 0;
	if (dst == MVT_MAC_BROADCAST || t->lower_promisc)
		return 1;
	for (id = 0; id < t->n_eps; id++) {
		if (!t->ep[id].up)
			continue;
		if (t->ep[id].mc_all || t->ep[id].mode == MVT_MODE_PASSTHRU)
			return 1;
		for (i = 0; i < t->ep[id].n_mc; i++)
			n += t->mc[id][i] == dst;
	}
	return n > t->bc_cutoff;
}

/*
 * Where frame @p f should go: its verdict, as the pipeline's contract
 * reads it (mvt_worker.h, mvt_stats.h), added to @p e.
 */
static void
expect_frame(const struct mvt_ep_table *t, struct frame *f,
	struct mvt_verdict *v, uint32_t *queued, struct expect *e)
{
	const struct mvt_mac_entry *sc;
	struct mvt_cls c;
	uint32_t copies = 0;
	uint16_t ids[MVT_MAX_ENDPOINTS];
	struct mvt_verdict fv;
	uint16_t et, i, reach;
	int bcq_lost = 0, queue;

	c.dst = mvt_mac_load6(f->p);
	c.src = mvt_mac_load6(f->p + 6);
	memcpy(&et, f->p + 12, sizeof(et));
	c.ethertype = rte_be_to_cpu_16(et);
	c.dst_e = mvt_mactable_lookup(g.dp.mt, c.dst);
	c.src_e = mvt_decide_needs_src(t, c.dst) ?
		mvt_mactable_lookup(g.dp.mt, c.src) : NULL;
	mvt_decide(t, g.ingress, &c, v);
	expect_policy(t, &c, v, e);
	/* a frame the policy stage dropped never leaves: nothing reflects */
	if (g.dp.hairpin && g.ingress != MVT_INGRESS_LOWER &&
			v->drop == MVT_DROP_NONE)
		mvt_decide_reflect(t, &c, v);
	if (v->drop != MVT_DROP_NONE) {
		e->in_drop[v->drop]++;
		return;
	}
	if (v->flags & MVT_V_WIRE) {
		f->to_out[OUT_LOWER]++;
		e->copies[MVT_PORT_LOWER]++;
		copies++;
	}
	if ((v->flags & MVT_V_HOST) && g.dp.host != NULL) {
		f->to_out[OUT_HOST]++;
		e->copies[MVT_PORT_HOST]++;
		copies++;
	}
	if (v->target != MVT_EP_NONE) {
		expect_ep_copy(f, e, v->target, 0);
		copies++;
	}
	sc = v->src_copies;
	for (i = 0; sc != NULL && i < sc->n_listers; i++) {
		if (t->ep[sc->listers[i]].up) {
			expect_ep_copy(f, e, sc->listers[i], 0);
			copies++;
		}
	}
	/*
	 * A flood from the wire, and the part of a flood that only the
	 * relay's reflected copy brings (rflood), waits in the broadcast
	 * queue unless few enough endpoints joined its group; when the
	 * queue is full, that part is lost (and counted), the other copies
	 * go. A flood that reaches nobody has nothing to lose.
	 */
	fv = *v;
	fv.flood = g.ingress == MVT_INGRESS_LOWER ? v->flood : v->rflood;
	reach = fv.flood != 0 ? mvt_flood_receivers(t, &fv, c.dst, ids) : 0;
	queue = reach > 0 && expect_queued(t, c.dst);
	if (queue && *queued >= g.dp.bcqueuelen) {
		e->in_drop[MVT_DROP_BCAST_QUEUE]++;
		bcq_lost = 1;
	} else if (queue) {
		(*queued)++;
		for (i = 0; i < reach; i++)
			expect_ep_copy(f, e, ids[i], 1);
		copies += reach;
	}
	/* the rest is flooded at once */
	fv.flood = v->flood & ~(expect_queued(t, c.dst) ? fv.flood : 0);
	reach = fv.flood != 0 ? mvt_flood_receivers(t, &fv, c.dst, ids) : 0;
	for (i = 0; i < reach; i++)
		expect_ep_copy(f, e, ids[i], 1);
	copies += reach;
	if (copies > 0) {
		e->delivered++;
		e->partial += bcq_lost;
	} else if (!bcq_lost) {
		/* "a frame that reaches nobody is charged to the ingress" */
		e->in_drop[MVT_DROP_NO_DEST]++;
	}
}

static int
reason_is_egress(unsigned int r)
{
	return r == MVT_DROP_NOT_READY || r == MVT_DROP_RING_FULL ||
		r == MVT_DROP_TX_FULL;
}

static unsigned int
ingress_port(uint16_t ingress)
{
	if (ingress == MVT_INGRESS_LOWER)
		return MVT_PORT_LOWER;
	if (ingress == MVT_INGRESS_HOST)
		return MVT_PORT_HOST;
	return ingress;
}

#define DELTA(a, b, field) ((a)->field - (b)->field)

/* The counters against the expectation, port by port. */
static void
check_counters(const struct mvt_lcore_stats *after, uint32_t n_in,
	uint64_t bytes_in)
{
	const struct mvt_port_counters *a, *b;
	const struct expect *e = &g.e;
	unsigned int in = ingress_port(g.ingress), p, r, o;
	uint64_t rx_drops = 0, out, want;
	int small = !!(g.env & ENV_SMALL_TX);
	const struct out *ob;

	for (p = 0; p < N_POLS; p++) {
		for (r = 0; r < MVT_POLICY_DIRS; r++) {
			struct mvt_policy_counters pc;

			mvt_policy_read(g.pol[p], r, &pc);
			check(pc.conform_pkts - g.pol_before[p][r].conform_pkts ==
				e->conform[p][r] &&
				pc.exceed_pkts - g.pol_before[p][r].exceed_pkts ==
				e->exceed[p][r],
				"policy %u %s: conform +%" PRIu64 " exceed +%" PRIu64 ", want %" PRIu64 " and %" PRIu64,
				p, mvt_policy_dir_name(r),
				pc.conform_pkts - g.pol_before[p][r].conform_pkts,
				pc.exceed_pkts - g.pol_before[p][r].exceed_pkts,
				e->conform[p][r], e->exceed[p][r]);
		}
	}
	check(DELTA(after, &g.before, packets) == n_in,
		"lcore packets +%" PRIu64 ", %u frames in",
		DELTA(after, &g.before, packets), n_in);

	a = &after->port[in];
	b = &g.before.port[in];
	for (r = 1; r < MVT_DROP_MAX; r++)
		if (!reason_is_egress(r))
			rx_drops += DELTA(a, b, drops[r]);
	check(n_in + e->partial == e->delivered + rx_drops,
		"ingress: %u frames in, %u of them delivered by their verdicts, %" PRIu64 " drops counted (%u frames both delivered and counted): frames in != delivered + drops",
		n_in, e->delivered, rx_drops, e->partial);

	for (p = 0; p < MVT_PORTS; p++) {
		a = &after->port[p];
		b = &g.before.port[p];
		want = p == in ? n_in : 0;
		check(DELTA(a, b, rx_packets) == want,
			"port %u rx_packets +%" PRIu64 ", want %" PRIu64, p,
			DELTA(a, b, rx_packets), want);
		want = p == in ? bytes_in : 0;
		check(DELTA(a, b, rx_bytes) == want,
			"port %u rx_bytes +%" PRIu64 ", want %" PRIu64, p,
			DELTA(a, b, rx_bytes), want);
		for (r = 1; r < MVT_DROP_MAX; r++) {
			if (reason_is_egress(r))
				continue;
			want = p == in ? e->in_drop[r] : 0;
			check(DELTA(a, b, drops[r]) == want,
				"port %u drops[%s] +%" PRIu64 ", want %" PRIu64,
				p, mvt_drop_name(r), DELTA(a, b, drops[r]),
				want);
		}
		out = DELTA(a, b, tx_packets) +
			DELTA(a, b, drops[MVT_DROP_NOT_READY]) +
			DELTA(a, b, drops[MVT_DROP_RING_FULL]) +
			DELTA(a, b, drops[MVT_DROP_TX_FULL]);
		check(out == e->copies[p],
			"port %u got %" PRIu64 " copies (tx + not_ready + ring_full + tx_full), want %" PRIu64,
			p, out, e->copies[p]);
		check(DELTA(a, b, multicast) == e->mc[p],
			"port %u multicast +%" PRIu64 ", want %" PRIu64, p,
			DELTA(a, b, multicast), e->mc[p]);
		for (o = 0, ob = NULL; o < OUT_MAX; o++)
			if (g.out[o].fp != NULL && g.out[o].port == p)
				ob = &g.out[o];
		if (ob == NULL && p < MVT_MAX_ENDPOINTS) {
			/* no guest is connected: nothing can be sent */
			check(DELTA(a, b, tx_packets) == 0 &&
				DELTA(a, b, tx_bytes) == 0 &&
				DELTA(a, b, drops[MVT_DROP_RING_FULL]) == 0 &&
				DELTA(a, b, drops[MVT_DROP_TX_FULL]) == 0,
				"endpoint %u without a guest sent or lost frames other than not_ready",
				p);
			continue;
		}
		check(DELTA(a, b, drops[MVT_DROP_NOT_READY]) == 0 &&
			DELTA(a, b, drops[MVT_DROP_RING_FULL]) == 0,
			"port %u counted a guest's drop", p);
		if (ob == NULL)
			continue;
		check(DELTA(a, b, tx_packets) == ob->n,
			"port %u tx_packets +%" PRIu64 ", %u frames on its TX ring",
			p, DELTA(a, b, tx_packets), ob->n);
		check(DELTA(a, b, tx_bytes) == ob->bytes,
			"port %u tx_bytes +%" PRIu64 ", %" PRIu64 " bytes on its TX ring",
			p, DELTA(a, b, tx_bytes), ob->bytes);
		if (!small)
			check(DELTA(a, b, drops[MVT_DROP_TX_FULL]) == 0,
				"port %u tx_full with room on its ring", p);
	}
}

/* Take what the ports transmitted, check it, and free it. */
static void
drain_and_check(uint32_t n_in, uint64_t bytes_in)
{
	uint16_t cnt[OUT_MAX][MVT_BURST], occ[MVT_BURST], i, f;
	uint8_t buf[FRAME_MAX];
	struct rte_mbuf *m, *s;
	const struct frame *fr;
	unsigned int o;
	struct out *ob;
	const void *d;

	g.after = g.cur_st;
	memset(cnt, 0, sizeof(cnt));
	memset(occ, 0, sizeof(occ));
	for (o = 0; o < OUT_MAX; o++) {
		ob = &g.out[o];
		ob->n = 0;
		ob->bytes = 0;
		if (ob->fp == NULL)
			continue;
		ob->n = (uint16_t)rte_ring_dequeue_burst(ob->fp->tx,
			(void **)ob->pkts, TX_RING_SIZE, NULL);
		for (i = 0; i < ob->n; i++) {
			m = ob->pkts[i];
			for (f = 0; f < g.n_frames; f++)
				if (g.frames[f].m == m &&
						!g.frames[f].malformed)
					break;
			check(f < g.n_frames, "port %u: its TX ring holds an mbuf that is no valid frame of this input",
				ob->port);
			occ[f]++;
			cnt[o][f]++;
			ob->bytes += rte_pktmbuf_pkt_len(m);
		}
	}
	for (f = 0; f < g.n_frames; f++) {
		fr = &g.frames[f];
		for (o = 0; o < OUT_MAX && !(g.env & ENV_SMALL_TX); o++)
			check(cnt[o][f] == fr->to_out[o],
				"frame %u: %u copies on the TX ring of port %u, want %u",
				f, cnt[o][f], g.out[o].port, fr->to_out[o]);
		if (occ[f] == 0)
			continue;
		m = fr->m;
		for (s = m; s != NULL; s = s->next)
			check(rte_mbuf_refcnt_read(s) == occ[f],
				"frame %u: refcnt %u with %u copies on TX rings",
				f, rte_mbuf_refcnt_read(s), occ[f]);
		check(rte_pktmbuf_pkt_len(m) == fr->len &&
			m->nb_segs == (fr->chain ? 2 : 1),
			"frame %u: length or segments changed", f);
		d = rte_pktmbuf_read(m, 0, fr->len, buf);
		check(d != NULL && memcmp(d, fr->p, fr->len) == 0,
			"frame %u: bytes changed on the way", f);
	}
	for (o = 0; o < OUT_MAX; o++)
		for (i = 0; i < g.out[o].n; i++)
			rte_pktmbuf_free(g.out[o].pkts[i]);
	check(rte_mempool_avail_count(g.mp) == g.mp->size,
		"%u mbufs of %u back in the pool after the input: leaked",
		rte_mempool_avail_count(g.mp), g.mp->size);
	check_counters(g.after, n_in, bytes_in);
}

/*
 * Run the worker loop until the RX callback on g.cur_rx stops it (nothing
 * left to do), at most MAX_LOOPS iterations.
 */
static void
run_worker_loop(void)
{
	g.loops = 0;
	g.hung = 0;
	__atomic_store_n(&g.dp.quit, 0, __ATOMIC_RELAXED);
	mvt_worker_main(g.cur_w);
	check(!g.hung, "the worker loop still had work after %d iterations",
		MAX_LOOPS);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *pkts[MVT_BURST];
	const struct mvt_ep_table *t;
	struct mvt_worker_info wi;
	uint32_t queued = 0;
	uint64_t bytes_in = 0;
	unsigned int sel, table, small, bclim;
	uint16_t i;

	if (size < 2)
		return 0;
	g.opt = data[0];
	g.env = data[1];
	table = g.env & ENV_TABLE_MASK;

	/* the switch as this input wants it */
	bclim = (g.env & ENV_BCLIM_MASK) >> ENV_BCLIM_SHIFT;
	g.dp.tbl = table == TABLE_FULL && (bclim == 1 || bclim == 2) ?
		g.tbl_lists : g.tbl[table];
	g.dp.tbl->strict_private = !!(g.opt & OPT_STRICT_PRIVATE);
	g.dp.tbl->host_bridge = !!(g.env & ENV_HOST_BRIDGE);
	g.dp.tbl->bc_cutoff = bclims[bclim];
	/* changed in place: a new table, as publishing one is */
	mvt_ep_table_derive(g.dp.tbl, g.dp.tbl->has_policies,
		g.dp.tbl->has_out_policies);
	g.dp.mt = table <= TABLE_FULL_DOWN ? g.mt_full : g.mt_pt;
	g.dp.hairpin = !!(g.opt & OPT_HAIRPIN);
	g.dp.bcqueuelen = bcq_lens[(g.env & ENV_BCQ_MASK) >> ENV_BCQ_SHIFT];
	small = !!(g.env & ENV_SMALL_TX);
	memset(g.out, 0, sizeof(g.out));
	g.out[OUT_LOWER].fp = &g.lower[small];
	g.out[OUT_LOWER].port = MVT_PORT_LOWER;
	g.dp.lower = &g.lower[small].l;
	if (g.opt & OPT_NO_HOST) {
		g.dp.host = NULL;
		g.cur_w = g.w_nohost;
		g.cur_st = g.st[1];
	} else {
		g.out[OUT_HOST].fp = &g.host[small];
		g.out[OUT_HOST].port = MVT_PORT_HOST;
		g.dp.host = &g.host[small].l;
		g.cur_w = g.w_host;
		g.cur_st = g.st[0];
	}
	for (i = 0; i < N_TAPS; i++) {
		g.out[OUT_TAP + i].fp = &g.tap[i][small];
		g.out[OUT_TAP + i].port = tap_eps[i];
		g.dp.ports[tap_eps[i]] = g.tap[i][small].l;
	}
	t = g.dp.tbl;
	sel = (g.opt & OPT_INGRESS_MASK) % (t->n_eps + 2u);
	if (sel == 0 || (sel == 1 && g.dp.host == NULL))
		g.ingress = MVT_INGRESS_LOWER;
	else if (sel == 1)
		g.ingress = MVT_INGRESS_HOST;
	else
		g.ingress = (uint16_t)(sel - 2);

	g.n_frames = parse_frames(data + 2, size - 2, g.opt & OPT_BURST);
	memset(&g.e, 0, sizeof(g.e));
	for (i = 0; i < g.n_frames; i++) {
		memset(&g.verdicts[i], 0, sizeof(g.verdicts[i]));
		if (g.frames[i].malformed) {
			g.e.in_drop[MVT_DROP_MALFORMED]++;
			continue;
		}
		if (g.frames[i].len > MVT_FRAME_MAX) {
			g.e.in_drop[MVT_DROP_OVERSIZE]++;
			continue;
		}
		expect_frame(t, &g.frames[i], &g.verdicts[i], &queued, &g.e);
	}
	for (i = 0; i < g.n_frames; i++) {
		g.frames[i].m = frame_mbuf(&g.frames[i]);
		pkts[i] = g.frames[i].m;
		bytes_in += g.frames[i].len;
	}
	memcpy(&g.before, g.cur_st, sizeof(g.before));
	for (i = 0; i < N_POLS; i++) {
		mvt_policy_read(g.pol[i], MVT_POLICY_DIR_IN,
			&g.pol_before[i][MVT_POLICY_DIR_IN]);
		mvt_policy_read(g.pol[i], MVT_POLICY_DIR_OUT,
			&g.pol_before[i][MVT_POLICY_DIR_OUT]);
	}
	g.after = NULL;

	if (g.ingress == MVT_INGRESS_LOWER)
		g.cur_rx = g.out[OUT_LOWER].fp;
	else if (g.ingress == MVT_INGRESS_HOST)
		g.cur_rx = g.out[OUT_HOST].fp;
	else if (ep_out(g.ingress) != OUT_MAX)
		g.cur_rx = g.out[ep_out(g.ingress)].fp;
	else
		g.cur_rx = NULL;
	if (g.cur_rx != NULL) {
		struct rte_ring *rx = g.cur_rx->rx;

		if (rte_ring_enqueue_burst(rx, (void **)pkts, g.n_frames,
				NULL) != g.n_frames)
			die("RX ring full");
		run_worker_loop();
		check(rte_ring_count(rx) == 0, "frames left on the RX ring");
	} else {
		mvt_worker_process(g.cur_w, t, g.ingress, pkts, g.n_frames);
		/* the relay's reflected floods wait in the broadcast queue */
		mvt_worker_get_info(g.cur_w, &wi);
		if (wi.bcast_queued > 0) {
			g.cur_rx = g.out[OUT_LOWER].fp;
			run_worker_loop();
		}
	}
	drain_and_check(g.n_frames, bytes_in);
	return 0;
}
