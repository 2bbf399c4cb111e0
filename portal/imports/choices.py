"""What a drop-down of the import workbook offers, and how a cell's text maps back to the
value stored: a label (as the template offers it) or the stored key itself."""

from django.utils.translation import gettext as _

from accounts.models import Jurisdiction, Organisation
from filings.models import Alliance, AllianceMember
from policy import selectors as policy_selectors
from policy.models import Ground

YES = ("是", "Y", "YES", "TRUE", "1", "已签署")
NO = ("否", "N", "NO", "FALSE", "0", "未签署")


def _category_titles() -> dict[str, str]:
    """Every title any published version gives a category, and each key, to its key."""
    found = {}
    for version in policy_selectors.published():
        for row in policy_selectors.categories(version):
            found.setdefault(row.title, row.key)
            found.setdefault(row.key, row.key)
    for key, title in policy_selectors.category_choices():
        found.setdefault(title, key)
    return found


def _ground_texts() -> dict[str, str]:
    found = {}
    for ground in Ground.objects.filter(version__in=policy_selectors.published()):
        found.setdefault(ground.text, ground.key)
        found.setdefault(ground.key, ground.key)
    return found


def list_titles() -> dict[str, str]:
    """Each list's heading on the template's hidden sheet (a person who unhides it reads
    Chinese, not the lists' internal names)."""
    return {
        "kinds": _("单位类型"),
        "industries": _("所属行业"),
        "jurisdictions": _("所在县（市、区）/开发区"),
        "categories": _("联盟类别"),
        "statuses": _("状态"),
        "grounds": _("取消备案情形"),
        "roles": _("联盟内角色"),
        "yesno": _("是/否"),
    }


def lists() -> dict[str, list[str]]:
    """The drop-down lists of the template, by name (``Column.choices``)."""
    shown = policy_selectors.shown()
    return {
        "kinds": [str(label) for label in Organisation.Kind.labels],
        "industries": [str(label) for label in Organisation.Industry.labels],
        "jurisdictions": list(Jurisdiction.objects.values_list("name", flat=True)),
        "categories": [title for _key, title in policy_selectors.category_choices()],
        "statuses": [str(Alliance.Status.FILED.label), str(Alliance.Status.REVOKED.label)],
        "grounds": [g.text for g in shown.grounds.all()] if shown else [],
        "roles": [str(label) for label in AllianceMember.Role.labels],
        "yesno": [_("是"), _("否")],
    }


class Lookups:
    """Built once per import: label → stored value for every listed column."""

    def __init__(self):
        self.kinds = _labels(Organisation.Kind)
        self.industries = _labels(Organisation.Industry)
        self.roles = _labels(AllianceMember.Role)
        self.statuses = {
            str(Alliance.Status.FILED.label): Alliance.Status.FILED,
            Alliance.Status.FILED.value: Alliance.Status.FILED,
            str(Alliance.Status.REVOKED.label): Alliance.Status.REVOKED,
            Alliance.Status.REVOKED.value: Alliance.Status.REVOKED,
        }
        self.jurisdictions = {}
        for j in Jurisdiction.objects.all():
            self.jurisdictions[j.name] = j
            self.jurisdictions[j.code] = j
        self.categories = _category_titles()
        self.grounds = _ground_texts()


def _labels(choices) -> dict:
    found = {str(label): value for value, label in choices.choices}
    found.update({value: value for value in choices.values})
    return found
