"""Topic classifier (stub; being written)."""
from __future__ import annotations


def classify_topics(text: str) -> tuple[str, ...]:
    """Return the taxonomy ids of the topics of ``text``."""
    return ()
