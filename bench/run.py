"""Run the benchmarks of issue 6 and write the figures (``BENCHMARKS.md`` for ``--full``).

``python -m bench.run --full``   10k, 100k and 1M stored claims, SQLite and PostgreSQL (~30-40 min)
``python -m bench.run --quick``  2k and 10k claims, same figures (< 1 min)
``python -m bench.run --smoke``  200 claims, SQLite, no subprocesses (a few seconds; used by a test)

Every timed figure goes through the product's own code: ``factdb.queries.match_text`` (match
latency), ``factdb.match.find_matches`` over ``StoreIndex`` (recall of its candidates),
``factdb.ingest.add_sources`` (ingest) and the ``factdb`` CLI as a subprocess (peak RSS,
``contradictions``, ``history``, ``export``, ``add --workers``).  Stores are built by
:mod:`bench.bulk` (set-up only) and grown size by size; ingest runs on a throw-away copy of
the store so that every backend and size holds exactly the generated claims.  See
``bench/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench import bulk, datasets, generate
from factdb.ingest import add_sources
from factdb.match import find_matches
from factdb.models import SourceMeta
from factdb.normalize import normalize_claim, split_polarity
from factdb.queries import match_text
from factdb.sources import RawSource
from factdb.store import open_store
from factdb.store.index import StoreIndex
from factdb.store.schema import Claim

REPO = Path(__file__).resolve().parent.parent
MARK_START, MARK_END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
MATCH_SCORE = 85.0
"""Brute-force hits at or above this ``token_set_ratio`` are "close": the same claim or a look-alike
(PITFALLS: on templated stores most hits >= 85 are look-alikes).  Recall is reported for all of
the brute-force top 10 and for its close hits."""
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

PROFILES = {
    "smoke": {"sizes": [200], "queries": 20, "bf_queries": {200: 20}, "articles": 2, "wikinews": 0,
              "cli": False, "parallel": None, "cli_articles": 0, "export_timeout": 60},
    "quick": {"sizes": [2000, 10000], "queries": 40, "bf_queries": {2000: 40, 10000: 40}, "articles": 4,
              "wikinews": 0, "cli": True, "cli_sizes": [10000], "parallel": None, "cli_articles": 2, "export_timeout": 60},
    "full": {"sizes": [10_000, 100_000, 1_000_000], "queries": 300,
             "bf_queries": {10_000: 200, 100_000: 120, 1_000_000: 60}, "articles": 60, "wikinews": 40,
             "cli": True, "cli_sizes": [10_000, 100_000, 1_000_000], "parallel": (100_000, 120), "cli_articles": 10,
             "export_timeout": 900},
}  # fmt: skip


def log(message: str) -> None:
    print(f"[{datetime.now(timezone.utc):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"p50_ms": round(percentile(ms, 50), 3), "p99_ms": round(percentile(ms, 99), 3),
            "mean_ms": round(statistics.fmean(ms), 3), "n": len(ms)}  # fmt: skip


# --------------------------------------------------------------------------------------------
# Brute force (the naive baseline): token_set_ratio against every stored normalized claim
# --------------------------------------------------------------------------------------------

_BF_CORPUS: list[str] = []


def _query_text(raw: str) -> str:
    return normalize_claim(split_polarity(raw)[0]).text


def _brute_force(qtext: str) -> tuple[float, list[tuple[int, float]]]:
    t0 = time.perf_counter()
    found = process.extract(qtext, _BF_CORPUS, scorer=fuzz.token_set_ratio, processor=None, limit=10)
    elapsed = time.perf_counter() - t0
    return elapsed, [(index, score) for _, score, index in found]


def brute_force(corpus_texts: list[str], query_texts: list[str], processes: int) -> list[tuple[float, list]]:
    """Per query: seconds of one ``process.extract`` over the whole corpus, and its top 10."""
    global _BF_CORPUS
    _BF_CORPUS = corpus_texts
    try:
        if processes <= 1 or len(query_texts) < 4:
            return [_brute_force(q) for q in query_texts]
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            return pool.map(_brute_force, query_texts, chunksize=1)
    finally:
        _BF_CORPUS = []


# --------------------------------------------------------------------------------------------
# Match: latency and recall through the product
# --------------------------------------------------------------------------------------------


class RecordingIndex:
    """Passes every call to the store index and records the shortlist ``find_matches`` rescored."""

    def __init__(self, inner: StoreIndex) -> None:
        self.inner = inner
        self.shortlist: list[int] = []

    def claim_count(self):
        return self.inner.claim_count()

    def document_frequencies(self, terms):
        return self.inner.document_frequencies(terms)

    def postings(self, terms, *, limit_per_term):
        return self.inner.postings(terms, limit_per_term=limit_per_term)

    def claim_tokens(self, claim_ids):
        self.shortlist = list(claim_ids)
        return self.inner.claim_tokens(claim_ids)

    def claims(self, claim_ids):
        return self.inner.claims(claim_ids)


def measure_match(store, corpus: generate.Corpus, n: int, queries: list[generate.Query], bf: list) -> dict:
    """Latency of ``match_text`` for every query; recall@10 against brute force for the first ``len(bf)``."""
    texts = [c.normalized.text for c in corpus.claims[:n]]
    recall_cand, recall_strict, recall_top, recall_match = [], [], [], []
    by_kind: dict[str, list[float]] = {}
    for q, (_, top) in zip(queries, bf):
        qtext = _query_text(q.text)
        positive, stance = split_polarity(q.text)
        with store.read() as session:
            index = RecordingIndex(StoreIndex(session))
            matches = find_matches(normalize_claim(positive), index, limit=10, stance=stance)
        want = min(10, n)
        s10 = top[-1][1] if len(top) >= want else 0.0
        bf_ids = {index_ + 1 for index_, _ in top}

        def tie_aware(ids) -> float:
            good = sum(1 for i in set(ids) if fuzz.token_set_ratio(qtext, texts[i - 1], processor=None) >= s10)
            return min(good, want) / want

        r = tie_aware(index.shortlist)
        recall_cand.append(r)
        close = [score for _, score in top if score >= MATCH_SCORE]
        if close:  # brute-force hits close enough to be the same claim or a look-alike
            floor = max(MATCH_SCORE, s10)
            good = sum(1 for i in set(index.shortlist)
                       if fuzz.token_set_ratio(qtext, texts[i - 1], processor=None) >= floor)  # fmt: skip
            recall_match.append(min(good, len(close)) / len(close))
        recall_strict.append(len(bf_ids & set(index.shortlist)) / max(1, len(bf_ids)))
        recall_top.append(tie_aware([m.claim_id for m in matches]))
        by_kind.setdefault(q.kind, []).append(r)
    latencies = []
    for q in queries:
        t0 = time.perf_counter()
        match_text(store, q.text, limit=10)
        latencies.append(time.perf_counter() - t0)
    bf_times = [t for t, _ in bf]
    out = {
        "factdb": _summary_ms(latencies),
        "brute_force": _summary_ms(bf_times),
        "recall_candidates": round(statistics.fmean(recall_cand), 4),
        "recall_candidates_strict": round(statistics.fmean(recall_strict), 4),
        "recall_top10": round(statistics.fmean(recall_top), 4),
        "recall_close": round(statistics.fmean(recall_match), 4) if recall_match else None,
        "recall_close_queries": len(recall_match),
        "recall_by_kind": {k: round(statistics.fmean(v), 4) for k, v in sorted(by_kind.items())},
        "recall_queries": len(bf),
    }
    out["speedup_p50"] = round(out["brute_force"]["p50_ms"] / out["factdb"]["p50_ms"], 1)
    return out


# --------------------------------------------------------------------------------------------
# Ingest and the CLI
# --------------------------------------------------------------------------------------------


def raw_sources(texts: list[str], origin: str) -> list[RawSource]:
    return [RawSource(text=t, meta=SourceMeta(), origin=f"{origin}-{k}", kind="text") for k, t in enumerate(texts)]


def measure_ingest(store, raws: list[RawSource]) -> dict:
    t0 = time.perf_counter()
    summary = add_sources(store, raws)
    elapsed = time.perf_counter() - t0
    claims = summary.claims_new + summary.claims_matched
    return {
        "articles": summary.sources_added, "claims": claims, "new": summary.claims_new,
        "matched": summary.claims_matched, "contradictions": summary.contradictions, "failed": summary.failed,
        "seconds": round(elapsed, 3), "articles_per_s": round(summary.sources_added / elapsed, 2),
        "claims_per_s": round(claims / elapsed, 1),
    }  # fmt: skip


def factdb_cli() -> list[str]:
    script = Path(sys.executable).with_name("factdb")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli.app"]


def run_cli(args: list[str], url: str, workdir: Path, *, timeout: float, stdin: str | None = None) -> dict:
    """Run a command with ``FACTDB_DATABASE_URL=url``: wall seconds, peak RSS (MB), exit code, stderr tail."""
    env = dict(os.environ, FACTDB_DATABASE_URL=url, COLUMNS="200")
    out_path, err_path, rss_path = workdir / "cli.stdout", workdir / "cli.stderr", workdir / "cli.rss"
    rss_path.unlink(missing_ok=True)
    # GNU time reports the child's own peak RSS (ru_maxrss of a child forked from this big
    # process would start at this process's size).
    args = ["/usr/bin/time", "-f", "%M", "-o", str(rss_path)] + args
    with out_path.open("wb") as out, err_path.open("wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=err,
                                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL)  # fmt: skip
        if stdin is not None:
            proc.stdin.write(stdin.encode())
            proc.stdin.close()
        deadline = t0 + timeout
        status, usage, timed_out = 0, None, False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                timed_out = True
                break
            time.sleep(0.005)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = err_path.read_text(errors="replace")
    rss_lines = rss_path.read_text().split() if rss_path.exists() else []
    peak_kb = int(rss_lines[-1]) if rss_lines and rss_lines[-1].isdigit() else 0
    return {
        "seconds": round(elapsed, 3), "peak_rss_mb": round(peak_kb / 1024, 1),
        "rc": proc.returncode, "timed_out": timed_out, "stdout_bytes": out_path.stat().st_size,
        "stderr_tail": stderr.strip().splitlines()[-1][:300] if stderr.strip() else "",
    }  # fmt: skip


REPEAT_UNDER_SECONDS = 5.0
"""A read command that finishes faster than this is run three times and its median reported: one
run of a ~0.5 s command moves by ±50% on a shared machine (session 3: `history` at 1M read
1.09 s in one run and 0.51 s in three later ones)."""


def run_cli_median(args: list[str], url: str, workdir: Path, *, timeout: float) -> dict:
    """:func:`run_cli`, three times when it is quick: the median run's figures, every run's wall
    time in ``runs`` and the highest peak RSS of them."""
    runs = [run_cli(args, url, workdir, timeout=timeout)]
    if runs[0]["rc"] == 0 and runs[0]["seconds"] < REPEAT_UNDER_SECONDS:
        runs += [run_cli(args, url, workdir, timeout=timeout) for _ in range(2)]
    median = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    return {**median, "runs": [r["seconds"] for r in runs], "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "rc": max((r["rc"] for r in runs), key=abs)}  # fmt: skip


def _claims_in_summary(line: str) -> int:
    found = re.search(r"claims: (\d+) new, (\d+) matched", line)
    return int(found.group(1)) + int(found.group(2)) if found else 0


def write_articles(folder: Path, texts: list[str]) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for k, t in enumerate(texts):
        (folder / f"article_{k:04d}.txt").write_text(t, encoding="utf-8")
    return folder


# --------------------------------------------------------------------------------------------
# Backends: a fresh store, and throw-away copies of it
# --------------------------------------------------------------------------------------------


class SQLiteBackend:
    name = "sqlite"

    def __init__(self, workdir: Path) -> None:
        self.path = workdir / "bench.db"
        self.scratch_path = workdir / "scratch.db"
        for p in (self.path, self.scratch_path):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{p}{suffix}").unlink(missing_ok=True)
        self.url = f"sqlite:///{self.path}"
        self.scratch_url = f"sqlite:///{self.scratch_path}"

    def scratch(self, store):
        """A copy of the store to ingest into (the measured store keeps only the generated claims)."""
        with store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.scratch_path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.path, self.scratch_path)
        return store, self.scratch_url

    def drop_scratch(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.scratch_path}{suffix}").unlink(missing_ok=True)

    def version(self) -> str:
        import sqlite3

        return sqlite3.sqlite_version

    def cleanup(self) -> None:
        self.drop_scratch()


class PostgresBackend:
    name = "postgresql"
    DB, SCRATCH = "factdb_bench", "factdb_bench_scratch"

    def __init__(self, admin_url: str) -> None:
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        base = make_url(admin_url)
        self.url = base.set(database=self.DB).render_as_string(hide_password=False)
        self.scratch_url = base.set(database=self.SCRATCH).render_as_string(hide_password=False)
        with self.admin.connect() as c:
            for db in (self.SCRATCH, self.DB):
                c.exec_driver_sql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
            c.exec_driver_sql(f"CREATE DATABASE {self.DB}")

    def scratch(self, store):
        store.close()  # a template database must have no other connection
        with self.admin.connect() as c:
            c.exec_driver_sql(f"DROP DATABASE IF EXISTS {self.SCRATCH} WITH (FORCE)")
            c.exec_driver_sql(f"CREATE DATABASE {self.SCRATCH} TEMPLATE {self.DB}")
        return open_store(self.url), self.scratch_url

    def drop_scratch(self) -> None:
        with self.admin.connect() as c:
            c.exec_driver_sql(f"DROP DATABASE IF EXISTS {self.SCRATCH} WITH (FORCE)")

    def version(self) -> str:
        with self.admin.connect() as c:
            return c.exec_driver_sql("SHOW server_version").scalar()

    def cleanup(self) -> None:
        self.drop_scratch()


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem_kb = 0
    import rapidfuzz
    import sqlalchemy

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "sqlalchemy": sqlalchemy.__version__,
            "rapidfuzz": rapidfuzz.__version__, "platform": platform.platform()}  # fmt: skip


def run_backend(backend, profile: dict, corpus, plan_, queries_by_size, bf_by_size, workdir: Path) -> dict:
    sizes = profile["sizes"]
    store = open_store(backend.url)
    result = {"version": backend.version(), "sizes": []}
    wikinews = sorted((datasets.data_dir().parent / "news").glob("0*.txt"))[: profile["wikinews"]]
    wiki_raws = raw_sources([p.read_text(encoding="utf-8") for p in wikinews], "wikinews")
    gen_raws = raw_sources(generate.articles(corpus, profile["articles"], tag="ingest"), "generated")
    cli_dir = write_articles(workdir / "cli_articles", generate.articles(corpus, profile["cli_articles"], tag="cli"))
    previous = 0
    for n in sizes:
        row: dict = {"claims": n}
        log(f"{backend.name}: loading claims {previous}..{n}")
        t0 = time.perf_counter()
        row["load_rows"] = bulk.load(store, plan_, previous, n)
        row["load_seconds"] = round(time.perf_counter() - t0, 1)
        if backend.name == "postgresql":
            # What autovacuum does to a live store: set the visibility map, so that posting lookups
            # are index-only scans (right after COPY every posting is a heap fetch: 99 vs 15 ms for
            # the co-occurrence query at 1M claims).
            with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM (ANALYZE)")
        previous = n
        with store.read() as session:
            stored = session.execute(select(func.count()).select_from(Claim.__table__)).scalar()
        assert stored == n, f"{backend.name} store holds {stored} claims, expected {n}"
        log(f"{backend.name} {n}: match ({len(queries_by_size[n])} queries)")
        row["match"] = measure_match(store, corpus, n, queries_by_size[n], bf_by_size[n])
        log(f"{backend.name} {n}: match p50 {row['match']['factdb']['p50_ms']} ms, "
            f"recall {row['match']['recall_candidates']}")  # fmt: skip
        with store.read() as session:
            row["contradictions_rows"] = session.execute(
                text("SELECT count(*) FROM claim_relations WHERE kind = 'contradicts'")
            ).scalar()
        cli_here = profile["cli"] and n in profile.get("cli_sizes", sizes)
        if cli_here:
            probe = queries_by_size[n][0].text
            row["cli_match"] = run_cli_median(factdb_cli() + ["match", probe, "--format", "json"], backend.url,
                                              workdir, timeout=120)  # fmt: skip
            row["cli_naive_match"] = run_cli(
                [sys.executable, "-m", "bench.naive", probe], backend.url, workdir, timeout=600
            )
            for name, args in (
                ("contradictions", ["contradictions", "--format", "json"]),
                ("contradictions_50", ["contradictions", "--limit", "50", "--format", "json"]),
                ("history", ["history", str(_busiest_claim(store)), "--format", "json"]),
            ):
                row[f"cli_{name}"] = run_cli_median(factdb_cli() + args, backend.url, workdir, timeout=600)
            if n == sizes[-1] or n <= 100_000:
                row["cli_export"] = run_cli(
                    factdb_cli() + ["export", "--format", "jsonl", "--output", str(workdir / "export.jsonl")],
                    backend.url, workdir, timeout=profile["export_timeout"],
                )
                row["cli_export"]["bytes"] = (workdir / "export.jsonl").stat().st_size if (
                    workdir / "export.jsonl").exists() else 0
                (workdir / "export.jsonl").unlink(missing_ok=True)
        log(f"{backend.name} {n}: ingest")
        store, scratch_url = backend.scratch(store)
        scratch = open_store(scratch_url)
        try:
            row["ingest"] = measure_ingest(scratch, gen_raws)
            if wiki_raws:
                row["ingest_wikinews"] = measure_ingest(scratch, wiki_raws)
        finally:
            scratch.close()
        if cli_here:
            row["cli_add"] = run_cli(factdb_cli() + ["add", str(cli_dir)], backend.url if False else scratch_url,
                                     workdir, timeout=600)  # fmt: skip
            row["cli_add"]["claims"] = _claims_in_summary(row["cli_add"]["stderr_tail"])
        log(f"{backend.name} {n}: ingest {row['ingest']['claims_per_s']} claims/s")
        if backend.name == "postgresql" and profile["parallel"] and profile["parallel"][0] == n:
            row["parallel"] = {}
            par_dir = write_articles(workdir / "par_articles",
                                     generate.articles(corpus, profile["parallel"][1], tag="parallel"))  # fmt: skip
            for workers in (1, 2):
                store, scratch_url = backend.scratch(store)
                found = run_cli(factdb_cli() + ["add", "--workers", str(workers), str(par_dir)], scratch_url, workdir,
                                timeout=900)  # fmt: skip
                found["claims"] = _claims_in_summary(found["stderr_tail"])
                found["claims_per_s"] = round(found["claims"] / found["seconds"], 1)
                row["parallel"][str(workers)] = found
                log(f"postgresql {n}: --workers {workers}: {found['claims_per_s']} claims/s")
        backend.drop_scratch()
        result["sizes"].append(row)
    store.close()
    backend.cleanup()
    return result


def _busiest_claim(store) -> int:
    """The claim with the most mentions among the newest 5,000 (a realistic ``history`` target)."""
    with store.read() as session:
        return int(
            session.execute(
                text(
                    "SELECT claim_id FROM mentions WHERE id > (SELECT max(id) - 5000 FROM mentions) "
                    "GROUP BY claim_id ORDER BY count(*) DESC, claim_id LIMIT 1"
                )
            ).scalar()
        )


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    for name in PROFILES:
        group.add_argument(f"--{name}", dest="profile", action="store_const", const=name)
    parser.add_argument("--workdir", type=Path, default=REPO / "out" / "bench", help="Stores and results go here.")
    parser.add_argument("--postgres-url", default=os.environ.get("FACTDB_BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
                        help="A PostgreSQL maintenance URL (the bench creates and drops factdb_bench*).")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only.")
    parser.add_argument("--only", choices=("sqlite", "postgresql"),
                        help="Measure one backend; the other's figures are kept from the last results of this profile.")
    parser.add_argument("--sizes", help="Override the profile's sizes, e.g. 10000,100000.")
    parser.add_argument("--output", type=Path, help="Markdown results file (default: BENCHMARKS.md for --full).")
    args = parser.parse_args(argv)
    profile = dict(PROFILES[args.profile or "quick"])
    name = args.profile or "quick"
    if args.sizes:
        profile["sizes"] = [int(s) for s in args.sizes.split(",")]
        profile["bf_queries"] = {n: profile["bf_queries"].get(n, 60) for n in profile["sizes"]}
    workdir = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    command = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    results: dict = {"profile": name, "command": command, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     "machine": machine(), "backends": {}}  # fmt: skip
    processes = 1 if name == "smoke" else 2
    log(f"generating {profile['sizes'][-1]} claims")
    t0 = time.perf_counter()
    corpus, plan_ = prepare(profile["sizes"][-1], workdir, processes)
    results["generate_seconds"] = round(time.perf_counter() - t0, 1)
    results["corpus"] = {"real": corpus.n_real, "by_origin": _origins(corpus)}
    queries_by_size = {n: generate.queries(corpus, n, profile["queries"]) for n in profile["sizes"]}
    # The corpus and plan (~3 GB of objects at 1M) live as long as the run: keep them out of the
    # garbage collector, whose full passes over them would be charged to whatever the product was
    # doing in this process at the time (in-process match and ingest), and whose page writes would
    # be copied into the forked extraction process of ingest.
    gc.freeze()
    bf_by_size = {}
    for n in profile["sizes"]:
        subset = queries_by_size[n][: profile["bf_queries"][n]]
        log(f"brute force at {n}: {len(subset)} queries")
        bf_by_size[n] = brute_force([c.normalized.text for c in corpus.claims[:n]],
                                    [_query_text(q.text) for q in subset], processes)  # fmt: skip
    results["query_mix"] = dict(generate.QUERY_MIX)
    backends = [] if args.only == "postgresql" else [SQLiteBackend(workdir)]
    previous_results = workdir / f"results-{name}.json"
    if args.only and previous_results.exists():
        kept = json.loads(previous_results.read_text())["backends"]
        results["backends"].update({k: v for k, v in kept.items() if k != args.only})
        results["kept_from_previous_run"] = sorted(k for k in kept if k != args.only)
    if not args.no_postgres and args.only != "sqlite":
        try:
            backends.append(PostgresBackend(args.postgres_url))
        except Exception as exc:  # noqa: BLE001 - reported, SQLite still runs
            results["postgres_error"] = str(exc).splitlines()[0]
            log(f"PostgreSQL skipped: {results['postgres_error']}")
    for backend in backends:
        results["backends"][backend.name] = run_backend(
            backend, profile, corpus, plan_, queries_by_size, bf_by_size, workdir
        )
    results["backends"] = {k: results["backends"][k] for k in ("sqlite", "postgresql") if k in results["backends"]}
    if profile["cli"]:
        from bench.extraction_eval import speed

        rate, sentences, seconds = speed(datasets.data_dir().parent / "news", min_seconds=2.0 if name == "quick" else 5.0)
        results["extraction"] = {"sentences_per_s": round(rate, 1), "sentences": sentences, "seconds": round(seconds, 2)}
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    (workdir / f"results-{name}.json").write_text(json.dumps(results, indent=2, default=str))
    from bench.report import render

    markdown = render(results)
    output = args.output or (REPO / "BENCHMARKS.md" if name == "full" else workdir / f"results-{name}.md")
    _write_section(output, markdown)
    log(f"done in {results['total_seconds']} s; figures in {output}")
    if name != "smoke":
        print(markdown)
    return results


def prepare(n: int, workdir: Path, processes: int):
    """The corpus and bulk plan for ``n`` claims, cached in ``workdir`` (keyed by the generating code)."""
    import hashlib
    import pickle

    digest = hashlib.sha256()
    for path in (Path(generate.__file__), Path(bulk.__file__), *(REPO / "factdb" / name for name in ("normalize.py", "quantities.py", "relate.py", "track.py"))):
        digest.update(path.read_bytes())
    cache = workdir / f"plan-{n}-{digest.hexdigest()[:12]}.pickle"
    if cache.exists():
        log(f"reusing {cache.name}")
        with cache.open("rb") as f:
            return pickle.load(f)
    corpus = generate.generate(n, processes=processes)
    plan_ = bulk.plan(corpus, processes=processes)
    if n >= 100_000:
        for old in workdir.glob(f"plan-{n}-*.pickle"):
            old.unlink()
        with cache.open("wb") as f:
            pickle.dump((corpus, plan_), f, protocol=5)
    return corpus, plan_


def _origins(corpus) -> dict[str, int]:
    counts: dict[str, int] = {}
    for c in corpus.claims:
        counts[c.origin] = counts.get(c.origin, 0) + 1
    return counts


def _write_section(path: Path, markdown: str) -> None:
    """Replace the results section between the markers (or write the file) — other sections stay."""
    block = f"{MARK_START}\n{markdown.rstrip()}\n{MARK_END}\n"
    if path.exists():
        current = path.read_text(encoding="utf-8")
        if MARK_START in current and MARK_END in current:
            head, rest = current.split(MARK_START, 1)
            tail = rest.split(MARK_END, 1)[1]
            path.write_text(head + block + tail.lstrip("\n"), encoding="utf-8")
            return
        path.write_text(current.rstrip() + "\n\n" + block, encoding="utf-8")
        return
    path.write_text(block, encoding="utf-8")


if __name__ == "__main__":
    main()
