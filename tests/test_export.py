"""Export writers: what a user gets when they open factdb's JSON, CSV and ClaimReview files."""

from __future__ import annotations

import csv
import doctest
import io
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

import factdb.export
from factdb.export import (
    CSV_COLUMNS,
    claimreview,
    histories_to_json,
    jsonld_for_html,
    write_claimreview,
    write_csv,
    write_jsonl,
)
from factdb.models import ClaimStatus, Quantity, SpeakerKind, Stance
from tests.factories import claim_history, day, mention_record, status_change

RTL_AND_EMOJI = "قال الوزير إن الجسر سيفتح 🌉 — השר אמר \u2028 next line 👍🏽"


def test_docstring_examples_run():
    results = doctest.testmod(factdb.export)
    assert results.attempted > 0 and results.failed == 0


def three_verdicts():
    """A claim reported on day 1, then rated unproven, misleading and finally false."""
    return claim_history(
        7,
        proposition="Drones hit the refinery",
        mentions=(
            mention_record(
                1, claim_id=7, speaker="Ministry of Defence", speaker_kind=SpeakerKind.ORGANISATION
            ),
            mention_record(2, claim_id=7, url="https://other.example/a", title=None, outlet="Other"),
            mention_record(3, claim_id=7, stance=Stance.DENIES, speaker="Spokesman"),
        ),
        changes=(
            status_change(ClaimStatus.REPORTED, day(1), ref_id=1),
            status_change(ClaimStatus.UNPROVEN, day(4), ref_id=11, reviewer="Ann"),
            status_change(ClaimStatus.MISLEADING, day(5), ref_id=12, reviewer="Ann", note="old footage"),
            status_change(ClaimStatus.FALSE, day(6), ref_id=13, reviewer="Bob"),
        ),
    )


def csv_rows(histories) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    write_csv(histories, out)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


# --- CSV --------------------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_cells_are_neutralised(trigger):
    payload = trigger + 'HYPERLINK("https://evil.example","click")'
    history = claim_history(
        proposition=payload,
        mentions=(mention_record(1, quote=payload, speaker=payload, outlet=payload, title=payload),),
        changes=(status_change(ClaimStatus.FALSE, day(2), reviewer=payload, note=payload),),
    )
    rows = csv_rows([history])
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    mention_row, status_row = rows
    assert mention_row["quote"] == mention_row["speaker"] == mention_row["outlet"] == "'" + payload
    assert status_row["reviewer"] == status_row["note"] == status_row["proposition"] == "'" + payload


def test_negative_numbers_are_prefixed_too():
    history = claim_history(mentions=(mention_record(1, quote="-5"),))
    assert csv_rows([history])[0]["quote"] == "'-5"


def test_csv_has_one_row_per_mention_and_status_change_in_time_order():
    out = io.StringIO(newline="")
    assert write_csv([three_verdicts()], out) == 7
    text = out.getvalue()
    assert text.startswith(",".join(CSV_COLUMNS) + "\r\n") and text.endswith("\r\n")
    rows = csv_rows([three_verdicts()])
    assert [(r["event"], r["ref_id"], r["status"]) for r in rows] == [
        ("mention", "1", ""),
        ("status", "1", "reported"),
        ("mention", "2", ""),
        ("mention", "3", ""),
        ("status", "11", "unproven"),
        ("status", "12", "misleading"),
        ("status", "13", "false"),
    ]
    assert rows[0]["time_valid"] == "2026-01-02T00:00:00Z" and rows[0]["stance"] == "affirms"
    assert rows[5]["note"] == "old footage" and rows[5]["cause"] == "review"


# --- JSON / JSONL -----------------------------------------------------------------------------


def test_json_output_is_byte_stable_whatever_the_input_order():
    history = three_verdicts()
    shuffled = replace(history, mentions=history.mentions[::-1], changes=history.changes[::-1])
    assert histories_to_json([history]) == histories_to_json([history]) == histories_to_json([shuffled])
    lines = [io.StringIO(), io.StringIO()]
    write_jsonl([history], lines[0])
    write_jsonl([shuffled], lines[1])
    assert lines[0].getvalue() == lines[1].getvalue()
    for writer in (write_csv, write_claimreview):
        outputs = [io.StringIO(newline=""), io.StringIO(newline="")]
        writer([history], outputs[0])
        writer([shuffled], outputs[1])
        assert outputs[0].getvalue() == outputs[1].getvalue()


def test_json_keys_are_sorted_and_times_are_utc_with_z():
    plus_two = timezone(timedelta(hours=2))
    afternoon_in_kyiv = datetime(2026, 3, 1, 14, 0, tzinfo=plus_two)
    history = claim_history(mentions=(mention_record(1, published_at=afternoon_in_kyiv),))
    record = json.loads(histories_to_json([history]))[0]
    assert record["mentions"][0]["published_at"] == "2026-03-01T12:00:00Z"
    assert list(record) == sorted(record)
    assert list(record["mentions"][0]) == sorted(record["mentions"][0])


def test_jsonl_writes_one_claim_per_line():
    out = io.StringIO()
    histories = [claim_history(1), three_verdicts(), claim_history(3, proposition=RTL_AND_EMOJI)]
    assert write_jsonl(histories, out) == 3
    lines = out.getvalue().splitlines()  # splitlines also breaks on U+2028: it must be escaped
    assert [json.loads(line)["claim_id"] for line in lines] == [1, 7, 3]


def test_naive_datetime_is_refused():
    history = claim_history(mentions=(mention_record(1, published_at=datetime(2026, 1, 1)),))
    with pytest.raises(ValueError, match="timezone-aware"):
        histories_to_json([history])


def test_unicode_round_trips_in_json_and_csv():
    history = claim_history(
        proposition=RTL_AND_EMOJI,
        mentions=(
            mention_record(1, quote=RTL_AND_EMOJI, speaker="وزير", quantities=(Quantity(4.1, "4.1%", "%"),)),
        ),
    )
    text = histories_to_json([history])
    assert "🌉" in text and "השר" in text  # written as characters, not \u escapes
    record = json.loads(text)[0]
    assert record["proposition"] == record["mentions"][0]["quote"] == RTL_AND_EMOJI
    assert record["mentions"][0]["quantities"][0]["value"] == 4.1
    out = io.StringIO()
    write_jsonl([history], out)
    assert json.loads(out.getvalue())["proposition"] == RTL_AND_EMOJI
    encoded = io.BytesIO()
    with io.TextIOWrapper(encoded, encoding="utf-8", newline="") as stream:
        write_csv([history], stream)
        stream.flush()
        data = encoded.getvalue()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0]["quote"] == rows[0]["proposition"] == RTL_AND_EMOJI and rows[0]["speaker"] == "وزير"


# --- ClaimReview ------------------------------------------------------------------------------


def test_claimreview_has_every_required_field():
    review = claimreview(three_verdicts(), site_url="https://facts.example/")[-1]
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["url"] == "https://facts.example/claims/7"
    assert review["claimReviewed"] == "Drones hit the refinery"
    assert review["datePublished"] == "2026-01-07T00:00:00Z"
    assert review["author"] == {"@type": "Person", "name": "Bob"}
    assert review["reviewRating"] == {
        "@type": "Rating", "alternateName": "False", "ratingValue": 1, "bestRating": 5, "worstRating": 1,
    }
    claim = review["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["author"] == {"@type": "Organization", "name": "Ministry of Defence"}
    assert claim["datePublished"] == "2026-01-02T00:00:00Z"
    first = {
        "@type": "CreativeWork",
        "url": "https://news.example/1",
        "headline": "Bridge to open in May",
        "datePublished": "2026-01-02T00:00:00Z",
        "publisher": {"@type": "Organization", "name": "Daily Example"},
    }
    assert claim["firstAppearance"] == first
    assert [a["url"] for a in claim["appearance"]] == ["https://news.example/1", "https://other.example/a"]


def test_history_of_three_verdicts_gives_three_reviews_in_order():
    reviews = claimreview(three_verdicts(), verdicts_only=True)
    assert [r["reviewRating"]["alternateName"] for r in reviews] == ["Unproven", "Misleading", "False"]
    assert [r["datePublished"] for r in reviews] == sorted(r["datePublished"] for r in reviews)
    assert "ratingValue" not in reviews[0]["reviewRating"]  # unproven says nothing about truth
    assert reviews[1]["reviewBody"] == "old footage"
    assert {r["url"] for r in reviews} == {"urn:factdb:claim:7"}


def test_derived_statuses_are_reviewed_by_factdb_without_a_number():
    reported = claimreview(three_verdicts())[0]
    assert reported["author"] == {"@type": "Organization", "name": "factdb"}
    assert reported["reviewRating"] == {"@type": "Rating", "alternateName": "Reported"}


def test_write_claimreview_writes_a_json_array_of_every_review():
    out = io.StringIO()
    assert write_claimreview([three_verdicts(), claim_history(2)], out) == 5
    reviews = json.loads(out.getvalue())
    assert [r["url"] for r in reviews] == ["urn:factdb:claim:7"] * 4 + ["urn:factdb:claim:2"]
    empty = io.StringIO()
    assert write_claimreview([], empty) == 0 and json.loads(empty.getvalue()) == []


def test_script_end_tag_cannot_appear_in_jsonld_for_html():
    hostile = '</script><script>alert("x")</script><!-- & \u2028 \u2029'
    history = claim_history(proposition=hostile, mentions=(mention_record(1, quote=hostile, title=hostile),))
    for review in claimreview(history):
        html = jsonld_for_html(review)
        assert "<" not in html and ">" not in html and "&" not in html
        assert "\u2028" not in html and "\u2029" not in html
        assert json.loads(html) == review


@given(st.text())
def test_jsonld_for_html_never_breaks_out_of_a_script_element(text):
    html = jsonld_for_html({"claimReviewed": text, text: [text]})
    assert "</script" not in html.lower() and "<!--" not in html
    assert json.loads(html) == {"claimReviewed": text, text: [text]}


def test_streamed_json_export_is_byte_identical_to_the_in_memory_one():
    import io

    from factdb.export import histories_to_json, write_json
    from tests.factories import claim_history

    histories = [claim_history(), claim_history()]
    streamed = io.StringIO()
    assert write_json(histories, streamed) == 2
    assert streamed.getvalue() == histories_to_json(histories) + "\n"
    empty = io.StringIO()
    write_json([], empty)
    assert json.loads(empty.getvalue()) == []
