"""The demo seeds units in the 26 jurisdictions of the data migration. A transactional test
run earlier on the same worker flushed them (the suite runs in random order): load them
again, as tests.factories.jurisdiction() does, before a demo test."""

import pytest

from tests.factories import jurisdiction


@pytest.fixture(autouse=True)
def _jurisdictions(request):
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        jurisdiction()
