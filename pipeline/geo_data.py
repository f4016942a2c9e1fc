"""Gazetteer for the country tagger: loads data/geo once and compiles the matching regexes.

``country_forms()`` hands the same country vocabulary (names, demonyms, capitals, seats) to other
stages without the matchers: the actor tagger's role cues ("Canadian", "China's") come from it.
This module imports no other pipeline module but the ground-floor ``pipeline.paths``, so any
stage may import it.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pycountry
import yaml

from pipeline.paths import data_dir

DATA_DIR = data_dir() / "geo"

# Which source wins when one surface form is listed twice: a name beats a demonym beats a
# capital beats a seat; a "block" phrase (not_countries.txt) beats everything.
KIND_RANK = {"block": 0, "name": 1, "demonym": 2, "capital": 3, "seat": 4, "combining": 5}


@dataclass(frozen=True, slots=True)
class Entry:
    """What one surface form means: a country code and how it names the country."""

    iso3: str     # "" for block phrases
    kind: str     # name, demonym, capital, seat, combining ("Sino-") or block


@dataclass
class Gazetteer:
    """All surface forms, the compiled matchers and the context word lists."""

    entries: dict[str, Entry]
    pattern: re.Pattern
    regions: dict[str, str]
    region_pattern: re.Pattern
    context: dict
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)


def _rows(path: Path) -> list[list[str]]:
    """CSV rows of a data file, without the header and ``#`` comment lines."""
    with path.open(encoding="utf-8", newline="") as f:
        lines = [ln for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
    return [r for r in csv.reader(lines)][1:]


def _lines(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a text data file."""
    with path.open(encoding="utf-8") as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")]


def _ascii_fold(s: str) -> str:
    """``s`` without accents ("Türkiye" -> "Turkiye"), so unaccented spellings match too."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _variants(s: str) -> set[str]:
    """Spelling variants of a surface form: accents folded, straight or curly apostrophe."""
    out = {s, _ascii_fold(s)}
    for v in list(out):
        if "'" in v:
            out.add(v.replace("'", "\u2019"))
    return out


def pycountry_names() -> list[tuple[str, str]]:
    """(iso3, name) for every plain English name pycountry gives (no "Korea, Republic of")."""
    out = []
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            n = getattr(c, attr, None)
            if n and "," not in n and "(" not in n and n[0].isupper():
                out.append((c.alpha_3, n))
    return out


def trie_regex(words: list[str]) -> str:
    """One regex alternation over ``words`` shaped as a character trie (fast, longest first)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        """The regex for the subtree under ``node``."""
        # "" marks the end of a word; children are tried before it so longer forms win.
        ends = "" in node
        # A space in a name matches any run of whitespace: line-wrapped text ("United\n States")
        # and non-breaking spaces ("South\u00a0Korea") still match.
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + emit(child)
                for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return emit(trie)


def _add(entries: dict, conflicts: list, surface: str, entry: Entry) -> None:
    """Register ``surface``; keep the higher-ranked entry and record true code conflicts."""
    for v in _variants(surface):
        old = entries.get(v)
        if old is None:
            entries[v] = entry
            continue
        if old.kind != "block" and entry.kind != "block" and old.iso3 != entry.iso3:
            conflicts.append((v, old.iso3, entry.iso3))
        if KIND_RANK[entry.kind] < KIND_RANK[old.kind]:
            entries[v] = entry


def _source_forms() -> list[tuple[str, str, str]]:
    """(kind, iso3, surface) for every country form of the data files, in the order they are
    registered: pycountry names (less excluded_names.txt), aliases, demonyms, capitals, seats,
    combining forms. A form may be listed twice; the gazetteer ranks the readings."""
    forms: list[tuple[str, str, str]] = []
    excluded = set(_lines(DATA_DIR / "excluded_names.txt"))
    forms += [("name", iso3, name) for iso3, name in pycountry_names() if name not in excluded]
    forms += [("name", iso3, alias) for iso3, alias in _rows(DATA_DIR / "aliases.csv")]
    with (DATA_DIR / "demonyms.yaml").open(encoding="utf-8") as f:
        forms += [("demonym", iso3, form) for iso3, listed in yaml.safe_load(f).items()
                  for form in listed]
    forms += [("capital", iso3, capital) for iso3, capital in _rows(DATA_DIR / "capitals.csv")]
    forms += [("seat", iso3, seat) for iso3, seat in _rows(DATA_DIR / "seats.csv")]
    forms += [("combining", iso3, form) for iso3, form in _rows(DATA_DIR / "combining_forms.csv")]
    return forms


@lru_cache(maxsize=1)
def country_forms() -> dict[str, dict[str, str]]:
    """Surface form -> ISO3 by kind ("name", "demonym", "capital", "seat", "combining"), as the
    data files list them: no spelling variants, no dateline capitals, no block phrases.

    For other stages that need the country vocabulary (role cues of the actor tagger) without
    the tagger's matchers. A form listed under two kinds is under both ("US" is a name and a
    demonym); within one kind the first listing wins, as in the gazetteer."""
    out: dict[str, dict[str, str]] = {kind: {} for kind in KIND_RANK if kind != "block"}
    for kind, iso3, surface in _source_forms():
        out[kind].setdefault(surface, iso3)
    return out


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Load every data/geo file once and build the matchers."""
    entries: dict[str, Entry] = {}
    conflicts: list[tuple[str, str, str]] = []
    for kind, iso3, surface in _source_forms():
        _add(entries, conflicts, surface, Entry(iso3, kind))
        if kind == "capital" and len(surface) >= 4:
            # Datelines write the city in capitals: "MOSCOW (Reuters) -", "TBILISI, Georgia --".
            _add(entries, conflicts, surface.upper(), Entry(iso3, "capital"))
    with (DATA_DIR / "context.yaml").open(encoding="utf-8") as f:
        context = yaml.safe_load(f)
    # Bare "Congo" and "Congolese" are resolved per document (DR Congo unless Brazzaville cues).
    _add(entries, conflicts, "Congo", Entry("COD", "name"))
    for phrase in _lines(DATA_DIR / "not_countries.txt"):
        _add(entries, conflicts, phrase, Entry("", "block"))

    # (?<!\w) / (?!\w): whole words only; the trie makes the longest listed form win.
    pattern = re.compile(r"(?<![\w])(?:" + trie_regex(sorted(entries)) + r")(?![\w])")

    with (DATA_DIR / "regions.yaml").open(encoding="utf-8") as f:
        region_data = yaml.safe_load(f)
    regions = {name: rid for rid, names in region_data.items() for name in names}
    region_pattern = re.compile(r"(?<![\w])(?:" + trie_regex(sorted(regions)) + r")(?![\w])")

    # Sets for the context rules (fast membership tests).
    for key, val in list(context.items()):
        if isinstance(val, list) and all(isinstance(v, str) for v in val):
            context[key] = frozenset(val)
    for rule in context["reassign"]:
        for key in ("surfaces", "cues", "unless"):
            rule[key] = frozenset(rule[key])
    for key in ("country_cues", "other_sense_cues"):
        context[key] = {k: frozenset(v) for k, v in context[key].items()}
    context["us_states_unambiguous"] = context["us_states"] - context["states_in_lists"]
    # Dateline forms ("ATHENS -") are as ambiguous as the names they spell.
    context["us_place_names"] = context["us_place_names"] | {s.upper() for s in context["us_place_names"]}
    return Gazetteer(entries, pattern, regions, region_pattern, context, conflicts)


@lru_cache(maxsize=None)
def word_regex(words: frozenset[str]) -> re.Pattern:
    """Whole-word matcher for a set of cue words (compiled once per set)."""
    return re.compile(r"(?<![\w])(?:" + trie_regex(sorted(words)) + r")(?![\w])")


@lru_cache(maxsize=1)
def cities() -> tuple[re.Pattern, dict[str, str]]:
    """The cities of ``cities.csv`` that are not capitals: a whole-name matcher (case as written,
    accents optional) and each spelling's ISO 3166-1 alpha-3 code."""
    names: dict[str, str] = {}
    for iso3, city in _rows(DATA_DIR / "cities.csv"):
        for variant in _variants(city.strip()):
            names[variant] = iso3.strip()
    pattern = re.compile(r"(?<![\w-])(?:" + trie_regex(sorted(names)) + r")(?![\w-])")
    return pattern, names

