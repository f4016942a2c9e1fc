"""The *Key dates* panel: the slot it will fill (the ``keydates`` ranking is being built elsewhere).

What goes here once ``pipeline.keydates`` lands (issue 13, "Key dates"):
  * ``ranked(view, limit)``: the top days of the filtered events, each with its leading event,
    computed by the events issue's ranking over exactly the rows the filters leave;
  * ``marks(days)``: the x positions to mark those days on the timeline (a vertical tick per
    day, added by ``ui.figures.timeline_figure`` through its ``key_days`` argument).
``dashboard.py`` calls ``_key_dates_panel`` above the chart (see the comment there); a click on a
key date sets the view to that day (``ViewState.view``), which the URL then carries.
"""
from __future__ import annotations

import pandas as pd


def available() -> bool:
    """True once the ``keydates`` ranking exists in the pipeline."""
    try:
        import pipeline.keydates  # noqa: F401
    except ImportError:
        return False
    return True


def ranked(view: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
    """The key dates of ``view`` (columns ``day``, ``score``, ``event_id``, ``title``); empty
    until the ranking lands."""
    return pd.DataFrame(columns=["day", "score", "event_id", "title"])
