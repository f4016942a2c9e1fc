"""Faults: kill -9 during an ingest, concurrent overlapping ingests, unusable stores (subprocess tests)."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from helpers import add_events, count_articles, make_article, make_corpus, make_event
from pipeline.store import open_store

REPO = Path(__file__).resolve().parent.parent
VOLATILE = ["ingested_at"]


def _ingest_cmd(paths, url, workers=1):
    return [sys.executable, "-m", "pipeline", "ingest", *map(str, paths), "--db", url,
            "--workers", str(workers), "--no-progress"]


def _state(url: str) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    with open_store(url) as s:
        events = s.events_frame().sort_values("event_id").reset_index(drop=True)
        arts = s.articles_frame().drop(columns=VOLATILE).sort_values("article_id").reset_index(drop=True)
        return s.counts(), events, arts


@pytest.mark.timeout(90)
@pytest.mark.parametrize("kill_after,workers", [(1, 1), (10, 2)])
def test_faults_kill_9_then_rerun_equals_clean_run(tmp_path, kill_after, workers):
    # Enough articles that the ingest is still running when the killer sees the first ones stored
    # (two workers write their first batch late, then fast).
    n = 24 if workers == 1 else 96
    corpus = tmp_path / "corpus"
    make_corpus(corpus, n)
    clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
    assert subprocess.run(_ingest_cmd([corpus], clean_url), cwd=REPO, capture_output=True,
                          timeout=60).returncode == 0
    db = tmp_path / "killed.db"
    url = f"sqlite:///{db}"
    proc = subprocess.Popen(_ingest_cmd([corpus], url, workers), cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 40
    while count_articles(db) < kill_after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = count_articles(db)
    assert partial < n, "the ingest finished before it could be killed"
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rerun = subprocess.run(_ingest_cmd([corpus], url), cwd=REPO, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{n - partial} new articles, {partial} already known" in rerun.stdout
    counts, events, arts = _state(url)
    clean_counts, clean_events, clean_arts = _state(clean_url)
    assert counts == clean_counts
    pd.testing.assert_frame_equal(events, clean_events)
    pd.testing.assert_frame_equal(arts, clean_arts)


KILL_MID_ARTICLE = textwrap.dedent("""
    import os, signal, sys
    import pandas as pd
    sys.path.insert(0, "tests")
    from helpers import add_events, make_article, make_event
    from pipeline import store as store_mod
    from pipeline.records import EVENT_COLUMNS
    s = store_mod.open_store(sys.argv[1])
    real = store_mod.Store._find_match
    calls = []
    def dying(self, conn, rec, *rest):
        calls.append(rec)
        if len(calls) == 3:  # the article row is written and two mentions handled, nothing committed
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, conn, rec, *rest)
    store_mod.Store._find_match = dying
    rows = [make_event(f"e{i}", f"2025-0{i + 1}-01", None, "day", f"Event {i}", ["CAN"]) for i in range(5)]
    add_events(s, make_article("dies"), pd.DataFrame(rows, columns=list(EVENT_COLUMNS)))
""")


def test_faults_kill_9_inside_a_transaction_leaves_store_as_before(store_url):
    with open_store(store_url) as s:
        from pipeline.records import EVENT_COLUMNS
        add_events(s, make_article("kept"), pd.DataFrame([make_event("k1", "2024-01-01", countries=["CHN"])],
                                                         columns=list(EVENT_COLUMNS)))
    before = _state(store_url)
    proc = subprocess.run([sys.executable, "-c", KILL_MID_ARTICLE, store_url], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    after = _state(store_url)
    assert after[0] == before[0] == {"articles": 1, "events": 1, "mentions": 1}
    pd.testing.assert_frame_equal(after[1], before[1])
    with open_store(store_url) as s:
        assert not s.has_article("dies")


@pytest.mark.timeout(90)
def test_faults_concurrent_overlapping_ingests(store_url, tmp_path):
    corpus = tmp_path / "corpus"
    names = make_corpus(corpus, 18)
    left, right = tmp_path / "left", tmp_path / "right"
    for folder, part in ((left, names[:12]), (right, names[6:])):
        folder.mkdir()
        for name in part:
            os.link(corpus / name, folder / name)
        (folder / "manifest.csv").write_bytes((corpus / "manifest.csv").read_bytes())
    procs = [subprocess.Popen(_ingest_cmd([folder], store_url), cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for folder in (left, right)]
    outputs = [p.communicate(timeout=80) for p in procs]
    for p, (out, err) in zip(procs, outputs):
        assert p.returncode == 0, err
        assert "locked" not in err.lower() and "Traceback" not in err
    new = sum(int(out.split(" new articles")[0].rsplit(" ", 1)[-1]) for out, _ in outputs)
    known = sum(int(out.split(" already known")[0].rsplit(" ", 1)[-1]) for out, _ in outputs)
    assert (new, known) == (18, 6)
    counts, events, arts = _state(store_url)
    assert counts["articles"] == 18 and len(arts) == 18
    assert events["mentions"].sum() == counts["mentions"] == arts["n_events"].sum()
    assert events["event_id"].is_unique


@pytest.mark.parametrize("setup,message", [
    ("notdb", "not a SQLite database"),
    ("server", "cannot reach database server"),
    ("dir", "is a folder, not a database file"),
])
def test_faults_unusable_store_is_one_clear_line(tmp_path, setup, message):
    if setup == "notdb":
        target = tmp_path / "notes.db"
        target.write_text("Meeting notes, definitely not SQLite.\n" * 40)
        url = f"sqlite:///{target}"
    elif setup == "server":
        url = "postgresql+psycopg://timeline:hunter2@127.0.0.1:9/timeline"
    else:
        (tmp_path / "adir.db").mkdir()
        url = f"sqlite:///{tmp_path / 'adir.db'}"
    for cmd in (_ingest_cmd([REPO / "data" / "articles"], url),
                [sys.executable, "-m", "pipeline", "export", "--db", url, "--format", "csv"]):
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 1
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], proc.stderr
        assert "hunter2" not in proc.stderr and proc.stdout == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions (covered in test_store)")
def test_faults_read_only_folder_is_one_clear_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        proc = subprocess.run(_ingest_cmd([REPO / "data" / "articles"], f"sqlite:///{folder / 't.db'}"),
                              cwd=REPO, capture_output=True, text=True, timeout=60)
    finally:
        folder.chmod(0o755)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "not writable" in proc.stderr


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (children, grandchildren...), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signals are Linux's")
@pytest.mark.timeout(120)
def test_faults_kill_9_of_an_ingest_leaves_no_process_behind(tmp_path):
    # The forkserver, the workers and the resource tracker used to outlive a killed ingest,
    # blocked on pipes for ever (about 380 MB a crash).
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 60)
    db = tmp_path / "x.db"
    proc = subprocess.Popen(_ingest_cmd([corpus], f"sqlite:///{db}", 2), cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    helpers: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None:
        helpers = _descendants(proc.pid)
        if len(helpers) >= 4 and count_articles(db) >= 1:   # tracker, forkserver, two workers; writing
            break
        time.sleep(0.05)
    assert proc.poll() is None and len(helpers) >= 4, "the ingest did not start its workers in time"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in helpers):
        time.sleep(0.1)
    assert not [p for p in helpers if _alive(p)], "helper processes survived the ingest"
