"""The load test, short: 10 users for 10 s against gunicorn on the test database.

gunicorn runs with production settings (DEBUG off, manifest static files) on 127.0.0.1
and sees the test database, so the test is transactional (data committed). Municipal
staff approve and two county reviewers of one jurisdiction recommend, racing for the
head of their queues, while the others read. Checked against the database afterwards
(bench/load.py, check_load): no 5xx, no transport error, no decision lost or doubled,
filing numbers unique and gap-free. The long version: `bench/load.py --users 50
--duration 60` (docs/benchmarks.md).
"""

import secrets
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import jurisdiction

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import seed as bench_seed  # noqa: E402 - bench/ is not a package
from load import load_test, print_load  # noqa: E402
from pool import ensure_users, seed_pending, top_jurisdictions  # noqa: E402
from server import Gunicorn, collect_static, server_env  # noqa: E402

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

USERS = 10
DURATION = 10


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_concurrent_reading_and_deciding(tmp_path, settings):
    # gunicorn checks the sessions written here with its own key: give both the same.
    settings.SECRET_KEY = secrets.token_urlsafe(64)
    jurisdiction()  # the data migration's rows (an earlier transactional test flushes them)
    bench_seed.seed(30)
    top = top_jurisdictions(1)  # one jurisdiction: both county reviewers race
    users = ensure_users(staff=2, jurisdictions=top, county_per_jurisdiction=2)
    seed_pending(county=40, municipal=40, jurisdictions=top)
    collect_static(tmp_path / "static")
    env = server_env(
        database_url=_database_url(),
        secret_key=settings.SECRET_KEY,
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
        broker_url=None,  # no broker in CI: notification tasks run inline
    )
    # Approving issues a signed 备案通知书: the server signs with the tests' demo CA.
    env.update(
        PORTAL_SIGNING_DIR=str(settings.PORTAL_SIGNING_DIR),
        PORTAL_SIGNING_PASSWORD=settings.PORTAL_SIGNING_PASSWORD,
        PORTAL_SIGNING_TRUST_ROOTS=str(settings.PORTAL_SIGNING_TRUST_ROOTS),
    )
    with Gunicorn(env, workers=2, threads=4, log_path=tmp_path / "gunicorn.log") as server:
        report = load_test(server.port, users, users=USERS, duration=DURATION)
        log = server.log_tail()
    print_load(report)

    assert report["5xx"] == 0, log
    assert report["transport_errors"] == 0, report["errors"]
    assert report["problems"] == [], report["problems"]
    assert report["recommended"] > 0, report["transitions"]
    assert report["approved"] > 0, report["transitions"]
    assert report["requests"] > 0
