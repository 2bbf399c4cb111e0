"""The judged measurement: every page rendered in one process, uncached, against the stock
admin changelist of the same rows (bench/admin.py), at N and at N/100.

``measure_here`` runs in a subprocess of bench/run.py on one database (Django set up
there): it renders each page with Django's test client (the whole middleware stack, DEBUG
off, ``force_login`` for the visitor), counts its queries, then times every page in
interleaved rounds (each round renders each page once, starting at a different page), so
that a burst of load from other processes on the machine falls on all pages alike. The
median of each page over the rounds is its figure; its ratio to the admin changelist's
median from the same process is the target's measure (docs/benchmarks.md).
"""

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from client import HOST
from pool import MODEL_BACKEND, prepare, verify_session

ADMIN_CHANGELIST = "admin changelist"
TRIVIAL_VIEW = "trivial view"
# Each role's trivial page: what every page of that visitor pays before its own work.
BASELINES = {None: "trivial page (anonymous)", "staff": "trivial page (staff)",
             "county": "trivial page (county)", "lead": "trivial page (lead unit)"}  # fmt: skip


def pages(users) -> list[tuple[str, str, str | None, bool]]:
    """(label, path, role whose session is sent, key page?)."""
    alliance = users["lead_alliance"].pk
    return [
        (TRIVIAL_VIEW, "/bench/trivial", None, False),
        *((label, "/bench/trivial-page", role, False) for role, label in BASELINES.items()),
        (ADMIN_CHANGELIST, "/bench/admin/filings/alliance/", "admin", False),
        ("municipal queue", "/filings/review/municipal/", "staff", True),
        ("county queue", "/filings/review/county/", "county", True),
        ("alliance (supervision)", f"/supervision/alliances/{alliance}/", "staff", True),
        ("alliance (lead unit)", f"/supervision/alliances/{alliance}/", "lead", True),
        ("alliance (public)", f"/registry/alliances/{alliance}/", None, True),
        ("dashboard", "/dashboard/", "staff", True),
        ("registry", "/registry/", None, True),
        ("verification (public)", f"/verify/{users['verify_code']}/", None, True),
    ]


def role_users(users, top) -> dict:
    return {
        "staff": users["staff"][0],
        "county": users["county"][top.pk][0],
        "lead": users["lead"],
        "admin": users["admin"],
    }


def measure_here(n: int, pool: int, rounds: int) -> dict:
    """In the subprocess: seed (idempotent), count each page's queries, time the rounds."""
    from _django import setup

    setup()
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    from filings.models import Alliance

    prep = prepare(n, pool=pool)
    users = role_users(prep["users"], prep["top_jurisdiction"])
    page_list = pages(prep["users"])
    clients = {None: TestClient(HTTP_HOST=HOST)}
    for role, user in users.items():
        clients[role] = TestClient(HTTP_HOST=HOST)
        clients[role].force_login(user, backend=MODEL_BACKEND)
        session = clients[role].session
        verify_session(session, user)  # past the second factor, as staff are after login
        session.save()
    results = {}
    for label, path, role, _key in page_list:
        client = clients[role]
        for _ in range(3):  # content types, translations, templates, connection warmed
            response = client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            count = len(queries)  # now: the next request's request_started clears the log
        results[label] = {"status": response.status_code, "queries": count, "times": [], "cpu": []}
    for r in range(rounds):
        start = r % len(page_list)
        for label, path, role, _key in page_list[start:] + page_list[:start]:
            started, cpu = time.perf_counter(), time.thread_time()
            clients[role].get(path)
            results[label]["times"].append(time.perf_counter() - started)
            results[label]["cpu"].append(time.thread_time() - cpu)
    for role in users:
        clients[role].logout()  # deletes the session force_login created
    for row in results.values():
        times = sorted(row.pop("times"))
        row["median_ms"] = round(statistics.median(times) * 1000, 2)
        row["p25_ms"] = round(times[len(times) // 4] * 1000, 2)
        row["p75_ms"] = round(times[(3 * len(times)) // 4] * 1000, 2)
        # This process's CPU only (PostgreSQL's work is not in it): less sensitive to other
        # processes on the machine than the wall time, so it shows how noisy a run was.
        row["cpu_median_ms"] = round(statistics.median(row.pop("cpu")) * 1000, 2)
    admin = results[ADMIN_CHANGELIST]
    for row in results.values():
        row["ratio_admin"] = round(row["median_ms"] / admin["median_ms"], 3)
        row["cpu_ratio_admin"] = round(row["cpu_median_ms"] / admin["cpu_median_ms"], 3)
    return {
        "alliances": Alliance.objects.count(),
        "filed": Alliance.objects.filter(status=Alliance.Status.FILED).count(),
        "rounds": rounds,
        "pages": results,
    }


def measure(database_url: str, n: int, pool: int, rounds: int, env: dict) -> dict:
    """``measure_here`` in a subprocess on ``database_url`` (bench/run.py --in-process)."""
    env = {**env, "BENCH_DATABASE_URL": database_url, "DATABASE_URL": database_url}
    env.update(CELERY_BROKER_URL="", CELERY_TASK_ALWAYS_EAGER="true")  # GETs queue nothing
    argv = [sys.executable, str(Path(__file__).with_name("run.py")), "--in-process"]
    argv += ["--alliances", str(n), "--pool", str(pool), "--rounds", str(rounds)]
    proc = subprocess.run(  # noqa: S603 - fixed argv
        argv, env=env, cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True,
        timeout=3600, check=False,
    )  # fmt: skip
    for line in proc.stdout.splitlines():
        if line.startswith("INPROCESS "):
            measured = json.loads(line[len("INPROCESS ") :])
            wrong = {k: v["status"] for k, v in measured["pages"].items() if v["status"] != 200}
            if wrong:
                raise RuntimeError(f"pages not answering 200 on {database_url}: {wrong}")
            return measured
    raise RuntimeError(f"in-process run failed on {database_url}:\n{proc.stdout}\n{proc.stderr}")
