"""Settings for benchmark runs only: the portal's own, plus the bench URLconf (the trivial
views and a stock admin changelist to compare pages with). Production never loads this."""

from alliance_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405
