"""A backup restored into an empty database and media folder gives back the same data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from audit.chain import seal_pending, verify_chain
from filings.models import FilingMaterial
from tests.factories import filing_in_state
from tests.postgres import admin as _admin
from tests.postgres import row_counts
from tests.postgres import url as _url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TABLES = [
    "filings_alliance",
    "filings_filing",
    "filings_filingmaterial",
    "audit_auditentry",
    "accounts_user",
]


def test_backup_and_restore_round_trip(tmp_path, settings):
    filing = filing_in_state("filed")
    seal_pending()
    media = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    source_name = connection.settings_dict["NAME"]
    source_url = _url(source_name)
    target_name = connection.settings_dict["NAME"] + "_restored"
    _admin(f'DROP DATABASE IF EXISTS "{target_name}"')
    _admin(f'CREATE DATABASE "{target_name}"')
    try:
        env = {**os.environ, "DATABASE_URL": source_url, "DJANGO_PRIVATE_MEDIA_ROOT": str(media)}
        out = subprocess.run(
            [str(ROOT / "scripts/backup.sh"), str(tmp_path / "backup")],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        dump, media_tar = out[-2], out[-1]
        restored_media = tmp_path / "restored-media"
        env = {
            **os.environ,
            "DATABASE_URL": _url(target_name),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(restored_media),
        }
        subprocess.run(
            [str(ROOT / "scripts/restore.sh"), dump, media_tar],
            env=env,
            check=True,
            capture_output=True,
        )

        assert row_counts(target_name, TABLES) == row_counts(source_name, TABLES)
        for material in FilingMaterial.objects.filter(filing=filing):
            assert (restored_media / material.file.name).read_bytes() == material.file.open(
                "rb"
            ).read()
        # The restored audit log's hash chain is intact.
        assert verify_chain()[1] == []
        check = subprocess.run(
            [sys.executable, "manage.py", "verify_audit_chain"],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "alliance_portal.settings"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stderr
        assert "完整" in check.stdout
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{target_name}"')
