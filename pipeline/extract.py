"""The orchestrator: run every stage over one article and return its event table.

Stages run in order (sentences, temporal tagging, countries, regions, actors, then event
assembly with clause analysis, topics, CAMEO codes and the knowledge base). Each stage's output is checked
against its contract and a failure names the stage, so a batch can report and skip one article.
"""
from __future__ import annotations

import pandas as pd

from pipeline import actors, cameo, geo, knowledge, sentences, timex, topics
from pipeline.records import EVENT_COLUMNS, FLOAT_COLUMNS, INT_COLUMNS, Article, Event
from pipeline.events import Annotations, build_events


class StageError(RuntimeError):
    """A pipeline stage failed or broke its contract on one article."""


def _check_spans(stage: str, items, text_len: int) -> None:
    for it in items:
        if not (0 <= it.start <= it.end <= text_len):
            raise StageError(f"stage {stage} returned offsets {it.start}..{it.end} outside the text")


def _run(stage: str, fn, *args):
    try:
        return fn(*args)
    except StageError:
        raise
    except Exception as exc:  # a stage bug must not take the batch down: name it and move on
        raise StageError(f"stage {stage} failed: {type(exc).__name__}: {exc}") from exc


def annotate(article: Article) -> Annotations:
    """Run the annotation stages over ``article.text`` and check their contracts."""
    text = article.text
    n = len(text)
    sents = tuple(_run("sentences", sentences.split_sentences, text))
    _check_spans("sentences", sents, n)
    tx = tuple(_run("timex", timex.tag_timexes, text, article.published))
    _check_spans("timex", tx, n)
    for t in tx:
        if t.date_start is not None and t.date_end is not None and t.date_start > t.date_end:
            raise StageError(f"stage timex returned {t.value!r} with date_start after date_end")
    gm = tuple(_run("countries", geo.tag_countries, text))
    _check_spans("countries", gm, n)
    rm = tuple(_run("regions", geo.tag_regions, text))
    _check_spans("regions", rm, n)
    am = tuple(_run("actors", actors.tag_actors, text, article.published))
    _check_spans("actors", am, n)
    return Annotations(sents, tx, gm, rm, am)


# Column dtypes that pandas would not infer from an empty table: the numbers an extracted event
# always has (quad_class is missing where no code was found, so it stays an object column).
_EMPTY_DTYPES = {**{c: "float64" for c in FLOAT_COLUMNS},
                 **{c: "int64" for c in INT_COLUMNS if c in EVENT_COLUMNS and c != "quad_class"}}


_NAN = float("nan")
# How each column of the event table is read off an ``Event`` (``pub``, ``title``: the article's).
_COLUMN_VALUES = {
    "event_id": lambda e, pub, title: e.event_id,
    "article_id": lambda e, pub, title: e.article_id,
    "date_start": lambda e, pub, title: e.date_start.isoformat(),
    "date_end": lambda e, pub, title: e.date_end.isoformat(),
    "precision": lambda e, pub, title: e.precision,
    "timex_value": lambda e, pub, title: e.timex_value,
    "date_text": lambda e, pub, title: e.date_text,
    "date_basis": lambda e, pub, title: e.date_basis,
    "tense": lambda e, pub, title: e.tense,
    "title": lambda e, pub, title: e.title,
    "sentence": lambda e, pub, title: e.sentence,
    "countries": lambda e, pub, title: e.countries,
    "actors": lambda e, pub, title: e.actors,
    "topics": lambda e, pub, title: e.topics,
    "event_code": lambda e, pub, title: e.event_code,
    "goldstein": lambda e, pub, title: _NAN if e.goldstein is None else float(e.goldstein),
    "confidence": lambda e, pub, title: float(e.confidence),
    "regions": lambda e, pub, title: e.regions,
    "quad_class": lambda e, pub, title: e.quad_class,
    "sentence_index": lambda e, pub, title: int(e.sentence_index),
    "date_char_start": lambda e, pub, title: int(e.date_offset[0]),
    "date_char_end": lambda e, pub, title: int(e.date_offset[1]),
    "published": lambda e, pub, title: pub,
    "article_title": lambda e, pub, title: title,
    "flags": lambda e, pub, title: e.flags,
}


def _article_fields(article: Article | None) -> tuple[str, str]:
    return (article.published.isoformat(), article.title) if article else ("", "")


def events_frame(events: list[Event], article: Article | None = None) -> pd.DataFrame:
    """Return events as a DataFrame with exactly the columns of ``EVENT_COLUMNS``."""
    if not events:
        return pd.DataFrame({c: pd.Series(dtype=_EMPTY_DTYPES.get(c, "object")) for c in EVENT_COLUMNS})
    pub, title = _article_fields(article)
    # Built column by column: a DataFrame per article is on the hot path of every extraction.
    cols = {c: [get(e, pub, title) for e in events] for c, get in _COLUMN_VALUES.items()}
    return pd.DataFrame(cols, columns=list(EVENT_COLUMNS))


def event_rows(events: list[Event], article: Article | None = None) -> list[dict]:
    """The rows ``events_frame`` would hold, as plain dicts (no DataFrame: the ingest's fast path)."""
    pub, title = _article_fields(article)
    return [{c: get(e, pub, title) for c, get in _COLUMN_VALUES.items()} for e in events]


# Inclusive bound on how far after its article an event may lie: "a colony on Mars by 2500" is not
# news to pin on a timeline, and a misread number must not stretch the time axis for everyone.
MAX_EVENT_YEARS_AHEAD = 100


def extract_events(article: Article) -> list[Event]:
    """Run the whole pipeline over one article and return its events as records."""
    ann = annotate(article)
    events = _run("events", build_events, article, ann, cameo.classify_event,
                  topics.classify_topics, knowledge.find_summit_references, cameo.classify_clause)
    latest = article.published.year + MAX_EVENT_YEARS_AHEAD
    return [e for e in events if e.date_end.year <= latest]


def extract_article(article: Article) -> pd.DataFrame:
    """Run the whole pipeline over one article.

    Args:
        article: a cleaned article (see ``pipeline.article``).
    Returns:
        A DataFrame with the columns of ``EVENT_COLUMNS`` (empty, with those columns, when the
        article has no dated happening).
    Raises:
        StageError: a stage failed; the message names the stage.
    """
    return events_frame(extract_events(article), article)


def empty_events() -> pd.DataFrame:
    """An empty event table with the contract's columns."""
    return events_frame([])


__all__ = ["StageError", "annotate", "empty_events", "event_rows", "events_frame", "extract_article",
           "extract_events"]
