"""``make bench``: run every benchmark under bench/ in turn and print their figures.

Each benchmark is a script printing its own figures and its ratio against a baseline measured in
the same run (these machines are noisy: an absolute time means little). A benchmark that fails
is reported and the others still run; the exit code is 1 if any failed.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Order: the cheap ones first. Each entry: script name, extra arguments.
BENCHMARKS = [
    ("bench_sentences.py", []),
    ("bench_timex.py", []),
    ("bench_pipeline.py", []),
    ("bench_dense.py", []),
    ("bench_semantics.py", []),
    ("bench_ingest.py", []),
    ("bench_watch.py", []),
    ("bench_cluster.py", []),
    ("bench_dashboard.py", []),
    ("eval_timex.py", []),
    ("eval_geo.py", []),
    ("eval_coref.py", []),
    ("eval_tls.py", []),
]


def main() -> int:
    """Run the benchmarks that exist; return 1 if any failed."""
    failed = []
    for name, extra in BENCHMARKS:
        script = HERE / name
        if not script.exists():
            print(f"== {name}: not present, skipped")
            continue
        print(f"\n== {name}", flush=True)
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, str(script), *extra], cwd=HERE.parent)
        print(f"== {name}: exit {res.returncode} in {time.perf_counter() - t0:.1f} s", flush=True)
        if res.returncode != 0:
            failed.append(name)
    if failed:
        print("\nfailed: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
