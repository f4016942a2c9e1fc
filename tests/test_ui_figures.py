"""The timeline and relations figures: lanes, markers vs period bars, axis range, escaping."""
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from pipeline.records import EVENT_COLUMNS
from ui.arrays import lane_pairs
from ui.figures import axis_range, relations_figure, timeline_figure
from pipeline.synthetic import synthetic_events


def event(eid, start, end, precision, countries=("CAN",), **extra):
    """One event row with every contract column."""
    row = {c: "" for c in EVENT_COLUMNS}
    row.update(event_id=eid, article_id="a" * 16, date_start=start, date_end=end,
               precision=precision, date_text=start, title=f"Event {eid}", sentence="s",
               countries=tuple(countries), actors=(), topics=("trade",), regions=(),
               event_code="042", goldstein=1.9, article_title="Source")
    row.update(extra)
    return row


def frame(*rows):
    return pd.DataFrame(list(rows), columns=list(EVENT_COLUMNS))


def _traces(fig, kind):
    return [t for t in fig.data if t.type == kind]


@pytest.mark.parametrize("start, end, precision, kind", [
    ("2025-10-31", "2025-10-31", "day", "scatter"),
    ("2025-10-01", "2025-10-31", "month", "bar"),
    ("2017-01-01", "2017-12-31", "year", "bar"),
    ("2010-01-01", "2019-12-31", "decade", "bar"),
    ("2026-01-14", "2026-01-17", "day", "bar"),   # a span of days is a bar
])
def test_figures_day_events_are_markers_periods_are_bars(start, end, precision, kind):
    fig, info = timeline_figure(frame(event("e1", start, end, precision)))
    drawn = [t for t in fig.data if t.type in ("scatter", "scattergl", "bar") and t.name != "publications"]
    assert [t.type for t in drawn] == [kind]
    if kind == "bar":
        bar = drawn[0]
        # The bar starts on the period's first day and covers every day of it.
        assert bar.base[0] == start
        days = (np.datetime64(end) - np.datetime64(start)).astype(int) + 1
        assert bar.x[0] == days * 86_400_000
        # A translucent band (its outline in the same colour) under the lane's dots.
        assert bar.marker.color.startswith("rgba(") and float(bar.marker.color.split(",")[-1][:-1]) < 1
        assert bar.offset < 0
    assert not info.aggregated


@pytest.mark.parametrize("starts", [
    ["2025-10-31"],
    ["2025-10-31", "2025-10-31", "2025-10-31"],
    ["1867-07-01"],
])
def test_figures_axis_never_collapses_below_a_month(starts):
    fig, _ = timeline_figure(frame(*[event(f"e{i}", s, s, "day") for i, s in enumerate(starts)]))
    lo, hi = (np.datetime64(x) for x in fig.layout.xaxis.range)
    assert (hi - lo).astype(int) >= 30
    assert lo <= np.datetime64(starts[0]) <= hi
    assert fig.layout.xaxis.type == "date"


def test_figures_axis_range_covers_all_events_with_padding():
    lo, hi = axis_range(np.array(["2000-01-01", "2020-06-30"], dtype="datetime64[D]"),
                        np.array(["2000-12-31", "2020-06-30"], dtype="datetime64[D]"))
    assert lo < "2000-01-01" and hi > "2020-06-30"


@pytest.mark.parametrize("lane, expected", [
    ("country", {"Canada", "China", "(none)"}),
    ("topic", {"trade", "(none)"}),
    ("actor", {"Mark Carney", "(none)"}),
    ("type", {"04 Consult", "17 Coerce"}),
])
def test_figures_lanes_follow_the_lane_control(lane, expected):
    df = frame(event("e1", "2025-10-31", "2025-10-31", "day", ("CAN", "CHN"), actors=("Mark Carney",)),
               event("e2", "2018-12-01", "2018-12-01", "day", (), topics=(), event_code="173"))
    rows, labels = lane_pairs(df, lane)
    assert set(labels) == expected
    fig, info = timeline_figure(df, lane=lane)
    assert set(info.lanes) == expected
    assert set(fig.layout.yaxis.categoryarray) == expected


@pytest.mark.parametrize("color, legend", [
    ("topic", {"trade", "security"}),
    ("type", {"04 Consult", "17 Coerce"}),
])
def test_figures_colour_groups_become_legend_entries(color, legend):
    df = frame(event("e1", "2025-10-31", "2025-10-31", "day"),
               event("e2", "2018-12-01", "2018-12-01", "day", topics=("security",), event_code="173"))
    fig, _ = timeline_figure(df, color=color)
    assert {t.name for t in fig.data} == legend


def test_figures_goldstein_colour_is_a_continuous_scale():
    df = frame(event("e1", "2025-10-31", "2025-10-31", "day", goldstein=-5.0),
               event("e2", "2018-12-01", "2018-12-01", "day", goldstein=7.0))
    fig, _ = timeline_figure(df, color="goldstein")
    (trace,) = fig.data
    assert list(trace.marker.color) == [-5.0, 7.0] and trace.marker.cmin == -10


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "Tom & Jerry's <b>bold</b>",
])
def test_figures_hover_escapes_article_text(hostile):
    df = frame(event("e1", "2025-10-31", "2025-10-31", "day", title=hostile, article_title=hostile,
                     actors=(hostile,)))
    fig, _ = timeline_figure(df)
    hover = fig.data[0].hovertext[0]
    assert "<script" not in hover and "<img" not in hover and "<b>bold" not in hover
    assert "&lt;" in hover


def test_figures_hover_shows_dates_written_and_resolved():
    df = frame(event("e1", "2017-01-01", "2017-12-31", "year", date_text="in 2017",
                     title="Visit", actors=("Justin Trudeau",), article_title="The Paper"))
    hover = timeline_figure(df)[0].data[0].hovertext[0]
    for part in ("Visit", "in 2017", "2017-01-01 – 2017-12-31", "(year)", "CAN",
                 "Justin Trudeau", "The Paper"):
        assert part in hover


@pytest.mark.parametrize("n, aggregated, webgl", [
    (100, False, False),
    (5_000, False, True),
    (30_000, True, False),    # counts per lane and year: a few hundred cells, drawn as SVG
])
def test_figures_switch_to_webgl_then_aggregate(n, aggregated, webgl):
    df = synthetic_events(n)
    fig, info = timeline_figure(df)
    assert info.aggregated is aggregated
    assert info.webgl is webgl
    if aggregated:
        # Counts per lane and period add up to the lane rows of the events in view.
        rows, _ = lane_pairs(df, "country")
        hover_counts = sum(int(h.split("<br>")[-1].split()[0].replace(",", ""))
                           for h in fig.data[0].hovertext)
        assert hover_counts == len(rows)
        assert info.n_points < n


def test_figures_point_customdata_are_event_ids():
    df = synthetic_events(50)
    fig, _ = timeline_figure(df)
    ids = {c for t in fig.data if t.customdata is not None for c in t.customdata}
    assert ids == set(df["event_id"])


def test_figures_highlight_and_selection_add_marker_traces():
    df = synthetic_events(20)
    ids = tuple(df["event_id"][:2])
    fig, _ = timeline_figure(df, highlight=ids, selected=ids[0])
    by_name = {t.name: t for t in fig.data}
    assert set(by_name["new"].customdata) == set(ids)
    # One ring per lane the selected event is drawn in (synthetic events have two countries).
    assert list(by_name["selected"].customdata) == [ids[0], ids[0]]


def test_figures_rug_adds_publication_dates():
    df = synthetic_events(20)
    fig, _ = timeline_figure(df, rug=df["published"])
    rug = [t for t in fig.data if t.name == "publications"][0]
    assert set(rug.x) == set(df["published"]) and rug.yaxis == "y2"


def test_figures_range_controls_present():
    fig, _ = timeline_figure(synthetic_events(10))
    labels = [b.label for b in fig.layout.xaxis.rangeselector.buttons]
    assert labels == ["1 month", "1 year", "5 years", "10 years", "all"]
    assert fig.layout.xaxis.rangeslider.visible


def test_figures_empty_frame_gives_a_valid_figure():
    fig, info = timeline_figure(frame())
    assert isinstance(fig, go.Figure) and info.n_points == 0
    json.loads(fig.to_json())


def test_figures_relations_show_collapse_and_repair():
    df = frame(event("a", "2016-09-01", "2016-09-01", "day", ("CAN", "CHN"), goldstein=4.0),
               event("b", "2018-12-01", "2018-12-01", "day", ("CAN", "CHN"), goldstein=-8.0),
               event("c", "2019-03-01", "2019-03-01", "day", ("CHN", "CAN"), goldstein=-5.0),
               event("d", "2026-01-16", "2026-01-16", "day", ("CAN", "CHN"), goldstein=6.4),
               event("e", "2026-01-16", "2026-01-16", "day", ("CAN", "USA"), goldstein=-9.0),
               event("f", "2020-01-01", "2020-01-01", "day", ("CAN", "CHN"), goldstein=None))
    fig, n = relations_figure(df, "CAN", "CHN", window_days=365)
    assert n == 4
    points, mean = fig.data
    assert list(points.customdata) == ["a", "b", "c", "d"]
    assert list(points.y) == [4.0, -8.0, -5.0, 6.4]
    # The rolling mean dips into conflict after 2018 and is back above zero in 2026; it breaks
    # (a None point) across the two gaps longer than its 365-day window.
    y = [None if v is None or v != v else v for v in mean.y]
    assert y == [4.0, None, -8.0, -6.5, None, 6.4]


def test_figures_relations_empty_pair():
    fig, n = relations_figure(frame(event("a", "2016-09-01", "2016-09-01", "day")), "CAN", "CHN")
    assert n == 0 and isinstance(fig, go.Figure)


@pytest.mark.parametrize("n", [300, 30_000])
def test_figures_many_lanes_merge_into_other(n):
    df = synthetic_events(n)
    df["actors"] = [(f"Actor {i % 60}",) for i in range(n)]
    fig, info = timeline_figure(df, lane="actor")
    assert len(info.lanes) == 41 and info.lanes[-1] == "(other)"
    shown = {y for t in fig.data for y in (t.y if t.y is not None else []) if y is not None}
    assert "(other)" in shown and shown <= set(info.lanes)


def test_figures_categorical_pairs_give_the_same_figure():
    df = synthetic_events(300)
    rows, labels = lane_pairs(df, "country")
    plain, _ = timeline_figure(df, pairs=(rows, labels))
    cat, _ = timeline_figure(df, pairs=(rows, pd.Categorical(labels)))
    assert plain.to_json() == cat.to_json()


def test_figures_ring_trace_equals_the_built_in_selection():
    from ui.figures import ring_trace
    df = synthetic_events(40)
    rows, labels = lane_pairs(df, "country")
    eid = df["event_id"].iloc[5]
    fig, info = timeline_figure(df, selected=eid, pairs=(rows, labels))
    built = next(t for t in fig.data if t.name == "selected")
    from ui.arrays import day_arrays
    ring = ring_trace(df, (rows, labels), day_arrays(df), eid, info.lanes)
    assert list(ring.x) == list(built.x) and list(ring.y) == list(built.y)
    assert list(ring.customdata) == [eid] * len(built.x) and ring.hovertext[0] == built.hovertext[0]
