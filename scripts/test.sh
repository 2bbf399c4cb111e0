#!/usr/bin/env bash
# Runs the whole test suite. On PostgreSQL (127.0.0.1:5432, user postgres) and Redis
# (127.0.0.1:6379) when they answer or DATABASE_URL / PORTAL_TEST_REDIS_URL say where;
# otherwise on SQLite, skipping the tests that need them. With CI=true nothing is skipped:
# a missing service, font or browser fails the run. Extra arguments go to pytest.
source "$(dirname "$0")/_setup.sh"
install_system_packages "${PDF_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_venv

answers() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
if [ -z "${DATABASE_URL:-}" ] && answers 5432; then
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/alliance_portal"
fi
if [ -z "${PORTAL_TEST_REDIS_URL:-}" ] && answers 6379; then
  export PORTAL_TEST_REDIS_URL="redis://127.0.0.1:6379/15"
fi
export DJANGO_ALLOW_ASYNC_UNSAFE=true  # Playwright's sync API runs inside an event loop
echo ">> database: ${DATABASE_URL:-SQLite (embedded default)}; redis: ${PORTAL_TEST_REDIS_URL:-none}"
.venv/bin/python manage.py compilemessages -v 0 --ignore=.venv 2>/dev/null || true
# Two workers: this machine kind has two cores (pytest-xdist gives each its own database).
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
