"""verify_store and `factdb db verify`: a whole store passes, each kind of damage is named."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from factdb.cli.app import app
from factdb.ingest import add_sources
from factdb.sources import iter_sources
from factdb.store import open_store
from factdb.store.integrity import verify_store

from .samples import SAMPLES

runner = CliRunner()


@pytest.fixture
def full(store):
    add_sources(store, iter_sources([str(SAMPLES)], on_error=pytest.fail))
    assert verify_store(store) == []
    return store


def _damage(store, *statements: str) -> list[str]:
    with store.engine.begin() as connection:
        if store.dialect == "sqlite":
            connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        for statement in statements:
            connection.execute(text(statement))
    return verify_store(store)


DAMAGE = {
    "half-written source": (
        ["DELETE FROM claim_status_events WHERE mention_id = (SELECT max(id) FROM mentions WHERE source_id = 2)",
         "DELETE FROM claim_relations WHERE mention_id = (SELECT max(id) FROM mentions WHERE source_id = 2)"
         " OR related_mention_id = (SELECT max(id) FROM mentions WHERE source_id = 2)",
         "DELETE FROM mentions WHERE id = (SELECT max(id) FROM mentions WHERE source_id = 2)"],
        r"source 2: \d+ mentions, but its text yields",
    ),
    "text changed": (["UPDATE sources SET text = replace(text, 'the', 'teh') WHERE id = 3"], r"source 3: content_hash"),
    "status out of step": (["UPDATE claims SET status = 'confirmed' WHERE id = 3"], r"claim 3: status confirmed"),
    "no status events": (["DELETE FROM claim_status_events WHERE claim_id = 4"], r"claim 4: mentioned but has no status"),
    "posting missing": (
        ["DELETE FROM claim_terms WHERE claim_id = 5 AND term_id = (SELECT min(term_id) FROM claim_terms WHERE claim_id = 5)"],
        r"claim 5: index terms differ.*df",
    ),
    "df wrong": (["UPDATE terms SET df = df + 1 WHERE id = 1"], r"df \d+ but \d+ postings"),
    "key wrong": (["UPDATE claims SET normalized = normalized || ' x' WHERE id = 6"], r"claim 6: key does not match"),
    "offsets wrong": (["UPDATE mentions SET start_offset = start_offset + 1 WHERE id = 7"], r"mention 7: offsets"),
}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the same queries on both: one is enough
@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_each_kind_of_damage_is_found(full, damage):
    statements, expected = DAMAGE[damage]
    problems = _damage(full, *statements)
    assert problems, "damage went unnoticed"
    assert re.search(expected, " | ".join(problems), flags=re.S), problems


def test_db_verify_exit_codes(db_url):
    ok = runner.invoke(app, ["--db", db_url, "add", str(SAMPLES)])
    assert ok.exit_code == 0
    result = runner.invoke(app, ["--db", db_url, "db", "verify"])
    assert result.exit_code == 0 and "ok: store is consistent" in result.stdout
    with open_store(db_url) as store:
        _damage(store, "UPDATE claims SET status = 'false' WHERE id = 2")
    result = runner.invoke(app, ["--db", db_url, "db", "verify", "--quick"])
    assert result.exit_code == 1
    assert "problem: claim 2: status false" in result.stderr and "1 integrity problems" in result.stderr
