"""Score the merge (one event per real happening) against the hand-made gold of the sample articles.

    python bench/eval_coref.py [--gold tests/fixtures/coref_gold.yaml] [--details]

Ingests ``data/articles/`` into a temporary store, matches every stored mention to the gold
(``tests/fixtures/coref_gold.yaml``: article, date expression, a piece of the sentence) and scores
the store's events with B-cubed (Bagga and Baldwin 1998): for each mention, precision is the
share of its event's mentions that report its happening, recall the share of its happening's
mentions that its event holds; both are averaged over the mentions and combined into F1. A
mention the gold does not list is a happening of its own. ``--details`` lists the wrong merges,
the missed merges and the gold mentions that were not extracted at all.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOLD = ROOT / "tests" / "fixtures" / "coref_gold.yaml"
TARGET_F1 = 0.90   # inclusive lower bound (issue 12)


@dataclass(frozen=True)
class GoldMention:
    """One mention of the gold: where it is and which happening it reports."""

    article: str
    date: str       # the date expression, casefolded ("" : any, for mentions dated by publication)
    text: str       # a casefolded piece of the sentence
    happening: str  # happening id, or "apart:N" for a listed single happening


@dataclass(frozen=True)
class Score:
    """B-cubed figures and what went wrong."""

    precision: float
    recall: float
    f1: float
    mentions: int
    matched: int                       # stored mentions that the gold names
    missing: tuple[GoldMention, ...]   # gold mentions no stored mention matched
    wrong: tuple[tuple[str, ...], ...]   # events holding mentions of several happenings
    split: tuple[tuple[str, ...], ...]   # happenings spread over several events


def load_gold(path: Path = GOLD) -> list[GoldMention]:
    """The gold mentions of ``path``."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for h in doc.get("happenings", []):
        for m in h["mentions"]:
            out.append(GoldMention(m["article"], str(m["date"]).casefold(), m["text"].casefold(), h["id"]))
    for i, m in enumerate(doc.get("apart", [])):
        out.append(GoldMention(m["article"], str(m["date"]).casefold(), m["text"].casefold(), f"apart:{i}"))
    return out


def _matches(g: GoldMention, article: str, date_text: str, sentence: str) -> bool:
    if g.article != article or g.text not in sentence:
        return False
    if not g.date:
        return True
    return bool(date_text) and (g.date in date_text or date_text in g.date)


def score(mentions: list[tuple[str, str, str, str]], gold: list[GoldMention]) -> Score:
    """B-cubed of ``mentions`` (event id, article file, date text, sentence) against ``gold``."""
    happening: list[str] = []
    used: set[GoldMention] = set()
    labels: list[str] = []
    for i, (event_id, article, date_text, sentence) in enumerate(mentions):
        hits = [g for g in gold if _matches(g, article, date_text.casefold(), sentence.casefold())]
        # The most specific entry wins when several match (a longer piece of the sentence).
        hit = max(hits, key=lambda g: (len(g.date), len(g.text)), default=None)
        if hit is not None:
            used.add(hit)
        happening.append(hit.happening if hit is not None else f"single:{i}")
        labels.append(f"{article} [{date_text}] {sentence[:90]}")
    by_event: dict[str, set[int]] = defaultdict(set)
    by_happening: dict[str, set[int]] = defaultdict(set)
    for i, (event_id, *_rest) in enumerate(mentions):
        by_event[event_id].add(i)
        by_happening[happening[i]].add(i)
    p = r = 0.0
    for i, (event_id, *_rest) in enumerate(mentions):
        both = len(by_event[event_id] & by_happening[happening[i]])
        p += both / len(by_event[event_id])
        r += both / len(by_happening[happening[i]])
    n = len(mentions) or 1
    precision, recall = p / n, r / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    wrong = tuple(tuple(f"{happening[i]}: {labels[i]}" for i in sorted(ids)) for ids in by_event.values()
                  if len({happening[i] for i in ids}) > 1)
    split = tuple(tuple(f"{mentions[i][0]}: {labels[i]}" for i in sorted(ids)) for h, ids in by_happening.items()
                  if len({mentions[i][0] for i in ids}) > 1)
    missing = tuple(g for g in gold if g not in used)
    return Score(precision, recall, f1, len(mentions), sum(1 for h in happening if not h.startswith("single:")),
                 missing, wrong, split)


def sample_mentions(articles: Path = ROOT / "data" / "articles") -> list[tuple[str, str, str, str]]:
    """Ingest ``articles`` into a temporary store and return its mentions as
    (event id, article file, date text, sentence)."""
    from pipeline.ingest import run_ingest

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "coref.db"
        from contextlib import redirect_stdout
        import io
        with redirect_stdout(io.StringIO()):
            run_ingest([str(articles)], f"sqlite:///{db}", workers=0, progress=False)
        return store_mentions(db)


def store_mentions(db: Path) -> list[tuple[str, str, str, str]]:
    """The mentions of the SQLite store at ``db`` as (event id, article file, date text, sentence)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT m.event_id, a.path, m.date_text, m.sentence FROM mentions m "
                            "JOIN articles a ON a.article_id = m.article_id ORDER BY m.id").fetchall()
    finally:
        conn.close()
    return [(e, Path(p).name, d, s) for e, p, d, s in rows]


def main() -> int:
    """Score the sample articles; exit 1 below the target."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default=str(GOLD))
    ap.add_argument("--details", action="store_true")
    a = ap.parse_args()
    result = score(sample_mentions(), load_gold(Path(a.gold)))
    ok = result.f1 >= TARGET_F1
    print(f"merge coreference on the sample gold (B-cubed): P {result.precision:.3f}  R {result.recall:.3f}  "
          f"F1 {result.f1:.3f}  ({result.mentions} mentions, {result.matched} in the gold, "
          f"{len(result.missing)} gold mentions not extracted)  {'PASS' if ok else 'FAIL'} (target F1>={TARGET_F1})")
    if a.details:
        for title, groups in (("wrong merges (one event, several happenings)", result.wrong),
                              ("missed merges (one happening, several events)", result.split)):
            print(f"\n{title}: {len(groups)}")
            for group in groups:
                print("  --")
                for line in group:
                    print(f"    {line}")
        print(f"\ngold mentions not extracted: {len(result.missing)}")
        for g in result.missing:
            print(f"    {g.happening}: {g.article} [{g.date}] {g.text}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
