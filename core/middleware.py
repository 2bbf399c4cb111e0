import time

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


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
    def signed_in(cls, sender, request, user, **kwargs):
        """Logging in writes the session anyway: it counts as the first refresh."""
        if request is not None and hasattr(request, "session"):
            request.session[cls.KEY] = int(time.time())

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.get("_auth_user_id"):
            return response
        now = int(time.time())
        if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[self.KEY] = now  # modified: saved with a new expiry
        return response
