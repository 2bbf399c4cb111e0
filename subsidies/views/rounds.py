"""Subsidy rounds (Art. 15): the municipal bureau prepares a round, opens it and moves it
through evaluation, notice (公示) and decision.

Lead units see the rounds that are not in preparation, with what stands between each of
their alliances and an application.
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Role
from accounts.permissions import STAFF_ROLES, role_required
from core.confirm import ask_confirmation, is_confirmed
from core.refusals import REFUSALS, refusal_messages, show_refusal
from policy import selectors as policy_selectors

from .. import selectors, services
from ..aggregation import ranking as rank_applications
from ..filters import RoundFilter
from ..forms.draws import DrawForm
from ..forms.rounds import CriterionFormSet, RoundForm, criteria_from
from ..models import SubsidyRound
from .common import (
    expected_state,
    form_response,
    is_open,
    show_on_form,
    staff_action,
    state_actions,
    warn_refused,
)

PAGE_SIZE = 25
# A round's state actions, in the order of its life: the URL each posts to, its label.
ACTIONS = {
    name: (f"subsidies:round_{name}", services.ROUND_LABELS[name])
    for name in ("open", "start_evaluation", "publish", "finalise")
}


def _round_for_user(user, pk) -> SubsidyRound:
    return get_object_or_404(selectors.rounds_visible_to(user), pk=pk)


@role_required(*STAFF_ROLES, Role.LEAD_UNIT)
@require_safe
def round_list(request):
    filterset = RoundFilter(request.GET, queryset=selectors.round_list_for(request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "filter": filterset,
        "is_staff": request.user.effective_role in STAFF_ROLES,
    }
    if request.user.is_lead_unit:
        entries = selectors.apply_entries(request.user, list(page))
        for round_ in page:  # the page caches its rows as a list: these are the rendered ones
            round_.entries = entries.get(round_.pk, [])
    return render(request, "subsidies/rounds/list.html", context)


@staff_action
@require_http_methods(["GET", "HEAD", "POST"])
def round_new(request):
    form = RoundForm(request.POST or None, version=policy_selectors.shown())
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_create(by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            show_on_form(request, form, error)
        else:
            messages.success(
                request,
                _("已创建批次“%(title)s”，已按默认指标设置评审指标，可在开始接受申请前调整。")
                % {"title": round_.title},
            )
            return redirect("subsidies:round_detail", pk=round_.pk)
    return render(request, "subsidies/rounds/form.html", {"form": form, "creating": True})


@staff_action
@require_http_methods(["GET", "HEAD", "POST"])
def round_edit(request, pk):
    round_ = _round_for_user(request.user, pk)
    form = RoundForm(
        request.POST or None,
        initial=RoundForm.initial_from(round_),
        version=round_.policy_version,
    )
    if request.method == "POST":
        done = form_response(
            request,
            form,
            partial(services.round_update, round_=round_, by=request.user),
            check=partial(services.check_round_update, round_=round_, by=request.user),
            back=reverse("subsidies:round_detail", args=[round_.pk]),
            success=_("批次信息已保存。"),
        )
        if done:
            return done
    elif warn_refused(
        request, partial(services.check_round_update, round_=round_, by=request.user)
    ):
        return redirect("subsidies:round_detail", pk=round_.pk)
    return render(
        request, "subsidies/rounds/form.html", {"form": form, "creating": False, "round": round_}
    )


def _criteria_formset(request, round_):
    if request.method != "POST":
        initial = [{"name": c.name, "weight": c.weight} for c in round_.criteria.all()]
        return CriterionFormSet(initial=initial, prefix="criteria")
    if "add_row" not in request.POST:
        return CriterionFormSet(request.POST, prefix="criteria")
    data = request.POST.copy()
    try:
        total = max(int(data.get("criteria-TOTAL_FORMS") or 0), 0)
    except ValueError:
        total = 0
    data["criteria-TOTAL_FORMS"] = str(min(total, CriterionFormSet.max_num - 1) + 1)
    return CriterionFormSet(data, prefix="criteria")


@staff_action
@require_http_methods(["GET", "HEAD", "POST"])
def criteria_edit(request, pk):
    round_ = _round_for_user(request.user, pk)
    formset = _criteria_formset(request, round_)
    saving = request.method == "POST" and "add_row" not in request.POST
    errors = []
    if saving and formset.is_valid():
        try:
            services.criteria_save(round_=round_, by=request.user, criteria=criteria_from(formset))
        except REFUSALS as error:
            if not isinstance(error, ValidationError):
                show_refusal(request, error)
                return redirect("subsidies:round_detail", pk=round_.pk)
            errors = refusal_messages(error)
        else:
            messages.success(request, _("评审指标已保存。"))
            return redirect("subsidies:round_detail", pk=round_.pk)
    elif warn_refused(
        request, partial(services.check_criteria_save, round_=round_, by=request.user)
    ):
        return redirect("subsidies:round_detail", pk=round_.pk)
    elif saving:
        errors = [_("请按提示修改评审指标，本次未保存。")]
    typed_total = _typed_total(formset) if formset.is_bound else round_.weights_total()
    return render(
        request,
        "subsidies/rounds/criteria.html",
        {"round": round_, "formset": formset, "errors": errors, "typed_total": typed_total},
    )


def _typed_total(formset) -> int:
    """The sum of the weights as typed (shown beside the 100 they must add up to)."""
    total = 0
    for form in formset.forms:
        if form.data.get(form.add_prefix("DELETE")):
            continue
        try:
            total += int(form.data.get(form.add_prefix("weight")) or 0)
        except ValueError:
            continue
    return total


@role_required(*STAFF_ROLES, Role.LEAD_UNIT)
@require_safe
def round_detail(request, pk):
    user = request.user
    round_ = _round_for_user(user, pk)
    criteria = list(round_.criteria.all())
    context = {
        "round": round_,
        "criteria": criteria,
        "weights_total": sum(c.weight for c in criteria),
    }
    if user.is_lead_unit:
        context["entries"] = selectors.apply_entries(user, [round_]).get(round_.pk, [])
        return render(request, "subsidies/rounds/detail_lead.html", context)

    panels = selectors.panels_of(round_)
    rows = []
    for row in rank_applications(round_):
        mine = panels.get(row.application.pk, [])
        active = sum(1 for a in mine if not a.is_withdrawn)
        rows.append(
            {
                "ranked": row,
                "application": row.application,
                "assignments": mine,
                "active": active,
                "submitted": sum(1 for a in mine if a.is_submitted),
                "full": active >= round_.evaluators_per_application,
            }
        )
    awarded = round_.awarded_total()
    can_assign = is_open(services.check_panel_change, round_=round_, by=user)
    context.update(
        {
            "rows": rows,
            "awarded": awarded,
            "remaining": round_.budget_yuan - awarded,
            "can_act": user.is_municipal_staff,
            "can_edit": is_open(services.check_round_update, round_=round_, by=user),
            "can_assign": can_assign,
            "can_object": is_open(services.check_objection_record, round_=round_, by=user),
            "can_disburse": is_open(services.check_disbursement_record, round_=round_, by=user),
            "actions": state_actions(round_, user, ACTIONS, explain=services.explain_round),
            "evaluators": list(selectors.evaluators()) if can_assign else [],
            "draw_form": _draw_form(round_) if can_assign else None,
            "draws": selectors.round_draws(round_),
            "awards": selectors.round_awards(round_) if round_.is_published else [],
            "timeline": selectors.round_timeline(round_),
        }
    )
    return render(request, "subsidies/rounds/detail.html", context)


def _draw_form(round_) -> DrawForm:
    return DrawForm(
        pool_size=len(services.draw_pool()), initial_size=round_.evaluators_per_application
    )


# --- State actions (POST, with the state the page showed) --------------------------------


def _confirm_closing(request, round_):
    """截止申请 cannot be undone: the published deadline is restated (a round was once
    closed 29 days early by a stray click)."""
    today = timezone.localdate()
    params = {
        "title": round_.title,
        "date": date_format(round_.closes_on, "DATE_FORMAT") if round_.closes_on else "—",
    }
    if round_.closes_on and today < round_.closes_on:
        consequence = _(
            "本轮申请截止日期为%(date)s，确定提前截止？提前截止后，“%(title)s”不再接受"
            "申请，尚未提交的申请不能再提交，批次进入专家评审，不能重新开放。"
        )
    else:
        consequence = _(
            "本轮申请截止日期为%(date)s。截止后，“%(title)s”不再接受申请，尚未提交的申请"
            "不能再提交，批次进入专家评审，不能重新开放。确定截止申请？"
        )
    return ask_confirmation(
        request,
        title=_("请确认：截止申请"),
        consequence=consequence % params,
        confirm_label=_("截止申请"),
        back=reverse("subsidies:round_detail", args=[round_.pk]),
    )


def _round_action(service, success, *, name=None, confirm=None):
    """The view of a state action; ``confirm(request, round_)`` asks first for one that
    cannot be undone (core.confirm), once the state is known to allow it."""

    @require_POST
    @staff_action
    def action(request, pk):
        round_ = _round_for_user(request.user, pk)
        try:
            if confirm is not None and not is_confirmed(request):
                services.check_round_action(
                    round_=round_,
                    name=name,
                    by=request.user,
                    expected_state=expected_state(request),
                )
                return confirm(request, round_)
            round_ = service(round_=round_, by=request.user, expected_state=expected_state(request))
        except REFUSALS as error:
            show_refusal(request, error)
        else:
            messages.success(request, success(round_))
        return redirect("subsidies:round_detail", pk=pk)

    return action


round_open = _round_action(services.round_open, lambda r: _("已开始接受申请。"))
round_start_evaluation = _round_action(
    services.round_start_evaluation,
    lambda r: _("已截止申请，进入专家评审。"),
    name="start_evaluation",
    confirm=_confirm_closing,
)
round_publish = _round_action(
    services.round_publish,
    lambda r: (
        _("评审结果已发布公示，公示期为%(s)s至%(e)s（%(n)d个工作日）。")
        % {
            "s": date_format(r.notice_starts_on, "DATE_FORMAT"),
            "e": date_format(r.notice_ends_on, "DATE_FORMAT"),
            "n": r.notice_working_days,
        }
    ),
)
round_finalise = _round_action(
    services.round_finalise, lambda r: _("公示期满，批次已办结，补贴通知书已生成。")
)
