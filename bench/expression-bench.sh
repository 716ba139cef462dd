#!/usr/bin/env bash
# Expression evaluation speed: the differential corpus (the expressions Terraform accepts) evaluated by
# `terrace console` and by `terraform console`, side by side in one run (release build).
# Usage: bash bench/expression-bench.sh [--repeat K] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product terrace >/dev/null
python3 bench/expression_bench.py .build/release/terrace "$@"
