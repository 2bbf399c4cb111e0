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

Also the helpers bench/run.py and tests/ops/test_load_short.py share: the HTTP client and
load generator (http.client, keep-alive, bounded by count and time), gunicorn start/stop,
sessions created in the database (no login form, no axes lockout), the review pool.
"""

import argparse
import http.client
import io
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"  # all traffic stays on loopback
PASSWORD = "Bench-pass-2026"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
POOL_PREFIX = "负载联盟"
REQUEST_TIMEOUT = 120  # seconds; a request that takes longer counts as a transport error
BROKER_KEYS = ("celery", "unacked", "unacked_index", "unacked_mutex")


# --- Environment, static files, gunicorn -----------------------------------------------


def server_env(
    *,
    database_url: str,
    secret_key: str,
    static_root: Path,
    media_root: Path,
    broker_url: str | None = None,
    conn_max_age: int | None = None,
) -> dict:
    """Production-like settings (DEBUG off, manifest static files, JSON logs at WARNING)
    for gunicorn; plain HTTP on loopback, so no HTTPS redirect."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "PORTAL_")) and k not in ("REDIS_URL",)
    }
    env.update(
        DJANGO_SETTINGS_MODULE="alliance_portal.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secret_key,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_PRIVATE_MEDIA_ROOT=str(media_root),
        DATABASE_URL=database_url,
        EMAIL_URL="dummymail://",
        PYTHONUNBUFFERED="1",
    )
    if conn_max_age is not None:  # else the production default: 60 s persistent connections
        env["DJANGO_CONN_MAX_AGE"] = str(conn_max_age)
    if broker_url:
        env.update(CELERY_BROKER_URL=broker_url, CELERY_TASK_ALWAYS_EAGER="false")
    else:  # tasks run inline after commit (no broker): notifications cost the request
        env.update(CELERY_BROKER_URL="", CELERY_TASK_ALWAYS_EAGER="true")
    return env


def collect_static(dest: Path) -> str:
    """Collect static files under hashed names with the manifest the production storage
    (whitenoise's CompressedManifestStaticFilesStorage) reads. Not compressed: gzip and
    brotli take ~20 s here, and whitenoise serves the plain files when they are missing
    (pages do not fetch static files in the benchmark anyway).

    Returns "" or a note when collectstatic fails with the production patterns and the
    fallback was used: the same without rewriting JavaScript source-map comments
    (Chart.js ships a ``sourceMappingURL`` to a .map file the repository lacks).
    """
    from django.conf import settings
    from django.contrib.staticfiles.management.commands.collectstatic import Command
    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
    from django.core.management import call_command

    class WithoutJsSourceMaps(ManifestStaticFilesStorage):
        patterns = tuple(p for p in ManifestStaticFilesStorage.patterns if p[0] != "*.js")

    note = ""
    for storage_class in (ManifestStaticFilesStorage, WithoutJsSourceMaps):
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        command = Command()
        command.storage = storage_class(location=str(dest), base_url=settings.STATIC_URL)
        try:
            call_command(
                command, interactive=False, verbosity=0, stdout=io.StringIO(), stderr=io.StringIO()
            )
            return note
        except ValueError as error:
            first = re.sub(r" with <[^>]*>", "", str(error).strip().splitlines()[0])
            note = (
                "collectstatic with the production storage fails "
                f"({first}); static files collected without JS source-map rewriting"
            )
    raise RuntimeError(note)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn (gthread) on 127.0.0.1:<free port>; stopped, with its workers, on exit."""

    def __init__(self, env: dict, *, workers: int = 3, threads: int = 4, log_path: Path):
        self.env, self.workers, self.threads, self.log_path = env, workers, threads, log_path
        self.proc = None
        self.port = None

    def __enter__(self):
        self.port = free_port()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "alliance_portal.wsgi",
            f"--bind={HOST}:{self.port}",
            f"--workers={self.workers}",
            "--worker-class=gthread",
            f"--threads={self.threads}",
            "--keep-alive=30",
            f"--timeout={REQUEST_TIMEOUT}",
            "--graceful-timeout=5",
            "--log-level=warning",
        ]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        # Its own process group: stop() ends the master and its workers, nothing else.
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_healthy(timeout=60)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def _wait_healthy(self, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log_tail()}")
            try:
                if Client(self.port, timeout=5).request("GET", "/healthz").status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn not healthy after {timeout} s:\n{self.log_tail()}")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        if getattr(self, "_log", None) and not self._log.closed:
            self._log.close()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def broker_available(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def purge_broker(url: str):
    """Drop what the run queued (there is no worker): only kombu's own keys."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    client.delete(*BROKER_KEYS, *client.scan_iter(match="_kombu.binding*", count=100))


def stop_on_sigterm():
    """SIGTERM raises SystemExit, so ``finally`` blocks stop gunicorn."""

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


# --- HTTP client and load generator ----------------------------------------------------


@dataclass
class Response:
    status: int
    location: str
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Client:
    """One keep-alive connection to 127.0.0.1 with its own cookies (one browser)."""

    def __init__(self, port: int, cookies: dict | None = None, timeout: float = REQUEST_TIMEOUT):
        self.port, self.timeout = port, timeout
        self.cookies = dict(cookies or {})
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, form: dict | None = None) -> Response:
        body = urlencode(form) if form is not None else None
        headers = {"Host": HOST, "Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                # A kept-alive connection the server closed: a GET is safe to repeat, a
                # POST is not (its outcome is then unknown to the caller).
                if method == "GET" and attempt == 1:
                    continue
                raise
            except BaseException:
                self.close()
                raise
            seconds = time.perf_counter() - started
            for name, value in resp.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    val = rest.split(";", 1)[0]
                    if val in ("", '""') or "max-age=0" in value.lower():
                        self.cookies.pop(key.strip(), None)
                    else:
                        self.cookies[key.strip()] = val
            if resp.will_close:
                self.close()
            return Response(resp.status, resp.getheader("Location") or "", data, seconds)
        raise AssertionError("unreachable")


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)  # nearest rank
    return ordered[max(0, min(len(ordered), math.ceil(p / 100 * len(ordered))) - 1)]


def measure(
    port: int,
    path: str,
    cookie_sets: list[dict],
    *,
    concurrency: int,
    duration: float,
    max_requests: int,
    warmup: int = 0,
) -> dict:
    """``concurrency`` clients GET ``path`` back to back until ``duration`` seconds or
    ``max_requests`` requests, whichever comes first. Latencies in seconds."""
    clients = [Client(port, cookie_sets[i % len(cookie_sets)]) for i in range(concurrency)]
    lock = threading.Lock()
    state = {"issued": 0}

    def run(client: Client, deadline: float, budget: int):
        out = []
        while True:
            with lock:
                if state["issued"] >= budget or time.perf_counter() >= deadline:
                    return out
                state["issued"] += 1
            try:
                r = client.request("GET", path)
                out.append((r.status, r.seconds))
            except (OSError, http.client.HTTPException):
                out.append((0, None))

    try:
        with ThreadPoolExecutor(concurrency) as pool:
            if warmup:  # every worker process has rendered the page before timing starts
                state["issued"] = 0
                end = time.perf_counter() + max(5.0, duration)
                list(pool.map(lambda c: run(c, end, warmup), clients))
            state["issued"] = 0
            started = time.perf_counter()
            deadline = started + duration
            results = list(pool.map(lambda c: run(c, deadline, max_requests), clients))
            elapsed = time.perf_counter() - started
    finally:
        for client in clients:
            client.close()
    samples = [s for out in results for s in out]
    ok = [sec for status, sec in samples if status == 200]
    statuses = Counter(status for status, _ in samples)
    return {
        "path": path,
        "concurrency": concurrency,
        "requests": len(samples),
        "ok": len(ok),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": round(elapsed, 3),
        "throughput": round(len(ok) / elapsed, 1) if elapsed else None,
        "p50_ms": _ms(percentile(ok, 50)),
        "p95_ms": _ms(percentile(ok, 95)),
        "mean_ms": _ms(sum(ok) / len(ok) if ok else None),
    }


def _ms(seconds):
    return None if seconds is None else round(seconds * 1000, 2)


# --- Users, sessions and the review pool (Django must be set up) ------------------------


def top_jurisdictions(count: int):
    """The enabled jurisdictions with the most filings, most first."""
    from django.db.models import Count

    from accounts.models import Jurisdiction

    return list(
        Jurisdiction.objects.filter(enabled=True)
        .annotate(n=Count("filings"))
        .order_by("-n", "sort_order", "code")[:count]
    )


def ensure_users(*, staff: int, jurisdictions, county_per_jurisdiction: int) -> dict:
    """bench_staff_<k> (municipal staff), bench_county_<code>_<k> (county reviewers) and
    bench_lead (lead unit of the first bench alliance), password ``PASSWORD``."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Role, User
    from filings.models import Alliance

    hashed = []

    def password():
        if not hashed:  # one PBKDF2 run for all of them
            hashed.append(make_password(PASSWORD))
        return hashed[0]

    def user(username, **fields):
        found = User.objects.filter(username=username).first()
        if found is None:
            found = User.objects.create(
                username=username,
                password=password(),
                email=f"{username}@bench.invalid",
                last_name="基准",
                first_name=username[-6:],
                **fields,
            )
        return found

    users = {
        "staff": [user(f"bench_staff_{k}", role=Role.MUNICIPAL_STAFF) for k in range(staff)],
        "county": {
            j.pk: [
                user(f"bench_county_{j.code}_{k}", role=Role.COUNTY_REVIEWER, jurisdiction=j)
                for k in range(county_per_jurisdiction)
            ]
            for j in jurisdictions
        },
    }
    alliance = Alliance.objects.filter(name__startswith="基准联盟").order_by("name").first()
    if alliance is not None:
        users["lead"] = user("bench_lead", role=Role.LEAD_UNIT, organisation=alliance.lead_unit)
        users["lead_alliance"] = alliance
    return users


def session_cookies(user, count: int, created: list | None = None) -> list[dict]:
    """``count`` logged-in sessions of ``user``, written straight to the session store
    (what django.contrib.auth.login stores), as cookie dicts. Keys go to ``created``."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string

    store = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    for _ in range(count):
        session = store()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = MODEL_BACKEND
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        if created is not None:
            created.append(session.session_key)
        cookies.append(
            {
                settings.SESSION_COOKIE_NAME: session.session_key,
                settings.CSRF_COOKIE_NAME: get_random_string(32),
            }
        )
    return cookies


def delete_sessions(keys: list[str]):
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=keys).delete()


def seed_pending(*, county: int, municipal: int, jurisdictions) -> dict:
    """Top up the pool of filings waiting in county review and in municipal review to
    ``county`` and ``municipal``: new unfiled alliances (lead unit, user, two partners)
    with their filing written in bulk in that state, with the audit entries that led there."""
    import datetime

    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from accounts.demo import demo_uscc
    from accounts.models import Organisation, Role, User
    from audit.models import AuditEntry
    from filings.models import Alliance, AllianceMember, Category, Filing

    pool = Filing.objects.filter(alliance__name__startswith=POOL_PREFIX)
    need = {
        Filing.State.COUNTY_REVIEW: county - pool.filter(state=Filing.State.COUNTY_REVIEW).count(),
        Filing.State.MUNICIPAL_REVIEW: municipal
        - pool.filter(state=Filing.State.MUNICIPAL_REVIEW).count(),
    }
    states = [s for s, n in need.items() for _ in range(max(0, n))]
    if states:
        rng = random.Random(len(states))
        start = Alliance.objects.filter(name__startswith=POOL_PREFIX).count()
        partners = list(Organisation.objects.filter(name__startswith="基准合作院所")[:40])
        for k in range(len(partners), 2):
            name = f"基准合作院所{k:02d}"
            partners.append(
                Organisation.objects.get_or_create(
                    uscc=demo_uscc(name, authority="12", division="110108"),
                    defaults={"name": name, "kind": "institute", "industry": "M"},
                )[0]
            )
        now = timezone.now()
        names = [f"{POOL_PREFIX}{start + i:06d}" for i in range(len(states))]
        js = [jurisdictions[i % len(jurisdictions)] for i in range(len(states))]
        filing_ct = ContentType.objects.get_for_model(Filing)
        with transaction.atomic():
            orgs = Organisation.objects.bulk_create(
                [
                    Organisation(
                        name=f"{name}牵头企业有限公司",
                        uscc=demo_uscc(name, authority="91", division=j.code),
                        kind="enterprise",
                        industry="C",
                        legal_representative="李",
                        jurisdiction=j,
                    )
                    for name, j in zip(names, js, strict=True)
                ]
            )
            leads = User.objects.bulk_create(
                [
                    User(
                        username=f"load_lead_{start + i:06d}",
                        password=make_password(None),
                        role=Role.LEAD_UNIT,
                        organisation=org,
                        email=f"load{start + i:06d}@bench.invalid",
                    )
                    for i, org in enumerate(orgs)
                ]
            )
            alliances = Alliance.objects.bulk_create(
                [
                    Alliance(
                        name=name,
                        category=rng.choice(Category.values),
                        lead_unit=org,
                        industry_chain="负载测试数据",
                        innovation_goals="负载测试数据",
                        office_fulltime_staff=2,
                    )
                    for name, org in zip(names, orgs, strict=True)
                ]
            )
            members = []
            for alliance, org in zip(alliances, orgs, strict=True):
                members.append(
                    AllianceMember(
                        alliance=alliance, organisation=org, role="lead", charter_signed=True
                    )
                )
                for partner in rng.sample(partners, 2):
                    members.append(
                        AllianceMember(alliance=alliance, organisation=partner, charter_signed=True)
                    )
            AllianceMember.objects.bulk_create(members)
            filings = []
            for i, (alliance, lead, state, j) in enumerate(
                zip(alliances, leads, states, js, strict=True)
            ):
                submitted = now - datetime.timedelta(days=20, minutes=len(states) - i)
                municipal_state = state == Filing.State.MUNICIPAL_REVIEW
                filings.append(
                    Filing(
                        alliance=alliance,
                        jurisdiction=j,
                        state=state,
                        created_by=lead,
                        submitted_at=submitted,
                        queued_at=submitted + datetime.timedelta(days=5 if municipal_state else 0),
                        recommended_at=submitted + datetime.timedelta(days=5)
                        if municipal_state
                        else None,
                        recommendation_number=f"负载荐{alliance.pk}" if municipal_state else "",
                        county_opinion="同意推荐" if municipal_state else "",
                    )
                )
            filings = Filing.objects.bulk_create(filings)
            steps = [("submit", "提交初审", "draft", "county_review", "lead_unit")]
            recommend = (
                "recommend",
                "初审通过并推荐",
                "county_review",
                "municipal_review",
                "county_reviewer",
            )
            AuditEntry.objects.bulk_create(
                [
                    AuditEntry(
                        content_type=filing_ct,
                        object_id=f.pk,
                        action=action,
                        action_label=label,
                        source=src,
                        target=dst,
                        actor_name="负载测试",
                        actor_role=role,
                    )
                    for f in filings
                    for action, label, src, dst, role in steps
                    + ([recommend] if f.state == Filing.State.MUNICIPAL_REVIEW else [])
                ]
            )
    return {
        "created": len(states),
        "county_review": pool.filter(state=Filing.State.COUNTY_REVIEW).count(),
        "municipal_review": pool.filter(state=Filing.State.MUNICIPAL_REVIEW).count(),
    }


# --- The load test ---------------------------------------------------------------------

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
                "p50_ms": _ms(percentile(values, 50)),
                "p95_ms": _ms(percentile(values, 95)),
                "max_ms": _ms(max(values) if values else None),
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


def prepare(n: int, *, pool: int, jurisdictions: int = 5) -> dict:
    """Bench data (bench/seed.py), users, review pool, sealed audit chain."""
    import seed as seeding
    from django.db import connection

    from audit.chain import seal_pending

    seeding.seed(n)
    top = top_jurisdictions(jurisdictions)
    users = ensure_users(staff=5, jurisdictions=top, county_per_jurisdiction=2)
    pending = seed_pending(county=pool, municipal=pool, jurisdictions=top)
    # Fresh planner statistics, as autovacuum keeps them in production (it may be off on
    # a development server, and bulk-seeded tables are then planned as if empty).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # Bulk-seeded entries are not in the hash chain yet; in production each request seals
    # its own entries after commit, so seal the backlog now, not in the first request.
    started = time.perf_counter()
    sealed = seal_pending()
    return {
        "users": users,
        "pending": pending,
        "sealed": sealed,
        "seal_seconds": round(time.perf_counter() - started, 1),
        "top_jurisdiction": top[0],
    }


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
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12")
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
