"""Shared fixtures: store URLs over SQLite and (when a server is given) PostgreSQL, event rows."""
from __future__ import annotations

import csv
import os
import shutil
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest

from pipeline.records import EVENT_COLUMNS, Article

PG_ENV = "TIMELINE_TEST_PG"
# Test modules import the plain helpers below as ``timeline_test_helpers``: the name
# ``conftest`` is ambiguous once sub-folders (tests/browser/) have their own conftest.py.
sys.modules.setdefault("timeline_test_helpers", sys.modules[__name__])


@pytest.fixture(autouse=True, scope="session")
def _no_default_store(tmp_path_factory):
    """Nothing a test runs may touch the user's default store (data/timeline.db): a test (or a
    CLI or dashboard it starts) that forgets its own --db gets a throwaway store instead."""
    saved = os.environ.get("TIMELINE_DB")
    os.environ["TIMELINE_DB"] = f"sqlite:///{tmp_path_factory.mktemp('default-store') / 'timeline.db'}"
    yield
    if saved is None:
        os.environ.pop("TIMELINE_DB", None)
    else:
        os.environ["TIMELINE_DB"] = saved


def _pg_admin_url() -> str | None:
    url = os.environ.get(PG_ENV, "").strip()
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {PG_ENV} is not set: the PostgreSQL storage tests cannot run")
    pytest.skip(f"{PG_ENV} not set: PostgreSQL storage tests skipped")
    return None


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    admin_url = make_url(_pg_admin_url())
    name = f"timeline_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A URL of a new, empty store on each backend (PostgreSQL only when a server is given)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'timeline.db'}"
    else:
        yield request.getfixturevalue("pg_url")


def make_event(event_id: str, date_start: str, date_end: str | None = None, precision: str = "day",
               title: str = "", countries=(), actors=(), event_code: str = "", quad_class=None, **extra) -> dict:
    """One event row with every column of EVENT_COLUMNS (hand-built test input)."""
    row = {c: "" for c in EVENT_COLUMNS}
    row.update(event_id=event_id, date_start=date_start, date_end=date_end or date_start, precision=precision,
               title=title, sentence=extra.pop("sentence", title), countries=tuple(countries), actors=tuple(actors),
               topics=tuple(extra.pop("topics", ())), regions=tuple(extra.pop("regions", ())),
               event_code=event_code, quad_class=quad_class, goldstein=extra.pop("goldstein", None),
               confidence=extra.pop("confidence", 0.5), sentence_index=extra.pop("sentence_index", 0),
               date_char_start=-1, date_char_end=-1, date_basis=extra.pop("date_basis", "explicit"))
    row.update(extra)
    return row


def make_article(article_id: str, published: str = "2025-11-01", title: str = "", text: str = "Body text.",
                 **kw) -> Article:
    """A hand-built Article."""
    return Article(article_id, title or f"Article {article_id}", text, date.fromisoformat(published), **kw)


@pytest.fixture
def event_row():
    """Factory of hand-built event rows."""
    return make_event


@pytest.fixture
def article_factory():
    """Factory of hand-built Articles."""
    return make_article


SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "articles"


def make_corpus(folder: Path, n: int) -> list[str]:
    """Write ``n`` distinct articles (sample articles with a varying closing line) and a manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    with (SAMPLE_DIR / "manifest.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if (SAMPLE_DIR / r["file"]).is_file()]
    names, manifest = [], []
    for i in range(n):
        row = rows[i % len(rows)]
        name = f"{i:05d}-{row['file']}"
        text = (SAMPLE_DIR / row["file"]).read_text(encoding="utf-8")
        (folder / name).write_text(f"{text}\n\nThis copy was filed by correspondent number {i}.\n",
                                   encoding="utf-8")
        manifest.append({**row, "file": name, "title": f"{row['title']} ({i})"})
        names.append(name)
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "published", "source", "url", "title"])
        writer.writeheader()
        writer.writerows(manifest)
    return names


@pytest.fixture
def corpus_factory():
    """Factory writing a generated corpus of distinct articles into a folder."""
    return make_corpus


SAMPLE_ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"


def write_sample_folder(tmp_path: Path, n: int = 4) -> Path:
    """A copy of the first ``n`` sample articles with their manifest rows."""
    folder = tmp_path / "articles"
    folder.mkdir()
    with (SAMPLE_ARTICLES / "manifest.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:n]
    for row in rows:
        shutil.copy(SAMPLE_ARTICLES / row["file"], folder / row["file"])
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "published", "source", "url", "title"])
        writer.writeheader()
        writer.writerows(rows)
    return folder
