#!/usr/bin/env bash
# Benchmark of Terrace's in-cluster layer on the Kubernetes API test server (Tests/KubernetesTestServer, simulated
# controllers), offline, with no AWS and no Terraform: infrastructures on an existing cluster (`kubernetes: {existing:
# …}`), records in a local --state-dir. Side by side in one run, release build:
#   (1) the Argo CD v3.5.1 bootstrap (the install manifest kept in the repository, `addons.argocd.manifest`): the
#       `argocd` unit's cold apply, then a re-apply of it that must change nothing in the cluster. There is no CLI flag
#       to force one unit: the manifest moves to another path in the repository, same bytes and checksum, which changes
#       the unit's `manifest` input (so its digest) and none of its objects;
#   (2) an infrastructure with N apps (default 20): its cold apply, then no-change applies (goal: under 2 s, no
#       Terraform run, no Kubernetes request).
# Requests and writes are counted from the test server's request log (one line per request); "changed" is how far the
# server's resourceVersion counter moved (objects it stored, the simulated controllers' status writes included).
# Where the bootstrap's time goes comes from the log lines and the JSON events, stamped as they appear.
# Usage: bash bench/in-cluster-bench.sh [--apps N] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
fixture="$(cd .. && pwd)/shared/fixtures/argo-cd/v3.5.1/install.yaml"
[ -f "$fixture" ] || { echo "Argo CD's install manifest is missing: $fixture" >&2; exit 1; }
python3 -c "import kubernetes_validate" >/dev/null 2>&1 || python3 -m pip install -q kubernetes-validate
bash scripts/build-kube-test-server.sh
swift build -c release --product terrace >/dev/null
python3 - .build/release/terrace .build/kube-test-server/kube-test-server "$fixture" "$@" <<'PY'
import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ARGOCD_SHA256 = "795a3a972224da6a7f9d32c3e946445f062b60fb46028476715affeb688236e3"
LINE = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d (GET|HEAD|POST|PUT|PATCH|DELETE) (\S+) -> (\d+) \(([^)]*)\)$")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
PROBE = "/api/v1/namespaces?fieldSelector=metadata.name%3Ddefault"  # the bench's own reads, left out of the counts


def go_duration(text):
    """Seconds of a Go duration as the server logs it (`0s`, `254ms`, `1.5s`, `1m2s`)."""
    total = 0.0
    for number, unit in re.findall(r"([\d.]+)(h|ms|µs|us|ns|m|s)", text):
        total += float(number) * {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "µs": 1e-6, "us": 1e-6, "ns": 1e-9}[unit]
    return total


class LogWatcher(threading.Thread):
    """Follows the server's request log, stamping each line with the time it appeared."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.entries, self.consumed, self.stopped = path, [], 0, False

    def run(self):
        pending = b""
        with open(self.path, "rb") as log:
            while not self.stopped:
                chunk = log.read()
                if not chunk:
                    time.sleep(0.002)
                    continue
                now = time.perf_counter()
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    match = LINE.match(line.decode(errors="replace"))
                    if match and PROBE not in match.group(2):
                        method, uri, code, took = match.groups()
                        self.entries.append({"t": now, "method": method, "uri": uri, "code": int(code),
                                             "took": go_duration(took)})
                self.consumed += len(chunk)

    def mark(self):
        """The number of requests logged so far, once every byte written until now has been read."""
        size = os.path.getsize(self.path)
        while self.consumed < size:
            time.sleep(0.002)
        return len(self.entries)


class Cluster:
    """One Kubernetes API test server on a free loopback port, with a kubeconfig for it."""

    def __init__(self, binary, folder):
        self.folder = folder
        os.makedirs(folder)
        self.log = os.path.join(folder, "server.log")
        open(self.log, "w").close()
        self.process = subprocess.Popen(
            [binary, "-dir", folder, "-listen", "127.0.0.1:0", "-simulate-controllers", "-accept-eks-tokens",
             "-log", self.log], stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "server.err"), "w"))
        address = os.path.join(folder, "address")
        for _ in range(600):
            if os.path.exists(address) or self.process.poll() is not None:
                break
            time.sleep(0.1)
        if not os.path.exists(address):
            self.stop()
            sys.exit(f"the Kubernetes API test server did not start; see {self.log}")
        self.address = open(address).read().strip()
        self.token = open(os.path.join(folder, "token")).read().strip()
        self.context = ssl.create_default_context(cafile=os.path.join(folder, "ca.crt"))
        self.kubeconfig = os.path.join(folder, "kubeconfig")
        ca = base64.b64encode(open(os.path.join(folder, "ca.crt"), "rb").read()).decode()
        with open(self.kubeconfig, "w") as f:
            f.write(f"apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster:\n    server: {self.address}\n"
                    f"    certificate-authority-data: {ca}\nusers:\n- name: bench\n  user:\n    token: {self.token}\n"
                    f"contexts:\n- name: bench\n  context: {{cluster: bench, user: bench}}\ncurrent-context: bench\n")
        os.chmod(self.kubeconfig, 0o600)
        self.watcher = LogWatcher(self.log)
        self.watcher.start()

    def resource_version(self):
        """The server's resourceVersion counter (one for all objects): it moves with every stored change."""
        request = urllib.request.Request(self.address + PROBE,
                                         headers={"Authorization": "Bearer " + self.token})
        with urllib.request.urlopen(request, context=self.context, timeout=10) as answer:
            return int(json.load(answer)["metadata"]["resourceVersion"])

    def settled_resource_version(self):
        """The counter once the simulated controllers have caught up (two equal readings 300 ms apart)."""
        last = self.resource_version()
        for _ in range(50):
            time.sleep(0.3)
            now = self.resource_version()
            if now == last:
                return now
            last = now
        return last

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if hasattr(self, "watcher"):
            self.watcher.stopped = True


class Bench:
    def __init__(self, terrace, work):
        self.terrace, self.work = terrace, work
        self.cache = os.path.join(work, "cache")  # empty: no manifest from an earlier run or download is used
        self.shim_log = os.path.join(work, "terraform-runs.log")
        shim_dir = os.path.join(work, "bin")
        os.makedirs(shim_dir)
        real = shutil.which("terraform") or "false"
        with open(os.path.join(shim_dir, "terraform"), "w") as f:  # counts every Terraform run
            f.write(f'#!/usr/bin/env bash\necho "$PWD $*" >> "{self.shim_log}"\nexec "{real}" "$@"\n')
        os.chmod(os.path.join(shim_dir, "terraform"), 0o755)
        open(self.shim_log, "w").close()
        self.env = dict(os.environ, TERRACE_CACHE_DIR=self.cache, NO_COLOR="1", CHECKPOINT_DISABLE="1",
                        PATH=shim_dir + ":" + os.environ["PATH"])
        for name in ("KUBECONFIG", "TERRACE_EMULATED_CLUSTER_KUBECONFIG"):
            self.env.pop(name, None)

    def terraform_runs(self):
        return sum(1 for _ in open(self.shim_log))

    def run(self, cluster, command):
        """Runs a terrace command; returns wall time, JSON events (stamped), requests during it and other figures."""
        before_rv = cluster.settled_resource_version()
        before_requests = cluster.watcher.mark()
        before_tf = self.terraform_runs()
        events = []
        start = time.perf_counter()
        errors = tempfile.TemporaryFile(mode="w+")
        process = subprocess.Popen([self.terrace] + command, cwd=self.work, env=self.env, stdout=subprocess.PIPE,
                                   stderr=errors, text=True)
        for line in process.stdout:
            stamp = time.perf_counter()
            try:
                event = json.loads(line)
            except ValueError:
                event = {"event": "text", "text": line.rstrip()}
            event["at"] = stamp
            events.append(event)
        process.wait()
        wall = time.perf_counter() - start
        if process.returncode != 0:
            errors.seek(0)
            stderr = errors.read()
            tail = "\n".join(json.dumps({k: v for k, v in e.items() if k != "at"}) for e in events[-15:])
            sys.exit(f"terrace {' '.join(command)} failed ({process.returncode}):\n{tail}\n{stderr[-3000:]}")
        time.sleep(0.2)  # the server logs a request after answering it
        requests = cluster.watcher.entries[before_requests:cluster.watcher.mark()]
        return {"wall": wall, "start": start, "events": events, "requests": requests,
                "writes": [r for r in requests if r["method"] in WRITES and "dryRun=" not in r["uri"]],
                "changed": cluster.settled_resource_version() - before_rv,
                "terraform": self.terraform_runs() - before_tf}

    def plan(self, repo, state):
        result = subprocess.run([self.terrace, "plan", repo, "--state-dir", state, "--json", "--digests-only"],
                                cwd=self.work, env=self.env, capture_output=True, text=True)
        if result.returncode not in (0, 2):
            sys.exit(f"terrace plan failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        return json.loads(result.stdout)


def write_repo(folder, kubeconfig, fixture, apps, manifest="argocd/install.yaml"):
    """A repository with one infrastructure on an existing cluster (no AWS, no Terraform unit), Argo CD's install
    manifest at `manifest` beside the infrastructure's file (nothing is downloaded)."""
    place_manifest(folder, fixture, manifest)
    open(os.path.join(folder, "terrace.yaml"), "w").write("kind: Project\nname: bench\n")
    lines = ["kind: Infrastructure", "name: bench", "cloud: {provider: aws, region: us-east-1}", "kubernetes:",
             f"  existing: {{kubeconfig: {kubeconfig}, context: bench}}", "addons:",
             f"  argocd: {{manifest: ./{manifest}, sha256: {ARGOCD_SHA256}}}"]
    if apps:
        lines.append("apps:")
    for index in range(1, apps + 1):
        name = f"app-{index:02d}"
        lines.append(f"  - name: {name}")
        if index % 2:
            lines.append(f"    chart: {{repo: https://charts.example.com, name: {name}, version: 1.0.{index}}}")
            lines.append(f"    values: {{replicaCount: {1 + index % 3}}}")
        else:
            lines.append(f"    source: {{repo: https://git.example.com/team/apps.git, path: apps/{name}, ref: main}}")
        lines.append(f"    namespace: {name}")
    open(os.path.join(folder, "infrastructures", "bench.yaml"), "w").write("\n".join(lines) + "\n")


def place_manifest(repo, fixture, manifest):
    """Copies Argo CD's install manifest to `manifest` under the repository's `infrastructures` folder."""
    target = os.path.join(repo, "infrastructures", manifest)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copyfile(fixture, target)


def move_manifest(repo, fixture, manifest):
    """Points the infrastructure's `addons.argocd.manifest` at a copy of the same file at `manifest`."""
    place_manifest(repo, fixture, manifest)
    path = os.path.join(repo, "infrastructures", "bench.yaml")
    text = re.sub(r"manifest: \./[^,]+,", f"manifest: ./{manifest},", open(path).read())
    open(path, "w").write(text)


def finished(run, unit):
    return next(e for e in run["events"] if e.get("event") == "finished" and e.get("unit") == unit)


def phase_at(run, unit, phase):
    return next((e["at"] for e in run["events"]
                 if e.get("event") == "phase" and e.get("unit") == unit and e.get("phase") == phase), None)


def short(uri):
    """`resource/name` of a request's path."""
    return "/".join(uri.split("?")[0].split("/")[-2:])


def breakdown(run):
    """Where the argocd unit's cold apply spends its time, from the stamped log lines and events."""
    requests, start = run["requests"], run["start"]
    first = requests[0]["t"] - requests[0]["took"]
    waiting = phase_at(run, "argocd", "wait")
    done = finished(run, "argocd")["at"]
    applying = [r for r in requests if r["t"] <= waiting]
    server = sum(r["took"] for r in applying)
    gaps = [((b["t"] - b["took"]) - a["t"], a, b) for a, b in zip(applying, applying[1:])]
    gap, after, before = max(gaps, key=lambda g: g[0]) if gaps else (0.0, None, None)
    objects = len([r for r in applying if r["method"] in WRITES])
    lines = [f"    {'before the first request':<27}{first - start:5.2f} s   (start, plan, manifest read, checked, parsed)",
             f"    {f'applying {objects} objects':<27}{waiting - first:5.2f} s   (server busy {server:.2f} s, "
             f"the rest in terrace: {waiting - first - server:.2f} s)",
             f"    {'waiting until available':<27}{done - waiting:5.2f} s   ({len([r for r in requests if r['t'] > waiting])} GETs)",
             f"    {'after the unit':<27}{start + run['wall'] - done:5.2f} s   (record, exit)"]
    crd = [g for g, a, _ in gaps if "/customresourcedefinitions/" in a["uri"]]
    if crd:
        lines.append(f"    pauses after the {len(crd)} answers that carry a CRD: {sum(crd):.2f} s in all")
    if after is not None:
        lines.append(f"    longest pause between two requests: {gap:.2f} s, after the answer to {after['method']} {short(after['uri'])} "
                     f"({after['took']:.2f} s on the server), before {before['method']} {short(before['uri'])}")
    return lines


def row(label, run, unit=None):
    unit_seconds = f"{finished(run, unit)['seconds']:8.2f}" if unit else f"{'-':>8}"
    return (f"{label:<44}{run['wall']:8.2f}{unit_seconds}{len(run['requests']):10d}{len(run['writes']):8d}"
            f"{run['changed']:9d}{run['terraform']:11d}")


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))  # the servers are stopped on the way out
    signal.signal(signal.SIGHUP, lambda *_: sys.exit("hung up"))
    parser = argparse.ArgumentParser(prog="in-cluster-bench.sh")
    parser.add_argument("terrace")
    parser.add_argument("server")
    parser.add_argument("fixture")
    parser.add_argument("--apps", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    terrace = os.path.abspath(args.terrace)
    server = os.path.abspath(args.server)
    work = tempfile.mkdtemp(prefix="terrace-in-cluster-bench-")
    clusters = []
    try:
        bench = Bench(terrace, work)
        if hashlib.sha256(open(args.fixture, "rb").read()).hexdigest() != ARGOCD_SHA256:
            sys.exit(f"{args.fixture} is not Argo CD v3.5.1's install manifest (its SHA-256 differs)")

        # (1) Argo CD bootstrap on a fresh cluster, then the argocd unit forced to apply again.
        boot = Cluster(server, os.path.join(work, "boot-cluster"))
        clusters.append(boot)
        boot_repo, boot_state = os.path.join(work, "boot"), os.path.join(work, "boot-state")
        write_repo(boot_repo, boot.kubeconfig, args.fixture, apps=0)
        plan = bench.plan(boot_repo, boot_state)
        units = plan["infrastructures"][0]["units"]
        terraform_units = [u["name"] for u in units if not u["module"].startswith("kubernetes:")]
        apply = ["apply", boot_repo, "--state-dir", boot_state, "--auto-approve", "--json"]
        cold = bench.run(boot, apply)
        objects = len(json.load(open(os.path.join(boot_state, "bench.json")))["units"]["argocd"]["inventory"])
        move_manifest(boot_repo, args.fixture, "argocd/v3.5.1/install.yaml")
        forced = [f"{u['name']}: {'; '.join(u['reasons'])}"
                  for u in bench.plan(boot_repo, boot_state)["infrastructures"][0]["units"] if u["reasons"]]
        again = bench.run(boot, apply)
        boot.stop()

        # (2) N apps: cold apply, then no-change applies.
        many = Cluster(server, os.path.join(work, "apps-cluster"))
        clusters.append(many)
        apps_repo, apps_state = os.path.join(work, "apps"), os.path.join(work, "apps-state")
        write_repo(apps_repo, many.kubeconfig, args.fixture, apps=args.apps)
        apps_plan = bench.plan(apps_repo, apps_state)
        apps_terraform_units = [u["name"] for u in apps_plan["infrastructures"][0]["units"]
                                if not u["module"].startswith("kubernetes:")]
        apply = ["apply", apps_repo, "--state-dir", apps_state, "--auto-approve", "--json"]
        apps_cold = bench.run(many, apply)
        unchanged = [bench.run(many, apply) for _ in range(args.runs)]
        many.stop()

        version = subprocess.run([terrace, "--version"], capture_output=True, text=True).stdout.strip()
        app_seconds = [e["seconds"] for e in apps_cold["events"] if e.get("event") == "finished" and e.get("unit", "").startswith("app-")]
        median = statistics.median(r["wall"] for r in unchanged)
        print(f"\nin-cluster bench: terrace {version} (release) against the Kubernetes API test server (simulated controllers) on 127.0.0.1;")
        print(f"Argo CD v3.5.1 (the argocd unit's inventory: {objects} objects); records in a local --state-dir; "
              f"Terraform units: {len(terraform_units)} (bootstrap), {len(apps_terraform_units)} ({args.apps} apps)\n")
        print(f"{'':<44}{'wall s':>8}{'unit s':>8}{'requests':>10}{'writes':>8}{'changed':>9}{'Terraform':>11}")
        print(row("(1) argocd bootstrap, cold apply", cold, "argocd"))
        print(row("    argocd re-apply (manifest moved)", again, "argocd"))
        print(row(f"(2) {args.apps} apps: cold apply (argocd + apps)", apps_cold))
        for index, run in enumerate(unchanged, 1):
            print(row(f"    {args.apps} apps: no-change apply #{index}", run))
        print("\n  writes: PATCH/POST/PUT/DELETE requests (dry runs excluded); changed: how far the server's resourceVersion moved")
        print("  (stored changes, the simulated controllers' status writes included); Terraform: terraform processes started.")
        print(f"\n(1) the argocd unit's cold apply, {finished(cold, 'argocd')['seconds']:.2f} s; where the time goes:")
        print("\n".join(breakdown(cold)))
        verdict = "every one a no-op" if again["changed"] == 0 else f"the server stored {again['changed']} changes"
        print(f"    re-apply after the manifest moved (plan: {', '.join(forced)}):")
        print(f"      {len(again['writes'])} server-side apply PATCHes, {verdict}; "
              f"{len(again['requests']) - len(again['writes'])} GETs; {finished(again, 'argocd')['seconds']:.2f} s in the unit")
        if app_seconds:
            print(f"(2) cold apply with {args.apps} apps: app units {statistics.median(app_seconds):.2f} s median, "
                  f"{max(app_seconds):.2f} s max (each waits for Synced and Healthy)")
        reported = [next((e for e in r["events"] if e.get("event") == "completed"), {}) for r in unchanged]
        said = "; terrace reported no changes" if all(e.get("changes") is False for e in reported) else ""
        print(f"(2) no-change apply with {args.apps} apps: {median:.2f} s median of {len(unchanged)} (goal under 2 s), "
              f"{sum(len(r['requests']) for r in unchanged)} Kubernetes requests and "
              f"{sum(r['terraform'] for r in unchanged)} Terraform runs in all{said}")
    finally:
        for cluster in clusters:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
PY
