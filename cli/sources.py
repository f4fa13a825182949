"""``factdb add``, ``factdb extract`` and ``factdb sources``: getting reports in, and seeing them.

``add`` and ``extract`` import the extraction and ingest pipeline when they run, so that every
other command starts without it; ``sources`` imports :mod:`factdb.queries` (and SQLAlchemy) when
it runs, so that ``--help`` starts without the store.
"""

from __future__ import annotations

import json
import sys
from enum import Enum

import typer

from factdb.models import SourceMeta
from factdb.sources import MAX_SOURCE_BYTES, iter_sources

from .render import OutputFormat, emit_rows, parse_date_option, plain, short, stderr_console
from .state import state


class SourceFormat(str, Enum):
    auto = "auto"
    text = "text"
    html = "html"
    feed = "feed"
    jsonl = "jsonl"


def _override(url, outlet, title, published, author) -> SourceMeta:
    return SourceMeta(
        url=url, outlet=outlet, title=title, author=author, published_at=parse_date_option(published, "--published")
    )


def add(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(..., help="Files, folders (recursive), globs, or - for stdin."),
    url: str = typer.Option(None, help="Source URL (overrides what is detected)."),
    outlet: str = typer.Option(None, help="Publisher name."),
    title: str = typer.Option(None, help="Headline."),
    published: str = typer.Option(None, help="Publication date/time, ISO 8601."),
    author: str = typer.Option(None, help="Author."),
    source_format: SourceFormat = typer.Option(SourceFormat.auto, "--format", help="Force the input kind."),
    include_opinions: bool = typer.Option(False, "--include-opinions", help="Also store opinion sentences."),
    workers: int = typer.Option(1, "--workers", "-j", min=1, max=64, help="Parallel worker processes."),
    max_bytes: int = typer.Option(MAX_SOURCE_BYTES, "--max-bytes", help="Refuse sources larger than this."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress and no summary."),
) -> None:
    """Add sources: extract their claims, match them against the store, record contradictions.

    Reads plain text / Markdown (with an optional `key: value` header), HTML pages (extra
    `html`), RSS/Atom feeds (extra `feeds`) and JSONL batches (one {"text": ..., ...} per line).
    Re-adding a text already stored is reported as a duplicate and changes nothing.

    Example: factdb add samples/articles/ --outlet "Example Wire"
    """
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from factdb.ingest import add_sources

    store = state(ctx).writable_store()
    errors: list[str] = []
    console = stderr_console()
    raws = iter_sources(
        paths,
        stdin=sys.stdin.buffer if "-" in paths else None,
        meta_override=_override(url, outlet, title, published, author),
        max_bytes=max_bytes,
        kind=None if source_format is SourceFormat.auto else source_format.value,
        on_error=errors.append,
    )
    show_progress = not quiet and console.is_terminal
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} sources"),
        TimeElapsedColumn(), console=console, disable=not show_progress, transient=True,
    ) as progress:
        task = progress.add_task("adding", total=None)

        def advance(origin, outcome, error) -> None:
            progress.update(task, advance=1, description=short(origin, 40))

        summary = add_sources(store, raws, include_opinions=include_opinions, workers=workers, on_source=advance)
    for message in errors:
        summary.fail(message)
    for message in summary.errors:
        typer.echo(f"error: {message}", err=True)
    if not quiet:
        typer.echo(
            f"sources: {summary.sources_added} added, {summary.duplicates} duplicates skipped, {summary.failed} failed; "
            f"claims: {summary.claims_new} new, {summary.claims_matched} matched; "
            f"contradictions found: {summary.contradictions}",
            err=True,
        )
    if summary.failed:
        raise typer.Exit(1)


def extract(
    path: str = typer.Argument(..., help="A file, or - for stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array, one object per claim."),
    include_opinions: bool = typer.Option(False, "--include-opinions", help="Include opinion sentences."),
    source_format: SourceFormat = typer.Option(SourceFormat.auto, "--format", help="Force the input kind."),
    published: str = typer.Option(None, help="Publication date (overrides the header)."),
) -> None:
    """Show the claims factdb would extract from a source, without touching any store.

    Offsets (`start`, `end`) index the source's body text (after its header block).

    Example: factdb extract article.txt --json
    """
    from factdb.extract import extract_claims
    from factdb.ingest import to_document

    errors: list[str] = []
    raws = list(
        iter_sources(
            [path],
            stdin=sys.stdin.buffer if path == "-" else None,
            meta_override=_override(None, None, None, published, None),
            kind=None if source_format is SourceFormat.auto else source_format.value,
            on_error=errors.append,
        )
    )
    if errors:
        _fail(errors[0])
    results = []
    for raw in raws:
        extraction = extract_claims(to_document(raw), include_opinions=include_opinions)
        for claim in extraction.claims:
            item = plain(claim)
            item["quantities"] = [{"value": q.value, "unit": q.unit, "text": q.text, "counted": q.counted} for q in claim.quantities]
            item["entities"] = list(claim.entities)
            results.append(item)
    if as_json:
        typer.echo(json.dumps(results, ensure_ascii=False, indent=2, sort_keys=True))
        return
    rows = [
        {
            "speaker": c["speaker"] or "(outlet)",
            "stance": c["stance"] + (f" ({c['hedge_cue']})" if c["hedged"] else ""),
            "proposition": c["proposition"],
            "numbers": ", ".join(q["text"] for q in c["quantities"]),
        }
        for c in results
    ]
    emit_rows(rows, ["speaker", "stance", "proposition", "numbers"], OutputFormat.table, title=f"{len(rows)} claims")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def sources(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", "-n", help="At most this many (0: all)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List stored sources, newest first.

    Example: factdb sources --format csv > sources.csv
    """
    from factdb.queries import list_sources

    found = list_sources(state(ctx).store(), limit=limit or None)
    rows = [
        {
            "id": s.source_id,
            "published": s.published_at,
            "outlet": s.outlet,
            "title": s.title if fmt is not OutputFormat.table else short(s.title, 60),
            "mentions": s.mentions,
            "url": s.url,
            "story": s.story_id,
        }
        for s in found
    ]
    emit_rows(rows, ["id", "published", "outlet", "title", "mentions", "url", "story"], fmt)
