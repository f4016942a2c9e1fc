"""Lexicon and compiled patterns of the temporal tagger, built once from data/timex/lexicon.yaml."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from pipeline.paths import data_dir

LEXICON_PATH = data_dir() / "timex" / "lexicon.yaml"


@dataclass(frozen=True)
class Lexicon:
    """Word tables of the tagger (lower-cased keys) and the rule regexes compiled from them."""

    month_of: dict            # spelling -> month number
    ambiguous_months: frozenset
    weekday_of: dict          # spelling -> ISO weekday
    season_of: dict           # word -> SP/SU/FA/WI
    pod_of: dict              # part-of-day word -> MO/AF/EV/NI/MI
    number_of: dict           # number word -> value
    ordinal_of: dict          # ordinal word -> value
    vague: frozenset
    decade_word: dict
    holiday_fixed: dict
    holiday_movable: dict
    future_cues: frozenset
    past_cues: frozenset
    present_cues: frozenset
    not_past_ed: frozenset
    quantity_nouns: frozenset
    time_preps: frozenset     # words before a bare month/season/number that make it a time
    not_year_before: frozenset
    reporting_verbs: frozenset
    intent_verbs: frozenset   # past verbs whose infinitive looks ahead ("agreed to buy ... in May")
    deferral_verbs: frozenset  # past verbs that move something later ("postponed until Tuesday")
    rate_words: frozenset     # amounts before "a year" that make it a rate ("$5 million a year")
    period_nouns: frozenset   # nouns after "Q3"/"H1" that make it a reporting period
    cue_words: frozenset      # every word a tense cue can start from (besides "-ed" and "'ll" forms)
    rules: tuple              # (name, compiled regex), in priority order
    boundary: re.Pattern      # sentence boundaries, for clause tense
    year_after: re.Pattern    # the rest of a range that gives the year: " and June 1955", " - 4 August 1952"
    month_year_after: re.Pattern  # a month and year right after "the same day": " in September 2021"
    day_after: re.Pattern     # the day a clock time is on, written after it: " Baghdad time on March 20, 2003"
    triggers: dict            # lower-case token -> tuple of rule indices that it can start
    digit_rules: tuple        # rule indices triggered by any token starting with a digit
    gates: tuple              # per rule: None, or (regex, on_lower) that every match holds (see below)


# Characters that ``re.I`` matches to an ASCII letter although their lower case is not that letter
# ("ı" is an "i", "ſ" an "s" to the rules): a text holding one is scanned without the gates read on
# its lower-case copy (a test checks the list against every code point).
FOLD_ODD = "\u0131\u017f"

# Words ``timex_context._scan_tense`` reads as cues that no word list holds: modals, plans ("set
# to", "due to"), "is to", "since", and contracted presents.
CUE_FUNCTION_WORDS = frozenset({"will", "shall", "set", "due", "going", "planned", "is", "are", "since",
                                "it's", "he's", "she's", "that's", "there's"})


def _alt(words, cap=False, upper=True):
    """Regex alternation of ``words``, longest first; ``cap`` makes it case-sensitive Title/UPPER."""
    words = sorted(set(words), key=len, reverse=True)
    if not cap:
        return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + ")"
    forms = []
    for w in words:
        forms.append(re.escape(w[:1].upper() + w[1:]).replace(r"\ ", r"\s+"))
        if upper:
            forms.append(re.escape(w.upper()).replace(r"\ ", r"\s+"))
    return "(?-i:" + "|".join(forms) + ")"


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load the word lists and compile the rule patterns (cached: done once per process)."""
    raw = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    month_of = {s: num for num, spellings in raw["months"].values() for s in spellings}
    weekday_of = {s: num for num, spellings in raw["weekdays"].values() for s in spellings}
    number_of = {str(k): v for k, v in raw["number_words"].items()}
    ordinal_of = dict(raw["ordinal_words"])
    hol_fixed = {k: tuple(v) for k, v in raw["holidays_fixed"].items()}
    hol_mov = dict(raw["holidays_movable"])
    vague = frozenset(raw["vague_quantities"])

    # ---- building blocks -------------------------------------------------------------------
    month_full = [k for k in raw["months"]]
    month_abbr = [s for s in month_of if s not in month_full]
    # Full names; abbreviations need their dot or a following digit (checked by the lookahead).
    MONTH = ("(?P<month>" + _alt(month_full, cap=True, upper=True) + "(?!\\w)|"
             + _alt(month_abbr, cap=True, upper=True) + r"(?:\.|(?=\s+\d)))")
    WEEKDAY = "(?P<wd>" + _alt(list(raw["weekdays"]), cap=True) + ")"
    WEEKDAY2 = "(?:" + _alt(list(raw["weekdays"]), cap=True) + ")"
    SEASON = "(?P<season>" + _alt(raw["seasons"]) + ")"
    numw = [w for w in number_of if w not in ("a", "an", "half")] + ["thousand"]
    NUMW = _alt(numw)
    NUMBER = (r"(?:(?<![\d,])\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:\.\d+)?(?:\s+\d/\d)?(?!\d)|(?:(?:a|an)\s+)?" + NUMW
              + r"(?:(?:[\s-]+|\s+and\s+)" + NUMW + r"){0,4}(?:\s+and\s+a\s+half)?|a\s+half|a|an)")
    VAGUE = _alt(list(vague) + ["a few more", "a couple more", "several more", "the few"])
    UNIT = (r"(?P<unit>(?:(?:trading|business|working|calendar|school)\s+)?(?:second|minute|hour|day|"
            r"night|week|weekend|fortnight|month|quarter|year|decade|centur(?:y|ies))s?)")
    APPROX = (r"(?P<amod>(?:about|around|approximately|roughly|some|nearly|almost|(?:just\s+|well\s+)?"
              r"(?:more|less|fewer)\s+than|at\s+least|at\s+most|up\s+to|no\s+more\s+than|"
              r"not\s+more\s+than|no\s+less\s+than|over(?!\s+the)|under(?!\s+the)|just\s+over|just\s+under|barely|"
              r"only|close\s+to|upwards\s+of|the\s+better\s+part\s+of)\s+)?")
    PMOD = (r"(?:(?P<pmod>(?:the\s+)?(?:very\s+)?(?:early|late|earlier|later|mid|(?:end|beginning|"
            r"start|middle|turn|close|first\s+half|second\s+half|last\s+half|latter\s+half|"
            r"latter\s+part|early\s+part|dawn)\s+of)(?:\s+in)?)(?:\s+|-))?")
    YEAR4 = r"(?:1[0-9]|20|21)\d\d"
    teens = ("ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen")
    tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    ones = "one|two|three|four|five|six|seven|eight|nine"
    SPELLED_YEAR = (rf"(?:(?:nineteen|eighteen|twenty)[\s-]+(?:hundred|(?:{tens})(?:[\s-]+(?:{ones}))?|"
                    rf"{teens}|oh[\s-]+(?:{ones}))|two\s+thousand(?:\s+and)?(?:[\s-]+(?:{teens}|{ones}))?)")
    ordw = sorted(ordinal_of, key=len, reverse=True)
    ORDW = "(?:" + "|".join(ordw) + ")"
    DAYW = (r"(?:thirty[\s-]first|twenty[\s-](?:first|second|third|fourth|fifth|sixth|seventh|"
            r"eighth|ninth)|thirtieth|twentieth|" + ORDW + ")")
    DAY = r"(?P<day>(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d%]|:\d|\.\d|,\d\d\d)|" + DAYW + r"(?![\w-]))"
    THAT_YEAR = r"(?P<ny>that|the\s+same|the\s+following|the\s+next|the\s+previous|the\s+preceding)\s+year"
    YEAR_AFTER = (r"(?:,?\s+(?:of\s+)?(?P<year>" + YEAR4 + r")(?![\d%]|[.,]\d)|\s+of\s+" + THAT_YEAR
                  + r"(?![\w-]))?")
    HOL = "(?P<hol>" + _alt(list(hol_fixed) + list(hol_mov)) + r")(?![\w-])"
    REL = (r"(?P<rel>this\s+past|this\s+coming|the\s+past|the\s+last|the\s+next|the\s+coming|"
           r"the\s+current|the\s+previous|the\s+following|the\s+same|the\s+prior|the\s+latest|"
           r"the\s+preceding|the\s+present|this|last|next|past|coming|current|previous|following|"
           r"that|latest)")
    TOD = (r"(?:(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?\s*(?P<ampm>[ap]\.m\.?|[ap]m\b|[AP]\.M\.?|[AP]M\b)"
           r"|(?P<h2>\d{1,2}):(?P<mi2>\d{2})(?!\d|:\d)|(?P<noon>noon|midnight|midday))")
    TZ = r"(?:\s+(?P<tz>(?-i:[ECMP][SD]?T|GMT|UTC|BST|CES?T|EES?T|IST|JST|AEST|AEDT|HKT|SGT|MSK)|local\s+time)\b)?"
    DAYREF = (r"(?:(?:,\s*|\s+)(?:on\s+)?(?P<dayref>" + WEEKDAY2 + r"|today|yesterday|tomorrow|"
              r"(?:" + _alt(month_full + month_abbr, cap=True) + r")\.?\s+\d{1,2}(?!\d)))?")

    ERA = r"\s*(?P<era>(?-i:B\.\s?C\.(?:\s?E\.)?|BCE|BC))(?![\w])"
    BC_YEAR = r"(?P<bcy>[1-9]\d{0,3})" + ERA
    POD_OF = (r"(?:(?P<early>early|late)\s+(?:in\s+)?)?the\s+(?:(?P<early2>early|late)\s+)?"
              r"(?P<pod>morning|afternoon|evening|night)(?:\s+hours)?\s+of\s+")
    # Repetitions are bounded ({0,4}): an unbounded one backtracks quadratically on long runs
    # of numbers or number words.
    pats = [
        # Explicit numeric dates: ISO, then slashed/dotted day-month-year (resolved with dateparser).
        ("iso", r"\b(?P<y>" + YEAR4 + r")(?P<sep>[-/])(?P<m>0[1-9]|1[0-2])(?:(?P=sep)(?P<d>[0-3]\d))?(?:T(?P<th>[0-2]\d):(?P<tm>[0-5]\d))?(?![\d-])"),
        ("numeric", r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{4}|\d{2})(?![\d/.]\d|\d)"),
        ("isoweek", r"\b(?P<y>" + YEAR4 + r")-?W(?P<w>[0-5]\d)\b"),
        # Month-day(-year), day-month(-year), with an optional leading weekday.
        ("mdy", r"(?:" + WEEKDAY + r",?\s+)?(?:the\s+)?(?:(?P<rel>last|this\s+past|this\s+coming|next)\s+)?" + PMOD + MONTH + r"\s*" + DAY + YEAR_AFTER),
        ("dmy", r"(?:" + WEEKDAY + r",?\s+)?(?:the\s+)?" + DAY + r"\s+(?:of\s+)?" + MONTH + YEAR_AFTER),
        ("my", PMOD + MONTH + r",?\s+(?:of\s+)?(?:(?P<year>" + YEAR4 + r")(?![\d%]|[.,]\d)|(?P<sy>" + SPELLED_YEAR + r")|(?P<ry>this|last|next)\s+year|" + THAT_YEAR + r"(?![\w-])|" + BC_YEAR + r")"),
        ("month", PMOD + r"(?:(?P<rel>this\s+past|this\s+coming|this|last|next|the\s+coming|the\s+past|the\s+previous|the\s+following|every|each)\s+)?" + MONTH),
        ("quarter", r"(?:(?P<det>the|this\s+year's|last\s+year's|next\s+year's)\s+)?(?P<adj>(?:(?:fiscal|calendar|current|latest|last|previous|prior|next|same|comparable|corresponding|year-earlier|year-ago|year\s+earlier|year\s+ago|first|second|third|fourth|final|latter|" + YEAR4 + r")(?:\s+|-)){0,4})(?P<q>quarter|half)(?![\w-])(?:\s+(?:of\s+)?(?:(?:fiscal|calendar)\s+)?(?:(?P<year>" + YEAR4 + r")\b|(?P<ry>this|last|next)\s+year))?(?P<tail>\s+a\s+year\s+(?:ago|earlier))?"),
        ("qcode", r"\b(?-i:(?P<qn>Q[1-4]|H[12]))(?:\s+(?:FY\s*)?(?P<year>" + YEAR4 + r"))?\b"),
        ("yearearlier", r"(?:the\s+)?(?:comparable\s+|same\s+)?(?-i:[Yy]ear-earlier|[Yy]ear-ago)(?:\s+(?P<what>period|quarter))?"),
        ("yearend", r"(?:the\s+)?(?:year[\s-]end|year's\s+end|end\s+of\s+the\s+year)(?![\w-])"),
        # Years of an era: "490 BC", "ca. 466 BC", "Early 480 BC", "AD 79" ("499" in "499-493 BC"
        # is added by the tagger as the first year of the range)
        ("bcyear", PMOD + r"(?:(?P<ca>ca?\.|circa)\s*)?(?:(?P<y>[1-9]\d{0,3})" + ERA + r"|(?-i:A\.?D\.?)\s*(?P<ad>[1-9]\d{0,3})(?!\d)|(?P<ad2>[1-9]\d{0,3})\s*(?-i:A\.?D\.?|CE)(?!\w))"),
        ("year", PMOD + r"(?:(?P<fy>fiscal|calendar|the\s+year|FY)\s*|(?<![\w$€£#.,/]))(?<!\d-)(?P<year>" + YEAR4 + r")(?![\d%]|[.,/]\d|\s*[-\u2013]\s*(?!\d\d(?!\d)|\d{4}(?!\d))\d)(?P<suf>\s+or\s+later|\s+and\s+beyond|\s+or\s+earlier)?"),
        ("spelledyear", r"(?:(?P<pre>the\s+year)\s+)?(?P<sy>" + SPELLED_YEAR + r")(?![\w-])"),
        ("decade", PMOD + r"(?:(?P<the>the)\s+)?(?:(?P<d4>(?:1[0-9]|20)\d)0'?s|(?P<bcd>[1-9]\d{0,2})0'?s" + ERA + r"|'(?P<d2>\d)0'?s|(?P<d3>\d)0s|(?P<dw>" + _alt(raw["decade_words"]) + r"))\b"),
        ("century", PMOD + r"(?:the\s+)?(?P<ord>\d{1,2}(?:st|nd|rd|th)|" + DAYW + r")[\s-]+century(?:" + ERA + r")?"),
        ("season", PMOD + r"(?:(?P<rel>this\s+past|this\s+coming|this|last|next|the\s+past|the\s+coming|that\s+same|the\s+same|the|that|every|each)\s+)?" + SEASON + r"(?:\s+(?:of\s+)?(?:(?P<year>" + YEAR4 + r")\b|(?P<sy>" + SPELLED_YEAR + r")|(?P<ry>this|last|next)\s+year|" + BC_YEAR + r"))?"),
        ("relunit", PMOD + REL + r"\s+(?:(?:fiscal|calendar|full)\s+)?(?P<unit>week|weekend|month|year|decade|century|quarter|half)(?![\w-])"),
        ("theunit", PMOD + r"(?P<det>the)\s+(?:(?:fiscal|calendar|full)\s+)?(?P<unit>week|weekend|month|year|decade|century)(?![\w-])"),
        ("relday", PMOD + r"(?:(?P<day>today|yesterday|tomorrow|tonight)(?:\s+(?P<pod>morning|afternoon|evening|night))?|(?P<this>this|last|tomorrow)\s+(?P<pod2>morning|afternoon|evening|night)|the\s+day\s+(?P<ba>before\s+yesterday|after\s+tomorrow))\b"),
        ("weekday", PMOD + r"(?:(?P<rel>this\s+past|this\s+coming|this|last|next|the\s+previous|the\s+following|the\s+next|that|every|each)\s+)?" + WEEKDAY + r"(?P<pl>s)?(?:\s+(?P<pod>morning|afternoon|evening|night)(?P<pl2>s)?)?\b"),
        ("time", APPROX + PMOD + TOD + TZ + DAYREF),
        ("holiday", PMOD + r"(?:(?P<rel>this|last|next|this\s+past|this\s+coming)\s+)?" + HOL + r"(?:\s+(?P<year>" + YEAR4 + r")\b)?"),
        ("ago", APPROX + r"(?P<num>" + NUMBER + "|" + VAGUE + r")(?:[\s-]+(?:more|full|long))?[\s-]+" + UNIT + r"(?:\s+or\s+so)?\s+(?P<dir>ago|earlier|later|before|after|from\s+now|hence|back|since)\b"),
        ("duration", APPROX + r"(?P<det>(?:the|its|their|a|this|each\s+of\s+the)\s+(?:(?:past|last|next|first|previous|following|coming|final|latest|remaining|initial|ensuing|prior|entire|full|same|other|year-earlier|year-ago|comparable)\s+)?|(?:past|last|next|first|previous|coming|another)\s+)?(?P<num>" + NUMBER + "|" + VAGUE + r")(?P<upto>(?:\s+(?:to|or)\s+|\s*[-\u2013]\s*)(?:\d+|" + NUMW + r"))?(?:[\s-]+(?P<more>more|additional|other|straight|consecutive|full|long))?(?:\s+|-)" + UNIT + r"(?P<half>\s+and\s+a\s+half)?(?P<tail>-long|\s+or\s+so)?(?![\w-])"),
        ("pluralunit", r"(?P<det>(?:the\s+)?(?:recent|coming|past|last|next|ensuing|following|previous|early|later|subsequent)\s+)?(?P<unit>(?-i:seconds|minutes|hours|days|weeks|months|quarters|years|decades|centuries))(?P<tail>-long|\s+ahead|\s+to\s+come)?(?![\w-])"),
        ("set", r"(?:(?P<adv>daily|weekly|monthly|yearly|hourly|nightly|biweekly|fortnightly)(?![\w-])|(?P<freq>once|twice|thrice|(?:\d+|" + NUMW + r")\s+times)\s+(?:a|an|per|every|each)\s+" + UNIT + r"|(?P<q>every|each|per)\s+(?:other\s+)?(?:(?P<num>" + NUMBER + r")\s+)?(?:" + UNIT.replace("?P<unit>", "?P<unit2>") + "|" + WEEKDAY + "|" + MONTH + "|" + SEASON + r")(?![\w-]))"),
        # Only the reference words that TimeML annotators tag consistently ("soon", "previously"
        # and "recent" are left out: annotated corpora tag them less often than not).
        ("ref", r"(?P<ref>right\s+now|just\s+now|now|currently|current|recently|lately|nowadays|these\s+days|the\s+past|the\s+future|the\s+(?:near|distant|immediate)\s+future|the\s+(?:near|short)\s+term|formerly|a\s+later\s+date|the\s+present|at\s+present)(?![\w-])"),
        ("narr", PMOD + r"(?P<det>the\s+(?:following|next|previous|preceding|prior|same)|that\s+same|that|the\s+same|this\s+same)\s+(?P<unit>day|morning|afternoon|evening|night|week|weekend|month|year)(?![\w-])"),
        ("period", r"the\s+(?P<adj>latest|comparable|corresponding|same|" + YEAR4 + r")\s+(?:(?:fiscal|reporting)\s+)?period(?![\w-])(?P<tail>\s+(?:a\s+year\s+(?:ago|earlier)|last\s+year|of\s+last\s+year))?"),
        ("weekofmonth", r"(?:the\s+)?(?P<nth>first|second|third|fourth|last|final)\s+week\s+of\s+" + MONTH + r"(?:,?\s+(?:of\s+)?(?:(?P<year>" + YEAR4 + r")\b|(?P<sy>" + SPELLED_YEAR + r")|(?P<ry>this|last|next)\s+year))?"),
        ("weekof", r"the\s+week\s+of\s+" + MONTH + r"\s*" + DAY + YEAR_AFTER),
        # "the morning of 31 January 1965", "early in the morning of 29 April 1975", "the night
        # of May 13": a part of a given day
        ("podof_md", POD_OF + MONTH + r"\s*" + DAY + YEAR_AFTER),
        ("podof_dm", POD_OF + DAY + r"\s+(?:of\s+)?" + MONTH + YEAR_AFTER),
        # "at night", "night-time", "night raids": a part of some day
        ("night", r"(?:(?<=\bat\s)|(?<=\bby\s))night\b(?!-)|night[\s-]?time\b|night(?=[\s-](?:raids?|attacks?|assaults?|operations?|marches|march|crossings?)\b)"),
        ("daybefore", r"the\s+(?P<unit>day|night|week|month|year)\s+(?P<ba>before|after)(?=\s*[,.;:!?)]|\s*$)"),
    ]
    # No rule starts inside a word or a hyphenated compound ("one-on-one"), except that a day or a
    # month and year may follow the hyphen of a range ("6-7 February", "May-August 1950").
    rules = tuple((name, re.compile((r"(?<!\w)" if name in ("dmy", "bcyear", "my") else r"(?<![\w\-])") + p, re.I))
                  for name, p in pats)
    # A sentence ends at . ! ? before a capital, unless the dot closes a title ("Mr.", "Gen.").
    titles = ("Mr", "Mrs", "Ms", "Dr", "St", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Capt", "Sgt",
              "Prof", "Jr", "Sr", "No", "Vol", "vs", "Mt", "Ft", "Rev")
    not_title = "".join(r"(?<!\b%s\.)" % t for t in titles)
    boundary = re.compile(r"(?<=[.!?])" + not_title + r"[\"'\u201d)]*\s+(?=[\"'\u201c(]*[A-Z])|\n\s*")
    # Every rule match contains one of its trigger tokens: rules are only run near them.
    units = ["second", "minute", "hour", "day", "night", "week", "weekend", "fortnight", "month",
             "quarter", "year", "decade", "century", "centuries"]
    units += [u + "s" for u in units if u != "centuries"]
    months = list(month_of)
    trig = {
        "mdy": months, "dmy": months, "my": months, "month": months,
        "quarter": ["quarter", "quarters", "half"],
        "yearearlier": ["year"], "yearend": ["year"],
        "spelledyear": ["nineteen", "eighteen", "twenty", "thousand"],
        "decade": list(raw["decade_words"]), "century": ["century"],
        "season": list(raw["seasons"]) + [w + "s" for w in raw["seasons"]],
        "relunit": ["week", "weekend", "month", "year", "decade", "century", "quarter", "half"],
        "theunit": ["week", "weekend", "month", "year", "decade", "century"],
        "relday": ["today", "yesterday", "tomorrow", "tonight", "morning", "afternoon", "evening",
                   "night"],
        "weekday": list(weekday_of) + [w + "s" for w in weekday_of], "time": ["noon", "midnight", "midday"],
        "holiday": sorted({re.split(r"[\s']", h)[0] for h in list(hol_fixed) + list(hol_mov)}),
        "ago": units, "duration": units, "pluralunit": [u for u in units if u.endswith("s")],
        "set": ["daily", "weekly", "monthly", "yearly", "annually", "hourly", "nightly",
                "quarterly", "biweekly", "biannually", "semiannually", "fortnightly", "every",
                "each", "per", "once", "twice", "thrice", "times"],
        "ref": ["now", "current", "currently", "recently", "recent", "lately", "nowadays", "days",
                "past", "future", "term", "run", "soon", "previously", "formerly", "possible",
                "date", "present", "being"],
        "narr": ["day", "morning", "afternoon", "evening", "night", "week", "weekend", "month",
                 "year"],
        "podof_md": ["morning", "afternoon", "evening", "night"],
        "podof_dm": ["morning", "afternoon", "evening", "night"],
        "night": ["night", "nighttime"],
        # era words ("B.C." is the tokens "b" and "c", "A.D." the tokens "a" and "d")
        "bcyear": ["bc", "bce", "b", "ad", "d", "ce"],
        "daybefore": ["day", "night", "week", "month", "year"], "weekof": ["week"], "weekofmonth": ["week"], "period": ["period"],
    }
    # Rules that can match without any trigger word: a digit token is their trigger. (Dates
    # such as "March 3, 2021" always hold a month name and durations a unit word: triggering
    # them on every digit too scanned most of a date-dense text 14 times over.)
    digit_names = {"iso", "numeric", "isoweek", "year", "decade", "century", "time", "qcode"}
    index = {name: i for i, (name, _) in enumerate(pats)}
    triggers: dict = {}
    for name, words in trig.items():
        for w in words:
            triggers.setdefault(w.lower(), set()).add(index[name])
    triggers = {w: tuple(sorted(v)) for w, v in triggers.items()}
    digit_rules = tuple(sorted(index[n] for n in digit_names))
    months_alt = _alt(month_full + month_abbr, cap=True)
    # Gates: a cheap pattern that every match of a rule holds, searched in a window before the
    # rule itself (a full rule tried at every offset of a window costs several times more). Most
    # windows hold a trigger but no date: a digit with no "century", no "0s" and no "a.m." after
    # it, a "may" that is no capitalised "May". Read on the lower-case text (same offsets), or
    # on the text itself for the case-sensitive parts of the rules; a test checks that no match
    # lacks its gate.
    on_lower = {
        "iso": r"\d[-/][01]", "numeric": r"\d[/.]\d", "isoweek": r"\d-?w[0-5]",
        "decade": r"0'?s|" + _alt(raw["decade_words"]), "century": "century",
        "time": r"\d\s*[ap]\.?m|\d:\d|noon|midnight|midday",
        "holiday": _alt([h.lower() for h in list(hol_fixed) + list(hol_mov)]),
        "ago": r"ago|earlier|later|before|after|from|hence|back|since",
    }
    # On the text with re.I like the rules: a capitalised month name, with what must follow or
    # precede it (a day ends in a digit or in -st/-nd/-rd/-th: "3", "3rd", "third", "twelfth").
    on_text = {"qcode": r"(?-i:Q[1-4]|H[12])", "weekday": WEEKDAY2, "month": months_alt,
               "mdy": months_alt + r"\.?\s*(?:\d|thirt|twent|" + ORDW + ")",
               "dmy": r"(?:\d|st|nd|rd|th)\s+(?:of\s+)?" + months_alt,
               "my": months_alt + r"\.?,?\s+(?:of\s+)?(?:\d|nineteen|eighteen|twenty|two|this|last|next|that|the)"}
    gates = tuple((re.compile(on_lower[name]), True) if name in on_lower
                  else (re.compile(on_text[name], re.I), False) if name in on_text else None
                  for name, _ in pats)
    year_after = re.compile(
        r"\s*,?\s*(?:and|or|to|through|until|till|-|\u2013|\u2014|/)\s*(?:the\s+)?(?:"
        r"(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?P<month>" + months_alt + r")\.?"
        r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?|\d{1,2}(?:st|nd|rd|th)?)"
        r",?\s+(?P<year>" + YEAR4 + r")(?![\d%]|[.,]\d)")
    month_year_after = re.compile(
        r"\s*,?\s*(?:in|of|during)\s+(?P<month>" + months_alt + r")\.?,?\s+(?P<year>" + YEAR4 + r")(?!\d)")
    day_after = re.compile(
        r"(?:\s+[A-Z][a-z]+\s+time)?,?\s+on\s+(?:" + WEEKDAY2 + r",?\s+)?(?P<month>" + months_alt
        + r")\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>" + YEAR4 + r")(?!\d)")
    return Lexicon(
        year_after=year_after, month_year_after=month_year_after, day_after=day_after,
        triggers=triggers, digit_rules=digit_rules, gates=gates,
        month_of=month_of, ambiguous_months=frozenset(raw["ambiguous_months"]),
        weekday_of=weekday_of, season_of=dict(raw["seasons"]), pod_of=dict(raw["parts_of_day"]),
        number_of=number_of, ordinal_of=ordinal_of, vague=vague,
        decade_word=dict(raw["decade_words"]), holiday_fixed=hol_fixed, holiday_movable=hol_mov,
        future_cues=frozenset(raw["future_cues"]), past_cues=frozenset(raw["past_cues"]),
        present_cues=frozenset(raw["present_cues"]), not_past_ed=frozenset(raw["not_past_ed"]),
        quantity_nouns=frozenset(raw["quantity_nouns"]), time_preps=frozenset(raw["time_preps"]),
        not_year_before=frozenset(raw["not_year_before"]),
        reporting_verbs=frozenset(raw["reporting_verbs"]), intent_verbs=frozenset(raw["intent_verbs"]),
        deferral_verbs=frozenset(raw["deferral_verbs"]),
        rate_words=frozenset(raw["rate_words"]),
        period_nouns=frozenset(raw["period_nouns"]),
        cue_words=frozenset(raw["future_cues"]) | frozenset(raw["past_cues"]) | frozenset(raw["present_cues"])
        | frozenset(raw["reporting_verbs"]) | CUE_FUNCTION_WORDS,
        rules=rules, boundary=boundary,
    )
