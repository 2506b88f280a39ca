"""Write export files so that a reader never sees half of one.

An export can be interrupted (disk full, the app closed, an exception in the
middle of a ZIP).  Whatever was at the target before must then still be there,
whole.  So every file is written to a temporary name in the same folder,
flushed and fsynced, and only then renamed over the target with
``os.replace`` (atomic on POSIX and Windows within one file system).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from wallet.errors import ExportError
from wallet.store.paths import fsync_dir


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path``.

    The caller writes (and closes) the temporary file inside the ``with``
    block.  If the block raises, the temporary file is removed and ``path`` is
    untouched.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"Cannot write to {folder}: {exc.strerror or exc}.", detail=repr(exc)) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(folder)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once (see module docstring)."""
    try:
        with atomic_target(path) as tmp:
            tmp.write_bytes(data)
    except OSError as exc:
        raise ExportError(f"Could not write {path.name}: {exc.strerror or exc}.", detail=repr(exc)) from exc


@contextlib.contextmanager
def atomic_folder(path: Path) -> Iterator[Path]:
    """Yield an empty temporary folder next to ``path``; on success it takes ``path``'s place.

    A folder cannot be swapped in one system call, so the old folder is first
    renamed aside and removed only after the new one is in place: at every
    moment either the old or the new export is complete under some name.
    """
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise ExportError(f"Cannot write to {parent}: {exc.strerror or exc}.", detail=repr(exc)) from exc
    try:
        yield tmp
        old: Path | None = None
        if path.exists():
            if not path.is_dir():
                raise ExportError(f"{path} exists and is not a folder; choose another place.")
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=parent))
            old.rmdir()
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fsync_dir(parent)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())
