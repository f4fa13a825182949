"""The one orchestrator: extract -> normalize -> retrieve -> match -> relate -> store.

Extraction and normalization run outside any transaction; everything a source writes (the
source, its claims, mentions, relations and status events) is one transaction, so a source is
either fully present or absent.  Re-adding the same text is a no-op reported as a duplicate.
"""

from __future__ import annotations

import collections
import itertools
import multiprocessing
import signal
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    Match,
    NormalizedClaim,
    RelationKind,
    Stance,
)
from factdb.normalize import normalize_claim
from factdb.relate import numeric_change
from factdb.sources import RawSource, check_storable
from factdb.store import Store, open_store
from factdb.store import writes
from factdb.store.facts import claims_facts, claims_first_mentions, claims_latest_valid_times
from factdb.store.index import StoreIndex, add_postings_many
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


@dataclass(frozen=True)
class PreparedSource:
    """A source extracted and fingerprinted, ready to be stored (the pure half of adding it)."""

    document: Document
    claims: list[PreparedClaim]
    digest: str
    signature: int


def prepare_source(document: Document, *, include_opinions: bool = False) -> PreparedSource:
    """Check, extract, normalize and fingerprint a source (pure; no store needed).

    Raises :class:`~factdb.errors.InvalidSource` when its text or metadata cannot be stored.
    """
    check_storable(document.text, document.meta)
    return PreparedSource(
        document=document,
        claims=prepare(document, include_opinions=include_opinions),
        digest=writes.content_hash(document.text),
        signature=fingerprint(document.text),
    )


def store_prepared(store: Store, source: PreparedSource, *, now: datetime | None = None) -> SourceOutcome:
    """Store a prepared source: its claims matched, related and tracked, in one transaction."""
    return store.write(
        lambda session: _store_source(
            session,
            source.document,
            source.claims,
            digest=source.digest,
            signature=source.signature,
            now=now or datetime.now(timezone.utc),
        )
    )


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
    return store_prepared(store, prepare_source(document, include_opinions=include_opinions), now=now)


def _store_source(
    session: Session,
    document: Document,
    prepared: Iterable[PreparedClaim],
    *,
    digest: str,
    signature: int,
    now: datetime,
) -> SourceOutcome:
    """Match, relate, store and track one source's claims: the reads batched per source, the
    writes in a few multi-row statements, the result the same as storing claim after claim."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INGEST_LOCK})
    existing = writes.find_source_by_hash(session, digest)
    if existing is not None:
        return SourceOutcome(source_id=existing, duplicate=True)

    items = list(prepared)
    source_id = writes.insert_source(
        session, document, digest=digest, fingerprint=signature, claims=len(items), now=now
    )
    index = StoreIndex(session)
    claim_ids, matches, new = _find_or_create_claims(session, index, items, now)
    candidates = [item.candidate for item in items]
    speaker_ids = _resolve_speakers(session, candidates, now)
    lookalikes = [m for claim_id, found in zip(claim_ids, matches) for m in found if _related(m, claim_id)]
    # The source's own mentions are not stored yet: these are what earlier sources said.
    first = claims_first_mentions(session, [*claim_ids, *(m.claim_id for m in lookalikes)])
    stated = claims_latest_valid_times(session, [m.claim_id for m in lookalikes if _needs_times(m)])
    mentions = list(zip(claim_ids, speaker_ids, candidates))
    mention_ids = writes.insert_mentions(session, mentions, source_id=source_id, now=now)
    mentioned = _Mentioned(first, claim_ids, mention_ids, candidates)
    valid_at = document.meta.published_at or now
    relations = _relations_to_lookalikes(index, items, matches, mentioned, stated, valid_at)
    relations += _polarity_relations(mentioned)
    added = writes.insert_relations(session, relations, now=now)
    contradictions = sum(
        a and r.kind is RelationKind.CONTRADICTS for r, a in zip(relations, added, strict=True)
    )

    touched: dict[int, set[int]] = {}
    for claim_id, mention_id in zip(claim_ids, mention_ids, strict=True):
        touched.setdefault(claim_id, set()).add(mention_id)
    _assign_story(session, source_id, signature, list(touched))
    _track_status(session, touched)
    return SourceOutcome(
        source_id, False, claims_new=new, claims_matched=len(items) - new, contradictions=contradictions
    )


def _find_or_create_claims(
    session: Session, index: StoreIndex, items: list[PreparedClaim], now: datetime
) -> tuple[list[int], list[list[Match]], int]:
    """The claim of each item, in order: the stored claim with its key, else the one
    :func:`find_matches` finds the same, else a new claim.  Returns the claim ids, each item's
    matches (``[]`` for a claim found by key) and how many claims were created.

    A later claim of the same source can match a new one.  New claims are stored at once (the
    index counts claims by the highest id) and indexed together at the end; in between, the index
    serves them from memory (:meth:`StoreIndex.note_unindexed`), so every query sees what
    indexing each claim at once gives.
    """
    by_key = writes.find_claims_by_keys(session, [item.key for item in items])
    claim_ids, matches, new = [], [], 0
    unindexed: list[tuple[int, Sequence[str]]] = []
    for item in items:
        found: list[Match] = []
        claim_id = by_key.get(item.key)
        if claim_id is None:
            found = find_matches(item.normalized, index, limit=5)
            same = next((m for m in found if m.relation is RelationKind.SAME_AS), None)
            claim_id = same.claim_id if same else None
        if claim_id is None:
            proposition = item.candidate.proposition
            claim_id = writes.insert_claim(
                session, proposition, item.normalized, key=item.key, now=now, indexed=False
            )
            unindexed.append((claim_id, item.normalized.tokens))
            index.note_unindexed(claim_id, item.normalized.tokens)
            by_key[item.key] = claim_id
            new += 1
        claim_ids.append(claim_id)
        matches.append(found)
    add_postings_many(session, unindexed)
    return claim_ids, matches, new


def _resolve_speakers(session: Session, candidates: list[ClaimCandidate], now: datetime) -> list[int | None]:
    """Each candidate's speaker id (None when the outlet itself asserts the claim)."""
    named = [(c.speaker, c.speaker_role, c.speaker_kind) for c in candidates if c.speaker]
    ids = iter(writes.resolve_speakers(session, named, now=now))
    return [next(ids) if c.speaker else None for c in candidates]


def _related(match: Match, claim_id: int) -> bool:
    """A look-alike the matcher found different in numbers or predicate (not the claim itself)."""
    return match.claim_id != claim_id and match.relation in (RelationKind.CONTRADICTS, RelationKind.UPDATES)


def _needs_times(match: Match) -> bool:
    """Whether the relation depends on when each claim was stated (a change of figures)."""
    return match.contradiction is ContradictionKind.NUMERIC or match.relation is RelationKind.UPDATES


class _Mentioned:
    """Which mention came first for each claim, as the source's mentions are stored one by one:
    the stored ones (earlier sources) before the source's own, in the source's order."""

    def __init__(self, stored: dict[int, dict[Stance, int]], claim_ids, mention_ids, candidates) -> None:
        self.stored = stored
        self.order = list(zip(claim_ids, mention_ids, (c.stance for c in candidates), strict=True))
        self.own: dict[int, dict[Stance, int]] = {}  # claim -> first own mention per stance
        self.own_any: dict[int, int] = {}  # claim -> first own mention
        for claim_id, mention_id, stance in self.order:
            self.own.setdefault(claim_id, {}).setdefault(stance, mention_id)
            self.own_any.setdefault(claim_id, mention_id)

    def said_here(self, claim_id: int, *, before: int) -> bool:
        """Whether the source mentions the claim before mention id ``before``."""
        own = self.own_any.get(claim_id)
        return own is not None and own < before

    def first(self, claim_id: int, *, before: int) -> int | None:
        """The claim's first mention among those stored before mention id ``before``."""
        stored = self.stored.get(claim_id)
        if stored:
            return min(stored.values())
        return self.own_any[claim_id] if self.said_here(claim_id, before=before) else None

    def first_with(self, claim_id: int, stance: Stance) -> int | None:
        """The claim's first mention with ``stance`` once the whole source is stored."""
        return self.stored.get(claim_id, {}).get(stance) or self.own.get(claim_id, {}).get(stance)


def _relations_to_lookalikes(
    index: StoreIndex,
    items: list[PreparedClaim],
    matches: list[list[Match]],
    mentioned: _Mentioned,
    stated: dict[int, datetime],
    valid_at: datetime,
) -> list[writes.NewRelation]:
    """Link each claim to the look-alikes its matches found different in numbers or predicate."""
    relations = []
    for (claim_id, mention_id, _), item, found in zip(mentioned.order, items, matches, strict=True):
        for match in found:
            if not _related(match, claim_id):
                continue
            kind, contradiction = match.relation, match.contradiction
            if _needs_times(match):
                (other,) = index.claims([match.claim_id]) or (None,)  # read by find_matches already
                if other is None:
                    continue
                other_time = stated.get(match.claim_id)
                if mentioned.said_here(match.claim_id, before=mention_id) and (
                    other_time is None or other_time < valid_at
                ):
                    other_time = valid_at  # stated in this very source, by an earlier claim
                kind = numeric_change(other.normalized.numbers, other_time, item.normalized.numbers, valid_at)
                if kind is RelationKind.SAME_AS:
                    continue
                contradiction = ContradictionKind.NUMERIC if kind is RelationKind.CONTRADICTS else None
            relations.append(
                writes.NewRelation(
                    claim_id=claim_id,
                    related_claim_id=match.claim_id,
                    kind=kind,
                    contradiction=contradiction,
                    score=match.score,
                    decider=Decider.MATCHER,
                    reason=match.reason,
                    mention_id=mention_id,
                    related_mention_id=mentioned.first(match.claim_id, before=mention_id),
                )
            )
    return relations


def _polarity_relations(mentioned: _Mentioned) -> list[writes.NewRelation]:
    """When a claim is both affirmed and denied, the polarity contradiction (recorded once)."""
    relations = []
    for claim_id in dict.fromkeys(claim_id for claim_id, _, _ in mentioned.order):
        affirmed = mentioned.first_with(claim_id, Stance.AFFIRMS)
        denied = mentioned.first_with(claim_id, Stance.DENIES)
        if affirmed is None or denied is None:
            continue
        relations.append(
            writes.NewRelation(
                claim_id=claim_id,
                related_claim_id=claim_id,
                kind=RelationKind.CONTRADICTS,
                contradiction=ContradictionKind.POLARITY,
                score=100.0,
                decider=Decider.MATCHER,
                reason="one source affirms what another denies",
                mention_id=affirmed,
                related_mention_id=denied,
            )
        )
    return relations


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


def _track_status(session: Session, new_mentions: dict[int, set[int]]) -> None:
    """Append the status changes the new mentions cause to each claim's history and update its
    current status (the facts of all the claims read at once)."""
    facts = claims_facts(session, list(new_mentions))
    changes = []
    for claim_id, mention_ids in new_mentions.items():
        before = [f for f in facts[claim_id] if f.ref_id not in mention_ids or f.kind.value != "mention"]
        new = [f for f in facts[claim_id] if f.ref_id in mention_ids and f.kind.value == "mention"]
        changes.append((claim_id, track.changes_after(before, new), track.status_at(facts[claim_id])))
    writes.append_status_changes_many(session, changes)


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
    extract_in_background: bool | None = None,
) -> IngestSummary:
    """Add many read sources; return the totals.  ``workers`` > 1 adds in parallel processes.

    With one worker, the sources are extracted in a second process while this one stores the
    previous ones, when there are more than a few of them (``extract_in_background`` None) or
    when asked (True); the sources are stored in their order either way, with the same result.

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
        for raw, prepared, error in _prepared_sources(raws, include_opinions, background=extract_in_background):
            done(raw.origin, *_store_one(store, prepared, error))
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


#: Sources in flight in the extraction process: enough to keep it busy while one is stored.
EXTRACTION_AHEAD = 4


def _prepare_one(job: tuple[RawSource, bool]) -> tuple[PreparedSource | None, str | None]:
    """A source prepared for storing, or why it cannot be (what the extraction process runs)."""
    raw, include_opinions = job
    try:
        return prepare_source(to_document(raw), include_opinions=include_opinions), None
    except FactdbError as exc:
        return None, str(exc)


def _prepared_sources(
    raws: Iterable[RawSource], include_opinions: bool, *, background: bool | None
) -> Iterator[tuple[RawSource, PreparedSource | None, str | None]]:
    """Each source with its prepared form or its error, in order.  Extraction (~1 ms a claim)
    runs in a forked second process, :data:`EXTRACTION_AHEAD` sources ahead, so that it overlaps
    the store step on a second core; not for a handful of sources, nor where ``fork`` is not the
    safe default (outside Linux), nor in a daemonic process.  If that process dies, the rest is
    prepared here.

    ``fork``, not ``spawn``: a spawned process imports the caller's main module again, which a
    script without an ``if __name__ == "__main__"`` guard does not survive.  The child only runs
    pure extraction and leaves with ``os._exit``, never touching the inherited connections."""
    sources = iter(raws)
    head = list(itertools.islice(sources, EXTRACTION_AHEAD + 1))
    forkable = (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon  # a Pool's worker may not have children
    )
    if not forkable or background is False or (background is None and len(head) <= EXTRACTION_AHEAD):
        for raw in itertools.chain(head, sources):
            yield (raw, *_prepare_one((raw, include_opinions)))
        return
    queued = itertools.chain(head, sources)
    pending: collections.deque = collections.deque()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=context, initializer=_ignore_interrupts) as pool:
        try:
            while True:
                for raw in itertools.islice(queued, EXTRACTION_AHEAD - len(pending)):
                    pending.append((raw, pool.submit(_prepare_one, (raw, include_opinions))))
                if not pending:
                    return
                raw, future = pending[0]
                result = future.result()
                pending.popleft()
                yield (raw, *result)
        except BrokenProcessPool:
            pass
    for raw in itertools.chain((raw for raw, _ in pending), queued):
        yield (raw, *_prepare_one((raw, include_opinions)))


def _ignore_interrupts() -> None:
    """Leave Ctrl-C to the parent (which reports it in one line), not a traceback per child."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _store_one(
    store: Store, prepared: PreparedSource | None, error: str | None
) -> tuple[SourceOutcome | None, str | None]:
    """Store a prepared source: its outcome, or why it could not be added."""
    if prepared is None:
        return None, error
    try:
        return store_prepared(store, prepared), None
    except FactdbError as exc:
        return None, str(exc)


def _add_one(store: Store, raw: RawSource, include_opinions: bool) -> tuple[SourceOutcome | None, str | None]:
    return _store_one(store, *_prepare_one((raw, include_opinions)))


_worker_store: Store | None = None


def _worker_start(url: str) -> None:
    global _worker_store
    _worker_store = open_store(url)


def _worker_add(job: tuple[RawSource, bool]) -> tuple[str, SourceOutcome | None, str | None]:
    raw, include_opinions = job
    assert _worker_store is not None
    return (raw.origin, *_add_one(_worker_store, raw, include_opinions))
