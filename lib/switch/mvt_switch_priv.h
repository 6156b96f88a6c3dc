/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_SWITCH_PRIV_H
#define MVT_SWITCH_PRIV_H

/*
 * The switch's state, shared by the files of the switch module only
 * (mvt_switch.c builds and runs it), and with lib/telemetry, which
 * reports it.
 */

#include <pthread.h>
#include <string.h>

#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "mvt_capture.h"
#include "mvt_capture_conf.h"
#include "mvt_conf.h"
#include "mvt_decide.h"
#include "mvt_dp.h"
#include "mvt_mactable.h"
#include "mvt_mirror.h"
#include "mvt_policy.h"
#include "mvt_port.h"
#include "mvt_stats.h"
#include "mvt_switch.h"
#include "mvt_worker.h"

/*
 * A segment: what one lower carries. Its workers are run by the loops of
 * seg[0]'s (mvt_worker_add_segment()); its lower is the device itself or,
 * for a further lower of the same device (VLAN lowers), a port that shares
 * it (mvt_port_open_shared()).
 */
struct mvt_switch_seg {
	struct mvt_dp dp;
	struct mvt_port lower;		/* dp.lower points at it */
	struct mvt_port host;		/* dp.host, when configured */
	unsigned int dev_owner;		/* the segment that opened the device */
	struct mvt_worker *workers[MVT_MAX_WORKERS];
	struct mvt_lcore_stats *stats[MVT_MAX_WORKERS];
};

struct mvt_switch {
	/* serialises every control operation and report */
	pthread_mutex_t ctl;
	/*
	 * conf.ep[] are endpoint slots: a free slot has an empty name and
	 * conf.n_endpoints is one past the highest slot in use. A slot's id
	 * is the endpoint id everywhere (table, MAC table, vhost, counters).
	 */
	struct mvt_conf conf;
	/*
	 * One segment per lower (conf.lowers[i] is seg[i]). seg[0].dp holds
	 * what all segments share: the ports, the pool and the RCU variable
	 * (mvt_dp_init()); each seg[i].dp has its own published endpoint
	 * table, in which only its endpoints are used slots, and MAC table.
	 * Only the control thread, holding ctl, replaces a dp.tbl.
	 */
	struct mvt_switch_seg seg[MVT_LOWERS_MAX];
	unsigned int n_segs;
	uint64_t tsc_hz;		/* measured at start: see measure_tsc_hz() */
	unsigned int nb_workers;
	unsigned int running;
	/* counters of a slot when its endpoint was added: reads subtract */
	struct mvt_port_counters base[MVT_MAX_ENDPOINTS];
	/*
	 * Policies: conf.policy[i] is slot i (mac 0: free), pol[i] its
	 * meter state, attached to its MAC in the MAC table.
	 */
	struct mvt_policy *pol[MVT_POLICIES_MAX];
	/* which worker polls each endpoint queue pair */
	uint8_t assign[MVT_MAX_ENDPOINTS][MVT_QUEUES_MAX];
	uint8_t assign_prev[MVT_MAX_ENDPOINTS][MVT_QUEUES_MAX];	/* rebalance */
	/*
	 * Load, sampled by mvt_switch_sample(): busy cycles per second of
	 * each worker and frames per second received from each endpoint,
	 * over the last sampling interval.
	 */
	uint64_t sample_tsc;
	uint64_t last_busy[MVT_MAX_WORKERS];
	uint64_t busy_rate[MVT_MAX_WORKERS];
	uint64_t last_rx[MVT_MAX_ENDPOINTS];
	uint64_t rx_rate[MVT_MAX_ENDPOINTS];
	/*
	 * Shared MACs (standby=1): some endpoint has the key, and each
	 * endpoint's guest connections that mvt_switch_follow_guests() has
	 * seen.
	 */
	uint8_t has_standby;
	uint64_t seen_connects[MVT_MAX_ENDPOINTS];
	/* captures: cap[i] NULL is a free slot; its port holds the pointer */
	struct mvt_switch_capture {
		struct mvt_capture *cap;
		struct mvt_port *port;
		struct mvt_capture_conf conf;
		uint64_t done_tsc;	/* when the reaper saw it done */
	} captures[MVT_SWITCH_CAPTURES_MAX];
	/* mirrors: mirror[i] NULL is a free slot; i is the mirror's id */
	struct mvt_mirror *mirror[MVT_MIRRORS_MAX];
	struct mvt_mirror_conf mirror_conf[MVT_MIRRORS_MAX];
	struct mvt_port *mirror_src[MVT_MIRRORS_MAX][MVT_MIRROR_SRC_MAX];
};

/* The segment of endpoint slot @p id (its lower's index). */
static inline unsigned int
mvt_switch_ep_seg(const struct mvt_switch *sw, uint16_t id)
{
	int s = mvt_conf_ep_lower(&sw->conf, &sw->conf.ep[id]);

	return s < 0 ? 0 : (unsigned int)s;
}

/* The ethdev of segment @p s's device: its MAC filter, promiscuity. */
static inline struct mvt_ethdev *
mvt_switch_seg_eth(struct mvt_switch *sw, unsigned int s)
{
	return &sw->seg[sw->seg[s].dev_owner].lower.eth;
}

static inline int
mvt_switch_slot_used(const struct mvt_switch *sw, uint16_t id)
{
	return sw->conf.ep[id].name[0] != '\0';
}

/* The slot of the endpoint named @p name, or -1. */
static inline int
mvt_switch_ep_find(const struct mvt_switch *sw, const char *name)
{
	uint16_t id;

	for (id = 0; id < sw->conf.n_endpoints; id++)
		if (mvt_switch_slot_used(sw, id) &&
				strcmp(sw->conf.ep[id].name, name) == 0)
			return id;
	return -1;
}

/*
 * Stop the capture of @p port, if any, and wait for the workers first
 * (mvt_switch_capture.c). The caller holds the control lock; the port is
 * about to close or to be reused.
 */
void mvt_switch_capture_drop_port(struct mvt_switch *sw, struct mvt_port *port);

/*
 * The port named @p name: an endpoint, "lower", or "host" when there is a
 * host port; NULL if none. A description for captures goes to @p descr
 * (NULL and 0: none wanted).
 */
struct mvt_port *mvt_switch_port_named(struct mvt_switch *sw,
	const char *name, char *descr, size_t len);

/*
 * Remove every mirror that @p port is a source or the destination of,
 * waiting for the workers (mvt_switch_mirror.c); under the control lock.
 */
void mvt_switch_mirror_drop_port(struct mvt_switch *sw, struct mvt_port *port);

/* Add mirror @p mc: mvt_switch_add_mirror() once the SPEC is parsed. */
int mvt_switch_mirror_add_conf(struct mvt_switch *sw,
	const struct mvt_mirror_conf *mc, char *err, size_t errlen);

/*
 * Test seam: the control-path steps that fail only when memory runs out,
 * made to fail on demand so that tests can check what such a failure
 * leaves behind. mvt_switch_fail_at(step, n) makes the n-th next attempt
 * of @p step fail as an allocation failure would (n = 0: never). Only
 * mvtap-test calls it; it is not thread-safe.
 */
enum mvt_switch_step {
	MVT_STEP_POLICY_CREATE,	/**< a policy's meters (mvt_policy_create) */
	MVT_STEP_POLL_LIST,	/**< one worker's poll list */
	MVT_STEP_TABLE_COPY,	/**< a copy of the endpoint table */
	MVT_STEP_MAX,
};

void mvt_switch_fail_at(enum mvt_switch_step step, unsigned int n);

/*
 * Shared by the files of the switch: mvt_switch.c (lifecycle, load,
 * placement), mvt_switch_ep.c (endpoints), mvt_switch_policy.c
 * (policies), mvt_switch_publish.c (tables and poll lists) and
 * mvt_switch_report.c (counters). Control lock held, except at creation.
 */
/*
 * The poll lists a change publishes: the final ones, and the hand-over
 * ones published first, which hold only the queues each worker polls now
 * and goes on polling.
 */
struct mvt_switch_poll_lists {
	struct mvt_poll_list *next[MVT_MAX_WORKERS];
	struct mvt_poll_list *handover[MVT_MAX_WORKERS];
	unsigned int moved;	/**< queues going to another worker */
};

/* mvt_switch_fail_at(): whether this attempt at @p step fails */
int mvt_switch_step_fails(enum mvt_switch_step step);

/* mvt_switch_publish.c: endpoint tables and poll lists */
struct mvt_ep_table *mvt_switch_table_copy(const struct mvt_switch *sw,
	unsigned int seg);
struct mvt_ep_table *mvt_switch_table_prepare(const struct mvt_switch *sw,
	unsigned int seg, char *err, size_t errlen);
void mvt_switch_table_publish(struct mvt_switch *sw, unsigned int seg,
	struct mvt_ep_table *t);
int mvt_switch_tables_prepare(const struct mvt_switch *sw,
	struct mvt_ep_table **t, char *err, size_t errlen);
void mvt_switch_tables_publish(struct mvt_switch *sw,
	struct mvt_ep_table **t);
void mvt_switch_tables_free(const struct mvt_switch *sw,
	struct mvt_ep_table **t);
int mvt_switch_polls_build(const struct mvt_switch *sw, uint16_t skip,
	struct mvt_switch_poll_lists *pl);
void mvt_switch_polls_commit(struct mvt_switch *sw,
	struct mvt_switch_poll_lists *pl);
/* Each endpoint's queue pairs' pollers, for the hand-over (mvt_port.h). */
void mvt_switch_rx_owners_publish(struct mvt_switch *sw);
int mvt_switch_polls_publish(struct mvt_switch *sw);

/* mvt_switch.c: placement */
void mvt_switch_assign_new(struct mvt_switch *sw, uint16_t id, uint16_t upto);

/* mvt_switch_ep.c: endpoints */
void mvt_switch_ep_state(struct mvt_ep_table *t, uint16_t id,
	const struct mvt_endpoint_conf *ec, uint64_t lower_mac);
int mvt_switch_ep_link(struct mvt_switch *sw, uint16_t id,
	const struct mvt_ep_state *e, char *err, size_t errlen);
int mvt_switch_ep_open(struct mvt_switch *sw, uint16_t id, uint64_t mac,
	char *err, size_t errlen);
/* The other endpoint that shares @p mac with endpoint @p id, or none. */
uint16_t mvt_switch_mac_sharer(const struct mvt_switch *sw, uint16_t id,
	uint64_t mac);
/* Shared MACs go to the endpoint whose guest connected last. */
void mvt_switch_follow_guests(struct mvt_switch *sw);

/* mvt_switch_policy.c: policies */
int mvt_switch_policy_attach(struct mvt_switch *sw, unsigned int i, char *err,
	size_t errlen);
int mvt_switch_policy_new(struct mvt_switch *sw,
	const struct mvt_policy_conf *pc, char *err, size_t errlen);
void mvt_switch_policy_detach_endpoint(struct mvt_switch *sw,
	const struct mvt_endpoint_conf *ec, uint64_t mac);

/* mvt_switch_report.c: counters */
void mvt_switch_port_counters_raw(const struct mvt_switch *sw,
	unsigned int port, struct mvt_port_counters *out);

#endif /* MVT_SWITCH_PRIV_H */
