"""The one orchestrator: extract -> normalize -> retrieve -> match -> relate -> store.

Extraction and normalization run outside any transaction; everything a source writes (the
source, its claims, mentions, relations and status events) is one transaction, so a source is
either fully present or absent.  Re-adding the same text is a no-op reported as a duplicate.
"""

from __future__ import annotations

import itertools
import multiprocessing
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from factdb import track
from factdb.errors import FactdbError
from factdb.extract import extract_claims, parse_document
from factdb.fingerprint import fingerprint, same_story
from factdb.match import find_matches
from factdb.models import (
    ClaimCandidate,
    ContradictionKind,
    Decider,
    Document,
    NormalizedClaim,
    RelationKind,
    Stance,
)
from factdb.normalize import normalize_claim
from factdb.relate import numeric_change
from factdb.sources import RawSource, check_storable
from factdb.store import Store, open_store
from factdb.store import writes
from factdb.store.facts import claim_facts, claim_latest_valid_time
from factdb.store.index import StoreIndex
from factdb.store.schema import Mention, Source

#: PostgreSQL advisory lock that serializes the match-and-store step of concurrent writers, so two
#: workers never create the same claim twice (SQLite's BEGIN IMMEDIATE does this by itself).
INGEST_LOCK = 0x0FAC7DB

_mentions = Mention.__table__
_sources = Source.__table__


@dataclass(frozen=True)
class SourceOutcome:
    """What adding one source did."""

    source_id: int
    duplicate: bool
    claims_new: int = 0
    claims_matched: int = 0
    contradictions: int = 0


@dataclass
class IngestSummary:
    """Totals over many sources, for the end-of-run summary of ``factdb add``."""

    sources_added: int = 0
    duplicates: int = 0
    failed: int = 0
    claims_new: int = 0
    claims_matched: int = 0
    contradictions: int = 0
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: SourceOutcome) -> None:
        """Add one source's outcome to the totals."""
        if outcome.duplicate:
            self.duplicates += 1
            return
        self.sources_added += 1
        self.claims_new += outcome.claims_new
        self.claims_matched += outcome.claims_matched
        self.contradictions += outcome.contradictions

    def fail(self, message: str) -> None:
        """Record a source that could not be added."""
        self.failed += 1
        self.errors.append(message)


@dataclass(frozen=True)
class PreparedClaim:
    """A candidate with its normalized form, ready for the store."""

    candidate: ClaimCandidate
    normalized: NormalizedClaim
    key: str


def prepare(document: Document, *, include_opinions: bool = False) -> list[PreparedClaim]:
    """Extract and normalize a document's claims (pure; no store needed)."""
    prepared = []
    for candidate in extract_claims(document, include_opinions=include_opinions).claims:
        normalized = normalize_claim(candidate.proposition, candidate.quantities, candidate.entities)
        if normalized.text.strip():
            prepared.append(PreparedClaim(candidate, normalized, writes.claim_key(normalized)))
    return prepared


def add_document(
    store: Store,
    document: Document,
    *,
    include_opinions: bool = False,
    now: datetime | None = None,
) -> SourceOutcome:
    """Add one source to the store: its claims matched, related and tracked, in one transaction.

    Raises :class:`~factdb.errors.InvalidSource` when its text or metadata cannot be stored.
    """
    check_storable(document.text, document.meta)
    prepared = prepare(document, include_opinions=include_opinions)
    digest = writes.content_hash(document.text)
    signature = fingerprint(document.text)
    return store.write(
        lambda session: _store_source(
            session, document, prepared, digest=digest, signature=signature, now=now or datetime.now(timezone.utc)
        )
    )


def _store_source(
    session: Session,
    document: Document,
    prepared: Iterable[PreparedClaim],
    *,
    digest: str,
    signature: int,
    now: datetime,
) -> SourceOutcome:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INGEST_LOCK})
    existing = writes.find_source_by_hash(session, digest)
    if existing is not None:
        return SourceOutcome(source_id=existing, duplicate=True)

    source_id = writes.insert_source(session, document, digest=digest, fingerprint=signature, now=now)
    valid_at = document.meta.published_at or now
    index = StoreIndex(session)
    touched: dict[int, list] = {}
    new = matched = contradictions = 0

    for item in prepared:
        candidate = item.candidate
        matches = []
        claim_id = writes.find_claim_by_key(session, item.key)
        if claim_id is None:
            matches = find_matches(item.normalized, index, limit=5)
            same = next((m for m in matches if m.relation is RelationKind.SAME_AS), None)
            claim_id = same.claim_id if same else None
        if claim_id is None:
            claim_id = writes.insert_claim(session, candidate.proposition, item.normalized, key=item.key, now=now)
            new += 1
        else:
            matched += 1
        speaker_id = (
            writes.resolve_speaker(session, candidate.speaker, role=candidate.speaker_role, kind=candidate.speaker_kind, now=now)
            if candidate.speaker
            else None
        )
        mention_id = writes.insert_mention(
            session, claim_id=claim_id, source_id=source_id, speaker_id=speaker_id, candidate=candidate, now=now
        )
        touched.setdefault(claim_id, []).append(mention_id)
        contradictions += _relate_to_other_claims(session, index, claim_id, mention_id, item, matches, valid_at, now)

    _assign_story(session, source_id, signature, list(touched))
    for claim_id, mention_ids in touched.items():
        contradictions += _record_polarity(session, claim_id, now)
        _track_status(session, claim_id, set(mention_ids))
    return SourceOutcome(source_id, False, claims_new=new, claims_matched=matched, contradictions=contradictions)


def _relate_to_other_claims(
    session, index: StoreIndex, claim_id, mention_id, item: PreparedClaim, matches, valid_at, now
) -> int:
    """Link the claim to look-alikes the matcher found different in numbers or predicate."""
    added = 0
    for match in matches:
        if match.claim_id == claim_id or match.relation not in (RelationKind.CONTRADICTS, RelationKind.UPDATES):
            continue
        kind, contradiction, reason = match.relation, match.contradiction, match.reason
        if contradiction is ContradictionKind.NUMERIC or kind is RelationKind.UPDATES:
            (other,) = index.claims([match.claim_id]) or (None,)  # read by find_matches already
            if other is None:
                continue
            other_time = claim_latest_valid_time(session, match.claim_id)
            kind = numeric_change(other.normalized.numbers, other_time, item.normalized.numbers, valid_at)
            if kind is RelationKind.SAME_AS:
                continue
            contradiction = ContradictionKind.NUMERIC if kind is RelationKind.CONTRADICTS else None
        other_mention = session.execute(
            select(_mentions.c.id).where(_mentions.c.claim_id == match.claim_id).order_by(_mentions.c.id).limit(1)
        ).scalar()
        if writes.insert_relation(
            session,
            claim_id=claim_id,
            related_claim_id=match.claim_id,
            kind=kind,
            contradiction=contradiction,
            score=match.score,
            decider=Decider.MATCHER,
            reason=reason,
            mention_id=mention_id,
            related_mention_id=other_mention,
            now=now,
        ) and kind is RelationKind.CONTRADICTS:
            added += 1
    return added


def _record_polarity(session: Session, claim_id: int, now: datetime) -> int:
    """When a claim is both affirmed and denied, record the polarity contradiction once."""
    first = {
        stance: session.execute(
            select(_mentions.c.id)
            .where(_mentions.c.claim_id == claim_id, _mentions.c.stance == stance.value)
            .order_by(_mentions.c.id)
            .limit(1)
        ).scalar()
        for stance in Stance
    }
    if first[Stance.AFFIRMS] is None or first[Stance.DENIES] is None:
        return 0
    return int(
        writes.insert_relation(
            session,
            claim_id=claim_id,
            related_claim_id=claim_id,
            kind=RelationKind.CONTRADICTS,
            contradiction=ContradictionKind.POLARITY,
            score=100.0,
            decider=Decider.MATCHER,
            reason="one source affirms what another denies",
            mention_id=first[Stance.AFFIRMS],
            related_mention_id=first[Stance.DENIES],
            now=now,
        )
    )


def _assign_story(session: Session, source_id: int, signature: int, claim_ids: list[int]) -> None:
    """Mark the source as a copy of an earlier wire story when one shares its claims and text."""
    story_id = source_id
    if claim_ids:
        rows = session.execute(
            select(_sources.c.id, _sources.c.fingerprint, _sources.c.story_id)
            .where(
                _sources.c.id.in_(
                    select(_mentions.c.source_id).where(_mentions.c.claim_id.in_(claim_ids)).distinct()
                ),
                _sources.c.id != source_id,
            )
            .order_by(_sources.c.id)
            .limit(500)
        ).all()
        for other_id, other_signature, other_story in rows:
            if same_story(signature, other_signature):
                story_id = other_story or other_id
                break
    writes.set_story(session, source_id, story_id)


def _track_status(session: Session, claim_id: int, new_mention_ids: set[int]) -> None:
    """Append the status changes the new mentions cause and update the claim's current status."""
    facts = claim_facts(session, claim_id)
    before = [f for f in facts if f.ref_id not in new_mention_ids or f.kind.value != "mention"]
    new = [f for f in facts if f.ref_id in new_mention_ids and f.kind.value == "mention"]
    writes.append_status_changes(session, claim_id, track.changes_after(before, new), current=track.status_at(facts))


def to_document(raw: RawSource) -> Document:
    """A read source ready for extraction: plain text has its header block parsed here."""
    if raw.kind == "text":
        return parse_document(raw.text, raw.meta)
    return Document(text=raw.text, meta=raw.meta)


def add_sources(
    store: Store,
    raws: Iterable[RawSource],
    *,
    include_opinions: bool = False,
    workers: int = 1,
    on_source: Callable[[str, SourceOutcome | None, str | None], None] | None = None,
) -> IngestSummary:
    """Add many read sources; return the totals.  ``workers`` > 1 adds in parallel processes.

    ``on_source(origin, outcome, error)`` is called after each source (for progress display).
    Sources that cannot be processed are counted as failed with a one-line reason; database
    errors other than retried lock/serialization failures stop the run.
    """
    summary = IngestSummary()

    def done(origin: str, outcome: SourceOutcome | None, error: str | None) -> None:
        if error is not None:
            summary.fail(f"{origin}: {error}")
        elif outcome is not None:
            summary.count(outcome)
        if on_source is not None:
            on_source(origin, outcome, error)

    if workers <= 1:
        for raw in raws:
            done(raw.origin, *_add_one(store, raw, include_opinions))
        return summary
    _add_in_workers(store, raws, include_opinions, workers, done)
    return summary


#: What a source in flight when a worker process died is reported with (it is absent: adding
#: it again completes the job, like after any crash).
WORKER_DIED = "not added: a worker process died (killed, or out of memory?); run the same add again"


def _add_in_workers(
    store: Store, raws: Iterable[RawSource], include_opinions: bool, workers: int, done: Callable
) -> None:
    """``done(...)`` for each source, added by ``workers`` processes, a few sources in flight each.

    A worker that dies (``kill -9``, the OOM killer) must not hang the run, as it did with
    ``multiprocessing.Pool``: the executor reports it, the sources in flight are reported failed,
    and so are the rest, unread.
    """
    context = multiprocessing.get_context("spawn")
    url = store.engine.url.render_as_string(hide_password=False)
    sources = iter(raws)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start, initargs=(url,)) as pool:
        in_flight: dict = {}
        try:
            while True:
                for raw in itertools.islice(sources, 2 * workers - len(in_flight)):
                    in_flight[pool.submit(_worker_add, (raw, include_opinions))] = raw.origin
                if not in_flight:
                    return
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in finished:
                    in_flight.pop(future)
                    done(*future.result())
        except BrokenProcessPool:
            for origin in in_flight.values():
                done(origin, None, WORKER_DIED)
            done("the sources after them", None, WORKER_DIED)


def _add_one(store: Store, raw: RawSource, include_opinions: bool) -> tuple[SourceOutcome | None, str | None]:
    try:
        return add_document(store, to_document(raw), include_opinions=include_opinions), None
    except FactdbError as exc:
        return None, str(exc)


_worker_store: Store | None = None


def _worker_start(url: str) -> None:
    global _worker_store
    _worker_store = open_store(url)


def _worker_add(job: tuple[RawSource, bool]) -> tuple[str, SourceOutcome | None, str | None]:
    raw, include_opinions = job
    assert _worker_store is not None
    return (raw.origin, *_add_one(_worker_store, raw, include_opinions))
