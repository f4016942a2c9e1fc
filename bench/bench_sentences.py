"""Words per second of the sentence splitter beside a plain ``re.split`` on the same text, same run.

    python bench/bench_sentences.py [--words 100000] [--repeat 5]

The text is the sample articles of data/articles/ joined by blank lines and repeated to about
``--words`` words. The baseline splits that text after every ``.``, ``!`` or ``?`` followed by
whitespace, with no abbreviation or quotation rules: the cost of one regex pass, to read the
splitter's figure against on a noisy machine. Best of ``--repeat`` runs for each; the word lists
are loaded before timing. Prints PASS/FAIL against the 200,000 words/s target (information: the
exit code is 0 either way).
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.sentences import split_sentences  # noqa: E402

TARGET_WORDS_PER_S = 200_000   # inclusive lower bound for split_sentences, one core
_PLAIN_END = re.compile(r"(?<=[.!?])\s+")


def load_text(min_words: int) -> str:
    """The sample articles joined by blank lines, repeated to at least ``min_words`` words."""
    articles = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "articles").glob("*.txt"))]
    one = "\n\n".join(articles)
    copies = -(-min_words // len(one.split()))      # ceiling division
    return "\n\n".join([one] * copies)


def best_of(fn, text: str, repeat: int) -> tuple[float, int]:
    """(best seconds over ``repeat`` runs, number of pieces) of ``fn(text)``."""
    best, pieces = float("inf"), 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        pieces = len(fn(text))
        best = min(best, time.perf_counter() - t0)
    return best, pieces


def main() -> int:
    """Print words/s of the splitter and of the baseline, and their ratio."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    text = load_text(a.words)
    words = len(text.split())
    split_sentences(text[:2000])                    # load the word lists outside the timing
    t_base, n_base = best_of(_PLAIN_END.split, text, a.repeat)
    t_ours, n_ours = best_of(split_sentences, text, a.repeat)
    base_wps, ours_wps = words / t_base, words / t_ours
    print(f"text: {len(text):,} characters, {words:,} words")
    print(f"re.split on sentence punctuation (baseline): {base_wps:>12,.0f} words/s ({n_base:,} pieces)")
    print(f"split_sentences:                             {ours_wps:>12,.0f} words/s ({n_ours:,} sentences)  "
          f"(ratio to baseline {ours_wps / base_wps:.3f})")
    ok = ours_wps >= TARGET_WORDS_PER_S
    print(f"target >= {TARGET_WORDS_PER_S:,} words/s: {'PASS' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
