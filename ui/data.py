"""Loading the store for the dashboard, cached per store version, plus per-facet option counts."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy.engine import make_url

from pipeline.query import Filters, filter_events
from pipeline.records import EVENT_COLUMNS
from pipeline.store import default_db_url, open_store
from ui.figures import explode_column, lane_pairs, subset_pairs
from ui.labels import type_label, type_root

EXTRA = ("mentions", "first_reported", "last_reported", "article_ids", "sources")


def db_url(explicit: str | None = None) -> str:
    """The store URL the dashboard reads: explicit, else $TIMELINE_DB, else the default file."""
    return explicit or os.environ.get("TIMELINE_DB") or default_db_url()


def store_version(url: str) -> str:
    """A cheap token that changes whenever the store's contents change (file times, else counts)."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            path = Path(parsed.database)
            stamps = []
            for p in (path, Path(f"{path}-wal")):
                if p.exists():
                    st_ = p.stat()
                    stamps.append(f"{st_.st_mtime_ns}:{st_.st_size}")
            return "|".join(stamps) or "missing"
    except Exception:  # an odd URL is reported by open_store, not here
        return "unknown"
    with open_store(url) as store:
        return ",".join(f"{k}={v}" for k, v in sorted(store.counts().items()))


@dataclass
class Loaded:
    """The store's events and articles, with lazily computed per-column explosions (shared, read-only)."""

    events: pd.DataFrame
    articles: pd.DataFrame
    version: str
    _cache: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _memo(self, key, make):
        with self._lock:
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    def exploded(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(row, value) pairs of a list column over all events."""
        return self._memo(("col", column), lambda: explode_column(self.events, column))

    def lanes(self, lane: str) -> tuple[np.ndarray, np.ndarray]:
        """(row, lane label) pairs over all events."""
        return self._memo(("lane", lane), lambda: lane_pairs(self.events, lane))

    def type_roots(self) -> np.ndarray:
        """The CAMEO root of every event."""
        return self._memo("roots", lambda: self.events["event_code"].map(type_root).to_numpy(dtype=object))

    def date_bounds(self) -> tuple[str, str]:
        """Earliest start and latest end over all events (ISO), ("", "") when empty."""
        def make():
            if self.events.empty:
                return "", ""
            return str(self.events["date_start"].min())[:10], str(self.events["date_end"].max())[:10]
        return self._memo("bounds", make)

    def lane_pairs_for(self, view: pd.DataFrame, lane: str) -> tuple[np.ndarray, np.ndarray]:
        """Lane pairs of a filtered view of ``events`` (rows renumbered to the view's positions)."""
        return subset_pairs(self.lanes(lane), view.index.to_numpy(), len(self.events))


def empty_events() -> pd.DataFrame:
    """An events frame with every column and no rows."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in list(EVENT_COLUMNS) + list(EXTRA)})


def load(url: str) -> Loaded:
    """Read events and articles from the store at ``url`` (uncached; raises StoreError)."""
    with open_store(url) as store:
        events = store.events_frame()
        articles = store.articles_frame()
    version = store_version(url)
    # Positional index: filtered views map back to the cached per-row arrays through it.
    return Loaded(events.reset_index(drop=True), articles, version)


@st.cache_resource(max_entries=2, show_spinner=False)
def load_cached(url: str, version: str) -> Loaded:
    """``load`` memoised per store URL and version (shared by every session, never mutated)."""
    return load(url)


def facet_counts(loaded: Loaded, filters: Filters, facet: str) -> dict[str, int]:
    """Events per option of one facet under every OTHER filter: what choosing each option leaves."""
    column = {"countries": "countries", "topics": "topics", "actors": "actors", "types": None,
              "articles": "article_ids"}[facet]
    others = replace(filters, **{facet: ()})
    view = filter_events(loaded.events, others)
    if column is None:
        roots = pd.Series(loaded.type_roots()[view.index.to_numpy()])
        return {k: int(v) for k, v in roots[roots != ""].value_counts().items()}
    if column not in loaded.events:
        return {}
    rows, values = loaded.exploded(column)
    if len(view) != len(loaded.events):
        inside = np.zeros(len(loaded.events), dtype=bool)
        inside[view.index.to_numpy()] = True
        values = values[inside[rows]] if len(rows) else values
    counts = pd.Series(values, dtype=object).value_counts()
    return {str(k): int(v) for k, v in counts.items()}


def option_label(label: str, count: int | None) -> str:
    """An option with its count, e.g. "Canada (CAN) · 12"."""
    return label if count is None else f"{label} · {count:,}"


def type_option(root: str) -> str:
    """How a CAMEO root appears in the type filter."""
    return type_label(root)
