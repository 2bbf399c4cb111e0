"""Ranking and awards (Art. 15: 10–50万元 after evaluation, within the round's budget) and
the ranking workbook. The bureau's pages only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.downloads import attachment_response
from core.refusals import REFUSALS, refusal_messages, show_refusal

from .. import selectors, services
from ..aggregation import ranking as rank_applications
from ..aggregation import suggest_awards
from ..exports import ranking_workbook
from ..forms.awards import AwardForm
from ..models import SubsidyRound
from .common import is_open, refusals_of, staff_action, staff_page

# A panel whose totals differ by this many points or more deserves a second look.
SPREAD_WARNING = 15


def _round_for_staff(user, pk) -> SubsidyRound:
    return get_object_or_404(selectors.rounds_visible_to(user), pk=pk)


def _ranking_url(round_id, application_id=None) -> str:
    url = reverse("subsidies:ranking", kwargs={"pk": round_id})
    return f"{url}#application-{application_id}" if application_id else url


def _render_ranking(request, round_, *, suggestions=None, fill=False, bound=None, status=200):
    """The ranking page. ``bound`` is (application id, bound AwardForm) to show a refused
    amount with its error; ``fill`` puts the suggested amounts into the forms."""
    criteria = list(round_.criteria.all())
    ranked = rank_applications(round_)
    sheets = selectors.submitted_sheets(round_, criteria)
    suggestions = suggestions or {}
    rows = []
    for row in ranked:
        application = row.application
        award = getattr(application, "award", None)
        if bound and bound[0] == application.pk:
            form = bound[1]
        else:
            amount = suggestions.get(application.pk) if fill else None
            if amount is None and award is not None:
                amount = award.amount_yuan
            form = AwardForm(initial={"amount": amount}, prefix=f"a{application.pk}")
        rows.append(
            {
                "ranked": row,
                "application": application,
                "award": award,
                "sheets": [s for s in sheets.get(application.pk, []) if s.total is not None],
                "wide": row.spread is not None and row.spread >= SPREAD_WARNING,
                "suggestion": suggestions.get(application.pk),
                "form": form,
            }
        )
    awarded = sum(r["award"].amount_yuan for r in rows if r["award"])
    context = {
        "round": round_,
        "criteria": criteria,
        "rows": rows,
        "awarded": awarded,
        "remaining": round_.budget_yuan - awarded,
        "suggested_total": sum(suggestions.values()),
        "has_suggestions": bool(suggestions),
        "editable": is_open(services.check_award_change, round_=round_, by=request.user),
        "spread_warning": SPREAD_WARNING,
    }
    return render(request, "subsidies/rounds/ranking.html", context, status=status)


@staff_page
@require_safe
def ranking(request, pk):
    return _render_ranking(request, _round_for_staff(request.user, pk))


@require_POST
@staff_action
def awards_suggest(request, pk):
    """Show proposed amounts beside each row; nothing is saved (staff decide each one)."""
    round_ = _round_for_staff(request.user, pk)
    suggestions = suggest_awards(rank_applications(round_), round_)
    if not suggestions:
        messages.info(request, _("没有评审得分达到60分的申请，无建议金额。"))
    return _render_ranking(
        request, round_, suggestions=suggestions, fill=bool(request.POST.get("fill"))
    )


@require_POST
@staff_action
def award_set(request, pk):
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    round_ = application.round
    prefix = f"a{application.pk}"
    data = request.POST.copy()
    if f"{prefix}-amount" not in data and "amount" in data:  # a plain form or a script
        data[f"{prefix}-amount"] = data["amount"]
    form = AwardForm(data, prefix=prefix)
    if form.is_valid():
        try:
            award = services.award_set(
                application=application,
                by=request.user,
                amount_yuan=form.cleaned_data["amount"].strip(),
            )
        except ValidationError as error:
            for text in refusal_messages(error):
                form.add_error("amount", text)
        except REFUSALS as error:
            show_refusal(request, error)
            return redirect(_ranking_url(round_.pk, application.pk))
        else:
            messages.success(
                request,
                _("已确定“%(alliance)s”的补贴金额为%(amount)s元。")
                % {"alliance": application.alliance.name, "amount": f"{award.amount_yuan:,}"},
            )
            return redirect(_ranking_url(round_.pk, application.pk))
    else:
        reasons = refusals_of(
            services.check_award_change, round_=round_, by=request.user, application=application
        )
        if reasons:
            for text in reasons:
                messages.error(request, text)
            return redirect(_ranking_url(round_.pk, application.pk))
    messages.error(
        request,
        _("“%(alliance)s”的补贴金额未保存，请按提示修改。")
        % {"alliance": application.alliance.name},
    )
    return _render_ranking(request, round_, bound=(application.pk, form))


@require_POST
@staff_action
def award_remove(request, round_pk, pk):
    """Withdraw a proposed amount (evaluation stage only): the budget is freed. The round
    is in the URL so that a stale page (the amount already withdrawn) gets an answer."""
    round_ = _round_for_staff(request.user, round_pk)
    award = (
        selectors.awards_visible_to(request.user)
        .filter(application__round=round_, pk=pk)
        .select_related("application__alliance")
        .first()
    )
    if award is None:
        messages.error(request, services.AWARD_GONE)
        return redirect(_ranking_url(round_.pk))
    try:
        amount = services.award_remove(award=award, by=request.user)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("已取消“%(alliance)s”的拟补贴金额（%(amount)s元）。")
            % {"alliance": award.application.alliance.name, "amount": f"{amount:,}"},
        )
    return redirect(_ranking_url(round_.pk, award.application_id))


@staff_page
@require_safe
def ranking_export(request, pk):
    round_ = _round_for_staff(request.user, pk)
    content = ranking_workbook(round_, rank_applications(round_), round_.criteria.all())
    return attachment_response(content, _("%(title)s-评审排名.xlsx") % {"title": round_.title})
