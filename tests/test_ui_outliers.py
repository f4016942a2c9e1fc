"""Issue 14 (2c): one event far from the rest (year 9000, or 1801) among the sample events does
not squeeze them into a pixel column: the default x range fits the central mass, and *all* (the
range slider, the quick-range button) still reaches every event."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers import write_sample_folder
from pipeline.ingest import run_ingest
from ui.data import load
from ui.figures import central_mask, timeline_figure
from ui.arrays import iso_days


@pytest.fixture(scope="module")
def sample_events(tmp_path_factory) -> pd.DataFrame:
    tmp = tmp_path_factory.mktemp("outliers")
    folder = write_sample_folder(tmp, 8)
    url = f"sqlite:///{tmp / 'samples.db'}"
    assert run_ingest([str(folder)], url, None, 0, None, progress=False) == 0
    return load(url).events


def _with(events: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    odd = events.iloc[0].copy()
    odd["event_id"], odd["date_start"], odd["date_end"] = "far-out", start, end
    return pd.concat([events, odd.to_frame().T], ignore_index=True)


def _range(fig) -> tuple[str, str]:
    lo, hi = fig.layout.xaxis.range
    return str(lo)[:10], str(hi)[:10]


def test_sample_events_alone_use_their_whole_range(sample_events):
    fig, info = timeline_figure(sample_events)
    assert info.far_out == () and info.full_view is None
    assert tuple(fig.layout.xaxis.range) == tuple(fig.layout.xaxis.rangeslider.range)


@pytest.mark.parametrize("start, end", [("9000-06-30", "9000-06-30"), ("1801-01-01", "1801-12-31")])
def test_one_far_event_does_not_stretch_the_default_range(sample_events, start, end):
    plain, _ = timeline_figure(sample_events)
    fig, info = timeline_figure(_with(sample_events, start, end))
    # The default range is the sample events' own; the far event is named, and *all* reaches it.
    assert _range(fig) == _range(plain)
    assert info.far_out == (start,)
    first = str(sample_events["date_start"].min())[:10]
    last = str(sample_events["date_end"].max())[:10]
    assert info.full_view == (min(first, start), max(last, end))
    slider = [str(x)[:10] for x in fig.layout.xaxis.rangeslider.range]
    assert slider[0] <= start and slider[1] >= end
    assert any(b.label == "all" and b.step == "all" for b in fig.layout.xaxis.rangeselector.buttons)
    # The far event is still drawn (for *all* and the slider), and a view shows what it asks for.
    assert any("far-out" in list(t.customdata if t.customdata is not None else ()) for t in fig.data)
    zoomed, _ = timeline_figure(_with(sample_events, start, end), view=info.full_view)
    assert _range(zoomed)[0] == info.full_view[0]


def test_many_spread_events_are_not_outliers(sample_events):
    spread = sample_events.copy()
    years = [1900 + 7 * i for i in range(len(spread))]
    spread["date_start"] = [f"{y:04d}-06-01" for y in years]
    spread["date_end"] = spread["date_start"]
    assert central_mask(iso_days(spread["date_start"]), iso_days(spread["date_end"])) is None


def test_all_after_a_reset_is_every_event_when_the_default_leaves_some_out():
    from datetime import date

    from ui.bridge import next_view
    every = (date(1801, 1, 1), date(2026, 7, 31))
    assert next_view({"reset": True}, (date(2018, 1, 1), date(2018, 2, 1)), every) == every
    assert next_view({"reset": True}, (date(2018, 1, 1), date(2018, 2, 1)), None) is None
    assert next_view({"lo": "2018-11-25", "hi": "2018-12-18"}, None, every) == (date(2018, 11, 25), date(2018, 12, 17))
    assert next_view("garbage", every, None) == every
