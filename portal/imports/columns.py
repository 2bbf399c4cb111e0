"""The sheets of the import workbook and their columns: the one list the template, the
reader and the resources share. Headers are the portal's language (Chinese): the file is
an official record, as the audit log is, whatever language the user reads the portal in."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True
    example: object = ""
    width: int = 16
    # The name of a validation list of the template (see template.LISTS), or "".
    choices: str = ""


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def header(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)


ORGANISATIONS = Sheet(
    "organisations",
    "单位",
    (
        Column("name", "单位名称", example="保定示例新材料有限公司", width=30),
        Column("uscc", "统一社会信用代码", example="91130602MA0EXAMP0H", width=24),
        Column("kind", "单位类型", example="企业", choices="kinds"),
        Column("industry", "所属行业", example="制造业", width=30, choices="industries"),
        Column("legal_representative", "法定代表人", example="张三"),
        Column(
            "jurisdiction",
            "所在县（市、区）/开发区",
            required=False,
            example="",
            width=24,
            choices="jurisdictions",
        ),
        Column("address", "地址", required=False, example="保定市竞秀区示例路1号", width=30),
        Column("contact_person", "联系人", required=False, example="李四"),
        Column("contact_phone", "联系电话", required=False, example="0312-1234567"),
    ),
)

ALLIANCES = Sheet(
    "alliances",
    "联盟",
    (
        Column("name", "联盟名称", example="保定示例新材料产业技术创新战略联盟", width=36),
        Column("category", "联盟类别", example="", width=24, choices="categories"),
        Column("lead_unit", "牵头单位统一社会信用代码", example="91130602MA0EXAMP0H", width=24),
        Column("filing_number", "备案编号", example="保科联备〔2018〕001号", width=24),
        Column("filed_on", "备案日期", example="2018-06-30", width=14),
        Column("status", "备案状态", example="已备案", choices="statuses"),
        Column("revoked_on", "取消备案日期", required=False, example="", width=14),
        Column("revocation_ground", "取消备案情形", required=False, width=30, choices="grounds"),
        Column("office_contact_name", "办公室联系人", required=False, example="王五"),
        Column("office_contact_phone", "办公室联系电话", required=False, example="0312-7654321"),
        Column("office_contact_email", "办公室联系邮箱", required=False, width=24),
        Column("chairperson", "理事长", required=False, example="赵六"),
        Column("secretary_general", "秘书长", required=False, example="钱七"),
    ),
)

MEMBERS = Sheet(
    "members",
    "成员单位",
    (
        Column("filing_number", "联盟备案编号", example="保科联备〔2018〕001号", width=24),
        Column("uscc", "成员单位统一社会信用代码", example="91130602MA0EXAMP0H", width=24),
        Column("role", "联盟内角色", example="牵头单位", choices="roles"),
        Column("charter_signed", "已签署联盟协议（章程）", example="是", width=20, choices="yesno"),
        Column("task_division", "任务分工", required=False, example="牵头组织联合攻关", width=30),
    ),
)

SUMMARIES = Sheet(
    "summaries",
    "年度总结",
    (
        Column("filing_number", "联盟备案编号", example="保科联备〔2018〕001号", width=24),
        Column("year", "年度", example=2019, width=8),
        Column("submitted_on", "提交日期", example="2020-01-20", width=14),
        Column("accepted_on", "受理日期", required=False, example="2020-02-10", width=14),
        Column("joint_projects", "联合攻关项目数", required=False, example=3),
        Column("patents_applied", "申请专利数", required=False, example=5),
        Column("patents_granted", "授权专利数", required=False, example=2),
        Column("standards", "制定标准数", required=False, example=1),
        Column("people_trained", "培养人才数", required=False, example=20),
        Column("member_investment_yuan", "成员单位投入（元）", required=False, example=1000000),
        Column("government_investment_yuan", "政府资助经费（元）", required=False, example=200000),
        Column("work_done", "年度主要工作", required=False, example="开展联合攻关3项", width=30),
    ),
)

AWARDS = Sheet(
    "awards",
    "补贴",
    (
        Column("filing_number", "联盟备案编号", example="保科联备〔2018〕001号", width=24),
        Column("year", "年度", example=2019, width=8),
        Column("amount_yuan", "补贴金额（元）", example=200000),
        Column("notice_number", "补贴通知文号", required=False, example="", width=20),
        Column("disbursed_on", "拨付日期", required=False, example="", width=14),
    ),
)

#: In the order they are imported: each sheet may name what the ones before it create.
SHEETS = (ORGANISATIONS, ALLIANCES, MEMBERS, SUMMARIES, AWARDS)

#: Limits (issue 16): a larger file or more rows is refused with the limit named.
MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
