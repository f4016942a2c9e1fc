"""The storage form of event mentions and their candidate keys: pure, no database.

What the writer stores for an extracted event row, computed where the row is made (an ingest
worker imports this module and no database code):
- the row as the ``events`` table holds it: ISO dates, typed numbers, list cells as JSON text
  (``records.json_list``);
- the JSON copy of the mention kept in ``mentions.data``;
- its merge form (``merge.prepare``) and the keys under which the store files events, so that
  "events sharing a party with this mention" is an index lookup.
"""
from __future__ import annotations

import functools
import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Iterable

import pandas as pd

from pipeline.merge import MAX_MERGE_SPAN_DAYS, MERGEABLE_PRECISIONS, Mention, as_set, prepare
from pipeline.records import COLUMN_KINDS, EVENT_COLUMNS, PRECISIONS, Article, json_list, list_cell

# Mention fields kept in their own columns of ``mentions`` (left out of its JSON copy).
MENTION_COLUMNS: tuple[str, ...] = ("sentence", "sentence_index", "date_text", "date_start", "date_end",
                                    "precision", "title")
# Longest party key filed (characters): an index key must stay well under the database's limits.
MAX_KEY_CHARS = 250


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def iso_cell(value: Any) -> str:
    """A date cell as ISO text ("" when missing)."""
    if _missing(value) or value is pd.NaT or value is pd.NA:   # NaT is a datetime too: test it first
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    try:
        if pd.isna(value):   # numpy's NaT and other missing scalars
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)[:10]


def number_cell(value: Any, kind: type) -> Any:
    """A number cell as ``kind`` (int or float), None when missing or not a number."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, float) and math.isnan(value):
            return None
        return kind(value)
    except (TypeError, ValueError):
        return None


def text_cell(value: Any) -> str:
    """A text cell ("" when missing)."""
    if _missing(value):
        return ""
    # NUL bytes are legal in Python strings but rejected by PostgreSQL text columns.
    return str(value).replace("\x00", "")


def _text_of(value: Any) -> str:
    # ``text_cell`` with the common case (a str without NUL) first.
    return value if type(value) is str and "\x00" not in value else text_cell(value)


def _date_of(value: Any) -> str:
    # ``iso_cell`` with the common case (ISO text) first: text is never missing nor a date.
    return value[:10] if type(value) is str else iso_cell(value)


def _float_of(value: Any) -> Any:
    # ``number_cell(value, float)`` with the common case (a float, NaN for missing) first.
    if type(value) is float:
        return None if value != value else value
    return number_cell(value, float)


def _int_of(value: Any) -> Any:
    return value if type(value) is int else number_cell(value, int)


def _list_of(value: Any) -> str:
    # ``json_list`` cached for a tuple of strings (the extractor's form): an article's parties,
    # topics and flags repeat event after event.
    if type(value) is tuple and all(type(x) is str for x in value):
        return _json_list_cached(value)
    return json_list(value)


@functools.lru_cache(maxsize=16384)
def _json_list_cached(value: tuple[str, ...]) -> str:
    return json_list(value)


# How each column of an extracted row becomes its ``events`` cell (the dates are ISO text).
_CELL_OF: tuple[tuple[str, Any], ...] = tuple(
    (col, _list_of if COLUMN_KINDS[col] == "list" else _date_of if col in ("date_start", "date_end")
     else _float_of if COLUMN_KINDS[col] == "float" else _int_of if COLUMN_KINDS[col] == "int" else _text_of)
    for col in EVENT_COLUMNS)


def event_record(row: dict[str, Any], article: Article) -> dict[str, Any]:
    """An extracted event row in the ``events`` table's form, with the article's fields."""
    get = row.get
    rec: dict[str, Any] = {col: cell(get(col)) for col, cell in _CELL_OF}
    rec["article_id"] = article.article_id
    rec["published"] = article.published.isoformat()
    rec["article_title"] = text_cell(article.title)
    if rec["date_end"] == "" or (rec["date_start"] and rec["date_end"] < rec["date_start"]):
        rec["date_end"] = rec["date_start"]
    return rec


def mention_record(row: dict[str, Any], fallback: dict[str, Any]) -> dict[str, Any]:
    """A stored mention (a ``mentions`` row) as an event record: its own columns plus its JSON
    copy; stores older than the copies give the event's fields (``fallback``) instead."""
    try:
        rec = json.loads(row["data"]) if row.get("data") else None
    except ValueError:
        rec = None
    if not isinstance(rec, dict):
        rec = {k: fallback.get(k) for k in EVENT_COLUMNS}
    rec.update({k: row[k] for k in MENTION_COLUMNS})
    return rec


def _rows_of(events: Any) -> list[dict[str, Any]]:
    """Event rows as dicts: a list of dicts as it is, a DataFrame column by column (much faster
    than ``to_dict``), None as no rows."""
    if isinstance(events, list):
        return events
    if events is None or events.empty:
        return []
    names = [str(c) for c in events.columns]
    columns = [events[c].tolist() for c in events.columns]
    return [dict(zip(names, values)) for values in zip(*columns)]


# ----- candidate keys -----------------------------------------------------------------------
# The store files every canonical event under one key per party ("a:<actor>", "c:<country>",
# and "n:<country>" while the event names no actor) and one per sentence of its mentions
# (``wording_key``), together with its CAMEO root, so a mention finds the events it may merge
# with by looking up its own keys.

def code_root(rec: dict[str, Any]) -> str:
    """The CAMEO root (first two digits) of an event's code, "" when uncoded."""
    return text_cell(rec.get("event_code"))[:2]


def event_keys(rec: dict[str, Any]) -> frozenset[tuple[str, str]]:
    """The (party key, CAMEO root) pairs an event is filed under ("a:Mark Carney", "04")."""
    return _keys_cached(rec.get("countries") or "", rec.get("actors") or "", code_root(rec))


@functools.lru_cache(maxsize=16384)
def _keys_cached(countries: Any, actors: Any, root: str) -> frozenset[tuple[str, str]]:
    # Cached on the list cells' JSON text: an event's parties repeat mention after mention.
    countries, actors = list_cell(countries), list_cell(actors)
    base = {"c:" + c for c in countries} | {"a:" + a for a in actors}
    if not actors:
        base |= {"n:" + c for c in countries}
    return frozenset((k[:MAX_KEY_CHARS], root) for k in base)


def wording_key(rec: dict[str, Any]) -> str:
    """The key of a mention's sentence as written and its date ("t:" and a hash of its casefolded
    words and its period), "" without a sentence: the same sentence with the same date reported
    again (a syndicated copy, a near-copy of an article) finds the event that already holds it,
    whoever the sentence names."""
    return _wording_key(text_cell(rec.get("sentence")), iso_cell(rec.get("date_start")),
                        iso_cell(rec.get("date_end")))


@functools.lru_cache(maxsize=16384)
def _wording_key(sentence: str, start: str, end: str) -> str:
    # Cached: the writer asks for the key of a mention and of the event it joins or founds.
    words = " ".join(sentence.casefold().split())
    if not words:
        return ""
    dated = "\x1f".join((words, start, end))
    return "t:" + hashlib.sha256(dated.encode("utf-8")).hexdigest()[:16]


def lookup_keys(rec: dict[str, Any]) -> list[str]:
    """The keys under which a mention's possible partners are filed, sorted.

    A mention naming actors can only join an event sharing one of them, or an event naming no
    actor that shares a country (two different actor sets conflict); one naming no actor can
    join any event sharing a country. (The store's query narrows the search by CAMEO root; an
    event holding the very same sentence and date is found through ``wording_key``.)
    """
    # (``as_set`` caches the JSON text of the store's rows: the same party lists come back mention
    # after mention)
    countries, actors = as_set(rec.get("countries")), as_set(rec.get("actors"))
    if actors:
        base = {"a:" + a for a in actors} | {"n:" + c for c in countries}
    else:
        base = {"c:" + c for c in countries}
    return sorted({k[:MAX_KEY_CHARS] for k in base})


def merge_floor(rec: dict[str, Any]) -> str:
    """The earliest start (ISO) of a coarser event a mention or event may merge with, "" when its
    precision never merges or it has no usable date."""
    if rec.get("precision") not in MERGEABLE_PRECISIONS or not rec.get("date_start"):
        return ""
    try:
        end = date.fromisoformat(rec["date_end"])
    except (TypeError, ValueError):
        return ""
    return (end - timedelta(days=min(MAX_MERGE_SPAN_DAYS, end.toordinal() - 1))).isoformat()


def key_rows(event_id: str, rec: dict[str, Any], keys: Iterable[tuple[str, str]],
             any_precision: bool = False) -> list[dict[str, Any]]:
    """Rows of the key table filing event ``event_id`` (record ``rec``) under ``keys``; none
    when its precision never merges, unless ``any_precision`` (wording keys: a copy of a
    sentence dated "in the 2010s" is still a copy)."""
    if not rec.get("date_start") or (rec.get("precision") not in MERGEABLE_PRECISIONS and not any_precision):
        return []
    rank = PRECISIONS.index(rec["precision"]) if rec.get("precision") in PRECISIONS else len(PRECISIONS)
    return [{"key": k, "root": root, "event_id": event_id, "date_start": rec["date_start"],
             "date_end": rec["date_end"] or rec["date_start"], "rank": rank} for k, root in sorted(keys)]


# ----- an article's mentions, ready for the writer ------------------------------------------

@dataclass(frozen=True, slots=True)
class StorageMention:
    """One event mention of an article, ready for the writer: everything that needs no store."""

    rec: dict[str, Any]          # the row as the events table stores it (lists as JSON text)
    mention_id: str              # the extractor's per-article event id
    data: str                    # the JSON copy kept in the mentions table
    prepared: Mention            # what the merge gates read (merge.prepare)
    lookup: tuple[str, ...]      # keys under which its possible partners are filed (() : none)
    lo: str                      # earliest date_start of a coarser partner (ISO; "" : no lookup)


@dataclass(frozen=True, slots=True)
class StorageRows:
    """An article's event mentions in storage form (``storage_rows``); picklable, so ingest
    workers build it next to the extraction and the single writer only merges and writes."""

    article_id: str
    mentions: tuple[StorageMention, ...]


def storage_rows(article: Article, events: Any) -> StorageRows:
    """The mentions of ``article`` as the writer stores them: normalised rows, mention copies,
    merge-ready forms and candidate keys, without duplicate mention ids.

    ``events`` is the extractor's frame or the same rows as dicts (``extract.event_rows``)."""
    out: list[StorageMention] = []
    seen: set[str] = set()
    for row in _rows_of(events):
        rec = event_record(row, article)
        mention_id = rec["event_id"] or f"row{len(seen)}"
        if mention_id in seen:
            continue
        seen.add(mention_id)
        data = json.dumps({k: v for k, v in rec.items() if k not in MENTION_COLUMNS}, ensure_ascii=False)
        lo = merge_floor(rec)
        lookup = tuple(lookup_keys(rec)) if lo else ()
        out.append(StorageMention(rec, mention_id, data, prepare(rec), lookup, lo))
    return StorageRows(article.article_id, tuple(out))
