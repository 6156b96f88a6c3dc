/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <rte_log.h>

#include "mvt_drop.h"
#include "mvt_log.h"

RTE_LOG_REGISTER(mvt_logtype, mvtap, INFO);

static const char *const drop_names[MVT_DROP_MAX] = {
	[MVT_DROP_NONE] = "none",
#define MVT_DROP_NAME_(sym, name, text) [MVT_DROP_##sym] = name,
	MVT_DROP_REASONS(MVT_DROP_NAME_)
#undef MVT_DROP_NAME_
};

static const char *const drop_texts[MVT_DROP_MAX] = {
	[MVT_DROP_NONE] = "not dropped",
#define MVT_DROP_TEXT_(sym, name, text) [MVT_DROP_##sym] = text,
	MVT_DROP_REASONS(MVT_DROP_TEXT_)
#undef MVT_DROP_TEXT_
};

const char *
mvt_drop_name(enum mvt_drop_reason r)
{
	return (unsigned int)r < MVT_DROP_MAX ? drop_names[r] : "unknown";
}

const char *
mvt_drop_text(enum mvt_drop_reason r)
{
	return (unsigned int)r < MVT_DROP_MAX ? drop_texts[r] : "unknown";
}
