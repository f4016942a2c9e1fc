"""The dashboard's logic through Streamlit's AppTest: URL -> widgets -> table, chart, downloads, detail."""
from __future__ import annotations

import json
import re
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



def _open_add_tab(url: str, monkeypatch) -> AppTest:
    """The "Add articles" tab of an open run (no editor secret) on the store ``url``, holding one event."""
    fill_store(url, EVENTS.head(1), TITLES)
    monkeypatch.setenv("TIMELINE_DB", url)
    monkeypatch.delenv("TIMELINE_EDITOR_SECRET", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["tab"] = "add"
    return at.run()

def test_dashboard_adds_a_pasted_article(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'add.db'}"
    at = _open_add_tab(url, monkeypatch)
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


def _snapshot_app(tmp_path, monkeypatch) -> AppTest:
    """The dashboard (not yet run) over a Parquet snapshot of EVENTS."""
    from pipeline.export import to_parquet_bytes

    path = tmp_path / "snapshot.parquet"
    path.write_bytes(to_parquet_bytes(EVENTS))
    monkeypatch.setenv("TIMELINE_DB", f"parquet://{path}")
    return AppTest.from_file(APP, default_timeout=60)


def test_dashboard_parquet_snapshot_is_read_only(tmp_path, monkeypatch):
    at = _snapshot_app(tmp_path, monkeypatch)
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


# ----- issue 13: view state, selections, history, doubtful events -------------------------------
def _range(at) -> list[str]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [str(x)[:10] for x in spec["layout"]["xaxis"]["range"]]


def test_dashboard_view_in_the_url_sets_the_range_and_survives_changes(app):
    at = app(view="2018-11-25..2018-12-17")
    assert _range(at) == ["2018-11-25", "2018-12-18"]
    _by_label(at.radio, "Swimlanes").set_value("topic").run()
    _by_label(at.multiselect, "Countries").set_value(["CAN"]).run()
    at.session_state["event"] = "e03"
    at.run()
    assert _range(at) == ["2018-11-25", "2018-12-18"] and _qp(at, "view") == ["2018-11-25..2018-12-17"]
    assert _qp(at, "event") == ["e03"] and any("tl-detail" in m.value for m in at.markdown)


def test_dashboard_a_zoom_from_the_browser_becomes_the_view(app):
    from ui.bridge import view_from_relayout
    at = app()
    # What the bridge's callback does with a plotly_relayout range.
    at.session_state["view"] = view_from_relayout({"lo": "2024-08-01", "hi": "2024-11-01"})
    at.run()
    assert _qp(at, "view") == ["2024-08-01..2024-10-31"] and _range(at) == ["2024-08-01", "2024-11-01"]


def test_dashboard_articles_metric_follows_the_filters(app, store_url):
    at = app(topic="security")
    assert at.metric[0].value == "1" and at.metric[1].value == "1"
    assert app().metric[1].value == str(len(TITLES))


def test_dashboard_back_reads_the_address_again(app):
    at = app(country="CAN")
    _by_label(at.multiselect, "Countries").set_value(["CAN", "USA"]).run()
    assert _qp(at, "country") == ["CAN", "USA"]
    # The browser's Back button: the page reruns with the previous address.
    at.query_params["country"] = "CAN"
    at.run()
    assert _by_label(at.multiselect, "Countries").value == ["CAN"] and _qp(at, "country") == ["CAN"]
    # A widget change after it is a new step again.
    _by_label(at.radio, "Swimlanes").set_value("actor").run()
    assert _qp(at, "lane") == ["actor"] and _qp(at, "country") == ["CAN"]


def test_dashboard_box_selection_lists_events_and_narrows_downloads(app, store_url):
    at = app(sel="2018-11-01..2019-01-31", sel_lane=["Canada", "China"])
    assert not at.exception and not at.error
    assert at.session_state["_sel_table_ids"] == ["e03"]
    assert any("Selection: 1 events" in m.value for m in at.markdown)
    _by_label(at.radio, "Download").set_value("selection").run()
    csv_bytes = at.session_state["_download_builders"]["csv"]()
    expected = _stored(store_url)
    assert csv_bytes == to_csv_bytes(expected[expected["event_id"] == "e03"])
    assert _qp(at, "sel_lane") == ["Canada", "China"]


def test_dashboard_doubtful_events_filter_is_in_the_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'doubt.db'}"
    flagged = EVENTS.assign(flags=[("no_action",) if e in ("e02", "e05") else () for e in EVENTS["event_id"]])
    fill_store(url, flagged, TITLES)
    monkeypatch.setenv("TIMELINE_DB", url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["doubt"] = "hide"
    at.run().run()
    assert not at.exception
    assert _table_ids(at) == set(EVENTS["event_id"]) - {"e02", "e05"}
    assert next(c for c in at.checkbox if c.label.startswith("Hide doubtful")).value is True
    next(c for c in at.checkbox if c.label.startswith("Hide doubtful")).set_value(False).run()
    assert "doubt" not in at.query_params and len(_table_ids(at)) == len(EVENTS)


def test_dashboard_event_types_carry_their_names(app):
    types = _by_label(app().multiselect, "Event types (CAMEO)")
    assert any(o.startswith("17 Coerce") for o in types.options)
    assert any(o.startswith("04 Consult") for o in types.options)


def test_dashboard_relations_honours_the_filters(app):
    at = app(tab="relations", topic="trade", **{"from": "2024-01-01"})
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    # Trade events naming Canada and China from 2024 on (not the 2017-2025 diplomacy ones).
    assert sorted(spec["data"][0]["customdata"]) == ["e01", "e04"]
    assert any("under the sidebar's filters" in c.value for c in at.caption)


def test_dashboard_search_table_says_what_matched(app):
    at = app(q="xi")
    assert _table_ids(at) == {"e01", "e06"}
    frame = at.dataframe[0].value
    assert "matched" in frame.columns and all("Xi" in m for m in frame["matched"])


# ----- issue 13: key dates ------------------------------------------------------------------------
def _key_buttons(at) -> list:
    return [b for b in at.button if (b.key or "").startswith("keydate_")]


def test_dashboard_key_dates_list_the_top_days_mark_them_and_zoom(app, store_url):
    from pipeline.keydates import rank_days
    from ui.keydates import TOP
    from ui.text import plain

    closed = app()
    # Closed (the default): nothing ranked, nothing marked.
    assert not _key_buttons(closed)
    assert not json.loads(closed.get("plotly_chart")[0].proto.spec)["layout"].get("shapes")
    at = app(keydates="1", country="CAN")
    assert not at.exception and not at.error
    with open_store(store_url) as store:
        expected = rank_days(filter_events(store.events_frame(), Filters(countries=("CAN",))),
                             store.mentions_frame(), TOP)
    assert [b.label for b in _key_buttons(at)] == list(expected["date"])
    assert any(plain(expected["title"].iloc[0]) in m.value for m in at.markdown)
    shapes = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["shapes"]
    assert [s["x0"][:10] for s in shapes] == list(expected["date"])
    # A click on a day zooms to it: the view (in the URL) is the day with two weeks either side.
    day = expected["date"].iloc[0]
    _key_buttons(at)[0].click().run()
    lo, hi = _qp(at, "view")[0].split("..")
    assert date.fromisoformat(lo) < date.fromisoformat(day) < date.fromisoformat(hi)
    assert (date.fromisoformat(hi) - date.fromisoformat(lo)).days == 30
    assert _range(at)[0] == lo and _qp(at, "keydates") == ["1"] and _qp(at, "country") == ["CAN"]


def test_dashboard_key_dates_wait_for_the_first_chart(store_url, monkeypatch):
    monkeypatch.setenv("TIMELINE_DB", store_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["keydates"] = "1"
    at.run()
    # A session's first page draws the chart first; the ranking follows with the rest.
    assert not _key_buttons(at) and any("Ranking the key dates" in c.value for c in at.caption)
    at.run()
    assert _key_buttons(at) and not any("Ranking" in c.value for c in at.caption)


def test_dashboard_key_dates_of_a_parquet_snapshot_say_they_are_approximate(tmp_path, monkeypatch):
    at = _snapshot_app(tmp_path, monkeypatch)
    at.query_params["keydates"] = "1"
    at.run().run()
    assert not at.exception and not at.error
    assert _key_buttons(at) and any("Parquet snapshot" in c.value for c in at.caption)


# ----- issue 14: hostile links and titles, long links, outliers, shared servers -------------------
_LINK = re.compile(r"(?<!\\)\]\(")      # an unescaped "](": a Markdown link or image could form


def _shown_text(at) -> list[str]:
    """Every Markdown text the page shows: captions, markdown, messages, widget labels."""
    out = [e.value for e in [*at.caption, *at.markdown, *at.error, *at.warning, *at.info, *at.success]]
    return out + [w.label for w in [*at.date_input, *at.text_input, *at.text_area, *at.button]]


def test_dashboard_link_text_in_notices_is_plain_text(app):
    at = app(lane="[Log in again](http://example.invalid/l)", country="![x](http://127.0.0.1:8699/p.png)")
    assert not at.exception and not at.error
    notices = [c.value for c in at.caption if c.value.startswith("⚠")]
    assert any("Log in again" in n for n in notices) and any("127" in n for n in notices)
    for text in _shown_text(at):
        assert not _LINK.search(text), text
        assert "http://" not in text and "![" not in text


def test_dashboard_article_titles_are_plain_text_when_adding(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'md.db'}"
    at = _open_add_tab(url, monkeypatch)
    headline = "Canola [Log in again](http://e.invalid/l) ![x](http://127.0.0.1:8699/p.png)"
    _by_label(at.text_area, "Article text").set_value(
        f"{headline}\n\nOn March 3, 2026, Canada and China signed a canola agreement in Ottawa.")
    next(b for b in at.button if b.label == "Read articles").click().run()
    label = next(d for d in at.date_input if "Canola" in d.label).label
    assert "Log in again" in label and not _LINK.search(label) and "http://" not in label
    next(b for b in at.button if b.label.startswith("Add 1 article")).click().run()
    assert not at.exception
    done = [m.value for m in [*at.success, *at.warning]]
    assert done and all("Log in again" in m and not _LINK.search(m) for m in done)
    for text in _shown_text(at):
        assert not _LINK.search(text) and "http://" not in text, text


def test_dashboard_hundreds_of_unknown_parameters_make_one_notice(app):
    at = app(**{f"junk{i}": "1" for i in range(300)})
    assert not at.exception and not at.error
    notices = [c.value for c in at.caption if c.value.startswith("⚠")]
    assert len(notices) == 1
    assert "300 unknown link parameters" in notices[0] and "297 more" in notices[0]
    assert at.metric[0].value == str(len(EVENTS))


def test_dashboard_long_search_is_cut_with_a_notice(app):
    at = app(q="Carney " * 40)
    assert not at.exception
    assert any("cut to its first 200 characters" in c.value for c in at.caption)
    assert len(_by_label(at.text_input, "Search").value) <= 200


def test_dashboard_far_out_event_keeps_the_default_range_and_all_shows_it(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'far.db'}"
    days = [f"{2017 + i % 10}-{1 + i % 12:02d}-15" for i in range(12)] + ["9000-06-30"]
    rows = [_event(f"n{i:02d}", f"{i:016x}", "2026-02-01", d, d, "day", ("CAN",),
                   f"Something {i} happened on {d}.", d) for i, d in enumerate(days)]
    fill_store(url, pd.DataFrame(rows))
    monkeypatch.setenv("TIMELINE_DB", url)
    at = AppTest.from_file(APP, default_timeout=60).run().run()
    assert not at.exception
    lo, hi = _range(at)
    assert "2016" <= lo <= "2017-01-15" and "2026-12-15" <= hi <= "2028"
    assert any("far from the rest (9000-06-30)" in c.value for c in at.caption)
    # *all* (or a double-click) in the browser: the bridge reports an autorange, and the page's
    # callback makes the view every event.
    from ui.bridge import next_view
    at.session_state["view"] = next_view({"reset": True}, None, at.session_state["_all_view"])
    at.run()
    assert _qp(at, "view") == ["2017-01-15..9000-06-30"] and _range(at)[1] >= "9000-06-30"


def test_dashboard_refuses_writes_from_the_network_without_a_secret(app, monkeypatch):
    from streamlit.runtime.context import ContextProxy

    monkeypatch.setattr(ContextProxy, "ip_address", property(lambda self: "203.0.113.7"))
    at = app(tab="add")
    assert not at.exception
    assert any("reachable from other machines" in w.value and "TIMELINE_EDITOR_SECRET" in w.value
               for w in at.warning)
    assert not any(ta.label == "Article text" for ta in at.text_area)
    assert not any(w.label == "Editor secret" for w in at.text_input)


def test_dashboard_wrong_secrets_back_off(app, monkeypatch):
    from streamlit.runtime.context import ContextProxy

    from ui import auth
    from ui.auth import FREE_TRIES

    # A long first wait, so that a slow machine cannot outlast it between two runs.
    monkeypatch.setattr(auth, "FIRST_WAIT_S", 60.0)
    monkeypatch.setenv("TIMELINE_EDITOR_SECRET", "s3cret")
    monkeypatch.setattr(ContextProxy, "ip_address", property(lambda self: "198.51.100.23"))
    at = app(tab="add")
    for _ in range(FREE_TRIES + 1):
        _by_label(at.text_input, "Editor secret").set_value("wrong")
        next(b for b in at.button if b.label == "Unlock adding").click().run()
        assert any("Wrong editor secret" in e.value for e in at.error)
    assert any("Wait 60 s" in e.value for e in at.error)
    # While it waits, even the right secret is not compared.
    _by_label(at.text_input, "Editor secret").set_value("s3cret")
    next(b for b in at.button if b.label == "Unlock adding").click().run()
    assert any(e.value.startswith("Too many wrong secrets: wait") for e in at.error)
    assert not any(ta.label == "Article text" for ta in at.text_area)


def test_dashboard_adds_an_article_by_link(tmp_path, monkeypatch, local_web):
    url = f"sqlite:///{tmp_path / 'link.db'}"
    at = _open_add_tab(url, monkeypatch)
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
