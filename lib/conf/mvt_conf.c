/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_cfgfile.h>
#include <rte_common.h>
#include <rte_string_fns.h>

#include "mvt_conf.h"
#include "mvt_decide.h"
#include "mvt_policy.h"

#define STATS_PERIOD_MAX 3600

/* Room for a SPEC with all 64 sources (18 characters each) and the rest. */
#define SPEC_MAX 4096

/* An endpoint's name becomes its shorthand policy's name. */
_Static_assert(MVT_POLICY_NAME_MAX == MVT_NAME_MAX,
	"endpoint and policy names differ in size");

static int
parse_bool(const char *s, uint8_t *out)
{
	if (strcmp(s, "0") == 0)
		*out = 0;
	else if (strcmp(s, "1") == 0)
		*out = 1;
	else
		return -EINVAL;
	return 0;
}

/*
 * Endpoint keys. One parser serves the command line and the INI file; only
 * the prefix of its error lines differs.
 */
enum ep_key {
	EP_NAME,
	EP_MAC,
	EP_MODE,
	EP_SOCKET,
	EP_CLIENT,
	EP_QUEUES,
	EP_SOURCES,
	EP_NODST,
	EP_STATE,
	EP_RATE,
	EP_BURST,
	EP_SPOOFCHK,
	EP_OWNER,
	EP_GROUP,
	EP_PERM,
	EP_MCAST,
	EP_TYPE,
	EP_IFNAME,
	EP_NETNS,
	EP_KEY_MAX,
};

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

struct ep_parser {
	struct mvt_endpoint_conf *ep;
	const char *prefix;	/* "--endpoint" or "config PATH: [endpoint X]" */
	unsigned int seen;	/* bit per enum ep_key */
	char *err;
	size_t errlen;
};

static void
ep_reset(struct mvt_endpoint_conf *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->mode = MVT_MODE_VEPA;
	ep->queues = 1;
	ep->up = 1;
	ep->sock_uid = UINT32_MAX;
	ep->sock_gid = UINT32_MAX;
	ep->sock_perm = MVT_SOCKET_PERM_DEFAULT;
}

static int
ep_fail(struct ep_parser *p, const char *key, const char *val,
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
			return ep_fail(p, key, one, "malformed MAC address");
		if (!group && !mvt_mac_is_unicast(mac))
			return ep_fail(p, key, one, "not a unicast address");
		if (group && !mvt_mac_is_group(mac))
			return ep_fail(p, key, one, "not a multicast address");
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
static int
ep_finish(struct ep_parser *p)
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
		return ep_fail(p, key, val, "no such user");
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
		return ep_fail(p, key, val, "no such group");
	p->ep->sock_gid = (uint32_t)n;
	return 0;
}

static int
ep_set(struct ep_parser *p, const char *key, const char *val)
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
		return ep_fail(p, key, val,
			"unknown key (expected " EP_KEYS_EXPECTED ")");
	/*
	 * sources= may repeat and accumulates: an INI value holds at most
	 * CFG_VALUE_LEN - 1 characters, too few for a full list. Any other
	 * key given twice is a typo that would silently win or lose.
	 */
	if (k != EP_SOURCES && (p->seen & (1u << k)) != 0)
		return ep_fail(p, key, val, "key given twice");
	p->seen |= 1u << k;

	switch (k) {
	case EP_NAME:
		return ep_set_name(p, val);
	case EP_MAC:
		if (mvt_mac_parse(val, &mac) != 0)
			return ep_fail(p, key, val, "malformed MAC address");
		if (!mvt_mac_is_unicast(mac))
			return ep_fail(p, key, val, "not a unicast address");
		ep->mac = mac;
		return 0;
	case EP_MODE:
		ep->mode = mvt_mode_parse(val);
		if (ep->mode == 0)
			return ep_fail(p, key, val,
				"unknown mode (expected vepa, bridge, private, passthru, source)");
		return 0;
	case EP_SOCKET:
		if (val[0] == '\0')
			return ep_fail(p, key, val, "empty path");
		if (strlen(val) >= MVT_SOCKET_MAX)
			return mvt_err(p->err, p->errlen,
				"%s socket=%s: path longer than %d characters",
				p->prefix, val, MVT_SOCKET_MAX - 1);
		strlcpy(ep->socket, val, sizeof(ep->socket));
		return 0;
	case EP_CLIENT:
		if (parse_bool(val, &ep->client) != 0)
			return ep_fail(p, key, val, "expected 0 or 1");
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
		if (parse_bool(val, &ep->nodst) != 0)
			return ep_fail(p, key, val, "expected 0 or 1");
		return 0;
	case EP_STATE:
		if (strcmp(val, "up") == 0)
			ep->up = 1;
		else if (strcmp(val, "down") == 0)
			ep->up = 0;
		else
			return ep_fail(p, key, val, "expected up or down");
		return 0;
	case EP_RATE:
	case EP_BURST:
		return ep_set_limit(p, key, val);
	case EP_SPOOFCHK:
		if (parse_bool(val, &ep->spoofchk) != 0)
			return ep_fail(p, key, val, "expected 0 or 1");
		return 0;
	case EP_TYPE:
		if (strcmp(val, "vhost") == 0)
			ep->type = MVT_EP_TYPE_VHOST;
		else if (strcmp(val, "tap") == 0)
			ep->type = MVT_EP_TYPE_TAP;
		else
			return ep_fail(p, key, val, "expected vhost or tap");
		return 0;
	case EP_IFNAME:
		if (val[0] == '\0' || strlen(val) >= MVT_IFNAME_MAX ||
				strpbrk(val, "/: \t") != NULL)
			return ep_fail(p, key, val,
				"not an interface name (1..15 characters, no '/', ':' or blanks)");
		strlcpy(ep->ifname, val, sizeof(ep->ifname));
		return 0;
	case EP_NETNS:
		if (val[0] == '\0' || strlen(val) >= MVT_NETNS_MAX ||
				strchr(val, '/') != NULL)
			return ep_fail(p, key, val, "not a namespace name");
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
			return ep_fail(p, key, val,
				"expected an octal mode such as 0660");
		if (n & 0002)
			return ep_fail(p, key, val,
				"a vhost-user socket must not be world-writable");
		ep->sock_perm = (uint32_t)n;
		return 0;
	}
	return ep_fail(p, key, val, "unknown key"); /* not reached */
}

static int
ep_set_kv(void *p, const char *key, const char *val)
{
	return ep_set(p, key, val);
}

int
mvt_conf_parse_endpoint(const char *spec, struct mvt_endpoint_conf *ep,
	char *err, size_t errlen)
{
	struct ep_parser p = {
		.ep = ep, .prefix = "--endpoint", .err = err, .errlen = errlen,
	};
	int ret;

	ep_reset(ep);
	ret = mvt_kv_split(spec, SPEC_MAX, "--endpoint", ep_set_kv, &p, err,
		errlen);
	if (ret != 0)
		return ret;
	if ((p.seen & (1u << EP_NAME)) == 0)
		return mvt_err(err, errlen, "--endpoint %s: name= missing",
			spec);
	return ep_finish(&p);
}

void
mvt_conf_init(struct mvt_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->bcqueuelen = MVT_BCQUEUELEN_DEFAULT;
	c->bclim = MVT_BCLIM_DEFAULT;
}

/* A bclim value: Linux's s32, so an optional '-' and at most 2^31. */
static int
parse_bclim(const char *s, int32_t *out)
{
	uint32_t v;

	if (*s == '-') {
		if (mvt_parse_u32(s + 1, UINT32_C(1) << 31, &v) != 0)
			return -EINVAL;
		*out = (int32_t)(-(int64_t)v);
		return 0;
	}
	if (mvt_parse_u32(s, INT32_MAX, &v) != 0)
		return -EINVAL;
	*out = (int32_t)v;
	return 0;
}

static int
add_policy(struct mvt_conf *c, const struct mvt_policy_conf *pc,
	const char *prefix, char *err, size_t errlen)
{
	if (c->n_policies >= MVT_POLICIES_MAX)
		return mvt_err(err, errlen,
			"%s name=%s: too many policies (max %d)",
			prefix, pc->name, MVT_POLICIES_MAX);
	c->policy[c->n_policies++] = *pc;
	return 0;
}

int
mvt_conf_endpoint_policy(const struct mvt_endpoint_conf *ep, uint64_t mac,
	struct mvt_policy_conf *pc)
{
	if (ep->rate_kbps == 0 || mac == 0)
		return 0;
	mvt_policy_conf_init(pc);
	strlcpy(pc->name, ep->name, sizeof(pc->name));
	pc->mac = mac;
	pc->rate_kbps = ep->rate_kbps;
	pc->burst_kb = ep->burst_kb != 0 ? ep->burst_kb :
		MVT_POLICY_BURST_DEFAULT;
	pc->dir = MVT_POLICY_DIR_OUT;
	return 1;
}

static int
add_endpoint(struct mvt_conf *c, const struct mvt_endpoint_conf *ep,
	const char *prefix, char *err, size_t errlen)
{
	struct mvt_policy_conf pc;
	int ret;

	if (c->n_endpoints >= MVT_MAX_ENDPOINTS)
		return mvt_err(err, errlen,
			"%s name=%s: too many endpoints (max %d)",
			prefix, ep->name, MVT_MAX_ENDPOINTS);
	if (mvt_conf_endpoint_policy(ep, ep->mac, &pc)) {
		ret = add_policy(c, &pc, prefix, err, errlen);
		if (ret != 0)
			return ret;
	}
	c->ep[c->n_endpoints++] = *ep;
	return 0;
}

/* Device strings are handed to the EAL as they are; only the size counts. */
static int
set_device(char *dst, const char *val, const char *what, char *err,
	size_t errlen)
{
	if (val[0] == '\0')
		return mvt_err(err, errlen, "%s: empty device", what);
	if (strlen(val) >= MVT_DEVARGS_MAX)
		return mvt_err(err, errlen, "%s: longer than %d characters",
			what, MVT_DEVARGS_MAX - 1);
	strlcpy(dst, val, MVT_DEVARGS_MAX);
	return 0;
}

/*
 * rte_cfgfile silently skips a line that has no '=' (a bare "hairpin"
 * would be lost) and silently truncates values to CFG_VALUE_LEN - 1
 * characters (a devargs string would be cut); look for both first.
 */
static int
prescan_file(FILE *f, const char *path, char *err, size_t errlen)
{
	char *line = NULL, *s, *cut, *eq;
	size_t cap = 0, len;
	unsigned int lineno = 0;
	int ret = 0;

	while (ret == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		/* rte_cfgfile's rule: the first ';' not escaped by '\'. */
		cut = strchr(line, CFG_DEFAULT_COMMENT_CHARACTER);
		if (cut != NULL && (cut == line || cut[-1] != '\\'))
			*cut = '\0';
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		len = strlen(s);
		while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' ||
				s[len - 1] == ' ' || s[len - 1] == '\t'))
			s[--len] = '\0';
		if (len == 0 || s[0] == '[')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL) {
			ret = mvt_err(err, errlen,
				"config %s: line %u: expected key=value", path,
				lineno);
			break;
		}
		for (eq++; *eq == ' ' || *eq == '\t'; eq++)
			;
		if (strlen(eq) >= CFG_VALUE_LEN)
			ret = mvt_err(err, errlen,
				"config %s: line %u: value longer than %d characters",
				path, lineno, CFG_VALUE_LEN - 1);
	}
	free(line);
	return ret;
}

enum lower_key {
	LOWER_DEVICE,
	LOWER_HAIRPIN,
	LOWER_STRICT_PRIVATE,
	LOWER_PROMISC,
	LOWER_HOST_PORT,
	LOWER_STATS_PERIOD,
	LOWER_HOST_BRIDGE,
	LOWER_MAX_SLEEP_US,
	LOWER_BCQUEUELEN,
	LOWER_BCLIM,
	LOWER_KEY_MAX,
};

static const char *const lower_key_names[LOWER_KEY_MAX] = {
	[LOWER_DEVICE] = "device",
	[LOWER_HAIRPIN] = "hairpin",
	[LOWER_STRICT_PRIVATE] = "strict-private",
	[LOWER_PROMISC] = "promisc",
	[LOWER_HOST_PORT] = "host-port",
	[LOWER_STATS_PERIOD] = "stats-period",
	[LOWER_HOST_BRIDGE] = "host-bridge",
	[LOWER_MAX_SLEEP_US] = "max-sleep-us",
	[LOWER_BCQUEUELEN] = "bcqueuelen",
	[LOWER_BCLIM] = "bclim",
};

static int
load_lower(struct mvt_conf *c, const char *path,
	const struct rte_cfgfile_entry *e, int n, char *err, size_t errlen)
{
	unsigned int seen = 0, k;
	char what[MVT_ERR_MAX];
	uint32_t v;
	uint8_t *flag;
	int i, ret;

	for (i = 0; i < n; i++) {
		for (k = 0; k < LOWER_KEY_MAX; k++)
			if (strcmp(e[i].name, lower_key_names[k]) == 0)
				break;
		if (k == LOWER_KEY_MAX)
			return mvt_err(err, errlen,
				"config %s: [lower] %s: unknown key (expected device, hairpin, strict-private, promisc, host-port, stats-period, host-bridge, max-sleep-us, bcqueuelen, bclim)",
				path, e[i].name);
		snprintf(what, sizeof(what), "config %s: [lower] %s=%s", path,
			e[i].name, e[i].value);
		if ((seen & (1u << k)) != 0)
			return mvt_err(err, errlen, "%s: key given twice",
				what);
		seen |= 1u << k;
		flag = NULL;
		switch (k) {
		case LOWER_DEVICE:
			ret = set_device(c->lower, e[i].value, what, err,
				errlen);
			if (ret != 0)
				return ret;
			break;
		case LOWER_HAIRPIN:
			flag = &c->hairpin;
			break;
		case LOWER_STRICT_PRIVATE:
			flag = &c->strict_private;
			break;
		case LOWER_PROMISC:
			flag = &c->promisc;
			break;
		case LOWER_HOST_PORT:
			ret = set_device(c->host_port, e[i].value, what, err,
				errlen);
			if (ret != 0)
				return ret;
			break;
		case LOWER_HOST_BRIDGE:
			flag = &c->host_bridge;
			break;
		case LOWER_MAX_SLEEP_US:
			if (mvt_parse_u32(e[i].value, MVT_MAX_SLEEP_US_MAX,
					&v) != 0)
				return mvt_err(err, errlen,
					"%s: expected an integer 0..%d", what,
					MVT_MAX_SLEEP_US_MAX);
			c->max_sleep_us = v;
			break;
		case LOWER_BCQUEUELEN:
			if (mvt_parse_u32(e[i].value, MVT_BCQUEUELEN_MAX,
					&v) != 0)
				return mvt_err(err, errlen,
					"%s: expected an integer 0..%d", what,
					MVT_BCQUEUELEN_MAX);
			c->bcqueuelen = v;
			break;
		case LOWER_BCLIM:
			if (parse_bclim(e[i].value, &c->bclim) != 0)
				return mvt_err(err, errlen,
					"%s: expected an integer " MVT_BCLIM_RANGE,
					what);
			break;
		default: /* LOWER_STATS_PERIOD */
			if (mvt_parse_u32(e[i].value, STATS_PERIOD_MAX, &v) != 0)
				return mvt_err(err, errlen,
					"%s: expected an integer 0..%d", what,
					STATS_PERIOD_MAX);
			c->stats_period = v;
			break;
		}
		if (flag != NULL && parse_bool(e[i].value, flag) != 0)
			return mvt_err(err, errlen, "%s: expected 0 or 1",
				what);
	}
	return 0;
}

/* @p name is what follows "endpoint" in the section name, maybe empty. */
static int
load_endpoint(struct mvt_conf *c, const char *path, const char *section,
	const char *name, const struct rte_cfgfile_entry *e, int n,
	char *err, size_t errlen)
{
	struct mvt_endpoint_conf ep;
	char prefix[MVT_ERR_MAX];
	struct ep_parser p = {
		.ep = &ep, .prefix = prefix, .err = err, .errlen = errlen,
	};
	int i, ret;

	snprintf(prefix, sizeof(prefix), "config %s: [%s]", path, section);
	ep_reset(&ep);
	if (name[0] != '\0') {
		ret = ep_set(&p, "name", name);
		if (ret != 0)
			return ret;
	}
	for (i = 0; i < n; i++) {
		/* Repeating the section's name is fine; contradicting it not. */
		if (name[0] != '\0' && strcmp(e[i].name, "name") == 0) {
			if (strcmp(e[i].value, name) != 0)
				return ep_fail(&p, "name", e[i].value,
					"differs from the section name");
			continue;
		}
		ret = ep_set(&p, e[i].name, e[i].value);
		if (ret != 0)
			return ret;
	}
	if ((p.seen & (1u << EP_NAME)) == 0)
		return mvt_err(err, errlen, "%s: name= missing", prefix);
	ret = ep_finish(&p);
	if (ret != 0)
		return ret;
	return add_endpoint(c, &ep, prefix, err, errlen);
}

/* @p name is what follows "policy" in the section name, maybe empty. */
static int
load_policy(struct mvt_conf *c, const char *path, const char *section,
	const char *name, const struct rte_cfgfile_entry *e, int n,
	char *err, size_t errlen)
{
	struct mvt_policy_parser pp;
	struct mvt_policy_conf pc;
	char prefix[MVT_ERR_MAX];
	int i, ret;

	snprintf(prefix, sizeof(prefix), "config %s: [%s]", path, section);
	mvt_policy_parser_init(&pp, &pc, prefix, err, errlen);
	if (name[0] != '\0') {
		ret = mvt_policy_parser_set(&pp, "name", name);
		if (ret != 0)
			return ret;
	}
	for (i = 0; i < n; i++) {
		/* Repeating the section's name is fine; contradicting it not. */
		if (name[0] != '\0' && strcmp(e[i].name, "name") == 0) {
			if (strcmp(e[i].value, name) != 0)
				return mvt_err(err, errlen,
					"%s name=%s: differs from the section name",
					prefix, e[i].value);
			continue;
		}
		ret = mvt_policy_parser_set(&pp, e[i].name, e[i].value);
		if (ret != 0)
			return ret;
	}
	ret = mvt_policy_parser_finish(&pp);
	if (ret != 0)
		return ret;
	return add_policy(c, &pc, prefix, err, errlen);
}

/* For a section "KIND" or "KIND NAME": NAME, maybe ""; NULL for another. */
static const char *
section_name(const char *section, const char *kind)
{
	size_t len = strlen(kind);
	const char *name;

	if (strncmp(section, kind, len) != 0 || (section[len] != '\0' &&
			section[len] != ' ' && section[len] != '\t'))
		return NULL;
	for (name = section + len; *name == ' ' || *name == '\t'; name++)
		;
	return name;
}

static int
load_cfg(struct mvt_conf *c, const char *path, struct rte_cfgfile *cfg,
	char *err, size_t errlen)
{
	struct rte_cfgfile_entry *e = NULL;
	char section[CFG_NAME_LEN];
	const char *name;
	int n_sec, i, n, ret = 0, lower_seen = 0;

	n_sec = rte_cfgfile_num_sections(cfg, "", 0);
	for (i = 0; i < n_sec && ret == 0; i++) {
		n = rte_cfgfile_section_num_entries_by_index(cfg, section, i);
		if (n < 0) {
			ret = mvt_err(err, errlen,
				"config %s: cannot read section %d", path, i);
			break;
		}
		free(e);
		e = calloc(RTE_MAX(n, 1), sizeof(*e));
		if (e == NULL) {
			ret = mvt_err(err, errlen, "config %s: out of memory",
				path);
			break;
		}
		n = rte_cfgfile_section_entries_by_index(cfg, i, section, e, n);
		if (strcmp(section, "lower") == 0) {
			if (lower_seen++)
				ret = mvt_err(err, errlen,
					"config %s: [lower]: section given twice",
					path);
			else
				ret = load_lower(c, path, e, n, err, errlen);
		} else if ((name = section_name(section, "endpoint")) != NULL) {
			ret = load_endpoint(c, path, section, name, e, n, err,
				errlen);
		} else if ((name = section_name(section, "policy")) != NULL) {
			ret = load_policy(c, path, section, name, e, n, err,
				errlen);
		} else {
			ret = mvt_err(err, errlen,
				"config %s: [%s]: unknown section (expected lower, endpoint NAME or policy NAME)",
				path, section);
		}
	}
	free(e);
	return ret;
}

int
mvt_conf_load_file(struct mvt_conf *c, const char *path, char *err,
	size_t errlen)
{
	struct rte_cfgfile *cfg;
	FILE *f;
	int ret;

	f = fopen(path, "r");
	if (f == NULL)
		return mvt_err(err, errlen, "--config %s: cannot read file",
			path);
	ret = prescan_file(f, path, err, errlen);
	fclose(f);
	if (ret != 0)
		return ret;
	cfg = rte_cfgfile_load(path, 0);
	if (cfg == NULL)
		return mvt_err(err, errlen,
			"--config %s: not a valid INI file (a key outside a section, an empty value, a missing ']' or a line too long)",
			path);
	ret = load_cfg(c, path, cfg, err, errlen);
	rte_cfgfile_close(cfg);
	return ret;
}

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
	const char *ifname = tap_ifname(ep);
	char path[128];
	struct stat st;

	if (ep->socket[0] != '\0' || ep->client || ep->queues != 1)
		return mvt_err(err, errlen,
			"--endpoint %s: type=tap takes no socket=, client= or queues=",
			ep->name);
	if (strlen(ifname) >= MVT_IFNAME_MAX)
		return mvt_err(err, errlen,
			"--endpoint %s: interface name longer than %d characters (give ifname=)",
			ep->name, MVT_IFNAME_MAX - 1);
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
 * Endpoint @p i of @p c; with @p live, one that already runs, whose
 * interface or socket is its own: only checked against the others.
 */
static int
validate_endpoint(const struct mvt_conf *c, uint16_t i, int live, char *err,
	size_t errlen)
{
	const struct mvt_endpoint_conf *ep = &c->ep[i], *o;
	char mac[MVT_MAC_STRLEN];
	uint16_t j, s;

	/* Hand-built configurations reach here too, not just parsed ones. */
	if (memchr(ep->name, '\0', sizeof(ep->name)) == NULL ||
			ep->name[0] == '\0')
		return mvt_err(err, errlen, "--endpoint #%u: name= missing",
			(unsigned int)i);
	if (memchr(ep->socket, '\0', sizeof(ep->socket)) == NULL)
		return mvt_err(err, errlen,
			"--endpoint %s: path longer than %d characters",
			ep->name, MVT_SOCKET_MAX - 1);
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
	if (ep->queues == 0 || ep->queues > MVT_QUEUES_MAX)
		return mvt_err(err, errlen,
			"--endpoint %s: queue count must be 1..%d", ep->name,
			MVT_QUEUES_MAX);
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
	if (ep->rate_kbps > MVT_POLICY_RATE_MAX)
		return mvt_err(err, errlen,
			"--endpoint %s: rate= at most %u kbit/s", ep->name,
			MVT_POLICY_RATE_MAX);
	if (ep->burst_kb > MVT_POLICY_BURST_MAX)
		return mvt_err(err, errlen,
			"--endpoint %s: burst= at most %u kbit", ep->name,
			MVT_POLICY_BURST_MAX);
	for (s = 0; s < ep->n_sources; s++) {
		if (!mvt_mac_is_unicast(ep->sources[s])) {
			mvt_mac_format(ep->sources[s], mac);
			return mvt_err(err, errlen,
				"--endpoint sources=%s: not a unicast address",
				mac);
		}
	}
	/* Linux refuses a passthru macvlan beside any other on the lower. */
	if (ep->mode == MVT_MODE_PASSTHRU && c->n_endpoints > 1)
		return mvt_err(err, errlen,
			"--endpoint %s: a passthru endpoint must be the only endpoint",
			ep->name);
	for (j = 0; j < i; j++) {
		o = &c->ep[j];
		if (strcmp(o->name, ep->name) == 0)
			return mvt_err(err, errlen,
				"--endpoint name=%s: duplicate endpoint name",
				ep->name);
		if (ep->mac != 0 && o->mac == ep->mac) {
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

	if (memchr(c->lower, '\0', sizeof(c->lower)) == NULL ||
			c->lower[0] == '\0')
		return mvt_err(err, errlen,
			"--lower: missing (a PCI address or vdev devargs string)");
	if (c->stats_period > STATS_PERIOD_MAX)
		return mvt_err(err, errlen,
			"--stats-period %u: expected an integer 0..%d",
			c->stats_period, STATS_PERIOD_MAX);
	if (c->host_bridge && c->host_port[0] == '\0')
		return mvt_err(err, errlen,
			"--host-bridge: needs a host port (--host-port DEVICE)");
	if (c->max_sleep_us > MVT_MAX_SLEEP_US_MAX)
		return mvt_err(err, errlen,
			"--max-sleep-us %u: expected an integer 0..%d",
			c->max_sleep_us, MVT_MAX_SLEEP_US_MAX);
	if (c->bcqueuelen > MVT_BCQUEUELEN_MAX)
		return mvt_err(err, errlen,
			"--bcqueuelen %u: expected an integer 0..%d",
			c->bcqueuelen, MVT_BCQUEUELEN_MAX);
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

enum {
	OPT_LOWER = 256,
	OPT_ENDPOINT,
	OPT_POLICY,
	OPT_CONFIG,
	OPT_STATS_PERIOD,
	OPT_HAIRPIN,
	OPT_STRICT_PRIVATE,
	OPT_PROMISC,
	OPT_HOST_PORT,
	OPT_HOST_BRIDGE,
	OPT_MAX_SLEEP_US,
	OPT_BCQUEUELEN,
	OPT_BCLIM,
	OPT_HELP,
};

static const struct option long_opts[] = {
	{ "lower", required_argument, NULL, OPT_LOWER },
	{ "endpoint", required_argument, NULL, OPT_ENDPOINT },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "stats-period", required_argument, NULL, OPT_STATS_PERIOD },
	{ "hairpin", no_argument, NULL, OPT_HAIRPIN },
	{ "strict-private", no_argument, NULL, OPT_STRICT_PRIVATE },
	{ "promisc", no_argument, NULL, OPT_PROMISC },
	{ "host-port", required_argument, NULL, OPT_HOST_PORT },
	{ "host-bridge", no_argument, NULL, OPT_HOST_BRIDGE },
	{ "max-sleep-us", required_argument, NULL, OPT_MAX_SLEEP_US },
	{ "bcqueuelen", required_argument, NULL, OPT_BCQUEUELEN },
	{ "bclim", required_argument, NULL, OPT_BCLIM },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Report what getopt_long refused, naming the option as it was written. */
static int
bad_option(int opt, char **argv, char *err, size_t errlen)
{
	const char *arg = argv[optind - 1];
	size_t len;

	if (opt == ':')
		return mvt_err(err, errlen, "%s: missing argument", arg);
	if (optopt >= OPT_LOWER)
		return mvt_err(err, errlen, "%s: takes no argument", arg);
	if (optopt != 0)
		return mvt_err(err, errlen, "unknown option -%c", optopt);
	len = strcspn(arg, "=");
	return mvt_err(err, errlen, "unknown option %.*s", (int)len, arg);
}

int
mvt_conf_parse_args(struct mvt_conf *c, int argc, char **argv, char *err,
	size_t errlen)
{
	struct mvt_endpoint_conf ep;
	struct mvt_policy_conf pc;
	uint32_t v;
	int opt, ret;

	/*
	 * optind = 0, not 1: glibc then also forgets the EAL's optstring
	 * mode and a half-consumed short option group from an earlier call.
	 * "+" keeps argv unpermuted; ":" reports a missing argument as ':'.
	 */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", long_opts, NULL)) != -1) {
		ret = 0;
		switch (opt) {
		case OPT_LOWER:
			ret = set_device(c->lower, optarg, "--lower", err,
				errlen);
			break;
		case OPT_ENDPOINT:
			ret = mvt_conf_parse_endpoint(optarg, &ep, err, errlen);
			if (ret == 0)
				ret = add_endpoint(c, &ep, "--endpoint", err,
					errlen);
			break;
		case OPT_POLICY:
			ret = mvt_policy_conf_parse(optarg, &pc, err, errlen);
			if (ret == 0)
				ret = add_policy(c, &pc, "--policy", err,
					errlen);
			break;
		case OPT_CONFIG:
			ret = mvt_conf_load_file(c, optarg, err, errlen);
			break;
		case OPT_STATS_PERIOD:
			if (mvt_parse_u32(optarg, STATS_PERIOD_MAX, &v) != 0)
				ret = mvt_err(err, errlen,
					"--stats-period %s: expected an integer 0..%d",
					optarg, STATS_PERIOD_MAX);
			else
				c->stats_period = v;
			break;
		case OPT_HAIRPIN:
			c->hairpin = 1;
			break;
		case OPT_STRICT_PRIVATE:
			c->strict_private = 1;
			break;
		case OPT_PROMISC:
			c->promisc = 1;
			break;
		case OPT_HOST_PORT:
			ret = set_device(c->host_port, optarg, "--host-port",
				err, errlen);
			break;
		case OPT_HOST_BRIDGE:
			c->host_bridge = 1;
			break;
		case OPT_MAX_SLEEP_US:
			if (mvt_parse_u32(optarg, MVT_MAX_SLEEP_US_MAX, &v) != 0)
				ret = mvt_err(err, errlen,
					"--max-sleep-us %s: expected an integer 0..%d",
					optarg, MVT_MAX_SLEEP_US_MAX);
			else
				c->max_sleep_us = v;
			break;
		case OPT_BCQUEUELEN:
			if (mvt_parse_u32(optarg, MVT_BCQUEUELEN_MAX, &v) != 0)
				ret = mvt_err(err, errlen,
					"--bcqueuelen %s: expected an integer 0..%d",
					optarg, MVT_BCQUEUELEN_MAX);
			else
				c->bcqueuelen = v;
			break;
		case OPT_BCLIM:
			if (parse_bclim(optarg, &c->bclim) != 0)
				ret = mvt_err(err, errlen,
					"--bclim %s: expected an integer " MVT_BCLIM_RANGE,
					optarg);
			break;
		case 'h':
		case OPT_HELP:
			mvt_conf_usage(argv[0]);
			return 1;
		default:
			return bad_option(opt, argv, err, errlen);
		}
		if (ret != 0)
			return ret;
	}
	if (optind < argc)
		return mvt_err(err, errlen, "%s: unexpected argument",
			argv[optind]);
	return mvt_conf_validate(c, err, errlen);
}

void
mvt_conf_usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- --lower DEVICE --endpoint SPEC... [options]\n"
		"\n"
		"  --lower DEVICE        the physical port: a PCI address or vdev devargs\n"
		"  --endpoint SPEC       one endpoint (repeat for more), SPEC is key=value,...\n"
		"      name=NAME         required; A-Z a-z 0-9 _ . - (at most %d characters)\n"
		"      mac=MAC           required unless mode=passthru\n"
		"      mode=MODE         vepa (default), bridge, private, passthru, source\n"
		"      socket=PATH       vhost-user socket, required\n"
		"      client=0|1        connect to the frontend's socket (default 0)\n"
		"      queues=N          queue pairs, 1..%d (default 1)\n"
		"      sources=MAC+MAC   mode=source: the senders it listens to\n"
		"      nodst=0|1         mode=source: listed senders reach nobody else\n"
		"      state=up|down     admin state (default up)\n"
		"      rate=KBPS         cap what it sends in kbit/s: a dir=out policy\n"
		"      burst=KB          with rate=: bucket size in kbit (default %u)\n"
		"      spoofchk=0|1      drop what it sends from another source MAC (default 0)\n"
		"      mcast=GRP+GRP     accept only these multicast groups (default: all;\n"
		"                        broadcast is always accepted)\n"
		"      type=vhost|tap    a vhost-user socket (default) or a kernel interface\n"
		"      ifname=NAME       type=tap: the interface (default: the endpoint's name)\n"
		"      netns=NAME        type=tap: move it into this ip netns namespace\n"
		"      owner=USER        owner of the server socket (default: this process)\n"
		"      group=GROUP       group of the server socket (default: this process)\n"
		"      perm=MODE         octal mode of the server socket (default 0660;\n"
		"                        never world-writable)\n"
		"  --policy SPEC         a policy on one MAC (repeat for more), key=value,...\n"
		"      mac=MAC           required: frames to and from this address\n"
		"      name=NAME         default: the MAC\n"
		"      rate=KBPS         byte rate in kbit/s (srTCM: cir = rate*1000/8 bytes/s)\n"
		"      burst=KB          with rate=: bucket size in kbit (default %u)\n"
		"      peak=KBPS         with rate=: peak rate in kbit/s, trTCM (at least rate)\n"
		"      pps=N             packets per second\n"
		"      dir=in|out|both   frames to the MAC, from it, or both (default both)\n"
		"      action=allow|deny allow: meter, drop the excess (default); deny: drop all\n"
		"                        allow needs rate=, pps= or both\n"
		"  --config FILE         load an INI file here: [lower], [endpoint NAME],\n"
		"                        [policy NAME]\n"
		"  --stats-period SECS   statistics period in seconds, 0..%d (0: off)\n"
		"  --hairpin             software reflective relay (hairpin)\n"
		"  --strict-private      drop reflected unicast to or from private endpoints\n"
		"  --promisc             force the lower device promiscuous\n"
		"  --host-port DEVICE    the port towards the host stack (default: none)\n"
		"  --host-bridge         the host reaches bridge-mode endpoints locally\n"
		"  --max-sleep-us N      longest sleep of an idle worker, 0..10000 (0: never)\n"
		"  --bcqueuelen N        broadcast queue length per worker, 0..4096 (1000)\n"
		"  --bclim N             groups joined by at most N endpoints are not\n"
		"                        queued, " MVT_BCLIM_RANGE " (1; negative:\n"
		"                        nothing is queued)\n"
		"  --help                this text\n",
		prog, MVT_NAME_MAX - 1, MVT_QUEUES_MAX,
		MVT_POLICY_BURST_DEFAULT, MVT_POLICY_BURST_DEFAULT,
		STATS_PERIOD_MAX);
}
