"""Clause analysis: the clause of a sentence that carries a date, with its subject, verb and arguments.

A shallow rule-based parser over the word lists of ``data/clauses/`` (closed-class words; a verb
lexicon with lemmas, irregular forms and the reporting, copular, light, catenative and intent
verbs; the nouns that name happenings). A sentence is cut into segments at punctuation, conjunctions,
subordinators and relative pronouns; each segment gets its verb group (finite, "will"/"is
scheduled to"/"would" + verb, passive, participle); segments without a verb are appositions,
adverbials or list items and attach to a clause. The clause that carries a date is the one whose
segment holds it, or the clause an adverbial date segment belongs to; a date inside a noun phrase
that names a happening ("the December 2018 arrest of Meng") makes that noun phrase the clause.

Titles and CAMEO codes are both built from the result (``pipeline.events``, ``pipeline.cameo``).
Everything here is a pure function of the sentence text and the offsets of its dates.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
import re

from pipeline.paths import data_dir

DATA_DIR = data_dir() / "clauses"
WORDS_FILE = DATA_DIR / "words.csv"
VERBS_FILE = DATA_DIR / "verbs.csv"

# Words (abbreviations with dots first), numbers with their decimals or thousands, single marks.
_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\w(?:[\w&'’-]*\w)?(?:[.,]\d+)*%?|[^\w\s]")
# Punctuation that ends a segment; the strong marks are never inside a clause.
_BREAK_MARKS = frozenset(",;:—–()[].!?")
_STRONG_MARKS = frozenset(";:—–()[].!?")
_QUOTES = frozenset("\"“”‘’'")
# Marks that close a photo credit, a bracket or a dateline before a sentence's subject.
_CREDIT_ENDS = frozenset({")", "]", "|", "—", "–", "--", "-"})
# Words that introduce a date ("on Monday", "starting Oct. 1", "effective Monday"); particles
# such as "down" in "broke down a year later" are not among them.
_DATE_LEADS = frozenset({"in", "on", "at", "by", "since", "until", "till", "from", "through", "during",
                         "over", "within", "before", "after", "for", "around", "throughout", "as", "of",
                         "starting", "beginning", "effective", "due", "between", "to", "into", "past"})
# Adverbs that only qualify a date ("early on Saturday", "later on Friday").
_DATE_ADVERBS = frozenset({"early", "late", "later", "earlier", "just", "only", "shortly", "again",
                           "due"})
# Openers after which a clause's subject is the noun phrase before it ("X, who met ...").
_SUBJECT_RELATIVES = frozenset({"who", "which", "that"})
# Openers whose verbless segment is a prepositional phrase of the segment before ("after the arrest").
_PREP_LIKE = frozenset({"after", "before", "since", "until", "till", "as", "once", "while", "when",
                        "like", "than"})
# Verbs whose subject may be a time alone, the happening being their object ("Tuesday saw the
# largest protests yet", "the weekend brought fresh clashes", "Friday marks a year since ...").
_TIME_SUBJECT_VERBS = frozenset({"see", "witness", "bring", "mark"})
# Subordinators that open an adverbial participle clause ("while changing planes", "after convicting him").
_PARTICIPLE_OPENERS = frozenset({"while", "when", "after", "before", "since", "once", "by", "as", "until"})
# Those whose participle clause happens with the clause it hangs on ("was detained while changing
# planes ... on Dec. 1"): its date is that clause's date.
_SIMULTANEOUS = frozenset({"while", "when", "as"})
# Determiners that stand alone as a subject ("Those began with the arrest").
_PRONOUN_DETERMINERS = frozenset({"those", "these", "this", "that", "both", "all", "some", "many", "most",
                                  "several", "none", "each", "neither", "either", "few"})
# Prepositions of a noun's complements: "meeting with Xi", "arrest of Meng", "talks between them".
_NOUN_COMPLEMENT_PREPS = frozenset({"of", "with", "between", "against", "into", "on", "over", "for"})
_CLOSED = frozenset({"det", "poss", "prep", "to", "conj", "sub", "rel", "be", "have", "do", "modal",
                     "neg", "adv", "future"})
_AUXILIARIES = frozenset({"modal", "be", "have", "do"})
# Class and form sets the tests below intersect with (built once, not at every test).
_S_BASE_S_PAST_ING = frozenset({"base", "s", "past", "ing"})
_S_CONJ_SUB_REL_BE_HAVE_MODAL_TO_NEG = frozenset({"conj", "sub", "rel", "be", "have", "modal", "to", "neg"})
_S_CONJ_SUB_REL = frozenset({"conj", "sub", "rel"})
_S_DET_POSS_PREP = frozenset({"det", "poss", "prep"})
_S_DET_POSS_TO_PRON = frozenset({"det", "poss", "to", "pron"})
_S_DET_POSS = frozenset({"det", "poss"})
_S_DET = frozenset({"det"})
_S_ING_PP_BASE = frozenset({"ing", "pp", "base"})
_S_PAST_PP_S = frozenset({"past", "pp", "s"})
_S_PAST_PP = frozenset({"past", "pp"})
_S_PAST_S = frozenset({"past", "s"})
_S_PREP_CONJ_SUB = frozenset({"prep", "conj", "sub"})
_S_PREP_DET_POSS = frozenset({"prep", "det", "poss"})
_S_PREP_SUB_ADV_DET_POSS = frozenset({"prep", "sub", "adv", "det", "poss"})
_S_PREP_SUB = frozenset({"prep", "sub"})
_S_PREP_TO_SUB = frozenset({"prep", "to", "sub"})
_S_PREP = frozenset({"prep"})
_S_PRON = frozenset({"pron"})


@dataclass(frozen=True, slots=True)
class Clause:
    """What one clause says: who did what, as title pieces of the sentence and as lemmas.

    ``pieces`` are (role, text) in title order; roles: ``subj`` (the subject's head), ``subj_pp``
    (a phrase of the subject a short title may drop), ``verb``, ``obj`` (the object or the first
    argument) and ``arg`` (a further phrase a short title may drop, from the last).
    """

    kind: str = "none"          # finite, participle, nominal, none (no clause found)
    lemma: str = ""             # lemma of the verb naming the action ("arrest"); "" when none
    verb_class: str = ""        # the lemma's class in verbs.csv: "", report, copula, light, intent
    voice: str = ""             # active, passive ("" without a verb)
    tense: str = ""             # past, present, future, modal ("" when the clause has no finite verb)
    negated: bool = False
    noun: str = ""              # lemma of the event noun that names the happening, when there is one
    subject: str = ""           # the subject as written, appositions left out
    verb: str = ""              # the verb group as written ("was arrested", "is scheduled to meet")
    args: str = ""              # lower-case object and prepositional arguments (codes match on it)
    text: str = ""              # lower-case text of the whole clause (the trigger fallback scans it)
    pieces: tuple[tuple[str, str], ...] = ()
    content: Clause | None = None   # the reported clause when this one is a report ("X said ...")
    date_only: bool = False     # the date's segment holds nothing but date words and no clause claims it
    # The date ends the state the clause's act began ("prorogued until late March", "postponed
    # until May"): the act did not happen then. "Not released until 2021" and "the visit runs
    # until Saturday" are not such dates.
    period_end: bool = False

    @property
    def title(self) -> str:
        """Every piece, in order, joined by spaces (``pipeline.events`` cleans and shortens it)."""
        return " ".join(text for _, text in self.pieces)

    @property
    def has_action(self) -> bool:
        """True when the clause names a happening: an action verb, or a noun of one."""
        if self.content is not None and self.content.has_action:
            return True
        return bool(self.noun) or (bool(self.lemma) and self.verb_class != "copula")


NO_CLAUSE = Clause()


def _read_rows(path: Path) -> list[dict[str, str]]:
    """Read a CSV file whose lines starting with '#' are comments."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.lstrip().startswith("#")))


def _regular_forms(lemma: str) -> tuple[str, str, str]:
    """The regular third-person, past and -ing forms of a verb."""
    if lemma.endswith(("s", "x", "z", "ch", "sh", "o")):
        third = lemma + "es"
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        third = lemma[:-1] + "ies"
    else:
        third = lemma + "s"
    if lemma.endswith("e"):
        past = lemma + "d"
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        past = lemma[:-1] + "ied"
    else:
        past = lemma + "ed"
    if lemma.endswith("ie"):
        ing = lemma[:-2] + "ying"
    elif lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")) and len(lemma) > 2:
        ing = lemma[:-1] + "ing"
    else:
        ing = lemma + "ing"
    return third, past, ing


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The word lists of data/clauses/, indexed for lookup."""

    classes: dict[str, frozenset[str]]             # word -> closed classes (det, prep, be...)
    forms: dict[str, tuple[tuple[str, str], ...]]  # verb form -> ((lemma, form), ...); form: base, s, past, pp, ing
    verb_class: dict[str, str]                     # lemma -> "", report, copula, light, catenative
    nouns: dict[str, str]                          # event noun -> lemma ("detention" -> "detain")
    # lemmas whose act begins a state that "until X" ends ("prorogued until late March")
    until_state: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load the word lists once."""
    classes: dict[str, set[str]] = {}
    for row in _read_rows(WORDS_FILE):
        classes.setdefault(row["word"].strip().lower(), set()).add(row["class"].strip())
    forms: dict[str, list[tuple[str, str]]] = {}
    verb_class: dict[str, str] = {}
    nouns: dict[str, str] = {}
    until_state: set[str] = set()
    for row in _read_rows(VERBS_FILE):
        lemma = row["lemma"].strip().lower()
        verb_class[lemma] = row["class"].strip()
        if (row.get("until") or "").strip() == "state":
            until_state.add(lemma)
        third, past, ing = _regular_forms(lemma)
        table = {
            "base": [lemma],
            "s": (row["s"] or third).split("|"),
            "past": (row["past"] or past).split("|"),
            "pp": (row["participle"] or row["past"] or past).split("|"),
            "ing": (row["ing"] or ing).split("|"),
        }
        for form, words in table.items():
            for word in words:
                entry = (lemma, form)
                bucket = forms.setdefault(word.strip().lower(), [])
                if entry not in bucket:
                    bucket.append(entry)
        for noun in filter(None, (n.strip().lower() for n in row["nouns"].split("|"))):
            nouns.setdefault(noun, lemma)
    for word, cls in classes.items():
        if "event" in cls:
            nouns.setdefault(word, word)
    return Lexicon({w: frozenset(c) for w, c in classes.items()},
                   {w: tuple(f) for w, f in forms.items()}, verb_class, nouns, frozenset(until_state))


# ---------------------------------------------------------------------------------------------
# Tokens

class _Tok:
    """One token: a word (kind "w"), a mark ("p"), or a whole date expression ("d")."""

    __slots__ = ("start", "end", "low", "kind", "cls", "verbs", "forms", "noun", "cap", "poss")

    def __init__(self, start: int, end: int, info: tuple) -> None:
        self.start, self.end = start, end
        self.low, self.kind, self.cls, self.verbs, self.forms, self.noun, self.cap, self.poss = info

    def has(self, cls: str) -> bool:
        return cls in self.cls

    @property
    def nounish(self) -> bool:
        """True for a word that is a noun as often as a verb ("talks", "states", "ties")."""
        return bool(self.noun) or "noun" in self.cls


_EMPTY: frozenset[str] = frozenset()
_ADV = frozenset({"adv"})
# Everything a token needs to know about its text, by surface form (memoised: a vocabulary, not a
# corpus, hence the bound): (low, kind, classes, verb readings, forms, event noun, capital, possessive).
_SURFACE_CACHE: dict[str, tuple] = {}
_SURFACE_CACHE_MAX = 200_000


def _word_info(low: str) -> tuple[frozenset[str], tuple[tuple[str, str], ...], frozenset[str], str]:
    """Closed classes, verb readings, their forms and event-noun lemma of a lower-case word."""
    lex = lexicon()
    cls = lex.classes.get(low, _EMPTY)
    verbs = lex.forms.get(low, ())
    if not verbs and not cls and len(low) > 4 and low.isalpha():
        # Unknown words: "-ly" is an adverb, "-ed" a past form of some verb (its lemma only
        # matters for the verbs the lexicon knows).
        if low.endswith("ly"):
            cls = _ADV
        elif low.endswith("ed"):
            verbs = ((low[:-2], "past"), (low[:-2], "pp"))
    return cls, verbs, frozenset(f for _, f in verbs), lex.nouns.get(low, "")


def _surface(text: str, initial: bool = False) -> tuple:
    """The token info of a word as written; ``initial`` for the first word of a sentence."""
    key = "\x00" + text if initial else text
    info = _SURFACE_CACHE.get(key)
    if info is not None:
        return info
    first = text[0]
    if not (first.isalnum() or first == "_"):
        info = (text, "p", _EMPTY, (), _EMPTY, "", False, False)
    else:
        low = text.lower()
        poss = low.endswith(("'s", "’s")) and len(low) > 2
        cls, verbs, forms, noun = _word_info(low[:-2] if poss else low)
        cap = first.isupper()
        if initial and cap and (cls or verbs):
            cap = False   # "The", "After": a capital only because the sentence starts there
        if poss or cap:
            verbs, forms = (), _EMPTY   # "Mark Carney", "United States", "Canada's": not verbs
        info = (low, "w", cls, verbs, forms, noun, cap, poss)
    if len(_SURFACE_CACHE) < _SURFACE_CACHE_MAX:
        _SURFACE_CACHE[key] = info
    return info


_POSSESSIVE_ENDINGS = ("'s", "’s", "'", "’")


def tokenize(sentence: str, dates: tuple[tuple[int, int], ...] = ()) -> list[_Tok]:
    """Split a sentence into tokens; each date span (sentence offsets) becomes one date token."""
    toks: list[_Tok] = []
    append = toks.append
    spans = sorted(d for d in dates if 0 <= d[0] < d[1] <= len(sentence)) if dates else []
    next_date = spans[0][0] if spans else len(sentence) + 1
    si = 0
    last_date_end = -10
    initial = True   # no word yet: a capital may only mark the start of the sentence
    cache_get = _SURFACE_CACHE.get
    for m in _TOKEN.finditer(sentence):
        s, e = m.span()
        if e > next_date:
            while si < len(spans) and spans[si][1] <= s:
                si += 1
            if si < len(spans) and spans[si][0] < e:
                d0, d1 = spans[si]
                if toks and toks[-1].kind == "d" and toks[-1].start == d0:
                    continue
                append(_Tok(d0, d1, (sentence[d0:d1].lower(), "d", _EMPTY, (), _EMPTY, "", False,
                                     sentence[d1:d1 + 2] in ("'s", "’s"))))
                last_date_end = d1
                continue
            next_date = spans[si][0] if si < len(spans) else len(sentence) + 1
        text = m.group()
        if s < last_date_end + 2 and text in _POSSESSIVE_ENDINGS:
            continue   # the possessive ending of a date ("Monday's")
        if (text == "'" or text == "’") and toks and toks[-1].kind == "w" and toks[-1].low.endswith("s") \
                and sentence[s - 1:s].isalpha():
            prev = toks[-1]   # "leaders' meeting"
            toks[-1] = _Tok(prev.start, prev.end, (prev.low, "w", prev.cls, (), _EMPTY, prev.noun, prev.cap, True))
            continue
        if initial:
            tok = _Tok(s, e, _surface(text, True))
            initial = tok.kind != "w"
            append(tok)
        else:
            info = cache_get(text)
            append(_Tok(s, e, info if info is not None else _surface(text)))
    return toks


# ---------------------------------------------------------------------------------------------
# Segments and verb groups

class _VG:
    """A verb group: tokens lo..hi (exclusive), its main verb and grammar."""

    __slots__ = ("lo", "hi", "head", "lemma", "vclass", "voice", "tense", "negated", "finite",
                 "strength", "past_reading")

    def __init__(self, lo: int) -> None:
        self.lo = self.hi = self.head = lo
        self.lemma = self.vclass = ""
        self.voice = "active"
        self.tense = ""
        self.negated = False
        self.finite = True
        self.strength = 2          # 2 certain, 1 weak (an -ed form that may be a participle)
        self.past_reading = False  # a non-finite -ed form that could also be a finite past


class _Seg:
    """A stretch of tokens between breaks, with the word or mark that opened it."""

    __slots__ = ("lo", "hi", "opener", "comma", "strong", "vg", "subj", "kind", "gap", "parent")

    def __init__(self, lo: int, opener: str, comma: bool, strong: bool) -> None:
        self.lo = self.hi = lo
        self.opener, self.comma, self.strong = opener, comma, strong
        self.vg: _VG | None = None
        self.subj: tuple[int, int] | None = None   # token range of the subject (may lie in another segment)
        self.kind = "fragment"   # clause, fragment, apposition, subject, nominal
        self.gap: tuple[int, int] | None = None    # antecedent filling an object gap ("the report she released")
        self.parent: _Seg | None = None


def _prev_word(toks: list[_Tok], j: int, lo: int) -> _Tok | None:
    """The token before ``j`` (not before ``lo``), adverbs skipped."""
    k = j - 1
    while k >= lo and toks[k].kind == "w" and toks[k].has("adv") and not toks[k].verbs and not toks[k].cap:
        k -= 1
    return toks[k] if k >= lo else None


def _nominal_word(t: _Tok) -> bool:
    """A word that can end a noun phrase (a subject before its verb)."""
    if t.kind == "d":
        return False
    if t.kind != "w":
        return t.low == ")"
    if t.cap or t.has("pron"):
        return True
    if t.cls & _CLOSED:
        return t.low in _PRONOUN_DETERMINERS
    return not t.forms or t.nounish or t.forms <= {"base", "s"}


def _object_start(t: _Tok | None) -> bool:
    """A token that can open an object ("arrested Meng", "held talks", "agreed to")."""
    if t is None or t.kind == "d":
        return False
    if t.kind == "p":
        return t.low in _QUOTES
    if t.cls & _S_DET_POSS_TO_PRON or t.cap or t.low[0].isdigit() or t.low == "that":
        return True
    return not t.cls & _CLOSED and not (t.forms and t.forms <= {"past", "pp"})


def _main_after(toks: list[_Tok], k: int, hi: int, vg: _VG, passive_ready: bool) -> int:
    """Extend a verb group from ``k`` through adverbs, auxiliaries and its main verb; return its end
    (-1 when there is no main verb, -2 when the group ends in a form of "be": a copula)."""
    main = -1
    saw_be = False
    while k < hi:
        t = toks[k]
        if t.kind != "w":
            break
        if t.has("neg"):
            vg.negated = True
            k += 1
            continue
        if t.has("adv") and not t.forms:
            k += 1
            continue
        if t.low in ("be", "been", "being"):
            passive_ready = saw_be = True
            k += 1
            vg.hi = k
            continue
        if t.low in ("have", "having"):
            k += 1
            continue
        if t.has("future") and k + 1 < hi and toks[k + 1].low == "to":
            vg.tense = "future" if vg.tense != "modal" else vg.tense
            passive_ready = False
            k += 2
            continue
        forms = t.forms
        if not forms or t.cap:
            break
        if passive_ready and "pp" in forms:
            vg.voice = "passive"
        elif not forms & _S_ING_PP_BASE:
            break
        main = k
        k += 1
        break
    if main < 0:
        return -2 if saw_be else -1
    vg.head = main
    vg.lemma = _lemma_for(toks[main], "pp" if vg.voice == "passive" else "")
    vg.vclass = lexicon().verb_class.get(vg.lemma, "")
    return _catenate(toks, k, hi, vg)


def _lemma_for(t: _Tok, form: str) -> str:
    """The lemma of a verb token (for ``form`` when given)."""
    for lemma, f in t.verbs:
        if not form or f == form:
            return lemma
    return t.verbs[0][0] if t.verbs else ""


def _catenate(toks: list[_Tok], k: int, hi: int, vg: _VG) -> int:
    """Hand the action of a catenative verb to its infinitive ("moved this month to block" -> block)."""
    lex_class = lexicon().verb_class
    while vg.vclass == "catenative":
        j = k
        while j < hi and toks[j].kind == "d":
            j += 1
        if not (j + 1 < hi and toks[j].low == "to" and toks[j + 1].kind == "w" and "base" in toks[j + 1].forms):
            break
        vg.head = j + 1
        vg.lemma = _lemma_for(toks[j + 1], "base")
        vg.vclass = lex_class.get(vg.lemma, "")
        k = j + 2
    return k


def _group_at(toks: list[_Tok], j: int, seg: _Seg, segs_before: list[_Seg]) -> _VG | None:
    """The verb group starting at token ``j`` of a segment, or None."""
    t = toks[j]
    hi = seg.hi
    if t.kind != "w" or t.cap or t.poss:
        return None
    cls = t.cls
    prev = _prev_word(toks, j, seg.lo)
    at_start = prev is None
    vg = _VG(j)
    if cls & _AUXILIARIES:
        low = t.low
        if "modal" in cls:
            vg.tense = "future" if low in ("will", "shall") else "modal"
        elif low in ("was", "were", "had", "did"):
            vg.tense = "past"
        elif low in ("is", "are", "am", "has", "have", "does", "do"):
            vg.tense = "present"
        else:
            return None   # "be", "been", "being", "having" open no finite group
        end = _main_after(toks, j + 1, hi, vg, "be" in cls)
        if end < 0:
            if "be" in cls or end == -2:
                vg.hi, vg.lemma, vg.vclass = max(vg.hi, j + 1), "be", "copula"
            elif "modal" in cls:
                return None
            else:
                vg.hi, vg.lemma = j + 1, "have" if "have" in cls else "do"
            return vg
        vg.hi = end
        return vg
    forms = t.forms
    if not forms:
        return None
    nxt = toks[j + 1] if j + 1 < hi else None
    if prev is not None and prev.kind == "w" and prev.has("to"):
        if "base" not in forms or not (at_start or toks[j - 1] is prev):
            return None
        # an infinitive of purpose or of a noun ("a response to ... decision to impose")
        vg.lo, vg.finite, vg.strength = j - 1, False, 1
        vg.head, vg.lemma = j, _lemma_for(t, "base")
        vg.vclass = lexicon().verb_class.get(vg.lemma, "")
        vg.hi = _catenate(toks, j + 1, hi, vg)
        return vg
    # "Tuesday saw the largest protests": a time alone as the subject of a verb of witnessing
    time_subject = prev is not None and prev.kind == "d" and all(toks[x].kind == "d" for x in range(seg.lo, j)) \
        and any(lemma in _TIME_SUBJECT_VERBS for lemma, _ in t.verbs)
    # "Police on Sunday arrested ...", "The ministry last week announced ...": a date adverbial
    # between a subject and its verb ("the December 2018 arrest", "Canada's 2018 arrest": a noun)
    adverbial_date = prev is not None and prev.kind == "d" and not time_subject and _after_date_adverbial(toks, j, seg.lo)
    if prev is not None and not time_subject and not adverbial_date and (prev.kind == "d" or prev.poss or (
            prev.cls & _S_DET_POSS_PREP and not prev.cls & _S_PRON and prev.low not in _PRONOUN_DETERMINERS)):
        return None   # "the arrest", "Canada's detention", "for trade": a noun
    if prev is not None and prev.kind == "w" and prev.low in _PRONOUN_DETERMINERS and not forms & _S_PAST_S:
        return None
    complementizer = seg.opener == "that" and bool(segs_before) and segs_before[-1].vg is not None and \
        segs_before[-1].vg.vclass == "report"
    relative_start = at_start and seg.opener in _SUBJECT_RELATIVES and not complementizer
    after_insertion = at_start and seg.opener == "," and bool(segs_before) and (
        segs_before[-1].opener in ("who", "which", "where") or segs_before[-1].kind == "apposition"
        or (segs_before[-1].vg is not None and not segs_before[-1].vg.finite and segs_before[-1].opener == ","))
    subject_before = prev is not None and (_nominal_word(prev) or time_subject or adverbial_date)
    # "Mubarak, in a televised speech, said ...": a past form right after an aside that follows a
    # noun phrase is that noun phrase's finite verb, not a participle
    after_aside = at_start and seg.opener == "," and len(segs_before) >= 2 and _is_aside(toks, segs_before[-1]) \
        and segs_before[-2].vg is None and _nominal_word(toks[segs_before[-1].lo - 2])
    if "s" in forms and (subject_before or relative_start or after_insertion):
        if t.nounish and not relative_start and not (prev is not None and (prev.cap or prev.has("pron"))):
            return None   # "trade talks", "foreign states": a plural noun
        if t.nounish and not _object_start(nxt):
            return None
        vg.tense, vg.head, vg.lemma = "present", j, _lemma_for(t, "s")
    elif "past" in forms and (subject_before or relative_start or at_start):
        vg.tense, vg.head, vg.lemma = "past", j, _lemma_for(t, "past")
        if "pp" in forms and not relative_start and not after_aside:
            if at_start:
                # ", announced in August 2024": a participle of the noun phrase before
                vg.finite, vg.tense, vg.voice, vg.strength = False, "", "passive", 1
                vg.past_reading = True
                vg.lemma = _lemma_for(t, "pp")
            elif not _object_start(nxt) and not (prev is not None and prev.has("pron")):
                vg.strength = 1   # "two Canadians detained in China": maybe a participle
    elif "pp" in forms and at_start:
        vg.finite, vg.voice, vg.strength = False, "passive", 1
        vg.head, vg.lemma = j, _lemma_for(t, "pp")
    elif "ing" in forms and at_start and (seg.opener in ("", ",") or seg.opener in _PARTICIPLE_OPENERS or (
            seg.opener in ("and", "or") and segs_before and segs_before[-1].vg is not None
            and not segs_before[-1].vg.finite)):
        vg.finite, vg.strength = False, 1
        vg.head, vg.lemma = j, _lemma_for(t, "ing")
    elif "base" in forms and not t.noun and (
            (subject_before and (prev.has("pron") or prev.cap or prev.low.endswith("s")))
            or relative_start or after_insertion):
        vg.tense, vg.head, vg.lemma = "present", j, _lemma_for(t, "base")
        vg.strength = 2 if _object_start(nxt) else 1
    else:
        return None
    vg.vclass = lexicon().verb_class.get(vg.lemma, "")
    vg.hi = _catenate(toks, j + 1, hi, vg)
    return vg


_RELATIVE_DATE_STARTS = ("last ", "this ", "next ", "early ", "late ", "earlier ", "later ")


def _after_date_adverbial(toks: list[_Tok], j: int, lo: int) -> bool:
    """True when the date right before token ``j`` is an adverbial after a subject: "on Sunday"
    or "last week" after a noun phrase that is not a possessive ("Police on Sunday arrested")."""
    x = j - 1
    while x >= lo and toks[x].kind == "d":
        x -= 1
    lead = x >= lo and toks[x].kind == "w" and toks[x].low in _DATE_LEADS and not toks[x].cap
    if lead:
        x -= 1
    elif not toks[j - 1].low.startswith(_RELATIVE_DATE_STARTS):
        return False
    return x >= lo and toks[x].kind == "w" and not toks[x].poss and not toks[x].cls & _CLOSED and _nominal_word(toks[x])


def _find_vg(toks: list[_Tok], seg: _Seg, segs_before: list[_Seg]) -> _VG | None:
    """The main verb group of a segment: the first certain one, else the first weak one."""
    weak = None
    j = seg.lo
    while j < seg.hi:
        t = toks[j]
        if not t.forms and not t.cls & _AUXILIARIES:   # most words open no verb group
            j += 1
            continue
        vg = _group_at(toks, j, seg, segs_before)
        if vg is not None:
            if vg.strength == 2:
                return vg
            if weak is None:
                weak = vg
            j = max(vg.hi, j + 1)
            continue
        j += 1
    return weak


def _split(toks: list[_Tok]) -> list[_Seg]:
    """Cut the tokens into segments at marks, conjunctions, subordinators and relatives."""
    segs: list[_Seg] = []
    cur = _Seg(0, "", False, False)
    pending_comma = pending_strong = False
    i, n = 0, len(toks)
    if n > 1 and toks[0].kind == "w" and toks[0].has("sub") and not toks[0].has("prep") or \
            n > 1 and toks[0].low in ("before", "after", "while", "since", "when") and toks[1].kind == "w" \
            and "ing" in toks[1].forms:
        cur = _Seg(1, toks[0].low, False, False)   # "Before leaving for Beijing, ..."
        i = 1
    while i < n:
        t = toks[i]
        if t.kind == "p" and t.low in _BREAK_MARKS:
            strong = t.low in _STRONG_MARKS
            if cur.hi > cur.lo:
                segs.append(cur)
                cur = _Seg(i + 1, ",", True, strong)
            else:
                cur.lo = cur.hi = i + 1
                cur.comma = True
                cur.strong = cur.strong or strong
                if segs and cur.opener == "":
                    cur.opener = ","
            pending_comma, pending_strong = True, strong
            i += 1
            continue
        opener, width = "", 1
        if t.kind == "w" and i > 0 and not t.cap:
            nxt = toks[i + 1] if i + 1 < n else None
            if t.cls & _S_CONJ_SUB_REL:
                opener = t.low
                if t.low == "as" and nxt is not None and nxt.low in ("well", "of", "part", "such"):
                    opener = ""
                elif t.has("conj") and i >= 2 and toks[i - 2].low == "to" and "base" in toks[i - 1].forms \
                        and nxt is not None and "base" in nxt.forms:
                    opener = ""   # "to lift or ease the tariffs": one infinitive
                elif t.has("sub") and not t.has("conj") and nxt is not None and nxt.kind == "w" and \
                        nxt.forms and nxt.forms <= {"past", "pp"} and not nxt.noun:
                    opener = ""   # "has since faced": an adverb
                elif t.low in ("until", "till") and nxt is not None and nxt.kind == "d":
                    opener = ""   # "delayed the trial until May to allow ...": a date, not a clause
            elif t.low == "followed" and i + 1 < n and toks[i + 1].low == "by":
                opener, width = "followed by", 2
        if opener:
            if cur.hi > cur.lo:
                segs.append(cur)
                cur = _Seg(i + width, opener, pending_comma, pending_strong)
            else:
                cur.lo = cur.hi = i + width
                cur.opener = opener
            pending_comma = pending_strong = False
            i += width
            continue
        pending_comma = pending_strong = False
        cur.hi = i + 1
        i += 1
    if cur.hi > cur.lo:
        segs.append(cur)
    return segs


def _needs_subject(segs: list[_Seg], i: int) -> bool:
    """True when a later segment (after appositions and relatives) is a finite verb with no subject."""
    for seg in segs[i + 1:]:
        if seg.vg is None and seg.opener in (",", "and", "or"):
            continue
        if seg.opener in ("who", "which") or seg.opener == "where":
            continue
        vg = seg.vg
        return vg is not None and seg.opener == "," and vg.lo == seg.lo and (vg.finite or vg.past_reading)
    return False


def _merge(segs: list[_Seg]) -> list[_Seg]:
    """Join segments that are one clause: coordinated subjects, and verbless conjunct phrases."""
    out: list[_Seg] = []
    for i, seg in enumerate(segs):
        prev = out[-1] if out else None
        if prev is not None and not seg.comma and seg.opener in ("and", "or") and prev.vg is None \
                and seg.vg is not None and seg.vg.lo > seg.lo and prev.opener != "followed by":
            # "Relations between Ottawa | and Beijing have warmed": one subject
            prev.hi, prev.vg = seg.hi, seg.vg
            continue
        nxt = segs[i + 1] if i + 1 < len(segs) else None
        conjunct_next = nxt is not None and not nxt.comma and nxt.opener in ("and", "or") and \
            nxt.vg is not None and nxt.vg.lo > nxt.lo
        if prev is not None and seg.vg is None and not seg.strong and prev.opener != "followed by" and (
                seg.opener in ("and", "or", "nor") or (
                    (seg.opener in ("that", "which", "who", "whom", "whose") or seg.opener in _PREP_LIKE)
                    and not _needs_subject(segs, i) and not conjunct_next)):
            prev.hi = seg.hi
            continue
        out.append(seg)
    return out


# ---------------------------------------------------------------------------------------------
# Noun phrases and subjects

def _np_start(toks: list[_Tok], lo: int, end: int) -> int:
    """Start of the noun phrase that ends just before ``end`` (not before ``lo``)."""
    k = end
    while k > lo:
        t = toks[k - 1]
        if t.kind == "d":
            if t.poss:   # "Monday's federal election"
                k -= 1
                continue
            break
        if t.kind == "p":
            if t.low in _QUOTES or t.low in "-/&":
                k -= 1
                continue
            break
        if t.cls & _S_CONJ_SUB_REL_BE_HAVE_MODAL_TO_NEG and not t.cap:
            break
        if t.has("prep") and t.low != "of":
            break
        if "ing" in t.forms and k < end and toks[k].kind == "w" and toks[k].cls & _S_DET_POSS:
            break   # "by opening an investigation": a verb with its object
        if t.forms and not t.cap and not t.nounish and not t.poss and t.forms & _S_BASE_S_PAST_ING and \
                not (k - 2 >= lo and toks[k - 2].kind == "w" and (toks[k - 2].cls & _S_DET_POSS or toks[k - 2].poss)):
            break   # "the surtaxes Ottawa placed": a verb ends the phrase before it
        k -= 1
    while k < end and toks[k].low == "of":
        k += 1
    return k


def _np_end(toks: list[_Tok], start: int, hi: int) -> int:
    """End of the noun phrase starting at ``start`` (its "of" phrases included)."""
    k = start
    while k < hi:
        t = toks[k]
        if t.kind == "d":
            break
        if t.kind == "p":
            if t.low in _QUOTES or t.low in "-/&%":
                k += 1
                continue
            break
        if t.cls & _S_CONJ_SUB_REL_BE_HAVE_MODAL_TO_NEG and not t.cap:
            break
        if t.has("prep") and t.low != "of":
            break
        if k > start and t.forms and not t.noun and not t.cap and t.forms & _S_PAST_PP_S \
                and not toks[k - 1].cls & _S_DET:
            break
        k += 1
    return k


def _subject_range(toks: list[_Tok], seg: _Seg, vg: _VG) -> tuple[int, int] | None:
    """The subject tokens of a segment's clause that precede its verb group inside the segment."""
    lo, end = seg.lo, vg.lo
    while lo < end and (toks[lo].kind == "d" or (toks[lo].kind == "w" and toks[lo].has("adv") and not toks[lo].cap)):
        lo += 1
    while end > lo and (toks[end - 1].kind == "d" or (toks[end - 1].kind == "w" and toks[end - 1].has("adv")
                                                       and not toks[end - 1].cap)):
        end -= 1
    if end <= lo:
        return None
    # A prepositional opener ("In March 2019", "Under the strategy") is an adverbial, not the subject.
    if toks[lo].kind == "w" and toks[lo].has("prep") and not toks[lo].cap:
        start = _np_start(toks, lo, end)
        return (start, end) if start < end else None
    return (lo, end)


def _lacks_object(toks: list[_Tok], vg: _VG, hi: int) -> bool:
    """True when nothing after a verb group (past an infinitive) opens its object."""
    k = vg.hi
    if k < hi and toks[k].low == "to" and k + 1 < hi and "base" in toks[k + 1].forms:
        k += 2
    while k < hi and toks[k].kind == "w" and toks[k].has("prep") and toks[k].low in ("up", "off", "out", "down", "back"):
        k += 1
    return k >= hi or toks[k].kind == "d" or not _object_start(toks[k]) or (
        toks[k].kind == "w" and toks[k].cls & _S_PREP_SUB)


def _gap_object(toks: list[_Tok], subj: tuple[int, int]) -> tuple[tuple[int, int] | None, tuple[int, int]]:
    """Split "the initial report she" into (object gap, subject) for a zero relative clause."""
    lo, hi = subj
    if hi - lo < 2:
        return None, subj
    last = toks[hi - 1]
    if not ((last.has("pron") and not last.cap) or last.cap):
        for s in range(hi - 2, lo, -1):
            t, before = toks[s], toks[s - 1]
            if t.kind == "w" and t.low in ("the", "a", "an") and before.kind == "w" and not before.cap and \
                    not before.cls & _CLOSED and not before.poss and any(
                        toks[x].kind == "w" and toks[x].cls & _S_DET_POSS for x in range(lo, s - 1)):
                det_at = next(x for x in range(s - 1, lo - 1, -1) if toks[x].kind == "w" and toks[x].cls & _S_DET_POSS)
                return (det_at, s), (s, hi)
        return None, subj
    s = hi - 1
    if last.cap:
        while s > lo and toks[s - 1].kind == "w" and toks[s - 1].cap:
            s -= 1
    if s <= lo:
        return None, subj
    before = toks[s - 1]
    if before.kind != "w" or before.cap or before.cls & _S_PREP_DET_POSS or before.poss:
        return None, subj
    det_at = next((k for k in range(s - 1, lo - 1, -1) if toks[k].kind == "w" and toks[k].cls & _S_DET_POSS), -1)
    if det_at < 0:
        return None, subj
    return (det_at, s), (s, hi)


# ---------------------------------------------------------------------------------------------
# The parse of one sentence

class Parse:
    """The segments of one sentence, ready to answer for each of its dates."""

    __slots__ = ("text", "toks", "segs", "drop")

    def __init__(self, text: str, toks: list[_Tok], segs: list[_Seg]) -> None:
        self.text, self.toks, self.segs = text, toks, segs
        self.drop = _drop_set(toks, segs)


def parse_sentence(sentence: str, dates: tuple[tuple[int, int], ...] = ()) -> Parse:
    """Tokenise and segment a sentence; ``dates`` are the offsets of its date expressions."""
    toks = tokenize(sentence, dates)
    segs = _split(toks)
    for i, seg in enumerate(segs):
        seg.vg = _find_vg(toks, seg, segs[:i])
    segs = _merge(segs)
    _split_reported(toks, segs)
    _resolve(toks, segs)
    return Parse(sentence, toks, segs)


def _split_reported(toks: list[_Tok], segs: list[_Seg]) -> None:
    """Cut "X said they were unsure" after the reporting verb: what follows is its own clause."""
    i = 0
    while i < len(segs):
        seg = segs[i]
        vg = seg.vg
        if vg is not None and vg.vclass == "report" and vg.voice == "active" and vg.hi < seg.hi:
            k = vg.hi
            while k < seg.hi and (toks[k].kind == "d" or (toks[k].kind == "w" and toks[k].has("prep"))):
                if toks[k].kind == "w":   # "said in an interview this week": skip the phrase
                    k = _np_end(toks, k + 1, seg.hi)
                else:
                    k += 1
            if k < seg.hi and toks[k].kind == "w" and (toks[k].has("pron") or toks[k].cap or toks[k].cls & _S_DET_POSS):
                sub = _Seg(k, "that", False, False)
                sub.hi = seg.hi
                sub.vg = _find_vg(toks, sub, [])
                if sub.vg is not None and sub.vg.strength == 2 and sub.vg.lo > k:
                    seg.hi = k
                    segs.insert(i + 1, sub)
        i += 1


def _is_apposition(toks: list[_Tok], segs: list[_Seg], i: int) -> bool:
    """A verbless comma segment that renames the noun phrase before it ("Zhao Leji, chairman of ...")."""
    seg = segs[i]
    if seg.vg is not None or seg.opener != "," or i == 0 or seg.strong:
        return False
    prev = segs[i - 1]
    if prev.opener == "followed by":
        return False
    first = toks[seg.lo]
    before = toks[seg.lo - 2] if seg.lo >= 2 else None   # the token before the comma
    if before is None or before.kind != "w" or first.kind != "w":
        return False
    if first.has("prep") and not first.has("role"):
        return False
    nxt = segs[i + 1] if i + 1 < len(segs) else None
    if (first.cls & _S_DET_POSS or first.poss) and prev.vg is None and prev.kind != "apposition" \
            and nxt is not None and nxt.opener == "," \
            and nxt.vg is not None and nxt.vg.lo == nxt.lo and _nominal_word(before):
        # "The quake, Haiti's worst in two centuries, struck ...": a noun phrase between the
        # subject and its verb renames the subject
        return True
    if first.has("role") or (first.cls & _S_DET_POSS and first.low not in ("a", "an")):
        head = next((toks[k] for k in range(seg.lo, min(seg.hi, seg.lo + 6))
                     if toks[k].kind == "w" and toks[k].has("role")), None)
        return head is not None and (before.cap or before.poss or before.has("role"))
    if first.low in ("a", "an"):
        # "Kim Ho-jin, a spokesman for the ministry,": a name renamed; "..., a move seen as":
        # a remark on the clause before
        head = next((toks[k] for k in range(seg.lo, min(seg.hi, seg.lo + 4))
                     if toks[k].kind == "w" and toks[k].has("role")), None)
        return head is not None and before.cap
    # a proper name after a common noun phrase ("another Canadian, Robert Schellenberg,")
    words = [toks[k] for k in range(seg.lo, seg.hi) if toks[k].kind == "w"]
    if not words or not all(w.cap or w.has("conj") or not w.cls & _CLOSED for w in words):
        return False
    return any(w.cap for w in words) and (i + 1 < len(segs) and segs[i + 1].opener == "," or i + 1 == len(segs))


def _is_aside(toks: list[_Tok], seg: _Seg) -> bool:
    """A verbless comma segment that cannot be a subject: it opens with a lowercase word that is
    neither a determiner nor a pronoun ("Ghonim, missing for more than a week, will be released",
    "Mubarak, in a televised speech, said"). A verb after it takes the subject before it."""
    if seg.vg is not None or seg.opener != "," or seg.lo >= seg.hi:
        return False
    first = toks[seg.lo]
    return (first.kind == "w" and not first.cap and not first.poss and not first.cls & _S_DET_POSS_TO_PRON
            and first.low not in _PRONOUN_DETERMINERS)


def _resolve(toks: list[_Tok], segs: list[_Seg]) -> None:
    """Give every clause its subject and every verbless segment its role."""
    for i, seg in enumerate(segs):
        if seg.opener == "followed by":
            seg.kind = "nominal"
        elif seg.vg is not None:
            seg.kind = "clause"
        elif _is_apposition(toks, segs, i):
            seg.kind = "apposition"
    for i, seg in enumerate(segs):
        vg = seg.vg
        if vg is None:
            continue
        own = _subject_range(toks, seg, vg)
        if own is not None:
            complementizer = seg.opener == "that" and i > 0 and segs[i - 1].vg is not None and \
                segs[i - 1].vg.vclass == "report"
            if vg.voice == "active" and vg.vclass not in ("copula", "light", "report") and not complementizer \
                    and _lacks_object(toks, vg, seg.hi):
                gap, own = _gap_object(toks, own)
                if gap is not None:
                    seg.gap = gap
                elif seg.opener in ("that", "which", "whom") and i > 0:
                    ante = _antecedent(toks, segs, i, complements=True)
                    if ante is not None:
                        seg.gap = ante   # "the joint review, which the three countries must hold"
            seg.subj = own
            continue
        if i == 0:
            continue
        if seg.opener in _SUBJECT_RELATIVES:
            seg.subj = _antecedent(toks, segs, i, complements=seg.opener != "who")
            seg.parent = segs[i - 1]
            continue
        if seg.opener in ("and", "or", "but", "yet"):
            # "... and held talks with Xi": the subject of the clause it is coordinated with
            if vg.past_reading:
                vg.finite, vg.tense, vg.voice, vg.strength = True, "past", "active", 2
                vg.lemma = _lemma_for(toks[vg.head], "past")
                vg.vclass = lexicon().verb_class.get(vg.lemma, "")
            for j in range(i - 1, -1, -1):
                head = segs[j]
                if head.kind == "clause" and head.subj is not None:
                    seg.subj, seg.parent = head.subj, head
                    break
            continue
        # A verb opening a comma segment: its subject is the noun phrase before any appositions
        # and relative clauses ("Meng, who ..., was detained", "Meng and two Canadians detained in
        # China, Michael Kovrig and Michael Spavor, were released").
        k = i - 1
        while k > 0 and (segs[k].kind == "apposition" or segs[k].opener in ("who", "which", "where")
                         or (segs[k].vg is not None and not segs[k].vg.finite and segs[k].opener == ",")
                         or _is_aside(toks, segs[k])):
            k -= 1
        head = segs[k]
        headless = head.vg is None or (head.vg.strength == 1 and head.vg.lo > head.lo and head.opener in ("", ","))
        # ", first held in 2009, brings ...": a participle before another verb is an insertion
        inserted = vg.past_reading and _needs_subject(segs, i)
        if headless and head.kind != "nominal" and (vg.finite or vg.past_reading) and vg.lo == seg.lo \
                and not inserted:
            if vg.past_reading:
                vg.finite, vg.tense, vg.voice, vg.strength = True, "past", "active", 2
                vg.lemma = _lemma_for(toks[vg.head], "past")
                vg.vclass = lexicon().verb_class.get(vg.lemma, "")
            head.vg = None
            if _is_name_apposition(toks, segs, k):
                # "Another Canadian, Robert Schellenberg, was ...": the name is the subject
                seg.subj = (segs[k + 1].lo, segs[k + 1].hi)
                segs[k + 1].kind, head.kind, seg.parent = "subject", "apposition", segs[k + 1]
                continue
            else:
                lo = head.lo
                if toks[lo].kind == "w" and toks[lo].has("prep") and not toks[lo].cap:
                    lo = _np_start(toks, head.lo, head.hi)
                # a photo credit or a dateline before the name ("(By Tony Dejak) National City",
                # "LOS ANGELES | About 30 Marines"): the subject starts after it
                lo = max([lo] + [j + 1 for j in range(lo, head.hi - 1) if toks[j].kind == "p"
                                 and toks[j].low in _CREDIT_ENDS and toks[j + 1].kind == "w" and toks[j + 1].cap])
                seg.subj = (lo, head.hi)
            head.kind = "subject"
            seg.parent = head
        elif (k < i - 1 and head.vg is not None and head.vg.vclass == "report" and head.vg.hi < head.hi
              and vg.lo == seg.lo and (vg.finite or vg.tense == "future") and _nominal_word(toks[head.hi - 1])
              and toks[head.vg.hi].kind == "w" and not toks[head.vg.hi].cls & _S_CONJ_SUB_REL):
            # "Police said the man, aged 45, was arrested": the reported clause's subject is the
            # noun phrase after the report verb, before the aside
            seg.subj = (head.vg.hi, head.hi)
            seg.parent = head
        elif not vg.finite and vg.voice == "passive":
            seg.subj = _antecedent(toks, segs, i, complements=True)   # "..., announced in August 2024"
            seg.parent = segs[i - 1]


def _antecedent(toks: list[_Tok], segs: list[_Seg], i: int, complements: bool) -> tuple[int, int] | None:
    """The noun phrase a relative or participle segment refers to: the end of the segment before
    it (appositions skipped), with its complements ("surtax on Chinese electric vehicles")."""
    k = i - 1
    while k > 0 and segs[k].kind == "apposition":
        k -= 1
    prev = segs[k]
    end = prev.hi
    while end > prev.lo and toks[end - 1].kind == "d":
        end -= 1
    start = _np_start(toks, prev.lo, end)
    if complements:
        while start > prev.lo + 1 and toks[start - 1].kind == "w" and toks[start - 1].low in _NOUN_COMPLEMENT_PREPS:
            before = _np_start(toks, prev.lo, start - 1)
            if before >= start - 1:
                break
            start = before
    return (start, end) if start < end else None


def _is_name_apposition(toks: list[_Tok], segs: list[_Seg], k: int) -> bool:
    """True when segment ``k`` is a common noun phrase renamed by a proper name after it."""
    if k + 1 >= len(segs) or segs[k + 1].kind != "apposition":
        return False
    head, app = segs[k], segs[k + 1]
    first = toks[head.lo]
    if not (first.kind == "w" and first.cls & _S_DET and not first.cap):
        return False
    words = [toks[j] for j in range(app.lo, app.hi) if toks[j].kind == "w"]
    return bool(words) and words[-1].cap and not any(w.has("role") and w.cls & _S_DET for w in words)


# ---------------------------------------------------------------------------------------------
# Dates in titles

def _removable_date(toks: list[_Tok], k: int) -> tuple[int, int]:
    """Token range to drop with the date at ``k``: its preposition, qualifying adverbs, and a
    possessive date's noun phrase inside a prepositional phrase ("in Monday's federal election")."""
    lo, hi = k, k + 1
    t = toks[k]
    if lo > 0 and toks[lo - 1].kind == "w" and toks[lo - 1].low in _DATE_LEADS and not toks[lo - 1].cap:
        lo -= 1
        if t.poss:
            hi = _np_end(toks, hi, len(toks))
    elif lo > 1 and toks[lo - 1].kind == "w" and toks[lo - 1].low in ("and", "or") and toks[lo - 2].kind == "d":
        lo -= 1   # "on Friday and Saturday"
    qualified = lo
    while lo > 0 and toks[lo - 1].kind == "w" and toks[lo - 1].low in _DATE_ADVERBS:
        lo -= 1
    if lo > 2 and toks[lo - 1].low in ("least", "most") and toks[lo - 2].low == "at":
        lo -= 2
    # a qualified date has one more preposition: "until late on Friday", "until at least 2027"
    if lo < qualified and lo > 0 and toks[lo - 1].kind == "w" and toks[lo - 1].low in _DATE_LEADS \
            and not toks[lo - 1].cap:
        lo -= 1
    return lo, hi


def _keep_date(toks: list[_Tok], k: int) -> bool:
    """A date that modifies a noun with another date ("the 2019 and 2021 federal elections") stays."""
    prev = toks[k - 1] if k > 0 else None
    if prev is not None and prev.kind == "w" and prev.low in _DATE_LEADS:
        return False
    if toks[k].poss:
        return False
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    if nxt is not None and nxt.low == "and" and k + 2 < len(toks) and toks[k + 2].kind == "d":
        return True
    return prev is not None and prev.low == "and" and k >= 2 and toks[k - 2].kind == "d" and _keep_date(toks, k - 2)


def _drop_set(toks: list[_Tok], segs: list[_Seg]) -> frozenset[int]:
    """Token indices a title leaves out: dates with their prepositions, and appositions."""
    drop: set[int] = set()
    for k, t in enumerate(toks):
        if t.kind == "d" and not _keep_date(toks, k):
            drop.update(range(*_removable_date(toks, k)))
        elif t.kind == "p" and t.low in ".!?":
            drop.add(k)
    for seg in segs:
        if seg.kind == "apposition":
            drop.update(range(seg.lo, seg.hi))
    return frozenset(drop)


def _text(toks: list[_Tok], idx: list[int], text: str) -> str:
    """The sentence text of token indices, contiguous runs joined by one space."""
    parts: list[str] = []
    run_lo = prev = -2
    for k in idx:
        if k != prev + 1:
            if run_lo >= 0:
                parts.append(text[toks[run_lo].start:toks[prev].end])
            run_lo = k
        prev = k
    if run_lo >= 0:
        parts.append(text[toks[run_lo].start:toks[prev].end])
    return " ".join(parts)


def _chunks(toks: list[_Tok], idx: list[int]) -> list[list[int]]:
    """Cut token indices into phrases before each preposition (not "of"), "to", subordinator or
    comma, so a short title can drop the last phrases whole."""
    out: list[list[int]] = []
    cur: list[int] = []
    for k in idx:
        t = toks[k]
        cut = cur and t.kind == "w" and not t.cap and (
            (t.cls & _S_PREP_TO_SUB and t.low != "of") or t.low in ("who", "which", "where"))
        if cur and t.kind == "p" and t.low == ",":
            cut = True
        if cut:
            out.append(cur)
            cur = []
        cur.append(k)
    if cur:
        out.append(cur)
    return out


def _pieces(parse: Parse, role: str, idx: list[int]) -> list[tuple[str, str]]:
    """Title pieces of one part of a clause: its first phrase under ``role``, the rest optional."""
    toks, text = parse.toks, parse.text
    chunks = _chunks(toks, idx)
    out = []
    for n, chunk in enumerate(chunks):
        if n == 0:
            r = role
            if role == "obj" and toks[chunk[0]].kind == "w" and toks[chunk[0]].has("prep") and \
                    not toks[chunk[0]].has("to") and toks[chunk[0]].low not in ("up", "off", "out", "down", "back"):
                r = "arg"   # "are being investigated | on suspicion of ...": a phrase a title may drop
        else:
            r = "subj_pp" if role == "subj" else "arg"
        piece = _text(toks, chunk, text)
        if piece and piece != ",":
            out.append((r, piece))
    return out


# ---------------------------------------------------------------------------------------------
# The clause of a date

def _segment_of(segs: list[_Seg], k: int) -> int:
    for i, seg in enumerate(segs):
        if seg.lo <= k < seg.hi:
            return i
    for i, seg in enumerate(segs):   # a date just after a mark that opened nothing: the next segment
        if seg.lo > k:
            return i
    return len(segs) - 1


def _host(segs: list[_Seg], i: int) -> int:
    """The clause a verbless (or adverbial participle) segment belongs to; -1 when there is none."""
    if all(s.vg is None or s.kind != "clause" for s in segs[:i]):
        # a fronted adverbial ("Six years ago, in March 2019, China blocked ..."): the main clause
        for j in range(i + 1, len(segs)):
            s = segs[j]
            if s.kind == "clause" and s.opener in ("", ",") and s.vg.finite:
                return j
        for j in range(i + 1, len(segs)):
            if segs[j].kind == "clause":
                return j
        return -1
    for j in range(i - 1, -1, -1):
        if segs[j].kind == "clause" and segs[j].opener not in ("who", "which", "that") or \
                segs[j].kind == "clause" and j == 0:
            return j
    return -1


def _words(text: str) -> int:
    return len(text.split())


def clause_at(parse: Parse, date: tuple[int, int] | None) -> Clause:
    """The clause that carries the date at sentence offsets ``date`` (the main clause for None)."""
    toks, segs = parse.toks, parse.segs
    if not segs:
        return NO_CLAUSE
    if date is None:
        i = next((j for j, s in enumerate(segs) if s.kind == "clause" and s.vg.finite), -1)
        if i < 0:
            i = next((j for j, s in enumerate(segs) if s.kind == "clause"), -1)
        return _clause_of(parse, i, None) if i >= 0 else _nominal(parse, 0, None)
    k = next((j for j, t in enumerate(toks) if t.kind == "d" and t.start <= date[0] < t.end), -1)
    if k < 0:
        k = next((j for j, t in enumerate(toks) if t.start >= date[0]), len(toks) - 1)
    i = _segment_of(segs, k)
    seg = segs[i]
    if seg.kind == "clause" and not seg.vg.finite and seg.vg.lo > k and _until_before(toks, k):
        # "has delayed the trial of Jackson's doctor, Conrad Murray, until May to allow ...": the
        # infinitive after the date is a purpose; the date belongs to the finite clause before
        host = next((j for j in range(i - 1, -1, -1) if segs[j].kind == "clause" and segs[j].vg.finite), -1)
        if host >= 0:
            clause = _clause_of(parse, host, None)
            state = not clause.negated and clause.lemma in lexicon().until_state
            return replace(clause, period_end=True) if state else clause
    if seg.kind == "nominal":
        return _nominal(parse, i, k)
    if seg.kind == "clause" and not (
            not seg.vg.finite and seg.opener in _SIMULTANEOUS and seg.vg.lo == seg.lo and seg.subj is None
            and _host(segs, i) >= 0):
        # a date that ends a clause with no action of its own and is told by a "when" clause
        # ("have been difficult since December 2018, when Canada arrested Meng")
        if seg.vg.vclass == "copula" and i + 1 < len(segs) and segs[i + 1].opener == "when" and \
                segs[i + 1].kind == "clause" and all(toks[j].kind != "w" for j in range(k + 1, seg.hi)):
            return _clause_of(parse, i + 1, None)
        return _clause_of(parse, i, k)
    nominal = _fragment_nominal(parse, i, k)
    if nominal is not None:
        return nominal
    host = _host(segs, i)
    if host < 0:
        nominal = _nominal(parse, i, k)
        if nominal.title and nominal.title.lower() != toks[k].low:
            return nominal
        return Clause(kind="none", date_only=True, text=parse.text.lower())
    hs = segs[host]
    if hs.vg.vclass == "light" and i > host:
        # "The visit built on the meeting between Carney and Xi ..., on Oct. 31": the meeting
        at = _event_noun_near(toks, hs.vg.hi, hs.hi, None)
        if at >= 0:
            nominal = _nominal_clause(parse, hs.vg.hi, hs.hi, None, at)
            if nominal is not None:
                return nominal
    clause = _clause_of(parse, host, k, widen=False)
    if i > host and seg.kind in ("fragment", "clause"):
        # the rest of the date's own segment ("in Beijing on Thursday", "while changing planes")
        lo = seg.lo - 1 if seg.opener in _PARTICIPLE_OPENERS else seg.lo
        extra = [j for j in range(lo, seg.hi) if j not in parse.drop]
        if extra and _text(toks, extra, parse.text) not in clause.title:
            pieces = clause.pieces + tuple(_pieces(parse, "arg", extra))
            clause = replace(clause, pieces=pieces, args=f"{clause.args} {_text(toks, extra, parse.text).lower()}")
    if _thin(clause):
        clause = _widen(parse, host, None, clause)
    return clause


def _thin(clause: Clause) -> bool:
    """A title that says too little: three words or fewer, or a light verb with three or fewer
    words after its subject ("The meeting in Gyeongju | came a day")."""
    if _words(clause.title) <= 3:
        return True
    if clause.verb_class not in ("light", "copula"):
        return False
    rest = " ".join(t for r, t in clause.pieces if r not in ("subj", "subj_pp"))
    return _words(rest) <= 3


def _event_noun_near(toks: list[_Tok], lo: int, hi: int, k: int | None) -> int:
    """Index of the event noun in lo..hi nearest the date (a following noun preferred), -1 when none."""
    best, best_d = -1, 10**9
    for j in range(lo, hi):
        t = toks[j]
        if t.kind == "w" and t.noun and not t.cap:
            if k is None:
                return j
            d = (k - j) + 3 if j < k else j - k
            if d < best_d:
                best, best_d = j, d
    return best


def _strip_leading(toks: list[_Tok], idx: list[int]) -> list[int]:
    """Drop leading prepositions, articles and marks from a noun-phrase title."""
    while idx and (toks[idx[0]].kind == "p" or (toks[idx[0]].kind == "w" and not toks[idx[0]].cap and (
            toks[idx[0]].cls & _S_PREP_CONJ_SUB or toks[idx[0]].low in ("a", "an", "the")))):
        idx = idx[1:]
    return idx


def _nominal_clause(parse: Parse, lo: int, hi: int, k: int | None, at: int) -> Clause | None:
    """A noun phrase naming a happening as the clause; its date words kept when it is short."""
    toks, text = parse.toks, parse.text
    idx = _strip_leading(toks, [j for j in range(lo, hi) if j not in parse.drop])
    if _words(_text(toks, idx, text)) < 4:
        idx = _strip_leading(toks, [j for j in range(lo, hi) if j not in parse.drop or toks[j].kind == "d"
                                    or (k is not None and lo <= j < k)])
    if not idx or _words(_text(toks, idx, text)) < 4:
        return None
    return Clause(kind="nominal", noun=toks[at].noun, args=_text(toks, idx, text).lower(),
                  text=text[toks[lo].start:toks[hi - 1].end].lower(),
                  pieces=tuple(_pieces(parse, "subj", idx)))


def _np_around(parse: Parse, k: int, lo: int, hi: int) -> tuple[int, int, int]:
    """The noun phrase a date at ``k`` belongs to, with its complements, and its event noun.

    "Carney's meeting with Xi on Oct. 31 at the APEC leaders' meeting", "the December 2018 arrest
    in Vancouver of Meng", "Ottawa's decision last week to impose surtaxes". Returns (start, end,
    event noun index) or (-1, -1, -1).
    """
    toks = parse.toks
    j = k
    if j > lo and toks[j - 1].kind == "w" and (toks[j - 1].has("prep") or toks[j - 1].low in _DATE_LEADS) \
            and toks[j - 1].low != "of":
        j -= 1
    if j > lo + 1 and toks[j - 1].kind == "w" and "pp" in toks[j - 1].forms and not toks[j - 1].noun \
            and _nominal_word(toks[j - 2]) and not toks[j - 2].forms & _S_PAST_PP:
        j -= 1   # "the exploratory discussions launched in 2016"
    start = _np_start(toks, lo, j)
    # complements before: "Carney's meeting | with Xi", "the seizure of a tanker | in the Gulf"
    while start > lo + 1 and toks[start - 1].kind == "w" and (
            toks[start - 1].low in _NOUN_COMPLEMENT_PREPS or toks[start - 1].low in ("in", "at")):
        before = _np_start(toks, lo, start - 1)
        if before >= start - 1:
            break
        start = before
    end = k + 1
    if end < hi and toks[end].kind == "w" and not toks[end].cls & _CLOSED:
        end = _np_end(toks, end, hi)   # "the December 2018 arrest"
    while end < hi:
        t = toks[end]
        if t.kind == "w" and t.has("to") and end + 1 < hi and "base" in toks[end + 1].forms:
            end = hi   # "decision to impose steep surtaxes ...": the rest of the segment
            break
        if t.kind == "w" and t.has("prep") and t.low not in ("by", "amid", "despite", "after", "before", "since", "as"):
            nxt = _np_end(toks, end + 1, hi)
            if nxt <= end + 1:
                break
            end = nxt
            continue
        break
    at = _event_noun_near(toks, start, end, k)
    if at < 0 or start >= k and at < k:
        return -1, -1, -1
    return start, end, at


def _fragment_nominal(parse: Parse, i: int, k: int) -> Clause | None:
    """A date inside a verbless segment, right after a noun naming a happening ("the first visit
    since Justin Trudeau's trip in December 2017"): that noun phrase is the clause."""
    toks, seg = parse.toks, parse.segs[i]
    if i == 0 or k <= seg.lo or not all(toks[j].kind == "w" for j in range(seg.lo, k)):
        return None
    start, end, at = _np_around(parse, k, seg.lo, seg.hi)
    if at < 0 or start == k or (at > k and any(toks[j].kind != "w" or toks[j].cls & _CLOSED for j in range(k + 1, at))):
        return None
    return _nominal_clause(parse, start, end, k, at)


def _nominal(parse: Parse, i: int, k: int | None) -> Clause:
    """A clause made of a noun phrase ("followed by a one-on-one meeting with Xi on Friday")."""
    toks, seg = parse.toks, parse.segs[i]
    idx = _strip_leading(toks, [j for j in range(seg.lo, seg.hi) if j not in parse.drop])
    at = _event_noun_near(toks, seg.lo, seg.hi, k)
    return Clause(kind="nominal" if at >= 0 else "none", noun=toks[at].noun if at >= 0 else "",
                  args=_text(toks, idx, parse.text).lower(),
                  text=parse.text[toks[seg.lo].start:toks[seg.hi - 1].end].lower(),
                  pieces=tuple(_pieces(parse, "subj", idx)))


def _clause_of(parse: Parse, i: int, k: int | None, widen: bool = True) -> Clause:
    """Build the Clause of segment ``i`` (which has a verb group), for a date at token ``k``."""
    toks, segs, text, drop = parse.toks, parse.segs, parse.text, parse.drop
    seg = segs[i]
    vg = seg.vg
    inside = k is not None and seg.lo <= k < seg.hi
    # A date inside a noun phrase naming another happening: that noun phrase.
    inner = _inner_clause(parse, i, k) if inside else None
    if inner is not None:
        return inner
    if inside and (vg.vclass in ("light", "copula") or (seg.subj is not None and seg.subj[0] <= k < vg.lo)
                   or _after_participle(toks, vg, k) or _premodifies(toks, k)
                   or _closes_event_phrase(toks, vg, k)):
        lo = seg.subj[0] if seg.subj is not None and seg.subj[0] <= k else seg.lo
        start, end, at = _np_around(parse, k, lo, seg.hi)
        if at >= 0 and not (vg.finite and start <= vg.head < end):
            nominal = _nominal_clause(parse, start, end, k, at)
            if nominal is not None:
                return nominal
    subj_idx = [j for j in range(*seg.subj) if j not in drop] if seg.subj is not None else []
    verb_idx = [j for j in range(vg.lo, vg.hi) if j not in drop and toks[j].kind == "w"]
    negated = vg.negated
    until = k is not None and seg.lo <= k < seg.hi and _until_before(toks, k)
    if negated and until:
        # "were not released until September 2021": the release is what happened then
        verb_idx = [j for j in verb_idx if not toks[j].has("neg")]
        negated = False
    gap_idx = [j for j in range(*seg.gap) if j not in drop] if seg.gap is not None else []
    rest_idx = [j for j in range(vg.hi, seg.hi) if j not in drop]
    if len(rest_idx) >= 3 and i + 1 < len(segs) and segs[i + 1].opener == "when" and \
            toks[rest_idx[-1]].low in ("time", "moment", "day", "point") and toks[rest_idx[-3]].low == "at":
        rest_idx = rest_idx[:-3]   # "at a time | when ...": a lead into the next clause
    rest_idx += _list_items(parse, i)
    if not subj_idx and vg.lo > seg.lo and all(toks[j].kind == "d" for j in range(seg.lo, vg.lo)):
        if vg.voice == "active" and vg.lemma in _TIME_SUBJECT_VERBS and len(rest_idx) >= 2:
            # "Tuesday saw the largest protests yet", "Sunday is expected to see a sixth day of
            # protests": the day is only the stage; what it saw is the happening
            verb_idx, subj_idx, rest_idx = [], rest_idx, []
        else:
            # "Saturday was the worst day of violence": the time is the subject, and stays
            subj_idx = list(range(seg.lo, vg.lo))
    pieces = _pieces(parse, "subj", subj_idx) + _pieces(parse, "verb", verb_idx)
    if gap_idx:
        if len(rest_idx) >= 2 and toks[rest_idx[0]].low == "to" and "base" in toks[rest_idx[1]].forms:
            pieces += _pieces(parse, "obj", rest_idx[:2])   # "agreed to hold" + what was held
            rest_idx = rest_idx[2:]
        pieces += [("obj", _text(toks, gap_idx, text))]
    pieces += _pieces(parse, "obj", rest_idx)
    tense = vg.tense
    if inside and k > vg.head and vg.vclass == "intent" and tense in ("past", "present") and any(
            toks[j].low == "to" and j + 1 < k and "base" in toks[j + 1].forms for j in range(vg.hi, k)):
        tense = "future"   # "agreed to drop the charges in December 2022": not yet done
    noun = ""
    if vg.vclass in ("copula", "light") or vg.lemma in ("have", "do"):
        at = _event_noun_near(toks, seg.subj[0] if seg.subj else seg.lo, seg.hi, None)
        noun = toks[at].noun if at >= 0 else ""
    clause_lo = min(seg.lo, seg.subj[0] if seg.subj else seg.lo)
    after_verb = [t for r, t in pieces if r not in ("subj", "subj_pp", "verb")]
    clause = Clause(
        kind="finite" if vg.finite else "participle", lemma=vg.lemma, verb_class=vg.vclass,
        voice=vg.voice, tense=tense, negated=negated, noun=noun,
        subject=_text(toks, subj_idx, text), verb=_text(toks, verb_idx, text),
        args=" ".join(after_verb).lower(),
        text=text[toks[clause_lo].start:toks[seg.hi - 1].end].lower(), pieces=tuple(pieces),
    )
    if vg.vclass == "report" and vg.voice == "active" and not (k is not None and _in_report_content(parse, i, k)):
        content = _reported(parse, i)
        if content is not None:
            head = [p for p in clause.pieces if p[0] in ("subj", "subj_pp", "verb", "obj")]
            body = [("obj" if r == "subj" else r, t) for r, t in content.pieces]
            if body and body[0][1][:1].isupper() and not _proper_start(toks, body[0][1]):
                body[0] = (body[0][0], body[0][1][0].lower() + body[0][1][1:])
            clause = replace(clause, content=content, pieces=tuple(head + body))
    if widen and _thin(clause):
        clause = _widen(parse, i, k, clause)
    if until and not vg.negated and vg.lemma in lexicon().until_state:
        clause = replace(clause, period_end=True)
    return clause


def _until_before(toks: list[_Tok], k: int) -> bool:
    """True when the date at ``k`` follows "until" or "till" ("until late March", "until at least 2025")."""
    j = k - 2 if k >= 3 and toks[k - 1].low == "least" and toks[k - 2].low == "at" else k
    return j > 0 and toks[j - 1].low in ("until", "till")


def _premodifies(toks: list[_Tok], k: int) -> bool:
    """True when the date at ``k`` modifies the noun of a happening after it ("the 2018 arrest")."""
    prev = toks[k - 1] if k > 0 else None
    if prev is None or prev.kind != "w" or not (prev.cls & _S_DET_POSS or prev.poss):
        return False
    j = k + 1
    while j < len(toks) and toks[j].kind == "w" and not toks[j].cls & _CLOSED and not toks[j].noun and j < k + 3:
        j += 1
    return j < len(toks) and toks[j].kind == "w" and bool(toks[j].noun)


def _after_participle(toks: list[_Tok], vg: _VG, k: int) -> bool:
    """True when the date follows a participle of a noun after the verb ("a final report released in January")."""
    if k <= vg.hi:
        return False
    j = k - 1
    if toks[j].kind == "w" and toks[j].cls & _S_PREP:
        j -= 1
    t = toks[j]
    return j >= vg.hi and t.kind == "w" and "pp" in t.forms and not t.noun and j - 1 >= vg.hi and \
        toks[j - 1].kind == "w" and not toks[j - 1].cls & _CLOSED and _nominal_word(toks[j - 1])


# Nouns that end a date which a "that" or "when" clause can place ("the same day that ...").
_TIME_NOUNS = frozenset({"day", "week", "month", "year", "night", "morning", "afternoon", "evening",
                         "weekend", "time", "moment", "hour", "date"})
# Connectives that open a phrase naming an earlier or later happening ("after the explosion of
# the rig April 20", "since the arrest of Meng on Dec. 1, 2018").
_TIME_CONNECTIVES = frozenset({"after", "before", "since", "following"})
# Subordinators of a time clause ("After the rebels seized the town on Friday, ...").
_TIME_CLAUSE_OPENERS = frozenset({"after", "before", "since", "when", "once", "until", "as", "while"})
_NP_INNER = frozenset({"det", "poss"})


def _closes_event_phrase(toks: list[_Tok], vg: _VG, k: int) -> bool:
    """True when the date at ``k`` closes a phrase on a happening that a time connective opens
    after the verb: "cleanup efforts continue after the explosion of the rig April 20" dates the
    explosion, not the cleanup (a writer who dates the main verb puts the date before the
    connective: "markets fell on Friday after the vote")."""
    if k <= vg.hi + 2:
        return False
    j = k - 1
    if toks[j].kind == "w" and toks[j].low in ("on", "in", "at"):
        j -= 1
    noun = False
    while j >= vg.hi and j >= k - 10:
        t = toks[j]
        if t.kind != "w":
            return False   # a comma or a mark: the date is not inside the phrase
        if t.low in _TIME_CONNECTIVES:
            return noun and j + 1 < k
        if t.cls & _CLOSED and not (t.cls <= _S_DET_POSS or t.low in _NOUN_COMPLEMENT_PREPS):
            return False
        if t.noun and not t.cap:
            noun = True
        j -= 1
    return False


def _inner_clause(parse: Parse, i: int, k: int) -> Clause | None:
    """A zero relative clause inside the segment that holds the date ("the tariffs it placed on
    Canadian canola last year", "a consultation the federal government launched in early July"):
    the date belongs to it."""
    toks, seg = parse.toks, parse.segs[i]
    vg = seg.vg
    for j in range(vg.hi + 1, k):
        t = toks[j]
        if t.kind != "w" or "past" not in t.forms or t.cap or t.nounish:
            continue
        gap, subj = _gap_object(toks, (vg.hi, j))
        if gap is None or subj[1] != j:
            continue
        sub = _Seg(subj[0], "", False, False)
        sub.hi = seg.hi
        inner = _VG(j)
        inner.hi, inner.head, inner.tense = j + 1, j, "past"
        inner.lemma = _lemma_for(t, "past")
        inner.vclass = lexicon().verb_class.get(inner.lemma, "")
        sub.vg, sub.subj, sub.gap, sub.kind = inner, subj, gap, "clause"
        fake = Parse.__new__(Parse)
        fake.text, fake.toks, fake.drop = parse.text, toks, parse.drop
        fake.segs = parse.segs[:i] + [sub] + parse.segs[i + 1:]
        return _clause_of(fake, i, None)
    return None


def _list_items(parse: Parse, i: int) -> list[int]:
    """Comma-separated list items after a clause ("canola oil, canola meal and peas")."""
    toks, segs = parse.toks, parse.segs
    out: list[int] = []
    j = i + 1
    while j < len(segs):
        s = segs[j]
        if s.vg is not None or s.kind != "fragment" or s.opener != "," or s.strong:
            break
        first = toks[s.lo]
        if first.kind != "w" or first.cap or first.cls & _S_PREP_SUB_ADV_DET_POSS or \
                (first.forms & _S_PAST_S and not first.nounish) or \
                any(toks[x].kind == "w" and toks[x].has("sub") for x in range(s.lo, s.hi)):
            break
        if j + 1 < len(segs) and segs[j + 1].opener in _PREP_LIKE:
            break
        out += [s.lo - 1] + [x for x in range(s.lo, s.hi) if x not in parse.drop]
        j += 1
    return out


def _proper_start(toks: list[_Tok], piece: str) -> bool:
    """True when ``piece`` starts with a word written with a capital inside the sentence."""
    first = piece.split(" ", 1)[0]
    return any(t.kind == "w" and t.cap and t.low == first.lower() for t in toks)


def _in_report_content(parse: Parse, i: int, k: int) -> bool:
    """True when the date lies in the clause reported by segment ``i`` rather than in the report."""
    for seg in parse.segs[i + 1:]:
        if seg.lo <= k < seg.hi:
            return seg.opener == "that" or (seg.parent is not None and seg.parent.opener == "that")
    return False


def _reported(parse: Parse, i: int) -> Clause | None:
    """The clause a reporting verb reports: its "that" clause, or the main clause it follows."""
    segs, toks = parse.segs, parse.toks
    seg = segs[i]
    nothing_after = not any(toks[j].kind == "w" and j not in parse.drop for j in range(seg.vg.hi, seg.hi))
    if nothing_after and i + 1 < len(segs) and segs[i + 1].opener in ("who", "whether", "if") and \
            segs[i + 1].kind == "clause" and not segs[i + 1].comma:
        # "will announce on Sunday who will replace Trudeau": the question is what is reported
        q = segs[i + 1]
        inner = _clause_of(parse, i + 1, None, widen=False)
        body = [("obj", toks[q.lo - 1].low)] + [p for p in inner.pieces if p[0] not in ("subj", "subj_pp")]
        return replace(inner, pieces=tuple(body), subject=toks[q.lo - 1].low)
    if i + 1 < len(segs) and segs[i + 1].opener == "that":
        if segs[i + 1].kind == "clause":
            return _clause_of(parse, i + 1, None)
        for j in range(i + 2, len(segs)):
            if segs[j].kind == "clause" and segs[j].parent is segs[i + 1]:
                return _clause_of(parse, j, None)   # "that two Canadians, ..., are being investigated"
    if nothing_after and i > 0 and seg.opener in (",", ""):
        first = next((j for j, s in enumerate(segs[:i]) if s.kind == "clause" and s.vg.finite), -1)
        if first >= 0:
            return _clause_of(parse, first, None)
    return None


def _widen(parse: Parse, i: int, k: int | None, clause: Clause) -> Clause:
    """A title of three words or fewer: add the dependent clause after it, else its date words."""
    toks, segs, drop = parse.toks, parse.segs, parse.drop
    seg = segs[i]
    if i + 1 < len(segs) and (segs[i + 1].opener in _PREP_LIKE | {"where"}) and segs[i + 1].kind == "clause":
        nxt = segs[i + 1]
        inner = _clause_of(parse, i + 1, None, widen=False)
        if inner.pieces and inner.title not in clause.title:
            # the clause after it, opener first: a short title drops it whole, or its subject's
            # phrases, or its last arguments, never its verb alone
            ext = [(r if r in ("subj_pp", "arg") else "ext", t) for r, t in inner.pieces]
            ext[0] = ("arg", f"{toks[nxt.lo - 1].low} {ext[0][1]}")
            return replace(clause, pieces=clause.pieces + tuple(ext))
    # put the date back where it stood: "Relations broke down a year later"
    if k is None or not seg.lo <= k < seg.hi or _words(clause.title) > 3:
        return clause
    back = range(*_removable_date(toks, k))   # the date with its preposition and qualifiers
    # (a time standing as the subject goes back too: "Tuesday saw the largest protests")
    start = seg.lo if seg.subj is None and all(toks[j].kind == "d" for j in range(seg.lo, seg.vg.lo)) else seg.vg.lo
    keep = [j for j in range(start, seg.hi) if j not in drop or toks[j].kind == "d" or j in back]
    subj = [j for j in range(*seg.subj) if j not in drop] if seg.subj else []
    pieces = _pieces(parse, "subj", subj) + _pieces(parse, "verb", keep)
    widened = replace(clause, pieces=tuple(pieces))
    return widened if _words(widened.title) > _words(clause.title) else clause


def analyse_clause(sentence: str, date: tuple[int, int] | None = None,
                   dates: tuple[tuple[int, int], ...] = ()) -> Clause:
    """The clause of ``sentence`` that carries the date at offsets ``date`` (the main clause for None).

    ``dates`` are the offsets of every date expression of the sentence (``date`` included): they
    stay out of titles. ``parse_sentence`` and ``clause_at`` answer for several dates of one
    sentence without parsing it again.
    """
    spans = tuple(dates) if dates else ((date,) if date is not None else ())
    if date is not None and date not in spans:
        spans = spans + (date,)
    return clause_at(parse_sentence(sentence, spans), date)


# A detached phrase that places a date by another happening and its parties: ", three days after
# Spavor", ", nine days after Meng's arrest", ", two weeks before the summit". A fronted date
# (``_FRONT`` before it) is placed by the clause that follows it instead.
_FRONT = re.compile(r"\s*(?:in|on|at|by|during|since|until|from|early|late|later|earlier)?\s*", re.IGNORECASE)
_PLACED_BY = re.compile(r",\s+(?:[\w-]+\s+)?(?:hours?|days?|weeks?|months?|years?)\s+(?:after|before)\s",
                        re.IGNORECASE)


def scope_end(parse: Parse, date: tuple[int, int]) -> int | None:
    """Where the happening dated at sentence offsets ``date`` ends in its sentence: the start of
    the first later clause joined by "and" or "but" that has a subject and a finite verb of its
    own ("Canadian police arrested Meng in December 2018, and China detained Kovrig and Spavor":
    the detention is another happening the date does not date), of a second event noun joined by
    "and", or of the main predicate after a dated relative clause. None when nothing follows.
    """
    toks, segs = parse.toks, parse.segs
    k = next((j for j, t in enumerate(toks) if t.end > date[0]), -1)
    if k < 0:
        return None
    # ", nine days after Meng's arrest": a detached phrase placing the date by another happening
    # (not after a fronted date: "In March 2019, three months after ..., China blocked ...")
    placed = None if _FRONT.fullmatch(parse.text[:date[0]]) else _PLACED_BY.search(parse.text, date[1])
    end = _scope_end(toks, segs, k)
    return placed.start() if placed and (end is None or placed.start() < end) else end


def _scope_end(toks: list[_Tok], segs: list[_Seg], k: int) -> int | None:
    """``scope_end`` from the clause structure: the sentence offset where the next happening
    after the date at token ``k`` starts, or None."""
    i = _segment_of(segs, k)
    for j in range(k + 1, segs[i].hi):
        if toks[j].low == "and" and _names_happening(toks, j + 1, segs[i].hi):
            # "the arrest of Meng in December 2018 and China's detention of Kovrig": another noun
            return toks[j].start
    relative = segs[i].opener in ("who", "which")
    # "since the rig exploded April 20, Obama sought ...": a fronted time clause with its own
    # subject; the main clause after it is another happening with its own parties
    fronted = segs[i].opener in _TIME_CLAUSE_OPENERS and segs[i].subj is not None and segs[i].vg is not None \
        and segs[i].vg.finite
    for n, seg in enumerate(segs[i + 1:]):
        vg, subj = seg.vg, seg.subj
        if seg.kind != "clause" or vg is None or not vg.finite:
            continue
        if n == 0 and seg.opener in ("that", "when") and seg.lo == k + 2 and _placed_date(toks[k].low) \
                and subj is not None and seg.lo <= subj[0] < vg.lo \
                and not (segs[i].vg is not None and segs[i].vg.vclass == "report"):
            # "on the same day that Trump and Xi met over dinner": the clause after the date
            # names what the date is placed by, another happening with its own parties ("said
            # this week that ..." is what was said)
            return toks[seg.lo - 1].start
        if seg.opener in ("and", "but") and subj is not None and seg.lo <= subj[0] < vg.lo:
            return toks[seg.lo - 1].start   # the conjunction opens the next happening
        if fronted and n == 0 and seg.opener == "," and subj is not None and seg.lo <= subj[0] < vg.lo:
            return toks[seg.lo - 1].start
        if relative and seg.opener == "," and vg.lo == seg.lo:
            # "Trudeau, who visited Beijing in December 2017, has since faced pressure ...":
            # the sentence's own predicate is another happening than its relative clause's
            return toks[seg.lo - 1].start
    return None


def _placed_date(text: str) -> bool:
    """True for a date a relative clause can place: "the same day", "the week" (not "this week")."""
    words = text.split()
    return len(words) >= 2 and words[0] == "the" and words[-1] in _TIME_NOUNS


def _names_happening(toks: list[_Tok], j: int, hi: int) -> bool:
    """True when the tokens from ``j`` open a noun phrase headed by an event noun ("China's
    detention", "the release"), with at most a name and a determiner before it."""
    for t in toks[j:min(hi, j + 4)]:
        if t.kind == "w" and t.noun and not t.cap:
            return True
        if not (t.cap or t.poss or t.low in ("the", "a", "an", "its", "their", "his", "her", "'s", "’s")):
            return False
    return False


__all__ = ["Clause", "NO_CLAUSE", "Parse", "analyse_clause", "clause_at", "lexicon", "parse_sentence",
           "scope_end", "tokenize"]
