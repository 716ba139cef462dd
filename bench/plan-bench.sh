#!/usr/bin/env bash
# Benchmark of the offline plan (issue: 200 infrastructures x 10 units, under 1 s and 200 MB).
# Usage: bash bench/plan-bench.sh [--runs N] [--infrastructures N]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product terrace >/dev/null
binary=.build/release/terrace
python3 bench/plan_bench.py "$binary" .build/release/terrace_TerraceModules.resources "$@"
