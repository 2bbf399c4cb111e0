"""The fuzzing world, the clients of every role and the request helper (docs/fuzzing.md).

One world per test module (and per xdist worker): users of every role, and a record in
every state an action can start from. It is built inside an outer transaction that is
rolled back when the module ends, each test runs in a savepoint of it (pytest-django's
``db``), and each fuzzed request in a savepoint of its own that is always rolled back, so
every example starts from the same world and a failure replays exactly.
"""

import datetime
import os
import sys
import traceback
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase

# --- How much to fuzz --------------------------------------------------------------------

# Examples per (URL, role) pair for roles the view lets in; refused roles get a quarter.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
# FUZZ_RANDOM=1: a new random campaign each run, failures kept in var/hypothesis to replay.
RANDOM = os.environ.get("FUZZ_RANDOM", "").lower() in ("1", "true", "yes")
BASE_DIR = Path(django_settings.BASE_DIR)


def fuzz_settings(max_examples: int) -> hypothesis_settings:
    phases = list(Phase)
    if not RANDOM:
        # CI reports the first failing example as found: shrinking a 500 can take minutes.
        phases.remove(Phase.shrink)
    return hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=not RANDOM,
        database=DirectoryBasedExampleDatabase(str(BASE_DIR / "var" / "hypothesis"))
        if RANDOM
        else None,
        phases=phases,
        print_blob=RANDOM,
        suppress_health_check=list(HealthCheck),
    )


# --- Roles -------------------------------------------------------------------------------

ROLES = [
    "anonymous",
    "lead",  # the lead unit owning every record of the world
    "other_lead",  # a lead unit of another jurisdiction
    "county",  # county reviewer of the records' jurisdiction
    "other_county",  # county reviewer of another jurisdiction
    "staff",  # municipal staff (also the liaison officer)
    "evaluator",  # the evaluator assigned to the world's applications
    "admin",
    "auditor",  # the security auditor: the log screens only
    "security_admin",  # lockouts, two-factor resets, sessions, the password policy
]
HOME_COUNTY = "130602"
OTHER_COUNTY = "130607"


# --- The world ---------------------------------------------------------------------------


def build_world() -> SimpleNamespace:
    from accounts.models import Organisation
    from core.models import Notification
    from filings.models import Filing
    from policy import selectors as policy_selectors
    from portal.models import ExportJob
    from subsidies import services as subsidy_services
    from supervision import services as supervision_services
    from supervision.models import AnnualSummary, EventReport
    from tests.factories import (
        AdminFactory,
        AuditorFactory,
        CountyReviewerFactory,
        EvaluatorFactory,
        LeadUnitUserFactory,
        MunicipalStaffFactory,
        OrganisationFactory,
        RevokedCaseHelper,
        SecurityAdminFactory,
        eligible_alliance,
        filed_alliance,
        filing_in_state,
        jurisdiction,
        pdf_upload,
        policy_v1,
        publish_in_notice,
        submitted_application,
        subsidy_round,
    )

    # Built before any test's own fixtures: the 2018 measures may have been flushed by a
    # transactional test, and the cached versions with them.
    policy_selectors.forget()
    policy_v1()

    w = SimpleNamespace()
    lead = LeadUnitUserFactory(
        organisation=OrganisationFactory(jurisdiction=jurisdiction()), is_unit_admin=True
    )
    other_lead = LeadUnitUserFactory(
        organisation=OrganisationFactory(jurisdiction=jurisdiction(OTHER_COUNTY))
    )
    staff = MunicipalStaffFactory(is_liaison_officer=True)
    w.users = {
        "anonymous": None,
        "lead": lead,
        "other_lead": other_lead,
        "county": CountyReviewerFactory(jurisdiction=jurisdiction(HOME_COUNTY)),
        "other_county": CountyReviewerFactory(jurisdiction=jurisdiction(OTHER_COUNTY)),
        "staff": staff,
        "evaluator": EvaluatorFactory(),
        "admin": AdminFactory(),
        "auditor": AuditorFactory(),
        "security_admin": SecurityAdminFactory(),
    }
    w.lead, w.staff, w.evaluator = lead, staff, w.users["evaluator"]
    w.organisation = lead.organisation
    w.other_organisation = other_lead.organisation

    # Changes of units' legal facts: a rename pending in the home county (its bureau may
    # decide it), a move pending elsewhere (municipal only), and a decided one.
    from accounts import services as account_services

    def legal_change(user, **changes):
        values = {f: getattr(user.organisation, f) for f in Organisation.LEGAL_FACTS}
        return account_services.organisation_change_submit(
            organisation=user.organisation, by=user, values={**values, **changes}, reason="变更"
        )

    unit_lead = LeadUnitUserFactory(organisation=OrganisationFactory(jurisdiction=jurisdiction()))
    w.home_unit = unit_lead.organisation
    w.change_home = legal_change(unit_lead, name="保定更名后的科技有限公司")
    w.change_moving = legal_change(other_lead, jurisdiction=jurisdiction(HOME_COUNTY))
    w.change_rejected = account_services.organisation_change_reject(
        change=legal_change(lead, legal_representative="李四"), by=staff, reason="与执照不符"
    )

    # Unit registrations (单位注册): unconfirmed, pending in the home county, pending
    # outside Baoding (municipal only), returned; their signed links.
    from accounts import registration as registration_services
    from accounts import registration_decisions
    from accounts.registration_links import confirm_token, status_token
    from demo.accounts import demo_uscc

    def registration(n, division=HOME_COUNTY, confirm=True):
        created = registration_services.registration_submit(
            values={
                "name": f"模糊测试注册单位{n}",
                "uscc": demo_uscc(f"fuzz-registration-{n}", authority="91", division=division),
                "kind": "enterprise",
                "industry": "C",
                "legal_representative": "王五",
                "address": "保定市",
                "jurisdiction": registration_services.DERIVED,
                "applicant_name": "李四",
                "mobile": "13912345678",
                "email": f"fuzz-registration-{n}@example.test",
                "username": f"fuzz_registration_{n}",
                "password": "Mohu-Ceshi-Mima-77",
            },
            licence=pdf_upload(),
            client_ip=f"fuzz-world-{n}",
        )
        if confirm:
            return registration_services.registration_confirm(confirm_token(created))
        return created

    w.registration_unconfirmed = registration(1, confirm=False)
    w.registration_pending = registration(2)
    w.registration_outside = registration(3, division="110105")
    w.registration_returned = registration_decisions.registration_return(
        registration=registration(4), by=staff, reason="请补充"
    )
    w.registration_confirm_token = confirm_token(w.registration_unconfirmed)
    w.registration_status_token = status_token(w.registration_returned)
    w.registration_pending_token = status_token(w.registration_pending)

    # Filings (Art. 10–11) in every state a decision starts from.
    def filing(state):
        return filing_in_state(
            state, lead_user=lead, county_user=w.users["county"], staff_user=staff
        )

    w.draft = filing(Filing.State.DRAFT)
    w.returned = filing(Filing.State.RETURNED)
    w.county_review = filing(Filing.State.COUNTY_REVIEW)
    w.municipal_review = filing(Filing.State.MUNICIPAL_REVIEW)
    w.draft_member = w.draft.alliance.members.exclude(organisation=w.organisation).first()
    w.draft_lead_member = w.draft.alliance.members.get(organisation=w.organisation)

    # Art. 9(3) online: the lead's unit is registered (the lead is its administrator) and
    # another lead unit added it to its draft, awaiting its answer.
    from filings import services as filing_services
    from filings.models import AllianceMember

    assert lead.is_unit_admin  # made so above
    w.membership = filing_services.member_add(
        filing=filing_in_state(Filing.State.DRAFT, lead_user=other_lead),
        by=other_lead,
        organisation=w.organisation,
        role=AllianceMember.Role.MEMBER,
        task_division="联合攻关",
    )

    # A filed alliance in good standing (accepted summary of 2026: may apply in 2027).
    w.alliance = eligible_alliance(2027, lead_user=lead)
    w.other_alliance = filed_alliance(lead_user=other_lead)
    # A membership whose alliance is filed: no answer any more.
    w.membership_closed = AllianceMember.objects.create(
        alliance=w.other_alliance, organisation=w.organisation, task_division="成果转化"
    )
    w.summary_draft = AnnualSummary.objects.create(
        alliance=w.alliance, year=2025, work_done="开展联合攻关"
    )
    submitted = AnnualSummary.objects.create(
        alliance=w.alliance, year=2024, work_done="开展联合攻关"
    )
    supervision_services.summary_attach(summary=submitted, by=lead, uploaded=pdf_upload())
    w.summary_submitted = supervision_services.summary_submit(summary=submitted, by=lead)

    def event(title, **kwargs):
        return EventReport.objects.create(
            alliance=w.alliance,
            created_by=lead,
            kind=kwargs.pop("kind", "seminar"),
            title=title,
            event_date=timezone.localdate() - datetime.timedelta(days=3),
            description="说明",
            **kwargs,
        )

    w.event_draft = event("草稿报告")
    w.event_address = event("地址变更", kind="address_change", new_office_address="保定市新址")
    reported = event("已报告")
    supervision_services.event_attach(report=reported, by=lead, uploaded=pdf_upload())
    w.event_submitted = supervision_services.event_submit(report=reported, by=lead)

    w.symposium = supervision_services.symposium_schedule(
        by=staff,
        title="联盟工作座谈会",
        starts_at=timezone.now() + datetime.timedelta(days=7),
        location="保定市科技局会议室",
        agenda="交流",
        alliances=[w.alliance],
    )
    w.invitation = w.symposium.invitations.get()

    # An alliance with an open revocation case (Art. 13): notice served, statement due.
    w.case_alliance = filed_alliance(lead_user=lead)
    w.case = RevokedCaseHelper.open_case(w.case_alliance, staff=staff)

    # Subsidy rounds (Art. 15) in each state, with applications, assignments and awards.
    w.round_draft = subsidy_round(state="draft", staff=staff, title="准备中的批次")
    w.round_open = subsidy_round(state="open", staff=staff, title="申请中的批次")
    w.application_draft = subsidy_services.application_create(
        round_=w.round_open, alliance=w.alliance, by=lead
    )
    w.application_open = submitted_application(
        w.round_open, eligible_alliance(2027, lead_user=lead)
    )

    w.round_evaluating = subsidy_round(state="open", staff=staff, title="评审中的批次")
    w.application = submitted_application(w.round_evaluating, eligible_alliance(lead_user=lead))
    w.application_2 = submitted_application(w.round_evaluating, eligible_alliance(lead_user=lead))
    w.assignment = subsidy_services.assign_evaluator(
        application=w.application, by=staff, evaluator=w.evaluator
    )
    subsidy_services.declare_no_conflict(assignment=w.assignment, by=w.evaluator)
    w.assignment_undeclared = subsidy_services.assign_evaluator(
        application=w.application_2, by=staff, evaluator=w.evaluator
    )
    subsidy_services.round_start_evaluation(round_=w.round_evaluating, by=staff)
    w.award_evaluating = subsidy_services.award_set(
        application=w.application, by=staff, amount_yuan=200_000
    )

    w.round_notice = subsidy_round(state="open", staff=staff, title="公示中的批次")
    noticed = submitted_application(w.round_notice, eligible_alliance(lead_user=lead))
    subsidy_services.round_start_evaluation(round_=w.round_notice, by=staff)
    w.award = subsidy_services.award_set(application=noticed, by=staff, amount_yuan=300_000)
    w.round_notice = publish_in_notice(w.round_notice, staff)
    w.objection = subsidy_services.objection_record(
        award=w.award,
        by=staff,
        objector_name="李四",
        objector_contact="13800000000",
        content="对补贴金额有异议",
        received_on=w.round_notice.notice_starts_on,
    )
    for obj in ("round_draft", "round_open", "round_evaluating", "round_notice"):
        getattr(w, obj).refresh_from_db()
    w.criteria_open = list(w.round_open.criteria.all())
    w.criteria_evaluating = list(w.round_evaluating.criteria.all())

    w.notification = Notification.objects.create(user=lead, subject="测试通知", body="内容")
    w.export_job = ExportJob.objects.create(user=lead, kind=ExportJob.Kind.ALLIANCES, params={})
    w.import_job = _checked_import(staff)
    w.material = w.draft.materials.first()
    w.document = w.municipal_review.documents.first()
    w.summary_attachment = w.summary_submitted.attachments.get()
    w.event_attachment = w.event_submitted.attachments.get()
    # Log entries for the auditor's entry page: a decision on a record, and a login event.
    from audit.models import AuditEntry, record

    w.audit_entry = AuditEntry.objects.filter(content_type__isnull=False).order_by("-pk").first()
    w.login_entry = record(
        subject=lead, action="login_failed", action_label="登录失败", actor=None, reason="x"
    )
    # The lead unit's colleagues (单位用户): one who has not set a password yet, one who
    # has (hand-over goes to them), and another unit's user.
    from accounts import unit_users
    from accounts.invitations import invitation_tokens

    w.colleague_invited = unit_users.colleague_invite(
        by=lead,
        values={
            "name": "刘待定",
            "phone": "13800000001",
            "email": "invited@example.test",
            "username": "fuzz_invited",
        },
    )
    w.colleague_active = LeadUnitUserFactory(organisation=w.organisation)
    w.other_colleague = LeadUnitUserFactory(organisation=w.other_organisation)
    w.invitation_uid = urlsafe_base64_encode(force_bytes(w.colleague_invited.pk))
    w.invitation_token = invitation_tokens.make_token(w.colleague_invited)
    w.reset_uid = urlsafe_base64_encode(force_bytes(lead.pk))
    w.reset_token = default_token_generator.make_token(lead)

    # A draft successor of the 2018 measures, for the administrator's policy pages.
    from policy import services as policy_services

    w.policy_v1 = policy_v1()
    w.policy_draft = policy_services.version_create(
        by=w.users["admin"],
        copy_from=w.policy_v1,
        data={
            "document_number": "保政办发〔2027〕9号",
            "title": "模糊测试草稿",
            "issuing_body": "保定市人民政府办公厅",
            "effective_from": datetime.date(2031, 1, 1),
        },
    )
    return w


@pytest.fixture(scope="module")
def fuzz_media(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-private")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, fuzz_media):
    """The module's world, rolled back (rows and all) when the module ends."""
    overrides = override_settings(
        STORAGES={
            **django_settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(fuzz_media), "base_url": None},
            },
        },
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with overrides, django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _private_media(world):
    """Overrides tests/conftest.py's: files stay where the world's were written."""


@pytest.fixture
def client_as(world, db):
    """``client_as(role)``: a test client logged in as the world's user of ``role`` (none
    for anonymous) that answers a server error with its 500 page instead of raising."""

    def make(role: str) -> Client:
        client = Client(raise_request_exception=False)
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        return client

    return make


# --- Sending one request ---------------------------------------------------------------


class _Rollback(Exception):
    pass


def send(client: Client, request):
    """``request(client)`` in a savepoint that is always rolled back; the client's cookies
    (its session, messages) are restored too, so the next example sees the same world."""
    cookies = SimpleCookie()
    cookies.update(client.cookies)
    response = None
    try:
        with transaction.atomic():
            response = request(client)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        client.cookies = cookies
    return response


def is_refused(response, client_user) -> bool:
    """The view turned the user away before reading the form (login, 403, 404, 405)."""
    if response.status_code in (403, 404, 405):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and "/accounts/login/" in location and client_user is None


# --- Server errors -----------------------------------------------------------------------


SITE_PACKAGES = next((p for p in map(Path, sys.path) if p.name == "site-packages"), None)
# Frames of these are never where a bug of ours is: the innermost other frame is.
PLUMBING = ("django", "psycopg2", "hypothesis", "asgiref")


def signature(exc_info) -> tuple[str, str]:
    """(exception class, innermost frame outside Django and the database driver, as
    ``path:function`` relative to the project or to site-packages)."""
    if not exc_info:
        return ("", "")
    exc_type, _exc, tb = exc_info
    where = ""
    for frame in traceback.extract_tb(tb):
        path = Path(frame.filename)
        if SITE_PACKAGES in path.parents:
            relative = path.relative_to(SITE_PACKAGES)
        elif BASE_DIR in path.parents:
            relative = path.relative_to(BASE_DIR)
        else:
            continue
        if relative.parts[0] in PLUMBING:
            continue
        where = f"{relative}:{frame.name}"
    return (exc_type.__name__, where)


def describe_500(response, *, method: str, url: str, role: str, payload) -> str:
    """The request, the project's frames of the traceback, and the exception."""
    lines = [
        f"{response.status_code} from {method} {url} as {role}",
        f"payload: {shorten(payload)}",
    ]
    for hop, status in getattr(response, "redirect_chain", []):
        lines.append(f"redirected ({status}) to {hop}, where:")
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        exc_type, exc, tb = exc_info
        for frame in traceback.extract_tb(tb):
            path = Path(frame.filename)
            if ".venv" not in path.parts and BASE_DIR in path.parents:
                lines.append(f"  {path.relative_to(BASE_DIR)}:{frame.lineno} in {frame.name}")
                lines.append(f"    {frame.line}")
        lines.append("".join(traceback.format_exception_only(exc_type, exc)).strip())
    return "\n".join(lines)


def shorten(value, limit: int = 120):
    """A payload readable in a failure message: long strings cut, files by name and size."""
    if isinstance(value, dict):
        return {key: shorten(item, limit) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [shorten(item, limit) for item in value]
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}…(+{len(value) - limit} chars)"
    if hasattr(value, "read") and hasattr(value, "name"):
        return f"<file {value.name!r}, {getattr(value, 'size', '?')} bytes>"
    return value


def _checked_import(staff):
    """An upload of the paper-era register whose dry run passed (portal.imports)."""
    import hashlib

    from django.core.files.base import ContentFile

    from portal.imports.template import build_template
    from portal.models import ImportJob

    data = build_template()
    job = ImportJob(
        user=staff,
        state=ImportJob.State.CHECKED,
        original_name="模板.xlsx",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        report={"dry_run": True, "sheets": [], "refusals": [], "refusal_count": 0, "lines": []},
    )
    job.file.save("import.xlsx", ContentFile(data), save=False)
    job.save()
    return job
