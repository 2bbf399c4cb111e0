#!/usr/bin/env bash
# Refresh the catalogues after changing user-facing strings. Source strings are Chinese,
# so the zh_Hans catalogue is the identity; English is translated by hand in
# locale/en/LC_MESSAGES/django.po. Prints the counts of fuzzy and untranslated English entries.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py makemessages -l zh_Hans -l en --no-obsolete \
  --ignore=.venv --ignore=var --ignore=tests --ignore=static/vendor -v 0
# Chinese is the source language: the zh_Hans catalogue maps every string to itself.
.venv/bin/python scripts/zh_identity.py locale/zh_Hans/LC_MESSAGES/django.po
# New English entries arrive empty or fuzzy: translate them (tests/portal/test_i18n.py checks).
msgattrib --only-fuzzy --no-wrap locale/en/LC_MESSAGES/django.po | grep -c '^msgid' || true
msgattrib --untranslated --no-wrap locale/en/LC_MESSAGES/django.po | grep -c '^msgid' || true
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0
