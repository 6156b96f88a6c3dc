/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/* The INI file: [lower], [endpoint NAME] and [policy NAME] sections. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>
#include <rte_common.h>
#include <rte_string_fns.h>

#include "mvt_conf.h"
#include "mvt_conf_opts.h"
#include "mvt_conf_priv.h"
#include "mvt_policy.h"

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

/*
 * The keys of a lower's own, in [lower] and [lower NAME]: device=,
 * vlan=, mtu= and, in [lower NAME], host-port=. @return 1 when @p key is
 * not one of them, else 0 or -EINVAL.
 */
static int
lower_key(struct mvt_conf *c, const char *name, const char *key,
	const char *val, const char *what, char *err, size_t errlen)
{
	struct mvt_lower_conf *l;

	if (strcmp(key, "device") != 0 && strcmp(key, "vlan") != 0 &&
			strcmp(key, "mtu") != 0 &&
			(name == NULL || strcmp(key, "host-port") != 0))
		return 1;
	l = mvt_conf_lower_get(c, name != NULL ? name :
		MVT_LOWER_DEFAULT_NAME, what, err, errlen);
	if (l == NULL)
		return -EINVAL;
	if (strcmp(key, "device") == 0)
		return mvt_conf_set_device(l->dev, val, what, err, errlen);
	if (strcmp(key, "host-port") == 0)
		return mvt_conf_set_device(l->host_port, val, what, err,
			errlen);
	if (strcmp(key, "vlan") == 0)
		return mvt_conf_lower_set_vlan(l, val, what, err, errlen);
	return mvt_conf_lower_set_mtu(l, val, what, err, errlen);
}

/*
 * [lower] (@p name NULL) or [lower NAME]: the lower's own keys, and the
 * switch-wide keys of the command line (hairpin=, bcqueuelen=, ...), which
 * stay switch-wide in either section.
 */
static int
load_lower(struct mvt_conf *c, const char *path, const char *name,
	const struct rte_cfgfile_entry *e, int n, char *err, size_t errlen)
{
	const struct mvt_conf_opt *o;
	char what[MVT_ERR_MAX], sec[MVT_NAME_MAX + 8];
	unsigned int seen = 0, seen_own = 0, bit;
	char keys[256];
	uint8_t flag;
	int i, k, ret;

	snprintf(sec, sizeof(sec), name != NULL ? "lower %s" : "lower",
		name);
	if (name != NULL) {
		snprintf(what, sizeof(what), "config %s: [%s]", path, sec);
		if (!mvt_name_chars_ok(name) || strlen(name) >= MVT_NAME_MAX)
			return mvt_err(err, errlen,
				"%s: name may contain only A-Z a-z 0-9 _ . - (at most %d characters)",
				what, MVT_NAME_MAX - 1);
		if (mvt_conf_lower_get(c, name, what, err, errlen) == NULL)
			return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "config %s: [%s] %s=%s", path,
			sec, e[i].name, e[i].value);
		bit = strcmp(e[i].name, "device") == 0 ? 1 :
			strcmp(e[i].name, "vlan") == 0 ? 2 :
			strcmp(e[i].name, "mtu") == 0 ? 4 :
			strcmp(e[i].name, "host-port") == 0 ? 8 : 0;
		if (bit != 0 && (seen_own & bit) != 0)
			return mvt_err(err, errlen, "%s: key given twice",
				what);
		seen_own |= bit;
		ret = lower_key(c, name, e[i].name, e[i].value, what, err,
			errlen);
		if (ret <= 0) {
			if (ret < 0)
				return ret;
			continue;
		}
		k = mvt_conf_opt_find(mvt_conf_global_opts, MVT_GOPT_N,
			e[i].name);
		if (k < 0) {
			mvt_conf_opt_keys(mvt_conf_global_opts, MVT_GOPT_N,
				keys, sizeof(keys));
			return mvt_err(err, errlen,
				"config %s: [%s] %s: unknown key (expected vlan, mtu, %s)",
				path, sec, e[i].name, keys);
		}
		o = &mvt_conf_global_opts[k];
		if ((seen & (1u << k)) != 0)
			return mvt_err(err, errlen, "%s: key given twice",
				what);
		seen |= 1u << k;
		switch (o->type) {
		case MVT_OPT_T_HOSTPORT:
			ret = mvt_conf_set_device(c->host_port, e[i].value,
				what, err, errlen);
			break;
		case MVT_OPT_T_FLAG:
			ret = mvt_conf_parse_bool(e[i].value, &flag);
			if (ret != 0)
				return mvt_err(err, errlen,
					"%s: expected 0 or 1", what);
			mvt_conf_opt_put(o, c, flag);
			break;
		default: /* the numbers */
			ret = mvt_conf_opt_set_num(o, c, e[i].value, what, err,
				errlen);
			break;
		}
		if (ret != 0)
			return ret;
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
	mvt_conf_ep_reset(&ep);
	if (name[0] != '\0') {
		ret = mvt_conf_ep_set(&p, "name", name);
		if (ret != 0)
			return ret;
	}
	for (i = 0; i < n; i++) {
		/* Repeating the section's name is fine; contradicting it not. */
		if (name[0] != '\0' && strcmp(e[i].name, "name") == 0) {
			if (strcmp(e[i].value, name) != 0)
				return mvt_conf_ep_fail(&p, "name", e[i].value,
					"differs from the section name");
			continue;
		}
		ret = mvt_conf_ep_set(&p, e[i].name, e[i].value);
		if (ret != 0)
			return ret;
	}
	if ((p.seen & (1u << MVT_EPOPT_NAME)) == 0)
		return mvt_err(err, errlen, "%s: name= missing", prefix);
	ret = mvt_conf_ep_finish(&p);
	if (ret != 0)
		return ret;
	return mvt_conf_add_endpoint(c, &ep, prefix, err, errlen);
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
	return mvt_conf_add_policy(c, &pc, prefix, err, errlen);
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

/*
 * [mirror NAME] with src=, dst= and dir=: the keys of a --mirror SPEC,
 * the name from the section.
 */
static int
load_mirror(struct mvt_conf *c, const char *path, const char *section,
	const char *name, const struct rte_cfgfile_entry *e, int n, char *err,
	size_t errlen)
{
	struct mvt_mirror_conf mc;
	char spec[1024], msg[MVT_ERR_MAX];
	size_t len;
	int i;

	if (name[0] == '\0')
		return mvt_err(err, errlen, "config %s: [%s]: expected "
			"[mirror NAME]", path, section);
	len = (size_t)snprintf(spec, sizeof(spec), "name=%s", name);
	for (i = 0; i < n && len < sizeof(spec); i++) {
		if (strcmp(e[i].name, "name") == 0)
			return mvt_err(err, errlen, "config %s: [%s]: name= is "
				"the section's", path, section);
		len += (size_t)snprintf(spec + len, sizeof(spec) - len,
			",%s=%s", e[i].name, e[i].value);
	}
	if (len >= sizeof(spec))
		return mvt_err(err, errlen, "config %s: [%s]: too long", path,
			section);
	if (mvt_conf_parse_mirror(spec, &mc, msg, sizeof(msg)) != 0 ||
			mvt_conf_add_mirror(c, &mc, msg, sizeof(msg)) != 0)
		return mvt_err(err, errlen, "config %s: [%s]: %s", path,
			section, msg);
	return 0;
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
				ret = load_lower(c, path, NULL, e, n, err,
					errlen);
		} else if ((name = section_name(section, "lower")) != NULL &&
				name[0] != '\0') {
			ret = load_lower(c, path, name, e, n, err, errlen);
		} else if ((name = section_name(section, "endpoint")) != NULL) {
			ret = load_endpoint(c, path, section, name, e, n, err,
				errlen);
		} else if ((name = section_name(section, "policy")) != NULL) {
			ret = load_policy(c, path, section, name, e, n, err,
				errlen);
		} else if ((name = section_name(section, "mirror")) != NULL) {
			ret = load_mirror(c, path, section, name, e, n, err,
				errlen);
		} else {
			ret = mvt_err(err, errlen,
				"config %s: [%s]: unknown section (expected lower, lower NAME, endpoint NAME, policy NAME or mirror NAME)",
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
