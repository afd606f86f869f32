#!/usr/bin/env bash
# The fuzz target over the wire decoders, the validator and the merge (libFuzzer through -sanitize=fuzzer).
# Usage: Tests/Fuzz/run.sh [SECONDS]   (default 60). Builds GarrisonCore's sources with the target into one
# binary under .build-fuzz/, runs it for SECONDS on a copy of the seed corpus, and exits non-zero on a crash
# (libFuzzer writes the crashing input to .build-fuzz/crash-*).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
out=.build-fuzz
mkdir -p "$out/corpus"
cp Tests/Fuzz/corpus/* "$out/corpus/"
echo "fuzz: building the wire target (GarrisonCore + Tests/Fuzz/WireFuzzTarget.swift)"
swiftc -swift-version 6 -sanitize=fuzzer,address -O -parse-as-library -module-name GarrisonFuzz \
    $(find Sources/GarrisonCore -name '*.swift' | sort) Tests/Fuzz/WireFuzzTarget.swift -o "$out/wire-fuzz"
echo "fuzz: running for ${seconds} s"
set +e
"$out/wire-fuzz" -max_total_time="$seconds" -timeout=30 -max_len=65536 -rss_limit_mb=4096 -artifact_prefix="$out/" \
    -print_final_stats=1 "$out/corpus" >"$out/fuzz.log" 2>&1
status=$?
set -e
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|==[0-9]+==ERROR|Done )' "$out/fuzz.log" || true
if [ "$status" -ne 0 ] || ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* >/dev/null 2>&1; then
    tail -60 "$out/fuzz.log" >&2
    echo "fuzz: the target failed (exit $status); inputs in $out/" >&2
    exit 1
fi
echo "fuzz: no crash in ${seconds} s"
