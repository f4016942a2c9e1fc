"""Event assembly: turn the dated sentences of one article into event rows.

One event per dated happening: each DATE/TIME expression that resolves to a calendar period
(or a summit reference dated from the knowledge base) gives one event, scoped to the clause that
carries it; "from 2018 to 2021" gives one span event; durations and sets give none. The
article's own news (headline and lead) gives one event at the publication date.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from pipeline.records import (
    PRECISIONS, TITLE_MAX_CHARS, ActorMention, Article, Event, EventCode, GeoMention,
    KnowledgeDate, RegionMention, Sentence, Timex,
)

# Confidence of a date by how it was obtained (a rough prior, lowered when the publication
# date itself was assumed).
BASIS_CONFIDENCE = {"explicit": 0.9, "relative": 0.8, "knowledge": 0.75, "narrative": 0.65,
                    "publication": 0.6}
ASSUMED_PUBLICATION_PENALTY = 0.3

# Words joining two dates into one span: "from 2018 to 2021", "between 2018 and 2021", "2018-2021".
_RANGE_JOIN = re.compile(r"^\s*(?:to|until|till|through|thru|-|–|—|and)\s*$", re.IGNORECASE)
_RANGE_OPEN = re.compile(r"(?:\bfrom|\bbetween)\s*$", re.IGNORECASE)

# Where a sentence splits into clauses that can carry their own date.
_CLAUSE_BREAK = re.compile(
    r"[;:—–]|,(?=\s)|\s(?:followed by|before|after|while|whereas|but|and then|then|when|as)\s",
    re.IGNORECASE,
)
# Where the clause that carries a date starts, looking left from the date: a plain comma is
# usually an apposition ("Zhao Leji, chairman of ..., on Thursday"), so only strong breaks and
# commas opening a participle or relative clause ("..., marking the first trip since 2017").
_LEFT_BREAK = re.compile(
    r"[;:—–]\s*|,\s+(?=(?:\w+ing|which|who|where|with)\b)|\s(?:followed by|after|while|whereas|but|when)\s",
    re.IGNORECASE,
)
# Words dropped from the start of a title: they join the clause to the sentence, say nothing.
_LEADING_JOINERS = re.compile(
    r"^(?:and|but|or|so|then|while|whereas|after|before|as|when|followed by|with|which|who|that)\b[\s,]*",
    re.IGNORECASE,
)
# Anaphoric dates ("the same day", "that same week") that name no date of their own.
_SAME_AS = re.compile(r"\bsame\b", re.IGNORECASE)
# A title needs this many words besides the date expression, else the wider clause is used.
MIN_TITLE_WORDS = 3
# The CAMEO code a classifier gives when no trigger word matched ("make public statement").
GENERIC_CODE = "010"
# The subject noun phrase of a news sentence is its leading run of capitalised words
# ("Canadian Prime Minister Mark Carney is ..."): it ends at the first lowercase word.
_FIRST_LOWER_WORD = re.compile(r"(?<![\w'’])[a-z][\w'’-]*")


@dataclass(frozen=True, slots=True)
class DatedSpan:
    """A date carried by a sentence, from the tagger or the knowledge base."""

    start: int            # offsets in the article text
    end: int
    text: str
    value: str
    date_start: date
    date_end: date
    precision: str
    basis: str
    tense: str


@dataclass(frozen=True, slots=True)
class Annotations:
    """Everything the stages found in one article body (offsets into ``Article.text``)."""

    sentences: tuple[Sentence, ...]
    timexes: tuple[Timex, ...]
    countries: tuple[GeoMention, ...]
    regions: tuple[RegionMention, ...]
    actors: tuple[ActorMention, ...]


def make_event_id(article_id: str, sentence: str, date_text: str, value: str, start: int) -> str:
    """Return a stable content hash for an event of one article."""
    key = "\x1f".join((article_id, sentence, date_text, value, str(start)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


_PRECISION_RANK = {p: i for i, p in enumerate(PRECISIONS)}


def coarser(a: str, b: str) -> str:
    """Return the coarser of two precisions."""
    return a if _PRECISION_RANK.get(a, 0) >= _PRECISION_RANK.get(b, 0) else b


def tense_of(date_start: date, date_end: date, published: date) -> str:
    """Tense implied by where a period lies relative to the publication date (inclusive)."""
    if date_end < published:
        return "past"
    if date_start > published:
        return "future"
    return "present"


def dated_spans(timexes: list[Timex] | tuple[Timex, ...], text: str) -> list[DatedSpan]:
    """Return the calendar dates among ``timexes``, joining "from X to Y" pairs into spans."""
    dated = [t for t in timexes
             if t.type in ("DATE", "TIME") and t.date_start is not None and t.date_end is not None]
    dated.sort(key=lambda t: t.start)
    out: list[DatedSpan] = []
    i = 0
    while i < len(dated):
        t = dated[i]
        nxt = dated[i + 1] if i + 1 < len(dated) else None
        if nxt is not None and nxt.date_start >= t.date_start and _RANGE_JOIN.match(text[t.end:nxt.start]):
            joiner = text[t.end:nxt.start].strip().lower()
            opened = _RANGE_OPEN.search(text[max(0, t.start - 12):t.start])
            if opened or joiner in ("-", "–", "—", "through", "thru", "until", "till"):
                out.append(DatedSpan(
                    t.start, nxt.end, text[t.start:nxt.end], f"{t.value}/{nxt.value}",
                    t.date_start, max(t.date_end, nxt.date_end), coarser(t.precision, nxt.precision),
                    t.basis or "explicit", t.tense or nxt.tense,
                ))
                i += 2
                continue
        out.append(DatedSpan(t.start, t.end, t.text, t.value, t.date_start, t.date_end,
                             t.precision, t.basis or "explicit", t.tense))
        i += 1
    return out


def knowledge_spans(refs: list[KnowledgeDate], offset: int) -> list[DatedSpan]:
    """Turn summit references found in a sentence into dated spans in article offsets."""
    return [DatedSpan(offset + r.start, offset + r.end, r.text, r.date_start.isoformat(),
                      r.date_start, r.date_end, "day", "knowledge", "")
            for r in refs]


def clause_bounds(sentence: Sentence, spans: list[DatedSpan]) -> list[tuple[int, int]]:
    """Split a sentence among its dated spans: one (start, end) clause per span, in article offsets.

    A clause ends at the first clause break after its date (or just before the next date) and
    the next clause starts there, so "meet X on Thursday, followed by Y on Friday" gives two.
    """
    if len(spans) <= 1:
        return [(sentence.start, sentence.end)] * len(spans)
    cuts = [sentence.start]
    for here, nxt in zip(spans, spans[1:]):
        lo, hi = here.end - sentence.start, nxt.start - sentence.start
        m = _CLAUSE_BREAK.search(sentence.text, lo, hi)
        cuts.append(sentence.start + (m.start() if m else hi))
    cuts.append(sentence.end)
    return list(zip(cuts, cuts[1:]))


def title_bounds(text: str, lo: int, hi: int, start: int, end: int) -> tuple[int, int]:
    """Return the bounds of the clause of ``text[lo:hi]`` that carries the date at start..end."""
    left = lo
    for m in _LEFT_BREAK.finditer(text, lo, start):
        left = m.end()
    m = _CLAUSE_BREAK.search(text, end, hi)
    right = m.start() if m else hi
    return left, right


def make_title(text: str) -> str:
    """Make an event title of at most TITLE_MAX_CHARS characters, never cut mid-word."""
    t = " ".join(text.split()).strip(" ,;:-—–")
    while True:
        stripped = _LEADING_JOINERS.sub("", t).strip(" ,;:")
        if stripped == t:
            break
        t = stripped
    t = t.rstrip(".!?")
    if not t:
        return ""
    t = t[0].upper() + t[1:]
    if len(t) <= TITLE_MAX_CHARS:
        return t
    cut = t[: TITLE_MAX_CHARS - 1]
    space = cut.rfind(" ")
    if space > TITLE_MAX_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-—–") + "…"


def _inside(start: int, end: int, lo: int, hi: int) -> bool:
    return start >= lo and end <= hi


def _sorted_unique(items) -> tuple[str, ...]:
    return tuple(sorted({x for x in items if x}))


def scope_entities(ann: Annotations, lo: int, hi: int, subject: tuple[ActorMention, ...] = ()
                   ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Return (countries, actors, regions) mentioned between ``lo`` and ``hi`` (plus the subject)."""
    actors = [a for a in ann.actors if _inside(a.start, a.end, lo, hi)] + list(subject)
    countries = [g.iso3 for g in ann.countries if _inside(g.start, g.end, lo, hi)]
    countries += [a.iso3 for a in actors]
    regions = [r.region for r in ann.regions if _inside(r.start, r.end, lo, hi)]
    return _sorted_unique(countries), _sorted_unique(a.name for a in actors), _sorted_unique(regions)


def sentence_subject(ann: Annotations, sentence: Sentence) -> tuple[ActorMention, ...]:
    """The actors named in the subject at the start of a sentence, shared by all its clauses."""
    m = _FIRST_LOWER_WORD.search(sentence.text)
    limit = sentence.start + (m.start() if m else 0)
    return tuple(a for a in ann.actors if sentence.start <= a.start and a.end <= limit)


def build_events(article: Article, ann: Annotations, classify_event, classify_topics,
                 find_summits) -> list[Event]:
    """Assemble the events of one article from its annotations.

    Args:
        article: the cleaned article.
        ann: sentences, timexes, countries, regions and actors found in ``article.text``.
        classify_event: (text, near offset or None) -> EventCode (the CAMEO stage).
        classify_topics: text -> tuple of topic ids (the topic stage).
        find_summits: (text, dct, tense) -> list[KnowledgeDate] (the knowledge stage).
    Returns:
        The events, in the order their sentences appear; the publication event first.
    """
    text = article.text
    spans_all = dated_spans(ann.timexes, text)
    events: list[Event] = []
    penalty = ASSUMED_PUBLICATION_PENALTY if article.published_assumed else 0.0

    def add(sentence: Sentence | None, sent_text: str, lo: int, hi: int, span: DatedSpan | None,
            subject: tuple[ActorMention, ...] = ()) -> None:
        segment = text[lo:hi] if span is not None else sent_text
        if span is not None:
            tlo, thi = title_bounds(text, lo, hi, span.start, span.end)
            if len(text[tlo:span.start].split()) + len(text[span.end:thi].split()) < MIN_TITLE_WORDS:
                tlo, thi = lo, hi   # "In March 2019," alone names no happening: use the clause around it
            clause = text[tlo:thi]
        else:
            clause = article.title
        countries, actors, regions = scope_entities(ann, lo, hi, subject)
        if span is not None:
            # The trigger nearest the date names the happening the date belongs to.
            code: EventCode = classify_event(clause, span.start - tlo)
            if code.code == GENERIC_CODE and clause != segment:
                code = classify_event(segment, span.start - lo)
        else:
            code = classify_event(clause)
            if code.code == GENERIC_CODE:
                code = classify_event(segment)
        topics = classify_topics(segment if span is not None else f"{article.title}. {sent_text}")
        if span is None:
            d0 = d1 = article.published
            precision, value, date_text, basis = "day", article.published.isoformat(), "", "publication"
            tense = "present"
            offs = (-1, -1)
        else:
            d0, d1, precision, value = span.date_start, span.date_end, span.precision, span.value
            date_text, basis = span.text, span.basis
            # Where the period lies decides; the clause's grammar only when it spans publication.
            tense = tense_of(d0, d1, article.published)
            if tense == "present" and span.tense:
                tense = span.tense
            base = sentence.start if sentence is not None else 0
            offs = (span.start - base, span.end - base)
        title = make_title(clause) or make_title(sent_text)
        idx = sentence.index if sentence is not None else -1
        events.append(Event(
            event_id=make_event_id(article.article_id, sent_text, date_text, value, offs[0]),
            article_id=article.article_id, date_start=d0, date_end=d1, precision=precision,
            timex_value=value, date_text=date_text, date_basis=basis, tense=tense, title=title,
            sentence=sent_text, countries=countries, actors=actors, topics=topics,
            event_code=code.code, goldstein=code.goldstein,
            confidence=round(max(0.05, BASIS_CONFIDENCE[basis] * next((t.confidence for t in ann.timexes if span is not None and t.start == span.start), 1.0) - penalty), 2),
            regions=regions, quad_class=code.quad_class, sentence_index=idx, date_offset=offs,
        ))

    # The article's own news: headline and lead, dated at publication.
    if ann.sentences:
        lead = ann.sentences[0]
        lead_has_date = any(_inside(s.start, s.end, lead.start, lead.end) for s in spans_all)
        if not lead_has_date:
            add(lead, lead.text, lead.start, lead.end, None)

    for sentence in ann.sentences:
        spans = [s for s in spans_all if _inside(s.start, s.end, sentence.start, sentence.end)]
        tense_hint = next((s.tense for s in spans if s.tense), "")
        refs = knowledge_spans(find_summits(sentence.text, article.published, tense_hint),
                               sentence.start)
        if refs:
            # A summit reference dates more finely than a bare year inside it ("the 2025 APEC summit"),
            # and a day the sentence names inside the summit ("meeting in Gyeongju on Friday") more
            # finely than the summit: one happening, one event.
            spans = [s for s in spans if not any(s.start < r.end and r.start < s.end for r in refs)]
            refs = [r for r in refs if not any(
                r.date_start <= s.date_start and s.date_end <= r.date_end for s in spans)]
            spans = sorted(spans + refs, key=lambda s: s.start)
        if len(spans) > 1:
            # "freed on the same day in September 2021": "the same day" points at the sentence's
            # own date, not at the story's last one.
            spans = [s for s in spans if not (s.basis == "narrative" and _SAME_AS.search(s.text))] or spans
        if not spans:
            continue
        subject = sentence_subject(ann, sentence) if len(spans) > 1 else ()
        for span, (lo, hi) in zip(spans, clause_bounds(sentence, spans)):
            add(sentence, sentence.text, lo, hi, span, subject)
    return events
