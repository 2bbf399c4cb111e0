"""The embedded defaults: with no environment at all the portal runs on SQLite, eager
Celery and console e-mail, in Chinese and Beijing time."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.conf import settings
from alliance_portal.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "email": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG,
    "language": settings.LANGUAGE_CODE,
    "tz": settings.TIME_ZONE,
    "use_tz": settings.USE_TZ,
    "locales": [str(p) for p in settings.LOCALE_PATHS],
    "upload_max": settings.UPLOAD_MAX_BYTES,
}))
"""


def probe(**env):
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "alliance_portal.settings"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_no_environment_means_sqlite_eager_console_debug():
    found = probe()
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"].endswith("var/db.sqlite3")
    assert found["eager"] is True
    assert found["broker"] == "memory://"
    assert found["email"] == "django.core.mail.backends.console.EmailBackend"
    assert found["debug"] is True
    assert found["language"] == "zh-hans"
    assert found["tz"] == "Asia/Shanghai"
    assert found["use_tz"] is True
    assert found["locales"] == [str(ROOT / "locale"), str(ROOT / "locale_overrides")]
    assert found["upload_max"] == 20 * 1024 * 1024


def test_environment_switches_to_the_real_services():
    found = probe(
        DATABASE_URL="postgres://u:p@db.example:5432/portal",
        REDIS_URL="redis://cache.example:6379/0",
        EMAIL_URL="smtp://mail.example:25",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="portal.example",
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "portal"
    assert found["eager"] is False
    assert found["broker"] == "redis://cache.example:6379/0"
    assert found["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert found["debug"] is False


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "alliance_portal.settings",
            "DJANGO_DEBUG": "false",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_catalogues_exist_for_chinese_and_english():
    assert (ROOT / "locale/zh_Hans/LC_MESSAGES/django.po").exists()
    assert (ROOT / "locale/en/LC_MESSAGES/django.po").exists()
