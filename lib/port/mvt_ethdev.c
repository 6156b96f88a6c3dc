/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_log.h>

#include "mvt_common.h"
#include "mvt_ethdev.h"
#include "mvt_log.h"


static void
ethdev_promisc_on(struct mvt_ethdev *l)
{
	int ret;

	if (l->promisc)
		return;
	ret = rte_eth_promiscuous_enable(l->port_id);
	if (ret != 0 && ret != -ENOTSUP)
		MVT_LOG(WARNING, "lower %s: cannot enable promiscuous mode: %s",
			l->name, rte_strerror(-ret));
	l->promisc = 1;
}

int
mvt_ethdev_open(struct mvt_ethdev *l, const char *opt, const char *devargs,
	uint16_t nb_queues, uint32_t mtu, struct rte_mempool *mp, char *err,
	size_t errlen)
{
	return mvt_ethdev_open_desc(l, opt, devargs, nb_queues, nb_queues,
		MVT_LOWER_DESC, mtu, mp, err, errlen);
}

/* A Toeplitz key whose hash is the same with source and destination swapped. */
static uint8_t rss_sym_key[64] = {
#define SYM_ 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a
	SYM_, SYM_, SYM_, SYM_, SYM_, SYM_, SYM_, SYM_,
#undef SYM_
};

/* The largest MTU the ethdev layer lets the device have. */
static uint32_t
ethdev_max_mtu(const struct rte_eth_dev_info *info)
{
	uint32_t overhead = RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;

	if (info->max_mtu != UINT16_MAX && info->max_rx_pktlen > info->max_mtu)
		overhead = info->max_rx_pktlen - info->max_mtu;
	if (info->max_rx_pktlen < overhead)
		return 0;
	return RTE_MIN((uint32_t)info->max_mtu,
		info->max_rx_pktlen - overhead);
}

/*
 * The MTU the device gets for @p mtu (see mvt_ethdev_open_desc()), before
 * it is configured: the frames it receives must fit one mbuf of @p mp
 * whole, and the device must take the MTU. @return it, or 0 with one
 * line in @p err.
 */
static uint32_t
ethdev_check_mtu(struct mvt_ethdev *l, const char *opt,
	const struct rte_eth_dev_info *info, uint32_t mtu,
	struct rte_mempool *mp, char *err, size_t errlen)
{
	uint32_t room = rte_pktmbuf_data_room_size(mp) - RTE_PKTMBUF_HEADROOM;
	uint32_t max = ethdev_max_mtu(info);

	if (mtu & MVT_ETHDEV_MTU_AT_MOST) {
		mtu &= ~MVT_ETHDEV_MTU_AT_MOST;
		if (mtu > max && max >= MVT_MTU_MIN) {
			MVT_LOG(INFO, "%s %s: mtu %u, as the device takes no %u",
				opt + 2, l->name, RTE_MIN(max, (uint32_t)MVT_MTU), mtu);
			mtu = RTE_MIN(max, (uint32_t)MVT_MTU);
		}
	}
	if (MVT_MTU_FRAME(mtu) > room) {
		snprintf(err, errlen,
			"%s %s: mtu=%u: frames of %u bytes do not fit the switch's buffers of %u bytes",
			opt, l->name, mtu, MVT_MTU_FRAME(mtu), room);
		return 0;
	}
	/*
	 * net_tap and net_af_packet in DPDK 22.11 say their frames are at
	 * most 1522 and 1518 bytes: no jumbo frames for them.
	 */
	if (mtu < info->min_mtu || mtu > max) {
		snprintf(err, errlen, "%s %s: mtu=%u: the device takes %u..%u",
			opt, l->name, mtu, info->min_mtu, max);
		return 0;
	}
	return mtu;
}

/* Give the configured device its MTU (see ethdev_check_mtu()). */
static int
ethdev_set_mtu(struct mvt_ethdev *l, const char *opt, uint32_t mtu,
	char *err, size_t errlen)
{
	int ret = rte_eth_dev_set_mtu(l->port_id, (uint16_t)mtu);

	/* a driver without an MTU (net_ring, net_vhost) limits no frame */
	if (ret != 0 && ret != -ENOTSUP) {
		snprintf(err, errlen, "%s %s: cannot set mtu=%u: %s", opt,
			l->name, mtu, rte_strerror(-ret));
		return -1;
	}
	l->mtu = mtu;
	return 0;
}

/*
 * Configure the device's queues from @p conf, give it its MTU, set the
 * queues up and start it. @return 0; -EAGAIN if it failed with RX
 * interrupts asked for (try again without); or -1 with one line in @p err.
 */
static int
ethdev_start(struct mvt_ethdev *l, const struct rte_eth_conf *conf,
	uint16_t nb_desc, uint32_t mtu, struct rte_mempool *mp,
	const char *opt, const char *devargs, char *err, size_t errlen)
{
	uint16_t nb_rxd = nb_desc, nb_txd = nb_desc, q;
	int ret, socket;

	ret = rte_eth_dev_configure(l->port_id, l->nb_rxq, l->nb_txq, conf);
	if (ret == 0)
		ret = rte_eth_dev_adjust_nb_rx_tx_desc(l->port_id, &nb_rxd,
			&nb_txd);
	if (ret != 0) {
		if (conf->intr_conf.rxq)
			return -EAGAIN;
		snprintf(err, errlen, "%s %s: cannot configure %u queues: %s",
			opt, devargs, l->nb_rxq, rte_strerror(-ret));
		return -1;
	}
	if (ethdev_set_mtu(l, opt, mtu, err, errlen) != 0)
		return -1;
	socket = rte_eth_dev_socket_id(l->port_id);
	for (q = 0; q < l->nb_rxq && ret == 0; q++)
		ret = rte_eth_rx_queue_setup(l->port_id, q, nb_rxd, socket,
			NULL, mp);
	for (q = 0; q < l->nb_txq && ret == 0; q++)
		ret = rte_eth_tx_queue_setup(l->port_id, q, nb_txd, socket,
			NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(l->port_id);
	if (ret != 0) {
		if (conf->intr_conf.rxq) {
			MVT_LOG(INFO, "%s %s: no RX interrupts (%s): an idle worker polls it on time",
				opt + 2, l->name, rte_strerror(-ret));
			return -EAGAIN;
		}
		snprintf(err, errlen, "%s %s: cannot start: %s", opt, devargs,
			rte_strerror(-ret));
		return -1;
	}
	return 0;
}

/*
 * Where the started device has RX interrupts (@p intr), the descriptor of
 * each RX queue's (mvt_ethdev_rx_wake()); -1 elsewhere. A driver without
 * them (net_null, net_ring) makes ethdev log an error when asked, which
 * would be misleading here: it is asked quietly.
 */
static void
ethdev_find_wake_fds(struct mvt_ethdev *l, int intr)
{
	int type = rte_log_register("lib.ethdev");
	int level = type >= 0 ? rte_log_get_level(type) : -1;
	uint16_t q;

	for (q = 0; q < RTE_DIM(l->rx_wake_fd); q++)
		l->rx_wake_fd[q] = -1;
	if (!intr)
		return;
	if (level >= 0)
		rte_log_set_level(type, RTE_LOG_EMERG);
	for (q = 0; q < l->nb_rxq; q++)
		l->rx_wake_fd[q] = rte_eth_dev_rx_intr_ctl_q_get_fd(l->port_id,
			q);
	if (level >= 0)
		rte_log_set_level(type, (uint32_t)level);
	l->rx_intr = l->rx_wake_fd[0] >= 0;
}

int
mvt_ethdev_open_desc(struct mvt_ethdev *l, const char *opt, const char *devargs,
	uint16_t nb_queues, uint16_t nb_users, uint16_t nb_desc, uint32_t mtu,
	struct rte_mempool *mp, char *err, size_t errlen)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	struct rte_ether_addr addr;
	uint16_t q;
	int ret;
	size_t len;

	memset(l, 0, sizeof(*l));
	len = strcspn(devargs, ",");
	if (len == 0 || len >= sizeof(l->name)) {
		snprintf(err, errlen, "%s %s: not a device name", opt, devargs);
		return -1;
	}
	memcpy(l->name, devargs, len);
	l->name[len] = '\0';

	/* given to the EAL already (-a, --vdev), or ours to probe */
	if (rte_eth_dev_get_port_by_name(l->name, &l->port_id) != 0) {
		ret = rte_dev_probe(devargs);
		if (ret != 0) {
			/* rte_dev_probe's errno says little; say what to check */
			snprintf(err, errlen,
				"%s %s: device did not probe (%s)", opt, devargs,
				strchr(l->name, ':') != NULL ?
				"is it bound to vfio-pci? see dpdk-devbind.py" :
				"unknown driver or bad arguments");
			return -1;
		}
		l->probed = 1;
		if (rte_eth_dev_get_port_by_name(l->name, &l->port_id) != 0) {
			snprintf(err, errlen,
				"%s %s: probed, but no ethdev port is named %s",
				opt, devargs, l->name);
			goto fail;
		}
	}
	l->have_port = 1;

	ret = rte_eth_dev_info_get(l->port_id, &info);
	if (ret != 0) {
		snprintf(err, errlen, "%s %s: cannot read device info: %s",
			opt, devargs, rte_strerror(-ret));
		goto fail;
	}
	/* a queue pair per worker at most: so many TX locks there are */
	nb_queues = RTE_MIN(nb_queues, (uint16_t)RTE_DIM(l->txq_lock));
	l->nb_rxq = RTE_MIN(nb_queues, info.max_rx_queues);
	l->nb_txq = RTE_MIN(nb_queues, info.max_tx_queues);
	if (l->nb_rxq == 0 || l->nb_txq == 0) {
		snprintf(err, errlen, "%s %s: device has no queues", opt, devargs);
		goto fail;
	}
	if (l->nb_rxq > 1 && info.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
		/*
		 * A symmetric key: both directions of a conversation hash to
		 * one queue, so one worker meters and orders them.
		 */
		if (info.hash_key_size > 0 &&
				info.hash_key_size <= sizeof(rss_sym_key)) {
			conf.rx_adv_conf.rss_conf.rss_key = rss_sym_key;
			conf.rx_adv_conf.rss_conf.rss_key_len =
				info.hash_key_size;
		}
	}
	/*
	 * What the device does for frames that ask for it (a guest's
	 * partial checksums and TCP super-frames); frames that do not ask
	 * are sent as they are, at no cost.
	 */
	conf.txmode.offloads = info.tx_offload_capa & MVT_ETHDEV_TX_OFFLOADS;
	/*
	 * net_tap's TSO is librte_gso in the driver, whose segments take
	 * the super-frame's own flags: for a guest's frame in an external
	 * buffer they free that buffer as theirs. The switch segments for
	 * it instead (the kernel behind it checks its checksums either way).
	 */
	if (strcmp(info.driver_name, "net_tap") == 0) {
		conf.txmode.offloads &= ~RTE_ETH_TX_OFFLOAD_TCP_TSO;
		l->rx_sigio = 1;
	}
	l->tx_offloads = conf.txmode.offloads;
	mtu = ethdev_check_mtu(l, opt, &info, mtu, mp, err, errlen);
	if (mtu == 0)
		goto fail;
	conf.rxmode.mtu = (uint16_t)mtu;
	/*
	 * RX interrupts, for a worker that sleeps when idle to be woken by
	 * an arrival; a device that cannot have them (no MSI-X vector per
	 * queue) is brought up again without, and polled on time only.
	 */
	conf.intr_conf.rxq = 1;
	ret = ethdev_start(l, &conf, nb_desc, mtu, mp, opt, devargs, err,
		errlen);
	if (ret == -EAGAIN) {
		conf.intr_conf.rxq = 0;
		ret = ethdev_start(l, &conf, nb_desc, mtu, mp, opt, devargs,
			err, errlen);
	}
	if (ret != 0)
		goto fail;
	ethdev_find_wake_fds(l, conf.intr_conf.rxq);
	l->started = 1;
	l->txq_shared = nb_users > l->nb_txq;
	for (q = 0; q < RTE_DIM(l->txq_lock); q++)
		rte_spinlock_init(&l->txq_lock[q].lock);
	l->mac_max = info.max_mac_addrs > 0 ? info.max_mac_addrs - 1 : 0;
	if (rte_eth_macaddr_get(l->port_id, &addr) == 0)
		l->mac = mvt_mac_load6(addr.addr_bytes);
	/* start from a known state: promiscuous only when needed */
	rte_eth_promiscuous_disable(l->port_id);
	/*
	 * An endpoint without mcast= accepts every multicast group (vhost-user
	 * backends do not see the guests' joins), and the mcast= lists of the
	 * others are not programmed into the device's filter, so it must pass
	 * them all.
	 */
	ret = rte_eth_allmulticast_enable(l->port_id);
	if (ret != 0 && ret != -ENOTSUP)
		MVT_LOG(WARNING, "%s %s: cannot enable all-multicast: %s",
			opt + 2, l->name, rte_strerror(-ret));
	MVT_LOG(INFO, "%s %s: port %u, %u rx / %u tx queues, %u MAC filter slots",
		opt + 2, l->name, l->port_id, l->nb_rxq, l->nb_txq, l->mac_max);
	return 0;
fail:
	mvt_ethdev_close(l);
	return -1;
}

void
mvt_ethdev_rx_claim(struct mvt_ethdev *l, uint16_t q, int mine)
{
	struct f_owner_ex own = {
		.type = mine ? F_OWNER_TID : F_OWNER_PID,
		.pid = mine ? (pid_t)syscall(SYS_gettid) : getpid(),
	};

	if (!l->rx_sigio || !l->rx_intr || q >= l->nb_rxq ||
			l->rx_wake_fd[q] < 0)
		return;
	/* the queue's descriptor is net_tap's own, which it signals from */
	if (fcntl(l->rx_wake_fd[q], F_SETOWN_EX, &own) != 0)
		MVT_LOG(DEBUG, "%s: queue %u: cannot direct its signal: %s",
			l->name, q, strerror(errno));
}

int
mvt_ethdev_rx_wake(struct mvt_ethdev *l, uint16_t q, int on, int *fd)
{
	int n;

	*fd = -1;
	if (!l->rx_intr || q >= l->nb_rxq)
		return 0;
	*fd = l->rx_wake_fd[q];
	if (!on) {
		rte_eth_dev_rx_intr_disable(l->port_id, q);
		return 0;
	}
	/* net_tap has no switch: its descriptor is the queue's own */
	rte_eth_dev_rx_intr_enable(l->port_id, q);
	n = rte_eth_rx_queue_count(l->port_id, q);
	return n > 0 ? n : 0;
}

int
mvt_ethdev_add_mac(struct mvt_ethdev *l, uint64_t mac)
{
	struct rte_ether_addr addr;
	int ret = -ENOSPC;

	mvt_mac_store6(mac, addr.addr_bytes);
	if (l->mac_used < l->mac_max)
		ret = rte_eth_dev_mac_addr_add(l->port_id, &addr, 0);
	if (ret == 0) {
		l->mac_used++;
		return 0;
	}
	if (!l->promisc)
		MVT_LOG(INFO, "lower %s: MAC filter cannot take more addresses (%s): promiscuous",
			l->name, rte_strerror(-ret));
	ethdev_promisc_on(l);
	return 1;
}

void
mvt_ethdev_del_mac(struct mvt_ethdev *l, uint64_t mac)
{
	struct rte_ether_addr addr;

	mvt_mac_store6(mac, addr.addr_bytes);
	if (rte_eth_dev_mac_addr_remove(l->port_id, &addr) == 0 &&
			l->mac_used > 0)
		l->mac_used--;
}

void
mvt_ethdev_force_promisc(struct mvt_ethdev *l)
{
	l->promisc_forced = 1;
	ethdev_promisc_on(l);
}

void
mvt_ethdev_close(struct mvt_ethdev *l)
{
	struct rte_eth_dev_info info;
	struct rte_device *dev = NULL;

	if (!l->have_port)
		return;
	if (rte_eth_dev_info_get(l->port_id, &info) == 0)
		dev = info.device;
	if (l->started)
		rte_eth_dev_stop(l->port_id);
	l->started = 0;
	rte_eth_dev_close(l->port_id);
	if (l->probed && dev != NULL)
		rte_dev_remove(dev);
	l->have_port = 0;
}
