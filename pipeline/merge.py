"""Cross-article merging: the whole policy of "one event per real happening".

Pure functions over event rows (dicts or pandas rows with the columns of ``EVENT_COLUMNS``).
The store only fetches and writes: it finds candidate events through its key index, asks
``best_match`` which of them (if any) reports the same happening as a new mention, and writes
what ``fold`` makes of the two. ``compare`` gives the verdict on one pair with its reason.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from rapidfuzz import fuzz

from pipeline.records import LOW_CONFIDENCE_BELOW, PRECISIONS, json_list, list_cell

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
# A coarse mention matching finer events on two different days joins neither unless the best
# scores at least this much more than the other (see ``best_match``).
AMBIGUOUS_MARGIN = 0.1
# ... unless one of them is reported this many times as often as each other: a retelling ("arrested
# in December 2018") names the happening the story keeps coming back to, not a hearing a week later.
SALIENT_REPORTS = 3
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
    """A list cell in any form (``records.list_cell``) as a set of strings."""
    if type(value) is frozenset:
        return value
    if type(value) is str:
        return _text_set(value)
    return frozenset(list_cell(value))


@functools.lru_cache(maxsize=65536)
def _text_set(text: str) -> frozenset[str]:
    # Cached: the store's rows carry their parties as JSON text, and a story's few party lists
    # come back with every candidate the writer compares.
    return frozenset(list_cell(text))


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


@dataclass(frozen=True, slots=True)
class Mention:
    """What the merge gates read of one mention, normalised once (see ``prepare``).

    The store compares each new mention with a few dozen candidates and meets the same candidate
    again and again: preparing both sides once makes each comparison a handful of tuple and set
    operations.
    """

    rank: int                        # precision rank; -1 when the precision never merges
    period: tuple[date, date] | None
    code: str
    quad: int | None
    actors: frozenset[str]
    countries: frozenset[str]
    texts: tuple[str, str]           # title and sentence, casefolded, words sorted ("" when missing)
    coded: bool                      # carries a real event code (not empty, not the generic one)
    reports: int = 1                 # mentions the event already holds (1 for a new mention)


def prepare(row: Any) -> Mention:
    """The merge-relevant fields of an event row (dict, pandas row, or a ``Mention`` as is)."""
    if type(row) is Mention:
        return row
    precision = _get(row, "precision")
    code = str(_get(row, "event_code", "") or "")
    quad = _get(row, "quad_class")
    return Mention(
        rank=_rank(precision) if precision in MERGEABLE_PRECISIONS else -1,
        period=date_range(row),
        code=code,
        quad=None if quad in (None, "") else int(quad),
        actors=as_set(_get(row, "actors")),
        countries=as_set(_get(row, "countries")),
        texts=(_sorted_words(_get(row, "title", "")), _sorted_words(_get(row, "sentence", ""))),
        coded=code not in ("", GENERIC_EVENT_CODE),
        reports=max(1, int(_get(row, "mentions", 1) or 1)),
    )


def _sorted_words(value: Any) -> str:
    """Casefolded text with its words sorted: ``fuzz.ratio`` of two such strings is
    ``fuzz.token_sort_ratio`` of the texts, without sorting again at every comparison."""
    return " ".join(sorted(str(value or "").casefold().split()))


_WEEK_RANK = PRECISIONS.index("week")
_DAY_RANK = PRECISIONS.index("day")


def _span(period: tuple[date, date]) -> int:
    """Days in a period, both ends included."""
    return (period[1] - period[0]).days + 1


def _periods_compatible(a: Mention, b: Mention) -> bool:
    if a.rank < 0 or b.rank < 0 or a.period is None or b.period is None:
        return False
    if a.period == b.period:
        return True
    # The longer period must hold the shorter: "in 2025" holds "on 31 October 2025", a summit's
    # two days hold either of them, and two different days never meet.
    coarse, fine = (a, b) if _span(a.period) > _span(b.period) else (b, a)
    (c0, c1), (f0, f1) = coarse.period, fine.period
    if c0 <= f0 and f1 <= c1:
        return True
    # "last week" (Monday to Sunday) running past the end of the month that holds its day: most
    # of the week inside the month is enough.
    if fine.rank != _WEEK_RANK or coarse.rank <= _WEEK_RANK:
        return False
    inside = (min(f1, c1) - max(f0, c0)).days + 1
    return inside * 2 > _span(fine.period)


def dates_compatible(a: Any, b: Any) -> bool:
    """Same period, or the coarser mention's period contains the finer one's."""
    return _periods_compatible(prepare(a), prepare(b))


def _codes_compatible(a: Mention, b: Mention) -> bool:
    if a.code and b.code and a.code[:2] != b.code[:2]:
        return False
    return a.quad is None or b.quad is None or a.quad == b.quad


def codes_compatible(a: Any, b: Any) -> bool:
    """Event codes agree on their CAMEO root (first two digits) and quad class when both are known."""
    return _codes_compatible(prepare(a), prepare(b))


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


def _text_similarity(a: Mention, b: Mention, cutoff: float = 0.0) -> float:
    """The best of the title and sentence token-sort ratios; a ratio under ``cutoff`` (0..100)
    counts as 0."""
    (ta, sa), (tb, sb) = a.texts, b.texts
    best = fuzz.ratio(ta, tb, score_cutoff=cutoff) if ta and tb else 0.0
    if sa and sb:
        best = max(best, fuzz.ratio(sa, sb, score_cutoff=cutoff))
    return best / 100.0


def text_similarity(a: Any, b: Any) -> float:
    """Wording similarity 0..1 of two mentions: the best of their titles' and sentences' ratios."""
    return _text_similarity(prepare(a), prepare(b))


GENERIC_EVENT_CODE = "010"   # CAMEO "make public statement", the coder's no-trigger default


def _gates(a: Mention, b: Mention) -> tuple[str, float, float]:
    """The hard gates of ``compare``: (first failed gate or "", actor similarity, country similarity)."""
    if not _periods_compatible(a, b):
        return "date", 0.0, 0.0
    if not _codes_compatible(a, b):
        return "event_code", 0.0, 0.0
    actor_sim, actor_shared, actor_conflict = _set_score(a.actors, b.actors)
    if actor_conflict:
        return "actors", 0.0, 0.0
    country_sim, country_shared, country_conflict = _set_score(a.countries, b.countries)
    if country_conflict and not actor_shared:
        # Countries are looser than people: "arrested Meng" names China (Huawei) and the United
        # States (its warrant) in one article, Canada in another; the shared person decides.
        return "countries", 0.0, 0.0
    if not (actor_shared or country_shared):
        if a.texts[1] and a.texts == b.texts and a.period == b.period:
            # The same sentence, title and date (a syndicated copy, a near-copy of an article):
            # one happening, even when it names nobody.
            return "", 1.0, 1.0
        # Nothing names the parties in common: not enough to call it one happening.
        return "no shared party", 0.0, 0.0
    return "", actor_sim, country_sim


def same_act(a: Mention, b: Mention) -> bool:
    """The same specific act on the same day by or to the same people: both day-precise on the
    same day, the same CAMEO code of three or four digits, and one side's actors all among the
    other's. What ``best_match`` falls back on when wording and parties score too low, and what
    the store reads to fold two events of one happening together."""
    return (a.coded and a.code == b.code and len(a.code) >= 3 and a.rank == b.rank == _DAY_RANK
            and a.period == b.period and bool(a.actors) and bool(b.actors)
            and (a.actors <= b.actors or b.actors <= a.actors))


def _score(actor_sim: float, country_sim: float, text: float) -> float:
    return round(0.35 * actor_sim + 0.25 * country_sim + 0.4 * text, 4)


def compare(a: Any, b: Any) -> MergeDecision:
    """Compare two mentions through every gate and return the verdict with its score.

    ``a`` and ``b`` are event rows or ``Mention`` records from ``prepare`` (faster when the same
    mention is compared many times).
    """
    a, b = prepare(a), prepare(b)
    reason, actor_sim, country_sim = _gates(a, b)
    if reason:
        return MergeDecision(False, 0.0, reason)
    text = _text_similarity(a, b)
    score = _score(actor_sim, country_sim, text)
    # "010" is what the coder gives when no trigger word matched: no more evidence than no code.
    if not (a.coded and b.coded) and text < UNCODED_TEXT_THRESHOLD:
        return MergeDecision(False, score, "wording (uncoded)")
    if score < SCORE_THRESHOLD:
        return MergeDecision(False, score, "score")
    return MergeDecision(True, score, "")


def merge_score(a: Mention, b: Mention) -> float | None:
    """The score of ``compare(a, b)`` when it says "same happening", else None.

    The store's hot path: wording similarity is asked for with the lowest value that could
    still pass (rapidfuzz's ``score_cutoff``), so the many candidates that fail on wording cost
    little; the verdicts and the scores of merges are exactly those of ``compare``.
    """
    reason, actor_sim, country_sim = _gates(a, b)
    if reason:
        return None
    # The least wording similarity that can reach the threshold, a little lower so that rounding
    # in ``_score`` never drops a pair ``compare`` keeps; the exact test follows.
    needed = (SCORE_THRESHOLD - 0.35 * actor_sim - 0.25 * country_sim) / 0.4 - 1e-3
    if not (a.coded and b.coded):
        needed = max(needed, UNCODED_TEXT_THRESHOLD)
    text = _text_similarity(a, b, max(0.0, needed) * 100.0)
    if not (a.coded and b.coded) and text < UNCODED_TEXT_THRESHOLD:
        return None
    score = _score(actor_sim, country_sim, text)
    return score if score >= SCORE_THRESHOLD else None


def happening_score(a: Any, b: Any) -> float:
    """Similarity score 0..1 of two mentions (0 when a hard gate fails)."""
    return compare(a, b).score


def same_happening(a: Any, b: Any) -> bool:
    """True when the two mentions report the same happening."""
    return compare(a, b).same


def best_match(mention: Mention, candidates: Iterable[tuple[str, Mention]]) -> str | None:
    """The id of the candidate event reporting the same happening as ``mention``, or None.

    The best score wins, ties to the smallest id, so the outcome never depends on the
    candidates' order. A mention coarser than the events it matches ("arrested in December
    2018" against the day of the arrest) joins one only when it is the clear choice: when two
    events on different days of its period both match, within ``AMBIGUOUS_MARGIN``, the mention
    names neither day and stays apart ("Trudeau visited China in December 2017" against the
    arrival on the 3rd and the departure on the 7th), unless one of those close days is reported
    ``SALIENT_REPORTS`` times as often as each other: it takes the mention. ``candidates`` are
    (event id, ``prepare`` of the event) pairs."""
    scored: list[tuple[float, str, Mention]] = []
    same_acts: list[tuple[str, Mention]] = []
    for event_id, event in candidates:
        score = merge_score(event, mention)
        if score is not None:
            scored.append((score, event_id, event))
        elif same_act(event, mention):
            same_acts.append((event_id, event))
    if not scored:
        # Nothing matches on wording and parties together: the same specific act of the same
        # people on the same day still does ("A judge discharged Meng" and "The three were
        # released", both 0841 on 2021-09-24), the most reported such event first.
        return min(same_acts, key=lambda t: (-t[1].reports, t[0]))[0] if same_acts else None
    # An event dated exactly as the mention is its first choice: a coarser event it also matches
    # ("in 2018") may hold the same happening, but the event of the very day is where its other
    # reports of that day are.
    exact = [t for t in scored if t[2].period == mention.period]
    if exact and len(exact) < len(scored):
        scored = exact
    scored.sort(key=lambda t: (-t[0], t[1]))
    best_score, best_id, best = scored[0]
    if best.rank < mention.rank:
        contenders = [scored[0]] + [t for t in scored[1:] if best_score - t[0] <= AMBIGUOUS_MARGIN
                                    and t[2].rank < mention.rank and t[2].period != best.period]
        if len(contenders) > 1:
            # The story's most reported happening of the period is the clear choice among close
            # ones ("arrested in 2018": the arrest told a dozen times, not the bail hearing).
            top = max(contenders, key=lambda t: t[2].reports)
            if all(top[2].reports >= SALIENT_REPORTS * t[2].reports for t in contenders
                   if t[2].period != top[2].period):
                return top[1]
            # No day stands out: the happening told as a whole ("visited China in December
            # 2017" beside "a year ago, Trudeau travelled to Beijing"), when a coarser event
            # naming the same person matches about as well as the days.
            return next((event_id for score, event_id, event in scored
                         if event.rank >= mention.rank and best_score - score <= AMBIGUOUS_MARGIN
                         and mention.actors & event.actors), None)
    return best_id


DATE_FIELDS: tuple[str, ...] = ("date_start", "date_end", "precision", "timex_value", "date_text", "date_basis")
# What an event shows of the one mention that stands for it (its finest-dated, then least doubtful
# mention): the date, the sentence it comes from, the title, and that mention's article.
REPRESENTATIVE_FIELDS: tuple[str, ...] = DATE_FIELDS + (
    "tense", "title", "sentence", "sentence_index", "date_char_start", "date_char_end", "flags", "article_id",
    "published", "article_title")
# The list columns an event unites over its mentions (its flags are its representative's).
UNITED_COLUMNS: tuple[str, ...] = ("countries", "actors", "topics", "regions")


def _union_json(a: str, b: str) -> str:
    """Union of two list cells in the store's form (sorted, distinct JSON text)."""
    if a == b or b == "[]":
        return a
    if a == "[]":
        return b
    return json_list(set(list_cell(a)) | set(list_cell(b)))


def _stands_for(mention: dict[str, Any], event: dict[str, Any]) -> bool:
    """Whether ``mention`` should represent the event instead of its current representative:
    it dates the happening more finely, or as finely with fewer reasons for doubt."""
    mine, theirs = _rank(mention.get("precision")), _rank(event.get("precision"))
    if mine != theirs:
        return mine < theirs
    return len(list_cell(mention.get("flags"))) < len(list_cell(event.get("flags")))


def keep_representative(rebuilt: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """``rebuilt`` (an event folded anew from its mentions, after it took in another event's)
    showing the mention that stood for it ``before``, unless its new one dates the happening more
    finely or with fewer doubts: an event that absorbs another keeps its face."""
    if _stands_for(rebuilt, before):
        return rebuilt
    return {**rebuilt, **{k: before[k] for k in REPRESENTATIVE_FIELDS if k in before}}


def fold(event: dict[str, Any], mention: dict[str, Any], published: str) -> dict[str, Any]:
    """The canonical event ``event`` once ``mention``, reported on ``published``, has joined it.

    Both are rows in the store's form (``storage.event_record``; list cells as JSON text). The
    mention that dates the happening most finely (then the least doubtful one) represents it:
    its date, sentence, title and article; coarser mentions stay as evidence. Countries, actors,
    topics and regions unite; an uncoded event takes the mention's code; the confidence is the
    higher one, and a confident event is no longer flagged ``low_confidence``; the event counts
    one more mention and widens its first and last report dates.
    """
    out = dict(event)
    if _stands_for(mention, event):
        for key in REPRESENTATIVE_FIELDS:
            if key in mention:
                out[key] = mention[key]
    for key in UNITED_COLUMNS:
        out[key] = _union_json(event.get(key) or "[]", mention.get(key) or "[]")
    if not event.get("event_code"):
        for key in ("event_code", "goldstein", "quad_class"):
            out[key] = mention.get(key)
        out["event_code"] = out["event_code"] or ""
    conf_a, conf_b = event.get("confidence"), mention.get("confidence")
    out["confidence"] = max(0.0 if conf_a is None else float(conf_a), 0.0 if conf_b is None else float(conf_b))
    flags = list_cell(out.get("flags"))
    if "low_confidence" in flags and out["confidence"] >= LOW_CONFIDENCE_BELOW:
        out["flags"] = json_list(f for f in flags if f != "low_confidence")
    out["mentions"] = int(event.get("mentions") or 1) + 1
    out["first_reported"] = min(event.get("first_reported") or published, published)
    out["last_reported"] = max(event.get("last_reported") or published, published)
    return out
