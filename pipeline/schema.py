"""The store's schema: its tables, its version, and the migrations from older versions.

Three tables hold the data: ``articles``, the canonical ``events`` (one per real happening) and
the ``mentions`` linking each event to every article sentence reporting it. ``event_keys`` is
the index the writer searches for merge candidates, and ``timeline_meta`` records the schema
version and the store's generation (a token every write changes). Articles from the web have a
row in ``fetches`` (final URL, fetch time, HTTP status and validators, keyed by the URL asked for;
feeds have one too), and ``feed_entries`` remembers every feed entry the watcher has handled.
"""
from __future__ import annotations

import uuid

import sqlalchemy as sa

from pipeline.records import COLUMN_KINDS, EVENT_COLUMNS
from pipeline.storage import code_root, event_keys, key_rows, wording_key

SCHEMA_VERSION = 7
SCHEMA_VERSION_KEY = "schema_version"
# Every write transaction records a new generation, so a writer knows whether the events it has
# cached are still current.
GENERATION_KEY = "generation"


class SchemaError(RuntimeError):
    """The database holds no usable Timeline schema; the message says what to do."""


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

ARTICLE_COLUMNS: tuple[str, ...] = ("article_id", "title", "url", "source", "published", "published_assumed",
                                    "ingested_at", "n_events")


def _event_column(name: str) -> sa.Column:
    """The events table's column for an event column, typed by its kind (lists as JSON text)."""
    kind = COLUMN_KINDS[name]
    if kind == "float":
        return sa.Column(name, sa.Float, nullable=True)
    if kind == "int":
        return sa.Column(name, sa.Integer, nullable=True)
    return sa.Column(name, sa.Text, nullable=False, default="")


events_table = sa.Table(
    "events", metadata,
    sa.Column("event_id", sa.String(64), primary_key=True),
    *[_event_column(name) for name in EVENT_COLUMNS[1:]],
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

# Candidate lookup: one row per party key of a canonical event (``storage.event_keys``), with the
# event's period and precision rank, so "events sharing a party whose period equals, contains or
# lies inside this one" is a few index range scans, never a scan of all events.
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

# One row per URL fetched (a page or a feed), keyed by a hash of the URL asked for (URLs are too
# long for every backend's keys): where it led, when, with what status, and the validators that
# make the next request conditional. ``article_id`` is the article the page gave ("" for a feed or
# a page that gave none); no foreign key, as an article may be replaced or removed later.
fetches_table = sa.Table(
    "fetches", metadata,
    sa.Column("url_key", sa.String(64), primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("final_url", sa.Text, nullable=False, default=""),
    sa.Column("article_id", sa.String(64), nullable=False, default="", index=True),
    sa.Column("http_status", sa.Integer, nullable=False, default=0),
    sa.Column("fetched_at", sa.String(32), nullable=False, default=""),
    sa.Column("etag", sa.Text, nullable=False, default=""),
    sa.Column("last_modified", sa.Text, nullable=False, default=""),
    sa.Column("content_type", sa.String(255), nullable=False, default=""),
)

# The feed entries the watcher has handled (ingested, known, or failed for good), keyed by a hash
# of (feed URL, entry id): a restart fetches none of them again.
feed_entries_table = sa.Table(
    "feed_entries", metadata,
    sa.Column("entry_key", sa.String(64), primary_key=True),
    sa.Column("feed_url", sa.Text, nullable=False),
    sa.Column("entry_id", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False, default=""),
    sa.Column("article_id", sa.String(64), nullable=False, default=""),
    sa.Column("http_status", sa.Integer, nullable=False, default=0),
    sa.Column("seen_at", sa.String(32), nullable=False),
)

OUR_TABLES = frozenset({"articles", "events", "mentions", "event_keys", "fetches", "feed_entries"})

GET_GENERATION = sa.select(meta_table.c.value).where(meta_table.c.key == GENERATION_KEY)
SET_GENERATION = meta_table.update().where(meta_table.c.key == GENERATION_KEY)
_GET_VERSION = sa.select(meta_table.c.value).where(meta_table.c.key == SCHEMA_VERSION_KEY)


def read_version(conn: sa.Connection) -> int | None:
    """The recorded schema version: None when the database has no Timeline schema at all, 0
    when the version is unreadable."""
    if meta_table.name not in set(sa.inspect(conn).get_table_names()):
        return None
    row = conn.execute(_GET_VERSION).first()
    return int(row[0]) if row and str(row[0]).isdigit() else 0


def _too_new(label: str, version: int) -> SchemaError:
    return SchemaError(f"store {label} has schema version {version}, newer than this Timeline "
                       f"({SCHEMA_VERSION}): upgrade Timeline to read it")


def check_readable(version: int | None, label: str) -> None:
    """Refuse a store written by a newer Timeline (``label`` names it in the message)."""
    if version is not None and version > SCHEMA_VERSION:
        raise _too_new(label, version)


def create_or_migrate(conn: sa.Connection, label: str) -> None:
    """Create the schema in an empty database or bring an older one up to ``SCHEMA_VERSION``,
    inside the caller's write transaction (``label`` names the store in messages)."""
    tables = set(sa.inspect(conn).get_table_names())
    if meta_table.name not in tables:
        if tables & OUR_TABLES:
            raise SchemaError(f"{label} holds tables {sorted(tables & OUR_TABLES)} but no Timeline schema "
                              "version: not a Timeline store; choose another --db")
        metadata.create_all(conn)
        conn.execute(meta_table.insert(), [{"key": SCHEMA_VERSION_KEY, "value": str(SCHEMA_VERSION)},
                                           {"key": GENERATION_KEY, "value": uuid.uuid4().hex}])
        return
    version = read_version(conn) or 0
    check_readable(version, label)
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise SchemaError(f"store {label} has schema version {version}, which cannot be migrated: move it "
                              "away and re-run `python -m pipeline ingest` on your articles")
        step(conn)
        version += 1
        conn.execute(meta_table.update().where(meta_table.c.key == SCHEMA_VERSION_KEY).values(value=str(version)))


# ----- migrations: each brings a store from version N to N + 1 -------------------------------

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
    if conn.execute(GET_GENERATION).first() is None:
        conn.execute(meta_table.insert(), {"key": GENERATION_KEY, "value": uuid.uuid4().hex})


def _migrate_4_to_5(conn: sa.Connection) -> None:
    """Version 5 files each party key once, with the event's CAMEO root in its own column (version
    4 filed it bare and again as "key|root"). The key table is rebuilt from the events."""
    conn.execute(sa.text("DROP TABLE IF EXISTS event_keys"))
    event_keys_table.create(conn)
    cols = events_table.c
    rows = conn.execute(sa.select(cols.event_id, cols.date_start, cols.date_end, cols.precision,
                                  cols.countries, cols.actors, cols.event_code)).mappings().all()
    insert = event_keys_table.insert()
    for row in rows:
        rec = dict(row)
        rows_of_event = key_rows(rec["event_id"], rec, event_keys(rec))
        if rows_of_event:
            conn.execute(insert, rows_of_event)  # a fresh table: no duplicates


def _migrate_5_to_6(conn: sa.Connection) -> None:
    """Version 6 stores why an event is doubtful (``flags``; events stored before have none
    recorded until their articles are ingested again) and files every event under the wording
    of each of its mentions, so that a copy of a sentence finds its event."""
    columns = {c["name"] for c in sa.inspect(conn).get_columns("events")}
    if "flags" not in columns:
        conn.execute(sa.text("ALTER TABLE events ADD COLUMN flags TEXT NOT NULL DEFAULT '[]'"))
    e, m = events_table.c, mentions_table.c
    rows = conn.execute(sa.select(e.event_id, e.date_start, e.date_end, e.precision, e.event_code, m.sentence,
                                  m.date_start.label("m_start"), m.date_end.label("m_end"))
                        .join(mentions_table, m.event_id == e.event_id)).mappings().all()
    keys = {}
    for row in rows:
        words = wording_key({"sentence": row["sentence"], "date_start": row["m_start"], "date_end": row["m_end"]})
        if words:
            for key_row in key_rows(row["event_id"], dict(row), [(words, code_root(row))], any_precision=True):
                keys[(key_row["key"], key_row["root"], key_row["event_id"])] = key_row
    existing = {tuple(r) for r in conn.execute(sa.select(event_keys_table.c.key, event_keys_table.c.root,
                                                         event_keys_table.c.event_id))}
    fresh = [r for k, r in keys.items() if k not in existing]
    if fresh:
        conn.execute(event_keys_table.insert(), fresh)


def _migrate_6_to_7(conn: sa.Connection) -> None:
    """Version 7 adds articles from the web: the ``fetches`` and ``feed_entries`` tables (articles
    stored before have no fetch row; their ``url`` column stays their link)."""
    fetches_table.create(conn, checkfirst=True)
    feed_entries_table.create(conn, checkfirst=True)


MIGRATIONS = {1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4, 4: _migrate_4_to_5, 5: _migrate_5_to_6,
              6: _migrate_6_to_7}
