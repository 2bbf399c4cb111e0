import datetime
import zoneinfo

import factory
import time_machine
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Jurisdiction, Organisation, Role, User
from demo.accounts import demo_uscc

PASSWORD = "Test-password-2026"


def jurisdiction(code: str = "130602") -> Jurisdiction:
    """One of the 26 jurisdictions the data migration loads.

    Transactional tests flush the database afterwards, data-migration rows included; the
    rows are loaded again from the migration's own list when they are missing.
    """
    found = Jurisdiction.objects.filter(code=code).first()
    if found is None:
        import importlib

        from django.apps import apps

        migration = importlib.import_module("accounts.migrations.0002_jurisdictions")
        migration.load(apps, None)
        found = Jurisdiction.objects.get(code=code)
    return found


def policy_v1():
    """Policy version 1, the 2018 measures, as the data migration loads it (again after a
    transactional test flushed it)."""
    from policy.models import PolicyVersion

    found = PolicyVersion.objects.filter(document_number="保政办发〔2018〕18号").first()
    if found is None:
        import importlib

        from django.apps import apps

        migration = importlib.import_module("policy.migrations.0002_measures_2018")
        migration.load(apps, None)
        found = PolicyVersion.objects.get(document_number="保政办发〔2018〕18号")
    return found


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"保定测试科技有限公司{n:04d}")
    kind = Organisation.Kind.ENTERPRISE
    industry = Organisation.Industry.MANUFACTURING
    legal_representative = "张三"
    jurisdiction = factory.LazyFunction(jurisdiction)
    uscc = factory.LazyAttribute(
        lambda o: demo_uscc(
            o.name,
            authority="91",
            division=o.jurisdiction.code if o.jurisdiction else "110105",
        )
    )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    last_name = "测"
    first_name = factory.Sequence(lambda n: f"试{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class LeadUnitUserFactory(UserFactory):
    role = Role.LEAD_UNIT
    organisation = factory.SubFactory(OrganisationFactory)


def unit_admin(organisation=None, **kwargs):
    """A registered unit: its unit administrator (单位管理员), the user who answers for it
    (e.g. confirms its memberships online)."""
    organisation = organisation or OrganisationFactory()
    return LeadUnitUserFactory(organisation=organisation, is_unit_admin=True, **kwargs)


class CountyReviewerFactory(UserFactory):
    role = Role.COUNTY_REVIEWER
    jurisdiction = factory.LazyFunction(jurisdiction)


class MunicipalStaffFactory(UserFactory):
    role = Role.MUNICIPAL_STAFF


class EvaluatorFactory(UserFactory):
    role = Role.EVALUATOR
    organisation = factory.SubFactory(OrganisationFactory, jurisdiction=None)


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    is_superuser = True


class AuditorFactory(UserFactory):
    role = Role.AUDITOR


class SecurityAdminFactory(UserFactory):
    role = Role.SECURITY_ADMIN


# --- Alliances and filings ---------------------------------------------------------------

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from filings.models import Alliance, AllianceMember, Category, Filing  # noqa: E402

LONG_TEXT = (
    "围绕保定市汽车及零部件产业链开展关键技术联合攻关，明确成员分工与阶段目标，形成可推广的成果。"
)


def blank_pdf(pages: int = 1) -> bytes:
    """A real PDF (uploads are parsed, not only sniffed): ``pages`` blank A4 pages."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF_BYTES = blank_pdf()


def image_bytes(kind: str = "PNG", size=(40, 30)) -> bytes:
    """A real image (uploads are decoded): a small grey scan."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 200, 200)).save(out, format=kind)
    return out.getvalue()


def pdf_upload(name="材料.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class AllianceFactory(DjangoModelFactory):
    """An alliance whose data satisfies every Art. 9 condition (members are added by
    ``complete_members``)."""

    class Meta:
        model = Alliance

    name = factory.Sequence(lambda n: f"保定测试产业技术创新战略联盟{n:03d}")
    category = Category.INDUSTRIAL_TECHNOLOGY
    lead_unit = factory.SubFactory(OrganisationFactory)
    industry_chain = LONG_TEXT
    innovation_goals = LONG_TEXT
    decision_body = "联盟理事会，由全体成员单位各派一名代表组成"
    executive_body = "联盟秘书处"
    liable_entity = factory.LazyAttribute(lambda a: a.lead_unit.name)
    office_address = "保定市竞秀区朝阳北大街1号"
    office_fulltime_staff = 2
    office_contact_name = "王五"
    office_contact_phone = "0312-5555555"
    funding_rules = LONG_TEXT
    ip_mechanism = LONG_TEXT
    openness_mechanism = LONG_TEXT


def complete_members(alliance, *, signed=True):
    """Lead unit plus a Beijing institute and a Baoding university, all signed."""
    lead, _ = AllianceMember.objects.get_or_create(
        alliance=alliance,
        organisation=alliance.lead_unit,
        defaults={"role": AllianceMember.Role.LEAD},
    )
    lead.task_division = "牵头组织"
    lead.charter_signed = signed
    lead.save()
    beijing = OrganisationFactory(kind="institute", industry="M", jurisdiction=None)
    university = OrganisationFactory(kind="university", industry="P")
    for org in (beijing, university):
        AllianceMember.objects.create(
            alliance=alliance,
            organisation=org,
            task_division="联合攻关",
            charter_signed=signed,
            signed_by=org.legal_representative,
        )
    return alliance


def draft_filing(lead_user=None, **alliance_kwargs):
    """A complete draft (conformance passes, materials uploaded) by ``lead_user``."""
    from filings import services

    lead_user = lead_user or LeadUnitUserFactory()
    filing = services.alliance_create(
        by=lead_user, name=alliance_kwargs.pop("name", "保定测试联盟")
    )
    alliance = filing.alliance
    template = AllianceFactory.build(lead_unit=lead_user.organisation, **alliance_kwargs)
    for field in Alliance._meta.concrete_fields:
        if field.name not in (
            "id",
            "name",
            "lead_unit",
            "status",
            "filing_number",
            "filed_on",
            "created_at",
            "updated_at",
        ):
            setattr(alliance, field.attname, getattr(template, field.attname))
    alliance.save()
    complete_members(alliance)
    for kind in ("application_form", "charter", "licence"):
        services.material_upload(filing=filing, by=lead_user, kind=kind, uploaded=pdf_upload())
    filing.refresh_from_db()
    return filing


def filing_in_state(state: str, *, lead_user=None, county_user=None, staff_user=None):
    """A filing walked through the real services to ``state`` (logs, PDFs and all)."""
    from filings import services

    filing = draft_filing(lead_user)
    lead = lead_user or filing.created_by
    if state == Filing.State.DRAFT:
        return filing
    if state == Filing.State.WITHDRAWN:
        return services.filing_withdraw(filing=filing, by=lead)
    services.filing_submit(filing=filing, by=lead)
    if state == Filing.State.COUNTY_REVIEW:
        return Filing.objects.get(pk=filing.pk)
    county = county_user or CountyReviewerFactory(
        jurisdiction=filing.alliance.lead_unit.jurisdiction
    )
    if state == Filing.State.RETURNED:
        return services.filing_return(filing=filing, by=county, reason="请补充成员单位任务分工")
    if state == Filing.State.REJECTED:
        return services.filing_reject(filing=filing, by=county, reason="不符合第九条")
    services.filing_recommend(filing=filing, by=county, opinion="符合条件，同意推荐")
    if state == Filing.State.MUNICIPAL_REVIEW:
        return Filing.objects.get(pk=filing.pk)
    staff = staff_user or MunicipalStaffFactory()
    if state == Filing.State.FILED:
        return services.filing_approve(filing=filing, by=staff)
    raise ValueError(state)


def filed_alliance(*, filed_on=None, lead_user=None, liaison=None, **kwargs):
    """A filed alliance created directly (no PDFs): for supervision and subsidy tests."""
    import datetime

    lead_user = lead_user or LeadUnitUserFactory()
    alliance = AllianceFactory(
        lead_unit=lead_user.organisation,
        status=Alliance.Status.FILED,
        filing_number=kwargs.pop("filing_number", None)
        or f"保科联备〔TEST〕{Alliance.objects.count() + 1:05d}号",
        filed_on=filed_on or datetime.date(2024, 6, 1),
        liaison_officer=liaison,
        **kwargs,
    )
    complete_members(alliance)
    return alliance


def subsidy_round(*, state="open", year=2027, budget_yuan=1_000_000, staff=None, **kwargs):
    """A round created by the real service (default criteria), moved to ``state``."""
    import datetime

    from subsidies import services as subsidy_services

    staff = staff or MunicipalStaffFactory()
    round_ = subsidy_services.round_create(
        by=staff,
        year=year,
        title=kwargs.pop("title", f"{year}年度联盟运行经费补贴"),
        budget_yuan=budget_yuan,
        opens_on=kwargs.pop("opens_on", datetime.date(2026, 1, 1)),
        closes_on=kwargs.pop("closes_on", datetime.date(2030, 12, 31)),
        **kwargs,
    )
    if state == "draft":
        return round_
    round_ = subsidy_services.round_open(round_=round_, by=staff)
    if state == "open":
        return round_
    return subsidy_services.round_start_evaluation(round_=round_, by=staff)


def publish_in_notice(round_, by):
    """Publish ``round_`` (under evaluation) through the service so that today lies inside
    its 公示: published on the latest earlier day whose notice period has begun by today,
    so objections received today (never a date after today) can be recorded."""
    from core.workdays import add_working_days
    from subsidies import services as subsidy_services

    today = timezone.localdate()
    day = today - datetime.timedelta(days=1)
    while add_working_days(day, 1) > today:  # weekends and holidays before today
        day -= datetime.timedelta(days=1)
    at = datetime.datetime.combine(
        day, datetime.time(10), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")
    )
    with time_machine.travel(at, tick=False):
        round_ = subsidy_services.round_publish(round_=round_, by=by)
    if not round_.notice_starts_on <= today <= round_.notice_ends_on:
        raise AssertionError("the notice period should include today")
    return round_


def eligible_alliance(round_year=2027, **kwargs):
    """A filed alliance whose previous year's summary is accepted."""
    from supervision.models import AnnualSummary

    alliance = filed_alliance(**kwargs)
    AnnualSummary.objects.create(
        alliance=alliance, year=round_year - 1, state="accepted", work_done="完成"
    )
    return alliance


def submitted_application(round_, alliance=None):
    """An application submitted through the services while the round is open."""
    from subsidies import services as subsidy_services
    from subsidies.models import SubsidyRound

    alliance = alliance or eligible_alliance(round_.year)
    lead = alliance.lead_unit.users.get()
    if SubsidyRound.objects.get(pk=round_.pk).state != SubsidyRound.State.OPEN:
        raise ValueError("submit applications while the round is open")
    application = subsidy_services.application_create(round_=round_, alliance=alliance, by=lead)
    application.summary = "联盟运行规范，成效突出。"
    application.save()
    application.self_evaluations.update(score=80, statement="自评说明")
    return subsidy_services.application_submit(application=application, by=lead)


def scored_application(*, staff, evaluators, scores, **round_kwargs):
    """A round under evaluation with one application that each evaluator has declared on
    and scored (every criterion ``score``): returns (round, application, assignments)."""
    from subsidies import services as subsidy_services

    round_ = subsidy_round(staff=staff, **round_kwargs)
    application = submitted_application(round_)
    assignments = []
    for evaluator in evaluators:
        assignment = subsidy_services.assign_evaluator(
            application=application, by=staff, evaluator=evaluator
        )
        subsidy_services.declare_no_conflict(assignment=assignment, by=evaluator)
        assignments.append(assignment)
    subsidy_services.round_start_evaluation(round_=round_, by=staff)
    criteria = list(round_.criteria.all())
    for assignment, score in zip(assignments, scores, strict=True):
        subsidy_services.score_save(
            assignment=assignment,
            by=assignment.evaluator,
            scores={c.pk: (score, "") for c in criteria},
            comment="运行规范",
            submit=True,
        )
    return round_, application, assignments


class RevokedCaseHelper:
    @staticmethod
    def open_case(alliance, staff=None):
        from supervision import services as supervision_services

        return supervision_services.case_open(
            alliance=alliance,
            by=staff or MunicipalStaffFactory(),
            grounds=["2"],
            facts="未按章程开展活动",
        )


def policy_successor(*, effective_from, expires_on=None, by=None, conditions=(), **data):
    """A version succeeding version 1, created and published through the services: a copy
    of the 2018 rule set with ``data``'s particulars and parameters, plus ``conditions``
    (dicts for ``condition_save``, with their ``key``)."""
    from policy import services as policy_services

    by = by or AdminFactory()
    version = policy_services.version_create(
        by=by,
        copy_from=policy_v1(),
        data={
            "document_number": data.pop("document_number", "保政办发〔2024〕7号"),
            "title": data.pop("title", "保定市推进产业创新战略联盟建设实施办法（修订）"),
            "issuing_body": "保定市人民政府办公厅",
            "effective_from": effective_from,
            "expires_on": expires_on,
            **data,
        },
    )
    for condition in conditions:
        condition = dict(condition)
        key = condition.pop("key")
        policy_services.condition_save(version=version, by=by, key=key, data=condition)
    return publish_on_time(version, by)


def publish_on_time(version, by, **kwargs):
    """Publish ``version`` through the service. A version is published on or before its
    first day (the past is never rewritten): one that took effect before today is
    published as it would have been, the day before it took effect."""
    from policy import services as policy_services

    if version.effective_from < timezone.localdate():
        eve = datetime.datetime.combine(
            version.effective_from - datetime.timedelta(days=1),
            datetime.time(10),
            tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"),
        )
        with time_machine.travel(eve, tick=False):
            return policy_services.version_publish(version=version, by=by, **kwargs)
    return policy_services.version_publish(version=version, by=by, **kwargs)


def access_attempt(**fields):
    """A django-axes lockout record (the failed logins of one user from one address)."""
    from axes.models import AccessAttempt

    values = {
        "username": "lead@example.com",
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0",
        "http_accept": "text/html",
        "path_info": "/accounts/login/",
        "failures_since_start": 5,
    }
    return AccessAttempt.objects.create(**{**values, **fields})
