"""``factdb db``: create, migrate and inspect the store's schema.

Each verb imports the store modules (and SQLAlchemy with them) when it runs, so that ``--help``
starts without them.
"""

from __future__ import annotations

import typer

from .state import state

app = typer.Typer(help="Create, migrate and inspect the store's schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(ctx: typer.Context, revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Migrate the store up to REVISION (default: the newest schema).

    Example: factdb db upgrade
    """
    from factdb.store import migrate
    from factdb.store.engine import describe

    engine = state(ctx).engine()
    try:
        reached = migrate.upgrade(engine, revision)
        typer.echo(f"{describe(engine)}: schema at {reached}", err=True)
    finally:
        engine.dispose()


@app.command("downgrade")
def downgrade(ctx: typer.Context, revision: str = typer.Argument("-1", help="Target: -1 one step, base: empty.")) -> None:
    """Migrate the store down to REVISION (default: one step back).

    Example: factdb db downgrade base
    """
    from factdb.store import migrate
    from factdb.store.engine import describe

    engine = state(ctx).engine()
    try:
        reached = migrate.downgrade(engine, revision)
        typer.echo(f"{describe(engine)}: schema at {reached or 'base (empty)'}", err=True)
    finally:
        engine.dispose()


@app.command("current")
def current(ctx: typer.Context) -> None:
    """Print the store's schema revision (or "none" for an empty store).

    Example: factdb db current
    """
    from factdb.store import migrate

    engine = state(ctx).engine()
    try:
        typer.echo(migrate.current_revision(engine) or "none")
    finally:
        engine.dispose()


@app.command("check")
def check(ctx: typer.Context) -> None:
    """Exit 0 when the store's schema is the one this factdb needs, 1 otherwise.

    Example: factdb db check && factdb add news/
    """
    from factdb.store import migrate

    engine = state(ctx).engine()
    try:
        found = migrate.schema_state(engine)
    finally:
        engine.dispose()
    if not found.up_to_date:
        typer.echo(
            f"error: the store is at schema {found.current or 'none'}, factdb needs {found.head}: run `factdb db upgrade`",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"ok: schema at {found.head}")


@app.command("verify")
def verify(
    ctx: typer.Context,
    quick: bool = typer.Option(
        False, "--quick", help="Skip re-extracting the sources added before their claim count was stored (slow)."
    ),
) -> None:
    """Check the store's integrity; print each problem and exit 1 when there is any.

    Every source fully present with its mentions (as many as extraction gave claims when it was added),
    every mention's claim and offsets right, one claim per proposition, each claim's status equal
    to what its facts give, and the retrieval index in step with the claims.

    Example: factdb db verify || echo "store damaged"
    """
    from factdb.store.integrity import find_problems

    problems = find_problems(state(ctx).store(), reextract=not quick)
    for line in problems.lines():  # at most MAX_PER_RULE a rule, then "... and N more: <rule>"
        typer.echo(f"problem: {line}", err=True)
    if problems.total:
        typer.echo(f"error: {problems.total} integrity problems found", err=True)
        raise typer.Exit(1)
    typer.echo("ok: store is consistent")
