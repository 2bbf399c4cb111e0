"""Reading, deciding and downloading filings (Art. 10–11).

Thin views: every filing is fetched through ``filings_visible_to`` (404 for anyone who may
not see it), every decision goes through ``filings.services`` and every outcome the
service can raise is mapped to a page the user understands, never a 500.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_fsm import ConcurrentTransition

from accounts.models import Role
from accounts.permissions import STAFF_ROLES, role_required
from audit.models import AuditEntry

from . import rules, selectors, services
from .conformance import check_conformance, missing_materials
from .filters import CountyQueueFilter, MunicipalQueueFilter
from .forms_review import ACTION_FORMS, TEXT_FIELDS
from .models import Alliance, Filing, FilingDocument
from .services import TRANSITION_LABELS, StaleRecord, TransitionRefused

PAGE_SIZE = 25
# A filing waiting longer than this is highlighted in the queues (a policy number: a
# REVIEW_LATE_AFTER_DAYS setting overrides it).
LATE_AFTER_DAYS = getattr(settings, "REVIEW_LATE_AFTER_DAYS", 15)

STATE_BADGES = {
    Filing.State.DRAFT: "text-bg-secondary",
    Filing.State.COUNTY_REVIEW: "text-bg-info",
    Filing.State.RETURNED: "text-bg-warning",
    Filing.State.MUNICIPAL_REVIEW: "text-bg-primary",
    Filing.State.FILED: "text-bg-success",
    Filing.State.REJECTED: "text-bg-danger",
    Filing.State.WITHDRAWN: "text-bg-dark",
}

# The decisions the filing page may offer, in the order shown, with their URL names.
ACTION_URLS = {
    "submit": "filings:submit",
    "resubmit": "filings:submit",
    "withdraw": "filings:withdraw",
    "recommend": "filings:recommend",
    "approve": "filings:approve",
    "return_for_revision": "filings:return",
    "reject": "filings:reject",
}
ACTION_BUTTONS = {
    "submit": "btn-primary",
    "resubmit": "btn-primary",
    "withdraw": "btn-outline-secondary",
    "recommend": "btn-success",
    "approve": "btn-success",
    "return_for_revision": "btn-warning",
    "reject": "btn-danger",
}

# Alliance fields shown elsewhere on the page (lead unit) or internal to the system.
HIDDEN_ALLIANCE_FIELDS = {"id", "created_at", "updated_at"}

ROLE_LABELS = dict(Role.choices)
STATE_LABELS = dict(Filing.State.choices)


def _filing_for(user, pk) -> Filing:
    return get_object_or_404(selectors.filings_visible_to(user), pk=pk)


def _transition_meta(filing: Filing, name: str):
    return getattr(filing, name)._django_fsm  # django-fsm's transition metadata


def _available_actions(filing: Filing, user) -> list[str]:
    """The transitions ``user`` may take from the current state (the legal conditions are
    checked on POST, where a failure is explained, so the button is not hidden for them)."""
    return [
        name
        for name in ACTION_URLS
        if _transition_meta(filing, name).has_transition(filing.state)
        and _transition_meta(filing, name).has_transition_perm(filing, filing.state, user)
    ]


def _alliance_fields(alliance: Alliance) -> list[tuple[str, object]]:
    rows = []
    for field in Alliance._meta.concrete_fields:
        if field.name in HIDDEN_ALLIANCE_FIELDS or field.is_relation:
            continue
        if field.choices:
            value = getattr(alliance, f"get_{field.name}_display")()
        else:
            value = getattr(alliance, field.name)
        rows.append((field.verbose_name, value))
    return rows


def _latest_materials(filing: Filing):
    """Art. 10: the newest upload of each kind is the one that counts."""
    latest = {}
    for material in filing.materials.order_by("kind", "-uploaded_at", "-pk"):
        latest.setdefault(material.kind, material)
    return list(latest.values())


def _timeline(filing: Filing) -> list[AuditEntry]:
    entries = list(AuditEntry.objects.for_object(filing))
    for entry in entries:
        # Labels from the values recorded then: a user's role may have changed since.
        entry.role_label = ROLE_LABELS.get(entry.actor_role, entry.actor_role)
        entry.source_label = STATE_LABELS.get(entry.source, entry.source)
        entry.target_label = STATE_LABELS.get(entry.target, entry.target)
    return entries


def _detail_context(request, filing: Filing, bound: dict | None = None) -> dict:
    user = request.user
    alliance = filing.alliance
    actions = []
    for name in _available_actions(filing, user):
        form = (bound or {}).get(name) or ACTION_FORMS[name](
            action=name, initial={"expected_state": filing.state}
        )
        actions.append(
            {
                "name": name,
                "label": TRANSITION_LABELS[name],
                "url": reverse(ACTION_URLS[name], args=[filing.pk]),
                "form": form,
                "button": ACTION_BUTTONS[name],
            }
        )
    checks = check_conformance(alliance)
    missing = missing_materials(filing)
    return {
        "filing": filing,
        "alliance": alliance,
        "state_badge": STATE_BADGES.get(filing.state, "text-bg-secondary"),
        "alliance_fields": _alliance_fields(alliance),
        "members": alliance.members.select_related(
            "organisation", "organisation__jurisdiction"
        ).order_by("pk"),
        "materials": _latest_materials(filing),
        "documents": filing.documents.all(),
        "checks": checks,
        "missing_materials": missing,
        "conditions_fail": any(c.failed for c in checks) or bool(missing),
        "timeline": _timeline(filing),
        "actions": actions,
        "can_edit": filing.is_editable and rules.is_lead_unit_of(filing, user),
        "is_lead_unit": rules.is_lead_unit_of(filing, user),
    }


def _render_detail(request, filing: Filing, bound: dict | None = None):
    return render(request, "filings/detail.html", _detail_context(request, filing, bound))


@require_safe
@login_required
def filing_detail(request, pk):
    return _render_detail(request, _filing_for(request.user, pk))


# --- Decisions ------------------------------------------------------------------------


def _refusal(filing: Filing, name: str, user, expected_state) -> str | None:
    """Why ``user`` cannot take ``name`` now, checked in the services' order (stale page,
    state, permission), for a form that is invalid and never reaches the service."""
    if expected_state and expected_state != filing.state:
        return str(StaleRecord.message)
    meta = _transition_meta(filing, name)
    if not meta.has_transition(filing.state):
        return _("申请当前状态为“%(state)s”，不能执行“%(action)s”。") % {
            "state": filing.get_state_display(),
            "action": TRANSITION_LABELS[name],
        }
    if not meta.has_transition_perm(filing, filing.state, user):
        raise PermissionDenied
    return None


def _success_message(name: str, filing: Filing) -> str:
    params = {
        "name": filing.alliance.name,
        "bureau": filing.jurisdiction.bureau_name if filing.jurisdiction else "",
        "letter": filing.recommendation_number,
        "number": filing.alliance.filing_number or "",
    }
    text = {
        "submit": _("备案申请已提交%(bureau)s初审。"),
        "resubmit": _("备案申请已修改并重新提交%(bureau)s初审。"),
        "withdraw": _("备案申请已撤回。"),
        "recommend": _("已推荐“%(name)s”备案，推荐公函%(letter)s已出具，申请已转市科技局审核。"),
        "return_for_revision": _("已将“%(name)s”的备案申请退回牵头单位修改。"),
        "reject": _("已对“%(name)s”作出不予备案决定。"),
        "approve": _("“%(name)s”已予以备案，备案编号%(number)s，备案通知书已出具。"),
    }[name]
    return text % params


def _after_decision(user, filing: Filing):
    """Reviewers go back to their queue for the next filing; everyone else sees the record."""
    if user.is_county_reviewer:
        return redirect("filings:county_queue")
    if user.is_municipal_staff:
        return redirect("filings:municipal_queue")
    return redirect("filings:detail", pk=filing.pk)


def _decide(request, pk, name: str, service):
    filing = _filing_for(request.user, pk)
    if name == "submit" and filing.state == Filing.State.RETURNED:
        name = "resubmit"
    form = ACTION_FORMS[name](request.POST, action=name)
    expected_state = request.POST.get("expected_state") or None
    text_field = TEXT_FIELDS.get(name)
    if not form.is_valid():
        refusal = _refusal(filing, name, request.user, expected_state)
        if refusal:
            messages.error(request, refusal)
            return redirect("filings:detail", pk=filing.pk)
        return _render_detail(request, filing, bound={name: form})
    kwargs = {text_field: form.cleaned_data[text_field]} if text_field else {}
    try:
        decided = service(filing=filing, by=request.user, expected_state=expected_state, **kwargs)
    except (StaleRecord, ConcurrentTransition):
        messages.error(request, str(StaleRecord.message))
        return redirect("filings:detail", pk=filing.pk)
    except TransitionRefused as refused:
        for reason in refused.reasons:
            messages.error(request, reason)
        return redirect("filings:detail", pk=filing.pk)
    except ValidationError as error:
        form.add_error(text_field, error)
        return _render_detail(request, filing, bound={name: form})
    messages.success(request, _success_message(name, decided))
    return _after_decision(request.user, decided)


@require_POST
@login_required
def filing_submit(request, pk):
    return _decide(request, pk, "submit", services.filing_submit)


@require_POST
@login_required
def filing_withdraw(request, pk):
    return _decide(request, pk, "withdraw", services.filing_withdraw)


@require_POST
@login_required
def filing_recommend(request, pk):
    return _decide(request, pk, "recommend", services.filing_recommend)


@require_POST
@login_required
def filing_return(request, pk):
    return _decide(request, pk, "return_for_revision", services.filing_return)


@require_POST
@login_required
def filing_reject(request, pk):
    return _decide(request, pk, "reject", services.filing_reject)


@require_POST
@login_required
def filing_approve(request, pk):
    return _decide(request, pk, "approve", services.filing_approve)


# --- Downloads -----------------------------------------------------------------------


def _attachment(file_field, filename: str, content_type: str) -> FileResponse:
    try:
        handle = file_field.open("rb")
    except OSError as missing:
        # A record whose file is gone is a storage fault; say so instead of a 500.
        raise Http404(_("文件不存在或已被移除，请联系保定市科学技术局。")) from missing
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def material_download(request, pk, material_pk):
    filing = _filing_for(request.user, pk)
    material = get_object_or_404(filing.materials, pk=material_pk)
    return _attachment(material.file, material.original_name, material.content_type)


@require_safe
@login_required
def document_download(request, pk, document_pk):
    filing = _filing_for(request.user, pk)
    document = get_object_or_404(filing.documents, pk=document_pk)
    # Official documents are named in Chinese whatever the interface language.
    with translation.override("zh-hans"):
        kind = FilingDocument.Kind(document.kind).label
        filename = f"{kind}-{document.reference_number}.pdf"
    return _attachment(document.file, filename, "application/pdf")


# --- Queues --------------------------------------------------------------------------


def _queue(request, queryset, filter_class, *, title: str, municipal: bool):
    filterset = filter_class(request.GET, queryset=queryset)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page_obj": page,
        "municipal": municipal,
        "late_after_days": LATE_AFTER_DAYS,
        "title": title,
    }
    return render(request, "filings/review/queue.html", context)


@require_safe
@role_required(Role.COUNTY_REVIEWER)
def county_queue(request):
    """Art. 11 初审: only filings whose lead unit is in the reviewer's jurisdiction."""
    return _queue(
        request,
        selectors.county_queue(request.user),
        CountyQueueFilter,
        title=_("初审队列"),
        municipal=False,
    )


@require_safe
@role_required(*STAFF_ROLES)
def municipal_queue(request):
    """Art. 11 市级审核: recommended filings of every jurisdiction."""
    return _queue(
        request,
        selectors.municipal_queue(request.user),
        MunicipalQueueFilter,
        title=_("备案审核队列"),
        municipal=True,
    )
