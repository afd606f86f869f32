#!/usr/bin/env bash
# Hub apply benchmark: 17 garrison nodes push batches of 1,000 new and updated reports to a real hub over mutual
# TLS, against a durable embedded PostgreSQL, beside a COPY of the same rows into the same cluster.
# Usage: Benchmarks/hub-apply.sh [extra garrison-bench hub-apply options, e.g. --batches 5 --seed 7]
# Needs the PostgreSQL server binaries (initdb, pg_ctl, psql); as root the cluster runs as the postgres user.
# Builds in .build-release unless GARRISON_SCRATCH_PATH names another directory, so that it never waits on
# (or disturbs) a debug build in .build.
# The last line is machine-readable: hub_changes_per_s=N copy_rows_per_s=M ratio=R
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=(swift build -c release --product garrison-bench --scratch-path "${GARRISON_SCRATCH_PATH:-.build-release}")

"${build[@]}"
bin="$("${build[@]}" --show-bin-path)"
exec "$bin/garrison-bench" hub-apply "$@"
