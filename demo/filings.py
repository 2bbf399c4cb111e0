"""Demo alliances and their filings in every state, for trying the portal as each role.

Every filing is walked through ``filings.services`` as the demo users would do it (lead
unit, county bureau, municipal bureau), so its audit log, numbers, issued PDFs and
e-mail notices are the real ones. Each step runs on a clock set to a past working day,
so the history, the dates printed in the PDFs and the days a filing has waited in a
queue all tell the same story. Idempotent: an alliance whose name exists is skipped.
"""

import datetime
import zlib
from collections import Counter
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template import engines
from django.utils import timezone

from accounts.models import Organisation, User
from filings import membership, services
from filings.documents import application_form_pdf
from filings.models import Alliance, Filing, FilingMaterial

from .common import quietly
from .filings_data import DISTRICT_ALLIANCES, LEAD, DemoAlliance
from .filings_data_counties import COUNTY_ALLIANCES

ALLIANCES = [*DISTRICT_ALLIANCES, *COUNTY_ALLIANCES]


def _alliance_data(spec: DemoAlliance, lead_org: Organisation, index: int) -> dict:
    chair, secretary, office = spec.people
    data = {
        "category": spec.category,
        "industry_chain": spec.chain,
        "innovation_goals": spec.goals,
        "decision_body": (
            f"联盟理事会：由各理事单位各派一名负责人组成，理事长由{lead_org.name}法定代表人担任，"
            "每年至少召开两次理事会议，重大事项须经三分之二以上理事单位同意。"
        ),
        "executive_body": (
            "联盟秘书处（联盟工作办公室）：设秘书长一名，负责落实理事会决议、组织项目申报、"
            "成员联络和年度工作总结。"
        ),
        "liable_entity": lead_org.name,
        "office_address": office + "（演示地址）",
        "office_fulltime_staff": 2 + index % 3,
        "office_contact_name": secretary,
        "office_contact_phone": lead_org.contact_phone,
        "office_contact_email": f"alliance{index + 1:02d}@demo.invalid",
        "funding_rules": (
            "联盟经费以成员单位自主投入为主，按年度会费和项目合作经费分别核算；"
            f"政府资助经费委托{lead_org.name}财务部门设立专账管理，执行联盟《经费管理办法》，"
            "每年向理事会报告收支并接受审计监督。"
        ),
        "ip_mechanism": (
            "联盟研发项目立项前签订知识产权协议：各方原有知识产权归原单位所有；联合研发成果按投入比例共有，"
            "成员单位享有优先、优惠许可使用权，转化收益按协议约定比例分配。"
        ),
        "openness_mechanism": (
            "联盟面向京津冀及全国吸收相关行业、不同地区的单位加入，经理事会审议通过即可入盟；"
            "承担政府资助项目形成的成果，通过技术许可、转让和培训等方式向联盟外扩散。"
        ),
        "beijing_tianjin_partners": spec.partners,
        "chairperson": chair,
        "secretary_general": secretary,
    }
    if spec.incomplete:
        # The checklist then also shows Art. 9 (4) and (5) failing.
        data.update(office_fulltime_staff=None, funding_rules="", executive_body="")
    return data


# --- PDFs the lead unit would scan and upload (Art. 10 (3) and (4)) ---------------------

_CHARTER = """{% extends "pdf/base.html" %}
{% block title %}{{ alliance.name }}协议书（章程）{% endblock %}
{% block style %}h1, th { font-weight: normal; }{% endblock %}
{% block body %}
<h1>{{ alliance.name }}<br>协议书（章程）</h1>
<p class="number muted">演示材料 · 由演示数据生成</p>
<p class="body">第一条　本联盟名称为“{{ alliance.name }}”，由{{ alliance.lead_unit.name }}牵头，\
各成员单位自愿组成，不具有独立法人资格，对外由{{ alliance.liable_entity }}承担责任。</p>
<p class="body">第二条　联盟的任务和目标：{{ alliance.innovation_goals }}</p>
<p class="body">第三条　联盟设理事会为决策机构，设秘书处为执行机构。</p>
<p class="body">第四条　经费管理：{{ alliance.funding_rules }}</p>
<p class="body">第五条　知识产权：{{ alliance.ip_mechanism }}</p>
<p class="body">第六条　成员单位及任务分工如下，本协议经各成员单位法定代表人签署后生效。</p>
<table>
  <tr><th style="width:34%">成员单位</th><th>任务分工</th><th style="width:18%">法定代表人签字</th></tr>
  {% for m in members %}
  <tr><td>{{ m.organisation.name }}</td><td>{{ m.task_division }}</td>
      <td>{% if m.charter_signed %}{{ m.signed_by }}{% endif %}</td></tr>
  {% endfor %}
</table>
{% endblock %}"""

_LICENCE = """{% extends "pdf/base.html" %}
{% block title %}营业执照（副本）复印件{% endblock %}
{% block style %}h1, th { font-weight: normal; }{% endblock %}
{% block body %}
<h1>营业执照（副本）复印件</h1>
<p class="number muted">演示材料 · 非真实证照</p>
<table>
  <tr><th>统一社会信用代码</th><td>{{ org.uscc }}</td></tr>
  <tr><th>名称</th><td>{{ org.name }}</td></tr>
  <tr><th>类型</th><td>{{ org.get_kind_display }}</td></tr>
  <tr><th>法定代表人</th><td>{{ org.legal_representative }}</td></tr>
  <tr><th>住所</th><td>{{ org.address }}</td></tr>
</table>
<div class="sign"><p>与原件一致　{{ org.name }}（盖章）</p></div>
{% endblock %}"""


# One face only (no bold): they stand in for scans, and each embedded face costs ~0.05 s.
def _render(source: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = engines["django"].from_string(source).render(context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _upload(filing, lead, kind, content: bytes, name: str):
    services.material_upload(
        filing=filing,
        by=lead,
        kind=kind,
        uploaded=SimpleUploadedFile(name, content, content_type="application/pdf"),
    )


def _upload_charter(filing, lead):
    alliance = filing.alliance
    members = alliance.members.select_related("organisation").order_by("pk")
    content = _render(_CHARTER, {"alliance": alliance, "members": members})
    _upload(filing, lead, FilingMaterial.Kind.CHARTER, content, f"{alliance.name}章程.pdf")


# --- The clock -----------------------------------------------------------------------


def _is_workday(day: datetime.date) -> bool:
    try:
        import chinese_calendar

        return chinese_calendar.is_workday(day)
    except (ImportError, NotImplementedError):  # years the holiday calendar does not know
        return day.weekday() < 5


def _working_days_before(today: datetime.date, n: int) -> datetime.date:
    day = today
    while n > 0:
        day -= datetime.timedelta(days=1)
        if _is_workday(day):
            n -= 1
    return day


@contextmanager
def _clock(moment: datetime.datetime):
    # Services, auto_now_add fields and the PDFs' dates all read django.utils.timezone.now.
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _moment(today, days_ago: int, salt: str) -> datetime.datetime:
    day = _working_days_before(today, days_ago)
    minutes = 9 * 60 + zlib.crc32(salt.encode()) % (7 * 60)  # office hours, 9:00–16:00
    naive = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60))
    return timezone.make_aware(naive)


# --- Walking one alliance through the services -----------------------------------------


def _create(spec: DemoAlliance, index: int, lead, licences: dict) -> Filing:
    """Day one: the lead unit enters the data, the members and the materials."""
    filing = services.alliance_create(by=lead, name=spec.name)
    alliance = filing.alliance
    services.filing_save_draft(
        filing=filing, by=lead, data=_alliance_data(spec, lead.organisation, index)
    )
    lead_member = alliance.members.get(organisation=lead.organisation)
    complete = not spec.incomplete
    services.member_update(
        filing=filing,
        by=lead,
        member=lead_member,
        data={"role": LEAD, "task_division": spec.lead_task, "charter_signed": complete},
    )
    for org_name, role, task in spec.members:
        organisation = Organisation.objects.get(name=org_name)
        registered = membership.is_registered(organisation.pk)
        member = services.member_add(
            filing=filing,
            by=lead,
            organisation=organisation,
            role=role,
            task_division=task,
            # A registered unit signs for itself, online (filings.membership).
            charter_signed=complete and not registered,
        )
        if complete and registered:
            _member_confirms(member)
    filing.refresh_from_db()
    _upload(
        filing,
        lead,
        FilingMaterial.Kind.APPLICATION_FORM,
        application_form_pdf(filing),
        "备案申请书（盖章扫描件）.pdf",
    )
    if complete:
        _upload_charter(filing, lead)
        org = lead.organisation
        if org.pk not in licences:
            licences[org.pk] = _render(_LICENCE, {"org": org})
        _upload(filing, lead, FilingMaterial.Kind.LICENCE, licences[org.pk], "营业执照.pdf")
    return filing


def _member_confirms(member) -> None:
    """A registered member unit's administrator confirms online."""
    admin = User.objects.get(
        organisation_id=member.organisation_id, is_unit_admin=True, is_active=True
    )
    membership.membership_confirm(by=admin, member=member)


def _act(filing: Filing, action: str, by, text) -> None:
    if action == "submit":
        services.filing_submit(filing=filing, by=by)
    elif action == "recommend":
        services.filing_recommend(filing=filing, by=by, opinion=text)
    elif action == "return":
        services.filing_return(filing=filing, by=by, reason=text)
    elif action == "reject":
        services.filing_reject(filing=filing, by=by, reason=text)
    elif action == "approve":
        services.filing_approve(filing=filing, by=by)
    elif action == "withdraw":
        services.filing_withdraw(filing=filing, by=by)
    elif action == "revise":
        # The fix the county asked for: a clearer task division and a new scan.
        org_name, task = text
        vague = filing.alliance.members.get(organisation__name=org_name)
        registered = membership.is_registered(vague.organisation_id)
        data = {"role": vague.role, "task_division": task}
        if not registered:
            data["charter_signed"] = True
        services.member_update(filing=filing, by=by, member=vague, data=data)
        if registered:  # the new task division is the member's to confirm again
            _member_confirms(vague)
        _upload_charter(filing, by)
    else:
        raise ValueError(action)


def _timeline(todo, today) -> list[tuple[datetime.datetime, int, DemoAlliance, int]]:
    """Every step of every new alliance, oldest first: filing numbers (per year) and letter
    numbers (per bureau and year) then follow the order of the decisions."""
    events = []
    for index, spec in todo:
        previous = None
        for number, (_action, days_ago, _who, _text) in enumerate(spec.steps):
            moment = _moment(today, days_ago, f"{spec.name}{number}")
            if previous is not None and moment <= previous:  # two steps on one day
                moment = previous + datetime.timedelta(minutes=25)
            events.append((moment, index, spec, number))
            previous = moment
    return sorted(events, key=lambda event: (event[0], event[1], event[3]))


def seed(only=None) -> str:
    """Create the demo alliances that do not exist yet; return a one-line summary.

    ``only``: names of the alliances to create (default: all of them).

    Each step commits on its own, so its e-mail notices and inbox entries carry its date.
    A run that fails halfway leaves those alliances half-built (they are then skipped):
    start again from an empty database.
    """
    existing = set(
        Alliance.objects.filter(name__in=[a.name for a in ALLIANCES]).values_list("name", flat=True)
    )
    todo = [
        (i, spec)
        for i, spec in enumerate(ALLIANCES)
        if spec.name not in existing and (only is None or spec.name in only)
    ]
    usernames = {s[2] for _, spec in todo for s in spec.steps} | {spec.lead for _, spec in todo}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    licences: dict[int, bytes] = {}
    filings: dict[str, int] = {}
    with quietly():
        for moment, index, spec, number in _timeline(todo, timezone.localdate()):
            action, _days_ago, who, text = spec.steps[number]
            with _clock(moment), transaction.atomic():
                if action == "create":
                    filing = _create(spec, index, users[spec.lead], licences)
                    filings[spec.name] = filing.pk
                else:
                    filing = Filing.objects.get(pk=filings[spec.name])
                    _act(filing, action, users[who], text)
    if not todo:
        return f"联盟备案演示数据已存在（{len(existing)}个联盟），未做修改。"
    states = Counter(Filing.objects.filter(pk__in=filings.values()).values_list("state", flat=True))
    labels = "、".join(
        f"{label}{states[value]}" for value, label in Filing.State.choices if states[value]
    )
    return f"联盟备案演示数据：新建{len(todo)}个联盟（{labels}），已存在{len(existing)}个。"
