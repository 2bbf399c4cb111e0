"""Login and passwords; every password change and reset is audited (signals.py). After
the password, a user who owes a second factor goes to the enrol or code page
(accounts.two_factor), carrying where they were going."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from core import throttle
from core.client_ip import client_ip

from .. import two_factor
from ..forms import LoginForm, PasswordResetForm
from ..signals import password_changed, password_reset_requested
from .two_factor import step_url


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self):
        going_to = super().get_success_url()  # already checked against other hosts
        step = two_factor.pending_step(self.request.user)
        return step_url(step, going_to) if step else going_to


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("portal:home")

    def get_context_data(self, **kwargs):
        # The account's security in one place: the menu's "修改密码" leads here.
        enrolled = two_factor.is_enrolled(self.request.user)
        return super().get_context_data(two_factor_enrolled=enrolled, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        password_changed.send(
            sender=type(self), user=user, by=user, how="change", request=self.request
        )
        messages.success(self.request, _("密码已修改。"))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm  # the e-mail is queued, not sent while the visitor waits
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        address = client_ip(self.request)
        # A limit per address and per e-mail address, whether or not an account has it
        # (the answer must not tell which addresses are registered).
        if not (
            throttle.allowed("reset-address", address)
            and throttle.allowed("reset-account", email.lower())
        ):
            form.add_error(None, _("重置密码的请求过于频繁，请1小时后再试。"))
            return self.form_invalid(form)
        throttle.count("reset-address", address)
        throttle.count("reset-account", email.lower())
        # The accounts Django's form e-mails (active, with a usable password).
        users = list(form.get_users(email))
        response = super().form_valid(form)
        password_reset_requested.send(
            sender=type(self), email=email, users=users, request=self.request
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        password_changed.send(
            sender=type(self), user=user, by=user, how="reset", request=self.request
        )
        return response
