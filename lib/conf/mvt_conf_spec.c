/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * The endpoint and policy SPECs: comma separated key=value on the command
 * line, one key per line in an INI section. One parser per kind serves
 * both; only the prefix of its error lines differs.
 */

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "mvt_conf.h"
#include "mvt_conf_priv.h"
#include "mvt_decide.h"
#include "mvt_policy.h"

/* An endpoint's name becomes its shorthand policy's name. */
_Static_assert(MVT_POLICY_NAME_MAX == MVT_NAME_MAX,
	"endpoint and policy names differ in size");

int
mvt_conf_parse_bool(const char *s, uint8_t *out)
{
	if (strcmp(s, "0") == 0)
		*out = 0;
	else if (strcmp(s, "1") == 0)
		*out = 1;
	else
		return -EINVAL;
	return 0;
}

static const char *const ep_key_names[EP_KEY_MAX] = {
	[EP_NAME] = "name",
	[EP_MAC] = "mac",
	[EP_MODE] = "mode",
	[EP_SOCKET] = "socket",
	[EP_CLIENT] = "client",
	[EP_QUEUES] = "queues",
	[EP_SOURCES] = "sources",
	[EP_NODST] = "nodst",
	[EP_STATE] = "state",
	[EP_RATE] = "rate",
	[EP_BURST] = "burst",
	[EP_SPOOFCHK] = "spoofchk",
	[EP_OWNER] = "owner",
	[EP_GROUP] = "group",
	[EP_PERM] = "perm",
	[EP_MCAST] = "mcast",
	[EP_TYPE] = "type",
	[EP_IFNAME] = "ifname",
	[EP_NETNS] = "netns",
};

#define EP_KEYS_EXPECTED \
	"name, mac, mode, socket, client, queues, sources, nodst, state, " \
	"rate, burst, spoofchk, owner, group, perm, mcast, type, ifname, netns"


void
mvt_conf_ep_reset(struct mvt_endpoint_conf *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->mode = MVT_MODE_VEPA;
	ep->queues = 1;
	ep->up = 1;
	ep->sock_uid = UINT32_MAX;
	ep->sock_gid = UINT32_MAX;
	ep->sock_perm = MVT_SOCKET_PERM_DEFAULT;
}

int
mvt_conf_ep_fail(struct ep_parser *p, const char *key, const char *val,
	const char *what)
{
	return mvt_err(p->err, p->errlen, "%s %s=%s: %s", p->prefix, key, val,
		what);
}

static int
ep_set_name(struct ep_parser *p, const char *val)
{
	return mvt_name_set(p->ep->name, sizeof(p->ep->name), val, p->prefix,
		p->err, p->errlen);
}

/*
 * A '+'-separated MAC list (sources=, mcast=) appended to @p list: unicast
 * senders or group addresses, duplicates ignored (as Linux ignores a
 * source added twice).
 */
static int
ep_add_macs(struct ep_parser *p, const char *key, const char *val,
	uint64_t *list, uint16_t *n, uint16_t max, int group,
	const char *noun)
{
	char one[MVT_MAC_STRLEN];
	const char *s = val, *end;
	uint64_t mac;
	size_t len;
	uint16_t i;

	for (;;) {
		end = strchr(s, '+');
		len = end != NULL ? (size_t)(end - s) : strlen(s);
		/* Name the offending entry: the whole list may be 1000 chars. */
		if (len >= sizeof(one)) {
			return mvt_err(p->err, p->errlen,
				"%s %s=%.*s: malformed MAC address",
				p->prefix, key, (int)len, s);
		}
		memcpy(one, s, len);
		one[len] = '\0';
		if (mvt_mac_parse(one, &mac) != 0)
			return mvt_conf_ep_fail(p, key, one, "malformed MAC address");
		if (!group && !mvt_mac_is_unicast(mac))
			return mvt_conf_ep_fail(p, key, one, "not a unicast address");
		if (group && !mvt_mac_is_group(mac))
			return mvt_conf_ep_fail(p, key, one, "not a multicast address");
		for (i = 0; i < *n; i++)
			if (list[i] == mac)
				break;
		if (i == *n) {
			if (*n == max)
				return mvt_err(p->err, p->errlen,
					"%s %s=%s: too many %s (max %d)",
					p->prefix, key, one, noun, max);
			list[(*n)++] = mac;
		}
		if (end == NULL)
			return 0;
		s = end + 1;
	}
}

static int
ep_add_sources(struct ep_parser *p, const char *val)
{
	return ep_add_macs(p, "sources", val, p->ep->sources,
		&p->ep->n_sources, MVT_SOURCES_MAX, 0, "sources");
}

/*
 * rate= and burst= are a policy's keys: the policy module parses them, so
 * their syntax and error lines are the same as in a --policy SPEC.
 */
static int
ep_set_limit(struct ep_parser *p, const char *key, const char *val)
{
	struct mvt_policy_parser pp;
	struct mvt_policy_conf pc;
	int ret;

	mvt_policy_parser_init(&pp, &pc, p->prefix, p->err, p->errlen);
	ret = mvt_policy_parser_set(&pp, key, val);
	if (ret != 0)
		return ret;
	if (strcmp(key, "rate") == 0)
		p->ep->rate_kbps = pc.rate_kbps;
	else
		p->ep->burst_kb = pc.burst_kb;
	return 0;
}

/* What only the keys together can say, after the last key. */
int
mvt_conf_ep_finish(struct ep_parser *p)
{
	if (p->ep->burst_kb != 0 && p->ep->rate_kbps == 0)
		return mvt_err(p->err, p->errlen, "%s burst=%u: needs rate=",
			p->prefix, p->ep->burst_kb);
	return 0;
}

/* owner= and group= take a name or a number. */
static int
ep_set_owner(struct ep_parser *p, const char *key, const char *val)
{
	struct passwd *pw = getpwnam(val);
	unsigned long n;
	char *end;

	if (pw != NULL) {
		p->ep->sock_uid = pw->pw_uid;
		return 0;
	}
	n = strtoul(val, &end, 10);
	if (val[0] == '\0' || *end != '\0' || n >= UINT32_MAX)
		return mvt_conf_ep_fail(p, key, val, "no such user");
	p->ep->sock_uid = (uint32_t)n;
	return 0;
}

static int
ep_set_group(struct ep_parser *p, const char *key, const char *val)
{
	struct group *gr = getgrnam(val);
	unsigned long n;
	char *end;

	if (gr != NULL) {
		p->ep->sock_gid = gr->gr_gid;
		return 0;
	}
	n = strtoul(val, &end, 10);
	if (val[0] == '\0' || *end != '\0' || n >= UINT32_MAX)
		return mvt_conf_ep_fail(p, key, val, "no such group");
	p->ep->sock_gid = (uint32_t)n;
	return 0;
}

int
mvt_conf_ep_set(struct ep_parser *p, const char *key, const char *val)
{
	struct mvt_endpoint_conf *ep = p->ep;
	unsigned long n;
	char *end;
	uint64_t mac;
	unsigned int k;
	uint32_t q;

	for (k = 0; k < EP_KEY_MAX; k++)
		if (strcmp(key, ep_key_names[k]) == 0)
			break;
	if (k == EP_KEY_MAX)
		return mvt_conf_ep_fail(p, key, val,
			"unknown key (expected " EP_KEYS_EXPECTED ")");
	/*
	 * sources= may repeat and accumulates: an INI value holds at most
	 * CFG_VALUE_LEN - 1 characters, too few for a full list. Any other
	 * key given twice is a typo that would silently win or lose.
	 */
	if (k != EP_SOURCES && (p->seen & (1u << k)) != 0)
		return mvt_conf_ep_fail(p, key, val, "key given twice");
	p->seen |= 1u << k;

	switch (k) {
	case EP_NAME:
		return ep_set_name(p, val);
	case EP_MAC:
		if (mvt_mac_parse(val, &mac) != 0)
			return mvt_conf_ep_fail(p, key, val, "malformed MAC address");
		if (!mvt_mac_is_unicast(mac))
			return mvt_conf_ep_fail(p, key, val, "not a unicast address");
		ep->mac = mac;
		return 0;
	case EP_MODE:
		ep->mode = mvt_mode_parse(val);
		if (ep->mode == 0)
			return mvt_conf_ep_fail(p, key, val,
				"unknown mode (expected vepa, bridge, private, passthru, source)");
		return 0;
	case EP_SOCKET:
		if (val[0] == '\0')
			return mvt_conf_ep_fail(p, key, val, "empty path");
		if (strlen(val) >= MVT_SOCKET_MAX)
			return mvt_err(p->err, p->errlen,
				"%s socket=%s: path longer than %d characters",
				p->prefix, val, MVT_SOCKET_MAX - 1);
		strlcpy(ep->socket, val, sizeof(ep->socket));
		return 0;
	case EP_CLIENT:
		if (mvt_conf_parse_bool(val, &ep->client) != 0)
			return mvt_conf_ep_fail(p, key, val, "expected 0 or 1");
		return 0;
	case EP_QUEUES:
		if (mvt_parse_u32(val, MVT_QUEUES_MAX, &q) != 0 || q == 0)
			return mvt_err(p->err, p->errlen,
				"%s queues=%s: queue count must be 1..%d",
				p->prefix, val, MVT_QUEUES_MAX);
		ep->queues = (uint16_t)q;
		return 0;
	case EP_SOURCES:
		return ep_add_sources(p, val);
	case EP_NODST:
		if (mvt_conf_parse_bool(val, &ep->nodst) != 0)
			return mvt_conf_ep_fail(p, key, val, "expected 0 or 1");
		return 0;
	case EP_STATE:
		if (strcmp(val, "up") == 0)
			ep->up = 1;
		else if (strcmp(val, "down") == 0)
			ep->up = 0;
		else
			return mvt_conf_ep_fail(p, key, val, "expected up or down");
		return 0;
	case EP_RATE:
	case EP_BURST:
		return ep_set_limit(p, key, val);
	case EP_SPOOFCHK:
		if (mvt_conf_parse_bool(val, &ep->spoofchk) != 0)
			return mvt_conf_ep_fail(p, key, val, "expected 0 or 1");
		return 0;
	case EP_TYPE:
		if (strcmp(val, "vhost") == 0)
			ep->type = MVT_EP_TYPE_VHOST;
		else if (strcmp(val, "tap") == 0)
			ep->type = MVT_EP_TYPE_TAP;
		else
			return mvt_conf_ep_fail(p, key, val, "expected vhost or tap");
		return 0;
	case EP_IFNAME:
		if (val[0] == '\0' || strlen(val) >= MVT_IFNAME_MAX ||
				strpbrk(val, "/: \t") != NULL)
			return mvt_conf_ep_fail(p, key, val,
				"not an interface name (1..15 characters, no '/', ':' or blanks)");
		strlcpy(ep->ifname, val, sizeof(ep->ifname));
		return 0;
	case EP_NETNS:
		if (val[0] == '\0' || strlen(val) >= MVT_NETNS_MAX ||
				strchr(val, '/') != NULL)
			return mvt_conf_ep_fail(p, key, val, "not a namespace name");
		strlcpy(ep->netns, val, sizeof(ep->netns));
		return 0;
	case EP_MCAST:
		return ep_add_macs(p, "mcast", val, ep->mcast, &ep->n_mcast,
			MVT_MC_MAX, 1, "groups");
	case EP_OWNER:
		return ep_set_owner(p, key, val);
	case EP_GROUP:
		return ep_set_group(p, key, val);
	case EP_PERM:
		/* QEMU needs read and write; others must never write */
		n = strtoul(val, &end, 8);
		if (val[0] == '\0' || *end != '\0' || n > 0777)
			return mvt_conf_ep_fail(p, key, val,
				"expected an octal mode such as 0660");
		if (n & 0002)
			return mvt_conf_ep_fail(p, key, val,
				"a vhost-user socket must not be world-writable");
		ep->sock_perm = (uint32_t)n;
		return 0;
	}
	return mvt_conf_ep_fail(p, key, val, "unknown key"); /* not reached */
}

static int
ep_set_kv(void *p, const char *key, const char *val)
{
	return mvt_conf_ep_set(p, key, val);
}

int
mvt_conf_parse_endpoint(const char *spec, struct mvt_endpoint_conf *ep,
	char *err, size_t errlen)
{
	struct ep_parser p = {
		.ep = ep, .prefix = "--endpoint", .err = err, .errlen = errlen,
	};
	int ret;

	mvt_conf_ep_reset(ep);
	ret = mvt_kv_split(spec, SPEC_MAX, "--endpoint", ep_set_kv, &p, err,
		errlen);
	if (ret != 0)
		return ret;
	if ((p.seen & (1u << EP_NAME)) == 0)
		return mvt_err(err, errlen, "--endpoint %s: name= missing",
			spec);
	return mvt_conf_ep_finish(&p);
}

enum policy_key {
	PK_MAC,
	PK_NAME,
	PK_RATE,
	PK_BURST,
	PK_PEAK,
	PK_PPS,
	PK_DIR,
	PK_ACTION,
	PK_MAX,
};

static const char *const policy_key_names[PK_MAX] = {
	[PK_MAC] = "mac",
	[PK_NAME] = "name",
	[PK_RATE] = "rate",
	[PK_BURST] = "burst",
	[PK_PEAK] = "peak",
	[PK_PPS] = "pps",
	[PK_DIR] = "dir",
	[PK_ACTION] = "action",
};

#define POLICY_KEYS_EXPECTED \
	"mac, name, rate, burst, peak, pps, dir, action"

void
mvt_policy_parser_init(struct mvt_policy_parser *pp,
	struct mvt_policy_conf *pc, const char *prefix, char *err,
	size_t errlen)
{
	pp->pc = pc;
	pp->prefix = prefix;
	pp->seen = 0;
	pp->err = err;
	pp->errlen = errlen;
	mvt_policy_conf_init(pc);
}

static int
pp_fail(struct mvt_policy_parser *pp, const char *key, const char *val,
	const char *what)
{
	return mvt_err(pp->err, pp->errlen, "%s %s=%s: %s", pp->prefix, key,
		val, what);
}

/* Same rules as endpoint names: they share telemetry and log lines. */
static int
pp_set_name(struct mvt_policy_parser *pp, const char *val)
{
	return mvt_name_set(pp->pc->name, sizeof(pp->pc->name), val,
		pp->prefix, pp->err, pp->errlen);
}

/* A number of @p unit up to @p max into @p out. */
static int
pp_set_number(struct mvt_policy_parser *pp, const char *key, const char *val,
	uint32_t max, const char *unit, uint32_t *out)
{
	int ret = mvt_parse_u32(val, max, out);

	if (ret == -EINVAL)
		return mvt_err(pp->err, pp->errlen,
			"%s %s=%s: expected a number of %s", pp->prefix, key,
			val, unit);
	if (ret != 0)
		return mvt_err(pp->err, pp->errlen,
			"%s %s=%s: at most %u %s", pp->prefix, key, val, max,
			unit);
	return 0;
}

int
mvt_policy_parser_set(struct mvt_policy_parser *pp, const char *key,
	const char *val)
{
	struct mvt_policy_conf *pc = pp->pc;
	uint64_t mac;
	unsigned int k;

	for (k = 0; k < PK_MAX; k++)
		if (strcmp(key, policy_key_names[k]) == 0)
			break;
	if (k == PK_MAX)
		return pp_fail(pp, key, val,
			"unknown key (expected " POLICY_KEYS_EXPECTED ")");
	/* A key given twice is a typo that would silently win or lose. */
	if ((pp->seen & (1u << k)) != 0)
		return pp_fail(pp, key, val, "key given twice");
	pp->seen |= 1u << k;

	switch (k) {
	case PK_MAC:
		if (mvt_mac_parse(val, &mac) != 0)
			return pp_fail(pp, key, val, "malformed MAC address");
		if (!mvt_mac_is_unicast(mac))
			return pp_fail(pp, key, val, "not a unicast address");
		pc->mac = mac;
		return 0;
	case PK_NAME:
		return pp_set_name(pp, val);
	case PK_RATE:
		return pp_set_number(pp, key, val, MVT_POLICY_RATE_MAX,
			"kbit/s", &pc->rate_kbps);
	case PK_BURST:
		return pp_set_number(pp, key, val, MVT_POLICY_BURST_MAX,
			"kbit", &pc->burst_kb);
	case PK_PEAK:
		return pp_set_number(pp, key, val, MVT_POLICY_RATE_MAX,
			"kbit/s", &pc->peak_kbps);
	case PK_PPS:
		return pp_set_number(pp, key, val, MVT_POLICY_PPS_MAX,
			"packets per second", &pc->pps);
	case PK_DIR:
		if (strcmp(val, "in") == 0)
			pc->dir = MVT_POLICY_DIR_IN;
		else if (strcmp(val, "out") == 0)
			pc->dir = MVT_POLICY_DIR_OUT;
		else if (strcmp(val, "both") == 0)
			pc->dir = MVT_POLICY_DIR_BOTH;
		else
			return pp_fail(pp, key, val,
				"expected in, out or both");
		return 0;
	case PK_ACTION:
		if (strcmp(val, "allow") == 0)
			pc->action = MVT_POLICY_ALLOW;
		else if (strcmp(val, "deny") == 0)
			pc->action = MVT_POLICY_DENY;
		else
			return pp_fail(pp, key, val, "expected allow or deny");
		return 0;
	}
	return pp_fail(pp, key, val, "unknown key"); /* not reached */
}

int
mvt_policy_parser_finish(struct mvt_policy_parser *pp)
{
	int ret;

	ret = mvt_policy_conf_check(pp->pc, pp->prefix, pp->err, pp->errlen);
	if (ret != 0)
		return ret;
	mvt_policy_conf_fill_defaults(pp->pc);
	return 0;
}

static int
policy_set_kv(void *pp, const char *key, const char *val)
{
	return mvt_policy_parser_set(pp, key, val);
}

int
mvt_policy_conf_parse(const char *spec, struct mvt_policy_conf *pc,
	char *err, size_t errlen)
{
	struct mvt_policy_parser pp;
	int ret;

	mvt_policy_parser_init(&pp, pc, "--policy", err, errlen);
	ret = mvt_kv_split(spec, MVT_POLICY_SPEC_MAX, "--policy",
		policy_set_kv, &pp, err, errlen);
	if (ret != 0)
		return ret;
	return mvt_policy_parser_finish(&pp);
}

