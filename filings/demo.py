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
from dataclasses import dataclass
from unittest import mock

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template import engines
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Organisation, User

from . import services
from .documents import application_form_pdf
from .models import Alliance, AllianceMember, Category, Filing, FilingMaterial

LEAD, COUNCIL, MEMBER = AllianceMember.Role.LEAD, AllianceMember.Role.COUNCIL, "member"
CAT1, CAT2, CAT3 = Category.INDUSTRIAL_TECHNOLOGY, Category.INDUSTRIAL, Category.STRATEGIC


@dataclass(frozen=True)
class DemoAlliance:
    name: str
    category: str
    lead: str  # username of the lead unit's user
    chain: str  # 产业创新链及构建任务
    goals: str
    partners: str  # 京津合作
    people: tuple[str, str, str]  # chairperson, secretary-general, office address
    lead_task: str
    # (organisation name, role in the alliance, task division)
    members: tuple[tuple[str, str, str], ...]
    # (action, working days ago, actor username, opinion or reason); the first step is
    # the day the lead unit created the application.
    steps: tuple[tuple, ...]
    # A draft the lead unit has only begun: its checklist shows what is still missing.
    incomplete: bool = False


ALLIANCES = [
    DemoAlliance(
        "保定汽车轻量化零部件产业技术创新战略联盟",
        CAT1,
        "lead_ruichi",
        "围绕汽车轻量化底盘、车身结构件产业链，贯通“材料—设计—成形—连接—检测”各环节，"
        "联合攻关铝合金一体化压铸、高强钢热成形和异种材料连接等关键工艺，建设轻量化零部件中试线。",
        "三年内突破一体化压铸等关键技术5项以上，申请发明专利20件，制定团体标准2项，"
        "轻量化零部件配套整车企业3家以上，带动联盟成员新增产值5亿元。",
        "与北京中科智造研究院共建轻量化成形工艺联合实验室；与天津滨海先进制造研究所合作开发连接工艺及模具，"
        "形成“京津研发、保定转化”的合作链条。",
        ("赵志刚", "赵敏", "保定市竞秀区瑞驰路88号研发楼3层"),
        "牵头组织联盟运行，负责轻量化底盘及车身零部件的产业化和整车配套示范应用",
        (
            ("冀中理工大学", COUNCIL, "承担轻量化结构拓扑优化设计与碰撞仿真研究"),
            ("保定市新材料研究院", COUNCIL, "负责高强钢、铝合金材料性能测试与工艺验证"),
            ("北京中科智造研究院", MEMBER, "提供一体化压铸工艺"),
            ("天津滨海先进制造研究所", MEMBER, "开展异种材料连接工艺及模具开发"),
        ),
        (
            ("create", 44, "lead_ruichi", ""),
            ("submit", 41, "lead_ruichi", ""),
            (
                "return",
                38,
                "county_jingxiu",
                "协议书（章程）扫描件中天津滨海先进制造研究所的法定代表人签字页不清晰，请重新上传；"
                "北京中科智造研究院的任务分工过于笼统，请细化到具体研发任务。",
            ),
            (
                "revise",
                36,
                "lead_ruichi",
                (
                    "北京中科智造研究院",
                    "提供一体化压铸工艺仿真、模具设计及智能在线检测装备技术支持",
                ),
            ),
            ("submit", 36, "lead_ruichi", ""),
            (
                "recommend",
                33,
                "county_jingxiu",
                "经初审，牵头单位为我区汽车零部件骨干企业，成员涵盖京津保高校院所，任务分工明确，"
                "协议（章程）已由全体成员法定代表人签署，符合第九条规定的备案条件，同意推荐。",
            ),
            ("approve", 27, "city_wang", ""),
        ),
    ),
    DemoAlliance(
        "保定智能网联汽车电子产业技术创新战略联盟",
        CAT1,
        "lead_ruichi",
        "面向智能网联汽车，围绕车载传感器、域控制器、车路协同软件和测试验证构建产业创新链，"
        "联合开展毫米波雷达、车规级控制器和车路协同算法研发，建设封闭场地测试验证平台。",
        "三年内研制车规级域控制器样机2款，车路协同示范路段10公里，申请发明专利15件，"
        "培养汽车电子专业技术人才200名。",
        "北京京保科技发展有限公司负责车路协同算法，京北理工大学（演示）承担雷达与控制器研发，"
        "成果在保定整车及零部件企业转化应用。",
        ("赵志刚", "孙立伟", "保定市竞秀区瑞驰路88号智能网联中心2层"),
        "牵头组织联盟运行，负责车载电子产品的工程化、量产和整车验证",
        (
            ("京北理工大学（演示）", COUNCIL, "承担毫米波雷达与域控制器核心技术研发"),
            ("保定云图信息技术有限公司", COUNCIL, "开发车载软件、数据平台与远程升级系统"),
            ("北京京保科技发展有限公司", MEMBER, "负责车路协同算法与边缘计算单元开发"),
            ("保定职业技术学院（演示）", MEMBER, "开展汽车电子装调与测试技能人才培养"),
        ),
        (
            ("create", 18, "lead_ruichi", ""),
            ("submit", 13, "lead_ruichi", ""),
            (
                "recommend",
                6,
                "county_jingxiu",
                "该联盟面向智能网联汽车前沿领域，京津合作单位承担核心研发任务，材料齐全，"
                "符合一类联盟条件，同意推荐。",
            ),
        ),
    ),
    DemoAlliance(
        "竞秀区汽车后市场服务产业创新联盟",
        CAT2,
        "lead_ruichi",
        "围绕汽车维修保养、再制造和二手车检测评估等后市场服务环节，推动服务标准化和数字化。",
        "待补充",
        "",
        ("", "", "保定市竞秀区瑞驰路88号"),
        "牵头组织联盟筹建",
        (("保定职业技术学院（演示）", MEMBER, ""),),
        (("create", 2, "lead_ruichi", ""),),
        incomplete=True,
    ),
    DemoAlliance(
        "保定光伏组件与智能微网产业技术创新战略联盟",
        CAT1,
        "lead_hengneng",
        "围绕高效光伏电池、组件封装、逆变器和智能微网运行构建产业创新链，"
        "联合攻关TOPCon高效电池、双面组件可靠性和光储充一体化微网能量管理技术。",
        "三年内组件量产转换效率提升1.5个百分点，建成光储充智能微网示范项目5个，"
        "申请发明专利25件，制定企业及团体标准3项。",
        "天津津冀新能源有限公司负责分布式光伏与储能系统集成示范，北京中科智造研究院提供组件智能产线技术。",
        ("钱立新", "钱磊", "保定国家高新技术产业开发区朝阳北大街恒能科技园1号楼"),
        "牵头组织联盟运行，负责高效组件研发和产业化，承担示范项目建设",
        (
            ("冀中理工大学", COUNCIL, "承担高效电池片与组件可靠性研究"),
            ("天津津冀新能源有限公司", COUNCIL, "负责分布式光伏与储能系统集成示范"),
            ("北京中科智造研究院", MEMBER, "提供光伏组件智能产线与在线检测技术"),
            ("保定云图信息技术有限公司", MEMBER, "开发智能微网能量管理与运维软件"),
        ),
        (
            ("create", 62, "lead_hengneng", ""),
            ("submit", 59, "lead_hengneng", ""),
            (
                "recommend",
                54,
                "county_gaoxin",
                "牵头单位为高新区新能源领军企业，联盟技术方向属于国家战略性新兴产业，"
                "京津成员承担关键任务，符合备案条件，同意推荐。",
            ),
            ("approve", 48, "city_li", ""),
        ),
    ),
    DemoAlliance(
        "保定氢能与储能装备产业技术创新战略联盟",
        CAT1,
        "lead_hengneng",
        "围绕“制氢—储氢—用氢”和新型储能装备构建产业创新链，联合攻关碱性电解槽、"
        "高压储氢容器和燃料电池系统集成技术，建设氢能装备中试及检测平台。",
        "三年内研制兆瓦级电解槽样机1台、70兆帕储氢容器样品2款，申请发明专利18件，"
        "引进京津科技成果5项在保定转化。",
        "天津滨海先进制造研究所合作开发电解槽与储氢容器制造工艺；京北理工大学（演示）承担燃料电池系统测试。",
        ("钱立新", "周文博", "保定国家高新技术产业开发区朝阳北大街恒能科技园2号楼"),
        "牵头组织联盟运行，负责氢能装备集成与示范应用",
        (
            ("天津滨海先进制造研究所", COUNCIL, "开发电解槽与高压储氢容器制造工艺"),
            ("保定市新材料研究院", COUNCIL, "研究质子交换膜及催化剂材料"),
            ("京北理工大学（演示）", MEMBER, "承担燃料电池系统测试与评价"),
            ("河北省科技金融服务中心（演示）", MEMBER, "对接科技金融与首台套保险服务"),
        ),
        (("create", 9, "lead_hengneng", ""), ("submit", 4, "lead_hengneng", "")),
    ),
    DemoAlliance(
        "京津冀光伏应用协同创新战略联盟",
        CAT3,
        "lead_hengneng",
        "搭建京津冀光伏应用企业、设计院和运维服务机构的交流平台，围绕分布式光伏推广开展研讨和对接。",
        "每年举办光伏应用技术研讨会2次，发布分布式光伏应用案例集1册，促成合作项目10项。",
        "北京京保科技发展有限公司、天津津冀新能源有限公司参与组织研讨和项目对接。",
        ("钱立新", "吴海峰", "保定国家高新技术产业开发区朝阳北大街恒能科技园1号楼"),
        "牵头组织研讨交流和项目对接",
        (
            ("北京京保科技发展有限公司", COUNCIL, "组织北京地区企业参加研讨和项目对接"),
            ("天津津冀新能源有限公司", COUNCIL, "组织天津地区光伏应用案例征集"),
            ("保定市智能制造产业协会", MEMBER, "负责会务组织和行业宣传"),
        ),
        (
            ("create", 52, "lead_hengneng", ""),
            ("submit", 49, "lead_hengneng", ""),
            ("recommend", 45, "county_gaoxin", "材料齐全，符合三类联盟定位，同意推荐。"),
            (
                "reject",
                40,
                "city_zhang",
                "经审核，该联盟牵头单位和主要成员与已备案的“保定光伏组件与智能微网产业技术创新战略联盟”高度重合，"
                "工作内容未超出已备案联盟的范围。根据第七条“防止注重数量不求质量”的要求，不予备案。"
                "建议相关单位在已备案联盟框架内开展交流活动。",
            ),
        ),
    ),
    DemoAlliance(
        "保定工业机器人与智能装备产业技术创新战略联盟",
        CAT1,
        "lead_lianchi",
        "围绕工业机器人本体、控制系统、机器视觉和系统集成构建产业创新链，"
        "联合攻关协作机器人力控、视觉引导和柔性焊装技术，在汽车零部件产线开展应用验证。",
        "三年内推出协作机器人新产品3款，完成智能产线改造示范10条，申请发明专利22件，"
        "国产控制系统在联盟内应用比例达到60%。",
        "北京中科智造研究院承担协作机器人控制系统研发，天津、北京院所专家参与联盟技术委员会。",
        ("孙海涛", "孙静", "保定市莲池区东风东路166号智能装备产业园A座"),
        "牵头组织联盟运行，负责机器人本体研发与智能装备系统集成",
        (
            ("北京中科智造研究院", COUNCIL, "承担协作机器人控制系统与力控算法研发"),
            ("冀中理工大学", COUNCIL, "开展机器视觉与智能检测技术研究"),
            ("保定瑞驰汽车零部件有限公司", MEMBER, "提供汽车零部件焊装产线开展应用验证"),
            ("保定市智能制造产业协会", MEMBER, "组织供需对接、标准宣贯和成果推广"),
        ),
        (
            ("create", 78, "lead_lianchi", ""),
            ("submit", 75, "lead_lianchi", ""),
            (
                "recommend",
                69,
                "county_lianchi",
                "联盟以企业为核心，产学研结构合理，已有应用验证场景，符合第九条各项条件，同意推荐。",
            ),
            ("approve", 63, "city_wang", ""),
        ),
    ),
    DemoAlliance(
        "保定工业互联网与数字化车间产业创新联盟",
        CAT2,
        "lead_lianchi",
        "面向保定装备制造和食品加工等传统产业，围绕设备联网、数据采集、生产管控和运维服务构建产业创新链，"
        "推动中小企业数字化车间改造。",
        "三年内服务中小企业数字化改造100家，建设标杆数字化车间10个，培训数字化运维人员500人次。",
        "北京京保科技发展有限公司负责边缘计算与数据采集技术，成果在保定中小企业推广应用。",
        ("孙海涛", "刘晓燕", "保定市莲池区东风东路166号智能装备产业园B座"),
        "牵头组织联盟运行，负责数字化车间整体解决方案",
        (
            ("保定云图信息技术有限公司", COUNCIL, "开发工业互联网平台与生产管控软件"),
            ("北京京保科技发展有限公司", MEMBER, "负责边缘计算网关与设备数据采集"),
            ("保定职业技术学院（演示）", MEMBER, "开展数字化车间运维人才培训"),
            ("徐水区鑫达食品有限公司", MEMBER, "提供食品生产线作为数字化改造试点"),
        ),
        (("create", 15, "lead_lianchi", ""), ("submit", 8, "lead_lianchi", "")),
    ),
    DemoAlliance(
        "保定智能制造产教融合创新战略联盟",
        CAT3,
        "lead_lianchi",
        "搭建企业、院校和行业协会的交流平台，围绕智能制造技能人才短缺问题开展研讨，"
        "共建实训基地，构建校企联合培养体系。",
        "三年内共建实训基地3个，联合开发课程10门，每年举办校企对接活动4次，订单式培养学生300名。",
        "天津滨海先进制造研究所派专家参与课程开发，京津企业提供实习岗位。",
        ("孙海涛", "褚明远", "保定市莲池区东风东路166号智能装备产业园C座"),
        "牵头组织联盟运行，提供实训设备和企业导师",
        (
            ("保定职业技术学院（演示）", COUNCIL, "负责专业建设、课程开发和学生培养"),
            ("冀中理工大学", COUNCIL, "承担智能制造本科及研究生联合培养"),
            ("保定市智能制造产业协会", MEMBER, "组织会员企业发布用人需求和实习岗位"),
            ("天津滨海先进制造研究所", MEMBER, "派驻专家参与课程开发和实训指导"),
        ),
        (
            ("create", 30, "lead_lianchi", ""),
            ("submit", 26, "lead_lianchi", ""),
            ("recommend", 22, "county_lianchi", "校企合作基础较好，符合三类联盟定位，同意推荐。"),
            (
                "return",
                17,
                "city_li",
                "请补充联盟工作办公室专职人员的姓名和岗位职责；开放发展机制中请写明实训基地面向联盟外企业"
                "和院校开放的具体方式。修改后重新提交。",
            ),
        ),
    ),
    DemoAlliance(
        "安国道地药材标准化种植产业创新联盟",
        CAT2,
        "lead_anguo",
        "围绕安国“祁药”道地药材，贯通良种繁育、标准化种植、产地加工和质量追溯各环节，"
        "推进祁菊花、祁紫菀、祁山药等品种的规范化种植和饮片加工。",
        "三年内建设标准化种植基地2万亩，选育新品种3个，制定种植技术规程5项，"
        "建成覆盖主要品种的质量追溯系统，带动药农增收10%以上。",
        "京北理工大学（演示）开发药材产地溯源信息系统，成果在安国药材种植基地应用。",
        ("吴国庆", "吴芳", "安国市药都南路9号本草科技楼"),
        "牵头组织联盟运行，负责饮片加工和种植基地订单收购",
        (
            ("保定市农林科学研究所（演示）", COUNCIL, "承担良种繁育与标准化种植技术研究"),
            ("清苑区绿色果蔬专业合作联社", MEMBER, "组织种植基地和药农技术培训"),
            ("石家庄华药生物技术有限公司（演示）", MEMBER, "负责有效成分检测与质量标准研究"),
            ("京北理工大学（演示）", MEMBER, "开发药材产地溯源信息系统"),
        ),
        (
            ("create", 92, "lead_anguo", ""),
            ("submit", 88, "lead_anguo", ""),
            (
                "recommend",
                82,
                "county_anguo",
                "联盟围绕我市中药材特色产业，带动种植户增收作用明显，符合二类联盟条件，同意推荐。",
            ),
            ("approve", 76, "city_zhang", ""),
        ),
    ),
    DemoAlliance(
        "安国中医药大健康产业技术创新战略联盟",
        CAT1,
        "lead_anguo",
        "围绕中药经典名方开发、中药智能制造和中医药健康产品构建产业创新链，"
        "联合攻关中药提取纯化、智能炮制装备和质量一致性评价技术。",
        "三年内完成经典名方二次开发3项，建成中药智能炮制示范线1条，申请发明专利12件，"
        "联盟成员中药产品销售收入增长20%。",
        "北京中科智造研究院承担中药智能制造装备研发，成果在安国中药企业转化。",
        ("吴国庆", "郑雅琴", "安国市药都南路9号本草科技楼5层"),
        "牵头组织联盟运行，负责中药产品开发和产业化",
        (
            ("石家庄华药生物技术有限公司（演示）", COUNCIL, "承担经典名方二次开发和药效评价"),
            ("冀中理工大学", COUNCIL, "研究中药提取纯化工艺"),
            ("北京中科智造研究院", MEMBER, "研发中药智能炮制装备"),
            ("保定市农林科学研究所（演示）", MEMBER, "保障优质原料药材供应与检测"),
        ),
        (
            ("create", 14, "lead_anguo", ""),
            ("submit", 10, "lead_anguo", ""),
            (
                "recommend",
                2,
                "county_anguo",
                "联盟技术方向具有前沿性，京津冀成员分工明确，符合一类联盟条件，同意推荐。",
            ),
        ),
    ),
    DemoAlliance(
        "安国药食同源功能食品产业创新联盟",
        CAT2,
        "lead_anguo",
        "围绕药食同源物质开发功能食品，贯通原料种植、食品加工和产品检测各环节，推动安国中药材向食品领域延伸。",
        "三年内开发药食同源功能食品新产品10个，建设原料基地5000亩，制定企业标准5项。",
        "京北理工大学（演示）承担功能食品配方与功效评价研究。",
        ("吴国庆", "王德明", "安国市药都南路9号本草科技楼3层"),
        "牵头组织联盟运行，负责药食同源原料供应",
        (
            ("徐水区鑫达食品有限公司", COUNCIL, "负责功能食品加工工艺与生产"),
            ("保定清苑农业科技发展有限公司", MEMBER, "建设药食同源原料种植基地"),
            ("京北理工大学（演示）", MEMBER, "承担功能食品配方与功效评价研究"),
        ),
        (
            ("create", 25, "lead_anguo", ""),
            ("submit", 22, "lead_anguo", ""),
            ("withdraw", 19, "lead_anguo", ""),
        ),
    ),
    DemoAlliance(
        "高碑店被动式超低能耗建筑产业技术创新战略联盟",
        CAT1,
        "lead_gaobeidian",
        "围绕被动式超低能耗建筑，贯通高性能保温材料、节能门窗、新风系统、设计施工和检测评价各环节，"
        "联合攻关气密性构造、无热桥节点和建筑能耗监测技术。",
        "三年内研发高性能保温及门窗产品5项，编制被动式建筑技术标准2项，建成示范项目20万平方米，"
        "申请发明专利15件。",
        "北京京保科技发展有限公司开发建筑能耗监测平台，冀中理工大学与京津设计院合作开展标准研究。",
        ("周建华", "周强", "高碑店市列车新城路18号绿建科技大厦"),
        "牵头组织联盟运行，负责高性能保温材料和节能门窗的研发生产",
        (
            ("冀中理工大学", COUNCIL, "开展被动式建筑设计方法与技术标准研究"),
            ("保定市新材料研究院", COUNCIL, "研发气凝胶等高性能保温材料"),
            ("涿州市京南检测技术服务有限公司", MEMBER, "承担建筑气密性和能耗检测"),
            ("北京京保科技发展有限公司", MEMBER, "开发建筑能耗监测与运维平台"),
        ),
        (
            ("create", 36, "lead_gaobeidian", ""),
            ("submit", 32, "lead_gaobeidian", ""),
            (
                "recommend",
                28,
                "county_gaobeidian",
                "联盟依托我市被动式建筑产业基础，产业链完整，符合一类联盟条件，同意推荐。",
            ),
            ("approve", 21, "city_li", ""),
        ),
    ),
    DemoAlliance(
        "高碑店装配式建筑与绿色建材产业创新联盟",
        CAT2,
        "lead_gaobeidian",
        "围绕装配式建筑部品部件和绿色建材，推动预制构件生产、建材固废利用和施工安装技术升级，"
        "带动高碑店传统建材产业转型。",
        "三年内开发装配式部品部件8类，固废综合利用率提高到80%，培训装配式建筑产业工人1000人次。",
        "天津滨海先进制造研究所提供构件生产线自动化改造方案。",
        ("周建华", "李建新", "高碑店市列车新城路18号绿建科技大厦6层"),
        "牵头组织联盟运行，负责预制构件和绿色建材生产",
        (
            ("保定市新材料研究院", COUNCIL, "研究建材固废综合利用技术"),
            ("天津滨海先进制造研究所", MEMBER, "提供构件生产线自动化改造方案"),
            ("保定职业技术学院（演示）", MEMBER, "开展装配式建筑产业工人培训"),
        ),
        (("create", 5, "lead_gaobeidian", ""), ("submit", 1, "lead_gaobeidian", "")),
    ),
    DemoAlliance(
        "保定绿色建材检测认证创新战略联盟",
        CAT3,
        "lead_gaobeidian",
        "搭建绿色建材生产企业、检测认证机构和金融机构的交流平台，围绕绿色建材认证标准和结果互认开展研讨。",
        "每年举办绿色建材认证研讨会2次，推动京津冀检测结果互认，服务企业取得绿色建材认证50家。",
        "京北理工大学（演示）参与认证标准研究，涿州检测机构对接北京认证机构。",
        ("周建华", "冯立平", "高碑店市列车新城路18号绿建科技大厦8层"),
        "牵头组织联盟运行，组织会员企业参与认证",
        (
            ("涿州市京南检测技术服务有限公司", COUNCIL, "承担绿色建材检测和认证咨询"),
            ("京北理工大学（演示）", MEMBER, "参与绿色建材认证标准研究"),
            ("河北省科技金融服务中心（演示）", MEMBER, "对接绿色金融产品"),
        ),
        (
            ("create", 12, "lead_gaobeidian", ""),
            ("submit", 8, "lead_gaobeidian", ""),
            (
                "return",
                5,
                "county_gaobeidian",
                "联盟协议（章程）未明确检测数据和认证结果的归属及使用规则，不符合第九条第（六）项的要求，"
                "请补充利益保障机制后重新提交。",
            ),
        ),
    ),
]


class _AllianceForm(forms.ModelForm):
    class Meta:
        model = Alliance
        fields = [
            "category",
            "industry_chain",
            "innovation_goals",
            "decision_body",
            "executive_body",
            "liable_entity",
            "office_address",
            "office_fulltime_staff",
            "office_contact_name",
            "office_contact_phone",
            "office_contact_email",
            "funding_rules",
            "ip_mechanism",
            "openness_mechanism",
            "beijing_tianjin_partners",
            "chairperson",
            "secretary_general",
        ]


class _MemberForm(forms.ModelForm):
    class Meta:
        model = AllianceMember
        fields = ["role", "task_division", "charter_signed"]


def _valid(form):
    if not form.is_valid():
        raise ValueError(form.errors.as_text())
    return form


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
        data.update(office_fulltime_staff="", funding_rules="", executive_body="")
    return data


# --- PDFs the lead unit would scan and upload (Art. 10 (3) and (4)) ---------------------

_CHARTER = """{% extends "pdf/base.html" %}
{% block title %}{{ alliance.name }}协议书（章程）{% endblock %}
{% block body %}
<h1>{{ alliance.name }}<br>协议书（章程）</h1>
<p class="number muted">演示材料 · 由演示数据生成</p>
<p class="body">第一条　本联盟名称为“{{ alliance.name }}”，由{{ alliance.lead_unit.name }}牵头，
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


def _moment(today, days_ago: int, salt: str, *, end_of_day=False) -> datetime.datetime:
    day = _working_days_before(today, days_ago)
    minutes = 9 * 60 + zlib.crc32(salt.encode()) % (7 * 60)  # office hours, 9:00–16:00
    if end_of_day:
        minutes = 17 * 60 + 30
    naive = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60))
    return timezone.make_aware(naive)


# --- Walking one alliance through the services -----------------------------------------


def _build(spec: DemoAlliance, index: int, users: dict, today, licences: dict) -> Filing:
    lead = users[spec.lead]
    steps = list(spec.steps)
    _action, days_ago, _who, _text = steps.pop(0)
    with _clock(_moment(today, days_ago, spec.name)):
        filing = services.alliance_create(by=lead, name=spec.name)
        alliance = filing.alliance
        form = _AllianceForm(_alliance_data(spec, lead.organisation, index), instance=alliance)
        services.filing_save_draft(filing=filing, by=lead, form=_valid(form))
        lead_member = alliance.members.get(organisation=lead.organisation)
        complete = not spec.incomplete
        form = _MemberForm(
            {"role": LEAD, "task_division": spec.lead_task, "charter_signed": complete},
            instance=lead_member,
        )
        services.member_update(filing=filing, by=lead, member=lead_member, form=_valid(form))
        for org_name, role, task in spec.members:
            services.member_add(
                filing=filing,
                by=lead,
                organisation=Organisation.objects.get(name=org_name),
                role=role,
                task_division=task,
                charter_signed=complete,
            )
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

    for number, (action, days_ago, who, text) in enumerate(steps):
        by = users[who]
        with _clock(_moment(today, days_ago, f"{spec.name}{number}")):
            filing = Filing.objects.get(pk=filing.pk)
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
                form = _MemberForm(
                    {"role": vague.role, "task_division": task, "charter_signed": True},
                    instance=vague,
                )
                services.member_update(filing=filing, by=by, member=vague, form=_valid(form))
                _upload_charter(filing, by)
            else:
                raise ValueError(action)
    return Filing.objects.get(pk=filing.pk)


def seed() -> str:
    """Create the demo alliances that do not exist yet; return a one-line summary."""
    from alliance_portal.celery import app as celery_app

    existing = set(
        Alliance.objects.filter(name__in=[a.name for a in ALLIANCES]).values_list("name", flat=True)
    )
    todo = [(i, spec) for i, spec in enumerate(ALLIANCES) if spec.name not in existing]
    usernames = {spec.lead for _, spec in todo} | {s[2] for _, spec in todo for s in spec.steps}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    today = timezone.localdate()
    licences: dict[int, bytes] = {}
    states: Counter = Counter()
    # Notices to demo users land in their inboxes; the e-mails go nowhere, and never
    # through a Celery worker that might be configured with a real mail server.
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for index, spec in todo:
                # One transaction per alliance (all or nothing); its notices are sent at
                # commit, at the end of the day of its last step.
                last_day = _moment(today, spec.steps[-1][1], "", end_of_day=True)
                with _clock(last_day):
                    with transaction.atomic():
                        filing = _build(spec, index, users, today, licences)
                states[filing.state] += 1
    finally:
        celery_app.conf.task_always_eager = eager
    if not todo:
        return f"联盟备案演示数据已存在（{len(existing)}个联盟），未做修改。"
    labels = "、".join(
        f"{label}{states[value]}" for value, label in Filing.State.choices if states[value]
    )
    return f"联盟备案演示数据：新建{len(todo)}个联盟（{labels}），已存在{len(existing)}个。"
