"""Checks on the sample corpus in data/articles: manifest, encoding, size, dates and datelines."""
from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"
MANIFEST = ARTICLES / "manifest.csv"
MANIFEST_COLUMNS = ["file", "published", "source", "url", "title"]
SAMPLE_SOURCE = "Timeline sample (written for this project)"
SEED = "carney-china.txt"
EARLIEST = date(2017, 1, 1)    # inclusive: the story starts with the 2017 visit
LATEST = date(2026, 12, 31)    # inclusive
MAX_BYTES = 20_000             # exclusive: samples are short news stories, not dumps
MIN_SAMPLES = 13
MIN_WORDS, MAX_WORDS = 250, 600   # inclusive bounds on a sample's length

# AP-style month names as they appear in datelines ("Dec.", "Sept.", "March").
MONTHS = {"Jan.": 1, "Feb.": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7,
          "Aug.": 8, "Sept.": 9, "Oct.": 10, "Nov.": 11, "Dec.": 12}
# "PLACE[, Country], Mon. D, YYYY — " opening the first paragraph.
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'-]+)(?:, [A-Z][A-Za-z .'-]+)?, "
    r"(?P<month>[A-Z][a-z]+\.?) (?P<day>\d{1,2}), (?P<year>\d{4}) \u2014 \S")


def parse_dateline(paragraph: str) -> date | None:
    """The date of a news dateline opening ``paragraph``, or None when there is none."""
    m = DATELINE.match(paragraph)
    if not m or m["month"] not in MONTHS:
        return None
    try:
        return date(int(m["year"]), MONTHS[m["month"]], int(m["day"]))
    except ValueError:
        return None


def _manifest_rows() -> list[dict[str, str]]:
    with MANIFEST.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


ROWS = _manifest_rows()
SAMPLES = [r for r in ROWS if r["file"] != SEED]


def _paragraphs(name: str) -> list[str]:
    text = (ARTICLES / name).read_text(encoding="utf-8")
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("OTTAWA, Dec. 7, 2018 \u2014 The government said", date(2018, 12, 7)),
        ("GYEONGJU, South Korea, Oct. 31, 2025 \u2014 Prime Minister", date(2025, 10, 31)),
        ("BEIJING, March 8, 2025 \u2014 China said", date(2025, 3, 8)),
        ("CALGARY, Sept. 25, 2021 \u2014 Two men", date(2021, 9, 25)),
        ("OTTAWA, Sep. 25, 2021 \u2014 Not an AP month", None),
        ("OTTAWA, Feb. 30, 2021 \u2014 No such day", None),
        ("OTTAWA, Dec. 7, 2018 - a hyphen is not a dateline dash", None),
        ("Ottawa said on Dec. 7, 2018 \u2014 that", None),
        ("", None),
    ],
)
def test_sample_corpus_parse_dateline_cases(paragraph, expected):
    assert parse_dateline(paragraph) == expected


def test_sample_corpus_manifest_has_the_contract_columns():
    with MANIFEST.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == MANIFEST_COLUMNS


def test_sample_corpus_manifest_and_folder_match():
    listed = [r["file"] for r in ROWS]
    on_disk = sorted(p.name for p in ARTICLES.glob("*.txt"))
    assert len(listed) == len(set(listed)), "a file is listed twice"
    assert sorted(listed) == on_disk
    assert SEED in listed


def test_sample_corpus_has_enough_samples():
    assert len(SAMPLES) >= MIN_SAMPLES
    assert all(r["source"] == SAMPLE_SOURCE and r["url"] == "" for r in SAMPLES)


def test_sample_corpus_seed_date_is_kept():
    seed = next(r for r in ROWS if r["file"] == SEED)
    assert seed["published"] == "2026-01-13"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["file"])
def test_sample_corpus_file_is_small_utf8_and_dated(row):
    path = ARTICLES / row["file"]
    raw = path.read_bytes()
    assert 0 < len(raw) < MAX_BYTES
    assert raw.decode("utf-8").strip()
    published = date.fromisoformat(row["published"])
    assert EARLIEST <= published <= LATEST
    assert row["title"].strip()


@pytest.mark.parametrize("row", SAMPLES, ids=lambda r: r["file"])
def test_sample_corpus_sample_layout_and_dateline(row):
    name = row["file"]
    paragraphs = _paragraphs(name)
    text = (ARTICLES / name).read_text(encoding="utf-8")
    # Headline alone on the first line, then a blank line, then the dateline paragraph.
    assert text.split("\n")[1] == ""
    assert paragraphs[0] == row["title"]
    assert parse_dateline(paragraphs[1]) == date.fromisoformat(row["published"])
    assert name.startswith(row["published"] + "-")
    words = len(" ".join(paragraphs[1:]).split())
    assert MIN_WORDS <= words <= MAX_WORDS, f"{name}: {words} words"


# Past episodes several samples retell, so that merging mentions across articles has work to do:
# (words that must all appear in an article, least number of samples retelling it).
RETOLD = [
    (("Meng", "Vancouver", "2018"), 8),
    (("Kovrig", "Spavor"), 8),
    (("canola", "100 per cent"), 5),
    (("Gyeongju",), 3),
    (("Trudeau", "2017"), 5),
]


@pytest.mark.parametrize(("words", "least"), RETOLD, ids=lambda v: "-".join(v) if isinstance(v, tuple) else str(v))
def test_sample_corpus_episodes_are_retold(words, least):
    texts = [(ARTICLES / r["file"]).read_text(encoding="utf-8") for r in SAMPLES]
    assert sum(all(w in t for w in words) for t in texts) >= least
