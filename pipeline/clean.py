"""Cleaning of scraped text (stub; being written)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CleanedText:
    title: str
    body: str


def clean_text(raw: str) -> CleanedText:
    """Drop scraper junk; the first substantial line becomes the title."""
    lines = [ln.strip() for ln in raw.splitlines() if len(ln.strip()) > 25]
    if not lines:
        return CleanedText("", "")
    return CleanedText(lines[0], "\n\n".join(lines[1:]))
