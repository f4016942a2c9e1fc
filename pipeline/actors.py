"""Actor tagger (stub; being written)."""
from __future__ import annotations

from pipeline.records import ActorMention


def tag_actors(text: str) -> list[ActorMention]:
    """Find people and organisations in ``text``, resolved to canonical actors."""
    return []
