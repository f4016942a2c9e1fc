"""The feed watcher: feeds parsed, new entries ingested once, bad feeds skipped, a clean stop."""
from __future__ import annotations

import collections
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from pipeline.fetch import Fetched
from pipeline.watch import FeedError, parse_every, parse_feed

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "tests" / "fixtures" / "web"
ENV = {"TIMELINE_ALLOW_PRIVATE_FETCH": "1", "TIMELINE_FETCH_HOST_DELAY_S": "0", "TIMELINE_FETCH_BACKOFF_S": "0.01",
       "TIMELINE_FETCH_TIMEOUT_S": "2", "TIMELINE_FETCH_RETRIES": "1"}


def watch(feeds: Path, db: str, *extra: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "watch", str(feeds), "--db", db, *extra], cwd=ROOT,
                          env={**os.environ, **ENV}, capture_output=True, text=True, timeout=timeout)


def feeds_file(tmp_path: Path, *urls: str) -> Path:
    path = tmp_path / "feeds.txt"
    path.write_text("# feeds for the test\n" + "\n".join(urls) + "\n", encoding="utf-8")
    return path


def counts(db_file: Path) -> tuple[int, int]:
    with sqlite3.connect(db_file) as conn:
        return (conn.execute("SELECT count(*) FROM articles").fetchone()[0],
                conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0])


def fixture_feed(name: str, base: str = "http://news.example") -> Fetched:
    body = (WEB / name).read_text(encoding="utf-8").replace("{BASE}", base).encode("utf-8")
    return Fetched(f"{base}/{name}", f"{base}/{name}", 200, "", "application/xml", body)


@pytest.mark.parametrize("text,seconds", [
    ("15m", 900.0), ("90s", 90.0), ("2h", 7200.0), ("1d", 86400.0), ("30", 30.0), (" 1.5m ", 90.0),
    ("0s", None), ("0.5", None), ("15 minutes", None), ("", None), ("-5m", None), ("m", None),
])
def test_watch_parse_every(text, seconds):
    assert parse_every(text) == seconds


@pytest.mark.parametrize("name,expected", [
    ("rss.xml", [("ledger-canola-2025-03-21", "/page.html", date(2025, 3, 21)),
                 ("ledger-apec-2025-10-31", "/article/1.txt", date(2025, 10, 31))]),
    ("atom.xml", [("urn:test:ottawa-wire:2", "/article/2.txt", date(2025, 11, 2)),
                  ("urn:test:ottawa-wire:3", "/article/3.txt", date(2025, 11, 3))]),   # updated, no published
])
def test_watch_parse_feed(name, expected):
    title, entries = parse_feed(fixture_feed(name))
    assert title in ("Prairie Ledger", "Ottawa Wire")
    assert [(e.entry_id, e.url, e.published) for e in entries] == [
        (i, "http://news.example" + path, day) for i, path, day in expected]


@pytest.mark.parametrize("name,message", [("broken.xml", "malformed feed XML"),
                                          ("page.html", "an HTML page, not an RSS or Atom feed")])
def test_watch_parse_feed_refuses_bad_feeds(name, message):
    with pytest.raises(FeedError, match=message):
        parse_feed(fixture_feed(name))


def test_watch_once_twice_ingests_each_entry_once(local_web, tmp_path):
    feeds = feeds_file(tmp_path, local_web.url("/rss.xml"), local_web.url("/broken.xml"),
                       local_web.url("/page.html"), local_web.url("/status/503"), "file:///etc/passwd",
                       local_web.url("/atom.xml"))
    db_file = tmp_path / "w.db"
    first = watch(feeds, f"sqlite:///{db_file}", "--once", "--workers", "0")
    assert first.returncode == 1 and "Traceback" not in first.stderr   # bad feeds: reported, skipped
    lines = first.stdout.splitlines()
    assert len(lines) == 5   # one per feed (the file:// line is refused when the list is read)
    assert lines[0].endswith(f"{local_web.url('/rss.xml')}: 2 entries, 2 new: 2 added, 0 already known, 0 failed; "
                             + lines[0].split("failed; ")[1])
    assert "skipped: malformed feed XML" in lines[1]
    assert "skipped: the address gives an HTML page, not an RSS or Atom feed" in lines[2]
    assert "skipped: HTTP 503 after 2 tries" in lines[3]
    assert ": 2 entries, 2 new: 2 added" in lines[4]   # the feed after the bad ones still ran
    assert "only http and https URLs can be fetched, not file:" in first.stderr
    assert counts(db_file) == (4, 4)
    pages_before = [p for p in local_web.paths() if p.startswith(("/article/", "/page.html"))]
    second = watch(feeds, f"sqlite:///{db_file}", "--once", "--workers", "0")
    assert ": 2 entries, 0 new: 0 added, 0 already known, 0 failed; 0 events added" in second.stdout.splitlines()[0]
    assert counts(db_file) == (4, 4)
    pages_after = [p for p in local_web.paths() if p.startswith(("/article/", "/page.html"))]
    assert pages_after == pages_before + ["/page.html"]   # the HTML "feed" itself, no entry page again
    from pipeline.store import open_store
    with open_store(f"sqlite:///{db_file}") as s:
        arts = s.articles_frame().set_index("url")
        # The publication date comes from the feed entry (the page says 2025-03-21 too; the
        # APEC article's dateline says 2025-10-31 as the feed does).
        assert arts.loc[local_web.url("/article/3.txt"), "published"] == "2025-11-03"
        assert arts.loc[local_web.url("/article/1.txt"), "source"] == "Prairie Ledger"


def test_watch_entries_repeating_across_rounds_are_fetched_once(local_web, tmp_path):
    feeds = feeds_file(tmp_path, local_web.url("/feed/0.xml"))
    db = f"sqlite:///{tmp_path / 'w.db'}"
    local_web.feed_items = [0, 1, 2]
    assert watch(feeds, db, "--once", "--workers", "0").returncode == 0
    local_web.feed_items = [1, 2, 3, 4]
    res = watch(feeds, db, "--once", "--workers", "0")
    assert ": 4 entries, 2 new: 2 added" in res.stdout
    fetched = [p for p in local_web.paths() if p.startswith("/article/")]
    assert fetched == [f"/article/{i}.txt" for i in (0, 1, 2, 3, 4)]
    assert counts(tmp_path / "w.db") == (5, 5)


def test_watch_unchanged_feed_is_not_read_again(local_web, tmp_path):
    feeds = feeds_file(tmp_path, local_web.url("/feed-etag.xml"))
    db = f"sqlite:///{tmp_path / 'w.db'}"
    assert ": 3 entries, 3 new: 3 added" in watch(feeds, db, "--once", "--workers", "0").stdout
    res = watch(feeds, db, "--once", "--workers", "0")
    assert res.returncode == 0 and res.stdout.strip().endswith("unchanged since the last round")
    assert local_web.requests[-1] == ("/feed-etag.xml", local_web.requests[-1][1])
    assert local_web.requests[-1][1]["if-none-match"] == '"f1"'


def test_watch_refuses_a_feed_list_without_feeds(tmp_path):
    res = watch(feeds_file(tmp_path, "not a feed"), f"sqlite:///{tmp_path / 'w.db'}", "--once")
    assert res.returncode == 1
    assert res.stderr.splitlines()[-1].endswith("no feed URLs (one http:// or https:// URL per line)")
    assert not (tmp_path / "w.db").exists()


def test_watch_every_must_be_a_duration(tmp_path):
    res = watch(feeds_file(tmp_path, "https://example.org/feed.xml"), "sqlite:///x.db", "--every", "soon")
    assert res.returncode == 2 and "error: --every must be a duration" in res.stderr


@pytest.mark.parametrize("sig,workers", [(signal.SIGTERM, "0"), (signal.SIGINT, "1")])
def test_watch_stops_cleanly_during_a_round(local_web, tmp_path, sig, workers):
    n = 24
    local_web.page_delay_s = 0.1
    feeds = feeds_file(tmp_path, local_web.url(f"/feed/{n}.xml"))
    db_file = tmp_path / "w.db"
    db = f"sqlite:///{db_file}"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "watch", str(feeds), "--db", db, "--every", "1h",
                             "--workers", workers], cwd=ROOT, env={**os.environ, **ENV}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if db_file.exists():
                try:
                    if counts(db_file)[0] >= 3:
                        break
                except sqlite3.OperationalError:   # the schema is not there yet
                    pass
            time.sleep(0.05)
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)   # Ctrl-C in a terminal: the whole process group, workers too
        else:
            proc.send_signal(sig)      # a service manager stopping the watcher
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err
    assert f"watch: stopped by {signal.Signals(sig).name}" in err and "Traceback" not in err
    assert "stopped before the rest" in out
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    articles, entries = counts(db_file)
    assert 3 <= articles < n and articles == entries   # every stored article whole, with its entry
    res = watch(feeds, db, "--once", "--workers", "0")
    assert res.returncode == 0, res.stderr
    assert counts(db_file) == (n, n)
    fetched = collections.Counter(p for p in local_web.paths() if p.startswith("/article/"))
    assert len(fetched) == n and set(fetched.values()) == {1}   # nothing fetched twice


def test_watch_once_on_postgresql(local_web, pg_url, tmp_path):
    feeds = feeds_file(tmp_path, local_web.url("/rss.xml"), local_web.url("/atom.xml"))
    first = watch(feeds, pg_url, "--once", "--workers", "0")
    assert first.returncode == 0, first.stderr
    assert [": 2 entries, 2 new: 2 added" in line for line in first.stdout.splitlines()] == [True, True]
    second = watch(feeds, pg_url, "--once", "--workers", "0")
    assert [": 2 entries, 0 new: 0 added" in line for line in second.stdout.splitlines()] == [True, True]
    from pipeline.store import open_store
    with open_store(pg_url) as s:
        assert s.counts()["articles"] == 4 and s.web_counts()["feed_entries"] == 4
