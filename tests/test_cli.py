"""The command line, run as a real process: formats, exit codes, and bad input."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pipeline.records import EVENT_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "articles" / "carney-china.txt"


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_cli_extract_jsonl_has_the_column_contract():
    res = run_cli("extract", str(SEED), "--published", "2026-01-13", "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert rows, "the seed article gives events"
    assert list(rows[0])[:len(EVENT_COLUMNS)] == list(EVENT_COLUMNS)
    assert all(r["date_start"] <= r["date_end"] for r in rows)


def test_cli_extract_csv_header_is_the_contract():
    res = run_cli("extract", str(SEED), "--published", "2026-01-13", "--format", "csv")
    assert res.returncode == 0, res.stderr
    header = res.stdout.splitlines()[0].split(",")
    assert header[:len(EVENT_COLUMNS)] == list(EVENT_COLUMNS)


def test_cli_extract_json_is_one_array():
    from pipeline.article import read_article

    res = run_cli("extract", str(SEED), "--published", "2026-01-13", "--format", "json")
    assert res.returncode == 0, res.stderr
    events = json.loads(res.stdout)
    assert isinstance(events, list) and events, "the seed article gives events"
    article = read_article(SEED, date(2026, 1, 13))
    for ev in events:
        assert isinstance(ev, dict)
        assert list(ev)[:len(EVENT_COLUMNS)] == list(EVENT_COLUMNS)
        assert ev["article_id"] == article.article_id
        assert ev["article_title"] == article.title
        assert ev["published"] == "2026-01-13"
        assert ev["date_start"] <= ev["date_end"] and ev["sentence"] in article.text


@pytest.mark.parametrize("name,content", [
    ("empty.txt", b""),
    ("blank.txt", b"   \n\t\n  "),
    ("binary.txt", bytes(range(256)) * 40),
    ("nobody.html", b"<html><head><title>x</title></head></html>"),
])
def test_cli_extract_bad_file_is_reported_and_skipped(tmp_path, name, content):
    bad = tmp_path / name
    bad.write_bytes(content)
    res = run_cli("extract", str(bad), str(SEED), "--published", "2026-01-13", "--format", "jsonl")
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and name in errors[0]
    assert res.stdout.strip(), "the good file after the bad one is still processed"


def test_cli_extract_missing_file(tmp_path):
    res = run_cli("extract", str(tmp_path / "nope.txt"))
    assert res.returncode == 1
    assert "nope.txt" in res.stderr and "Traceback" not in res.stderr


def test_cli_extract_huge_file_is_refused(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.write(b"Officials met in Ottawa on Monday. " * (50 * 1024 * 1024 // 35 + 1))
    res = run_cli("extract", str(big), "--published", "2026-01-13")
    assert res.returncode == 1
    assert "huge.txt" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "13/01/2026", "20260113"])
def test_cli_extract_invalid_published_is_a_usage_error(value):
    res = run_cli("extract", str(SEED), "--published", value)
    assert res.returncode == 2
    assert "YYYY-MM-DD" in res.stderr and "Traceback" not in res.stderr


def test_cli_extract_undated_text_warns(tmp_path):
    art = tmp_path / "undated.txt"
    art.write_text("Leaders Meet\n\nThe two leaders met in Ottawa on Monday to discuss trade.\n",
                   encoding="utf-8")
    res = run_cli("extract", str(art), "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    assert "warning:" in res.stderr and "undated.txt" in res.stderr


def test_cli_timex_jsonl_roundtrip():
    docs = [{"doc_id": "d1", "dct": "2026-01-13", "text": "They met in 2018 and again on Friday."},
            {"doc_id": "d2", "dct": "2026-01-13", "text": ""}]
    res = run_cli("timex", "-", stdin="\n".join(json.dumps(d) for d in docs) + "\n")
    assert res.returncode == 0, res.stderr
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert [o["doc_id"] for o in out] == ["d1", "d2"]
    assert out[1]["timexes"] == []
    for t in out[0]["timexes"]:
        assert docs[0]["text"][t["start"]:t["end"]] == t["text"]


def test_cli_timex_bad_line_is_reported_and_skipped():
    stdin = '{"doc_id": "ok", "dct": "2026-01-13", "text": "in 2018"}\nnot json\n{"doc_id": "x"}\n'
    res = run_cli("timex", "-", stdin=stdin)
    assert res.returncode == 1
    assert [json.loads(line)["doc_id"] for line in res.stdout.splitlines()] == ["ok"]
    assert "line 2" in res.stderr and "line 3" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.parametrize("command", [
    ["export", "--format", "csv"],
    ["keydates", "--top", "3"],
    ["reconcile", "--no-progress"],
])
def test_cli_reading_a_missing_store_creates_nothing(tmp_path, command):
    # A typo in --db must not leave folders and an empty store behind, then report 0 events.
    target = tmp_path / "typo" / "x" / "y.db"
    res = run_cli(*command, "--db", f"sqlite:///{target}")
    assert res.returncode == 1
    assert res.stderr.strip().splitlines() == [
        f"error: no store at {target}: ingest articles first (python -m pipeline ingest PATH --db URL)"]
    assert not (tmp_path / "typo").exists()


def test_cli_reconcile_makes_any_ingest_order_the_same_store(tmp_path):
    # The samples in file order and in reverse order, one article per ingest: the merges differ
    # (an event takes the id of its first mention, and a mention joins what it finds stored);
    # after reconcile both stores hold the same events with the same mentions.
    import sqlite3

    samples = sorted((ROOT / "data" / "articles").glob("*.txt"))
    manifest = ROOT / "data" / "articles" / "manifest.csv"
    published = {line.split(",")[0]: line.split(",")[1] for line in manifest.read_text().splitlines()[1:]}

    def dump(db: Path) -> tuple[list, list]:
        with sqlite3.connect(db) as conn:
            events = conn.execute("SELECT * FROM events ORDER BY event_id").fetchall()
            mentions = conn.execute("SELECT event_id, article_id, mention_id, sentence, date_text, data FROM mentions "
                                    "ORDER BY article_id, mention_id").fetchall()
        return events, mentions

    from pipeline.ingest import run_ingest

    stores = []
    for order in (samples, samples[::-1]):
        db = tmp_path / f"order{len(stores)}.db"
        for path in order:   # one ingest per article, in process (the CLI is checked by reconcile below)
            assert run_ingest([str(path)], f"sqlite:///{db}", date.fromisoformat(published[path.name]),
                              workers=0, progress=False) == 0
        stores.append(db)
    assert dump(stores[0]) != dump(stores[1]), "the two orders should merge differently before reconcile"
    for db in stores:
        res = run_cli("reconcile", "--db", f"sqlite:///{db}", "--no-progress")
        assert res.returncode == 0, res.stderr
        assert res.stdout.startswith("reconcile: ")
    assert dump(stores[0]) == dump(stores[1])
