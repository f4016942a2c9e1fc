"""End-to-end ingest throughput into SQLite with 1 and 2 workers, against bare extraction.

Generates a corpus of news-length articles (templated sentences around paragraphs of the sample
articles, each article distinct) into a temporary folder with a manifest, then times
``python -m pipeline ingest`` into a fresh SQLite store for each worker count. The baseline,
measured in the same run right before and after each ingest, is the bare ``read_article`` +
``extract_article`` throughput in one process on the first articles of the corpus; the ratio says what the store, the process pool and
the merging cost (or, with several workers, gain).

    python bench/bench_ingest.py [--n 10000] [--workers 1,2] [--baseline-n 200] [--keep DIR]
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_WORDS_PER_S_PER_WORKER = 20_000   # inclusive lower bound, end to end into SQLite
ARTICLE_WORDS = (550, 900)               # inclusive range of generated article lengths

# Building blocks of the templated sentences (public facts: leaders, capitals, topics).
LEADERS = [("Prime Minister Mark Carney", "Canada"), ("President Xi Jinping", "China"),
           ("Premier Li Qiang", "China"), ("President Donald Trump", "the United States"),
           ("Prime Minister Sanae Takaichi", "Japan"), ("President Lee Jae-myung", "South Korea"),
           ("Prime Minister Narendra Modi", "India"), ("Chancellor Friedrich Merz", "Germany"),
           ("President Emmanuel Macron", "France"), ("Prime Minister Keir Starmer", "the United Kingdom")]
CITIES = ["Beijing", "Ottawa", "Washington", "Tokyo", "Seoul", "New Delhi", "Berlin", "Paris", "London",
          "Gyeongju", "Geneva", "Brussels"]
TOPICS = ["canola tariffs", "electric vehicle surtaxes", "critical minerals", "foreign interference",
          "consular cases", "climate finance", "trade diversification", "fentanyl precursors",
          "agricultural exports", "steel and aluminum duties"]
VERBS = ["met", "held talks with", "spoke by phone with", "signed an agreement with", "criticised",
         "hosted", "welcomed", "warned"]
TEMPLATES = [
    "On {date}, {a} {verb} {b} in {city} to discuss {topic}.",
    "{a} {verb} {b} on {date}, officials in {city} said, after weeks of tension over {topic}.",
    "Officials said {a} would travel to {city} in {month} to press {country} on {topic}.",
    "In {year}, {country} imposed new measures on {topic}, a decision {b} called unjustified.",
    "Analysts in {city} said the dispute over {topic} had deepened since {month}.",
    "A spokesperson for {a} declined to comment on Tuesday about {topic}.",
]


def _fmt_day(d: date) -> str:
    return f"{d.strftime('%B')} {d.day}, {d.year}"


def generate_corpus(folder: Path, n: int, seed: int = 7) -> int:
    """Write ``n`` distinct news-length articles and a manifest into ``folder``; return total words."""
    rng = random.Random(seed)
    samples = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "articles").glob("*.txt"))]
    paragraphs = [para.strip() for text in samples for para in text.split("\n\n") if len(para.split()) >= 25]
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        manifest = csv.writer(fh)
        manifest.writerow(["file", "published", "source", "url", "title"])
        for i in range(n):
            published = date(2017, 1, 1) + timedelta(days=rng.randrange(3300))
            target = rng.randint(*ARTICLE_WORDS)
            body: list[str] = []
            words = 0
            while words < target:
                if rng.random() < 0.5:
                    para = rng.choice(paragraphs)
                else:
                    sents = []
                    for _ in range(rng.randint(3, 6)):
                        (a, country), (b, _c) = rng.sample(LEADERS, 2)
                        day = published - timedelta(days=rng.randrange(0, 60))
                        sents.append(rng.choice(TEMPLATES).format(
                            date=_fmt_day(day), a=a, b=b, verb=rng.choice(VERBS), city=rng.choice(CITIES),
                            topic=rng.choice(TOPICS), month=day.strftime("%B"), year=day.year, country=country))
                    para = " ".join(sents)
                body.append(para)
                words += len(para.split())
            (a, _), (b, _) = rng.sample(LEADERS, 2)
            title = f"{a.split(' ', 1)[1]} and {b.split(' ', 1)[1]} clash over {rng.choice(TOPICS)} (no. {i})"
            name = f"article-{i:05d}.txt"
            (folder / name).write_text(title + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
            manifest.writerow([name, published.isoformat(), "Generated wire", f"https://example.org/{i}", title])
            total += words + len(title.split())
    return total


# Runs in a child process so that its peak memory is its own. Worker processes descend from a
# forkserver, not from the client, so RUSAGE_CHILDREN cannot see them: a thread samples the RSS of
# every descendant from /proc instead.
CHILD = """
import json, os, resource, sys, threading, time
sys.path.insert(0, {root!r})
from pipeline.ingest import run_ingest

def descendants_rss():
    parents, rss = {{}}, {{}}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{{pid}}/stat") as fh:
                parents[int(pid)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{{pid}}/statm") as fh:
                rss[int(pid)] = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, ValueError, IndexError):
            pass
    mine, frontier = set(), {{os.getpid()}}
    while frontier:
        frontier = {{p for p, pp in parents.items() if pp in frontier and p not in mine}}
        mine |= frontier
    sizes = [rss.get(p, 0) for p in mine]
    return sum(sizes), max(sizes, default=0)

peak = {{"total": 0, "single": 0}}
stop = threading.Event()
def sample():
    while not stop.wait(0.25):
        total, single = descendants_rss()
        peak["total"], peak["single"] = max(peak["total"], total), max(peak["single"], single)
threading.Thread(target=sample, daemon=True).start()
t0 = time.perf_counter()
code = run_ingest([{folder!r}], {db!r}, None, {workers}, {scheduler!r}, progress=False)
wall = time.perf_counter() - t0
stop.set()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({{"code": code, "wall": wall, "client_cpu": usage.ru_utime + usage.ru_stime,
                  "client_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "worker_kb": peak["single"], "workers_total_kb": peak["total"]}}))
"""


def run_ingest_child(folder: Path, db: str, workers: int, scheduler: str | None = None) -> dict:
    """Time one ingest in a fresh process (on the Dask cluster at ``scheduler`` if given); return its figures."""
    code = CHILD.format(root=str(ROOT), folder=str(folder), db=db, workers=workers, scheduler=scheduler)
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"ingest child failed: {proc.stderr.strip().splitlines()[-1:]}")
    lines = proc.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    result["summary"] = next((ln for ln in lines if ln.startswith("ingest:")), "")
    return result


def baseline(folder: Path, n: int) -> tuple[float, float]:
    """Bare read + extract throughput (articles/s, words/s) in this process on ``n`` articles."""
    from pipeline.article import read_article
    from pipeline.extract import extract_article

    files = sorted(folder.glob("article-*.txt"))[:n]
    extract_article(read_article(files[0], date(2025, 1, 1)))   # warm caches outside the timing
    words = 0
    t0 = time.perf_counter()
    for path in files:
        article = read_article(path, date(2025, 1, 1))
        words += len(article.title.split()) + len(article.text.split())
        extract_article(article)
    wall = time.perf_counter() - t0
    return len(files) / wall, words / wall


def main() -> int:
    """Generate the corpus, run the ingests and print the figures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000, help="articles in the generated corpus")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--baseline-n", type=int, default=200, help="articles for the bare-extract baseline")
    ap.add_argument("--keep", default="", help="generate into this folder and keep it")
    a = ap.parse_args()
    tmp = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="timeline-bench-"))
    try:
        corpus = tmp / "corpus"
        t0 = time.perf_counter()
        total_words = generate_corpus(corpus, a.n)
        print(f"corpus: {a.n:,} articles, {total_words:,} words ({total_words / a.n:,.0f} words/article), "
              f"generated in {time.perf_counter() - t0:.1f} s")
        ok = True
        for workers in [int(w) for w in a.workers.split(",") if w.strip()]:
            # The machine is shared: the baseline is measured right before and right after each
            # ingest, and the ratio uses their mean.
            before = baseline(corpus, min(a.baseline_n, a.n))[1]
            db = tmp / f"ingest-{workers}.db"
            for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
                stale.unlink(missing_ok=True)   # --keep: a store left by an earlier run would hold every article
            r = run_ingest_child(corpus, f"sqlite:///{db}", workers)
            after = baseline(corpus, min(a.baseline_n, a.n))[1]
            b_wps = (before + after) / 2
            print(f"baseline (bare read_article + extract_article, 1 process): {before:,.0f} words/s before, "
                  f"{after:,.0f} words/s after")
            aps, wps = a.n / r["wall"], total_words / r["wall"]
            per_worker = wps / workers
            ok &= per_worker >= TARGET_WORDS_PER_S_PER_WORKER
            print(f"ingest, {workers} worker(s): {aps:8.1f} articles/s {wps:>10,.0f} words/s "
                  f"({per_worker:,.0f} words/s per worker; ratio to baseline {wps / b_wps:.2f}); "
                  f"wall {r['wall']:.1f} s, client CPU {r['client_cpu']:.1f} s; "
                  f"peak RSS client {r['client_kb'] / 1024:.0f} MB, "
                  f"largest worker {r['worker_kb'] / 1024:.0f} MB, all workers {r['workers_total_kb'] / 1024:.0f} MB; "
                  f"store {db.stat().st_size / 2**20:.1f} MB")
            print(f"   {r['summary']}")
            if not r["summary"].startswith(f"ingest: {a.n} new articles"):
                ok = False   # a figure is only a throughput when every article went in
                print("   not every article was ingested new: this run does not count")
        print(f"target >= {TARGET_WORDS_PER_S_PER_WORKER:,} words/s per worker end to end: "
              f"{'PASS' if ok else 'FAIL'}")
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
