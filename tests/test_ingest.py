"""Ingest on a real store (SQLite and PostgreSQL): sources in, claims matched, contradictions
found, statuses tracked — one transaction per source."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from factdb import ingest, track
from factdb.ingest import add_document, add_sources
from factdb.models import ClaimStatus, ContradictionKind, Document, SourceMeta, Stance
from factdb.sources import iter_sources
from factdb.queries import claim_history, list_claims, list_contradictions, store_stats
from factdb.store import open_store, writes
from factdb.store.facts import claim_facts
from factdb.store.schema import Claim, ClaimRelation, ClaimStatusEvent, Mention, Source

from tests.samples import (
    COUNCIL_APPROVED,
    HOUSES_DESTROYED,
    IGNORED_WARNINGS,
    SAMPLES,
    SHELTERS,
    TOLL_14,
    TOLL_31,
    text_samples,
)

T0 = datetime(2026, 3, 14, 9, 30, tzinfo=timezone.utc)


def doc(text: str, *, outlet: str = "Test Wire", published: datetime = T0, url: str | None = None) -> Document:
    return Document(text=text, meta=SourceMeta(outlet=outlet, published_at=published, url=url))


def add_samples(store):
    """Every bundled sample source (text, HTML and feed), as `factdb add samples/articles` reads them."""
    errors: list[str] = []
    summary = add_sources(store, iter_sources([str(SAMPLES)], on_error=errors.append))
    assert not errors and summary.failed == 0
    return summary


def claim_with(store, words: str):
    found = list_claims(store, search=words, limit=1)
    assert found, f"no claim like {words!r}"
    return found[0]


def count(store, table) -> int:
    with store.read() as session:
        return session.execute(select(func.count()).select_from(table)).scalar()


def test_re_adding_the_same_text_is_a_reported_no_op(store):
    text = "The regional council approved the compensation plan on Monday, chairman Edvard Lusk said."
    first = add_document(store, doc(text))
    again = add_document(store, doc(text, outlet="Another Outlet"))
    assert not first.duplicate and again.duplicate and again.source_id == first.source_id
    assert count(store, Source.__table__) == 1
    assert count(store, Mention.__table__) == first.claims_new + first.claims_matched


def test_denial_by_spokesman_joins_the_claim_and_disputes_it(store):
    add_document(store, doc("Corvath Hydro ignored repeated safety warnings about the dam, the State Dam Inspectorate said."))
    later = add_document(
        store,
        doc(
            "It was \"not correct\" to say that Corvath Hydro had ignored repeated safety warnings about the dam, "
            "company spokesman Dariusz Lenk said on Sunday.",
            outlet="Other",
            published=T0 + timedelta(days=1),
        ),
    )
    assert later.claims_matched == 1 and later.claims_new == 0
    claim = claim_with(store, IGNORED_WARNINGS)
    assert (claim.affirms, claim.denies) == (1, 1)
    assert claim.status is ClaimStatus.DISPUTED
    (contradiction,) = list_contradictions(store, kind=ContradictionKind.POLARITY)
    assert {contradiction.side.stance, contradiction.other_side.stance} == {Stance.AFFIRMS, Stance.DENIES}
    assert contradiction.other_side.speaker == "Dariusz Lenk"


def test_same_day_different_toll_is_a_numeric_contradiction(store):
    add_document(store, doc(f"{TOLL_14}, regional governor Marta Kellan said."))
    outcome = add_document(store, doc(f"{TOLL_31}, hospital director Zoe Durovac said.", outlet="Courier", published=T0 + timedelta(hours=5)))
    assert outcome.claims_new == 1 and outcome.contradictions == 1
    (found,) = list_contradictions(store, kind=ContradictionKind.NUMERIC)
    assert {found.side.speaker, found.other_side.speaker} == {"Marta Kellan", "Zoe Durovac"}


def test_toll_revised_upward_days_later_is_an_update_not_a_contradiction(store):
    add_document(store, doc(f"{TOLL_14}, regional governor Marta Kellan said."))
    add_document(
        store,
        doc("At least 38 people were killed when the Velmira Dam gave way early on Saturday, Kellan told reporters.",
            published=T0 + timedelta(days=2)),
    )
    assert list_contradictions(store) == []
    with store.read() as session:
        kinds = session.execute(select(ClaimRelation.kind)).scalars().all()
    assert kinds == ["updates"]


def test_antonym_predicates_contradict(store):
    add_document(store, doc(f"{COUNCIL_APPROVED}, council chairman Edvard Lusk said."))
    add_document(store, doc("The regional council rejected the compensation plan for displaced families on Monday, "
                            "opposition councillor Sabine Korr said.", outlet="Courier"))
    (found,) = list_contradictions(store)
    assert found.kind is ContradictionKind.ANTONYM


def test_look_alike_events_are_neither_same_nor_contradiction(store):
    add_document(store, doc(f"{HOUSES_DESTROYED}, the regional emergency service said."))
    outcome = add_document(store, doc(f"{SHELTERS}, the Defence Ministry said.", outlet="Other"))
    assert outcome.claims_new == 1 and outcome.contradictions == 0
    assert list_contradictions(store) == []


def test_second_independent_source_corroborates_but_a_wire_copy_does_not(store):
    text = "The regional emergency service said 2,300 residents had been evacuated from Pelin since Saturday."
    wire = text + " Rescue teams were still searching homes in Sorvik on Sunday, officials said."
    add_document(store, doc(wire, outlet="Herald"))
    add_document(store, doc(wire + " The company runs four other dams.", outlet="Morning Post", published=T0 + timedelta(minutes=45)))
    assert claim_with(store, "2,300 residents evacuated from Pelin").status is ClaimStatus.REPORTED
    add_document(store, doc("About 2,300 residents had been evacuated from Pelin since Saturday, the regional emergency service said.",
                            outlet="Ledger", published=T0 + timedelta(hours=3)))
    assert claim_with(store, "2,300 residents evacuated from Pelin").status is ClaimStatus.CORROBORATED


def test_speaker_aliases_resolve_to_one_speaker(store):
    add_document(store, doc("Corvath Hydro will inspect its other dams, company spokesman Dariusz Lenk said."))
    add_document(store, doc("Mr Lenk said the company had shut the spillway gates on Friday.", outlet="Other"))
    with store.read() as session:
        speakers = session.execute(select(Mention.speaker_id).distinct()).scalars().all()
    assert len(speakers) == 1


def test_history_as_of_and_known_at(store):
    affirm = add_document(store, doc(f"{IGNORED_WARNINGS}, the State Dam Inspectorate said."))
    add_document(
        store,
        doc(f"Company spokesman Dariusz Lenk denied that Corvath Hydro had ignored repeated safety warnings about the dam.",
            published=T0 + timedelta(days=1), outlet="Other"),
        now=datetime.now(timezone.utc) + timedelta(days=30),
    )
    claim = claim_with(store, IGNORED_WARNINGS)
    assert claim_history(store, claim.claim_id).status is ClaimStatus.DISPUTED
    assert claim_history(store, claim.claim_id, as_of=T0 + timedelta(hours=1)).status is ClaimStatus.REPORTED
    now_ish = datetime.now(timezone.utc) + timedelta(days=1)
    known_then = claim_history(store, claim.claim_id, known_at=now_ish)
    assert known_then.status is ClaimStatus.REPORTED
    assert [m.source_id for m in known_then.mentions] == [affirm.source_id]


def test_a_failure_mid_source_leaves_nothing_half_written(store, monkeypatch):
    def failing(session, changes):
        raise RuntimeError("simulated crash after the claims, mentions and relations were written")

    monkeypatch.setattr(writes, "append_status_changes_many", failing)
    text = (f"{TOLL_14}, regional governor Marta Kellan said. "
            f"{HOUSES_DESTROYED}, the regional emergency service said.")
    with pytest.raises(RuntimeError):
        add_document(store, doc(text))
    for table in (Source.__table__, Claim.__table__, Mention.__table__, ClaimStatusEvent.__table__):
        assert count(store, table) == 0


def test_sample_articles_end_to_end(store):
    summary = add_samples(store)
    stats = store_stats(store)
    assert stats["sources"] == summary.sources_added == len(text_samples()) + 1 + 2  # + the HTML page, 2 feed items
    kinds = {c.kind for c in list_contradictions(store)}
    assert kinds == {ContradictionKind.POLARITY, ContradictionKind.NUMERIC, ContradictionKind.ANTONYM}
    # Every claim's stored status is the one its facts give, and its newest event says so too.
    with store.read() as session:
        for claim_id, status in session.execute(select(Claim.id, Claim.status)).all():
            assert status == track.status_at(claim_facts(session, claim_id)).value
            newest = session.execute(
                select(ClaimStatusEvent.status).where(ClaimStatusEvent.claim_id == claim_id)
                .order_by(ClaimStatusEvent.valid_at.desc(), ClaimStatusEvent.id.desc()).limit(1)
            ).scalar()
            assert newest == status


def _stored_rows(store) -> dict[str, list[tuple]]:
    """What ingest decided, without the recording times."""
    tables = {
        "claims": select(Claim.id, Claim.proposition, Claim.key, Claim.status).order_by(Claim.id),
        "mentions": select(Mention.id, Mention.claim_id, Mention.source_id, Mention.speaker_id, Mention.stance)
        .order_by(Mention.id),
        "relations": select(
            ClaimRelation.claim_id, ClaimRelation.related_claim_id, ClaimRelation.kind,
            ClaimRelation.contradiction, ClaimRelation.mention_id, ClaimRelation.related_mention_id,
        ).order_by(ClaimRelation.id),
        "status events": select(ClaimStatusEvent.claim_id, ClaimStatusEvent.status, ClaimStatusEvent.valid_at)
        .order_by(ClaimStatusEvent.id),
    }  # fmt: skip
    with store.read() as session:
        return {name: [tuple(row) for row in session.execute(query)] for name, query in tables.items()}


def test_extraction_in_a_second_process_stores_what_extraction_inline_stores(tmp_path):
    stored = {}
    for background in (False, True):
        with open_store(f"sqlite:///{tmp_path / f'background-{background}.db'}") as store:
            sources = iter_sources([str(SAMPLES)], on_error=pytest.fail)
            summary = add_sources(store, sources, extract_in_background=background)
            assert summary.failed == 0 and summary.sources_added == len(text_samples()) + 3
            stored[background] = _stored_rows(store)
    assert stored[True] == stored[False]
    assert stored[True]["relations"]  # the samples' contradictions were found both ways


def test_a_dead_extraction_process_leaves_the_rest_to_this_one(store, monkeypatch, tmp_path):
    parent, died = os.getpid(), tmp_path / "child-died"
    prepare_here = ingest.prepare_source

    def dies_in_the_child(document, **options):
        if os.getpid() != parent:  # the forked child has this patch too
            died.touch()
            os._exit(1)  # as the OOM killer would end it
        return prepare_here(document, **options)

    monkeypatch.setattr(ingest, "prepare_source", dies_in_the_child)
    summary = add_sources(store, iter_sources([str(SAMPLES)], on_error=pytest.fail), extract_in_background=True)
    assert died.exists()
    assert summary.failed == 0 and summary.sources_added == len(text_samples()) + 3
