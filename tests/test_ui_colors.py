"""Fixed colours: a topic's and a CAMEO root's colour never depend on what is shown."""
from __future__ import annotations

import pandas as pd

from pipeline.records import EVENT_COLUMNS
from pipeline.synthetic import synthetic_events
from pipeline.topics import load_taxonomy
from ui.colors import ROOT_COLORS, TOPIC_PALETTE, ordered_topics, root_color, topic_color, topic_order
from ui.figures import timeline_figure
from ui.labels import type_label


def _colours(fig) -> dict[str, str]:
    """Legend name -> colour of its first solid dot trace."""
    out: dict[str, str] = {}
    for t in fig.data:
        if t.type in ("scatter", "scattergl") and isinstance(t.marker.color, str) and t.name not in out:
            out[t.name] = t.marker.color
    return out


def test_colors_topics_follow_the_taxonomy_order():
    ids = [t["id"] for t in load_taxonomy()]
    assert list(topic_order()) == ids
    assert [topic_color(t) for t in ids] == list(TOPIC_PALETTE[:len(ids)])
    assert len(set(TOPIC_PALETTE)) == len(TOPIC_PALETTE)


def test_colors_every_cameo_root_has_its_own_colour_and_name():
    roots = [f"{i:02d}" for i in range(1, 21)]
    assert len({root_color(r) for r in roots}) == 20 and set(ROOT_COLORS) == set(roots)
    assert type_label("04") == "04 Consult" and type_label("17") == "17 Coerce"


def test_colors_do_not_move_with_filters_or_new_events():
    df = synthetic_events(400)
    full = _colours(timeline_figure(df)[0])
    trade_only = df[df["topics"].map(lambda t: "trade" in t)]
    assert _colours(timeline_figure(trade_only)[0])["trade"] == full["trade"] == topic_color("trade")
    china = df[df["countries"].map(lambda c: "CHN" in c)]
    assert _colours(timeline_figure(china)[0]) == {k: v for k, v in full.items()
                                                    if k in _colours(timeline_figure(china)[0])}
    more = pd.concat([df, synthetic_events(50, seed=9).assign(topics=[("migration",)] * 50)],
                     ignore_index=True)
    grown = _colours(timeline_figure(more)[0])
    assert all(grown[k] == v for k, v in full.items())
    assert grown["migration"] == topic_color("migration")


def test_colors_an_event_with_several_topics_shows_each_as_a_ring():
    row = {c: "" for c in EVENT_COLUMNS}
    row.update(event_id="meng", date_start="2018-12-01", date_end="2018-12-01", precision="day",
               countries=("CAN",), actors=(), regions=(), flags=(), title="Arrest",
               topics=("agriculture", "legal", "technology"), event_code="173", goldstein=-5.0)
    fig, _ = timeline_figure(pd.DataFrame([row]))
    dots = [t for t in fig.data if t.type == "scatter" and t.customdata is not None and list(t.customdata) == ["meng"]]
    # Outside first, in taxonomy order: agriculture, technology, legal; each a smaller disc.
    assert [t.name for t in dots] == list(ordered_topics(row["topics"]))
    assert [t.marker.color for t in dots] == [topic_color(t) for t in ordered_topics(row["topics"])]
    assert dots[0].marker.size > dots[1].marker.size > dots[2].marker.size


def test_colors_doubtful_events_are_hollow():
    df = synthetic_events(240)   # one event in twelve is flagged
    fig, _ = timeline_figure(df)
    hollow = {c for t in fig.data if t.customdata is not None and t.type == "scatter"
              and t.marker.symbol == "circle-open" for c in t.customdata}
    doubtful = set(df.loc[df["flags"].map(bool), "event_id"])
    day = set(df.loc[df["date_start"] == df["date_end"], "event_id"])
    assert hollow == doubtful & day and hollow
    assert any(t.name == "doubtful (hollow)" for t in fig.data)
