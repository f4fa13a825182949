"""Shared fixtures: a real store on a SQLite file and on PostgreSQL (a fresh schema per test).

PostgreSQL tests skip with the reason when no server answers, except in CI (``CI=true``), where
they fail: there the server is required.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from factdb.store import Store, open_store

POSTGRES_URL = os.environ.get("FACTDB_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FACTDB_SHARED_DIR", REPO.parent / "shared"))
IN_CI = os.environ.get("CI", "").lower() == "true"

_postgres_error: str | None = None
_postgres_checked = False


def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used for tests, or None when it answers."""
    global _postgres_checked, _postgres_error
    if not _postgres_checked:
        _postgres_checked = True
        try:
            engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            engine.dispose()
        except Exception as exc:  # noqa: BLE001
            _postgres_error = f"no PostgreSQL at {POSTGRES_URL}: {str(exc).splitlines()[0]}"
    return _postgres_error


def require_postgres() -> None:
    """Skip (or fail, in CI) the calling test when PostgreSQL does not answer."""
    reason = postgres_unavailable()
    if reason:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI: {reason}")
        pytest.skip(reason)


def fresh_postgres_url() -> Iterator[str]:
    """A URL whose search_path is a new, empty schema; the schema is dropped afterwards."""
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    """A URL for an empty store, on each database in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'factdb.db'}"
    else:
        yield from fresh_postgres_url()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL for an empty PostgreSQL store only."""
    yield from fresh_postgres_url()


@pytest.fixture
def store(db_url) -> Iterator[Store]:
    """An open, migrated, empty store, on each database in turn."""
    opened = open_store(db_url)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def news_dir() -> Path:
    """The shared Wikinews articles; tests that need them skip when absent."""
    path = Path(os.environ.get("FACTDB_NEWS_DIR", SHARED / "news"))
    if not path.is_dir():
        pytest.skip(f"shared news articles not found at {path} (set FACTDB_NEWS_DIR)")
    return path
