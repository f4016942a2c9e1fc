"""The dashboard's logic through Streamlit's AppTest: URL -> widgets -> table, chart, downloads, detail."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pipeline.export import to_csv_bytes
from pipeline.query import Filters, filter_events
from pipeline.records import EVENT_COLUMNS
from pipeline.store import open_store
from pipeline.synthetic import fill_store

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
HOSTILE_TITLE = "<script>alert('t')</script> surtax"
HOSTILE_SENTENCE = 'On August 26, 2024, <img src=x onerror="alert(1)"> Ottawa set a surtax.'


def _event(eid, article, published, start, end, precision, countries, sentence, date_text, **kw):
    row = {c: "" for c in EVENT_COLUMNS}
    row.update(event_id=eid, article_id=article, published=published, date_start=start, date_end=end,
               precision=precision, timex_value=start, date_text=date_text, date_basis="explicit",
               tense="past", title=kw.pop("title", sentence[:60]), sentence=sentence,
               countries=tuple(countries), actors=(), topics=("diplomacy",), regions=(),
               event_code="042", goldstein=1.9, confidence=0.9, quad_class=1, sentence_index=0,
               date_char_start=sentence.find(date_text), date_char_end=sentence.find(date_text) + len(date_text))
    row.update(kw)
    return row


EVENTS = pd.DataFrame([
    _event("e01", "a" * 16, "2026-01-16", "2026-01-16", "2026-01-16", "day", ("CAN", "CHN"),
           "On January 16, 2026, Mark Carney met Xi Jinping in Beijing.", "January 16, 2026",
           actors=("Mark Carney", "Xi Jinping"), topics=("trade",), event_code="057", goldstein=8.0),
    _event("e02", "a" * 16, "2026-01-16", "2017-01-01", "2017-12-31", "year", ("CAN", "CHN"),
           "It was the first visit by a Canadian leader since 2017.", "2017", topics=("diplomacy",)),
    _event("e03", "b" * 16, "2018-12-06", "2018-12-01", "2018-12-01", "day", ("CAN", "CHN", "USA"),
           "Meng Wanzhou was arrested in Vancouver on December 1, 2018.", "December 1, 2018",
           actors=("Meng Wanzhou",), topics=("security",), event_code="173", goldstein=-5.0, quad_class=4),
    _event("e04", "c" * 16, "2024-08-26", "2024-08-26", "2024-08-26", "day", ("CAN", "CHN"),
           HOSTILE_SENTENCE, "August 26, 2024", title=HOSTILE_TITLE, topics=("trade",),
           event_code="172", goldstein=-5.0, quad_class=3),
    _event("e05", "c" * 16, "2024-08-26", "2024-10-01", "2024-10-31", "month", ("CAN", "USA"),
           "The tariffs took effect in October 2024.", "October 2024", topics=("trade",)),
    _event("e06", "d" * 16, "2025-10-31", "2025-10-31", "2025-10-31", "day", ("CAN", "CHN"),
           "Carney and Xi met in Gyeongju on October 31, 2025.", "October 31, 2025",
           actors=("Mark Carney", "Xi Jinping"), topics=("diplomacy",), event_code="043", goldstein=2.8),
])
TITLES = {"a" * 16: "Carney in Beijing", "b" * 16: "Huawei executive arrested",
          "c" * 16: "<b>Surtax</b> & <script>x()</script>", "d" * 16: "APEC meeting"}
URLS = {"a" * 16: "https://example.org/carney", "c" * 16: "javascript:alert(1)"}


@pytest.fixture(scope="module")
def store_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('dash') / 'events.db'}"
    fill_store(url, EVENTS, TITLES, URLS)
    return url


@pytest.fixture()
def app(store_url, monkeypatch):
    monkeypatch.setenv("TIMELINE_DB", store_url)
    monkeypatch.delenv("TIMELINE_EDITOR_SECRET", raising=False)

    def make(**params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        # The first run draws the chart and defers the rest; the second stands for the timer
        # (or the first interaction) that opens the page in full in a browser.
        return at.run().run()
    return make


def _stored(store_url) -> pd.DataFrame:
    with open_store(store_url) as store:
        return store.events_frame()


def _table_ids(at) -> set[str]:
    return set(at.session_state["_table_ids"])


def _chart_ids(at) -> set[str]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return {c for t in spec["data"] if t.get("name") not in ("selected", "new")
            for c in (t.get("customdata") or [])}


def _qp(at, key) -> list[str]:
    """A query parameter as a list (AppTest keeps single values as plain strings)."""
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def _arr(value) -> list:
    """A Plotly JSON array (plain list, or Plotly's base64 typed-array form) as a list."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        import numpy as np
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def _by_label(widgets, label):
    return next(w for w in widgets if w.label == label)


@pytest.mark.parametrize("params, filters", [
    ({}, Filters()),
    ({"country": "USA"}, Filters(countries=("USA",))),
    ({"topic": "trade"}, Filters(topics=("trade",))),
    ({"actor": "Mark Carney"}, Filters(actors=("Mark Carney",))),
    ({"type": "17"}, Filters(types=("17",))),
    ({"from": "2019-01-01", "to": "2025-12-31"}, Filters(date_from=date(2019, 1, 1), date_to=date(2025, 12, 31))),
    ({"q": "gyeongju"}, Filters(q="gyeongju")),
    ({"prec": "month"}, Filters(min_precision="month")),
    ({"article": "b" * 16}, Filters(articles=("b" * 16,))),
])
def test_dashboard_url_filters_drive_table_and_chart(app, store_url, params, filters):
    at = app(**params)
    assert not at.exception and not at.error
    expected = set(filter_events(_stored(store_url), filters)["event_id"])
    assert expected, "every case should leave some events"
    assert _table_ids(at) == expected
    assert _chart_ids(at) == expected
    assert at.metric[0].value == str(len(expected))


def test_dashboard_url_sets_the_widgets(app):
    at = app(country=["CAN", "USA"], topic="trade", lane="actor", color="goldstein", q="tariffs", rug="1")
    assert _by_label(at.multiselect, "Countries").value == ["CAN", "USA"]
    assert _by_label(at.multiselect, "Topics").value == ["trade"]
    assert _by_label(at.radio, "Swimlanes").value == "actor"
    assert _by_label(at.radio, "Colour by").value == "goldstein"
    assert _by_label(at.text_input, "Search").value == "tariffs"
    assert at.toggle[0].value is True
    # The URL keeps exactly what was asked for.
    assert _qp(at, "country") == ["CAN", "USA"] and _qp(at, "lane") == ["actor"]


def test_dashboard_widget_changes_update_the_url(app):
    at = app()
    _by_label(at.multiselect, "Countries").set_value(["USA"]).run()
    _by_label(at.radio, "Swimlanes").set_value("topic").run()
    _by_label(at.text_input, "Search").set_value("tariffs").run()
    assert _qp(at, "country") == ["USA"]
    assert _qp(at, "lane") == ["topic"]
    assert _qp(at, "q") == ["tariffs"]
    assert _table_ids(at) == {"e05"}


@pytest.mark.parametrize("params", [
    {"country": "Narnia"}, {"from": "2019-02-31"}, {"lane": "<script>"}, {"utm_source": "x"},
    {"event": "0123456789abcdef"}, {"country": "ATA"}, {"pair": "CAN"},
])
def test_dashboard_bad_parameters_show_a_notice_not_an_error(app, params):
    at = app(**params)
    assert not at.exception and not at.error
    assert any("ignored" in c.value for c in at.caption)
    assert at.metric[0].value == str(len(EVENTS))


def test_dashboard_option_labels_carry_counts(app):
    at = app(topic="trade")
    countries = _by_label(at.multiselect, "Countries")
    # With topic=trade, the count beside Canada is the trade events naming Canada.
    label = next(o for o in countries.options if o.startswith("Canada"))
    assert label.endswith("· 3")


def test_dashboard_download_builds_exactly_the_filtered_rows(app, store_url):
    at = app(country="USA")
    csv_bytes = at.session_state["_download_builders"]["csv"]()
    expected = filter_events(_stored(store_url), Filters(countries=("USA",)))
    assert csv_bytes == to_csv_bytes(expected)
    lines = csv_bytes.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + len(expected)
    js = json.loads(at.session_state["_download_builders"]["json"]())
    assert len(js if isinstance(js, list) else js.get("events", [])) == len(expected)
    assert all("events" in b.label for b in at.get("download_button"))


def test_dashboard_selected_event_shows_escaped_detail(app, store_url):
    stored = _stored(store_url)
    hostile = stored.loc[stored["title"] == HOSTILE_TITLE, "event_id"].iloc[0]
    at = app(event=hostile)
    html_blocks = [m.value for m in at.markdown if "tl-detail" in m.value]
    assert html_blocks
    body = html_blocks[0]
    assert "<script>" not in body and "<img" not in body
    assert "&lt;script&gt;" in body and "&lt;img src=x" in body
    assert "<mark>August 26, 2024</mark>" in body
    assert "javascript:" not in body          # unsafe article links are not linked
    assert "Test Wire" in body and "2024-08-26" in body
    assert _qp(at, "event") == [hostile]


def test_dashboard_selected_event_lists_its_articles_with_links(app, store_url):
    stored = _stored(store_url)
    eid = stored.loc[stored["date_start"] == "2026-01-16", "event_id"].iloc[0]
    body = next(m.value for m in app(event=eid).markdown if "tl-detail" in m.value)
    assert '<a href="https://example.org/carney"' in body
    assert "Carney in Beijing" in body and "CAMEO 057" in body and "+8.0" in body


def test_dashboard_table_selection_opens_detail_and_url(app):
    at = app()
    at.session_state["event"] = at.session_state["_table_ids"][0]
    at.run()
    assert _qp(at, "event") == [at.session_state["_table_ids"][0]]
    assert any("tl-detail" in m.value for m in at.markdown)


def test_dashboard_relations_pair_defaults_to_canada_china(app):
    at = app(tab="relations")
    # Lazy tabs: only the relations chart is built when its tab is open.
    assert len(at.get("plotly_chart")) == 1
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    points = spec["data"][0]
    assert len(points["customdata"]) == 5      # the five scored CAN-CHN events
    assert min(_arr(points["y"])) == -5.0 and max(_arr(points["y"])) == 8.0


def test_dashboard_viewer_cannot_add_without_the_secret(app, monkeypatch):
    monkeypatch.setenv("TIMELINE_EDITOR_SECRET", "s3cret")
    at = app(tab="add")
    assert not any(ta.label == "Article text" for ta in at.text_area)
    secret = _by_label(at.text_input, "Editor secret")
    secret.set_value("wrong")
    next(b for b in at.button if b.label == "Unlock adding").click().run()
    assert any("Wrong editor secret" in e.value for e in at.error)
    assert not any(ta.label == "Article text" for ta in at.text_area)
    _by_label(at.text_input, "Editor secret").set_value("s3cret")
    next(b for b in at.button if b.label == "Unlock adding").click().run()
    assert any(ta.label == "Article text" for ta in at.text_area)


def test_dashboard_open_run_allows_adding(app):
    at = app(tab="add")
    assert any(ta.label == "Article text" for ta in at.text_area)
    assert any("2 MB" in m.value for m in at.markdown)


def test_dashboard_empty_paste_is_a_clear_error(app, store_url):
    at = app(tab="add")
    before = len(_stored(store_url))
    next(b for b in at.button if b.label == "Read articles").click().run()
    assert any("Nothing to add" in e.value for e in at.error)
    assert not at.exception
    assert len(_stored(store_url)) == before


def test_dashboard_adds_a_pasted_article(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'add.db'}"
    fill_store(url, EVENTS.head(1), TITLES)
    monkeypatch.setenv("TIMELINE_DB", url)
    monkeypatch.delenv("TIMELINE_EDITOR_SECRET", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["tab"] = "add"
    at.run()
    _by_label(at.text_area, "Article text").set_value(
        "Canada and China sign canola deal\n\nOn March 3, 2026, Canada and China signed a canola agreement in Ottawa.")
    next(b for b in at.button if b.label == "Read articles").click().run()
    pub = next(d for d in at.date_input if "Canada and China sign canola deal" in d.label)
    pub.set_value(date(2026, 3, 4)).run()
    next(b for b in at.button if b.label.startswith("Add 1 article")).click().run()
    assert not at.exception and not at.error
    with open_store(url) as store:
        arts = store.articles_frame()
    added = arts[arts["title"] == "Canada and China sign canola deal"]
    assert len(added) == 1 and added["published"].iloc[0] == "2026-03-04"
    assert any("starred" in i.value for i in at.info) or not at.session_state["new_ids"]


def test_dashboard_first_page_defers_what_is_under_the_chart(store_url, monkeypatch):
    monkeypatch.setenv("TIMELINE_DB", store_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["event"] = "e03"
    at.run()
    assert not at.exception and not at.error
    # The chart and its controls only: no filters, table, downloads or metrics yet.
    assert len(at.get("plotly_chart")) == 1 and len(at.radio) == 2
    assert not at.multiselect and not at.sidebar.text_input
    assert "_table_ids" not in at.session_state and not at.get("download_button") and not at.metric
    assert any("Loading the event table" in c.value for c in at.caption)
    assert any("Loading the filters" in c.value for c in at.sidebar.caption)
    assert _qp(at, "event") == ["e03"]   # the URL keeps the view state meanwhile
    at.run()   # the timer's run, or any interaction
    assert not at.exception and not at.error
    assert len(at.multiselect) >= 4 and set(at.session_state["_table_ids"]) == set(EVENTS["event_id"])
    assert len(at.get("download_button")) == 3 and any("Meng Wanzhou" in m.value for m in at.markdown)
    assert not any("Loading" in c.value for c in [*at.caption, *at.sidebar.caption])
    at.run()   # and it stays open
    assert "_table_ids" in at.session_state and len(at.get("download_button")) == 3


def test_dashboard_only_the_first_page_waits(store_url, monkeypatch):
    # A session that starts on another view opens the timeline in full when it switches to it.
    monkeypatch.setenv("TIMELINE_DB", store_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["tab"] = "relations"
    at.run()
    assert not any("Loading" in c.value for c in at.caption)
    at.session_state["main_tab"] = "Timeline"
    at.run()
    assert not at.exception and len(at.multiselect) >= 4 and len(at.get("download_button")) == 3


def test_dashboard_relations_pair_comes_from_the_url(app):
    at = app(tab="relations", pair=["CAN", "USA"])
    assert _by_label(at.selectbox, "Country").value == "CAN"
    assert _by_label(at.selectbox, "and").value == "USA"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert len(spec["data"][0]["customdata"]) == 2     # the scored events naming CAN and USA
    assert _qp(at, "pair") == ["CAN", "USA"] and _qp(at, "tab") == ["relations"]


def test_dashboard_empty_store_explains_how_to_start(tmp_path, monkeypatch):
    monkeypatch.setenv("TIMELINE_DB", f"sqlite:///{tmp_path / 'new' / 'empty.db'}")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("No events yet" in i.value for i in at.info)
    assert any("no store at" in c.value for c in at.caption)
    assert not (tmp_path / "new").exists(), "showing an empty page must not create a store"


def test_dashboard_unreadable_store_is_a_message(tmp_path, monkeypatch):
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    monkeypatch.setenv("TIMELINE_DB", f"sqlite:///{bad}")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("Cannot open the event store" in e.value for e in at.error)


def test_dashboard_parquet_snapshot_is_read_only(tmp_path, monkeypatch):
    from pipeline.export import to_parquet_bytes

    path = tmp_path / "snapshot.parquet"
    path.write_bytes(to_parquet_bytes(EVENTS))
    monkeypatch.setenv("TIMELINE_DB", f"parquet://{path}")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["tab"] = "add"
    at.run()
    assert not at.exception and not at.error
    assert any("read-only" in i.value for i in at.info)
    assert not any(ta.label == "Article text" for ta in at.text_area)



def test_dashboard_url_range_beyond_the_data_is_clamped(app):
    at = app(**{"from": "1990-01-01", "to": "2018-12-31"})
    assert not at.exception and not at.error
    assert at.date_input[0].value == (date(2017, 1, 1), date(2018, 12, 31))
    assert _qp(at, "to") == ["2018-12-31"] and "from" not in at.query_params


def test_dashboard_adds_an_article_by_link(tmp_path, monkeypatch, local_web):
    url = f"sqlite:///{tmp_path / 'link.db'}"
    fill_store(url, EVENTS.head(1), TITLES)
    monkeypatch.setenv("TIMELINE_DB", url)
    monkeypatch.delenv("TIMELINE_EDITOR_SECRET", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["tab"] = "add"
    at.run()
    _by_label(at.text_input, "or add by link").set_value(local_web.url("/redirect/1") + " " + local_web.url("/status/404"))
    next(b for b in at.button if b.label == "Read articles").click().run()
    assert any("HTTP 404" in e.value for e in at.error)
    pub = next(d for d in at.date_input if "Canada and China Resume Canola Talks" in d.label)
    assert pub.value == date(2025, 3, 21)   # from the page's metadata
    next(b for b in at.button if b.label.startswith("Add 1 article")).click().run()
    assert not at.exception
    with open_store(url) as store:
        arts = store.articles_frame()
        added = arts[arts["title"] == "Canada and China Resume Canola Talks"]
        assert added["url"].tolist() == [local_web.url("/page.html")]
        assert store.article_fetch(added["article_id"].iloc[0]).http_status == 200
