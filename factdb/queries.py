"""Reading the store: sources, claims, one claim's history, contradictions, statistics, matches.

Each function takes an open :class:`factdb.store.Store` and returns plain values; the CLI renders
them, :mod:`factdb.export` writes them.  The matcher (rapidfuzz, the normalizer and the store's
retrieval index) is imported by the two readers that match, and the writes module (numpy, the
PostgreSQL dialect, through the index) by the speaker filter, so the other commands start without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from factdb import track
from factdb.errors import NoSuchClaim
from factdb.models import (
    ClaimHistory,
    ClaimStatus,
    ContradictionKind,
    Match,
    MentionRecord,
    SpeakerKind,
    Stance,
)
from factdb.store import Store
from factdb.store.codec import quantities_from_json
from factdb.store.facts import claim_facts, claims_facts
from factdb.store.schema import (
    Claim,
    ClaimRelation,
    Mention,
    Review,
    Source,
    Speaker,
    SpeakerAlias,
)

_claims = Claim.__table__
_mentions = Mention.__table__
_sources = Source.__table__
_speakers = Speaker.__table__
_aliases = SpeakerAlias.__table__
_relations = ClaimRelation.__table__
_reviews = Review.__table__
_IN_CHUNK = 10_000


@dataclass(frozen=True)
class SourceSummary:
    """A stored source as ``factdb sources`` lists it."""

    source_id: int
    title: str | None
    outlet: str | None
    url: str | None
    published_at: datetime | None
    added_at: datetime
    mentions: int
    story_id: int | None


@dataclass(frozen=True)
class ClaimSummary:
    """A claim as ``factdb claims`` lists it."""

    claim_id: int
    proposition: str
    status: ClaimStatus | None
    mentions: int
    affirms: int
    denies: int
    created_at: datetime


@dataclass(frozen=True)
class Contradiction:
    """Two statements that cannot both hold, with both sides."""

    kind: ContradictionKind
    claim_id: int
    proposition: str
    other_claim_id: int
    other_proposition: str
    reason: str | None
    detected_at: datetime
    side: MentionRecord | None
    other_side: MentionRecord | None


@dataclass(frozen=True)
class MatchResult:
    """A stored claim ranked against a text, with its proposition for display."""

    match: Match
    proposition: str
    status: ClaimStatus | None


def resolve_claim_id(session: Session, claim_id: int) -> int:
    """The id of the claim itself, or of the claim it was merged into; :class:`NoSuchClaim` if none."""
    seen = set()
    current = claim_id
    while True:
        row = session.execute(select(_claims.c.merged_into_id).where(_claims.c.id == current)).first()
        if row is None:
            raise NoSuchClaim(claim_id)
        if row[0] is None or row[0] in seen:
            return current
        seen.add(current)
        current = row[0]


def _mention_query():
    return (
        select(
            _mentions.c.id,
            _mentions.c.claim_id,
            _mentions.c.source_id,
            _mentions.c.stance,
            _mentions.c.quote,
            _mentions.c.start_offset,
            _mentions.c.end_offset,
            _mentions.c.recorded_at,
            _speakers.c.name,
            _mentions.c.speaker_role,
            _mentions.c.hedged,
            _mentions.c.hedge_cue,
            _mentions.c.quantities,
            _sources.c.outlet,
            _sources.c.url,
            _sources.c.title,
            _sources.c.published_at,
            _speakers.c.kind,
            _sources.c.added_at,
        )
        .join(_sources, _sources.c.id == _mentions.c.source_id)
        .outerjoin(_speakers, _speakers.c.id == _mentions.c.speaker_id)
    )


def _mention_record(row) -> MentionRecord:
    return MentionRecord(
        mention_id=row[0],
        claim_id=row[1],
        source_id=row[2],
        stance=Stance(row[3]),
        quote=row[4],
        start=row[5],
        end=row[6],
        recorded_at=row[7],
        speaker=row[8],
        speaker_role=row[9],
        hedged=bool(row[10]),
        hedge_cue=row[11],
        quantities=quantities_from_json(row[12]),
        outlet=row[13],
        url=row[14],
        title=row[15],
        published_at=row[16] or row[18],
        speaker_kind=SpeakerKind(row[17]) if row[17] else SpeakerKind.UNKNOWN,
    )


def mention_records(session: Session, mention_ids: Sequence[int]) -> dict[int, MentionRecord]:
    """Mentions by id, with their source and speaker."""
    ids = sorted(set(mention_ids))
    found: dict[int, MentionRecord] = {}
    # In chunks: PostgreSQL takes at most 65,535 parameters a statement (all contradictions of a
    # 1M-claim store name ~120k mentions).
    for start in range(0, len(ids), _IN_CHUNK):
        rows = session.execute(_mention_query().where(_mentions.c.id.in_(ids[start : start + _IN_CHUNK]))).all()
        found.update((row[0], _mention_record(row)) for row in rows)
    return found


def claim_history(
    store: Store, claim_id: int, *, as_of: datetime | None = None, known_at: datetime | None = None
) -> ClaimHistory:
    """A claim's life: mentions and status changes in valid-time order, and its status.

    ``as_of`` (valid time) keeps what had happened in the world by then; ``known_at`` (recorded
    time) keeps what factdb had learned by then.  A merged claim's id gives the surviving claim.
    """
    with store.read() as session:
        return _claim_history(session, claim_id, as_of=as_of, known_at=known_at)


def _claim_history(session: Session, claim_id: int, *, as_of=None, known_at=None) -> ClaimHistory:
    claim_id = resolve_claim_id(session, claim_id)
    proposition, created_at = session.execute(
        select(_claims.c.proposition, _claims.c.created_at).where(_claims.c.id == claim_id)
    ).one()
    query = _mention_query().where(_mentions.c.claim_id == claim_id)
    mentions = [_mention_record(row) for row in session.execute(query).all()]
    if known_at is not None:
        mentions = [m for m in mentions if m.recorded_at <= known_at]
    if as_of is not None:
        mentions = [m for m in mentions if (m.published_at or m.recorded_at) <= as_of]
    mentions.sort(key=lambda m: (m.published_at or m.recorded_at, m.mention_id))
    facts = claim_facts(session, claim_id)
    changes = track.status_timeline(facts, known_at=known_at)
    if as_of is not None:
        changes = [c for c in changes if c.valid_at <= as_of]
    return ClaimHistory(
        claim_id=claim_id,
        proposition=proposition,
        created_at=created_at,
        status=track.status_at(facts, as_of=as_of, known_at=known_at),
        mentions=tuple(mentions),
        changes=tuple(changes),
    )


def iter_histories(store: Store, *, batch: int = 500):
    """Every unmerged claim's history, in id order, read in batches (for exports).

    Each batch costs four queries (claims, mentions, mention facts, reviews) whatever its size,
    not five per claim: exporting a million claims is a matter of minutes, not hours.
    """
    last = 0
    while True:
        with store.read() as session:
            rows = session.execute(
                select(_claims.c.id, _claims.c.proposition, _claims.c.created_at)
                .where(_claims.c.id > last, _claims.c.merged_into_id.is_(None))
                .order_by(_claims.c.id)
                .limit(batch)
            ).all()
            if not rows:
                return
            histories = _histories(session, rows)
        yield from histories
        last = rows[-1][0]


def _histories(session: Session, claims: Sequence) -> list[ClaimHistory]:
    """The histories of these unmerged claims ``(id, proposition, created_at)``, as :func:`_claim_history`
    builds them without ``as_of``/``known_at``."""
    ids = [row[0] for row in claims]
    mentions: dict[int, list[MentionRecord]] = {claim_id: [] for claim_id in ids}
    for row in session.execute(_mention_query().where(_mentions.c.claim_id.in_(ids))).all():
        mentions[row[1]].append(_mention_record(row))
    facts = claims_facts(session, ids)
    out = []
    for claim_id, proposition, created_at in claims:
        found = sorted(mentions[claim_id], key=lambda m: (m.published_at or m.recorded_at, m.mention_id))
        claim_facts_ = facts[claim_id]
        out.append(
            ClaimHistory(
                claim_id=claim_id,
                proposition=proposition,
                created_at=created_at,
                status=track.status_at(claim_facts_),
                mentions=tuple(found),
                changes=tuple(track.status_timeline(claim_facts_)),
            )
        )
    return out


def speaker_ids(session: Session, name: str) -> list[int]:
    """Speakers known by this name or alias."""
    # Deferred: factdb.store.writes loads the retrieval index (numpy, the PostgreSQL dialect).
    from factdb.store.writes import speaker_key

    key = speaker_key(name)
    return list(
        session.execute(select(_aliases.c.speaker_id).where(_aliases.c.key == key).distinct()).scalars()
    )


def list_claims(
    store: Store,
    *,
    speaker: str | None = None,
    status: ClaimStatus | None = None,
    search: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = 50,
) -> list[ClaimSummary]:
    """Claims, newest first (or best match first with ``search``), filtered as asked.

    ``since``/``until`` select claims stated in a source published in that window; ``speaker``
    claims that speaker (any alias) stated or denied; ``search`` ranks by the matcher.
    """
    with store.read() as session:
        conditions = [_claims.c.merged_into_id.is_(None)]
        if status is not None:
            conditions.append(_claims.c.status == status.value)
        mention_conditions = []
        if speaker:
            mention_conditions.append(_mentions.c.speaker_id.in_(speaker_ids(session, speaker) or [-1]))
        if since or until:
            when = func.coalesce(_sources.c.published_at, _sources.c.added_at)
            if since:
                mention_conditions.append(when >= since)
            if until:
                mention_conditions.append(when <= until)
        if mention_conditions:
            conditions.append(
                exists(
                    select(_mentions.c.id)
                    .join(_sources, _sources.c.id == _mentions.c.source_id)
                    .where(_mentions.c.claim_id == _claims.c.id, *mention_conditions)
                )
            )
        order: list[int] | None = None
        if search:
            found = _match(session, search, limit=max(limit or 50, 50))
            order = [m.match.claim_id for m in found]
            conditions.append(_claims.c.id.in_(order or [-1]))
        query = select(_claims.c.id, _claims.c.proposition, _claims.c.status, _claims.c.created_at).where(
            and_(*conditions)
        )
        if order is None:
            query = query.order_by(_claims.c.id.desc()).limit(limit)
        rows = session.execute(query).all()
        if order is not None:
            rank = {claim_id: i for i, claim_id in enumerate(order)}
            rows = sorted(rows, key=lambda r: rank[r[0]])[:limit]
        counts = _stance_counts(session, [r[0] for r in rows])
        return [
            ClaimSummary(
                claim_id=r[0],
                proposition=r[1],
                status=ClaimStatus(r[2]) if r[2] else None,
                mentions=sum(counts.get(r[0], {}).values()),
                affirms=counts.get(r[0], {}).get("affirms", 0),
                denies=counts.get(r[0], {}).get("denies", 0),
                created_at=r[3],
            )
            for r in rows
        ]


def _stance_counts(session: Session, claim_ids: list[int]) -> dict[int, dict[str, int]]:
    if not claim_ids:
        return {}
    counts: dict[int, dict[str, int]] = {}
    for claim_id, stance, n in session.execute(
        select(_mentions.c.claim_id, _mentions.c.stance, func.count())
        .where(_mentions.c.claim_id.in_(claim_ids))
        .group_by(_mentions.c.claim_id, _mentions.c.stance)
    ):
        counts.setdefault(claim_id, {})[stance] = n
    return counts


def most_contested_claims(
    store: Store,
    *,
    speaker: str | None = None,
    since: datetime | None = None,
    as_of: datetime | None = None,
    limit: int = 50,
) -> list[ClaimSummary]:
    """Claims both affirmed and denied, most affirmations + denials first (then newest first).

    Counts the mentions published by ``as_of`` (all when None); ``speaker`` keeps claims that
    speaker stated or denied, ``since`` claims stated in a source published on/after then.
    """
    when = func.coalesce(_sources.c.published_at, _sources.c.added_at)
    affirms = func.sum(case((_mentions.c.stance == Stance.AFFIRMS.value, 1), else_=0))
    denies = func.sum(case((_mentions.c.stance == Stance.DENIES.value, 1), else_=0))
    with store.read() as session:
        query = (
            select(_mentions.c.claim_id, affirms, denies)
            .join(_sources, _sources.c.id == _mentions.c.source_id)
            .join(_claims, _claims.c.id == _mentions.c.claim_id)
            .where(_claims.c.merged_into_id.is_(None))
        )
        if as_of is not None:
            query = query.where(when <= as_of)
        wanted = []
        if speaker:
            wanted.append(_mentions.c.speaker_id.in_(speaker_ids(session, speaker) or [-1]))
        if since is not None:
            wanted.append(when >= since)
        if wanted:
            query = query.where(
                _mentions.c.claim_id.in_(
                    select(_mentions.c.claim_id).join(_sources, _sources.c.id == _mentions.c.source_id).where(*wanted)
                )
            )
        rows = session.execute(
            query.group_by(_mentions.c.claim_id)
            .having(affirms > 0, denies > 0)
            .order_by((affirms + denies).desc(), _mentions.c.claim_id.desc())
            .limit(limit)
        ).all()
        claims = {
            r[0]: r
            for r in session.execute(
                select(_claims.c.id, _claims.c.proposition, _claims.c.status, _claims.c.created_at).where(
                    _claims.c.id.in_([r[0] for r in rows] or [-1])
                )
            )
        }
        return [
            ClaimSummary(
                claim_id=claim_id,
                proposition=claims[claim_id][1],
                status=ClaimStatus(claims[claim_id][2]) if claims[claim_id][2] else None,
                mentions=int(a) + int(d),
                affirms=int(a),
                denies=int(d),
                created_at=claims[claim_id][3],
            )
            for claim_id, a, d in rows
        ]


def list_sources(store: Store, *, limit: int | None = None) -> list[SourceSummary]:
    """Stored sources, newest first, with how many mentions each holds."""
    with store.read() as session:
        mentions = (
            select(func.count()).where(_mentions.c.source_id == _sources.c.id).correlate(_sources).scalar_subquery()
        )
        rows = session.execute(
            select(
                _sources.c.id, _sources.c.title, _sources.c.outlet, _sources.c.url, _sources.c.published_at,
                _sources.c.added_at, mentions, _sources.c.story_id,
            )
            .order_by(_sources.c.id.desc())
            .limit(limit)
        ).all()
        return [SourceSummary(*row) for row in rows]


def list_contradictions(
    store: Store,
    *,
    since: datetime | None = None,
    speaker: str | None = None,
    kind: ContradictionKind | None = None,
    claim_ids: Sequence[int] | None = None,
    limit: int | None = None,
) -> list[Contradiction]:
    """Contradictions, newest first, each with both sides (claim, stance, speaker, source, date, quote).

    ``since`` keeps those detected since then; ``speaker`` those where that speaker is on either side;
    ``claim_ids`` those where one of these claims is on either side.
    """
    with store.read() as session:
        conditions = [_relations.c.kind == "contradicts"]
        if kind is not None:
            conditions.append(_relations.c.contradiction == kind.value)
        if claim_ids is not None:
            ids = sorted(set(claim_ids)) or [-1]
            conditions.append(or_(_relations.c.claim_id.in_(ids), _relations.c.related_claim_id.in_(ids)))
        if since is not None:
            conditions.append(_relations.c.created_at >= since)
        if speaker:
            ids = speaker_ids(session, speaker) or [-1]
            on_side = select(_mentions.c.id).where(_mentions.c.speaker_id.in_(ids))
            conditions.append(
                or_(_relations.c.mention_id.in_(on_side), _relations.c.related_mention_id.in_(on_side))
            )
        other = _claims.alias("other")
        rows = session.execute(
            select(
                _relations.c.contradiction, _relations.c.claim_id, _claims.c.proposition,
                _relations.c.related_claim_id, other.c.proposition, _relations.c.reason, _relations.c.created_at,
                _relations.c.mention_id, _relations.c.related_mention_id,
            )
            .join(_claims, _claims.c.id == _relations.c.claim_id)
            .join(other, other.c.id == _relations.c.related_claim_id)
            .where(*conditions)
            .order_by(_relations.c.created_at.desc(), _relations.c.id.desc())
            .limit(limit)
        ).all()
        records = mention_records(session, [m for r in rows for m in (r[7], r[8]) if m is not None])
        return [
            Contradiction(
                kind=ContradictionKind(r[0]),
                claim_id=r[1],
                proposition=r[2],
                other_claim_id=r[3],
                other_proposition=r[4],
                reason=r[5],
                detected_at=r[6],
                side=records.get(r[7]),
                other_side=records.get(r[8]),
            )
            for r in rows
        ]


def store_stats(store: Store) -> dict[str, object]:
    """Counts a user wants at a glance: sources, claims, mentions, speakers, contradictions, by status."""
    with store.read() as session:
        def count(table, *where) -> int:
            return int(session.execute(select(func.count()).select_from(table).where(*where)).scalar() or 0)

        by_status = {
            (status or "none"): n
            for status, n in session.execute(
                select(_claims.c.status, func.count())
                .where(_claims.c.merged_into_id.is_(None))
                .group_by(_claims.c.status)
            )
        }
        by_kind = {
            kind: n
            for kind, n in session.execute(
                select(_relations.c.contradiction, func.count())
                .where(_relations.c.kind == "contradicts")
                .group_by(_relations.c.contradiction)
            )
        }
        return {
            "store": store.url,
            "sources": count(_sources),
            "claims": count(_claims, _claims.c.merged_into_id.is_(None)),
            "mentions": count(_mentions),
            "speakers": count(_speakers),
            "reviews": count(_reviews),
            "contradictions": sum(by_kind.values()),
            "contradictions_by_kind": dict(sorted(by_kind.items())),
            "claims_by_status": dict(sorted(by_status.items())),
        }


def match_text(store: Store, text: str, *, limit: int = 10) -> list[MatchResult]:
    """The stored claims nearest to ``text`` (a raw sentence), best first, with the reason."""
    with store.read(mapped=True) as session:
        return _match(session, text, limit=limit)


def _match(session: Session, text: str, *, limit: int) -> list[MatchResult]:
    from factdb.match import find_matches
    from factdb.normalize import normalize_claim, split_polarity
    from factdb.store.index import StoreIndex

    positive, stance = split_polarity(text)
    query = normalize_claim(positive)
    index = StoreIndex(session)
    matches = find_matches(query, index, limit=limit, stance=stance)
    if not matches:
        return []
    rows = index.statuses([m.claim_id for m in matches])  # through the index's cursor: ~0.3 ms less
    views = {view.claim_id: view for view in index.claims([m.claim_id for m in matches])}
    return [
        MatchResult(match=m, proposition=views[m.claim_id].proposition, status=ClaimStatus(rows[m.claim_id]) if rows.get(m.claim_id) else None)
        for m in matches
        if m.claim_id in views
    ]
