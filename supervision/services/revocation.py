"""Art. 13: 取消备案 with notice, a period to state one's case (陈述申辩), and a decision."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import in_log_language, record
from core import outbox, transitions
from core.uploads import check_upload
from core.workdays import add_working_days
from filings.issuance import issue_document, share_file
from filings.models import Alliance, IssuedDocument
from filings.numbering import next_in_sequence
from policy import selectors as policy_selectors

from .. import documents
from ..models import RevocationAttachment, RevocationCase, RevocationGround, StatementAttachment
from .common import (
    all_or_errors,
    require_lead_unit,
    require_municipal_staff,
    require_reason,
    require_transition,
    save_attachment,
)

LABELS = {
    "open": gettext_lazy("立案并送达告知书"),
    "submit_statement": gettext_lazy("提交陈述申辩"),
    "revoke": gettext_lazy("决定取消备案"),
    "dismiss": gettext_lazy("决定不予取消备案"),
    "dissolve": gettext_lazy("宣布解散"),
}


DECISION_KINDS = {
    "revoke": IssuedDocument.Kind.REVOCATION_DECISION,
    "dismiss": IssuedDocument.Kind.DISMISSAL_DECISION,
}


def _issue(case, field, *, kind, number, issued_on, render) -> None:
    """The municipal bureau issues the case's 告知书 or 决定书 through the one pipeline
    (filings.issuance); the case's file field shares the register's file."""
    issued = issue_document(
        kind=kind,
        number=number,
        issued_on=issued_on,
        alliance=case.alliance,
        render=lambda verification: render(case, verification=verification),
    )
    share_file(field, issued)
    case.save(update_fields=[field.field.name])


def _notify(case, event):
    from ..tasks import send_record_notification

    outbox.enqueue(send_record_notification, "case", case.pk, event)


def explain(case, name):
    """Why a legal condition of the case's process fails now."""
    if name == "submit_statement":
        return [
            _("陈述申辩期已于%(date)s届满，不能再提交陈述申辩。")
            % {"date": date_format(case.statement_deadline, "DATE_FORMAT")}
        ]
    if name == "revoke":
        return [
            _("陈述申辩期至%(date)s，期满或收到陈述申辩后方可作出取消备案决定。")
            % {"date": date_format(case.statement_deadline, "DATE_FORMAT")}
        ]
    return []


def _number(kind: str) -> str:
    year = timezone.localdate().year
    seq = next_in_sequence(f"revocation-{kind}:{year}")
    prefix = {"notice": "保科联告", "decision": "保科联决"}[kind]
    return f"{prefix}〔{year}〕{seq:03d}号"


def _grounds(grounds, version) -> list[str]:
    """The chosen Art. 13 grounds, each one of the version's."""
    valid = set(version.grounds.values_list("key", flat=True))
    chosen = sorted({str(g) for g in grounds})
    if not chosen or not set(chosen) <= valid:
        raise ValidationError({"grounds": _("请至少选择一项第十三条规定的取消备案情形。")})
    return chosen


OPEN_CASE = gettext_lazy("该联盟已有一件正在办理的取消备案案件。")


def _lock_for_new_case(alliance) -> Alliance:
    """The alliance, locked (a second case on it waits here); refused unless it is filed
    and has no open case."""
    alliance = Alliance.objects.select_for_update().get(pk=alliance.pk)
    if alliance.status != Alliance.Status.FILED:
        raise ValidationError(
            _("“%(name)s”的备案状态为“%(status)s”，不能立案。")
            % {"name": alliance.name, "status": alliance.get_status_display()}
        )
    if alliance.revocation_cases.filter(state__in=RevocationCase.OPEN_STATES).exists():
        raise ValidationError(OPEN_CASE)
    return alliance


#: How many files a 陈述申辩 may carry (each within the portal's upload limit).
STATEMENT_MAX_FILES = 10


def _checked_files(files, field: str, *, most: int | None = None) -> list[tuple]:
    """Each upload with what core.uploads.check_upload found (its SHA-256), or one
    ValidationError on ``field`` naming every file refused and why."""
    files = list(files)
    if most is not None and len(files) > most:
        raise ValidationError(
            {
                field: _("一次最多上传%(most)d个附件，您选择了%(n)d个，请合并或精简后再提交。")
                % {"most": most, "n": len(files)}
            }
        )
    errors, checked = [], []
    for uploaded in files:
        try:
            checked.append((uploaded, check_upload(uploaded)))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({field: errors})
    return checked


def _checked_evidence(evidence) -> list:
    return [uploaded for uploaded, _checked in _checked_files(evidence, "evidence")]


def case_version():
    """The policy version a case opened now is bound to (read afresh), or
    TransitionRefused while the measures have lapsed and the portal refuses new cases."""
    version = policy_selectors.applied(fresh=True)
    if version is None:
        raise transitions.TransitionRefused([policy_selectors.lapsed_refusal()])
    return version


def _new_case(*, alliance, by, version, grounds, facts, self_reported=False) -> RevocationCase:
    today = timezone.localdate()
    try:
        with transaction.atomic():
            case = RevocationCase.objects.create(
                alliance=alliance,
                policy_version=version,
                grounds=grounds,
                facts=facts,
                opened_by=by,
                self_reported=self_reported,
                statement_deadline=add_working_days(today, version.statement_working_days),
                notice_number=_number("notice"),
            )
    except IntegrityError:
        raise ValidationError(OPEN_CASE) from None  # the unique index, should a lock be missed
    return case


@transaction.atomic
def case_open(*, alliance, by, grounds, facts: str, evidence=()) -> RevocationCase:
    alliance = _lock_for_new_case(alliance)
    require_municipal_staff(by)
    version = case_version()
    grounds, facts, evidence = all_or_errors(
        lambda: _grounds(grounds, version),
        lambda: require_reason(facts, _("请写明事实与理由。"), field="facts"),
        lambda: _checked_evidence(evidence),
    )
    case = _new_case(alliance=alliance, by=by, version=version, grounds=grounds, facts=facts)
    for uploaded in evidence:
        save_attachment(RevocationAttachment, by=by, uploaded=uploaded, case=case)
    _issue(
        case,
        case.notice_file,
        kind=IssuedDocument.Kind.REVOCATION_NOTICE,
        number=case.notice_number,
        issued_on=timezone.localdate(case.opened_at),
        render=documents.revocation_notice_pdf,
    )
    record(
        subject=case,
        action="open",
        action_label=LABELS["open"],
        actor=by,
        target=case.state,
        reason=facts,
    )
    _notify(case, "open")
    return case


@transaction.atomic
def dissolution_announce(*, alliance, by, statement: str) -> RevocationCase:
    """The lead unit announces dissolution: a case on ground (4), its statement already made."""
    alliance = _lock_for_new_case(alliance)
    require_lead_unit(alliance, by)
    version = case_version()
    statement = require_reason(
        statement, _("请说明解散的决定和理由（如成员大会决议）。"), field="statement"
    )
    case = _new_case(
        alliance=alliance,
        by=by,
        version=version,
        grounds=[RevocationGround.DISSOLUTION.value],
        facts=statement,
        self_reported=True,
    )
    record(
        subject=case,
        action="dissolve",
        action_label=LABELS["dissolve"],
        actor=by,
        target=case.state,
        reason=statement,
    )
    transitions.run(
        case,
        "submit_statement",
        by,
        label=LABELS["submit_statement"],
        log_reason=statement,
        statement=statement,
    )
    _notify(case, "dissolve")
    return case


def _lock(case, expected_state=None) -> RevocationCase:
    return transitions.lock(
        RevocationCase.objects.select_related("alliance"), case.pk, expected_state
    )


def case_check(case: RevocationCase, name: str, by, *, expected_state=None) -> None:
    """What ``case_submit_statement`` (``name`` "submit_statement") or ``case_decide``
    ("revoke", "dismiss") refuses before it reads any input: a stale page, then the state,
    the permission and the legal conditions (the 陈述申辩 period)."""
    require_transition(
        case, name, by, expected_state=expected_state, explain=explain, label=LABELS.get(name)
    )


def _statement_log(statement: str, checked) -> str:
    """The statement as the audit log keeps it: the text, then each attachment's name and
    SHA-256 (what was submitted, provably)."""
    if not checked:
        return statement
    files = "；".join(
        _("%(name)s（SHA-256：%(sha)s）") % {"name": c.original_name, "sha": c.sha256}
        for _uploaded, c in checked
    )
    return _("%(statement)s\n附件：%(files)s") % {"statement": statement, "files": files}


@transaction.atomic
def case_submit_statement(
    *, case: RevocationCase, by, statement: str, files=(), expected_state=None
) -> RevocationCase:
    """The lead unit's 陈述申辩: its text and any files (PDF, JPEG or PNG, checked by
    content, at most STATEMENT_MAX_FILES), audited with each file's name and SHA-256."""
    case = _lock(case, expected_state)
    case_check(case, "submit_statement", by)
    statement, checked = all_or_errors(
        lambda: require_reason(statement, _("请填写陈述申辩意见。"), field="statement"),
        lambda: _checked_files(files, "files", most=STATEMENT_MAX_FILES),
    )
    transitions.perform(
        case,
        "submit_statement",
        by,
        label=LABELS["submit_statement"],
        log_reason=in_log_language(lambda: _statement_log(statement, checked)),
        statement=statement,
    )
    for uploaded, _checked in checked:
        save_attachment(StatementAttachment, by=by, uploaded=uploaded, case=case)
    _notify(case, "submit_statement")
    return case


@transaction.atomic
def case_decide(
    *, case: RevocationCase, by, decision: str, reasons: str, expected_state=None
) -> RevocationCase:
    case = _lock(case, expected_state)
    if decision not in ("revoke", "dismiss"):
        # Whether any decision may be taken now comes first; "dismiss" is always open to
        # the bureau while the case is.
        transitions.check(case, "dismiss", by)
        raise ValidationError({"decision": _("请选择决定：取消备案或不予取消。")})
    case_check(case, decision, by)
    reasons = require_reason(reasons, _("请写明决定理由。"), field="reasons")
    number = _number("decision")
    transitions.perform(
        case,
        decision,
        by,
        label=LABELS[decision],
        log_reason=reasons,
        reasons=reasons,
        number=number,
    )
    if decision == "revoke":
        alliance = Alliance.objects.select_for_update().get(pk=case.alliance_id)
        alliance.revoke()
        alliance.save()
        case.alliance = alliance
        record(
            subject=alliance,
            action="revoke",
            action_label=LABELS["revoke"],
            actor=by,
            source=Alliance.Status.FILED,
            target=alliance.status,
            reason=number,
        )
    _issue(
        case,
        case.decision_file,
        kind=DECISION_KINDS[decision],
        number=number,
        issued_on=timezone.localdate(case.decided_at),
        render=documents.revocation_decision_pdf,
    )
    _notify(case, decision)
    return case
