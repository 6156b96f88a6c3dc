/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include <rte_bpf.h>
#include <rte_cycles.h>
#include <rte_branch_prediction.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "mvt_capture.h"
#include "mvt_pcapng.h"
#include "mvt_stats.h"

#define POOL_SIZE (2 * MVT_CAPTURE_RING - 1)
#define WRITER_BURST 32
#define WRITER_IDLE_US 1000

/* What the worker knows of a copy and the writer needs. */
struct copy_meta {
	uint64_t tsc;
	uint32_t orig_len;
	uint32_t dir;
};

struct capture_worker {
	uint64_t seen;
	uint64_t filtered;
	uint64_t queued;
	uint64_t ring_full;
	uint64_t no_mbuf;
} __rte_cache_aligned;

struct mvt_capture {
	/* read by the workers */
	unsigned int dirs;
	uint32_t snaplen;
	struct rte_bpf *bpf;		/**< NULL: no filter */
	struct rte_bpf_jit jit;		/**< jit.func NULL: interpreted */
	struct rte_mempool *pool;
	struct rte_ring *ring;
	struct capture_worker worker[MVT_MAX_WORKERS];

	/* the writer's */
	struct mvt_pcapng *out;
	uint64_t count;
	uint64_t written;
	uint64_t discarded;
	uint64_t tsc_hz;
	uint64_t base_tsc;
	uint64_t base_ns;
	int error;
	int done;
	int stop;
	int thread_started;
	pthread_t thread;
};

static uint64_t
ns_of_tsc(const struct mvt_capture *c, uint64_t tsc)
{
	int64_t d = (int64_t)(tsc - c->base_tsc);
	__int128 ns = (__int128)d * NS_PER_S / (__int128)c->tsc_hz;

	return (uint64_t)((__int128)c->base_ns + ns);
}

static void
write_one(struct mvt_capture *c, struct rte_mbuf *m)
{
	const struct copy_meta *meta = rte_mbuf_to_priv(m);
	int ret;

	if (__atomic_load_n(&c->done, __ATOMIC_RELAXED)) {
		__atomic_store_n(&c->discarded, c->discarded + 1,
			__ATOMIC_RELAXED);
		return;
	}
	ret = mvt_pcapng_write_packet(c->out, 0, ns_of_tsc(c, meta->tsc), m,
		rte_pktmbuf_pkt_len(m), meta->orig_len,
		meta->dir == MVT_CAPTURE_IN ? MVT_PCAPNG_DIR_IN :
		MVT_PCAPNG_DIR_OUT);
	if (ret != 0) {
		c->error = -ret;
		__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
		return;
	}
	__atomic_store_n(&c->written, c->written + 1, __ATOMIC_RELAXED);
	if (c->count != 0 && c->written == c->count) {
		/* the reader sees the last frame now, not at the stop */
		ret = mvt_pcapng_flush(c->out);
		if (ret != 0)
			c->error = -ret;
		__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	}
}

/* Drain the ring into the stream until told to stop and the ring is empty. */
static void *
writer_main(void *arg)
{
	struct mvt_capture *c = arg;
	struct rte_mbuf *m[WRITER_BURST];
	unsigned int i, n;
	int ret;

	for (;;) {
		n = rte_ring_sc_dequeue_burst(c->ring, (void **)m, WRITER_BURST,
			NULL);
		for (i = 0; i < n; i++)
			write_one(c, m[i]);
		if (n > 0) {
			rte_pktmbuf_free_bulk(m, n);
			continue;
		}
		if (__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE) &&
				rte_ring_empty(c->ring))
			break;
		if (!__atomic_load_n(&c->done, __ATOMIC_RELAXED)) {
			/* a reader on a pipe sees the frames as they come */
			ret = mvt_pcapng_flush(c->out);
			if (ret != 0) {
				c->error = -ret;
				__atomic_store_n(&c->done, 1,
					__ATOMIC_RELEASE);
			}
		}
		usleep(WRITER_IDLE_US);
	}
	return NULL;
}

static struct rte_bpf *
compile_filter(const char *expr, uint32_t snaplen, char *err, size_t errlen)
{
	struct rte_bpf_prm *prm;
	struct bpf_program bf;
	struct rte_bpf *bpf;
	pcap_t *pcap;

	pcap = pcap_open_dead(DLT_EN10MB, (int)snaplen);
	if (pcap == NULL) {
		snprintf(err, errlen, "capture filter: libpcap failed");
		return NULL;
	}
	if (pcap_compile(pcap, &bf, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "capture filter: %s", pcap_geterr(pcap));
		pcap_close(pcap);
		return NULL;
	}
	prm = rte_bpf_convert(&bf);
	pcap_freecode(&bf);
	pcap_close(pcap);
	if (prm == NULL) {
		snprintf(err, errlen, "capture filter: cannot convert it: %s",
			rte_strerror(rte_errno));
		return NULL;
	}
	bpf = rte_bpf_load(prm);
	rte_free(prm);
	if (bpf == NULL)
		snprintf(err, errlen, "capture filter: cannot load it: %s",
			rte_strerror(rte_errno));
	return bpf;
}

static int
realtime_ns(uint64_t *ns)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return -errno;
	*ns = (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
	return 0;
}

static void
capture_free(struct mvt_capture *c)
{
	rte_ring_free(c->ring);
	rte_mempool_free(c->pool);
	if (c->bpf != NULL)
		rte_bpf_destroy(c->bpf);
	rte_free(c);
}

struct mvt_capture *
mvt_capture_create(const struct mvt_capture_params *p, char *err,
	size_t errlen)
{
	static uint32_t serial;
	char name[RTE_MEMZONE_NAMESIZE];
	struct mvt_capture *c;
	uint32_t id;
	int fd = p->fd;

	if ((p->dirs & ~MVT_CAPTURE_BOTH) != 0 || p->dirs == 0) {
		snprintf(err, errlen, "capture: no direction");
		goto fail_fd;
	}
	if (p->snaplen > MVT_CAPTURE_SNAPLEN_MAX) {
		snprintf(err, errlen, "capture: snap length %u beyond %u",
			p->snaplen, MVT_CAPTURE_SNAPLEN_MAX);
		goto fail_fd;
	}
	c = rte_zmalloc_socket("mvt_capture", sizeof(*c), RTE_CACHE_LINE_SIZE,
		p->socket);
	if (c == NULL) {
		snprintf(err, errlen, "capture: out of memory");
		goto fail_fd;
	}
	c->dirs = p->dirs;
	c->snaplen = p->snaplen != 0 ? p->snaplen : MVT_CAPTURE_SNAPLEN_MAX;
	c->count = p->count;
	c->tsc_hz = p->tsc_hz;
	if (p->filter != NULL && p->filter[0] != '\0') {
		c->bpf = compile_filter(p->filter, c->snaplen, err, errlen);
		if (c->bpf == NULL)
			goto fail;
		if (rte_bpf_get_jit(c->bpf, &c->jit) != 0)
			c->jit.func = NULL;
	}
	id = __atomic_fetch_add(&serial, 1, __ATOMIC_RELAXED);
	snprintf(name, sizeof(name), "mvtcap_pool%u", id);
	c->pool = rte_pktmbuf_pool_create(name, POOL_SIZE, 0,
		RTE_ALIGN_CEIL(sizeof(struct copy_meta), RTE_MBUF_PRIV_ALIGN),
		RTE_MBUF_DEFAULT_BUF_SIZE, p->socket);
	snprintf(name, sizeof(name), "mvtcap_ring%u", id);
	c->ring = rte_ring_create(name, MVT_CAPTURE_RING, p->socket,
		RING_F_SC_DEQ);
	if (c->pool == NULL || c->ring == NULL) {
		snprintf(err, errlen, "capture: cannot create its %s: %s",
			c->pool == NULL ? "mbuf pool" : "ring",
			rte_strerror(rte_errno));
		goto fail;
	}
	if (realtime_ns(&c->base_ns) != 0) {
		snprintf(err, errlen, "capture: no clock: %s", strerror(errno));
		goto fail;
	}
	c->base_tsc = rte_rdtsc();
	c->out = mvt_pcapng_open(fd, "dpdk-mvtap " MVT_VERSION);
	if (c->out == NULL) {
		snprintf(err, errlen, "capture: %s", strerror(errno));
		goto fail;
	}
	fd = -1;
	if (mvt_pcapng_add_interface(c->out, p->port, p->descr,
			c->snaplen) < 0 || mvt_pcapng_flush(c->out) != 0) {
		snprintf(err, errlen, "capture: cannot write the stream: %s",
			strerror(errno));
		goto fail;
	}
	if (rte_ctrl_thread_create(&c->thread, "mvt-capture", NULL,
			writer_main, c) != 0) {
		snprintf(err, errlen, "capture: cannot start its writer");
		goto fail;
	}
	c->thread_started = 1;
	return c;
fail:
	mvt_pcapng_close(c->out);
	if (c->out == NULL && fd >= 0)
		close(fd);
	capture_free(c);
	return NULL;
fail_fd:
	if (fd >= 0)
		close(fd);
	return NULL;
}

void
mvt_capture_burst(struct mvt_capture *c, unsigned int worker,
	unsigned int dir, struct rte_mbuf *const *pkts, uint16_t n,
	uint64_t tsc)
{
	struct capture_worker *cw = &c->worker[worker];
	struct rte_mbuf *copy[MVT_BURST];
	struct copy_meta *meta;
	uint64_t rc[MVT_BURST];
	uint16_t i, k, q, len;

	if (!(c->dirs & dir) || __atomic_load_n(&c->done, __ATOMIC_RELAXED))
		return;
	mvt_ctr_add(&cw->seen, n);
	for (; n > 0; pkts += len, n -= len) {
		len = RTE_MIN(n, MVT_BURST);
		if (c->bpf == NULL)
			for (i = 0; i < len; i++)
				rc[i] = 1;
		else if (c->jit.func != NULL)
			for (i = 0; i < len; i++)
				rc[i] = c->jit.func(pkts[i]);
		else
			rte_bpf_exec_burst(c->bpf, (void **)(uintptr_t)pkts,
				rc, len);
		for (i = 0, k = 0; i < len; i++) {
			if (rc[i] == 0) {
				mvt_ctr_add(&cw->filtered, 1);
				continue;
			}
			copy[k] = rte_pktmbuf_copy(pkts[i], c->pool, 0,
				c->snaplen);
			if (unlikely(copy[k] == NULL)) {
				mvt_ctr_add(&cw->no_mbuf, 1);
				continue;
			}
			meta = rte_mbuf_to_priv(copy[k]);
			meta->tsc = tsc;
			meta->orig_len = rte_pktmbuf_pkt_len(pkts[i]);
			meta->dir = dir;
			k++;
		}
		q = (uint16_t)rte_ring_mp_enqueue_burst(c->ring,
			(void **)copy, k, NULL);
		mvt_ctr_add(&cw->queued, q);
		if (q < k) {
			mvt_ctr_add(&cw->ring_full, k - q);
			rte_pktmbuf_free_bulk(&copy[q], k - q);
		}
	}
}

int
mvt_capture_done(const struct mvt_capture *c)
{
	return __atomic_load_n(&c->done, __ATOMIC_ACQUIRE);
}

void
mvt_capture_get_stats(const struct mvt_capture *c,
	struct mvt_capture_stats *st)
{
	unsigned int w;

	memset(st, 0, sizeof(*st));
	for (w = 0; w < MVT_MAX_WORKERS; w++) {
		st->seen += mvt_ctr_read(&c->worker[w].seen);
		st->filtered += mvt_ctr_read(&c->worker[w].filtered);
		st->queued += mvt_ctr_read(&c->worker[w].queued);
		st->ring_full += mvt_ctr_read(&c->worker[w].ring_full);
		st->no_mbuf += mvt_ctr_read(&c->worker[w].no_mbuf);
	}
	st->written = __atomic_load_n(&c->written, __ATOMIC_RELAXED);
	st->discarded = __atomic_load_n(&c->discarded, __ATOMIC_RELAXED);
	st->done = mvt_capture_done(c);
	st->error = st->done ? c->error : 0;
}

int
mvt_capture_destroy(struct mvt_capture *c, struct mvt_capture_stats *out)
{
	struct mvt_capture_stats st;
	uint64_t now = 0;
	int ret;

	if (c == NULL)
		return 0;
	if (c->thread_started) {
		__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
		pthread_join(c->thread, NULL);
	}
	mvt_capture_get_stats(c, &st);
	ret = -c->error;
	if (c->error == 0 && realtime_ns(&now) == 0)
		ret = mvt_pcapng_write_stats(c->out, 0, now,
			st.seen - st.filtered, st.ring_full + st.no_mbuf);
	if (mvt_pcapng_close(c->out) != 0 && ret == 0)
		ret = -EIO;
	if (out != NULL) {
		*out = st;
		out->done = 1;
		out->error = -ret;
	}
	capture_free(c);
	return ret;
}
