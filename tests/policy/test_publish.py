"""Publishing a version: complete, valid, by an administrator, and never overlapping a
published version — refused by the service, and on PostgreSQL by the database too."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from audit.models import AuditEntry
from core.transitions import TransitionRefused
from policy import services
from policy.models import PolicyVersion
from tests.factories import (
    AdminFactory,
    MunicipalStaffFactory,
    policy_successor,
    policy_v1,
    publish_on_time,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def _draft(by=None, **data):
    return services.version_create(
        by=by or AdminFactory(),
        copy_from=policy_v1(),
        data={
            "document_number": "保政办发〔2025〕3号",
            "title": "保定市推进产业创新战略联盟建设实施办法",
            "issuing_body": "保定市人民政府办公厅",
            "effective_from": D(2025, 1, 1),
            **data,
        },
    )


def test_a_draft_copies_its_predecessor_and_is_published_by_an_administrator():
    admin = AdminFactory()
    draft = _draft(admin)
    assert draft.state == PolicyVersion.State.DRAFT
    assert draft.conditions.count() == 7 and draft.articles.count() == 18
    assert draft.subsidy_min_yuan == 100_000
    publish_on_time(draft, admin)
    draft.refresh_from_db()
    assert (draft.state, draft.published_by) == ("published", admin)
    assert draft.published_at is not None
    assert AuditEntry.objects.filter(action="publish", object_id=draft.pk).exists()
    assert policy_v1().conditions.count() == 7  # the copy is the draft's own


def test_municipal_staff_may_not_create_or_publish():
    with pytest.raises(PermissionDenied):
        _draft(MunicipalStaffFactory())
    draft = _draft()
    with pytest.raises(PermissionDenied):
        services.version_publish(version=draft, by=MunicipalStaffFactory())


@pytest.mark.parametrize(
    ("effective_from", "expires_on"),
    [
        (D(2023, 9, 17), None),  # starts on version 1's last day
        (D(2016, 1, 1), D(2018, 9, 19)),  # ends on its first day
        (D(2019, 1, 1), D(2020, 1, 1)),  # inside it
        (D(2010, 1, 1), None),  # around it
    ],
)
def test_an_overlapping_version_is_refused(effective_from, expires_on):
    admin = AdminFactory()
    draft = _draft(admin, effective_from=effective_from, expires_on=expires_on)
    with pytest.raises(TransitionRefused) as refused:
        services.version_publish(version=draft, by=admin)
    assert "重叠" in str(refused.value) and "保政办发〔2018〕18号" in str(refused.value)
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_adjacent_versions_do_not_overlap():
    # Version 1 ends before 2023-09-18; a successor may start that very day.
    v2 = policy_successor(effective_from=D(2023, 9, 18), expires_on=D(2028, 9, 18))
    assert v2.state == "published"
    admin = AdminFactory()
    v3 = _draft(admin, document_number="保政办发〔2028〕1号", effective_from=D(2028, 9, 18))
    services.version_publish(version=v3, by=admin)
    with pytest.raises(TransitionRefused):
        services.version_publish(
            version=_draft(admin, effective_from=D(2030, 1, 1)), by=admin
        )  # v3 has no end


@pytest.mark.postgres
def test_the_database_refuses_an_overlap_the_service_did_not_see():
    assert connection.vendor == "postgresql"
    draft = _draft(effective_from=D(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.filter(pk=draft.pk).update(
            state="published", published_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
        )


@pytest.mark.postgres
@pytest.mark.parametrize("days", [[], [7, -1], [1.5], ["7"], {"a": 1}])
def test_the_database_refuses_a_malformed_reminder_schedule(days):
    draft = _draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.filter(pk=draft.pk).update(reminder_days_before=days)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"subsidy_min_yuan": 600_000}, "subsidy_max_yuan"),  # min > max
        ({"summary_due_month": 2, "summary_due_day": 30}, "summary_due_day"),
        ({"summary_due_month": 2, "summary_due_day": 29}, "summary_due_day"),
        ({"expires_on": D(2024, 1, 1)}, "expires_on"),  # before it takes effect
        ({"reminder_days_before": []}, "reminder_days_before"),
        ({"reminder_days_before": [30, "七"]}, "reminder_days_before"),
        ({"trim_min_scores": 2}, "trim_min_scores"),
        ({"statement_working_days": 0}, "statement_working_days"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_saved(data, field):
    draft = _draft()
    before = {name: getattr(draft, name) for name in data}
    with pytest.raises(ValidationError) as refused:
        services.version_update(version=draft, by=AdminFactory(), data=data)
    assert field in refused.value.message_dict
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message_dict[field][0])
    draft.refresh_from_db()
    assert {name: getattr(draft, name) for name in data} == before


def test_the_database_checks_the_bounds_and_the_due_date():
    draft = _draft()
    for values in (
        {"subsidy_min_yuan": 600_000},
        {"subsidy_min_yuan": 0},
        {"summary_due_month": 4, "summary_due_day": 31},
        {"event_late_days": 0},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            PolicyVersion.objects.filter(pk=draft.pk).update(**values)


def test_weights_not_summing_to_100_keep_a_version_from_being_published():
    admin = AdminFactory()
    draft = _draft(admin, effective_from=D(2025, 1, 1))
    draft.criteria.filter(name="创新活动").update(weight=30)
    with pytest.raises(TransitionRefused) as refused:
        services.version_publish(version=draft, by=admin)
    assert "权重之和须为100，目前为110" in str(refused.value)


def test_a_condition_without_text_is_refused():
    admin = AdminFactory()
    draft = _draft(admin)
    with pytest.raises(ValidationError) as refused:
        services.condition_save(
            version=draft,
            by=admin,
            key="new",
            data={"number": 8, "title": "新条件", "article_text": "  ", "check_key": "declaration"},
        )
    assert "article_text" in refused.value.message_dict
    assert not draft.conditions.filter(key="new").exists()


def test_a_published_version_never_changes():
    admin = AdminFactory()
    with pytest.raises(TransitionRefused):
        services.version_update(version=policy_v1(), by=admin, data={"event_late_days": 60})
    with pytest.raises(TransitionRefused):
        services.condition_save(version=policy_v1(), by=admin, key="goals", data={"title": "改了"})
    assert policy_v1().event_late_days == 30


def test_changes_are_audited_with_old_and_new_values():
    admin = AdminFactory()
    draft = _draft(admin)
    services.version_update(version=draft, by=admin, data={"event_late_days": 60})
    entry = AuditEntry.objects.filter(action="update", object_id=draft.pk).get()
    assert entry.reason == "重大事项报告时限（天）: 30 → 60"
