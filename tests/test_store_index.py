"""The store's retrieval index answers exactly as the in-memory one: same matches, same order,
on SQLite and PostgreSQL (so calibration on InMemoryIndex holds for the store)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from factdb.match import InMemoryIndex, find_matches
from factdb.normalize import normalize_claim, split_polarity
from factdb.queries import match_text
from factdb.store import writes
from sqlalchemy import select, text

from factdb.store.codec import unpack_ids
from factdb.store.index import StoreIndex, add_postings, add_postings_many, remove_postings
from factdb.store.schema import ClaimTerm, PostingBlock

NOW = datetime(2026, 3, 14, tzinfo=timezone.utc)

PROPOSITIONS = [
    "At least 14 people were killed when the Velmira Dam gave way",
    "At least 31 people were killed when the Velmira Dam gave way",
    "Corvath Hydro ignored repeated safety warnings about the dam",
    "The regional council approved the compensation plan for displaced families",
    "The regional council rejected the compensation plan for displaced families",
    "The flood wave destroyed 40 houses in the village of Pelin",
    "Army engineers set up 40 temporary shelters in the village of Pelin",
    "Rebels fired 111 drones at Kessna overnight",
    "Air defences destroyed 102 rebel drones overnight",
    "Putin rejected the US peace plan",
    "The Kremlin said the talks in Geneva would resume next week",
    "2,300 residents were evacuated from Pelin, Sorvik and Dunrask",
]

QUERIES = [
    "Putin has not rejected the US peace plan",
    "45 people were killed when the Velmira Dam gave way",
    "The council rejected the plan for displaced families",
    "Air defences destroyed 98 drones overnight",
    "Evacuations of 2,300 residents from Pelin",
    "Something entirely unrelated about football",
]


def build_both(store):
    memory = InMemoryIndex()

    def load(session):
        for text in PROPOSITIONS:
            normalized = normalize_claim(text)
            claim_id = writes.insert_claim(session, text, normalized, key=writes.claim_key(normalized), now=NOW)
            memory.add(claim_id, text, normalized)

    store.write(load)
    return memory


def test_store_index_ranks_exactly_like_the_in_memory_index(store):
    memory = build_both(store)
    with store.read() as session:
        on_disk = StoreIndex(session)
        assert on_disk.claim_count() == memory.claim_count()
        for text in QUERIES:
            positive, stance = split_polarity(text)
            query = normalize_claim(positive)
            assert find_matches(query, on_disk, stance=stance) == find_matches(query, memory, stance=stance), text


def test_document_frequencies_count_claims_not_occurrences(store):
    build_both(store)
    with store.read() as session:
        df = StoreIndex(session).document_frequencies(["pelin", "council", "nosuchterm"])
    assert df == {"pelin": 3, "council": 2}


def test_removed_postings_are_no_longer_retrieved(store):
    memory = build_both(store)
    target = next(m for m in find_matches(normalize_claim(PROPOSITIONS[9]), memory))
    store.write(lambda session: remove_postings(session, target.claim_id))
    with store.read() as session:
        found = find_matches(normalize_claim(PROPOSITIONS[9]), StoreIndex(session))
    assert target.claim_id not in {m.claim_id for m in found}


def _blocks_and_postings(store):
    blocks, postings = PostingBlock.__table__, ClaimTerm.__table__
    with store.read() as session:
        by_term: dict[int, list[list[int]]] = {}
        for term_id, first_id, raw in session.execute(
            select(blocks.c.term_id, blocks.c.first_id, blocks.c.ids).order_by(blocks.c.term_id, blocks.c.first_id)
        ):
            ids = unpack_ids(raw).tolist()
            assert ids and ids[0] == first_id and ids == sorted(ids)
            by_term.setdefault(term_id, []).append(ids)
        expected: dict[int, list[int]] = {}
        for term_id, claim_id in session.execute(
            select(postings.c.term_id, postings.c.claim_id).order_by(postings.c.term_id, postings.c.claim_id)
        ):
            expected.setdefault(term_id, []).append(claim_id)
    assert {t: [c for block in blocks_ for c in block] for t, blocks_ in by_term.items()} == expected
    return by_term


def test_posting_blocks_hold_each_terms_claims_in_order_and_rank_like_memory(store, monkeypatch):
    monkeypatch.setattr("factdb.store.index.BLOCK_IDS", 2)
    memory = build_both(store)
    blocks = _blocks_and_postings(store)
    assert max(len(b) for b in blocks.values()) >= 2  # "pelin" fills more than one block
    with store.read() as session:
        for text in QUERIES:
            positive, stance = split_polarity(text)
            query = normalize_claim(positive)
            assert find_matches(query, StoreIndex(session), stance=stance) == find_matches(query, memory, stance=stance)


def test_a_removed_then_readded_claim_goes_back_into_its_blocks(store, monkeypatch):
    monkeypatch.setattr("factdb.store.index.BLOCK_IDS", 2)
    build_both(store)
    before = _blocks_and_postings(store)
    tokens = normalize_claim(PROPOSITIONS[5]).tokens  # claim 6: "pelin" is in claims 6, 7 and 12
    store.write(lambda session: remove_postings(session, 6))
    _blocks_and_postings(store)
    store.write(lambda session: add_postings(session, 6, tokens))  # as an unmerge does: an older id
    after = _blocks_and_postings(store)
    assert {t: sum(b, []) for t, b in after.items()} == {t: sum(b, []) for t, b in before.items()}


@pytest.mark.parametrize("scan", [30_000, 3], ids=["rarest-read-whole", "common-probed"])
def test_capped_posting_lists_put_claims_sharing_rare_query_terms_first(store, monkeypatch, scan):
    monkeypatch.setattr("factdb.store.index.BLOCK_IDS", 2)
    monkeypatch.setattr("factdb.store.index.COOCCURRENCE_SCAN", scan)
    build_both(store)
    terms = list(dict.fromkeys(normalize_claim("The flood wave hit the village of Pelin").tokens))
    with store.read() as session:
        found = StoreIndex(session).postings(terms, limit_per_term=1)
    # "pelin" is in claims 6, 7 and 12, "village" in 6 and 7: capped at one claim each, they keep
    # claim 6 (which also holds "flood" and "wave"), not the newest.
    assert found["pelin"] == [6] and found["villag"] == [6]
    assert found["flood"] == [6]


def test_claims_read_back_equal_the_normalized_claims_written(store):
    build_both(store)
    with store.read() as session:
        views = StoreIndex(session).claims(range(1, len(PROPOSITIONS) + 1))
    assert [v.proposition for v in views] == PROPOSITIONS
    for view in views:
        written = normalize_claim(view.proposition)
        assert view.normalized == written and written == view.normalized
        assert (view.normalized.numbers, view.normalized.entities) == (written.numbers, written.entities)
        assert hash(view.normalized) == hash(written) and repr(view.normalized) == repr(written)


@pytest.mark.parametrize("scan", [30_000, 3], ids=["rarest-read-whole", "common-probed"])
def test_claims_noted_as_unindexed_are_served_as_if_indexed(store, monkeypatch, scan):
    """Ingest indexes a source's new claims at the end of its transaction; until then the index
    serves them from memory, and must answer exactly as if each had been indexed at once."""
    monkeypatch.setattr("factdb.store.index.BLOCK_IDS", 2)
    monkeypatch.setattr("factdb.store.index.COOCCURRENCE_SCAN", scan)
    memory = InMemoryIndex()
    queries = [normalize_claim(split_polarity(text)[0]) for text in [*QUERIES, "The flood wave hit Pelin village"]]
    terms = list(dict.fromkeys(t for query in queries for t in query.tokens))

    def answers(index):
        matches = [find_matches(query, index) for query in queries]
        postings = [index.postings(terms, limit_per_term=limit) for limit in (1, 2, 500)]
        return matches, postings, index.document_frequencies(terms)

    def load(session):
        index, unindexed = StoreIndex(session), []
        for k, text in enumerate(PROPOSITIONS):
            normalized = normalize_claim(text)
            indexed = k < 5  # "pelin" and "village" fill blocks, then claims join them unindexed
            claim_id = writes.insert_claim(
                session, text, normalized, key=writes.claim_key(normalized), now=NOW, indexed=indexed
            )
            memory.add(claim_id, text, normalized)
            if not indexed:
                index.note_unindexed(claim_id, normalized.tokens)
                unindexed.append((claim_id, normalized.tokens))
        served = answers(index)
        add_postings_many(session, unindexed)
        return served, answers(StoreIndex(session))

    served, indexed = store.write(load)
    assert served == indexed
    assert served[0] == [find_matches(query, memory) for query in queries]
    assert any(len(found) > 1 for found in served[1][2].values())  # the unindexed claims were found


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_only_matching_reads_map_the_sqlite_file(store):
    """A match reads the file through memory mapping (its scattered row reads are faster); writes
    and other reads unmap it, so that an ingest's or an export's resident memory does not grow
    with every page of the store it touches."""

    def mapped_bytes(session) -> int:
        return session.execute(text("PRAGMA mmap_size")).scalar()

    def pooled_connection_mapped_bytes() -> int:  # without starting a transaction, which would reset it
        raw = store.engine.raw_connection()
        try:
            return raw.cursor().execute("PRAGMA mmap_size").fetchone()[0]
        finally:
            raw.close()

    with store.read() as session:
        assert mapped_bytes(session) == 0
    with store.read(mapped=True) as session:
        assert mapped_bytes(session) > 0
    assert store.write(mapped_bytes) == 0
    match_text(store, "The flood wave hit the village of Pelin")
    assert pooled_connection_mapped_bytes() > 0
    with store.read() as session:
        assert mapped_bytes(session) == 0
