"""A view that does nothing, for bench/run.py: the cost of the request/response cycle
(gunicorn, middleware, URL resolution) without database, session or template, against
which the real pages are compared."""

from django.http import HttpResponse


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")
