"""What every command shares: the chosen store and the debug switch, carried in ``ctx.obj``."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer

from factdb.store import Store, open_store


@dataclass
class CliState:
    """Options given before the command, and the store opened on first use."""

    db_url: str | None = None
    debug: bool = False
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        """The store, opened (and migrated when new) on first use."""
        if self._store is None:
            self._store = open_store(self.db_url)
        return self._store

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
