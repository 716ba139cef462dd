"""Measures `terrace serve`: webhook-to-run-start latency and idle memory. See serve-bench.sh."""
import argparse, hashlib, hmac, json, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, time
import urllib.request
from datetime import datetime

MODULE = """variable "name" { type = string }
variable "value" { type = string }
resource "aws_ssm_parameter" "this" {
  name      = var.name
  type      = "String"
  value     = var.value
  overwrite = true
}
output "name" { value = aws_ssm_parameter.this.name }
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port}")


def manifest(name, endpoint, value):
    return f"""kind: Infrastructure
name: {name}
cloud: {{provider: aws, region: us-east-1, endpoint: "{endpoint}"}}
units:
  - name: param
    module: ../modules/param
    inputs: {{name: /{name}/param, value: "{value}"}}
"""


def git(repo, *args):
    subprocess.run(["git", "-C", repo, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def rev(repo):
    return subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()


def api(port, token, path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1{path}", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("terrace")
    parser.add_argument("--infrastructures", type=int, default=50)
    parser.add_argument("--pushes", type=int, default=50)
    args = parser.parse_args()
    terrace = os.path.abspath(args.terrace)
    folder = tempfile.mkdtemp(prefix="terrace-serve-bench-")
    processes = []
    try:
        moto_port, git_port, serve_port = free_port(), free_port(), free_port()
        env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true", MOTO_ACM_VALIDATION_WAIT="0")
        processes.append(subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)],
                                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_port(moto_port)
        endpoint = f"http://127.0.0.1:{moto_port}"
        repo = os.path.join(folder, "git", "infra")
        os.makedirs(os.path.join(repo, "modules", "param"))
        os.makedirs(os.path.join(repo, "infrastructures"))
        with open(os.path.join(repo, "terrace.yaml"), "w") as f:
            f.write("kind: Project\nname: bench\n")
        with open(os.path.join(repo, "modules", "param", "main.tf"), "w") as f:
            f.write(MODULE)
        names = [f"bench-{i:02d}" for i in range(args.infrastructures)]
        for name in names:
            with open(os.path.join(repo, "infrastructures", f"{name}.yaml"), "w") as f:
                f.write(manifest(name, endpoint, "0"))
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "-c", "user.email=b@b", "-c", "user.name=bench", "commit", "-q", "-m", "initial")
        processes.append(subprocess.Popen(
            ["git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1", f"--port={git_port}",
             f"--base-path={folder}/git", f"{folder}/git"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_port(git_port)

        cli = os.path.join(folder, "cli.tfrc")
        mirror = next((p for p in ["/opt/tf-plugins", "/usr/share/terraform/plugins"] if os.path.isdir(p)), None)
        with open(cli, "w") as f:
            f.write('provider_installation {\n  filesystem_mirror { path = "%s" }\n}\n' % mirror)
        secret = "bench-secret"
        token = "bench-admin-token-0123456789"
        with open(os.path.join(folder, "token"), "w") as f:
            f.write(token)
        serve_env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION="us-east-1",
                         TF_CLI_CONFIG_FILE=cli, TERRACE_CACHE_DIR=os.path.join(folder, "cache"),
                         TERRACE_WEBHOOK_SECRET=secret)
        log = open(os.path.join(folder, "serve.log"), "w")
        serve = subprocess.Popen(
            [terrace, "serve", "--repo", f"git://127.0.0.1:{git_port}/infra", "--interval", "1h", "--drift-interval", "0",
             "--data", os.path.join(folder, "data"), "--listen", f"127.0.0.1:{serve_port}", "--admin-token-file",
             os.path.join(folder, "token"), "--max-parallel", "4"],
            env=serve_env, stdout=log, stderr=log, cwd=folder)
        processes.append(serve)
        wait_port(serve_port)

        started = time.time()
        print(f"==> applying {len(names)} infrastructures (first sync)", flush=True)
        while True:
            statuses = api(serve_port, token, "/infrastructures")["infrastructures"]
            ready = sum(1 for s in statuses if any(c["type"] == "Ready" and c["status"] == "True" for c in s["conditions"]))
            if ready == len(names):
                break
            if time.time() - started > 3600:
                raise SystemExit("the first sync did not finish within an hour")
            time.sleep(2)
        print(f"    all ready after {time.time() - started:.0f} s", flush=True)

        time.sleep(15)
        idle = [rss_kib(serve.pid)]
        for _ in range(4):
            time.sleep(2)
            idle.append(rss_kib(serve.pid))
        idle_mib = statistics.median(idle) / 1024

        print(f"==> {args.pushes} pushes, each followed by a signed webhook", flush=True)
        latencies = []
        for index in range(args.pushes):
            name = names[index % len(names)]
            with open(os.path.join(repo, "infrastructures", f"{name}.yaml"), "w") as f:
                f.write(manifest(name, endpoint, str(index + 1)))
            git(repo, "-c", "user.email=b@b", "-c", "user.name=bench", "commit", "-q", "-am", f"push {index}")
            revision = rev(repo)
            body = json.dumps({"ref": "refs/heads/main", "after": revision}).encode()
            signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            request = urllib.request.Request(f"http://127.0.0.1:{serve_port}/hooks/git", data=body, method="POST",
                                             headers={"X-Hub-Signature-256": signature, "Content-Type": "application/json"})
            sent = time.time()
            urllib.request.urlopen(request, timeout=10).read()
            run = None
            while run is None:
                for candidate in api(serve_port, token, f"/runs?infrastructure={name}&limit=3")["runs"]:
                    if candidate["revision"] == revision and candidate.get("startedAt"):
                        run = candidate
                if time.time() - sent > 120:
                    raise SystemExit(f"no run started for push {index}")
                if run is None:
                    time.sleep(0.01)
            latencies.append(parse_time(run["startedAt"]) - sent)
            # Let the run finish so that every push finds an idle service.
            while True:
                runs = api(serve_port, token, f"/runs?infrastructure={name}&limit=3")["runs"]
                current = next(r for r in runs if r["id"] == run["id"])
                if current["status"] != "running":
                    break
                time.sleep(0.2)

        p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
        result = {
            "infrastructures": len(names),
            "pushes": len(latencies),
            "webhook_to_run_start_seconds": {"p50": round(p50, 3), "p99": round(p99, 3), "max": round(max(latencies), 3)},
            "idle_rss_mib": round(idle_mib, 1),
            "polling_for_comparison_seconds": {
                "flux_default_1m": {"mean_wait": 30, "worst": 60},
                "argocd_default_3m": {"mean_wait": 90, "worst": 180},
            },
            "speedup_of_p50_over_mean_poll_wait": {"flux": round(30 / p50, 1), "argocd": round(90 / p50, 1)},
        }
        print(json.dumps(result, indent=2))
    except BaseException:
        # Show what the service said before it failed.
        serve_log = os.path.join(folder, "serve.log")
        time.sleep(float(os.environ.get("BENCH_LOG_WAIT", "0")))
        if os.path.exists(serve_log):
            with open(serve_log) as f:
                print("==> the last lines of the service's log:\n" + "".join(f.readlines()[-int(os.environ.get("BENCH_LOG_LINES", "40")):]), file=sys.stderr)
        raise
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
