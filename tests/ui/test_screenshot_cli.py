"""``badgewallet --screenshot FILE --store DIR`` paints the window, saves a PNG and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage

from tests.ui.factory import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]


def test_screenshot_mode_writes_a_png_and_exits_zero(make_store: Any, home: Path, tmp_path: Path) -> None:
    make_store(12)
    target = tmp_path / "shot.png"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "BADGEWALLET_PASSPHRASE": PASSPHRASE,
        "BADGEWALLET_QT_ORG": "BadgeWalletTests",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "wallet.main", "--screenshot", str(target), "--store", str(home)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    image = QImage(str(target))
    assert not image.isNull()
    assert image.width() >= 1000 and image.height() >= 700


def test_screenshot_mode_without_a_passphrase_fails_cleanly(make_store: Any, home: Path, tmp_path: Path) -> None:
    make_store(1)
    env = {k: v for k, v in os.environ.items() if k != "BADGEWALLET_PASSPHRASE"}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        PYTHONPATH=str(ROOT),
    )
    proc = subprocess.run(
        [sys.executable, "-m", "wallet.main", "--screenshot", str(tmp_path / "x.png"), "--store", str(home)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "passphrase" in proc.stderr.lower()
    assert "Traceback" not in proc.stderr
