"""Adding articles from the browser: read an upload or pasted text, run the pipeline, store it."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Callable

from pipeline.article import MAX_ARTICLE_BYTES, ArticleError, article_from_text, read_article_bytes
from pipeline.records import Article

# Stated on screen; larger files are refused (never above what the article reader accepts, and
# .streamlit/config.toml sets the same 2 MB as the uploader's own limit).
MAX_UPLOAD_BYTES = min(2 * 1024 * 1024, MAX_ARTICLE_BYTES)
ACCEPTED_SUFFIXES = (".txt", ".html", ".htm")


def limit_text() -> str:
    """The size limit as the page states it."""
    return f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB"


def read_upload(data: bytes, name: str, published: date | None = None) -> Article:
    """An Article from an uploaded file; ArticleError (one line) when it is empty, binary or too large."""
    label = name or "upload"
    if not label.lower().endswith(ACCEPTED_SUFFIXES):
        raise ArticleError(f"{label}: only .txt and .html files can be added")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ArticleError(f"{label} is {len(data) / 1_048_576:.1f} MB: the limit is {limit_text()}")
    if not data.strip():
        raise ArticleError(f"{label} is empty")
    art = read_article_bytes(data, label, published)
    return _checked(art, label)


def read_pasted(text: str, published: date | None = None) -> Article:
    """An Article from pasted text; ArticleError when it is empty or too large."""
    raw = text or ""
    if not raw.strip():
        raise ArticleError("the pasted text is empty")
    if len(raw.encode("utf-8", "replace")) > MAX_UPLOAD_BYTES:
        raise ArticleError(f"the pasted text is larger than {limit_text()}")
    return _checked(article_from_text(raw, published, path="pasted text"), "the pasted text")


def _checked(art: Article, label: str) -> Article:
    if not (art.title.strip() or art.text.strip()):
        raise ArticleError(f"{label} has no readable text")
    return art


def with_published(art: Article, published: date) -> Article:
    """The same article with the publication date the analyst confirmed (the id does not depend on it)."""
    return replace(art, published=published, published_assumed=False)


def ingest(art: Article, url: str, progress: Callable[[float, str], None] = lambda f, m: None):
    """Run the pipeline on ``art`` and add it to the store at ``url``; returns the store's AddResult."""
    from pipeline.extract import event_rows, extract_events
    from pipeline.storage import storage_rows
    from pipeline.store import open_store

    progress(0.1, "Finding dates, places, actors and events…")
    events = extract_events(art)
    progress(0.7, f"Storing {len(events)} event{'s' if len(events) != 1 else ''}…")
    with open_store(url) as store:
        result = store.add_article(art, storage_rows(art, event_rows(events, art)))
    progress(1.0, "Done")
    return result
