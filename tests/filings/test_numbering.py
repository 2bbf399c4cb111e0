"""Gap-free numbers (filing numbers, letters, notices) are drawn inside the transaction
that uses them: PostgreSQL refuses the row lock outside one, and SQLite, which has no row
locks, must refuse too, or a caller without its transaction (the demo seeder once) works
where it is developed and crashes in production."""

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from filings.models import NumberSequence
from filings.numbering import next_filing_number, next_in_sequence


def test_a_number_outside_a_transaction_is_refused_on_every_database():
    # No database access is allowed in this test: the refusal comes before any query.
    with pytest.raises(TransactionManagementError, match="inside the transaction"):
        next_filing_number(2026)
    with pytest.raises(TransactionManagementError):
        next_in_sequence("letter:130602:2026")


@pytest.mark.django_db
def test_numbers_inside_a_transaction_follow_each_other():
    with transaction.atomic():
        first, second = next_in_sequence("demo:2026"), next_in_sequence("demo:2026")
    assert (first, second) == (1, 2)
    assert NumberSequence.objects.get(key="demo:2026").last == 2
