"""Fixtures for driving the real window with pytest-qt.

Every test gets its own wallet folder and its own QSettings file, opens the
store with no keyring and a cheap Argon2id (``factory.open_options``), and
closes the window – which closes the store on its own thread – at the end.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings

from tests.ui.factory import PASSPHRASE, fill_store, open_options

WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def _no_passphrase_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests type or pass passphrases themselves; the environment must not unlock for them."""
    monkeypatch.delenv("BADGEWALLET_PASSPHRASE", raising=False)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "wallet"


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_store(home: Path) -> Callable[..., None]:
    """Create the wallet (passphrase-protected) before the window opens, optionally with badges."""

    def make(count: int = 0, **kwargs: Any) -> None:
        from wallet.store import WalletStore

        with WalletStore.open(home, passphrase=PASSPHRASE, **open_options()) as store:
            if count:
                fill_store(store, count, **kwargs)

    return make


@pytest.fixture
def open_app(qtbot: Any, home: Path, qsettings: QSettings) -> Iterator[Callable[..., Any]]:
    """Start a ``WalletApp``; by default with the right passphrase so it unlocks without a dialog."""
    from wallet.ui.app import WalletApp

    apps: list[Any] = []

    def start(*, passphrase: str | None = PASSPHRASE, wait: bool = True) -> Any:
        app = WalletApp(home, settings=qsettings, open_options=open_options(), passphrase=passphrase)
        qtbot.addWidget(app.window)
        apps.append(app)
        app.start()
        if wait:
            wait_loaded(qtbot, app)
        return app

    yield start
    for app in apps:
        if app.window.isVisible() or app.session.is_open:
            app.window.close()


def wait_loaded(qtbot: Any, app: Any) -> None:
    qtbot.waitUntil(lambda: app.session.is_open and app.window.model.loaded, timeout=WAIT_MS)


def wait_idle(qtbot: Any, app: Any) -> None:
    """No task pending (import, reloads, thumbnails)."""
    qtbot.waitUntil(lambda: not app.tasks.busy, timeout=WAIT_MS)
