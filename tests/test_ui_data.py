"""Loading the store for the dashboard and counting what each filter option leaves."""
import pandas as pd
import pytest

from pipeline.query import Filters, filter_events
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ui.data import facet_counts, filtered_view, load, option_label, store_version
from pipeline.synthetic import fill_store, synthetic_events


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
        chosen = replace(filters, **{facet: (option,)})
        assert len(filter_events(loaded.events, chosen)) == n


@pytest.mark.parametrize("filters", [
    Filters(),
    Filters(countries=("CAN",)),
    Filters(countries=("CAN", "CHN"), topics=("trade", "energy")),
    Filters(actors=("Xi Jinping",), types=("04",)),
    Filters(articles=("0000000000000001", "0000000000000003")),
    Filters(countries=("CAN",), date_from=pd.Timestamp("2005-01-01").date(),
            date_to=pd.Timestamp("2015-12-31").date(), min_precision="month"),
    Filters(q="event 1", bases=("explicit",)),
    Filters(q='"synthetic event 12"', hide_doubtful=True),
    Filters(hide_doubtful=True, countries=("CAN",)),
    Filters(countries=("ZZZ",)),
])
def test_data_filtered_view_equals_filter_events(loaded, filters):
    fast = filtered_view(loaded, filters)
    assert fast.index.tolist() == filter_events(loaded.events, filters).index.tolist()
    again = filtered_view(loaded, filters)     # the cached search and doubt masks give the same
    assert again.index.tolist() == fast.index.tolist()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(countries=st.lists(st.sampled_from(["CAN", "CHN", "USA", "FRA", "ZZZ"]), max_size=3),
       topics=st.lists(st.sampled_from(["trade", "energy", "climate", "none"]), max_size=2),
       types=st.lists(st.sampled_from(["04", "17", "1", "010"]), max_size=2),
       precision=st.sampled_from(["", "day", "month", "year"]))
def test_data_filtered_view_matches_filter_events_on_random_filters(loaded, countries, topics, types,
                                                                     precision):
    filters = Filters(countries=tuple(countries), topics=tuple(topics), types=tuple(types),
                      min_precision=precision)
    assert (filtered_view(loaded, filters).index.tolist()
            == filter_events(loaded.events, filters).index.tolist())
    for facet in ("countries", "topics", "types"):
        for option, n in facet_counts(loaded, filters, facet).items():
            assert len(filter_events(loaded.events, replace(filters, **{facet: (option,)}))) == n


@pytest.mark.parametrize("filters", [Filters(), Filters(countries=("CAN",)), Filters(topics=("trade",))])
def test_data_latest_events_of_a_view(loaded, filters):
    view = filtered_view(loaded, filters)
    latest = loaded.latest(view, 7)
    expected = view.sort_values(["date_start", "date_end"], ascending=False).head(7)
    assert list(zip(latest["date_start"], latest["date_end"])) == list(zip(expected["date_start"],
                                                                           expected["date_end"]))
    assert set(latest.index) <= set(view.index)


def test_data_pair_events(loaded):
    both = loaded.pair_events("CAN", "CHN")
    assert all("CAN" in c and "CHN" in c for c in both["countries"])
    assert len(both) == sum(1 for c in loaded.events["countries"] if "CAN" in c and "CHN" in c)


@pytest.mark.parametrize("limit", [1, 3, 1000])
def test_data_facet_counts_limit_keeps_the_largest(loaded, limit):
    full = facet_counts(loaded, Filters(), "articles")
    top = facet_counts(loaded, Filters(), "articles", limit=limit)
    assert len(top) == min(limit, len(full))
    assert all(full[k] == v for k, v in top.items())
    assert min(top.values()) >= sorted(full.values(), reverse=True)[len(top) - 1]


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


def test_data_reads_an_exported_parquet_snapshot(tmp_path):
    from pipeline.export import to_parquet_bytes
    from ui.data import event_sources, is_read_only, parquet_path

    events = synthetic_events(25, seed=5)
    path = tmp_path / "snapshot.parquet"
    path.write_bytes(to_parquet_bytes(events))
    url = f"parquet://{path}"
    assert parquet_path(url) == path and is_read_only(url) and not is_read_only("sqlite:///x.db")
    snap = load(url)
    assert list(snap.events["event_id"]) == list(events["event_id"])
    assert all(isinstance(v, tuple) for v in snap.events["countries"])
    assert list(snap.events["countries"]) == list(events["countries"])
    # Without the store's provenance columns, each event is reported by its own article.
    first = snap.events.iloc[0]
    sources = event_sources(url, snap, first["event_id"])
    assert list(sources["article_id"]) == [first["article_id"]]
    assert filtered_view(snap, Filters(countries=("CAN",))).index.tolist() == \
        filter_events(snap.events, Filters(countries=("CAN",))).index.tolist()
