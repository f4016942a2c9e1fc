"""What the temporal tagger's rules read around an expression: words, numbers, tense, story.

- words and numbers: "twenty four", "nineteen ninety-six", "3rd", "Sept.", early/late and
  about/nearly modifiers;
- ``Doc``, the per-document state: sentence bounds, the tense of the clause around an expression,
  and the narrative state (the last date mentioned, the last quarter, the story's own day) that
  the tagger updates as it walks the text;
- resolution of underspecified expressions ("March", "Friday", "the summer", "the third quarter")
  against the document creation time (dct), the tense and the story.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from pipeline.timex_calendar import period_range
from pipeline.timex_lex import lexicon

# ------------------------------------------------------------------------------------------
# Words and numbers
# ------------------------------------------------------------------------------------------

MOD_OF_PMOD = {
    "early": "START", "earlier": "START", "beginning": "START", "start": "START", "dawn": "START",
    "first half": "START", "early part": "START", "turn": "START",
    "mid": "MID", "middle": "MID",
    "late": "END", "later": "END", "end": "END", "close": "END", "second half": "END",
    "last half": "END", "latter half": "END", "latter part": "END",
}
MOD_OF_APPROX = {
    "about": "APPROX", "around": "APPROX", "approximately": "APPROX", "roughly": "APPROX",
    "some": "APPROX", "close to": "APPROX", "nearly": "LESS_THAN", "almost": "LESS_THAN",
    "more than": "MORE_THAN", "over": "MORE_THAN", "just over": "MORE_THAN",
    "well over": "MORE_THAN", "upwards of": "MORE_THAN", "less than": "LESS_THAN",
    "fewer than": "LESS_THAN", "under": "LESS_THAN", "just under": "LESS_THAN",
    "barely": "LESS_THAN", "at least": "EQUAL_OR_MORE", "no less than": "EQUAL_OR_MORE",
    "at most": "EQUAL_OR_LESS", "up to": "EQUAL_OR_LESS", "no more than": "EQUAL_OR_LESS",
    "not more than": "EQUAL_OR_LESS", "only": "", "the better part of": "APPROX",
}


def period_mod(m: re.Match) -> str:
    """TIMEX3 mod for the early/mid/late/end-of prefix group ``pmod`` of a match, or ""."""
    g = m.groupdict().get("pmod")
    if not g:
        return ""
    g = re.sub(r"\s+", " ", g.lower())
    g = re.sub(r"^(?:the )?(?:very )?|(?: of)?(?: in)?$", "", g)   # "the very end of" -> "end"
    return MOD_OF_PMOD.get(g, "")


def approx_mod(m: re.Match) -> str:
    """TIMEX3 mod for the about/nearly/more-than hedge group ``amod`` of a match, or ""."""
    g = m.groupdict().get("amod")
    return MOD_OF_APPROX.get(re.sub(r"\s+", " ", g.strip().lower()), "") if g else ""


def parse_number(s: str) -> float | None:
    """Value of a number in digits or English words ("twenty four", "2 1/2", "a"); None if vague."""
    lx = lexicon()
    s = s.lower().strip()
    if s in lx.vague or s.startswith(("a few", "a couple", "several", "the few")):
        return 2.0 if s.startswith(("a couple", "couple")) else None
    if s.endswith(" and a half") or s.endswith(" and one half"):
        head = parse_number(s.rsplit(" and ", 1)[0])
        return None if head is None else head + 0.5
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", s):
        return float(s.replace(",", ""))   # "1,000 days"
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:\s+(\d)/(\d))?", s)
    if m:
        v = float(m.group(1))
        if m.group(2) and int(m.group(3)):
            v += int(m.group(2)) / int(m.group(3))
        return v
    total, cur, seen = 0.0, 0.0, False
    for w in re.split(r"[\s-]+", s):
        if w == "and" or not w:
            continue
        if w == "half":   # "a half", "one half" ("two and a half" is handled above)
            cur = (cur or 1) * 0.5
            seen = True
            continue
        if w == "hundred":
            cur = (cur or 1) * 100
        elif w == "thousand":
            total += (cur or 1) * 1000
            cur = 0
        elif w in lx.number_of:
            cur += lx.number_of[w]
        else:
            return None
        seen = True
    return total + cur if seen else None


def spelled_year(s: str) -> int | None:
    """Year from "nineteen ninety-six", "two thousand and one", "twenty twenty"; None if not one."""
    w = [x for x in re.split(r"[\s-]+", s.lower()) if x and x != "and"]
    lx = lexicon()
    if w[:2] == ["two", "thousand"]:
        return 2000 + int(parse_number(" ".join(w[2:])) or 0) if len(w) > 2 else 2000
    head = lx.number_of.get(w[0])
    if head is None:
        return None
    rest = w[1:]
    if rest == ["hundred"]:
        return head * 100
    if rest and rest[0] == "oh":
        rest = rest[1:]
    tail = parse_number(" ".join(rest)) if rest else None
    if tail is None or tail >= 100:
        return None
    return int(head * 100 + tail)


def expand_year(y2: int, dct: date) -> int:
    """Four-digit year from two digits: the century that puts it nearest the dct."""
    base = dct.year - dct.year % 100
    cands = (base - 100 + y2, base + y2, base + 100 + y2)
    return min(cands, key=lambda y: (abs(y - dct.year), y))


def day_number(s: str) -> int | None:
    """Day of the month (or century) from "3", "3rd", "third", "twenty-first"; None if not one."""
    s = s.lower()
    m = re.match(r"\d+", s)
    if m:
        return int(m.group(0))
    s = re.sub(r"[\s-]+", "-", s)
    lx = lexicon()
    if s in lx.ordinal_of and s != "last":
        return lx.ordinal_of[s]
    parts = s.split("-")
    if len(parts) == 2 and parts[0] in ("twenty", "thirty") and parts[1] in lx.ordinal_of:
        return (20 if parts[0] == "twenty" else 30) + lx.ordinal_of[parts[1]]
    return {"twentieth": 20, "thirtieth": 30}.get(s)


def month_number(s: str) -> int:
    """Month number of a month name as the patterns match it ("Sept.", "MARCH")."""
    return lexicon().month_of[s.lower().rstrip(".")]


@lru_cache(maxsize=4096)
def parse_numeric_date(s: str, dct: date) -> date | None:
    """Explicit numeric date via dateparser (English conventions: month first unless impossible)."""
    import dateparser  # loaded only when such a form is met

    try:
        r = dateparser.parse(s, languages=["en"], settings={
            "RELATIVE_BASE": datetime(dct.year, dct.month, dct.day),
            "PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": True})
    except Exception:  # dateparser may choke on odd strings: treat as not a date
        return None
    return r.date() if r else None


# ------------------------------------------------------------------------------------------
# The document: sentences, tense of the clause, narrative state
# ------------------------------------------------------------------------------------------

WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
CLAUSE_REACH = 400   # chars scanned either side of an expression for tense cues
PREV_WORD = re.compile(r"([A-Za-z$#][\w.'-]*)[\s,]*\Z")
NEXT_WORD = re.compile(r"[\s,]{0,40}([\w$%][\w'-]{0,40})")
QUARTER_WORD = re.compile(r"\bquarter\b", re.I)


class Doc:
    """Per-document state: text, dct, sentence and paragraph starts, and the narrative state."""

    __slots__ = ("text", "dct", "lx", "_bounds", "_paras", "anchor", "quarter", "quarter_pos", "fiscal_quarter", "ended",
                 "_tense", "last_day", "past_day", "day_month", "day_month_until", "pos", "focus", "news_refs", "story_refs", "choice", "bare",
                 "_has_quarter")

    def __init__(self, text: str, dct: date):
        self.text, self.dct, self.lx = text, dct, lexicon()
        self._bounds = None
        self._paras = None
        self.anchor = None          # last explicit/relative period mentioned
        self.quarter = None         # last quarter mentioned, and where
        self.quarter_pos = -10**9
        self.fiscal_quarter = False  # the quarter reported on was named in fiscal terms
        self.ended = None           # (where, period): "the second quarter ended Oct. 31" dates the day
        self.last_day = None        # last day-precision date mentioned (clock times attach to it)
        self.past_day = None        # the last one on or before the dct
        self.day_month = None       # a month the story moved to after the last day ("In June, ...")
        self.day_month_until = None  # where that month stops counting (a month told against the dct)
        self.pos = 0                # start of the expression being resolved
        self.focus = None           # the narrative focus (timex_anchor.Focus), or None
        self.news_refs = 0          # expressions told against the dct so far ("on Thursday")
        self.story_refs = 0         # story dates given so far ("In 1941, ...")
        self.choice = None          # the anchor choice made for the expression being resolved
        self.bare = False           # it names no year nor a relation to the dct ("in March")
        self._tense = {}
        self._has_quarter = None

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """Bounds of the sentence holding [start, end)."""
        if self._bounds is None:
            self._bounds = [0] + [m.end() for m in self.lx.boundary.finditer(self.text)]
        i = bisect_right(self._bounds, start) - 1
        s = self._bounds[i] if i >= 0 else 0
        e = self._bounds[i + 1] if i + 1 < len(self._bounds) else len(self.text)
        return s, max(e, end)

    def paragraph(self, pos: int) -> int:
        """Index of the paragraph (line) holding ``pos``: a line break starts a new one."""
        if self._paras is None:
            self._paras = _paragraph_starts(self.text)
        return bisect_right(self._paras, pos)

    def tense(self, start: int, end: int) -> str:
        """Best-effort tense (past/present/future) of the clause around [start, end)."""
        t = self.clause_tense(start, end)
        return "present" if t == "none" else t

    def clause_tense(self, start: int, end: int) -> str:
        """Tense cue of the clause around [start, end): past/present/future, "none", or "" (possessive)."""
        return self.cue(start, end).tense

    def cue(self, start: int, end: int) -> "Cue":
        """Tense and aspect of the clause around [start, end) (see ``Cue``)."""
        key = (start, end)
        if key in self._tense:
            return self._tense[key]
        s, e = self.sentence(start, end)
        # a clause rarely reaches further; the cap keeps run-on text linear
        s, e = max(s, start - CLAUSE_REACH), min(e, end + CLAUSE_REACH)
        if self.text.startswith(("'s", "\u2019s"), end):
            # "Wednesday's ruling": a possessive date names something already reported
            c = NO_CUE
        else:
            left = WORD_RE.findall(self.text, s, start)[::-1]
            t, i = _scan_tense(self.lx, left, True)
            if t:
                c = Cue(t, t == "past" and _perfect(left, i), _prospective(left, i), i,
                        _span_end(left, i), _deferred(self.lx, left, i))
            else:
                right = WORD_RE.findall(self.text, end, e)
                t, i = _scan_tense(self.lx, right, False)
                c = Cue(t or "none", t == "past" and _perfect(right[::-1], len(right) - 1 - i), False,
                        i if t else -1, _span_end(left, len(left)))
        self._tense[key] = c
        return c

    def present_before(self, pos: int) -> bool:
        """Whether the paragraph holding ``pos`` speaks in the present tense before ``pos``."""
        p = self.paragraph(pos)
        start = self._paras[p - 1] if p else 0
        return any(w.lower() in PRESENT_VERBS for w in WORD_RE.findall(self.text, start, pos))

    def in_quote(self, pos: int) -> bool:
        """Whether ``pos`` lies inside a quotation opened earlier in its paragraph."""
        p = self.paragraph(pos)
        start = self._paras[p - 1] if p else 0
        seg = self.text[start:pos]
        if seg.count('"') % 2:
            return True
        return seg.count("\u201c") + seg.count("``") > seg.count("\u201d") + seg.count("''")

    def mentions_quarter(self) -> bool:
        """Whether the text speaks of quarters at all (earnings news), computed once."""
        if self._has_quarter is None:
            self._has_quarter = QUARTER_WORD.search(self.text) is not None
        return self._has_quarter

    def prev_word(self, pos: int) -> str:
        """The word just before ``pos`` (lower-cased), or ""."""
        m = PREV_WORD.search(self.text, max(0, pos - 40), pos)
        return m.group(1).lower() if m else ""

    def next_word(self, pos: int) -> str:
        """The word just after ``pos`` (lower-cased), or ""."""
        m = NEXT_WORD.match(self.text, pos)
        return m.group(1).lower() if m else ""


class Cue(NamedTuple):
    """What the clause around an expression says of its time."""

    tense: str          # past, present, future, "none" (no cue) or "" (a possessive date)
    perfect: bool       # past perfect ("had imposed", "had been"): before the story's time
    prospective: bool   # a word looking ahead lies between the past verb and the date
                        # ("declared a dividend payable Dec. 1", "extended the bid to Nov. 6")
    words: int          # words between the cue and the date (-1 without a cue)
    span_end: bool      # the date closes a span the verb opens ("lasted until ... February 1945")
    deferred: bool = False  # a past verb moved something to the date ("postponed until Tuesday")


NO_CUE = Cue("", False, False, -1, False)
NEAR_CUE_WORDS = 6      # a past verb this close governs the date ("In March, Beijing imposed")
# Finite present verbs: a paragraph using one speaks of the present ("now" does not: a story has
# its own now, "Lee's army was now much smaller").
PRESENT_VERBS = frozenset({"is", "are", "am", "has", "have", "says", "say", "remains", "remain"})
LINE_RE = re.compile(r"[^\n]*\S[^\n]*")
HEADING_MAX_CHARS = 80   # a line this short without a closing stop is a heading, not a paragraph


def _paragraph_starts(text: str) -> list[int]:
    """Starts of the paragraphs after the first: every line of text starts one, except the line
    after a heading ("Battle of Tsushima"), which belongs to the heading's paragraph."""
    starts = []
    heading_before = True
    for m in LINE_RE.finditer(text):
        if not heading_before:
            starts.append(m.start())
        line = m.group().rstrip()
        heading_before = len(line) <= HEADING_MAX_CHARS and line[-1:] not in ".!?\"'\u201d)"
    return starts
# Words between a past verb and a date that make the date look ahead of the verb.
PROSPECTIVE_REACH = 2   # words before the date
PROSPECTIVE = frozenset({"starting", "beginning", "until", "till", "through", "payable", "effective", "due", "record",
                         "expire", "expires", "expiring", "deadline", "may", "pending"})
PARTICIPLE_AUX = frozenset({"had", "hadn't", "'d"})


def _prospective(words: list, i: int) -> bool:
    """Whether a word looking ahead stands just before the date, after the past cue at
    ``words[i]`` (words nearest first, leftwards): "payable Dec. 1", "until March 6", "extended
    to Nov. 6" (not "fought on until reaching the line in mid-November")."""
    return (i > 0 and words[0].lower() == "to") or any(
        w.lower() in PROSPECTIVE for w in words[:min(i, PROSPECTIVE_REACH)])


def _span_end(words: list, i: int) -> bool:
    """Whether the date closes a span that the clause's verb opens ("lasted until the fall of
    Budapest in February 1945"): "until" or "till" between the cue at ``words[i]`` and the date."""
    return any(w.lower() in ("until", "till") for w in words[:i])


DEFERRAL_REACH = 8   # words from the deferral verb to the date ("postponed until Tuesday morning
                     # any action", "extended its deadline until 9 a.m. EST Tuesday")


def _deferred(lx, words: list, i: int) -> bool:
    """Whether the past cue at ``words[i]`` (words nearest first, leftwards) moves something to the
    date: a verb of deferral, not in the past perfect, with "until" or "till" between it and the
    date or "to" right before it ("postponed until Tuesday", "extended the deadline to Friday";
    not "had been extended to Friday", "lasted until Tuesday", "extended their offers to acquire
    the company Friday")."""
    if i < 0 or i > DEFERRAL_REACH or words[i].lower() not in lx.deferral_verbs or _perfect(words, i):
        return False
    return words[0].lower() == "to" or any(w.lower() in ("until", "till") for w in words[:i])


def _perfect(words: list, i: int) -> bool:
    """Whether the past cue at ``words[i]`` (words nearest first, leftwards) is a past perfect."""
    w = words[i].lower()
    if w in PARTICIPLE_AUX:
        return True
    # "had been", "had already imposed": "had" within three words before the cue
    return any(x.lower() in PARTICIPLE_AUX for x in words[i + 1:i + 4])


BE_FORMS = frozenset({"is", "are", "was", "were", "be", "been", "being"})
# Words before a bare verb form that make it an infinitive or a passive, not a finite past.
NOT_FINITE_BEFORE = frozenset({"to", "get", "gets", "got", "will", "shall", "would", "could", "should",
                               "must", "may", "might", "can", "cannot", "did", "does", "do",
                               "didn't", "doesn't", "don't", "won't", "not"})
DETERMINERS = frozenset({"a", "an", "the", "his", "her", "their", "its", "our", "this", "that",
                         "these", "those"})
# Reporting verbs that are themselves the event when the date follows them in their clause.
REPORTED_EVENTS = frozenset({"announced", "reported", "confirmed"})


def _infinitive(words: list, i: int) -> bool:
    """Whether an infinitive ("to acquire") lies among ``words[:i]`` (nearest first, leftwards)."""
    return any(words[j].lower() == "to" and j > 0 and words[j - 1][:1].islower()
               and words[j - 1].lower() not in DETERMINERS for j in range(i))


def _scan_tense(lx, words: list, leftward: bool) -> tuple[str, int]:
    """First tense cue among ``words`` (nearest first) and its index, or ("", -1)."""
    n = len(words)
    cue_words = lx.cue_words
    for i, w in enumerate(words):
        lw = w.lower().replace("\u2019", "'")
        if lw not in cue_words and not lw.endswith(("ed", "'ll")):
            continue   # (most words: no branch below reads them)
        if lw.endswith("'ll") or lw == "will" or lw == "shall":
            return "future", i
        nxt = (words[i - 1] if leftward and i > 0 else (words[i + 1] if not leftward and i + 1 < n else "")).lower()
        prv = (words[i + 1] if leftward and i + 1 < n else (words[i - 1] if not leftward and i > 0 else "")).lower()
        if (lw in ("set", "due", "going", "planned") or lw in lx.future_cues) and \
                any(x.lower() in PARTICIPLE_AUX for x in (words[i + 1:i + 3] if leftward else words[max(0, i - 2):i])):
            # "had been scheduled to expire Friday", "had planned to attack": a plan told in the
            # past perfect was made, and often due, before the time of telling
            return "past", i
        if lw in ("set", "due", "going", "planned"):
            # "set to", "due to", "is planned", "set for Friday" look ahead; "the record high set
            # on Aug. 6" and "the government planned to pay" do not
            if nxt == "to" and lw != "planned" or nxt == "for" and lw in ("set", "planned") or \
                    lw == "planned" and (prv in BE_FORMS or leftward and nxt in DETERMINERS):
                # ("protesters planned a rally on Saturday": a date after the plan and its object
                # dates what was planned; not "a service planned for Saturday was canceled")
                return "future", i
            if lw == "set" and prv not in BE_FORMS and prv not in NOT_FINITE_BEFORE and not prv.endswith("'ll"):
                # "the agency set Friday as the deadline", "when she set aside her plans": a
                # finite "set" without "to"/"for" after it tells what was done
                return "past", i
            continue
        if lw in ("is", "are") and nxt == "to":
            return "future", i   # "is to resume trading Tuesday"
        if leftward and lw == "since" and i <= 3:
            return "past", i     # "since shortly after the Oct. 23 slaying"
        if lw in lx.reporting_verbs:
            if leftward and (i == 0 or (i == 1 and words[0].lower() == "on")):
                # "said Friday": the expression dates the report itself
                return ("present" if lw.endswith("s") or lw == "say" else "past"), i
            if not leftward and i <= 3:
                # "On October 25, the PRC announced ...": the report right after the fronted
                # date is what the date dates
                return ("present" if lw.endswith("s") or lw == "say" else "past"), i
            if leftward and lw in REPORTED_EVENTS and not _infinitive(words, i):
                # "Canada announced a surtax ... in August": the report is the event (but not
                # in "announced an agreement to acquire the bank in January")
                return "past", i
            continue  # "X will happen Friday, officials said": the report is not the event
        if lw in lx.future_cues:
            return "future", i
        if lw in lx.past_cues or (len(lw) > 3 and lw.endswith("ed") and lw not in lx.not_past_ed
                                  and w[:1].islower() and "-" not in lw):
            # (not "United", "Canada-United", "so-called": names and compounds)
            # "followed by", "will be held": a participle, not the clause's tense
            after = words[i - 1].lower() if leftward and i > 0 else (words[i + 1].lower() if not leftward and i + 1 < n else "")
            before = words[i + 1].lower() if leftward and i + 1 < n else (words[i - 1].lower() if not leftward and i > 0 else "")
            if before == "be" and (words[i + 2] if leftward and i + 2 < n else words[i - 2] if not leftward and i > 1 else "").lower() == "to":
                return "future", i   # "to be completed around Nov. 1"
            if after == "by" or before in ("is", "are", "be", "been", "being", "am", "get", "gets"):
                continue
            if leftward and lw in lx.intent_verbs and _infinitive(words, i):
                return "future", i   # "agreed to buy the line in February": the buying is ahead
            if before in DETERMINERS and before != "that" or before in ("still", "yet", "newly") and \
                    (words[i + 2] if leftward and i + 2 < n else words[i - 2] if not leftward and i > 1 else "").lower() \
                    in DETERMINERS:
                continue   # "on a still unspecified date", "the proposed merger": an adjective
            return "past", i
        if lw in lx.present_cues or lw.endswith("'s") and lw in ("it's", "he's", "she's", "that's", "there's"):
            return "present", i
    return "", -1


def is_rate(doc: Doc, pos: int) -> bool:
    """True when the word before ``pos`` is an amount ("$500 million a year", "358,000 a month")."""
    pw = doc.prev_word(pos)
    return bool(pw) and (pw[0].isdigit() or pw[0] == "$" or pw in doc.lx.rate_words or pw in doc.lx.quantity_nouns)


def is_titled(doc: Doc, m: re.Match, group: str) -> bool:
    """A capitalised time word inside a sentence is part of a name ("ABC's This Week")."""
    w = m[group]
    if not w or not w[:1].isupper() or w.isupper():
        return False
    j = m.start(group) - 1
    while j >= 0 and doc.text[j] in " \t\"'`\u201c\u2018(":
        j -= 1
    return j >= 0 and doc.text[j] not in ".!?\n:;-_"


# ------------------------------------------------------------------------------------------
# Underspecified expressions: the year of a bare month, the day of a bare weekday...
# ------------------------------------------------------------------------------------------

MONTH_SLACK = 2  # months a past-tense date may lie ahead of the dct when a word looks ahead
FAR_PAST_SLACK = 1  # months a date may lie ahead of the dct when its past verb is far from it


def resolve_month(doc: Doc, month: int, tense: str, rel: str = "") -> int:
    """Year of a month named without one, told against the dct ("met in March" -> the last March)."""
    y, m0 = doc.dct.year, doc.dct.month
    if rel in ("last", "this past", "the past", "the previous"):
        return y if month < m0 else y - 1
    if rel in ("next", "this coming", "the coming", "the following"):
        return y if month > m0 else y + 1
    if rel == "this":
        return y
    if tense == "past":
        # A past verb next to the month puts it behind the dct ("In March, Beijing imposed" in a
        # January article is last March), unless a word between them looks ahead: "declared a
        # dividend payable Dec. 1" in late October is the coming December. A past verb further
        # away may govern something else ("notified oil companies in August of a cutback in
        # September"), but that is a coming step, the next month at most: "sold the unit to a
        # rival for $40 million in March" in a January article is still last March.
        cue = doc.cue(doc.pos, doc.pos)
        if cue.prospective:   # "extended the loans through January": the span reaches ahead
            return y if month >= m0 - MONTH_SLACK else y + 1
        slack = FAR_PAST_SLACK if cue.words > NEAR_CUE_WORDS else 0
        return y if month <= m0 + slack else y - 1
    # A tense cue only overrides nearness beyond a short slack.
    if tense == "future":
        return y if month >= m0 - MONTH_SLACK else y + 1
    if tense == "present":
        best = min((abs((yy * 12 + month) - (y * 12 + m0)), -yy, yy) for yy in (y - 1, y, y + 1))
        return best[2]
    # no cue at all ("the Oct. 23 shooting"): news mostly reports what has happened
    return y if month <= m0 + MONTH_SLACK else y - 1


def resolve_weekday(doc: Doc, wd: int, tense: str, rel: str = "", deferred: bool = False) -> date:
    """Date of a weekday named without a date, from the tense and any this/last/next;
    ``deferred``: a past verb moved something to the day ("postponed until Tuesday")."""
    d = doc.dct
    diff = wd - d.isoweekday()
    if rel in ("last", "this past", "the previous"):
        back = (-diff) % 7 or 7
        return d - timedelta(days=back)
    if rel in ("next", "this coming", "the following", "the next"):
        fwd = diff % 7 or 7
        return d + timedelta(days=fwd)
    if rel == "this":
        return d + timedelta(days=diff)
    if tense == "past" and not deferred:
        return d - timedelta(days=(-diff) % 7)
    if tense in ("past", "future"):
        # a past verb that moves something to the day ("postponed until Tuesday", "extended
        # the deadline to Friday") dates what is still to come
        return d + timedelta(days=diff % 7)
    if tense == "present":
        fwd, back = diff % 7, (-diff) % 7
        return d + timedelta(days=fwd) if fwd < back else d - timedelta(days=back)
    # no cue at all: news reports mostly look back
    return d - timedelta(days=(-diff) % 7)


def resolve_season(doc: Doc, code: str, rel: str, tense: str) -> int:
    """Year of a season named without one, from this/last/next and the tense."""
    d = doc.dct
    cands = [(y, *period_range(("season", y, code))) for y in (d.year - 2, d.year - 1, d.year, d.year + 1)]
    current = [y for y, a, b in cands if a <= d <= b]
    if rel in ("last", "this past", "the past"):
        return max(y for y, a, b in cands if b < d)
    if rel in ("next", "this coming", "the coming"):
        return min(y for y, a, b in cands if a > d)
    if current and rel in ("this", "the", "that", ""):
        return current[0]
    if rel == "this" or tense == "":
        return min(cands, key=lambda c: abs(((c[1] - d) + (c[2] - d)).days))[0]
    if tense == "past":
        return max(y for y, a, b in cands if b < d)
    if tense == "future":
        return min(y for y, a, b in cands if a > d)
    return min(cands, key=lambda c: abs(((c[1] - d) + (c[2] - d)).days))[0]


def quarter_year(doc: Doc, q: int, tense: str) -> int:
    """Year of a quarter named without one ("the third quarter")."""
    y = doc.dct.year
    cq = (doc.dct.month - 1) // 3 + 1
    if tense != "future" and q > cq:
        return y - 1   # a quarter not yet begun is only meant when the clause looks ahead
    return y
