"""The shared filter logic, on a small hand-built event table."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pipeline.query import Filters, filter_events

ROWS = [
    # event_id, date_start, date_end, precision, basis, code, countries, topics, actors, title, article
    ("e2017", "2017-01-01", "2017-12-31", "year", "explicit", "042", ("CAN", "CHN"), ("diplomacy",),
     ("Justin Trudeau",), "First visit since 2017", "a1"),
    ("e2018", "2018-01-01", "2018-12-31", "year", "explicit", "173", ("CAN", "CHN", "USA"),
     ("legal-justice",), ("Meng Wanzhou", "Huawei"), "Arrest of Huawei executive", "a1"),
    ("ethu", "2026-01-15", "2026-01-15", "day", "relative", "040", ("CAN", "CHN"), ("diplomacy",),
     ("Li Qiang", "Zhao Leji"), "Meeting with Premier Li", "a2"),
    ("ekb", "2025-10-31", "2025-11-01", "day", "knowledge", "040", ("CAN", "CHN", "KOR"),
     ("diplomacy",), ("Mark Carney", "Xi Jinping"), "Leaders met at APEC", "a2"),
    ("etrade", "2026-01-01", "2026-12-31", "year", "relative", "036", ("CAN", "USA", "MEX"),
     ("trade",), (), "North American trade talks", "a3"),
]


@pytest.fixture
def events() -> pd.DataFrame:
    cols = ["event_id", "date_start", "date_end", "precision", "date_basis", "event_code",
            "countries", "topics", "actors", "title", "article_id"]
    df = pd.DataFrame(ROWS, columns=cols)
    df["sentence"] = df["title"] + "."
    return df


@pytest.mark.parametrize("filters,expected", [
    (Filters(), ["e2017", "e2018", "ethu", "ekb", "etrade"]),
    (Filters(countries=("USA",)), ["e2018", "etrade"]),
    (Filters(countries=("KOR", "MEX")), ["ekb", "etrade"]),
    (Filters(topics=("diplomacy",)), ["e2017", "ethu", "ekb"]),
    (Filters(actors=("Huawei",)), ["e2018"]),
    (Filters(types=("04",)), ["e2017", "ethu", "ekb"]),
    (Filters(types=("173",)), ["e2018"]),
    (Filters(date_from=date(2018, 6, 1), date_to=date(2025, 12, 31)), ["e2018", "ekb"]),
    (Filters(date_from=date(2026, 1, 15)), ["ethu", "etrade"]),   # year 2026 overlaps the day
    (Filters(q="huawei"), ["e2018"]),
    (Filters(q="zhao leji"), ["ethu"]),   # actors are searched too
    (Filters(min_precision="month"), ["ethu", "ekb"]),
    (Filters(bases=("knowledge", "relative")), ["ethu", "ekb", "etrade"]),
    (Filters(articles=("a2",)), ["ethu", "ekb"]),
    (Filters(countries=("CAN",), topics=("diplomacy",), date_from=date(2020, 1, 1)), ["ethu", "ekb"]),
    (Filters(countries=("FRA",)), []),
])
def test_query_filter_events(events, filters, expected):
    assert list(filter_events(events, filters)["event_id"]) == expected


def test_query_filter_events_reads_joined_list_cells(events):
    joined = events.assign(countries=events["countries"].map(";".join))
    assert list(filter_events(joined, Filters(countries=("USA",)))["event_id"]) == ["e2018", "etrade"]


def test_query_filters_is_empty():
    assert Filters().is_empty()
    assert not Filters(q="x").is_empty()


@pytest.mark.parametrize("q, expected", [
    ("xi", ["x1", "x2"]),                      # whole word, any case; not Mexico/executives/next
    ("XI", ["x1", "x2"]),
    ('"next week"', ["x4"]),                   # a quoted phrase
    ('"xi jinping"', ["x1", "x2"]),             # a phrase across the actors field too
    ("xi tariffs", ["x2"]),                    # every term must match
    ("mexico", ["x3"]),
    ("exec", []),                              # never inside a word
])
def test_query_search_matches_whole_words_and_phrases(q, expected):
    df = pd.DataFrame({
        "event_id": ["x1", "x2", "x3", "x4"],
        "title": ["Xi Jinping met Carney", "Tariffs rise", "Mexico talks with executives", "Talks next week"],
        "sentence": ["", "Xi announced tariffs.", "", ""],
        "actors": [("Xi Jinping",), ("Xi Jinping",), (), ()],
    })
    assert list(filter_events(df, Filters(q=q))["event_id"]) == expected


def test_query_search_says_what_matched():
    from pipeline.query import describe_matches
    row = {"title": "Tariffs rise", "sentence": "Xi announced tariffs.", "actors": ("Xi Jinping",)}
    assert describe_matches(row, 'xi tariffs') == 'sentence: "Xi"; title: "Tariffs"'


def test_query_hide_doubtful_drops_flagged_events(events):
    flagged = events.assign(flags=[("no_action",), (), (), ("low_confidence",), ()])
    assert list(filter_events(flagged, Filters(hide_doubtful=True))["event_id"]) == ["e2018", "ethu", "etrade"]
    assert len(filter_events(flagged, Filters())) == 5
