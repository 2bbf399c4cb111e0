"""The evaluator's pages (Art. 15 "经评审"): their assignments, the conflict-of-interest
declaration and the score sheet.

Every assignment is fetched through ``selectors.assignments_of(request.user)``, so another
evaluator's assignment is a 404. The pages show the evaluator's own scores only: never
another evaluator's scores, names or totals, nor the panel score.
"""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import Role
from accounts.permissions import role_required

from . import selectors, services
from .aggregation import weighted_total
from .forms_evaluation import DECLARATION_TEXT, DeclarationForm, ScoreSheetForm
from .models import Assignment, SubsidyRound
from .services.evaluation import conflict_of_interest

# An assignment's progress as the evaluator sees it: (label, badge class).
PROGRESS = {
    "undeclared": (gettext_lazy("待声明"), "text-bg-warning"),
    "to_score": (gettext_lazy("待评分"), "text-bg-primary"),
    "draft": (gettext_lazy("草稿"), "text-bg-secondary"),
    "submitted": (gettext_lazy("已提交"), "text-bg-success"),
}


def _progress(assignment: Assignment) -> str:
    if assignment.declared_at is None:
        return "undeclared"
    if assignment.is_submitted:
        return "submitted"
    if assignment.score_count or assignment.comment.strip():
        return "draft"
    return "to_score"


def _own_assignment(user, pk) -> Assignment:
    return get_object_or_404(
        selectors.assignments_of(user).select_related(
            "application__alliance__lead_unit", "evaluator__organisation"
        ),
        pk=pk,
    )


@role_required(Role.EVALUATOR)
@require_safe
def assignment_list(request):
    assignments = list(
        selectors.assignments_of(request.user)
        .select_related("application__alliance__lead_unit")
        .annotate(score_count=Count("scores"))
        .order_by(
            "-application__round__year",
            "-application__round_id",
            "application__alliance__name",
            "pk",
        )
    )
    for assignment in assignments:
        assignment.progress = _progress(assignment)
        assignment.progress_label, assignment.progress_badge = PROGRESS[assignment.progress]
    groups = [
        (round_, list(rows))
        for round_, rows in groupby(assignments, key=lambda a: a.application.round)
    ]
    return render(request, "subsidies/evaluation/assignment_list.html", {"groups": groups})


@role_required(Role.EVALUATOR)
@require_http_methods(["GET", "HEAD", "POST"])
def declare(request, pk):
    assignment = _own_assignment(request.user, pk)
    if assignment.declared_at is not None:
        messages.info(request, _("您已声明与该联盟不存在利益冲突。"))
        return redirect("subsidies:score_sheet", pk=assignment.pk)
    application = assignment.application
    form = DeclarationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_no_conflict(assignment=assignment, by=request.user)
        except ValidationError as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已声明无利益冲突，现在可以查看申请并评分。"))
            return redirect("subsidies:score_sheet", pk=assignment.pk)
    members = application.alliance.members.select_related("organisation__jurisdiction")
    return render(
        request,
        "subsidies/evaluation/declare.html",
        {
            "assignment": assignment,
            "application": application,
            "alliance": application.alliance,
            "members": members,
            "form": form,
            "declaration_text": DECLARATION_TEXT,
            "conflict": conflict_of_interest(request.user, application),
        },
    )


def _own_total(user, assignment, criteria):
    """The evaluator's own weighted total, once every criterion has a saved score."""
    scores = dict(
        selectors.scores_visible_to(user)
        .filter(assignment=assignment)
        .values_list("criterion_id", "score")
    )
    weights = {c.pk: c.weight for c in criteria}
    if not weights or set(scores) != set(weights):
        return None
    return weighted_total(scores, weights)


@role_required(Role.EVALUATOR)
@require_http_methods(["GET", "HEAD", "POST"])
def score_sheet(request, pk):
    assignment = _own_assignment(request.user, pk)
    if assignment.declared_at is None:
        messages.info(request, _("查看申请和评分前，请先声明与该联盟不存在利益冲突。"))
        return redirect("subsidies:declare", pk=assignment.pk)
    # The same door as every other read of an application (declared, submitted only).
    application = (
        selectors.applications_visible_to(request.user).filter(pk=assignment.application_id).first()
    )
    if application is None:
        messages.warning(request, _("该申请已撤回，无需评分。"))
        return redirect("subsidies:assignment_list")
    round_ = application.round
    criteria = list(round_.criteria.all())
    evaluating = round_.state == SubsidyRound.State.EVALUATING
    editable = evaluating and not assignment.is_submitted

    if request.method == "POST":
        if assignment.is_submitted:
            messages.error(request, _("评分已提交，不能修改。"))
            return redirect("subsidies:score_sheet", pk=assignment.pk)
        if not evaluating:
            messages.error(request, _("本批次不在评审阶段，不能评分。"))
            return redirect("subsidies:score_sheet", pk=assignment.pk)
        submit = request.POST.get("action") == "submit"
        form = ScoreSheetForm(request.POST, criteria=criteria, submit=submit)
        if form.is_valid():
            try:
                services.score_save(
                    assignment=assignment,
                    by=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"].strip(),
                    submit=submit,
                )
            except ValidationError as refused:
                for message in refused.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request, _("评分已提交，不能再修改。") if submit else _("草稿已保存。")
                )
                return redirect("subsidies:score_sheet", pk=assignment.pk)
        else:
            messages.error(request, _("评分表有误，请按提示修改，本次未保存。"))
    else:
        form = ScoreSheetForm(initial=ScoreSheetForm.initial_from(assignment), criteria=criteria)

    own_scores = list(
        selectors.scores_visible_to(request.user)
        .filter(assignment=assignment)
        .select_related("criterion")
    )
    return render(
        request,
        "subsidies/evaluation/score_sheet.html",
        {
            "assignment": assignment,
            "application": application,
            "round": round_,
            "criteria": criteria,
            "self_evaluations": application.self_evaluations.select_related("criterion"),
            "evidence": application.evidence.all(),
            "form": form,
            "editable": editable,
            "evaluating": evaluating,
            "own_scores": own_scores,
            "own_total": _own_total(request.user, assignment, criteria),
            "conflict": conflict_of_interest(request.user, application),
        },
    )
