"""Event assembly: turn the dated sentences of one article into event rows.

One event per dated happening: each DATE/TIME expression that resolves to a calendar period
(or a summit reference dated from the knowledge base) gives one event, scoped to the clause that
carries it; "from 2018 to 2021" gives one span event; durations and sets give none. The
article's own news (headline and lead) gives one event at the publication date.

The clause that carries a date (``pipeline.clauses``) gives the event its title (subject, verb
and object, the date words and asides left out) and, through the CAMEO stage, its code; what
makes an event doubtful is listed in its ``flags`` (``records.FLAGS``).
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from typing import Sequence

from pipeline.actors import names_a_collective
from pipeline.clauses import Clause, Parse, clause_at, lexicon, parse_sentence, scope_end
from pipeline.clean import is_caption
from pipeline.geo import city_countries
from pipeline.records import (
    FLAGS, LOW_CONFIDENCE_BELOW, PRECISIONS, TITLE_MAX_CHARS, ActorMention, Article, Event,
    EventCode, GeoMention, KnowledgeDate, RegionMention, Sentence, Timex,
)

# Confidence of a date by how it was obtained (a rough prior, lowered when the publication
# date itself was assumed).
BASIS_CONFIDENCE = {"explicit": 0.9, "relative": 0.8, "knowledge": 0.75, "narrative": 0.65,
                    "publication": 0.6}
ASSUMED_PUBLICATION_PENALTY = 0.3

# Words joining two dates into one span: "from 2018 to 2021", "between 2018 and 2021", "2018-2021".
_RANGE_JOIN = re.compile(r"^\s*(?:to|until|till|through|thru|-|–|—|and)\s*$", re.IGNORECASE)
_RANGE_OPEN = re.compile(r"(?:\bfrom|\bbetween)\s*$", re.IGNORECASE)

# Where a sentence splits into clauses that can carry their own date (the scope of an event's
# countries, actors and topics).
_CLAUSE_BREAK = re.compile(
    r"[;:—–]|,(?=\s)|\s(?:followed by|before|after|while|whereas|but|and then|then|when|as)\s",
    re.IGNORECASE,
)
# Words dropped from the start of a title: they join the clause to the sentence, say nothing.
_LEADING_JOINERS = re.compile(
    r"^(?:and|but|or|so|then|while|whereas|after|before|as|when|followed by|with|which|who|that)\b[\s,]*",
    re.IGNORECASE,
)
# A noun phrase opened by its agent's name in the possessive: "Justin Trudeau's trip".
_POSSESSOR = re.compile(r"(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*['’]s\s")
# Anaphoric dates ("the same day", "that same week") that name no date of their own.
_SAME_AS = re.compile(r"\bsame\b", re.IGNORECASE)
# The CAMEO code a classifier gives when no trigger word matched ("make public statement").
GENERIC_CODE = "010"
# Date expressions that look forward: a clause dated by one is not told in the past tense.
_FORWARD_DATE = re.compile(r"\b(?:next|coming|upcoming|later|following|from now)\b", re.IGNORECASE)
# The subject noun phrase of a news sentence is its leading run of capitalised words
# ("Canadian Prime Minister Mark Carney is ..."): it ends at the first lowercase word.
_FIRST_LOWER_WORD = re.compile(r"(?<![\w'’])[a-z][\w'’-]*")
# A subject of plain words that does not open on a determiner, possessive or pronoun of the clause
# lexicon ("Government forces", "Prosecutors", "China") names a party of its own, not a reference
# back to the people of the sentence before ("she", "the three").
_PLAIN_WORDS = re.compile(r"[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)*$")
_BACK_REFERENCE = frozenset({"det", "poss", "pron", "rel"})
# Pronouns in a clause's arguments that point back at people named before ("arrested him").
_POINTS_BACK = re.compile(r"\b(?:him|her|his|them|their)\b")


def names_own_party(subject: str) -> bool:
    """True when a clause's ``subject`` names a party of its own rather than pointing back:
    plain words ("Government forces") or a group named by what it is or does ("The rebels",
    "the protesters"), which the people of the sentences before are not."""
    if not _PLAIN_WORDS.match(subject):
        return False
    if names_a_collective(subject):
        return True
    return not lexicon().classes.get(subject.split(None, 1)[0].lower(), frozenset()) & _BACK_REFERENCE


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


# What may stand before a date that opens its clause: nothing, or a preposition ("In March, ...",
# "On Dec. 1, ...", "By early October, ...").
_FRONTED = re.compile(r"[\s,;:—–]*(?:(?:and|but|then|so)\s+)?(?:(?:in|on|at|by|since|until|from|during|early|late|later|earlier|then)\s+)?",
                      re.IGNORECASE)


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
        if m and not sentence.text[lo:m.start()].strip() and \
                _FRONTED.fullmatch(sentence.text[cuts[-1] - sentence.start:here.start - sentence.start]):
            # "In March, China responded ...": the comma after a fronted date opens its clause
            m = _CLAUSE_BREAK.search(sentence.text, m.end(), hi)
        cuts.append(sentence.start + (m.start() if m else hi))
    cuts.append(sentence.end)
    return list(zip(cuts, cuts[1:]))


_WHEN_JOIN = re.compile(r"[\s,]+when\b", re.IGNORECASE)


def _dated_by_when(coarse: DatedSpan, fine: DatedSpan, text: str) -> bool:
    """True when ``fine`` follows ``coarse`` in a "when" clause of its sentence and lies inside its
    period: the clause names the moment ``coarse`` speaks of, more finely."""
    if not (coarse.end <= fine.start and coarse.date_start <= fine.date_start and fine.date_end <= coarse.date_end):
        return False
    if (coarse.date_start, coarse.date_end) == (fine.date_start, fine.date_end):
        return False
    between = text[coarse.end:fine.start]
    m = _WHEN_JOIN.match(between)
    return m is not None and not re.search(r"[;:.—–]", between)


def _is_name_word(word: str) -> bool:
    """A capitalised word that is not a closed-class word ("Xi", "Li" are names; "The" is not)."""
    return word[:1].isupper() and word.lower().strip(",.;:'’\"“”") not in lexicon().classes


def cut_title(text: str, limit: int = TITLE_MAX_CHARS) -> str:
    """Shorten ``text`` to ``limit`` characters at a word boundary outside any name, with "…".

    The cut falls before a preposition or conjunction when one is near the limit, so a phrase
    ("75.8 per cent") is never split.
    """
    if len(text) <= limit:
        return text
    words = text.split(" ")
    classes = lexicon().classes
    best = phrase = 0
    length = -1
    for i, word in enumerate(words[:-1]):
        length += len(word) + 1
        if length > limit - 1:
            break
        nxt = words[i + 1]
        if _is_name_word(word) and _is_name_word(nxt):
            continue   # "Michael | Kovrig": never cut a name
        if word[:1].isdigit() or word.lower() in ("per", "a", "an", "the"):
            continue
        best = i + 1
        if classes.get(nxt.lower(), frozenset()) & {"prep", "conj", "sub", "rel", "to"} or word.endswith(","):
            phrase = i + 1
    if phrase and phrase >= best - 4:
        best = phrase
    if best == 0:
        best = 1
    cut = " ".join(words[:best]).rstrip(" ,;:-—–")
    cut = _TRAILING_JOINER.sub("", cut)
    return cut[: limit - 1].rstrip() + "…"


# Words a shortened title must not end on.
_TRAILING_JOINER = re.compile(
    r"(?:[\s,]+(?:and|or|but|with|as|while|after|before|when|to|of|in|on|at|by|for|from|the|a|an|its|their|his))+$",
    re.IGNORECASE)


def _finish(text: str) -> str:
    """Clean a title: joiners at the start dropped, marks at the ends, first letter capitalised."""
    t = " ".join(text.split()).strip(" ,;:-—–")
    while True:
        stripped = _LEADING_JOINERS.sub("", t).strip(" ,;:")
        if stripped == t:
            break
        t = stripped
    t = t.rstrip(".!?").strip()
    return t[0].upper() + t[1:] if t else ""


def make_title(text: str) -> str:
    """Make an event title of at most TITLE_MAX_CHARS characters from plain text, never cut
    inside a word or a name."""
    t = _finish(text)
    return cut_title(t) if t else ""


# Pieces of a clause a short title may drop (the subject's own phrases, the last arguments);
# "ext" pieces (an added clause's verb and object) go only with the phrase that opens it.
_OPTIONAL_PIECES = frozenset({"subj_pp", "arg"})


def _subject_variants(pieces: tuple[tuple[str, str], ...]) -> list[tuple[int, list[tuple[str, str]]]]:
    """The pieces with each run of subject phrases cut after 0..n of its phrases, with how many
    subject phrases each variant keeps."""
    variants: list[tuple[int, list[tuple[str, str]]]] = [(0, [])]
    i = 0
    while i < len(pieces):
        if pieces[i][0] != "subj_pp":
            variants = [(n, v + [pieces[i]]) for n, v in variants]
            i += 1
            continue
        j = i
        while j < len(pieces) and pieces[j][0] == "subj_pp":
            j += 1
        run = list(pieces[i:j])
        variants = [(n + keep, v + run[:keep]) for n, v in variants for keep in range(len(run) + 1)]
        i = j
        if len(variants) > 64:   # bounded: keep the fullest and the barest subjects
            variants = sorted(variants, key=lambda x: -x[0])[:32] + sorted(variants, key=lambda x: x[0])[:32]
    return variants


def clause_title(clause: Clause) -> str:
    """The title of a clause: its pieces, the fewest optional ones dropped to fit TITLE_MAX_CHARS.

    Candidates cut the subject's own phrases ("A court | in the northeastern Chinese city of
    Dandong") after any of them and drop arguments from the last; among those that fit, the one
    keeping most of the subject wins, then the longest. When none fits, the shortest is cut at a
    word boundary outside any name.
    """
    pieces = clause.pieces
    if not pieces:
        return ""
    raw = " ".join(t for _, t in pieces)
    if len(raw) <= TITLE_MAX_CHARS:   # the common case: everything fits
        return _finish(_tidy_join(raw))
    candidates: list[tuple[tuple[int, int], str]] = []
    for _, kept in _subject_variants(pieces):
        cut = len(kept)
        while cut > 0:
            # a cut may not fall inside an added clause ("... after a court | rejected")
            if cut == len(kept) or kept[cut][0] != "ext":
                text = " ".join(t for _, t in kept[:cut])
                candidates.append(((sum(1 for r, _ in kept[:cut] if r == "subj_pp"), len(text)), text))
            if kept[cut - 1][0] not in _OPTIONAL_PIECES | {"ext"}:
                break
            cut -= 1
    # Raw lengths only shrink when cleaned: clean the best-ranked candidates until one fits.
    candidates.sort(key=lambda c: c[0], reverse=True)
    shortest = ""
    for _, text in candidates:
        if len(text) > TITLE_MAX_CHARS + 8:
            continue
        title = _finish(_tidy_join(text))
        if title and len(title) <= TITLE_MAX_CHARS:
            return title
    if candidates:
        shortest = _finish(_tidy_join(min(candidates, key=lambda c: len(c[1]))[1]))
    return cut_title(shortest)


_SPACE_BEFORE_MARK = re.compile(r"\s+([,;:.!?’”)])")
_DOUBLED_MARKS = re.compile(r"([,;:])(?:\s*[,;:])+")


def _tidy_join(text: str) -> str:
    text = _SPACE_BEFORE_MARK.sub(r"\1", text)
    if "," in text or ";" in text or ":" in text:
        text = _DOUBLED_MARKS.sub(r"\1", text)
    return _TRAILING_JOINER.sub("", text.strip(" ,;:"))


def _inside(start: int, end: int, lo: int, hi: int) -> bool:
    return start >= lo and end <= hi


def _sorted_unique(items) -> tuple[str, ...]:
    return tuple(sorted({x for x in items if x}))


class Spans:
    """Annotations (anything with ``start`` and ``end``) sorted by start, to take those inside a
    stretch of text by bisection: the cost of an article stays linear in its length however
    many dates and names it holds."""

    __slots__ = ("items", "starts")

    def __init__(self, items) -> None:
        self.items = sorted(items, key=lambda x: (x.start, x.end))
        self.starts = [x.start for x in self.items]

    def inside(self, lo: int, hi: int) -> list:
        """The items lying wholly between ``lo`` and ``hi``, in text order."""
        out = []
        for k in range(bisect_left(self.starts, lo), len(self.items)):
            item = self.items[k]
            if item.start >= hi:
                break
            if item.end <= hi:
                out.append(item)
        return out


@dataclass(frozen=True, slots=True)
class EntityIndex:
    """An article's countries, actors and regions, indexed for ``scope_entities``."""

    countries: Spans
    actors: Spans
    regions: Spans

    @classmethod
    def of(cls, ann: Annotations) -> EntityIndex:
        return cls(Spans(ann.countries), Spans(ann.actors), Spans(ann.regions))


def scope_entities(ann: Annotations | EntityIndex, lo: int, hi: int, subject: tuple[ActorMention, ...] = ()
                   ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Return (countries, actors, regions) mentioned between ``lo`` and ``hi`` (plus the subject)."""
    index = ann if isinstance(ann, EntityIndex) else EntityIndex.of(ann)
    actors = index.actors.inside(lo, hi) + list(subject)
    countries = [g.iso3 for g in index.countries.inside(lo, hi)]
    countries += [a.iso3 for a in actors]
    regions = [r.region for r in index.regions.inside(lo, hi)]
    return _sorted_unique(countries), _sorted_unique(a.name for a in actors), _sorted_unique(regions)


# Sentences back (in the same paragraph) where a clause that names nobody ("She was arrested",
# "The three were released") finds the parties it speaks of.
ANTECEDENT_SENTENCES = 2


def context_entities(index: EntityIndex, text: str, sentences: tuple[Sentence, ...], position: int,
                     own_end: int | None = None) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The parties of a clause that names none: those of its whole sentence (up to ``own_end``,
    where another happening starts, when given), else those of the nearest of the
    ``ANTECEDENT_SENTENCES`` sentences before it in the same paragraph that names any (the
    antecedent of "she", "the two men", "those duties"). Empty when there is none."""
    sentence = sentences[position]
    found = scope_entities(index, sentence.start, sentence.end if own_end is None else own_end)
    k = position
    while not (found[0] or found[1]) and k > 0 and position - k < ANTECEDENT_SENTENCES:
        before, after = sentences[k - 1], sentences[k]
        if "\n" in text[before.end:after.start]:
            break   # a paragraph break: the antecedent would be a guess
        k -= 1
        found = scope_entities(index, before.start, before.end)
    return found


def sentence_subject(ann: Annotations | EntityIndex, sentence: Sentence) -> tuple[ActorMention, ...]:
    """The actors named in the subject at the start of a sentence, shared by all its clauses."""
    m = _FIRST_LOWER_WORD.search(sentence.text)
    limit = sentence.start + (m.start() if m else 0)
    index = ann if isinstance(ann, EntityIndex) else EntityIndex.of(ann)
    return tuple(index.actors.inside(sentence.start, limit))


# A title opening on "he", "she", "his" or "her" ("She left Vancouver on a flight to Shenzhen",
# "His trial took place behind closed doors") names the person instead when the text leaves no
# doubt who it is.
_PERSONAL_TITLE = re.compile(r"(He|She|His|Her)\b")
_POSSESSIVE = frozenset({"His", "Her"})
_PRONOUN_IN_TEXT = {word: re.compile(rf"\b{word}\b", re.IGNORECASE) for word in ("he", "she", "his", "her")}


def pronoun_antecedent(index: EntityIndex, text: str, sentences: tuple[Sentence, ...], position: int,
                       lo: int, hi: int, pronoun: str) -> str:
    """The person ``pronoun`` ("he", "she", "his" or "her"; its first use in ``text[lo:hi]``, in
    sentence ``position``) stands for, or "" when that is not clear: the sentence's own subject
    when it is the only actor named before the pronoun ("Trudeau flew to Guangzhou, where he
    spoke"), else the subject of the sentence just before, in the same paragraph, when it is
    exactly one person ("Meng Wanzhou was freed. She left Vancouver ..."). Objects and people
    named further back are never taken: a wrong name is worse than a pronoun."""
    m = _PRONOUN_IN_TEXT[pronoun].search(text, lo, hi)
    if m is None:
        return ""
    sentence = sentences[position]
    before = {(a.name, a.kind) for a in index.actors.inside(sentence.start, m.start())}
    if before:
        subject = {(a.name, a.kind) for a in sentence_subject(index, sentence)}
        if len(before) != 1 or subject != before:
            return ""
        name, kind = next(iter(before))
        return name if kind == "person" else ""
    if position == 0 or "\n" in text[sentences[position - 1].end:sentence.start]:
        return ""
    subject = sentence_subject(index, sentences[position - 1])
    people = {a.name for a in subject}
    return next(iter(people)) if len(people) == 1 and all(a.kind == "person" for a in subject) else ""


def name_the_pronoun(title: str, antecedent) -> tuple[str, str]:
    """``title`` with its opening "He", "She", "His" or "Her" replaced by the person
    ``antecedent(pronoun)`` names ("Meng Wanzhou", "Michael Spavor's"), called only for such
    titles, and that person's name; the title as it is and "" when nobody is sure."""
    m = _PERSONAL_TITLE.match(title)
    if m is None:
        return title, ""
    name = antecedent(m.group(1).lower())
    if not name:
        return title, ""
    return cut_title(name + ("'s" if m.group(1) in _POSSESSIVE else "") + title[m.end():]), name


def event_flags(confidence: float, clause: Clause, tense: str, date_start: date, date_text: str,
                published: date, sentence: str = "") -> tuple[str, ...]:
    """Why an event is doubtful, in ``FLAGS`` order (empty when it is not).

    ``clause`` is the clause that carries the date (for the publication event, the main clause
    of the lead); ``tense`` its grammatical tense; ``sentence`` the sentence it was read from
    (a photo caption describes a picture, not what happened on the day).
    """
    found = set()
    if confidence < LOW_CONFIDENCE_BELOW:
        found.add("low_confidence")
    if date_start > published and tense == "past" and not _FORWARD_DATE.search(date_text):
        found.add("future_past_tense")
    if not clause.has_action:
        found.add("no_action")
    if clause.date_only:
        found.add("date_word_title")
    if sentence and is_caption(sentence):
        found.add("photo_caption")
    return tuple(f for f in FLAGS if f in found)


# The clause of the publication event while its headline names the happening.
HEADLINE = Clause(kind="nominal", noun="headline")


def _sentence_parse(sentence: Sentence, dates: Spans) -> Parse:
    """Parse a sentence with its date expressions (``dates``: the article's DATE and TIME
    timexes) marked: they stay out of titles."""
    return parse_sentence(sentence.text, tuple((t.start - sentence.start, t.end - sentence.start)
                                               for t in dates.inside(sentence.start, sentence.end)))


# The stop that ends a sentence, before any closing quotes or brackets.
_STOP = re.compile(r"[.!?\u2026][\"'\u201d\u2019\u00bb)\]]*$")
# A headline or caption run into the text comes before the lead: at most this many of them.
LEAD_FRAGMENTS = 2


def lead_sentence(sentences: Sequence[Sentence], text: str) -> Sentence | None:
    """The article's lead: its first sentence, unless that is a headline or caption the text ran
    on from ("Dr Murray faces four years in prison if convicted" before "A US judge has delayed
    the trial ...": no stop, and no paragraph break before the next sentence); then the first
    sentence after such fragments (at most ``LEAD_FRAGMENTS``). None when there is no sentence."""
    for k, sent in enumerate(sentences[:LEAD_FRAGMENTS + 1]):
        nxt = sentences[k + 1] if k + 1 < len(sentences) else None
        if nxt is None or k == LEAD_FRAGMENTS or _STOP.search(sent.text) or "\n" in text[sent.end:nxt.start]:
            return sent
    return None


def refers_back(clause: Clause) -> bool:
    """True when the clause's subject is a definite description of its happening ("The arrest
    took place on the same day ...", "the detention was announced on Thursday"): a reference
    back to a happening the article has named, not a new one."""
    words = clause.subject.lower().split()
    if not clause.noun or len(words) < 2 or words[0] != "the":
        return False
    nouns = lexicon().nouns
    return any(nouns.get(w) == clause.noun for w in words[1:])


def fold_anaphors(events: list[Event], anaphors: set[int]) -> list[Event]:
    """``events`` without the definite descriptions (positions ``anaphors``) that name no party
    and repeat another event of the article: the same dates and the same CAMEO root as an event
    with parties. "Meng was arrested in Vancouver on Saturday ... The arrest took place on the
    same day that ..." is one happening, reported once by the article."""
    if not anaphors:
        return events
    keys = {(e.date_start, e.date_end, e.event_code[:2]) for k, e in enumerate(events)
            if k not in anaphors and (e.countries or e.actors) and e.event_code and e.event_code != GENERIC_CODE}
    return [e for k, e in enumerate(events)
            if k not in anaphors or not e.event_code or (e.date_start, e.date_end, e.event_code[:2]) not in keys]


def build_events(article: Article, ann: Annotations, classify_event, classify_topics,
                 find_summits, classify_clause=None) -> list[Event]:
    """Assemble the events of one article from its annotations.

    Args:
        article: the cleaned article.
        ann: sentences, timexes, countries, regions and actors found in ``article.text``.
        classify_event: (text, near offset or None) -> EventCode (the CAMEO stage on plain text).
        classify_topics: text -> tuple of topic ids (the topic stage).
        find_summits: (text, dct, tense) -> list[KnowledgeDate] (the knowledge stage).
        classify_clause: Clause -> EventCode or None (the CAMEO stage on the clause that carries
            the date); without it the clause's title is coded as plain text. An event whose
            clause names a happening with no CAMEO code has none (no Goldstein, no quad class).
    Returns:
        The events, in the order their sentences appear; the publication event first.
    """
    text = article.text
    spans_all = dated_spans(ann.timexes, text)
    dated = Spans(spans_all)
    entities = EntityIndex.of(ann)
    position = {s.index: k for k, s in enumerate(ann.sentences)}
    events: list[Event] = []
    anaphors: set[int] = set()   # positions in ``events`` of definite descriptions naming no party
    penalty = ASSUMED_PUBLICATION_PENALTY if article.published_assumed else 0.0
    # How sure the tagger was of each date's anchor (a close narrative/publication choice is less)
    anchor_confidence = {t.start: t.confidence for t in ann.timexes}
    date_timexes = Spans(t for t in ann.timexes if t.type in ("DATE", "TIME"))

    def code_of(clause: Clause, fallback: str, near: int | None) -> EventCode | None:
        if classify_clause is None:
            code = classify_event(clause.title) if clause.title else None
            if code is None or code.code == GENERIC_CODE:
                # no clause coder: the trigger nearest the date in its stretch of the sentence
                code = classify_event(fallback, near)
            return code
        code = classify_clause(clause)
        if code is None and not (clause.lemma or clause.noun):
            # No clause names the happening: the nouns of its stretch of the sentence may.
            code = classify_clause(Clause(text=fallback.lower()))
        # None: a happening CAMEO has no code for ("took office"); 010 would call it a statement.
        return code

    def add(sentence: Sentence, lo: int, hi: int, span: DatedSpan | None, clause: Clause = HEADLINE,
            subject: tuple[ActorMention, ...] = (), own_end: int | None = None) -> None:
        sent_text = sentence.text
        segment = text[lo:hi] if span is not None else sent_text
        countries, actors, regions = scope_entities(entities, lo, hi, subject)
        if not (countries or actors):
            # A clause that names no party: a city it names places the happening ("She was
            # arrested at Vancouver's airport" is Canada's too), beside the parties of the
            # sentences before; when those name nobody the clause could mean, the place beats
            # their countries ("Government forces shelled the city of Homs" is not Libya's).
            place = city_countries(text[lo:hi])
            countries, actors, regions = context_entities(entities, text, ann.sentences, position[sentence.index],
                                                          own_end)
            if actors and names_own_party(clause.subject) and not _POINTS_BACK.search(clause.args):
                # "Government forces shelled Homs" after a sentence on Gaddafi: the forces are
                # not Gaddafi; only the countries carry over ("The police arrested him" still
                # takes him)
                actors = ()
            if place:
                countries = _sorted_unique((countries if actors else ()) + place)
        if span is not None:
            code = code_of(clause, segment, span.start - lo)
            if clause.date_only:
                # "In March." names no happening: the article's headline says what it is about
                title = make_title(article.title) or make_title(sent_text)
            else:
                title = clause_title(clause) or make_title(segment) or make_title(sent_text)
                title, named = name_the_pronoun(title, lambda pronoun: pronoun_antecedent(
                    entities, text, ann.sentences, position[sentence.index], lo, hi, pronoun))
                person = next((a for a in entities.actors.items if named and a.name == named), None)
                if person is not None and person.name not in actors:
                    # "He was taken into custody in Beijing": the person the title names is a party
                    actors = _sorted_unique(actors + (person.name,))
                    countries = _sorted_unique(countries + (person.iso3,))
        else:
            # The article's own news: its headline names it; the lead's main clause is read only
            # when no trigger of the headline codes it.
            if classify_clause is None:
                code = classify_event(article.title)
            else:
                code = classify_clause(Clause(text=article.title.lower()))
            if code is None or code.code == GENERIC_CODE:
                clause = clause_at(_sentence_parse(sentence, date_timexes), None)
                code = code_of(clause, sent_text, None) or code
            title = make_title(article.title) or clause_title(clause) or make_title(sent_text)
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
            offs = (span.start - sentence.start, span.end - sentence.start)
        margin = anchor_confidence.get(span.start, 1.0) if span is not None else 1.0
        confidence = round(max(0.05, BASIS_CONFIDENCE[basis] * margin - penalty), 2)
        flags = event_flags(confidence, clause, clause.tense, d0, date_text, article.published, sent_text)
        if span is not None and not (countries or actors) and refers_back(clause):
            anaphors.add(len(events))
        events.append(Event(
            event_id=make_event_id(article.article_id, sent_text, date_text, value, offs[0]),
            article_id=article.article_id, date_start=d0, date_end=d1, precision=precision,
            timex_value=value, date_text=date_text, date_basis=basis, tense=tense, title=title,
            sentence=sent_text, countries=countries, actors=actors, topics=topics,
            event_code=code.code if code else "", goldstein=code.goldstein if code else None,
            confidence=confidence, regions=regions, quad_class=code.quad_class if code else None,
            sentence_index=sentence.index,
            date_offset=offs, flags=flags,
        ))

    # The article's own news: headline and lead, dated at publication.
    lead = lead_sentence(ann.sentences, text)
    if lead is not None:
        lead_has_date = bool(dated.inside(lead.start, lead.end))
        if not lead_has_date:
            add(lead, lead.start, lead.end, None)

    for sentence in ann.sentences:
        spans = dated.inside(sentence.start, sentence.end)
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
            # "Relations broke down a year later, when Canada arrested Meng on Dec. 1, 2018": the
            # "when" clause dates the same moment more finely; one happening, one event.
            spans = [s for s in spans if not any(_dated_by_when(s, f, text) for f in spans)]
        if not spans:
            continue
        parse = _sentence_parse(sentence, date_timexes)
        subject = sentence_subject(entities, sentence) if len(spans) > 1 else ()
        dated_any = False
        for span, (lo, hi) in zip(spans, clause_bounds(sentence, spans)):
            at = (span.start - sentence.start, span.end - sentence.start)
            clause = clause_at(parse, at)
            if clause.period_end:
                # "Parliament has been prorogued until late March": the date is where the
                # prorogation ends, not when Parliament was prorogued; no event is dated by it.
                continue
            dated_any = True
            end = scope_end(parse, at)
            if end is not None:
                end += sentence.start
                hi = min(hi, end)
            # A noun phrase naming the happening and its agent ("since Justin Trudeau's trip in
            # December 2017") has its own parties: the sentence's subject is not one of them.
            own_agent = clause.kind == "nominal" and _POSSESSOR.match(clause.title) is not None
            add(sentence, lo, hi, span, clause, () if own_agent else subject, end)
        if not dated_any and sentence is lead:
            # a lead whose only dates end periods ("A judge has delayed the trial until May"): its
            # news is the article's own, dated at publication
            add(sentence, sentence.start, sentence.end, None)
    return fold_anaphors(events, anaphors)
