"""Shared fixtures: store URLs over SQLite and (when a server is given) PostgreSQL, event rows.

The plain helpers behind them live in ``helpers.py``, which test modules import directly."""
from __future__ import annotations

import os
import uuid

import pytest

from helpers import make_article, make_corpus, make_event

PG_ENV = "TIMELINE_TEST_PG"


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


@pytest.fixture
def event_row():
    """Factory of hand-built event rows."""
    return make_event


@pytest.fixture
def article_factory():
    """Factory of hand-built Articles."""
    return make_article


@pytest.fixture
def corpus_factory():
    """Factory writing a generated corpus of distinct articles into a folder."""
    return make_corpus


@pytest.fixture
def local_web(monkeypatch):
    """A local HTTP server on 127.0.0.1 (``helpers.LocalWeb``), with fetching from private addresses
    allowed and no pause between requests to one host."""
    from helpers import LocalWeb

    monkeypatch.setenv("TIMELINE_ALLOW_PRIVATE_FETCH", "1")
    monkeypatch.setenv("TIMELINE_FETCH_HOST_DELAY_S", "0")
    web = LocalWeb()
    yield web
    web.close()
