"""Plain helpers the tests import (``from helpers import make_event``): hand-built event rows and
articles, generated corpora, and the one way a test adds events to a store."""
from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

from pipeline.records import EVENT_COLUMNS, Article


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


def add_events(store, article: Article, events):
    """``store.add_article`` with ``events`` (a frame or dict rows) in the writer's one shape."""
    from pipeline.storage import storage_rows
    return store.add_article(article, storage_rows(article, events))
