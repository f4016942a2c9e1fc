"""Command-line interface: ``python -m pipeline COMMAND ...``.

Commands: ``timex`` and ``entities`` (JSONL in, JSONL out, the evaluation formats), ``extract``
(article files or URLs to events), ``ingest`` (into the store), ``watch`` (feeds into the store),
``export`` and ``keydates`` (from the store).
Bad input gives one line on stderr naming the file, never a traceback; the exit code is 1 if any
input failed, 2 for a usage error.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from typing import Callable, Iterable, TextIO

EXTRACT_FORMATS = ("csv", "json", "jsonl")
EXPORT_FORMATS = ("csv", "json", "jsonl", "parquet", "timelinejs")
KEYDATES_FORMATS = ("csv", "json")


def _split_multi(values: list[str] | None) -> tuple[str, ...]:
    """Flatten repeatable, comma-separated flag values: --country CAN,CHN --country USA."""
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return tuple(out)


def _date_arg(value: str) -> date:
    from pipeline.article import ArticleError, parse_published
    try:
        return parse_published(value)
    except ArticleError:
        raise argparse.ArgumentTypeError(f"invalid date {value!r}: expected YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every command."""
    p = argparse.ArgumentParser(prog="python -m pipeline", description="Timeline: news articles to dated events.")
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("timex", help="tag time expressions: JSONL {doc_id, dct, text} in, {doc_id, timexes} out")
    t.add_argument("input", help="JSONL file ('-' for stdin)")

    e = sub.add_parser("entities", help="tag countries and actors: JSONL {doc_id, text} in, {doc_id, countries, mentions, actors} out")
    e.add_argument("input", help="JSONL file ('-' for stdin)")

    x = sub.add_parser("extract", help="print the events of article files (.txt, .html) or web pages (URLs)")
    x.add_argument("files", nargs="+", metavar="FILE_OR_URL")
    x.add_argument("--published", type=_date_arg, help="publication date YYYY-MM-DD (overrides the page's)")
    x.add_argument("--any-date", action="store_true",
                   help="accept publication dates before 1800 or more than a year ahead (archives)")
    x.add_argument("--format", choices=EXTRACT_FORMATS, default="csv")

    i = sub.add_parser("ingest", help="add articles (files, folders, globs, .jsonl/.csv dumps, URLs) to the store")
    i.add_argument("paths", nargs="*", metavar="PATH_OR_URL")
    i.add_argument("--urls", action="append", metavar="FILE", help="a text file of URLs to fetch, one per line")
    i.add_argument("--db", help="SQLAlchemy URL (default: $TIMELINE_DB or sqlite:///data/timeline.db)")
    i.add_argument("--published", type=_date_arg, help="publication date YYYY-MM-DD for every input")
    i.add_argument("--any-date", action="store_true",
                   help="accept publication dates before 1800 or more than a year ahead (archives)")
    i.add_argument("--workers", type=int,
                   help="parallel worker processes (default: all cores; 0 runs in this process)")
    i.add_argument("--scheduler", help="address of a Dask distributed scheduler, e.g. tcp://HOST:8786")
    i.add_argument("--ship-code", action="store_true",
                   help="with --scheduler: upload this pipeline to the scheduler and workers first "
                        "(for clusters where it is not installed; restarts the workers)")
    i.add_argument("--no-progress", action="store_true", help="no progress bar")

    w = sub.add_parser("watch", help="fetch new entries of RSS/Atom feeds into the store, round after round")
    w.add_argument("feeds", metavar="FEEDS.txt", help="a text file of feed URLs, one per line")
    w.add_argument("--every", default="15m", help="time between rounds: 90s, 15m, 2h (default 15m)")
    w.add_argument("--once", action="store_true", help="one round, then exit")
    w.add_argument("--db", help="SQLAlchemy URL (default: $TIMELINE_DB or sqlite:///data/timeline.db)")
    w.add_argument("--workers", type=int,
                   help="parallel worker processes (default: all cores; 0 runs in this process)")
    w.add_argument("--no-progress", action="store_true", help="no progress bar")

    o = sub.add_parser("export", help="write the stored events, filtered, in one format")
    o.add_argument("--db", help="SQLAlchemy URL (default: $TIMELINE_DB or sqlite:///data/timeline.db)")
    o.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    _add_filter_args(o)
    o.add_argument("--out", help="output file (default: stdout)")

    r = sub.add_parser("reconcile", help="rebuild every event from the stored mentions in one canonical order")
    r.add_argument("--db", help="SQLAlchemy URL (default: $TIMELINE_DB or sqlite:///data/timeline.db)")
    r.add_argument("--no-progress", action="store_true", help="no progress bar")

    k = sub.add_parser("keydates", help="the story's most important days, best first (date, score, events, title)")
    k.add_argument("--db", help="SQLAlchemy URL (default: $TIMELINE_DB or sqlite:///data/timeline.db)")
    _add_filter_args(k)
    k.add_argument("--top", required=True, metavar="K", help="how many days to print (a positive whole number)")
    k.add_argument("--format", choices=KEYDATES_FORMATS, default="csv")
    return p


def _add_filter_args(p: argparse.ArgumentParser) -> None:
    """The event filters of ``export`` and ``keydates`` (``pipeline.query.Filters``)."""
    p.add_argument("--country", action="append", help="ISO3 code(s); repeat or comma-separate")
    p.add_argument("--topic", action="append", help="topic id(s)")
    p.add_argument("--actor", action="append", help="actor name(s)")
    p.add_argument("--type", action="append", help="CAMEO code(s) or prefixes")
    p.add_argument("--from", dest="date_from", type=_date_arg, help="events ending on or after YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=_date_arg, help="events starting on or before YYYY-MM-DD")
    p.add_argument("--q", default="", help='whole words and "quoted phrases" in title, sentence or actors')
    p.add_argument("--hide-doubtful", action="store_true", help="leave out flagged (doubtful) events")


def _filters(args: argparse.Namespace):
    """The ``Filters`` of the flags ``_add_filter_args`` added."""
    from pipeline.query import Filters
    return Filters(countries=tuple(c.upper() for c in _split_multi(args.country)),
                   topics=_split_multi(args.topic), actors=_split_multi(args.actor),
                   types=_split_multi(args.type), date_from=args.date_from,
                   date_to=args.date_to, q=args.q or "", hide_doubtful=args.hide_doubtful)


def _positive_int(value: str) -> int | None:
    """``value`` as a positive whole number, None when it is not one."""
    text = value.strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) > 0 else None


def _err(msg: str) -> None:
    print(f"error: {msg}", file=sys.stderr)


def _jsonl_command(path: str, fn: Callable[[dict], dict], required: tuple[str, ...], out: TextIO) -> int:
    """Apply ``fn`` to each JSON line of ``path`` and write one JSON line per document."""
    failed = 0
    try:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8-sig")
    except OSError as exc:
        _err(f"{path}: cannot read: {exc.strerror or exc}")
        return 1
    with stream:
        lineno = 0
        while True:
            try:
                line = stream.readline()
            except UnicodeDecodeError:
                _err(f"{path}: line {lineno + 1}: not UTF-8 text")
                return 1
            if not line:
                break
            lineno += 1
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                missing = [k for k in required if k not in doc]
                if not isinstance(doc, dict) or missing:
                    raise ValueError(f"missing key(s) {', '.join(missing) or 'all'}")
                result = fn(doc)
            except Exception as exc:  # one bad line is reported and skipped, the rest goes on
                _err(f"{path}: line {lineno}: {exc}")
                failed += 1
                continue
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 1 if failed else 0


def run_extract(files: Iterable[str], published: date | None, fmt: str, out=None, any_date: bool = False) -> int:
    """Print the events of article files; bad files are reported and skipped (exit 1)."""
    import pandas as pd

    from pipeline.article import ArticleError, display_name, read_article
    from pipeline.extract import StageError, empty_events, extract_article

    from pipeline.fetch import FetchError, Fetcher
    from pipeline.web import is_url, read_url_article

    out = out or sys.stdout.buffer
    frames, failed = [], 0
    fetcher = None
    for path in files:
        name = display_name(path)   # a newline in a file name must not split the message
        try:
            if is_url(path):
                fetcher = fetcher or Fetcher()
                article = read_url_article(path.strip(), fetcher, published, any_date=any_date)[0]
            else:
                article = read_article(path, published, any_date=any_date)
            if article.published_assumed:
                print(f"warning: {name}: no publication date found; assuming {article.published} "
                      "(use --published YYYY-MM-DD)", file=sys.stderr)
            frames.append(extract_article(article))
        except ArticleError as exc:   # its message starts with the file's name
            _err(str(exc))
            failed += 1
        except FetchError as exc:   # its message starts with the URL
            _err(str(exc))
            failed += 1
        except StageError as exc:
            _err(f"{name}: {exc}")
            failed += 1
        except OSError as exc:
            _err(f"{name}: cannot read: {exc.strerror or exc}")
            failed += 1
    if fetcher is not None:
        fetcher.close()
    events = pd.concat(frames, ignore_index=True) if frames else empty_events()
    from pipeline.export import export_bytes
    out.write(export_bytes(events, fmt))
    out.flush()
    return 1 if failed else 0


def run_reconcile(db: str | None, progress: bool = True) -> int:
    """Rebuild the events of the store at ``db`` in canonical order; print what it holds."""
    from tqdm import tqdm

    from pipeline.store import StoreError, open_store
    try:
        store = open_store(db, create=False)
    except StoreError as exc:
        _err(str(exc))
        return 1
    with store, tqdm(unit="article", file=sys.stderr, disable=not progress, desc="reconcile") as bar:
        def step(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)
        try:
            events, mentions = store.reconcile(step)
        except StoreError as exc:
            _err(str(exc))
            return 1
    print(f"reconcile: {events} events from {mentions} mentions, merged in canonical order")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "timex":
            from pipeline.cli_jsonl import timex_record
            return _jsonl_command(args.input, timex_record, ("doc_id", "dct", "text"), sys.stdout)
        if args.command == "entities":
            from pipeline.cli_jsonl import entities_record
            return _jsonl_command(args.input, entities_record, ("doc_id", "text"), sys.stdout)
        if args.command in ("extract", "ingest") and args.published and not args.any_date:
            # Checked once, before any file is read: the same line from both commands.
            from pipeline.article import published_window
            low, high = published_window()
            if not low <= args.published <= high:
                _err(f"--published {args.published} is outside {low}..{high} (give --any-date to keep it)")
                return 2
        if args.command == "extract":
            return run_extract(args.files, args.published, args.format, any_date=args.any_date)
        if args.command == "ingest":
            from pipeline.ingest import run_ingest
            if args.ship_code and not args.scheduler:
                _err("--ship-code needs --scheduler ADDRESS (local workers run this code already)")
                return 2
            if not args.paths and not args.urls:
                _err("nothing to ingest: give files, folders, URLs or --urls FILE")
                return 2
            return run_ingest(args.paths, args.db, args.published, args.workers, args.scheduler,
                              progress=not args.no_progress, any_date=args.any_date, ship_code=args.ship_code,
                              url_lists=args.urls)
        if args.command == "watch":
            from pipeline.watch import parse_every, run_watch
            every = parse_every(args.every)
            if every is None:
                _err(f"--every must be a duration such as 90s, 15m or 2h (at least 1s), not {args.every!r}")
                return 2
            return run_watch(args.feeds, args.db, every, once=args.once, workers=args.workers,
                             progress=not args.no_progress)
        if args.command in ("export", "keydates") and args.date_from and args.date_to \
                and args.date_from > args.date_to:
            _err(f"--from {args.date_from} is after --to {args.date_to}: no event can match")
            return 2
        if args.command == "export":
            from pipeline.export import run_export
            filters = _filters(args)
            if args.out:
                try:
                    with open(args.out, "wb") as fh:
                        return run_export(args.db, args.format, filters, fh)
                except OSError as exc:
                    _err(f"{args.out}: cannot write: {exc.strerror or exc}")
                    return 1
            return run_export(args.db, args.format, filters, sys.stdout.buffer)
        if args.command == "reconcile":
            return run_reconcile(args.db, progress=not args.no_progress)
        if args.command == "keydates":
            top = _positive_int(args.top)
            if top is None:
                _err(f"--top must be a positive whole number, not {args.top!r}")
                return 2
            from pipeline.keydates import run_keydates
            return run_keydates(args.db, _filters(args), top, args.format, sys.stdout.buffer)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except OSError as exc:   # the output itself failed: a full disk, /dev/full, a closed terminal
        _silence_stdout()
        _err(f"cannot write the output: {exc.strerror or exc}")
        return 1
    return 2


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
