"""Rendering results: a table on a terminal, byte-stable JSON / JSONL / CSV for scripts.

Rich is imported when a table or a console is drawn, so commands that print plain lines or JSON
start without it.
"""

from __future__ import annotations

import csv
import enum
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields, is_dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import typer

from factdb.errors import InvalidArgument
from factdb.export import neutralise_cell
from factdb.sources import parse_published

if TYPE_CHECKING:
    from rich.console import Console


class OutputFormat(str, enum.Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def stdout_console() -> Console:
    """Rich console on stdout (honours NO_COLOR and a non-terminal stdout)."""
    from rich.console import Console

    return Console(file=sys.stdout, soft_wrap=False, highlight=False)


def stderr_console() -> Console:
    """Rich console on stderr, for progress and summaries."""
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False)


_JSON_SCALARS = frozenset({str, int, float, bool})


def plain(value: object) -> object:
    """A JSON-ready version of a value: enums by value, datetimes as ISO 8601 UTC with Z."""
    if value is None or type(value) in _JSON_SCALARS:  # most values; exact types, so no str enum
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if is_dataclass(value) and not isinstance(value, type):
        # Field by field, not dataclasses.asdict, which deep-copies every value first (32 s of
        # the 86 s that 57k contradictions took to print as JSON).
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def dumps(value: object) -> str:
    """Byte-stable JSON: sorted keys, UTF-8 kept as is."""
    return json.dumps(plain(value), ensure_ascii=False, sort_keys=True)


def emit_rows(rows: Sequence[Mapping[str, object]], columns: Sequence[str], fmt: OutputFormat, *, title: str | None = None) -> None:
    """Write rows as a table, a JSON array, JSON lines or CSV on stdout."""
    if fmt is OutputFormat.json:
        typer.echo(json.dumps([plain(r) for r in rows], ensure_ascii=False, sort_keys=True, indent=2))
    elif fmt is OutputFormat.jsonl:
        for row in rows:
            typer.echo(dumps(row))
    elif fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise_cell(_cell(row.get(c))) for c in columns])
    else:
        from rich.table import Table

        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(_table_cell(row.get(c)) for c in columns))
        stdout_console().print(table)


def _table_cell(value: object) -> str:
    """A cell for a terminal table: times to the minute, in UTC ("2026-03-14 09:30"), so the
    propositions keep the width; JSON and CSV keep the full ISO 8601 time."""
    if isinstance(value, datetime):
        return (value.astimezone(timezone.utc) if value.tzinfo else value).strftime("%Y-%m-%d %H:%M")
    return _cell(value)


def _cell(value: object) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def parse_date_option(value: str | None, option: str) -> datetime | None:
    """A --since/--until/--as-of value as a UTC datetime (ISO 8601 date or time)."""
    if value is None:
        return None
    try:
        return parse_published(value)
    except Exception:  # noqa: BLE001 - any parse failure is the user's argument
        raise InvalidArgument(f"{option}: {value!r} is not a date (use YYYY-MM-DD or an ISO 8601 time)") from None


def short(text: str | None, width: int = 90) -> str:
    """A one-line excerpt."""
    if not text:
        return ""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def write_lines(lines: Iterable[str]) -> None:
    """Plain lines on stdout."""
    for line in lines:
        typer.echo(line)
