"""Ingest: inputs (files, folders, globs, manifests, dumps), idempotence and the summary, on the real pipeline."""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest import Unit, expand_paths, iter_units, parse_date_value, process_unit, run_ingest
from pipeline.store import open_store
from helpers import write_sample_folder

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "data" / "articles"
STORY = ("Canadian Prime Minister Mark Carney met Chinese President Xi Jinping on October 31, 2025, "
         "on the sidelines of the APEC summit in Gyeongju, South Korea. The two leaders agreed to "
         "resume regular talks between Ottawa and Beijing. Officials said trade in canola was discussed.")



def _events(url: str) -> pd.DataFrame:
    with open_store(url) as s:
        return s.events_frame().drop(columns=[]).sort_values("event_id").reset_index(drop=True)


def test_ingest_expand_paths_files_folders_globs(tmp_path):
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b.html").write_text("<html><body><p>" + STORY + "</p></body></html>")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "c.htm").write_text(STORY)
    (sub / "d.jsonl").write_text("")
    (sub / "manifest.csv").write_text("file,published\n")
    (sub / ".hidden.txt").write_text(STORY)
    (sub / "notes.md").write_text(STORY)
    files, errors = expand_paths([str(tmp_path / "a.txt"), str(sub), str(tmp_path / "*.htm*"),
                                  str(tmp_path / "a.txt"), str(tmp_path / "missing.txt"), str(tmp_path / "*.pdf")])
    assert [f.name for f in files] == ["a.txt", "c.htm", "d.jsonl", "b.html"]
    assert errors == [f"{tmp_path / 'missing.txt'}: no such file or folder",
                      f"{tmp_path / '*.pdf'}: no such file or folder"]


@pytest.mark.parametrize("value,expected", [
    ("2025-10-31", date(2025, 10, 31)), ("2025-10-31T08:15:00Z", date(2025, 10, 31)),
    ("2025-10-31 08:15:00+09:00", date(2025, 10, 31)), ("", None), ("yesterday", None), (None, None),
    ("2025-13-45", None),
])
def test_ingest_parse_date_value(value, expected):
    assert parse_date_value(value) == expected


def test_ingest_manifest_gives_dates_and_published_overrides(tmp_path):
    folder = write_sample_folder(tmp_path, 2)
    with (folder / "manifest.csv").open(encoding="utf-8") as fh:
        rows = {r["file"]: r for r in csv.DictReader(fh)}
    units = list(iter_units(sorted(folder.glob("*.txt")), None))
    assert all(isinstance(u, Unit) for u in units)
    for u in units:
        row = rows[Path(u.path).name]
        assert (u.published.isoformat(), u.source, u.title) == (row["published"], row["source"], row["title"])
    forced = list(iter_units(sorted(folder.glob("*.txt")), date(2020, 2, 2)))
    assert {u.published for u in forced} == {date(2020, 2, 2)}
    outcome = process_unit(units[0])
    row = rows[Path(units[0].path).name]
    assert outcome.error == ""
    assert (outcome.article.published.isoformat(), outcome.article.source, outcome.article.title) == (
        row["published"], row["source"], row["title"])
    assert not outcome.article.published_assumed


def test_ingest_dump_records(tmp_path):
    dump = tmp_path / "dump.jsonl"
    lines = [json.dumps({"text": STORY, "title": "Carney meets Xi at APEC", "url": "https://example.org/1",
                         "published": "2025-11-01T09:00:00Z", "source": "Example Wire"}),
             "{not json",
             json.dumps({"title": "no text here"}),
             json.dumps(["a", "list"]),
             "",
             json.dumps({"body": STORY.replace("Gyeongju", "Busan"), "title": "Second", "published": ""})]
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    units = list(iter_units([dump], None))
    assert [u if isinstance(u, str) else u.label for u in units] == [
        f"{dump}:1", f"{dump}:2: invalid JSON", f"{dump}:3: record has no text",
        f"{dump}:4: record is not a JSON object", f"{dump}:6"]
    first = units[0]
    assert (first.title, first.url, first.source, first.published) == (
        "Carney meets Xi at APEC", "https://example.org/1", "Example Wire", date(2025, 11, 1))
    art = process_unit(first).article
    assert (art.title, art.url, art.source, art.published) == (
        "Carney meets Xi at APEC", "https://example.org/1", "Example Wire", date(2025, 11, 1))
    assert units[-1].published is None


def test_ingest_csv_dump(tmp_path):
    dump = tmp_path / "dump.csv"
    with dump.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "text", "url", "published", "source"])
        w.writerow(["Carney meets Xi", STORY + "\nWith, commas \"and quotes\".", "u1", "2025-11-01", "Wire"])
        w.writerow(["Empty", "", "u2", "2025-11-01", "Wire"])
    units = list(iter_units([dump], None))
    assert units[0].label == f"{dump}:3" and units[0].url == "u1" and "commas" in units[0].text
    assert units[1] == f"{dump}:4: record has no text"


def test_ingest_end_to_end_is_idempotent(tmp_path, capsys):
    folder = write_sample_folder(tmp_path, 4)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert run_ingest([str(folder)], url, None, 0, None, progress=False) == 0
    first = capsys.readouterr().out
    assert first.startswith("ingest: 4 new articles, 0 already known, 0 failed;")
    with open_store(url) as s:
        counts = s.counts()
        arts = s.articles_frame()
    assert counts["articles"] == 4 and counts["mentions"] >= counts["events"]
    assert not arts["published_assumed"].any()
    before = _events(url)
    assert run_ingest([str(folder), str(folder / "*.txt")], url, None, 0, None, progress=False) == 0
    again = capsys.readouterr().out
    assert again.startswith("ingest: 0 new articles, 4 already known, 0 failed; 0 events added, 0 mentions merged")
    with open_store(url) as s:
        assert s.counts() == counts
    pd.testing.assert_frame_equal(_events(url), before)


def test_ingest_summary_counts_the_events_the_store_gained(tmp_path, capsys):
    # The samples' later articles fold events stored from earlier ones (a month's releases into
    # the 24th): the summary's "events added" is what the store holds, and every mention that did
    # not begin an event is counted as merged.
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert run_ingest([str(SAMPLES)], url, None, 0, None, progress=False) == 0
    out = capsys.readouterr().out
    found = re.search(r"(-?\d+) events added, (\d+) mentions merged", out)
    with open_store(url) as s:
        counts = s.counts()
    assert found and int(found.group(1)) == counts["events"]
    # (a mention merged into an event that was folded later is not counted twice)
    assert 0 < int(found.group(2)) <= counts["mentions"] - counts["events"]


def test_ingest_parallel_equals_serial(tmp_path, capsys):
    folder = write_sample_folder(tmp_path, 6)
    serial, parallel = f"sqlite:///{tmp_path / 's.db'}", f"sqlite:///{tmp_path / 'p.db'}"
    assert run_ingest([str(folder)], serial, None, 0, None, progress=False) == 0
    assert run_ingest([str(folder)], parallel, None, 2, None, progress=False) == 0
    capsys.readouterr()
    pd.testing.assert_frame_equal(_events(serial), _events(parallel))


def test_ingest_bad_inputs_fail_with_reasons(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Carney and Xi meet\n\n" + STORY, encoding="utf-8")
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"%PDF-1.4\x00\x01\x02" * 50)
    (folder / "latin1.txt").write_bytes(("Café diplomacy in Montréal\n\n" + STORY).encode("latin-1"))
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    code = run_ingest([str(folder), str(tmp_path / "nope")], url, date(2025, 11, 1), 2, None, progress=False)
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith("ingest: 2 new articles, 0 already known, 3 failed;")
    failed = [line.strip() for line in out[1:]]
    assert len(failed) == 3 and all(line.startswith("failed: ") for line in failed)
    assert any(str(folder / "empty.txt") in line for line in failed)
    assert any(str(folder / "binary.txt") in line for line in failed)
    assert any("nope: no such file or folder" in line for line in failed)


def test_ingest_warns_on_assumed_publication_date(tmp_path, capsys):
    path = tmp_path / "undated.txt"
    path.write_text("Carney and Xi meet at APEC summit\n\n" + STORY, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert run_ingest([str(path)], url, None, 0, None, progress=False) == 0
    captured = capsys.readouterr()
    assert f"warning: {path}: no publication date given or found" in captured.err
    with open_store(url) as s:
        assert s.articles_frame()["published_assumed"].tolist() == [True]


def test_ingest_unusable_store_is_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.db"
    bad.write_text("hello " * 100)
    assert run_ingest([str(SAMPLES)], f"sqlite:///{bad}", None, 0, None, progress=False) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err


def test_ingest_cli_progress_and_summary(tmp_path):
    folder = write_sample_folder(tmp_path, 2)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", url, "--workers", "1"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "ingest: 2 new articles, 0 already known, 0 failed;" in proc.stdout
    assert "article" in proc.stderr  # the tqdm bar


def test_ingest_real_date_updates_a_guessed_one(tmp_path, capsys):
    path = tmp_path / "undated.txt"
    path.write_text("Carney and Xi meet at APEC summit\n\n" + STORY, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert run_ingest([str(path)], url, None, 0, None, progress=False) == 0
    with open_store(url) as s:
        counts = s.counts()
    capsys.readouterr()
    assert run_ingest([str(path)], url, date(2025, 11, 1), 0, None, progress=False) == 0
    assert capsys.readouterr().out.startswith(
        "ingest: 0 new articles, 0 already known, 1 updated with a new publication date, 0 failed;")
    with open_store(url) as s:
        arts = s.articles_frame()
        assert s.counts()["articles"] == counts["articles"] == 1
    assert arts["published"].tolist() == ["2025-11-01"] and not arts["published_assumed"].any()
    assert run_ingest([str(path)], url, None, 0, None, progress=False) == 0  # a guess never overrides
    assert capsys.readouterr().out.startswith("ingest: 0 new articles, 1 already known, 0 failed;")


class _CountingStore:
    """Stands in for the store: records how many articles were written, in which order."""

    def __init__(self):
        self.written: list[str] = []

    def add_articles(self, items):
        from pipeline.store import AddResult
        self.written += [a.article_id for a, _ in items]
        return [AddResult(True, len(e.mentions), 0, ()) for _, e in items]


def _story_units(n):
    return [Unit(f"rec{i}", "dump.jsonl", date(2025, 11, 1), title=f"Story number {i} about Carney and Xi",
                 text=STORY + f" This is report {i}.") for i in range(n)]


@pytest.mark.parametrize("workers", [0, 1, 2])
def test_ingest_keeps_a_bounded_window_in_flight(workers):
    from pipeline import ingest
    store = _CountingStore()
    pulled = {"n": 0, "max_ahead": 0}

    def units():
        for unit in _story_units(40):
            pulled["max_ahead"] = max(pulled["max_ahead"], pulled["n"] - len(store.written))
            pulled["n"] += 1
            yield unit

    summary = ingest.ingest_units(store, units(), workers, None, ingest.Summary())
    window = ingest.WRITE_BATCH if workers == 0 else ingest.WINDOW_PER_WORKER * workers
    assert summary.new == 40 and not summary.failed
    assert 0 < pulled["max_ahead"] <= window
    # Written in input order whatever order the workers finished in.
    expected = [process_unit(u).article.article_id for u in _story_units(40)]
    assert store.written == expected


def test_ingest_shipped_bytes_equal_reading_the_file(tmp_path):
    folder = write_sample_folder(tmp_path, 3)
    for unit in iter_units(sorted(folder.glob("*.txt")), None):
        from_path = process_unit(unit)
        shipped = process_unit(Unit(unit.label, unit.path, unit.published, unit.url, unit.source, unit.title,
                                    data=Path(unit.path).read_bytes()))
        assert shipped.error == from_path.error == ""
        assert shipped.article == from_path.article
        assert shipped.rows == from_path.rows and len(shipped.rows.mentions) > 0


def test_ingest_pool_recovers_from_a_dead_worker():
    # A worker killed mid-article (out of memory, kill -9) fails its unit with a reason; the
    # next units run on a fresh pool.
    import os
    import signal
    from pipeline import ingest
    runner = ingest._Local(1)
    try:
        first = runner.submit(_story_units(1)[0])
        assert ingest._result(first).error == ""   # the pool works and its worker is up
        long_story = Unit("long", "dump.jsonl", date(2025, 11, 1), title="A very long story",
                          text=" ".join([STORY] * 300))   # seconds of work: killed before it ends
        doomed = runner.submit(long_story)
        for pid in list(runner.pool._processes):
            os.kill(pid, signal.SIGKILL)
        outcome = ingest._result(doomed)
        assert outcome.article is None and outcome.error.startswith("worker failed: ")
        after = ingest._result(runner.submit(_story_units(3)[2]))
        assert after.error == "" and after.article.title == "Story number 2 about Carney and Xi"
    finally:
        runner.close()
