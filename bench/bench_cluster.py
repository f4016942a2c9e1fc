"""Ingest through a Dask cluster on loopback beside the local ``--workers 2`` ingest of the same run.

Generates the corpus of ``bench_ingest.py`` (10,000 news-length articles by default), then times
``ingest --workers 2`` (local worker processes) and ``ingest --scheduler`` on a cluster of one
``dask scheduler`` and two ``dask worker --nthreads 1`` commands of this venv, started in a
temporary folder, each into a fresh SQLite store. Both figures come from this run on this machine:
the ratio is what the cluster costs (scheduler, TCP, serialisation) against local processes. The
cluster's workers get the same niceness as local workers (``TIMELINE_WORKER_NICENESS``, default 5),
so that on one machine both leave the client's writer the same share of the cores.

    python bench/bench_cluster.py [--n 10000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import generate_corpus, run_ingest_child  # noqa: E402

TARGET_RATIO = 0.90    # cluster words/s over local --workers 2 words/s, inclusive lower bound
WORKERS = 2
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_cluster(folder: Path, n_workers: int) -> tuple[str, list[subprocess.Popen]]:
    """One scheduler and ``n_workers`` single-threaded workers, each its own command; wait for them."""
    from distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["DASK_TEMPORARY_DIRECTORY"] = str(folder)
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    niceness = os.environ.get("TIMELINE_WORKER_NICENESS", "5")
    dask = str(BIN / "dask")
    cmds = [[dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]]
    cmds += [["nice", "-n", niceness, dask, "worker", address, "--nthreads", "1", "--no-dashboard"]
             for _ in range(n_workers)]
    procs = []
    for i, cmd in enumerate(cmds):
        with open(folder / f"process-{i}.log", "wb") as log:
            procs.append(subprocess.Popen(cmd, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
                                          start_new_session=True))
    client = Client(address, timeout="60s", set_as_default=False)
    try:
        client.wait_for_workers(n_workers, timeout=120)
    finally:
        client.close()
    return address, procs


def stop_cluster(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _fresh_db(path: Path) -> str:
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _line(label: str, n: int, words: int, r: dict) -> str:
    return (f"{label}: {n / r['wall']:8.1f} articles/s {words / r['wall']:>10,.0f} words/s; wall {r['wall']:.1f} s, "
            f"client CPU {r['client_cpu']:.1f} s, peak RSS client {r['client_kb'] / 1024:.0f} MB")


def main() -> int:
    """Generate the corpus, run both ingests and print the figures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000, help="articles in the generated corpus")
    ap.add_argument("--keep", default="", help="generate into this folder and keep it")
    a = ap.parse_args()
    if not (BIN / "dask").is_file():
        print(f"no dask command in {BIN}: run make install")
        return 1
    tmp = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="timeline-bench-cluster-"))
    procs: list[subprocess.Popen] = []
    try:
        corpus = tmp / "corpus"
        t0 = time.perf_counter()
        total_words = generate_corpus(corpus, a.n)
        print(f"corpus: {a.n:,} articles, {total_words:,} words, generated in {time.perf_counter() - t0:.1f} s")
        ok = True
        local = run_ingest_child(corpus, _fresh_db(tmp / "local.db"), WORKERS)
        print(_line(f"local ingest, --workers {WORKERS}            ", a.n, total_words, local))
        t0 = time.perf_counter()
        address, procs = start_cluster(tmp / "cluster", WORKERS)
        print(f"cluster: 1 scheduler and {WORKERS} workers (1 thread each) on loopback at {address}, "
              f"started in {time.perf_counter() - t0:.1f} s (not timed below)")
        cluster = run_ingest_child(corpus, _fresh_db(tmp / "cluster.db"), WORKERS, address)
        print(_line(f"cluster ingest, --scheduler ({WORKERS} workers)", a.n, total_words, cluster))
        for name, r in (("local", local), ("cluster", cluster)):
            if not r["summary"].startswith(f"ingest: {a.n} new articles"):
                ok = False   # a figure is only a throughput when every article went in
                print(f"   {name}: not every article was ingested new: {r['summary']}")
        ratio = local["wall"] / cluster["wall"]    # same words: the ratio of the words/s figures
        ok &= ratio >= TARGET_RATIO
        print(f"cluster / local words/s: {ratio:.2f} (target >= {TARGET_RATIO:.2f}): {'PASS' if ok else 'FAIL'}")
    finally:
        stop_cluster(procs)
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
