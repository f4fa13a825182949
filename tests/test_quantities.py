"""The one number parser: what extraction and normalization read as a figure, and what they do not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factdb.quantities import find_quantities, find_years


def values(text: str, **kw) -> list[tuple[float, str | None]]:
    return [(q.value, q.unit) for q in find_quantities(text, **kw)]


@pytest.mark.parametrize(
    "text",
    [
        "A billionaire bought the dam operator",
        "Engineers tested a 5G tower near the dam",
        "The band 10cc played in Dunrask",
        "Test scores rose in the province",
        "Prices were lower in the 1990s",
        "A 4chan user posted the photo",
    ],
)
def test_names_decades_and_words_inside_words_are_not_figures(text):
    assert find_quantities(text) == ()
    assert find_quantities(text, years=True) == ()


def test_money_and_measures_written_together():
    assert values("a $8B loan and a $21T debt") == [(8e9, "USD"), (2.1e13, "USD")]
    assert values("a rock 3km wide") == [(3.0, "km")]
    assert values("4 millions kids got health care") == [(4e6, None)]
    assert values("guns at a rate 13x higher") == [(13.0, None)]


def test_scores_of_is_a_vague_figure():
    (q,) = find_quantities("Scores of people were injured")
    assert (q.value, q.approximate) == (40.0, True)


def test_years_are_read_only_when_asked_for_and_never_as_figures():
    sentence = "Unemployment fell to 4.1 percent in October 2019, on Nov. 4 at 10:30 a.m."
    assert values(sentence) == [(4.1, "%")]
    assert values(sentence, years=True) == [(4.1, "%"), (2019.0, None)]
    assert [q.text for q in find_years(sentence)] == ["2019"]


def test_a_plural_after_a_year_like_number_makes_it_a_count():
    assert values("2016 people signed the petition", years=True) == [(2016.0, None)]
    assert find_years("2016 people signed the petition") == ()


def test_ranges_do_not_take_in_years():
    qs = find_quantities("between 36 and 40 people died in 2019", years=True)
    assert [(q.value, q.approximate, q.counted) for q in qs] == [
        (36.0, True, "people"),
        (40.0, True, "people"),
        (2019.0, False, None),
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_years_only_add_to_the_figures(text):
    figures = find_quantities(text)
    with_years = find_quantities(text, years=True)
    assert [q for q in with_years if q not in find_years(text)] == list(figures)
    assert all(q.unit is None and 1800 <= q.value <= 2100 for q in find_years(text))
