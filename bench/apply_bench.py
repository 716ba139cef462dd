#!/usr/bin/env python3
"""Benchmarks applying the quickstart on a local AWS API (moto), side by side in one run:

(a) Terrace's cold apply against the same modules applied one after another with plain
    `terraform init && terraform apply` (outputs handed on by hand, as a person would);
(b) Terrace's no-change apply against running `terraform plan` in every unit;
(c) Terrace's own overhead in the cold apply: wall time minus the time spent inside Terraform processes on the
    critical path of the unit graph, as a share of the whole.

Every Terraform run is timed by a wrapper first on the PATH. Usage:
    apply_bench.py TERRACE_BINARY [--runs 3]
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ARGOCD_SHA256 = "795a3a972224da6a7f9d32c3e946445f062b60fb46028476715affeb688236e3"
ROOT = os.path.dirname(HERE)
MIRRORS = ["/opt/tf-plugins", os.path.expanduser("~/.terraform.d/plugins"), "/usr/local/share/terraform/plugins",
           "/usr/share/terraform/plugins"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(port, log):
    env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true", MOTO_ACM_VALIDATION_WAIT="0")
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=log, stderr=log, env=env)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)
            return process
        except Exception:
            time.sleep(0.2)
    process.kill()
    sys.exit("moto's server did not start")


def reset_moto(port):
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/moto-api/reset", method="POST"))


def write_shim(folder, log):
    real = shutil.which("terraform")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "terraform")
    with open(path, "w") as f:
        f.write(f'#!/usr/bin/env bash\nstart=$(date +%s.%N)\n"{real}" "$@"\ncode=$?\n'
                f'echo "$start $(date +%s.%N) $PWD ${{1:-}}" >> "{log}"\nexit $code\n')
    os.chmod(path, 0o755)


def invocations(log):
    rows = []
    if os.path.exists(log):
        for line in open(log):
            start, end, folder, sub = line.split(" ", 3)
            rows.append((float(start), float(end), folder, sub.strip()))
    return rows


def run(command, env, cwd, check=True):
    start = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if check and result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, result


def critical_path(units, dependencies, weight):
    """The longest chain of `weight` through the graph: (its length, its units in order)."""
    finish, via = {}, {}
    for unit in units:  # topological order
        before = [d for d in dependencies.get(unit, []) if d in finish]
        previous = max(before, key=lambda d: finish[d], default=None)
        finish[unit] = weight.get(unit, 0) + (finish[previous] if previous else 0)
        via[unit] = previous
    if not finish:
        return 0, []
    last = max(finish, key=finish.get)
    chain = [last]
    while via.get(chain[-1]):
        chain.append(via[chain[-1]])
    return finish[last], list(reversed(chain))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("terrace")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    terrace = os.path.abspath(args.terrace)
    mirror = next((m for m in MIRRORS if os.path.isdir(os.path.join(m, "registry.terraform.io/hashicorp/aws"))), None)
    if mirror is None:
        sys.exit("no offline Terraform provider mirror found")

    work = tempfile.mkdtemp(prefix="terrace-apply-bench-")
    port = free_port()
    moto = start_moto(port, open(os.path.join(work, "moto.log"), "w"))
    try:
        endpoint = f"http://127.0.0.1:{port}"
        repo = os.path.join(work, "repo")
        shutil.copytree(os.path.join(ROOT, "examples", "quickstart"), repo)
        manifest = os.path.join(repo, "infrastructures", "demo.yaml")
        text = open(manifest).read().replace("http://127.0.0.1:5000", endpoint)
        open(manifest, "w").write(text)
        cache = os.path.join(work, "plugin-cache")
        os.makedirs(cache)
        tfrc = os.path.join(work, "cli.tfrc")
        open(tfrc, "w").write(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n'
                              f'    include = ["registry.terraform.io/hashicorp/*"]\n  }}\n  direct {{\n'
                              f'    exclude = ["registry.terraform.io/hashicorp/*"]\n  }}\n}}\n')
        shim_log = os.path.join(work, "terraform.log")
        write_shim(os.path.join(work, "bin"), shim_log)
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
                   AWS_EC2_METADATA_DISABLED="true", TF_CLI_CONFIG_FILE=tfrc, TF_PLUGIN_CACHE_DIR=cache, NO_COLOR="1",
                   TERRACE_CACHE_DIR=os.path.join(work, "terrace-cache"), CHECKPOINT_DISABLE="1",
                   PATH=os.path.join(work, "bin") + ":" + os.environ["PATH"])

        # Argo CD's install manifest, where Terrace looks first, so the in-cluster units need no download (offline).
        fixture = os.path.join(os.path.dirname(ROOT), "shared", "fixtures", "argo-cd", "v3.5.1", "install.yaml")
        if os.path.exists(fixture):
            os.makedirs(os.path.join(work, "terrace-cache", "manifests"))
            shutil.copyfile(fixture, os.path.join(work, "terrace-cache", "manifests", ARGOCD_SHA256 + ".yaml"))

        # Warm the provider cache once, outside every measurement, so both sides start alike.
        warm = os.path.join(work, "warm")
        os.makedirs(warm)
        open(os.path.join(warm, "main.tf"), "w").write('terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n')
        run(["terraform", "init", "-input=false", "-no-color"], env, warm)
        open(shim_log, "w").close()

        # (a) Terrace's cold apply.
        cold, result = run([terrace, "apply", repo, "--auto-approve", "--json"], env, work)
        cold_invocations = invocations(shim_log)
        plan = json.loads(run([terrace, "plan", repo, "--json", "--digests-only"], env, work, check=False)[1].stdout)
        units = [u["name"] for u in plan["infrastructures"][0]["units"]]
        dependencies = {u["name"]: u["dependsOn"] for u in plan["infrastructures"][0]["units"]}
        workdirs = {u: os.path.join(repo, ".terrace", "work", "demo", u) for u in units}
        # Units with a Terraform working folder; the others (argocd, apps) run in the cluster, not in Terraform.
        tf_units = [u for u in units if os.path.isdir(workdirs[u])]
        in_cluster = [u for u in units if u not in tf_units]
        weight = {}
        for start, end, folder, _ in cold_invocations:
            unit = os.path.basename(folder)
            weight[unit] = weight.get(unit, 0) + (end - start)
        inside, _ = critical_path(units, dependencies, weight)
        # The whole critical path, in-cluster units weighted by their time in the run.
        seconds = {}
        for line in result.stdout.splitlines():
            event = json.loads(line)
            if event.get("event") == "finished" and event.get("seconds") is not None:
                seconds[event["unit"]] = event["seconds"]
        full_weight = dict(weight, **{u: seconds.get(u, 0) for u in in_cluster})
        path_length, path = critical_path(units, dependencies, full_weight)
        terrace_outputs = json.loads(run([terrace, "output", repo, "--json"], env, work)[1].stdout)["demo"]

        # (b) No-change apply, against `terraform plan` in every unit.
        no_change = []
        for _ in range(args.runs):
            open(shim_log, "w").close()
            elapsed, result = run([terrace, "apply", repo, "--auto-approve"], env, work)
            no_change.append(elapsed)
            assert not invocations(shim_log), "a no-change apply ran Terraform"
        plans = []
        for _ in range(args.runs):
            start = time.perf_counter()
            for unit in tf_units:
                run(["terraform", "plan", "-input=false", "-no-color", "-lock=false"], env, workdirs[unit])
            plans.append(time.perf_counter() - start)

        # (a) baseline: a clean account, each module by hand, one after another, outputs copied forward.
        snapshots = os.path.join(work, "baseline")
        for unit in tf_units:
            target = os.path.join(snapshots, unit)
            shutil.copytree(workdirs[unit], target, ignore=shutil.ignore_patterns(".terraform", "terrace.tfplan", ".terrace-*"))
            backend = os.path.join(target, "terrace_backend.tf")
            open(backend, "w").write(open(backend).read().replace('"demo/', '"baseline/demo/'))
        reset_moto(port)
        run(["aws", "--endpoint-url", endpoint, "s3api", "create-bucket", "--bucket", "quickstart-demo-tfstate"], env, work)
        replacements = {}
        start = time.perf_counter()
        for unit in tf_units:
            folder = os.path.join(snapshots, unit)
            tfvars = os.path.join(folder, "terraform.tfvars.json")
            if os.path.exists(tfvars):
                text = open(tfvars).read()
                for old, new in replacements.items():
                    text = text.replace(json.dumps(old), json.dumps(new))
                open(tfvars, "w").write(text)
            run(["terraform", "init", "-input=false", "-no-color"], env, folder)
            run(["terraform", "apply", "-input=false", "-no-color", "-auto-approve"], env, folder)
            outputs = json.loads(run(["terraform", "output", "-json"], env, folder)[1].stdout)
            for name, value in outputs.items():
                old = terrace_outputs.get(unit, {}).get(name)
                new = value["value"]
                if isinstance(old, str) and isinstance(new, str):
                    replacements[old] = new
                elif isinstance(old, list) and isinstance(new, list):
                    replacements.update({o: n for o, n in zip(old, new) if isinstance(o, str) and isinstance(n, str)})
        sequential = time.perf_counter() - start

        print(f"\nquickstart: {len(units)} units on moto at {endpoint}; Terraform {subprocess.run(['terraform', 'version'], capture_output=True, text=True).stdout.splitlines()[0]}")
        print(f"(a) cold apply:   terrace {cold:7.1f} s   sequential terraform init+apply {sequential:7.1f} s   ratio {sequential / cold:5.2f}x faster"
              f" (terrace takes {cold / sequential:.2f}x the time)")
        print(f"    critical path: {' -> '.join(f'{u} {full_weight.get(u, 0):.1f} s' for u in path)} = {path_length:.1f} s")
        if in_cluster:
            print(f"    in the cluster (no Terraform; not in the sequential baseline): "
                  + ", ".join(f"{u} {seconds.get(u, 0):.1f} s" for u in in_cluster))
        print(f"(b) no change:    terrace apply {statistics.median(no_change):6.2f} s (median of {args.runs}, 0 Terraform runs)   "
              f"terraform plan in every unit {statistics.median(plans):6.1f} s   ratio {statistics.median(plans) / statistics.median(no_change):5.1f}x faster")
        print(f"(c) overhead:     cold apply wall {cold:.1f} s, inside Terraform on the critical path {inside:.1f} s, "
              f"Terrace's own {cold - inside:.1f} s = {100 * (cold - inside) / cold:.1f}% of the whole")
        print("    per unit (s inside Terraform): " + ", ".join(f"{u} {weight.get(u, 0):.1f}" for u in units))
    finally:
        moto.terminate()
        moto.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
