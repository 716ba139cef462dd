#!/usr/bin/env bash
# Terrace's main job on the bundled example: build, validate, show the graph and the plan.
# Usage: bash scripts/quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
example=examples/quickstart

echo "==> building terrace (release)"
swift build -c release --product terrace
terrace=.build/release/terrace

echo "==> terrace validate $example"
"$terrace" validate "$example"

echo "==> terrace graph $example --format mermaid"
"$terrace" graph "$example" --format mermaid

echo "==> terrace plan $example"
status=0
"$terrace" plan "$example" || status=$?
# plan exits 2 when there are changes (like terraform plan -detailed-exitcode): that is success here.
if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then exit "$status"; fi
echo "==> done"
