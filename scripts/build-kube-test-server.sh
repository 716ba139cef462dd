#!/usr/bin/env bash
# Builds the Kubernetes API test server (Tests/KubernetesTestServer, Go) offline from Debian's Go packages into
# .build/kube-test-server/kube-test-server. Installs the apt packages it needs when they are missing.
# Idempotent: does nothing when the binary is newer than every source file.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/Tests/KubernetesTestServer"
out="$root/.build/kube-test-server"
bin="$out/kube-test-server"

packages=(golang-go golang-k8s-sigs-structured-merge-diff-dev golang-k8s-sigs-yaml-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "build-kube-test-server: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi

if [ -x "$bin" ] && [ -z "$(find "$src" -name '*.go' -newer "$bin" -print -quit)" ] && [ "$bin" -nt "$0" ]; then
  exit 0
fi

# A GOPATH layout: the server as package kube-test-server, Debian's libraries from /usr/share/gocode.
gopath="$out/gopath"
rm -rf "$gopath"
mkdir -p "$gopath/src/kube-test-server"
cp "$src"/*.go "$gopath/src/kube-test-server/"
# Debian installs structured-merge-diff v4 without the /v4 path element its import paths use.
mkdir -p "$gopath/src/sigs.k8s.io/structured-merge-diff"
ln -s /usr/share/gocode/src/sigs.k8s.io/structured-merge-diff "$gopath/src/sigs.k8s.io/structured-merge-diff/v4"
mkdir -p "$out/cache"
(
  cd "$gopath/src/kube-test-server"
  GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOCACHE="$out/cache" GOFLAGS= CGO_ENABLED=0 \
    go build -o "$bin.tmp" .
)
mv "$bin.tmp" "$bin"
echo "built $bin" >&2
