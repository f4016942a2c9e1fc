"""The event store on SQLite and (when TIMELINE_TEST_PG is set) PostgreSQL, with hand-built input."""
from __future__ import annotations

import csv
import json
import multiprocessing
import os
import sqlite3
import stat
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from helpers import add_events, make_article, make_event
from pipeline import engine as engine_mod
from pipeline import schema
from pipeline import store as store_mod
from pipeline.records import EVENT_COLUMNS
from pipeline.storage import lookup_keys, storage_rows
from pipeline.store import SCHEMA_VERSION, AddResult, StoreError, default_db_url, open_store

CARNEY, XI, TAKAICHI = "Mark Carney", "Xi Jinping", "Sanae Takaichi"


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(EVENT_COLUMNS))


def meeting_xi(eid="m-xi", date="2025-10-31", precision="day", title="Carney met Xi Jinping in Gyeongju"):
    end = "2025-12-31" if precision == "year" else date
    return make_event(eid, date, end, precision, title, ["CAN", "CHN"], [CARNEY, XI], "040", 1)


def meeting_takaichi(eid="m-tk"):
    return make_event(eid, "2025-10-31", None, "day", "Carney met Sanae Takaichi in Gyeongju",
                      ["CAN", "JPN"], [CARNEY, TAKAICHI], "040", 1)


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()


def test_store_add_article_reports_what_it_did(store):
    art = make_article("a1", "2025-11-01", "Carney in Gyeongju")
    result = add_events(store, art, frame(meeting_xi(), meeting_takaichi()))
    assert result == AddResult(True, 2, 0, ("m-xi", "m-tk"))
    events = store.events_frame()
    assert list(events.columns) == list(EVENT_COLUMNS) + ["mentions", "first_reported", "last_reported",
                                                          "article_ids", "sources"]
    assert len(events) == 2
    row = events.set_index("event_id").loc["m-xi"]
    assert row["countries"] == ("CAN", "CHN") and row["actors"] == (CARNEY, XI)
    assert row["mentions"] == 1 and row["first_reported"] == row["last_reported"] == "2025-11-01"
    assert row["article_ids"] == ("a1",) and row["sources"] == ("Carney in Gyeongju",)
    assert row["published"] == "2025-11-01" and row["article_title"] == "Carney in Gyeongju"
    arts = store.articles_frame()
    assert list(arts.columns) == ["article_id", "title", "url", "source", "published", "published_assumed",
                                  "ingested_at", "n_events"]
    assert arts.loc[0, "n_events"] == 2 and not arts.loc[0, "published_assumed"]


def test_store_add_article_is_idempotent(store):
    art = make_article("a1")
    first = add_events(store, art, frame(meeting_xi()))
    again = add_events(store, art, frame(meeting_xi()))
    assert first.new and first.events_added == 1
    assert again == AddResult(False, 0, 0, ())
    assert store.counts() == {"articles": 1, "events": 1, "mentions": 1}


def test_store_merges_mentions_across_articles(store):
    add_events(store, make_article("a1", "2025-11-01", "First report"), frame(meeting_xi()))
    r2 = add_events(store, make_article("a2", "2025-11-05", "Second report"),
                           frame(meeting_xi("other-id", title="Xi Jinping and Mark Carney met in Gyeongju")))
    r3 = add_events(store, make_article("a3", "2025-10-31", "Earlier wire"), frame(meeting_takaichi("t2")))
    assert (r2.events_added, r2.mentions_merged, r2.event_ids) == (0, 1, ("m-xi",))
    assert (r3.events_added, r3.mentions_merged) == (1, 0)
    events = store.events_frame().set_index("event_id")
    assert len(events) == 2
    xi = events.loc["m-xi"]
    assert xi["mentions"] == 2
    assert (xi["first_reported"], xi["last_reported"]) == ("2025-11-01", "2025-11-05")
    assert xi["article_ids"] == ("a1", "a2") and xi["sources"] == ("First report", "Second report")
    sources = store.event_sources("m-xi")
    assert list(sources.columns) == ["article_id", "title", "url", "source", "published", "sentence", "date_text"]
    assert list(sources["article_id"]) == ["a1", "a2"]
    assert sources.loc[1, "sentence"] == "Xi Jinping and Mark Carney met in Gyeongju"
    assert store.event_sources("no-such-event").empty


def test_store_merge_keeps_finest_precision_and_unions(store):
    year = meeting_xi("y1", "2025-01-01", "year", "Carney held talks with Xi in 2025")
    day = make_event("d1", "2025-10-31", None, "day", "Carney held talks with Xi at the APEC summit",
                     ["CAN", "CHN", "KOR"], [CARNEY, XI], "040", 1, topics=("trade",))
    add_events(store, make_article("a1", "2025-12-01"), frame(year))
    add_events(store, make_article("a2", "2025-11-01"), frame(day))
    # A third, day-precise mention must still find the event under its refined date.
    add_events(store, make_article("a3", "2025-11-02"), frame(meeting_xi("z9", title="Carney met Xi at APEC")))
    events = store.events_frame()
    assert len(events) == 1
    row = events.iloc[0]
    assert (row["event_id"], row["precision"], row["date_start"], row["date_end"]) == \
        ("y1", "day", "2025-10-31", "2025-10-31")
    assert row["countries"] == ("CAN", "CHN", "KOR") and row["topics"] == ("trade",)
    assert row["mentions"] == 3
    assert (row["first_reported"], row["last_reported"]) == ("2025-11-01", "2025-12-01")


@pytest.mark.parametrize("precision", ["day", "month", "year"])
def test_store_candidate_lookup_uses_index(store, precision):
    # The merge lookup of a coded mention must search the key index by key, root and rank, never
    # scan every event.
    if store.backend != "sqlite":
        pytest.skip("query plan checked on SQLite")
    start, end = {"day": ("2025-10-31", "2025-10-31"), "month": ("2025-10-01", "2025-10-31"),
                  "year": ("2025-01-01", "2025-12-31")}[precision]
    params = {**store_mod.key_params(["c:CAN", "a:Mark Carney"]), "s": start, "e": end,
              "lo": "2024-10-30", "near": "2025-10-24", "root": "04"}
    with store.engine.connect() as conn:
        sql = str(store_mod.candidates_statement(True).params(params)
                  .compile(conn, compile_kwargs={"literal_binds": True}))
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
    detail = " ".join(str(r[-1]) for r in rows)
    assert "SCAN event_keys" not in detail, detail
    assert detail.count("SEARCH event_keys USING PRIMARY KEY (key=? AND root=? AND rank=?") >= 2, detail


def test_store_uncoded_mentions_meet_every_root_and_coded_ones_theirs(store):
    # One filing per party key: an uncoded mention still finds a coded event, a coded mention
    # finds uncoded events and events of its root, never those of another root.
    add_events(store, make_article("a1"), frame(make_event("e1", "2025-05-05", None, "day",
                                                           "Carney met Xi in Gyeongju", ["CAN", "CHN"],
                                                           [CARNEY, XI], "040", 1)))
    uncoded = add_events(store, make_article("a2"), frame(make_event(
        "e2", "2025-05-05", None, "day", "Carney met Xi in Gyeongju", ["CAN", "CHN"], [CARNEY, XI], "", None)))
    assert uncoded.mentions_merged == 1
    other_root = add_events(store, make_article("a3"), frame(make_event(
        "e3", "2025-05-05", None, "day", "Carney met Xi in Gyeongju", ["CAN", "CHN"], [CARNEY, XI], "173", 4)))
    assert other_root.mentions_merged == 0
    with store.engine.connect() as conn:
        roots = {tuple(r) for r in conn.execute(sa.select(schema.event_keys_table.c.key,
                                                          schema.event_keys_table.c.root).distinct())}
    assert ("a:Mark Carney", "04") in roots and ("a:Mark Carney", "17") in roots
    assert not any("|" in key for key, _ in roots)   # no "key|root" strings any more


def test_store_records_schema_version(store_url):
    with open_store(store_url) as s:
        assert s.schema_version() == SCHEMA_VERSION
    with open_store(store_url) as s:  # reopening an up-to-date store changes nothing
        assert s.schema_version() == SCHEMA_VERSION


def test_store_migrates_version_1(store_url):
    with open_store(store_url) as s:
        add_events(s, make_article("a1", "2025-11-01"), frame(meeting_xi()))
        with s.engine.begin() as conn:  # rewind to the version 1 layout: no key table, no mention copies
            schema.event_keys_table.drop(conn)
            conn.execute(sa.text("ALTER TABLE mentions DROP COLUMN data"))
            conn.execute(schema.meta_table.update().values(value="1"))
    with open_store(store_url) as s:
        assert s.schema_version() == SCHEMA_VERSION
        result = add_events(s, make_article("a2", "2025-11-02"), frame(meeting_xi("x2")))
        assert result.mentions_merged == 1
        assert s.remove_article("a2")  # rebuilt from the migrated (column-only) first mention
        assert s.events_frame().loc[0, "mentions"] == 1


KEY_TABLE_PK = ["key", "root", "rank", "date_start", "event_id"]


def _rewind_key_table(conn, lookup_index: str) -> None:
    """The key table as versions 2 and 3 had it: a rowid table keyed (key, event_id), plus an index."""
    conn.execute(sa.text("CREATE TABLE ek_copy AS SELECT key, event_id, date_start, date_end, rank FROM event_keys"))
    conn.execute(sa.text("DROP TABLE event_keys"))
    conn.execute(sa.text("CREATE TABLE event_keys (key VARCHAR(255) NOT NULL, event_id VARCHAR(64) NOT NULL "
                         "REFERENCES events (event_id), date_start VARCHAR(10) NOT NULL, date_end VARCHAR(10) "
                         "NOT NULL, rank INTEGER NOT NULL, CONSTRAINT pk_event_keys PRIMARY KEY (key, event_id))"))
    conn.execute(sa.text(f"CREATE INDEX {lookup_index}"))
    conn.execute(sa.text("CREATE INDEX ix_event_keys_event ON event_keys (event_id)"))
    conn.execute(sa.text("INSERT INTO event_keys SELECT key, event_id, date_start, date_end, rank FROM ek_copy"))
    conn.execute(sa.text("DROP TABLE ek_copy"))


def _key_table_layout(s):
    with s.engine.connect() as conn:
        inspector = sa.inspect(conn)
        return (inspector.get_pk_constraint("event_keys")["constrained_columns"],
                {ix["name"] for ix in inspector.get_indexes("event_keys")})


def test_store_migrates_version_2(store_url):
    with open_store(store_url) as s:
        add_events(s, make_article("a1", "2025-11-01"), frame(meeting_xi()))
        keys_before = _n_keys(s)
        with s.engine.begin() as conn:  # rewind to the version 2 layout: keys indexed without the rank
            _rewind_key_table(conn, "ix_event_keys_lookup ON event_keys (key, date_start)")
            conn.execute(schema.meta_table.update().values(value="2"))
    with open_store(store_url) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert _key_table_layout(s) == (KEY_TABLE_PK, {"ix_event_keys_event"})
        assert _n_keys(s) == keys_before
        assert add_events(s, make_article("a2", "2025-11-02"), frame(meeting_xi("x2"))).mentions_merged == 1


@pytest.mark.parametrize("version,message", [("99", "newer than this Timeline"), ("0", "cannot be migrated")])
def test_store_refuses_unknown_versions(store_url, version, message):
    with open_store(store_url) as s:
        with s.engine.begin() as conn:
            conn.execute(schema.meta_table.update().values(value=version))
    with pytest.raises(StoreError, match=message):
        open_store(store_url)


def test_store_refuses_foreign_database(tmp_path):
    path = tmp_path / "other.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE articles (x INTEGER)")
    engine.dispose()
    with pytest.raises(StoreError, match="not a Timeline store"):
        open_store(f"sqlite:///{path}")


@pytest.mark.parametrize("content", [b"this is a text file, not a database\n" * 20, b"\x00\xff" * 3000])
def test_store_not_a_database_is_one_clear_error(tmp_path, content):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(StoreError) as err:
        open_store(f"sqlite:///{path}")
    assert "not a SQLite database" in str(err.value) and "\n" not in str(err.value)
    assert path.read_bytes() == content  # untouched


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_store_read_only_folder_is_one_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(StoreError, match="not writable"):
            open_store(f"sqlite:///{folder / 'timeline.db'}")
    finally:
        folder.chmod(stat.S_IRWXU)


def test_store_read_only_folder_check_names_the_folder(tmp_path, monkeypatch):
    # Also checked as root (CI), where chmod does not bite: the access check is what decides.
    folder = tmp_path / "ro"
    folder.mkdir()
    real = os.access
    monkeypatch.setattr(engine_mod.os, "access", lambda p, mode: False if str(p) == str(folder) else real(p, mode))
    with pytest.raises(StoreError, match=f"folder {folder} is not writable"):
        open_store(f"sqlite:///{folder / 'timeline.db'}")


@pytest.mark.parametrize("url,message", [
    ("postgresql+psycopg://someone:secret@127.0.0.1:9/timeline", "cannot reach database server"),
    ("nosuchdialect://x/y", "unsupported database URL"),
    ("::not a url::", "invalid database URL"),
])
def test_store_bad_urls_are_one_clear_error(url, message):
    with pytest.raises(StoreError, match=message) as err:
        open_store(url)
    assert "\n" not in str(err.value) and "secret" not in str(err.value)


@pytest.mark.parametrize("env,expected", [
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ("", f"sqlite:///{Path(__file__).resolve().parents[1] / 'data' / 'timeline.db'}"),   # the checkout's
])
def test_store_default_db_url_reads_environment(monkeypatch, env, expected):
    monkeypatch.setenv("TIMELINE_DB", env)
    assert default_db_url() == expected


def test_store_sqlite_runs_in_wal_mode(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 't.db'}") as s:
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


class _LockedCursor:
    """A cursor whose first ``busy`` switches to WAL fail as SQLite does when another opener races."""

    def __init__(self, busy: int, error: str = "database is locked"):
        self.busy, self.error, self.mode, self.sets = busy, error, "delete", 0

    def execute(self, sql: str):
        if sql == "PRAGMA journal_mode = WAL":
            self.sets += 1
            if self.sets <= self.busy:
                raise sqlite3.OperationalError(self.error)
            self.mode = "wal"
        return self

    def fetchone(self):
        return (self.mode,)


def test_store_wal_switch_waits_out_a_racing_opener():
    cur = _LockedCursor(busy=3)
    engine_mod.ensure_wal(cur)
    assert (cur.mode, cur.sets) == ("wal", 4)


def test_store_wal_switch_does_not_hide_other_errors():
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        engine_mod.ensure_wal(_LockedCursor(busy=1, error="disk I/O error"))


def _open_and_count(url: str, barrier) -> str:
    barrier.wait()
    try:
        with open_store(url) as s:
            return str(s.counts())
    except StoreError as err:
        return f"error: {err}"


@pytest.mark.timeout(120)
def test_store_many_processes_open_a_new_store_at_once(tmp_path):
    """CI once saw "database is locked" when two ingests created the same new store together."""
    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    for round_ in range(4):
        url = f"sqlite:///{tmp_path / f'race{round_}.db'}"
        barrier = ctx.Manager().Barrier(8)
        with ctx.Pool(8) as pool:
            results = pool.starmap(_open_and_count, [(url, barrier)] * 8)
        assert not [r for r in results if r.startswith("error")], results


def test_store_finds_partners_past_the_key_slots(store):
    # A mention with more lookup keys than the query has slots still finds its event.
    many = [f"Official {i}" for i in range(store_mod.KEY_SLOTS + 3)]
    add_events(store, make_article("a1"), frame(make_event("e1", "2025-05-05", None, "day", "Summit of officials",
                                                           ["CAN"], many[-1:], "040", 1)))
    result = add_events(store, make_article("a2"), frame(make_event("e2", "2025-05-05", None, "day",
                                                                    "Summit of officials", ["CAN"], many, "040", 1)))
    assert len(lookup_keys({"countries": '["CAN"]', "actors": json.dumps(many),
                                       "event_code": "040"})) > store_mod.KEY_SLOTS
    assert result.mentions_merged == 1


def _n_keys(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(schema.event_keys_table)).scalar_one()


def test_store_replaces_article_when_a_real_date_arrives(store):
    guessed = make_article("a1", "2026-11-29", "Carney meets Xi", published_assumed=True)
    first = add_events(store, guessed, frame(meeting_xi()))
    assert first.new and not first.replaced
    # The same text again with a guessed date: kept as it is.
    assert add_events(store, guessed, frame(meeting_xi())) == AddResult(False, 0, 0, ())
    dated = make_article("a1", "2025-11-01", "Carney meets Xi")
    again = add_events(store, dated, frame(meeting_xi()))
    # the re-stored article's event replaces its old one: the store holds as many events as before
    assert (again.new, again.replaced, again.events_added, again.mentions_merged) == (False, True, 0, 0)
    arts = store.articles_frame()
    assert arts["published"].tolist() == ["2025-11-01"] and not arts["published_assumed"].any()
    events = store.events_frame()
    assert len(events) == 1 and events.loc[0, "first_reported"] == "2025-11-01"
    assert store.counts() == {"articles": 1, "events": 1, "mentions": 1}
    # An explicit date never yields to a guess, and the same explicit date is a no-op.
    assert not add_events(store, guessed, frame(meeting_xi())).replaced
    assert add_events(store, dated, frame(meeting_xi())) == AddResult(False, 0, 0, ())


def test_store_remove_article_rebuilds_merged_events(store):
    year = meeting_xi("y1", "2025-01-01", "year", "Carney held talks with Xi in 2025")
    add_events(store, make_article("a1", "2025-12-01", "Year story"), frame(year))
    add_events(store, make_article("a2", "2025-11-01", "Day story"),
                      frame(meeting_xi("d1", title="Carney held talks with Xi at the APEC summit")))
    assert store.events_frame().loc[0, "precision"] == "day"
    assert store.remove_article("a2")
    row = store.events_frame().iloc[0]
    assert (row["event_id"], row["precision"], row["date_start"], row["mentions"]) == ("y1", "year", "2025-01-01", 1)
    assert row["article_ids"] == ("a1",) and row["first_reported"] == row["last_reported"] == "2025-12-01"
    assert store.event_sources("y1")["article_id"].tolist() == ["a1"]
    assert not store.remove_article("a2")
    assert store.remove_article("a1")
    assert store.counts() == {"articles": 0, "events": 0, "mentions": 0} and _n_keys(store) == 0


def test_store_add_articles_writes_a_batch_in_order(store):
    items = [(make_article("a1", "2025-11-01"), frame(meeting_xi())),
             (make_article("a2", "2025-11-02"), frame(meeting_xi("x2", title="Xi Jinping met Mark Carney"))),
             (make_article("a1", "2025-11-01"), frame(meeting_xi())),
             (make_article("a3", "2025-11-03"), frame())]
    results = store.add_articles([(a, storage_rows(a, e)) for a, e in items])
    assert [(r.new, r.events_added, r.mentions_merged) for r in results] == [
        (True, 1, 0), (True, 0, 1), (False, 0, 0), (True, 0, 0)]
    assert store.counts() == {"articles": 3, "events": 1, "mentions": 2}
    assert store.add_articles([]) == []


def test_store_reads_while_a_writer_holds_the_lock(tmp_path):
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    with open_store(url) as s:
        add_events(s, make_article("a1"), frame(meeting_xi()))
    writer = open_store(url)
    conn = writer._write_conn()
    trans = conn.begin()  # BEGIN IMMEDIATE: an ingest in the middle of an article
    try:
        conn.execute(schema.articles_table.update().values(title="uncommitted"))
        t0 = time.monotonic()
        with open_store(url) as reader:  # the dashboard: opens and reads the last committed state
            assert len(reader.events_frame()) == 1
            assert reader.articles_frame()["title"].tolist() == ["Article a1"]
        assert time.monotonic() - t0 < 5
    finally:
        trans.rollback()
        conn.close()
        writer.close()


def _meeting(eid, countries, title="Carney met officials in Gyeongju"):
    return make_event(eid, "2025-10-31", None, "day", title, countries, [], "040", 1)


def test_store_writer_sees_what_another_writer_changed(store_url):
    # Writer A caches event e1 as {CAN, CHN}; writer B then merges a mention into it, so it now
    # names {CAN, CHN, KOR}. A's next mention, {CHN, KOR}, joins e1 only if A reads the current
    # row: against the stale {CAN, CHN} the country sets conflict (1 shared of 2).
    a, b = open_store(store_url), open_store(store_url)
    try:
        add_events(a, make_article("a1"), frame(_meeting("e1", ["CAN", "CHN"])))
        assert add_events(b, make_article("a2"), frame(_meeting("e2", ["CAN", "CHN", "KOR"]))).mentions_merged == 1
        result = add_events(a, make_article("a3"), frame(_meeting("e3", ["CHN", "KOR"])))
        assert result.mentions_merged == 1 and result.event_ids == ("e1",)
        events = a.events_frame()
        assert len(events) == 1 and events.loc[0, "mentions"] == 3
    finally:
        a.close()
        b.close()


def test_store_writer_cache_matches_stored_rows(store_url):
    # The writer's prepared events are exactly what it would read back from the events table.
    with open_store(store_url) as s:
        add_events(s, make_article("a1"), frame(_meeting("e1", ["CAN", "CHN"]), meeting_xi("x1", date="2025-10-30")))
        batch = [(make_article("a2", "2025-11-02"), frame(_meeting("e2", ["CAN", "CHN", "KOR"]))),
                 (make_article("a3", "2025-11-03"), frame(meeting_xi("x2", precision="year")))]
        s.add_articles([(a, storage_rows(a, e)) for a, e in batch])
        with s.engine.connect() as conn:
            rows = conn.execute(sa.select(*[schema.events_table.c[n] for n in store_mod._COMPARE_COLUMNS])).all()
        fresh = {r[0]: store_mod.prepare(dict(zip(store_mod._COMPARE_COLUMNS, r))) for r in rows}
        assert fresh == dict(s._gates) and set(fresh) == {"e1", "x1"}   # e2 and x2 merged
        assert fresh["e1"].countries == frozenset({"CAN", "CHN", "KOR"})


def test_store_failed_write_leaves_no_cached_rows(store_url, monkeypatch):
    with open_store(store_url) as s:
        add_events(s, make_article("a1"), frame(_meeting("e1", ["CAN", "CHN"])))

        real_remember = store_mod.Store._remember
        calls = []

        def remember_then_fail(event_id, gates):   # the cache is updated, then the write fails
            calls.append(event_id)
            real_remember(s, event_id, gates)
            raise RuntimeError("disk on fire")
        monkeypatch.setattr(s, "_remember", remember_then_fail)
        with pytest.raises(RuntimeError, match="disk on fire"):
            add_events(s, make_article("a2"), frame(_meeting("e2", ["CAN", "CHN", "KOR"])))
        assert calls == ["e1"] and not s._gates   # the rolled-back merge is not remembered
        monkeypatch.undo()
        assert s.counts() == {"articles": 1, "events": 1, "mentions": 1}
        # The next mention is compared with the stored {CAN, CHN}: {CHN, KOR} conflicts with it
        # (told in other words: the very same sentence and date would be one happening anyway).
        assert add_events(s, make_article("a3"), frame(_meeting("e3", ["CHN", "KOR"], "Carney met officials at APEC"))
                          ).events_added == 1


def test_store_migrates_version_3(store_url):
    with open_store(store_url) as s:
        add_events(s, make_article("a1", "2025-11-01"), frame(meeting_xi()))
        keys_before = _n_keys(s)
        with s.engine.begin() as conn:  # rewind to version 3: keys in a rowid table, no generation
            _rewind_key_table(conn, "ix_event_keys_rank ON event_keys (key, rank, date_start)")
            conn.execute(schema.meta_table.delete().where(schema.meta_table.c.key == "generation"))
            conn.execute(schema.meta_table.update().values(value="3"))
    with open_store(store_url) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert _key_table_layout(s) == (KEY_TABLE_PK, {"ix_event_keys_event"})
        assert _n_keys(s) == keys_before
        with s.engine.connect() as conn:
            assert conn.execute(schema.GET_GENERATION).scalar_one()
        assert add_events(s, make_article("a2", "2025-11-02"), frame(meeting_xi("x2"))).mentions_merged == 1


def test_store_migrates_version_4(store_url):
    with open_store(store_url) as s:
        add_events(s, make_article("a1", "2025-11-01"), frame(meeting_xi()))
        keys_before = _n_keys(s)
        with s.engine.begin() as conn:  # rewind to version 4: each key bare and as "key|root"
            conn.execute(sa.text("CREATE TABLE ek_copy AS SELECT key, root, rank, date_start, event_id, "
                                 "date_end FROM event_keys"))
            conn.execute(sa.text("DROP TABLE event_keys"))
            conn.execute(sa.text("CREATE TABLE event_keys (key VARCHAR(255) NOT NULL, rank INTEGER NOT NULL, "
                                 "date_start VARCHAR(10) NOT NULL, event_id VARCHAR(64) NOT NULL REFERENCES "
                                 "events (event_id), date_end VARCHAR(10) NOT NULL, CONSTRAINT pk_event_keys "
                                 "PRIMARY KEY (key, rank, date_start, event_id))"))
            for expr in ("key", "key || '|' || root"):
                conn.execute(sa.text(f"INSERT INTO event_keys SELECT {expr}, rank, date_start, event_id, date_end "
                                     "FROM ek_copy"))
            conn.execute(sa.text("DROP TABLE ek_copy"))
            conn.execute(schema.meta_table.update().where(schema.meta_table.c.key == "schema_version")
                         .values(value="4"))
    with open_store(store_url) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert _key_table_layout(s)[0] == KEY_TABLE_PK
        assert _n_keys(s) == keys_before
        assert add_events(s, make_article("a2", "2025-11-02"), frame(meeting_xi("x2"))).mentions_merged == 1


def test_store_driver_writes_raise_sqlalchemy_errors(store):
    # Rows written straight on the driver must fail the way SQLAlchemy statements do, so that
    # add_articles' duplicate handling and lock retries see them.
    from pipeline.schema import mentions_table

    add_events(store, make_article("One", "2025-11-01"), frame(meeting_xi()))
    aid = make_article("One", "2025-11-01").article_id
    row = {"event_id": "m-xi", "article_id": aid, "mention_id": "m-xi", "sentence": "", "sentence_index": 0,
           "date_text": "", "date_start": "2025-10-31", "date_end": "2025-10-31", "precision": "day",
           "title": "", "data": ""}
    with pytest.raises(sa.exc.IntegrityError):
        with store.engine.begin() as conn:
            store._write_many(conn, mentions_table, [row])   # (article_id, mention_id) is unique
    assert store.counts()["mentions"] == 1


def test_store_a_finer_mention_rewrites_the_stored_events_face(store_url):
    # A later, finer report becomes the event's face in the store itself (not only in the
    # writer's cache): a fresh writer must compare against the same title and sentence.
    year = make_event("y1", "2025-01-01", "2025-12-31", "year", "Carney and Xi met this year", ["CAN", "CHN"],
                      [CARNEY, XI], "040", 1, sentence="Carney and Xi met this year.")
    day = meeting_xi("d1", title="Carney met Xi Jinping in Gyeongju")
    with open_store(store_url) as s:
        add_events(s, make_article("a1", "2025-12-01", "Year in review"), frame(year))
        assert add_events(s, make_article("a2", "2025-11-01", "Day report"), frame(day)).mentions_merged == 1
        cached = dict(s._gates)
    with open_store(store_url) as fresh:
        row = fresh.events_frame().iloc[0]
        assert (row["event_id"], row["date_start"], row["precision"], row["title"], row["article_title"]) == (
            "y1", "2025-10-31", "day", "Carney met Xi Jinping in Gyeongju", "Day report")
        with fresh.engine.connect() as conn:
            stored = conn.execute(sa.select(*[schema.events_table.c[n] for n in store_mod._COMPARE_COLUMNS])).all()
        assert {r[0]: store_mod.prepare(dict(zip(store_mod._COMPARE_COLUMNS, r))) for r in stored} == cached


def test_store_near_copies_add_mentions_not_events(tmp_path):
    # A syndicated copy (same text, another headline and source) and a near-copy (a line added)
    # of every sample article: each copy's mention joins the event of its original, even the
    # ones that name nobody, so the events are those of the originals, each reported thrice.
    from pathlib import Path

    from pipeline.article import article_from_text
    from pipeline.extract import event_rows, extract_events

    samples = Path(__file__).resolve().parents[1] / "data" / "articles"
    with (samples / "manifest.csv").open(encoding="utf-8") as fh:
        manifest = list(csv.DictReader(fh))
    once, thrice = open_store(f"sqlite:///{tmp_path / 'once.db'}"), open_store(f"sqlite:///{tmp_path / 'thrice.db'}")
    with once, thrice:
        for row in manifest:
            text = (samples / row["file"]).read_text(encoding="utf-8")
            day = date.fromisoformat(row["published"])
            copies = [article_from_text(text, day, source="Wire"),
                      article_from_text(text.replace(row["title"], "Syndicated: " + row["title"], 1), day,
                                        source="Other wire", url="https://other.example/story"),
                      article_from_text(text + "\n\nThis copy was filed by another correspondent.", day)]
            assert len({a.article_id for a in copies}) == 3
            for i, article in enumerate(copies):
                rows = event_rows(extract_events(article), article)
                if i == 0:
                    add_events(once, article, rows)
                add_events(thrice, article, rows)
        events_once, events_thrice = once.events_frame(), thrice.events_frame()
        assert len(events_once) > 80
        assert sorted(events_thrice["event_id"]) == sorted(events_once["event_id"])
        assert (events_thrice.set_index("event_id")["mentions"] ==
                3 * events_once.set_index("event_id")["mentions"]).all()


def test_store_reconcile_gives_one_store_whatever_the_order(store_url, tmp_path):
    # The same three reports in two orders: the event takes the id of whichever came first, and
    # the year-precise one joins or not depending on what it meets. reconcile rebuilds both alike.
    reports = [(make_article("a1", "2025-11-01", "Day report"), frame(meeting_xi("x1"))),
               (make_article("a2", "2025-11-03", "Follow-up"), frame(meeting_xi("x2", title="Xi Jinping met Carney"))),
               (make_article("a3", "2025-12-20", "Year review"), frame(meeting_xi("x3", precision="year")))]
    other = f"sqlite:///{tmp_path / 'other.db'}"
    dumps = []
    for url, order in ((store_url, reports), (other, reports[::-1])):
        with open_store(url) as s:
            for article, rows in order:
                add_events(s, article, rows)
            before = s.events_frame()
            assert s.reconcile() == (1, 3)
            after = s.events_frame()
            with s.engine.connect() as conn:
                keys = sorted(tuple(r) for r in conn.execute(sa.select(schema.event_keys_table)))
            dumps.append((before, after, keys))
    assert dumps[0][0]["event_id"].tolist() != dumps[1][0]["event_id"].tolist()
    pd.testing.assert_frame_equal(dumps[0][1], dumps[1][1])
    assert dumps[0][2] == dumps[1][2]
    assert dumps[0][1]["event_id"].tolist() == ["x1"] and dumps[0][1]["mentions"].tolist() == [3]


def test_store_migrates_version_6(store_url):
    """A version 6 store (before articles from the web) opens, gains the fetch tables and keeps its data."""
    with open_store(store_url) as s:
        add_events(s, make_article("a1", "2025-11-01"), frame(meeting_xi()))
        before = s.counts()
        with s.engine.begin() as conn:  # rewind to version 6: no fetches, no feed entries
            schema.fetches_table.drop(conn)
            schema.feed_entries_table.drop(conn)
            conn.execute(schema.meta_table.update().where(schema.meta_table.c.key == "schema_version")
                         .values(value="6"))
    with open_store(store_url) as s:
        assert s.schema_version() == SCHEMA_VERSION == 7
        assert s.counts() == before
        assert s.web_counts() == {"fetches": 0, "feed_entries": 0}
        assert s.fetch_state("https://example.org/a") is None


def test_store_records_fetches_with_the_article(store_url):
    from pipeline.records import WebFetch
    from pipeline.store import entry_key

    web = WebFetch("https://example.org/a", "https://www.example.org/a?x=1", 200, "2026-12-04T10:00:00+00:00",
                   '"v1"', "Fri, 21 Mar 2025 20:05:00 GMT", "text/html", "https://example.org/feed.xml", "guid-1")
    article = make_article("a1", "2025-11-01", url=web.final_url)
    with open_store(store_url) as s:
        s.add_articles([(article, storage_rows(article, frame(meeting_xi())))], [web])
        state = s.fetch_state(web.url)
        assert (state.final_url, state.article_id, state.http_status, state.etag, state.last_modified) == (
            web.final_url, "a1", 200, '"v1"', web.last_modified)
        assert s.article_fetch("a1") == state and s.article_fetch("nope") is None
        key = entry_key(web.feed_url, web.entry_id)
        assert s.seen_entries([key, "other"]) == {key}
        # A 304 later keeps the validators and the article it was stored with.
        s.record_web([(WebFetch(web.url, web.url, 304, "2026-12-05T10:00:00+00:00"), "")])
        again = s.fetch_state(web.url)
        assert (again.http_status, again.etag, again.article_id, again.fetched_at) == (
            304, '"v1"', "a1", "2026-12-05T10:00:00+00:00")
        assert s.web_counts() == {"fetches": 1, "feed_entries": 1}
        assert s.events_frame().shape[0] >= 1


def _release(eid, date, precision="day", title="Michael Kovrig and Michael Spavor were released by China"):
    return make_event(eid, date, "2021-09-30" if precision == "month" else None, precision, title,
                      countries=["CAN", "CHN"], actors=["Michael Kovrig", "Michael Spavor"], event_code="0841",
                      quad_class=2)


def test_store_a_month_event_dated_to_its_day_takes_in_that_day_s_report_of_the_same_act(store):
    # The day's first report ("A judge discharged Meng", 0841) and the month retellings of the
    # three's release never match on wording or parties; once a report dates the month event to
    # the 24th, the discharge is the same act of one of its people on its day and is folded in.
    # The event keeps the report that stood for it; a different act that day stays apart.
    three = ["Meng Wanzhou", "Michael Kovrig", "Michael Spavor"]
    add_events(store, make_article("a1", "2021-09-25"), frame(
        make_event("dis", "2021-09-24", None, "day", "A judge of the Supreme Court of British Columbia discharged Meng",
                   ["CAN"], ["Meng Wanzhou"], "0841", 2),
        make_event("fly", "2021-09-24", None, "day", "Meng left Vancouver on a flight to Shenzhen",
                   ["CAN", "CHN"], ["Meng Wanzhou"], "042", 1)))
    add_events(store, make_article("a2", "2024-08-26"), frame(
        make_event("mon", "2021-09-01", "2021-09-30", "month", "The three were not released until September 2021",
                   ["CHN", "USA"], three, "0841", 2)))
    assert len(store.events_frame()) == 3
    result = add_events(store, make_article("a3", "2025-01-28"), frame(
        make_event("day", "2021-09-24", None, "day", "The three were released on Sept. 24, 2021",
                   ["CHN", "USA"], three, "0841", 2)))
    events = store.events_frame().set_index("event_id")
    assert sorted(events.index) == ["fly", "mon"]
    assert events.loc["mon", "precision"] == "day" and events.loc["mon", "mentions"] == 3
    assert events.loc["mon", "title"] == "The three were released on Sept. 24, 2021"
    assert set(events.loc["mon", "countries"]) == {"CAN", "CHN", "USA"}
    assert result.event_ids == ("mon",)
    assert set(store.mentions_frame()["event_id"]) == {"fly", "mon"}


def test_store_folds_a_coarse_event_into_the_day_its_story_singles_out(store):
    # A month retelling between the release (24th) and the arrival home (25th) stays apart at
    # first; once the 24th is reported three times, the month event's retellings all point there
    # and it is folded into the day, which keeps every report.
    add_events(store, make_article("a1", "2021-09-25"), frame(
        _release("rel", "2021-09-24"),
        _release("home", "2021-09-25", title="Michael Kovrig and Michael Spavor were flown home by Canada")))
    r2 = add_events(store, make_article("a2", "2022-01-10"), frame(
        _release("m1", "2021-09-01", "month", "Michael Kovrig and Michael Spavor were freed by China")))
    assert r2.events_added == 1   # between two days reported alike: apart
    for n in (3, 4):
        add_events(store, make_article(f"a{n}", f"2022-0{n}-01"), frame(_release(f"d{n}", "2021-09-24")))
    r5 = add_events(store, make_article("a5", "2022-05-01"), frame(
        _release("m5", "2021-09-01", "month", "Michael Kovrig and Michael Spavor were freed by China")))
    events = store.events_frame().set_index("event_id")
    assert sorted(events.index) == ["home", "rel"]
    assert events.loc["rel", "mentions"] == 5 and events.loc["rel", "precision"] == "day"
    assert events.loc["home", "mentions"] == 1
    # the month event stored by a2 is gone: one event fewer, and the count says so
    assert r5.events_added == -1 and r5.mentions_merged == 1 and r5.event_ids == ("rel",)
    assert set(store.mentions_frame()["event_id"]) == {"home", "rel"}
