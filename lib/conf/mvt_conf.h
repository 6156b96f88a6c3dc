/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_CONF_H
#define MVT_CONF_H

/**
 * @file
 * The switch configuration: the command line after the EAL's "--" and the
 * INI file (rte_cfgfile), parsed and validated into one struct mvt_conf.
 * This module is the only place where operator input is checked; every
 * error is one line that names the option and the offending value.
 *
 * Command line (see doc/guides/configuration.rst):
 *   --lower DEVICE  --endpoint SPEC ...  --policy SPEC ...  --config FILE
 *   --stats-period SECONDS  --hairpin  --strict-private  --promisc
 *   --host-port DEVICE
 *
 * Endpoint SPEC: comma separated key=value, keys:
 *   name=NAME (required)  mac=MAC (required unless mode=passthru)
 *   mode=vepa|bridge|private|passthru|source (default vepa)
 *   socket=PATH (required)  client=0|1  queues=N (1..MVT_QUEUES_MAX)
 *   sources=MAC+MAC...  nodst=0|1 (mode=source only)  state=up|down
 *   owner=USER group=GROUP perm=0660 (server sockets; never world-writable)
 *   mcast=GROUP+GROUP (accept only these multicast groups; default all)
 *   type=vhost|tap (default vhost); tap: ifname=NAME (default: the
 *   endpoint's name) netns=NAME (an existing ip netns; default none)
 *   rate=KBPS  burst=KB (shorthand for a policy on the endpoint's MAC with
 *   dir=out, named after the endpoint: what the guest sends, as OVS's
 *   ingress_policing_rate/burst)  spoofchk=0|1 (default 0)
 *   offload=on|off (TSO and checksum offload offered to the guest; on)
 *   standby=0|1 (may share its MAC with one other vhost endpoint)
 *
 * Policy SPEC: see mvt_policy.h; parsed here (mvt_policy_conf_parse()).
 *
 * INI: [lower] with device=, hairpin=, strict-private=, promisc=,
 * host-port=, stats-period=; one [endpoint NAME] section per endpoint with
 * the endpoint SPEC keys, one [policy NAME] section per policy with the
 * policy SPEC keys (name= may be omitted: the section name gives it).
 *
 * Endpoints and policies accumulate in the order they are given; an
 * endpoint's rate= adds its policy to the list when the endpoint is added.
 */

#include <stddef.h>
#include <stdint.h>

#include "mvt_common.h"
#include "mvt_policy_conf.h"

#define MVT_NAME_MAX 32		/**< endpoint name, with NUL */
#define MVT_DEVARGS_MAX 256	/**< lower/host-port devargs, with NUL */
#define MVT_SOCKET_MAX 108	/**< sizeof(sun_path) */
#define MVT_QUEUES_MAX 8	/**< queue pairs per endpoint */
#define MVT_MAX_SLEEP_US_MAX 10000	/**< --max-sleep-us at most */
#define MVT_SOURCES_MAX 64	/**< sources= entries per endpoint */
#define MVT_ERR_MAX 512		/**< room for one error line */
#define MVT_SOCKET_PERM_DEFAULT 0660	/**< owner and group read and write */
#define MVT_IFNAME_MAX 16		/**< IFNAMSIZ */
#define MVT_NETNS_MAX 64		/**< ip netns name, with NUL */
#define MVT_LOWERS_MAX 8		/**< lowers (segments) in one process */
#define MVT_VLAN_MAX 4094		/**< highest VLAN id of a VLAN lower */
/** The name of the lower that the plain --lower DEVICE (v1) defines. */
#define MVT_LOWER_DEFAULT_NAME "lower"

/** Endpoint kinds: a vhost-user socket, or a kernel network interface. */
enum {
	MVT_EP_TYPE_VHOST = 0,
	MVT_EP_TYPE_TAP = 1,
};
#define MVT_POLICIES_MAX 1024	/**< policies, endpoint shorthands included */

struct mvt_endpoint_conf {
	char name[MVT_NAME_MAX];
	uint64_t mac;			/**< 0 for passthru without mac= */
	unsigned int mode;		/**< enum mvt_mode */
	char socket[MVT_SOCKET_MAX];	/**< type vhost */
	uint8_t type;			/**< MVT_EP_TYPE_* */
	char ifname[MVT_IFNAME_MAX];	/**< type tap: interface name */
	char netns[MVT_NETNS_MAX];	/**< type tap: namespace, "" for ours */
	uint8_t client;			/**< connect to the frontend's socket */
	uint8_t nodst;			/**< source mode: nodst flag */
	uint8_t up;			/**< admin state, default 1 */
	uint16_t queues;		/**< queue pairs, default 1 */
	uint8_t spoofchk;		/**< drop what it sends from other MACs */
	uint8_t offload;		/**< offer TSO and checksum offload */
	uint8_t standby;		/**< may share its MAC (migration) */
	uint32_t sock_uid;		/**< owner= of the socket, UINT32_MAX: ours */
	uint32_t sock_gid;		/**< group= of the socket, UINT32_MAX: ours */
	uint32_t sock_perm;		/**< perm= of the socket, default 0660 */
	uint16_t n_mcast;		/**< mcast= groups; 0: accept every group */
	uint64_t mcast[MVT_MC_MAX];
	uint32_t rate_kbps;		/**< rate= shorthand, 0: none */
	uint32_t burst_kb;		/**< burst= shorthand, 0: default */
	uint16_t n_sources;
	uint64_t sources[MVT_SOURCES_MAX];
	/** lower= : the lower it attaches to; "" for the only one */
	char lower[MVT_NAME_MAX];
	uint32_t mtu;			/**< mtu=, 0: its lower's */
};

/**
 * One lower: a device, or a VLAN of a device, and the macvlan segment it
 * carries. Lowers are named; the v1 --lower DEVICE is the lower "lower".
 */
struct mvt_lower_conf {
	char name[MVT_NAME_MAX];
	char dev[MVT_DEVARGS_MAX];	/**< PCI address or vdev devargs */
	char host_port[MVT_DEVARGS_MAX]; /**< its host port, "" for none */
	uint16_t vlan;			/**< VLAN id, 0: the untagged frames */
	uint32_t mtu;			/**< mtu= as given, 0: none given */
};

/**
 * A mirror, as /mvtap/mirror takes it:
 *
 *   name=NAME,src=PORT[+PORT...],dst=PORT[,dir=in|out|both]
 *
 * A PORT is an endpoint's name, "lower" or "host". dir is from the
 * sources' side (in: what they received), both by default.
 */

/** Source ports of one mirror. */
#define MVT_MIRROR_SRC_MAX 16

struct mvt_mirror_conf {
	char name[MVT_NAME_MAX];
	char src[MVT_MIRROR_SRC_MAX][MVT_NAME_MAX];
	unsigned int n_src;
	char dst[MVT_NAME_MAX];
	unsigned int dirs;		/**< 1: in, 2: out, 3: both */
};

/**
 * Parse @p spec into @p mc.
 *
 * @return 0, or -EINVAL with one line in @p err naming the bad key, e.g.
 *   "mirror dir=up: expected in, out or both".
 */
int mvt_conf_parse_mirror(const char *spec, struct mvt_mirror_conf *mc,
	char *err, size_t errlen);


struct mvt_conf {
	uint8_t n_lowers;
	/** --lower and [lower NAME], in the order they were first given */
	struct mvt_lower_conf lowers[MVT_LOWERS_MAX];
	/**
	 * The v1 --host-port DEVICE: the host port of the only lower (an
	 * error with several); --host-port lower=NAME,dev=DEVICE and
	 * host-port= in [lower NAME] set the lower's own.
	 */
	char host_port[MVT_DEVARGS_MAX];
	uint8_t hairpin;		/**< software reflective relay */
	uint8_t strict_private;
	uint8_t promisc;		/**< force the lower promiscuous */
	uint8_t host_bridge;		/**< the host reaches bridge eps locally */
	uint32_t max_sleep_us;		/**< longest idle sleep, 0: never */
	uint32_t bcqueuelen;		/**< broadcast queue, per worker */
	int32_t bclim;			/**< bc_cutoff; negative: none queued */
	unsigned int stats_period;	/**< seconds, 0: off */
	uint16_t n_endpoints;
	struct mvt_endpoint_conf ep[MVT_MAX_ENDPOINTS];
	uint16_t n_policies;
	/**
	 * --policy and [policy NAME] entries, and one per endpoint with
	 * rate= and a mac= (a passthru endpoint without mac= gets its
	 * policy only once the lower's MAC is known, from its rate_kbps
	 * and burst_kb).
	 */
	struct mvt_policy_conf policy[MVT_POLICIES_MAX];
	uint16_t n_mirrors;
	struct mvt_mirror_conf mirror[MVT_MIRRORS_MAX];	/**< --mirror, [mirror] */
};

/**
 * A direction of a capture or a mirror, from the port's side: "in" 1,
 * "out" 2, "both" 3. @return 0, or -EINVAL.
 */
int mvt_conf_parse_dirs(const char *val, unsigned int *dirs);

/** The name of directions @p dirs (1, 2 or 3), as mvt_conf_parse_dirs() takes it. */
const char *mvt_conf_dirs_name(unsigned int dirs);

/**
 * Add mirror @p mc to @p c.
 *
 * @return 0, or -EINVAL with one line in @p err: a name given twice
 *   ("mirror m1: name given twice") or too many mirrors.
 */
int mvt_conf_add_mirror(struct mvt_conf *c, const struct mvt_mirror_conf *mc,
	char *err, size_t errlen);

/**
 * Apply one --lower argument: "DEVICE" (the lower "lower", replacing its
 * device if given before) or "name=NAME[,vlan=VID][,mtu=N],dev=DEVICE",
 * where dev= comes last and takes the rest of the argument. A name given
 * again replaces that lower's settings.
 *
 * @return 0, or -EINVAL with one line in @p err, e.g.
 *   "--lower name=a,vlan=5000: vlan: expected an integer 1..4094".
 */
int mvt_conf_parse_lower(struct mvt_conf *c, const char *arg, char *err,
	size_t errlen);

/**
 * Apply one --host-port argument: "DEVICE" (the host port of the only
 * lower) or "lower=NAME,dev=DEVICE" (of lower NAME).
 *
 * @return 0 or -EINVAL with one line in @p err.
 */
int mvt_conf_parse_host_port(struct mvt_conf *c, const char *arg, char *err,
	size_t errlen);

/** The index of lower @p name in @p c, or -1. */
int mvt_conf_lower_find(const struct mvt_conf *c, const char *name);

/**
 * The index of the lower endpoint @p ep attaches to: its lower=, or the
 * only lower when it gives none. @return the index, or -1 (no such lower,
 * or none given while there are several: mvt_conf_validate() says which).
 */
int mvt_conf_ep_lower(const struct mvt_conf *c,
	const struct mvt_endpoint_conf *ep);

/** The MTU of lower @p i: its mtu=, MVT_MTU when it gives none. */
uint32_t mvt_conf_lower_mtu(const struct mvt_conf *c, unsigned int i);

/**
 * The MTU of endpoint @p ep: its mtu=, or its lower's (MVT_MTU when it
 * has no valid lower).
 */
uint32_t mvt_conf_ep_mtu(const struct mvt_conf *c,
	const struct mvt_endpoint_conf *ep);

/** The largest MTU of the lowers of @p c (the mbufs are sized for it). */
uint32_t mvt_conf_max_mtu(const struct mvt_conf *c);

/** The host port devargs of lower @p i, "" for none. */
const char *mvt_conf_lower_host_port(const struct mvt_conf *c, unsigned int i);

/**
 * The lower whose device lower @p i shares (the first one given with the
 * same dev=), @p i itself if it is the first: that one opens the device.
 */
unsigned int mvt_conf_lower_dev_owner(const struct mvt_conf *c,
	unsigned int i);

/** Defaults: nothing configured, no endpoints or policies, stats off. */
void mvt_conf_init(struct mvt_conf *c);

/**
 * Parse one endpoint SPEC into @p ep (which it first resets to defaults).
 *
 * @return 0, or -EINVAL with one line in @p err, e.g.
 *   "--endpoint mac=zz:00:00:00:00:01: malformed MAC address"
 */
int mvt_conf_parse_endpoint(const char *spec, struct mvt_endpoint_conf *ep,
	char *err, size_t errlen);

/**
 * Parse the application arguments (argv[0] is the program name; the EAL
 * arguments are already consumed). --config files are loaded where they
 * appear; later options override earlier ones, endpoints accumulate.
 * Validates the result (mvt_conf_validate()).
 *
 * @return 0, 1 if --help was given (usage printed), or -EINVAL with one
 *   line in @p err naming the option and value.
 */
int mvt_conf_parse_args(struct mvt_conf *c, int argc, char **argv,
	char *err, size_t errlen);

/** Load an INI file into @p c (no validation). @return 0 or -EINVAL. */
int mvt_conf_load_file(struct mvt_conf *c, const char *path, char *err,
	size_t errlen);

/**
 * Check a whole configuration: a lower device is given; names and MACs
 * are unique; no MAC is a group address or all zeros; a passthru endpoint
 * stands alone; sources= only with mode=source; burst= only with rate=;
 * every socket's directory exists; every policy passes
 * mvt_policy_conf_check() and no two policies of one MAC cover the same
 * direction. @return 0 or -EINVAL with one line in @p err.
 */
int mvt_conf_validate(const struct mvt_conf *c, char *err, size_t errlen);

/**
 * mvt_conf_validate() for a running switch: the first @p n_live endpoints
 * exist already and hold their interface (type=tap) or socket, so what is
 * checked of the system for a new endpoint (a free interface name, an
 * existing namespace, the socket's directory) is not checked of them.
 * They are still checked against each other and the rest.
 */
int mvt_conf_validate_live(const struct mvt_conf *c, uint16_t n_live,
	char *err, size_t errlen);

/**
 * The policy an endpoint's rate= stands for: on @p mac (the endpoint's, or
 * for a passthru endpoint without mac= the lower's), dir=out (what the
 * guest sends, like OVS's ingress policing of a vhost port), named after
 * the endpoint. Configurations parsed here already hold it, except for
 * such a passthru endpoint, whose MAC only the switch knows.
 *
 * @return 1 and the policy in @p pc, or 0 when the endpoint has none.
 */
int mvt_conf_endpoint_policy(const struct mvt_endpoint_conf *ep,
	uint64_t mac, struct mvt_policy_conf *pc);

/** The kernel interface name of a tap endpoint: ifname=, or its name. */
const char *mvt_conf_tap_ifname(const struct mvt_endpoint_conf *ep);

/**
 * State of one policy SPEC being parsed key by key: the command line and
 * the INI file share the keys and differ only in the prefix of their error
 * lines ("--policy" or "config PATH: [policy NAME]"). Fields are private;
 * a parser is used by one thread.
 */
struct mvt_policy_parser {
	struct mvt_policy_conf *pc;
	const char *prefix;
	unsigned int seen;	/* bit per key */
	char *err;
	size_t errlen;
};

/**
 * Start parsing into @p pc, which is reset to the defaults.
 *
 * @param prefix  start of every error line; must outlive the parser
 * @param err     where an error line goes (may be NULL)
 */
void mvt_policy_parser_init(struct mvt_policy_parser *pp,
	struct mvt_policy_conf *pc, const char *prefix, char *err,
	size_t errlen);

/**
 * Apply one key=value (mac, name, rate, burst, peak, pps, dir, action).
 * Each key may be given once.
 *
 * @return 0, or -EINVAL with one line in the error buffer, e.g.
 *   "--policy rate=abc: expected a number of kbit/s".
 */
int mvt_policy_parser_set(struct mvt_policy_parser *pp, const char *key,
	const char *val);

/**
 * Check the keys together (mvt_policy_conf_check()) and fill the defaults
 * that depend on other keys: the name (the MAC as text) and, with rate=,
 * the burst (MVT_POLICY_BURST_DEFAULT).
 *
 * @return 0, or -EINVAL with one line in the error buffer, e.g.
 *   "--policy: allow needs rate=, pps= or both".
 */
int mvt_policy_parser_finish(struct mvt_policy_parser *pp);

/**
 * Parse one command-line policy SPEC, comma separated key=value, into
 * @p pc (reset first). Error lines start with "--policy". Thread-safe.
 *
 * @return 0, or -EINVAL with one line in @p err.
 */
int mvt_policy_conf_parse(const char *spec, struct mvt_policy_conf *pc,
	char *err, size_t errlen);

/** Print the usage text to stdout. */
void mvt_conf_usage(const char *prog);

#endif /* MVT_CONF_H */
