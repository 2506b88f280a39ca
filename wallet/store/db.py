"""The file layer: one SQLite connection, its pragmas, the schema and its migrations.

Nothing here knows about keys or credentials; it keeps bytes in tables and
turns SQLite's failures into the wallet's errors (by error *code*, not by the
text of the message).

Schema versions are ``PRAGMA user_version``.  ``MIGRATIONS[n - 1]`` takes a
database from version ``n - 1`` to ``n``; a new database is built by running
every step, so the upgrade path is the code path every store takes.  Steps
only ever go forward and are never edited once released: add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Final

from wallet.errors import StoreCorrupt, StoreError

APPLICATION_ID: Final = 0x42574C54  # "BWLT" in the SQLite header marks the file as ours

# Each step runs inside the caller's transaction; DDL and both pragmas are transactional in SQLite.
MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    # 1 – the first schema.  In the clear: random ids, the keyed fingerprint, timestamps.
    (
        f"PRAGMA application_id = {APPLICATION_ID}",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
        """CREATE TABLE records (
            id TEXT PRIMARY KEY,
            fingerprint BLOB NOT NULL UNIQUE,
            parent_id TEXT REFERENCES records(id) ON DELETE SET NULL,
            added_at TEXT NOT NULL,
            summary BLOB NOT NULL)""",
        """CREATE TABLE documents (
            record_id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
            data BLOB NOT NULL)""",
        """CREATE TABLE originals (
            record_id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
            data BLOB NOT NULL)""",
        """CREATE TABLE reports (
            record_id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
            checked_at TEXT NOT NULL,
            data BLOB NOT NULL)""",
    ),
    # 2 – the earner's notes per record, and an index so removing a CLR finds its children
    # without a table scan (ON DELETE SET NULL looks them up by parent_id).
    (
        """CREATE TABLE notes (
            record_id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
            data BLOB NOT NULL)""",
        "CREATE INDEX records_parent ON records(parent_id)",
    ),
)
CURRENT_VERSION: Final = len(MIGRATIONS)

# Tables whose rows hang off one record (same id), each with one encrypted ``data`` column.
RECORD_TABLES: Final = ("documents", "originals", "reports", "notes")

_CORRUPT_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def connect(path: Path) -> sqlite3.Connection:
    """Open ``path`` with the pragmas the wallet relies on.

    * WAL: readers never block the writer, and a commit is one append, so a
      killed process leaves the last committed state.
    * ``synchronous=FULL``: the WAL is fsynced at every commit.  NORMAL would
      survive a killed *process* too, but not a power cut right after
      "Imported 3 badges"; a commit per imported file makes FULL affordable.
    * ``secure_delete``: removed records are overwritten, not left in free pages.
    * ``temp_store=MEMORY``: sorts and temp indices never spill to a temp file.
    * ``foreign_keys``: children follow their record; ``trusted_schema=OFF`` and
      ``cell_size_check`` make a damaged or crafted file fail early.

    The connection may be used from any thread because ``WalletStore`` serialises
    every use of it with its own lock.
    """
    with translate_errors():
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5.0)
        try:
            for pragma in (
                "PRAGMA journal_mode=WAL",
                "PRAGMA synchronous=FULL",
                "PRAGMA foreign_keys=ON",
                "PRAGMA secure_delete=ON",
                "PRAGMA temp_store=MEMORY",
                "PRAGMA trusted_schema=OFF",
                "PRAGMA cell_size_check=ON",
            ):
                conn.execute(pragma).fetchall()
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        except BaseException:
            conn.close()
            raise
    if app_id not in (0, APPLICATION_ID):
        conn.close()
        raise StoreCorrupt("This file is not a Badge Wallet store.", detail=f"application_id={app_id:#x} in {path}")
    return conn


@contextmanager
def translate_errors() -> Iterator[None]:
    """SQLite failures → ``StoreCorrupt`` (damaged file) or ``StoreError`` (busy, full, I/O).

    Programming errors (wrong SQL, closed connection) are left alone: they are bugs.
    """
    try:
        yield
    except sqlite3.DatabaseError as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        name = getattr(exc, "sqlite_errorname", type(exc).__name__)
        if primary in _CORRUPT_CODES:
            raise StoreCorrupt("The wallet file is damaged.", detail=f"{name}: {exc}") from exc
        if primary in _BUSY_CODES:
            raise StoreError("The wallet is in use by another program.", detail=f"{name}: {exc}") from exc
        if primary == sqlite3.SQLITE_FULL:
            raise StoreError("The disk is full; nothing was saved.", detail=f"{name}: {exc}") from exc
        if isinstance(exc, sqlite3.OperationalError):
            raise StoreError("The wallet file could not be read or written.", detail=f"{name}: {exc}") from exc
        raise


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of it is committed, or none of it.

    ``BEGIN IMMEDIATE`` takes the write lock up front, so a transaction never
    fails half-way for want of it.
    """
    with translate_errors():
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def is_empty(conn: sqlite3.Connection) -> bool:
    """True for a database with no tables yet (new, or its creation never committed)."""
    return conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 0


def migrate(conn: sqlite3.Connection, target: int = CURRENT_VERSION) -> int:
    """Run the steps from the current version up to ``target``, inside the caller's transaction.

    Returns the version found.  A file from a newer wallet is refused rather than
    guessed at.
    """
    found = schema_version(conn)
    if found > CURRENT_VERSION:
        raise StoreError(
            "This wallet was saved by a newer version of Badge Wallet. Update the app to open it.",
            detail=f"schema version {found} > {CURRENT_VERSION}",
        )
    for version in range(found + 1, target + 1):
        for statement in MIGRATIONS[version - 1]:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
    return found


def meta_get(conn: sqlite3.Connection, key: str) -> bytes | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else bytes(row[0])


def meta_put(conn: sqlite3.Connection, key: str, value: bytes | None) -> None:
    if value is None:
        conn.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def integrity_check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's own full check; ``["ok"]`` for a healthy file."""
    with translate_errors():
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
