#!/usr/bin/env bash
# Sourced by the scripts after local-aws.sh: a stand-in for the EKS cluster that moto creates, whose API server does not
# exist. Builds and starts the Kubernetes API test server (Tests/KubernetesTestServer: the real server-side apply merge
# library and Kubernetes' schemas) on 127.0.0.1:${KUBE_PORT:-6443}, acting as the cluster's controllers
# (-simulate-controllers) and accepting EKS tokens, and points Terrace at it (TERRACE_EMULATED_CLUSTER_KUBECONFIG, used
# only for infrastructures whose cloud.endpoint is an emulator). Seeds Terrace's manifest cache with Argo CD's install
# manifest from ../shared/fixtures when it is there, so an offline machine needs no download (the checksum is still
# checked). From the same folder, the addons' upstream CRDs are handed to the stand-in (-chart-crds): when an Argo CD
# Application of the cert-manager, external-secrets or cloudnative-pg chart syncs, it creates that chart's CRDs, as
# Argo CD would, so the addons' custom resources (a ClusterIssuer, a ClusterSecretStore, a Cluster) can be applied.

KUBE_PORT="${KUBE_PORT:-6443}"
kube_dir="$PWD/.terrace/kube"
mkdir -p "$kube_dir"

fixtures="$(dirname "$PWD")/shared/fixtures"

# -chart-crds CHART=FILE[,FILE...] for each addon chart whose CRD files are all there (without them the stand-in
# would refuse to start; the addon's custom resources are then refused as in a cluster without its CRDs).
chart_crd_args=()
add_chart_crds() {
  local chart="$1" files=() name
  shift
  for name in "$@"; do
    if [ ! -f "$fixtures/crds/$name" ]; then
      echo "==> note: $fixtures/crds/$name is missing: the $chart chart's CRDs will not be installed" >&2
      return 0
    fi
    files+=("$fixtures/crds/$name")
  done
  chart_crd_args+=(-chart-crds "$chart=$(IFS=,; echo "${files[*]}")")
}
add_chart_crds cert-manager cert-manager.io_certificates.yaml cert-manager.io_clusterissuers.yaml cert-manager.io_issuers.yaml
add_chart_crds external-secrets external-secrets.io_clustersecretstores.yaml external-secrets.io_externalsecrets.yaml
add_chart_crds cloudnative-pg postgresql.cnpg.io_crds.yaml

kube_ready() {
  [ -s "$kube_dir/address" ] && [ -f "$kube_dir/pid" ] && kill -0 "$(cat "$kube_dir/pid")" 2>/dev/null &&
    python3 - "$(cat "$kube_dir/address")" <<'PY' >/dev/null 2>&1
import socket, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1].strip())
socket.create_connection((u.hostname, u.port), timeout=1).close()
PY
}

if ! kube_ready; then
  if ! python3 -c "import kubernetes_validate" >/dev/null 2>&1; then
    echo "==> installing kubernetes-validate from PyPI (Kubernetes' schemas for the API test server)"
    python3 -m pip install -q kubernetes-validate
  fi
  echo "==> building the Kubernetes API test server"
  bash scripts/build-kube-test-server.sh
  rm -f "$kube_dir/address"
  echo "==> starting the Kubernetes API test server on 127.0.0.1:${KUBE_PORT} (log: .terrace/kube/server.log)"
  nohup .build/kube-test-server/kube-test-server -dir "$kube_dir" -listen "127.0.0.1:${KUBE_PORT}" \
    -simulate-controllers -accept-eks-tokens "${chart_crd_args[@]}" -log "$kube_dir/server.log" > /dev/null 2>&1 &
  echo $! > "$kube_dir/pid"
  printf '%s\n' "${chart_crd_args[@]}" > "$kube_dir/chart-crds"
  for _ in $(seq 1 100); do kube_ready && break; sleep 0.2; done
  kube_ready || { echo "the Kubernetes API test server did not start; see .terrace/kube/server.log" >&2; exit 1; }
elif [ "$(cat "$kube_dir/chart-crds" 2>/dev/null)" != "$(printf '%s\n' "${chart_crd_args[@]}")" ]; then
  # A stand-in from before keeps running with its state (everything is in memory); it lacks the chart CRDs wanted now.
  echo "==> note: the running Kubernetes API test server (pid $(cat "$kube_dir/pid")) was started with other chart CRDs;" \
    "stop it (kill $(cat "$kube_dir/pid")) and run this again to start one with them (its state is lost)" >&2
fi

# A kubeconfig for people (kubectl) and for Terrace's endpoint; Terrace itself signs EKS tokens.
cat > "$kube_dir/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: emulated
  cluster:
    server: $(cat "$kube_dir/address")
    certificate-authority-data: $(base64 -w0 < "$kube_dir/ca.crt")
users:
- name: emulated
  user:
    token: $(cat "$kube_dir/token")
contexts:
- name: emulated
  context: {cluster: emulated, user: emulated}
current-context: emulated
KUBECONFIG
chmod 600 "$kube_dir/kubeconfig"
export TERRACE_EMULATED_CLUSTER_KUBECONFIG="$kube_dir/kubeconfig"

fixture="$fixtures/argo-cd/v3.5.1/install.yaml"
argocd_sha256=795a3a972224da6a7f9d32c3e946445f062b60fb46028476715affeb688236e3
cache="${TERRACE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terrace}/manifests"
if [ -f "$fixture" ] && [ ! -f "$cache/$argocd_sha256.yaml" ]; then
  mkdir -p "$cache"
  cp "$fixture" "$cache/$argocd_sha256.yaml"
fi
