"""The idle-logout warning's two requests (static/js/idle.js, issue 17: no time limit a
user cannot extend). Two minutes before the 30 idle minutes run out the page asks; 继续使用
posts to ``keep_alive``, and when the time is up the page posts to ``session_ended``."""

from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.middleware import SessionIdleMiddleware

from ..signals import IDLE_LOGOUT
from .two_factor import next_url


@never_cache
@require_POST
def keep_alive(request):
    """Push the session's expiry forward now. SessionIdleMiddleware would push it at most
    once a minute, so a click 90 s before the end could otherwise leave it as it was.
    Answers JSON: the script learns whether the session is still there (it may have been
    ended elsewhere: logout in another tab, the security administrator)."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    SessionIdleMiddleware.touch(request.session)
    return JsonResponse({"signed_in": True, "idle_seconds": settings.SESSION_IDLE_MINUTES * 60})


@require_POST
def session_ended(request):
    """The idle time ran out in the browser: end the session now (the server's copy would
    live up to a minute longer, SESSION_COOKIE_AGE) and say why on the login page, which
    leads back to the page the user was on.

    The page counts only the requests it saw (its own, and other tabs' through
    localStorage): when the server saw one since (a download, a tab without storage), the
    session is in use and stays; the page is shown again."""
    going_to = next_url(request)
    if request.user.is_authenticated:
        idle_enough = settings.SESSION_IDLE_MINUTES * 60 - settings.SESSION_REFRESH_SECONDS
        if SessionIdleMiddleware.idle_seconds(request.session) < idle_enough:
            return HttpResponseRedirect(going_to)
        request.portal_logout_reason = IDLE_LOGOUT
        auth.logout(request)
    messages.info(
        request,
        _("由于超过%(minutes)s分钟没有操作，您已自动退出登录。请重新登录。")
        % {"minutes": settings.SESSION_IDLE_MINUTES},
    )
    return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': going_to})}")
