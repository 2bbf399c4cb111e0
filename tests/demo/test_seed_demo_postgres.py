"""`manage.py seed_demo` as a user runs it on PostgreSQL: its own process, a fresh real
database, no test transaction around it (inside one, a step that needs its own transaction
passes unnoticed: the demo once crashed on PostgreSQL while every test passed). Twice:
the second run changes nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import postgres

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


@pytest.fixture
def fresh_database():
    with postgres.throwaway_database("test_demo_seed") as name:
        yield name


def _manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_seed_demo_twice_on_a_fresh_postgresql_database(fresh_database, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        # The user's own set-up: no test database name, no broker of this machine.
        if key not in ("DJANGO_TEST_DATABASE_NAME", "CELERY_BROKER_URL", "REDIS_URL")
    }
    env.update(
        DATABASE_URL=postgres.url(fresh_database),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
    )
    migrate = _manage(env, "migrate", "--no-input", "-v", "0")
    assert migrate.returncode == 0, migrate.stderr

    first = _manage(env, "seed_demo")
    assert first.returncode == 0, first.stderr[-5000:]
    seeded = postgres.row_counts(fresh_database)
    # Every seeder created its part (not only the first few before a crash).
    assert "新建15个联盟" in first.stdout, first.stdout
    assert "6 个历史备案联盟" in first.stdout, first.stdout
    assert "补贴评审演示数据：“" in first.stdout, first.stdout
    for table in ("filings_filing", "supervision_annualsummary", "subsidies_score"):
        assert seeded[table] > 0, table
    assert seeded["subsidies_subsidyround"] == 2
    # A pending registration (its e-mail confirmed) for each county reviewer seeded.
    assert "单位注册演示数据：5 份待审核的单位注册" in first.stdout, first.stdout
    assert seeded["accounts_registration"] == 5
    # The demo's audit log verifies: its anchors were not stamped with the moved clock.
    verify = _manage(env, "verify_audit_chain")
    assert verify.returncode == 0, (verify.stdout + verify.stderr)[-3000:]

    second = _manage(env, "seed_demo")
    assert second.returncode == 0, second.stderr[-5000:]
    assert postgres.row_counts(fresh_database) == seeded
    assert second.stdout.count("未做修改") == 4, second.stdout
    verify = _manage(env, "verify_audit_chain")
    assert verify.returncode == 0, (verify.stdout + verify.stderr)[-3000:]
