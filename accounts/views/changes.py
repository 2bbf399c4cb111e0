"""Change requests of units' legal facts: the bureau's list, one request's page, and the
decisions (approve, reject; the unit may withdraw). Actions are POST-only and refuse a
stale page (``expected_state``)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from core import transitions
from core.refusals import REFUSALS, show_refusal

from .. import services
from ..filters import OrganisationChangeFilter
from ..forms import DecisionForm, ExpectedStateForm
from ..models import Organisation, OrganisationChange, Role
from ..models.changes import fact_display, fact_label
from ..permissions import ACCOUNT_STAFF_ROLES as STAFF_ROLES
from ..permissions import role_required
from ..selectors import organisation_changes_queue
from .common import PAGE_SIZE, decide_with_opinion, get_change_for_user

READERS = (*STAFF_ROLES, Role.COUNTY_REVIEWER, Role.LEAD_UNIT)
DECIDERS = (Role.MUNICIPAL_STAFF, Role.COUNTY_REVIEWER)
DECISIONS = {
    "approve": (
        services.organisation_change_approve,
        gettext_lazy("已批准，单位登记信息已按申请变更。"),
    ),
    "reject": (
        services.organisation_change_reject,
        gettext_lazy("已不予批准，申请单位会收到理由。"),
    ),
}


@role_required(*STAFF_ROLES, Role.COUNTY_REVIEWER)
def change_list(request):
    filterset = OrganisationChangeFilter(
        request.GET, queryset=organisation_changes_queue(request.user)
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/changes/list.html", {"filter": filterset, "page_obj": page})


def _render_detail(request, change, *, form=None, status=200):
    user = request.user
    actions = {
        a.name: a for a in transitions.available(change, user, explain=services.explain_change)
    }
    decides = "approve" in actions or "reject" in actions
    pending = change.state == OrganisationChange.State.PENDING
    current = [
        (fact_label(f), fact_display(f, getattr(change.organisation, f)))
        for f in Organisation.LEGAL_FACTS
    ]
    context = {
        "change": change,
        "organisation": change.organisation,
        "changes": change.changes(),
        "current": current if pending else None,
        "approve": actions.get("approve"),
        "decision_form": (form or DecisionForm(initial={"expected_state": change.state}))
        if decides
        else None,
        "withdraw_form": ExpectedStateForm(initial={"expected_state": change.state})
        if "withdraw" in actions
        else None,
        # A county bureau reads a move of its unit but cannot decide it: say who does.
        "municipal_only": pending and user.is_county_reviewer and change.moves_jurisdiction,
        "timeline": AuditEntry.objects.for_object(change),
    }
    return render(request, "accounts/changes/detail.html", context, status=status)


@role_required(*READERS)
def change_detail(request, pk):
    return _render_detail(request, get_change_for_user(request.user, pk))


def _decide(request, pk, name: str):
    service, success = DECISIONS[name]
    return decide_with_opinion(
        request,
        pk,
        get=get_change_for_user,
        check=lambda change, by, expected: services.organisation_change_check_decision(
            change=change, by=by, name=name, expected_state=expected
        ),
        service=lambda change, by, reason, expected: service(
            change=change, by=by, reason=reason, expected_state=expected
        ),
        success=success,
        render_detail=_render_detail,
        detail="accounts:change_detail",
        form=DecisionForm(request.POST),
    )


@require_POST
@role_required(*DECIDERS)
def change_approve(request, pk):
    return _decide(request, pk, "approve")


@require_POST
@role_required(*DECIDERS)
def change_reject(request, pk):
    return _decide(request, pk, "reject")


@require_POST
@role_required(Role.LEAD_UNIT)
def change_withdraw(request, pk):
    change = get_change_for_user(request.user, pk)
    form = ExpectedStateForm(request.POST)
    form.is_valid()  # one optional text field: always valid
    try:
        services.organisation_change_withdraw(
            change=change,
            by=request.user,
            expected_state=form.cleaned_data.get("expected_state") or None,
        )
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("变更申请已撤回。"))
    return redirect("accounts:change_detail", pk=change.pk)
