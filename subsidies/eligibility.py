"""Art. 15: only filed alliances in good standing may apply for an operating subsidy, and
only while the round accepts applications."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def window_problem(round_) -> str | None:
    """Why ``round_`` does not accept applications (or changes to them) today, or None."""
    if round_.window_open:
        return None
    state = round_.state
    if state == "open" and round_.opens_on and timezone.localdate() < round_.opens_on:
        return _("本批次%(date)s开始接受申请。") % {
            "date": date_format(round_.opens_on, "DATE_FORMAT")
        }
    if state != "draft" and round_.closes_on and round_.closes_on < timezone.localdate():
        return _("本批次申请已于%(date)s截止，不能再申请或修改。") % {
            "date": date_format(round_.closes_on, "DATE_FORMAT")
        }
    if state != "draft":
        # Applications were closed early (evaluation started before the closing date): a
        # closing date still ahead would read as a mistake, so name the round's stage instead.
        return _("本批次已截止申请（%(stage)s），不能再申请或修改。") % {
            "stage": round_.get_state_display()
        }
    return _("本批次目前不接受申请。")


def eligibility_problems(alliance, round_) -> list[str]:
    """Each reason ``alliance`` may not apply in ``round_``, in words the lead unit can act on."""
    from supervision.models import AnnualSummary, RevocationCase
    from supervision.models.summaries import owes_summary

    problems = []
    if alliance.status == "revoked":
        problems.append(_("该联盟已被取消备案，不能申请运行经费补贴（第十三条）。"))
    elif alliance.status != "filed":
        problems.append(_("只有已备案的联盟可以申请运行经费补贴（第十五条）。"))
    if RevocationCase.objects.filter(
        alliance=alliance, state__in=RevocationCase.OPEN_STATES
    ).exists():
        problems.append(_("该联盟有正在办理的取消备案案件，案件办结前不能申请补贴。"))
    last_year = round_.year - 1
    if (
        owes_summary(alliance, last_year)
        and not AnnualSummary.objects.filter(
            alliance=alliance, year=last_year, state=AnnualSummary.State.ACCEPTED
        ).exists()
    ):
        problems.append(
            _("%(year)s年度工作总结尚未被市科技局受理；受理后方可申请（第十二条）。")
            % {"year": last_year}
        )
    return problems


def apply_problems(alliance, round_) -> list[str]:
    """Everything that stands between ``alliance`` and an application in ``round_`` now."""
    problem = window_problem(round_)
    return ([problem] if problem else []) + eligibility_problems(alliance, round_)
