/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_PCAPNG_H
#define MVT_PCAPNG_H

/**
 * @file
 * A pcapng stream writer (the pcapng draft, IETF opsawg): one section
 * header, interface descriptions named after the switch's ports, enhanced
 * packet blocks with nanosecond timestamps and the direction, and
 * interface statistics at the end.
 *
 * DPDK 22.11's rte_pcapng describes only ethdev ports, by port id, and a
 * vhost-user endpoint is not one; this writer names any port. It is used
 * by one thread, the capture's writer, and never on the data path.
 */

#include <stdint.h>

#include <rte_mbuf.h>

/** Packet directions, as the epb_flags option encodes them. */
enum mvt_pcapng_dir {
	MVT_PCAPNG_DIR_UNKNOWN = 0,
	MVT_PCAPNG_DIR_IN = 1,	/**< received by the port (inbound) */
	MVT_PCAPNG_DIR_OUT = 2,	/**< sent by the port (outbound) */
};

struct mvt_pcapng;

/**
 * Start a pcapng stream on @p fd (the writer owns it from now on and closes
 * it): writes the section header with @p appl as the application.
 *
 * @return the writer, or NULL with errno set.
 */
struct mvt_pcapng *mvt_pcapng_open(int fd, const char *appl);

/**
 * Describe an Ethernet interface named @p name (and @p descr, may be NULL)
 * whose packets are cut at @p snaplen bytes, timestamps in nanoseconds.
 *
 * @return its interface id (0, 1, ...), or -errno.
 */
int mvt_pcapng_add_interface(struct mvt_pcapng *w, const char *name,
	const char *descr, uint32_t snaplen);

/**
 * Write the first @p caplen bytes of @p m (any number of segments) as a
 * packet of @p orig_len bytes seen on interface @p ifid at @p ts_ns
 * (nanoseconds since the Unix epoch) in direction @p dir.
 *
 * @return 0, or -errno (a reader that went away: -EPIPE).
 */
int mvt_pcapng_write_packet(struct mvt_pcapng *w, uint32_t ifid,
	uint64_t ts_ns, const struct rte_mbuf *m, uint32_t caplen,
	uint32_t orig_len, enum mvt_pcapng_dir dir);

/**
 * Write interface statistics for @p ifid at @p ts_ns: packets the capture
 * was offered (@p recv) and lost before they were written (@p drop).
 *
 * @return 0, or -errno.
 */
int mvt_pcapng_write_stats(struct mvt_pcapng *w, uint32_t ifid,
	uint64_t ts_ns, uint64_t recv, uint64_t drop);

/** Push what is buffered to the file or pipe. @return 0, or -errno. */
int mvt_pcapng_flush(struct mvt_pcapng *w);

/** Flush, close the descriptor and free @p w (NULL: nothing). @return 0,
 * or -errno of the first failure. */
int mvt_pcapng_close(struct mvt_pcapng *w);

#endif /* MVT_PCAPNG_H */
