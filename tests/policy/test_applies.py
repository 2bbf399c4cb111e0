"""Which version applies on a day: in force, or — since 2023-09-18, when the 2018 measures
lapsed — the last one kept (``keep_last``) or none (``refuse``), and what is refused then."""

import datetime

import pytest
import time_machine

import policy
from core.transitions import TransitionRefused
from filings import services as filing_services
from policy import selectors
from subsidies import services as subsidy_services
from supervision import services as supervision_services
from tests.factories import (
    MunicipalStaffFactory,
    draft_filing,
    filed_alliance,
    policy_successor,
    policy_v1,
)

pytestmark = pytest.mark.django_db

D = datetime.date
LAPSED = "已于2023年9月18日失效"


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (D(2018, 9, 17), False),
        (D(2018, 9, 18), True),
        (D(2023, 9, 17), True),
        (D(2023, 9, 18), False),
        (D(2026, 3, 1), False),
    ],
)
def test_in_force_around_the_2018_measures_dates(day, in_force):
    found = policy.in_force(day)
    assert (found == policy_v1()) if in_force else found is None


@pytest.mark.parametrize(
    ("day", "keep_last", "refuse"),
    [
        (D(2018, 9, 17), None, None),  # before any measures
        (D(2018, 9, 18), "v1", "v1"),
        (D(2023, 9, 17), "v1", "v1"),
        (D(2023, 9, 18), "v1", None),  # lapsed: kept, or nothing
        (D(2026, 3, 1), "v1", None),
    ],
)
def test_applied_with_both_settings(settings, day, keep_last, refuse):
    expected = {None: None, "v1": policy_v1()}
    settings.PORTAL_POLICY_WHEN_LAPSED = "keep_last"
    assert policy.applied(day) == expected[keep_last]
    settings.PORTAL_POLICY_WHEN_LAPSED = "refuse"
    assert policy.applied(day) == expected[refuse]


def test_today_nothing_is_in_force_and_version_one_is_kept(settings):
    assert policy.in_force() is None
    assert policy.applied() == policy_v1()
    settings.PORTAL_POLICY_WHEN_LAPSED = "refuse"
    assert policy.applied() is None
    # What a draft shows while new filings are refused: the last published version.
    assert selectors.shown() == policy_v1()


def test_a_successor_in_force_applies_from_its_first_day(settings):
    v2 = policy_successor(effective_from=D(2025, 1, 1))
    settings.PORTAL_POLICY_WHEN_LAPSED = "refuse"
    assert policy.applied(D(2024, 12, 31)) is None  # the gap between the two
    assert policy.applied(D(2025, 1, 1)) == v2
    assert policy.in_force(D(2026, 3, 1)) == v2
    settings.PORTAL_POLICY_WHEN_LAPSED = "keep_last"
    assert policy.applied(D(2024, 12, 31)) == policy_v1()
    assert policy.applied(D(2020, 1, 1)) == policy_v1()


# --- refused while lapsed -----------------------------------------------------------------


@pytest.fixture
def refusing(settings):
    settings.PORTAL_POLICY_WHEN_LAPSED = "refuse"


def test_a_first_submission_is_refused_while_the_measures_have_lapsed(refusing):
    filing = draft_filing()
    with pytest.raises(TransitionRefused) as refused:
        filing_services.filing_submit(filing=filing, by=filing.created_by)
    assert LAPSED in str(refused.value)
    assert "暂停受理新的备案申请" in str(refused.value)
    filing.refresh_from_db()
    assert (filing.state, filing.policy_version) == ("draft", None)


def test_a_returned_filing_bound_to_version_one_may_be_resubmitted(settings):
    from tests.factories import filing_in_state

    filing = filing_in_state("returned")
    settings.PORTAL_POLICY_WHEN_LAPSED = "refuse"
    filing_services.filing_submit(filing=filing, by=filing.created_by)
    filing.refresh_from_db()
    assert (filing.state, filing.policy_version) == ("county_review", policy_v1())


def test_a_new_case_is_refused_while_the_measures_have_lapsed(refusing):
    with pytest.raises(TransitionRefused) as refused:
        supervision_services.case_open(
            alliance=filed_alliance(), by=MunicipalStaffFactory(), grounds=["2"], facts="事实"
        )
    assert LAPSED in str(refused.value)


def test_a_new_round_is_refused_while_the_measures_have_lapsed(refusing):
    with pytest.raises(TransitionRefused) as refused:
        subsidy_services.round_create(
            by=MunicipalStaffFactory(), year=2027, title="批次", budget_yuan=1_000_000
        )
    assert LAPSED in str(refused.value)


def test_refusing_ends_when_a_successor_takes_effect(refusing):
    policy_successor(effective_from=D(2027, 1, 1))
    staff = MunicipalStaffFactory()
    with time_machine.travel(datetime.datetime(2026, 12, 31, 10)):
        with pytest.raises(TransitionRefused):
            subsidy_services.round_create(by=staff, year=2027, title="批次", budget_yuan=10**6)
    with time_machine.travel(datetime.datetime(2027, 1, 4, 10)):
        round_ = subsidy_services.round_create(by=staff, year=2027, title="批次", budget_yuan=10**6)
    assert round_.policy_version.document_number == "保政办发〔2024〕7号"


def test_the_setting_refuses_an_unknown_value(settings):
    settings.PORTAL_POLICY_WHEN_LAPSED = "nonsense"
    assert selectors.when_lapsed() == "keep_last"  # settings.py refuses it at start-up
