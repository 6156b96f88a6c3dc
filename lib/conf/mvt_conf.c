/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/* What the parsers share: defaults, and adding endpoints and policies. */

#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "mvt_conf.h"
#include "mvt_conf_priv.h"
#include "mvt_decide.h"
#include "mvt_policy.h"

void
mvt_conf_init(struct mvt_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->bcqueuelen = MVT_BCQUEUELEN_DEFAULT;
	c->bclim = MVT_BCLIM_DEFAULT;
}

int
mvt_conf_add_policy(struct mvt_conf *c, const struct mvt_policy_conf *pc,
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

int
mvt_conf_add_endpoint(struct mvt_conf *c, const struct mvt_endpoint_conf *ep,
	const char *prefix, char *err, size_t errlen)
{
	struct mvt_policy_conf pc;
	int ret;

	if (c->n_endpoints >= MVT_MAX_ENDPOINTS)
		return mvt_err(err, errlen,
			"%s name=%s: too many endpoints (max %d)",
			prefix, ep->name, MVT_MAX_ENDPOINTS);
	if (mvt_conf_endpoint_policy(ep, ep->mac, &pc)) {
		ret = mvt_conf_add_policy(c, &pc, prefix, err, errlen);
		if (ret != 0)
			return ret;
	}
	c->ep[c->n_endpoints++] = *ep;
	return 0;
}

/* Device strings are handed to the EAL as they are; only the size counts. */
int
mvt_conf_set_device(char *dst, const char *val, const char *what, char *err,
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
