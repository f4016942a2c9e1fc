"""The event store: articles, canonical events and the mentions linking them, on SQLAlchemy.

SQLite (the default, a file under ``data/``) or any SQLAlchemy URL such as PostgreSQL. Each
article is written in one transaction, writers are serialised (SQLite ``BEGIN IMMEDIATE``,
PostgreSQL advisory lock) so that the merge decision sees every committed event, and unique
keys make a repeated or concurrent ingest of the same article a no-op.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import sqlite3
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from pipeline.merge import (DATE_FIELDS, MAX_MERGE_SPAN_DAYS, MERGEABLE_PRECISIONS, Mention, merge_rows, merge_score,
                            prepare)
from pipeline.records import EVENT_COLUMNS, LIST_COLUMNS, PRECISIONS, Article

REPO = Path(__file__).resolve().parent.parent
SCHEMA_VERSION = 5
# Seconds a writer waits for another writer's lock before SQLite reports "database is locked".
BUSY_TIMEOUT_S = 60
WRITE_RETRIES = 5
PG_LOCK_KEY = 7_205_431_118  # arbitrary constant: the advisory lock that serialises ingest writers

EXTRA_COLUMNS: tuple[str, ...] = ("mentions", "first_reported", "last_reported", "article_ids", "sources")
ARTICLE_COLUMNS: tuple[str, ...] = ("article_id", "title", "url", "source", "published", "published_assumed",
                                    "ingested_at", "n_events")
SOURCE_COLUMNS: tuple[str, ...] = ("article_id", "title", "url", "source", "published", "sentence", "date_text")


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message is one line saying what to do."""


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``Store.add_article`` did."""

    new: bool
    events_added: int
    mentions_merged: int
    event_ids: tuple[str, ...]
    replaced: bool = False   # the article was known with another publication date and re-stored


metadata = sa.MetaData()

meta_table = sa.Table(
    "timeline_meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

articles_table = sa.Table(
    "articles", metadata,
    sa.Column("article_id", sa.String(64), primary_key=True),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("url", sa.Text, nullable=False, default=""),
    sa.Column("source", sa.Text, nullable=False, default=""),
    sa.Column("published", sa.String(10), nullable=False),
    sa.Column("published_assumed", sa.Boolean, nullable=False, default=False),
    sa.Column("text", sa.Text, nullable=False, default=""),
    sa.Column("path", sa.Text, nullable=False, default=""),
    sa.Column("ingested_at", sa.String(32), nullable=False),
    sa.Column("n_events", sa.Integer, nullable=False, default=0),
)

_event_cols = [sa.Column("event_id", sa.String(64), primary_key=True)]
for _name in EVENT_COLUMNS[1:]:
    if _name in ("goldstein", "confidence"):
        _event_cols.append(sa.Column(_name, sa.Float, nullable=True))
    elif _name in ("quad_class", "sentence_index", "date_char_start", "date_char_end"):
        _event_cols.append(sa.Column(_name, sa.Integer, nullable=True))
    else:
        _event_cols.append(sa.Column(_name, sa.Text, nullable=False, default=""))
events_table = sa.Table(
    "events", metadata, *_event_cols,
    sa.Column("mentions", sa.Integer, nullable=False, default=1),
    sa.Column("first_reported", sa.String(10), nullable=False, default=""),
    sa.Column("last_reported", sa.String(10), nullable=False, default=""),
    sa.Index("ix_events_date", "date_start", "date_end"),
)

mentions_table = sa.Table(
    "mentions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(64), sa.ForeignKey("events.event_id"), nullable=False, index=True),
    sa.Column("article_id", sa.String(64), sa.ForeignKey("articles.article_id"), nullable=False, index=True),
    sa.Column("mention_id", sa.String(64), nullable=False),   # the extractor's per-article event id
    sa.Column("sentence", sa.Text, nullable=False, default=""),
    sa.Column("sentence_index", sa.Integer, nullable=True),
    sa.Column("date_text", sa.Text, nullable=False, default=""),
    sa.Column("date_start", sa.String(10), nullable=False, default=""),
    sa.Column("date_end", sa.String(10), nullable=False, default=""),
    sa.Column("precision", sa.String(16), nullable=False, default=""),
    sa.Column("title", sa.Text, nullable=False, default=""),
    # The full mention as the extractor gave it (JSON), so a canonical event can be rebuilt from
    # its remaining mentions when an article is replaced or removed.
    sa.Column("data", sa.Text, nullable=False, default=""),
    sa.UniqueConstraint("article_id", "mention_id", name="uq_mentions_article_mention"),
)

# Candidate lookup: one row per party key of a canonical event ("a:<actor>", "c:<country>", and
# "n:<country>" while the event names no actor), with the event's period and precision rank, so
# "events sharing a party whose period equals, contains or lies inside this one" is a few index
# range scans, never a scan of all events.
# The rows are their own index, ordered by (key, root, rank, date_start): on SQLite a WITHOUT ROWID
# table, so a lookup reads each row where the search lands (no second lookup for date_end and
# event_id) and a new key dirties one B-tree, not a table and two indexes. An event's keys
# always carry its current period (moved together), so (key, root, event_id) stays unique too.
# ``root`` is the event's CAMEO root ("" when uncoded): a coded mention searches its root and "",
# an uncoded one every root, so each party is filed once rather than once bare and once per root.
event_keys_table = sa.Table(
    "event_keys", metadata,
    sa.Column("key", sa.String(255), nullable=False),
    sa.Column("root", sa.String(8), nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("date_start", sa.String(10), nullable=False),
    sa.Column("event_id", sa.String(64), sa.ForeignKey("events.event_id"), nullable=False),
    sa.Column("date_end", sa.String(10), nullable=False),
    sa.PrimaryKeyConstraint("key", "root", "rank", "date_start", "event_id", name="pk_event_keys"),
    sa.Index("ix_event_keys_event", "event_id"),
    sqlite_with_rowid=False,
)
# Inclusive cap on the candidates one lookup returns per date relation: a year-precise mention in a
# huge store could otherwise be compared with every day-precise event of that year. Past a few
# dozen such partners the mention is ambiguous anyway, and a cap of 200 made the writer's cost grow
# with the store (95 ms of CPU per article once 2,500 generated articles were stored).
MAX_CANDIDATES = 25

# Statements built once: SQLAlchemy then reuses their compiled form for every article.
_ARTICLE_STATE = sa.select(articles_table.c.published, articles_table.c.published_assumed).where(
    articles_table.c.article_id == sa.bindparam("aid"))
_INSERT_KEY = event_keys_table.insert()
_UPDATE_EVENT = events_table.update().where(events_table.c.event_id == sa.bindparam("b_event_id"))
_SET_N_EVENTS = articles_table.update().where(articles_table.c.article_id == sa.bindparam("aid"))
_ek = event_keys_table.c
# A fixed number of key slots (padded by repeating a key) rather than an "expanding" IN list:
# the statement then compiles once and is reused as is, which matters at one query per mention.
KEY_SLOTS = 12
_KEYS = _ek.key.in_([sa.bindparam(f"k{i}", type_=sa.String) for i in range(KEY_SLOTS)])
# Precision ranks that can merge, and the candidate query for a mention of each rank: events
# sharing a key whose period is the same, a coarser one containing it, or a finer one inside it
# (see merge.dates_compatible). The ranks are spelled out in each statement so that the key
# table, ordered by (key, root, rank, date_start), is searched rank by rank: a coarser lookup for a day then never walks
# the year's worth of day-precise events filed under a busy key such as "c:CHN".
MERGE_RANKS: tuple[int, ...] = tuple(PRECISIONS.index(p) for p in MERGEABLE_PRECISIONS)
# What the merge decision reads of a candidate event.
_COMPARE_COLUMNS = ("event_id", "date_start", "date_end", "precision", "event_code", "quad_class", "countries",
                    "actors", "title", "sentence")


def _ranks(ranks: Iterable[int]) -> sa.ColumnElement[bool]:
    return _ek.rank.in_([sa.literal_column(str(int(r))) for r in ranks])


@functools.lru_cache(maxsize=None)
def candidates_statement(rank: int, coded: bool = True) -> sa.Select:
    """The candidate query for a mention of precision rank ``rank`` (binds: keys, s, e, lo, and
    root when ``coded``): the ids of the events it may merge with, in id order. A coded mention
    meets events of its CAMEO root or uncoded ones (different roots never merge). What the merge
    gates read of each comes from the writer's cache of prepared events, or from ``events``."""
    keys = sa.and_(_KEYS, _ek.root.in_([sa.bindparam("root", type_=sa.String), sa.literal("")])) if coded else _KEYS
    parts: list[sa.Select] = [sa.select(_ek.event_id).where(
        keys, _ranks(MERGE_RANKS), _ek.date_start == sa.bindparam("s"), _ek.date_end == sa.bindparam("e")).distinct()]
    coarser = [r for r in MERGE_RANKS if r > rank]
    finer = [r for r in MERGE_RANKS if r < rank]
    if coarser:
        parts.append(sa.select(sa.select(_ek.event_id).where(
            keys, _ranks(coarser), _ek.date_start >= sa.bindparam("lo"), _ek.date_start <= sa.bindparam("s"),
            _ek.date_end >= sa.bindparam("e")).distinct().order_by(_ek.event_id).limit(MAX_CANDIDATES)
            .subquery().c.event_id))
    if finer:
        parts.append(sa.select(sa.select(_ek.event_id).where(
            keys, _ranks(finer), _ek.date_start >= sa.bindparam("s"), _ek.date_start <= sa.bindparam("e"),
            _ek.date_end <= sa.bindparam("e")).distinct().order_by(_ek.event_id).limit(MAX_CANDIDATES)
            .subquery().c.event_id))
    ids = sa.union(*parts).subquery()
    return sa.select(ids.c.event_id).order_by(ids.c.event_id)


# Events whose prepared form a writer caches are valid while the store's generation is the one
# that writer last wrote: every write transaction sets a new one.
_GENERATION_KEY = "generation"
_GET_GENERATION = sa.select(meta_table.c.value).where(meta_table.c.key == _GENERATION_KEY)
_SET_GENERATION = meta_table.update().where(meta_table.c.key == _GENERATION_KEY)
# Prepared events a writer keeps (about 1 kB each): a story's candidates recur mention after
# mention, so even a cold cache answers most lookups within a few hundred articles.
GATE_CACHE_SIZE = 65_536
_EVENT_BY_ID = sa.select(events_table).where(events_table.c.event_id == sa.bindparam("eid"))
_EVENTS_EXIST = sa.select(events_table.c.event_id).where(
    events_table.c.event_id.in_(sa.bindparam("ids", expanding=True)))


def default_db_url() -> str:
    """The store URL: $TIMELINE_DB, else the embedded SQLite file data/timeline.db."""
    env = os.environ.get("TIMELINE_DB", "").strip()
    return env or f"sqlite:///{REPO / 'data' / 'timeline.db'}"


def _one_line(err: BaseException) -> str:
    text = str(getattr(err, "orig", None) or err).strip().splitlines()
    return text[0] if text else type(err).__name__


def _safe_url(url: sa.engine.URL) -> str:
    return url.render_as_string(hide_password=True)


def _check_sqlite_path(url: sa.engine.URL) -> None:
    """Give one clear line for the usual SQLite file problems before SQLAlchemy gives a vague one."""
    db = url.database or ""
    if not db or db == ":memory:" or db.startswith("file:"):
        return
    path = Path(db)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot create folder {folder} for the store: {err.strerror}") from None
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file")
    # WAL mode needs to create -wal/-shm files next to the database, even just to read it.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(f"folder {folder} is not writable: cannot open the store {path} "
                         "(choose another location with --db or TIMELINE_DB)")
    if path.exists():
        if not os.access(path, os.R_OK | os.W_OK):
            raise StoreError(f"store file {path} is not readable and writable")
        with path.open("rb") as fh:
            head = fh.read(16)
        if head and head != b"SQLite format 3\x00":
            raise StoreError(f"{path} is not a SQLite database: choose another file with --db or move it away")


def _ensure_wal(cur: Any) -> None:
    """Switch the database to WAL mode, waiting out other connections that are doing the same.

    WAL is a property of the file, so only the first opening of a new store changes it. That
    change needs an exclusive lock and SQLite answers "database is locked" at once, without its
    busy handler, when several processes open a brand-new store together; so retry with backoff.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.01
    while True:
        try:
            if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                return
            cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            text = str(err).lower()
            if ("locked" not in text and "busy" not in text) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


def _sqlite_engine(url: sa.engine.URL) -> sa.engine.Engine:
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})

    @sa_event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        # Take transaction control from the driver so that BEGIN IMMEDIATE below is honoured.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA foreign_keys = ON")
        if (url.database or ":memory:") != ":memory:":
            _ensure_wal(cur)
            # NORMAL is crash-safe in WAL mode against process death; only power loss may drop
            # the last commits, never corrupt the file.
            cur.execute("PRAGMA synchronous = NORMAL")
            # Up to 256 MB of page cache (the default is 2 MB), taken only as pages are read: the
            # writer revisits the key index and the events it merges into all the time, and a
            # store of 10,000 generated articles is ~570 MB (64 MB cost it 8% more CPU at 5,000).
            cur.execute("PRAGMA cache_size = -262144")
            # Checkpoint the WAL into the database every ~40 MB rather than every 4 MB: pages an
            # ingest rewrites again and again (the key index) are then copied back far fewer times.
            cur.execute("PRAGMA wal_autocheckpoint = 10000")
        cur.close()

    @sa_event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        # Writers take the lock up front: no read-then-upgrade deadlock between two ingests.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("timeline_write")
                             else "BEGIN")

    return engine


def open_store(url: str | None = None) -> Store:
    """Open (creating or migrating the schema) the store at ``url`` or the default location."""
    raw = url or default_db_url()
    try:
        parsed = make_url(raw)
    except (sa_exc.ArgumentError, ValueError) as err:
        raise StoreError(f"invalid database URL {raw!r}: {_one_line(err)}") from None
    try:
        if parsed.get_backend_name() == "sqlite":
            _check_sqlite_path(parsed)
            engine = _sqlite_engine(parsed)
        else:
            engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args=_connect_args(parsed))
    except (sa_exc.NoSuchModuleError, ImportError) as err:
        raise StoreError(f"unsupported database URL {_safe_url(parsed)}: {_one_line(err)}") from None
    store = Store(engine, parsed)
    try:
        store._init_schema()
    except StoreError:
        engine.dispose()
        raise
    except sa_exc.OperationalError as err:
        engine.dispose()
        msg = _one_line(err)
        if parsed.get_backend_name() == "sqlite":
            raise StoreError(f"cannot open SQLite store {parsed.database}: {msg}") from None
        raise StoreError(f"cannot reach database server {_safe_url(parsed)}: {msg}") from None
    except sa_exc.DatabaseError as err:
        engine.dispose()
        raise StoreError(f"{_safe_url(parsed)} is not a usable Timeline store: {_one_line(err)}") from None
    return store


def _connect_args(url: sa.engine.URL) -> dict[str, Any]:
    if url.get_backend_name() == "postgresql":
        return {"connect_timeout": 10}
    return {}


def _json_list(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "[]"
    if isinstance(value, str):
        items = [x for x in value.split(";") if x]
    else:
        items = [str(x) for x in value if x is not None and str(x)]
    return json.dumps(sorted(set(items)), ensure_ascii=False)


def _from_json_list(text: Any) -> tuple[str, ...]:
    if not text:
        return ()
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return ()
    return tuple(str(x) for x in value) if isinstance(value, list) else ()


def _iso(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)[:10]


def _num(value: Any, kind: type) -> Any:
    if value is None or value == "":
        return None
    try:
        if isinstance(value, float) and math.isnan(value):
            return None
        return kind(value)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    # NUL bytes are legal in Python strings but rejected by PostgreSQL text columns.
    return str(value).replace("\x00", "")


def _event_record(row: dict[str, Any], article: Article) -> dict[str, Any]:
    """A mention row from the extractor as a row of the events table (lists as JSON text)."""
    rec: dict[str, Any] = {}
    for col in EVENT_COLUMNS:
        value = row.get(col)
        if col in LIST_COLUMNS:
            rec[col] = _json_list(value)
        elif col in ("date_start", "date_end"):
            rec[col] = _iso(value)
        elif col in ("goldstein", "confidence"):
            rec[col] = _num(value, float)
        elif col in ("quad_class", "sentence_index", "date_char_start", "date_char_end"):
            rec[col] = _num(value, int)
        else:
            rec[col] = _text(value)
    rec["article_id"] = article.article_id
    rec["published"] = article.published.isoformat()
    rec["article_title"] = _text(article.title)
    if rec["date_end"] == "" or (rec["date_start"] and rec["date_end"] < rec["date_start"]):
        rec["date_end"] = rec["date_start"]
    return rec


def _rows_of(events: pd.DataFrame | list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The rows of an event frame as dicts (column lists zipped: much faster than to_dict);
    rows given as dicts (``extract.event_rows``) are taken as they are."""
    if isinstance(events, list):
        return events
    if events is None or events.empty:
        return []
    names = [str(c) for c in events.columns]
    columns = [events[c].tolist() for c in events.columns]
    return [dict(zip(names, values)) for values in zip(*columns)]


def _insert_ignoring_duplicates(table: sa.Table, backend: str):
    """INSERT that skips rows whose primary key exists (SQLite and PostgreSQL: ON CONFLICT DO NOTHING)."""
    if backend == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
        return insert(table).on_conflict_do_nothing()
    if backend == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
        return insert(table).on_conflict_do_nothing()
    return table.insert()


def _should_replace(stored_published: str, stored_assumed: bool, article: Article) -> bool:
    """A known article is stored again only when it now comes with a different, real date."""
    if article.published_assumed:
        return False   # never trade a stored date for a guess
    return stored_assumed or stored_published != article.published.isoformat()


# Mention fields kept in their own columns of ``mentions`` (left out of its JSON copy).
_MENTION_COLUMNS = ("sentence", "sentence_index", "date_text", "date_start", "date_end", "precision", "title")


def _mention_record(row: dict[str, Any], fallback: dict[str, Any]) -> dict[str, Any]:
    """A stored mention as an event row: its columns plus its JSON copy (older stores: the event's)."""
    try:
        rec = json.loads(row["data"]) if row.get("data") else None
    except ValueError:
        rec = None
    if not isinstance(rec, dict):
        rec = {k: fallback.get(k) for k in EVENT_COLUMNS}
    rec.update({k: row[k] for k in _MENTION_COLUMNS})
    return rec


_UPDATED_COLUMNS = DATE_FIELDS + tuple(sorted(LIST_COLUMNS)) + (
    "event_code", "goldstein", "quad_class", "confidence", "mentions", "first_reported", "last_reported")


_NO_LISTS = {k: () for k in LIST_COLUMNS}


def _union_json(a: str, b: str) -> str:
    """Union of two list cells in storage form (sorted, distinct JSON text)."""
    if a == b or b == "[]":
        return a
    if a == "[]":
        return b
    return _json_list(set(_from_json_list(a)) | set(_from_json_list(b)))


def _merged(target: dict[str, Any], rec: dict[str, Any], pub: str) -> dict[str, Any]:
    """The canonical event row (storage form) after folding mention ``rec`` into ``target``.

    ``merge_rows`` decides dates, code and confidence; the list cells are united in their JSON
    form, which spares parsing the many that are equal or empty."""
    new = merge_rows({**target, **_NO_LISTS}, {**rec, **_NO_LISTS})
    out = dict(target)
    out.update({k: new[k] for k in DATE_FIELDS})
    out.update({k: _union_json(target[k], rec[k]) for k in LIST_COLUMNS})
    out.update(event_code=_text(new.get("event_code")), goldstein=_num(new.get("goldstein"), float),
               quad_class=_num(new.get("quad_class"), int), confidence=_num(new.get("confidence"), float),
               mentions=int(target["mentions"]) + 1,
               first_reported=min(target["first_reported"] or pub, pub),
               last_reported=max(target["last_reported"] or pub, pub))
    return out


def _new_event_id(mention_id: str, article_id: str, taken: set[str]) -> str:
    """The canonical id of a new event: the extractor's id unless another event already has it."""
    if mention_id not in taken:
        return mention_id
    return hashlib.sha256(f"{article_id}:{mention_id}".encode()).hexdigest()[:16]


def _code_root(rec: dict[str, Any]) -> str:
    return _text(rec.get("event_code"))[:2]


def _keys_of(rec: dict[str, Any]) -> set[tuple[str, str]]:
    """The candidate-lookup keys of an event row (list columns as JSON text): (party key, CAMEO
    root) pairs ("a:Mark Carney", "04"); the root is "" when uncoded."""
    countries, actors = _from_json_list(rec.get("countries")), _from_json_list(rec.get("actors"))
    base = {"c:" + c for c in countries} | {"a:" + a for a in actors}
    if not actors:
        base |= {"n:" + c for c in countries}
    root = _code_root(rec)
    return {(k[:250], root) for k in base}


def _event_keys(ev: dict[str, Any]) -> frozenset[tuple[str, str]]:
    """``_keys_of`` of a pending event, cached on its party lists and code."""
    return _keys_cached(ev.get("countries") or "", ev.get("actors") or "", _code_root(ev))


@functools.lru_cache(maxsize=16384)
def _keys_cached(countries: str, actors: str, root: str) -> frozenset[tuple[str, str]]:
    return frozenset(_keys_of({"countries": countries, "actors": actors, "event_code": root}))


ANY_ROOT = "*"   # in the writer's map of pending events: filed under this party key, any root


def _lookup_keys(rec: dict[str, Any]) -> list[str]:
    """Keys under which a mention's possible partners are filed.

    A mention naming actors can only join an event sharing one of them, or an event naming no
    actor that shares a country (two different actor sets conflict); one naming no actor can
    join any event sharing a country. (The query narrows the search by CAMEO root.)
    """
    countries, actors = _from_json_list(rec.get("countries")), _from_json_list(rec.get("actors"))
    if actors:
        base = {"a:" + a for a in actors} | {"n:" + c for c in countries}
    else:
        base = {"c:" + c for c in countries}
    return sorted({k[:250] for k in base})


def key_params(keys: list[str]) -> dict[str, str]:
    """Bind values for the KEY_SLOTS key slots of the candidate query (1..KEY_SLOTS keys)."""
    return {f"k{i}": keys[i] if i < len(keys) else keys[0] for i in range(KEY_SLOTS)}


def _key_rows(event_id: str, rec: dict[str, Any], keys: Iterable[str]) -> list[dict[str, Any]]:
    if rec.get("precision") not in MERGEABLE_PRECISIONS or not rec.get("date_start"):
        return []
    rank = PRECISIONS.index(rec["precision"])
    return [{"key": k, "root": root, "event_id": event_id, "date_start": rec["date_start"],
             "date_end": rec["date_end"] or rec["date_start"], "rank": rank} for k, root in sorted(keys)]


@dataclass(frozen=True, slots=True)
class StorageMention:
    """One event mention of an article, ready for the writer: everything that needs no store."""

    rec: dict[str, Any]          # the row as the events table stores it (lists as JSON text)
    mention_id: str              # the extractor's per-article event id
    data: str                    # the JSON copy kept in the mentions table
    prepared: Mention            # what the merge gates read (merge.prepare)
    lookup: tuple[str, ...]      # keys under which its possible partners are filed ("" : none)
    lo: str                      # earliest date_start of a coarser partner (ISO; "" : no lookup)


@dataclass(frozen=True, slots=True)
class StorageRows:
    """An article's event mentions in storage form (``storage_rows``); picklable, so ingest
    workers build it next to the extraction and the single writer only merges and writes."""

    article_id: str
    mentions: tuple[StorageMention, ...]


def storage_rows(article: Article, events: pd.DataFrame | list[dict[str, Any]] | None) -> StorageRows:
    """The mentions of ``article`` as the writer stores them: normalised rows, mention copies,
    merge-ready forms and candidate keys, without duplicate mention ids. Pure: no store needed.

    ``events`` is the extractor's frame or the same rows as dicts (``extract.event_rows``)."""
    out: list[StorageMention] = []
    seen: set[str] = set()
    for row in _rows_of(events):
        rec = _event_record(row, article)
        mention_id = rec["event_id"] or f"row{len(seen)}"
        if mention_id in seen:
            continue
        seen.add(mention_id)
        data = json.dumps({k: v for k, v in rec.items() if k not in _MENTION_COLUMNS}, ensure_ascii=False)
        lookup: tuple[str, ...] = ()
        lo = ""
        if rec["precision"] in MERGEABLE_PRECISIONS and rec["date_start"]:
            try:
                lo = (date.fromisoformat(rec["date_end"]) - timedelta(days=MAX_MERGE_SPAN_DAYS)).isoformat()
            except ValueError:
                lo = ""
            if lo:
                lookup = tuple(_lookup_keys(rec))
        out.append(StorageMention(rec, mention_id, data, prepare(rec), lookup, lo))
    return StorageRows(article.article_id, tuple(out))


def _as_storage(article: Article, events: pd.DataFrame | StorageRows | None) -> StorageRows:
    if isinstance(events, StorageRows):
        if events.article_id != article.article_id:
            raise ValueError(f"storage rows of article {events.article_id} given for article {article.article_id}")
        return events
    return storage_rows(article, events)


class Store:
    """A Timeline event store on one SQLAlchemy engine."""

    def __init__(self, engine: sa.engine.Engine, url: sa.engine.URL) -> None:
        self.engine = engine
        self.url = url
        self.backend = url.get_backend_name()
        self._insert_key = _insert_ignoring_duplicates(event_keys_table, self.backend)
        # Statements the writer runs on the driver, compiled once: (SQL, bind order, fixed binds).
        self._compiled: dict[Any, tuple[str, tuple[str, ...], dict[str, Any]]] = {}
        self._gates_sql: dict[int, str] = {}
        self._write_sql: dict[tuple, str] = {}
        # event id -> merge.prepare of the stored row, valid while the store's generation is
        # ``self._generation`` (this writer's last commit); see ``_writing``.
        self._gates: OrderedDict[str, Mention] = OrderedDict()
        self._generation: str | None = None

    # ----- schema -------------------------------------------------------------------------
    def _write_conn(self) -> sa.Connection:
        # An execution option lives on this Connection only, not on the pooled DBAPI connection.
        return self.engine.connect().execution_options(timeline_write=True)

    def _read_version(self, conn: sa.Connection) -> int | None:
        """The recorded schema version, or None when the schema version table is missing."""
        if meta_table.name not in set(sa.inspect(conn).get_table_names()):
            return None
        row = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")).first()
        return int(row[0]) if row and str(row[0]).isdigit() else 0

    def _init_schema(self) -> None:
        # Read first, without the writer lock: opening an up-to-date store (the dashboard does it
        # on every refresh) must not wait for an ingest that holds the lock.
        with self.engine.connect() as conn:
            version = self._read_version(conn)
        if version == SCHEMA_VERSION:
            return
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(f"store {_safe_url(self.url)} has schema version {version}, newer than this "
                             f"Timeline ({SCHEMA_VERSION}): upgrade Timeline to read it")
        with self._write_conn() as conn, conn.begin():
            self._lock(conn)
            inspector = sa.inspect(conn)
            tables = set(inspector.get_table_names())
            if meta_table.name not in tables:
                ours = {"articles", "events", "mentions", "event_keys"}
                if tables & ours:
                    raise StoreError(f"{_safe_url(self.url)} holds tables {sorted(tables & ours)} but no Timeline "
                                     "schema version: not a Timeline store; choose another --db")
                metadata.create_all(conn)
                conn.execute(meta_table.insert(), [{"key": "schema_version", "value": str(SCHEMA_VERSION)},
                                                   {"key": _GENERATION_KEY, "value": uuid.uuid4().hex}])
                return
            row = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")).first()
            version = int(row[0]) if row and str(row[0]).isdigit() else 0
            self._forget()
            if version > SCHEMA_VERSION:
                raise StoreError(f"store {_safe_url(self.url)} has schema version {version}, newer than this "
                                 f"Timeline ({SCHEMA_VERSION}): upgrade Timeline to read it")
            while version < SCHEMA_VERSION:
                step = MIGRATIONS.get(version)
                if step is None:
                    raise StoreError(f"store {_safe_url(self.url)} has schema version {version}, which cannot be "
                                     "migrated: move it away and re-run `python -m pipeline ingest` on your articles")
                step(conn)
                version += 1
                conn.execute(meta_table.update().where(meta_table.c.key == "schema_version")
                             .values(value=str(version)))

    def _lock(self, conn: sa.Connection) -> None:
        # SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs an explicit lock
        # so two ingests cannot both create the same canonical event.
        if self.backend == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})

    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")).first()
        return int(row[0]) if row else 0

    # ----- writing ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        """A write transaction: the writer lock taken, the cache of prepared events checked
        against the store's generation, and a new generation recorded with the commit. Any
        failure drops the cache, which may hold rows of a rolled-back transaction."""
        try:
            with self._write_conn() as conn, conn.begin():
                self._lock(conn)
                row = conn.execute(_GET_GENERATION).first()
                if row is None or row[0] != self._generation:
                    self._gates.clear()   # another process wrote since our last commit
                token = uuid.uuid4().hex
                yield conn
                conn.execute(_SET_GENERATION, {"value": token})
        except BaseException:
            self._forget()
            raise
        self._generation = token

    def _forget(self) -> None:
        self._gates.clear()
        self._generation = None

    def add_article(self, article: Article, events: pd.DataFrame | StorageRows) -> AddResult:
        """Store ``article`` and its event mentions (an extractor frame, or ``storage_rows`` of it)
        in one transaction, merging into known events."""
        rows = _as_storage(article, events)
        last: BaseException | None = None
        for attempt in range(WRITE_RETRIES):
            try:
                with self._writing() as conn:
                    return self._add(conn, article, rows)
            except sa_exc.IntegrityError:
                # Another ingest stored the same article between our check and insert.
                if self.has_article(article.article_id):
                    return AddResult(False, 0, 0, ())
                raise
            except sa_exc.OperationalError as err:
                last = err
                if "locked" not in str(err).lower() and "busy" not in str(err).lower():
                    raise StoreError(f"cannot write to store {_safe_url(self.url)}: {_one_line(err)}") from None
                time.sleep(0.2 * (attempt + 1))
        raise StoreError(f"store {_safe_url(self.url)} stayed locked by another writer: {_one_line(last)}")

    def add_articles(self, items: list[tuple[Article, pd.DataFrame | StorageRows]]) -> list[AddResult]:
        """Store several articles in one transaction (each whole or not at all, in order)."""
        prepared = [(a, _as_storage(a, e)) for a, e in items]
        for attempt in range(WRITE_RETRIES):
            try:
                with self._writing() as conn:
                    return [self._add(conn, article, rows) for article, rows in prepared]
            except sa_exc.IntegrityError:
                # Another ingest stored one of them meanwhile: fall back to one transaction each.
                return [self.add_article(a, e) for a, e in prepared]
            except sa_exc.OperationalError as err:
                if "locked" not in str(err).lower() and "busy" not in str(err).lower():
                    raise StoreError(f"cannot write to store {_safe_url(self.url)}: {_one_line(err)}") from None
                time.sleep(0.2 * (attempt + 1))
        return [self.add_article(a, e) for a, e in prepared]

    def has_article(self, article_id: str) -> bool:
        """True when the article is already stored."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(articles_table.c.article_id)
                                .where(articles_table.c.article_id == article_id)).first() is not None

    def _add(self, conn: sa.Connection, article: Article, rows: StorageRows) -> AddResult:
        known = conn.execute(_ARTICLE_STATE, {"aid": article.article_id}).first()
        replaced = False
        if known is not None:
            if not _should_replace(known[0], bool(known[1]), article):
                return AddResult(False, 0, 0, ())
            self._remove(conn, article.article_id)
            replaced = True
        pub = article.published.isoformat()
        added = merged = 0
        event_ids: list[str] = []
        mention_rows: list[dict[str, Any]] = []
        wanted = sorted({m.rec["event_id"] for m in rows.mentions} - {""})
        taken = {r[0] for r in conn.execute(_EVENTS_EXIST, {"ids": wanted})} if wanted else set()
        # The article row goes first: mentions reference it (foreign key).
        conn.execute(articles_table.insert(), {
            "article_id": article.article_id, "title": _text(article.title), "url": _text(article.url),
            "source": _text(article.source), "published": pub,
            "published_assumed": bool(article.published_assumed), "text": _text(article.text),
            "path": _text(article.path), "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "n_events": 0})
        # Events this article creates or changes are kept here and written in a few batched
        # statements at the end; later mentions of the same article see them through ``pending``.
        pending: dict[str, dict[str, Any]] = {}
        pending_prepared: dict[str, Mention] = {}       # event id -> merge.prepare of its pending row
        pending_keys: dict[tuple[str, str], set[str]] = {}  # (key, root or ANY_ROOT) -> pending events
        created: list[str] = []
        stored_dates: dict[str, tuple[str, str]] = {}   # event id -> (date_start, precision) in the database
        filed: dict[str, frozenset[str]] = {}            # event id -> keys the database already holds
        for m in rows.mentions:
            rec = m.rec
            target = self._find_match(conn, m, pending, pending_prepared, pending_keys)
            if target is None:
                event_id = _new_event_id(m.mention_id, article.article_id, taken)
                taken.add(event_id)
                pending[event_id] = {**rec, "event_id": event_id, "mentions": 1, "first_reported": pub,
                                     "last_reported": pub}
                pending_prepared[event_id] = m.prepared
                created.append(event_id)
                added += 1
            else:
                event_id = target["event_id"]
                if event_id not in pending:
                    stored_dates[event_id] = (target["date_start"], target["precision"])
                    # Keys only grow with an event's parties, so its current keys are all filed.
                    filed[event_id] = _event_keys(target)
                pending[event_id] = _merged(target, rec, pub)
                pending_prepared[event_id] = prepare(pending[event_id])
                merged += 1
            for key, root in _event_keys(pending[event_id]):
                pending_keys.setdefault((key, root), set()).add(event_id)
                pending_keys.setdefault((key, ANY_ROOT), set()).add(event_id)
            mention_rows.append({
                "event_id": event_id, "article_id": article.article_id, "mention_id": m.mention_id,
                "sentence": rec["sentence"], "sentence_index": rec["sentence_index"], "date_text": rec["date_text"],
                "date_start": rec["date_start"], "date_end": rec["date_end"], "precision": rec["precision"],
                "title": rec["title"], "data": m.data})
            event_ids.append(event_id)
        if created:
            self._write_many(conn, events_table, [pending[e] for e in created])
        changed = [e for e in pending if e in stored_dates]
        if changed:
            self._write_many(conn, events_table, [{**{k: pending[e][k] for k in _UPDATED_COLUMNS}, "b_event_id": e}
                                                  for e in changed], where="event_id")
            moved = [e for e in changed if stored_dates[e] != (pending[e]["date_start"], pending[e]["precision"])]
            if moved:
                self._write_many(conn, event_keys_table, [
                    {"date_start": pending[e]["date_start"], "date_end": pending[e]["date_end"],
                     "rank": PRECISIONS.index(pending[e]["precision"]), "b_event_id": e} for e in moved],
                    where="event_id")
        key_rows = [k for e, ev in pending.items()
                    for k in _key_rows(e, ev, _event_keys(ev) - filed.get(e, frozenset()))]
        if key_rows:
            # Keys an updated event already had are skipped (ON CONFLICT DO NOTHING).
            self._write_many(conn, event_keys_table, key_rows, skip_duplicates=True)
        if mention_rows:
            self._write_many(conn, mentions_table, mention_rows)
        conn.execute(_SET_N_EVENTS, {"aid": article.article_id, "n_events": len(rows.mentions)})
        for event_id, gates in pending_prepared.items():
            self._remember(event_id, gates)
        return AddResult(not replaced, added, merged, tuple(event_ids), replaced)

    def remove_article(self, article_id: str) -> bool:
        """Delete an article and its mentions, rebuilding the events they fed; False when unknown."""
        with self._writing() as conn:
            if conn.execute(_ARTICLE_STATE, {"aid": article_id}).first() is None:
                return False
            self._remove(conn, article_id)
        return True

    def _remove(self, conn: sa.Connection, article_id: str) -> None:
        m = mentions_table.c
        affected = sorted({r[0] for r in conn.execute(sa.select(m.event_id).where(m.article_id == article_id))})
        conn.execute(mentions_table.delete().where(m.article_id == article_id))
        conn.execute(articles_table.delete().where(articles_table.c.article_id == article_id))
        for event_id in affected:
            self._rebuild_event(conn, event_id)

    def _rebuild_event(self, conn: sa.Connection, event_id: str) -> None:
        """Recompute a canonical event from its remaining mentions, in the order they were stored."""
        self._gates.pop(event_id, None)
        m, a = mentions_table.c, articles_table.c
        rows = conn.execute(sa.select(m.data, m.sentence, m.sentence_index, m.date_text, m.date_start, m.date_end,
                                      m.precision, m.title, m.article_id, a.published, a.title.label("atitle"))
                            .join(articles_table, a.article_id == m.article_id)
                            .where(m.event_id == event_id).order_by(m.id)).mappings().all()
        conn.execute(event_keys_table.delete().where(event_keys_table.c.event_id == event_id))
        if not rows:
            conn.execute(events_table.delete().where(events_table.c.event_id == event_id))
            return
        old = conn.execute(sa.select(events_table).where(events_table.c.event_id == event_id)).mappings().first()
        recs = [_mention_record(dict(r), dict(old)) for r in rows]
        canonical: dict[str, Any] = {**recs[0], **{k: _from_json_list(recs[0][k]) for k in LIST_COLUMNS}}
        for rec in recs[1:]:
            canonical = merge_rows(canonical, {**rec, **{k: _from_json_list(rec[k]) for k in LIST_COLUMNS}})
        update = {c: canonical.get(c) for c in EVENT_COLUMNS[1:]}
        update.update({k: _json_list(canonical[k]) for k in LIST_COLUMNS})
        update.update(article_id=rows[0]["article_id"], published=rows[0]["published"],
                      article_title=rows[0]["atitle"], mentions=len(rows),
                      first_reported=min(r["published"] for r in rows),
                      last_reported=max(r["published"] for r in rows))
        conn.execute(_UPDATE_EVENT, {**update, "b_event_id": event_id})
        self._put_keys(conn, event_id, update, _keys_of(update))

    def _put_keys(self, conn: sa.Connection, event_id: str, rec: dict[str, Any], keys: Iterable[str]) -> None:
        rows = _key_rows(event_id, rec, keys)
        if rows:
            conn.execute(self._insert_key, rows)

    def _driver_rows(self, conn: sa.Connection, sql: str, args: Any) -> tuple[list[str], list[tuple]]:
        """Run a statement straight on the driver: the writer runs a few per mention, and
        SQLAlchemy's per-statement bookkeeping cost as much as the queries themselves.
        Returns the column names and the rows."""
        with self._cursor(conn, sql) as cur:
            cur.execute(sql, args)
            return [d[0] for d in cur.description or ()], cur.fetchall()

    @contextlib.contextmanager
    def _cursor(self, conn: sa.Connection, sql: str) -> Iterator[Any]:
        """A driver cursor for ``sql``; its errors are raised as SQLAlchemy raises them
        (IntegrityError, OperationalError...), so the callers' retry and duplicate handling see
        statements run on the driver too."""
        dbapi_error = self.engine.dialect.loaded_dbapi.Error
        cur = conn.connection.driver_connection.cursor()
        try:
            yield cur
        except dbapi_error as err:
            raise sa_exc.DBAPIError.instance(sql, None, err, dbapi_error) from err
        finally:
            cur.close()

    @property
    def _mark(self) -> str:
        """The driver's positional placeholder."""
        return "?" if self.engine.dialect.paramstyle == "qmark" else "%s"

    def _write_many(self, conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]],
                    where: str = "", skip_duplicates: bool = False) -> None:
        """INSERT ``rows`` into ``table`` or, with ``where`` (a column), UPDATE the row whose
        ``where`` equals each row's "b_<where>" value, in one executemany on the driver.

        Every row has the same keys; they name the columns written. The writer stores dozens of
        rows per article, and SQLAlchemy's per-row parameter handling cost more than SQLite's
        own work. Other backends than SQLite and PostgreSQL go through SQLAlchemy."""
        if self.backend not in ("sqlite", "postgresql"):
            if where:
                stmt = table.update().where(table.c[where] == sa.bindparam("b_" + where))
            else:
                stmt = _insert_ignoring_duplicates(table, self.backend) if skip_duplicates else table.insert()
            conn.execute(stmt, rows)
            return
        cols = tuple(k for k in rows[0] if k != "b_" + where)
        name = (table.name, cols, where, skip_duplicates)
        sql = self._write_sql.get(name)
        if sql is None:
            mark, quote = self._mark, self.engine.dialect.identifier_preparer.quote
            if where:
                sets = ", ".join(f"{quote(c)} = {mark}" for c in cols)
                sql = f"UPDATE {quote(table.name)} SET {sets} WHERE {quote(where)} = {mark}"
            else:
                sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in cols)}) "
                       f"VALUES ({', '.join([mark] * len(cols))})"
                       + (" ON CONFLICT DO NOTHING" if skip_duplicates else ""))
            self._write_sql[name] = sql
        args = [tuple(r[c] for c in cols) + ((r["b_" + where],) if where else ()) for r in rows]
        with self._cursor(conn, sql) as cur:
            cur.executemany(sql, args)

    def _run_compiled(self, conn: sa.Connection, name: Any, stmt: sa.Executable,
                      params: dict[str, Any]) -> tuple[list[str], list[tuple]]:
        """Run ``stmt`` (compiled once under ``name``) on the driver with ``params``."""
        if name not in self._compiled:
            compiled = stmt.compile(dialect=self.engine.dialect)
            self._compiled[name] = (compiled.string, tuple(compiled.positiontup or ()), dict(compiled.params))
        sql, order, fixed = self._compiled[name]
        values = {**fixed, **params}
        return self._driver_rows(conn, sql, tuple(values[n] for n in order) if order else values)

    def _candidate_ids(self, conn: sa.Connection, params: dict[str, Any]) -> list[str]:
        """The ids of the stored events a mention may merge with (``candidates_statement``)."""
        rank, coded = params["r"], bool(params["root"])
        return [r[0] for r in self._run_compiled(conn, ("candidates", rank, coded),
                                                 candidates_statement(rank, coded), params)[1]]

    def _remember(self, event_id: str, gates: Mention) -> None:
        self._gates[event_id] = gates
        self._gates.move_to_end(event_id)
        if len(self._gates) > GATE_CACHE_SIZE:
            self._gates.popitem(last=False)

    def _gates_of(self, conn: sa.Connection, ids: list[str]) -> list[tuple[str, Mention]]:
        """(event id, prepared event) of stored events, from the cache or else the events table."""
        out: list[tuple[str, Mention]] = []
        missing: list[str] = []
        cache = self._gates
        for event_id in ids:
            gates = cache.get(event_id)
            if gates is None:
                missing.append(event_id)
            else:
                cache.move_to_end(event_id)
                out.append((event_id, gates))
        for start in range(0, len(missing), 50):
            chunk = missing[start:start + 50]
            for row in self._driver_rows(conn, self._gates_statement(len(chunk)), tuple(chunk))[1]:
                gates = prepare(dict(zip(_COMPARE_COLUMNS, row)))
                self._remember(row[0], gates)
                out.append((row[0], gates))
        return out

    def _gates_statement(self, n: int) -> str:
        """SELECT of the compared columns of ``n`` events by id, in the driver's parameter style."""
        if n not in self._gates_sql:
            mark = self._mark
            preparer = self.engine.dialect.identifier_preparer
            cols = ", ".join(preparer.quote(c) for c in _COMPARE_COLUMNS)
            self._gates_sql[n] = (f"SELECT {cols} FROM {preparer.quote(events_table.name)} "
                                  f"WHERE {preparer.quote('event_id')} IN ({', '.join([mark] * n)})")
        return self._gates_sql[n]

    def _find_match(self, conn: sa.Connection, m: StorageMention, pending: dict[str, dict[str, Any]],
                    pending_prepared: dict[str, Mention],
                    pending_keys: dict[tuple[str, str], set[str]]) -> dict[str, Any] | None:
        """The best canonical event reporting the same happening as mention ``m``, or None.

        Stored events are found through the key index; events this article already created or
        changed (``pending``) are compared directly, in their current form.
        """
        keys = m.lookup
        if not keys:
            return None
        rec, mention = m.rec, m.prepared
        s_, e_, r_ = rec["date_start"], rec["date_end"], mention.rank
        root = _code_root(rec)
        params = {"s": s_, "e": e_, "lo": m.lo, "r": r_, "root": root}
        best_id, best_score = None, -1.0
        ids: set[str] = set()
        for start in range(0, len(keys), KEY_SLOTS):
            ids.update(self._candidate_ids(conn, {**params, **key_params(keys[start:start + KEY_SLOTS])}))
        candidates = self._gates_of(conn, [e for e in sorted(ids) if e not in pending])
        sharing: set[str] = set()
        for key in keys:
            for filed_root in ((root, "") if root else (ANY_ROOT,)):
                sharing.update(pending_keys.get((key, filed_root), ()))
        for event_id in sharing:
            # The same date relations the index query applies (cheap string tests first).
            ev = pending[event_id]
            if ev["precision"] not in MERGEABLE_PRECISIONS:
                continue
            ev_s, ev_e, ev_r = ev["date_start"], ev["date_end"], PRECISIONS.index(ev["precision"])
            if ((ev_s == s_ and ev_e == e_) or (ev_r > r_ and ev_s <= s_ and ev_e >= e_)
                    or (ev_r < r_ and ev_s >= s_ and ev_e <= e_)):
                candidates.append((event_id, pending_prepared[event_id]))
        # The best score wins, ties to the smallest id, so the outcome never depends on order.
        for event_id, gates in candidates:
            score = merge_score(gates, mention)
            if score is not None and (score > best_score or (score == best_score and event_id < best_id)):
                best_id, best_score = event_id, score
        if best_id is None:
            return None
        if best_id in pending:
            return pending[best_id]
        return self._event_row(conn, best_id)   # the winner's full row, read only now

    def _event_row(self, conn: sa.Connection, event_id: str) -> dict[str, Any]:
        """One stored event as a dict, read straight on the driver (once per merged mention)."""
        names, rows = self._run_compiled(conn, "event", _EVENT_BY_ID, {"eid": event_id})
        if not rows:
            raise StoreError(f"event {event_id} vanished from the store during an ingest")
        return dict(zip(names, rows[0]))

    # ----- reading ------------------------------------------------------------------------
    def events_frame(self) -> pd.DataFrame:
        """One row per canonical event: EVENT_COLUMNS + mentions, first/last_reported, article_ids, sources."""
        with self.engine.connect() as conn:
            events = pd.DataFrame(conn.execute(sa.select(events_table)
                                               .order_by(events_table.c.date_start, events_table.c.event_id))
                                  .mappings().all(), columns=[c.name for c in events_table.columns])
            links = conn.execute(
                sa.select(mentions_table.c.event_id, mentions_table.c.article_id, articles_table.c.title)
                .join(articles_table, articles_table.c.article_id == mentions_table.c.article_id)
                .order_by(mentions_table.c.event_id, articles_table.c.published, mentions_table.c.id)).all()
        by_event: dict[str, tuple[list[str], list[str]]] = {}
        for event_id, article_id, title in links:
            ids, titles = by_event.setdefault(event_id, ([], []))
            if article_id not in ids:
                ids.append(article_id)
                titles.append(title)
        for col in LIST_COLUMNS:
            events[col] = events[col].map(_from_json_list) if len(events) else pd.Series(dtype=object)
        events["article_ids"] = [tuple(by_event.get(e, ((), ()))[0]) for e in events["event_id"]]
        events["sources"] = [tuple(by_event.get(e, ((), ()))[1]) for e in events["event_id"]]
        for col in ("goldstein", "confidence"):
            events[col] = pd.to_numeric(events[col]).astype("float64")
        for col in ("quad_class", "sentence_index", "date_char_start", "date_char_end"):
            events[col] = pd.to_numeric(events[col]).astype("Int64")
        events["mentions"] = events["mentions"].astype("int64")
        return events[list(EVENT_COLUMNS) + list(EXTRA_COLUMNS)].reset_index(drop=True)

    def articles_frame(self) -> pd.DataFrame:
        """One row per stored article (without its text)."""
        cols = [articles_table.c[name] for name in ARTICLE_COLUMNS]
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(*cols).order_by(articles_table.c.published,
                                                          articles_table.c.article_id)).all()
        frame = pd.DataFrame(rows, columns=list(ARTICLE_COLUMNS))
        frame["published_assumed"] = frame["published_assumed"].astype(bool)
        frame["n_events"] = frame["n_events"].astype("int64")
        return frame

    def event_sources(self, event_id: str) -> pd.DataFrame:
        """Every article and sentence reporting the canonical event ``event_id``."""
        a, m = articles_table.c, mentions_table.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(a.article_id, a.title, a.url, a.source, a.published, m.sentence, m.date_text)
                .join(articles_table, a.article_id == m.article_id)
                .where(m.event_id == event_id).order_by(a.published, m.id)).all()
        return pd.DataFrame(rows, columns=list(SOURCE_COLUMNS))

    def article_text(self, article_id: str) -> str:
        """The stored cleaned text of an article ("" when unknown)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(articles_table.c.text)
                               .where(articles_table.c.article_id == article_id)).first()
        return row[0] if row else ""

    def counts(self) -> dict[str, int]:
        """Row counts of the articles, events and mentions tables."""
        with self.engine.connect() as conn:
            return {t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                    for t in (articles_table, events_table, mentions_table)}

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _migrate_1_to_2(conn: sa.Connection) -> None:
    """Version 1 had no mention copies (and no candidate keys: version 5 builds them)."""
    columns = {c["name"] for c in sa.inspect(conn).get_columns("mentions")}
    if "data" not in columns:
        conn.execute(sa.text("ALTER TABLE mentions ADD COLUMN data TEXT NOT NULL DEFAULT ''"))


def _migrate_2_to_3(conn: sa.Connection) -> None:
    """Version 2 indexed candidate keys by (key, date_start); version 5 rebuilds the key table."""
    conn.execute(sa.text("DROP INDEX IF EXISTS ix_event_keys_lookup"))


def _migrate_3_to_4(conn: sa.Connection) -> None:
    """Version 4 records a generation that every write changes, so a writer knows whether the
    events it has cached are still current (its key table is rebuilt by the next step)."""
    if conn.execute(_GET_GENERATION).first() is None:
        conn.execute(meta_table.insert(), {"key": _GENERATION_KEY, "value": uuid.uuid4().hex})


def _migrate_4_to_5(conn: sa.Connection) -> None:
    """Version 5 files each party key once, with the event's CAMEO root in its own column (version
    4 filed it bare and again as "key|root"). The key table is rebuilt from the events."""
    conn.execute(sa.text("DROP TABLE IF EXISTS event_keys"))
    event_keys_table.create(conn)
    cols = events_table.c
    rows = conn.execute(sa.select(cols.event_id, cols.date_start, cols.date_end, cols.precision,
                                  cols.countries, cols.actors, cols.event_code)).mappings().all()
    for row in rows:
        key_rows = _key_rows(row["event_id"], dict(row), _keys_of(dict(row)))
        if key_rows:
            conn.execute(_INSERT_KEY, key_rows)  # a fresh table: no duplicates


MIGRATIONS = {1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4, 4: _migrate_4_to_5}
