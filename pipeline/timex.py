"""Temporal tagger (stub; being written)."""
from __future__ import annotations

from datetime import date

from pipeline.records import Timex


def tag_timexes(text: str, dct: date) -> list[Timex]:
    """Find and normalise the time expressions of ``text`` relative to ``dct``."""
    return []
