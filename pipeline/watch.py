"""Watching feeds: ``python -m pipeline watch FEEDS.txt`` fetches the new entries of RSS and Atom
feeds (read with feedparser) and ingests their pages, round after round.

Each round fetches every feed (conditionally: an unchanged feed costs a 304), skips the entries
the store has handled before (``feed_entries``: a restart fetches nothing again), fetches the new
entries' pages one after the other (``pipeline.fetch``: per-host pauses, address checks) and runs
them through ingest's workers; an entry's publication date comes from the feed, else from the
page. A feed that is down, malformed or an HTML page is reported and skipped; the others go on.
One line per feed per round. SIGTERM or Ctrl-C stops it after the page in hand: what is in flight
is written (each article in one transaction, with its entry marked), the rest waits for the next
run. A feed's validators are stored only once all its entries are handled, so a round cut short
is finished by the next one.
"""
from __future__ import annotations

import re
import signal
import sys
import threading
import xml.sax
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Iterator
from urllib.parse import urljoin

from tqdm import tqdm

from pipeline.article import display_name, published_window
from pipeline.fetch import Fetched, Fetcher, FetchError, FetchSettings, feed_type
from pipeline.ingest import (
    Skipped,
    Summary,
    Unit,
    default_workers,
    ingest_units,
    make_runner,
    quiet_worker_start,
)
from pipeline.records import WebFetch
from pipeline.web import fetch_page, page_unit, read_url_list, web_fetch

_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_EVERY_S = 1.0          # inclusive lower bound on the time between rounds
_HTML_HEAD = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)


class FeedError(ValueError):
    """A feed that cannot be read (one line, without the feed's URL)."""


def parse_every(text: str) -> float | None:
    """Seconds of ``--every`` ("90s", "15m", "2h", "1d", or plain seconds), None when invalid."""
    m = _EVERY.match(str(text or ""))
    if not m:
        return None
    seconds = float(m.group(1)) * _UNIT_S[m.group(2).lower()]
    return seconds if seconds >= MIN_EVERY_S else None


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of a feed: its id (guid, else link), the page's URL, the date the feed gives."""

    entry_id: str
    url: str
    published: date | None = None


def parse_feed(got: Fetched) -> tuple[str, list[FeedEntry]]:
    """The title and entries (with a link, each id once, in feed order) of a fetched feed;
    FeedError for an HTML page, malformed XML, or a document that is no feed."""
    import feedparser

    if _HTML_HEAD.match(got.body[:4096]):
        raise FeedError("the address gives an HTML page, not an RSS or Atom feed")
    # No base URL for feedparser: it would rewrite the ids too; links are joined to the feed's URL below.
    parsed = feedparser.parse(got.body, response_headers={"content-type": got.content_type or "application/xml"})
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXException):
        raise FeedError(f"malformed feed XML ({_one_line(problem)})")
    if not parsed.get("version") and not parsed.entries:
        raise FeedError("not an RSS or Atom feed")
    low, high = published_window()
    entries: list[FeedEntry] = []
    ids: set[str] = set()
    for e in parsed.entries:
        link = e.get("link") or next((x.get("href") for x in e.get("links", []) if x.get("href")), "")
        if not link:
            continue
        url = urljoin(got.final_url, str(link).strip())
        entry_id = str(e.get("id") or url).strip()[:2048]
        if entry_id in ids:
            continue
        ids.add(entry_id)
        when = e.get("published_parsed") or e.get("updated_parsed")
        day = None
        if when:
            try:
                day = date(*when[:3])
            except (TypeError, ValueError):
                day = None
        entries.append(FeedEntry(entry_id, url, day if day is not None and low <= day <= high else None))
    title = " ".join(str(parsed.feed.get("title", "") or "").split())[:200]
    return title, entries


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())[:200] or type(err).__name__


@dataclass
class FeedRound:
    """What one round did with one feed."""

    feed_url: str
    entries: int = 0
    fresh: int = 0
    summary: Summary = field(default_factory=Summary)
    error: str = ""
    not_modified: bool = False
    transient: int = 0       # entries that failed in a way the next round may not
    stopped: bool = False    # the round was cut short by a stop

    def line(self) -> str:
        """The round's one log line for this feed."""
        when = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        head = f"watch {when} {display_name(self.feed_url)}:"
        if self.error:
            return f"{head} skipped: {self.error}"
        if self.not_modified:
            return f"{head} unchanged since the last round"
        s = self.summary
        tail = "; stopped before the rest" if self.stopped else ""
        return (f"{head} {self.entries} entries, {self.fresh} new: {s.new} added, {s.known} already known, "
                f"{len(s.failed)} failed; {s.events_added} events added{tail}")


def watch_feed(feed_url: str, store, fetcher: Fetcher, runner, stop: threading.Event,
               progress: bool = False) -> FeedRound:
    """One round of one feed: fetch it, ingest its new entries' pages; never raises for a bad feed
    or page (StoreError passes)."""
    r = FeedRound(feed_url)
    state = store.fetch_state(feed_url)
    try:
        got = fetcher.fetch(feed_url, etag=state.etag if state else "",
                            last_modified=state.last_modified if state else "", accept=feed_type)
    except FetchError as err:
        r.error = _without_url(str(err), feed_url)
        return r
    if got.not_modified:
        r.not_modified = True
        return r
    try:
        title, entries = parse_feed(got)
    except FeedError as err:
        r.error = str(err)
        return r
    from pipeline.store import entry_key
    keys = {e.entry_id: entry_key(feed_url, e.entry_id) for e in entries}
    seen = store.seen_entries(keys.values())
    fresh = [e for e in entries if keys[e.entry_id] not in seen]
    r.entries, r.fresh = len(entries), len(fresh)
    if fresh:
        bar = tqdm(total=len(fresh), unit="article", file=sys.stderr, dynamic_ncols=True, leave=False,
                   disable=not progress, desc=_short_feed(feed_url))
        try:
            ingest_units(store, _entry_units(fresh, feed_url, title, fetcher, store, stop, r), 0, None,
                         r.summary, bar, runner=runner)
        finally:
            bar.close()
    for reason in r.summary.failed:
        print(f"error: {reason}", file=sys.stderr)
    if not r.stopped and store.seen_entries(keys.values()) >= set(keys.values()):
        # Every entry handled: the next round may be a 304. Not before, or a round cut short would
        # leave entries that an unchanged feed never lists again.
        store.record_web([(web_fetch(got), "")])
    return r


def _entry_units(fresh: list[FeedEntry], feed_url: str, title: str, fetcher: Fetcher, store,
                 stop: threading.Event, r: FeedRound) -> Iterator[Unit | Skipped | str]:
    """The ingest units of a feed's new entries, fetched one after the other until ``stop``."""
    for e in fresh:
        if stop.is_set():
            r.stopped = True
            return
        try:
            got = fetch_page(e.url, fetcher, store, feed_url, e.entry_id)
        except FetchError as err:
            if stop.is_set():
                r.stopped = True
                return
            if err.transient:
                r.transient += 1   # not marked: the next round tries it again
            else:
                now = datetime.now(timezone.utc).isoformat(timespec="seconds")
                store.record_web([(WebFetch(e.url, e.url, err.status, now, feed_url=feed_url,
                                            entry_id=e.entry_id), "")])
            yield str(err)
            continue
        yield got if isinstance(got, Skipped) else page_unit(got, e.published, False, title, feed_url, e.entry_id)


def _without_url(message: str, url: str) -> str:
    prefix = display_name(url) + ": "
    return message.removeprefix(prefix)


def _short_feed(url: str) -> str:
    return url.split("://", 1)[-1][:40]


class _Stopper:
    """SIGTERM and SIGINT (Ctrl-C) set ``event`` instead of killing the process, in the block."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signal: int | None = None
        self._saved: dict[int, object] = {}

    def _handle(self, signum, _frame) -> None:
        self.signal = signum
        self.event.set()

    def __enter__(self) -> _Stopper:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._saved[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, previous in self._saved.items():
            signal.signal(sig, previous)


def run_watch(feeds_file: str, db: str | None, every_s: float, once: bool = False, workers: int | None = None,
              progress: bool = True) -> int:
    """Watch the feeds listed in ``feeds_file`` into the store at ``db`` every ``every_s`` seconds
    (one round with ``once``) until SIGTERM or Ctrl-C; return 0, or 1 when the feed list or the
    store cannot be used (or, with ``once``, when a feed or an entry failed)."""
    from pipeline.store import StoreError, open_store

    feeds, errors = read_url_list(feeds_file)
    for line in errors:
        print(f"error: {line}", file=sys.stderr)
    if not feeds:
        if not any(": cannot read:" in line for line in errors):
            print(f"error: {display_name(feeds_file)}: no feed URLs (one http:// or https:// URL per line)",
                  file=sys.stderr)
        return 1
    try:
        store = open_store(db)
    except StoreError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    n_workers = default_workers() if workers is None or workers < 0 else workers
    failed = bool(errors)
    with _Stopper() as stop:
        fetcher = Fetcher(FetchSettings.from_env(), stop=stop.event)
        runner = make_runner(n_workers, quiet_worker_start)
        try:
            while not stop.event.is_set():
                for feed_url in feeds:
                    if stop.event.is_set():
                        break
                    r = watch_feed(feed_url, store, fetcher, runner, stop.event, progress and sys.stderr.isatty())
                    failed |= bool(r.error or r.summary.failed)
                    print(r.line(), flush=True)
                if once:
                    break
                stop.event.wait(every_s)
        except StoreError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        finally:
            runner.close()
            fetcher.close()
            store.close()
    if stop.signal is not None:
        name = signal.Signals(stop.signal).name
        print(f"watch: stopped by {name}: every stored article is whole; the next run fetches the rest",
              file=sys.stderr, flush=True)
        return 0
    return 1 if once and failed else 0
