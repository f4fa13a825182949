"""The store's schema: one head, migrations up and down on both databases, models == migrations."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from factdb.errors import StoreOutOfDate, StoreUnavailable
from factdb.store import migrate, open_engine, open_store
from factdb.store.schema import Base

TABLES = {
    "sources",
    "speakers",
    "speaker_aliases",
    "claims",
    "terms",
    "claim_terms",
    "mentions",
    "reviews",
    "claim_status_events",
    "claim_relations",
}


def test_migrations_have_exactly_one_head():
    assert len(ScriptDirectory.from_config(migrate.alembic_config()).get_heads()) == 1


def test_revisions_read_without_alembic_are_alembics_own():
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    parents = {rev.revision: rev.down_revision for rev in scripts.walk_revisions()}
    assert migrate.script_revisions() == {
        rev: () if down is None else (down,) if isinstance(down, str) else tuple(down) for rev, down in parents.items()
    }
    assert [migrate.head_revision()] == scripts.get_heads()


def test_alembic_folder_is_not_a_package():
    assert not (migrate.migrations_directory() / "__init__.py").exists()


def test_upgrade_downgrade_upgrade(db_url):
    engine = open_engine(db_url)
    try:
        assert migrate.current_revision(engine) is None
        assert migrate.upgrade(engine) == migrate.head_revision()
        assert TABLES <= set(inspect(engine).get_table_names())
        assert migrate.downgrade(engine, "base") is None
        assert not TABLES & set(inspect(engine).get_table_names())
        assert migrate.upgrade(engine) == migrate.head_revision()
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_models_match_migrations(store):
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_new_empty_store_is_migrated_on_first_use(db_url):
    with open_store(db_url) as store:
        assert migrate.schema_state(store.engine).up_to_date


@pytest.mark.parametrize(
    "tampering, message",
    [
        ("UPDATE alembic_version SET version_num = 'ffffffff'", "newer factdb"),
        ("INSERT INTO alembic_version (version_num) VALUES ('0000')", "several schema versions"),
    ],
    ids=["newer", "several-versions"],
)
def test_store_from_a_newer_factdb_or_with_several_versions_is_refused(db_url, tampering, message):
    with open_store(db_url) as store:
        with store.engine.begin() as connection:
            connection.execute(text(tampering))
    with pytest.raises(StoreOutOfDate, match=message):
        open_store(db_url)


def test_store_behind_the_code_asks_for_db_upgrade(db_url, monkeypatch):
    with open_store(db_url):
        pass
    # Pretend this factdb's code is one migration ahead of the store.
    monkeypatch.setattr(migrate, "head_revision", lambda: "0099")
    with pytest.raises(StoreOutOfDate, match="run `factdb db upgrade`"):
        open_store(db_url)


def test_database_with_foreign_tables_is_not_taken_over(tmp_path):
    url = f"sqlite:///{tmp_path / 'other.db'}"
    engine = open_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(StoreOutOfDate, match="not a factdb store"):
        open_store(url)


def test_unreachable_server_is_one_readable_error():
    with pytest.raises(StoreUnavailable, match="cannot open the store .*5999"):
        open_store("postgresql://postgres@127.0.0.1:5999/nothing")


def test_unknown_database_kind_is_refused():
    with pytest.raises(StoreUnavailable, match="unsupported database"):
        open_store("mysql://root@localhost/x")


def test_sqlite_store_uses_wal_foreign_keys_and_busy_timeout(tmp_path):
    with open_store(str(tmp_path / "plain-path.db")) as store:
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
