/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "mvt_log.h"
#include "mvt_pool.h"
#include "mvt_switch_priv.h"

/*
 * Publishing: a new endpoint table or poll list is built aside, stored with
 * release semantics, and the old one is freed only after every worker has
 * passed a quiescent state. Control operations hold sw->ctl, so there is
 * one writer.
 */
struct mvt_ep_table *
mvt_switch_table_copy(const struct mvt_switch *sw, unsigned int seg)
{
	struct mvt_ep_table *t;

	if (mvt_switch_step_fails(MVT_STEP_TABLE_COPY))
		return NULL;
	t = rte_malloc("mvtap_eps", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t != NULL)
		memcpy(t, sw->seg[seg].dp.tbl, sizeof(*t));
	return t;
}

static void
table_fix(const struct mvt_switch *sw, struct mvt_ep_table *t)
{
	unsigned int i, n = 0, n_out = 0;

	for (i = 0; i < sw->conf.n_policies; i++) {
		if (sw->pol[i] == NULL)
			continue;
		n++;
		if (sw->conf.policy[i].dir != MVT_POLICY_DIR_IN)
			n_out++;
	}
	t->n_eps = sw->conf.n_endpoints;
	mvt_ep_table_derive(t, n, n_out);
}

void
mvt_switch_table_publish(struct mvt_switch *sw, unsigned int seg,
	struct mvt_ep_table *t)
{
	struct mvt_ep_table *old = sw->seg[seg].dp.tbl;

	table_fix(sw, t);
	__atomic_store_n(&sw->seg[seg].dp.tbl, t, __ATOMIC_RELEASE);
	if (old != t) {
		rte_rcu_qsbr_synchronize(sw->seg[0].dp.qsbr, RTE_QSBR_THRID_INVALID);
		rte_free(old);
	}
}

/*
 * A copy of the table to publish unchanged after a change made elsewhere
 * (MAC table, policies), so that what table_fix() derives (source lists,
 * policies by source) follows it. Taken before the change: once the change
 * is made, its publication cannot fail. @return the copy, or NULL with
 * the error said.
 */
struct mvt_ep_table *
mvt_switch_table_prepare(const struct mvt_switch *sw, unsigned int seg,
	char *err, size_t errlen)
{
	struct mvt_ep_table *t = mvt_switch_table_copy(sw, seg);

	if (t == NULL)
		snprintf(err, errlen, "out of memory");
	return t;
}

/*
 * A fresh copy of every segment's table, for what they all derive from
 * the switch (the policies): made before the change, so that a failure
 * changes nothing, and published after it.
 */
int
mvt_switch_tables_prepare(const struct mvt_switch *sw,
	struct mvt_ep_table **t, char *err, size_t errlen)
{
	unsigned int s;

	for (s = 0; s < sw->n_segs; s++) {
		t[s] = mvt_switch_table_prepare(sw, s, err, errlen);
		if (t[s] == NULL) {
			while (s-- > 0)
				rte_free(t[s]);
			return -ENOMEM;
		}
	}
	return 0;
}

void
mvt_switch_tables_publish(struct mvt_switch *sw, struct mvt_ep_table **t)
{
	unsigned int s;

	for (s = 0; s < sw->n_segs; s++)
		mvt_switch_table_publish(sw, s, t[s]);
}

void
mvt_switch_tables_free(const struct mvt_switch *sw, struct mvt_ep_table **t)
{
	unsigned int s;

	for (s = 0; s < sw->n_segs; s++)
		rte_free(t[s]);
}

static void
poll_lists_free(const struct mvt_switch *sw, struct mvt_switch_poll_lists *pl)
{
	unsigned int w;

	for (w = 0; w < sw->nb_workers; w++) {
		rte_free(pl->next[w]);
		rte_free(pl->handover[w]);
	}
}

/*
 * Build every worker's poll lists from sw->assign, for the slots in use
 * other than @p skip (MVT_EP_NONE: none), without publishing anything.
 * A change builds its lists before it changes anything else, so that
 * running out of memory here fails the change while nothing is done yet,
 * and the publication after the other steps cannot fail.
 * @return 0, or -ENOMEM with nothing allocated.
 */
int
mvt_switch_polls_build(const struct mvt_switch *sw, uint16_t skip,
	struct mvt_switch_poll_lists *pl)
{
	uint8_t owner[MVT_MAX_ENDPOINTS][MVT_QUEUES_MAX], o;
	const struct mvt_poll_list *cur;
	struct mvt_worker_info wi;
	struct mvt_poll_list *h;
	unsigned int w, max = 0;
	uint16_t id, qp, i;

	memset(pl, 0, sizeof(*pl));
	for (id = 0; id < sw->conf.n_endpoints; id++)
		if (id != skip && mvt_switch_slot_used(sw, id))
			max += sw->conf.ep[id].queues;
	for (w = 0; w < sw->nb_workers; w++) {
		if (!mvt_switch_step_fails(MVT_STEP_POLL_LIST)) {
			pl->next[w] = mvt_poll_list_alloc(max);
			pl->handover[w] = mvt_poll_list_alloc(max);
		}
		if (pl->next[w] == NULL || pl->handover[w] == NULL) {
			poll_lists_free(sw, pl);
			return -ENOMEM;
		}
	}
	for (id = 0; id < sw->conf.n_endpoints; id++) {
		if (id == skip || !mvt_switch_slot_used(sw, id))
			continue;
		for (qp = 0; qp < sw->conf.ep[id].queues; qp++) {
			w = sw->assign[id][qp];
			pl->next[w]->p[pl->next[w]->n].ep = id;
			pl->next[w]->p[pl->next[w]->n].qp = qp;
			pl->next[w]->p[pl->next[w]->n].seg =
				(uint16_t)mvt_switch_ep_seg(sw, id);
			pl->next[w]->n++;
		}
	}
	/* who polls each queue now (0: nobody) */
	memset(owner, 0, sizeof(owner));
	for (w = 0; w < sw->nb_workers; w++) {
		cur = NULL;
		if (sw->seg[0].workers[w] != NULL) {
			mvt_worker_get_info(sw->seg[0].workers[w], &wi);
			cur = wi.polls;
		}
		for (i = 0; cur != NULL && i < cur->n; i++)
			owner[cur->p[i].ep][cur->p[i].qp] = (uint8_t)(w + 1);
	}
	for (w = 0; w < sw->nb_workers; w++) {
		h = pl->handover[w];
		for (i = 0; i < pl->next[w]->n; i++) {
			o = owner[pl->next[w]->p[i].ep][pl->next[w]->p[i].qp];
			if (o == w + 1)
				h->p[h->n++] = pl->next[w]->p[i];
			else if (o != 0)
				pl->moved++;
		}
	}
	return 0;
}

/* Publish @p lists, then free the ones they replace. */
static void
polls_swap(struct mvt_switch *sw, struct mvt_poll_list **lists)
{
	struct mvt_poll_list *old[MVT_MAX_WORKERS];
	unsigned int w;

	for (w = 0; w < sw->nb_workers; w++)
		old[w] = mvt_worker_set_polls(sw->seg[0].workers[w], lists[w]);
	rte_rcu_qsbr_synchronize(sw->seg[0].dp.qsbr, RTE_QSBR_THRID_INVALID);
	for (w = 0; w < sw->nb_workers; w++)
		rte_free(old[w]);
}

/*
 * Publish the lists of mvt_switch_polls_build(). A queue that moves to another
 * worker is first polled by nobody (the hand-over lists) until its old
 * worker has left it:
 * never two workers on one queue, which would reorder the guest's frames
 * and the count of what librte_vhost discarded (mvt_vhost_rx_burst).
 */
/*
 * Tell each endpoint which worker now polls each of its queue pairs: for
 * a guest with fewer queue pairs than workers, the one that fills that
 * pair's receive queue, the others handing it their frames
 * (mvt_port_tx_worker()). Frames handed to the worker that polled it
 * before still reach the guest, through librte_vhost's lock.
 */
void
mvt_switch_rx_owners_publish(struct mvt_switch *sw)
{
	uint16_t id, qp;

	for (id = 0; id < sw->conf.n_endpoints; id++) {
		if (!mvt_switch_slot_used(sw, id))
			continue;
		for (qp = 0; qp < sw->conf.ep[id].queues; qp++)
			mvt_port_set_rx_owner(&sw->seg[0].dp.ports[id], qp,
				sw->assign[id][qp]);
	}
}

void
mvt_switch_polls_commit(struct mvt_switch *sw, struct mvt_switch_poll_lists *pl)
{
	unsigned int w;

	if (pl->moved > 0) {
		polls_swap(sw, pl->handover);
	} else {
		/* queues kept or new only: one publication is enough */
		for (w = 0; w < sw->nb_workers; w++)
			rte_free(pl->handover[w]);
	}
	polls_swap(sw, pl->next);
	mvt_switch_rx_owners_publish(sw);
}

/* Publish every worker's poll list from sw->assign. */
int
mvt_switch_polls_publish(struct mvt_switch *sw)
{
	struct mvt_switch_poll_lists pl;

	if (mvt_switch_polls_build(sw, MVT_EP_NONE, &pl) != 0)
		return -ENOMEM;
	mvt_switch_polls_commit(sw, &pl);
	return 0;
}
