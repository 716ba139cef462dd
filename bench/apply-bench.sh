#!/usr/bin/env bash
# Benchmark of applies on a local AWS API: Terrace against plain Terraform, side by side in one run.
# Usage: bash bench/apply-bench.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import moto.server, flask" >/dev/null 2>&1 || python3 -m pip install -q 'moto[server]'
command -v aws >/dev/null 2>&1 || python3 -m pip install -q awscli
swift build -c release --product terrace >/dev/null
python3 bench/apply_bench.py .build/release/terrace "$@"
