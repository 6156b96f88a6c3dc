/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mvt_parse.h"

int
mvt_name_chars_ok(const char *name)
{
	const char *s;

	for (s = name; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
				(*s >= '0' && *s <= '9') ||
				*s == '_' || *s == '.' || *s == '-'))
			return 0;
	return 1;
}

int
mvt_name_set(char *dst, size_t size, const char *val, const char *prefix,
	char *err, size_t errlen)
{
	size_t len = strlen(val);

	if (len == 0)
		return mvt_err(err, errlen, "%s name=%s: empty name", prefix,
			val);
	if (len >= size)
		return mvt_err(err, errlen,
			"%s name=%s: name longer than %d characters", prefix,
			val, (int)size - 1);
	if (!mvt_name_chars_ok(val))
		return mvt_err(err, errlen,
			"%s name=%s: name may contain only A-Z a-z 0-9 _ . -",
			prefix, val);
	memcpy(dst, val, len + 1);
	return 0;
}

int
mvt_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		/* Stop growing past max: no overflow however long @p s is. */
		if (v <= max)
			v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

/* Length of @p c as escape_controls() writes it. */
static size_t
escaped_len(unsigned char c)
{
	if (c == '\n' || c == '\r' || c == '\t')
		return 2;
	if (c < 0x20 || c == 0x7f)
		return 4;
	return 1;
}

/*
 * Escape the control characters of the string in @p s (a buffer of
 * @p size bytes) in place: \n, \r and \t as such, the others as \xHH.
 * An error line quotes what the operator gave, and a newline there would
 * make it two lines. A backslash stands for itself, so that the line for
 * any input without control characters stays as it was. What no longer
 * fits is cut, never in the middle of an escape.
 */
static void
escape_controls(char *s, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t in, out = 0, len;
	unsigned char c;

	/* First how much of @p s fits once escaped, and how long it gets. */
	for (in = 0; s[in] != '\0'; in++) {
		len = escaped_len((unsigned char)s[in]);
		if (out + len >= size)
			break;
		out += len;
	}
	s[out] = '\0';
	/*
	 * Then from the end backwards: an escape only ever moves text to
	 * the right, so each character is read before it is overwritten.
	 */
	while (in > 0) {
		c = (unsigned char)s[--in];
		switch (escaped_len(c)) {
		case 1:
			s[--out] = (char)c;
			break;
		case 2:
			s[--out] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
			s[--out] = '\\';
			break;
		default:
			s[--out] = hex[c & 0xf];
			s[--out] = hex[c >> 4];
			s[--out] = 'x';
			s[--out] = '\\';
			break;
		}
	}
}

int
mvt_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
		escape_controls(err, errlen);
	}
	return -EINVAL;
}

int
mvt_kv_split(const char *spec, size_t max, const char *opt,
	mvt_kv_fn fn, void *ctx, char *err, size_t errlen)
{
	char *buf, *tok, *save = NULL, *eq;
	int ret = 0;

	if (strlen(spec) >= max)
		return mvt_err(err, errlen,
			"%s: spec longer than %zu characters", opt, max - 1);
	buf = strdup(spec);
	if (buf == NULL)
		return mvt_err(err, errlen, "%s: out of memory", opt);
	for (tok = strtok_r(buf, ",", &save); tok != NULL && ret == 0;
			tok = strtok_r(NULL, ",", &save)) {
		eq = strchr(tok, '=');
		if (eq == NULL) {
			ret = mvt_err(err, errlen, "%s %s: expected key=value",
				opt, tok);
			break;
		}
		*eq = '\0';
		ret = fn(ctx, tok, eq + 1);
	}
	free(buf);
	return ret;
}
