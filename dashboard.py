"""Timeline: the analyst's dashboard (layout only; the logic lives in ``ui/`` and ``pipeline/``).

Run with ``make run`` or ``streamlit run dashboard.py``. Every view setting lives in the URL.
"""
from __future__ import annotations

import math
import os
from dataclasses import replace
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pipeline.query import Filters, describe_matches
from pipeline.records import DATE_BASES, PRECISIONS
from ui import auth, bridge, data, detail, figures, keydates, selection, urlstate
from ui import ingest as adding
from ui.arrays import NONE_LANE
from ui.labels import country_name, country_option, type_label
from ui.text import plain

# "auto": open on a wide screen, closed on a phone-sized one (it would cover the chart).
st.set_page_config(page_title="Timeline", page_icon="🗓️", layout="wide",
                   initial_sidebar_state="auto")

MAX_ARTICLE_OPTIONS = 300  # source-article choices listed (most reporting first)
TABLE_ROWS = 500            # rows sent to the table; the downloads always hold every filtered row
ANY = "any"
TAB_LABELS = {"timeline": "Timeline", "relations": "Relations", "add": "Add articles"}
# A new session's first timeline page carries the chart and its controls; the filters, the share
# box and what sits under the chart (metrics, table, downloads) follow as soon as the browser has
# drawn the chart (ui.bridge says so), or at the first interaction, so the browser draws the chart
# without rendering the rest at the same time.
TABLE_COLUMNS = ("date_start", "date_end", "precision", "title", "date_text", "countries", "actors",
                 "topics", "event_code", "goldstein", "mentions", "flags", "event_id")
SELECTION_ROWS = 1000       # rows of a box/lasso selection listed (the download holds all)
S = st.session_state


# ----- URL -> widgets (a session's first run, and Back/Forward) -------------------------------
def _url_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _seed_from_url(loaded: data.Loaded) -> None:
    """Put the URL's view state into the widgets' session state: on a session's first run, and
    whenever the address differs from the one this page last wrote (the browser's Back and
    Forward buttons, or an edited address), so that history walks through views."""
    params = _url_params()
    if S.get("_seeded"):
        if urlstate.same_view(params, S.get("_url_written", {})):
            return
    state, notices = urlstate.parse_query(params)
    state, more = urlstate.restrict(
        state, countries=set(loaded.factorized("countries")[1]), topics=set(loaded.factorized("topics")[1]),
        actors=set(loaded.factorized("actors")[1]), types=set(loaded.factorized_roots()[1]))
    notices += more
    f = state.filters
    S.w_country, S.w_topic, S.w_actor, S.w_type = (list(f.countries), list(f.topics),
                                                   list(f.actors), list(f.types))
    S.w_basis = list(f.bases)
    known_articles = loaded.article_titles()
    S.w_article = [a for a in f.articles if a in known_articles]
    if len(S.w_article) != len(f.articles):
        notices.append("ignored article: not in the store")
    S.w_q = f.q
    S.w_prec = f.min_precision or ANY
    lo, hi = loaded.date_bounds()
    if lo:
        lo_d, hi_d = date.fromisoformat(lo), date.fromisoformat(hi)
        start = max(lo_d, min(f.date_from or lo_d, hi_d))
        end = min(hi_d, max(f.date_to or hi_d, start))
        S.w_dates = (start, end)
    else:
        S.pop("w_dates", None)
    S.w_doubt = f.hide_doubtful
    S.w_lane, S.w_color, S.w_rug = state.lane, state.color, state.rug
    S.w_keydates = state.keydates
    S.event = state.event if state.event and loaded.has_event(state.event) else ""
    if state.event and not S.event:
        notices.append("ignored event: not in the store")
    if state.pair:
        S.w_pair_a, S.w_pair_b = state.pair
        S._pair_touched = True
    S.main_tab = TAB_LABELS[state.tab]
    # A zoom made on the first page of a big store (before the events were read) is kept.
    S.view = state.view or (S.get("view") if not S.get("_seeded") else None)
    S.sel_box = state.selection
    S.sel_ids = ()
    S._notices = notices
    S._seeded = True
    S._url_written = params


def _current_state(loaded: data.Loaded) -> urlstate.ViewState:
    """The view state the widgets hold now."""
    lo, hi = loaded.date_bounds()
    date_from = date_to = None
    dates = S.get("w_dates")
    if lo and isinstance(dates, (tuple, list)) and len(dates) == 2:
        if dates[0] > date.fromisoformat(lo):
            date_from = dates[0]
        if dates[1] < date.fromisoformat(hi):
            date_to = dates[1]
    filters = Filters(countries=tuple(S.get("w_country", ())), topics=tuple(S.get("w_topic", ())),
                      actors=tuple(S.get("w_actor", ())), types=tuple(S.get("w_type", ())),
                      date_from=date_from, date_to=date_to, q=(S.get("w_q") or "").strip(),
                      min_precision="" if S.get("w_prec", ANY) == ANY else S.get("w_prec"),
                      bases=tuple(S.get("w_basis", ())), articles=tuple(S.get("w_article", ())),
                      hide_doubtful=bool(S.get("w_doubt", False)))
    pair = ()
    if S.get("w_pair_a") and S.get("w_pair_b") and S.get("_pair_touched"):
        pair = (S.w_pair_a, S.w_pair_b)
    tab = {v: k for k, v in TAB_LABELS.items()}.get(S.get("main_tab"), urlstate.DEFAULT_TAB)
    return urlstate.ViewState(filters, S.get("w_lane", urlstate.DEFAULT_LANE),
                              S.get("w_color", urlstate.DEFAULT_COLOR), S.get("event", ""),
                              bool(S.get("w_rug", False)), pair, tab, S.get("view"), S.get("sel_box"),
                              bool(S.get("w_keydates", False)))


def _write_url(state: urlstate.ViewState) -> None:
    """Mirror the view state into the address bar (only when it changed). A change pushes a
    browser history entry (Streamlit's own behaviour), so Back returns to the previous view."""
    wanted = urlstate.to_query(state)
    if _url_params() != wanted:
        st.query_params.from_dict(wanted)
    S._url_written = wanted


# ----- callbacks ---------------------------------------------------------------------------
def _on_chart_select() -> None:
    sel = (S.get("chart") or {}).get("selection", {}) if S.get("chart") else {}
    points, boxes, lassos = sel.get("points", []), sel.get("box", []), sel.get("lasso", [])
    if S.get("_aggregated"):
        # Counts per period: a box or a click zooms into the period it covers (single events
        # come back once few enough are in view).
        span = None
        if boxes:
            found = selection.box_from_selection(boxes[0], S.get("_chart_categories", []))
            span = (found[0], found[1]) if found else None
        elif points:
            span = selection.drill_range(points)
        if span:
            S.view = span
        return
    if boxes:
        found = selection.box_from_selection(boxes[0], S.get("_chart_categories", []))
        if found:
            S.sel_box, S.sel_ids = urlstate.BoxSelection(*found), ()
        return
    if lassos:
        S.sel_box, S.sel_ids = None, tuple(selection.ids_from_points(points, S.get("_chart_ids", [])))
        return
    if points:
        S.event = selection.event_from_points(points, S.get("_chart_ids", [])) or S.get("event", "")


def _on_view() -> None:
    """The chart's visible range changed in the browser (zoom, slider, quick-range button)."""
    value = (S.get("bridge") or {}).get("view")
    # *all* or a double-click: every event, also those the default range leaves out.
    S.view = bridge.next_view(value, S.get("view"), S.get("_all_view"))


def _on_drawn() -> None:
    S._below_fold = True


def _zoom_to_day(day: str) -> None:
    """A click on a key date: show that day with a few weeks around it (a view, so in the URL)."""
    S.view = keydates.zoom_view(day)


def _clear_selection() -> None:
    S.sel_box, S.sel_ids = None, ()


def _on_selection_table() -> None:
    sel = S.get("sel_table")
    rows = (sel or {}).get("selection", {}).get("rows", []) if sel else []
    ids = S.get("_sel_table_ids", [])
    if rows and rows[0] < len(ids):
        S.event = ids[rows[0]]


def _on_relations_select() -> None:
    sel = S.get("relations_chart")
    points = (sel or {}).get("selection", {}).get("points", []) if sel else []
    if points:
        S.event = selection.event_from_points(points, S.get("_relations_ids", [])) or S.get("event", "")


def _on_table_select() -> None:
    sel = S.get("table")
    rows = (sel or {}).get("selection", {}).get("rows", []) if sel else []
    ids = S.get("_table_ids", [])
    if rows and rows[0] < len(ids):
        S.event = ids[rows[0]]


def _clear_event() -> None:
    S.event = ""


def _reset_filters() -> None:
    for key in ("w_country", "w_topic", "w_actor", "w_type", "w_basis", "w_article"):
        S[key] = []
    S.w_q, S.w_prec, S.w_doubt = "", ANY, False
    S.pop("w_dates", None)
    S.event = ""


def _keep_a_view() -> None:
    # Clicking the open view again would deselect it: keep it open instead.
    if not S.get("main_tab"):
        S.main_tab = S.get("_open_view") or TAB_LABELS[urlstate.DEFAULT_TAB]


def _touch_pair() -> None:
    S._pair_touched = True


# ----- sidebar filters ---------------------------------------------------------------------
def _sidebar(loaded: data.Loaded) -> None:
    """The filter widgets, each option with the count of events it would leave."""
    current = _current_state(loaded).filters
    masks = data.filter_masks(loaded, current)
    sb = st.sidebar
    sb.header("Filters")

    def facet(label: str, key: str, facet_name: str, fmt, help_text: str, source_values) -> None:
        counts = data.facet_counts(loaded, current, facet_name, masks)
        options = sorted(set(source_values), key=lambda v: (-counts.get(v, 0), str(v)))
        chosen = [v for v in S.get(key, []) if v in set(options)]
        S[key] = chosen
        sb.multiselect(label, options, key=key, help=help_text,
                       format_func=lambda v: data.option_label(fmt(v), counts.get(v, 0)),
                       placeholder="All")

    facet("Countries", "w_country", "countries", country_option,
          "Events involving any of these countries", loaded.factorized("countries")[1])
    facet("Topics", "w_topic", "topics", str, "Events on any of these topics",
          loaded.factorized("topics")[1])
    facet("Actors", "w_actor", "actors", str, "Events naming any of these people or organisations",
          loaded.factorized("actors")[1])
    roots = sorted(r for r in loaded.factorized_roots()[1] if r)
    facet("Event types (CAMEO)", "w_type", "types", type_label, "CAMEO root codes", roots)
    lo, hi = loaded.date_bounds()
    if lo:
        lo_d, hi_d = date.fromisoformat(lo), date.fromisoformat(hi)
        dates = S.get("w_dates")
        if not dates or tuple(dates) == S.get("_bounds"):
            # Unset, or "everything" under the previous bounds: follow the store as it grows.
            S.w_dates = (lo_d, hi_d)
        S._bounds = (lo_d, hi_d)
        sb.date_input("Date range", key="w_dates", min_value=lo_d, max_value=hi_d,
                      help="Events overlapping this range (type a date and press Enter)")
    sb.text_input("Search", key="w_q", placeholder='words or "a phrase"',
                  help='Whole words and "quoted phrases", any case, in the title, sentence and '
                       'actors; every term must match. "Xi" finds Xi Jinping, not Mexico.')
    sb.selectbox("Minimum precision", (ANY,) + PRECISIONS, key="w_prec",
                 format_func=lambda p: "any (show all)" if p == ANY else f"{p} or finer",
                 help="'month' hides events dated only to a year, decade or century")
    sb.multiselect("Date basis", DATE_BASES, key="w_basis", placeholder="All",
                   help="How the date was found: written out, relative to the publication, "
                        "from the story's thread, from a known summit, or the publication day")
    n_doubt = int(loaded.doubtful().sum())
    sb.checkbox(f"Hide doubtful events ({n_doubt:,})", key="w_doubt",
                help="Doubtful events (drawn hollow) carry a reason to doubt them: a weak date "
                     "guess, a past-tense event dated after its article, no clause saying what "
                     "happened, or a title that is only a date word")
    if len(loaded.articles):
        titles = loaded.article_titles()
        counts = data.facet_counts(loaded, current, "articles", masks, limit=MAX_ARTICLE_OPTIONS)
        # Thousands of articles would make a slow list: offer the most reporting ones (and any chosen).
        chosen = [a for a in S.get("w_article", []) if a in titles]
        top = sorted(counts, key=lambda a: (-counts[a], titles.get(a, "")))[:MAX_ARTICLE_OPTIONS]
        options = list(dict.fromkeys(chosen + [a for a in top if a in titles]))
        S.w_article = chosen
        sb.multiselect("Source article", options, key="w_article", placeholder="All",
                       format_func=lambda a: data.option_label((titles.get(a) or a)[:70], counts.get(a, 0)))
    sb.button("Reset filters", on_click=_reset_filters, width="stretch")


# ----- main views ------------------------------------------------------------------------
def _controls() -> None:
    c1, c2, c3 = st.columns([5, 5, 3], vertical_alignment="bottom")
    c1.radio("Swimlanes", urlstate.LANES, key="w_lane", horizontal=True)
    c2.radio("Colour by", urlstate.COLORS, key="w_color", horizontal=True,
             format_func=lambda x: {"goldstein": "Goldstein"}.get(x, x))
    c3.toggle("Publication rug", key="w_rug", help="Show when the reporting articles were published")


def _key_dates_panel(loaded: data.Loaded, view: pd.DataFrame, state: urlstate.ViewState, url: str,
                     ready: bool) -> tuple[str, ...]:
    """The *Key dates* panel above the chart: the top days of ``view`` (``ui.keydates``), each a
    button that zooms to it. Ranked only while the panel is open, and not before the first chart
    of a session is drawn (``ready``). Returns the days to mark on the timeline."""
    panel = st.expander("Key dates", key="w_keydates", on_change="rerun", icon=":material/event:")
    if not panel.open or view.empty:
        return ()
    with panel:
        if not ready:
            st.caption("Ranking the key dates…")
            return ()
        days, approximate = keydates.key_dates(url, loaded, view, state.filters)
        st.caption("The days the articles keep pointing at, under the current filters (day-precise "
                   "events; `python -m pipeline keydates` ranks them the same way), marked on the "
                   "timeline by dotted lines. Click a day to zoom to it.")
        if approximate:
            st.caption(keydates.APPROXIMATE_NOTE)
        if days.empty:
            st.caption("No day-precise event under these filters: nothing to rank.")
            return ()
        # About five days in sight, the rest a scroll away: the chart stays near.
        rows = st.container(height=min(290, 20 + 54 * len(days)), border=False)
        for i, (day, score, n, title) in enumerate(days[["date", "score", "events", "title"]]
                                                   .itertuples(index=False, name=None)):
            c1, c2, c3 = rows.columns([2.8, 3.4, 10], vertical_alignment="center")
            c1.button(str(day), key=f"keydate_{i}", on_click=_zoom_to_day, args=(str(day),),
                      help="Zoom to this day", width="stretch")
            c2.markdown(f"score {float(score):.2f} · {int(n):,} event{'s' if int(n) != 1 else ''}")
            # Article text: shown as text, never as Markdown.
            c3.markdown(plain(title) or "*(untitled)*")
    return keydates.mark_days(days)


def _timeline(loaded: data.Loaded, view: pd.DataFrame, state: urlstate.ViewState, url: str,
              key_days: tuple[str, ...] = ()) -> None:
    if view.empty:
        st.info("No event matches these filters. Widen the date range or clear some filters.")
        return
    pairs = loaded.lane_pairs_for(view, state.lane)   # cheap: integer indexing of cached arrays
    rug = None
    if state.rug and len(loaded.articles):
        shown = set(view["article_id"])
        rug = loaded.articles.loc[loaded.articles["article_id"].isin(shown), "published"]
    highlight = tuple(S.get("new_ids", ()))

    def build(selected: str):
        return figures.timeline_figure(view, state.lane, state.color, rug=rug, highlight=highlight,
                                       selected=selected, pairs=pairs, days=loaded.days_for(view),
                                       view=state.view, q=state.filters.q, key_days=key_days)
    # Built once without the open event, then reused by clicks (see below).
    key = (state.filters, state.lane, state.color, state.rug, state.view, highlight, key_days)
    if state.filters.is_empty() and not highlight:
        # The same for every visitor with this view: build it once per store version.
        got = loaded.memo(("landing",) + key[1:], lambda: build(""))
    else:
        # This session's last chart without a selected event, kept for the next click.
        got = S.get("_last_chart")
        if not got or got[0] != key:
            got = (key, build(""))
            S._last_chart = got
        got = got[1]
    fig, info = got   # Streamlit does not change a figure it is given: no copy needed
    if state.event and not info.aggregated:
        # The ring around the open event, added to a copy of the chart (counts have no ring).
        ring = figures.ring_trace(view, pairs, loaded.days_for(view), state.event, info.lanes,
                                  state.filters.q)
        if ring is not None:
            fig = go.Figure(fig)
            fig.add_trace(ring)
    S._aggregated = info.aggregated
    S._all_view = (tuple(date.fromisoformat(d) for d in info.full_view)
                   if info.far_out and info.full_view else None)
    S._chart_ids = [list(t.customdata) if t.customdata is not None and not info.aggregated else []
                    for t in fig.data]
    S._chart_categories = list(fig.layout.yaxis.categoryarray or ())
    if state.event:
        # The detail opens beside the chart, where the eye is (stacked under it on a phone).
        left, right = st.columns([13, 7])
    else:
        left, right = st.container(), None
    with left:
        st.plotly_chart(fig, key="chart", on_select=_on_chart_select,
                        selection_mode=("points", "box", "lasso"),
                        config={"displaylogo": False, "scrollZoom": False,
                                "modeBarButtonsToRemove": ["autoScale2d"]})
    if right is not None:
        with right:
            _detail(loaded, url, "time", state.filters.q)
    if info.far_out and not state.view:
        n_far = len(info.far_out)
        listed = ", ".join(info.far_out[:3]) + (", …" if n_far > 3 else "")
        st.caption(f"{n_far:,} event{'s lie' if n_far > 1 else ' lies'} far from the rest ({listed}): "
                   "the chart fits the others. Press *all* above the chart (or double-click it) to "
                   "see every event.")
    shown_n = info.n_in_view if info.n_in_view >= 0 else info.n_events
    where = " in view" if info.n_in_view >= 0 else ""
    if info.aggregated:
        st.caption(f"{shown_n:,} events{where}: counts per lane and {info.period}. Zoom in (drag "
                   "across the chart, or box-select) to see single events.")
    else:
        rule = {"topic": " An event with several topics shows one ring per topic (outside: first in "
                         "the taxonomy).", "type": " Colours: CAMEO roots, blue for cooperation to red "
                         "for conflict."}.get(state.color, "")
        st.caption(f"{info.n_events:,} events. Dots are single days, bands under them cover a "
                   f"month, year or decade; hollow marks are doubtful events.{rule} Drag to zoom; "
                   "click an event for its detail; box or lasso select (toolbar) to list events.")


def _detail(loaded: data.Loaded, url: str, where: str, q: str = "") -> None:
    event_id = S.get("event", "")
    if not event_id:
        return
    row = loaded.event_row(event_id)
    if row is None:
        return
    with st.container(border=True, height=520 if where == "time" else "content"):
        head, close = st.columns([3, 2], vertical_alignment="center")
        head.markdown("**Event detail**")
        close.button("Close", on_click=_clear_event, key=f"close_detail_{where}", width="stretch")
        sources = _sources(url, loaded.version, event_id)
        st.markdown(detail.event_detail_html(row, sources, q=q), unsafe_allow_html=True)


@st.cache_data(max_entries=256, show_spinner=False)
def _sources(url: str, version: str, event_id: str) -> pd.DataFrame:
    return data.event_sources(url, data.load_cached(url, version), event_id)


def _table_frame(shown: pd.DataFrame, q: str) -> pd.DataFrame:
    table = shown.reindex(columns=list(TABLE_COLUMNS)).copy()
    for col in ("countries", "actors", "topics", "flags"):
        table[col] = table[col].map(lambda v: ", ".join(v) if isinstance(v, (tuple, list)) else (v or ""))
    table["event_code"] = table["event_code"].map(lambda c: type_label(str(c)[:2]) + f" · {c}" if c else "")
    if q:
        table.insert(4, "matched", [describe_matches(r, q) for r in shown.to_dict("records")])
    return table


_COLUMN_CONFIG = {"event_id": None, "goldstein": st.column_config.NumberColumn(format="%+.1f"),
                  "title": st.column_config.TextColumn(width="large"),
                  "flags": st.column_config.TextColumn("doubtful"),
                  "event_code": st.column_config.TextColumn("type")}


def _selection(loaded: data.Loaded, view: pd.DataFrame, state: urlstate.ViewState) -> pd.DataFrame | None:
    """The events inside the box or lasso drawn on the chart, listed to open one by one."""
    picked = data.selected_events(loaded, view, state.lane, state.selection, S.get("sel_ids", ()))
    if picked is None:
        return None
    with st.container(border=True):
        head, clear = st.columns([5, 1], vertical_alignment="center")
        box = state.selection
        where = (f"{box.start} – {box.end}" + (f", lanes {', '.join(box.lanes)}" if box.lanes else "")
                 if box else "the lasso")
        head.markdown(f"**Selection: {len(picked):,} events** inside " + plain(where))
        clear.button("Clear", on_click=_clear_selection, key="clear_selection")
        shown = picked.head(SELECTION_ROWS)
        table = _table_frame(shown, state.filters.q)
        S._sel_table_ids = table["event_id"].tolist()
        st.dataframe(table, key="sel_table", on_select=_on_selection_table, selection_mode="single-row",
                     hide_index=True, width="stretch", height=min(360, 38 + 35 * max(len(table), 1)),
                     column_config=_COLUMN_CONFIG)
    return picked


def _table(loaded: data.Loaded, view: pd.DataFrame, q: str) -> None:
    shown = loaded.latest(view, TABLE_ROWS)
    table = _table_frame(shown, q)
    S._table_ids = table["event_id"].tolist()
    st.subheader("Events")
    if len(view) > TABLE_ROWS:
        st.caption(f"Latest {TABLE_ROWS:,} of {len(view):,} events; the downloads hold all of them.")
    st.dataframe(table, key="table", on_select=_on_table_select, selection_mode="single-row",
                 hide_index=True, width="stretch", height=360, column_config=_COLUMN_CONFIG)


def _downloads(loaded: data.Loaded, url: str, filters: Filters, picked: pd.DataFrame | None) -> None:
    from pipeline import export

    scope = "all"
    if picked is not None:
        scope = st.radio("Download", ("all", "selection"), key="w_dl_scope", horizontal=True,
                         format_func=lambda x: {"all": "all filtered events",
                                                "selection": "selection only"}[x])
    ids = tuple(picked["event_id"]) if scope == "selection" and picked is not None else None
    n = len(ids) if ids is not None else int(S.get("_view_len", 0))
    cols = st.columns(3)
    specs = (("CSV", export.to_csv_bytes, "text/csv", "csv"),
             ("JSON", export.to_json_bytes, "application/json", "json"),
             ("TimelineJS", export.to_timelinejs_bytes, "application/json", "timelinejs.json"))
    builders = {}
    for col, (label, fn, mime, ext) in zip(cols, specs):
        # A callable: the file is built only when the analyst clicks.
        builders[ext] = lambda fn=fn: fn(export.with_links(data.export_rows(url, loaded, filters, ids), loaded.articles))
        col.download_button(f"⬇ {label} ({n:,} events)", data=builders[ext],
                            file_name=f"timeline-events.{ext}", mime=mime, on_click="ignore",
                            key=f"dl_{ext}", width="stretch")
    S._download_builders = builders   # the exact callables the buttons run (inspected by tests)


def _relations(loaded: data.Loaded, filters: Filters) -> None:
    codes = sorted(set(loaded.factorized("countries")[1]), key=country_name)
    if len(codes) < 2:
        st.info("The relations view needs events involving at least two countries.")
        return
    for key, default in (("w_pair_a", "CAN"), ("w_pair_b", "CHN")):
        if S.get(key) not in codes:
            S[key] = default if default in codes else codes[0 if key == "w_pair_a" else 1]
    c1, c2, c3 = st.columns([2, 2, 2])
    c1.selectbox("Country", codes, key="w_pair_a", format_func=country_option, on_change=_touch_pair)
    c2.selectbox("and", codes, key="w_pair_b", format_func=country_option, on_change=_touch_pair)
    window = c3.select_slider("Rolling mean over", (90, 180, 365, 730), value=365,
                              format_func=lambda d: f"{d} days", key="w_window")
    # Every sidebar filter applies, except the countries: the pair chosen here replaces them.
    scoped = data.filtered_view(loaded, replace(filters, countries=()))
    pair = loaded.pair_events(S.w_pair_a, S.w_pair_b)
    events = scoped[scoped.index.isin(pair.index)]
    fig, n = figures.relations_figure(events, S.w_pair_a, S.w_pair_b, window)
    S._relations_ids = [list(t.customdata) if t.customdata is not None else [] for t in fig.data]
    applied = "the sidebar's filters" if not replace(filters, countries=()).is_empty() else "no filter (none is set)"
    ignored = " The sidebar's country filter is not used here: the two countries above replace it." \
        if filters.countries else ""
    st.caption(f"{n} scored events name both countries, under {applied}.{ignored} Goldstein scores "
               "run from −10 (military attack) to +10 (military assistance); the line is the rolling "
               f"mean, broken where {window} days pass without an event. Click a point for its detail.")
    st.plotly_chart(fig, key="relations_chart", on_select=_on_relations_select,
                    selection_mode=("points",), config={"displaylogo": False})


def _add_articles(url: str) -> None:
    if data.is_read_only(url):
        st.info("This dashboard shows a read-only Parquet snapshot: adding articles needs a store "
                "(set TIMELINE_DB to a database URL).")
        return
    secret = auth.editor_secret(os.environ, _secrets())
    client = _client_ip()
    refusal = auth.write_refusal(secret, client)
    if refusal:
        st.warning(refusal)
        return
    if secret and not S.get("editor_ok"):
        st.info("This dashboard is shared: anyone can explore, share and download, but adding "
                "articles needs the editor secret.")
        supplied = st.text_input("Editor secret", type="password", key="w_secret")
        if st.button("Unlock adding", key="unlock"):
            guard, who = _guard(), client or "local"
            wait = guard.wait_s(who)   # asked before the secret is even compared
            if wait > 0:
                st.error(f"Too many wrong secrets: wait {math.ceil(wait)} s before trying again.")
            elif auth.may_add(secret, supplied):
                guard.succeeded(who)
                S.editor_ok = True
                st.rerun()
            else:
                guard.failed(who)
                wait = guard.wait_s(who)
                st.error("Wrong editor secret." + (f" Wait {math.ceil(wait)} s before trying again."
                                                   if wait > 0 else ""))
        return
    st.write(f"Paste an article, upload `.txt` / `.html` files (up to {adding.limit_text()} each) or give links. "
             "You confirm each publication date before the pipeline runs; nothing stored is changed "
             "except by adding the new article.")
    with st.form("add_form", clear_on_submit=False):
        pasted = st.text_area("Article text", height=180, key="w_paste",
                              placeholder="Headline on the first line, then the body…")
        files = st.file_uploader("or upload files", type=["txt", "html", "htm"],
                                 accept_multiple_files=True, key="w_files")
        links = st.text_input("or add by link", key="w_links", placeholder="https://… (several: separate with spaces)")
        read = st.form_submit_button("Read articles")
    if read:
        pending, errors = [], []
        if pasted and pasted.strip():
            try:
                pending.append(adding.read_pasted(pasted))
            except ValueError as err:
                errors.append(str(err))
        for f in files or []:
            try:
                pending.append(adding.read_upload(f.getvalue(), f.name))
            except ValueError as err:
                errors.append(str(err))
        fetched, link_errors = adding.read_links(links) if links and links.strip() else ([], [])
        pending += [art for art, _ in fetched]
        errors += link_errors
        S.pending_web = {art.article_id: web for art, web in fetched}
        if not pending and not errors:
            errors.append("Nothing to add: paste some text, choose a file or give a link.")
        S.pending = pending
        S.add_errors = errors
    for msg in S.get("add_errors", []):
        st.error(plain(msg))   # file names and article text: shown as text
    pending = S.get("pending", [])
    if not pending:
        return
    st.markdown("**Confirm the publication dates**")
    dates = []
    for i, art in enumerate(pending):
        note = " (not found in the page: please check)" if art.published_assumed else " (from the page)"
        dates.append(st.date_input(plain(art.title[:80] or art.path) + note, value=art.published,
                                   key=f"w_pub_{i}_{art.article_id}"))
    if st.button(f"Add {len(pending)} article{'s' if len(pending) > 1 else ''} to the timeline",
                 type="primary", key="do_add"):
        bar = st.progress(0.0, text="Starting…")
        new_ids: list[str] = []
        for i, (art, pub) in enumerate(zip(pending, dates)):
            def step(frac: float, msg: str, i=i) -> None:
                bar.progress(min(1.0, (i + frac) / len(pending)), text=f"{i + 1}/{len(pending)}: {msg}")
            try:
                result = adding.ingest(adding.with_published(art, pub), url, step,
                                       S.get("pending_web", {}).get(art.article_id))
            except Exception as err:  # any pipeline or store failure: say so, keep going
                st.error(plain(f"{art.title[:60] or art.path}: "
                               f"{str(err).splitlines()[0] if str(err) else type(err).__name__}"))
                continue
            new_ids += list(result.event_ids)
            if result.new:
                st.success(plain(art.title[:60]) + ": "
                           + adding.added_message(result.events_added, result.mentions_merged))
            else:
                st.warning(plain(art.title[:60]) + ": already in the store; nothing changed.")
        S.new_ids = tuple(new_ids)
        S.pending = []
        if new_ids:
            st.info("The new events are starred on the timeline.")


def _client_ip() -> str | None:
    """The visitor's address (``st.context.ip_address``: None for this machine, or unknown)."""
    ip = st.context.ip_address
    return ip if isinstance(ip, str) and ip else None


@st.cache_resource(show_spinner=False)
def _guard() -> auth.Guard:
    """One backoff for every session of this server (wrong secrets, per client and overall)."""
    return auth.Guard()


def _secrets():
    try:
        return dict(st.secrets)
    except Exception:  # no secrets.toml: no secret configured
        return None


def _empty_state() -> None:
    st.info("**No events yet.** Add articles in the *Add articles* view (paste text or upload "
            "`.txt`/`.html` files), or load the samples from a terminal with `make sample` "
            "(`python -m pipeline ingest data/articles`).")


def _landing_page(url: str, version: str) -> bool:
    """A first visit while a big store is still being read: the unfiltered chart counted in SQL
    (``data.landing``), the filters and table to follow. True when the page was drawn so."""
    state, _ = urlstate.parse_query(_url_params())
    if (S.get("_seeded") or state.tab != urlstate.DEFAULT_TAB or not state.filters.is_empty()
            or state.event or state.rug or state.view or state.selection or S.get("view")):
        return False
    got = data.landing(url, version, state.lane)
    if got is None:
        return False
    fig, info = got
    S.main_tab = TAB_LABELS[urlstate.DEFAULT_TAB]
    S.w_lane, S.w_color = state.lane, state.color
    st.title("Timeline")
    st.segmented_control("View", list(TAB_LABELS.values()), key="main_tab", label_visibility="collapsed",
                         on_change=_keep_a_view)
    _controls()
    S._aggregated, S._chart_ids = True, []
    S._chart_categories = list(fig.layout.yaxis.categoryarray or ())
    st.plotly_chart(fig, key="chart", on_select=_on_chart_select,
                    selection_mode=("points", "box", "lasso"),
                    config={"displaylogo": False, "scrollZoom": False,
                            "modeBarButtonsToRemove": ["autoScale2d"]})
    st.caption(f"{info.n_events:,} events: counts per lane and {info.period}. Zoom in (drag across "
               "the chart, or box-select) to see single events.")
    bridge.mount(key="bridge", chart_key="chart", want_drawn=True, on_view=_on_view, on_drawn=_on_drawn)
    st.sidebar.header("Filters")
    st.sidebar.caption("Loading the filters…")
    if S.get("_landing_shown"):
        # The chart is drawn (or the analyst acted): read the events now (not earlier, so that
        # the browser draws the first chart without competing with it), under the chart, then
        # open the page in full.
        data.start_load(url, version)
        with st.spinner("Reading the events for the filters and the table…"):
            data.load_cached(url, version)
        st.rerun()
    S._landing_shown = True
    st.caption("Loading the event table…")
    return True


def main() -> None:
    """Lay out the page."""
    url = data.db_url()
    try:
        version = data.store_version(url)
        if not data.is_loaded(url, version) and _landing_page(url, version):
            return
        with st.spinner("Loading events…"):
            loaded = data.load_cached(url, version)
    except Exception as err:  # store unreachable or unreadable: explain, never a traceback
        st.title("Timeline")
        st.error("Cannot open the event store: " + plain(str(err).splitlines()[0] if str(err) else type(err).__name__))
        st.stop()
    _seed_from_url(loaded)
    first_run = not S.get("_runs")
    S._runs = S.get("_runs", 0) + 1
    st.title("Timeline")
    # Notices quote the link's own text: shown as text (a link or an image in it stays inert).
    for note in urlstate.shown_notices(S.get("_notices", [])):
        st.caption("⚠ " + plain(note))
    # The view switcher: only the open view runs, so the first page carries just the timeline.
    st.segmented_control("View", list(TAB_LABELS.values()), key="main_tab", label_visibility="collapsed",
                         on_change=_keep_a_view)
    S._open_view = S.get("main_tab") or TAB_LABELS[urlstate.DEFAULT_TAB]
    timeline_open, relations_open, add_open = (S._open_view == label for label in TAB_LABELS.values())
    if loaded.events.empty:
        if add_open:
            _add_articles(url)
        else:
            _empty_state()
            if loaded.missing:
                st.caption(loaded.missing)
        _write_url(_current_state(loaded))
        return
    state = _current_state(loaded)
    view = None
    # The chart is sent before the sidebar (filters are read from session state, which the URL
    # seeded), so the browser starts drawing it first.
    if timeline_open:
        view = data.filtered_view(loaded, state.filters)
        S._view_len = len(view)
        _controls()
        key_days = _key_dates_panel(loaded, view, state, url, ready=not first_run or bool(S.get("_below_fold")))
        _timeline(loaded, view, state, url, key_days)
    # A new session's first timeline page stops here: the rest follows once the chart is drawn.
    full = view is None or not first_run or S.get("_below_fold")
    bridge.mount(key="bridge", chart_key="chart", want_drawn=not full, on_view=_on_view, on_drawn=_on_drawn)
    if full:
        _sidebar(loaded)
        state = _current_state(loaded)
    else:
        # Hold the sidebar's place so that the page keeps its layout when the filters arrive.
        st.sidebar.header("Filters")
        st.sidebar.caption("Loading the filters…")
        st.caption("Loading the event table…")
    if relations_open:
        _relations(loaded, state.filters)
        _detail(loaded, url, "rel", state.filters.q)
    _write_url(state)
    if full:
        with st.sidebar:
            st.divider()
            st.markdown("**Share this view** (copy link)")
            st.code(urlstate.share_url(st.context.url or "", state), language=None, wrap_lines=True)
    if view is not None and full:
        picked = _selection(loaded, view, state)
        m1, m2, m3 = st.columns(3)
        m1.metric("Events shown", f"{len(view):,}", help=f"of {len(loaded.events):,} stored")
        m2.metric("Articles", f"{loaded.article_count(view):,}",
                  help=f"reporting the events shown, of {len(loaded.articles):,} stored")
        countries = set(pd.unique(loaded.lane_pairs_for(view, "country")[1])) - {NONE_LANE}
        m3.metric("Countries", f"{len(countries):,}")
        _table(loaded, view, state.filters.q)
        _downloads(loaded, url, state.filters, picked)
    if add_open:
        _add_articles(url)


try:
    main()
except Exception as err:  # the last line of defence: a message, never a traceback
    st.error("Something went wrong: " + plain(str(err).splitlines()[0] if str(err) else type(err).__name__)
             + ". Reload the page; if it persists, tell the maintainer.")
