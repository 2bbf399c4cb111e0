#!/usr/bin/env bash
# Runs the portal with demo data at http://127.0.0.1:8000 (SQLite, eager Celery, console
# e-mail unless the environment says otherwise) and prints a login for each role.
source "$(dirname "$0")/_setup.sh"
install_system_packages "${PDF_PACKAGES[@]}" gettext
ensure_venv
mkdir -p var
# Demo accounts log in with their password alone, so that anyone can try every role; set
# PORTAL_2FA_REQUIRED_ROLES (e.g. municipal_staff,county_reviewer,evaluator,admin, the
# production default) to try two-factor login as well.
export PORTAL_2FA_REQUIRED_ROLES="${PORTAL_2FA_REQUIRED_ROLES-}"
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py seed_demo
[ -z "$PORTAL_2FA_REQUIRED_ROLES" ] && echo ">> two-factor login is off in this demo (PORTAL_2FA_REQUIRED_ROLES)"
echo ">> http://127.0.0.1:8000/  (Ctrl-C stops)"
exec .venv/bin/python manage.py runserver "${PORT:-127.0.0.1:8000}"
