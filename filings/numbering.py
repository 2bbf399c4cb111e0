from django.conf import settings

from .models import NumberSequence


def next_in_sequence(key: str) -> int:
    """The next number of ``key``, gap-free. Must run inside the transaction that uses it."""
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
