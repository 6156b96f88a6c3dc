/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * MAC table: add, delete, listers, bulk lookup with a mixed hit mask, a
 * full table, slot reuse while a worker lcore keeps looking up, and
 * removals with the heap exhausted.
 */

#include <errno.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "mvt_mactable.h"
#include "test.h"

#define MAC(n) (UINT64_C(0x0000000000aa02) | (uint64_t)(n) << 24)

static struct mvt_mactable *mt;
static struct rte_rcu_qsbr *qsbr;

static int
mt_setup(void)
{
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);

	qsbr = rte_zmalloc("qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (qsbr == NULL || rte_rcu_qsbr_init(qsbr, RTE_MAX_LCORE) != 0)
		return -1;
	mt = mvt_mactable_create("mt_test", 64, SOCKET_ID_ANY, qsbr);
	return mt == NULL ? -1 : 0;
}

static void
mt_teardown(void)
{
	mvt_mactable_free(mt);
	mt = NULL;
	rte_free(qsbr);
	qsbr = NULL;
}

static int
test_owner_add_del(void)
{
	const struct mvt_mac_entry *e;

	TEST_ASSERT_NULL(mvt_mactable_lookup(mt, MAC(1)), "empty table");
	TEST_ASSERT_SUCCESS(mvt_mactable_set_owner(mt, MAC(1), 7), "add");
	e = mvt_mactable_lookup(mt, MAC(1));
	TEST_ASSERT_NOT_NULL(e, "added MAC not found");
	TEST_ASSERT_EQUAL(e->owner, 7, "owner");
	TEST_ASSERT_EQUAL(e->n_listers, 0, "no listers");
	TEST_ASSERT_EQUAL(mvt_mactable_set_owner(mt, MAC(1), 8), -EEXIST,
		"a second owner is refused");
	TEST_ASSERT_SUCCESS(mvt_mactable_set_owner(mt, MAC(1), 7), "idempotent");
	TEST_ASSERT_EQUAL(mvt_mactable_count(mt), 1, "count");
	/* a guest that moved: the MAC goes to its new endpoint, and back */
	TEST_ASSERT_SUCCESS(mvt_mactable_move_owner(mt, MAC(1), 8), "move");
	TEST_ASSERT_EQUAL(mvt_mactable_lookup(mt, MAC(1))->owner, 8, "moved");
	TEST_ASSERT_SUCCESS(mvt_mactable_move_owner(mt, MAC(1), 7), "back");
	TEST_ASSERT_EQUAL(mvt_mactable_lookup(mt, MAC(1))->owner, 7, "back");
	TEST_ASSERT_EQUAL(mvt_mactable_count(mt), 1, "count after moves");
	/* clearing for an endpoint that does not own it changes nothing */
	TEST_ASSERT_SUCCESS(mvt_mactable_clear_owner(mt, MAC(1), 8), "clear other");
	TEST_ASSERT_NOT_NULL(mvt_mactable_lookup(mt, MAC(1)), "still there");
	TEST_ASSERT_SUCCESS(mvt_mactable_clear_owner(mt, MAC(1), 7), "clear");
	TEST_ASSERT_NULL(mvt_mactable_lookup(mt, MAC(1)), "deleted");
	TEST_ASSERT_EQUAL(mvt_mactable_count(mt), 0, "count after delete");
	return TEST_SUCCESS;
}

static int
test_listers(void)
{
	const struct mvt_mac_entry *e;
	uint16_t i;

	TEST_ASSERT_SUCCESS(mvt_mactable_add_lister(mt, MAC(2), 3), "add 3");
	TEST_ASSERT_SUCCESS(mvt_mactable_add_lister(mt, MAC(2), 3), "again");
	TEST_ASSERT_SUCCESS(mvt_mactable_add_lister(mt, MAC(2), 4), "add 4");
	TEST_ASSERT_SUCCESS(mvt_mactable_set_owner(mt, MAC(2), 9), "owner");
	e = mvt_mactable_lookup(mt, MAC(2));
	TEST_ASSERT_NOT_NULL(e, "entry");
	TEST_ASSERT_EQUAL(e->owner, 9, "owner kept beside listers");
	TEST_ASSERT_EQUAL(e->n_listers, 2, "two listers");
	TEST_ASSERT(e->listers[0] == 3 && e->listers[1] == 4, "lister ids");
	TEST_ASSERT_SUCCESS(mvt_mactable_del_lister(mt, MAC(2), 3), "del 3");
	TEST_ASSERT_SUCCESS(mvt_mactable_del_lister(mt, MAC(2), 3), "del absent");
	e = mvt_mactable_lookup(mt, MAC(2));
	TEST_ASSERT(e->n_listers == 1 && e->listers[0] == 4, "4 remains");
	TEST_ASSERT_SUCCESS(mvt_mactable_clear_owner(mt, MAC(2), 9), "owner off");
	TEST_ASSERT_NOT_NULL(mvt_mactable_lookup(mt, MAC(2)), "lister keeps key");
	TEST_ASSERT_SUCCESS(mvt_mactable_del_lister(mt, MAC(2), 4), "del 4");
	TEST_ASSERT_NULL(mvt_mactable_lookup(mt, MAC(2)), "empty entry removed");

	for (i = 0; i < MVT_SRC_LISTERS_MAX; i++)
		TEST_ASSERT_SUCCESS(mvt_mactable_add_lister(mt, MAC(3), i), "fill");
	TEST_ASSERT_EQUAL(mvt_mactable_add_lister(mt, MAC(3), 100), -ENOSPC,
		"listers are bounded");
	return TEST_SUCCESS;
}

/* Take every byte of the heap; returns how many blocks it took. */
#define HOG_MAX 4096
static void *hog[HOG_MAX];

static unsigned int
heap_exhaust(void)
{
	unsigned int n = 0;
	size_t sz;

	for (sz = (size_t)64 << 20; sz >= 8 && n < HOG_MAX; ) {
		hog[n] = rte_malloc(NULL, sz, 0);
		if (hog[n] != NULL)
			n++;
		else
			sz /= 2;
	}
	return n;
}

static void
heap_release(unsigned int n)
{
	while (n-- > 0)
		rte_free(hog[n]);
}

/*
 * Removals do not fail for lack of memory: an endpoint, a lister or a
 * policy taken out halfway would leave the table pointing at a reused
 * slot or a freed policy.
 */
static int
test_removal_without_memory(void)
{
	struct mvt_policy *pol = (struct mvt_policy *)&hog; /* a tag only */
	const struct mvt_mac_entry *e;
	unsigned int n;
	int r[5];

	TEST_ASSERT_SUCCESS(mvt_mactable_set_owner(mt, MAC(7), 1), "owner");
	TEST_ASSERT_SUCCESS(mvt_mactable_add_lister(mt, MAC(7), 2), "lister 2");
	TEST_ASSERT_SUCCESS(mvt_mactable_add_lister(mt, MAC(7), 3), "lister 3");
	TEST_ASSERT_SUCCESS(mvt_mactable_set_policy(mt, MAC(8), 0, pol),
		"policy");
	TEST_ASSERT_SUCCESS(mvt_mactable_set_owner(mt, MAC(8), 4), "owner 8");
	n = heap_exhaust();
	r[0] = mvt_mactable_add_lister(mt, MAC(9), 5);
	r[1] = mvt_mactable_del_lister(mt, MAC(7), 2);
	r[2] = mvt_mactable_del_lister(mt, MAC(7), 3);
	r[3] = mvt_mactable_set_policy(mt, MAC(8), 0, NULL);
	r[4] = mvt_mactable_clear_owner(mt, MAC(8), 4);
	heap_release(n);
	TEST_ASSERT_EQUAL(r[0], -ENOMEM, "an addition may fail (%u blocks)", n);
	TEST_ASSERT_SUCCESS(r[1], "remove a lister, entry kept");
	TEST_ASSERT_SUCCESS(r[2], "remove the last lister, entry kept");
	TEST_ASSERT_SUCCESS(r[3], "detach a policy, entry kept");
	TEST_ASSERT_SUCCESS(r[4], "clear the owner, entry removed");
	e = mvt_mactable_lookup(mt, MAC(7));
	TEST_ASSERT(e != NULL && e->owner == 1 && e->n_listers == 0,
		"MAC 7: its owner only");
	TEST_ASSERT_NULL(mvt_mactable_lookup(mt, MAC(8)), "MAC 8 gone");
	TEST_ASSERT_SUCCESS(mvt_mactable_clear_owner(mt, MAC(7), 1), "clean");
	return TEST_SUCCESS;
}

static int
test_bulk_lookup(void)
{
	const struct mvt_mac_entry *out[MVT_MACTABLE_BULK_MAX];
	uint64_t keys[MVT_MACTABLE_BULK_MAX];
	unsigned int i, hits;

	for (i = 0; i < 32; i++)
		TEST_ASSERT_SUCCESS(mvt_mactable_set_owner(mt, MAC(100 + i), i),
			"add %u", i);
	/* even slots hit, odd slots miss */
	for (i = 0; i < MVT_MACTABLE_BULK_MAX; i++)
		keys[i] = i % 2 == 0 ? MAC(100 + i / 2) : MAC(1000 + i);
	hits = mvt_mactable_lookup_bulk(mt, keys, MVT_MACTABLE_BULK_MAX, out);
	TEST_ASSERT_EQUAL(hits, 32, "hits");
	for (i = 0; i < MVT_MACTABLE_BULK_MAX; i++) {
		if (i % 2 == 1) {
			TEST_ASSERT_NULL(out[i], "slot %u should miss", i);
			continue;
		}
		TEST_ASSERT_NOT_NULL(out[i], "slot %u should hit", i);
		TEST_ASSERT_EQUAL(out[i]->owner, i / 2, "slot %u owner", i);
	}
	hits = mvt_mactable_lookup_bulk(mt, keys, 3, out);
	TEST_ASSERT_EQUAL(hits, 2, "partial burst");
	return TEST_SUCCESS;
}

static int
test_full_table(void)
{
	uint32_t i, cap = mvt_mactable_capacity(mt);

	for (i = 0; i < cap; i++)
		TEST_ASSERT_SUCCESS(mvt_mactable_set_owner(mt, MAC(200 + i),
			(uint16_t)i), "add %u of %u", i, cap);
	TEST_ASSERT_EQUAL(mvt_mactable_set_owner(mt, MAC(999), 1), -ENOSPC,
		"full table refuses a new MAC");
	TEST_ASSERT_EQUAL(mvt_mactable_add_lister(mt, MAC(999), 1), -ENOSPC,
		"and a new lister key");
	TEST_ASSERT_SUCCESS(mvt_mactable_clear_owner(mt, MAC(200), 0), "free one");
	TEST_ASSERT_SUCCESS(mvt_mactable_set_owner(mt, MAC(999), 1),
		"the freed slot is reused");
	TEST_ASSERT_EQUAL(mvt_mactable_count(mt), cap, "count");
	return TEST_SUCCESS;
}

/*
 * A reader lcore looks up a fixed set of keys in a loop and checks that
 * every entry it sees is one the writer published for that key (owner =
 * key's index, or absent), reporting quiescence after each burst. The
 * writer keeps deleting and re-adding keys, reusing slots and freeing
 * entries. A reader that saw a freed (poisoned) or recycled entry fails.
 */
#define RACE_KEYS 32
static volatile int race_stop;
static uint64_t race_lookups;
static uint64_t race_errors;

static int
race_reader(void *arg __rte_unused)
{
	const struct mvt_mac_entry *out[RACE_KEYS];
	uint64_t keys[RACE_KEYS];
	unsigned int i, id = rte_lcore_id();

	for (i = 0; i < RACE_KEYS; i++)
		keys[i] = MAC(300 + i);
	rte_rcu_qsbr_thread_register(qsbr, id);
	rte_rcu_qsbr_thread_online(qsbr, id);
	while (!race_stop) {
		mvt_mactable_lookup_bulk(mt, keys, RACE_KEYS, out);
		for (i = 0; i < RACE_KEYS; i++)
			if (out[i] != NULL && (out[i]->owner != i ||
					out[i]->n_listers > 1))
				race_errors++;
		race_lookups++;
		rte_rcu_qsbr_quiescent(qsbr, id);
	}
	rte_rcu_qsbr_thread_offline(qsbr, id);
	rte_rcu_qsbr_thread_unregister(qsbr, id);
	return 0;
}

static int
test_reuse_under_lookups(void)
{
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	unsigned int round, i;

	if (worker >= RTE_MAX_LCORE) {
		printf("needs a second lcore (-l 0-1)\n");
		return TEST_SKIPPED;
	}
	race_stop = 0;
	race_lookups = 0;
	race_errors = 0;
	rte_eal_remote_launch(race_reader, NULL, worker);
	for (round = 0; round < 200; round++) {
		for (i = 0; i < RACE_KEYS; i++) {
			if (mvt_mactable_set_owner(mt, MAC(300 + i), i) != 0)
				race_errors++;
			/* a copy-on-write update while readers look */
			if (mvt_mactable_add_lister(mt, MAC(300 + i), 1) != 0)
				race_errors++;
		}
		for (i = 0; i < RACE_KEYS; i++) {
			if (mvt_mactable_del_lister(mt, MAC(300 + i), 1) != 0 ||
					mvt_mactable_clear_owner(mt, MAC(300 + i), i) != 0)
				race_errors++;
		}
	}
	race_stop = 1;
	rte_eal_wait_lcore(worker);
	printf("reader made %" PRIu64 " bulk lookups\n", race_lookups);
	TEST_ASSERT(race_lookups > 0, "the reader never ran");
	TEST_ASSERT_EQUAL(race_errors, 0, "inconsistent entries seen");
	TEST_ASSERT_EQUAL(mvt_mactable_count(mt), 0, "all keys deleted");
	return TEST_SUCCESS;
}

static struct unit_test_suite mactable_suite = {
	.suite_name = "MAC table",
	.unit_test_cases = {
		TEST_CASE_ST(mt_setup, mt_teardown, test_owner_add_del),
		TEST_CASE_ST(mt_setup, mt_teardown, test_listers),
		TEST_CASE_ST(mt_setup, mt_teardown, test_bulk_lookup),
		TEST_CASE_ST(mt_setup, mt_teardown, test_full_table),
		TEST_CASE_ST(mt_setup, mt_teardown, test_reuse_under_lookups),
		TEST_CASE_ST(mt_setup, mt_teardown,
			test_removal_without_memory),
		TEST_CASES_END()
	}
};

static int
test_mactable(void)
{
	return unit_test_suite_runner(&mactable_suite);
}

REGISTER_TEST_COMMAND(mactable_autotest, test_mactable);
