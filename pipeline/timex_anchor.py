"""The narrative anchor of the temporal tagger: the publication date or the story's own time.

An expression that does not say its year ("Dec. 1", "In March", "the summer") is told against
one of two times, and this module chooses which from the text itself (there is no genre switch):

- the publication date (dct), for the article's own news ("in March" said of what comes next,
  "on Thursday", "this week");
- the narrative focus: the time the surrounding text is talking about, i.e. the last date given
  in it as a temporal adjunct ("In 1941, ...", "arrested on Dec. 1, 2018", "By early October").

The choice weighs where the focus was set (the same sentence, the same paragraph, a paragraph
or more back), the tense and aspect of the clause ("imposed", "had been", "will impose"), and how
the text has spoken so far (of the publication's own days, "on Thursday", "last week", or of
dated events far from it). A reading the tense rules out (a future event before the publication
date, a past one after it) is dropped. The margin of the choice becomes the Timex's confidence.

Dates that do not move the story's time do not become the focus: a date naming a thing ("the
1988 bombing", "a 1996 law") and the start of a span reaching the present ("since 1980").
"""
from __future__ import annotations

import re
from typing import NamedTuple

from pipeline.timex_calendar import SEASON_START, is_bc, period_range, start_month
from pipeline.timex_context import Doc


class Focus(NamedTuple):
    """The time the text is talking about: the last story date given as an adjunct."""

    period: tuple     # a calendar period (see timex_calendar)
    start: int        # where the expression that set it starts
    para: int         # its paragraph


class Choice(NamedTuple):
    """Which anchor an expression took, and how clearly."""

    narrative: bool
    margin: float     # 0 (a coin toss) to 1 (no doubt)


# Kinds of period that can be the story's time (a decade or a century is too coarse to date a
# bare month by).
FOCUS_KINDS = frozenset({"day", "week", "weekend", "month", "quarter", "half", "season", "year"})
# Rules whose narrative readings compare ("up 39% from a year earlier", "the year-ago quarter")
# rather than move the story on.
COMPARISON_RULES = frozenset({"ago", "yearearlier", "period", "quarter"})
# Words before a date that make it name a thing or open a span up to now, not move the story.
NOT_ADJUNCT_BEFORE = frozenset({"the", "a", "an", "its", "his", "her", "their", "our", "this",
                                "that", "whose", "since", "to", "due"})
# Words after a date that still leave it an adjunct ("in 1941 and", "on Dec. 1, when").
FUNCTION_AFTER = frozenset({"and", "or", "but", "to", "when", "while", "as", "after", "before",
                            "until", "the", "a", "an", "in", "on", "at", "by", "for", "of", "with",
                            "that", "which", "who", "where", "from", "through", "during", "than",
                            "it", "he", "she", "they", "we", "there"})

# Weights of the evidence for the narrative reading (positive) against the dct (negative).
W_SAME_SENTENCE = 2.0
W_SAME_PARAGRAPH = 1.0
W_PARAGRAPH_BACK = -0.5   # per paragraph between the focus and the expression, after the first
W_PARAGRAPHS_MAX = -1.0   # ... at most
W_PAST = 0.5
W_PERFECT = 1.0           # "had imposed": before a time the story has already reached
W_PRESENT = -1.5
W_PRESENT_PARAGRAPH = -1.5  # a new paragraph that has spoken in the present before the date
W_PROSPECTIVE = -2.0
W_NAMING = -1.0      # "had bought shares through Sept. 29": the date looks ahead of the verb
W_TEXT = 1.0              # how the text has spoken so far: +1 only story dates, -1 only news days
DEBUG = None
MARGIN_SCALE = 3.0        # a score this far from 0 is a sure choice
SURE_MARGIN = 0.99        # a news reading this sure brings the text back to the publication's time


def is_adjunct(doc: Doc, start: int, end: int) -> bool:
    """Whether the date at [start, end) places what is told ("in 1941") rather than naming a
    thing ("the 1988 bombing") or opening a span up to now ("since 1980")."""
    pw = doc.prev_word(start)
    if doc.text[start:start + 4].lower() == "the " and doc.text[start + 4:start + 10].lower().startswith(
            ("early-", "mid-", "late-")):
        pw = "the"   # "the late-November trip": the article is inside the expression
    if pw in NOT_ADJUNCT_BEFORE or doc.text.startswith(("'s", "\u2019s"), end):
        # "the Oct. 23 slaying", "the Dec. 21, 1988, bombing" name a thing, unless a preposition
        # follows ("the 3rd of March")
        nw = doc.next_word(end)
        return pw not in ("since", "to") and (not nw or nw in FUNCTION_AFTER or not nw[:1].isalpha())
    return True


def note(doc: Doc, rule: str, start: int, end: int, period: tuple | None, basis: str, typ: str) -> None:
    """Update the focus and the tally of news and story dates after an expression is resolved."""
    if typ not in ("DATE", "TIME") or period is None:
        return   # "now" too: a story has its own now ("there were now three capitals")
    if basis == "relative" and (not doc.bare or (doc.choice is not None and
                                                 doc.choice.margin >= SURE_MARGIN)):
        if doc.focus is not None and doc.story_refs > doc.news_refs and doc.in_quote(start):
            return   # "two years ago," Thieu said in 1975: a speaker's own now, not the text's
        # "on Thursday", "October last year", or a bare "will join NATO on March 12" (sure to
        # be the news by its tense); a bare date read as news on weak evidence leaves the focus
        doc.news_refs += 1
        # the text is back at the publication's own time: no story time to tell against
        doc.focus = None
        return
    if period[0] not in FOCUS_KINDS:
        return
    if basis in ("explicit", "narrative"):
        rng = _range_end(doc, start)
        if not (rng or is_adjunct(doc, start, end)) or (basis == "narrative" and rule in COMPARISON_RULES):
            return
        if PASSIVE_MODIFIER.search(doc.text, max(0, start - 80), start):
            return   # "a program approved by the company in 1987": the date names the program
        cue = doc.cue(start, end)
        if cue.tense == "future" or (cue.prospective or cue.span_end) and not rng:
            # "for a campaign planned in 1976", "lasted until the fall of Budapest in February
            # 1945": the story has not got there yet
            return
        if basis == "explicit" and _far_from_dct(doc, period):
            doc.story_refs += 1
        if basis == "narrative" and BACKWARD.search(doc.text, start, end):
            return   # "in the previous year", "a decade earlier": a look back, the story stays
        if doc.focus is not None and _holds(period, doc.focus.period):
            return   # "1941" after "December 8, 1941": the story is still at December 8
        doc.focus = Focus(period, start, doc.paragraph(start))


# A date closing a passive participle that modifies a noun ("a program approved by the company
# in 1987", "the law passed by parliament in 1996"): it says which thing, the story stays.
PASSIVE_MODIFIER = re.compile(r"\b(?!(?:was|were|is|are|be|been|being|had|has|have|get|gets|got|and|or|not)\b)"
                              r"[a-z]+\s+[a-z]+(?:ed|en|wn)\s+by\s+[^,;:.()]{1,40}?\s(?:in|on|during|at)\s+\Z")


# What lies between the start of a range and its end: "from October to March", "between May
# and July" (the first date's own words, then the joining word).
RANGE_JOIN = re.compile(r"[^,;.()]{1,24}?\s(?:to|until|till|through|and)\s+\Z")


def _range_end(doc: Doc, start: int) -> bool:
    """Whether the date at ``start`` ends a range whose start is the current focus ("from October
    to March"): the story has been through the range and stands at its end."""
    f = doc.focus
    return f is not None and 0 < start - f.start <= 40 and doc.prev_word(f.start) in ("from", "between") \
        and RANGE_JOIN.match(doc.text, f.start, start) is not None


# Narrative expressions that look back from the story's time without moving it.
BACKWARD = re.compile(r"\b(?:previous|preceding|prior|earlier|before|ago)\b", re.I)


def _holds(outer: tuple, inner: tuple) -> bool:
    """Whether period ``outer`` is a year holding the finer period ``inner``."""
    return outer[0] == "year" and inner[0] != "year" and inner[1] == outer[1]


def _far_from_dct(doc: Doc, period: tuple) -> bool:
    """Whether a period ends more than a year before the dct or starts a year after it."""
    if is_bc(period):
        return True
    a, b = period_range(period)
    return (doc.dct - b).days > 365 or (a - doc.dct).days > 365


def _told_ahead(doc: Doc, period: tuple) -> bool:
    """Whether a period starts after the dct (a story told ahead of the publication date)."""
    return not is_bc(period) and period_range(period)[0] > doc.dct


def _nearest(candidates: list[tuple[int, int]], here: int) -> int:
    """The year of the (month index, year) candidate nearest ``here``; on a tie the later one
    (a story moves forward). Signal words ("by December", "since March") were measured as a
    guide to the direction and made things worse: the nearest reading is kept."""
    return min((abs(i - here), -y, y) for i, y in candidates)[2]


def story_month_year(doc: Doc, month: int) -> int | None:
    """Year of a month named without one, read in the story's time: the one nearest the focus."""
    f = doc.focus
    if f is None:
        return None
    if f.period[0] == "year":
        return f.period[1]
    y, m = start_month(f.period)
    return _nearest([(yy * 12 + month - 1, yy) for yy in (y - 1, y, y + 1)], y * 12 + m - 1)


def story_season_year(doc: Doc, code: str) -> int | None:
    """Year of a season named without one, read in the story's time: the one nearest the focus."""
    f = doc.focus
    if f is None:
        return None
    y, m = start_month(f.period)
    here = y * 12 + m - 1 + (5 if f.period[0] == "year" else 0)   # a year's middle
    middle = SEASON_START[code]   # the season's middle month, counted from 0
    return _nearest([(yy * 12 + middle, yy) for yy in (y - 1, y, y + 1)], here)


def choose(doc: Doc, start: int, end: int, news: tuple, story: tuple | None) -> bool:
    """Whether the expression at [start, end) takes its ``story`` reading over its ``news`` one.

    Both are calendar periods; ``doc.choice`` records the choice and its margin.
    """
    if story is None or story == news:
        doc.choice = None
        return False
    f = doc.focus
    if is_bc(story):
        doc.choice = Choice(True, 1.0)   # a story before the common era: no news reading
        return True
    cue = doc.cue(start, end)
    a, b = period_range(story)
    # the tense rules out a reading: a past event after the dct, a future one before it
    if (cue.tense == "past" and a > doc.dct) or (cue.tense == "future" and b < doc.dct):
        doc.choice = Choice(False, 1.0)
        return False
    if _told_ahead(doc, f.period) and cue.tense != "future":
        doc.choice = Choice(False, 1.0)   # only a clause looking ahead tells a story of the future
        return False
    rng = _range_end(doc, start)   # "from October to March": "to" does not look ahead of the story
    score = W_PROSPECTIVE if cue.prospective and not rng else 0.0
    if not rng and not is_adjunct(doc, start, end):
        score += W_NAMING    # "the late-November trip": a name for something the news knows
    sent0 = doc.sentence(start, end)[0]
    if f.start >= sent0:
        score += W_SAME_SENTENCE
    else:
        gap = doc.paragraph(start) - f.para
        score += W_SAME_PARAGRAPH if gap == 0 else max(W_PARAGRAPH_BACK * (gap - 1), W_PARAGRAPHS_MAX)
        if gap and doc.present_before(start):
            score += W_PRESENT_PARAGRAPH   # "The review comes after a turbulent year. ... in October"
    if cue.tense == "past":
        score += W_PERFECT if cue.perfect else W_PAST
    elif cue.tense == "present":
        score += W_PRESENT
    told = doc.news_refs + doc.story_refs
    if told:
        score += W_TEXT * (doc.story_refs - doc.news_refs) / (told + 1)
    narrative = score > 0
    if DEBUG is not None:
        DEBUG.append((doc.text[start:end], score, f, cue, doc.paragraph(start), doc.present_before(start),
                      doc.news_refs, doc.story_refs))
    doc.choice = Choice(narrative, min(1.0, abs(score) / MARGIN_SCALE))
    return narrative
