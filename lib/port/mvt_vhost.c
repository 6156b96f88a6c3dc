/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_cycles.h>
#include <rte_vhost.h>

#include "mvt_log.h"
#include "mvt_vhost.h"

/*
 * Never offered: what the switch cannot do in software for a receiver
 * that lacks it -- UDP segmentation (UFO), ECN-marked segmentation, and
 * VIRTIO_NET_F_GSO, the legacy "any GSO" bit that would let a guest send
 * both. Packed rings are off: a split ring's avail index counts frames,
 * which is how frames librte_vhost discards without a copy are counted
 * (mvt_vhost_rx_burst); vhost-net, what kernel macvtap uses, has no
 * packed rings either.
 */
#define MVT_VHOST_NEVER_FEATURES ( \
	(1ULL << VIRTIO_NET_F_GSO) | \
	(1ULL << VIRTIO_NET_F_HOST_ECN) | (1ULL << VIRTIO_NET_F_HOST_UFO) | \
	(1ULL << VIRTIO_NET_F_GUEST_ECN) | (1ULL << VIRTIO_NET_F_GUEST_UFO) | \
	(1ULL << VIRTIO_F_RING_PACKED))

/*
 * The offloads of offload=on, as vhost-net offers them to a guest on
 * kernel macvtap: what it may send (CSUM, HOST_TSO4/6: partial checksums
 * and TCP super-frames, which the switch completes or segments for
 * receivers that lack them) and what it takes (GUEST_CSUM, GUEST_TSO4/6).
 */
#define MVT_VHOST_OFFLOAD_FEATURES ( \
	(1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) | \
	(1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6) | \
	(1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6))

/*
 * Linear mbufs: a frame is never a chain of pool mbufs, so a guest cannot
 * empty the shared pool with long descriptor chains. Compliant offload
 * flags: a dequeued frame says what it asks for with the standard receive
 * flags (RX_LRO with tso_segsz, RX_L4_CKSUM_NONE), which the pipeline
 * validates (mvt_offload_prepare()). With offloads on, a frame longer than
 * a pool mbuf (a super-frame of up to 64 KiB) gets an external buffer
 * from librte_vhost instead of being discarded; it lives as long as the
 * frame is in the switch or in a transmit ring.
 */
#define MVT_VHOST_FLAGS (RTE_VHOST_USER_LINEARBUF_SUPPORT | \
	RTE_VHOST_USER_NET_COMPLIANT_OL_FLAGS)

static struct rte_rcu_qsbr *vhost_qsbr;

/* socket path -> endpoint; callbacks run on librte_vhost's own thread */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mvt_vhost *registry[MVT_MAX_ENDPOINTS];

/*
 * Registering, reconnecting and unregistering sockets. Never taken in a
 * librte_vhost callback: unregister waits for those to return.
 */
static pthread_mutex_t lifecycle_lock = PTHREAD_MUTEX_INITIALIZER;

/* the process umask is shared: one socket file is created at a time */
static pthread_mutex_t umask_lock = PTHREAD_MUTEX_INITIALIZER;

void
mvt_vhost_set_qsbr(struct rte_rcu_qsbr *qsbr)
{
	vhost_qsbr = qsbr;
}

static struct mvt_vhost *
find_by_vid(int vid)
{
	char path[PATH_MAX];
	struct mvt_vhost *v = NULL;
	unsigned int i;

	if (rte_vhost_get_ifname(vid, path, sizeof(path)) != 0)
		return NULL;
	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < RTE_DIM(registry); i++) {
		if (registry[i] != NULL && strcmp(registry[i]->path, path) == 0) {
			v = registry[i];
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	return v;
}

/* The endpoint that connection @p vid is the live connection of. */
static struct mvt_vhost *
find_owner(int vid)
{
	struct mvt_vhost *v = find_by_vid(vid);

	if (v == NULL || __atomic_load_n(&v->conn_vid, __ATOMIC_ACQUIRE) != vid)
		return NULL;
	return v;
}

/* Stop the workers using the device; returns once none is inside a call. */
static void
device_stop(struct mvt_vhost *v)
{
	__atomic_store_n(&v->ready, 0, __ATOMIC_RELEASE);
	if (vhost_qsbr != NULL)
		rte_rcu_qsbr_synchronize(vhost_qsbr, RTE_QSBR_THRID_INVALID);
	__atomic_store_n(&v->vid, -1, __ATOMIC_RELAXED);
}

/* Whether @p fd is a connection accepted on the socket file @p path. */
static int
is_connection_of(int fd, const char *path)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof(sa);
	int listening;
	socklen_t ll = sizeof(listening);

	if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0 ||
			sa.sun_family != AF_UNIX ||
			len <= offsetof(struct sockaddr_un, sun_path) ||
			strncmp(sa.sun_path, path, sizeof(sa.sun_path)) != 0)
		return 0;
	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening,
		&ll) == 0 && !listening;
}

/*
 * The descriptor of the connection librte_vhost just accepted on server
 * endpoint @p v, which it does not tell: the connected socket of that path
 * that is not the live connection. -1 if none is found.
 */
static int
find_new_connection_fd(const struct mvt_vhost *v)
{
	struct dirent *de;
	int fd, found = -1;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		fd = atoi(de->d_name);
		if (de->d_name[0] == '.' || fd == dirfd(d) || fd == v->conn_fd)
			continue;
		if (is_connection_of(fd, v->path)) {
			found = fd;
			break;
		}
	}
	closedir(d);
	return found;
}

/*
 * Whether the live connection's frontend has closed it already, though
 * librte_vhost has not read the end yet: it handles a new connection on
 * the socket before the end of an old one that came in the same instant.
 */
static int
live_connection_ended(const struct mvt_vhost *v)
{
	struct pollfd p = { .fd = v->conn_fd, .events = POLLRDHUP };

	return v->conn_fd >= 0 && poll(&p, 1, 0) == 1 &&
		(p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static int
on_new_connection(int vid)
{
	struct mvt_vhost *v = find_by_vid(vid);
	int none = -1;

	if (v == NULL)
		return -1;
	if (!__atomic_compare_exchange_n(&v->conn_vid, &none, vid, 0,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		if (!live_connection_ended(v)) {
			/* counted always, logged once per live connection */
			__atomic_fetch_add(&v->refused, 1, __ATOMIC_RELAXED);
			if (!v->refusal_logged) {
				v->refusal_logged = 1;
				MVT_LOG(WARNING, "endpoint %s: refused a second frontend on %s (one is connected)",
					v->name, v->path);
			}
			return -1;
		}
		/*
		 * The new frontend replaces one that is gone: its device
		 * stops now, and the callbacks of its end find no owner.
		 */
		if (mvt_vhost_ready(v))
			device_stop(v);
		__atomic_store_n(&v->conn_vid, vid, __ATOMIC_RELEASE);
	}
	v->conn_fd = v->client ? -1 : find_new_connection_fd(v);
	v->refusal_logged = 0;
	v->qp_refusal_logged = 0;
	/* nothing of the last frontend's queues carries over */
	__atomic_store_n(&v->vring_enabled, 0, __ATOMIC_RELEASE);
	return 0;
}

static void
refuse_queue_pairs(struct mvt_vhost *v, unsigned int nb_qp)
{
	/* counted and logged once per connection: new_device comes again */
	if (v->qp_refusal_logged)
		return;
	v->qp_refusal_logged = 1;
	__atomic_fetch_add(&v->refused_devices, 1, __ATOMIC_RELAXED);
	MVT_LOG(ERR, "endpoint %s: the frontend opened %u queue pairs, more than queues=%u: not forwarding",
		v->name, nb_qp, v->queues);
}

/*
 * The MTU the frontend set (QEMU's host_mtu=, which the guest's driver
 * learns through VIRTIO_NET_F_MTU), 0 for none; one above the endpoint's
 * is said once per connection, since its guest will send frames the
 * switch drops.
 */
static uint16_t
frontend_mtu(struct mvt_vhost *v, int vid)
{
	uint16_t mtu;

	if (rte_vhost_get_mtu(vid, &mtu) != 0)
		return 0;
	if (mtu > v->mtu)
		MVT_LOG(WARNING, "endpoint %s: the frontend set MTU %u, above the endpoint's %u: longer frames are dropped",
			v->name, mtu, v->mtu);
	return mtu;
}

/*
 * What the guest takes, from the features it negotiated and the MTU its
 * frontend set: published before the device is ready, and only then read
 * by the workers.
 */
static void
set_caps(struct mvt_vhost *v, int vid)
{
	struct mvt_offload_caps *c = v->caps;
	uint32_t mtu = v->mtu;

	v->frontend_mtu = frontend_mtu(v, vid);
	if (v->frontend_mtu != 0)
		mtu = RTE_MIN(mtu, (uint32_t)v->frontend_mtu);
	c->max_frame = MVT_MTU_FRAME(mtu);

	c->csum = (v->features >> VIRTIO_NET_F_GUEST_CSUM) & 1;
	c->tso4 = c->csum && ((v->features >> VIRTIO_NET_F_GUEST_TSO4) & 1);
	c->tso6 = c->csum && ((v->features >> VIRTIO_NET_F_GUEST_TSO6) & 1);
	/* the enqueue copies a chain as well as one mbuf */
	c->multi_seg = true;
}

/*
 * Turning guest notifications on or off writes the used ring's flags in
 * guest memory (without VIRTIO_RING_F_EVENT_IDX) or, with it, the
 * avail_event after the @p size entries of the ring (0: not known, not
 * logged), outside librte_vhost's enqueue and dequeue, which log what they
 * write: log it too, so that a device that starts while the frontend logs
 * (a guest that resets its device during a live migration) loses nothing.
 * A no-op when nobody logs.
 */
static void
log_notification(int vid, uint16_t vring, uint16_t size)
{
	rte_vhost_log_used_vring(vid, vring, 0, sizeof(uint16_t));
	if (size > 0)
		rte_vhost_log_used_vring(vid, vring,
			offsetof(struct vring_used, ring) +
			(uint64_t)size * sizeof(struct vring_used_elem),
			sizeof(uint16_t));
}

/* After the notifications of all @p nvr vrings were turned off. */
static void
log_notification_flags(int vid, uint16_t nvr)
{
	uint16_t q;

	for (q = 0; q < nvr; q++)
		log_notification(vid, q, 0);
}

int
mvt_vhost_rx_wake(struct mvt_vhost *v, uint16_t qp, int on, int *fd,
	uint32_t *gen)
{
	struct rte_vhost_vring vr;
	uint16_t vring = 2 * qp + 1;
	uint32_t n;
	int vid;

	*fd = -1;
	*gen = __atomic_load_n(&v->rings_gen, __ATOMIC_RELAXED);
	if (!mvt_vhost_ready(v) || !mvt_vhost_vring_on(v, vring))
		return 0;
	vid = __atomic_load_n(&v->vid, __ATOMIC_RELAXED);
	if (rte_vhost_get_vhost_vring(vid, vring, &vr) != 0)
		return 0;
	rte_vhost_enable_guest_notification(vid, vring, on);
	/* enabling with VIRTIO_RING_F_EVENT_IDX writes the avail_event */
	log_notification(vid, vring, vr.size);
	*fd = vr.kickfd;
	if (!on)
		return 0;
	/* after the store of the flag, under the queue's lock: a barrier */
	n = rte_vhost_rx_queue_count(vid, vring);
	return (int)RTE_MIN(n, (uint32_t)INT16_MAX);
}

static int
on_new_device(int vid)
{
	struct mvt_vhost *v = find_owner(vid);
	uint16_t nvr, q, used;

	if (v == NULL)
		return -1;
	nvr = rte_vhost_get_vring_num(vid);
	/* queues beyond queues= would never be polled: refuse, and say so */
	if (nvr / 2 > v->queues) {
		refuse_queue_pairs(v, nvr / 2);
		return -1;
	}
	/* the switch polls: guest kicks would only cost syscalls */
	for (q = 0; q < nvr; q++)
		rte_vhost_enable_guest_notification(vid, q, 0);
	log_notification_flags(vid, nvr);
	for (q = 0; q < nvr / 2; q++)
		if (rte_vhost_get_vring_base(vid, 2 * q + 1, &v->rx_avail[q],
				&used) != 0)
			v->rx_avail[q] = 0;
	rte_vhost_get_negotiated_features(vid, &v->features);
	set_caps(v, vid);
	__atomic_store_n(&v->dirty_log,
		RTE_VHOST_NEED_LOG(v->features) != 0, __ATOMIC_RELAXED);
	v->nb_qp = nvr / 2;
	v->connects++;
	__atomic_fetch_add(&v->rings_gen, 1, __ATOMIC_RELAXED);
	v->up_since = rte_get_timer_cycles();
	__atomic_store_n(&v->vid, vid, __ATOMIC_RELAXED);
	__atomic_store_n(&v->ready, 1, __ATOMIC_RELEASE);
	MVT_LOG(INFO, "endpoint %s: guest connected (vid %d, %u queue pairs, features 0x%" PRIx64 ")",
		v->name, vid, v->nb_qp, v->features);
	return 0;
}

static void
on_destroy_device(int vid)
{
	struct mvt_vhost *v = find_owner(vid);

	if (v == NULL)
		return;
	device_stop(v);
	__atomic_store_n(&v->dirty_log, 0, __ATOMIC_RELAXED);
	MVT_LOG(INFO, "endpoint %s: guest disconnected", v->name);
}

/*
 * The frontend turns VHOST_F_LOG_ALL on when a live migration of its
 * guest starts and off when the migration is cancelled or fails (after a
 * completed one it stops the device instead). Only that bit may change
 * while the device runs. librte_vhost then logs every page its enqueue
 * and dequeue write, which are all the writes the workers make into
 * guest memory, so the data path changes nothing; this records the state
 * for telemetry and the log.
 */
static int
on_features_changed(int vid, uint64_t features)
{
	struct mvt_vhost *v = find_owner(vid);
	uint8_t on = RTE_VHOST_NEED_LOG(features) != 0;

	if (v == NULL)
		return 0;
	__atomic_store_n(&v->features, features, __ATOMIC_RELAXED);
	if (on == __atomic_load_n(&v->dirty_log, __ATOMIC_RELAXED))
		return 0;
	__atomic_store_n(&v->dirty_log, on, __ATOMIC_RELAXED);
	if (on)
		__atomic_fetch_add(&v->log_starts, 1, __ATOMIC_RELAXED);
	MVT_LOG(INFO, "endpoint %s: dirty page logging %s (live migration %s)",
		v->name, on ? "on" : "off", on ? "started" : "stopped");
	return 0;
}

static int
on_vring_state_changed(int vid, uint16_t vring, int enable)
{
	struct mvt_vhost *v = find_owner(vid);
	uint64_t bit = UINT64_C(1) << (vring % 64);

	MVT_LOG(DEBUG, "vid %d vring %u %s (%s)", vid, vring,
		enable ? "enabled" : "disabled", v == NULL ? "unknown" : v->name);
	if (v == NULL || vring >= 64)
		return 0;
	if (enable && vring / 2 >= v->queues) {
		/* a queue pair added after the device started */
		refuse_queue_pairs(v, vring / 2 + 1U);
		if (mvt_vhost_ready(v))
			device_stop(v);
		return 0;
	}
	if (enable) {
		__atomic_fetch_add(&v->rings_gen, 1, __ATOMIC_RELAXED);
		__atomic_fetch_or(&v->vring_enabled, bit, __ATOMIC_RELEASE);
	} else
		__atomic_fetch_and(&v->vring_enabled, ~bit, __ATOMIC_RELEASE);
	return 0;
}

static void reconnect(void *arg);

/*
 * A client endpoint's next connect: soon after a connection that served a
 * guest for a while, later and later after each one that did not.
 */
static void
schedule_reconnect(struct mvt_vhost *v)
{
	uint64_t hz = rte_get_timer_hz();
	uint32_t ms = v->retry_ms;

	if (v->up_since != 0 && rte_get_timer_cycles() - v->up_since >= hz)
		ms = MVT_VHOST_RETRY_MIN_MS;
	v->up_since = 0;
	v->retry_ms = RTE_MIN(2 * ms, (uint32_t)MVT_VHOST_RETRY_MAX_MS);
	if (rte_eal_alarm_set((uint64_t)ms * 1000, reconnect, v) != 0)
		MVT_LOG(ERR, "endpoint %s: cannot schedule a reconnect",
			v->name);
}

static void
on_destroy_connection(int vid)
{
	struct mvt_vhost *v = find_owner(vid);

	if (v == NULL)
		return;
	__atomic_store_n(&v->vring_enabled, 0, __ATOMIC_RELEASE);
	v->conn_fd = -1;
	__atomic_store_n(&v->conn_vid, -1, __ATOMIC_RELEASE);
	if (v->client && !__atomic_load_n(&v->closing, __ATOMIC_ACQUIRE))
		schedule_reconnect(v);
}

static const struct rte_vhost_device_ops vhost_ops = {
	.new_device = on_new_device,
	.destroy_device = on_destroy_device,
	.vring_state_changed = on_vring_state_changed,
	.features_changed = on_features_changed,
	.new_connection = on_new_connection,
	.destroy_connection = on_destroy_connection,
};

/*
 * A server socket file left by a process that died: remove it, so a restart
 * works. One that somebody still listens on belongs to a live switch.
 */
static int
clear_stale_socket(const char *path, char *err, size_t errlen,
	const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, ret;

	if (lstat(path, &st) != 0)
		return 0;
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen,
			"--endpoint socket=%s: owned by uid %u, not by this process (endpoint %s)",
			path, (unsigned int)st.st_uid, name);
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen,
			"--endpoint socket=%s: exists and is not a socket (endpoint %s)",
			path, name);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ret = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (ret == 0) {
		snprintf(err, errlen,
			"--endpoint socket=%s: another process is serving this socket (endpoint %s)",
			path, name);
		return -1;
	}
	unlink(path);
	return 0;
}

/*
 * Whoever may write to the socket's directory may replace the socket: only
 * its owner and group may.
 */
static int
check_socket_dir(const char *path, char *err, size_t errlen,
	const char *name)
{
	char dir[MVT_SOCKET_MAX];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) != 0) {
		snprintf(err, errlen,
			"--endpoint socket=%s: directory %s: %s (endpoint %s)",
			path, dir, strerror(errno), name);
		return -1;
	}
	if (st.st_mode & S_IWOTH) {
		snprintf(err, errlen,
			"--endpoint socket=%s: directory %s is writable by others (endpoint %s)",
			path, dir, name);
		return -1;
	}
	return 0;
}

/*
 * Give the socket file librte_vhost just bound its owner and group through
 * a descriptor of the file itself: a path that somebody swapped for a
 * symlink since is refused, never followed. Its mode was set at bind(2)
 * by the umask.
 */
static int
own_socket_file(const struct mvt_vhost *v, const struct mvt_endpoint_conf *ec,
	char *err, size_t errlen)
{
	struct stat st;
	int fd, ret = 0;

	fd = open(v->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode) ||
			st.st_uid != geteuid()) {
		snprintf(err, errlen,
			"--endpoint socket=%s: replaced while it was created (endpoint %s)",
			v->path, v->name);
		ret = -1;
	} else if ((ec->sock_uid != UINT32_MAX || ec->sock_gid != UINT32_MAX) &&
			fchownat(fd, "", ec->sock_uid, ec->sock_gid,
				AT_EMPTY_PATH) != 0) {
		snprintf(err, errlen,
			"--endpoint socket=%s: cannot set owner or group: %s (endpoint %s)",
			v->path, strerror(errno), v->name);
		ret = -1;
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Register the socket with its features and callbacks (not started). */
static int
socket_register(struct mvt_vhost *v)
{
	uint64_t flags = MVT_VHOST_FLAGS, off = MVT_VHOST_NEVER_FEATURES;

	if (v->client)
		flags |= RTE_VHOST_USER_CLIENT | RTE_VHOST_USER_NO_RECONNECT;
	/* the same on every reconnect: features never change for a guest */
	if (v->offload)
		flags |= RTE_VHOST_USER_EXTBUF_SUPPORT;
	else
		off |= MVT_VHOST_OFFLOAD_FEATURES;
	if (rte_vhost_driver_register(v->path, flags) != 0)
		return -1;
	v->in_use = 1;
	if (rte_vhost_driver_disable_features(v->path, off) != 0 ||
			rte_vhost_driver_callback_register(v->path,
				&vhost_ops) != 0)
		return -2;
	return 0;
}

static void
socket_unregister(struct mvt_vhost *v)
{
	int tries;

	if (!v->in_use)
		return;
	/* -EBUSY while a callback of this socket is running */
	for (tries = 0; tries < 1000; tries++) {
		if (rte_vhost_driver_unregister(v->path) != -EBUSY)
			break;
		usleep(1000);
	}
	v->in_use = 0;
}

/* One connect attempt of a client endpoint; the next is scheduled on failure. */
static void
client_connect(struct mvt_vhost *v)
{
	v->attempts++;
	if (socket_register(v) == 0 && rte_vhost_driver_start(v->path) == 0)
		return;
	socket_unregister(v);
	schedule_reconnect(v);
}

static void
reconnect(void *arg)
{
	struct mvt_vhost *v = arg;

	pthread_mutex_lock(&lifecycle_lock);
	if (!__atomic_load_n(&v->closing, __ATOMIC_ACQUIRE) &&
			__atomic_load_n(&v->conn_vid, __ATOMIC_ACQUIRE) < 0) {
		socket_unregister(v);
		client_connect(v);
	}
	pthread_mutex_unlock(&lifecycle_lock);
}

int
mvt_vhost_open(struct mvt_vhost *v, uint16_t id,
	const struct mvt_endpoint_conf *ec, uint32_t mtu,
	struct mvt_offload_caps *caps, char *err, size_t errlen)
{
	mode_t old_mask;
	int ret;

	memset(v, 0, sizeof(*v));
	v->vid = -1;
	v->conn_vid = -1;
	v->conn_fd = -1;
	v->ep_id = id;
	v->client = ec->client;
	v->queues = ec->queues;
	v->offload = ec->offload;
	v->mtu = mtu;
	v->caps = caps;
	v->retry_ms = MVT_VHOST_RETRY_MIN_MS;
	snprintf(v->name, sizeof(v->name), "%s", ec->name);
	snprintf(v->path, sizeof(v->path), "%s", ec->socket);
	if (!v->client && (check_socket_dir(v->path, err, errlen, v->name) != 0 ||
			clear_stale_socket(v->path, err, errlen, v->name) != 0))
		return -1;

	pthread_mutex_lock(&registry_lock);
	registry[id] = v;
	pthread_mutex_unlock(&registry_lock);

	pthread_mutex_lock(&lifecycle_lock);
	if (v->client) {
		/* the frontend may come later: that is not an error */
		client_connect(v);
		pthread_mutex_unlock(&lifecycle_lock);
		MVT_LOG(INFO, "endpoint %s: vhost-user client on %s", v->name,
			v->path);
		return 0;
	}
	ret = socket_register(v);
	if (ret != 0) {
		snprintf(err, errlen, ret == -1 ?
			"--endpoint socket=%s: cannot register vhost-user socket (endpoint %s)" :
			"--endpoint socket=%s: cannot set up vhost-user features (endpoint %s)",
			v->path, v->name);
		goto fail;
	}
	/* the file is created by bind(2) with exactly the mode asked for */
	pthread_mutex_lock(&umask_lock);
	old_mask = umask(~ec->sock_perm & 0777);
	ret = rte_vhost_driver_start(v->path);
	umask(old_mask);
	pthread_mutex_unlock(&umask_lock);
	if (ret != 0) {
		snprintf(err, errlen,
			"--endpoint socket=%s: cannot start vhost-user socket (endpoint %s)",
			v->path, v->name);
		goto fail;
	}
	/* who may connect: QEMU often runs as another user, in a group */
	if (own_socket_file(v, ec, err, errlen) != 0)
		goto fail;
	pthread_mutex_unlock(&lifecycle_lock);
	MVT_LOG(INFO, "endpoint %s: vhost-user server on %s", v->name,
		v->path);
	return 0;
fail:
	pthread_mutex_unlock(&lifecycle_lock);
	mvt_vhost_close(v);
	return -1;
}

void
mvt_vhost_close(struct mvt_vhost *v)
{
	__atomic_store_n(&v->closing, 1, __ATOMIC_RELEASE);
	/* waits for a reconnect that is running; none is started after */
	rte_eal_alarm_cancel(reconnect, v);
	pthread_mutex_lock(&lifecycle_lock);
	socket_unregister(v);
	pthread_mutex_unlock(&lifecycle_lock);
	pthread_mutex_lock(&registry_lock);
	if (registry[v->ep_id] == v)
		registry[v->ep_id] = NULL;
	pthread_mutex_unlock(&registry_lock);
}
