"""Where the store lives and how to talk to it: URL resolution, engines, transactions.

SQLite gets WAL, foreign keys, a busy timeout and ``BEGIN IMMEDIATE`` for writes (see
shared/PITFALLS.md: a deferred transaction that later writes fails at once with "database is
locked" in WAL mode).  Writes are retried with backoff on lock and serialization failures, so a
user never sees them.

A store can be opened read-only: asked for (``read_only=True``, or ``?mode=ro`` in a SQLite URL),
or because the SQLite file or its folder is not writable (a read-only mount, a 0444 file).  SQLite
then opens the file with ``mode=ro``, and with ``immutable=1`` where it may not create the WAL's
``-shm``/``-wal`` files; PostgreSQL sessions get ``default_transaction_read_only``.  Every write
raises :class:`StoreReadOnly` before touching the store.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote, unquote

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session

from factdb.errors import StoreReadOnly, StoreUnavailable

ENV_DATABASE_URL = "FACTDB_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_MAPPED_BYTES = 1 << 31
"""How much of a SQLite file a mapped read session (``Store.read(mapped=True)``) reads through
memory mapping rather than ``read()`` calls (SQLite caps it, at ~2 GB by default)."""
RETRIES = 12

T = TypeVar("T")


def default_database_url() -> str:
    """The default store: a SQLite file in the user's data directory."""
    return f"sqlite:///{Path(user_data_dir('factdb', appauthor=False)) / 'factdb.db'}"


def resolve_database_url(url: str | None = None) -> URL:
    """The store URL from ``url``, else ``$FACTDB_DATABASE_URL``, else the default SQLite file.

    A plain file path means a SQLite file; ``postgres://`` and ``postgresql://`` use psycopg 3.
    """
    raw = url or os.environ.get(ENV_DATABASE_URL) or default_database_url()
    if "://" not in raw:
        raw = f"sqlite:///{Path(raw).expanduser().absolute()}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            raw = "postgresql+psycopg://" + raw[len(prefix) :]
    try:
        parsed = make_url(raw)
    except ArgumentError as exc:
        raise StoreUnavailable(f"invalid database URL {raw!r}: {exc}") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreUnavailable(
            f"unsupported database {parsed.get_backend_name()!r}: use a SQLite file or postgresql+psycopg://"
        )
    return parsed


def create_store_engine(url: str | URL | None = None, *, read_only: bool = False) -> Engine:
    """An engine for the store at ``url`` (see :func:`resolve_database_url`), configured for factdb.

    With ``read_only`` (or when a SQLite file cannot be written) the engine only reads: see
    :func:`is_read_only`.
    """
    parsed = url if isinstance(url, URL) else resolve_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, read_only=read_only)
    if read_only:
        options = " ".join(filter(None, [parsed.query.get("options"), READ_ONLY_OPTION]))
        parsed = parsed.update_query_dict({"options": options})
    try:
        return _fork_safe(create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 5}))
    except Exception as exc:  # a missing driver or a bad option in the URL
        raise StoreUnavailable(f"cannot use database URL {parsed.render_as_string(hide_password=True)}: {exc}") from None


def _fork_safe(engine: Engine) -> Engine:
    """``engine`` with a pool that a forked process does not share: a pooled connection opened in
    another process is dropped unclosed (it is the parent's) and a new one is opened (SQLAlchemy's
    recipe for ``os.fork``; SQLite forbids using a connection across a fork)."""

    @event.listens_for(engine, "connect")
    def _remember_process(_dbapi_connection, record) -> None:
        record.info["pid"] = os.getpid()

    @event.listens_for(engine, "checkout")
    def _same_process(_dbapi_connection, record, proxy) -> None:
        if record.info["pid"] != os.getpid():
            record.dbapi_connection = proxy.dbapi_connection = None
            raise DisconnectionError(f"connection opened by process {record.info['pid']}, not this one")

    return engine


#: What a read-only PostgreSQL engine adds to the connection's ``options``.
READ_ONLY_OPTION = "-c default_transaction_read_only=on"


def is_read_only(engine: Engine) -> bool:
    """True when ``engine`` was opened read-only (SQLite ``mode=ro``, PostgreSQL read-only sessions)."""
    if engine.dialect.name == "sqlite":
        return engine.url.query.get("mode") == "ro" or engine.url.query.get("immutable") == "1"
    return READ_ONLY_OPTION in engine.url.query.get("options", "")


def _sqlite_engine(url: URL, *, read_only: bool) -> Engine:
    database = url.database
    # A SQLite URI written by the user (sqlite:///file:...?mode=ro&uri=true) is taken as it is.
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database).expanduser()
        asked = url.query.get("mode") == "ro" or url.query.get("immutable") == "1"
        if read_only or asked or (path.exists() and not _writable(path)):
            url = _read_only_url(path, url.difference_update_query(["mode", "immutable", "uri"]))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
    # Pooled connections: closing the last connection to a WAL database checkpoints it (~20 ms at
    # 100k claims), which a connection per write paid on every source added.
    engine = _fork_safe(create_engine(url))
    writes = not is_read_only(engine)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:
        # Take transaction control away from the sqlite3 module (PITFALLS: SAVEPOINT, DDL).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if writes:  # a read-only connection can set neither (and the file is WAL already)
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        options = connection.get_execution_options()
        mapped = bool(options.get("sqlite_mapped", False))
        record = connection.connection.info  # lives as long as the driver's connection
        if record.get("mapped", False) != mapped:  # unmapping gives the mapped pages back
            connection.exec_driver_sql(f"PRAGMA mmap_size = {SQLITE_MAPPED_BYTES if mapped else 0}")
            record["mapped"] = mapped
        connection.exec_driver_sql(f"BEGIN {options.get('sqlite_begin', 'DEFERRED')}")

    return engine


def _writable(path: Path) -> bool:
    """True when this process may write the SQLite file and create its -wal/-shm files beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _read_only_url(path: Path, url: URL) -> URL:
    """The SQLite URI that reads the store at ``path`` without writing anything.

    ``mode=ro`` reads through the WAL, which needs the ``-shm`` file: it uses the one there or
    creates it.  Where this process cannot write, ``immutable=1`` is added when no changes wait in
    the ``-wal`` file: SQLite then creates no file at all (a read-only folder cannot take one, and
    one made read-only like the file would stop later writers) and reads the main file alone.
    Changes waiting in the ``-wal`` without a ``-shm`` to read them through cannot be read here.
    """
    if not path.is_file():
        raise StoreUnavailable(f"no store at {path} (opened read-only, so none is created)")
    wal, shm = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
    waiting = wal.exists() and wal.stat().st_size > 0
    query = {"mode": "ro", "uri": "true"}
    if not _writable(path):
        if waiting and not shm.exists():
            raise StoreUnavailable(
                f"{wal} holds changes not yet in {path.name} and cannot be read without write access: "
                "run a factdb command on the store once where it can be written"
            )
        if not waiting:
            query["immutable"] = "1"
    return url.set(database=f"file:{quote(str(path.absolute()))}").update_query_dict(query)


def describe(engine: Engine) -> str:
    """The store's URL as it can be shown to a user (no password; a SQLite URI as its file)."""
    database = engine.url.database or ""
    if engine.dialect.name == "sqlite" and database.startswith("file:"):
        return f"sqlite:///{unquote(database.removeprefix('file:'))}"
    return engine.url.render_as_string(hide_password=True)


def check_connection(engine: Engine) -> None:
    """Raise :class:`StoreUnavailable` with one readable line when the store cannot be reached."""
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except DBAPIError as exc:
        raise StoreUnavailable(f"cannot open the store {describe(engine)}: {first_line(exc.orig)}") from None


def require_writable(engine: Engine) -> None:
    """Raise :class:`StoreReadOnly` when ``engine`` was opened read-only."""
    if is_read_only(engine):
        raise StoreReadOnly(
            f"the store {describe(engine)} is open read-only (--read-only, or its file or folder is not "
            "writable): this command writes"
        )


def first_line(error: BaseException | None) -> str:
    """The first meaningful line of a driver error."""
    text = str(error or "").strip()
    return text.splitlines()[0] if text else type(error).__name__


def is_retryable(exc: BaseException) -> bool:
    """True for lock, deadlock and serialization failures that a retry resolves."""
    if not isinstance(exc, (DBAPIError,)):
        return False
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in ("40001", "40P01", "55P03"):
        return True
    message = str(orig).lower()
    return isinstance(exc, OperationalError) and ("database is locked" in message or "database is busy" in message)


@contextmanager
def read_session(engine: Engine, *, mapped: bool = False) -> Iterator[Session]:
    """A session for reading (one consistent snapshot, never writes); ``mapped`` reads a SQLite
    file through memory mapping (see :meth:`factdb.store.Store.read`)."""
    bind = engine.execution_options(sqlite_mapped=True) if mapped else engine
    with Session(bind, expire_on_commit=False) as session:
        yield session


def run_write(engine: Engine, work: Callable[[Session], T], *, retries: int = RETRIES) -> T:
    """Run ``work(session)`` in one write transaction, committed on success, rolled back on error.

    On SQLite the transaction starts with ``BEGIN IMMEDIATE``.  Lock and serialization failures
    are retried with jittered exponential backoff; any other error propagates after rollback.
    Raises :class:`StoreReadOnly` at once when the store was opened read-only.
    """
    require_writable(engine)
    delay = 0.02
    for attempt in range(retries + 1):
        try:
            with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as connection:
                with Session(bind=connection, expire_on_commit=False, autoflush=False) as session:
                    with session.begin():
                        return work(session)
        except DBAPIError as exc:
            if attempt == retries or not is_retryable(exc):
                raise
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 2.0)
    raise AssertionError("unreachable")
