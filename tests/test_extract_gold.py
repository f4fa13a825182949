"""Extraction quality on the hand-annotated gold set, asserted against targets on the tuned-on halves.

Reads the Wikinews articles from ``$FACTDB_NEWS_DIR`` or ``<repo>/../shared/news``; skipped when
they are not there.  The scoring is ``bench/extraction_eval.py``'s, so the suite fails when quality
regresses below the targets the benchmark reports.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import warnings
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


BENCH = _bench()


@pytest.fixture(scope="module")
def bench():
    return BENCH


@pytest.fixture(scope="module")
def scores(bench):
    return bench.evaluate(NEWS_DIR)


def _splits() -> dict[str, int]:
    """Gold articles per split named in the gold files."""
    return {split: n for split, n in BENCH.article_counts().items() if split != BENCH.POOLED}


# Splits the extractor was never tuned on (such as "holdout"), or one skipped parameter saying so.
BLIND = sorted(set(_splits()) - set(BENCH.TUNED_SPLITS)) or [
    pytest.param(None, marks=pytest.mark.skip(reason="no blind split in tests/gold/extraction yet"))
]


def test_gold_set_has_at_least_fifteen_tuned_articles_in_two_halves(bench):
    counts = _splits()
    assert set(bench.TUNED_SPLITS) <= set(counts)
    assert sum(counts[s] for s in bench.TUNED_SPLITS) >= 15


# The targets hold on each half the extractor was tuned on (dev, test) and on the two pooled.
# A blind split (any other split name, such as "holdout") is only reported: asserting the targets on
# it would turn an honest miss into a failing suite, and the fix for a failing suite is to tune on
# the blind set, after which it is no longer blind.  Dev and test catch a regression already.
TUNED = [*BENCH.TUNED_SPLITS, BENCH.POOLED]


@pytest.mark.parametrize("split", TUNED)
def test_claim_recall_meets_target(scores, bench, split):
    assert scores[split].ratios()["recall"] >= bench.TARGETS["recall"]


@pytest.mark.parametrize("split", TUNED)
def test_speaker_accuracy_meets_target(scores, bench, split):
    assert scores[split].ratios()["speaker"] >= bench.TARGETS["speaker"]


@pytest.mark.parametrize("split", TUNED)
def test_stance_accuracy_meets_target(scores, bench, split):
    assert scores[split].ratios()["stance"] >= bench.TARGETS["stance"]


def test_every_split_is_reported_on_its_own_and_only_tuned_splits_are_pooled(scores, bench):
    counts = _splits()
    assert list(scores) == [*(s for s in bench.TUNED_SPLITS if s in counts), *sorted(set(counts) - set(bench.TUNED_SPLITS)),
                            bench.POOLED]
    assert scores[bench.POOLED].gold == sum(scores[s].gold for s in bench.TUNED_SPLITS)


@pytest.mark.parametrize("split", BLIND)
def test_blind_split_is_scored_and_its_misses_are_reported_not_failed(scores, bench, split):
    sc = scores[split]
    assert sc.gold > 0 and 0 <= sc.found <= sc.gold and sc.extracted >= 0
    r = sc.ratios()
    below = {k: round(r[k], 3) for k in ("recall", "speaker", "stance") if r[k] < bench.TARGETS[k]}
    if below:
        warnings.warn(f"blind split {split!r} below the issue's targets (reported, not failed): {below}", stacklevel=1)


def test_quantity_recall_stays_high(scores, bench):
    assert scores[bench.POOLED].ratios()["quantities"] >= 0.9


def test_precision_stays_high(scores, bench):
    assert scores[bench.POOLED].ratios()["precision"] >= 0.9


def test_no_caption_credit_or_byline_is_extracted(bench):
    assert bench.caption_count(NEWS_DIR) == 0


def test_gold_files_are_well_formed(bench):
    for path in bench.GOLD_DIR.glob("*.json"):
        gold = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(gold["split"], str) and gold["split"] and gold["file"].endswith(".txt"), path.name
        for claim in gold["claims"]:
            assert claim["stance"] in ("affirms", "denies"), (path.name, claim["quote"])
            assert isinstance(claim["speaker"], list) and claim["speaker"], (path.name, claim["quote"])
            assert all(isinstance(n, (int, float)) for n in claim["numbers"]), (path.name, claim["quote"])


def test_gold_quotes_are_unique_substrings_of_their_article(bench):
    for path in bench.GOLD_DIR.glob("*.json"):
        gold = json.loads(path.read_text(encoding="utf-8"))
        body = (NEWS_DIR / gold["file"]).read_text(encoding="utf-8").split("\n\n", 1)[1]
        for claim in gold["claims"]:
            assert body.count(claim["quote"]) == 1, (gold["file"], claim["quote"])
            assert body[claim["start"]:claim["end"]] == claim["quote"]
