"""Measures the web UI of `terrace serve`: page TTFB and size at 1,000 infrastructures and with a 50,000-line log,
and the live-log delay (file write to arrival over Server-Sent Events). See ui-bench.sh."""
import argparse, hashlib, http.client, json, os, random, secrets, shutil, signal, socket, sqlite3, statistics, subprocess
import sys, tempfile, threading, time, urllib.error, urllib.request
from datetime import datetime, timedelta, timezone

from serve_bench import free_port, percentile, wait_port  # the same helpers as the service benchmark (this folder)

SESSION_COOKIE = "__Host-terrace_session"


def stamp(moment):
    """The store's timestamp format: ISO 8601, milliseconds, Z."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def condition(kind, status, reason, message, at):
    return {"type": kind, "status": status, "reason": reason, "message": message, "lastTransitionTime": stamp(at)}


class Database:
    """The service's SQLite status database, written the way SQLServiceStore writes it (JSON bodies)."""

    def __init__(self, path):
        self.connection = sqlite3.connect(path, timeout=60)

    def execute(self, statement, rows):
        with self.connection:
            self.connection.executemany(statement, rows)

    def save_infrastructures(self, statuses):
        self.execute(
            "INSERT INTO terrace_infrastructures (name, body) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET body = excluded.body",
            [(s["name"], json.dumps(s, sort_keys=True)) for s in statuses])

    def save_runs(self, runs):
        self.execute(
            "INSERT INTO terrace_runs (id, infrastructure, status, queued_at, body) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET status = excluded.status, body = excluded.body",
            [(r["id"], r["infrastructure"], r["status"], r["queuedAt"], json.dumps(r, sort_keys=True)) for r in runs])

    def save_log(self, run_id, unit, text):
        self.execute(
            "INSERT INTO terrace_logs (run_id, unit, body) VALUES (?, ?, ?) ON CONFLICT (run_id, unit) DO UPDATE SET body = excluded.body",
            [(run_id, unit, text)])

    def save_session(self, value, now):
        id_hash = hashlib.sha256(value.encode()).hexdigest()
        expires = now + timedelta(hours=8)
        body = {"idHash": id_hash, "subject": "admin-token", "displayName": "bench", "role": "admin", "method": "admin-token",
                "csrfToken": secrets.token_urlsafe(32), "createdAt": stamp(now), "expiresAt": stamp(expires)}
        self.execute(
            "INSERT INTO terrace_sessions (id_hash, expires_at, body) VALUES (?, ?, ?) "
            "ON CONFLICT (id_hash) DO UPDATE SET expires_at = excluded.expires_at, body = excluded.body",
            [(id_hash, stamp(expires), json.dumps(body, sort_keys=True))])


def run_document(run_id, infrastructure, status, at, units, revision="0123456789abcdef0123456789abcdef01234567"):
    finished = status != "running"
    return {
        "id": run_id, "infrastructure": infrastructure, "operation": "apply", "revision": revision, "trigger": "push",
        "status": status, "replica": "bench", "queuedAt": stamp(at), "startedAt": stamp(at),
        **({"finishedAt": stamp(at + timedelta(seconds=42))} if finished else {}),
        "forcedUnits": [], "retries": [],
        "results": [{"unit": u, "outcome": "applied", "seconds": 4.2, "outputsChanged": False} for u in units] if finished else [],
    }


def seed_inventory(db, count, now):
    """`count` infrastructures of 10 units, mostly ready, some failing or reconciling, each with a finished run."""
    rng = random.Random(7)
    unit_names = ["network", "dns", "certificates", "cluster", "database", "cache", "queue", "api", "worker", "frontend"]
    statuses, runs = [], []
    for index in range(count):
        name = f"infra-{index:04d}"
        at = now - timedelta(minutes=rng.randint(1, 60 * 24 * 7))
        run_id = "20260101T000000Z-" + f"{index:06x}"
        roll = rng.random()
        if roll < 0.9:
            conditions = [condition("Ready", "True", "Succeeded", "applied revision 0123456789ab", at)]
        elif roll < 0.97:
            conditions = [condition("Ready", "False", "ApplyFailed", "unit `api` failed: Error creating SSM parameter", at),
                          condition("Stalled", "True", "ApplyFailed", "unit `api` failed: Error creating SSM parameter", at)]
        else:
            conditions = [condition("Ready", "Unknown", "Progressing", "apply running", at),
                          condition("Reconciling", "True", "Progressing", "apply running", at)]
        units = [{"name": u, "conditions": [condition("Ready", "True", "Succeeded", "applied", at)], "phase": "done",
                  "lastAppliedRevision": "0123456789abcdef0123456789abcdef01234567", "lastAppliedAt": stamp(at)}
                 for u in unit_names]
        statuses.append({"name": name, "file": f"infrastructures/{name}.yaml", "conditions": conditions,
                         "lastAppliedRevision": "0123456789abcdef0123456789abcdef01234567",
                         "lastAttemptedRevision": "0123456789abcdef0123456789abcdef01234567", "lastRunID": run_id,
                         "units": units, "outputs": {u: {} for u in unit_names}})
        runs.append(run_document(run_id, name, "succeeded", at, unit_names))
    db.save_infrastructures(statuses)
    db.save_runs(runs)


def terraform_line(index, rng):
    kinds = ["aws_ssm_parameter.component", "aws_s3_bucket.logs", "aws_iam_role.worker", "aws_security_group.api"]
    return (f"{kinds[index % 4]}[{index}]: Modifying... [id=/infra-0000/component-{index % 10}, "
            f"value={rng.getrandbits(64):016x}]")


def seed_big_log(db, lines, now):
    """A finished run of `infra-0000` whose unit `api` logged `lines` lines (~100 bytes each)."""
    rng = random.Random(11)
    run_id = "20260102T000000Z-b16b16"
    text = "\n".join(f"{stamp(now)} " + terraform_line(i, rng) for i in range(lines)) + "\n"
    db.save_runs([run_document(run_id, "infra-0000", "succeeded", now - timedelta(minutes=5), ["api"])])
    db.save_log(run_id, "api", text)
    return run_id, len(text.encode())


def fetch(port, path, cookie):
    """One GET on a new connection: (status, seconds to the response head, seconds in all, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": f"{SESSION_COOKIE}={cookie}", "Accept": "text/html"})
    response = connection.getresponse()
    first = time.perf_counter() - started
    body = response.read()
    total = time.perf_counter() - started
    connection.close()
    return response.status, first, total, len(body), response.getheader("Location")


def measure_page(port, path, cookie, requests):
    status, _, _, _, location = fetch(port, path, cookie)  # warm-up
    if status != 200:
        raise SystemExit(f"GET {path} answered {status} (Location: {location}): is the session accepted?")
    samples = [fetch(port, path, cookie) for _ in range(requests)]
    return {"path": path, "ttfb_ms": statistics.median(s[1] for s in samples) * 1000,
            "total_ms": statistics.median(s[2] for s in samples) * 1000, "bytes": samples[-1][3]}


class SSEReader(threading.Thread):
    """Reads a live-log stream with http.client and notes each line's arrival (time.time_ns())."""

    def __init__(self, port, path, cookie):
        super().__init__(daemon=True)
        self.port, self.path, self.cookie = port, path, cookie
        self.arrivals = []  # (arrival_ns, data)
        self.ended = threading.Event()
        self.opened = threading.Event()
        self.error = None

    def run(self):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            connection.request("GET", self.path, headers={"Cookie": f"{SESSION_COOKIE}={self.cookie}", "Accept": "text/event-stream"})
            response = connection.getresponse()
            if response.status != 200:
                raise RuntimeError(f"the stream answered {response.status}")
            self.opened.set()
            event = None
            while True:
                line = response.readline()
                if not line:
                    break
                now = time.time_ns()
                text = line.decode("utf-8", "replace").rstrip("\r\n")
                if text.startswith("event: "):
                    event = text[7:]
                elif text.startswith("data: "):
                    if event == "end":
                        self.ended.set()
                    else:
                        self.arrivals.append((now, text[6:]))
                elif text == "":
                    event = None
            connection.close()
        except Exception as error:  # reported by the caller
            self.error = error
        finally:
            self.opened.set()
            self.ended.set()


class Chromium:
    """Headless Chromium through chromedriver's W3C WebDriver HTTP API (no client library)."""

    def __init__(self, folder):
        self.port = free_port()
        self.process = subprocess.Popen(["chromedriver", f"--port={self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)
        options = {"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            f"--user-data-dir={folder}/chromium-profile"]}
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if binary:
            options["binary"] = binary
        answer = self.call("POST", "/session", {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}})
        self.session = answer["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"chromedriver {method} {path}: {error.read().decode()[:300]}")

    def go(self, url):
        self.call("POST", f"/session/{self.session}/url", {"url": url})

    def script(self, source):
        return self.call("POST", f"/session/{self.session}/execute/sync", {"script": source, "args": []})

    def set_cookie(self, name, value):
        self.call("POST", f"/session/{self.session}/cookie",
                  {"cookie": {"name": name, "value": value, "path": "/", "secure": True, "httpOnly": True, "sameSite": "Lax"}})

    def close(self):
        try:
            self.call("DELETE", f"/session/{self.session}")
        except Exception:
            pass
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def live_delay(args, port, db, data_dir, cookie, folder, serve_pid):
    """A running run whose log file grows at `args.rate` lines/s; readers note arrivals; delays in ms."""
    now = datetime.now(timezone.utc)
    run_id = "live-" + now.strftime("%Y%m%dT%H%M%SZ")
    infrastructure, unit = "infra-0001", "api"
    log_folder = os.path.join(data_dir, "logs", run_id, infrastructure)
    os.makedirs(log_folder, exist_ok=True)
    log_path = os.path.join(log_folder, f"{unit}.log")
    with open(log_path, "w") as f:
        f.write(f"==> {stamp(now)} terraform apply -input=false -no-color plan.tfplan\n")
    db.save_runs([run_document(run_id, infrastructure, "running", now, [])])
    stream_path = f"/ui/runs/{run_id}/units/{unit}/log/stream"

    reader = SSEReader(port, stream_path, cookie)
    reader.start()
    reader.opened.wait(60)
    if reader.error:
        raise SystemExit(f"live log stream: {reader.error}")

    browser, browser_error = None, None
    if args.chromium:
        if not (shutil.which("chromedriver") and (shutil.which("chromium") or shutil.which("chromium-browser"))):
            browser_error = "chromium or chromedriver not installed (apt-get install -y chromium chromium-driver)"
        else:
            try:
                browser = Chromium(folder)
                browser.go(f"http://localhost:{port}/ui/static/terrace.css")
                browser.set_cookie(SESSION_COOKIE, cookie)
                browser.go(f"http://localhost:{port}/ui/runs/{run_id}")
                state = None
                for _ in range(200):
                    state = browser.script("var p = document.querySelector('pre.log[data-stream]');"
                                           "return p ? p.getAttribute('data-state') : (document.title || 'no title');")
                    if state == "live":
                        break
                    time.sleep(0.05)
                if state != "live":
                    raise RuntimeError(f"the run page has no live log (got {state!r})")
            except Exception as error:
                browser_error = str(error)
                if browser:
                    browser.close()
                browser = None

    # More browsers on the same log: each is one more stream the service follows the file for.
    watchers = [SSEReader(port, stream_path, cookie) for _ in range(args.watchers)]
    for watcher in watchers:
        watcher.start()
    for watcher in watchers:
        watcher.opened.wait(60)

    rng = random.Random(5)
    written = {}
    cpu_before, wall_before = cpu_seconds(serve_pid), time.monotonic()
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND)
    # Lines at `rate` per second on average, at random moments (a Poisson process) rather than on a beat that would
    # lock onto the server's polling.
    target = time.monotonic()
    for index in range(args.live_lines):
        target += rng.expovariate(args.rate)
        pause = target - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        line_head = f"seq={index} "
        t = time.time_ns()
        os.write(fd, (line_head + f"t={t} " + terraform_line(index, rng) + "\n").encode())
        written[index] = t
    os.close(fd)
    cpu = (cpu_seconds(serve_pid) - cpu_before) / (time.monotonic() - wall_before)
    time.sleep(1)
    db.save_runs([run_document(run_id, infrastructure, "succeeded", now, [unit])])
    reader.ended.wait(30)

    def delays_of(pairs):
        result = []
        for arrival_ns, text in pairs:
            if text.startswith("seq="):
                t = int(text.split()[1][2:])
                result.append((arrival_ns - t) / 1e6)
        return result

    for watcher in watchers:
        watcher.ended.wait(30)
    results = {"python": delays_of(reader.arrivals)}
    browser_skew = None
    watcher_lines = [len(delays_of(w.arrivals)) for w in watchers]
    load = {"watchers": 1 + len(watchers) + (1 if browser else 0), "serve_cpu_percent": cpu * 100,
            "least_lines_per_extra_watcher": min(watcher_lines) if watcher_lines else None,
            "extra_watchers_ended": sum(1 for w in watchers if w.ended.is_set() and w.error is None)}
    if browser:
        try:
            for _ in range(600):
                if browser.script("var p = document.querySelector('pre.log[data-stream]'); return p && p.getAttribute('data-state');") == "ended":
                    break
                time.sleep(0.05)
            arrivals = browser.script("return window.terraceLogArrivals || [];")
            # performance.timeOrigin can sit some milliseconds off the system clock Python reads: measure the gap
            # against Date.now() (the system clock) in the page and take it out.
            gaps = browser.script("var g = []; for (var i = 0; i < 50; i++) { var d = Date.now(); "
                                  "var p = performance.timeOrigin + performance.now(); g.push(p - d - 0.5); } return g;")
            skew = statistics.median(gaps)
            arrivals = [a - skew for a in arrivals]
            text = browser.script("return document.querySelector('pre.log[data-stream]').textContent;")
            lines = text.split("\n")[:-1]
            streamed = lines[len(lines) - len(arrivals):] if arrivals else []
            results["chromium"] = delays_of([(int(a * 1e6), l) for a, l in zip(arrivals, streamed)])
            browser_skew = skew
        except Exception as error:
            browser_error = str(error)
        finally:
            browser.close()
    return results, len(written), browser_error, browser_skew, load


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("terrace")
    parser.add_argument("--infrastructures", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--log-lines", type=int, default=50000)
    parser.add_argument("--live-lines", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--watchers", type=int, default=0, help="more streams open on the live log (load)")
    parser.add_argument("--no-chromium", dest="chromium", action="store_false")
    args = parser.parse_args()
    terrace = os.path.abspath(args.terrace)
    folder = tempfile.mkdtemp(prefix="terrace-ui-bench-")
    processes = []
    try:
        serve_port = free_port()
        data_dir = os.path.join(folder, "data")
        token = "bench-admin-token-0123456789"
        with open(os.path.join(folder, "token"), "w") as f:
            f.write(token)
        # A repository nothing serves: the service never fetches it, so it applies nothing and keeps the seeded states.
        serve_env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION="us-east-1",
                         TERRACE_CACHE_DIR=os.path.join(folder, "cache"))
        log = open(os.path.join(folder, "serve.log"), "w")
        serve = subprocess.Popen(
            [terrace, "serve", "--repo", f"git://127.0.0.1:{free_port()}/none", "--interval", "1h", "--drift-interval", "0",
             "--data", data_dir, "--listen", f"127.0.0.1:{serve_port}", "--admin-token-file", os.path.join(folder, "token")],
            env=serve_env, stdout=log, stderr=log, cwd=folder)
        processes.append(serve)
        wait_port(serve_port)

        db = Database(os.path.join(data_dir, "terrace.sqlite"))
        now = datetime.now(timezone.utc)
        print(f"==> seeding {args.infrastructures} infrastructures, a {args.log_lines}-line log and a session", flush=True)
        seed_inventory(db, args.infrastructures, now)
        big_run, big_bytes = seed_big_log(db, args.log_lines, now)
        cookie = secrets.token_urlsafe(32)
        db.save_session(cookie, now)
        request = urllib.request.Request(f"http://127.0.0.1:{serve_port}/api/v1/infrastructures",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            seen = len(json.load(response)["infrastructures"])
        if seen != args.infrastructures:
            raise SystemExit(f"the service reads {seen} infrastructures, not {args.infrastructures}: the seeding is wrong")

        print(f"==> pages, median of {args.requests} requests each", flush=True)
        pages = [
            ("inventory, first page", measure_page(serve_port, "/ui", cookie, args.requests)),
            ("inventory, page 10", measure_page(serve_port, "/ui?page=10", cookie, args.requests)),
            ("inventory, search `infra-05`", measure_page(serve_port, "/ui?q=infra-05", cookie, args.requests)),
            (f"run page, {args.log_lines}-line log ({big_bytes / 1e6:.1f} MB)",
             measure_page(serve_port, f"/ui/runs/{big_run}", cookie, args.requests)),
        ]
        print(f"==> live log: {args.live_lines} lines at {args.rate:g} lines/s", flush=True)
        delays, written, browser_error, browser_skew, load = live_delay(args, serve_port, db, data_dir, cookie, folder, serve.pid)

        print()
        print(f"{'page':<44} {'TTFB ms':>9} {'total ms':>9} {'size KB':>9}")
        for name, page in pages:
            print(f"{name:<44} {page['ttfb_ms']:>9.1f} {page['total_ms']:>9.1f} {page['bytes'] / 1000:>9.1f}")
        print()
        print(f"{'live-log delay (write -> arrival)':<44} {'lines':>9} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}")
        for reader, values in delays.items():
            if values:
                print(f"{reader:<44} {len(values):>9} {percentile(values, 0.5):>9.1f} {percentile(values, 0.99):>9.1f} {max(values):>9.1f}")
            else:
                print(f"{reader:<44} {0:>9} (no lines arrived)")
        if args.watchers:
            print(f"streams open on the log: {load['watchers']}; terrace serve CPU while the log grew: "
                  f"{load['serve_cpu_percent']:.1f}% of a core; each extra stream got "
                  f"{load['least_lines_per_extra_watcher']} of {written} lines or more")
        else:
            print(f"streams open on the log: {load['watchers']}; terrace serve CPU while the log grew: "
                  f"{load['serve_cpu_percent']:.1f}% of a core")
        if browser_skew is not None:
            print(f"(chromium: performance.timeOrigin + now() ran {browser_skew:+.1f} ms from the system clock; taken out)")
        if browser_error:
            print(f"chromium: not measured: {browser_error}")
        missing = {k: written - len(v) for k, v in delays.items() if len(v) != written}
        if missing:
            print(f"lines written but not received: {missing}")
        print(json.dumps({"pages": dict(pages), "load": load, "live_delay_ms": {k: {"lines": len(v), "p50": percentile(v, 0.5) if v else None,
                                                                      "p99": percentile(v, 0.99) if v else None} for k, v in delays.items()}}))
    except BaseException:
        serve_log = os.path.join(folder, "serve.log")
        if os.path.exists(serve_log):
            with open(serve_log) as f:
                print("==> the last lines of the service's log:\n" + "".join(f.readlines()[-40:]), file=sys.stderr)
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
