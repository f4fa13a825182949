"""The ``report`` command: a self-contained HTML page of the store (:mod:`factdb.report`, imported
when the command runs)."""

from __future__ import annotations

from pathlib import Path

import typer

from .render import parse_date_option
from .state import state


def report(
    ctx: typer.Context,
    output: Path = typer.Option(Path("factdb-report.html"), "--output", "-o", help="The HTML file to write."),
    claim: list[int] = typer.Option(
        None,
        "--claim",
        help="Draw the timeline of this claim (repeatable). "
        "Default: the claims in contradictions and the 50 most-contested claims.",
    ),
    since: str = typer.Option(
        None, help="Only claims and contradictions stated in sources published on/after this date."
    ),
    speaker: str = typer.Option(None, help="Only claims and contradictions of this speaker (any alias)."),
    as_of: str = typer.Option(
        None, "--as-of", help="The world as it stood on this date (mentions, verdicts, statuses)."
    ),
) -> None:
    """Write a self-contained HTML report: overview, contradictions side by side, claim timelines.

    No network requests, no CDN; readable with JavaScript off.

    Example: factdb report -o dam.html --since 2026-03-14 --speaker "Dariusz Lenk"
    """
    from factdb.report import write_report

    written = write_report(
        state(ctx).store(),
        output,
        claim_ids=claim or None,
        since=parse_date_option(since, "--since"),
        speaker=speaker,
        as_of=parse_date_option(as_of, "--as-of"),
    )
    typer.echo(str(written), err=True)
