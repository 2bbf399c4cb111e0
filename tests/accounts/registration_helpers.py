"""Unit registrations for the tests: what the form posts, and registrations in each state
made through the services, as applicants and reviewers make them."""

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import registration as services
from accounts import registration_decisions as decisions
from accounts.registration_links import confirm_token, status_token
from demo.accounts import demo_uscc
from tests.factories import PDF_BYTES

HOME, OTHER = "130602", "130606"  # 竞秀区, 莲池区
PASSWORD = "Zhuce-mima-2026!"
_counter = iter(range(10_000))


def code(division: str = HOME, name: str | None = None) -> str:
    return demo_uscc(name or f"注册测试单位{next(_counter)}", authority="91", division=division)


def licence(name="营业执照.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def form_data(**changes) -> dict:
    """What the registration form posts (the jurisdiction: "" for the code's own)."""
    n = next(_counter)
    data = {
        "name": f"保定注册测试科技有限公司{n}",
        "uscc": code(HOME),
        "kind": "enterprise",
        "industry": "C",
        "legal_representative": "王五",
        "address": "保定市竞秀区七一中路1号",
        "jurisdiction": "",
        "jurisdiction_reason": "",
        "applicant_name": "李四",
        "mobile": "13912345678",
        "email": f"applicant{n}@example.test",
        "username": f"applicant{n}",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(changes)
    return data


def values(**changes) -> dict:
    """The same, as the service takes it."""
    data = form_data()
    data["password"] = data.pop("password1")
    del data["password2"]
    data["jurisdiction"] = services.DERIVED
    data.update(changes)
    return data


def submit(client_ip=None, licence_file=None, **changes):
    # Each from its own address unless told: the throttle is tested on its own.
    client_ip = client_ip or f"10.0.{next(_counter) % 250}.{next(_counter) % 250}"
    return services.registration_submit(
        values=values(**changes), licence=licence_file or licence(), client_ip=client_ip
    )


def pending(**changes):
    registration = submit(**changes)
    return services.registration_confirm(confirm_token(registration))


def returned(by, reason="请上传清晰的营业执照", **changes):
    return decisions.registration_return(
        registration=pending(**changes), by=by, reason=reason, expected_state="pending"
    )


__all__ = ["confirm_token", "status_token"]
