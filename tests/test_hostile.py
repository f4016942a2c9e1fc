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
