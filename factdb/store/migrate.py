"""Schema migrations: the library side of ``factdb db upgrade | downgrade | current | check``.

The migration scripts ship inside the installed package (``factdb.migrations``, the ``alembic/``
folder of the repository), so they work from any directory after ``pip install``.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from factdb.errors import StoreOutOfDate, StoreUnavailable
from factdb.store.engine import describe, first_line


def migrations_directory() -> Path:
    """Where the Alembic scripts are: inside the installed package, or the checkout's alembic/."""
    spec = importlib.util.find_spec("factdb.migrations")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if (Path(location) / "env.py").exists():
                return Path(location)
    checkout = Path(__file__).resolve().parents[2] / "alembic"
    if (checkout / "env.py").exists():
        return checkout
    raise RuntimeError("factdb's migration scripts are missing from this installation")


def alembic_config() -> Config:
    """An Alembic configuration pointing at factdb's migrations (no ini file needed)."""
    config = Config()
    config.set_main_option("script_location", str(migrations_directory()))
    return config


def head_revision() -> str:
    """The revision this version of factdb needs."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"factdb's migrations have {len(heads)} heads; expected one")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    """The revision the store is at, or None for an empty (never migrated) store."""
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except DBAPIError as exc:
        raise StoreUnavailable(f"cannot open the store {describe(engine)}: {first_line(exc.orig)}") from None


#: PostgreSQL advisory lock held while migrating, so concurrent first uses of a new store
#: migrate it once (SQLite's BEGIN IMMEDIATE does this by itself).
MIGRATION_LOCK = 0x0FAC7DB0


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the store's migration lock (commits on success).

    SQLite: ``BEGIN IMMEDIATE`` (a deferred transaction that reads the version, then writes,
    fails at once with "database is locked" under a concurrent writer, whatever the busy
    timeout).  PostgreSQL: a transaction-scoped advisory lock.

    On SQLite, foreign keys are off while migrating: a batch migration rebuilds a table (copy,
    drop, rename), and dropping a table that other rows reference fails ("FOREIGN KEY constraint
    failed") with them on.  ``PRAGMA foreign_key_check`` then runs before the commit instead.
    """
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # only outside a transaction: straight to the driver, before SQLAlchemy's BEGIN
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                yield connection
                if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").first()):
                    raise StoreUnavailable(f"migration would break a foreign key in table {broken[0]}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


def _run(engine: Engine, action, *args, check=None) -> None:
    """Run an Alembic command under the migration lock; ``check(connection)`` first, if given."""
    config = alembic_config()
    try:
        with _locked(engine) as connection:
            if check is not None and not check(connection):
                return
            config.attributes["connection"] = connection
            action(config, *args)
    except DBAPIError as exc:
        raise StoreUnavailable(f"migration failed on {describe(engine)}: {first_line(exc.orig)}") from None


def _still_empty(connection: Connection) -> bool:
    """Under the migration lock: True when the store is still new and empty (migrate it), False
    when another process migrated it meanwhile; StoreOutOfDate when it holds foreign tables."""
    if MigrationContext.configure(connection).get_current_revision() is not None:
        return False
    if set(inspect(connection).get_table_names()) - {"alembic_version"}:
        raise StoreOutOfDate(
            f"{describe(connection.engine)} holds tables but no factdb schema version: not a factdb store?"
        )
    return True


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate the store up to ``revision`` (default: the newest); return the revision reached."""
    _run(engine, command.upgrade, revision)
    return current_revision(engine)


def downgrade(engine: Engine, revision: str = "-1") -> str | None:
    """Migrate the store down to ``revision`` (``-1``: one step, ``base``: empty); return it."""
    _run(engine, command.downgrade, revision)
    return current_revision(engine)


@dataclass(frozen=True)
class SchemaState:
    """Where a store stands against this version of factdb."""

    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def schema_state(engine: Engine) -> SchemaState:
    """The store's revision beside the one factdb needs."""
    return SchemaState(current=current_revision(engine), head=head_revision())


def ensure_current(engine: Engine) -> None:
    """Make the store usable: migrate a new empty store; refuse one whose schema differs.

    Raises :class:`StoreOutOfDate` with the command to run when the store is behind, and when it
    was written by a newer factdb.
    """
    state = schema_state(engine)
    if state.up_to_date:
        return
    if state.current is None:
        # Another process may be creating the same new store: decide again under the lock.
        _run(engine, command.upgrade, "head", check=_still_empty)
        return
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if state.current not in known:
        raise StoreOutOfDate(
            f"the store is at schema {state.current}, written by a newer factdb: upgrade factdb"
        )
    raise StoreOutOfDate(f"the store is at schema {state.current}, factdb needs {state.head}: run `factdb db upgrade`")
