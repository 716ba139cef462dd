#!/usr/bin/env bash
# Builds the libFuzzer targets (the fuzz/ package, with -sanitize=fuzzer,address) and runs each for a while.
# Targets: FuzzManifest (RepoLoader over an in-memory repository), FuzzHCL (Terraform modules' declarations, .tf and
# .tf.json, and HCLText.quoted), FuzzExpression (template and expression parser, then the evaluator). See docs/fuzzing.md.
#
# Usage: bash scripts/fuzz.sh [--seconds N] [--no-build] [--build-only] [TARGET ...] [-- LIBFUZZER FLAGS ...]
#   --seconds N   how long each target runs (default: $FUZZ_SECONDS, else 60); e.g. --seconds 3600 for a long run
#   --no-build    use the binaries already in .build-fuzz
#   --build-only  build, run nothing
# Crashes, timeouts and out-of-memory inputs land in $FUZZ_ARTIFACTS (default .artifacts/fuzz)/crashes/TARGET/;
# the corpus each target grows is kept in .artifacts/fuzz/corpus/TARGET/ for the next run. Exits 1 when any target
# found a crash, 2 on a usage or build error.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
build=1
run=1
targets=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) [ $# -ge 2 ] || { echo "--seconds needs a number" >&2; exit 2; }; seconds="$2"; shift 2 ;;
    --seconds=*) seconds="${1#--seconds=}"; shift ;;
    --no-build) build=0; shift ;;
    --build-only) run=0; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    Fuzz*) targets+=("$1"); shift ;;
    *) echo "unknown argument: $1 (targets: FuzzManifest FuzzHCL FuzzExpression)" >&2; exit 2 ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || { echo "--seconds must be a positive whole number" >&2; exit 2; }
[ ${#targets[@]} -gt 0 ] || targets=(FuzzManifest FuzzHCL FuzzExpression)

artifacts="${FUZZ_ARTIFACTS:-.artifacts/fuzz}"
mkdir -p "$artifacts"
artifacts="$(cd "$artifacts" && pwd)"
bin=.build-fuzz/release

if [ "$build" = 1 ]; then
  # The fuzz package resolves the root package's dependencies itself: start from the root's pins when there are any.
  [ -f Package.resolved ] && cp Package.resolved fuzz/Package.resolved
  echo "==> building the fuzz targets (release, -sanitize=fuzzer,address) in .build-fuzz"
  start=$(date +%s)
  swift build --package-path fuzz --scratch-path .build-fuzz -c release -Xswiftc -sanitize=fuzzer,address \
    || { echo "the fuzz targets do not build" >&2; exit 2; }
  echo "==> built in $(( $(date +%s) - start )) s"
fi
[ "$run" = 1 ] || exit 0

# Seeds made from the repository's own files (not committed twice): every line of the Terraform expression corpus,
# every .tf file of the built-in and example modules, the example manifests.
seeds="$artifacts/seeds"
rm -rf "$seeds"
mkdir -p "$seeds/FuzzExpression" "$seeds/FuzzHCL" "$seeds/FuzzManifest"
n=0
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  printf '%s' "$line" >"$seeds/FuzzExpression/expression-$n.txt"
  printf '${%s}' "$line" >"$seeds/FuzzExpression/template-$n.txt"
done <Tests/TerraceCoreTests/Language/Fixtures/terraform-corpus.txt
for file in modules/aws/*/*.tf examples/*/modules/*/*.tf; do
  cp "$file" "$seeds/FuzzHCL/$(echo "$file" | tr '/' '_')"
done
for file in examples/*/infrastructures/*.yaml; do
  cp "$file" "$seeds/FuzzManifest/$(echo "$file" | tr '/' '_')"
done

# Swift's runtime keeps some allocations for the life of the process (metadata, lazy globals): not leaks.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"
# Swift's own crash backtracer would race AddressSanitizer's report of the same crash.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
failed=()
summary=()
for target in "${targets[@]}"; do
  [ -x "$bin/$target" ] || { echo "no $bin/$target: build first (drop --no-build)" >&2; exit 2; }
  corpus="$artifacts/corpus/$target"
  crashes="$artifacts/crashes/$target"
  mkdir -p "$corpus" "$crashes"
  log="$artifacts/$target.log"
  echo "==> $target for $seconds s (log: $log)"
  status=0
  # The first folder receives the new inputs; the others are only read. -max_len keeps inputs about the size of
  # real files (deeper nesting than that is the loaders' limits' job, tested on its own).
  "$bin/$target" "$corpus" "fuzz/corpus/$target" "$seeds/$target" \
    -dict="fuzz/dictionaries/$target.dict" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=8192 \
    -artifact_prefix="$crashes/" -print_final_stats=1 -close_fd_mask=1 \
    ${extra[@]+"${extra[@]}"} >"$log" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || true)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  line="$target: ${runs:-?} runs, ${speed:-?} exec/s, coverage ${cov:-?} edges, exit $status"
  summary+=("$line")
  if [ "$status" != 0 ]; then
    failed+=("$target")
    echo "!! $target failed (exit $status); the input and the report:" >&2
    ls -1 "$crashes" >&2 || true
    pattern='^==[0-9]+==ERROR|Fatal error|fuzz invariant failed|ALARM|out-of-memory|deadly signal'
    if grep -qE "$pattern" "$log"; then
      grep -E -A25 "$pattern" "$log" | head -60 >&2 || true
    else
      tail -15 "$log" >&2
    fi
  fi
done

echo "==> fuzzing summary"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "crashes in: ${failed[*]} (inputs in $artifacts/crashes/; replay one with .build-fuzz/release/TARGET FILE)" >&2
  exit 1
fi
