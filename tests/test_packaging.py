"""The wheel a user installs: console script, migrations inside, no stray top-level `cli`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from factdb.store.migrate import head_revision

REPO = Path(__file__).resolve().parents[1]

# One worker builds the wheel for both tests (two parallel builds in one tree race on build/).
pytestmark = pytest.mark.xdist_group("packaging")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # Built from a copy: setuptools writes build/ and *.egg-info into the tree it builds, and a
    # half-written build/ left by an interrupted run breaks every later build of the checkout.
    source = tmp_path_factory.mktemp("source") / "factdb"
    shutil.copytree(
        REPO, source,
        ignore=shutil.ignore_patterns(".git", ".venv", "out", "build", "dist", "*.egg-info", "__pycache__", ".*cache"),
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("factdb-*.whl")
    return built


def test_wheel_ships_migrations_inside_factdb_and_no_top_level_cli(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "factdb/migrations/env.py" in names
    assert "factdb/migrations/script.py.mako" in names
    assert any(n.startswith("factdb/migrations/versions/0001") for n in names)
    assert "factdb/cli/app.py" in names
    assert not any(n.startswith(("cli/", "alembic/", "tests/")) for n in names)


@pytest.mark.slow
def test_installed_wheel_runs_help_and_db_upgrade_from_any_directory(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    factdb = env_dir / "bin" / "factdb"
    help_run = subprocess.run([factdb, "--help"], cwd=elsewhere, capture_output=True, text=True)
    assert help_run.returncode == 0 and "Track factual claims" in help_run.stdout
    store = elsewhere / "new.db"
    upgrade = subprocess.run([factdb, "--db", str(store), "db", "upgrade"], cwd=elsewhere, capture_output=True, text=True)
    assert upgrade.returncode == 0, upgrade.stderr
    current = subprocess.run([factdb, "--db", str(store), "db", "current"], cwd=elsewhere, capture_output=True, text=True)
    assert current.stdout.strip() == head_revision()
