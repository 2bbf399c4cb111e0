"""The bureau's side of unit registrations (归口审核): the list, one registration's page
with its licence, and the decisions (approve, return, refuse). County bureaus see their
own jurisdiction's registrations only; municipal staff see all and alone decide those
outside Baoding. Actions are POST-only and refuse a stale page (``expected_state``)."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from core import transitions
from core.downloads import attachment_response

from .. import registration_decisions as decisions
from ..filters import RegistrationFilter
from ..forms import RegistrationDecisionForm as DecisionForm
from ..models import Organisation, Registration, Role
from ..permissions import ACCOUNT_STAFF_ROLES as STAFF_ROLES
from ..permissions import role_required
from ..selectors import registrations_visible_to
from ..uscc import is_baoding_division, uscc_division
from .common import PAGE_SIZE, decide_with_opinion

READERS = (*STAFF_ROLES, Role.COUNTY_REVIEWER)
DECIDERS = (Role.MUNICIPAL_STAFF, Role.COUNTY_REVIEWER)
DECISIONS = {
    "approve": (
        decisions.registration_approve,
        gettext_lazy("已批准注册，单位及其单位管理员账号已创建，申请人会收到邮件。"),
    ),
    "return_for_correction": (
        decisions.registration_return,
        gettext_lazy("已退回，申请人会收到修改链接和审核意见。"),
    ),
    "refuse": (
        decisions.registration_refuse,
        gettext_lazy("已不予通过，申请人会收到理由。"),
    ),
}


def get_registration_for_user(user, pk):
    return get_object_or_404(registrations_visible_to(user), pk=pk)


@role_required(*READERS)
def registration_list(request):
    filterset = RegistrationFilter(
        request.GET, queryset=registrations_visible_to(request.user), user=request.user
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "accounts/registration/list.html", {"filter": filterset, "page_obj": page}
    )


def _render_detail(request, registration, *, form=None, status=200):
    actions = {a.name: a for a in transitions.available(registration, request.user)}
    decides = bool(actions.keys() & DECISIONS.keys())
    existing = Organisation.objects.filter(uscc=registration.uscc).first()
    if registration.organisation_id is not None:
        existing = None
    context = {
        "registration": registration,
        "in_baoding": is_baoding_division(uscc_division(registration.uscc)),
        "existing": existing,
        "differences": decisions.unapplied_differences(registration, existing) if existing else (),
        # What the reviewer should know before deciding: this code's earlier registrations
        # (a refusal elsewhere), and known units with the same name or a code differing
        # only in its last two characters (a second account for one legal person).
        "earlier": Registration.objects.filter(uscc=registration.uscc)
        .exclude(pk=registration.pk)
        .select_related("jurisdiction", "decided_by")
        .order_by("-created_at")[:10],
        "similar": Organisation.objects.filter(
            Q(name=registration.name) | Q(uscc__startswith=registration.uscc[:16])
        )
        .exclude(uscc=registration.uscc)
        .select_related("jurisdiction")[:10],
        "actions": actions,
        "decision_form": (form or DecisionForm(initial={"expected_state": registration.state}))
        if decides
        else None,
        "timeline": AuditEntry.objects.for_object(registration),
    }
    return render(request, "accounts/registration/detail.html", context, status=status)


@role_required(*READERS)
def registration_detail(request, pk):
    return _render_detail(request, get_registration_for_user(request.user, pk))


@role_required(*READERS)
def registration_licence(request, pk):
    registration = get_registration_for_user(request.user, pk)
    return attachment_response(registration.licence, registration.licence_name)


def _decide(request, pk, name: str):
    service, success = DECISIONS[name]
    return decide_with_opinion(
        request,
        pk,
        get=get_registration_for_user,
        check=lambda registration, by, expected: decisions.registration_check_decision(
            registration=registration, by=by, name=name, expected_state=expected
        ),
        service=lambda registration, by, reason, expected: service(
            registration=registration, by=by, reason=reason, expected_state=expected
        ),
        success=success,
        render_detail=_render_detail,
        detail="accounts:registration_detail",
        form=DecisionForm(request.POST),
    )


@require_POST
@role_required(*DECIDERS)
def registration_approve(request, pk):
    return _decide(request, pk, "approve")


@require_POST
@role_required(*DECIDERS)
def registration_return(request, pk):
    return _decide(request, pk, "return_for_correction")


@require_POST
@role_required(*DECIDERS)
def registration_refuse(request, pk):
    return _decide(request, pk, "refuse")
