#!/usr/bin/env bash
# National benchmark: a national node's store of N synthetic reports (default 3,000,000: a year of the 17
# garrisons) answers the full national statistics from its pre-aggregated cells, timed beside the same answers
# read from every report row; then 17 garrison nodes push a steady 50 changes/s through a real hub over mutual TLS
# and the national node, on that store, follows every feed (lag: hub commit → national commit, per change).
# Usage: Benchmarks/national.sh [N] [extra garrison-bench national options, e.g. --lag-seconds 120 --store /tmp/n.sqlite]
# Builds in .build-release unless GARRISON_SCRATCH_PATH names another directory.
# The last line is machine-readable: reports=N stats_p50_ms=A stats_p95_ms=B lag_p99_ms=C
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

reports="${1:-3000000}"
shift || true
build=(swift build -c release --product garrison-bench --scratch-path "${GARRISON_SCRATCH_PATH:-.build-release}")
"${build[@]}"
bin="$("${build[@]}" --show-bin-path)"
"$bin/garrison-bench" national --reports "$reports" "$@"
