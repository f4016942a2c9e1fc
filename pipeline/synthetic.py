"""Synthetic events shaped like ``Store.events_frame()``, for tests and benchmarks (not sample data:
the values are drawn at random from small lists of real countries, topics, actors and codes)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.records import EVENT_COLUMNS

_COUNTRIES = ("CAN", "CHN", "USA", "FRA", "DEU", "IND", "JPN", "BRA", "RUS", "GBR", "AUS", "MEX",
              "KOR", "ZAF", "NGA", "EGY", "TUR", "IDN", "ARG", "UKR")
_TOPICS = ("trade", "diplomacy", "security", "energy", "agriculture", "human-rights", "climate",
           "technology")
_ACTORS = ("Mark Carney", "Xi Jinping", "Li Qiang", "Justin Trudeau", "Melanie Joly",
           "Wang Yi", "Donald Trump", "Meng Wanzhou")
_CODES = ("010", "036", "042", "043", "057", "061", "111", "112", "163", "172", "173")
_GOLD = {"010": 0.0, "036": 4.0, "042": 1.9, "043": 2.8, "057": 8.0, "061": 6.4, "111": -2.0,
         "112": -2.0, "163": -8.0, "172": -5.0, "173": -5.0}
_DOUBT = ("no_action",)
_PRECISIONS = np.array(["day", "day", "day", "month", "year", "decade"], dtype=object)


def synthetic_events(n: int, seed: int = 7, start_year: int = 1996, years: int = 30) -> pd.DataFrame:
    """``n`` plausible events (vectorised, so a million rows take seconds, not minutes)."""
    rng = np.random.default_rng(seed)
    base = np.datetime64(f"{start_year}-01-01", "D")
    offsets = rng.integers(0, years * 365, n)
    starts = base + offsets.astype("timedelta64[D]")
    prec = _PRECISIONS[rng.integers(0, len(_PRECISIONS), n)]
    month = starts.astype("datetime64[M]")
    year = starts.astype("datetime64[Y]")
    decade_year = (year.astype(np.int64) // 10) * 10
    decade = decade_year.astype("datetime64[Y]")
    start = np.where(prec == "month", month.astype("datetime64[D]"),
                     np.where(prec == "year", year.astype("datetime64[D]"),
                              np.where(prec == "decade", decade.astype("datetime64[D]"), starts)))
    end = np.where(prec == "month", (month + 1).astype("datetime64[D]") - 1,
                   np.where(prec == "year", (year + 1).astype("datetime64[D]") - 1,
                            np.where(prec == "decade", (decade + 10).astype("datetime64[D]") - 1,
                                     starts)))
    start_s = np.datetime_as_string(start.astype("datetime64[D]"), unit="D")
    end_s = np.datetime_as_string(end.astype("datetime64[D]"), unit="D")
    c1 = rng.integers(0, len(_COUNTRIES), n)
    c2 = (c1 + 1 + rng.integers(0, len(_COUNTRIES) - 1, n)) % len(_COUNTRIES)
    country_pairs = {(i, j): (_COUNTRIES[i], _COUNTRIES[j]) for i in range(len(_COUNTRIES))
                     for j in range(len(_COUNTRIES))}
    countries = [country_pairs[(i, j)] for i, j in zip(c1.tolist(), c2.tolist())]
    topics_t = [(t,) for t in _TOPICS]
    topics = [topics_t[i] for i in rng.integers(0, len(_TOPICS), n).tolist()]
    actors_t = [(a,) for a in _ACTORS] + [()]
    actors = [actors_t[i] for i in rng.integers(0, len(actors_t), n).tolist()]
    codes = np.array(_CODES, dtype=object)[rng.integers(0, len(_CODES), n)]
    gold = np.array([_GOLD[c] for c in _CODES])[np.searchsorted(np.array(_CODES), codes)]
    # Hex ids like the store's content hashes; seed in the high bits keeps seeds apart.
    ids = [f"{seed & 0xFFFF:04x}{i:012x}" for i in range(n)]
    n_articles = max(1, n // 5)
    art_index = rng.integers(0, n_articles, n)
    article_ids = np.array([f"{i:016x}" for i in range(n_articles)], dtype=object)[art_index]
    published = np.datetime_as_string(starts + rng.integers(0, 30, n).astype("timedelta64[D]"), unit="D")
    numbers = np.arange(n).astype(str)
    titles = np.char.add("Synthetic event ", numbers)
    frame = pd.DataFrame({
        "event_id": ids, "article_id": article_ids, "date_start": start_s, "date_end": end_s,
        "precision": prec, "timex_value": start_s, "date_text": start_s, "date_basis": "explicit",
        "tense": "past", "title": titles.astype(object),
        "sentence": np.char.add(np.char.add("On ", start_s), " something happened.").astype(object),
        "countries": countries, "actors": actors, "topics": topics, "event_code": codes,
        "goldstein": gold, "confidence": 0.8, "regions": [()] * n,
        "quad_class": np.where(gold >= 0, 1, 3), "sentence_index": 0, "date_char_start": 3,
        "date_char_end": 13, "published": published,
        "article_title": np.char.add("Synthetic article ", art_index.astype(str)).astype(object),
        # One event in twelve is doubtful, as the extractor flags events no clause names.
        "flags": [_DOUBT if i % 12 == 0 else () for i in range(n)],
    })
    frame = frame[list(EVENT_COLUMNS)]
    frame["mentions"] = 1
    frame["first_reported"] = published
    frame["last_reported"] = published
    frame["article_ids"] = [(a,) for a in frame["article_id"].tolist()]
    frame["sources"] = [(t,) for t in frame["article_title"].tolist()]
    return frame


def fill_store(url: str, events: pd.DataFrame, titles: dict[str, str] | None = None,
               urls: dict[str, str] | None = None) -> list:
    """Add ``events`` to the store at ``url`` through ``Store.add_article``, one article per article_id."""
    from datetime import date as _date

    from pipeline.records import Article
    from pipeline.storage import storage_rows
    from pipeline.store import open_store

    results = []
    with open_store(url) as store:
        for article_id, group in events.groupby("article_id", sort=True):
            first = group.iloc[0]
            title = (titles or {}).get(article_id) or str(first.get("article_title") or article_id)
            art = Article(article_id=str(article_id), title=title, text="\n".join(group["sentence"]),
                          published=_date.fromisoformat(str(first["published"])[:10]),
                          url=(urls or {}).get(article_id, ""), source="Test Wire")
            results.append(store.add_article(art, storage_rows(art, group[list(EVENT_COLUMNS)])))
    return results
