from django.conf import settings
from django.db import transaction
from django.db.transaction import TransactionManagementError

from .models import NumberSequence


def next_in_sequence(key: str) -> int:
    """The next number of ``key``, gap-free. Must run inside the transaction that uses it."""
    # PostgreSQL refuses the row lock outside a transaction; SQLite would silently hand out
    # a number that nothing holds. Refuse on every database, so a caller without its
    # transaction fails where it is developed, not only in production.
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            "next_in_sequence() must run inside the transaction that uses the number."
        )
    sequence, _ = NumberSequence.objects.select_for_update().get_or_create(key=key)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def next_filing_number(year: int) -> str:
    seq = next_in_sequence(f"filing:{year}")
    return settings.FILING_NUMBER_FORMAT.format(year=year, seq=seq)


def next_letter_number(jurisdiction, year: int) -> str:
    seq = next_in_sequence(f"letter:{jurisdiction.code}:{year}")
    return settings.COUNTY_LETTER_NUMBER_FORMAT.format(
        prefix=jurisdiction.letter_prefix, year=year, seq=seq
    )
