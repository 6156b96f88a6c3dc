/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <string.h>
#include <unistd.h>

#include "mvt_port.h"

void
mvt_port_init(struct mvt_port *p)
{
	memset(p, 0, sizeof(*p));
	p->caps.max_frame = MVT_FRAME_MAX;
}

void
mvt_port_set_rx_owner(struct mvt_port *p, uint16_t qp, uint16_t worker)
{
	if ((p->kind != MVT_PORT_KIND_VHOST && p->kind != MVT_PORT_KIND_TAP) ||
			qp >= MVT_QUEUES_MAX)
		return;
	__atomic_store_n(&p->rx_owner[qp], (uint8_t)(worker + 1),
		__ATOMIC_RELAXED);
}

int
mvt_port_open_ethdev(struct mvt_port *p, const char *opt,
	const char *devargs, uint16_t nb_queues, uint32_t mtu,
	struct rte_mempool *mp, char *err, size_t errlen)
{
	mvt_port_init(p);
	if (mvt_ethdev_open(&p->eth, opt, devargs, nb_queues, mtu, mp, err,
			errlen) != 0)
		return -1;
	p->caps.max_frame = MVT_MTU_FRAME(p->eth.mtu);
	mvt_offload_caps_from_eth(p->eth.tx_offloads, p->caps.max_frame,
		&p->caps);
	p->kind = MVT_PORT_KIND_ETHDEV;
	return 0;
}

void
mvt_port_open_shared(struct mvt_port *p, struct mvt_port *dev, uint32_t mtu)
{
	mvt_port_init(p);
	p->caps = dev->caps;
	p->caps.max_frame = MVT_MTU_FRAME(mtu);
	p->eth = dev->eth;
	/* the device is dev's: this port neither polls nor closes it */
	p->eth.nb_rxq = 0;
	p->eth.have_port = 0;
	p->eth.probed = 0;
	p->eth.started = 0;
	p->vlan_dev = &dev->eth;
	p->kind = MVT_PORT_KIND_ETHDEV;
}

int
mvt_port_set_vlan(struct mvt_port *p, uint16_t vid, int strip,
	struct rte_mempool *mp)
{
	struct rte_eth_dev_info info;
	struct mvt_ethdev *dev;
	int mask;

	if (p->kind != MVT_PORT_KIND_ETHDEV)
		return -ENOTSUP;
	dev = p->vlan_dev != NULL ? p->vlan_dev : &p->eth;
	p->vlan_dev = dev;
	p->vlan_mp = mp;
	p->vlan_hw = (dev->tx_offloads & RTE_ETH_TX_OFFLOAD_VLAN_INSERT) != 0;
	/*
	 * A tag pushed in software moves the headers after the frame was
	 * prepared for the device's checksum and TSO offloads: the switch
	 * does that work itself then.
	 */
	if (!p->vlan_hw) {
		p->caps.csum = false;
		p->caps.tso4 = false;
		p->caps.tso6 = false;
	}
	if (strip && rte_eth_dev_info_get(dev->port_id, &info) == 0 &&
			(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_VLAN_STRIP)) {
		mask = rte_eth_dev_get_vlan_offload(dev->port_id);
		if (mask >= 0)
			rte_eth_dev_set_vlan_offload(dev->port_id,
				mask | RTE_ETH_VLAN_STRIP_OFFLOAD);
	}
	/* published last: a worker that sees vlan finds the rest */
	__atomic_store_n(&p->vlan, vid, __ATOMIC_RELEASE);
	return 0;
}

int
mvt_port_open_endpoint(struct mvt_port *p, uint16_t id,
	const struct mvt_endpoint_conf *ec, uint64_t mac, uint32_t mtu,
	uint16_t nb_workers, struct rte_mempool *mp, char *err, size_t errlen)
{
	mvt_port_init(p);
	p->caps.max_frame = MVT_MTU_FRAME(mtu);
	if (ec->type == MVT_EP_TYPE_TAP) {
		/* a tap gets its lower's MTU if net_tap takes it */
		if (mvt_tap_open(&p->tap, id, ec, mac, ec->mtu != 0 ? mtu :
				mtu | MVT_ETHDEV_MTU_AT_MOST, nb_workers, mp,
				err, errlen) != 0)
			return -1;
		p->caps.max_frame = MVT_MTU_FRAME(p->tap.eth.mtu);
		mvt_offload_caps_from_eth(p->tap.eth.tx_offloads,
			p->caps.max_frame, &p->caps);
		/* published last: a port's kind says it can be used */
		__atomic_store_n(&p->kind, MVT_PORT_KIND_TAP, __ATOMIC_RELEASE);
		return 0;
	}
	p->kind = MVT_PORT_KIND_VHOST;
	if (mvt_vhost_open(&p->vhost, id, ec, mtu, &p->caps, err,
			errlen) != 0) {
		p->kind = MVT_PORT_KIND_NONE;
		return -1;
	}
	return 0;
}

void
mvt_port_close(struct mvt_port *p)
{
	switch (p->kind) {
	case MVT_PORT_KIND_ETHDEV:
		mvt_ethdev_close(&p->eth);
		break;
	case MVT_PORT_KIND_TAP:
		__atomic_store_n(&p->kind, MVT_PORT_KIND_NONE,
			__ATOMIC_RELEASE);
		mvt_tap_close(&p->tap);
		break;
	case MVT_PORT_KIND_VHOST:
		mvt_vhost_close(&p->vhost);
		break;
	default:
		break;
	}
	p->kind = MVT_PORT_KIND_NONE;
}

void
mvt_port_abandon(struct mvt_port *p)
{
	if (p->kind == MVT_PORT_KIND_VHOST && p->vhost.in_use &&
			!p->vhost.client)
		unlink(p->vhost.path);
}

void
mvt_port_get_info(const struct mvt_port *p, struct mvt_port_info *info)
{
	const struct mvt_vhost *v = &p->vhost;

	memset(info, 0, sizeof(*info));
	info->ready = (uint8_t)mvt_port_ready(p);
	info->mtu = p->caps.max_frame - MVT_FRAME_OVERHEAD;
	if (p->kind == MVT_PORT_KIND_TAP) {
		info->role = "tap";
		info->path = p->tap.ifname;
		info->netns = p->tap.netns;
		info->queues = 1;
		info->queue_pairs = info->ready;
		return;
	}
	info->role = v->client ? "client" : "server";
	info->path = v->path;
	info->netns = "";
	info->is_client = v->client;
	info->queues = v->queues;
	info->queue_pairs = info->ready ? v->nb_qp : 0;
	info->features = __atomic_load_n(&v->features, __ATOMIC_RELAXED);
	info->dirty_log = __atomic_load_n(&v->dirty_log, __ATOMIC_RELAXED);
	info->log_starts = __atomic_load_n(&v->log_starts, __ATOMIC_RELAXED);
	info->connects = v->connects;
	info->frontends_refused = __atomic_load_n(&v->refused,
		__ATOMIC_RELAXED);
	info->queue_pairs_refused = __atomic_load_n(&v->refused_devices,
		__ATOMIC_RELAXED);
	info->connect_attempts = v->attempts;
	info->frontend_mtu = v->frontend_mtu;
}

int
mvt_port_rx_wake(struct mvt_port *p, uint16_t q, int on, int *fd,
	uint32_t *gen)
{
	*fd = -1;
	*gen = 0;
	switch (p->kind) {
	case MVT_PORT_KIND_VHOST:
		return mvt_vhost_rx_wake(&p->vhost, q, on, fd, gen);
	case MVT_PORT_KIND_ETHDEV:
	case MVT_PORT_KIND_TAP:
		/* its descriptors live as long as the port */
		return mvt_ethdev_rx_wake(mvt_port_eth(p), q, on, fd);
	default:
		return 0;
	}
}

void
mvt_port_rx_claim(struct mvt_port *p, uint16_t q, int mine)
{
	if (p->kind == MVT_PORT_KIND_ETHDEV || p->kind == MVT_PORT_KIND_TAP)
		mvt_ethdev_rx_claim(mvt_port_eth(p), q, mine);
}
