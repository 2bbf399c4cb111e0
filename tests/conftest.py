"""Fixtures shared by every test, and the rule that CI skips nothing.

With CI=true, a test that needs PostgreSQL, Redis, a CJK font or Chromium fails when that
is missing instead of being skipped: a green CI run must mean the real parts were tested.

Two-factor login (accounts.two_factor) is required of every role but lead units in
production. Most tests sign users in with ``client.force_login`` (or through the login
form, in tests/e2e) and are about something else: for them ``PORTAL_2FA_REQUIRED_ROLES``
is empty, so nobody is asked for a code (a user who has an authenticator still would be,
but such users exist only in the two-factor tests). A test about two-factor login is
marked ``@pytest.mark.two_factor`` and runs with the production setting.
"""

import contextlib
import os
import shutil
import subprocess

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from alliance_portal.celery import app as celery_app

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = "/usr/bin/chromium"


def require(condition: bool, what: str):
    """Skip (locally) or fail (in CI) when a real dependency of the test is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must not skip: {what}", pytrace=False)
    pytest.skip(what)


def pytest_configure(config):
    # Tasks run inline in tests; the queue itself is tested against a real worker
    # (tests marked `redis`), which switches this off for its own duration.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    _flush_past_the_audit_triggers()


def _flush_past_the_audit_triggers():
    """The audit tables refuse TRUNCATE (audit migration 0008), and a transactional test's
    flush truncates every table: the test database's owner flushes with triggers off,
    as only an owner can (the attack tests in tests/audit do the same)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        return flush(self, ["SET LOCAL session_replication_role = replica", *sql_list])

    DatabaseOperations.execute_sql_flush = execute_sql_flush


@pytest.fixture(autouse=True)
def _real_services_for_marked_tests(request):
    if request.node.get_closest_marker("postgres"):
        require(connection.vendor == "postgresql", "PostgreSQL is not configured (DATABASE_URL)")
    if request.node.get_closest_marker("redis"):
        require(bool(os.environ.get("PORTAL_TEST_REDIS_URL")), "Redis is not reachable")
    if request.node.get_closest_marker("browser"):
        require(os.path.exists(CHROMIUM), f"{CHROMIUM} is not installed")


@pytest.fixture(autouse=True)
def _two_factor_only_when_marked(request, settings):
    if not request.node.get_closest_marker("two_factor"):
        settings.PORTAL_2FA_REQUIRED_ROLES = []


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploads and generated PDFs go to a throw-away folder per test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """A transactional test flushes the database and recreates content types with new ids;
    the process-wide ContentType cache would still hand out the old ones (the audit log
    refers to content types), so each test starts with an empty cache."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@contextlib.contextmanager
def default_language():
    """The portal's language for the duration: a request in English (LocaleMiddleware
    activates the reader's language and leaves it active in the thread) must not turn a
    later test's messages English."""
    translation.activate(settings.LANGUAGE_CODE)
    try:
        yield
    finally:
        translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _default_language():
    with default_language():
        yield


DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(autouse=True)
def _data_migration_rows(request):
    """Every test that uses the database finds the rows data migrations load (the 26
    jurisdictions, the 2018 measures): a transactional test flushes them, and in random order any test may
    come next (seed_demo, a page that lists jurisdictions, …)."""
    if request.node.get_closest_marker("django_db") is None and not (
        DB_FIXTURES & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from policy import selectors
    from tests.factories import jurisdiction, policy_v1

    jurisdiction()  # loads the migration's rows when they are missing
    policy_v1()  # likewise the 2018 measures (policy version 1)
    # The published versions are cached per process (policy.selectors) and a test's rows
    # go with it: each test reads them afresh, before it counts any query.
    selectors.forget()
    selectors.published()


@pytest.fixture(autouse=True)
def _empty_cache():
    """No test sees what another left in Django's cache (axes, anything a later change
    caches), nor the API's rate-limit counts."""
    from django.core.cache import caches

    for alias in ("default", "throttle"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cjk_font():
    """PDF tests need a CJK font, or every Chinese character renders as an empty box."""
    fonts = ""
    if shutil.which("fc-list"):
        fonts = subprocess.run(
            ["fc-list", ":lang=zh"], capture_output=True, text=True, check=False
        ).stdout
    require(bool(fonts.strip()), "no CJK font installed (fonts-noto-cjk)")


# --- Playwright against Debian's Chromium ---------------------------------------------


@pytest.fixture
def admin_client(client):
    """A client signed in as the system administrator (the portal's role, not Django's
    superuser that pytest-django's own ``admin_client`` makes), who is ``client.admin``."""
    from tests.factories import AdminFactory

    client.admin = AdminFactory()
    client.force_login(client.admin)
    return client


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # `playwright install` cannot download browsers here: drive Debian's Chromium, with
    # the background-networking flags or it floods the closed network.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


SIGNING_PASSWORD = "test-signing-password"


@pytest.fixture(scope="session", autouse=True)
def signing_ca(tmp_path_factory, django_db_setup, django_db_blocker):
    """A demo CA (make_demo_signing_ca) in a temporary folder, for the whole session: every
    document a test issues is signed as in production, by its body's certificate. Yields
    the folder (root.pem, <body>.p12, <body>.png)."""
    from django.test import override_settings

    from accounts.issuing_bodies import issuing_bodies
    from core.signing_ca import make_demo_ca

    directory = tmp_path_factory.mktemp("signing")
    with django_db_blocker.unblock():
        bodies = issuing_bodies()
    make_demo_ca(directory, bodies, SIGNING_PASSWORD)
    with override_settings(
        PORTAL_SIGNING_DIR=directory,
        PORTAL_SIGNING_PASSWORD=SIGNING_PASSWORD,
        PORTAL_SIGNING_TRUST_ROOTS=directory / "root.pem",
        PORTAL_SIGNING_TSA_URL="",
    ):
        yield directory


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections(django_db_setup, django_db_blocker):
    """Servers and workers started by tests (gunicorn, Celery) close their connections as
    they exit, but PostgreSQL may still count one for a moment: dropping the test database
    would then fail ("being accessed by other users"). End them before the drop."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def pytest_terminal_summary(terminalreporter, config):
    """The order's seed, even with -q (pytest-randomly prints it only in the header): a
    failure that depends on order is replayed with ``--randomly-seed=…``."""
    seed = getattr(config.option, "randomly_seed", None)
    if seed is not None:
        terminalreporter.write_line(
            f"random order seed: {seed} (replay: scripts/test.sh --randomly-seed={seed})"
        )
