"""Command-line interface: ``python -m pipeline COMMAND ...``.

Commands: ``timex`` and ``entities`` (JSONL in, JSONL out, the evaluation formats), ``extract``
(article files to events), ``ingest`` (into the store) and ``export`` (from the store).
Bad input gives one line on stderr naming the file, never a traceback; the exit code is 1 if any
input failed, 2 for a usage error.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Callable, Iterable, TextIO

EXTRACT_FORMATS = ("csv", "json", "jsonl")
EXPORT_FORMATS = ("csv", "json", "jsonl", "parquet", "timelinejs")


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

    x = sub.add_parser("extract", help="print the events of article files (.txt, .html)")
    x.add_argument("files", nargs="+", metavar="FILE")
    x.add_argument("--published", type=_date_arg, help="publication date YYYY-MM-DD (overrides the page's)")
    x.add_argument("--format", choices=EXTRACT_FORMATS, default="csv")

    i = sub.add_parser("ingest", help="add articles (files, folders, globs, .jsonl/.csv dumps) to the store")
    i.add_argument("paths", nargs="+", metavar="PATH")
    i.add_argument("--db", help="SQLAlchemy URL (default: $TIMELINE_DB or sqlite:///data/timeline.db)")
    i.add_argument("--published", type=_date_arg, help="publication date YYYY-MM-DD for every input")
    i.add_argument("--workers", type=int,
                   help="parallel worker processes (default: all cores; 0 runs in this process)")
    i.add_argument("--scheduler", help="address of a Dask distributed scheduler, e.g. tcp://HOST:8786")
    i.add_argument("--no-progress", action="store_true", help="no progress bar")

    o = sub.add_parser("export", help="write the stored events, filtered, in one format")
    o.add_argument("--db", help="SQLAlchemy URL (default: $TIMELINE_DB or sqlite:///data/timeline.db)")
    o.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    o.add_argument("--country", action="append", help="ISO3 code(s); repeat or comma-separate")
    o.add_argument("--topic", action="append", help="topic id(s)")
    o.add_argument("--actor", action="append", help="actor name(s)")
    o.add_argument("--type", action="append", help="CAMEO code(s) or prefixes")
    o.add_argument("--from", dest="date_from", type=_date_arg, help="events ending on or after YYYY-MM-DD")
    o.add_argument("--to", dest="date_to", type=_date_arg, help="events starting on or before YYYY-MM-DD")
    o.add_argument("--q", default="", help='whole words and "quoted phrases" in title, sentence or actors')
    o.add_argument("--hide-doubtful", action="store_true", help="leave out flagged (doubtful) events")
    o.add_argument("--out", help="output file (default: stdout)")
    return p


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


def run_extract(files: Iterable[str], published: date | None, fmt: str, out=None) -> int:
    """Print the events of article files; bad files are reported and skipped (exit 1)."""
    import pandas as pd

    from pipeline.article import ArticleError, read_article
    from pipeline.extract import StageError, empty_events, extract_article

    out = out or sys.stdout.buffer
    frames, failed = [], 0
    for path in files:
        try:
            article = read_article(path, published)
            if article.published_assumed:
                print(f"warning: {path}: no publication date found; assuming {article.published} "
                      "(use --published YYYY-MM-DD)", file=sys.stderr)
            frames.append(extract_article(article))
        except (ArticleError, StageError) as exc:
            _err(f"{path}: {exc}" if path not in str(exc) else str(exc))
            failed += 1
        except OSError as exc:
            _err(f"{path}: cannot read: {exc.strerror or exc}")
            failed += 1
    events = pd.concat(frames, ignore_index=True) if frames else empty_events()
    from pipeline.export import export_bytes
    out.write(export_bytes(events, fmt))
    out.flush()
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "timex":
            from pipeline.timex import timex_record
            return _jsonl_command(args.input, timex_record, ("doc_id", "dct", "text"), sys.stdout)
        if args.command == "entities":
            from pipeline.entities import entities_record
            return _jsonl_command(args.input, entities_record, ("doc_id", "text"), sys.stdout)
        if args.command == "extract":
            return run_extract(args.files, args.published, args.format)
        if args.command == "ingest":
            from pipeline.ingest import run_ingest
            return run_ingest(args.paths, args.db, args.published, args.workers, args.scheduler,
                              progress=not args.no_progress)
        if args.command == "export":
            from pipeline.export import run_export
            from pipeline.query import Filters
            filters = Filters(countries=tuple(c.upper() for c in _split_multi(args.country)),
                              topics=_split_multi(args.topic), actors=_split_multi(args.actor),
                              types=_split_multi(args.type), date_from=args.date_from,
                              date_to=args.date_to, q=args.q or "", hide_doubtful=args.hide_doubtful)
            if args.out:
                try:
                    with open(args.out, "wb") as fh:
                        return run_export(args.db, args.format, filters, fh)
                except OSError as exc:
                    _err(f"{args.out}: cannot write: {exc.strerror or exc}")
                    return 1
            return run_export(args.db, args.format, filters, sys.stdout.buffer)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    return 2
