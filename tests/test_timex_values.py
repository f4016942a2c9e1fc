"""TIMEX3 values of earnings periods and of deferred days (issue 11): table tests, each a
sentence and a publication date in, the value of one expression out."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.timex import tag_timexes


def _values(text: str, dct: date, phrase: str) -> list[str]:
    """Values of every timex whose text is exactly ``phrase`` (fails the test if none)."""
    found = [t.value for t in tag_timexes(text, dct) if t.text == phrase]
    assert found, f"{phrase!r} not tagged in {text!r}: {tag_timexes(text, dct)}"
    return found


OCT26 = date(1989, 10, 26)

SCI = ("Service Corp. expects to report net income of 15 cents a share for the third quarter. "
       "In the comparable year-ago quarter, the second quarter ended Oct. 31, Service Corp. had a "
       "loss of about $12.5 million.")

QUARTERS = [
    # "the quarter ended July 31" is May to July: most of it lies in the second quarter
    ("In the quarter ended July 31, Jayark had 5.6 million shares outstanding.", date(1989, 10, 30),
     "the quarter", ["1989-Q2"]),
    ("Kemper earned $92 million for the quarter ended Sept. 30.", OCT26, "the quarter", ["1989-Q3"]),
    # a quarter named in fiscal terms: the quarters counted from it are not calendar quarters
    ("Delta earnings soared 33% in the fiscal first quarter. For the quarter ended Sept. 30, "
     "Delta posted net income of $133 million, up from $100 million a year earlier. During the "
     "quarter, Delta issued 2.5 million shares.", OCT26, "the quarter", ["1989-QX", "1989-QX"]),
    ("Delta earnings soared 33% in the fiscal first quarter. For the quarter ended Sept. 30, "
     "Delta posted net income of $133 million, up from $100 million a year earlier.", OCT26,
     "a year earlier", ["1988-QX"]),
    ("Delta earnings soared 33% in the fiscal first quarter.", OCT26, "the fiscal first quarter",
     ["1989-Q1"]),
    # a calendar quarter keeps its number in the comparisons
    ("Delta earnings soared 33% in the third quarter. During the quarter, Delta posted net income "
     "of $133 million, up from $100 million a year earlier.", OCT26, "a year earlier", ["1988-Q3"]),
    # the nine months (or the first half) of the year are compared with those of the year before
    ("RMS lost $158,666 in the third quarter. For the nine months, the company reported a net "
     "loss of $608,413, compared with year-earlier net income of $967,809.", OCT26,
     "year-earlier", ["1988"]),
    ("EDS earned $121 million in the third quarter. In the nine months, non-GM accounts were 45% "
     "of its business, compared with 40% a year earlier.", OCT26, "a year earlier", ["1988"]),
    ("Travelers earned $106 million in the third quarter. In the first nine months, net was $306 "
     "million. The year-ago results included a $415 million charge.", OCT26, "year-ago", ["1988"]),
    # an apposition names the year-ago quarter, and the day it ended takes the quarter's year
    (SCI, date(1989, 10, 27), "the comparable year-ago quarter", ["1988-Q2"]),
    (SCI, date(1989, 10, 27), "the second quarter", ["1988-Q2"]),
    (SCI, date(1989, 10, 27), "Oct. 31", ["1988-10-31"]),
    ("Sun posted a loss for its fourth quarter ended June 30.", OCT26, "June 30", ["1989-06-30"]),
]


@pytest.mark.parametrize("text,dct,phrase,values", QUARTERS)
def test_timex_values_earnings_periods(text, dct, phrase, values):
    assert _values(text, dct, phrase) == values


THU = date(2000, 3, 30)   # a Thursday
DEFERRED = [
    # a past verb that moves something to a day dates what is still to come
    ("U.S. Immigration officials postponed until Tuesday morning any action on the case.", THU,
     "Tuesday morning", "2000-04-04TMO"),
    ("The INS extended its deadline until 9 a.m. EST Tuesday.", THU, "9 a.m. EST Tuesday",
     "2000-04-04T09:00"),
    ("The judge moved the hearing to Monday.", THU, "Monday", "2000-04-03"),
    # ... but not a span that ended, a plan told in the past perfect, nor an infinitive's object
    ("The strike lasted until Tuesday.", THU, "Tuesday", "2000-03-28"),
    ("The offer had been extended to Friday.", THU, "Friday", "2000-03-24"),
    ("Two rival bidders extended their offers to acquire the company Monday.", THU, "Monday",
     "2000-03-27"),
]


@pytest.mark.parametrize("text,dct,phrase,value", DEFERRED)
def test_timex_values_deferred_days(text, dct, phrase, value):
    assert _values(text, dct, phrase) == [value]


NARRATIVE_DAYS = [
    # "the day before/after" a named day is one day off it (the article stays outside)
    ("Manuel went to Lazaro's home the day before last Tuesday's court hearing.", date(2000, 2, 24),
     "day before last Tuesday", "2000-02-21"),
    ("The shops reopened the day after Christmas.", date(2000, 1, 7), "day after Christmas",
     "1999-12-26"),
    # "that same day" right after a month told against the dct is a day of that month
    ("Three doctors were killed, most recently last October when a sniper shot Dr. Slepian. His "
     "name on the site was crossed out that same day.", date(1999, 2, 6), "that same day",
     "1998-10-XX"),
    # a date after "planned" and its object dates what was planned ...
    ("Protesters planned a large demonstration in Little Havana on Saturday and were planning "
     "to drive around the airport on Monday.", date(2000, 1, 7), "Saturday", "2000-01-08"),
    # ... not a date after the participle of a noun ("a service planned for Saturday")
    ("A memorial service planned at the university for Saturday was canceled.", date(1999, 10, 24),
     "Saturday", "1999-10-23"),
    # "Easter week" is the week holding Easter: the one under way, though told in the past
    ("Earlier Sunday, protesters prayed for divine help as Easter week began.", date(2000, 4, 17),
     "Easter week", "2000-W16"),
    ("The protests had begun during Christmas week.", date(2000, 4, 17), "Christmas week",
     "1999-W51"),
]


@pytest.mark.parametrize("text,dct,phrase,value", NARRATIVE_DAYS)
def test_timex_values_days_named_from_other_days(text, dct, phrase, value):
    assert _values(text, dct, phrase) == [value]


def test_timex_values_generic_that_day_far_from_a_month_is_not_tagged():
    # a month told against the dct only lends its days to what follows closely
    text = ("Volume fell in September. " + "Traders said the market makers were cautious. " * 8 +
            "They suffer huge losses on trades made that day.")
    assert [t.text for t in tag_timexes(text, date(1989, 10, 30))] == ["September"]


@pytest.mark.parametrize("text,tagged", [
    # "Now," opening a sentence is a discourse marker, not the present time
    ("Iraq was ready to withdraw. Now, he says, it looks as if the West wants more.", []),
    ("The measure passed in 1994. Now, Ms. Conlin said, it has new resonance.", ["1994"]),
    # the time adverb keeps its value, at a sentence's start or inside it
    ("Now the alliance's mission is less clear.", ["Now"]),
    ("For now, the embassy works from a hotel.", ["now"]),
])
def test_timex_values_sentence_opening_now_comma_is_no_time(text, tagged):
    assert [t.text for t in tag_timexes(text, date(1998, 10, 26))] == tagged
