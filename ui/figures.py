"""Plotly figures of the dashboard: the swimlane timeline and the relations chart (pure).

Every text that came from an article is HTML-escaped before it reaches a hover label, because
Plotly renders a subset of HTML in labels.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pipeline.records import list_cell
from ui.arrays import iso_days, lane_pairs
from ui.colors import (GOLDSTEIN_SCALE, NO_TOPIC, ordered_topics, rgba, root_color, topic_color,
                       topic_rank)
from ui.labels import country_name, type_label, type_root

OTHER_BAND_FILL = "rgba(120,120,120,0.25)"

AGGREGATE_ABOVE = 20_000     # lane rows in view above which the timeline shows counts
WEBGL_ABOVE = 2_000          # markers above which WebGL traces are used
MAX_LANES = 40               # lanes beyond the most frequent ones are merged into "(other)"
MIN_AXIS_DAYS = 30           # the x axis always spans at least this, so ticks are days or months
OTHER = "(other)"
RING_SIZES = (13.0, 8.0, 3.5)   # an event with several topics: one concentric disc per topic
BAND_WIDTH = 0.3             # period bands: a stripe this share of a lane, under the dots
BAND_OFFSET = -0.36          # where the stripe starts, from the lane's centre line (lane units)
_DAY_MS = 86_400_000
GOLDSTEIN_COLORBAR = dict(title=dict(text="Goldstein", side="top"), thickness=12, len=0.6,
                          y=0.98, yanchor="top", x=1.01, xanchor="left",
                          tickvals=[-10, -5, 0, 5, 10], ticktext=["−10 conflict", "−5", "0", "+5",
                                                                   "+10 cooperation"])


def escape(value: object) -> str:
    """HTML-escape any value for a Plotly label (None and NaN become "")."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True)


def axis_range(starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """A padded [from, to] for the x axis, at least MIN_AXIS_DAYS wide (never a sub-day range)."""
    good = ~np.isnat(starts)
    if not good.any():
        today = np.datetime64("today", "D")
        return [str(today - MIN_AXIS_DAYS // 2), str(today + MIN_AXIS_DAYS // 2)]
    lo = starts[good].min()
    good_end = ~np.isnat(ends)
    hi = max(ends[good_end].max(), lo) + np.timedelta64(1, "D") if good_end.any() else lo + 1
    span = int((hi - lo) / np.timedelta64(1, "D"))
    pad = max(span // 25, 1)
    if span + 2 * pad < MIN_AXIS_DAYS:
        pad = (MIN_AXIS_DAYS - span + 1) // 2
    return [str(lo - pad), str(hi + pad)]


# The default x range fits the central mass of the events when a few lie far out (a typo such as
# 9000-06-30, or one event of 1801 among recent ones): starts outside the quartiles widened by
# OUTLIER_IQR times their spread (at least a year) are "far out", when they are at most
# OUTLIER_SHARE of the events (or OUTLIER_FEW in a small store) and leaving them out at least
# halves the span. *all* shows them.
OUTLIER_IQR = 3.0
OUTLIER_SHARE = 0.05
OUTLIER_FEW = 2
OUTLIER_MIN_EVENTS = 8


def central_mask(starts: np.ndarray, ends: np.ndarray) -> np.ndarray | None:
    """Row mask of the events inside the central mass, or None when no event lies far out (or
    too many do to call them outliers)."""
    si = starts.astype("datetime64[D]", copy=False).view(np.int64)
    ei = ends.astype("datetime64[D]", copy=False).view(np.int64)
    nat = np.iinfo(np.int64).min
    good = (si != nat) & (ei != nat)
    n = int(good.sum())
    if n < OUTLIER_MIN_EVENTS:
        return None
    s, e = si[good], ei[good]
    # Quartiles from an even sample of at most about 64k starts: a million events cost no more.
    q1, q3 = np.percentile(s[:: max(1, n // 65_536)], [25, 75])
    spread = max(q3 - q1, 365.0)
    lo, hi = q1 - OUTLIER_IQR * spread, q3 + OUTLIER_IQR * spread
    if s.min() >= lo and e.max() <= hi:
        return None
    inside = (s >= lo) & (e <= hi)
    far = n - int(inside.sum())
    if far == 0 or far > max(OUTLIER_FEW, OUTLIER_SHARE * n):
        return None
    if (e[inside].max() - s[inside].min()) * 2 > (e.max() - s.min()):
        return None
    mask = np.zeros(len(starts), dtype=bool)
    mask[np.flatnonzero(good)[inside]] = True
    return mask


def view_range(view: tuple | None) -> list[str] | None:
    """The x range of a view (first and last day, inclusive), or None."""
    if not view:
        return None
    lo, hi = np.datetime64(str(view[0]), "D"), np.datetime64(str(view[1]), "D")
    return [str(lo), str(hi + 1)]


def _hover(df: pd.DataFrame, q: str = "") -> np.ndarray:
    """One escaped hover label per event: title, date as written and resolved, precision, who,
    source, doubts, and what the search matched."""
    from pipeline.query import describe_matches

    def one(row) -> str:
        start, end = str(row.date_start)[:10], str(row.date_end)[:10]
        resolved = start if start == end else f"{start} – {end}"
        countries = ", ".join(list_cell(row.countries)[:6])
        actors = ", ".join(list_cell(row.actors)[:4])
        topics = ", ".join(ordered_topics(list_cell(row.topics)))
        source = row.article_title if isinstance(row.article_title, str) else ""
        flags = list_cell(row.flags)
        text = ("<b>" + escape(row.title) + "</b><br>"
                + "“" + escape(row.date_text) + "” → " + escape(resolved)
                + " (" + escape(row.precision) + ")<br>"
                + "Countries: " + escape(countries or "—") + "<br>"
                + "Actors: " + escape(actors or "—") + "<br>"
                + "Topics: " + escape(topics or "—") + " · " + escape(type_label(type_root(row.event_code)))
                + "<br>Source: " + escape(source[:80] or "—"))
        if flags:
            text += "<br><i>Doubtful: " + escape(", ".join(flags)) + "</i>"
        if q:
            matched = describe_matches({"title": row.title, "sentence": row.sentence, "actors": row.actors}, q)
            if matched:
                text += "<br>Matched " + escape(matched)
        return text
    cols = ["title", "date_start", "date_end", "date_text", "precision", "countries", "actors",
            "topics", "event_code", "article_title", "flags", "sentence"]
    frame = df.reindex(columns=cols)
    return np.array([one(r) for r in frame.itertuples(index=False)], dtype=object)


@dataclass(frozen=True)
class TimelineInfo:
    """What the timeline figure shows, for captions and tests."""

    aggregated: bool
    n_events: int
    n_points: int         # markers + bars (or aggregated cells) sent to the browser
    lanes: tuple[str, ...]
    webgl: bool
    period: str = ""      # aggregation period: day, month or year
    n_in_view: int = -1   # events overlapping the visible range (-1: the whole range is visible)
    far_out: tuple[str, ...] = ()   # start days of the events the default range leaves out
    full_view: tuple[str, str] | None = None   # first and last day of every event (for *all*)


def _view_days(view) -> tuple[np.datetime64, np.datetime64] | None:
    if not view:
        return None
    return np.datetime64(str(view[0]), "D"), np.datetime64(str(view[1]), "D")


def timeline_figure(df: pd.DataFrame, lane: str = "country", color: str = "topic", *,
                    rug: pd.Series | None = None, highlight: tuple[str, ...] = (),
                    selected: str = "", aggregate_above: int = AGGREGATE_ABOVE,
                    webgl_above: int = WEBGL_ABOVE,
                    pairs: tuple[np.ndarray, np.ndarray] | None = None,
                    days: tuple[np.ndarray, np.ndarray] | None = None,
                    view: tuple | None = None, q: str = "",
                    key_days: tuple[str, ...] = ()) -> tuple[go.Figure, TimelineInfo]:
    """The swimlane timeline of ``df``: markers for single days, period bands under them.

    ``key_days`` (ISO days, ``ui.keydates``) are marked by a thin vertical line across the lanes
    (layout shapes: no trace, no legend entry, nothing to click).

    ``view`` (first, last day) is the visible range; without it the axis covers every event.
    When more than ``aggregate_above`` lane rows fall inside it the chart shows counts per lane
    and period; zooming in (a smaller view) brings single events back.
    """
    rows, labels = pairs if pairs is not None else lane_pairs(df, lane)
    if days is not None:
        starts_all, ends_all = days
    else:
        starts_all = iso_days(df["date_start"]) if len(df) else np.zeros(0, dtype="datetime64[D]")
        ends_all = iso_days(df["date_end"]) if len(df) else np.zeros(0, dtype="datetime64[D]")
    # Work on integer lane codes: a million pairs are grouped without touching Python strings.
    if isinstance(labels, pd.Categorical):
        codes, names = labels.codes.astype(np.int64), np.asarray(labels.categories, dtype=object)
    else:
        codes, names = pd.factorize(pd.Series(labels, dtype=object), sort=False)
        names = np.asarray(names, dtype=object)
    per_code = np.bincount(codes, minlength=len(names)) if len(codes) else np.zeros(len(names), np.int64)
    # Busiest lanes first; ties by name, so the figure does not depend on encounter order.
    order = [i for i in np.lexsort((names.astype(str), -per_code)) if per_code[i] > 0]
    lanes = [str(names[i]) for i in order[:MAX_LANES]]
    if len(order) > MAX_LANES:
        keep = set(lanes)
        names = np.array([x if x in keep else OTHER for x in names], dtype=object)
        lanes.append(OTHER)
    full_range = axis_range(starts_all, ends_all)
    # A few events far from the rest do not squeeze the others into a pixel column: the default
    # range fits the central mass; the slider and *all* still reach every event.
    central = central_mask(starts_all, ends_all) if len(starts_all) else None
    default_range = full_range if central is None else axis_range(starts_all[central], ends_all[central])
    window = _view_days(view)
    n_in_view = -1
    if len(rows) > aggregate_above and window is not None:
        # Only what overlaps the visible range is counted and drawn.
        inside = (starts_all[rows] <= window[1]) & (ends_all[rows] >= window[0])
        rows, codes = rows[inside], codes[inside]
        n_in_view = int(len(np.unique(rows)))
    if len(rows) > aggregate_above:
        fig, info = _aggregate_figure(rows, codes, names, starts_all, lanes, len(df), webgl_above,
                                      clip_lo=window[0] if window is not None else None)
    else:
        fig, info = _event_figure(df, rows, names[codes] if len(codes) else np.array([], dtype=object),
                                  starts_all, ends_all, lanes, color, webgl_above, highlight, selected, q)
    if n_in_view >= 0:
        info = replace(info, n_in_view=n_in_view)
    if central is not None:
        good = ~np.isnat(starts_all) & ~np.isnat(ends_all)
        far = np.flatnonzero(good & ~central)
        info = replace(info, far_out=tuple(str(d) for d in np.datetime_as_string(np.sort(starts_all[far]), unit="D")),
                       full_view=(str(starts_all[good].min()), str(ends_all[good].max())))
    _layout(fig, view_range(view) or default_range, full_range, lanes, rug, color)
    mark_key_days(fig, key_days)
    return fig, info


KEY_DAY_LINE = dict(color="rgba(190,30,45,0.55)", width=1.5, dash="dot")


def mark_key_days(fig: go.Figure, key_days: tuple[str, ...]) -> None:
    """A thin vertical line through each key day (where its dots sit), over the whole plot."""
    shapes = []
    for day in key_days:
        try:
            x = str(np.datetime64(str(day)[:10], "D"))
        except ValueError:
            continue
        shapes.append(dict(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1,
                           line=KEY_DAY_LINE, layer="below", name=f"key date {x}"))
    if shapes:
        fig.update_layout(shapes=list(fig.layout.shapes or ()) + shapes)


def _topic_slots(df: pd.DataFrame, rows: np.ndarray) -> tuple[list[tuple[str, ...]], np.ndarray]:
    """Per drawn row: its topics in taxonomy order (at least "(no topic)"), and how many."""
    per_event = [ordered_topics(list_cell(v)) or (NO_TOPIC,) for v in df["topics"].tolist()]
    topics = [per_event[r] for r in rows.tolist()]
    return topics, np.fromiter((len(t) for t in topics), dtype=np.int64, count=len(topics))


def _event_figure(df, rows, labels, starts_all, ends_all, lanes, color, webgl_above, highlight,
                  selected, q="") -> tuple[go.Figure, TimelineInfo]:
    fig = go.Figure()
    ids_all = df["event_id"].astype(str).to_numpy(dtype=object)
    hover_all = _hover(df, q)
    doubt_all = (df["flags"].map(lambda v: bool(list_cell(v))).to_numpy(dtype=bool)
                 if "flags" in df.columns else np.zeros(len(df), dtype=bool))
    starts, ends = starts_all[rows], ends_all[rows]
    valid = ~np.isnat(starts) & ~np.isnat(ends)
    rows, labels, starts, ends = rows[valid], labels[valid], starts[valid], ends[valid]
    is_point = starts == ends
    webgl = int(is_point.sum()) > webgl_above
    scatter = go.Scattergl if webgl else go.Scatter
    ids, hover, doubt = ids_all[rows], hover_all[rows], doubt_all[rows]
    x_point = np.datetime_as_string(starts, unit="D")
    width_ms = ((ends - starts).astype("timedelta64[D]").astype(np.int64) + 1) * _DAY_MS

    # Layers: (legend name, member mask, colour, rank of the ring, rings of that event).
    layers: list[tuple[str, np.ndarray, str | None, int, np.ndarray]] = []
    gold = None
    n = len(rows)
    if color == "goldstein":
        gold = pd.to_numeric(df["goldstein"], errors="coerce").to_numpy(dtype=float)[rows]
        layers.append(("Goldstein", np.ones(n, dtype=bool), None, 0, np.ones(n, dtype=np.int64)))
    elif color == "type":
        roots = df["event_code"].map(type_root).to_numpy(dtype=object)[rows]
        for root in sorted(set(roots.tolist()), key=lambda r: (r == "", r)):
            layers.append((type_label(root), roots == root, root_color(root), 0, np.ones(n, dtype=np.int64)))
    else:
        topics, counts = _topic_slots(df, rows)
        depth = min(int(counts.max()) if n else 1, len(RING_SIZES))
        for rank in range(depth):
            at_rank = np.array([t[rank] if len(t) > rank else "" for t in topics], dtype=object)
            present = [t for t in set(at_rank.tolist()) if t]
            for topic in sorted(present, key=lambda t: (topic_rank(t), t)):
                layers.append((topic, at_rank == topic, topic_color(topic), rank, counts))
    # The Goldstein colour bar explains its colours: no legend entry for them.
    shown: set[str] = {"Goldstein"}
    colorbar_drawn = False
    # Bands first, dots after: dots are drawn over every band.
    for name, member, hue, rank, counts in layers:
        bars = member & ~is_point
        if not bars.any():
            continue
        k = np.minimum(counts[bars], len(RING_SIZES))
        width = BAND_WIDTH / k
        hollow = doubt[bars]
        for part in (~hollow, hollow):
            if not part.any():
                continue
            fill = (OTHER_BAND_FILL if hue is None else rgba(hue, 0.0 if part is hollow else 0.28))
            line = "#555555" if hue is None else hue
            marker = dict(color=fill, line=dict(color=line, width=1.2 if part is hollow else 0.6))
            if hue is None:   # Goldstein: the band is coloured by score
                marker = dict(color=np.nan_to_num(gold[bars][part], nan=0.0), colorscale=GOLDSTEIN_SCALE,
                              cmin=-10, cmax=10, opacity=0.35 if part is not hollow else 0.1,
                              line=dict(color="#555555", width=1.2 if part is hollow else 0.4))
            fig.add_trace(go.Bar(
                orientation="h", y=labels[bars][part], base=x_point[bars][part], x=width_ms[bars][part],
                marker=marker, width=width[part], offset=BAND_OFFSET + rank * width[part],
                name=name, legendgroup=name, showlegend=name not in shown,
                customdata=ids[bars][part], hovertext=hover[bars][part],
                hovertemplate="%{hovertext}<extra></extra>"))
            shown.add(name)
    for name, member, hue, rank, counts in layers:
        points = member & is_point
        if not points.any():
            continue
        size = RING_SIZES[min(rank, len(RING_SIZES) - 1)]
        hollow = doubt[points]
        for part in (~hollow, hollow):
            if not part.any():
                continue
            open_ = part is hollow
            if hue is None:   # Goldstein: coloured by score; an open mark is coloured on its outline
                marker = dict(color=gold[points][part], colorscale=GOLDSTEIN_SCALE, cmin=-10, cmax=10,
                              size=10, symbol="circle-open" if open_ else "circle",
                              line=dict(width=2) if open_ else dict(width=0.6, color="#333333"))
                if not colorbar_drawn:
                    marker["colorbar"] = GOLDSTEIN_COLORBAR
                    colorbar_drawn = True
            else:
                marker = dict(color=hue, size=size, symbol="circle-open" if open_ else "circle",
                              line=dict(width=2, color=hue) if open_ else
                              dict(width=0.6 if rank == 0 else 0, color="white"))
            fig.add_trace(scatter(
                x=x_point[points][part], y=labels[points][part], mode="markers", marker=marker,
                name=name, legendgroup=name, showlegend=name not in shown,
                customdata=ids[points][part], hovertext=hover[points][part],
                hovertemplate="%{hovertext}<extra></extra>"))
            shown.add(name)
    wanted = [(set(highlight), "new", dict(symbol="star", size=16, color="gold",
                                           line=dict(width=1.5, color="black"))),
              ({selected} if selected else set(), "selected", SELECTED_MARKER)]
    for idset, name, marker in wanted:
        mark = np.array([i in idset for i in ids], dtype=bool) if idset else np.zeros(len(ids), bool)
        if mark.any():
            mid = starts[mark] + (ends[mark] - starts[mark]) // 2
            fig.add_trace(go.Scatter(
                x=np.datetime_as_string(mid, unit="D"), y=labels[mark], mode="markers", showlegend=False,
                marker=marker, name=name, customdata=ids[mark], hovertext=hover[mark],
                hovertemplate="%{hovertext}<extra></extra>"))
    if doubt.any():
        # A legend key for the hollow marks (no data of its own).
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="doubtful (hollow)",
                                 marker=dict(symbol="circle-open", size=10, color="#555555", line=dict(width=2)),
                                 hoverinfo="skip", showlegend=True))
    fig.update_layout(barmode="overlay")
    return fig, TimelineInfo(False, len(df), int(valid.sum()), tuple(lanes), webgl)


def period_of_span(days: int) -> str:
    """The aggregation period for starts spread over ``days``: year, month or day."""
    return "year" if days > 3650 else "month" if days > 365 else "day"


PERIOD_UNITS = {"year": "Y", "month": "M", "day": "D"}
PERIOD_CHARS = {"year": 4, "month": 7, "day": 10}   # ISO prefix of a day naming its period


SELECTED_MARKER = dict(symbol="circle-open", size=22, color="black", line=dict(width=3))


def ring_trace(df: pd.DataFrame, pairs: tuple[np.ndarray, np.ndarray], days: tuple[np.ndarray, np.ndarray],
               event_id: str, lanes: tuple[str, ...], q: str = "") -> go.Scatter | None:
    """The ring around one open event, in every lane it is drawn in: the same trace that
    ``timeline_figure(..., selected=event_id)`` adds, made alone so that a click adds it to the
    chart already built instead of building the chart again."""
    ids = df["event_id"].astype(str).to_numpy(dtype=object)
    pos = np.flatnonzero(ids == event_id)
    if not len(pos):
        return None
    rows, labels = pairs
    mark = np.isin(rows, pos)
    starts, ends = days[0][rows[mark]], days[1][rows[mark]]
    good = ~np.isnat(starts) & ~np.isnat(ends)
    if not good.any():
        return None
    lane = np.asarray(labels, dtype=object)[mark][good]
    known = set(lanes)
    lane = np.array([x if x in known else OTHER for x in lane], dtype=object)
    mid = starts[good] + (ends[good] - starts[good]) // 2
    hover = _hover(df.iloc[pos[:1]], q)[0]
    return go.Scatter(x=np.datetime_as_string(mid, unit="D"), y=lane, mode="markers", showlegend=False,
                      marker=SELECTED_MARKER, name="selected", customdata=[event_id] * len(lane),
                      hovertext=[hover] * len(lane), hovertemplate="%{hovertext}<extra></extra>")


def _period(starts: np.ndarray) -> str:
    good = starts[~np.isnat(starts)]
    if len(good) == 0:
        return "day"
    return period_of_span(int((good.max() - good.min()) / np.timedelta64(1, "D")))


def _aggregate_figure(rows, codes, names, starts_all, lanes, n_events,
                      webgl_above: int = WEBGL_ABOVE, clip_lo=None) -> tuple[go.Figure, TimelineInfo]:
    starts = starts_all[rows]
    if clip_lo is not None:   # a period reaching into the view from before it counts where the view starts
        starts = np.maximum(starts, clip_lo)
    good = ~np.isnat(starts)
    starts, codes = starts[good], codes[good]
    period = _period(starts)
    unit = PERIOD_UNITS[period]
    bins = starts.astype(f"datetime64[{unit}]").astype(np.int64)
    lane_ids, lane_of_code = np.unique(names, return_inverse=True)   # merge codes mapped to "(other)"
    lane_codes = lane_of_code[codes]
    base = bins.min() if len(bins) else 0
    span = int(bins.max() - base + 1) if len(bins) else 1
    cells, n = np.unique(lane_codes.astype(np.int64) * span + (bins - base), return_counts=True)
    first = (cells % span + base).astype(f"datetime64[{unit}]")
    lane = lane_ids[cells // span].astype(object)
    return cells_figure(lane, first, n, period, lanes, n_events, webgl_above)


def cells_figure(lane: np.ndarray, first: np.ndarray, n: np.ndarray, period: str, lanes: list[str],
                 n_events: int, webgl_above: int = WEBGL_ABOVE) -> tuple[go.Figure, TimelineInfo]:
    """The aggregated timeline from cells: per cell its lane, its period's first day (numpy,
    in the period's unit) and its number of events. Cells come in any order; the figure is the
    same (sorted by lane, then period)."""
    order = np.lexsort((first.astype(np.int64), np.asarray(lane, dtype=str)))
    lane, first, n = np.asarray(lane, dtype=object)[order], first[order], np.asarray(n)[order]
    lo = first.astype("datetime64[D]")
    hi = (first + 1).astype("datetime64[D]") - 1
    mid = lo + (hi - lo) // 2
    lo_s, hi_s = np.datetime_as_string(lo, unit="D"), np.datetime_as_string(hi, unit="D")
    hover = [f"<b>{escape(l)}</b><br>{a} – {b}<br>{c:,} events" for l, a, b, c in zip(lane, lo_s, hi_s, n)]
    size = 6 + 22 * np.sqrt(n / max(int(n.max()) if len(n) else 1, 1))
    # Software-rendered WebGL is slow to start: a few thousand cells draw faster as SVG.
    webgl = len(n) > webgl_above
    fig = go.Figure((go.Scattergl if webgl else go.Scatter)(
        x=np.datetime_as_string(mid, unit="D"), y=lane, mode="markers",
        marker=dict(size=size, color=np.log10(n + 1), colorscale="Viridis", opacity=0.8,
                    colorbar=dict(title=dict(text="events (log10)"), thickness=12)),
        customdata=np.stack([lo_s, hi_s], axis=1) if len(n) else None, hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>", name=f"events per {period}"))
    return fig, TimelineInfo(True, n_events, len(n), tuple(lanes), webgl, period)


def landing_from_counts(counts: list[tuple[str, str, int]], lane: str, span: tuple[str, str, str],
                        n_events: int, aggregate_above: int = AGGREGATE_ABOVE,
                        webgl_above: int = WEBGL_ABOVE) -> tuple[go.Figure, TimelineInfo] | None:
    """The unfiltered timeline from counts made in the store (``Store.lane_counts``: per stored
    lane value and period prefix), equal to ``timeline_figure`` of all events when that one is
    aggregated; None when it would show single events (few enough: read them instead)."""
    from pipeline.records import list_cell as cells_of
    from ui.arrays import NONE_LANE
    first_start, last_start, last_end = span
    if not first_start:
        return None
    labels, periods, ns = [], [], []
    for value, prefix, n in counts:
        if lane == "type":
            parts = [type_label(type_root(value))]
        else:
            parts = list(dict.fromkeys(cells_of(value))) or [NONE_LANE]
            if lane == "country":
                parts = [country_name(p) if p != NONE_LANE else p for p in parts]
        for p in parts:
            labels.append(p)
            periods.append(prefix)
            ns.append(n)
    if sum(ns) <= aggregate_above:
        return None
    period = period_of_span(int((np.datetime64(last_start[:10], "D") - np.datetime64(first_start[:10], "D"))
                                / np.timedelta64(1, "D")))
    unit = PERIOD_UNITS[period]
    frame = pd.DataFrame({"lane": labels, "first": periods, "n": ns})
    per_lane = frame.groupby("lane", sort=False)["n"].sum()
    names = np.asarray(per_lane.index, dtype=object)
    totals = per_lane.to_numpy()
    order = np.lexsort((names.astype(str), -totals))
    lanes = [str(names[i]) for i in order[:MAX_LANES]]
    if len(order) > MAX_LANES:
        keep = set(lanes)
        frame["lane"] = frame["lane"].map(lambda x: x if x in keep else OTHER)
        lanes.append(OTHER)
    cells = frame.groupby(["lane", "first"], sort=False)["n"].sum().reset_index()
    first = pd.Series(cells["first"]).str.slice(0, PERIOD_CHARS[period]).to_numpy(dtype=f"datetime64[{unit}]")
    fig, info = cells_figure(cells["lane"].to_numpy(dtype=object), first, cells["n"].to_numpy(),
                             period, lanes, n_events, webgl_above)
    lo = np.array([first_start[:10]], dtype="datetime64[D]")
    hi = np.array([max(last_end[:10], last_start[:10])], dtype="datetime64[D]")
    full = axis_range(lo, hi)
    _layout(fig, full, full, lanes, None, "topic")
    return fig, info


def _layout(fig: go.Figure, x_range: list[str], full_range: list[str], lanes: list[str],
            rug: pd.Series | None, color: str = "topic") -> None:
    height = max(400, min(1400, 190 + 26 * len(lanes)))
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=36, b=10), hovermode="closest",
        # Under the chart and its range slider, across its width: it never scrolls and never
        # takes the chart's room (Plotly grows the bottom margin to fit it).
        legend=dict(orientation="h", yanchor="top", y=-150 / max(height - 46, 100), x=0, xanchor="left",
                    font=dict(size=11), itemsizing="constant"),
        dragmode="zoom", uirevision="timeline")
    fig.update_xaxes(
        type="date", range=x_range, showgrid=True,
        rangeslider=dict(visible=True, thickness=0.05, range=full_range),
        rangeselector=dict(x=0, y=1.0, yanchor="bottom", buttons=[
            dict(count=1, label="1 month", step="month", stepmode="backward"),
            dict(count=1, label="1 year", step="year", stepmode="backward"),
            dict(count=5, label="5 years", step="year", stepmode="backward"),
            dict(count=10, label="10 years", step="year", stepmode="backward"),
            dict(label="all", step="all")]))
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=list(reversed(lanes)),
                     automargin=True, fixedrange=True)
    if rug is not None and len(rug):
        days = iso_days(pd.Series(rug).dropna())
        days = np.unique(days[~np.isnat(days)])
        fig.add_trace(go.Scatter(
            x=np.datetime_as_string(days, unit="D"), y=np.zeros(len(days)), yaxis="y2",
            mode="markers", marker=dict(symbol="line-ns-open", size=12, color="rgba(80,80,80,0.35)"),
            name="publications", hovertemplate="published %{x}<extra></extra>"))
        fig.update_layout(yaxis=dict(domain=[0.1, 1.0]),
                          yaxis2=dict(domain=[0.0, 0.06], showticklabels=False, showgrid=False,
                                      zeroline=False, fixedrange=True, anchor="x"))


def rolling_with_gaps(days: np.ndarray, values: np.ndarray,
                      window_days: int) -> tuple[np.ndarray, np.ndarray]:
    """The rolling mean over ``window_days`` of values at sorted ``days``, NaN-separated where two
    neighbours are further apart than the window (so a line never bridges a gap without events).

    Returns (x days, y values) of the line: the points, with a NaN point inserted in each gap.
    """
    if len(days) == 0:
        return np.zeros(0, dtype="datetime64[D]"), np.zeros(0)
    series = pd.Series(values, index=pd.DatetimeIndex(days.astype("datetime64[s]")))
    mean = series.rolling(f"{int(window_days)}D", min_periods=1).mean().to_numpy()
    gaps = np.flatnonzero(np.diff(days).astype("timedelta64[D]").astype(np.int64) > window_days)
    x = np.insert(days.astype("datetime64[D]"), gaps + 1, days[gaps] + 1)
    y = np.insert(mean.astype(float), gaps + 1, np.nan)
    return x, y


def relations_figure(df: pd.DataFrame, a: str, b: str, window_days: int = 365) -> tuple[go.Figure, int]:
    """Goldstein score over time of the events naming both ``a`` and ``b``, with a rolling mean."""
    if df.empty:
        sub = df
    else:
        both = df["countries"].map(lambda v: a in list_cell(v) and b in list_cell(v))
        sub = df[both]
        sub = sub[pd.to_numeric(sub["goldstein"], errors="coerce").notna()]
    fig = go.Figure()
    if len(sub):
        starts, ends = iso_days(sub["date_start"]), iso_days(sub["date_end"])
        mid = starts + (ends - starts) // 2
        order = np.argsort(mid, kind="stable")
        sub = sub.iloc[order]
        mid = mid[order]
        gold = pd.to_numeric(sub["goldstein"], errors="coerce").to_numpy(dtype=float)
        x = np.datetime_as_string(mid, unit="D")
        hover = [f"<b>{escape(t)}</b><br>{d} ({escape(p)})<br>Goldstein {g:+.1f}"
                 for t, d, p, g in zip(sub["title"], x, sub["precision"], gold)]
        doubt = (sub["flags"].map(lambda v: bool(list_cell(v))).to_numpy(dtype=bool)
                 if "flags" in sub.columns else np.zeros(len(sub), dtype=bool))
        fig.add_trace(go.Scatter(
            x=x, y=gold, mode="markers", name="event (hollow: doubtful)" if doubt.any() else "event",
            marker=dict(size=10, color=gold, colorscale=GOLDSTEIN_SCALE, cmin=-10, cmax=10,
                        symbol=np.where(doubt, "circle-open", "circle"),
                        line=dict(width=np.where(doubt, 2.0, 0.5), color="black")),
            customdata=sub["event_id"].astype(str).to_numpy(), hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>"))
        line_x, line_y = rolling_with_gaps(mid, gold, window_days)
        fig.add_trace(go.Scatter(x=np.datetime_as_string(line_x, unit="D"), y=line_y, mode="lines",
                                 name=f"{window_days}-day mean", connectgaps=False,
                                 line=dict(width=3, color="#444"), hoverinfo="skip"))
        x_range = axis_range(mid, mid)
    else:
        x_range = axis_range(np.zeros(0, dtype="datetime64[D]"), np.zeros(0, dtype="datetime64[D]"))
    fig.add_hline(y=0, line=dict(color="#999", dash="dot"))
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=40, b=10), hovermode="closest",
                      title=dict(text=f"{escape(country_name(a))} – {escape(country_name(b))}: "
                                      "cooperation (+) and conflict (−)"))
    fig.update_xaxes(type="date", range=x_range)
    fig.update_yaxes(range=[-10.5, 10.5], title=dict(text="Goldstein score"))
    return fig, len(sub)
