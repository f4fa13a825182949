"""Invariants through the store (hypothesis): what holds for every input once it is stored.

The pure stages have their own properties (test_normalize, test_match, test_extract_properties);
these add the end-to-end ones: a sentence and its negation become one claim with both stances,
a claim restated in another source is matched to itself, any text leaves a consistent store,
re-adding is a no-op, and the order sources arrive in does not change the result.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from hypothesis import strategies as st
from sqlalchemy import select

from factdb.curate import merge_claims, review_claim, unmerge_claim
from factdb.errors import InvalidSource
from factdb.extract import parse_document
from factdb.ingest import add_document
from factdb.models import ClaimStatus, Document, SourceMeta
from factdb.queries import list_claims
from factdb.store import open_store
from factdb.store.integrity import verify_store
from factdb.store.schema import Claim, ClaimRelation, ClaimStatusEvent, Mention

from .corpus import make_corpus, store_signature

_STORE_SETTINGS = settings(
    max_examples=int(os.environ.get("FACTDB_HYPOTHESIS_EXAMPLES", 60)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
_SUBJECTS = ["The council", "The minister", "Governor Ann Reed", "The company", "Parliament", "The army"]
_VERBS = [("approved", "approve"), ("rejected", "reject"), ("signed", "sign"), ("blocked", "block"),
          ("cancelled", "cancel"), ("confirmed", "confirm")]
_OBJECTS = ["plan", "deal", "budget", "contract", "treaty", "tender"]
_PLACES = st.text(alphabet="bcdfghklmnprstvz", min_size=3, max_size=6).map(lambda s: s.capitalize() + "ia")
_NEGATIONS = [
    "{subject} did not {base} the {place} {obj}.",
    "{subject} didn't {base} the {place} {obj}.",
    "{subject} never {past} the {place} {obj}.",
]
_UNIQUE = itertools.count()


def _document(text: str, day: int = 0) -> Document:
    published = datetime(2026, 3, 1, tzinfo=timezone.utc) + timedelta(days=day)
    return Document(text=text, meta=SourceMeta(outlet=f"Outlet {day}", published_at=published))


def _mentions_of(store, claim_id: int) -> list[str]:
    with store.read() as session:
        return sorted(
            session.execute(select(Mention.__table__.c.stance).where(Mention.__table__.c.claim_id == claim_id)).scalars()
        )


@_STORE_SETTINGS
@given(
    st.sampled_from(_SUBJECTS), st.sampled_from(_VERBS), st.sampled_from(_OBJECTS), _PLACES,
    st.sampled_from(_NEGATIONS), st.booleans(),
)
def test_a_sentence_then_its_negation_is_one_claim_affirmed_and_denied(
    store, subject, verb, obj, place, negation, denial_first
):
    past, base = verb
    place = f"{place}{next(_UNIQUE)}"  # a new proposition per example, in one store
    affirmed = f"{subject} {past} the {place} {obj}."
    denied = negation.format(subject=subject, base=base, past=past, place=place, obj=obj)
    texts = [denied, affirmed] if denial_first else [affirmed, denied]
    first = add_document(store, _document(texts[0], 0))
    second = add_document(store, _document(texts[1], 1))
    assert (first.claims_new, second.claims_new, second.claims_matched) == (1, 0, 1), texts
    with store.read() as session:
        mention = Mention.__table__
        claim_ids = set(session.execute(
            select(mention.c.claim_id).where(mention.c.source_id.in_([first.source_id, second.source_id]))
        ).scalars())
        assert len(claim_ids) == 1, "the negation is the same claim, never a new one"
        (claim_id,) = claim_ids
        status = session.execute(select(Claim.__table__.c.status).where(Claim.__table__.c.id == claim_id)).scalar()
        polarity = session.execute(
            select(ClaimRelation.__table__.c.contradiction).where(
                ClaimRelation.__table__.c.claim_id == claim_id, ClaimRelation.__table__.c.related_claim_id == claim_id
            )
        ).scalars().all()
    assert _mentions_of(store, claim_id) == ["affirms", "denies"], "never same claim, same stance"
    assert status == "disputed" and polarity == ["polarity"]
    assert second.contradictions == 1


@_STORE_SETTINGS
@given(
    st.sampled_from(_SUBJECTS), st.sampled_from(_VERBS), st.sampled_from(_OBJECTS), _PLACES,
    st.sampled_from(["", "Officials said on Tuesday that ", "According to the agency, "]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=80),
)
def test_a_claim_restated_in_another_source_matches_itself(store, subject, verb, obj, place, frame, noise):
    past, _ = verb
    sentence = f"{subject} {past} the {place}{next(_UNIQUE)} {obj}"
    restated = frame + (sentence[0].lower() + sentence[1:] if frame else sentence)
    first = add_document(store, _document(sentence + "."))
    second = add_document(store, _document(f"{noise}\n\n{restated}.\n\n{noise} {next(_UNIQUE)}", 1))
    assert first.claims_new == 1
    with store.read() as session:
        mention = Mention.__table__
        ids = {
            source: set(session.execute(select(mention.c.claim_id).where(mention.c.source_id == source)).scalars())
            for source in (first.source_id, second.source_id)
        }
    assert ids[first.source_id] <= ids[second.source_id], "the restatement is matched to the stored claim"


_PROSE_WORDS = [
    "The", "council", "said", "that", "not", "never", "denied", "approved", "rejected", "the", "plan", "Kellan",
    "\u201c", "\u201d", '"', ".", ",", "?", "\n\n", "according", "to", "40", "people", "killed", "$3", "million",
    "may", "allegedly", "Mr", "Dr.", "U.S.", "she", "he", "told", "reporters", "title:", "2026-03-01", "\u202e",
    "\u0301", "\U0001f30a", "\u05d0", "\t", "\r\n", "\x0b",
]
_ANY_SOURCE = st.one_of(
    st.lists(st.sampled_from(_PROSE_WORDS), min_size=1, max_size=80).map(" ".join),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=300),
)


@_STORE_SETTINGS
@given(_ANY_SOURCE)
def test_any_text_leaves_a_consistent_store_and_readding_it_is_a_no_op(store, text):
    if not text.strip():
        return
    document = parse_document(text)
    before = store_signature(store)
    try:
        first = add_document(store, document)
    except InvalidSource:  # NUL characters: refused whole, nothing written
        assert "\x00" in text and store_signature(store) == before
        return
    after = store_signature(store)
    again = add_document(store, document)
    assert again.duplicate or first.duplicate
    assert store_signature(store) == after
    if first.duplicate:
        assert after == before
    problems = verify_store(store)
    assert problems == [], "offsets slice quotes, counts match re-extraction, statuses and index in step"


_POOL = make_corpus(sources=1, per_source=1, pool_size=12, seed=11).pool
_SOURCES = [
    " ".join(_POOL[i] for i in picks)
    for picks in ((0, 1, 2), (2, 3, 4), (4, 5, 0), (6, 7), (7, 8, 9), (9, 10, 11), (11, 1))
] + ["Mayor Lina Brusk denied that " + _POOL[0][0].lower() + _POOL[0][1:].split(",")[0].rstrip(".") + "."]


@settings(max_examples=12, deadline=None)
@given(st.permutations(range(len(_SOURCES))))
def test_the_order_sources_arrive_in_does_not_change_the_store(tmp_path_factory, order):
    signatures = []
    for arrival in (range(len(_SOURCES)), order):
        with open_store(f"sqlite:///{tmp_path_factory.mktemp('order') / 'order.db'}") as store:
            for i in arrival:
                add_document(store, _document(_SOURCES[i], i))
            signatures.append(store_signature(store))
    assert signatures[0] == signatures[1]
    assert signatures[0]["relations"] == {("contradicts", "polarity"): 1}


def test_identifiers_that_differ_by_a_number_are_different_claims(store):
    """Found by the restatement property: "Flight MH370" was taken for a typo of "Flight MH17"."""
    first = add_document(store, _document("Flight MH17 was shot down over Ukraine."))
    other = add_document(store, _document("Flight MH370 was shot down over Ukraine.", 1))
    again = add_document(store, _document("Flight MH17 was shot down over Ukraine, officials said.", 2))
    assert (first.claims_new, other.claims_new, again.claims_matched) == (1, 1, 1)


_CURATION_POOL = make_corpus(sources=1, per_source=1, pool_size=10, seed=2).pool
_CURATION_SENTENCES = _CURATION_POOL + [
    "Mayor Lina Brusk denied that " + p[0].lower() + p[1:].split(",")[0].rstrip(".") + "."
    for p in _CURATION_POOL
    if p.startswith("The ")
]


class CurationMachine(RuleBasedStateMachine):
    """Adds, verdicts, merges and unmerges in any order: the store stays whole after each step."""

    @initialize()
    def open(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="factdb-curation-")
        self.store = open_store(f"sqlite:///{self.folder}/store.db")

    def teardown(self) -> None:
        if hasattr(self, "store"):
            self.store.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def _claims(self, *, merged: bool) -> list[int]:
        column = Claim.__table__.c.merged_into_id
        with self.store.read() as session:
            query = select(Claim.__table__.c.id).where(column.is_not(None) if merged else column.is_(None))
            return list(session.execute(query).scalars())

    @rule(picks=st.lists(st.integers(0, len(_CURATION_SENTENCES) - 1), min_size=1, max_size=4), day=st.integers(0, 20))
    def add(self, picks, day) -> None:
        text = " ".join(_CURATION_SENTENCES[i] for i in picks) + f" Bridge {next(_UNIQUE)} reopened."
        add_document(self.store, _document(text, day))

    @rule(data=st.data(), status=st.sampled_from([ClaimStatus.FALSE, ClaimStatus.CONFIRMED, ClaimStatus.RETRACTED]),
          day=st.integers(0, 20))
    def review(self, data, status, day) -> None:
        if ids := self._claims(merged=False):
            reviewed_at = datetime(2026, 3, 1, 12, tzinfo=timezone.utc) + timedelta(days=day)
            review_claim(self.store, data.draw(st.sampled_from(ids)), status, reviewer="desk", reviewed_at=reviewed_at)

    @rule(data=st.data())
    def merge(self, data) -> None:
        ids = self._claims(merged=False)
        if len(ids) >= 2:
            keep, gone = data.draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
            merge_claims(self.store, keep, gone)

    @rule(data=st.data())
    def unmerge(self, data) -> None:
        if ids := self._claims(merged=True):
            unmerge_claim(self.store, data.draw(st.sampled_from(ids)))

    @invariant()
    def whole(self) -> None:
        if hasattr(self, "store"):
            assert verify_store(self.store) == []


TestCuration = CurationMachine.TestCase
TestCuration.settings = settings(
    max_examples=int(os.environ.get("FACTDB_HYPOTHESIS_EXAMPLES", 60)) // 3, stateful_step_count=15, deadline=None,
    suppress_health_check=list(HealthCheck),
)


def test_unmerging_the_start_of_a_merge_chain_refreshes_the_claim_that_held_its_mentions(store):
    """Found by CurationMachine: a into b, b into c, unmerge a left c disputed by a's denial."""
    disputed = next(p for p in _CURATION_POOL if p.startswith("The "))
    denial = "Mayor Lina Brusk denied that " + disputed[0].lower() + disputed[1:].split(",")[0].rstrip(".") + "."
    a, b, c = (
        _only_claim(store, add_document(store, _document(text, day)).source_id)
        for day, text in enumerate([disputed, _CURATION_POOL[1], _CURATION_POOL[2]])
    )
    add_document(store, _document(denial, 3))
    merge_claims(store, b, a)
    merge_claims(store, c, b)
    assert [x.status for x in list_claims(store, limit=None) if x.claim_id == c] == [ClaimStatus.DISPUTED]
    unmerge_claim(store, a)
    assert verify_store(store) == []
    assert [x.status for x in list_claims(store, limit=None) if x.claim_id == c] == [ClaimStatus.CORROBORATED]


def _only_claim(store, source_id: int) -> int:
    with store.read() as session:
        mention = Mention.__table__
        (claim_id,) = session.execute(select(mention.c.claim_id).where(mention.c.source_id == source_id)).scalars()
    return claim_id


def test_unmerging_a_claim_brings_back_the_mentions_of_claims_merged_into_it(store):
    """Found by CurationMachine: 2 into 1, 1 into 3, unmerge 1 left 2's mentions on 3."""
    first = add_document(store, _document(_CURATION_POOL[1] + " " + _CURATION_POOL[2]))
    with store.read() as session:
        mention = Mention.__table__
        one, two = sorted(session.execute(
            select(mention.c.claim_id).where(mention.c.source_id == first.source_id)
        ).scalars())
    three = _only_claim(store, add_document(store, _document(_CURATION_POOL[0], 1)).source_id)
    merge_claims(store, one, two)
    merge_claims(store, three, one)
    unmerge_claim(store, one)
    assert _mentions_of(store, one) == ["affirms", "affirms"] and _mentions_of(store, three) == ["affirms"]
    unmerge_claim(store, two)
    assert verify_store(store) == []


def _status(store, claim_id: int) -> ClaimStatus | None:
    return next(c.status for c in list_claims(store, limit=None) if c.claim_id == claim_id)


def test_unmerge_gives_a_verdict_back_to_the_claim_it_was_given_on(store):
    a, b = (
        _only_claim(store, add_document(store, _document(text, day)).source_id)
        for day, text in enumerate(_CURATION_POOL[:2])
    )
    review_claim(store, a, ClaimStatus.FALSE, reviewer="desk", reviewed_at=datetime(2026, 3, 5, tzinfo=timezone.utc))
    merge_claims(store, b, a)
    assert _status(store, b) is ClaimStatus.FALSE
    unmerge_claim(store, a)
    assert _status(store, a) is ClaimStatus.FALSE and _status(store, b) is ClaimStatus.REPORTED
    events = ClaimStatusEvent.__table__
    with store.read() as session:
        last = session.execute(
            select(events.c.status, events.c.cause).where(events.c.claim_id == b).order_by(events.c.id.desc()).limit(1)
        ).one()
    assert tuple(last) == ("reported", "unmerge")
    assert verify_store(store) == []


def test_unmerge_gives_back_the_verdicts_of_claims_merged_into_the_unmerged_one(store):
    a, b, c = (
        _only_claim(store, add_document(store, _document(text, day)).source_id)
        for day, text in enumerate(_CURATION_POOL[:3])
    )
    review_claim(store, c, ClaimStatus.RETRACTED, reviewer="desk", reviewed_at=datetime(2026, 3, 5, tzinfo=timezone.utc))
    merge_claims(store, a, c)
    merge_claims(store, b, a)
    unmerge_claim(store, a)  # c still resolves to a: its verdict comes back with it
    assert _status(store, a) is ClaimStatus.RETRACTED and _status(store, b) is ClaimStatus.REPORTED
    unmerge_claim(store, c)
    assert _status(store, c) is ClaimStatus.RETRACTED and _status(store, a) is ClaimStatus.REPORTED
    assert verify_store(store) == []
