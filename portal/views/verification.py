"""The public verification page of issued documents (issue 18): ``/verify/`` to type a
code, ``/verify/<code>/`` for what the document states and to compare an uploaded copy.
No login. Every lookup counts against the client address's rate (VerifyRateThrottle);
an unknown and a malformed code get the same plain 404, so nothing hints at a near miss."""

from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.verification import grouped, normalise_code, verification_url

from ..api.throttling import VerifyRateThrottle, refused
from ..verification import CompareForm, compare, document_for_code, filing_status_today


def _too_many(request):
    return refused(VerifyRateThrottle(), request, _("核验过于频繁，请在 %(wait)d 秒后重试。"))


def _private(response):
    """What a verification page shows is for whoever holds the document: not indexed by
    search engines (a link that got out would make a 告知书 of an open case findable)
    and not kept in shared caches."""
    add_never_cache_headers(response)
    response.headers["Cache-Control"] += ", private"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _not_found(request):
    return _private(render(request, "verify/start.html", {"not_found": True}, status=404))


@require_safe
def start(request):
    typed = request.GET.get("code")
    if typed is None:
        return _private(render(request, "verify/start.html"))
    # Not counted here: a well-formed code is looked up (and counted) on the page it
    # redirects to; one that cannot be a code touches nothing.
    code = normalise_code(typed)
    if code is None:
        return _not_found(request)
    return redirect("verify:document", code=code)


@require_http_methods(["GET", "HEAD", "POST"])
def document(request, code):
    too_many = _too_many(request)
    if too_many:
        return too_many
    issued = document_for_code(code)
    if issued is None:
        return _not_found(request)
    if code != issued.code:  # typed in lower case or with hyphens: the canonical address
        return redirect("verify:document", code=issued.code)
    comparison = None
    if request.method == "POST":
        form = CompareForm(request.POST, request.FILES)
        if form.is_valid():
            comparison = compare(issued, form.sha256)
    else:
        form = CompareForm()
    context = {
        "document": issued,
        "grouped": grouped(issued.code),
        "url": verification_url(issued.code),
        "status": filing_status_today(issued),
        "form": form,
        "comparison": comparison,
    }
    return _private(render(request, "verify/document.html", context))
