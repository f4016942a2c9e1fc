"""Score the temporal tagger on the TimeML eval corpora with the official scorer.

    python bench/eval_timex.py [--eval-dir DIR] [--errors N]

Exits 0 with a message when the eval folder is missing (a fresh checkout has no ../shared).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.cli_jsonl import timex_record  # noqa: E402

# corpus -> (strict F1, value F1) targets (issue 11: backstory dates; WikiWars is long narrative
# text, HeidelTime told "narrative" reaches 85.8 / 83.2 on its dev half)
TARGETS = {"tbaq_timebank": (91.0, 85.0), "tbaq_aquaint": (86.0, 82.0), "wikiwars_dev": (88.0, 88.0)}


def run(eval_dir: Path, errors: int, only: str | None) -> int:
    """Tag each corpus, score it, print the figures; return the number of failed targets."""
    scorer = eval_dir / "score.py"
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, (t_strict, t_value) in TARGETS.items():
            if only and only not in name:
                continue
            gold = eval_dir / f"{name}.jsonl"
            if not gold.exists():
                print(f"{name}: missing, skipped")
                continue
            pred = Path(tmp) / f"{name}.pred.jsonl"
            t0 = time.perf_counter()
            words = 0
            with gold.open(encoding="utf-8") as f, pred.open("w", encoding="utf-8") as out:
                for line in f:
                    if line.strip():
                        d = json.loads(line)
                        words += len(d["text"].split())
                        out.write(json.dumps(timex_record(d)) + "\n")
            dt = time.perf_counter() - t0
            cmd = [sys.executable, str(scorer), str(gold), str(pred), "--json"]
            res = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
            s, r, v = (100 * res[k] for k in ("strict_F1", "relaxed_F1", "value_F1"))
            ok = s >= t_strict and v >= t_value
            failed += not ok
            print(f"{name}: strict F1 {s:.2f}  relaxed F1 {r:.2f}  value F1 {v:.2f}  type F1 "
                  f"{100 * res['type_F1']:.2f}  (P/R strict {100 * res['strict_P']:.1f}/"
                  f"{100 * res['strict_R']:.1f})  {words / dt:,.0f} words/s  "
                  f"{'PASS' if ok else 'FAIL'} (targets strict>={t_strict}, value>={t_value})")
            if errors:
                cmd = [sys.executable, str(scorer), str(gold), str(pred), "--errors", str(errors)]
                print(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    return failed


def main() -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--only", default=None, help="substring of the corpus name to run")
    a = ap.parse_args()
    eval_dir = Path(a.eval_dir)
    if not (eval_dir / "score.py").exists():
        print(f"eval folder {eval_dir} not found: nothing to score")
        return 0
    failed = run(eval_dir, a.errors, a.only)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
