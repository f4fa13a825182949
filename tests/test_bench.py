"""The benchmark set-up writes what the product writes (behaviour only: no timings here)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from bench import bulk, datasets, generate
from factdb.store import open_store
from factdb.store import writes
from factdb.store.codec import unpack_ids
from factdb.store.schema import Claim, ClaimTerm, PostingBlock, Term

needs_data = pytest.mark.skipif(
    not (datasets.data_dir() / "liar").is_dir(), reason=f"no datasets in {datasets.data_dir()}"
)


def _index_rows(store):
    claims, terms, postings = Claim.__table__, Term.__table__, ClaimTerm.__table__
    with store.read() as session:
        claim_rows = set(
            session.execute(
                select(claims.c.proposition, claims.c.normalized, claims.c.key, claims.c.tokens, claims.c.numbers,
                       claims.c.entities, claims.c.antonym_text)
            ).all()
        )  # fmt: skip
        term_rows = set(session.execute(select(terms.c.term, terms.c.df)).all())
        posting_rows = set(
            session.execute(
                select(terms.c.term, claims.c.key)
                .join(postings, postings.c.term_id == terms.c.id)
                .join(claims, claims.c.id == postings.c.claim_id)
            ).all()
        )
        key_of = dict(session.execute(select(claims.c.id, claims.c.key)).all())
        block_rows = {
            (term, tuple(key_of[claim_id] for claim_id in unpack_ids(raw)))
            for term, raw in session.execute(
                select(terms.c.term, PostingBlock.__table__.c.ids).join(
                    PostingBlock.__table__, PostingBlock.__table__.c.term_id == terms.c.id
                )
            )
        }
    return claim_rows, term_rows, posting_rows, block_rows


@needs_data
def test_bulk_loaded_claims_terms_and_postings_equal_what_the_product_writes(tmp_path, monkeypatch):
    monkeypatch.setattr("factdb.store.index.BLOCK_IDS", 8)  # terms fill several blocks
    corpus = generate.generate(200, processes=1)
    assert len(corpus.claims) == 200
    bulk_store = open_store(f"sqlite:///{tmp_path / 'bulk.db'}")
    product_store = open_store(f"sqlite:///{tmp_path / 'product.db'}")
    plan = bulk.plan(corpus, processes=1)
    bulk.load(bulk_store, plan, 0, 100)
    bulk.load(bulk_store, plan, 100, 200)  # grown in two steps, as the benchmark grows its stores
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def write_all(session):
        for c in corpus.claims:
            writes.insert_claim(session, c.proposition, c.normalized, key=c.key, now=now)

    product_store.write(write_all)
    bulk_rows, product_rows = _index_rows(bulk_store), _index_rows(product_store)
    assert bulk_rows[0] == product_rows[0]
    assert bulk_rows[1] == product_rows[1]
    assert bulk_rows[2] == product_rows[2]
    assert bulk_rows[3] == product_rows[3]
    assert any(len(keys) == 8 for _, keys in bulk_rows[3])


@needs_data
def test_generated_corpus_is_deterministic_and_varied():
    a = generate.generate(200, processes=1)
    b = generate.generate(200, processes=1)
    assert [c.key for c in a.claims] == [c.key for c in b.claims]
    assert len({c.key for c in a.claims}) == 200
    queries = generate.queries(a, 200, 20)
    assert {q.kind for q in queries} == {"unseen", "paraphrase", "negation"}
    rng = __import__("random").Random(1)
    assert generate.swap_numbers("40 people were killed in 2019", rng) != "40 people were killed in 2019"
    assert "2019" in generate.swap_numbers("40 people were killed in 2019", rng)
    assert generate.negate("Putin has rejected the plan") == "Putin has not rejected the plan"


@needs_data
def test_bench_smoke_run_measures_every_figure(tmp_path):
    from bench import run

    results = run.main(["--smoke", "--workdir", str(tmp_path), "--no-postgres"])
    sqlite = results["backends"]["sqlite"]
    size = sqlite["sizes"][0]
    assert size["claims"] == 200
    assert size["match"]["factdb"]["p50_ms"] > 0 and size["match"]["brute_force"]["p50_ms"] > 0
    assert 0 <= size["match"]["recall_candidates"] <= 1
    assert size["ingest"]["claims"] > 0


def test_batched_export_histories_equal_one_claim_histories(tmp_path):
    from factdb.ingest import add_sources
    from factdb.queries import claim_history, iter_histories
    from factdb.sources import iter_sources

    store = open_store(f"sqlite:///{tmp_path / 'h.db'}")
    samples = Path(__file__).resolve().parents[1] / "samples" / "articles"
    add_sources(store, iter_sources([str(samples)], on_error=print))
    from factdb.curate import review_claim
    from factdb.models import ClaimStatus

    first = next(iter_histories(store)).claim_id
    review_claim(store, first, ClaimStatus.FALSE, reviewer="desk", reviewed_at=datetime(2026, 3, 1, tzinfo=timezone.utc))
    batched = list(iter_histories(store, batch=3))
    assert len(batched) > 5
    assert batched == [claim_history(store, h.claim_id) for h in batched]


def test_extraction_eval_reports_each_split_pools_only_tuned_ones_and_never_shows_blind_misses(
    tmp_path, monkeypatch, capsys
):
    import json

    from bench import extraction_eval

    news, gold = tmp_path / "news", tmp_path / "gold"
    news.mkdir()
    gold.mkdir()
    article = "title: Storm\n\nThe storm killed 12 people in Dover, police said.\n"
    for i, (split, speaker) in enumerate([("dev", "police"), ("test", "police"), ("holdout", "coastguard")]):
        (news / f"a{i}.txt").write_text(article, encoding="utf-8")
        claim = {"quote": "The storm killed 12 people", "start": 0, "end": 26, "speaker": [speaker], "stance": "affirms",
                 "numbers": [12]}
        (gold / f"a{i}.json").write_text(json.dumps({"file": f"a{i}.txt", "split": split, "claims": [claim]}))
    monkeypatch.setattr(extraction_eval, "GOLD_DIR", gold)

    scores = extraction_eval.evaluate(news)
    assert list(scores) == ["dev", "test", "holdout", "dev+test"]
    assert (scores["dev+test"].gold, scores["holdout"].gold) == (2, 1)
    assert (scores["dev+test"].ratios()["speaker"], scores["holdout"].ratios()["speaker"]) == (1.0, 0.0)

    assert extraction_eval.main(["--news-dir", str(news), "--no-speed", "--show-misses"]) == 0
    out = capsys.readouterr().out
    assert "| holdout | 1 | 1 |" in out and "| dev+test | 2 | 2 |" in out
    assert "coastguard" not in out and "HOLDOUT" not in out
