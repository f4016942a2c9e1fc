"""What a click or box selection on a chart means: an event to open, or a period to drill into."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence


def event_from_points(points: Sequence[dict], trace_ids: Sequence[Sequence[str]]) -> str:
    """The event id of the first selected point ("" when none can be resolved)."""
    for point in points or ():
        custom = point.get("customdata")
        if isinstance(custom, str) and custom:
            return custom
        try:
            found = trace_ids[point["curve_number"]][point["point_index"]]
        except (KeyError, IndexError, TypeError):
            continue
        if found:
            return str(found)
    return ""


def drill_range(points: Sequence[dict],
                bounds: tuple[date, date] | None = None) -> tuple[date, date] | None:
    """The period covered by selected aggregate cells (customdata [first day, last day]), or None.

    With ``bounds`` (the data's first and last day) the period is clipped to them, since a
    year cell may start before the earliest event and the date widget refuses such values.
    """
    starts, ends = [], []
    for point in points or ():
        custom = point.get("customdata")
        if isinstance(custom, (list, tuple)) and len(custom) == 2:
            try:
                starts.append(date.fromisoformat(str(custom[0])))
                ends.append(date.fromisoformat(str(custom[1])))
            except ValueError:
                continue
    if not starts:
        return None
    lo, hi = min(starts), max(ends)
    if bounds:
        lo, hi = min(max(lo, bounds[0]), bounds[1]), max(min(hi, bounds[1]), bounds[0])
    return lo, hi


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def box_from_selection(box: dict, categories: Sequence[str]) -> tuple[date, date, tuple[str, ...]] | None:
    """A box drawn on the timeline (Streamlit's ``selection.box`` item) as (first day, last day,
    lanes). ``categories`` is the y axis' category array, bottom lane first: Plotly gives a box's
    y ends as category positions (0 = the bottom lane), or as lane names."""
    xs, ys = list(box.get("x") or []), list(box.get("y") or [])
    if len(xs) < 2:
        return None
    ends = sorted(str(x).strip() for x in xs[:2])
    first, last = _day(ends[0]), _day(ends[1])
    if first is None or last is None:
        return None
    # A day's mark sits at its midnight: the box holds the midnights between its two edges.
    if ends[0][10:].strip(" T").strip("0:.") != "":
        first = first + timedelta(days=1)
    if last < first:
        last = first
    lanes: list[str] = []
    if len(ys) >= 2:
        try:
            lo, hi = sorted(float(y) for y in ys[:2])
            lanes = [c for i, c in enumerate(categories) if lo <= i <= hi]
        except (TypeError, ValueError):
            names = [str(y) for y in ys]
            lanes = [c for c in categories if c in names]
    return first, last, tuple(reversed(lanes))


def events_in_box(rows, labels, starts, ends, start: date, end: date,
                  lanes: Sequence[str]) -> list[int]:
    """Positions of the events with a mark inside the box: in one of ``lanes`` (all lanes when
    empty), starting on or after ``start`` and ending on or before ``end`` (a period band counts
    only when all of it is inside, so a 2015 band is never picked by a box around 2018)."""
    import numpy as np

    if len(rows) == 0:
        return []
    lo, hi = np.datetime64(start, "D"), np.datetime64(end, "D")
    inside = (starts[rows] >= lo) & (ends[rows] <= hi)
    if lanes:
        inside &= np.isin(np.asarray(labels, dtype=object), np.asarray(list(lanes), dtype=object))
    return sorted(set(np.asarray(rows)[inside].tolist()))


def ids_from_points(points: Sequence[dict], trace_ids: Sequence[Sequence[str]]) -> list[str]:
    """Every distinct event id among selected points (a lasso), in the order Plotly lists them."""
    out: list[str] = []
    for point in points or ():
        found = event_from_points([point], trace_ids)
        if found and found not in out:
            out.append(found)
    return out
