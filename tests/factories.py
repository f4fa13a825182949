"""Small factories for test values: facts, mentions, status changes, claim histories.

Every argument has a plain default, so a test names only what it is about:
``mention(day(3), stance=Stance.DENIES, source="bbc")``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from factdb.models import (
    ClaimFact,
    ClaimHistory,
    ClaimStatus,
    FactKind,
    MentionRecord,
    Quantity,
    SpeakerKind,
    Stance,
    StatusChange,
)

EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)


def day(n: int, hour: int = 0) -> datetime:
    """Day ``n`` of the test calendar (day 0 is 2026-01-01), at ``hour``, UTC."""
    return EPOCH + timedelta(days=n, hours=hour)


def mention(
    valid_at: datetime,
    recorded_at: datetime | None = None,
    *,
    stance: Stance = Stance.AFFIRMS,
    source: str | None = None,
    ref_id: int | None = None,
) -> ClaimFact:
    """A mention fact; recorded when published unless ``recorded_at`` says otherwise."""
    return ClaimFact(
        kind=FactKind.MENTION,
        valid_at=valid_at,
        recorded_at=recorded_at or valid_at,
        stance=stance,
        source_key=source,
        ref_id=ref_id,
    )


def review(
    valid_at: datetime,
    status: ClaimStatus,
    recorded_at: datetime | None = None,
    *,
    reviewer: str | None = "alice",
    note: str | None = None,
    ref_id: int | None = None,
) -> ClaimFact:
    """A reviewer verdict fact; recorded on its date unless ``recorded_at`` says otherwise."""
    return ClaimFact(
        kind=FactKind.REVIEW,
        valid_at=valid_at,
        recorded_at=recorded_at or valid_at,
        status=status,
        reviewer=reviewer,
        note=note,
        ref_id=ref_id,
    )


def mention_record(
    mention_id: int = 1,
    *,
    claim_id: int = 1,
    source_id: int | None = None,
    stance: Stance = Stance.AFFIRMS,
    quote: str = "The minister said the bridge will open in May.",
    published_at: datetime | None = None,
    recorded_at: datetime | None = None,
    speaker: str | None = "Jane Doe",
    speaker_role: str | None = "minister",
    speaker_kind: SpeakerKind = SpeakerKind.PERSON,
    outlet: str | None = "Daily Example",
    url: str | None = None,
    title: str | None = "Bridge to open in May",
    quantities: tuple[Quantity, ...] = (),
) -> MentionRecord:
    """A stored mention as queries return it; published and recorded on day ``mention_id``."""
    published_at = published_at or day(mention_id)
    return MentionRecord(
        mention_id=mention_id,
        claim_id=claim_id,
        source_id=source_id if source_id is not None else mention_id,
        stance=stance,
        quote=quote,
        start=0,
        end=len(quote),
        recorded_at=recorded_at or published_at,
        speaker=speaker,
        speaker_role=speaker_role,
        speaker_kind=speaker_kind,
        quantities=quantities,
        outlet=outlet,
        url=url if url is not None else f"https://news.example/{mention_id}",
        title=title,
        published_at=published_at,
    )


def status_change(
    status: ClaimStatus,
    valid_at: datetime,
    *,
    recorded_at: datetime | None = None,
    ref_id: int | None = None,
    reviewer: str | None = None,
    note: str | None = None,
) -> StatusChange:
    """A status change; caused by a review when ``status`` is a verdict, else by a mention."""
    return StatusChange(
        status=status,
        valid_at=valid_at,
        recorded_at=recorded_at or valid_at,
        cause=FactKind.REVIEW if status.is_verdict else FactKind.MENTION,
        ref_id=ref_id,
        reviewer=reviewer,
        note=note,
    )


def claim_history(
    claim_id: int = 1,
    *,
    proposition: str = "The bridge will open in May",
    mentions: tuple[MentionRecord, ...] | None = None,
    changes: tuple[StatusChange, ...] | None = None,
) -> ClaimHistory:
    """A claim history: by default one mention on day 1 that reported the claim."""
    if mentions is None:
        mentions = (mention_record(1, claim_id=claim_id),)
    if changes is None:
        changes = (status_change(ClaimStatus.REPORTED, day(1), ref_id=1),)
    return ClaimHistory(
        claim_id=claim_id,
        proposition=proposition,
        created_at=min((m.recorded_at for m in mentions), default=day(0)),
        status=changes[-1].status if changes else None,
        mentions=mentions,
        changes=changes,
    )
