/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <stdio.h>

#include "mvt_mac.h"

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
mvt_mac_parse(const char *s, uint64_t *k)
{
	uint64_t v = 0;
	int i, hi, lo;

	if (s == NULL)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		hi = hex_digit(s[0]);
		lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (lo < 0)
			return -EINVAL;
		v |= (uint64_t)(hi << 4 | lo) << (8 * i);
		s += 2;
		if (i < 5 && *s++ != ':')
			return -EINVAL;
	}
	if (*s != '\0')
		return -EINVAL;
	*k = v;
	return 0;
}

void
mvt_mac_format(uint64_t k, char *buf)
{
	snprintf(buf, MVT_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		(unsigned int)(k & 0xff), (unsigned int)(k >> 8 & 0xff),
		(unsigned int)(k >> 16 & 0xff), (unsigned int)(k >> 24 & 0xff),
		(unsigned int)(k >> 32 & 0xff), (unsigned int)(k >> 40 & 0xff));
}
