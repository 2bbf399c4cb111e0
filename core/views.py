"""Pages every app shares: the error pages and the health check."""

from celery import current_app
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from .downloads import FileMissing


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    # Only our own messages are shown: Django's say which model was looked up.
    message = str(exception) if isinstance(exception, FileMissing) else ""
    return render(request, "404.html", {"message": message}, status=404)


def error_500(request):
    # Nothing may be trusted while handling a server error: render the static page.
    return HttpResponseServerError(loader.get_template("500.html").render())


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # reported, not raised: this page exists to say what is down
        return f"error: {exc.__class__.__name__}"


def _broker() -> str:
    if current_app.conf.task_always_eager:
        return "eager (no broker configured)"
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"


@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 while the database answers, else 503. Only
    administrators see which part is down (and the broker's state: pages keep working
    without it, queued work waits); anyone else learns nothing about the servers."""
    database = _database()
    status = 200 if database == "ok" else 503
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.effective_role == "admin":
        return JsonResponse({"database": database, "broker": _broker()}, status=status)
    return HttpResponse(
        "ok" if status == 200 else "unavailable", status=status, content_type="text/plain"
    )
