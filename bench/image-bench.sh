#!/usr/bin/env bash
# Benchmark of the container image: its size (podman image inspect), and the time from `podman run` to the first
# 200 from /readyz, over several runs (median, min, max). Each run starts a fresh container as it would be deployed:
# --read-only root file system, the image's user, an empty data folder as its volume, the host's network, serving a
# one-commit repository from a git daemon on 127.0.0.1. /readyz is polled every 20 ms with curl.
# Build the image first: bash scripts/build-image.sh (as root).
# Usage: bash bench/image-bench.sh [--image localhost/terrace:dev] [--runs 9]
set -euo pipefail
cd "$(dirname "$0")/.."
image=localhost/terrace:dev
runs=9
while [ $# -gt 0 ]; do
    case "$1" in
        --image) image=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        *) echo "image-bench: unknown option $1" >&2; exit 2 ;;
    esac
done
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/deploy/image/containers.conf}
podman image exists "$image" || { echo "image-bench: no image $image (bash scripts/build-image.sh)" >&2; exit 1; }

work=$(mktemp -d /tmp/terrace-image-bench.XXXXXX)
name=terrace-image-bench-$$
daemon_pid=""
cleanup() {
    podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
    if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null || true; wait "$daemon_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# A free port below the ephemeral range, for the git daemon and for the service.
free_port() {
    python3 -c 'import random, socket
while True:
    port = random.randint(20000, 31999)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass
    finally:
        s.close()'
}

mkdir -p "$work/git/infra"
git -C "$work/git/infra" init -q -b main
printf 'kind: Project\nname: bench\n' >"$work/git/infra/terrace.yaml"
git -C "$work/git/infra" add -A
git -C "$work/git/infra" -c user.email=bench@terrace.invalid -c user.name=bench commit -q -m bench
git_port=$(free_port)
git daemon --reuseaddr --export-all --listen=127.0.0.1 --port="$git_port" --base-path="$work/git" "$work/git" >/dev/null 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$git_port") 2>/dev/null && break; sleep 0.1; done

size=$(podman image inspect --format '{{.Size}}' "$image")
echo "image $image: $size bytes ($(( size / 1000000 )) MB); $(podman image inspect --format '{{index .Labels "org.opencontainers.image.version"}} {{index .Labels "org.opencontainers.image.revision"}}' "$image")"

times=()
for run in $(seq "$runs"); do
    port=$(free_port)
    rm -rf "$work/data"; install -d -o 10001 -g 10001 "$work/data"
    start=$(date +%s%N)
    podman run -d --name "$name" --network=host --read-only --no-healthcheck \
        -v "$work/data:/var/lib/terrace" -e TERRACE_LISTEN="127.0.0.1:$port" \
        -e AWS_ACCESS_KEY_ID=bench -e AWS_SECRET_ACCESS_KEY=bench -e AWS_EC2_METADATA_DISABLED=true \
        "$image" serve --repo "git://127.0.0.1:$git_port/infra" --interval 1h --drift-interval 0 >/dev/null
    ready=""
    for _ in $(seq 3000); do
        if curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/readyz"; then ready=$(date +%s%N); break; fi
        sleep 0.02
    done
    [ -n "$ready" ] || { podman logs "$name" >&2; echo "image-bench: /readyz never answered 200" >&2; exit 1; }
    ms=$(( (ready - start) / 1000000 ))
    times+=("$ms")
    echo "run $run: podman run to /readyz 200 in $ms ms"
    podman rm -f -t 40 "$name" >/dev/null
done
python3 - "${times[@]}" <<'EOF'
import statistics, sys
values = sorted(int(v) for v in sys.argv[1:])
print(f"podman run to first /readyz 200 over {len(values)} runs: median {statistics.median(values):.0f} ms, "
      f"min {values[0]} ms, max {values[-1]} ms")
EOF
