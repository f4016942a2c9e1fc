"""The event-table contract (pipeline/records.py): columns, their kinds, and the list-cell forms."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from helpers import add_events, make_article, make_event
from pipeline.records import (ALL_LIST_COLUMNS, COLUMN_KINDS, EVENT_COLUMNS, FLOAT_COLUMNS, INT_COLUMNS, KINDS,
                              LIST_COLUMNS, STORE_COLUMNS, json_list, list_cell)


def test_records_every_column_has_exactly_one_kind():
    columns = EVENT_COLUMNS + STORE_COLUMNS
    assert len(set(columns)) == len(columns), "a column is declared twice"
    assert set(COLUMN_KINDS) == set(columns), "every column, and only those, has a kind"
    assert set(COLUMN_KINDS.values()) <= set(KINDS)
    groups = [INT_COLUMNS, FLOAT_COLUMNS, ALL_LIST_COLUMNS,
              {c for c, k in COLUMN_KINDS.items() if k == "text"}]
    assert sum(len(g) for g in groups) == len(columns) and set().union(*groups) == set(columns)
    assert LIST_COLUMNS == ALL_LIST_COLUMNS & set(EVENT_COLUMNS)


def test_records_store_schema_types_follow_the_kinds():
    import sqlalchemy as sa

    from pipeline.schema import events_table

    expected = {"int": sa.Integer, "float": sa.Float, "text": sa.Text, "list": sa.Text}
    for name in EVENT_COLUMNS[1:] + ("mentions",):
        assert isinstance(events_table.c[name].type, expected[COLUMN_KINDS[name]]), name


def test_records_exports_and_frames_follow_the_kinds(tmp_path):
    import pyarrow.parquet as pq

    from pipeline.export import EXPORT_ONLY_KINDS, to_parquet_bytes
    from pipeline.extract import empty_events
    from pipeline.store import open_store

    with open_store(f"sqlite:///{tmp_path / 'kinds.db'}") as store:
        add_events(store, make_article("a1"), [make_event("e1", "2025-10-31", countries=["CAN"], event_code="042",
                                                          quad_class=1, goldstein=1.9)])
        frame = store.events_frame()
    schema = pq.read_schema(io.BytesIO(to_parquet_bytes(frame)))
    import pyarrow as pa

    arrow = {"int": pa.int64(), "float": pa.float64(), "text": pa.string(), "list": pa.list_(pa.string())}
    for field in schema:
        kind = COLUMN_KINDS.get(field.name) or EXPORT_ONLY_KINDS[field.name]
        assert field.type.equals(arrow[kind], check_metadata=False), field.name
    stored = {"int": "Int64", "float": "float64"}
    for name in EVENT_COLUMNS:
        kind = COLUMN_KINDS[name]
        if kind in stored:
            assert str(frame[name].dtype) == stored[kind], name
        elif kind == "list":
            assert frame[name].map(type).eq(tuple).all(), name
    empty = empty_events()
    assert {c for c in EVENT_COLUMNS if str(empty[c].dtype) == "float64"} == FLOAT_COLUMNS & set(EVENT_COLUMNS)
    assert {c for c in EVENT_COLUMNS if str(empty[c].dtype) == "int64"} <= INT_COLUMNS


@pytest.mark.parametrize("cell,expected", [
    (("CAN", "CHN"), ("CAN", "CHN")),                     # the DataFrame form, as it is
    (["CAN", "", None, "CHN"], ("CAN", "CHN")),           # a list: empties and None dropped
    (np.array(["CAN", "CHN"], dtype=object), ("CAN", "CHN")),   # Parquet's arrays
    (frozenset({"CAN"}), ("CAN",)),
    ('["CAN", "CHN"]', ("CAN", "CHN")),                   # the store's JSON text
    ('[]', ()),
    ('  ["Meng Wanzhou"] ', ("Meng Wanzhou",)),
    ("CAN;CHN;", ("CAN", "CHN")),                         # CSV's joined text
    ("Canada ; China", ("Canada", "China")),
    ("[not json", ("[not json",)),
    ("", ()),
    (None, ()),
    (float("nan"), ()),
    (pd.NA, ()),
    (pd.NaT, ()),
    (3, ()),
    ([1, 2], ("1", "2")),
])
def test_records_list_cell_reads_every_form(cell, expected):
    assert list_cell(cell) == expected


@pytest.mark.parametrize("cell,expected", [
    (("CHN", "CAN", "CHN"), '["CAN", "CHN"]'),
    ("CHN;CAN", '["CAN", "CHN"]'),
    ('["CHN", "CAN"]', '["CAN", "CHN"]'),
    ((), "[]"),
    (None, "[]"),
    (("Zhōu Ēnlái",), '["Zhōu Ēnlái"]'),
])
def test_records_json_list_is_sorted_distinct_json(cell, expected):
    assert json_list(cell) == expected
    assert list_cell(json_list(cell)) == tuple(sorted(set(list_cell(cell))))
