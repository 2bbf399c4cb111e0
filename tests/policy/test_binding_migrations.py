"""The migrations that bound existing records to policy version 1 (issue 13) on a database
migrated before them: every submitted filing, every revocation case and every subsidy
round is bound to the 2018 measures; a draft never submitted stays unbound and follows the
version a draft is shown until its first submission binds it."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from filings.conformance import rules_version
from filings.models import Alliance, Filing
from policy import selectors as policy_selectors
from subsidies.models import SubsidyRound
from supervision.models import RevocationCase
from tests.factories import LeadUnitUserFactory, MunicipalStaffFactory, policy_v1

# Just before filings 0004, supervision 0003 and subsidies 0002 added and bound the
# ``policy_version`` columns.
BEFORE = [
    ("filings", "0003_registry_order_index"),
    ("supervision", "0002_provincial_recommendation"),
    ("subsidies", "0001_initial"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _old_models(targets):
    """The models as they were at ``targets``: rows of the old shape."""
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(targets).apps


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_existing_filings_cases_and_rounds_are_bound_to_version_one():
    lead = LeadUnitUserFactory()
    staff = MunicipalStaffFactory()
    version_1 = policy_v1()
    now = timezone.now()
    try:
        _migrate(BEFORE)
        columns = [
            c.name
            for c in connection.introspection.get_table_description(
                connection.cursor(), "filings_filing"
            )
        ]
        assert "policy_version_id" not in columns  # really the old shape
        old = _old_models(BEFORE)
        OldAlliance = old.get_model("filings", "Alliance")
        OldFiling = old.get_model("filings", "Filing")

        def alliance(name, **fields):
            return OldAlliance.objects.create(
                name=name, category="industrial", lead_unit_id=lead.organisation_id, **fields
            )

        filed = alliance(
            "已备案的老联盟",
            status="filed",
            filing_number="保科联备〔2020〕00001号",
            filed_on=datetime.date(2020, 6, 1),
        )
        OldFiling.objects.create(
            alliance=filed,
            created_by_id=lead.pk,
            state="filed",
            submitted_at=now - datetime.timedelta(days=400),
            decided_at=now - datetime.timedelta(days=380),
        )
        returned = OldFiling.objects.create(
            alliance=alliance("退回修改中的老联盟"),
            created_by_id=lead.pk,
            state="returned",
            submitted_at=now - datetime.timedelta(days=30),
        )
        draft = OldFiling.objects.create(
            alliance=alliance("从未提交的草稿联盟"), created_by_id=lead.pk, state="draft"
        )
        old.get_model("supervision", "RevocationCase").objects.create(
            alliance=filed,
            opened_by_id=staff.pk,
            grounds=["2"],
            facts="连续两年未按章程开展创新活动",
            statement_deadline=datetime.date(2021, 3, 1),
        )
        old.get_model("subsidies", "SubsidyRound").objects.create(
            year=2021,
            title="2021年度联盟运行经费补贴",
            budget_yuan=1_000_000,
            created_by_id=staff.pk,
            notice_working_days=5,
            evaluators_per_application=5,
        )
    finally:
        _migrate(_latest())

    policy_selectors.forget()
    submitted = Filing.objects.exclude(state=Filing.State.DRAFT)
    assert submitted.count() == 2
    assert {f.policy_version for f in submitted} == {version_1}
    assert Filing.objects.get(pk=returned.pk).policy_version == version_1
    assert [c.policy_version for c in RevocationCase.objects.all()] == [version_1]
    assert [r.policy_version for r in SubsidyRound.objects.all()] == [version_1]

    # The draft was never submitted: unbound, it is checked against the version shown
    # today and is bound only when first submitted.
    unbound = Filing.objects.get(pk=draft.pk)
    assert unbound.policy_version is None
    assert rules_version(unbound.alliance, unbound) == policy_selectors.shown()
    assert unbound.alliance.category_version == policy_selectors.shown()

    # The keys stored before are version 1's and keep their titles.
    filed_now = Alliance.objects.get(pk=filed.pk)
    assert filed_now.category_version == version_1
    assert filed_now.category_title == "二类：产业创新联盟"
