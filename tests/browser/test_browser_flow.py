"""Issue 13 in a real chromium: the analyst's context survives (zoom, colours, history), box
selections list what is inside, relations honours the filters, search matches whole words."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

from pipeline.query import Filters, filter_events
from pipeline.records import EVENT_COLUMNS
from pipeline.store import open_store
from pipeline.synthetic import fill_store
from ui.colors import topic_color

from browser_helpers import serving, stored_events

pytestmark = pytest.mark.timeout(300)


def _row(eid, article, published, start, end, precision, countries, sentence, date_text, **kw):
    row = {c: "" for c in EVENT_COLUMNS}
    at = sentence.find(date_text)
    row.update(event_id=eid, article_id=article, published=published, date_start=start, date_end=end,
               precision=precision, timex_value=start, date_text=date_text, date_basis="explicit",
               tense="past", title=sentence[:70], sentence=sentence, countries=tuple(countries),
               actors=(), topics=("diplomacy",), regions=(), event_code="042", goldstein=1.9,
               confidence=0.9, quad_class=1, sentence_index=0, date_char_start=at,
               date_char_end=at + len(date_text), flags=())
    row.update(kw)
    return row


A, B, C, D, E = ("a" * 16, "b" * 16, "c" * 16, "d" * 16, "e" * 16)
EVENTS = pd.DataFrame([
    _row("f01", A, "2018-12-06", "2018-12-01", "2018-12-01", "day", ("CAN", "CHN", "USA"),
         "Meng Wanzhou was arrested in Vancouver on December 1, 2018.", "December 1, 2018",
         actors=("Meng Wanzhou",), topics=("agriculture", "legal", "technology"), event_code="173",
         goldstein=-5.0, quad_class=4),
    _row("f02", A, "2018-12-06", "2018-12-10", "2018-12-10", "day", ("CAN", "CHN"),
         "Michael Kovrig was detained in Beijing on December 10, 2018.", "December 10, 2018",
         topics=("legal",), event_code="173", goldstein=-5.0),
    _row("f03", B, "2019-01-20", "2015-11-04", "2019-10-21", "day", ("CAN", "CHN"),
         "Trudeau took office on November 4, 2015 and served until October 21, 2019.",
         "November 4, 2015", topics=("diplomacy",), event_code="043", goldstein=2.8),
    _row("f04", B, "2019-01-20", "2019-01-14", "2019-01-14", "day", ("CAN", "CHN"),
         "A Chinese court sentenced Robert Schellenberg to death on January 14, 2019.",
         "January 14, 2019", topics=("legal",), event_code="173", goldstein=-5.0),
    _row("f05", C, "2024-08-26", "2024-08-26", "2024-08-26", "day", ("CAN", "CHN"),
         "On August 26, 2024, Ottawa announced a surtax on Chinese electric vehicles.",
         "August 26, 2024", topics=("trade",), event_code="172", goldstein=-5.0),
    _row("f06", C, "2024-08-26", "2024-10-01", "2024-10-31", "month", ("CAN", "CHN"),
         "The tariffs took effect in October 2024.", "October 2024", topics=("trade",)),
    _row("f07", D, "2026-01-16", "2026-01-16", "2026-01-16", "day", ("CAN", "CHN"),
         "On January 16, 2026, Mark Carney met Xi Jinping in Beijing.", "January 16, 2026",
         actors=("Mark Carney", "Xi Jinping"), topics=("trade", "diplomacy"), event_code="057",
         goldstein=8.0),
    _row("f08", D, "2026-01-16", "2026-01-17", "2026-01-17", "day", ("CAN", "MEX"),
         "Mexico executives said on January 17, 2026 that talks resume next week.",
         "January 17, 2026", topics=("trade",), event_code="036", goldstein=4.0),
    _row("f09", E, "2017-06-01", "2017-05-30", "2017-05-30", "day", ("CAN", "CHN"),
         "Officials met on May 30, 2017 to discuss trade.", "May 30, 2017", topics=("trade",),
         event_code="040", goldstein=1.0, flags=("low_confidence",)),
    _row("f10", E, "2017-06-01", "2017-09-21", "2017-09-21", "day", ("CAN", "CHN"),
         "Xi said on September 21, 2017 that trade would grow.", "September 21, 2017",
         topics=("trade",), event_code="010", goldstein=0.0),
])

# Where a trace's point sits on the page, from Plotly's own axes (a real mouse click there).
POINT_JS = """([eid, lane]) => {
  const gd = document.querySelector('.st-key-chart .js-plotly-plot');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
  for (const t of gd.data) {
    if (!t.customdata || t.type === 'bar' || t.name === 'selected') continue;
    const ids = Array.from(t.customdata), ys = Array.from(t.y);
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === eid && ys[i] === lane) {
        return {x: r.left + xa._offset + xa.d2p(t.x[i]), y: r.top + ya._offset + ya.d2p(ys[i])};
      }
    }
  }
  return null; }"""
AT_JS = """([day, lane]) => {
  const gd = document.querySelector('.st-key-chart .js-plotly-plot');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
  return {x: r.left + xa._offset + xa.d2p(day), y: r.top + ya._offset + ya.d2p(lane)}; }"""
RANGE_JS = "() => document.querySelector('.st-key-chart .js-plotly-plot')._fullLayout.xaxis.range.map(String)"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('flow') / 'events.db'}"
    fill_store(url, EVENTS)
    with serving(url) as srv:
        yield srv, url


def _id(url, start: str) -> str:
    stored = stored_events(url)
    return stored.loc[stored["date_start"] == start, "event_id"].iloc[0]


def _open(page, srv, query: str = "", full: bool = True):
    page.goto(srv.base + query)
    page.wait_for_selector(".st-key-chart .js-plotly-plot .main-svg", timeout=60_000)
    if full:
        page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)


def _params(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def _metric(page) -> str:
    return page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


def _wait_metric(page, value: int) -> None:
    page.wait_for_function(f"""() => {{ const v = document.querySelector('[data-testid="stMetricValue"]');
        return v && v.innerText.trim() === '{value}'; }}""", timeout=30_000)


def _range(page) -> list[str]:
    return [x[:10] for x in page.evaluate(RANGE_JS)]


# 1. Zoom is view state -------------------------------------------------------------------
def test_browser_zoom_survives_a_click_and_a_filter_and_lives_in_the_url(server, page):
    srv, url = server
    meng = _id(url, "2018-12-01")
    _open(page, srv, "?view=2018-11-25..2018-12-17")          # a shared link opens on it
    assert _range(page) == ["2018-11-25", "2018-12-18"]
    spot = page.evaluate(POINT_JS, [meng, "Canada"])
    page.mouse.click(spot["x"], spot["y"])
    page.wait_for_function(f"() => location.search.includes('event={meng}')", timeout=30_000)
    detail = page.locator(".tl-detail").first
    detail.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    # The detail is where the eye is: on screen at 1280x800, without scrolling.
    box = detail.bounding_box()
    assert box["y"] + 60 < 800 and box["x"] + 100 < 1280
    assert page.evaluate("() => window.scrollY") == 0
    assert "Meng Wanzhou" in detail.inner_text()
    # The chart kept the zoom, and so did the URL.
    assert _range(page) == ["2018-11-25", "2018-12-18"]
    assert _params(page)["view"] == ["2018-11-25..2018-12-17"]
    # A lane change and a filter change keep it too.
    page.get_by_text("topic", exact=True).first.click()
    page.wait_for_function("() => location.search.includes('lane=topic')", timeout=30_000)
    page.wait_for_timeout(500)
    assert _params(page)["view"] == ["2018-11-25..2018-12-17"]
    assert _range(page) == ["2018-11-25", "2018-12-18"]
    search = page.get_by_role("textbox", name="Search")
    search.fill("Kovrig")
    search.press("Enter")
    page.wait_for_function("() => location.search.includes('q=Kovrig')", timeout=30_000)
    page.wait_for_timeout(500)
    assert _params(page)["view"] == ["2018-11-25..2018-12-17"] and _range(page) == ["2018-11-25", "2018-12-18"]


def test_browser_drag_zoom_and_quick_range_buttons_set_the_view(server, page):
    srv, _ = server
    _open(page, srv)
    a = page.evaluate(AT_JS, ["2018-01-01", "Canada"])
    b = page.evaluate(AT_JS, ["2019-06-01", "Canada"])
    page.mouse.move(a["x"], a["y"])
    page.mouse.down()
    page.mouse.move((a["x"] + b["x"]) / 2, a["y"] + 5, steps=4)
    page.mouse.move(b["x"], a["y"] + 10, steps=4)
    page.mouse.up()
    page.wait_for_function("() => location.search.includes('view=')", timeout=30_000)
    lo, hi = _params(page)["view"][0].split("..")
    assert lo.startswith("2017-12") or lo.startswith("2018-01")
    assert hi.startswith("2019-05") or hi.startswith("2019-06")
    page.locator(".rangeselector .button", has_text="1 year").first.click()
    page.wait_for_function(f"() => !location.search.includes('view={lo}')", timeout=30_000)
    lo2, hi2 = _params(page)["view"][0].split("..")
    assert lo2 < hi2 and int(hi2[:4]) - int(lo2[:4]) <= 1


# 2. Box select lists exactly what is inside ------------------------------------------------
def test_browser_box_select_lists_the_events_inside_not_a_long_band(server, page):
    srv, url = server
    _open(page, srv, "?view=2018-10-01..2019-03-31")
    page.locator('.st-key-chart .modebar-btn[data-val="select"]').first.click(force=True)
    a = page.evaluate(AT_JS, ["2018-11-05", "Canada"])
    b = page.evaluate(AT_JS, ["2019-01-25", "China"])
    top, bottom = min(a["y"], b["y"]) - 14, max(a["y"], b["y"]) + 14
    page.mouse.move(a["x"], top)
    page.mouse.down()
    page.mouse.move((a["x"] + b["x"]) / 2, (top + bottom) / 2, steps=5)
    page.mouse.move(b["x"], bottom, steps=5)
    page.mouse.up()
    page.get_by_text(re.compile(r"^Selection: \d+ events")).wait_for(timeout=30_000)
    # Meng (1 Dec), Kovrig (10 Dec), Schellenberg (14 Jan): not the 2015-2019 band.
    assert page.get_by_text(re.compile(r"^Selection: 3 events")).count() == 1
    assert "event" not in _params(page)
    params = _params(page)
    assert params["sel"][0].startswith("2018-11-0") and set(params["sel_lane"]) == {"Canada", "China"}
    # The downloads can hold the selection only.
    page.get_by_text("selection only").click()
    page.get_by_role("button", name=re.compile(r"^⬇ CSV \(3 events\)")).wait_for(timeout=30_000)


# 3. Stable colours ---------------------------------------------------------------------------
TRACE_COLOURS_JS = """() => {
  const gd = document.querySelector('.st-key-chart .js-plotly-plot'); const out = {};
  for (const t of gd.data) {
    const c = t.type === 'bar' ? (t.marker.line || {}).color : t.marker.color;
    if (typeof c === 'string' && !(t.name in out)) out[t.name] = c;
  }
  return out; }"""


def test_browser_topic_colours_never_move(server, page):
    srv, _ = server
    for query in ("", "?country=CHN&topic=trade", "?topic=trade"):
        _open(page, srv, query, full=False)
        colours = page.evaluate(TRACE_COLOURS_JS)
        assert colours["trade"] == topic_color("trade"), query
        assert all(colours[t] == topic_color(t) for t in colours if t in ("legal", "diplomacy", "agriculture"))


def test_browser_an_event_with_several_topics_shows_them_all(server, page):
    srv, url = server
    meng = _id(url, "2018-12-01")
    _open(page, srv, "?view=2018-11-25..2018-12-17")
    names = page.evaluate("""(eid) => document.querySelector('.st-key-chart .js-plotly-plot').data
        .filter(t => t.customdata && Array.from(t.customdata).includes(eid) && t.name !== 'selected')
        .map(t => t.name)""", meng)
    assert {"agriculture", "legal", "technology"} <= set(names)
    assert page.locator(".legend .legendtext", has_text="17 Coerce").count() == 0   # topic colouring
    page.get_by_text("type", exact=True).nth(1).click()
    page.wait_for_function("() => location.search.includes('color=type')", timeout=30_000)
    page.locator(".legend .legendtext", has_text="17 Coerce").first.wait_for(timeout=30_000)


# 4. Relations honours the filters ------------------------------------------------------------
def test_browser_relations_uses_the_filters_and_breaks_the_mean_over_gaps(server, page):
    srv, url = server
    page.goto(srv.base + "?tab=relations&topic=trade&from=2024-01-01")
    page.wait_for_selector(".st-key-relations_chart .js-plotly-plot .main-svg", timeout=60_000)
    page.get_by_text(re.compile("scored events name both countries")).first.wait_for(timeout=30_000)
    data = page.evaluate("""() => document.querySelector('.st-key-relations_chart .js-plotly-plot')._fullData
        .map(t => ({name: t.name, ids: t.customdata ? Array.from(t.customdata) : [],
                    gap: Array.from(t.y || []).some(v => v === null || Number.isNaN(v))}))""")
    expected = filter_events(stored_events(url), Filters(topics=("trade",), date_from=pd.Timestamp("2024-01-01").date()))
    expected = expected[expected["countries"].map(lambda c: "CAN" in c and "CHN" in c)]
    assert sorted(data[0]["ids"]) == sorted(expected["event_id"])
    # 2024-08 to 2026-01 is longer than the 365-day window: the mean line has a break.
    assert data[1]["gap"]


# 5. Back and Forward walk through views -------------------------------------------------------
def test_browser_back_and_forward_walk_through_views(server, page):
    srv, url = server
    _open(page, srv, "?country=CAN")
    stored = stored_events(url)
    n_can = len(filter_events(stored, Filters(countries=("CAN",))))
    n_both = len(filter_events(stored, Filters(countries=("CAN", "MEX"))))
    _wait_metric(page, n_can)
    page.locator('[data-testid="stMultiSelect"]').first.locator("input").click()
    page.keyboard.type("Mexico")
    page.locator('[role="option"]', has_text="Mexico").first.click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.search.includes('MEX')", timeout=30_000)
    page.get_by_text("actor", exact=True).first.click()
    page.wait_for_function("() => location.search.includes('lane=actor')", timeout=30_000)
    page.go_back()
    page.wait_for_function("() => !location.search.includes('lane=actor')", timeout=30_000)
    assert _params(page)["country"] == ["CAN", "MEX"]
    page.go_back()
    page.wait_for_function("() => !location.search.includes('MEX')", timeout=30_000)
    _wait_metric(page, n_can)
    page.wait_for_timeout(1000)
    assert _params(page) == {"country": ["CAN"]}      # the view stayed where Back took it
    assert "Mexico" not in page.locator('[data-testid="stMultiSelect"]').first.inner_text()
    page.go_forward()
    page.wait_for_function("() => location.search.includes('MEX')", timeout=30_000)
    _wait_metric(page, n_both)


# 6. Search matches whole words ----------------------------------------------------------------
def test_browser_search_matches_whole_words_and_says_what_matched(server, page):
    srv, url = server
    _open(page, srv, "?q=Xi")
    expected = filter_events(stored_events(url), Filters(q="Xi"))
    assert set(expected["title"].str.slice(0, 20)) and len(expected) == 2   # not Mexico, executives, next week
    _wait_metric(page, len(expected))
    hovers = page.evaluate("""() => document.querySelector('.st-key-chart .js-plotly-plot').data
        .flatMap(t => t.hovertext ? Array.from(t.hovertext) : [])""")
    assert hovers and all("Matched" in h for h in hovers)
    search = page.get_by_role("textbox", name="Search")
    search.fill('"next week"')
    search.press("Enter")
    _wait_metric(page, 1)


# Smaller problems ------------------------------------------------------------------------------
def test_browser_phone_width_closes_the_sidebar_and_puts_the_legend_under_the_chart(server, browser):
    srv, _ = server
    ctx = browser.new_context(viewport={"width": 420, "height": 800})
    page = ctx.new_page()
    try:
        _open(page, srv, "?country=CAN", full=False)
        page.wait_for_timeout(500)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_attribute("data-collapsed") == "true"
        plot = page.locator(".st-key-chart .js-plotly-plot .nsewdrag").first.bounding_box()
        legend = page.locator(".st-key-chart .legend").first.bounding_box()
        assert legend["y"] > plot["y"] + plot["height"]
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 420 + 1
    finally:
        ctx.close()


def test_browser_hidden_doubtful_events_and_a_typed_date_applied_on_enter(server, page):
    srv, url = server
    stored = stored_events(url)
    _open(page, srv, "?doubt=hide")
    _wait_metric(page, len(filter_events(stored, Filters(hide_doubtful=True))))
    assert page.get_by_role("checkbox", name=re.compile("Hide doubtful")).is_checked()
    _open(page, srv)
    year = page.get_by_role("spinbutton", name="year, Date range start date")
    year.click()
    page.keyboard.type("2024")
    page.keyboard.press("Enter")
    # Only the year changed: the range now starts on the data's first day and month, in 2024.
    page.wait_for_function("() => location.search.includes('from=2024-11-04')", timeout=30_000)
    _wait_metric(page, len(filter_events(stored, Filters(date_from=pd.Timestamp("2024-11-04").date()))))


def test_browser_key_dates_list_the_days_and_a_click_zooms_to_one(server, page):
    from pipeline.keydates import rank_days
    from ui.keydates import TOP

    srv, url = server
    with open_store(url) as store:
        expected = list(rank_days(store.events_frame(), store.mentions_frame(), TOP)["date"])
    _open(page, srv)
    # Opening the panel is a view setting (in the URL); it lists the ranking's days, best first.
    page.locator(".st-key-w_keydates summary").first.click()
    page.wait_for_function("() => location.search.includes('keydates=1')", timeout=30_000)
    page.locator(".st-key-keydate_0 button").first.wait_for(timeout=30_000)
    listed = [page.locator(f".st-key-keydate_{i} button").first.inner_text().strip()
              for i in range(len(expected))]
    assert listed == expected
    # The same days are marked on the timeline.
    marks = page.evaluate("""() => (document.querySelector('.st-key-chart .js-plotly-plot')
        .layout.shapes || []).map(s => String(s.x0).slice(0, 10))""")
    assert marks == expected
    # A click zooms to the day: the view is in the URL and on the chart.
    day = expected[0]
    page.locator(".st-key-keydate_0 button").first.click()
    page.wait_for_function("() => location.search.includes('view=')", timeout=30_000)
    lo, hi = _params(page)["view"][0].split("..")
    assert lo < day < hi
    page.wait_for_function(f"""() => {{ const r = document.querySelector('.st-key-chart .js-plotly-plot')
        ._fullLayout.xaxis.range.map(String); return r[0].startsWith('{lo}'); }}""", timeout=30_000)
    # And it is a step in the history: Back shows the whole timeline again.
    page.go_back()
    page.wait_for_function("() => !location.search.includes('view=')", timeout=30_000)


def test_browser_server_log_stays_quiet(server):
    # After every test above: no traceback and no "fragment ... does not exist anymore".
    srv, _ = server
    srv.log.flush()
    srv.log.seek(0)
    log = srv.log.read()
    assert "does not exist anymore" not in log and "Traceback" not in log
