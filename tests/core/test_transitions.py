"""The transition runner (core.transitions): which actions a page offers, and why an
action is refused, from django-fsm's public API only."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied

from core import transitions
from filings import services
from filings.models import Filing
from tests.factories import (
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    draft_filing,
    filing_in_state,
    jurisdiction,
)

pytestmark = pytest.mark.django_db
S = Filing.State


def _names(actions):
    return [a.name for a in actions]


def test_transition_names_are_the_filing_graph_in_declaration_order():
    names = transitions.transition_names(Filing())
    assert set(names) == {
        "submit",
        "resubmit",
        "withdraw",
        "recommend",
        "return_for_revision",
        "reject",
        "approve",
    }
    assert len(names) == len(set(names))


def test_lead_unit_is_offered_submit_and_withdraw_on_a_complete_draft():
    filing = draft_filing()
    actions = transitions.available(filing, filing.created_by)
    assert _names(actions) == ["submit", "withdraw"]
    assert all(a.allowed and a.reasons == () for a in actions)


def test_a_failing_legal_condition_is_listed_with_its_reasons():
    lead = LeadUnitUserFactory()
    empty = services.alliance_create(by=lead, name="只有牵头单位的联盟")
    actions = {a.name: a for a in transitions.available(empty, lead)}
    assert set(actions) == {"submit", "withdraw"}
    assert not actions["submit"].allowed
    assert actions["submit"].reasons == ("当前不满足执行该操作的条件。",)
    assert actions["withdraw"].allowed


def test_explain_gives_the_reasons_of_a_refused_action():
    lead = LeadUnitUserFactory()
    empty = services.alliance_create(by=lead, name="只有牵头单位的联盟")
    actions = transitions.available(
        empty, lead, names=["submit"], explain=lambda obj, name: ["缺少成员", "缺少材料"]
    )
    assert actions == [transitions.Action("submit", ("缺少成员", "缺少材料"))]


def test_nothing_is_offered_to_users_without_the_right_to_act():
    filing = filing_in_state(S.COUNTY_REVIEW)
    place = filing.alliance.lead_unit.jurisdiction
    own_county = CountyReviewerFactory(jurisdiction=place)
    other_county = CountyReviewerFactory(jurisdiction=jurisdiction("130607"))
    assert set(_names(transitions.available(filing, own_county))) == {
        "recommend",
        "return_for_revision",
        "reject",
    }
    assert transitions.available(filing, other_county) == []
    assert transitions.available(filing, MunicipalStaffFactory()) == []
    # The lead unit may still withdraw while the county has not decided.
    assert _names(transitions.available(filing, filing.created_by)) == ["withdraw"]


def test_names_choose_and_order_the_actions():
    filing = filing_in_state(S.COUNTY_REVIEW)
    county = CountyReviewerFactory(jurisdiction=filing.alliance.lead_unit.jurisdiction)
    actions = transitions.available(filing, county, names=["reject", "approve", "recommend"])
    assert _names(actions) == ["reject", "recommend"]


def test_check_refuses_the_state_before_the_permission():
    filing = filing_in_state(S.FILED)
    stranger = CountyReviewerFactory(jurisdiction=jurisdiction("130607"))
    with pytest.raises(transitions.TransitionRefused) as refused:
        transitions.check(filing, "recommend", stranger, label="初审通过并推荐")
    assert "已备案" in refused.value.reasons[0] and "初审通过并推荐" in refused.value.reasons[0]


def test_check_refuses_a_user_without_the_right_with_403():
    filing = filing_in_state(S.COUNTY_REVIEW)
    stranger = CountyReviewerFactory(jurisdiction=jurisdiction("130607"))
    with pytest.raises(PermissionDenied):
        transitions.check(filing, "recommend", stranger)


def test_no_module_outside_tests_reads_django_fsm_private_metadata():
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in {".venv", "tests", "var", "node_modules"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "_django_fsm":
                offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []
