/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_POLICY_STAGE_H
#define MVT_POLICY_STAGE_H

/**
 * @file
 * The policy stage of the pipeline: classification and the decision said
 * where each frame of a burst may go; this stage says whether it may. A
 * frame from a spoofchk endpoint must carry the endpoint's MAC and may not
 * be a link-local control frame; then the sender's "out" policy and the
 * destination's "in" policy meter it. A frame dropped here gets its reason
 * in its verdict, and dispatch charges it to the ingress port.
 */

#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>

#include "mvt_decide.h"
#include "mvt_policy.h"

/** The stage's work, when it has any (see mvt_policy_stage()). */
void mvt_policy_stage_run(const struct mvt_ep_table *t, uint16_t ingress,
	uint16_t worker, struct rte_mbuf **pkts, const struct mvt_cls *c,
	struct mvt_verdict *v, uint16_t n);

/**
 * Run the policy stage on the @p n frames of a burst from @p ingress,
 * classified in @p c, with verdicts @p v; @p worker is the worker's index
 * (its meter shard). Inline: with no policy and no spoofchk sender it
 * costs two loads per burst.
 */
static inline void
mvt_policy_stage(const struct mvt_ep_table *t, uint16_t ingress,
	uint16_t worker, struct rte_mbuf **pkts, const struct mvt_cls *c,
	struct mvt_verdict *v, uint16_t n)
{
	if (likely(!t->has_policies) && (ingress >= MVT_MAX_ENDPOINTS ||
			!t->ep[ingress].spoofchk))
		return;
	mvt_policy_stage_run(t, ingress, worker, pkts, c, v, n);
}

#endif /* MVT_POLICY_STAGE_H */
