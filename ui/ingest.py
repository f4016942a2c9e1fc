"""Adding articles from the browser: read an upload, pasted text or a link, run the pipeline, store it."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Callable

from pipeline.article import MAX_ARTICLE_BYTES, ArticleError, article_from_text, read_article_bytes
from pipeline.records import Article, WebFetch

# Stated on screen; larger files are refused (never above what the article reader accepts, and
# .streamlit/config.toml sets the same 2 MB as the uploader's own limit).
MAX_UPLOAD_BYTES = min(2 * 1024 * 1024, MAX_ARTICLE_BYTES)
ACCEPTED_SUFFIXES = (".txt", ".html", ".htm")
MAX_LINKS = 10   # inclusive: links read in one go (each is fetched while the page waits)


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


def read_links(text: str, published: date | None = None, fetcher=None) -> tuple[list[tuple[Article, WebFetch]], list[str]]:
    """Articles from the links in ``text`` (separated by spaces or lines), each with its fetch,
    and one line per link that cannot be fetched or read (the others are read all the same).

    Pages are fetched with ``pipeline.fetch`` (private addresses refused unless
    TIMELINE_ALLOW_PRIVATE_FETCH=1, at most the upload limit); their HTML is only read, never shown."""
    from pipeline.fetch import FetchError, Fetcher, FetchSettings
    from pipeline.web import is_url, read_url_article, url_problem

    links = list(dict.fromkeys((text or "").split()))
    if len(links) > MAX_LINKS:
        return [], [f"{len(links)} links: give at most {MAX_LINKS} at a time"]
    found: list[tuple[Article, WebFetch]] = []
    errors: list[str] = []
    own = fetcher is None
    if own:
        settings = FetchSettings.from_env()
        fetcher = Fetcher(settings if settings.max_bytes <= MAX_UPLOAD_BYTES
                          else FetchSettings.from_env(max_bytes=MAX_UPLOAD_BYTES))
    try:
        for link in links:
            problem = url_problem(link) if is_url(link) else "not a link (http://... or https://...)"
            if problem:
                errors.append(f"{link[:200]}: {problem}")
                continue
            try:
                art, web = read_url_article(link, fetcher, published)
                found.append((_checked(art, link), web))
            except (FetchError, ArticleError) as err:
                errors.append(str(err).splitlines()[0] if str(err) else f"{link[:200]}: cannot be read")
    finally:
        if own:
            fetcher.close()
    return found, errors


def _checked(art: Article, label: str) -> Article:
    if not (art.title.strip() or art.text.strip()):
        raise ArticleError(f"{label} has no readable text")
    return art


def with_published(art: Article, published: date) -> Article:
    """The same article with the publication date the analyst confirmed (the id does not depend on it)."""
    return replace(art, published=published, published_assumed=False)


def ingest(art: Article, url: str, progress: Callable[[float, str], None] = lambda f, m: None,
           web: WebFetch | None = None):
    """Run the pipeline on ``art`` and add it to the store at ``url`` (with ``web``, how it was
    fetched, for an article read from a link); returns the store's AddResult."""
    from pipeline.extract import event_rows, extract_events
    from pipeline.storage import storage_rows
    from pipeline.store import open_store

    progress(0.1, "Finding dates, places, actors and events…")
    events = extract_events(art)
    progress(0.7, f"Storing {len(events)} event{'s' if len(events) != 1 else ''}…")
    with open_store(url) as store:
        result = store.add_article(art, storage_rows(art, event_rows(events, art)), web)
    progress(1.0, "Done")
    return result


def added_message(events_added: int, mentions_merged: int) -> str:
    """What adding one article did to the store, as the page says it (``AddResult``'s counts:
    ``events_added`` is the change in the store's events, below 0 when the article's news joined
    stored reports of one happening into one event)."""
    def events(n: int) -> str:
        return f"{n} event{'' if n == 1 else 's'}"
    merged = f"{mentions_merged} merged into known events"
    if events_added >= 0:
        return f"{events(events_added).replace('event', 'new event', 1)}, {merged}."
    return f"{merged}; the store holds {events(-events_added)} fewer: reports of one happening joined."
