/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_CAPTURE_H
#define MVT_CAPTURE_H

/**
 * @file
 * Packet capture of one port into a pcapng stream.
 *
 * The workers hand what the port receives and sends to the capture
 * (mvt_capture_burst()): each frame the filter accepts is copied, up to the
 * snap length, into an mbuf of the capture's own pool and put on the
 * capture's ring. The capture's writer thread drains the ring into the
 * pcapng stream. A full ring or an empty pool loses the copy, counted as
 * ring_full or no_mbuf; the frame itself is forwarded exactly as without
 * the capture, which only reads it.
 *
 * Lifecycle: mvt_capture_create() (any thread), attach it to a port, let
 * the workers run; mvt_capture_done() says when the writer has written
 * @c count frames or lost its reader; detach it, wait for the workers
 * (RCU), then mvt_capture_destroy() drains what is left, writes the
 * statistics and closes the stream.
 */

#include <stdint.h>

#include <rte_mbuf.h>

#include "mvt_build_config.h"

/** Directions, from the port's side: what it received, what it sent. */
#define MVT_CAPTURE_IN 1U
#define MVT_CAPTURE_OUT 2U
#define MVT_CAPTURE_BOTH (MVT_CAPTURE_IN | MVT_CAPTURE_OUT)

/** The snap length when none is given, and the largest. */
#define MVT_CAPTURE_SNAPLEN_MAX 65535U

/** Copies that can wait for the writer. */
#define MVT_CAPTURE_RING 4096U

struct mvt_capture_params {
	const char *port;	/**< the interface name in the stream */
	const char *descr;	/**< its description, NULL: none */
	unsigned int dirs;	/**< MVT_CAPTURE_IN and/or _OUT */
	uint32_t snaplen;	/**< 0: MVT_CAPTURE_SNAPLEN_MAX */
	uint64_t count;		/**< frames to write, 0: until destroyed */
	const char *filter;	/**< pcap-filter(7) expression, NULL: all */
	int fd;			/**< the stream's descriptor: the capture's */
	uint64_t tsc_hz;	/**< the TSC rate, for timestamps */
	int socket;		/**< NUMA socket of the pool and ring */
};

/** Counters of a capture, summed over the workers. */
struct mvt_capture_stats {
	uint64_t seen;		/**< frames offered in a captured direction */
	uint64_t filtered;	/**< of those, rejected by the filter */
	uint64_t queued;	/**< copies put on the ring */
	uint64_t ring_full;	/**< copies lost: the ring was full */
	uint64_t no_mbuf;	/**< copies lost: the pool was empty */
	uint64_t written;	/**< frames in the stream */
	uint64_t discarded;	/**< queued after @c count was reached */
	int error;		/**< the stream's errno (EPIPE: reader gone) */
	int done;		/**< count reached or the stream failed */
};

struct mvt_capture;

/**
 * Start a capture: compiles the filter, creates the pool, the ring and the
 * writer thread, and writes the stream's headers.
 *
 * @return the capture, or NULL with a one-line reason in @p err (a filter
 *   that does not compile: "capture filter: <libpcap's message>").
 */
struct mvt_capture *mvt_capture_create(const struct mvt_capture_params *p,
	char *err, size_t errlen);

/**
 * Offer @p n frames that the port received (@p dir MVT_CAPTURE_IN) or is
 * about to send (MVT_CAPTURE_OUT), at TSC @p tsc, from worker @p worker
 * (< MVT_MAX_WORKERS). The frames are only read. A direction the capture
 * does not cover costs one test.
 */
void mvt_capture_burst(struct mvt_capture *c, unsigned int worker,
	unsigned int dir, struct rte_mbuf *const *pkts, uint16_t n,
	uint64_t tsc);

/** Whether the writer is finished: count reached, or the stream failed. */
int mvt_capture_done(const struct mvt_capture *c);

/** Read the counters (any thread, while workers run). */
void mvt_capture_get_stats(const struct mvt_capture *c,
	struct mvt_capture_stats *st);

/**
 * Stop the writer after it wrote what is queued (up to the count), write
 * the statistics, close the stream and free @p c. No worker may use @p c
 * any more. NULL: nothing. The last counters go to @p st (may be NULL).
 *
 * @return 0, or -errno of the stream.
 */
int mvt_capture_destroy(struct mvt_capture *c, struct mvt_capture_stats *st);

#endif /* MVT_CAPTURE_H */
