"""Cost of the pipeline on date-dense text: linear in the text, or not?

    python bench/bench_dense.py

Extracts one synthetic article packed with dates, countries and people (every sentence two
dated clauses) at 1/4 and at the full size (about 1 MB), and prints the throughput of each and
their ratio. A linear pipeline keeps the ratio near 1; before the stages indexed their spans it
fell to about 0.4 at 1 MB (issue 14: a 1 MB upload cost 48 s). The target is a ratio >= 0.7.
"""
from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.extract import extract_events  # noqa: E402
from pipeline.records import Article  # noqa: E402

SENTENCE = ("On March {d}, 2019, Canada and China met in Beijing with Mark Carney and Xi Jinping, "
            "and on April {d}, 2020, Japan signed a trade deal with South Korea. ")
TARGET_RATIO = 0.7
FULL = 6400   # sentences: about 1 MB


def throughput(sentences: int) -> tuple[int, int, float]:
    """(characters, events, characters per second) of one article of ``sentences`` sentences."""
    text = "".join(SENTENCE.format(d=(i % 27) + 1) for i in range(sentences))
    article = Article(article_id="dense", title="Dense", text=text, published=date(2021, 1, 1))
    t0 = time.perf_counter()
    events = extract_events(article)
    return len(text), len(events), len(text) / (time.perf_counter() - t0)


def main() -> int:
    small = throughput(FULL // 4)
    full = throughput(FULL)
    ratio = full[2] / small[2]
    for chars, events, rate in (small, full):
        print(f"date-dense article, {chars / 1e3:,.0f} kB, {events:,} events: {rate / 1e3:,.0f} kB/s")
    print(f"throughput at full size / at a quarter: {ratio:.2f} "
          f"({'PASS' if ratio >= TARGET_RATIO else 'FAIL'}, target >= {TARGET_RATIO}: linear cost)")
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
