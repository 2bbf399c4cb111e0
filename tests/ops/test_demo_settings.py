"""The demo runs DEBUG off (issue 15 item 15): a visitor who mistypes a URL sees the
portal's 404 page, never Django's debug page with the URL list; over plain http on
127.0.0.1, so its cookies are not https-only and nothing redirects to https."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "getattr(s, 'SECURE_SSL_REDIRECT', False), getattr(s, 'SECURE_HSTS_SECONDS', 0)]))"
)


def settings_under(**env):
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))},
        "DJANGO_SETTINGS_MODULE": "alliance_portal.settings",
        "DJANGO_SECRET_KEY": "x" * 50,
        "PORTAL_AUDIT_CHAIN_KEY": "y" * 48,
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_demo_script_runs_debug_off_over_plain_http():
    script = (ROOT / "scripts" / "demo.sh").read_text()
    assert re.search(r'DJANGO_DEBUG="\$\{DJANGO_DEBUG-false\}"', script)
    assert re.search(r'PORTAL_HTTPS="\$\{PORTAL_HTTPS-false\}"', script)
    assert "collectstatic" in script  # WhiteNoise serves the files when DEBUG is off
    # What those variables give: no debug page, cookies that work over http.
    assert settings_under(DJANGO_DEBUG="false", PORTAL_HTTPS="false") == [
        False,
        False,
        False,
        False,
        0,
    ]


def test_production_keeps_https_whatever_the_demo_does():
    debug, session_secure, csrf_secure, redirect, hsts = settings_under(DJANGO_DEBUG="false")
    assert not debug and session_secure and csrf_secure and redirect and hsts > 0
