"""A version's texts are data wherever they are shown (the second penetration test of issue
13): crispy-forms renders legends and ``HTML()`` as template source, so a title or an
article text with markup or template syntax must show as itself, neither run as a
template nor as HTML; and a key or title with "%" must not break a form."""

import datetime

import pytest
from django.urls import reverse

from filings import services as filing_services
from filings.models import Filing
from policy import services as policy_services
from tests.factories import (
    AdminFactory,
    LeadUnitUserFactory,
    draft_filing,
    filed_alliance,
    pdf_upload,
    policy_v1,
    publish_on_time,
)

pytestmark = pytest.mark.django_db

MARKUP = "<img src=x onerror=alert(1)>"
TEMPLATE = "{{ request.GET.q|safe }}{% now 'Y' %}"


def _version_two(**parameters):
    """A successor in force since 2025 whose texts carry markup and template syntax."""
    admin = AdminFactory()
    version = policy_services.version_create(
        by=admin,
        copy_from=policy_v1(),
        data={
            "document_number": "保政办发〔2025〕100%号",
            "title": "保定市推进产业创新战略联盟建设实施办法",
            "issuing_body": "保定市人民政府办公厅",
            "effective_from": datetime.date(2025, 1, 1),
            **parameters,
        },
    )
    save = policy_services.part_save
    save(
        version=version,
        by=admin,
        related="event_kinds",
        identity="member_change",
        data={"title": f"成员变更{MARKUP}{TEMPLATE}"},
    )
    save(
        version=version,
        by=admin,
        related="conditions",
        identity="goals",
        data={"article_text": f"（二）任务明确{MARKUP}{TEMPLATE}"},
    )
    save(
        version=version,
        by=admin,
        related="categories",
        identity="industrial",
        data={"title": f"二类{MARKUP}{TEMPLATE}", "description": f"说明{TEMPLATE}"},
    )
    return publish_on_time(version, admin), admin


def _inert(page: str) -> None:
    assert MARKUP not in page  # escaped, not markup
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<svg" not in page  # the query string was not reflected by a template
    assert "{{ request.GET.q|safe }}" in page  # the text shows as itself
    assert "{% now &#x27;Y&#x27; %}" in page or "{% now 'Y' %}" in page


def test_the_event_form_shows_a_versions_change_kind_title_as_text(client):
    _version_two()
    lead = LeadUnitUserFactory()
    alliance = filed_alliance(lead_user=lead)
    client.force_login(lead)
    response = client.get(
        reverse("supervision:event_new", args=[alliance.pk]), {"q": "<svg onload=alert(1)>"}
    )
    assert response.status_code == 200
    _inert(response.content.decode())


def test_the_alliance_form_shows_the_versions_texts_as_text(client):
    _version_two()
    lead = LeadUnitUserFactory()
    filing = draft_filing(lead)
    client.force_login(lead)
    response = client.get(reverse("filings:edit", args=[filing.pk]), {"q": "<svg onload=alert(1)>"})
    assert response.status_code == 200
    _inert(response.content.decode())


def test_an_unknown_category_under_a_version_named_with_percent_is_refused(client):
    _version_two()
    lead = LeadUnitUserFactory()
    filing = draft_filing(lead)
    client.force_login(lead)
    response = client.post(
        reverse("filings:edit", args=[filing.pk]), {"name": filing.alliance.name, "category": "x%y"}
    )
    assert response.status_code in (200, 400)
    assert "不是" in response.content.decode()


@pytest.mark.parametrize("kind", ["a%sb", "%(x)s", "%"])
def test_a_material_kind_with_percent_is_refused_not_a_server_error(client, kind):
    lead = LeadUnitUserFactory()
    filing = draft_filing(lead)
    client.force_login(lead)
    response = client.post(
        reverse("filings:material_upload", args=[filing.pk]),
        {"material-kind": kind, "material-file": pdf_upload()},
    )
    assert response.status_code in (200, 400)


def test_a_category_the_version_does_not_list_is_refused_at_submission():
    """Even where the version's Art. 9 no longer checks "goals" (it made it a declaration)."""
    _version_two()
    version = Filing._meta.get_field("policy_version").related_model.objects.get(
        document_number="保政办发〔2025〕100%号"
    )
    version.conditions.filter(key="goals").update(check_key="declaration")
    from policy import selectors

    selectors.forget()
    lead = LeadUnitUserFactory()
    filing = draft_filing(lead)
    filing.alliance.category = ""
    filing.alliance.save(update_fields=["category"])
    filing.declarations = ["goals"]
    filing.save(update_fields=["declarations"])
    with pytest.raises(Exception) as refused:
        filing_services.filing_submit(filing=filing, by=lead)
    assert "联盟类别" in " ".join(getattr(refused.value, "reasons", []))
    assert Filing.objects.get(pk=filing.pk).state == Filing.State.DRAFT
