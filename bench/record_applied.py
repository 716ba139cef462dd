#!/usr/bin/env python3
"""Records every unit of a repository as applied, as successful applies would, in Terrace's local state format.

It runs `terrace plan --json` repeatedly: each round records the units whose desired-state digest is known
(with outputs for every output their module declares), which makes the digests of their dependents known in
the next round, until the plan reports no changes.

Usage: record_applied.py TERRACE_BINARY REPO BUILTIN_MODULES_DIR
"""
import datetime
import json
import os
import re
import subprocess
import sys

OUTPUT = re.compile(r'^output\s+"([^"]+)"', re.M)


def outputs_of(module_dir):
    names = []
    for file in sorted(os.listdir(module_dir)):
        if file.endswith(".tf"):
            with open(os.path.join(module_dir, file)) as f:
                names += OUTPUT.findall(f.read())
    return names


def module_dir(repo, builtin, display):
    if display.startswith("builtin:"):
        return os.path.join(builtin, display[len("builtin:"):])
    return os.path.join(repo, display)


def fake_value(unit, name):
    if name.endswith("_ids") or name == "availability_zones":
        return [f"{unit}-{name}-a", f"{unit}-{name}-b"]
    return f"{unit}-{name}"


def main():
    terrace, repo, builtin = sys.argv[1:4]
    state = os.path.join(repo, ".terrace", "state")
    os.makedirs(state, exist_ok=True)
    records = {}
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    for round_number in range(1, 20):
        run = subprocess.run([terrace, "plan", repo, "--json", "--digests-only", "--state-dir", state], capture_output=True, text=True)
        if run.returncode == 1:
            sys.exit(f"terrace plan failed:\n{run.stdout}{run.stderr}")
        plan = json.loads(run.stdout)
        if not plan["hasChanges"]:
            print(f"all {plan['summary']['unchanged']} units recorded as applied after {round_number - 1} rounds")
            return
        for infrastructure in plan["infrastructures"]:
            record = records.setdefault(
                infrastructure["name"], {"formatVersion": 1, "infrastructure": infrastructure["name"], "units": {}}
            )
            for unit in infrastructure["units"]:
                entry = record["units"].get(unit["name"])
                if entry is None:
                    names = outputs_of(module_dir(repo, builtin, unit["module"]))
                    entry = {
                        "digest": "pending",
                        "moduleDigest": "recorded-by-bench",
                        "settingsDigest": "recorded-by-bench",
                        "inputDigests": {},
                        "outputs": {name: fake_value(unit["name"], name) for name in names},
                        "sensitiveOutputs": [],
                        "dependsOn": unit["dependsOn"],
                        "module": unit["module"],
                        "appliedAt": now,
                    }
                    record["units"][unit["name"]] = entry
                if unit["digest"] is not None:
                    entry["digest"] = unit["digest"]
        for name, record in records.items():
            with open(os.path.join(state, f"{name}.json"), "w") as f:
                json.dump(record, f, sort_keys=True)
    sys.exit("the plan did not settle after 19 rounds")


if __name__ == "__main__":
    main()
