"""Writing to the store: sources, speakers (with aliases), claims (indexed), mentions, relations,
reviews and status events.  Every function takes the session explicitly and never commits: the
caller owns the transaction (one per source at ingest)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from factdb.models import (
    ClaimCandidate,
    ClaimStatus,
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


def insert_source(
    session: Session, document: Document, *, digest: str, fingerprint: int, claims: int, now: datetime
) -> int:
    """Store a source's text and metadata, and how many ``claims`` extraction gave (the mentions
    the caller writes in the same transaction); return its id."""
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
            claims_extracted=claims,
        )
        .returning(_sources.c.id)
    ).scalar_one()


def set_story(session: Session, source_id: int, story_id: int) -> None:
    """Record which wire story a source is a copy of (itself when original)."""
    session.execute(update(_sources).where(_sources.c.id == source_id).values(story_id=story_id))


def resolve_speakers(
    session: Session, speakers: Sequence[tuple[str, str | None, SpeakerKind]], *, now: datetime
) -> list[int | None]:
    """The id of each ``(name, role, kind)`` speaker, in order, created when new (None for a name
    with nothing to key on): what resolving them one after another gives, with one read for all.

    Aliases resolve: "Dmitry Peskov", "Mr Peskov" and "Kremlin spokesman Dmitry Peskov" (role
    split off by extraction) are one speaker.  A surname alone resolves to the first speaker
    known by it; a bare surname seen first is completed when the full name appears.  A speaker
    without a role takes the first role it is named with.
    """
    wanted = []
    for name, _, kind in speakers:
        key = speaker_key(name)
        words = key.split()
        wanted.append((key, words[-1] if kind is not SpeakerKind.ORGANISATION and len(words) > 1 else None))
    lookup = sorted({k for pair in wanted for k in pair if k})
    if not lookup:
        return [None] * len(speakers)
    alias_of: dict[str, int] = {}  # alias key -> speaker id (new speakers: -1, -2, ... until inserted)
    key_of: dict[int, str] = {}
    role_of: dict[int, str | None] = {}
    for alias_key, speaker_id, key, role in session.execute(
        select(_aliases.c.key, _speakers.c.id, _speakers.c.key, _speakers.c.role)
        .join(_speakers, _speakers.c.id == _aliases.c.speaker_id)
        .where(_aliases.c.key.in_(lookup))
    ).all():
        alias_of[alias_key] = speaker_id
        key_of[speaker_id], role_of[speaker_id] = key, role
    created: list[dict] = []
    changed: dict[int, dict] = {}  # stored speaker id -> new values (completed name, first role)
    aliases: list[tuple[int, str, str]] = []
    found_ids: list[int | None] = []
    for (name, role, kind), (key, surname) in zip(speakers, wanted, strict=True):
        if not key:
            found_ids.append(None)
            continue
        found = alias_of.get(key)
        if found is None and surname and surname in alias_of and len(key_of[alias_of[surname]].split()) == 1:
            # Only the surname was known so far: this is the same person, now with a full name.
            found = alias_of[surname]
            key_of[found] = key
            _row(found, created, changed).update(name=name, key=key)
        if found is None:
            created.append(dict(name=name, key=key, kind=kind.value, role=role, created_at=now))
            found = -len(created)
            key_of[found], role_of[found] = key, role
        elif role and role_of[found] is None:
            role_of[found] = role
            _row(found, created, changed)["role"] = role
        for alias_key, alias in ((key, name), (surname, surname)):
            if alias_key and alias_key not in alias_of:
                alias_of[alias_key] = found
                aliases.append((found, alias, alias_key))
        found_ids.append(found)
    ids = {}
    if created:
        # Plain executemany (a RETURNING of many rows goes row by row on SQLite); keys are unique.
        session.execute(insert(_speakers), created)
        keys = [row["key"] for row in created]
        found_keys = select(_speakers.c.key, _speakers.c.id).where(_speakers.c.key.in_(keys))
        by_key = dict(session.execute(found_keys).all())
        ids = {-(i + 1): by_key[row["key"]] for i, row in enumerate(created)}
    for columns in ("role",), ("name", "key"):
        rows = [
            {"speaker": speaker_id, **{f"new_{c}": values[c] for c in columns}}
            for speaker_id, values in changed.items()
            if columns[0] in values
        ]
        if rows:
            session.execute(
                update(_speakers)
                .where(_speakers.c.id == bindparam("speaker"))
                .values({c: bindparam(f"new_{c}") for c in columns}),
                rows,
            )
    if aliases:
        session.execute(
            insert(_aliases),
            [{"speaker_id": ids.get(s, s), "alias": name, "key": key} for s, name, key in aliases],
        )
    return [ids.get(s, s) if s is not None else None for s in found_ids]


def _row(speaker_id: int, created: list[dict], changed: dict[int, dict]) -> dict:
    """The values to write for a speaker: its insert row when new, else its pending update."""
    return created[-speaker_id - 1] if speaker_id < 0 else changed.setdefault(speaker_id, {})


def find_claims_by_keys(session: Session, keys: Sequence[str]) -> dict[str, int]:
    """The claims stating exactly these propositions (following merges): ``{key: claim_id}`` for
    the keys stored."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = session.execute(
        select(_claims.c.key, _claims.c.id, _claims.c.merged_into_id).where(_claims.c.key.in_(wanted))
    ).all()
    merged_into = {claim_id: into for _, claim_id, into in rows}
    unknown = {into for into in merged_into.values() if into is not None and into not in merged_into}
    while unknown:  # merge chains, one link for all of them per statement
        step = session.execute(
            select(_claims.c.id, _claims.c.merged_into_id).where(_claims.c.id.in_(sorted(unknown)))
        ).all()
        merged_into.update(step)
        unknown = {into for _, into in step if into is not None and into not in merged_into}

    def resolved(claim_id: int) -> int:
        while merged_into[claim_id] is not None:
            claim_id = merged_into[claim_id]
        return claim_id

    return {key: resolved(claim_id) for key, claim_id, _ in rows}


def insert_claim(
    session: Session,
    proposition: str,
    normalized: NormalizedClaim,
    *,
    key: str,
    now: datetime,
    indexed: bool = True,
) -> int:
    """Store a new claim and index it for retrieval; return its id.

    ``indexed=False`` leaves the indexing to the caller (:func:`factdb.store.index.add_postings_many`
    for many claims at once), before anything retrieves by the claim's terms."""
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
    if indexed:
        add_postings(session, claim_id, normalized.tokens)
    return claim_id


def insert_mentions(
    session: Session,
    mentions: Sequence[tuple[int, int | None, ClaimCandidate]],
    *,
    source_id: int,
    now: datetime,
) -> list[int]:
    """Store each ``(claim_id, speaker_id, candidate)`` appearance in one source (all of the source's
    mentions, once); return the mention ids, in order (two statements)."""
    if not mentions:
        return []
    rows = [
        {
            "claim_id": claim_id,
            "origin_claim_id": claim_id,
            "source_id": source_id,
            "speaker_id": speaker_id,
            "speaker_role": candidate.speaker_role,
            "stance": candidate.stance.value,
            "hedged": candidate.hedged,
            "hedge_cue": candidate.hedge_cue,
            "quote": candidate.text,
            "start_offset": candidate.start,
            "end_offset": candidate.end,
            "quantities": quantities_to_json(candidate.quantities),
            "recorded_at": now,
        }
        for claim_id, speaker_id, candidate in mentions
    ]
    # Plain executemany, then the ids: a RETURNING of many rows goes row by row on SQLite.  The
    # source's mentions are all inserted here, and ids grow in insertion order.
    session.execute(insert(_mentions), rows)
    ids = select(_mentions.c.id).where(_mentions.c.source_id == source_id).order_by(_mentions.c.id)
    return list(session.execute(ids).scalars())


@dataclass(frozen=True)
class NewRelation:
    """A link between two claims, to be stored unless they are linked by its ``kind`` already."""

    claim_id: int
    related_claim_id: int
    kind: RelationKind
    contradiction: ContradictionKind | None
    score: float | None
    decider: Decider
    reason: str
    mention_id: int | None
    related_mention_id: int | None


def insert_relations(session: Session, relations: Sequence[NewRelation], *, now: datetime) -> list[bool]:
    """Store each relation unless its two claims are already linked by its kind (in either
    direction, in the store or earlier in ``relations``); return, for each, whether it was added.
    One read and one write for all."""
    if not relations:
        return []
    ids = sorted({r.claim_id for r in relations} | {r.related_claim_id for r in relations})
    linked = {
        tuple(row)
        for row in session.execute(
            select(_relations.c.claim_id, _relations.c.related_claim_id, _relations.c.kind).where(
                _relations.c.claim_id.in_(ids), _relations.c.related_claim_id.in_(ids)
            )
        )
    }
    added, rows = [], []
    for r in relations:
        kind = r.kind.value
        if {(r.claim_id, r.related_claim_id, kind), (r.related_claim_id, r.claim_id, kind)} & linked:
            added.append(False)
            continue
        linked.add((r.claim_id, r.related_claim_id, kind))
        added.append(True)
        rows.append(
            {
                "claim_id": r.claim_id,
                "related_claim_id": r.related_claim_id,
                "kind": kind,
                "contradiction": r.contradiction.value if r.contradiction else None,
                "score": r.score,
                "decider": r.decider.value,
                "reason": r.reason,
                "mention_id": r.mention_id,
                "related_mention_id": r.related_mention_id,
                "created_at": now,
            }
        )
    if rows:
        session.execute(insert(_relations), rows)
    return added


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
    relation = NewRelation(
        claim_id, related_claim_id, kind, contradiction, score, decider, reason, mention_id,
        related_mention_id,
    )
    return insert_relations(session, [relation], now=now)[0]


def append_status_changes(session: Session, claim_id: int, changes: Sequence[StatusChange], *, current) -> None:
    """Append status events (never rewritten) and keep the claim's current status in step."""
    append_status_changes_many(session, [(claim_id, changes, current)])


def append_status_changes_many(
    session: Session, items: Sequence[tuple[int, Sequence[StatusChange], ClaimStatus | None]]
) -> None:
    """:func:`append_status_changes` for each ``(claim_id, changes, current)``: the events of all
    in one insert, the current statuses in one update."""
    events = [
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
        for claim_id, changes, _ in items
        for change in changes
    ]
    if events:
        session.execute(insert(_events), events)
    if items:
        session.execute(
            update(_claims).where(_claims.c.id == bindparam("claim")).values(status=bindparam("current")),
            [{"claim": claim, "current": status.value if status else None} for claim, _, status in items],
        )
