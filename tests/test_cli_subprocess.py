"""The installed command as a user runs it: real processes, real exit codes, stdout vs stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.samples import SAMPLES

FACTDB = [sys.executable, "-m", "factdb"]


def factdb(*args: str, db: str | None = None, input: str | None = None, env: dict | None = None):
    command = [*FACTDB, *(["--db", db] if db else []), *args]
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(command, input=input, capture_output=True, text=True, env=full_env, timeout=120)


def test_add_then_contradictions_as_json_through_a_real_process(db_url):
    added = factdb("add", str(SAMPLES), db=db_url)
    assert added.returncode == 0, added.stderr
    assert added.stdout == ""  # data on stdout only; the summary goes to stderr
    assert "contradictions found:" in added.stderr
    found = json.loads(factdb("contradictions", "--json", db=db_url).stdout)
    assert {c["kind"] for c in found} >= {"polarity", "numeric"}


def test_no_color_output_has_no_escape_codes(tmp_path):
    db = str(tmp_path / "s.db")
    factdb("add", str(SAMPLES), db=db)
    out = factdb("contradictions", db=db).stdout
    assert "\x1b[" not in out and "polarity" in out


def test_database_from_environment_variable(tmp_path):
    db = tmp_path / "env.db"
    result = factdb("stats", "--format", "json", env={"FACTDB_DATABASE_URL": str(db)})
    assert result.returncode == 0 and json.loads(result.stdout)["sources"] == 0
    assert db.exists()


def test_exit_codes_usage_2_error_1_success_0(tmp_path):
    db = str(tmp_path / "s.db")
    assert factdb("claims", "--limit", "notanumber", db=db).returncode == 2
    unknown = factdb("show", "424242", db=db)
    assert unknown.returncode == 1 and unknown.stderr.strip() == "error: no claim with id 424242"
    assert factdb("stats", db=db).returncode == 0


def test_unreachable_postgres_is_one_line_without_traceback():
    result = factdb("stats", db="postgresql://nobody@127.0.0.1:5999/none")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_debug_shows_the_traceback(tmp_path):
    result = factdb("--debug", "show", "7", db=str(tmp_path / "s.db"))
    assert result.returncode == 1 and "Traceback" in result.stderr


def test_output_into_a_closed_pipe_is_quiet(tmp_path):
    db = str(tmp_path / "s.db")
    factdb("add", str(SAMPLES), db=db)
    pipeline = subprocess.run(
        f"{sys.executable} -m factdb --db {db} export --format jsonl | head -c 10 >/dev/null",
        shell=True, capture_output=True, text=True, timeout=120,
    )
    assert "Traceback" not in pipeline.stderr and "BrokenPipe" not in pipeline.stderr


#: Imported only by the verbs that need them: migrating, matching, adding, reporting, drawing tables.
HEAVY = ("alembic", "rapidfuzz", "numpy", "factdb.ingest", "factdb.extract", "factdb.report", "jinja2", "rich")


def imported_by(*args: str, db: str) -> set[str]:
    """The modules a real ``factdb`` process imports for this command (``python -X importtime``)."""
    ran = subprocess.run([sys.executable, "-X", "importtime", "-m", "factdb", "--db", db, *args],
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    return {line.rsplit("|", 1)[-1].strip() for line in ran.stderr.splitlines() if line.startswith("import time:")}


def test_reading_an_up_to_date_store_imports_neither_alembic_nor_the_matcher_nor_the_pipeline(db_url):
    factdb("add", "-", db=db_url, input="The council approved the plan on Monday, chairman Edvard Lusk said.\n")
    for args in (["stats"], ["show", "1"], ["history", "1", "--format", "json"]):
        imported = imported_by(*args, db=db_url)
        assert "factdb.store.migrate" in imported and "factdb.queries" in imported
        assert not {name for name in imported if name.split(".")[0] in HEAVY or name in HEAVY}, args
    assert {"rapidfuzz", "rich"} <= imported_by("match", "the council approved", db=db_url)


def test_help_imports_neither_sqlalchemy_nor_the_store(tmp_path):
    db = tmp_path / "never.db"
    for args in (["--help"], ["contradictions", "--help"], ["db", "--help"]):
        imported = imported_by(*args, db=str(db))
        assert not {name for name in imported if name.split(".")[0] in ("sqlalchemy", "numpy")}, args
        assert not {name for name in imported if name.startswith(("factdb.store", "factdb.queries"))}, args
    assert not db.exists()
