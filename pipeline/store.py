"""The event store: articles, canonical events and the mentions linking them, on SQLAlchemy.

The store fetches and writes; ``merge`` decides. For each mention of a new article the writer
looks up the stored events sharing one of its parties (the ``event_keys`` index), asks
``merge.best_match`` which one reports the same happening, and writes ``merge.fold`` of the two,
or a new event. Each article is written in one transaction; writers are serialised (SQLite
``BEGIN IMMEDIATE``, a PostgreSQL advisory lock) so that the decision sees every committed event,
and unique keys make a repeated or concurrent ingest of the same article a no-op.

Beside it: ``schema`` (tables and migrations), ``engine`` (opening the database) and ``storage``
(the rows the writer stores, computed without a database).
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import time
import uuid
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from pipeline.cameo import code_roots
from pipeline.engine import StoreError, create_engine, default_db_url, no_store, one_line, safe_url
from pipeline.merge import (
    MERGEABLE_PRECISIONS, Mention, best_match, codes_compatible, fold, keep_representative, merge_score, prepare,
    same_act,
)
from pipeline.records import COLUMN_KINDS, EVENT_COLUMNS, PRECISIONS, STORE_COLUMNS, Article, WebFetch, list_cell
from pipeline.schema import (ARTICLE_COLUMNS, GET_GENERATION, SCHEMA_VERSION, SET_GENERATION, SchemaError,
                             articles_table, check_readable, create_or_migrate, event_keys_table, events_table,
                             feed_entries_table, fetches_table, mentions_table, read_version)
from pipeline.storage import (MENTION_COLUMNS, StorageMention, StorageRows, code_root, event_keys, key_rows,
                              lookup_keys, mention_record, merge_floor, storage_rows, text_cell, wording_key)

__all__ = ["AddResult", "FetchState", "SCHEMA_VERSION", "Store", "StoreError", "default_db_url", "open_store",
           "storage_rows"]

WRITE_RETRIES = 5
PG_LOCK_KEY = 7_205_431_118  # arbitrary constant: the advisory lock that serialises ingest writers
SOURCE_COLUMNS: tuple[str, ...] = ("article_id", "title", "url", "source", "published", "sentence", "date_text")
# ``Store.mentions_frame``: each mention with its reporting article's date and source.
MENTION_FRAME_COLUMNS: tuple[str, ...] = ("event_id", "article_id", "published", "source", "sentence_index",
                                           "precision", "date_basis")


class _StillLocked(StoreError):
    """Another writer kept the store locked through every retry."""


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``Store.add_article`` did."""

    new: bool
    events_added: int
    mentions_merged: int
    event_ids: tuple[str, ...]
    replaced: bool = False   # the article was known with another publication date and re-stored


@dataclass(frozen=True, slots=True)
class FetchState:
    """What the store knows of a URL fetched before (``fetches``): its validators make the next
    request conditional; ``article_id`` is "" when it gave no article (a feed, a failed page)."""

    url: str
    final_url: str
    article_id: str
    http_status: int
    fetched_at: str
    etag: str
    last_modified: str


def url_key(url: str) -> str:
    """The ``fetches`` key of a URL (URLs are too long for some backends' keys)."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


def entry_key(feed_url: str, entry_id: str) -> str:
    """The ``feed_entries`` key of one entry of one feed."""
    return hashlib.sha256(f"{feed_url}\n{entry_id}".encode("utf-8", "surrogatepass")).hexdigest()


# Inclusive cap on the candidates one lookup returns per date relation: a year-precise mention in a
# huge store could otherwise be compared with every day-precise event of that year. Past a few
# dozen such partners the mention is ambiguous anyway, and a cap of 200 made the writer's cost grow
# with the store (95 ms of CPU per article once 2,500 generated articles were stored).
MAX_CANDIDATES = 25

# Statements built once: SQLAlchemy then reuses their compiled form for every article.
_ARTICLE_STATE = sa.select(articles_table.c.published, articles_table.c.published_assumed).where(
    articles_table.c.article_id == sa.bindparam("aid"))
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
                    "actors", "title", "sentence", "mentions")


def _ranks(ranks: Iterable[int]) -> sa.ColumnElement[bool]:
    return _ek.rank.in_([sa.literal_column(str(int(r))) for r in ranks])


_WEEK_RANK = PRECISIONS.index("week")
# How far back a day or week that is still running may have started (multi-day ranges).
SHORT_PERIOD_LOOKBACK = timedelta(days=7)


@functools.lru_cache(maxsize=None)
def candidates_statement(coded: bool = True, rank: int = 0) -> sa.Select:
    """The candidate query for a mention of precision rank ``rank`` (binds: keys, s, e, lo, near,
    and root when ``coded``): the ids of the events it may merge with, in id order. A coded mention
    meets events of its CAMEO root or uncoded ones (different roots never merge). What the merge
    gates read of each comes from the writer's cache of prepared events, or from ``events``."""
    # An uncoded mention meets every root; naming them all (rather than leaving the root out) lets
    # the key table's index, ordered by (key, root, rank, date_start), seek each rank's period
    # instead of walking every row of a busy key such as "c:CHN".
    roots = [sa.bindparam("root", type_=sa.String), sa.literal("")] if coded else [
        sa.literal(r) for r in ("",) + code_roots()]
    keys = sa.and_(_KEYS, _ek.root.in_(roots))
    # The same period; periods running at the mention's start; finer periods starting inside it
    # (on its first day included: "January" inside "the first quarter"). What overlaps is only a
    # candidate: ``merge.best_match`` decides (containment, a week's overlap).
    # (Each part names only the ranks it can find: the index is searched once per key, root and
    # rank, so every rank left out saves a dozen seeks.)
    parts: list[sa.Select] = [sa.select(_ek.event_id).where(
        keys, _ranks([rank]), _ek.date_start == sa.bindparam("s"), _ek.date_end == sa.bindparam("e")).distinct()]
    # (Days and weeks run at most a few days: looking back a week keeps that range short.)
    short = [r for r in MERGE_RANKS if r <= _WEEK_RANK]
    # (A month or longer running at the mention's start and coarser than a week: only periods at
    # least as coarse as the mention can hold it; a finer one starting before it cannot.)
    for ranks, earliest in ((short, "near"), ([r for r in MERGE_RANKS if r > _WEEK_RANK and r >= rank], "lo")):
        if not ranks:
            continue
        parts.append(sa.select(sa.select(_ek.event_id).where(
            keys, _ranks(ranks), _ek.date_start >= sa.bindparam(earliest), _ek.date_start <= sa.bindparam("s"),
            _ek.date_end >= sa.bindparam("s")).distinct().order_by(_ek.event_id).limit(MAX_CANDIDATES)
            .subquery().c.event_id))
    finer = [r for r in MERGE_RANKS if r < rank]
    if finer:
        parts.append(sa.select(sa.select(_ek.event_id).where(
            keys, _ranks(finer), _ek.date_start >= sa.bindparam("s"), _ek.date_start <= sa.bindparam("e"))
            .distinct().order_by(_ek.event_id).limit(MAX_CANDIDATES).subquery().c.event_id))
    ids = sa.union(*parts).subquery()
    return sa.select(ids.c.event_id).order_by(ids.c.event_id)


# Prepared events a writer keeps (about 1 kB each): a story's candidates recur mention after
# mention, so even a cold cache answers most lookups within a few hundred articles.
GATE_CACHE_SIZE = 65_536
_EVENT_BY_ID = sa.select(events_table).where(events_table.c.event_id == sa.bindparam("eid"))
# Wording keys (a mention's sentence and date) looked up per statement: the event holding each.
_TWIN_CHUNK = 200
_EVENTS_EXIST = sa.select(events_table.c.event_id).where(
    events_table.c.event_id.in_(sa.bindparam("ids", expanding=True)))
# What a merge may change in a stored event: everything but its id (``merge.fold`` decides).
_UPDATED_COLUMNS = EVENT_COLUMNS[1:] + ("mentions", "first_reported", "last_reported")


def key_params(keys: list[str]) -> dict[str, str]:
    """Bind values for the KEY_SLOTS key slots of the candidate query (1..KEY_SLOTS keys)."""
    return {f"k{i}": keys[i] if i < len(keys) else keys[0] for i in range(KEY_SLOTS)}


def open_store(url: str | None = None, create: bool = True) -> Store:
    """Open the store at ``url`` or the default location, migrating an older schema; with
    ``create`` (writers), make the store when there is none, else (readers) refuse with "no
    store at ..." rather than leave an empty store behind."""
    engine, parsed = create_engine(url or default_db_url(), create)
    store = Store(engine, parsed)
    try:
        store._init_schema(create)
    except StoreError:
        engine.dispose()
        raise
    except SchemaError as err:
        engine.dispose()
        raise StoreError(str(err)) from None
    except sa_exc.OperationalError as err:
        engine.dispose()
        msg = one_line(err)
        if parsed.get_backend_name() == "sqlite":
            raise StoreError(f"cannot open SQLite store {parsed.database}: {msg}") from None
        raise StoreError(f"cannot reach database server {safe_url(parsed)}: {msg}") from None
    except sa_exc.DatabaseError as err:
        engine.dispose()
        raise StoreError(f"{safe_url(parsed)} is not a usable Timeline store: {one_line(err)}") from None
    return store


def _insert_ignoring_duplicates(table: sa.Table, backend: str):
    """INSERT that skips rows whose primary key exists (SQLite and PostgreSQL: ON CONFLICT DO NOTHING)."""
    if backend == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
        return insert(table).on_conflict_do_nothing()
    if backend == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
        return insert(table).on_conflict_do_nothing()
    return table.insert()


def _mention_basis(data: str | None) -> str:
    """The ``date_basis`` of a mention from its JSON copy ("" when the copy is missing or unreadable)."""
    if not data:
        return ""
    try:
        rec = json.loads(data)
    except ValueError:
        return ""
    basis = rec.get("date_basis") if isinstance(rec, dict) else None
    return basis if isinstance(basis, str) else ""


def _should_replace(stored_published: str, stored_assumed: bool, article: Article) -> bool:
    """A known article is stored again only when it now comes with a different, real date."""
    if article.published_assumed:
        return False   # never trade a stored date for a guess
    return stored_assumed or stored_published != article.published.isoformat()


def _new_event_id(mention_id: str, article_id: str, taken: set[str]) -> str:
    """The canonical id of a new event: the extractor's id unless another event already has it."""
    if mention_id not in taken:
        return mention_id
    return hashlib.sha256(f"{article_id}:{mention_id}".encode()).hexdigest()[:16]


def _check_rows(article: Article, rows: StorageRows) -> None:
    """The writer takes one shape of rows: ``storage.storage_rows`` of this very article."""
    if not isinstance(rows, StorageRows):
        raise TypeError(f"the store takes storage.storage_rows(article, events), not {type(rows).__name__}")
    if rows.article_id != article.article_id:
        raise ValueError(f"storage rows of article {rows.article_id} given for article {article.article_id}")


# Precision ranks from which an event is coarse enough to be folded into a finer one.
_COARSE_FROM = PRECISIONS.index("week")


_MENTION_READ = ("data",) + MENTION_COLUMNS
# Prepared stored mentions a writer keeps (each with its key, the mention's JSON copy: a few kB):
# the retellings of the coarse events that consolidation checks again and again.
MENTION_CACHE_SIZE = 16_384


@functools.lru_cache(maxsize=MENTION_CACHE_SIZE)
def _stored_mention(values: tuple) -> Mention:
    """The prepared form of a stored mention (its ``_MENTION_READ`` values, with its JSON copy):
    a mention never changes once written, and a coarse event's retellings are judged again each
    time the event is a suspect of ``Store._consolidate``."""
    return prepare(mention_record(dict(zip(_MENTION_READ, values)), {}))


def _strictly_inside(inner: tuple[date, date], outer: tuple[date, date]) -> bool:
    """True when period ``inner`` lies inside ``outer`` and is not the same period."""
    return inner != outer and outer[0] <= inner[0] and inner[1] <= outer[1]


def _final_id(absorbed: dict[str, str], event_id: str) -> str:
    """The event that holds ``event_id``'s mentions after consolidation (chains followed)."""
    while event_id in absorbed:
        event_id = absorbed[event_id]
    return event_id


def _mention_row(event_id: str, article_id: str, m: StorageMention) -> dict[str, Any]:
    """The ``mentions`` row linking mention ``m`` of an article to its canonical event."""
    rec = m.rec
    return {"event_id": event_id, "article_id": article_id, "mention_id": m.mention_id,
            **{k: rec[k] for k in MENTION_COLUMNS}, "data": m.data}


@dataclass
class _Pending:
    """The events one article creates or changes, held until they are written in a few batched
    statements; the article's later mentions meet them here, in their current form."""

    published: str
    taken: set[str]                                   # event ids in use (stored or created here)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)   # id -> current row
    prepared: dict[str, Mention] = field(default_factory=dict)        # id -> merge.prepare of it
    by_key: dict[str, set[str]] = field(default_factory=dict)         # key -> ids filed under it
    # id -> the wording keys (with the event's root) of the mentions this article adds to it.
    wording: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    # Coarse events a mention joined while a finer event inside them was its next choice.
    suspects: set[str] = field(default_factory=set)
    # Stored events this article changes: id -> (date_start, precision, keys) as the store holds them.
    stored: dict[str, tuple[str, str, frozenset[tuple[str, str]]]] = field(default_factory=dict)
    # Wording key -> the stored event holding it (the smallest id), read once for the whole article.
    twins: dict[str, str] = field(default_factory=dict)
    # Event a mention joined -> the other candidates reporting the same act as that mention
    # (``merge.same_act``), with their prepared form: partners to fold in if the event moves to their day.
    same_acts: dict[str, dict[str, Mention]] = field(default_factory=dict)

    def sharing(self, keys: Iterable[str]) -> list[tuple[str, Mention]]:
        """(id, prepared form) of the pending events filed under any of ``keys``."""
        ids: set[str] = set()
        for key in keys:
            ids.update(self.by_key.get(key, ()))
        return [(e, self.prepared[e]) for e in ids]

    def create(self, m: StorageMention, article_id: str) -> str:
        """A new canonical event from mention ``m``; returns its id."""
        event_id = _new_event_id(m.mention_id, article_id, self.taken)
        self.taken.add(event_id)
        self.created.append(event_id)
        row = {**m.rec, "event_id": event_id, "mentions": 1, "first_reported": self.published,
               "last_reported": self.published}
        self._put(event_id, row, m.prepared, m.rec)
        return event_id

    def join(self, target: dict[str, Any], m: StorageMention) -> str:
        """Fold mention ``m`` into the event ``target`` (stored, or pending); returns its id."""
        event_id = target["event_id"]
        if event_id not in self.events:
            # Keys only grow with an event's parties, so its current keys are all filed.
            self.stored[event_id] = (target["date_start"], target["precision"], event_keys(target))
        row = fold(target, m.rec, self.published)
        self._put(event_id, row, prepare(row), m.rec)
        return event_id

    def _put(self, event_id: str, row: dict[str, Any], prepared: Mention, mention: dict[str, Any]) -> None:
        self.events[event_id] = row
        self.prepared[event_id] = prepared
        for key, _root in event_keys(row):
            self.by_key.setdefault(key, set()).add(event_id)
        words = wording_key(mention)
        if words:
            self.wording.setdefault(event_id, set()).add((words, code_root(row)))
            self.by_key.setdefault(words, set()).add(event_id)

    def moved(self) -> list[str]:
        """The stored events whose period or precision this article changed."""
        return [e for e, (start, precision, _) in self.stored.items()
                if (start, precision) != (self.events[e]["date_start"], self.events[e]["precision"])]

    def new_key_rows(self) -> list[dict[str, Any]]:
        """Key-table rows of the keys the pending events have and the store does not hold yet
        (a wording key the store already holds is skipped when written)."""
        rows = []
        for e, ev in self.events.items():
            rows += key_rows(e, ev, event_keys(ev) - (self.stored[e][2] if e in self.stored else frozenset()))
            rows += key_rows(e, ev, self.wording.get(e, ()), any_precision=True)
        return rows


class Store:
    """A Timeline event store on one SQLAlchemy engine."""

    def __init__(self, engine: sa.engine.Engine, url: sa.engine.URL) -> None:
        self.engine = engine
        self.url = url
        self.backend = url.get_backend_name()
        self._insert_key = _insert_ignoring_duplicates(event_keys_table, self.backend)
        # Statements the writer runs on the driver, compiled once: (SQL, bind order, fixed binds).
        self._compiled: dict[Any, tuple[str, tuple[str, ...], dict[str, Any]]] = {}
        self._gates_sql: dict[int, str] = {}   # n ids -> SQL
        self._twins_sql: dict[int, str] = {}   # n wording keys -> SQL
        self._write_sql: dict[tuple, str] = {}
        # event id -> merge.prepare of the stored row, valid while the store's generation is
        # ``self._generation`` (this writer's last commit); see ``_writing``.
        self._gates: OrderedDict[str, Mention] = OrderedDict()
        self._generation: str | None = None

    # ----- schema -------------------------------------------------------------------------
    def _write_conn(self) -> sa.Connection:
        # An execution option lives on this Connection only, not on the pooled DBAPI connection.
        return self.engine.connect().execution_options(timeline_write=True)

    def _init_schema(self, create: bool = True) -> None:
        label = safe_url(self.url)
        # Read first, without the writer lock: opening an up-to-date store (the dashboard does it
        # on every refresh) must not wait for an ingest that holds the lock.
        with self.engine.connect() as conn:
            version = read_version(conn)
        if version == SCHEMA_VERSION:
            return
        if version is None and not create:
            raise no_store(label)
        check_readable(version, label)
        with self._write_conn() as conn, conn.begin():
            self._lock(conn)
            self._forget()
            create_or_migrate(conn, label)

    def _lock(self, conn: sa.Connection) -> None:
        # SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs an explicit lock
        # so two ingests cannot both create the same canonical event.
        if self.backend == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})

    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        with self.engine.connect() as conn:
            return read_version(conn) or 0

    # ----- writing ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        """A write transaction: the writer lock taken, the cache of prepared events checked
        against the store's generation, and a new generation recorded with the commit. Any
        failure drops the cache, which may hold rows of a rolled-back transaction."""
        try:
            with self._write_conn() as conn, conn.begin():
                self._lock(conn)
                row = conn.execute(GET_GENERATION).first()
                if row is None or row[0] != self._generation:
                    self._gates.clear()   # another process wrote since our last commit
                token = uuid.uuid4().hex
                yield conn
                conn.execute(SET_GENERATION, {"value": token})
        except BaseException:
            self._forget()
            raise
        self._generation = token

    def _forget(self) -> None:
        self._gates.clear()
        self._generation = None

    def _retrying(self, write):
        """Run ``write(conn)`` in a write transaction, again while another writer holds the lock."""
        last: BaseException | None = None
        for attempt in range(WRITE_RETRIES):
            try:
                with self._writing() as conn:
                    return write(conn)
            except sa_exc.OperationalError as err:
                last = err
                if "locked" not in str(err).lower() and "busy" not in str(err).lower():
                    raise StoreError(f"cannot write to store {safe_url(self.url)}: {one_line(err)}") from None
                time.sleep(0.2 * (attempt + 1))
        raise _StillLocked(f"store {safe_url(self.url)} stayed locked by another writer: {one_line(last)}")

    def add_article(self, article: Article, rows: StorageRows, web: WebFetch | None = None) -> AddResult:
        """Store ``article`` and its event mentions (``storage.storage_rows`` of the extractor's
        rows) in one transaction, merging them into known events; ``web``: how it was fetched,
        recorded in the same transaction (``record_web``)."""
        _check_rows(article, rows)
        try:
            return self._retrying(lambda conn: self._add_fetched(conn, article, rows, web))
        except sa_exc.IntegrityError:
            # Another ingest stored the same article between our check and insert.
            if self.has_article(article.article_id):
                return AddResult(False, 0, 0, ())
            raise

    def add_articles(self, items: list[tuple[Article, StorageRows]],
                     web: list[WebFetch | None] | None = None) -> list[AddResult]:
        """Store several articles in one transaction (each whole or not at all, in order);
        ``web``, when given, holds each one's fetch (or None), recorded with it."""
        for article, rows in items:
            _check_rows(article, rows)
        fetches = list(web) if web is not None else [None] * len(items)
        try:
            return self._retrying(lambda conn: [self._add_fetched(conn, article, rows, w)
                                                for (article, rows), w in zip(items, fetches)])
        except sa_exc.IntegrityError:
            # Another ingest stored one of them meanwhile: fall back to one transaction each.
            return [self.add_article(a, r, w) for (a, r), w in zip(items, fetches)]
        except _StillLocked:
            return [self.add_article(a, r, w) for (a, r), w in zip(items, fetches)]

    def _add_fetched(self, conn: sa.Connection, article: Article, rows: StorageRows,
                     web: WebFetch | None) -> AddResult:
        result = self._add(conn, article, rows)
        if web is not None:
            self._write_web(conn, web, article.article_id)
        return result

    # ----- pages and feeds from the web ---------------------------------------------------
    def record_web(self, fetches: list[tuple[WebFetch, str]]) -> None:
        """Record fetches that stored no article now, in one transaction: (fetch, article id or "")
        for a page found unchanged, a page that failed for good, or a feed whose entries are
        all handled. A fetch from a feed marks its entry as handled."""
        if fetches:
            self._retrying(lambda conn: [self._write_web(conn, w, aid) for w, aid in fetches])

    def _write_web(self, conn: sa.Connection, web: WebFetch, article_id: str) -> None:
        """The ``fetches`` row of ``web`` (replacing the URL's previous one) and, for a feed entry,
        its ``feed_entries`` row."""
        key = url_key(web.url)
        f = fetches_table.c
        previous = conn.execute(sa.select(f.etag, f.last_modified, f.article_id).where(f.url_key == key)).first()
        etag, modified = web.etag, web.last_modified
        if web.status == 304 and previous is not None:   # unchanged: keep what the copy was stored with
            etag, modified = etag or previous[0], modified or previous[1]
            article_id = article_id or previous[2]
        conn.execute(fetches_table.delete().where(f.url_key == key))
        conn.execute(fetches_table.insert(), {
            "url_key": key, "url": text_cell(web.url), "final_url": text_cell(web.final_url or web.url),
            "article_id": article_id or "", "http_status": int(web.status), "fetched_at": web.fetched_at,
            "etag": text_cell(etag), "last_modified": text_cell(modified), "content_type": web.content_type[:255]})
        if web.feed_url:
            ekey = entry_key(web.feed_url, web.entry_id)
            conn.execute(feed_entries_table.delete().where(feed_entries_table.c.entry_key == ekey))
            conn.execute(feed_entries_table.insert(), {
                "entry_key": ekey, "feed_url": text_cell(web.feed_url), "entry_id": text_cell(web.entry_id),
                "url": text_cell(web.url), "article_id": article_id or "", "http_status": int(web.status),
                "seen_at": datetime.now(timezone.utc).isoformat(timespec="seconds")})

    def fetch_state(self, url: str) -> FetchState | None:
        """What the store knows of ``url`` from an earlier fetch, or None."""
        f = fetches_table.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(f.url, f.final_url, f.article_id, f.http_status, f.fetched_at, f.etag,
                                         f.last_modified).where(f.url_key == url_key(url))).first()
        return FetchState(*row) if row is not None else None

    def article_fetch(self, article_id: str) -> FetchState | None:
        """The latest fetch that gave article ``article_id`` (None for an article not from the web)."""
        f = fetches_table.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(f.url, f.final_url, f.article_id, f.http_status, f.fetched_at, f.etag,
                                         f.last_modified).where(f.article_id == article_id)
                               .order_by(f.fetched_at.desc()).limit(1)).first()
        return FetchState(*row) if row is not None else None

    def seen_entries(self, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` (``entry_key`` of feed entries) already handled."""
        wanted = sorted(set(keys))
        e = feed_entries_table.c
        found: set[str] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                found.update(r[0] for r in conn.execute(sa.select(e.entry_key).where(e.entry_key.in_(chunk))))
        return found

    def web_counts(self) -> dict[str, int]:
        """Row counts of the fetches and feed_entries tables."""
        with self.engine.connect() as conn:
            return {t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                    for t in (fetches_table, feed_entries_table)}

    def has_article(self, article_id: str) -> bool:
        """True when the article is already stored."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(articles_table.c.article_id)
                                .where(articles_table.c.article_id == article_id)).first() is not None

    def _add(self, conn: sa.Connection, article: Article, rows: StorageRows) -> AddResult:
        """Write one article in the open transaction: its row, its mentions, and the events they
        create or join."""
        known = conn.execute(_ARTICLE_STATE, {"aid": article.article_id}).first()
        replaced = known is not None
        dropped = 0
        if replaced:
            if not _should_replace(known[0], bool(known[1]), article):
                return AddResult(False, 0, 0, ())
            dropped = self._remove(conn, article.article_id)
        # The article row goes first: mentions reference it (foreign key).
        self._insert_article(conn, article)
        created, folded, event_ids = self._merge_mentions(conn, article, rows)
        conn.execute(_SET_N_EVENTS, {"aid": article.article_id, "n_events": len(rows.mentions)})
        # the change in the store's event count: the events this article began, less the stored
        # events its news folded into others and those that lost their only report in a re-store
        return AddResult(not replaced, created - folded - dropped, len(event_ids) - created, event_ids, replaced)

    def _merge_mentions(self, conn: sa.Connection, article: Article,
                        rows: StorageRows) -> tuple[int, int, tuple[str, ...]]:
        """Merge the mentions of a stored article into the events and write them; returns the
        number of events its mentions began (and kept), the number of events stored before it
        that it folded into others, and each mention's event id."""
        batch = _Pending(article.published.isoformat(), self._ids_in_use(conn, rows))
        batch.twins = self._stored_twins(conn, [wording_key(m.rec) for m in rows.mentions])
        mention_rows: list[dict[str, Any]] = []
        for m in rows.mentions:
            target = self._find_match(conn, m, batch)
            event_id = batch.create(m, article.article_id) if target is None else batch.join(target, m)
            mention_rows.append(_mention_row(event_id, article.article_id, m))
        self._write_batch(conn, batch, mention_rows)
        for event_id, prepared in batch.prepared.items():
            self._remember(event_id, prepared)
        absorbed = self._consolidate(conn, batch)
        created = sum(1 for e in batch.created if e not in absorbed)
        folded = sum(1 for e in absorbed if e not in batch.created)
        return created, folded, tuple(_final_id(absorbed, r["event_id"]) for r in mention_rows)

    def _consolidate(self, conn: sa.Connection, batch: _Pending) -> dict[str, str]:
        """Fold coarse events into the finer event they report, once this article makes it clear.

        A retelling ("released in September 2021") that met two close days stays apart as a month
        event; it joins the day when the story's reports later single that day out (the salience
        and margin rules of ``merge.best_match``, each retelling judged on its own). Checked for
        the coarse events this article's mentions joined while a finer event inside them was their
        next choice (``batch.suspects``). Returns {absorbed event id: the id of the event that
        took its mentions}."""
        absorbed: dict[str, str] = {}
        for event_id in sorted(batch.suspects):
            target = self._finer_match(conn, event_id)
            if target is not None:
                self._absorb(conn, event_id, target, absorbed)
        moved = set(batch.moved())
        for event_id in sorted(moved.intersection(batch.same_acts)):
            if event_id not in absorbed:
                self._fold_same_acts(conn, event_id, batch.same_acts[event_id], absorbed)
        return absorbed

    def _fold_same_acts(self, conn: sa.Connection, event_id: str, partners: dict[str, Mention],
                        absorbed: dict[str, str]) -> None:
        """Fold into event ``event_id``, which this article has just dated to a day, the events
        of that day reporting the same act of the same people (``merge.same_act``; ``partners``:
        the candidates the article's mention found so). A month event ("released in September
        2021") refined to its day meets the day's earlier report that its retellings never
        matched ("A judge discharged Meng later on Friday")."""
        row = self._event_row(conn, event_id)
        mine = prepare(row)
        same = [other for other, theirs in sorted(partners.items())
                if other not in absorbed and other != event_id and same_act(mine, theirs)]
        for other in same:
            self._absorb(conn, other, event_id, absorbed)
        if same:
            # the event keeps the mention that stood for it (its rebuild would take the earliest stored)
            event = keep_representative(self._event_row(conn, event_id), row)
            conn.execute(_UPDATE_EVENT, {**{c: event.get(c) for c in _UPDATED_COLUMNS}, "b_event_id": event_id})
            self._gates.pop(event_id, None)

    def _finer_match(self, conn: sa.Connection, event_id: str) -> str | None:
        """The finer-dated event that coarse event ``event_id`` reports, or None: the event that
        most of its mentions, each compared on its own (``merge.best_match``), would join if it
        were not there."""
        row = self._event_row(conn, event_id)
        period = prepare(row).period
        candidates = dict(self._candidates(conn, row, lookup_keys(row), merge_floor(row), (event_id,)))
        finer = {e for e, g in candidates.items() if _strictly_inside(g.period, period)}
        if not finer:
            return None
        m = mentions_table.c
        mentions = conn.execute(sa.select(m.data, *[m[c] for c in MENTION_COLUMNS])
                                .where(m.event_id == event_id)).all()
        # Copies of one sentence (syndication, near-copies) vote alike: each distinct mention is
        # judged once and votes as many times as it is stored.
        # (a store older than the mentions' JSON copies reads the event's fields instead)
        alike: Counter[Mention] = Counter(
            _stored_mention(tuple(values)) if values[0]
            else prepare(mention_record(dict(zip(_MENTION_READ, values)), row)) for values in mentions)
        votes: dict[str, int] = {}
        need = len(mentions) // 2 + 1   # a strict majority (so at most one event reaches it)
        left = len(mentions)
        for mention, copies in alike.most_common():
            left -= copies
            choice = best_match(mention, candidates.items())
            if choice is not None:
                votes[choice] = votes.get(choice, 0) + copies
                if votes[choice] >= need:
                    return choice if choice in finer else None
            if max(votes.values(), default=0) + left < need:
                return None   # no event can reach a majority any more
        return None

    def _absorb(self, conn: sa.Connection, coarse: str, fine: str, absorbed: dict[str, str]) -> None:
        """Move every mention of event ``coarse`` to event ``fine`` and rebuild it."""
        conn.execute(mentions_table.update().where(mentions_table.c.event_id == coarse).values(event_id=fine))
        conn.execute(event_keys_table.delete().where(event_keys_table.c.event_id == coarse))
        conn.execute(events_table.delete().where(events_table.c.event_id == coarse))
        self._gates.pop(coarse, None)
        self._rebuild_event(conn, fine)
        absorbed[coarse] = fine

    def _candidates(self, conn: sa.Connection, rec: dict[str, Any], keys: Iterable[str], lo: str,
                    exclude: Iterable[str]) -> list[tuple[str, Mention]]:
        """(id, prepared event) of the stored events, but ``exclude``, that a mention or event
        (record ``rec``, filed under ``keys``, coarser partners from ``lo``) may merge with."""
        keys = list(keys)
        if not keys or not lo:
            return []
        start = date.fromisoformat(rec["date_start"])
        near = (start - SHORT_PERIOD_LOOKBACK if start - date.min > SHORT_PERIOD_LOOKBACK else date.min).isoformat()
        params = {"s": rec["date_start"], "e": rec["date_end"], "lo": lo, "near": near, "root": code_root(rec),
                  "rank": PRECISIONS.index(rec["precision"])}
        ids: set[str] = set()
        for i in range(0, len(keys), KEY_SLOTS):
            ids.update(self._candidate_ids(conn, {**params, **key_params(keys[i:i + KEY_SLOTS])}))
        return self._gates_of(conn, sorted(ids.difference(exclude)))

    def reconcile(self, progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
        """Rebuild every event from the stored mentions, merged article by article in one canonical
        order (publication date, then article id), in one transaction; returns the number of
        events and of mentions.

        The merge decides for each mention against the events it finds, so the same articles
        ingested in another order, or by concurrent ingests, may split or join a few events
        differently; after ``reconcile`` every such store is the same. ``progress(done, total)``
        is called after each article."""
        a, m = articles_table.c, mentions_table.c
        with self._writing() as conn:
            articles = conn.execute(sa.select(a.article_id, a.title, a.url, a.source, a.published,
                                              a.published_assumed, a.path)
                                    .order_by(a.published, a.article_id)).mappings().all()
            old_events = {r["event_id"]: dict(r) for r in conn.execute(sa.select(events_table)).mappings()}
            by_article: dict[str, list[dict[str, Any]]] = {}
            for row in conn.execute(sa.select(m.article_id, m.event_id, m.mention_id, m.data,
                                              *[m[c] for c in MENTION_COLUMNS])
                                    .order_by(m.article_id, m.id)).mappings():
                by_article.setdefault(row["article_id"], []).append(dict(row))
            conn.execute(event_keys_table.delete())
            conn.execute(mentions_table.delete())
            conn.execute(events_table.delete())
            self._gates.clear()
            for done, art in enumerate(articles, 1):
                article = Article(art["article_id"], art["title"], "", date.fromisoformat(art["published"]),
                                  bool(art["published_assumed"]), art["url"], art["source"], art["path"])
                recs = [{**mention_record(r, old_events.get(r["event_id"], {})), "event_id": r["mention_id"]}
                        for r in by_article.get(art["article_id"], [])]
                self._merge_mentions(conn, article, storage_rows(article, recs))
                if progress is not None:
                    progress(done, len(articles))
            counts = {t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                      for t in (events_table, mentions_table)}
        return counts["events"], counts["mentions"]

    def _insert_article(self, conn: sa.Connection, article: Article) -> None:
        conn.execute(articles_table.insert(), {
            "article_id": article.article_id, "title": text_cell(article.title), "url": text_cell(article.url),
            "source": text_cell(article.source), "published": article.published.isoformat(),
            "published_assumed": bool(article.published_assumed), "text": text_cell(article.text),
            "path": text_cell(article.path), "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "n_events": 0})

    def _ids_in_use(self, conn: sa.Connection, rows: StorageRows) -> set[str]:
        """The stored events whose ids the article's mentions would take as new event ids."""
        wanted = sorted({m.rec["event_id"] for m in rows.mentions} - {""})
        return {r[0] for r in conn.execute(_EVENTS_EXIST, {"ids": wanted})} if wanted else set()

    def _write_batch(self, conn: sa.Connection, batch: _Pending, mention_rows: list[dict[str, Any]]) -> None:
        """Write what one article changed: new events, updated events and their moved keys, the
        keys they gained, and the mention rows."""
        if batch.created:
            self._write_many(conn, events_table, [batch.events[e] for e in batch.created])
        changed = [e for e in batch.events if e in batch.stored]
        if changed:
            self._write_many(conn, events_table, [{**{k: batch.events[e][k] for k in _UPDATED_COLUMNS},
                                                   "b_event_id": e} for e in changed], where="event_id")
        moved = batch.moved()
        if moved:
            self._write_many(conn, event_keys_table, [
                {"date_start": batch.events[e]["date_start"], "date_end": batch.events[e]["date_end"],
                 "rank": PRECISIONS.index(batch.events[e]["precision"]), "b_event_id": e} for e in moved],
                where="event_id")
        key_rows_new = batch.new_key_rows()
        if key_rows_new:
            # Keys an updated event already had are skipped (ON CONFLICT DO NOTHING).
            self._write_many(conn, event_keys_table, key_rows_new, skip_duplicates=True)
        if mention_rows:
            self._write_many(conn, mentions_table, mention_rows)

    def remove_article(self, article_id: str) -> bool:
        """Delete an article and its mentions, rebuilding the events they fed; False when unknown."""
        with self._writing() as conn:
            if conn.execute(_ARTICLE_STATE, {"aid": article_id}).first() is None:
                return False
            self._remove(conn, article_id)
        return True

    def _remove(self, conn: sa.Connection, article_id: str) -> int:
        """Delete an article and its mentions, rebuilding the events they reported; returns the
        number of events deleted (those it was the only report of)."""
        m = mentions_table.c
        affected = sorted({r[0] for r in conn.execute(sa.select(m.event_id).where(m.article_id == article_id))})
        conn.execute(mentions_table.delete().where(m.article_id == article_id))
        conn.execute(articles_table.delete().where(articles_table.c.article_id == article_id))
        return sum(not self._rebuild_event(conn, event_id) for event_id in affected)

    def _rebuild_event(self, conn: sa.Connection, event_id: str) -> bool:
        """Recompute a canonical event by folding its remaining mentions in the order they were
        stored; False when none is left and the event was deleted."""
        self._gates.pop(event_id, None)
        m, a = mentions_table.c, articles_table.c
        rows = conn.execute(sa.select(m.data, m.sentence, m.sentence_index, m.date_text, m.date_start, m.date_end,
                                      m.precision, m.title, m.article_id, a.published)
                            .join(articles_table, a.article_id == m.article_id)
                            .where(m.event_id == event_id).order_by(m.id)).mappings().all()
        conn.execute(event_keys_table.delete().where(event_keys_table.c.event_id == event_id))
        if not rows:
            conn.execute(events_table.delete().where(events_table.c.event_id == event_id))
            return False
        old = dict(conn.execute(sa.select(events_table).where(events_table.c.event_id == event_id)).mappings().first())
        first = rows[0]
        event = {**mention_record(dict(first), old), "mentions": 1, "first_reported": first["published"],
                 "last_reported": first["published"]}
        for row in rows[1:]:
            event = fold(event, mention_record(dict(row), old), row["published"])
        update = {c: event.get(c) for c in EVENT_COLUMNS[1:] + ("mentions", "first_reported", "last_reported")}
        conn.execute(_UPDATE_EVENT, {**update, "b_event_id": event_id})
        words = {(k, code_root(update)) for k in (wording_key(r) for r in rows) if k}
        rows_of_keys = key_rows(event_id, update, event_keys(update)) + key_rows(event_id, update, words, True)
        if rows_of_keys:
            conn.execute(self._insert_key, rows_of_keys)

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
        coded, rank = bool(params["root"]), params["rank"]   # rank picks the statement, binds nothing
        return [r[0] for r in self._run_compiled(conn, ("candidates", coded, rank), candidates_statement(coded, rank),
                                                 params)[1]]

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

    def _find_match(self, conn: sa.Connection, m: StorageMention, batch: _Pending) -> dict[str, Any] | None:
        """The canonical event reporting the same happening as mention ``m``, or None.

        An event already holding the very same sentence and date (a syndicated copy) takes the
        mention, whoever it names; otherwise ``merge.best_match`` chooses among the stored events
        sharing one of its keys (the index query) and the events this article already created or
        changed (in their current form)."""
        twin = self._twin(conn, m, batch)
        if twin is not None:
            if m.lookup and _COARSE_FROM <= prepare(twin).rank:
                self._suspect(m, twin["event_id"], self._pool(conn, m, batch), batch)
            return twin
        if not m.lookup:
            return None
        candidates = self._pool(conn, m, batch)
        best = best_match(m.prepared, candidates)
        if best is None:
            return None
        if _COARSE_FROM <= dict(candidates)[best].rank:
            self._suspect(m, best, candidates, batch)
        partners = {e: g for e, g in candidates if e != best and same_act(g, m.prepared)}
        if partners:
            batch.same_acts.setdefault(best, {}).update(partners)
        if best in batch.events:
            return batch.events[best]
        return self._event_row(conn, best)   # the winner's full row, read only now

    def _pool(self, conn: sa.Connection, m: StorageMention, batch: _Pending) -> list[tuple[str, Mention]]:
        """(id, prepared event) of every event mention ``m`` may join: the stored events sharing one
        of its keys (the index query) and this article's pending events (in their current form)."""
        return self._candidates(conn, m.rec, m.lookup, m.lo, batch.events.keys()) + batch.sharing(m.lookup)

    @staticmethod
    def _suspect(m: StorageMention, coarse: str, candidates: list[tuple[str, Mention]], batch: _Pending) -> None:
        """Mention ``m`` joins coarse event ``coarse``: where would it go without it? A finer event
        inside its period makes the coarse event a candidate for consolidation."""
        pool = dict(candidates)
        if coarse not in pool or not any(
                event_id != coarse and _strictly_inside(event.period, pool[coarse].period)
                and merge_score(event, m.prepared) is not None for event_id, event in candidates):
            return   # no finer event inside it even matches the mention
        alt = best_match(m.prepared, [c for c in candidates if c[0] != coarse])
        if alt is not None and _strictly_inside(pool[alt].period, pool[coarse].period):
            batch.suspects.add(coarse)

    def _twin(self, conn: sa.Connection, m: StorageMention, batch: _Pending) -> dict[str, Any] | None:
        """The event (the smallest id if several) that holds a mention with ``m``'s sentence and
        date, found through its wording key, or None; its event code must agree with ``m``'s."""
        words = wording_key(m.rec)
        if not words:
            return None
        pending = sorted(batch.by_key.get(words, ()))
        if pending:
            event = batch.events[pending[0]]
        else:
            stored = batch.twins.get(words)
            if stored is None:
                return None
            event = batch.events.get(stored) or self._event_row(conn, stored)
        return event if codes_compatible(event, m.prepared) else None

    def _stored_twins(self, conn: sa.Connection, keys: list[str]) -> dict[str, str]:
        """{wording key: the smallest id of the stored events filed under it} for ``keys``, in a
        few queries for a whole article (its mentions' twins do not change while it is merged:
        what it creates or joins is pending in the batch, checked first)."""
        wanted = sorted({k for k in keys if k})
        found: dict[str, str] = {}
        for start in range(0, len(wanted), _TWIN_CHUNK):
            chunk = wanted[start:start + _TWIN_CHUNK]
            for key, event_id in self._driver_rows(conn, self._twins_statement(len(chunk)), tuple(chunk))[1]:
                found[key] = event_id
        return found

    def _twins_statement(self, n: int) -> str:
        """SELECT of (key, smallest event id) for ``n`` keys, in the driver's parameter style."""
        if n not in self._twins_sql:
            q = self.engine.dialect.identifier_preparer.quote
            self._twins_sql[n] = (
                f"SELECT {q('key')}, MIN({q('event_id')}) FROM {q(event_keys_table.name)} "
                f"WHERE {q('key')} IN ({', '.join([self._mark] * n)}) GROUP BY {q('key')}")
        return self._twins_sql[n]

    def _event_row(self, conn: sa.Connection, event_id: str) -> dict[str, Any]:
        """One stored event as a dict, read straight on the driver (once per merged mention)."""
        names, rows = self._run_compiled(conn, "event", _EVENT_BY_ID, {"eid": event_id})
        if not rows:
            raise StoreError(f"event {event_id} vanished from the store during an ingest")
        return dict(zip(names, rows[0]))

    # ----- reading ------------------------------------------------------------------------
    def events_frame(self) -> pd.DataFrame:
        """One row per canonical event: the columns of EVENT_COLUMNS, then STORE_COLUMNS."""
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
        for col in EVENT_COLUMNS:
            kind = COLUMN_KINDS[col]
            if kind == "list":
                events[col] = events[col].map(list_cell) if len(events) else pd.Series(dtype=object)
            elif kind == "float":
                events[col] = pd.to_numeric(events[col]).astype("float64")
            elif kind == "int":
                events[col] = pd.to_numeric(events[col]).astype("Int64")   # missing where uncoded
        events["article_ids"] = [tuple(by_event.get(e, ((), ()))[0]) for e in events["event_id"]]
        events["sources"] = [tuple(by_event.get(e, ((), ()))[1]) for e in events["event_id"]]
        events["mentions"] = events["mentions"].astype("int64")
        return events[list(EVENT_COLUMNS) + list(STORE_COLUMNS)].reset_index(drop=True)

    def mentions_frame(self) -> pd.DataFrame:
        """One row per mention (an article sentence reporting a canonical event), with the
        reporting article's publication date and source: the columns of MENTION_FRAME_COLUMNS, in
        event, publication and storage order.

        ``sentence_index`` (the sentence's position in its article), ``precision`` and
        ``date_basis`` are the mention's own: how this article dated the event, which may differ
        from the canonical event's. One query joins mentions with articles; ``date_basis`` comes
        from the mention's JSON copy ("" in stores older than the copies)."""
        m, a = mentions_table.c, articles_table.c
        stmt = (sa.select(m.event_id, m.article_id, a.published, a.source, m.sentence_index, m.precision, m.data)
                .join(articles_table, a.article_id == m.article_id)
                .order_by(m.event_id, a.published, m.id))
        with self.engine.connect() as conn:
            rows = [(*row[:6], _mention_basis(row[6])) for row in conn.execute(stmt)]
        frame = pd.DataFrame(rows, columns=list(MENTION_FRAME_COLUMNS))
        frame["sentence_index"] = pd.to_numeric(frame["sentence_index"]).astype("Int64")
        return frame

    # ----- the dashboard's readers (bulk reads of what ``events_frame`` gives, and counts) ----
    def dashboard_frame(self) -> pd.DataFrame:
        """``events_frame()``, the same rows, columns, order and types, read in bulk for the
        dashboard: plain driver rows, and each distinct list cell parsed once (a million events
        hold a few hundred distinct country lists). About three times faster at 1,000,000."""
        names = [c.name for c in events_table.columns]
        e, m, a = events_table.c, mentions_table.c, articles_table.c
        events_sql = sa.select(*[e[n] for n in names]).order_by(e.date_start, e.event_id)
        links_sql = (sa.select(m.event_id, m.article_id, a.title)
                     .join(articles_table, a.article_id == m.article_id)
                     .order_by(m.event_id, a.published, m.id))
        with self.engine.connect() as conn:
            rows = conn.execute(events_sql).cursor.fetchall()
            links = conn.execute(links_sql).cursor.fetchall()
        columns = list(zip(*rows)) if rows else [()] * len(names)
        del rows
        # Each column typed as events_frame types it (text columns as pandas' string dtype).
        events = pd.DataFrame({n: (pd.Series(list(col), dtype=object) if COLUMN_KINDS.get(n) == "list"
                                   else pd.Series(list(col))) for n, col in zip(names, columns)})
        del columns
        for col in EVENT_COLUMNS:
            kind = COLUMN_KINDS[col]
            if kind == "list":
                events[col] = _parse_list_cells(events[col])
            elif kind == "float":
                events[col] = pd.to_numeric(events[col]).astype("float64")
            elif kind == "int":
                events[col] = pd.to_numeric(events[col]).astype("Int64")
        ids, titles = _group_links(links, events["event_id"])
        events["article_ids"] = ids
        events["sources"] = titles
        events["mentions"] = events["mentions"].astype("int64")
        return events[list(EVENT_COLUMNS) + list(STORE_COLUMNS)].reset_index(drop=True)

    def event_count(self) -> int:
        """How many canonical events the store holds."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(events_table)).scalar_one())

    def date_span(self) -> tuple[str, str, str]:
        """(earliest date_start, latest date_start, latest date_end) over all events ("" when empty)."""
        e = events_table.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(sa.func.min(e.date_start), sa.func.max(e.date_start),
                                         sa.func.max(e.date_end))).first()
        return tuple(str(v or "") for v in row)  # type: ignore[return-value]

    def lane_counts(self, column: str, prefix_chars: int) -> list[tuple[str, str, int]]:
        """Events per (value of ``column`` as stored, first ``prefix_chars`` of date_start):
        the whole store counted in SQL, so that a first chart of a million events does not wait
        for them to be read. ``column`` is a list column (its JSON text, one group per distinct
        list) or ``event_code``."""
        if column not in ("countries", "topics", "actors", "event_code"):
            raise ValueError(f"cannot count events by {column!r}")
        e = events_table.c
        period = sa.func.substr(e.date_start, 1, int(prefix_chars))
        with self.engine.connect() as conn:
            return [(str(v or ""), str(p or ""), int(n)) for v, p, n in conn.execute(
                sa.select(e[column], period, sa.func.count()).group_by(e[column], period)).all()]

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


def _parse_list_cells(cells: pd.Series) -> pd.Series:
    """Stored list cells (JSON text) as tuples, each distinct text parsed once."""
    if not len(cells):
        return pd.Series(dtype=object)
    codes, uniques = pd.factorize(cells.fillna(""), sort=False)
    parsed = np.empty(len(uniques), dtype=object)
    for i, text in enumerate(uniques):
        parsed[i] = list_cell(text)
    return pd.Series(parsed[codes], index=cells.index, dtype=object)


def _group_links(links: list[tuple], event_ids: pd.Series) -> tuple[list[tuple], list[tuple]]:
    """Per event of ``event_ids``: the ids and titles of its articles, from (event_id,
    article_id, title) rows sorted by event and publication (each article once, first kept)."""
    n = len(event_ids)
    ids: list[tuple] = [()] * n
    titles: list[tuple] = [()] * n
    if not links:
        return ids, titles
    ev, art, tit = (list(c) for c in zip(*links))
    where = pd.Index(event_ids.astype(str)).get_indexer(ev)
    starts = np.flatnonzero(np.r_[True, np.asarray(ev[1:], dtype=object) != np.asarray(ev[:-1], dtype=object)])
    ends = np.r_[starts[1:], len(ev)]
    for lo, hi in zip(starts.tolist(), ends.tolist()):
        pos = where[lo]
        if pos < 0:
            continue
        if hi - lo == 1:
            ids[pos], titles[pos] = (art[lo],), (tit[lo],)
            continue
        seen: dict[str, str] = {}
        for k in range(lo, hi):
            seen.setdefault(art[k], tit[k])
        ids[pos], titles[pos] = tuple(seen), tuple(seen.values())
    return ids, titles
