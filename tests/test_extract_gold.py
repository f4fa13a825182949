"""Extraction quality on the hand-annotated gold set (dev + test halves), asserted against targets.

Reads the Wikinews articles from ``$FACTDB_NEWS_DIR`` or ``<repo>/../shared/news``; skipped when
they are not there.  The scoring is ``bench/extraction_eval.py``'s, so the suite fails when quality
regresses below the targets the benchmark reports.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NEWS_DIR = Path(os.environ.get("FACTDB_NEWS_DIR") or REPO / ".." / "shared" / "news")

pytestmark = pytest.mark.skipif(
    not NEWS_DIR.is_dir(),
    reason=f"news articles not found at {NEWS_DIR} (set FACTDB_NEWS_DIR to the Wikinews fixture directory)",
)


def _bench():
    spec = importlib.util.spec_from_file_location("extraction_eval", REPO / "bench" / "extraction_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["extraction_eval"] = module  # dataclasses look their module up
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return _bench()


@pytest.fixture(scope="module")
def scores(bench):
    return bench.evaluate(NEWS_DIR)


def test_gold_set_has_at_least_fifteen_articles_in_two_halves(bench):
    import json

    splits = [json.loads(p.read_text(encoding="utf-8"))["split"] for p in bench.GOLD_DIR.glob("*.json")]
    assert len(splits) >= 15
    assert {"dev", "test"} == set(splits)


# The targets are asserted on the pooled gold set (dev + test).  The held-out test half is reported
# separately by the benchmark; here it only has floors that catch a regression.
TEST_HALF_FLOORS = {"recall": 0.9, "speaker": 0.87, "stance": 0.95}


@pytest.mark.parametrize("split", ["dev", "all"])
def test_claim_recall_meets_target(scores, bench, split):
    assert scores[split].ratios()["recall"] >= bench.TARGETS["recall"]


@pytest.mark.parametrize("split", ["dev", "all"])
def test_speaker_accuracy_meets_target(scores, bench, split):
    assert scores[split].ratios()["speaker"] >= bench.TARGETS["speaker"]


@pytest.mark.parametrize("split", ["dev", "all"])
def test_stance_accuracy_meets_target(scores, bench, split):
    assert scores[split].ratios()["stance"] >= bench.TARGETS["stance"]


@pytest.mark.parametrize("metric", sorted(TEST_HALF_FLOORS))
def test_held_out_half_does_not_regress(scores, metric):
    assert scores["test"].ratios()[metric] >= TEST_HALF_FLOORS[metric]


def test_quantity_recall_stays_high(scores):
    assert scores["all"].ratios()["quantities"] >= 0.9


def test_precision_stays_high(scores):
    assert scores["all"].ratios()["precision"] >= 0.9


def test_no_caption_credit_or_byline_is_extracted(bench):
    assert bench.caption_count(NEWS_DIR) == 0


def test_gold_quotes_are_unique_substrings_of_their_article(bench):
    import json

    for path in bench.GOLD_DIR.glob("*.json"):
        gold = json.loads(path.read_text(encoding="utf-8"))
        body = (NEWS_DIR / gold["file"]).read_text(encoding="utf-8").split("\n\n", 1)[1]
        for claim in gold["claims"]:
            assert body.count(claim["quote"]) == 1, (gold["file"], claim["quote"])
            assert body[claim["start"]:claim["end"]] == claim["quote"]
