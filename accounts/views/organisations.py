"""The unit's page: its legal facts, its contact details (edited directly, audited), and
its change requests with the form to ask for (or, for municipal staff, make) a change."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from core.refusals import REFUSALS, refusal_to_form

from .. import rules, services
from ..filters import OrganisationFilter
from ..forms import ContactForm, OrganisationChangeForm, OrganisationForm
from ..models import Organisation, OrganisationChange, Role
from ..models.changes import fact_display, fact_label
from ..permissions import ACCOUNT_STAFF_ROLES as STAFF_ROLES
from ..permissions import role_required
from ..selectors import organisation_changes_visible_to, organisations_visible_to
from .common import PAGE_SIZE, get_organisation_for_user

READERS = (*STAFF_ROLES, Role.COUNTY_REVIEWER, Role.LEAD_UNIT)
CONTACT_EDITORS = (*STAFF_ROLES, Role.LEAD_UNIT)
CHANGE_MAKERS = (Role.LEAD_UNIT, Role.MUNICIPAL_STAFF)


@role_required(*STAFF_ROLES, Role.COUNTY_REVIEWER)
def organisation_list(request):
    filterset = OrganisationFilter(request.GET, queryset=organisations_visible_to(request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "accounts/organisation_list.html", {"filter": filterset, "page_obj": page}
    )


@role_required(*STAFF_ROLES)
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(by=request.user, values=form.cleaned_data)
        except REFUSALS as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, _("已登记单位“%(name)s”。") % {"name": organisation.name})
            return redirect("accounts:organisation_list")
    return render(request, "accounts/organisation_form.html", {"form": form})


def _facts(organisation, fields):
    return [(fact_label(f), fact_display(f, getattr(organisation, f))) for f in fields]


def render_unit_page(request, organisation, *, contact_form=None, change_form=None, status=200):
    user = request.user
    pending = organisation.change_requests.filter(state=OrganisationChange.State.PENDING).first()
    may_edit_contact = rules.may_edit_contact(organisation, user)
    records_directly = rules.may_record_change(organisation, user)
    may_change = records_directly or rules.may_request_change(organisation, user)
    if may_change and change_form is None and pending is None:
        change_form = OrganisationChangeForm.for_organisation(organisation)
    if may_edit_contact and contact_form is None:
        contact_form = ContactForm.for_organisation(organisation)
    context = {
        "organisation": organisation,
        "legal_facts": _facts(organisation, Organisation.LEGAL_FACTS),
        "contact_facts": _facts(organisation, Organisation.CONTACT_FIELDS),
        "contact_form": contact_form if may_edit_contact else None,
        "change_form": change_form if may_change else None,
        "records_directly": records_directly,
        "pending": pending,
        "requests": organisation_changes_visible_to(user).filter(organisation=organisation)[:20],
        "timeline": AuditEntry.objects.for_object(organisation),
    }
    return render(request, "accounts/organisation_detail.html", context, status=status)


@role_required(*READERS)
def organisation_detail(request, pk):
    return render_unit_page(request, get_organisation_for_user(request.user, pk))


@role_required(*CONTACT_EDITORS)
def organisation_edit(request, pk):
    """GET: the unit's page; POST: its contact details. Nothing else of the unit changes
    here, whatever else is posted: its legal facts change through a request."""
    organisation = get_organisation_for_user(request.user, pk)
    if request.method != "POST":
        return render_unit_page(request, organisation)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.organisation_update_contact(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except REFUSALS as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, _("联系方式已保存。"))
            return redirect("accounts:organisation_detail", pk=organisation.pk)
    return render_unit_page(request, organisation, contact_form=form)


@require_POST
@role_required(*CHANGE_MAKERS)
def organisation_change_new(request, pk):
    organisation = get_organisation_for_user(request.user, pk)
    form = OrganisationChangeForm(request.POST)
    if form.is_valid():
        try:
            change = services.organisation_change_submit(
                organisation=organisation,
                by=request.user,
                values=form.facts(),
                reason=form.cleaned_data["reason"],
            )
        except REFUSALS as error:
            refusal_to_form(form, error)
        else:
            if change.state == OrganisationChange.State.APPROVED:
                messages.success(request, _("登记信息已变更，变更前后的信息已记入变更记录。"))
            else:
                messages.success(
                    request,
                    _("变更申请已提交，审核通过后生效。审核结果会通知您，也可在本页查看。"),
                )
            return redirect("accounts:organisation_detail", pk=organisation.pk)
    else:
        # The typed values stay on the form; say too if no request can be made now.
        try:
            services.organisation_change_check(organisation=organisation, by=request.user)
        except REFUSALS as error:
            refusal_to_form(form, error)
    return render_unit_page(request, organisation, change_form=form)
