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
    """Per-document state: text, dct, sentence starts, and the narrative anchor."""

    __slots__ = ("text", "dct", "lx", "_bounds", "anchor", "quarter", "quarter_pos", "_tense",
                 "last_day", "story", "story_pos", "pos", "story_used", "_has_quarter")

    def __init__(self, text: str, dct: date):
        self.text, self.dct, self.lx = text, dct, lexicon()
        self._bounds = None
        self.anchor = None          # last explicit/relative period mentioned
        self.quarter = None         # last quarter mentioned, and where
        self.quarter_pos = -10**9
        self.last_day = None        # last day-precision date mentioned (clock times attach to it)
        self.story = None           # date of the last explicit day mentioned, and where
        self.story_pos = -10**9
        self.pos = 0                # start of the expression being resolved
        self.story_used = False     # the expression took its year from the story, not the dct
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

    def tense(self, start: int, end: int) -> str:
        """Best-effort tense (past/present/future) of the clause around [start, end)."""
        t = self.clause_tense(start, end)
        return "present" if t == "none" else t

    def clause_tense(self, start: int, end: int) -> str:
        """Tense cue of the clause around [start, end): past/present/future, "none", or "" (possessive)."""
        key = (start, end)
        if key in self._tense:
            return self._tense[key]
        s, e = self.sentence(start, end)
        # a clause rarely reaches further; the cap keeps run-on text linear
        s, e = max(s, start - CLAUSE_REACH), min(e, end + CLAUSE_REACH)
        left = WORD_RE.findall(self.text, s, start)
        if self.text.startswith(("'s", "\u2019s"), end):
            # "Wednesday's ruling": a possessive date names something already reported
            self._tense[key] = ""
            return ""
        right = WORD_RE.findall(self.text, end, e)
        t = _scan_tense(self.lx, left[::-1], True) or _scan_tense(self.lx, right, False) or "none"
        self._tense[key] = t
        return t

    def mentions_quarter(self) -> bool:
        """Whether the text speaks of quarters at all (earnings news), computed once."""
        if self._has_quarter is None:
            self._has_quarter = QUARTER_WORD.search(self.text) is not None
        return self._has_quarter

    def story_at(self, pos: int) -> date | None:
        """The explicit day given earlier in the same sentence ("On March 3, 1980 ... in June")."""
        if self.story is None or self.story_pos < self.sentence(pos, pos)[0]:
            return None
        return self.story

    def prev_word(self, pos: int) -> str:
        """The word just before ``pos`` (lower-cased), or ""."""
        m = PREV_WORD.search(self.text, max(0, pos - 40), pos)
        return m.group(1).lower() if m else ""

    def next_word(self, pos: int) -> str:
        """The word just after ``pos`` (lower-cased), or ""."""
        m = NEXT_WORD.match(self.text, pos)
        return m.group(1).lower() if m else ""


def _scan_tense(lx, words: list, leftward: bool) -> str:
    """First tense cue among ``words`` (nearest first)."""
    n = len(words)
    for i, w in enumerate(words):
        lw = w.lower().replace("\u2019", "'")
        if lw.endswith("'ll") or lw == "will" or lw == "shall":
            return "future"
        if lw in ("set", "due", "going"):
            nxt = words[i - 1] if leftward and i > 0 else (words[i + 1] if not leftward and i + 1 < n else "")
            if nxt.lower() == "to":
                return "future"
            if lw != "set":
                continue
        if lw in lx.reporting_verbs:
            if leftward and (i == 0 or (i == 1 and words[0].lower() == "on")):
                # "said Friday": the expression dates the report itself
                return "present" if lw.endswith("s") or lw == "say" else "past"
            continue  # "X will happen Friday, officials said": the report is not the event
        if lw in lx.future_cues:
            return "future"
        if lw in lx.past_cues or (len(lw) > 3 and lw.endswith("ed") and lw not in lx.not_past_ed):
            # "followed by", "will be held": a participle, not the clause's tense
            after = words[i - 1].lower() if leftward and i > 0 else (words[i + 1].lower() if not leftward and i + 1 < n else "")
            before = words[i + 1].lower() if leftward and i + 1 < n else (words[i - 1].lower() if not leftward and i > 0 else "")
            if after == "by" or before in ("is", "are", "be", "been", "being", "am", "get", "gets"):
                continue
            return "past"
        if lw in lx.present_cues or lw.endswith("'s") and lw in ("it's", "he's", "she's", "that's", "there's"):
            return "present"
    return ""


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

MONTH_SLACK = 2  # months
STORY_GAP_YEARS = 2  # a dated story this far from the dct sets the year of bare months


def resolve_month(doc: Doc, month: int, tense: str, rel: str = "") -> int:
    """Year of a month named without one, from the tense ("met in March" -> the last March)."""
    story = doc.story_at(doc.pos)
    if story is not None and not rel and abs(story.year - doc.dct.year) >= STORY_GAP_YEARS:
        # a story told in another year: "On March 3, 1980 ... in June" is June 1980
        doc.story_used = True
        best = min((abs((yy * 12 + month) - (story.year * 12 + story.month)), yy)
                   for yy in (story.year - 1, story.year, story.year + 1))
        return best[1]
    y, m0 = doc.dct.year, doc.dct.month
    if rel in ("last", "this past", "the past", "the previous"):
        return y if month < m0 else y - 1
    if rel in ("next", "this coming", "the coming", "the following"):
        return y if month > m0 else y + 1
    if rel == "this":
        return y
    # A tense cue only overrides nearness beyond a short slack: "the dividend is payable Dec. 1"
    # under a past-tense report still means the coming December.
    if tense == "past":
        return y if month <= m0 + MONTH_SLACK else y - 1
    if tense == "future":
        return y if month >= m0 - MONTH_SLACK else y + 1
    if tense == "present":
        best = min((abs((yy * 12 + month) - (y * 12 + m0)), -yy, yy) for yy in (y - 1, y, y + 1))
        return best[2]
    # no cue at all ("the Oct. 23 shooting"): news mostly reports what has happened
    return y if month <= m0 + MONTH_SLACK else y - 1


def resolve_weekday(doc: Doc, wd: int, tense: str, rel: str = "") -> date:
    """Date of a weekday named without a date, from the tense and any this/last/next."""
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
    if tense == "past":
        return d - timedelta(days=(-diff) % 7)
    if tense == "future":
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
