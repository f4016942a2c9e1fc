"""Actor tagger: people and organisations in an article, each resolved to one canonical actor.

How it works, in one pass over the capitalised word runs of the text:

1. Known actors come from curated files an analyst can extend: ``data/actors/leaders.csv``
   (heads of state and government, with terms), ``people.csv`` (other officials and
   newsmakers) and ``orgs.csv``. Their names and aliases are looked up by longest match.
2. Unknown people count only with a cue: a title or courtesy title before the name
   ("Premier", "Mr.", "Sgt."), a role noun before it ("former diplomat Colin Robertson",
   "Bush's spokeswoman, Kristy Campbell"), or an appositive after it ("Zhao Leji, chairman of
   China's top legislative body"). Capitalised words before a body's name ("General Sessions
   Court") are not people.
3. A later short form ("Carney", "Meng") is linked to the full name met in the text, nearest
   preceding mention first; a file alias is used only when the text gives no antecedent.
4. "The two leaders" is linked to the leaders of the sentences just before it.

Roles and countries come from cues in the text first, from the curated files second. The
country words of the cues ("Canadian", "China's", "to Beijing") are the country tagger's names,
capitals, seats and demonyms (``data/geo``, read through ``pipeline.geo_data``), for the
countries the lexicon lists as role cues.
"""
from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

import yaml

from pipeline.geo_data import country_forms
from pipeline.paths import data_dir
from pipeline.records import ActorMention

DATA_DIR = data_dir() / "actors"
# Longest text scanned, in characters; longer input is cut so one call stays bounded.
MAX_TEXT_CHARS = 200_000
# Longest name looked up in the gazetteer, in words (inclusive).
MAX_NAME_WORDS = 7
# Longest unknown person name taken after a cue, in words (inclusive).
MAX_UNKNOWN_NAME_WORDS = 4
# How many words before a name are read for a role cue (inclusive).
MAX_CUE_WORDS = 6
# Sentences looked back for the antecedents of "the two leaders" (inclusive).
GROUP_LOOKBACK_SENTENCES = 2
# Countries whose people's names are written family name first.
SURNAME_FIRST_ISO3 = frozenset({"CHN", "TWN", "HKG", "MAC", "KOR", "PRK", "VNM"})

_CAP = "A-ZÀ-ÖØ-Þ\u0100-\u017f"
_LOW = "a-zß-öø-ÿ\u0100-\u017f"
# Abbreviations that end with a full stop inside a name or title ("Sgt. Mark Dunakin").
_ABBREVIATIONS = ("Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Adm|Rev|St|Jr|Sr|Sgt|Cpl|Const|Det|"
                  "Insp|Supt|Capt|Maj|Hon|Cmdr")
_ABBREV = rf"(?:{_ABBREVIATIONS})\."
_DOTTED = r"(?:U\.S\.|U\.K\.|U\.N\.|E\.U\.)"
_INITIAL = rf"(?:[{_CAP}]\.){{1,3}}(?=[ \t])"
_WORD = rf"[{_CAP}][{_LOW}{_CAP}0-9]*(?:['’-](?!s\b)[{_LOW}{_CAP}]+)*"
# An Arabic name's article joined by a hyphen ("Bashar al-Assad", "Nouri al-Maliki") is one word.
_ARTICLES = "al|el|ad|ash|as|an|ar|at|az"
_ARTICLED = rf"(?:{_ARTICLES})-{_WORD}"
_TOKEN = rf"(?:{_ABBREV}|{_DOTTED}|{_INITIAL}|{_ARTICLED}|{_WORD})"
_ARTICLE_PREFIX = re.compile(rf"(?i:{_ARTICLES})-[{_CAP}]")
_PARTICLE = r"(?:von|van|der|den|de|da|do|dos|du|la|le|bin|ibn|al|el|di|del|ter|of|the)"
_POSSESSIVE = r"['’]s"
# A run of capitalised words, with particles and possessives inside ("National People's
# Congress", "Ursula von der Leyen"); titles and names are told apart word by word later.
_RUN = re.compile(
    rf"(?<![\w.’'-])(?:(?:von|van)[ \t]+(?:der[ \t]+)?)?{_TOKEN}"
    rf"(?:(?:{_POSSESSIVE})?[ \t]+(?:{_PARTICLE}[ \t]+)*{_TOKEN})*"
)
_RUN_PIECE = re.compile(rf"{_TOKEN}|{_PARTICLE}(?=[ \t])|{_POSSESSIVE}")
_PARTICLES = frozenset(_PARTICLE[3:-1].split("|"))
# Particles that can sit inside a person's name ("Michael de Jong"); "of" and "the" only join
# the words of an organisation's name ("Bank of Canada").
_NAME_PARTICLES = _PARTICLES - {"of", "the"}
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])|\n\s*\n")
_NON_FINAL_ABBREV = re.compile(rf"(?:\b(?:{_ABBREVIATIONS}|No|vs)|\b[A-Z])\.$")


@dataclass
class _Entry:
    """A known actor from the curated files."""

    name: str
    kind: str
    rows: list[tuple[str, str, date | None, date | None]] = field(default_factory=list)
    org_type: str = ""


@dataclass
class _Mention:
    """A mention found in the text, before the actor's attributes are merged."""

    start: int
    end: int
    name: str
    kind: str = "person"
    role: str = ""
    iso3: str = ""
    surface: str = ""           # the words as written, for short forms
    deferred: bool = False      # a bare short form still looking for its antecedent
    fallback: str = ""          # file actor to use when the text gives no antecedent
    cue_single: bool = False    # one word after a title: may be a known person's surname
    namesake: bool = False      # a leader's name used by someone else: no file attributes
    weak: bool = False          # an alias after an unknown word: link only within the text
    first: str = ""             # an unknown run without cue: its first word and its end,
    first_end: int = -1         # which alone may be a short form ("Robertson Says ...")


def _read_csv(name: str) -> list[dict[str, str]]:
    """Read one CSV file of the actor data folder."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _piece_key(piece: str) -> str:
    """Lookup form of one word: particles in lower case ("Al-Assad" as "al-Assad"), possessives
    as "'s"."""
    low = piece.lower()
    if low in _PARTICLES:
        return low
    if _ARTICLE_PREFIX.match(piece):
        head, rest = piece.split("-", 1)
        return f"{head.lower()}-{rest}"
    return "'s" if low in ("'s", "’s") else piece


def _key(surface: str) -> str:
    """Lookup form of a name, split into words the way the text is."""
    return " ".join(_piece_key(p.group()) for p in _RUN_PIECE.finditer(surface + " "))


def _day(value: str) -> date | None:
    """Parse an ISO date, empty meaning open-ended."""
    return date.fromisoformat(value) if value.strip() else None


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    """Load the word lists once, with lookup tables derived from them."""
    with (DATA_DIR / "lexicon.yaml").open(encoding="utf-8") as handle:
        lex = yaml.safe_load(handle)
    lex["title_map"] = {t.lower(): t for t in lex["titles"]}
    lex["honorific_set"] = {h.lower() for h in lex["honorifics"]}
    lex["role_map"] = {r.lower(): r for r in lex["role_nouns"]}
    lex["former_set"] = {w.lower() for w in lex["former_words"]}
    lex["leader_set"] = set(lex["leader_roles"])
    lex["namesake_set"] = {r.lower() for r in lex["namesake_roles"]}
    lex["org_word_set"] = set(lex["org_words"])
    lex["surname_first_set"] = set(lex["surname_first"])
    lex["stop_set"] = set(lex["stopwords"])
    lex["collective_set"] = frozenset(g.lower() for g in lex["collective_groups"])
    lex["max_title_words"] = max(len(t.split()) for t in lex["titles"] + lex["honorifics"])
    lex["max_role_words"] = max(len(r.split()) for r in lex["role_nouns"])
    lex["group_regex"] = re.compile(
        r"\b(?:" + "|".join(re.escape(g) for g in sorted(lex["group_references"], key=len,
                                                          reverse=True)) + r")\b",
        re.IGNORECASE,
    )
    return lex


@lru_cache(maxsize=1)
def _country_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Return (country name -> ISO3, capital or seat -> ISO3, demonym -> ISO3) for role cues.

    The forms are the country tagger's (``data/geo``, through ``geo_data.country_forms``), kept
    for the countries of the lexicon's ``role_cue_countries`` and less its ``not_role_cues``
    (forms that are also people's names or parts of other names: "Georgia", "Wales")."""
    lex = _lexicon()
    countries = frozenset(lex["role_cue_countries"])
    skip = frozenset(lex["not_role_cues"])
    forms = country_forms()

    def pick(*kinds: str) -> dict[str, str]:
        """Forms of ``kinds`` that are role cues, each with its country."""
        return {surface: iso3 for kind in kinds for surface, iso3 in forms[kind].items()
                if iso3 in countries and surface not in skip}

    # Seats stand for a government the way capitals do: "the Kremlin's spokesman".
    return pick("name"), pick("capital", "seat"), pick("demonym")


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    """Return (country name or capital -> ISO3, demonym -> ISO3): "China's", "Beijing's"."""
    names, capitals, demonyms = _country_tables()
    return {**capitals, **names}, demonyms


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, _Entry], dict[str, str], frozenset[str]]:
    """Return (canonical name -> entry, surface form -> canonical, single-word aliases)."""
    entries: dict[str, _Entry] = {}
    surfaces: dict[str, str] = {}
    for file_name in ("leaders.csv", "people.csv"):
        for row in _read_csv(file_name):
            entry = entries.setdefault(row["name"], _Entry(row["name"], "person"))
            entry.rows.append((row["role"], row["iso3"], _day(row["from"]), _day(row["to"])))
            for surface in [row["name"], *row["aliases"].split(";")]:
                if surface.strip():
                    surfaces[_key(surface)] = row["name"]
    for row in _read_csv("orgs.csv"):
        entry = entries.setdefault(row["name"], _Entry(row["name"], "org", org_type=row["type"]))
        entry.rows.append(("", row["iso3"], None, None))
        for surface in [row["name"], *row["aliases"].split(";")]:
            if surface.strip():
                surfaces[_key(surface)] = row["name"]
    single = frozenset(s for s, name in surfaces.items()
                       if " " not in s and entries[name].kind == "person" and s != name)
    return entries, surfaces, single


def load_actors() -> list[dict]:
    """Return the curated actors (leaders, people, organisations) as dicts."""
    entries, surfaces, _ = _gazetteer()
    aliases: dict[str, list[str]] = {}
    for surface, name in surfaces.items():
        if surface != name:
            aliases.setdefault(name, []).append(surface)
    return [
        {"name": e.name, "kind": e.kind, "aliases": sorted(aliases.get(e.name, [])),
         "terms": [{"role": r, "iso3": i, "from": f, "to": t} for r, i, f, t in e.rows]}
        for e in entries.values()
    ]


def _file_attributes(entry: _Entry, when: date | None) -> tuple[str, str]:
    """Role and country of a known actor: the term covering ``when``, else the latest one."""
    def covers(row: tuple) -> bool:
        """True when the term of ``row`` includes ``when`` (end date exclusive)."""
        return when is not None and (row[2] is None or row[2] <= when) and \
            (row[3] is None or when < row[3])
    current = [row for row in entry.rows if covers(row)]
    if current:
        return current[-1][0], current[-1][1]
    latest = max(entry.rows, key=lambda row: row[2] or date.min)
    return latest[0], latest[1]


def _sentence_initial(text: str, start: int) -> bool:
    """True when ``start`` opens a sentence, a line or a quotation."""
    before = text[max(0, start - 3):start].rstrip(" \t\"“‘(")
    return not before or before[-1] in ".!?:\n"


def _sentence_starts(text: str) -> list[int]:
    """Offsets where sentences start (a light splitter that respects Mr., U.S. and initials)."""
    starts = [0]
    for match in _SENTENCE_BREAK.finditer(text):
        if _NON_FINAL_ABBREV.search(text, max(0, match.start() - 5), match.start() + 1):
            continue
        starts.append(match.end())
    return starts


_FIRST_WORDS: dict[int, tuple[dict, frozenset[str]]] = {}


def _first_words(table: dict[str, str]) -> frozenset[str]:
    """The first words of ``table``'s phrases (the tables are the lexicon's: built once)."""
    cached = _FIRST_WORDS.get(id(table))
    if cached is None or cached[0] is not table:
        cached = (table, frozenset(phrase.split(" ", 1)[0] for phrase in table))
        _FIRST_WORDS[id(table)] = cached
    return cached[1]


def _longest(words: list[str], i: int, table: dict[str, str], limit: int,
             lower: bool = False) -> tuple[int, str]:
    """Longest phrase of ``words`` starting at ``i`` found in ``table``: (length, value)."""
    first = words[i].lower() if lower else words[i]
    if first not in _first_words(table):
        return 0, ""   # no phrase starts with this word: most capitalised words
    for size in range(min(limit, len(words) - i), 0, -1):
        phrase = " ".join(words[i:i + size])
        value = table.get(phrase.lower() if lower else phrase)
        if value is not None:
            return size, value
    return 0, ""


def _canonical_role(phrase: str) -> str:
    """Role as reported: titles in their listed form ("president" -> "President"), other role
    nouns in lower case ("diplomat"); "" when ``phrase`` (lower case) is neither."""
    lex = _lexicon()
    return lex["title_map"].get(phrase) or lex["role_map"].get(phrase, "")


def _cue_before(text: str, start: int) -> tuple[str, str] | None:
    """Role cue in the words just before ``start``: (role, iso3), or None when there is none."""
    lex = _lexicon()
    names, demonyms = _countries()
    window = text[max(0, start - 80):start]
    if not window or not window[-1].isspace():
        return None
    words = window.split()[-MAX_CUE_WORDS:]
    if not words:
        return None
    clean = [w.strip("\"“”‘(") for w in words]
    if clean[-1].endswith(",") and len(clean[-1]) > 1:
        # A role set off by a comma: "Bush's spokeswoman, Kristy Campbell, said".
        clean[-1] = clean[-1][:-1]
    role = ""
    for size in range(min(lex["max_role_words"], len(clean)), 0, -1):
        phrase = " ".join(clean[-size:]).lower()
        role = _canonical_role(phrase)
        if role:
            break
    if not role:
        return None
    rest = clean[:-size]
    iso3 = ""
    prefix = []
    # Look left for an organisation ("Huawei executive"), a country ("Canadian", "China's")
    # and "former", in any order, until a word that is none of these.
    while rest:
        word = rest[-1]
        base = re.sub(r"['’]s$", "", word)
        entries, surfaces, _ = _gazetteer()
        if word.lower() in lex["former_set"] or word.lower().rstrip("-") + "-" in lex["former_set"]:
            prefix.insert(0, "former")
        elif word in demonyms or base in names and base != word:
            iso3 = iso3 or demonyms.get(word) or names.get(base, "")
        elif surfaces.get(base) and entries[surfaces[base]].kind == "org":
            prefix.append(surfaces[base])
        else:
            break
        rest = rest[:-1]
    return " ".join([*prefix, role]), iso3


@lru_cache(maxsize=1)
def _appositive() -> re.Pattern[str]:
    """Compile the appositive regex once from the lexicon and the country lists."""
    lex = _lexicon()
    names, capitals, demonyms = _country_tables()

    def alternation(values) -> str:
        """Regex alternation of literal values, longest first."""
        return "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))

    roles = alternation(set(lex["role_map"]) | set(lex["title_map"]))
    # A country right after "of/for/at/in" counts only when no capitalised word follows it:
    # "an attorney for the Georgia School Boards Association" is not about a country.
    # Capitals count only after "to" ("ambassador to Beijing"): "a spokesperson for London
    # police" may well be in London, Ontario.
    return re.compile(
        rf"\s*,\s+(?:(?i:the|a|an)\s+)?(?P<former>(?i:former|ex-)\s*)?"
        rf"(?:(?P<dem>{alternation(demonyms)})\s+|(?P<poss>{alternation({**capitals, **names})})"
        rf"['’]s\s+)?"
        rf"(?:(?i:senior|chief|top|deputy|veteran|retired|longtime|leading|prominent)\s+)?"
        rf"(?P<role>(?i:{roles}))"
        rf"(?:\s+(?:(?:of|for|at|in)\s+(?:the\s+)?(?P<of>{alternation(names)})|"
        rf"to\s+(?:the\s+)?(?P<to>{alternation({**capitals, **names})}))"
        rf"(?!['’]?[ \t]+[A-Z]|[\w-]))?(?![\w-])"
    )


def _apply_appositive(text: str, mention: _Mention) -> bool:
    """Fill role and country of ``mention`` from an appositive after it; True if one was found."""
    match = _appositive().match(text, mention.end)
    if not match:
        return False
    names, demonyms = _countries()
    role = _canonical_role(match.group("role").lower())
    if match.group("former"):
        role = f"former {role}"
    iso3 = (demonyms.get(match.group("dem") or "") or names.get(match.group("poss") or "")
            or names.get(match.group("of") or "") or names.get(match.group("to") or "") or "")
    mention.role = mention.role or role
    mention.iso3 = mention.iso3 or iso3
    return True


def _is_namesake(entry: _Entry, role: str) -> bool:
    """True when a leader's name comes with a role no leader holds ("lawyer John Lee")."""
    lex = _lexicon()
    if not role or not any(row[0] in lex["leader_set"] for row in entry.rows):
        return False
    return role.lower().removeprefix("former ") in lex["namesake_set"]


def _opens_title_or_name(words: list[str], keys: list[str], i: int) -> bool:
    """True when ``words[i:]`` starts with a title, a courtesy title or a known name."""
    if i >= len(words):
        return False
    lex = _lexicon()
    _, surfaces, _ = _gazetteer()
    return bool(words[i].lower() in lex["honorific_set"] or words[i].lower() in lex["former_set"]
                or _longest(words, i, lex["title_map"], lex["max_title_words"], lower=True)[0]
                or _longest(keys, i, surfaces, MAX_NAME_WORDS)[0])


def _scan_run(text: str, run: re.Match[str], found: list[_Mention]) -> None:
    """Find the actors of one run of capitalised words (titles and names included)."""
    lex = _lexicon()
    names, demonyms = _countries()
    entries, surfaces, single = _gazetteer()
    pieces = list(_RUN_PIECE.finditer(run.group()))
    words = [p.group() for p in pieces]
    # Particles are looked up in lower case so "Von der Leyen" finds "von der Leyen".
    keys = [_piece_key(w) for w in words]
    base = run.start()
    role = iso3 = ""
    former = cued = False
    after_title = -1    # index of the word after the last title read
    after_unknown = -1  # index of the word after the last unknown capitalised words
    i = 0
    while i < len(words):
        if keys[i] == "'s":
            role = iso3 = ""
            former = cued = False
            i += 1
            continue
        size, canonical = _longest(keys, i, surfaces, MAX_NAME_WORDS)
        if size:
            start, end = base + pieces[i].start(), base + pieces[i + size - 1].end()
            surface = " ".join(words[i:i + size])
            mention = _Mention(start, end, canonical, entries[canonical].kind, surface=surface)
            if mention.kind == "person":
                if not cued and i == 0:
                    cue = _cue_before(text, start)
                    if cue:
                        role, iso3 = cue
                mention.role = f"former {role}" if former and role else role
                mention.iso3 = iso3
                mention.deferred = surface in single
                mention.fallback = canonical if mention.deferred else ""
                # "Trooper Matt Blair", "Chris Cuomo": an alias right after an unknown
                # capitalised word links only to a full name met in the text, never to the file.
                mention.weak = mention.deferred and after_unknown == i
                _apply_appositive(text, mention)
                mention.namesake = _is_namesake(entries[canonical], mention.role)
            found.append(mention)
            role = iso3 = ""
            former = cued = False
            i += size
            continue
        word = words[i]
        low = word.lower()
        if keys[i] in _PARTICLES:
            i += 1
            continue
        if low in lex["former_set"]:
            former = True
            i += 1
            continue
        size, title = _longest(words, i, lex["title_map"], lex["max_title_words"], lower=True)
        if size:
            # "Justice Minister": a title right after a title is one role.
            role = f"{role} {title}" if cued and role and after_title == i else title
            cued = True
            i += size
            after_title = i
            continue
        if low in lex["honorific_set"]:
            cued = True
            i += 1
            continue
        size, noun = _longest(words, i, lex["role_map"], lex["max_role_words"], lower=True)
        if size and i == 0 and i + size < len(words) and _sentence_initial(text, base):
            # A capitalised role noun opening a sentence: "Analyst Jane Doe".
            role, cued = _canonical_role(noun.lower()), True
            i += size
            continue
        size, country = _longest(words, i, demonyms, 3)
        if size and not iso3 and _opens_title_or_name(words, keys, i + size):
            # "Canadian Prime Minister", "Chinese Xi Jinping"; not "British Columbia".
            iso3 = country
            i += size
            continue
        if word in lex["stop_set"] or word in names:
            role = iso3 = ""
            former = cued = False
            i += 1
            continue
        # An unknown capitalised word: a name if a cue says so.
        if not cued and i == 0:
            cue = _cue_before(text, base + pieces[i].start())
            if cue:
                role, iso3 = cue
                cued = True
        j = i
        while j < len(words) and j - i < MAX_UNKNOWN_NAME_WORDS and keys[j] != "'s" and (
                keys[j] in _NAME_PARTICLES and j > i or keys[j] not in _PARTICLES
                and words[j] not in lex["stop_set"]
                and words[j] not in names and (j == i or words[j] not in demonyms)
                and words[j].lower() not in lex["title_map"]
                and (cued and j > i and keys[j] in single
                     or keys[j] not in surfaces and not _longest(keys, j, surfaces, MAX_NAME_WORDS)[0])):
            # After a cue a surname that is also a leader's alias is part of this name:
            # "Mayor Chuck Blair" is not Tony Blair.
            j += 1
        j = max(j, i + 1)   # always move on, whatever the word is
        while j > i + 1 and keys[j - 1] in _PARTICLES:
            j -= 1
        size, title = _longest(words, j, lex["title_map"], lex["max_title_words"], lower=True) \
            if j < len(words) else (0, "")
        if size and not cued:
            # A portfolio before a title: "Agriculture Minister Marie-Claude Bibeau".
            role, cued = " ".join([*words[i:j], title]), True
            i = j + size
            continue
        if j < len(words) and words[j] in lex["org_word_set"]:
            # "General Sessions Court", "Walker County Hospital": the name of a place or body.
            role = iso3 = ""
            former = cued = False
            i = j + 1
            continue
        start, end = base + pieces[i].start(), base + pieces[j - 1].end()
        mention = _Mention(start, end, " ".join(words[i:j]))
        mention.role = f"former {role}" if former and role else role
        mention.iso3 = iso3
        if j - i == 1:
            mention.deferred = True
            mention.cue_single = cued
        if cued or (j - i >= 2 and _apply_appositive(text, mention)):
            if cued:
                _apply_appositive(text, mention)
            found.append(mention)
        else:
            # Kept only if the text names this person in full elsewhere ("Kristy Campbell",
            # "Abu Jaafar" for "Mohammed Abu Jaafar"), or if the first word is a short form
            # of such a name ("Robertson Says ..."); see _resolve_short_forms.
            found.append(_Mention(start, end, mention.name, deferred=True,
                                  first_end=base + pieces[i].end(), first=words[i]))
            after_unknown = j
        role = iso3 = ""
        former = cued = False
        i = j


def _short_forms(mention: _Mention) -> list[str]:
    """Short forms a full name can be referred to by later ("Carney", "Meng")."""
    parts = [w for w in mention.name.split() if w not in _PARTICLES and not w.endswith(".")]
    if len(parts) < 2:
        return []
    lex = _lexicon()
    # "Meng Wanzhou" -> "Meng", "Lee Jae-myung" -> "Lee"; but "John Lee" (Hong Kong) -> "Lee".
    if parts[0] in lex["surname_first_set"] and (not mention.iso3 or mention.iso3 in SURNAME_FIRST_ISO3):
        return [parts[0]]
    return [parts[-1]]


@lru_cache(maxsize=1)
def _file_surnames() -> dict[str, str]:
    """Surname -> known person, for surnames that point at exactly one file person."""
    entries, _, _ = _gazetteer()
    seen: dict[str, set[str]] = {}
    for entry in entries.values():
        if entry.kind != "person":
            continue
        probe = _Mention(0, 0, entry.name, iso3=_file_attributes(entry, None)[1])
        for short in _short_forms(probe):
            seen.setdefault(short, set()).add(entry.name)
    return {short: next(iter(names)) for short, names in seen.items() if len(names) == 1}


def _resolve_short_forms(mentions: list[_Mention]) -> list[_Mention]:
    """Link bare short forms to full names in the text (or file aliases); drop the rest."""
    antecedents: dict[str, list[tuple[int, str]]] = {}
    for mention in mentions:
        if mention.kind == "person" and not mention.deferred:
            for short in _short_forms(mention):
                antecedents.setdefault(short, []).append((mention.start, mention.name))
    full_names = {m.name for m in mentions if m.kind == "person" and not m.deferred
                  and " " in m.name}
    kept = []
    for mention in mentions:
        if not mention.deferred:
            kept.append(mention)
            continue
        if mention.first:
            # An unknown run of capitalised words with no cue.
            words = mention.name.split()
            whole = next((n for n in sorted(full_names) if len(words) > 1
                          and n.split()[-len(words):] == words), None)
            if whole:
                mention.name = whole
            elif mention.first in antecedents:
                mention.end, mention.name = mention.first_end, mention.first
            else:
                continue
            if mention.name == whole:
                mention.deferred = False
                kept.append(mention)
                continue
        # A file alias ("Trudeau") is keyed by its surface: the text's own full name wins.
        key = mention.surface if mention.fallback else mention.name
        surface_candidates = antecedents.get(key)
        if surface_candidates:
            before = [c for c in surface_candidates if c[0] < mention.start]
            chosen = max(before)[1] if before else min(surface_candidates)[1]
        elif mention.weak:
            continue
        elif mention.fallback:
            chosen = mention.fallback
        elif mention.cue_single:
            chosen = _file_surnames().get(mention.name, mention.name)
            entries, _, _ = _gazetteer()
            if chosen in entries and _is_namesake(entries[chosen], mention.role):
                chosen = mention.name     # "Attorney General Abbott" is not Tony Abbott
        else:
            continue
        mention.name = chosen
        mention.kind = "person"
        mention.deferred = False
        kept.append(mention)
    return kept


def _group_mentions(text: str, mentions: list[_Mention], roles: dict[str, tuple[str, str]],
                    leaders: set[str]) -> list[_Mention]:
    """Mentions for "the two leaders" pointing at the leaders of the sentences before it."""
    lex = _lexicon()
    found = []
    starts: list[int] = []
    persons = sorted((m for m in mentions if m.kind == "person"), key=lambda m: m.start)
    person_starts = [m.start for m in persons]
    for match in lex["group_regex"].finditer(text):
        if not starts:
            starts = _sentence_starts(text)
        k = bisect.bisect_right(starts, match.start()) - 1
        window_start = starts[max(0, k - GROUP_LOOKBACK_SENTENCES)]
        people = persons[bisect.bisect_left(person_starts, window_start):
                         bisect.bisect_left(person_starts, match.start())]
        chosen = _pick_two(people, roles, leaders, starts, k)
        for name in chosen:
            found.append(_Mention(match.start(), match.end(), name))
    return found


def _pick_two(people: list[_Mention], roles: dict[str, tuple[str, str]], leaders: set[str],
              starts: list[int], k: int) -> list[str]:
    """The two leaders of the nearest sentence that has two: one per country when possible."""
    lex = _lexicon()
    for back in range(0, GROUP_LOOKBACK_SENTENCES + 1):
        lo = starts[max(0, k - back)]
        pool = [m for m in people if m.start >= lo]
        is_leader = [m for m in pool if m.name in leaders
                     or roles.get(m.name, ("", ""))[0] in lex["leader_set"]]
        pool = is_leader if len({m.name for m in is_leader}) >= 2 else pool
        last_by_country: dict[str, _Mention] = {}
        for m in pool:
            key = roles.get(m.name, ("", ""))[1] or m.name
            last_by_country[key] = m
        if len(last_by_country) >= 2:
            ordered = sorted(last_by_country.values(), key=lambda m: m.start)
            return [ordered[0].name, ordered[-1].name]
        names = list(dict.fromkeys(m.name for m in pool))
        if len(names) >= 2:
            return names[-2:]
    return []


def tag_actors(text: str, when: date | None = None) -> list[ActorMention]:
    """Find people and organisations in ``text``, resolved to canonical actors.

    ``when`` (e.g. the publication date) picks the curated role held at that date; without it
    the latest role is used. Every mention of one actor carries the same name, kind, role and
    country. Returns mentions in text order; an empty list when there are none.
    """
    if not isinstance(text, str) or not text:
        return []
    if isinstance(when, datetime):
        when = when.date()   # a datetime does not compare with the terms' dates
    elif not isinstance(when, date):
        when = None
    text = text[:MAX_TEXT_CHARS]
    raw: list[_Mention] = []
    for run in _RUN.finditer(text):
        _scan_run(text, run, raw)
    mentions = _resolve_short_forms(raw)
    entries, _, _ = _gazetteer()
    lex = _lexicon()
    # One role and one country per actor: text cues first (first mention that has one),
    # then the curated files.
    attributes: dict[str, tuple[str, str]] = {}
    text_role: dict[str, str] = {}
    text_iso3: dict[str, str] = {}
    for m in mentions:
        if m.role:
            text_role.setdefault(m.name, m.role)
        if m.iso3:
            text_iso3.setdefault(m.name, m.iso3)
    leaders = set()
    namesakes = {m.name for m in mentions if m.namesake}
    for m in mentions:
        if m.name in attributes:
            continue
        file_role = file_iso3 = ""
        if m.name in entries and m.name not in namesakes:
            file_role, file_iso3 = _file_attributes(entries[m.name], when)
            if any(row[0] in lex["leader_set"] for row in entries[m.name].rows):
                leaders.add(m.name)
        role = "" if m.kind == "org" else text_role.get(m.name) or file_role
        attributes[m.name] = (role, text_iso3.get(m.name) or file_iso3)
    mentions += _group_mentions(text, mentions, attributes, leaders)
    result = []
    for m in sorted(mentions, key=lambda m: (m.start, m.end, m.name)):
        role, iso3 = attributes.get(m.name, ("", ""))
        kind = entries[m.name].kind if m.name in entries and m.name not in namesakes else "person"
        result.append(ActorMention(start=m.start, end=m.end, text=text[m.start:m.end],
                                   name=m.name, kind=kind, role=role, iso3=iso3))
    return result


def names_a_collective(phrase: str) -> bool:
    """True when ``phrase`` (a subject) names a group by what it is or does ("the rebels", "riot
    police", "Egyptian protesters"): ``collective_groups`` of ``data/actors/lexicon.yaml``."""
    words = phrase.lower().split()
    groups = _lexicon()["collective_set"]
    return bool(words) and (words[-1] in groups or " ".join(words[-2:]) in groups)
