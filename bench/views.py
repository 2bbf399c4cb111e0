"""Two views that do nothing, for bench/run.py, against which the real pages are compared.

* ``trivial``: the request/response cycle alone (gunicorn, middleware, URL resolution):
  no database, no session, no template.
* ``trivial_page``: the same cycle plus what every portal page pays before doing its own
  work: the visitor's session and user (when signed in) and the base layout with its
  navigation, rendered around an empty content block.
"""

from django.http import HttpResponse
from django.shortcuts import render


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


def trivial_page(request):
    return render(request, "bench/trivial_page.html")
