"""Score the country tagger on /work/shared/eval/geo (TR-News, LGL) with the official scorer.

usage: python bench/eval_geo.py [--eval-dir DIR] [--errors N]

Runs ``entities_record`` over each corpus, writes the predictions to a temporary JSONL, scores
them with the corpus's own ``score.py`` (mention level, and document level with
``--doc-mode country``), prints P/R/F1 with PASS/FAIL against the targets and the tagger's
speed in words per second. Skips cleanly (exit 0) when the evaluation folder is missing.
Only country mentions (names, demonyms, capitals, seats) are scored as mentions; mentions
derived from people and organisations stay in the output under "actor_mentions". The gold
document sets list only countries named in the text, which is what the record's "countries"
holds; the score of "countries_with_actors" (adding the countries of the people and
organisations named) is printed too, for information.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.cli_jsonl import entities_record  # noqa: E402
from pipeline.geo import tag_countries  # noqa: E402

DEFAULT_DIR = Path("/work/shared/eval/geo")
# corpus -> (mention F1 target, document F1 target with --doc-mode country)
TARGETS = {"trnews": (0.93, 0.93), "lgl": (0.85, 0.85)}


def load(path: Path) -> list[dict]:
    """The JSON lines of ``path``."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def predict(docs: list[dict], key: str = "countries") -> tuple[list[dict], float]:
    """Predictions for the scorer (document set from ``key``), and the seconds it took."""
    t0 = time.perf_counter()
    recs = [entities_record({"doc_id": d["doc_id"], "text": d["text"]}) for d in docs]
    elapsed = time.perf_counter() - t0
    preds = [{"doc_id": r["doc_id"], "countries": r[key],
              "mentions": [{"start": m["start"], "end": m["end"], "iso3": m["iso3"]} for m in r["mentions"]]}
             for r in recs]
    return preds, elapsed


def words_per_second(docs: list[dict], rounds: int = 3) -> float:
    """Throughput of ``tag_countries`` alone (best of ``rounds`` passes), in words per second."""
    words = sum(len(d["text"].split()) for d in docs)
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for d in docs:
            tag_countries(d["text"])
        best = min(best, time.perf_counter() - t0)
    return words / best


def baseline_words_per_second(docs: list[dict], rounds: int = 3) -> float:
    """Throughput of one plain word regex over the same texts: a same-run yardstick for speed."""
    words = sum(len(d["text"].split()) for d in docs)
    pattern = re.compile(r"\w+")
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for d in docs:
            pattern.findall(d["text"])
        best = min(best, time.perf_counter() - t0)
    return words / best


def score(scorer: Path, gold: Path, pred: Path, doc_mode: str) -> dict:
    """Run the official scorer and return its JSON result."""
    out = subprocess.run([sys.executable, str(scorer), str(gold), str(pred), "--doc-mode", doc_mode, "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def score_preds(scorer: Path, gold: Path, preds: list[dict]) -> dict:
    """Write ``preds`` to a temporary JSONL and score it (document mode country)."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for p in preds:
            f.write(json.dumps(p) + "\n")
        pred_path = Path(f.name)
    try:
        return score(scorer, gold, pred_path, "country")
    finally:
        pred_path.unlink()


def show_errors(docs: list[dict], preds: list[dict], n: int) -> None:
    """Print up to ``n`` false positives and false negatives with context (for error analysis)."""
    by_id = {p["doc_id"]: p for p in preds}
    fps, fns = [], []
    for d in docs:
        gold = [m for m in d["mentions"] if m.get("country_level")]
        ok_spans = [m for m in d["mentions"] if m.get("iso3")] + d.get("ignore_spans", [])
        unresolved = [m for m in d.get("negatives", []) if m.get("type") == "unresolved"]
        pm = by_id[d["doc_id"]]["mentions"]
        for p in pm:
            hit = any(p["start"] < g["end"] and g["start"] < p["end"] and g.get("iso3") == p["iso3"] for g in ok_spans)
            hit = hit or any(p["start"] < g["end"] and g["start"] < p["end"] for g in unresolved)
            if not hit:
                fps.append((d, p))
        for g in gold:
            if not any(p["start"] < g["end"] and g["start"] < p["end"] and g["iso3"] == p["iso3"] for p in pm):
                fns.append((d, g))
    for label, items in (("FP", fps), ("FN", fns)):
        print(f"--- {label}: {len(items)}")
        for d, m in items[:n]:
            t = d["text"]
            ctx = t[max(0, m["start"] - 60):m["start"]] + "[[" + t[m["start"]:m["end"]] + "]]" + t[m["end"]:m["end"] + 40]
            print(f"{m['iso3']} {ctx!r}")


def main() -> int:
    """Evaluate on every corpus present and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval-dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--errors", type=int, default=0, help="print this many FP/FN examples per corpus")
    args = ap.parse_args()
    scorer = args.eval_dir / "score.py"
    if not scorer.exists():
        print(f"skip: {args.eval_dir} not found (evaluation data is not part of the repository)")
        return 0
    all_pass = True
    for name, (mention_target, doc_target) in TARGETS.items():
        gold = args.eval_dir / f"{name}.jsonl"
        if not gold.exists():
            print(f"skip {name}: {gold} missing")
            continue
        docs = load(gold)
        preds, elapsed = predict(docs)
        men = score_preds(scorer, gold, preds)
        with_actors = score_preds(scorer, gold, predict(docs, "countries_with_actors")[0])["document"]
        m, d = men["mention"], men["document"]
        words = sum(len(x["text"].split()) for x in docs)
        wps = words_per_second(docs)
        base = baseline_words_per_second(docs)
        ok_m, ok_d = m["F1"] >= mention_target, d["F1"] >= doc_target
        all_pass &= ok_m and ok_d
        print(f"{name}: {len(docs)} docs, {words} words")
        print(f"  mention   P={m['P']:.4f} R={m['R']:.4f} F1={m['F1']:.4f} (TP={m['TP']} FP={m['FP']} FN={m['FN']}) "
              f"target {mention_target} {'PASS' if ok_m else 'FAIL'}")
        print(f"  document  P={d['P']:.4f} R={d['R']:.4f} F1={d['F1']:.4f} (TP={d['TP']} FP={d['FP']} FN={d['FN']}) "
              f"[--doc-mode country] target {doc_target} {'PASS' if ok_d else 'FAIL'}")
        print(f"  document with the countries of people and organisations (countries_with_actors): "
              f"P={with_actors['P']:.4f} R={with_actors['R']:.4f} F1={with_actors['F1']:.4f} (information)")
        print(f"  mention FP kinds: {men['mention_fp_kinds']}  recall by type: {men['mention_recall_by_type']}")
        print(f"  speed: tag_countries {wps:,.0f} words/s (a bare \\w+ regex pass: {base:,.0f} words/s, "
              f"ratio {wps / base:.2f}); entities_record with actors {words / elapsed:,.0f} words/s")
        if args.errors:
            show_errors(docs, preds, args.errors)
    print("ALL PASS" if all_pass else "SOME TARGETS FAILED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
