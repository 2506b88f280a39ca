"""Schema versions: one test per migration step, and a real version-1 wallet file."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from store_factory import V1_FIXTURE_PASSPHRASE, build_v1_store, make_credential

from wallet.errors import StoreError
from wallet.store import WalletStore
from wallet.store import db as store_db

V1_FILE = Path(__file__).parent / "data" / "wallet-v1.db"


def tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type IN ('table', 'index')")}


def migrated(path: Path, target: int) -> sqlite3.Connection:
    conn = store_db.connect(path)
    with store_db.transaction(conn):
        store_db.migrate(conn, target)
    return conn


def test_there_is_a_test_below_for_every_step() -> None:
    assert store_db.CURRENT_VERSION == 2, "add a test_step_N for the new migration, then bump this"


def test_step_1_creates_the_first_schema(tmp_path: Path) -> None:
    conn = migrated(tmp_path / "w.db", 1)
    assert store_db.schema_version(conn) == 1
    assert conn.execute("PRAGMA application_id").fetchone()[0] == store_db.APPLICATION_ID
    assert {"meta", "records", "documents", "originals", "reports"} <= tables(conn)
    assert "notes" not in tables(conn)


def test_step_2_adds_notes_and_the_parent_index_keeping_rows(tmp_path: Path) -> None:
    conn = migrated(tmp_path / "w.db", 1)
    with store_db.transaction(conn):
        conn.execute("INSERT INTO meta VALUES ('key', x'01')")
        conn.execute("INSERT INTO records VALUES ('p', x'aa', NULL, '2025-01-01T00:00:00+00:00', x'02')")
        conn.execute("INSERT INTO records VALUES ('c', x'bb', 'p', '2025-01-01T00:00:00+00:00', x'03')")
        for table in ("documents", "originals"):
            conn.execute(f"INSERT INTO {table} VALUES ('c', x'04')")
        conn.execute("INSERT INTO reports VALUES ('c', '2025-01-02T00:00:00+00:00', x'05')")
    before = {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in ("meta", "records", "documents", "reports")}
    with store_db.transaction(conn):
        assert store_db.migrate(conn, 2) == 1
    assert store_db.schema_version(conn) == 2
    assert {"notes", "records_parent"} <= tables(conn)
    assert {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in before} == before
    plan = " ".join(str(r) for r in conn.execute("EXPLAIN QUERY PLAN SELECT id FROM records WHERE parent_id = 'p'"))
    assert "records_parent" in plan


def test_a_v1_wallet_made_by_the_v1_code_path_opens_and_is_migrated(tmp_path: Path) -> None:
    home = tmp_path / "v1"
    build_v1_store(home)
    check_v1_wallet(home)


def test_the_kept_v1_file_opens_and_is_migrated(tmp_path: Path) -> None:
    home = tmp_path / "kept"
    home.mkdir()
    shutil.copy(V1_FILE, home / "wallet.db")
    check_v1_wallet(home)


def check_v1_wallet(home: Path) -> None:
    with sqlite3.connect(home / "wallet.db") as conn:
        assert store_db.schema_version(conn) == 1
    with WalletStore.open(home, passphrase=V1_FIXTURE_PASSPHRASE) as store:
        assert store.count() == 3
        for summary in store.summaries():
            n = int(summary.source.split(".")[0])
            record = store.get(summary.id)
            assert record.credential.name == make_credential(n).name
            assert record.credential.original.startswith(b"\x89PNG")
            assert record.report is not None and record.tags == (f"v1-tag-{n}",)
            assert record.notes == ""
            store.set_notes(summary.id, "written after the upgrade")
        assert store.integrity_check() == ["ok"]
    with sqlite3.connect(home / "wallet.db") as conn:
        assert store_db.schema_version(conn) == store_db.CURRENT_VERSION


def test_a_wallet_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    home = tmp_path / "new"
    build_v1_store(home)
    with sqlite3.connect(home / "wallet.db") as conn:
        conn.execute("PRAGMA user_version = 99")
    before = (home / "wallet.db").read_bytes()
    with pytest.raises(StoreError, match="newer version"):
        WalletStore.open(home, passphrase=V1_FIXTURE_PASSPHRASE)
    assert (home / "wallet.db").read_bytes() == before
