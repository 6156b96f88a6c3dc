/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_PARSE_H
#define MVT_PARSE_H

/**
 * @file
 * What every parser of operator input uses: numbers, names, key=value
 * lists and the one-line error formatter.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

/**
 * Whether @p name uses only A-Z a-z 0-9 _ . - (endpoint and policy names:
 * they go into telemetry and log lines, so no separators or blanks).
 */
int mvt_name_chars_ok(const char *name);

/**
 * Check an endpoint or policy name and copy it to @p dst: not empty, at
 * most @p size - 1 characters, only the characters mvt_name_chars_ok()
 * allows. The error line names the key as "name=", e.g.
 * "--policy name=a/b: name may contain only A-Z a-z 0-9 _ . -".
 *
 * @param prefix  start of the error line, e.g. "--endpoint"
 * @return 0, or -EINVAL with one line in @p err (@p dst untouched).
 */
int mvt_name_set(char *dst, size_t size, const char *val, const char *prefix,
	char *err, size_t errlen);

/**
 * Parse @p s as a decimal number no larger than @p max. Only the digits
 * 0-9: strtoul would let "-1", " 5" and "0x10" through. Leading zeros are
 * fine.
 *
 * @return 0 and the number in @p out; -EINVAL when @p s is empty or holds
 *   anything but digits; -ERANGE when the number exceeds @p max. @p out is
 *   untouched on error.
 */
int mvt_parse_u32(const char *s, uint32_t max, uint32_t *out);

/**
 * Format one error line into @p err, as vsnprintf() would (cut to
 * @p errlen - 1 characters); nothing is written when @p err is NULL or
 * @p errlen is 0. For the parsers' "return mvt_err(...);".
 *
 * The line stays one line whatever text it quotes: control characters
 * are written as C escapes, \n, \r and \t, the others as \xHH (e.g.
 * "--endpoint name=a\nb: ..."). Other characters, backslash included,
 * are left as they are.
 *
 * @return -EINVAL.
 */
int mvt_err(char *err, size_t errlen, const char *fmt, ...)
	__rte_format_printf(3, 4);

/** What mvt_kv_split() calls for each pair: 0, or an error to stop with. */
typedef int (*mvt_kv_fn)(void *ctx, const char *key, const char *val);

/**
 * Split a "key=value,key=value" spec of option @p opt and call @p fn for
 * each pair, in order. The spec must be shorter than @p max characters.
 *
 * @return 0; the first non-zero return of @p fn; or -EINVAL with one line
 *   in @p err: "OPT: spec longer than N characters" or
 *   "OPT TOKEN: expected key=value".
 */
int mvt_kv_split(const char *spec, size_t max, const char *opt,
	mvt_kv_fn fn, void *ctx, char *err, size_t errlen);

#endif /* MVT_PARSE_H */
