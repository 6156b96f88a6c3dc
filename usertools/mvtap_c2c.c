/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * mvtap-c2c: how long a cache line takes to go from one CPU to another
 * and back, in nanoseconds.
 *
 * A vhost-user loop moves every frame between the switch's core and the
 * guests' core through shared cache lines (ring indexes, descriptors,
 * the frames), so its rate follows this figure. On a virtual machine the
 * host may place the two virtual CPUs on neighbouring cores (a round trip
 * of about 100 ns) or on distant ones (three to four times that), and may
 * move them at any time; mvtap-bench measures it around each run so that
 * runs are compared under the same placement.
 *
 * Usage: mvtap-c2c [CPU_A CPU_B [ROUND_TRIPS [SAMPLES]]]
 * Prints the median, minimum and maximum over SAMPLES samples of
 * ROUND_TRIPS round trips each, as "median min max" in ns.
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define C2C_WARMUP 2000u

struct c2c {
	/* the line that bounces: written by both CPUs in turn */
	volatile uint64_t turn __attribute__((aligned(64)));
	char pad[64 - sizeof(uint64_t)];
	uint64_t total;		/* round trips the other side answers */
	int cpu;
};

static int
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *
answer(void *arg)
{
	struct c2c *c = arg;
	uint64_t i;

	pin(c->cpu);
	for (i = 1; i <= c->total; i++) {
		while (c->turn != 2 * i - 1)
			;
		c->turn = 2 * i;
	}
	return NULL;
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
parse_arg(const char *s, const char *what, unsigned long max,
	unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || *out > max) {
		fprintf(stderr, "mvtap-c2c: %s: not a number up to %lu: %s\n",
			what, max, s);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct c2c c;
	unsigned long cpu_a = 0, cpu_b = 1, n = 20000, samples = 5;
	uint64_t i = 0, k, s;
	double *res, t0;
	pthread_t th;
	int ret;

	if (argc != 1 && argc != 3 && argc != 4 && argc != 5) {
		fprintf(stderr, "usage: mvtap-c2c [CPU_A CPU_B [ROUND_TRIPS [SAMPLES]]]\n");
		return 2;
	}
	if ((argc > 1 && (parse_arg(argv[1], "CPU_A", CPU_SETSIZE - 1,
			&cpu_a) != 0 || parse_arg(argv[2], "CPU_B",
			CPU_SETSIZE - 1, &cpu_b) != 0)) ||
			(argc > 3 && parse_arg(argv[3], "ROUND_TRIPS", 100000000,
			&n) != 0) ||
			(argc > 4 && parse_arg(argv[4], "SAMPLES", 1000,
			&samples) != 0))
		return 2;
	if (n == 0 || samples == 0) {
		fprintf(stderr, "mvtap-c2c: ROUND_TRIPS and SAMPLES must be at least 1\n");
		return 2;
	}
	/* both must be usable: the answering thread could not say so */
	if (pin(cpu_b) != 0 || pin(cpu_a) != 0) {
		fprintf(stderr, "mvtap-c2c: cannot run on CPU %lu\n",
			pin(cpu_b) != 0 ? cpu_b : cpu_a);
		return 1;
	}
	res = calloc(samples, sizeof(*res));
	if (res == NULL) {
		fprintf(stderr, "mvtap-c2c: out of memory\n");
		return 1;
	}
	c.cpu = cpu_b;
	c.total = samples * (C2C_WARMUP + n);
	ret = pthread_create(&th, NULL, answer, &c);
	if (ret != 0) {
		fprintf(stderr, "mvtap-c2c: cannot start a thread: %s\n",
			strerror(ret));
		free(res);
		return 1;
	}
	for (s = 0; s < samples; s++) {
		/* the warm-up brings both threads onto their CPUs */
		for (k = 0; k < C2C_WARMUP; k++) {
			i++;
			c.turn = 2 * i - 1;
			while (c.turn != 2 * i)
				;
		}
		t0 = now_ns();
		for (k = 0; k < n; k++) {
			i++;
			c.turn = 2 * i - 1;
			while (c.turn != 2 * i)
				;
		}
		res[s] = (now_ns() - t0) / n;
	}
	pthread_join(th, NULL);
	qsort(res, samples, sizeof(*res), cmp_double);
	printf("%.1f %.1f %.1f\n", res[samples / 2], res[0], res[samples - 1]);
	free(res);
	return 0;
}
