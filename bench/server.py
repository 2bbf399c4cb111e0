"""Environment, static files, gunicorn start/stop and the broker, for the benchmarks.

``server_env`` gives gunicorn production-like settings, ``collect_static`` collects the
static files they need, ``Gunicorn`` runs gunicorn on 127.0.0.1 (a free port) and stops it
with its workers; ``broker_available`` and ``purge_broker`` for the Redis broker the tasks
may be queued to. Shared by bench/run.py, bench/load.py and tests/ops/test_load_short.py.
"""

import http.client
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from client import HOST, REQUEST_TIMEOUT, Client

ROOT = Path(__file__).resolve().parents[1]
BROKER_KEYS = ("celery", "unacked", "unacked_index", "unacked_mutex")


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
        DJANGO_SETTINGS_MODULE="bench.settings",
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
