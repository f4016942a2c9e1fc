"""CAMEO event coder: trigger words -> CAMEO code, Goldstein score and quad class.

The codes, labels and Goldstein scores live in ``data/cameo/codes.csv`` (copied from the GDELT
lookup tables); the trigger phrases live in ``data/cameo/triggers.csv``, one regex per row, most
specific first. All triggers are compiled once into a single alternation so a text is scanned in
one pass.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from pipeline.records import EventCode

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "cameo"
CODES_FILE = DATA_DIR / "codes.csv"
TRIGGERS_FILE = DATA_DIR / "triggers.csv"
# Code used when no trigger fires: "make statement, not specified below".
DEFAULT_CODE = "010"
# Longest text scanned, in characters; longer input is cut so one call stays bounded.
MAX_TEXT_CHARS = 20_000


def _read_rows(path: Path) -> list[dict[str, str]]:
    """Read a CSV file whose lines starting with '#' are comments."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.lstrip().startswith("#")]
    return list(csv.DictReader(lines))


@lru_cache(maxsize=1)
def _codes() -> dict[str, tuple[str, float]]:
    """Map every CAMEO code to its (label, Goldstein score)."""
    return {row["code"]: (row["label"], float(row["goldstein"])) for row in _read_rows(CODES_FILE)}


def goldstein_table() -> dict[str, float]:
    """Return the Goldstein score of every CAMEO code (codes as strings)."""
    return {code: score for code, (_, score) in _codes().items()}


def quad_class(code: str) -> int:
    """Return the quad class (1..4) of a CAMEO code from its two-digit root."""
    root = int(code[:2])
    if root <= 5:
        return 1
    if root <= 8:
        return 2
    if root <= 13:
        return 3
    return 4


def event_code(code: str) -> EventCode:
    """Build the full EventCode record of a CAMEO code listed in the codes table."""
    label, score = _codes()[code]
    return EventCode(code=code, label=label, goldstein=score, quad_class=quad_class(code))


def load_triggers() -> list[tuple[str, str]]:
    """Return the trigger table as (pattern, code) pairs in priority order."""
    return [(row["pattern"], row["code"]) for row in _read_rows(TRIGGERS_FILE)]


@lru_cache(maxsize=1)
def _trigger_regex() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """Compile every trigger into one alternation; group ``tN`` is row N."""
    rows = load_triggers()
    parts = [rf"(?P<t{i}>\b(?:{pattern}))(?!\w)" for i, (pattern, _) in enumerate(rows)]
    return re.compile("|".join(parts), re.IGNORECASE), tuple(code for _, code in rows)


def find_triggers(text: str) -> list[tuple[int, int, int, str]]:
    """Return every trigger in ``text`` as (start, end, priority, code), in text order."""
    if not isinstance(text, str) or not text:
        return []
    regex, codes = _trigger_regex()
    found = []
    for match in regex.finditer(text[:MAX_TEXT_CHARS]):
        row = int(match.lastgroup[1:])
        found.append((match.start(), match.end(), row, codes[row]))
    return found


def classify_event(text: str, near: int | None = None) -> EventCode:
    """Return the CAMEO code, Goldstein score and quad class of the happening in ``text``.

    The most specific trigger (earliest row of the trigger table) wins; when ``near`` (a
    character offset, e.g. of the event's date) is given, the trigger closest to it wins and
    row order only breaks ties. Always returns a code: "010" when nothing fires.
    """
    triggers = find_triggers(text)
    if not triggers:
        return event_code(DEFAULT_CODE)
    if near is None:
        best = min(triggers, key=lambda t: t[2])
    else:
        best = min(triggers, key=lambda t: (_distance(t[0], t[1], near), t[2]))
    return event_code(best[3])


def _distance(start: int, end: int, offset: int) -> int:
    """Characters between ``offset`` and the span [start, end)."""
    if offset < start:
        return start - offset
    if offset >= end:
        return offset - end + 1
    return 0
