"""``WalletStore``: the one object that reads and writes the encrypted wallet.

Layers (Electrum's split): ``db`` keeps bytes in SQLite, ``keys``/``crypto``
turn a passphrase or keyring entry into keys, ``codec``/``index`` turn values
into bytes and back; this module holds the rules: what is encrypted under which
associated data, what one transaction covers, how duplicates are recognised.

Threading: the store owns its connection and is the only writer.  Every use of
the connection and of the in-memory index happens under one lock, so calls are
serialised whatever thread makes them.  The UI calls the store from one worker
thread (a single-thread executor, like Anki's collection pool) so the GUI
thread never waits on disk or on Argon2.

What is on disk in the clear: random record ids, the keyed fingerprint, the
parent link (a random id), timestamps, the schema version and the key header
(store id, key source, KDF salt and cost, wrapped key).  Everything else –
credential, original bytes, report and verdict, name, issuer, tags, notes,
import source, settings, the holder key – is AES-256-GCM with
``"<table>:<record id>"`` as associated data.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import hmac
import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Final

from wallet.errors import PassphraseRequired, StoreCorrupt, StoreError
from wallet.model import Credential
from wallet.verify.report import Report

from . import db, index
from .codec import CodecError, credential_from_dict, credential_to_dict, dumps, loads
from .crypto import InvalidTag, Sealer, derive_subkey, random_key
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
from .records import AddItem, AddResult, RecordNotFound, RecordSummary, RemovedRecord, RestoreResult, StoredRecord

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
_META_KEY: Final = "key"
_META_SETTINGS: Final = "settings"
_META_HOLDER_KEY: Final = "holder_key"


class StoreNotFound(StoreError):
    """There is no wallet at the given place and ``create=False`` was asked."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Trimmed, non-empty, first spelling kept, order kept."""
    return tuple(dict.fromkeys(t.strip() for t in tags if t.strip()))


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
        self._header = header
        self._dek = dek
        self._ring = ring
        self._clock = clock
        self._sealer = Sealer(derive_subkey(dek, b"records"))
        self._fingerprint_key = derive_subkey(dek, b"fingerprint")
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
                    store._load_index()
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
                db.meta_put(conn, _META_KEY, header.to_bytes())
        except BaseException:
            if ring is not None:
                ring.delete_kek(store_id)
            raise
        return cls(conn, home=home, header=header, dek=dek, ring=ring, clock=clock)

    def _load_index(self) -> None:
        """Decrypt every summary (never a document or an original) into the in-memory index.

        Two plain table scans and a sort in Python are several times faster than
        a JOIN with ORDER BY, and the cyclic GC is paused while ten thousand
        small objects are made (it would otherwise run dozens of times for
        nothing: none of them form cycles).  bench/store_open.py measures this.
        """
        checked = dict(self._conn.execute("SELECT record_id, checked_at FROM reports"))
        rows = self._conn.execute("SELECT id, parent_id, added_at, summary FROM records")
        summaries = []
        with _gc_paused():
            for record_id, parent_id, added_at, blob in rows:
                plain = self._open("records", record_id, blob)
                checked_at = checked.get(record_id)
                try:
                    summaries.append(
                        index.decode(
                            plain,
                            record_id=record_id,
                            added_at=datetime.fromisoformat(added_at),
                            parent_id=parent_id,
                            verified_at=datetime.fromisoformat(checked_at) if checked_at else None,
                        )
                    )
                except (KeyError, TypeError, ValueError) as exc:
                    raise StoreCorrupt(
                        "A record in the wallet is damaged.", detail=f"summary of {record_id}: {exc}"
                    ) from exc
            summaries.sort(key=lambda summary: summary.added_at)  # stable: ties stay in insertion order
            self._index = SummaryIndex(summaries)

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
            self._fingerprint_key = b""
            self._sealer = Sealer(bytes(32))  # a harmless key, so stray use fails on decrypt

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
            summary = self._summary(record_id)
            document = self._read("documents", record_id)
            original = self._read("originals", record_id)
            if document is None or original is None:
                raise StoreCorrupt("A record in the wallet is incomplete.", detail=f"record {record_id}")
            report = self._read("reports", record_id)
            notes = self._read("notes", record_id)
            try:
                credential = credential_from_dict(loads(document), original=original)
                stored_report = Report.from_json(loads(report)) if report is not None else None
                note_text = loads(notes) if notes is not None else ""
            except (CodecError, KeyError, TypeError, ValueError) as exc:
                raise StoreCorrupt("A record in the wallet is damaged.", detail=f"record {record_id}: {exc}") from exc
        return StoredRecord(
            record_id=record_id,
            credential=credential,
            report=stored_report,
            notes=str(note_text),
            tags=summary.tags,
            source=summary.source,
            added_at=summary.added_at,
            verified_at=summary.verified_at,
            parent_id=summary.parent_id,
        )

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
            data = self._read("originals", record_id)
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
        it is.
        """
        items = list(items)
        added_at = self._clock()
        results: list[AddResult] = []
        fresh: list[RecordSummary] = []
        with self._lock:
            self._check_open()
            batch: dict[str, str] = {}  # credential id → record id, for this batch
            with db.transaction(self._conn) as conn:
                for item in items:
                    credential = item.credential
                    fingerprint = self._fingerprint(credential)
                    existing = _find(conn, fingerprint)
                    if existing is not None:
                        result = AddResult(existing, True)
                    else:
                        parent = self._resolve_parent(credential.parent_id, batch)
                        summary = self._insert(conn, fingerprint, item, added_at=added_at, parent_id=parent)
                        fresh.append(summary)
                        result = AddResult(summary.id, False)
                    if credential.id:
                        batch.setdefault(credential.id, result.record_id)
                    results.append(result)
            for summary in fresh:
                self._index.put(summary)
        return results

    # --- changing -----------------------------------------------------------

    def update_report(self, record_id: str, report: Report) -> None:
        """Keep ``report`` as the record's latest verification (replaces the previous one)."""
        with self._lock:
            self._check_open()
            summary = dataclasses.replace(
                self._summary(record_id), verdict=report.verdict, verified_at=report.checked_at
            )
            with db.transaction(self._conn) as conn:
                self._write_report(conn, record_id, report)
                self._write_summary(conn, summary)
            self._index.put(summary)

    def set_tags(self, record_id: str, tags: Iterable[str]) -> None:
        with self._lock:
            self._check_open()
            summary = dataclasses.replace(self._summary(record_id), tags=_clean_tags(tags))
            with db.transaction(self._conn) as conn:
                self._write_summary(conn, summary)
            self._index.put(summary)

    def set_notes(self, record_id: str, notes: str) -> None:
        with self._lock:
            self._check_open()
            self._summary(record_id)
            with db.transaction(self._conn) as conn:
                self._write_notes(conn, record_id, notes)

    def remove(self, record_id: str) -> RemovedRecord:
        """Delete a record (its original, report and notes go with it).

        Credentials that came inside it (a CLR's achievements) stay, unlinked;
        the returned value links them back on ``restore_removed``.
        """
        with self._lock:
            self._check_open()
            summary = self._summary(record_id)
            with db.transaction(self._conn) as conn:
                record_row = _row(conn, "SELECT * FROM records WHERE id = ?", record_id)
                assert record_row is not None, "the index and the records table disagree"
                rows = [("records", record_row)]
                for table in db.RECORD_TABLES:
                    row = _row(conn, f"SELECT * FROM {table} WHERE record_id = ?", record_id)
                    if row is not None:
                        rows.append((table, row))
                children = tuple(r[0] for r in conn.execute("SELECT id FROM records WHERE parent_id = ?", (record_id,)))
                conn.execute("DELETE FROM records WHERE id = ?", (record_id,))
            self._index.pop(record_id)
            for child in children:
                self._index.put(dataclasses.replace(self._index.get(child), parent_id=None))
        return RemovedRecord(summary=summary, store_id=self.store_id, rows=tuple(rows), children=children)

    def restore_removed(self, removed: RemovedRecord) -> AddResult:
        """Undo ``remove``: the same id and the same encrypted bytes come back.

        If the same credential was added again meanwhile, that record stays and
        is returned as a duplicate.
        """
        if removed.store_id != self.store_id:
            raise StoreError("A removed badge can only be put back into the wallet it came from.")
        record_row = dict(removed.rows[0][1])
        with self._lock:
            self._check_open()
            with db.transaction(self._conn) as conn:
                existing = _find(conn, bytes(record_row["fingerprint"]))
                if existing is not None:
                    return AddResult(existing, True)
                if record_row["parent_id"] not in self._index:
                    record_row["parent_id"] = None
                for table, row in ((removed.rows[0][0], record_row), *removed.rows[1:]):
                    columns = ", ".join(row)
                    marks = ", ".join("?" for _ in row)
                    conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values()))
                relinked = [c for c in removed.children if c in self._index and self._index.get(c).parent_id is None]
                conn.executemany(
                    "UPDATE records SET parent_id = ? WHERE id = ?", [(removed.summary.id, c) for c in relinked]
                )
            self._index.put(dataclasses.replace(removed.summary, parent_id=record_row["parent_id"]))
            for child in relinked:
                self._index.put(dataclasses.replace(self._index.get(child), parent_id=removed.summary.id))
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
            with db.transaction(self._conn) as conn:
                for record in records:
                    fingerprint = self._fingerprint(record.credential)
                    existing = _find(conn, fingerprint)
                    if existing is None:
                        item = AddItem(record.credential, record.report, record.source, record.tags, record.notes)
                        summary = self._insert(conn, fingerprint, item, added_at=record.added_at, parent_id=None)
                        added += 1
                        if record.parent_id:
                            links.append((summary.id, record.parent_id))
                    else:
                        current = touched.get(existing) or self._index.get(existing)
                        summary = self._merge_duplicate(conn, current, record)
                        duplicates += 1
                    touched[summary.id] = summary
                    mapping[record.record_id] = summary.id
                for record_id, incoming_parent in links:
                    if incoming_parent in mapping:
                        conn.execute(
                            "UPDATE records SET parent_id = ? WHERE id = ?", (mapping[incoming_parent], record_id)
                        )
                        touched[record_id] = dataclasses.replace(touched[record_id], parent_id=mapping[incoming_parent])
                if settings:
                    mine = self._settings()
                    self._write_settings(conn, {**settings, **mine})
                if holder_key is not None and self._read_meta(_META_HOLDER_KEY) is None:
                    self._write_meta(conn, _META_HOLDER_KEY, holder_key)
            for summary in touched.values():
                self._index.put(summary)
        return RestoreResult(added=added, duplicates=duplicates)

    def _merge_duplicate(
        self, conn: sqlite3.Connection, current: RecordSummary, incoming: StoredRecord
    ) -> RecordSummary:
        summary = dataclasses.replace(current, tags=_clean_tags((*current.tags, *incoming.tags)))
        if incoming.notes:
            raw = self._read("notes", current.id)
            notes = loads(raw) if raw is not None else ""
            if incoming.notes not in notes:
                self._write_notes(conn, current.id, f"{notes}\n\n{incoming.notes}" if notes else incoming.notes)
        report = incoming.report
        if report is not None and (current.verified_at is None or report.checked_at > current.verified_at):
            self._write_report(conn, current.id, report)
            summary = dataclasses.replace(summary, verdict=report.verdict, verified_at=report.checked_at)
        if summary != current:
            self._write_summary(conn, summary)
        return summary

    # --- settings and the holder key ------------------------------------------

    def settings(self) -> dict[str, Any]:
        """All settings (a copy)."""
        with self._lock, db.translate_errors():
            self._check_open()
            return self._settings()

    def get_setting(self, key: str, default: Any = None) -> Any:
        return self.settings().get(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-able ``value``; ``None`` removes the setting."""
        with self._lock:
            self._check_open()
            with db.transaction(self._conn) as conn:
                current = self._settings()
                if value is None:
                    current.pop(key, None)
                else:
                    current[key] = value
                self._write_settings(conn, current)

    def holder_key(self) -> bytes | None:
        """The earner's did:key private key for signing presentations, if set."""
        with self._lock, db.translate_errors():
            self._check_open()
            return self._read_meta(_META_HOLDER_KEY)

    def set_holder_key(self, key: bytes | None) -> None:
        with self._lock:
            self._check_open()
            with db.transaction(self._conn) as conn:
                self._write_meta(conn, _META_HOLDER_KEY, key)

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
            db.meta_put(conn, _META_KEY, header.to_bytes())
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

    def _fingerprint(self, credential: Credential) -> bytes:
        """HMAC-SHA256 under a key derived from the DEK – never a plain hash, which
        would let anyone holding the file test "does this wallet hold badge X?".

        Identity: the credential ``id`` with its issuer id when it has one (the
        same badge re-imported as PNG, JSON or JWT is one badge), else the exact
        signed payload, else the original bytes.  Two different credentials that
        claim the same id from the same issuer are one record: the first kept.
        """
        if credential.id:
            identity = ["id", credential.issuer.id or "", credential.id]
        elif credential.payload:
            identity = ["payload", hashlib.sha256(credential.payload.encode("utf-8", "surrogatepass")).hexdigest()]
        else:
            identity = ["original", hashlib.sha256(credential.original).hexdigest()]
        return hmac.new(self._fingerprint_key, json.dumps(identity).encode(), hashlib.sha256).digest()

    def _resolve_parent(self, credential_parent: str | None, batch: Mapping[str, str]) -> str | None:
        if not credential_parent:
            return None
        return batch.get(credential_parent) or self._index.find_credential(credential_parent)

    def _insert(
        self, conn: sqlite3.Connection, fingerprint: bytes, item: AddItem, *, added_at: datetime, parent_id: str | None
    ) -> RecordSummary:
        credential, report = item.credential, item.report
        record_id = uuid.uuid4().hex  # chosen first: it is part of every blob's associated data
        summary = RecordSummary(
            id=record_id,
            name=credential.display_name,
            issuer=credential.issuer_name,
            format=credential.format,
            verdict=report.verdict if report else None,
            issued=credential.issued or credential.valid_from,
            skills=credential.skills,
            tags=_clean_tags(item.tags),
            added_at=added_at,
            credential_id=credential.id,
            parent_id=parent_id,
            source=item.source,
            verified_at=report.checked_at if report else None,
        )
        conn.execute(
            "INSERT INTO records (id, fingerprint, parent_id, added_at, summary) VALUES (?, ?, ?, ?, ?)",
            (record_id, fingerprint, parent_id, _ts(added_at), self._seal("records", record_id, index.encode(summary))),
        )
        document = dumps(credential_to_dict(credential, with_original=False))
        conn.execute(
            "INSERT INTO documents (record_id, data) VALUES (?, ?)",
            (record_id, self._seal("documents", record_id, document)),
        )
        conn.execute(
            "INSERT INTO originals (record_id, data) VALUES (?, ?)",
            (record_id, self._seal("originals", record_id, credential.original)),
        )
        if report is not None:
            self._write_report(conn, record_id, report)
        if item.notes:
            self._write_notes(conn, record_id, item.notes)
        return summary

    def _write_summary(self, conn: sqlite3.Connection, summary: RecordSummary) -> None:
        blob = self._seal("records", summary.id, index.encode(summary))
        conn.execute("UPDATE records SET summary = ? WHERE id = ?", (blob, summary.id))

    def _write_report(self, conn: sqlite3.Connection, record_id: str, report: Report) -> None:
        blob = self._seal("reports", record_id, dumps(report.to_storable()))
        conn.execute(
            "INSERT OR REPLACE INTO reports (record_id, checked_at, data) VALUES (?, ?, ?)",
            (record_id, _ts(report.checked_at), blob),
        )

    def _write_notes(self, conn: sqlite3.Connection, record_id: str, notes: str) -> None:
        if notes:
            blob = self._seal("notes", record_id, dumps(notes))
            conn.execute("INSERT OR REPLACE INTO notes (record_id, data) VALUES (?, ?)", (record_id, blob))
        else:
            conn.execute("DELETE FROM notes WHERE record_id = ?", (record_id,))

    def _read(self, table: str, record_id: str) -> bytes | None:
        row = self._conn.execute(f"SELECT data FROM {table} WHERE record_id = ?", (record_id,)).fetchone()
        return None if row is None else self._open(table, record_id, row[0])

    def _settings(self) -> dict[str, Any]:
        raw = self._read_meta(_META_SETTINGS)
        if raw is None:
            return {}
        try:
            value = loads(raw)
        except ValueError as exc:
            raise StoreCorrupt("The wallet's settings are damaged.", detail=str(exc)) from exc
        if not isinstance(value, dict):
            raise StoreCorrupt("The wallet's settings are damaged.", detail="settings are not an object")
        return value

    def _write_settings(self, conn: sqlite3.Connection, settings: Mapping[str, Any]) -> None:
        self._write_meta(conn, _META_SETTINGS, dumps(dict(settings)) if settings else None)

    def _read_meta(self, key: str) -> bytes | None:
        raw = db.meta_get(self._conn, key)
        return None if raw is None else self._open("meta", key, raw)

    def _write_meta(self, conn: sqlite3.Connection, key: str, value: bytes | None) -> None:
        db.meta_put(conn, key, None if value is None else self._seal("meta", key, value))

    def _seal(self, table: str, row_id: str, plaintext: bytes) -> bytes:
        return self._sealer.seal(plaintext, f"{table}:{row_id}".encode())

    def _open(self, table: str, row_id: str, blob: bytes) -> bytes:
        try:
            return self._sealer.open(bytes(blob), f"{table}:{row_id}".encode())
        except InvalidTag:
            raise StoreCorrupt(
                "Part of the wallet is damaged and cannot be decrypted.",
                detail=f"{table}:{row_id} fails authentication",
            ) from None


# --- module helpers -------------------------------------------------------------


def _read_key_header(conn: sqlite3.Connection) -> bytes | None:
    has_meta = conn.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'").fetchone()
    if not has_meta:
        raise StoreCorrupt("This file is not a Badge Wallet store, or it is damaged.", detail="no meta table")
    return db.meta_get(conn, _META_KEY)


def _find(conn: sqlite3.Connection, fingerprint: bytes) -> str | None:
    row = conn.execute("SELECT id FROM records WHERE fingerprint = ?", (fingerprint,)).fetchone()
    return None if row is None else str(row[0])


def _row(conn: sqlite3.Connection, sql: str, record_id: str) -> dict[str, Any] | None:
    cursor = conn.execute(sql, (record_id,))
    row = cursor.fetchone()
    if row is None:
        return None
    return {d[0]: value for d, value in zip(cursor.description, row, strict=True)}
