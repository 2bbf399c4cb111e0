"""Template access to the lead unit's own filings, for pages whose view does not pass them
(the lead unit's home). The read still goes through ``filings_visible_to``."""

from django import template

from filings.selectors import filings_visible_to
from filings.views.common import state_badge

register = template.Library()

HOME_ROWS = 10


@register.simple_tag
def lead_unit_filings(user, limit=HOME_ROWS):
    filings = list(filings_visible_to(user).order_by("-created_at")[:limit])
    for filing in filings:
        filing.state_badge = state_badge(filing)
    return filings
