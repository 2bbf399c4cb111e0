"""The lead unit's online application (联盟牵头单位在线填报, Art. 9–10).

Thin views: a filing is fetched only through ``filings_visible_to`` (404 for anyone who
may not see it), every write goes through ``filings.services``, and whatever a service
refuses is shown as a message or a form error on the same page, never a 500. On a
validation error the edit page is rendered again with everything the user typed.
"""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Role
from accounts.permissions import role_required

from . import documents, services
from .conformance import check_conformance, missing_materials
from .forms import AllianceForm, AllianceNewForm, MaterialUploadForm, MemberAddForm, MemberEditForm
from .models import Filing, FilingMaterial
from .selectors import alliances_visible_to, filings_visible_to
from .services import TransitionRefused
from .views_review import STATE_BADGES

EDIT_TEMPLATE = "filings/application/edit.html"


def _filing_for(user, pk) -> Filing:
    return get_object_or_404(filings_visible_to(user), pk=pk)


def _is_lead_unit_of(user, filing: Filing) -> bool:
    return user.is_lead_unit and user.organisation_id == filing.alliance.lead_unit_id


def _refuse_edit(request, filing: Filing):
    """Why this filing cannot be changed now, and back to its page."""
    messages.error(
        request,
        _("申请当前状态为“%(state)s”，不能修改。") % {"state": filing.get_state_display()},
    )
    return redirect("filings:detail", filing.pk)


def _refused(request, filing: Filing, exc: TransitionRefused):
    for reason in exc.reasons:
        messages.error(request, reason)
    return redirect("filings:detail", filing.pk)


def _latest_materials(filing: Filing) -> list[dict]:
    """Art. 10 (2)–(4), one row per kind: the newest upload counts."""
    latest = {}
    for material in filing.materials.order_by("kind", "-uploaded_at", "-pk"):
        latest.setdefault(material.kind, material)
    return [
        {"kind": kind, "label": label, "material": latest.get(kind)}
        for kind, label in FilingMaterial.Kind.choices
    ]


def _edit_context(
    request,
    filing: Filing,
    *,
    alliance_form=None,
    member_form=None,
    member_forms=None,
    upload_form=None,
) -> dict:
    alliance = filing.alliance
    members = list(alliance.members.select_related("organisation").order_by("pk"))
    bound_member_forms = member_forms or {}
    for member in members:
        member.edit_form = bound_member_forms.get(member.pk) or MemberEditForm(instance=member)
    materials = _latest_materials(filing)
    for row in materials:
        bound_here = (
            upload_form is not None and upload_form.data.get("material-kind") == row["kind"]
        )
        row["form"] = upload_form if bound_here else MaterialUploadForm(kind=row["kind"])
    checks = check_conformance(alliance)
    missing = missing_materials(filing)
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
        "state_badge": STATE_BADGES.get(filing.state, "text-bg-secondary"),
        "form": alliance_form or AllianceForm(instance=alliance),
        "member_form": member_form or MemberAddForm(),
        "members": members,
        "materials": materials,
        "checks": checks,
        "missing_materials": missing,
        "submit_blockers": submit_blockers,
    }


def _render_edit(request, filing: Filing, **forms):
    return render(request, EDIT_TEMPLATE, _edit_context(request, filing, **forms))


def _editable_filing_for(request, pk):
    """The filing, or a response that refuses: 404 if unseen, 403 if not the lead unit's,
    a message if its state does not allow changes."""
    filing = _filing_for(request.user, pk)
    if not _is_lead_unit_of(request.user, filing):
        raise PermissionDenied
    if not filing.is_editable:
        return filing, _refuse_edit(request, filing)
    return filing, None


# --- Pages --------------------------------------------------------------------------------


@role_required(Role.LEAD_UNIT)
@require_safe
def my_filings(request):
    filings = filings_visible_to(request.user).order_by("-created_at")
    for filing in filings:
        filing.state_badge = STATE_BADGES.get(filing.state, "text-bg-secondary")
    return render(request, "filings/application/my_filings.html", {"filings": filings})


@role_required(Role.LEAD_UNIT)
def alliance_new(request):
    form = AllianceNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        filing = services.alliance_create(by=request.user, name=form.cleaned_data["name"])
        messages.success(
            request,
            _("已创建联盟“%(name)s”的备案申请草稿，请继续填写。") % {"name": filing.alliance.name},
        )
        return redirect("filings:edit", filing.pk)
    return render(request, "filings/application/new.html", {"form": form})


@role_required(Role.LEAD_UNIT)
def filing_edit(request, pk):
    filing, refused = _editable_filing_for(request, pk)
    if refused:
        return refused
    if request.method != "POST":
        return _render_edit(request, filing)
    # A separate instance: an invalid form must not change the heading and checklist,
    # which show what is saved.
    form = AllianceForm(
        request.POST, instance=alliances_visible_to(request.user).get(pk=filing.alliance_id)
    )
    if not form.is_valid():
        messages.error(request, _("草稿未保存：请按红色提示修改后再保存。"))
        return _render_edit(request, filing, alliance_form=form)
    try:
        services.filing_save_draft(filing=filing, by=request.user, form=form)
    except TransitionRefused as exc:
        return _refused(request, filing, exc)
    messages.success(request, _("草稿已保存"))
    return redirect("filings:edit", filing.pk)


# --- Members (Art. 9(1), 9(3)) ---------------------------------------------------------------


@require_POST
@role_required(Role.LEAD_UNIT)
def member_add(request, pk):
    filing, refused = _editable_filing_for(request, pk)
    if refused:
        return refused
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            # A new organisation is registered only if the member is really added.
            with transaction.atomic():
                member = services.member_add(
                    filing=filing,
                    by=request.user,
                    organisation=form.organisation_to_add(),
                    role=form.cleaned_data["role"],
                    task_division=form.cleaned_data["task_division"],
                    charter_signed=form.cleaned_data["charter_signed"],
                )
        except TransitionRefused as exc:
            return _refused(request, filing, exc)
        except ValidationError as exc:
            form.add_error("uscc", exc.messages)
        else:
            messages.success(
                request, _("已添加成员单位“%(name)s”。") % {"name": member.organisation.name}
            )
            return redirect("filings:edit", filing.pk)
    messages.error(request, _("成员单位未添加：请按“添加成员单位”中的红色提示修改。"))
    return _render_edit(request, filing, member_form=form)


def _member_of(filing: Filing, member_pk):
    # Only this filing's alliance's members: never an unscoped lookup.
    return get_object_or_404(filing.alliance.members.select_related("organisation"), pk=member_pk)


@require_POST
@role_required(Role.LEAD_UNIT)
def member_edit(request, pk, member_pk):
    filing, refused = _editable_filing_for(request, pk)
    if refused:
        return refused
    member = _member_of(filing, member_pk)
    form = MemberEditForm(request.POST, instance=member)
    if not form.is_valid():
        messages.error(request, _("成员信息未保存：请按红色提示修改。"))
        return _render_edit(request, filing, member_forms={member.pk: form})
    try:
        services.member_update(filing=filing, by=request.user, member=member, form=form)
    except TransitionRefused as exc:
        return _refused(request, filing, exc)
    messages.success(request, _("已更新成员单位“%(name)s”。") % {"name": member.organisation.name})
    return redirect("filings:edit", filing.pk)


@require_POST
@role_required(Role.LEAD_UNIT)
def member_remove(request, pk, member_pk):
    filing, refused = _editable_filing_for(request, pk)
    if refused:
        return refused
    member = _member_of(filing, member_pk)
    try:
        services.member_remove(filing=filing, by=request.user, member=member)
    except TransitionRefused as exc:
        return _refused(request, filing, exc)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("已移除成员单位“%(name)s”。") % {"name": member.organisation.name}
        )
    return redirect("filings:edit", filing.pk)


# --- Materials (Art. 10) --------------------------------------------------------------------


@require_POST
@role_required(Role.LEAD_UNIT)
def material_upload(request, pk):
    filing, refused = _editable_filing_for(request, pk)
    if refused:
        return refused
    form = MaterialUploadForm(
        request.POST, request.FILES, kind=request.POST.get("material-kind", "")
    )
    if form.is_valid():
        try:
            material = services.material_upload(
                filing=filing,
                by=request.user,
                kind=form.cleaned_data["kind"],
                uploaded=form.cleaned_data["file"],
            )
        except TransitionRefused as exc:
            return _refused(request, filing, exc)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(
                request,
                _("已上传%(kind)s：%(name)s。")
                % {"kind": material.get_kind_display(), "name": material.original_name},
            )
            return redirect("filings:edit", filing.pk)
    messages.error(request, _("文件未上传：请按红色提示处理后重新选择文件。"))
    return _render_edit(request, filing, upload_form=form)


@login_required
@require_safe
def application_form_pdf(request, pk):
    """Art. 10(2): the 备案申请书 generated from the data entered, to print and stamp."""
    filing = _filing_for(request.user, pk)
    pdf = documents.application_form_pdf(filing)
    filename = _("备案申请书-%(name)s.pdf") % {"name": filing.alliance.name}
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="application-form-{filing.pk}.pdf"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )
    return response
