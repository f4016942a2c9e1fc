"""Articles from the web: URL arguments and URL lists for ``ingest`` and ``extract``, pages turned
into ingest units, and one page read into an Article (the dashboard's *Add by link*).

Pages are fetched in the process that writes the store (``pipeline.fetch``: one place for the
per-host pauses, the address checks and the validators the store keeps); their bytes then go to
the workers like a file's. A page whose stored copy the server says is unchanged (304) is not
fetched again and counts as already known.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.article import display_name, read_article_bytes
from pipeline.fetch import Fetched, Fetcher, FetchError
from pipeline.ingest import Skipped, Unit
from pipeline.records import Article, WebFetch

# "scheme://...": an argument naming a URL rather than a file (file:// included, to refuse it).
_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
MAX_URL_CHARS = 2048   # inclusive: longer lines of a URL list are refused


def is_url(arg: str) -> bool:
    """True when a command-line input is a URL (any scheme), not a path."""
    return bool(_URL_LIKE.match(str(arg).strip()))


def url_problem(url: str) -> str:
    """Why ``url`` cannot be fetched at all ("" when it may be): a scheme other than http(s)."""
    text = url.strip()
    if len(text) > MAX_URL_CHARS:
        return f"URL longer than {MAX_URL_CHARS} characters"
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme not in ("http", "https"):
        return "only http and https URLs can be fetched" + (f", not {scheme}:" if scheme else "")
    return ""


def read_url_list(path: str | Path) -> tuple[list[str], list[str]]:
    """The URLs of a text file, one per line (blank lines and ``#`` comments skipped), and one
    error line per line that is not an http(s) URL or when the file cannot be read."""
    name = display_name(str(path))
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            lines = fh.read(64 * 1024 * 1024).splitlines()
    except OSError as err:
        return [], [f"{name}: cannot read: {err.strerror or err}"]
    urls: list[str] = []
    errors: list[str] = []
    for lineno, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        problem = url_problem(text) if is_url(text) else "not a URL (http://... or https://...)"
        if problem:
            errors.append(f"{name}:{lineno}: {display_name(text[:120])}: {problem}")
        elif text not in urls:
            urls.append(text)
    return urls, errors


def web_fetch(got: Fetched, feed_url: str = "", entry_id: str = "") -> WebFetch:
    """The record of a fetch that the store keeps (``fetches``, ``feed_entries``)."""
    return WebFetch(got.url, got.final_url, got.status, got.fetched_at, got.etag, got.last_modified,
                    got.content_type, feed_url, entry_id)


def fetch_page(url: str, fetcher: Fetcher, store=None, feed_url: str = "", entry_id: str = "") -> Fetched | Skipped:
    """Fetch a page, conditionally when ``store`` holds an article from it: a ``Skipped`` when the
    server says it has not changed. Raises FetchError."""
    state = store.fetch_state(url) if store is not None else None
    known = state is not None and bool(state.article_id)
    got = fetcher.fetch(url, etag=state.etag if known else "", last_modified=state.last_modified if known else "")
    if got.not_modified:
        return Skipped(display_name(url), web_fetch(got, feed_url, entry_id), state.article_id if state else "")
    return got


def page_unit(got: Fetched, published: date | None = None, any_date: bool = False, source: str = "",
              feed_url: str = "", entry_id: str = "") -> Unit:
    """The ingest unit of a fetched page: its bytes, read by a worker like a file's."""
    return Unit(display_name(got.url), got.final_url, published, got.final_url, source, "", None, got.body,
                any_date, web_fetch(got, feed_url, entry_id))


def url_units(urls: Iterable[str], fetcher: Fetcher, store, published: date | None = None,
              any_date: bool = False) -> Iterator[Unit | Skipped | str]:
    """Stream the ingest units of ``urls``, fetched one after the other; a string is a URL that
    failed (one line)."""
    for url in urls:
        try:
            got = fetch_page(url, fetcher, store)
        except FetchError as err:
            yield str(err)
            continue
        yield got if isinstance(got, Skipped) else page_unit(got, published, any_date)


def read_url_article(url: str, fetcher: Fetcher, published: date | None = None,
                     any_date: bool = False) -> tuple[Article, WebFetch]:
    """Fetch one page and read it into an Article (its ``url`` the final URL), with the record of
    the fetch. Raises FetchError or ArticleError (one line each)."""
    got = fetcher.fetch(url)
    article = read_article_bytes(got.body, got.final_url, published, url=got.final_url, any_date=any_date,
                                 html=True if got.is_html else None)
    return article, web_fetch(got)
