from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from alliance_portal.celery import app as celery_app


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # reported, not raised: this page exists to say what is down
        return f"error: {exc.__class__.__name__}"


def _broker() -> str:
    if celery_app.conf.task_always_eager:
        return "eager (no broker configured)"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"


@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 while the database answers (the broker's
    state is reported: pages keep working without it, queued work waits)."""
    state = {"database": _database(), "broker": _broker()}
    return JsonResponse(state, status=200 if state["database"] == "ok" else 503)
