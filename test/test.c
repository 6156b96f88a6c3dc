/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * mvtap-test: runs the autotests named on the command line after "--",
 * or in the DPDK_TEST environment variable; "--list" prints them all.
 *
 *   DPDK_TEST=decide_autotest mvtap-test --no-huge -m 256 --no-pci
 *   mvtap-test --no-huge -m 256 --no-pci -- mactable_autotest
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_string_fns.h>

#include "test.h"

static TAILQ_HEAD(, mvt_test) tests = TAILQ_HEAD_INITIALIZER(tests);

void
mvt_test_register(struct mvt_test *t)
{
	TAILQ_INSERT_TAIL(&tests, t, next);
}

int
unit_test_suite_runner(struct unit_test_suite *suite)
{
	unsigned int ok = 0, failed = 0, skipped = 0;
	struct unit_test_case *tc;
	int ret;

	printf(" + ------------------------------------------------------- +\n");
	printf(" + Test Suite : %s\n", suite->suite_name);
	if (suite->setup != NULL && suite->setup() != 0) {
		printf(" + Suite setup failed\n");
		return TEST_FAILED;
	}
	for (tc = suite->unit_test_cases; tc->testcase != NULL; tc++) {
		ret = tc->setup != NULL ? tc->setup() : TEST_SUCCESS;
		if (ret == TEST_SUCCESS) {
			ret = tc->testcase();
			if (tc->teardown != NULL)
				tc->teardown();
		} else {
			printf(" + setup of %s failed\n", tc->name);
			ret = TEST_FAILED;
		}
		if (ret == TEST_SUCCESS)
			ok++;
		else if (ret == TEST_SKIPPED)
			skipped++;
		else
			failed++;
		printf(" + TestCase [%3u] : %s %s\n", ok + failed + skipped,
			tc->name, ret == TEST_SUCCESS ? "succeeded" :
			ret == TEST_SKIPPED ? "skipped" : "failed");
	}
	if (suite->teardown != NULL)
		suite->teardown();
	printf(" + Tests Total : %3u, Succeeded : %3u, Failed : %3u, Skipped : %3u\n",
		ok + failed + skipped, ok, failed, skipped);
	if (failed > 0)
		return TEST_FAILED;
	return ok == 0 && skipped > 0 ? TEST_SKIPPED : TEST_SUCCESS;
}

int
test_err_is(int ret, const char *err, const char *expected,
	const char *input)
{
	if (ret == -EINVAL && strcmp(err, expected) == 0)
		return 1;
	printf("  input:    %s\n  returned: %d (expected %d)\n"
		"  got:      \"%s\"\n  expected: \"%s\"\n",
		input, ret, -EINVAL, err, expected);
	return 0;
}

int
test_err_cases(const struct test_err_case *cases, unsigned int n,
	test_parse_t parse, char *err, size_t errlen)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		strlcpy(err, "(err untouched)", errlen);
		ret = parse(cases[i].input, err, errlen);
		if (!test_err_is(ret, err, cases[i].err, cases[i].input)) {
			printf("  (case %u)\n", i);
			return TEST_FAILED;
		}
	}
	return TEST_SUCCESS;
}

static int
run_one(const char *name)
{
	struct mvt_test *t;
	int ret;

	TAILQ_FOREACH(t, &tests, next) {
		if (strcmp(t->name, name) != 0)
			continue;
		ret = t->fn();
		printf("%s: %s\n", name, ret == TEST_SUCCESS ? "Test OK" :
			ret == TEST_SKIPPED ? "Test Skipped" : "Test Failed");
		return ret;
	}
	printf("%s: no such test (--list shows them)\n", name);
	return TEST_FAILED;
}

int
main(int argc, char **argv)
{
	const char *env = getenv("DPDK_TEST");
	struct mvt_test *t;
	int i, n, ret = TEST_SUCCESS, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0) {
			TAILQ_FOREACH(t, &tests, next)
				printf("%s\n", t->name);
			return 0;
		}
	}
	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "mvtap-test: EAL initialisation failed\n");
		return 1;
	}
	argc -= n;
	argv += n;
	if (argc <= 1 && (env == NULL || env[0] == '\0')) {
		fprintf(stderr, "mvtap-test: name a test (DPDK_TEST=name or -- name)\n");
		rte_eal_cleanup();
		return 1;
	}
	if (argc <= 1) {
		ret = run_one(env);
	} else {
		for (i = 1; i < argc; i++) {
			r = run_one(argv[i]);
			if (r == TEST_FAILED || (r == TEST_SKIPPED && ret == TEST_SUCCESS))
				ret = r;
		}
	}
	rte_eal_cleanup();
	return ret == TEST_FAILED ? 1 : ret;
}
