"""Adding articles from the browser: clear one-line errors, nothing stored on failure, dates confirmed."""
from datetime import date

import pytest

from pipeline.article import ArticleError
from pipeline.store import open_store
from ui.ingest import MAX_UPLOAD_BYTES, added_message, ingest, read_pasted, read_upload, with_published

TEXT = ("Canada and China sign canola deal\n\n"
        "On March 3, 2026, Canada and China signed a canola agreement in Ottawa.")


@pytest.mark.parametrize("data, name, fragment", [
    (b"", "empty.txt", "empty"),
    (b"   \n\t ", "blank.txt", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, "image.txt", "binary"),
    (b"x" * (MAX_UPLOAD_BYTES + 1), "big.txt", "limit"),
    (b"hello", "report.pdf", "only .txt and .html"),
])
def test_ingest_rejects_bad_uploads(data, name, fragment):
    with pytest.raises(ArticleError) as err:
        read_upload(data, name)
    assert fragment in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_ingest_rejects_empty_paste(text):
    with pytest.raises(ArticleError, match="empty"):
        read_pasted(text)


def test_ingest_reads_text_and_html_uploads():
    art = read_upload(TEXT.encode(), "deal.txt", date(2026, 3, 4))
    assert art.title == "Canada and China sign canola deal" and art.published == date(2026, 3, 4)
    page = (b"<html><head><title>Canola deal</title></head><body><article><h1>Canola deal</h1>"
            b"<p>On March 3, 2026, Canada and China signed a canola agreement in Ottawa, officials said "
            b"on Tuesday in a statement.</p></article></body></html>")
    assert "canola" in read_upload(page, "deal.html").text.lower()


def test_ingest_confirmed_date_replaces_assumed_one():
    art = read_pasted(TEXT)
    fixed = with_published(art, date(2026, 3, 4))
    assert fixed.published == date(2026, 3, 4) and not fixed.published_assumed
    assert fixed.title == art.title and fixed.text == art.text


def test_ingest_adds_once_and_reports_progress(tmp_path):
    url = f"sqlite:///{tmp_path / 'ingest.db'}"
    steps = []
    art = with_published(read_pasted(TEXT), date(2026, 3, 4))
    first = ingest(art, url, lambda frac, msg: steps.append(frac))
    again = ingest(art, url)
    assert first.new and not again.new
    assert steps[-1] == 1.0 and steps == sorted(steps)
    with open_store(url) as store:
        assert store.counts()["articles"] == 1
        assert len(store.events_frame()) == first.events_added


def test_ingest_read_links_reads_good_links_and_reports_the_others(local_web):
    from ui.ingest import read_links

    text = "\n".join([local_web.url("/redirect/1"), local_web.url("/status/404"), "file:///etc/passwd",
                      "not-a-link", local_web.url("/binary"), local_web.url("/redirect/1")])
    found, errors = read_links(text)
    assert [(a.title, a.url, w.status) for a, w in found] == [
        ("Canada and China Resume Canola Talks", local_web.url("/page.html"), 200)]
    assert errors == [f"{local_web.url('/status/404')}: HTTP 404 Not Found",
                      "file:///etc/passwd: only http and https URLs can be fetched, not file:",
                      "not-a-link: not a link (http://... or https://...)",
                      f"{local_web.url('/binary')}: not a text or HTML file (binary data)"]
    assert all("\n" not in e for e in errors)


def test_ingest_read_links_refuses_private_addresses_by_default(local_web, monkeypatch):
    from ui.ingest import read_links

    monkeypatch.delenv("TIMELINE_ALLOW_PRIVATE_FETCH")
    found, errors = read_links(local_web.url("/page.html") + " http://169.254.169.254/latest/meta-data/")
    assert found == [] and len(errors) == 2 and all("refused" in e for e in errors)
    assert local_web.requests == []


def test_ingest_read_links_caps_the_number_of_links():
    from ui.ingest import MAX_LINKS, read_links

    found, errors = read_links(" ".join(f"https://example.org/{i}" for i in range(MAX_LINKS + 1)))
    assert found == [] and errors == [f"{MAX_LINKS + 1} links: give at most {MAX_LINKS} at a time"]


def test_ingest_link_is_stored_with_its_fetch(local_web, tmp_path):
    from ui.ingest import read_links

    url = f"sqlite:///{tmp_path / 'links.db'}"
    (art, web), = read_links(local_web.url("/redirect/2"))[0]
    result = ingest(with_published(art, date(2025, 3, 21)), url, web=web)
    assert result.new and result.events_added > 0
    with open_store(url) as store:
        state = store.article_fetch(art.article_id)
        assert (state.url, state.final_url, state.http_status) == (
            local_web.url("/redirect/2"), local_web.url("/page.html"), 200)
        assert store.articles_frame()["url"].tolist() == [local_web.url("/page.html")]


@pytest.mark.parametrize("added, merged, expected", [
    (3, 2, "3 new events, 2 merged into known events."),
    (1, 0, "1 new event, 0 merged into known events."),
    (0, 4, "0 new events, 4 merged into known events."),
    (-1, 2, "2 merged into known events; the store holds 1 event fewer: reports of one happening joined."),
])
def test_ingest_added_message_says_what_the_store_gained(added, merged, expected):
    assert added_message(added, merged) == expected
