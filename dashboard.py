"""Timeline: the analyst's dashboard (layout only; the logic lives in ``ui/`` and ``pipeline/``).

Run with ``make run`` or ``streamlit run dashboard.py``. Every view setting lives in the URL.
"""
from __future__ import annotations

import os
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pipeline.query import Filters
from pipeline.records import DATE_BASES, PRECISIONS
from ui import auth, data, detail, figures, selection, urlstate
from ui import ingest as adding
from ui.arrays import NONE_LANE
from ui.labels import country_name, country_option, type_label

st.set_page_config(page_title="Timeline", page_icon="🗓️", layout="wide",
                   initial_sidebar_state="expanded")

MAX_ARTICLE_OPTIONS = 300  # source-article choices listed (most reporting first)
TABLE_ROWS = 500            # rows sent to the table; the downloads always hold every filtered row
ANY = "any"
TAB_LABELS = {"timeline": "Timeline", "relations": "Relations", "add": "Add articles"}
# A new session's first timeline page carries the chart and its controls; the filters, the share
# box and what sits under the chart (metrics, detail, table, downloads) follow this many seconds
# later, or at the first interaction, so the browser draws the chart without rendering the rest
# at the same time (at 100,000 events: chart drawn in 2.5 s instead of 3.1 s).
DEFER_BELOW_FOLD_S = 0.8
TABLE_COLUMNS = ("date_start", "date_end", "precision", "title", "date_text", "countries", "actors",
                 "topics", "event_code", "goldstein", "mentions", "event_id")
S = st.session_state


# ----- URL -> widgets (first run of a session only) ------------------------------------------
def _seed_from_url(loaded: data.Loaded) -> None:
    """Put the URL's view state into the widgets' session state, once per session."""
    if S.get("_seeded"):
        return
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    state, notices = urlstate.parse_query(params)
    ev = loaded.events
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
    S.w_lane, S.w_color, S.w_rug = state.lane, state.color, state.rug
    S.event = state.event if state.event and (ev["event_id"] == state.event).any() else ""
    if state.event and not S.event:
        notices.append("ignored event: not in the store")
    if state.pair:
        S.w_pair_a, S.w_pair_b = state.pair
        S._pair_touched = True
    S.main_tab = TAB_LABELS[state.tab]
    S._notices = notices
    S._seeded = True


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
                      bases=tuple(S.get("w_basis", ())), articles=tuple(S.get("w_article", ())))
    pair = ()
    if S.get("w_pair_a") and S.get("w_pair_b") and S.get("_pair_touched"):
        pair = (S.w_pair_a, S.w_pair_b)
    tab = {v: k for k, v in TAB_LABELS.items()}.get(S.get("main_tab"), urlstate.DEFAULT_TAB)
    return urlstate.ViewState(filters, S.get("w_lane", urlstate.DEFAULT_LANE),
                              S.get("w_color", urlstate.DEFAULT_COLOR), S.get("event", ""),
                              bool(S.get("w_rug", False)), pair, tab)


def _write_url(state: urlstate.ViewState) -> None:
    """Mirror the view state into the address bar (only when it changed)."""
    wanted = urlstate.to_query(state)
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


# ----- callbacks ---------------------------------------------------------------------------
def _on_chart_select() -> None:
    sel = S.get("chart")
    points = (sel or {}).get("selection", {}).get("points", []) if sel else []
    if not points:
        return
    if S.get("_aggregated"):
        # Drill down: the selected cells' periods become the date range.
        span = selection.drill_range(points, S.get("_bounds"))
        if span:
            S.w_dates = span
        return
    S.event = selection.event_from_points(points, S.get("_chart_ids", [])) or S.get("event", "")


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
    S.w_q, S.w_prec = "", ANY
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
    roots = [r for r in loaded.factorized_roots()[1] if r]
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
                      help="Events overlapping this range")
    sb.text_input("Search", key="w_q", placeholder="title, sentence or actor",
                  help="Case-insensitive text search")
    sb.selectbox("Minimum precision", (ANY,) + PRECISIONS, key="w_prec",
                 format_func=lambda p: "any (show all)" if p == ANY else f"{p} or finer",
                 help="'month' hides events dated only to a year, decade or century")
    sb.multiselect("Date basis", DATE_BASES, key="w_basis", placeholder="All",
                   help="How the date was found: written out, relative to the publication, "
                        "from the story's thread, from a known summit, or the publication day")
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
def _timeline(loaded: data.Loaded, view: pd.DataFrame, state: urlstate.ViewState) -> None:
    c1, c2, c3 = st.columns([5, 4, 2])
    c1.radio("Swimlanes", urlstate.LANES, key="w_lane", horizontal=True,
             format_func=lambda x: {"type": "event type"}.get(x, x))
    c2.radio("Colour by", urlstate.COLORS, key="w_color", horizontal=True,
             format_func=lambda x: {"type": "event type", "goldstein": "Goldstein score"}.get(x, x))
    c3.toggle("Publication rug", key="w_rug", help="Show when the reporting articles were published")
    if view.empty:
        st.info("No event matches these filters. Widen the date range or clear some filters.")
        return
    pairs = loaded.lane_pairs_for(view, state.lane)   # cheap: integer indexing of cached arrays
    rug = None
    if state.rug and len(loaded.articles):
        shown = set(view["article_id"])
        rug = loaded.articles.loc[loaded.articles["article_id"].isin(shown), "published"]
    highlight = tuple(S.get("new_ids", ()))

    def build():
        return figures.timeline_figure(view, state.lane, state.color, rug=rug, highlight=highlight,
                                       selected=state.event, pairs=pairs, days=loaded.days_for(view))
    if state.filters.is_empty() and not highlight and not state.event:
        # The landing view is the same for every visitor: build it once per store version.
        fig, info = loaded.memo(("landing", state.lane, state.color, state.rug), build)
        fig = go.Figure(fig)   # a private copy: Streamlit may restyle the figure it is given
    else:
        fig, info = build()
    S._aggregated = info.aggregated
    S._chart_ids = [list(t.customdata) if t.customdata is not None and not info.aggregated else []
                    for t in fig.data]
    if info.aggregated:
        st.caption(f"{info.n_events:,} events: showing counts per lane and {info.period}. "
                   "Box-select a region (or narrow the filters) to drill down to single events.")
    else:
        st.caption(f"{info.n_events:,} events. Dots are single days; translucent bars cover a "
                   "whole month, year or decade. Click an event for its detail.")
    st.plotly_chart(fig, key="chart", on_select=_on_chart_select, selection_mode=("points", "box"),
                    config={"displaylogo": False, "scrollZoom": False})


def _detail(loaded: data.Loaded, url: str, where: str) -> None:
    event_id = S.get("event", "")
    if not event_id:
        return
    match = loaded.events[loaded.events["event_id"] == event_id]
    if match.empty:
        return
    with st.container(border=True):
        head, close = st.columns([6, 1])
        head.subheader("Event detail")
        close.button("Close", on_click=_clear_event, key=f"close_detail_{where}")
        sources = _sources(url, loaded.version, event_id)
        st.markdown(detail.event_detail_html(match.iloc[0].to_dict(), sources), unsafe_allow_html=True)


@st.cache_data(max_entries=256, show_spinner=False)
def _sources(url: str, version: str, event_id: str) -> pd.DataFrame:
    return data.event_sources(url, data.load_cached(url, version), event_id)


def _table(loaded: data.Loaded, view: pd.DataFrame) -> None:
    shown = loaded.latest(view, TABLE_ROWS)
    table = shown.reindex(columns=list(TABLE_COLUMNS)).copy()
    for col in ("countries", "actors", "topics"):
        table[col] = table[col].map(lambda v: ", ".join(v) if isinstance(v, (tuple, list)) else (v or ""))
    S._table_ids = table["event_id"].tolist()
    st.subheader("Events")
    if len(view) > TABLE_ROWS:
        st.caption(f"Latest {TABLE_ROWS:,} of {len(view):,} events; the downloads hold all of them.")
    st.dataframe(table, key="table", on_select=_on_table_select, selection_mode="single-row",
                 hide_index=True, width="stretch", height=360,
                 column_config={"event_id": None, "goldstein": st.column_config.NumberColumn(format="%+.1f"),
                                "title": st.column_config.TextColumn(width="large")})


def _downloads(view: pd.DataFrame, articles: pd.DataFrame) -> None:
    from pipeline import export

    cols = st.columns(3)
    specs = (("CSV", export.to_csv_bytes, "text/csv", "csv"),
             ("JSON", export.to_json_bytes, "application/json", "json"),
             ("TimelineJS", export.to_timelinejs_bytes, "application/json", "timelinejs.json"))
    builders = {}
    for col, (label, fn, mime, ext) in zip(cols, specs):
        # A callable: the file is built only when the analyst clicks.
        builders[ext] = lambda fn=fn: fn(export.with_links(view, articles))
        col.download_button(f"⬇ {label} ({len(view):,} events)", data=builders[ext],
                            file_name=f"timeline-events.{ext}", mime=mime, on_click="ignore",
                            key=f"dl_{ext}", width="stretch")
    S._download_builders = builders   # the exact callables the buttons run (inspected by tests)


def _below_fold_ready() -> bool:
    """True once the parts under the chart may be drawn (see ``DEFER_BELOW_FOLD_S``)."""
    if S.get("_below_fold"):
        return True
    _below_fold_timer()
    return False


@st.fragment(run_every=DEFER_BELOW_FOLD_S)
def _below_fold_timer() -> None:
    # Called by the first run of a session, then by its timer or the next full run, whichever
    # comes first: that second call opens the page in full (one app rerun, and the timer stops
    # because the fragment is no longer drawn).
    if S.get("_below_fold_armed"):
        S._below_fold = True
        st.rerun()
    S._below_fold_armed = True
    st.caption("Loading the event table…")


def _relations(loaded: data.Loaded) -> None:
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
    fig, n = figures.relations_figure(loaded.pair_events(S.w_pair_a, S.w_pair_b), S.w_pair_a,
                                      S.w_pair_b, window)
    S._relations_ids = [list(t.customdata) if t.customdata is not None else [] for t in fig.data]
    st.caption(f"{n} scored events name both countries. Goldstein scores run from −10 "
               "(military attack) to +10 (military assistance). Click a point for its detail.")
    st.plotly_chart(fig, key="relations_chart", on_select=_on_relations_select,
                    selection_mode=("points",), config={"displaylogo": False})


def _add_articles(url: str) -> None:
    if data.is_read_only(url):
        st.info("This dashboard shows a read-only Parquet snapshot: adding articles needs a store "
                "(set TIMELINE_DB to a database URL).")
        return
    secret = auth.editor_secret(os.environ, _secrets())
    if secret and not S.get("editor_ok"):
        st.info("This dashboard is shared: anyone can explore, share and download, but adding "
                "articles needs the editor secret.")
        supplied = st.text_input("Editor secret", type="password", key="w_secret")
        if st.button("Unlock adding", key="unlock"):
            if auth.may_add(secret, supplied):
                S.editor_ok = True
                st.rerun()
            else:
                st.error("Wrong editor secret.")
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
        st.error(msg)
    pending = S.get("pending", [])
    if not pending:
        return
    st.markdown("**Confirm the publication dates**")
    dates = []
    for i, art in enumerate(pending):
        note = " (not found in the page: please check)" if art.published_assumed else " (from the page)"
        dates.append(st.date_input(f"{art.title[:80] or art.path}{note}", value=art.published,
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
                st.error(f"{art.title[:60] or art.path}: {str(err).splitlines()[0] if str(err) else type(err).__name__}")
                continue
            new_ids += list(result.event_ids)
            if result.new:
                st.success(f"{art.title[:60]}: {result.events_added} new events, "
                           f"{result.mentions_merged} merged into known events.")
            else:
                st.warning(f"{art.title[:60]}: already in the store; nothing changed.")
        S.new_ids = tuple(new_ids)
        S.pending = []
        if new_ids:
            st.info("The new events are starred on the timeline.")


def _secrets():
    try:
        return dict(st.secrets)
    except Exception:  # no secrets.toml: no secret configured
        return None


def _empty_state() -> None:
    st.info("**No events yet.** Add articles in the *Add articles* view (paste text or upload "
            "`.txt`/`.html` files), or load the samples from a terminal with `make sample` "
            "(`python -m pipeline ingest data/articles`).")


def main() -> None:
    """Lay out the page."""
    url = data.db_url()
    try:
        with st.spinner("Loading events…"):
            loaded = data.load_cached(url, data.store_version(url))
    except Exception as err:  # store unreachable or unreadable: explain, never a traceback
        st.title("Timeline")
        st.error(f"Cannot open the event store: {str(err).splitlines()[0] if str(err) else type(err).__name__}")
        st.stop()
    _seed_from_url(loaded)
    st.title("Timeline")
    for note in S.get("_notices", []):
        st.caption(f"⚠ {note}")
    # The view switcher: only the open view runs, so the first page carries just the timeline.
    # A segmented control rather than st.tabs: the chart then is not a child of the tabs
    # component, and the browser starts loading Plotly without waiting for it (0.2 s sooner).
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
    view = None
    # The chart is sent before the sidebar (filters are read from session state, which the URL
    # seeded), so the browser starts drawing it first.
    if timeline_open:
        view = data.filtered_view(loaded, _current_state(loaded).filters)
        _timeline(loaded, view, _current_state(loaded))
    # A new session's first timeline page stops here (see DEFER_BELOW_FOLD_S).
    full = view is None or _below_fold_ready()
    if full:
        S._below_fold = True   # only a session's first page waits, not a later switch of view
        _sidebar(loaded)
    else:
        # Hold the sidebar's place so that the page keeps its layout when the filters arrive.
        st.sidebar.header("Filters")
        st.sidebar.caption("Loading the filters…")
    if relations_open:
        _relations(loaded)
        _detail(loaded, url, "rel")
    state = _current_state(loaded)
    _write_url(state)
    if full:
        with st.sidebar:
            st.divider()
            st.markdown("**Share this view** (copy link)")
            st.code(urlstate.share_url(st.context.url or "", state), language=None, wrap_lines=True)
    if view is not None and full:
        m1, m2, m3 = st.columns(3)
        m1.metric("Events shown", f"{len(view):,}", help=f"of {len(loaded.events):,} stored")
        m2.metric("Articles", f"{len(loaded.articles):,}")
        countries = set(pd.unique(loaded.lane_pairs_for(view, "country")[1])) - {NONE_LANE}
        m3.metric("Countries", f"{len(countries):,}")
        _detail(loaded, url, "time")
        _table(loaded, view)
        _downloads(view, loaded.articles)
    if add_open:
        _add_articles(url)

try:
    main()
except Exception as err:  # the last line of defence: a message, never a traceback
    st.error(f"Something went wrong: {str(err).splitlines()[0] if str(err) else type(err).__name__}. "
             "Reload the page; if it persists, tell the maintainer.")
