"""Browsing and curating claims: ``claims``, ``show``, ``match``, ``history``, ``contradictions``,
``review``, ``merge``, ``unmerge``, ``stats``, ``export``.

Each verb imports its library function when it runs: :mod:`factdb.queries` (and SQLAlchemy with
it) for the browsing verbs, :mod:`factdb.curate` (which loads the whole ingest pipeline) for the
curation verbs, so that ``--help`` starts without the store and browsing without the pipeline.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from factdb import export as exporters
from factdb.errors import InvalidArgument
from factdb.models import ClaimHistory, ClaimStatus, ContradictionKind, MentionRecord

from .render import OutputFormat, dumps, emit_rows, parse_date_option, plain, short, stdout_console, write_lines
from .state import state


class Verdict(str, Enum):
    confirmed = "confirmed"
    false = "false"
    misleading = "misleading"
    unproven = "unproven"
    retracted = "retracted"


class HistoryFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    claimreview = "claimreview"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    claimreview = "claimreview"


def claims(
    ctx: typer.Context,
    speaker: str = typer.Option(None, help="Only claims this speaker (any alias) stated or denied."),
    status: ClaimStatus = typer.Option(None, help="Only claims with this status now."),
    search: str = typer.Option(None, help="Rank by similarity to this text."),
    since: str = typer.Option(None, help="Stated in a source published on/after this date."),
    until: str = typer.Option(None, help="Stated in a source published on/before this date."),
    limit: int = typer.Option(50, "--limit", "-n", help="At most this many."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List claims, newest first (best match first with --search).

    Example: factdb claims --speaker "Dmitry Peskov" --status disputed
    """
    from factdb.queries import list_claims

    found = list_claims(
        state(ctx).store(), speaker=speaker, status=status, search=search,
        since=parse_date_option(since, "--since"), until=parse_date_option(until, "--until"), limit=limit,
    )
    rows = [
        {
            "id": c.claim_id,
            "status": c.status,
            "affirms": c.affirms,
            "denies": c.denies,
            "proposition": c.proposition if fmt is not OutputFormat.table else short(c.proposition, 100),
            "created": c.created_at,
        }
        for c in found
    ]
    emit_rows(rows, ["id", "status", "affirms", "denies", "proposition", "created"], fmt)


def _side(m: MentionRecord | None) -> str:
    if m is None:
        return "(unknown)"
    who = m.speaker or m.outlet or "(outlet)"
    if m.speaker_role:
        who = f"{m.speaker_role} {who}" if m.speaker else who
    when = m.published_at.date().isoformat() if m.published_at else "?"
    hedge = f", hedged: {m.hedge_cue}" if m.hedged else ""
    return f"{m.stance.value}{hedge} — {who}, {m.outlet or 'unknown outlet'}, {when}: “{short(m.quote, 160)}”"


def _history_text(history: ClaimHistory) -> list[str]:
    lines = [f"claim {history.claim_id}: {history.proposition}", f"status: {history.status.value if history.status else 'none'}", ""]
    events: list[tuple] = []
    for m in history.mentions:
        events.append((m.published_at or m.recorded_at, 0, f"  {_date(m.published_at or m.recorded_at)}  {_side(m)}"))
    for c in history.changes:
        by = f" by {c.reviewer}" if c.reviewer else ""
        note = f" — {c.note}" if c.note else ""
        events.append((c.valid_at, 1, f"  {_date(c.valid_at)}  → status {c.status.value} ({c.cause.value}{by}){note}"))
    lines.extend(line for _, _, line in sorted(events, key=lambda e: (e[0], e[1])))
    return lines


def _date(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "?"


def show(ctx: typer.Context, claim_id: int = typer.Argument(..., help="Claim id.")) -> None:
    """Show a claim, its status now, and every mention (stance, speaker, source, date, quote).

    Example: factdb show 12
    """
    from factdb.queries import claim_history

    write_lines(_history_text(claim_history(state(ctx).store(), claim_id)))


def history(
    ctx: typer.Context,
    claim_id: int = typer.Argument(..., help="Claim id."),
    fmt: HistoryFormat = typer.Option(HistoryFormat.text, "--format", "-f", help="Output format."),
    as_of: str = typer.Option(None, "--as-of", help="The claim's life as it stood in the world on this date."),
    known_at: str = typer.Option(None, "--known-at", help="Only what factdb had recorded by this date."),
) -> None:
    """A claim's life: mentions and status changes in time order.

    Example: factdb history 12 --as-of 2026-03-15 --format json
    """
    from factdb.queries import claim_history

    found = claim_history(
        state(ctx).store(), claim_id, as_of=parse_date_option(as_of, "--as-of"),
        known_at=parse_date_option(known_at, "--known-at"),
    )
    if fmt is HistoryFormat.text:
        write_lines(_history_text(found))
    elif fmt is HistoryFormat.json:
        typer.echo(exporters.histories_to_json([found]))
    elif fmt is HistoryFormat.csv:
        exporters.write_csv([found], sys.stdout)
    else:
        typer.echo(dumps(exporters.claimreview(found)))


def match(
    ctx: typer.Context,
    text: str = typer.Argument(..., help='A sentence, or - to read one text per line from stdin (JSON lines out).'),
    limit: int = typer.Option(5, "--limit", "-n", help="How many nearest claims."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """The stored claims nearest to a text, with scores and the reason.

    Example: factdb match "Putin has not rejected the US peace plan"
    """
    from factdb.queries import match_text

    store = state(ctx).store()
    if text == "-":
        for line in sys.stdin:
            query = line.rstrip("\n")
            if not query.strip():
                continue
            found = match_text(store, query, limit=limit)
            typer.echo(dumps({"query": query, "matches": [_match_row(m) for m in found]}))
        return
    rows = [_match_row(m) for m in match_text(store, text, limit=limit)]
    emit_rows(rows, ["id", "score", "relation", "reason", "proposition", "status"], fmt)


def _match_row(found) -> dict:
    return {
        "id": found.match.claim_id,
        "score": round(found.match.score, 3),
        "relation": found.match.relation,
        "contradiction": found.match.contradiction,
        "reason": found.match.reason,
        "proposition": found.proposition,
        "status": found.status,
    }


def contradictions(
    ctx: typer.Context,
    since: str = typer.Option(None, help="Detected on/after this date."),
    speaker: str = typer.Option(None, help="Only where this speaker is on either side."),
    kind: ContradictionKind = typer.Option(None, help="polarity, numeric or antonym."),
    limit: int = typer.Option(None, "--limit", "-n", help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="Same as --format json."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List contradicting claims, each with both sides: claim, stance, speaker, source, date, quote.

    Example: factdb contradictions --kind numeric --since 2026-03-01
    """
    from factdb.queries import list_contradictions

    found = list_contradictions(
        state(ctx).store(), since=parse_date_option(since, "--since"), speaker=speaker, kind=kind, limit=limit
    )
    fmt = OutputFormat.json if as_json else fmt
    if fmt is OutputFormat.table:
        console = stdout_console()
        if not found:
            console.print("no contradictions")
        for c in found:
            console.print(f"[bold]{c.kind.value}[/bold] claim {c.claim_id}" + (f" vs claim {c.other_claim_id}" if c.other_claim_id != c.claim_id else "") + f": {c.reason or ''}", markup=True, highlight=False)
            console.print(f"  A  [{c.claim_id}] {c.proposition}", markup=False)
            console.print(f"     {_side(c.side)}", markup=False)
            console.print(f"  B  [{c.other_claim_id}] {c.other_proposition}", markup=False)
            console.print(f"     {_side(c.other_side)}", markup=False)
        return
    rows = [
        {
            "kind": c.kind, "claim_id": c.claim_id, "proposition": c.proposition, "other_claim_id": c.other_claim_id,
            "other_proposition": c.other_proposition, "reason": c.reason, "detected_at": c.detected_at,
            "side": plain(c.side), "other_side": plain(c.other_side),
        }
        for c in found
    ]
    emit_rows(rows, list(rows[0]) if rows else ["kind", "claim_id", "proposition"], fmt)


def review(
    ctx: typer.Context,
    claim_id: int = typer.Argument(..., help="Claim id."),
    status: Verdict = typer.Option(..., "--status", "-s", help="The verdict."),
    note: str = typer.Option(None, help="Why."),
    reviewer: str = typer.Option(..., "--reviewer", "-r", envvar="FACTDB_REVIEWER", help="Who reviews."),
    url: str = typer.Option(None, help="Where the review is published."),
    date: str = typer.Option(None, "--date", help="When the verdict holds from (default: now)."),
) -> None:
    """Give a claim a reviewer's verdict (confirmed, false, misleading, unproven, retracted).

    Example: factdb review 12 --status false --reviewer "Desk A" --note "Video shows otherwise"
    """
    from factdb.curate import review_claim

    changes = review_claim(
        state(ctx).writable_store(), claim_id, ClaimStatus(status.value), reviewer=reviewer, note=note, url=url,
        reviewed_at=parse_date_option(date, "--date"),
    )
    typer.echo(f"claim {claim_id}: {status.value}" + ("" if changes else " (status unchanged)"), err=True)


def merge(
    ctx: typer.Context,
    keep: int = typer.Argument(..., help="The claim that stays."),
    other: int = typer.Argument(..., help="The claim merged into it."),
    reviewer: str = typer.Option("reviewer", "--reviewer", "-r", envvar="FACTDB_REVIEWER", help="Who merges."),
) -> None:
    """Merge two claims that state one proposition (undo with `factdb unmerge`).

    Example: factdb merge 12 31
    """
    from factdb.curate import merge_claims

    kept = merge_claims(state(ctx).writable_store(), keep, other, reviewer=reviewer)
    typer.echo(f"claim {other} merged into {kept} (undo: factdb unmerge {other})", err=True)


def unmerge(ctx: typer.Context, claim_id: int = typer.Argument(..., help="The claim that was merged away.")) -> None:
    """Undo a merge: the claim gets its own mentions back.

    Example: factdb unmerge 31
    """
    from factdb.curate import unmerge_claim

    left = unmerge_claim(state(ctx).writable_store(), claim_id)
    typer.echo(f"claim {claim_id} separated from {left}", err=True)


def stats(ctx: typer.Context, fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f")) -> None:
    """Counts at a glance: sources, claims, mentions, speakers, contradictions, claims by status.

    Example: factdb stats --format json
    """
    from factdb.queries import store_stats

    found = store_stats(state(ctx).store())
    if fmt is OutputFormat.table:
        for key, value in found.items():
            typer.echo(f"{key:24} {dumps(value) if isinstance(value, dict) else value}")
        return
    if fmt is OutputFormat.csv:
        raise InvalidArgument("stats has no CSV form: use --format json")
    typer.echo(dumps(found))


def export(
    ctx: typer.Context,
    fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", "-f", help="jsonl, json, csv or claimreview."),
    output: Path = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
) -> None:
    """Export every claim with its history (mentions and status changes).

    Example: factdb export --format claimreview -o reviews.jsonld
    """
    from factdb.queries import iter_histories

    histories = iter_histories(state(ctx).store())
    writers = {
        ExportFormat.jsonl: exporters.write_jsonl,
        ExportFormat.json: exporters.write_json,
        ExportFormat.csv: exporters.write_csv,
        ExportFormat.claimreview: exporters.write_claimreview,
    }
    if output is None:
        writers[fmt](histories, sys.stdout)
        return
    partial = output.with_name(output.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as out:
        writers[fmt](histories, out)
    partial.replace(output)
    typer.echo(f"wrote {output}", err=True)
