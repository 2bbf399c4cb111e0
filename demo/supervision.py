"""Demo data for supervision (Art. 12, 13, 16): alliances filed before the portal existed
(migrated from paper, 历史备案), their summaries in every state including overdue ones,
event reports with an accepted address change, symposia, revocation cases and liaison
officers. Idempotent: keyed by alliance name."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from filings.models import Alliance, AllianceMember, Category
from filings.numbering import next_filing_number
from supervision import services
from supervision.models import AnnualSummary, EventReport, RevocationCase, Symposium

from .common import TINY_PDF, quietly

# (name, category, lead username, members, filed on, liaison username)
HISTORIC = [
    (
        "保定新能源汽车零部件产业技术创新战略联盟",
        Category.INDUSTRIAL_TECHNOLOGY,
        "lead_ruichi",
        ["冀中理工大学", "北京中科智造研究院", "保定市新材料研究院"],
        datetime.date(2019, 6, 18),
        "city_li",
    ),
    (
        "保定光伏与储能产业创新联盟",
        Category.INDUSTRIAL,
        "lead_hengneng",
        ["天津津冀新能源有限公司", "冀中理工大学", "保定市智能制造产业协会"],
        datetime.date(2020, 9, 9),
        "city_zhang",
    ),
    (
        "安国中药材产业创新联盟",
        Category.INDUSTRIAL,
        "lead_anguo",
        [
            "石家庄华药生物技术有限公司（演示）",
            "保定市农林科学研究所（演示）",
            "京北理工大学（演示）",
        ],
        datetime.date(2021, 4, 26),
        "city_li",
    ),
    (
        "京保智能装备协同创新战略联盟",
        Category.STRATEGIC,
        "lead_lianchi",
        ["北京京保科技发展有限公司", "天津滨海先进制造研究所", "保定职业技术学院（演示）"],
        datetime.date(2022, 11, 3),
        None,
    ),
    (
        "徐水食品安全检测创新战略联盟",
        Category.STRATEGIC,
        "lead_ruichi",
        ["涿州市京南检测技术服务有限公司", "保定职业技术学院（演示）", "徐水区鑫达食品有限公司"],
        datetime.date(2019, 10, 21),
        None,
    ),
    (
        "高碑店绿色建材产业创新联盟",
        Category.INDUSTRIAL,
        "lead_gaobeidian",
        ["冀中理工大学", "涿州市京南检测技术服务有限公司", "北京京保科技发展有限公司"],
        datetime.date(2023, 5, 15),
        None,
    ),
]

TEXT = "围绕产业链关键环节开展联合攻关，成员单位按章程分工协作，定期召开理事会，成果在联盟内外推广应用。"


def _user(username):
    return User.objects.get(username=username)


# One transaction, as one request would: the filing number comes from the gap-free
# sequence, whose row stays locked until the alliance that carries the number commits.
@transaction.atomic
def _historic_alliance(name, category, lead, members, filed_on, liaison):
    alliance = Alliance.objects.filter(name=name).first()
    if alliance:
        return alliance, False
    lead_org = lead.organisation
    alliance = Alliance.objects.create(
        name=name,
        category=category,
        lead_unit=lead_org,
        industry_chain=TEXT,
        innovation_goals=TEXT,
        decision_body="联盟理事会",
        executive_body="联盟秘书处",
        liable_entity=lead_org.name,
        office_address=f"{lead_org.address}联盟办公室",
        office_fulltime_staff=2,
        office_contact_name=lead.get_full_name(),
        office_contact_phone=lead_org.contact_phone,
        funding_rules=TEXT,
        ip_mechanism=TEXT,
        openness_mechanism=TEXT,
        beijing_tianjin_partners="与京津高校院所共建联合实验室",
        chairperson=lead_org.legal_representative,
        secretary_general=lead.get_full_name(),
        status=Alliance.Status.FILED,
        # Filed on paper before the portal existed; numbered in that year's sequence.
        filing_number=next_filing_number(filed_on.year),
        filed_on=filed_on,
    )
    AllianceMember.objects.create(
        alliance=alliance,
        organisation=lead_org,
        role=AllianceMember.Role.LEAD,
        task_division="牵头组织联盟运行",
        charter_signed=True,
        signed_by=lead_org.legal_representative,
    )
    for org_name in members:
        org = Organisation.objects.get(name=org_name)
        AllianceMember.objects.create(
            alliance=alliance,
            organisation=org,
            task_division="参与联合攻关和成果转化",
            charter_signed=True,
            signed_by=org.legal_representative,
        )
    if liaison:
        services.liaison_assign(alliance=alliance, by=_user("city_wang"), officer=_user(liaison))
    return alliance, True


def _summary(alliance, lead, staff, year, final_state, *, late=False):
    summary = services.summary_create(alliance=alliance, by=lead, year=year)
    AnnualSummary.objects.filter(pk=summary.pk).update(
        work_done=f"{year}年联盟组织联合攻关项目，召开理事会两次，举办技术交流活动。",
        joint_projects=3 + year % 4,
        patents_applied=5 + year % 7,
        patents_granted=2 + year % 3,
        standards=year % 2,
        people_trained=20 + year % 30,
        member_investment_yuan=1_200_000 + (year % 5) * 300_000,
        government_investment_yuan=200_000 if year % 2 else 0,
        problems="京津合作项目落地转化周期较长。",
        next_year_plan="扩大成员范围，推进中试基地建设。",
    )
    summary.refresh_from_db()
    if final_state == "draft":
        return summary
    services.summary_submit(summary=summary, by=lead)
    if final_state == "returned":
        services.summary_return(
            summary=summary, by=staff, reason="请补充成员单位投入的明细和佐证材料。"
        )
    elif final_state == "accepted":
        services.summary_accept(summary=summary, by=staff)
    submitted = datetime.datetime(
        year + 1, 3, 20 if not late else 4, 10, tzinfo=timezone.get_current_timezone()
    )
    if late:
        submitted = submitted.replace(month=5)
    AnnualSummary.objects.filter(pk=summary.pk).update(submitted_at=submitted)
    return summary


def _event(alliance, lead, staff, final_state, **data):
    report = services.event_create(alliance=alliance, by=lead, data=data)
    services.event_attach(report=report, by=lead, uploaded=SimpleUploadedFile("说明.pdf", TINY_PDF))
    if final_state == "draft":
        return report
    services.event_submit(report=report, by=lead)
    if final_state == "accepted":
        services.event_accept(report=report, by=staff)
    elif final_state == "returned":
        services.event_return(report=report, by=staff, reason="请补充项目立项文件。")
    return report


def seed() -> str:
    """Call it outside a transaction, as the command does: each step commits on its own,
    as a request would, and its notices go out (in-process) when it commits."""
    with quietly():
        return _seed()


def _seed() -> str:
    staff = _user("city_wang")
    created = []
    for name, category, lead_username, members, filed_on, liaison in HISTORIC:
        alliance, new = _historic_alliance(
            name, category, _user(lead_username), members, filed_on, liaison
        )
        if new:
            created.append(alliance)
    if not created:
        return "监督管理演示数据已存在，未做修改。"
    a1, a2, a3, a4, dissolved, a5 = (Alliance.objects.get(name=row[0]) for row in HISTORIC)
    leads = {a: a.lead_unit.users.first() for a in (a1, a2, a3, a4, a5)}
    # Annual summaries: accepted history, a late one, and 2025 in every state.
    for alliance in (a1, a2, a3):
        for year in range(max(alliance.filed_on.year, 2022), 2025):
            _summary(
                alliance,
                leads[alliance],
                staff,
                year,
                "accepted",
                late=(alliance == a3 and year == 2024),
            )
    _summary(a1, leads[a1], staff, 2025, "accepted")
    _summary(a2, leads[a2], staff, 2025, "submitted")
    _summary(a3, leads[a3], staff, 2025, "returned")
    _summary(a4, leads[a4], staff, 2025, "draft")  # overdue: due 31 March 2026
    # a5 has no 2025 summary at all: overdue and missing.
    _summary(a1, leads[a1], staff, 2026, "draft")
    # Event reports in every state, one accepted address change with its history.
    today = timezone.localdate()
    _event(
        a1,
        leads[a1],
        staff,
        "accepted",
        kind="address_change",
        title="联盟办公室迁址",
        event_date=today - datetime.timedelta(days=20),
        description="联盟办公室迁至新址。",
        new_office_address="保定市竞秀区创新路88号科创大厦12层",
    )
    _event(
        a2,
        leads[a2],
        staff,
        "submitted",
        kind="project",
        title="承担省级储能关键技术攻关项目",
        event_date=today - datetime.timedelta(days=45),
        description="联盟成员联合承担省级重点研发计划项目。",
    )
    _event(
        a3,
        leads[a3],
        staff,
        "returned",
        kind="breakthrough",
        title="中药材种植标准化取得阶段性成果",
        event_date=today - datetime.timedelta(days=12),
        description="形成两项团体标准草案。",
    )
    _event(
        a1,
        leads[a1],
        staff,
        "draft",
        kind="personnel_change",
        title="联盟秘书长变更",
        event_date=today - datetime.timedelta(days=3),
        description="原秘书长工作调动。",
        position="secretary_general",
        new_person_name="刘晓明",
    )
    _event(
        a4,
        leads[a4],
        staff,
        "accepted",
        kind="seminar",
        title="京保智能装备技术交流会",
        event_date=today - datetime.timedelta(days=60),
        description="在北京召开技术交流会，40余家单位参加。",
    )
    # Symposia: one held with minutes, one scheduled.
    held = services.symposium_schedule(
        by=staff,
        title="2026年上半年产业创新战略联盟工作座谈会",
        starts_at=timezone.now() - datetime.timedelta(days=90),
        location="保定市科学技术局三楼会议室",
        agenda="交流联盟运行好机制、好做法。",
        alliances=[a1, a2, a3, a4],
    )
    services.symposium_record_attendance(
        symposium=held,
        by=staff,
        attendance={
            i.pk: ("attended" if i.alliance != a4 else "absent", "联盟秘书长")
            for i in held.invitations.all()
        },
    )
    services.symposium_record_minutes(
        symposium=held,
        by=staff,
        summary="四个联盟交流了京津合作和成果转化经验。",
        uploaded=SimpleUploadedFile("纪要.pdf", TINY_PDF),
    )
    services.symposium_schedule(
        by=staff,
        title="2026年度联盟工作总结座谈会",
        starts_at=timezone.now() + datetime.timedelta(days=21),
        location="保定市科学技术局报告厅",
        agenda="年度工作总结与下一年度计划。",
        alliances=[a1, a2, a3, a4, a5],
    )
    # Revocation: an open case (in the statement period) and a dismissed one.
    services.case_open(
        alliance=a5,
        by=staff,
        grounds=["2"],
        facts="2025年度未提交工作总结，经电话联系未开展联盟活动。",
    )
    dismissed = services.case_open(
        alliance=a3, by=staff, grounds=["1"], facts="收到成员单位之间合同纠纷的反映。"
    )
    services.case_submit_statement(
        case=dismissed, by=leads[a3], statement="纠纷已通过调解解决，附调解书。"
    )
    services.case_decide(
        case=dismissed, by=staff, decision="dismiss", reasons="纠纷已解决，不影响联盟运行。"
    )
    # A dissolution announced by the lead unit (Art. 13(4)), decided: the alliance is revoked.
    announced = services.dissolution_announce(
        alliance=dissolved,
        by=dissolved.lead_unit.users.first(),
        statement="经联盟成员大会决议，联盟任务已完成，自即日起解散。",
    )
    services.case_decide(
        case=announced, by=staff, decision="revoke", reasons="联盟宣布解散（第十三条第四项）。"
    )
    return (
        f"监督管理演示数据：{len(created)} 个历史备案联盟，"
        f"{AnnualSummary.objects.count()} 份年度总结，{EventReport.objects.count()} 份重大事项报告，"
        f"{Symposium.objects.count()} 次座谈会，{RevocationCase.objects.count()} 件取消备案案件。"
    )
