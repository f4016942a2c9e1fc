"""Temporal tagger: finds DATE/TIME/DURATION/SET expressions and normalises them to TIMEX3.

Detection is a set of compiled regexes (pipeline/timex_lex.py, word lists in data/timex/); every
rule scans the text near its trigger words, overlapping candidates keep the longest, and each
survivor is resolved in text order so that narrative expressions ("the following day") see the
last date mentioned. Underspecified expressions ("Thursday", "March", "the third quarter") are
resolved against the document creation time using the tense of the clause around them.

The rooms: pipeline/timex_calendar.py (periods, holidays, durations), timex_context.py (words,
numbers, tense and the per-document state), timex_rules.py (one handler per rule); this module
finds the candidates, picks among them and builds the ``Timex`` records.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date, timedelta
from typing import NamedTuple

from pipeline.records import Timex
from pipeline.timex_anchor import BACKWARD, COMPARISON_RULES, note
from pipeline.timex_calendar import PRECISION_OF, is_bc, period_range, period_of, period_value, rest_of_period
from pipeline.timex_context import Doc
from pipeline.timex_lex import FOLD_ODD, lexicon
from pipeline.timex_rules import Resolution, resolve

__all__ = ["tag_timexes"]


class Candidate(NamedTuple):
    """One match of one rule."""

    start: int
    end: int
    priority: int             # the rule's index: on equal length the earlier rule wins
    rule: str
    match: re.Match


ANCHOR_KINDS = frozenset({"day", "week", "weekend", "month", "quarter", "season", "year"})


TOKEN_RE = re.compile(r"[a-z]+|[0-9]+")
BACK, AHEAD = 48, 64   # how far a match may reach before / after its trigger token (chars)


def _candidates(text: str) -> list[Candidate]:
    """All non-empty rule matches, each rule run only in windows around its trigger tokens."""
    # A trigger is a month name, a unit word, a digit...: running each rule only near one keeps
    # the tagger fast on text that is mostly not about time, and finds every match (each match
    # holds one of its rule's triggers, which a test checks).
    lx = lexicon()
    low = text.lower()
    if len(low) != len(text):  # rare characters whose lower case is longer: keep offsets
        low = "".join(ch.lower()[:1] or ch for ch in text)
    spans: dict[int, list] = {}
    trig, digit_rules = lx.triggers, lx.digit_rules
    for tm in TOKEN_RE.finditer(low):
        w = tm.group()
        rules = digit_rules if w[0].isdigit() else trig.get(w)
        if rules:
            s, e = tm.span()
            for r in rules:
                spans.setdefault(r, []).append((s, e))
    n = len(text)
    out = []
    lower_gates = text.isascii() or not any(ch in text for ch in FOLD_ODD)
    for r, hits in spans.items():
        name, rx = lx.rules[r]
        gate = lx.gates[r]
        if gate is not None:
            gate, on_lower = gate
            if on_lower and not lower_gates:
                gate = None
            gate_text = low if on_lower else text
        ws, we = -1, -1
        windows = []
        for s, e in hits:
            a, b = max(0, s - BACK), min(n, e + AHEAD)
            if a <= we:
                we = max(we, b)
            else:
                if we > 0:
                    windows.append((ws, we))
                ws, we = a, b
        if we > 0:
            windows.append((ws, we))
        for a, b in windows:
            # end the window at a word boundary so that no lookahead sees a cut word
            while b < n and (text[b].isalnum() or text[b] in "-'."):
                b += 1
            if gate is not None and gate.search(gate_text, a, b) is None:
                continue   # no match of the rule can lie here
            for m in rx.finditer(text, a, b):
                if m.end() > m.start():
                    out.append(Candidate(m.start(), m.end(), r, name, m))
    return out


def tag_timexes(text: str, dct: date) -> list[Timex]:
    """Find and normalise the time expressions of ``text`` relative to ``dct``."""
    if not isinstance(text, str) or not text:
        return []
    if not isinstance(dct, date):
        dct = date.today()
    doc = Doc(text, dct)
    cands = _candidates(text)
    out: list[Timex] = []
    # Longest candidates first (earlier rule on ties); a rejected candidate frees its span for
    # shorter ones. Survivors are then resolved again in text order, so that narrative
    # expressions see the dates mentioned before them.
    pending = sorted(cands, key=lambda c: (c.start - c.end, c.priority, c.start))
    # while choosing, narrative expressions get a stand-in anchor (the real one comes later)
    doc.anchor, doc.last_day = period_of(dct, "day"), dct
    chosen = []
    taken: list[tuple[int, int]] = []
    for c in pending:
        s, e = c.start, c.end
        if _overlaps(taken, s, e):
            continue
        if resolve(doc, c.rule, c.match) is None:
            continue
        taken.insert(bisect_right(taken, (s, 10**12)), (s, e))
        chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    doc.anchor = doc.last_day = doc.focus = None
    doc.past_day = doc.day_month = doc.day_month_until = None
    for c in chosen:
        res = resolve(doc, c.rule, c.match)  # again, in text order, so the narrative anchor is right
        if res is None:
            continue
        tx = _build(doc, c, res)
        if tx is not None:
            out.append(tx)
            if (tx.precision == "day" and c.rule in ("mdy", "dmy")) or (c.rule == "year" and not tx.mod):
                extra = _coordinated_day(doc, tx) if tx.precision == "day" else _year_range_end(doc, tx)
                if extra is not None and not _overlaps(taken, extra.start, extra.end):
                    out.append(extra)
            if c.rule == "bcyear" and tx.value.startswith("BC"):
                first = _bc_range_first_year(doc, tx)
                if first is not None and not _overlaps(taken, first.start, first.end):
                    out.insert(len(out) - 1, first)
            if tx.precision == "day" and c.rule == "dmy":
                first = _range_first_day(doc, tx)
                if first is not None and not _overlaps(taken, first.start, first.end):
                    out.insert(len(out) - 1 - (out[-1] is not tx), first)
    return out


def _overlaps(taken: list, s: int, e: int) -> bool:
    """True when [s, e) overlaps one of the sorted, disjoint spans in ``taken``."""
    i = bisect_right(taken, (s, 10**12))
    return (i > 0 and taken[i - 1][1] > s) or (i < len(taken) and taken[i][0] < e)


# ------------------------------------------------------------------------------------------
# Second halves of ranges: "April 24 and 25", "2010-2014"
# ------------------------------------------------------------------------------------------

COORD_DAY_RE = re.compile(r"\s*(?:and|or|to|through|-|\u2013)\s*(\d{1,2})(?:st|nd|rd|th)?\b(?![%.,]?\d|\s*(?:%|percent|million|billion|people|[ap]\.?m))")
YEAR_RANGE_RE = re.compile(r"\s*[-\u2013]\s*((?:1[0-9]|20|21)\d\d|\d\d)(?![\d%]|[.,]\d)")


def _year_range_end(doc: Doc, tx: Timex) -> Timex | None:
    """The second year of "2010-2014"."""
    m = YEAR_RANGE_RE.match(doc.text, tx.end)
    if not m or not tx.value.isdigit():
        return None
    y0, y = int(tx.value), int(m.group(1))
    if len(m.group(1)) == 2:   # "1995-96", "1947-54", "1999-00"
        y += y0 - y0 % 100 + (100 if y <= y0 % 100 else 0)
    if not y0 < y < y0 + 100:
        return None
    return Timex(start=m.start(1), end=m.end(1), text=m.group(1), type="DATE", value="%04d" % y,
                 date_start=date(y, 1, 1), date_end=date(y, 12, 31), precision="year",
                 basis="explicit", tense=tx.tense)


FIRST_DAY_RE = re.compile(r"(?<![\d.,/:-])(\d{1,2})(?:st|nd|rd|th)?\s*(?:-|\u2013|to|and|or)\s*\Z")


BC_FIRST_RE = re.compile(r"(?<![\d.,/:-])([1-9]\d{0,3})\s*(?:-|\u2013|to|and|or)\s*\Z")


def _bc_range_first_year(doc: Doc, tx: Timex) -> Timex | None:
    """The first year of "499-493 BC", "from 499 to 493 BC": the era is written after the range."""
    m = BC_FIRST_RE.search(doc.text, max(0, tx.start - 12), tx.start)
    if not m or int(m.group(1)) <= int(tx.value[2:6]):
        return None   # BC years count down: the first of the range is the larger number
    return Timex(start=m.start(1), end=m.end(1), text=m.group(1), type="DATE",
                 value="BC%04d" % int(m.group(1)), basis="explicit", tense=tx.tense)


def _range_first_day(doc: Doc, tx: Timex) -> Timex | None:
    """The first day of "6-7 February", "3 and 4 May", with the second one's month and year."""
    m = FIRST_DAY_RE.search(doc.text, max(0, tx.start - 12), tx.start)
    if not m:
        return None
    try:
        d = tx.date_start.replace(day=int(m.group(1)))
    except ValueError:
        return None
    if d >= tx.date_start:
        return None
    p = ("day", d.year, d.month, d.day)
    return Timex(start=m.start(1), end=m.end(1), text=m.group(1), type="DATE", value=period_value(p),
                 date_start=d, date_end=d, precision="day", basis=tx.basis, tense=tx.tense)


def _coordinated_day(doc: Doc, tx: Timex) -> Timex | None:
    """The second day of "April 24 and 25" / "May 3-5", with the first one's month and year."""
    m = COORD_DAY_RE.match(doc.text, tx.end)
    if not m:
        return None
    try:
        d = tx.date_start.replace(day=int(m.group(1)))
    except ValueError:   # "April 30 and 31"
        return None
    if d <= tx.date_start:
        return None
    p = ("day", d.year, d.month, d.day)
    return Timex(start=m.start(1), end=m.end(1), text=m.group(1), type="DATE", value=period_value(p),
                 date_start=d, date_end=d, precision="day", basis=tx.basis, tense=tx.tense)


# ------------------------------------------------------------------------------------------
# Building the record: TimeML extents, tense, and the narrative state
# ------------------------------------------------------------------------------------------

# Hedges that TimeML annotators leave outside the expression (the mod still records them).
OUTSIDE_AMOD = frozenset({"about", "only", "almost", "over", "just over", "just under", "barely",
                          "the better part of"})
THE_RE = re.compile(r"the\s+", re.I)


def _extent_start(c: Candidate, s: int) -> int:
    """Where the expression starts once hedges and articles outside TimeML extents are dropped."""
    name, m = c.rule, c.match
    gd = m.groupdict()
    amod = gd.get("amod")
    if amod and re.sub(r"\s+", " ", amod.strip().lower()) in OUTSIDE_AMOD and m.start("amod") == s:
        s = m.end("amod")
    if name in ("mdy", "dmy", "month", "decade", "my", "year"):
        # "the Aug. 7 bombings", "the 1990s": the article belongs to the noun phrase (annotated
        # corpora disagree on decades; AQUAINT leaves the article out)
        t = THE_RE.match(m.string, s, m.end())
        core = gd.get("month") and m.start("month") or gd.get("year") and m.start("year") or \
            gd.get("day") and m.start("day") or None
        if t and name != "decade" and core is not None and t.end() != core and not (name == "dmy" and gd.get("day")):
            t = None  # "the following December": the article goes with its modifier
        pm = gd.get("pmod")
        if t and not (name == "dmy" and " of " in m.group(0).lower()) and not (pm and m.start("pmod") == s):
            s = t.end()
    if name == "weekday" and gd.get("pmod") and gd["pmod"].lower() in ("earlier", "later"):
        t = re.compile(r"\w+[\s-]+").match(m.string, s)
        s = t.end() if t else s
    if name == "quarter" and gd.get("det") and gd["det"].lower() == "the" and \
            re.search(r"\w-quarter|\w-half", m.group(0), re.I):
        s = m.start("adj")  # "the third-quarter loss": an adjective, the article is the noun's
    if name == "yearearlier" and not gd.get("what"):
        t = THE_RE.match(m.string, s, m.end())
        s = t.end() if t else s
    if name == "duration" and gd.get("det") and "-" in m.string[m.start("num"):m.end()]:
        # "the eight-year war": an adjectival duration never takes the article
        s = max(s, m.start("num"))
    return s


def _comparison(c: Candidate, basis: str, text: str) -> bool:
    """Whether a narrative date compares rather than moves the story: "up 39% from a year
    earlier", "the year-ago quarter" (the next "a year earlier" still counts from the story)."""
    return basis == "narrative" and c.rule in COMPARISON_RULES and BACKWARD.search(text) is not None


NEWS_MONTH_REACH = 300   # chars after a month told against the dct within which a day is in it
DAY_BEFORE_AFTER = re.compile(r"(?<![\w-])day\s+(?P<ba>before|after)\s+\Z", re.I)


def _build(doc: Doc, c: Candidate, res: Resolution) -> Timex | None:
    """Make the Timex record and update the narrative state."""
    s, e = res.extent or (c.start, c.end)
    s = _extent_start(c, s)
    text = doc.text
    # a TimeML extent never starts or ends with a space
    while e > s and text[e - 1].isspace():
        e -= 1
    while s < e and text[s].isspace():
        s += 1
    typ, value, mod, period, basis = res.type, res.value, res.mod, res.period, res.basis
    ba = DAY_BEFORE_AFTER.search(text, max(0, s - 20), s) if typ == "DATE" and period is not None \
        and period[0] == "day" and not is_bc(period) else None
    if ba is not None:
        # "the day before last Tuesday", "the day after Christmas": one day off the day named
        # (TimeML leaves the article out: "the [day before last Tuesday]")
        d = date(*period[1:]) + timedelta(days=-1 if ba["ba"].lower() == "before" else 1)
        period = ("day", d.year, d.month, d.day)
        value, s = period_value(period), ba.start()
    ds = de = None
    precision = ""
    if is_bc(period):
        # before the common era: a TIMEX3 value and a story time, but no calendar range
        if period[0] in ANCHOR_KINDS or period[0] in ("decade", "century"):
            doc.anchor = period
        if period[0] == "month":
            doc.day_month, doc.day_month_until = period, None
    elif period is not None:
        try:
            ds, de = period_range(period)
        except (ValueError, OverflowError):   # off the calendar: "next year" said in 9999
            return None
        ds, de = rest_of_period(text[s:e], ds, de, mod, basis, doc.dct)
        precision = PRECISION_OF[period[0]]
        # Dates resolved against the dct only re-anchor the narrative when they name a day:
        # "a year earlier" after "last year" still means a year before the report.
        if period[0] in ANCHOR_KINDS and (basis in ("explicit", "narrative") or
                                          (basis == "relative" and period[0] in ("day", "month"))) \
                and not _comparison(c, basis, text[s:e]):
            doc.anchor = period
        if period[0] == "day":
            doc.last_day, doc.day_month, doc.day_month_until = ds, None, None
            if ds <= doc.dct:
                doc.past_day = ds
        elif period[0] == "month" and basis in ("explicit", "narrative") and c.rule != "narr":
            doc.day_month, doc.day_month_until = period, None
        elif period[0] == "month" and basis == "relative" and c.rule in ("month", "my") and \
                period[1:] != (doc.dct.year, doc.dct.month):
            # a named month told against the dct ("most recently last October, when ... was
            # crossed out that same day"): the days right after it are days of that month
            doc.day_month, doc.day_month_until = period, e + NEWS_MONTH_REACH
        if period[0] == "quarter" and c.rule in ("quarter", "qcode"):
            if basis != "narrative" and ds <= doc.dct:   # reports are about a past quarter
                doc.quarter = period
                doc.fiscal_quarter = c.rule == "quarter" and "fiscal" in (c.match["adj"] or "").lower()
            doc.quarter_pos = s
    note(doc, c.rule, s, e, period, basis, typ)
    confidence = 1.0 if doc.choice is None else round(0.5 + 0.5 * doc.choice.margin, 2)
    tense = ""
    if typ in ("DURATION", "SET"):
        basis = ""
    else:
        # a period wholly before or after the dct fixes the tense of a relative expression;
        # otherwise the clause decides, and the period only when the clause has no cue
        before_after = "" if ds is None or ds <= doc.dct <= de else ("past" if de < doc.dct else "future")
        cue = doc.clause_tense(s, e)
        if basis == "relative" and before_after:
            tense = before_after
        elif cue in ("past", "present", "future"):
            tense = cue
        else:
            tense = before_after or "present"
    return Timex(start=s, end=e, text=text[s:e], type=typ, value=value, mod=mod or "",
                 date_start=ds, date_end=de, precision=precision, basis=basis, tense=tense,
                 confidence=confidence)
