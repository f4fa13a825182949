"""`kill -9` during `factdb add`: the store stays whole, and re-running the add finishes the job.

Each store takes several kills at seeded random moments (from start-up and the first migration
to the last source), each followed by :func:`verify_store` (every source fully present with its
mentions and status events, or absent); then the same add runs to completion and the store must
equal a clean run.  Half of the runs use ``--workers 2``, whose worker processes die too.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest

from factdb.store import open_store
from factdb.store.integrity import verify_store

from .conftest import fresh_postgres_url
from .corpus import kill_group, make_corpus, run_factdb, start_factdb, store_signature

CORPUS = dict(sources=40, per_source=8, pool_size=100, seed=7, denials=6)
STORES = 4
KILLS_PER_STORE = 5  # 20 kill -9 trials per database


@pytest.fixture(scope="module")
def corpus_paths(tmp_path_factory):
    return [str(p) for p in make_corpus(**CORPUS).write(tmp_path_factory.mktemp("crash-corpus"))]


@pytest.fixture(scope="module")
def clean_run(corpus_paths, tmp_path_factory):
    """The signature of an uninterrupted `factdb add` of the corpus, and how long it took."""
    url = f"sqlite:///{tmp_path_factory.mktemp('clean') / 'clean.db'}"
    started = time.monotonic()
    result = run_factdb("add", *corpus_paths, db=url)
    took = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    with open_store(url) as store:
        return store_signature(store), took


def _stored_sources(url: str) -> int:
    with open_store(url) as store:
        return len(store_signature(store)["sources"])


@pytest.mark.slow
def test_kill_9_at_random_moments_leaves_a_whole_store_that_a_rerun_completes(
    db_url, store_urls, corpus_paths, clean_run
):
    clean, clean_seconds = clean_run
    rng = random.Random(f"kill-9-{db_url.split(':')[0]}")
    killed_running = 0
    partial = 0
    for store_number, url in enumerate(store_urls):
        for kill_number in range(KILLS_PER_STORE):
            # The first kill of a store may land in start-up and the first migration.
            low, high = (0.2, 1.5) if kill_number == 0 else (0.5, clean_seconds)
            delay = rng.uniform(low, high)
            workers = ["--workers", "2"] if (store_number + kill_number) % 2 else []
            process = start_factdb("add", "--quiet", *workers, *corpus_paths, db=url)
            time.sleep(delay)
            if process.poll() is None:
                killed_running += 1
            kill_group(process)
            problems = verify_store(open_store(url))
            assert problems == [], f"store {store_number}, kill {kill_number} after {delay:.2f}s: {problems}"
            if 0 < _stored_sources(url) < len(corpus_paths):
                partial += 1
        rerun = run_factdb("add", *corpus_paths, db=url)
        assert rerun.returncode == 0, rerun.stderr
        assert "0 failed" in rerun.stderr
        with open_store(url) as store:
            assert verify_store(store) == []
            assert store_signature(store) == clean, f"store {store_number}: the rerun must finish the job"
    total = STORES * KILLS_PER_STORE
    assert killed_running >= total * 3 // 4, f"only {killed_running}/{total} kills hit a running add"
    assert partial >= 3, f"only {partial} kills left a partly added corpus: kill times too late or too early"


@pytest.fixture
def store_urls(db_url, tmp_path) -> Iterator[list[str]]:
    """``STORES`` empty stores on the database of ``db_url``."""
    if db_url.startswith("sqlite"):
        yield [db_url, *(f"sqlite:///{tmp_path / f'crash-{n}.db'}" for n in range(1, STORES))]
        return
    with ExitStack() as stack:
        yield [db_url, *(stack.enter_context(contextmanager(fresh_postgres_url)()) for _ in range(1, STORES))]
