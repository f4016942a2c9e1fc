"""CAMEO event coder (stub; being written)."""
from __future__ import annotations

from pipeline.records import EventCode


def classify_event(text: str) -> EventCode:
    """Return the CAMEO code, Goldstein score and quad class of the happening in ``text``."""
    return EventCode(code="010", label="Make statement", goldstein=0.0, quad_class=1)
