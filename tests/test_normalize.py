"""Normalization: what a user notices when two wordings of one claim meet."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from factdb.models import Quantity, Stance
from factdb.normalize import extract_entities, extract_quantities, normalize_claim, split_polarity, stem

SENTENCES = st.sampled_from(
    [
        "Putin rejected the US peace plan",
        "Russia fired 111 drones at Ukraine overnight",
        "The death toll in Kharkiv rose to 31",
        "Inflation rose to 4.1% in March",
        "A man is playing a guitar",
        "The senate approved the bill",
    ]
)


def test_denial_joins_the_claim_it_denies():
    positive, stance = split_polarity("Putin has not rejected the US peace plan")
    assert stance is Stance.DENIES
    assert normalize_claim(positive) == normalize_claim("Putin has rejected the US peace plan")


def test_contracted_and_double_negations_set_the_stance():
    assert split_polarity("Putin hasn't rejected the plan")[1] is Stance.DENIES
    assert split_polarity("It is not true that nobody came")[1] is Stance.AFFIRMS
    assert split_polarity("There is no man standing")[0] == "There is a man standing"


def test_tense_does_not_matter():
    assert (
        normalize_claim("Putin had rejected the plan").text == normalize_claim("Putin rejected the plan").text
    )
    assert (
        normalize_claim("Putin rejects the plan").tokens == normalize_claim("Putin rejected the plan").tokens
    )


def test_inflections_share_a_stem():
    assert {stem(w) for w in ("rejected", "rejects", "rejecting", "reject")} == {"reject"}
    assert {stem(w) for w in ("denies", "denied", "deny", "denying")} == {"deny"}


def test_numbers_are_masked_and_read():
    n = normalize_claim("Inflation rose to 4.1% while 1,000 people and twenty soldiers left")
    assert n.text == "inflation rose to <num> percent while <num> people and <num> soldiers left"
    assert [q.value for q in n.numbers] == [4.1, 1000.0, 20.0]
    assert n.numbers[0].unit == "%"


def test_four_point_one_percent_is_not_forty_one_percent():
    assert extract_quantities("4.1%")[0].value != extract_quantities("41%")[0].value


def test_money_and_scale_words():
    q = extract_quantities("The deal is worth $3 million")[0]
    assert (q.value, q.unit) == (3e6, "USD")


def test_approximate_figures_are_marked():
    assert extract_quantities("about 40 people were killed")[0].approximate
    assert not extract_quantities("40 people were killed")[0].approximate


def test_quantities_and_entities_from_extraction_are_kept():
    q = Quantity(value=5.0, text="five", counted="people")
    n = normalize_claim("five people died in the blast", quantities=[q], entities=["Kyiv"])
    assert n.numbers == (q,) and n.entities == ("Kyiv",)


def test_entities_are_capitalised_spans():
    assert extract_entities("The strike on Kharkiv was condemned by the United Nations.") == (
        "Kharkiv",
        "United Nations",
    )


def test_tweet_noise_is_removed_but_handle_words_kept():
    n = normalize_claim("Fires spread #AustralianFires https://t.co/abc pic.twitter.com/xyz — (@JulieFavell)")
    assert "http" not in n.text and "pic" not in n.text
    assert {stem(w) for w in ("australian", "fires", "julie", "favell")} <= set(n.tokens)


def test_antonym_predicates_map_to_one_side():
    assert (
        normalize_claim("Putin rejected the plan").antonym_text
        == normalize_claim("Putin accepted the plan").antonym_text
    )
    assert normalize_claim("Putin discussed the plan").antonym_text is None


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_is_idempotent_on_any_unicode(text):
    n = normalize_claim(text)
    assert normalize_claim(n.text).text == n.text
    split_polarity(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60), SENTENCES)
def test_normalizing_is_idempotent_with_noise(noise, sentence):
    n = normalize_claim(f"{noise} {sentence} {noise}")
    assert normalize_claim(n.text).text == n.text


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_leftover_negation_is_dropped_as_split_polarity_drops_it(text):
    assert normalize_claim(text) == normalize_claim(split_polarity(text)[0])


@given(SENTENCES)
def test_negating_flips_the_stance_and_keeps_the_proposition(sentence):
    words = sentence.split()
    negated = (
        " ".join([words[0], "did not", *words[1:]])
        if words[1] not in ("is",)
        else sentence.replace(" is ", " is not ")
    )
    positive, stance = split_polarity(negated)
    assert stance is Stance.DENIES
    assert normalize_claim(positive).tokens == normalize_claim(sentence).tokens


def test_dates_times_and_ages_are_masked_but_are_not_figures():
    n = normalize_claim("A 45-year-old engineer saw the dam break on March 14 at 7:45 a.m. in 2026")
    assert n.text == "a <num> year old engineer saw the dam break on march <num> at <num> <num> in <num>"
    assert [(q.value, q.unit) for q in n.numbers] == [(2026.0, None)]  # the year, kept apart


def test_the_mask_covers_what_it_always_covered():
    # Stored claim keys hash ``text``: the mask must not move (the figures are read elsewhere).
    n = normalize_claim("The 4.1 per cent rise cost $3 million and twenty-one firms, a billionaire said")
    assert n.text == "the <num> percent rise cost <num> and <num> firms"
    assert [q.value for q in n.numbers] == [4.1, 3e6, 21.0]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_text_does_not_depend_on_how_figures_were_read(text):
    # ``text`` goes into stored claim keys: extraction's figures, or none, must not move it.
    q = Quantity(value=5.0, text="five", counted="people")
    assert normalize_claim(text, quantities=[q]).text == normalize_claim(text).text
