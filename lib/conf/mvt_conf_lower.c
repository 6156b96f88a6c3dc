/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * Lowers: --lower in its two forms, --host-port in its two forms, and the
 * checks of the lowers and of the endpoints' lower= against them.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "mvt_conf.h"
#include "mvt_conf_priv.h"

int
mvt_conf_lower_find(const struct mvt_conf *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->n_lowers && i < MVT_LOWERS_MAX; i++)
		if (strcmp(c->lowers[i].name, name) == 0)
			return (int)i;
	return -1;
}

struct mvt_lower_conf *
mvt_conf_lower_get(struct mvt_conf *c, const char *name, const char *what,
	char *err, size_t errlen)
{
	struct mvt_lower_conf *l;
	int i = mvt_conf_lower_find(c, name);

	if (i >= 0)
		return &c->lowers[i];
	if (c->n_lowers >= MVT_LOWERS_MAX) {
		mvt_err(err, errlen, "%s: too many lowers (max %d)", what,
			MVT_LOWERS_MAX);
		return NULL;
	}
	l = &c->lowers[c->n_lowers++];
	memset(l, 0, sizeof(*l));
	strlcpy(l->name, name, sizeof(l->name));
	return l;
}

int
mvt_conf_lower_set_vlan(struct mvt_lower_conf *l, const char *val,
	const char *what, char *err, size_t errlen)
{
	uint32_t v;

	if (mvt_parse_u32(val, MVT_VLAN_MAX, &v) != 0 || v == 0)
		return mvt_err(err, errlen, "%s: expected an integer 1..%d",
			what, MVT_VLAN_MAX);
	l->vlan = (uint16_t)v;
	return 0;
}

int
mvt_conf_lower_set_mtu(struct mvt_lower_conf *l, const char *val,
	const char *what, char *err, size_t errlen)
{
	uint32_t v;

	/* whether the device takes it is known when it opens */
	if (mvt_parse_u32(val, MVT_MTU_MAX, &v) != 0 || v < MVT_MTU_MIN)
		return mvt_err(err, errlen, "%s: expected an integer %d..%d",
			what, MVT_MTU_MIN, MVT_MTU_MAX);
	l->mtu = v;
	return 0;
}

/*
 * "name=NAME[,vlan=VID][,mtu=N],dev=DEVICE": the keys before dev= are
 * split at commas; dev= is the rest, commas and all, so that vdev
 * devargs pass whole.
 */
static int
parse_named_lower(struct mvt_conf *c, const char *arg, char *err,
	size_t errlen)
{
	char name[MVT_NAME_MAX] = "", vlan[16] = "", mtu[16] = "";
	char what[MVT_ERR_MAX], key[16];
	struct mvt_lower_conf *l;
	const char *p = arg, *dev = NULL, *end, *eq;
	size_t klen, vlen;

	while (*p != '\0') {
		eq = strchr(p, '=');
		end = strchr(p, ',');
		if (eq == NULL || (end != NULL && end < eq))
			return mvt_err(err, errlen,
				"--lower %s: expected key=value (name=, vlan=, mtu=, then dev= last)",
				arg);
		klen = (size_t)(eq - p);
		if (klen >= sizeof(key))
			klen = sizeof(key) - 1;
		memcpy(key, p, klen);
		key[klen] = '\0';
		if (strcmp(key, "dev") == 0) {
			dev = eq + 1;
			break;
		}
		vlen = end != NULL ? (size_t)(end - eq - 1) : strlen(eq + 1);
		if (strcmp(key, "name") == 0 && vlen < sizeof(name) &&
				name[0] == '\0') {
			memcpy(name, eq + 1, vlen);
			name[vlen] = '\0';
			if (vlen == 0)
				return mvt_err(err, errlen,
					"--lower %s: name: empty name", arg);
		} else if (strcmp(key, "vlan") == 0 && vlen < sizeof(vlan) &&
				vlan[0] == '\0' && vlen > 0) {
			memcpy(vlan, eq + 1, vlen);
			vlan[vlen] = '\0';
		} else if (strcmp(key, "mtu") == 0 && vlen < sizeof(mtu) &&
				mtu[0] == '\0' && vlen > 0) {
			memcpy(mtu, eq + 1, vlen);
			mtu[vlen] = '\0';
		} else if (strcmp(key, "name") == 0 && name[0] == '\0') {
			return mvt_err(err, errlen,
				"--lower %s: name: longer than %d characters",
				arg, MVT_NAME_MAX - 1);
		} else if (strcmp(key, "name") == 0 ||
				strcmp(key, "vlan") == 0 ||
				strcmp(key, "mtu") == 0) {
			return mvt_err(err, errlen,
				"--lower %s: %s= given twice or malformed",
				arg, key);
		} else {
			return mvt_err(err, errlen,
				"--lower %s: %s: unknown key (expected name, vlan, mtu, dev)",
				arg, key);
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	if (dev == NULL)
		return mvt_err(err, errlen,
			"--lower %s: dev=DEVICE missing (it comes last)", arg);
	snprintf(what, sizeof(what), "--lower name=%s", name);
	if (!mvt_name_chars_ok(name))
		return mvt_err(err, errlen,
			"%s: name may contain only A-Z a-z 0-9 _ . -", what);
	l = mvt_conf_lower_get(c, name, what, err, errlen);
	if (l == NULL)
		return -EINVAL;
	l->vlan = 0;
	l->mtu = 0;
	if (vlan[0] != '\0') {
		snprintf(what, sizeof(what), "--lower name=%s,vlan=%s", name,
			vlan);
		if (mvt_conf_lower_set_vlan(l, vlan, what, err, errlen) != 0)
			return -EINVAL;
	}
	if (mtu[0] != '\0') {
		snprintf(what, sizeof(what), "--lower name=%s,mtu=%s", name,
			mtu);
		if (mvt_conf_lower_set_mtu(l, mtu, what, err, errlen) != 0)
			return -EINVAL;
	}
	snprintf(what, sizeof(what), "--lower name=%s,dev=%s", name, dev);
	return mvt_conf_set_device(l->dev, dev, what, err, errlen);
}

int
mvt_conf_parse_lower(struct mvt_conf *c, const char *arg, char *err,
	size_t errlen)
{
	struct mvt_lower_conf *l;

	/* no devargs string starts with "name=": a vdev name comes first */
	if (strncmp(arg, "name=", 5) == 0)
		return parse_named_lower(c, arg, err, errlen);
	if (arg[0] == '\0')
		return mvt_err(err, errlen, "--lower: empty device");
	l = mvt_conf_lower_get(c, MVT_LOWER_DEFAULT_NAME, "--lower", err,
		errlen);
	if (l == NULL)
		return -EINVAL;
	return mvt_conf_set_device(l->dev, arg, "--lower", err, errlen);
}

int
mvt_conf_parse_host_port(struct mvt_conf *c, const char *arg, char *err,
	size_t errlen)
{
	char name[MVT_NAME_MAX], what[MVT_ERR_MAX];
	struct mvt_lower_conf *l;
	const char *comma;
	size_t len;

	if (strncmp(arg, "lower=", 6) != 0)
		return mvt_conf_set_device(c->host_port, arg, "--host-port",
			err, errlen);
	comma = strchr(arg + 6, ',');
	if (comma == NULL || strncmp(comma + 1, "dev=", 4) != 0)
		return mvt_err(err, errlen,
			"--host-port %s: expected lower=NAME,dev=DEVICE", arg);
	len = (size_t)(comma - arg - 6);
	if (len == 0 || len >= sizeof(name))
		return mvt_err(err, errlen,
			"--host-port %s: lower: expected a lower's name", arg);
	memcpy(name, arg + 6, len);
	name[len] = '\0';
	snprintf(what, sizeof(what), "--host-port lower=%s", name);
	if (!mvt_name_chars_ok(name))
		return mvt_err(err, errlen,
			"%s: name may contain only A-Z a-z 0-9 _ . -", what);
	/* the lower may come later on the command line */
	l = mvt_conf_lower_get(c, name, what, err, errlen);
	if (l == NULL)
		return -EINVAL;
	return mvt_conf_set_device(l->host_port, comma + 5, what, err, errlen);
}

int
mvt_conf_ep_lower(const struct mvt_conf *c, const struct mvt_endpoint_conf *ep)
{
	if (ep->lower[0] == '\0')
		return c->n_lowers == 1 ? 0 : -1;
	return mvt_conf_lower_find(c, ep->lower);
}

uint32_t
mvt_conf_lower_mtu(const struct mvt_conf *c, unsigned int i)
{
	return c->lowers[i].mtu != 0 ? c->lowers[i].mtu : MVT_MTU;
}

uint32_t
mvt_conf_ep_mtu(const struct mvt_conf *c, const struct mvt_endpoint_conf *ep)
{
	int g;

	if (ep->mtu != 0)
		return ep->mtu;
	g = mvt_conf_ep_lower(c, ep);
	return g >= 0 ? mvt_conf_lower_mtu(c, (unsigned int)g) : MVT_MTU;
}

uint32_t
mvt_conf_max_mtu(const struct mvt_conf *c)
{
	uint32_t m = MVT_MTU;
	unsigned int i;

	for (i = 0; i < c->n_lowers; i++)
		m = RTE_MAX(m, mvt_conf_lower_mtu(c, i));
	return m;
}

const char *
mvt_conf_lower_host_port(const struct mvt_conf *c, unsigned int i)
{
	if (c->lowers[i].host_port[0] != '\0')
		return c->lowers[i].host_port;
	return c->n_lowers == 1 ? c->host_port : "";
}

unsigned int
mvt_conf_lower_dev_owner(const struct mvt_conf *c, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (strcmp(c->lowers[j].dev, c->lowers[i].dev) == 0)
			return j;
	return i;
}

/* The names of the lowers, "a, b", for error lines. */
static void
lower_names(const struct mvt_conf *c, char *buf, size_t len)
{
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < c->n_lowers; i++) {
		if (i > 0)
			strlcat(buf, ", ", len);
		strlcat(buf, c->lowers[i].name, len);
	}
}

int
mvt_conf_validate_lowers(const struct mvt_conf *c, char *err, size_t errlen)
{
	const struct mvt_lower_conf *l, *o;
	unsigned int i, j;

	if (c->n_lowers == 0 || c->n_lowers > MVT_LOWERS_MAX)
		return mvt_err(err, errlen,
			"--lower: missing (a PCI address or vdev devargs string)");
	for (i = 0; i < c->n_lowers; i++) {
		l = &c->lowers[i];
		if (memchr(l->dev, '\0', sizeof(l->dev)) == NULL ||
				l->dev[0] == '\0')
			return mvt_err(err, errlen,
				"--lower %s: no device (--lower name=%s,dev=DEVICE)",
				l->name, l->name);
		if (l->vlan > MVT_VLAN_MAX)
			return mvt_err(err, errlen,
				"--lower %s: vlan=%u: expected an integer 1..%d",
				l->name, l->vlan, MVT_VLAN_MAX);
		for (j = 0; j < i; j++) {
			o = &c->lowers[j];
			if (strcmp(o->dev, l->dev) != 0 || o->vlan != l->vlan)
				continue;
			if (l->vlan != 0)
				return mvt_err(err, errlen,
					"--lower %s: device %s vlan %u is already lower %s",
					l->name, l->dev, l->vlan, o->name);
			return mvt_err(err, errlen,
				"--lower %s: device %s is already lower %s (a second lower on a device needs vlan=)",
				l->name, l->dev, o->name);
		}
	}
	if (c->host_port[0] != '\0' && c->n_lowers > 1)
		return mvt_err(err, errlen,
			"--host-port %s: there are several lowers: say whose (--host-port lower=NAME,dev=DEVICE)",
			c->host_port);
	return 0;
}

int
mvt_conf_validate_ep_lower(const struct mvt_conf *c,
	const struct mvt_endpoint_conf *ep, char *err, size_t errlen)
{
	char names[MVT_LOWERS_MAX * MVT_NAME_MAX + 16];
	int g = mvt_conf_ep_lower(c, ep);

	/* as Linux refuses a macvlan MTU above its lower device's */
	if (g >= 0 && ep->mtu > mvt_conf_lower_mtu(c, (unsigned int)g))
		return mvt_err(err, errlen,
			"--endpoint %s: mtu=%u: above its lower's MTU (%u)",
			ep->name, ep->mtu, mvt_conf_lower_mtu(c, (unsigned int)g));
	if (g >= 0)
		return 0;
	lower_names(c, names, sizeof(names));
	if (ep->lower[0] == '\0')
		return mvt_err(err, errlen,
			"--endpoint %s: lower= missing: there are several lowers (%s)",
			ep->name, names);
	return mvt_err(err, errlen,
		"--endpoint %s: lower=%s: no such lower (expected %s)",
		ep->name, ep->lower, names);
}
