"""One-file encrypted backups, and restoring them into any wallet.

File layout (all integers big-endian)::

    "BWBACKUP"  version:u8  header_len:u32  header (JSON)      ← "head"
    verifier (16 bytes)     checksum: sha256(head || verifier)
    segment*:   ct_len:u32  final:u8  AES-GCM(chunk)

* ``header`` holds the Argon2id salt and cost, a random 7-byte nonce prefix and
  the segment size.  It is the associated data of every segment, so changing a
  cost or a salt makes every segment fail.
* ``verifier`` is the GCM tag of an empty message under the backup key: it says
  "wrong passphrase" before anything else is read.  ``checksum`` (unkeyed) tells
  accidental damage of the head apart from a wrong passphrase.
* The payload is a zlib stream of frames ``tag:u8 len:u32 body``: ``S`` settings,
  ``K`` holder key (optional), then per record ``R`` (JSON) and ``O`` (original
  bytes), then ``E`` with the record count.  It is cut into segments of
  ``segment_size`` bytes; segment *i* uses nonce ``prefix || i || final`` so
  segments cannot be reordered, dropped or cut short without detection (the
  STREAM construction).  Writing and reading hold one record at a time, so a
  wallet of any size backs up in flat memory.

Writing goes to a 0600 temp file next to the target, is fsynced and then
renamed over the target: a crash leaves the old backup or the new one, never
half of one.  Restoring runs inside one store transaction: a damaged or
truncated file changes nothing.

Progress and cancelling: both functions take an optional
``progress(done, total)`` callback, counted in records, and an optional
``cancel`` ``threading.Event``; both are called/checked on the calling thread.
``write_backup`` reports ``(0, total)`` once the key is derived and then
``(n, total)`` after each record; ``restore_backup`` first reports ``(0, 0)``
as soon as the passphrase is known to be right, then counts the records in one
authenticating pre-pass (only when ``progress`` is given, so the total is known
without storing the record count in the clear) and reports ``(0, total)`` …
``(total, total)`` as records are merged.  ``done`` never goes down.  Setting
``cancel`` makes the call raise ``Cancelled``: a cancelled backup removes its
temp file and leaves whatever was at the target before untouched; a cancelled
restore rolls its transaction back, so the store is unchanged.  Once the
rename (backup) or the commit (restore) has happened a late cancel is ignored.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Final

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from wallet.errors import StoreCorrupt, StoreError, WalletError, WrongPassphrase
from wallet.verify.report import Report

from .codec import CodecError, credential_from_dict, credential_to_dict, dumps, loads
from .crypto import TAG_BYTES, InvalidTag
from .keys import DEFAULT_KDF, SALT_BYTES, KdfParams, check_new_passphrase
from .paths import fsync_dir, open_private_temp
from .records import RestoreResult, StoredRecord
from .wallet_store import WalletStore

MAGIC: Final = b"BWBACKUP"
VERSION: Final = 1
SEGMENT_SIZE: Final = 1 << 20
MAX_SEGMENT_SIZE: Final = 16 << 20
MAX_HEADER: Final = 4096
MAX_FRAME: Final = 256 << 20  # an original is at most 20 MB (wallet.limits); leave room for its JSON
NONCE_PREFIX_BYTES: Final = 7
_HEAD = struct.Struct(">8sBI")
_SEGMENT = struct.Struct(">IB")
_FRAME = struct.Struct(">cI")
_CHECKSUM_BYTES = 32
_VERIFIER_INDEX = 0xFFFFFFFF  # a segment index never used for data
_INFLATE_STEP = 1 << 20

ProgressFn = Callable[[int, int], None]


class Cancelled(WalletError):
    """A backup or restore was stopped through its ``cancel`` event; nothing was changed.

    Not a ``StoreError``: the store and the files are fine, the user asked to stop.
    """

    def __init__(
        self, user_message: str = "Backup cancelled; nothing was written.", *, detail: str | None = None
    ) -> None:
        super().__init__(user_message, detail=detail or "cancelled")


def _check(cancel: threading.Event | None, message: str) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled(message)


_BACKUP_CANCELLED = "Backup cancelled; nothing was written."
_RESTORE_CANCELLED = "Restore cancelled; nothing was restored."


def write_backup(
    store: WalletStore,
    path: Path,
    passphrase: str,
    *,
    kdf: KdfParams = DEFAULT_KDF,
    segment_size: int = SEGMENT_SIZE,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Write every record, original, report, note, tag, setting and the holder key
    to one file at ``path``, encrypted under ``passphrase``.  Returns the record count.

    ``progress(done, total)`` is called after each record; if ``cancel`` is set
    before the file is renamed into place, ``Cancelled`` is raised, the temp file
    is removed and an older file at ``path`` is left as it was.
    """
    check_new_passphrase(passphrase)
    if not 1 <= segment_size <= MAX_SEGMENT_SIZE:
        raise ValueError("segment_size out of range")
    path = Path(path)
    salt = os.urandom(SALT_BYTES)
    nonce_prefix = os.urandom(NONCE_PREFIX_BYTES)
    header = json.dumps(
        {
            "kdf": kdf.to_json(salt),
            "nonce_prefix": base64.b64encode(nonce_prefix).decode("ascii"),
            "segment_size": segment_size,
        }
    ).encode()
    head = _HEAD.pack(MAGIC, VERSION, len(header)) + header
    _check(cancel, _BACKUP_CANCELLED)
    aead = AESGCM(kdf.derive(passphrase, salt))
    verifier = aead.encrypt(_nonce(nonce_prefix, _VERIFIER_INDEX, 2), b"", head)
    _check(cancel, _BACKUP_CANCELLED)
    total = store.count()
    tmp, fd = open_private_temp(path)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(head + verifier + hashlib.sha256(head + verifier).digest())
            frames = _FrameWriter(_SegmentWriter(out, aead, nonce_prefix, head, segment_size))
            frames.write(b"S", dumps(store.settings()))
            holder_key = store.holder_key()
            if holder_key is not None:
                frames.write(b"K", holder_key)
            count = 0
            if progress is not None:
                progress(0, total)
            for record in store.records():
                _check(cancel, _BACKUP_CANCELLED)
                frames.write(b"R", dumps(_record_to_json(record)))
                frames.write(b"O", record.credential.original)
                count += 1
                if progress is not None:
                    total = max(total, count)
                    progress(count, total)
            frames.write(b"E", dumps({"records": count}))
            frames.close()
            out.flush()
            os.fsync(out.fileno())
        _check(cancel, _BACKUP_CANCELLED)  # the last moment: after this the new file replaces the old one
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"The backup could not be written to {path}.", detail=repr(exc)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return count


def restore_backup(
    store: WalletStore,
    path: Path,
    passphrase: str,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> RestoreResult:
    """Merge the backup at ``path`` into ``store``: nothing lost, nothing twice.

    ``WrongPassphrase`` if the passphrase does not open it; ``StoreCorrupt`` if
    it is damaged or truncated anywhere – and then the store is unchanged.
    ``progress(done, total)``: ``(0, 0)`` once the passphrase is checked, then
    records merged out of the total (counted in a pre-pass over the file).
    ``Cancelled`` if ``cancel`` is set before the commit – the store is unchanged.
    """
    try:
        with open(path, "rb") as source:
            reader = _BackupReader(source, passphrase)
            total = 0
            if progress is not None:
                progress(0, 0)
                total = reader.count_records(cancel)
                progress(0, total)
            _check(cancel, _RESTORE_CANCELLED)
            return store.merge_records(
                reader.records(progress, total, cancel), settings=reader.settings, holder_key=reader.holder_key
            )
    except OSError as exc:
        raise StoreError(f"The backup {path} could not be read.", detail=repr(exc)) from exc


# --- writing --------------------------------------------------------------------


class _SegmentWriter:
    """Cuts a byte stream into authenticated segments; ``close`` writes the final one."""

    def __init__(self, out: IO[bytes], aead: AESGCM, nonce_prefix: bytes, head: bytes, size: int) -> None:
        self._out, self._aead, self._prefix, self._head, self._size = out, aead, nonce_prefix, head, size
        self._buffer = bytearray()
        self._index = 0

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) > self._size:  # strictly more: the last full chunk may be the final one
            self._emit(bytes(self._buffer[: self._size]), final=False)
            del self._buffer[: self._size]

    def close(self) -> None:
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()

    def _emit(self, chunk: bytes, *, final: bool) -> None:
        if self._index >= _VERIFIER_INDEX:
            raise StoreError("The backup is too large.")
        sealed = self._aead.encrypt(_nonce(self._prefix, self._index, int(final)), chunk, self._head)
        self._out.write(_SEGMENT.pack(len(sealed), int(final)) + sealed)
        self._index += 1


class _FrameWriter:
    def __init__(self, sink: _SegmentWriter) -> None:
        self._sink = sink
        self._zip = zlib.compressobj(6)

    def write(self, tag: bytes, body: bytes) -> None:
        self._sink.write(self._zip.compress(_FRAME.pack(tag, len(body))))
        self._sink.write(self._zip.compress(body))

    def close(self) -> None:
        self._sink.write(self._zip.flush())
        self._sink.close()


def _record_to_json(record: StoredRecord) -> dict[str, Any]:
    return {
        "id": record.record_id,
        "parent": record.parent_id,
        "added_at": record.added_at.isoformat(),
        "source": record.source,
        "tags": list(record.tags),
        "notes": record.notes,
        "report": record.report.to_storable() if record.report else None,
        "credential": credential_to_dict(record.credential, with_original=False),
    }


# --- reading --------------------------------------------------------------------


class _BackupReader:
    """Checks the head and the passphrase at once; ``records()`` streams the rest."""

    settings: dict[str, Any]
    holder_key: bytes | None
    _pending: tuple[bytes, bytes] | None

    def __init__(self, source: IO[bytes], passphrase: str) -> None:
        head, nonce_prefix, segment_size, aead = _open_head(source, passphrase)
        self._source = source
        self._body_start = source.tell()
        self._rewind = lambda: _frames(_segments(source, aead, nonce_prefix, head, segment_size))
        self._start()

    def _start(self) -> None:
        self._source.seek(self._body_start)
        self._frames = self._rewind()
        tag, body = self._next()
        if tag != b"S":
            raise _damaged("settings missing")
        settings = _json(body, "settings")
        if not isinstance(settings, dict):
            raise _damaged("settings are not an object")
        self.settings = settings
        self.holder_key = None
        self._pending = None
        tag, body = self._next()
        if tag == b"K":
            self.holder_key = body
        else:
            self._pending = (tag, body)

    def count_records(self, cancel: threading.Event | None = None) -> int:
        """Count the ``R`` frames in one pass over the rest of the file (authenticating
        every segment on the way), then rewind so ``records()`` starts afresh."""
        count = 0
        if self._pending is not None and self._pending[0] == b"R":
            count += 1
        for tag, _body in self._frames:
            _check(cancel, _RESTORE_CANCELLED)
            if tag == b"R":
                count += 1
        self._start()
        return count

    def records(
        self, progress: ProgressFn | None = None, total: int = 0, cancel: threading.Event | None = None
    ) -> Iterator[StoredRecord]:
        count = 0
        tag, body = self._pending or self._next()
        while tag == b"R":
            _check(cancel, _RESTORE_CANCELLED)
            data = _json(body, "record")
            tag, original = self._next()
            if tag != b"O":
                raise _damaged("a record without its original")
            yield _record_from_json(data, original)
            count += 1
            if progress is not None:
                total = max(total, count)
                progress(count, total)
            tag, body = self._next()
        _check(cancel, _RESTORE_CANCELLED)  # after the last record, before the commit
        if tag != b"E":
            raise _damaged(f"unexpected frame {tag!r}")
        end = _json(body, "end")
        if not isinstance(end, dict) or end.get("records") != count:
            raise _damaged("record count does not match")
        if next(self._frames, None) is not None:
            raise _damaged("data after the end")

    def _next(self) -> tuple[bytes, bytes]:
        frame = next(self._frames, None)
        if frame is None:
            raise _truncated()
        return frame


def _open_head(source: IO[bytes], passphrase: str) -> tuple[bytes, bytes, int, AESGCM]:
    fixed = source.read(_HEAD.size)
    if len(fixed) < len(MAGIC) or not fixed.startswith(MAGIC):
        raise StoreCorrupt("This file is not a Badge Wallet backup.")
    if len(fixed) < _HEAD.size:
        raise _truncated()
    _, version, header_len = _HEAD.unpack(fixed)
    if header_len > MAX_HEADER:
        raise _damaged("header too long")
    header = source.read(header_len)
    tail = source.read(TAG_BYTES + _CHECKSUM_BYTES)
    if len(header) < header_len or len(tail) < TAG_BYTES + _CHECKSUM_BYTES:
        raise _truncated()
    head = fixed + header
    verifier, checksum = tail[:TAG_BYTES], tail[TAG_BYTES:]
    if hashlib.sha256(head + verifier).digest() != checksum:
        raise _damaged("head checksum")
    if version != VERSION:
        raise StoreError("This backup was made by a newer version of Badge Wallet. Update the app to restore it.")
    try:
        fields = json.loads(header)
        nonce_prefix = base64.b64decode(fields["nonce_prefix"], validate=True)
        segment_size = fields["segment_size"]
        if len(nonce_prefix) != NONCE_PREFIX_BYTES or not isinstance(segment_size, int):
            raise ValueError("bad nonce prefix or segment size")
        if not 1 <= segment_size <= MAX_SEGMENT_SIZE:
            raise ValueError("segment size out of range")
    except (KeyError, TypeError, ValueError) as exc:
        raise _damaged(f"header: {exc}") from exc
    kdf, salt = KdfParams.from_json(fields.get("kdf"))
    aead = AESGCM(kdf.derive(passphrase, salt))
    try:
        aead.decrypt(_nonce(nonce_prefix, _VERIFIER_INDEX, 2), verifier, head)
    except InvalidTag:
        raise WrongPassphrase("The passphrase is not correct for this backup.") from None
    return head, nonce_prefix, segment_size, aead


def _segments(source: IO[bytes], aead: AESGCM, nonce_prefix: bytes, head: bytes, size: int) -> Iterator[bytes]:
    index = 0
    while True:
        fixed = source.read(_SEGMENT.size)
        if len(fixed) < _SEGMENT.size:
            raise _truncated()
        length, final = _SEGMENT.unpack(fixed)
        if final not in (0, 1) or not TAG_BYTES <= length <= size + TAG_BYTES or index >= _VERIFIER_INDEX:
            raise _damaged(f"segment {index} header")
        sealed = source.read(length)
        if len(sealed) < length:
            raise _truncated()
        try:
            yield aead.decrypt(_nonce(nonce_prefix, index, final), sealed, head)
        except InvalidTag:
            raise _damaged(f"segment {index} fails authentication") from None
        if final:
            if source.read(1):
                raise _damaged("data after the last segment")
            return
        index += 1


def _frames(chunks: Iterator[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """Frames from the decompressed stream; memory stays within one frame."""
    inflater = zlib.decompressobj()
    buffer = bytearray()

    def fill(need: int) -> bool:
        while len(buffer) < need:
            if inflater.eof:
                return False
            data = inflater.unconsumed_tail or next(chunks, None)
            if data is None:  # the last segment came before the end of the stream
                raise _truncated()
            try:
                buffer.extend(inflater.decompress(data, _INFLATE_STEP))
            except zlib.error as exc:
                raise _damaged(f"compressed stream: {exc}") from exc
        return True

    while True:
        if not fill(_FRAME.size):
            # Pulling once more lets _segments check that the final segment came last.
            if buffer or inflater.unused_data or next(chunks, None) is not None:
                raise _damaged("data after the end")
            return
        tag, length = _FRAME.unpack(buffer[: _FRAME.size])
        if length > MAX_FRAME:
            raise _damaged("frame too large")
        if not fill(_FRAME.size + length):
            raise _damaged("a frame runs past the end")
        body = bytes(buffer[_FRAME.size : _FRAME.size + length])
        del buffer[: _FRAME.size + length]
        yield tag, body


def _record_from_json(data: Any, original: bytes) -> StoredRecord:
    try:
        report = Report.from_json(data["report"]) if data["report"] is not None else None
        tags = data["tags"]
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ValueError("tags must be a list of strings")
        return StoredRecord(
            record_id=str(data["id"]),
            credential=credential_from_dict(data["credential"], original=original),
            report=report,
            notes=str(data["notes"]),
            tags=tuple(tags),
            source=str(data["source"]),
            added_at=datetime.fromisoformat(data["added_at"]),
            verified_at=report.checked_at if report else None,
            parent_id=_optional_str(data["parent"]),
        )
    except (CodecError, KeyError, TypeError, ValueError) as exc:
        raise _damaged(f"record: {exc}") from exc


def _optional_str(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError("expected text")
    return value


def _nonce(prefix: bytes, index: int, flag: int) -> bytes:
    return prefix + struct.pack(">IB", index, flag)


def _json(body: bytes, what: str) -> Any:
    try:
        return loads(body)
    except ValueError as exc:
        raise _damaged(f"{what}: {exc}") from exc


def _damaged(detail: str) -> StoreCorrupt:
    return StoreCorrupt("The backup file is damaged; nothing was restored.", detail=detail)


def _truncated() -> StoreCorrupt:
    return StoreCorrupt("The backup file is incomplete (cut short); nothing was restored.", detail="truncated")
