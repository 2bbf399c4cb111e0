from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data (`manage.py seed_demo`): invented organisations, users and alliances walked
    through the real services. On top of every app; nothing but the command, the tests and
    the bench imports it."""

    name = "demo"
    verbose_name = _("演示数据")
