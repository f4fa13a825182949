"""Schema migrations: the library side of ``factdb db upgrade | downgrade | current | check``.

The migration scripts ship inside the installed package (``factdb.migrations``, the ``alembic/``
folder of the repository), so they work from any directory after ``pip install``.

Opening a store that is up to date does not import Alembic (about a third of a short command's
start-up): the store's revision is read with plain SQL and the revisions this factdb knows are
read from the scripts' ``revision = ...`` lines.  Alembic is imported only to migrate.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from factdb.errors import StoreOutOfDate, StoreReadOnly, StoreUnavailable
from factdb.store.engine import describe, first_line, is_read_only, require_writable

if TYPE_CHECKING:
    from alembic.config import Config

#: The table in which Alembic records a store's revision.
VERSION_TABLE = "alembic_version"


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
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_directory()))
    return config


# `revision = "0001"` or `down_revision: str | None = None` at the start of a line of a script.
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)


def script_revisions() -> dict[str, tuple[str, ...]]:
    """Every revision in factdb's migration scripts, with the revisions it follows.

    Read from the scripts' ``revision`` and ``down_revision`` lines without importing Alembic
    (tests check the answer equals Alembic's own reading of the scripts).
    """
    revisions: dict[str, tuple[str, ...]] = {}
    for script in sorted((migrations_directory() / "versions").glob("*.py")):
        found = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        try:
            revision = ast.literal_eval(found["revision"])
            parents = ast.literal_eval(found.get("down_revision", "None"))
        except (KeyError, ValueError, SyntaxError):
            raise RuntimeError(f"cannot read the revision of migration script {script.name}") from None
        if parents is None:
            parents = ()
        elif isinstance(parents, str):
            parents = (parents,)
        revisions[revision] = tuple(parents)
    return revisions


def head_revision() -> str:
    """The revision this version of factdb needs: the one no other script follows."""
    revisions = script_revisions()
    followed = {parent for parents in revisions.values() for parent in parents}
    heads = sorted(set(revisions) - followed)
    if len(heads) != 1:
        raise RuntimeError(f"factdb's migrations have {len(heads)} heads; expected one")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    """The revision the store is at, or None for an empty (never migrated) store."""
    try:
        with engine.connect() as connection:
            return _revision_of(connection)
    except DBAPIError as exc:
        raise StoreUnavailable(f"cannot open the store {describe(engine)}: {first_line(exc.orig)}") from None


def _revision_of(connection: Connection) -> str | None:
    """The revision recorded in the store's version table (plain SQL, as Alembic reads it)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    found = list(connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())
    if len(found) > 1:
        raise StoreOutOfDate(
            f"{describe(connection.engine)} records several schema versions ({', '.join(sorted(found))}): "
            "not a factdb store?"
        )
    return found[0] if found else None


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


def _run(engine: Engine, action: str, *args, check=None) -> None:
    """Run the Alembic command named ``action`` under the migration lock; ``check(connection)``
    first, if given."""
    require_writable(engine)
    from alembic import command

    config = alembic_config()
    try:
        with _locked(engine) as connection:
            if check is not None and not check(connection):
                return
            config.attributes["connection"] = connection
            getattr(command, action)(config, *args)
    except DBAPIError as exc:
        raise StoreUnavailable(f"migration failed on {describe(engine)}: {first_line(exc.orig)}") from None


def _still_empty(connection: Connection) -> bool:
    """Under the migration lock: True when the store is still new and empty (migrate it), False
    when another process migrated it meanwhile; StoreOutOfDate when it holds foreign tables."""
    if _revision_of(connection) is not None:
        return False
    if set(inspect(connection).get_table_names()) - {VERSION_TABLE}:
        raise StoreOutOfDate(
            f"{describe(connection.engine)} holds tables but no factdb schema version: not a factdb store?"
        )
    return True


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate the store up to ``revision`` (default: the newest); return the revision reached."""
    _run(engine, "upgrade", revision)
    return current_revision(engine)


def downgrade(engine: Engine, revision: str = "-1") -> str | None:
    """Migrate the store down to ``revision`` (``-1``: one step, ``base``: empty); return it."""
    _run(engine, "downgrade", revision)
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
        if is_read_only(engine):
            raise StoreReadOnly(f"{describe(engine)} holds no factdb store, and opened read-only none is created")
        # Another process may be creating the same new store: decide again under the lock.
        _run(engine, "upgrade", "head", check=_still_empty)
        return
    if state.current not in script_revisions():
        raise StoreOutOfDate(
            f"the store is at schema {state.current}, written by a newer factdb: upgrade factdb"
        )
    raise StoreOutOfDate(f"the store is at schema {state.current}, factdb needs {state.head}: run `factdb db upgrade`")
