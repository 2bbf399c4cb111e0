"""The import pages (issue 16): who may use them, the Celery path from upload to result,
and the stored file that cannot be swapped between the dry run and the import."""

import datetime
import io

import pytest
import time_machine
from django.core.files.base import ContentFile
from openpyxl import load_workbook

from audit.models import AuditEntry
from filings.models import Alliance
from portal.imports import tasks
from portal.models import ImportJob
from tests.factories import (
    AdminFactory,
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    policy_v1,
)

from .import_files import alliance, member, unit, workbook

pytestmark = pytest.mark.django_db
NUMBER = "保科联备〔2019〕003号"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def staff(client):
    policy_v1()
    user = MunicipalStaffFactory()
    client.force_login(user)
    return user


def the_file() -> bytes:
    return workbook(
        organisations=[unit("保定丁科技有限公司")],
        alliances=[
            alliance("保定丁产业技术创新战略联盟", "保定丁科技有限公司", NUMBER, "2019-04-01")
        ],
        members=[member(NUMBER, "保定丁科技有限公司", role="牵头单位")],
    )


def upload(client, capture, data, name="登记簿.xlsx"):
    with capture(execute=True):
        return client.post("/imports/upload/", {"file": ContentFile(data, name=name)})


@pytest.mark.parametrize(
    "factory", [CountyReviewerFactory, LeadUnitUserFactory, EvaluatorFactory, AdminFactory]
)
def test_only_municipal_staff_import(client, factory):
    policy_v1()
    client.force_login(factory())
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/template/").status_code == 403
    response = client.post("/imports/upload/", {"file": ContentFile(the_file(), name="a.xlsx")})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_the_menu_links_the_import_page(client, staff):
    assert 'href="/imports/"' in client.get("/").content.decode()


def test_the_template_has_every_sheet_with_lists_and_a_frozen_header(client, staff):
    response = client.get("/imports/template/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames[:5] == ["单位", "联盟", "成员单位", "年度总结", "补贴"]
    alliances = book["联盟"]
    assert [c.value for c in alliances[1]][:4] == [
        "联盟名称",
        "联盟类别",
        "牵头单位统一社会信用代码",
        "备案编号",
    ]
    assert alliances.freeze_panes == "A2"
    assert alliances["B2"].value == "一类：产业技术创新战略联盟"
    lists = [v.formula1 for v in alliances.data_validations.dataValidation]
    assert any("选项" in f for f in lists)
    assert "竞秀区" in [c.value for c in book["选项"]["C"]]
    assert book["选项"].sheet_state == "hidden"
    headings = [c.value for c in book["选项"][1]]
    assert headings[:3] == ["单位类型", "所属行业", "所在县（市、区）/开发区"]
    assert not any(heading.isascii() for heading in headings)


def test_upload_dry_run_confirm_import_through_celery(
    client, staff, django_capture_on_commit_callbacks
):
    response = upload(client, django_capture_on_commit_callbacks, the_file())
    job = ImportJob.objects.get()
    assert response.url == f"/imports/{job.pk}/"
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED, job.report
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "将新建" in page and "新建联盟：保定丁产业技术创新战略联盟" in page
    assert job.sha256 in page
    assert not Alliance.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{job.pk}/confirm/", {"sha256": job.sha256})
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.report
    assert Alliance.objects.get(filing_number=NUMBER).status == "filed"
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "导入完成：新建3条记录" in page
    actions = list(AuditEntry.objects.for_object(job).values_list("action", flat=True))
    assert actions == ["import_upload", "import_confirm"]


def test_a_bad_file_is_refused_on_upload_and_nothing_is_stored(client, staff):
    response = client.post("/imports/upload/", {"file": ContentFile(b"%PDF-1.4", name="x.xlsx")})
    assert response.status_code == 400
    assert "不是Excel工作簿（.xlsx）" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_refused_dry_run_offers_no_confirmation(
    client, staff, django_capture_on_commit_callbacks
):
    bad = unit("保定丁科技有限公司", kind="外星机构")
    upload(client, django_capture_on_commit_callbacks, workbook(organisations=[bad]))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REFUSED
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "单位表第2行 单位类型：“外星机构”不是有效的单位类型" in page
    assert "import-confirm" not in page
    response = client.post(f"/imports/{job.pk}/confirm/", {"sha256": job.sha256})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.REFUSED


def test_the_confirmation_must_name_the_checked_file(
    client, staff, django_capture_on_commit_callbacks
):
    upload(client, django_capture_on_commit_callbacks, the_file())
    job = ImportJob.objects.get()
    response = client.post(f"/imports/{job.pk}/confirm/", {"sha256": "0" * 64})
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED
    assert client.get(f"/imports/{job.pk}/confirm/").status_code == 405


def test_a_stored_file_swapped_after_the_dry_run_is_not_imported(
    client, staff, django_capture_on_commit_callbacks
):
    upload(client, django_capture_on_commit_callbacks, the_file())
    job = ImportJob.objects.get()
    other = workbook(organisations=[unit("保定戊科技有限公司")])
    with job.file.storage.open(job.file.name, "wb") as handle:
        handle.write(other)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{job.pk}/confirm/", {"sha256": job.sha256})
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED
    assert "SHA-256不符" in client.get(response.url).content.decode()
    # And the job itself checks again: a file swapped after the confirmation.
    job.state = ImportJob.State.IMPORTING
    job.save()
    assert tasks.run_import(job.pk) == ImportJob.State.FAILED
    assert not Alliance.objects.exists()


def test_another_users_job_is_not_found(client, staff, django_capture_on_commit_callbacks):
    upload(client, django_capture_on_commit_callbacks, the_file())
    job = ImportJob.objects.get()
    client.force_login(MunicipalStaffFactory())
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.post(f"/imports/{job.pk}/confirm/", {"sha256": job.sha256}).status_code == 404


def test_the_status_fragment_polls_while_the_job_runs(
    client, staff, django_capture_on_commit_callbacks
):
    upload(client, django_capture_on_commit_callbacks, the_file())
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING, done=5, total=10)
    fragment = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "（5 / 10行）" in fragment
    assert "<html" not in fragment


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_through_a_connection_of_its_own():
    from django.db import transaction

    from tests.factories import MunicipalStaffFactory as Staff

    job = ImportJob.objects.create(
        user=Staff(),
        state=ImportJob.State.IMPORTING,
        original_name="a.xlsx",
        size=1,
        sha256="0" * 64,
    )
    with transaction.atomic():
        tasks._progress_writer(job.pk)(500, 2000)
        # Seen outside the import's transaction while it is still open.
        other = __import__("django.db", fromlist=["connections"]).connections.create_connection(
            "default"
        )
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT done, total FROM portal_importjob WHERE id = %s", [job.pk])
                assert cursor.fetchone() == (500, 2000)
        finally:
            other.close()
