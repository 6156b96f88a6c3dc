/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * The option tables as data, and what every number row shares: its
 * parser, its range check and its error lines.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "mvt_conf.h"
#include "mvt_conf_opts.h"
#include "mvt_conf_priv.h"

/* clang-format off */
#define MVT_OPT_NOF .off = 0, .size = 0

#define GLOBAL_ROW(id, c, i, t, lo, hi, d, f, p, a, h) \
	[MVT_GOPT_##id] = { .cli = c, .key = i, .type = MVT_OPT_T_##t, \
		.pos = p, f, .min = lo, .max = hi, .def = d, .arg = a, \
		.unit = NULL, .help = h },
#define SPEC_ROW(id, k, t, lo, hi, d, f, p, a, u, h) \
	[ROW_ID(id)] = { .cli = NULL, .key = k, .type = MVT_OPT_T_##t, \
		.pos = p, f, .min = lo, .max = hi, .def = d, .arg = a, \
		.unit = u, .help = h },

#define MVT_OPT_F(f) .off = offsetof(struct mvt_conf, f), \
	.size = RTE_SIZEOF_FIELD(struct mvt_conf, f)
const struct mvt_conf_opt mvt_conf_global_opts[MVT_GOPT_N] = {
	MVT_GLOBAL_OPTS(GLOBAL_ROW)
};
#undef MVT_OPT_F

#define MVT_OPT_F(f) .off = offsetof(struct mvt_endpoint_conf, f), \
	.size = RTE_SIZEOF_FIELD(struct mvt_endpoint_conf, f)
#define ROW_ID(id) MVT_EPOPT_##id
const struct mvt_conf_opt mvt_conf_endpoint_opts[MVT_EPOPT_N] = {
	MVT_ENDPOINT_OPTS(SPEC_ROW)
};
#undef ROW_ID
#undef MVT_OPT_F

#define MVT_OPT_F(f) .off = offsetof(struct mvt_policy_conf, f), \
	.size = RTE_SIZEOF_FIELD(struct mvt_policy_conf, f)
#define ROW_ID(id) MVT_POPT_##id
const struct mvt_conf_opt mvt_conf_policy_opts[MVT_POPT_N] = {
	MVT_POLICY_OPTS(SPEC_ROW)
};
#undef ROW_ID
#undef MVT_OPT_F

/* clang-format on */
/* The seen bits of the SPEC parsers are one unsigned int. */
_Static_assert(MVT_EPOPT_N <= 32, "too many endpoint keys");
_Static_assert(MVT_POPT_N <= 32, "too many policy keys");
_Static_assert(MVT_GOPT_N <= 32, "too many global keys");

int
mvt_conf_opt_find(const struct mvt_conf_opt *t, unsigned int n, const char *key)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (t[i].key != NULL && strcmp(t[i].key, key) == 0)
			return (int)i;
	return -1;
}

void
mvt_conf_opt_keys(const struct mvt_conf_opt *t, unsigned int n, char *buf,
		size_t len)
{
	unsigned int i, p, used = 0;
	int found;

	buf[0] = '\0';
	for (p = 0;; p++) {
		found = 0;
		for (i = 0; i < n; i++) {
			if (t[i].key == NULL || t[i].pos != (int)p)
				continue;
			if (used++ > 0)
				strlcat(buf, ", ", len);
			strlcat(buf, t[i].key, len);
			found = 1;
		}
		if (!found)
			return;
	}
}

int
mvt_conf_opt_in_range(const struct mvt_conf_opt *o, int64_t v)
{
	return v >= o->min && v <= o->max;
}

void
mvt_conf_opt_msg(
		const struct mvt_conf_opt *o, int syntax, char *buf, size_t len)
{
	switch (o->type) {
	case MVT_OPT_T_COUNT:
		snprintf(buf, len, "%s must be %" PRId64 "..%" PRId64, o->unit,
				o->min, o->max);
		return;
	case MVT_OPT_T_AMOUNT:
		if (syntax)
			snprintf(buf, len, "expected a number of %s", o->unit);
		else
			snprintf(buf, len, "at most %" PRId64 " %s", o->max,
					o->unit);
		return;
	default:
		snprintf(buf, len, "expected an integer %" PRId64 "..%" PRId64,
				o->min, o->max);
		return;
	}
}

int
mvt_conf_opt_parse_num(const struct mvt_conf_opt *o, const char *val,
		int64_t *v, const char *what, char *err, size_t errlen)
{
	char msg[128];
	uint32_t u;
	int ret;

	if (o->type == MVT_OPT_T_INT && val[0] == '-' && o->min < 0) {
		ret = mvt_parse_u32(val + 1, (uint32_t)-o->min, &u);
		*v = -(int64_t)u;
	} else {
		ret = mvt_parse_u32(val, o->max > 0 ? (uint32_t)o->max : 0, &u);
		*v = u;
	}
	if (ret == 0 && !mvt_conf_opt_in_range(o, *v))
		ret = -ERANGE;
	if (ret == 0)
		return 0;
	mvt_conf_opt_msg(o, ret == -EINVAL, msg, sizeof(msg));
	return mvt_err(err, errlen, "%s: %s", what, msg);
}

int
mvt_conf_opt_set_num(const struct mvt_conf_opt *o, void *base, const char *val,
		const char *what, char *err, size_t errlen)
{
	int64_t v;
	int ret;

	ret = mvt_conf_opt_parse_num(o, val, &v, what, err, errlen);
	if (ret != 0)
		return ret;
	mvt_conf_opt_put(o, base, v);
	return 0;
}

int64_t
mvt_conf_opt_get(const struct mvt_conf_opt *o, const void *base)
{
	const char *p = (const char *)base + o->off;

	switch (o->size) {
	case 1:
		return *(const uint8_t *)p;
	case 2:
		return *(const uint16_t *)p;
	case 4:
		if (o->type == MVT_OPT_T_INT)
			return *(const int32_t *)p;
		return *(const uint32_t *)p;
	}
	return 0;
}

void
mvt_conf_opt_put(const struct mvt_conf_opt *o, void *base, int64_t v)
{
	char *p = (char *)base + o->off;

	switch (o->size) {
	case 1:
		*(uint8_t *)p = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)p = (uint16_t)v;
		break;
	case 4:
		if (o->type == MVT_OPT_T_INT)
			*(int32_t *)p = (int32_t)v;
		else
			*(uint32_t *)p = (uint32_t)v;
		break;
	}
}
