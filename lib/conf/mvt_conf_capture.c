/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mvt_capture_conf.h"
#include "mvt_conf_priv.h"

#define OPT "capture"
#define KEYS "(expected port, file, dir, count, snaplen, filter)"

static int
set_key(void *ctx, const char *key, const char *val)
{
	struct mvt_capture_conf *cc = ctx;
	char *end;

	if (strcmp(key, "port") == 0)
		return mvt_name_set(cc->port, sizeof(cc->port), val, OPT,
			NULL, 0) == 0 ? 0 : -EINVAL;
	if (strcmp(key, "file") == 0) {
		if (val[0] != '/' || strlen(val) >= sizeof(cc->file))
			return -EINVAL;
		strcpy(cc->file, val);
		return 0;
	}
	if (strcmp(key, "dir") == 0)
		return mvt_conf_parse_dirs(val, &cc->dirs);
	if (strcmp(key, "snaplen") == 0)
		return mvt_parse_u32(val, 65535, &cc->snaplen) == 0 ? 0 :
			-EINVAL;
	if (strcmp(key, "count") == 0) {
		if (val[0] < '0' || val[0] > '9')
			return -EINVAL;
		errno = 0;
		cc->count = strtoull(val, &end, 10);
		return errno == 0 && *end == '\0' ? 0 : -EINVAL;
	}
	return -ENOENT;
}

static const char *
expected(const char *key)
{
	if (strcmp(key, "port") == 0)
		return "expected an endpoint name, lower or host";
	if (strcmp(key, "file") == 0)
		return "expected an absolute path";
	if (strcmp(key, "dir") == 0)
		return "expected in, out or both";
	if (strcmp(key, "snaplen") == 0)
		return "expected 0..65535 (0: whole frames)";
	return "expected a number of frames (0: until stopped)";
}

struct parser {
	struct mvt_capture_conf *cc;
	char *err;
	size_t errlen;
};

static int
parser_set(void *ctx, const char *key, const char *val)
{
	struct parser *p = ctx;
	int ret = set_key(p->cc, key, val);

	if (ret == -ENOENT)
		return mvt_err(p->err, p->errlen, OPT " %s=%s: unknown key "
			KEYS, key, val);
	if (ret != 0)
		return mvt_err(p->err, p->errlen, OPT " %s=%s: %s", key, val,
			expected(key));
	return 0;
}

int
mvt_conf_parse_capture(const char *spec, struct mvt_capture_conf *cc,
	char *err, size_t errlen)
{
	struct parser p = { cc, err, errlen };
	char head[2 * PATH_MAX];
	const char *filter;
	size_t n;
	int ret;

	memset(cc, 0, sizeof(*cc));
	cc->dirs = 3;
	filter = strncmp(spec, "filter=", 7) == 0 ? spec : strstr(spec,
		",filter=");
	n = filter != NULL ? (size_t)(filter - spec) : strlen(spec);
	if (n >= sizeof(head))
		return mvt_err(err, errlen, OPT ": spec longer than %zu "
			"characters", sizeof(head) - 1);
	memcpy(head, spec, n);
	head[n] = '\0';
	if (filter != NULL) {
		filter = strchr(filter, '=') + 1;
		if (strlen(filter) >= sizeof(cc->filter))
			return mvt_err(err, errlen, OPT " filter: longer than "
				"%zu characters", sizeof(cc->filter) - 1);
		strcpy(cc->filter, filter);
	}
	ret = mvt_kv_split(head, sizeof(head), OPT, parser_set, &p, err,
		errlen);
	if (ret != 0)
		return ret;
	if (cc->port[0] == '\0')
		return mvt_err(err, errlen, OPT ": port= is required");
	if (cc->file[0] == '\0')
		return mvt_err(err, errlen, OPT ": file= is required");
	return 0;
}
