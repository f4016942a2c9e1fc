"""Tests for the orchestrator (pipeline/extract.py): stage failures, span contracts, the table."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from pipeline import actors, extract, geo, sentences, timex
from pipeline.article import read_article
from pipeline.extract import StageError, annotate, empty_events, extract_article, extract_events
from pipeline.records import (
    EVENT_COLUMNS, ActorMention, Article, GeoMention, RegionMention, Sentence, Timex,
)

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"
TEXT = "Prime Minister Mark Carney met President Xi Jinping in Beijing on Jan. 16, 2026."
PUBLISHED = date(2026, 1, 17)

# Every stage the orchestrator runs, as (name in the error, module, function replaced).
STAGES = [
    ("sentences", sentences, "split_sentences"),
    ("timex", timex, "tag_timexes"),
    ("countries", geo, "tag_countries"),
    ("regions", geo, "tag_regions"),
    ("actors", actors, "tag_actors"),
    ("events", extract, "build_events"),
]


def _article(text: str = TEXT) -> Article:
    return Article(article_id="0123456789abcdef", title="Carney meets Xi", text=text,
                   published=PUBLISHED)


def _manifest() -> dict[str, date]:
    with (ARTICLES / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return {row["file"]: date.fromisoformat(row["published"]) for row in csv.DictReader(handle)}


@pytest.mark.parametrize(("stage", "module", "function"), STAGES, ids=[s[0] for s in STAGES])
def test_extract_stage_that_raises_gives_stage_error_naming_it(monkeypatch, stage, module, function):
    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(module, function, broken)
    with pytest.raises(StageError, match=rf"^stage {stage} failed: ValueError: boom$") as info:
        extract_article(_article())
    assert isinstance(info.value.__cause__, ValueError)


def test_extract_stage_error_raised_by_a_stage_passes_unchanged(monkeypatch):
    error = StageError("stage actors: already named")

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(actors, "tag_actors", broken)
    with pytest.raises(StageError) as info:
        extract_article(_article())
    assert info.value is error


# (stage, module, function, what the broken stage returns for a text of length n)
BAD_SPANS = [
    ("sentences", sentences, "split_sentences", lambda n: [Sentence(0, 0, n + 1, "x")]),
    ("timex", timex, "tag_timexes", lambda n: [Timex(-1, 3, "Jan", "DATE", "2026-01")]),
    ("countries", geo, "tag_countries", lambda n: [GeoMention(n, n + 7, "Beijing", "CHN", "capital")]),
    ("regions", geo, "tag_regions", lambda n: [RegionMention(5, 3, "EU", "EU")]),
    ("actors", actors, "tag_actors", lambda n: [ActorMention(0, n + 100, "Carney", "Mark Carney", "person")]),
]


@pytest.mark.parametrize(("stage", "module", "function", "bad"), BAD_SPANS, ids=[s[0] for s in BAD_SPANS])
def test_extract_spans_outside_the_text_are_caught(monkeypatch, stage, module, function, bad):
    item = bad(len(TEXT))[0]
    monkeypatch.setattr(module, function, lambda *args, **kwargs: bad(len(TEXT)))
    expected = rf"^stage {stage} returned offsets {item.start}\.\.{item.end} outside the text$"
    with pytest.raises(StageError, match=expected):
        extract_article(_article())


@pytest.mark.parametrize(("start", "end"), [(0, len(TEXT)), (len(TEXT), len(TEXT)), (3, 3)])
def test_extract_spans_at_the_text_bounds_pass(monkeypatch, start, end):
    monkeypatch.setattr(geo, "tag_regions",
                        lambda text: [RegionMention(start, end, text[start:end], "EU")])
    assert len(annotate(_article()).regions) == 1


def test_extract_timex_with_date_start_after_date_end_is_caught(monkeypatch):
    start = TEXT.index("Jan. 16, 2026")
    backwards = Timex(start, start + 13, "Jan. 16, 2026", "DATE", "2026-01-16",
                      date_start=date(2026, 1, 17), date_end=date(2026, 1, 16), precision="day")
    monkeypatch.setattr(timex, "tag_timexes", lambda text, published: [backwards])
    expected = r"^stage timex returned '2026-01-16' with date_start after date_end$"
    with pytest.raises(StageError, match=expected):
        extract_article(_article())


# Dtypes of the empty table: numbers keep a numeric dtype even without rows.
NUMERIC_DTYPES = {"goldstein": "float64", "confidence": "float64", "sentence_index": "int64",
                  "date_char_start": "int64", "date_char_end": "int64"}


@pytest.mark.parametrize("text", ["", " ", "\n\n"], ids=["empty", "space", "blank-lines"])
def test_extract_empty_article_gives_empty_table_with_the_contract_columns(text):
    table = extract_article(_article(text))
    assert table.empty
    assert list(table.columns) == list(EVENT_COLUMNS)
    expected = {column: NUMERIC_DTYPES.get(column, "object") for column in EVENT_COLUMNS}
    assert {column: str(dtype) for column, dtype in table.dtypes.items()} == expected
    assert table.dtypes.equals(empty_events().dtypes)


@pytest.mark.parametrize("name", sorted(p.name for p in ARTICLES.glob("*.txt")))
def test_extract_normal_article_events_lie_inside_its_text(name):
    article = read_article(ARTICLES / name, _manifest().get(name))
    text = article.text
    ann = annotate(article)
    for group in (ann.sentences, ann.timexes, ann.countries, ann.regions, ann.actors):
        for item in group:
            assert 0 <= item.start <= item.end <= len(text)
            assert text[item.start:item.end] == item.text, item
    events = extract_events(article)
    assert events
    table = extract_article(article)
    assert list(table.columns) == list(EVENT_COLUMNS)
    assert len(table) == len(events)
    for event in events:
        sentence = ann.sentences[event.sentence_index]
        assert event.sentence == sentence.text
        assert event.sentence in text
        lo, hi = event.date_offset
        if event.date_basis == "publication":
            assert (lo, hi) == (-1, -1) and event.date_text == ""
        else:
            # The date expression lies in its sentence, hence in the text.
            assert 0 <= lo < hi <= len(event.sentence)
            assert event.sentence[lo:hi] == event.date_text
            assert text[sentence.start + lo:sentence.start + hi] == event.date_text
