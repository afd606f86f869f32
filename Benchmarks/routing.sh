#!/usr/bin/env bash
# Routing benchmark: the grid index against a linear scan, on seeded random points in Poland's bounding box.
# Usage: Benchmarks/routing.sh [extra garrison-bench routing options, e.g. --points 500000 --seed 7]
# Reads the counties from ../shared/reference/powiaty.geojson beside the repository (or $GARRISON_COUNTIES).
# Set GARRISON_SCRATCH_PATH to build in another directory than .build (e.g. to run beside another build).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

counties="${GARRISON_COUNTIES:-../shared/reference/powiaty.geojson}"
if [[ ! -f "$counties" ]]; then
    echo "routing.sh: counties GeoJSON not found at $counties (from $(pwd)); clone the shared data beside the" \
        "repository or set GARRISON_COUNTIES" >&2
    exit 1
fi

build=(swift build -c release --product garrison-bench)
if [[ -n "${GARRISON_SCRATCH_PATH:-}" ]]; then build+=(--scratch-path "$GARRISON_SCRATCH_PATH"); fi

"${build[@]}"
bin="$("${build[@]}" --show-bin-path)"
exec "$bin/garrison-bench" routing --counties "$counties" "$@"
