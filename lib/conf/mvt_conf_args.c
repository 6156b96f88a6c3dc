/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/* The command line after the EAL's "--", and the usage text. */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "mvt_conf.h"
#include "mvt_conf_priv.h"
#include "mvt_decide.h"
#include "mvt_policy.h"

enum {
	OPT_LOWER = 256,
	OPT_ENDPOINT,
	OPT_POLICY,
	OPT_CONFIG,
	OPT_STATS_PERIOD,
	OPT_HAIRPIN,
	OPT_STRICT_PRIVATE,
	OPT_PROMISC,
	OPT_HOST_PORT,
	OPT_HOST_BRIDGE,
	OPT_MAX_SLEEP_US,
	OPT_BCQUEUELEN,
	OPT_BCLIM,
	OPT_HELP,
};

static const struct option long_opts[] = {
	{ "lower", required_argument, NULL, OPT_LOWER },
	{ "endpoint", required_argument, NULL, OPT_ENDPOINT },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "stats-period", required_argument, NULL, OPT_STATS_PERIOD },
	{ "hairpin", no_argument, NULL, OPT_HAIRPIN },
	{ "strict-private", no_argument, NULL, OPT_STRICT_PRIVATE },
	{ "promisc", no_argument, NULL, OPT_PROMISC },
	{ "host-port", required_argument, NULL, OPT_HOST_PORT },
	{ "host-bridge", no_argument, NULL, OPT_HOST_BRIDGE },
	{ "max-sleep-us", required_argument, NULL, OPT_MAX_SLEEP_US },
	{ "bcqueuelen", required_argument, NULL, OPT_BCQUEUELEN },
	{ "bclim", required_argument, NULL, OPT_BCLIM },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Report what getopt_long refused, naming the option as it was written. */
static int
bad_option(int opt, char **argv, char *err, size_t errlen)
{
	const char *arg = argv[optind - 1];
	size_t len;

	if (opt == ':')
		return mvt_err(err, errlen, "%s: missing argument", arg);
	if (optopt >= OPT_LOWER)
		return mvt_err(err, errlen, "%s: takes no argument", arg);
	if (optopt != 0)
		return mvt_err(err, errlen, "unknown option -%c", optopt);
	len = strcspn(arg, "=");
	return mvt_err(err, errlen, "unknown option %.*s", (int)len, arg);
}

int
mvt_conf_parse_args(struct mvt_conf *c, int argc, char **argv, char *err,
	size_t errlen)
{
	struct mvt_endpoint_conf ep;
	struct mvt_policy_conf pc;
	uint32_t v;
	int opt, ret;

	/*
	 * optind = 0, not 1: glibc then also forgets the EAL's optstring
	 * mode and a half-consumed short option group from an earlier call.
	 * "+" keeps argv unpermuted; ":" reports a missing argument as ':'.
	 */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", long_opts, NULL)) != -1) {
		ret = 0;
		switch (opt) {
		case OPT_LOWER:
			ret = mvt_conf_set_device(c->lower, optarg, "--lower", err,
				errlen);
			break;
		case OPT_ENDPOINT:
			ret = mvt_conf_parse_endpoint(optarg, &ep, err, errlen);
			if (ret == 0)
				ret = mvt_conf_add_endpoint(c, &ep, "--endpoint", err,
					errlen);
			break;
		case OPT_POLICY:
			ret = mvt_policy_conf_parse(optarg, &pc, err, errlen);
			if (ret == 0)
				ret = mvt_conf_add_policy(c, &pc, "--policy", err,
					errlen);
			break;
		case OPT_CONFIG:
			ret = mvt_conf_load_file(c, optarg, err, errlen);
			break;
		case OPT_STATS_PERIOD:
			if (mvt_parse_u32(optarg, STATS_PERIOD_MAX, &v) != 0)
				ret = mvt_err(err, errlen,
					"--stats-period %s: expected an integer 0..%d",
					optarg, STATS_PERIOD_MAX);
			else
				c->stats_period = v;
			break;
		case OPT_HAIRPIN:
			c->hairpin = 1;
			break;
		case OPT_STRICT_PRIVATE:
			c->strict_private = 1;
			break;
		case OPT_PROMISC:
			c->promisc = 1;
			break;
		case OPT_HOST_PORT:
			ret = mvt_conf_set_device(c->host_port, optarg, "--host-port",
				err, errlen);
			break;
		case OPT_HOST_BRIDGE:
			c->host_bridge = 1;
			break;
		case OPT_MAX_SLEEP_US:
			if (mvt_parse_u32(optarg, MVT_MAX_SLEEP_US_MAX, &v) != 0)
				ret = mvt_err(err, errlen,
					"--max-sleep-us %s: expected an integer 0..%d",
					optarg, MVT_MAX_SLEEP_US_MAX);
			else
				c->max_sleep_us = v;
			break;
		case OPT_BCQUEUELEN:
			if (mvt_parse_u32(optarg, MVT_BCQUEUELEN_MAX, &v) != 0)
				ret = mvt_err(err, errlen,
					"--bcqueuelen %s: expected an integer 0..%d",
					optarg, MVT_BCQUEUELEN_MAX);
			else
				c->bcqueuelen = v;
			break;
		case OPT_BCLIM:
			if (mvt_conf_parse_bclim(optarg, &c->bclim) != 0)
				ret = mvt_err(err, errlen,
					"--bclim %s: expected an integer " MVT_BCLIM_RANGE,
					optarg);
			break;
		case 'h':
		case OPT_HELP:
			mvt_conf_usage(argv[0]);
			return 1;
		default:
			return bad_option(opt, argv, err, errlen);
		}
		if (ret != 0)
			return ret;
	}
	if (optind < argc)
		return mvt_err(err, errlen, "%s: unexpected argument",
			argv[optind]);
	return mvt_conf_validate(c, err, errlen);
}

void
mvt_conf_usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- --lower DEVICE --endpoint SPEC... [options]\n"
		"\n"
		"  --lower DEVICE        the physical port: a PCI address or vdev devargs\n"
		"  --endpoint SPEC       one endpoint (repeat for more), SPEC is key=value,...\n"
		"      name=NAME         required; A-Z a-z 0-9 _ . - (at most %d characters)\n"
		"      mac=MAC           required unless mode=passthru\n"
		"      mode=MODE         vepa (default), bridge, private, passthru, source\n"
		"      socket=PATH       vhost-user socket, required\n"
		"      client=0|1        connect to the frontend's socket (default 0)\n"
		"      queues=N          queue pairs, 1..%d (default 1)\n"
		"      sources=MAC+MAC   mode=source: the senders it listens to\n"
		"      nodst=0|1         mode=source: listed senders reach nobody else\n"
		"      state=up|down     admin state (default up)\n"
		"      rate=KBPS         cap what it sends in kbit/s: a dir=out policy\n"
		"      burst=KB          with rate=: bucket size in kbit (default %u)\n"
		"      spoofchk=0|1      drop what it sends from another source MAC (default 0)\n"
		"      mcast=GRP+GRP     accept only these multicast groups (default: all;\n"
		"                        broadcast is always accepted)\n"
		"      type=vhost|tap    a vhost-user socket (default) or a kernel interface\n"
		"      ifname=NAME       type=tap: the interface (default: the endpoint's name)\n"
		"      netns=NAME        type=tap: move it into this ip netns namespace\n"
		"      owner=USER        owner of the server socket (default: this process)\n"
		"      group=GROUP       group of the server socket (default: this process)\n"
		"      perm=MODE         octal mode of the server socket (default 0660;\n"
		"                        never world-writable)\n"
		"  --policy SPEC         a policy on one MAC (repeat for more), key=value,...\n"
		"      mac=MAC           required: frames to and from this address\n"
		"      name=NAME         default: the MAC\n"
		"      rate=KBPS         byte rate in kbit/s (srTCM: cir = rate*1000/8 bytes/s)\n"
		"      burst=KB          with rate=: bucket size in kbit (default %u)\n"
		"      peak=KBPS         with rate=: peak rate in kbit/s, trTCM (at least rate)\n"
		"      pps=N             packets per second\n"
		"      dir=in|out|both   frames to the MAC, from it, or both (default both)\n"
		"      action=allow|deny allow: meter, drop the excess (default); deny: drop all\n"
		"                        allow needs rate=, pps= or both\n"
		"  --config FILE         load an INI file here: [lower], [endpoint NAME],\n"
		"                        [policy NAME]\n"
		"  --stats-period SECS   statistics period in seconds, 0..%d (0: off)\n"
		"  --hairpin             software reflective relay (hairpin)\n"
		"  --strict-private      drop reflected unicast to or from private endpoints\n"
		"  --promisc             force the lower device promiscuous\n"
		"  --host-port DEVICE    the port towards the host stack (default: none)\n"
		"  --host-bridge         the host reaches bridge-mode endpoints locally\n"
		"  --max-sleep-us N      longest sleep of an idle worker, 0..10000 (0: never)\n"
		"  --bcqueuelen N        broadcast queue length per worker, 0..4096 (1000)\n"
		"  --bclim N             groups joined by at most N endpoints are not\n"
		"                        queued, " MVT_BCLIM_RANGE " (1; negative:\n"
		"                        nothing is queued)\n"
		"  --help                this text\n",
		prog, MVT_NAME_MAX - 1, MVT_QUEUES_MAX,
		MVT_POLICY_BURST_DEFAULT, MVT_POLICY_BURST_DEFAULT,
		STATS_PERIOD_MAX);
}
