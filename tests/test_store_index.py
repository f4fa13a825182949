"""The store's retrieval index answers exactly as the in-memory one: same matches, same order,
on SQLite and PostgreSQL (so calibration on InMemoryIndex holds for the store)."""

from __future__ import annotations

from datetime import datetime, timezone

from factdb.match import InMemoryIndex, find_matches
from factdb.normalize import normalize_claim, split_polarity
from factdb.store import writes
from factdb.store.index import StoreIndex, remove_postings

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
