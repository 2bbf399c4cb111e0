"""Guards every request passes: body size, download audit, what /healthz tells whom."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from audit.models import AuditEntry
from core.middleware import RequestSizeLimitMiddleware
from filings import services
from tests.factories import (
    AdminFactory,
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    filing_in_state,
    jurisdiction,
)

pytestmark = pytest.mark.django_db


def test_a_body_over_the_limit_is_refused_before_it_is_read(settings):
    settings.PORTAL_MAX_REQUEST_BYTES = 1024
    read = []

    def view(request):
        read.append(request.body)
        return None

    request = RequestFactory().post("/filings/", data=b"x" * 2048, content_type="text/plain")
    response = RequestSizeLimitMiddleware(view)(request)
    assert response.status_code == 413
    assert "不能超过" in response.content.decode()
    assert read == []  # the view (and CSRF, sessions…) never ran
    assert response["Connection"] == "close"


def test_under_the_development_server_no_hop_by_hop_header(settings):
    """wsgiref (runserver, the demo) answers a hop-by-hop header with a 500."""
    settings.PORTAL_MAX_REQUEST_BYTES = 1024
    request = RequestFactory().post(
        "/filings/",
        data=b"x" * 2048,
        content_type="text/plain",
        SERVER_SOFTWARE="WSGIServer/0.2 CPython/3.11.7",
    )
    response = RequestSizeLimitMiddleware(lambda r: None)(request)
    assert response.status_code == 413 and "Connection" not in response


def test_an_upload_over_the_limit_answers_413_through_the_whole_stack(client, settings):
    settings.PORTAL_MAX_REQUEST_BYTES = 64 * 1024
    lead = LeadUnitUserFactory()
    client.force_login(lead)
    filing = services.alliance_create(by=lead, name="超大文件联盟")
    big = SimpleUploadedFile("章程.pdf", b"%PDF-1.4\n" + b"0" * (128 * 1024))
    response = client.post(
        f"/filings/{filing.pk}/materials/upload/", {"kind": "charter", "file": big}
    )
    assert response.status_code == 413
    assert not filing.materials.exists()


def test_a_malformed_content_length_is_a_400():
    request = RequestFactory().get("/", CONTENT_LENGTH="abc")
    assert RequestSizeLimitMiddleware(lambda r: None)(request).status_code == 400


@pytest.mark.parametrize("kind", ["material", "export"])
def test_every_private_download_is_audited(client, kind, django_capture_on_commit_callbacks):
    filing = filing_in_state("county_review")
    county = CountyReviewerFactory(jurisdiction=filing.alliance.lead_unit.jurisdiction)
    client.force_login(county)
    if kind == "material":
        url = f"/filings/{filing.pk}/materials/{filing.materials.first().pk}/"
    else:
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/exports/new/", {"kind": "filings"})
        url = f"/exports/{county.export_jobs.get().pk}/download/"
    response = client.get(url)
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="download")
    assert entry.actor == county and entry.action_label == "下载文件"
    assert url in entry.reason


def test_a_refused_download_is_not_logged_as_one(client):
    filing = filing_in_state("county_review")
    client.force_login(CountyReviewerFactory(jurisdiction=jurisdiction("130607")))
    material = filing.materials.first()
    response = client.get(f"/filings/{filing.pk}/materials/{material.pk}/")
    assert response.status_code == 404  # not yet at the municipal level
    assert not AuditEntry.objects.filter(action="download").exists()


def test_healthz_tells_anonymous_visitors_only_up_or_down(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert b"broker" not in response.content


def test_healthz_details_are_for_administrators_only(client):
    client.force_login(MunicipalStaffFactory())
    assert client.get("/healthz").content == b"ok"
    client.force_login(AdminFactory())
    assert set(client.get("/healthz").json()) == {"database", "broker"}


def test_every_download_goes_through_the_one_helper():
    """A file response built anywhere else would skip the headers, the name rule, the
    404 for a missing file and this audit."""
    import ast
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in {".venv", "tests", "var", "bench"} or relative == Path(
            "core/downloads.py"
        ):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = isinstance(node, ast.Call) and getattr(node.func, "id", None)
            keywords = {k.arg for k in getattr(node, "keywords", [])}
            if called in ("FileResponse", "content_disposition_header") or (
                "as_attachment" in keywords
            ):
                offenders.append(f"{relative}:{node.lineno}")
            if isinstance(node, ast.Constant) and str(node.value).startswith("attachment;"):
                offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []
