"""Writing to the store: sources, speakers (with aliases), claims (indexed), mentions, relations,
reviews and status events.  Every function takes the session explicitly and never commits: the
caller owns the transaction (one per source at ingest)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from factdb.models import (
    ClaimCandidate,
    ContradictionKind,
    Decider,
    Document,
    NormalizedClaim,
    RelationKind,
    SpeakerKind,
    StatusChange,
)
from factdb.store.codec import names_to_json, quantities_to_json
from factdb.store.index import add_postings
from factdb.store.schema import (
    Claim,
    ClaimRelation,
    ClaimStatusEvent,
    Mention,
    Source,
    Speaker,
    SpeakerAlias,
)

_sources = Source.__table__
_claims = Claim.__table__
_mentions = Mention.__table__
_relations = ClaimRelation.__table__
_events = ClaimStatusEvent.__table__
_speakers = Speaker.__table__
_aliases = SpeakerAlias.__table__

_HONORIFICS = re.compile(r"^(?:mr|mrs|ms|miss|dr|prof|sir|dame|lord|lady|mx)\.?\s+", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w\s'-]+")


def content_hash(text: str) -> str:
    """The key that makes a source's text unique in the store (SHA-256 of its normalized body)."""
    canonical = unicodedata.normalize("NFC", text).strip()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def claim_key(normalized: NormalizedClaim) -> str:
    """One claim per exact proposition: the normalized text and its numbers, hashed."""
    numbers = ",".join(f"{q.value:g}" for q in normalized.numbers)
    return hashlib.sha256(f"{normalized.text}\x1f{numbers}".encode("utf-8")).hexdigest()


def speaker_key(name: str) -> str:
    """How speaker names compare: case, accents' composition, honorifics and punctuation ignored."""
    folded = unicodedata.normalize("NFKC", name).casefold().strip()
    folded = _HONORIFICS.sub("", folded)
    folded = _NON_WORD.sub(" ", folded)
    return " ".join(folded.split())[:300]


def find_source_by_hash(session: Session, digest: str) -> int | None:
    """The id of the source with this content hash, if stored."""
    return session.execute(select(_sources.c.id).where(_sources.c.content_hash == digest)).scalar()


def insert_source(session: Session, document: Document, *, digest: str, fingerprint: int, now: datetime) -> int:
    """Store a source's text and metadata; return its id."""
    meta = document.meta
    return session.execute(
        insert(_sources)
        .values(
            content_hash=digest,
            text=document.text,
            url=meta.url,
            outlet=meta.outlet,
            title=meta.title,
            author=meta.author,
            language=meta.language,
            published_at=meta.published_at,
            added_at=now,
            fingerprint=fingerprint,
        )
        .returning(_sources.c.id)
    ).scalar_one()


def set_story(session: Session, source_id: int, story_id: int) -> None:
    """Record which wire story a source is a copy of (itself when original)."""
    session.execute(update(_sources).where(_sources.c.id == source_id).values(story_id=story_id))


def resolve_speaker(
    session: Session, name: str, *, role: str | None, kind: SpeakerKind, now: datetime
) -> int | None:
    """The id of the speaker called ``name``, created when new.

    Aliases resolve: "Dmitry Peskov", "Mr Peskov" and "Kremlin spokesman Dmitry Peskov" (role
    split off by extraction) are one speaker.  A surname alone resolves to the first speaker
    known by it; a bare surname seen first is completed when the full name appears.
    """
    key = speaker_key(name)
    if not key:
        return None
    found = session.execute(select(_aliases.c.speaker_id).where(_aliases.c.key == key)).scalar()
    words = key.split()
    surname = words[-1] if kind is not SpeakerKind.ORGANISATION and len(words) > 1 else None
    if found is None and surname:
        by_surname = session.execute(
            select(_speakers.c.id, _speakers.c.key).join(_aliases, _aliases.c.speaker_id == _speakers.c.id)
            .where(_aliases.c.key == surname)
        ).first()
        if by_surname is not None and len(by_surname.key.split()) == 1:
            # Only the surname was known so far: this is the same person, now with a full name.
            found = by_surname.id
            session.execute(update(_speakers).where(_speakers.c.id == found).values(name=name, key=key))
    if found is None:
        found = session.execute(
            insert(_speakers)
            .values(name=name, key=key, kind=kind.value, role=role, created_at=now)
            .returning(_speakers.c.id)
        ).scalar_one()
    else:
        if role:
            session.execute(
                update(_speakers).where(_speakers.c.id == found, _speakers.c.role.is_(None)).values(role=role)
            )
    for alias_key, alias in ((key, name), (surname, surname)):
        if alias_key and session.execute(select(_aliases.c.id).where(_aliases.c.key == alias_key)).first() is None:
            session.execute(insert(_aliases).values(speaker_id=found, alias=alias, key=alias_key))
    return found


def find_claim_by_key(session: Session, key: str) -> int | None:
    """The claim stating exactly this proposition (following merges), if any."""
    row = session.execute(select(_claims.c.id, _claims.c.merged_into_id).where(_claims.c.key == key)).first()
    if row is None:
        return None
    claim_id, merged_into = row
    while merged_into is not None:
        claim_id, merged_into = session.execute(
            select(_claims.c.id, _claims.c.merged_into_id).where(_claims.c.id == merged_into)
        ).one()
    return claim_id


def insert_claim(session: Session, proposition: str, normalized: NormalizedClaim, *, key: str, now: datetime) -> int:
    """Store a new claim and index it for retrieval; return its id."""
    claim_id = session.execute(
        insert(_claims)
        .values(
            proposition=proposition,
            normalized=normalized.text,
            key=key,
            tokens=" ".join(normalized.tokens),
            numbers=quantities_to_json(normalized.numbers),
            entities=names_to_json(normalized.entities),
            antonym_text=normalized.antonym_text,
            created_at=now,
        )
        .returning(_claims.c.id)
    ).scalar_one()
    add_postings(session, claim_id, normalized.tokens)
    return claim_id


def insert_mention(
    session: Session,
    *,
    claim_id: int,
    source_id: int,
    speaker_id: int | None,
    candidate: ClaimCandidate,
    now: datetime,
) -> int:
    """Store one claim's appearance in one source; return the mention id."""
    return session.execute(
        insert(_mentions)
        .values(
            claim_id=claim_id,
            origin_claim_id=claim_id,
            source_id=source_id,
            speaker_id=speaker_id,
            speaker_role=candidate.speaker_role,
            stance=candidate.stance.value,
            hedged=candidate.hedged,
            hedge_cue=candidate.hedge_cue,
            quote=candidate.text,
            start_offset=candidate.start,
            end_offset=candidate.end,
            quantities=quantities_to_json(candidate.quantities),
            recorded_at=now,
        )
        .returning(_mentions.c.id)
    ).scalar_one()


def relation_exists(session: Session, claim_id: int, related_claim_id: int, kind: RelationKind) -> bool:
    """True when these two claims are already linked by ``kind`` (in either direction)."""
    pairs = {(claim_id, related_claim_id), (related_claim_id, claim_id)}
    for a, b in pairs:
        if session.execute(
            select(_relations.c.id).where(
                _relations.c.claim_id == a, _relations.c.related_claim_id == b, _relations.c.kind == kind.value
            )
        ).first():
            return True
    return False


def insert_relation(
    session: Session,
    *,
    claim_id: int,
    related_claim_id: int,
    kind: RelationKind,
    contradiction: ContradictionKind | None,
    score: float | None,
    decider: Decider,
    reason: str,
    mention_id: int | None,
    related_mention_id: int | None,
    now: datetime,
) -> bool:
    """Link two claims unless already linked by ``kind``; return True when a row was added."""
    if relation_exists(session, claim_id, related_claim_id, kind):
        return False
    session.execute(
        insert(_relations).values(
            claim_id=claim_id,
            related_claim_id=related_claim_id,
            kind=kind.value,
            contradiction=contradiction.value if contradiction else None,
            score=score,
            decider=decider.value,
            reason=reason,
            mention_id=mention_id,
            related_mention_id=related_mention_id,
            created_at=now,
        )
    )
    return True


def append_status_changes(session: Session, claim_id: int, changes: Sequence[StatusChange], *, current) -> None:
    """Append status events (never rewritten) and keep the claim's current status in step."""
    if changes:
        session.execute(
            insert(_events),
            [
                {
                    "claim_id": claim_id,
                    "status": change.status.value,
                    "valid_at": change.valid_at,
                    "recorded_at": change.recorded_at,
                    "cause": change.cause.value,
                    "mention_id": change.ref_id if change.cause.value == "mention" else None,
                    "review_id": change.ref_id if change.cause.value == "review" else None,
                    "reviewer": change.reviewer,
                    "note": change.note,
                }
                for change in changes
            ],
        )
    session.execute(
        update(_claims).where(_claims.c.id == claim_id).values(status=current.value if current else None)
    )
