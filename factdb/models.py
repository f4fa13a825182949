"""The domain of factdb as plain values: what flows between the pipeline stages.

text -> :mod:`factdb.extract` (``Extraction`` of ``ClaimCandidate``) -> :mod:`factdb.normalize`
(``NormalizedClaim``) -> :mod:`factdb.match` (``Match``) / :mod:`factdb.relate` (``Relation``)
-> store -> queries / export.  Nothing here knows about SQLAlchemy or Typer.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


class Stance(str, enum.Enum):
    """A mention's stance toward the positive proposition of its claim."""

    AFFIRMS = "affirms"
    DENIES = "denies"

    def flipped(self) -> "Stance":
        """The opposite stance."""
        return Stance.DENIES if self is Stance.AFFIRMS else Stance.AFFIRMS


class SpeakerKind(str, enum.Enum):
    """Who is speaking: a person, an organisation, or not known."""

    PERSON = "person"
    ORGANISATION = "organisation"
    UNKNOWN = "unknown"


class ClaimStatus(str, enum.Enum):
    """A claim's status at a point in time.

    The first three are derived from mentions; the rest are reviewer verdicts.
    """

    REPORTED = "reported"
    CORROBORATED = "corroborated"
    DISPUTED = "disputed"
    CONFIRMED = "confirmed"
    FALSE = "false"
    MISLEADING = "misleading"
    UNPROVEN = "unproven"
    RETRACTED = "retracted"

    @property
    def is_verdict(self) -> bool:
        """True for statuses only a reviewer can set."""
        return self not in (ClaimStatus.REPORTED, ClaimStatus.CORROBORATED, ClaimStatus.DISPUTED)


class RelationKind(str, enum.Enum):
    """How two claims relate."""

    SAME_AS = "same_as"
    CONTRADICTS = "contradicts"
    UPDATES = "updates"  # a later figure for the same measure (a toll revised over days)
    RELATED = "related"


class ContradictionKind(str, enum.Enum):
    """Why two statements cannot both hold."""

    POLARITY = "polarity"  # one affirms what another denies
    NUMERIC = "numeric"  # same measure, different numbers beyond tolerance
    ANTONYM = "antonym"  # accepted / rejected, rose / fell on the same proposition


class Decider(str, enum.Enum):
    """Who decided a relation or a status."""

    MATCHER = "matcher"
    REVIEWER = "reviewer"


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number stated in a claim.

    ``value`` is the numeric value (``"two"`` -> 2.0, ``"4.1%"`` -> 4.1, ``"$3 million"`` -> 3e6);
    ``unit`` the unit or currency when there is one (``"%"``, ``"USD"``, ``"km"``), else None;
    ``text`` the words as written; ``counted`` what is counted when it can be told
    (``"drones"`` in "111 ... drones", ``"people"`` in "killing two people"); ``approximate`` for
    "about", "at least", "over", "dozens".  ``start``/``end`` are offsets in the claim sentence.
    """

    value: float
    text: str
    unit: str | None = None
    counted: str | None = None
    approximate: bool = False
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class SourceMeta:
    """What is known about a source besides its text."""

    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    language: str | None = None
    published_at: datetime | None = None  # timezone-aware UTC

    def merged_with(self, override: "SourceMeta") -> "SourceMeta":
        """This metadata with every field that ``override`` sets replaced."""
        return SourceMeta(
            **{
                name: getattr(override, name) if getattr(override, name) is not None else getattr(self, name)
                for name in self.__dataclass_fields__
            }
        )


@dataclass(frozen=True, slots=True)
class Document:
    """A source ready for extraction: its body text (offsets point into it) and metadata."""

    text: str
    meta: SourceMeta = field(default_factory=SourceMeta)


@dataclass(frozen=True, slots=True)
class ClaimCandidate:
    """One claim as extracted from one source.

    ``text`` is the sentence as written and ``document.text[start:end] == text``.
    ``proposition`` is the claim with attribution, hedges and negation removed, readable
    ("Putin rejected the US peace plan"); ``stance`` is the speaker's stance toward it.
    ``speaker`` is None when the outlet itself asserts the claim.
    """

    text: str
    start: int
    end: int
    proposition: str
    stance: Stance = Stance.AFFIRMS
    speaker: str | None = None
    speaker_role: str | None = None
    speaker_kind: SpeakerKind = SpeakerKind.UNKNOWN
    hedged: bool = False
    hedge_cue: str | None = None
    quantities: tuple[Quantity, ...] = ()
    entities: tuple[str, ...] = ()
    is_opinion: bool = False


@dataclass(frozen=True, slots=True)
class Extraction:
    """What extraction found in one document."""

    document: Document
    claims: tuple[ClaimCandidate, ...]


@dataclass(frozen=True, slots=True)
class NormalizedClaim:
    """A proposition reduced to what matching compares.

    ``text``: lower-cased, attribution/hedges/negation removed, numbers masked as ``<num>``,
    antonym predicates kept as written.  ``tokens``: the content tokens (stemmed) that go into the
    retrieval index.  ``numbers`` and ``entities`` are compared after scoring, never inside it.
    ``antonym_text`` is ``text`` with antonym predicates mapped to one side of their pair
    (rejected -> accepted), None when the text has none; two claims whose ``antonym_text`` match
    while their ``text`` differ state opposite things.
    """

    text: str
    tokens: tuple[str, ...]
    numbers: tuple[Quantity, ...] = ()
    entities: tuple[str, ...] = ()
    antonym_text: str | None = None


@dataclass(frozen=True, slots=True)
class StoredClaimView:
    """A stored claim as retrieval hands it to matching: its id, proposition and normalized form."""

    claim_id: int
    proposition: str
    normalized: NormalizedClaim


@dataclass(frozen=True, slots=True)
class Match:
    """A stored claim ranked against a query, with the verdict and the reason in words.

    ``relation`` is SAME_AS when the query states the stored claim's proposition (it joins that
    claim), CONTRADICTS / UPDATES for different numbers or antonym predicates on the same measure,
    RELATED otherwise.  ``contradiction`` says which kind when ``relation`` is CONTRADICTS.
    """

    claim_id: int
    score: float
    relation: RelationKind
    reason: str
    contradiction: ContradictionKind | None = None


class ClaimIndex(Protocol):
    """What matching needs from wherever claims are kept: term statistics, postings and claims.

    The store implements it with tables (``terms``, ``claim_terms``) so that every CLI invocation
    is served from disk; :class:`factdb.match.InMemoryIndex` implements it for tests and
    calibration.  Terms are the ``NormalizedClaim.tokens``.
    """

    def claim_count(self) -> int:
        """How many (unmerged) claims the index holds."""
        ...

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """For each known term, how many claims contain it (unknown terms are left out)."""
        ...

    def postings(self, terms: Sequence[str], *, limit_per_term: int) -> dict[str, list[int]]:
        """For each term, ids of claims that contain it, newest first, at most ``limit_per_term``."""
        ...

    def claim_tokens(self, claim_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """The tokens of the stored claims with these ids, in id order (unknown ids are left out):
        all that ranking a shortlist needs."""
        ...

    def claims(self, claim_ids: Sequence[int]) -> list[StoredClaimView]:
        """The stored claims with these ids, in id order (unknown ids are left out)."""
        ...


class FactKind(str, enum.Enum):
    """What happened to a claim: somebody mentioned it, or a reviewer gave a verdict."""

    MENTION = "mention"
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class ClaimFact:
    """One dated fact about a claim, the input of status tracking (:mod:`factdb.track`).

    ``valid_at``: when it held in the world (the source's publication time, or the review's date);
    ``recorded_at``: when factdb learned it.  For a mention, ``stance`` and ``source_key`` are set
    (``source_key`` groups republished copies of one wire story: copies share a key and count once
    toward corroboration); for a review, ``status`` (a verdict), ``reviewer`` and ``note``.
    """

    kind: FactKind
    valid_at: datetime
    recorded_at: datetime
    stance: Stance | None = None
    source_key: str | None = None
    status: ClaimStatus | None = None
    reviewer: str | None = None
    note: str | None = None
    ref_id: int | None = None  # the mention id or review id in the store


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A claim's status from ``valid_at`` on, as derived from the facts known at ``recorded_at``."""

    status: ClaimStatus
    valid_at: datetime
    recorded_at: datetime
    cause: FactKind
    ref_id: int | None = None
    reviewer: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class MentionRecord:
    """One mention of a claim with its source and speaker, as queries return it."""

    mention_id: int
    claim_id: int
    source_id: int
    stance: Stance
    quote: str
    start: int
    end: int
    recorded_at: datetime
    speaker: str | None = None
    speaker_role: str | None = None
    hedged: bool = False
    hedge_cue: str | None = None
    quantities: tuple[Quantity, ...] = ()
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    published_at: datetime | None = None
    speaker_kind: SpeakerKind = SpeakerKind.UNKNOWN  # ClaimReview types the claim's author by it


@dataclass(frozen=True, slots=True)
class ClaimHistory:
    """A claim's life: its mentions and status changes in time order, and its status now."""

    claim_id: int
    proposition: str
    created_at: datetime
    status: ClaimStatus | None
    mentions: tuple[MentionRecord, ...]
    changes: tuple[StatusChange, ...]
