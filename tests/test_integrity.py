"""verify_store and `factdb db verify`: a whole store passes, each kind of damage is named."""

from __future__ import annotations

import re
import sqlite3

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from factdb.cli.app import app
from factdb.ingest import add_sources
from factdb.sources import iter_sources
from factdb.store import integrity, open_store
from factdb.store.codec import pack_ids, unpack_ids
from factdb.store.integrity import verify_store

from .samples import SAMPLES

runner = CliRunner()


@pytest.fixture
def full(store):
    add_sources(store, iter_sources([str(SAMPLES)], on_error=pytest.fail))
    assert verify_store(store) == []
    return store


def _damage(store, *statements: str | tuple[str, dict], reextract: bool = True) -> list[str]:
    with store.engine.begin() as connection:
        if store.dialect == "sqlite":
            connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        for statement in statements:
            sql, params = (statement, {}) if isinstance(statement, str) else statement
            connection.execute(text(sql), params)
    return verify_store(store, reextract=reextract)


DAMAGE = {
    "half-written source": (
        ["DELETE FROM claim_status_events WHERE mention_id = (SELECT max(id) FROM mentions WHERE source_id = 2)",
         "DELETE FROM claim_relations WHERE mention_id = (SELECT max(id) FROM mentions WHERE source_id = 2)"
         " OR related_mention_id = (SELECT max(id) FROM mentions WHERE source_id = 2)",
         "DELETE FROM mentions WHERE id = (SELECT max(id) FROM mentions WHERE source_id = 2)"],
        r"source 2: \d+ mentions, but \d+ claims were extracted when it was added",
    ),
    # added before migration 0005 stored the count: checked by extracting its text again
    "half-written source without a stored count": (
        ["UPDATE sources SET claims_extracted = NULL WHERE id = 2",
         "DELETE FROM claim_status_events WHERE mention_id = (SELECT max(id) FROM mentions WHERE source_id = 2)",
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


def _damage_unchecked(store, *statements: tuple[str, dict]) -> None:
    """Run ``statements`` with foreign keys not enforced (rows pointing at nothing)."""
    if store.dialect == "sqlite":
        connection = sqlite3.connect(store.engine.url.database)  # foreign keys off: sqlite's default
        with connection:
            for sql, params in statements:
                connection.execute(sql, params)
        connection.close()
        return
    with store.engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")  # no FK triggers
        for sql, params in statements:
            connection.execute(text(sql), params)


def _index_of(store) -> tuple[dict[int, str], dict[int, list[int]], dict[int, int]]:
    """The store's terms (id -> term), each claim's term ids (ascending), each term's df."""
    with store.engine.connect() as connection:
        terms = dict(connection.execute(text("SELECT id, term FROM terms")).all())
        df = dict(connection.execute(text("SELECT id, df FROM terms")).all())
        posted: dict[int, list[int]] = {}
        for claim_id, term_id in connection.execute(
            text("SELECT claim_id, term_id FROM claim_terms ORDER BY claim_id, term_id")
        ):
            posted.setdefault(claim_id, []).append(term_id)
    return terms, posted, df


def test_index_damage_is_named_exactly(full, monkeypatch):
    """Postings missing, extra, for a missing claim or under a missing term, and a wrong df: each
    named, with its claim or term, ahead of what the posting blocks then say (on each database),
    whatever the range of claim ids compared at a time."""
    terms, posted, df = _index_of(full)
    dropped = posted[5][0]  # claim 5 loses a posting
    added = min(set(terms) - set(posted[6]) - {dropped})  # claim 6 gains one
    orphan = max(set(terms) - {dropped, added})  # posted under a claim that does not exist
    wrong = min(set(terms) - {dropped, added, orphan})  # its df off by 2
    stray_term = max(terms) + 1000
    _damage_unchecked(
        full,
        ("DELETE FROM claim_terms WHERE claim_id = 5 AND term_id = :t", {"t": dropped}),
        ("INSERT INTO claim_terms (term_id, claim_id) VALUES (:t, 6)", {"t": added}),
        ("INSERT INTO claim_terms (term_id, claim_id) VALUES (:t, :c)", {"t": orphan, "c": STRAY}),
        ("INSERT INTO claim_terms (term_id, claim_id) VALUES (:t, 7)", {"t": stray_term}),
        ("UPDATE terms SET df = df + 2 WHERE id = :t", {"t": wrong}),
    )
    problems = verify_store(full, reextract=False)
    changed = {dropped: -1, added: +1, orphan: +1, wrong: 0}
    expected = [
        f"claim 5: index terms differ from its tokens (missing [{terms[dropped]!r}], extra [])",
        f"claim 6: index terms differ from its tokens (missing [], extra [{terms[added]!r}])",
        f"claim 7: index terms differ from its tokens (missing [], extra ['#{stray_term}'])",
        f"postings for missing claim {STRAY}",
        *(
            f"term {terms[t]!r}: df {df[t] + (2 if t == wrong else 0)} but {df[t] + changed[t]} postings"
            for t in sorted(changed)
        ),
    ]
    assert problems[: len(expected)] == expected, problems
    rest = problems[len(expected):]
    blocks = (" posting block", ": posting blocks hold", ": indexed, but has no terms row")
    assert rest and all(any(b in p for b in blocks) for p in rest), rest
    for chunk in (1, 2, 7):
        monkeypatch.setattr(integrity, "INDEX_CHECK_CLAIMS", chunk)
        assert verify_store(full, reextract=False) == problems, chunk


def test_db_verify_counts_every_problem(db_url):
    """More problems of one rule than are listed: the sample is capped, the count is not."""
    assert runner.invoke(app, ["--db", db_url, "add", str(SAMPLES)]).exit_code == 0
    damaged = integrity.MAX_PER_RULE + 5
    with open_store(db_url) as store:
        terms, _, df = _index_of(store)
        assert len(terms) > damaged
        first = sorted(terms)[:damaged]
        _damage(store, ("UPDATE terms SET df = df + 1 WHERE id <= :t", {"t": first[-1]}), reextract=False)
        assert integrity.find_problems(store, reextract=False).total == damaged
    result = runner.invoke(app, ["--db", db_url, "db", "verify", "--quick"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        *(f"problem: term {terms[t]!r}: df {df[t] + 1} but {df[t]} postings" for t in first[: integrity.MAX_PER_RULE]),
        "problem: ... and 5 more: document frequency",
        f"error: {damaged} integrity problems found",
    ]


def _single_blocks(store, count: int) -> list[tuple[int, str, list[int]]]:
    """``count`` terms whose posting list is one block of at least 3 ids: (term id, term, ids)."""
    with store.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT b.term_id, t.term, b.ids FROM posting_blocks b JOIN terms t ON t.id = b.term_id "
            "WHERE b.term_id IN (SELECT term_id FROM posting_blocks GROUP BY term_id HAVING count(*) = 1) "
            "ORDER BY b.term_id"
        )).all()
    found = [(term_id, term, unpack_ids(raw).tolist()) for term_id, term, raw in rows if len(raw) >= 12]
    assert len(found) >= count, "the samples have too few terms in 3+ claims"
    return found[:count]


_SET_IDS = "UPDATE posting_blocks SET ids = :ids WHERE term_id = :t"
_ADD_BLOCK = "INSERT INTO posting_blocks (term_id, first_id, ids) VALUES (:t, :f, :ids)"
STRAY = 10_000_000  # no claim of the samples has this id

# Damage to one term's only posting block (ids: its claim ids, ascending) -> the statement and
# what verify must say about it (after "term '<term>', " or "term '<term>': ").
BLOCK_DAMAGE = {
    "id dropped": lambda t, ids: (
        (_SET_IDS, {"t": t, "ids": pack_ids(ids[:-1])}),
        rf": posting blocks hold {len(ids) - 1} ids, claim_terms {len(ids)} \(missing \[{ids[-1]}\], extra \[\],",
    ),
    "stray id": lambda t, ids: (
        (_SET_IDS, {"t": t, "ids": pack_ids([*ids, STRAY])}),
        rf": posting blocks hold {len(ids) + 1} ids, claim_terms {len(ids)} \(missing \[\], extra \[{STRAY}\],",
    ),
    "block deleted": lambda t, ids: (
        ("DELETE FROM posting_blocks WHERE term_id = :t", {"t": t}),
        rf": posting blocks hold 0 ids, claim_terms {len(ids)} \(missing \[{ids[0]}, {ids[1]}, ",
    ),
    "block unsorted": lambda t, ids: (
        (_SET_IDS, {"t": t, "ids": pack_ids([*ids[:-2], ids[-1], ids[-2]])}),
        rf", posting block {ids[0]}: ids not strictly ascending",
    ),
    "first_id wrong": lambda t, ids: (
        ("UPDATE posting_blocks SET first_id = first_id + 1 WHERE term_id = :t", {"t": t}),
        rf", posting block {ids[0] + 1}: first_id {ids[0] + 1}, but its first id {ids[0]}",
    ),
    "blocks overlap": lambda t, ids: (
        (_ADD_BLOCK, {"t": t, "f": ids[1], "ids": pack_ids([ids[1]])}),
        rf", posting block {ids[1]}: overlaps the term's block before it",
    ),
    "id repeated": lambda t, ids: (
        (_ADD_BLOCK, {"t": t, "f": ids[-1] + 1, "ids": pack_ids([ids[-1]])}),
        rf": posting blocks hold {len(ids) + 1} ids, .* repeated \[{ids[-1]}\]\)",
    ),
    "empty block": lambda t, ids: (
        (_ADD_BLOCK, {"t": t, "f": ids[-1] + 1, "ids": b""}),
        rf", posting block {ids[-1] + 1}: empty",
    ),
    "bytes cut": lambda t, ids: (
        (_SET_IDS, {"t": t, "ids": pack_ids(ids)[:-1]}),
        rf", posting block {ids[0]}: {4 * len(ids) - 1} bytes, not a whole number of ids",
    ),
}


def test_each_kind_of_posting_block_damage_is_found(full):
    """Each damage on its own term, all in one store (on each database): each is named, under its
    term, and nothing else is."""
    terms = _single_blocks(full, len(BLOCK_DAMAGE))
    statements, expected = [], {}
    for (term_id, term, ids), (damage, make) in zip(terms, BLOCK_DAMAGE.items(), strict=True):
        statement, message = make(term_id, ids)
        statements.append(statement)
        expected[damage] = f"term {re.escape(repr(term))}{message}"
    problems = _damage(full, *statements, reextract=False)
    missed = [damage for damage, pattern in expected.items() if not any(re.search(pattern, p) for p in problems)]
    assert not missed, (missed, problems)
    damaged = tuple(f"term {term!r}" for _, term, _ in terms)
    assert all(p.startswith(damaged) for p in problems), problems


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_every_term_is_checked_once_whatever_the_chunk(full, monkeypatch):
    """Term id ranges of one term, a few terms, or all: every term's blocks checked exactly once."""
    with full.engine.connect() as connection:
        indexed = connection.execute(text("SELECT count(DISTINCT term_id) FROM claim_terms")).scalar_one()
    assert indexed > integrity.MAX_PER_RULE
    problems = _damage(full, "DELETE FROM posting_blocks", reextract=False)
    for chunk in (1, 7, 10**9):
        monkeypatch.setattr(integrity, "BLOCK_CHECK_POSTINGS", chunk)
        problems = verify_store(full, reextract=False)
        assert len(problems) == integrity.MAX_PER_RULE + 1, (chunk, problems)
        assert problems[-1] == f"... and {indexed - integrity.MAX_PER_RULE} more: posting blocks", chunk
        assert all(": posting blocks hold 0 ids" in p for p in problems[:-1])


def test_db_verify_reports_posting_block_damage(db_url):
    assert runner.invoke(app, ["--db", db_url, "add", str(SAMPLES)]).exit_code == 0
    with open_store(db_url) as store:
        [(term_id, term, ids)] = _single_blocks(store, 1)
        _damage(store, (_SET_IDS, {"t": term_id, "ids": pack_ids(ids[1:])}), reextract=False)
    result = runner.invoke(app, ["--db", db_url, "db", "verify", "--quick"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"problem: term {term!r}, posting block {ids[0]}: first_id {ids[0]}, but its first id {ids[1]}",
        f"problem: term {term!r}: posting blocks hold {len(ids) - 1} ids, claim_terms {len(ids)} "
        f"(missing [{ids[0]}], extra [], repeated [])",
        "error: 2 integrity problems found",
    ]


@pytest.mark.parametrize("chunk", [1, 3, 1 << 12])
def test_every_claim_is_checked_once_whatever_the_range(full, monkeypatch, chunk):
    """Claims are checked against their facts a range of ids at a time: damage at both ends of the
    id range and in between is found, once each, however wide the ranges."""
    monkeypatch.setattr(integrity, "CLAIM_CHECK_CLAIMS", chunk)
    with full.engine.connect() as connection:
        last = connection.execute(text("SELECT max(id) FROM claims")).scalar()
    damaged = sorted({1, last // 2, last})
    problems = _damage(
        full, *(f"UPDATE claims SET status = 'retracted' WHERE id = {claim_id}" for claim_id in damaged),
        reextract=False,
    )
    found = [p for p in problems if "status retracted but its facts give" in p]
    assert [int(re.search(r"claim (\d+)", p).group(1)) for p in found] == damaged, problems


def test_a_newer_extractor_does_not_make_older_sources_look_half_written(full, monkeypatch):
    """Sources are checked against the claim count stored when they were added, not against what
    the installed extractor reads in their text now (which may find one claim more)."""
    import factdb.ingest

    real_prepare = factdb.ingest.prepare
    monkeypatch.setattr(factdb.ingest, "prepare", lambda document, **kw: [*real_prepare(document, **kw), None])
    assert verify_store(full) == []
    _damage(full, "UPDATE sources SET claims_extracted = NULL WHERE id = 2")
    assert any(line.startswith("source 2: ") and "its text yields" in line for line in verify_store(full))
    assert verify_store(full, reextract=False) == []
