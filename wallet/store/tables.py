"""The schema layer: which table holds what, sealed under which associated data.

Between ``db`` (bytes in SQLite) and ``WalletStore`` (the rules: locking,
duplicates, merging, keys).  Every encrypted value is sealed with
``"<table>:<row id>"`` as associated data, the row id chosen *before*
encrypting, so a blob copied to another row or table no longer opens:

============  =====================================  =================================
table         in the clear                            sealed
============  =====================================  =================================
records       id, fingerprint, parent_id, added_at    summary (name, issuer, verdict…)
documents     record_id                               the credential (codec JSON)
originals     record_id                               the imported bytes
reports       record_id, checked_at                   the latest report
notes         record_id                               the earner's notes
meta          key                                     settings, holder key (the key
                                                      header is wrapped by keys.py)
============  =====================================  =================================

Methods run on the caller's connection and inside the caller's transaction.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import hmac
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

from wallet.errors import StoreCorrupt
from wallet.model import Credential
from wallet.verify.report import Report

from . import db, index
from .codec import CodecError, credential_from_dict, credential_to_dict, dumps, loads
from .crypto import InvalidTag, Sealer, derive_subkey
from .records import AddItem, RecordSummary, StoredRecord, clean_tags

META_KEY: Final = "key"  # the key header (keys.KeyHeader), not sealed here
META_SETTINGS: Final = "settings"
META_HOLDER_KEY: Final = "holder_key"

Row = dict[str, Any]
T = TypeVar("T")


class Tables:
    """Sealed reads and writes of the wallet's tables under one data key."""

    def __init__(self, conn: sqlite3.Connection, dek: bytes) -> None:
        self.conn = conn
        self._sealer = Sealer(derive_subkey(dek, b"records"))
        self._fingerprint_key = derive_subkey(dek, b"fingerprint")

    def forget_keys(self) -> None:
        """Drop the derived keys (the store is closing); stray use then fails to decrypt."""
        self._sealer = Sealer(bytes(32))
        self._fingerprint_key = b""

    # --- identity ---------------------------------------------------------------

    def fingerprint(self, credential: Credential) -> bytes:
        """HMAC-SHA256 under a key derived from the DEK – never a plain hash, which
        would let anyone holding the file test "does this wallet hold badge X?".

        Identity: the credential ``id`` with its issuer id when it has one (the
        same badge re-imported as PNG, JSON or JWT is one badge), else the exact
        signed payload, else the original bytes.  Two different credentials that
        claim the same id from the same issuer are one record: the first is kept.
        """
        if credential.id:
            identity = ["id", credential.issuer.id or "", credential.id]
        elif credential.payload:
            identity = ["payload", hashlib.sha256(credential.payload.encode("utf-8", "surrogatepass")).hexdigest()]
        else:
            identity = ["original", hashlib.sha256(credential.original).hexdigest()]
        return hmac.new(self._fingerprint_key, json.dumps(identity).encode(), hashlib.sha256).digest()

    def find(self, fingerprint: bytes) -> str | None:
        row = self.conn.execute("SELECT id FROM records WHERE fingerprint = ?", (fingerprint,)).fetchone()
        return None if row is None else str(row[0])

    # --- records ----------------------------------------------------------------

    def insert(self, fingerprint: bytes, item: AddItem, *, added_at: datetime, parent_id: str | None) -> RecordSummary:
        """Write a new record in every table it needs; returns its summary."""
        credential, report = item.credential, item.report
        record_id = uuid.uuid4().hex  # chosen first: it is part of every blob's associated data
        summary = RecordSummary(
            id=record_id,
            tags=clean_tags(item.tags),
            added_at=added_at,
            parent_id=parent_id,
            source=item.source,
            **_content_fields(credential, report),
        )
        self.conn.execute(
            "INSERT INTO records (id, fingerprint, parent_id, added_at, summary) VALUES (?, ?, ?, ?, ?)",
            (record_id, fingerprint, parent_id, _ts(added_at), self._seal("records", record_id, index.encode(summary))),
        )
        self._write_content(record_id, credential)
        if report is not None:
            self.write_report(record_id, report)
        if item.notes:
            self.write_notes(record_id, item.notes)
        return summary

    def replace_content(self, current: RecordSummary, credential: Credential, report: Report) -> RecordSummary:
        """Put another copy of the same credential (same fingerprint) and its report
        into the existing record ``current``; returns the new summary.

        The record id stays, so every blob keeps its ``"<table>:<id>"`` associated
        data; each is sealed again with a fresh nonce.  What the earner added –
        tags, notes, source, ``added_at`` and the parent link – is kept.
        """
        summary = dataclasses.replace(current, **_content_fields(credential, report))
        self.write_summary(summary)
        self._write_content(current.id, credential)
        self.write_report(current.id, report)
        return summary

    def _write_content(self, record_id: str, credential: Credential) -> None:
        """The credential (without its original) and the original bytes of one record."""
        document = dumps(credential_to_dict(credential, with_original=False))
        self.conn.execute(
            "INSERT OR REPLACE INTO documents (record_id, data) VALUES (?, ?)",
            (record_id, self._seal("documents", record_id, document)),
        )
        self.conn.execute(
            "INSERT OR REPLACE INTO originals (record_id, data) VALUES (?, ?)",
            (record_id, self._seal("originals", record_id, credential.original)),
        )

    def write_summary(self, summary: RecordSummary) -> None:
        blob = self._seal("records", summary.id, index.encode(summary))
        self.conn.execute("UPDATE records SET summary = ? WHERE id = ?", (blob, summary.id))

    def write_report(self, record_id: str, report: Report) -> None:
        blob = self._seal("reports", record_id, dumps(report.to_storable()))
        self.conn.execute(
            "INSERT OR REPLACE INTO reports (record_id, checked_at, data) VALUES (?, ?, ?)",
            (record_id, _ts(report.checked_at), blob),
        )

    def write_notes(self, record_id: str, notes: str) -> None:
        if notes:
            blob = self._seal("notes", record_id, dumps(notes))
            self.conn.execute("INSERT OR REPLACE INTO notes (record_id, data) VALUES (?, ?)", (record_id, blob))
        else:
            self.conn.execute("DELETE FROM notes WHERE record_id = ?", (record_id,))

    def set_parent(self, record_id: str, parent_id: str | None) -> None:
        self.conn.execute("UPDATE records SET parent_id = ? WHERE id = ?", (parent_id, record_id))

    def read(self, table: str, record_id: str) -> bytes | None:
        """The decrypted ``data`` of one record's row in ``table``, or None if there is none."""
        row = self.conn.execute(f"SELECT data FROM {table} WHERE record_id = ?", (record_id,)).fetchone()
        return None if row is None else self._open(table, record_id, row[0])

    def read_notes(self, record_id: str) -> str:
        raw = self.read("notes", record_id)
        return "" if raw is None else str(self._decode(lambda: loads(raw), record_id))

    def read_record(self, summary: RecordSummary) -> StoredRecord:
        record_id = summary.id
        document = self.read("documents", record_id)
        original = self.read("originals", record_id)
        if document is None or original is None:
            raise StoreCorrupt("A record in the wallet is incomplete.", detail=f"record {record_id}")
        report = self.read("reports", record_id)
        return StoredRecord(
            record_id=record_id,
            credential=self._decode(lambda: credential_from_dict(loads(document), original=original), record_id),
            report=self._decode(lambda: Report.from_json(loads(report)), record_id) if report is not None else None,
            notes=self.read_notes(record_id),
            tags=summary.tags,
            source=summary.source,
            added_at=summary.added_at,
            verified_at=summary.verified_at,
            parent_id=summary.parent_id,
        )

    def load_summaries(self) -> list[RecordSummary]:
        """Every summary, oldest first – never a document or an original.

        Two plain table scans and a sort in Python are several times faster than
        a JOIN with ORDER BY, and the cyclic GC is paused while ten thousand
        small objects are made (it would otherwise run dozens of times for
        nothing: none of them form cycles).  bench/store_open.py measures this.
        """
        checked = dict(self.conn.execute("SELECT record_id, checked_at FROM reports"))
        rows = self.conn.execute("SELECT id, parent_id, added_at, summary FROM records")
        summaries = []
        with _gc_paused():
            for record_id, parent_id, added_at, blob in rows:
                plain = self._open("records", record_id, blob)
                checked_at = checked.get(record_id)
                try:
                    summary = index.decode(
                        plain,
                        record_id=record_id,
                        added_at=datetime.fromisoformat(added_at),
                        parent_id=parent_id,
                        verified_at=datetime.fromisoformat(checked_at) if checked_at else None,
                    )
                except (KeyError, TypeError, ValueError) as exc:
                    raise _damaged(record_id, exc) from exc
                summaries.append(summary)
            summaries.sort(key=lambda summary: summary.added_at)  # stable: ties stay in insertion order
        return summaries

    def take_rows(self, record_id: str) -> tuple[tuple[tuple[str, Row], ...], tuple[str, ...]]:
        """Delete a record and return its rows, exactly as stored, and its children's ids."""
        rows = [("records", _row(self.conn, "SELECT * FROM records WHERE id = ?", record_id))]
        rows += [(t, _row(self.conn, f"SELECT * FROM {t} WHERE record_id = ?", record_id)) for t in db.RECORD_TABLES]
        children = tuple(r[0] for r in self.conn.execute("SELECT id FROM records WHERE parent_id = ?", (record_id,)))
        self.conn.execute("DELETE FROM records WHERE id = ?", (record_id,))
        return tuple((table, row) for table, row in rows if row is not None), children

    def put_rows(self, rows: tuple[tuple[str, Row], ...]) -> None:
        """Insert rows returned by ``take_rows`` (the ``records`` row first)."""
        for table, row in rows:
            columns = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            self.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values()))

    # --- meta: settings and the holder key ----------------------------------------

    def read_meta(self, key: str) -> bytes | None:
        raw = db.meta_get(self.conn, key)
        return None if raw is None else self._open("meta", key, raw)

    def write_meta(self, key: str, value: bytes | None) -> None:
        db.meta_put(self.conn, key, None if value is None else self._seal("meta", key, value))

    def settings(self) -> dict[str, Any]:
        raw = self.read_meta(META_SETTINGS)
        value = {} if raw is None else self._decode(lambda: loads(raw), META_SETTINGS)
        if not isinstance(value, dict):
            raise StoreCorrupt("The wallet's settings are damaged.", detail="settings are not an object")
        return value

    def write_settings(self, settings: Mapping[str, Any]) -> None:
        self.write_meta(META_SETTINGS, dumps(dict(settings)) if settings else None)

    # --- sealing ------------------------------------------------------------------

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

    @staticmethod
    def _decode(parse: Callable[[], T], row_id: str) -> T:
        """Run ``parse``; a value that decrypted but does not parse is damage, not a bug."""
        try:
            return parse()
        except (CodecError, KeyError, TypeError, ValueError) as exc:
            raise _damaged(row_id, exc) from exc


def _content_fields(credential: Credential, report: Report | None) -> dict[str, Any]:
    """The summary fields that come from the credential and its report (not from the earner)."""
    return {
        "name": credential.display_name,
        "issuer": credential.issuer_name,
        "format": credential.format,
        "verdict": report.verdict if report else None,
        "issued": credential.issued or credential.valid_from,
        "skills": credential.skills,
        "credential_id": credential.id,
        "verified_at": report.checked_at if report else None,
    }


def _damaged(row_id: str, exc: Exception) -> StoreCorrupt:
    return StoreCorrupt("A record in the wallet is damaged.", detail=f"{row_id}: {exc}")


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


def _row(conn: sqlite3.Connection, sql: str, record_id: str) -> Row | None:
    cursor = conn.execute(sql, (record_id,))
    row = cursor.fetchone()
    return None if row is None else {d[0]: value for d, value in zip(cursor.description, row, strict=True)}
