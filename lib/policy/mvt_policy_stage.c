/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <rte_cycles.h>

#include "mvt_offload.h"
#include "mvt_policy_stage.h"

/*
 * Meter the frames of a burst that meet a policy in direction @p dir
 * (pol[i], NULL for none) and are not dropped yet, run by run: a run is
 * the frames, in order, that meet the same policy with no other policy's
 * frame between them. A frame the policy drops gets its reason.
 */
static inline void
policy_pass(unsigned int dir, uint16_t worker, struct mvt_policy *const *pol,
	const uint32_t *len, struct mvt_verdict *v, uint16_t n, uint64_t now)
{
	uint32_t run_len[MVT_BURST];
	uint16_t run_idx[MVT_BURST];
	uint8_t drop[MVT_BURST];
	struct mvt_policy *p;
	uint16_t i = 0, j, k;

	while (i < n) {
		if (pol[i] == NULL || v[i].drop != MVT_DROP_NONE) {
			i++;
			continue;
		}
		p = pol[i];
		for (k = 0, j = i; j < n; j++) {
			if (pol[j] == NULL || v[j].drop != MVT_DROP_NONE)
				continue;
			if (pol[j] != p)
				break;
			run_idx[k] = j;
			run_len[k++] = len[j];
		}
		mvt_policy_check_run(p, dir, run_len, k, now, worker, drop);
		while (k-- > 0)
			v[run_idx[k]].drop = drop[k];
		i = j;
	}
}

/*
 * A frame one check drops is marked with its reason and metered no
 * further, so it is counted once; one TSC read per burst.
 */
void
mvt_policy_stage_run(const struct mvt_ep_table *t, uint16_t ingress,
	uint16_t worker, struct rte_mbuf **pkts, const struct mvt_cls *c,
	struct mvt_verdict *v, uint16_t n)
{
	struct mvt_policy *pol[MVT_POLICY_DIRS][MVT_BURST];
	unsigned int has[MVT_POLICY_DIRS] = { 0, 0 };
	uint32_t len[MVT_BURST];
	uint64_t now;
	uint16_t i;

	/*
	 * A guest that may only be itself may not act on the link either:
	 * PAUSE or another link-local control frame would stall or
	 * reconfigure the uplink that every guest shares.
	 */
	if (ingress < MVT_MAX_ENDPOINTS && t->ep[ingress].spoofchk)
		for (i = 0; i < n; i++) {
			if (v[i].drop != MVT_DROP_NONE)
				continue;
			if (c[i].src != t->ep[ingress].mac)
				v[i].drop = MVT_DROP_SPOOF;
			else if (mvt_mac_is_link_local(c[i].dst) ||
					c[i].ethertype == MVT_ETHERTYPE_PAUSE)
				v[i].drop = MVT_DROP_LINK_LOCAL;
		}
	if (!t->has_policies)
		return;
	for (i = 0; i < n; i++) {
		pol[MVT_POLICY_DIR_OUT][i] = c[i].src_e != NULL ?
			c[i].src_e->policy[MVT_POLICY_DIR_OUT] : NULL;
		pol[MVT_POLICY_DIR_IN][i] = c[i].dst_e != NULL ?
			c[i].dst_e->policy[MVT_POLICY_DIR_IN] : NULL;
		has[MVT_POLICY_DIR_OUT] |= pol[MVT_POLICY_DIR_OUT][i] != NULL;
		has[MVT_POLICY_DIR_IN] |= pol[MVT_POLICY_DIR_IN][i] != NULL;
	}
	if (likely((has[MVT_POLICY_DIR_OUT] | has[MVT_POLICY_DIR_IN]) == 0))
		return;
	/* a super-frame costs what its segments will, headers and all */
	for (i = 0; i < n; i++)
		len[i] = mvt_offload_wire_len(pkts[i]);
	now = rte_rdtsc();
	/* the sender's budget first: what it may not send meets no other */
	if (has[MVT_POLICY_DIR_OUT])
		policy_pass(MVT_POLICY_DIR_OUT, worker, pol[MVT_POLICY_DIR_OUT],
			len, v, n, now);
	if (has[MVT_POLICY_DIR_IN])
		policy_pass(MVT_POLICY_DIR_IN, worker, pol[MVT_POLICY_DIR_IN],
			len, v, n, now);
}
