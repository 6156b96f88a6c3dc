/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <string.h>

#include "mvt_conf.h"
#include "mvt_conf_priv.h"

#define OPT "mirror"

struct parser {
	struct mvt_mirror_conf *mc;
	char *err;
	size_t errlen;
};

static int
add_sources(struct parser *p, const char *val)
{
	struct mvt_mirror_conf *mc = p->mc;
	const char *s = val, *plus;
	char one[MVT_NAME_MAX];
	unsigned int i;
	size_t n;

	do {
		plus = strchr(s, '+');
		n = plus != NULL ? (size_t)(plus - s) : strlen(s);
		if (n == 0 || n >= sizeof(one))
			return mvt_err(p->err, p->errlen, OPT " src=%s: "
				"expected PORT[+PORT...]", val);
		memcpy(one, s, n);
		one[n] = '\0';
		for (i = 0; i < mc->n_src; i++)
			if (strcmp(mc->src[i], one) == 0)
				return mvt_err(p->err, p->errlen, OPT " src=%s: "
					"%s given twice", val, one);
		if (mc->n_src == MVT_MIRROR_SRC_MAX)
			return mvt_err(p->err, p->errlen, OPT " src=%s: more "
				"than %u ports", val, MVT_MIRROR_SRC_MAX);
		strcpy(mc->src[mc->n_src++], one);
		s = plus != NULL ? plus + 1 : NULL;
	} while (s != NULL);
	return 0;
}

static int
parser_set(void *ctx, const char *key, const char *val)
{
	struct parser *p = ctx;
	struct mvt_mirror_conf *mc = p->mc;

	if (strcmp(key, "name") == 0)
		return mvt_name_set(mc->name, sizeof(mc->name), val, OPT,
			p->err, p->errlen);
	if (strcmp(key, "src") == 0)
		return add_sources(p, val);
	if (strcmp(key, "dst") == 0) {
		if (val[0] == '\0' || strlen(val) >= sizeof(mc->dst))
			return mvt_err(p->err, p->errlen, OPT " dst=%s: "
				"expected an endpoint name, lower or host", val);
		strcpy(mc->dst, val);
		return 0;
	}
	if (strcmp(key, "dir") == 0) {
		if (mvt_conf_parse_dirs(val, &mc->dirs) != 0)
			return mvt_err(p->err, p->errlen, OPT " dir=%s: "
				"expected in, out or both", val);
		return 0;
	}
	return mvt_err(p->err, p->errlen, OPT " %s=%s: unknown key (expected "
		"name, src, dst, dir)", key, val);
}

static const char *const dirs_names[] = { "in", "out", "both" };

int
mvt_conf_parse_dirs(const char *val, unsigned int *dirs)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(dirs_names); i++)
		if (strcmp(val, dirs_names[i]) == 0) {
			*dirs = i + 1;
			return 0;
		}
	return -EINVAL;
}

const char *
mvt_conf_dirs_name(unsigned int dirs)
{
	return dirs >= 1 && dirs <= RTE_DIM(dirs_names) ?
		dirs_names[dirs - 1] : "none";
}

int
mvt_conf_add_mirror(struct mvt_conf *c, const struct mvt_mirror_conf *mc,
	char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < c->n_mirrors; i++)
		if (strcmp(c->mirror[i].name, mc->name) == 0)
			return mvt_err(err, errlen, OPT " %s: name given twice",
				mc->name);
	if (c->n_mirrors == MVT_MIRRORS_MAX)
		return mvt_err(err, errlen, OPT " %s: more than %u mirrors",
			mc->name, MVT_MIRRORS_MAX);
	c->mirror[c->n_mirrors++] = *mc;
	return 0;
}

int
mvt_conf_parse_mirror(const char *spec, struct mvt_mirror_conf *mc,
	char *err, size_t errlen)
{
	struct parser p = { mc, err, errlen };
	int ret;

	memset(mc, 0, sizeof(*mc));
	mc->dirs = 3;
	ret = mvt_kv_split(spec, 1024, OPT, parser_set, &p, err, errlen);
	if (ret != 0)
		return ret;
	if (mc->name[0] == '\0')
		return mvt_err(err, errlen, OPT ": name= is required");
	if (mc->n_src == 0)
		return mvt_err(err, errlen, OPT " %s: src= is required",
			mc->name);
	if (mc->dst[0] == '\0')
		return mvt_err(err, errlen, OPT " %s: dst= is required",
			mc->name);
	return 0;
}
