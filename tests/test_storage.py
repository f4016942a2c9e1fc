"""The storage form of mentions (pipeline/storage.py): pure, and what ingest workers compute."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers import make_article, make_event
from pipeline.records import EVENT_COLUMNS
from pipeline.storage import event_keys, event_record, lookup_keys, storage_rows

REPO = Path(__file__).resolve().parents[1]


def test_storage_ingest_workers_import_no_database_code():
    # A worker imports pipeline.ingest and runs process_unit: SQLAlchemy, the store and the
    # dashboard must stay out of its process.
    code = ("import sys\n"
            "from pipeline.ingest import Unit, process_unit\n"
            "out = process_unit(Unit('seed', 'data/articles/carney-china.txt', date(2026, 1, 13)))\n"
            "assert out.rows.mentions, out.error\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'psycopg', 'streamlit'}))\n")
    out = subprocess.run([sys.executable, "-c", "from datetime import date\n" + code], cwd=REPO,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("cell,column,expected", [
    (("CHN", "CAN", "CAN"), "countries", '["CAN", "CHN"]'),
    (float("nan"), "countries", "[]"),
    (None, "actors", "[]"),
    (date(2018, 12, 1), "date_start", "2018-12-01"),
    (pd.Timestamp("2018-12-01"), "date_start", "2018-12-01"),
    (pd.NaT, "date_end", "2018-12-01"),          # a missing end is the start
    ("2018-11-30", "date_end", "2018-12-01"),     # an end before the start too
    (float("nan"), "goldstein", None),
    ("-5.0", "goldstein", -5.0),
    (float("nan"), "quad_class", None),
    (4.0, "quad_class", 4),
    ("Huawei\x00 executive", "title", "Huawei executive"),   # PostgreSQL refuses NUL in text
    (None, "title", ""),
])
def test_storage_event_record_normalises_each_kind(cell, column, expected):
    row = {**make_event("e1", "2018-12-01"), column: cell}
    rec = event_record(row, make_article("a1", "2018-12-06", "Arrest"))
    assert rec[column] == expected
    assert set(rec) == set(EVENT_COLUMNS)
    assert (rec["article_id"], rec["published"], rec["article_title"]) == ("a1", "2018-12-06", "Arrest")


def test_storage_keys_file_parties_with_the_code_root():
    rec = event_record(make_event("e1", "2018-12-01", countries=["CAN", "CHN"], actors=["Meng Wanzhou"],
                                  event_code="173"), make_article("a1"))
    assert event_keys(rec) == {("c:CAN", "17"), ("c:CHN", "17"), ("a:Meng Wanzhou", "17")}
    assert lookup_keys(rec) == ["a:Meng Wanzhou", "n:CAN", "n:CHN"]
    bare = event_record(make_event("e2", "2018-12-01", countries=["CAN"]), make_article("a1"))
    assert event_keys(bare) == {("c:CAN", ""), ("n:CAN", "")}
    assert lookup_keys(bare) == ["c:CAN"]


def test_storage_rows_skip_repeated_mention_ids_and_coarse_dates():
    article = make_article("a1")
    rows = [make_event("e1", "2018-12-01", countries=["CAN"]), make_event("e1", "2018-12-01", countries=["CHN"]),
            make_event("e2", "2010-01-01", "2019-12-31", "decade", countries=["CAN"])]
    out = storage_rows(article, rows)
    assert [m.mention_id for m in out.mentions] == ["e1", "e2"]
    assert out.mentions[0].lookup == ("c:CAN",) and out.mentions[0].lo == "2017-11-30"
    assert out.mentions[1].lookup == () and out.mentions[1].prepared.rank == -1   # a decade never merges
    copy = json.loads(out.mentions[0].data)
    assert "sentence" not in copy and copy["countries"] == '["CAN"]'
    assert not math.isnan(copy["confidence"])


def test_storage_rows_from_records_equal_those_from_the_frame():
    # The ingest builds storage rows from plain dicts (extract.event_rows), skipping the
    # DataFrame: every sample article must give exactly what the frame gives.
    from pipeline.article import read_article
    from pipeline.extract import event_rows, events_frame, extract_events

    compared = 0
    for path in sorted((REPO / "data" / "articles").glob("*.txt")):
        article = read_article(path, None)
        events = extract_events(article)
        rows = event_rows(events, article)
        assert all(tuple(r) == EVENT_COLUMNS for r in rows)
        from_rows = storage_rows(article, rows)
        from_frame = storage_rows(article, events_frame(events, article))
        assert from_rows == from_frame, path.name
        compared += len(from_rows.mentions)
    assert compared > 50


