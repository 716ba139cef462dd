#!/usr/bin/env python3
"""Expressions per second for the differential corpus (Tests/TerraceCoreTests/Language/Fixtures).

Only the expressions Terraform accepts are used. Each evaluator gets the corpus repeated K times on standard input,
in one process: `terrace console INFRA` (prints every value) and `terraform console` (piped mode: evaluates every
line and prints only the last). The time of the same process with empty input is subtracted, so start-up (reading
the repository, Terraform's own start) does not count. Median of N runs each.

Usage: expression_bench.py TERRACE_BINARY [--repeat 20] [--runs 5]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Tests", "TerraceCoreTests", "Language", "Fixtures")


def timed(command, text, cwd, env):
    start = time.perf_counter()
    run = subprocess.run(command, input=text, text=True, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({run.returncode}): {run.stderr[-2000:]}")
    return elapsed


def rate(command, lines, repeat, runs, cwd, env):
    body = "\n".join(lines * repeat) + "\n"
    empty = statistics.median(timed(command, "", cwd, env) for _ in range(runs))
    full = statistics.median(timed(command, body, cwd, env) for _ in range(runs))
    count = len(lines) * repeat
    return count / max(full - empty, 1e-9), full, empty


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("terrace")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with open(os.path.join(FIXTURES, "terraform-answers.json")) as f:
        answers = json.load(f)
    lines = [entry["expression"] for entry in answers if isinstance(entry, dict) and "json" in entry]

    work = tempfile.mkdtemp(prefix="terrace-expr-bench-")
    try:
        repo = os.path.join(work, "repo")
        os.makedirs(repo)
        with open(os.path.join(repo, "bench.yaml"), "w") as f:
            f.write("kind: Infrastructure\nname: bench\ncloud: {provider: aws, region: eu-west-1}\n")
        env = dict(os.environ, TF_CLI_CONFIG_FILE="/dev/null", NO_COLOR="1")
        terrace = [os.path.abspath(args.terrace), "console", "bench", repo, "--state-dir", os.path.join(work, "state")]
        terraform = ["terraform", "console"]
        t_rate, t_full, t_empty = rate(terrace, lines, args.repeat, args.runs, work, env)
        f_rate, f_full, f_empty = rate(terraform, lines, args.repeat, args.runs, work, env)
        count = len(lines) * args.repeat
        print(f"\n{len(lines)} corpus expressions x {args.repeat} = {count} evaluations per process, median of {args.runs} runs")
        print(f"{'evaluator':22} {'expressions/s':>14} {'run s':>8} {'start-up s':>11}")
        print(f"{'terrace console':22} {t_rate:14,.0f} {t_full:8.3f} {t_empty:11.3f}")
        print(f"{'terraform console':22} {f_rate:14,.0f} {f_full:8.3f} {f_empty:11.3f}")
        print(f"ratio (terrace / terraform): {t_rate / f_rate:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
