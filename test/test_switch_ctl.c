/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * switch_ctl_autotest: live changes of a real switch (a net_null lower,
 * vhost-user endpoints nobody connects to, workers built but not
 * launched) that fail halfway. Each case checks the command's exact
 * error line and that the failure left nothing behind: no MAC table entry
 * and no lister pointing at the slot, no policy slot without meters, no
 * socket, unchanged poll lists. Failures that only running out of memory
 * can cause are made with the switch's test seam (mvt_switch_fail_at()).
 * Needs two lcores (-l 0-1): a switch wants one worker.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_mbuf.h>

#include "mvt_switch_priv.h"
#include "test.h"

#define MAC_A mac_of("02:00:00:00:00:0a")
#define MAC_B mac_of("02:00:00:00:00:0b")
#define MAC_C mac_of("02:00:00:00:00:0c")
#define MAC_SENDER mac_of("02:00:00:01:00:55")
#define MAC_OTHER mac_of("02:00:00:01:00:66")
#define MAC_FAILED mac_of("02:00:00:02:00:08")
#define MAC_NEXT mac_of("02:00:00:02:00:09")

static uint64_t
mac_of(const char *s)
{
	uint64_t k = 0;

	mvt_mac_parse(s, &k);
	return k;
}

static char dir[64];
static struct mvt_switch *sw;
static char err[MVT_ERR_MAX];

/* A socket path in this run's directory. */
static const char *
sock(const char *name)
{
	static char path[8][128];
	static unsigned int next;
	char *p = path[next++ % RTE_DIM(path)];

	snprintf(p, sizeof(path[0]), "%s/%s.sock", dir, name);
	return p;
}

static int
sock_exists(const char *name)
{
	return access(sock(name), F_OK) == 0;
}

/* A switch with endpoint a (bridge) and @p n_src source-mode endpoints s0.. */
static int
switch_up(unsigned int n_src)
{
	char *argv[3 + 2 * (MVT_SRC_LISTERS_MAX + 1)];
	static char specs[MVT_SRC_LISTERS_MAX + 1][256];
	static struct mvt_conf c;
	unsigned int i;
	int argc = 0;

	snprintf(dir, sizeof(dir), "/tmp/mvt-ctl-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	argv[argc++] = (char *)(uintptr_t)"mvtap-test";
	argv[argc++] = (char *)(uintptr_t)"--lower";
	argv[argc++] = (char *)(uintptr_t)"net_null0,no-rx=1";
	snprintf(specs[0], sizeof(specs[0]),
		"name=a,mac=02:00:00:00:00:0a,mode=bridge,socket=%s",
		sock("a"));
	for (i = 0; i < n_src; i++) {
		char name[8];

		snprintf(name, sizeof(name), "s%u", i);
		snprintf(specs[i + 1], sizeof(specs[0]),
			"name=%s,mac=02:00:00:01:00:%02x,mode=source,sources=02:00:00:01:00:55,socket=%s",
			name, i, sock(name));
	}
	for (i = 0; i <= n_src; i++) {
		argv[argc++] = (char *)(uintptr_t)"--endpoint";
		argv[argc++] = specs[i];
	}
	mvt_conf_init(&c);
	if (mvt_conf_parse_args(&c, argc, argv, err, sizeof(err)) != 0) {
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
switch_up_small(void)
{
	return switch_up(0);
}

static int
switch_up_listers(void)
{
	return switch_up(MVT_SRC_LISTERS_MAX);
}

static void
switch_down(void)
{
	unsigned int s;

	for (s = 0; s < MVT_STEP_MAX; s++)
		mvt_switch_fail_at(s, 0);
	mvt_switch_destroy(sw);
	sw = NULL;
	rmdir(dir);
}

/* Expect @p ret to be a failure with exactly @p expected as its line. */
static int
failed_with(int ret, const char *expected)
{
	if (ret == -1 && strcmp(err, expected) == 0)
		return 1;
	printf("  returned %d (expected -1)\n  got:      \"%s\"\n"
		"  expected: \"%s\"\n", ret, err, expected);
	return 0;
}

static int
listed_by(uint64_t mac, uint16_t id)
{
	const struct mvt_mac_entry *e = mvt_mactable_lookup(sw->seg[0].dp.mt, mac);
	uint16_t i;

	for (i = 0; e != NULL && i < e->n_listers; i++)
		if (e->listers[i] == id)
			return 1;
	return 0;
}

/*
 * A 60-byte frame from the wire, through the real pipeline of worker 0.
 * @return 0, or -1 when no mbuf could be had.
 */
static int
from_wire(uint64_t dst, uint64_t src)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(sw->seg[0].dp.mp);
	uint8_t *p;

	if (m == NULL)
		return -1;
	p = (uint8_t *)rte_pktmbuf_append(m, 60);
	memset(p, 0, 60);
	mvt_mac_store6(dst, p);
	mvt_mac_store6(src, p + 6);
	p[12] = 0x88;
	p[13] = 0xb5;
	mvt_worker_process(sw->seg[0].workers[0], sw->seg[0].dp.tbl, MVT_INGRESS_LOWER, &m, 1);
	return 0;
}

/* Copies the switch handed to port @p id: delivered, or dropped there. */
static uint64_t
handed_to(uint16_t id)
{
	struct mvt_port_counters c;

	mvt_switch_port_counters(sw, id, &c);
	return c.tx_packets + c.drops[MVT_DROP_NOT_READY] +
		c.drops[MVT_DROP_RING_FULL];
}

/*
 * Endpoint s8 lists two senders; the second already has the most listers
 * there can be, so the add fails after the MAC and the first sender are
 * in the MAC table. Nothing of s8 may stay, and the endpoint added next in
 * its slot gets its own frames only.
 */
static int
test_add_full_source_list(void)
{
	char spec[256];
	uint16_t id;
	int n_eps = sw->conf.n_endpoints, ret;
	const struct mvt_mac_entry *e;
	struct mvt_port_counters lower;

	snprintf(spec, sizeof(spec),
		"name=s8,mac=02:00:00:02:00:08,mode=source,sources=02:00:00:01:00:66+02:00:00:01:00:55,socket=%s",
		sock("s8"));
	ret = mvt_switch_add_endpoint(sw, spec, err, sizeof(err));
	TEST_ASSERT_EQUAL(ret, -1, "add with a full source list");
	for (id = 0; id < MVT_MAX_ENDPOINTS; id++)
		if (!mvt_switch_slot_used(sw, id))
			break;
	TEST_ASSERT_EQUAL(id, n_eps, "the failed add's slot is free");
	TEST_ASSERT_EQUAL(sw->conf.n_endpoints, n_eps, "endpoint count");
	TEST_ASSERT_NULL(mvt_mactable_lookup(sw->seg[0].dp.mt, MAC_FAILED),
		"no MAC table entry for the failed endpoint's MAC");
	TEST_ASSERT_NULL(mvt_mactable_lookup(sw->seg[0].dp.mt, MAC_OTHER),
		"no lister left for the sender it listed first");
	e = mvt_mactable_lookup(sw->seg[0].dp.mt, MAC_SENDER);
	TEST_ASSERT_NOT_NULL(e, "the full sender's entry");
	TEST_ASSERT_EQUAL(e->n_listers, MVT_SRC_LISTERS_MAX,
		"the full sender keeps its listers");
	TEST_ASSERT(!listed_by(MAC_SENDER, id), "the slot lists nobody");
	TEST_ASSERT(!sock_exists("s8"), "no socket for the failed add");
	TEST_ASSERT(failed_with(ret,
		"--endpoint name=s8: source 02:00:00:01:00:55 is listed by 8 endpoints already"),
		"the error names the full list");

	snprintf(spec, sizeof(spec),
		"name=n,mac=02:00:00:02:00:09,mode=bridge,socket=%s",
		sock("n"));
	TEST_ASSERT_SUCCESS(mvt_switch_add_endpoint(sw, spec, err,
		sizeof(err)), "the next add: %s", err);
	TEST_ASSERT_EQUAL(mvt_switch_ep_find(sw, "n"), id,
		"the next endpoint takes the slot");
	TEST_ASSERT(!listed_by(MAC_OTHER, id), "n lists nobody");
	e = mvt_mactable_lookup(sw->seg[0].dp.mt, MAC_NEXT);
	TEST_ASSERT(e != NULL && e->owner == id, "n owns its MAC");
	/* frames for the failed endpoint's MAC, from its senders, for n */
	TEST_ASSERT_SUCCESS(from_wire(MAC_FAILED, MAC_OTHER), "frame 1");
	TEST_ASSERT_SUCCESS(from_wire(MAC_FAILED, MAC_SENDER), "frame 2");
	TEST_ASSERT_EQUAL(handed_to(id), 0,
		"n gets none of the failed endpoint's frames");
	TEST_ASSERT_SUCCESS(from_wire(MAC_NEXT, MAC_OTHER), "frame 3");
	TEST_ASSERT_EQUAL(handed_to(id), 1, "n gets its own frame");
	mvt_switch_port_counters(sw, MVT_PORT_LOWER, &lower);
	TEST_ASSERT_EQUAL(lower.rx_packets, 3, "frames from the wire");
	/* frame 1: nobody owns the MAC; frame 2 went to the 8 listers */
	TEST_ASSERT_EQUAL(lower.drops[MVT_DROP_NO_DEST], 1, "no_dest");
	return TEST_SUCCESS;
}

static int
no_policy_slot(uint64_t mac)
{
	unsigned int i;

	for (i = 0; i < sw->conf.n_policies; i++)
		if (sw->conf.policy[i].mac == mac)
			return 0;
	return 1;
}

/*
 * add_endpoint @p spec with @p step made to fail: the exact line
 * @p expected, and nothing of endpoint @p name (MAC @p mac) left behind:
 * no slot, no MAC table entry, no policy slot, no socket.
 */
static int
add_fails_clean(const char *spec, enum mvt_switch_step step,
	const char *expected, const char *name, uint64_t mac)
{
	mvt_switch_fail_at(step, 1);
	TEST_ASSERT(failed_with(mvt_switch_add_endpoint(sw, spec, err,
		sizeof(err)), expected), "add_endpoint %s", name);
	TEST_ASSERT_EQUAL(mvt_switch_ep_find(sw, name), -1, "no endpoint %s",
		name);
	TEST_ASSERT(no_policy_slot(mac), "no policy slot left by %s", name);
	TEST_ASSERT_NULL(mvt_mactable_lookup(sw->seg[0].dp.mt, mac),
		"no MAC table entry left by %s", name);
	TEST_ASSERT(!sock_exists(name), "no socket left by %s", name);
	return TEST_SUCCESS;
}

/*
 * A policy whose meters cannot be made: the command fails and leaves no
 * slot, so the same set_policy again creates it (it used to find the
 * slot and change a policy that did not exist).
 */
static int
test_policy_create_fails(void)
{
	const char *spec = "mac=02:00:00:00:00:0a,rate=1000";
	const struct mvt_mac_entry *e;
	char ep_spec[256];

	mvt_switch_fail_at(MVT_STEP_POLICY_CREATE, 1);
	TEST_ASSERT(failed_with(mvt_switch_set_policy(sw, spec, err,
		sizeof(err)), "policy 02:00:00:00:00:0a: out of memory"),
		"set_policy, meters not made");
	TEST_ASSERT(no_policy_slot(MAC_A), "no policy slot left");
	TEST_ASSERT_EQUAL(sw->conf.n_policies, 0, "policy count");
	e = mvt_mactable_lookup(sw->seg[0].dp.mt, MAC_A);
	TEST_ASSERT(e != NULL && e->policy[0] == NULL && e->policy[1] == NULL,
		"nothing attached to the MAC");
	TEST_ASSERT_SUCCESS(mvt_switch_set_policy(sw, spec, err, sizeof(err)),
		"the same set_policy again: %s", err);
	e = mvt_mactable_lookup(sw->seg[0].dp.mt, MAC_A);
	TEST_ASSERT(e != NULL && e->policy[0] != NULL &&
		e->policy[0] == e->policy[1], "the policy is attached");
	TEST_ASSERT_SUCCESS(mvt_switch_set_policy(sw,
		"mac=02:00:00:00:00:0a,rate=2000", err, sizeof(err)),
		"a change of it: %s", err);
	TEST_ASSERT_SUCCESS(mvt_switch_del_policy(sw, "02:00:00:00:00:0a",
		err, sizeof(err)), "del_policy: %s", err);
	TEST_ASSERT(no_policy_slot(MAC_A), "no policy slot after del");

	/* an endpoint's rate= whose meters cannot be made */
	snprintf(ep_spec, sizeof(ep_spec),
		"name=r,mac=02:00:00:00:00:0b,rate=1000,socket=%s", sock("r"));
	TEST_ASSERT_SUCCESS(add_fails_clean(ep_spec, MVT_STEP_POLICY_CREATE,
		"policy r: out of memory", "r", MAC_B),
		"add_endpoint, meters not made");
	TEST_ASSERT_SUCCESS(mvt_switch_add_endpoint(sw, ep_spec, err,
		sizeof(err)), "the same add again: %s", err);
	TEST_ASSERT_SUCCESS(mvt_switch_set_policy(sw,
		"mac=02:00:00:00:00:0b,name=r,rate=3000,dir=out", err,
		sizeof(err)), "a change of r's policy: %s", err);
	TEST_ASSERT_EQUAL(mvt_policy_get_conf(sw->pol[0])->rate_kbps, 3000,
		"r's policy changed");
	return TEST_SUCCESS;
}

static uint16_t
polls_of_worker0(void)
{
	struct mvt_worker_info wi;

	mvt_worker_get_info(sw->seg[0].workers[0], &wi);
	return wi.polls != NULL ? wi.polls->n : 0;
}

/*
 * Poll lists that cannot be allocated: add_endpoint, del_endpoint and
 * rebalance each fail with their line and change nothing; a change whose
 * table copy cannot be made leaves no half-made policy.
 */
static int
test_publication_fails(void)
{
	const struct mvt_mac_entry *e;
	char spec[256];

	TEST_ASSERT_EQUAL(polls_of_worker0(), 1, "worker 0 polls a");
	snprintf(spec, sizeof(spec),
		"name=c,mac=02:00:00:00:00:0c,mode=vepa,socket=%s", sock("c"));
	TEST_ASSERT_SUCCESS(add_fails_clean(spec, MVT_STEP_POLL_LIST,
		"--endpoint name=c: cannot allocate the poll lists", "c",
		MAC_C), "add_endpoint, poll lists not made");
	TEST_ASSERT_EQUAL(sw->conf.n_endpoints, 1, "endpoint count");
	TEST_ASSERT_EQUAL(polls_of_worker0(), 1, "poll list unchanged");

	mvt_switch_fail_at(MVT_STEP_POLL_LIST, 1);
	TEST_ASSERT(failed_with(mvt_switch_del_endpoint(sw, "a", err,
		sizeof(err)), "endpoint a: cannot allocate the poll lists"),
		"del_endpoint");
	TEST_ASSERT_EQUAL(mvt_switch_ep_find(sw, "a"), 0, "a is still there");
	e = mvt_mactable_lookup(sw->seg[0].dp.mt, MAC_A);
	TEST_ASSERT(e != NULL && e->owner == 0, "a still owns its MAC");
	TEST_ASSERT(sw->seg[0].dp.tbl->ep[0].mac == MAC_A, "a still in the table");
	TEST_ASSERT(sock_exists("a"), "a's socket is still there");
	TEST_ASSERT_EQUAL(polls_of_worker0(), 1, "poll list unchanged");

	mvt_switch_fail_at(MVT_STEP_POLL_LIST, 1);
	TEST_ASSERT(failed_with(mvt_switch_rebalance(sw, err, sizeof(err)),
		"rebalance: cannot allocate the poll lists"), "rebalance");

	mvt_switch_fail_at(MVT_STEP_TABLE_COPY, 1);
	TEST_ASSERT(failed_with(mvt_switch_set_policy(sw,
		"mac=02:00:00:00:00:0a,rate=1000", err, sizeof(err)),
		"out of memory"), "set_policy without a table copy");
	TEST_ASSERT(no_policy_slot(MAC_A), "no policy slot left");
	e = mvt_mactable_lookup(sw->seg[0].dp.mt, MAC_A);
	TEST_ASSERT(e != NULL && e->policy[0] == NULL && e->policy[1] == NULL,
		"nothing attached to a's MAC");

	/* with memory back, each works */
	TEST_ASSERT_SUCCESS(mvt_switch_add_endpoint(sw, spec, err,
		sizeof(err)), "add_endpoint: %s", err);
	TEST_ASSERT_EQUAL(polls_of_worker0(), 2, "worker 0 polls a and c");
	TEST_ASSERT_SUCCESS(mvt_switch_rebalance(sw, err, sizeof(err)),
		"rebalance: %s", err);
	TEST_ASSERT_SUCCESS(mvt_switch_del_endpoint(sw, "a", err,
		sizeof(err)), "del_endpoint: %s", err);
	TEST_ASSERT_EQUAL(polls_of_worker0(), 1, "worker 0 polls c");
	TEST_ASSERT(!sock_exists("a"), "a's socket is gone");
	TEST_ASSERT_SUCCESS(mvt_switch_del_endpoint(sw, "c", err,
		sizeof(err)), "del_endpoint: %s", err);
	return TEST_SUCCESS;
}

static int
suite_setup(void)
{
	if (rte_lcore_count() < 2) {
		printf("switch_ctl_autotest needs two lcores (-l 0-1)\n");
		return -1;
	}
	return 0;
}

static struct unit_test_suite switch_ctl_suite = {
	.suite_name = "switch: control-plane changes that fail halfway",
	.setup = suite_setup,
	.unit_test_cases = {
		TEST_CASE_ST(switch_up_listers, switch_down,
			test_add_full_source_list),
		TEST_CASE_ST(switch_up_small, switch_down,
			test_policy_create_fails),
		TEST_CASE_ST(switch_up_small, switch_down,
			test_publication_fails),
		TEST_CASES_END()
	}
};

static int
test_switch_ctl(void)
{
	return unit_test_suite_runner(&switch_ctl_suite);
}

REGISTER_TEST_COMMAND(switch_ctl_autotest, test_switch_ctl);
