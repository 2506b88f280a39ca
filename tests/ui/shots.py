"""Make the screenshots in docs/screenshots (run by hand, not collected by pytest).

    QT_QPA_PLATFORM=offscreen python -m tests.ui.shots docs/screenshots

The collection uses demo badges from ``factory`` with recorded reports of
different verdicts (an unsigned demo badge could never show "Valid"); the
import-summary and recruiter pictures run the real import and verification
over real files.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from tests.ui.factory import PASSPHRASE, fill_store, open_options, write_badges

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "gen" / "js" / "out" / "baked"
SIZE = (1200, 780)


def wait(app: QApplication, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    import time

    end = time.monotonic() + timeout
    while not condition():
        app.processEvents()
        if time.monotonic() > end:
            raise TimeoutError("the window did not reach the state in time")
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def open_wallet(app: QApplication, home: Path, settings_file: Path, count: int = 0, **kwargs: Any) -> Any:
    from wallet.store import WalletStore
    from wallet.ui.app import WalletApp

    with WalletStore.open(home, passphrase=PASSPHRASE, **open_options()) as store:
        if count:
            fill_store(store, count, **kwargs)
    wallet_app = WalletApp(
        home, settings=QSettings(str(settings_file), QSettings.Format.IniFormat), open_options=open_options(),
        passphrase=PASSPHRASE,
    )  # fmt: skip
    wallet_app.window.resize(*SIZE)
    wallet_app.start()
    wait(app, lambda: wallet_app.session.is_open and wallet_app.window.model.loaded)
    return wallet_app


def settle(app: QApplication, wallet_app: Any) -> None:
    window = wallet_app.window
    wait(app, lambda: not wallet_app.tasks.busy and window.thumbnails.is_idle())
    if window.model.total:
        wait(app, lambda: window.detail.record is not None or window.detail.isHidden())
    wait(app, lambda: not wallet_app.tasks.busy)


def save(app: QApplication, wallet_app: Any, path: Path) -> None:
    from wallet.ui.app import grab_window

    settle(app, wallet_app)
    grab_window(wallet_app.window).save(str(path), "PNG")
    print("wrote", path)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    tmp = Path(tempfile.mkdtemp(prefix="bw-shots-"))

    # 1. empty wallet
    w = open_wallet(app, tmp / "empty", tmp / "empty.ini")
    save(app, w, out / "empty-wallet.png")
    w.close()

    # 2. collection grid with the first badge's detail
    w = open_wallet(app, tmp / "grid", tmp / "grid.ini", count=24)
    save(app, w, out / "collection-grid.png")

    # 3. detail of a badge with a failed check, list layout
    window = w.window
    window.set_grid(False)
    target = next(s.id for s in window.model.all_summaries() if s.verdict == "revoked")
    window.select_record(target)
    wait(app, lambda: window.detail.record is not None and window.detail.record.record_id == target)
    save(app, w, out / "detail-with-checks.png")

    # 4. search and "Needs attention"
    window.set_grid(True)
    window.sidebar.setCurrentItem(window.sidebar.attention_item)
    window.search.setText("design")
    save(app, w, out / "search-needs-attention.png")
    w.close()

    # 5. import summary: real files through the real importer
    w = open_wallet(app, tmp / "import", tmp / "import.ini")
    files = [str(p) for p in write_badges(tmp / "drop", 4)]
    files += [str(p) for p in sorted(FIXTURES.glob("*valid*.png"))[:2]] if FIXTURES.is_dir() else []
    (tmp / "drop" / "holiday-photo.png").write_bytes((ROOT / "tests" / "ui" / "factory.py").read_bytes()[:10])
    (tmp / "drop" / "notes.txt").write_text("not a badge")
    files += [str(tmp / "drop" / "holiday-photo.png"), str(tmp / "drop" / "notes.txt"), files[0]]
    w.window.import_sources(files)
    wait(app, lambda: w.window.last_import_summary is not None)
    w.window.show_import_summary()
    save(app, w, out / "import-summary.png")
    w.window._summary_dialog.close()
    w.close()

    # 6. recruiter check of a real signed badge
    w = open_wallet(app, tmp / "recruit", tmp / "recruit.ini", count=6)
    w.window.sidebar.select_recruiter()
    candidates = sorted(FIXTURES.glob("ob_vc2_eddsa_valid.png")) if FIXTURES.is_dir() else []
    target_file = str(candidates[0]) if candidates else str(write_badges(tmp / "recruit-in", 1)[0])
    w.window.recruiter.check(target_file)
    wait(app, lambda: w.window.recruiter.result is not None)
    save(app, w, out / "recruiter-check.png")
    w.close()

    # 7. dark palette
    from wallet.ui.app import apply_color_scheme

    apply_color_scheme(app, True)
    w = open_wallet(app, tmp / "grid", tmp / "dark.ini")
    save(app, w, out / "dark-palette.png")
    w.close()

    # 8. unlock dialog (dark too)
    from wallet.ui.app import WalletApp

    w = WalletApp(
        tmp / "grid", settings=QSettings(str(tmp / "unlock.ini"), QSettings.Format.IniFormat),
        open_options=open_options(),
    )  # fmt: skip
    w.window.resize(*SIZE)
    w.start()
    wait(app, lambda: w.unlocker is not None and w.unlocker.dialog is not None and w.unlocker.dialog.isVisible())
    dialog = w.unlocker.dialog
    dialog.passphrase.setText("wrong guess")
    dialog.show_error("The passphrase is not correct. Check it and try again.")
    QTimer.singleShot(0, lambda: None)
    from wallet.ui.app import grab_window

    for _ in range(10):
        app.processEvents()
    grab_window(w.window).save(str(out / "unlock-dialog.png"), "PNG")
    print("wrote", out / "unlock-dialog.png")
    dialog.reject()
    w.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
