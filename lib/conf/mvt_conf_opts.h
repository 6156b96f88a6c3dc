/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_CONF_OPTS_H
#define MVT_CONF_OPTS_H

/**
 * @file
 * The option tables: one row per key of each key set -- the global
 * options (command line and INI [lower]), the endpoint SPEC keys and the
 * policy SPEC keys (MVT_POLICY_OPTS, in mvt_policy_conf.h, since the
 * policy module checks the same ranges). From the rows come the getopt
 * table, the INI and SPEC key lookups, the usage text, the range checks
 * and their error lines (mvt_conf_opts.c).
 *
 * Global rows, in the order of the command line's usage text:
 *
 *   X(id, cli, ini, type, min, max, def, field, pos, arg, help)
 *
 * id     the row's name: MVT_GOPT_<id>
 * cli    the long option, without "--"
 * ini    the [lower] key, or NULL when the INI file has none
 * type   MVT_OPT_T_<type>: how the value is parsed
 * min, max  the range of a number
 * def    the default the usage text names ({def}), 0 for none
 * field  MVT_OPT_F(member of struct mvt_conf), or MVT_OPT_NOF
 * pos    position of the INI key in the "unknown key" line's list, -1
 * arg    what the usage text shows after the option, NULL for a flag
 * help   the usage text: '\n' starts another line; {min}, {max} and {def}
 *        stand for the row's numbers
 *
 * Endpoint rows: X(id, key, type, min, max, def, field, pos, arg, unit,
 * help) as the policy rows (see MVT_POLICY_OPTS), with field a member of
 * struct mvt_endpoint_conf.
 */

#include <stddef.h>
#include <stdint.h>

#include "mvt_conf.h"
#include "mvt_policy_conf.h"

/** Seconds between two statistics lines at most. */
#define MVT_STATS_PERIOD_MAX 3600

/* clang-format off */
#define MVT_GLOBAL_OPTS(X) \
	X(LOWER, "lower", "device", LOWER, 0, 0, 0, MVT_OPT_NOF, 0, \
		"DEVICE", "the physical port: a PCI address or vdev devargs;\n" \
		"several: name=NAME[,vlan=VID][,mtu=N],dev=DEVICE\n" \
		"(repeat; dev= last)") \
	X(ENDPOINT, "endpoint", NULL, ENDPOINT, 0, 0, 0, MVT_OPT_NOF, -1, \
		"SPEC", \
		"one endpoint (repeat for more), SPEC is key=value,...") \
	X(POLICY, "policy", NULL, POLICY, 0, 0, 0, MVT_OPT_NOF, -1, "SPEC", \
		"a policy on one MAC (repeat for more), key=value,...") \
	X(MIRROR, "mirror", NULL, MIRROR, 0, 0, 0, MVT_OPT_NOF, -1, "SPEC", \
		"copies of ports' frames to a port (repeat for more),\n" \
		"name=NAME,src=PORT[+PORT...],dst=PORT[,dir=in|out|both]") \
	X(CONFIG, "config", NULL, CONFIG, 0, 0, 0, MVT_OPT_NOF, -1, "FILE", \
		"load an INI file here: [lower], [endpoint NAME],\n" \
		"[policy NAME], [mirror NAME]") \
	X(STATS_PERIOD, "stats-period", "stats-period", UINT, 0, \
		MVT_STATS_PERIOD_MAX, 0, MVT_OPT_F(stats_period), 5, "SECS", \
		"statistics period in seconds, {min}..{max} (0: off)") \
	X(HAIRPIN, "hairpin", "hairpin", FLAG, 0, 1, 0, MVT_OPT_F(hairpin), \
		1, NULL, "software reflective relay (hairpin)") \
	X(STRICT_PRIVATE, "strict-private", "strict-private", FLAG, 0, 1, 0, \
		MVT_OPT_F(strict_private), 2, NULL, \
		"drop reflected unicast to or from private endpoints") \
	X(PROMISC, "promisc", "promisc", FLAG, 0, 1, 0, MVT_OPT_F(promisc), \
		3, NULL, "force the lower device promiscuous") \
	X(HOST_PORT, "host-port", "host-port", HOSTPORT, 0, 0, 0, \
		MVT_OPT_NOF, 4, "DEVICE", \
		"the port towards the host stack (default: none);\n" \
		"of one of several lowers: lower=NAME,dev=DEVICE") \
	X(HOST_BRIDGE, "host-bridge", "host-bridge", FLAG, 0, 1, 0, \
		MVT_OPT_F(host_bridge), 6, NULL, \
		"the host reaches bridge-mode endpoints locally") \
	X(MAX_SLEEP_US, "max-sleep-us", "max-sleep-us", UINT, 0, \
		MVT_MAX_SLEEP_US_MAX, 0, MVT_OPT_F(max_sleep_us), 7, "N", \
		"longest sleep of an idle worker, {min}..{max} (0: never)") \
	X(BCQUEUELEN, "bcqueuelen", "bcqueuelen", UINT, 0, \
		MVT_BCQUEUELEN_MAX, MVT_BCQUEUELEN_DEFAULT, \
		MVT_OPT_F(bcqueuelen), 8, "N", \
		"broadcast queue length per worker, {min}..{max} ({def})") \
	X(BCLIM, "bclim", "bclim", INT, INT32_MIN, INT32_MAX, \
		MVT_BCLIM_DEFAULT, MVT_OPT_F(bclim), 9, "N", \
		"groups joined by at most N endpoints are not\n" \
		"queued, {min}..{max} ({def}; negative:\n" \
		"nothing is queued)") \
	X(HELP, "help", NULL, HELP, 0, 0, 0, MVT_OPT_NOF, -1, NULL, \
		"this text")

/* The endpoint SPEC keys, in the order of the usage text. */
#define MVT_ENDPOINT_OPTS(X) \
	X(NAME, "name", NAME, 1, MVT_NAME_MAX - 1, 0, MVT_OPT_F(name), 0, \
		"NAME", NULL, \
		"required; A-Z a-z 0-9 _ . - (at most {max} characters)") \
	X(MAC, "mac", MAC, 0, 0, 0, MVT_OPT_F(mac), 1, "MAC", NULL, \
		"required unless mode=passthru") \
	X(MODE, "mode", MODE, 0, 0, 0, MVT_OPT_F(mode), 2, "MODE", NULL, \
		"vepa (default), bridge, private, passthru, source") \
	X(SOCKET, "socket", PATH, 1, MVT_SOCKET_MAX - 1, 0, \
		MVT_OPT_F(socket), 3, "PATH", NULL, \
		"vhost-user socket, required") \
	X(CLIENT, "client", BOOL, 0, 1, 0, MVT_OPT_F(client), 4, "0|1", NULL, \
		"connect to the frontend's socket (default 0)") \
	X(QUEUES, "queues", COUNT, 1, MVT_QUEUES_MAX, 1, MVT_OPT_F(queues), \
		5, "N", "queue count", \
		"queue pairs, {min}..{max} (default {def})") \
	X(SOURCES, "sources", MACLIST, 0, MVT_SOURCES_MAX, 0, \
		MVT_OPT_F(sources), 6, "MAC+MAC", NULL, \
		"mode=source: the senders it listens to") \
	X(NODST, "nodst", BOOL, 0, 1, 0, MVT_OPT_F(nodst), 7, "0|1", NULL, \
		"mode=source: listed senders reach nobody else") \
	X(STATE, "state", STATE, 0, 1, 1, MVT_OPT_F(up), 8, "up|down", NULL, \
		"admin state (default up)") \
	X(RATE, "rate", AMOUNT, 0, MVT_POLICY_RATE_MAX, 0, \
		MVT_OPT_F(rate_kbps), 9, "KBPS", "kbit/s", \
		"cap what it sends in kbit/s: a dir=out policy") \
	X(BURST, "burst", AMOUNT, 0, MVT_POLICY_BURST_MAX, \
		MVT_POLICY_BURST_DEFAULT, MVT_OPT_F(burst_kb), 10, "KB", \
		"kbit", "with rate=: bucket size in kbit (default {def})") \
	X(SPOOFCHK, "spoofchk", BOOL, 0, 1, 0, MVT_OPT_F(spoofchk), 11, \
		"0|1", NULL, \
		"drop what it sends from another source MAC (default 0)") \
	X(MCAST, "mcast", MCAST, 0, MVT_MC_MAX, 0, MVT_OPT_F(mcast), 15, \
		"GRP+GRP", NULL, \
		"accept only these multicast groups (default: all;\n" \
		"broadcast is always accepted)") \
	X(TYPE, "type", TYPE, 0, 0, 0, MVT_OPT_F(type), 16, "vhost|tap", NULL, \
		"a vhost-user socket (default) or a kernel interface") \
	X(IFNAME, "ifname", IFNAME, 1, MVT_IFNAME_MAX - 1, 0, \
		MVT_OPT_F(ifname), 17, "NAME", NULL, \
		"type=tap: the interface (default: the endpoint's name)") \
	X(NETNS, "netns", NETNS, 1, MVT_NETNS_MAX - 1, 0, MVT_OPT_F(netns), \
		18, "NAME", NULL, \
		"type=tap: move it into this ip netns namespace") \
	X(OFFLOAD, "offload", ONOFF, 0, 1, 1, MVT_OPT_F(offload), 20, \
		"on|off", NULL, \
		"offer the guest TSO and checksum offload (default on)") \
	X(LOWER, "lower", LOWERNAME, 1, MVT_NAME_MAX - 1, 0, \
		MVT_OPT_F(lower), 21, "NAME", NULL, \
		"the lower it attaches to (default: the only one)") \
	X(MTU, "mtu", UINT, MVT_MTU_MIN, MVT_MTU_MAX, 0, MVT_OPT_F(mtu), 22, \
		"N", NULL, \
		"MTU, {min}..{max}, at most its lower's (default:\n" \
		"its lower's)") \
	X(OWNER, "owner", OWNER, 0, 0, 0, MVT_OPT_F(sock_uid), 12, "USER", \
		NULL, "owner of the server socket (default: this process)") \
	X(GROUP, "group", GROUP, 0, 0, 0, MVT_OPT_F(sock_gid), 13, "GROUP", \
		NULL, "group of the server socket (default: this process)") \
	X(PERM, "perm", PERM, 0, 0777, MVT_SOCKET_PERM_DEFAULT, \
		MVT_OPT_F(sock_perm), 14, "MODE", NULL, \
		"octal mode of the server socket (default 0660;\n" \
		"never world-writable)") \
	X(STANDBY, "standby", BOOL, 0, 1, 0, MVT_OPT_F(standby), 19, "0|1", \
		NULL, "may have another endpoint's MAC, which then\n" \
		"goes to the one whose guest connected last\n" \
		"(live migration within the switch)")

/** How a row's value is parsed. */
enum mvt_opt_type {
	/* Numbers, parsed and range-checked by mvt_conf_opt_parse_num(). */
	MVT_OPT_T_UINT,		/**< "expected an integer MIN..MAX" */
	MVT_OPT_T_INT,		/**< the same, with an optional '-' */
	MVT_OPT_T_COUNT,	/**< "UNIT must be MIN..MAX" */
	MVT_OPT_T_AMOUNT,	/**< "expected a number of UNIT", "at most" */
	/* Flags: no argument on the command line, 0 or 1 in a file. */
	MVT_OPT_T_FLAG,
	MVT_OPT_T_BOOL,		/**< 0 or 1 */
	/* What a parser of its own handles. */
	MVT_OPT_T_DEVICE,
	MVT_OPT_T_LOWER,	/**< --lower, [lower] device= */
	MVT_OPT_T_HOSTPORT,	/**< --host-port, host-port= */
	MVT_OPT_T_LOWERNAME,	/**< endpoint lower= */
	MVT_OPT_T_ENDPOINT,
	MVT_OPT_T_POLICY,
	MVT_OPT_T_MIRROR,
	MVT_OPT_T_CONFIG,
	MVT_OPT_T_HELP,
	MVT_OPT_T_NAME,
	MVT_OPT_T_MAC,
	MVT_OPT_T_MACLIST,
	MVT_OPT_T_MCAST,
	MVT_OPT_T_MODE,
	MVT_OPT_T_PATH,
	MVT_OPT_T_STATE,
	MVT_OPT_T_TYPE,
	MVT_OPT_T_ONOFF,
	MVT_OPT_T_IFNAME,
	MVT_OPT_T_NETNS,
	MVT_OPT_T_OWNER,
	MVT_OPT_T_GROUP,
	MVT_OPT_T_PERM,
	MVT_OPT_T_DIR,
	MVT_OPT_T_ACTION,
};

/** One row of a table, as data. */
struct mvt_conf_opt {
	const char *cli;	/**< long option without "--", NULL: none */
	const char *key;	/**< INI or SPEC key, NULL: none */
	uint8_t type;		/**< enum mvt_opt_type */
	int8_t pos;		/**< place in the "unknown key" list, -1 */
	uint16_t off;		/**< offsetof the field */
	uint16_t size;		/**< sizeof the field, 0: none */
	int64_t min, max, def;
	const char *arg;	/**< usage: the value's placeholder */
	const char *unit;	/**< COUNT and AMOUNT: the unit */
	const char *help;	/**< usage text, see MVT_GLOBAL_OPTS */
};

/* clang-format on */
#define MVT_OPT_ID(id, ...) MVT_GOPT_##id,
enum mvt_gopt { MVT_GLOBAL_OPTS(MVT_OPT_ID) MVT_GOPT_N };
#undef MVT_OPT_ID
#define MVT_OPT_ID(id, ...) MVT_EPOPT_##id,
enum mvt_epopt { MVT_ENDPOINT_OPTS(MVT_OPT_ID) MVT_EPOPT_N };
#undef MVT_OPT_ID
#define MVT_OPT_ID(id, ...) MVT_POPT_##id,
enum mvt_popt { MVT_POLICY_OPTS(MVT_OPT_ID) MVT_POPT_N };
#undef MVT_OPT_ID

extern const struct mvt_conf_opt mvt_conf_global_opts[MVT_GOPT_N];
extern const struct mvt_conf_opt mvt_conf_endpoint_opts[MVT_EPOPT_N];
extern const struct mvt_conf_opt mvt_conf_policy_opts[MVT_POPT_N];

/** The row of @p t whose key is @p key, or -1. */
int mvt_conf_opt_find(
		const struct mvt_conf_opt *t, unsigned int n, const char *key);

/**
 * The keys of @p t in the order of their pos, ", " between them (the
 * list of an "unknown key" error line) into @p buf.
 */
void mvt_conf_opt_keys(const struct mvt_conf_opt *t, unsigned int n, char *buf,
		size_t len);

/** Whether a number row's range holds @p v. */
int mvt_conf_opt_in_range(const struct mvt_conf_opt *o, int64_t v);

/**
 * The end of a number row's error line into @p buf: "expected an integer
 * 0..3600", "queue count must be 1..8", "at most 1000000000 kbit/s", or
 * with @p syntax (the value is no number at all) "expected a number of
 * kbit/s".
 */
void mvt_conf_opt_msg(const struct mvt_conf_opt *o, int syntax, char *buf,
		size_t len);

/**
 * Parse @p val as the number of row @p o and check its range.
 *
 * @param what  start of the error line, e.g. "--stats-period 9999"; ": "
 *              and the row's message follow
 * @return 0 and the number in @p v, or -EINVAL with one line in @p err.
 */
int mvt_conf_opt_parse_num(const struct mvt_conf_opt *o, const char *val,
		int64_t *v, const char *what, char *err, size_t errlen);

/** mvt_conf_opt_parse_num() and store the number in @p base's field. */
int mvt_conf_opt_set_num(const struct mvt_conf_opt *o, void *base,
		const char *val, const char *what, char *err, size_t errlen);

/** The number in @p base's field of row @p o. */
int64_t mvt_conf_opt_get(const struct mvt_conf_opt *o, const void *base);

/** Store @p v in @p base's field of row @p o. */
void mvt_conf_opt_put(const struct mvt_conf_opt *o, void *base, int64_t v);

#endif /* MVT_CONF_OPTS_H */
