"""A list filter's empty choice reads "全部" (all), not django-filter's "---------"."""

import pytest
from django.urls import reverse

from tests.factories import MunicipalStaffFactory

pytestmark = pytest.mark.django_db


def test_filters_offer_all_instead_of_dashes(client):
    client.force_login(MunicipalStaffFactory())
    for url in (reverse("supervision:alliance_list"), reverse("registry:list")):
        page = client.get(url).content.decode()
        assert "---------" not in page, url
        assert ">全部</option>" in page, url
