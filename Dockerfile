# One image, several commands: web (gunicorn), worker and beat (celery).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# PDFs: Pango for WeasyPrint, a CJK font, and HarfBuzz's subsetter (~0.2 s per PDF
# instead of ~8 s without it).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY alliance_portal ./alliance_portal
COPY audit ./audit
COPY core ./core
COPY policy ./policy
COPY accounts ./accounts
COPY filings ./filings
COPY supervision ./supervision
COPY subsidies ./subsidies
COPY portal ./portal
COPY demo ./demo
RUN pip install --no-cache-dir ".[s3]"
COPY . .
RUN DJANGO_SECRET_KEY=build-only-not-secret DJANGO_DEBUG=false python manage.py collectstatic --no-input -v 0 \
 && python manage.py compilemessages -v 0 --ignore=.venv \
 && useradd --system --home /app portal && mkdir -p /app/var/private && chown -R portal /app/var
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
CMD ["gunicorn", "alliance_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
