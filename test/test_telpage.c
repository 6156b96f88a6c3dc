/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * telpage_autotest: the pages of /mvtap/endpoints, built from synthetic
 * endpoints by mvt_tel_endpoints_page() and read back through DPDK's own
 * telemetry socket of this process, so that what is checked is the JSON a
 * client receives. DPDK writes at most 16 KiB per reply and leaves out,
 * without a word, every entry that does not fit: counters that traffic
 * cannot make large here (20 digits) are the case to cover.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_telemetry.h>

#include "mvt_conf.h"
#include "mvt_tel_page.h"
#include "test.h"

#define TEST_CMD "/mvtap_test/endpoints"
/* DPDK 22.11's MAX_OUTPUT_LEN (lib/telemetry/telemetry.c) */
#define TEL_OUTPUT_MAX (16 * 1024)
#define SLOTS_MAX 256

/* The endpoints the test command reports. */
static struct {
	uint16_t n_slots;
	unsigned int hole_every;	/* slot i is free when i % this == 1 */
	uint64_t counter;		/* every counter, drops included */
	char name[SLOTS_MAX][MVT_NAME_MAX];
} syn;

/* What fills the names after their number. */
static char syn_fill = 'x';

static int
syn_used(uint16_t slot)
{
	return syn.hole_every == 0 || slot % syn.hole_every != 1;
}

static int
syn_row(void *arg __rte_unused, uint16_t slot, struct mvt_tel_ep_row *row)
{
	if (!syn_used(slot))
		return -ENOENT;
	memset(row, 0, sizeof(*row));
	row->name = syn.name[slot];
	/* the first byte in the low bits: 02:00:00:00:00:<slot> */
	row->mac = 0x02 | (uint64_t)(slot & 0xff) << 40;
	row->mode = "passthru";	/* the longest mode and state */
	row->state = "waiting";
	row->c.rx_packets = syn.counter;
	row->c.rx_bytes = syn.counter;
	row->c.tx_packets = syn.counter;
	row->c.tx_bytes = syn.counter;
	row->c.multicast = syn.counter;
	row->c.drops[1] = syn.counter;
	return 0;
}

static int
syn_cmd(const char *cmd __rte_unused, const char *params,
	struct rte_tel_data *d)
{
	uint16_t start = 0;

	if (params != NULL && params[0] != '\0')
		start = (uint16_t)strtoul(params, NULL, 10);
	return mvt_tel_endpoints_page(d, start, syn.n_slots, syn_row, NULL);
}

/* Names of @p len characters, all different: "e007", then syn_fill. */
static void
syn_setup(uint16_t n_slots, unsigned int len, uint64_t counter,
	unsigned int hole_every)
{
	unsigned int i;

	syn.n_slots = n_slots;
	syn.counter = counter;
	syn.hole_every = hole_every;
	for (i = 0; i < n_slots; i++) {
		snprintf(syn.name[i], sizeof(syn.name[i]), "e%03u", i);
		memset(syn.name[i] + 4, syn_fill, len - 4);
		syn.name[i][len] = '\0';
	}
}

static int
tel_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char info[1024];
	int s;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2",
		rte_eal_get_runtime_dir());
	s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
			recv(s, info, sizeof(info), 0) <= 0) {
		printf("no telemetry at %s: %s\n", sun.sun_path,
			strerror(errno));
		close(s);
		return -1;
	}
	return s;
}

/* The reply to @p req, NUL-terminated in @p buf; its length, or -1. */
static int
tel_query(int s, const char *req, char *buf, size_t len)
{
	ssize_t n;

	if (send(s, req, strlen(req), 0) < 0)
		return -1;
	n = recv(s, buf, len - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

static unsigned int
count_of(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* "KEY":{ of @p name in a reply: '-' is "/2d" and '.' is "/2e" there. */
static void
key_of(const char *name, char *buf)
{
	*buf++ = '"';
	for (; *name != '\0'; name++) {
		if (*name == '-' || *name == '.')
			buf += sprintf(buf, "/%s", *name == '-' ? "2d" : "2e");
		else
			*buf++ = *name;
	}
	strcpy(buf, "\":{");
}

/*
 * Read every page as a client does, following "next"; every used slot's
 * endpoint must be in exactly one page, each reply a complete JSON object
 * within DPDK's limit.
 */
static int
read_all_pages(unsigned int *pages)
{
	static char reply[2 * TEL_OUTPUT_MAX];
	static unsigned int seen[SLOTS_MAX];
	char req[64], key[3 * MVT_NAME_MAX + 8];
	const char *next;
	long start = 0;
	unsigned int i;
	int s, n;

	memset(seen, 0, sizeof(seen));
	s = tel_connect();
	TEST_ASSERT(s >= 0, "cannot connect to this process's telemetry");
	for (*pages = 0;; (*pages)++) {
		TEST_ASSERT(*pages < SLOTS_MAX, "pages do not end");
		if (start == 0)
			snprintf(req, sizeof(req), "%s", TEST_CMD);
		else
			snprintf(req, sizeof(req), "%s,%ld", TEST_CMD, start);
		n = tel_query(s, req, reply, sizeof(reply));
		if (n < 0)
			close(s);
		TEST_ASSERT(n > 0, "no reply to %s", req);
		TEST_ASSERT(n < TEL_OUTPUT_MAX, "%s: reply of %d bytes", req,
			n);
		TEST_ASSERT(strncmp(reply, "{\"" TEST_CMD "\":{",
			strlen(TEST_CMD) + 5) == 0 &&
			strcmp(reply + n - 2, "}}") == 0,
			"%s: not a dict reply: %.60s...%s", req, reply,
			reply + n - 20);
		for (i = 0; i < syn.n_slots; i++) {
			key_of(syn.name[i], key);
			seen[i] += count_of(reply, key);
		}
		next = strstr(reply, ",\"next\":");
		if (next == NULL)
			break;
		next += strlen(",\"next\":");
		TEST_ASSERT(strtol(next, NULL, 10) > start,
			"%s: next %ld does not move on", req,
			strtol(next, NULL, 10));
		start = strtol(next, NULL, 10);
	}
	close(s);
	for (i = 0; i < syn.n_slots; i++)
		TEST_ASSERT_EQUAL(seen[i], syn_used(i) ? 1 : 0,
			"endpoint %s (slot %u) in %u of %u pages", syn.name[i],
			i, seen[i], *pages + 1);
	(*pages)++;
	return TEST_SUCCESS;
}

/* The reply to the first request is exactly @p want. */
static int
check_first_page(const char *want)
{
	static char reply[2 * TEL_OUTPUT_MAX];
	int s, n;

	s = tel_connect();
	TEST_ASSERT(s >= 0, "cannot connect to this process's telemetry");
	n = tel_query(s, TEST_CMD, reply, sizeof(reply));
	close(s);
	TEST_ASSERT(n > 0, "no reply");
	TEST_ASSERT(strcmp(reply, want) == 0, "reply\n  %s\nexpected\n  %s",
		reply, want);
	return TEST_SUCCESS;
}

/* A few short endpoints: one page, no "next", the shape clients parse. */
static int
test_short(void)
{
	const char *want = "{\"" TEST_CMD "\":{"
		"\"e000\":{\"mac\":\"02:00:00:00:00:00\",\"mode\":\"passthru\","
		"\"state\":\"waiting\",\"rx_packets\":7,\"rx_bytes\":7,"
		"\"tx_packets\":7,\"tx_bytes\":7,\"multicast\":7,\"drops\":7},"
		"\"e002\":{\"mac\":\"02:00:00:00:00:02\",\"mode\":\"passthru\","
		"\"state\":\"waiting\",\"rx_packets\":7,\"rx_bytes\":7,"
		"\"tx_packets\":7,\"tx_bytes\":7,\"multicast\":7,\"drops\":7}}}";

	syn_setup(3, 4, 7, 2);
	return check_first_page(want);
}

/*
 * Names with '.' and '-', which DPDK refuses in keys: under their escaped
 * keys, not left out.
 */
static int
test_name_chars(void)
{
	const char *want = "{\"" TEST_CMD "\":{"
		"\"vm/2d1\":{\"mac\":\"02:00:00:00:00:00\",\"mode\":\"passthru\","
		"\"state\":\"waiting\",\"rx_packets\":7,\"rx_bytes\":7,"
		"\"tx_packets\":7,\"tx_bytes\":7,\"multicast\":7,\"drops\":7},"
		"\"a/2e_/2eB/2d/2d/2d/2d/2d/2d/2d/2d/2d/2d/2d/2d/2d/2d/2d/2d/2d/2d/2d"
		"/2d/2d/2d/2d/2d/2d/2d\":{\"mac\":\"02:00:00:00:00:01\","
		"\"mode\":\"passthru\",\"state\":\"waiting\",\"rx_packets\":7,"
		"\"rx_bytes\":7,\"tx_packets\":7,\"tx_bytes\":7,\"multicast\":7,"
		"\"drops\":7}}}";

	syn_setup(2, 4, 7, 0);
	strcpy(syn.name[0], "vm-1");
	/* 31 characters, 28 of them escaped: 87 */
	strcpy(syn.name[1], "a._.B----------------------------");
	syn.name[1][MVT_NAME_MAX - 1] = '\0';
	return check_first_page(want);
}

/*
 * Endpoints of @p len characters with counters at @p counter, slot i free
 * when i % @p holes is 1 (0: none): every one read once, in @p pages
 * pages.
 */
static int
check_pages(unsigned int len, uint64_t counter, unsigned int holes,
	unsigned int pages)
{
	unsigned int got;
	int ret;

	syn_setup(SLOTS_MAX, len, counter, holes);
	ret = read_all_pages(&got);
	if (ret != TEST_SUCCESS)
		return ret;
	TEST_ASSERT_EQUAL(got, pages, "pages");
	return TEST_SUCCESS;
}

/*
 * 256 endpoints, 31-character names, 13-digit counters: 250 bytes each,
 * 64 of them fit in a reply, so the pages are full ones.
 */
static int
test_long_names(void)
{
	return check_pages(MVT_NAME_MAX - 1, 9999999999999ULL, 0, 4);
}

/*
 * The longest entries there can be, every counter at UINT64_MAX: 292
 * bytes each, 55 fit (with a "next") in the 16323 bytes a reply's value
 * may have, so 5 pages.
 */
static int
test_worst_case(void)
{
	return check_pages(MVT_NAME_MAX - 1, UINT64_MAX, 0, 5);
}

/*
 * The longest keys too: 27 of the 31 characters escaped, 85 in all, and
 * every counter at UINT64_MAX: 346 bytes an entry, 47 a page.
 */
static int
test_worst_keys(void)
{
	int ret;

	syn_fill = '-';
	ret = check_pages(MVT_NAME_MAX - 1, UINT64_MAX, 0, 6);
	syn_fill = 'x';
	return ret;
}

/*
 * Free slots between the endpoints, pages starting anywhere: 171
 * endpoints of the longest kind, 55 a page.
 */
static int
test_holes(void)
{
	return check_pages(MVT_NAME_MAX - 1, UINT64_MAX, 3, 4);
}

static int
telpage_setup(void)
{
	if (rte_telemetry_register_cmd(TEST_CMD, syn_cmd,
			"Synthetic endpoints of telpage_autotest") != 0) {
		printf("cannot register %s\n", TEST_CMD);
		return -1;
	}
	return 0;
}

static struct unit_test_suite telpage_suite = {
	.suite_name = "/mvtap/endpoints pages",
	.setup = telpage_setup,
	.unit_test_cases = {
		TEST_CASE(test_short),
		TEST_CASE(test_name_chars),
		TEST_CASE(test_long_names),
		TEST_CASE(test_worst_case),
		TEST_CASE(test_worst_keys),
		TEST_CASE(test_holes),
		TEST_CASES_END(),
	},
};

static int
test_telpage(void)
{
	return unit_test_suite_runner(&telpage_suite);
}

REGISTER_TEST_COMMAND(telpage_autotest, test_telpage);
