"""django-axes (login throttling and lockouts), installed under a Chinese name: its app
config has none, so the Django admin headed its lockout list "Axes"."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class LockoutsConfig(AxesAppConfig):
    verbose_name = _("登录锁定")
