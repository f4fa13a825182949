"""Status tracking: what a user sees of a claim's status as sources and reviewers weigh in."""

from __future__ import annotations

import doctest
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import factdb.track
from factdb.models import ClaimFact, ClaimStatus, FactKind, Stance, StatusChange
from factdb.track import changes_after, status_at, status_timeline
from tests.factories import day, mention, review

DENIES = Stance.DENIES


def test_docstring_examples_run():
    results = doctest.testmod(factdb.track)
    assert results.attempted > 0 and results.failed == 0


def test_unknown_claim_has_no_status():
    assert status_at([]) is None
    assert status_at([mention(day(5))], as_of=day(4)) is None
    assert status_timeline([]) == []


def test_one_source_reports():
    assert status_at([mention(day(1), source="ap")]) is ClaimStatus.REPORTED


def test_second_independent_source_corroborates():
    facts = [mention(day(1), source="ap", ref_id=1), mention(day(2), source="bbc", ref_id=2)]
    assert status_at(facts) is ClaimStatus.CORROBORATED
    assert [(c.status, c.valid_at, c.ref_id) for c in status_timeline(facts)] == [
        (ClaimStatus.REPORTED, day(1), 1),
        (ClaimStatus.CORROBORATED, day(2), 2),
    ]


def test_republished_wire_story_counts_once():
    copies = [mention(day(n), source="ap-4711", ref_id=n) for n in range(1, 5)]
    assert status_at(copies) is ClaimStatus.REPORTED
    assert len(status_timeline(copies)) == 1


def test_mentions_without_source_key_are_independent():
    assert status_at([mention(day(1), ref_id=1), mention(day(2), ref_id=2)]) is ClaimStatus.CORROBORATED


def test_denial_after_report_disputes():
    facts = [mention(day(1), source="ap"), mention(day(2), source="ministry", stance=DENIES, ref_id=9)]
    assert status_at(facts) is ClaimStatus.DISPUTED
    last = status_timeline(facts)[-1]
    assert (last.status, last.valid_at, last.cause, last.ref_id) == (
        ClaimStatus.DISPUTED, day(2), FactKind.MENTION, 9,
    )


def test_denial_alone_disputes():
    assert status_at([mention(day(1), stance=DENIES)]) is ClaimStatus.DISPUTED


def test_affirmations_after_a_denial_do_not_clear_it():
    facts = [
        mention(day(1), source="a", stance=DENIES),
        mention(day(2), source="b"),
        mention(day(3), source="c"),
    ]
    assert status_at(facts) is ClaimStatus.DISPUTED
    assert [c.status for c in status_timeline(facts)] == [ClaimStatus.DISPUTED]


def test_status_as_of_date_before_denial_is_reported():
    facts = [mention(day(1), source="ap"), mention(day(5), source="ministry", stance=DENIES)]
    assert status_at(facts, as_of=day(4)) is ClaimStatus.REPORTED
    assert status_at(facts, as_of=day(5)) is ClaimStatus.DISPUTED


def test_known_at_hides_a_mention_recorded_later():
    today = day(14)
    report = mention(day(0), source="ap")
    denial = mention(day(7), recorded_at=today, source="ministry", stance=DENIES)  # published last week
    facts = [report, denial]
    assert status_at(facts, as_of=day(7), known_at=today - timedelta(days=1)) is ClaimStatus.REPORTED
    assert status_at(facts, as_of=day(7), known_at=today) is ClaimStatus.DISPUTED
    assert [c.status for c in status_timeline(facts, known_at=day(13))] == [ClaimStatus.REPORTED]
    assert status_timeline(facts)[-1].recorded_at == today


def test_late_arriving_older_mention_takes_its_place_in_valid_time():
    on_time = [mention(day(1), source="ap"), mention(day(5), source="bbc")]
    late = mention(day(3), recorded_at=day(9), source="ministry", stance=DENIES)
    assert status_at([*on_time, late], as_of=day(4)) is ClaimStatus.DISPUTED
    assert [(c.status, c.valid_at) for c in status_timeline([*on_time, late])] == [
        (ClaimStatus.REPORTED, day(1)),
        (ClaimStatus.DISPUTED, day(3)),
    ]


def test_reviewer_verdict_overrides_derived_status():
    facts = [
        mention(day(1), source="ap"),
        mention(day(2), source="bbc"),
        review(day(3), ClaimStatus.FALSE, reviewer="alice", note="video is from 2019", ref_id=7),
    ]
    assert status_at(facts, as_of=day(2)) is ClaimStatus.CORROBORATED
    assert status_at(facts) is ClaimStatus.FALSE
    verdict = status_timeline(facts)[-1]
    assert (verdict.cause, verdict.ref_id, verdict.reviewer, verdict.note) == (
        FactKind.REVIEW, 7, "alice", "video is from 2019",
    )


def test_mentions_after_verdict_do_not_undo_it():
    facts = [
        mention(day(1), source="ap"),
        review(day(2), ClaimStatus.CONFIRMED),
        mention(day(3), source="ministry", stance=DENIES),
        mention(day(4), source="bbc"),
    ]
    assert status_at(facts) is ClaimStatus.CONFIRMED
    assert [c.status for c in status_timeline(facts)] == [ClaimStatus.REPORTED, ClaimStatus.CONFIRMED]


def test_verdict_dated_before_mentions_still_holds():
    facts = [review(day(1), ClaimStatus.FALSE), mention(day(2), source="ap"), mention(day(3), source="bbc")]
    assert status_at(facts) is ClaimStatus.FALSE


def test_later_verdict_replaces_earlier_one():
    facts = [review(day(1), ClaimStatus.UNPROVEN), review(day(4), ClaimStatus.FALSE), mention(day(0))]
    assert status_at(facts, as_of=day(3)) is ClaimStatus.UNPROVEN
    assert status_at(facts) is ClaimStatus.FALSE


def test_review_at_the_same_instant_as_a_mention_wins():
    facts = [review(day(1), ClaimStatus.CONFIRMED), mention(day(1), stance=DENIES)]
    assert status_at(facts) is ClaimStatus.CONFIRMED
    assert [c.status for c in status_timeline(facts)] == [ClaimStatus.CONFIRMED]


def test_same_instant_verdicts_resolve_by_recorded_time():
    facts = [review(day(1), ClaimStatus.FALSE, recorded_at=day(3)), review(day(1), ClaimStatus.MISLEADING)]
    assert status_at(facts) is ClaimStatus.FALSE


def test_naive_datetimes_are_rejected():
    naive = datetime(2026, 1, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        status_at([mention(naive)])
    with pytest.raises(ValueError, match="as_of"):
        status_at([mention(day(1))], as_of=naive)
    with pytest.raises(ValueError, match="known_at"):
        status_timeline([mention(day(1))], known_at=naive)


def test_malformed_facts_are_rejected():
    with pytest.raises(ValueError, match="stance"):
        status_at([ClaimFact(FactKind.MENTION, day(1), day(1))])
    with pytest.raises(ValueError, match="verdict"):
        status_at([ClaimFact(FactKind.REVIEW, day(1), day(1), status=ClaimStatus.CORROBORATED)])


def test_changes_after_appends_only_what_is_new():
    before = [mention(day(1), source="ap", ref_id=1)]
    appended = changes_after(before, [mention(day(2), source="bbc", ref_id=2)])
    assert [(c.status, c.valid_at, c.ref_id) for c in appended] == [(ClaimStatus.CORROBORATED, day(2), 2)]
    assert changes_after(before, [mention(day(3), source="ap")]) == []
    assert changes_after(before, []) == []


def test_changes_after_restates_events_a_late_denial_overturns():
    before = [mention(day(1), source="a", ref_id=1), mention(day(3), source="b", ref_id=2)]
    late = mention(day(2), recorded_at=day(9), source="c", stance=DENIES, ref_id=3)
    appended = changes_after(before, [late])
    assert [(c.status, c.valid_at, c.ref_id, c.recorded_at) for c in appended] == [
        (ClaimStatus.DISPUTED, day(2), 3, day(9)),
        (ClaimStatus.DISPUTED, day(3), 3, day(9)),  # the CORROBORATED event at day 3 no longer holds
    ]


# --- properties ---------------------------------------------------------------------------------

HOURS = st.integers(min_value=0, max_value=12).map(lambda h: day(0, h))
VERDICTS = [s for s in ClaimStatus if s.is_verdict]


@st.composite
def facts(draw, recorded=HOURS) -> ClaimFact:
    valid_at = draw(HOURS)
    ref_id = draw(st.none() | st.integers(min_value=1, max_value=6))
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        return review(valid_at, draw(st.sampled_from(VERDICTS)), draw(recorded), ref_id=ref_id)
    return mention(
        valid_at,
        draw(recorded),
        stance=draw(st.sampled_from(Stance)),
        source=draw(st.none() | st.sampled_from(["ap", "bbc", "afp"])),
        ref_id=ref_id,
    )


@settings(max_examples=300)
@given(st.lists(facts(), max_size=12), st.data())
def test_status_does_not_depend_on_the_order_facts_are_given_in(given_facts, data):
    shuffled = data.draw(st.permutations(given_facts))
    as_of = data.draw(st.none() | HOURS)
    known_at = data.draw(st.none() | HOURS)
    assert status_at(shuffled, as_of=as_of, known_at=known_at) == status_at(
        given_facts, as_of=as_of, known_at=known_at
    )
    assert status_timeline(shuffled, known_at=known_at) == status_timeline(given_facts, known_at=known_at)


@settings(max_examples=300)
@given(st.lists(facts(), max_size=12), st.none() | HOURS)
def test_timeline_agrees_with_status_at(given_facts, known_at):
    timeline = status_timeline(given_facts, known_at=known_at)
    known = [f for f in given_facts if known_at is None or f.recorded_at <= known_at]
    if not known:
        assert timeline == []
        return
    latest = max(f.valid_at for f in known)
    assert timeline[-1].status == status_at(given_facts, as_of=latest, known_at=known_at)
    for fact in known:  # at every instant, the change in effect is the status
        in_effect = [c for c in timeline if c.valid_at <= fact.valid_at][-1]
        assert in_effect.status == status_at(given_facts, as_of=fact.valid_at, known_at=known_at)
    assert all(a.valid_at < b.valid_at and a.status != b.status for a, b in zip(timeline, timeline[1:]))


def fold(log: list[StatusChange], *, as_of: datetime, known_at: datetime | None = None) -> ClaimStatus | None:
    """Read a status back from an append-only event log: latest valid time, then latest appended."""
    candidates = [
        (event.valid_at, position, event.status)
        for position, event in enumerate(log)
        if event.valid_at <= as_of and (known_at is None or event.recorded_at <= known_at)
    ]
    return max(candidates)[2] if candidates else None


def batch_hours(batch: int) -> st.SearchStrategy[datetime]:
    """Batch ``batch`` is recorded during hours 10*batch .. 10*batch+9 of day 20, after earlier batches."""
    return st.integers(min_value=0, max_value=9).map(lambda h: day(20, 10 * batch + h))


@settings(max_examples=300)
@given(st.data())
def test_event_log_built_by_changes_after_folds_to_status_at(data):
    log: list[StatusChange] = []
    seen: list[ClaimFact] = []
    boundaries = []
    for batch in range(data.draw(st.integers(min_value=1, max_value=5))):
        new = data.draw(st.lists(facts(recorded=batch_hours(batch)), max_size=4))
        log += changes_after(seen, new)
        seen += new
        boundaries.append(day(20, 10 * batch + 9))
    instants = sorted({f.valid_at for f in seen}) + [day(30)]
    for known_at in [None, *boundaries]:
        for as_of in instants:
            expected = status_at(seen, as_of=as_of, known_at=known_at)
            assert fold(log, as_of=as_of, known_at=known_at) == expected
