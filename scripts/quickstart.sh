#!/usr/bin/env bash
# Terrace's main job on the bundled example, end to end against a local AWS API and a stand-in Kubernetes API:
# starts moto's server on 127.0.0.1:5000 and the Kubernetes API test server on 127.0.0.1:6443 if they are not running,
# builds terrace, applies examples/quickstart (Terraform units, then Argo CD and the apps in the cluster), prints the
# outputs. Run it again: nothing changes, no Terraform runs and no Kubernetes request is made.
# Usage: bash scripts/quickstart.sh        (tear down: .build/release/terrace destroy examples/quickstart --auto-approve)
set -euo pipefail
cd "$(dirname "$0")/.."
example=examples/quickstart
source scripts/local-aws.sh
source scripts/local-kubernetes.sh

echo "==> building terrace (release)"
swift build -c release --product terrace
terrace=.build/release/terrace

echo "==> terrace validate $example"
"$terrace" validate "$example"
echo "==> terrace apply $example --auto-approve"
"$terrace" apply "$example" --auto-approve
echo "==> terrace output $example"
"$terrace" output "$example"
echo "==> done. moto's server keeps running on ${MOTO_URL}$( [ -f .terrace/moto.pid ] && echo " (pid $(cat .terrace/moto.pid))")."
