"""Cross-article merging: decide whether two event mentions report the same happening.

Pure functions over event rows (dicts or pandas rows with the columns of ``EVENT_COLUMNS``).
The store calls ``same_happening`` for each candidate it finds by date window and shared
country/actor keys, and ``merge_rows`` to fold a new mention into the canonical event.
"""
from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from rapidfuzz import fuzz

from pipeline.records import PRECISIONS

# Coarser mentions ("in the 2010s") say too little to identify a happening: they never merge.
MERGEABLE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "quarter", "season", "year")
# The widest date range a mergeable mention can span (a leap year), in days; the store uses it
# to bound its indexed candidate lookup.
MAX_MERGE_SPAN_DAYS = 366
# Two actor or country sets that share something name different parties when the shared part
# is at most this share of the smaller set: "Carney met Xi" vs "Carney met Takaichi" (1 of 2).
# Measured on the smaller set so that incidental extra names ("Meng, Huawei, Ren Zhengfei" vs
# "Meng, Huawei, Kovrig, Spavor") do not split one happening.
SET_CONFLICT_OVERLAP = 0.5
SCORE_THRESHOLD = 0.62
# When neither mention carries an event code, wording is the only guard against merging an
# arrest with a release, so it must be nearly identical.
UNCODED_TEXT_THRESHOLD = 0.9


@dataclass(frozen=True, slots=True)
class MergeDecision:
    """The outcome of comparing two mentions: the verdict, its score and the first failed gate."""

    same: bool
    score: float
    reason: str


def _get(row: Any, key: str, default: Any = None) -> Any:
    if type(row) is dict:  # the store's rows: the fast path
        value = row.get(key)
    else:
        try:
            value = row[key]
        except (KeyError, IndexError, TypeError):
            return default
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return value


def as_set(value: Any) -> frozenset[str]:
    """Normalise a list cell (tuple, list, JSON text, ';'-joined text or NaN) to a set of strings."""
    if type(value) is frozenset:
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return frozenset()
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            if isinstance(parsed, list):
                return frozenset(str(x) for x in parsed if str(x))
        return frozenset(x.strip() for x in text.split(";") if x.strip())
    try:
        return frozenset(str(x) for x in value if x is not None and str(x))
    except TypeError:
        return frozenset()


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    return _parse_iso(value[:10])


@functools.lru_cache(maxsize=16384)
def _parse_iso(text: str) -> date | None:
    # Cached: the store compares many candidates sharing a handful of dates.
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _rank(precision: Any) -> int:
    return PRECISIONS.index(precision) if precision in PRECISIONS else len(PRECISIONS)


def date_range(row: Any) -> tuple[date, date] | None:
    """The (start, end) period of a mention, or None when it has no usable date."""
    start, end = _as_date(_get(row, "date_start")), _as_date(_get(row, "date_end"))
    if start is None:
        return None
    if end is None or end < start:
        end = start
    return start, end


def dates_compatible(a: Any, b: Any) -> bool:
    """Same period, or the coarser mention's period contains the finer one's."""
    pa, pb = _get(a, "precision"), _get(b, "precision")
    if pa not in MERGEABLE_PRECISIONS or pb not in MERGEABLE_PRECISIONS:
        return False
    ra, rb = date_range(a), date_range(b)
    if ra is None or rb is None:
        return False
    if ra == rb:
        return True
    # A year-precise "in 2025" may join "on 31 October 2025", never two different days.
    rank_a, rank_b = _rank(pa), _rank(pb)
    if rank_a == rank_b:
        return False
    coarse, fine = (ra, rb) if rank_a > rank_b else (rb, ra)
    return coarse[0] <= fine[0] and fine[1] <= coarse[1]


def codes_compatible(a: Any, b: Any) -> bool:
    """Event codes agree on their CAMEO root (first two digits) and quad class when both are known."""
    ca, cb = str(_get(a, "event_code", "") or ""), str(_get(b, "event_code", "") or "")
    if ca and cb and ca[:2] != cb[:2]:
        return False
    qa, qb = _get(a, "quad_class"), _get(b, "quad_class")
    if qa not in (None, "") and qb not in (None, "") and int(qa) != int(qb):
        return False
    return True


def _set_score(x: frozenset[str], y: frozenset[str]) -> tuple[float, bool, bool]:
    """(similarity, shares something, conflicts) of two party sets; one side unknown is neutral."""
    if not x or not y:
        return 0.5, False, False
    inter = len(x & y)
    if inter == 0:
        return 0.0, False, True
    if x <= y or y <= x:
        return 1.0, True, False
    overlap = inter / min(len(x), len(y))
    return inter / len(x | y), True, overlap <= SET_CONFLICT_OVERLAP


def text_similarity(a: Any, b: Any) -> float:
    """Wording similarity 0..1 of two mentions: the best of their titles' and sentences' ratios."""
    best = 0.0
    for key in ("title", "sentence"):
        ta, tb = str(_get(a, key, "") or ""), str(_get(b, key, "") or "")
        if ta and tb:
            best = max(best, fuzz.token_sort_ratio(ta.casefold(), tb.casefold()) / 100.0)
    return best


GENERIC_EVENT_CODE = "010"   # CAMEO "make public statement", the coder's no-trigger default


def compare(a: Any, b: Any) -> MergeDecision:
    """Compare two mentions through every gate and return the verdict with its score."""
    if not dates_compatible(a, b):
        return MergeDecision(False, 0.0, "date")
    if not codes_compatible(a, b):
        return MergeDecision(False, 0.0, "event_code")
    actor_sim, actor_shared, actor_conflict = _set_score(as_set(_get(a, "actors")), as_set(_get(b, "actors")))
    country_sim, country_shared, country_conflict = _set_score(
        as_set(_get(a, "countries")), as_set(_get(b, "countries")))
    if actor_conflict:
        return MergeDecision(False, 0.0, "actors")
    if country_conflict:
        return MergeDecision(False, 0.0, "countries")
    if not (actor_shared or country_shared):
        # Nothing names the parties in common: not enough to call it one happening.
        return MergeDecision(False, 0.0, "no shared party")
    text = text_similarity(a, b)
    score = round(0.35 * actor_sim + 0.25 * country_sim + 0.4 * text, 4)
    # "010" is what the coder gives when no trigger word matched: no more evidence than no code.
    coded = all(str(_get(x, "event_code", "") or "") not in ("", GENERIC_EVENT_CODE) for x in (a, b))
    if not coded and text < UNCODED_TEXT_THRESHOLD:
        return MergeDecision(False, score, "wording (uncoded)")
    if score < SCORE_THRESHOLD:
        return MergeDecision(False, score, "score")
    return MergeDecision(True, score, "")


def happening_score(a: Any, b: Any) -> float:
    """Similarity score 0..1 of two mentions (0 when a hard gate fails)."""
    return compare(a, b).score


def same_happening(a: Any, b: Any) -> bool:
    """True when the two mentions report the same happening."""
    return compare(a, b).same


def _union(x: Any, y: Any) -> tuple[str, ...]:
    return tuple(sorted(as_set(x) | as_set(y)))


DATE_FIELDS: tuple[str, ...] = ("date_start", "date_end", "precision", "timex_value", "date_text", "date_basis")


def merge_rows(canonical: Mapping[str, Any], mention: Mapping[str, Any]) -> dict[str, Any]:
    """Fold ``mention`` into ``canonical``: finest date precision wins; parties and topics unite."""
    out = dict(canonical)
    if _rank(_get(mention, "precision")) < _rank(_get(canonical, "precision")):
        for key in DATE_FIELDS:
            out[key] = _get(mention, key, "")
    for key in ("countries", "actors", "topics", "regions"):
        out[key] = _union(_get(canonical, key), _get(mention, key))
    if not _get(canonical, "event_code", ""):
        for key in ("event_code", "goldstein", "quad_class"):
            out[key] = _get(mention, key)
    conf_a, conf_b = _get(canonical, "confidence", 0.0), _get(mention, "confidence", 0.0)
    try:
        out["confidence"] = max(float(conf_a), float(conf_b))
    except (TypeError, ValueError):
        out["confidence"] = conf_a
    return out
