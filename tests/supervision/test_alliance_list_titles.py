"""The alliance list as each role reads it (issue 15 item 14): the lead unit's is 我的联盟,
without the bureau's 科技联络员 filter; the county's 辖区联盟; the bureau's 联盟监督管理."""

import re

import pytest
from django.urls import reverse

from tests.factories import (
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    filed_alliance,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory", "title", "liaison_filter"),
    [
        (LeadUnitUserFactory, "我的联盟", False),
        (CountyReviewerFactory, "辖区联盟", True),
        (MunicipalStaffFactory, "联盟监督管理", True),
    ],
)
def test_each_role_reads_its_own_title_and_filters(client, factory, title, liaison_filter):
    user = factory()
    alliance = filed_alliance(lead_user=user if user.is_lead_unit else None)
    client.force_login(user)
    page = client.get(reverse("supervision:alliance_list")).content.decode()
    h1 = re.search(r'data-testid="list-title">(.*?)</h1>', page, re.S).group(1).strip()
    assert h1 == title
    assert ('name="liaison"' in page) is liaison_filter
    detail = client.get(reverse("supervision:alliance_detail", args=[alliance.pk]))
    if detail.status_code == 200:
        assert f">{title}</a>" in detail.content.decode()
