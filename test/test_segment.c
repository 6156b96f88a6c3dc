/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * Several lowers: the --lower and --host-port forms and their error lines,
 * the 802.1Q tag handling of VLAN lowers (mvt_vlan.h), a switch with two
 * segments whose MAC tables and floods stay apart, and the MTUs of lowers
 * and endpoints, held at every ingress and egress.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_mbuf.h>

#include "mvt_switch_priv.h"
#include "test.h"

static char err[MVT_ERR_MAX];
static char dir[64];
static struct mvt_switch *sw;
static struct rte_mempool *mp;

#define MAC_X UINT64_C(0x0a0000000002)	/* 02:00:00:00:00:0a */
#define MAC_Y UINT64_C(0x0b0000000002)	/* 02:00:00:00:00:0b */
#define MAC_EXT UINT64_C(0x550000000002)	/* 02:00:00:00:00:55 */

static const char *
sock(const char *name)
{
	static char path[4][128];
	static unsigned int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s.sock", dir, name);
	return path[k];
}

/* Parse @p argv (NULL-terminated, after the program name). */
static int
parse(struct mvt_conf *c, const char *const *args)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = (char *)(uintptr_t)"mvtap-test";
	while (*args != NULL && argc < 31)
		argv[argc++] = (char *)(uintptr_t)*args++;
	argv[argc] = NULL;
	mvt_conf_init(c);
	return mvt_conf_parse_args(c, argc, argv, err, sizeof(err));
}

static int
parse_fails_with(const char *const *args, const char *expected)
{
	static struct mvt_conf c;

	if (parse(&c, args) != 0 && strcmp(err, expected) == 0)
		return 1;
	printf("  got:      \"%s\"\n  expected: \"%s\"\n", err, expected);
	return 0;
}

/* The two --lower forms, --host-port lower=, endpoint lower= */
static int
test_lower_forms(void)
{
	static struct mvt_conf c;
	const char *v1[] = { "--lower", "net_tap0,iface=mvl0", "--host-port",
		"net_tap1,iface=h0", NULL };
	const char *v2[] = {
		"--lower", "name=up0,dev=net_tap0,iface=mvl0",
		"--host-port", "lower=up1,dev=net_tap9,iface=h1",
		"--lower", "name=up1,vlan=100,mtu=9000,dev=net_tap0,iface=mvl0",
		"--lower", "name=up2,vlan=200,dev=net_tap0,iface=mvl0",
		NULL };

	TEST_ASSERT_SUCCESS(parse(&c, v1), "v1: %s", err);
	TEST_ASSERT_EQUAL(c.n_lowers, 1, "one lower");
	TEST_ASSERT(strcmp(c.lowers[0].name, "lower") == 0, "named lower");
	TEST_ASSERT(strcmp(c.lowers[0].dev, "net_tap0,iface=mvl0") == 0,
		"dev %s", c.lowers[0].dev);
	TEST_ASSERT(strcmp(mvt_conf_lower_host_port(&c, 0),
		"net_tap1,iface=h0") == 0, "v1 host port");

	TEST_ASSERT_SUCCESS(parse(&c, v2), "v2: %s", err);
	TEST_ASSERT_EQUAL(c.n_lowers, 3, "three lowers");
	TEST_ASSERT(strcmp(c.lowers[0].dev, "net_tap0,iface=mvl0") == 0,
		"dev= takes the rest, commas and all: %s", c.lowers[0].dev);
	/* up1 was made by --host-port, before its --lower */
	TEST_ASSERT(strcmp(c.lowers[1].name, "up1") == 0, "order of first use");
	TEST_ASSERT_EQUAL(c.lowers[1].vlan, 100, "vlan");
	TEST_ASSERT_EQUAL(c.lowers[1].mtu, 9000, "mtu passed through");
	TEST_ASSERT(strcmp(mvt_conf_lower_host_port(&c, 1),
		"net_tap9,iface=h1") == 0, "up1's host port");
	TEST_ASSERT(mvt_conf_lower_host_port(&c, 0)[0] == '\0',
		"up0 has none");
	TEST_ASSERT_EQUAL(mvt_conf_lower_dev_owner(&c, 2), 0,
		"up2 shares up0's device");
	TEST_ASSERT_EQUAL(mvt_conf_lower_dev_owner(&c, 0), 0, "up0 opens it");
	return TEST_SUCCESS;
}

static int
test_lower_errors(void)
{
	char s1[256], s2[256];
	const char *two[] = { "--lower", "name=a,dev=net_null0",
		"--lower", "name=b,dev=net_null1", "--endpoint", s1, NULL };
	const char *unknown[] = { "--lower", "name=a,dev=net_null0",
		"--endpoint", s2, NULL };
	const char *samedev[] = { "--lower", "name=a,dev=net_null0",
		"--lower", "name=b,dev=net_null0", NULL };
	const char *samevlan[] = { "--lower", "name=a,vlan=7,dev=net_null0",
		"--lower", "name=b,vlan=7,dev=net_null0", NULL };
	const char *badvlan[] = { "--lower", "name=a,vlan=4095,dev=x", NULL };
	const char *zerovlan[] = { "--lower", "name=a,vlan=0,dev=x", NULL };
	const char *nodev[] = { "--lower", "name=a,vlan=7", NULL };
	const char *badkey[] = { "--lower", "name=a,speed=7,dev=x", NULL };
	const char *badname[] = { "--lower", "name=a/b,dev=x", NULL };
	const char *hostv1[] = { "--lower", "name=a,dev=net_null0",
		"--lower", "name=b,dev=net_null1", "--host-port", "net_tap0",
		NULL };
	const char *hostbad[] = { "--lower", "x", "--host-port",
		"lower=a,net_tap0", NULL };
	const char *hostnolower[] = { "--lower", "x", "--host-port",
		"lower=b,dev=net_tap0", NULL };

	snprintf(dir, sizeof(dir), "/tmp");
	snprintf(s1, sizeof(s1), "name=e,mac=02:00:00:00:00:01,socket=/tmp/e.sock");
	snprintf(s2, sizeof(s2), "name=e,mac=02:00:00:00:00:01,socket=/tmp/e.sock,lower=zz");
	TEST_ASSERT(parse_fails_with(two,
		"--endpoint e: lower= missing: there are several lowers (a, b)"),
		"two lowers, no lower=");
	TEST_ASSERT(parse_fails_with(unknown,
		"--endpoint e: lower=zz: no such lower (expected a)"),
		"unknown lower");
	TEST_ASSERT(parse_fails_with(samedev,
		"--lower b: device net_null0 is already lower a (a second lower on a device needs vlan=)"),
		"same device");
	TEST_ASSERT(parse_fails_with(samevlan,
		"--lower b: device net_null0 vlan 7 is already lower a"),
		"same vlan");
	TEST_ASSERT(parse_fails_with(badvlan,
		"--lower name=a,vlan=4095: expected an integer 1..4094"),
		"vlan range");
	TEST_ASSERT(parse_fails_with(zerovlan,
		"--lower name=a,vlan=0: expected an integer 1..4094"),
		"vlan 0");
	TEST_ASSERT(parse_fails_with(nodev,
		"--lower name=a,vlan=7: dev=DEVICE missing (it comes last)"),
		"no dev=");
	TEST_ASSERT(parse_fails_with(badkey,
		"--lower name=a,speed=7,dev=x: speed: unknown key (expected name, vlan, mtu, dev)"),
		"unknown key");
	TEST_ASSERT(parse_fails_with(badname,
		"--lower name=a/b: name may contain only A-Z a-z 0-9 _ . -"),
		"bad name");
	TEST_ASSERT(parse_fails_with(hostv1,
		"--host-port net_tap0: there are several lowers: say whose (--host-port lower=NAME,dev=DEVICE)"),
		"v1 host port with several lowers");
	TEST_ASSERT(parse_fails_with(hostbad,
		"--host-port lower=a,net_tap0: expected lower=NAME,dev=DEVICE"),
		"host port form");
	TEST_ASSERT(parse_fails_with(hostnolower,
		"--lower b: no device (--lower name=b,dev=DEVICE)"),
		"host port of a lower never defined");
	return TEST_SUCCESS;
}

/* [lower NAME] sections beside the v1 [lower] */
static int
test_lower_ini(void)
{
	static struct mvt_conf c;
	char path[] = "/tmp/mvt-seg-XXXXXX";
	const char *args[] = { "--config", path, NULL };
	int fd = mkstemp(path);
	FILE *f;

	TEST_ASSERT(fd >= 0, "temporary file");
	f = fdopen(fd, "w");
	TEST_ASSERT_NOT_NULL(f, "fdopen");
	fprintf(f, "[lower]\nhairpin = 1\n\n"
		"[lower eth1]\ndevice = net_null0\nhost-port = net_null9\n\n"
		"[lower eth2.100]\ndevice = net_null1\nvlan = 100\n\n"
		"[endpoint a]\nmac = 02:00:00:00:00:01\nsocket = /tmp/a.sock\n"
		"lower = eth2.100\n");
	fclose(f);
	TEST_ASSERT_SUCCESS(parse(&c, args), "ini: %s", err);
	unlink(path);
	TEST_ASSERT_EQUAL(c.n_lowers, 2, "two lowers, [lower] made none");
	TEST_ASSERT_EQUAL(c.hairpin, 1, "switch-wide key of [lower]");
	TEST_ASSERT(strcmp(c.lowers[0].host_port, "net_null9") == 0,
		"host-port in [lower NAME]");
	TEST_ASSERT_EQUAL(c.lowers[1].vlan, 100, "vlan=");
	TEST_ASSERT_EQUAL(mvt_conf_ep_lower(&c, &c.ep[0]), 1, "lower=");
	return TEST_SUCCESS;
}

/* A frame: DA, SA, then @p tags 802.1Q/ad tags (TPID, TCI), EtherType. */
static struct rte_mbuf *
frame(const uint16_t *tags, unsigned int n_tags)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *p;
	unsigned int i;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, 64);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0xee, 64);
	mvt_mac_store6(MAC_X, p);
	mvt_mac_store6(MAC_EXT, p + 6);
	for (i = 0; i < n_tags; i++) {
		p[12 + 4 * i] = (uint8_t)(tags[2 * i] >> 8);
		p[13 + 4 * i] = (uint8_t)tags[2 * i];
		p[14 + 4 * i] = (uint8_t)(tags[2 * i + 1] >> 8);
		p[15 + 4 * i] = (uint8_t)tags[2 * i + 1];
	}
	p[12 + 4 * n_tags] = 0x08;
	p[13 + 4 * n_tags] = 0x00;
	return m;
}

static uint16_t
be16_at(const struct rte_mbuf *m, unsigned int off)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	return (uint16_t)(p[off] << 8 | p[off + 1]);
}

static int
macs_intact(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	return mvt_mac_load(p) == MAC_X && mvt_mac_load(p + 6) == MAC_EXT;
}

/* Pop: the tag goes, its TCI (priority bits too) stays in the mbuf. */
static int
test_vlan_pop(void)
{
	const uint16_t one[] = { 0x8100, (5 << 13) | 0x1000 | 100 };
	const uint16_t two[] = { 0x8100, (3 << 13) | 200, 0x8100, 7 };
	const uint16_t prio[] = { 0x8100, 6 << 13 };
	const uint16_t qinq[] = { 0x88a8, 100, 0x8100, 5 };
	struct rte_mbuf *m;

	m = frame(one, 1);
	TEST_ASSERT_NOT_NULL(m, "mbuf");
	TEST_ASSERT_EQUAL(mvt_vlan_peek(m), 100, "outer VID");
	mvt_vlan_pop(m);
	TEST_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 60, "4 bytes fewer");
	TEST_ASSERT(macs_intact(m), "MACs moved with the pop");
	TEST_ASSERT_EQUAL(be16_at(m, 12), 0x0800, "EtherType follows");
	TEST_ASSERT_EQUAL(m->vlan_tci, (5 << 13) | 0x1000 | 100,
		"PCP, DEI and VID kept");
	TEST_ASSERT(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED, "stripped");
	TEST_ASSERT_EQUAL(mvt_vlan_peek(m), 100, "still of VLAN 100");
	rte_pktmbuf_free(m);

	/* double-tagged: the outer tag selects, the inner one stays */
	m = frame(two, 2);
	TEST_ASSERT_NOT_NULL(m, "mbuf");
	TEST_ASSERT_EQUAL(mvt_vlan_peek(m), 200, "outer VID of two");
	mvt_vlan_pop(m);
	TEST_ASSERT_EQUAL(be16_at(m, 12), 0x8100, "inner tag kept");
	TEST_ASSERT_EQUAL(be16_at(m, 14), 7, "inner TCI kept");
	TEST_ASSERT(macs_intact(m), "MACs");
	rte_pktmbuf_free(m);

	/* a priority tag and an 802.1ad outer tag are not a VLAN */
	m = frame(prio, 1);
	TEST_ASSERT_NOT_NULL(m, "mbuf");
	TEST_ASSERT_EQUAL(mvt_vlan_peek(m), 0, "priority-tagged: untagged");
	rte_pktmbuf_free(m);
	m = frame(qinq, 2);
	TEST_ASSERT_NOT_NULL(m, "mbuf");
	TEST_ASSERT_EQUAL(mvt_vlan_peek(m), 0, "0x88a8 outer: untagged");
	rte_pktmbuf_free(m);
	m = frame(NULL, 0);
	TEST_ASSERT_NOT_NULL(m, "mbuf");
	TEST_ASSERT_EQUAL(mvt_vlan_peek(m), 0, "untagged");
	rte_pktmbuf_free(m);

	/* stripped by the hardware, then given back to the untagged lower */
	m = frame(NULL, 0);
	TEST_ASSERT_NOT_NULL(m, "mbuf");
	m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	m->vlan_tci = (2 << 13) | 300;
	TEST_ASSERT_EQUAL(mvt_vlan_peek(m), 300, "hardware-stripped VID");
	mvt_vlan_unstrip(m);
	TEST_ASSERT_EQUAL(be16_at(m, 12), 0x8100, "tag back in the frame");
	TEST_ASSERT_EQUAL(be16_at(m, 14), (2 << 13) | 300, "with its TCI");
	TEST_ASSERT(macs_intact(m), "MACs");
	rte_pktmbuf_free(m);
	return TEST_SUCCESS;
}

/* Push: software and hardware, the priority of the frame's own tag */
static int
test_vlan_push(void)
{
	const uint16_t prio[] = { 0x8100, (6 << 13) };
	struct rte_mbuf *m, *r;

	m = frame(NULL, 0);
	TEST_ASSERT_NOT_NULL(m, "mbuf");
	r = mvt_vlan_push(m, 100, 0, mp);
	TEST_ASSERT(r == m, "an unshared frame is tagged in place");
	TEST_ASSERT_EQUAL(rte_pktmbuf_pkt_len(r), 68, "4 bytes more");
	TEST_ASSERT(macs_intact(r), "MACs before the tag");
	TEST_ASSERT_EQUAL(be16_at(r, 12), 0x8100, "TPID");
	TEST_ASSERT_EQUAL(be16_at(r, 14), 100, "VID 100, priority 0");
	TEST_ASSERT_EQUAL(be16_at(r, 16), 0x0800, "EtherType after");
	/* a pop gives the frame back */
	TEST_ASSERT_EQUAL(mvt_vlan_peek(r), 100, "peek");
	mvt_vlan_pop(r);
	TEST_ASSERT_EQUAL(rte_pktmbuf_pkt_len(r), 64, "round trip");
	rte_pktmbuf_free(r);

	/* a guest's priority-tagged frame: its priority goes on the wire */
	m = frame(prio, 1);
	TEST_ASSERT_NOT_NULL(m, "mbuf");
	r = mvt_vlan_push(m, 200, 0, mp);
	TEST_ASSERT_EQUAL(be16_at(r, 14), (6 << 13) | 200, "PCP 6 kept");
	TEST_ASSERT_EQUAL(be16_at(r, 16), 0x8100, "its own tag inside");
	rte_pktmbuf_free(r);

	/* the hardware inserts: the frame is untouched, the flag says it */
	m = frame(NULL, 0);
	TEST_ASSERT_NOT_NULL(m, "mbuf");
	r = mvt_vlan_push(m, 300, 1, mp);
	TEST_ASSERT(r == m && (r->ol_flags & RTE_MBUF_F_TX_VLAN) &&
		r->vlan_tci == 300, "TX_VLAN with TCI 300");
	TEST_ASSERT_EQUAL(rte_pktmbuf_pkt_len(r), 64, "frame not changed");
	rte_pktmbuf_free(r);

	/* shared with another copy (a flood): tagged on a copy of its own */
	m = frame(NULL, 0);
	TEST_ASSERT_NOT_NULL(m, "mbuf");
	rte_mbuf_refcnt_update(m, 1);
	r = mvt_vlan_push(m, 100, 1, mp);
	TEST_ASSERT(r != NULL && r != m, "a copy");
	TEST_ASSERT_EQUAL(rte_mbuf_refcnt_read(m), 1,
		"the copy's reference released");
	TEST_ASSERT(!(m->ol_flags & RTE_MBUF_F_TX_VLAN),
		"the other copy gets no tag flag");
	TEST_ASSERT(r->ol_flags & RTE_MBUF_F_TX_VLAN, "the copy has it");
	TEST_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 64, "original unchanged");
	rte_pktmbuf_free(r);
	rte_pktmbuf_free(m);
	return TEST_SUCCESS;
}

/*
 * A switch with lowers a (x: bridge, y: bridge with @p y_keys) and b (z:
 * vepa, with x's MAC), --bclim -1 so that floods are delivered inline.
 */
static int
switch_start(const char *lower_a, const char *lower_b, const char *y_keys)
{
	static char s[3][256];
	static struct mvt_conf c;
	const char *args[] = { "--lower", lower_a, "--lower", lower_b,
		"--bclim", "-1", "--endpoint", s[0], "--endpoint", s[1],
		"--endpoint", s[2], NULL };

	snprintf(dir, sizeof(dir), "/tmp/mvt-seg-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(s[0], sizeof(s[0]),
		"name=x,mac=02:00:00:00:00:0a,mode=bridge,lower=a,socket=%s",
		sock("x"));
	snprintf(s[1], sizeof(s[1]),
		"name=y,mac=02:00:00:00:00:0b,mode=bridge,lower=a%s,socket=%s",
		y_keys, sock("y"));
	snprintf(s[2], sizeof(s[2]),
		"name=z,mac=02:00:00:00:00:0a,mode=vepa,lower=b,socket=%s",
		sock("z"));
	if (parse(&c, args) != 0) {
		printf("configuration: %s\n", err);
		return -1;
	}
	sw = mvt_switch_create(&c, err, sizeof(err));
	if (sw == NULL) {
		printf("switch: %s\n", err);
		return -1;
	}
	return 0;
}

static int
switch_up(void)
{
	return switch_start("name=a,dev=net_null10,no-rx=1",
		"name=b,dev=net_null11,no-rx=1", "");
}

/* Lower a at MTU 9000, b at the default; y on a at 1500, x at a's. */
static int
switch_up_mtu(void)
{
	return switch_start("name=a,mtu=9000,dev=net_null12,no-rx=1",
		"name=b,dev=net_null13,no-rx=1", ",mtu=1500");
}

static void
switch_down(void)
{
	mvt_switch_destroy(sw);
	sw = NULL;
	rmdir(dir);
}

/*
 * A frame of @p len bytes into segment @p g from port @p ingress, through
 * its pipeline.
 */
static int
send_frame_len(unsigned int g, uint16_t ingress, uint64_t dst, uint64_t src,
	uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(sw->seg[0].dp.mp), *t;
	uint16_t first;
	uint8_t *p;

	if (m == NULL)
		return -1;
	first = RTE_MIN(len, (uint16_t)rte_pktmbuf_tailroom(m));
	/* longer than one mbuf holds: the rest in a second one */
	p = (uint8_t *)rte_pktmbuf_append(m, first);
	memset(p, 0, first);
	if (len > first) {
		t = rte_pktmbuf_alloc(sw->seg[0].dp.mp);
		if (t == NULL || rte_pktmbuf_append(t, len - first) == NULL ||
				rte_pktmbuf_chain(m, t) != 0) {
			rte_pktmbuf_free(t);
			rte_pktmbuf_free(m);
			return -1;
		}
	}
	mvt_mac_store6(dst, p);
	mvt_mac_store6(src, p + 6);
	p[12] = 0x88;
	p[13] = 0xb5;
	mvt_worker_process(sw->seg[g].workers[0], sw->seg[g].dp.tbl, ingress,
		&m, 1);
	return 0;
}

static int
send_frame(unsigned int g, uint16_t ingress, uint64_t dst, uint64_t src)
{
	return send_frame_len(g, ingress, dst, src, 60);
}

/* Copies the switch handed to port @p port: delivered or dropped there. */
static uint64_t
handed(unsigned int port)
{
	struct mvt_port_counters c;

	mvt_switch_port_counters(sw, port, &c);
	return c.tx_packets + c.drops[MVT_DROP_NOT_READY] +
		c.drops[MVT_DROP_RING_FULL] + c.drops[MVT_DROP_TX_FULL];
}

static int
test_segments_apart(void)
{
	const struct mvt_mac_entry *ea, *eb;
	int x = mvt_switch_ep_find(sw, "x"), y = mvt_switch_ep_find(sw, "y");
	int z = mvt_switch_ep_find(sw, "z");

	TEST_ASSERT(x >= 0 && y >= 0 && z >= 0, "endpoints");
	/* one MAC, once per segment */
	ea = mvt_mactable_lookup(sw->seg[0].dp.mt, MAC_X);
	eb = mvt_mactable_lookup(sw->seg[1].dp.mt, MAC_X);
	TEST_ASSERT(ea != NULL && ea->owner == x, "a: x owns the MAC");
	TEST_ASSERT(eb != NULL && eb->owner == z, "b: z owns the same MAC");
	TEST_ASSERT_NULL(mvt_mactable_lookup(sw->seg[1].dp.mt, MAC_Y),
		"y is not in b's table");
	TEST_ASSERT_EQUAL(sw->seg[1].dp.tbl->ep[x].mode, 0,
		"x is no endpoint of b");

	/* a broadcast from a's wire: x and y, nothing in b */
	TEST_ASSERT_SUCCESS(send_frame(0, MVT_INGRESS_LOWER, MVT_MAC_BROADCAST,
		MAC_EXT), "frame");
	TEST_ASSERT_EQUAL(handed((unsigned int)x), 1, "x got the flood");
	TEST_ASSERT_EQUAL(handed((unsigned int)y), 1, "y got the flood");
	TEST_ASSERT_EQUAL(handed((unsigned int)z), 0, "z did not");

	/* from b's wire: z only */
	TEST_ASSERT_SUCCESS(send_frame(1, MVT_INGRESS_LOWER, MVT_MAC_BROADCAST,
		MAC_EXT), "frame");
	TEST_ASSERT_EQUAL(handed((unsigned int)z), 1, "z got b's flood");
	TEST_ASSERT_EQUAL(handed((unsigned int)x) + handed((unsigned int)y),
		2, "a's endpoints did not");

	/* unicast to the shared MAC from b's wire: z, not x */
	TEST_ASSERT_SUCCESS(send_frame(1, MVT_INGRESS_LOWER, MAC_X, MAC_EXT),
		"frame");
	TEST_ASSERT_EQUAL(handed((unsigned int)z), 2, "z by its MAC");
	TEST_ASSERT_EQUAL(handed((unsigned int)x), 1, "x not");

	/* x's broadcast: y and a's wire; neither b's wire nor z */
	TEST_ASSERT_SUCCESS(send_frame(0, (uint16_t)x, MVT_MAC_BROADCAST,
		MAC_X), "frame");
	TEST_ASSERT_EQUAL(handed((unsigned int)y), 2, "y, bridge flood");
	TEST_ASSERT_EQUAL(handed(MVT_SWITCH_LOWER(0)), 1, "a's wire");
	TEST_ASSERT_EQUAL(handed(MVT_SWITCH_LOWER(1)), 0, "not b's wire");
	TEST_ASSERT_EQUAL(handed((unsigned int)z), 2, "not z");

	/* a unicast from x to y's MAC stays local in a */
	TEST_ASSERT_SUCCESS(send_frame(0, (uint16_t)x, MAC_Y, MAC_X), "frame");
	TEST_ASSERT_EQUAL(handed((unsigned int)y), 3, "x to y locally");
	return TEST_SUCCESS;
}

/* Live: an endpoint added to b takes a MAC a has; removal keeps a's. */
static int
test_segments_live(void)
{
	char spec[256];
	const struct mvt_mac_entry *e;
	int w;

	snprintf(spec, sizeof(spec),
		"name=w,mac=02:00:00:00:00:0b,mode=bridge,lower=b,socket=%s",
		sock("w"));
	TEST_ASSERT_SUCCESS(mvt_switch_add_endpoint(sw, spec, err,
		sizeof(err)), "add w: %s", err);
	w = mvt_switch_ep_find(sw, "w");
	e = mvt_mactable_lookup(sw->seg[1].dp.mt, MAC_Y);
	TEST_ASSERT(e != NULL && e->owner == w, "w owns y's MAC in b");
	snprintf(spec, sizeof(spec),
		"name=v,mac=02:00:00:00:00:0b,lower=b,socket=%s", sock("v"));
	TEST_ASSERT(mvt_switch_add_endpoint(sw, spec, err, sizeof(err)) != 0 &&
		strcmp(err, "--endpoint mac=02:00:00:00:00:0b: MAC already used by endpoint w") == 0,
		"a MAC twice in one segment: %s", err);
	snprintf(spec, sizeof(spec),
		"name=v,mac=02:00:00:00:00:0c,socket=%s", sock("v"));
	TEST_ASSERT(mvt_switch_add_endpoint(sw, spec, err, sizeof(err)) != 0 &&
		strcmp(err, "--endpoint v: lower= missing: there are several lowers (a, b)") == 0,
		"no lower= live: %s", err);
	TEST_ASSERT_SUCCESS(mvt_switch_del_endpoint(sw, "w", err,
		sizeof(err)), "del w: %s", err);
	TEST_ASSERT_NULL(mvt_mactable_lookup(sw->seg[1].dp.mt, MAC_Y),
		"w's MAC gone from b");
	e = mvt_mactable_lookup(sw->seg[0].dp.mt, MAC_Y);
	TEST_ASSERT(e != NULL && e->owner == mvt_switch_ep_find(sw, "y"),
		"y still owns it in a");
	return TEST_SUCCESS;
}

/* Drops of @p port for reason @p r. */
static uint64_t
dropped(unsigned int port, enum mvt_drop_reason r)
{
	struct mvt_port_counters c;

	mvt_switch_port_counters(sw, port, &c);
	return c.drops[r];
}

/* The MTU endpoint @p name's frames are held to. */
static uint32_t
ep_mtu(const char *name)
{
	struct mvt_port_info pi;

	mvt_port_get_info(&sw->seg[0].dp.ports[mvt_switch_ep_find(sw, name)],
		&pi);
	return pi.mtu;
}

/* Jumbo frames: the longest a port of MTU 9000 takes, one more. */
#define JUMBO (9000 + MVT_FRAME_OVERHEAD)

/*
 * Every port holds frames to its own MTU: the ingress port's checks what
 * comes in (oversize), the receiver's what goes out (mtu_exceeded), so a
 * flood of a jumbo frame reaches the jumbo ports only.
 */
static int
test_mtu_ports(void)
{
	unsigned int x = (unsigned int)mvt_switch_ep_find(sw, "x");
	unsigned int y = (unsigned int)mvt_switch_ep_find(sw, "y");
	unsigned int z = (unsigned int)mvt_switch_ep_find(sw, "z");
	const unsigned int la = MVT_SWITCH_LOWER(0), lb = MVT_SWITCH_LOWER(1);

	TEST_ASSERT_EQUAL(ep_mtu("x"), 9000, "x has its lower's MTU");
	TEST_ASSERT_EQUAL(ep_mtu("y"), 1500, "y has its own");
	TEST_ASSERT_EQUAL(ep_mtu("z"), 1500, "z has b's, the default");
	TEST_ASSERT_EQUAL(sw->seg[0].lower.eth.mtu, 9000, "a's device");
	TEST_ASSERT_EQUAL(sw->seg[1].lower.eth.mtu, 1500, "b's device");
	TEST_ASSERT(rte_pktmbuf_data_room_size(sw->seg[0].dp.mp) >=
		JUMBO + RTE_PKTMBUF_HEADROOM, "one mbuf holds a jumbo frame");

	/* from a's wire: x takes a jumbo broadcast, y does not */
	TEST_ASSERT_SUCCESS(send_frame_len(0, MVT_INGRESS_LOWER,
		MVT_MAC_BROADCAST, MAC_EXT, JUMBO), "frame");
	TEST_ASSERT_EQUAL(handed(x), 1, "x got the jumbo flood");
	TEST_ASSERT_EQUAL(handed(y), 0, "y did not");
	TEST_ASSERT_EQUAL(dropped(y, MVT_DROP_MTU_EXCEEDED), 1,
		"counted on y");
	/* at 1500 both do */
	TEST_ASSERT_SUCCESS(send_frame_len(0, MVT_INGRESS_LOWER,
		MVT_MAC_BROADCAST, MAC_EXT, MVT_FRAME_MAX), "frame");
	TEST_ASSERT(handed(x) == 2 && handed(y) == 1, "a 1518-byte flood");
	/* one byte beyond a's frames is a's ingress drop */
	TEST_ASSERT_SUCCESS(send_frame_len(0, MVT_INGRESS_LOWER, MAC_X,
		MAC_EXT, JUMBO + 1), "frame");
	TEST_ASSERT_EQUAL(dropped(la, MVT_DROP_OVERSIZE), 1, "a: oversize");
	TEST_ASSERT_EQUAL(handed(x), 2, "x did not get it");

	/* x to y, and x's flood: the wire and x's own MTU take it */
	TEST_ASSERT_SUCCESS(send_frame_len(0, (uint16_t)x, MAC_Y, MAC_X,
		JUMBO), "frame");
	TEST_ASSERT_EQUAL(dropped(y, MVT_DROP_MTU_EXCEEDED), 2,
		"x to y: y's MTU");
	TEST_ASSERT_SUCCESS(send_frame_len(0, (uint16_t)x, MVT_MAC_BROADCAST,
		MAC_X, JUMBO), "frame");
	TEST_ASSERT_EQUAL(handed(la), 1, "a's wire took x's jumbo flood");
	TEST_ASSERT_EQUAL(dropped(y, MVT_DROP_MTU_EXCEEDED), 3, "y did not");
	TEST_ASSERT_EQUAL(dropped(x, MVT_DROP_OVERSIZE), 0,
		"nothing of x's was oversize");

	/* y and b hold what they send to 1500 */
	TEST_ASSERT_SUCCESS(send_frame_len(0, (uint16_t)y, MAC_X, MAC_Y,
		MVT_FRAME_MAX + 1), "frame");
	TEST_ASSERT_EQUAL(dropped(y, MVT_DROP_OVERSIZE), 1, "y: oversize");
	TEST_ASSERT_SUCCESS(send_frame_len(1, MVT_INGRESS_LOWER,
		MVT_MAC_BROADCAST, MAC_EXT, JUMBO), "frame");
	TEST_ASSERT_EQUAL(dropped(lb, MVT_DROP_OVERSIZE), 1, "b: oversize");
	TEST_ASSERT_EQUAL(handed(z), 0, "z got nothing");
	TEST_ASSERT_EQUAL(handed(x), 2, "nor did x");
	return TEST_SUCCESS;
}

/*
 * config/example-lowers.ini, the libvirt networks of a host with two
 * NICs, is what it says: three lowers, one a VLAN, eth1 at MTU 9000 and
 * a guest on it at 1500.
 */
static int
test_example_lowers(void)
{
	static struct mvt_conf c;
	const char *cdir = getenv("MVT_CONFIG_DIR");
	char path[512];
	unsigned int i;
	int vm1, vm2;

	if (cdir == NULL) {
		printf("MVT_CONFIG_DIR is not set: skipped\n");
		return TEST_SKIPPED;
	}
	snprintf(path, sizeof(path), "%s/example-lowers.ini", cdir);
	/* loaded, not validated: its socket directory need not exist here */
	mvt_conf_init(&c);
	TEST_ASSERT_SUCCESS(mvt_conf_load_file(&c, path, err, sizeof(err)),
		"%s: %s", path, err);
	TEST_ASSERT_EQUAL(c.n_lowers, 3, "eth1, eth2, eth2.100");
	TEST_ASSERT(strcmp(c.lowers[2].name, "eth2.100") == 0 &&
		c.lowers[2].vlan == 100, "eth2.100 is VLAN 100");
	TEST_ASSERT_EQUAL(mvt_conf_lower_dev_owner(&c, 2), 1,
		"of eth2's device");
	TEST_ASSERT_EQUAL(mvt_conf_lower_mtu(&c, 0), 9000, "eth1 jumbo");
	TEST_ASSERT_EQUAL(mvt_conf_lower_mtu(&c, 1), 1500, "eth2 default");
	TEST_ASSERT_EQUAL(mvt_conf_max_mtu(&c), 9000, "largest");
	for (i = 0, vm1 = vm2 = -1; i < c.n_endpoints; i++) {
		if (strcmp(c.ep[i].name, "vm1") == 0)
			vm1 = (int)i;
		if (strcmp(c.ep[i].name, "vm2") == 0)
			vm2 = (int)i;
	}
	TEST_ASSERT(vm1 >= 0 && vm2 >= 0, "vm1, vm2");
	TEST_ASSERT_EQUAL(mvt_conf_ep_mtu(&c, &c.ep[vm1]), 9000,
		"vm1 takes eth1's");
	TEST_ASSERT_EQUAL(mvt_conf_ep_mtu(&c, &c.ep[vm2]), 1500,
		"vm2 says 1500");
	return TEST_SUCCESS;
}

/* MTUs out of range, or above the lower's, at start and live. */
static int
test_mtu_errors(void)
{
	char spec[256];

	TEST_ASSERT(parse_fails_with((const char *const[]){
		"--lower", "name=a,mtu=9711,dev=x", NULL },
		"--lower name=a,mtu=9711: expected an integer 68..9710"),
		"lower mtu too large");
	TEST_ASSERT(parse_fails_with((const char *const[]){
		"--lower", "name=a,mtu=67,dev=x", NULL },
		"--lower name=a,mtu=67: expected an integer 68..9710"),
		"lower mtu too small");
	TEST_ASSERT(parse_fails_with((const char *const[]){
		"--lower", "name=a,mtu=9000,dev=x", "--endpoint",
		"name=v,mac=02:00:00:00:00:0c,socket=/tmp/v.sock,mtu=9001",
		NULL },
		"--endpoint v: mtu=9001: above its lower's MTU (9000)"),
		"endpoint above its lower");
	TEST_ASSERT(parse_fails_with((const char *const[]){
		"--lower", "x", "--endpoint",
		"name=v,mac=02:00:00:00:00:0c,socket=/tmp/v.sock,mtu=1501",
		NULL },
		"--endpoint v: mtu=1501: above its lower's MTU (1500)"),
		"endpoint above the default");
	TEST_ASSERT(parse_fails_with((const char *const[]){
		"--lower", "x", "--endpoint",
		"name=v,mac=02:00:00:00:00:0c,socket=/tmp/v.sock,mtu=40",
		NULL },
		"--endpoint mtu=40: expected an integer 68..9710"),
		"endpoint mtu too small");
	/* live, b is at 1500 */
	snprintf(spec, sizeof(spec),
		"name=w,mac=02:00:00:00:00:0c,lower=b,mtu=9000,socket=%s",
		sock("w"));
	TEST_ASSERT(mvt_switch_add_endpoint(sw, spec, err, sizeof(err)) != 0 &&
		strcmp(err, "--endpoint w: mtu=9000: above its lower's MTU (1500)") == 0,
		"live, above the lower: %s", err);
	snprintf(spec, sizeof(spec),
		"name=w,mac=02:00:00:00:00:0c,lower=a,mtu=4000,socket=%s",
		sock("w"));
	TEST_ASSERT_SUCCESS(mvt_switch_add_endpoint(sw, spec, err,
		sizeof(err)), "add w: %s", err);
	TEST_ASSERT_EQUAL(ep_mtu("w"), 4000, "w at 4000");
	return mvt_switch_del_endpoint(sw, "w", err, sizeof(err));
}

static int
suite_setup(void)
{
	mp = rte_pktmbuf_pool_create("seg_test", 256, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (mp == NULL)
		return -1;
	if (rte_lcore_count() < 2) {
		printf("segment_autotest needs two lcores (-l 0-1)\n");
		return -1;
	}
	return 0;
}

static void
suite_teardown(void)
{
	rte_mempool_free(mp);
	mp = NULL;
}

static struct unit_test_suite segment_suite = {
	.suite_name = "several lowers: forms, VLAN tags, segments apart",
	.setup = suite_setup,
	.teardown = suite_teardown,
	.unit_test_cases = {
		TEST_CASE(test_lower_forms),
		TEST_CASE(test_lower_errors),
		TEST_CASE(test_lower_ini),
		TEST_CASE(test_example_lowers),
		TEST_CASE(test_vlan_pop),
		TEST_CASE(test_vlan_push),
		TEST_CASE_ST(switch_up, switch_down, test_segments_apart),
		TEST_CASE_ST(switch_up, switch_down, test_segments_live),
		TEST_CASE_ST(switch_up_mtu, switch_down, test_mtu_ports),
		TEST_CASE_ST(switch_up_mtu, switch_down, test_mtu_errors),
		TEST_CASES_END()
	}
};

static int
test_segment(void)
{
	return unit_test_suite_runner(&segment_suite);
}

REGISTER_TEST_COMMAND(segment_autotest, test_segment);
