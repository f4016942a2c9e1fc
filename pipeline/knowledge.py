"""Knowledge base of dated recurring events: resolve summit references to the summit's dates.

The summits live in ``data/knowledge/summits.csv`` (series, host, city, places, dates, status,
confidence). A reference such as "an APEC summit in South Korea", "last year's G20" or "the
Kananaskis summit" is found with one compiled regex, the candidate summits are narrowed by
series, year, edition and place, and one is chosen by tense relative to the publication date.
"""
from __future__ import annotations

import csv
import re
from datetime import date, datetime
from functools import lru_cache

import countrynames

from pipeline.paths import data_dir
from pipeline.records import KnowledgeDate

DATA_DIR = data_dir() / "knowledge"
SUMMITS_FILE = DATA_DIR / "summits.csv"
# Longest text scanned, in characters; longer input is cut so one call stays bounded.
MAX_TEXT_CHARS = 200_000
# How far back (characters, inclusive) tense cues are looked for before a reference.
TENSE_WINDOW_CHARS = 120

# Surface forms of each series; the value is the canonical series of the data file.
_SERIES_FORMS: dict[str, str] = {
    "APEC": "APEC", "Asia-Pacific Economic Cooperation": "APEC",
    "G7": "G7", "G-7": "G7", "Group of Seven": "G7", "G8": "G7", "G-8": "G7", "Group of Eight": "G7",
    "G20": "G20", "G-20": "G20", "Group of 20": "G20", "Group of Twenty": "G20",
    "NATO": "NATO", "BRICS": "BRICS", "BRIC": "BRICS", "ASEAN": "ASEAN",
    "UN General Assembly": "UNGA", "U.N. General Assembly": "UNGA", "UNGA": "UNGA",
    "United Nations General Assembly": "UNGA",
    "UN climate summit": "COP", "UN climate conference": "COP", "UN climate talks": "COP",
    "COP": "COP",
}
_G8_FORMS = frozenset({"G8", "G-8", "Group of Eight"})
_KIND_WORDS = r"summit|summits|meeting|meetings|conference|forum|gathering|talks|session|week|debate"
_KIND = rf"(?i:(?:(?:economic\s+)?leaders['’]?\s+)?(?:{_KIND_WORDS}))"
# "St." is the one abbreviation allowed so that a sentence's full stop never joins a place.
_PLACE_WORD = r"(?:St\.\s+)?[A-Z][\w'’-]*"
_PLACE = rf"{_PLACE_WORD}(?:\s+(?:{_PLACE_WORD}|de|del|da|do|el|la|les|of))*"
_YEAR = r"(?:19|20)\d\d"
_DET = (r"(?i:(?:(?:last|this|next|the\s+previous|the\s+following)\s+year['’]s|"
        r"(?:the\s+)?(?:last|next|previous|upcoming|coming|forthcoming|latest|most\s+recent)|"
        r"an?|the|this|that))")
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)"
# Words just before a series name that make it a meeting rather than the group itself.
_MEETING_CUE = re.compile(
    r"(?:\bat|\bduring|\bsidelines\s+of|\bahead\s+of|\bbefore|\bafter|\bfor|\battend\w*|\bhost\w*|"
    r"\baddress\w*|\bskip\w*|\bmiss\w*|\bboycott\w*|\bchair\w*)\s+(?:the\s+|an?\s+|this\s+|"
    r"last\s+|next\s+)?$",
    re.IGNORECASE,
)
_FUTURE_CUE = re.compile(
    r"\b(?:will|shall|won['’]t|going\s+to|scheduled|planned|upcoming|due\s+to|set\s+to|"
    r"expected\s+to|plans?\s+to|next|forthcoming|coming)\b|['’]ll\b",
    re.IGNORECASE,
)
_PAST_CUE = re.compile(
    r"\b(?:last|previous|previously|met|held|attended|was|were|had|did|ago|earlier|hosted|"
    r"took\s+place|signed|agreed|spoke|said|gathered|skipped|missed|opened|closed|ended|"
    r"concluded|began|wrapped)\b",
    re.IGNORECASE,
)
_PRESENT_CUE = re.compile(r"\b(?:is\s+attending|are\s+attending|currently|this\s+week|under\s+way|"
                          r"underway|today)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]\s")


@lru_cache(maxsize=1)
def _summits() -> tuple[dict, ...]:
    """Load the summit table once, with parsed dates and split place names."""
    rows = []
    with SUMMITS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            row = dict(row)
            row["year"] = int(row["year"])
            row["start_date"] = date.fromisoformat(row["start_date"])
            row["end_date"] = date.fromisoformat(row["end_date"])
            row["places"] = tuple(p.strip() for p in row["places"].split(";") if p.strip())
            rows.append(row)
    return tuple(rows)


def load_summits() -> list[dict]:
    """Return every summit of the knowledge base as a dict (dates as ``date`` objects)."""
    return [dict(row) for row in _summits()]


def _alternation(forms) -> str:
    """Regex alternation of literal forms, longest first so longer names win."""
    return "|".join(re.escape(form) for form in sorted(set(forms), key=len, reverse=True))


@lru_cache(maxsize=1)
def _place_index() -> dict[str, tuple[int, ...]]:
    """Map a lower-cased place name to the indexes of the summits held there."""
    index: dict[str, list[int]] = {}
    for i, row in enumerate(_summits()):
        for place in row["places"]:
            index.setdefault(place.lower(), []).append(i)
    return {key: tuple(value) for key, value in index.items()}


@lru_cache(maxsize=1)
def _reference_regex() -> re.Pattern[str]:
    """Compile the summit-reference regex once (series forms and place names from the data)."""
    series = _alternation(_SERIES_FORMS)
    places = _place_alternation()
    by_series = (
        rf"(?:(?P<det>{_DET})\s+)?(?:(?P<ord>{_ORDINAL})\s+)?(?:(?P<year1>{_YEAR})\s+)?"
        rf"(?P<series>{series})(?:[ -]?(?P<num>\d{{1,2}})(?!\d))?(?:\s+(?P<year2>{_YEAR}))?"
        rf"(?P<kind>\s+{_KIND})?"
        rf"(?P<where>\s+(?:in|at|hosted\s+by)\s+(?:the\s+)?(?P<place>{_PLACE})"
        rf"(?:,\s+(?P<place2>{_PLACE}))?)?"
    )
    # "the Kananaskis summit", "the Charlevoix G7 summit", "the summit in Gyeongju".
    by_place = (
        rf"(?:(?P<pdet>{_DET})\s+)?(?:(?P<pyear>{_YEAR})\s+)?(?P<pplace>{places})\s+"
        rf"(?:(?P<pseries>{series})\s+)?(?P<pkind>{_KIND})"
        rf"|(?:(?P<sdet>{_DET})\s+)?(?P<skind>{_KIND})\s+(?:in|at)\s+(?P<splace>{places})"
    )
    # "NATO leaders met in Vilnius", "G7 leaders gathered at Kananaskis".
    by_leaders = (rf"(?P<lseries>{series})\s+leaders\s+(?:[a-z]+\s+){{0,3}}?(?:in|at)\s+"
                  rf"(?P<lplace>{places})")
    return re.compile(rf"(?<![\w-])(?:{by_leaders}|{by_series}|{by_place})(?![\w-])")


def _place_alternation() -> str:
    """Regex alternation of every place name of the summit table."""
    return _alternation(p for row in _summits() for p in row["places"])


@lru_cache(maxsize=1)
def _prefilter() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(series form, summit place, meeting word) regexes: every reference holds a series form,
    or a place together with a meeting word, so text with neither skips the full regex. The
    meeting word is ``_KIND`` without its optional lead ("leaders'"): it finds a match exactly
    when ``_KIND`` does, several times faster."""
    return (re.compile(_alternation(_SERIES_FORMS)), re.compile(_place_alternation()),
            re.compile(rf"(?i:{_KIND_WORDS})"))


def _country_iso3(name: str) -> str:
    """Return the ISO3 code of a country name, or "" when it is not a country."""
    name = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
    if not name:
        return ""
    try:
        code = countrynames.to_code_3(name) or ""
    except (KeyError, ValueError):   # the library fails on some short codes such as "UN"
        return ""
    if code.startswith("GB-"):
        return "GBR"
    return code if len(code) == 3 and code.isalpha() else ""


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the bounds of the sentence around [start, end) by punctuation."""
    left = 0
    for match in _SENTENCE_END.finditer(text, max(0, start - 400), start):
        left = match.end()
    right_match = _SENTENCE_END.search(text, end)
    return left, right_match.start() + 1 if right_match else len(text)


def _local_tense(text: str, start: int, end: int) -> str:
    """Tense from cue words in the sentence, nearest cue before the reference first."""
    left, right = _sentence_bounds(text, start, end)
    before = text[max(left, start - TENSE_WINDOW_CHARS):start]
    cues = []
    for regex, tense in ((_FUTURE_CUE, "future"), (_PAST_CUE, "past"), (_PRESENT_CUE, "present")):
        for match in regex.finditer(before):
            cues.append((match.end(), tense))
    if cues:
        return max(cues)[1]
    after = text[end:right]
    cues = []
    for regex, tense in ((_FUTURE_CUE, "future"), (_PAST_CUE, "past"), (_PRESENT_CUE, "present")):
        match = regex.search(after)
        if match:
            cues.append((match.start(), tense))
    return min(cues)[1] if cues else ""


def _choose(candidates: list[dict], dct: date, tense: str) -> dict | None:
    """Pick the summit nearest ``dct`` in the direction of ``tense``."""
    if not candidates:
        return None
    if tense == "past":
        before = [row for row in candidates if row["start_date"] < dct]
        if before:
            return max(before, key=lambda row: row["start_date"])
    elif tense == "future":
        after = [row for row in candidates if row["end_date"] >= dct]
        if after:
            return min(after, key=lambda row: row["start_date"])

    def distance(row: dict) -> int:
        """Days between ``dct`` and the summit (0 when it falls within)."""
        if row["start_date"] <= dct <= row["end_date"]:
            return 0
        return min(abs((row["start_date"] - dct).days), abs((row["end_date"] - dct).days))

    return min(candidates, key=distance)


def _resolve(match: re.Match[str], text: str, dct: date, tense: str) -> KnowledgeDate | None:
    """Turn one regex match into a KnowledgeDate, or None when it is not a summit reference."""
    groups = match.groupdict()
    summits = _summits()
    start = match.start()
    end = match.end()
    det = (groups["det"] or groups["pdet"] or groups["sdet"] or "").lower()
    det = " ".join(det.replace("’", "'").split())
    year = groups["year1"] or groups["year2"] or groups["pyear"]
    wanted_year = int(year) if year else None
    if det.endswith("year's"):
        offset = {"last": -1, "previous": -1, "this": 0, "next": 1, "following": 1}
        wanted_year = dct.year + next(v for k, v in offset.items() if k in det)
    place_rows: set[int] | None = None
    host = ""
    if groups["series"]:
        series = _SERIES_FORMS[groups["series"]]
        number = groups["num"]
        if number and series != "COP":
            return None  # "G7 2" or similar: not a reference we understand
        has_cue = bool(groups["kind"] or year or groups["ord"] or det.endswith("year's")
                       or number or _MEETING_CUE.search(text, max(0, start - 40), start))
        if groups["place"]:
            place2 = groups["place2"]
            if place2 and not (_country_iso3(place2) or place2.lower() in _place_index()):
                # "APEC in Gyeongju, Pledging ...": what follows the comma is not a place.
                place2 = None
                end = match.end("place")
            place_rows, host = _place_filter(groups["place"], place2)
            if place_rows is None and not host:
                # "the G20 summit in November": the words after "in" are not a place.
                end = match.end("kind") if groups["kind"] else match.end("series")
                if groups["year2"]:
                    end = max(end, match.end("year2"))
            else:
                has_cue = True
        if not has_cue:
            return None
        candidates = [row for row in summits if row["series"] == series]
        if number:
            candidates = [row for row in candidates if row["edition"] == f"COP{int(number)}"]
        if groups["ord"]:
            ordinal = groups["ord"].lower()
            candidates = [row for row in candidates
                          if row["edition"].lower().split()[0] == ordinal]
    else:
        place = groups["pplace"] or groups["splace"] or groups["lplace"]
        place_rows = set(_place_index().get(place.lower(), ()))
        candidates = [summits[i] for i in sorted(place_rows)]
        if groups["pseries"] or groups["lseries"]:
            series = _SERIES_FORMS[groups["pseries"] or groups["lseries"]]
            candidates = [row for row in candidates if row["series"] == series]
        place_rows = None
    if (groups["series"] or groups["pseries"] or groups["lseries"]) in _G8_FORMS:
        candidates = [row for row in candidates if "(G8)" in row["edition"]]
    if place_rows is not None:
        candidates = [row for i, row in enumerate(summits) if i in place_rows and row in candidates]
    if host:
        hosted = [row for row in candidates if row["host_iso3"] == host]
        # A known venue outranks the region after it: "Sea Island, Georgia" is in the USA.
        candidates = hosted if hosted or place_rows is None else candidates
    if wanted_year is not None:
        candidates = [row for row in candidates if row["year"] == wanted_year]
    else:
        # A cancelled summit never happened: only an explicit year may point at it.
        candidates = [row for row in candidates if row["status"] != "cancelled"]
    explicit = ""
    if any(word in det for word in ("last", "previous", "latest", "most recent")):
        explicit = "past"
    elif any(word in det for word in ("next", "upcoming", "coming", "forthcoming", "following")):
        explicit = "future"
    if det.endswith("year's"):
        explicit = ""
    chosen = _choose(candidates, dct, explicit or tense or _local_tense(text, start, end))
    if chosen is None:
        return None
    return KnowledgeDate(
        start=start, end=end, text=text[start:end], name=chosen["name"], series=chosen["series"],
        date_start=chosen["start_date"], date_end=chosen["end_date"],
        host_iso3=chosen["host_iso3"], city=re.sub(r"\s*\(.*\)$", "", chosen["city"]),
    )


def _place_filter(place: str, place2: str | None) -> tuple[set[int] | None, str]:
    """Return (summit indexes held at the place or None, host ISO3) for "in <place>[, <p2>]"."""
    index = _place_index()
    rows = index.get(place.lower())
    host = _country_iso3(place2 or "") if place2 else ""
    if rows is None:
        host = host or _country_iso3(place)
        return None, host
    return set(rows), host


def find_summit_references(text: str, dct: date, tense: str = "") -> list[KnowledgeDate]:
    """Find references to summits in ``text`` and date them from the knowledge base.

    ``dct`` is the publication date; ``tense`` (past, present, future) of the clause, when the
    caller knows it, decides the direction when the wording does not ("last", "next",
    "last year's" and explicit years always win). Returns an empty list when nothing is found.
    """
    if not isinstance(text, str) or not text or not isinstance(dct, date):
        return []
    if isinstance(dct, datetime):
        dct = dct.date()   # a datetime does not compare with the table's dates
    text = text[:MAX_TEXT_CHARS]
    series, place, kind = _prefilter()
    # The place alternation is the cheaper search of the two: it goes first.
    if not series.search(text) and not (place.search(text) and kind.search(text)):
        return []
    found = []
    for match in _reference_regex().finditer(text):
        reference = _resolve(match, text, dct, tense)
        if reference is not None:
            found.append(reference)
    return found
