"""Opening a store's database: its URL, the SQLite file and pragmas, the server connection.

SQLite (the default, a file under ``data/``) runs in WAL mode so that the dashboard reads while
an ingest writes; writers take the lock up front (``BEGIN IMMEDIATE``). Any other SQLAlchemy
URL, PostgreSQL included, gets a plain engine. Every problem is one ``StoreError`` line saying
what to do.
"""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from pipeline.paths import default_store_file

# Seconds a writer waits for another writer's lock before SQLite reports "database is locked".
BUSY_TIMEOUT_S = 60


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message is one line saying what to do."""


class NoStore(StoreError):
    """A reader asked for a store that does not exist (readers never create one)."""


def default_db_url() -> str:
    """The store URL: $TIMELINE_DB, else the embedded SQLite file data/timeline.db (``paths``)."""
    env = os.environ.get("TIMELINE_DB", "").strip()
    return env or f"sqlite:///{default_store_file()}"


def one_line(err: BaseException) -> str:
    text = str(getattr(err, "orig", None) or err).strip().splitlines()
    return text[0] if text else type(err).__name__


def safe_url(url: sa.engine.URL) -> str:
    return url.render_as_string(hide_password=True)


def no_store(where: str) -> StoreError:
    """The error of reading a store that does not exist: say how to make one."""
    return NoStore(f"no store at {where}: ingest articles first (python -m pipeline ingest PATH --db URL)")


def _check_sqlite_path(url: sa.engine.URL, create: bool) -> None:
    """Give one clear line for the usual SQLite file problems before SQLAlchemy gives a vague one;
    without ``create``, a missing file is one of them (reading never makes a store)."""
    db = url.database or ""
    if not db or db == ":memory:" or db.startswith("file:"):
        return
    path = Path(db)
    folder = path.parent if str(path.parent) else Path(".")
    if not create and not path.exists():
        raise no_store(str(path))
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


def ensure_wal(cur: Any) -> None:
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
            ensure_wal(cur)
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


def _connect_args(url: sa.engine.URL) -> dict[str, Any]:
    if url.get_backend_name() == "postgresql":
        return {"connect_timeout": 10}
    return {}


def create_engine(raw: str, create: bool = True) -> tuple[sa.engine.Engine, sa.engine.URL]:
    """The engine of the database at URL ``raw`` and the parsed URL (no connection made yet,
    except that a SQLite file's folder is checked and, with ``create``, made)."""
    try:
        parsed = make_url(raw)
    except (sa_exc.ArgumentError, ValueError) as err:
        raise StoreError(f"invalid database URL {raw!r}: {one_line(err)}") from None
    try:
        if parsed.get_backend_name() == "sqlite":
            _check_sqlite_path(parsed, create)
            return _sqlite_engine(parsed), parsed
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args=_connect_args(parsed)), parsed
    except (sa_exc.NoSuchModuleError, ImportError) as err:
        raise StoreError(f"unsupported database URL {safe_url(parsed)}: {one_line(err)}") from None
