"""The random draw of evaluators and the redraw of one (Art. 15 "经评审"; issue 15 item 13).

A draw fills, for every submitted application of the round, the panel up to the number of
experts staff set, **all or nothing**: when the pool cannot fill one application's panel
without a conflict, nothing is drawn for any, and staff are told which applications fall
short and by how many. Both hold the round's row lock (then the applications', in
primary-key order) for the whole transaction, so two staff drawing at once, or drawing
while another assigns by hand, cannot put one panel together twice.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from audit.models import in_log_language, record
from core import outbox, transitions
from filings.models import AllianceMember

from .. import draw as drawing
from ..models import Application, Assignment, ExpertDraw, SubsidyRound
from .evaluation import check_panel_change
from .rounds import lock_round


def pool() -> list[drawing.Candidate]:
    """Every active evaluator, in primary-key order (the order a draw shuffles)."""
    return [
        drawing.Candidate(
            user.pk,
            user.get_full_name() or user.username,
            user.organisation_id,
            user.organisation.name if user.organisation_id else "",
        )
        for user in User.objects.filter(role=Role.EVALUATOR, is_active=True)
        .select_related("organisation")
        .order_by("pk")
    ]


def _panels(applications, candidates, need_of) -> list[drawing.Panel]:
    """What the draw sees for each application: its conflicts and its panel so far."""
    ids = [a.pk for a in applications]
    members: dict[int, set[int]] = {}
    for alliance_id, org_id in AllianceMember.objects.filter(
        alliance_id__in={a.alliance_id for a in applications}
    ).values_list("alliance_id", "organisation_id"):
        members.setdefault(alliance_id, set()).add(org_id)
    on_panel: dict[int, list[Assignment]] = {}
    for assignment in Assignment.objects.filter(application__in=ids).select_related("evaluator"):
        on_panel.setdefault(assignment.application_id, []).append(assignment)
    panels = []
    for application in applications:
        conflicts = members.get(application.alliance_id, set()) | {
            application.alliance.lead_unit_id
        }
        panel = drawing.Panel(
            application.pk, application.alliance.name, need_of(application), candidates
        )
        for candidate in candidates:
            if candidate.organisation_id in conflicts:
                panel.excluded[candidate.pk] = drawing.MEMBER
        for assignment in on_panel.get(application.pk, []):
            if assignment.is_withdrawn:
                panel.excluded[assignment.evaluator_id] = drawing.WAS_ON_PANEL
            else:
                panel.excluded[assignment.evaluator_id] = drawing.ON_PANEL
                if assignment.evaluator.organisation_id:
                    panel.taken_organisations.add(assignment.evaluator.organisation_id)
        panels.append(panel)
    return panels


def _active_counts(applications) -> dict[int, int]:
    counts = {a.pk: 0 for a in applications}
    for app_id in Assignment.objects.filter(
        application__in=applications, withdrawn_at__isnull=True
    ).values_list("application_id", flat=True):
        counts[app_id] += 1
    return counts


def _names(rows) -> str:
    return "、".join(name for _pk, name, *_rest in rows) or "—"


def _panel_text(entry: dict) -> str:
    """One application's part of the audit entry: candidates, drawn, skipped and why."""
    return _(
        "“%(alliance)s”（申请%(app)d）：候选%(n)d人（%(candidates)s）；抽中：%(drawn)s；"
        "跳过：%(skipped)s"
    ) % {
        "alliance": entry["alliance"],
        "app": entry["application"],
        "n": len(entry["candidates"]),
        "candidates": _names(entry["candidates"]),
        "drawn": _names(entry["drawn"]),
        "skipped": "；".join(f"{name or pk}（{why}）" for pk, name, why in entry["skipped"]) or "—",
    }


def draw_text(draw: ExpertDraw) -> str:
    """The audit entry's reason: the seed, then each application's candidates and outcome."""

    def build():
        head = _("随机种子：%(seed)s；每份申请%(n)d人。") % {
            "seed": draw.seed,
            "n": draw.per_application,
        }
        if draw.reason:
            head += _("重新抽取理由：%(reason)s。") % {"reason": draw.reason}
        return "\n".join([head, *(_panel_text(entry) for entry in draw.record)])

    return in_log_language(build)


def _assign_drawn(panels, *, by) -> list[Assignment]:
    from ..tasks import send_assignment_notice

    created = []
    for panel in panels:
        for candidate in panel.drawn:
            assignment = Assignment.objects.create(
                application_id=panel.application, evaluator_id=candidate.pk, assigned_by=by
            )
            created.append(assignment)
            outbox.enqueue(send_assignment_notice, assignment.pk)
    return created


def _lock_applications(round_, *pks) -> list[Application]:
    qs = Application.objects.filter(round=round_, state=Application.State.SUBMITTED)
    if pks:
        qs = qs.filter(pk__in=pks)
    return list(qs.select_for_update(of=("self",)).select_related("alliance").order_by("pk"))


def short_message(panels) -> str:
    return (
        _("评审专家不足，本次未抽取任何专家：")
        + "；".join(
            _("“%(alliance)s”的申请需要%(need)d位，排除利益冲突后只能抽取%(got)d位")
            % {"alliance": p.alliance, "need": p.need, "got": len(p.drawn)}
            for p in panels
        )
        + _("。请增加评审专家或减少每份申请的人数。")
    )


@transaction.atomic
def draw_panels(*, round_, by, per_application: int, seed: str | None = None) -> ExpertDraw:
    """Draw, for every submitted application whose panel is short, the experts it lacks."""
    round_ = lock_round(round_)
    check_panel_change(round_=round_, by=by)
    candidates = pool()
    if not 1 <= per_application <= len(candidates):
        raise ValidationError(
            {
                "per_application": _("每份申请的评审专家人数须在1到%(n)d人（专家库人数）之间。")
                % {"n": len(candidates)}
            }
        )
    applications = _lock_applications(round_)
    if not applications:
        raise ValidationError(_("本批次暂无已提交的申请，无需抽取评审专家。"))
    counts = _active_counts(applications)
    if max(counts.values()) > per_application:
        raise ValidationError(
            {
                "per_application": _("已有申请分配了%(n)d位评审专家，人数不能少于%(n)d。")
                % {"n": max(counts.values())}
            }
        )
    lacking = [a for a in applications if counts[a.pk] < per_application]
    if not lacking:
        raise ValidationError(_("本批次所有已提交的申请均已配齐评审专家，无需抽取。"))
    seed = seed or drawing.new_seed()
    panels = drawing.draw(
        seed, _panels(lacking, candidates, lambda a: per_application - counts[a.pk])
    )
    short = [p for p in panels if p.short]
    if short:
        raise ValidationError(short_message(short))
    if round_.evaluators_per_application != per_application:
        SubsidyRound.objects.filter(pk=round_.pk).update(evaluators_per_application=per_application)
        round_.evaluators_per_application = per_application
    draw = ExpertDraw.objects.create(
        round=round_,
        kind=ExpertDraw.Kind.DRAW,
        seed=seed,
        per_application=per_application,
        record=[p.as_record() for p in panels],
        drawn_by=by,
    )
    _assign_drawn(panels, by=by)
    record(
        subject=round_,
        action="draw_experts",
        action_label=gettext_lazy("随机抽取评审专家"),
        actor=by,
        reason=draw_text(draw),
    )
    for entry, application in zip(draw.record, lacking, strict=True):
        record(
            subject=application,
            action="assign",
            action_label=gettext_lazy("随机抽取评审专家"),
            actor=by,
            reason=in_log_language(lambda e=entry: _panel_text(e)),
        )
    return draw


def check_redraw(*, assignment, by) -> None:
    check_panel_change(round_=assignment.application.round, by=by)
    if assignment.is_submitted:
        raise transitions.TransitionRefused([_("该专家已提交评分，不能重新抽取。")])


@transaction.atomic
def redraw(*, assignment, by, reason: str, seed: str | None = None) -> ExpertDraw:
    """Replace one expert not yet scored (or fill the place of one who recused) by a
    random draw from the rest of the pool, with ``reason`` recorded."""
    from ..tasks import send_withdrawal_notice

    round_ = lock_round(assignment.application.round)
    (application,) = _lock_applications(round_, assignment.application_id) or [None]
    if application is None:
        raise transitions.TransitionRefused([_("只能为已提交的申请分配评审专家。")])
    assignment = Assignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    assignment.application = application
    check_redraw(assignment=assignment, by=by)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写重新抽取的理由。")})
    replacing = not assignment.is_withdrawn
    active = _active_counts([application])[application.pk] - (1 if replacing else 0)
    if active >= round_.evaluators_per_application:
        raise ValidationError(_("该申请的评审专家已配齐，无需重新抽取。"))
    if replacing:
        assignment.withdrawn_at = timezone.now()
        assignment.withdrawal = Assignment.Withdrawal.REPLACED
        assignment.withdrawal_reason = reason
        assignment.save(update_fields=["withdrawn_at", "withdrawal", "withdrawal_reason"])
    seed = seed or drawing.new_seed()
    (panel,) = drawing.draw(seed, _panels([application], pool(), lambda a: 1))
    if panel.short:
        raise ValidationError(
            _(
                "没有可替换的评审专家：专家库中其余专家均与“%(alliance)s”存在利益冲突或已分配，本次未作更改。"
            )
            % {"alliance": application.alliance.name}
        )
    draw = ExpertDraw.objects.create(
        round=round_,
        kind=ExpertDraw.Kind.REDRAW,
        seed=seed,
        per_application=round_.evaluators_per_application,
        record=[panel.as_record()],
        reason=reason,
        replaced=assignment,
        drawn_by=by,
    )
    _assign_drawn([panel], by=by)
    evaluator = assignment.evaluator.get_full_name() or assignment.evaluator.username
    text = in_log_language(
        lambda: (
            _("替换%(old)s，抽中%(new)s。")
            % {"old": evaluator, "new": _names(panel.as_record()["drawn"])}
        )
    )
    for subject in (round_, application):
        record(
            subject=subject,
            action="redraw_expert",
            action_label=gettext_lazy("重新抽取评审专家"),
            actor=by,
            reason=text + "\n" + draw_text(draw),
        )
    if replacing:
        outbox.enqueue(send_withdrawal_notice, assignment.pk)
    return draw
