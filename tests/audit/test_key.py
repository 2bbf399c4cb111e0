"""Production needs its own audit chain key: without one the system check fails."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit.checks import audit_chain_key

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("debug", "key", "ids"),
    [
        (False, "", ["audit.E001"]),
        (False, "dev-only-audit-chain-key-not-for-production", ["audit.E002"]),
        (False, "short-key", ["audit.W001"]),
        (False, "k" * 48, []),
        (True, "", []),
    ],
)
def test_the_system_check_wants_a_real_key_in_production(settings, debug, key, ids):
    settings.DEBUG, settings.AUDIT_CHAIN_KEY = debug, key
    assert [message.id for message in audit_chain_key(None)] == ids


def test_production_without_a_key_fails_manage_py_check():
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "alliance_portal.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "s" * 60,
        "DJANGO_ALLOWED_HOSTS": "portal.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "audit.E001" in result.stderr and "PORTAL_AUDIT_CHAIN_KEY" in result.stderr
