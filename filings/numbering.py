import re

from django.conf import settings
from django.db import transaction
from django.db.transaction import TransactionManagementError

from .models import Alliance, NumberSequence


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
    """The next free number of ``year``. The sequence continues after the highest number
    the import of the paper-era register brought in (``account_for_imported``); a number
    some alliance holds already (kept from paper, in another form of zero padding) is
    passed over, never issued twice."""
    while True:
        seq = next_in_sequence(f"filing:{year}")
        number = settings.FILING_NUMBER_FORMAT.format(year=year, seq=seq)
        if not Alliance.objects.filter(filing_number=number).exists():
            return number


def _number_pattern() -> re.Pattern:
    """FILING_NUMBER_FORMAT read backwards: "保科联备〔{year}〕{seq:03d}号" → its year and seq."""
    parts = re.split(r"(\{year\}|\{seq[^}]*\})", settings.FILING_NUMBER_FORMAT)
    pattern = ""
    for part in parts:
        if part == "{year}":
            pattern += r"(?P<year>\d{4})"
        elif part.startswith("{seq"):
            pattern += r"(?P<seq>\d+)"
        else:
            pattern += re.escape(part)
    return re.compile(pattern)


def parse_filing_number(number: str) -> tuple[int, int] | None:
    """(year, sequence number) of a number in the portal's form, else None."""
    match = _number_pattern().fullmatch(number.strip())
    if match is None:
        return None
    return int(match["year"]), int(match["seq"])


def account_for_imported(numbers) -> None:
    """Move each year's sequence past the highest of ``numbers`` (filing numbers brought
    in by an import) so that the next filing of that year gets the number after it. In
    the importing transaction, under the sequence's row lock."""
    highest = {}
    for number in numbers:
        parsed = parse_filing_number(number)
        if parsed:
            year, seq = parsed
            highest[year] = max(seq, highest.get(year, 0))
    for year, seq in sorted(highest.items()):
        sequence, _ = NumberSequence.objects.select_for_update().get_or_create(key=f"filing:{year}")
        if sequence.last < seq:
            sequence.last = seq
            sequence.save(update_fields=["last"])


def next_letter_number(jurisdiction, year: int) -> str:
    seq = next_in_sequence(f"letter:{jurisdiction.code}:{year}")
    return settings.COUNTY_LETTER_NUMBER_FORMAT.format(
        prefix=jurisdiction.letter_prefix, year=year, seq=seq
    )
