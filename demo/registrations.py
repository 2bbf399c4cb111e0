"""Demo unit registrations (单位注册): one pending registration, its e-mail address
confirmed, for each county bureau the demo seeds, so that every county reviewer finds one
in the queue. One of them corrects the jurisdiction its code gives, with a reason.
Idempotent: keyed by credit code."""

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import registration as services
from accounts.models import Jurisdiction, Registration, Role, User
from accounts.registration_links import confirm_token

from .accounts import DEMO_PASSWORD, demo_uscc
from .common import TINY_PDF, quietly

# (county reviewer, unit name, code's division, chosen jurisdiction or None for the
# code's own, reason, applicant, user name)
REGISTRATIONS = [
    (
        "county_jingxiu",
        "保定竞秀数字科技有限公司（注册演示）",
        "130602",
        None,
        "",
        "冯晓",
        "reg_jingxiu",
    ),
    (
        "county_lianchi",
        "保定古城文创科技有限公司（注册演示）",
        "130603",
        None,
        "",
        "邓明",
        "reg_lianchi",
    ),
    (
        "county_gaoxin",
        "保定高新储能材料有限公司（注册演示）",
        "130602",
        "130671",
        "单位已迁入保定国家高新技术产业开发区，营业执照的登记机关尚未变更。",
        "彭辉",
        "reg_gaoxin",
    ),
    (
        "county_anguo",
        "安国市药都检测技术有限公司（注册演示）",
        "130683",
        None,
        "",
        "曹雪",
        "reg_anguo",
    ),
    (
        "county_gaobeidian",
        "高碑店市新型建材研究所（注册演示）",
        "130684",
        None,
        "",
        "任刚",
        "reg_gaobeidian",
    ),
]


def seed() -> str:
    """Call it outside a transaction, as the command does: each registration is
    submitted and confirmed as an applicant would, each step committing on its own."""
    with quietly():
        return _seed()


def _seed() -> str:
    reviewers = set(
        User.objects.filter(role=Role.COUNTY_REVIEWER).values_list("username", flat=True)
    )
    created = []
    for reviewer, name, division, chosen, reason, applicant, username in REGISTRATIONS:
        if reviewer not in reviewers:
            continue
        code = demo_uscc(name, authority="91", division=division)
        if Registration.objects.filter(uscc=code).exists():
            continue
        values = {
            "name": name,
            "uscc": code,
            "kind": "enterprise",
            "industry": "C",
            "legal_representative": applicant,
            "address": name[:5] + "（演示地址）",
            "jurisdiction": Jurisdiction.objects.get(code=chosen) if chosen else services.DERIVED,
            "jurisdiction_reason": reason,
            "applicant_name": applicant,
            "mobile": "139" + code[10:18].translate(_DIGITS),
            "email": f"{username}@demo.invalid",
            "username": username,
            "password": DEMO_PASSWORD,
        }
        licence = SimpleUploadedFile("营业执照.pdf", TINY_PDF, content_type="application/pdf")
        # Each under its own throttle key: the demo is not five visitors at one address.
        registration = services.registration_submit(
            values=values, licence=licence, client_ip=f"demo-seed:{username}"
        )
        services.registration_confirm(confirm_token(registration))
        created.append(name)
    if not created:
        return "单位注册演示数据已存在，未做修改。"
    return f"单位注册演示数据：{len(created)} 份待审核的单位注册。"


# Letters of a credit code's organisation part, made digits for a demo mobile number.
_DIGITS = str.maketrans("ABCDEFGHJKLMNPQRTUWXY", "012345678901234567890")
