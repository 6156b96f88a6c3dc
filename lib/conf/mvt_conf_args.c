/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/* The command line after the EAL's "--", and the usage text. */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "mvt_conf.h"
#include "mvt_conf_opts.h"
#include "mvt_conf_priv.h"
#include "mvt_decide.h"
#include "mvt_policy.h"

/* getopt_long's value for row i; below it, short options and errors. */
#define OPT_BASE 256

#define OPT_HAS_ARG_FLAG no_argument
#define OPT_HAS_ARG_HELP no_argument
#define OPT_HAS_ARG_DEVICE required_argument
#define OPT_HAS_ARG_LOWER required_argument
#define OPT_HAS_ARG_HOSTPORT required_argument
#define OPT_HAS_ARG_ENDPOINT required_argument
#define OPT_HAS_ARG_POLICY required_argument
#define OPT_HAS_ARG_MIRROR required_argument
#define OPT_HAS_ARG_CONFIG required_argument
#define OPT_HAS_ARG_UINT required_argument
#define OPT_HAS_ARG_INT required_argument
#define LONG_OPT(id, cli, ini, type, min, max, def, field, pos, arg, help) \
	{ cli, OPT_HAS_ARG_##type, NULL, OPT_BASE + MVT_GOPT_##id },

static const struct option long_opts[] = {
	MVT_GLOBAL_OPTS(LONG_OPT)
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
	if (optopt >= OPT_BASE)
		return mvt_err(err, errlen, "%s: takes no argument", arg);
	if (optopt != 0)
		return mvt_err(err, errlen, "unknown option -%c", optopt);
	len = strcspn(arg, "=");
	return mvt_err(err, errlen, "unknown option %.*s", (int)len, arg);
}

/* One global option of row @p o with argument @p val (NULL: none). */
static int
set_global(struct mvt_conf *c, const struct mvt_conf_opt *o, const char *val,
	char *err, size_t errlen)
{
	struct mvt_endpoint_conf ep;
	struct mvt_policy_conf pc;
	struct mvt_mirror_conf mc;
	char what[MVT_ERR_MAX];
	int ret;

	switch (o->type) {
	case MVT_OPT_T_LOWER:
		return mvt_conf_parse_lower(c, val, err, errlen);
	case MVT_OPT_T_HOSTPORT:
		return mvt_conf_parse_host_port(c, val, err, errlen);
	case MVT_OPT_T_DEVICE:
		snprintf(what, sizeof(what), "--%s", o->cli);
		return mvt_conf_set_device((char *)c + o->off, val, what, err,
			errlen);
	case MVT_OPT_T_ENDPOINT:
		ret = mvt_conf_parse_endpoint(val, &ep, err, errlen);
		if (ret == 0)
			ret = mvt_conf_add_endpoint(c, &ep, "--endpoint", err,
				errlen);
		return ret;
	case MVT_OPT_T_POLICY:
		ret = mvt_policy_conf_parse(val, &pc, err, errlen);
		if (ret == 0)
			ret = mvt_conf_add_policy(c, &pc, "--policy", err,
				errlen);
		return ret;
	case MVT_OPT_T_MIRROR:
		ret = mvt_conf_parse_mirror(val, &mc, err, errlen);
		if (ret == 0)
			ret = mvt_conf_add_mirror(c, &mc, err, errlen);
		return ret;
	case MVT_OPT_T_CONFIG:
		return mvt_conf_load_file(c, val, err, errlen);
	case MVT_OPT_T_FLAG:
		mvt_conf_opt_put(o, c, 1);
		return 0;
	default: /* the numbers */
		snprintf(what, sizeof(what), "--%s %s", o->cli, val);
		return mvt_conf_opt_set_num(o, c, val, what, err, errlen);
	}
}

int
mvt_conf_parse_args(struct mvt_conf *c, int argc, char **argv, char *err,
	size_t errlen)
{
	const struct mvt_conf_opt *o;
	int opt, ret;

	/*
	 * optind = 0, not 1: glibc then also forgets the EAL's optstring
	 * mode and a half-consumed short option group from an earlier call.
	 * "+" keeps argv unpermuted; ":" reports a missing argument as ':'.
	 */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", long_opts, NULL)) != -1) {
		if (opt < OPT_BASE || opt >= OPT_BASE + MVT_GOPT_N) {
			if (opt != 'h')
				return bad_option(opt, argv, err, errlen);
			opt = OPT_BASE + MVT_GOPT_HELP;
		}
		o = &mvt_conf_global_opts[opt - OPT_BASE];
		if (o->type == MVT_OPT_T_HELP) {
			mvt_conf_usage(argv[0]);
			return 1;
		}
		ret = set_global(c, o, optarg, err, errlen);
		if (ret != 0)
			return ret;
	}
	if (optind < argc)
		return mvt_err(err, errlen, "%s: unexpected argument",
			argv[optind]);
	return mvt_conf_validate(c, err, errlen);
}

/* Where the help of every option starts. */
#define USAGE_COLUMN 24

/*
 * One option's lines: @p indent, @p label padded to the help column, the
 * help with {min}, {max} and {def} replaced, each further line indented.
 */
static void
usage_row(const char *indent, const char *label,
	const struct mvt_conf_opt *o)
{
	const char *h = o->help;
	int col;

	col = printf("%s%s", indent, label);
	printf("%*s", col < USAGE_COLUMN ? USAGE_COLUMN - col : 1, "");
	for (; *h != '\0'; h++) {
		if (strncmp(h, "{min}", 5) == 0) {
			printf("%" PRId64, o->min);
			h += 4;
		} else if (strncmp(h, "{max}", 5) == 0) {
			printf("%" PRId64, o->max);
			h += 4;
		} else if (strncmp(h, "{def}", 5) == 0) {
			printf("%" PRId64, o->def);
			h += 4;
		} else if (*h == '\n') {
			printf("\n%*s", USAGE_COLUMN, "");
		} else {
			putchar(*h);
		}
	}
	putchar('\n');
}

/* The keys of a SPEC, under the option that takes it. */
static void
usage_keys(const struct mvt_conf_opt *t, unsigned int n)
{
	char label[64];
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(label, sizeof(label), "%s=%s", t[i].key, t[i].arg);
		usage_row("      ", label, &t[i]);
	}
}

void
mvt_conf_usage(const char *prog)
{
	const struct mvt_conf_opt *o;
	char label[64];
	unsigned int i;

	printf("Usage: %s [EAL options] -- --lower DEVICE --endpoint SPEC... [options]\n"
		"\n", prog);
	for (i = 0; i < MVT_GOPT_N; i++) {
		o = &mvt_conf_global_opts[i];
		snprintf(label, sizeof(label), "--%s%s%s", o->cli,
			o->arg != NULL ? " " : "",
			o->arg != NULL ? o->arg : "");
		usage_row("  ", label, o);
		if (o->type == MVT_OPT_T_ENDPOINT)
			usage_keys(mvt_conf_endpoint_opts, MVT_EPOPT_N);
		else if (o->type == MVT_OPT_T_POLICY)
			usage_keys(mvt_conf_policy_opts, MVT_POPT_N);
	}
}
