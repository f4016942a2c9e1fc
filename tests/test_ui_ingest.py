"""Adding articles from the browser: clear one-line errors, nothing stored on failure, dates confirmed."""
from datetime import date

import pytest

from pipeline.article import ArticleError
from pipeline.store import open_store
from ui.ingest import MAX_UPLOAD_BYTES, ingest, read_pasted, read_upload, with_published

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
