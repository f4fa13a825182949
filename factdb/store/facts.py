"""Reading a claim's dated facts (mentions and reviews) for status tracking."""

from __future__ import annotations

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
    valid_at = func.coalesce(_sources.c.published_at, _sources.c.added_at)
    mention_rows = session.execute(
        select(_mentions.c.id, _mentions.c.stance, _mentions.c.recorded_at, _sources.c.published_at,
               _sources.c.added_at, _sources.c.story_id, _sources.c.id)
        .join(_sources, _sources.c.id == _mentions.c.source_id)
        .where(_mentions.c.claim_id == claim_id)
        .order_by(valid_at, _mentions.c.id)
    ).all()
    facts = [
        ClaimFact(
            kind=FactKind.MENTION,
            valid_at=published or added,
            recorded_at=recorded,
            stance=Stance(stance),
            source_key=str(story or source),
            ref_id=mention_id,
        )
        for mention_id, stance, recorded, published, added, story, source in mention_rows
    ]
    review_rows = session.execute(
        select(_reviews.c.id, _reviews.c.status, _reviews.c.reviewer, _reviews.c.note, _reviews.c.reviewed_at,
               _reviews.c.recorded_at)
        .where(_reviews.c.claim_id == claim_id)
        .order_by(_reviews.c.reviewed_at, _reviews.c.id)
    ).all()
    facts.extend(
        ClaimFact(
            kind=FactKind.REVIEW,
            valid_at=reviewed_at,
            recorded_at=recorded_at,
            status=ClaimStatus(status),
            reviewer=reviewer,
            note=note,
            ref_id=review_id,
        )
        for review_id, status, reviewer, note, reviewed_at, recorded_at in review_rows
    )
    return facts


def claim_latest_valid_time(session: Session, claim_id: int) -> datetime | None:
    """When the claim was last stated in the world (its newest source's publication time)."""
    return session.execute(
        select(type_coerce(func.max(func.coalesce(_sources.c.published_at, _sources.c.added_at)), UTCDateTime))
        .join(_mentions, _mentions.c.source_id == _sources.c.id)
        .where(_mentions.c.claim_id == claim_id)
    ).scalar()
