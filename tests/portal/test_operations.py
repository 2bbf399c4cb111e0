import datetime
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import SIGNING_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker_to_administrators(client):
    from tests.factories import AdminFactory

    client.force_login(AdminFactory())
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert "broker" in body


def test_healthz_with_a_dead_broker_still_answers(client, settings):
    from alliance_portal.celery import app
    from tests.factories import AdminFactory

    client.force_login(AdminFactory())
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    app._pool = None
    try:
        body = client.get("/healthz").json()
    finally:
        app.conf.update(broker_url=saved[0], task_always_eager=saved[1])
        app._pool = None
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


def test_security_headers(client):
    response = client.get("/accounts/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_expires_after_inactivity_not_while_in_use(client, settings):
    """30 minutes idle ends the session; use keeps it alive, although it is written at most
    once a minute (portal.middleware.SessionIdleMiddleware)."""
    from django.contrib.sessions.models import Session

    from tests.factories import MunicipalStaffFactory

    assert settings.SESSION_IDLE_MINUTES == 30
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(MunicipalStaffFactory())
        assert client.get("/").status_code == 200
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        expiry = Session.objects.get(session_key=key).expire_date
        clock.shift(datetime.timedelta(seconds=20))  # within the minute: no write
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        assert not [q for q in queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]]
        assert Session.objects.get(session_key=key).expire_date == expiry
        for _ in range(3):  # 25 minutes apart: each request pushes the expiry forward
            clock.shift(datetime.timedelta(minutes=25))
            assert client.get("/").status_code == 200
        last_request = timezone.now()
        assert Session.objects.get(session_key=key).expire_date > last_request + (
            datetime.timedelta(minutes=30)
        )
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get("/supervision/compliance/").status_code == 200
        clock.shift(datetime.timedelta(minutes=31, seconds=1))
        response = client.get("/supervision/compliance/")
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_check_deploy_is_clean_with_production_settings(signing_ca):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "alliance_portal.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "k" * 20 + "Zq8#v!2mWp$4rT7yU1iO9pL3aS6dF0gH5jK",
        "DJANGO_ALLOWED_HOSTS": "portal.example",
        "PORTAL_BASE_URL": "https://portal.example",
        "PORTAL_AUDIT_CHAIN_KEY": "a" * 16 + "Xk29vLq7Rt4wPz8Mn3Hb6Jc1Ds5Fg0Ay",
        "PORTAL_OBJECTION_ADDRESS": "保定市某路1号",
        "PORTAL_OBJECTION_PHONE": "0312-1234567",
        # Production signs what it issues: the session's demo CA stands in for the real one.
        "PORTAL_SIGNING_DIR": str(signing_ca),
        "PORTAL_SIGNING_PASSWORD": SIGNING_PASSWORD,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_json_log_lines_in_production():
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('portal').warning('联盟 %s', 'x')"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "alliance_portal.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "s" * 60,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["level"] == "WARNING" and line["message"] == "联盟 x" and line["logger"] == "portal"
    assert logging.getLogger("portal")
