/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mvt_pcapng.h"

/* Block types and option codes of the pcapng draft. */
#define BT_SHB 0x0a0d0d0aU
#define BT_IDB 0x00000001U
#define BT_ISB 0x00000005U
#define BT_EPB 0x00000006U
#define BYTE_ORDER_MAGIC 0x1a2b3c4dU
#define LINKTYPE_ETHERNET 1

#define OPT_END 0
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_DESCRIPTION 3
#define IF_TSRESOL 9
#define EPB_FLAGS 2
#define ISB_STARTTIME 2
#define ISB_ENDTIME 3
#define ISB_IFRECV 4
#define ISB_IFDROP 5

#define BUF_SIZE (256 * 1024)
#define MAX_BLOCK (64 * 1024 + 256)	/* an EPB of the largest packet */

struct mvt_pcapng {
	int fd;
	int err;		/**< first write error, sticky */
	uint32_t n_if;
	uint32_t len;
	uint8_t buf[BUF_SIZE];
};

static int
drain(struct mvt_pcapng *w)
{
	uint32_t off = 0;
	ssize_t r;

	while (w->err == 0 && off < w->len) {
		r = write(w->fd, w->buf + off, w->len - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			w->err = r < 0 ? errno : EIO;
		else
			off += (uint32_t)r;
	}
	w->len = 0;
	return -w->err;
}

/* Room for @p n more bytes in the buffer. */
static uint8_t *
reserve(struct mvt_pcapng *w, uint32_t n)
{
	if (w->len + n > BUF_SIZE)
		drain(w);
	return w->buf + w->len;
}

static uint8_t *
put(uint8_t *p, const void *v, uint32_t n)
{
	if (n > 0)	/* an empty option has no value, not even a pointer */
		memcpy(p, v, n);
	return p + n;
}

static uint8_t *
put32(uint8_t *p, uint32_t v)
{
	return put(p, &v, sizeof(v));
}

static uint8_t *
put_pad(uint8_t *p, uint32_t n)
{
	uint32_t pad = RTE_ALIGN_CEIL(n, 4) - n;

	memset(p, 0, pad);
	return p + pad;
}

/* An option: code, length, value, padded to 32 bits. */
static uint8_t *
put_opt(uint8_t *p, uint16_t code, const void *v, uint16_t n)
{
	p = put(p, &code, sizeof(code));
	p = put(p, &n, sizeof(n));
	p = put(p, v, n);
	return put_pad(p, n);
}

static uint8_t *
put_opt_str(uint8_t *p, uint16_t code, const char *s)
{
	size_t n = strnlen(s, 256);

	return put_opt(p, code, s, (uint16_t)n);
}

/* Close a block started at @p start: both length fields, then commit it. */
static void
commit(struct mvt_pcapng *w, uint8_t *start, uint8_t *end)
{
	uint32_t total = (uint32_t)(end - start) + 4;

	memcpy(start + 4, &total, sizeof(total));
	put32(end, total);
	w->len += total;
}

struct mvt_pcapng *
mvt_pcapng_open(int fd, const char *appl)
{
	struct mvt_pcapng *w;
	uint8_t *b, *p;
	int64_t section_len = -1;
	uint16_t v;

	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->fd = fd;
	b = p = reserve(w, 512);
	p = put32(p, BT_SHB);
	p = put32(p, 0);
	p = put32(p, BYTE_ORDER_MAGIC);
	v = 1;
	p = put(p, &v, sizeof(v));	/* major */
	v = 0;
	p = put(p, &v, sizeof(v));	/* minor */
	p = put(p, &section_len, sizeof(section_len));
	p = put_opt_str(p, SHB_USERAPPL, appl);
	p = put_opt(p, OPT_END, NULL, 0);
	commit(w, b, p);
	return w;
}

int
mvt_pcapng_add_interface(struct mvt_pcapng *w, const char *name,
	const char *descr, uint32_t snaplen)
{
	uint8_t tsresol = 9;	/* 10^-9 s */
	uint16_t v;
	uint8_t *b, *p;

	b = p = reserve(w, 1024);
	p = put32(p, BT_IDB);
	p = put32(p, 0);
	v = LINKTYPE_ETHERNET;
	p = put(p, &v, sizeof(v));
	v = 0;
	p = put(p, &v, sizeof(v));
	p = put32(p, snaplen);
	p = put_opt_str(p, IF_NAME, name);
	if (descr != NULL)
		p = put_opt_str(p, IF_DESCRIPTION, descr);
	p = put_opt(p, IF_TSRESOL, &tsresol, 1);
	p = put_opt(p, OPT_END, NULL, 0);
	commit(w, b, p);
	if (w->err != 0)
		return -w->err;
	return (int)w->n_if++;
}

int
mvt_pcapng_write_packet(struct mvt_pcapng *w, uint32_t ifid,
	uint64_t ts_ns, const struct rte_mbuf *m, uint32_t caplen,
	uint32_t orig_len, enum mvt_pcapng_dir dir)
{
	uint32_t flags = dir, n, off = 0;
	const struct rte_mbuf *s;
	uint8_t *b, *p;

	caplen = RTE_MIN(caplen, rte_pktmbuf_pkt_len(m));
	caplen = RTE_MIN(caplen, (uint32_t)(MAX_BLOCK - 64));
	b = p = reserve(w, caplen + 64);
	p = put32(p, BT_EPB);
	p = put32(p, 0);
	p = put32(p, ifid);
	p = put32(p, (uint32_t)(ts_ns >> 32));
	p = put32(p, (uint32_t)ts_ns);
	p = put32(p, caplen);
	p = put32(p, orig_len);
	for (s = m; s != NULL && off < caplen; s = s->next) {
		n = RTE_MIN((uint32_t)s->data_len, caplen - off);
		p = put(p, rte_pktmbuf_mtod(s, const void *), n);
		off += n;
	}
	p = put_pad(p, caplen);
	p = put_opt(p, EPB_FLAGS, &flags, sizeof(flags));
	p = put_opt(p, OPT_END, NULL, 0);
	commit(w, b, p);
	return -w->err;
}

int
mvt_pcapng_write_stats(struct mvt_pcapng *w, uint32_t ifid,
	uint64_t ts_ns, uint64_t recv, uint64_t drop)
{
	uint32_t ts[2] = { (uint32_t)(ts_ns >> 32), (uint32_t)ts_ns };
	uint8_t *b, *p;

	b = p = reserve(w, 128);
	p = put32(p, BT_ISB);
	p = put32(p, 0);
	p = put32(p, ifid);
	p = put32(p, ts[0]);
	p = put32(p, ts[1]);
	p = put_opt(p, ISB_ENDTIME, ts, sizeof(ts));
	p = put_opt(p, ISB_IFRECV, &recv, sizeof(recv));
	p = put_opt(p, ISB_IFDROP, &drop, sizeof(drop));
	p = put_opt(p, OPT_END, NULL, 0);
	commit(w, b, p);
	return -w->err;
}

int
mvt_pcapng_flush(struct mvt_pcapng *w)
{
	return drain(w);
}

int
mvt_pcapng_close(struct mvt_pcapng *w)
{
	int ret;

	if (w == NULL)
		return 0;
	ret = drain(w);
	if (close(w->fd) != 0 && ret == 0)
		ret = -errno;
	free(w);
	return ret;
}
