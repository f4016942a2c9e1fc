"""CAMEO event coder: a clause's verb and arguments, or trigger words -> CAMEO code, Goldstein score
and quad class.

The codes, labels and Goldstein scores live in ``data/cameo/codes.csv`` (copied from the GDELT
lookup tables). ``classify_clause`` codes a clause found by ``pipeline.clauses`` from its verb
lemma and arguments (``data/cameo/verbs.csv``), then from the nouns that name a happening (the
trigger table), and codes a report ("X said ...") by what it reports. ``classify_event`` codes
plain text from the trigger phrases of ``data/cameo/triggers.csv``, one regex per row, most
specific first, compiled once so a text is scanned in one pass.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from pipeline.clauses import Clause
from pipeline.paths import data_dir
from pipeline.records import EventCode

DATA_DIR = data_dir() / "cameo"
CODES_FILE = DATA_DIR / "codes.csv"
TRIGGERS_FILE = DATA_DIR / "triggers.csv"
VERBS_FILE = DATA_DIR / "verbs.csv"
# Code used when no trigger fires: "make statement, not specified below".
DEFAULT_CODE = "010"
# Code of trigger rows that only consume look-alike words ("released a statement").
NOT_A_TRIGGER = "none"
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


def code_roots() -> tuple[str, ...]:
    """Every CAMEO root (the two-digit families "01" to "20"), in order."""
    return tuple(sorted({code[:2] for code in _codes()}))


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


_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_WORD_START = re.compile(r"(?<!\w)\w")


def _first_chars(items) -> tuple[frozenset[str], bool]:
    """Lower-case characters a parsed regex can start with, and whether it can match empty.

    Any construct not understood here widens the answer to every letter and digit, so the
    dispatch below can only try too many rows, never too few.
    """
    chars: set[str] = set()
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            return frozenset(chars | {chr(arg).lower()}), False
        if name == "IN":
            found = set()
            for sub_op, sub_arg in arg:
                if str(sub_op) == "LITERAL":
                    found.add(chr(sub_arg).lower())
                elif str(sub_op) == "RANGE":
                    found.update(chr(c).lower() for c in range(sub_arg[0], sub_arg[1] + 1))
                else:
                    return _LETTERS, False
            return frozenset(chars | found), False
        if name == "SUBPATTERN":
            sub, empty = _first_chars(arg[-1])
        elif name == "BRANCH":
            results = [_first_chars(branch) for branch in arg[1]]
            sub = frozenset().union(*(r[0] for r in results))
            empty = any(r[1] for r in results)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            sub, empty = _first_chars(arg[2])
            empty = empty or arg[0] == 0
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue   # zero-width: look at what follows
        else:
            return _LETTERS, False
        chars |= sub
        if not empty:
            return frozenset(chars), False
    return frozenset(chars), True


def _row_first_chars(pattern: str) -> frozenset[str]:
    """First characters of one trigger pattern (every letter if it cannot be analysed)."""
    try:
        from re import _parser   # the stdlib's own regex parser; private, hence the fallback
        chars, empty = _first_chars(_parser.parse(pattern, re.IGNORECASE))
    except Exception:   # noqa: BLE001 - any failure only costs speed, never matches
        return _LETTERS
    return _LETTERS if empty else chars


@lru_cache(maxsize=1)
def _trigger_regex() -> tuple[dict[str, re.Pattern[str]], tuple[str, ...]]:
    """Compile the triggers into one alternation per first character; group ``tN`` is row N.

    Trying only the rows that can start with the word's first letter keeps the scan fast
    (a single alternation of every row is several times slower in Python's engine).
    """
    rows = load_triggers()
    buckets: dict[str, list[str]] = {}
    for i, (pattern, _) in enumerate(rows):
        for char in _row_first_chars(pattern):
            buckets.setdefault(char, []).append(rf"(?P<t{i}>{pattern})")
    regexes = {char: re.compile("(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)
               for char, parts in buckets.items()}
    return regexes, tuple(code for _, code in rows)


def find_triggers(text: str) -> list[tuple[int, int, int, str]]:
    """Return every trigger in ``text`` as (start, end, priority, code), in text order."""
    if not isinstance(text, str) or not text:
        return []
    regexes, codes = _trigger_regex()
    text = text[:MAX_TEXT_CHARS]
    found = []
    resume = 0
    for word in _WORD_START.finditer(text):
        start = word.start()
        if start < resume:
            continue
        regex = regexes.get(word.group().lower())
        match = regex.match(text, start) if regex else None
        if match:
            row = int(match.lastgroup[1:])
            if codes[row] != NOT_A_TRIGGER:
                found.append((start, match.end(), row, codes[row]))
            resume = match.end()
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


@lru_cache(maxsize=1)
def verb_table() -> dict[str, tuple[tuple[str, re.Pattern[str] | None, re.Pattern[str] | None, str], ...]]:
    """The verb table, by lemma: (voice, subject regex, argument regex, code) rows in file order."""
    table: dict[str, list[tuple[str, re.Pattern[str] | None, re.Pattern[str] | None, str]]] = {}
    for row in _read_rows(VERBS_FILE):
        subject = re.compile(row["subject"], re.IGNORECASE) if row["subject"] else None
        args = re.compile(row["args"], re.IGNORECASE) if row["args"] else None
        table.setdefault(row["lemma"].strip(), []).append((row["voice"].strip(), subject, args, row["code"].strip()))
    return {lemma: tuple(rows) for lemma, rows in table.items()}


def verb_code(lemma: str, voice: str = "active", subject: str = "", args: str = "") -> str:
    """The code of the first verb-table row of ``lemma`` that fits; "" when none does.

    A row's argument pattern reads the object and prepositional arguments, and for a passive verb
    the subject as well (it is the verb's object); "none" means the verb alone says nothing. An
    empty ``voice`` (a noun such as "trial" naming the happening) fits rows of either voice.
    """
    rows = verb_table().get(lemma)
    if not rows:
        return ""
    patient = f"{subject} {args}" if voice == "passive" else args
    for row_voice, subj_re, args_re, code in rows:
        if row_voice and voice and row_voice != voice:
            continue
        if subj_re is not None and (voice == "passive" or not subj_re.search(subject)):
            continue
        if args_re is not None and not args_re.search(patient):
            continue
        return code
    return ""


def _statement(code: str) -> bool:
    return code.startswith("01")


def _trigger_code(text: str) -> str:
    """The code of the most specific trigger in ``text`` ("" when none fires)."""
    triggers = find_triggers(text)
    return min(triggers, key=lambda t: t[2])[3] if triggers else ""


def clause_code(clause: Clause) -> str:
    """The CAMEO code a clause names ("" when nothing in it names one).

    Order: a reporting verb with a code of its own ("denied", "alleged"); what a report reports
    ("said it would impose tariffs" is 163); the verb and its arguments; the noun naming the
    happening ("the arrest took place"); the trigger table over the clause (over its subject and
    arguments only when its verb is known to say nothing); a plain report (010).
    """
    own = verb_code(clause.lemma, clause.voice, clause.subject, clause.args) if clause.lemma else ""
    plain = own in ("", NOT_A_TRIGGER, DEFAULT_CODE)
    if clause.content is not None and plain:
        reported = clause_code(clause.content)
        if reported and not _statement(reported):
            return reported
    if own in STATE_OF_RELATIONS:
        # "Relations collapsed after Canada arrested Meng": a change in relations told through
        # the happening that caused it is coded as that happening (the one analysts date).
        cause = _cause_code(clause)
        if cause:
            return cause
    if own and own != NOT_A_TRIGGER and not (clause.verb_class == "report" and own == DEFAULT_CODE):
        return own
    if clause.noun and clause.verb_class in ("", "light", "copula") and clause.noun != clause.lemma:
        noun_code = verb_code(clause.noun, "", "", clause.args)
        if noun_code and noun_code != NOT_A_TRIGGER:
            return noun_code
    # A verb that says nothing by itself ("released the report"): only its arguments may name a code.
    scanned = f"{clause.text} {clause.args}" if not own else f"{clause.subject} {clause.args}".lower()
    found = _trigger_code(scanned)
    if found:
        return found
    return own if own != NOT_A_TRIGGER else ""


# Codes of a change in the state of relations ("relations broke down", "ties soured"), and the
# words that introduce its cause.
STATE_OF_RELATIONS = frozenset({"161"})
_CAUSE = re.compile(r"\b(?:after|following|when|over|amid)\b\s+(.+)", re.IGNORECASE)


def _cause_code(clause: Clause) -> str:
    """The code of the happening named as the cause of a change in relations ("... after X
    arrested Y"), or "" when the clause names none, a cooperation, or another change of relations."""
    m = _CAUSE.search(clause.title)
    if not m:
        return ""
    found = _trigger_code(m.group(1).lower())
    if not found or found == NOT_A_TRIGGER or found[:2] == "16" or _statement(found):
        return ""
    # Only a conflict names the cause ("after talks stalled" is still the break of relations).
    return found if event_code(found).quad_class in (3, 4) else ""


def classify_clause(clause: Clause) -> EventCode | None:
    """The CAMEO code, Goldstein score and quad class of a clause, or None when nothing names one."""
    code = clause_code(clause)
    return event_code(code) if code else None
