"""What every command shares: the chosen store and the debug switch, carried in ``ctx.obj``.

The store package (and SQLAlchemy with it) is imported when a command opens the store, so that
``--help`` and usage errors start without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from factdb.store import Store


@dataclass
class CliState:
    """Options given before the command, and the store opened on first use."""

    db_url: str | None = None
    debug: bool = False
    read_only: bool = False
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        """The store, opened (and migrated when new) on first use."""
        if self._store is None:
            from factdb.store import open_store

            self._store = open_store(self.db_url, read_only=self.read_only)
        return self._store

    def writable_store(self) -> Store:
        """The store, for a command that writes: a read-only store is refused before any work."""
        from factdb.store.engine import require_writable

        store = self.store()
        require_writable(store.engine)
        return store

    def engine(self) -> Engine:
        """An engine on the store without checking its schema (for the ``db`` verbs); the caller disposes it."""
        from factdb.store import open_engine

        return open_engine(self.db_url, read_only=self.read_only)

    def close(self) -> None:
        """Release the store's connections."""
        if self._store is not None:
            self._store.close()
            self._store = None


def state(ctx: typer.Context) -> CliState:
    """The shared state of this invocation."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj
