/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * capture_autotest: what a capture writes (mvt_capture.h). Frames of known
 * bytes are offered as the workers offer them; the pcapng stream is then
 * read back by a reader written here from the format's description, not
 * with the writer's code: exact frames, bytes, lengths, directions and
 * order, the filter's selection, the count, the snap length, the
 * statistics block, and copies lost to a reader that stalls.
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "mvt_capture.h"
#include "test.h"

#define MAX_PKTS 256
#define WAIT_MS 5000

struct rd_pkt {
	uint32_t ifid;
	uint64_t ts;
	uint32_t caplen;
	uint32_t orig_len;
	uint32_t flags;
	uint8_t data[2048];
};

struct rd_file {
	char if_name[64];
	uint32_t snaplen;
	int tsresol;
	unsigned int n_if;
	unsigned int n;
	struct rd_pkt pkt[MAX_PKTS];
	int has_isb;
	uint64_t isb_recv;
	uint64_t isb_drop;
};

static struct rte_mempool *pool;
static char err[256];

static uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Options from @p p to @p end: call back with each code and value. */
static int
rd_opts(const uint8_t *p, const uint8_t *end,
	void (*cb)(void *, uint16_t, const uint8_t *, uint16_t), void *arg)
{
	uint16_t code, len;

	while (p + 4 <= end) {
		memcpy(&code, p, 2);
		memcpy(&len, p + 2, 2);
		if (code == 0)
			return 0;
		if (p + 4 + len > end)
			return -1;
		cb(arg, code, p + 4, len);
		p += 4 + RTE_ALIGN_CEIL(len, 4);
	}
	return -1;
}

static void
idb_opt(void *arg, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct rd_file *f = arg;

	if (code == 2 && len < sizeof(f->if_name)) {
		memcpy(f->if_name, v, len);
		f->if_name[len] = '\0';
	} else if (code == 9 && len == 1) {
		f->tsresol = v[0];
	}
}

static void
epb_opt(void *arg, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct rd_pkt *k = arg;

	if (code == 2 && len == 4)
		k->flags = rd32(v);
}

static void
isb_opt(void *arg, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct rd_file *f = arg;

	if (code == 4 && len == 8)
		memcpy(&f->isb_recv, v, 8);
	else if (code == 5 && len == 8)
		memcpy(&f->isb_drop, v, 8);
}

/* Read a whole pcapng file; -1 on any structural error. */
static int
rd_file(const char *path, struct rd_file *f)
{
	static uint8_t buf[4 << 20];
	const uint8_t *p, *end, *b;
	uint32_t type, len;
	struct rd_pkt *k;
	size_t size;
	FILE *fp;

	memset(f, 0, sizeof(*f));
	fp = fopen(path, "rb");
	if (fp == NULL)
		return -1;
	size = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	p = buf;
	end = buf + size;
	if (size < 28 || rd32(p) != 0x0a0d0d0a || rd32(p + 8) != 0x1a2b3c4d)
		return -1;
	while (p + 12 <= end) {
		type = rd32(p);
		len = rd32(p + 4);
		if (len < 12 || len % 4 != 0 || p + len > end ||
				rd32(p + len - 4) != len)
			return -1;
		b = p + 8;
		if (type == 1) {
			f->snaplen = rd32(b + 4);
			f->n_if++;
			if (rd_opts(b + 8, p + len - 4, idb_opt, f) != 0)
				return -1;
		} else if (type == 6) {
			if (f->n == MAX_PKTS)
				return -1;
			k = &f->pkt[f->n++];
			k->ifid = rd32(b);
			k->ts = (uint64_t)rd32(b + 4) << 32 | rd32(b + 8);
			k->caplen = rd32(b + 12);
			k->orig_len = rd32(b + 16);
			if (k->caplen > sizeof(k->data) ||
					b + 20 + k->caplen > p + len - 4)
				return -1;
			memcpy(k->data, b + 20, k->caplen);
			if (rd_opts(b + 20 + RTE_ALIGN_CEIL(k->caplen, 4),
					p + len - 4, epb_opt, k) != 0)
				return -1;
		} else if (type == 5) {
			f->has_isb = 1;
			if (rd_opts(b + 12, p + len - 4, isb_opt, f) != 0)
				return -1;
		}
		p += len;
	}
	return p == end ? 0 : -1;
}

/*
 * Frame @p i: @p len bytes, a UDP/IPv4 frame to port @p dport (0: an ARP
 * frame), the rest a pattern of @p i.
 */
static struct rte_mbuf *
mkframe(unsigned int i, uint16_t len, uint16_t dport)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p;
	uint16_t k;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	for (k = 0; k < len; k++)
		p[k] = (uint8_t)(i * 7 + k);
	memset(p, 0xff, 6);
	if (dport == 0) {
		p[12] = 0x08;
		p[13] = 0x06;
		return m;
	}
	p[12] = 0x08;
	p[13] = 0x00;
	p[14] = 0x45;
	p[16] = (uint8_t)((len - 14) >> 8);
	p[17] = (uint8_t)(len - 14);
	p[20] = 0;
	p[21] = 0;		/* not a fragment */
	p[23] = 17;		/* UDP */
	p[36] = (uint8_t)(dport >> 8);
	p[37] = (uint8_t)dport;
	return m;
}

static int
open_tmp(char *path, size_t n)
{
	snprintf(path, n, "/tmp/mvt_capture_test_XXXXXX");
	return mkstemp(path);
}

static struct mvt_capture *
start(int fd, unsigned int dirs, uint32_t snaplen, uint64_t count,
	const char *filter)
{
	struct mvt_capture_params p = {
		.port = "ep0",
		.descr = "vhost-user endpoint",
		.dirs = dirs,
		.snaplen = snaplen,
		.count = count,
		.filter = filter,
		.fd = fd,
		.tsc_hz = rte_get_tsc_hz(),
		.socket = SOCKET_ID_ANY,
	};
	struct mvt_capture *c = mvt_capture_create(&p, err, sizeof(err));

	if (c == NULL)
		printf("  capture: %s\n", err);
	return c;
}

static int
same_bytes(const struct rd_pkt *k, const struct rte_mbuf *m)
{
	uint8_t tmp[2048];
	const uint8_t *d;

	d = rte_pktmbuf_read(m, 0, k->caplen, tmp);
	return d != NULL && memcmp(d, k->data, k->caplen) == 0;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

/* Every frame, both directions, a two-segment one among them. */
static int
test_all(void)
{
	static struct rd_file f;
	struct rte_mbuf *m[64], *tail;
	struct mvt_capture_stats st;
	struct mvt_capture *c;
	uint64_t t0, t1;
	char path[64];
	unsigned int i;
	int fd;

	fd = open_tmp(path, sizeof(path));
	TEST_ASSERT(fd >= 0, "temp file");
	for (i = 0; i < 64; i++) {
		m[i] = mkframe(i, (uint16_t)(60 + i * 23), 7);
		TEST_ASSERT_NOT_NULL(m[i], "frame %u", i);
	}
	/* frame 5 gets a second segment of 100 bytes */
	tail = mkframe(99, 100, 0);
	TEST_ASSERT_NOT_NULL(tail, "tail");
	TEST_ASSERT_SUCCESS(rte_pktmbuf_chain(m[5], tail), "chain");
	t0 = now_ns();
	c = start(fd, MVT_CAPTURE_BOTH, 0, 0, NULL);
	TEST_ASSERT_NOT_NULL(c, "create");
	for (i = 0; i < 64; i += 16)
		mvt_capture_burst(c, i / 16, (i / 16) % 2 ? MVT_CAPTURE_OUT :
			MVT_CAPTURE_IN, &m[i], 16, rte_rdtsc());
	mvt_capture_get_stats(c, &st);
	TEST_ASSERT_EQUAL(st.seen, 64, "seen");
	TEST_ASSERT_EQUAL(st.queued, 64, "queued");
	TEST_ASSERT_EQUAL(st.ring_full + st.no_mbuf + st.filtered, 0, "lost");
	TEST_ASSERT_SUCCESS(mvt_capture_destroy(c, NULL), "destroy");
	t1 = now_ns();
	TEST_ASSERT_SUCCESS(rd_file(path, &f), "%s is a pcapng file", path);
	unlink(path);
	TEST_ASSERT_EQUAL(f.n_if, 1, "interfaces");
	TEST_ASSERT(strcmp(f.if_name, "ep0") == 0, "if_name %s", f.if_name);
	TEST_ASSERT_EQUAL(f.tsresol, 9, "nanoseconds");
	TEST_ASSERT_EQUAL(f.snaplen, MVT_CAPTURE_SNAPLEN_MAX, "snaplen");
	TEST_ASSERT_EQUAL(f.n, 64, "packets");
	for (i = 0; i < 64; i++) {
		TEST_ASSERT_EQUAL(f.pkt[i].ifid, 0, "frame %u ifid", i);
		TEST_ASSERT_EQUAL(f.pkt[i].orig_len,
			rte_pktmbuf_pkt_len(m[i]), "frame %u length", i);
		TEST_ASSERT_EQUAL(f.pkt[i].caplen, f.pkt[i].orig_len,
			"frame %u whole", i);
		TEST_ASSERT(same_bytes(&f.pkt[i], m[i]), "frame %u bytes", i);
		TEST_ASSERT_EQUAL(f.pkt[i].flags & 3, (i / 16) % 2 ? 2 : 1,
			"frame %u direction", i);
		TEST_ASSERT(f.pkt[i].ts >= t0 && f.pkt[i].ts <= t1,
			"frame %u time %" PRIu64 " in [%" PRIu64 ", %" PRIu64
			"]", i, f.pkt[i].ts, t0, t1);
		TEST_ASSERT(i == 0 || f.pkt[i].ts >= f.pkt[i - 1].ts,
			"frame %u in order", i);
	}
	TEST_ASSERT_EQUAL(f.pkt[5].orig_len, 60 + 5 * 23 + 100, "two segments");
	TEST_ASSERT(f.has_isb, "statistics block");
	TEST_ASSERT_EQUAL(f.isb_recv, 64, "isb recv");
	TEST_ASSERT_EQUAL(f.isb_drop, 0, "isb drop");
	rte_pktmbuf_free_bulk(m, 64);
	return TEST_SUCCESS;
}

/* One direction, a filter, a snap length and a count. */
static int
test_select(void)
{
	static struct rd_file f;
	struct mvt_capture_stats st;
	struct rte_mbuf *m[50];
	struct mvt_capture *c;
	unsigned int i, to7 = 0;
	char path[64];
	int fd;

	for (i = 0; i < 50; i++) {
		/* 20 to port 7, 25 to port 9, 5 ARP */
		m[i] = mkframe(i, 300, i < 45 ? (i % 9 < 4 ? 7 : 9) : 0);
		TEST_ASSERT_NOT_NULL(m[i], "frame %u", i);
		to7 += i < 45 && i % 9 < 4;
	}
	TEST_ASSERT_EQUAL(to7, 20, "the mix");

	fd = open_tmp(path, sizeof(path));
	c = start(fd, MVT_CAPTURE_IN, 100, 0, "udp dst port 7");
	TEST_ASSERT_NOT_NULL(c, "create");
	mvt_capture_burst(c, 0, MVT_CAPTURE_OUT, m, 50, rte_rdtsc());
	mvt_capture_burst(c, 0, MVT_CAPTURE_IN, m, 50, rte_rdtsc());
	mvt_capture_get_stats(c, &st);
	TEST_ASSERT_EQUAL(st.seen, 50, "only in is seen");
	TEST_ASSERT_EQUAL(st.filtered, 30, "filtered");
	TEST_ASSERT_EQUAL(st.queued, 20, "queued");
	TEST_ASSERT_SUCCESS(mvt_capture_destroy(c, NULL), "destroy");
	TEST_ASSERT_SUCCESS(rd_file(path, &f), "pcapng");
	unlink(path);
	TEST_ASSERT_EQUAL(f.n, 20, "port 7 only");
	TEST_ASSERT_EQUAL(f.snaplen, 100, "snaplen");
	for (i = 0; i < 20; i++) {
		TEST_ASSERT_EQUAL(f.pkt[i].caplen, 100, "cut");
		TEST_ASSERT_EQUAL(f.pkt[i].orig_len, 300, "original length");
		TEST_ASSERT_EQUAL(f.pkt[i].data[37], 7, "port 7");
		TEST_ASSERT_EQUAL(f.pkt[i].flags & 3, 1, "inbound");
	}
	TEST_ASSERT(same_bytes(&f.pkt[19], m[39]), "the last one's bytes");
	TEST_ASSERT_EQUAL(f.isb_recv, 20, "isb: accepted by the filter");

	/* a count: the writer stops there and says so */
	fd = open_tmp(path, sizeof(path));
	c = start(fd, MVT_CAPTURE_BOTH, 0, 5, NULL);
	TEST_ASSERT_NOT_NULL(c, "create");
	mvt_capture_burst(c, 0, MVT_CAPTURE_IN, m, 20, rte_rdtsc());
	for (i = 0; i < WAIT_MS && !mvt_capture_done(c); i++)
		rte_delay_ms(1);
	TEST_ASSERT(mvt_capture_done(c), "done after 5");
	mvt_capture_burst(c, 0, MVT_CAPTURE_IN, m, 20, rte_rdtsc());
	for (i = 0; i < WAIT_MS; i++) {
		mvt_capture_get_stats(c, &st);
		if (st.written + st.discarded == st.queued)
			break;
		rte_delay_ms(1);
	}
	TEST_ASSERT_EQUAL(st.written, 5, "written");
	TEST_ASSERT_EQUAL(st.discarded, 15, "past the count");
	TEST_ASSERT_EQUAL(st.seen, 20, "nothing offered once done");
	TEST_ASSERT_EQUAL(st.error, 0, "no error");
	TEST_ASSERT_SUCCESS(mvt_capture_destroy(c, NULL), "destroy");
	TEST_ASSERT_SUCCESS(rd_file(path, &f), "pcapng");
	unlink(path);
	TEST_ASSERT_EQUAL(f.n, 5, "five");
	for (i = 0; i < 5; i++)
		TEST_ASSERT(same_bytes(&f.pkt[i], m[i]), "frame %u", i);
	rte_pktmbuf_free_bulk(m, 50);
	return TEST_SUCCESS;
}

static int
test_errors(void)
{
	char path[64];
	int fd;

	fd = open_tmp(path, sizeof(path));
	TEST_ASSERT_NULL(start(fd, MVT_CAPTURE_IN, 0, 0, "udp prot 7"),
		"a bad filter");
	TEST_ASSERT(strncmp(err, "capture filter: ", 16) == 0 &&
		strstr(err, "syntax error") != NULL, "message: %s", err);
	fd = open_tmp(path, sizeof(path));
	TEST_ASSERT_NULL(start(fd, 0, 0, 0, NULL), "no direction");
	TEST_ASSERT(strcmp(err, "capture: no direction") == 0, "%s", err);
	fd = open_tmp(path, sizeof(path));
	TEST_ASSERT_NULL(start(fd, MVT_CAPTURE_IN, 65536, 0, NULL), "snaplen");
	TEST_ASSERT(strcmp(err, "capture: snap length 65536 beyond 65535") ==
		0, "%s", err);
	unlink(path);
	return TEST_SUCCESS;
}

/*
 * A reader that stops reading: the pipe fills, the writer blocks, the ring
 * fills, and the copies beyond it are lost and counted while the offers
 * return at once; the reader closing ends the capture with EPIPE.
 */
static int
test_stalled_reader(void)
{
	struct mvt_capture_stats st;
	struct rte_mbuf *m[32];
	struct mvt_capture *c;
	unsigned int i, offered = 0;
	int fds[2];

	TEST_ASSERT_SUCCESS(pipe(fds), "pipe");
	for (i = 0; i < 32; i++) {
		m[i] = mkframe(i, 1000, 7);
		TEST_ASSERT_NOT_NULL(m[i], "frame %u", i);
	}
	c = start(fds[1], MVT_CAPTURE_IN, 0, 0, NULL);
	TEST_ASSERT_NOT_NULL(c, "create");
	for (i = 0; i < 2 * MVT_CAPTURE_RING / 32; i++) {
		mvt_capture_burst(c, 0, MVT_CAPTURE_IN, m, 32, rte_rdtsc());
		offered += 32;
	}
	mvt_capture_get_stats(c, &st);
	TEST_ASSERT_EQUAL(st.seen, offered, "seen");
	TEST_ASSERT_EQUAL(st.queued + st.ring_full + st.no_mbuf, offered,
		"every copy is queued or counted as lost");
	TEST_ASSERT(st.ring_full + st.no_mbuf >= offered - MVT_CAPTURE_RING -
		1024, "lost %" PRIu64 " + %" PRIu64 " of %u", st.ring_full,
		st.no_mbuf, offered);
	close(fds[0]);
	for (i = 0; i < WAIT_MS && !mvt_capture_done(c); i++)
		rte_delay_ms(1);
	mvt_capture_get_stats(c, &st);
	TEST_ASSERT(st.done, "done once the reader is gone");
	TEST_ASSERT_EQUAL(st.error, EPIPE, "EPIPE");
	TEST_ASSERT_EQUAL(mvt_capture_destroy(c, NULL), -EPIPE, "destroy");
	rte_pktmbuf_free_bulk(m, 32);
	return TEST_SUCCESS;
}

static int
setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	pool = rte_pktmbuf_pool_create("capture_test", 1023, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	return pool != NULL ? 0 : -1;
}

static void
teardown(void)
{
	rte_mempool_free(pool);
}

static struct unit_test_suite capture_suite = {
	.suite_name = "capture_autotest",
	.setup = setup,
	.teardown = teardown,
	.unit_test_cases = {
		TEST_CASE(test_all),
		TEST_CASE(test_select),
		TEST_CASE(test_errors),
		TEST_CASE(test_stalled_reader),
		TEST_CASES_END(),
	},
};

static int
test_capture(void)
{
	return unit_test_suite_runner(&capture_suite);
}

REGISTER_TEST_COMMAND(capture_autotest, test_capture);
