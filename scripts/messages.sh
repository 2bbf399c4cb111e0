#!/usr/bin/env bash
# Refresh the catalogues after changing user-facing strings. Source strings are Chinese,
# so the zh_Hans catalogue is the identity (msgen); English is translated by hand in
# locale/en/LC_MESSAGES/django.po.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py makemessages -l zh_Hans -l en --no-obsolete \
  --ignore=.venv --ignore=var --ignore=tests --ignore=static/vendor -v 0
po=locale/zh_Hans/LC_MESSAGES/django.po
msgen "$po" -o "$po.tmp" && mv "$po.tmp" "$po"
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0
