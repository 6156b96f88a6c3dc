/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_vhost.h>

#include "mvt_log.h"
#include "mvt_vhost.h"

/*
 * Offloads are off: frames cross to the lower device and to other guests
 * unchanged, so a guest must neither send GSO frames nor rely on the
 * switch completing checksums. Mergeable RX buffers stay on.
 */
#define MVT_VHOST_DISABLED_FEATURES ( \
	(1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6) | \
	(1ULL << VIRTIO_NET_F_HOST_ECN) | (1ULL << VIRTIO_NET_F_HOST_UFO) | \
	(1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6) | \
	(1ULL << VIRTIO_NET_F_GUEST_ECN) | (1ULL << VIRTIO_NET_F_GUEST_UFO) | \
	(1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM))

static struct rte_rcu_qsbr *vhost_qsbr;

/* socket path -> endpoint; callbacks run on librte_vhost's own thread */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mvt_vhost *registry[MVT_MAX_ENDPOINTS];

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

static int
on_new_device(int vid)
{
	struct mvt_vhost *v = find_by_vid(vid);
	uint16_t nvr, q;

	if (v == NULL)
		return -1;
	nvr = rte_vhost_get_vring_num(vid);
	/* the switch polls: guest kicks would only cost syscalls */
	for (q = 0; q < nvr; q++)
		rte_vhost_enable_guest_notification(vid, q, 0);
	rte_vhost_get_negotiated_features(vid, &v->features);
	v->nb_qp = nvr / 2;
	v->connects++;
	__atomic_store_n(&v->vid, vid, __ATOMIC_RELAXED);
	__atomic_store_n(&v->ready, 1, __ATOMIC_RELEASE);
	MVT_LOG(INFO, "endpoint %s: guest connected (vid %d, %u queue pairs, features 0x%" PRIx64 ")",
		v->name, vid, v->nb_qp, v->features);
	return 0;
}

static void
on_destroy_device(int vid)
{
	struct mvt_vhost *v = find_by_vid(vid);

	if (v == NULL)
		return;
	__atomic_store_n(&v->ready, 0, __ATOMIC_RELEASE);
	/* no worker may still be inside a call on this vid when we return */
	if (vhost_qsbr != NULL)
		rte_rcu_qsbr_synchronize(vhost_qsbr, RTE_QSBR_THRID_INVALID);
	__atomic_store_n(&v->vid, -1, __ATOMIC_RELAXED);
	MVT_LOG(INFO, "endpoint %s: guest disconnected", v->name);
}

static int
on_vring_state_changed(int vid, uint16_t vring, int enable)
{
	struct mvt_vhost *v = find_by_vid(vid);
	uint64_t bit = UINT64_C(1) << (vring % 64);

	MVT_LOG(DEBUG, "vid %d vring %u %s (%s)", vid, vring,
		enable ? "enabled" : "disabled", v == NULL ? "unknown" : v->name);
	if (v == NULL || vring >= 64)
		return 0;
	if (enable)
		__atomic_fetch_or(&v->vring_enabled, bit, __ATOMIC_RELEASE);
	else
		__atomic_fetch_and(&v->vring_enabled, ~bit, __ATOMIC_RELEASE);
	return 0;
}

static const struct rte_vhost_device_ops vhost_ops = {
	.new_device = on_new_device,
	.destroy_device = on_destroy_device,
	.vring_state_changed = on_vring_state_changed,
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

int
mvt_vhost_open(struct mvt_vhost *v, uint16_t id,
	const struct mvt_endpoint_conf *ec, char *err, size_t errlen)
{
	uint64_t flags = 0;
	int ret;

	memset(v, 0, sizeof(*v));
	v->vid = -1;
	v->ep_id = id;
	v->client = ec->client;
	v->queues = ec->queues;
	snprintf(v->name, sizeof(v->name), "%s", ec->name);
	snprintf(v->path, sizeof(v->path), "%s", ec->socket);
	if (v->client)
		flags |= RTE_VHOST_USER_CLIENT;
	else if (clear_stale_socket(v->path, err, errlen, v->name) != 0)
		return -1;

	pthread_mutex_lock(&registry_lock);
	registry[id] = v;
	pthread_mutex_unlock(&registry_lock);

	ret = rte_vhost_driver_register(v->path, flags);
	if (ret != 0) {
		snprintf(err, errlen,
			"--endpoint socket=%s: cannot register vhost-user socket (endpoint %s)",
			v->path, v->name);
		goto fail;
	}
	v->in_use = 1;
	if (rte_vhost_driver_disable_features(v->path,
			MVT_VHOST_DISABLED_FEATURES) != 0 ||
			rte_vhost_driver_callback_register(v->path,
				&vhost_ops) != 0) {
		snprintf(err, errlen,
			"--endpoint socket=%s: cannot set up vhost-user features (endpoint %s)",
			v->path, v->name);
		goto fail;
	}
	ret = rte_vhost_driver_start(v->path);
	if (ret != 0) {
		snprintf(err, errlen,
			"--endpoint socket=%s: cannot start vhost-user socket (endpoint %s)",
			v->path, v->name);
		goto fail;
	}
	/* who may connect: QEMU often runs as another user, in a group */
	if (!v->client && (chmod(v->path, ec->sock_perm) != 0 ||
			((ec->sock_uid != UINT32_MAX || ec->sock_gid != UINT32_MAX) &&
			chown(v->path, ec->sock_uid, ec->sock_gid) != 0))) {
		snprintf(err, errlen,
			"--endpoint socket=%s: cannot set owner, group or mode: %s (endpoint %s)",
			v->path, strerror(errno), v->name);
		goto fail;
	}
	MVT_LOG(INFO, "endpoint %s: vhost-user %s on %s", v->name,
		v->client ? "client" : "server", v->path);
	return 0;
fail:
	mvt_vhost_close(v);
	return -1;
}

/* Run ip(8) with @p argv, no shell; 0 when it succeeded. */
static int
run_ip(char *const argv[])
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp("ip", argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int
mvt_vhost_open_tap(struct mvt_vhost *v, uint16_t id,
	const struct mvt_endpoint_conf *ec, uint64_t mac,
	struct rte_mempool *mp, char *err, size_t errlen)
{
	const char *ifname = mvt_conf_tap_ifname(ec);
	char devargs[MVT_DEVARGS_MAX], macs[MVT_MAC_STRLEN];
	char ifn[MVT_IFNAME_MAX], ns[MVT_NETNS_MAX];

	memset(v, 0, sizeof(*v));
	v->vid = -1;
	v->ep_id = id;
	v->queues = 1;
	v->nb_qp = 1;
	v->is_tap = 1;
	snprintf(v->name, sizeof(v->name), "%s", ec->name);
	snprintf(v->path, sizeof(v->path), "%s", ifname);
	snprintf(v->netns, sizeof(v->netns), "%s", ec->netns);
	snprintf(devargs, sizeof(devargs), "net_tap_mvt%u,iface=%s", id,
		ifname);
	if (mvt_lower_open(&v->tap, "--endpoint", devargs, 1, mp, err,
			errlen) != 0)
		return -1;
	/* the interface carries the endpoint's MAC, as a macvlan would */
	mvt_mac_format(mac, macs);
	snprintf(ifn, sizeof(ifn), "%s", ifname);
	snprintf(ns, sizeof(ns), "%s", ec->netns);
	if (run_ip((char *[]){ "ip", "link", "set", "dev", ifn, "address",
			macs, NULL }) != 0) {
		snprintf(err, errlen, "--endpoint %s: cannot set %s's address to %s",
			ec->name, ifname, macs);
		goto fail;
	}
	if (ns[0] != '\0' && (run_ip((char *[]){ "ip", "link", "set", "dev",
			ifn, "netns", ns, NULL }) != 0 ||
			run_ip((char *[]){ "ip", "-n", ns, "link", "set", "dev",
			ifn, "up", NULL }) != 0)) {
		snprintf(err, errlen,
			"--endpoint netns=%s: cannot move %s there (a name clash in it?)",
			ec->netns, ifname);
		goto fail;
	}
	if (ns[0] == '\0' && run_ip((char *[]){ "ip", "link", "set", "dev",
			ifn, "up", NULL }) != 0) {
		snprintf(err, errlen, "--endpoint %s: cannot bring %s up",
			ec->name, ifname);
		goto fail;
	}
	v->vring_enabled = UINT64_MAX;
	__atomic_store_n(&v->ready, 1, __ATOMIC_RELEASE);
	MVT_LOG(INFO, "endpoint %s: kernel interface %s%s%s", v->name, ifname,
		ns[0] != '\0' ? " in namespace " : "", ns);
	return 0;
fail:
	mvt_lower_close(&v->tap);
	v->is_tap = 0;
	return -1;
}

void
mvt_vhost_close(struct mvt_vhost *v)
{
	int tries;

	if (v->is_tap) {
		__atomic_store_n(&v->ready, 0, __ATOMIC_RELEASE);
		mvt_lower_close(&v->tap);
		v->is_tap = 0;
		return;
	}
	if (v->in_use) {
		/* -EBUSY while a callback of this socket is running */
		for (tries = 0; tries < 1000; tries++) {
			if (rte_vhost_driver_unregister(v->path) != -EBUSY)
				break;
			usleep(1000);
		}
		v->in_use = 0;
	}
	pthread_mutex_lock(&registry_lock);
	if (registry[v->ep_id] == v)
		registry[v->ep_id] = NULL;
	pthread_mutex_unlock(&registry_lock);
}
