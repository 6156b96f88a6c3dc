/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_TELEMETRY_H
#define MVT_TELEMETRY_H

/**
 * @file
 * The /mvtap/... telemetry commands, on the switch the application
 * attaches. The switch itself knows nothing of them.
 */

struct mvt_switch;

/** Make @p sw the switch the /mvtap/ telemetry commands report on. */
void mvt_telemetry_attach(struct mvt_switch *sw);

/**
 * Stop reporting on @p sw; returns once no callback uses it. Call it
 * before mvt_switch_destroy().
 */
void mvt_telemetry_detach(struct mvt_switch *sw);

#endif /* MVT_TELEMETRY_H */
