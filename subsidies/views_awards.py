"""Ranking and awards (Art. 15: 10–50万元 after evaluation, within the round's budget), the
public notice's objections, disbursement, and the award notice PDF.

Staff only, except the award notice, which the lead unit of the alliance may download.
Routed through ``views_rounds`` (see ``urls.py``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Role
from accounts.permissions import STAFF_ROLES

from . import selectors, services
from .aggregation import ranking as rank_applications
from .aggregation import suggest_awards
from .exports import ranking_workbook, submitted_sheets
from .forms import AwardForm, DisbursementForm, ObjectionForm, ResolveForm
from .models import Application, Award, Objection, SubsidyRound
from .views_common import (
    REFUSALS,
    file_download,
    refusal_messages,
    show_refusal,
    staff_action,
    staff_page,
)

# A panel whose totals differ by this many points or more deserves a second look.
SPREAD_WARNING = 15
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _round_for_staff(user, pk) -> SubsidyRound:
    return get_object_or_404(selectors.rounds_visible_to(user), pk=pk)


def _award_for_user(user, pk) -> Award:
    return get_object_or_404(
        Award.objects.filter(
            application__in=selectors.applications_visible_to(user)
        ).select_related("application__round", "application__alliance__lead_unit"),
        pk=pk,
    )


def _render_ranking(request, round_, *, suggestions=None, fill=False, bound=None, status=200):
    """The ranking page. ``bound`` is (application id, bound AwardForm) to show a refused
    amount with its error; ``fill`` puts the suggested amounts into the forms."""
    criteria = list(round_.criteria.all())
    ranked = rank_applications(round_)
    sheets = submitted_sheets(round_, criteria)
    suggestions = suggestions or {}
    editable = round_.state == SubsidyRound.State.EVALUATING and request.user.is_municipal_staff
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
        "editable": editable,
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
    suggestions = suggest_awards(rank_applications(round_), round_.budget_yuan)
    if not suggestions:
        messages.info(request, _("没有评审得分达到60分的申请，无建议金额。"))
    return _render_ranking(
        request, round_, suggestions=suggestions, fill=bool(request.POST.get("fill"))
    )


@require_POST
@staff_action
def award_set(request, pk):
    application = get_object_or_404(
        selectors.applications_visible_to(request.user).filter(state=Application.State.SUBMITTED),
        pk=pk,
    )
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
        except REFUSALS as error:
            for text in refusal_messages(error):
                form.add_error("amount", text)
        else:
            messages.success(
                request,
                _("已确定“%(alliance)s”的补贴金额为%(amount)s元。")
                % {"alliance": application.alliance.name, "amount": f"{award.amount_yuan:,}"},
            )
            url = reverse("subsidies:ranking", kwargs={"pk": application.round_id})
            return redirect(f"{url}#application-{application.pk}")
    messages.error(
        request,
        _("“%(alliance)s”的补贴金额未保存，请按提示修改。")
        % {"alliance": application.alliance.name},
    )
    return _render_ranking(request, application.round, bound=(application.pk, form))


@require_POST
@staff_action
def award_remove(request, round_pk, pk):
    """Withdraw a proposed amount (evaluation stage only): the budget is freed. The round
    is in the URL so that a stale page (the amount already withdrawn) gets an answer."""
    round_ = _round_for_staff(request.user, round_pk)
    url = reverse("subsidies:ranking", kwargs={"pk": round_.pk})
    award = (
        Award.objects.filter(application__in=selectors.applications_visible_to(request.user))
        .filter(application__round=round_)
        .select_related("application__alliance")
        .filter(pk=pk)
        .first()
    )
    if award is None:
        messages.error(request, _("该补贴已被取消，请刷新页面查看最新情况。"))
        return redirect(url)
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
    return redirect(f"{url}#application-{award.application_id}")


@staff_page
@require_safe
def ranking_export(request, pk):
    round_ = _round_for_staff(request.user, pk)
    content = ranking_workbook(round_, rank_applications(round_), round_.criteria.all())
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_("%(title)s-评审排名.xlsx") % {"title": round_.title}
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The public notice (公示): objections ---------------------------------------------


@staff_action
@require_http_methods(["GET", "HEAD", "POST"])
def objection_new(request, pk):
    award = _award_for_user(request.user, pk)
    round_ = award.application.round
    if round_.state != SubsidyRound.State.NOTICE:
        messages.warning(request, _("只能在公示期内登记异议。"))
        return redirect("subsidies:round_detail", pk=round_.pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_record(award=award, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            for text in refusal_messages(error):
                form.add_error(None, text)
        else:
            messages.success(request, _("已登记异议，请在办结前处理。"))
            return redirect("subsidies:round_detail", pk=round_.pk)
    return render(
        request,
        "subsidies/rounds/objection_form.html",
        {"form": form, "award": award, "round": round_},
    )


@require_POST
@staff_action
def objection_resolve(request, pk):
    objection = get_object_or_404(
        Objection.objects.filter(
            award__application__in=selectors.applications_visible_to(request.user)
        ).select_related("award__application"),
        pk=pk,
    )
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写异议处理结果。"))
    else:
        try:
            services.objection_resolve(
                objection=objection, by=request.user, resolution=form.cleaned_data["resolution"]
            )
        except REFUSALS as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("异议处理结果已记录。"))
    return redirect("subsidies:round_detail", pk=objection.award.application.round_id)


# --- After the decision ------------------------------------------------------------------


@staff_action
@require_http_methods(["GET", "HEAD", "POST"])
def disbursement(request, pk):
    award = _award_for_user(request.user, pk)
    round_ = award.application.round
    initial = {"disbursed_yuan": award.disbursed_yuan or award.amount_yuan}
    if award.disbursed_on:
        initial["disbursed_on"] = award.disbursed_on
    form = DisbursementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.disbursement_record(award=award, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            for text in refusal_messages(error):
                form.add_error(None, text)
        else:
            messages.success(request, _("拨付情况已登记。"))
            return redirect("subsidies:round_detail", pk=round_.pk)
    return render(
        request,
        "subsidies/rounds/disbursement_form.html",
        {
            "form": form,
            "award": award,
            "round": round_,
            "final": round_.state == SubsidyRound.State.FINAL,
        },
    )


@login_required
@require_safe
def award_notice_download(request, pk):
    # Staff and the lead unit of the alliance only; to anyone else the notice does not exist.
    if request.user.effective_role not in (*STAFF_ROLES, Role.LEAD_UNIT):
        raise Http404
    award = _award_for_user(request.user, pk)
    return file_download(award.notice_file, _("补贴通知书-%(n)s.pdf") % {"n": award.notice_number})
