"""Where the wallet lives on disk, and files nobody else can read.

Permissions are set when a file is *created* (``os.open`` with a mode), never
tightened afterwards: a file that exists for a moment with the umask's mode is
a file another user could have opened in that moment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import platformdirs

APP_NAME: Final = "BadgeWallet"
HOME_ENV: Final = "BADGEWALLET_HOME"
DB_NAME: Final = "wallet.db"
DIR_MODE: Final = 0o700
FILE_MODE: Final = 0o600


def default_home(store_dir: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The store folder: ``--store DIR``, else ``$BADGEWALLET_HOME``, else the platform's data dir.

    ``store_dir`` is the command-line value (``None`` when not given);
    ``environ`` defaults to ``os.environ`` and is a parameter so tests need not
    patch the process environment.
    """
    env = os.environ if environ is None else environ
    if store_dir:
        return Path(store_dir).expanduser()
    if env.get(HOME_ENV):
        return Path(env[HOME_ENV]).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) so that the folder we create is 0700.

    An existing folder is left as it is: it may be one the user chose for other
    things too, and the files we put in it are 0600 regardless.
    """
    if path.is_dir():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.mkdir(mode=DIR_MODE)
    os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask


def create_private_file(path: Path) -> None:
    """Create an empty 0600 file, failing if one appeared meanwhile.

    SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file,
    so creating ``wallet.db`` this way before SQLite touches it covers all three.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.close(fd)


def open_private_temp(target: Path) -> tuple[Path, int]:
    """A new 0600 temp file next to ``target`` (same folder, so ``os.replace`` is atomic)."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)  # only a crashed process with our pid can have left it
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    return tmp, fd


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
