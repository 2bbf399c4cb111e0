"""The lead unit's online application (联盟牵头单位在线填报, Art. 9–10).

Thin views: a filing is fetched only through ``filings_visible_to`` (404 for anyone who
may not see it), every write goes through ``filings.services`` with the values its form
parsed, and whatever a service refuses is shown as a message or a form error on the same
page, never a 500. Whether the application may be changed at all is the service's
question (``filing_check_editable``), asked before an edit page is shown. On a
validation error the edit page is rendered again with everything the user typed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Role
from accounts.permissions import role_required
from core.refusals import REFUSALS, show_refusal
from core.transitions import StaleRecord

from .. import services
from ..conformance import (
    check_conformance,
    latest_uploads,
    materials_for,
    missing_materials,
    rules_version,
)
from ..filters import MyFilingFilter
from ..forms.application import (
    AllianceForm,
    AllianceNewForm,
    DeclarationForm,
    MaterialUploadForm,
    MemberAddForm,
    MemberEditForm,
)
from ..membership import member_rows
from ..models import Filing
from ..selectors import filings_visible_to
from .common import add_service_errors, filing_for, refused, state_badge

EDIT_TEMPLATE = "filings/application/edit.html"
# The id of the draft's <form>: the fields of 添加成员单位, of each member's 修改 and of
# each material's upload belong to it (HTML's form attribute), and the buttons of those
# and of 移除 submit it, so that they send the typed draft too.
DRAFT_FORM_ID = "alliance-form"


def _in_draft_form(form):
    for field in form.fields.values():
        field.widget.attrs["form"] = DRAFT_FORM_ID
    return form


def _not_editable(request, filing: Filing):
    """The service's answer when this application cannot be changed now — a message and
    back to the filing's page — or None; 403 when it is not the user's to change."""
    try:
        services.filing_check_editable(filing=filing, by=request.user)
    except REFUSALS as error:
        return refused(request, filing, error)
    return None


def _latest_materials(filing: Filing) -> list[dict]:
    """The Art. 10 materials of the filing's version, one row per kind: the newest upload
    counts."""
    latest = {m.kind: m for m in latest_uploads(filing)}
    return [
        {"kind": m.kind, "label": m.title, "rule": m, "material": latest.get(m.kind)}
        for m in materials_for(filing)
    ]


def _edit_context(
    request,
    filing: Filing,
    *,
    alliance_form=None,
    member_form=None,
    member_forms=None,
    upload_form=None,
    declaration_form=None,
) -> dict:
    alliance = filing.alliance
    members = member_rows(alliance, editable=filing.is_editable)
    bound_member_forms = member_forms or {}
    for member in members:
        member.edit_form = _in_draft_form(
            bound_member_forms.get(member.pk)
            or MemberEditForm(member=member, lead_unit_id=alliance.lead_unit_id)
        )
    materials = _latest_materials(filing)
    for row in materials:
        bound_here = (
            upload_form is not None and upload_form.data.get("material-kind") == row["kind"]
        )
        row["form"] = _in_draft_form(
            upload_form if bound_here else MaterialUploadForm(kind=row["kind"], rule=row["rule"])
        )
    checks = check_conformance(alliance, filing)
    missing = missing_materials(filing)
    declarable = [c for c in checks if c.declaration]
    submit_blockers = [
        _("第九条第%(n)d项（%(title)s）不符合。") % {"n": c.number, "title": c.title}
        for c in checks
        if c.failed
    ]
    if missing:
        submit_blockers.append(_("第十条材料未上传：%(items)s。") % {"items": "、".join(missing)})
    return {
        "filing": filing,
        "alliance": alliance,
        "state_badge": state_badge(filing),
        # An invalid form is shown as typed; the heading and checklist show what is saved.
        "form": alliance_form
        or AllianceForm(alliance=alliance, version=rules_version(alliance, filing)),
        "member_form": _in_draft_form(member_form or MemberAddForm()),
        "draft_form_id": DRAFT_FORM_ID,
        # On member rows, out of the error summary's sight (core.form_errors).
        "error_forms": list(bound_member_forms.values()),
        "members": members,
        "materials": materials,
        "checks": checks,
        "policy_version": rules_version(alliance, filing),
        "declaration_form": declaration_form
        or DeclarationForm(checks=declarable, initial={"keys": filing.declarations}),
        "missing_materials": missing,
        "submit_blockers": submit_blockers,
    }


def _render_edit(request, filing: Filing, message: str, **forms):
    """The edit page again with the invalid form as typed — unless the application may
    no longer be changed, which the user learns first."""
    refusal = _not_editable(request, filing)
    if refusal:
        return refusal
    messages.error(request, message)
    return render(request, EDIT_TEMPLATE, _edit_context(request, filing, **forms))


# --- Pages --------------------------------------------------------------------------------


@role_required(Role.LEAD_UNIT)
@require_safe
def my_filings(request):
    filterset = MyFilingFilter(
        request.GET, queryset=filings_visible_to(request.user).order_by("-created_at")
    )
    filings = list(filterset.qs)
    for filing in filings:
        filing.state_badge = state_badge(filing)
    return render(
        request, "filings/application/my_filings.html", {"filings": filings, "filter": filterset}
    )


@role_required(Role.LEAD_UNIT)
def alliance_new(request):
    form = AllianceNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.alliance_create(by=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, "filings/application/new.html", {"form": form})
        messages.success(
            request,
            _("已创建联盟“%(name)s”的备案申请草稿，请继续填写。") % {"name": filing.alliance.name},
        )
        return redirect("filings:edit", filing.pk)
    return render(request, "filings/application/new.html", {"form": form})


@role_required(Role.LEAD_UNIT)
def filing_edit(request, pk):
    filing = filing_for(request.user, pk)
    if request.method != "POST":
        return _not_editable(request, filing) or render(
            request, EDIT_TEMPLATE, _edit_context(request, filing)
        )
    form = AllianceForm(request.POST, version=rules_version(filing.alliance, filing))
    unsaved = _save_draft(request, filing, form, _("草稿未保存：请按红色提示修改后再保存。"))
    if unsaved:
        return unsaved
    messages.success(request, _("草稿已保存"))
    return redirect("filings:edit", filing.pk)


def save_typed_draft_first(request, filing: Filing, failed: str, not_done: str, **typed):
    """Save the draft as typed on the edit page, which the member and material buttons
    send too (typed text is never lost to another action of the page): None once saved —
    or when the POST carries no draft — else the page to show (``_save_draft``)."""
    if "loaded_at" not in request.POST:
        return None
    form = AllianceForm(request.POST, version=rules_version(filing.alliance, filing))
    unsaved = _save_draft(request, filing, form, failed, not_done, **typed)
    if not unsaved:
        messages.success(request, _("草稿已保存"))
    return unsaved


def _save_draft(request, filing: Filing, form, failed: str, not_done: str = "", **typed):
    """Save the typed draft ``form``: None once saved, else the page to show — the edit
    page with the draft as typed and its errors (``failed`` said; ``typed``: the page's
    other forms as typed), the stale-draft page, or a refusal. ``not_done`` names the
    action that was to follow and did not happen."""
    if form.is_valid():
        data = dict(form.cleaned_data)
        loaded_at = data.pop("loaded_at")
        try:
            # The page shown next, if any, starts from what is saved now.
            filing.alliance = services.filing_save_draft(
                filing=filing, by=request.user, data=data, loaded_at=loaded_at
            )
        except StaleRecord:
            return _stale_draft(request, filing, form, not_done)
        except ValidationError as error:
            add_service_errors(form, error)
        except REFUSALS as error:
            return refused(request, filing, error)
        else:
            return None
    return _render_edit(request, filing, failed, alliance_form=form, **typed)


def _stale_draft(request, filing: Filing, form, not_done: str = ""):
    """Someone saved the draft since this page was loaded: say so, and show what this
    user typed (not saved) against the newest version, so that nothing is lost either way."""
    refusal = _not_editable(request, filing)
    if refusal:
        return refusal
    if not_done:
        messages.error(request, not_done)
    messages.error(
        request,
        _(
            "该记录已被他人修改（可能在另一个窗口或由本单位其他人员保存）。下方是您刚才填写、"
            "尚未保存的内容；请核对后再点“保存草稿”，保存后将以您的内容为准。"
        ),
    )
    typed = form.data.copy()
    filing.alliance.refresh_from_db(fields=["updated_at"])
    typed["loaded_at"] = filing.alliance.updated_at.isoformat()
    form = AllianceForm(typed, version=rules_version(filing.alliance, filing))
    return render(request, EDIT_TEMPLATE, _edit_context(request, filing, alliance_form=form))


# --- Members (Art. 9(1), 9(3)) ---------------------------------------------------------------


@require_POST
@role_required(Role.LEAD_UNIT)
def member_add(request, pk):
    filing = filing_for(request.user, pk)
    form = MemberAddForm(request.POST)
    unsaved = save_typed_draft_first(
        request,
        filing,
        _("草稿未保存，成员单位也未添加：请按红色提示修改草稿后，再点“添加成员单位”。"),
        _("成员单位未添加。"),
        member_form=form,
    )
    if unsaved:
        return unsaved
    if form.is_valid():
        try:
            member = services.member_add(
                filing=filing,
                by=request.user,
                organisation=form.organisation,
                new_organisation=form.new_organisation,
                role=form.cleaned_data["role"],
                task_division=form.cleaned_data["task_division"],
                charter_signed=form.cleaned_data["charter_signed"],
            )
        except ValidationError as error:
            add_service_errors(form, error, field="uscc")
        except REFUSALS as error:
            return refused(request, filing, error)
        else:
            messages.success(
                request, _("已添加成员单位“%(name)s”。") % {"name": member.organisation.name}
            )
            return redirect("filings:edit", filing.pk)
    return _render_edit(
        request,
        filing,
        _("成员单位未添加：请按“添加成员单位”中的红色提示修改。"),
        member_form=form,
    )


def _member_of(filing: Filing, member_pk):
    # Only this filing's alliance's members: never an unscoped lookup.
    return get_object_or_404(filing.alliance.members.select_related("organisation"), pk=member_pk)


@require_POST
@role_required(Role.LEAD_UNIT)
def member_edit(request, pk, member_pk):
    filing = filing_for(request.user, pk)
    member = _member_of(filing, member_pk)
    form = MemberEditForm(request.POST, member=member, lead_unit_id=filing.alliance.lead_unit_id)
    unsaved = save_typed_draft_first(
        request,
        filing,
        _("草稿未保存，成员信息也未保存：请按红色提示修改草稿后，再点“保存成员信息”。"),
        _("成员信息未保存。"),
        member_forms={member.pk: form},
    )
    if unsaved:
        return unsaved
    if form.is_valid():
        try:
            services.member_update(
                filing=filing, by=request.user, member=member, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except REFUSALS as error:
            return refused(request, filing, error)
        else:
            messages.success(
                request, _("已更新成员单位“%(name)s”。") % {"name": member.organisation.name}
            )
            return redirect("filings:edit", filing.pk)
    return _render_edit(
        request, filing, _("成员信息未保存：请按红色提示修改。"), member_forms={member.pk: form}
    )


@require_POST
@role_required(Role.LEAD_UNIT)
def member_remove(request, pk, member_pk):
    filing = filing_for(request.user, pk)
    member = _member_of(filing, member_pk)
    unsaved = save_typed_draft_first(
        request,
        filing,
        _("草稿未保存，成员单位也未移除：请按红色提示修改草稿后，再点“移除”。"),
        _("成员单位未移除。"),
    )
    if unsaved:
        return unsaved
    try:
        services.member_remove(filing=filing, by=request.user, member=member)
    except ValidationError as error:
        show_refusal(request, error)
    except REFUSALS as error:
        return refused(request, filing, error)
    else:
        messages.success(
            request, _("已移除成员单位“%(name)s”。") % {"name": member.organisation.name}
        )
    return redirect("filings:edit", filing.pk)


# --- Materials (Art. 10) --------------------------------------------------------------------


@require_POST
@role_required(Role.LEAD_UNIT)
def material_upload(request, pk):
    filing = filing_for(request.user, pk)
    # A file cannot be shown again as chosen: the user is told to choose it again.
    unsaved = save_typed_draft_first(
        request,
        filing,
        _("草稿未保存，文件也未上传：请按红色提示修改草稿后，重新选择文件上传。"),
        _("文件未上传，请重新选择文件。"),
    )
    if unsaved:
        return unsaved
    kind = request.POST.get("material-kind", "")
    rule = next((m for m in materials_for(filing) if m.kind == kind), None)
    form = MaterialUploadForm(
        request.POST, request.FILES, kind=kind, rule=rule, kinds=materials_for(filing)
    )
    if form.is_valid():
        try:
            material = services.material_upload(
                filing=filing,
                by=request.user,
                kind=form.cleaned_data["kind"],
                uploaded=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_service_errors(form, error, field="file")
        except REFUSALS as error:
            return refused(request, filing, error)
        else:
            messages.success(
                request,
                _("已上传%(kind)s：%(name)s。")
                % {"kind": rule.title if rule else material.kind, "name": material.original_name},
            )
            return redirect("filings:edit", filing.pk)
    message = _("文件未上传：请按红色提示处理后重新选择文件。")
    if rule is None and form.errors.get("kind"):
        # Not a material of the filing's version: there is no row to show the error on.
        message = _("文件未上传：%(error)s") % {"error": form.errors["kind"][0]}
    return _render_edit(request, filing, message, upload_form=form)


# --- Declarations (Art. 9 conditions the portal cannot check) ------------------------------


@require_POST
@role_required(Role.LEAD_UNIT)
def declarations_save(request, pk):
    filing = filing_for(request.user, pk)
    checks = [c for c in check_conformance(filing.alliance, filing) if c.declaration]
    form = DeclarationForm(request.POST, checks=checks)
    if form.is_valid():
        try:
            services.filing_declare(filing=filing, by=request.user, keys=form.cleaned_data["keys"])
        except ValidationError as error:
            add_service_errors(form, error, field="keys")
        except REFUSALS as error:
            return refused(request, filing, error)
        else:
            messages.success(request, _("已保存声明。"))
            return redirect("filings:edit", filing.pk)
    return _render_edit(request, filing, _("声明未保存，请检查。"), declaration_form=form)
