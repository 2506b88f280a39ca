"""Folders and ZIP archives: every file gets its own outcome.

Nothing is ever extracted to disk, so hostile entry names (``../../x``,
absolute paths) are only labels.  ZIPs are read through capped streams:
header sizes are used to *reject* early, never to *trust* — the bytes
actually inflated are counted against the per-file size, the per-entry
ratio and the archive total.  The entry count is read from the end record
before ``zipfile`` parses the central directory, so a million-entry archive
is refused without building a million ``ZipInfo`` objects.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from wallet.errors import FormatError, LimitExceeded, NotABadge
from wallet.formats.common import check_size, human_bytes
from wallet.formats.detect import is_zip, parse_content
from wallet.limits import DEFAULT_LIMITS, Limits
from wallet.model import Credential

Status = Literal["imported", "not_a_badge", "rejected"]
_READ_STEP = 64 * 1024
_RATIO_FLOOR = 1024 * 1024  # below this, any ratio is harmless (tiny JSON compresses well)
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_CD_BYTES_PER_ENTRY = 512  # generous: 46-byte header + name + extras


@dataclass(frozen=True, slots=True)
class EntryOutcome:
    """What happened to one file of a folder or archive."""

    name: str
    status: Status
    credentials: tuple[Credential, ...] = ()
    reason: str | None = None


class _Budget:
    """Bytes inflated so far across one top-level archive and its nested ones."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            raise _BudgetSpent(f"The archive inflates past the {human_bytes(self.limit)} total uncompressed-size limit")


class _BudgetSpent(LimitExceeded):
    """The archive total ran out: stop reading this archive altogether."""


def parse_path(path: Path, limits: Limits = DEFAULT_LIMITS) -> list[EntryOutcome]:
    """A file (one outcome, or one per entry for a ZIP) or a folder walked recursively."""
    if path.is_dir():
        return _walk_folder(path, limits)
    return parse_file(path, path.name, limits)


def parse_archive(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> list[EntryOutcome]:
    """Every entry of a ZIP given as bytes (nested ZIPs included, up to the depth limit)."""
    return _zip_outcomes(io.BytesIO(data), name, limits, depth=1, budget=_Budget(limits.max_zip_total_bytes))


def outcome_for(data: bytes, name: str, limits: Limits) -> EntryOutcome:
    """Parse one file's bytes into an outcome (never raises for bad input)."""
    try:
        credentials = parse_content(data, name, limits)
    except NotABadge as exc:
        return EntryOutcome(name, "not_a_badge", reason=exc.user_message)
    except FormatError as exc:
        return EntryOutcome(name, "rejected", reason=exc.user_message)
    return EntryOutcome(name, "imported", tuple(credentials))


@dataclass(frozen=True, slots=True)
class FolderEntry:
    """One file found in a folder; ``skipped`` says why it will not be read."""

    path: Path
    label: str
    skipped: str | None = None


def walk_folder(root: Path, limits: Limits, *, skip_hidden: bool = False) -> Iterator[FolderEntry]:
    """Sorted, recursive; links are followed only when they stay inside the folder.

    The one folder walk of the wallet: ``parse_path`` reads each entry here,
    the importer hands each to a worker process.  ``skip_hidden`` leaves out
    dot-files (``.DS_Store`` …) that no one drops on purpose.
    """
    real_root = root.resolve()
    seen = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        if skip_hidden:
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in sorted(filenames):
            if skip_hidden and filename.startswith("."):
                continue
            path = Path(dirpath, filename)
            label = path.relative_to(root).as_posix()
            seen += 1
            if seen > limits.max_folder_files:
                reason = f"The folder has more than the {limits.max_folder_files:,}-file limit; the rest were skipped"
                yield FolderEntry(root, root.name or str(root), reason)
                return
            if path.is_symlink() and not path.resolve().is_relative_to(real_root):
                yield FolderEntry(path, label, "This is a link to a file outside the folder, so it was skipped")
                continue
            yield FolderEntry(path, label)


def _walk_folder(root: Path, limits: Limits) -> list[EntryOutcome]:
    outcomes: list[EntryOutcome] = []
    for entry in walk_folder(root, limits):
        if entry.skipped:
            outcomes.append(EntryOutcome(entry.label, "rejected", reason=entry.skipped))
        else:
            outcomes.extend(parse_file(entry.path, entry.label, limits))
    return outcomes


def parse_file(path: Path, label: str, limits: Limits = DEFAULT_LIMITS) -> list[EntryOutcome]:
    """One regular file (one outcome, or one per entry for a ZIP), labelled ``label``; never raises."""
    try:
        if not path.exists():
            return [EntryOutcome(label, "rejected", reason="The file does not exist")]
        if not path.is_file():  # a FIFO or device would block or never end
            return [EntryOutcome(label, "not_a_badge", reason="This is not a regular file")]
        size = path.stat().st_size
        with path.open("rb") as handle:
            if is_zip(handle.read(4)):
                check_size(size, limits.max_zip_total_bytes, "The archive")
                handle.seek(0)
                return _zip_outcomes(handle, label, limits, depth=1, budget=_Budget(limits.max_zip_total_bytes))
            check_size(size, limits.max_file_bytes)
            handle.seek(0)
            data = handle.read(limits.max_file_bytes + 1)
    except LimitExceeded as exc:
        return [EntryOutcome(label, "rejected", reason=exc.user_message)]
    except OSError as exc:
        return [EntryOutcome(label, "rejected", reason=f"The file could not be read ({exc.strerror or exc})")]
    return [outcome_for(data, label, limits)]


def _zip_outcomes(stream: BinaryIO, label: str, limits: Limits, *, depth: int, budget: _Budget) -> list[EntryOutcome]:
    """One outcome per entry; one ``rejected`` outcome if the archive itself is unusable."""
    try:
        _check_declared_entries(stream, limits)
        archive = zipfile.ZipFile(stream)
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > limits.max_zip_entries:
            raise _too_many(limits)
    except FormatError as exc:
        return [EntryOutcome(label, "rejected", reason=exc.user_message)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        return [EntryOutcome(label, "rejected", reason=f"The ZIP archive is damaged ({exc})")]
    outcomes: list[EntryOutcome] = []
    with archive:
        for number, info in enumerate(infos):
            name = f"{label}/{info.filename}"
            try:
                data = _read_entry(archive, info, limits, budget)
            except _BudgetSpent as exc:
                outcomes.append(EntryOutcome(name, "rejected", reason=exc.user_message))
                left = len(infos) - number - 1
                if left:
                    outcomes.append(EntryOutcome(label, "rejected", reason=f"{left} more entries were not read"))
                break
            except FormatError as exc:
                outcomes.append(EntryOutcome(name, "rejected", reason=exc.user_message))
                continue
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
                outcomes.append(EntryOutcome(name, "rejected", reason=f"The ZIP entry is damaged ({exc})"))
                continue
            if not is_zip(data):
                outcomes.append(outcome_for(data, name, limits))
            elif depth >= limits.max_archive_depth:
                reason = f"ZIP archives are nested deeper than the {limits.max_archive_depth}-level limit"
                outcomes.append(EntryOutcome(name, "rejected", reason=reason))
            else:
                outcomes.extend(_zip_outcomes(io.BytesIO(data), name, limits, depth=depth + 1, budget=budget))
    return outcomes


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, budget: _Budget) -> bytes:
    """Inflate one entry through a capped stream, whatever its header claims."""
    if info.flag_bits & 0x1:
        raise FormatError("The ZIP entry is encrypted")
    _check_growth(info.file_size, info, limits)  # an honest header lets us stop before reading
    out = bytearray()
    with archive.open(info) as entry:
        while block := entry.read(_READ_STEP):
            out += block
            budget.spend(len(block))
            _check_growth(len(out), info, limits)
    return bytes(out)


def _check_growth(produced: int, info: zipfile.ZipInfo, limits: Limits) -> None:
    """Per-entry caps: compression ratio (past a small floor), then plain size."""
    if produced > _RATIO_FLOOR and produced > limits.max_zip_ratio * max(info.compress_size, 1):
        raise LimitExceeded(
            f"The ZIP entry expands more than {limits.max_zip_ratio} times its compressed size "
            "(the compression-ratio limit; this looks like a zip bomb)"
        )
    check_size(produced, limits.max_file_bytes)


def _too_many(limits: Limits) -> LimitExceeded:
    return LimitExceeded(f"The ZIP archive has more than the {limits.max_zip_entries:,}-entry limit")


def _check_declared_entries(stream: BinaryIO, limits: Limits) -> None:
    """Refuse an archive whose end record declares too many entries or too big a directory."""
    read_at = _reader(stream)
    size = stream.seek(0, io.SEEK_END)
    tail_start = max(0, size - (22 + 65535))
    tail = read_at(tail_start, size - tail_start)
    pos = tail.rfind(_EOCD)
    if pos < 0 or pos + 22 > len(tail):
        raise FormatError("This is not a ZIP archive (no end-of-archive record)")
    entries, cd_size = struct.unpack_from("<HI", tail, pos + 10)
    total = int(entries)
    directory = int(cd_size)
    locator = pos - 20
    if (entries == 0xFFFF or cd_size == 0xFFFFFFFF) and locator >= 0 and tail[locator : locator + 4] == _ZIP64_LOCATOR:
        (record_at,) = struct.unpack_from("<Q", tail, locator + 8)
        record = read_at(record_at, 56)
        if len(record) == 56 and record.startswith(_ZIP64_EOCD):
            total, directory = struct.unpack_from("<QQ", record, 32)
    if total > limits.max_zip_entries or directory > limits.max_zip_entries * _CD_BYTES_PER_ENTRY:
        raise _too_many(limits)


def _reader(stream: BinaryIO) -> Callable[[int, int], bytes]:
    def read_at(offset: int, length: int) -> bytes:
        stream.seek(offset)
        return stream.read(length)

    return read_at
