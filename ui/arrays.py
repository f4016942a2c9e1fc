"""Array helpers shared by the dashboard's data layer and its figures (pure, numpy).

A list column (countries, topics, actors) becomes (row position, value) pairs once, so that
filtering, counting and drawing a million events work on integer arrays, not Python tuples.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from pipeline.records import list_cell
from ui.labels import country_name, type_label, type_root

NONE_LANE = "(none)"
_LANE_COLUMNS = {"country": "countries", "topic": "topics", "actor": "actors"}


def explode_column(df: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(row positions, values) of a list column, one pair per value; rows with none are left out."""
    n = len(df)
    if n == 0 or column not in df:
        return np.zeros(0, dtype=np.int64), np.array([], dtype=object)
    cells = df[column].map(list_cell).tolist()
    lengths = np.fromiter((len(c) for c in cells), dtype=np.int64, count=n)
    rows = np.repeat(np.arange(n), lengths)
    values = np.array(list(itertools.chain.from_iterable(cells)), dtype=object)
    return rows, values


def lane_pairs(df: pd.DataFrame, lane: str) -> tuple[np.ndarray, np.ndarray]:
    """(row positions, lane labels): one pair per lane an event belongs to (events with none get "(none)")."""
    n = len(df)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.array([], dtype=object)
    if lane == "type":
        roots = df["event_code"].map(type_root) if "event_code" in df else pd.Series([""] * n)
        return np.arange(n), roots.map(type_label).to_numpy(dtype=object)
    rows, values = explode_column(df, _LANE_COLUMNS.get(lane, "countries"))
    if lane == "country":
        names = {code: country_name(code) for code in set(values)}
        values = np.array([names[c] for c in values], dtype=object)
    # Events without any value still get a lane, so nothing silently disappears from the chart.
    bare = np.setdiff1d(np.arange(n), rows, assume_unique=False)
    if len(bare):
        rows = np.concatenate([rows, bare])
        values = np.concatenate([values, np.full(len(bare), NONE_LANE, dtype=object)])
        order = np.argsort(rows, kind="stable")
        rows, values = rows[order], values[order]
    return rows, values


def subset_pairs(pairs: tuple[np.ndarray, np.ndarray], positions: np.ndarray,
                 n_full: int) -> tuple[np.ndarray, np.ndarray]:
    """Restrict pairs computed on a full frame to the rows at ``positions`` (renumbered 0..k-1)."""
    rows, labels = pairs
    where = np.full(n_full, -1, dtype=np.int64)
    where[positions] = np.arange(len(positions))
    mapped = where[rows] if len(rows) else rows
    keep = mapped >= 0
    return mapped[keep], labels[keep]


def day_arrays(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of every event as numpy days."""
    if len(df) == 0:
        empty = np.zeros(0, dtype="datetime64[D]")
        return empty, empty
    return iso_days(df["date_start"]), iso_days(df["date_end"])


def iso_days(values: pd.Series) -> np.ndarray:
    """ISO date strings to numpy days (any year 1..9999; bad values become NaT)."""
    text = values.astype(str).str.slice(0, 10)
    try:
        return text.to_numpy(dtype="datetime64[D]")
    except ValueError:
        out = np.empty(len(text), dtype="datetime64[D]")
        for i, t in enumerate(text):
            try:
                out[i] = np.datetime64(t, "D")
            except ValueError:
                out[i] = np.datetime64("NaT")
        return out
