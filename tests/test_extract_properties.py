"""Properties of claim extraction that hold for every input (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factdb.extract import _extract, extract, parse_document
from factdb.models import Stance
from factdb.sentences import split_sentences

_PROSE = st.lists(
    st.sampled_from(
        [
            "The", "minister", "said", "that", "Mr", "Dr.", "U.S.", "4.1", "1,000", "two", "dozens", "not",
            "never", "no", "denied", '"', "'", "\u201c", "\u201d", ".", ",", "?", "!", "...", "[...]", "\n", "\n\n",
            "#", "(AP)", "Photo:", "By", "according", "to", "he", "she", "it", "officials", "Kremlin",
            "spokesman", "Dmitry", "Peskov", "rejected", "the", "plan", "$3", "million", "%", "between", "and",
            "2019", "p.m.", "Jan.", "killed", "people", "may", "allegedly", "title:", "date", "2020-01-01",
        ]
    ),
    max_size=60,
).map(" ".join)
_ANY_TEXT = st.one_of(st.text(max_size=400), _PROSE)
_FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(_ANY_TEXT)
def test_extraction_never_raises_on_any_text(text):
    # the pipeline itself, not only the public safety net around it
    _extract(parse_document(text), True)
    extract(text)


@_FAST
@given(_ANY_TEXT)
def test_claim_offsets_always_slice_the_claim_out_of_the_body(text):
    ex = extract(text, include_opinions=True)
    for c in ex.claims:
        assert ex.document.text[c.start:c.end] == c.text
        for q in c.quantities:
            assert c.text[q.start:q.end] == q.text


@_FAST
@given(_ANY_TEXT)
def test_sentence_spans_are_ordered_trimmed_and_inside_the_text(text):
    last = 0
    for s in split_sentences(text):
        assert last <= s.start < s.end <= len(text)
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        last = s.end


@_FAST
@given(_ANY_TEXT)
def test_extraction_is_deterministic(text):
    assert extract(text) == extract(text)


_SUBJECTS = ["The minister", "Parliament", "The company", "Governor Ann Reed", "The army", "The board"]
_VERBS = [("rejected", "reject"), ("approved", "approve"), ("signed", "sign"), ("confirmed", "confirm"),
          ("opened", "open"), ("accepted", "accept"), ("blocked", "block"), ("cancelled", "cancel")]
_OBJECTS = ["the plan", "the deal", "the budget", "the peace offer", "the new law", "the contract"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_SUBJECTS), st.sampled_from(_VERBS), st.sampled_from(_OBJECTS), st.booleans())
def test_negating_a_simple_sentence_flips_stance_and_keeps_the_proposition(subject, verb, obj, contracted):
    past, base = verb
    plain = extract(f"{subject} {past} {obj}.").claims
    negated = extract(f"{subject} {'didn' + chr(39) + 't' if contracted else 'did not'} {base} {obj}.").claims
    assert len(plain) == len(negated) == 1
    assert plain[0].stance is Stance.AFFIRMS
    assert negated[0].stance is Stance.DENIES
    assert plain[0].proposition == negated[0].proposition == f"{subject} {past} {obj}"


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(_SUBJECTS), st.sampled_from(_VERBS), st.sampled_from(_OBJECTS))
def test_reported_speech_keeps_the_stance_of_what_is_reported(subject, verb, obj):
    past, base = verb
    said = extract(f"Officials said {subject.lower() if subject.startswith('The') else subject} did not {base} {obj}.").claims
    assert len(said) == 1
    assert said[0].stance is Stance.DENIES
    assert said[0].speaker == "Officials"
