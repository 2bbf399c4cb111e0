"""The portal's benchmark, in one command (see docs/benchmarks.md).

    .venv/bin/python bench/run.py [--alliances N] [--rounds R] [--no-http] [--no-load]

1. Seeds N filed alliances (bench/seed.py) into the bench database, a pool of filings
   waiting for review, and the users (municipal staff, county reviewers of the
   jurisdictions with most filings, a lead unit, a superuser for the bench admin site),
   password ``Bench-pass-2026``.
2. The judged measurement (bench/inprocess.py): in one process, every key page and the
   stock admin changelist of the same alliances (bench/admin.py) and the trivial views,
   rendered uncached by Django's test client (DEBUG off) in R interleaved rounds; each
   page's median and its ratio to the admin changelist's median, and its SQL queries, at N
   and at N/100 (database alliance_bench_small): one subprocess per database.
3. Starts gunicorn (gthread) on 127.0.0.1 with production settings and times each page
   over HTTP: p50/p95 one request at a time and with U concurrent clients for S seconds,
   throughput (reported, not judged), unless ``--no-http``.
4. Runs the load test (bench/load.py: 50 users, 60 s, reading and deciding), unless
   ``--no-load``.
5. PDF rendering (bench/pdf_render.py), the reminder job (bench/reminders.py) and the Excel
   export of every alliance (portal.exports.build_workbook).

Prints a table, writes bench/results.json. Exits 1 on an error (a page not answering 200,
a failed step, a failed load-test check), never for a missed target: those are marked
MISSED. Everything it starts is stopped on exit; all traffic is on 127.0.0.1.
"""

import argparse
import contextlib
import datetime
import io
import json
import logging
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import inprocess  # noqa: E402 - bench/ is not a package
from client import Client, measure  # noqa: E402
from load import load_test  # noqa: E402
from pool import delete_sessions, prepare, session_cookies  # noqa: E402
from report import evaluate, print_report  # noqa: E402
from server import (  # noqa: E402
    ROOT,
    Gunicorn,
    broker_available,
    collect_static,
    purge_broker,
    server_env,
    stop_on_sigterm,
)

SMALL_URL = "postgres://postgres@127.0.0.1:5432/alliance_bench_small"
BROKER_URL = "redis://127.0.0.1:6379/9"  # the bench's own Redis database (BENCH_BROKER_URL)
RESULTS = BENCH_DIR / "results.json"


# --- Timing pages against gunicorn ------------------------------------------------------


def time_pages(server, page_list, cookies, args) -> list[dict]:
    rows = []
    for label, path, role, key in page_list:
        cookie_sets = cookies[role] if role else [{}]
        probe = Client(server.port, cookie_sets[0]).request("GET", path)
        if probe.status != 200:
            raise RuntimeError(f"{label} {path}: HTTP {probe.status} {probe.location}")
        serial = measure(
            server.port,
            path,
            cookie_sets,
            concurrency=1,
            duration=min(3.0, args.duration),
            max_requests=300,
            warmup=3,
        )
        loaded = measure(
            server.port,
            path,
            cookie_sets,
            concurrency=args.users,
            duration=args.duration,
            max_requests=200_000,
            warmup=2 * args.workers * args.threads,
        )
        rows.append(
            {"page": label, "path": path, "role": role, "key": key, "serial": serial, **loaded}
        )
        print(
            f"  {label:<24} serial p50 {serial['p50_ms']} ms; {args.users} clients: "
            f"p50 {loaded['p50_ms']} ms p95 {loaded['p95_ms']} ms {loaded['throughput']} req/s "
            f"statuses {loaded['statuses']}",
            flush=True,
        )
    return rows


# --- The other measurements ------------------------------------------------------------


def pdf_bench(env: dict) -> dict:
    clean = {
        k: v for k, v in env.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))
    }
    proc = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, str(BENCH_DIR / "pdf_render.py"), "-n", "5"],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench/pdf_render.py failed:\n{proc.stdout}\n{proc.stderr}")
    documents = {}
    for m in re.finditer(
        r"^(\w+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\S+)\s+(\d+)$", proc.stdout, re.M
    ):
        documents[m.group(1)] = {
            "wall_min_s": float(m.group(2)),
            "wall_median_s": float(m.group(3)),
            "wall_max_s": float(m.group(4)),
            "cpu_median_s": float(m.group(5)),
            "pages": m.group(6),
            "kib": int(m.group(7)),
        }
    if not documents:
        raise RuntimeError(f"cannot read bench/pdf_render.py output:\n{proc.stdout}")
    return {
        "documents": documents,
        "slowest_wall_median_s": max(d["wall_median_s"] for d in documents.values()),
        "slowest_cpu_median_s": max(d["cpu_median_s"] for d in documents.values()),
        "runs": 5,
    }


def reminder_bench(n: int) -> dict:
    import reminders

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        elapsed, queries = reminders.main(n)
    text = out.getvalue()
    delivery = re.search(r"delivery: (\d+) e-mails .* in ([\d.]+) s", text)
    reminded = re.search(r"alliances reminded: (\d+) in (\d+) batches", text)
    return {
        "job_s": round(elapsed, 2),
        "queries": queries,
        "alliances_reminded": int(reminded.group(1)) if reminded else None,
        "emails": int(delivery.group(1)) if delivery else None,
        "delivery_one_worker_s": float(delivery.group(2)) if delivery else None,
    }


def export_bench(user) -> dict:
    from filings.selectors import alliances_visible_to
    from portal.exports import build_workbook

    rows = alliances_visible_to(user).count()
    started = time.perf_counter()
    data = build_workbook("alliances", user, {})
    elapsed = time.perf_counter() - started
    return {"rows": rows, "seconds": round(elapsed, 2), "kib": len(data) // 1024}


def machine_info() -> dict:
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/meminfo").read_text().splitlines()
            if ln.startswith("MemTotal")
        ),
        "?",
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    import django
    import gunicorn

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "postgresql": pg,
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "load_average_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# --- Main ------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alliances", type=int, default=10_000, help="N (default 10000)")
    parser.add_argument("--rounds", type=int, default=150, help="in-process rounds (150)")
    parser.add_argument("--duration", type=float, default=10, help="HTTP: seconds per page (10)")
    parser.add_argument("--users", type=int, default=20, help="HTTP: concurrent clients (20)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--pool", type=int, default=300, help="filings waiting per level")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="DJANGO_CONN_MAX_AGE for gunicorn (default: unset, the production 60 s)",
    )
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument("--load-duration", type=float, default=60)
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP page timings")
    parser.add_argument("--no-load", action="store_true", help="skip the load test")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.in_process:  # the subprocess of inprocess.measure()
        measured = inprocess.measure_here(args.alliances, args.pool, args.rounds)
        print("INPROCESS " + json.dumps(measured))
        return 0

    stop_on_sigterm()
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bench-run-"))
    secret_key = secrets.token_urlsafe(64)
    from _django import DEFAULT_URL

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    broker = os.environ.get("BENCH_BROKER_URL", BROKER_URL)
    broker = broker if broker_available(broker) else None
    env = server_env(
        database_url=database_url,
        secret_key=secret_key,
        static_root=work / "static",
        media_root=work / "media",
        broker_url=broker,
        conn_max_age=args.conn_max_age,
    )
    # This process: the same settings as gunicorn (sessions are signed with its key). Tasks
    # go to an in-memory broker and are never run: the reminder job is timed without the
    # e-mail deliveries it queues (workers send those in production).
    os.environ.update({k: v for k, v in env.items() if k.startswith("DJANGO_")})
    os.environ.pop("REDIS_URL", None)
    os.environ.update(
        EMAIL_URL="dummymail://", CELERY_BROKER_URL="memory://", CELERY_TASK_ALWAYS_EAGER="false"
    )
    from _django import setup

    setup()
    results = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "args": {k: v for k, v in vars(args).items() if k != "in_process"},
        "machine": machine_info(),
        "gunicorn": f"{args.workers} gthread workers × {args.threads} threads, keep-alive",
        "broker": broker or "none (tasks inline)",
        "notes": [],
    }
    sessions = []
    status = 0
    try:
        step = time.perf_counter()
        print(
            f"seeding {args.alliances} alliances and {args.pool}+{args.pool} pending filings…",
            flush=True,
        )
        prep = prepare(args.alliances, pool=args.pool)
        results["seed"] = {
            "pending": prep["pending"],
            "audit_sealed": prep["sealed"],
            "seconds": round(time.perf_counter() - step, 1),
        }
        top = prep["top_jurisdiction"]
        results["county_reviewer_jurisdiction"] = f"{top.name} ({top.code})"
        note = collect_static(work / "static")
        if note:
            results["notes"].append(note)

        small = max(1, args.alliances // 100)
        for key, url, n in (("N", database_url, args.alliances), ("N_small", SMALL_URL, small)):
            print(f"in-process: {args.rounds} rounds at N={n}…", flush=True)
            results.setdefault("inprocess", {})[key] = inprocess.measure(
                url, n, args.pool, args.rounds, env
            )

        users = inprocess.role_users(prep["users"], top)
        page_list = inprocess.pages(prep["users"])
        results["key_pages"] = [label for label, _path, _role, key in page_list if key]
        log = work / "gunicorn.log"
        if not (args.no_http and args.no_load):
            with Gunicorn(env, workers=args.workers, threads=args.threads, log_path=log) as server:
                if not args.no_http:
                    print(f"gunicorn on 127.0.0.1:{server.port}; timing pages…", flush=True)
                    cookies = {
                        role: session_cookies(u, args.users, sessions) for role, u in users.items()
                    }
                    results["pages"] = time_pages(server, page_list, cookies, args)
                if not args.no_load:
                    print(
                        f"load test: {args.load_users} users, {args.load_duration} s…", flush=True
                    )
                    results["load"] = load_test(
                        server.port,
                        prep["users"],
                        users=args.load_users,
                        duration=args.load_duration,
                    )
                    if not results["load"]["ok"]:
                        status = 1
                        print(server.log_tail())
        delete_sessions(sessions)
        sessions = []

        print("PDF rendering (bench/pdf_render.py)…", flush=True)
        results["pdf"] = pdf_bench(env)
        print("reminder job (bench/reminders.py)…", flush=True)
        # Tasks go to the in-memory broker here; kombu warns that it has no host name.
        logging.getLogger("kombu.connection").setLevel(logging.ERROR)
        results["reminders"] = reminder_bench(args.alliances)
        print("Excel export…", flush=True)
        results["export"] = export_bench(users["staff"])
    except Exception:
        traceback.print_exc()
        status = 1
    finally:
        if sessions:
            delete_sessions(sessions)
        if broker:
            purge_broker(broker)
        shutil.rmtree(work, ignore_errors=True)
    results["machine"]["load_average_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    complete = all(k in results for k in ("inprocess", "pdf", "reminders", "export"))
    if complete:
        results["missed"] = evaluate(results)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n")
    if complete:
        print_report(results, RESULTS)
    return status


if __name__ == "__main__":
    sys.exit(main())
