"""The evaluator's pages (Art. 15 "经评审"): their assignments, the conflict-of-interest
declaration and the score sheet.

Every assignment is fetched through ``selectors.assignments_of(request.user)``, so another
evaluator's assignment is a 404. The pages show the evaluator's own scores only: never
another evaluator's scores, names or totals, nor the panel score.
"""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import Role
from accounts.permissions import role_required
from core.confirm import ask_confirmation, is_confirmed
from core.refusals import REFUSALS, show_refusal

from .. import selectors, services
from ..aggregation import weighted_total
from ..conflicts import UNDER_EVALUATION, must_recuse
from ..filters import AssignmentFilter
from ..forms.evaluation import DECLARATION_TEXT, DeclarationForm, ScoreSheetForm
from ..models import Assignment
from .common import refusals_of

# An assignment's progress as the evaluator sees it: (label, badge class).
PROGRESS = {
    "undeclared": (gettext_lazy("待声明"), "text-bg-warning"),
    "to_score": (gettext_lazy("待评分"), "text-bg-primary"),
    "draft": (gettext_lazy("草稿"), "text-bg-secondary"),
    "submitted": (gettext_lazy("已提交"), "text-bg-success"),
    "recused": (gettext_lazy("需回避"), "text-bg-danger"),
    "withdrawn": (gettext_lazy("已撤回"), "text-bg-dark"),
}


def _progress(assignment: Assignment) -> str:
    if assignment.is_withdrawn:
        return "withdrawn"
    if assignment.recused:
        return "recused"
    if assignment.declared_at is None:
        return "undeclared"
    if assignment.is_submitted:
        return "submitted"
    if assignment.score_count or assignment.comment.strip():
        return "draft"
    return "to_score"


def _left_panel(request, assignment):
    """A withdrawn assignment (recused, or replaced by a redraw): back to the list."""
    if not assignment.is_withdrawn:
        return None
    if assignment.withdrawal == Assignment.Withdrawal.RECUSED:
        messages.info(request, _("您已申请回避，该评审任务已撤回。"))
    else:
        messages.info(request, _("该评审任务已由市科技局撤回，无需评分。"))
    return redirect("subsidies:assignment_list")


def own_assignment(user, pk) -> Assignment:
    return get_object_or_404(
        selectors.assignments_of(user).select_related(
            "application__alliance__lead_unit", "evaluator__organisation"
        ),
        pk=pk,
    )


@role_required(Role.EVALUATOR)
@require_safe
def assignment_list(request):
    filterset = AssignmentFilter(request.GET, queryset=selectors.assignment_list_for(request.user))
    assignments = list(filterset.qs)
    for assignment in assignments:
        assignment.progress = _progress(assignment)
        assignment.progress_label, assignment.progress_badge = PROGRESS[assignment.progress]
    groups = [
        (round_, list(rows))
        for round_, rows in groupby(assignments, key=lambda a: a.application.round)
    ]
    context = {
        "groups": groups,
        "filter": filterset,
        # 申请回避 is offered until the sheet is submitted; a member conflict the portal
        # found itself ("recused") has already been reported to the bureau.
        "recusable": ("undeclared", "to_score", "draft"),
        "panel_states": UNDER_EVALUATION,
    }
    return render(request, "subsidies/evaluation/assignment_list.html", context)


@role_required(Role.EVALUATOR)
@require_http_methods(["GET", "HEAD", "POST"])
def declare(request, pk):
    assignment = own_assignment(request.user, pk)
    if left := _left_panel(request, assignment):
        return left
    if assignment.declared_at is not None:
        # Nothing to refuse: the evaluator is past this page.
        messages.info(request, _("您已声明与该联盟不存在利益冲突。"))
        return redirect("subsidies:score_sheet", pk=assignment.pk)
    application = assignment.application
    form = DeclarationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_no_conflict(assignment=assignment, by=request.user)
        except REFUSALS as error:
            show_refusal(request, error)
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
            "conflict": services.conflict_of_interest(request.user, application),
        },
    )


def _own_total(own_scores, criteria):
    """The evaluator's own weighted total, once every criterion has a saved score."""
    scores = {s.criterion_id: s.score for s in own_scores}
    weights = {c.pk: c.weight for c in criteria}
    if not weights or set(scores) != set(weights):
        return None
    return weighted_total(scores, weights)


def _refused(request, assignment):
    """Back to the sheet with the reasons when its state no longer lets it change."""
    refusals = refusals_of(services.check_score_save, assignment=assignment, by=request.user)
    for text in refusals:
        messages.error(request, text)
    return redirect("subsidies:score_sheet", pk=assignment.pk) if refusals else None


def _save_scores(request, assignment, criteria):
    """Parse the sheet and save it through the service: a redirect when done or when the
    sheet can no longer change, else the bound form to show again with its errors."""
    submit = request.POST.get("action") == "submit"
    form = ScoreSheetForm(request.POST, criteria=criteria, submit=submit)
    if not form.is_valid():
        # The state stops the user whatever else is wrong with the sheet.
        refused = _refused(request, assignment)
        if refused:
            return refused
        messages.error(request, _("评分表有误，请按提示修改，本次未保存。"))
        return form
    if submit and not is_confirmed(request):
        # Nobody is asked to confirm what cannot happen.
        return _refused(request, assignment) or ask_confirmation(
            request,
            title=_("请确认：提交评分"),
            consequence=_(
                "将提交对“%(name)s”的评分和评审意见。提交后评分不能再修改，将计入评审结果。"
                "确定提交评分？"
            )
            % {"name": assignment.application.alliance.name},
            confirm_label=_("提交评分"),
            back=lambda: form,  # the sheet shown again as typed
        )
    try:
        services.score_save(
            assignment=assignment,
            by=request.user,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
            submit=submit,
        )
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return form
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("评分已提交，不能再修改。") if submit else _("草稿已保存。"))
    return redirect("subsidies:score_sheet", pk=assignment.pk)


@role_required(Role.EVALUATOR)
@require_http_methods(["GET", "HEAD", "POST"])
def score_sheet(request, pk):
    assignment = own_assignment(request.user, pk)
    if left := _left_panel(request, assignment):
        return left
    if assignment.declared_at is None:
        # The application is shown only after the declaration (the selector's rule).
        messages.info(request, _("查看申请和评分前，请先声明与该联盟不存在利益冲突。"))
        return redirect("subsidies:declare", pk=assignment.pk)
    if must_recuse(request.user, assignment.application):
        # The unit joined the alliance after the assignment: nothing of the application
        # is shown any more, and the bureau has been told to assign someone else.
        return render(
            request, "subsidies/evaluation/recused.html", {"assignment": assignment}, status=403
        )
    # The same door as every other read of an application (declared, submitted only).
    application = (
        selectors.applications_visible_to(request.user).filter(pk=assignment.application_id).first()
    )
    if application is None:
        messages.warning(request, _("该申请已撤回，无需评分。"))
        return redirect("subsidies:assignment_list")
    round_ = application.round
    criteria = list(round_.criteria.all())
    if request.method == "POST":
        form = _save_scores(request, assignment, criteria)
        if not isinstance(form, ScoreSheetForm):
            return form
    else:
        form = ScoreSheetForm(initial=ScoreSheetForm.initial_from(assignment), criteria=criteria)
    own_scores = list(selectors.own_scores(request.user, assignment))
    refusals = refusals_of(services.check_score_save, assignment=assignment, by=request.user)
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
            "editable": not refusals,
            "refusals": refusals,
            "own_scores": own_scores,
            "own_total": _own_total(own_scores, criteria),
            "conflict": services.conflict_of_interest(request.user, application),
        },
    )
