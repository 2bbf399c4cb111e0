"""Issued documents of every kind, through the real services (issue 18), for the tests of
the issuance pipeline and of the public verification page."""

import datetime

import time_machine

from filings.models import IssuedDocument
from tests.factories import MunicipalStaffFactory, filed_alliance, filing_in_state

K = IssuedDocument.Kind
TZ = datetime.timezone(datetime.timedelta(hours=8))
OPENED = datetime.datetime(2026, 3, 2, 10, tzinfo=TZ)  # a Monday
AFTER_DEADLINE = datetime.datetime(2026, 3, 20, 10, tzinfo=TZ)  # 10 working days are past


def filed_filing():
    """A filing walked to "filed": its 推荐公函 and 备案通知书 are issued."""
    return filing_in_state("filed")


def revocation(decision="revoke", *, alliance=None, staff=None):
    """A case opened (告知书) and decided (决定书) through the services."""
    from supervision import services

    staff = staff or MunicipalStaffFactory()
    with time_machine.travel(OPENED, tick=False):
        case = services.case_open(
            alliance=alliance or filed_alliance(),
            by=staff,
            grounds=["2"],
            facts="连续两年未按章程开展创新活动",
        )
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        return services.case_decide(
            case=case, by=staff, decision=decision, reasons="经查属实，依照第十三条决定。"
        )


def award_notice():
    """A round finalised with one award: its 补贴通知书."""
    from subsidies import services
    from tests.subsidies.test_public_and_export import round_with_awards

    staff = MunicipalStaffFactory()
    round_, applications, _evaluators = round_with_awards(
        staff, title="核验批次", amounts=[300_000]
    )
    with time_machine.travel(round_.notice_ends_on + datetime.timedelta(days=1)):
        services.round_finalise(round_=round_, by=staff)
    return applications[0].award if hasattr(applications[0], "award") else None


def one_of_each() -> dict[str, IssuedDocument]:
    """Every kind the portal issues, by kind."""
    filed_filing()
    revocation("revoke")
    revocation("dismiss")
    award_notice()
    return {d.kind: d for d in IssuedDocument.objects.all()}
