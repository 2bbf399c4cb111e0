"""Revocation of a filing (Art. 13): notice, statement (陈述申辩), decision, dissolution."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import STAFF_ROLES, role_required
from audit.models import AuditEntry
from core.transitions import StaleRecord, TransitionRefused
from core.workdays import working_days_between
from filings.selectors import alliances_visible_to

from . import rules, services
from .filters import CaseFilter
from .forms_cases import CaseOpenForm, DecisionForm, DissolveForm, StatementForm
from .models import RevocationCase
from .selectors import cases_visible_to

PAGE_SIZE = 25
READERS = (*STAFF_ROLES, Role.COUNTY_REVIEWER, Role.LEAD_UNIT)


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
    form = CaseOpenForm(request.POST or None, request.FILES or None)
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
        except (StaleRecord, TransitionRefused) as error:
            _refused(request, error)
        else:
            messages.success(request, _("已宣布解散，市科技局将据此作出取消备案决定。"))
            return redirect("supervision:case_detail", pk=case.pk)
    return render(
        request,
        "supervision/cases/dissolve.html",
        {"form": form, "alliance": alliance, "open_case": _open_case(alliance)},
    )


def _render_detail(request, case, *, statement_form=None, decision_form=None):
    user = request.user
    today = timezone.localdate()
    is_open = case.state in RevocationCase.OPEN_STATES
    period_open = case.statement_period_open
    is_lead = rules.is_lead_unit_of_alliance(case, user)
    can_state = is_lead and case.state == RevocationCase.State.NOTIFIED and period_open
    can_decide = user.is_municipal_staff and is_open
    context = {
        "case": case,
        "alliance": case.alliance,
        "evidence": case.evidence.all(),
        "timeline": AuditEntry.objects.for_object(case),
        "is_open": is_open,
        "period_open": period_open,
        "working_days_left": working_days_between(today, case.statement_deadline)
        if period_open
        else 0,
        "days_left": (case.statement_deadline - today).days if period_open else 0,
        "is_lead": is_lead,
        "statement_closed": is_lead
        and case.state == RevocationCase.State.NOTIFIED
        and not period_open,
        "statement_form": (statement_form or StatementForm()) if can_state else None,
        "decision_form": (decision_form or DecisionForm()) if can_decide else None,
        "revoke_not_yet": can_decide and not rules.statement_heard_or_period_over(case),
    }
    return render(request, "supervision/cases/detail.html", context)


@role_required(*READERS)
def case_detail(request, pk):
    return _render_detail(request, _get_case_for_user(request.user, pk))


def _refused(request, error):
    if isinstance(error, StaleRecord):
        messages.error(request, error.message)
    else:
        for reason in error.reasons:
            messages.error(request, reason)


@require_POST
@role_required(Role.LEAD_UNIT)
def case_statement(request, pk):
    case = _get_case_for_user(request.user, pk)
    form = StatementForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, case, statement_form=form)
    try:
        services.case_submit_statement(
            case=case,
            by=request.user,
            statement=form.cleaned_data["statement"],
            expected_state=request.POST.get("expected_state") or None,
        )
    except ValidationError as error:
        form.add_error("statement", error)
        return _render_detail(request, case, statement_form=form)
    except (StaleRecord, TransitionRefused) as error:
        _refused(request, error)
    else:
        messages.success(request, _("陈述申辩意见已提交。"))
    return redirect("supervision:case_detail", pk=case.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def case_decide(request, pk):
    case = _get_case_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, case, decision_form=form)
    decision = form.cleaned_data["decision"]
    try:
        case = services.case_decide(
            case=case,
            by=request.user,
            decision=decision,
            reasons=form.cleaned_data["reasons"],
            expected_state=request.POST.get("expected_state") or None,
        )
    except ValidationError as error:
        form.add_error("reasons", error)
        return _render_detail(request, case, decision_form=form)
    except (StaleRecord, TransitionRefused) as error:
        _refused(request, error)
    else:
        if decision == "revoke":
            text = _("已决定取消“%(name)s”的备案（%(number)s）。")
        else:
            text = _("已决定不予取消“%(name)s”的备案（%(number)s）。")
        messages.success(
            request, text % {"name": case.alliance.name, "number": case.decision_number}
        )
    return redirect("supervision:case_detail", pk=case.pk)


def _attachment(file, filename, content_type="application/pdf"):
    if not file:
        raise Http404
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(*READERS)
def notice_download(request, pk):
    case = _get_case_for_user(request.user, pk)
    return _attachment(case.notice_file, f"告知书-{case.notice_number}.pdf")


@role_required(*READERS)
def decision_download(request, pk):
    case = _get_case_for_user(request.user, pk)
    return _attachment(case.decision_file, f"决定书-{case.decision_number}.pdf")


@role_required(*READERS)
def evidence_download(request, pk, attachment_pk):
    case = _get_case_for_user(request.user, pk)
    attachment = get_object_or_404(case.evidence.all(), pk=attachment_pk)
    return _attachment(attachment.file, attachment.original_name, attachment.content_type)
