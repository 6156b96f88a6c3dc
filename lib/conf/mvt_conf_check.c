/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/* The checks of a whole configuration: what only the fields together say. */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "mvt_conf.h"
#include "mvt_conf_opts.h"
#include "mvt_conf_priv.h"
#include "mvt_decide.h"
#include "mvt_policy.h"

static int
check_socket_dir(const struct mvt_endpoint_conf *ep, char *err,
	size_t errlen)
{
	char dir[MVT_SOCKET_MAX];
	const char *slash;
	struct stat st;

	slash = strrchr(ep->socket, '/');
	if (slash == NULL)
		return 0; /* the working directory */
	if (slash == ep->socket) {
		strlcpy(dir, "/", sizeof(dir));
	} else {
		memcpy(dir, ep->socket, (size_t)(slash - ep->socket));
		dir[slash - ep->socket] = '\0';
	}
	if (stat(dir, &st) != 0)
		return mvt_err(err, errlen,
			"--endpoint socket=%s: directory %s does not exist",
			ep->socket, dir);
	if (!S_ISDIR(st.st_mode))
		return mvt_err(err, errlen,
			"--endpoint socket=%s: %s is not a directory",
			ep->socket, dir);
	return 0;
}

const char *
mvt_conf_tap_ifname(const struct mvt_endpoint_conf *ep)
{
	return ep->ifname[0] != '\0' ? ep->ifname : ep->name;
}

#define tap_ifname mvt_conf_tap_ifname

/*
 * A tap endpoint: no socket keys; its interface name must be free where
 * it will live and its namespace must exist, so that nothing is
 * half-made when the switch starts.
 */
static int
validate_tap(const struct mvt_endpoint_conf *ep, char *err, size_t errlen)
{
	const int64_t ifname_max = mvt_conf_endpoint_opts[MVT_EPOPT_IFNAME].max;
	const char *ifname = tap_ifname(ep);
	char path[128];
	struct stat st;

	if (ep->socket[0] != '\0' || ep->client || ep->queues != 1)
		return mvt_err(err, errlen,
			"--endpoint %s: type=tap takes no socket=, client= or queues=",
			ep->name);
	if ((int64_t)strlen(ifname) > ifname_max)
		return mvt_err(err, errlen,
			"--endpoint %s: interface name longer than %" PRId64 " characters (give ifname=)",
			ep->name, ifname_max);
	if (ep->netns[0] != '\0') {
		snprintf(path, sizeof(path), "/var/run/netns/%s", ep->netns);
		if (stat(path, &st) != 0)
			return mvt_err(err, errlen,
				"--endpoint netns=%s: no such network namespace (ip netns add %s)",
				ep->netns, ep->netns);
	}
	snprintf(path, sizeof(path), "/sys/class/net/%s", ifname);
	if (stat(path, &st) == 0)
		return mvt_err(err, errlen,
			"--endpoint ifname=%s: an interface with this name exists",
			ifname);
	return 0;
}

/*
 * The number fields of @p base against their rows' ranges: the global
 * options (@p ep_name NULL: "--stats-period 9999: expected an integer
 * 0..3600") or an endpoint's ("--endpoint NAME: queue count must be 1..8",
 * "--endpoint NAME: rate= at most 1000000000 kbit/s").
 */
static int
check_numbers(const struct mvt_conf_opt *t, unsigned int n, const void *base,
	const char *ep_name, char *err, size_t errlen)
{
	char msg[128];
	unsigned int i;
	int64_t v;

	for (i = 0; i < n; i++) {
		if (t[i].type != MVT_OPT_T_UINT && t[i].type != MVT_OPT_T_INT &&
				t[i].type != MVT_OPT_T_COUNT &&
				t[i].type != MVT_OPT_T_AMOUNT)
			continue;
		v = mvt_conf_opt_get(&t[i], base);
		if (mvt_conf_opt_in_range(&t[i], v))
			continue;
		/* 0 is "not given" where no default is named (mtu=) */
		if (v == 0 && t[i].def == 0)
			continue;
		mvt_conf_opt_msg(&t[i], 0, msg, sizeof(msg));
		if (ep_name == NULL)
			return mvt_err(err, errlen, "--%s %" PRId64 ": %s",
				t[i].cli, v, msg);
		if (t[i].type == MVT_OPT_T_AMOUNT)
			return mvt_err(err, errlen, "--endpoint %s: %s= %s",
				ep_name, t[i].key, msg);
		return mvt_err(err, errlen, "--endpoint %s: %s", ep_name, msg);
	}
	return 0;
}

/*
 * Endpoint @p i of @p c; with @p live, one that already runs, whose
 * interface or socket is its own: only checked against the others.
 */
static int
validate_endpoint(const struct mvt_conf *c, uint16_t i, int live, char *err,
	size_t errlen)
{
	const struct mvt_endpoint_conf *ep = &c->ep[i], *o;
	char mac[MVT_MAC_STRLEN];
	unsigned int n_sharing = 0;
	uint16_t j, s;
	int ret, seg;

	/* Hand-built configurations reach here too, not just parsed ones. */
	if (memchr(ep->name, '\0', sizeof(ep->name)) == NULL ||
			ep->name[0] == '\0')
		return mvt_err(err, errlen, "--endpoint #%u: name= missing",
			(unsigned int)i);
	if (memchr(ep->socket, '\0', sizeof(ep->socket)) == NULL)
		return mvt_err(err, errlen,
			"--endpoint %s: path longer than %" PRId64 " characters",
			ep->name, mvt_conf_endpoint_opts[MVT_EPOPT_SOCKET].max);
	if (mvt_mode_name(ep->mode) == NULL)
		return mvt_err(err, errlen, "--endpoint %s: invalid mode %u",
			ep->name, ep->mode);
	if (ep->type != MVT_EP_TYPE_TAP && ep->socket[0] == '\0')
		return mvt_err(err, errlen, "--endpoint %s: socket= missing",
			ep->name);
	if (ep->mac == 0 && ep->mode != MVT_MODE_PASSTHRU)
		return mvt_err(err, errlen, "--endpoint %s: mac= missing",
			ep->name);
	mvt_mac_format(ep->mac, mac);
	if (ep->mac != 0 && !mvt_mac_is_unicast(ep->mac))
		return mvt_err(err, errlen,
			"--endpoint mac=%s: not a unicast address", mac);
	ret = check_numbers(mvt_conf_endpoint_opts, MVT_EPOPT_N, ep, ep->name,
		err, errlen);
	if (ret != 0)
		return ret;
	if (ep->n_sources > MVT_SOURCES_MAX)
		return mvt_err(err, errlen,
			"--endpoint %s: too many sources (max %d)", ep->name,
			MVT_SOURCES_MAX);
	if (ep->mode != MVT_MODE_SOURCE && ep->n_sources > 0)
		return mvt_err(err, errlen,
			"--endpoint %s: sources= needs mode=source", ep->name);
	if (ep->mode != MVT_MODE_SOURCE && ep->nodst)
		return mvt_err(err, errlen,
			"--endpoint %s: nodst= needs mode=source", ep->name);
	if (ep->burst_kb != 0 && ep->rate_kbps == 0)
		return mvt_err(err, errlen,
			"--endpoint %s: burst= needs rate=", ep->name);
	for (s = 0; s < ep->n_sources; s++) {
		if (!mvt_mac_is_unicast(ep->sources[s])) {
			mvt_mac_format(ep->sources[s], mac);
			return mvt_err(err, errlen,
				"--endpoint sources=%s: not a unicast address",
				mac);
		}
	}
	if (memchr(ep->lower, '\0', sizeof(ep->lower)) == NULL)
		return mvt_err(err, errlen, "--endpoint %s: lower= too long",
			ep->name);
	/*
	 * A standby endpoint takes its MAC over from the other endpoint of
	 * that MAC when its guest connects: a vhost-user guest's, which has
	 * one MAC (not a source list nor the lower's), and no policy of its
	 * own, as a MAC has one policy per direction.
	 */
	if (ep->standby && (ep->type == MVT_EP_TYPE_TAP ||
			ep->mode == MVT_MODE_PASSTHRU ||
			ep->mode == MVT_MODE_SOURCE || ep->rate_kbps != 0))
		return mvt_err(err, errlen,
			"--endpoint %s: standby=1 needs a vhost-user endpoint, not passthru nor source, without rate=",
			ep->name);
	ret = mvt_conf_validate_ep_lower(c, ep, err, errlen);
	if (ret != 0)
		return ret;
	seg = mvt_conf_ep_lower(c, ep);
	/*
	 * Linux refuses a passthru macvlan beside any other on the lower:
	 * on its lower, the others may have theirs.
	 */
	for (j = 0; j < c->n_endpoints; j++) {
		o = &c->ep[j];
		if (j == i || o->name[0] == '\0' ||
				(ep->mode != MVT_MODE_PASSTHRU &&
				 o->mode != MVT_MODE_PASSTHRU) ||
				mvt_conf_ep_lower(c, o) != seg)
			continue;
		if (ep->mode == MVT_MODE_PASSTHRU)
			return mvt_err(err, errlen,
				"--endpoint %s: a passthru endpoint must be the only endpoint",
				ep->name);
	}
	for (j = 0; j < i; j++) {
		o = &c->ep[j];
		if (strcmp(o->name, ep->name) == 0)
			return mvt_err(err, errlen,
				"--endpoint name=%s: duplicate endpoint name",
				ep->name);
		/* a MAC is unique in its segment, as in Linux per lower */
		if (ep->mac != 0 && o->mac == ep->mac &&
				mvt_conf_ep_lower(c, o) == seg &&
				(!(ep->standby || o->standby) ||
				 ++n_sharing > 1)) {
			mvt_mac_format(ep->mac, mac);
			return mvt_err(err, errlen,
				"--endpoint mac=%s: MAC already used by endpoint %s",
				mac, o->name);
		}
		if (ep->type == MVT_EP_TYPE_VHOST &&
				o->type == MVT_EP_TYPE_VHOST &&
				strcmp(o->socket, ep->socket) == 0)
			return mvt_err(err, errlen,
				"--endpoint socket=%s: socket already used by endpoint %s",
				ep->socket, o->name);
		if (ep->type == MVT_EP_TYPE_TAP && o->type == MVT_EP_TYPE_TAP &&
				strcmp(tap_ifname(o), tap_ifname(ep)) == 0)
			return mvt_err(err, errlen,
				"--endpoint ifname=%s: interface already used by endpoint %s",
				tap_ifname(ep), o->name);
	}
	if (live)
		return 0;
	if (ep->type == MVT_EP_TYPE_TAP)
		return validate_tap(ep, err, errlen);
	return check_socket_dir(ep, err, errlen);
}

static int
policies_overlap(const struct mvt_policy_conf *a,
	const struct mvt_policy_conf *b)
{
	return a->mac == b->mac && (a->dir == b->dir ||
		a->dir == MVT_POLICY_DIR_BOTH || b->dir == MVT_POLICY_DIR_BOTH);
}

/* One policy per MAC and direction: a frame meets at most one meter. */
static int
validate_policies(const struct mvt_conf *c, char *err, size_t errlen)
{
	char mac[MVT_MAC_STRLEN];
	uint16_t i, j;
	int ret;

	if (c->n_policies > MVT_POLICIES_MAX)
		return mvt_err(err, errlen,
			"--policy: too many policies (%u, max %d)",
			(unsigned int)c->n_policies, MVT_POLICIES_MAX);
	for (i = 0; i < c->n_policies; i++) {
		ret = mvt_policy_conf_check(&c->policy[i], "--policy", err,
			errlen);
		if (ret != 0)
			return ret;
		for (j = 0; j < i; j++) {
			if (!policies_overlap(&c->policy[i], &c->policy[j]))
				continue;
			mvt_mac_format(c->policy[i].mac, mac);
			return mvt_err(err, errlen,
				"--policy mac=%s: a policy for this MAC already exists (%s)",
				mac, c->policy[j].name);
		}
	}
	return 0;
}

static int
any_host_port(const struct mvt_conf *c)
{
	unsigned int i;

	for (i = 0; i < c->n_lowers; i++)
		if (mvt_conf_lower_host_port(c, i)[0] != '\0')
			return 1;
	return 0;
}

int
mvt_conf_validate(const struct mvt_conf *c, char *err, size_t errlen)
{
	return mvt_conf_validate_live(c, 0, err, errlen);
}

int
mvt_conf_validate_live(const struct mvt_conf *c, uint16_t n_live, char *err,
	size_t errlen)
{
	uint16_t i;
	int ret;

	ret = mvt_conf_validate_lowers(c, err, errlen);
	if (ret != 0)
		return ret;
	ret = check_numbers(mvt_conf_global_opts, MVT_GOPT_N, c, NULL, err,
		errlen);
	if (ret != 0)
		return ret;
	if (c->host_bridge && !any_host_port(c))
		return mvt_err(err, errlen,
			"--host-bridge: needs a host port (--host-port DEVICE)");
	if (c->n_endpoints > MVT_MAX_ENDPOINTS)
		return mvt_err(err, errlen,
			"--endpoint: too many endpoints (%u, max %d)",
			(unsigned int)c->n_endpoints, MVT_MAX_ENDPOINTS);
	for (i = 0; i < c->n_endpoints; i++) {
		ret = validate_endpoint(c, i, i < n_live, err, errlen);
		if (ret != 0)
			return ret;
	}
	return validate_policies(c, err, errlen);
}
