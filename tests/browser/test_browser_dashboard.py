"""The dashboard in a real chromium: shared URLs, URL updates, downloads, click-to-detail, escaping."""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

from pipeline.query import Filters, filter_events
from pipeline.records import EVENT_COLUMNS
from pipeline.synthetic import fill_store

from browser_helpers import DashboardServer, serving, stored_events

pytestmark = pytest.mark.timeout(300)

HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> surtax'


def _row(eid, article, published, start, end, precision, countries, sentence, date_text, **kw):
    row = {c: "" for c in EVENT_COLUMNS}
    at = sentence.find(date_text)
    row.update(event_id=eid, article_id=article, published=published, date_start=start, date_end=end,
               precision=precision, timex_value=start, date_text=date_text, date_basis="explicit",
               tense="past", title=sentence[:60], sentence=sentence, countries=tuple(countries),
               actors=(), topics=("diplomacy",), regions=(), event_code="042", goldstein=1.9,
               confidence=0.9, quad_class=1, sentence_index=0, date_char_start=at,
               date_char_end=at + len(date_text))
    row.update(kw)
    return row


EVENTS = pd.DataFrame([
    _row("b01", "1" * 16, "2026-01-16", "2026-01-16", "2026-01-16", "day", ("CAN", "CHN"),
         "On January 16, 2026, Mark Carney met Xi Jinping in Beijing.", "January 16, 2026",
         actors=("Mark Carney", "Xi Jinping"), topics=("trade",), event_code="057", goldstein=8.0),
    _row("b02", "1" * 16, "2026-01-16", "2017-01-01", "2017-12-31", "year", ("CAN", "CHN"),
         "It was the first visit by a Canadian leader since 2017.", "2017"),
    _row("b03", "2" * 16, "2018-12-06", "2018-12-01", "2018-12-01", "day", ("CAN", "USA"),
         "Meng Wanzhou was arrested in Vancouver on December 1, 2018.", "December 1, 2018",
         topics=("security",), event_code="173", goldstein=-5.0),
    _row("b04", "3" * 16, "2024-08-26", "2024-08-26", "2024-08-26", "day", ("CAN", "CHN"),
         "On August 26, 2024, " + HOSTILE, "August 26, 2024", title=HOSTILE, topics=("trade",),
         event_code="172", goldstein=-5.0),
    _row("b05", "3" * 16, "2024-08-26", "2024-10-01", "2024-10-31", "month", ("CAN", "USA"),
         "The tariffs took effect in October 2024.", "October 2024", topics=("trade",)),
])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "events.db"
    url = f"sqlite:///{path}"
    fill_store(url, EVENTS, {"3" * 16: HOSTILE})
    with serving(url) as srv:
        yield srv, url


def _open(page, srv, query: str = ""):
    page.goto(srv.base + query)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)


def _metric(page) -> str:
    return page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


def _params(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_browser_shared_url_renders_the_filtered_chart(server, page):
    srv, url = server
    _open(page, srv, "?country=USA&lane=topic")
    expected = filter_events(stored_events(url), Filters(countries=("USA",)))
    page.wait_for_function(f"""() => {{
        const v = document.querySelector('[data-testid="stMetricValue"]');
        return v && v.innerText.trim() === '{len(expected)}'; }}""", timeout=30_000)
    assert page.get_by_text(re.compile(r"United States")).first.is_visible()
    # Lanes are topics, as the URL asked.
    ticks = page.locator(".yaxislayer-above text").all_text_contents()
    assert set(ticks) >= {"trade", "security"}
    assert _params(page)["country"] == ["USA"]


def test_browser_changing_a_filter_updates_the_url(server, page):
    srv, _ = server
    _open(page, srv)
    search = page.get_by_role("textbox", name="Search")
    search.fill("tariffs")
    search.press("Enter")
    page.wait_for_function("() => location.search.includes('q=tariffs')", timeout=30_000)
    page.wait_for_function("""() => document.querySelector('[data-testid="stMetricValue"]')
                              .innerText.trim() === '1'""", timeout=30_000)
    page.get_by_text("topic", exact=True).first.click()
    page.wait_for_function("() => location.search.includes('lane=topic')", timeout=30_000)
    assert _params(page)["q"] == ["tariffs"]


def test_browser_csv_download_holds_exactly_the_filtered_rows(server, page, tmp_path):
    srv, url = server
    _open(page, srv, "?topic=trade")
    page.wait_for_function("""() => document.querySelector('[data-testid="stMetricValue"]')
                              .innerText.trim() === '3'""", timeout=30_000)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=re.compile(r"^⬇ CSV")).click()
    target = tmp_path / "events.csv"
    info.value.save_as(target)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    expected = filter_events(stored_events(url), Filters(topics=("trade",)))
    assert sorted(r["event_id"] for r in rows) == sorted(expected["event_id"])


def test_browser_clicking_a_point_opens_its_detail(server, page):
    srv, url = server
    _open(page, srv, "?q=Beijing")
    point = page.locator(".js-plotly-plot .scatterlayer .point").first
    point.wait_for(timeout=30_000)
    point.click(force=True)
    detail = page.locator(".tl-detail").first
    detail.wait_for(timeout=30_000)
    assert "Mark Carney met Xi Jinping" in detail.inner_text()
    assert detail.locator("mark").inner_text() == "January 16, 2026"
    stored = stored_events(url)
    eid = stored.loc[stored["date_start"] == "2026-01-16", "event_id"].iloc[0]
    page.wait_for_function(f"() => location.search.includes('event={eid}')", timeout=30_000)


def test_browser_article_html_is_shown_escaped(server, page):
    srv, url = server
    stored = stored_events(url)
    eid = stored.loc[stored["title"] == HOSTILE, "event_id"].iloc[0]
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _open(page, srv, f"?event={eid}")
    detail = page.locator(".tl-detail").first
    detail.wait_for(timeout=30_000)
    text = detail.inner_text()
    assert "<script>window.__pwned=1</script>" in text
    assert '<img src=x onerror="window.__pwned=2">' in text
    assert detail.locator("img, script").count() == 0
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__pwned === undefined")
    assert not dialogs
    # The table shows the same characters as text.
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0


def test_browser_link_text_in_notices_is_neither_a_link_nor_an_image(server, page):
    # Issue 14 (4): a shared link's own text is shown as text. The image URL points at a port
    # nothing listens on; what matters is that no element asks for it.
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    _open(page, server[0], "?lane=[Log%20in%20again](http://example.invalid/l)"
                           "&country=![x](http://127.0.0.1:8699/p.png)")
    notice = page.get_by_text(re.compile(r"Log in again")).first
    notice.wait_for(timeout=30_000)
    assert "[Log in again](http://example.invalid/l)" in notice.inner_text().replace("\u2060", "")
    assert page.locator('a[href*="example.invalid"]').count() == 0
    assert page.locator('img[src*="8699"]').count() == 0
    page.wait_for_timeout(500)
    # Nothing but the page itself (whose address carries the text) asked for those URLs.
    assert not [u for u in requested if u.startswith(("http://127.0.0.1:8699", "http://example.invalid"))]


def test_browser_viewer_sees_no_add_form_with_a_secret(tmp_path, page):
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    fill_store(url, EVENTS.head(1))
    srv = DashboardServer(url, {"TIMELINE_EDITOR_SECRET": "s3cret"})
    try:
        srv.wait()
        _open(page, srv)
        page.get_by_text("Add articles", exact=True).click()
        page.get_by_text("needs the editor secret").wait_for(timeout=30_000)
        assert page.get_by_label("Article text").count() == 0
    finally:
        srv.stop()


def test_browser_narrow_window_still_shows_chart_and_table(server, browser):
    srv, _ = server
    ctx = browser.new_context(viewport={"width": 480, "height": 800})
    page = ctx.new_page()
    try:
        _open(page, srv, "?country=CAN")
        assert page.locator(".js-plotly-plot").first.is_visible()
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
        # Nothing forces the page wider than the window.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 480 + 1
    finally:
        ctx.close()
