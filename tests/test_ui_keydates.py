"""The *Key dates* panel's logic (``ui/keydates.py``) on the sample articles: the same days as the
``keydates`` ranking over exactly the filtered rows, the marks on the timeline, the zoom a click
opens, a Parquet snapshot's rebuilt mentions, and the caches."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers import write_sample_folder
from pipeline.export import read_parquet_snapshot, to_parquet_bytes
from pipeline.ingest import run_ingest
from pipeline.keydates import KEYDATE_COLUMNS, rank_days
from pipeline.query import Filters, filter_events
from pipeline.store import open_store
from ui import figures, keydates
from ui.data import filtered_view, load


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory) -> str:
    """A store holding the first eight sample articles."""
    tmp = tmp_path_factory.mktemp("kd")
    folder = write_sample_folder(tmp, 8)
    url = f"sqlite:///{tmp / 'samples.db'}"
    assert run_ingest([str(folder)], url, None, 0, None, progress=False) == 0
    return url


@pytest.fixture(scope="module")
def loaded(sample_url):
    return load(sample_url)


@pytest.fixture(scope="module")
def mentions(sample_url, loaded):
    with open_store(sample_url, create=False) as store:
        return keydates.prepare(loaded.events, store.mentions_frame())


def _expected(url: str, filters: Filters, top: int) -> pd.DataFrame:
    """What ``python -m pipeline keydates`` computes: every stored mention, the export's filter."""
    with open_store(url, create=False) as store:
        return rank_days(filter_events(store.events_frame(), filters), store.mentions_frame(), top)


@pytest.mark.parametrize("filters", [
    Filters(), Filters(countries=("CAN",)), Filters(countries=("CHN",), topics=("trade",)),
    Filters(date_from=date(2018, 1, 1), date_to=date(2019, 12, 31)), Filters(q="Meng"),
    Filters(hide_doubtful=True), Filters(countries=("ATA",)),
])
def test_keydates_panel_ranks_exactly_the_filtered_rows(sample_url, loaded, mentions, filters):
    view = filtered_view(loaded, filters)
    got = keydates.ranked(view, mentions, 10)
    expected = _expected(sample_url, filters, 10)
    assert list(got.columns) == list(KEYDATE_COLUMNS)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True))


def test_keydates_panel_sample_story_leads_with_the_meng_arrest(loaded, mentions):
    days = keydates.ranked(loaded.events, mentions, 5)
    assert days["date"].iloc[0] == "2018-12-01"
    assert "Meng" in days["title"].iloc[0]
    assert days["score"].is_monotonic_decreasing
    # A filter that leaves other days ranks other days: nothing from outside the view.
    canola = filtered_view(loaded, Filters(q="canola"))
    only = keydates.ranked(canola, mentions, 10)
    assert set(only["date"]) <= set(canola["date_start"].astype(str))


def test_keydates_panel_marks_and_zoom(loaded, mentions):
    days = keydates.ranked(loaded.events, mentions, 3)
    marks = keydates.mark_days(days)
    assert marks == tuple(days["date"])
    fig, _ = figures.timeline_figure(loaded.events, key_days=marks)
    lines = [s for s in fig.layout.shapes if (s.name or "").startswith("key date")]
    assert [str(s.x0) for s in lines] == list(marks)
    assert all(s.yref == "paper" and s.x0 == s.x1 for s in lines)
    # Marks are shapes: no trace, so no legend entry and nothing a click could pick.
    plain, _ = figures.timeline_figure(loaded.events)
    assert len(fig.data) == len(plain.data) and not plain.layout.shapes
    assert keydates.zoom_view("2018-12-01") == (date(2018, 11, 16), date(2018, 12, 16))
    assert keydates.mark_days(keydates.ranked(loaded.events.iloc[0:0], mentions)) == ()


def test_keydates_panel_aggregated_chart_is_marked_too(loaded):
    fig, info = figures.timeline_figure(loaded.events, aggregate_above=1, key_days=("2018-12-01",))
    assert info.aggregated and [s.x0 for s in fig.layout.shapes] == ["2018-12-01"]


def test_keydates_panel_snapshot_mentions_are_rebuilt_from_the_articles(tmp_path, sample_url, loaded):
    path = tmp_path / "snap.parquet"
    with open_store(sample_url, create=False) as store:
        path.write_bytes(to_parquet_bytes(store.events_frame()))
    events, articles = read_parquet_snapshot(path)
    events = events.reset_index(drop=True)
    rebuilt = keydates.snapshot_mentions(events, articles)
    # One mention per event and reporting article, dated by that article.
    assert len(rebuilt) == sum(len(v) for v in events["article_ids"])
    published = dict(zip(articles["article_id"], articles["published"]))
    assert (rebuilt["published"] == rebuilt["article_id"].map(published)).all()
    prepared = keydates.prepare(events, rebuilt, approximate=True)
    days = keydates.ranked(events, prepared, 5)
    assert prepared.approximate and len(days) == 5
    assert "2018-12-01" in set(days["date"])


def test_keydates_panel_mentions_are_read_once_per_store_version(monkeypatch):
    calls = []

    def read():
        calls.append(1)
        return keydates.Mentions(pd.DataFrame(columns=list(keydates.MENTION_COLUMNS)), [], 0)
    key = ("sqlite:///nowhere.db", f"v-{id(calls)}")
    assert keydates.cached_mentions(key, read) is keydates.cached_mentions(key, read)
    assert len(calls) == 1

    def broken():
        raise OSError("store gone")
    bad = ("sqlite:///nowhere.db", f"bad-{id(calls)}")
    with pytest.raises(OSError):
        keydates.cached_mentions(bad, broken)
    assert keydates.cached_mentions(bad, read) is not None   # a failed read is tried again


def test_keydates_panel_key_dates_uses_the_store(sample_url, loaded):
    view = filtered_view(loaded, Filters(countries=("CAN",)))
    days, approximate = keydates.key_dates(sample_url, loaded, view, Filters(countries=("CAN",)))
    assert not approximate
    pd.testing.assert_frame_equal(days, _expected(sample_url, Filters(countries=("CAN",)), keydates.TOP))
