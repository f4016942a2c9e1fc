"""The *Key dates* panel: the top days of the filtered events (``pipeline.keydates.rank_days``),
where to mark them on the timeline, and the view a click on one opens (no Streamlit calls).

The mentions the ranking reads are read once per store version (``mentions``), and each mention
carries the position of its event among the loaded events, so the mentions of a filtered view
are picked by integer indexing, not by a join over every stored mention. ``rank_days`` then runs
over exactly the filtered rows, with exactly their mentions: the same days, in the same order, as
``python -m pipeline keydates`` with the same filters.

A Parquet snapshot has no mentions table: its mentions are rebuilt from each event's reporting
articles (``snapshot_mentions``), which knows their publication dates but not their sources or
where in the article each event was told (``APPROXIMATE_NOTE`` says so on the page).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pipeline.keydates import DAY_PRECISIONS, empty_keydates, rank_days

TOP = 10                 # days listed and marked
ZOOM_DAYS = 15           # a click on a day shows it with this many days either side
APPROXIMATE_NOTE = ("This is a Parquet snapshot: key dates are ranked from each event's reporting "
                    "articles and their publication dates; sources and sentence positions are only "
                    "in a store, so the order may differ from `python -m pipeline keydates`.")
MENTION_COLUMNS = ("event_id", "article_id", "published", "source", "sentence_index", "date_basis", "precision")


@dataclass(frozen=True)
class Mentions:
    """The mentions of day-precise events, each with its event's position among the loaded
    events (``pos``), ready to be picked for any filtered view."""

    frame: pd.DataFrame          # MENTION_COLUMNS
    pos: np.ndarray              # int64, one per row of ``frame``
    n_events: int                # how many events the positions index
    approximate: bool = False    # rebuilt from a snapshot (no sources, no sentence positions)


def prepare(events: pd.DataFrame, mentions: pd.DataFrame, approximate: bool = False) -> Mentions:
    """``mentions`` (``Store.mentions_frame()``) of the day-precise ``events`` (the loaded events,
    positional index), each with its event's position; mentions of other events are dropped
    (``rank_days`` ignores them)."""
    day = events["precision"].isin(DAY_PRECISIONS).to_numpy(dtype=bool)
    ids = pd.Index(events["event_id"].astype(str))
    if mentions.empty or not day.any():
        return Mentions(pd.DataFrame(columns=list(MENTION_COLUMNS)), np.zeros(0, np.int64), len(events),
                        approximate)
    pos = ids.get_indexer(mentions["event_id"].astype(str))
    keep = pos >= 0
    keep[keep] = day[pos[keep]]
    frame = mentions.loc[keep, [c for c in MENTION_COLUMNS if c in mentions]].reset_index(drop=True)
    return Mentions(frame, pos[keep].astype(np.int64), len(events), approximate)


def snapshot_mentions(events: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Mentions rebuilt from a Parquet snapshot: one per event and reporting article
    (``article_ids``), with the article's publication date; the event's own sentence position
    and date basis for its own article, none for the others; no sources."""
    ids = events["event_id"].astype(str).to_numpy(dtype=object)
    own = events["article_id"].astype(str).to_numpy(dtype=object)
    lists = events["article_ids"].tolist() if "article_ids" in events else [(a,) for a in own]
    counts = np.fromiter((len(v) if isinstance(v, (list, tuple, np.ndarray)) and len(v) else 1 for v in lists),
                         dtype=np.int64, count=len(lists))
    rows = np.repeat(np.arange(len(events)), counts)
    arts = np.array([a for v, o in zip(lists, own)
                     for a in (list(v) if isinstance(v, (list, tuple, np.ndarray)) and len(v) else [o])],
                    dtype=object)
    published = dict(zip(articles["article_id"].astype(str), articles["published"].astype(str)))
    is_own = arts == own[rows]
    sentence = pd.to_numeric(events["sentence_index"], errors="coerce").to_numpy(dtype=float)[rows]
    basis = events["date_basis"].fillna("").astype(str).to_numpy(dtype=object)[rows]
    return pd.DataFrame({
        "event_id": ids[rows], "article_id": arts,
        "published": [published.get(str(a), "") for a in arts], "source": "",
        "sentence_index": pd.array(np.where(is_own, sentence, np.nan), dtype="Float64").astype("Int64"),
        "date_basis": np.where(is_own, basis, "")})


def ranked(view: pd.DataFrame, mentions: Mentions, top: int = TOP) -> pd.DataFrame:
    """The ``top`` key dates of ``view`` (a filtered view of the loaded events: positional
    index): ``rank_days`` over exactly these rows and their mentions. Columns ``date``,
    ``score``, ``events``, ``title`` (the day's leading event), best first."""
    if view.empty:
        return empty_keydates()
    inside = np.zeros(mentions.n_events, dtype=bool)
    inside[view.index.to_numpy()] = True
    picked = mentions.frame[inside[mentions.pos]] if len(mentions.pos) else mentions.frame
    return rank_days(view, picked, top)


def mark_days(days: pd.DataFrame) -> tuple[str, ...]:
    """The ISO days to mark on the timeline (``ui.figures.timeline_figure(key_days=...)``)."""
    return tuple(str(d) for d in days["date"]) if len(days) else ()


def zoom_view(day: str | date, around: int = ZOOM_DAYS) -> tuple[date, date]:
    """The view (first, last day) a click on a key date opens: the day with ``around`` days
    either side."""
    d = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    return d - timedelta(days=around), d + timedelta(days=around)


# ----- caches shared by every session ------------------------------------------------------
# Mentions per (store URL, version), read once (a million take a few seconds), and the key dates
# per (store URL, version, filters): a view someone has seen costs nothing the second time.
_MENTIONS: "OrderedDict[tuple[str, str], Future]" = OrderedDict()
_RANKED: "OrderedDict[tuple, pd.DataFrame]" = OrderedDict()
_LOCK = threading.Lock()
KEEP_VERSIONS = 2
KEEP_RANKINGS = 64


def cached_mentions(key: tuple[str, str], read) -> Mentions:
    """``read()`` (a ``Mentions``) once per ``key`` (store URL, version); concurrent callers wait
    for the same read, and a failed read is forgotten so the next call tries again."""
    with _LOCK:
        future = _MENTIONS.get(key)
        owner = future is None
        if owner:
            future = Future()
            _MENTIONS[key] = future
            while len(_MENTIONS) > KEEP_VERSIONS:
                _MENTIONS.popitem(last=False)
    if owner:
        try:
            future.set_result(read())
        except BaseException as err:
            future.set_exception(err)
            with _LOCK:
                if _MENTIONS.get(key) is future:
                    del _MENTIONS[key]
    return future.result()


def read_mentions(url: str, loaded) -> Mentions:
    """The prepared mentions of the store at ``url`` (a ``ui.data.Loaded`` of it), cached per
    store version: the store's mentions table, or, for a Parquet snapshot, mentions rebuilt from
    the events' reporting articles."""
    from pipeline.store import open_store
    from ui.data import parquet_path

    def read() -> Mentions:
        if parquet_path(url) is not None:
            return prepare(loaded.events, snapshot_mentions(loaded.events, loaded.articles), approximate=True)
        with open_store(url, create=False) as store:
            return prepare(loaded.events, store.mentions_frame())
    return cached_mentions((url, loaded.version), read)


def key_dates(url: str, loaded, view: pd.DataFrame, filters, top: int = TOP) -> tuple[pd.DataFrame, bool]:
    """The ``top`` key dates of ``view`` (``filters`` applied to ``loaded``), cached per store
    version and filters, and whether they are approximate (a Parquet snapshot)."""
    mentions = read_mentions(url, loaded)
    days = cached_ranking((url, loaded.version, filters, top), lambda: ranked(view, mentions, top))
    return days, mentions.approximate


def cached_ranking(key: tuple, make) -> pd.DataFrame:
    """``make()`` once per ``key`` (store URL, version, filters, top), the last KEEP_RANKINGS kept."""
    with _LOCK:
        if key in _RANKED:
            _RANKED.move_to_end(key)
            return _RANKED[key]
    days = make()
    with _LOCK:
        _RANKED[key] = days
        while len(_RANKED) > KEEP_RANKINGS:
            _RANKED.popitem(last=False)
    return days
