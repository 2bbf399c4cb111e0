"""The system administrator's pages for the versions of the measures (issue 13): the list,
a version's page (particulars, parameters with their units and articles, and its lists),
a new draft, editing a draft, the checklist a lead unit would see under it, and the
publication after a page that states its consequences. Every write goes through
``policy.services`` (audited, drafts only); actions are POST-only."""

import datetime
import re

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from audit.models import AuditEntry
from core import transitions
from core.refusals import REFUSALS, refusal_to_form, show_refusal
from filings.conformance import check_conformance
from filings.selectors import alliances_visible_to
from policy import selectors as policy_selectors
from policy import services
from policy.models import PARAMETERS, PolicyVersion, WhenLapsed, number_for_language
from policy.validation import publish_problems

from ..policy_forms import ConfirmForm, PartForm, PublishForm, VersionForm

admin_only = role_required(Role.ADMIN)


def _version(pk) -> PolicyVersion:
    return get_object_or_404(PolicyVersion, pk=pk)


def _draft(pk) -> PolicyVersion:
    version = _version(pk)
    if version.state != PolicyVersion.State.DRAFT:
        raise Http404(_("已发布的政策版本不能修改。"))
    return version


@admin_only
def version_list(request):
    today = timezone.localdate()
    versions = list(PolicyVersion.objects.select_related("created_by", "published_by"))
    applied = policy_selectors.applied(today, fresh=True)
    for version in versions:
        version.is_in_force = version.in_force_on(today)
        version.is_applied = applied is not None and version.pk == applied.pk
    return render(request, "policy/list.html", {"versions": versions, "today": today})


@admin_only
def version_new(request):
    latest = PolicyVersion.objects.filter(state=PolicyVersion.State.PUBLISHED).first()
    form = VersionForm(
        request.POST or None,
        new=True,
        bases=PolicyVersion.objects.all(),
        initial={
            "copy_from": latest.pk if latest else None,
            **({name: getattr(latest, name) for name, _article in PARAMETERS} if latest else {}),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_create(
                by=request.user,
                copy_from=form.cleaned_data.get("copy_from"),
                data=form.data_for_service(),
            )
        except REFUSALS as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, _("草稿已建立。请逐项核对、修改后发布。"))
            return redirect("portal:policy_detail", pk=version.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "policy/version_form.html", {"form": form, "new": True}, status=status)


def _parameters(version):
    rows = []
    for name, article in PARAMETERS:
        field = PolicyVersion._meta.get_field(name)
        value = getattr(version, name)
        if isinstance(value, list):
            value = "、".join(str(v) for v in value)
        elif isinstance(value, int) and name.endswith("_yuan"):
            value = f"{value:,}"
        rows.append(
            {
                "label": field.verbose_name,
                "value": value,
                "article": _("第%(n)s条") % {"n": number_for_language(article)},
                "help": field.help_text,
            }
        )
    return rows


def _lists(version):
    lists = []
    for related in ("categories", "conditions", "materials", "event_kinds", "grounds", "criteria"):
        lists.append(
            {
                "related": related,
                "label": services.PART_LABELS[related],
                "rows": list(getattr(version, related).all()),
            }
        )
    return lists


@admin_only
def version_detail(request, pk, *, confirm_form=None, status=200):
    version = _version(pk)
    draft = version.state == PolicyVersion.State.DRAFT
    actions = transitions.available(version, request.user, names=["withdraw"])
    withdraw = actions[0] if actions else None
    context = {
        "withdrawable": withdraw is not None and withdraw.allowed,
        "confirm_form": confirm_form or ConfirmForm(initial={"expected_state": version.state}),
        "version": version,
        "draft": draft,
        "parameters": _parameters(version),
        "lists": _lists(version),
        "articles": list(version.articles.all()),
        "problems": publish_problems(version) if draft else [],
        "in_force": version.in_force_on(timezone.localdate()),
        "timeline": AuditEntry.objects.for_object(version),
    }
    return render(request, "policy/detail.html", context, status=status)


@admin_only
@require_POST
def version_withdraw(request, pk):
    """Take a publication back before the version takes effect (it becomes a draft)."""
    version = _version(pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.version_withdraw(
                version=version, by=request.user, expected_state=form.cleaned_data["expected_state"]
            )
        except REFUSALS as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, _("已撤回发布，该版本恢复为草稿。"))
            return redirect("portal:policy_detail", pk=version.pk)
    return version_detail(request, pk, confirm_form=form, status=400)


@admin_only
@require_POST
def version_delete(request, pk):
    version = _draft(pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.version_delete(version=version, by=request.user)
        except REFUSALS as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, _("草稿已删除：%(version)s") % {"version": version})
            return redirect("portal:policy_list")
    return version_detail(request, pk, confirm_form=form, status=400)


@admin_only
def version_edit(request, pk):
    version = _draft(pk)
    initial = {name: getattr(version, name) for name in services.FIELDS}
    form = VersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.data_for_service().items() if initial.get(k) != v}
        try:
            if changed:
                services.version_update(version=version, by=request.user, data=changed)
        except REFUSALS as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, _("已保存。") if changed else _("没有改动。"))
            return redirect("portal:policy_detail", pk=version.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "policy/version_form.html",
        {"form": form, "version": version, "new": False},
        status=status,
    )


def _related(related: str) -> str:
    if related not in services.PARTS:
        raise Http404
    return related


@admin_only
def part_form(request, pk, related, row_pk=None):
    """Add a row to one of a draft's lists (``row_pk`` None) or change one."""
    version = _draft(pk)
    related = _related(related)
    row = None
    initial = {}
    if row_pk is not None:
        row = get_object_or_404(getattr(version, related), pk=row_pk)
        initial = {name: getattr(row, name) for name in services.PARTS[related][1]}
    form = PartForm(request.POST or None, related=related, adding=row is None, initial=initial)
    if request.method == "POST" and form.is_valid():
        identity, data = form.data_for_service()
        if row is not None:
            identity = getattr(row, services.PARTS[related][0])
        try:
            services.part_save(
                version=version,
                by=request.user,
                related=related,
                identity=identity,
                data=data,
                new=row is None,
            )
        except REFUSALS as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect(f"{version_url(version)}#{related}")
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "version": version,
        "row": row,
        "label": services.PART_LABELS[related],
        "related": related,
    }
    return render(request, "policy/part_form.html", context, status=status)


def version_url(version) -> str:
    return reverse("portal:policy_detail", args=[version.pk])


@admin_only
@require_POST
def part_delete(request, pk, related, row_pk):
    version = _draft(pk)
    related = _related(related)
    row = get_object_or_404(getattr(version, related), pk=row_pk)
    try:
        services.part_delete(
            version=version,
            by=request.user,
            related=related,
            identity=getattr(row, services.PARTS[related][0]),
        )
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("已删除：%(row)s") % {"row": row})
    return redirect(f"{version_url(version)}#{related}")


def consequences(version, today) -> list[str]:
    """What publishing ``version`` does, in the administrator's words."""
    lines = []
    start = date_format(version.effective_from, "DATE_FORMAT")
    if version.effective_from <= today:
        lines.append(_("施行日期%(start)s已到：发布后立即施行。") % {"start": start})
    else:
        before = policy_selectors.applied(
            version.effective_from - datetime.timedelta(days=1), fresh=True
        )
        lines.append(
            _("发布后自%(start)s起施行；在此之前的日子仍适用%(before)s。")
            % {"start": start, "before": before or _("（无）")}
        )
    lines.append(
        _(
            "自施行之日起，首次提交的备案申请、新立案的取消备案案件和新建的补贴批次适用本版本；"
            "此前已提交、已立案或已建立的仍适用原来的版本，其文书和理由不会改变。"
        )
    )
    if version.expires_on:
        lines.append(
            _("本版本于%(end)s失效。") % {"end": date_format(version.expires_on, "DATE_FORMAT")}
        )
    else:
        lines.append(_("本版本未设失效日期，长期有效，直至新的版本施行。"))
    published = [v for v in policy_selectors.published(fresh=True) if v.pk != version.pk]
    before = [v for v in published if v.effective_from < version.effective_from]
    after = [v for v in published if v.effective_from > version.effective_from]
    if before and before[-1].expires_on and before[-1].expires_on < version.effective_from:
        lines.append(_gap(before[-1].expires_on, version.effective_from))
    if version.expires_on is not None:
        if not after:
            lines.append(
                _("注意：本版本失效后（%(end)s起）没有施行中的版本，届时平台按系统设置%(lapsed)s。")
                % {"end": date_format(version.expires_on, "DATE_FORMAT"), "lapsed": _lapsed()}
            )
        elif version.expires_on < after[0].effective_from:
            lines.append(_gap(version.expires_on, after[0].effective_from))
    lines.extend(_summary_changes(version, today))
    return lines


def _summary_changes(version, today) -> list[str]:
    """The annual summaries whose due date publishing ``version`` moves: the summary of
    year Y is due under the version applied on 1 January of Y+1, for every alliance."""
    lines = []
    for year in range(today.year - 1, today.year + 2):
        new_year = datetime.date(year + 1, 1, 1)
        if not version.effective_from <= new_year or not (
            version.expires_on is None or new_year < version.expires_on
        ):
            continue
        due = policy_selectors.summary_due_date(year)
        if due < today:
            continue
        moved = datetime.date(year + 1, version.summary_due_month, version.summary_due_day)
        if moved != due:
            lines.append(
                _(
                    "%(year)d年度工作总结的截止日期将由%(old)s改为%(new)s，"
                    "适用于所有已备案联盟；提醒按新日期发送。"
                )
                % {
                    "year": year,
                    "old": date_format(due, "DATE_FORMAT"),
                    "new": date_format(moved, "DATE_FORMAT"),
                }
            )
    return lines


def _lapsed() -> str:
    return (
        _("继续适用最近一个已发布的版本")
        if policy_selectors.when_lapsed() == WhenLapsed.KEEP_LAST
        else _("暂停受理新的备案申请、取消备案立案和补贴批次")
    )


def _gap(start, end) -> str:
    lapsed = _lapsed()
    return _("注意：%(start)s至%(end)s之间没有施行中的版本，期间平台按系统设置%(lapsed)s。") % {
        "start": date_format(start, "DATE_FORMAT"),
        "end": date_format(end - datetime.timedelta(days=1), "DATE_FORMAT"),
        "lapsed": lapsed,
    }


@admin_only
def version_publish(request, pk):
    """GET: what publishing does, and what still keeps the draft from it; POST: publish."""
    version = _draft(pk)
    today = timezone.localdate()
    predecessor = services.predecessor_to_end(version, today)
    form = PublishForm(
        request.POST or None,
        initial={"expected_state": version.state, "predecessor": getattr(predecessor, "pk", None)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.version_publish(
                version=version,
                by=request.user,
                expected_state=form.cleaned_data["expected_state"],
                end_predecessor=form.cleaned_data["predecessor"] or 0
                if form.cleaned_data["end_predecessor"]
                else None,
            )
        except REFUSALS as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, _("已发布：%(version)s") % {"version": version})
            return redirect("portal:policy_detail", pk=version.pk)
    context = {
        "version": version,
        "form": form,
        "problems": publish_problems(version, ignoring=predecessor),
        "consequences": consequences(version, today),
        "predecessor": predecessor,
    }
    return render(
        request,
        "policy/publish.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


# Read-only: the municipal staff read a version's rules too, and try it on an alliance
# (a business read the system administrator does not make, 三员分立).
@role_required(Role.ADMIN, Role.MUNICIPAL_STAFF)
def version_preview(request, pk):
    """The Art. 9 checklist and the Art. 10 materials a lead unit would see under this
    version, optionally checked against one alliance's particulars."""
    version = _version(pk)
    query = request.GET.get("q", "").strip()[:50]
    visible = alliances_visible_to(request.user)
    found = visible.filter(name__icontains=query).order_by("name")[:20] if query else []
    alliance = None
    checks = None
    chosen = request.GET.get("alliance", "")
    if re.fullmatch(r"[0-9]{1,9}", chosen):
        alliance = visible.filter(pk=int(chosen)).first()
    if alliance is not None:
        checks = check_conformance(alliance, version=version)
    context = {
        # Trying a version on an alliance reads a business record: only for whom the
        # scoped selector gives any (not the system administrator, 三员分立).
        "can_try": visible.exists(),
        "version": version,
        "conditions": list(version.conditions.all()),
        "materials": list(version.materials.all()),
        "query": query,
        "found": found,
        "alliance": alliance,
        "checks": checks,
    }
    return render(request, "policy/preview.html", context)
