"""Settings for benchmark runs only: the portal's own, plus the bench URLconf (the trivial
views and a stock admin changelist to compare pages with). Production never loads this."""

from alliance_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405
# The verification page is measured in rounds from one address: its rate limit (issue 18)
# is still counted (what each lookup pays), at a rate the rounds never reach.
PORTAL_VERIFY_RATE = "1000000/min"
