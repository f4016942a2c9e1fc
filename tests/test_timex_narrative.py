"""Backstory dates (issue 11): an underspecified date takes the story's time or the publication date.

Case tables in the dateparser style: the reference date (the publication date, ``dct``) is pinned
in every case. Then the sample articles: every date of every backstory paragraph against its real
date, and no event dated after its article unless the wording says it lies ahead.
"""
from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest

from pipeline.article import read_article
from pipeline.extract import extract_article
from pipeline.timex import tag_timexes

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"


def _find(text: str, dct: date, phrase: str, nth: int = 0):
    """The ``nth`` timex whose text is exactly ``phrase`` (fails the test if absent)."""
    found = [t for t in tag_timexes(text, dct) if t.text == phrase]
    assert len(found) > nth, f"{phrase!r} not tagged in {text!r}: {tag_timexes(text, dct)}"
    return found[nth]


# (text, dct, phrase, value, basis)
BACKSTORY = [
    # the two cases of the issue
    ("The two men were detained in December 2018, shortly after Canadian authorities arrested Meng "
     "Wanzhou, the chief financial officer of Huawei Technologies, at Vancouver's airport on Dec. 1 "
     "at the request of the United States.", date(2021, 8, 11), "Dec. 1", "2018-12-01", "narrative"),
    ("Canada wants China to lift or ease the tariffs it placed on Canadian canola and other farm "
     "products last year, which Prairie farmers say have cost them heavily. In March, Beijing imposed "
     "100 per cent tariffs on Canadian canola oil and meal.", date(2026, 1, 15), "March", "2025-03",
     "relative"),
    # a month without its year, in the sentence of the story's date and in the next one
    ("On March 3, 1980 the strike began, and in June the deal was signed.", date(2026, 1, 13),
     "June", "1980-06", "narrative"),
    ("On March 3, 1980 the strike began. In June the deal was signed.", date(2026, 1, 13),
     "June", "1980-06", "narrative"),
    # a day without its year
    ("Meng was arrested in December 2018. She was released on bail on Dec. 11, under conditions.",
     date(2021, 8, 11), "Dec. 11", "2018-12-11", "narrative"),
    ("On 10 March 1975, General Dung launched Campaign 275. On 20 March, Thieu reversed himself.",
     date(2009, 12, 19), "20 March", "1975-03-20", "narrative"),
    # after a paragraph break: a story goes on, the news comes back
    ("On September 1, 1939, Germany attacked Poland.\nBy early October, Poland was divided.",
     date(2009, 12, 19), "early October", "1939-10", "narrative"),
    ("The plant closed in June 2018.\n\nThe company says it is hiring again and will reopen in March.",
     date(2026, 1, 13), "March", "2026-03", "relative"),
    ("Meng was arrested on Dec. 1, 2018.\n\nOn Thursday, ministers met in Ottawa. In March, they "
     "signed a deal.", date(2026, 1, 15), "March", "2025-03", "relative"),
    # the end of a range is where the story stands after it ("from October to March, then ... by
    # May 3" goes on from March, not from October)
    ("The offensive opened in August 1921. Government troops besieged the port from October to "
     "March, then reached the coast by May 3. In June the rebels surrendered.", date(2009, 12, 19),
     "May 3", "1922-05-03", "narrative"),
    ("The offensive opened in August 1921. Government troops besieged the port from October to "
     "March, then reached the coast by May 3. In June the rebels surrendered.", date(2009, 12, 19),
     "June", "1922-06", "narrative"),
    # with and without "later" / "after"
    ("On June 10, 1940, Italy invaded; twelve days later France surrendered.", date(2009, 12, 19),
     "twelve days later", "1940-06-22", "narrative"),
    ("The army landed on June 6, 1944. Two weeks later it reached the river.", date(2026, 1, 13),
     "Two weeks later", "1944-06-20", "narrative"),
    ("In 1941 the offensive stalled. The following year the army retreated.", date(2009, 12, 19),
     "The following year", "1942", "narrative"),
    ("The summit opened on May 2, 1998. A day earlier, the police had closed the roads.",
     date(2026, 1, 13), "A day earlier", "1998-05-01", "narrative"),
    # past and future tense
    ("The leaders met in Ottawa on June 6, 2018. They met again in September.", date(2026, 1, 13),
     "September", "2018-09", "narrative"),
    ("The leaders met in Ottawa on June 6, 2018. They will meet again in September.",
     date(2026, 1, 13), "September", "2026-09", "relative"),
    ("The treaty was signed in May 1995, and it had been drafted in March.", date(2026, 1, 13),
     "March", "1995-03", "narrative"),
    # year boundaries: a December story told in January
    ("The talks collapsed in December.", date(2026, 1, 10), "December", "2025-12", "relative"),
    ("In March, Beijing imposed tariffs on canola.", date(2026, 1, 15), "March", "2025-03", "relative"),
    ("The tariffs will take effect in March.", date(2026, 1, 15), "March", "2026-03", "relative"),
    ("On December 11, 1941, Germany declared war on the United States. In January, the Allies "
     "signed a joint declaration.", date(2009, 12, 19), "January", "1942-01", "narrative"),
    ("The company declared a dividend payable Dec. 1 to holders of record Nov. 10.",
     date(1989, 10, 27), "Dec. 1", "1989-12-01", "relative"),
    # a date naming a thing, or opening a span up to now, does not move the story
    ("The 1988 bombing still haunts the town. In March, the inquiry reopened.", date(1999, 5, 1),
     "March", "1999-03", "relative"),
    ("The firm has doubled its profits since 1980. In September, it announced a deal.",
     date(1989, 10, 30), "September", "1989-09", "relative"),
    # what is rightly left to the publication date
    ("Carney is scheduled to meet Xi on Friday, after the 2018 arrest that broke ties.",
     date(2026, 1, 13), "Friday", "2026-01-16", "relative"),
    # seasons, "that same day", a time of day in the story, a range that gives its year
    ("Harold was crowned in January 1066. In the summer, the fleet gathered.", date(2026, 1, 13),
     "the summer", "1066-SU", "narrative"),
    ("All three were released on the same day in September 2021.", date(2026, 1, 15),
     "the same day", "2021-09-XX", "narrative"),
    ("At 5:34 AM Baghdad time on March 20, 2003 the invasion began.", date(2009, 12, 19),
     "5:34 AM", "2003-03-20T05:34", "explicit"),
    ("The islands were taken (26 June - 4 August 1952) by the navy.", date(2009, 12, 19),
     "26 June", "1952-06-26", "explicit"),
    ("In April and June 1955, Diem cleared the decks.", date(2009, 12, 19), "April", "1955-04",
     "explicit"),
    # a date naming a thing through a passive modifier does not move the story ...
    ("Under a plan approved by the board in 2019, the firm had bought back 2 million shares through "
     "Sept. 29.", date(2023, 10, 30), "Sept. 29", "2023-09-29", "relative"),
    # ... a passive main clause does
    ("The plan was approved by the board in 2019. The firm had bought back 2 million shares by "
     "Sept. 29.", date(2023, 10, 30), "Sept. 29", "2019-09-29", "narrative"),
    # before the common era
    ("In 490 BC Datis sailed to Eretria. The following year he returned.", date(2009, 12, 19),
     "The following year", "BC0489", "narrative"),
    ("The fleet reached Salamis in September 480 BC. In October, it withdrew.", date(2009, 12, 19),
     "October", "BC0480-10", "narrative"),
]


@pytest.mark.parametrize("text,dct,phrase,value,basis", BACKSTORY)
def test_timex_narrative_backstory_anchor(text, dct, phrase, value, basis):
    t = _find(text, dct, phrase)
    assert (t.value, t.basis) == (value, basis)


# TIMEX3 details that the value score counts
@pytest.mark.parametrize("text,phrase,typ,value", [
    ("They gathered daily outside the home.", "daily", "SET", "XXXX-XX-XX"),
    ("They prayed every day for him.", "every day", "SET", "P1D"),   # like "every year", P1Y
    ("Supplies came in daily by river.", "daily", "SET", "XXXX-XX-XX"),
    ("In the past decade alone, many fled.", "the past decade", "DURATION", "P1DE"),
    ("Over the past two centuries the city grew.", "the past two centuries", "DURATION", "P2CE"),
    ("The war began on the morning of 31 January 1965, when orders came.",
     "the morning of 31 January 1965", "TIME", "1965-01-31TMO"),
    ("Life improved in 2007-08, but not for long.", "08", "DATE", "2008"),
    ("The revolt (499-493 BC) failed.", "499", "DATE", "BC0499"),
    ("The revolt (499-493 BC) failed.", "493 BC", "DATE", "BC0493"),
    ("Even during the 4th century BC the treaty was disputed.", "the 4th century BC", "DATE", "BC03"),
])
def test_timex_narrative_timeml_values(text, phrase, typ, value):
    t = _find(text, date(2009, 12, 19), phrase)
    assert (t.type, t.value) == (typ, value)


def test_timex_narrative_bc_dates_have_no_calendar_range():
    # Python dates stop at year 1: a BC date is tagged but makes no event
    t = _find("Athens fell in 480 BC.", date(2009, 12, 19), "480 BC")
    assert (t.date_start, t.date_end, t.precision) == (None, None, "")


@pytest.mark.parametrize("text,dct,phrase,low,high", [
    # the story's date in the same sentence: a clear choice
    ("The two men were detained in December 2018, shortly after Canadian authorities arrested "
     "Meng at Vancouver's airport on Dec. 1 at the request of the United States.", date(2021, 8, 11),
     "Dec. 1", 0.9, 1.0),
    # the story's date a paragraph back: a close one
    ("The fleet was in port in August 1990.\n\nThe ships returned in March.", date(1992, 6, 1), "March",
     0.5, 0.8),
])
def test_timex_narrative_choice_has_a_margin(text, dct, phrase, low, high):
    t = _find(text, dct, phrase)
    assert low <= t.confidence <= high
    explicit = [x for x in tag_timexes(text, dct) if x.basis == "explicit"]
    assert explicit and all(x.confidence == 1.0 for x in explicit)


def test_timex_narrative_close_choice_lowers_event_confidence():
    from pipeline.article import article_from_text

    text = ("Ships Return\n\nThe fleet was in port in August 1990.\n\nThe ships returned in March, "
            "the navy said.")
    df = extract_article(article_from_text(text, date(1992, 6, 1)))
    row = df[df["date_text"] == "March"].iloc[0]
    t = _find(text.split("\n\n", 1)[1], date(1992, 6, 1), "March")
    base = {"narrative": 0.65, "relative": 0.8}[row["date_basis"]]
    assert t.confidence < 1.0
    assert row["confidence"] == pytest.approx(round(base * t.confidence, 2))


# ------------------------------------------------------------------------------------------
# The sample articles
# ------------------------------------------------------------------------------------------

def _manifest() -> dict[str, date]:
    with (ARTICLES / "manifest.csv").open(encoding="utf-8") as f:
        return {r["file"]: date.fromisoformat(r["published"]) for r in csv.DictReader(f)}


# article -> (the start of a backstory paragraph, every date in it with its real value)
BACKSTORY_PARAGRAPHS = [
    ("carney-china.txt", "The visit represents a major step", [("2018", "2018"), ("2021", "2021")]),
    ("2017-12-04-trudeau-li-keqiang-beijing.txt", "The meeting with Li was the second session",
     [("2016", "2016")]),
    ("2017-12-07-trudeau-guangzhou-wraps-visit.txt", "The following day, Trudeau met",
     [("The following day", "2017-12-05"), ("October", "2017-10")]),
    ("2017-12-07-trudeau-guangzhou-wraps-visit.txt", "Relations between Ottawa and Beijing have warmed",
     [("2015", "2015"), ("last year", "2016")]),
    ("2018-12-06-meng-wanzhou-arrested-vancouver.txt", "The arrest took place on the same day",
     [("the same day", "2018-12-01"), ("Thursday", "2018-12-06")]),
    ("2018-12-06-meng-wanzhou-arrested-vancouver.txt", "The affair lands at a delicate moment",
     [("A year ago", "2017")]),
    ("2018-12-13-kovrig-spavor-detained.txt", "The detentions came less than two weeks after",
     [("Dec. 1", "2018-12-01"), ("Tuesday", "2018-12-11")]),
    ("2018-12-13-kovrig-spavor-detained.txt", "Former Canadian diplomats said",
     [("December last year", "2017-12")]),
    ("2019-03-28-china-canola-restrictions.txt", "Industry analysts note the timing",
     [("March 1", "2019-03-01"), ("December", "2018-12")]),
    ("2019-03-28-china-canola-restrictions.txt", "Shortly after Meng's arrest", [("January", "2019-01")]),
    ("2019-03-28-china-canola-restrictions.txt", "Relations have also been unsettled",
     [("January", "2019-01")]),
    ("2021-08-11-spavor-sentenced-dandong.txt", "The Dandong Intermediate People's Court",
     [("March", "2021-03")]),
    ("2021-08-11-spavor-sentenced-dandong.txt", "Prime Minister Justin Trudeau called the verdict",
     [("March", "2021-03")]),
    ("2021-08-11-spavor-sentenced-dandong.txt", "The two men were detained in December 2018",
     [("December 2018", "2018-12"), ("Dec. 1", "2018-12-01")]),
    ("2021-08-11-spavor-sentenced-dandong.txt", "Wednesday's sentence came a day after",
     [("Wednesday", "2021-08-11"), ("2019", "2019")]),
    ("2021-08-11-spavor-sentenced-dandong.txt", "Beijing denies that the cases are connected",
     [("March", "2021-03")]),
    ("2021-08-11-spavor-sentenced-dandong.txt", "Relations between the two countries have been at",
     [("December 2017", "2017-12")]),
    ("2021-09-25-kovrig-spavor-home-meng-released.txt", "The United States then withdrew",
     [("Friday", "2021-09-24"), ("that evening", "2021-09-24TEV"), ("Dec. 1, 2018", "2018-12-01")]),
    ("2021-09-25-kovrig-spavor-home-meng-released.txt", "Within hours, Trudeau announced",
     [("Dec. 10, 2018", "2018-12-10"), ("last month", "2021-08"), ("March", "2021-03")]),
    ("2021-09-25-kovrig-spavor-home-meng-released.txt", "Canada and its allies had described",
     [("February", "2021-02")]),
    ("2021-09-25-kovrig-spavor-home-meng-released.txt", "Relations between Ottawa and Beijing, which",
     [("December 2017", "2017-12")]),
    ("2024-08-26-canada-ev-surtax-china.txt", "The decision follows a consultation",
     [("early July", "2024-07"), ("May", "2024-05")]),
    ("2024-08-26-canada-ev-surtax-china.txt", "Canadian farm groups are watching nervously",
     [("Five years ago", "2019"), ("December 2018", "2018-12"), ("September 2021", "2021-09")]),
    ("2024-09-03-china-canola-antidumping-probe.txt", "The canola industry has been caught up",
     [("March 2019", "2019-03"), ("September 2021", "2021-09"), ("the same day", "2021-09-XX")]),
    ("2025-01-28-hogue-foreign-interference-report.txt", "Commissioner Marie-Josée Hogue",
     [("September 2023", "2023-09"), ("2019", "2019"), ("2021", "2021")]),
    ("2025-01-28-hogue-foreign-interference-report.txt", "Hogue found that China",
     [("last May", "2024-05")]),
    ("2025-01-28-hogue-foreign-interference-report.txt", "She also said she had found",
     [("last year", "2024")]),
    ("2025-01-28-hogue-foreign-interference-report.txt", "China has consistently denied",
     [("December 2018", "2018-12"), ("Sept. 24, 2021", "2021-09-24"), ("last October", "2024-10")]),
    ("2025-03-08-china-tariffs-canola-oil-pork-seafood.txt", "Canada announced a 100 per cent surtax",
     [("August", "2024-08"), ("Oct. 1", "2024-10-01"), ("Saturday", "2025-03-08")]),
    ("2025-03-08-china-tariffs-canola-oil-pork-seafood.txt", "Under the Indo-Pacific strategy",
     [("2022", "2022")]),
    ("2025-03-08-china-tariffs-canola-oil-pork-seafood.txt", "It is not the first time canola",
     [("Six years ago", "2019"), ("March 2019", "2019-03"), ("September 2021", "2021-09")]),
    ("2025-08-12-china-canola-seed-deposit.txt", "The decision extends China's trade measures",
     [("March", "2025-03"), ("March 20", "2025-03-20")]),
    ("2025-08-12-china-canola-seed-deposit.txt", "China opened the canola seed investigation",
     [("September 2024", "2024-09")]),
    ("2025-08-12-china-canola-seed-deposit.txt", "Carney, who took office earlier this year",
     [("earlier this year", "2025"), ("April", "2025-04")]),
    ("2025-08-12-china-canola-seed-deposit.txt", "Relations between the two countries have been difficult",
     [("December 2018", "2018-12"), ("September 2021", "2021-09")]),
    ("2025-10-31-carney-xi-apec-gyeongju.txt", "The last formal meeting between",
     [("December 2017", "2017-12"), ("A year later", "2018"), ("September 2021", "2021-09")]),
    ("2025-10-31-carney-xi-apec-gyeongju.txt", "Since then, a series of disputes",
     [("October last year", "2024-10"), ("March", "2025-03"), ("August", "2025-08")]),
    ("2025-10-31-carney-xi-apec-gyeongju.txt", "Critics of closer ties", [("January", "2025-01")]),
    ("2026-01-15-carney-li-qiang-zhao-leji-beijing.txt", "Trade and agriculture are at the top",
     [("last year", "2025"), ("March", "2025-03"), ("August", "2025-08"), ("August 2024", "2024-08")]),
    ("2026-01-15-carney-li-qiang-zhao-leji-beijing.txt", "The visit follows Carney's meeting",
     [("Oct. 31", "2025-10-31")]),
    ("2026-01-15-carney-li-qiang-zhao-leji-beijing.txt", "The last Canadian prime minister to visit",
     [("December 2017", "2017-12"), ("a year later", "2018"), ("Dec. 1, 2018", "2018-12-01"),
      ("the same day", "2021-09-XX"), ("September 2021", "2021-09")]),
    ("2026-01-19-carney-cusma-review.txt", "The visit built on the meeting",
     [("Oct. 31", "2025-10-31"), ("December 2018", "2018-12"), ("March last year", "2025-03")]),
    ("2026-01-19-carney-cusma-review.txt", "The North American agreement, which replaced NAFTA",
     [("Nov. 30, 2018", "2018-11-30"), ("July 1, 2020", "2020-07-01")]),
    ("2026-01-19-carney-cusma-review.txt", "The review comes after a turbulent year",
     [("October", "2025-10")]),
    ("2026-01-19-carney-cusma-review.txt", "The shift has been swift",
     [("Less than two years ago", "2024"), ("August 2024", "2024-08"), ("earlier this month", "2026-01")]),
]


@pytest.mark.parametrize("name,opening,expected", BACKSTORY_PARAGRAPHS,
                         ids=[f"{n[:24]}:{o[:24]}" for n, o, _ in BACKSTORY_PARAGRAPHS])
def test_timex_narrative_sample_backstory_paragraphs(name, opening, expected):
    text = (ARTICLES / name).read_text(encoding="utf-8")
    start = text.index(opening)
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    got = [(t.text, t.value) for t in tag_timexes(text, _manifest()[name])
           if start <= t.start < end and t.type in ("DATE", "TIME")]
    assert got == expected


def test_timex_narrative_every_sample_article_has_a_backstory_row():
    assert {n for n, _, _ in BACKSTORY_PARAGRAPHS} == set(_manifest())


# Wording that puts a happening after the article's own date: a future tense, a plan, a
# schedule, a deadline or a span reaching ahead.
FUTURE_WORDING = re.compile(
    r"\b(?:will|won't|would|shall|'ll|scheduled|expected|due|set (?:to|for)|plans?|planned|planning|"
    r"intends?|aims?|going to|next|coming|upcoming|later this|until|starting|from|by|must|"
    r"takes? effect|is to|are to|if|runs)\b|\b(?:is|are) \w+ing\b", re.IGNORECASE)


def test_timex_narrative_no_sample_event_after_publication_unless_worded_so():
    offenders = []
    for name, published in _manifest().items():
        df = extract_article(read_article(ARTICLES / name, published))
        for row in df.itertuples():
            if row.date_start > published.isoformat() and not FUTURE_WORDING.search(row.sentence):
                offenders.append(f"{name}: {row.date_text!r} -> {row.date_start} ({row.tense}): "
                                 f"{row.sentence}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("name", sorted(_manifest()))
def test_timex_narrative_no_past_tense_event_in_the_future(name):
    # the two phantoms of the issue and their kind: a date after its article told in the past
    published = _manifest()[name]
    df = extract_article(read_article(ARTICLES / name, published))
    late = df[df["date_start"] > published.isoformat()]
    past = [r.date_text for r in late.itertuples()
            if re.search(r"\b(?:imposed|arrested|detained|was|were|had)\b", r.sentence)
            and not FUTURE_WORDING.search(r.sentence)]
    assert not past, past
