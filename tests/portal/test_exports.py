import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from filings.models import Alliance, Filing
from filings.selectors import alliances_visible_to, filings_visible_to
from portal.models import ExportJob
from tests.factories import (
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    filed_alliance,
    filing_in_state,
    jurisdiction,
)

pytestmark = pytest.mark.django_db


def run(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/new/", data)
    assert response.status_code == 302
    job = ExportJob.objects.latest("pk")
    assert job.state == ExportJob.State.DONE, job.error
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200
    return job, b"".join(download.streaming_content)


def sheet_rows(data):
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def alliance_in(code):
    lead = LeadUnitUserFactory(organisation=OrganisationFactory(jurisdiction=jurisdiction(code)))
    return filed_alliance(lead_user=lead)


def test_county_export_rows_equal_its_scoped_rows(client, django_capture_on_commit_callbacks):
    for _ in range(2):
        alliance_in("130602")
    alliance_in("130683")
    county = CountyReviewerFactory(jurisdiction=jurisdiction("130602"))
    client.force_login(county)
    _job, data = run(client, django_capture_on_commit_callbacks, kind="alliances")
    rows = sheet_rows(data)
    assert rows[0][:3] == ["联盟名称", "类别", "备案状态"]
    exported = sorted(r[0] for r in rows[1:])
    assert exported == sorted(alliances_visible_to(county).values_list("name", flat=True))
    assert len(exported) == 2


def test_municipal_filings_export_with_a_filter(client, django_capture_on_commit_callbacks):
    filing_in_state("county_review")
    filing_in_state("returned")
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    _job, data = run(client, django_capture_on_commit_callbacks, kind="filings", state="returned")
    rows = sheet_rows(data)[1:]
    expected = filings_visible_to(staff).filter(state=Filing.State.RETURNED)
    assert [r[0] for r in rows] == [f.alliance.name for f in expected]
    assert rows[0][3] == "退回修改"


def test_progress_is_recorded(client, django_capture_on_commit_callbacks, monkeypatch):
    import portal.exports

    monkeypatch.setattr(portal.exports, "PROGRESS_EVERY", 1)
    for _ in range(3):
        filed_alliance()
    client.force_login(MunicipalStaffFactory())
    job, _data = run(client, django_capture_on_commit_callbacks, kind="alliances")
    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (3, 3, 100)
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "100%" in page


def test_someone_elses_export_is_404(client, django_capture_on_commit_callbacks):
    filed_alliance()
    owner = MunicipalStaffFactory()
    client.force_login(owner)
    job, _data = run(client, django_capture_on_commit_callbacks, kind="alliances")
    client.force_login(MunicipalStaffFactory())
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404
    assert client.get(f"/exports/{job.pk}/").status_code == 404


def test_evaluators_cannot_export(client):
    client.force_login(EvaluatorFactory())
    assert client.post("/exports/new/", {"kind": "alliances"}).status_code == 403


def test_dossier_contains_the_files_it_claims(client, django_capture_on_commit_callbacks):
    filing = filing_in_state("filed")
    alliance = Alliance.objects.get(pk=filing.alliance_id)
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/alliances/{alliance.pk}/dossier/")
    job = ExportJob.objects.get(kind="dossier")
    data = b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    manifest = json.loads(archive.read("manifest.json"))
    import hashlib

    for entry in manifest:
        assert entry["path"] in names
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
    materials = [n for n in names if "/materials/" in n]
    documents = [n for n in names if "/documents/" in n]
    assert len(materials) == filing.materials.count() == 3
    assert len(documents) == filing.documents.count() == 2
    assert all(archive.read(n).startswith(b"%PDF") for n in documents)
    timeline = archive.read("timeline.csv").decode("utf-8-sig")
    assert "予以备案" in timeline and "提交初审" in timeline
    assert {"alliance.json", "members.csv", "subsidies/scores.csv", "history.csv"} <= names


@pytest.mark.parametrize("factory", [LeadUnitUserFactory, CountyReviewerFactory, EvaluatorFactory])
def test_dossier_is_for_municipal_staff_only(client, factory):
    alliance = filed_alliance()
    client.force_login(factory())
    assert client.post(f"/alliances/{alliance.pk}/dossier/").status_code == 403


def test_an_export_is_a_private_attachment_named_by_its_type(
    client, django_capture_on_commit_callbacks
):
    filed_alliance()
    client.force_login(MunicipalStaffFactory())
    job, _data = run(client, django_capture_on_commit_callbacks, kind="alliances")
    download = client.get(f"/exports/{job.pk}/download/")
    assert download["Cache-Control"] == "private, no-store"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in download["Content-Disposition"]


def test_an_export_whose_file_is_gone_is_a_404_with_a_message(
    client, django_capture_on_commit_callbacks
):
    filed_alliance()
    client.force_login(MunicipalStaffFactory())
    job, _data = run(client, django_capture_on_commit_callbacks, kind="alliances")
    job.file.storage.delete(job.file.name)
    missing = client.get(f"/exports/{job.pk}/download/")
    assert missing.status_code == 404
    assert "文件不存在或已被移除" in missing.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "filings", "year": "abc"},
        {"kind": "alliances", "jurisdiction": "abc"},
        {"kind": "filings", "year": "9" * 40},
        {"kind": "filings", "year": "1999"},
        {"kind": "alliances", "jurisdiction": "99999999"},
        {"kind": "alliances", "status": "nonsense"},
        {"kind": "dossier"},
        {"kind": "<script>"},
        {},
    ],
)
def test_a_malformed_export_request_is_a_message_not_a_job(client, data):
    client.force_login(MunicipalStaffFactory())
    response = client.post("/exports/new/", data, follow=True)
    assert response.status_code == 200
    assert not ExportJob.objects.exists()
    assert "导出条件" in response.content.decode()


def test_exports_and_dossiers_are_audited(client, django_capture_on_commit_callbacks):
    from audit.models import AuditEntry

    alliance = filed_alliance()
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    place = alliance.lead_unit.jurisdiction
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/exports/new/", {"kind": "alliances", "jurisdiction": place.pk})
        client.post(f"/alliances/{alliance.pk}/dossier/")
    entries = list(AuditEntry.objects.filter(action="export").order_by("pk"))
    assert [e.action_label for e in entries] == ["导出联盟名录", "生成联盟档案包"]
    assert all(e.actor == staff for e in entries)
    assert f"县（市、区） {place.pk}" in entries[0].reason
    assert entries[1].subject == alliance
