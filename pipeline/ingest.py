"""Ingest: article files, folders, globs and news dumps into the store, in parallel.

Inputs are streamed as small work units. Workers (local processes by default, or the workers
of a Dask cluster given by ``--scheduler``) read and extract each unit; the client writes the
results to the store in input order, one transaction per article, so a run interrupted at any
point and run again ends exactly like one clean run. At most a bounded window of units is in
flight, whatever the corpus size.
"""
from __future__ import annotations

import contextlib
import csv
import glob
import itertools
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent import futures as cf
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from pipeline.article import MAX_ARTICLE_BYTES, display_name
from pipeline.fetch import HTML_TYPES
from pipeline.lifeline import INGEST_PID_ENV, die_with_parent
from pipeline.records import Article, WebFetch
from pipeline.storage import StorageRows, storage_rows

ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
DUMP_SUFFIXES = (".jsonl", ".csv")
MANIFEST = "manifest.csv"
TEXT_KEYS = ("text", "body", "content")
# Inclusive bound on one dump record, as on an article file: a single record must not cost minutes.
MAX_RECORD_BYTES = MAX_ARTICLE_BYTES
# Seconds an article may take to read and extract before it fails alone and the batch goes on:
# text whose cost grows with its size stays far below this (5 MB of date-dense text: a minute).
ARTICLE_BUDGET_S = 120
WRITE_BATCH = 64          # finished articles written per store transaction (each stays atomic)
FILL_SLICE_S = 0.5         # longest time spent taking new inputs before writing what is finished
WINDOW_PER_WORKER = 32     # units in flight (running or awaiting their turn to be written) per worker
# Local workers run at this much lower priority than the client: the client's single writer is the
# serial stage of the pipeline, and with as many workers as cores it got only about two thirds
# of a core (2 workers on 2 cores ran no faster than 1 worker).
WORKER_NICENESS = 5


@dataclass(frozen=True, slots=True)
class Unit:
    """One article to read and extract: a file, or one record of a dump (carrying its text)."""

    label: str                      # for messages: the path, or path:line for a dump record
    path: str
    published: date | None = None
    url: str = ""
    source: str = ""
    title: str = ""
    text: str | None = None         # None: read the file at ``path``
    data: bytes | None = None       # the file's bytes, shipped by the client to remote workers
    any_date: bool = False          # accept a publication date outside the plausible window
    web: WebFetch | None = None     # a page fetched from the web (``data`` holds its body)


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input known without reading it (a page unchanged since its article was stored): counted
    as "already known"; ``web`` is recorded (the fetch, and the feed entry as handled)."""

    label: str
    web: WebFetch | None = None
    article_id: str = ""


@dataclass(slots=True)
class Outcome:
    """What a worker made of one unit: an article and its events, or an error line."""

    label: str
    article: Article | None = None
    rows: StorageRows | None = None   # the events, in the form the store writes (store.storage_rows)
    error: str = ""


@dataclass
class Summary:
    """Counts of one ingest run."""

    new: int = 0
    known: int = 0
    updated: int = 0   # known articles stored again because a real publication date arrived
    events_added: int = 0
    mentions_merged: int = 0
    failed: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary printed at the end of an ingest."""
        updated = f", {self.updated} updated with a new publication date" if self.updated else ""
        out = [f"ingest: {self.new} new articles, {self.known} already known{updated}, {len(self.failed)} failed; "
               f"{self.events_added} events added, {self.mentions_merged} mentions merged"]
        out += [f"  failed: {reason}" for reason in self.failed]
        return out


def parse_date_value(value: Any) -> date | None:
    """A publication date from a manifest or dump field (ISO date or datetime), or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _clean_field(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """The rows of ``folder/manifest.csv`` keyed by file name ({} when there is none)."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    rows: dict[str, dict[str, str]] = {}
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
            for rec in csv.DictReader(fh):
                name = _clean_field(rec.get("file"))
                if name:
                    rows[Path(name).name] = {k: _clean_field(rec.get(k))
                                             for k in ("published", "source", "url", "title")}
    except (OSError, csv.Error):
        return {}
    return rows


def expand_paths(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Files named by ``paths`` (files, folders searched recursively, globs) and one error per miss."""
    found: list[Path] = []
    errors: list[str] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            found.append(p)

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            hits = sorted(q for q in p.rglob("*") if q.is_file() and _wanted(q))
            for q in hits:
                add(q)
        elif p.is_file():
            add(p)
        else:
            matches = sorted(glob.glob(raw, recursive=True))
            files = [Path(m) for m in matches if Path(m).is_file() and _wanted(Path(m))]
            for m in matches:
                if Path(m).is_dir():
                    files += sorted(q for q in Path(m).rglob("*") if q.is_file() and _wanted(q))
            if not files:
                errors.append(f"{display_name(raw)}: no such file or folder" if not matches
                              else f"{display_name(raw)}: no article files")
            for q in files:
                add(q)
    return found, errors


def _wanted(p: Path) -> bool:
    name = p.name
    if name.startswith(".") or name == MANIFEST:
        return False
    return p.suffix.lower() in ARTICLE_SUFFIXES + DUMP_SUFFIXES


def iter_units(files: list[Path], published: date | None, any_date: bool = False) -> Iterator[Unit | str]:
    """Stream the work units of ``files``; a string is an input error (label: reason)."""
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    for path in files:
        suffix = path.suffix.lower()
        if suffix in DUMP_SUFFIXES:
            yield from _dump_units(path, published, any_date)
            continue
        if suffix not in ARTICLE_SUFFIXES:
            yield f"{display_name(path)}: unsupported file type {suffix or '(none)'} (use .txt, .html, .htm, .jsonl, .csv)"
            continue
        folder = path.parent
        if folder not in manifests:
            manifests[folder] = read_manifest(folder)
        meta = manifests[folder].get(path.name, {})
        pub = published if published is not None else parse_date_value(meta.get("published"))
        if pub is None and meta.get("published"):
            yield (f"{display_name(path)}: invalid publication date {meta['published'][:40]!r} in "
                   f"{display_name(folder / MANIFEST)} "
                   "(expected YYYY-MM-DD): file skipped")
            continue
        yield Unit(display_name(path), str(path), pub, meta.get("url", ""),
                   meta.get("source", ""), meta.get("title", ""), any_date=any_date)


def _dump_units(path: Path, published: date | None, any_date: bool = False) -> Iterator[Unit | str]:
    """One unit per record of a .jsonl or .csv dump, read lazily."""
    try:
        fh = path.open(encoding="utf-8-sig", errors="replace", newline="")
    except OSError as err:
        yield f"{display_name(path)}: cannot read: {err.strerror or err}"
        return
    with fh:
        if path.suffix.lower() == ".jsonl":
            records = _jsonl_records(fh, path)
        else:
            csv.field_size_limit(1 << 30)
            records = _csv_records(fh, path)
        try:
            for label, rec in records:
                if isinstance(rec, str):
                    yield f"{label}: {rec}"
                    continue
                problem = _record_problem(rec)
                if problem:
                    yield f"{label}: {problem}"
                    continue
                text = next((rec[k] for k in TEXT_KEYS if isinstance(rec.get(k), str) and rec[k].strip()), None)
                if text is None:
                    yield f"{label}: record has no text"
                    continue
                if len(text.encode("utf-8", "replace")) > MAX_RECORD_BYTES:
                    yield f"{label}: record too large ({len(text.encode('utf-8', 'replace')):,} bytes of text; " \
                          f"the limit is {MAX_RECORD_BYTES:,} bytes)"
                    continue
                pub = published
                if pub is None and _clean_field(rec.get("published")):
                    pub = parse_date_value(rec.get("published"))
                    if pub is None:
                        yield (f"{label}: invalid publication date {_clean_field(rec.get('published'))[:40]!r} "
                               "(expected YYYY-MM-DD): record skipped")
                        continue
                yield Unit(label, str(path), pub, _clean_field(rec.get("url")),
                           _clean_field(rec.get("source")), _clean_field(rec.get("title")), text, any_date=any_date)
        except (OSError, csv.Error) as err:
            yield f"{display_name(path)}: cannot read: {err}"


def _record_problem(rec: dict) -> str:
    """Why a dump record cannot be read as an article ("" when it can): its text-like fields must
    be text, not numbers, lists or objects."""
    for key in ("title", "url", "source", "published"):
        value = rec.get(key)
        if value is not None and not isinstance(value, str):
            return f"field {key!r} must be text, not {type(value).__name__}: record skipped"
    return ""


def _jsonl_records(fh, path: Path) -> Iterator[tuple[str, dict | str]]:
    for lineno, line in enumerate(fh, 1):
        if not line.strip():
            continue
        label = f"{display_name(path)}:{lineno}"
        if len(line) > MAX_RECORD_BYTES:   # characters: a lower bound on the bytes
            yield label, f"record too large ({len(line):,} characters; the limit is {MAX_RECORD_BYTES:,} bytes)"
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            yield label, "invalid JSON"
            continue
        except RecursionError:   # "[[[[...]]]]": valid JSON nested beyond what the parser follows
            yield label, "invalid JSON (nested too deeply)"
            continue
        yield label, rec if isinstance(rec, dict) else "record is not a JSON object"


def _csv_records(fh, path: Path) -> Iterator[tuple[str, dict | str]]:
    reader = csv.DictReader(fh)
    for rec in reader:
        yield f"{display_name(path)}:{reader.line_num}", rec


def process_unit(unit: Unit) -> Outcome:
    """Read and extract one unit (runs on a worker) within the time budget of an article; never raises."""
    budget = article_budget_s()
    try:
        with _time_budget(budget):
            return _process(unit)
    except _OverBudget:
        return Outcome(unit.label, error=f"{unit.label}: took more than {budget:g} s, the time budget of one "
                                         "article: skipped")


def _process(unit: Unit) -> Outcome:
    """``process_unit`` within its time budget."""
    from pipeline.article import (ArticleError, article_from_text, article_id_for, read_article,
                                  read_article_bytes)
    from pipeline.extract import event_rows, extract_events
    try:
        if unit.text is None:
            html = True if unit.web is not None and unit.web.content_type in HTML_TYPES else None
            article = (read_article_bytes(unit.data, unit.path, unit.published, any_date=unit.any_date,
                                          url=unit.url, html=html)
                       if unit.data is not None else read_article(unit.path, unit.published, any_date=unit.any_date))
            article = replace(article, url=unit.url or article.url, source=unit.source or article.source)
            if unit.title and unit.title != article.title:
                # The manifest's headline wins over the one guessed from the text; the id
                # follows the title exactly as article_from_text(title=...) would make it.
                article = replace(article, title=unit.title, article_id=article_id_for(unit.title, article.text))
        else:
            article = article_from_text(unit.text, unit.published, any_date=unit.any_date, url=unit.url,
                                        source=unit.source, path=unit.label, title=unit.title)
        if not article.text.strip() and not article.title.strip():
            return Outcome(unit.label, error=f"{unit.label}: no article text")
        # Everything about the rows that needs no store is done here, on the worker, so that the
        # single writer only merges and writes.
        rows = storage_rows(article, event_rows(extract_events(article), article))
    except ArticleError as err:
        return Outcome(unit.label, error=_first_line(str(err)) if str(err).startswith(unit.label)
                       else f"{unit.label}: {_first_line(str(err))}")
    except (OSError, UnicodeError) as err:
        return Outcome(unit.label, error=f"{unit.label}: cannot read: {getattr(err, 'strerror', None) or err}")
    except Exception as err:  # noqa: BLE001 - one bad article must not stop the batch
        return Outcome(unit.label, error=f"{unit.label}: {type(err).__name__}: {_first_line(str(err))}")
    return Outcome(unit.label, article, rows)


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else "error"


def article_budget_s() -> float:
    """Seconds one article may take to read and extract: $TIMELINE_ARTICLE_BUDGET_S, else
    ``ARTICLE_BUDGET_S``; 0 means no budget."""
    try:
        return max(0.0, float(os.environ.get("TIMELINE_ARTICLE_BUDGET_S", ARTICLE_BUDGET_S)))
    except ValueError:
        return float(ARTICLE_BUDGET_S)


class _OverBudget(BaseException):
    """An article ran out of time. A BaseException, so that no stage's error handler keeps it."""


@contextlib.contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    """Interrupt the block with ``_OverBudget`` after ``seconds`` (a timer signal: only in a main
    thread, as in local workers and serial runs; Dask runs tasks in threads, without a budget)."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(_signum, _frame):
        raise _OverBudget()
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Serial:
    """Runs units in this process (``--workers 0``)."""

    def submit(self, unit: Unit) -> cf.Future:
        fut: cf.Future = cf.Future()
        fut.set_result(process_unit(unit))
        return fut

    def wait(self, pending: set) -> list[tuple[cf.Future, Outcome]]:
        return [(fut, _result(fut)) for fut in pending]

    def close(self) -> None:
        pass


class _Local:
    """Runs units on a pool of local processes."""

    def __init__(self, workers: int, initializer=None) -> None:
        self.workers = workers
        self.initializer = initializer or _worker_start
        self.pool = self._new_pool()

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        # forkserver: workers start from a clean process with the pipeline preloaded, not from
        # a fork of the client and its open database connections.
        # The forkserver inherits this process's id to die with it (pipeline.lifeline).
        os.environ[INGEST_PID_ENV] = str(os.getpid())
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.lifeline", "pipeline.extract", "pipeline.article", "pipeline.ingest"])
        return cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=self.initializer)

    def submit(self, unit: Unit):
        try:
            return self.pool.submit(process_unit, unit)
        except BrokenProcessPool:
            # A worker died (killed, out of memory, a crash in native code): the units it had
            # fail with that reason; start a new pool for the rest.
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            return self.pool.submit(process_unit, unit)

    def wait(self, pending: set) -> list[tuple[cf.Future, Outcome]]:
        return [(fut, _result(fut)) for fut in cf.wait(pending, return_when=cf.FIRST_COMPLETED).done]

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _worker_start() -> None:
    """Worker start-up: die with the forkserver that forked it (so with the ingest, see
    ``pipeline.lifeline``), and yield the CPU to the client's writer (``WORKER_NICENESS``)."""
    parent = os.getppid()
    if parent == 1:   # orphaned already: the ingest is gone
        os._exit(1)
    die_with_parent(parent)
    _lower_priority()


def quiet_worker_start() -> None:
    """``_worker_start`` for workers of a long-running command (``watch``): Ctrl-C in the terminal
    reaches the whole process group, and the command, not its workers, decides how to stop."""
    _worker_start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def make_runner(workers: int, initializer=None):
    """The runner of ``ingest_units`` for ``workers`` local processes (0: this process), to be
    kept over several calls (``watch``) and closed by the caller."""
    return _Serial() if workers <= 0 else _Local(workers, initializer)


def _lower_priority() -> None:
    """Yield the CPU to the client's writer (see ``WORKER_NICENESS``)."""
    try:
        os.nice(int(os.environ.get("TIMELINE_WORKER_NICENESS", WORKER_NICENESS)))
    except (OSError, ValueError):   # not permitted or not supported here: run at normal priority
        pass


def _read_bytes(path: str) -> bytes | None:
    """A file's bytes for a remote worker (None: let the worker report the problem)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_ARTICLE_BYTES + 1)
    except OSError:
        return None


def _result(fut) -> Outcome:
    try:
        return fut.result()
    except Exception as err:  # noqa: BLE001 - a dead worker fails the unit, not the run
        return Outcome("", error=f"worker failed: {type(err).__name__}: {_first_line(str(err))}")


def default_workers() -> int:
    """All cores of this machine."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def ingest_units(store, units: Iterator[Unit | Skipped | str], workers: int, scheduler: str | None,
                 summary: Summary, bar: tqdm | None = None, ship_code: bool = False, runner: Any = None) -> Summary:
    """Run ``units`` through the workers and write the results to ``store`` in input order.

    With ``scheduler``, on that Dask cluster (``pipeline.cluster``; ``ship_code`` uploads this
    package to it first); a cluster that cannot run this code raises ``ClusterError``. A given
    ``runner`` (``make_runner``) is used and left open."""
    own = runner is None
    if runner is not None:
        window = WINDOW_PER_WORKER * max(1, getattr(runner, "workers", 0)) if isinstance(runner, _Local) \
            else WRITE_BATCH
    elif scheduler:
        from pipeline.cluster import DaskRunner
        runner = DaskRunner(scheduler, ship_code)
        window = WINDOW_PER_WORKER * runner.threads
    elif workers <= 0:
        runner, window = _Serial(), WRITE_BATCH
    else:
        runner, window = _Local(workers), WINDOW_PER_WORKER * workers
    pending: dict[Any, int] = {}         # future -> sequence number
    done: dict[int, Outcome | str] = {}  # finished, waiting for their turn to be written
    labels: dict[int, str] = {}
    webs: dict[int, WebFetch] = {}
    next_seq = submitted = 0
    source = iter(units)
    exhausted = False
    try:
        while True:
            # Keep the window full: running plus finished-but-unwritten units stay bounded. Slow
            # inputs (pages fetched from the web) are taken for at most FILL_SLICE_S at a time, so
            # the finished ones are written as they come rather than once the window is full.
            fill_until = time.monotonic() + FILL_SLICE_S
            while not exhausted and len(pending) + len(done) < window and time.monotonic() < fill_until:
                item = next(source, None)
                if item is None:
                    exhausted = True
                    break
                if isinstance(item, (str, Skipped)):
                    done[submitted] = item
                else:
                    labels[submitted] = item.label
                    if item.web is not None:
                        webs[submitted] = item.web
                    pending[runner.submit(item)] = submitted
                submitted += 1
            if next_seq in done:
                # The run of finished units that are next in input order goes in one transaction.
                batch = []
                while next_seq in done and len(batch) < WRITE_BATCH:
                    batch.append((done.pop(next_seq), labels.pop(next_seq, ""), webs.pop(next_seq, None)))
                    next_seq += 1
                _write_batch(store, batch, summary, bar)
                continue
            if not pending:
                if exhausted and not done:
                    break
                continue
            for fut, outcome in runner.wait(set(pending)):
                done[pending.pop(fut)] = outcome
    finally:
        if own:
            runner.close()
    return summary


def _write_batch(store, batch: list[tuple[Outcome | Skipped | str, str, WebFetch | None]], summary: Summary,
                 bar: tqdm | None) -> None:
    """Record failures and write the good articles of ``batch`` in one store transaction (with
    their fetches); pages known already, or fetched but unreadable, have their fetch recorded."""
    good: list[tuple[Outcome, str, WebFetch | None]] = []
    handled: list[tuple[WebFetch, str]] = []
    for outcome, label, web in batch:
        if isinstance(outcome, Skipped):
            summary.known += 1
            if outcome.web is not None:
                handled.append((outcome.web, outcome.article_id))
        elif isinstance(outcome, str):
            summary.failed.append(outcome)
        elif outcome.error or outcome.article is None:
            msg = outcome.error or f"{label}: no article"
            summary.failed.append(msg if msg.startswith(label) or not label else f"{label}: {msg}")
            if web is not None and outcome.label:   # read, not lost with a worker: it fails again
                handled.append((web, ""))
        else:
            good.append((outcome, label, web))
    items = [(o.article, o.rows) for o, _, _ in good]
    webs = [w for _, _, w in good]
    results = (store.add_articles(items, webs) if any(webs) else store.add_articles(items)) if good else []
    if handled:
        store.record_web(handled)
    for (outcome, label, _), result in zip(good, results):
        _count(outcome, label, result, summary, bar)
    if bar is not None:
        bar.update(len(batch))


def _count(outcome: Outcome, label: str, result, summary: Summary, bar: tqdm | None) -> None:
    if result.new or result.replaced:
        if result.new:
            summary.new += 1
        else:
            summary.updated += 1
        summary.events_added += result.events_added
        summary.mentions_merged += result.mentions_merged
        if outcome.article.published_assumed:
            where = display_name(outcome.article.path) if outcome.article.path else label
            summary.assumed.append(where)
            _say(f"warning: {where}: no publication date given or found; "
                 f"assumed {outcome.article.published.isoformat()}", bar)
    else:
        summary.known += 1


def _say(line: str, bar: tqdm | None) -> None:
    if bar is not None:
        bar.write(line, file=sys.stderr)
    else:
        print(line, file=sys.stderr)


def run_ingest(paths: list[str], db: str | None, published: date | None = None, workers: int | None = None,
               scheduler: str | None = None, progress: bool = True, any_date: bool = False,
               ship_code: bool = False, url_lists: list[str] | None = None) -> int:
    """Ingest ``paths`` (files, folders, globs, http(s) URLs) and the URLs listed in the files of
    ``url_lists`` into the store at ``db``; print a summary; return 0, or 1 if any input failed.

    ``scheduler``: run on that Dask cluster; ``ship_code``: upload this package to it first."""
    # The client alone writes: workers, which import this module, never load the database code.
    from pipeline.cluster import ClusterError
    from pipeline.store import StoreError, open_store
    from pipeline.web import is_url, read_url_list, url_problem
    urls: list[str] = []
    url_errors: list[str] = []
    for raw in paths:
        if is_url(raw):
            problem = url_problem(raw)
            if problem:
                url_errors.append(f"{display_name(raw)}: {problem}")
            elif raw.strip() not in urls:
                urls.append(raw.strip())
    for listing in url_lists or []:
        listed, bad = read_url_list(listing)
        urls += [u for u in listed if u not in urls]
        url_errors += bad
    try:
        store = open_store(db)
    except StoreError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    files, errors = expand_paths([p for p in paths if not is_url(p)])
    summary = Summary(failed=url_errors + list(errors))
    # None: all cores; 0: the pipeline runs in this process (no worker processes); N: N workers,
    # the client writing to the store while they extract.
    n_workers = default_workers() if workers is None or workers < 0 else workers
    # Files are counted up front; records inside dumps are not known until they are read.
    has_dumps = any(f.suffix.lower() in DUMP_SUFFIXES for f in files)
    bar = tqdm(total=None if has_dumps else len(files) + len(urls), unit="article", file=sys.stderr,
               disable=not progress, dynamic_ncols=True, desc="ingest")
    fetcher = None
    units: Iterator[Unit | Skipped | str] = iter_units(files, published, any_date)
    if urls:
        from pipeline.fetch import Fetcher
        from pipeline.web import url_units
        fetcher = Fetcher()
        units = itertools.chain(units, url_units(urls, fetcher, store, published, any_date))
    try:
        ingest_units(store, units, n_workers, scheduler, summary, bar, ship_code)
    except (StoreError, ClusterError) as err:
        bar.close()
        print(f"error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        bar.close()
        print(f"error: cannot reach Dask scheduler {scheduler}: {err}", file=sys.stderr)
        return 1
    finally:
        store.close()
        if fetcher is not None:
            fetcher.close()
    bar.close()
    for line in summary.lines():
        print(line)
    return 1 if summary.failed else 0
