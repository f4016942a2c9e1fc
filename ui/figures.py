"""Plotly figures of the dashboard: the swimlane timeline and the relations chart (pure).

Every text that came from an article is HTML-escaped before it reaches a hover label, because
Plotly renders a subset of HTML in labels.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pipeline.records import list_cell
from ui.arrays import iso_days, lane_pairs
from ui.labels import country_name, type_label, type_root

AGGREGATE_ABOVE = 20_000     # lane rows in view above which the timeline shows counts
WEBGL_ABOVE = 2_000          # markers above which WebGL traces are used
MAX_LANES = 40               # lanes beyond the most frequent ones are merged into "(other)"
MAX_COLORS = 10              # categories beyond the most frequent ones are coloured "other"
MIN_AXIS_DAYS = 30           # the x axis always spans at least this, so ticks are days or months
OTHER = "(other)"
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#7f7f7f")
OTHER_COLOR = "#b0b0b0"
GOLDSTEIN_SCALE = "RdBu"     # red = conflict (-10), blue = cooperation (+10)
_DAY_MS = 86_400_000


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


def _top(labels: np.ndarray, limit: int) -> list[str]:
    counts = pd.Series(labels, dtype=object).value_counts(sort=True)
    return [str(x) for x in counts.index[:limit]]


def _color_keys(df: pd.DataFrame, color: str) -> np.ndarray:
    if color == "type":
        return df["event_code"].map(type_root).map(type_label).to_numpy(dtype=object)
    first = df["topics"].map(lambda v: (list_cell(v) or ("(no topic)",))[0])
    return first.to_numpy(dtype=object)


def _hover(df: pd.DataFrame) -> np.ndarray:
    """One escaped hover label per event: title, date as written and resolved, precision, who, source."""
    def one(row) -> str:
        start, end = str(row.date_start)[:10], str(row.date_end)[:10]
        resolved = start if start == end else f"{start} – {end}"
        countries = ", ".join(list_cell(row.countries)[:6])
        actors = ", ".join(list_cell(row.actors)[:4])
        source = row.article_title if isinstance(row.article_title, str) else ""
        return ("<b>" + escape(row.title) + "</b><br>"
                + "“" + escape(row.date_text) + "” → " + escape(resolved)
                + " (" + escape(row.precision) + ")<br>"
                + "Countries: " + escape(countries or "—") + "<br>"
                + "Actors: " + escape(actors or "—") + "<br>"
                + "Source: " + escape(source[:80] or "—"))
    cols = ["title", "date_start", "date_end", "date_text", "precision", "countries", "actors",
            "article_title"]
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


def timeline_figure(df: pd.DataFrame, lane: str = "country", color: str = "topic", *,
                    rug: pd.Series | None = None, highlight: tuple[str, ...] = (),
                    selected: str = "", aggregate_above: int = AGGREGATE_ABOVE,
                    webgl_above: int = WEBGL_ABOVE,
                    pairs: tuple[np.ndarray, np.ndarray] | None = None,
                    days: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[go.Figure, TimelineInfo]:
    """The swimlane timeline of ``df``: markers for single days, translucent bars for periods."""
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
    if len(rows) > aggregate_above:
        fig, info = _aggregate_figure(rows, codes, names, starts_all, lanes, len(df), webgl_above)
    else:
        fig, info = _event_figure(df, rows, names[codes] if len(codes) else np.array([], dtype=object),
                                  starts_all, ends_all, lanes, color, webgl_above, highlight, selected)
    _layout(fig, axis_range(starts_all, ends_all), lanes, rug)
    return fig, info


def _event_figure(df, rows, labels, starts_all, ends_all, lanes, color, webgl_above, highlight,
                  selected) -> tuple[go.Figure, TimelineInfo]:
    fig = go.Figure()
    ids_all = df["event_id"].astype(str).to_numpy(dtype=object)
    hover_all = _hover(df)
    starts, ends = starts_all[rows], ends_all[rows]
    valid = ~np.isnat(starts) & ~np.isnat(ends)
    rows, labels, starts, ends = rows[valid], labels[valid], starts[valid], ends[valid]
    is_point = starts == ends
    webgl = int(is_point.sum()) > webgl_above
    scatter = go.Scattergl if webgl else go.Scatter
    ids, hover = ids_all[rows], hover_all[rows]
    x_point = np.datetime_as_string(starts, unit="D")
    width_ms = ((ends - starts).astype("timedelta64[D]").astype(np.int64) + 1) * _DAY_MS

    if color == "goldstein":
        gold = pd.to_numeric(df["goldstein"], errors="coerce").to_numpy(dtype=float)[rows]
        groups = [("Goldstein", np.ones(len(rows), dtype=bool), None)]
    else:
        keys = _color_keys(df, color)[rows]
        top = _top(keys, MAX_COLORS)
        keys = np.array([k if k in set(top) else "other" for k in keys], dtype=object)
        groups = [(k, keys == k, PALETTE[i % len(PALETTE)]) for i, k in enumerate(top)]
        if (keys == "other").any():
            groups.append(("other", keys == "other", OTHER_COLOR))
    for name, member, hue in groups:
        bars = member & ~is_point
        if bars.any():
            marker = (dict(color=hue) if hue else
                      dict(color=np.nan_to_num(gold[bars], nan=0.0), colorscale=GOLDSTEIN_SCALE,
                           cmin=-10, cmax=10))
            fig.add_trace(go.Bar(
                orientation="h", y=labels[bars], base=x_point[bars], x=width_ms[bars],
                marker=marker, opacity=0.35, width=0.5, name=str(name), legendgroup=str(name),
                showlegend=not (member & is_point).any(), customdata=ids[bars],
                hovertext=hover[bars], hovertemplate="%{hovertext}<extra></extra>"))
        points = member & is_point
        if points.any():
            marker = (dict(color=hue, size=9, line=dict(width=0.5, color="white")) if hue else
                      dict(color=gold[points], colorscale=GOLDSTEIN_SCALE, cmin=-10, cmax=10,
                           size=9, colorbar=dict(title=dict(text="Goldstein"), thickness=12)))
            fig.add_trace(scatter(
                x=x_point[points], y=labels[points], mode="markers", marker=marker,
                name=str(name), legendgroup=str(name), customdata=ids[points],
                hovertext=hover[points], hovertemplate="%{hovertext}<extra></extra>"))
    wanted = [(set(highlight), "new", dict(symbol="star", size=16, color="gold",
                                           line=dict(width=1.5, color="black"))),
              ({selected} if selected else set(), "selected",
               dict(symbol="circle-open", size=20, color="black", line=dict(width=3)))]
    for idset, name, marker in wanted:
        mark = np.array([i in idset for i in ids], dtype=bool) if idset else np.zeros(len(ids), bool)
        if mark.any():
            mid = starts[mark] + (ends[mark] - starts[mark]) // 2
            fig.add_trace(go.Scatter(
                x=np.datetime_as_string(mid, unit="D"), y=labels[mark], mode="markers",
                marker=marker, name=name, customdata=ids[mark], hovertext=hover[mark],
                hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_layout(barmode="overlay")
    return fig, TimelineInfo(False, len(df), int(valid.sum()), tuple(lanes), webgl)


def _period(starts: np.ndarray) -> str:
    good = starts[~np.isnat(starts)]
    if len(good) == 0:
        return "day"
    span = int((good.max() - good.min()) / np.timedelta64(1, "D"))
    return "year" if span > 3650 else "month" if span > 365 else "day"


def _aggregate_figure(rows, codes, names, starts_all, lanes, n_events,
                      webgl_above: int = WEBGL_ABOVE) -> tuple[go.Figure, TimelineInfo]:
    starts = starts_all[rows]
    good = ~np.isnat(starts)
    starts, codes = starts[good], codes[good]
    period = _period(starts)
    unit = {"year": "Y", "month": "M", "day": "D"}[period]
    bins = starts.astype(f"datetime64[{unit}]").astype(np.int64)
    lane_ids, lane_of_code = np.unique(names, return_inverse=True)   # merge codes mapped to "(other)"
    lane_codes = lane_of_code[codes]
    base = bins.min() if len(bins) else 0
    span = int(bins.max() - base + 1) if len(bins) else 1
    cells, n = np.unique(lane_codes.astype(np.int64) * span + (bins - base), return_counts=True)
    first = (cells % span + base).astype(f"datetime64[{unit}]")
    lane = lane_ids[cells // span].astype(object)
    lo = first.astype("datetime64[D]")
    hi = (first + 1).astype("datetime64[D]") - 1
    mid = lo + (hi - lo) // 2
    lo_s, hi_s = np.datetime_as_string(lo, unit="D"), np.datetime_as_string(hi, unit="D")
    hover = [f"<b>{escape(l)}</b><br>{a} – {b}<br>{c:,} events" for l, a, b, c in zip(lane, lo_s, hi_s, n)]
    counts = cells
    size = 6 + 22 * np.sqrt(n / max(int(n.max()), 1))
    # Software-rendered WebGL is slow to start: a few thousand cells draw faster as SVG.
    webgl = len(counts) > webgl_above
    fig = go.Figure((go.Scattergl if webgl else go.Scatter)(
        x=np.datetime_as_string(mid, unit="D"), y=lane, mode="markers",
        marker=dict(size=size, color=np.log10(n + 1), colorscale="Viridis", opacity=0.8,
                    colorbar=dict(title=dict(text="events (log10)"), thickness=12)),
        customdata=np.stack([lo_s, hi_s], axis=1), hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>", name=f"events per {period}"))
    return fig, TimelineInfo(True, n_events, len(counts), tuple(lanes), webgl, period)


def _layout(fig: go.Figure, x_range: list[str], lanes: list[str], rug: pd.Series | None) -> None:
    height = max(360, min(1400, 120 + 26 * len(lanes)))
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=36, b=10), hovermode="closest",
        legend=dict(orientation="v", yanchor="top", y=1.0, x=1.01, xanchor="left"), dragmode="zoom",
        uirevision="timeline")
    fig.update_xaxes(
        type="date", range=x_range, showgrid=True,
        rangeslider=dict(visible=True, thickness=0.05),
        rangeselector=dict(x=0, y=1.0, yanchor="bottom", buttons=[dict(count=1, label="1 year", step="year", stepmode="backward"),
                                    dict(count=5, label="5 years", step="year", stepmode="backward"),
                                    dict(count=10, label="10 years", step="year", stepmode="backward"),
                                    dict(label="all", step="all")]))
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=list(reversed(lanes)),
                     automargin=True)
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
        fig.add_trace(go.Scatter(
            x=x, y=gold, mode="markers", name="event",
            marker=dict(size=10, color=gold, colorscale=GOLDSTEIN_SCALE, cmin=-10, cmax=10,
                        line=dict(width=0.5, color="black")),
            customdata=sub["event_id"].astype(str).to_numpy(), hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>"))
        series = pd.Series(gold, index=pd.DatetimeIndex(mid.astype("datetime64[s]")))
        rolling = series.rolling(f"{int(window_days)}D", min_periods=1).mean()
        fig.add_trace(go.Scatter(x=x, y=rolling.to_numpy(), mode="lines", name=f"{window_days}-day mean",
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
