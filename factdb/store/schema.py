"""The relational schema of a factdb store, as SQLAlchemy 2.x typed models.

Every change here is an Alembic migration in ``alembic/versions`` (tests fail when the models
and the migrations disagree).  Times are stored as timezone-aware UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STANCES = ("affirms", "denies")
SPEAKER_KINDS = ("person", "organisation", "unknown")
STATUSES = (
    "reported",
    "corroborated",
    "disputed",
    "confirmed",
    "false",
    "misleading",
    "unproven",
    "retracted",
)
RELATION_KINDS = ("same_as", "contradicts", "updates", "related")
CONTRADICTION_KINDS = ("polarity", "numeric", "antonym")
DECIDERS = ("matcher", "reviewer")
EVENT_CAUSES = ("mention", "review", "merge", "unmerge")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores no zone: it comes back UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: factdb stores timezone-aware UTC times")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Source(Base):
    """A report: its text (stored once, keyed by content hash) and its metadata."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str | None] = mapped_column(String(35))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # 64-bit SimHash of the text: near-identical copies of one wire story share a story.
    fingerprint: Mapped[int] = mapped_column(BigInteger)
    # The first stored source of the same wire story (itself when it is the first).
    story_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    # How many claims extraction gave when the source was added: its mentions, all or none.
    # NULL for sources added before migration 0005 (db verify re-extracts those).
    claims_extracted: Mapped[int | None] = mapped_column(Integer)


class Speaker(Base):
    """Who said something: a person or an organisation, with a role."""

    __tablename__ = "speakers"
    __table_args__ = (CheckConstraint(_in("kind", SPEAKER_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default="unknown")
    role: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SpeakerAlias(Base):
    """Another way a speaker is named ("Mr Peskov", "Kremlin spokesman Dmitry Peskov")."""

    __tablename__ = "speaker_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(300), unique=True)


class Claim(Base):
    """A proposition as a reader sees it, its normalized form and what retrieval needs."""

    __tablename__ = "claims"
    __table_args__ = (CheckConstraint(f"status IS NULL OR {_in('status', STATUSES)}", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposition: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str] = mapped_column(Text)
    # Hash of the normalized text and its numbers: one claim per exact proposition, even under races.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    tokens: Mapped[str] = mapped_column(Text)  # space-separated index terms
    numbers: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of quantities
    entities: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of names
    antonym_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Current status, kept in step with the newest status event (for filtering and counts).
    status: Mapped[str | None] = mapped_column(String(16), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True)


class Term(Base):
    """A retrieval term and how many claims contain it (its document frequency)."""

    __tablename__ = "terms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    term: Mapped[str] = mapped_column(String(100), unique=True)
    df: Mapped[int] = mapped_column(Integer, default=0)


class ClaimTerm(Base):
    """Posting: this claim contains this term."""

    __tablename__ = "claim_terms"

    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"), primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True, index=True)


class PostingBlock(Base):
    """A run of a term's postings packed for reading: ``ids`` holds sorted claim ids (little-endian
    uint32, see :mod:`factdb.store.codec`) starting at ``first_id``.

    Derived from ``claim_terms`` (kept in step by :mod:`factdb.store.index`): a match reads a
    20k-claim posting list as ~40 rows instead of 20k.  New ids are appended to a term's last
    block until it holds :data:`factdb.store.index.BLOCK_IDS` ids.
    """

    __tablename__ = "posting_blocks"

    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"), primary_key=True)
    first_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ids: Mapped[bytes] = mapped_column(LargeBinary)


class Mention(Base):
    """One claim in one source: who said it, with what stance and hedge, and where."""

    __tablename__ = "mentions"
    __table_args__ = (
        CheckConstraint(_in("stance", STANCES), name="stance"),
        CheckConstraint("start_offset >= 0 AND end_offset >= start_offset", name="offsets"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    # The claim the matcher first gave this mention: a merge moves claim_id, an unmerge moves it back.
    origin_claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speakers.id"), index=True)
    speaker_role: Mapped[str | None] = mapped_column(String(300))
    stance: Mapped[str] = mapped_column(String(8))
    hedged: Mapped[bool] = mapped_column(Boolean, default=False)
    hedge_cue: Mapped[str | None] = mapped_column(String(100))
    quote: Mapped[str] = mapped_column(Text)
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    quantities: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of quantities
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Review(Base):
    """A reviewer's verdict on a claim."""

    __tablename__ = "reviews"
    __table_args__ = (CheckConstraint(_in("status", STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    # The claim the verdict was given on: a merge moves claim_id, an unmerge moves it back.
    origin_claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    reviewer: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClaimStatusEvent(Base):
    """Append-only: the claim's status from ``valid_at`` on, as factdb knew it at ``recorded_at``."""

    __tablename__ = "claim_status_events"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("cause", EVENT_CAUSES), name="cause"),
        Index("ix_claim_status_events_claim_id_valid_at", "claim_id", "valid_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    status: Mapped[str] = mapped_column(String(16))
    valid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    cause: Mapped[str] = mapped_column(String(8))
    mention_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"), index=True)
    reviewer: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)


class ClaimRelation(Base):
    """A typed link between two claims (or a claim and itself, for a polarity contradiction).

    ``mention_id``/``related_mention_id`` name the two statements that show the relation, so a
    contradiction can be listed with both sides.
    """

    __tablename__ = "claim_relations"
    __table_args__ = (
        CheckConstraint(_in("kind", RELATION_KINDS), name="kind"),
        CheckConstraint(f"contradiction IS NULL OR {_in('contradiction', CONTRADICTION_KINDS)}", name="contradiction"),
        CheckConstraint(_in("decider", DECIDERS), name="decider"),
        UniqueConstraint("claim_id", "related_claim_id", "kind"),
        Index("ix_claim_relations_kind_created_at", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    related_claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    contradiction: Mapped[str | None] = mapped_column(String(10))
    score: Mapped[float | None]
    decider: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    mention_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"), index=True)
    related_mention_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
