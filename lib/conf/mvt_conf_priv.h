/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_CONF_PRIV_H
#define MVT_CONF_PRIV_H

/*
 * What the parts of the configuration module share: mvt_conf_spec.c (the
 * endpoint and policy SPECs), mvt_conf_ini.c (the INI file),
 * mvt_conf_args.c (the command line and usage), mvt_conf_check.c (the
 * checks of a whole configuration) and mvt_conf.c (defaults, adding
 * endpoints and policies). Not for use outside lib/conf.
 */

#include <stddef.h>
#include <stdint.h>

#include "mvt_conf.h"

/* Room for a SPEC with all 64 sources (18 characters each) and the rest. */
#define SPEC_MAX 4096

struct ep_parser {
	struct mvt_endpoint_conf *ep;
	const char *prefix;	/* "--endpoint" or "config PATH: [endpoint X]" */
	unsigned int seen;	/* bit per enum mvt_epopt */
	char *err;
	size_t errlen;
};

/* "0" or "1" into @p out. @return 0 or -EINVAL. */
int mvt_conf_parse_bool(const char *s, uint8_t *out);

/* Reset @p ep to an endpoint's defaults. */
void mvt_conf_ep_reset(struct mvt_endpoint_conf *ep);

/* One line "PREFIX KEY=VAL: WHAT". @return -EINVAL. */
int mvt_conf_ep_fail(struct ep_parser *p, const char *key, const char *val,
	const char *what);

/* Apply one endpoint key=value. @return 0 or -EINVAL. */
int mvt_conf_ep_set(struct ep_parser *p, const char *key, const char *val);

/* What only the endpoint's keys together can say, after the last key. */
int mvt_conf_ep_finish(struct ep_parser *p);

/* Append a policy to @p c. @return 0 or -EINVAL when the list is full. */
int mvt_conf_add_policy(struct mvt_conf *c, const struct mvt_policy_conf *pc,
	const char *prefix, char *err, size_t errlen);

/* Append an endpoint and its rate= policy to @p c. */
int mvt_conf_add_endpoint(struct mvt_conf *c,
	const struct mvt_endpoint_conf *ep, const char *prefix, char *err,
	size_t errlen);

/* Device strings go to the EAL as they are; only the size counts. */
int mvt_conf_set_device(char *dst, const char *val, const char *what,
	char *err, size_t errlen);

/* Lower @p name, appended (empty) if it is new; NULL when full. */
struct mvt_lower_conf *mvt_conf_lower_get(struct mvt_conf *c,
	const char *name, const char *what, char *err, size_t errlen);

/* vlan= and mtu= of a lower, @p what names them in the error line. */
int mvt_conf_lower_set_vlan(struct mvt_lower_conf *l, const char *val,
	const char *what, char *err, size_t errlen);
int mvt_conf_lower_set_mtu(struct mvt_lower_conf *l, const char *val,
	const char *what, char *err, size_t errlen);

/* Every lower has a device; no two share a device and a vlan. */
int mvt_conf_validate_lowers(const struct mvt_conf *c, char *err,
	size_t errlen);

/* The endpoint's lower= names a lower, or it may go without. */
int mvt_conf_validate_ep_lower(const struct mvt_conf *c,
	const struct mvt_endpoint_conf *ep, char *err, size_t errlen);

#endif /* MVT_CONF_PRIV_H */
