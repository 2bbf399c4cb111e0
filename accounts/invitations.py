"""The link in a unit administrator's invitation that lets a new colleague set a password.

Django's password-reset token with a salt of its own (a reset link cannot be used as an
invitation, nor the other way round) and its own validity (``PORTAL_INVITATION_DAYS``).
The token hashes the password, so it dies once the password is set, and when the
invitation is sent again (a new unusable password); it hashes ``is_active`` too, so a
colleague removed before accepting cannot use it.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.invitations.InvitationTokenGenerator"

    @staticmethod
    def validity_seconds() -> int:
        return settings.PORTAL_INVITATION_DAYS * 24 * 3600

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"

    def check_token(self, user, token):
        # Django's check reads PASSWORD_RESET_TIMEOUT; an invitation has its own validity.
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - timestamp <= self.validity_seconds()


invitation_tokens = InvitationTokenGenerator()


def invitation_path(user) -> str:
    """The path of a fresh link for ``user`` (made when the e-mail is built)."""
    return reverse(
        "accounts:invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_tokens.make_token(user),
        },
    )


def invitation_url(user) -> str:
    return f"{settings.PORTAL_BASE_URL}{invitation_path(user)}"
