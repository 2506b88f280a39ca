"""``WalletStore``: the one object that reads and writes the encrypted wallet.

Layers (Electrum's split): ``db`` keeps bytes in SQLite (file layer),
``tables`` seals and unseals rows (schema layer), and this module holds the
rules (service layer): how the wallet is unlocked, what one transaction covers,
what counts as a duplicate and how a merge keeps everything.

Threading: the store owns its connection and is the only writer.  Every use of
the connection and of the in-memory index happens under one lock, so calls are
serialised whatever thread makes them.  The UI calls the store from one worker
thread (a single-thread executor, like Anki's collection pool) so the GUI
thread never waits on disk or on Argon2.

What is on disk in the clear: random record ids, the keyed fingerprint, the
parent link (a random id), timestamps, the schema version and the key header
(store id, key source, KDF salt and cost, wrapped key).  Everything else –
credential, original bytes, report and verdict, name, issuer, tags, notes,
import source, settings, the holder key – is AES-256-GCM (see ``tables``).
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

from wallet.errors import PassphraseRequired, StoreCorrupt, StoreError
from wallet.model import Credential
from wallet.verify.report import SEVERITY, Report

from . import db
from .crypto import random_key
from .index import SummaryIndex
from .keys import (
    DEFAULT_KDF,
    SOURCE_KEYRING,
    SOURCE_PASSPHRASE,
    SYSTEM_KEYRING,
    KdfParams,
    KeyHeader,
    Keyring,
    KeyringChoice,
    KeyUnavailable,
    describe_source,
    find_keyring,
    passphrase_header,
    unlock,
    unlock_with_passphrase,
)
from .paths import DB_NAME, create_private_file, make_private_dir
from .records import (
    AddItem,
    AddResult,
    RecordNotFound,
    RecordSummary,
    RemovedRecord,
    RestoreResult,
    StoredRecord,
    clean_tags,
)
from .tables import META_HOLDER_KEY, META_KEY, Tables

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class StoreNotFound(StoreError):
    """There is no wallet at the given place and ``create=False`` was asked."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


class WalletStore:
    """The encrypted wallet in ``home/wallet.db``.  Use ``WalletStore.open``."""

    SCHEMA_VERSION: ClassVar[int] = db.CURRENT_VERSION

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        home: Path,
        header: KeyHeader,
        dek: bytes,
        ring: Keyring | None,
        clock: Clock,
    ) -> None:
        self.home = home
        self._conn = conn
        self._tables = Tables(conn, dek)
        self._header = header
        self._dek = dek
        self._ring = ring
        self._clock = clock
        self._lock = threading.RLock()
        self._index = SummaryIndex()
        self._closed = False

    # --- opening ------------------------------------------------------------

    @classmethod
    def open(
        cls,
        home: Path,
        *,
        passphrase: str | None = None,
        keyring_backend: KeyringChoice = SYSTEM_KEYRING,
        create: bool = True,
        kdf: KdfParams = DEFAULT_KDF,
        clock: Clock = _utcnow,
    ) -> WalletStore:
        """Open (or create) the wallet in ``home``.

        A new wallet keeps its key in the OS keyring when one is usable and no
        ``passphrase`` is given; with a passphrase (or without a keyring) the key
        is derived from the passphrase with ``kdf``.  An existing wallet opens
        the way it was set up; ``kdf`` only applies to new keys.

        Raises ``PassphraseRequired`` (locked and no passphrase, or no keyring
        to create one with), ``WrongPassphrase`` (nothing is written),
        ``KeyUnavailable`` (keyring wallet, keyring missing or locked),
        ``StoreCorrupt`` (damaged file) and ``StoreNotFound``.
        """
        home = Path(home)
        path = home / DB_NAME
        created = False
        if not path.exists():
            if not create:
                raise StoreNotFound(f"There is no wallet in {home}.")
            make_private_dir(home)
            with suppress(FileExistsError):  # another process just created it
                create_private_file(path)
                created = True
        try:
            conn = db.connect(path)
            try:
                with db.translate_errors():
                    store = cls._start(conn, home, passphrase, keyring_backend, create, kdf, clock)
                    store._index = SummaryIndex(store._tables.load_summaries())
            except BaseException:
                conn.close()
                raise
        except BaseException:
            if created:  # leave no empty wallet behind, e.g. after "choose a passphrase"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            raise
        log.info("Opened the wallet in %s: %d records, key from %s", home, len(store._index), store.key_source)
        return store

    @classmethod
    def _start(
        cls,
        conn: sqlite3.Connection,
        home: Path,
        passphrase: str | None,
        keyring_backend: KeyringChoice,
        create: bool,
        kdf: KdfParams,
        clock: Clock,
    ) -> WalletStore:
        raw = None if db.is_empty(conn) else _read_key_header(conn)
        if raw is None:
            if not create:
                raise StoreNotFound(f"There is no wallet in {home}.")
            return cls._create(conn, home, passphrase, keyring_backend, kdf, clock)
        header = KeyHeader.from_bytes(raw)
        dek, ring = unlock(header, passphrase, keyring_backend)
        if db.schema_version(conn) != cls.SCHEMA_VERSION:
            with db.transaction(conn):
                db.migrate(conn, cls.SCHEMA_VERSION)
        return cls(conn, home=home, header=header, dek=dek, ring=ring, clock=clock)

    @classmethod
    def _create(
        cls,
        conn: sqlite3.Connection,
        home: Path,
        passphrase: str | None,
        keyring_backend: KeyringChoice,
        kdf: KdfParams,
        clock: Clock,
    ) -> WalletStore:
        """A new key and schema in one transaction.  A crash before the commit
        leaves an empty file, which the next open treats as new again."""
        dek = random_key()
        store_id = uuid.uuid4().hex
        ring: Keyring | None = None
        if passphrase is not None:
            header = passphrase_header(dek, store_id, passphrase, kdf)
        else:
            ring, why = find_keyring(keyring_backend)
            if ring is None:
                raise PassphraseRequired(
                    f"There is no system keyring to keep the wallet key in ({why}). "
                    "Choose a passphrase to protect the wallet."
                )
            kek = random_key()
            try:
                ring.put_kek(store_id, kek)
            except KeyUnavailable as exc:
                raise PassphraseRequired(
                    f"{exc.user_message} Choose a passphrase to protect the wallet instead.", detail=exc.detail
                ) from exc
            header = KeyHeader.wrap(dek, kek, store_id=store_id, source=SOURCE_KEYRING)
        try:
            with db.transaction(conn):
                db.migrate(conn, cls.SCHEMA_VERSION)
                db.meta_put(conn, META_KEY, header.to_bytes())
        except BaseException:
            if ring is not None:
                ring.delete_kek(store_id)
            raise
        return cls(conn, home=home, header=header, dek=dek, ring=ring, clock=clock)

    # --- state --------------------------------------------------------------

    @property
    def store_id(self) -> str:
        return self._header.store_id

    @property
    def key_source(self) -> str:
        """Where the key is: ``"keyring: <backend>"`` or ``"passphrase"``."""
        return describe_source(self._header.source, self._ring)

    def count(self) -> int:
        with self._lock:
            self._check_open()
            return len(self._index)

    def close(self) -> None:
        """Close the connection (SQLite checkpoints and removes the WAL) and drop the keys."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._conn.close()
            self._dek = b""
            self._tables.forget_keys()

    def __enter__(self) -> WalletStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"{len(self._index)} records"
        return f"<WalletStore {self.home} {state}, key from {self.key_source}>"

    def integrity_check(self) -> list[str]:
        """SQLite's full structural check (``["ok"]`` when healthy); reads the whole file."""
        with self._lock:
            self._check_open()
            return db.integrity_check(self._conn)

    # --- reading ------------------------------------------------------------

    def summaries(self) -> list[RecordSummary]:
        """Every record's summary, newest first (no decryption: the index is in memory)."""
        with self._lock:
            self._check_open()
            return self._index.newest_first()

    def search(self, query: str) -> list[RecordSummary]:
        """Records whose name, issuer, skills or tags contain every word of ``query``."""
        with self._lock:
            self._check_open()
            return self._index.search(query)

    def summary(self, record_id: str) -> RecordSummary:
        with self._lock:
            self._check_open()
            return self._summary(record_id)

    def get(self, record_id: str) -> StoredRecord:
        """The full record: credential (with original bytes), report, notes and tags."""
        with self._lock, db.translate_errors():
            self._check_open()
            return self._tables.read_record(self._summary(record_id))

    def records(self) -> Iterator[StoredRecord]:
        """Every record in full, oldest first (so a CLR comes before what it carried).

        Decrypts one record at a time: memory stays flat however big the wallet.
        """
        for summary in reversed(self.summaries()):
            yield self.get(summary.id)

    def original(self, record_id: str) -> bytes:
        """The imported file, byte for byte."""
        with self._lock, db.translate_errors():
            self._check_open()
            self._summary(record_id)
            data = self._tables.read("originals", record_id)
        if data is None:
            raise StoreCorrupt("A record in the wallet is incomplete.", detail=f"original of {record_id}")
        return data

    # --- adding -------------------------------------------------------------

    def add(
        self,
        credential: Credential,
        report: Report | None = None,
        *,
        source: str,
        tags: Iterable[str] = (),
        notes: str = "",
    ) -> AddResult:
        """Store one credential in one transaction; a duplicate is not stored again."""
        return self.add_many([AddItem(credential, report, source, tuple(tags), notes)])[0]

    def add_many(self, items: Iterable[AddItem]) -> list[AddResult]:
        """Store several credentials in ONE transaction (one imported file: all or nothing).

        A credential whose ``parent_id`` names the ``id`` of a credential earlier
        in ``items`` (a CLR and its achievements) or already stored is linked to
        that record.  A duplicate gets the existing record's id and leaves it as
        it is – unless its report's verdict is strictly better than the stored
        one's (``SEVERITY``; no report is worst): then its credential, original
        bytes and report replace the stored ones in the same record, in this
        same transaction (``AddResult.replaced``).  A tampered copy imported
        first thus never hides the genuine one; an equal or worse copy changes
        nothing.
        """
        items = list(items)
        added_at = self._clock()
        results: list[AddResult] = []
        touched: dict[str, RecordSummary] = {}  # summaries written in this transaction
        with self._lock:
            self._check_open()
            batch: dict[str, str] = {}  # credential id → record id, for this batch
            with db.transaction(self._conn):
                for item in items:
                    credential = item.credential
                    fingerprint = self._tables.fingerprint(credential)
                    existing = self._tables.find(fingerprint)
                    if existing is not None:
                        current = touched.get(existing) or self._index.get(existing)
                        if item.report is not None and _better(item.report.verdict, current.verdict):
                            touched[existing] = self._tables.replace_content(current, credential, item.report)
                            result = AddResult(existing, False, replaced=True)
                        else:
                            result = AddResult(existing, True)
                    else:
                        parent = self._resolve_parent(credential.parent_id, batch)
                        summary = self._tables.insert(fingerprint, item, added_at=added_at, parent_id=parent)
                        touched[summary.id] = summary
                        result = AddResult(summary.id, False)
                    if credential.id:
                        batch.setdefault(credential.id, result.record_id)
                    results.append(result)
            self._index.put_many(touched.values())
        return results

    # --- changing -----------------------------------------------------------

    def update_report(self, record_id: str, report: Report) -> None:
        """Keep ``report`` as the record's latest verification (replaces the previous one)."""
        with self._lock:
            self._check_open()
            summary = dataclasses.replace(
                self._summary(record_id), verdict=report.verdict, verified_at=report.checked_at
            )
            with db.transaction(self._conn):
                self._tables.write_report(record_id, report)
                self._tables.write_summary(summary)
            self._index.put(summary)

    def set_tags(self, record_id: str, tags: Iterable[str]) -> None:
        with self._lock:
            self._check_open()
            summary = dataclasses.replace(self._summary(record_id), tags=clean_tags(tags))
            with db.transaction(self._conn):
                self._tables.write_summary(summary)
            self._index.put(summary)

    def set_notes(self, record_id: str, notes: str) -> None:
        with self._lock:
            self._check_open()
            self._summary(record_id)
            with db.transaction(self._conn):
                self._tables.write_notes(record_id, notes)

    def remove(self, record_id: str) -> RemovedRecord:
        """Delete a record (its original, report and notes go with it).

        Credentials that came inside it (a CLR's achievements) stay, unlinked;
        the returned value links them back on ``restore_removed``.
        """
        with self._lock:
            self._check_open()
            summary = self._summary(record_id)
            with db.transaction(self._conn):
                rows, children = self._tables.take_rows(record_id)
            self._index.pop(record_id)
            self._index.put_many(dataclasses.replace(self._index.get(c), parent_id=None) for c in children)
        return RemovedRecord(summary=summary, store_id=self.store_id, rows=rows, children=children)

    def restore_removed(self, removed: RemovedRecord) -> AddResult:
        """Undo ``remove``: the same id and the same encrypted bytes come back.

        If the same credential was added again meanwhile, that record stays and
        is returned as a duplicate.
        """
        if removed.store_id != self.store_id:
            raise StoreError("A removed badge can only be put back into the wallet it came from.")
        (records_table, record_row), *parts = removed.rows
        record_row = dict(record_row)
        with self._lock:
            self._check_open()
            with db.transaction(self._conn):
                existing = self._tables.find(bytes(record_row["fingerprint"]))
                if existing is not None:
                    return AddResult(existing, True)
                if record_row["parent_id"] not in self._index:
                    record_row["parent_id"] = None
                self._tables.put_rows(((records_table, record_row), *parts))
                relinked = [c for c in removed.children if c in self._index and self._index.get(c).parent_id is None]
                for child in relinked:
                    self._tables.set_parent(child, removed.summary.id)
            self._index.put(dataclasses.replace(removed.summary, parent_id=record_row["parent_id"]))
            self._index.put_many(
                dataclasses.replace(self._index.get(c), parent_id=removed.summary.id) for c in relinked
            )
        return AddResult(removed.summary.id, False)

    def merge_records(
        self,
        records: Iterable[StoredRecord],
        *,
        settings: Mapping[str, Any] | None = None,
        holder_key: bytes | None = None,
    ) -> RestoreResult:
        """Merge records from elsewhere (a backup) in ONE transaction, losing nothing.

        Duplicates are found with *this* store's fingerprint key.  For a
        duplicate, tags are united, differing notes are appended and the newer
        report is kept.  Parent links are mapped through ``record_id``/``parent_id``
        of the incoming records.  Settings fill in keys this store lacks; the
        holder key is taken only if this store has none.  If iterating
        ``records`` raises, nothing is changed.
        """
        added = duplicates = 0
        with self._lock:
            self._check_open()
            touched: dict[str, RecordSummary] = {}  # summaries written in this transaction
            mapping: dict[str, str] = {}  # incoming record id → record id here
            links: list[tuple[str, str]] = []  # (record id here, incoming parent id)
            with db.transaction(self._conn):
                for record in records:
                    fingerprint = self._tables.fingerprint(record.credential)
                    existing = self._tables.find(fingerprint)
                    if existing is None:
                        item = AddItem(record.credential, record.report, record.source, record.tags, record.notes)
                        summary = self._tables.insert(fingerprint, item, added_at=record.added_at, parent_id=None)
                        added += 1
                        if record.parent_id:
                            links.append((summary.id, record.parent_id))
                    else:
                        current = touched.get(existing) or self._index.get(existing)
                        summary = self._merge_duplicate(current, record)
                        duplicates += 1
                    touched[summary.id] = summary
                    mapping[record.record_id] = summary.id
                for record_id, incoming_parent in links:
                    if incoming_parent in mapping:
                        self._tables.set_parent(record_id, mapping[incoming_parent])
                        touched[record_id] = dataclasses.replace(touched[record_id], parent_id=mapping[incoming_parent])
                if settings:
                    self._tables.write_settings({**settings, **self._tables.settings()})
                if holder_key is not None and self._tables.read_meta(META_HOLDER_KEY) is None:
                    self._tables.write_meta(META_HOLDER_KEY, holder_key)
            self._index.put_many(touched.values())
        return RestoreResult(added=added, duplicates=duplicates)

    def _merge_duplicate(self, current: RecordSummary, incoming: StoredRecord) -> RecordSummary:
        summary = dataclasses.replace(current, tags=clean_tags((*current.tags, *incoming.tags)))
        if incoming.notes:
            notes = self._tables.read_notes(current.id)
            if incoming.notes not in notes:
                self._tables.write_notes(current.id, f"{notes}\n\n{incoming.notes}" if notes else incoming.notes)
        report = incoming.report
        if report is not None and (current.verified_at is None or report.checked_at > current.verified_at):
            self._tables.write_report(current.id, report)
            summary = dataclasses.replace(summary, verdict=report.verdict, verified_at=report.checked_at)
        if summary != current:
            self._tables.write_summary(summary)
        return summary

    # --- settings and the holder key ------------------------------------------

    def settings(self) -> dict[str, Any]:
        """All settings (a copy)."""
        with self._lock, db.translate_errors():
            self._check_open()
            return self._tables.settings()

    def get_setting(self, key: str, default: Any = None) -> Any:
        return self.settings().get(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-able ``value``; ``None`` removes the setting."""
        with self._lock:
            self._check_open()
            with db.transaction(self._conn):
                current = self._tables.settings()
                if value is None:
                    current.pop(key, None)
                else:
                    current[key] = value
                self._tables.write_settings(current)

    def holder_key(self) -> bytes | None:
        """The earner's did:key private key for signing presentations, if set."""
        with self._lock, db.translate_errors():
            self._check_open()
            return self._tables.read_meta(META_HOLDER_KEY)

    def set_holder_key(self, key: bytes | None) -> None:
        with self._lock:
            self._check_open()
            with db.transaction(self._conn):
                self._tables.write_meta(META_HOLDER_KEY, key)

    # --- how the wallet is unlocked -------------------------------------------

    def change_passphrase(self, old: str, new: str, *, kdf: KdfParams = DEFAULT_KDF) -> None:
        """Re-wrap the data key under ``new`` (records are not touched).  ``WrongPassphrase`` if ``old`` is wrong."""
        with self._lock:
            self._check_open()
            if self._header.source != SOURCE_PASSPHRASE:
                raise StoreError("This wallet is not protected by a passphrase.")
            if not hmac.compare_digest(unlock_with_passphrase(self._header, old), self._dek):
                raise StoreCorrupt("The wallet's key header does not match its key.")
            self.use_passphrase(new, kdf=kdf)

    def use_passphrase(self, passphrase: str, *, kdf: KdfParams = DEFAULT_KDF) -> None:
        """From now on, unlock with ``passphrase``; a keyring entry is removed after the switch."""
        with self._lock:
            self._check_open()
            old_ring = self._ring if self._header.source == SOURCE_KEYRING else None
            self._save_header(passphrase_header(self._dek, self.store_id, passphrase, kdf))
            self._ring = None
            if old_ring is not None:
                old_ring.delete_kek(self.store_id)

    def use_keyring(self, keyring_backend: KeyringChoice = SYSTEM_KEYRING) -> None:
        """From now on, keep the key in the OS keyring (``KeyUnavailable`` if there is none).

        The new keyring entry is written before the header switches, so a crash in
        between leaves a wallet that still opens with its passphrase.
        """
        with self._lock:
            self._check_open()
            if self._header.source == SOURCE_KEYRING:
                return
            ring, why = find_keyring(keyring_backend)
            if ring is None:
                raise KeyUnavailable(f"There is no system keyring to keep the wallet key in ({why}).")
            kek = random_key()
            ring.put_kek(self.store_id, kek)
            try:
                self._save_header(KeyHeader.wrap(self._dek, kek, store_id=self.store_id, source=SOURCE_KEYRING))
            except BaseException:
                ring.delete_kek(self.store_id)
                raise
            self._ring = ring

    def _save_header(self, header: KeyHeader) -> None:
        with db.transaction(self._conn) as conn:
            db.meta_put(conn, META_KEY, header.to_bytes())
        self._header = header

    # --- helpers (called under the lock) --------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("The wallet is closed.")

    def _summary(self, record_id: str) -> RecordSummary:
        try:
            return self._index.get(record_id)
        except KeyError:
            raise RecordNotFound("This badge is no longer in the wallet.", detail=f"record {record_id}") from None

    def _resolve_parent(self, credential_parent: str | None, batch: Mapping[str, str]) -> str | None:
        if not credential_parent:
            return None
        return batch.get(credential_parent) or self._index.find_credential(credential_parent)


# --- module helpers -------------------------------------------------------------


def _better(new: str, stored: str | None) -> bool:
    """Whether verdict ``new`` is strictly better than ``stored`` (lower ``SEVERITY``).

    No stored report (``None``) and a verdict this version does not know rank
    worst, so an unknown new verdict never replaces anything.
    """
    worst = max(SEVERITY.values()) + 1
    return SEVERITY.get(new, worst) < (worst if stored is None else SEVERITY.get(stored, worst))


def _read_key_header(conn: sqlite3.Connection) -> bytes | None:
    has_meta = conn.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'").fetchone()
    if not has_meta:
        raise StoreCorrupt("This file is not a Badge Wallet store, or it is damaged.", detail="no meta table")
    return db.meta_get(conn, META_KEY)
