"""Every event of the sample articles, read as an analyst would (issue 12): titles say what
happened, codes say it right, doubt is visible.

Each article of data/articles is extracted with its publication date from the manifest. A failing
check lists the offending events (article, date, code, title) so it can be read at once.
"""
from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest

from pipeline import cameo, knowledge, topics
from pipeline.article import read_article
from pipeline.cameo import quad_class
from pipeline.clauses import clause_at, lexicon, parse_sentence
from pipeline.events import build_events
from pipeline.extract import annotate
from pipeline.records import FLAGS, TITLE_MAX_CHARS, Event
from pipeline.timex import tag_timexes

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"
MAX_STATEMENT_SHARE = 0.15     # inclusive: at most this share of the events coded 01x
MIN_TITLE_WORDS = 4            # inclusive: a title of three words or fewer says nothing
ARREST_LEMMAS = frozenset({"arrest", "detain"})
ARREST_WORDS = re.compile(r"\b(?:arrest(?:ed|s|ing)?|detain(?:ed|s|ing)?|detentions?|custody)\b", re.IGNORECASE)
RELEASE_WORDS = re.compile(r"\b(?:releas(?:e|ed|es|ing)|freed|discharged|returned)\b", re.IGNORECASE)


def _published() -> dict[str, date]:
    with (ARTICLES / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return {row["file"]: date.fromisoformat(row["published"]) for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def sample():
    """(file, event, clause that carries its date) for every event of every sample article."""
    out = []
    for name, published in sorted(_published().items()):
        article = read_article(ARTICLES / name, published)
        ann = annotate(article)
        events = build_events(article, ann, cameo.classify_event, topics.classify_topics,
                              knowledge.find_summit_references, cameo.classify_clause)
        for event in events:
            sentence = next(s for s in ann.sentences if s.index == event.sentence_index)
            dates = tuple((t.start - sentence.start, t.end - sentence.start) for t in ann.timexes
                          if t.type in ("DATE", "TIME") and sentence.start <= t.start and t.end <= sentence.end)
            span = event.date_offset if event.date_offset[0] >= 0 else None
            out.append((name, event, clause_at(parse_sentence(sentence.text, dates), span)))
    assert len(out) > 100
    return out


def _listing(rows) -> str:
    return "\n".join(f"  {name[:30]:30} {e.date_start} {e.event_code:>4} {e.title!r}" for name, e, *_ in rows)


def _only_time_words(title: str, published: date) -> bool:
    """True when nothing is left of ``title`` but function words once its time expressions go."""
    rest = title
    for t in sorted(tag_timexes(title, published), key=lambda t: -t.start):
        rest = rest[:t.start] + " " + rest[t.end:]
    classes = lexicon().classes
    words = [w for w in re.findall(r"[\w'’-]+", rest.lower()) if w not in classes]
    return not words


@pytest.mark.parametrize(("title", "only"), [
    # titles the samples gave before issue 12
    ("Saturday", True), ("In March", True), ("Six years ago", True), ("Five years ago", True),
    ("Two days later", True), ("On March 1", True),
    ("Trump suspended the tariffs on goods", False), ("The visit runs until Saturday", False),
])
def test_sample_events_time_expression_check(title, only):
    assert _only_time_words(title, date(2025, 3, 8)) is only


def test_sample_events_titles_say_more_than_three_words(sample):
    short = [(n, e) for n, e, _ in sample if len(e.title.split()) < MIN_TITLE_WORDS]
    assert not short, f"titles of three words or fewer:\n{_listing(short)}"


def test_sample_events_no_title_is_only_a_time_expression(sample):
    bad = [(n, e) for n, e, _ in sample if _only_time_words(e.title, e.date_start)]
    assert not bad, f"titles that are only a time expression:\n{_listing(bad)}"


def test_sample_events_titles_fit(sample):
    long = [(n, e) for n, e, _ in sample if not 0 < len(e.title) <= TITLE_MAX_CHARS]
    assert not long, f"titles longer than {TITLE_MAX_CHARS} characters:\n{_listing(long)}"


def test_sample_events_few_statement_codes(sample):
    statements = [(n, e) for n, e, _ in sample if e.event_code.startswith("01")]
    share = len(statements) / len(sample)
    assert share <= MAX_STATEMENT_SHARE, (
        f"{len(statements)} of {len(sample)} events ({share:.0%}) coded 01x:\n{_listing(statements)}")


def _names_arrest(event: Event, clause) -> bool:
    """The clause that carries the event names an arrest or detention as what happened."""
    for c in (clause, clause.content):
        if c is not None and (c.lemma in ARREST_LEMMAS or (not c.lemma and c.noun in ARREST_LEMMAS)):
            return True
    return bool(ARREST_WORDS.search(event.title)) and not RELEASE_WORDS.search(event.title)


def test_sample_events_arrests_are_conflict(sample):
    arrests = [(n, e) for n, e, c in sample if _names_arrest(e, c)]
    assert len(arrests) >= 10   # the samples tell the Meng, Kovrig and Spavor detentions many times
    cooperative = [(n, e) for n, e in arrests if quad_class(e.event_code) not in (3, 4)]
    assert not cooperative, f"arrests and detentions coded as cooperation:\n{_listing(cooperative)}"


def test_sample_events_flags_are_known_and_ordered(sample):
    for name, event, _ in sample:
        assert set(event.flags) <= set(FLAGS), (name, event.title, event.flags)
        assert list(event.flags) == sorted(event.flags, key=FLAGS.index), (name, event.title, event.flags)


def test_sample_events_doubt_is_visible(sample):
    # The 2026-01-15 article's "In March, Beijing imposed ..." is last year's March now (the
    # narrative anchor), so it is no longer a past-tense event after its article.
    tariffs = [e for name, e, _ in sample if name.startswith("2026-01-15")
               and e.title.startswith("Beijing imposed 100 per cent tariffs")]
    assert tariffs and all(e.date_start == date(2025, 3, 1) for e in tariffs), _listing([("", e) for e in tariffs])
    # Any event still dated after its article while its clause speaks in the past is flagged.
    published = _published()
    unflagged = [(name, e) for name, e, clause in sample
                 if e.date_start > published[name] and clause.tense == "past" and "future_past_tense" not in e.flags]
    assert not unflagged, _listing(unflagged)
