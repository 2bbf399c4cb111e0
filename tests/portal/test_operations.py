import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert "broker" in body


def test_healthz_with_a_dead_broker_still_answers(client, settings):
    from alliance_portal.celery import app

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


def test_session_expires_after_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_check_deploy_is_clean_with_production_settings():
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "alliance_portal.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "k" * 20 + "Zq8#v!2mWp$4rT7yU1iO9pL3aS6dF0gH5jK",
        "DJANGO_ALLOWED_HOSTS": "portal.example",
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
