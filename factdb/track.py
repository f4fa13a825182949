"""A claim's status over time, derived from dated facts.  Pure: facts in, statuses out.

A claim's facts (:class:`~factdb.models.ClaimFact`) are its mentions (a source affirms or denies
it) and reviewer verdicts.  Each fact has two times: ``valid_at``, when it held in the world (the
source's publication time, the review's date), and ``recorded_at``, when factdb learned it.  The
status is recomputed from the facts every time, so a mention that arrives late but was published
early lands where it belongs in valid time.

The rules, a small state machine folded over the facts in valid-time order:

- Sources are counted by ``source_key``: republished copies of one wire story share a key and
  count as one source.  A mention without a key is a source of its own.
- No fact yet -> no status (``None``): the claim was not yet said, or not yet known.
- One source affirms -> REPORTED.
- Two or more independent sources affirm and none denies -> CORROBORATED.
- Any source denies -> DISPUTED, whether or not another affirms: the claim exists because someone
  said it, so a denial alone still means it is contested.  One source carrying both the claim and
  its denial disputes it too.  DISPUTED is sticky: later affirmations do not clear a denial.
- A reviewer verdict (CONFIRMED, FALSE, MISLEADING, UNPROVEN, RETRACTED) overrides the derived
  status from its ``valid_at`` on.  A later verdict replaces an earlier one; mentions after a
  verdict do not undo it (they stay in the history).  A verdict dated before some mentions holds
  over them too.
- Facts at the same instant are taken in a fixed order (:func:`fact_order_key`): mentions before
  reviews, then by ``recorded_at``, then ``ref_id`` (then the remaining fields), so the result
  never depends on the order facts are given in.

Bitemporal queries: ``as_of`` picks the valid time, ``known_at`` hides facts recorded after it.
A :class:`~factdb.models.StatusChange` records when factdb had everything it rests on: its
``recorded_at`` is the winning verdict's ``recorded_at``, or for a derived status the latest
``recorded_at`` of the mentions valid by then.

Every datetime must be timezone-aware (UTC is expected; other offsets compare correctly);
a naive one raises ``ValueError``.

Example
-------
>>> from datetime import datetime, timezone
>>> from factdb.models import ClaimFact, FactKind, Stance
>>> t = lambda day: datetime(2026, 1, day, tzinfo=timezone.utc)
>>> wire = ClaimFact(FactKind.MENTION, t(1), t(1), stance=Stance.AFFIRMS, source_key="ap-1")
>>> copy = ClaimFact(FactKind.MENTION, t(2), t(2), stance=Stance.AFFIRMS, source_key="ap-1")
>>> denial = ClaimFact(FactKind.MENTION, t(3), t(5), stance=Stance.DENIES, source_key="bbc-7")
>>> status_at([wire, copy]).value
'reported'
>>> status_at([wire, copy, denial]).value
'disputed'
>>> status_at([wire, copy, denial], as_of=t(3), known_at=t(4)).value
'reported'
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from factdb.models import ClaimFact, ClaimStatus, FactKind, Stance, StatusChange

__all__ = ["changes_after", "fact_order_key", "require_aware", "status_at", "status_timeline"]


def require_aware(value: datetime, what: str) -> datetime:
    """Return ``value`` if it is timezone-aware; raise ``ValueError`` naming ``what`` if naive."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware UTC datetime, got naive {value.isoformat()}")
    return value


def fact_order_key(fact: ClaimFact) -> tuple:
    """The order facts are applied in: valid time, mentions before reviews, recorded time, ref_id.

    The remaining fields break any tie left, so equal facts given in any order fold the same way.
    """
    return (
        fact.valid_at,
        0 if fact.kind == FactKind.MENTION else 1,
        fact.recorded_at,
        fact.ref_id is not None,
        fact.ref_id or 0,
        _text(fact.stance),
        _text(fact.status),
        fact.source_key or "",
        fact.reviewer or "",
        fact.note or "",
    )


def status_at(
    facts: Iterable[ClaimFact],
    *,
    as_of: datetime | None = None,
    known_at: datetime | None = None,
) -> ClaimStatus | None:
    """The claim's status at valid time ``as_of`` as known at ``known_at``.

    ``as_of=None`` takes every fact (the latest status); ``known_at=None`` every recorded fact.
    Returns None when no fact qualifies: the claim was not yet said, or factdb did not yet know.
    """
    if as_of is not None:
        require_aware(as_of, "as_of")
    tally = _Tally()
    for fact in _ordered(facts, known_at=known_at):
        if as_of is not None and fact.valid_at > as_of:
            break
        tally.add(fact)
    return tally.status


def status_timeline(facts: Iterable[ClaimFact], *, known_at: datetime | None = None) -> list[StatusChange]:
    """The claim's status changes in valid-time order, from the facts recorded by ``known_at``.

    At most one change per instant; each names the fact that caused it (the last fact at that
    instant that moved the status) and is recorded when factdb had every fact it rests on.
    """
    return [instant.change for instant in _walk(_ordered(facts, known_at=known_at)) if instant.changed]


def changes_after(facts_before: Iterable[ClaimFact], new_facts: Iterable[ClaimFact]) -> list[StatusChange]:
    """What to append to a claim's append-only status-event log when ``new_facts`` arrive.

    Returns the changes of the new timeline that the old one lacked, plus a restatement (a
    ``StatusChange`` at an older fact's ``valid_at``, naming the change in effect) wherever a late
    fact changed the status at a time an earlier event may describe.  So a log that starts
    empty and receives every batch's result folds to :func:`status_at`: among events with
    ``valid_at <= as_of`` (and ``recorded_at <= known_at``, at batch boundaries when batches are
    recorded in order), the one with the latest ``valid_at``, then the latest appended, holds the
    status.  In the common case (new facts are the newest) this is just the new changes.
    """
    before = _ordered(facts_before)
    new = _ordered(new_facts)
    if not new:
        return []
    old = {instant.valid_at: instant for instant in _walk(before)}
    appended: list[StatusChange] = []
    for instant in _walk(sorted(before + new, key=fact_order_key)):
        earlier = old.get(instant.valid_at)
        new_change = instant.changed and (earlier is None or not earlier.changed)
        overturned = earlier is not None and earlier.status != instant.status
        if new_change or overturned:  # the change at this instant, or a restatement of the one in effect
            event = replace(instant.change, valid_at=instant.valid_at, recorded_at=instant.recorded_at)
            appended.append(event)
    return appended


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))


def _ordered(facts: Iterable[ClaimFact], *, known_at: datetime | None = None) -> list[ClaimFact]:
    """The facts checked, recorded by ``known_at``, in :func:`fact_order_key` order."""
    if known_at is not None:
        require_aware(known_at, "known_at")
    kept = []
    for fact in facts:
        require_aware(fact.valid_at, f"valid_at of fact {fact.ref_id}")
        require_aware(fact.recorded_at, f"recorded_at of fact {fact.ref_id}")
        if fact.kind == FactKind.MENTION:
            if fact.stance is None:
                raise ValueError(f"mention fact {fact.ref_id} has no stance")
        elif fact.kind == FactKind.REVIEW:
            if fact.status is None or not ClaimStatus(fact.status).is_verdict:
                raise ValueError(
                    f"review fact {fact.ref_id} needs a verdict status, got {_text(fact.status)!r}"
                )
        else:
            raise ValueError(f"unknown fact kind {fact.kind!r}")
        if known_at is None or fact.recorded_at <= known_at:
            kept.append(fact)
    kept.sort(key=fact_order_key)
    return kept


@dataclass
class _Tally:
    """The state of the fold: who affirms, who denies, the verdict in force."""

    affirming: set[Hashable] = field(default_factory=set)
    denying: set[Hashable] = field(default_factory=set)
    verdict: ClaimFact | None = None
    mentions_recorded_at: datetime | None = None
    anonymous: int = 0  # mentions with neither source_key nor ref_id: each is its own source

    def add(self, fact: ClaimFact) -> None:
        if fact.kind == FactKind.REVIEW:
            self.verdict = fact
            return
        if fact.source_key is not None:
            source: Hashable = ("key", fact.source_key)
        elif fact.ref_id is not None:
            source = ("mention", fact.ref_id)
        else:
            self.anonymous += 1
            source = ("anonymous", self.anonymous)
        (self.affirming if fact.stance == Stance.AFFIRMS else self.denying).add(source)
        if self.mentions_recorded_at is None or fact.recorded_at > self.mentions_recorded_at:
            self.mentions_recorded_at = fact.recorded_at

    @property
    def status(self) -> ClaimStatus | None:
        if self.verdict is not None:
            return ClaimStatus(self.verdict.status)
        if self.denying:
            return ClaimStatus.DISPUTED
        if len(self.affirming) >= 2:
            return ClaimStatus.CORROBORATED
        if self.affirming:
            return ClaimStatus.REPORTED
        return None

    @property
    def recorded_at(self) -> datetime | None:
        """When factdb had every fact the current status rests on."""
        return self.verdict.recorded_at if self.verdict is not None else self.mentions_recorded_at


@dataclass(frozen=True)
class _Instant:
    """The status at one instant that has facts, and the change in effect there."""

    valid_at: datetime
    status: ClaimStatus
    recorded_at: datetime
    change: StatusChange
    changed: bool  # whether ``change`` happened at this instant


def _walk(ordered: list[ClaimFact]) -> list[_Instant]:
    """Fold ``ordered`` facts (in :func:`fact_order_key` order), one entry per distinct valid time."""
    tally = _Tally()
    instants: list[_Instant] = []
    change: StatusChange | None = None
    i = 0
    while i < len(ordered):
        instant = ordered[i].valid_at
        status_before = tally.status
        cause: ClaimFact | None = None
        while i < len(ordered) and ordered[i].valid_at == instant:
            running = tally.status
            tally.add(ordered[i])
            if tally.status != running:
                cause = ordered[i]
            i += 1
        status, recorded_at = tally.status, tally.recorded_at
        assert status is not None and recorded_at is not None  # every checked fact sets a status
        changed = status != status_before
        if changed:
            assert cause is not None
            change = StatusChange(
                status=status,
                valid_at=instant,
                recorded_at=recorded_at,
                cause=FactKind(cause.kind),
                ref_id=cause.ref_id,
                reviewer=cause.reviewer,
                note=cause.note,
            )
        assert change is not None
        instants.append(_Instant(instant, status, recorded_at, change, changed))
    return instants
