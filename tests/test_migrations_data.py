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
import logging
import re
import shutil
from datetime import datetime, timezone

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, insert, inspect, select, text

from factdb.curate import merge_claims, review_claim
from factdb.ingest import add_sources
from factdb.models import ClaimStatus, NormalizedClaim, Quantity
from factdb.quantities import find_quantities
from factdb.sources import iter_sources
from factdb.store import migrate, open_engine, open_store
from factdb.store.codec import quantities_to_json
from factdb.store.integrity import verify_store
from factdb.store.schema import Base, Claim, Mention
from factdb.store.writes import claim_key

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


# 0004: claims' numbers and keys recomputed by the installed normalizer ------------------------

FIGURES = (
    "title: Corvath figures\npublished: 2026-03-20\n\n"
    "Unemployment in Corvath fell to 4.1 percent in October 2019, the statistics bureau said.\n\n"
    "Corvath Hydro paid $8B for the Lusk plant in 2016, the company said.\n\n"
    "The regional council inspected the Velmira Dam on March 14, officials said.\n"
)
DAM_INSPECTED = "The regional council inspected the Velmira Dam on March {day}, officials said."


def _keys(engine) -> dict[int, tuple[str, str]]:
    """Every claim's ``(key, numbers)``."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, key, numbers FROM claims ORDER BY id"))
        return {claim_id: (key, numbers) for claim_id, key, numbers in rows}


def _old_style(engine, claim_ids) -> dict[int, tuple[str, str]]:
    """What a factdb before the one number parser may have stored for these claims: extraction's
    figures without the proposition's years, a day of the month read as a figure ("March 14")."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(Claim.proposition, Claim.normalized, Claim.id, Mention.quote)
            .join(Mention, Mention.origin_claim_id == Claim.id)
            .where(Claim.id.in_(list(claim_ids)))
            .order_by(Mention.id.desc())  # the first mention last, so it wins below
        ).all()
    old = {}
    for proposition, normalized, claim_id, quote in rows:
        figures = find_quantities(quote)
        day = re.search(r"March (\d+)", proposition)
        if day:
            figures += (Quantity(float(day.group(1)), day.group(1)),)
        numbers = NormalizedClaim(text=normalized, tokens=(), numbers=figures, entities=(), antonym_text=None)
        old[claim_id] = (claim_key(numbers), quantities_to_json(figures))
    return old


def _store_as(engine, values: dict[int, tuple[str, str]]) -> None:
    """Set claims' ``(key, numbers)``, one claim after another."""
    with engine.begin() as connection:
        for claim_id, (key, numbers) in values.items():
            connection.execute(
                text("UPDATE claims SET key = :key, numbers = :numbers WHERE id = :id"),
                {"key": key, "numbers": numbers, "id": claim_id},
            )


def _add_text(url: str, *texts: str):
    with open_store(url) as store:
        for value in texts:
            outcome = add_sources(store, iter_sources(["-"], stdin=_bytes(value), on_error=pytest.fail))
            assert outcome.sources_added == 1
    return outcome


def test_0004_gives_stored_claims_the_numbers_and_keys_ingest_computes_now(db_url):
    _fill(db_url)
    _add_text(db_url, FIGURES)
    engine = open_engine(db_url)
    try:
        fresh = _keys(engine)
        assert migrate.downgrade(engine, "0003") == "0003"
        old = {i: v for i, v in _old_style(engine, fresh).items() if v != fresh[i]}
        assert len(old) >= 4, "the samples and FIGURES state years, a day and money the old parsers read otherwise"
        _store_as(engine, old)
        with engine.begin() as connection:  # extraction's figures as an old parser read them: not used
            connection.execute(text("UPDATE mentions SET quantities = :stale"), {"stale": '[{"value":999,"text":"999"}]'})
        assert _keys(engine) != fresh
        assert migrate.upgrade(engine) == migrate.head_revision()
        assert _keys(engine) == fresh
        assert migrate.downgrade(engine, "0003") == "0003"
        assert migrate.upgrade(engine) == migrate.head_revision()
        assert _keys(engine) == fresh, "the migration is idempotent"
    finally:
        engine.dispose()
    with open_store(db_url) as store:
        assert verify_store(store, reextract=False) == []


def test_0004_later_claim_keeps_its_old_key_when_the_new_one_is_taken(db_url, caplog):
    """Three stored claims that the old parser read apart by their day ("March 14/15/16") have
    one key now: the earliest takes it, the two later ones keep their old keys, nothing merges;
    a claim whose new key a later claim gives up takes it."""
    _fill(db_url)
    engine = open_engine(db_url)
    try:
        _add_text(db_url, f"title: Dam\n\n{DAM_INSPECTED.format(day=14)}\n")
        with engine.connect() as connection:
            (first,) = connection.execute(text("SELECT max(id) FROM claims")).scalars()
        new_key = _keys(engine)[first][0]
        # As an old factdb stored it: keyed by the day.  The next two sources then miss the key
        # and are stored apart (what the migration is for), each under the current key first.
        for day, claim_id in ((15, first + 1), (16, first + 2)):
            _store_as(engine, _old_style(engine, [claim_id - 1]))
            _add_text(db_url, f"title: Dam {day}\n\n{DAM_INSPECTED.format(day=day)}\n")
            assert _keys(engine)[claim_id][0] == new_key
        _store_as(engine, _old_style(engine, [first + 2]))
        before = _keys(engine)
        chained = _chain_two_claims(engine)  # a wants b's key, b moves on
        assert migrate.downgrade(engine, "0003") == "0003"
        with caplog.at_level(logging.INFO, logger="alembic.runtime.migration"):
            assert migrate.upgrade(engine) == migrate.head_revision()
        after = _keys(engine)
        assert after[first] == (new_key, "[]")
        assert after[first + 1] == before[first + 1] and after[first + 2] == before[first + 2]
        assert len({key for key, _ in after.values()}) == len(after)
        assert all(after[claim_id] == value for claim_id, value in chained.items())
        assert "3 new keys" in caplog.text and "2 whose new key another claim holds" in caplog.text
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM claims WHERE merged_into_id IS NOT NULL")).scalar() == 1
    finally:
        engine.dispose()
    with open_store(db_url) as store:
        assert verify_store(store, reextract=False) == []
        outcome = _add_text(db_url, f"title: Dam 17\n\n{DAM_INSPECTED.format(day=17)}\n")
        assert outcome.claims_new == 0, "a claim stated again finds the earliest by its key"


def _chain_two_claims(engine) -> dict[int, tuple[str, str]]:
    """Store the first two sample claims with old keys such that the first one's new key is held
    by the second, which moves on to its own; return their current ``(key, numbers)``."""
    current = _keys(engine)
    a, b = sorted(current)[:2]
    _store_as(engine, {a: ("old-a", current[a][1]), b: (current[a][0], current[b][1])})
    return {a: current[a], b: current[b]}
