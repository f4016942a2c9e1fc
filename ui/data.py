"""Loading the store for the dashboard, cached per store version, plus per-facet option counts."""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy.engine import make_url

from pipeline.export import read_parquet_snapshot
from pipeline.query import Filters, filter_events, is_doubtful, search_mask
from pipeline.records import EVENT_COLUMNS, STORE_COLUMNS
from pipeline.engine import NoStore
from pipeline.schema import ARTICLE_COLUMNS
from pipeline.store import default_db_url, open_store
from ui.arrays import day_arrays, explode_column, lane_pairs, subset_pairs
from ui.labels import type_label, type_root


def db_url(explicit: str | None = None) -> str:
    """The store URL the dashboard reads: explicit, else $TIMELINE_DB, else the default file."""
    return explicit or os.environ.get("TIMELINE_DB") or default_db_url()


def parquet_path(url: str) -> Path | None:
    """The file of a read-only Parquet snapshot URL (``parquet:///abs/path`` or ``*.parquet``), else None."""
    if url.startswith("parquet://"):
        return Path(url[len("parquet://"):])
    if url.endswith(".parquet") and "://" not in url:
        return Path(url)
    return None


def is_read_only(url: str) -> bool:
    """True for sources the dashboard can explore but not add to (Parquet snapshots)."""
    return parquet_path(url) is not None


def store_version(url: str) -> str:
    """A cheap token that changes whenever the store's contents change (file times, else counts)."""
    snapshot = parquet_path(url)
    if snapshot is not None:
        stat = snapshot.stat()
        return f"{stat.st_mtime_ns}:{stat.st_size}"
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
    with open_store(url, create=False) as store:
        return ",".join(f"{k}={v}" for k, v in sorted(store.counts().items()))


SEARCHES_KEPT = 8


@dataclass
class Loaded:
    """The store's events and articles, with lazily computed per-column explosions (shared, read-only)."""

    events: pd.DataFrame
    articles: pd.DataFrame
    version: str
    missing: str = ""   # why there is no store yet ("" when there is one)
    _cache: dict = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def memo(self, key, make):
        """``make()`` computed once per key for this loaded store (for results that never change)."""
        return self._memo(("user",) + tuple(key), make)

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
        def make():
            rows, labels = lane_pairs(self.events, lane)
            # Categorical: filtered views subset integer codes, not a million Python strings.
            return rows, pd.Categorical(labels)
        return self._memo(("lane", lane), make)

    def factorized(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes per exploded pair, unique values) of a list column."""
        def make():
            codes, uniques = pd.factorize(pd.Series(self.exploded(column)[1], dtype=object))
            return codes.astype(np.int64), np.asarray(uniques, dtype=object)
        return self._memo(("fact", column), make)

    def factorized_roots(self) -> tuple[np.ndarray, np.ndarray]:
        """(code per event, unique values) of the CAMEO roots."""
        def make():
            codes, uniques = pd.factorize(pd.Series(self.type_roots(), dtype=object))
            return codes.astype(np.int64), np.asarray(uniques, dtype=object)
        return self._memo("fact_roots", make)

    def any_of(self, column: str, wanted: tuple[str, ...]) -> np.ndarray:
        """Row mask: events whose list ``column`` holds any of ``wanted``."""
        rows, _ = self.exploded(column)
        codes, uniques = self.factorized(column)
        hit_codes = np.flatnonzero(np.isin(uniques, np.asarray(list(wanted), dtype=object)))
        mask = np.zeros(len(self.events), dtype=bool)
        if len(hit_codes):
            mask[rows[np.isin(codes, hit_codes)]] = True
        return mask

    def pair_events(self, a: str, b: str) -> pd.DataFrame:
        """The events naming both countries ``a`` and ``b`` (memoised: the relations view)."""
        return self._memo(("pair", a, b), lambda: self.events[self.any_of("countries", (a,))
                                                              & self.any_of("countries", (b,))])

    def article_titles(self) -> dict[str, str]:
        """article_id -> title of every stored article."""
        return self._memo("titles", lambda: dict(zip(self.articles["article_id"], self.articles["title"])))

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

    def days_for(self, view: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(start, end) numpy days of the events of a filtered view."""
        starts, ends = self._memo("days", lambda: day_arrays(self.events))
        positions = view.index.to_numpy()
        return starts[positions], ends[positions]

    def latest(self, view: pd.DataFrame, n: int) -> pd.DataFrame:
        """The ``n`` latest events of a view (by start, then end, descending) without sorting the view."""
        order = self._memo("latest", lambda: np.lexsort((self.events["date_end"].to_numpy(dtype=str),
                                                          self.events["date_start"].to_numpy(dtype=str)))[::-1])
        if len(view) == len(self.events):
            return self.events.iloc[order[:n]]
        inside = np.zeros(len(self.events), dtype=bool)
        inside[view.index.to_numpy()] = True
        return self.events.iloc[order[inside[order]][:n]]

    def _position(self, event_id: str) -> int:
        index = self._memo("id_index", lambda: pd.Index(self.events["event_id"].astype(str)))
        found = index.get_indexer([event_id])[0] if len(index) else -1
        return int(found)

    def has_event(self, event_id: str) -> bool:
        """True when ``event_id`` is a stored event."""
        return bool(event_id) and self._position(event_id) >= 0

    def event_row(self, event_id: str) -> dict | None:
        """One event as a dict (None when unknown)."""
        pos = self._position(event_id) if event_id else -1
        return None if pos < 0 else self.events.iloc[pos].to_dict()

    def article_count(self, view: pd.DataFrame) -> int:
        """How many distinct articles report the events of a filtered view."""
        if "article_ids" not in self.events:
            return int(view["article_id"].nunique()) if "article_id" in view else 0
        rows, _ = self.exploded("article_ids")
        codes, _ = self.factorized("article_ids")
        if len(view) == len(self.events):
            return int(len(np.unique(codes)))
        inside = np.zeros(len(self.events), dtype=bool)
        inside[view.index.to_numpy()] = True
        return int(len(np.unique(codes[inside[rows]])))

    def search(self, q: str) -> np.ndarray:
        """Row mask of a search (``pipeline.query.search_mask``), the last SEARCHES_KEPT kept."""
        with self._lock:
            kept = self._cache.setdefault("searches", OrderedDict())
            if q in kept:
                kept.move_to_end(q)
                return kept[q]
        mask = search_mask(self.events, q)
        with self._lock:
            kept[q] = mask
            while len(kept) > SEARCHES_KEPT:
                kept.popitem(last=False)
        return mask

    def doubtful(self) -> np.ndarray:
        """Row mask over all events: those carrying a flag (reasons to doubt them)."""
        def make():
            if "flags" not in self.events:
                return np.zeros(len(self.events), dtype=bool)
            return is_doubtful(self.events["flags"])
        return self._memo("doubtful", make)

    def lane_pairs_for(self, view: pd.DataFrame, lane: str) -> tuple[np.ndarray, np.ndarray]:
        """Lane pairs of a filtered view of ``events`` (rows renumbered to the view's positions)."""
        return subset_pairs(self.lanes(lane), view.index.to_numpy(), len(self.events))


def empty_events() -> pd.DataFrame:
    """An events frame with every column and no rows."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in list(EVENT_COLUMNS) + list(STORE_COLUMNS)})


def load(url: str) -> Loaded:
    """Read events and articles from the store (or Parquet snapshot) at ``url`` (uncached)."""
    snapshot = parquet_path(url)
    if snapshot is not None:
        events, articles = read_parquet_snapshot(snapshot)
        return Loaded(events.reset_index(drop=True), articles, store_version(url))
    try:
        with open_store(url, create=False) as store:
            events = store.dashboard_frame()
            articles = store.articles_frame()
    except NoStore as err:   # nothing ingested yet: an empty page that offers to add articles
        return Loaded(empty_events(), pd.DataFrame(columns=list(ARTICLE_COLUMNS)), "missing", missing=str(err))
    version = store_version(url)
    # Positional index: filtered views map back to the cached per-row arrays through it.
    return Loaded(events.reset_index(drop=True), articles, version)


# Loads in progress or done, per (store URL, version): shared by every session, never mutated. A
# load runs in a background thread, so that a first visit can show a chart counted in SQL while
# a million events are read (``landing``).
_LOADS: dict[tuple[str, str], Future] = {}
_LOADS_LOCK = threading.Lock()
_LOADER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="timeline-load")
KEEP_VERSIONS = 2


def start_load(url: str, version: str) -> Future:
    """The load of ``url`` at ``version``, started now if it is not running or done yet."""
    key = (url, version)
    with _LOADS_LOCK:
        future = _LOADS.get(key)
        if future is None:
            future = _LOADER.submit(load, url)
            _LOADS[key] = future
            while len(_LOADS) > KEEP_VERSIONS:   # the oldest version goes first
                _LOADS.pop(next(iter(_LOADS)))
        return future


def load_cached(url: str, version: str) -> Loaded:
    """``load`` memoised per store URL and version (waits for a load in progress). A failed load
    is forgotten, so the next visit tries again."""
    future = start_load(url, version)
    try:
        return future.result()
    except BaseException:
        with _LOADS_LOCK:
            if _LOADS.get((url, version)) is future:
                del _LOADS[(url, version)]
        raise


def is_loaded(url: str, version: str) -> bool:
    """True when the events of ``url`` at ``version`` are in memory (or failed to load)."""
    future = _LOADS.get((url, version))
    return future is not None and future.done()


LANDING_FROM_SQL_ABOVE = 50_000   # events above which a first visit's chart is counted in SQL


@st.cache_resource(max_entries=16, show_spinner=False)
def landing(url: str, version: str, lane: str):
    """The unfiltered, aggregated timeline counted in the store (``Store.lane_counts``), or None
    (a small store, a Parquet snapshot, or single events to show): what a first visit after the
    server starts shows while the events load. Equal to the chart made from the loaded events."""
    from ui import figures

    if parquet_path(url) is not None:
        return None
    column = {"country": "countries", "topic": "topics", "actor": "actors", "type": "event_code"}[lane]
    try:
        store = open_store(url, create=False)
    except NoStore:   # nothing ingested yet: the page says so once the (empty) events load
        return None
    with store:
        n = store.event_count()
        if n <= LANDING_FROM_SQL_ABOVE:
            return None
        span = store.date_span()
        if not span[0]:
            return None
        days = int((np.datetime64(span[1][:10], "D") - np.datetime64(span[0][:10], "D")) / np.timedelta64(1, "D"))
        period = figures.period_of_span(days)
        counts = store.lane_counts(column, figures.PERIOD_CHARS[period])
    return figures.landing_from_counts(counts, lane, span, n)


def event_sources(url: str, loaded: Loaded, event_id: str) -> pd.DataFrame:
    """The articles reporting ``event_id`` (from the store, or from the snapshot's own columns)."""
    if parquet_path(url) is None:
        with open_store(url, create=False) as store:
            return store.event_sources(event_id)
    row = loaded.events[loaded.events["event_id"] == event_id]
    if row.empty:
        return pd.DataFrame(columns=["article_id", "title", "url", "source", "published"])
    ids = row["article_ids"].iloc[0]
    arts = loaded.articles.set_index("article_id")
    return pd.DataFrame([{"article_id": a, "title": arts["title"].get(a, ""), "url": "", "source": "",
                          "published": arts["published"].get(a, "")} for a in ids])


# The list-valued filters: Filters field -> events column. "Any of them" is the semantics of
# pipeline.query.filter_events, computed here from cached (row, value) arrays instead of per row.
LIST_FACETS = {"countries": "countries", "topics": "topics", "actors": "actors", "articles": "article_ids"}


def _scalar_mask(loaded: Loaded, filters: Filters) -> np.ndarray | None:
    """The rows passing the non-list filters (via filter_events itself), None when none is set.
    "Hide doubtful" and the search are cached per store (the search per text: a click or another
    filter does not search a million events again)."""
    scalar = replace(filters, hide_doubtful=False, q="", **{f: () for f in LIST_FACETS})
    masks = [~loaded.doubtful() if filters.hide_doubtful else None,
             loaded.search(filters.q) if filters.q else None]
    if not scalar.is_empty():
        mask = np.zeros(len(loaded.events), dtype=bool)
        mask[filter_events(loaded.events, scalar).index.to_numpy()] = True
        masks.append(mask)
    return _combine(masks)


def _combine(masks) -> np.ndarray | None:
    out = None
    for m in masks:
        if m is not None:
            out = m.copy() if out is None else (out & m)
    return out


def filter_masks(loaded: Loaded, filters: Filters) -> dict[str, np.ndarray | None]:
    """One boolean row mask per set filter group ("_scalar" plus each list facet); None = no restriction."""
    masks: dict[str, np.ndarray | None] = {"_scalar": _scalar_mask(loaded, filters)}
    for facet, column in LIST_FACETS.items():
        wanted = getattr(filters, facet)
        masks[facet] = loaded.any_of(column, wanted) if wanted else None
    return masks


def filtered_view(loaded: Loaded, filters: Filters,
                  masks: dict[str, np.ndarray | None] | None = None) -> pd.DataFrame:
    """The events passing ``filters``: the same rows, in the same order, as ``filter_events``."""
    masks = masks if masks is not None else filter_masks(loaded, filters)
    combined = _combine(masks.values())
    return loaded.events if combined is None else loaded.events[combined]


def facet_counts(loaded: Loaded, filters: Filters, facet: str,
                 masks: dict[str, np.ndarray | None] | None = None,
                 limit: int | None = None) -> dict[str, int]:
    """Events per option of one facet under every OTHER filter: what choosing each option leaves.

    With ``limit``, only the ``limit`` options with the most events (ties broken arbitrarily).
    """
    masks = masks if masks is not None else filter_masks(loaded, filters)
    if facet == "types":
        others = _combine([m for k, m in masks.items() if k != "_scalar"]
                          + [_scalar_mask(loaded, replace(filters, types=()))])
        codes, uniques = loaded.factorized_roots()
        keep = codes if others is None else codes[others]
        counts = np.bincount(keep, minlength=len(uniques))
        return {str(u): int(c) for u, c in zip(uniques, counts) if c and u}
    column = LIST_FACETS[facet]
    if column not in loaded.events:
        return {}
    others = _combine([m for k, m in masks.items() if k != facet])
    rows, _ = loaded.exploded(column)
    codes, uniques = loaded.factorized(column)
    keep = codes if others is None else codes[others[rows]]
    counts = np.bincount(keep, minlength=len(uniques))
    nonzero = np.flatnonzero(counts)
    if limit is not None and len(nonzero) > limit:
        nonzero = nonzero[np.argpartition(-counts[nonzero], limit - 1)[:limit]]
    return {str(uniques[i]): int(counts[i]) for i in nonzero}


def option_label(label: str, count: int | None) -> str:
    """An option with its count, e.g. "Canada (CAN) · 12"."""
    return label if count is None else f"{label} · {count:,}"


def type_option(root: str) -> str:
    """How a CAMEO root appears in the type filter."""
    return type_label(root)


def selected_events(loaded: Loaded, view: pd.DataFrame, lane: str, box, lasso_ids) -> pd.DataFrame | None:
    """The events of ``view`` inside a box selection (``urlstate.BoxSelection``: its days and
    lanes, see ``ui.selection.events_in_box``) or picked by a lasso (their ids), latest first;
    None when nothing is selected."""
    from ui.selection import events_in_box

    if box is not None:
        rows, labels = loaded.lane_pairs_for(view, lane)
        starts, ends = loaded.days_for(view)
        positions = events_in_box(rows, np.asarray(labels, dtype=object), starts, ends,
                                  box.start, box.end, box.lanes)
        picked = view.iloc[positions]
    elif lasso_ids:
        picked = view[view["event_id"].isin(set(lasso_ids))]
    else:
        return None
    return picked.sort_values(["date_start", "date_end"], ascending=False, kind="stable")


def export_rows(url: str, loaded: Loaded, filters: Filters, ids=None) -> pd.DataFrame:
    """The rows a download holds: exactly ``pipeline.query.filter_events`` of the stored events
    under ``filters`` (what ``python -m pipeline export`` writes), or only the events ``ids``
    among them (a selection)."""
    rows = filtered_view(loaded, filters)
    if ids is not None:
        rows = rows[rows["event_id"].isin(set(ids))]
    return rows
