"""Loading the store for the dashboard and counting what each filter option leaves."""
import pandas as pd
import pytest

from pipeline.query import Filters, filter_events
from ui.data import Loaded, facet_counts, load, option_label, store_version
from ui.sample import fill_store, synthetic_events


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('data') / 'ev.db'}"
    fill_store(url, synthetic_events(60, seed=3))
    return load(url)


def test_data_loads_events_and_articles(loaded):
    assert len(loaded.events) > 0 and len(loaded.articles) > 0
    assert list(loaded.events.index) == list(range(len(loaded.events)))
    lo, hi = loaded.date_bounds()
    assert lo <= hi and lo == loaded.events["date_start"].min()


@pytest.mark.parametrize("facet, column, filters", [
    ("countries", "countries", Filters()),
    ("countries", "countries", Filters(topics=("trade",))),
    ("topics", "topics", Filters(countries=("CAN",))),
    ("actors", "actors", Filters(date_from=pd.Timestamp("2010-01-01").date())),
    ("countries", "countries", Filters(countries=("CHN",), topics=("energy",))),
])
def test_data_facet_counts_match_the_filter(loaded, facet, column, filters):
    counts = facet_counts(loaded, filters, facet)
    for option, n in counts.items():
        # Choosing this option (instead of the facet's current choice) leaves exactly n events.
        from dataclasses import replace
        chosen = replace(filters, **{facet: (option,)})
        assert len(filter_events(loaded.events, chosen)) == n


def test_data_type_counts(loaded):
    counts = facet_counts(loaded, Filters(), "types")
    assert sum(counts.values()) == len(loaded.events)


def test_data_store_version_changes_when_the_store_does(tmp_path):
    url = f"sqlite:///{tmp_path / 'v.db'}"
    fill_store(url, synthetic_events(3, seed=1))
    before = store_version(url)
    again = synthetic_events(3, seed=2)
    again["article_id"] = "f" * 16      # a new article (the same id would be a no-op)
    fill_store(url, again)
    assert store_version(url) != before



def test_data_lane_pairs_for_a_view(loaded):
    view = loaded.events.iloc[5:15]
    rows, labels = loaded.lane_pairs_for(view, "country")
    assert rows.min() >= 0 and rows.max() < len(view)
    assert len(rows) == sum(max(1, len(c)) for c in view["countries"])


@pytest.mark.parametrize("label, count, expected", [
    ("Canada (CAN)", 12, "Canada (CAN) · 12"), ("trade", 1234, "trade · 1,234"), ("x", None, "x")])
def test_data_option_label(label, count, expected):
    assert option_label(label, count) == expected
