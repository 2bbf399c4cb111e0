"""Revocation of a filing (Art. 13): notice, statement (陈述申辩), decision, dissolution."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from audit.models import AuditEntry
from core import transitions
from core.confirm import ask_confirmation, is_confirmed
from core.downloads import attachment_response
from core.refusals import REFUSALS, show_refusal
from core.workdays import working_days_between
from filings.selectors import alliances_visible_to
from policy import selectors as policy_selectors

from .. import services
from ..filters import CaseFilter
from ..forms.cases import CaseOpenForm, DecisionForm, DissolveForm, StatementForm
from ..models import RevocationCase
from ..selectors import cases_visible_to
from ..services.revocation import explain
from .common import PAGE_SIZE, READERS, expected_state


def _get_case_for_user(user, pk) -> RevocationCase:
    return get_object_or_404(cases_visible_to(user), pk=pk)


def _open_case(alliance):
    return alliance.revocation_cases.filter(state__in=RevocationCase.OPEN_STATES).first()


@role_required(*READERS)
def case_list(request):
    filterset = CaseFilter(request.GET, queryset=cases_visible_to(request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/cases/list.html", {"filter": filterset, "page_obj": page})


@role_required(Role.MUNICIPAL_STAFF)
def case_new(request, alliance_pk):
    alliance = get_object_or_404(alliances_visible_to(request.user), pk=alliance_pk)
    form = CaseOpenForm(
        request.POST or None,
        request.FILES or None,
        version=policy_selectors.shown(),
        alliance=alliance,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                alliance=alliance,
                by=request.user,
                grounds=data["grounds"],
                facts=data["facts"],
                evidence=data["evidence"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("已立案并送达告知书（%(number)s），陈述申辩期至%(date)s。")
                % {
                    "number": case.notice_number,
                    "date": date_format(case.statement_deadline, "DATE_FORMAT"),
                },
            )
            return redirect("supervision:case_detail", pk=case.pk)
    return render(
        request,
        "supervision/cases/new.html",
        {"form": form, "alliance": alliance, "open_case": _open_case(alliance)},
    )


@role_required(Role.LEAD_UNIT)
def dissolve(request, alliance_pk):
    alliance = get_object_or_404(alliances_visible_to(request.user), pk=alliance_pk)
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.dissolution_announce(
                alliance=alliance, by=request.user, statement=form.cleaned_data["statement"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        except REFUSALS as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("已宣布解散，市科技局将据此作出取消备案决定。"))
            return redirect("supervision:case_detail", pk=case.pk)
    return render(
        request,
        "supervision/cases/dissolve.html",
        {"form": form, "alliance": alliance, "open_case": _open_case(alliance)},
    )


def _render_detail(request, case, *, statement_form=None, decision_form=None):
    today = timezone.localdate()
    is_open = case.state in RevocationCase.OPEN_STATES
    period_open = case.statement_period_open
    # What the services would let this user do now (state, permission, legal conditions).
    actions = {a.name: a for a in transitions.available(case, request.user, explain=explain)}
    statement = actions.get("submit_statement")
    revoke = actions.get("revoke")
    can_decide = "dismiss" in actions
    context = {
        "case": case,
        "alliance": case.alliance,
        "evidence": case.evidence.all(),
        "statement_files": case.statement_files.all(),
        "timeline": AuditEntry.objects.for_object(case),
        "is_open": is_open,
        "period_open": period_open,
        "working_days_left": working_days_between(today, case.statement_deadline)
        if period_open
        else 0,
        "days_left": (case.statement_deadline - today).days if period_open else 0,
        "statement_closed": bool(statement and not statement.allowed),
        "statement_form": (statement_form or StatementForm())
        if statement and statement.allowed
        else None,
        "decision_form": (decision_form or DecisionForm()) if can_decide else None,
        "revoke_not_yet": bool(revoke and not revoke.allowed),
    }
    return render(request, "supervision/cases/detail.html", context)


@role_required(*READERS)
def case_detail(request, pk):
    return _render_detail(request, _get_case_for_user(request.user, pk))


@require_POST
@role_required(Role.LEAD_UNIT)
def case_statement(request, pk):
    case = _get_case_for_user(request.user, pk)
    form = StatementForm(request.POST, request.FILES)
    expected = expected_state(request)
    try:
        if not form.is_valid():
            # A closed period or a stale page is explained before the missing text.
            services.case_check(case, "submit_statement", request.user, expected_state=expected)
            return _render_detail(request, case, statement_form=form)
        services.case_submit_statement(
            case=case,
            by=request.user,
            statement=form.cleaned_data["statement"],
            files=form.cleaned_data["files"],
            expected_state=expected,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_detail(request, case, statement_form=form)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("陈述申辩意见已提交。"))
    return redirect("supervision:case_detail", pk=case.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def case_decide(request, pk):
    case = _get_case_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    expected = expected_state(request)
    try:
        if not form.is_valid():
            # A closed case or a stale page is explained before what is missing.
            services.case_check(case, "dismiss", request.user, expected_state=expected)
            return _render_detail(request, case, decision_form=form)
        decision = form.cleaned_data["decision"]
        if not is_confirmed(request):
            services.case_check(case, decision, request.user, expected_state=expected)
            return _confirm_decision(request, case, form)
        case = services.case_decide(
            case=case,
            by=request.user,
            decision=decision,
            reasons=form.cleaned_data["reasons"],
            expected_state=expected,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_detail(request, case, decision_form=form)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        if decision == "revoke":
            text = _("已决定取消“%(name)s”的备案（%(number)s）。")
        else:
            text = _("已决定不予取消“%(name)s”的备案（%(number)s）。")
        messages.success(
            request, text % {"name": case.alliance.name, "number": case.decision_number}
        )
    return redirect("supervision:case_detail", pk=case.pk)


def _confirm_decision(request, case, form):
    decision = form.cleaned_data["decision"]
    name = case.alliance.name
    if decision == "revoke":
        consequence = _(
            "将作出取消“%(name)s”备案的决定：平台出具决定书并送达牵头单位，该联盟从已备案"
            "联盟名录中移出、列入取消备案公告。决定作出后不能撤回。确定作出取消备案决定？"
        )
    else:
        consequence = _(
            "将作出不予取消“%(name)s”备案的决定：平台出具决定书并送达牵头单位，本案办结。"
            "决定作出后不能撤回。确定作出不予取消备案决定？"
        )
    return ask_confirmation(
        request,
        title=_("请确认：作出决定"),
        consequence=consequence % {"name": name},
        confirm_label=_("作出决定"),
        back=lambda: _render_detail(request, case, decision_form=form),
    )


@role_required(*READERS)
def notice_download(request, pk):
    case = _get_case_for_user(request.user, pk)
    return attachment_response(case.notice_file, f"告知书-{case.notice_number}.pdf")


@role_required(*READERS)
def decision_download(request, pk):
    case = _get_case_for_user(request.user, pk)
    return attachment_response(case.decision_file, f"决定书-{case.decision_number}.pdf")


def _case_file(request, pk, attachment_pk, files: str):
    # The case as this user may see it (the bureau, its county, its lead unit), then one of
    # its files of that kind.
    case = _get_case_for_user(request.user, pk)
    attachment = get_object_or_404(getattr(case, files).all(), pk=attachment_pk)
    return attachment_response(attachment.file, attachment.original_name)


@role_required(*READERS)
def evidence_download(request, pk, attachment_pk):
    return _case_file(request, pk, attachment_pk, "evidence")


@role_required(*READERS)
def statement_file_download(request, pk, attachment_pk):
    return _case_file(request, pk, attachment_pk, "statement_files")
