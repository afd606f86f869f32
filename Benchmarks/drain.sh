#!/usr/bin/env bash
# Drain benchmark: a garrison node that worked offline with N changes queued (default 100,000) drains them to a
# real hub over mutual TLS (durable SQLite on the node, durable PostgreSQL at the hub); in the same run, the same
# number of rows goes through PostgreSQL's built-in logical replication between two local clusters
# (Benchmarks/pg-logical.sh).
# Usage: Benchmarks/drain.sh [N] [extra garrison-bench drain options, e.g. --push-batch 500]
# Builds in .build-release unless GARRISON_SCRATCH_PATH names another directory.
# The last line is machine-readable: drain_rows_per_s=N pg_logical_rows_per_s=M ratio=R
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

rows="${1:-100000}"
shift || true
build=(swift build -c release --product garrison-bench --scratch-path "${GARRISON_SCRATCH_PATH:-.build-release}")
"${build[@]}"
bin="$("${build[@]}" --show-bin-path)"

drain_out="$(mktemp)"
trap 'rm -f "$drain_out"' EXIT
"$bin/garrison-bench" drain --changes "$rows" "$@" | tee "$drain_out"
drain="$(tail -n 1 "$drain_out" | sed -n 's/^drain_rows_per_s=\([0-9]*\)$/\1/p')"

echo
logical_out="$(mktemp)"
trap 'rm -f "$drain_out" "$logical_out"' EXIT
bash Benchmarks/pg-logical.sh "$rows" | tee "$logical_out"
logical="$(tail -n 1 "$logical_out" | sed -n 's/^pg_logical_rows_per_s=\([0-9]*\)$/\1/p')"

if [[ -z "$drain" || -z "$logical" ]]; then
    echo "drain.sh: a run did not print its figure (drain='$drain', logical='$logical')" >&2
    exit 1
fi
echo "drain_rows_per_s=$drain pg_logical_rows_per_s=$logical ratio=$(awk -v a="$drain" -v b="$logical" 'BEGIN { printf "%.2f", a / b }')"
