"""The portal's password rules, with messages a Chinese page can show.

Django 5.2 reworded the short-password error (``%d`` instead of ``%(min_length)d``) and
its zh-hans catalog still has the old wording, so that one message reached every Chinese
page in English: the invitation link, the password reset and the password change. The
length rule is Django's; only its message is ours (``AUTH_PASSWORD_VALIDATORS``).
"""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return _("密码太短：至少需要%(min)d位。") % {"min": self.min_length}
