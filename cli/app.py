"""The ``factdb`` command: global options, the command groups, and one-line errors.

Every command is a thin wrapper over a library function; errors the user can cause
(:class:`factdb.errors.FactdbError`) become one line on stderr and exit code 1, usage errors exit
2, and no traceback is shown unless ``--debug``.
"""

from __future__ import annotations

import os
import sys

import typer
from typer.core import TyperGroup

from factdb import __version__
from factdb.errors import FactdbError

from . import db
from .state import CliState, state


class FactdbGroup(TyperGroup):
    """The root group: turns every error raised under it into one line and an exit code."""

    def invoke(self, ctx):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, BrokenPipeError):
            raise
        except Exception as exc:  # noqa: BLE001 - the one place errors meet the user
            if _debug(ctx) or _is_click_exception(exc):
                raise
            typer.echo(f"error: {_one_line(exc)}", err=True)
            raise typer.Exit(130 if isinstance(exc, KeyboardInterrupt) else 1) from None
        finally:
            if isinstance(ctx.obj, CliState):
                ctx.obj.close()


def _debug(ctx) -> bool:
    return isinstance(ctx.obj, CliState) and ctx.obj.debug


def _is_click_exception(exc: BaseException) -> bool:
    # Usage errors and the like come from Typer's vendored Click; it renders them itself (exit 2).
    return any(cls.__name__ in ("ClickException", "Exit", "Abort") for cls in type(exc).__mro__)


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, FactdbError):
        return " ".join(str(exc).split())
    # Deferred: SQLAlchemy loads with the store, and `--help` or a usage error never opens one.
    from sqlalchemy.exc import DBAPIError

    from factdb.store.engine import first_line

    if isinstance(exc, DBAPIError):
        return f"database error: {first_line(exc.orig)}"
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.strerror or exc}: {exc.filename}"
    return f"unexpected {type(exc).__name__}: {first_line(exc)} (run with --debug for details)"


app = typer.Typer(
    cls=FactdbGroup,
    name="factdb",
    help="Track factual claims across news sources: who said what, who denied it, and when.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(db.app, name="db")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"factdb {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db_url: str = typer.Option(
        None,
        "--db",
        envvar="FACTDB_DATABASE_URL",
        help="Store URL (sqlite:///path.db, postgresql://user@host/db) or a SQLite file path. "
        "Default: a SQLite file in your data directory.",
        show_envvar=True,
    ),
    read_only: bool = typer.Option(
        False, "--read-only", help="Open the store for reading only; commands that write exit 1. "
        "Automatic when the SQLite file or its folder is not writable.",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks instead of one-line errors."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Track factual claims across news sources."""
    current = state(ctx)
    current.db_url = db_url
    current.read_only = read_only
    current.debug = debug


def main() -> None:
    """Entry point of the ``factdb`` console script."""
    try:
        app()
    except BrokenPipeError:
        # `factdb export | head`: the reader left; say nothing (Python's documented recipe).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


def _register() -> None:
    from . import claims, report, sources

    for command in (sources.add, sources.extract, sources.sources, claims.claims, claims.show, claims.match,
                    claims.history, claims.contradictions, claims.review, claims.merge, claims.unmerge,
                    claims.stats, claims.export, report.report):
        app.command(command.__name__)(command)


_register()
