"""Sentence splitting for news text: abbreviations, initials, quotes and paragraph breaks.

A sentence ends at ``.``, ``!``, ``?`` or an ellipsis (with any closing quotes or brackets)
when the next word does not start in lowercase, unless the period belongs to an abbreviation
("Mr.", "Lt. Col.", "Jan. 13", "No. 10", "John F. Kennedy"). A blank line (paragraph break)
always ends a sentence; a single line break is ordinary whitespace, so hard-wrapped text
stays whole. A caption or headline that a scraped page runs into the text with no stop ends
where a capitalised "The", "A" or "An" opens a lowercase phrase after a lowercase word ("... if
convicted A US judge has delayed ..."). The word lists live in ``data/clean/abbreviations.yaml`` and
``data/clean/months.yaml``.
"""
from __future__ import annotations

import re
from functools import lru_cache

import yaml

from pipeline.paths import data_dir
from pipeline.records import Sentence

DATA_DIR = data_dir() / "clean"

# Candidate ends: a run of terminal punctuation plus closing quotes/brackets, followed by
# whitespace or the end; or a paragraph break (a line break, optional blanks, a line break).
_CANDIDATE = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*(?=\s|$)|\n[^\S\n]*\n\s*")
_CLOSERS = "\"'\u201d\u2019\u00bb)]"
_OPENERS_PUNCT = "(\"'\u201c\u2018[\u00ab"
# The first word after a candidate end, past any opening quotes or brackets.
_NEXT_WORD = re.compile(r"[(\"'\u201c\u2018\[\u00ab]*([A-Za-z]+)")
# Dotted initialisms such as U.S, U.K, a.m (the final period is the candidate itself).
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
# A caption or headline run into the text without a stop: a lowercase word, then a capitalised
# article opening a lowercase phrase ("... if convicted A US judge ...": the "US" is the next
# phrase's; "... from the skies The situation ..."). Group 1 is the word before, group 2 the
# article; the new sentence starts at the article.
_RUN_ON = re.compile(r"\b([a-z]+)[^\S\n]+(The|An?)[^\S\n]+(?=[a-z]|[A-Z]{2,}[^\S\n]+[a-z])")


@lru_cache(maxsize=1)
def _abbreviations() -> dict:
    """``data/clean/abbreviations.yaml``, read once."""
    with open(DATA_DIR / "abbreviations.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=1)
def _lists() -> tuple[frozenset, frozenset, frozenset, frozenset, frozenset]:
    """Load the abbreviation lists once: never-final, ambiguous, before-number, openers, months."""
    ab = _abbreviations()
    with open(DATA_DIR / "months.yaml", encoding="utf-8") as fh:
        months = yaml.safe_load(fh)
    month_abbr = frozenset(n for names in months.values() for n in names if len(n) <= 4)
    return (frozenset(ab["never_final"]), frozenset(ab["ambiguous"]),
            frozenset(ab["before_number"]), frozenset(ab["openers"]), month_abbr)


@lru_cache(maxsize=1)
def _before_letter() -> frozenset:
    """Words after which a capital "A" is a letter label ("type A influenza"), not a new sentence."""
    return frozenset(str(w) for w in _abbreviations()["before_letter"])


# A headline in title case run into the text: "Historic Market Bailout Set in Motion The Bush
# administration yesterday proposed ...". The new sentence starts at the article, when every word
# before it (three or more) is capitalised or a short function word ("Album Of The Week": a title
# goes on after a function word).
_TITLE_RUN_ON = re.compile(r"\b[A-Z][a-z]+[^\S\n]+(The|An?)[^\S\n]+(?=[a-z]|[A-Z][a-z]+[^\S\n]+[a-z])")
_HEADLINE_SMALL = frozenset({"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "but", "by",
                             "with", "from", "as", "is", "are", "vs", "over", "after", "into"})


def _is_headline_run(words: list[str]) -> bool:
    """Three words or more, each capitalised or a short function word, the last not a function
    word: "Album Of | The Week" and "Centers for | The ..." go on."""
    return len(words) >= 3 and words[0][:1].isupper() and words[-1].lower() not in _HEADLINE_SMALL and all(
        w[:1].isupper() or w.lower() in _HEADLINE_SMALL for w in words)


def _run_on_starts(text: str, start: int, end: int) -> list[int]:
    """Where a sentence starts inside ``text[start:end]`` with no stop before it: a caption or
    headline run into the text ("... if convicted A US judge has delayed ...", "Bailout Set in
    Motion The Bush administration ...")."""
    starts = []
    for m in _RUN_ON.finditer(text, start, end):
        if m.group(2) == "A" and m.group(1) in _before_letter():
            continue
        starts.append(m.start(2))
    m = _TITLE_RUN_ON.search(text, start, end)
    if m is not None and _is_headline_run(text[start:m.start(1)].split()):
        starts.append(m.start(1))
    return sorted(set(starts))


def _is_end(text: str, m: re.Match) -> bool:
    """Decide whether the candidate ``m`` (terminal punctuation) really ends a sentence."""
    n = len(text)
    j = m.end()
    while j < n and text[j].isspace():
        j += 1
    if j >= n:
        return True
    nxt = text[j]
    # A lowercase word or a clause mark after the stop: '"Why?" he asked', 'the U.S. and'.
    if nxt.islower() or nxt in ",;:":
        return False
    punct = m.group().rstrip(_CLOSERS)
    if punct != "." or len(punct) != len(m.group()):
        # "!", "?", "...", or a period inside quotes ('.”'): a real end before a capital.
        return True
    k = m.start()
    while k > 0 and not text[k - 1].isspace():
        k -= 1
    token = text[k:m.start()].lstrip(_OPENERS_PUNCT)
    if not token:
        return True
    never_final, ambiguous, before_number, openers, month_abbr = _lists()
    low = token.lower()
    if nxt.isdigit() and (low in before_number or low in month_abbr):
        return False   # "No. 10", "Jan. 13", "p. 4"
    if low in never_final:
        return False   # "Mr. Carney", "Lt. Col. Smith", "e.g. Canada"
    if (low in ambiguous or _DOTTED.fullmatch(token)
            or (len(token) == 1 and token.isupper())):
        # "U.S. President" goes on, "in the U.S. The talks" ends; "John F. Kennedy" goes on.
        w = _NEXT_WORD.match(text, j)
        return bool(w) and w.group(1).lower() in openers
    return True


def _emit(text: str, start: int, end: int, out: list[Sentence]) -> None:
    """Append ``text[start:end]`` without its surrounding whitespace, if anything is left, split
    where a caption or headline runs into the text."""
    if text.find("A", start, end) >= 0 or text.find("The", start, end) >= 0:
        for cut in _run_on_starts(text, start, end):
            _emit_one(text, start, cut, out)
            start = cut
    _emit_one(text, start, end, out)


def _emit_one(text: str, start: int, end: int, out: list[Sentence]) -> None:
    """Append ``text[start:end]`` without its surrounding whitespace, if anything is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append(Sentence(len(out), start, end, text[start:end]))


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences whose ``start``/``end`` are offsets into ``text``.

    Args:
        text: any string (usually ``Article.text``); non-strings give an empty list.
    Returns:
        The sentences in order, non-overlapping, each stripped of surrounding whitespace, with
        ``text[s.start:s.end] == s.text``; an empty list when there is no text.
    """
    if not isinstance(text, str) or not text:
        return []
    out: list[Sentence] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        if text[m.start()] == "\n":          # paragraph break: always an end
            _emit(text, start, m.start(), out)
            start = m.end()
        elif _is_end(text, m):
            _emit(text, start, m.end(), out)
            start = m.end()
    _emit(text, start, len(text), out)
    return out
