"""Tests for the summit knowledge base and reference resolver."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.knowledge import find_summit_references, load_summits

DCT = date(2026, 1, 13)


@pytest.mark.parametrize(
    ("text", "dct", "tense", "span", "name", "start", "end", "host"),
    [
        # Seed: "last met" is the latest APEC in South Korea before publication.
        ("The two leaders last met at an APEC summit in South Korea.", DCT, "",
         "an APEC summit in South Korea", "APEC Economic Leaders' Meeting 2025",
         "2025-10-31", "2025-11-01", "KOR"),
        ("The two leaders last met at an APEC summit in South Korea.", date(2010, 1, 1), "",
         "an APEC summit in South Korea", "APEC Economic Leaders' Meeting 2005",
         "2005-11-18", "2005-11-19", "KOR"),
        ("Ottawa hopes the leaders will meet at the G20.", DCT, "", "the G20",
         "G20 Leaders' Summit 2026 (Miami)", "2026-12-14", "2026-12-15", "USA"),
        ("Last year's G20 was boycotted by Washington.", DCT, "", "Last year's G20",
         "G20 Leaders' Summit 2025 (Johannesburg)", "2025-11-22", "2025-11-23", "ZAF"),
        ("Carney chaired the Kananaskis summit.", DCT, "", "the Kananaskis summit",
         "G7 Summit 2025", "2025-06-15", "2025-06-17", "CAN"),
        ("Chretien chaired the Kananaskis summit.", date(2003, 3, 1), "", "the Kananaskis summit",
         "G8 Summit 2002", "2002-06-26", "2002-06-27", "CAN"),
        ("The G7 summit was dominated by trade.", DCT, "past", "The G7 summit",
         "G7 Summit 2025", "2025-06-15", "2025-06-17", "CAN"),
        ("The G7 summit is expected to focus on trade.", DCT, "future", "The G7 summit",
         "G7 Summit 2026", "2026-06-15", "2026-06-17", "FRA"),
        ("Trudeau attended the G20 summit in Hangzhou, China.", DCT, "",
         "the G20 summit in Hangzhou, China", "G20 Leaders' Summit 2016 (Hangzhou)",
         "2016-09-04", "2016-09-05", "CHN"),
        ("Delegates arrived at COP28 in Dubai.", DCT, "", "COP28 in Dubai",
         "UN Climate Change Conference COP28 (2023)", "2023-11-30", "2023-12-12", "ARE"),
        ("the 2018 G7 summit in Charlevoix", DCT, "", "the 2018 G7 summit in Charlevoix",
         "G7 Summit 2018", "2018-06-08", "2018-06-09", "CAN"),
        ("He will go to the next NATO summit.", DCT, "", "the next NATO summit",
         "NATO Ankara Summit 2026", "2026-07-07", "2026-07-08", "TUR"),
        ("Leaders gathered for the 47th ASEAN Summit.", DCT, "", "the 47th ASEAN Summit",
         "47th ASEAN Summit (2025)", "2025-10-26", "2025-10-28", "MYS"),
        # A month after "in" is not a place: the span stops at "summit".
        ("They met at the G20 summit in November.", DCT, "", "the G20 summit",
         "G20 Leaders' Summit 2025 (Johannesburg)", "2025-11-22", "2025-11-23", "ZAF"),
        ("Carney met Xi at APEC in Gyeongju, Pledging Talks", date(2025, 10, 31), "",
         "APEC in Gyeongju", "APEC Economic Leaders' Meeting 2025", "2025-10-31", "2025-11-01",
         "KOR"),
        ("Trudeau hosted the G7 summit in Charlevoix, Quebec.", DCT, "",
         "the G7 summit in Charlevoix, Quebec", "G7 Summit 2018", "2018-06-08", "2018-06-09",
         "CAN"),
        ("Bush hosted the G8 summit in Sea Island, Georgia.", DCT, "",
         "the G8 summit in Sea Island, Georgia", "G8 Summit 2004", "2004-06-08", "2004-06-10",
         "USA"),
        ("NATO leaders met in Vilnius to discuss Ukraine.", DCT, "",
         "NATO leaders met in Vilnius", "NATO Vilnius Summit 2023", "2023-07-11", "2023-07-12",
         "LTU"),
        ("G8 leaders gathered in Kananaskis.", DCT, "", "G8 leaders gathered in Kananaskis",
         "G8 Summit 2002", "2002-06-26", "2002-06-27", "CAN"),
        ("Putin hosted the G8 summit in St. Petersburg.", DCT, "",
         "the G8 summit in St. Petersburg", "G8 Summit 2006", "2006-07-15", "2006-07-17", "RUS"),
    ],
)
def test_knowledge_resolves_reference(text, dct, tense, span, name, start, end, host):
    refs = find_summit_references(text, dct, tense)
    assert len(refs) == 1
    ref = refs[0]
    assert text[ref.start:ref.end] == ref.text == span
    assert ref.name == name
    assert (ref.date_start.isoformat(), ref.date_end.isoformat()) == (start, end)
    assert ref.host_iso3 == host


@pytest.mark.parametrize(
    "text",
    [
        "Canada is a G7 member and a NATO ally.",
        "The NATO alliance has 32 members.",
        "APEC economies account for most of world trade.",
        "The summit of the mountain was cold.",
        "the G20 in UN",
        "",
    ],
)
def test_knowledge_group_mentions_are_not_summit_references(text):
    assert find_summit_references(text, DCT) == []


def test_knowledge_cancelled_summit_needs_explicit_year():
    assert find_summit_references("the APEC summit in Chile", date(2020, 1, 1), "past")[0].name \
        == "APEC Economic Leaders' Meeting 2004"
    assert find_summit_references("APEC 2019", DCT)[0].date_start == date(2019, 11, 16)


def test_knowledge_accepts_a_datetime_as_publication_date():
    from datetime import datetime
    refs = find_summit_references("They last met at an APEC summit in South Korea.",
                                  datetime(2026, 1, 13, 9, 30))
    assert [r.date_start for r in refs] == [date(2025, 10, 31)]


def test_knowledge_summits_cover_every_series_and_era():
    summits = load_summits()
    series = {row["series"] for row in summits}
    assert {"APEC", "G7", "G20", "NATO", "BRICS", "ASEAN", "COP", "UNGA"} <= series
    assert min(row["year"] for row in summits) <= 2000
    assert max(row["year"] for row in summits) >= 2026


@settings(max_examples=200, deadline=None)
@given(st.text(), st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 1, 1)),
       st.sampled_from(["", "past", "present", "future"]))
def test_knowledge_any_text_never_raises(text, dct, tense):
    for ref in find_summit_references(text, dct, tense):
        assert text[ref.start:ref.end] == ref.text
        assert ref.date_start <= ref.date_end


_WORDS = st.sampled_from(["the", "last", "next", "year's", "G20", "G7", "G8", "APEC", "NATO",
                          "COP28", "COP", "summit", "in", "at", "South", "Korea", "Kananaskis",
                          "St.", "Petersburg", "2019", "47th", "ASEAN", "Summit", "will", "met",
                          ",", ".", "UN", "General", "Assembly", "Hague", "The"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=25).map(" ".join),
       st.dates(min_value=date(1995, 1, 1), max_value=date(2035, 1, 1)))
def test_knowledge_summit_soup_never_raises(text, dct):
    for ref in find_summit_references(text, dct):
        assert text[ref.start:ref.end] == ref.text
        assert ref.series in {"APEC", "G7", "G20", "NATO", "BRICS", "ASEAN", "COP", "UNGA"}
