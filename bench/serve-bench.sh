#!/usr/bin/env bash
# Benchmark of `terrace serve` on a local AWS API and a git daemon on loopback: webhook-to-run-start latency over
# 50 pushes (p50, p99) against the default poll intervals of Flux and Argo CD, and the service's idle memory while
# it manages 50 infrastructures.
# Usage: bash bench/serve-bench.sh [--infrastructures N] [--pushes N]
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import moto.server, flask" >/dev/null 2>&1 || python3 -m pip install -q 'moto[server]'
swift build -c release --product terrace >/dev/null
python3 bench/serve_bench.py .build/release/terrace "$@"
