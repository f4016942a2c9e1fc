"""Ground floor: the small typed records every stage shares, and the event column contract.

Nothing here imports another module of the project. Stages take and return these frozen
records (or DataFrames with the columns of ``EVENT_COLUMNS``); "nothing found" is an empty
tuple or list, never None.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Precision names, finest first. The index is used to compare precisions ("at least month").
PRECISIONS: tuple[str, ...] = (
    "day", "week", "month", "quarter", "season", "year", "decade", "century",
)
# How an event got its date.
DATE_BASES: tuple[str, ...] = ("explicit", "relative", "narrative", "knowledge", "publication")
TENSES: tuple[str, ...] = ("past", "present", "future")
# Why an event is doubtful (the ``flags`` column): its date is a weak guess, it is dated after its
# article in the past tense, no clause names what happened, its title is only a date word, or it
# was read from a photo caption.
FLAGS: tuple[str, ...] = ("low_confidence", "future_past_tense", "no_action", "date_word_title", "photo_caption")
LOW_CONFIDENCE_BELOW = 0.5   # exclusive bound: an event whose confidence is lower gets "low_confidence"
TIMEX_TYPES: tuple[str, ...] = ("DATE", "TIME", "DURATION", "SET")


@dataclass(frozen=True, slots=True)
class Article:
    """One cleaned article: headline as ``title``, cleaned body as ``text``."""

    article_id: str          # content hash of the normalised title + text (hex, 16 chars)
    title: str
    text: str                # cleaned body, without the title
    published: date
    published_assumed: bool = False   # True when no date was given or found
    url: str = ""
    source: str = ""
    path: str = ""           # where it was read from, for messages


@dataclass(frozen=True, slots=True)
class WebFetch:
    """How an article came from the web (``pipeline.fetch``): the URL asked for, where it ended, the
    answer's status, time and validators, and the feed entry that listed it, if any."""

    url: str                 # as asked for (a command line, a URL list, a feed entry's link)
    final_url: str = ""      # after redirects: the article's link
    status: int = 0          # HTTP status of the answer (0: no answer)
    fetched_at: str = ""     # ISO 8601, UTC
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""
    feed_url: str = ""       # the feed listing it ("" when not from a feed)
    entry_id: str = ""       # that feed entry's id (its guid, else its link)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article body, with character offsets into ``Article.text``."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Timex:
    """A time expression found by the temporal tagger, normalised to TimeML TIMEX3.

    ``start``/``end`` are offsets into the text given to the tagger. For DATE and TIME
    expressions that resolve to a calendar period, ``date_start``/``date_end`` give that period
    (inclusive) and ``precision`` its granularity; they are None for durations, sets and
    PRESENT_REF/PAST_REF/FUTURE_REF.
    """

    start: int
    end: int
    text: str
    type: str                 # DATE, TIME, DURATION, SET
    value: str                # TIMEX3 value: 2018, 2025-10, 2026-01-15, P10Y, PAST_REF...
    mod: str = ""             # TIMEX3 mod: START, MID, END, BEFORE, AFTER, APPROX... or ""
    date_start: date | None = None
    date_end: date | None = None
    precision: str = ""       # one of PRECISIONS, or "" when not a calendar period
    basis: str = ""           # explicit, relative or narrative ("" for durations and sets)
    tense: str = ""           # past, present or future: tense of the clause around it, if known
    confidence: float = 1.0   # how clearly the text chose its anchor (publication date or the
                              # story's time): 0.5 a coin toss, 1 no doubt or no choice to make


@dataclass(frozen=True, slots=True)
class GeoMention:
    """A mention of a country (by name, demonym, capital, seat, or via a person or organisation)."""

    start: int
    end: int
    text: str
    iso3: str
    kind: str                 # name, demonym, capital, seat, person, org


@dataclass(frozen=True, slots=True)
class RegionMention:
    """A mention of a grouping such as the EU, ASEAN, APEC, G7, G20, NATO or BRICS."""

    start: int
    end: int
    text: str
    region: str               # canonical id, e.g. "EU", "APEC"


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A mention of a person or organisation, resolved to one canonical actor."""

    start: int
    end: int
    text: str
    name: str                 # canonical name, e.g. "Mark Carney"
    kind: str                 # person or org
    role: str = ""            # e.g. "Prime Minister", "Premier", "former diplomat"
    iso3: str = ""            # the actor's country, if known


@dataclass(frozen=True, slots=True)
class EventCode:
    """A CAMEO event code with its Goldstein score and quad class."""

    code: str                 # CAMEO code as a string: "042", "173", "0841"
    label: str
    goldstein: float
    quad_class: int           # 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict


@dataclass(frozen=True, slots=True)
class KnowledgeDate:
    """A reference to a dated recurring event (a summit) resolved from the knowledge base."""

    start: int                # offsets of the reference in the text given to the resolver
    end: int
    text: str
    name: str                 # e.g. "APEC Economic Leaders' Meeting 2025"
    series: str               # e.g. "APEC"
    date_start: date
    date_end: date
    host_iso3: str = ""
    city: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    """One dated happening reported by one article (one row of the event table)."""

    event_id: str
    article_id: str
    date_start: date
    date_end: date
    precision: str
    timex_value: str
    date_text: str
    date_basis: str
    tense: str
    title: str
    sentence: str
    countries: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    event_code: str = ""
    goldstein: float | None = None
    confidence: float = 0.0
    regions: tuple[str, ...] = ()
    quad_class: int | None = None
    sentence_index: int = -1
    date_offset: tuple[int, int] = (-1, -1)   # offsets of date_text inside ``sentence``
    flags: tuple[str, ...] = ()                # reasons to doubt the event (FLAGS); () when solid
    extra: dict = field(default_factory=dict, compare=False, hash=False)


# The event table's column contract, in order. List columns hold tuples of strings in
# DataFrames and are joined with ";" in CSV. Columns a later stage fills stay present and empty.
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id",        # stable content hash (hex)
    "article_id",      # the reporting article's content hash
    "date_start",      # ISO date, inclusive
    "date_end",        # ISO date, inclusive
    "precision",       # day, week, month, quarter, season, year, decade, century
    "timex_value",     # TIMEX3 value of the date expression
    "date_text",       # the expression as written
    "date_basis",      # explicit, relative, narrative, knowledge, publication
    "tense",           # past, present, future
    "title",           # what happened, at most 90 characters
    "sentence",        # the source sentence
    "countries",       # ISO 3166-1 alpha-3 codes
    "actors",          # canonical names of people and organisations
    "topics",          # taxonomy ids (slugs)
    "event_code",      # CAMEO code as a string
    "goldstein",       # Goldstein score of the event code
    "confidence",      # 0..1
    "regions",         # groupings: EU, ASEAN, APEC, G7, G20, NATO, BRICS...
    "quad_class",      # 1..4
    "sentence_index",  # index of the sentence in the article
    "date_char_start", # offsets of date_text inside sentence (-1 when not in it)
    "date_char_end",
    "published",       # publication date of the reporting article
    "article_title",
    "flags",           # why the event is doubtful (FLAGS); empty when it is not
)
# Columns the store adds to each canonical event: how many mentions report it, when, and where.
STORE_COLUMNS: tuple[str, ...] = (
    "mentions",        # number of mentions (one per reporting sentence) merged into the event
    "first_reported",  # earliest publication date of a reporting article
    "last_reported",   # latest publication date of a reporting article
    "article_ids",     # the reporting articles' ids, earliest first
    "sources",         # their headlines, in the same order
)

# The kind of every column, whatever holds the table (DataFrame, store, CSV, Parquet, JSON):
# text (dates are ISO text), int, float, or list (of strings).
COLUMN_KINDS: dict[str, str] = {
    **{c: "text" for c in ("event_id", "article_id", "date_start", "date_end", "precision", "timex_value",
                           "date_text", "date_basis", "tense", "title", "sentence", "event_code", "published",
                           "article_title", "first_reported", "last_reported")},
    **{c: "int" for c in ("quad_class", "sentence_index", "date_char_start", "date_char_end", "mentions")},
    **{c: "float" for c in ("goldstein", "confidence")},
    **{c: "list" for c in ("countries", "actors", "topics", "regions", "flags", "article_ids", "sources")},
}
KINDS: tuple[str, ...] = ("text", "int", "float", "list")
INT_COLUMNS: frozenset[str] = frozenset(c for c, k in COLUMN_KINDS.items() if k == "int")
FLOAT_COLUMNS: frozenset[str] = frozenset(c for c, k in COLUMN_KINDS.items() if k == "float")
# The list columns an extracted event carries (the store adds article_ids and sources).
LIST_COLUMNS: frozenset[str] = frozenset(c for c in EVENT_COLUMNS if COLUMN_KINDS[c] == "list")
# Every list column, the store's included.
ALL_LIST_COLUMNS: frozenset[str] = frozenset(c for c, k in COLUMN_KINDS.items() if k == "list")
TITLE_MAX_CHARS = 90  # inclusive upper bound on an event title's length


def list_cell(value: Any) -> tuple[str, ...]:
    """The values of a list cell in any of its forms, as a tuple of non-empty strings.

    A tuple (the DataFrame form) is returned as it is; a list, set or array is read item by
    item; text is JSON (the store's form, ``["CAN", "CHN"]``) or ``;``-joined (CSV's form,
    ``CAN;CHN``); a missing cell (None, NaN, pd.NA) or any other scalar has no values.
    """
    if type(value) is tuple:
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            if isinstance(parsed, list):
                return tuple(s for s in (str(x) for x in parsed if x is not None) if s)
        return tuple(s for s in (x.strip() for x in text.split(";")) if s)
    try:
        items = tuple(value)
    except TypeError:
        return ()
    for x in items:
        if type(x) is not str or not x:
            return tuple(s for s in (str(y) for y in items if y is not None) if s)
    return items   # already non-empty strings: the common case, kept cheap


def json_list(value: Any) -> str:
    """A list cell in the store's form: its distinct values, sorted, as JSON text."""
    return json.dumps(sorted(set(list_cell(value))), ensure_ascii=False)
