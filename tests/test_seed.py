"""Acceptance on the seed article: the events an analyst would pin on a wall.

The expected rows below were checked by hand against the article and the public record
(../shared/reference/README.md): published 2026-01-13, a Tuesday.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.article import read_article
from pipeline.extract import extract_article

SEED = Path(__file__).resolve().parents[1] / "data" / "articles" / "carney-china.txt"
PUBLISHED = date(2026, 1, 13)
JUNK = ("ON NOW", "Follow us on", "EXCERPT", "Erizia", "• en")


@pytest.fixture(scope="module")
def events():
    return extract_article(read_article(SEED, PUBLISHED))


def _one(events, **where):
    rows = events
    for col, val in where.items():
        rows = rows[rows[col] == val]
    assert len(rows) == 1, f"expected one event with {where}, got {len(rows)}:\n{events[['date_start', 'precision', 'date_basis', 'title']]}"
    return rows.iloc[0]


# (date_start, date_end, precision, basis, tense, a word the sentence must hold)
EXPECTED = [
    ("2017-01-01", "2017-12-31", "year", "explicit", "past", "since 2017"),
    ("2018-01-01", "2018-12-31", "year", "explicit", "past", "arrest"),
    ("2021-01-01", "2021-12-31", "year", "explicit", "past", "released"),
    ("2025-10-31", "2025-11-01", "day", "knowledge", "past", "APEC"),
    ("2026-01-13", "2026-01-13", "day", "publication", "present", "Carney"),
    ("2026-01-15", "2026-01-15", "day", "relative", "future", "Li Qiang"),
    ("2026-01-16", "2026-01-16", "day", "relative", "future", "Xi Jinping"),
]
# "later this year": the rest of 2026 after publication, at year precision.
LATER_THIS_YEAR = ("2026-12-31", "year", "relative", "future", "later this year")


@pytest.mark.parametrize("d0,d1,precision,basis,tense,word", EXPECTED)
def test_seed_event_is_found(events, d0, d1, precision, basis, tense, word):
    row = _one(events, date_start=d0, date_end=d1)
    assert (row.precision, row.date_basis, row.tense) == (precision, basis, tense)
    assert word in row.sentence or word in row.article_title
    assert 0 < len(row.title) <= 90


def test_seed_later_this_year(events):
    row = _one(events, date_text="later this year")
    assert (row.date_end, row.precision, row.date_basis, row.tense) == LATER_THIS_YEAR[:4]
    assert "2026-01-01" <= row.date_start <= "2026-12-31"
    assert "trade" in row.topics


def test_seed_nothing_else_and_nothing_twice(events):
    others = events[events.date_text != "later this year"]
    assert sorted(zip(others.date_start, others.date_end)) == sorted((e[0], e[1]) for e in EXPECTED)
    assert events.event_id.is_unique


def test_seed_no_event_from_junk(events):
    for col in ("title", "sentence", "date_text"):
        for junk in JUNK:
            assert not events[col].str.contains(junk, regex=False).any(), (col, junk)


def test_seed_every_dated_event_has_a_country_and_goldstein(events):
    assert events.countries.map(len).gt(0).all()
    assert events.goldstein.notna().all()
    assert events.event_code.str.fullmatch(r"\d{2,4}").all()


def test_seed_arrest_event(events):
    row = _one(events, date_start="2018-01-01")
    assert {"CAN", "CHN", "USA"} <= set(row.countries)
    assert {"Meng Wanzhou", "Huawei"} <= set(row.actors)
    assert row.event_code.startswith("17")
    assert "legal-justice" in row.topics or any("legal" in t for t in row.topics)


def test_seed_release_event(events):
    row = _one(events, date_start="2021-01-01")
    assert row.event_code.startswith("08")


def test_seed_thursday_and_friday_meetings(events):
    thu = _one(events, date_start="2026-01-15")
    assert {"Li Qiang", "Zhao Leji"} <= set(thu.actors)
    assert thu.date_text.endswith("Thursday")
    fri = _one(events, date_start="2026-01-16")
    assert {"Mark Carney", "Xi Jinping"} <= set(fri.actors)
    assert fri.event_code.startswith("04")
    assert "diplomacy" in fri.topics
    assert {"CAN", "CHN"} <= set(fri.countries)


def test_seed_apec_meeting_from_knowledge(events):
    row = _one(events, date_basis="knowledge")
    assert row.date_start == "2025-10-31"
    assert {"CAN", "CHN"} <= set(row.countries)
    assert "APEC" in row.regions


def test_seed_publication_event_is_the_visit(events):
    row = _one(events, date_basis="publication")
    assert row.event_code.startswith("04")
    assert {"CAN", "CHN"} <= set(row.countries)


def test_seed_date_text_is_inside_the_sentence(events):
    dated = events[events.date_char_start >= 0]
    assert len(dated) == len(events) - 1   # all but the publication event carry a date expression
    for row in dated.itertuples():
        assert row.sentence[row.date_char_start:row.date_char_end] == row.date_text
