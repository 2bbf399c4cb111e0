"""The portal's benchmark, in one command (see docs/benchmarks.md).

    .venv/bin/python bench/run.py [--alliances N] [--duration S] [--users U] [--no-load]

1. Seeds N filed alliances (bench/seed.py) into the bench database, a pool of filings
   waiting for review, and the users (municipal staff, county reviewers of the
   jurisdictions with most filings, a lead unit), password ``Bench-pass-2026``.
2. Counts the SQL queries of each page, rendered in-process by Django's test client, cold
   (cache emptied) and warm, at N and at N' = 100 alliances (database
   alliance_bench_small): one subprocess per database.
3. Starts gunicorn (gthread) on 127.0.0.1 with production settings and times each page
   against it: p50/p95 latency one request at a time and with U concurrent clients for S
   seconds, throughput, and the ratio of each page's p50 to the bare trivial view's and
   to the trivial page of the same visitor (the target is judged against the latter).
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

from client import HOST, Client, measure  # noqa: E402 - bench/ is not a package
from load import load_test  # noqa: E402
from pool import (  # noqa: E402
    MODEL_BACKEND,
    delete_sessions,
    prepare,
    session_cookies,
    verify_session,
)
from report import BASELINES, evaluate, print_report  # noqa: E402
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
SMALL_N = 100
RESULTS = BENCH_DIR / "results.json"


def pages(users) -> list[tuple[str, str, str | None, bool]]:
    """(label, path, role whose session is sent, key page?)."""
    alliance = users["lead_alliance"].pk
    return [
        ("trivial view", "/bench/trivial", None, False),
        *((label, "/bench/trivial-page", role, False) for role, label in BASELINES.items()),
        ("municipal queue", "/filings/review/municipal/", "staff", True),
        ("county queue", "/filings/review/county/", "county", True),
        ("alliance (supervision)", f"/supervision/alliances/{alliance}/", "staff", True),
        ("alliance (lead unit)", f"/supervision/alliances/{alliance}/", "lead", True),
        ("alliance (public)", f"/registry/alliances/{alliance}/", None, True),
        ("dashboard", "/dashboard/", "staff", True),
        ("registry", "/registry/", None, True),
    ]


def role_users(users, top) -> dict:
    return {"staff": users["staff"][0], "county": users["county"][top.pk][0], "lead": users["lead"]}


# --- Query counts: one subprocess per database ----------------------------------------


def count_queries_here(n: int, pool: int) -> dict:
    """In the subprocess: seed, then render each page twice, counting the second time."""
    from _django import setup

    setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    from filings.models import Alliance

    prep = prepare(n, pool=pool)
    users = role_users(prep["users"], prep["top_jurisdiction"])
    counts = {}
    for label, path, role, _key in pages(prep["users"]):
        client = TestClient(HTTP_HOST=HOST)
        if role:
            client.force_login(users[role], backend=MODEL_BACKEND)
            session = client.session
            verify_session(session, users[role])
            session.save()
        client.get(path)  # first request: content types, translations, templates cached
        cache.clear()  # cold: nothing of the page cached (portal/cache.py)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            cold = len(queries)  # now: the next request's request_started clears the log
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
            warm = len(queries)
        times, cold_times = [], []
        for _ in range(5):  # in-process render time: how the page's cost grows with N
            cache.clear()
            started = time.perf_counter()
            client.get(path)
            cold_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - started)
        counts[label] = {
            "queries": cold,
            "queries_warm": warm,
            "status": response.status_code,
            "inprocess_ms": round(sorted(times)[2] * 1000, 1),
            "inprocess_cold_ms": round(sorted(cold_times)[2] * 1000, 1),
        }
        client.logout()  # deletes the session force_login created
    filed = Alliance.objects.filter(status=Alliance.Status.FILED).count()
    return {"alliances": Alliance.objects.count(), "filed": filed, "pages": counts}


def count_queries(database_url: str, n: int, pool: int, env: dict) -> dict:
    env = {**env, "BENCH_DATABASE_URL": database_url, "DATABASE_URL": database_url}
    # One process: its own memory is the cache (production settings would use none).
    env.update(CELERY_BROKER_URL="", CELERY_TASK_ALWAYS_EAGER="true", PORTAL_CACHE_URL="locmem://")
    argv = [sys.executable, str(Path(__file__).resolve()), "--count-queries"]
    argv += ["--alliances", str(n), "--pool", str(pool)]
    proc = subprocess.run(  # noqa: S603 - fixed argv
        argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False
    )
    for line in proc.stdout.splitlines():
        if line.startswith("QUERIES "):
            counted = json.loads(line[len("QUERIES ") :])
            wrong = {k: v["status"] for k, v in counted["pages"].items() if v["status"] != 200}
            if wrong:
                raise RuntimeError(f"pages not answering 200 on {database_url}: {wrong}")
            return counted
    raise RuntimeError(f"query count failed on {database_url}:\n{proc.stdout}\n{proc.stderr}")


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
    parser.add_argument("--duration", type=float, default=20, help="seconds per page (20)")
    parser.add_argument("--users", type=int, default=20, help="concurrent clients (20)")
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
    parser.add_argument("--no-load", action="store_true", help="skip the load test")
    parser.add_argument("--count-queries", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.count_queries:  # the subprocess of count_queries()
        print("QUERIES " + json.dumps(count_queries_here(args.alliances, args.pool)))
        return 0

    stop_on_sigterm()
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bench-run-"))
    secret_key = secrets.token_urlsafe(64)
    from _django import DEFAULT_URL

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12")
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
        "args": {k: v for k, v in vars(args).items() if k != "count_queries"},
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

        print(f"counting queries at N={args.alliances} and N'={SMALL_N}…", flush=True)
        results["queries"] = {
            "N": count_queries(database_url, args.alliances, args.pool, env),
            "N_small": count_queries(SMALL_URL, SMALL_N, args.pool, env),
        }

        users = role_users(prep["users"], top)
        cookies = {role: session_cookies(u, args.users, sessions) for role, u in users.items()}
        page_list = pages(prep["users"])
        log = work / "gunicorn.log"
        with Gunicorn(env, workers=args.workers, threads=args.threads, log_path=log) as server:
            print(f"gunicorn on 127.0.0.1:{server.port}; timing pages…", flush=True)
            results["pages"] = time_pages(server, page_list, cookies, args)
            again = measure(
                server.port,
                "/bench/trivial",
                [{}],
                concurrency=args.users,
                duration=min(5.0, args.duration),
                max_requests=200_000,
            )
            results["trivial_again"] = again
            print(f"  trivial view again: p50 {again['p50_ms']} ms ({again['throughput']} req/s)")
            if not args.no_load:
                print(f"load test: {args.load_users} users for {args.load_duration} s…", flush=True)
                results["load"] = load_test(
                    server.port, prep["users"], users=args.load_users, duration=args.load_duration
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
    if status == 0 or all(k in results for k in ("pages", "queries", "pdf", "reminders", "export")):
        results["missed"] = evaluate(results)
        print_report(results, RESULTS)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
