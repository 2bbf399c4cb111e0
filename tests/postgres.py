"""Databases beside the test database on the same PostgreSQL server, for tests that run
the portal's own commands (backup, restore, seed_demo) against a real one."""

import uuid
from contextlib import contextmanager
from urllib.parse import quote

import psycopg2
from django.conf import settings


def _server():
    db = settings.DATABASES["default"]
    return db["USER"], db["PASSWORD"] or "", db["HOST"] or "127.0.0.1", db["PORT"] or 5432


def url(name: str) -> str:
    """A DATABASE_URL for the database ``name`` on the test server."""
    user, password, host, port = _server()
    secret = f":{quote(password, safe='')}" if password else ""
    return f"postgres://{quote(user, safe='')}{secret}@{host}:{port}/{name}"


def connect(name: str):
    user, password, host, port = _server()
    return psycopg2.connect(dbname=name, user=user, password=password or None, host=host, port=port)


def admin(sql: str):
    conn = connect("postgres")
    conn.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


@contextmanager
def throwaway_database(prefix: str):
    """A new empty database, dropped afterwards (with whatever still holds it open)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def row_counts(name: str, tables=None) -> dict[str, int]:
    """Rows per table of the database ``name``: ``tables``, or every table it has."""
    conn = connect(name)
    try:
        with conn.cursor() as cur:
            if tables is None:
                cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                tables = sorted(row[0] for row in cur.fetchall())
            counts = {}
            for table in tables:
                cur.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - table names
                counts[table] = cur.fetchone()[0]
            return counts
    finally:
        conn.close()
