"""Reading a claim's dated facts (mentions and reviews) for status tracking."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from factdb.models import ClaimFact, ClaimStatus, FactKind, Stance
from factdb.store.schema import Mention, Review, Source, UTCDateTime

_mentions = Mention.__table__
_sources = Source.__table__
_reviews = Review.__table__


def claim_facts(session: Session, claim_id: int) -> list[ClaimFact]:
    """Every mention and review of a claim, with valid and recorded times."""
    return claims_facts(session, [claim_id])[claim_id]


def claims_facts(session: Session, claim_ids: Sequence[int]) -> dict[int, list[ClaimFact]]:
    """:func:`claim_facts` of many claims in two queries: ``{claim_id: facts}`` (mentions in valid-time
    order, then reviews in review-date order; a claim without facts maps to ``[]``)."""
    ids = sorted(set(claim_ids))
    facts: dict[int, list[ClaimFact]] = {claim_id: [] for claim_id in ids}
    if not ids:
        return facts
    valid_at = func.coalesce(_sources.c.published_at, _sources.c.added_at)
    mention_rows = session.execute(
        select(_mentions.c.claim_id, _mentions.c.id, _mentions.c.stance, _mentions.c.recorded_at,
               _sources.c.published_at, _sources.c.added_at, _sources.c.story_id, _sources.c.id)
        .join(_sources, _sources.c.id == _mentions.c.source_id)
        .where(_mentions.c.claim_id.in_(ids))
        .order_by(valid_at, _mentions.c.id)
    ).all()
    for claim_id, mention_id, stance, recorded, published, added, story, source in mention_rows:
        facts[claim_id].append(
            ClaimFact(
                kind=FactKind.MENTION,
                valid_at=published or added,
                recorded_at=recorded,
                stance=Stance(stance),
                source_key=str(story or source),
                ref_id=mention_id,
            )
        )
    review_rows = session.execute(
        select(_reviews.c.claim_id, _reviews.c.id, _reviews.c.status, _reviews.c.reviewer, _reviews.c.note,
               _reviews.c.reviewed_at, _reviews.c.recorded_at)
        .where(_reviews.c.claim_id.in_(ids))
        .order_by(_reviews.c.reviewed_at, _reviews.c.id)
    ).all()
    for claim_id, review_id, status, reviewer, note, reviewed_at, recorded_at in review_rows:
        facts[claim_id].append(
            ClaimFact(
                kind=FactKind.REVIEW,
                valid_at=reviewed_at,
                recorded_at=recorded_at,
                status=ClaimStatus(status),
                reviewer=reviewer,
                note=note,
                ref_id=review_id,
            )
        )
    return facts


def claims_latest_valid_times(session: Session, claim_ids: Sequence[int]) -> dict[int, datetime]:
    """When each claim was last stated in the world (its newest source's publication time), in one
    query: ``{claim_id: time}`` for the claims with mentions."""
    ids = sorted(set(claim_ids))
    if not ids:
        return {}
    latest = type_coerce(func.max(func.coalesce(_sources.c.published_at, _sources.c.added_at)), UTCDateTime)
    return dict(
        session.execute(
            select(_mentions.c.claim_id, latest)
            .join(_sources, _sources.c.id == _mentions.c.source_id)
            .where(_mentions.c.claim_id.in_(ids))
            .group_by(_mentions.c.claim_id)
        ).all()
    )


def claims_first_mentions(session: Session, claim_ids: Sequence[int]) -> dict[int, dict[Stance, int]]:
    """The id of each claim's first mention with each stance, in one query: ``{claim_id: {stance:
    mention_id}}`` (a claim without mentions maps to ``{}``)."""
    ids = sorted(set(claim_ids))
    first: dict[int, dict[Stance, int]] = {claim_id: {} for claim_id in ids}
    if not ids:
        return first
    for claim_id, stance, mention_id in session.execute(
        select(_mentions.c.claim_id, _mentions.c.stance, func.min(_mentions.c.id))
        .where(_mentions.c.claim_id.in_(ids))
        .group_by(_mentions.c.claim_id, _mentions.c.stance)
    ).all():
        first[claim_id][Stance(stance)] = mention_id
    return first
