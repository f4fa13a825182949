"""A store that may only be read: ``--read-only``, ``?mode=ro``, and SQLite files that cannot be
written (a read-only mount, a 0444 file), through the CLI on real files.

Root may write any file, so where the tests run as root the permission check sees the files'
mode bits as another user would (``as_a_user``); what SQLite does with the files is real.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factdb.cli.app import app

from tests.samples import COUNCIL_APPROVED, SAMPLES

runner = CliRunner()

ONE_SOURCE = "date 2026-03-20\n\nThe harbour authority closed the northern pier on Friday, spokeswoman Ilse Varn said.\n"


def cli(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def ok(*args: str, input: str | None = None):
    result = cli(*args, input=input)
    assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
    return result


def refused(*args: str):
    result = cli(*args)
    assert result.exit_code == 1, (args, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output, result.stderr
    return result.stderr


def read_verbs(claim: int, out: Path) -> list[list[str]]:
    """One invocation of every command that only reads the store."""
    return [
        ["stats", "--format", "json"], ["sources"], ["claims", "--search", COUNCIL_APPROVED], ["show", str(claim)],
        ["history", str(claim), "--format", "json"], ["contradictions", "--json"], ["match", COUNCIL_APPROVED],
        ["export", "-o", str(out / "claims.jsonl")], ["report", "-o", str(out / "report.html")],
        ["db", "current"], ["db", "check"], ["db", "verify", "--quick"],
    ]


def write_verbs(claim: int, other: int) -> list[list[str]]:
    """One invocation of every command that writes the store."""
    return [
        ["add", str(SAMPLES / "01_ledger_velmira-dam-breach.txt")], ["review", str(claim), "-s", "false", "-r", "desk"],
        ["merge", str(claim), str(other)], ["unmerge", str(other)], ["db", "upgrade"], ["db", "downgrade", "base"],
    ]


@pytest.fixture
def loaded(db_url) -> tuple[str, int, int]:
    """A store holding the samples, and two of its claim ids (``other`` already merged into ``claim``)."""
    ok("--db", db_url, "add", str(SAMPLES))
    claim, other = (row["id"] for row in json.loads(ok("--db", db_url, "claims", "-n", "2", "--format", "json").stdout))
    ok("--db", db_url, "merge", str(claim), str(other))
    return db_url, claim, other


def test_read_only_store_answers_every_read_verb_and_refuses_every_write_in_one_line(loaded, tmp_path):
    url, claim, other = loaded
    before = ok("--db", url, "stats", "--format", "json").stdout
    for args in read_verbs(claim, tmp_path):
        ok("--db", url, "--read-only", *args)
    for args in write_verbs(claim, other):
        assert "open read-only" in refused("--db", url, "--read-only", *args)
    assert ok("--db", url, "stats", "--format", "json").stdout == before
    assert ok("--db", url, "db", "check").exit_code == 0


def test_mode_ro_in_a_sqlite_url_is_read_only(tmp_path):
    path = tmp_path / "store.db"
    ok("--db", str(path), "add", "-", input=ONE_SOURCE)
    for url in (f"{path}?mode=ro", f"sqlite:///{path}?mode=ro", f"sqlite:///{path}?immutable=1"):
        assert json.loads(ok("--db", url, "stats", "--format", "json").stdout)["sources"] == 1
        assert "open read-only" in refused("--db", url, "add", "-")


def test_read_only_never_creates_a_store(tmp_path):
    assert "no store at" in refused("--db", str(tmp_path / "none.db"), "--read-only", "stats")
    assert not list(tmp_path.iterdir())
    (tmp_path / "empty.db").touch()
    assert "none is created" in refused("--db", str(tmp_path / "empty.db"), "--read-only", "stats")


@pytest.fixture
def as_a_user(monkeypatch):
    """Permission checks as a user other than root sees them (root may write any file)."""
    if os.geteuid() != 0:
        return
    real = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and not os.stat(path).st_mode & stat.S_IWUSR:
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


@pytest.fixture
def locked_folder(tmp_path):
    """A folder to make read-only (0555) with its files (0444); writable again afterwards."""
    folder = tmp_path / "mount"
    folder.mkdir()
    yield folder
    folder.chmod(0o755)
    for path in folder.iterdir():
        path.chmod(0o644)


def lock(folder: Path) -> None:
    for path in folder.iterdir():
        path.chmod(0o444)
    folder.chmod(0o555)


def test_store_in_a_read_only_folder_is_read_without_creating_any_file(as_a_user, locked_folder, tmp_path):
    path = locked_folder / "store.db"
    ok("--db", str(path), "add", str(SAMPLES))
    claims = json.loads(ok("--db", str(path), "claims", "-n", "2", "--format", "json").stdout)
    lock(locked_folder)
    for args in read_verbs(claims[0]["id"], tmp_path):
        ok("--db", str(path), *args)
    assert [p.name for p in locked_folder.iterdir()] == ["store.db"], "no -wal or -shm left behind"
    for args in write_verbs(claims[0]["id"], claims[1]["id"]):
        assert "not writable" in refused("--db", str(path), *args)


#: As root, drop the capabilities that let root write any file (the kernel then checks the mode bits).
WITHOUT_DAC_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="root without setpriv writes any file")
def test_a_real_process_reads_a_store_in_a_read_only_folder_and_refuses_to_write(locked_folder):
    path = locked_folder / "store.db"
    ok("--db", str(path), "add", "-", input=ONE_SOURCE)
    lock(locked_folder)
    prefix = WITHOUT_DAC_OVERRIDE if os.geteuid() == 0 else []

    def factdb(*args: str) -> subprocess.CompletedProcess:
        command = [*prefix, sys.executable, "-m", "factdb", "--db", str(path), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, input="")

    stats = factdb("stats", "--format", "json")
    assert stats.returncode == 0 and json.loads(stats.stdout)["sources"] == 1, stats.stderr
    added = factdb("add", "-")
    assert added.returncode == 1 and added.stderr.count("\n") == 1 and "not writable" in added.stderr, added.stderr
    assert [p.name for p in locked_folder.iterdir()] == ["store.db"]


def test_read_only_file_in_a_writable_folder_is_read_and_stays_writable_after(as_a_user, tmp_path):
    path = tmp_path / "store.db"
    ok("--db", str(path), "add", "-", input=ONE_SOURCE)
    path.chmod(0o444)
    ok("--db", str(path), "stats")
    assert "open read-only" in refused("--db", str(path), "add", str(SAMPLES))
    path.chmod(0o644)  # the owner makes it writable again: nothing left read-only in the way
    ok("--db", str(path), "add", str(SAMPLES))


def sources_in(url: str, *options: str) -> int:
    return json.loads(ok("--db", url, *options, "stats", "--format", "json").stdout)["sources"]


def crash_image(folder: Path) -> tuple[Path, int]:
    """A store as a crash leaves it, with its number of sources: the last one only in its -wal file."""
    live = folder.parent / "live"
    live.mkdir()
    ok("--db", str(live / "store.db"), "add", str(SAMPLES))
    ok("--db", str(live / "store.db"), "add", "-", input=ONE_SOURCE.replace("northern", "southern"))
    holder = sqlite3.connect(live / "store.db")  # an open reader keeps the WAL from being folded in
    holder.execute("SELECT count(*) FROM sources").fetchone()
    ok("--db", str(live / "store.db"), "add", "-", input=ONE_SOURCE)
    for name in ("store.db", "store.db-wal", "store.db-shm"):
        shutil.copy(live / name, folder / name)
    holder.close()
    assert (folder / "store.db-wal").stat().st_size > 0
    return folder / "store.db", sources_in(str(live / "store.db"))


def test_changes_waiting_in_the_wal_are_read_through_its_shm_file(as_a_user, locked_folder):
    path, sources = crash_image(locked_folder)
    lock(locked_folder)
    assert sources_in(str(path)) == sources


def test_changes_waiting_in_the_wal_without_shm_are_refused_in_one_line(as_a_user, locked_folder):
    path, sources = crash_image(locked_folder)
    (locked_folder / "store.db-shm").unlink()
    lock(locked_folder)
    assert "holds changes not yet in store.db" in refused("--db", str(path), "stats")
    locked_folder.chmod(0o755)  # where it can be written, --read-only reads them (SQLite makes a -shm)
    path.chmod(0o644)
    assert sources_in(str(path), "--read-only") == sources
