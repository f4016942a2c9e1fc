"""Words per second of the temporal tagger against dateparser's search_dates, same text, same run.

    python bench/bench_timex.py [--eval-dir DIR] [--repeat N]

The text is the eval corpora when present (../shared/eval), else the sample articles in
data/articles/ repeated. Both taggers run in this one process, one document at a time; the
timings include first-use costs (pattern compilation, dateparser's language data).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import warnings
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load_docs(eval_dir: Path, repeat: int) -> list[tuple[str, date]]:
    """(text, dct) pairs: the eval corpora if found, else the sample articles repeated."""
    docs = []
    for name in ("tbaq_timebank.jsonl", "tbaq_aquaint.jsonl"):
        path = eval_dir / name
        if path.exists():
            for line in path.open(encoding="utf-8"):
                if line.strip():
                    d = json.loads(line)
                    docs.append((d["text"], date.fromisoformat(d["dct"])))
    if not docs:
        arts = sorted((ROOT / "data" / "articles").glob("*.txt"))
        docs = [(p.read_text(encoding="utf-8"), date(2026, 1, 13)) for p in arts] * repeat
    return docs


def time_ours(docs) -> float:
    """Seconds for pipeline.timex.tag_timexes over all docs (import included)."""
    t0 = time.perf_counter()
    from pipeline.timex import tag_timexes
    for text, dct in docs:
        tag_timexes(text, dct)
    return time.perf_counter() - t0


def time_dateparser(docs) -> float:
    """Seconds for dateparser.search.search_dates over all docs (import included)."""
    t0 = time.perf_counter()
    from dateparser.search import search_dates
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for text, dct in docs:
            search_dates(text, languages=["en"],
                         settings={"RELATIVE_BASE": datetime(dct.year, dct.month, dct.day)})
    return time.perf_counter() - t0


PROCESS_CODE = {
    # each child process loads the documents, then tags them all: start-up and imports included
    "timex": "from pipeline.timex import tag_timexes\nfor text, dct in DOCS: tag_timexes(text, dct)",
    "dateparser": ("import warnings\nwarnings.simplefilter('ignore')\n"
                   "from datetime import datetime\nfrom dateparser.search import search_dates\n"
                   "for text, dct in DOCS: search_dates(text, languages=['en'], settings={"
                   "'RELATIVE_BASE': datetime(dct.year, dct.month, dct.day)})"),
}


def time_process(which: str, eval_dir: Path, repeat: int) -> float:
    """Wall seconds of a fresh Python process that tags every document with ``which``."""
    code = ("import sys\nsys.path[:0] = [%r, %r]\nfrom bench_timex import load_docs\n"
            "from pathlib import Path\nDOCS = load_docs(Path(%r), %d)\n"
            % (str(ROOT), str(ROOT / "bench"), str(eval_dir), repeat) + PROCESS_CODE[which])
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(ROOT))
    return time.perf_counter() - t0


def main() -> int:
    """Print words/s of both taggers and the ratio."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--repeat", type=int, default=200, help="repeats of the sample articles")
    a = ap.parse_args()
    docs = load_docs(Path(a.eval_dir), a.repeat)
    words = sum(len(t.split()) for t, _ in docs)
    ours = time_ours(docs)
    theirs = time_dateparser(docs)
    w_ours, w_dp = words / ours, words / theirs
    print(f"text: {len(docs)} documents, {words:,} words")
    print(f"timex tagger:            {w_ours:12,.0f} words/s ({ours:.2f} s)")
    print(f"dateparser search_dates: {w_dp:12,.0f} words/s ({theirs:.2f} s)")
    ratio = w_ours / w_dp
    print(f"ratio (in process): {ratio:.2f}x  ({'PASS' if ratio >= 2.5 else 'FAIL'}: target >= 2.5x)")
    p_ours = time_process("timex", Path(a.eval_dir), a.repeat)
    p_dp = time_process("dateparser", Path(a.eval_dir), a.repeat)
    print(f"whole process, timex tagger:            {words / p_ours:12,.0f} words/s ({p_ours:.2f} s)")
    print(f"whole process, dateparser search_dates: {words / p_dp:12,.0f} words/s ({p_dp:.2f} s)")
    ratio = p_dp / p_ours
    print(f"ratio (whole process): {ratio:.2f}x  ({'PASS' if ratio >= 2.5 else 'FAIL'}: target >= 2.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
