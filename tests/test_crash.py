"""`kill -9` during `factdb add`: the store stays whole, and re-running the add finishes the job.

A store takes kills at seeded random moments (from start-up and the first migration to the last
source) until its corpus is in, each kill followed by :func:`verify_store` (every source fully
present with its mentions and status events, or absent); then the same add runs to completion
and the store must equal a clean run; then a fresh store, until 20 kills have hit an add at work.
About a third of the runs use ``--workers 2``, whose worker processes die too.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from factdb.store import open_store
from factdb.store.integrity import verify_store

from .conftest import fresh_postgres_url
from .corpus import kill_group, make_corpus, run_factdb, start_factdb, store_signature

CORPUS = dict(sources=40, per_source=8, pool_size=100, seed=7, denials=5)
TRIALS = 20  # kills that hit an add still working, per database
STARTUP = 1.0  # about how long a `factdb add` process takes to start adding (seconds)


@pytest.fixture(scope="module")
def corpus_paths(tmp_path_factory):
    return [str(p) for p in make_corpus(**CORPUS).write(tmp_path_factory.mktemp("crash-corpus"))]


@pytest.fixture(scope="module")
def clean_run(corpus_paths, tmp_path_factory):
    """The signature of an uninterrupted `factdb add` of the corpus, how long it took, and when its
    first source was committed (so start-up kills can be aimed before it on this machine)."""
    path = tmp_path_factory.mktemp("clean") / "clean.db"
    url = f"sqlite:///{path}"
    started = time.monotonic()
    process = start_factdb("add", *corpus_paths, db=url)
    first_source = None
    while process.poll() is None:
        if first_source is None and _count_sources(path):
            first_source = time.monotonic() - started
        time.sleep(0.01)
    took = time.monotonic() - started
    _, stderr = process.communicate()
    assert process.returncode == 0, stderr
    with open_store(url) as store:
        return store_signature(store), took, first_source or took


@pytest.mark.slow
def test_kill_9_at_random_moments_leaves_a_whole_store_that_a_rerun_completes(db_url, tmp_path, corpus_paths, clean_run):
    clean, clean_seconds, first_source_seconds = clean_run
    rng = random.Random(f"kill-9-{db_url.split(':')[0]}")
    total = len(corpus_paths)
    trials: list[tuple[int, float, int, int]] = []  # (store, delay, sources before, sources after)
    with ExitStack() as stack:
        for store_number in range(TRIALS):  # a fresh store whenever the last one was completed
            url = _fresh_store(db_url, tmp_path, store_number, stack)
            stored = 0
            for kill_number in range(8):
                # Every other store's first kill is aimed at start-up and the first migration, before
                # the clean run's first commit; later ones within the time the missing sources take.
                if kill_number == 0 and store_number % 2 == 0:
                    delay = rng.uniform(0.2, max(0.3, 0.9 * first_source_seconds))
                else:
                    high = 1.5 if kill_number == 0 else STARTUP + (clean_seconds - STARTUP) * (1 - stored / total)
                    delay = rng.uniform(0.2 if kill_number == 0 else 0.6, max(high, 1.0))
                workers = ["--workers", "2"] if rng.random() < 0.3 else []
                process = start_factdb("add", "--quiet", *workers, *corpus_paths, db=url)
                time.sleep(delay)
                running = process.poll() is None
                kill_group(process)
                with open_store(url) as store:
                    problems = verify_store(store)
                    after = len(store_signature(store)["sources"])
                assert problems == [], f"store {store_number}, kill {kill_number} after {delay:.2f}s: {problems}"
                if running and stored < total:
                    trials.append((store_number, delay, stored, after))
                stored = after
                if stored == total or len(trials) >= TRIALS:
                    break
            rerun = run_factdb("add", *corpus_paths, db=url)
            assert rerun.returncode == 0 and "0 failed" in rerun.stderr, rerun.stderr
            with open_store(url) as store:
                assert verify_store(store) == []
                assert store_signature(store) == clean, f"store {store_number}: the rerun must finish the job"
            if len(trials) >= TRIALS:
                break
    assert len(trials) >= TRIALS, f"only {len(trials)} kills hit an add at work"
    assert sum(1 for _, _, _, after in trials if 0 < after < total) >= TRIALS // 4, "too few kills mid-corpus"
    assert any(after == 0 for _, _, _, after in trials), "no kill during start-up"


def _fresh_store(db_url: str, tmp_path, number: int, stack: ExitStack) -> str:
    """``db_url`` first, then new empty stores on the same database."""
    if number == 0:
        return db_url
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / f'crash-{number}.db'}"
    return stack.enter_context(contextmanager(fresh_postgres_url)())


def test_a_worker_killed_mid_add_fails_the_run_instead_of_hanging_it(tmp_path, corpus_paths, clean_run):
    """The OOM killer takes one `--workers 2` process: the run ends (exit 1, one line per lost
    source), the store is whole, and the same add again finishes the job."""
    clean, _, _ = clean_run
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    process = start_factdb("add", "--workers", "2", *corpus_paths, db=url)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (children := _spawned_workers(process.pid)):
        time.sleep(0.05)
    assert children, "no worker process started"
    while time.monotonic() < deadline and _count_sources(tmp_path / "workers.db") < 2:
        time.sleep(0.02)  # let it add a source or two first
    os.kill(children[0], signal.SIGKILL)
    try:
        code = process.wait(timeout=120)
    except subprocess.TimeoutExpired:
        kill_group(process)
        pytest.fail("the add hung after losing a worker")
    _, stderr = process.communicate()
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert code == 1 and errors and all("a worker process died" in line for line in errors), stderr
    assert stderr.splitlines()[-1].startswith("sources: ")
    with open_store(url) as store:
        assert verify_store(store) == []
    rerun = run_factdb("add", *corpus_paths, db=url)
    assert rerun.returncode == 0, rerun.stderr
    with open_store(url) as store:
        assert store_signature(store) == clean


def _count_sources(path: Path) -> int:
    """How many sources the SQLite store at ``path`` holds so far (0 before its schema exists)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)) as connection:
            return connection.execute("SELECT count(*) FROM sources").fetchone()[0]
    except sqlite3.Error:  # not created or not migrated yet
        return 0


def _spawned_workers(parent: int) -> list[int]:
    """The pids of ``parent``'s multiprocessing workers (not its resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(status.rsplit(")", 1)[1].split()[1])
        if ppid == parent and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return sorted(found)
