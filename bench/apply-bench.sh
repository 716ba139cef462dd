#!/usr/bin/env bash
# Benchmark of applies on a local AWS API: Terrace against plain Terraform, side by side in one run.
# The in-cluster units (argocd, apps) run against the Kubernetes API test server standing in for the EKS cluster.
# Usage: bash bench/apply-bench.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import moto.server, flask" >/dev/null 2>&1 || python3 -m pip install -q 'moto[server]'
command -v aws >/dev/null 2>&1 || python3 -m pip install -q awscli
swift build -c release --product terrace >/dev/null
# The quickstart's cluster on moto has no API server: the stand-in (TERRACE_EMULATED_CLUSTER_KUBECONFIG).
source scripts/local-kubernetes.sh
python3 bench/apply_bench.py .build/release/terrace "$@"
