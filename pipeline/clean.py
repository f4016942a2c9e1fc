"""Cleaning of scraped article text: junk lines, headline, dateline, bylines and repeats.

``clean_text`` turns raw text (a plain-text file, or the text extracted from an HTML page) into
a headline and a body of paragraphs separated by blank lines. It runs before every other stage,
so it accepts any string and never raises. The junk rules are data: ``data/clean/junk.yaml``
(navigation and widget lines, byline leads, teaser labels, date labels) and
``data/clean/months.yaml``.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import yaml

from pipeline.paths import data_dir
from pipeline.sentences import split_sentences

DATA_DIR = data_dir() / "clean"

MAX_JUNK_LINE_CHARS = 120     # inclusive: longer lines are content, never pattern-matched junk
MAX_TITLE_CHARS = 200         # inclusive: a longer first line is a paragraph, not a headline
MAX_TITLE_WORDS = 30          # inclusive
MAX_QUESTION_TITLE_WORDS = 15 # inclusive: longer lines ending in "?" or "!" are sentences
MAX_TRAILERS = 3              # inclusive: short unpunctuated paragraphs dropped after the body
MAX_NAME_LINE_CHARS = 60      # inclusive: a lone byline name is short
MAX_TRAILER_WORDS = 8         # inclusive: unpunctuated short paragraphs after the body are junk
MIN_WRAPPED_LINE_CHARS = 30   # inclusive: shorter lines in a block are separate lines, not a wrap
MIN_DUPLICATE_CHARS = 20      # inclusive: shorter paragraphs/sentences may repeat legitimately
DATE_LINE_WINDOW = 8          # how many content lines at the top may hold a date line
MAX_CAPTIONS = 6              # paragraphs looked past for a wire story's stamped dateline
MIN_DATELINE_YEAR = 1900      # inclusive bounds on a dateline's year
MAX_DATELINE_YEAR = 2100

# Characters that are invisible or spacing in scraped pages.
# Invisible characters, bidirectional controls among them: an embedded right-to-left override
# would make a title or a label read backwards ("\u202eseifirat" shows as "tariffes").
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u061c"
                                    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000\t\v\f"), " ")
_BREAKS = {ord("\u2028"): "\n", ord("\u2029"): "\n\n", ord("\r"): "\n", ord("\x85"): "\n"}
# Control characters, and lone surrogates (from lenient decoders) that cannot be encoded.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_MULTISPACE = re.compile(r" {2,}")
_TERMINAL = ".!?:;\"'\u201d\u2019)\u00bb\u2026]"
_KEY_JUNK = re.compile(r"\W+")
_THREE_ALNUM = re.compile(r"[^\W_](?:[\W_]*[^\W_]){2}")   # three letters or digits, anything between
_BULLETS = "-*\u2022\u00b7\u25aa\u2013\u2014>"


@dataclass(frozen=True, slots=True)
class CleanedText:
    """Cleaned article: headline, body paragraphs ("\\n\\n"-separated) and what was lifted out."""

    title: str
    body: str
    dateline: date | None = None   # date found in a dateline or a "Published:" line, if any
    byline: str = ""               # author line removed from the text ("Jane Doe"), if any
    place: str = ""                # dateline place ("OTTAWA"), if any


@dataclass(frozen=True, slots=True)
class _Rules:
    exact: frozenset
    patterns: re.Pattern
    byline: re.Pattern
    credit: re.Pattern
    label: re.Pattern
    particles: frozenset
    date_line: re.Pattern
    bare_date: re.Pattern
    dateline_lead: re.Pattern
    date: re.Pattern
    months: dict
    stamps: tuple[tuple[tuple[str, ...], re.Pattern], ...]   # (cues, pattern): searched only in text holding a cue
    comments: re.Pattern
    comment_cues: tuple
    photo_credit: re.Pattern
    caption: re.Pattern
    caption_words: tuple
    inline_bylines: tuple[re.Pattern, ...]


def _load(name: str) -> dict:
    """Read one YAML file of ``data/clean``."""
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    """Compile the junk, byline and dateline rules from the data files, once."""
    junk = _load("junk.yaml")
    months_by_num = _load("months.yaml")
    months: dict[str, int] = {}
    for num, names in months_by_num.items():
        for n in names:
            months[n] = int(num)
    month_alt = "|".join(sorted((re.escape(m) + (r"\.?" if len(m) <= 4 and m != "may" else "")
                                 for m in months), key=len, reverse=True))
    wd = r"(?:(?i:(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?)\.?,?\s+)?"
    mon = rf"(?i:{month_alt})"
    day = r"\d{1,2}(?:st|nd|rd|th)?"
    time_ = (r"(?:(?:,|\s+at|\s+-|\s+\|)?\s+\d{1,2}(?:[:.]\d{2})?\s*(?i:[ap]\.?m\.?)?"
             r"(?:\s*\(?(?:[A-Z]{2,5}|UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?\)?)?)?")
    # Named groups for reading a date; the same shape without groups for embedding.
    date_re = (rf"{wd}(?:(?P<m1>{mon})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
               rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{mon}),?\s+(?P<y2>\d{{4}})"
               rf"|(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})){time_}")
    date_nc = rf"{wd}(?:{mon}\s+{day},?\s+\d{{4}}|{day}\s+{mon},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}){time_}"
    labels = "|".join(sorted(map(re.escape, junk["date_labels"]), key=len, reverse=True))
    # A dateline place in capitals ("OTTAWA", "NEW YORK", "ST. JOHN'S"), maybe with a region
    # (", Ont.") and an agency in brackets ("BEIJING (Reuters)"); Reuters puts a year-less date
    # after the place ("OTTAWA, Jan 13 (Reuters) -").
    up = "A-Z\u00c0-\u00d6\u00d8-\u00de"   # capitals, accented ones too ("MONTRÉAL")
    place = (rf"(?P<place>[{up}][{up}.'\u2019/-]+(?: [{up}][{up}.'\u2019/-]+){{0,3}}"
             r"(?:,\s*[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*){0,2}(?=\s*[,(\u2014\u2013-]))?)")
    agency = r"(?:\s*\([^()\n]{1,40}\))?"
    dash = r"\s*(?:\u2014|\u2013|--?|_)\s*"      # old AP wires use "_" for the dash
    # A place in title case ("Ottawa, Jan. 13, 2026 —") only counts with a full date after it.
    tplace = r"(?P<tplace>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})"
    # Wire pages stamp the story before its dateline: "LONDON | Tue Apr 27, 2010 4:08am EDT
    # LONDON (Reuters) - ..." (the stamp is the publication time, not a happening of the story).
    place_nc = place.replace("(?P<place>", "(?:")
    stamp = rf"(?:[^|\n]{{2,160}}?\|\s*{date_nc}\s+(?={place_nc}{agency}(?:,?\s*{mon}\s+{day}{agency})?{dash}))?"
    # A page's own stamp before the text, its time after a semicolon: "Thursday, April 29, 2010; 4:49
    # PM A massive crude oil spill ...", "By Jane Doe | September 24, 2008; 5:15 PM ET ..."
    page_stamp = (rf"(?:By\s+[^|\n]{{2,60}}?\|\s*)?{wd}(?:{mon}\s+{day},?\s+\d{{4}}|{day}\s+{mon},?\s+\d{{4}})"
                  rf";\s*\d{{1,2}}[:.]\d{{2}}\s*(?i:[ap]\.?m\.?)(?:\s+(?:[ECMP][SD]?T|GMT|UTC))?\s+(?=\S)")
    lead = (rf"^(?:{page_stamp}|{stamp}(?:{place}{agency}(?:,\s*{date_nc}{agency}|,?\s*{mon}\s+{day}{agency})?{dash}"
            rf"(?:{date_nc}(?:{dash}|\s*$))?|{tplace},\s*{date_nc}{agency}{dash}"
            # a wire stamp with its agency or outlet: "Thu Apr 30, 2009 5:11 am EDT (Reuters) - ",
            # "Wed May 5, 2010 5:15 pm EDT POLITICO (Washington) - "
            rf"|{date_nc}(?:\s+[{up}]{{2,}})?{agency}{dash}))")
    particles = frozenset(junk["name_particles"])
    # Possessive quantifiers: a failed match must not retry every split of a long line.
    name_word = r"(?:[A-Z][\w'\u2019.-]*+|(?:" + "|".join(map(re.escape, particles)) + r")\b)"
    name = rf"[A-Z][\w'\u2019.-]*+(?:\s+{name_word}){{0,4}}+"
    leads = "|".join(sorted(map(re.escape, junk["byline_leads"]), key=len, reverse=True))
    # Joining words between names are lowercase; the names themselves must be capitalised.
    byline = (rf"^\(?(?i:{leads})\s+(?:the\s+)?(?P<name>{name}(?:\s*(?:,|(?i:and)|&|;)\s*{name})*)"
              rf"(?:\s*(?:[,|/;\u2014\u2013-]|\bin\b)\s*[^.!?]{{0,60}})?\)?$")
    credit = rf"\s*\((?:{leads})\s[^()]{{1,200}}\)\s*$"
    exact = frozenset(_line_key(x) for x in junk["exact"])
    pats = "|".join(f"(?:{p})" for p in junk["patterns"])
    label = "|".join(sorted(map(re.escape, junk["excerpt_labels"]), key=len, reverse=True))
    agencies = "|".join(sorted(map(re.escape, junk["photo_credit_agencies"]), key=len, reverse=True))
    return _Rules(
        exact=exact,
        patterns=re.compile(pats, re.IGNORECASE),
        byline=re.compile(byline),
        credit=re.compile(credit, re.IGNORECASE),
        label=re.compile(rf"^(?:{label})\s*:\s*", re.IGNORECASE),
        particles=particles,
        date_line=re.compile(rf"^(?P<label>(?i:{labels}))\s*:?\s*(?:{date_nc})\.?$"),
        bare_date=re.compile(rf"^(?:{date_nc})\.?$"),
        dateline_lead=re.compile(lead),
        date=re.compile(date_re),
        months=months,
        stamps=tuple((tuple(x["cues"]), re.compile(x["pattern"], re.IGNORECASE)) for x in junk["inline_stamps"]),
        comments=re.compile("|".join(f"(?:{x})" for x in junk["comment_section_starts"]), re.IGNORECASE),
        comment_cues=tuple(junk["comment_section_cues"]),
        caption=re.compile("|".join(f"(?:{x})" for x in junk["caption_cues"]), re.IGNORECASE),
        caption_words=tuple(junk["caption_cue_words"]),
        inline_bylines=_inline_byline_patterns(junk["byline_roles"], junk["byline_outlets"]),
        photo_credit=re.compile(
            rf"(?<![\w/])(?:(?:{agencies})[^\S\n]+Photos?/{_CREDIT_WORD}(?:[^\S\n]+{_CREDIT_WORD})?"
            rf"|(?:{_CREDIT_WORD}[^\S\n]+){{0,2}}{_CREDIT_WORD}(?:/(?:{agencies})(?![\w'\u2019-]))+)"),
    )


def _line_key(line: str) -> str:
    """Comparison key of a short line: lowercase, single spaces, no trailing widget marks."""
    return " ".join(line.casefold().split()).rstrip(" :\u00bb\u203a|>-").strip()


def _para_key(text: str) -> str:
    """Comparison key of a paragraph or sentence: casefolded words only."""
    return _KEY_JUNK.sub(" ", text.casefold()).strip()


def normalize_text(raw: str) -> str:
    """Unify line breaks and spaces, drop invisible and control characters, compose accents."""
    text = unicodedata.normalize("NFC", raw).translate(_BREAKS).translate(_INVISIBLE)
    text = _CONTROL.sub("", text.translate(_SPACES))
    return "\n".join(_MULTISPACE.sub(" ", ln).strip() for ln in text.split("\n"))


# Text tokenised the way news corpora ship it ("Obama said , on Sept. 11 , 2001 , that ...",
# `` quotes '', "do n't", Penn Treebank brackets "WASHINGTON -LRB- Reuters -RRB-"): marks detached
# from their words. Read as it is, "September 11 , 2001" loses its year and every clause break moves.
_TOKENISED_MARK = re.compile(r" [,.;:?!](?=\s|$)")
# The treebank's bracket tokens never occur in prose: they are read back wherever they appear,
# even in text too short or too full of "..." to show its other detached marks.
_BRACKET_TOKENS = (
    (re.compile(r"(?<!\S)-L([RSC])B-(?!\S)[ \t]*"), lambda m: "([{"["RSC".index(m.group(1))]),
    (re.compile(r"[ \t]*(?<!\S)-R([RSC])B-(?!\S)"), lambda m: ")]}"["RSC".index(m.group(1))]),
)
_DETACHED = (
    (re.compile(r" ([,.;:?!%])(?=\s|$)"), r"\1"),
    (re.compile(r" (n't|'s|'re|'ve|'ll|'d|'m)(?=\W|$)", re.IGNORECASE), r"\1"),
    (re.compile(r"\\([/*])"), r"\1"),          # escaped "\/" and "\*"
    (re.compile(r"``\s*"), '"'),
    (re.compile(r"\s*''"), '"'),
    (re.compile(r"([(\[$]) "), r"\1"),
    (re.compile(r" ([)\]])"), r"\1"),
)


def detokenize(text: str) -> str:
    """``text`` with its punctuation joined back to its words when it was shipped tokenised
    (most of its commas and full stops stand apart); other text is returned as it is."""
    if "B-" in text:
        for pattern, repl in _BRACKET_TOKENS:
            text = pattern.sub(repl, text)
    detached = len(_TOKENISED_MARK.findall(text))
    if detached < 3 or detached * 2 < text.count(",") + text.count(".") - 2 * text.count("..."):
        return text
    for pattern, repl in _DETACHED:
        text = pattern.sub(repl, text)
    return text


def is_junk_line(line: str) -> bool:
    """True for a navigation, widget, share, cookie or stray-letter line."""
    r = _rules()
    key = _line_key(line)
    if _THREE_ALNUM.search(key) is None and not any(ch in ".!?" for ch in key):
        return True    # stray letters and symbols: "d", "|", "»", "•", but not a quoted "No."
    if key in r.exact:
        return True
    return len(line) <= MAX_JUNK_LINE_CHARS and r.patterns.fullmatch(key) is not None


def _find_date(text: str) -> date | None:
    """The first calendar date written in ``text`` ("Dec. 10, 2018", "13 January 2026")."""
    m = _rules().date.search(text)
    if m is None:
        return None
    g = m.groupdict()
    try:
        if g.get("y3"):
            y, mo, d = int(g["y3"]), int(g["m3"]), int(g["d3"])
        else:
            mname = (g.get("m1") or g.get("m2") or "").lower().rstrip(".")
            y = int(g.get("y1") or g.get("y2"))
            mo = _rules().months[mname]
            d = int(g.get("d1") or g.get("d2"))
        if not MIN_DATELINE_YEAR <= y <= MAX_DATELINE_YEAR:
            return None
        return date(y, mo, d)
    except (KeyError, TypeError, ValueError):
        return None


def parse_date_line(line: str) -> date | None:
    """The date of a line that is only a date ("January 13, 2026") or "Published: <date>"."""
    r = _rules()
    m = r.date_line.match(line) or r.bare_date.match(line)
    return _find_date(m.group(0)) if m else None


_CREDIT_WORD = r"[A-Z][\w.'\u2019-]*"
# The clock time of a page's stamp after its date ("April 30, 2010; 2:30 PM").
_PAGE_CLOCK = re.compile(r"\d{4};\s*\d{1,2}[:.]\d{2}\s*[AaPp]\.?[Mm]\b")
# A name in a byline: a first name, an optional initial, a surname ("John D. Sutter", "Ed O'Keefe").
_BYLINE_NAME = r"[A-Z][\w'\u2019-]+\s+(?:[A-Z]\.\s+)?[A-Z][\w'\u2019-]+"


def _inline_byline_patterns(roles: list[str], outlets: list[str]) -> tuple[re.Pattern, ...]:
    """The forms of a byline run into the text, tried in turn: names (a role) and an outlet;
    names and a role; "the ... Staff". Bare names are not enough: the capital after them may be
    the lead's first word or a third name."""
    more = rf"(?:\s*(?:,|and|&)\s*{_BYLINE_NAME})"
    fewest = rf"(?P<name>{_BYLINE_NAME}{more}*?)"    # "Jane Doe, For CNN": "For CNN" is no name
    most = rf"(?P<name>{_BYLINE_NAME}{more}*)"
    role = rf",?\s+(?:[\w-]+\s+){{0,3}}(?i:{'|'.join(map(re.escape, roles))})\b"
    outlet = (rf",?\s+(?:(?:Special\s+to|[Ff]or)\s+)?"
              rf"(?:{'|'.join(sorted(map(re.escape, outlets), key=len, reverse=True))})(?![\w-])")
    return (re.compile(rf"By\s+{fewest}(?:{role})?{outlet}(?:{role})?"),
            re.compile(rf"By\s+{most}{role}"),
            re.compile(r"By\s+(?P<name>the\s+(?:[A-Z][\w.-]*\s+){1,3}(?:Wire\s+)?[Ss]taff)\b"),
            # bare names before a dateline in capitals ("By Jane Doe and John Roe TOLEDO, Ohio --")
            re.compile(rf"By\s+{most}(?=\s+[A-Z]{{3,}}[A-Z .'-]*(?:,|\s+--|\s+\())"))


def split_inline_byline(paragraph: str) -> tuple[str, str]:
    """(names, the rest) of a paragraph opening with a byline run into its text ("By Jane Doe
    Business reporter, BBC News, Washington Shares fell ..."); ("", paragraph) when it has none,
    or when what follows the byline does not start a sentence ("By Jane Doe, who worked there")."""
    if not paragraph.startswith("By "):
        return "", paragraph
    m = next((m for m in (p.match(paragraph) for p in _rules().inline_bylines) if m is not None), None)
    if m is None:
        return "", paragraph
    end = m.end()
    place = re.match(r",\s*", paragraph[end:])
    if place is not None:
        where = _known_place(paragraph, end + place.end())
        if where:
            end += place.end() + len(where)
    rest = paragraph[end:].lstrip(" ,;:-\u2013\u2014")
    if not rest or not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"'`\u201c\u2018"):
        return "", paragraph
    return m.group("name").strip(), rest


def _known_place(text: str, pos: int) -> str:
    """The longest country, capital, city or US state name the gazetteer knows at ``pos``, or ""."""
    from pipeline.geo_data import cities, gazetteer

    g = gazetteer()
    found = [m.group(0) for m in (g.pattern.match(text, pos), cities()[0].match(text, pos)) if m is not None]
    found += [s for s in g.context["us_states"] if text.startswith(s, pos)
              and (pos + len(s) == len(text) or not text[pos + len(s)].isalnum())]
    found = [f for f in found if f in g.context["us_states"] or f in cities()[1]
             or g.entries.get(f) is not None and g.entries[f].kind in ("name", "capital", "seat")]
    return max(found, key=len, default="")


def is_caption(sentence: str) -> bool:
    """True when ``sentence`` reads like a photo caption ("An oil slick is seen near the rig",
    "In this image made from video ..."): the cues of ``junk.yaml``'s ``caption_cues``."""
    r = _rules()
    low = sentence.lower()
    return any(w in low for w in r.caption_words) and r.caption.search(sentence) is not None


def split_photo_credits(paragraph: str) -> list[str]:
    """``paragraph`` cut where a photo credit ("Gerald Herbert/AP") runs a caption into the text,
    without the credits; ``[paragraph]`` when it holds none. A credit's name does not take the
    end of a name before it ("the Coast Guard Ted Jackson/AP": "Guard" stays)."""
    if "/" not in paragraph:
        return [paragraph]
    pieces, pos = [], 0
    for m in _rules().photo_credit.finditer(paragraph):
        start = m.start()
        before = paragraph[pos:start].rstrip()
        words = m.group(0).split("/", 1)[0].split()
        if (before and before[-1].isalnum() and before.split()[-1][:1].isupper() and len(words) > 1
                and not words[-1].startswith("Photo")):
            start = paragraph.index(words[1], start)
        pieces.append(paragraph[pos:start])
        pos = m.end()
    if not pos:
        return [paragraph]
    pieces.append(paragraph[pos:])
    # (a bracketed credit, "(AP Photo/Dan Roe)", leaves no bracket behind)
    pieces = [p.lstrip(" \t)]").rstrip(" \t([") for p in pieces]
    return [p for p in pieces if any(c.isalnum() for c in p)]


def split_dateline(paragraph: str) -> tuple[str, date | None, str]:
    """Split a leading dateline off a paragraph: (rest, date or None, place or "")."""
    m = _rules().dateline_lead.match(paragraph)
    if not m:
        return paragraph, None, ""
    place = (m.group("place") or m.group("tplace") or "").strip(" ,")
    when = _find_date(m.group(0))
    if len(place) < 2 and when is None:
        return paragraph, None, ""
    return paragraph[m.end():].lstrip(), when, place


def is_name_line(line: str) -> bool:
    """True for a line that is only a person's name ("Erizia Rubyjeana", "Ursula von der Leyen")."""
    if len(line) > MAX_NAME_LINE_CHARS or any(ch.isdigit() for ch in line):
        return False
    words = line.split()
    if not 2 <= len(words) <= 5:
        return False
    particles = _rules().particles
    caps = 0
    for w in words:
        if w.lower() in particles:
            continue
        core = w.strip("'\u2019.-")
        if not core or not core[0].isupper() or not all(c.isalpha() or c in "'\u2019.-" for c in w):
            return False
        caps += 1
    return caps >= 2 and words[0][0].isupper()


def parse_byline(line: str) -> str:
    """The names of a byline line ("By Jane Doe, Reuters" -> "Jane Doe"), or "" if it is not one."""
    if len(line) > MAX_JUNK_LINE_CHARS:
        return ""
    m = _rules().byline.match(line)
    if m:
        return m.group("name").strip()
    return ""


def _is_headline(line: str) -> bool:
    """True when a first line reads like a headline rather than a paragraph."""
    if not line or len(line) > MAX_TITLE_CHARS or len(line.split()) > MAX_TITLE_WORDS:
        return False
    bare = line.rstrip("\"'\u201d\u2019)]\u00bb`")     # 'said ``traitor.\'\'' still ends a sentence
    if bare.endswith(".") and not bare.endswith("..."):
        return False
    if bare.endswith((":", ";", ",")):
        return False     # a lead-in ("The Times said in an editorial on Monday:")
    if bare.endswith(("?", "!")) and len(line.split()) > MAX_QUESTION_TITLE_WORDS:
        return False     # a long question is the first sentence, not a headline
    if not (line[0].isupper() or line[0].isdigit() or line[0] in "\"'\u201c\u2018"):
        return False
    rest, when, place = split_dateline(line)
    return when is None and not (place and not rest)    # a dateline on its own is not a headline


def _blocks(lines: list[str]) -> list[list[str]]:
    """Group lines into blocks separated by blank lines (junk lines already blanked)."""
    blocks: list[list[str]] = [[]]
    for ln in lines:
        if ln:
            blocks[-1].append(ln)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _continues(prev: str, line: str) -> bool:
    """True when a sentence runs on from ``prev`` into ``line`` ("... Mr." + "Smith said")."""
    tail = prev[-60:]
    return all(sent.end != len(tail) for sent in split_sentences(f"{tail} {line[:60]}"))


def _join_wrapped(block: list[str], wrapped: bool) -> list[str]:
    """Turn a block's lines into paragraphs, re-joining lines a hard wrap cut.

    A line continues the previous one when the previous line stops mid-sentence; in hard-wrapped
    text (``wrapped``: blank lines separate paragraphs and the block's lines are long) also when
    the sentence runs on past a period ("Mr." / "Smith said"). A wrap at a sentence end starts a
    new paragraph, which costs nothing: a sentence ends there anyway.
    """
    wrapped = wrapped and len(block) > 1 and all(
        len(ln) >= MIN_WRAPPED_LINE_CHARS for ln in block[:-1])
    paras: list[list[str]] = []
    for ln in block:
        # Bullets and labelled teasers ("EXCERPT: ...") always start a paragraph.
        if paras and ln[0] not in _BULLETS and not _rules().label.match(ln):
            prev = paras[-1][-1]
            open_end = prev[-1] not in _TERMINAL
            if (wrapped and (open_end or _continues(prev, ln))) or (
                    open_end and (ln[0].islower() or ln[0].isdigit() or len(prev) >= 50)):
                paras[-1].append(ln)
                continue
        paras.append([ln])
    return [" ".join(parts) for parts in paras]


def _sentence_keys(text: str) -> list[tuple[str, str]]:
    """(sentence text, key) pairs of a paragraph."""
    return [(s.text, _para_key(s.text)) for s in split_sentences(text)]


def _has_prefix_in(key: str, sorted_keys: list[str]) -> bool:
    """True when ``key`` is a proper prefix of some key in the sorted list."""
    i = bisect.bisect_right(sorted_keys, key)
    while i < len(sorted_keys) and sorted_keys[i] == key:
        i += 1
    return i < len(sorted_keys) and sorted_keys[i].startswith(key)


def _dedupe(paras: list[tuple[str, bool]]) -> list[str]:
    """Drop repeated paragraphs, prefixes of other paragraphs and teasers the body repeats."""
    memo: dict[str, list[tuple[str, str]]] = {}

    def sentence_keys(text: str) -> list[tuple[str, str]]:
        # Body paragraphs are split again at the end: split each text once.
        if text not in memo:
            memo[text] = _sentence_keys(text)
        return memo[text]

    body = [p for p, excerpt in paras if not excerpt]
    body_keys = sorted({_para_key(p) for p in body})
    body_sents = {k for p in body for _, k in sentence_keys(p)}
    sorted_sents = sorted(body_sents)
    kept: list[str] = []
    seen_sent: set[str] = set()
    for text, excerpt in paras:
        if not excerpt:
            kept.append(text)
            continue
        # A teaser keeps only the sentences the body does not already carry, once; a teaser cut
        # mid-sentence ("... on a high-stakes") is a prefix of a body sentence or paragraph.
        parts = []
        for sent, key in sentence_keys(text):
            if (not key or key in body_sents or key in seen_sent
                    or _has_prefix_in(key, sorted_sents) or _has_prefix_in(key, body_keys)):
                continue
            seen_sent.add(key)
            parts.append(sent)
        if parts:
            kept.append(" ".join(parts))
    # Plain repeats: the same paragraph twice, or a paragraph that is the start of another.
    keys = [_para_key(p) for p in kept]
    all_keys = sorted(set(keys))
    out: list[str] = []
    seen: set[str] = set()
    for p, k in zip(kept, keys):
        if k in seen:
            continue
        if len(k) >= MIN_DUPLICATE_CHARS and _has_prefix_in(k, all_keys):
            continue
        seen.add(k)
        out.append(p)
    # A paragraph whose every sentence appears in another paragraph (a pull quote, a teaser
    # without a label) is a repeat too.
    counts: dict[str, int] = {}
    per_para = [sentence_keys(p) for p in out]
    for sents in per_para:
        for k in {k for _, k in sents}:
            counts[k] = counts.get(k, 0) + 1
    final: list[str] = []
    for p, sents in zip(out, per_para):
        ks = {k for _, k in sents}
        if ks and all(len(k) >= MIN_DUPLICATE_CHARS and counts[k] > 1 for k in ks):
            for k in ks:
                counts[k] -= 1
            continue
        final.append(p)
    return final


def _is_trailer(p: str) -> bool:
    """True for a short unpunctuated paragraph after the body (a name, a widget label)."""
    # Digits mean data ("Total dead: 192"), which a table at the end of a story is made of.
    return (len(p) <= MAX_JUNK_LINE_CHARS and len(p.split()) <= MAX_TRAILER_WORDS
            and p[-1] not in _TERMINAL.replace(":", "") and not any(c.isdigit() for c in p))


def clean_text(raw: str, title: str = "") -> CleanedText:
    """Clean raw article text into a headline and a body of paragraphs; never raises.

    Args:
        raw: the article as text (any string; non-strings are treated as empty).
        title: a headline already known (e.g. from HTML metadata); a first line equal to it is
            dropped from the body, and no other line is taken as the headline.
    Returns:
        CleanedText with ``title`` (the headline, "" if none), ``body`` (paragraphs separated by
        one blank line, without junk, title, dateline prefix, bylines or repeats), and the
        ``dateline`` date, ``byline`` and ``place`` lifted out of the text.
    """
    if not isinstance(raw, str):
        return CleanedText("", "")
    return _clean(raw, title if isinstance(title, str) else "")


def _clean(raw: str, known_title: str) -> CleanedText:
    """The body of ``clean_text``."""
    r = _rules()
    text = detokenize(normalize_text(raw))
    low = text.lower()     # (the patterns are searched only in text holding one of their cue words)
    comments = r.comments.search(text) if any(c in low for c in r.comment_cues) else None
    if comments is not None:
        text = text[:comments.start()].rstrip()      # the readers' comments are not the article
    cued = [stamp for cues, stamp in r.stamps if any(c in low for c in cues)]
    for stamp in cued:
        text = stamp.sub("", text)
    if cued:
        text = "\n".join(ln.strip() for ln in text.split("\n"))
    lines = text.split("\n")
    lines = ["" if (ln and is_junk_line(ln)) else ln for ln in lines]
    # Date lines and bylines near the top ("Published: 13 January 2026", "By Jane Doe").
    when: date | None = None
    updated: date | None = None
    byline = ""
    seen = 0      # content lines passed: the window counts neither teasers nor lifted lines
    for i, ln in enumerate(lines):
        if not ln or r.label.match(ln):
            continue
        if seen >= DATE_LINE_WINDOW:
            # Past the top only bylines and date lines are lifted: "By Jane Doe" or
            # "Published: 13 January 2026" is never body text (its date is too far down to trust).
            name = parse_byline(ln)
            if name:
                byline = byline or name
                lines[i] = ""
            elif parse_date_line(ln) is not None:
                lines[i] = ""
            continue
        d = parse_date_line(ln)
        if d is not None:
            lab = r.date_line.match(ln)
            if lab and lab.group("label").lower().startswith(("updat", "last", "modif")):
                updated = updated or d
            else:
                when = when or d
            lines[i] = ""
            continue
        name = parse_byline(ln)
        if name:
            byline = byline or name
            lines[i] = ""
            continue
        seen += 1
    blocks = _blocks(lines)
    # The headline: a "Title:" line, or the first line when it reads like one.
    head = known_title.strip()
    if blocks:
        first = blocks[0][0]
        m = re.match(r"^(?:title|headline)\s*:\s*(.+)$", first, re.IGNORECASE)
        if m:
            head = head or m.group(1).strip()
            blocks[0] = blocks[0][1:]
        elif known_title and _para_key(first) == _para_key(known_title):
            blocks[0] = blocks[0][1:]
        elif not known_title and _is_headline(first):
            head = first
            blocks[0] = blocks[0][1:]
            # A one- or two-word kicker ("Analysis", "World News") sits above the real headline.
            nxt = blocks[0][0] if blocks[0] else (blocks[1][0] if len(blocks) > 1 else "")
            if len(head.split()) <= 2 and len(nxt.split()) >= 3 and _is_headline(nxt):
                head = nxt
                if blocks[0]:
                    blocks[0] = blocks[0][1:]
                else:
                    blocks[1] = blocks[1][1:]
    paras: list[tuple[str, bool]] = []
    # Blank lines between paragraphs make multi-line blocks hard wraps.
    blank_separated = len(blocks) >= 3
    for block in blocks:
        for p in _join_wrapped(block, blank_separated):
            if is_junk_line(p):
                continue    # a widget line split by a hard wrap ("Follow us on" / "Twitter")
            m = r.label.match(p)
            if m:
                p = p[m.end():].strip()
                if p:
                    paras.append((p, True))
            else:
                paras.append((p, False))
    paras = [(piece, excerpt) for p, excerpt in paras for piece in split_photo_credits(p)]
    first = next((i for i, (_, excerpt) in enumerate(paras) if not excerpt), None)
    if first is not None:
        name, rest = split_inline_byline(paras[first][0])
        if name:
            byline = byline or name
            paras[first] = (rest, False)
    # Lone author names right under the headline, before the text starts.
    # (A teaser may come first: look past it.)
    lead = next((i for i, (_, excerpt) in enumerate(paras) if not excerpt), len(paras))
    while lead < len(paras) and not paras[lead][1] and is_name_line(paras[lead][0]):
        byline = byline or paras[lead][0]
        paras.pop(lead)
    # The dateline opens the first real paragraph: "OTTAWA, Dec. 10, 2018 — ...". It is lifted
    # before repeats are dropped (a teaser repeats the text after the dateline), and looked for
    # again if dropping repeats uncovered a new first paragraph.
    first = next((i for i, (_, excerpt) in enumerate(paras) if not excerpt), None)
    when_d, place = None, ""
    if first is not None:
        rest, when_d, place = split_dateline(paras[first][0])
        paras[first] = (rest, False)
    text_paras = [p for p in _dedupe([(p, e) for p, e in paras if p])]
    while text_paras:
        if is_name_line(text_paras[0]):    # a byline uncovered by dropping a repeat above it
            name = text_paras.pop(0)
            byline = byline or name
            continue
        if when_d is None and not place:
            rest, when_d, place = split_dateline(text_paras[0])
            if not rest:
                text_paras.pop(0)
                continue
            text_paras[0] = rest
        break
    # A wire story opens at its stamped dateline ("LONDON | Tue Apr 27, 2010 4:08am EDT LONDON
    # (Reuters) - ...", "Friday, April 30, 2010; 2:30 PM A huge ..."): photo captions and page
    # furniture above it are not the story.
    if when_d is None and not place:
        for i, para in enumerate(text_paras[1:MAX_CAPTIONS + 1], start=1):
            rest, stamped, where = split_dateline(para)
            stamp = para[:len(para) - len(rest)]
            if stamped is not None and rest and ("|" in stamp or _PAGE_CLOCK.search(stamp)):
                text_paras[:i + 1] = [rest]
                when_d, place = stamped, where
                break
    when = when or when_d
    # After the body: bylines, lone names, credits and widget labels.
    trailers = 0
    while text_paras:
        last = text_paras[-1]
        name = parse_byline(last)
        if name or is_name_line(last):
            byline = byline or name or last
            text_paras.pop()
        elif trailers < MAX_TRAILERS and _is_trailer(last):
            trailers += 1
            text_paras.pop()
        else:
            break
    if text_paras:
        m = r.credit.search(text_paras[-1])
        if m and m.start() > 0:
            text_paras[-1] = text_paras[-1][:m.start()].rstrip()
    return CleanedText(head, "\n\n".join(text_paras), when or updated, byline, place)
