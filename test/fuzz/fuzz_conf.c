/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * fuzz_conf: libFuzzer target for the configuration parser, everything an
 * operator can type at the switch.
 *
 * Input: byte 0 picks the entry point (its value modulo 3), the rest is
 * its text:
 *   0  an endpoint SPEC: up to the first NUL, given to
 *      mvt_conf_parse_endpoint(); newlines and other control characters
 *      included, as a command line argument or an add-endpoint request
 *      may hold them;
 *   1  a command line: up to the first "\0\0", split at every NUL or
 *      newline into at most MAX_ARGS arguments after argv[0] =
 *      "dpdk-mvtap", given to mvt_conf_parse_args(). What follows "\0\0"
 *      is written to a temporary INI file and every --config argument
 *      (any spelling getopt_long accepts) is pointed at it; without "\0\0"
 *      --config names a file that does not exist;
 *   2  an INI file, written to a temporary file and loaded with
 *      mvt_conf_load_file(), then checked with mvt_conf_validate().
 *
 * Invariants, on top of ASan, UBSan and LeakSanitizer: every call returns
 * 0, -EINVAL or (mvt_conf_parse_args() only) 1; on -EINVAL the error is
 * one non-empty line without control characters (those it quotes are
 * escaped), shorter than MVT_ERR_MAX, in a buffer of exactly MVT_ERR_MAX
 * bytes; whatever mvt_conf_parse_args() accepts passes
 * mvt_conf_validate() again; an endpoint SPEC that parses has a well-formed
 * endpoint.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_log.h>

#include "mvt_conf.h"
#include "mvt_decide.h"

/* A configuration's one lower, as --lower DEVICE makes it. */
static void
test_set_lower(struct mvt_conf *c, const char *dev)
{
	char err[MVT_ERR_MAX];

	if (mvt_conf_parse_lower(c, dev, err, sizeof(err)) != 0)
		printf("%s\n", err);
}

#define MAX_ARGS 32
#define PROG "dpdk-mvtap"

/* The temporary INI file, and a path next to it that never exists. */
static char ini_path[64];
static char missing_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what, const char *err) __rte_noreturn;

static void
fail(const char *what, const char *err)
{
	fprintf(stderr, "fuzz_conf: %s\n", what);
	if (err != NULL)
		fprintf(stderr, "fuzz_conf: error text: \"%s\"\n", err);
	abort();
}

static void
remove_ini(void)
{
	unlink(ini_path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = "/dev/shm";
	struct stat st;

	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	/* rte_cfgfile logs what it refuses; the error lines are checked */
	rte_log_set_global_level(RTE_LOG_EMERG);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		dir = "/tmp";
	snprintf(ini_path, sizeof(ini_path), "%s/mvt-fuzz-conf.%d.ini", dir,
		(int)getpid());
	snprintf(missing_path, sizeof(missing_path),
		"%s/mvt-fuzz-conf.%d.missing", dir, (int)getpid());
	atexit(remove_ini);
	return 0;
}

static void
write_ini(const uint8_t *data, size_t size)
{
	FILE *f = fopen(ini_path, "w");

	if (f == NULL || (size > 0 && fwrite(data, size, 1, f) != 1) ||
			fclose(f) != 0)
		fail("cannot write the temporary INI file", NULL);
}

/* What every entry point promises about its return value and error. */
static void
check_result(const char *fn, int ret, int help_ok, const char *err)
{
	char what[128];
	const char *s;

	if (ret == 0 || (help_ok && ret == 1))
		return;
	if (ret != -EINVAL) {
		snprintf(what, sizeof(what), "%s returned %d", fn, ret);
		fail(what, NULL);
	}
	if (err[0] == '\0') {
		snprintf(what, sizeof(what), "%s: -EINVAL without an error",
			fn);
		fail(what, NULL);
	}
	if (memchr(err, '\0', MVT_ERR_MAX) == NULL) {
		snprintf(what, sizeof(what), "%s: error not terminated", fn);
		fail(what, NULL);
	}
	for (s = err; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			snprintf(what, sizeof(what),
				"%s: error with a control character (0x%02x)",
				fn, (unsigned int)(unsigned char)*s);
			fail(what, err);
		}
	}
}

static int
name_ok(const char *name)
{
	const char *s;

	if (name[0] == '\0' || strlen(name) >= MVT_NAME_MAX)
		return 0;
	for (s = name; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
				(*s >= '0' && *s <= '9') || *s == '_' ||
				*s == '.' || *s == '-'))
			return 0;
	return 1;
}

/* A parsed endpoint is what the SPEC syntax allows, nothing else. */
static void
check_endpoint(const struct mvt_endpoint_conf *ep)
{
	uint16_t i;

	if (!name_ok(ep->name))
		fail("parsed endpoint with a bad name", ep->name);
	if (mvt_mode_name(ep->mode) == NULL)
		fail("parsed endpoint with an invalid mode", NULL);
	if (ep->mac != 0 && (mvt_mac_is_group(ep->mac) ||
			(ep->mac & ~MVT_MAC_MASK) != 0))
		fail("parsed endpoint with a group or oversized MAC", NULL);
	if (memchr(ep->socket, '\0', sizeof(ep->socket)) == NULL)
		fail("parsed endpoint socket not terminated", NULL);
	if (ep->queues == 0 || ep->queues > MVT_QUEUES_MAX)
		fail("parsed endpoint with a bad queue count", NULL);
	if (ep->client > 1 || ep->nodst > 1 || ep->up > 1 || ep->spoofchk > 1)
		fail("parsed endpoint with a flag other than 0 or 1", NULL);
	if (ep->burst_kb != 0 && ep->rate_kbps == 0)
		fail("parsed endpoint with burst= but no rate=", NULL);
	if (ep->n_sources > MVT_SOURCES_MAX)
		fail("parsed endpoint with too many sources", NULL);
	for (i = 0; i < ep->n_sources; i++)
		if (ep->sources[i] == 0 || mvt_mac_is_group(ep->sources[i]) ||
				(ep->sources[i] & ~MVT_MAC_MASK) != 0)
			fail("parsed endpoint with a bad source MAC", NULL);
	if (ep->n_mcast > MVT_MC_MAX)
		fail("parsed endpoint with too many multicast groups", NULL);
	for (i = 0; i < ep->n_mcast; i++)
		if (!mvt_mac_is_group(ep->mcast[i]) ||
				(ep->mcast[i] & ~MVT_MAC_MASK) != 0)
			fail("parsed endpoint with a unicast mcast= entry", NULL);
	if (ep->sock_perm & 0002)
		fail("parsed endpoint with a world-writable socket", NULL);
}

static void
fuzz_endpoint(const uint8_t *data, size_t size, char *err)
{
	struct mvt_endpoint_conf *ep;
	struct mvt_conf *c;
	char *spec;
	size_t len;
	int ret;

	len = strnlen((const char *)data, size);
	spec = malloc(len + 1);
	ep = malloc(sizeof(*ep));
	c = malloc(sizeof(*c));
	if (spec == NULL || ep == NULL || c == NULL)
		fail("out of memory", NULL);
	memcpy(spec, data, len);
	spec[len] = '\0';

	err[0] = '\0';
	ret = mvt_conf_parse_endpoint(spec, ep, err, MVT_ERR_MAX);
	check_result("mvt_conf_parse_endpoint", ret, 0, err);
	if (ret == 0) {
		check_endpoint(ep);
		/* and the whole-configuration rules on it */
		mvt_conf_init(c);
		test_set_lower(c, "net_null0");
		c->ep[0] = *ep;
		c->n_endpoints = 1;
		err[0] = '\0';
		ret = mvt_conf_validate(c, err, MVT_ERR_MAX);
		check_result("mvt_conf_validate", ret, 0, err);
	}
	free(c);
	free(ep);
	free(spec);
}

/* Whether getopt_long may take @p arg (--NAME or --NAME=...) as --config. */
static int
is_config_opt(const char *arg, const char **eq)
{
	size_t len;

	if (strncmp(arg, "--", 2) != 0)
		return 0;
	arg += 2;
	len = strcspn(arg, "=");
	*eq = arg[len] == '=' ? arg + len : NULL;
	/* any prefix of "config", the empty one included, to be safe */
	return len <= strlen("config") && strncmp(arg, "config", len) == 0;
}

static void
fuzz_args(const uint8_t *data, size_t size, char *err)
{
	const char *path = missing_path, *eq;
	char *argv[MAX_ARGS + 2];
	size_t end, start, i;
	struct mvt_conf *c;
	int argc = 0, ret, a;

	/* "\0\0" ends the command line; the INI file follows */
	for (end = 0; end + 1 < size; end++)
		if (data[end] == '\0' && data[end + 1] == '\0')
			break;
	if (end + 1 < size) {
		write_ini(data + end + 2, size - end - 2);
		path = ini_path;
	} else {
		end = size;
	}

	argv[argc] = strdup(PROG);
	if (argv[argc++] == NULL)
		fail("out of memory", NULL);
	for (start = 0, i = 0; i <= end && argc <= MAX_ARGS; i++) {
		if (i < end && data[i] != '\0' && data[i] != '\n')
			continue;
		if (i == end && start == end)
			break; /* nothing after the last separator */
		argv[argc] = malloc(i - start + 1);
		if (argv[argc] == NULL)
			fail("out of memory", NULL);
		memcpy(argv[argc], data + start, i - start);
		argv[argc][i - start] = '\0';
		argc++;
		start = i + 1;
	}
	argv[argc] = NULL;

	/* --config reads only our file: never a device or a FIFO */
	for (a = 1; a < argc; a++) {
		if (!is_config_opt(argv[a], &eq))
			continue;
		if (eq != NULL) {
			free(argv[a]);
			argv[a] = malloc(strlen("--config=") + strlen(path) + 1);
			if (argv[a] == NULL)
				fail("out of memory", NULL);
			sprintf(argv[a], "--config=%s", path);
		} else if (a + 1 < argc) {
			free(argv[a + 1]);
			argv[a + 1] = strdup(path);
			if (argv[a + 1] == NULL)
				fail("out of memory", NULL);
			a++;
		}
	}

	c = malloc(sizeof(*c));
	if (c == NULL)
		fail("out of memory", NULL);
	mvt_conf_init(c);
	err[0] = '\0';
	ret = mvt_conf_parse_args(c, argc, argv, err, MVT_ERR_MAX);
	check_result("mvt_conf_parse_args", ret, 1, err);
	if (ret == 0) {
		err[0] = '\0';
		ret = mvt_conf_validate(c, err, MVT_ERR_MAX);
		if (ret != 0)
			fail("mvt_conf_parse_args accepted what mvt_conf_validate refuses",
				err);
		for (a = 0; a < c->n_endpoints; a++)
			check_endpoint(&c->ep[a]);
	}
	free(c);
	for (a = 0; a < argc; a++)
		free(argv[a]);
}

static void
fuzz_ini(const uint8_t *data, size_t size, char *err)
{
	struct mvt_conf *c;
	int ret;
	uint16_t i;

	write_ini(data, size);
	c = malloc(sizeof(*c));
	if (c == NULL)
		fail("out of memory", NULL);
	mvt_conf_init(c);
	err[0] = '\0';
	ret = mvt_conf_load_file(c, ini_path, err, MVT_ERR_MAX);
	check_result("mvt_conf_load_file", ret, 0, err);
	if (ret == 0) {
		if (c->n_endpoints > MVT_MAX_ENDPOINTS)
			fail("more endpoints loaded than the switch has", NULL);
		for (i = 0; i < c->n_endpoints; i++)
			check_endpoint(&c->ep[i]);
		err[0] = '\0';
		ret = mvt_conf_validate(c, err, MVT_ERR_MAX);
		check_result("mvt_conf_validate", ret, 0, err);
	}
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *err;

	if (size < 1)
		return 0;
	/* exactly MVT_ERR_MAX bytes: ASan sees any write past it */
	err = malloc(MVT_ERR_MAX);
	if (err == NULL)
		fail("out of memory", NULL);
	switch (data[0] % 3) {
	case 0:
		fuzz_endpoint(data + 1, size - 1, err);
		break;
	case 1:
		fuzz_args(data + 1, size - 1, err);
		break;
	default:
		fuzz_ini(data + 1, size - 1, err);
		break;
	}
	free(err);
	return 0;
}
