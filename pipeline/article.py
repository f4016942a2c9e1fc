"""Article input: read plain-text or HTML articles (files or uploaded bytes) into ``Article``.

Bytes are decoded (UTF-8 with or without BOM, UTF-16/32 with BOM or sniffed, cp1252, Latin-1),
HTML pages go through trafilatura for the main text and htmldate for the publication date, and
the text is cleaned by ``pipeline.clean``. The publication date is, in order: the caller's
``published`` (``--published``), the page's metadata (HTML), the text's dateline, else ``today``
with ``published_assumed=True``. Every bad input raises ``ArticleError`` with a one-line message
naming the file; nothing else escapes.
"""
from __future__ import annotations

import codecs
import hashlib
import html as htmllib
import re
import unicodedata
from datetime import date, timedelta
from pathlib import Path

from pipeline.clean import clean_text, normalize_text
from pipeline.records import Article
from pipeline.sentences import split_sentences

MAX_ARTICLE_BYTES = 5_000_000          # inclusive upper bound on an article file or upload
MIN_PUBLISHED_DATE = date(1900, 1, 1)  # inclusive: earlier datelines/metadata dates are ignored
MAX_FUTURE_DAYS = 1                    # a found date may be at most this many days after today
# A publication date given by the user (--published, a manifest, a dump) must lie between these,
# both inclusive, unless they say --any-date: 9999-12-31 or 0001-01-01 is a typo, and one such
# article stretched the dashboard's time axis over millennia for everyone.
EARLIEST_PUBLISHED = date(1800, 1, 1)
LATEST_PUBLISHED_DAYS = 365            # days after today
TITLE_FALLBACK_CHARS = 90              # inclusive: a title made from the first sentence
MAX_UNDEFINED_CP1252_PER_MILLE = 1     # inclusive: stray bytes cp1252 cannot map, per 1000 bytes
MAX_CONTROL_PER_CENT = 5               # inclusive: control bytes in a text sample, per 100

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})

# Leading bytes of common binary formats (checked before any decoding). Only signatures no
# English text starts with; other binaries are caught by their NUL and control bytes.
_MAGIC = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"PK\x03\x04", b"\x1f\x8b",
          b"\x7fELF", b"\xd0\xcf\x11\xe0", b"Rar!\x1a", b"7z\xbc\xaf", b"SQLite format 3")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                         r"<(?:!doctype\s+html|html|head|body|meta|title|article)\b",
                         re.IGNORECASE | re.DOTALL)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SITE_SUFFIX = re.compile(r"\s+\|\s+[^|]{2,60}$")      # " | Site name" after a page title
_TAG_NAME_ENDS = (">", " ", "\t", "\n", "\r", "/")
MAX_HEAD_SCAN_CHARS = 500_000     # how far into a page <title> and <h1> are looked for
MAX_HTML_TITLE_CHARS = 300        # inclusive: a longer <h1> is not a headline


class ArticleError(ValueError):
    """Bad input: the message is one line, naming the file."""


def display_name(name: str) -> str:
    """A file name safe to put in a one-line message (a newline in it is shown as \\n)."""
    name = str(name)
    return repr(name)[1:-1] if any(c in name for c in "\n\r\x00") else name


def _error(name: str, problem: str) -> ArticleError:
    """An ArticleError reading '<name>: <problem>'."""
    return ArticleError(f"{display_name(name) or '<article>'}: {problem}")


def published_window(today: date | None = None) -> tuple[date, date]:
    """The plausible publication dates (inclusive), as of ``today``."""
    today = today or date.today()
    try:
        return EARLIEST_PUBLISHED, today + timedelta(days=LATEST_PUBLISHED_DAYS)
    except OverflowError:
        return EARLIEST_PUBLISHED, date.max


def check_published(value: date, name: str = "", today: date | None = None, any_date: bool = False) -> date:
    """``value`` when it is a plausible publication date (or ``any_date``); ArticleError saying
    which dates are accepted otherwise."""
    low, high = published_window(today)
    if any_date or low <= value <= high:
        return value
    problem = (f"publication date {value.isoformat()} is outside {low.isoformat()}..{high.isoformat()} "
               "(give --any-date to keep it)")
    raise _error(name, problem) if name else ArticleError(problem)


def parse_published(value: str, name: str = "") -> date:
    """Parse a ``--published YYYY-MM-DD`` value; ArticleError (one line) otherwise."""
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    # date.fromisoformat also takes "20260113" and week dates: insist on the documented form.
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    problem = f"invalid publication date {str(value)!r}: expected YYYY-MM-DD"
    raise _error(name, problem) if name else ArticleError(problem)


def article_id_for(title: str, body: str) -> str:
    """Content hash of an article: sha256 hex (16 chars) of the normalised title and body."""
    # The publication date is left out on purpose: the same story read once with --published
    # and once with an assumed date (or from a .txt and from an upload) is one article, so the
    # store keeps one copy (it skips an id it holds) instead of two whose events would count
    # twice as separate reports. Normalising case and whitespace keeps re-wrapped or re-encoded
    # copies of a file on the same id.
    key = f"{_id_text(title)}\n{_id_text(body)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _id_text(text: str) -> str:
    """Text as the content hash sees it: NFKC, casefolded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _fallback_title(body: str) -> str:
    """A headline for a text without one: its first sentence, cut at a word boundary."""
    sents = split_sentences(body)
    first = " ".join(sents[0].text.split()) if sents else ""
    if len(first) <= TITLE_FALLBACK_CHARS:
        return first
    cut = first[:TITLE_FALLBACK_CHARS - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "\u2026"


def _in_window(d: date | None, today: date) -> bool:
    """True when a found date is plausible as a publication date."""
    return d is not None and MIN_PUBLISHED_DATE <= d <= today + timedelta(days=MAX_FUTURE_DAYS)


def _resolve_published(published: date | str | None, found: date | None, today: date,
                       name: str, any_date: bool = False) -> tuple[date, bool]:
    """(publication date, assumed?) from the caller's date (checked, see ``check_published``), a
    found date, or today."""
    if published is not None:
        return check_published(parse_published(published, name), name, today, any_date), False
    if _in_window(found, today):
        return found, False
    return today, True


def article_from_text(raw: str, published: date | None = None, *, url: str = "", source: str = "",
                      path: str = "", title: str = "", today: date | None = None,
                      found_date: date | None = None, any_date: bool = False) -> Article:
    """Build an Article from raw plain text (cleaned here).

    Args:
        raw: the article text, junk and all.
        published: the publication date; None to use ``found_date``, the dateline, or ``today``.
        url, source, path: provenance, kept on the Article (``path`` names it in errors).
        title: a known headline (manifest, HTML metadata); else the text's headline is used.
        today: the date assumed when none is given or found (default: the clock's today).
        found_date: a date found outside the text (HTML metadata), preferred over the dateline.
        any_date: accept a ``published`` outside ``published_window`` (historians' archives).
    Returns:
        The Article. Raises ArticleError when no article text is left after cleaning.
    """
    name = path or url or "<text>"
    if not isinstance(raw, str) or not raw.strip():
        raise _error(name, "empty article (no text)")
    today = today or date.today()
    # A given headline is untrusted text too: same spaces and characters as the body.
    title = " ".join(normalize_text(title).split()) if isinstance(title, str) else ""
    cleaned = clean_text(raw, title)
    if not cleaned.body:
        raise _error(name, "no article text left after removing junk lines")
    found = found_date if _in_window(found_date, today) else cleaned.dateline
    pub, assumed = _resolve_published(published, found, today, name, any_date)
    head = title or cleaned.title or _fallback_title(cleaned.body)
    return Article(article_id_for(head, cleaned.body), head, cleaned.body, pub, assumed,
                   url or "", source or "", path or "")


def _utf16_without_bom(data: bytes) -> str | None:
    """The codec of BOM-less UTF-16 text (NULs at every other byte), or None."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2 or len(data) % 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    # Mostly-ASCII UTF-16: the high byte of each code unit is NUL.
    if odd >= 0.3 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.3 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _decode(data: bytes, name: str) -> str:
    """Decode article bytes; ArticleError for binary data or undecodable bytes."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                raise _error(name, f"cannot decode the text (invalid {codec.upper()} after its "
                                   "byte-order mark)") from None
    if data.startswith(_MAGIC):
        raise _error(name, "not a text or HTML file (binary data)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        codec = _utf16_without_bom(data)
        if codec:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                pass
        raise _error(name, "not a text or HTML file (binary data)")
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in b"\t\n\r\f\x1b")
    if controls * 100 > MAX_CONTROL_PER_CENT * len(sample):
        raise _error(name, "not a text or HTML file (binary data)")
    undefined = sum(data.count(bytes([b])) for b in _CP1252_UNDEFINED)
    if undefined * 1000 > MAX_UNDEFINED_CP1252_PER_MILLE * len(data):
        raise _error(name, "cannot decode the text (not UTF-8, UTF-16, cp1252 or Latin-1)")
    # cp1252 is a superset of Latin-1's printable range; its few unmapped bytes (rare strays)
    # fall back to Latin-1 control characters, which cleaning removes.
    return data.decode("cp1252", errors="replace").replace("\ufffd", "")


def _looks_html(text: str, name: str) -> bool:
    """True when an article is an HTML page: by its suffix, else by how the text starts."""
    if Path(name).suffix.lower() in HTML_SUFFIXES:
        return True
    return _HTML_START.match(text[:2048]) is not None


def _tag_text(html: str, tag: str) -> str:
    """The text of the first ``<tag>`` element of a page, tags and entities resolved."""
    # Plain finds, not a lazy regex: a page of unclosed tags must not take quadratic time.
    low = html[:MAX_HEAD_SCAN_CHARS].lower()
    start = low.find(f"<{tag}")
    # "<title" must end the tag name: skip "<titles", "<h1x".
    while start >= 0 and low[start + len(tag) + 1:start + len(tag) + 2] not in _TAG_NAME_ENDS:
        start = low.find(f"<{tag}", start + 1)
    if start < 0:
        return ""
    open_end = low.find(">", start)
    close = low.find(f"</{tag}", open_end)
    if open_end < 0 or close < 0:
        return ""
    inner = html[open_end + 1:close]
    return " ".join(htmllib.unescape(re.sub(r"<[^>]*>", " ", inner)).split())


_HIDDEN_ELEMENTS = re.compile(r"<(script|style|noscript|template|head)\b[^>]*>.*?</\1\s*>|<!--.*?-->",
                              re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|section|article|blockquote|tr|table)\b[^>]*>",
                        re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")


def _flat_text(html: str) -> str:
    """The words of a page read off its tags, one paragraph per block element: for pages the
    HTML parser cannot build a tree of. Scripts, styles and comments are left out."""
    text = _HIDDEN_ELEMENTS.sub(" ", html)
    text = _ANY_TAG.sub(" ", _BLOCK_TAG.sub("\n", text))
    lines = (" ".join(htmllib.unescape(line).split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _has_visible_text(html: str) -> bool:
    """True when a page's body shows any words outside scripts, styles and comments."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(html[:MAX_HEAD_SCAN_CHARS])
    except (ValueError, etree.ParserError):
        return False
    body = root.find("body")
    if body is None:
        return False
    for node in body.xpath(".//script|.//style|.//noscript|.//template"):
        node.drop_tree()
    return any(ch.isalnum() for ch in body.text_content())


def _page_title(html: str, extracted: str, site: str) -> str:
    """The headline of a page: its <h1> when the <title> carries it, else the extracted title."""
    head = _tag_text(html, "title")
    h1 = _tag_text(html, "h1")
    if h1 and len(h1) <= MAX_HTML_TITLE_CHARS and (not head or h1.casefold() in head.casefold()):
        return h1
    extracted = " ".join((extracted or "").split())
    # The extractor cuts "<title>" at its dashes, which also cuts "Canada - China Talks Resume"
    # down to "Canada"; a one-word result means the whole <title>, less its site name, is the
    # better headline.
    if head and len(extracted.split()) <= 1 and len(head.split()) > 2:
        if site and head.casefold().endswith(site.casefold()) and len(head) > len(site):
            return head[:-len(site)].rstrip(" |-:\u2013\u2014")
        m = _SITE_SUFFIX.search(head)
        return head[:m.start()].strip() if m else head
    return extracted


def _from_html(html: str, name: str, published, url: str, source: str, today: date,
               any_date: bool = False) -> Article:
    """Extract the main text, title and publication date of an HTML page."""
    import htmldate
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True,
                                          include_comments=False, include_tables=False)
    except Exception as exc:  # a malformed page must give a message, not a traceback
        raise _error(name, f"cannot read the HTML page ({type(exc).__name__})") from None
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    if not text.strip():
        if _has_visible_text(html):
            raise _error(name, "no article text found in the HTML page")
        # The parser saw no body, yet the page may have text: lxml gives up on markup nested
        # deeper than about 250 levels. Read the words off the tags instead.
        text = _flat_text(html)
        if not any(ch.isalnum() for ch in text):
            raise _error(name, "HTML page without a body (no article text)")
        doc = None
    title = _page_title(html, getattr(doc, "title", "") or "", getattr(doc, "sitename", "") or "")
    found = None
    if published is None:
        try:
            iso = htmldate.find_date(html, extensive_search=False, original_date=True,
                                     url=url or None, min_date=MIN_PUBLISHED_DATE.isoformat(),
                                     max_date=(today + timedelta(days=MAX_FUTURE_DAYS)).isoformat())
            found = date.fromisoformat(iso) if iso else None
        except Exception:  # a date we cannot read is a date we did not find
            found = None
    # trafilatura gives one paragraph per line; the cleaner wants blank-line paragraphs.
    raw = "\n\n".join(ln for ln in text.split("\n") if ln.strip())
    try:
        return article_from_text(raw, published, any_date=any_date, url=url or (getattr(doc, "url", "") or ""),
                                 source=source or (getattr(doc, "sitename", "") or ""), path=name,
                                 title=title, today=today, found_date=found)
    except ArticleError:
        # Only navigation or widgets were extracted: for a page that means no article text.
        raise _error(name, "no article text found in the HTML page") from None


def read_article_bytes(data: bytes, name: str, published: date | None = None, *, url: str = "",
                       source: str = "", today: date | None = None, any_date: bool = False,
                       html: bool | None = None) -> Article:
    """Read an uploaded article: decide text vs HTML by name and content, decode and extract.

    Args:
        data: the file's bytes (at most MAX_ARTICLE_BYTES).
        name: the upload's file name, used for the kind (.txt/.html) and in messages.
        published: the publication date (overrides metadata and datelines), or None.
        url, source: provenance kept on the Article.
        today: the date assumed when none is given or found (default: the clock's today).
        any_date: accept a ``published`` outside ``published_window`` (historians' archives).
        html: True for a page served as HTML (a web page's content type); None to decide by the
            name and the content.
    Returns:
        The Article (``path`` is ``name``). Raises ArticleError (one line) for bad input.
    """
    name = display_name(name) if name else "<upload>"
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise _error(name, f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_ARTICLE_BYTES:
        raise _error(name, f"file too large ({len(data):,} bytes; the limit is "
                           f"{MAX_ARTICLE_BYTES:,} bytes)")
    if published is not None:
        published = parse_published(published, name)
    if not data.strip():
        raise _error(name, "empty file (no text)")
    today = today or date.today()
    text = _decode(data, name)
    if not text.replace("\ufeff", "").strip():
        raise _error(name, "empty file (no text)")
    if html or (html is None and _looks_html(text, name)):
        return _from_html(text, name, published, url, source, today, any_date)
    return article_from_text(text, published, url=url, source=source, path=name, today=today, any_date=any_date)


def read_article(path: str | Path, published: date | None = None, *,
                 today: date | None = None, any_date: bool = False) -> Article:
    """Read a .txt or .html/.htm article file (other names are sniffed); see read_article_bytes."""
    p = Path(path)
    name = str(p)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise _error(name, "is a directory, not an article file")
        if size > MAX_ARTICLE_BYTES:
            # Checked before reading: a 50 MB file is refused without loading it.
            raise _error(name, f"file too large ({size:,} bytes; the limit is "
                               f"{MAX_ARTICLE_BYTES:,} bytes)")
        with open(p, "rb") as fh:
            data = fh.read(MAX_ARTICLE_BYTES + 1)   # a pipe or device may not report its size
    except FileNotFoundError:
        raise _error(name, "no such file") from None
    except PermissionError:
        raise _error(name, "permission denied") from None
    except OSError as exc:
        raise _error(name, f"cannot read ({exc.strerror or type(exc).__name__})") from None
    return read_article_bytes(data, name, published, today=today, any_date=any_date)
