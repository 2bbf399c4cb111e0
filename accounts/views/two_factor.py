"""The second step of login (accounts.two_factor): the code page, enrolment with a QR
code drawn here (no external service, no script: CSP allows data: images), the backup
codes (shown once, right after they are made) and the account-security page."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from core.client_ip import client_ip

from .. import two_factor
from ..forms import TwoFactorCodeForm


def next_url(request) -> str:
    """Where the user was going, if it is a path on this site (never another host, and
    never a bare word: redirect() would take it for a view name)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def step_url(step: str, going_to: str) -> str:
    return f"{reverse(step)}?{urlencode({'next': going_to})}"


def _verified(request, device) -> None:
    # More trust than before: a new session key and CSRF token, as at login.
    request.session.cycle_key()
    rotate_token(request)
    otp_login(request, device)
    request.two_factor_step = None  # the page rendered now shows the whole menu


def _step(request):
    if hasattr(request, "two_factor_step"):  # TwoFactorMiddleware worked it out already
        return request.two_factor_step
    return two_factor.pending_step(request.user)


@never_cache
@login_required
def verify(request):
    going_to, step = next_url(request), _step(request)
    if step is None:
        return HttpResponseRedirect(going_to)
    if step == two_factor.ENROL:
        return redirect(step_url(step, going_to))
    form = TwoFactorCodeForm(request.POST or None, backup=True)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.code_verify(
                user=request.user, code=form.cleaned_data["code"], address=client_ip(request)
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            _verified(request, device)
            if isinstance(device, StaticDevice):
                _backup_used(request, device.token_set.count())
            return HttpResponseRedirect(going_to)
    return render(request, "accounts/two_factor/verify.html", {"form": form, "next": going_to})


def _backup_used(request, left: int) -> None:
    text = _("您使用了一个备用码，还剩 %(left)s 个。") % {"left": left}
    if left <= 3:
        text += _("请在“修改密码”页面下方的“管理两步验证和备用码”中重新生成（旧的随即作废）。")
    messages.warning(request, text)


@never_cache  # the page shows the secret
@login_required
def enrol(request):
    user, going_to = request.user, next_url(request)
    if two_factor.is_enrolled(user):
        if _step(request) == two_factor.VERIFY:
            return redirect(step_url(two_factor.VERIFY, going_to))
        messages.info(request, two_factor.ALREADY_ENROLLED)
        return redirect("accounts:two_factor")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = two_factor.enrolment_confirm(
                user=user, code=form.cleaned_data["code"], address=client_ip(request)
            )
        except ValidationError as error:
            form.add_error("code" if isinstance(error, two_factor.CodeRefused) else None, error)
        else:
            _verified(request, device)
            messages.success(request, _("已绑定身份验证器，以后登录时需输入验证码。"))
            return _show_codes(request, codes, going_to)
    try:
        device = two_factor.enrolment_start(user=user)
    except ValidationError as error:  # confirmed meanwhile in another tab
        messages.info(request, error.messages[0])
        return redirect("accounts:two_factor")
    context = {
        "form": form,
        "next": going_to,
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": two_factor.secret_text(device),
        "issuer": settings.OTP_TOTP_ISSUER,
        "required": two_factor.required_for(user),
    }
    return render(request, "accounts/two_factor/enrol.html", context)


def _show_codes(request, codes, going_to):
    # Rendered, not redirected to: the codes are never stored in the session or shown again.
    response = render(
        request, "accounts/two_factor/backup_codes.html", {"codes": codes, "next": going_to}
    )
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def backup_codes(request):
    try:
        codes = two_factor.backup_codes_regenerate(user=request.user, address=client_ip(request))
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("accounts:two_factor")
    messages.success(request, _("已生成新的备用码，原来的备用码全部作废。"))
    return _show_codes(request, codes, reverse("accounts:two_factor"))


@login_required
def security(request):
    user = request.user
    context = {
        "enrolled": two_factor.is_enrolled(user),
        "required": two_factor.required_for(user),
        "backup_left": two_factor.backup_codes_left(user),
    }
    return render(request, "accounts/two_factor/security.html", context)
