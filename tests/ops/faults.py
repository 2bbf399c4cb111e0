"""Helpers for the fault tests: a private Redis we may stop, and a real worker we may kill."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0, *, up: bool = True):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise TimeoutError(f"port {port} did not come {'up' if up else 'down'}")


class PrivateRedis:
    """redis-server on a free loopback port, with an append-only file so queued messages
    survive a restart (as in docker-compose.yml)."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.dir = directory
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(10)
        wait_for_port(self.port, up=False)


def start_worker(
    *, database_name: str, broker: str, mail_dir: Path, extra_env=None
) -> subprocess.Popen:
    """A real `celery worker` process on the test database, writing e-mails to files."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database_name}",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # django-environ drops one leading slash of the path: four slashes for an absolute one.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "DJANGO_LOG_LEVEL": "INFO",
        **(extra_env or {}),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "alliance_portal",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=open(mail_dir.parent / "worker.log", "ab"),  # noqa: SIM115 - kept for the test's life
    )


def mails(mail_dir: Path) -> list[str]:
    """Every message the file backend wrote (one file per connection, messages separated)."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        found += [m for m in path.read_text().split("-" * 79) if m.strip()]
    return found
