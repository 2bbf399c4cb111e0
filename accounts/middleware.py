"""Until a signed-in user has given the second factor this session, only the pages that
get it answer (accounts.two_factor): the enrol and code pages, logout and the language
switch. Any other page redirects there (keeping where the user was going); any other
POST is refused. Static files never reach this (WhiteNoise serves them first), nor do
URLs that resolve to nothing (404)."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from . import preferences, two_factor
from .models import Role

OPEN_WHILE_PENDING = {
    two_factor.ENROL,
    two_factor.VERIFY,
    "accounts:logout",
    "accounts:keep_alive",
    "accounts:session_ended",
    "accounts:elder_mode",
    "set_language",
}


class TwoFactorMiddleware:
    """After AuthenticationMiddleware and django-otp's OTPMiddleware (``is_verified``).
    Sets ``request.two_factor_step`` (None when nothing is owed) for the templates."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        step = two_factor.pending_step(request.user)
        request.two_factor_step = step
        if step is None or request.resolver_match.view_name in OPEN_WHILE_PENDING:
            return None
        url = reverse(step)
        if request.method not in ("GET", "HEAD"):
            # A pending user has seen no other form (unless reset by an administrator
            # meanwhile): the page says what to do, nothing is saved half-verified.
            return render(
                request, "accounts/two_factor/refused.html", {"step_url": url}, status=403
            )
        htmx = getattr(request, "htmx", None)
        going_to = (htmx.current_url_abs_path if htmx else None) or request.get_full_path()
        url = f"{url}?{urlencode({'next': going_to})}"
        if htmx:
            return HttpResponseClientRedirect(url)  # the whole page, not into a fragment
        return redirect(url)


#: What the security auditor reaches: the log screens and their exports, the home page,
#: the inbox, the account's own password and two-factor pages, and what anyone may read.
AUDITOR_NAMESPACES = {"logs", "registry"}
AUDITOR_PAGES = {
    "portal:home",
    "portal:export_detail",
    "portal:export_download",
    "portal:inbox",
    "portal:notification",
    "portal:mark_read",
    "portal:mark_all_read",
    "portal:email_preference",
    "accounts:login",
    "accounts:logout",
    "accounts:keep_alive",
    "accounts:session_ended",
    "accounts:elder_mode",
    "accounts:password_change",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "accounts:two_factor",
    "accounts:two_factor_enrol",
    "accounts:two_factor_verify",
    "accounts:two_factor_backup_codes",
    "subsidies:results",
    "subsidies:round_results",
    "set_language",
    "healthz",
}


def auditor_may_open(view_name: str, namespace: str) -> bool:
    return namespace in AUDITOR_NAMESPACES or view_name in AUDITOR_PAGES


#: What the security administrator reaches: their four pages (lockouts, two-factor resets,
#: sessions, the password policy), and the same account, inbox and public pages as the
#: auditor, but no log screen and no export job (they ask for none).
SECURITY_ADMIN_NAMESPACES = {"security", "registry"}
SECURITY_ADMIN_PAGES = AUDITOR_PAGES - {"portal:export_detail", "portal:export_download"}


def security_admin_may_open(view_name: str, namespace: str) -> bool:
    return namespace in SECURITY_ADMIN_NAMESPACES or view_name in SECURITY_ADMIN_PAGES


#: Roles confined to an allow-list, and the test each page must pass.
CONFINED = {
    Role.AUDITOR: auditor_may_open,
    Role.SECURITY_ADMIN: security_admin_may_open,
}


class AuditorScopeMiddleware:
    """The security auditor (安全审计员) reads the logs and nothing else, and the security
    administrator (安全管理员) manages lockouts, two-factor resets and sessions and nothing
    else: any other page — a business record, a list, a log, the Django admin — answers
    403, whatever the view's own checks would say (they refuse these roles too; this keeps
    a new page from forgetting to). After TwoFactorMiddleware: a user still owing the
    second factor is sent to give it first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        may_open = CONFINED.get(user.effective_role)
        if may_open is None:
            return None
        match = request.resolver_match
        if may_open(match.view_name, match.namespace):
            return None
        raise PermissionDenied


class ElderModeMiddleware:
    """Sets ``request.elder_mode`` for base.html (the class on <html>), and keeps the
    cookie in step with a signed-in user's stored choice, so that the choice survives
    logout and the account's choice wins at login, unless the browser's was made while
    signed out (accounts.preferences). After AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _signed_in(request):
        """The signed-in user, having adopted a choice made on this browser while signed
        out (switched on at the login page, then logged in: kept); else None."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        chosen = preferences.visitor_choice(request)
        if chosen is not None:
            preferences.user_set_elder_mode(user=user, on=chosen)
        return user

    def __call__(self, request):
        was_signed_in = self._signed_in(request) is not None
        request.elder_mode = preferences.elder_mode_for(request)
        response = self.get_response(request)
        # The user as the view left them: a login or logout in this request counts. The
        # browser's choice is adopted once, at the login; a signed-in request's switch
        # (the view stored it) is not undone by the cookie the request came with.
        user = request.user if was_signed_in else self._signed_in(request)
        if user is not None and not user.is_authenticated:
            user = None
        if user is not None:
            stored = bool(user.elder_mode)
            if request.COOKIES.get(preferences.COOKIE) != (
                preferences.ON if stored else preferences.OFF
            ):
                preferences.remember_in_cookie(response, stored)
        return response
