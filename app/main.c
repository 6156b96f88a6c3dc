/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * dpdk-mvtap: parses the arguments, builds the switch, runs the workers on
 * the worker lcores and the control loop on the main lcore until SIGINT or
 * SIGTERM, then tears everything down and exits 0.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pdump.h>

#include "mvt_conf.h"
#include "mvt_switch.h"
#include "mvt_telemetry.h"

/*
 * How long a stop waits for the workers. A worker's loop iteration takes
 * microseconds, so one that has not returned by then is stuck; the switch
 * then exits without it, within systemd's TimeoutStopSec=30 of
 * config/dpdk-mvtap.service, rather than be killed with its sockets left.
 */
#define STOP_WAIT_S 10

static volatile sig_atomic_t quit;

static void
on_signal(int sig __rte_unused)
{
	quit = 1;
}

static void
control_loop(struct mvt_switch *sw, unsigned int stats_period)
{
	uint64_t hz = rte_get_timer_hz(), next;
	char line[4096];

	next = rte_get_timer_cycles() + stats_period * hz;
	/*
	 * Neither call waits for a live change, which waits for the workers
	 * and can take long when one is slow: the loop must see a signal
	 * within a step. A busy switch skips a sample, or delays its line
	 * to the next step.
	 */
	while (!quit) {
		usleep(100 * 1000);
		mvt_switch_sample(sw);
		mvt_switch_capture_reap(sw);
		if (stats_period == 0 || rte_get_timer_cycles() < next)
			continue;
		if (mvt_switch_stats_line(sw, line, sizeof(line)) != 0)
			continue;
		next += stats_period * hz;
		printf("stats: %s\n", line);
		fflush(stdout);
	}
}

int
main(int argc, char **argv)
{
	static struct mvt_conf conf;
	char err[MVT_ERR_MAX];
	struct mvt_switch *sw;
	unsigned int lcore;
	int n, ret;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "dpdk-mvtap: EAL initialisation failed (see the EAL message above)\n");
		return 1;
	}
	argv[n] = argv[0];
	mvt_conf_init(&conf);
	ret = mvt_conf_parse_args(&conf, argc - n, argv + n, err, sizeof(err));
	if (ret != 0) {
		if (ret < 0)
			fprintf(stderr, "dpdk-mvtap: %s\n", err);
		rte_eal_cleanup();
		return ret < 0 ? 1 : 0;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* a capture whose reader went away ends with EPIPE, not the process */
	signal(SIGPIPE, SIG_IGN);
	/*
	 * dpdk-dumpcap, a secondary process, captures the ethdev ports (the
	 * lower, the host port, tap endpoints) through rte_pdump; it needs
	 * the EAL's shared files, which --in-memory or --no-shconf leave out.
	 */
	if (rte_pdump_init() != 0)
		printf("dpdk-mvtap: dpdk-dumpcap cannot attach: %s\n",
			rte_strerror(rte_errno));

	sw = mvt_switch_create(&conf, err, sizeof(err));
	if (sw == NULL) {
		fprintf(stderr, "dpdk-mvtap: %s\n", err);
		rte_eal_cleanup();
		return 1;
	}
	mvt_telemetry_attach(sw);
	if (mvt_switch_start(sw) != 0) {
		fprintf(stderr, "dpdk-mvtap: cannot launch the workers\n");
		mvt_telemetry_detach(sw);
		mvt_switch_destroy(sw);
		rte_eal_cleanup();
		return 1;
	}
	if (conf.n_lowers == 1)
		printf("dpdk-mvtap: forwarding: lower %s, %u endpoints, %u workers\n",
			conf.lowers[0].dev, conf.n_endpoints,
			mvt_switch_nb_workers(sw));
	else
		printf("dpdk-mvtap: forwarding: %u lowers, %u endpoints, %u workers\n",
			conf.n_lowers, conf.n_endpoints,
			mvt_switch_nb_workers(sw));
	fflush(stdout);

	control_loop(sw, conf.stats_period);

	if (mvt_switch_stop_within(sw, STOP_WAIT_S, &lcore) != 0) {
		printf("dpdk-mvtap: stopping\n");
		fflush(stdout);
		fprintf(stderr, "dpdk-mvtap: worker lcore %u did not stop within %u s: exiting without it\n",
			lcore, STOP_WAIT_S);
		mvt_switch_abandon(sw, stdout);
		fflush(stdout);
		/*
		 * No exit handlers, no EAL cleanup: they would free or wait
		 * for what the stuck worker may still be using.
		 */
		_exit(1);
	}
	printf("dpdk-mvtap: stopping\n");
	mvt_switch_print_counters(sw, stdout);
	fflush(stdout);
	mvt_telemetry_detach(sw);
	mvt_switch_destroy(sw);
	rte_pdump_uninit();
	rte_eal_cleanup();
	return 0;
}
