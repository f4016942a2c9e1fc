"""Tests for pipeline.article: encodings, HTML, publication dates, bad input, ids, the seed."""
from __future__ import annotations

import gzip
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.article import (MAX_ARTICLE_BYTES, ArticleError, article_from_text, article_id_for,
                              parse_published, read_article, read_article_bytes)
from pipeline.records import Article

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "articles"
SEED = ROOT / "data" / "articles" / "carney-china.txt"
TODAY = date(2026, 11, 29)   # pinned "today" for assumed publication dates

HEAD = "Montréal Exporters Welcome Canola Talks"
BODY = ("MONTRÉAL, March 21, 2025 — Exporters in Montréal said the “renewed” talks were a relief, "
        "and the café owners’ association agreed. Prices could rise by 5 per cent.")
TEXT = f"{HEAD}\n\n{BODY}\n"
EXPECTED_BODY = ("Exporters in Montréal said the “renewed” talks were a relief, and the café owners’ "
                 "association agreed. Prices could rise by 5 per cent.")
LATIN1_TEXT = TEXT.replace("“", '"').replace("”", '"').replace("’", "'").replace("—", "-")
LATIN1_BODY = EXPECTED_BODY.replace("“", '"').replace("”", '"').replace("’", "'")


def _zip_bytes() -> bytes:
    """A small .docx-like zip archive."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", TEXT)
    return buf.getvalue()


# --- encodings --------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, text, body", [
    ("utf-8", TEXT, EXPECTED_BODY),
    ("utf-8-sig", TEXT, EXPECTED_BODY),
    ("utf-16", TEXT, EXPECTED_BODY),            # with BOM
    ("utf-16-le", TEXT, EXPECTED_BODY),         # without BOM
    ("utf-16-be", TEXT, EXPECTED_BODY),         # without BOM
    ("utf-32", TEXT, EXPECTED_BODY),
    ("cp1252", TEXT, EXPECTED_BODY),            # curly quotes and the em dash are cp1252-only
    ("latin-1", LATIN1_TEXT, LATIN1_BODY),
])
def test_article_encodings(tmp_path, encoding, text, body):
    path = tmp_path / f"montreal-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    art = read_article(path, today=TODAY)
    assert art.title == HEAD
    assert art.text == body
    assert art.published == date(2025, 3, 21) and not art.published_assumed
    assert art.path == str(path)


def test_article_same_content_same_id_across_encodings_and_paths(tmp_path):
    ids = set()
    for i, enc in enumerate(("utf-8", "utf-16", "cp1252")):
        path = tmp_path / f"copy{i}.txt"
        path.write_bytes(TEXT.replace("\n", "\r\n").encode(enc) if i == 2 else TEXT.encode(enc))
        ids.add(read_article(path, today=TODAY).article_id)
    ids.add(read_article(tmp_path / "copy0.txt", date(2025, 3, 22), today=TODAY).article_id)
    assert len(ids) == 1
    other = article_from_text(TEXT.replace("5 per cent", "6 per cent"), today=TODAY)
    assert other.article_id not in ids
    assert len(other.article_id) == 16 and int(other.article_id, 16) >= 0


@pytest.mark.parametrize("a, b, same", [
    (("Title", "Body text."), ("title", "Body   text."), True),
    (("Title", "Body text."), ("Title", "Body text!"), False),
    (("Title A", "Body text."), ("Title B", "Body text."), False),
])
def test_article_id_normalises_case_and_spaces(a, b, same):
    assert (article_id_for(*a) == article_id_for(*b)) is same


# --- HTML -------------------------------------------------------------------------------------

def test_article_html_page_main_text_title_and_meta_date():
    art = read_article(FIXTURES / "canola-page.html", today=TODAY)
    assert art.title == "Canada and China Resume Canola Talks"
    assert art.published == date(2025, 3, 21) and not art.published_assumed
    assert art.source == "Prairie Ledger"
    assert art.text.startswith("Canadian and Chinese trade officials agreed on Friday")
    assert art.text.endswith("according to a statement from Agriculture and Agri-Food Canada.")
    assert len(art.text.split("\n\n")) == 3
    for junk in ("Home", "Farm markets", "Share this", "Most read", "Hockey", "Copyright",
                 "Privacy", "dataLayer", "Subscribe", "color: red", "By Jane Doe", "REGINA"):
        assert junk not in art.text


def test_article_html_messy_page_widgets_inside_article():
    art = read_article(FIXTURES / "messy-page.html", today=TODAY)
    assert art.title == "China lifts some canola curbs, Ottawa says"
    assert (art.published, art.source) == (date(2025, 11, 4), "The Northern Wire")
    assert art.text.split("\n\n") == [
        "China has lifted some restrictions on Canadian canola shipments, the agriculture minister "
        "said on Tuesday, in the first sign of relief for farmers since the duties were imposed in March.",
        "The minister said talks with Chinese counterparts would continue next week and that the "
        "remaining duties on canola oil and meal were still in place.",
        "Industry groups welcomed the move but warned that prices would take months to recover.",
    ]


def test_article_html_in_cp1252():
    page = ("<html><head><meta charset='windows-1252'><title>Caf\u00e9 talks</title></head><body><article>"
            "<h1>Caf\u00e9 talks</h1><p>Officials met at a caf\u00e9 in Montr\u00e9al on Monday \u2014 "
            "\u201cquietly\u201d, aides said \u2014 to discuss the canola dispute and next steps.</p>"
            "</article></body></html>")
    art = read_article_bytes(page.encode("cp1252"), "cafe.html", date(2025, 5, 5))
    assert art.title == "Caf\u00e9 talks"
    assert "caf\u00e9 in Montr\u00e9al on Monday \u2014 \u201cquietly\u201d" in art.text


@pytest.mark.parametrize("fixture, published, title", [
    ("jsonld-page.html", date(2025, 1, 28), "Inquiry Report Released"),   # JSON-LD datePublished
    ("undated-page.html", date(2026, 1, 19), "Trade Review Looms"),       # dateline in the text
])
def test_article_html_dates(fixture, published, title):
    art = read_article(FIXTURES / fixture, today=TODAY)
    assert (art.published, art.published_assumed, art.title) == (published, False, title)


def test_article_published_overrides_html_metadata():
    art = read_article(FIXTURES / "canola-page.html", date(2025, 4, 1), today=TODAY)
    assert art.published == date(2025, 4, 1) and not art.published_assumed


@pytest.mark.parametrize("name", ["page.html", "page.htm", "page", "upload.bin", "page.txt"])
def test_article_upload_html_sniffed_by_name_or_content(name):
    data = (FIXTURES / "canola-page.html").read_bytes()
    art = read_article_bytes(data, name, today=TODAY)
    assert art.title == "Canada and China Resume Canola Talks" and "<" not in art.text
    assert art.path == name


def test_article_text_starting_like_a_weak_signature_is_text():
    art = read_article_bytes(b"MZANSI Traders Eye Chinese Market\n\nTraders said on Monday they would "
                             b"look to China.\n", "mzansi.txt", date(2025, 1, 1))
    assert art.title == "MZANSI Traders Eye Chinese Market"


_PAGE_BODY = ("<p>Canadian and Chinese officials met in Ottawa on Monday to discuss canola tariffs and "
              "electric vehicle duties, officials said after the meeting ended.</p><p>Both sides agreed "
              "to meet again next month in Beijing to continue the talks on trade.</p>")


@pytest.mark.parametrize("head, h1, title", [
    ("Canada - China Talks Resume", "", "Canada - China Talks Resume"),
    ("Canada - China Talks Resume | Daily Example", "", "Canada - China Talks Resume"),
    ("Talks Resume - Daily Example", "", "Talks Resume"),
    ("Canada\u2013China relations: a timeline | CBC News", "", "Canada\u2013China relations: a timeline"),
    ("Canada &amp; China Talks | Daily Example", "Canada &amp; China <em>Talks</em>", "Canada & China Talks"),
])
def test_article_html_title(head, h1, title):
    h1 = f"<h1>{h1}</h1>" if h1 else ""
    page = f"<html><head><title>{head}</title></head><body>{h1}<div>{_PAGE_BODY}</div></body></html>"
    art = read_article_bytes(page.encode(), "p.html", date(2025, 1, 1))
    assert art.title == title
    assert art.text.startswith("Canadian and Chinese officials met in Ottawa")


def test_article_text_with_angle_brackets_is_not_html():
    raw = f"{HEAD}\n\nOfficials said tariffs <b>rose</b> and 3 < 5 on the list of complaints filed.\n"
    art = read_article_bytes(raw.encode(), "note.txt", date(2025, 1, 1))
    assert "<b>rose</b>" in art.text


def test_article_wire_text_fixture():
    art = read_article(FIXTURES / "wrapped-wire.txt", today=TODAY)
    assert art.title == "Ottawa Names New Envoy to Beijing"
    assert art.published == date(2019, 9, 6)
    assert art.text == ("Canada named a veteran diplomat as its new ambassador to China on Friday, as "
                        "the two countries remained at odds over the detention of two Canadian "
                        "citizens.\n\nThe appointment comes months after the previous envoy was "
                        "dismissed. Mr. Smith said the U.S. had been consulted.")


# --- publication dates ------------------------------------------------------------------------

@pytest.mark.parametrize("raw, published, expected, assumed", [
    pytest.param(TEXT, None, date(2025, 3, 21), False, id="dateline"),
    pytest.param(TEXT, date(2025, 3, 25), date(2025, 3, 25), False, id="override-beats-dateline"),
    pytest.param(TEXT, "2025-03-25", date(2025, 3, 25), False, id="override-as-string"),
    pytest.param(f"{HEAD}\n\nPublished: 13 January 2026\n\nCanada acted.", None, date(2026, 1, 13), False,
                 id="published-line"),
    pytest.param(f"{HEAD}\n\nCanada acted on Monday.", None, TODAY, True, id="no-date-assumed"),
    pytest.param(f"{HEAD}\n\nOTTAWA, Dec. 10, 2099 — Canada acted.", None, TODAY, True,
                 id="future-dateline-ignored"),
    pytest.param(f"{HEAD}\n\nOTTAWA, Dec. 10, 1850 — Canada acted.", None, TODAY, True,
                 id="ancient-dateline-ignored"),
])
def test_article_published(raw, published, expected, assumed):
    art = article_from_text(raw, published, today=TODAY)
    assert (art.published, art.published_assumed) == (expected, assumed)


def test_article_from_text_fields_and_fallback_title():
    art = article_from_text(TEXT, url="https://example.org/a", source="Example", path="a.txt",
                            title="Manifest Title", today=TODAY)
    assert isinstance(art, Article)
    assert (art.title, art.url, art.source, art.path) == ("Manifest Title", "https://example.org/a",
                                                          "Example", "a.txt")
    assert art.text == EXPECTED_BODY     # the file's own headline is still not body text
    untitled = article_from_text("OTTAWA — " + "Canada and China agreed on a long list of things "
                                 "that will take years to finish, officials said on Friday. More later.",
                                 today=TODAY)
    assert untitled.title == ("Canada and China agreed on a long list of things that will take years "
                              "to finish\u2026")
    assert len(untitled.title) <= 90


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["2026-13-01", "13/01/2026", "20260113", "2026-W02-1", "", "soon",
                                   "2026-1-5", "2026-01-13\n"])
def test_article_parse_published_rejects(value):
    if value == "2026-01-13\n":
        assert parse_published(value) == date(2026, 1, 13)   # surrounding whitespace is fine
        return
    with pytest.raises(ArticleError) as exc:
        parse_published(value)
    msg = str(exc.value)
    assert "\n" not in msg and "expected YYYY-MM-DD" in msg and repr(value) in msg


@pytest.mark.parametrize("name, data, message", [
    ("empty.txt", b"", "empty.txt: empty file (no text)"),
    ("blank.txt", b"  \n\t\r\n ", "blank.txt: empty file (no text)"),
    ("bom-only.txt", "\ufeff".encode("utf-16"), "bom-only.txt: empty file (no text)"),
    ("carney.bin", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "carney.bin: not a text or HTML file (binary data)"),
    ("carney.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "carney.txt: not a text or HTML file (binary data)"),
    ("noise.txt", bytes(range(256)) * 8, "noise.txt: not a text or HTML file (binary data)"),
    ("article.txt.gz", gzip.compress(TEXT.encode()), "article.txt.gz: not a text or HTML file (binary data)"),
    ("article.docx", _zip_bytes(), "article.docx: not a text or HTML file (binary data)"),
    ("a.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" * 20, "a.exe: not a text or HTML file (binary data)"),
    ("odd.txt", b"Canada \x81\x8d\x8f\x90\x9d and China \x81\x8d talks \x9d\x90",
     "odd.txt: cannot decode the text (not UTF-8, UTF-16, cp1252 or Latin-1)"),
    ("junk.txt", b"ON NOW\n\nFollow us on:\n\nd\n", "junk.txt: no article text left after removing junk lines"),
    ("head.txt", b"Just A Headline\n", "head.txt: no article text left after removing junk lines"),
    ("no-body.html", (FIXTURES / "no-body.html").read_bytes(),
     "no-body.html: HTML page without a body (no article text)"),
    ("empty-body.html", b"<!doctype html><html><head><title>T</title></head><body>\n </body></html>",
     "empty-body.html: HTML page without a body (no article text)"),
    ("script-only.html", b"<html><head><title>T</title></head><body><script>var a = 'words';</script>"
     b"<!-- a comment --></body></html>", "script-only.html: HTML page without a body (no article text)"),
    ("fragment.html", b"<p>Short note.</p>", "fragment.html: no article text found in the HTML page"),
    ("nav.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
     "nav.html: no article text found in the HTML page"),
    ("big.txt", b"a" * (MAX_ARTICLE_BYTES + 1),
     f"big.txt: file too large ({MAX_ARTICLE_BYTES + 1:,} bytes; the limit is {MAX_ARTICLE_BYTES:,} bytes)"),
    ("line\nbreak.txt", b"", "line\\nbreak.txt: empty file (no text)"),
])
def test_article_bad_upload_one_line_message(name, data, message):
    with pytest.raises(ArticleError) as exc:
        read_article_bytes(data, name, today=TODAY)
    assert str(exc.value) == message
    assert "\n" not in str(exc.value)


def test_article_bad_published_names_the_file():
    with pytest.raises(ArticleError) as exc:
        read_article_bytes(TEXT.encode(), "a.txt", "2026-02-30")
    assert str(exc.value) == "a.txt: invalid publication date '2026-02-30': expected YYYY-MM-DD"


def test_article_50mb_file_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:            # sparse: costs no disk and no time
        fh.truncate(50 * 1024 * 1024)
    real_open = open

    def no_open(*args, **kwargs):           # reading the file at all would be a bug
        raise AssertionError("the file was opened")
    monkeypatch.setattr("builtins.open", no_open)
    try:
        with pytest.raises(ArticleError) as exc:
            read_article(path)
    finally:
        monkeypatch.setattr("builtins.open", real_open)
    assert str(exc.value) == (f"{path}: file too large (52,428,800 bytes; the limit is "
                              f"{MAX_ARTICLE_BYTES:,} bytes)")


def test_article_size_limit_is_inclusive(tmp_path):
    para = "Canada and China held talks on canola and electric vehicles in Beijing on Friday. "
    body = (f"{HEAD}\n\n" + "".join(f"Paragraph {i}. {para}\n\n" for i in range(49_000)))
    data = body.encode("utf-8")
    data = data + b" " * (MAX_ARTICLE_BYTES - len(data))
    assert len(data) == MAX_ARTICLE_BYTES
    art = read_article_bytes(data, "limit.txt", date(2025, 1, 1))
    assert art.title == HEAD and art.text.count("Paragraph") == 49_000


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing.txt", "{p}/missing.txt: no such file"),
    (lambda p: p, "{p}: is a directory, not an article file"),
])
def test_article_bad_path_one_line_message(tmp_path, make, message):
    with pytest.raises(ArticleError) as exc:
        read_article(make(tmp_path))
    assert str(exc.value) == message.format(p=tmp_path)


def test_article_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text(TEXT, encoding="utf-8")

    def denied(*args, **kwargs):            # as for a file without read permission
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr("builtins.open", denied)
    with pytest.raises(ArticleError) as exc:
        read_article(path)
    monkeypatch.undo()
    assert str(exc.value) == f"{path}: permission denied"


def test_article_lone_surrogates_are_dropped():
    art = article_from_text(f"{HEAD}\n\nCanada \ud800and China met on Monday.", today=TODAY)
    assert art.text == "Canada and China met on Monday."
    art = article_from_text("Canada and China met on Monday.", title="Talks\udfff \u00a0Resume", today=TODAY)
    assert art.title == "Talks Resume"


@pytest.mark.parametrize("raw", ["", "   \n ", None])
def test_article_from_text_empty(raw):
    with pytest.raises(ArticleError) as exc:
        article_from_text(raw, path="x.txt")
    assert str(exc.value) == "x.txt: empty article (no text)"


_PIECES = st.sampled_from([b"<html>", b"<body>", b"</body>", b"<p>", b"</p>", b"<script>", b"\x00", b"\xff\xfe",
                           b"\xef\xbb\xbf", b"\x81", b"\xe9", b"Canada and China met.", b"\n\n", b"ON NOW",
                           b"OTTAWA, Dec. 10, 2018 \xe2\x80\x94 ", b"<meta property='article:published_time' "
                           b"content='2025-03-21'>", b"<!doctype html>", b"Title Line\n"])


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.lists(_PIECES, max_size=20).map(b"".join),
       st.sampled_from(["a.txt", "a.html", "upload", "b.htm"]))
def test_article_any_bytes_give_article_or_one_line_error(data, name):
    try:
        art = read_article_bytes(data, name, today=TODAY)
    except ArticleError as exc:
        assert str(exc).startswith(f"{name}: ") and "\n" not in str(exc)
        return
    assert isinstance(art, Article) and art.text and isinstance(art.title, str)
    assert len(art.article_id) == 16 and isinstance(art.published, date)


@pytest.mark.parametrize("path", sorted((ROOT / "data" / "articles").glob("[12][0-9][0-9][0-9]-*.txt")),
                         ids=lambda p: p.name)
def test_article_sample_corpus_dateline_gives_file_date(path):
    art = read_article(path, today=TODAY)
    assert art.published == date.fromisoformat(path.name[:10]) and not art.published_assumed
    assert art.title and "\n\n" in art.text
    assert " \u2014 " not in art.text.split("\n\n")[0][:40]     # the dateline is lifted out


# --- the seed article -------------------------------------------------------------------------

def test_article_seed_golden():
    art = read_article(SEED, date(2026, 1, 13))
    assert art.title == "Carney Faces Strategic Balancing Act As Canada Moves To Repair China Ties"
    assert art.published == date(2026, 1, 13) and not art.published_assumed
    assert art.text.startswith("Mark Carney visits China seeking trade diversification, while "
                               "carefully balancing relations with Beijing, Washington, and domestic "
                               "concerns.\n\nCanadian Prime Minister Mark Carney is travelling")
    assert art.text.endswith("Former diplomat Colin Robertson says Canada is pursuing its own "
                             "interests but is acutely aware the US is watching closely, calling the "
                             "moment a test of diplomatic realism and balance.")
    paras = art.text.split("\n\n")
    assert len(paras) == len(set(paras)) == 12
    for junk in ("ON NOW", "Follow us on:", "• en", "EXCERPT:", "Erizia Rubyjeana", "\u00a0"):
        assert junk not in art.text
    assert "d" not in paras and art.title not in art.text
    assert read_article(SEED, today=TODAY).published_assumed    # no date in the seed's text
    assert read_article(SEED, today=TODAY).article_id == art.article_id
