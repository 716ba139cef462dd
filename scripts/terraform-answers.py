#!/usr/bin/env python3
"""Derives Terraform's answer for every expression of the differential-test corpus.

Usage:
    python3 scripts/terraform-answers.py            # (re)write the answers file
    python3 scripts/terraform-answers.py --check    # re-derive and compare with the stored answers

For every expression EXPR of Tests/TerraceCoreTests/Language/Fixtures/terraform-corpus.txt (one per line; blank
lines and lines starting with `#` are comments) it runs `terraform console -no-color` once, in an empty temporary
folder with TF_CLI_CONFIG_FILE=/dev/null, feeding it the single line `jsonencode(EXPR)`. One process per expression,
because in piped mode the console prints only the last result and stops at the first error.

The answers file (terraform-answers.json, next to the corpus) is a JSON array: a header object with the Terraform
version, then one object per corpus line, in corpus order:
    {"expression": EXPR, "json": "<the text jsonencode returned>"}     when Terraform accepts the expression
    {"expression": EXPR, "error": "<summary of Terraform's first error>"}   when it rejects it
    {"expression": EXPR, "unknown": true}   when the result is unknown ("(known after apply)"): Terraform's
                                            functions with a variadic dynamic parameter return an unknown value
                                            when given an untyped `null`, e.g. `format("%v", null)`

The console prints a string result with Go's strconv.Quote (internal/repl/format.go), so the result is unquoted
with Go's escapes: \\a \\b \\f \\n \\r \\t \\v \\\\ \\" \\' \\xNN (a byte) \\NNN (octal) \\uXXXX \\UXXXXXXXX. (`$${`
and `%%{` are HCL source escapes; the console never writes them, so they are not undone.)

--check exits 1 and prints every line whose answer drifted (or whose corpus line changed), 0 when all match.
Runs two console processes at a time; the whole corpus takes well under a minute.
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "TerraceCoreTests", "Language", "Fixtures")
CORPUS = os.path.join(FIXTURES, "terraform-corpus.txt")
ANSWERS = os.path.join(FIXTURES, "terraform-answers.json")
WORKERS = 2
TIMEOUT_SECONDS = 60
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def read_corpus(path):
    """The expressions of the corpus, in order (comment and blank lines left out)."""
    return [expression for _, expression in read_corpus_lines(path)]


def read_corpus_lines(path):
    """(line number, expression) for every expression of the corpus, in order."""
    numbered = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle.read().split("\n"), start=1):
            line = line.rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            numbered.append((number, line))
    return numbered


def go_unquote(text):
    """The string a Go `strconv.Quote` result stands for."""
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted string: {text!r}")
    body = text[1:-1]
    out = bytearray()
    simple = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, '"': 34, "'": 39}
    i = 0
    while i < len(body):
        char = body[i]
        if char == '"':
            raise ValueError(f"unescaped quote inside {text!r}")
        if char != "\\":
            out += char.encode("utf-8")
            i += 1
            continue
        if i + 1 >= len(body):
            raise ValueError(f"dangling backslash in {text!r}")
        kind = body[i + 1]
        if kind in simple:
            out.append(simple[kind])
            i += 2
        elif kind == "x":
            out.append(int(body[i + 2:i + 4], 16))
            i += 4
        elif kind in "01234567":
            out.append(int(body[i + 1:i + 4], 8))
            i += 4
        elif kind == "u":
            out += chr(int(body[i + 2:i + 6], 16)).encode("utf-8")
            i += 6
        elif kind == "U":
            out += chr(int(body[i + 2:i + 10], 16)).encode("utf-8")
            i += 10
        else:
            raise ValueError(f"unknown escape \\{kind} in {text!r}")
    return out.decode("utf-8")


def environment(folder):
    env = {key: value for key, value in os.environ.items() if not key.startswith("TF_")}
    env.update({
        "TF_CLI_CONFIG_FILE": "/dev/null",
        "CHECKPOINT_DISABLE": "1",
        "NO_COLOR": "1",
        "TF_DATA_DIR": os.path.join(folder, ".terraform"),
        "HOME": folder,
    })
    return env


def ask_terraform(terraform, expression, folder):
    """Terraform's answer for one expression: {"json": ...} or {"error": ...}."""
    result = subprocess.run(
        [terraform, "console", "-no-color"], input=f"jsonencode({expression})\n", capture_output=True,
        text=True, encoding="utf-8", cwd=folder, env=environment(folder), timeout=TIMEOUT_SECONDS)
    stdout = ANSI.sub("", result.stdout).strip()
    stderr = ANSI.sub("", result.stderr)
    if result.returncode == 0:
        if stdout == "(known after apply)":
            return {"unknown": True}
        if "\n" in stdout:
            raise RuntimeError(f"unexpected multi-line console output for {expression!r}: {stdout!r}")
        return {"json": go_unquote(stdout)}
    for line in stderr.splitlines():
        line = line.strip().lstrip("│╷╵ ").strip()
        if line.startswith("Error: "):
            return {"error": line[len("Error: "):].strip()}
    raise RuntimeError(
        f"terraform console exited {result.returncode} without an error summary for {expression!r}:\n{stderr}")


def terraform_version(terraform, folder):
    result = subprocess.run(
        [terraform, "version", "-json"], capture_output=True, text=True, cwd=folder, env=environment(folder),
        timeout=TIMEOUT_SECONDS, check=True)
    info = json.loads(result.stdout)
    return info["terraform_version"], info.get("platform", "")


def derive(expressions):
    terraform = shutil.which("terraform")
    if terraform is None:
        sys.exit("terraform-answers: `terraform` is not on the PATH")
    with tempfile.TemporaryDirectory(prefix="terraform-answers-") as scratch:
        folders = []
        for worker in range(WORKERS):
            folder = os.path.join(scratch, f"worker{worker}")
            os.mkdir(folder)
            folders.append(folder)
        version, platform = terraform_version(terraform, folders[0])
        answers = [None] * len(expressions)

        def run(worker):
            # Worker w takes lines w, w+WORKERS, ...; each worker has its own empty folder.
            for index in range(worker, len(expressions), WORKERS):
                answer = ask_terraform(terraform, expressions[index], folders[worker])
                answers[index] = {"expression": expressions[index], **answer}

        with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for future in [pool.submit(run, worker) for worker in range(WORKERS)]:
                future.result()
        for folder in folders:
            leftovers = [name for name in os.listdir(folder) if name != ".terraform"]
            if leftovers:
                raise RuntimeError(f"terraform console left files behind in its folder: {leftovers}")
    header = {"terraform_version": version, "platform": platform, "corpus": os.path.relpath(CORPUS, ROOT),
              "generator": os.path.relpath(os.path.abspath(__file__), ROOT)}
    return header, answers


def render(header, answers):
    lines = [json.dumps(header, ensure_ascii=False)]
    lines += [json.dumps(answer, ensure_ascii=False) for answer in answers]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def describe(answer):
    if answer is None:
        return "(no answer)"
    if "error" in answer:
        return f"rejected: {answer['error']}"
    if "unknown" in answer:
        return "unknown (known after apply)"
    return f"json: {answer['json']}"


def check(header, answers):
    try:
        with open(ANSWERS, encoding="utf-8") as handle:
            stored = json.load(handle)
    except (OSError, ValueError) as error:
        print(f"cannot read {ANSWERS}: {error}", file=sys.stderr)
        return 1
    stored_header, stored_answers = (stored[0], stored[1:]) if stored else ({}, [])
    problems = []
    line_numbers = [number for number, _ in read_corpus_lines(CORPUS)]
    corpus_name = os.path.basename(CORPUS)
    if len(stored_answers) != len(answers):
        problems.append(f"the answers file has {len(stored_answers)} answers, the corpus {len(answers)} lines")
    for index, answer in enumerate(answers):
        old = stored_answers[index] if index < len(stored_answers) else None
        if old is not None and old.get("expression") != answer["expression"]:
            problems.append(
                f"{corpus_name}:{line_numbers[index]}: the corpus has\n    {answer['expression']}\n"
                f"  but the answers file has\n    {old.get('expression')}\n"
                "  (re-run scripts/terraform-answers.py after editing the corpus)")
        elif old != answer:
            problems.append(
                f"{corpus_name}:{line_numbers[index]}: {answer['expression']}\n  stored:    {describe(old)}\n"
                f"  terraform: {describe(answer)}")
    version_note = ""
    if stored_header.get("terraform_version") != header["terraform_version"]:
        version_note = (f"note: answers were derived with Terraform {stored_header.get('terraform_version')}, "
                        f"this is Terraform {header['terraform_version']}")
    if problems:
        print(f"{len(problems)} of {len(answers)} answers drifted from {os.path.relpath(ANSWERS, ROOT)}:",
              file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
        if version_note:
            print(version_note, file=sys.stderr)
        return 1
    print(f"all {len(answers)} answers match (Terraform {header['terraform_version']})")
    if version_note:
        print(version_note)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the stored answers instead of writing")
    arguments = parser.parse_args()
    started = time.monotonic()
    expressions = read_corpus(CORPUS)
    header, answers = derive(expressions)
    elapsed = time.monotonic() - started
    if arguments.check:
        status = check(header, answers)
        print(f"checked {len(answers)} expressions in {elapsed:.1f} s", file=sys.stderr)
        return status
    with open(ANSWERS, "w", encoding="utf-8") as handle:
        handle.write(render(header, answers))
    rejected = sum(1 for answer in answers if "error" in answer)
    print(f"wrote {len(answers)} answers ({rejected} rejected) to {os.path.relpath(ANSWERS, ROOT)} "
          f"in {elapsed:.1f} s with Terraform {header['terraform_version']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
