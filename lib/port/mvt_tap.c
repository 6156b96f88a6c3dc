/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mvt_log.h"
#include "mvt_tap.h"

/* tap endpoints open now (MVT_TAP_MAX) */
static unsigned int n_taps;

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
mvt_tap_open(struct mvt_tap *t, uint16_t id,
	const struct mvt_endpoint_conf *ec, uint64_t mac, uint32_t mtu,
	uint16_t nb_users, struct rte_mempool *mp, char *err, size_t errlen)
{
	const char *ifname = mvt_conf_tap_ifname(ec);
	char devargs[MVT_DEVARGS_MAX], macs[MVT_MAC_STRLEN];
	char ifn[MVT_IFNAME_MAX], ns[MVT_NETNS_MAX];

	if (__atomic_load_n(&n_taps, __ATOMIC_RELAXED) >= MVT_TAP_MAX) {
		snprintf(err, errlen,
			"--endpoint %s: at most %u tap endpoints (the mbuf pool is sized for them)",
			ec->name, MVT_TAP_MAX);
		return -1;
	}
	memset(t, 0, sizeof(*t));
	snprintf(t->ifname, sizeof(t->ifname), "%s", ifname);
	snprintf(t->netns, sizeof(t->netns), "%s", ec->netns);
	snprintf(devargs, sizeof(devargs), "net_tap_mvt%u,iface=%s", id,
		ifname);
	if (mvt_ethdev_open_desc(&t->eth, "--endpoint", devargs, 1, nb_users,
			MVT_TAP_DESC, mtu, mp, err, errlen) != 0)
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
	__atomic_fetch_add(&n_taps, 1, __ATOMIC_RELAXED);
	MVT_LOG(INFO, "endpoint %s: kernel interface %s%s%s", ec->name, ifname,
		ns[0] != '\0' ? " in namespace " : "", ns);
	return 0;
fail:
	mvt_ethdev_close(&t->eth);
	return -1;
}

void
mvt_tap_close(struct mvt_tap *t)
{
	mvt_ethdev_close(&t->eth);
	__atomic_fetch_sub(&n_taps, 1, __ATOMIC_RELAXED);
}
