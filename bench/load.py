"""Load test: many users reading and deciding at once against gunicorn on loopback.

    .venv/bin/python bench/load.py [--users 50] [--duration 60] [--alliances 10000]

Seeds the bench database (bench/seed.py) plus a pool of filings waiting in county and
municipal review, starts gunicorn on 127.0.0.1 with production settings, and runs
``--users`` simulated users for ``--duration`` seconds without think time: readers open
the queues, alliance pages, the dashboard and the registry; municipal staff approve and
county reviewers recommend filings, always picking among the first three of their queue,
so several of them race for the same filing. Then it checks the outcome against the
database: no 5xx, no transport error, every decision a client saw succeed is in the audit
log exactly once and every decision in the log was seen by a client, no filing approved or
recommended twice, every filed alliance has exactly one filing number and one notice, and
the filing numbers issued are gap-free. Exit status 1 when a check fails.

The helpers it shares with bench/run.py and tests/ops/test_load_short.py are in
bench/server.py (environment, static files, gunicorn start/stop, broker), bench/client.py
(HTTP client and latency measurement) and bench/pool.py (users, sessions created in the
database, the review pool).
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from client import Client, Response, ms, percentile
from pool import POOL_PREFIX, delete_sessions, prepare, session_cookies
from server import (
    Gunicorn,
    broker_available,
    collect_static,
    purge_broker,
    server_env,
    stop_on_sigterm,
)

BENCH_DIR = Path(__file__).resolve().parent
QUEUES = {"approve": "/filings/review/municipal/", "recommend": "/filings/review/county/"}
FILING_LINK = re.compile(r'data-filing="(\d+)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
EXPECTED_STATE = re.compile(r'name="expected_state" value="([^"]*)"')


@dataclass
class Plan:
    port: int
    staff: list[dict]  # cookie sets of municipal staff sessions
    county: dict[int, list[dict]]  # jurisdiction pk -> cookie sets of its reviewers
    alliance_pks: list[int]  # filed alliances to read
    filing_pks: list[int]  # filings municipal staff may open
    registry_pages: int


@dataclass
class LoadResult:
    users: int
    duration: float
    seconds: float = 0.0
    requests: Counter = field(default_factory=Counter)  # by page kind
    statuses: Counter = field(default_factory=Counter)
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    transitions: list = field(default_factory=list)  # (action, pk, outcome, detail)
    errors: list = field(default_factory=list)

    def summary(self) -> dict:
        outcomes = Counter((a, o) for a, _, o, _ in self.transitions)
        pages = {}
        for kind, values in sorted(self.latencies.items()):
            pages[kind] = {
                "requests": self.requests[kind],
                "p50_ms": ms(percentile(values, 50)),
                "p95_ms": ms(percentile(values, 95)),
                "max_ms": ms(max(values) if values else None),
            }
        total = sum(self.requests.values())
        return {
            "users": self.users,
            "duration_s": self.duration,
            "elapsed_s": round(self.seconds, 1),
            "requests": total,
            "throughput": round(total / self.seconds, 1) if self.seconds else None,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "5xx": sum(v for k, v in self.statuses.items() if k >= 500),
            "transport_errors": self.statuses.get(0, 0),
            "transitions": {f"{a} {o}": n for (a, o), n in sorted(outcomes.items())},
            "pages": pages,
            "errors": self.errors[:20],
        }


class VirtualUser:
    def __init__(self, plan: Plan, result: LoadResult, lock, cookies: dict, seed: int):
        self.plan, self.result, self.lock = plan, result, lock
        self.client = Client(plan.port, cookies)
        self.rng = random.Random(seed)

    def get(self, kind: str, path: str) -> Response | None:
        return self._send(kind, "GET", path)

    def _send(self, kind, method, path, form=None) -> Response | None:
        try:
            r = self.client.request(method, path, form)
        except (OSError, http.client.HTTPException) as error:
            self._record(kind, 0, None, f"{method} {path}: {error!r}")
            return None
        self._record(kind, r.status, r.seconds, f"{method} {path}" if r.status >= 500 else None)
        return r

    def _record(self, kind, status, seconds, error):
        with self.lock:
            self.result.requests[kind] += 1
            self.result.statuses[status] += 1
            if seconds is not None:
                self.result.latencies[kind].append(seconds)
            if error:
                self.result.errors.append(f"{status} {error}")

    def read_once(self):
        plan, rng = self.plan, self.rng
        kind = rng.choice(
            [
                "alliance",
                "alliance",
                "registry_alliance",
                "registry",
                "dashboard",
                "queue",
                "filing",
            ]
        )
        if kind == "alliance":
            self.get(kind, f"/supervision/alliances/{rng.choice(plan.alliance_pks)}/")
        elif kind == "registry_alliance":
            self.get(kind, f"/registry/alliances/{rng.choice(plan.alliance_pks)}/")
        elif kind == "registry":
            self.get(kind, f"/registry/?page={rng.randint(1, plan.registry_pages)}")
        elif kind == "dashboard":
            self.get(kind, "/dashboard/")
        elif kind == "queue":
            self.get(kind, QUEUES["approve"])
        else:
            self.get(kind, f"/filings/{rng.choice(plan.filing_pks)}/")

    def act_once(self, action: str) -> bool:
        """Open the queue, pick one of its first three, open it, decide. False when the
        queue is empty."""
        queue = self.get(f"{action}_queue", QUEUES[action])
        if queue is None or queue.status != 200:
            return True
        pks = FILING_LINK.findall(queue.text)[:3]
        if not pks:
            return False
        pk = int(self.rng.choice(pks))
        page = self.get("filing", f"/filings/{pk}/")
        if page is None or page.status != 200:
            return True
        url = f"/filings/{pk}/{action}/"
        if f'action="{url}"' not in page.text:  # someone else decided meanwhile
            self._transition(action, pk, "not offered", "")
            return True
        csrf = CSRF_INPUT.search(page.text)
        expected = EXPECTED_STATE.search(page.text)
        form = {
            "csrfmiddlewaretoken": csrf.group(1) if csrf else self.client.cookies["csrftoken"],
            "expected_state": expected.group(1) if expected else "",
        }
        if action == "recommend":
            form["opinion"] = "经初审，该联盟符合备案条件，同意推荐。"
        else:
            form["confirmed"] = "1"  # 予以备案 asks first (core.confirm): the user's 确定
        try:
            r = self.client.request("POST", url, form)
        except (OSError, http.client.HTTPException) as error:
            self._record(action, 0, None, f"POST {url}: {error!r}")
            self._transition(action, pk, "unknown", repr(error))
            return True
        self._record(action, r.status, r.seconds, f"POST {url}" if r.status >= 500 else None)
        target = urlsplit(r.location).path
        if r.status == 302 and target == QUEUES[action]:
            outcome = "success"
        elif r.status == 302 and target == f"/filings/{pk}/":
            outcome = "refused"  # another user came first: stale page or state moved on
        elif r.status >= 500:
            outcome = "error"
        else:
            outcome = f"http {r.status}"
        self._transition(action, pk, outcome, target)
        return True

    def _transition(self, action, pk, outcome, detail):
        with self.lock:
            self.result.transitions.append((action, pk, outcome, detail))

    def run(self, role: str, deadline: float, max_iterations: int):
        try:
            for _ in range(max_iterations):
                if time.perf_counter() >= deadline:
                    return
                if role == "read":
                    self.read_once()
                elif not self.act_once(role):
                    time.sleep(0.2)  # queue empty: look again a little later
        finally:
            self.client.close()


def roles_for(users: int) -> list[str]:
    """A fifth approve (municipal staff), a fifth recommend (county), the rest read."""
    actors = max(1, users // 5)
    return ["approve"] * actors + ["recommend"] * actors + ["read"] * (users - 2 * actors)


def run_load(plan: Plan, *, users: int, duration: float, max_iterations: int = 100_000):
    result = LoadResult(users=users, duration=duration)
    lock = threading.Lock()
    county_jurisdictions = sorted(plan.county)
    virtual = []
    for i, role in enumerate(roles_for(users)):
        if role == "recommend":
            # Reviewers of the same jurisdiction share a queue and race for its head.
            sessions = plan.county[county_jurisdictions[i % len(county_jurisdictions)]]
        else:
            sessions = plan.staff
        virtual.append((role, VirtualUser(plan, result, lock, sessions[i % len(sessions)], i)))
    started = time.perf_counter()
    deadline = started + duration
    with ThreadPoolExecutor(len(virtual)) as pool:
        futures = [pool.submit(v.run, role, deadline, max_iterations) for role, v in virtual]
        for future in futures:
            future.result()
    result.seconds = time.perf_counter() - started
    return result


def pool_snapshot() -> dict:
    """Where the review pool stands before the run: filing pk -> state, and the last
    audit entry, so the check reads only what the run appended."""
    from audit.models import AuditEntry
    from filings.models import Filing

    pending = Filing.objects.filter(
        alliance__name__startswith=POOL_PREFIX,
        state__in=[Filing.State.COUNTY_REVIEW, Filing.State.MUNICIPAL_REVIEW],
    )
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return {"states": dict(pending.values_list("pk", "state")), "audit_mark": last}


def check_load(result: LoadResult, snapshot: dict) -> tuple[list[str], dict]:
    """Compare what the clients saw with the database; the list of problems (empty = ok)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count
    from django.utils import timezone

    from audit.models import AuditEntry
    from filings.models import Alliance, Filing, FilingDocument, NumberSequence

    problems = []
    states = snapshot["states"]
    pks = list(states)
    filing_ct = ContentType.objects.get_for_model(Filing)
    alliance_ct = ContentType.objects.get_for_model(Alliance)
    logged = Counter(
        AuditEntry.objects.filter(
            pk__gt=snapshot["audit_mark"],
            content_type=filing_ct,
            object_id__in=pks,
            action__in=["recommend", "approve"],
        ).values_list("action", "object_id")
    )
    seen = Counter((a, pk) for a, pk, outcome, _ in result.transitions if outcome == "success")
    unknown = {(a, pk) for a, pk, outcome, _ in result.transitions if outcome == "unknown"}

    summary = result.summary()
    if summary["5xx"]:
        problems.append(f"{summary['5xx']} responses with status 5xx")
    if summary["transport_errors"]:
        problems.append(f"{summary['transport_errors']} requests without a response")
    for key, n in logged.items():
        if n > 1:
            problems.append(f"{key[0]} of filing {key[1]} logged {n} times")
    for key, n in seen.items():
        if n > 1:
            problems.append(f"{key[0]} of filing {key[1]} reported successful to {n} clients")
    for key in seen - logged:
        problems.append(f"{key[0]} of filing {key[1]} succeeded for a client, not in the log")
    for key in logged - seen:
        if key not in unknown:
            problems.append(f"{key[0]} of filing {key[1]} in the log, no client saw it succeed")

    # Each filing moved exactly as far as its logged transitions say.
    final = dict(Filing.objects.filter(pk__in=pks).values_list("pk", "state"))
    path = {
        ("county_review", "county_review"): set(),
        ("county_review", "municipal_review"): {"recommend"},
        ("county_review", "filed"): {"recommend", "approve"},
        ("municipal_review", "municipal_review"): set(),
        ("municipal_review", "filed"): {"approve"},
    }
    for pk, before in states.items():
        expected = path.get((before, final[pk]))
        actions = {a for a in ("recommend", "approve") if logged[(a, pk)]}
        if expected is None:
            problems.append(f"filing {pk} went from {before} to {final[pk]}")
        elif actions != expected:
            problems.append(f"filing {pk} {before} -> {final[pk]} but logged {sorted(actions)}")

    # Every filed pool filing: one approve entry in all its history, one filing number,
    # one 备案通知书, one `file` entry on its alliance.
    filed = list(
        Filing.objects.filter(pk__in=pks, state=Filing.State.FILED).select_related("alliance")
    )
    approvals = Counter(
        AuditEntry.objects.filter(
            content_type=filing_ct, object_id__in=[f.pk for f in filed], action="approve"
        ).values_list("object_id", flat=True)
    )
    filed_log = Counter(
        AuditEntry.objects.filter(
            content_type=alliance_ct, object_id__in=[f.alliance_id for f in filed], action="file"
        ).values_list("object_id", flat=True)
    )
    notices = dict(
        FilingDocument.objects.filter(filing__in=filed, kind=FilingDocument.Kind.FILING_NOTICE)
        .values("filing")
        .annotate(n=Count("pk"))
        .values_list("filing", "n")
    )
    numbers = []
    for f in filed:
        if approvals[f.pk] != 1:
            problems.append(f"filed filing {f.pk} has {approvals[f.pk]} approve entries")
        if not f.alliance.filing_number or f.alliance.status != Alliance.Status.FILED:
            problems.append(f"filed filing {f.pk}: alliance without filing number")
        else:
            numbers.append(f.alliance.filing_number)
        if notices.get(f.pk, 0) != 1:
            problems.append(f"filed filing {f.pk} has {notices.get(f.pk, 0)} filing notices")
        if filed_log[f.alliance_id] != 1:
            problems.append(f"alliance {f.alliance_id} has {filed_log[f.alliance_id]} file entries")
    if len(numbers) != len(set(numbers)):
        problems.append("a filing number was issued twice")
    # Numbers are gap-free: this run's are consecutive and end at the sequence's counter.
    year = timezone.localdate().year
    seqs = sorted(int(m.group(1)) for n in numbers if (m := re.search(rf"〔{year}〕(\d+)号$", n)))
    if seqs:
        counter = NumberSequence.objects.get(key=f"filing:{year}").last
        if seqs != list(range(seqs[0], seqs[0] + len(seqs))) or seqs[-1] != counter:
            problems.append(
                f"filing numbers not consecutive: {seqs[:5]}…{seqs[-5:]}, counter {counter}"
            )
    letters = list(
        FilingDocument.objects.filter(
            filing_id__in=pks,
            kind=FilingDocument.Kind.RECOMMENDATION_LETTER,
            filing__jurisdiction__isnull=False,
        ).values_list("reference_number", flat=True)
    )
    if len(letters) != len(set(letters)):
        problems.append("a recommendation letter number was issued twice")
    facts = {
        "pool": {s: sum(1 for v in states.values() if v == s) for s in set(states.values())},
        "recommended": sum(1 for (a, _) in logged if a == "recommend"),
        "approved": sum(1 for (a, _) in logged if a == "approve"),
        "filed_checked": len(filed),
        "lost_races": sum(
            1 for _, _, o, _ in result.transitions if o in ("refused", "not offered")
        ),
    }
    return problems, facts


def build_plan(port: int, users: dict, sessions: int, created: list) -> Plan:
    """Sessions for the load test's users, and what the readers pick from."""
    from filings.models import Alliance, Filing

    alliance_pks = list(
        Alliance.objects.filter(status=Alliance.Status.FILED, name__startswith="基准联盟")
        .order_by("?")
        .values_list("pk", flat=True)[:500]
    )
    filing_pks = list(
        Filing.objects.filter(state=Filing.State.FILED)
        .order_by("?")
        .values_list("pk", flat=True)[:500]
    )
    filed = Alliance.objects.filter(status=Alliance.Status.FILED).count()
    staff = [c for u in users["staff"] for c in session_cookies(u, sessions, created)]
    county = {
        j: [c for u in reviewers for c in session_cookies(u, sessions, created)]
        for j, reviewers in users["county"].items()
    }
    return Plan(
        port=port,
        staff=staff,
        county=county,
        alliance_pks=alliance_pks,
        filing_pks=filing_pks,
        registry_pages=max(1, (filed + 24) // 25),
    )


def load_test(port: int, users_by_role: dict, *, users: int, duration: float) -> dict:
    """Run the load test against the gunicorn on ``port`` and check it; a dict report."""
    created = []
    try:
        plan = build_plan(port, users_by_role, sessions=max(2, users // 4), created=created)
        snapshot = pool_snapshot()
        result = run_load(plan, users=users, duration=duration)
        problems, facts = check_load(result, snapshot)
    finally:
        delete_sessions(created)
    return {**result.summary(), **facts, "problems": problems, "ok": not problems}


def print_load(report: dict):
    print(
        f"load: {report['users']} users for {report['duration_s']} s "
        f"({report['elapsed_s']} s): {report['requests']} requests, "
        f"{report['throughput']} req/s, statuses {report['statuses']}"
    )
    print(f"  transitions: {report['transitions']}")
    print(
        f"  pool before: {report['pool']}; recommended {report['recommended']}, "
        f"approved {report['approved']}, lost races {report['lost_races']}"
    )
    for kind, row in report["pages"].items():
        print(
            f"  {kind:<18} {row['requests']:>6} req  p50 {row['p50_ms']} ms  "
            f"p95 {row['p95_ms']} ms  max {row['max_ms']} ms"
        )
    if report["problems"]:
        print("  CHECK FAILED:")
        for problem in report["problems"][:30]:
            print(f"    - {problem}")
    else:
        print(
            "  checks: no 5xx, no transport error, no lost or doubled transition, "
            "filing numbers unique and gap-free"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--alliances", type=int, default=10_000)
    parser.add_argument("--pool", type=int, default=300, help="filings waiting per level")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--json", type=Path, help="write the report here")
    args = parser.parse_args()
    stop_on_sigterm()

    secret_key = secrets.token_urlsafe(64)
    os.environ["DJANGO_SECRET_KEY"] = secret_key  # sessions are signed with gunicorn's key
    os.environ.pop("REDIS_URL", None)  # this process queues nothing for real workers
    os.environ.update(CELERY_BROKER_URL="memory://", CELERY_TASK_ALWAYS_EAGER="false")
    sys.path.insert(0, str(BENCH_DIR))
    from _django import DEFAULT_URL, setup

    setup()
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/9")  # the bench's own
    broker = broker if broker_available(broker) else None
    try:
        prep = prepare(args.alliances, pool=args.pool)
        note = collect_static(work / "static")
        if note:
            print(f"note: {note}")
        env = server_env(
            database_url=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
            secret_key=secret_key,
            static_root=work / "static",
            media_root=work / "media",
            broker_url=broker,
        )
        with Gunicorn(
            env, workers=args.workers, threads=args.threads, log_path=work / "gunicorn.log"
        ) as server:
            report = load_test(server.port, prep["users"], users=args.users, duration=args.duration)
            if report["5xx"]:
                print(server.log_tail())
        print_load(report)
        if args.json:
            args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    finally:
        if broker:
            purge_broker(broker)
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if report["ok"] else 1)


if __name__ == "__main__":
    main()
