"""Measure the staff pages, the intake and the API against gunicorn on loopback.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tilflytt_bench
    .venv/bin/python bench/seed.py --cases 100000      # once; prints the API token
    .venv/bin/python bench/run.py                      # seeds up to --cases if needed

1. Seeds up to --cases (bench/seed.py) and starts gunicorn (bench.settings: the real
   settings plus an X-Queries header and a floor view) on 127.0.0.1.
2. Logs in as the bench coordinator (and member), then makes --requests rounds of
   sequential requests, one to each page in turn (p50/p95 wall time, SQL queries, response
   size), then for each page requests per second with --concurrency clients for
   --seconds. Every page's p95 is also given as a ratio to the floor: a view that runs
   only the first list page's query and renders nothing, which holds steadier than
   milliseconds on a shared machine.
   Set CACHE_URL (a Redis) to give the workers the shared cache production has; without it
   each worker keeps its own dashboard figures.
3. Reads the gunicorn workers' peak resident memory (VmHWM), prints a table, writes it to
   docs/benchmarks.md (with the machine, database and data size) and ends with one JSON line.
Only loopback is contacted; every loop is bounded in count and time.
"""

import argparse
import http.cookiejar
import itertools
import json
import os
import platform
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password-not-secret"  # noqa: S105 - the throwaway login bench/seed.py makes
# Production's worker settings before issue 24 (Dockerfile, docker-compose.yml, deploy/).
WORKERS_TODAY = "--workers 3"
# Staff pages added after the table's first rows: (row, user, URL name). Issue 23's needs
# list is named here when it lands (its URL name then replaces the placeholder).
LATER_PAGES = [
    ("unmet needs", "coordinator", "outcomes:needs"),
    ("recruitment needs", "coordinator", "jobs:list"),
    ("occupations without a code", "coordinator", "reports:occupations-unmapped"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Session:
    """A cookie-keeping client for one logged-in user (or anonymous)."""

    def __init__(self, base: str, headers: dict[str, str] | None = None) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.headers = headers or {}

    def clone(self) -> "Session":
        other = Session(self.base, self.headers)
        for cookie in self.jar:
            other.jar.set_cookie(cookie)
        return other

    def request(self, path: str, data: dict | None = None) -> tuple[int, bytes, dict]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        # Only ever http://127.0.0.1:<port> (self.base), never a user-given scheme.
        url = self.base + path
        request = urllib.request.Request(url, data=body, headers=dict(self.headers))  # noqa: S310
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def csrf(self, path: str) -> str:
        _status, body, _headers = self.request(path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        return match.group(1).decode() if match else ""

    def login(self, username: str) -> None:
        token = self.csrf("/accounts/login/")
        status, body, _ = self.request(
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        if status >= 400 or (b"Log in" in body and b"logout" not in body.lower()):
            raise SystemExit(f"login as {username} failed ({status})")


def timed_request(session: Session, path: str, post=None) -> tuple[float, int, int]:  # type: ignore[no-untyped-def]
    """One request: wall time in ms, SQL queries (the X-Queries header), response bytes."""
    data = post(session) if post else None
    start = time.perf_counter()
    status, body, headers = session.request(path, data)
    elapsed = (time.perf_counter() - start) * 1000
    if status >= 400:
        raise SystemExit(f"{path} answered {status}")
    return elapsed, int(headers.get("X-Queries", 0)), len(body)


def summarise(samples: list[tuple[float, int, int]]) -> dict:
    timings = sorted(ms for ms, _queries, _size in samples)
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "queries": max(queries for _ms, queries, _size in samples),
        "kb": round(statistics.median(size for _ms, _queries, size in samples) / 1024, 1),
    }


def throughput(session: Session, path: str, clients: int, seconds: float, post=None) -> float:  # type: ignore[no-untyped-def]
    done = [0] * clients
    failed: list[int] = []
    stop = time.monotonic() + seconds

    def run(slot: int) -> None:
        own = session.clone()
        while time.monotonic() < stop:
            status, _body, _headers = own.request(path, post(own) if post else None)
            if status >= 400:  # an error page is fast: counting it would flatter the server
                failed.append(status)
                return
            done[slot] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    if failed:
        raise SystemExit(f"{path} answered {failed[0]} under load")
    return round(sum(done) / seconds, 1)


def peak_rss_mb(master_pid: int) -> float:
    children = subprocess.run(  # noqa: S603 - fixed arguments
        ["/usr/bin/pgrep", "-P", str(master_pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    peaks = []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks.append(int(match.group(1)) / 1024)
    return round(max(peaks, default=0.0), 1)


def gunicorn_start(env: dict, worker_args: str) -> tuple[subprocess.Popen, str]:
    """gunicorn on a free loopback port with these worker settings ("--workers 3", or
    production's file: "--config python:config.gunicorn"), once it accepts connections."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *shlex.split(worker_args),
        ],
        env={**env, "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "false"},
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,  # an access log on stdout, as production's settings have
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    return server, f"http://127.0.0.1:{port}"


def gunicorn_stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def workers_compare(env: dict, settings: list[str], path: str, args) -> dict:  # type: ignore[no-untyped-def]
    """Requests per second on one page for each worker setting, in one run: every setting's
    server is up at once, and they take turns (--rounds windows of --seconds each), so a
    passing disturbance of the shared machine touches them alike. Median of the windows."""
    servers = [gunicorn_start(env, setting) for setting in settings]
    try:
        sessions = []
        for _server, base in servers:
            session = Session(base)
            session.login("bench-coordinator")
            for _ in range(8):  # every worker and thread warm
                status, _body, _headers = session.request(path)
                if status != 200:
                    raise SystemExit(f"{base}{path} answered {status}")
            sessions.append(session)
        windows: list[list[float]] = [[] for _ in settings]
        for _ in range(args.rounds):
            for i, session in enumerate(sessions):
                windows[i].append(throughput(session, path, args.concurrency, args.seconds))
        return {
            setting: {
                "rps": round(statistics.median(windows[i]), 1),
                "windows": windows[i],
                "peak_worker_mb": peak_rss_mb(servers[i][0].pid),
            }
            for i, setting in enumerate(settings)
        }
    finally:
        for server, _base in servers:
            gunicorn_stop(server)


def _pair(figures: dict | None) -> str:
    return f"{figures['p50_ms']}/{figures['p95_ms']}" if figures else "-"


def sizes_run(args) -> None:  # type: ignore[no-untyped-def]
    """One run per size (--db SIZE=URL, each its own database), one after the other, then
    one table: each page's p50/p95 per size and the growth of p95 from each size to the
    next. Each size is this script run alone (--no-write), read back from its JSON line."""
    runs = {}
    for spec in args.db:
        size, url = spec.split("=", 1)
        command = [sys.executable, str(Path(__file__)), "--cases", size, "--no-write"]
        command += ["--requests", str(args.requests), "--seconds", str(args.seconds)]
        command += ["--concurrency", str(args.concurrency), "--gunicorn", args.gunicorn]
        output = subprocess.run(  # noqa: S603 - this script
            command, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True
        )
        if output.returncode:
            raise SystemExit(f"the run at {size} cases failed:\n{output.stderr[-2000:]}")
        print(output.stdout.strip().rsplit("\n", 1)[0], flush=True)
        runs[int(size)] = json.loads(output.stdout.strip().splitlines()[-1])
    sizes = sorted(runs)
    header = f"{'page':<30}" + "".join(f"{f'{n:,} p50/p95':>20}" for n in sizes)
    header += "".join(f"{f'{b // a}x growth':>12}" for a, b in itertools.pairwise(sizes))
    lines = [header, "-" * len(header)]
    for name in runs[sizes[-1]]["pages"]:
        figures = [runs[n]["pages"].get(name) for n in sizes]
        cells = "".join(f"{_pair(f):>20}" for f in figures)
        for a, b in itertools.pairwise(figures):
            cells += f"{round(b['p95_ms'] / a['p95_ms'], 2) if a and b else '-':>12}"
        lines.append(f"{name:<30}{cells}")
    memory = ", ".join(f"{n:,}: {runs[n]['peak_worker_mb']} MB" for n in sizes)
    print("\n".join(lines))
    print(f"peak worker memory: {memory}; gunicorn {args.gunicorn}")
    print(json.dumps({"sizes": {str(n): runs[n] for n in sizes}}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument(
        "--gunicorn",
        default=WORKERS_TODAY,
        help=f"worker settings of the measured server (default: {WORKERS_TODAY!r})",
    )
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="ARGS",
        help="also measure the case list's req/s with these worker settings, taking turns "
        "with --gunicorn's (repeatable)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="turns of each --compare setting")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument(
        "--db",
        action="append",
        default=[],
        metavar="SIZE=URL",
        help="one run per size against its own database, then one table (repeatable)",
    )
    args = parser.parse_args()
    if args.db:
        sizes_run(args)
        return

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "SECURE_SSL": "false"}
    env.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    seeded = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(ROOT / "bench" / "seed.py"), "--cases", str(args.cases)],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    token = seeded.strip().splitlines()[-1].split(" ", 1)[1]
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        env=env,
        check=True,
        cwd=ROOT,
    )
    server, base = gunicorn_start(env, args.gunicorn)
    try:
        coordinator = Session(base)
        coordinator.login("bench-coordinator")
        member = Session(base)
        member.login("bench-member")
        small = Session(base)
        small.login("bench-small")
        api = Session(base, {"Authorization": f"Bearer {token}", "Accept": "application/json"})
        anonymous = Session(base)

        import django

        os.environ.update({k: v for k, v in env.items() if k == "DATABASE_URL"})
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
        django.setup()
        from django.db import connection
        from django.urls import reverse

        from cases.models import Case
        from contacts.models import Organisation

        busiest = (
            Case.objects.filter(reference__startswith="RUN-")
            .order_by("-created_at")
            .values_list("pk", flat=True)
            .first()
        )
        organisation = (
            Organisation.objects.filter(name="Run school").values_list("pk", flat=True).first()
        )
        vendor = connection.vendor
        # The dashboard keeps its figures in the cache: per worker in memory, unless
        # CACHE_URL names a Redis that the workers share, as in production.
        cache_kind = "redis (shared)" if os.environ.get("CACHE_URL") else "in memory, per worker"
        cases_total = Case.objects.count()

        def intake_post(session: Session) -> dict:
            token = session.csrf("/en/intake/")
            return {
                "csrfmiddlewaretoken": token,
                "name": "Bench Person",
                "email": "bench-intake@example.org",
                "preferred_language": "en",
                "target_group": "family",
                "consent": "on",
                "message": "Benchmark enquiry",
            }

        pages = [
            ("floor", coordinator, "/bench/floor/", None),
            ("intake GET", anonymous, "/en/intake/", None),
            ("intake POST", anonymous, "/en/intake/", intake_post),
            ("case list", coordinator, "/cases/", None),
            (
                "case list, filtered",
                coordinator,
                f"/cases/?status=open&organisation={organisation}",
                None,
            ),
            ("case list, searched", coordinator, "/cases/?q=Kowalska", None),
            # A number as people say it (bench/seed.py gives newcomer 42 +47 90000042),
            # and a case number without its year (RUN-yyyy-000042): there at any size.
            ("search, phone", coordinator, "/cases/?q=900+00+042", None),
            ("search, reference", coordinator, "/cases/?q=42", None),
            ("case list, member", member, "/cases/", None),
            # Their open cases: a page's worth among the newest (the window), and their
            # closed ones, too few there, so the rule's walk follows the window.
            ("case list, member, open", member, "/cases/?status=open", None),
            ("case list, member, closed", member, "/cases/?status=closed", None),
            # A member of an organisation with no case yet: the rule's branches are read
            # from their own tables, not found by walking the newest cases.
            ("case list, member, small", small, "/cases/", None),
            # Overdue follow-ups, a check box of the list: read from the cases' own
            # next follow-up date and its index, a member's among the newest with one.
            ("case list, overdue", coordinator, "/cases/?overdue=true", None),
            ("case list, member, overdue", member, "/cases/?overdue=true", None),
            ("case detail", coordinator, f"/cases/{busiest}/", None),
            ("my work", coordinator, "/cases/mine/", None),
            ("dashboard", coordinator, "/dashboard/", None),
            # The figures are cached for a short while (reports/cache.py); this row
            # recomputes them on every request, as the first visit after expiry does.
            ("dashboard, recomputed", coordinator, "/dashboard/?refresh=1", None),
            # A member's figures cover the cases they may see: the visibility rule in every
            # aggregate (their organisation's, shared with it, theirs, their follow-ups').
            ("dashboard, member, recomputed", member, "/dashboard/?refresh=1", None),
            ("API case list", api, "/api/v1/cases/", None),
        ]
        # Pages added since, by URL name: a page not in this code base yet is left out,
        # so a row can be named here before its issue lands.
        for name, who, url_name in LATER_PAGES:
            pages.append(
                (name, coordinator if who == "coordinator" else member, reverse(url_name), None)
            )
        for _name, session, path, post in pages:
            # Warm-up: connections, templates, cached figures (urllib opens a connection per
            # request, so gunicorn hands these to its workers as they come free).
            for _ in range(4):
                session.request(path, post(session) if post else None)
        # In rounds, one request to each page in turn: a passing disturbance of a shared
        # machine then touches every page alike, instead of one page's block of requests.
        samples: dict[str, list[tuple[float, int, int]]] = {name: [] for name, *_ in pages}
        for _ in range(args.requests):
            for name, session, path, post in pages:
                samples[name].append(timed_request(session, path, post))
        results = {}
        for name, session, path, post in pages:
            figures = summarise(samples[name])
            figures["rps"] = throughput(session, path, args.concurrency, args.seconds, post)
            results[name] = figures
        floor = results["floor"]["p95_ms"] or 1.0
        for figures in results.values():
            figures["x_floor"] = round(figures["p95_ms"] / floor, 1)
        memory = peak_rss_mb(server.pid)
    finally:
        gunicorn_stop(server)
    compared = {}
    if args.compare:
        compared = workers_compare(env, [args.gunicorn, *args.compare], "/cases/", args)

    header = (
        f"{'page':<30}{'p50 ms':>8}{'p95 ms':>8}{'x floor':>9}{'req/s':>8}{'queries':>9}{'KB':>7}"
    )
    lines = [header, "-" * len(header)]
    for name, f in results.items():
        cells = f"{f['p50_ms']:>8}{f['p95_ms']:>8}{f['x_floor']:>9}{f['rps']:>8}"
        lines.append(f"{name:<30}{cells}{f['queries']:>9}{f['kb']:>7}")
    cpu = platform.processor() or platform.machine()
    machine = f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"
    context = (
        f"{vendor}, {cases_total} cases, gunicorn {args.gunicorn}, "
        f"concurrency {args.concurrency}, cache {cache_kind}"
    )
    table = "\n".join(lines)
    print(table)
    print(f"peak worker memory: {memory} MB; {machine}; {context}")
    for setting, figures in compared.items():
        print(
            f"case list at concurrency {args.concurrency}, gunicorn {setting}: "
            f"{figures['rps']} req/s (windows {figures['windows']}), "
            f"peak worker {figures['peak_worker_mb']} MB"
        )
    if not args.no_write:
        docs = ROOT / "docs" / "benchmarks.md"
        previous = docs.read_text() if docs.exists() else ""
        notes = previous.split("## Notes", 1)[1] if "## Notes" in previous else "\n"
        docs.write_text(
            "# Benchmarks\n\nWritten by `bench/run.py` "
            f"on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n\n"
            f"- Machine: {machine}\n- Run: {context}\n"
            f"- Peak gunicorn worker memory: {memory} MB\n\n"
            f"```\n{table}\n```\n\n## Notes" + notes
        )
    print(
        json.dumps(
            {
                "pages": results,
                "peak_worker_mb": memory,
                "cases": cases_total,
                "database": vendor,
                "gunicorn": args.gunicorn,
                "compared": compared,
            }
        )
    )


if __name__ == "__main__":
    main()
