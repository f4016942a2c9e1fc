"""Snapshot every observable output of the pipeline, to show that a refactoring changed none.

    python bench/golden_outputs.py snapshot DIR [--generated N]
    python bench/golden_outputs.py compare DIR_BEFORE DIR_AFTER

``snapshot`` goes through the command line only (the interface that stays put while modules
move) and writes into DIR:
- ``extract-<article>.json``: the events of every sample article (``extract --format json``);
- ``timex-<corpus>.jsonl`` and ``entities-<corpus>.jsonl``: the tagger outputs on the evaluation
  corpora of ``../shared/eval`` when it is present (what the TBAQ, WikiWars and country scores
  are computed from);
- ``store-<table>.jsonl``: every row of the store after ingesting the samples (and N generated
  articles, default 300, so that many mentions merge), without the ingest clock;
- ``export.<format>``: the export bytes of that store in every format.

``compare`` lists the files that differ and exits 1 if any does.
"""
from __future__ import annotations

import argparse
import filecmp
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
FORMATS = ("csv", "json", "jsonl", "parquet", "timelinejs")


def _cli(*args: str, stdin: Path | None = None) -> bytes:
    cmd = [sys.executable, "-m", "pipeline", *args]
    with (stdin.open("rb") if stdin else open("/dev/null", "rb")) as fh:
        res = subprocess.run(cmd, cwd=ROOT, stdin=fh, capture_output=True)
    if res.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed: {res.stderr.decode()[-400:]}")
    return res.stdout


def _dump_store(db: Path, out: Path) -> None:
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    for table in tables:
        cur = conn.execute(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
        for row in rows:
            row.pop("ingested_at", None)
            row.pop("path", None)   # where the file was read from: a temporary folder
            if table == "timeline_meta" and row.get("key") == "generation":
                row["value"] = "(random)"
        rows.sort(key=lambda r: json.dumps(r, sort_keys=True, default=str))
        (out / f"store-{table}.jsonl").write_text(
            "".join(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) + "\n" for r in rows),
            encoding="utf-8")
    conn.close()


def snapshot(out: Path, generated: int) -> None:
    """Write every output into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    articles = ROOT / "data" / "articles"
    manifest = {}
    for line in (articles / "manifest.csv").read_text(encoding="utf-8").splitlines()[1:]:
        name, published = line.split(",")[:2]
        manifest[name] = published
    for path in sorted(articles.glob("*.txt")):
        extra = ["--published", manifest[path.name]] if path.name in manifest else []
        (out / f"extract-{path.stem}.json").write_bytes(_cli("extract", str(path), "--format", "json", *extra))
    if EVAL.is_dir():
        for gold in sorted(EVAL.glob("*.jsonl")):
            (out / f"timex-{gold.stem}.jsonl").write_bytes(_cli("timex", "-", stdin=gold))
        for gold in sorted((EVAL / "geo").glob("*.jsonl")):
            (out / f"entities-{gold.stem}.jsonl").write_bytes(_cli("entities", "-", stdin=gold))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "golden.db"
        inputs = [str(articles)]
        if generated:
            sys.path.insert(0, str(ROOT / "bench"))
            from bench_ingest import generate_corpus
            generate_corpus(Path(tmp) / "gen", generated)
            inputs.append(str(Path(tmp) / "gen"))
        _cli("ingest", *inputs, "--db", f"sqlite:///{db}", "--workers", "0", "--no-progress")
        _dump_store(db, out)
        for fmt in FORMATS:
            (out / f"export.{fmt}").write_bytes(_cli("export", "--db", f"sqlite:///{db}", "--format", fmt))
    print(f"snapshot: {len(list(out.iterdir()))} files in {out}")


def compare(before: Path, after: Path) -> int:
    """Print the files that differ between two snapshots; 1 if any does."""
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    differ = [n for n in names if not ((before / n).exists() and (after / n).exists()
                                       and filecmp.cmp(before / n, after / n, shallow=False))]
    for name in differ:
        print(f"differs: {name}")
    print(f"compare: {len(names) - len(differ)} of {len(names)} outputs identical")
    return 1 if differ else 0


def main() -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("out")
    s.add_argument("--generated", type=int, default=300)
    c = sub.add_parser("compare")
    c.add_argument("before")
    c.add_argument("after")
    a = ap.parse_args()
    if a.cmd == "snapshot":
        snapshot(Path(a.out), a.generated)
        return 0
    return compare(Path(a.before), Path(a.after))


if __name__ == "__main__":
    sys.exit(main())
