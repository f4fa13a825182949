"""Relations between two claims: same, contradicting, an update, or merely related."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from factdb.models import ContradictionKind, RelationKind, Stance
from factdb.normalize import extract_quantities
from factdb.normalize import normalize_claim as nc
from factdb.relate import numeric_change, relate, same_number, stances_conflict

DAY0 = datetime(2026, 3, 1, 8, tzinfo=UTC)


def test_paraphrase_with_reordered_clauses_is_same_claim():
    a = nc("After talks in Geneva, Putin rejected the US peace plan on Monday")
    b = nc("On Monday Putin rejected the US peace plan after talks in Geneva")
    assert relate(a, b).kind is RelationKind.SAME_AS


def test_forty_killed_is_not_same_as_forty_five_killed():
    rel = relate(
        nc("Missile strike on Kharkiv killed 40 people"), nc("Missile strike on Kharkiv killed 45 people")
    )
    assert rel.kind is RelationKind.CONTRADICTS
    assert rel.contradiction is ContradictionKind.NUMERIC
    assert rel.reason == "number differs: 40 vs 45 (people)"


def test_destroyed_102_drones_contradicts_destroyed_98_drones():
    rel = relate(
        nc("Air defences destroyed 102 drones overnight"), nc("Air defences destroyed 98 drones overnight")
    )
    assert (rel.kind, rel.contradiction) == (RelationKind.CONTRADICTS, ContradictionKind.NUMERIC)


def test_about_forty_and_forty_one_are_the_same_figure():
    assert (
        relate(nc("About 40 people were killed in Kharkiv"), nc("41 people were killed in Kharkiv")).kind
        is RelationKind.SAME_AS
    )


def test_same_sentence_other_city_is_not_same_claim():
    rel = relate(nc("A missile strike hit a school in Kharkiv"), nc("A missile strike hit a school in Odesa"))
    assert rel.kind is RelationKind.RELATED
    assert rel.reason == "similar wording, different entities: Kharkiv vs Odesa"


def test_accepted_vs_rejected_is_antonym_contradiction():
    rel = relate(nc("Putin accepted the US peace plan"), nc("Putin rejected the US peace plan"))
    assert (rel.kind, rel.contradiction) == (RelationKind.CONTRADICTS, ContradictionKind.ANTONYM)
    assert rel.reason == "antonym predicate: accepted vs rejected"


def test_antonym_by_another_person_is_not_a_contradiction():
    rel = relate(nc("Putin rejected the US peace plan"), nc("Zelensky accepted the US peace plan"))
    assert rel.kind is not RelationKind.CONTRADICTS


def test_fired_drones_vs_destroyed_drones_is_not_contradiction():
    rel = relate(nc("Russia fired 111 drones at Ukraine"), nc("Air defences destroyed 102 Ukrainian drones"))
    assert rel.kind is not RelationKind.CONTRADICTS and rel.kind is not RelationKind.SAME_AS


def test_upward_revised_toll_days_later_is_update_not_contradiction():
    a, b = (
        nc("The death toll from the Kharkiv strike rose to 14"),
        nc("The death toll from the Kharkiv strike rose to 31"),
    )
    rel = relate(a, b, a_time=DAY0, b_time=DAY0 + timedelta(days=3))
    assert (rel.kind, rel.reason) == (RelationKind.UPDATES, "later figure: 14 -> 31")
    assert relate(b, a, a_time=DAY0 + timedelta(days=3), b_time=DAY0).reason == "later figure: 14 -> 31"
    assert relate(a, b, a_time=DAY0, b_time=DAY0 + timedelta(hours=5)).kind is RelationKind.CONTRADICTS


def test_numeric_change_rule():
    fourteen, thirty_one = extract_quantities("14 killed"), extract_quantities("31 killed")
    later = DAY0 + timedelta(days=2)
    assert numeric_change(fourteen, DAY0, thirty_one, later) is RelationKind.UPDATES
    assert (
        numeric_change(thirty_one, DAY0, fourteen, later) is RelationKind.CONTRADICTS
    )  # a toll that shrinks
    assert numeric_change(fourteen, DAY0, thirty_one, DAY0 + timedelta(hours=23)) is RelationKind.CONTRADICTS
    assert numeric_change(fourteen, DAY0, fourteen, later) is RelationKind.SAME_AS


def test_number_tolerance():
    q = extract_quantities
    assert same_number(q("4.1%")[0], q("4.12%")[0])
    assert not same_number(q("4.1%")[0], q("41%")[0])
    assert same_number(q("$3 million")[0], q("$3,000,000")[0])
    assert not same_number(q("2019")[0], q("2020")[0])
    assert same_number(q("3 million")[0], q("3,040,000")[0])


def test_three_million_is_not_three_point_four_million():
    rel = relate(nc("Apple sold 3 million iPhones"), nc("Apple sold 3.4 million iPhones"))
    assert rel.contradiction is ContradictionKind.NUMERIC


def test_another_year_is_another_event_not_a_contradiction():
    rel = relate(nc("Trump won Pennsylvania in 2020"), nc("Trump won Pennsylvania in 2016"))
    assert (rel.kind, rel.reason) == (RelationKind.RELATED, "similar wording, different years: 2020 vs 2016")
    assert relate(
        nc("Trump won Pennsylvania in 2020"), nc("Trump lost Pennsylvania in 2020")
    ).contradiction is (ContradictionKind.ANTONYM)


def test_unrelated_claims_have_no_relation():
    assert (
        relate(nc("The senate approved the budget"), nc("A cyclone hit the coast of Mozambique")).kind is None
    )


def test_stances_conflict_only_when_opposite():
    assert stances_conflict(Stance.AFFIRMS, Stance.DENIES)
    assert not stances_conflict(Stance.DENIES, Stance.DENIES)


@given(st.text(max_size=200))
def test_a_text_always_matches_itself(text):
    n = nc(text)
    if n.tokens:
        assert relate(n, n).kind is RelationKind.SAME_AS


_NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**400).map(str),
    st.floats().map(str),
    st.sampled_from(["1,000", "4.1%", "$3 million", "two hundred", "1.2.3", "0", "twenty-one", "dozens"]),
)
_WORDS = st.sampled_from(
    ["killed", "people", "in", "Kharkiv", "about", "not", "no", "rose", "fell", "%", "$", "U.S."]
)
_SENTENCES = st.lists(st.one_of(_NUMBERS, _WORDS, st.text(max_size=5)), max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_SENTENCES, _SENTENCES)
def test_relating_never_raises_on_odd_numbers(a, b):
    relate(nc(a), nc(b))
    relate(nc(b), nc(a))


def test_approved_vs_rejected_is_antonym_contradiction():
    rel = relate(
        nc("The regional council approved the compensation plan for displaced families on Monday"),
        nc("The regional council rejected the compensation plan for displaced families on Monday"),
    )
    assert (rel.kind, rel.contradiction) == (RelationKind.CONTRADICTS, ContradictionKind.ANTONYM)
    assert rel.reason == "antonym predicate: approved vs rejected"


def test_synonyms_on_one_side_are_not_antonyms():
    rel = relate(nc("Unemployment rose sharply in March"), nc("Unemployment increased sharply in March"))
    assert rel.kind is not RelationKind.CONTRADICTS
    rel = relate(nc("Unemployment rose sharply in March"), nc("Unemployment dropped sharply in March"))
    assert rel.contradiction is ContradictionKind.ANTONYM


# --- predicates: the same arguments with another verb are another claim ---------------------

_COUNCIL = "the compensation plan for displaced families of the Velmira Dam breach on Monday"


def _passes_fuzzy_threshold(a, b):
    from factdb.relate import SAME_THRESHOLD, similarity

    return similarity(a, b) >= SAME_THRESHOLD


def test_expected_to_vote_does_not_swallow_rejected():
    # samples 05 vs 07: the wording alone scores above SAME_THRESHOLD.
    a = nc(
        "The regional council is expected to vote on a compensation plan for displaced families on Monday."
    )
    b = nc("The regional council rejected the compensation plan for displaced families on Monday")
    assert _passes_fuzzy_threshold(a, b)
    rel = relate(a, b)
    assert (rel.kind, rel.reason) == (
        RelationKind.RELATED,
        "same arguments, different predicates: expected vs rejected",
    )
    assert relate(b, a).kind is RelationKind.RELATED


def test_approved_and_rejected_on_the_same_arguments_still_contradict():
    rel = relate(
        nc(f"The regional council approved {_COUNCIL}"), nc(f"The regional council rejected {_COUNCIL}")
    )
    assert rel.contradiction is ContradictionKind.ANTONYM


def test_a_hedged_statement_of_the_same_predicate_is_the_same_claim():
    a, b = (
        nc(f"The regional council is expected to reject {_COUNCIL}"),
        nc(f"The regional council rejected {_COUNCIL}"),
    )
    assert relate(a, b).kind is RelationKind.SAME_AS


def test_arrested_is_not_questioned():
    tail = (
        "the mayor of Dunrask over the missing inspection reports of the Velmira Dam and its spillway gates"
    )
    a, b = nc(f"Police arrested {tail}"), nc(f"Police questioned {tail}")
    assert _passes_fuzzy_threshold(a, b)
    assert relate(a, b).kind is RelationKind.RELATED


def test_killed_forty_is_not_a_numeric_contradiction_of_injured_forty_five():
    a = nc("The missile strike on the railway station in central Kharkiv killed 40 people on Friday")
    b = nc("The missile strike on the railway station in central Kharkiv injured 45 people on Friday")
    rel = relate(a, b)
    assert rel.kind is RelationKind.RELATED and rel.reason.startswith("same arguments, different predicates")


def test_synonyms_of_one_class_and_forms_of_one_verb_are_not_another_predicate():
    from factdb.relate import predicate_swap

    tail = "to 5.2 percent in the Ostel valley in March, the regional statistics office said"
    assert predicate_swap(nc(f"Unemployment rose {tail}"), nc(f"Unemployment increased {tail}")) is None
    a = nc("A man in a red jacket and a black hat wearing a sports uniform on the field")
    b = nc("A man in a red jacket and a black hat has worn a sports uniform on the field")
    assert relate(a, b).kind is RelationKind.SAME_AS


def test_a_reworded_paraphrase_with_another_verb_stays_the_same_claim():
    # Other words differ besides the verb: a rewording (MRPC), left to the fuzzy threshold.
    a = nc(
        "Seattle deputy police chief Clark Kimerer said the exercise went well with the system linking agencies"
    )
    b = nc(
        "Deputy police chief Clark Kimerer said the exercise went well with the system connecting the agencies"
    )
    assert relate(a, b).kind is relate(b, a).kind


_SUBJECTS = st.sampled_from(["The regional council", "Police in Dunrask", "Corvath Hydro", "A man"])
_PREDICATES = st.sampled_from(
    ["rejected", "approved", "is expected to vote on", "questioned", "has accepted", "is debating",
     "debated", "postponed", "was playing", "increased", "rose", "wore", "worn", "delays", "banned"]
)  # fmt: skip
_OBJECTS = st.sampled_from(
    ["the compensation plan for displaced families on Monday", "the eastern wall of the dam after the breach",
     "a water-pressure alarm on the eastern wall two days before the breach", "40 people in Kharkiv"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(_SUBJECTS, _PREDICATES, _PREDICATES, _OBJECTS)
def test_predicate_rule_is_symmetric(subject, p, q, obj):
    from factdb.relate import predicate_swap

    a, b = nc(f"{subject} {p} {obj}"), nc(f"{subject} {q} {obj}")
    swap = predicate_swap(a, b)
    assert (swap is None) == (predicate_swap(b, a) is None)
    if swap is not None:
        assert predicate_swap(b, a) == swap[::-1]
    assert (relate(a, b).kind is RelationKind.SAME_AS) == (relate(b, a).kind is RelationKind.SAME_AS)
    if p == q:
        assert swap is None


# --- years: another year is another event, never a numeric contradiction ---------------------


def _as_ingested(sentence):
    """A claim as ingest builds it: extraction's figures (which leave years out) given."""
    from factdb.quantities import find_quantities

    return nc(sentence, quantities=find_quantities(sentence))


def test_the_same_figure_in_another_year_is_another_event():
    a = _as_ingested("Unemployment in Alabama fell to 4.1 percent in October 2019")
    b = _as_ingested("Unemployment in Alabama fell to 4.1 percent in October 2020")
    rel = relate(a, b)
    assert (rel.kind, rel.reason) == (RelationKind.RELATED, "similar wording, different years: 2019 vs 2020")


def test_another_toll_in_another_year_is_not_a_numeric_contradiction():
    a = _as_ingested("A flood on the Ostel River killed 40 people in 2016")
    b = _as_ingested("A flood on the Ostel River killed 45 people in 2020")
    assert relate(a, b).kind is RelationKind.RELATED
    c = _as_ingested("A flood on the Ostel River killed 45 people in 2016")
    assert relate(a, c).contradiction is ContradictionKind.NUMERIC
    later = relate(a, c, a_time=DAY0, b_time=DAY0 + timedelta(days=3))
    assert (later.kind, later.reason) == (RelationKind.UPDATES, "later figure: 40 -> 45 (people)")


def test_a_year_stated_on_one_side_only_does_not_split_a_claim():
    # Claims stored before years were kept have none: a new mention with its year still joins them.
    from dataclasses import replace

    a = _as_ingested("A flood on the Ostel River killed 40 people in 2016")
    assert [q.text for q in a.numbers] == ["40", "2016"]
    stored = replace(a, numbers=a.numbers[:1])
    assert relate(a, stored).kind is relate(stored, a).kind is RelationKind.SAME_AS


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["", " in 2016", " in 2020", " in October 2019"]),
    st.sampled_from(["", " in 2016", " in 2020", " in October 2019"]),
    st.sampled_from(["40", "45", "about 40"]),
    st.sampled_from(["40", "45", "4.1 percent of"]),
)
def test_years_decide_symmetrically(year_a, year_b, figure_a, figure_b):
    a = _as_ingested(f"A flood on the Ostel River killed {figure_a} people{year_a}")
    b = _as_ingested(f"A flood on the Ostel River killed {figure_b} people{year_b}")
    ab, ba = relate(a, b), relate(b, a)
    assert ab.kind is ba.kind
    if year_a and year_b and year_a != year_b:
        assert ab.kind is RelationKind.RELATED


def test_sample_council_claims_stay_apart_and_the_antonym_pair_contradicts():
    """samples 05 / 06 / 07, as ingest normalizes them: whatever order they arrive in, "is expected
    to vote on" neither swallows nor is swallowed by "approved" / "rejected"."""
    from factdb.extract import extract
    from tests.samples import COUNCIL_APPROVED, COUNCIL_REJECTED, SAMPLES

    def council_claim(path, wanted):
        (claim,) = [c for c in extract(path.read_text(encoding="utf-8")).claims if wanted in c.proposition]
        return nc(claim.proposition, claim.quantities, claim.entities)

    expected = extract(
        "The regional council is expected to vote on a compensation plan for displaced families on Monday."
    ).claims[0]  # the sentence of 05 (an HTML page)
    assert expected.proposition in (SAMPLES / "05_ebn_operator-denies-warnings.html").read_text(encoding="utf-8")
    vote = nc(expected.proposition, expected.quantities, expected.entities)
    approved = council_claim(SAMPLES / "06_ledger_toll-rises-council-approves.txt", COUNCIL_APPROVED)
    rejected = council_claim(SAMPLES / "07_courier_council-vote-dispute.txt", COUNCIL_REJECTED)
    for a, b in ((vote, approved), (vote, rejected), (approved, vote), (rejected, vote)):
        assert relate(a, b).kind is RelationKind.RELATED
    assert relate(approved, rejected).contradiction is ContradictionKind.ANTONYM
    assert relate(rejected, approved).contradiction is ContradictionKind.ANTONYM


def test_one_man_is_a_man_but_one_is_not_two():
    one, a = nc("The flood in Pelin killed one man"), nc("The flood in Pelin killed a man")
    assert relate(one, a).kind is relate(a, one).kind is RelationKind.SAME_AS
    rel = relate(nc("The flood in Pelin destroyed 1 bridge"), nc("The flood in Pelin destroyed 2 bridges"))
    assert rel.contradiction is ContradictionKind.NUMERIC
