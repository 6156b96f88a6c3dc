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

struct parser {
	struct mvt_capture_conf *cc;
	char *err;
	size_t errlen;
};

static int
bad(struct parser *p, const char *key, const char *val, const char *what)
{
	return mvt_err(p->err, p->errlen, OPT " %s=%s: %s", key, val, what);
}

static int
parser_set(void *ctx, const char *key, const char *val)
{
	struct parser *p = ctx;
	struct mvt_capture_conf *cc = p->cc;
	char *end;

	if (strcmp(key, "port") == 0) {
		if (mvt_name_set(cc->port, sizeof(cc->port), val, OPT, NULL,
				0) != 0)
			return bad(p, key, val,
				"expected an endpoint name, lower or host");
	} else if (strcmp(key, "file") == 0) {
		if (val[0] != '/' || strlen(val) >= sizeof(cc->file))
			return bad(p, key, val, "expected an absolute path");
		strcpy(cc->file, val);
	} else if (strcmp(key, "dir") == 0) {
		if (mvt_conf_parse_dirs(val, &cc->dirs) != 0)
			return bad(p, key, val, "expected in, out or both");
	} else if (strcmp(key, "snaplen") == 0) {
		if (mvt_parse_u32(val, 65535, &cc->snaplen) != 0)
			return bad(p, key, val,
				"expected 0..65535 (0: whole frames)");
	} else if (strcmp(key, "count") == 0) {
		errno = 0;
		cc->count = strtoull(val, &end, 10);
		if (val[0] < '0' || val[0] > '9' || errno != 0 || *end != '\0')
			return bad(p, key, val,
				"expected a number of frames (0: until stopped)");
	} else {
		return bad(p, key, val, "unknown key " KEYS);
	}
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
