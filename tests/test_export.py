"""Export formats from a real store, filters shared with the dashboard, CSV formula safety."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from helpers import add_events, make_article, make_event
from pipeline.export import (EXPORT_COLUMNS, neutralise_cell, run_export, to_csv_bytes, to_json_bytes,
                             to_jsonl_bytes, to_parquet_bytes, to_timelinejs_bytes)
from pipeline.query import Filters
from pipeline.records import EVENT_COLUMNS
from pipeline.store import open_store

REPO = Path(__file__).resolve().parent.parent


def _frame(*rows):
    return pd.DataFrame(list(rows), columns=list(EVENT_COLUMNS))


@pytest.fixture
def filled_db(tmp_path):
    """A store with three canonical events, one of them reported twice."""
    url = f"sqlite:///{tmp_path / 'x.db'}"
    with open_store(url) as s:
        meet = make_event("meet", "2025-10-31", None, "day", "Carney met Xi in Gyeongju", ["CAN", "CHN"],
                          ["Mark Carney", "Xi Jinping"], "040", 1, goldstein=1.0, topics=("diplomacy",))
        add_events(s, make_article("a1", "2025-11-01", "Carney and Xi"), _frame(meet))
        add_events(s, make_article("a2", "2025-11-03", "Xi and Carney"),
                      _frame({**meet, "event_id": "meet2", "title": "Xi Jinping met Mark Carney in Gyeongju"}))
        add_events(s, make_article("a3", "2019-03-28", "=HYPERLINK(\"http://x\")"), _frame(
            make_event("canola", "2019-03-01", "2019-03-31", "month", "-China restricted canola imports",
                       ["CHN", "CAN"], ["@Ministry"], "163", 4, goldstein=-4.0),
            make_event("hogue", "2025-01-01", "2025-12-31", "year", "+Hogue report published", ["CAN"],
                       ["Marie-Josée Hogue"], "", None)))
    return url


def _export(db, fmt, filters=Filters()):
    out = io.BytesIO()
    assert run_export(db, fmt, filters, out) == 0
    return out.getvalue()


@pytest.mark.parametrize("text,expected", [
    ("=1+2", "'=1+2"), ("+33 1 23", "'+33 1 23"), ("-cmd", "'-cmd"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Carney = Xi", "Carney = Xi"), ("", ""), ("ordinary", "ordinary"),
])
def test_export_neutralise_cell(text, expected):
    assert neutralise_cell(text) == expected


def test_export_csv_is_utf8_joined_and_injection_safe(filled_db):
    data = _export(filled_db, "csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert tuple(rows[0].keys()) == EXPORT_COLUMNS
    by_id = {r["event_id"]: r for r in rows}
    assert set(by_id) == {"meet", "canola", "hogue"}
    meet = by_id["meet"]
    assert (meet["mentions"], meet["first_reported"], meet["last_reported"]) == ("2", "2025-11-01", "2025-11-03")
    assert meet["countries"] == "CAN;CHN" and meet["actors"] == "Mark Carney;Xi Jinping"
    assert meet["article_ids"] == "a1;a2" and meet["date_start"] == "2025-10-31"
    canola = by_id["canola"]
    assert canola["title"] == "'-China restricted canola imports"
    assert canola["actors"] == "'@Ministry"
    assert canola["article_title"] == "'=HYPERLINK(\"http://x\")"
    assert canola["goldstein"] == "-4.0"  # a number, not a formula: left numeric
    assert by_id["hogue"]["title"] == "'+Hogue report published"
    assert by_id["hogue"]["actors"] == "Marie-Josée Hogue"
    for row in rows:
        for col, cell in row.items():
            if col not in ("goldstein", "date_char_start", "date_char_end"):  # numbers stay numbers
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (col, cell)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "parquet"])
def test_export_structured_formats_round_trip(filled_db, fmt):
    data = _export(filled_db, fmt)
    if fmt == "json":
        records = json.loads(data)
    elif fmt == "jsonl":
        records = [json.loads(line) for line in data.decode().splitlines()]
    else:
        records = pq.read_table(io.BytesIO(data)).to_pylist()
    assert [list(r.keys()) for r in records] == [list(EXPORT_COLUMNS)] * 3
    by_id = {r["event_id"]: r for r in records}
    assert list(by_id["meet"]["countries"]) == ["CAN", "CHN"]
    assert by_id["meet"]["mentions"] == 2 and by_id["meet"]["last_reported"] == "2025-11-03"
    assert by_id["hogue"]["goldstein"] is None and by_id["hogue"]["quad_class"] is None
    assert by_id["canola"]["title"] == "-China restricted canola imports"  # only CSV is neutralised


@pytest.mark.parametrize("event_id,start,end", [
    ("meet", {"year": "2025", "month": "10", "day": "31"}, None),
    ("canola", {"year": "2019", "month": "3"}, None),
    ("hogue", {"year": "2025"}, None),
])
def test_export_timelinejs_dates_follow_precision(filled_db, event_id, start, end):
    doc = json.loads(_export(filled_db, "timelinejs"))
    slides = {e["unique_id"]: e for e in doc["events"]}
    assert len(slides) == 3 == len(doc["events"])
    slide = slides[f"event-{event_id}"]
    assert slide["start_date"] == start
    assert slide.get("end_date") == end
    assert slide["text"]["headline"] and "group" in slide


def test_export_timelinejs_week_span_and_escaping():
    frame = _frame(make_event("w1", "2025-03-03", "2025-03-09", "week", "<b>Talks</b> & more", ["CAN"],
                              topics=("trade",)))
    frame["sources"] = [("Paper <one>",)]
    slide = json.loads(to_timelinejs_bytes(frame))["events"][0]
    assert slide["start_date"] == {"year": "2025", "month": "3", "day": "3"}
    assert slide["end_date"] == {"year": "2025", "month": "3", "day": "9"}
    assert slide["text"]["headline"] == "&lt;b&gt;Talks&lt;/b&gt; &amp; more"
    assert "Paper &lt;one&gt;" in slide["text"]["text"]
    assert slide["group"] == "trade"


@pytest.mark.parametrize("filters,expected", [
    (Filters(), {"meet", "canola", "hogue"}),
    (Filters(countries=("CHN",)), {"meet", "canola"}),
    (Filters(actors=("Marie-Josée Hogue",)), {"hogue"}),
    (Filters(date_from=date(2025, 1, 1)), {"meet", "hogue"}),
    (Filters(date_to=date(2020, 1, 1)), {"canola"}),
    (Filters(q="gyeongju"), {"meet"}),
    (Filters(topics=("diplomacy",)), {"meet"}),
    (Filters(countries=("JPN",)), set()),
])
def test_export_filters_are_the_dashboards(filled_db, filters, expected):
    records = [json.loads(x) for x in _export(filled_db, "jsonl", filters).decode().splitlines()]
    assert {r["event_id"] for r in records} == expected


@pytest.mark.parametrize("fn", [to_csv_bytes, to_json_bytes, to_jsonl_bytes, to_parquet_bytes, to_timelinejs_bytes])
def test_export_empty_frames_give_valid_output(fn):
    data = fn(_frame())
    assert isinstance(data, bytes)
    assert data or fn is to_jsonl_bytes  # JSONL of nothing is zero lines


def test_export_bad_store_and_format_are_errors(tmp_path, capsys):
    bad = tmp_path / "bad.db"
    bad.write_text("not a database at all, just text " * 10)
    assert run_export(f"sqlite:///{bad}", "csv", Filters(), io.BytesIO()) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "not a SQLite database" in err and "\n" not in err
    assert run_export(f"sqlite:///{tmp_path / 'ok.db'}", "xlsx", Filters(), io.BytesIO()) == 2


def test_export_cli_end_to_end(filled_db, tmp_path):
    out = tmp_path / "out.csv"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "export", "--db", filled_db, "--format", "csv",
                           "--country", "CHN", "--from", "2025-01-01", "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["event_id"] for r in rows] == ["meet"]
