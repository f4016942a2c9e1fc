"""The sample articles ingested into a store and exported: no phantom backstory events (issue 11).

Read the way a user would meet them: ``python -m pipeline ingest data/articles`` into a fresh
SQLite store, then ``python -m pipeline export`` (the dashboard's filters and downloads use the
same query). The browser check of the same store is tests/browser/test_browser_backstory.py.
"""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('backstory') / 'events.db'}"
    res = run_cli("ingest", str(ROOT / "data" / "articles"), "--db", url, "--workers", "0")
    assert res.returncode == 0, res.stderr
    return url


def exported(url: str, *filters: str) -> list[dict[str, str]]:
    """The exported events (CSV) of the store, with the dashboard's filters."""
    res = run_cli("export", "--db", url, "--format", "csv", *filters)
    assert res.returncode == 0, res.stderr
    return list(csv.DictReader(io.StringIO(res.stdout.lstrip("\ufeff"))))


def meng_arrests(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if "Meng" in r["sentence"] and "arrest" in r["sentence"]]


def test_backstory_export_no_phantom_meng_arrest_in_december_2020(samples_db):
    rows = meng_arrests(exported(samples_db, "--q", "Meng"))
    phantom = [(r["date_start"], r["sentence"]) for r in rows if r["date_start"].startswith("2020-12")]
    assert not phantom, phantom
    assert any(r["date_start"] == "2018-12-01" for r in rows), "the arrest is on 2018-12-01"


def test_backstory_export_no_canola_tariffs_in_march_2026(samples_db):
    rows = exported(samples_db, "--q", "canola")
    phantom = [(r["date_start"], r["sentence"]) for r in rows if r["date_start"] >= "2026-01-20"]
    assert not phantom, phantom
    # "In March" of the January 2026 article joins the tariffs China announced on 2025-03-08
    march = [r for r in rows if r["date_start"].startswith("2025-03") and "tariffs" in r["sentence"]]
    assert march, "the canola tariffs are in March 2025"


def test_backstory_export_nothing_dated_after_its_last_report_unless_worded_so(samples_db):
    # what lies after the latest article reporting it must be told as ahead ("will", "is
    # scheduled to", "until", ...; tests/test_timex_narrative.py has the same list)
    from test_timex_narrative import FUTURE_WORDING

    late = [(r["date_start"], r["last_reported"], r["sentence"]) for r in exported(samples_db)
            if r["date_start"] > r["last_reported"] and not FUTURE_WORDING.search(r["sentence"])]
    assert not late, late
