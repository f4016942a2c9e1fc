"""Whole-pipeline speed on one core: cleaning, sentences, tagging, entities, topics, events.

Prints words/s of the whole pipeline beside the temporal tagger alone on the same texts in the
same run (the baseline), their ratio, and PASS/FAIL against the 20,000 words/s target.

    python bench/bench_pipeline.py [--words 300000]
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.article import article_from_text  # noqa: E402
from pipeline.extract import extract_article  # noqa: E402
from pipeline.timex import tag_timexes  # noqa: E402

TARGET_WORDS_PER_S = 20_000   # inclusive lower bound on the whole pipeline, one core


def load_texts(min_words: int) -> list[str]:
    """The sample articles, repeated (with a marker so each copy is a distinct article)."""
    base = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "articles").glob("*.txt"))]
    texts, words, i = [], 0, 0
    while words < min_words:
        t = base[i % len(base)]
        texts.append(t.replace("\n\n", f"\n\nCopy {i}.\n\n", 1))
        words += len(t.split())
        i += 1
    return texts


def timed(fn, items) -> float:
    t0 = time.perf_counter()
    for it in items:
        fn(it)
    return time.perf_counter() - t0


def main() -> int:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=300_000)
    a = ap.parse_args()
    texts = load_texts(a.words)
    n_words = sum(len(t.split()) for t in texts)
    pub = date(2026, 1, 13)
    # Warm caches (data files, compiled patterns) outside the timing.
    for t in texts[:20]:
        extract_article(article_from_text(t, pub))
    t_tag = timed(lambda t: tag_timexes(t, pub), texts)
    t_all = timed(lambda t: extract_article(article_from_text(t, pub)), texts)
    tag_wps, all_wps = n_words / t_tag, n_words / t_all
    print(f"texts: {len(texts)} articles, {n_words:,} words")
    print(f"temporal tagger alone (baseline): {tag_wps:>10,.0f} words/s")
    print(f"whole pipeline:                   {all_wps:>10,.0f} words/s  "
          f"(ratio to tagger {all_wps / tag_wps:.2f})")
    ok = all_wps >= TARGET_WORDS_PER_S
    print(f"target >= {TARGET_WORDS_PER_S:,} words/s: {'PASS' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
