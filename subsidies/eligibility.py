"""Art. 15: only filed alliances in good standing may apply for an operating subsidy."""

from django.utils.translation import gettext as _


def eligibility_problems(alliance, round_) -> list[str]:
    """Each reason ``alliance`` may not apply in ``round_``, in words the lead unit can act on."""
    from supervision.models import AnnualSummary, RevocationCase

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
    filed_before = alliance.filed_on is not None and alliance.filed_on.year <= last_year
    if (
        filed_before
        and not AnnualSummary.objects.filter(
            alliance=alliance, year=last_year, state=AnnualSummary.State.ACCEPTED
        ).exists()
    ):
        problems.append(
            _("%(year)s年度工作总结尚未被市科技局受理；受理后方可申请（第十二条）。")
            % {"year": last_year}
        )
    return problems
