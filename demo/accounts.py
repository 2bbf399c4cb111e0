"""Demo organisations and users: invented names, credit codes computed to pass the check."""

import hashlib

from accounts.models import Jurisdiction, Organisation, Role, User
from accounts.uscc import ALPHABET, check_character

DEMO_PASSWORD = "Baoding-demo-2026"

# GB 11714 organisation code: 8 characters and a check character (weights below).
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code_check(body: str) -> str:
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def demo_uscc(name: str, *, authority: str, division: str) -> str:
    """A stable, valid code for an invented organisation: the same name gives the same code."""
    digest = hashlib.sha256(name.encode()).digest()
    # 31 symbols per position (31^8 ≈ 8.5e11 codes): collisions among test or bench
    # organisations are negligible.
    body = "".join(ALPHABET[b % 31] for b in digest[:8])
    org_code = body + _org_code_check(body)
    first17 = authority + division + org_code
    assert all(ch in ALPHABET for ch in first17), first17
    return first17 + check_character(first17)


# (name, registration authority + type, division, kind, industry, jurisdiction code, legal rep)
ORGANISATIONS = [
    ("保定瑞驰汽车零部件有限公司", "91", "130602", "enterprise", "C", "130602", "赵志刚"),
    ("保定恒能光伏科技股份有限公司", "91", "130600", "enterprise", "C", "130671", "钱立新"),
    ("保定莲池智能装备有限公司", "91", "130606", "enterprise", "C", "130606", "孙海涛"),
    ("保定清苑农业科技发展有限公司", "91", "130608", "enterprise", "A", "130608", "李春生"),
    ("高碑店市绿建新材料有限公司", "91", "130684", "enterprise", "C", "130684", "周建华"),
    ("安国市本草中药饮片有限公司", "91", "130683", "enterprise", "C", "130683", "吴国庆"),
    ("保定云图信息技术有限公司", "91", "130603", "enterprise", "I", "130606", "郑晓东"),
    ("徐水区鑫达食品有限公司", "91", "130609", "enterprise", "C", "130609", "王德明"),
    ("涿州市京南检测技术服务有限公司", "91", "130681", "enterprise", "M", "130681", "冯立平"),
    ("冀中理工大学", "12", "130600", "university", "P", "130606", "陈学文"),
    ("保定职业技术学院（演示）", "12", "130602", "university", "P", "130602", "褚明远"),
    ("保定市新材料研究院", "12", "130602", "institute", "M", "130602", "卫东升"),
    ("保定市农林科学研究所（演示）", "12", "130608", "institute", "M", "130608", "蒋丰收"),
    ("保定市智能制造产业协会", "51", "130600", "other", "S", "130602", "沈永强"),
    ("清苑区绿色果蔬专业合作联社", "N2", "130608", "other", "A", "130608", "韩春耕"),
    ("北京中科智造研究院", "12", "110108", "institute", "M", None, "杨智远"),
    ("北京京保科技发展有限公司", "91", "110105", "enterprise", "I", None, "朱海波"),
    ("京北理工大学（演示）", "12", "110000", "university", "P", None, "秦学海"),
    ("天津滨海先进制造研究所", "52", "120116", "institute", "M", None, "尤振华"),
    ("天津津冀新能源有限公司", "91", "120110", "enterprise", "D", None, "许光明"),
    ("石家庄华药生物技术有限公司（演示）", "91", "130100", "enterprise", "C", None, "何润生"),
    # More experts' units: the 2026 round asks 5 experts an application, and a draw or a
    # redraw needs experts beyond every panel's conflicts (the walk, issue 15).
    ("廊坊新材料检测研究院（演示）", "12", "131000", "institute", "M", None, "许文清"),
    ("唐山装备制造技术研究所（演示）", "12", "130200", "institute", "M", None, "韩志远"),
    ("邯郸农业科学研究院（演示）", "12", "130400", "institute", "M", None, "冯立本"),
    ("河北省科技金融服务中心（演示）", "A1", "130000", "other", "J", None, "吕金才"),
]

# (username, family name, given name, role, organisation name, jurisdiction code, liaison)
USERS = [
    ("lead_ruichi", "赵", "敏", Role.LEAD_UNIT, "保定瑞驰汽车零部件有限公司", None, False),
    ("lead_hengneng", "钱", "磊", Role.LEAD_UNIT, "保定恒能光伏科技股份有限公司", None, False),
    ("lead_lianchi", "孙", "静", Role.LEAD_UNIT, "保定莲池智能装备有限公司", None, False),
    ("lead_anguo", "吴", "芳", Role.LEAD_UNIT, "安国市本草中药饮片有限公司", None, False),
    ("lead_gaobeidian", "周", "强", Role.LEAD_UNIT, "高碑店市绿建新材料有限公司", None, False),
    ("county_jingxiu", "刘", "洋", Role.COUNTY_REVIEWER, None, "130602", False),
    ("county_lianchi", "马", "丽", Role.COUNTY_REVIEWER, None, "130606", False),
    ("county_gaoxin", "高", "峰", Role.COUNTY_REVIEWER, None, "130671", False),
    ("county_anguo", "林", "霞", Role.COUNTY_REVIEWER, None, "130683", False),
    ("county_gaobeidian", "郭", "涛", Role.COUNTY_REVIEWER, None, "130684", False),
    ("city_wang", "王", "建国", Role.MUNICIPAL_STAFF, None, None, False),
    ("city_li", "李", "红", Role.MUNICIPAL_STAFF, None, None, True),
    ("city_zhang", "张", "伟", Role.MUNICIPAL_STAFF, None, None, True),
    ("expert_chen", "陈", "教授", Role.EVALUATOR, "冀中理工大学", None, False),
    ("expert_yang", "杨", "研究员", Role.EVALUATOR, "北京中科智造研究院", None, False),
    ("expert_you", "尤", "高工", Role.EVALUATOR, "天津滨海先进制造研究所", None, False),
    ("expert_zhu", "朱", "博士", Role.EVALUATOR, "北京京保科技发展有限公司", None, False),
    ("expert_he", "何", "教授", Role.EVALUATOR, "石家庄华药生物技术有限公司（演示）", None, False),
    ("expert_qin", "秦", "教授", Role.EVALUATOR, "京北理工大学（演示）", None, False),
    ("expert_xu", "许", "研究员", Role.EVALUATOR, "廊坊新材料检测研究院（演示）", None, False),
    ("expert_han", "韩", "高工", Role.EVALUATOR, "唐山装备制造技术研究所（演示）", None, False),
    ("expert_feng", "冯", "研究员", Role.EVALUATOR, "邯郸农业科学研究院（演示）", None, False),
    ("admin", "系统", "管理员", Role.ADMIN, None, None, False),
    # 三员分立: the security auditor reads the logs and nothing else.
    ("auditor", "审计", "员", Role.AUDITOR, None, None, False),
    # 三员分立: the security administrator: lockouts, two-factor resets, sessions.
    ("security", "安全", "管理员", Role.SECURITY_ADMIN, None, None, False),
]


def seed_organisations() -> dict[str, Organisation]:
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    organisations = {}
    for name, authority, division, kind, industry, county, legal_rep in ORGANISATIONS:
        uscc = demo_uscc(name, authority=authority, division=division)
        organisations[name], _ = Organisation.objects.update_or_create(
            uscc=uscc,
            defaults={
                "name": name,
                "kind": kind,
                "industry": industry,
                "legal_representative": legal_rep,
                "jurisdiction": jurisdictions.get(county) if county else None,
                "address": (jurisdictions[county].name if county else name[:2]) + "（演示地址）",
                "contact_person": legal_rep,
                "contact_phone": "0312-" + uscc[10:17].replace("X", "0"),
            },
        )
    return organisations


def seed_users(organisations: dict[str, Organisation]) -> list[User]:
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    users = []
    for username, last, first, role, org_name, county, liaison in USERS:
        user, created = User.objects.update_or_create(
            username=username,
            defaults={
                "last_name": last,
                "first_name": first,
                "email": f"{username}@demo.invalid",
                "role": role,
                "organisation": organisations[org_name] if org_name else None,
                "jurisdiction": jurisdictions[county] if county else None,
                "is_liaison_officer": liaison,
                # Each demo unit's first (and only seeded) user is its administrator.
                "is_unit_admin": role == Role.LEAD_UNIT,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users.append(user)
    return users


# A colleague the administrator of 保定瑞驰 has invited and who has not set a password yet
# (单位用户: 待设置密码); the invitation e-mail is printed to the console in the demo.
COLLEAGUE = {
    "name": "赵小川",
    "phone": "13900000001",
    "email": "ruichi_zhao@demo.invalid",
    "username": "ruichi_zhao",
}


def seed_colleagues() -> list[User]:
    from accounts import unit_users

    if User.objects.filter(username=COLLEAGUE["username"]).exists():
        return []
    admin = User.objects.get(username="lead_ruichi")
    return [unit_users.colleague_invite(by=admin, values=COLLEAGUE)]
