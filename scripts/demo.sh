#!/usr/bin/env bash
# Runs the portal with demo data at http://127.0.0.1:8000 (SQLite, eager Celery, console
# e-mail unless the environment says otherwise) and prints a login for each role.
source "$(dirname "$0")/_setup.sh"
install_system_packages "${PDF_PACKAGES[@]}" gettext
ensure_venv
mkdir -p var
# The demo runs as production does — DEBUG off: the portal's own 404 and 500 pages, never
# Django's debug page with its URL list; static files from WhiteNoise — but over plain http
# on 127.0.0.1 (PORTAL_HTTPS=false), with keys made once for this checkout and kept in var/.
if [ ! -f var/demo-keys.env ]; then
  (umask 077; .venv/bin/python - > var/demo-keys.env <<'PY'
import secrets
print(f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"PORTAL_AUDIT_CHAIN_KEY={secrets.token_urlsafe(48)}")
PY
  )
fi
# The password of the demo's signing keys (var/signing), added to a key file made before.
grep -q '^PORTAL_SIGNING_PASSWORD=' var/demo-keys.env ||
  .venv/bin/python -c 'import secrets; print(f"PORTAL_SIGNING_PASSWORD={secrets.token_urlsafe(24)}")' >> var/demo-keys.env
set -a; source var/demo-keys.env; set +a
export DJANGO_DEBUG="${DJANGO_DEBUG-false}" PORTAL_HTTPS="${PORTAL_HTTPS-false}"
export DJANGO_LOG_FORMAT="${DJANGO_LOG_FORMAT-plain}"
# Entries a demo sealed earlier with the development key stay verifiable.
export PORTAL_AUDIT_CHAIN_OLD_KEYS="${PORTAL_AUDIT_CHAIN_OLD_KEYS-dev-only-audit-chain-key-not-for-production}"
# Demo accounts log in with their password alone, so that anyone can try every role; set
# PORTAL_2FA_REQUIRED_ROLES (e.g. municipal_staff,county_reviewer,evaluator,admin, the
# production default) to try two-factor login as well.
export PORTAL_2FA_REQUIRED_ROLES="${PORTAL_2FA_REQUIRED_ROLES-}"
# Where the public 公示 says objections go: placeholders for the demo only (production sets
# the bureau's real address and phone; `check --deploy` warns while they are empty).
export PORTAL_OBJECTION_ADDRESS="${PORTAL_OBJECTION_ADDRESS-保定市科学技术局（演示地址，以正式公示为准）}"
export PORTAL_OBJECTION_PHONE="${PORTAL_OBJECTION_PHONE-0312-0000000（演示）}"
# Every issued document is signed (core.signing): a local CA with a certificate and a seal
# per issuing body, made once in var/signing after the jurisdictions exist. With DEBUG off
# a missing certificate fails the system check, so migrate skips it this once.
.venv/bin/python manage.py migrate --no-input -v 0 --skip-checks
.venv/bin/python manage.py make_demo_signing_ca
.venv/bin/python manage.py seed_demo
.venv/bin/python manage.py collectstatic --no-input -v 0
[ -z "$PORTAL_2FA_REQUIRED_ROLES" ] && echo ">> two-factor login is off in this demo (PORTAL_2FA_REQUIRED_ROLES)"
echo ">> http://127.0.0.1:8000/  (Ctrl-C stops)"
exec .venv/bin/python manage.py runserver "${PORT:-127.0.0.1:8000}"
