"""Articles from the web: URL lists, ``ingest URL``, ``ingest --urls``, ``extract URL``, against a local server."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.fetch import Fetcher, FetchSettings
from pipeline.ingest import run_ingest
from pipeline.store import open_store
from pipeline.web import is_url, read_url_article, read_url_list, url_problem

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, TIMELINE_ALLOW_PRIVATE_FETCH="1", TIMELINE_FETCH_HOST_DELAY_S="0",
               TIMELINE_FETCH_BACKOFF_S="0.01", TIMELINE_FETCH_TIMEOUT_S="2")
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("arg,url", [
    ("https://example.org/a", True), ("http://x", True), ("file:///etc/passwd", True), ("data/articles", False),
    ("C:\\news\\a.txt", False), ("a.txt", False), ("  https://example.org/b  ", True),
])
def test_web_is_url(arg, url):
    assert is_url(arg) is url


@pytest.mark.parametrize("url,problem", [
    ("https://example.org/a", ""), ("HTTP://EXAMPLE.ORG/", ""), ("file:///etc/passwd", "not file:"),
    ("gopher://x", "not gopher:"), ("https://example.org/" + "a" * 3000, "longer than 2048"),
])
def test_web_url_problem(url, problem):
    assert (problem in url_problem(url)) if problem else url_problem(url) == ""


def test_web_read_url_list(tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text("# today's reading\nhttps://example.org/a\n\n  https://example.org/b  \nfile:///etc/passwd\n"
                       "not a url\nhttps://example.org/a\n", encoding="utf-8")
    urls, errors = read_url_list(listing)
    assert urls == ["https://example.org/a", "https://example.org/b"]
    assert errors == [f"{listing}:5: file:///etc/passwd: only http and https URLs can be fetched, not file:",
                      f"{listing}:6: not a url: not a URL (http://... or https://...)"]
    assert read_url_list(tmp_path / "missing.txt")[1] == [f"{tmp_path / 'missing.txt'}: cannot read: No such file or directory"]


def test_web_read_url_article_records_the_final_url(local_web):
    fetcher = Fetcher(FetchSettings(allow_private=True, host_delay_s=0))
    article, web = read_url_article(local_web.url("/redirect/2"), fetcher)
    assert article.title == "Canada and China Resume Canola Talks"
    assert article.url == web.final_url == local_web.url("/page.html")
    assert str(article.published) == "2025-03-21"   # from the page's metadata
    assert (web.url, web.status, web.content_type) == (local_web.url("/redirect/2"), 200, "text/html")


def test_web_ingest_urls_records_fetches_and_links(local_web, tmp_path):
    db = f"sqlite:///{tmp_path / 't.db'}"
    urls = [local_web.url("/redirect/1"), local_web.url("/article/4.txt"), local_web.url("/status/404"),
            "file:///etc/passwd", local_web.url("/binary")]
    assert run_ingest(urls, db, workers=0, progress=False) == 1
    with open_store(db) as s:
        arts = s.articles_frame().set_index("url")
        assert set(arts.index) == {local_web.url("/page.html"), local_web.url("/article/4.txt")}
        page = s.fetch_state(local_web.url("/redirect/1"))
        assert (page.final_url, page.http_status) == (local_web.url("/page.html"), 200)
        assert page.article_id == arts.loc[local_web.url("/page.html"), "article_id"]
        assert page.fetched_at.startswith("20")
        # The final URL is each reporting article's link in the event detail.
        events = s.events_frame()
        sources = s.event_sources(events.loc[0, "event_id"])
        assert set(sources["url"]) <= set(arts.index)
        # The fetched but unreadable page is remembered as giving no article; a 404 is not stored.
        assert s.fetch_state(local_web.url("/binary")).article_id == ""
        assert s.fetch_state(local_web.url("/status/404")) is None


def test_web_ingest_url_again_is_conditional(local_web, tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 't.db'}"
    assert run_ingest([local_web.url("/etag")], db, workers=0, progress=False) == 0
    assert capsys.readouterr().out.startswith("ingest: 1 new articles")
    assert run_ingest([local_web.url("/etag")], db, workers=0, progress=False) == 0
    assert capsys.readouterr().out.startswith("ingest: 0 new articles, 1 already known")
    assert local_web.requests[-1][1]["if-none-match"] == '"v1"'   # answered 304: no body fetched
    with open_store(db) as s:
        assert s.counts()["articles"] == 1
        assert s.fetch_state(local_web.url("/etag")).http_status == 304


def test_web_cli_ingest_urls_file_reports_bad_lines_and_goes_on(local_web, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join([local_web.url("/article/1.txt"), "ftp://example.org/x",
                                  local_web.url("/status/404"), local_web.url("/flaky/z"),
                                  local_web.url("/article/2.txt")]) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 't.db'}"
    res = run_cli("ingest", "--urls", str(listing), "--db", db, "--workers", "0", "--no-progress")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert res.stdout.splitlines()[0] == ("ingest: 3 new articles, 0 already known, 2 failed; "
                                          + res.stdout.splitlines()[0].split("failed; ")[1])
    assert f"  failed: {listing}:2: ftp://example.org/x: only http and https URLs can be fetched, not ftp:" in res.stdout
    assert f"  failed: {local_web.url('/status/404')}: HTTP 404 Not Found" in res.stdout
    again = run_cli("ingest", local_web.url("/article/1.txt"), "--db", db, "--workers", "0", "--no-progress")
    assert again.returncode == 0 and again.stdout.startswith("ingest: 0 new articles, 1 already known")


def test_web_cli_ingest_needs_an_input():
    res = run_cli("ingest", "--db", "sqlite:///nowhere.db")
    assert res.returncode == 2 and "error: nothing to ingest" in res.stderr


def test_web_cli_extract_url(local_web):
    res = run_cli("extract", local_web.url("/page.html"), local_web.url("/status/410"), "file:///etc/passwd",
                  "--format", "csv")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {local_web.url('/status/410')}: HTTP 410 Gone",
                      "error: file:///etc/passwd: only http and https URLs can be fetched, not file:"]
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert rows and {r["article_title"] for r in rows} == {"Canada and China Resume Canola Talks"}


def test_web_cli_extract_refuses_private_addresses_by_default(local_web):
    env = {k: v for k, v in os.environ.items() if k != "TIMELINE_ALLOW_PRIVATE_FETCH"}
    res = subprocess.run([sys.executable, "-m", "pipeline", "extract", local_web.url("/page.html")], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 1
    assert "refused: 127.0.0.1 is at 127.0.0.1" in res.stderr and local_web.requests == []


def test_web_binary_page_with_html_type_is_one_line(local_web, tmp_path):
    res = run_cli("ingest", local_web.url("/binary"), "--db", f"sqlite:///{tmp_path / 't.db'}", "--workers", "0",
                  "--no-progress")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "not a text or HTML file (binary data)" in res.stdout


def test_web_csv_export_carries_the_article_links(local_web, tmp_path):
    from pipeline.export import run_export
    from pipeline.query import Filters

    db = f"sqlite:///{tmp_path / 't.db'}"
    assert run_ingest([local_web.url("/redirect/1")], db, workers=0, progress=False) == 0
    out = io.BytesIO()
    assert run_export(db, "csv", Filters(), out) == 0
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8"))))
    assert rows and {r["article_urls"] for r in rows} == {local_web.url("/page.html")}


def test_web_page_markup_is_never_rendered(local_web, tmp_path):
    from ui.detail import event_detail_html

    db = f"sqlite:///{tmp_path / 't.db'}"
    assert run_ingest([local_web.url("/hostile.html")], db, workers=0, progress=False) == 0
    with open_store(db) as s:
        events = s.events_frame()
        assert len(events)
        html = event_detail_html(events.iloc[0].to_dict(), s.event_sources(events.loc[0, "event_id"]))
    assert "<script" not in html and "<img" not in html
    assert f'href="{local_web.url("/hostile.html")}"' in html
