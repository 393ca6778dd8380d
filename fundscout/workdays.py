"""Working days in Slovenia: weekends and the public holidays that are days off (dela prosti dnevi).

The holidays are fixed by the Holidays and Non-Working Days Act (Zakon o praznikih in dela prostih
dnevih v Republiki Sloveniji): fixed dates plus Easter Sunday and Monday and Whit Sunday, which move
with Easter. Written out here rather than taken from a library: the one well-kept library pins an
older python-dateutil than this project's lock, and the rule is a dozen dates.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

# (month, day): name, for the days off that fall on the same date every year.
FIXED_HOLIDAYS = {
    (1, 1): "novo leto",
    (1, 2): "novo leto",
    (2, 8): "Prešernov dan",
    (4, 27): "dan upora proti okupatorju",
    (5, 1): "praznik dela",
    (5, 2): "praznik dela",
    (6, 25): "dan državnosti",
    (8, 15): "Marijino vnebovzetje",
    (10, 31): "dan reformacije",
    (11, 1): "dan spomina na mrtve",
    (12, 25): "božič",
    (12, 26): "dan samostojnosti in enotnosti",
}


def easter_sunday(year: int) -> dt.date:
    """Western (Gregorian) Easter Sunday, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=64)
def holidays(year: int) -> dict[dt.date, str]:
    """The public holidays that are days off in `year`, date -> Slovenian name."""
    days = {dt.date(year, month, day): name for (month, day), name in FIXED_HOLIDAYS.items()}
    easter = easter_sunday(year)
    days[easter] = "velika noč"
    days[easter + dt.timedelta(days=1)] = "velikonočni ponedeljek"
    days[easter + dt.timedelta(days=49)] = "binkošti"
    return days


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def working_day_on_or_before(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def working_day_on_or_after(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day
