#!/usr/bin/env bash
# Benchmark of the offline plan (issue: 200 infrastructures x 10 units, under 1 s and 200 MB), on a plain and on a
# rich expression corpus. With --baseline REV, the build of an earlier git revision is measured in the same run.
# Usage: bash bench/plan-bench.sh [--baseline REV] [--runs N] [--infrastructures N]
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=()
if [ "${1:-}" = "--baseline" ]; then
  revision="$2"
  shift 2
  source_dir=.build-baseline/source
  rm -rf "$source_dir" && mkdir -p "$source_dir"
  git archive "$revision" | tar -x -C "$source_dir"
  swift build -c release --product terrace --package-path "$source_dir" --scratch-path .build-baseline/build >/dev/null
  baseline=(--baseline .build-baseline/build/release/terrace)
fi
swift build -c release --product terrace >/dev/null
binary=.build/release/terrace
python3 bench/plan_bench.py "$binary" .build/release/terrace_TerraceModules.resources "${baseline[@]}" "$@"
