from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    """The measures the portal applies, as data: versions, their articles and the rule set
    (parameters, conditions, materials, grounds, event kinds, criteria) each carries."""

    name = "policy"
    verbose_name = _("政策版本")
