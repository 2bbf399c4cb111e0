import datetime

from core.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date


def test_spring_festival_2026_is_not_counted():
    # 2026 Spring Festival: 15–23 Feb off; Sat 14 Feb and Sat 28 Feb are 调休 working days.
    assert not is_working_day(D(2026, 2, 16))
    assert is_working_day(D(2026, 2, 14))
    assert is_working_day(D(2026, 2, 28))
    # Notice on Thu 12 Feb: Fri 13, Sat 14 (调休), the holiday, then Tue 24, 25, 26, 27,
    # Sat 28 (调休), Mon 2, Tue 3, Wed 4 Mar = 10 working days.
    assert add_working_days(D(2026, 2, 12), 10) == D(2026, 3, 4)
    # Without the calendar (Monday–Friday only) it would be Thu 26 Feb.
    assert add_working_days(D(2026, 2, 12), 10) != D(2026, 2, 26)


def test_plain_weekend_is_skipped():
    # Fri 6 Nov 2026 + 1 working day = Mon 9 Nov.
    assert add_working_days(D(2026, 11, 6), 1) == D(2026, 11, 9)


def test_national_day_2026_adjusted_saturday_counts():
    # 2026 National Day: 1–7 Oct off; Sun 20 Sep and Sat 10 Oct are working days.
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)


def test_year_without_official_calendar_counts_monday_to_friday():
    # Fri 7 Jan 2028 + 1 → Mon 10 Jan (no official data for 2028 in the package).
    assert add_working_days(D(2028, 1, 7), 1) == D(2028, 1, 10)


def test_working_days_between_is_the_inverse():
    start = D(2026, 2, 12)
    assert working_days_between(start, add_working_days(start, 10)) == 10
