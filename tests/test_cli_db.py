"""`factdb db ...` and the global options, through Typer's CliRunner."""

from __future__ import annotations

from typer.testing import CliRunner

from factdb.cli.app import app
from factdb.store.migrate import head_revision

runner = CliRunner()


def test_db_upgrade_then_current_and_check(db_url):
    assert runner.invoke(app, ["--db", db_url, "db", "current"]).stdout.strip() == "none"
    check = runner.invoke(app, ["--db", db_url, "db", "check"])
    assert check.exit_code == 1 and "run `factdb db upgrade`" in check.stderr
    assert runner.invoke(app, ["--db", db_url, "db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["--db", db_url, "db", "current"]).stdout.strip() == head_revision()
    assert runner.invoke(app, ["--db", db_url, "db", "check"]).exit_code == 0


def test_db_downgrade_to_base_empties_the_schema(db_url):
    runner.invoke(app, ["--db", db_url, "db", "upgrade"])
    result = runner.invoke(app, ["--db", db_url, "db", "downgrade", "base"])
    assert result.exit_code == 0
    assert runner.invoke(app, ["--db", db_url, "db", "current"]).stdout.strip() == "none"


def test_database_url_from_environment(tmp_path):
    url = f"sqlite:///{tmp_path / 'env.db'}"
    result = runner.invoke(app, ["db", "upgrade"], env={"FACTDB_DATABASE_URL": url})
    assert result.exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_unreachable_database_is_one_line_and_exit_1():
    result = runner.invoke(app, ["--db", "postgresql://postgres@127.0.0.1:5999/x", "db", "current"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: cannot open the store")
    assert "Traceback" not in result.output


def test_unknown_command_is_usage_error_exit_2():
    assert runner.invoke(app, ["db", "frobnicate"]).exit_code == 2


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("factdb ")
