#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
#
# Run each libFuzzer target for SECONDS (default 60) on a copy of its seed
# corpus, so the committed corpus does not grow; exit non-zero if a target
# crashed, leaked or broke an invariant.
#
#   CC=clang meson setup build-fuzz -Dfuzz=true
#   ninja -C build-fuzz
#   test/fuzz/run-fuzz.sh build-fuzz 60
#
# A failing input is kept as BUILDDIR/fuzz-artifacts/TARGET-crash-*; replay
# it with BUILDDIR/test/fuzz/fuzz_TARGET FILE (fuzz_frame prints the frames,
# their verdicts and the counters that disagree).
#
# Longer runs, by hand: give each target its own corpus directory that
# persists between runs and let it grow, one job per free core, e.g. an
# hour of fuzz_frame:
#
#   mkdir -p ~/fuzz/frame && cp test/fuzz/corpus/frame/* ~/fuzz/frame/
#   build-fuzz/test/fuzz/fuzz_frame -max_len=2048 -timeout=10 \
#       -dict=test/fuzz/frame.dict -max_total_time=3600 -close_fd_mask=1 \
#       ~/fuzz/frame
#
# (-jobs=N -workers=N runs N of them; fuzz_frame's EAL uses --no-shconf, so
# several may run at once.) Merge what it found back into the seeds only
# when it adds coverage, and keep the seeds small:
#
#   build-fuzz/test/fuzz/fuzz_frame -merge=1 -max_len=2048 \
#       test/fuzz/corpus/frame ~/fuzz/frame
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 BUILDDIR [SECONDS]" >&2
	exit 2
fi
builddir=$1
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
artifacts=$builddir/fuzz-artifacts
mkdir -p "$artifacts"
status=0

for target in frame conf offload; do
	bin=$builddir/test/fuzz/fuzz_$target
	if [ ! -x "$bin" ]; then
		echo "fuzz_$target: not built (CC=clang meson setup ... -Dfuzz=true)" >&2
		status=1
		continue
	fi
	work=$(mktemp -d)
	mkdir "$work/corpus"
	cp "$here/corpus/$target/"* "$work/corpus/"
	# stdout closed: --help output and the like; libFuzzer uses stderr
	"$bin" -max_len=2048 -timeout=10 -max_total_time="$seconds" \
		-dict="$here/$target.dict" -print_final_stats=1 \
		-close_fd_mask=1 -artifact_prefix="$artifacts/$target-" \
		"$work/corpus" > "$work/log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	[ -n "$execs" ] ||
		execs=$(grep -o '^#[0-9]*' "$work/log" | tail -n 1 | tr -d '#')
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
	cov=$(grep ' cov: ' "$work/log" | tail -n 1 |
		sed 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1 edges, \2 features/')
	if [ $rc -eq 0 ]; then
		echo "fuzz_$target: ${execs:-?} executions (${speed:-?}/s), coverage ${cov:-?}: no crash"
	else
		echo "fuzz_$target: CRASH (exit $rc) after ${execs:-?} executions, coverage ${cov:-?}"
		grep -E '^fuzz_|^  (frame|port|expected)|ERROR|SUMMARY|Test unit written' \
			"$work/log" | head -n 40
		echo "fuzz_$target: full log in $artifacts/$target.log"
		cp "$work/log" "$artifacts/$target.log"
		status=1
	fi
	rm -rf "$work"
done
exit $status
