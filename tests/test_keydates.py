"""The story's key dates: the ranking over hand-built stores and frames, the store's mention
reader, and the ``keydates`` command (formats, filters, errors)."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import add_events, make_article, make_event
from pipeline import cli
from pipeline.keydates import KEYDATE_COLUMNS, rank_days, to_csv_bytes, to_json_bytes
from pipeline.query import Filters, filter_events
from pipeline.records import EVENT_COLUMNS
from pipeline.store import MENTION_FRAME_COLUMNS, open_store

REPO = Path(__file__).resolve().parent.parent
HEADER = ",".join(KEYDATE_COLUMNS)


def _day(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def _add(store, article_id: str, published: str, *events: dict, source: str = "") -> None:
    """One article reporting ``events``, plus its own news dated by its publication day (every
    extracted article has that "publication" event)."""
    own = make_event(f"{article_id}-own", published, title=f"Own news of {article_id}", date_basis="publication")
    add_events(store, make_article(article_id, published, source=source),
               pd.DataFrame([own, *events], columns=list(EVENT_COLUMNS)))


def _report(event_id: str, day: str, title: str, **kw) -> dict:
    """A dated mention in an article's body (not its lead)."""
    kw.setdefault("sentence_index", 5)
    kw.setdefault("date_basis", "explicit")
    return make_event(event_id, day, title=title, **kw)


def _ranked(url: str, filters: Filters = Filters(), top: int | None = None) -> pd.DataFrame:
    with open_store(url) as store:
        return rank_days(filter_events(store.events_frame(), filters), store.mentions_frame(), top)


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'keydates.db'}"


@pytest.fixture
def story(url):
    """A ceasefire day (2025-03-03) that four later articles report, a busy news day (2025-03-12:
    twelve articles published on it, each about something else), and a Canadian sanctions day
    (2025-06-10) that two later articles report."""
    with open_store(url) as s:
        for i, lag in enumerate((1, 2, 7, 17)):
            _add(s, f"later{i}", _day("2025-03-03", lag),
                 _report(f"cease{i}", "2025-03-03", "Ceasefire signed in Doha", countries=("QAT",)))
        for i in range(12):
            _add(s, f"busy{i}", "2025-03-12",
                 _report(f"old{i}", f"2024-0{1 + i % 9}-1{i % 9}", f"An older matter {i}"))
        for i, lag in enumerate((1, 3)):
            _add(s, f"sanction{i}", _day("2025-06-10", lag),
                 _report(f"sanc{i}", "2025-06-10", "=Canada imposed sanctions", countries=("CAN",), event_code="163",
                         quad_class=4))
    return url


# ----- the ranking ----------------------------------------------------------------------------

def test_keydates_later_reports_outrank_a_busy_publication_day(story):
    days = _ranked(story)
    assert list(days.columns) == list(KEYDATE_COLUMNS)
    assert days["date"].iloc[0] == "2025-03-03"
    assert days["title"].iloc[0] == "Ceasefire signed in Doha"
    ranks = {d: i for i, d in enumerate(days["date"])}
    assert ranks["2025-03-03"] < ranks["2025-03-12"]
    assert days.set_index("date").loc["2025-03-12", "events"] == 12   # twelve publication events
    assert list(days["score"]) == sorted(days["score"], reverse=True)


def test_keydates_top_keeps_the_best(story):
    assert list(_ranked(story, top=2)["date"]) == list(_ranked(story)["date"])[:2]
    assert _ranked(story, top=0).empty


@pytest.mark.parametrize("filters,expected", [
    (Filters(countries=("CAN",)), ["2025-06-10"]),
    (Filters(countries=("QAT", "CAN")), ["2025-03-03", "2025-06-10"]),
    (Filters(q="ceasefire"), ["2025-03-03"]),
    (Filters(types=("16",)), ["2025-06-10"]),
    (Filters(date_from=date(2025, 3, 10), date_to=date(2025, 3, 31)), ["2025-03-10", "2025-03-12", "2025-03-20"]),
    (Filters(date_from=date(2025, 6, 1)), ["2025-06-10", "2025-06-11", "2025-06-13"]),
    (Filters(date_to=date(2023, 12, 31)), []),
])
def test_keydates_filters_restrict_the_days(story, filters, expected):
    assert sorted(_ranked(story, filters)["date"]) == expected


def test_keydates_backstory_references_count(url):
    """Day A is recounted, by date or in a narrative, by articles published months later; day B
    only has the articles published on it."""
    with open_store(url) as s:
        _add(s, "a-day", "2025-02-01")
        _add(s, "b-day", "2025-02-02")
        for i, basis in enumerate(("explicit", "narrative", "explicit")):
            _add(s, f"back{i}", _day("2025-02-01", 90 + 30 * i),
                 _report(f"recount{i}", "2025-02-01", "The blockade began", date_basis=basis))
    days = _ranked(url).set_index("date")
    assert days.loc["2025-02-01", "score"] > days.loc["2025-02-02", "score"]
    assert days.index[0] == "2025-02-01" and days.loc["2025-02-01", "title"] == "The blockade began"


def _frames(rows: list[tuple]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events and mentions frames: one row per (event_id, day, quad_class, [(article, published,
    basis, sentence_index), ...]), each article its own source."""
    events = pd.DataFrame([make_event(e, day, title=f"title {e}", quad_class=q) for e, day, q, _ in rows],
                          columns=list(EVENT_COLUMNS))
    mentions = pd.DataFrame([(e, a, pub, "", idx, "day", basis) for e, _, _, ms in rows for a, pub, basis, idx in ms],
                            columns=list(MENTION_FRAME_COLUMNS))
    return events, mentions


# Two days with one report each, (days from the day to the report's publication, date basis,
# sentence index, quad class): the first outranks the second.
@pytest.mark.parametrize("stronger,weaker", [
    ((1, "relative", 9, None), (0, "relative", 9, None)),         # the day after > the day itself
    ((0, "relative", 9, None), (-1, "relative", 9, None)),        # the day itself > a forecast
    ((0, "relative", 9, None), (0, "publication", 0, None)),      # a dated mention > the article's default
    ((60, "explicit", 9, None), (0, "publication", 0, None)),     # backstory > the default
    ((60, "narrative", 9, None), (-1, "explicit", 9, None)),      # backstory > a forecast
    ((1, "relative", 0, None), (1, "relative", 9, None)),         # the lead > the body
    ((1, "relative", 9, 4), (1, "relative", 9, 1)),               # an act > a statement
    ((1, "relative", 9, 2), (1, "relative", 9, 3)),               # material cooperation > verbal conflict
])
def test_keydates_what_a_single_report_is_worth(stronger, weaker):
    rows = [(name, day, quad, [(f"article-{name}", _day(day, lag), basis, index)])
            for name, day, (lag, basis, index, quad) in (("s", "2025-05-01", stronger), ("w", "2025-05-11", weaker))]
    days = rank_days(*_frames(rows))
    assert list(days["title"]) == ["title s", "title w"] and days["score"].iloc[0] > days["score"].iloc[1]


def test_keydates_many_days_in_one_article_point_less_at_each():
    events, mentions = _frames([("one", "2025-05-01", None, [("focused", "2025-05-02", "relative", 9)])] + [
        (f"list{i}", f"2025-05-{10 + i}", None, [("listing", "2025-05-30", "explicit", 9)]) for i in range(16)])
    days = rank_days(events, mentions).set_index("date")
    assert days.loc["2025-05-01", "score"] > days.loc["2025-05-10", "score"] > 0


def test_keydates_several_outlets_outweigh_one_outlets_updates():
    events, mentions = _frames([("a", "2025-05-01", None, [(f"a{i}", "2025-05-02", "relative", 9) for i in range(4)]),
                                ("b", "2025-05-03", None, [(f"b{i}", "2025-05-04", "relative", 9) for i in range(4)])])
    mentions["source"] = ["Wire"] * 4 + ["Wire", "Herald", "Post", "Times"]
    days = rank_days(events, mentions)
    assert list(days["date"]) == ["2025-05-03", "2025-05-01"]


def test_keydates_one_article_votes_once_per_day():
    events, mentions = _frames([("a", "2025-05-01", None, [("x", "2025-05-02", "relative", 9)] * 5),
                                ("b", "2025-05-03", None, [("y", "2025-05-04", "relative", 9),
                                                           ("z", "2025-05-04", "relative", 9)])])
    assert rank_days(events, mentions)["date"].iloc[0] == "2025-05-03"


@pytest.mark.parametrize("precision,start,end", [
    ("month", "2025-05-01", "2025-05-31"), ("year", "2025-01-01", "2025-12-31"), ("week", "2025-05-05", "2025-05-11"),
])
def test_keydates_coarser_events_name_no_day(precision, start, end):
    events, mentions = _frames([("coarse", start, 4, [("x", "2025-06-02", "explicit", 0)])])
    events["precision"], events["date_end"] = precision, end
    assert rank_days(events, mentions).empty


def test_keydates_a_coarse_retelling_points_at_the_day_less():
    """Retellings "in May 2025" that the merge folded into a day's event (the same happening, told
    from the backstory) still point at its day, with a smaller vote than reports naming the day:
    the merge, not the article, put them there."""
    events, mentions = _frames([
        ("named", "2025-05-10", None, [("b1", "2025-05-11", "relative", 9), ("b2", "2025-05-11", "relative", 9)]),
        ("retold", "2025-05-20", None, [("a1", "2025-05-21", "relative", 9)]
         + [(f"a{i}", "2025-07-01", "explicit", 9) for i in (2, 3)]),
    ])
    as_days = rank_days(events, mentions).set_index("date")["score"]
    mentions.loc[mentions["article_id"].isin(["a2", "a3"]), "precision"] = "month"
    as_retold = rank_days(events, mentions).set_index("date")["score"]
    assert as_retold["2025-05-10"] == as_days["2025-05-10"]
    assert as_days["2025-05-20"] > as_retold["2025-05-20"] > as_days["2025-05-10"]
    # without the retellings the day would fall behind: they count
    alone = rank_days(events, mentions[~mentions["article_id"].isin(["a2", "a3"])]).set_index("date")["score"]
    assert as_retold["2025-05-20"] > alone["2025-05-20"]


def _lagged(day: str, name: str, lags: tuple[int, ...]) -> tuple:
    """An event on ``day`` reported by one article ``lag`` days later for each lag."""
    return (name, day, None, [(f"{name}-{i}", _day(day, lag), "relative", 9) for i, lag in enumerate(lags)])


def test_keydates_the_newest_day_is_not_penalised_for_reports_still_to_come():
    """Twenty older days were each reported by two articles the next day and two more ten days
    later. The newest day has three next-day reports, all it can have so far: by what the older
    days show, half of its reports are still to come, so it outranks the older days' four."""
    rows = [_lagged(_day("2025-03-01", 3 * i), f"old{i}", (1, 1, 10, 10)) for i in range(20)]
    newest = _day("2025-03-01", 3 * 19 + 12)
    rows.append(_lagged(newest, "new", (1, 1, 1)))
    days = rank_days(*_frames(rows))
    assert days["date"].iloc[0] == newest
    # the same day, as old as the others, with the same three reports, ranks below them
    rows[-1] = _lagged("2025-01-01", "new", (1, 1, 1))
    assert rank_days(*_frames(rows))["date"].iloc[-1] == "2025-01-01"


def test_keydates_seen_share_of_a_days_reports():
    """Half of each older day's votes come the next day and half ten days later."""
    from pipeline.keydates import FOLLOW_UP, FOLLOW_UP_FLOOR, seen_share
    lag = np.array([1, 10] * 200)
    age = np.repeat(np.arange(200) + 40, 2)
    vote = np.ones(400)
    probe_age = np.array([-3, 0, 1, 5, 9, 10, 20, FOLLOW_UP, 400])
    share = seen_share(np.concatenate([lag, np.zeros(len(probe_age), int)]),
                       np.concatenate([age, probe_age]), np.concatenate([vote, np.zeros(len(probe_age))]))[400:]
    by_age = dict(zip(probe_age.tolist(), share.tolist()))
    assert by_age[-3] == by_age[FOLLOW_UP] == by_age[400] == 1.0     # days to come, and old days
    for days_old in (1, 5, 9):                                        # the next day's half is in
        assert by_age[days_old] == pytest.approx(0.5, abs=0.02)
    assert by_age[0] == FOLLOW_UP_FLOOR        # nothing comes the same day: at most doubled
    assert by_age[10] == by_age[20] == pytest.approx(1.0)


def test_keydates_a_small_store_is_not_rescaled():
    """Two days with one report each: too little to measure how this story is retold."""
    rows = [_lagged("2025-05-01", "a", (3,)), _lagged("2025-05-10", "b", (0,))]
    days = rank_days(*_frames(rows)).set_index("date")["score"]
    assert days["2025-05-01"] > days["2025-05-10"]


def test_keydates_the_leading_title_is_not_a_doubtful_one():
    """The day's most reported event has no clause that says what happened; the title is the next
    one's, which does. A day with only doubtful events still gets a title."""
    events, mentions = _frames([
        ("vague", "2025-05-01", None, [(f"v{i}", "2025-05-02", "relative", 9) for i in range(3)]),
        ("clear", "2025-05-01", None, [("c0", "2025-05-02", "relative", 9)]),
        ("alone", "2025-05-08", None, [("a0", "2025-05-09", "relative", 9)]),
    ])
    events["flags"] = [("no_action",), (), ("date_word_title",)]
    days = rank_days(events, mentions).set_index("date")
    assert days.loc["2025-05-01", "title"] == "title clear"
    assert days.loc["2025-05-08", "title"] == "title alone"
    events["flags"] = [(), (), ()]
    assert rank_days(events, mentions).set_index("date").loc["2025-05-01", "title"] == "title vague"


def test_keydates_the_leading_title_counts_each_article_once():
    """A live page repeating one event in five of its updates does not outvote an event that three
    articles report: the day's title is the one most articles tell."""
    events, mentions = _frames([
        ("repeated", "2025-05-01", None, [("live", "2025-05-02", "relative", 9 + i) for i in range(5)]),
        ("told", "2025-05-01", None, [(f"t{i}", "2025-05-02", "relative", 9) for i in range(3)]),
    ])
    assert rank_days(events, mentions)["title"].iloc[0] == "title told"


def test_keydates_ties_are_deterministic():
    """Equal evidence: the earlier day first, whatever the input order; within a day the event
    with the most votes leads, then the smallest id."""
    rows = [("e2", "2025-05-03", None, [("a2", "2025-05-04", "relative", 9)]),
            ("e1", "2025-05-01", None, [("a1", "2025-05-02", "relative", 9)]),
            ("e4", "2025-05-01", None, [])]
    events, mentions = _frames(rows)
    first = rank_days(events, mentions)
    again = rank_days(events.iloc[::-1].reset_index(drop=True), mentions.iloc[::-1].reset_index(drop=True))
    pd.testing.assert_frame_equal(first, again)
    assert list(first["date"]) == ["2025-05-01", "2025-05-03"]
    assert first["score"].iloc[0] == first["score"].iloc[1]
    assert list(first["events"]) == [2, 1] and first["title"].iloc[0] == "title e1"
    events, mentions = _frames([("b", "2025-05-01", None, [("x", "2025-05-02", "relative", 9)]),
                                ("a", "2025-05-01", None, [("y", "2025-05-02", "relative", 9)])])
    assert rank_days(events, mentions)["title"].iloc[0] == "title a"


def test_keydates_nothing_to_rank():
    events, mentions = _frames([])
    for frame in (rank_days(events, mentions), rank_days(events.iloc[0:0], mentions)):
        assert frame.empty and list(frame.columns) == list(KEYDATE_COLUMNS)
    assert to_csv_bytes(rank_days(events, mentions)).decode() == HEADER + "\n"
    assert json.loads(to_json_bytes(rank_days(events, mentions))) == []


def test_keydates_days_without_mentions_score_nothing():
    events, mentions = _frames([("lonely", "2025-05-01", None, [])])
    days = rank_days(events, mentions)
    assert list(days.itertuples(index=False, name=None)) == [("2025-05-01", 0.0, 1, "title lonely")]


# ----- the store's mention reader -------------------------------------------------------------

def test_keydates_mentions_frame_joins_each_mention_with_its_article(store_url):
    with open_store(store_url) as s:
        _add(s, "early", "2025-03-04", _report("r1", "2025-03-03", "Ceasefire signed", date_basis="relative"),
             source="Wire")
        _add(s, "late", "2025-05-04", _report("r2", "2025-03-03", "Ceasefire signed", date_basis="narrative",
                                             sentence_index=1), source="Herald")
        frame = s.mentions_frame()
        events = s.events_frame()
    assert list(frame.columns) == list(MENTION_FRAME_COLUMNS)
    assert len(frame) == 4 and set(frame["event_id"]) <= set(events["event_id"])
    rows = {(r.article_id, r.date_basis): r for r in frame.itertuples()}
    assert rows[("early", "relative")].published == "2025-03-04" and rows[("early", "relative")].source == "Wire"
    assert rows[("late", "narrative")].sentence_index == 1 and rows[("late", "narrative")].precision == "day"
    assert rows[("late", "publication")].published == "2025-05-04"


def test_keydates_mentions_frame_of_an_empty_store(store_url):
    with open_store(store_url) as s:
        frame = s.mentions_frame()
    assert frame.empty and list(frame.columns) == list(MENTION_FRAME_COLUMNS)


# ----- the command ----------------------------------------------------------------------------

def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["keydates", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_keydates_cli_csv(story, capsys):
    code, out, err = _cli(capsys, "--db", story, "--top", "3")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0] == HEADER and len(rows) == 3
    assert rows[0]["date"] == "2025-03-03" and rows[0]["title"] == "Ceasefire signed in Doha"
    assert float(rows[0]["score"]) >= float(rows[1]["score"]) >= float(rows[2]["score"])
    sanctions = next(r for r in rows if r["date"] == "2025-06-10")
    assert sanctions["title"] == "'=Canada imposed sanctions"   # a formula stays text in a spreadsheet


def test_keydates_cli_json_with_filters(story, capsys):
    code, out, err = _cli(capsys, "--db", story, "--top", "5", "--format", "json", "--country", "can,qat",
                          "--from", "2025-03-01", "--to", "2025-06-30")
    assert code == 0, err
    days = json.loads(out)
    assert [d["date"] for d in days] == ["2025-03-03", "2025-06-10"]
    assert set(days[0]) == set(KEYDATE_COLUMNS) and days[0]["events"] == 1
    assert isinstance(days[0]["score"], float) and days[1]["title"] == "=Canada imposed sanctions"


@pytest.mark.parametrize("fmt,expected", [("csv", HEADER + "\n"), ("json", "[]")])
def test_keydates_cli_empty_store(url, capsys, fmt, expected):
    open_store(url).close()
    code, out, err = _cli(capsys, "--db", url, "--top", "10", "--format", fmt)
    assert code == 0, err
    assert out == expected


@pytest.mark.parametrize("args,message", [
    (["--top", "0"], "--top must be a positive whole number"),
    (["--top", "-3"], "--top must be a positive whole number"),
    (["--top", "ten"], "--top must be a positive whole number"),
    (["--top", "2.5"], "--top must be a positive whole number"),
    (["--top", "5", "--from", "2025-07-01", "--to", "2025-03-01"], "--from 2025-07-01 is after --to 2025-03-01"),
])
def test_keydates_cli_usage_errors(story, capsys, args, message):
    code, out, err = _cli(capsys, "--db", story, *args)
    assert code == 2 and out == ""
    assert err.startswith("error:") and message in err and err.count("\n") == 1


def test_keydates_cli_missing_or_unusable_store(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "none.db"
    code, out, err = _cli(capsys, "--db", f"sqlite:///{missing}", "--top", "3")
    assert code == 1 and out == "" and err.count("\n") == 1 and str(missing) in err
    assert not missing.exists() and not missing.parent.exists()   # reading never creates a store
    bad = tmp_path / "bad.db"
    bad.write_text("not a database at all, just text " * 10)
    code, out, err = _cli(capsys, "--db", f"sqlite:///{bad}", "--top", "3")
    assert code == 1 and out == "" and err.startswith("error:") and err.count("\n") == 1


def test_keydates_cli_end_to_end(story):
    proc = subprocess.run([sys.executable, "-m", "pipeline", "keydates", "--db", story, "--top", "2"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == HEADER and proc.stdout.splitlines()[1].startswith("2025-03-03,")
    bad = subprocess.run([sys.executable, "-m", "pipeline", "keydates", "--db", story, "--top", "x"],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
