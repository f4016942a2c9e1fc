"""The event detail HTML: highlighted time expression, escaping, safe links, every source listed."""
import pandas as pd
import pytest

from pipeline.records import FLAGS
from ui.detail import FLAG_TEXT, event_detail_html, highlight_sentence, safe_link


@pytest.mark.parametrize("sentence, start, end, date_text, expected", [
    ("On May 1, 2018, they met.", 3, 14, "", "On <mark>May 1, 2018</mark>, they met."),
    ("In 2017 <b>x</b>", 3, 7, "", "In <mark>2017</mark> &lt;b&gt;x&lt;/b&gt;"),
    ("<script>alert(1)</script> in 2019", 29, 33, "", "&lt;script&gt;alert(1)&lt;/script&gt; in <mark>2019</mark>"),
    ("Offsets wrong, text found in 2020.", -1, -1, "2020", "Offsets wrong, text found in <mark>2020</mark>."),
    ("Out of range 2021", 10, 999, "2021", "Out of range <mark>2021</mark>"),
    ("No date here & there", -1, -1, "", "No date here &amp; there"),
    ("No date here", None, float("nan"), "1999", "No date here"),
    (None, 0, 3, "", ""),
])
def test_detail_highlights_the_time_expression(sentence, start, end, date_text, expected):
    assert highlight_sentence(sentence, start, end, date_text) == expected


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/a?b=1", "https://example.org/a?b=1"),
    ("http://example.org", "http://example.org"),
    ("javascript:alert(1)", ""),
    ("data:text/html,<script>", ""),
    ("//evil.example", ""),
    ("", ""),
    (None, ""),
])
def test_detail_links_only_http(url, expected):
    assert safe_link(url) == expected


def _event(**kw):
    base = dict(event_id="e1", title="Carney meets Xi", date_start="2026-01-16", date_end="2026-01-16",
                precision="day", date_basis="explicit", date_text="January 16",
                sentence="On January 16 Carney met Xi.", date_char_start=3, date_char_end=13,
                countries=("CAN", "CHN"), actors=("Mark Carney",), topics=("trade",),
                event_code="057", goldstein=8.0, quad_class=2)
    base.update(kw)
    return base


def test_detail_shows_every_field_and_source():
    sources = pd.DataFrame([
        dict(article_id="a1", title="Paper A", url="https://a.example/x", source="Wire A",
             published="2026-01-16", sentence="", date_text=""),
        dict(article_id="a2", title="Paper B", url="", source="Wire B", published="2026-01-17",
             sentence="", date_text=""),
    ])
    out = event_detail_html(_event(), sources)
    for part in ("Carney meets Xi", "<mark>January 16</mark>", "2026-01-16", "(day, explicit)",
                 "Canada (CAN)", "China (CHN)", "Mark Carney", "trade", "CAMEO 057",
                 "Material cooperation", "+8.0", "Reported by 2 articles",
                 '<a href="https://a.example/x"', "Paper B — Wire B · 2026-01-17"):
        assert part in out


def test_detail_escapes_hostile_fields():
    hostile = '<img src=x onerror="alert(1)">'
    out = event_detail_html(_event(title=hostile, actors=(hostile,), topics=(hostile,)),
                            pd.DataFrame([dict(title=hostile, url='https://x.example/"><script>',
                                               source=hostile, published="2026-01-01")]))
    assert "<img" not in out and "<script>" not in out
    # title, actor, topic, source title and source name: all shown, all escaped.
    assert out.count("&lt;img") == 5


def test_detail_handles_missing_values():
    out = event_detail_html(_event(goldstein=None, quad_class=None, event_code="", countries=(),
                                   date_char_start=None, date_char_end=None), None)
    assert "Goldstein</th><td>—" in out and "CAMEO —" in out


def test_detail_says_every_flag_in_words():
    # the detail panel explains each reason for doubt; a flag added to FLAGS needs its words
    assert set(FLAG_TEXT) == set(FLAGS)
    html = event_detail_html({"title": "Oil is seen near the rig", "flags": ["photo_caption"]})
    assert "read from a photo caption" in html
