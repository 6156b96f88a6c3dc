/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * Configuration parsing: every error an operator can get is asserted as
 * the exact line, since that line is the whole user interface of a
 * mistake; good input must land in exactly the right fields.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_string_fns.h>

#include "mvt_capture_conf.h"
#include "mvt_conf.h"
#include "mvt_conf_opts.h"
#include "mvt_decide.h"
#include "mvt_policy.h"
#include "test.h"

/* A configuration's one lower, as --lower DEVICE makes it. */
static void
test_set_lower(struct mvt_conf *c, const char *dev)
{
	char err[MVT_ERR_MAX];

	if (mvt_conf_parse_lower(c, dev, err, sizeof(err)) != 0)
		printf("%s\n", err);
}

#define KEYS_EXPECTED \
	"(expected name, mac, mode, socket, client, queues, sources, nodst, " \
	"state, rate, burst, spoofchk, owner, group, perm, mcast, type, ifname, " \
	"netns, standby, offload, lower, mtu)"
#define POLICY_KEYS_EXPECTED \
	"(expected mac, name, rate, burst, peak, pps, dir, action)"
#define LOWER_KEYS_EXPECTED \
	"(expected vlan, mtu, device, hairpin, strict-private, promisc, host-port, " \
	"stats-period, host-bridge, max-sleep-us, bcqueuelen, bclim)"

#define MAC1 UINT64_C(0x010000000002) /* 02:00:00:00:00:01 */
#define MAC2 UINT64_C(0x020000000002) /* 02:00:00:00:00:02 */

#define ARGS(...) ((const char *const []){ "mvtap", __VA_ARGS__, NULL })

static struct mvt_conf conf;
static char err[MVT_ERR_MAX];
static char tmpdir[] = "/tmp/mvt-conf-XXXXXX";

#define MAX_FILES 64
static char files[MAX_FILES][256];
static unsigned int n_files;

/* A formatted string that outlives the next 63 calls. */
static const char *
fmt(const char *f, ...)
{
	static char buf[64][1024];
	static unsigned int next;
	char *b = buf[next++ % RTE_DIM(buf)];
	va_list ap;

	va_start(ap, f);
	vsnprintf(b, sizeof(buf[0]), f, ap);
	va_end(ap);
	return b;
}

/* A path in the test's own directory. */
static const char *
tpath(const char *name)
{
	return fmt("%s/%s", tmpdir, name);
}

/* Write @p text to a file in the test directory; returns its path. */
static const char *
write_file(const char *name, const char *text)
{
	const char *path = tpath(name);
	FILE *f;

	f = fopen(path, "w");
	if (f == NULL)
		return NULL;
	fputs(text, f);
	fclose(f);
	if (n_files < MAX_FILES)
		strlcpy(files[n_files++], path, sizeof(files[0]));
	return path;
}

static int
parse_argv(int argc, char **argv)
{
	mvt_conf_init(&conf);
	strlcpy(err, "(err untouched)", sizeof(err));
	return mvt_conf_parse_args(&conf, argc, argv, err, sizeof(err));
}

static int
parse(const char *const *args)
{
	char *argv[64];
	int argc = 0;

	while (args[argc] != NULL && argc < (int)RTE_DIM(argv) - 1) {
		/* getopt_long takes char **; it reorders nothing with "+". */
		argv[argc] = (char *)(uintptr_t)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	return parse_argv(argc, argv);
}

static int
parse_ep(const char *spec, struct mvt_endpoint_conf *ep)
{
	strlcpy(err, "(err untouched)", sizeof(err));
	return mvt_conf_parse_endpoint(spec, ep, err, sizeof(err));
}

/* -EINVAL and exactly @p expected in err. */
static int
err_is(int ret, const char *expected, const char *input)
{
	return test_err_is(ret, err, expected, input);
}

/* mvt_conf_parse_endpoint() for test_err_cases(): only the error counts. */
static int
parse_ep_err(const char *spec, char *e, size_t len)
{
	struct mvt_endpoint_conf ep;

	return mvt_conf_parse_endpoint(spec, &ep, e, len);
}

/* A command line the parser must refuse, and its exact error line. */
struct args_case {
	const char *const *args;
	const char *err;
};

/* Each command line of @p cases is refused with exactly its line. */
static int
args_cases(const struct args_case *cases, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!err_is(parse(cases[i].args), cases[i].err,
				cases[i].args[1])) {
			printf("  (case %u)\n", i);
			return TEST_FAILED;
		}
	}
	return TEST_SUCCESS;
}

/* An INI file the loader must refuse; "%s" in err stands for its path. */
struct ini_case {
	const char *text;
	const char *err;
};

/* Each file of @p cases, written as NAME<i>.ini, is refused exactly. */
static int
ini_cases(const struct ini_case *cases, unsigned int n, const char *name)
{
	const char *path;
	unsigned int i;

	for (i = 0; i < n; i++) {
		path = write_file(fmt("%s%u.ini", name, i), cases[i].text);
		mvt_conf_init(&conf);
		if (path == NULL || !err_is(mvt_conf_load_file(&conf, path,
				err, sizeof(err)), fmt(cases[i].err, path),
				cases[i].text)) {
			printf("  (case %u)\n", i);
			return TEST_FAILED;
		}
	}
	return TEST_SUCCESS;
}

static int
suite_setup(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		printf("mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static void
suite_teardown(void)
{
	while (n_files > 0)
		unlink(files[--n_files]);
	rmdir(tmpdir);
}

static int
test_endpoint_fields(void)
{
	struct mvt_endpoint_conf ep;

	memset(&ep, 0xa5, sizeof(ep));
	TEST_ASSERT_SUCCESS(parse_ep("name=vm1,mac=02:00:00:00:00:01,"
		"mode=bridge,socket=/tmp/vm1.sock,client=1,queues=4,"
		"state=down", &ep), "good spec refused: %s", err);
	TEST_ASSERT(strcmp(ep.name, "vm1") == 0, "name %s", ep.name);
	TEST_ASSERT_EQUAL(ep.mac, MAC1, "mac");
	TEST_ASSERT_EQUAL(ep.mode, MVT_MODE_BRIDGE, "mode");
	TEST_ASSERT(strcmp(ep.socket, "/tmp/vm1.sock") == 0, "socket %s",
		ep.socket);
	TEST_ASSERT_EQUAL(ep.client, 1, "client");
	TEST_ASSERT_EQUAL(ep.queues, 4, "queues");
	TEST_ASSERT_EQUAL(ep.up, 0, "state=down");
	TEST_ASSERT_EQUAL(ep.nodst, 0, "nodst");
	TEST_ASSERT_EQUAL(ep.n_sources, 0, "n_sources");
	TEST_ASSERT_EQUAL(ep.spoofchk, 0, "default spoofchk");
	TEST_ASSERT_EQUAL(ep.rate_kbps, 0, "default rate");
	TEST_ASSERT_EQUAL(ep.burst_kb, 0, "default burst");

	TEST_ASSERT_SUCCESS(parse_ep("name=l,rate=1000,burst=200,spoofchk=1",
		&ep), "%s", err);
	TEST_ASSERT_EQUAL(ep.rate_kbps, 1000, "rate");
	TEST_ASSERT_EQUAL(ep.burst_kb, 200, "burst");
	TEST_ASSERT_EQUAL(ep.spoofchk, 1, "spoofchk");
	TEST_ASSERT_SUCCESS(parse_ep("name=l,spoofchk=0,rate=0", &ep), "%s",
		err);
	TEST_ASSERT_EQUAL(ep.rate_kbps, 0, "rate=0");
	TEST_ASSERT_EQUAL(ep.spoofchk, 0, "spoofchk=0");

	/* Defaults, over what the previous spec left behind. */
	TEST_ASSERT_SUCCESS(parse_ep("name=d", &ep), "%s", err);
	TEST_ASSERT(strcmp(ep.name, "d") == 0, "name %s", ep.name);
	TEST_ASSERT_EQUAL(ep.mac, 0, "mac");
	TEST_ASSERT_EQUAL(ep.mode, MVT_MODE_VEPA, "default mode");
	TEST_ASSERT_EQUAL(ep.socket[0], '\0', "socket");
	TEST_ASSERT_EQUAL(ep.client, 0, "default client");
	TEST_ASSERT_EQUAL(ep.queues, 1, "default queues");
	TEST_ASSERT_EQUAL(ep.up, 1, "default state");

	TEST_ASSERT_SUCCESS(parse_ep("mode=source,name=s.1_A-z,"
		"mac=02:00:00:00:00:02,socket=s.sock,nodst=1,state=up,"
		"sources=02:00:00:00:00:10+02:00:00:00:00:11+"
		"02:00:00:00:00:10,sources=02:00:00:00:00:12,queues=8,"
		"client=0", &ep), "%s", err);
	TEST_ASSERT(strcmp(ep.name, "s.1_A-z") == 0, "name %s", ep.name);
	TEST_ASSERT_EQUAL(ep.mac, MAC2, "mac");
	TEST_ASSERT_EQUAL(ep.mode, MVT_MODE_SOURCE, "mode");
	TEST_ASSERT_EQUAL(ep.nodst, 1, "nodst");
	TEST_ASSERT_EQUAL(ep.up, 1, "state=up");
	TEST_ASSERT_EQUAL(ep.queues, 8, "queues");
	/* A source listed twice counts once, as in Linux. */
	TEST_ASSERT_EQUAL(ep.n_sources, 3, "n_sources");
	TEST_ASSERT_EQUAL(ep.sources[0], UINT64_C(0x100000000002), "src 0");
	TEST_ASSERT_EQUAL(ep.sources[1], UINT64_C(0x110000000002), "src 1");
	TEST_ASSERT_EQUAL(ep.sources[2], UINT64_C(0x120000000002), "src 2");

	TEST_ASSERT_SUCCESS(parse_ep("name=p,mode=passthru", &ep), "%s", err);
	TEST_ASSERT_EQUAL(ep.mode, MVT_MODE_PASSTHRU, "mode");
	TEST_ASSERT_EQUAL(ep.mac, 0, "passthru without mac=");
	TEST_ASSERT_SUCCESS(parse_ep("name=q,mode=private", &ep), "%s", err);
	TEST_ASSERT_EQUAL(ep.mode, MVT_MODE_PRIVATE, "mode");
	TEST_ASSERT_SUCCESS(parse_ep("name=v,mode=vepa", &ep), "%s", err);
	TEST_ASSERT_EQUAL(ep.mode, MVT_MODE_VEPA, "mode");
	return TEST_SUCCESS;
}

static int
test_socket_access(void)
{
	struct mvt_endpoint_conf ep;

	TEST_ASSERT_SUCCESS(mvt_conf_parse_endpoint("name=a", &ep, err,
		sizeof(err)), "%s", err);
	TEST_ASSERT(ep.sock_uid == UINT32_MAX && ep.sock_gid == UINT32_MAX,
		"default: the process's own user and group");
	TEST_ASSERT_EQUAL(ep.sock_perm, 0660, "default mode");
	TEST_ASSERT_SUCCESS(mvt_conf_parse_endpoint(
		"name=a,owner=root,group=0,perm=0640", &ep, err, sizeof(err)),
		"%s", err);
	TEST_ASSERT_EQUAL(ep.sock_uid, 0, "owner by name");
	TEST_ASSERT_EQUAL(ep.sock_gid, 0, "group by number");
	TEST_ASSERT_EQUAL(ep.sock_perm, 0640, "mode");
	TEST_ASSERT_SUCCESS(mvt_conf_parse_endpoint("name=a,owner=4242",
		&ep, err, sizeof(err)), "%s", err);
	TEST_ASSERT_EQUAL(ep.sock_uid, 4242, "owner by number");
	TEST_ASSERT_EQUAL(ep.n_mcast, 0, "every group by default");
	TEST_ASSERT_SUCCESS(mvt_conf_parse_endpoint(
		"name=a,mcast=01:00:5e:00:00:fb+33:33:00:00:00:01+01:00:5e:00:00:fb",
		&ep, err, sizeof(err)), "%s", err);
	TEST_ASSERT_EQUAL(ep.n_mcast, 2, "two groups, the repeat ignored");
	TEST_ASSERT_EQUAL(ep.mcast[1], UINT64_C(0x010000003333), "second group");
	return TEST_SUCCESS;
}

static int
test_tap_endpoints(void)
{
	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "net_ring0", "--endpoint",
		"name=c1,type=tap,mac=02:00:00:00:00:01", "--endpoint",
		"name=c2,type=tap,ifname=mvt-c2,mac=02:00:00:00:00:02")), "%s",
		err);
	TEST_ASSERT_EQUAL(conf.ep[0].type, MVT_EP_TYPE_TAP, "type");
	TEST_ASSERT(strcmp(mvt_conf_tap_ifname(&conf.ep[0]), "c1") == 0,
		"ifname defaults to the name");
	TEST_ASSERT(strcmp(mvt_conf_tap_ifname(&conf.ep[1]), "mvt-c2") == 0,
		"ifname=");
	TEST_ASSERT_EQUAL(parse(ARGS("--lower", "net_ring0", "--endpoint",
		"name=c1,type=tap,mac=02:00:00:00:00:01,netns=mvt-no-such-ns")),
		-EINVAL, "unknown namespace");
	TEST_ASSERT(strcmp(err, "--endpoint netns=mvt-no-such-ns: no such "
		"network namespace (ip netns add mvt-no-such-ns)") == 0,
		"got %s", err);
	TEST_ASSERT_EQUAL(parse(ARGS("--lower", "net_ring0", "--endpoint",
		"name=c1,type=tap,mac=02:00:00:00:00:01,ifname=lo")), -EINVAL,
		"name clash");
	TEST_ASSERT(strcmp(err, "--endpoint ifname=lo: an interface with "
		"this name exists") == 0, "got %s", err);
	TEST_ASSERT_EQUAL(parse(ARGS("--lower", "net_ring0", "--endpoint",
		"name=c1,type=tap,mac=02:00:00:00:00:01,socket=/tmp/x.sock")),
		-EINVAL, "tap with a socket");
	TEST_ASSERT(strcmp(err, "--endpoint c1: type=tap takes no socket=, "
		"client= or queues=") == 0, "got %s", err);
	return TEST_SUCCESS;
}

/*
 * A running switch's endpoints hold what a new endpoint's checks look
 * for: validated live, they are only checked against the new one.
 */
static int
test_validate_live(void)
{
	struct mvt_endpoint_conf *ep = &conf.ep[0], *add = &conf.ep[1];

	mvt_conf_init(&conf);
	test_set_lower(&conf, "x");
	/* a tap endpoint on lo stands for one whose interface exists */
	TEST_ASSERT_SUCCESS(mvt_conf_parse_endpoint(
		"name=t,type=tap,ifname=lo,mac=02:00:00:00:00:01", ep, err,
		sizeof(err)), "%s", err);
	conf.n_endpoints = 1;
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		"--endpoint ifname=lo: an interface with this name exists",
		"at start"), "at start");
	TEST_ASSERT_SUCCESS(mvt_conf_validate_live(&conf, 1, err,
		sizeof(err)), "running: %s", err);
	TEST_ASSERT_SUCCESS(mvt_conf_parse_endpoint(
		"name=v,mac=02:00:00:00:00:02,socket=/tmp/v.sock", add, err,
		sizeof(err)), "%s", err);
	conf.n_endpoints = 2;
	TEST_ASSERT_SUCCESS(mvt_conf_validate_live(&conf, 1, err,
		sizeof(err)), "a vhost endpoint beside it: %s", err);
	/* the new endpoint's own checks, and against the running ones */
	strlcpy(add->socket, "/no-such-dir/v.sock", sizeof(add->socket));
	TEST_ASSERT(err_is(mvt_conf_validate_live(&conf, 1, err, sizeof(err)),
		"--endpoint socket=/no-such-dir/v.sock: directory /no-such-dir does not exist",
		"new socket dir"), "new socket dir");
	TEST_ASSERT_SUCCESS(mvt_conf_parse_endpoint(
		"name=u,type=tap,ifname=lo,mac=02:00:00:00:00:03", add, err,
		sizeof(err)), "%s", err);
	TEST_ASSERT(err_is(mvt_conf_validate_live(&conf, 1, err, sizeof(err)),
		"--endpoint ifname=lo: interface already used by endpoint t",
		"same interface"), "same interface");
	add->mac = ep->mac;
	strlcpy(add->ifname, "mvt-u", sizeof(add->ifname));
	TEST_ASSERT(err_is(mvt_conf_validate_live(&conf, 1, err, sizeof(err)),
		"--endpoint mac=02:00:00:00:00:01: MAC already used by endpoint t",
		"same MAC"), "same MAC");
	return TEST_SUCCESS;
}

static int
test_endpoint_errors(void)
{
	static const struct test_err_case cases[] = {
		{ "name=a,mac=zz:00:00:00:00:01",
		  "--endpoint mac=zz:00:00:00:00:01: malformed MAC address" },
		{ "name=a,mac=02:00:00:00:00:01:",
		  "--endpoint mac=02:00:00:00:00:01:: malformed MAC address" },
		{ "name=a,foo=1",
		  "--endpoint foo=1: unknown key " KEYS_EXPECTED },
		{ "name=a,Name=b",
		  "--endpoint Name=b: unknown key " KEYS_EXPECTED },
		{ "name=a,mode=bogus",
		  "--endpoint mode=bogus: unknown mode (expected vepa, bridge, private, passthru, source)" },
		{ "name=a,queues=0",
		  "--endpoint queues=0: queue count must be 1..8" },
		{ "name=a,mcast=01:00:5e:00:00:fb+02:00:00:00:00:01",
		  "--endpoint mcast=02:00:00:00:00:01: not a multicast address" },
		{ "name=a,mcast=01:00:5e:00:00:zz",
		  "--endpoint mcast=01:00:5e:00:00:zz: malformed MAC address" },
		{ "name=a,type=veth",
		  "--endpoint type=veth: expected vhost or tap" },
		{ "name=a,ifname=a/b",
		  "--endpoint ifname=a/b: not an interface name (1..15 characters, no '/', ':' or blanks)" },
		{ "name=a,perm=0666",
		  "--endpoint perm=0666: a vhost-user socket must not be world-writable" },
		{ "name=a,perm=rw",
		  "--endpoint perm=rw: expected an octal mode such as 0660" },
		{ "name=a,perm=01000",
		  "--endpoint perm=01000: expected an octal mode such as 0660" },
		{ "name=a,owner=no-such-user-here",
		  "--endpoint owner=no-such-user-here: no such user" },
		{ "name=a,group=no-such-group-here",
		  "--endpoint group=no-such-group-here: no such group" },
		{ "name=a,queues=9",
		  "--endpoint queues=9: queue count must be 1..8" },
		{ "name=a,queues=-1",
		  "--endpoint queues=-1: queue count must be 1..8" },
		{ "name=a,queues=2x",
		  "--endpoint queues=2x: queue count must be 1..8" },
		{ "name=a,queues=",
		  "--endpoint queues=: queue count must be 1..8" },
		{ "name=a,client=2",
		  "--endpoint client=2: expected 0 or 1" },
		{ "name=a,client=yes",
		  "--endpoint client=yes: expected 0 or 1" },
		{ "name=a,nodst=01",
		  "--endpoint nodst=01: expected 0 or 1" },
		{ "name=a,state=sideways",
		  "--endpoint state=sideways: expected up or down" },
		{ "name=,mac=02:00:00:00:00:01",
		  "--endpoint name=: empty name" },
		{ "name=a/b",
		  "--endpoint name=a/b: name may contain only A-Z a-z 0-9 _ . -" },
		{ "name=a b",
		  "--endpoint name=a b: name may contain only A-Z a-z 0-9 _ . -" },
		{ "name=a,socket=",
		  "--endpoint socket=: empty path" },
		{ "name=a,mode=source,sources=02:00:00:00:00:10+zz",
		  "--endpoint sources=zz: malformed MAC address" },
		{ "name=a,mode=source,sources=02:00:00:00:00:10+",
		  "--endpoint sources=: malformed MAC address" },
		{ "name=a,mode=source,sources=02:00:00:00:00:10:ff:ff",
		  "--endpoint sources=02:00:00:00:00:10:ff:ff: malformed MAC address" },
		{ "name=a,mode=source,sources=01:00:5e:00:00:01",
		  "--endpoint sources=01:00:5e:00:00:01: not a unicast address" },
		{ "name=a,xyz",
		  "--endpoint xyz: expected key=value" },
		{ "name=a,mac=01:00:5e:00:00:01",
		  "--endpoint mac=01:00:5e:00:00:01: not a unicast address" },
		{ "name=a,mac=ff:ff:ff:ff:ff:ff",
		  "--endpoint mac=ff:ff:ff:ff:ff:ff: not a unicast address" },
		{ "name=a,mac=00:00:00:00:00:00",
		  "--endpoint mac=00:00:00:00:00:00: not a unicast address" },
		{ "name=a,mac=02:00:00:00:00:01,mac=02:00:00:00:00:02",
		  "--endpoint mac=02:00:00:00:00:02: key given twice" },
		{ "name=a,name=b",
		  "--endpoint name=b: key given twice" },
		{ "mac=02:00:00:00:00:01,socket=/tmp/a.sock",
		  "--endpoint mac=02:00:00:00:00:01,socket=/tmp/a.sock: name= missing" },
		{ "name=a,rate=abc",
		  "--endpoint rate=abc: expected a number of kbit/s" },
		{ "name=a,rate=-5",
		  "--endpoint rate=-5: expected a number of kbit/s" },
		{ "name=a,rate=1000000001",
		  "--endpoint rate=1000000001: at most 1000000000 kbit/s" },
		{ "name=a,rate=1,burst=x",
		  "--endpoint burst=x: expected a number of kbit" },
		{ "name=a,rate=1,burst=1000000001",
		  "--endpoint burst=1000000001: at most 1000000000 kbit" },
		{ "name=a,burst=100",
		  "--endpoint burst=100: needs rate=" },
		{ "name=a,rate=0,burst=100",
		  "--endpoint burst=100: needs rate=" },
		{ "name=a,rate=1,rate=2",
		  "--endpoint rate=2: key given twice" },
		{ "name=a,spoofchk=2",
		  "--endpoint spoofchk=2: expected 0 or 1" },
		{ "name=a,spoofchk=",
		  "--endpoint spoofchk=: expected 0 or 1" },
	};
	TEST_ASSERT_SUCCESS(test_err_cases(cases, RTE_DIM(cases),
		parse_ep_err, err, sizeof(err)), "a case failed");
	return TEST_SUCCESS;
}

/*
 * An error line quotes what it refuses; control characters there are
 * escaped, so that the line stays one line (a SPEC or a path may hold a
 * newline).
 */
static int
test_one_line_errors(void)
{
	static const struct test_err_case cases[] = {
		{ "name=a\nb",
		  "--endpoint name=a\\nb: name may contain only A-Z a-z 0-9 _ . -" },
		{ "mac=02:00:00:00:00:01,socket=/tmp/a\nb.sock",
		  "--endpoint mac=02:00:00:00:00:01,socket=/tmp/a\\nb.sock: name= missing" },
		{ "name=a,mac=02:00:00:00:00:01\n",
		  "--endpoint mac=02:00:00:00:00:01\\n: malformed MAC address" },
		{ "name=a,\n",
		  "--endpoint \\n: expected key=value" },
		{ "name=a\r\n",
		  "--endpoint name=a\\r\\n: name may contain only A-Z a-z 0-9 _ . -" },
		{ "name=a\tb",
		  "--endpoint name=a\\tb: name may contain only A-Z a-z 0-9 _ . -" },
		{ "name=a,mode=\x1b[1mvepa\x7f",
		  "--endpoint mode=\\x1b[1mvepa\\x7f: unknown mode (expected vepa, bridge, private, passthru, source)" },
		/* A backslash is left alone: lines without controls are as ever. */
		{ "name=a\\nb",
		  "--endpoint name=a\\nb: name may contain only A-Z a-z 0-9 _ . -" },
	};
	struct mvt_endpoint_conf ep;
	const char *path;
	char small[20];

	TEST_ASSERT_SUCCESS(test_err_cases(cases, RTE_DIM(cases),
		parse_ep_err, err, sizeof(err)), "a case failed");

	/* The policy parser's lines, the command line's and a file's path. */
	TEST_ASSERT(err_is(parse(ARGS("--lower", "x", "--policy",
		"mac=02:00:00:00:00:01,rate=1,name=p\nq")),
		"--policy name=p\\nq: name may contain only A-Z a-z 0-9 _ . -",
		"--policy"), "--policy");
	TEST_ASSERT(err_is(parse(ARGS("--lower", "x", "two\nlines")),
		"two\\nlines: unexpected argument", "stray"), "stray");
	path = write_file("new\nline.ini", "[lower]\nhairpin = 2\n");
	TEST_ASSERT_NOT_NULL(path, "write_file");
	mvt_conf_init(&conf);
	TEST_ASSERT(err_is(mvt_conf_load_file(&conf, path, err, sizeof(err)),
		fmt("config %s/new\\nline.ini: [lower] hairpin=2: expected 0 or 1",
			tmpdir), "path"), "path");

	/* A line cut short is never cut inside an escape. */
	TEST_ASSERT_EQUAL(mvt_conf_parse_endpoint("name=a\nb", &ep, small,
		sizeof(small)), -EINVAL, "small buffer");
	TEST_ASSERT(strcmp(small, "--endpoint name=a\\n") == 0, "got %s",
		small);
	TEST_ASSERT_EQUAL(mvt_conf_parse_endpoint("name=a\nb", &ep, small,
		sizeof(small) - 1), -EINVAL, "smaller buffer");
	TEST_ASSERT(strcmp(small, "--endpoint name=a") == 0, "got %s", small);
	return TEST_SUCCESS;
}

/* The limits, one character either side. */
/* A spec of 4095 characters is taken whole; one more is refused. */
static int
test_endpoint_spec_length(void)
{
	static char spec[4097];
	struct mvt_endpoint_conf ep;

	memset(spec, ',', sizeof(spec) - 2);
	memcpy(spec, "name=a,mac=02:00:00:00:00:01", 28);
	TEST_ASSERT_SUCCESS(parse_ep(spec, &ep), "4095 characters: %s", err);
	TEST_ASSERT(strcmp(ep.name, "a") == 0 && ep.mac == MAC1,
		"4095 characters: name %s mac %" PRIx64, ep.name, ep.mac);
	spec[sizeof(spec) - 2] = ',';
	TEST_ASSERT(err_is(parse_ep(spec, &ep),
		"--endpoint: spec longer than 4095 characters", "4096 characters"),
		"4096 characters");
	return TEST_SUCCESS;
}

static int
test_endpoint_limits(void)
{
	struct mvt_endpoint_conf ep;
	char name[MVT_NAME_MAX + 1], sock[MVT_SOCKET_MAX + 1];
	char spec[4096], mac[MVT_MAC_STRLEN];
	const char *s;
	size_t len;
	int i;

	memset(name, 'n', MVT_NAME_MAX - 1);
	name[MVT_NAME_MAX - 1] = '\0';
	s = fmt("name=%s", name);
	TEST_ASSERT_SUCCESS(parse_ep(s, &ep), "31-char name: %s", err);
	TEST_ASSERT(strcmp(ep.name, name) == 0, "name %s", ep.name);
	strcat(name, "n");
	s = fmt("name=%s", name);
	TEST_ASSERT(err_is(parse_ep(s, &ep),
		fmt("--endpoint name=%s: name longer than 31 characters", name),
		s), "32-char name");

	sock[0] = '/';
	memset(sock + 1, 's', MVT_SOCKET_MAX - 2);
	sock[MVT_SOCKET_MAX - 1] = '\0';
	s = fmt("name=a,socket=%s", sock);
	TEST_ASSERT_SUCCESS(parse_ep(s, &ep), "107-char path: %s", err);
	TEST_ASSERT(strcmp(ep.socket, sock) == 0, "socket");
	strcat(sock, "s");
	s = fmt("name=a,socket=%s", sock);
	TEST_ASSERT(err_is(parse_ep(s, &ep),
		fmt("--endpoint socket=%s: path longer than 107 characters",
			sock), s), "108-char path");

	len = (size_t)snprintf(spec, sizeof(spec), "name=a,mode=source,sources=");
	for (i = 0; i < MVT_SOURCES_MAX; i++) {
		mvt_mac_format(UINT64_C(0x000000000002) | (uint64_t)i << 40,
			mac);
		len += (size_t)snprintf(spec + len, sizeof(spec) - len, "%s%s",
			i > 0 ? "+" : "", mac);
	}
	TEST_ASSERT_SUCCESS(parse_ep(spec, &ep), "64 sources: %s", err);
	TEST_ASSERT_EQUAL(ep.n_sources, MVT_SOURCES_MAX, "n_sources");
	TEST_ASSERT_EQUAL(ep.sources[63], UINT64_C(0x3f0000000002), "last");
	/* A repeat of a listed one does not count against the limit. */
	snprintf(spec + len, sizeof(spec) - len, "+02:00:00:00:00:00");
	TEST_ASSERT_SUCCESS(parse_ep(spec, &ep), "repeat: %s", err);
	snprintf(spec + len, sizeof(spec) - len, "+02:00:00:00:00:ff");
	TEST_ASSERT(err_is(parse_ep(spec, &ep),
		"--endpoint sources=02:00:00:00:00:ff: too many sources (max 64)",
		"65 sources"), "65 sources");
	/* sources= accumulates across repeats, under the same limit. */
	snprintf(spec + len, sizeof(spec) - len, ",sources=02:00:00:00:00:fe");
	TEST_ASSERT(err_is(parse_ep(spec, &ep),
		"--endpoint sources=02:00:00:00:00:fe: too many sources (max 64)",
		"64 + 1 sources"), "64 + 1 sources");
	return test_endpoint_spec_length();
}

static int
test_args_good(void)
{
	const char *a = tpath("a.sock"), *b = tpath("b.sock");

	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "0000:01:00.0",
		"--endpoint", fmt("name=a,mac=02:00:00:00:00:01,socket=%s", a),
		"--hairpin", "--strict-private", "--promisc",
		"--host-port", "net_tap0,iface=mvt0", "--stats-period", "3600",
		"--host-bridge", "--bcqueuelen", "0", "--max-sleep-us", "10000",
		"--bclim", "-2147483648",
		"--endpoint", fmt("name=b,mac=02:00:00:00:00:02,mode=bridge,"
			"socket=%s,client=1", b))), "%s", err);
	TEST_ASSERT(strcmp(conf.lowers[0].dev, "0000:01:00.0") == 0, "lower %s",
		conf.lowers[0].dev);
	TEST_ASSERT(strcmp(conf.host_port, "net_tap0,iface=mvt0") == 0,
		"host_port %s", conf.host_port);
	TEST_ASSERT_EQUAL(conf.hairpin, 1, "hairpin");
	TEST_ASSERT_EQUAL(conf.strict_private, 1, "strict_private");
	TEST_ASSERT_EQUAL(conf.promisc, 1, "promisc");
	TEST_ASSERT_EQUAL(conf.stats_period, 3600, "stats_period");
	TEST_ASSERT_EQUAL(conf.host_bridge, 1, "host_bridge");
	TEST_ASSERT_EQUAL(conf.bcqueuelen, 0, "bcqueuelen");
	TEST_ASSERT_EQUAL(conf.max_sleep_us, 10000, "max_sleep_us");
	TEST_ASSERT_EQUAL(conf.bclim, INT32_MIN, "bclim");
	TEST_ASSERT_EQUAL(conf.n_endpoints, 2, "n_endpoints");
	TEST_ASSERT(strcmp(conf.ep[0].name, "a") == 0, "ep0 %s",
		conf.ep[0].name);
	TEST_ASSERT(strcmp(conf.ep[0].socket, a) == 0, "ep0 socket");
	TEST_ASSERT_EQUAL(conf.ep[0].mac, MAC1, "ep0 mac");
	TEST_ASSERT_EQUAL(conf.ep[0].mode, MVT_MODE_VEPA, "ep0 mode");
	TEST_ASSERT(strcmp(conf.ep[1].name, "b") == 0, "ep1 %s",
		conf.ep[1].name);
	TEST_ASSERT_EQUAL(conf.ep[1].mac, MAC2, "ep1 mac");
	TEST_ASSERT_EQUAL(conf.ep[1].mode, MVT_MODE_BRIDGE, "ep1 mode");
	TEST_ASSERT_EQUAL(conf.ep[1].client, 1, "ep1 client");

	/* Nothing but the lower: all off. */
	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "net_ring0")), "%s", err);
	TEST_ASSERT_EQUAL(conf.hairpin, 0, "hairpin");
	TEST_ASSERT_EQUAL(conf.strict_private, 0, "strict_private");
	TEST_ASSERT_EQUAL(conf.promisc, 0, "promisc");
	TEST_ASSERT_EQUAL(conf.stats_period, 0, "stats_period");
	TEST_ASSERT_EQUAL(conf.host_port[0], '\0', "host_port");
	TEST_ASSERT_EQUAL(conf.host_bridge, 0, "host_bridge");
	TEST_ASSERT_EQUAL(conf.bcqueuelen, 1000, "bcqueuelen default");
	TEST_ASSERT_EQUAL(conf.bclim, 1, "bclim default, as Linux");
	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "x", "--bclim",
		"2147483647")), "%s", err);
	TEST_ASSERT_EQUAL(conf.bclim, INT32_MAX, "bclim max");
	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "x", "--bclim", "-1")),
		"%s", err);
	TEST_ASSERT_EQUAL(conf.bclim, -1, "bclim negative");
	TEST_ASSERT_EQUAL(conf.n_endpoints, 0, "n_endpoints");

	/* A passthru endpoint alone needs no mac=. */
	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "net_ring0", "--endpoint",
		fmt("name=p,mode=passthru,socket=%s", a))), "%s", err);
	TEST_ASSERT_EQUAL(conf.ep[0].mode, MVT_MODE_PASSTHRU, "mode");
	TEST_ASSERT_EQUAL(conf.ep[0].mac, 0, "mac");

	/* A socket path without a directory is in the working directory. */
	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "net_ring0", "--endpoint",
		"name=r,mac=02:00:00:00:00:01,socket=r.sock")), "%s", err);
	return TEST_SUCCESS;
}

static int
test_args_override(void)
{
	const char *ini = write_file("period.ini",
		"[lower]\nstats-period = 7\ndevice = from_file\n");

	TEST_ASSERT_NOT_NULL(ini, "write_file");
	TEST_ASSERT_SUCCESS(parse(ARGS("--stats-period", "5", "--lower", "x",
		"--stats-period", "10", "--lower", "y")), "%s", err);
	TEST_ASSERT_EQUAL(conf.stats_period, 10, "later --stats-period");
	TEST_ASSERT(strcmp(conf.lowers[0].dev, "y") == 0, "later --lower: %s",
		conf.lowers[0].dev);

	TEST_ASSERT_SUCCESS(parse(ARGS("--stats-period", "9", "--config", ini)),
		"%s", err);
	TEST_ASSERT_EQUAL(conf.stats_period, 7, "file after option");
	TEST_ASSERT(strcmp(conf.lowers[0].dev, "from_file") == 0, "lower %s",
		conf.lowers[0].dev);
	TEST_ASSERT_SUCCESS(parse(ARGS("--config", ini, "--stats-period", "0",
		"--lower", "z")), "%s", err);
	TEST_ASSERT_EQUAL(conf.stats_period, 0, "option after file");
	TEST_ASSERT(strcmp(conf.lowers[0].dev, "z") == 0, "lower %s", conf.lowers[0].dev);
	return TEST_SUCCESS;
}

static int
test_args_help(void)
{
	TEST_ASSERT_EQUAL(parse(ARGS("--help")), 1, "--help");
	TEST_ASSERT_EQUAL(parse(ARGS("-h")), 1, "-h");
	/* Help wins over what is missing or wrong after it... */
	TEST_ASSERT_EQUAL(parse(ARGS("--lower", "x", "--help", "--foo")), 1,
		"--help before an error");
	/* ...but not over an error before it. */
	TEST_ASSERT(err_is(parse(ARGS("--foo", "--help")),
		"unknown option --foo", "--foo --help"), "--foo --help");
	/*
	 * "-hx" leaves getopt half way through "-hx"; the next parse must
	 * start afresh rather than see a stray "-x".
	 */
	TEST_ASSERT_EQUAL(parse(ARGS("-hx")), 1, "-hx");
	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "x")), "after -hx: %s", err);
	TEST_ASSERT(strcmp(conf.lowers[0].dev, "x") == 0, "lower %s", conf.lowers[0].dev);
	return TEST_SUCCESS;
}

static int
test_args_errors(void)
{
	char longdev[MVT_DEVARGS_MAX + 1];
	const struct args_case cases[] = {
		{ ARGS("--foo"), "unknown option --foo" },
		{ ARGS("--lower", "x", "--foo=bar"), "unknown option --foo" },
		{ ARGS("-x"), "unknown option -x" },
		{ ARGS("--lower"), "--lower: missing argument" },
		{ ARGS("--lower", "x", "--endpoint"),
		  "--endpoint: missing argument" },
		{ ARGS("--hairpin=1"), "--hairpin=1: takes no argument" },
		{ ARGS("--stats-period", "3601"),
		  "--stats-period 3601: expected an integer 0..3600" },
		{ ARGS("--stats-period", "-1"),
		  "--stats-period -1: expected an integer 0..3600" },
		{ ARGS("--stats-period", "1s"),
		  "--stats-period 1s: expected an integer 0..3600" },
		{ ARGS("--stats-period", ""),
		  "--stats-period : expected an integer 0..3600" },
		{ ARGS("--lower", "x", "stray", "--hairpin"),
		  "stray: unexpected argument" },
		{ ARGS("--lower", "x", "--host-bridge"),
		  "--host-bridge: needs a host port (--host-port DEVICE)" },
		{ ARGS("--lower", "x", "--bcqueuelen", "4097"),
		  "--bcqueuelen 4097: expected an integer 0..4096" },
		{ ARGS("--lower", "x", "--max-sleep-us", "10001"),
		  "--max-sleep-us 10001: expected an integer 0..10000" },
		{ ARGS("--lower", "x", "--max-sleep-us", "-1"),
		  "--max-sleep-us -1: expected an integer 0..10000" },
		{ ARGS("--lower", "x", "--bclim", "2147483648"),
		  "--bclim 2147483648: expected an integer -2147483648..2147483647" },
		{ ARGS("--lower", "x", "--bclim", "-2147483649"),
		  "--bclim -2147483649: expected an integer -2147483648..2147483647" },
		{ ARGS("--lower", "x", "--bclim", "1x"),
		  "--bclim 1x: expected an integer -2147483648..2147483647" },
		{ ARGS("--lower", "x", "--bclim", "-"),
		  "--bclim -: expected an integer -2147483648..2147483647" },
		{ ARGS("--lower", "x", "--bclim", "+1"),
		  "--bclim +1: expected an integer -2147483648..2147483647" },
		/* The first mistake in argv order is the one reported. */
		{ ARGS("--lower", "x", "stray", "--foo"),
		  "stray: unexpected argument" },
		{ ARGS("--lower", ""), "--lower: empty device" },
		{ ARGS("--lower", "x", "--host-port", longdev),
		  "--host-port: longer than 255 characters" },
		{ ARGS("--lower", "x", "--endpoint", "name=a,mode=bogus"),
		  "--endpoint mode=bogus: unknown mode (expected vepa, bridge, private, passthru, source)" },
		{ ARGS("--lower", "x", "--config", "/nonexistent/x.ini"),
		  "--config /nonexistent/x.ini: cannot read file" },
		{ ARGS("--lower", "x", "--policy"),
		  "--policy: missing argument" },
		{ ARGS("--lower", "x", "--policy", "mac=02:00:00:00:00:01,rate=abc"),
		  "--policy rate=abc: expected a number of kbit/s" },
		{ ARGS("--lower", "x", "--policy", "mac=02:00:00:00:00:01,dir=up"),
		  "--policy dir=up: expected in, out or both" },
		{ ARGS("--lower", "x", "--policy", "mac=02:00:00:00:00:01"),
		  "--policy: allow needs rate=, pps= or both" },
		{ ARGS("--lower", "x", "--policy", "rate=1"),
		  "--policy: mac= missing" },
		{ ARGS("--lower", "x", "--policy", "mac=02:00:00:00:00:01,rate=1,x=1"),
		  "--policy x=1: unknown key " POLICY_KEYS_EXPECTED },
	};

	memset(longdev, 'd', MVT_DEVARGS_MAX);
	longdev[MVT_DEVARGS_MAX] = '\0';
	TEST_ASSERT_SUCCESS(args_cases(cases, RTE_DIM(cases)), "a case failed");

	/* The longest device string fits. */
	longdev[MVT_DEVARGS_MAX - 1] = '\0';
	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", longdev)), "%s", err);
	TEST_ASSERT(strcmp(conf.lowers[0].dev, longdev) == 0, "lower");
	return TEST_SUCCESS;
}

/* Errors are ours to word: getopt must not print its own. */
static int
test_args_quiet(void)
{
	const char *path = tpath("stderr.txt");
	int saved, fd, ret;
	long size = -1;
	FILE *f;

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	TEST_ASSERT(saved >= 0 && fd >= 0, "open %s", path);
	if (n_files < MAX_FILES)
		strlcpy(files[n_files++], path, sizeof(files[0]));
	dup2(fd, STDERR_FILENO);
	close(fd);
	ret = parse(ARGS("--foo"));
	if (ret == -EINVAL)
		ret = parse(ARGS("--lower"));
	if (ret == -EINVAL)
		ret = parse(ARGS("-x"));
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	TEST_ASSERT_EQUAL(ret, -EINVAL, "%s", err);
	f = fopen(path, "r");
	if (f != NULL) {
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		fclose(f);
	}
	TEST_ASSERT_EQUAL(size, 0, "bytes written to stderr");
	return TEST_SUCCESS;
}

static int
test_validate_errors(void)
{
	const char *a = fmt("socket=%s", tpath("a.sock"));
	const char *b = fmt("socket=%s", tpath("b.sock"));
	const char *file = write_file("plain", "");
	const struct args_case cases[] = {
		{ ARGS("--hairpin"),
		  "--lower: missing (a PCI address or vdev devargs string)" },
		{ ARGS("--lower", "x", "--endpoint",
			"name=a,mac=02:00:00:00:00:01"),
		  "--endpoint a: socket= missing" },
		{ ARGS("--lower", "x", "--endpoint", fmt("name=a,%s", a)),
		  "--endpoint a: mac= missing" },
		{ ARGS("--lower", "x",
			"--endpoint", fmt("name=a,mac=02:00:00:00:00:01,%s", a),
			"--endpoint", fmt("name=a,mac=02:00:00:00:00:02,%s", b)),
		  "--endpoint name=a: duplicate endpoint name" },
		{ ARGS("--lower", "x",
			"--endpoint", fmt("name=a,mac=02:ab:00:00:00:01,%s", a),
			"--endpoint", fmt("name=b,mac=02:AB:00:00:00:01,%s", b)),
		  "--endpoint mac=02:ab:00:00:00:01: MAC already used by endpoint a" },
		{ ARGS("--lower", "x",
			"--endpoint", fmt("name=a,mac=02:00:00:00:00:01,%s", a),
			"--endpoint", fmt("name=b,mac=02:00:00:00:00:01,%s,standby=1", b),
			"--endpoint", fmt("name=c,mac=02:00:00:00:00:01,socket=%s,standby=1",
				tpath("c.sock"))),
		  "--endpoint mac=02:00:00:00:00:01: MAC already used by endpoint b" },
		{ ARGS("--lower", "x",
			"--endpoint", fmt("name=a,mac=02:00:00:00:00:01,%s", a),
			"--endpoint", fmt("name=b,mac=02:00:00:00:00:01,%s,standby=1,rate=1000", b)),
		  "--endpoint b: standby=1 needs a vhost-user endpoint, not passthru nor source, without rate=" },
		{ ARGS("--lower", "x",
			"--endpoint", fmt("name=a,mac=02:00:00:00:00:01,%s", a),
			"--endpoint", fmt("name=b,mac=02:00:00:00:00:02,%s", a)),
		  fmt("--endpoint %s: socket already used by endpoint a", a) },
		{ ARGS("--lower", "x",
			"--endpoint", fmt("name=a,mac=02:00:00:00:00:01,%s", a),
			"--endpoint", fmt("name=p,mode=passthru,%s", b)),
		  "--endpoint p: a passthru endpoint must be the only endpoint" },
		{ ARGS("--lower", "x",
			"--endpoint", fmt("name=p,mode=passthru,%s", b),
			"--endpoint", fmt("name=a,mac=02:00:00:00:00:01,%s", a)),
		  "--endpoint p: a passthru endpoint must be the only endpoint" },
		{ ARGS("--lower", "x", "--endpoint",
			fmt("name=a,mac=02:00:00:00:00:01,%s,"
				"sources=02:00:00:00:00:10", a)),
		  "--endpoint a: sources= needs mode=source" },
		{ ARGS("--lower", "x", "--endpoint",
			fmt("name=a,mac=02:00:00:00:00:01,mode=bridge,%s,nodst=1",
				a)),
		  "--endpoint a: nodst= needs mode=source" },
		{ ARGS("--lower", "x", "--endpoint",
			"name=a,mac=02:00:00:00:00:01,socket=/no/such/dir/x.sock"),
		  "--endpoint socket=/no/such/dir/x.sock: directory /no/such/dir does not exist" },
		{ ARGS("--lower", "x", "--endpoint",
			fmt("name=a,mac=02:00:00:00:00:01,socket=%s/x.sock",
				file)),
		  fmt("--endpoint socket=%s/x.sock: %s is not a directory",
			file, file) },
	};

	TEST_ASSERT_NOT_NULL(file, "write_file");
	TEST_ASSERT_SUCCESS(args_cases(cases, RTE_DIM(cases)), "a case failed");

	/* The same endpoints, each mistake mended, are fine. */
	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "x",
		"--endpoint", fmt("name=a,mac=02:ab:00:00:00:01,%s", a),
		"--endpoint", fmt("name=b,mac=02:ab:00:00:00:02,%s,mode=source,"
			"sources=02:00:00:00:00:10,nodst=1", b),
		"--endpoint", "name=c,mac=02:ab:00:00:00:03,socket=/c.sock")),
		"%s", err);
	TEST_ASSERT_EQUAL(conf.n_endpoints, 3, "n_endpoints");

	/* A standby endpoint may have another one's MAC, either one first. */
	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "x",
		"--endpoint", fmt("name=a,mac=02:ab:00:00:00:01,%s,standby=1", a),
		"--endpoint", fmt("name=b,mac=02:ab:00:00:00:01,%s", b))),
		"%s", err);
	TEST_ASSERT_EQUAL(conf.ep[0].standby, 1, "standby");
	TEST_ASSERT_EQUAL(conf.ep[1].standby, 0, "not standby");
	return TEST_SUCCESS;
}

/* What validate sees when a caller fills the struct by hand. */
static int
test_validate_direct(void)
{
	struct mvt_endpoint_conf *ep = &conf.ep[0];

	mvt_conf_init(&conf);
	test_set_lower(&conf, "x");
	conf.n_endpoints = 1;
	strlcpy(ep->name, "a", sizeof(ep->name));
	strlcpy(ep->socket, "a.sock", sizeof(ep->socket));
	ep->mode = MVT_MODE_VEPA;
	ep->queues = 1;
	ep->up = 1;
	ep->mac = MAC1;
	TEST_ASSERT_SUCCESS(mvt_conf_validate(&conf, err, sizeof(err)), "%s",
		err);

	ep->mac = UINT64_C(0x0100005e0001);
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		"--endpoint mac=01:00:5e:00:00:01: not a unicast address",
		"group mac"), "group mac");
	ep->mac = MAC1;
	ep->queues = 0;
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		"--endpoint a: queue count must be 1..8", "queues 0"),
		"queues 0");
	ep->queues = 1;
	ep->mode = 3;
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		"--endpoint a: invalid mode 3", "mode 3"), "mode 3");
	ep->mode = MVT_MODE_SOURCE;
	ep->n_sources = 1;
	ep->sources[0] = 0;
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		"--endpoint sources=00:00:00:00:00:00: not a unicast address",
		"zero source"), "zero source");
	ep->n_sources = 0;
	ep->name[0] = '\0';
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		"--endpoint #0: name= missing", "no name"), "no name");
	strlcpy(ep->name, "a", sizeof(ep->name));
	conf.stats_period = 3601;
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		"--stats-period 3601: expected an integer 0..3600",
		"stats_period"), "stats_period");
	conf.stats_period = 0;
	conf.n_endpoints = MVT_MAX_ENDPOINTS + 1;
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		fmt("--endpoint: too many endpoints (%d, max %d)",
			MVT_MAX_ENDPOINTS + 1, MVT_MAX_ENDPOINTS),
		"n_endpoints"), "n_endpoints");
	return TEST_SUCCESS;
}

static int
test_too_many_endpoints(void)
{
	const int n = MVT_MAX_ENDPOINTS + 1;
	char **argv, *specs;
	const size_t spec_len = 160;
	int i, argc = 0, ret = TEST_FAILED;

	argv = calloc(2 * n + 4, sizeof(*argv));
	specs = calloc(n, spec_len);
	if (argv == NULL || specs == NULL)
		goto out;
	argv[argc++] = (char *)(uintptr_t)"mvtap";
	argv[argc++] = (char *)(uintptr_t)"--lower";
	argv[argc++] = (char *)(uintptr_t)"x";
	for (i = 0; i < n; i++) {
		snprintf(specs + i * spec_len, spec_len,
			"name=e%d,mac=02:00:00:00:%02x:%02x,socket=%s/e%d.sock",
			i, (i >> 8) & 0xff, i & 0xff, tmpdir, i);
		argv[argc++] = (char *)(uintptr_t)"--endpoint";
		argv[argc++] = specs + i * spec_len;
	}
	/* Exactly the maximum is fine... */
	if (parse_argv(argc - 2, argv) != 0) {
		printf("%d endpoints refused: %s\n", MVT_MAX_ENDPOINTS, err);
		goto out;
	}
	if (conf.n_endpoints != MVT_MAX_ENDPOINTS ||
			strcmp(conf.ep[MVT_MAX_ENDPOINTS - 1].name,
				fmt("e%d", MVT_MAX_ENDPOINTS - 1)) != 0) {
		printf("n_endpoints %u, last %s\n", conf.n_endpoints,
			conf.ep[MVT_MAX_ENDPOINTS - 1].name);
		goto out;
	}
	/* ...one more is not. */
	if (!err_is(parse_argv(argc, argv),
			fmt("--endpoint name=e%d: too many endpoints (max %d)",
				MVT_MAX_ENDPOINTS, MVT_MAX_ENDPOINTS),
			"max + 1 endpoints"))
		goto out;
	ret = TEST_SUCCESS;
out:
	free(argv);
	free(specs);
	return ret;
}

static int
test_ini_good(void)
{
	const char *ini = write_file("good.ini", fmt(
		"; a comment\n"
		"[lower]\n"
		"device = net_ring0\n"
		"hairpin = 1\n"
		"strict-private = 1\n"
		"promisc = 0\n"
		"host-port = net_tap0,iface=mvt0\n"
		"stats-period = 30\n"
		"max-sleep-us = 50\n"
		"bclim = -1\n"
		"\n"
		"[endpoint vm1]\n"
		"mac = 02:00:00:00:00:01\n"
		"mode = bridge   ; trailing comment\n"
		"socket = %s/vm1.sock\n"
		"queues = 2\n"
		"client = 1\n"
		"\n"
		"[endpoint]\n"
		"name = vm2\n"
		"mac = 02:00:00:00:00:02\n"
		"socket = %s/vm2.sock\n"
		"state = down\n"
		"\n"
		"[endpoint src]\n"
		"name = src\n"
		"mode = source\n"
		"mac = 02:00:00:00:00:03\n"
		"socket = %s/src.sock\n"
		"sources = 02:00:00:00:00:10+02:00:00:00:00:11\n"
		"sources = 02:00:00:00:00:12\n"
		"nodst = 1\n", tmpdir, tmpdir, tmpdir));

	TEST_ASSERT_NOT_NULL(ini, "write_file");
	TEST_ASSERT_SUCCESS(parse(ARGS("--config", ini, "--endpoint",
		fmt("name=vm3,mac=02:00:00:00:00:04,socket=%s",
			tpath("vm3.sock")))), "%s", err);
	TEST_ASSERT(strcmp(conf.lowers[0].dev, "net_ring0") == 0, "lower %s",
		conf.lowers[0].dev);
	TEST_ASSERT(strcmp(conf.host_port, "net_tap0,iface=mvt0") == 0,
		"host_port %s", conf.host_port);
	TEST_ASSERT_EQUAL(conf.hairpin, 1, "hairpin");
	TEST_ASSERT_EQUAL(conf.strict_private, 1, "strict_private");
	TEST_ASSERT_EQUAL(conf.promisc, 0, "promisc");
	TEST_ASSERT_EQUAL(conf.stats_period, 30, "stats_period");
	TEST_ASSERT_EQUAL(conf.max_sleep_us, 50, "max_sleep_us from the file");
	TEST_ASSERT_EQUAL(conf.bclim, -1, "bclim");
	TEST_ASSERT_EQUAL(conf.n_endpoints, 4, "n_endpoints");

	TEST_ASSERT(strcmp(conf.ep[0].name, "vm1") == 0,
		"name from the section: %s", conf.ep[0].name);
	TEST_ASSERT_EQUAL(conf.ep[0].mac, MAC1, "vm1 mac");
	TEST_ASSERT_EQUAL(conf.ep[0].mode, MVT_MODE_BRIDGE, "vm1 mode");
	TEST_ASSERT(strcmp(conf.ep[0].socket, tpath("vm1.sock")) == 0,
		"vm1 socket %s", conf.ep[0].socket);
	TEST_ASSERT_EQUAL(conf.ep[0].queues, 2, "vm1 queues");
	TEST_ASSERT_EQUAL(conf.ep[0].client, 1, "vm1 client");
	TEST_ASSERT_EQUAL(conf.ep[0].up, 1, "vm1 up");

	TEST_ASSERT(strcmp(conf.ep[1].name, "vm2") == 0, "name from name=: %s",
		conf.ep[1].name);
	TEST_ASSERT_EQUAL(conf.ep[1].mac, MAC2, "vm2 mac");
	TEST_ASSERT_EQUAL(conf.ep[1].mode, MVT_MODE_VEPA, "vm2 mode");
	TEST_ASSERT_EQUAL(conf.ep[1].up, 0, "vm2 down");

	TEST_ASSERT(strcmp(conf.ep[2].name, "src") == 0, "src name %s",
		conf.ep[2].name);
	TEST_ASSERT_EQUAL(conf.ep[2].mode, MVT_MODE_SOURCE, "src mode");
	TEST_ASSERT_EQUAL(conf.ep[2].nodst, 1, "src nodst");
	TEST_ASSERT_EQUAL(conf.ep[2].n_sources, 3, "sources= accumulates");
	TEST_ASSERT_EQUAL(conf.ep[2].sources[2], UINT64_C(0x120000000002),
		"third source");

	TEST_ASSERT(strcmp(conf.ep[3].name, "vm3") == 0,
		"command line after the file: %s", conf.ep[3].name);

	/* mvt_conf_load_file alone does not validate. */
	ini = write_file("novalidate.ini", "[endpoint a]\nmode = bridge\n");
	TEST_ASSERT_NOT_NULL(ini, "write_file");
	mvt_conf_init(&conf);
	TEST_ASSERT_SUCCESS(mvt_conf_load_file(&conf, ini, err, sizeof(err)),
		"%s", err);
	TEST_ASSERT_EQUAL(conf.n_endpoints, 1, "n_endpoints");
	TEST_ASSERT_EQUAL(conf.ep[0].mode, MVT_MODE_BRIDGE, "mode");
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		"--lower: missing (a PCI address or vdev devargs string)",
		"validate"), "validate");
	return TEST_SUCCESS;
}

static int
test_ini_errors(void)
{
	char longval[300];
	const struct ini_case cases[] = {
		{ "[lower]\nfoo = 1\n",
		  "config %s: [lower] foo: unknown key " LOWER_KEYS_EXPECTED },
		{ "[lower]\nhairpin = yes\n",
		  "config %s: [lower] hairpin=yes: expected 0 or 1" },
		{ "[lower]\npromisc = 2\n",
		  "config %s: [lower] promisc=2: expected 0 or 1" },
		{ "[lower]\nstrict-private = on\n",
		  "config %s: [lower] strict-private=on: expected 0 or 1" },
		{ "[lower]\nstats-period = 4000\n",
		  "config %s: [lower] stats-period=4000: expected an integer 0..3600" },
		{ "[lower]\nmax-sleep-us = 1e3\n",
		  "config %s: [lower] max-sleep-us=1e3: expected an integer 0..10000" },
		{ "[lower]\nbclim = one\n",
		  "config %s: [lower] bclim=one: expected an integer -2147483648..2147483647" },
		{ "[lower]\ndevice = a\ndevice = b\n",
		  "config %s: [lower] device=b: key given twice" },
		{ "[lower]\ndevice = a\n[lower]\nhairpin = 1\n",
		  "config %s: [lower]: section given twice" },
		{ "[bogus]\nx = 1\n",
		  "config %s: [bogus]: unknown section (expected lower, lower NAME, endpoint NAME, policy NAME or mirror NAME)" },
		{ "[endpointa]\nmac = 02:00:00:00:00:01\n",
		  "config %s: [endpointa]: unknown section (expected lower, lower NAME, endpoint NAME, policy NAME or mirror NAME)" },
		{ "[endpoint a]\nfoo = 1\n",
		  "config %s: [endpoint a] foo=1: unknown key " KEYS_EXPECTED },
		{ "[endpoint a]\nmac = zz:00:00:00:00:01\n",
		  "config %s: [endpoint a] mac=zz:00:00:00:00:01: malformed MAC address" },
		{ "[endpoint a]\nqueues = 0\n",
		  "config %s: [endpoint a] queues=0: queue count must be 1..8" },
		{ "[endpoint a]\nmode = bogus\n",
		  "config %s: [endpoint a] mode=bogus: unknown mode (expected vepa, bridge, private, passthru, source)" },
		{ "[endpoint a]\nname = b\n",
		  "config %s: [endpoint a] name=b: differs from the section name" },
		{ "[endpoint]\nmac = 02:00:00:00:00:01\n",
		  "config %s: [endpoint]: name= missing" },
		{ "[endpoint bad!]\nmac = 02:00:00:00:00:01\n",
		  "config %s: [endpoint bad!] name=bad!: name may contain only A-Z a-z 0-9 _ . -" },
		{ "[lower]\ndevice = x\nhairpin\n",
		  "config %s: line 3: expected key=value" },
		{ "device = x\n[lower]\n",
		  "--config %s: not a valid INI file (a key outside a section, an empty value, a missing ']' or a line too long)" },
		{ "[lower]\ndevice =\n",
		  "--config %s: not a valid INI file (a key outside a section, an empty value, a missing ']' or a line too long)" },
	};
	const char *path;

	TEST_ASSERT_SUCCESS(ini_cases(cases, RTE_DIM(cases), "bad"),
		"a case failed");

	/* A value rte_cfgfile would cut short is refused, not cut. */
	memset(longval, 'v', sizeof(longval) - 1);
	longval[sizeof(longval) - 1] = '\0';
	path = write_file("long.ini", fmt("[lower]\ndevice = %s\n", longval));
	TEST_ASSERT_NOT_NULL(path, "write_file");
	TEST_ASSERT(err_is(mvt_conf_load_file(&conf, path, err, sizeof(err)),
		fmt("config %s: line 2: value longer than 255 characters",
			path), "long value"), "long value");

	path = tpath("missing.ini");
	TEST_ASSERT(err_is(mvt_conf_load_file(&conf, path, err, sizeof(err)),
		fmt("--config %s: cannot read file", path), "missing file"),
		"missing file");

	/* Through the command line: the same line, and validation after. */
	path = write_file("via_args.ini", "[endpoint a]\nclient = 2\n");
	TEST_ASSERT_NOT_NULL(path, "write_file");
	TEST_ASSERT(err_is(parse(ARGS("--lower", "x", "--config", path)),
		fmt("config %s: [endpoint a] client=2: expected 0 or 1", path),
		"--config"), "--config");
	path = write_file("dup.ini", fmt("[endpoint a]\n"
		"mac = 02:00:00:00:00:01\nsocket = %s\n", tpath("a.sock")));
	TEST_ASSERT_NOT_NULL(path, "write_file");
	TEST_ASSERT(err_is(parse(ARGS("--lower", "x", "--config", path,
		"--endpoint", fmt("name=a,mac=02:00:00:00:00:02,socket=%s",
			tpath("b.sock")))),
		"--endpoint name=a: duplicate endpoint name", "dup"), "dup");
	return TEST_SUCCESS;
}

static int
policy_is(const struct mvt_policy_conf *pc, const char *name, uint64_t mac,
	uint32_t rate, uint32_t burst, uint32_t pps, unsigned int dir,
	unsigned int action)
{
	if (strcmp(pc->name, name) == 0 && pc->mac == mac &&
			pc->rate_kbps == rate && pc->burst_kb == burst &&
			pc->peak_kbps == 0 && pc->pps == pps &&
			pc->dir == dir && pc->action == action)
		return 1;
	printf("  got name=%s mac=%012" PRIx64 " rate=%u burst=%u peak=%u "
		"pps=%u dir=%u action=%u\n", pc->name, pc->mac, pc->rate_kbps,
		pc->burst_kb, pc->peak_kbps, pc->pps, pc->dir, pc->action);
	return 0;
}

/* --policy and the endpoint shorthand, in the order given. */
static int
test_policy_args(void)
{
	const char *a = fmt("socket=%s", tpath("a.sock"));
	const char *b = fmt("socket=%s", tpath("b.sock"));
	const char *c = fmt("socket=%s", tpath("c.sock"));

	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "x",
		"--endpoint", fmt("name=vm1,mac=02:00:00:00:00:01,%s,rate=1000,"
			"burst=200,spoofchk=1", a),
		"--policy", "mac=02:00:00:00:00:01,dir=in,pps=100,name=vm1-in",
		"--policy", "mac=02:00:00:00:00:09,action=deny",
		"--endpoint", fmt("name=vm2,mac=02:00:00:00:00:02,%s,rate=500",
			b),
		"--endpoint", fmt("name=vm3,mac=02:00:00:00:00:03,%s", c))),
		"%s", err);
	TEST_ASSERT_EQUAL(conf.n_endpoints, 3, "n_endpoints");
	TEST_ASSERT_EQUAL(conf.n_policies, 4, "n_policies");
	TEST_ASSERT(policy_is(&conf.policy[0], "vm1", MAC1, 1000, 200, 0,
		MVT_POLICY_DIR_OUT, MVT_POLICY_ALLOW), "vm1's shorthand");
	TEST_ASSERT(policy_is(&conf.policy[1], "vm1-in", MAC1, 0, 0, 100,
		MVT_POLICY_DIR_IN, MVT_POLICY_ALLOW), "vm1-in");
	TEST_ASSERT(policy_is(&conf.policy[2], "02:00:00:00:00:09",
		UINT64_C(0x090000000002), 0, 0, 0, MVT_POLICY_DIR_BOTH,
		MVT_POLICY_DENY), "deny");
	TEST_ASSERT(policy_is(&conf.policy[3], "vm2", MAC2, 500, 8000, 0,
		MVT_POLICY_DIR_OUT, MVT_POLICY_ALLOW), "vm2's shorthand");
	TEST_ASSERT_EQUAL(conf.ep[0].spoofchk, 1, "vm1 spoofchk");
	TEST_ASSERT_EQUAL(conf.ep[0].rate_kbps, 1000, "vm1 rate");
	TEST_ASSERT_EQUAL(conf.ep[0].burst_kb, 200, "vm1 burst");
	TEST_ASSERT_EQUAL(conf.ep[1].spoofchk, 0, "vm2 spoofchk");
	TEST_ASSERT_EQUAL(conf.ep[1].burst_kb, 0, "vm2 burst as given");
	TEST_ASSERT_EQUAL(conf.ep[2].rate_kbps, 0, "vm3 rate");

	/* A passthru endpoint without mac= keeps rate= for later. */
	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "x", "--endpoint",
		fmt("name=p,mode=passthru,%s,rate=100,burst=10", a))), "%s",
		err);
	TEST_ASSERT_EQUAL(conf.n_policies, 0, "no policy without a MAC");
	TEST_ASSERT_EQUAL(conf.ep[0].rate_kbps, 100, "rate kept");
	TEST_ASSERT_EQUAL(conf.ep[0].burst_kb, 10, "burst kept");
	/* With mac= it gets one at once. */
	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "x", "--endpoint",
		fmt("name=p,mode=passthru,mac=02:00:00:00:00:02,%s,rate=100",
			a))), "%s", err);
	TEST_ASSERT_EQUAL(conf.n_policies, 1, "passthru with mac=");
	TEST_ASSERT(policy_is(&conf.policy[0], "p", MAC2, 100, 8000, 0,
		MVT_POLICY_DIR_OUT, MVT_POLICY_ALLOW), "p's shorthand");

	/* Policies without endpoints, for MACs behind the wire. */
	TEST_ASSERT_SUCCESS(parse(ARGS("--policy",
		"mac=02:00:00:00:00:01,dir=out,rate=1", "--lower", "x",
		"--policy", "mac=02:00:00:00:00:01,dir=in,rate=2")), "%s", err);
	TEST_ASSERT_EQUAL(conf.n_policies, 2, "in and out of one MAC");
	TEST_ASSERT_EQUAL(conf.policy[1].rate_kbps, 2, "second");
	return TEST_SUCCESS;
}

/* One policy per MAC and direction, whichever way it was given. */
static int
test_policy_duplicates(void)
{
	const char *a = fmt("socket=%s", tpath("a.sock"));
	const char *dup1 = "--policy mac=02:00:00:00:00:01: a policy for this "
		"MAC already exists (02:00:00:00:00:01)";
	const char *dup_vm1 = "--policy mac=02:00:00:00:00:01: a policy for "
		"this MAC already exists (vm1)";
	const char *vm1 = fmt("name=vm1,mac=02:00:00:00:00:01,%s,rate=10", a);
	const struct args_case cases[] = {
		{ ARGS("--lower", "x",
			"--policy", "mac=02:00:00:00:00:01,rate=1",
			"--policy", "mac=02:00:00:00:00:01,pps=1"), dup1 },
		{ ARGS("--lower", "x",
			"--policy", "mac=02:00:00:00:00:01,rate=1,dir=in",
			"--policy", "mac=02:00:00:00:00:01,pps=1"), dup1 },
		{ ARGS("--lower", "x",
			"--policy", "mac=02:00:00:00:00:01,rate=1",
			"--policy", "mac=02:00:00:00:00:01,pps=1,dir=out"), dup1 },
		{ ARGS("--lower", "x",
			"--policy", "mac=02:00:00:00:00:01,rate=1,dir=in",
			"--policy", "mac=02:00:00:00:00:01,action=deny,dir=in"),
		  dup1 },
		{ ARGS("--lower", "x", "--endpoint", vm1,
			"--policy", "mac=02:00:00:00:00:01,pps=1,dir=out"),
		  dup_vm1 },
		{ ARGS("--lower", "x", "--endpoint", vm1,
			"--policy", "mac=02:00:00:00:00:01,action=deny"),
		  dup_vm1 },
		{ ARGS("--lower", "x",
			"--policy", "name=first,mac=02:00:00:00:00:01,rate=1",
			"--policy", "mac=02:00:00:00:00:02,rate=1",
			"--endpoint", vm1),
		  "--policy mac=02:00:00:00:00:01: a policy for this MAC already exists (first)" },
	};

	TEST_ASSERT_SUCCESS(args_cases(cases, RTE_DIM(cases)), "a case failed");

	/* The shorthand is dir=out: a dir=in policy beside it is fine. */
	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "x", "--endpoint", vm1,
		"--policy", "mac=02:00:00:00:00:01,pps=1,dir=in")), "%s", err);
	TEST_ASSERT_EQUAL(conf.n_policies, 2, "n_policies");
	return TEST_SUCCESS;
}

/* What validate says of policies and shorthands filled by hand. */
static int
test_policy_validate_direct(void)
{
	struct mvt_endpoint_conf *ep = &conf.ep[0];
	struct mvt_policy_conf *pc = &conf.policy[0];

	mvt_conf_init(&conf);
	test_set_lower(&conf, "x");
	conf.n_endpoints = 1;
	strlcpy(ep->name, "a", sizeof(ep->name));
	strlcpy(ep->socket, "a.sock", sizeof(ep->socket));
	ep->mode = MVT_MODE_VEPA;
	ep->queues = 1;
	ep->up = 1;
	ep->mac = MAC1;
	conf.n_policies = 1;
	mvt_policy_conf_init(pc);
	strlcpy(pc->name, "h", sizeof(pc->name));
	pc->mac = MAC2;
	pc->rate_kbps = 5;
	TEST_ASSERT_SUCCESS(mvt_conf_validate(&conf, err, sizeof(err)), "%s",
		err);

	pc->dir = 5;
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		"--policy dir=5: expected in, out or both", "dir"), "dir");
	pc->dir = MVT_POLICY_DIR_BOTH;
	pc->peak_kbps = 4;
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		"--policy peak=4: peak must be at least rate", "peak"), "peak");
	pc->peak_kbps = 0;
	conf.n_policies = MVT_POLICIES_MAX + 1;
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		"--policy: too many policies (1025, max 1024)", "n_policies"),
		"n_policies");
	conf.n_policies = 1;

	ep->burst_kb = 5;
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		"--endpoint a: burst= needs rate=", "burst"), "burst");
	ep->rate_kbps = MVT_POLICY_RATE_MAX + 1;
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		"--endpoint a: rate= at most 1000000000 kbit/s", "rate"),
		"rate");
	ep->rate_kbps = 1;
	ep->burst_kb = MVT_POLICY_BURST_MAX + 1;
	TEST_ASSERT(err_is(mvt_conf_validate(&conf, err, sizeof(err)),
		"--endpoint a: burst= at most 1000000000 kbit", "burst max"),
		"burst max");
	ep->burst_kb = 1;
	TEST_ASSERT_SUCCESS(mvt_conf_validate(&conf, err, sizeof(err)), "%s",
		err);
	return TEST_SUCCESS;
}

static int
test_too_many_policies(void)
{
	const int n = MVT_POLICIES_MAX + 1;
	char **argv, *specs;
	const size_t spec_len = 64;
	int i, argc = 0, ret = TEST_FAILED;

	argv = calloc(2 * n + 6, sizeof(*argv));
	specs = calloc(n + 1, spec_len);
	if (argv == NULL || specs == NULL)
		goto out;
	argv[argc++] = (char *)(uintptr_t)"mvtap";
	argv[argc++] = (char *)(uintptr_t)"--lower";
	argv[argc++] = (char *)(uintptr_t)"x";
	for (i = 0; i < n; i++) {
		snprintf(specs + i * spec_len, spec_len,
			"mac=02:00:00:00:%02x:%02x,pps=1", (i >> 8) & 0xff,
			i & 0xff);
		argv[argc++] = (char *)(uintptr_t)"--policy";
		argv[argc++] = specs + i * spec_len;
	}
	/* Exactly the maximum is fine... */
	if (parse_argv(argc - 2, argv) != 0 ||
			conf.n_policies != MVT_POLICIES_MAX) {
		printf("%d policies: %s, n_policies %u\n", MVT_POLICIES_MAX,
			err, conf.n_policies);
		goto out;
	}
	/* ...one more is not, from --policy... */
	if (!err_is(parse_argv(argc, argv),
			"--policy name=02:00:00:00:04:00: too many policies (max 1024)",
			"max + 1 policies"))
		goto out;
	/* ...or from an endpoint's rate=. */
	snprintf(specs + n * spec_len, spec_len,
		"name=e,mac=02:00:00:00:10:00,socket=e.sock,rate=1");
	argv[argc - 2] = (char *)(uintptr_t)"--endpoint";
	argv[argc - 1] = specs + n * spec_len;
	if (!err_is(parse_argv(argc, argv),
			"--endpoint name=e: too many policies (max 1024)",
			"max + 1 with a shorthand"))
		goto out;
	ret = TEST_SUCCESS;
out:
	free(argv);
	free(specs);
	return ret;
}

static int
test_policy_ini(void)
{
	const char *ini = write_file("policy.ini", fmt(
		"[lower]\n"
		"device = x\n"
		"[policy web]\n"
		"mac = 02:00:00:00:00:05\n"
		"rate = 100\n"
		"dir = in\n"
		"[policy]\n"
		"mac = 02:00:00:00:00:06\n"
		"action = deny\n"
		"[endpoint vm1]\n"
		"mac = 02:00:00:00:00:01\n"
		"socket = %s\n"
		"rate = 50\n"
		"burst = 10\n"
		"spoofchk = 1\n"
		"[policy db]\n"
		"name = db\n"
		"mac = 02:00:00:00:00:07\n"
		"pps = 1000\n"
		"burst = 0\n"
		"rate = 0\n", tpath("vm1.sock")));
	const struct ini_case cases[] = {
		{ "[policy a]\nfoo = 1\n",
		  "config %s: [policy a] foo=1: unknown key " POLICY_KEYS_EXPECTED },
		{ "[policy a]\nmac = 02:00:00:00:00:01\n",
		  "config %s: [policy a]: allow needs rate=, pps= or both" },
		{ "[policy]\nrate = 1\n",
		  "config %s: [policy]: mac= missing" },
		{ "[policy a]\nname = b\n",
		  "config %s: [policy a] name=b: differs from the section name" },
		{ "[policy bad!]\nrate = 1\n",
		  "config %s: [policy bad!] name=bad!: name may contain only A-Z a-z 0-9 _ . -" },
		{ "[policy a]\nmac = 02:00:00:00:00:01\nrate = 1\nrate = 2\n",
		  "config %s: [policy a] rate=2: key given twice" },
		{ "[policy a]\nmac = 02:00:00:00:00:01\nrate = 8\npeak = 7\n",
		  "config %s: [policy a] peak=7: peak must be at least rate" },
		{ "[policy a]\nmac = 02:00:00:00:00:01\ndir = sideways\n",
		  "config %s: [policy a] dir=sideways: expected in, out or both" },
		{ "[policya]\nrate = 1\n",
		  "config %s: [policya]: unknown section (expected lower, lower NAME, endpoint NAME, policy NAME or mirror NAME)" },
		{ "[endpoint a]\nburst = 100\n",
		  "config %s: [endpoint a] burst=100: needs rate=" },
		{ "[endpoint a]\nrate = x\n",
		  "config %s: [endpoint a] rate=x: expected a number of kbit/s" },
		{ "[endpoint a]\nspoofchk = yes\n",
		  "config %s: [endpoint a] spoofchk=yes: expected 0 or 1" },
	};

	TEST_ASSERT_NOT_NULL(ini, "write_file");
	TEST_ASSERT_SUCCESS(parse(ARGS("--config", ini, "--policy",
		"mac=02:00:00:00:00:05,dir=out,pps=3")), "%s", err);
	TEST_ASSERT_EQUAL(conf.n_policies, 5, "n_policies");
	TEST_ASSERT(policy_is(&conf.policy[0], "web", UINT64_C(0x050000000002),
		100, 8000, 0, MVT_POLICY_DIR_IN, MVT_POLICY_ALLOW), "web");
	TEST_ASSERT(policy_is(&conf.policy[1], "02:00:00:00:00:06",
		UINT64_C(0x060000000002), 0, 0, 0, MVT_POLICY_DIR_BOTH,
		MVT_POLICY_DENY), "nameless");
	TEST_ASSERT(policy_is(&conf.policy[2], "vm1", MAC1, 50, 10, 0,
		MVT_POLICY_DIR_OUT, MVT_POLICY_ALLOW), "vm1's shorthand");
	TEST_ASSERT(policy_is(&conf.policy[3], "db", UINT64_C(0x070000000002),
		0, 0, 1000, MVT_POLICY_DIR_BOTH, MVT_POLICY_ALLOW), "db");
	TEST_ASSERT(policy_is(&conf.policy[4], "02:00:00:00:00:05",
		UINT64_C(0x050000000002), 0, 0, 3, MVT_POLICY_DIR_OUT,
		MVT_POLICY_ALLOW), "command line after the file");
	TEST_ASSERT_EQUAL(conf.ep[0].spoofchk, 1, "vm1 spoofchk");

	TEST_ASSERT_SUCCESS(ini_cases(cases, RTE_DIM(cases), "badpol"),
		"a case failed");

	/* Duplicates across the file and the command line. */
	TEST_ASSERT(err_is(parse(ARGS("--config", ini, "--policy",
		"mac=02:00:00:00:00:01,dir=both,pps=3")),
		"--policy mac=02:00:00:00:00:01: a policy for this MAC already exists (vm1)",
		"file and command line"), "file and command line");
	return TEST_SUCCESS;
}

/* --mirror, [mirror NAME] and the mirror and capture SPECs. */
static int
test_mirror_capture(void)
{
	struct mvt_capture_conf cc;
	struct mvt_mirror_conf mc;
	const char *path;

	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "x",
		"--mirror", "name=m1,src=a+b+lower,dst=ids,dir=in")), "%s",
		err);
	TEST_ASSERT_EQUAL(conf.n_mirrors, 1, "n_mirrors");
	mc = conf.mirror[0];
	TEST_ASSERT(strcmp(mc.name, "m1") == 0 && mc.n_src == 3 &&
		strcmp(mc.src[0], "a") == 0 && strcmp(mc.src[1], "b") == 0 &&
		strcmp(mc.src[2], "lower") == 0 && strcmp(mc.dst, "ids") == 0 &&
		mc.dirs == 1, "m1 as given");
	TEST_ASSERT(err_is(parse(ARGS("--lower", "x",
		"--mirror", "name=m1,src=a,dst=b",
		"--mirror", "name=m1,src=c,dst=b")),
		"mirror m1: name given twice", "twice"), "twice");
	path = write_file("mirror.ini", "[mirror m2]\nsrc = a\ndst = b\n"
		"dir = out\n");
	TEST_ASSERT_NOT_NULL(path, "write_file");
	TEST_ASSERT_SUCCESS(parse(ARGS("--lower", "x", "--config", path)),
		"%s", err);
	TEST_ASSERT(conf.n_mirrors == 1 && strcmp(conf.mirror[0].name,
		"m2") == 0 && conf.mirror[0].dirs == 2, "[mirror m2]");
	path = write_file("mirror_bad.ini", "[mirror m3]\nsrc = a\n");
	TEST_ASSERT(err_is(parse(ARGS("--lower", "x", "--config", path)),
		fmt("config %s: [mirror m3]: mirror m3: dst= is required",
			path), "no dst"), "no dst");

	static const struct test_err_case mirror_cases[] = {
		{ "src=a,dst=b", "mirror: name= is required" },
		{ "name=m,dst=b", "mirror m: src= is required" },
		{ "name=m,src=a", "mirror m: dst= is required" },
		{ "name=m,src=a+a,dst=b", "mirror src=a+a: a given twice" },
		{ "name=m,src=a++b,dst=b",
		  "mirror src=a++b: expected PORT[+PORT...]" },
		{ "name=m,src=a,dst=b,dir=up",
		  "mirror dir=up: expected in, out or both" },
		{ "name=m,src=a,dst=b,to=c",
		  "mirror to=c: unknown key (expected name, src, dst, dir)" },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(mirror_cases); i++)
		TEST_ASSERT(err_is(mvt_conf_parse_mirror(mirror_cases[i].input,
			&mc, err, sizeof(err)), mirror_cases[i].err,
			mirror_cases[i].input), "%s", mirror_cases[i].input);

	TEST_ASSERT_SUCCESS(mvt_conf_parse_capture("port=vm1,file=/tmp/x,"
		"dir=out,count=64,snaplen=96,filter=udp port 7, or tcp", &cc,
		err, sizeof(err)), "%s", err);
	TEST_ASSERT(strcmp(cc.port, "vm1") == 0 &&
		strcmp(cc.file, "/tmp/x") == 0 && cc.dirs == 2 &&
		cc.count == 64 && cc.snaplen == 96 &&
		strcmp(cc.filter, "udp port 7, or tcp") == 0,
		"the filter keeps its comma");
	TEST_ASSERT_SUCCESS(mvt_conf_parse_capture("port=lower,file=/f", &cc,
		err, sizeof(err)), "%s", err);
	TEST_ASSERT(cc.dirs == 3 && cc.count == 0 && cc.snaplen == 0 &&
		cc.filter[0] == '\0', "defaults");
	static const struct test_err_case capture_cases[] = {
		{ "file=/f", "capture: port= is required" },
		{ "port=a", "capture: file= is required" },
		{ "port=a,file=rel", "capture file=rel: expected an absolute path" },
		{ "port=a,file=/f,dir=x",
		  "capture dir=x: expected in, out or both" },
		{ "port=a,file=/f,snaplen=65536",
		  "capture snaplen=65536: expected 0..65535 (0: whole frames)" },
		{ "port=a,file=/f,count=-1",
		  "capture count=-1: expected a number of frames (0: until stopped)" },
		{ "port=a,file=/f,x=1", "capture x=1: unknown key (expected port, "
		  "file, dir, count, snaplen, filter)" },
	};
	for (i = 0; i < RTE_DIM(capture_cases); i++)
		TEST_ASSERT(err_is(mvt_conf_parse_capture(
			capture_cases[i].input, &cc, err, sizeof(err)),
			capture_cases[i].err, capture_cases[i].input), "%s",
			capture_cases[i].input);
	return TEST_SUCCESS;
}

static int
test_mac_round_trip(void)
{
	static const uint64_t keys[] = {
		UINT64_C(0x000000000002), UINT64_C(0xffffffffff02),
		UINT64_C(0x2301efcdab02), UINT64_C(0x0100005e0001),
	};
	struct mvt_endpoint_conf ep;
	char buf[MVT_MAC_STRLEN];
	uint64_t k;
	unsigned int i;

	TEST_ASSERT_SUCCESS(parse_ep("name=a,mac=02:aB:cd:EF:01:23", &ep),
		"%s", err);
	TEST_ASSERT_EQUAL(ep.mac, UINT64_C(0x2301efcdab02), "first byte low");
	mvt_mac_format(ep.mac, buf);
	TEST_ASSERT(strcmp(buf, "02:ab:cd:ef:01:23") == 0, "formatted %s", buf);

	for (i = 0; i < RTE_DIM(keys); i++) {
		mvt_mac_format(keys[i], buf);
		TEST_ASSERT_SUCCESS(mvt_mac_parse(buf, &k), "parse %s", buf);
		TEST_ASSERT_EQUAL(k, keys[i], "round trip of %s", buf);
	}
	return TEST_SUCCESS;
}

/*
 * The ranges of the option tables, row by row: min and max are taken,
 * min - 1 and max + 1 refused with the exact line, whichever way the
 * value comes (command line, INI file, SPEC, or a hand-built
 * configuration given to the checks). The lines are spelled out here from
 * the row's numbers and unit, not taken from the library.
 */

static int
is_number_row(const struct mvt_conf_opt *o)
{
	return o->type == MVT_OPT_T_UINT || o->type == MVT_OPT_T_INT ||
		o->type == MVT_OPT_T_COUNT || o->type == MVT_OPT_T_AMOUNT;
}

/* The end of the line a value out of @p o's range gets. */
static const char *
range_msg(const struct mvt_conf_opt *o, int64_t v)
{
	if (o->type == MVT_OPT_T_COUNT)
		return fmt("%s must be %" PRId64 "..%" PRId64, o->unit, o->min,
			o->max);
	if (o->type == MVT_OPT_T_AMOUNT)
		return v < 0 ? fmt("expected a number of %s", o->unit) :
			fmt("at most %" PRId64 " %s", o->max, o->unit);
	return fmt("expected an integer %" PRId64 "..%" PRId64, o->min,
		o->max);
}

/* What a range test tries: min and max (taken), min - 1 and max + 1. */
static void
range_values(const struct mvt_conf_opt *o, int64_t vals[4])
{
	vals[0] = o->min;
	vals[1] = o->max;
	vals[2] = o->min - 1;
	vals[3] = o->max + 1;
}

/* Whether @p v fits the field of row @p o (the checks can only see that). */
static int
fits_field(const struct mvt_conf_opt *o, int64_t v)
{
	if (o->type == MVT_OPT_T_INT)
		return v >= INT32_MIN && v <= INT32_MAX;
	return v >= 0 && v < (INT64_C(1) << (8 * o->size));
}

static int
test_global_ranges(void)
{
	const struct mvt_conf_opt *o;
	const char *v, *path;
	unsigned int i, n = 0;
	int64_t vals[4];
	int j, ret;

	for (i = 0; i < MVT_GOPT_N; i++) {
		o = &mvt_conf_global_opts[i];
		if (!is_number_row(o))
			continue;
		n++;
		range_values(o, vals);
		for (j = 0; j < 4; j++) {
			v = fmt("%" PRId64, vals[j]);
			ret = parse(ARGS("--lower", "x", fmt("--%s", o->cli), v));
			if (j < 2) {
				TEST_ASSERT_SUCCESS(ret, "--%s %s: %s", o->cli, v,
					err);
				TEST_ASSERT_EQUAL(mvt_conf_opt_get(o, &conf),
					vals[j], "--%s %s: stored", o->cli, v);
			} else {
				TEST_ASSERT(err_is(ret, fmt("--%s %s: %s", o->cli,
					v, range_msg(o, vals[j])), v),
					"--%s %s", o->cli, v);
			}
			if (o->key == NULL)
				continue;
			path = write_file(fmt("range-%s-%d.ini", o->key, j),
				fmt("[lower]\ndevice = x\n%s = %s\n", o->key, v));
			TEST_ASSERT_NOT_NULL(path, "cannot write the file");
			mvt_conf_init(&conf);
			ret = mvt_conf_load_file(&conf, path, err, sizeof(err));
			if (j < 2) {
				TEST_ASSERT_SUCCESS(ret, "[lower] %s=%s: %s",
					o->key, v, err);
				TEST_ASSERT_EQUAL(mvt_conf_opt_get(o, &conf),
					vals[j], "[lower] %s=%s: stored", o->key,
					v);
			} else {
				TEST_ASSERT(err_is(ret,
					fmt("config %s: [lower] %s=%s: %s", path,
						o->key, v, range_msg(o, vals[j])),
					v), "[lower] %s=%s", o->key, v);
			}
			/* A hand-built configuration meets the same range. */
			if (j < 2 || !fits_field(o, vals[j]))
				continue;
			mvt_conf_init(&conf);
			test_set_lower(&conf, "x");
			mvt_conf_opt_put(o, &conf, vals[j]);
			TEST_ASSERT(err_is(mvt_conf_validate(&conf, err,
				sizeof(err)), fmt("--%s %s: %s", o->cli, v,
				range_msg(o, vals[j])), v), "validate --%s %s",
				o->cli, v);
		}
	}
	TEST_ASSERT(n >= 4, "only %u number options", n);
	return TEST_SUCCESS;
}

/* An endpoint SPEC that parses, for the keys to add to. */
#define EP_BASE "name=a,mac=02:00:00:00:00:01,socket=a.sock"

static int
test_endpoint_ranges(void)
{
	struct mvt_endpoint_conf ep;
	const struct mvt_conf_opt *o;
	const char *v, *spec;
	unsigned int i, n = 0;
	int64_t vals[4];
	int j, ret;

	for (i = 0; i < MVT_EPOPT_N; i++) {
		o = &mvt_conf_endpoint_opts[i];
		if (!is_number_row(o))
			continue;
		n++;
		range_values(o, vals);
		for (j = 0; j < 4; j++) {
			v = fmt("%" PRId64, vals[j]);
			/* burst= needs rate= */
			spec = fmt("%s%s,%s=%s", EP_BASE,
				i == MVT_EPOPT_BURST ? ",rate=1" : "", o->key, v);
			ret = parse_ep(spec, &ep);
			if (j < 2) {
				TEST_ASSERT_SUCCESS(ret, "%s: %s", spec, err);
				TEST_ASSERT_EQUAL(mvt_conf_opt_get(o, &ep),
					vals[j], "%s: stored", spec);
				continue;
			}
			TEST_ASSERT(err_is(ret, fmt("--endpoint %s=%s: %s",
				o->key, v, range_msg(o, vals[j])), spec), "%s",
				spec);
			/* The checks of a hand-built configuration. */
			if (!fits_field(o, vals[j]))
				continue;
			mvt_conf_init(&conf);
			test_set_lower(&conf, "x");
			TEST_ASSERT_SUCCESS(parse_ep(EP_BASE ",rate=1",
				&conf.ep[0]), "%s", err);
			conf.n_endpoints = 1;
			mvt_conf_opt_put(o, &conf.ep[0], vals[j]);
			TEST_ASSERT(err_is(mvt_conf_validate(&conf, err,
				sizeof(err)), o->type == MVT_OPT_T_AMOUNT ?
				fmt("--endpoint a: %s= %s", o->key,
					range_msg(o, vals[j])) :
				fmt("--endpoint a: %s", range_msg(o, vals[j])),
				v), "validate %s=%s", o->key, v);
		}
	}
	TEST_ASSERT(n >= 3, "only %u number keys", n);
	return TEST_SUCCESS;
}

static int
test_policy_ranges(void)
{
	struct mvt_policy_conf pc;
	const struct mvt_conf_opt *o;
	const char *v, *spec;
	unsigned int i, n = 0;
	int64_t vals[4];
	int j, ret;

	for (i = 0; i < MVT_POPT_N; i++) {
		o = &mvt_conf_policy_opts[i];
		if (!is_number_row(o))
			continue;
		n++;
		range_values(o, vals);
		for (j = 0; j < 4; j++) {
			v = fmt("%" PRId64, vals[j]);
			/* An allow policy needs a limit besides this one. */
			spec = fmt("mac=02:00:00:00:00:01,%s,%s=%s",
				i == MVT_POPT_RATE ? "pps=1" : "rate=1", o->key,
				v);
			strlcpy(err, "(err untouched)", sizeof(err));
			ret = mvt_policy_conf_parse(spec, &pc, err, sizeof(err));
			if (j < 2) {
				TEST_ASSERT_SUCCESS(ret, "%s: %s", spec, err);
				/* burst=0 stands for the default */
				if (i != MVT_POPT_BURST || vals[j] != 0)
					TEST_ASSERT_EQUAL(mvt_conf_opt_get(o, &pc),
						vals[j], "%s: stored", spec);
				continue;
			}
			TEST_ASSERT(err_is(ret, fmt("--policy %s=%s: %s",
				o->key, v, range_msg(o, vals[j])), spec), "%s",
				spec);
			/* What the policy module checks of any policy. */
			if (!fits_field(o, vals[j]))
				continue;
			TEST_ASSERT_SUCCESS(mvt_policy_conf_parse(
				"mac=02:00:00:00:00:01,rate=1", &pc, err,
				sizeof(err)), "%s", err);
			mvt_conf_opt_put(o, &pc, vals[j]);
			TEST_ASSERT(err_is(mvt_policy_conf_check(&pc, "--policy",
				err, sizeof(err)), fmt("--policy %s=%s: %s",
				o->key, v, range_msg(o, vals[j])), v),
				"check %s=%s", o->key, v);
		}
	}
	TEST_ASSERT(n >= 4, "only %u number keys", n);
	return TEST_SUCCESS;
}

/* Every row can be shown: a key or option, a placeholder and help text. */
static int
test_opt_tables(void)
{
	static const struct {
		const struct mvt_conf_opt *t;
		unsigned int n;
	} tables[] = {
		{ mvt_conf_global_opts, MVT_GOPT_N },
		{ mvt_conf_endpoint_opts, MVT_EPOPT_N },
		{ mvt_conf_policy_opts, MVT_POPT_N },
	};
	const struct mvt_conf_opt *o;
	unsigned int i, k, keys, commas;
	char list[256];
	const char *c;

	for (i = 0; i < RTE_DIM(tables); i++) {
		/* The unknown-key line lists every key once: no gap in pos. */
		keys = 0;
		for (k = 0; k < tables[i].n; k++)
			keys += tables[i].t[k].key != NULL;
		mvt_conf_opt_keys(tables[i].t, tables[i].n, list,
			sizeof(list));
		commas = 0;
		for (c = list; *c != '\0'; c++)
			commas += *c == ',';
		TEST_ASSERT(keys > 0 && commas == keys - 1,
			"table %u: %u keys, listed: %s", i, keys, list);
		for (k = 0; k < tables[i].n; k++) {
			o = &tables[i].t[k];
			TEST_ASSERT(o->cli != NULL || o->key != NULL,
				"table %u row %u: no name", i, k);
			TEST_ASSERT(o->help != NULL && o->help[0] != '\0',
				"table %u row %u: no help", i, k);
			TEST_ASSERT(i == 0 || o->arg != NULL,
				"table %u row %u: no placeholder", i, k);
			TEST_ASSERT(!is_number_row(o) || o->size != 0,
				"table %u row %u: a number without a field",
				i, k);
			TEST_ASSERT(o->type != MVT_OPT_T_AMOUNT || o->min == 0,
				"table %u row %u: an amount from %" PRId64, i,
				k, o->min);
			TEST_ASSERT((o->key == NULL) == (o->pos < 0),
				"table %u row %u: key and pos disagree", i, k);
			TEST_ASSERT(mvt_conf_opt_find(tables[i].t, tables[i].n,
				o->key != NULL ? o->key : "") ==
				(o->key != NULL ? (int)k : -1),
				"table %u row %u: lookup", i, k);
		}
	}
	return TEST_SUCCESS;
}

static struct unit_test_suite conf_suite = {
	.suite_name = "configuration: command line, INI, validation",
	.setup = suite_setup,
	.teardown = suite_teardown,
	.unit_test_cases = {
		TEST_CASE(test_endpoint_fields),
		TEST_CASE(test_endpoint_errors),
		TEST_CASE(test_one_line_errors),
		TEST_CASE(test_socket_access),
		TEST_CASE(test_tap_endpoints),
		TEST_CASE(test_endpoint_limits),
		TEST_CASE(test_args_good),
		TEST_CASE(test_args_override),
		TEST_CASE(test_args_help),
		TEST_CASE(test_args_errors),
		TEST_CASE(test_args_quiet),
		TEST_CASE(test_validate_errors),
		TEST_CASE(test_validate_direct),
		TEST_CASE(test_validate_live),
		TEST_CASE(test_too_many_endpoints),
		TEST_CASE(test_ini_good),
		TEST_CASE(test_ini_errors),
		TEST_CASE(test_mac_round_trip),
		TEST_CASE(test_policy_args),
		TEST_CASE(test_policy_duplicates),
		TEST_CASE(test_policy_validate_direct),
		TEST_CASE(test_too_many_policies),
		TEST_CASE(test_policy_ini),
		TEST_CASE(test_mirror_capture),
		TEST_CASE(test_opt_tables),
		TEST_CASE(test_global_ranges),
		TEST_CASE(test_endpoint_ranges),
		TEST_CASE(test_policy_ranges),
		TEST_CASES_END()
	}
};

static int
test_conf(void)
{
	return unit_test_suite_runner(&conf_suite);
}

REGISTER_TEST_COMMAND(conf_autotest, test_conf);
