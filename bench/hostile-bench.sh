#!/usr/bin/env bash
# Benchmark of a hostile repository: `terrace validate` (release build) on a "billion laughs" (nine levels of nine
# YAML aliases, 9^9 strings once expanded), and on a few other hostile repositories (100,000-deep YAML and expression
# nesting, a 50 MB manifest, 10,000 files). Reports each run's wall time, peak memory (max RSS, `/usr/bin/time -v`)
# and exit status, under a kill bound (`timeout`, default 100 s) so the figure "before" (a binary without the
# limits) is a bounded measurement too.
# Usage: bash bench/hostile-bench.sh [--binary PATH] [--timeout SECONDS] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=""
limit=100
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --timeout) limit="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "usage: bash bench/hostile-bench.sh [--binary PATH] [--timeout SECONDS] [--no-build]" >&2; exit 2 ;;
  esac
done
if [ -z "$binary" ]; then
  if [ "$build" = 1 ]; then nice -n 19 swift build -c release --product terrace >/dev/null 2>&1; fi
  binary="$PWD/.build/release/terrace"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

repo() { mkdir -p "$work/$1/infrastructures"; printf 'kind: Project\nname: %s\n' "$1" > "$work/$1/terrace.yaml"; }
header='kind: Infrastructure\nname: dev\ncloud:\n  provider: aws\n  region: us-east-1\n'

repo laughs
python3 - "$work/laughs/infrastructures/dev.yaml" "$header" <<'PY'
import sys
lines = [sys.argv[2].replace("\\n", "\n") + "vars:", '  a: &a [' + ','.join(['"lol"'] * 9) + ']']
for previous, name in zip("abcdefgh", "bcdefghi"):
    lines.append(f"  {name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
repo deep-yaml
python3 -c "import sys; open(sys.argv[1],'w').write(sys.argv[2].replace('\\\\n','\n') + 'vars:\n  x: ' + '['*100000 + ']'*100000 + '\n')" \
  "$work/deep-yaml/infrastructures/dev.yaml" "$header"
repo deep-expression
mkdir -p "$work/deep-expression/modules/m"
printf 'variable "x" {\n  type = any\n}\n' > "$work/deep-expression/modules/m/main.tf"
python3 -c "import sys; open(sys.argv[1],'w').write(sys.argv[2].replace('\\\\n','\n') + 'units:\n  - name: a\n    module: ../modules/m\n    inputs:\n      x: \"\${' + '('*100000 + '1' + ')'*100000 + '}\"\n')" \
  "$work/deep-expression/infrastructures/dev.yaml" "$header"
repo large-manifest
python3 -c "import sys; open(sys.argv[1],'w').write(sys.argv[2].replace('\\\\n','\n') + 'vars:\n' + ('  v: \"' + 'x'*1000 + '\"\n') * 52000)" \
  "$work/large-manifest/infrastructures/dev.yaml" "$header"
repo many-files
mkdir -p "$work/many-files/docs"
for i in $(seq 1 10000); do echo "page $i" > "$work/many-files/docs/$i.md"; done

echo "binary: $binary"
printf '%-16s %10s %14s %6s  %s\n' repository "wall (s)" "max RSS (MB)" exit "first line of output"
for name in laughs deep-yaml deep-expression large-manifest many-files; do
  set +e
  /usr/bin/time -v -o "$work/time.txt" timeout -s KILL "$limit" "$binary" validate "$work/$name" >"$work/out.txt" 2>&1
  status=$?
  set -e
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$work/time.txt")
  first=$(head -c 300 "$work/out.txt" | head -1 | cut -c1-100)
  [ "$status" = 137 ] && first="killed after ${limit} s"
  printf '%-16s %10s %14s %6s  %s\n' "$name" "$wall" "$rss" "$status" "$first"
done
