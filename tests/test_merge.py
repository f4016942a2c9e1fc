"""Case tables for the same-happening decision, built by hand, in both directions."""
from __future__ import annotations

import pytest

import json

from pipeline.merge import (
    AMBIGUOUS_MARGIN, as_set, best_match, compare, fold, keep_representative, prepare, same_act, same_happening,
)

CARNEY, XI, TAKAICHI = "Mark Carney", "Xi Jinping", "Sanae Takaichi"
KOVRIG = "Michael Kovrig"


def ev(date_start, precision="day", title="", countries=(), actors=(), code="", quad=None, date_end=None):
    """A mention as a plain dict (the store passes dicts too)."""
    ends = {"year": date_start[:4] + "-12-31", "month": None}
    end = date_end or ends.get(precision) or date_start
    if precision == "month" and date_end is None:
        import calendar
        y, m = int(date_start[:4]), int(date_start[5:7])
        end = f"{date_start[:7]}-{calendar.monthrange(y, m)[1]:02d}"
    return {"date_start": date_start, "date_end": end, "precision": precision, "title": title,
            "sentence": title, "countries": tuple(countries), "actors": tuple(actors), "event_code": code,
            "quad_class": quad}


SAME = [
    # A syndicated copy or a near-copy of an article repeats the sentence and its date: one
    # happening, whoever it names (nobody here), even where named parties would conflict.
    ("the same sentence and date, no party named",
     ev("2025-03-08", title="Tariffs took effect", code="163"),
     ev("2025-03-08", title="Tariffs took effect", code="163")),
    ("the same sentence and date, one side naming a party",
     ev("2025-03-08", title="Tariffs took effect", countries=["CAN"], code="163"),
     ev("2025-03-08", title="Tariffs took effect", code="163")),
    ("paraphrase same day",
     ev("2025-10-31", title="Carney met Xi Jinping in Gyeongju", countries=["CAN", "CHN"], actors=[CARNEY, XI],
        code="040", quad=1),
     ev("2025-10-31", title="Xi Jinping and Mark Carney met in Gyeongju", countries=["CHN", "CAN"],
        actors=[XI, CARNEY], code="040", quad=1)),
    ("year mention joins day mention inside it",
     ev("2025-10-31", title="Carney held talks with Xi at the APEC summit", countries=["CAN", "CHN"],
        actors=[CARNEY, XI], code="040"),
     ev("2025-01-01", "year", title="Carney held talks with Xi in 2025", countries=["CAN", "CHN"],
        actors=[CARNEY, XI], code="040")),
    ("month mention joins day mention, one side names fewer parties",
     ev("2018-12-01", title="Canada arrested Meng Wanzhou in Vancouver", countries=["CAN", "CHN"],
        actors=["Meng Wanzhou"], code="173", quad=4),
     ev("2018-12-01", "month", title="Meng Wanzhou was arrested in Vancouver", countries=["CAN"],
        actors=["Meng Wanzhou"], code="173", quad=4)),
    ("sibling codes under one CAMEO root",
     ev("2024-08-26", title="Canada imposed a 100% surtax on Chinese electric vehicles", countries=["CAN", "CHN"],
        code="163", quad=4),
     ev("2024-08-26", title="Canada imposes 100 per cent surtax on Chinese EVs", countries=["CAN", "CHN"],
        code="1631", quad=4)),
    ("actors unknown on one side, countries agree, same wording",
     ev("2025-03-08", title="China imposed tariffs on Canadian canola oil", countries=["CHN", "CAN"], code="163"),
     ev("2025-03-08", title="China imposed tariffs on Canadian canola oil and pork", countries=["CAN", "CHN"],
        actors=["Ministry of Commerce"], code="163")),
    ("incidental extra names on both sides",
     ev("2018-12-01", title="Meng Wanzhou was detained at Vancouver airport", countries=["CAN", "CHN"],
        actors=["Meng Wanzhou", "Huawei", "Ren Zhengfei"], code="173", quad=4),
     ev("2018-12-01", title="Canada arrested Huawei executive Meng Wanzhou in Vancouver", countries=["CAN", "CHN"],
        actors=["Meng Wanzhou", "Huawei", "Michael Kovrig", "Michael Spavor"], code="173", quad=4)),
    ("generic statement code, same wording",
     ev("2026-01-16", title="Carney said the talks with Xi were frank", countries=["CAN"], actors=[CARNEY],
        code="010", quad=1),
     ev("2026-01-16", title="Carney said the talks with Xi were frank.", countries=["CAN"], actors=[CARNEY],
        code="010", quad=1)),
    ("uncoded but the same sentence",
     ev("2021-09-24", title="Kovrig and Spavor returned to Canada", countries=["CAN"], actors=[KOVRIG]),
     ev("2021-09-24", title="Kovrig and Spavor returned to Canada.", countries=["CAN"], actors=[KOVRIG])),
    # The same person arrested: the countries each article names around her differ (China and
    # the United States in one, Canada and China in the other); the shared person decides.
    ("same person, looser countries",
     ev("2018-12-01", title="Meng Wanzhou was arrested in Vancouver at the request of the United States",
        countries=["CHN", "USA"], actors=["Meng Wanzhou"], code="173", quad=4),
     ev("2018-12-01", "month", title="Canada arrested Huawei executive Meng Wanzhou in Vancouver",
        countries=["CAN", "CHN"], actors=["Meng Wanzhou"], code="173", quad=4)),
    # A summit's two days hold the day one article names.
    ("a day inside a two-day summit",
     ev("2025-10-31", title="Carney and Xi met at the APEC summit", countries=["CAN", "CHN"],
        actors=[CARNEY, XI], code="040", quad=1, date_end="2025-11-01"),
     ev("2025-10-31", title="Carney met Xi at the APEC summit", countries=["CAN", "CHN"],
        actors=[CARNEY, XI], code="040", quad=1)),
    # "last week" from a September 3 article runs Aug 26 to Sep 1: most of it is in August.
    ("a week mostly inside the month",
     ev("2024-08-26", "week", title="Ottawa decided to impose surtaxes on Chinese electric vehicles",
        countries=["CAN", "CHN"], code="163", quad=4, date_end="2024-09-01"),
     ev("2024-08-01", "month", title="Canada announced a surtax on Chinese electric vehicles",
        countries=["CAN", "CHN"], code="163", quad=4)),
]

DIFFERENT = [
    ("generic statement code is no evidence: similar but different wording",
     ev("2025-03-20", "month", title="Canada announced new rules for canola exporters", countries=["CAN"],
        code="010", quad=1),
     ev("2025-03-20", "month", title="Canada announced new rules for steel importers", countries=["CAN", "CHN"],
        code="010", quad=1)),
    ("two different meetings on the same day",
     ev("2025-10-31", title="Carney met Xi Jinping in Gyeongju", countries=["CAN", "CHN"], actors=[CARNEY, XI],
        code="040", quad=1),
     ev("2025-10-31", title="Carney met Sanae Takaichi in Gyeongju", countries=["CAN", "JPN"],
        actors=[CARNEY, TAKAICHI], code="040", quad=1)),
    ("two trilateral meetings sharing one leader",
     ev("2025-10-31", title="Carney met Xi and Lee in Gyeongju", countries=["CAN", "CHN", "KOR"],
        actors=[CARNEY, XI, "Lee Jae-myung"], code="040", quad=1),
     ev("2025-10-31", title="Carney met Takaichi and Albanese in Gyeongju", countries=["CAN", "JPN", "AUS"],
        actors=[CARNEY, TAKAICHI, "Anthony Albanese"], code="040", quad=1)),
    ("an arrest and a release in the same year",
     ev("2018-01-01", "year", title="China detained Michael Kovrig in 2018", countries=["CHN", "CAN"],
        actors=[KOVRIG], code="173", quad=4),
     ev("2018-01-01", "year", title="China released Michael Kovrig in 2018", countries=["CHN", "CAN"],
        actors=[KOVRIG], code="0841", quad=2)),
    ("uncoded arrest and release",
     ev("2018-01-01", "year", title="Michael Kovrig was arrested in China", countries=["CHN"], actors=[KOVRIG]),
     ev("2018-01-01", "year", title="Michael Kovrig was released by China", countries=["CHN"], actors=[KOVRIG])),
    ("same parties, different days",
     ev("2017-12-04", title="Trudeau met Li Keqiang in Beijing", countries=["CAN", "CHN"],
        actors=["Justin Trudeau", "Li Keqiang"], code="040"),
     ev("2017-12-05", title="Trudeau met Li Keqiang in Beijing", countries=["CAN", "CHN"],
        actors=["Justin Trudeau", "Li Keqiang"], code="040")),
    ("year mention outside the day mention",
     ev("2025-10-31", title="Carney met Xi", countries=["CAN", "CHN"], actors=[CARNEY, XI], code="040"),
     ev("2024-01-01", "year", title="Carney met Xi", countries=["CAN", "CHN"], actors=[CARNEY, XI], code="040")),
    ("two different years",
     ev("2019-01-01", "year", title="China restricted canola imports", countries=["CHN", "CAN"], code="163"),
     ev("2025-01-01", "year", title="China restricted canola imports", countries=["CHN", "CAN"], code="163")),
    ("decade mentions are too vague to merge",
     ev("2010-01-01", "decade", title="Canada and China grew closer", countries=["CAN", "CHN"], code="030",
        date_end="2019-12-31"),
     ev("2010-01-01", "decade", title="Canada and China grew closer", countries=["CAN", "CHN"], code="030",
        date_end="2019-12-31")),
    ("no party named on either side, in other words",
     ev("2025-03-08", title="Tariffs took effect", code="163"),
     ev("2025-03-08", title="New duties came into force", code="163")),
    ("the same sentence on another date",
     ev("2025-03-08", title="Tariffs took effect", code="163"),
     ev("2025-03-09", title="Tariffs took effect", code="163")),
    ("disjoint countries",
     ev("2024-08-26", title="A surtax on electric vehicles was announced", countries=["CAN"], code="163"),
     ev("2024-08-26", title="A surtax on electric vehicles was announced", countries=["USA"], code="163")),
    ("same code root, opposite quad class",
     ev("2025-06-01", title="Canada and China agreed on trade", countries=["CAN", "CHN"], code="057", quad=1),
     ev("2025-06-01", title="Canada and China agreed on trade", countries=["CAN", "CHN"], code="057", quad=2)),
    ("missing or broken dates never merge",
     ev("", title="Carney met Xi", countries=["CAN"], actors=[CARNEY], code="040"),
     ev("not a date", title="Carney met Xi", countries=["CAN"], actors=[CARNEY], code="040")),
    # Countries still tell apart people-less mentions: {CAN, CHN} and {CHN, KOR}.
    ("no shared person, conflicting countries",
     ev("2025-10-31", title="Officials met in Gyeongju", countries=["CAN", "CHN"], code="040", quad=1),
     ev("2025-10-31", title="Officials met in Gyeongju on trade", countries=["CHN", "KOR"], code="040", quad=1)),
    # A week mostly outside the month does not join it.
    ("a week mostly outside the month",
     ev("2024-08-29", "week", title="Ottawa decided to impose surtaxes on Chinese electric vehicles",
        countries=["CAN", "CHN"], code="163", quad=4, date_end="2024-09-04"),
     ev("2024-08-01", "month", title="Canada announced a surtax on Chinese electric vehicles",
        countries=["CAN", "CHN"], code="163", quad=4)),
    ("two different days of one range never meet",
     ev("2025-10-31", title="Carney met Xi", countries=["CAN", "CHN"], actors=[CARNEY, XI], code="040", quad=1),
     ev("2025-11-01", title="Carney met Xi", countries=["CAN", "CHN"], actors=[CARNEY, XI], code="040", quad=1)),
]


@pytest.mark.parametrize("name,a,b", SAME, ids=[c[0] for c in SAME])
def test_merge_same_happening_merges(name, a, b):
    decision = compare(a, b)
    assert decision.same, (name, decision)
    assert same_happening(b, a), f"{name}: the decision must be symmetric"


@pytest.mark.parametrize("name,a,b", DIFFERENT, ids=[c[0] for c in DIFFERENT])
def test_merge_distinct_happenings_stay_distinct(name, a, b):
    assert not same_happening(a, b), (name, compare(a, b))
    assert not same_happening(b, a), name


def stored(row, mentions=1, reported="2025-11-01"):
    """A mention in the store's form (list cells as JSON text), as ``fold`` takes it."""
    out = {**row, **{k: json.dumps(sorted(row[k])) for k in ("countries", "actors")}, "topics": "[]", "regions": "[]",
           "goldstein": None, "confidence": 0.5, "mentions": mentions, "first_reported": reported,
           "last_reported": reported}
    return out


@pytest.mark.parametrize("canonical,mention,expect_precision,expect_start", [
    (ev("2025-01-01", "year", countries=["CAN"], actors=[CARNEY], code="040"),
     ev("2025-10-31", countries=["CHN"], actors=[XI]), "day", "2025-10-31"),
    (ev("2025-10-31", countries=["CAN"], actors=[CARNEY], code="040"),
     ev("2025-01-01", "year", countries=["CHN"], actors=[XI]), "day", "2025-10-31"),
    (ev("2018-12-01", "month", countries=["CAN"]), ev("2018-12-01", countries=["CAN"]), "day", "2018-12-01"),
])
def test_merge_fold_keeps_finest_date_and_unions_parties(canonical, mention, expect_precision, expect_start):
    out = fold(stored(canonical), stored(mention), "2025-11-03")
    assert out["precision"] == expect_precision
    assert out["date_start"] == expect_start
    assert json.loads(out["countries"]) == sorted(set(canonical["countries"]) | set(mention["countries"]))
    assert json.loads(out["actors"]) == sorted(set(canonical["actors"]) | set(mention["actors"]))
    assert out["event_code"] == (canonical["event_code"] or mention["event_code"])


def test_merge_fold_takes_the_finest_mention_as_the_events_face():
    # The event keeps the finest date, with the sentence, title and article that give it.
    year = {**stored(ev("2018-01-01", "year", title="Relations collapsed in 2018", countries=["CAN"], code="173")),
            "sentence": "Relations collapsed in 2018.", "article_id": "late", "flags": '["no_action"]'}
    day = {**stored(ev("2018-12-01", title="Canada arrested Meng Wanzhou", countries=["CAN"], code="173")),
           "sentence": "Canada arrested Meng Wanzhou on Dec. 1.", "article_id": "early", "flags": "[]"}
    out = fold(year, day, "2018-12-06")
    assert (out["date_start"], out["precision"], out["title"], out["article_id"], out["flags"]) == (
        "2018-12-01", "day", "Canada arrested Meng Wanzhou", "early", "[]")
    assert fold(day, year, "2026-01-13")["title"] == "Canada arrested Meng Wanzhou", "a coarser mention is evidence"
    # As finely dated, the less doubtful mention stands for the event.
    doubtful = {**day, "title": "Saturday", "flags": '["date_word_title", "no_action"]'}
    assert fold(doubtful, day, "2018-12-07")["title"] == "Canada arrested Meng Wanzhou"
    assert fold(day, doubtful, "2018-12-07")["title"] == "Canada arrested Meng Wanzhou"


def test_merge_fold_drops_low_confidence_once_a_mention_is_sure():
    weak = {**stored(ev("2025-03-01", "month", countries=["CHN"], code="163")), "confidence": 0.4,
            "flags": '["low_confidence"]'}
    sure = {**stored(ev("2025-03-01", "month", countries=["CHN"], code="163")), "confidence": 0.9, "flags": "[]"}
    out = fold(weak, {**sure, "flags": '["low_confidence"]', "confidence": 0.45}, "2025-08-12")
    assert out["flags"] == '["low_confidence"]' and out["confidence"] == 0.45
    assert fold(weak, sure, "2025-08-12")["flags"] == "[]"


def test_merge_fold_counts_the_mention_and_its_report_dates():
    event = stored(ev("2025-10-31", countries=["CAN"], code="040"), mentions=2, reported="2025-11-01")
    later = fold(event, {**stored(ev("2025-10-31", countries=["CHN"])), "confidence": 0.9}, "2025-11-05")
    assert (later["mentions"], later["first_reported"], later["last_reported"]) == (3, "2025-11-01", "2025-11-05")
    assert later["confidence"] == 0.9
    earlier = fold(later, stored(ev("2025-10-31", countries=["CAN"])), "2025-10-31")
    assert (earlier["mentions"], earlier["first_reported"], earlier["last_reported"]) == (4, "2025-10-31", "2025-11-05")
    assert event["mentions"] == 2, "fold returns a new row and leaves its input alone"


def test_merge_best_match_takes_the_best_score_ties_to_the_smallest_id():
    mention = prepare(ev("2025-10-31", title="Carney met Xi Jinping in Gyeongju", countries=["CAN", "CHN"],
                         actors=[CARNEY, XI], code="040", quad=1))
    same = prepare(ev("2025-10-31", title="Xi Jinping and Mark Carney met in Gyeongju", countries=["CHN", "CAN"],
                      actors=[XI, CARNEY], code="040", quad=1))
    closer = prepare(ev("2025-10-31", title="Carney met Xi Jinping in Gyeongju", countries=["CAN", "CHN"],
                        actors=[CARNEY, XI], code="040", quad=1))
    other = prepare(ev("2025-10-31", title="Carney met Takaichi", countries=["CAN", "JPN"],
                       actors=[CARNEY, TAKAICHI], code="040", quad=1))
    assert best_match(mention, [("b", same), ("z", closer), ("a", other)]) == "z"
    assert best_match(mention, [("z", closer), ("b", same), ("a", other)]) == "z"
    assert best_match(mention, [("y", closer), ("x", closer)]) == "x"
    assert best_match(mention, [("a", other)]) is None
    assert best_match(mention, []) is None


def test_merge_best_match_leaves_a_coarse_mention_between_two_days_apart():
    # "Trudeau visited China in December 2017" names neither the arrival nor the departure.
    month = prepare(ev("2017-12-01", "month", title="Trudeau visited China", countries=["CAN", "CHN"],
                       actors=["Justin Trudeau"], code="042", quad=1))
    arrival = prepare(ev("2017-12-03", title="Trudeau arrived in China for a visit", countries=["CAN", "CHN"],
                         actors=["Justin Trudeau"], code="042", quad=1))
    departure = prepare(ev("2017-12-07", title="Trudeau ended a visit to China", countries=["CAN", "CHN"],
                           actors=["Justin Trudeau"], code="042", quad=1))
    assert best_match(month, [("a", arrival)]) == "a"
    assert best_match(month, [("a", arrival), ("d", departure)]) is None
    # A finer mention is never ambiguous that way: it joins the best event holding its day.
    day = prepare(ev("2017-12-03", title="Trudeau arrived in China for a visit", countries=["CAN", "CHN"],
                     actors=["Justin Trudeau"], code="042", quad=1))
    assert best_match(day, [("m", month), ("a", arrival)]) == "a"


@pytest.mark.parametrize("cell,expected", [
    (("CAN", "CHN"), {"CAN", "CHN"}),
    ('["CAN", "CHN"]', {"CAN", "CHN"}),
    ("CAN;CHN;", {"CAN", "CHN"}),
    (float("nan"), set()),
    (None, set()),
    ("", set()),
])
def test_merge_as_set_reads_every_cell_form(cell, expected):
    assert as_set(cell) == expected


def _sample_mentions():
    """Every event mention of the sample articles, as the store prepares them."""
    from pathlib import Path

    from pipeline.article import read_article
    from pipeline.extract import extract_article
    from pipeline.storage import storage_rows

    out = []
    for path in sorted((Path(__file__).resolve().parents[1] / "data" / "articles").glob("*.txt"))[:8]:
        article = read_article(path, None)
        out += [m.rec for m in storage_rows(article, extract_article(article)).mentions]
    return out


def test_merge_score_agrees_with_compare_on_sample_mentions():
    # The store's fast path must give compare's verdict, and compare's score for every merge.
    # Real mentions rarely share a date, so each pair is also tried with the first one's date
    # moved onto the second's: that is where wording and score decide.
    from pipeline.merge import MERGEABLE_PRECISIONS, merge_score, prepare

    rows = [r for r in _sample_mentions() if r["precision"] in MERGEABLE_PRECISIONS]
    dated = ("date_start", "date_end", "precision")
    verdicts = {"same": 0, "different": 0}
    for a in rows:
        for b in rows:
            for left in (a, {**a, **{k: b[k] for k in dated}}):
                pa, pb = prepare(left), prepare(b)
                expected = compare(pa, pb)
                assert merge_score(pa, pb) == (expected.score if expected.same else None), (left, b)
                verdicts["same" if expected.same else "different"] += 1
    assert verdicts["same"] > len(rows) and verdicts["different"] > 10 * len(rows)


def test_wording_similarity_is_token_sort_ratio_of_titles_and_sentences():
    # prepare() sorts the words once; the ratio of the sorted texts must be rapidfuzz's
    # token_sort_ratio of the texts as written, the best of title and sentence.
    from rapidfuzz import fuzz

    from pipeline.merge import _text_similarity, prepare

    rows = _sample_mentions()[:80]
    for a in rows:
        for b in rows:
            expected = max(fuzz.token_sort_ratio(a["title"].casefold(), b["title"].casefold()),
                           fuzz.token_sort_ratio(a["sentence"].casefold(), b["sentence"].casefold())) / 100.0
            assert _text_similarity(prepare(a), prepare(b)) == pytest.approx(expected), (a["title"], b["title"])


def test_merge_best_match_prefers_the_event_of_the_very_day():
    # "arrested Meng on Dec. 1, 2018" matches the year event it was first filed under better
    # (same wording) than the day event; it joins the day event, where that day's reports are.
    day = prepare(ev("2018-12-01", title="Meng Wanzhou was arrested in Vancouver", countries=["CAN", "CHN"],
                     actors=["Meng Wanzhou"], code="173", quad=4))
    year = prepare(ev("2018-01-01", "year", title="Canada arrested Huawei executive Meng Wanzhou in Vancouver",
                      countries=["CAN", "CHN"], actors=["Meng Wanzhou"], code="173", quad=4))
    mention = prepare(ev("2018-12-01", title="Canada arrested Huawei executive Meng Wanzhou in Vancouver",
                         countries=["CAN", "CHN"], actors=["Meng Wanzhou"], code="173", quad=4))
    assert compare(year, mention).score > compare(day, mention).score and compare(day, mention).same
    assert best_match(mention, [("a-year", year), ("b-day", day)]) == "b-day"


def test_merge_best_match_a_retelling_joins_the_most_reported_day():
    # "arrested Meng in December 2018" matches the arrest (reported 6 times) and a bail hearing a
    # week later (once) about as well: the story's most reported happening is the clear choice;
    # between two days reported alike it stays apart.
    arrest = prepare({**ev("2018-12-01", title="Meng Wanzhou was arrested in Vancouver", countries=["CAN", "CHN"],
                           actors=["Meng Wanzhou"], code="173", quad=4), "mentions": 6})
    hearing = prepare(ev("2018-12-07", title="A bail hearing for Meng Wanzhou was set in Vancouver",
                         countries=["CAN", "CHN"], actors=["Meng Wanzhou"], code="173", quad=4))
    mention = prepare(ev("2018-12-01", "month", title="Canada arrested Meng Wanzhou in Vancouver",
                         countries=["CAN", "CHN"], actors=["Meng Wanzhou"], code="173", quad=4))
    assert compare(arrest, mention).same and compare(hearing, mention).same
    assert best_match(mention, [("a", arrest), ("h", hearing)]) == "a"
    alike = prepare({**ev("2018-12-01", title="Meng Wanzhou was arrested in Vancouver", countries=["CAN", "CHN"],
                          actors=["Meng Wanzhou"], code="173", quad=4), "mentions": 2})
    assert best_match(mention, [("a", alike), ("h", hearing)]) is None


def test_merge_best_match_most_reported_day_wins_even_when_it_scores_a_little_lower():
    # "relations collapsed in 2018 following Canada's arrest of Meng": worded a little closer to
    # a bail hearing told once than to the arrest told a dozen times, within the margin; the arrest
    # is the happening the retelling names. Reported alike, neither.
    arrest = prepare({**ev("2018-12-01", title="Police detained the Huawei executive at the airport",
                           countries=["CAN", "CHN"], actors=["Meng Wanzhou"], code="173", quad=4), "mentions": 12})
    hearing = prepare(ev("2018-12-07", title="Canada held Meng Wanzhou of Huawei at a bail hearing",
                         countries=["CAN", "CHN"], actors=["Meng Wanzhou"], code="173", quad=4))
    mention = prepare(ev("2018-01-01", "year", title="Relations collapsed after Canada arrested Meng Wanzhou of Huawei",
                         countries=["CAN", "CHN"], actors=["Meng Wanzhou"], code="173", quad=4))
    scores = {name: compare(event, mention) for name, event in (("a", arrest), ("h", hearing))}
    assert scores["a"].same and scores["h"].same
    assert 0 < scores["h"].score - scores["a"].score <= AMBIGUOUS_MARGIN   # the hearing scores higher
    assert best_match(mention, [("a", arrest), ("h", hearing)]) == "a"
    arrest_once = prepare({**ev("2018-12-01", title="Police detained the Huawei executive at the airport",
                                countries=["CAN", "CHN"], actors=["Meng Wanzhou"], code="173", quad=4), "mentions": 2})
    assert best_match(mention, [("a", arrest_once), ("h", hearing)]) is None


def test_merge_best_match_a_visit_told_as_a_whole_joins_the_coarser_telling():
    # "Trudeau visited China in December 2017" matches each day of the visit about as well: no
    # day stands out, so it joins "a year ago, Trudeau travelled to Beijing" (the visit as a whole)
    # when that names the same person and matches about as well; never a party-less guess.
    days = [(f"d{n}", prepare(ev(f"2017-12-0{n}", title=f"Trudeau visited {place}", countries=["CAN", "CHN"],
                                  actors=["Justin Trudeau"], code="042", quad=1)))
            for n, place in ((4, "Beijing on a trade mission"), (6, "Guangzhou on a trade mission"))]
    whole = prepare(ev("2017-01-01", "year", title="Trudeau visited China on a trade mission to Beijing",
                       countries=["CAN", "CHN"], actors=["Justin Trudeau"], code="042", quad=1))
    mention = prepare(ev("2017-12-01", "month", title="Trudeau visited China on a trade mission",
                         countries=["CAN", "CHN"], actors=["Justin Trudeau"], code="042", quad=1))
    assert best_match(mention, days) is None
    assert best_match(mention, days + [("whole", whole)]) == "whole"
    nobody = prepare(ev("2017-12-01", "month", title="Trudeau visited China on a trade mission",
                        countries=["CAN", "CHN"], code="042", quad=1))
    assert best_match(nobody, days + [("whole", whole)]) is None


def test_merge_the_same_act_of_the_same_people_on_one_day():
    # "A judge discharged Meng" and "The three were released", both 0841 on 2021-09-24: wording
    # and parties score too low, but it is the same specific act on the same day, and Meng is
    # one of the three. A coarser date, another code, a general code or people of their own are not.
    three = ["Meng Wanzhou", "Michael Kovrig", "Michael Spavor"]
    released = prepare({**ev("2021-09-24", title="The three were released", countries=["CHN", "USA"], actors=three,
                             code="0841", quad=2), "mentions": 8})
    discharged = prepare(ev("2021-09-24", title="A judge of the Supreme Court of British Columbia discharged Meng",
                            countries=["CAN"], actors=["Meng Wanzhou"], code="0841", quad=2))
    assert not compare(released, discharged).same and same_act(released, discharged)
    assert best_match(discharged, [("rel", released)]) == "rel"
    for other in (ev("2021-09-01", "month", title="x", actors=three, code="0841", quad=2),
                  ev("2021-09-24", title="x", actors=three, code="0842", quad=2),
                  ev("2021-09-24", title="x", actors=three, code="08", quad=2),
                  ev("2021-09-24", title="x", actors=["Michael Kovrig", "Justin Trudeau"], code="0841", quad=2),
                  ev("2021-09-24", title="x", code="0841", quad=2)):
        assert not same_act(prepare(other), discharged)
    # a match on wording and parties comes first
    twin = prepare(ev("2021-09-24", title="A judge of the Supreme Court of British Columbia discharged Meng",
                      countries=["CAN"], actors=["Meng Wanzhou"], code="0841", quad=2))
    assert best_match(discharged, [("rel", released), ("twin", twin)]) == "twin"


def test_merge_an_event_that_absorbs_another_keeps_its_face():
    before = {**ev("2021-09-24", title="The three were released"), "flags": "[]", "sentence_index": 4}
    rebuilt = {**ev("2021-09-24", title="A judge discharged Meng"), "flags": "[]", "sentence_index": 2}
    assert keep_representative(rebuilt, before)["title"] == "The three were released"
    finer = {**rebuilt, "date_start": "2021-09-24", "precision": "day"}
    coarse_before = {**before, "precision": "month"}
    assert keep_representative(finer, coarse_before)["title"] == "A judge discharged Meng"
