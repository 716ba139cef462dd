#!/usr/bin/env bash
# Runs every test: installs what the tests need when it is missing, then `swift test`.
# The end-to-end tests start their own local AWS API (moto's server) on 127.0.0.1 and stop it.
# Usage: bash scripts/test.sh [extra swift test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v git >/dev/null 2>&1 || need_apt+=(git)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> installing ${need_apt[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi
if ! python3 -c "import moto.server, flask, flask_cors" >/dev/null 2>&1; then
  echo "==> installing moto[server]"
  python3 -m pip install -q 'moto[server]'
fi
if ! command -v aws >/dev/null 2>&1; then
  echo "==> installing awscli"
  python3 -m pip install -q awscli
fi
command -v terraform >/dev/null 2>&1 || { echo "terraform is not on the PATH; the end-to-end tests need it" >&2; exit 1; }

echo "==> swift build --build-tests"
swift build --build-tests
echo "==> swift test"
swift test --skip-build "$@"
