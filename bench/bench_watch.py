"""The feed watcher's throughput against plain ``ingest`` of the same pages from disk.

Generates a corpus of news-length articles (``bench_ingest.generate_corpus``), serves it from a
local HTTP server (a thread of this process, 127.0.0.1) with an RSS feed listing every article
(its publication date from the manifest), then times, each in a fresh process with the default
workers (all cores) and a fresh SQLite store:

- ``python -m pipeline ingest CORPUS`` (the baseline, run before and after the watcher: the
  machine is shared, the ratio uses their mean);
- ``python -m pipeline watch FEEDS.txt --once`` (fetch the feed, fetch every page, ingest).

The watcher runs with ``TIMELINE_FETCH_HOST_DELAY_S=0`` (the pause between two requests to one host
is for other people's servers, and here every page is on one local host) and
``TIMELINE_ALLOW_PRIVATE_FETCH=1`` (127.0.0.1). Target: the watcher at 80% of the disk figure or more.

    python bench/bench_watch.py [--n 1000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import csv
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timezone
from email.utils import format_datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import generate_corpus  # noqa: E402

TARGET_RATIO = 0.80   # inclusive lower bound: watcher articles/s over disk ingest articles/s


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """A static HTTP server on 127.0.0.1 for ``folder`` (in a daemon thread) and its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def write_feed(root: Path, base: str) -> Path:
    """An RSS feed of every article of ``root/corpus`` (manifest order and dates)."""
    items = []
    with (root / "corpus" / "manifest.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            day = date.fromisoformat(row["published"])
            when = format_datetime(datetime(day.year, day.month, day.day, 9, tzinfo=timezone.utc), usegmt=True)
            items.append(f"<item><title>{escape(row['title'])}</title><link>{base}/corpus/{row['file']}</link>"
                         f"<guid>{row['file']}</guid><pubDate>{when}</pubDate></item>")
    feed = root / "feed.xml"
    feed.write_text('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Generated wire</title>'
                    f"<link>{base}/</link><description>bench</description>{''.join(items)}</channel></rss>",
                    encoding="utf-8")
    return feed


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run ``cmd`` (a pipeline command) and return its wall time and its output."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[2:4])} failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}")
    return wall, proc.stdout


def fresh_db(path: Path) -> str:
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000, help="articles in the generated corpus and the feed")
    ap.add_argument("--keep", default="", help="generate into this folder and keep it")
    a = ap.parse_args()
    tmp = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="timeline-bench-watch-"))
    server = None
    try:
        words = generate_corpus(tmp / "corpus", a.n)
        server, base = serve(tmp)
        write_feed(tmp, base)
        (tmp / "feeds.txt").write_text(f"{base}/feed.xml\n", encoding="utf-8")
        print(f"corpus: {a.n:,} articles, {words:,} words, served from {base}")
        env = {**os.environ, "TIMELINE_ALLOW_PRIVATE_FETCH": "1", "TIMELINE_FETCH_HOST_DELAY_S": "0"}
        py = [sys.executable, "-m", "pipeline"]
        disk = []
        ok = True
        for turn in ("before", "watch", "after"):
            if turn == "watch":
                wall, out = timed(py + ["watch", str(tmp / "feeds.txt"), "--once", "--no-progress",
                                        "--db", fresh_db(tmp / "watch.db")], env)
                line = out.strip().splitlines()[-1] if out.strip() else ""
                watch_wall = wall
                print(f"watch --once (feed + {a.n:,} pages over HTTP): {a.n / wall:7.1f} articles/s "
                      f"{words / wall:>9,.0f} words/s, wall {wall:.1f} s")
                print(f"   {line}")
                if f"{a.n} new: {a.n} added" not in line:
                    ok = False
                    print("   not every entry was added: this run does not count")
            else:
                wall, out = timed(py + ["ingest", str(tmp / "corpus"), "--no-progress",
                                        "--db", fresh_db(tmp / f"disk-{turn}.db")], env)
                disk.append(wall)
                print(f"ingest from disk ({turn}): {a.n / wall:7.1f} articles/s {words / wall:>9,.0f} words/s, "
                      f"wall {wall:.1f} s")
                if not out.startswith(f"ingest: {a.n} new articles"):
                    ok = False
                    print(f"   {out.strip().splitlines()[0] if out.strip() else '?'}: this run does not count")
        disk_rate = a.n / (sum(disk) / len(disk))
        ratio = (a.n / watch_wall) / disk_rate
        ok &= ratio >= TARGET_RATIO
        print(f"watcher / disk ingest (mean of before and after): {ratio:.2f} "
              f"(target >= {TARGET_RATIO:.2f}): {'PASS' if ok else 'FAIL'}")
    finally:
        if server is not None:
            server.shutdown()
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
