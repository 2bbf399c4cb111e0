"""Subsidy rounds (Art. 15): the municipal bureau prepares a round, opens it, assigns
evaluators and moves it through evaluation, notice (公示) and decision.

Lead units see the rounds that are not in preparation, with what stands between each of
their alliances and an application. Ranking, awards, the notice and disbursement are in
``views_awards.py``; their names are re-exported here because ``urls.py`` routes to them
through this module.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Role
from accounts.permissions import STAFF_ROLES, role_required
from audit.models import AuditEntry
from filings.selectors import alliances_visible_to

from . import selectors, services
from .aggregation import ranking as rank_applications
from .eligibility import eligibility_problems
from .forms import AssignForm, CriterionFormSet, RoundForm, criteria_from, evaluators_qs
from .models import Application, Assignment, Award, SubsidyRound
from .views_awards import (  # noqa: F401  (routed through this module by urls.py)
    award_notice_download,
    award_remove,
    award_set,
    awards_suggest,
    disbursement,
    objection_new,
    objection_resolve,
    ranking,
    ranking_export,
)
from .views_common import (
    REFUSALS,
    expected_state,
    refusal_messages,
    show_refusal,
    staff_action,
)

PAGE_SIZE = 25


def _round_for_user(user, pk) -> SubsidyRound:
    return get_object_or_404(selectors.rounds_visible_to(user), pk=pk)


# --- What a lead unit may apply for -------------------------------------------------------


@dataclass
class ApplyEntry:
    """One of the lead unit's alliances against one round."""

    alliance: object
    application: Application | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def can_apply(self) -> bool:
        return self.application is None and not self.problems


def window_problem(round_) -> str | None:
    if round_.window_open:
        return None
    if round_.state != SubsidyRound.State.OPEN or not round_.opens_on:
        return _("本批次目前不接受申请。")
    if round_.closes_on and round_.closes_on < timezone.localdate():
        return _("本批次申请已于%(date)s截止。") % {
            "date": date_format(round_.closes_on, "DATE_FORMAT")
        }
    return _("本批次%(date)s开始接受申请。") % {"date": date_format(round_.opens_on, "DATE_FORMAT")}


def apply_entries(user, rounds) -> dict[int, list[ApplyEntry]]:
    """Round id → an entry per alliance of the lead unit: its application, or the reasons
    it cannot apply (shown before the user tries, in the words the service would use)."""
    alliances = list(alliances_visible_to(user).order_by("name"))
    rounds = [r for r in rounds if r.state != SubsidyRound.State.DRAFT]
    existing = {
        (a.round_id, a.alliance_id): a
        # A withdrawn application still counts: one application per alliance and round.
        for a in Application.objects.filter(alliance__in=alliances, round__in=rounds)
    }
    entries: dict[int, list[ApplyEntry]] = {}
    for round_ in rounds:
        for alliance in alliances:
            application = existing.get((round_.pk, alliance.pk))
            entry = ApplyEntry(alliance, application)
            if application is None:
                if round_.state != SubsidyRound.State.OPEN:
                    continue
                problem = window_problem(round_)
                entry.problems = ([problem] if problem else []) + eligibility_problems(
                    alliance, round_
                )
            entries.setdefault(round_.pk, []).append(entry)
    return entries


# --- Rounds -------------------------------------------------------------------------------


@role_required(*STAFF_ROLES, Role.LEAD_UNIT)
@require_safe
def round_list(request):
    rounds = (
        selectors.rounds_visible_to(request.user)
        .annotate(
            submitted_count=Count(
                "applications", filter=Q(applications__state=Application.State.SUBMITTED)
            )
        )
        .order_by("-year", "-created_at", "-pk")
    )
    page = Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "is_staff": request.user.effective_role in STAFF_ROLES}
    if request.user.is_lead_unit:
        entries = apply_entries(request.user, list(page))
        for round_ in page:  # the page caches its rows as a list: these are the rendered ones
            round_.entries = entries.get(round_.pk, [])
    return render(request, "subsidies/rounds/list.html", context)


@staff_action
@require_http_methods(["GET", "HEAD", "POST"])
def round_new(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_create(by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            show_refusal(request, error)
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
    if round_.state != SubsidyRound.State.DRAFT:
        messages.warning(request, _("批次已开始接受申请，不能再修改。"))
        return redirect("subsidies:round_detail", pk=round_.pk)
    form = RoundForm(request.POST or None, initial=RoundForm.initial_from(round_))
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(round_=round_, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("批次信息已保存。"))
            return redirect("subsidies:round_detail", pk=round_.pk)
    return render(
        request, "subsidies/rounds/form.html", {"form": form, "creating": False, "round": round_}
    )


@staff_action
@require_http_methods(["GET", "HEAD", "POST"])
def criteria_edit(request, pk):
    round_ = _round_for_user(request.user, pk)
    if round_.state != SubsidyRound.State.DRAFT:
        messages.warning(request, _("批次已开始接受申请，评审指标不能再修改。"))
        return redirect("subsidies:round_detail", pk=round_.pk)
    errors = []
    if request.method != "POST":
        initial = [{"name": c.name, "weight": c.weight} for c in round_.criteria.all()]
        formset = CriterionFormSet(initial=initial, prefix="criteria")
    elif "add_row" in request.POST:
        data = request.POST.copy()
        try:
            total = max(int(data.get("criteria-TOTAL_FORMS") or 0), 0)
        except ValueError:
            total = 0
        data["criteria-TOTAL_FORMS"] = str(min(total, CriterionFormSet.max_num - 1) + 1)
        formset = CriterionFormSet(data, prefix="criteria")
    else:
        formset = CriterionFormSet(request.POST, prefix="criteria")
        if formset.is_valid():
            rows = criteria_from(formset)
            try:
                if not rows:
                    raise ValidationError(_("请至少设置一项评审指标。"))
                services.criteria_save(round_=round_, by=request.user, criteria=rows)
            except REFUSALS as error:
                errors = refusal_messages(error)
            else:
                messages.success(request, _("评审指标已保存。"))
                return redirect("subsidies:round_detail", pk=round_.pk)
        else:
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
    round_ = _round_for_user(request.user, pk)
    criteria = list(round_.criteria.all())
    context = {
        "round": round_,
        "criteria": criteria,
        "weights_total": sum(c.weight for c in criteria),
    }
    if request.user.is_lead_unit:
        context["entries"] = apply_entries(request.user, [round_]).get(round_.pk, [])
        return render(request, "subsidies/rounds/detail_lead.html", context)

    ranked = rank_applications(round_)
    assignments: dict[int, list[Assignment]] = {}
    for assignment in (
        Assignment.objects.filter(application__round=round_)
        .select_related("evaluator")
        .order_by("pk")
    ):
        assignments.setdefault(assignment.application_id, []).append(assignment)
    rows = []
    for row in ranked:
        mine = assignments.get(row.application.pk, [])
        rows.append(
            {
                "ranked": row,
                "application": row.application,
                "assignments": mine,
                "submitted": sum(1 for a in mine if a.is_submitted),
                "full": len(mine) >= round_.evaluators_per_application,
            }
        )
    awarded = round_.awarded_total()
    can_assign = round_.state in (SubsidyRound.State.OPEN, SubsidyRound.State.EVALUATING)
    awards = []
    if round_.is_published:
        awards = list(
            Award.objects.filter(application__round=round_)
            .select_related("application__alliance")
            .prefetch_related("objections")
            .order_by("-amount_yuan", "pk")
        )
    context.update(
        {
            "rows": rows,
            "awarded": awarded,
            "remaining": round_.budget_yuan - awarded,
            "can_act": request.user.is_municipal_staff,
            "assign_form": AssignForm(evaluators=evaluators_qs()) if can_assign else None,
            "evaluators": list(evaluators_qs()) if can_assign else [],
            "awards": awards,
            "timeline": AuditEntry.objects.for_object(round_),
        }
    )
    return render(request, "subsidies/rounds/detail.html", context)


# --- State actions (POST, with the state the page showed) --------------------------------


def _round_action(service, success):
    @require_POST
    @staff_action
    def action(request, pk):
        round_ = _round_for_user(request.user, pk)
        try:
            round_ = service(round_=round_, by=request.user, expected_state=expected_state(request))
        except REFUSALS as error:
            show_refusal(request, error)
        else:
            messages.success(request, success(round_))
        return redirect("subsidies:round_detail", pk=pk)

    return action


round_open = _round_action(services.round_open, lambda r: _("已开始接受申请。"))
round_start_evaluation = _round_action(
    services.round_start_evaluation, lambda r: _("已截止申请，进入专家评审。")
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


# --- Evaluators --------------------------------------------------------------------------


@require_POST
@staff_action
def assign(request, pk):
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    else:
        evaluator = form.cleaned_data["evaluator"]
        try:
            services.assign_evaluator(application=application, by=request.user, evaluator=evaluator)
        except REFUSALS as error:
            show_refusal(request, error)
        else:
            messages.success(
                request,
                _("已为“%(alliance)s”分配评审专家%(name)s。")
                % {"alliance": application.alliance.name, "name": evaluator.get_full_name()},
            )
    return redirect("subsidies:round_detail", pk=application.round_id)


@require_POST
@staff_action
def unassign(request, pk):
    assignment = get_object_or_404(
        Assignment.objects.filter(
            application__in=selectors.applications_visible_to(request.user)
        ).select_related("application", "evaluator"),
        pk=pk,
    )
    try:
        services.unassign_evaluator(assignment=assignment, by=request.user)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("已撤销评审专家%(name)s的分配。") % {"name": assignment.evaluator.get_full_name()},
        )
    return redirect("subsidies:round_detail", pk=assignment.application.round_id)


__all__ = [
    "assign",
    "award_notice_download",
    "award_remove",
    "award_set",
    "awards_suggest",
    "criteria_edit",
    "disbursement",
    "objection_new",
    "objection_resolve",
    "ranking",
    "ranking_export",
    "round_detail",
    "round_edit",
    "round_finalise",
    "round_list",
    "round_new",
    "round_open",
    "round_publish",
    "round_start_evaluation",
    "unassign",
]
