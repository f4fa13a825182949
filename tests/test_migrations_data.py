"""Migrations on a store that holds data lose nothing the target schema can hold (both databases).

Written over the revision history, so a new migration is covered without a new test:

- for every revision with a parent, ``head -> parent -> revision -> head`` on a full store: the
  rows of every table and column the parent schema has are unchanged at the parent and again at
  head, and the store passes :func:`verify_store` and takes new sources;
- down to base, nothing is left (the base schema holds nothing); a dump of every row taken
  before, reloaded into the re-created schema, gives back the same store, which factdb can
  keep using.
"""

from __future__ import annotations

import io
import shutil
from datetime import datetime, timezone

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, insert, inspect, select, text

from factdb.curate import merge_claims, review_claim
from factdb.ingest import add_sources
from factdb.models import ClaimStatus
from factdb.sources import iter_sources
from factdb.store import migrate, open_engine, open_store
from factdb.store.integrity import verify_store
from factdb.store.schema import Base

from .corpus import store_signature
from .samples import SAMPLES

_SCRIPTS = ScriptDirectory.from_config(migrate.alembic_config())
#: (parent, revision) for every revision that has a parent, oldest first.
STEPS = [(r.down_revision, r.revision) for r in reversed(list(_SCRIPTS.walk_revisions())) if r.down_revision]
NEW_SOURCE = "The regional council approved the compensation plan for displaced families on Monday, Lusk said."


def _fill(url: str) -> None:
    """Every table gets rows: the samples (sources, speakers, claims, mentions, relations,
    events, index), a review and a merge."""
    with open_store(url) as store:
        summary = add_sources(store, iter_sources([str(SAMPLES)], on_error=pytest.fail))
        assert summary.sources_added >= 9
        with store.engine.connect() as connection:
            first, second = connection.execute(text("SELECT id FROM claims ORDER BY id LIMIT 2")).scalars()
        when = datetime(2026, 3, 18, tzinfo=timezone.utc)
        review_claim(store, first, ClaimStatus.FALSE, reviewer="desk", note="checked", reviewed_at=when, now=when)
        merge_claims(store, first, second, reviewer="desk", now=when)


def _dump(engine, *, typed: bool = False) -> dict[str, list[dict]]:
    """Every row of every table the store has now (alembic_version aside), in key order.

    Raw column values from the reflected schema (any revision), or with ``typed`` the values of
    factdb's current models (aware datetimes), ready to insert again.
    """
    metadata = Base.metadata
    if not typed:
        metadata = MetaData()
        metadata.reflect(engine)
    rows = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            ordered = select(table).order_by(*table.primary_key.columns)
            rows[table.name] = [dict(row._mapping) for row in connection.execute(ordered)]
    return rows


def _restricted(dump: dict[str, list[dict]], engine) -> dict[str, list[dict]]:
    """``dump`` cut down to the tables and columns that ``engine``'s current schema has."""
    inspector = inspect(engine)
    tables = set(inspector.get_table_names())
    kept = {}
    for name, rows in dump.items():
        if name not in tables:
            continue
        columns = {c["name"] for c in inspector.get_columns(name)}
        kept[name] = [{k: v for k, v in row.items() if k in columns} for row in rows]
    return kept


@pytest.mark.parametrize("step", STEPS or [pytest.param(None, marks=pytest.mark.skip(reason="one revision only"))])
def test_down_one_revision_and_up_again_keeps_every_row(db_url, step):
    _fill(db_url)
    _check_step(db_url, *step)


def test_0002_gives_every_stored_review_its_claim_as_origin(db_url):
    _fill(db_url)
    engine = open_engine(db_url)
    try:
        assert migrate.downgrade(engine, "0001") == "0001"
        with engine.begin() as connection:  # a verdict whose claim was merged away since
            connection.execute(text("UPDATE reviews SET claim_id = (SELECT max(id) FROM claims)"))
            reviews = connection.execute(text("SELECT id, claim_id FROM reviews ORDER BY id")).all()
        assert reviews and migrate.upgrade(engine, "0002") == "0002"
        with engine.connect() as connection:
            found = connection.execute(text("SELECT id, origin_claim_id FROM reviews ORDER BY id")).all()
        assert found == reviews
    finally:
        engine.dispose()


_SYNTHETIC = '''"""synthetic revision for the migration tests"""
import sqlalchemy as sa
from alembic import op

revision = "9002"
down_revision = "{parent}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("synthetic_note", sa.Text(), nullable=True))
    op.create_table("synthetic_tags", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("tag", sa.Text()))


def downgrade() -> None:
    op.drop_table("synthetic_tags")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("synthetic_note")
'''


def test_the_step_check_catches_nothing_on_a_synthetic_next_revision(db_url, tmp_path, monkeypatch):
    """The step check on a made-up next revision too (a column and a table the parent cannot hold)."""
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.migrations_directory(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = migrate.head_revision()
    (scripts / "versions" / "9002_synthetic.py").write_text(_SYNTHETIC.format(parent=head), encoding="utf-8")
    monkeypatch.setattr(migrate, "migrations_directory", lambda: scripts)
    assert migrate.head_revision() == "9002"
    _fill(db_url)
    engine = open_engine(db_url)
    try:
        with engine.begin() as connection:  # data in the new column and table, which the parent cannot hold
            connection.execute(text("UPDATE claims SET synthetic_note = 'n' WHERE id < 5"))
            connection.execute(text("INSERT INTO synthetic_tags (tag) VALUES ('x')"))
    finally:
        engine.dispose()
    _check_step(db_url, head, "9002")


def _check_step(db_url: str, parent: str, revision: str) -> None:
    """``head -> parent -> revision -> head``: the parent keeps every row and column it can hold,
    and they are all back at head; the store stays whole and usable."""
    engine = open_engine(db_url)
    try:
        with open_store(db_url) as store:
            before_signature = store_signature(store)
        before = _dump(engine)
        assert migrate.downgrade(engine, parent) == parent
        at_parent = _dump(engine)
        assert at_parent == _restricted(before, engine), f"{revision} -> {parent} lost rows"
        assert migrate.upgrade(engine, revision) == revision
        assert migrate.upgrade(engine) == migrate.head_revision()
        after = _dump(engine)
        for name, rows in at_parent.items():  # what the parent held is back, column for column
            columns = set(rows[0]) if rows else set()
            assert [{k: r[k] for k in columns} for r in after[name]] == rows, f"{parent} -> {revision} lost {name}"
    finally:
        engine.dispose()
    with open_store(db_url) as store:
        assert verify_store(store) == []
        assert store_signature(store) == before_signature
        added = add_sources(store, iter_sources(["-"], stdin=_bytes(NEW_SOURCE), on_error=pytest.fail))
        assert added.sources_added == 1


def test_down_to_base_and_reloading_a_dump_gives_back_the_same_store(db_url):
    _fill(db_url)
    engine = open_engine(db_url)
    try:
        with open_store(db_url) as store:
            before_signature = store_signature(store)
            assert verify_store(store) == []
        dump = _dump(engine)
        rows = _dump(engine, typed=True)
        assert sum(map(len, dump.values())) > 500
        assert set(dump) == {t.name for t in Base.metadata.sorted_tables}, "every table holds data"
        assert all(dump.values()), [name for name, rows in dump.items() if not rows]

        assert migrate.downgrade(engine, "base") is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}, "the base schema holds nothing"
        assert migrate.upgrade(engine) == migrate.head_revision()

        _reload(engine, rows)
        assert _dump(engine) == dump
    finally:
        engine.dispose()
    with open_store(db_url) as store:
        assert verify_store(store) == []
        assert store_signature(store) == before_signature
        outcome = add_sources(store, iter_sources(["-"], stdin=_bytes(NEW_SOURCE), on_error=pytest.fail))
        assert outcome.sources_added == 1 and outcome.claims_matched == 1, "the reloaded store matches new text"
        assert verify_store(store) == []


def _reload(engine, dump: dict[str, list[dict]]) -> None:
    """Insert a dump into empty tables, parents first; PostgreSQL's id sequences follow."""
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            if dump.get(table.name):
                connection.execute(insert(table), dump[table.name])
        if connection.dialect.name == "postgresql":
            for table in Base.metadata.sorted_tables:
                if "id" in table.columns and dump.get(table.name):
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))"
                    ))


def _bytes(value: str) -> io.BytesIO:
    return io.BytesIO(value.encode("utf-8"))
