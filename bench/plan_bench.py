#!/usr/bin/env python3
"""Times `terrace plan --json --digests-only` (the offline plan: no Terraform runs) on a generated 200 x 10 repository: with no recorded state, and with every unit
recorded as applied. Reports wall time (median and min of N runs) and peak resident memory of the terrace process.

Two expression corpora are measured side by side in one run: `plain` (references and a few functions) and `rich`
(more than half of the inputs use conditionals, `for` expressions, directives and nested templates). With
`--baseline BINARY`, an earlier build is measured on the plain corpus in the same run (it may not parse `rich`).

Usage: plan_bench.py TERRACE_BINARY BUILTIN_MODULES_DIR [--runs 7] [--infrastructures 200] [--baseline BINARY]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def measure(command, runs):
    walls, peaks, codes = [], [], set()
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        walls.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)  # KiB -> MiB
        codes.add(os.waitstatus_to_exitcode(status))
    return walls, peaks, codes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("terrace")
    parser.add_argument("builtin")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--infrastructures", type=int, default=200)
    parser.add_argument("--baseline", help="an earlier terrace binary, measured on the plain corpus in the same run")
    args = parser.parse_args()

    variants = []
    if args.baseline:
        variants.append(("baseline", args.baseline, "plain"))
    variants += [("this build", args.terrace, "plain"), ("this build", args.terrace, "rich")]
    work = tempfile.mkdtemp(prefix="terrace-bench-")
    rows = []
    try:
        for label, binary, expressions in variants:
            repo = os.path.join(work, f"repo-{len(rows)}")
            subprocess.run([sys.executable, os.path.join(HERE, "generate_repo.py"), repo,
                            "--infrastructures", str(args.infrastructures), "--expressions", expressions], check=True)
            command = [binary, "plan", repo, "--json", "--digests-only", "--state-dir", os.path.join(repo, ".terrace", "state")]
            walls, peaks, codes = measure(command, args.runs)
            rows.append((f"{label}, {expressions}, no state", walls, peaks, codes))
            subprocess.run([sys.executable, os.path.join(HERE, "record_applied.py"), binary, repo, args.builtin], check=True)
            walls, peaks, codes = measure(command, args.runs)
            rows.append((f"{label}, {expressions}, all applied", walls, peaks, codes))

        units = args.infrastructures * 10
        print(f"\nterrace plan --json --digests-only on {args.infrastructures} infrastructures x 10 units ({units} units), {args.runs} runs each")
        print(f"{'case':40} {'median s':>9} {'min s':>7} {'max s':>7} {'peak RSS MiB':>13} {'exit':>5}")
        for name, walls, peaks, codes in rows:
            print(f"{name:40} {statistics.median(walls):9.3f} {min(walls):7.3f} {max(walls):7.3f} {max(peaks):13.1f} "
                  f"{','.join(map(str, sorted(codes))):>5}")
        print("targets: under 1 s each, peak memory under 200 MB; exit 2 = changes, 0 = no changes")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
