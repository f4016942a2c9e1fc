"""What a click or box selection on a chart means: an event to open, or a period to drill into."""
from __future__ import annotations

from datetime import date
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
