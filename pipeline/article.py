"""Article input (stub; being written)."""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from pipeline.clean import clean_text
from pipeline.records import Article


class ArticleError(ValueError):
    """Bad input: the message is one line, naming the file."""


def parse_published(value: str) -> date:
    """Parse a ``--published YYYY-MM-DD`` value."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ArticleError(f"invalid publication date {value!r}: expected YYYY-MM-DD") from None


def article_from_text(raw: str, published: date | None = None, *, url: str = "", source: str = "",
                      path: str = "", title: str = "") -> Article:
    """Build an Article from raw plain text."""
    cleaned = clean_text(raw)
    assumed = published is None
    pub = published or date.today()
    head = title or cleaned.title
    aid = hashlib.sha256(f"{head}\n{cleaned.body}\n{pub}".encode()).hexdigest()[:16]
    return Article(aid, head, cleaned.body, pub, assumed, url, source, path)


def read_article(path: str | Path, published: date | None = None) -> Article:
    """Read a .txt or .html article file."""
    p = Path(path)
    return article_from_text(p.read_text(encoding="utf-8"), published, path=str(p))
