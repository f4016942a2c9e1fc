"""Topic classifier: multi-label keyword matching against an editable taxonomy.

Every YAML file under ``data/topics/`` is a list of topics ``{id, label, keywords}``. All
keywords of all topics are compiled once into one alternation (longest first, so "trade war"
wins over "trade" at the same place) and a text is scanned in a single pass.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "topics"
# Longest text scanned, in characters; longer input is cut so one call stays bounded.
MAX_TEXT_CHARS = 200_000
_ALL_CAPS = re.compile(r"^[A-Z0-9][A-Z0-9-]+$")
_CONSONANT_Y = re.compile(r"[^aeiou]y$")


@lru_cache(maxsize=1)
def _taxonomy() -> tuple[dict, ...]:
    """Load every taxonomy file once, in file-name order."""
    topics: list[dict] = []
    for path in sorted(DATA_DIR.glob("*.yaml")) + sorted(DATA_DIR.glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            for entry in yaml.safe_load(handle) or []:
                topics.append({**entry, "keywords": [str(k) for k in entry.get("keywords", [])],
                               "source": path.name})
    return tuple(topics)


def load_taxonomy() -> list[dict]:
    """Return the topics of the taxonomy as dicts with id, label and keywords."""
    return [dict(topic, keywords=list(topic["keywords"])) for topic in _taxonomy()]


def keyword_pattern(keyword: str) -> str:
    """Return the regex of a keyword: its last word also matches regular inflections."""
    keyword = " ".join(keyword.replace("\u2019", "'").split())
    if _ALL_CAPS.match(keyword):
        # Acronyms match only as written: "WHO" is not "who", "COP" is not "cop".
        return f"(?-i:{re.escape(keyword)})"
    head, _, last = keyword.rpartition(" ")
    prefix = re.escape(head) + r"\s+" if head else ""
    prefix = prefix.replace(r"\ ", r"\s+")
    if not last.isalpha():
        return prefix + re.escape(last)
    low = last.lower()
    if _CONSONANT_Y.search(low):
        tail = re.escape(last[:-1]) + "(?:y|ies|ied|ying)"
    elif low.endswith("e"):
        tail = re.escape(last[:-1]) + "(?:e|es|ed|ing)"
    elif low.endswith(("s", "x", "z", "ch", "sh")):
        tail = re.escape(last) + "(?:es|ed|ing)?"
    else:
        tail = re.escape(last) + "(?:s|es|ed|ing)?"
    return prefix + tail


@lru_cache(maxsize=1)
def _keyword_regex() -> tuple[re.Pattern[str], tuple[tuple[str, ...], ...]]:
    """Compile all keywords into one regex; group ``kN`` maps to the topic ids of keyword N."""
    owners: dict[str, set[str]] = {}
    for topic in _taxonomy():
        for keyword in topic["keywords"]:
            owners.setdefault(keyword_pattern(keyword), set()).add(topic["id"])
    patterns = sorted(owners, key=len, reverse=True)
    parts = [rf"(?P<k{i}>{pattern})" for i, pattern in enumerate(patterns)]
    regex = re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)
    return regex, tuple(tuple(sorted(owners[p])) for p in patterns)


def topic_hits(text: str) -> dict[str, list[str]]:
    """Return, for each topic found in ``text``, the keyword matches that support it."""
    if not isinstance(text, str) or not text:
        return {}
    regex, owners = _keyword_regex()
    hits: dict[str, list[str]] = {}
    for match in regex.finditer(text[:MAX_TEXT_CHARS].replace("\u2019", "'")):
        for topic_id in owners[int(match.lastgroup[1:])]:
            hits.setdefault(topic_id, []).append(match.group())
    return hits


def classify_topics(text: str) -> tuple[str, ...]:
    """Return the sorted taxonomy ids of the topics of ``text`` (empty tuple when none)."""
    return tuple(sorted(topic_hits(text)))
