"""The filing page and the decisions taken on it (Art. 10–11).

Thin views: every filing is fetched through ``filings_visible_to`` (404 for anyone who may
not see it); the buttons are the actions ``core.transitions.available`` lists for the user;
every decision goes through ``filings.services`` and whatever it refuses is shown to the
user (``core.refusals``), never a 500. Permission is the service's: a 403 propagates.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Role
from audit.models import AuditEntry
from core import transitions
from core.confirm import CONFIRMED_FIELD, ask_confirmation, is_confirmed
from core.refusals import REFUSALS

from .. import rules, services
from ..conformance import check_conformance, latest_uploads, missing_materials, rules_version
from ..forms.review import ACTION_FORMS, TEXT_FIELDS
from ..membership import member_rows
from ..models import Alliance, Filing
from ..services import TRANSITION_LABELS
from .application import save_typed_draft_first
from .common import add_service_errors, filing_for, refused, state_badge

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


def _alliance_fields(filing: Filing) -> list[tuple[str, object]]:
    alliance = filing.alliance
    rows = []
    for field in Alliance._meta.concrete_fields:
        if field.name in HIDDEN_ALLIANCE_FIELDS or field.is_relation:
            continue
        if field.name == "category":
            value = filing.category_title  # its title in the filing's policy version
        elif field.choices:
            value = getattr(alliance, f"get_{field.name}_display")()
        else:
            value = getattr(alliance, field.name)
        rows.append((field.verbose_name, value))
    return rows


def _timeline(filing: Filing) -> list[AuditEntry]:
    entries = list(AuditEntry.objects.for_object(filing))
    for entry in entries:
        # Labels from the values recorded then: a user's role may have changed since.
        entry.role_label = ROLE_LABELS.get(entry.actor_role, entry.actor_role)
        entry.source_label = STATE_LABELS.get(entry.source, entry.source)
        entry.target_label = STATE_LABELS.get(entry.target, entry.target)
    return entries


def _actions(filing: Filing, user, bound: dict | None) -> list[dict]:
    """A form per action the state allows and the user may take. One refused now by a
    legal condition is still offered: the POST explains why (``reasons``)."""
    actions = []
    for action in transitions.available(
        filing, user, names=list(ACTION_URLS), explain=services.why_not
    ):
        name = action.name
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
                "reasons": action.reasons,
            }
        )
    return actions


def _detail_context(request, filing: Filing, bound: dict | None = None) -> dict:
    user = request.user
    alliance = filing.alliance
    return {
        "filing": filing,
        "alliance": alliance,
        "state_badge": state_badge(filing),
        "alliance_fields": _alliance_fields(filing),
        "members": member_rows(alliance, editable=filing.is_editable),
        "materials": latest_uploads(filing),
        "documents": filing.documents.all(),
        "checks": check_conformance(alliance, filing),
        "policy_version": rules_version(alliance, filing),
        "missing_materials": missing_materials(filing),
        "timeline": _timeline(filing),
        "actions": _actions(filing, user, bound),
        "can_edit": filing.is_editable and rules.is_lead_unit_of(filing, user),
        "is_lead_unit": rules.is_lead_unit_of(filing, user),
    }


def _render_detail(request, filing: Filing, bound: dict | None = None):
    return render(request, "filings/detail.html", _detail_context(request, filing, bound))


@require_safe
@login_required
def filing_detail(request, pk):
    return _render_detail(request, filing_for(request.user, pk))


# --- Decisions ------------------------------------------------------------------------


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


# Decisions that cannot be taken back: asked again, with their consequence (core.confirm).
CONFIRMED_ACTIONS = {"submit", "resubmit", "approve"}


def _confirmation(request, name: str, filing: Filing, form):
    """The page asking to confirm a decision that cannot be taken back: its consequence
    in the user's terms (who reviews next, what becomes public)."""
    params = {
        "name": filing.alliance.name,
        "bureau": filing.jurisdiction.bureau_name if filing.jurisdiction else _("县级科技主管部门"),
    }
    if name in ("submit", "resubmit"):
        consequence = _(
            "提交后，“%(name)s”的备案申请将由%(bureau)s初审；初审期间草稿不能再修改，"
            "成员单位和材料也不能再增减。确定提交县级初审？"
        )
    else:
        consequence = _(
            "予以备案后，平台将为“%(name)s”编发备案编号、出具备案通知书并通知牵头单位，"
            "该联盟将列入向社会公开的已备案联盟名录。此决定不能撤回。确定予以备案？"
        )
    label = TRANSITION_LABELS[name]
    return ask_confirmation(
        request,
        title=_("请确认：%(action)s") % {"action": label},
        consequence=consequence % params,
        confirm_label=label,
        # The edit page for the lead unit's submission; the decision's page as typed.
        back=reverse("filings:edit", args=[filing.pk])
        if name in ("submit", "resubmit")
        else lambda: _render_detail(request, filing, bound={name: form}),
    )


def _save_typed_draft(request, filing: Filing):
    """提交 on the edit page sends the draft as typed (its button belongs to the draft's
    form): saved first, on the first click only — the confirmation's answer carries the
    same fields, already saved. None once saved (or nothing typed was sent), else the edit
    page with what was typed and why it was not saved (the walk: a changed draft was
    submitted as it had been saved, the change lost)."""
    if CONFIRMED_FIELD in request.POST:
        return None
    return save_typed_draft_first(
        request,
        filing,
        _("草稿未保存，申请也未提交：请按红色提示修改后再提交。"),
        _("申请未提交。"),
    )


def _decide(request, pk, name: str, service):
    filing = filing_for(request.user, pk)
    if name == "submit" and filing.state == Filing.State.RETURNED:
        name = "resubmit"
    if name in ("submit", "resubmit"):
        unsaved = _save_typed_draft(request, filing)
        if unsaved is not None:
            return unsaved
    form = ACTION_FORMS[name](request.POST, action=name)
    expected_state = request.POST.get("expected_state") or None
    try:
        if not form.is_valid():
            # The form never reaches the service; a stale page or a state that moved on
            # is still the news, in the service's own words.
            services.filing_check_action(
                filing=filing, name=name, by=request.user, expected_state=expected_state
            )
            return _render_detail(request, filing, bound={name: form})
        if name in CONFIRMED_ACTIONS and not is_confirmed(request):
            # Asked only of a valid form whose action the state still allows.
            services.filing_check_action(
                filing=filing, name=name, by=request.user, expected_state=expected_state
            )
            return _confirmation(request, name, filing, form)
        text_field = TEXT_FIELDS.get(name)
        kwargs = {text_field: form.cleaned_data[text_field]} if text_field else {}
        decided = service(filing=filing, by=request.user, expected_state=expected_state, **kwargs)
    except ValidationError as error:
        add_service_errors(form, error, field=TEXT_FIELDS.get(name))
        return _render_detail(request, filing, bound={name: form})
    except REFUSALS as error:
        return refused(request, filing, error)
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
