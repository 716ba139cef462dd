#!/usr/bin/env bash
# Benchmark of the web UI of `terrace serve` (release build): time to first byte and size of the inventory with
# 1,000 infrastructures (first page, a later page, a search) and of a run page with a 50,000-line log; and the delay
# from a line written to a running unit's log file to its arrival over the live-log stream (Server-Sent Events),
# p50 and p99, read by a Python client and, when chromium and chromedriver are installed, by the page's own script
# in headless Chromium (window.terraceLogArrivals).
# States, runs, logs and the session are written into the service's SQLite database; nothing is applied.
# Usage: bash bench/ui-bench.sh [--infrastructures 1000] [--requests 20] [--log-lines 50000] [--live-lines 1000]
#                               [--rate 20] [--watchers 0] [--no-chromium]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product terrace >/dev/null
python3 bench/ui_bench.py .build/release/terrace "$@"
