"""The story's key dates: which days of the stored events matter most.

``rank_days(events, mentions)`` is a pure ranking over what the store holds (no database, no
Streamlit): ``events`` are the canonical events, already filtered (``pipeline.query.filter_events``
with the export's or the dashboard's ``Filters``), ``mentions`` what ``Store.mentions_frame()``
gives (each mention's reporting article, its publication date and source, the mention's
sentence position and date basis). It returns the days best first with ``KEYDATE_COLUMNS``:
``date``, ``score``, ``events`` (the day's events) and ``title`` (its leading event).

A day matters when the corpus keeps pointing at it, not when much was published on it. Every
article reporting an event of the day gives the day one vote (its strongest mention there):
- a report from an article published after the day is the full vote: the news of a day is
  written the day after, and an article that still tells it weeks later (backstory, by its
  date or in a narrative) keeps pointing at it;
- a mention on the day itself is weaker (often "today" in an article about something else), and
  so is a forecast (an article published before the day) or an article's own news dated only by
  its publication day (date basis "publication": every article has one, whatever happened);
- a mention in the first sentences, where a news article puts its news, counts double;
- a material act (CAMEO quad class 2 or 4: aid, agreements, attacks, arrests) outweighs a
  statement;
- an article that names many days points less at each of them (listings, chronologies and
  programme pages spread their attention thin).
The votes of one source count with diminishing returns, so several outlets outweigh one
outlet's many updates.

The newest days have had no time to be retold: a day two days before the newest report has two
days of reports, where an older day has a month of them. Their votes are scaled up by what the
store shows of its own lags (how much of a day's first month of votes comes by its second day),
measured on the older days; the store, not a constant, says how news of this story is retold.

Only day-precise events name a day. Coarser ones (a week, a month, a year) contribute nothing:
spreading "in March" over its 31 days would add the same small amount to every day of that month,
changing no order within it while blurring the days the articles actually name. A retelling
that names only the month or year ("in September 2021") but that the merge folded into the day's
event (the same happening, told from the backstory) still points at the day, with a smaller vote:
the article did not name the day, the merge inferred it.

Measured on Timeline17 (``bench/eval_tls.py``): a separate bonus for retellings long after the day
and a decay of the vote with the distance between the report and the day both lowered Date-F1
(pages of old dates, programme schedules), so both are plain later reports here.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from typing import BinaryIO

import numpy as np
import pandas as pd

from pipeline.query import is_doubtful

KEYDATE_COLUMNS: tuple[str, ...] = ("date", "score", "events", "title")

# ----- the weights: one vote per reporting article and day, scaled by these ------------------
# A report from an article published after the day is the unit vote (1).
# A mention published on the day itself: the day's own news is mostly written the day after, and
# a same-day "today" is often in an article about something else.
SAME_DAY = 0.6
# A vote that says little about the day: a forecast (the article was published before the day:
# plans change) or an article's own news dated only by its publication day (every article has
# one, so it measures how much was published rather than what happened).
WEAK = 0.15
# News articles put their news first (the inverted pyramid): a mention in one of the first
# LEAD_SENTENCES sentences counts LEAD times.
LEAD_SENTENCES = 3
LEAD = 2.0
# Material acts (quad classes 2 and 4) over verbal ones (1 and 3): what was done over what was said.
MATERIAL = 1.5
# A mention that names only a coarser period of the day's event ("in September 2021", merged into
# the release of the 24th): the merge, not the article, put it on that day.
RETOLD = 0.7
# An article naming n days gives each of them its vote / n ** DAY_SPREAD: a page naming 16 days
# points half as hard at each as an article about one day, yet a chronology still counts.
DAY_SPREAD = 0.25
# The newest days have not been retold yet: a day a week before the store's newest article has
# had a week of reports, not the month the older days had. Its votes are divided by the share of
# a day's first FOLLOW_UP days of votes that the store shows arriving by then (the store's own
# lags, estimated from the days old enough to show them; FOLLOW_UP_PRIOR votes of "no missing
# reports" keep a small store from guessing), at most 1 / FOLLOW_UP_FLOOR times.
FOLLOW_UP = 30
FOLLOW_UP_PRIOR = 5.0
FOLLOW_UP_FLOOR = 0.5
# The votes of one source for a day count as their sum ** SOURCE_POOLING: four articles of one
# outlet weigh about 2.8 votes, four outlets 4. Articles without a source are pooled as one
# source (nothing says they come from different outlets).
SOURCE_POOLING = 0.75

DAY_PRECISIONS = frozenset({"day"})
MATERIAL_CLASSES = (2, 4)
# Scores are shown and compared at this many decimals; equal scores go to the earlier day.
SCORE_DECIMALS = 3


def empty_keydates() -> pd.DataFrame:
    """No key dates: the columns only."""
    return pd.DataFrame({"date": pd.Series(dtype=object), "score": pd.Series(dtype="float64"),
                         "events": pd.Series(dtype="int64"), "title": pd.Series(dtype=object)})


def _votes(m: pd.DataFrame) -> pd.Series:
    """The vote of each mention for its event's day (``m``: mentions joined with their day)."""
    lag = (m["pub"] - m["day"]).dt.days
    publication = m["date_basis"].fillna("").eq("publication")
    vote = pd.Series(1.0, index=m.index)
    vote[lag == 0] = SAME_DAY
    vote[(lag < 0) | publication] = WEAK
    vote[pd.to_numeric(m["quad_class"], errors="coerce").isin(MATERIAL_CLASSES)] *= MATERIAL
    lead = pd.to_numeric(m["sentence_index"], errors="coerce").lt(LEAD_SENTENCES).fillna(False).astype(bool)
    vote[lead & ~publication] *= LEAD   # the publication default always sits in the lead: no news there
    vote[m["retold"].to_numpy(dtype=bool)] *= RETOLD
    days_named = m.groupby("article_id")["day"].transform("nunique")
    return vote / days_named ** DAY_SPREAD


def seen_share(lag: np.ndarray, age: np.ndarray, vote: np.ndarray) -> np.ndarray:
    """For each vote, the share of its day's eventual votes (over the first ``FOLLOW_UP`` days)
    that the store can already hold: ``age`` is the days from the vote's day to the store's newest
    article, ``lag`` the days from the day to the vote's article. 1 for days at least FOLLOW_UP
    days old and for days to come (their votes are forecasts: nothing is missing).

    A product-limit estimate over the store's own votes: the share arriving by lag L among those
    arriving by L + 1, measured on the days old enough (age > L) to show lag L + 1."""
    span = FOLLOW_UP + 1
    early = (lag >= 0) & (lag <= FOLLOW_UP) & (age >= 0)
    # the early votes tallied by (age, capped at FOLLOW_UP) and lag: a small table, whatever the
    # number of mentions
    table = np.bincount(np.minimum(age[early], FOLLOW_UP) * span + lag[early], weights=vote[early],
                        minlength=span * span).reshape(span, span)
    by_lag = table[::-1].cumsum(axis=0)[::-1].cumsum(axis=1)   # [a, l]: age >= a, lag <= l
    seen = np.ones(span)
    for n in range(FOLLOW_UP - 1, -1, -1):
        seen[n] = seen[n + 1] * (by_lag[n + 1, n] + FOLLOW_UP_PRIOR) / (by_lag[n + 1, n + 1] + FOLLOW_UP_PRIOR)
    recent = (age >= 0) & (age < FOLLOW_UP)
    return np.where(recent, np.maximum(seen[np.clip(age, 0, FOLLOW_UP)], FOLLOW_UP_FLOOR), 1.0)


def rank_days(events: pd.DataFrame, mentions: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """The days named by ``events`` (a filtered ``Store.events_frame()``), ranked by what their
    ``mentions`` (``Store.mentions_frame()``; mentions of other events are ignored) say about
    them, best first; at most ``top`` rows (all when None). Equal scores go to the earlier day,
    and the leading event of a day is the one with the most votes that no flag marks as doubtful
    (else the one with the most votes; then the smallest id), each article voting once for an
    event, as for a day (a live page repeating one update does not outvote three reports)."""
    if events.empty:
        return empty_keydates()
    columns = ["event_id", "date_start", "quad_class", "title"] + (["flags"] if "flags" in events.columns else [])
    day_events = events.loc[events["precision"].isin(DAY_PRECISIONS), columns]
    day_events = day_events.assign(day=pd.to_datetime(day_events["date_start"].astype(str).str[:10],
                                                      format="%Y-%m-%d", errors="coerce")).dropna(subset=["day"])
    if day_events.empty:
        return empty_keydates()
    m = mentions[["event_id", "article_id", "published", "source", "sentence_index", "date_basis"]].assign(
        # (the mention's own precision: how its article dated the event; a frame without it is
        # taken as naming the day)
        retold=~mentions["precision"].fillna("day").isin(DAY_PRECISIONS) if "precision" in mentions else False)
    m = m.merge(day_events[["event_id", "day", "quad_class"]], on="event_id", how="inner")
    m["pub"] = pd.to_datetime(m["published"].astype(str).str[:10], format="%Y-%m-%d", errors="coerce")
    m = m.dropna(subset=["pub"])
    if len(m):
        # (the newest report of these events: the store's dashboard view and the command, given
        # the same filters, rank alike)
        vote = _votes(m)
        m["vote"] = vote / seen_share((m["pub"] - m["day"]).dt.days.to_numpy(),
                                      (m["pub"].max() - m["day"]).dt.days.to_numpy(), vote.to_numpy())
    else:
        m["vote"] = pd.Series(dtype="float64")
    m["outlet"] = m["source"].fillna("").astype(str)
    per_article = m.groupby(["day", "outlet", "article_id"])["vote"].max()
    score = (per_article.groupby(level=["day", "outlet"]).sum() ** SOURCE_POOLING).groupby(level="day").sum()

    counts = day_events.groupby("day", sort=True).size()
    out = pd.DataFrame({"day": counts.index,
                        "score": score.reindex(counts.index).fillna(0.0).round(SCORE_DECIMALS).to_numpy(),
                        "events": counts.astype("int64").to_numpy()})
    out = out.sort_values(["score", "day"], ascending=[False, True], kind="stable")
    if top is not None:
        out = out.head(max(0, top))
    titles = leading_titles(day_events[day_events["day"].isin(out["day"])], m)
    out = pd.DataFrame({"date": out["day"].dt.strftime("%Y-%m-%d").to_numpy(), "score": out["score"].to_numpy(),
                        "events": out["events"].to_numpy(),
                        "title": titles.reindex(out["day"]).fillna("").astype(str).to_numpy()})
    return out.reset_index(drop=True)


def leading_titles(day_events: pd.DataFrame, m: pd.DataFrame) -> pd.Series:
    """The title of each day's leading event (indexed by day): the most voted one that nothing
    marks as doubtful (a date word, no action, a weak date), else the most voted one; each
    article votes once for an event, with its strongest mention (``m``: the mentions with their
    votes)."""
    event_votes = m.groupby(["event_id", "article_id"])["vote"].max().groupby(level="event_id").sum()
    doubtful = is_doubtful(day_events["flags"]) if "flags" in day_events.columns else np.zeros(len(day_events), dtype=bool)
    lead = day_events.assign(votes=day_events["event_id"].map(event_votes).fillna(0.0).round(9), doubtful=doubtful)
    lead = lead.sort_values(["day", "doubtful", "votes", "event_id"], ascending=[True, True, False, True])
    return lead.groupby("day", sort=False)["title"].first()


# ----- output -------------------------------------------------------------------------------

def to_csv_bytes(days: pd.DataFrame) -> bytes:
    """CSV with the header ``date,score,events,title``; titles are article text, so a title a
    spreadsheet would run as a formula is neutralised."""
    from pipeline.export import neutralise_cell

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(KEYDATE_COLUMNS)
    for day, score, n, title in days[list(KEYDATE_COLUMNS)].itertuples(index=False, name=None):
        writer.writerow([day, f"{score:.{SCORE_DECIMALS}f}", int(n), neutralise_cell(str(title))])
    return out.getvalue().encode("utf-8")


def to_json_bytes(days: pd.DataFrame) -> bytes:
    """A JSON array of ``{date, score, events, title}`` objects, best first."""
    records = [{"date": day, "score": float(score), "events": int(n), "title": str(title)}
               for day, score, n, title in days[list(KEYDATE_COLUMNS)].itertuples(index=False, name=None)]
    return json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")


FORMATS = {"csv": to_csv_bytes, "json": to_json_bytes}


def run_keydates(db: str | None, filters, top: int, fmt: str, out: BinaryIO) -> int:
    """Print the ``top`` key days of the store's events passing ``filters`` (a
    ``pipeline.query.Filters``) to ``out`` in ``fmt``; return the exit code (1 when the store is
    missing or unusable)."""
    from pipeline.engine import StoreError, default_db_url
    from pipeline.query import filter_events
    from pipeline.store import open_store

    try:
        store = open_store(db or default_db_url(), create=False)
    except StoreError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    try:
        events = filter_events(store.events_frame(), filters)
        mentions = store.mentions_frame()
    finally:
        store.close()
    out.write(FORMATS[fmt](rank_days(events, mentions, top)))
    out.flush()
    return 0
