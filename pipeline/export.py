"""Export the store's canonical events as CSV, JSON, JSONL, Parquet or TimelineJS JSON, and read
a Parquet export back as a read-only snapshot.

Every format takes the same filtered frame (``pipeline.query.filter_events``, the dashboard's
filters) and carries ``mentions``, ``first_reported`` and ``last_reported``. Cells are typed by
their kind in ``records.COLUMN_KINDS``.
"""
from __future__ import annotations

import csv
import html
import io
import json
import math
import sys
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from pipeline.query import Filters, filter_events
from pipeline.records import ALL_LIST_COLUMNS, EVENT_COLUMNS, FLOAT_COLUMNS, INT_COLUMNS, STORE_COLUMNS, list_cell

# The reporting articles' links (a page from the web: its final URL), in the order of article_ids,
# articles without an http(s) link left out. Exports only (``with_links``): the dashboard's frame
# does not carry it.
LINK_COLUMN = "article_urls"
EXPORT_COLUMNS: tuple[str, ...] = EVENT_COLUMNS + ("mentions", "first_reported", "last_reported", "article_ids",
                                                   LINK_COLUMN)
EXPORT_ONLY_KINDS: dict[str, str] = {LINK_COLUMN: "list"}   # export columns beyond records.COLUMN_KINDS
EXPORT_LIST_COLUMNS: frozenset[str] = ALL_LIST_COLUMNS | {c for c, k in EXPORT_ONLY_KINDS.items() if k == "list"}
FORMATS: tuple[str, ...] = ("csv", "json", "jsonl", "parquet", "timelinejs")
# Columns a Parquet snapshot must have for the dashboard to place its events (the rest default).
SNAPSHOT_REQUIRED: tuple[str, ...] = ("event_id", "date_start", "date_end", "title")
# A spreadsheet treats a text cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return value is pd.NA or value is pd.NaT
    except TypeError:
        return False


def _prepare(events: pd.DataFrame) -> pd.DataFrame:
    """The export columns in contract order (missing ones empty), whatever frame comes in."""
    frame = events.copy()
    for col in EXPORT_COLUMNS:
        if col not in frame.columns:
            frame[col] = [() for _ in range(len(frame))] if col in EXPORT_LIST_COLUMNS else None
    return frame[list(EXPORT_COLUMNS)].reset_index(drop=True)


def _plain(value: Any, col: str) -> Any:
    """A JSON-ready cell: lists as lists, missing as None, numbers as numbers, dates as ISO."""
    if col in EXPORT_LIST_COLUMNS:
        return list(list_cell(value))
    if _missing(value):
        return None
    if col in INT_COLUMNS:
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    if col in FLOAT_COLUMNS:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return None if math.isnan(number) or math.isinf(number) else number
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _records(events: pd.DataFrame) -> list[dict[str, Any]]:
    frame = _prepare(events)
    cols = list(frame.columns)
    return [{c: _plain(v, c) for c, v in zip(cols, row)} for row in frame.itertuples(index=False, name=None)]


def with_links(events: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """``events`` with ``article_urls``: the http(s) links of each event's reporting articles
    (``article_ids``), from ``articles`` (``article_id``, ``url``)."""
    links = {}
    if len(articles) and "url" in articles.columns:
        links = {a: u for a, u in zip(articles["article_id"], articles["url"])
                 if isinstance(u, str) and u.startswith(("http://", "https://"))}
    ids = events["article_ids"] if "article_ids" in events.columns else [()] * len(events)
    return events.assign(**{LINK_COLUMN: [tuple(links[a] for a in list_cell(i) if a in links) for i in ids]})


def neutralise_cell(text: str) -> str:
    """Prefix a text cell a spreadsheet would run as a formula with a quote, so it stays text."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_csv_bytes(events: pd.DataFrame) -> bytes:
    """CSV (UTF-8, ISO dates, list cells joined by ';', formula-injection safe)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for rec in _records(events):
        cells = []
        for col in EXPORT_COLUMNS:
            value = rec[col]
            if isinstance(value, list):
                cells.append(neutralise_cell(";".join(value)))
            elif value is None:
                cells.append("")
            elif isinstance(value, (int, float)):
                # Numbers we format ourselves ("-5.0") are data, not formulas: leave them numeric.
                cells.append(repr(value) if isinstance(value, float) else str(value))
            else:
                cells.append(neutralise_cell(value))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def to_json_bytes(events: pd.DataFrame) -> bytes:
    """A JSON array of event objects (lists as arrays, missing as null)."""
    return json.dumps(_records(events), ensure_ascii=False, indent=1).encode("utf-8")


def to_jsonl_bytes(events: pd.DataFrame) -> bytes:
    """One JSON event object per line."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records(events)).encode("utf-8")


def to_parquet_bytes(events: pd.DataFrame) -> bytes:
    """Parquet with typed columns (list columns as list<string>)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = _records(events)
    types = {c: pa.list_(pa.string()) for c in EXPORT_LIST_COLUMNS}
    types.update({c: pa.int64() for c in INT_COLUMNS})
    types.update({c: pa.float64() for c in FLOAT_COLUMNS})
    schema = pa.schema([(c, types.get(c, pa.string())) for c in EXPORT_COLUMNS])
    table = pa.Table.from_pylist(records, schema=schema)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def read_parquet_snapshot(path: Path | str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events and the articles they name from a Parquet export (``to_parquet_bytes``), shaped like
    ``Store.events_frame()`` and ``Store.articles_frame()``: the dashboard explores it read-only.

    A file that is not such an export raises ValueError naming the missing or bad column."""
    try:
        events = pd.read_parquet(path)
    except (OSError, ValueError) as err:   # pyarrow's errors derive from these
        raise ValueError(f"{path}: not a readable Parquet file ({str(err).splitlines()[0][:200]})") from None
    missing = [c for c in SNAPSHOT_REQUIRED if c not in events.columns]
    if missing:
        raise ValueError(f"{path}: not a Timeline export: no column {', '.join(missing)}")
    for col in ("date_start", "date_end"):
        bad = ~events[col].astype("string").str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise ValueError(f"{path}: column {col} holds {str(events[col].iloc[row])[:40]!r} in row {row + 1}, "
                             "not a date YYYY-MM-DD")
    for col in EVENT_COLUMNS + STORE_COLUMNS:
        if col not in events:
            events[col] = None
    for col in ALL_LIST_COLUMNS:
        events[col] = [list_cell(v) for v in events[col]]
    # A snapshot may lack the store's provenance columns: one reporting article per event.
    missing = events["article_ids"].map(len) == 0
    if missing.any():
        events.loc[missing, "article_ids"] = pd.Series([(a,) for a in events.loc[missing, "article_id"]],
                                                       index=events.index[missing], dtype=object)
        events.loc[missing, "sources"] = pd.Series([(t,) for t in events.loc[missing, "article_title"]],
                                                   index=events.index[missing], dtype=object)
    arts = events.drop_duplicates("article_id")
    articles = pd.DataFrame({"article_id": arts["article_id"].to_numpy(),
                             "title": arts["article_title"].to_numpy(), "url": "", "source": "",
                             "published": arts["published"].to_numpy(), "published_assumed": False,
                             "ingested_at": "", "n_events": 0})
    return events[list(EVENT_COLUMNS) + list(STORE_COLUMNS)], articles


def _tl_date(iso: Any, precision: str) -> dict[str, str] | None:
    """A TimelineJS date object carrying only the parts the precision knows."""
    try:
        d = date.fromisoformat(str(iso)[:10])
    except ValueError:
        return None
    if precision in ("day", "week"):
        return {"year": str(d.year), "month": str(d.month), "day": str(d.day)}
    if precision in ("month", "quarter", "season"):
        return {"year": str(d.year), "month": str(d.month)}
    return {"year": str(d.year)}


def _tl_event(rec: dict[str, Any]) -> dict[str, Any] | None:
    precision = rec.get("precision") or "day"
    start = _tl_date(rec.get("date_start"), precision)
    if start is None:
        return None
    end = _tl_date(rec.get("date_end") or rec.get("date_start"), precision)
    sources = rec.get("sources") or []
    body = html.escape(rec.get("sentence") or "")
    if rec.get("date_text"):
        body += f"<br><small>Date: {html.escape(rec['date_text'])} ({html.escape(precision)})</small>"
    if sources:
        body += "<br><small>Reported by: " + "; ".join(html.escape(s) for s in sources) + "</small>"
    group = (rec.get("topics") or rec.get("countries") or [""])[0]
    event: dict[str, Any] = {
        "start_date": start,
        "text": {"headline": html.escape(rec.get("title") or "(untitled event)"), "text": body},
        "group": group,
        "unique_id": f"event-{rec.get('event_id') or ''}",
    }
    if end is not None and end != start:
        event["end_date"] = end
    return event


def to_timelinejs_bytes(events: pd.DataFrame, title: str = "Timeline") -> bytes:
    """Knight Lab TimelineJS JSON: one slide per event, dates at the event's precision."""
    frame = events.copy()
    if "sources" not in frame.columns:
        frame["sources"] = [() for _ in range(len(frame))]
    records = _records(frame)
    for rec, sources in zip(records, frame["sources"].tolist()):
        rec["sources"] = list(list_cell(sources))
    slides = [e for e in (_tl_event(r) for r in records) if e is not None]
    doc = {"title": {"text": {"headline": html.escape(title),
                              "text": f"{len(slides)} events"}},
           "events": slides}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


WRITERS = {"csv": to_csv_bytes, "json": to_json_bytes, "jsonl": to_jsonl_bytes,
           "parquet": to_parquet_bytes, "timelinejs": to_timelinejs_bytes}


def export_bytes(events: pd.DataFrame, fmt: str) -> bytes:
    """Serialise ``events`` in format ``fmt`` (one of FORMATS)."""
    try:
        writer = WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}") from None
    return writer(events)


def run_export(db: str | None, fmt: str, filters: Filters, out: BinaryIO) -> int:
    """Write the store's events passing ``filters`` to ``out`` in ``fmt``; return the exit code."""
    from pipeline.store import StoreError, open_store

    if fmt not in WRITERS:
        print(f"error: unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}", file=sys.stderr)
        return 2
    try:
        store = open_store(db, create=False)
    except StoreError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    try:
        events = with_links(filter_events(store.events_frame(), filters), store.articles_frame())
    finally:
        store.close()
    out.write(export_bytes(events, fmt))
    out.flush()
    print(f"export: {len(events)} events as {fmt}", file=sys.stderr)
    return 0
