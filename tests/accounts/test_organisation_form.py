import pytest

from accounts.forms import OrganisationForm
from accounts.models import Organisation
from tests.factories import OrganisationFactory, jurisdiction

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "保定新创电子科技有限公司",
        "uscc": "91340600MA2PBM9HXD",
        "kind": "enterprise",
        "industry": "C",
        "legal_representative": "李四",
        "address": "保定市竞秀区朝阳北大街1号",
        "contact_person": "王五",
        "contact_phone": "0312-1234567",
        "contact_email": "",
        "jurisdiction": jurisdiction("130602").pk,
    }
    data.update(overrides)
    return data


def test_valid_organisation_is_saved_with_compacted_code():
    form = OrganisationForm(data=form_data(uscc="91340600ma2pbm9hxd"))
    assert form.is_valid(), form.errors
    assert form.save().uscc == "91340600MA2PBM9HXD"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("913406", "统一社会信用代码应为18位，您输入了6位。"),
        ("91340600MA2PBM9HZD", "第17位的“Z”不是合法字符"),
        ("91340600MA2PBM9HXA", "校验码不符：按前17位计算，第18位应为“D”，而不是“A”"),
    ],
)
def test_invalid_code_says_exactly_what_is_wrong(code, message):
    form = OrganisationForm(data=form_data(uscc=code))
    assert not form.is_valid()
    assert message in form.errors["uscc"][0]
    assert not Organisation.objects.exists()


def test_duplicate_code_names_the_existing_organisation():
    existing = OrganisationFactory()
    form = OrganisationForm(data=form_data(uscc=existing.uscc))
    assert not form.is_valid()
    assert form.errors["uscc"] == [
        f"统一社会信用代码 {existing.uscc} 已登记为“{existing.name}”，请勿重复添加。"
    ]


def test_editing_an_organisation_keeps_its_own_code():
    existing = OrganisationFactory()
    form = OrganisationForm(
        data=form_data(uscc=existing.uscc, name="改名后的公司"), instance=existing
    )
    assert form.is_valid(), form.errors


def test_missing_required_fields_are_named_in_chinese():
    form = OrganisationForm(data=form_data(name="", legal_representative=""))
    assert not form.is_valid()
    assert form.errors["name"] == ["这个字段是必填项。"]
    assert form.errors["legal_representative"] == ["这个字段是必填项。"]


def test_create_page_keeps_what_was_typed_on_error(client):
    from tests.factories import MunicipalStaffFactory

    client.force_login(MunicipalStaffFactory())
    response = client.post("/accounts/organisations/new/", form_data(uscc="91340600MA2PBM9HXA"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "校验码不符" in body
    assert 'value="保定新创电子科技有限公司"' in body
    assert 'value="91340600MA2PBM9HXA"' in body
    assert not Organisation.objects.exists()
