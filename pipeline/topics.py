"""Topic classifier: multi-label keyword matching against an editable taxonomy.

Every YAML file under ``data/topics/`` is a list of topics ``{id, label, keywords}``. All
keyword forms (with regular inflections) go once into one dictionary; a text is split into
words and looked up phrase by phrase, longest first, so "trade war" wins over "trade".
"""
from __future__ import annotations

import re
from functools import lru_cache

import yaml

from pipeline.paths import data_dir

DATA_DIR = data_dir() / "topics"
# Longest text scanned, in characters; longer input is cut so one call stays bounded.
MAX_TEXT_CHARS = 200_000
_ALL_CAPS = re.compile(r"^[A-Z0-9][A-Z0-9-]+$")
_CONSONANT_Y = re.compile(r"[^aeiou]y$")
# Words as the taxonomy and the text are both split: hyphens and inner dots stay inside a word
# ("anti-dumping", "COVID-19"); a possessive "'s" is dropped ("farmer's" -> "farmer").
_WORD = re.compile(r"\w+(?:[-.]\w+|'(?!s\b)\w+)*")


@lru_cache(maxsize=1)
def _taxonomy() -> tuple[dict, ...]:
    """Load every taxonomy file once, in file-name order."""
    topics: list[dict] = []
    for path in sorted(DATA_DIR.glob("*.yaml")) + sorted(DATA_DIR.glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            for entry in yaml.safe_load(handle) or []:
                topics.append({**entry, "keywords": [str(k) for k in entry.get("keywords", [])],
                               "exact": [str(k) for k in entry.get("exact", [])],
                               "source": path.name})
    return tuple(topics)


def load_taxonomy() -> list[dict]:
    """Return the topics of the taxonomy as dicts with id, label and keywords."""
    return [dict(topic, keywords=list(topic["keywords"]), exact=list(topic["exact"]))
            for topic in _taxonomy()]


def keyword_forms(keyword: str) -> set[str]:
    """Return the surface forms of a keyword: its last word also in regular inflections.

    Forms are lower-cased, except acronyms ("WHO", "COP"), which match only as written.
    """
    words = _WORD.findall(keyword.replace("\u2019", "'"))
    if not words:
        return set()
    if _ALL_CAPS.match(" ".join(words)):
        return {" ".join(words)}
    head = " ".join(w.lower() for w in words[:-1])
    last = words[-1].lower()
    if not last.isalpha():
        tails = {last}
    elif _CONSONANT_Y.search(last):
        tails = {last, last[:-1] + "ies", last[:-1] + "ied", last + "ing"}
    elif last.endswith("e"):
        tails = {last, last + "s", last + "d", last[:-1] + "ing"}
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        tails = {last, last + "es", last + "ed", last + "ing"}
    else:
        tails = {last, last + "s", last + "es", last + "ed", last + "ing"}
    return {f"{head} {tail}" if head else tail for tail in tails}


@lru_cache(maxsize=1)
def _keyword_index() -> tuple[dict[str, frozenset[str]], dict[str, int]]:
    """Map every keyword form to its topic ids; also map each form's first word to the longest
    form (in words) that starts with it."""
    index: dict[str, set[str]] = {}
    for topic in _taxonomy():
        for keyword in topic["keywords"]:
            for form in keyword_forms(keyword):
                index.setdefault(form, set()).add(topic["id"])
        # "exact" keywords are not inflected: "market" must not find "marketing".
        for keyword in topic.get("exact", []):
            words = _WORD.findall(keyword.replace("\u2019", "'"))
            form = " ".join(words)
            form = form if _ALL_CAPS.match(form) else form.lower()
            index.setdefault(form, set()).add(topic["id"])
    starts: dict[str, int] = {}
    for form in index:
        words = form.split(" ")
        starts[words[0]] = max(starts.get(words[0], 0), len(words))
    return {form: frozenset(ids) for form, ids in index.items()}, starts


def topic_hits(text: str) -> dict[str, list[str]]:
    """Return, for each topic found in ``text``, the keyword matches that support it."""
    if not isinstance(text, str) or not text:
        return {}
    index, starts = _keyword_index()
    words = _WORD.findall(text[:MAX_TEXT_CHARS].replace("\u2019", "'"))
    lowered = [w.lower() for w in words]
    hits: dict[str, list[str]] = {}
    i = 0
    n = len(words)
    while i < n:
        # Only phrases whose first word starts some keyword form can match (most words start none).
        longest = max(starts.get(words[i], 0), starts.get(lowered[i], 0))
        if not longest:
            i += 1
            continue
        # Longest phrase first, so "trade war" is trade only and not also military.
        for size in range(min(longest, n - i), 0, -1):
            phrase = " ".join(words[i:i + size])
            # Acronym keys keep their capitals, so "who" never finds "WHO".
            ids = index.get(phrase) or index.get(" ".join(lowered[i:i + size]))
            if ids:
                for topic_id in ids:
                    hits.setdefault(topic_id, []).append(phrase)
                i += size
                break
        else:
            i += 1
    return hits


def classify_topics(text: str) -> tuple[str, ...]:
    """Return the sorted taxonomy ids of the topics of ``text`` (empty tuple when none)."""
    return tuple(sorted(topic_hits(text)))
