"""Country tagger (stub; being written)."""
from __future__ import annotations

from pipeline.records import GeoMention, RegionMention


def tag_countries(text: str) -> list[GeoMention]:
    """Find the mentions of countries in ``text``."""
    return []


def tag_regions(text: str) -> list[RegionMention]:
    """Find the mentions of groupings (EU, APEC, G7...) in ``text``."""
    return []
