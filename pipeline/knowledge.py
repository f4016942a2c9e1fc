"""Knowledge base of dated recurring events (stub; being written)."""
from __future__ import annotations

from datetime import date

from pipeline.records import KnowledgeDate


def find_summit_references(text: str, dct: date, tense: str = "") -> list[KnowledgeDate]:
    """Find references to summits in ``text`` and date them from the knowledge base."""
    return []
