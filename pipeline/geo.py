"""Country tagger: names, aliases, demonyms, capitals and seats of government -> ISO 3166-1 alpha-3.

One compiled trie regex finds every candidate (whole words, case as written); context rules
then drop the candidates that are people ("Michael Jordan"), US places ("Lebanon, Pa.",
"north Georgia"), organisations ("American Red Cross"), languages ("speaks French") or other
senses ("Turkey dinner"); phrases such as "Latin America" or "Bank of America" are listed in
data/geo/not_countries.txt and swallow the country word inside them. Rules that need the whole
document (is this US local news? is the country otherwise named?) count cue words lazily, only
when an ambiguous candidate asks, so plain text costs one regex pass. Word lists live in
data/geo/context.yaml.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from pipeline.geo_data import cities, gazetteer, word_regex
from pipeline.records import GeoMention, RegionMention

# Words are neighbours across spaces or one line break (wrapped text), not across a blank line.
_GAP = r"(?:[ \t]+|[ \t]*\r?\n[ \t]*)"
_PREV_WORD = re.compile(r"([A-Za-z][\w'’-]*\.?)" + _GAP + "$")
_NEXT_WORD = re.compile(r"^" + _GAP + r"([\w][\w'’.-]*)")
_NEXT_CAP_SEQ = re.compile(r"^((?:[ \t]+(?:[A-Z][\w'’.&-]*|of|and|for|the|&)){1,6})")
_COMMA_NEXT = re.compile(r"^,[ \t]+([A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*)?)")
_COMMA_PREV = re.compile(r"([A-Z][\w'’.-]*),[ \t]+$")
_POSSESSIVE_NEXT = re.compile(r"^['’]s[ \t]+([a-z]+)")
_US_ROAD = re.compile(r"^(?:-|[ \t]+)\d")
_CAPITAL_PAIR = re.compile(r"^[ \t]+(?:and|or)[ \t]+([A-Z][\w'’.-]*(?:[ \t][A-Z][\w'’.-]*)?)")
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"[A-Za-z][\w'’-]*")
_WINDOW = 60  # characters of context looked at around a candidate
_PUNCT = ".,;:!?)\"'”’"


# ``_PREV_WORD`` read backwards: matched at the start of the reversed window, it finds the gap,
# the optional final period and the run of word characters before it, without trying every start
# in the window (the leftmost start ``_PREV_WORD`` would find is the run's first ASCII letter).
_PREV_WORD_REVERSED = re.compile(r"(?:[ \t]+|[ \t]*\n\r?[ \t]*)(\.?)([\w'’-]+)")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _word_ending(window: str) -> str:
    """The word ``_PREV_WORD`` finds ending ``window`` (its "$" at the very end), or ""."""
    m = _PREV_WORD_REVERSED.match(window[::-1])
    if m is None:
        return ""
    run = m.group(2)[::-1]
    first = _ASCII_LETTER.search(run)
    return run[first.start():] + m.group(1) if first else ""


@lru_cache(maxsize=1024)
def _prev_word(text: str, start: int) -> str:
    """The word just before ``start`` (same line, spaces only between), with its final period:
    what ``_PREV_WORD.search(text, start - _WINDOW, start)`` finds, whose "$" also matches before
    a final newline.

    Cached: the tests of one candidate place ask for the same word several times."""
    window = text[max(0, start - _WINDOW):start]
    word = _word_ending(window)
    if not word and window.endswith("\n"):
        word = _word_ending(window[:-1])
    return word


def _next_word(text: str, end: int) -> str:
    """The word just after ``end`` (spaces only between), without trailing punctuation."""
    m = _NEXT_WORD.match(text[end:end + _WINDOW])
    return m.group(1).rstrip(_PUNCT) if m else ""


def _is_capitalised(word: str) -> bool:
    """True for "Jordan", "O'Keeffe"; False for "said", "US", "Borders." (ends a sentence)."""
    return (len(word) > 1 and word[0].isupper() and any(c.islower() for c in word[1:])
            and not word.endswith("."))


def _title_case_line(text: str, start: int, end: int) -> bool:
    """True inside a headline written in Title Case, where capitals say nothing about names."""
    # Bounded searches: a long text without newlines must not make this quadratic.
    lo = max(text.rfind("\n", start - 80, start), text.rfind(". ", start - 80, start), start - 80)
    hi_candidates = [i for i in (text.find("\n", end, end + 80), text.find(". ", end, end + 80)) if i != -1]
    hi = min(hi_candidates + [end + 80])
    words = [w for w in _WORDS.findall(text[lo + 1:hi]) if len(w) > 3]
    if len(words) < 3:
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= 0.9


class _Doc:
    """Lazy document-level evidence: counts of cue words, computed on first use."""

    def __init__(self, text: str):
        self.text = text
        self._counts: dict[frozenset, int] = {}

    def count(self, words: frozenset[str]) -> int:
        """How many times any of ``words`` occurs in the document (whole words)."""
        if not words:
            return 0
        if words not in self._counts:
            self._counts[words] = sum(1 for _ in word_regex(words).finditer(self.text))
        return self._counts[words]


def _person(text: str, start: int, end: int, surface: str, kind: str, ctx: dict) -> bool:
    """True when the candidate reads as a person's name ("Mr. Jordan", "Chad Boyer")."""
    prev = _prev_word(text, start)
    if prev in ctx["titles"]:
        return True
    if surface not in ctx["person_capable"] or _title_case_line(text, start, end):
        return False
    entries = gazetteer().entries
    if re.fullmatch(r"[A-Z]\.", prev):
        return True          # an initial: "J. Jordan"
    if _is_capitalised(prev) and prev not in ctx["not_first_names"] and prev not in entries:
        return True          # a first name: "Michael Jordan", "Monica French"
    if kind in ("name", "capital"):
        nxt = _next_word(text, end)
        if (_is_capitalised(nxt) and nxt not in ctx["state_heads"] and nxt not in entries
                and nxt not in ctx["us_place_followers"] and nxt not in ctx["us_state_followers"]
                and nxt not in ctx["org_heads"] and nxt not in ctx["place_followers_any"]):
            # A surname follows ("Jordan Spieth", "Georgia Stevens"), unless a third capitalised
            # word makes it a name of an organisation ("Kenya Medical Practitioners").
            m = _NEXT_WORD.match(text[end:end + _WINDOW])
            third = _next_word(text, end + m.end()) if m and m.group(1) == nxt else ""
            return not _is_capitalised(third)
    return False


def _organisation(text: str, start: int, end: int, kind: str, ctx: dict) -> bool:
    """True when the candidate is inside an organisation's name ("American Red Cross")."""
    m = _NEXT_CAP_SEQ.match(text[end:end + _WINDOW])
    if m and m.group(1).split()[0][0].isupper():    # "United States and Soviet Union": two names
        for tok in m.group(1).split():
            bare = tok.rstrip(_PUNCT).split("-")[0]
            if tok in ctx["state_heads"] or bare in ctx["state_heads"]:
                break        # "Russian Foreign Ministry", "Israeli Defense Forces": the state
            if tok in ctx["org_heads"] or bare in ctx["org_heads"]:
                return True
            if bare != tok:
                break        # the name ended with punctuation
    if kind == "name" and _prev_word(text, start) in ctx["org_heads"]:
        return True          # "Club America"
    return False


def _language(text: str, start: int, end: int, surface: str, ctx: dict) -> bool:
    """True when a nationality word is used as a language ("speaks French", "French class")."""
    if surface not in ctx["languages"]:
        return False
    prev = _prev_word(text, start)
    if prev.lower() in ctx["language_before"]:
        return True
    after = text[end:end + 20]
    if after.startswith(("-language", "-speaking")):
        return True
    if _next_word(text, end).lower() in ctx["language_after"]:
        return True
    # "in French." / "in English and Spanish": "in" + language + end of phrase.
    if prev == "in" and re.match(r"^(?:[.,;:)\"'”]|\s+(?:and|or)\s)", after):
        return True
    return False


def _local_place(text: str, start: int, end: int, surface: str, kind: str, ctx: dict) -> bool:
    """True when the candidate is a US or Canadian place by its own context ("Lebanon, Pa.")."""
    entries = gazetteer().entries
    m = _COMMA_NEXT.match(text[end:end + 40])
    if m:
        words = m.group(1).split()
        cands = {m.group(1), words[0]}
        # "Georgia"/"Washington" after a comma are usually list items ("Turkey, Georgia, ...").
        if any(c in ctx["us_states"] or c in ctx["ca_provinces"] for c in cands
               if c not in ctx["states_in_lists"]):
            return True
    nxt = _next_word(text, end)
    if nxt in ctx["place_followers_any"] or (kind == "name" and nxt in ctx["subnational_after"]):
        return True          # "Guernsey County", "East Azerbaijan province" (not "Thai province")
    prev = _prev_word(text, start)
    if prev in ctx["place_prefixes"]:
        return True
    before = text[max(0, start - 14):start]
    if any(before.endswith(t + " ") for t in ctx["town_of"]):
        return True
    cm = _COMMA_PREV.search(text, max(0, start - _WINDOW), start)
    if cm and cm.group(1) in ctx["address_before"]:
        return True          # "400 S. Locust St., Lebanon"
    if surface not in ctx["us_place_names"]:
        return False
    if kind != "demonym" and (nxt in ctx["us_place_followers"] or nxt in ctx["town_followers_lower"]):
        return True          # "Lebanon County", "a Lebanon woman" (but "Georgian police")
    if surface in ctx["us_states"] or surface in ctx["us_state_demonyms"]:
        if nxt in ctx["us_state_followers"]:
            return True
        pm = _POSSESSIVE_NEXT.match(text[end:end + 30])
        if pm and pm.group(1) in ctx["us_state_possessed"]:
            return True
        if prev in ctx["us_place_before"]:
            return True
        if before.endswith(("state of ", "State of ")):
            return True
        if cm and cm.group(1) not in entries and cm.group(1).title() not in entries:
            return True      # "Atlanta, Georgia": a city, then the state
    return False


def _other_sense(text: str, end: int, surface: str, kind: str, ctx: dict) -> bool:
    """True for non-country senses decided by the next word ("Turkey dinner", "US 1", "US$")."""
    nxt = _next_word(text, end)
    if kind == "demonym" and (nxt.lower() in ctx["demonym_not_country_after"]
                              or text.startswith("-style", end)):
        return True
    if surface == "Turkey":
        return nxt.lower() in ctx["turkey_after"]
    if surface == "US":
        return bool(_US_ROAD.match(text[end:end + 3])) or text[end:end + 1] == "$"
    return False


def _shouting(text: str, start: int, end: int) -> bool:
    """True when "US" sits between all-caps words ("LET US GO"): the pronoun, not the country."""
    prev = re.search(r"([A-Za-z]+)\W*$", text[max(0, start - 20):start])
    nxt = re.match(r"^\W*([A-Za-z]+)", text[end:end + 20])
    return bool(prev and nxt and prev.group(1).isupper() and nxt.group(1).isupper()
                and len(prev.group(1)) > 1 and len(nxt.group(1)) > 1)


class _Support:
    """Evidence that a document is about a country apart from one surface form (counted once)."""

    def __init__(self, doc: _Doc, kept: list, doubtful: set[str], ctx: dict):
        self.doc = doc
        self.ctx = ctx
        self.by_iso3: Counter = Counter()
        self.by_surface: Counter = Counter()
        for c in kept:
            # Capitals count too, unless they are themselves names of US towns ("Paris").
            if c[2] not in doubtful and (c[4] in ("name", "demonym") or
                                         (c[4] == "capital" and c[2] not in ctx["us_place_names"])):
                self.by_iso3[c[3]] += 1
                self.by_surface[(c[3], c[2])] += 1

    def __call__(self, iso3: str, surface: str) -> int:
        """Other names, demonyms and capitals of ``iso3`` in the document, plus its cue words."""
        n = self.by_iso3[iso3] - self.by_surface[(iso3, surface)]
        cues = self.ctx["country_cues"].get(iso3)
        if cues:
            n += self.doc.count(cues)
        return n


def is_metonymic(text: str, mention: GeoMention) -> bool:
    """True when a capital or seat stands for its government ("Beijing said", "the Kremlin")."""
    return _metonymic(text, mention.start, mention.end, mention.kind)


def _metonymic(text: str, start: int, end: int, kind: str, depth: int = 0) -> bool:
    """``is_metonymic`` on raw offsets; ``depth`` bounds the walk back along a list."""
    if kind == "seat":
        return True
    if kind != "capital" or depth > 6:
        return False
    ctx = gazetteer().context
    prev = _prev_word(text, start)
    if prev in ctx["literal_before"]:
        return False         # "a crash in Paris has ...": the city, whatever verb follows
    after = text[end:end + _WINDOW]
    pm = _POSSESSIVE_NEXT.match(after)
    if pm:
        return pm.group(1) in ctx["metonymy_possessed"] or pm.group(1) in ctx["metonymy_verbs"]
    if _next_word(text, end) in ctx["metonymy_verbs"] and not after.startswith((",", ".")):
        return True
    # "Seoul and Tokyo condemned it": a pair of capitals shares the verb after the second one.
    pair = _CAPITAL_PAIR.match(after)
    if pair and gazetteer().entries.get(pair.group(1), None) is not None:
        second_end = end + pair.end(1)
        if _next_word(text, second_end) in ctx["metonymy_verbs"]:
            return True
    if prev in ctx["metonymy_before"]:
        if prev == "between":
            lo = max(0, start - _WINDOW)
            m = re.search(r"(\w+)[ \t]+between[ \t]+$", text[lo:start])
            return not (m and m.group(1).lower() in ctx["route_nouns"])
        return True
    lo = max(0, start - _WINDOW)
    cm = _COMMA_PREV.search(text, lo, start)
    if cm and cm.group(1) in gazetteer().entries:
        # "with Beijing, Washington and Tokyo": a list of capitals shares its head's reading.
        return _metonymic(text, cm.start(1), cm.end(1), kind, depth + 1)
    if prev in ("and", "or", "nor"):
        # "between Ottawa and Beijing", "with Beijing and Washington": the list's head decides.
        lo = max(0, start - _WINDOW)
        m = re.search(r"([A-Z][\w'’.-]*),?[ \t]+(?:and|or|nor)[ \t]+$", text[lo:start])
        if m and m.group(1) in gazetteer().entries:
            return _metonymic(text, lo + m.start(1), lo + m.end(1), kind, depth + 1)
    return False


def tag_countries(text: str) -> list[GeoMention]:
    """Find the mentions of countries in ``text``."""
    if not isinstance(text, str) or not text:
        return []
    gaz = gazetteer()
    ctx = gaz.context
    _prev_word.cache_clear()   # it only serves this text: never keep earlier texts alive
    # Candidates: [start, end, surface, iso3, kind].
    cands: list[list] = []
    for m in gaz.pattern.finditer(text):
        surface = m.group(0)
        entry = gaz.entries.get(surface)
        if entry is None:
            surface = _SPACES.sub(" ", surface)     # "United\n States" -> "United States"
            entry = gaz.entries.get(surface)
        if entry is None or entry.kind == "block":
            continue
        cands.append([m.start(), m.end(), surface, entry.iso3, entry.kind])
    if not cands:
        return []

    doc = _Doc(text)
    persons: set[str] = set()
    local_places: set[str] = set()
    kept: list[list] = []
    for c in cands:
        start, end, surface, iso3, kind = c
        if _person(text, start, end, surface, kind, ctx):
            persons.add(surface)
            continue
        if _local_place(text, start, end, surface, kind, ctx):
            local_places.add(surface)
            continue
        if _organisation(text, start, end, kind, ctx) or _language(text, start, end, surface, ctx):
            continue
        if _other_sense(text, end, surface, kind, ctx):
            continue
        if surface == "US" and _shouting(text, start, end):
            continue
        if kind == "combining" and not (text.startswith("-", end) and text[end + 1:end + 2].isalpha()):
            continue             # "Sino" only before a hyphen; "Franco" alone is a surname
        kept.append(c)

    # Document-level decisions for ambiguous names that survived the local rules: a name seen
    # as a person or a local place elsewhere in the document, or a town-like name in US local
    # news, stays only if the document otherwise points to the country.
    doubtful = persons | local_places
    support_of = _Support(doc, kept, doubtful, ctx)
    us_local = None
    out: list[GeoMention] = []
    for start, end, surface, iso3, kind in kept:
        if surface in doubtful or surface in ctx["us_place_names"] or surface in ctx["need_support"]:
            support = support_of(iso3, surface)
            if support == 0:
                if surface in doubtful or surface in ctx["need_support"]:
                    continue     # "Michael Jordan ... Jordan scored"; "Lebanon, Pa. ... Lebanon"
                if us_local is None:
                    us_local = doc.count(ctx["us_context"]) + doc.count(ctx["us_states_unambiguous"])
                if us_local >= 2:
                    continue     # US local news: Georgia the state, Palestine, Texas
                if kind == "capital" and not _metonymic(text, start, end, kind):
                    continue     # "in Paris" with no France nearby: Paris, Texas, or just a city
        if surface in ctx["other_sense_cues"]:
            if doc.count(ctx["other_sense_cues"][surface]) and not support_of(iso3, surface):
                continue         # "Turkey" in a Thanksgiving story
        if surface in ctx["native_ambiguous"]:
            if doc.count(ctx["native_cues"]) and not support_of(iso3, surface):
                continue         # American Indians in US local news
        for rule in ctx["reassign"]:
            if (iso3 == rule["from"] and surface in rule["surfaces"] and doc.count(rule["cues"])
                    and not doc.count(rule["unless"])):
                iso3 = rule["to"]    # "Congo ... Brazzaville"; "Korean" in a story on the North
        if kind == "combining":
            kind = "demonym"         # "Sino-US": reported as the nationality word it stands for
        out.append(GeoMention(start, end, text[start:end], iso3, kind))
    return out


def tag_regions(text: str) -> list[RegionMention]:
    """Find the mentions of groupings (EU, APEC, G7...) in ``text``."""
    if not isinstance(text, str) or not text:
        return []
    gaz = gazetteer()
    return [RegionMention(m.start(), m.end(), m.group(0), gaz.regions[_SPACES.sub(" ", m.group(0))])
            for m in gaz.region_pattern.finditer(text)]


def city_countries(text: str) -> tuple[str, ...]:
    """The countries of the cities named in ``text`` ("shelled the city of Homs": SYR), sorted.
    Used to place a happening whose clause names no country; a city is never a mention of its
    country (``tag_countries`` does not report it)."""
    if not isinstance(text, str) or not text:
        return ()
    pattern, names = cities()
    states = gazetteer().context["us_states"]
    found = set()
    for m in pattern.finditer(text):
        iso3 = names[_SPACES.sub(" ", m.group(0))]
        if iso3 != "USA" and _state_after(text, m.end(), states):
            continue   # "a federal court in Alexandria, Virginia": the American namesake
        found.add(iso3)
    return tuple(sorted(found))


# ", Virginia", ", Va.", ", New Jersey" after a place name
_STATE_AFTER = re.compile(r",\s*([A-Z][A-Za-z.]*)(?:\s([A-Z][A-Za-z.]*))?")


def _state_after(text: str, end: int, states: frozenset[str]) -> bool:
    """True when ", <US state>" follows ``end`` ("Alexandria, Va.", "Athens, Georgia")."""
    m = _STATE_AFTER.match(text, end)
    return m is not None and (m.group(1) in states or f"{m.group(1)} {m.group(2)}" in states)
