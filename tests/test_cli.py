"""Every command through Typer's CliRunner on SQLite and PostgreSQL: formats and error paths."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factdb.cli.app import app

from tests.samples import IGNORED_WARNINGS, SAMPLES

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]


def run(db_url: str, *args: str, input: str | None = None, ok: bool = True, env: dict | None = None):
    result = runner.invoke(app, ["--db", db_url, *args], input=input, env=env)
    if ok:
        assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
    return result


@pytest.fixture
def loaded(db_url) -> str:
    """A store holding every bundled sample source."""
    result = run(db_url, "add", str(SAMPLES))
    assert " 0 failed" in result.stderr
    return db_url


def claim_id_of(db_url: str, text: str) -> int:
    out = run(db_url, "claims", "--search", text, "-n", "1", "--format", "json").stdout
    return json.loads(out)[0]["id"]


def test_add_reports_a_summary_and_readding_is_all_duplicates(loaded):
    again = run(loaded, "add", str(SAMPLES))
    assert re.search(r"sources: 0 added, \d+ duplicates skipped, 0 failed", again.stderr)


def test_add_from_stdin_with_metadata_overrides(db_url):
    result = run(db_url, "add", "-", "--outlet", "Stdin Times", "--published", "2026-03-20",
                 input="The council approved the plan on Monday, chairman Edvard Lusk said.\n")
    assert "1 added" in result.stderr
    rows = json.loads(run(db_url, "sources", "--format", "json").stdout)
    assert rows[0]["outlet"] == "Stdin Times" and rows[0]["published"].startswith("2026-03-20")


def test_add_missing_path_fails_with_one_line_and_exit_1(db_url, tmp_path):
    result = run(db_url, "add", str(tmp_path / "nope.txt"), ok=False)
    assert result.exit_code == 1
    assert "nope.txt" in result.stderr and "Traceback" not in result.output


def test_add_empty_file_fails_and_stores_nothing(db_url, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    assert run(db_url, "add", str(empty), ok=False).exit_code == 1
    assert json.loads(run(db_url, "sources", "--format", "json").stdout) == []


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_claims_in_every_format(loaded, fmt):
    out = run(loaded, "claims", "--format", fmt, "-n", "5").stdout
    if fmt == "json":
        assert len(json.loads(out)) == 5
    elif fmt == "jsonl":
        assert len([json.loads(line) for line in out.splitlines()]) == 5
    elif fmt == "csv":
        assert len(list(csv.reader(io.StringIO(out)))) == 6
    else:
        assert "proposition" in out


def test_tables_give_times_to_the_minute_and_json_the_full_time(loaded):
    """A table keeps its width for the propositions; JSON and CSV keep the exact ISO 8601 time."""
    published = json.loads(run(loaded, "sources", "--format", "json", "-n", "1").stdout)[0]["published"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z", published)
    minute = published[:16].replace("T", " ")
    table = run(loaded, "sources", "-n", "1", env={"COLUMNS": "200"}).stdout
    assert minute in table and published not in table and published[:19] not in table


def test_claims_filters(loaded):
    disputed = json.loads(run(loaded, "claims", "--status", "disputed", "--format", "json").stdout)
    assert disputed and all(c["status"] == "disputed" for c in disputed)
    by_lenk = json.loads(run(loaded, "claims", "--speaker", "Mr Lenk", "--format", "json").stdout)
    assert by_lenk and all(c["denies"] + c["affirms"] >= 1 for c in by_lenk)
    none_yet = json.loads(run(loaded, "claims", "--until", "2020-01-01", "--format", "json").stdout)
    assert none_yet == []


def test_show_lists_every_mention_with_stance_and_speaker(loaded):
    claim = claim_id_of(loaded, IGNORED_WARNINGS)
    out = run(loaded, "show", str(claim)).stdout
    assert "affirms" in out and "denies" in out and "Dariusz Lenk" in out
    assert "status: disputed" in out


def test_contradictions_json_has_both_sides(loaded):
    found = json.loads(run(loaded, "contradictions", "--json").stdout)
    kinds = {c["kind"] for c in found}
    assert {"polarity", "numeric", "antonym"} <= kinds
    for c in found:
        for side in ("side", "other_side"):
            assert c[side]["quote"] and c[side]["stance"] in ("affirms", "denies")
    numeric = json.loads(run(loaded, "contradictions", "--kind", "numeric", "--format", "json").stdout)
    assert numeric and all(c["kind"] == "numeric" for c in numeric)


def test_contradictions_table_names_speakers(loaded):
    out = run(loaded, "contradictions").stdout
    assert "polarity" in out and "Lenk" in out


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "claimreview"])
def test_history_in_every_format(loaded, fmt):
    claim = claim_id_of(loaded, IGNORED_WARNINGS)
    out = run(loaded, "history", str(claim), "--format", fmt).stdout
    if fmt == "json":
        assert json.loads(out)[0]["claim_id"] == claim
    elif fmt == "claimreview":
        reviews = json.loads(out)
        assert reviews and reviews[0]["@type"] == "ClaimReview"
    elif fmt == "csv":
        assert out.startswith("claim_id,")
    else:
        assert f"claim {claim}" in out


def test_history_as_of_before_the_denial_shows_reported(loaded):
    claim = claim_id_of(loaded, IGNORED_WARNINGS)
    out = run(loaded, "history", str(claim), "--as-of", "2026-03-14T12:00:00Z").stdout
    assert "status: reported" in out


def test_review_sets_a_verdict_that_history_shows(loaded):
    claim = claim_id_of(loaded, IGNORED_WARNINGS)
    run(loaded, "review", str(claim), "--status", "false", "--reviewer", "Desk A", "--note", "Inspection logs")
    out = run(loaded, "history", str(claim)).stdout
    assert "status: false" in out and "Desk A" in out


def test_merge_and_unmerge(loaded):
    rows = json.loads(run(loaded, "claims", "--format", "json", "-n", "2").stdout)
    keep, other = rows[0]["id"], rows[1]["id"]
    run(loaded, "merge", str(keep), str(other))
    assert f"claim {keep}:" in run(loaded, "show", str(other)).stdout
    run(loaded, "unmerge", str(other))
    assert f"claim {other}:" in run(loaded, "show", str(other)).stdout


def test_unmerge_gives_back_the_verdict_given_on_the_unmerged_claim(loaded):
    keep, other = (row["id"] for row in json.loads(run(loaded, "claims", "--format", "json", "-n", "2").stdout))
    run(loaded, "review", str(other), "--status", "false", "--reviewer", "Desk A")
    run(loaded, "merge", str(keep), str(other))
    assert "status: false" in run(loaded, "show", str(keep)).stdout
    run(loaded, "unmerge", str(other))
    assert "status: false" in run(loaded, "show", str(other)).stdout
    assert "status: false" not in run(loaded, "show", str(keep)).stdout


def test_match_explains_opposite_stance(loaded):
    out = json.loads(run(loaded, "match", "Corvath Hydro did not ignore repeated safety warnings about the dam",
                         "--format", "json").stdout)
    assert out and "opposite stance" in out[0]["reason"]


def test_match_stdin_answers_each_line_as_json(loaded):
    out = run(loaded, "match", "-", input="Corvath Hydro ignored safety warnings\n\nThe council approved the plan\n").stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 2 and all("matches" in line for line in lines)


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "claimreview"])
def test_export_to_file(loaded, fmt, tmp_path):
    target = tmp_path / f"export.{fmt}"
    run(loaded, "export", "--format", fmt, "-o", str(target))
    body = target.read_text(encoding="utf-8")
    assert body
    if fmt == "jsonl":
        assert all(json.loads(line)["claim_id"] for line in body.splitlines())
    if fmt == "json":
        assert isinstance(json.loads(body), list)
    assert not list(tmp_path.glob("*.partial"))


def test_stats(loaded):
    found = json.loads(run(loaded, "stats", "--format", "json").stdout)
    assert found["sources"] >= 7 and found["claims"] > 20 and found["contradictions"] >= 3


def test_extract_json_offsets_slice_the_body(tmp_path):
    path = sorted(SAMPLES.glob("01_*.txt"))[0]
    out = runner.invoke(app, ["extract", str(path), "--json"])
    assert out.exit_code == 0, out.stderr
    claims = json.loads(out.stdout)
    body = path.read_text(encoding="utf-8").split("\n\n", 1)[1]
    assert claims and all(body[c["start"] : c["end"]] == c["text"] for c in claims)


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "999999"], "no claim with id 999999"),
        (["history", "999999"], "no claim with id 999999"),
        (["review", "999999", "--status", "false", "--reviewer", "x"], "no claim with id 999999"),
        (["claims", "--since", "yesterday-ish"], "--since"),
        (["history", "1", "--as-of", "13/13/2026"], "--as-of"),
    ],
)
def test_errors_are_one_line_with_exit_1(db_url, args, message):
    result = run(db_url, *args, ok=False)
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_unknown_format_is_a_usage_error(db_url):
    assert run(db_url, "claims", "--format", "xml", ok=False).exit_code == 2


def test_every_command_is_in_the_readme_and_has_an_example():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    names = [c.name or c.callback.__name__ for c in app.registered_commands] + [g.name for g in app.registered_groups]
    for name in names:
        assert f"factdb {name}" in readme, f"`factdb {name}` is missing from README.md"
    for command in app.registered_commands:
        assert "Example:" in (command.callback.__doc__ or ""), f"{command.callback.__name__} --help has no example"
