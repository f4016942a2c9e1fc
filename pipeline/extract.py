"""The orchestrator: run every stage over one article and return its event table.

Stages run in order (sentences, temporal tagging, countries, regions, actors, then event
assembly with topics, CAMEO codes and the knowledge base). Each stage's output is checked
against its contract and a failure names the stage, so a batch can report and skip one article.
"""
from __future__ import annotations

import pandas as pd

from pipeline import actors, cameo, geo, knowledge, sentences, timex, topics
from pipeline.records import EVENT_COLUMNS, Article, Event
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


# Column dtypes that pandas would not infer from an empty table (or from None cells).
_NUMERIC_DTYPES = {"goldstein": "float64", "confidence": "float64", "sentence_index": "int64",
                   "date_char_start": "int64", "date_char_end": "int64"}


def events_frame(events: list[Event], article: Article | None = None) -> pd.DataFrame:
    """Return events as a DataFrame with exactly the columns of ``EVENT_COLUMNS``."""
    if not events:
        return pd.DataFrame({c: pd.Series(dtype=_NUMERIC_DTYPES.get(c, "object")) for c in EVENT_COLUMNS})
    nan = float("nan")
    published = article.published.isoformat() if article else ""
    title = article.title if article else ""
    # Built column by column: one DataFrame per article is on the hot path of every ingest.
    cols = {
        "event_id": [e.event_id for e in events],
        "article_id": [e.article_id for e in events],
        "date_start": [e.date_start.isoformat() for e in events],
        "date_end": [e.date_end.isoformat() for e in events],
        "precision": [e.precision for e in events],
        "timex_value": [e.timex_value for e in events],
        "date_text": [e.date_text for e in events],
        "date_basis": [e.date_basis for e in events],
        "tense": [e.tense for e in events],
        "title": [e.title for e in events],
        "sentence": [e.sentence for e in events],
        "countries": [e.countries for e in events],
        "actors": [e.actors for e in events],
        "topics": [e.topics for e in events],
        "event_code": [e.event_code for e in events],
        "goldstein": [nan if e.goldstein is None else float(e.goldstein) for e in events],
        "confidence": [float(e.confidence) for e in events],
        "regions": [e.regions for e in events],
        "quad_class": [e.quad_class for e in events],
        "sentence_index": [int(e.sentence_index) for e in events],
        "date_char_start": [int(e.date_offset[0]) for e in events],
        "date_char_end": [int(e.date_offset[1]) for e in events],
        "published": [published] * len(events),
        "article_title": [title] * len(events),
    }
    return pd.DataFrame(cols, columns=list(EVENT_COLUMNS))


def extract_events(article: Article) -> list[Event]:
    """Run the whole pipeline over one article and return its events as records."""
    ann = annotate(article)
    return _run("events", build_events, article, ann, cameo.classify_event,
                topics.classify_topics, knowledge.find_summit_references)


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


__all__ = ["StageError", "annotate", "empty_events", "events_frame", "extract_article",
           "extract_events"]
