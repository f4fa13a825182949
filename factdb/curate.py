"""A reviewer's hand on the store: verdicts, merging two claims that are one, undoing a merge."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from factdb import track
from factdb.errors import InvalidArgument, NoSuchClaim
from factdb.ingest import INGEST_LOCK
from factdb.models import ClaimStatus, Decider, RelationKind, StatusChange
from factdb.queries import resolve_claim_id
from factdb.store import Store, writes
from factdb.store.facts import claim_facts
from factdb.store.index import add_postings, remove_postings
from factdb.store.schema import Claim, ClaimRelation, ClaimStatusEvent, Mention, Review

_claims = Claim.__table__
_mentions = Mention.__table__
_reviews = Review.__table__
_events = ClaimStatusEvent.__table__
_relations = ClaimRelation.__table__


def review_claim(
    store: Store,
    claim_id: int,
    status: ClaimStatus,
    *,
    reviewer: str,
    note: str | None = None,
    url: str | None = None,
    reviewed_at: datetime | None = None,
    now: datetime | None = None,
) -> list[StatusChange]:
    """Record a reviewer's verdict (confirmed, false, misleading, unproven, retracted).

    ``reviewed_at`` is when the verdict holds from (valid time, default now).  Returns the status
    changes appended to the claim's history.
    """
    if not status.is_verdict:
        raise InvalidArgument(
            f"{status.value!r} is derived from mentions; a review sets one of: "
            + ", ".join(s.value for s in ClaimStatus if s.is_verdict)
        )
    if not reviewer.strip():
        raise InvalidArgument("a review needs a reviewer name")
    now = now or datetime.now(timezone.utc)
    reviewed_at = reviewed_at or now

    def work(session: Session) -> list[StatusChange]:
        _lock_claims(session)
        target = resolve_claim_id(session, claim_id)
        before = claim_facts(session, target)
        session.execute(
            insert(_reviews).values(
                claim_id=target, origin_claim_id=target, status=status.value, reviewer=reviewer, note=note,
                url=url, reviewed_at=reviewed_at, recorded_at=now,
            )
        )
        facts = claim_facts(session, target)
        known = {(f.kind, f.ref_id) for f in before}
        new = [f for f in facts if (f.kind, f.ref_id) not in known]
        changes = track.changes_after(before, new)
        writes.append_status_changes(session, target, changes, current=track.status_at(facts))
        return changes

    return store.write(work)


def merge_claims(store: Store, keep_id: int, merge_id: int, *, reviewer: str = "reviewer", now: datetime | None = None) -> int:
    """Merge claim ``merge_id`` into ``keep_id`` (they state one proposition); return ``keep_id``.

    The merged claim's mentions and verdicts move to the kept claim and it leaves the retrieval
    index; its id keeps answering (it resolves to the kept claim) until :func:`unmerge_claim` undoes this.
    """
    now = now or datetime.now(timezone.utc)

    def work(session: Session) -> int:
        _lock_claims(session)
        keep = resolve_claim_id(session, keep_id)
        gone = resolve_claim_id(session, merge_id)
        if keep == gone:
            raise InvalidArgument(f"claims {keep_id} and {merge_id} are already one claim ({keep})")
        session.execute(update(_mentions).where(_mentions.c.claim_id == gone).values(claim_id=keep))
        session.execute(update(_reviews).where(_reviews.c.claim_id == gone).values(claim_id=keep))
        session.execute(update(_claims).where(_claims.c.id == gone).values(merged_into_id=keep))
        remove_postings(session, gone)
        writes.insert_relation(
            session, claim_id=keep, related_claim_id=gone, kind=RelationKind.SAME_AS, contradiction=None,
            score=None, decider=Decider.REVIEWER, reason=f"merged by {reviewer}", mention_id=None,
            related_mention_id=None, now=now,
        )
        _refresh_status(session, keep, now, cause="merge")
        return keep

    return store.write(work)


def unmerge_claim(store: Store, claim_id: int, *, now: datetime | None = None) -> int:
    """Undo a merge: claim ``claim_id`` gets back the mentions and reviewer verdicts it had, and
    both claims' statuses are recomputed; return the claim it left."""
    now = now or datetime.now(timezone.utc)

    def work(session: Session) -> int:
        _lock_claims(session)
        row = session.execute(select(_claims.c.merged_into_id).where(_claims.c.id == claim_id)).first()
        if row is None:
            raise NoSuchClaim(claim_id)
        keep = row[0]
        if keep is None:
            raise InvalidArgument(f"claim {claim_id} is not merged into another claim")
        # The claim holding the mentions now: the end of the merge chain (1 -> 5 -> 2 gives 2).
        holder = resolve_claim_id(session, claim_id)
        # Its own mentions come back, and those of claims merged into it before (2 into 1, then
        # 1 into 3: unmerging 1 brings back 2's mentions too, as 2 still resolves to 1).
        members = _merged_under(session, claim_id)
        for table in (_mentions, _reviews):
            session.execute(update(table).where(table.c.origin_claim_id.in_(members)).values(claim_id=claim_id))
        session.execute(update(_claims).where(_claims.c.id == claim_id).values(merged_into_id=None))
        tokens = session.execute(select(_claims.c.tokens).where(_claims.c.id == claim_id)).scalar_one()
        add_postings(session, claim_id, tokens.split())
        session.execute(
            _relations.delete().where(
                _relations.c.claim_id == keep, _relations.c.related_claim_id == claim_id,
                _relations.c.kind == RelationKind.SAME_AS.value, _relations.c.decider == Decider.REVIEWER.value,
            )
        )
        for target in (holder, claim_id):
            _refresh_status(session, target, now, cause="unmerge")
        return keep

    return store.write(work)


def _merged_under(session: Session, claim_id: int) -> list[int]:
    """``claim_id`` and every claim merged into it, directly or through others."""
    members, frontier = [claim_id], [claim_id]
    while frontier:
        below = select(_claims.c.id).where(_claims.c.merged_into_id.in_(frontier))
        frontier = list(session.execute(below).scalars())
        members.extend(frontier)
    return members


def _lock_claims(session: Session) -> None:
    """On PostgreSQL, hold the lock ingest holds while it matches and stores: a verdict, merge or
    unmerge committed while an add had read a claim's facts was overwritten by the add's status.
    (SQLite's BEGIN IMMEDIATE already serializes every writer.)"""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INGEST_LOCK})


def _refresh_status(session: Session, claim_id: int, now: datetime, *, cause: str) -> None:
    """After a merge or unmerge, record the claim's status now if it changed."""
    facts = claim_facts(session, claim_id)
    status = track.status_at(facts)
    last = session.execute(
        select(_events.c.status).where(_events.c.claim_id == claim_id).order_by(_events.c.id.desc()).limit(1)
    ).scalar()
    if status is not None and status.value != last:
        session.execute(
            insert(_events).values(claim_id=claim_id, status=status.value, valid_at=now, recorded_at=now, cause=cause)
        )
    session.execute(update(_claims).where(_claims.c.id == claim_id).values(status=status.value if status else None))
