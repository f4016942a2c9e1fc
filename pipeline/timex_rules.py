"""The rule handlers of the temporal tagger: one per pattern of pipeline/timex_lex.py.

A handler takes the document (``Doc``) and a regex match of its rule, and returns the
``Resolution`` of the expression (type, TIMEX3 value and mod, the calendar period it names, how
it was dated) or None to reject the match ("March on Washington", "the Audi Q3", "$2 million a
year"). ``HANDLERS`` maps rule names to handlers; ``resolve`` runs one.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import NamedTuple

from pipeline.timex_calendar import (DUR_UNITS, bc_period_of, bc_shift, duration_value, holiday_date,
                                     is_bc, is_holiday, period_of, period_range, period_value, shift,
                                     start_month, unit_name)
from pipeline.timex_context import (Doc, approx_mod, day_number, expand_year, is_rate, is_titled,
                                    month_number, parse_number, parse_numeric_date, period_mod,
                                    quarter_year, resolve_month, resolve_season, resolve_weekday,
                                    spelled_year)
from pipeline.timex_anchor import choose, story_month_year, story_season_year
from pipeline.timex_lex import lexicon


class Resolution(NamedTuple):
    """What a handler made of a match."""

    type: str                 # DATE, TIME, DURATION, SET
    value: str                # TIMEX3 value
    mod: str                  # TIMEX3 mod, or ""
    period: tuple | None      # the calendar period named (see timex_calendar), None if none
    basis: str                # explicit, relative, narrative; "" for durations and sets
    extent: tuple[int, int] | None = None   # (start, end) when not the whole match


# The patterns are case-insensitive, and Python's re.I also matches "ſ" (long s) to s and
# "ı", "İ" (dotless i, dotted capital I) to i, which .lower() leaves as they are: such a
# spelling ("Chriſtmas", "ſpring") is matched but is in no word table. Handlers look matched
# words up with .get() and reject the match when the word is not there (where a table has a
# default, the default applies: "laſt week" reads as "this week").
REL_YEAR = {"this": 0, "last": -1, "next": 1}


def _month_year(doc: Doc, m: re.Match, mo: int, rel: str = "") -> tuple[int, str]:
    """Year and basis of a month named without a year: the dct's reading or the story's."""
    if rel:
        return resolve_month(doc, mo, doc.tense(m.start(), m.end()), rel), "relative"
    ahead = doc.lx.year_after.match(doc.text, m.end())
    if ahead:
        # "April and June 1955", "(26 June - 4 August 1952)": the year is written after
        y = int(ahead["year"])
        return (y - 1 if ahead["month"] and month_number(ahead["month"]) < mo else y), "explicit"
    doc.bare = True
    y = doc.dct.year if mo == doc.dct.month else resolve_month(doc, mo, doc.tense(m.start(), m.end()))
    sy = story_month_year(doc, mo)
    if sy is not None and choose(doc, m.start(), m.end(), ("month", y, mo), ("month", sy, mo)):
        return sy, "narrative"
    return y, "relative"


def _h_iso(doc: Doc, m: re.Match) -> Resolution | None:
    """ "2020-03-05", "2020-03", "2020-03-05T14:30": ISO dates."""
    y, mo = int(m["y"]), int(m["m"])
    if not m["d"] and m["sep"] == "-" and mo == (y + 1) % 100:
        return None   # "2007-08" in prose is two years, not August 2007
    if m["d"]:
        p = ("day", y, mo, int(m["d"]))
        period_range(p)
        if m["th"]:
            return Resolution("TIME", period_value(p) + "T%s:%s" % (m["th"], m["tm"]), "", p, "explicit")
        return Resolution("DATE", period_value(p), "", p, "explicit")
    return Resolution("DATE", period_value(("month", y, mo)), "", ("month", y, mo), "explicit")


def _h_numeric(doc: Doc, m: re.Match) -> Resolution | None:
    """ "3/5/2020", "05.03.20": slashed or dotted numeric dates."""
    c = m["c"]
    if len(c) == 2 and m["sep"] == ".":
        return None  # "1.5.12" is more often a version or a score than a date
    d = parse_numeric_date(m.group(0), doc.dct)
    if d is None:
        return None
    p = ("day", d.year, d.month, d.day)
    return Resolution("DATE", period_value(p), "", p, "explicit")


def _h_isoweek(doc: Doc, m: re.Match) -> Resolution | None:
    """ "2020-W10": ISO weeks."""
    p = ("week", int(m["y"]), int(m["w"]))
    period_range(p)
    return Resolution("DATE", period_value(p), "", p, "explicit")


def _h_md(doc: Doc, m: re.Match) -> Resolution | None:
    """ "March 5", "Friday, March 5, 2020", "5 March", "the fifth of March": days."""
    mo = month_number(m["month"])
    day = day_number(m["day"])
    if day is None:
        return None
    if not m["day"][:1].isdigit() and not m["year"] and not m.groupdict().get("wd") and " of " not in m.group(0).lower():
        return None  # a spelled day needs a year, a weekday or "the first of May"
    if m["year"]:
        p = ("day", int(m["year"]), mo, day)
        basis = "explicit"
    elif m.groupdict().get("ny"):
        y = _that_year(doc, m["ny"])
        if y is None:
            return None
        p, basis = ("day", y, mo, day), "narrative"
    elif doc.ended is not None and doc.ended[0] == m.start() and not is_bc(doc.ended[1]):
        # "the second quarter ended Oct. 31": the day the quarter ended, in its year or the next
        q = doc.ended[1]
        end = q[1] * 12 + 3 * q[2]
        y = min((q[1], q[1] + 1), key=lambda yy: abs(yy * 12 + mo - end))
        p, basis = ("day", y, mo, day), "narrative"
    else:
        rel = re.sub(r"\s+", " ", (m.groupdict().get("rel") or "").lower())
        y, basis = _month_year(doc, m, mo, rel)
        if (mo, day) == (2, 29):
            while not calendar.isleap(y):   # "February 29" names a leap day: the last such year
                y -= 1
        p = ("day", y, mo, day)
    period_range(p)
    return Resolution("DATE", period_value(p), period_mod(m), p, basis)


def _step(base: tuple, unit: str, n: int) -> tuple | None:
    """The ``unit`` period holding ``base``, moved by ``n`` units (BC periods included); None
    when it cannot be told ("the next day" in a story dated only to 480 BC)."""
    if is_bc(base):
        p = bc_period_of(base, unit)
        return p if p is None or not n else bc_shift(p, n, unit)
    p = period_of(period_range(base)[0], unit)
    return shift(p, n, unit) if n else p


def _story_base(doc: Doc) -> tuple | None:
    """The period "the following year" or "two years later" counts from: the story's time (its
    focus) when it was set in this paragraph or the one before, else the last date mentioned."""
    f = doc.focus
    if f is not None and doc.paragraph(doc.pos) - f.para <= 1:
        return f.period
    return doc.anchor


def _that_year(doc: Doc, word: str) -> int | None:
    """The year "of that year", "of the following year" names: from the date the story is at."""
    base = doc.anchor or (doc.focus.period if doc.focus is not None else None)
    if base is None:
        return None   # no year mentioned before: nothing to point at
    w = re.sub(r"\s+", " ", word.lower())
    p = _step(base, "year", {"the following": 1, "the next": 1, "the previous": -1, "the preceding": -1}.get(w, 0))
    return None if p is None else p[1]


def _h_podof(doc: Doc, m: re.Match) -> Resolution | None:
    """ "the morning of 31 January 1965", "the night of May 13": a part of a given day."""
    res = _h_md(doc, m)
    if res is None:
        return None
    return Resolution("TIME", res.value + _pod_suffix(m["pod"]), res.mod, res.period, res.basis)


def _year_of_story(doc: Doc, m: re.Match, y: int) -> tuple[int, str]:
    """The year "the year" names: the story's (its focus) or ``y``, the dct's reading."""
    doc.bare = True
    f = doc.focus
    if f is not None and choose(doc, m.start(), m.end(), ("year", y), ("year", f.period[1])):
        return f.period[1], "narrative"
    return y, "relative"


def _ambiguous_month_ok(doc: Doc, m: re.Match) -> bool:
    """A month word that is also an English word ("May", "March") needs time context."""
    word = m["month"].rstrip(".").lower()
    if word not in doc.lx.ambiguous_months:
        return not (m["month"].isupper() and len(m["month"]) > 3 and doc.text[max(0, m.start() - 30):m.start()].isupper())
    if m["month"].isupper():
        return False
    if m.groupdict().get("pmod") or m.groupdict().get("rel") or doc.lx.year_after.match(doc.text, m.end()):
        return True   # "(May-August 1950)": a range that gives its year
    if word in ("may", "march") or len(word) == 3:
        pw = doc.prev_word(m.start("month"))
        if pw not in doc.lx.time_preps and not (pw == "the" and m["month"][:1].isupper()):
            return False
        nw = doc.next_word(m.end())
        if word == "march" and nw in ("on", "against", "toward", "towards", "through", "into", "to"):
            return False
        if word == "may" and nw in ("be", "have", "not", "also", "well", "never", "still", "the", "a"):
            return False
    return True


def _h_my(doc: Doc, m: re.Match) -> Resolution | None:
    """ "March 2020", "March of last year", "March nineteen ninety": months of a given year."""
    mo = month_number(m["month"])
    if m["year"]:
        y, basis = int(m["year"]), "explicit"
    elif m["sy"]:
        y, basis = spelled_year(m["sy"]), "explicit"
        if y is None:
            return None
    elif m["ny"]:
        y, basis = _that_year(doc, m["ny"]), "narrative"
        if y is None:
            return None
    elif m["bcy"]:
        y, basis = -int(m["bcy"]), "explicit"   # "April 480 BC"
    else:
        off = REL_YEAR.get(m["ry"].lower())
        if off is None:
            return None
        y, basis = doc.dct.year + off, "relative"
    p = ("month", y, mo)
    return Resolution("DATE", period_value(p), period_mod(m), p, basis)


def _h_month(doc: Doc, m: re.Match) -> Resolution | None:
    """ "March", "last March", "the following December", "every March": bare months."""
    if not _ambiguous_month_ok(doc, m):
        return None
    mo = month_number(m["month"])
    rel = re.sub(r"\s+", " ", (m.groupdict().get("rel") or "").lower())
    if rel in ("every", "each"):
        return Resolution("SET", "XXXX-%02d" % mo, "", None, "")
    if rel in ("the following", "the previous") and doc.anchor is not None and \
            start_month(doc.anchor) is not None:
        # "the following December": the first December after the date the story is at
        ay, am = start_month(doc.anchor)
        if doc.anchor[0] == "year":
            am = 12 if rel == "the following" else 1
        if rel == "the following":
            y = ay if mo > am else ay + 1
        else:
            y = ay if mo < am else ay - 1
        p = ("month", y, mo)
        return Resolution("DATE", period_value(p), period_mod(m), p, "narrative")
    y, basis = _month_year(doc, m, mo, rel)
    p = ("month", y, mo)
    return Resolution("DATE", period_value(p), period_mod(m), p, basis)


# "the quarter ended Sept. 30", "the quarter ending July 31": the three months up to that day
ENDED_RE = re.compile(r"\s*,?\s*(?:that\s+)?(?P<verb>ended|ending)\s+(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?![\d,.]\d)")


def _reported_value(doc: Doc, p: tuple) -> str:
    """TIMEX3 value of a quarter counted from the one a report is about ("the quarter", "a year
    earlier"): when that one was named as a fiscal quarter ("the fiscal first quarter"), which
    calendar quarter it is, is not said ("1989-QX")."""
    v = period_value(p)
    return v[:-1] + "X" if doc.fiscal_quarter and p[0] == "quarter" else v


# The period a comparison is about when it is not the quarter: "For the nine months, net was
# $81 million, up from $77 million a year earlier" (the first nine months of the year before).
YTD_RE = re.compile(r"\b(?:(?:nine|six|9|6)[\s-]+months?|first\s+half|(?:year|months?)[\s-]+to[\s-]+date)\b|(?P<q>quarter)", re.I)


def _year_to_date(doc: Doc, pos: int) -> bool:
    """Whether an earnings comparison at ``pos`` is about the months of the year so far rather
    than the quarter: the last period named since the previous sentence's start is "the nine
    months", "the first half", "year to date"."""
    s = doc.sentence(pos, pos)[0]
    if s > 0:
        s = doc.sentence(s - 1, s - 1)[0]
    last = None
    for last in YTD_RE.finditer(doc.text, s, pos):
        pass
    return last is not None and not last["q"]


def _ended_quarter(doc: Doc, m: re.Match) -> tuple | None:
    """The calendar quarter of "the quarter ended July 31": the one holding most of its three
    months (May to July: the second quarter)."""
    e = ENDED_RE.match(doc.text, m.end())
    if e is None or e["mon"].lower().rstrip(".") not in doc.lx.month_of:
        return None
    mo = month_number(e["mon"])
    y = resolve_month(doc, mo, "past" if e["verb"].lower() == "ended" else "present")
    mid = (mo - 2) % 12 + 1   # the middle month of the three
    return ("quarter", y - (mid > mo), (mid - 1) // 3 + 1)


# "the comparable year-ago quarter, the second quarter ended Oct. 31": an apposition names
# which quarter the year-ago one is.
APPOSED_QUARTER = re.compile(r"\s*,\s*(?:the\s+|its\s+)?(?:fiscal\s+)?(?P<ord>first|second|third|fourth)[\s-]+quarter\b", re.I)
YEAR_AGO_BEFORE = re.compile(r"(?:year[\s-]+(?:ago|earlier)|prior[\s-]+year)\s+(?:quarter|period)\s*,\s*(?:the\s+|its\s+)?\Z", re.I)


def _quarter_ended(doc: Doc, m: re.Match, res: Resolution) -> Resolution:
    """Note the quarter whose last day is written right after it ("the second quarter ended
    Oct. 31"), so that the day takes the quarter's year; return ``res``."""
    if res.period is not None and res.period[0] == "quarter":
        e = ENDED_RE.match(doc.text, m.end())
        if e is not None:
            doc.ended = (e.start("mon"), res.period)
    return res


def _h_quarter(doc: Doc, m: re.Match) -> Resolution | None:
    """ "the third quarter", "the first half of 2020", "the year-ago quarter"."""
    res = _quarter(doc, m)
    return res if res is None else _quarter_ended(doc, m, res)


def _quarter(doc: Doc, m: re.Match) -> Resolution | None:
    """The quarter or half of ``_h_quarter``."""
    adj = re.sub(r"[\s-]+", " ", (m["adj"] or "").lower()).split()
    det = (m["det"] or "").lower()
    unit = m["q"].lower()
    ords = [doc.lx.ordinal_of[a] for a in adj if a in doc.lx.ordinal_of and a != "last"]
    n = 2 if unit == "half" else 4
    if unit == "half" and not ords and not ({"last", "latter"} & set(adj)):
        return None
    if not det and not adj and not m["year"]:
        return None
    if ords and not 1 <= ords[0] <= n:
        return None
    q = ords[0] if ords else None
    if unit == "half" and q is None:
        q = 2
    years = [int(a) for a in adj if a.isdigit()]
    tense = doc.tense(m.start(), m.end())
    earlier = any(a in ("year-earlier", "year-ago") for a in adj) or " ".join(adj).find("year earlier") >= 0 \
        or " ".join(adj).find("year ago") >= 0 or bool(m["tail"])
    basis = "relative"
    if m["year"] or years:
        y, basis = int(m["year"] or years[0]), "explicit"
    elif m["ry"]:
        off = REL_YEAR.get(m["ry"].lower())
        if off is None:
            return None
        y = doc.dct.year + off
    elif det.startswith(("this year", "last year", "next year")):
        y = doc.dct.year + REL_YEAR[det.split()[0]]
    elif q is None:
        # "the quarter", "the latest quarter": the one being discussed, else the last completed
        cur = period_of(doc.dct, "quarter" if unit == "quarter" else "half")
        if {"current", "this"} & set(adj) or det == "this":
            p = cur
        elif {"next"} & set(adj):
            p = shift(cur, 1, unit)
        elif unit == "quarter" and not doc.fiscal_quarter and (ended := _ended_quarter(doc, m)) is not None:
            p = ended   # "the quarter ended July 31": the quarter is dated by its last day
        elif doc.quarter is not None and unit == "quarter" and not ({"latest", "last", "previous", "prior"} & set(adj)):
            p = doc.quarter
        else:
            p = shift(cur, -1, unit)
        told = p is doc.quarter
        if earlier:
            # "the year-earlier quarter" compares: it never becomes the quarter reported on
            p, told = shift(p, -1, "year"), True
            ap = APPOSED_QUARTER.match(doc.text, m.end()) if unit == "quarter" else None
            if ap is not None:   # "..., the second quarter ended Oct. 31": that one
                p = ("quarter", p[1], doc.lx.ordinal_of[ap["ord"].lower()])
                return Resolution("DATE", period_value(p), "", p, "narrative")
        value = _reported_value(doc, p) if told and unit == "quarter" else period_value(p)
        return Resolution("DATE", value, "", p, "narrative" if told else "relative")
    elif unit == "quarter" and YEAR_AGO_BEFORE.search(doc.text, max(0, m.start() - 60), m.start()):
        # "the year-ago quarter, the second quarter ended Oct. 31": the year before the one
        # reported on
        y = (doc.quarter[1] if doc.quarter is not None else quarter_year(doc, q, tense)) - 1
        basis = "narrative"
    else:
        y = quarter_year(doc, q, tense) if unit == "quarter" else doc.dct.year
        if unit == "half" and tense == "past" and q == 2 and doc.dct.month <= 6:
            y -= 1
    if q is None:
        return None  # "last year's quarter", "the 1988 quarter": which quarter is not said
    if earlier:
        y -= 1
        basis = "narrative"
    p = ("quarter" if unit == "quarter" else "half", y, q)
    return Resolution("DATE", period_value(p), "", p, basis)


def _h_qcode(doc: Doc, m: re.Match) -> Resolution | None:
    """ "Q3", "H1 2020": quarter and half codes."""
    code = m["qn"]
    q = int(code[1])
    if m["year"]:
        y, basis = int(m["year"]), "explicit"
    else:   # "Q3", "H1": the last such period when told in the past tense
        if doc.prev_word(m.start()) not in doc.lx.time_preps and \
                doc.next_word(m.end()) not in doc.lx.period_nouns:
            return None   # "the Audi Q3", "H1 visas": a name, not a period
        ahead = doc.tense(m.start(), m.end()) == "future"
        cur = (doc.dct.month - 1) // (3 if code[0] == "Q" else 6) + 1
        y, basis = doc.dct.year - (not ahead and q > cur), "relative"
    p = ("quarter" if code[0] == "Q" else "half", y, q)
    return Resolution("DATE", period_value(p), "", p, basis)


QUARTER_REACH = 600  # chars after a quarter within which "a year earlier" means that quarter


def _h_yearearlier(doc: Doc, m: re.Match) -> Resolution | None:
    """ "the year-earlier quarter", "year-ago": the same period a year before."""
    what = (m["what"] or "").lower()
    if doc.quarter is not None and what != "quarter" and _year_to_date(doc, m.start()):
        p = ("year", doc.quarter[1] - 1)   # "for the nine months, ... year-earlier net income"
        return Resolution("DATE", period_value(p), "", p, "narrative")
    if doc.quarter is not None and (what in ("quarter", "period") or m.start() - doc.quarter_pos < QUARTER_REACH):
        p = shift(doc.quarter, -1, "year")
        return Resolution("DATE", _reported_value(doc, p), "", p, "narrative")
    if what == "quarter":
        p = shift(shift(period_of(doc.dct, "quarter"), -1, "quarter"), -1, "year")
        return Resolution("DATE", period_value(p), "", p, "relative")
    p = ("year", doc.dct.year - 1)
    return Resolution("DATE", period_value(p), "", p, "relative")


def _h_period(doc: Doc, m: re.Match) -> Resolution | None:
    """ "the latest period", "the same period last year": the quarter an earnings report is about."""
    if doc.quarter is None and not doc.mentions_quarter():
        return None  # no reporting period in this text: "period" is just a word
    adj = re.sub(r"\s+", " ", m["adj"].lower())
    cur = doc.quarter or shift(period_of(doc.dct, "quarter"), -1, "quarter")
    if adj.isdigit():
        p = ("quarter", int(adj), cur[2])
    elif adj == "latest" and not m["tail"]:
        p = cur
    else:
        p = shift(cur, -1, "year")
    return Resolution("DATE", period_value(p), "", p, "narrative")


def _h_yearend(doc: Doc, m: re.Match) -> Resolution | None:
    """ "year-end", "the end of the year": the end of the dct's year."""
    t = doc.tense(m.start(), m.end())
    y = doc.dct.year
    if t == "past" and doc.dct.month <= 2:
        y -= 1
    y, basis = _year_of_story(doc, m, y)
    p = ("year", y)
    return Resolution("DATE", period_value(p), "END", p, basis)


def _h_year(doc: Doc, m: re.Match) -> Resolution | None:
    """ "2020", "fiscal 2020", "early 2020", "2020 or later": years in digits."""
    y = int(m["year"])
    s = m.start("year")
    fy = m["fy"]
    if not fy and not m["pmod"]:
        pw = doc.prev_word(s)
        if pw.rstrip(".") in doc.lx.not_year_before or pw in ("$", "#") or doc.text[max(0, s - 1):s] in ("$", "#", "£", "€"):
            return None
        nw = doc.next_word(m.end())
        if nw in doc.lx.quantity_nouns or doc.text[m.end():m.end() + 1] == "%":
            return None
        # an out-of-range bare number is more likely a quantity than a year
        if not (1500 <= y <= doc.dct.year + 60) and pw not in doc.lx.time_preps:
            return None
    p = ("year", y)
    suf = (m["suf"] or "").lower()
    mod = "ON_OR_AFTER" if ("later" in suf or "beyond" in suf) else ("ON_OR_BEFORE" if "earlier" in suf else period_mod(m))
    return Resolution("DATE", period_value(p), mod, p, "explicit")


def _h_bcyear(doc: Doc, m: re.Match) -> Resolution | None:
    """ "490 BC", "ca. 466 BC", "Early 480 BC", "AD 79": years of an era."""
    if m["y"]:
        p = ("year", -int(m["y"]))
    else:
        p = ("year", int(m["ad"] or m["ad2"]))
    mod = "APPROX" if m["ca"] else period_mod(m)
    return Resolution("DATE", period_value(p), mod, p, "explicit")


def _h_spelledyear(doc: Doc, m: re.Match) -> Resolution | None:
    """ "nineteen ninety-six", "the year two thousand": spelled-out years."""
    y = spelled_year(m["sy"])
    if y is None or not 1000 <= y <= 2199:
        return None
    if m["sy"].lower().startswith("two thousand") and not m["pre"]:
        if doc.prev_word(m.start()) not in doc.lx.time_preps or doc.next_word(m.end()) in doc.lx.quantity_nouns:
            return None
        nxt = doc.next_word(m.end())
        if nxt and nxt.isalpha() and nxt not in doc.lx.time_preps and nxt not in ("and", "when", "the"):
            return None
    p = ("year", y)
    return Resolution("DATE", period_value(p), "", p, "explicit")


def _h_decade(doc: Doc, m: re.Match) -> Resolution | None:
    """ "the 1990s", "the '90s", "the nineties", "the 1800s" (a century)."""
    if m["d4"] and m["d4"].endswith("0") and int(m["d4"]) < 200:
        # "the 1800s" is the nineteenth century, not the decade 1800-1809
        p = ("century", int(m["d4"]) // 10)
        return Resolution("DATE", period_value(p), period_mod(m), p, "explicit")
    if m["bcd"]:
        p = ("decade", -int(m["bcd"]))   # "the 470s BC"
        return Resolution("DATE", period_value(p), period_mod(m), p, "explicit")
    if m["d4"]:
        d = int(m["d4"])
    else:
        two = int(m["d2"] or m["d3"]) if not m["dw"] else doc.lx.decade_word.get(m["dw"].lower())
        if two is None:
            return None
        if m["d3"] and not (m["the"] or m["pmod"]):
            return None  # "in their 20s" is an age
        if m["dw"] and not (m["the"] or m["pmod"]):
            return None
        two = two if two >= 10 else two * 10
        d = expand_year(two, doc.dct) // 10 if (m["d2"] or m["d3"]) else (1900 + two) // 10
        if m["dw"] and 2000 + two <= doc.dct.year - 10 and two < 3:
            d = (2000 + two) // 10
    p = ("decade", d)
    return Resolution("DATE", period_value(p), period_mod(m), p, "explicit" if m["d4"] else "relative")


def _h_century(doc: Doc, m: re.Match) -> Resolution | None:
    """ "the 21st century", "the twentieth century"."""
    o = m["ord"].lower()
    n = day_number(o)
    if not n or n > 22:
        return None
    p = ("century", -(n - 1) if m["era"] else n - 1)   # "the 4th century BC": 400-301 BC, BC03
    if m["era"] and n == 1:
        return None   # the 1st century BC has no TIMEX3 value of its own ("BC00")
    return Resolution("DATE", period_value(p), period_mod(m), p, "explicit")


# Words before "that summer" when it is a season ("later that summer", "in that winter").
THAT_SEASON_BEFORE = frozenset({"later", "earlier", "in", "during", "by", "until", "since", "of",
                                "through", "throughout", "over", "and", "before", "after"})


def _h_season(doc: Doc, m: re.Match) -> Resolution | None:
    """ "the summer", "last winter", "spring 2020", "every fall": seasons."""
    code = doc.lx.season_of.get(m["season"].lower())
    if code is None:
        return None
    rel = re.sub(r"\s+", " ", (m["rel"] or "").lower())
    word = m["season"].lower()
    if m["season"].isupper():
        return None
    if rel in ("every", "each"):
        return Resolution("SET", "XXXX-" + code, "", None, "")
    explicit = m["year"] or m["sy"] or m["bcy"]
    if rel in ("that same", "the same"):
        rel = "that"
    if rel == "that" and not explicit and not m["ry"] and not m["pmod"] and \
            m["rel"][:1].islower() and " " not in m["rel"].strip() and doc.prev_word(m.start()) not in THAT_SEASON_BEFORE:
        return None   # "goods that fall outside the rules": a relative clause, not a season
    if rel == "that" and not explicit and not m["ry"] and doc.anchor is not None:
        # "that winter": the season of the year the story is at
        y = doc.anchor[1] if start_month(doc.anchor) is not None else period_range(doc.anchor)[0].year
        p = ("season", y, code)
        return Resolution("DATE", period_value(p), period_mod(m), p, "narrative")
    if not explicit and not m["ry"] and rel in ("", "the", "that") and not m["pmod"]:
        pw = doc.prev_word(m.start())
        if pw not in doc.lx.time_preps and pw != "over":
            return None
        if word == "fall" and (rel != "the" or doc.next_word(m.end()) in ("of", "in")):
            return None
        if rel == "" and word == "fall":
            return None
    if word == "fall" and doc.next_word(m.end()) == "of" and not explicit:
        return None
    if not explicit and m["season"][:1].isupper() and doc.text[m.end():m.end() + 2].strip()[:1].isupper():
        return None  # "the Summer Olympics", "Spring Festival": part of a name
    basis = "relative"
    if m["year"]:
        y, basis = int(m["year"]), "explicit"
    elif m["bcy"]:
        y, basis = -int(m["bcy"]), "explicit"   # "autumn of 481 BC"
    elif m["sy"]:
        y, basis = spelled_year(m["sy"]), "explicit"
        if y is None:
            return None
    elif m["ry"]:
        off = REL_YEAR.get(m["ry"].lower())
        if off is None:
            return None
        y = doc.dct.year + off
    else:
        y = resolve_season(doc, code, rel, doc.tense(m.start(), m.end()))
        doc.bare = rel in ("", "the")
        sy = story_season_year(doc, code) if doc.bare else None
        if sy is not None and choose(doc, m.start(), m.end(), ("season", y, code), ("season", sy, code)):
            y, basis = sy, "narrative"
    p = ("season", y, code)
    return Resolution("DATE", period_value(p), period_mod(m), p, basis)


def _h_weekof(doc: Doc, m: re.Match) -> Resolution | None:
    """ "the week of March 6": the week holding that day."""
    res = _h_md(doc, m)
    if res is None:
        return None
    d = period_range(res.period)[0]
    p = period_of(d, "week")
    return Resolution("DATE", period_value(p), "", p, res.basis)


def _h_weekofmonth(doc: Doc, m: re.Match) -> Resolution | None:
    """ "the first week of February": the ISO week holding that part of the month."""
    res = _h_my(doc, m) if (m["year"] or m["sy"] or m["ry"]) else _h_month(doc, m)
    if res is None or res.period is None:
        return None
    first, last = period_range(res.period)
    nth = m["nth"].lower()
    k = 0 if nth in ("last", "final") else doc.lx.ordinal_of.get(nth)
    if k is None:
        return None
    # the middle of that seven-day stretch decides the ISO week
    d = last - timedelta(days=3) if not k else first + timedelta(days=7 * (k - 1) + 3)
    if d > last:
        return None
    p = period_of(d, "week")
    return Resolution("DATE", period_value(p), "", p, res.basis)


def _h_relunit(doc: Doc, m: re.Match) -> Resolution | None:
    """ "last week", "this month", "the following year", "the next decade"."""
    rel = re.sub(r"\s+", " ", m["rel"].lower())
    unit = m["unit"].lower()
    if m["unit"][:1].isupper() and not m["unit"].isupper() and is_titled(doc, m, "rel"):
        return None
    if rel in ("the same", "that") and unit not in ("year", "month", "week"):
        return None
    if rel in ("the last", "the first") and doc.next_word(m.end()) == "of":
        return None   # "the last month of World War II": a part of an event, not a date
    if unit in ("decade", "century") and not m["pmod"] and rel in ("the past", "past"):
        # "in the past decade": the stretch up to now, counted in decades (P1DE)
        return Resolution("DURATION", duration_value(1, unit, in_units=True), "", None, "")
    if unit in ("decade", "century") and not m["pmod"] and doc.prev_word(m.start()) in (
            "over", "for", "throughout", "within", "through"):
        # "over the next decade" is a stretch of time, not a date
        return Resolution("DURATION", duration_value(1, unit), "", None, "")
    if rel in ("the following", "the next", "following", "the previous", "the prior", "the preceding",
               "the same", "that"):
        base = _story_base(doc) or period_of(doc.dct, "day")
        n = {"the following": 1, "following": 1, "the next": 1, "the previous": -1,
             "the prior": -1, "the preceding": -1}.get(rel, 0)
        p = _step(base, unit, n)
        if p is None:
            return None
        return Resolution("DATE", period_value(p), period_mod(m), p, "narrative")
    n = {"this": 0, "current": 0, "the current": 0, "the present": 0, "this past": -1, "last": -1,
         "the last": -1, "past": -1, "the past": -1, "previous": -1, "latest": -1, "the latest": -1,
         "next": 1, "coming": 1, "the coming": 1, "this coming": 1}.get(rel, 0)
    cur = period_of(doc.dct, unit)
    p = shift(cur, n, unit) if n else cur
    mod = period_mod(m)
    return Resolution("DATE", period_value(p), mod, p, "relative")


def _h_theunit(doc: Doc, m: re.Match) -> Resolution | None:
    """ "in the year", "during the week", "the weekend": the unit the story is in."""
    unit = m["unit"].lower()
    if unit in ("decade", "century"):
        if not m["pmod"] or doc.anchor is None:
            return None
        # "by the end of the decade": the decade the story is in
        p = _step(doc.anchor, unit, 0)
        if p is None:
            return None
        return Resolution("DATE", period_value(p), period_mod(m), p, "narrative")
    pw = doc.prev_word(m.start())
    if unit == "weekend":
        t = doc.tense(m.start(), m.end())
        d = doc.dct + timedelta(days=(6 - doc.dct.isoweekday()) % 7) if t == "future" else \
            doc.dct - timedelta(days=(doc.dct.isoweekday() - 6) % 7 if doc.dct.isoweekday() >= 6 else doc.dct.isoweekday() + 1)
        p = period_of(d, "weekend")
        return Resolution("DATE", period_value(p), period_mod(m), p, "relative")
    nw = doc.next_word(m.end())
    if not m["pmod"] and (pw in ("over", "throughout", "through", "all") or nw in ("ended", "ending", "to")):
        # "the year ended Sept. 30", "over the year": a stretch of time
        return Resolution("DURATION", duration_value(1, unit), "", None, "")
    if pw not in ("in", "during", "this", "of", "for", "into", "until", "by", "over", "since", "through") and not m["pmod"]:
        return None
    if unit == "year":
        # "during the latter part of the year": the story's year or the dct's
        y, basis = _year_of_story(doc, m, doc.dct.year)
        return Resolution("DATE", period_value(("year", y)), period_mod(m), ("year", y), basis)
    if unit == "quarter" and doc.quarter is not None:
        # "during the quarter" in earnings news: the quarter reported on, not the year-ago one
        # compared with just before
        return Resolution("DATE", period_value(doc.quarter), period_mod(m), doc.quarter, "narrative")
    if doc.anchor is not None:
        base, basis = doc.anchor, "narrative"
    else:
        base, basis = period_of(doc.dct, "day"), "relative"
    p = _step(base, unit, 0)
    if p is None:
        return None
    return Resolution("DATE", period_value(p), period_mod(m), p, basis)


def _pod_suffix(pod: str | None) -> str:
    """TIMEX3 part-of-day suffix ("TMO" for "morning"), or "" without one."""
    if not pod:
        return ""
    return "T" + lexicon().pod_of.get(pod.lower(), "")


def _h_relday(doc: Doc, m: re.Match) -> Resolution | None:
    """ "today", "yesterday morning", "last night", "the day after tomorrow"."""
    d = doc.dct
    if m["day"] and is_titled(doc, m, "day"):
        return None
    if m["day"]:
        w = m["day"].lower()
        off = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}.get(w)
        if off is None:
            return None
        pod = m["pod"] or ("night" if w == "tonight" else None)
    elif m["ba"]:
        off, pod = (-2 if m["ba"].lower().startswith("before") else 2), None
    else:
        w = m["this"].lower()
        pod = m["pod2"]
        off = {"this": 0, "tomorrow": 1, "last": -1}.get(w)
        if off is None:
            return None
        if w == "last" and pod.lower() != "night":
            return None
    x = d + timedelta(days=off)
    p = ("day", x.year, x.month, x.day)
    if pod:
        return Resolution("TIME", period_value(p) + _pod_suffix(pod), period_mod(m), p, "relative")
    return Resolution("DATE", period_value(p), period_mod(m), p, "relative")


def _h_weekday(doc: Doc, m: re.Match) -> Resolution | None:
    """ "Friday", "last Friday", "that Monday", "Sunday night", "Mondays" (a set)."""
    wd = doc.lx.weekday_of[m["wd"].lower()]
    rel = re.sub(r"\s+", " ", (m["rel"] or "").lower())
    if m["pl"] or rel in ("every", "each") or m["pl2"]:
        return Resolution("SET", "XXXX-WXX-%d" % wd + _pod_suffix(m["pod"]), "", None, "")
    if rel in ("the following", "the next", "that", "the previous"):
        # relative to the day the story is at, not to the publication date
        base = doc.last_day or doc.dct
        if rel == "the previous":
            x = base - timedelta(days=(base.isoweekday() - wd) % 7 or 7)
        else:
            diff = (wd - base.isoweekday()) % 7 or (7 if rel != "that" else 0)
            x = base + timedelta(days=diff)
        basis = "narrative"
    else:
        x = resolve_weekday(doc, wd, doc.tense(m.start(), m.end()), rel, doc.cue(m.start(), m.end()).deferred)
        basis = "relative"
    p = ("day", x.year, x.month, x.day)
    if m["pod"]:
        return Resolution("TIME", period_value(p) + _pod_suffix(m["pod"]), period_mod(m), p, basis)
    return Resolution("DATE", period_value(p), period_mod(m), p, basis)


def _h_time(doc: Doc, m: re.Match) -> Resolution | None:
    """ "5 p.m.", "10:30 EST", "noon", "at 5 p.m. Tuesday": clock times."""
    if m["noon"]:
        if doc.prev_word(m.start()) == "high" or is_titled(doc, m, "noon"):
            return None  # "high noon", "High Noon" (a film)
        h, mi = {"noon": 12, "midday": 12, "midnight": 0}.get(m["noon"].lower()), 0
        if h is None:
            return None
    elif m["h"]:
        h, mi = int(m["h"]), int(m["mi"] or 0)
        if not 1 <= h <= 12:
            return None
        pm = m["ampm"].lower().startswith("p")
        h = (h % 12) + (12 if pm else 0)
    else:
        h, mi = int(m["h2"]), int(m["mi2"])
        pw = doc.prev_word(m.start())
        if not (m["tz"] or pw in ("at", "by", "until", "from", "before", "after", "around", "about", "since", "till", "to")):
            return None  # "3:2" is a score or a ratio more often than a time
    if h > 23 or mi > 59:
        return None
    ref = (m["dayref"] or "").lower()
    if ref:
        if ref in ("today", "yesterday", "tomorrow"):
            x = doc.dct + timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[ref])
        elif ref.rstrip(".") in doc.lx.weekday_of:
            x = resolve_weekday(doc, doc.lx.weekday_of[ref], doc.tense(m.start(), m.end()),
                                deferred=doc.cue(m.start(), m.end()).deferred)
        else:
            mm = re.match(r"([a-z]+)\.?\s+(\d+)", ref)
            if mm is None:
                return None  # "yeſterday"
            mo, day = month_number(mm.group(1)), int(mm.group(2))
            y, basis = _month_year(doc, m, mo)
            x = date(y, mo, day)
        if ref.rstrip(".") in doc.lx.weekday_of or ref in ("today", "yesterday", "tomorrow"):
            basis = "relative"
    elif (on := doc.lx.day_after.match(doc.text, m.end())) is not None:
        # "At 5:34 AM Baghdad time on March 20, 2003": the day is written after the time
        x, basis = date(int(on["year"]), month_number(on["month"]), int(on["day"])), "explicit"
    else:
        x = doc.last_day or doc.dct
        basis = "narrative" if doc.last_day else "relative"
    p = ("day", x.year, x.month, x.day)
    return Resolution("TIME", period_value(p) + "T%02d:%02d" % (h, mi), approx_mod(m) or period_mod(m), p, basis)


HOLIDAY_WEEK = re.compile(r"\s+week(?![\w-])")


def _h_holiday(doc: Doc, m: re.Match) -> Resolution | None:
    """ "Christmas", "last Thanksgiving", "Easter 2020": named holidays."""
    name = re.sub(r"\s+", " ", m["hol"].lower().replace("\u2019", "'"))
    if not m["hol"][:1].isupper() or not is_holiday(name):
        return None
    rel = re.sub(r"\s+", " ", (m["rel"] or "").lower())
    wk = HOLIDAY_WEEK.match(doc.text, m.end()) if not m["year"] else None
    if wk is not None:
        # "Easter week", "Christmas week": the week holding the holiday; the one under way
        # when the dct falls in it, whatever the tense ("as Easter week began")
        this = holiday_date(name, doc.dct.year)
        if period_of(this, "week") != period_of(doc.dct, "week"):
            t = doc.tense(m.start(), m.end())
            if (rel in ("last", "this past") or (not rel and t == "past")) and this > doc.dct:
                this = holiday_date(name, doc.dct.year - 1)
            elif (rel in ("next", "this coming") or (not rel and t == "future")) and this < doc.dct:
                this = holiday_date(name, doc.dct.year + 1)
        p = period_of(this, "week")
        return Resolution("DATE", period_value(p), period_mod(m), p, "relative", (m.start(), wk.end()))
    if m["year"]:
        p_d, basis = holiday_date(name, int(m["year"])), "explicit"
    else:
        basis = "relative"
        y = doc.dct.year
        this = holiday_date(name, y)
        t = doc.tense(m.start(), m.end())
        if rel in ("last", "this past") or (not rel and t == "past"):
            p_d = this if this <= doc.dct else holiday_date(name, y - 1)
        elif rel in ("next", "this coming") or (not rel and t == "future"):
            p_d = this if this >= doc.dct else holiday_date(name, y + 1)
        else:
            p_d = this
    p = ("day", p_d.year, p_d.month, p_d.day)
    return Resolution("DATE", period_value(p), period_mod(m), p, basis)


def _h_ago(doc: Doc, m: re.Match) -> Resolution | None:
    """ "three years ago", "two days later", "a week earlier": offsets from now or the story."""
    unit = unit_name(m["unit"])
    if unit not in DUR_UNITS:
        return None
    n = parse_number(m["num"])
    direction = re.sub(r"\s+", " ", m["dir"].lower())
    if direction in ("before", "after", "since"):
        # "two days before" at the end of a clause: relative to the narrative anchor
        nxt = doc.text[m.end():m.end() + 3]
        if direction == "since" or (nxt.strip()[:1].isalnum()):
            return None
    sign = -1 if direction in ("ago", "earlier", "before", "back") else 1
    amod = approx_mod(m)
    if n is None:
        return Resolution("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", amod, None, "relative")
    if unit in ("second", "minute", "hour"):
        return Resolution("DURATION", duration_value(n, unit), amod, None, "")
    narrative = direction in ("earlier", "later", "before", "after")
    if direction == "ago" and doc.focus is not None and unit in ("year", "decade", "century", "month") \
            and doc.cue(m.start(), m.end()).perfect:
        # "he said Kissinger had tricked him into signing two years ago": reported from the
        # story's time, so counted back from it
        narrative = True
    if unit == "year" and n == 1 and doc.quarter is not None and m.start() - doc.quarter_pos < QUARTER_REACH:
        # earnings idiom: "compared with a year earlier/ago" means the same quarter last year
        # (or the same months of last year: "for the nine months, ... a year earlier")
        if _year_to_date(doc, m.start()):
            p = ("year", doc.quarter[1] - 1)
            return Resolution("DATE", period_value(p), amod, p, "narrative")
        p = shift(doc.quarter, -1, "year")
        return Resolution("DATE", _reported_value(doc, p), amod, p, "narrative")
    if narrative and unit in ("day", "night", "week") and doc.last_day is not None:
        base, basis = ("day", doc.last_day.year, doc.last_day.month, doc.last_day.day), "narrative"
    elif narrative and direction == "ago":
        base, basis = doc.focus.period, "narrative"
    elif narrative and _story_base(doc) is not None:
        base, basis = _story_base(doc), "narrative"
    else:
        base, basis = period_of(doc.dct, "day"), "relative"
    ni = int(round(n * (10 if unit == "decade" else 100 if unit == "century" else 1)))
    u = "year" if unit in ("decade", "century") else ("day" if unit == "night" else unit)
    if unit == "half":
        return None
    if basis == "narrative" and base[0] == "day" and u in ("day", "week"):
        p = shift(base, sign * ni, u)   # "two weeks later" than a day is a day
    else:
        p = _step(base, u, sign * ni)
    if p is None:
        return None
    return Resolution("DATE", period_value(p), amod, p, basis)


def _h_duration(doc: Doc, m: re.Match) -> Resolution | None:
    """ "three years", "about two weeks", "12-18 months", "a five-year plan"."""
    unit = unit_name(m["unit"])
    if unit not in DUR_UNITS:
        return None
    num = m["num"].lower()
    n = parse_number(num)
    if m["half"] and n is not None:
        n += 0.5   # "a year and a half"
    det = re.sub(r"\s+", " ", (m["det"] or "").lower()).strip()
    nw = doc.next_word(m.end())
    if m["unit"][:1].isupper() and m["num"][:1].isupper() and is_titled(doc, m, "num"):
        return None  # "the Thirty Years' War", "Six Days of the Condor": a name
    if nw == "old" or (unit == "quarter" and nw == "of"):
        return None  # ages ("52 years old") and fractions ("three-quarters of") are not times
    if num in ("a", "an") and not det and is_rate(doc, m.start()):
        return None  # "$2 million a year", "700 seats a week": a rate, not a stretch of time
    if num in ("a", "an") and unit in ("second", "minute") and not det:
        nxt = doc.text[m.end():m.end() + 12].lstrip().lower()
        if not (nxt[:1] in ",.;:!?)" or nxt.startswith(("later", "earlier", "ago", "longer", "or", "and"))):
            return None  # "a second time", "wait a minute"
    if num in ("a", "an") and det.startswith("a "):
        return None
    if unit == "weekend" and num in ("a", "an"):
        return None  # "after a weekend of accusations"
    if n is not None and (n > 100000 or (n >= 1000 and num[:1].isdigit() and "," not in num)):
        return None  # "the 1988 quarter" names a year, not 1988 quarters ("1,000 days" is a count)
    if det.startswith("the same") or det.startswith("the other"):
        return None
    if det in ("the",) and n is not None and doc.next_word(m.end()) in ("of",) and unit == "year":
        return None
    if unit == "quarter" and n is not None and n == int(n) and not det and num in ("a", "one"):
        return None  # "a quarter" is a fraction more often than three months
    if unit == "half":
        return None
    amod = approx_mod(m)
    if m["upto"]:
        # "two to three weeks", "12-18 months": at least the lower bound
        hi = parse_number(re.sub(r"^\s*(?:to|or)\s+|^\s*[-\u2013]\s*", "", m["upto"].lower()))
        if n is None or hi is None or hi <= n:
            return None
        amod = amod or "EQUAL_OR_MORE"
    # "the past decade", "the last two centuries": counted in decades and centuries
    val = duration_value(n, unit, in_units=det in ("the past", "the last", "past", "last"))
    if det in ("a", "an") and (num[:1].isdigit() or num.split()[0] in doc.lx.number_of) and num not in ("a", "an"):
        # "a five-year low": the article belongs to the noun phrase, not the duration
        return Resolution("DURATION", val, amod, None, "", (m.start("num"), m.end()))
    return Resolution("DURATION", val, amod, None, "")


def _h_pluralunit(doc: Doc, m: re.Match) -> Resolution | None:
    """ "for years", "in recent years", "the coming months": vague stretches."""
    unit = unit_name(m["unit"])
    det = re.sub(r"\s+", " ", (m["det"] or "").lower()).strip()
    tail = (m["tail"] or "").lower()
    pw = doc.prev_word(m.start())
    if not det and not tail and pw not in ("for", "in", "over", "within", "took", "take", "takes", "lasted", "last", "spent", "wait", "waited"):
        return None
    if det.endswith(("recent", "past", "last")) and unit == "year" and not tail:
        return Resolution("DATE", "PAST_REF", "", None, "relative")
    if pw == "in" and not det and unit not in ("year", "decade", "century", "month"):
        return None
    if det.startswith(("early", "the early", "later", "the later")):
        return None  # "the early hours of Thursday": part of a day, not a stretch
    return Resolution("DURATION", duration_value(None, unit), "", None, "")


# "annually", "quarterly" are left out: annotated news tags them less often than not.
# A recurrence written as one adverb ("daily", "weekly") is a calendar value with that part
# unspecified (TIMEX3 SET "XXXX-XX-XX" for "daily"), not a duration; "every day", "each month",
# "every two years" keep the unit as a period ("P1D", "P1M", "P2Y"), one convention for all units.
SET_ADV = {"daily": "XXXX-XX-XX", "weekly": "XXXX-WXX", "monthly": "XXXX-XX", "yearly": "XXXX",
           "hourly": "PT1H", "nightly": "XXXX-XX-XXTNI", "biweekly": "P2W", "fortnightly": "P2W"}


def _h_set(doc: Doc, m: re.Match) -> Resolution | None:
    """ "daily", "twice a week", "every two years", "every Friday": recurring times."""
    if m["adv"]:
        value = SET_ADV.get(m["adv"].lower())
        return None if value is None else Resolution("SET", value, "", None, "")
    if m["freq"]:
        unit = unit_name(m["unit"])
        if unit not in DUR_UNITS:
            return None
        return Resolution("SET", duration_value(1, unit), "", None, "")
    if m["unit2"]:
        unit = unit_name(m["unit2"])
        if m["q"].lower() == "per":   # "instructions per second", "$5 per day": a rate
            return None
        n = parse_number(m["num"]) if m["num"] else 1
        if unit not in DUR_UNITS:
            return None
        return Resolution("SET", duration_value(n if n else 1, unit), "", None, "")
    if m["wd"]:
        return Resolution("SET", "XXXX-WXX-%d" % doc.lx.weekday_of[m["wd"].lower()], "", None, "")
    if m["month"]:
        return Resolution("SET", "XXXX-%02d" % month_number(m["month"]), "", None, "")
    if m["season"]:
        code = doc.lx.season_of.get(m["season"].lower())
        return None if code is None else Resolution("SET", "XXXX-" + code, "", None, "")
    return None


REF_VALUE = {
    "right now": "PRESENT_REF", "just now": "PRESENT_REF", "now": "PRESENT_REF",
    "currently": "PRESENT_REF", "current": "PRESENT_REF", "nowadays": "PRESENT_REF",
    "these days": "PRESENT_REF", "the present": "PRESENT_REF", "at present": "PRESENT_REF",
    "the time being": "PRESENT_REF", "recently": "PAST_REF", "recent": "PAST_REF",
    "lately": "PAST_REF", "the past": "PAST_REF", "previously": "PAST_REF", "formerly": "PAST_REF",
}


SENTENCE_START = re.compile(r"(?:\A|[.!?:;\n]|[.!?]['\"\u201d]+)[\s\"'`\u201c]*\Z")


def _h_ref(doc: Doc, m: re.Match) -> Resolution | None:
    """ "now", "currently", "recently", "the future": PRESENT/PAST/FUTURE_REF."""
    w = re.sub(r"[\s-]+", " ", m["ref"].lower())
    if m["ref"].isupper() and len(m["ref"]) > 1:
        return None  # "ON NOW" banners, headlines
    if w == "current":
        nw = doc.next_word(m.end())
        if nw in ("account", "accounts", "affairs", "events", "flow", "flows", "of", "and", "is", "was") or not nw:
            return None
    if w == "now" and doc.text.startswith(",", m.end()) and SENTENCE_START.search(doc.text, max(0, m.start() - 4), m.start()):
        return None  # "Now, he says, ...": a sentence-opening discourse marker, not a time
    nw = doc.next_word(m.end())
    if w == "the past" and (parse_number(nw or "x") is not None or nw in ("few", "several", "couple")):
        return None  # "the past three summers" is a stretch, not the past at large
    v = REF_VALUE.get(w, "FUTURE_REF")
    return Resolution("DATE", v, "", None, "relative")


def _month_of_day(doc: Doc, m: re.Match) -> tuple | None:
    """The month a day-unit narrative expression lies in when its day is not known: the month
    written right after it ("the same day in September 2021"), or the story's month when the
    story has moved to a month since the last day mentioned."""
    after = doc.lx.month_year_after.match(doc.text, m.end())
    if after:
        return ("month", int(after["year"]), month_number(after["month"]))
    if doc.day_month_until is not None and m.start() > doc.day_month_until:
        return None
    return doc.day_month


def _h_narr(doc: Doc, m: re.Match) -> Resolution | None:
    """ "the next day", "that morning", "the previous week": relative to the story's date."""
    det = re.sub(r"\s+", " ", m["det"].lower())
    unit = m["unit"].lower()
    n = {"the following": 1, "the next": 1, "the previous": -1, "the preceding": -1, "the prior": -1}.get(det, 0)
    pod = unit if unit in ("morning", "afternoon", "evening", "night") else None
    if pod or unit == "day":
        month = _month_of_day(doc, m)
        if month is not None:
            # "on the same day in September 2021", "that same day" in a story at June 479 BC:
            # a day of a known month, which day not said
            v = period_value(month) + "-XX" + (_pod_suffix(pod) if pod else "")
            return Resolution("TIME" if pod else "DATE", v, period_mod(m), month, "narrative")
    if (pod or unit == "day") and doc.last_day is not None:
        ds = doc.last_day   # "the next morning": the day the story is at
        if ds > doc.dct and doc.past_day is not None and doc.tense(m.start(), m.end()) == "past":
            ds = doc.past_day   # a past event is not told against a day still to come
    elif (pod or unit == "day") and n == 0:
        return None         # "that day" with no day mentioned before: nothing to point at
    elif is_bc(doc.anchor):
        p = _step(doc.anchor, unit, n)   # "the following year" of a story in 490 BC
        if p is None or pod:
            return None
        return Resolution("DATE", period_value(p), period_mod(m), p, "narrative")
    else:
        ds = period_range(doc.anchor or period_of(doc.dct, "day"))[0]
    u = "day" if pod else unit
    if u in ("week", "weekend", "month", "year") and n:
        # "the next week" may be a stretch ("over the next week"): keep only clear date uses
        if doc.prev_word(m.start()) in ("over", "for", "within", "throughout"):
            return Resolution("DURATION", duration_value(1, u), "", None, "")
    p = shift(period_of(ds, u), n, u) if n else period_of(ds, u)
    if p is None:
        return None  # "the next mornıng"
    if pod and n == 0 and det == "that":
        return Resolution("TIME", period_value(p) + _pod_suffix(pod), period_mod(m), p, "narrative")
    if pod:
        return Resolution("TIME", period_value(p) + _pod_suffix(pod), period_mod(m), p, "narrative")
    return Resolution("DATE", period_value(p), period_mod(m), p, "narrative")


def _h_night(doc: Doc, m: re.Match) -> Resolution | None:
    """ "at night", "night-time", "night raids": the night of no particular day."""
    return Resolution("TIME", "XXXX-XX-XXTNI", "", None, "")


def _h_daybefore(doc: Doc, m: re.Match) -> Resolution | None:
    """ "the day before.", "the week after.": a step from the story's date."""
    unit = m["unit"].lower()
    base = doc.anchor or period_of(doc.dct, "day")
    u = "day" if unit == "night" else unit
    n = -1 if m["ba"].lower() == "before" else 1
    p = _step(base, u, n)
    if p is None:
        return None  # "the nıght before"
    return Resolution("DATE", period_value(p), "", p, "narrative")


HANDLERS = {
    "iso": _h_iso, "numeric": _h_numeric, "isoweek": _h_isoweek, "mdy": _h_md, "dmy": _h_md,
    "my": _h_my, "month": _h_month, "quarter": _h_quarter, "qcode": _h_qcode,
    "yearearlier": _h_yearearlier, "yearend": _h_yearend, "year": _h_year, "bcyear": _h_bcyear,
    "spelledyear": _h_spelledyear, "decade": _h_decade, "century": _h_century,
    "season": _h_season, "relunit": _h_relunit, "theunit": _h_theunit, "relday": _h_relday,
    "weekday": _h_weekday, "time": _h_time, "holiday": _h_holiday, "ago": _h_ago,
    "duration": _h_duration, "pluralunit": _h_pluralunit, "set": _h_set, "ref": _h_ref,
    "narr": _h_narr, "daybefore": _h_daybefore, "podof_md": _h_podof, "podof_dm": _h_podof,
    "night": _h_night, "weekof": _h_weekof, "weekofmonth": _h_weekofmonth, "period": _h_period,
}


def resolve(doc: Doc, rule: str, m: re.Match) -> Resolution | None:
    """Run the handler of ``rule`` on match ``m``; None when it rejects the match."""
    doc.pos, doc.choice, doc.bare = m.start(), None, False
    try:
        return HANDLERS[rule](doc, m)
    # Only the calendar's own refusals mean "no such date" on odd input: February 30, year 0,
    # week 53 of a 52-week year, a year past 9999 (ValueError); a date before year 1 or after
    # 9999, an offset of 10**9 days, a float too big for an int (OverflowError). Anything else
    # is a bug and must fail loudly.
    except (ValueError, OverflowError):
        return None
