"""Event assembly, on hand-built annotations (the stages themselves are tested elsewhere)."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.events import (
    Annotations, build_events, clause_bounds, dated_spans, lead_sentence, make_event_id, make_title, tense_of,
)
from pipeline.records import (
    FLAGS, LOW_CONFIDENCE_BELOW, TITLE_MAX_CHARS, ActorMention, Article, EventCode, GeoMention, KnowledgeDate,
    Sentence, Timex,
)
from pipeline.sentences import split_sentences

PUB = date(2026, 1, 13)


def _timex(text: str, phrase: str, value: str, d0: date | None, d1: date | None, precision: str,
           basis: str = "explicit", type_: str = "DATE", occurrence: int = 0, tense: str = "") -> Timex:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return Timex(start, start + len(phrase), phrase, type_, value, "", d0, d1, precision, basis, tense)


def _sentences(text: str) -> tuple[Sentence, ...]:
    out, pos = [], 0
    for part in text.split(". "):
        end = pos + len(part) + (1 if pos + len(part) < len(text) else 0)
        out.append(Sentence(len(out), pos, min(end, len(text)), text[pos:min(end, len(text))]))
        pos = end + 1
    return tuple(out)


def _mention(text: str, phrase: str, **kw):
    s = text.index(phrase)
    return s, s + len(phrase)


def _code(text: str, near: int | None = None) -> EventCode:
    low = text.lower()
    if "arrest" in low:
        return EventCode("173", "Arrest", -5.0, 4)
    if "meet" in low or "meeting" in low:
        return EventCode("040", "Consult", 1.0, 1)
    return EventCode("010", "Make statement", 0.0, 1)


def _topics(text: str) -> tuple[str, ...]:
    return ("diplomacy",) if "meet" in text.lower() else ()


def _no_summits(text, dct, tense=""):
    return []


def _article(text: str, title: str = "Headline", assumed: bool = False) -> Article:
    return Article("a" * 16, title, text, PUB, assumed)


@pytest.mark.parametrize("text,expected", [
    ("Short title", "Short title"),
    ("and then they met in Beijing.", "They met in Beijing"),
    ("  while carefully balancing relations  ", "Carefully balancing relations"),
])
def test_events_make_title_cleans_joiners(text, expected):
    assert make_title(text) == expected


def test_events_make_title_never_cuts_mid_word():
    text = ("Carney is scheduled to meet Premier Li Qiang and Zhao Leji, chairman of China's top "
            "legislative body, on Thursday")
    title = make_title(text)
    assert len(title) <= TITLE_MAX_CHARS
    assert title.endswith("…")
    assert text.startswith(title[:-1])
    assert text[len(title) - 1] in " ,"   # the cut falls between words


@pytest.mark.parametrize("d0,d1,tense", [
    (date(2018, 1, 1), date(2018, 12, 31), "past"),
    (date(2026, 1, 1), date(2026, 12, 31), "present"),
    (date(2026, 1, 15), date(2026, 1, 15), "future"),
])
def test_events_tense_of_period(d0, d1, tense):
    assert tense_of(d0, d1, PUB) == tense


@pytest.mark.parametrize("text,a,b,joined", [
    ("Relations were frozen from 2018 to 2021.", "2018", "2021", True),
    ("Relations were frozen between 2018 and 2021.", "2018", "2021", True),
    ("Relations were frozen 2018-2021.", "2018", "2021", True),
    ("They met in 2018 and 2021.", "2018", "2021", False),   # two happenings, not a span
    ("In 2018, talks failed; in 2021, they resumed.", "2018", "2021", False),
])
def test_events_dated_spans_join_ranges(text, a, b, joined):
    ta = _timex(text, a, a, date(int(a), 1, 1), date(int(a), 12, 31), "year")
    tb = _timex(text, b, b, date(int(b), 1, 1), date(int(b), 12, 31), "year")
    spans = dated_spans([tb, ta], text)
    if joined:
        assert len(spans) == 1
        assert (spans[0].date_start, spans[0].date_end) == (date(int(a), 1, 1), date(int(b), 12, 31))
        assert spans[0].value == f"{a}/{b}"
    else:
        assert [s.value for s in spans] == [a, b]


def test_events_dated_spans_skip_durations_sets_and_refs():
    text = "Over the next decade, every year, now, in 2017."
    tx = [
        _timex(text, "the next decade", "P10Y", None, None, "", "", "DURATION"),
        _timex(text, "every year", "P1Y", None, None, "", "", "SET"),
        _timex(text, "now", "PRESENT_REF", None, None, "", ""),
        _timex(text, "2017", "2017", date(2017, 1, 1), date(2017, 12, 31), "year"),
    ]
    assert [s.value for s in dated_spans(tx, text)] == ["2017"]


SEED_MEETING = ("Carney is scheduled to meet Premier Li Qiang and Zhao Leji, chairman of China's top "
                "legislative body, on Thursday, followed by a one-on-one meeting with President Xi "
                "Jinping on Friday.")


def _bounds(text: str, timexes: list) -> list[tuple[int, int]]:
    """``clause_bounds`` of a one-sentence text with these timexes."""
    return clause_bounds(Sentence(0, 0, len(text), text), dated_spans(timexes, text))


def test_events_clause_bounds_split_two_dates():
    text = SEED_MEETING
    (a0, a1), (b0, b1) = _bounds(text, [
        _timex(text, "Thursday", "2026-01-15", date(2026, 1, 15), date(2026, 1, 15), "day", "relative"),
        _timex(text, "Friday", "2026-01-16", date(2026, 1, 16), date(2026, 1, 16), "day", "relative"),
    ])
    assert "Li Qiang" in text[a0:a1] and "Xi Jinping" not in text[a0:a1]
    assert "Xi Jinping" in text[b0:b1] and "Li Qiang" not in text[b0:b1]
    assert a1 == b0 and a0 == 0 and b1 == len(text)


@pytest.mark.parametrize("text,phrase,title", [
    ("Senior officials describe the visit as historic, marking the first trip to China by a "
     "Canadian prime minister since 2017.", "2017",
     "Marking the first trip to China by a Canadian prime minister"),
    ("The visit represents a major step after they collapsed in 2018 following Canada's arrest "
     "of Meng.", "2018", "They collapsed following Canada's arrest of Meng"),
    (SEED_MEETING, "Thursday", "Carney is scheduled to meet Premier Li Qiang and Zhao Leji"),
])
def test_events_title_is_the_dated_clause_without_its_date(text, phrase, title):
    tx = (_timex(text, phrase, "2017", date(2017, 1, 1), date(2017, 12, 31), "year"),)
    events = build_events(_article(text), Annotations((Sentence(0, 0, len(text), text),), tx, (), (), ()),
                          _code, _topics, _no_summits)
    assert [e.title for e in events] == [title]


def _seed_like_annotations(text: str) -> Annotations:
    tx = (
        _timex(text, "Thursday", "2026-01-15", date(2026, 1, 15), date(2026, 1, 15), "day", "relative", tense="future"),
        _timex(text, "Friday", "2026-01-16", date(2026, 1, 16), date(2026, 1, 16), "day", "relative", tense="future"),
        _timex(text, "2018", "2018", date(2018, 1, 1), date(2018, 12, 31), "year"),
    )
    actors = []
    for phrase, name, iso in [("Carney is", "Mark Carney", "CAN"), ("Li Qiang", "Li Qiang", "CHN"),
                              ("Zhao Leji", "Zhao Leji", "CHN"), ("Xi Jinping", "Xi Jinping", "CHN"),
                              ("Meng Wanzhou", "Meng Wanzhou", "CHN")]:
        s, e = _mention(text, phrase)
        phrase = phrase.removesuffix(" is")
        actors.append(ActorMention(s, s + len(phrase), phrase, name, "person", "", iso))
    countries = []
    for phrase, iso, kind in [("China's", "CHN", "name"), ("Canada's", "CAN", "name"), ("US", "USA", "name")]:
        s, e = _mention(text, phrase)
        countries.append(GeoMention(s, e, phrase, iso, kind))
    return Annotations(_sentences(text), tx, tuple(countries), (), tuple(actors))


SEED_TEXT = ("Mark Carney travels to China. " + SEED_MEETING[:-1] + ". Relations collapsed in 2018 "
             "following Canada's arrest of Huawei executive Meng Wanzhou on a US warrant.")


def test_events_build_events_one_event_per_dated_happening():
    art = _article(SEED_TEXT)
    events = build_events(art, _seed_like_annotations(SEED_TEXT), _code, _topics, _no_summits)
    by_date = {e.date_start.isoformat(): e for e in events}
    assert len(events) == 4
    pub = by_date["2026-01-13"]
    assert pub.date_basis == "publication" and pub.title == "Headline"
    thu, fri = by_date["2026-01-15"], by_date["2026-01-16"]
    assert {"Li Qiang", "Zhao Leji"} <= set(thu.actors) and "Xi Jinping" not in thu.actors
    assert {"Mark Carney", "Xi Jinping"} <= set(fri.actors)
    assert fri.event_code == "040" and fri.topics == ("diplomacy",) and fri.tense == "future"
    arrest = by_date["2018-01-01"]
    assert arrest.precision == "year" and arrest.event_code == "173"
    assert set(arrest.countries) == {"CAN", "CHN", "USA"}
    assert arrest.sentence[arrest.date_offset[0]:arrest.date_offset[1]] == "2018"
    assert len({e.event_id for e in events}) == 4


def test_events_build_events_ids_are_stable():
    art = _article(SEED_TEXT)
    a = build_events(art, _seed_like_annotations(SEED_TEXT), _code, _topics, _no_summits)
    b = build_events(art, _seed_like_annotations(SEED_TEXT), _code, _topics, _no_summits)
    assert [e.event_id for e in a] == [e.event_id for e in b]
    assert a[0].event_id == make_event_id(art.article_id, a[0].sentence, "", "2026-01-13", -1)


def test_events_build_events_knowledge_dates_an_undated_summit():
    text = "Carney is in Beijing. The two leaders last met at an APEC summit in South Korea."
    phrase = "an APEC summit in South Korea"

    def summits(sentence, dct, tense=""):
        if phrase not in sentence:
            return []
        s = sentence.index(phrase)
        return [KnowledgeDate(s, s + len(phrase), phrase, "APEC 2025", "APEC",
                              date(2025, 10, 31), date(2025, 11, 1), "KOR", "Gyeongju")]

    ann = Annotations(_sentences(text), (), (), (), ())
    events = build_events(_article(text), ann, _code, _topics, summits)
    kb = [e for e in events if e.date_basis == "knowledge"]
    assert len(kb) == 1
    assert kb[0].date_start == date(2025, 10, 31) and kb[0].tense == "past"
    assert kb[0].date_text == phrase


def test_events_build_events_assumed_publication_lowers_confidence():
    text = "Talks were held on Monday."
    ann = Annotations(_sentences(text), (_timex(text, "Monday", "2026-01-12", date(2026, 1, 12),
                                                date(2026, 1, 12), "day", "relative"),), (), (), ())
    sure = build_events(_article(text), ann, _code, _topics, _no_summits)
    unsure = build_events(_article(text, assumed=True), ann, _code, _topics, _no_summits)
    assert len(sure) == 1   # the lead carries a date: no separate publication event
    assert unsure[0].confidence < sure[0].confidence


def test_events_build_events_nothing_dated_gives_only_the_news():
    text = "Officials said cooperation is unavoidable. Nothing else happened."
    events = build_events(_article(text), Annotations(_sentences(text), (), (), (), ()),
                          _code, _topics, _no_summits)
    assert [e.date_basis for e in events] == ["publication"]
    empty = build_events(_article(""), Annotations((), (), (), (), ()), _code, _topics, _no_summits)
    assert empty == []


def test_events_a_date_that_ends_a_state_dates_no_event():
    text = ("A US judge has delayed the trial of the singer's doctor until May. "
            "Parliament has been prorogued until late March. Officials postponed the vote on Saturday.")
    tx = (_timex(text, "May", "2026-05", date(2026, 5, 1), date(2026, 5, 31), "month"),
          _timex(text, "late March", "2026-03", date(2026, 3, 21), date(2026, 3, 31), "month"),
          _timex(text, "Saturday", "2026-01-10", date(2026, 1, 10), date(2026, 1, 10), "day", "relative"))
    events = build_events(_article(text), Annotations(_sentences(text), tx, (), (), ()),
                          _code, _topics, _no_summits)
    # the delay is the article's news (the lead's only date is where the delay ends); the
    # prorogation is not dated at its end; the postponement on Saturday is dated then
    assert [(e.date_basis, e.date_start.isoformat()) for e in events] == [
        ("publication", PUB.isoformat()), ("relative", "2026-01-10")]
    assert events[0].title == "Headline"


def test_events_the_lead_follows_a_caption_run_into_it():
    # A scraped page runs a photo caption into the lead with no stop; the sentence splitter cuts
    # it off, and the article's own news is the lead after it, not the caption.
    text = ("Dr Murray faces four years in prison if convicted A US judge has delayed the trial "
            "of the singer's doctor until May. Lawyers agreed.")
    sentences = tuple(split_sentences(text))
    assert [s.text for s in sentences][:2] == ["Dr Murray faces four years in prison if convicted",
                                              "A US judge has delayed the trial of the singer's doctor until May."]
    assert lead_sentence(sentences, text) is sentences[1]
    tx = (_timex(text, "May", "2026-05", date(2026, 5, 1), date(2026, 5, 31), "month"),)
    events = build_events(_article(text), Annotations(sentences, tx, (), (), ()), _code, _topics, _no_summits)
    # the lead's only date ends the delay: the lead is the news of the day, not May's
    assert [(e.date_basis, e.sentence) for e in events] == [("publication", sentences[1].text)]


def test_events_a_definite_description_of_a_reported_happening_is_not_a_second_event():
    # "The arrest" names no party of its own (the paragraph before is not read) and repeats the
    # arrest the article has dated and coded: one happening, one event. An arrest of others that
    # day, told without "the", stays an event.
    text = ("Meng Wanzhou was arrested in Vancouver on Saturday.\n\n"
            "The arrest took place on the same day that leaders met over dinner. "
            "Two other people were arrested on Saturday.")
    sentences = tuple(split_sentences(text))
    sat = (date(2026, 1, 10), date(2026, 1, 10), "day")
    tx = (_timex(text, "Saturday", "2026-01-10", *sat, "relative"),
          _timex(text, "the same day", "2026-01-10", *sat, "narrative"),
          _timex(text, "Saturday", "2026-01-10", *sat, "relative", occurrence=1))
    s, e = _mention(text, "Meng Wanzhou")
    actors = (ActorMention(s, e, "Meng Wanzhou", "Meng Wanzhou", "person", "", "CHN"),)
    events = build_events(_article(text), Annotations(sentences, tx, (), (), actors), _code, _topics, _no_summits)
    assert [(e.date_text, e.event_code) for e in events] == [("Saturday", "173"), ("Saturday", "173")]
    assert events[0].actors == ("Meng Wanzhou",) and events[1].sentence.startswith("Two other people")
    # without the event it repeats, the description is the article's only report of the arrest
    alone = text.split("\n\n", 1)[1]
    tx = (_timex(alone, "the same day", "2026-01-10", *sat, "narrative"),)
    events = build_events(_article(alone), Annotations(tuple(split_sentences(alone)), tx, (), (), ()),
                          _code, _topics, _no_summits)
    assert [e.title for e in events] == ["The arrest took place"]


@pytest.mark.parametrize("text, lead", [
    ("Talks resumed. A deal followed.", 0),                   # a first sentence with a stop
    ("Talks resume in Ottawa\n\nA deal followed.", 0),        # a headline line: its own paragraph
    ("Trade talks resume in the capital A deal followed. More came.", 1),  # a run-on headline
    ("One photo A caption The text runs on. Then more.", 2),  # two fragments
    ("Only a fragment", 0),
])
def test_events_lead_sentence(text, lead):
    sentences = tuple(split_sentences(text))
    assert lead_sentence(sentences, text) is sentences[lead]
    assert lead_sentence((), "") is None


def test_events_a_city_places_a_happening_that_names_no_country():
    text = "Rebels held out in Libya. Government forces shelled the city of Homs on Friday."
    tx = (_timex(text, "Friday", "2026-01-09", date(2026, 1, 9), date(2026, 1, 9), "day", "relative"),)
    s, e = _mention(text, "Libya")
    ann = Annotations(_sentences(text), tx, (GeoMention(s, e, "Libya", "LBY", "name"),), (), ())
    events = build_events(_article(text), ann, _code, _topics, _no_summits)
    shelled = next(ev for ev in events if ev.date_start == date(2026, 1, 9))
    # not Libya from the sentence before: Homs is in Syria
    assert shelled.countries == ("SYR",)


def test_events_a_subject_of_its_own_borrows_no_person_from_the_sentence_before():
    text = ("Muammar Gaddafi was killed in Sirte on Thursday. Government forces shelled the city of Homs "
            "on Friday. He was buried on Saturday.")
    tx = tuple(_timex(text, day, f"2026-01-{d:02d}", date(2026, 1, d), date(2026, 1, d), "day", "relative")
               for day, d in (("Thursday", 8), ("Friday", 9), ("Saturday", 10)))
    s, e = _mention(text, "Muammar Gaddafi")
    gaddafi = ActorMention(s, e, "Muammar Gaddafi", "Muammar Gaddafi", "person", "Leader", "LBY")
    events = build_events(_article(text), Annotations(_sentences(text), tx, (), (), (gaddafi,)),
                          _code, _topics, _no_summits)
    by_day = {ev.date_start.day: ev for ev in events}
    assert (by_day[9].actors, by_day[9].countries) == ((), ("SYR",))
    # a pronoun still refers back
    assert by_day[10].actors == ("Muammar Gaddafi",)


@pytest.mark.parametrize("subject, act, borrows", [
    ("The rebels", "seized the town of Brega", False), ("The protesters", "seized the town of Brega", False),
    ("The riot police", "seized the town of Brega", False),
    ("They", "seized the town of Brega", True), ("The two men", "seized the town of Brega", True),
    ("The leader", "seized the town of Brega", True),
    # a group acting on the person named before: he is a party
    ("The rebels", "captured him near Sirte", True), ("Government forces", "surrounded his compound", True),
])
def test_events_a_named_group_borrows_no_person_from_the_sentence_before(subject, act, borrows):
    text = f"Muammar Gaddafi vowed to fight on. {subject} {act} on Friday."
    tx = (_timex(text, "Friday", "2026-01-09", date(2026, 1, 9), date(2026, 1, 9), "day", "relative"),)
    s, e = _mention(text, "Muammar Gaddafi")
    gaddafi = ActorMention(s, e, "Muammar Gaddafi", "Muammar Gaddafi", "person", "Leader", "LBY")
    events = build_events(_article(text), Annotations(_sentences(text), tx, (), (), (gaddafi,)),
                          _code, _topics, _no_summits)
    seized = next(ev for ev in events if ev.date_start == date(2026, 1, 9))
    # the rebels are not Gaddafi; the country of the story carries over either way
    assert seized.actors == (("Muammar Gaddafi",) if borrows else ())
    assert seized.countries == ("LBY",)


def test_events_title_never_just_the_date():
    text = "In March 2019, China suspended the canola export permits of two Canadian companies."
    tx = (_timex(text, "March 2019", "2019-03", date(2019, 3, 1), date(2019, 3, 31), "month"),)
    events = build_events(_article(text), Annotations(_sentences(text), tx, (), (), ()),
                          _code, _topics, _no_summits)
    assert events[0].title == "China suspended the canola export permits of two Canadian companies"


def test_events_same_day_defers_to_the_sentences_own_date():
    text = "Meng was arrested on December 1, 2018. The three were freed on the same day in September 2021."
    tx = (
        _timex(text, "December 1, 2018", "2018-12-01", date(2018, 12, 1), date(2018, 12, 1), "day"),
        _timex(text, "the same day", "2018-12-01", date(2018, 12, 1), date(2018, 12, 1), "day", "narrative"),
        _timex(text, "September 2021", "2021-09", date(2021, 9, 1), date(2021, 9, 30), "month"),
    )
    events = build_events(_article(text), Annotations(_sentences(text), tx, (), (), ()),
                          _code, _topics, _no_summits)
    assert [(e.date_text, e.date_start) for e in events] == [
        ("December 1, 2018", date(2018, 12, 1)), ("September 2021", date(2021, 9, 1))]


def test_events_day_inside_a_summit_is_one_event():
    text = "APEC leaders are meeting in Gyeongju on Friday, officials said."
    phrase = "APEC leaders are meeting in Gyeongju"

    def summits(sentence, dct, tense=""):
        s = sentence.index(phrase)
        return [KnowledgeDate(s, s + len(phrase), phrase, "APEC 2025", "APEC",
                              date(2025, 10, 31), date(2025, 11, 1), "KOR", "Gyeongju")]

    tx = (_timex(text, "Friday", "2025-10-31", date(2025, 10, 31), date(2025, 10, 31), "day", "relative"),)
    events = build_events(_article(text), Annotations(_sentences(text), tx, (), (), ()),
                          _code, _topics, summits)
    assert [(e.date_text, e.date_basis) for e in events] == [("Friday", "relative")]


def _one_dated(text: str, phrase: str, value: str, d0: date, d1: date, precision: str, basis: str = "explicit",
               published: date = PUB, assumed: bool = False, title: str = "Headline"):
    tx = (_timex(text, phrase, value, d0, d1, precision, basis),)
    art = Article("a" * 16, title, text, published, assumed)
    return build_events(art, Annotations((Sentence(0, 0, len(text), text),), tx, (), (), ()),
                        _code, _topics, _no_summits)


@pytest.mark.parametrize(("text", "phrase", "value", "d0", "d1", "precision", "basis", "assumed", "flags"), [
    pytest.param("In March, Beijing imposed tariffs on canola.", "March", "2026-03",
                 date(2026, 3, 1), date(2026, 3, 31), "month", "relative", False, ("future_past_tense",),
                 id="after publication in the past tense"),
    pytest.param("Beijing will impose tariffs on canola in March.", "March", "2026-03",
                 date(2026, 3, 1), date(2026, 3, 31), "month", "relative", False, (),
                 id="after publication with will"),
    pytest.param("Beijing imposed tariffs on canola next month.", "next month", "2026-02",
                 date(2026, 2, 1), date(2026, 2, 28), "month", "relative", False, (),
                 id="a forward date word is not a past-tense claim"),
    pytest.param("The two sides met again the following week.", "the following week", "2026-W03",
                 date(2026, 1, 5), date(2026, 1, 11), "week", "narrative", True, ("low_confidence",),
                 id="narrative date and an assumed publication date"),
    pytest.param("Farmers are unsure what to plant this year.", "this year", "2026",
                 date(2026, 1, 1), date(2026, 12, 31), "year", "relative", False, ("no_action",),
                 id="no clause names an action"),
    pytest.param("In March.", "March", "2025-03", date(2025, 3, 1), date(2025, 3, 31), "month", "narrative",
                 True, ("low_confidence", "no_action", "date_word_title"), id="a date word alone"),
    pytest.param("Protesters are seen outside the parliament in Ottawa on Monday.", "Monday", "2026-01-12",
                 date(2026, 1, 12), date(2026, 1, 12), "day", "relative", False, ("photo_caption",),
                 id="a photo caption"),
    pytest.param("Farmers unloaded canola in Regina in March, in this file photo.", "March", "2025-03",
                 date(2025, 3, 1), date(2025, 3, 31), "month", "relative", False, ("photo_caption",),
                 id="a file photo's caption"),
])
def test_events_flags(text, phrase, value, d0, d1, precision, basis, assumed, flags):
    events = _one_dated(text, phrase, value, d0, d1, precision, basis, assumed=assumed)
    dated = [e for e in events if e.date_text == phrase]
    assert [e.flags for e in dated] == [flags]
    assert all(set(e.flags) <= set(FLAGS) for e in events)


def test_events_date_word_alone_is_titled_by_the_headline():
    events = _one_dated("In March.", "March", "2025-03", date(2025, 3, 1), date(2025, 3, 31), "month",
                        "relative", title="Canada and China resume canola talks")
    assert [e.title for e in events] == ["Canada and China resume canola talks"]


def test_events_low_confidence_bound_is_exclusive():
    # relative (0.8) minus the assumed-publication penalty (0.3) is exactly the bound: not low
    events = _one_dated("Talks were held in Geneva on Monday.", "Monday", "2026-01-12", date(2026, 1, 12),
                        date(2026, 1, 12), "day", "relative", assumed=True)
    assert events[0].confidence == LOW_CONFIDENCE_BELOW and "low_confidence" not in events[0].flags


@pytest.mark.parametrize(("text", "phrase", "code"), [
    pytest.param("Trudeau took office in 2015.", "2015", "", id="a happening CAMEO has no code for"),
    pytest.param("Seoul said in 2015 that it had lost contact with the crew.", "2015", "010", id="a statement"),
    pytest.param("Police detained two reporters in 2015.", "2015", "173", id="an arrest"),
])
def test_events_code_only_what_cameo_names(text, phrase, code):
    from pipeline import cameo
    tx = (_timex(text, phrase, "2015", date(2015, 1, 1), date(2015, 12, 31), "year"),)
    events = build_events(_article(text), Annotations((Sentence(0, 0, len(text), text),), tx, (), (), ()),
                          cameo.classify_event, _topics, _no_summits, cameo.classify_clause)
    assert [e.event_code for e in events] == [code]
    assert (events[0].goldstein is None) == (events[0].quad_class is None) == (code == "")


def test_events_clause_bounds_keep_a_fronted_date_with_its_clause():
    # "In March, China responded ...": the comma after a fronted date does not end its clause.
    text = "In March, China responded with tariffs on Canadian canola oil, and in August it added a deposit."
    (a0, a1), (b0, b1) = _bounds(text, [
        _timex(text, "March", "2025-03", date(2025, 3, 1), date(2025, 3, 31), "month", "narrative"),
        _timex(text, "August", "2025-08", date(2025, 8, 1), date(2025, 8, 31), "month", "narrative"),
    ])
    assert "China responded with tariffs on Canadian canola oil" in text[a0:a1]
    assert "it added a deposit" in text[b0:b1] and "China" not in text[b0:b1]


def test_events_clause_naming_nobody_takes_its_antecedents_parties():
    # "She was arrested ...": the parties come from the sentence before, in the same paragraph;
    # never across a paragraph break.
    from pipeline.records import GeoMention, ActorMention
    from pipeline.events import EntityIndex, context_entities
    text = "Meng Wanzhou of Huawei left Canada on Friday. She was arrested in 2018.\n\nIt rained in 2019."
    sents = (Sentence(0, 0, 45, text[0:45]), Sentence(1, 46, 71, text[46:71]), Sentence(2, 73, len(text), text[73:]))
    i = text.index("Canada")
    ann = Annotations(sentences=sents, timexes=(), regions=(),
                      countries=(GeoMention(start=i, end=i + 6, iso3="CAN", text="Canada", kind="name"),),
                      actors=(ActorMention(start=0, end=12, name="Meng Wanzhou", kind="person", iso3="", text="Meng Wanzhou"),))
    index = EntityIndex.of(ann)
    assert context_entities(index, text, sents, 1)[:2] == (("CAN",), ("Meng Wanzhou",))
    assert context_entities(index, text, sents, 2)[:2] == ((), ())


def test_events_when_clause_dates_the_same_moment_more_finely():
    # "broke down a year later, when Canada arrested Meng on December 1, 2018": one happening, dated by
    # the "when" clause; "In 2018 talks stalled; on December 1 ..." keeps both (no "when").
    text = "Relations broke down a year later, when Canada arrested Meng Wanzhou on December 1, 2018."
    tx = (_timex(text, "a year later", "2018", date(2018, 1, 1), date(2018, 12, 31), "year", "narrative"),
          _timex(text, "December 1, 2018", "2018-12-01", date(2018, 12, 1), date(2018, 12, 1), "day"))
    events = build_events(_article(text), Annotations(_sentences(text), tx, (), (), ()), _code, _topics, _no_summits)
    assert [(e.date_text, e.precision) for e in events] == [("December 1, 2018", "day")]
    text = "Talks stalled in 2018; on December 1, 2018 Canada arrested Meng Wanzhou."
    tx = (_timex(text, "2018", "2018", date(2018, 1, 1), date(2018, 12, 31), "year"),
          _timex(text, "December 1, 2018", "2018-12-01", date(2018, 12, 1), date(2018, 12, 1), "day"))
    events = build_events(_article(text), Annotations(_sentences(text), tx, (), (), ()), _code, _topics, _no_summits)
    assert [e.date_text for e in events] == ["2018", "December 1, 2018"]


def test_events_parties_of_a_later_happening_in_the_sentence_stay_out():
    # One date, two happenings: the arrest is dated, the detention that follows is not; its
    # people are not parties to the arrest (they would make it look like the detention).
    from pipeline.records import ActorMention
    text = ("Relations soured after Canadian police arrested Meng Wanzhou in December 2018, "
            "and China detained Michael Kovrig and Michael Spavor.")
    names = ("Meng Wanzhou", "Michael Kovrig", "Michael Spavor")
    actors = tuple(ActorMention(start=text.index(n), end=text.index(n) + len(n), name=n, kind="person", iso3="",
                                text=n) for n in names)
    tx = (_timex(text, "December 2018", "2018-12", date(2018, 12, 1), date(2018, 12, 31), "month"),)
    events = build_events(_article(text), Annotations(_sentences(text), tx, (), (), actors),
                          _code, _topics, _no_summits)
    assert [e.actors for e in events] == [("Meng Wanzhou",)]


def test_events_a_clause_cut_short_looks_for_its_parties_before_the_sentence():
    # "His trial took place in March, and Canadian diplomats were not allowed to attend": the
    # diplomats are another happening; "his" is the man of the sentence before.
    from pipeline.events import EntityIndex, context_entities
    from pipeline.records import ActorMention, GeoMention
    text = "A court sentenced Michael Spavor. His trial took place in March, and Canadian diplomats were barred."
    sents = _sentences(text)
    i, c = text.index("Michael Spavor"), text.index("Canadian")
    ann = Annotations(sentences=sents, timexes=(), regions=(),
                      countries=(GeoMention(start=c, end=c + 8, iso3="CAN", text="Canadian", kind="demonym"),),
                      actors=(ActorMention(start=i, end=i + 14, name="Michael Spavor", kind="person", iso3="",
                                           text="Michael Spavor"),))
    index = EntityIndex.of(ann)
    cut = text.index(", and Canadian")
    assert context_entities(index, text, sents, 1)[:2] == (("CAN",), ())
    assert context_entities(index, text, sents, 1, own_end=cut)[:2] == ((), ("Michael Spavor",))


def test_events_a_noun_phrase_event_does_not_take_the_sentence_subject():
    # "Carney spent four days in China last week, the first visit since Justin Trudeau's trip in
    # December 2017": Carney made the first visit, not Trudeau's trip.
    from pipeline.records import ActorMention
    text = ("Mark Carney spent four days in China last week, the first visit by a prime minister since "
            "Justin Trudeau's trip in December 2017.")
    actors = tuple(ActorMention(start=text.index(n), end=text.index(n) + len(n), name=n, kind="person", iso3="",
                                text=n) for n in ("Mark Carney", "Justin Trudeau"))
    tx = (_timex(text, "last week", "2026-W02", date(2026, 1, 5), date(2026, 1, 11), "week", "relative"),
          _timex(text, "December 2017", "2017-12", date(2017, 12, 1), date(2017, 12, 31), "month"))
    events = build_events(_article(text), Annotations(_sentences(text), tx, (), (), actors),
                          _code, _topics, _no_summits)
    assert {e.date_text: e.actors for e in events} == {
        "last week": ("Mark Carney",), "December 2017": ("Justin Trudeau",)}


# ----- titles that say who: "he", "she", "his", "her" named when the text leaves no doubt -------

def _titles(text: str) -> list[str]:
    from pipeline.extract import extract_events
    from pipeline.records import Article
    article = Article(article_id="0123456789abcdef", title="", text=text, published=date(2021, 9, 27))
    return [e.title for e in extract_events(article) if e.date_basis != "publication"]


@pytest.mark.parametrize("text, title", [
    # the subject of the sentence before, one person
    ("Meng Wanzhou reached a deal with U.S. prosecutors on Friday. She left Vancouver on a flight to Shenzhen "
     "that evening.", "Meng Wanzhou left Vancouver on a flight to Shenzhen"),
    # the sentence's own subject, the only person named before the pronoun
    ("Donald Trump imposed tariffs on Canadian steel in March, and in October he broke off trade talks with Canada.",
     "Donald Trump broke off trade talks with Canada"),
    # a possessive
    ("Michael Spavor was detained in December 2018. His trial took place behind closed doors in March 2021.",
     "Michael Spavor's trial took place behind closed doors"),
    # two people before the pronoun: who is "he"?
    ("Justin Trudeau met Xi Jinping in Beijing on Monday. Trudeau thanked Li Keqiang, and on Tuesday he flew to "
     "Guangzhou.", "He flew to Guangzhou"),
    # the person before is an object, not the subject
    ("Canadian police arrested Meng Wanzhou in Vancouver on Dec. 1, 2018. She was released on bail on Dec. 11.",
     "She was released on bail"),
    # a paragraph break: the antecedent would be a guess
    ("Meng Wanzhou reached a deal with U.S. prosecutors on Friday.\n\nShe left Vancouver on a flight to Shenzhen "
     "that evening.", "She left Vancouver on a flight to Shenzhen"),
])
def test_events_a_pronoun_subject_is_named_only_when_sure(text, title):
    assert title in _titles(text)


def test_events_the_person_a_pronoun_title_names_is_a_party():
    # "He was taken into custody in Beijing" names Beijing, so the sentences before are not read for
    # parties; the person the title names is one (and their country), so the event can join the
    # other reports of his detention.
    from pipeline.extract import extract_events
    from pipeline.records import Article
    text = ("Michael Kovrig works as an adviser for the International Crisis Group. He was taken into custody "
            "in Beijing on Monday evening.")
    article = Article(article_id="0123456789abcdef", title="", text=text, published=date(2018, 12, 13))
    event = next(e for e in extract_events(article) if e.date_text == "Monday evening")
    assert event.title == "Michael Kovrig was taken into custody in Beijing"
    assert "Michael Kovrig" in event.actors and {"CAN", "CHN"} <= set(event.countries)
