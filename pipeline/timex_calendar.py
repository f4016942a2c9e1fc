"""Calendar arithmetic of the temporal tagger: periods, holidays and durations, no text.

A period is a plain tuple naming a stretch of the calendar:
``("day", y, m, d)``, ``("week", y, w)`` and ``("weekend", y, w)`` (ISO weeks), ``("month", y, m)``,
``("quarter", y, q)``, ``("half", y, h)``, ``("season", y, code)`` (SP/SU/FA/WI; winter starts in
December of year y), ``("year", y)``, ``("decade", d)`` (199 is the 1990s) and ``("century", c)``
(20 is the 1900s). Each maps to a TIMEX3 value, an inclusive date range and a precision.

Functions here raise ValueError for an impossible date (February 30, year 0, ISO week 53 of a
52-week year, a year past 9999) and OverflowError when arithmetic runs off the calendar: the
rule handlers let those reject the expression.
"""
from __future__ import annotations

from datetime import date, timedelta

from pipeline.timex_lex import lexicon

MAX_DATE = date(9999, 12, 31)
SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}
# records.PRECISIONS has no "half": a half-year is filed under the next coarser name after quarter.
PRECISION_OF = {"day": "day", "week": "week", "weekend": "week", "month": "month",
                "quarter": "quarter", "half": "season", "season": "season", "year": "year",
                "decade": "decade", "century": "century"}


# ------------------------------------------------------------------------------------------
# Periods
# ------------------------------------------------------------------------------------------

def period_value(p: tuple) -> str:
    """TIMEX3 value of a period ("BC0480-08" for a period before the common era)."""
    if is_bc(p):
        return "BC" + period_value((p[0], -p[1]) + tuple(p[2:]))
    k = p[0]
    if k == "day":
        return "%04d-%02d-%02d" % p[1:4]
    if k == "week":
        return "%04d-W%02d" % p[1:3]
    if k == "weekend":
        return "%04d-W%02d-WE" % p[1:3]
    if k == "month":
        return "%04d-%02d" % p[1:3]
    if k == "quarter":
        return "%04d-Q%d" % p[1:3]
    if k == "half":
        return "%04d-H%d" % p[1:3]
    if k == "season":
        return "%04d-%s" % p[1:3]
    if k == "year":
        return "%04d" % p[1]
    if k == "decade":
        return "%03d" % p[1]
    return "%02d" % p[1]


# ------------------------------------------------------------------------------------------
# Periods before the common era
# ------------------------------------------------------------------------------------------
# A period before the common era has a negative number where the year goes: ("year", -480) is
# 480 BC, ("month", -480, 8) August 480 BC, ("decade", -47) the 470s BC, ("century", -3) the
# 4th century BC (400-301 BC, TIMEX3 "BC03"). Python dates stop at year 1, so these periods have
# a TIMEX3 value but no calendar range; the arithmetic below covers what a story needs ("the
# following year", "a decade earlier", "in September" of a story in 480 BC).

SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def is_bc(p: tuple | None) -> bool:
    """Whether a period lies before the common era."""
    return p is not None and len(p) > 1 and isinstance(p[1], int) and p[1] < 0


def start_month(p: tuple) -> tuple[int, int] | None:
    """(year, month) a year-or-finer period starts in, BC periods included; None if coarser."""
    k = p[0]
    if k in ("day", "month"):
        return p[1], p[2]
    if k == "year":
        return p[1], 1
    if k == "season":
        return p[1], SEASON_START[p[2]]
    if k == "quarter":
        return p[1], 3 * p[2] - 2
    if k == "half":
        return p[1], 6 * p[2] - 5
    if k in ("week", "weekend") and not is_bc(p):
        d = period_range(p)[0]
        return d.year, d.month
    return None


def _bc_year_plus(y: int, n: int) -> int:
    """Year ``y`` moved by ``n`` years, skipping the year 0 that the calendar does not have."""
    z = y + n
    if y < 0 <= z:
        z += 1
    elif y > 0 >= z:
        z -= 1
    return z


def bc_shift(p: tuple, n: int, unit: str) -> tuple | None:
    """``shift`` for a period before the common era; None for units it cannot move by."""
    k = p[0]
    if unit == "year" and k in ("year", "month", "season", "quarter", "half"):
        return (k, _bc_year_plus(p[1], n)) + tuple(p[2:])
    if unit == "month" and k == "month":
        y, m = divmod(p[1] * 12 + p[2] - 1 + n, 12)
        return ("month", y, m + 1)
    if unit == "decade":
        return ("decade", p[1] + n) if k == "decade" else (
            ("year", _bc_year_plus(p[1], 10 * n)) if k == "year" else None)
    if unit == "century":
        return ("century", p[1] + n) if k == "century" else (
            ("year", _bc_year_plus(p[1], 100 * n)) if k == "year" else None)
    return None


def bc_period_of(p: tuple, unit: str) -> tuple | None:
    """``period_of`` for a period before the common era: the year, decade or century holding it."""
    if p[0] in ("decade", "century"):
        return p if p[0] == unit else None
    y = p[1]
    if unit == "year":
        return ("year", y)
    if unit == "decade":
        return ("decade", -((-y) // 10))          # 489-480 BC: the 480s BC
    if unit == "century":
        return ("century", -((-y - 1) // 100))    # 500-401 BC: the 5th century BC ("BC04")
    if unit == "month" and p[0] in ("month", "day"):
        return ("month", y, p[2])
    return None


def month_end(y: int, m: int) -> date:
    """Last day of a month."""
    return (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)) if y < 9999 or m < 12 else MAX_DATE


def period_range(p: tuple) -> tuple[date, date]:
    """Inclusive first and last day of a period."""
    k = p[0]
    if k == "day":
        d = date(*p[1:4])
        return d, d
    if k in ("week", "weekend"):
        mon = date.fromisocalendar(p[1], p[2], 1)
        return (mon + timedelta(days=5), mon + timedelta(days=6)) if k == "weekend" else (
            mon, mon + timedelta(days=6))
    if k == "month":
        return date(p[1], p[2], 1), month_end(p[1], p[2])
    if k == "quarter":
        m0 = 3 * (p[2] - 1) + 1
        return date(p[1], m0, 1), month_end(p[1], m0 + 2)
    if k == "half":
        m0 = 6 * (p[2] - 1) + 1
        return date(p[1], m0, 1), month_end(p[1], m0 + 5)
    if k == "season":
        a, b = SEASON_MONTHS[p[2]]
        y2 = p[1] + 1 if a > b else p[1]
        return date(p[1], a, 1), month_end(y2, b)
    if k == "year":
        return date(p[1], 1, 1), date(p[1], 12, 31)
    if k == "decade":
        return date(max(1, p[1] * 10), 1, 1), date(p[1] * 10 + 9, 12, 31)
    return date(max(1, p[1] * 100), 1, 1), date(p[1] * 100 + 99, 12, 31)


def narrow(ds: date, de: date, mod: str) -> tuple[date, date]:
    """Restrict a range to its first/middle/last third for START/MID/END mods."""
    span = (de - ds).days + 1
    if span < 3 or mod not in ("START", "MID", "END"):
        return ds, de
    third = span // 3
    if mod == "START":
        return ds, ds + timedelta(days=third - 1)
    if mod == "END":
        return de - timedelta(days=third - 1), de
    return ds + timedelta(days=third), de - timedelta(days=third)


def rest_of_period(text: str, ds: date, de: date, mod: str, basis: str, dct: date) -> tuple[date, date]:
    """Narrow a period for its mod, up to or from the dct for "earlier/later this year"."""
    # "later this year" is the rest of the year after the dct and "earlier this year" the part
    # before it, not a fixed third
    low = text.lower()
    if basis == "relative" and ds < dct < de:
        if low.startswith("later") and mod == "END":
            return dct + timedelta(days=1), de
        if low.startswith("earlier") and mod == "START":
            return ds, dct - timedelta(days=1)
    return narrow(ds, de, mod)


def shift(p: tuple, n: int, unit: str) -> tuple | None:
    """Move a period by n units (day/week/month/quarter/year/decade/century); None for another unit."""
    # granularity is kept where sensible ("a month after March 3" is a day) and coarsened to
    # the unit otherwise ("a year after the third quarter" is a quarter, after 1990s a decade)
    ds, _ = period_range(p)
    k = p[0]
    if unit == "day":
        d = ds + timedelta(days=n)
        return ("day", d.year, d.month, d.day)
    if unit in ("week", "weekend", "fortnight"):
        d = ds + timedelta(days=7 * n * (2 if unit == "fortnight" else 1))
        if k == "day":
            return ("day", d.year, d.month, d.day)
        iy, iw, _ = d.isocalendar()
        return ("weekend" if unit == "weekend" else "week", iy, iw)
    if unit in ("month", "quarter", "half"):
        months = n * {"month": 1, "quarter": 3, "half": 6}[unit]
        mi = ds.year * 12 + ds.month - 1 + months
        y, m = divmod(mi, 12)
        if k == "day" and unit == "month":
            return ("day", y, m + 1, min(ds.day, month_end(y, m + 1).day))
        if k == "quarter" or unit == "quarter":
            return ("quarter", y, m // 3 + 1)
        if unit == "half":
            return ("half", y, m // 6 + 1)
        return ("month", y, m + 1)
    if unit == "year":
        if k == "day":
            y = ds.year + n
            return ("day", y, ds.month, min(ds.day, month_end(y, ds.month).day))
        if k in ("month", "quarter", "half", "season"):
            return (k, p[1] + n) + tuple(p[2:])
        return ("year", ds.year + n)
    if unit == "decade":
        return ("decade", ds.year // 10 + n) if k == "decade" else ("year", ds.year + 10 * n)
    if unit == "century":
        return ("century", ds.year // 100 + n) if k == "century" else ("year", ds.year + 100 * n)
    return None


def period_of(d: date, unit: str) -> tuple:
    """The period of granularity ``unit`` containing ``d`` (a day for any other unit)."""
    if unit in ("week", "weekend"):
        iy, iw, _ = d.isocalendar()
        return (unit, iy, iw)
    if unit == "month":
        return ("month", d.year, d.month)
    if unit == "quarter":
        return ("quarter", d.year, (d.month - 1) // 3 + 1)
    if unit == "half":
        return ("half", d.year, (d.month - 1) // 6 + 1)
    if unit == "year":
        return ("year", d.year)
    if unit == "decade":
        return ("decade", d.year // 10)
    if unit == "century":
        return ("century", d.year // 100)
    return ("day", d.year, d.month, d.day)


# ------------------------------------------------------------------------------------------
# Holidays
# ------------------------------------------------------------------------------------------

def _easter(y: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(y, month, day)


def _nth_weekday(y: int, m: int, wd: int, n: int) -> date:
    """n-th (1-based; -1 = last) ISO weekday ``wd`` of a month."""
    if n > 0:
        first = date(y, m, 1)
        return first + timedelta(days=(wd - first.isoweekday()) % 7 + 7 * (n - 1))
    last = month_end(y, m)
    return last - timedelta(days=(last.isoweekday() - wd) % 7)


def is_holiday(name: str) -> bool:
    """Whether ``name`` (lower case, single spaces) is a holiday of the lexicon."""
    lx = lexicon()
    return name in lx.holiday_fixed or name in lx.holiday_movable


def holiday_date(name: str, y: int) -> date:
    """Date of a named holiday (see ``is_holiday``) in year ``y``."""
    lx = lexicon()
    if name in lx.holiday_fixed:
        m, d = lx.holiday_fixed[name]
        return date(y, m, d)
    rule = lx.holiday_movable[name]
    if rule == "easter":
        return _easter(y)
    if rule == "good_friday":
        return _easter(y) - timedelta(days=2)
    if rule == "thanksgiving":
        return _nth_weekday(y, 11, 4, 4)
    if rule == "memorial_day":
        return _nth_weekday(y, 5, 1, -1)
    if rule == "labor_day":
        return _nth_weekday(y, 9, 1, 1)
    # election day: the Tuesday after the first Monday of November
    return _nth_weekday(y, 11, 1, 1) + timedelta(days=1)


# ------------------------------------------------------------------------------------------
# Durations
# ------------------------------------------------------------------------------------------

# unit -> (letter, time-part?, smaller unit letter, factor to it)
DUR_UNITS = {
    "second": ("S", True, None, 0), "minute": ("M", True, "S", 60), "hour": ("H", True, "M", 60),
    "day": ("D", False, "H", 24), "night": ("D", False, "H", 24), "week": ("W", False, "D", 7),
    "weekend": ("WE", False, None, 0), "fortnight": ("W", False, "D", 14),
    "month": ("M", False, "D", 30), "quarter": ("Q", False, "M", 3), "half": ("M", False, None, 0),
    "year": ("Y", False, "M", 12), "decade": ("Y", False, None, 0), "century": ("Y", False, None, 0),
}


def unit_name(u: str) -> str:
    """Singular unit name from a matched unit ("trading days" -> day, "centuries" -> century)."""
    u = u.lower().split()[-1]
    if u == "centuries":
        return "century"
    return u[:-1] if u.endswith("s") else u


def duration_value(n: float | None, unit: str, in_units: bool = False) -> str:
    """TIMEX3 duration value: P3Y, PT2H, P2Y6M, PXM for a vague quantity (unit in DUR_UNITS).

    ``in_units`` keeps decades and centuries as units ("the past decade" P1DE, "the past two
    centuries" P2CE) instead of counting their years (P10Y).
    """
    if in_units and unit in ("decade", "century") and n is not None and n == int(n):
        return "P%d%s" % (n, "DE" if unit == "decade" else "CE")
    letter, is_time, small, factor = DUR_UNITS[unit]
    if unit == "decade" and n is not None:
        n, letter = n * 10, "Y"
    elif unit == "century" and n is not None:
        n, letter = n * 100, "Y"
    elif unit == "fortnight" and n is not None:
        n, letter = n * 2, "W"
    elif unit == "half" and n is not None:
        n, letter = n * 6, "M"
    p = "PT" if is_time else "P"
    if n is None:
        return p + "X" + letter
    whole = int(n)
    frac = n - whole
    if frac > 1e-9 and small and factor and abs(frac * factor - round(frac * factor)) < 1e-9:
        # "2 1/2 years" -> P2Y6M; a day and a half needs the time designator: P1DT12H
        rest = round(frac * factor)
        head = "%d%s" % (whole, letter) if whole else ""
        sep = "T" if small == "H" and not is_time else ""
        return p + head + sep + "%d%s" % (rest, small)
    if frac > 1e-9:
        return p + ("%g" % n) + letter
    return p + "%d%s" % (whole, letter)
