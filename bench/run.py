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

import load  # noqa: E402 - bench/ is not a package

SMALL_URL = "postgres://postgres@127.0.0.1:5432/alliance_bench_small"
SMALL_N = 100
RESULTS = BENCH_DIR / "results.json"
TARGETS = {"ratio": 3.0, "pdf_s": 1.0, "reminders_s": 10.0, "export_s": 10.0}


BASELINES = {None: "trivial page (anonymous)", "staff": "trivial page (staff)",
             "county": "trivial page (county)", "lead": "trivial page (lead unit)"}  # fmt: skip


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
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from filings.models import Alliance

    prep = load.prepare(n, pool=pool)
    users = role_users(prep["users"], prep["top_jurisdiction"])
    counts = {}
    for label, path, role, _key in pages(prep["users"]):
        client = Client(HTTP_HOST=load.HOST)
        if role:
            client.force_login(users[role], backend=load.MODEL_BACKEND)
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
    env.update(CELERY_BROKER_URL="", CELERY_TASK_ALWAYS_EAGER="true")
    argv = [sys.executable, str(Path(__file__).resolve()), "--count-queries"]
    argv += ["--alliances", str(n), "--pool", str(pool)]
    proc = subprocess.run(  # noqa: S603 - fixed argv
        argv, env=env, cwd=load.ROOT, capture_output=True, text=True, timeout=1800, check=False
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
        probe = load.Client(server.port, cookie_sets[0]).request("GET", path)
        if probe.status != 200:
            raise RuntimeError(f"{label} {path}: HTTP {probe.status} {probe.location}")
        serial = load.measure(
            server.port,
            path,
            cookie_sets,
            concurrency=1,
            duration=min(3.0, args.duration),
            max_requests=300,
            warmup=3,
        )
        loaded = load.measure(
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
        cwd=load.ROOT,
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


# --- Report ----------------------------------------------------------------------------


def evaluate(results: dict) -> list[str]:
    """Mark each target met or MISSED; the list of missed ones."""
    missed = []
    by_label = {r["page"]: r for r in results["pages"]}
    trivial = by_label["trivial view"]

    def ratio(row, base, serial=False):
        mine = row["serial"]["p50_ms"] if serial else row["p50_ms"]
        theirs = base["serial"]["p50_ms"] if serial else base["p50_ms"]
        return round(mine / theirs, 2) if mine and theirs else None

    for row in results["pages"]:
        # Against the bare view (no session, no template) and against the trivial page of
        # the same visitor (session, user, layout: what every page of theirs pays first).
        page = by_label[BASELINES[row["role"]]]
        row["ratio"], row["serial_ratio"] = ratio(row, trivial), ratio(row, trivial, True)
        row["page_ratio"], row["page_serial_ratio"] = ratio(row, page), ratio(row, page, True)
        worst = max(row["page_ratio"] or 99, row["page_serial_ratio"] or 99)
        row["ratio_missed"] = bool(row["key"] and worst > TARGETS["ratio"])
        row["bare_ratio_missed"] = bool(
            row["key"] and max(row["ratio"] or 99, row["serial_ratio"] or 99) > TARGETS["ratio"]
        )
        if row["ratio_missed"]:
            missed.append(
                f"{row['page']}: p50 {row['page_ratio']}× (serial {row['page_serial_ratio']}×) "
                f"its trivial page (target ≤ 3×)"
            )
    q = results["queries"]
    for label, big in q["N"]["pages"].items():
        small = q["N_small"]["pages"][label]
        big["independent"] = (big["queries"], big["queries_warm"]) == (
            small["queries"],
            small["queries_warm"],
        )
        if not big["independent"]:
            missed.append(f"{label}: {big['queries']} queries at N, {small['queries']} at N'")
    if results["pdf"]["slowest_wall_median_s"] >= TARGETS["pdf_s"]:
        missed.append(f"PDF: slowest median {results['pdf']['slowest_wall_median_s']} s (< 1 s)")
    if results["reminders"]["job_s"] >= TARGETS["reminders_s"]:
        missed.append(f"reminder job: {results['reminders']['job_s']} s (< 10 s)")
    if results["export"]["seconds"] >= TARGETS["export_s"]:
        missed.append(f"export: {results['export']['seconds']} s (< 10 s)")
    return missed


def mark(missed: bool) -> str:
    return "MISSED" if missed else "ok"


def print_report(results: dict):
    m = results["machine"]
    print("\n" + "=" * 100)
    print(
        f"machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM, PostgreSQL {m['postgresql']}"
    )
    print(
        f"load average: {m['load_average_start']} at start, {m.get('load_average_end', '?')} at end; "
        f"gunicorn {results['gunicorn']}"
    )
    q = results["queries"]
    print(
        f"N = {q['N']['filed']} filed alliances, N' = {q['N_small']['filed']} (each database also "
        f"holds the review pool: {q['N']['alliances']} and {q['N_small']['alliances']} alliances in all)"
    )
    users = results["args"]["users"]
    print(
        f"\n{'page':<26}{'serial':>8}{'p50':>9}{'p95':>9}{'req/s':>8}{'× view':>8}{'serial':>8}"
        f"{'× page':>8}{'serial':>8}{'queries':>10}{'N′':>7}{'in-proc':>14}{'N′':>12}  target"
    )
    print(
        f"{'':<26}{'p50 ms':>8}{'ms @' + str(users):>9}{'ms':>9}{'':>8}{'p50':>8}{'':>8}"
        f"{'p50':>8}{'':>8}{'cold/warm':>10}{'':>7}{'ms cold/warm':>14}"
    )
    for row in results["pages"]:
        qn = results["queries"]["N"]["pages"].get(row["page"], {})
        qs = results["queries"]["N_small"]["pages"].get(row["page"], {})
        target = mark(row["ratio_missed"] or not qn.get("independent", True)) if row["key"] else ""

        def pair(q, a, b):
            return f"{q.get(a, '?')}/{q.get(b, '?')}"

        print(
            f"{row['page']:<26}{row['serial']['p50_ms']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}"
            f"{row['throughput']:>8}{row['ratio']:>8}{row['serial_ratio']:>8}"
            f"{row['page_ratio']:>8}{row['page_serial_ratio']:>8}"
            f"{pair(qn, 'queries', 'queries_warm'):>10}{pair(qs, 'queries', 'queries_warm'):>7}"
            f"{pair(qn, 'inprocess_cold_ms', 'inprocess_ms'):>14}"
            f"{pair(qs, 'inprocess_cold_ms', 'inprocess_ms'):>12}  {target}"
        )
    bare = [r["page"] for r in results["pages"] if r.get("bare_ratio_missed")]
    print(
        "\n× view: against the bare view (no session, no template); × page: against the "
        "trivial page of the same visitor (target ≤ 3×, p50 under load and serial)."
    )
    print(f"key pages above 3× the bare view: {', '.join(bare) if bare else 'none'}")
    pdf, rem, exp = results["pdf"], results["reminders"], results["export"]
    print(
        f"\nPDF (slowest of 3 documents, median of {pdf['runs']}): wall {pdf['slowest_wall_median_s']} s, "
        f"cpu {pdf['slowest_cpu_median_s']} s — target < 1 s: {mark(pdf['slowest_wall_median_s'] >= 1)}"
    )
    print(
        f"reminder job: {rem['job_s']} s, {rem['queries']} queries, {rem['alliances_reminded']} alliances "
        f"— target < 10 s: {mark(rem['job_s'] >= 10)} (delivery of {rem['emails']} e-mails by one worker: "
        f"{rem['delivery_one_worker_s']} s)"
    )
    print(
        f"Excel export: {exp['rows']} rows in {exp['seconds']} s ({exp['kib']} KiB) — target < 10 s: "
        f"{mark(exp['seconds'] >= 10)}"
    )
    if results.get("load"):
        print()
        load.print_load(results["load"])
    for note in results["notes"]:
        print(f"note: {note}")
    if results["missed"]:
        print("\nMISSED targets:")
        for item in results["missed"]:
            print(f"  MISSED {item}")
    else:
        print("\nall targets met")
    print(f"total time: {results['total_seconds']} s; results in {RESULTS.relative_to(load.ROOT)}")


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

    load.stop_on_sigterm()
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bench-run-"))
    secret_key = secrets.token_urlsafe(64)
    from _django import DEFAULT_URL

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12")
    broker = broker if load.broker_available(broker) else None
    env = load.server_env(
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
        prep = load.prepare(args.alliances, pool=args.pool)
        results["seed"] = {
            "pending": prep["pending"],
            "audit_sealed": prep["sealed"],
            "seconds": round(time.perf_counter() - step, 1),
        }
        top = prep["top_jurisdiction"]
        results["county_reviewer_jurisdiction"] = f"{top.name} ({top.code})"
        note = load.collect_static(work / "static")
        if note:
            results["notes"].append(note)

        print(f"counting queries at N={args.alliances} and N'={SMALL_N}…", flush=True)
        results["queries"] = {
            "N": count_queries(database_url, args.alliances, args.pool, env),
            "N_small": count_queries(SMALL_URL, SMALL_N, args.pool, env),
        }

        users = role_users(prep["users"], top)
        cookies = {role: load.session_cookies(u, args.users, sessions) for role, u in users.items()}
        page_list = pages(prep["users"])
        log = work / "gunicorn.log"
        with load.Gunicorn(env, workers=args.workers, threads=args.threads, log_path=log) as server:
            print(f"gunicorn on 127.0.0.1:{server.port}; timing pages…", flush=True)
            results["pages"] = time_pages(server, page_list, cookies, args)
            again = load.measure(
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
                results["load"] = load.load_test(
                    server.port, prep["users"], users=args.load_users, duration=args.load_duration
                )
                if not results["load"]["ok"]:
                    status = 1
                    print(server.log_tail())
        load.delete_sessions(sessions)
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
            load.delete_sessions(sessions)
        if broker:
            load.purge_broker(broker)
        shutil.rmtree(work, ignore_errors=True)
    results["machine"]["load_average_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    if status == 0 or all(k in results for k in ("pages", "queries", "pdf", "reminders", "export")):
        results["missed"] = evaluate(results)
        print_report(results)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
