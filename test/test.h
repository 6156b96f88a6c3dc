/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_TEST_H
#define MVT_TEST_H

/**
 * @file
 * The mvtap-test framework, shaped after DPDK's app/test: named autotests
 * registered at build time by constructor, suites of cases with setup and
 * teardown, and TEST_ASSERT macros that name the failing file and line.
 */

#include <stddef.h>
#include <stdio.h>
#include <sys/queue.h>

#include <rte_common.h>

#define TEST_SUCCESS 0
#define TEST_FAILED (-1)
#define TEST_SKIPPED 77

#define TEST_ASSERT(cond, msg, ...) do { \
	if (!(cond)) { \
		printf("TestCase %s() line %d failed: " msg "\n", \
			__func__, __LINE__, ##__VA_ARGS__); \
		return TEST_FAILED; \
	} \
} while (0)

#define TEST_ASSERT_EQUAL(a, b, msg, ...) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) { \
		printf("TestCase %s() line %d failed: %s == %lld, expected %lld: " \
			msg "\n", __func__, __LINE__, #a, a_, b_, \
			##__VA_ARGS__); \
		return TEST_FAILED; \
	} \
} while (0)

#define TEST_ASSERT_SUCCESS(val, msg, ...) TEST_ASSERT_EQUAL(val, 0, msg, ##__VA_ARGS__)
#define TEST_ASSERT_NULL(p, msg, ...) TEST_ASSERT((p) == NULL, msg, ##__VA_ARGS__)
#define TEST_ASSERT_NOT_NULL(p, msg, ...) TEST_ASSERT((p) != NULL, msg, ##__VA_ARGS__)

/** One registered autotest. */
struct mvt_test {
	TAILQ_ENTRY(mvt_test) next;
	const char *name;
	int (*fn)(void);
};

void mvt_test_register(struct mvt_test *t);

/** Register @p fn as the autotest @p name (a bare identifier). */
#define REGISTER_TEST_COMMAND(cmd, func) \
	static struct mvt_test mvt_test_##cmd = { .name = #cmd, .fn = func }; \
	RTE_INIT(mvt_test_init_##cmd) \
	{ \
		mvt_test_register(&mvt_test_##cmd); \
	}

struct unit_test_case {
	int (*setup)(void);
	void (*teardown)(void);
	int (*testcase)(void);
	const char *name;
};

#define TEST_CASE(fn) { NULL, NULL, fn, #fn }
#define TEST_CASE_ST(setup, teardown, fn) { setup, teardown, fn, #fn }
#define TEST_CASES_END() { NULL, NULL, NULL, NULL }

struct unit_test_suite {
	const char *suite_name;
	int (*setup)(void);
	void (*teardown)(void);
	struct unit_test_case unit_test_cases[];
};

/** Run every case of a suite; TEST_SUCCESS only if none failed. */
int unit_test_suite_runner(struct unit_test_suite *suite);

/*
 * Parser errors. An operator's mistake is answered with one error line,
 * and that line is the whole interface: the parser tests assert it to
 * the byte.
 */

/**
 * Whether a parser refused @p input as it should: @p ret is -EINVAL and
 * @p err holds exactly @p expected. If not, prints the input, the return
 * value and both lines, and returns 0.
 */
int test_err_is(int ret, const char *err, const char *expected,
	const char *input);

/** An input a parser must refuse, and the exact error line it must give. */
struct test_err_case {
	const char *input;
	const char *err;
};

/** A parser of one string: 0, or -EINVAL with one line in @p err. */
typedef int (*test_parse_t)(const char *input, char *err, size_t errlen);

/**
 * Give each of the @p n cases to @p parse (with @p err reset to a marker
 * first, so that an untouched buffer shows) and check it with
 * test_err_is(). Stops at the first case that fails, naming it.
 *
 * @return TEST_SUCCESS, or TEST_FAILED.
 */
int test_err_cases(const struct test_err_case *cases, unsigned int n,
	test_parse_t parse, char *err, size_t errlen);

#endif /* MVT_TEST_H */
