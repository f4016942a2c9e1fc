"""Score the story's key dates (``python -m pipeline keydates``) on Timeline17 with Date-F1.

    python bench/eval_tls.py [--eval-dir DIR] [--workers N] [--keep DIR] [--only TEXT]

The protocol of ``../shared/eval/tls/README.md`` (news-tls): for each gold timeline, the articles
published inside its window (first to last gold day) go into a fresh store, ``keydates`` ranks
the window's days with ``--top k`` (k = the number of gold days), and the official scorer
(``date_f1.py eval --protocol``) gives Date-F1: per timeline, and over all of them as the F1 of
mean precision and mean recall. The two baselines of the README are printed beside it.

Stores are built in a temporary folder and dropped; ``--keep DIR`` keeps them in DIR (outside
the repository) and reuses the ones already there, so a change of the ranking is re-scored
without ingesting again. Exits 0 with a message when the eval folder is missing.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The README's Date-F1 of the two baselines on this development half (same scorer, 12 timelines).
BASELINES = {"publication count": 0.626, "regex mention count": 0.666}
TARGET = 0.72


def _load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _window(timeline: dict) -> tuple[date, date, int]:
    """First and last gold day and k, the number of distinct gold days."""
    days = {date.fromisoformat(e["date"][:10]) for e in timeline["ground_truth"]}
    return min(days), max(days), len(days)


def _store_name(timeline_id: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in timeline_id) + ".db"


def _write_window(articles: list[dict], first: date, last: date, path: Path) -> int:
    """The articles published inside [first, last] as an ingest dump; returns their number.

    The outlet is the corpus folder in the article id ("bpoil_bbc/2010-05-01/3" -> "bpoil_bbc"):
    the only source information the dump carries."""
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for a in articles:
            if not first <= date.fromisoformat(a["published"][:10]) <= last:
                continue
            out.write(json.dumps({"published": a["published"][:10], "title": a.get("title") or "",
                                  "text": a["text"], "source": str(a.get("article_id", "")).split("/")[0]},
                                 ensure_ascii=False) + "\n")
            n += 1
    return n


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def _ingest(dump: Path, db: Path, workers: int) -> int:
    """Ingest the dump; returns the number of records the pipeline refused (an article left
    empty by the junk filter is refused, and the run goes on without it)."""
    res = _run([sys.executable, "-m", "pipeline", "ingest", str(dump), "--db", f"sqlite:///{db}",
                "--workers", str(workers), "--no-progress"])
    refused = sum(1 for line in res.stdout.splitlines() if line.strip().startswith("failed:"))
    if res.returncode not in (0, 1) or (res.returncode == 1 and not refused):
        raise RuntimeError(f"ingest of {dump.name} failed: {(res.stderr or res.stdout).strip()[-300:]}")
    return refused


def _keydates(db: Path, first: date, last: date, k: int) -> list[str]:
    res = _run([sys.executable, "-m", "pipeline", "keydates", "--db", f"sqlite:///{db}", "--from",
                first.isoformat(), "--to", last.isoformat(), "--top", str(k), "--format", "json"])
    if res.returncode != 0:
        raise RuntimeError(f"keydates failed: {res.stderr.strip()}")
    return [row["date"] for row in json.loads(res.stdout)]


def run(eval_dir: Path, workers: int, keep: Path | None, only: str | None) -> int:
    """Build (or reuse) the stores, rank, score; print the figures; return the exit code."""
    sys.path.insert(0, str(eval_dir))
    import date_f1  # the official scorer's metric, for the per-timeline rows

    protocol = eval_dir / "t17_dev_timelines.jsonl"
    timelines = [t for t in _load_jsonl(protocol) if not only or only in t["timeline_id"]]
    articles: dict[str, list[dict]] = {}
    t_ingest = t_rank = 0.0
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="eval-tls-") as tmp:
        stores = keep or Path(tmp)
        stores.mkdir(parents=True, exist_ok=True)
        pred_path = Path(tmp) / "pred.jsonl"
        rows = []
        with pred_path.open("w", encoding="utf-8") as pred:
            for tl in timelines:
                first, last, k = _window(tl)
                db = stores / _store_name(tl["timeline_id"])
                t0 = time.perf_counter()
                if not db.exists():
                    if tl["topic"] not in articles:
                        articles[tl["topic"]] = _load_jsonl(eval_dir / "articles" / f"{tl['topic']}.jsonl")
                    dump = Path(tmp) / "window.jsonl"
                    n = _write_window(articles[tl["topic"]], first, last, dump)
                    try:
                        refused = _ingest(dump, db, workers)
                    except RuntimeError:
                        db.unlink(missing_ok=True)
                        raise
                    print(f"  {tl['timeline_id']}: ingested {n - refused} of {n} articles in "
                          f"{time.perf_counter() - t0:.0f} s", flush=True)
                t1 = time.perf_counter()
                t_ingest += t1 - t0
                days = _keydates(db, first, last, k)
                t_rank += time.perf_counter() - t1
                pred.write(json.dumps({"timeline_id": tl["timeline_id"], "dates": days}) + "\n")
                scored = date_f1.date_prf(date_f1.apply_protocol(days, tl), [e["date"] for e in tl["ground_truth"]])
                rows.append((tl["timeline_id"], k, scored))
        res = _run([sys.executable, str(eval_dir / "date_f1.py"), "eval", "--protocol", str(protocol),
                    str(pred_path)])
        if res.returncode != 0:
            print(f"scorer failed: {res.stderr.strip()}")
            return 1
    overall = json.loads(res.stdout)
    print(f"{'timeline':64} {'k':>4} {'P':>6} {'R':>6} {'F1':>6}")
    for timeline_id, k, s in rows:
        print(f"{timeline_id:64} {k:4d} {s['precision']:6.3f} {s['recall']:6.3f} {s['f_score']:6.3f}")
    f1 = overall["date_f1_newstls"]
    print(f"keydates Date-F1 {f1:.3f} over {overall['timelines']} timelines (P {overall['precision']:.3f}, "
          f"R {overall['recall']:.3f}; macro F1 {overall['date_f1_macro']:.3f})")
    print("baselines (README, same scorer): " + ", ".join(f"{n} {v:.3f}" for n, v in BASELINES.items()))
    print(f"run time {time.perf_counter() - t_start:.0f} s (ingest {t_ingest:.0f} s, ranking {t_rank:.1f} s)")
    if only:
        return 0
    print(f"{'PASS' if f1 >= TARGET else 'FAIL'} (target Date-F1 >= {TARGET})")
    return 0 if f1 >= TARGET else 1


def main() -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval" / "tls"))
    ap.add_argument("--workers", type=int, default=1, help="ingest worker processes (default 1)")
    ap.add_argument("--keep", help="keep the stores in this folder and reuse those already there")
    ap.add_argument("--only", help="substring of the timeline ids to run")
    a = ap.parse_args()
    eval_dir = Path(a.eval_dir)
    if not (eval_dir / "date_f1.py").exists() or not (eval_dir / "t17_dev_timelines.jsonl").exists():
        print(f"eval folder {eval_dir} not found: nothing to score")
        return 0
    try:
        return run(eval_dir, a.workers, Path(a.keep) if a.keep else None, a.only)
    except RuntimeError as err:
        print(f"error: {err}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
