import time

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class ClientAddressMiddleware:
    """Every audit entry written while a request is handled carries the client's address
    (``core.client_ip``: behind the TLS proxy the client's, not the proxy's), so that the
    operation log can say where an action came from without each service being handed
    the request (services take plain data). Placed first: the login signals, the
    download audit and every view run inside it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from audit.models import client_address

        from .client_ip import client_ip

        with client_address(client_ip(request)):
            return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body exceeds ``PORTAL_MAX_REQUEST_BYTES`` before
    anything reads it (CSRF checks read POST bodies): otherwise a 150 MB body is received
    and spooled whole before the 20 MB upload check says no. The reverse proxy enforces
    the same limit in front (docs/operations.md); this is the portal's own guard."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest(_("请求格式不正确。"))
        if declared > settings.PORTAL_MAX_REQUEST_BYTES:
            page = loader.get_template("413.html").render(
                {"limit_mb": settings.PORTAL_MAX_REQUEST_BYTES // (1024 * 1024)}
            )
            response = HttpResponse(page, status=413)
            # The body is never read: the connection ends with the answer. Not under the
            # development server (the demo's runserver), whose wsgiref refuses hop-by-hop
            # headers with a 500; it closes such a connection anyway.
            if not request.META.get("SERVER_SOFTWARE", "").startswith("WSGIServer"):
                response["Connection"] = "close"
            return response
        return self.get_response(request)


class DownloadAuditMiddleware:
    """Who downloaded which private file, when (等保2.0 security audit): every response
    built by ``core.downloads.attachment_response`` for a signed-in user is logged, so a
    new download page cannot forget it."""

    label = gettext_lazy("下载文件")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        filename = getattr(response, "audit_filename", None)
        user = getattr(request, "user", None)
        if filename and response.status_code == 200 and user and user.is_authenticated:
            from audit.models import record

            record(
                subject=None,
                action="download",
                action_label=self.label,
                actor=user,
                reason=f"{filename} {request.path}",
            )
        return response


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy header (Django 5.2 has none built in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class RejectNullBytesMiddleware:
    """A NUL byte is never legitimate form input, and PostgreSQL refuses to store it:
    answer 400 with a message instead of failing deep inside a view (found by fuzzing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [v for key in request.GET for v in request.GET.getlist(key)]
        if request.method == "POST":
            values += [v for key in request.POST for v in request.POST.getlist(key)]
        if any("\x00" in value for value in values):
            return HttpResponseBadRequest(_("提交的内容包含不允许的控制字符，请检查后重新输入。"))
        return self.get_response(request)


class SessionIdleMiddleware:
    """Idle expiry without writing the session on every request (等保2.0 session timeout).

    A signed-in session's expiry is pushed forward when more than
    ``SESSION_REFRESH_SECONDS`` have passed since it was last pushed: one write a minute
    at most instead of one per request. Placed right after SessionMiddleware, so the
    session it marks modified is saved by SessionMiddleware on the way out."""

    KEY = "_idle_refreshed"

    @classmethod
    def touch(cls, session) -> None:
        """Marks the session active now: modified, so saved with a new expiry."""
        session[cls.KEY] = int(time.time())

    @classmethod
    def idle_seconds(cls, session) -> int:
        """At least this long since the session's last request (its last push forward; a
        request since may be up to ``SESSION_REFRESH_SECONDS`` later)."""
        return int(time.time()) - session.get(cls.KEY, 0)

    @classmethod
    def signed_in(cls, sender, request, user, **kwargs):
        """Logging in writes the session anyway: it counts as the first refresh."""
        if request is not None and hasattr(request, "session"):
            cls.touch(request.session)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.get("_auth_user_id"):
            return response
        if self.idle_seconds(session) >= settings.SESSION_REFRESH_SECONDS:
            self.touch(session)
        return response
