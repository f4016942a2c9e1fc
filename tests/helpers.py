"""Plain helpers the tests import (``from helpers import make_event``): hand-built event rows and
articles, generated corpora, and the one way a test adds events to a store."""
from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

from pipeline.records import EVENT_COLUMNS, Article


def make_event(event_id: str, date_start: str, date_end: str | None = None, precision: str = "day",
               title: str = "", countries=(), actors=(), event_code: str = "", quad_class=None, **extra) -> dict:
    """One event row with every column of EVENT_COLUMNS (hand-built test input)."""
    row = {c: "" for c in EVENT_COLUMNS}
    row.update(event_id=event_id, date_start=date_start, date_end=date_end or date_start, precision=precision,
               title=title, sentence=extra.pop("sentence", title), countries=tuple(countries), actors=tuple(actors),
               topics=tuple(extra.pop("topics", ())), regions=tuple(extra.pop("regions", ())),
               event_code=event_code, quad_class=quad_class, goldstein=extra.pop("goldstein", None),
               confidence=extra.pop("confidence", 0.5), sentence_index=extra.pop("sentence_index", 0),
               date_char_start=-1, date_char_end=-1, date_basis=extra.pop("date_basis", "explicit"))
    row.update(extra)
    return row


def make_article(article_id: str, published: str = "2025-11-01", title: str = "", text: str = "Body text.",
                 **kw) -> Article:
    """A hand-built Article."""
    return Article(article_id, title or f"Article {article_id}", text, date.fromisoformat(published), **kw)


SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "articles"


def make_corpus(folder: Path, n: int) -> list[str]:
    """Write ``n`` distinct articles (sample articles with a varying closing line) and a manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    with (SAMPLE_DIR / "manifest.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if (SAMPLE_DIR / r["file"]).is_file()]
    names, manifest = [], []
    for i in range(n):
        row = rows[i % len(rows)]
        name = f"{i:05d}-{row['file']}"
        text = (SAMPLE_DIR / row["file"]).read_text(encoding="utf-8")
        (folder / name).write_text(f"{text}\n\nThis copy was filed by correspondent number {i}.\n",
                                   encoding="utf-8")
        manifest.append({**row, "file": name, "title": f"{row['title']} ({i})"})
        names.append(name)
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "published", "source", "url", "title"])
        writer.writeheader()
        writer.writerows(manifest)
    return names


SAMPLE_ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"


def write_sample_folder(tmp_path: Path, n: int = 4) -> Path:
    """A copy of the first ``n`` sample articles with their manifest rows."""
    folder = tmp_path / "articles"
    folder.mkdir()
    with (SAMPLE_ARTICLES / "manifest.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:n]
    for row in rows:
        shutil.copy(SAMPLE_ARTICLES / row["file"], folder / row["file"])
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "published", "source", "url", "title"])
        writer.writeheader()
        writer.writerows(rows)
    return folder


def add_events(store, article: Article, events):
    """``store.add_article`` with ``events`` (a frame or dict rows) in the writer's one shape."""
    from pipeline.storage import storage_rows
    return store.add_article(article, storage_rows(article, events))


# ----- a local web server for the fetch, ingest-by-URL and watch tests (no network) ---------------

WEB_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"


class LocalWeb:
    """An HTTP server on 127.0.0.1 (a thread) serving ``tests/fixtures/web/`` and made-up answers.

    Files: ``/page.html``, ``/rss.xml``, ``/atom.xml``, ``/broken.xml`` ("{BASE}" in them becomes
    this server's address). Made up: ``/article/N.txt`` (sample article N, made distinct),
    ``/feed/N.xml`` (an RSS feed of articles 0..N-1, or of ``feed_items`` when set),
    ``/redirect/N`` (a chain of N redirects to /page.html), ``/to?url=U`` (one redirect to U),
    ``/status/N``, ``/flaky/KEY`` (500, then the page), ``/busy/KEY`` (429 with Retry-After: 1,
    then the page), ``/slow`` (headers after ``slow_s``), ``/huge`` (50 MB of HTML, generated),
    ``/binary`` (random bytes labelled text/html), ``/etag`` (the page, with an ETag and 304s),
    ``/feed-etag.xml`` (a feed of articles 0..2 with an ETag and 304s), ``/hostile.html`` (the page with
    markup in its headline and a script).
    ``requests`` lists (path, headers) of every request; ``page_delay_s`` slows article pages."""

    def __init__(self) -> None:
        import threading
        from http.server import ThreadingHTTPServer

        self.requests: list[tuple[str, dict]] = []
        self.hits: dict[str, int] = {}
        self.slow_s = 2.0
        self.page_delay_s = 0.0
        self.feed_items: list[int] | None = None
        self._samples = sorted(p for p in SAMPLE_DIR.glob("*.txt") if p.name != "carney-china.txt")
        web = self
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(web))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def article_text(self, i: int) -> str:
        text = self._samples[i % len(self._samples)].read_text(encoding="utf-8")
        return f"{text}\n\nThis copy was filed by correspondent number {i}.\n"

    def feed_xml(self, items) -> str:
        parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Local wire</title>'
                 f"<link>{self.base}/</link><description>generated</description>"]
        for i in items:
            parts.append(f"<item><title>Story {i}</title><link>{self.base}/article/{i}.txt</link>"
                         f"<guid>local-{i}</guid><pubDate>Fri, 31 Oct 2025 09:00:00 GMT</pubDate></item>")
        parts.append("</channel></rss>")
        return "".join(parts)

    def paths(self) -> list[str]:
        return [p for p, _ in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler_class(web: LocalWeb):
    import os
    import time
    from http.server import BaseHTTPRequestHandler
    from urllib.parse import parse_qs, urlsplit

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
                  headers: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if body:
                self.wfile.write(body)

        def _stream_50mb(self, fill: bytes, header: tuple[str, str]) -> None:
            """A 50 MB HTML answer (sized by ``header``, or closed at its end); the client may hang up."""
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header(*header)
            self.end_headers()
            self.close_connection = True
            chunk = b"<p>" + fill * 65_530 + b"</p>\n"
            try:
                for _ in range(50 * 1024 * 1024 // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass

        def _fixture(self, name: str) -> bytes:
            return (WEB_FIXTURES / name).read_text(encoding="utf-8").replace("{BASE}", web.base).encode("utf-8")

        def do_GET(self) -> None:  # noqa: C901 - one branch per made-up answer
            web.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            parts = urlsplit(self.path)
            path = parts.path
            count = web.hits[path] = web.hits.get(path, 0) + 1
            seg = path.strip("/").split("/")
            if path in ("/page.html",):
                return self._send(200, self._fixture("page.html"))
            if path in ("/rss.xml", "/atom.xml", "/broken.xml"):
                ctype = "application/atom+xml" if path == "/atom.xml" else "application/rss+xml"
                return self._send(200, self._fixture(path[1:]), ctype)
            if seg[0] == "article" and len(seg) == 2:
                if web.page_delay_s:
                    time.sleep(web.page_delay_s)
                i = int(seg[1].split(".")[0])
                return self._send(200, web.article_text(i).encode("utf-8"), "text/plain; charset=utf-8")
            if seg[0] == "feed":
                n = int(seg[1].split(".")[0])
                items = web.feed_items if web.feed_items is not None else range(n)
                return self._send(200, web.feed_xml(items).encode("utf-8"), "application/rss+xml")
            if seg[0] == "redirect":
                n = int(seg[1])
                return self._send(302, headers={"Location": f"/redirect/{n - 1}" if n > 1 else "/page.html"})
            if path == "/to":
                return self._send(302, headers={"Location": parse_qs(parts.query)["url"][0]})
            if seg[0] == "status":
                return self._send(int(seg[1]), b"<html><body>no</body></html>")
            if seg[0] == "flaky":
                return self._send(500, b"oops") if count == 1 else self._send(200, self._fixture("page.html"))
            if seg[0] == "busy":
                if count == 1:
                    return self._send(429, b"slow down", headers={"Retry-After": "1"})
                return self._send(200, self._fixture("page.html"))
            if path == "/slow":
                time.sleep(web.slow_s)
                return self._send(200, self._fixture("page.html"))
            if path == "/huge":
                return self._stream_50mb(b"x", ("Content-Length", str(50 * 1024 * 1024)))
            if path == "/huge-unsized":
                return self._stream_50mb(b"y", ("Connection", "close"))
            if path == "/binary":
                return self._send(200, os.urandom(20_000), "text/html")
            if path == "/hostile.html":
                page = self._fixture("page.html").replace(
                    b"<h1>Canada and China Resume Canola Talks</h1>",
                    b"<h1>Canada &lt;script&gt;alert(1)&lt;/script&gt; China Resume Canola Talks</h1>"
                    b"<script>alert(2)</script><img src=x onerror=alert(3)>")
                return self._send(200, page)
            if path == "/feed-etag.xml":
                if self.headers.get("If-None-Match") == '"f1"':
                    return self._send(304, headers={"ETag": '"f1"'})
                return self._send(200, web.feed_xml(range(3)).encode("utf-8"), "application/rss+xml",
                                  headers={"ETag": '"f1"'})
            if path == "/etag":
                if self.headers.get("If-None-Match") == '"v1"':
                    return self._send(304, headers={"ETag": '"v1"'})
                return self._send(200, self._fixture("page.html"),
                                  headers={"ETag": '"v1"', "Last-Modified": "Fri, 21 Mar 2025 20:05:00 GMT"})
            return self._send(404, b"<html><body>not found</body></html>")

    return Handler


def count_articles(path) -> int:
    """Articles in the SQLite store file ``path``, read-only (0 while it does not exist or is
    being created): what a test watching a running ingest polls."""
    import sqlite3
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0
