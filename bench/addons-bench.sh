#!/usr/bin/env bash
# Benchmark of the addon catalogue, offline: a repository of N infrastructures (default 50), each with every catalogue
# addon on (plus Argo CD and one app), loaded and validated (`terrace validate`) and planned offline (`terrace plan
# --digests-only`, which renders every unit's inputs, the addons' Helm values and IRSA statements included, and digests
# them). Reports wall time and peak memory (max RSS) of each, release build, side by side in one run.
# Usage: bash bench/addons-bench.sh [--infrastructures N] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
count=50
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --infrastructures) count="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: bash bench/addons-bench.sh [--infrastructures N] [--runs N]" >&2; exit 2 ;;
  esac
done
swift build -c release --product terrace >/dev/null 2>&1
terrace="$PWD/.build/release/terrace"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
repo="$work/repo"
mkdir -p "$repo/infrastructures"
printf 'kind: Project\nname: bench\n' > "$repo/terrace.yaml"
addons=$(python3 -c "import yaml; print(' '.join(sorted(yaml.safe_load(open('modules/catalogue/addons.yaml'))['addons'])))")
for i in $(seq -w 1 "$count"); do
  {
    printf 'kind: Infrastructure\nname: env-%s\ncloud: {provider: aws, region: eu-west-1}\n' "$i"
    printf 'backend: {bucket: bench-env-%s-state}\nnetwork: {cidr: 10.%d.0.0/16}\n' "$i" "$((10#$i))"
    printf 'domain: {name: env-%s.example.com}\nkubernetes: {version: "1.31"}\naddons:\n  argocd: {}\n' "$i"
    for addon in $addons; do printf '  %s: {}\n' "$addon"; done
    printf 'apps:\n  - name: web\n    chart: {repo: https://charts.example.com, name: web, version: 1.0.0}\n'
    printf '    values: {host: "web.${domain.name}"}\n'
  } > "$repo/infrastructures/env-$i.yaml"
done
measure() {  # prints "seconds max-rss-MiB" of one run of the command
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
    code=$?
    # plan exits 2 when there are changes (everything is new here)
    [ "$code" -eq 2 ] || { cat "$work/stderr" >&2; exit "$code"; }
  }
  tail -n 1 "$work/time" | awk '{ printf "%.2f %.1f\n", $1, $2 / 1024 }'
}
units=$("$terrace" validate "$repo" | sed -E 's/.* ([0-9]+) units.*/\1/')
echo "addon catalogue: $count infrastructures x $(echo $addons | wc -w) addons (+ argocd, 1 app, 5 sections) = $units units; release build"
printf '%-44s %10s %14s\n' "" "wall s" "max RSS MiB"
for name in validate plan; do
  for run in $(seq 1 "$runs"); do
    if [ "$name" = validate ]; then
      read -r seconds rss < <(measure "$terrace" validate "$repo")
    else
      read -r seconds rss < <(measure "$terrace" plan "$repo" --digests-only --state-dir "$work/state" --json)
    fi
    printf '%-44s %10s %14s\n' "terrace $name (run $run)" "$seconds" "$rss"
  done
done
