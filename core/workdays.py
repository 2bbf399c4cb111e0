"""Working days on the official holiday calendar (法定节假日 and 调休 working weekends).

`chinese-calendar` ships the State Council's calendar for the years it knows. For a year
it does not know yet (the calendar is published each November/December), we count Monday
to Friday and log a warning, so a deadline is never refused for lack of data.
"""

import datetime
import logging

import chinese_calendar

logger = logging.getLogger(__name__)


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        logger.warning("no official calendar for %s; counting Monday–Friday", day.year)
        return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date that is ``days`` working days after ``start`` (``start`` itself not counted).

    The period for 陈述申辩 or a 公示 starts the day after notice, as Chinese
    administrative practice counts periods.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    day = start
    remaining = days
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
