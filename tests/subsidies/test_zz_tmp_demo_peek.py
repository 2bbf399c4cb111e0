import pytest
from accounts.demo import seed_organisations, seed_users
from subsidies import demo
from subsidies.models import SubsidyRound, Assignment
from subsidies.aggregation import ranking
from supervision import demo as sdemo
from filings import demo as fdemo
from portal.models import Notification

pytestmark = pytest.mark.django_db

def test_peek():
    seed_users(seed_organisations())
    print(fdemo.seed())
    print(sdemo.seed())
    print(demo.seed())
    print(demo.seed())
    for r in SubsidyRound.objects.all():
        print(r.title, r.opens_on, r.closes_on, r.notice_starts_on, r.notice_ends_on, r.finalised_at)
        for row in ranking(r):
            award = getattr(row.application, "award", None)
            print("  ", row.application.alliance.name, row.application.alliance.filed_on, row.application.submitted_at, row.totals, row.panel, award and award.amount_yuan)
    for n in Notification.objects.filter(subject__contains="补贴评审")[:30]:
        print(n.user.username, n.created_at, n.subject)
