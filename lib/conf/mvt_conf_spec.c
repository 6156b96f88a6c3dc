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
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "mvt_conf.h"
#include "mvt_conf_opts.h"
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

/* "PREFIX KEY=VAL: unknown key (expected ...)", the keys of @p t. */
static int
unknown_key(const char *prefix, const char *key, const char *val,
	const struct mvt_conf_opt *t, unsigned int n, char *err,
	size_t errlen)
{
	char keys[256];

	mvt_conf_opt_keys(t, n, keys, sizeof(keys));
	return mvt_err(err, errlen, "%s %s=%s: unknown key (expected %s)",
		prefix, key, val, keys);
}

/*
 * The keys whose row says all: 0|1 and the numbers, into @p base's field.
 * @return 0 or -EINVAL when it was one of them, 1 when it was not.
 */
static int
set_generic(const struct mvt_conf_opt *o, void *base, const char *prefix,
	const char *key, const char *val, char *err, size_t errlen)
{
	char what[MVT_ERR_MAX];
	uint8_t b;

	switch (o->type) {
	case MVT_OPT_T_BOOL:
		if (mvt_conf_parse_bool(val, &b) != 0)
			return mvt_err(err, errlen, "%s %s=%s: expected 0 or 1",
				prefix, key, val);
		mvt_conf_opt_put(o, base, b);
		return 0;
	case MVT_OPT_T_UINT:
	case MVT_OPT_T_INT:
	case MVT_OPT_T_COUNT:
	case MVT_OPT_T_AMOUNT:
		snprintf(what, sizeof(what), "%s %s=%s", prefix, key, val);
		return mvt_conf_opt_set_num(o, base, val, what, err, errlen);
	}
	return 1;
}

void
mvt_conf_ep_reset(struct mvt_endpoint_conf *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->mode = MVT_MODE_VEPA;
	ep->queues = 1;
	ep->up = 1;
	ep->offload = 1;
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
			return mvt_conf_ep_fail(p, key, one,
				"malformed MAC address");
		if (!group && !mvt_mac_is_unicast(mac))
			return mvt_conf_ep_fail(p, key, one,
				"not a unicast address");
		if (group && !mvt_mac_is_group(mac))
			return mvt_conf_ep_fail(p, key, one,
				"not a multicast address");
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
	const struct mvt_conf_opt *o;
	char what[128];
	unsigned long n;
	char *end;
	uint64_t mac;
	int k, ret;

	k = mvt_conf_opt_find(mvt_conf_endpoint_opts, MVT_EPOPT_N, key);
	if (k < 0)
		return unknown_key(p->prefix, key, val, mvt_conf_endpoint_opts,
			MVT_EPOPT_N, p->err, p->errlen);
	/*
	 * sources= may repeat and accumulates: an INI value holds at most
	 * CFG_VALUE_LEN - 1 characters, too few for a full list. Any other
	 * key given twice is a typo that would silently win or lose.
	 */
	if (k != MVT_EPOPT_SOURCES && (p->seen & (1u << k)) != 0)
		return mvt_conf_ep_fail(p, key, val, "key given twice");
	p->seen |= 1u << k;

	o = &mvt_conf_endpoint_opts[k];
	ret = set_generic(o, ep, p->prefix, key, val, p->err, p->errlen);
	if (ret <= 0)
		return ret;
	switch (k) {
	case MVT_EPOPT_NAME:
		return ep_set_name(p, val);
	case MVT_EPOPT_LOWER:
		if (val[0] == '\0' || strlen(val) >= sizeof(ep->lower) ||
				!mvt_name_chars_ok(val))
			return mvt_conf_ep_fail(p, key, val,
				"expected the name of a lower");
		strlcpy(ep->lower, val, sizeof(ep->lower));
		return 0;
	case MVT_EPOPT_MAC:
		if (mvt_mac_parse(val, &mac) != 0)
			return mvt_conf_ep_fail(p, key, val,
				"malformed MAC address");
		if (!mvt_mac_is_unicast(mac))
			return mvt_conf_ep_fail(p, key, val,
				"not a unicast address");
		ep->mac = mac;
		return 0;
	case MVT_EPOPT_MODE:
		ep->mode = mvt_mode_parse(val);
		if (ep->mode == 0)
			return mvt_conf_ep_fail(p, key, val,
				"unknown mode (expected vepa, bridge, private, passthru, source)");
		return 0;
	case MVT_EPOPT_SOCKET:
		if (val[0] == '\0')
			return mvt_conf_ep_fail(p, key, val, "empty path");
		if ((int64_t)strlen(val) > o->max)
			return mvt_err(p->err, p->errlen,
				"%s socket=%s: path longer than %" PRId64
				" characters", p->prefix, val, o->max);
		strlcpy(ep->socket, val, sizeof(ep->socket));
		return 0;
	case MVT_EPOPT_SOURCES:
		return ep_add_macs(p, key, val, ep->sources, &ep->n_sources,
			(uint16_t)o->max, 0, "sources");
	case MVT_EPOPT_STATE:
		if (strcmp(val, "up") == 0)
			ep->up = 1;
		else if (strcmp(val, "down") == 0)
			ep->up = 0;
		else
			return mvt_conf_ep_fail(p, key, val,
				"expected up or down");
		return 0;
	case MVT_EPOPT_OFFLOAD:
		if (strcmp(val, "on") == 0)
			ep->offload = 1;
		else if (strcmp(val, "off") == 0)
			ep->offload = 0;
		else
			return mvt_conf_ep_fail(p, key, val,
				"expected on or off");
		return 0;
	case MVT_EPOPT_TYPE:
		if (strcmp(val, "vhost") == 0)
			ep->type = MVT_EP_TYPE_VHOST;
		else if (strcmp(val, "tap") == 0)
			ep->type = MVT_EP_TYPE_TAP;
		else
			return mvt_conf_ep_fail(p, key, val,
				"expected vhost or tap");
		return 0;
	case MVT_EPOPT_IFNAME:
		if ((int64_t)strlen(val) < o->min ||
				(int64_t)strlen(val) > o->max ||
				strpbrk(val, "/: \t") != NULL) {
			snprintf(what, sizeof(what),
				"not an interface name (%" PRId64 "..%" PRId64
				" characters, no '/', ':' or blanks)", o->min,
				o->max);
			return mvt_conf_ep_fail(p, key, val, what);
		}
		strlcpy(ep->ifname, val, sizeof(ep->ifname));
		return 0;
	case MVT_EPOPT_NETNS:
		if ((int64_t)strlen(val) < o->min ||
				(int64_t)strlen(val) > o->max ||
				strchr(val, '/') != NULL)
			return mvt_conf_ep_fail(p, key, val,
				"not a namespace name");
		strlcpy(ep->netns, val, sizeof(ep->netns));
		return 0;
	case MVT_EPOPT_MCAST:
		return ep_add_macs(p, key, val, ep->mcast, &ep->n_mcast,
			(uint16_t)o->max, 1, "groups");
	case MVT_EPOPT_OWNER:
		return ep_set_owner(p, key, val);
	case MVT_EPOPT_GROUP:
		return ep_set_group(p, key, val);
	case MVT_EPOPT_PERM:
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
	if ((p.seen & (1u << MVT_EPOPT_NAME)) == 0)
		return mvt_err(err, errlen, "--endpoint %s: name= missing",
			spec);
	return mvt_conf_ep_finish(&p);
}

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

int
mvt_policy_parser_set(struct mvt_policy_parser *pp, const char *key,
	const char *val)
{
	struct mvt_policy_conf *pc = pp->pc;
	uint64_t mac;
	int k, ret;

	k = mvt_conf_opt_find(mvt_conf_policy_opts, MVT_POPT_N, key);
	if (k < 0)
		return unknown_key(pp->prefix, key, val, mvt_conf_policy_opts,
			MVT_POPT_N, pp->err, pp->errlen);
	/* A key given twice is a typo that would silently win or lose. */
	if ((pp->seen & (1u << k)) != 0)
		return pp_fail(pp, key, val, "key given twice");
	pp->seen |= 1u << k;

	ret = set_generic(&mvt_conf_policy_opts[k], pc, pp->prefix, key, val,
		pp->err, pp->errlen);
	if (ret <= 0)
		return ret;
	switch (k) {
	case MVT_POPT_MAC:
		if (mvt_mac_parse(val, &mac) != 0)
			return pp_fail(pp, key, val, "malformed MAC address");
		if (!mvt_mac_is_unicast(mac))
			return pp_fail(pp, key, val, "not a unicast address");
		pc->mac = mac;
		return 0;
	case MVT_POPT_NAME:
		return pp_set_name(pp, val);
	case MVT_POPT_DIR:
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
	case MVT_POPT_ACTION:
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

