"""The event detail panel as escaped HTML: the sentence with its time expression highlighted."""
from __future__ import annotations

import html
from typing import Mapping
from urllib.parse import urlparse

import pandas as pd

from pipeline.records import list_cell
from ui.labels import QUAD_CLASSES, code_label, country_option


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _int(value: object, default: int = -1) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def highlight_sentence(sentence: object, start: object, end: object, date_text: object = "") -> str:
    """``sentence`` escaped, with the span [start, end) (or else ``date_text``) inside <mark>."""
    text = _text(sentence)
    a, b = _int(start), _int(end)
    if not (0 <= a < b <= len(text)):
        needle = _text(date_text)
        found = text.find(needle) if needle else -1
        a, b = (found, found + len(needle)) if found >= 0 else (-1, -1)
    if a < 0:
        return html.escape(text)
    return (html.escape(text[:a]) + "<mark>" + html.escape(text[a:b]) + "</mark>"
            + html.escape(text[b:]))


def safe_link(url: object) -> str:
    """``url`` if it is an absolute http(s) link, else "" (never a javascript: or data: URL)."""
    text = _text(url).strip()
    try:
        parts = urlparse(text)
    except ValueError:
        return ""
    return text if parts.scheme in ("http", "https") and parts.netloc else ""


FLAG_TEXT = {"low_confidence": "a weak date guess", "future_past_tense": "dated after its article "
             "although told in the past tense", "no_action": "no clause says what happened",
             "date_word_title": "the title is only a date word",
             "photo_caption": "read from a photo caption"}


def event_detail_html(event: Mapping, sources: pd.DataFrame | None = None, q: str = "") -> str:
    """The detail of one event row (and the articles reporting it) as self-contained escaped HTML.

    With a search ``q``, a line says what it matched in this event."""
    e = html.escape
    start, end = _text(event.get("date_start"))[:10], _text(event.get("date_end"))[:10]
    resolved = start if start == end else f"{start} – {end}"
    gold = event.get("goldstein")
    gold_text = "—" if _text(gold) == "" else f"{float(gold):+.1f}"
    quad = QUAD_CLASSES.get(_int(event.get("quad_class"), 0), "")
    code = _text(event.get("event_code")) or "—"
    rows = [
        ("Date", f"“{e(_text(event.get('date_text')))}” → {e(resolved)} "
                 f"({e(_text(event.get('precision')))}, {e(_text(event.get('date_basis')))})"),
        ("Countries", e(", ".join(country_option(c) for c in list_cell(event.get("countries")))) or "—"),
        ("Actors", e(", ".join(list_cell(event.get("actors")))) or "—"),
        ("Topics", e(", ".join(list_cell(event.get("topics")))) or "—"),
        ("Event code", f"CAMEO {e(code_label(code) if code != '—' else code)}" + (f" · {e(quad)}" if quad else "")),
        ("Goldstein", e(gold_text)),
    ]
    flags = list_cell(event.get("flags"))
    if flags:
        rows.append(("Doubtful", e("; ".join(FLAG_TEXT.get(f, f) for f in flags))))
    if q:
        from pipeline.query import describe_matches
        matched = describe_matches(dict(event), q)
        if matched:
            rows.append(("Search matched", e(matched)))
    parts = [f'<div class="tl-detail"><h4>{e(_text(event.get("title")))}</h4>',
             '<blockquote>' + highlight_sentence(event.get("sentence"), event.get("date_char_start"),
                                                 event.get("date_char_end"), event.get("date_text"))
             + '</blockquote>', "<table>"]
    parts += [f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows]
    parts.append("</table>")
    if sources is not None and len(sources):
        parts.append(f"<p><b>Reported by {len(sources)} article{'s' if len(sources) != 1 else ''}</b></p><ul>")
        for src in sources.itertuples(index=False):
            title = e(_text(getattr(src, "title", "")) or "(untitled)")
            link = safe_link(getattr(src, "url", ""))
            head = f'<a href="{e(link)}" target="_blank" rel="noopener noreferrer">{title}</a>' if link else title
            meta = " · ".join(x for x in (e(_text(getattr(src, "source", ""))),
                                          e(_text(getattr(src, "published", ""))[:10])) if x)
            parts.append(f"<li>{head}" + (f" — {meta}" if meta else "") + "</li>")
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)
