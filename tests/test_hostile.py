"""Hostile inputs: each goes in or gets one clear line, never a traceback, and loses nothing else."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "articles"


def run_cli(*args: str, stdout=subprocess.PIPE, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=timeout)


def one_line_error(res: subprocess.CompletedProcess) -> str:
    """The single ``error:`` line of a failed command (and no traceback)."""
    assert "Traceback" not in res.stderr, res.stderr
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, res.stderr
    return errors[0]


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> str:
    """A store with the sample articles (read-only for the tests of this module)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'samples.db'}"
    assert run_cli("ingest", str(SAMPLES), "--db", url, "--workers", "0", "--no-progress").returncode == 0
    return url


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_hostile_export_to_a_full_disk_is_one_line(sample_store, fmt):
    with open("/dev/full", "w") as full:
        res = run_cli("export", "--db", sample_store, "--format", fmt, stdout=full)
    assert res.returncode == 1
    assert one_line_error(res) == "error: cannot write the output: No space left on device"


@pytest.mark.parametrize("command", [["export", "--format", "csv"], ["keydates", "--top", "3"]])
def test_hostile_from_after_to_is_a_usage_error(sample_store, command):
    res = run_cli(*command, "--db", sample_store, "--from", "2025-01-01", "--to", "2024-01-01")
    assert res.returncode == 2
    assert one_line_error(res) == "error: --from 2025-01-01 is after --to 2024-01-01: no event can match"
    assert res.stdout == ""


@pytest.mark.parametrize("frame,message", [
    (pd.DataFrame({"event_id": ["a"], "date_start": [None], "date_end": ["2020-01-01"], "title": ["x"]}),
     "column date_start holds 'None' in row 1, not a date YYYY-MM-DD"),
    (pd.DataFrame({"event_id": ["a", "b"], "date_start": ["2020-01-01", "2020-01-02"],
                   "date_end": ["2020-01-01", "nan"], "title": ["x", "y"]}),
     "column date_end holds 'nan' in row 2, not a date YYYY-MM-DD"),
    (pd.DataFrame({"country": ["CAN"]}), "not a Timeline export: no column event_id, date_start, date_end, title"),
    (None, "not a readable Parquet file"),
])
def test_hostile_parquet_snapshot_names_the_bad_column(tmp_path, frame, message):
    from pipeline.export import read_parquet_snapshot

    path = tmp_path / "snapshot.parquet"
    if frame is None:
        path.write_bytes(b"PAR1 is not enough")
    else:
        frame.to_parquet(path)
    with pytest.raises(ValueError) as err:
        read_parquet_snapshot(path)
    assert message in str(err.value) and len(str(err.value).splitlines()) == 1


@pytest.mark.parametrize("depth", [10, 300, 3000])
def test_hostile_deeply_nested_html_still_gives_its_text(depth):
    # lxml stops building the tree past about 250 levels; the words are read off the tags then.
    from pipeline.article import read_article_bytes
    from pipeline.extract import extract_article

    page = ("<html><head><title>Canola tariffs</title><script>var x = '<p>not text</p>';</script></head><body>"
            + "<div>" * depth + "<p>China imposed tariffs on Canadian canola oil on March 8, 2025, officials said.</p>"
            + "<!-- <p>a comment</p> -->" + "</div>" * depth + "</body></html>")
    article = read_article_bytes(page.encode(), "deep.html", None)
    assert "China imposed tariffs on Canadian canola oil" in article.text
    assert "not text" not in article.text and "a comment" not in article.text
    events = extract_article(article)
    assert "2025-03-08" in set(events["date_start"])


def test_hostile_html_with_only_markup_is_still_refused():
    from pipeline.article import ArticleError, read_article_bytes

    with pytest.raises(ArticleError, match="without a body"):
        read_article_bytes(("<html><body>" + "<div>" * 400 + "</div>" * 400 + "</body></html>").encode(), "x.html")


@pytest.mark.parametrize("control", ["\u202e", "\u202b", "\u2067", "\u200f", "\u061c"])
def test_hostile_bidi_controls_never_reach_titles(control):
    # A right-to-left override would make a headline or an event title read backwards on screen.
    from pipeline.article import article_from_text
    from pipeline.extract import extract_article

    raw = (f"China {control}seifirat\u202c tariffs on canola\n\nBEIJING, March 8, 2025 \u2014 China said on "
           f"Saturday that it would {control}impose tariffs of 100 per cent on Canadian canola oil.\n")
    for article in (article_from_text(raw), article_from_text(raw, title=f"{control}Tariffs {control}today")):
        events = extract_article(article)
        texts = [article.title, article.text, *events["title"], *events["sentence"], *events["article_title"]]
        assert not any(control in t or "\u202c" in t for t in texts), texts


@pytest.mark.parametrize("published", ["9999-12-31", "9000-06-30", "0001-01-01", "1799-12-31"])
def test_hostile_absurd_publication_dates_are_refused_alike(tmp_path, published):
    # One absurd date stretched the time axis for every visitor: extract and ingest refuse it
    # with the same line, before reading anything, and ingest leaves no store behind.
    from datetime import date, timedelta

    seed = str(SAMPLES / "carney-china.txt")
    latest = date.today() + timedelta(days=365)
    expected = f"error: --published {published} is outside 1800-01-01..{latest} (give --any-date to keep it)"
    extract = run_cli("extract", seed, "--published", published)
    ingest = run_cli("ingest", seed, "--published", published, "--db", f"sqlite:///{tmp_path / 'x.db'}")
    for res in (extract, ingest):
        assert res.returncode == 2 and one_line_error(res) == expected
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("published", ["0001-01-01", "9999-12-31"])
def test_hostile_any_date_lets_archives_in_and_both_commands_agree(tmp_path, published):
    import json

    seed = str(SAMPLES / "carney-china.txt")
    extract = run_cli("extract", seed, "--published", published, "--any-date", "--format", "json")
    assert extract.returncode == 0, extract.stderr
    url = f"sqlite:///{tmp_path / 'x.db'}"
    ingest = run_cli("ingest", seed, "--published", published, "--any-date", "--db", url, "--no-progress")
    assert ingest.returncode == 0 and "Traceback" not in ingest.stderr, ingest.stderr
    exported = run_cli("export", "--db", url, "--format", "json")
    mentions = sum(e["mentions"] for e in json.loads(exported.stdout))
    assert mentions == len(json.loads(extract.stdout)) > 0


def test_hostile_manifest_and_dump_dates_outside_the_window_fail_their_record(tmp_path):
    import json

    folder = tmp_path / "in"
    folder.mkdir()
    text = (SAMPLES / "2024-08-26-canada-ev-surtax-china.txt").read_text(encoding="utf-8")
    (folder / "good.txt").write_text(text, encoding="utf-8")
    (folder / "far.txt").write_text(text.replace("Canada to Impose", "Canada Will Impose"), encoding="utf-8")
    (folder / "manifest.csv").write_text("file,published,source,url,title\ngood.txt,2024-08-26,,,\n"
                                         "far.txt,9999-12-31,,,\n", encoding="utf-8")
    (folder / "dump.jsonl").write_text(json.dumps({"text": text.replace("Canada to", "Ottawa to"),
                                                   "published": "0001-01-01"}) + "\n", encoding="utf-8")
    res = run_cli("ingest", str(folder), "--db", f"sqlite:///{tmp_path / 'x.db'}", "--workers", "0", "--no-progress")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "1 new articles" in res.stdout and "2 failed" in res.stdout
    assert "far.txt: publication date 9999-12-31 is outside 1800-01-01.." in res.stdout
    assert "dump.jsonl:1: publication date 0001-01-01 is outside 1800-01-01.." in res.stdout


def test_hostile_events_far_beyond_their_article_are_dropped():
    from datetime import date

    from pipeline.article import article_from_text
    from pipeline.extract import MAX_EVENT_YEARS_AHEAD, extract_article

    article = article_from_text("Dam plans\n\nThe agency said on Monday it would finish the dam in 2150 and the "
                                "canal in 2110.", date(2025, 3, 10))
    years = {d[:4] for d in extract_article(article)["date_start"]}
    assert years == {"2025", "2110"} and 2150 > 2025 + MAX_EVENT_YEARS_AHEAD >= 2110


def test_hostile_dump_records_fail_alone_and_the_rest_goes_in(tmp_path):
    # One hostile record must not sink the run: each bad record is one `file:line:` line, the
    # good records of the same dump go in, and a re-run stores nothing twice.
    import json
    import sqlite3

    good = (SAMPLES / "2024-08-26-canada-ev-surtax-china.txt").read_text(encoding="utf-8")
    other = (SAMPLES / "2025-08-12-china-canola-seed-deposit.txt").read_text(encoding="utf-8")
    lines = [
        json.dumps({"text": good, "published": "2024-08-26", "title": "EV surtax"}),
        "[" * 5000 + "]" * 5000,                                               # nested too deeply
        json.dumps({"text": good + " More.", "published": "2026-13-45"}),      # not a date
        json.dumps({"text": good + " Again.", "published": "yesterday"}),
        json.dumps({"text": good + " Title.", "title": ["a", "list"]}),        # not text
        json.dumps({"text": good + " Url.", "url": {"href": "x"}}),
        json.dumps({"text": "x" * 5_000_001}),                                 # too large
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"text": other, "published": "2025-08-12T09:30:00Z"}),
    ]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "x.db"
    res = run_cli("ingest", str(dump), "--db", f"sqlite:///{db}", "--workers", "0", "--no-progress")
    assert res.returncode == 1 and "Traceback" not in res.stderr + res.stdout
    failed = [line.strip() for line in res.stdout.splitlines() if line.strip().startswith("failed:")]
    assert failed == [
        f"failed: {dump}:2: invalid JSON (nested too deeply)",
        f"failed: {dump}:3: invalid publication date '2026-13-45' (expected YYYY-MM-DD): record skipped",
        f"failed: {dump}:4: invalid publication date 'yesterday' (expected YYYY-MM-DD): record skipped",
        f"failed: {dump}:5: field 'title' must be text, not list: record skipped",
        f"failed: {dump}:6: field 'url' must be text, not dict: record skipped",
        f"failed: {dump}:7: record too large (5,000,014 characters; the limit is 5,000,000 bytes)",
        f"failed: {dump}:8: invalid JSON",
        f"failed: {dump}:9: record is not a JSON object",
    ], res.stdout
    assert "2 new articles" in res.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "events", "mentions")]
    again = run_cli("ingest", str(dump), "--db", f"sqlite:///{db}", "--workers", "0", "--no-progress")
    assert "0 new articles, 2 already known, 8 failed" in again.stdout
    with sqlite3.connect(db) as conn:
        assert [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("articles", "events", "mentions")] == counts


@pytest.mark.parametrize("name", ["bad\nname.txt", "bad\rname.txt"])
def test_hostile_file_names_with_line_breaks_stay_on_one_line(tmp_path, name):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_text("x", encoding="utf-8")
    shown = str(folder / name).replace("\n", "\\n").replace("\r", "\\r")
    extract = run_cli("extract", str(folder / name))
    assert one_line_error(extract) == f"error: {shown}: no article text left after removing junk lines"
    ingest = run_cli("ingest", str(folder), "--db", f"sqlite:///{tmp_path / 'x.db'}", "--no-progress")
    assert f"  failed: {shown}: no article text left after removing junk lines" in ingest.stdout.splitlines()


def test_hostile_an_article_over_its_time_budget_fails_alone(tmp_path):
    import json
    import os
    import random

    random.seed(3)
    months = ["January", "March", "May", "July", "September", "November"]
    dense = " ".join(f"On {random.choice(months)} {random.randint(1, 28)}, {random.randint(1990, 2025)}, officials "
                     f"met in Beijing, and on Friday they talked again." for _ in range(8000))
    small = (SAMPLES / "2024-08-26-canada-ev-surtax-china.txt").read_text(encoding="utf-8")
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"text": "Dates\n\n" + dense, "published": "2025-03-01"}) + "\n"
                    + json.dumps({"text": small, "published": "2024-08-26"}) + "\n", encoding="utf-8")
    env = {**os.environ, "TIMELINE_ARTICLE_BUDGET_S": "1"}
    for workers in ("0", "1"):
        res = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(dump), "--db",
                              f"sqlite:///{tmp_path / f'x{workers}.db'}", "--workers", workers, "--no-progress"],
                             cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
        assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
        assert "1 new articles, 0 already known, 1 failed" in res.stdout
        assert f"failed: {dump}:1: took more than 1 s, the time budget of one article: skipped" in res.stdout


def _hostile_corpus(folder: Path) -> list[Path]:
    """A folder of inputs a hostile or careless user might hand over (none of them a sample)."""
    import json
    files = {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 40,
        "nul-bytes.txt": b"Canada and China met on 3 March 2025.\x00\x00 Talks went on.\x00",
        "latin1.txt": "Ottawa, 4 March 2025 \u2014 Le Canada a rencontr\u00e9 la Chine le 3 mars 2025.".encode("latin-1", "replace"),
        "bidi-title.txt": "\u202eTitle reversed\u202c\n\nCanada and China met on 3 March 2025.".encode(),
        "formula.txt": "=HYPERLINK(\"http://x.invalid\")\n\n@SUM(A1) Canada met China on 3 March 2025.".encode(),
        "script.html": (b"<html><head><title><script>alert(1)</script></title></head><body><p>"
                        b"<img src=x onerror=alert(1)>Canada and China met on 3 March 2025.</p></body></html>"),
        "deep.html": b"<html><body>" + b"<div>" * 3000 + b"<p>Canada and China met on 3 March 2025.</p>" + b"</div>" * 3000 + b"</body></html>",
        "no-body.html": b"<html><head><title>x</title></head></html>",
        "huge.txt": b"Canada met China on 3 March 2025. " * 160_000,
        "bad-dump.jsonl": ("\n".join([json.dumps({"text": "Canada and China met on 3 March 2025.", "published": "2025-03-04"}),
                                      "{broken", json.dumps({"text": 5}), "[" * 3000 + "]" * 3000]) + "\n").encode(),
        "far-future.txt": b"Canada and China will meet in the year 9999 on 1 January 9999.",
    }
    out = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        out.append(path)
    return out


def test_hostile_corpus_through_extract_ingest_and_the_dashboard_reader(tmp_path):
    # Every hostile input either goes in or gets one line, through extract and ingest alike; no
    # traceback; the store stays sound; the good inputs of the same run give what they give alone;
    # the dashboard's reader opens the store and draws its chart.
    import shutil
    import sqlite3

    good_dir, mixed_dir = tmp_path / "good", tmp_path / "mixed"
    good_dir.mkdir()
    mixed_dir.mkdir()
    good = sorted(SAMPLES.glob("*.txt"))[:3]
    for path in good:
        shutil.copy(path, good_dir / path.name)
        shutil.copy(path, mixed_dir / path.name)
    hostile = _hostile_corpus(mixed_dir)

    for path in hostile:
        res = run_cli("extract", str(path), "--published", "2025-03-04", "--format", "json")
        assert "Traceback" not in res.stderr + res.stdout, (path.name, res.stderr)
        if res.returncode != 0:
            one_line_error(res)

    def ingest(folder: Path) -> tuple[str, subprocess.CompletedProcess]:
        url = f"sqlite:///{tmp_path / (folder.name + '.db')}"
        return url, run_cli("ingest", str(folder), "--db", url, "--published", "2025-03-04", "--workers", "0",
                            "--no-progress")

    good_url, alone = ingest(good_dir)
    mixed_url, mixed = ingest(mixed_dir)
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert mixed.returncode == 1 and "Traceback" not in mixed.stdout + mixed.stderr
    failed = [line for line in mixed.stdout.splitlines() if line.strip().startswith("failed:")]
    assert failed and all("\n" not in line for line in failed)

    def per_article(url: str) -> dict[str, int]:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            return {Path(p).name: n for p, n in conn.execute("SELECT path, n_events FROM articles")}

    alone_counts, mixed_counts = per_article(good_url), per_article(mixed_url)
    assert {name: mixed_counts[name] for name in alone_counts} == alone_counts
    assert set(mixed_counts) > set(alone_counts)   # some hostile inputs went in

    from pipeline.query import Filters, filter_events
    from ui import data, figures
    loaded = data.load(mixed_url)
    assert not loaded.missing and len(loaded.events) > 0
    view = filter_events(loaded.events, Filters())
    fig, _info = figures.timeline_figure(view)
    assert fig.data
    for text in view["title"].tolist():
        assert "\u202e" not in text
