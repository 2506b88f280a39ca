"""Starting the desktop app: ``badgewallet`` and ``badgewallet --screenshot FILE``.

``run_app`` builds the QApplication, shows the window at once (locked, with
a busy bar) and opens the store on the store thread, so the window paints
before Argon2id finishes.  ``WalletApp`` is the piece tests and the benchmark
build directly: the same wiring with injectable QSettings and store options
(a cheap KDF, no keyring) and no global side effects.

Errors never end as a console traceback: ``install_excepthook`` logs them to
the log file and shows a dialog in the window.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from .main_window import MainWindow
from .session import WalletSession
from .unlock import Unlocker
from .workers import TaskManager

log = logging.getLogger(__name__)

ORG_ENV = "BADGEWALLET_QT_ORG"  # tests point QSettings somewhere harmless
SCHEME_ENV = "BADGEWALLET_COLOR_SCHEME"  # light | dark: force a palette (screenshots)
SCREENSHOT_TIMEOUT_MS = 30_000
SCREENSHOT_SIZE = (1200, 780)


class WalletApp:
    """Tasks, session, window and unlock flow for one store folder."""

    def __init__(
        self,
        home: Path,
        *,
        settings: QSettings | None = None,
        open_options: dict[str, Any] | None = None,
        passphrase: str | None = None,
        interactive: bool = True,
    ) -> None:
        self.home = home
        self._interactive = interactive
        self.tasks = TaskManager()
        self.session = WalletSession(self.tasks, home)
        if open_options and "kdf" in open_options:
            self.session.kdf = open_options["kdf"]
        self.window = MainWindow(self.session, settings or QSettings())
        self._open_options = open_options
        self._passphrase = passphrase
        self.unlocker: Unlocker | None = None
        self.window.retry_unlock.connect(self.unlock)

    def start(self) -> None:
        self.window.show()
        self.unlock()

    def unlock(self) -> None:
        self.unlocker = Unlocker(
            self.tasks,
            self.home,
            self.window,
            open_options=self._open_options,
            passphrase=self._passphrase,
            interactive=self._interactive,
        )
        self.unlocker.unlocked.connect(self.window.attach_store)
        self.unlocker.failed.connect(lambda message: self.window.show_locked(message, retry=True))
        self.unlocker.cancelled.connect(self._cancelled)
        self.unlocker.asking.connect(
            lambda new: self.window.show_locked(
                "Choose a passphrase to create your wallet." if new else "Enter your passphrase to open the wallet."
            )
        )
        self.unlocker.start()

    def _cancelled(self) -> None:
        self.window.show_locked("The wallet is locked.", retry=True)
        self.window.retry_button.setText("Unlock…")

    def close(self) -> None:
        self.window.close()


# --------------------------------------------------------------------------- process set-up


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="badgewallet", description="Badge Wallet desktop app")
    parser.add_argument(
        "--store", metavar="DIR", help="store folder (default: $BADGEWALLET_HOME or the user data folder)"
    )
    parser.add_argument("--screenshot", metavar="FILE", help="paint the window, save it as PNG and exit")
    parser.add_argument("--dark", action="store_true", help="use a dark palette regardless of the system")
    return parser.parse_args(list(argv))


def setup_logging() -> Path | None:
    """Log to a file in the user's log folder (the console stays quiet)."""
    try:
        import platformdirs

        folder = Path(platformdirs.user_log_dir("BadgeWallet", appauthor=False))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "badgewallet.log"
        from logging.handlers import RotatingFileHandler

        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def install_excepthook(parent_of_dialog: Any = None) -> None:
    """Unhandled exceptions (slots, threads) are logged and shown in a dialog, never only printed."""

    def show(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        log.error("Unhandled exception", exc_info=(exc_type, exc, tb))
        from .dialogs import error_box

        detail = "".join(traceback.format_exception(exc_type, exc, tb))
        message = getattr(exc, "user_message", None) or f"An unexpected error occurred: {exc_type.__name__}: {exc}"
        parent = parent_of_dialog() if callable(parent_of_dialog) else parent_of_dialog
        try:
            error_box(parent, "Something went wrong", message, detail)
        except Exception:  # the dialog itself failed: the log still has it
            log.exception("could not show the error dialog")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            # hand it to the GUI thread: dialogs may only be created there
            QTimer.singleShot(0, lambda: show(args.exc_type, args.exc_value, args.exc_traceback))  # type: ignore[arg-type]

    sys.excepthook = show
    threading.excepthook = thread_hook


def apply_color_scheme(app: QApplication, dark: bool) -> None:
    """Force a light or dark palette (the default follows the system)."""
    scheme = Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(scheme)
    if dark and app.palette().window().color().lightness() >= 128:
        from .theme import dark_palette

        app.setPalette(dark_palette())


def run_app(argv: Sequence[str]) -> int:
    """The desktop app's entry point (``wallet.main`` calls it); returns the exit status."""
    args = parse_args(argv)
    setup_logging()
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "badgewallet"])
    assert isinstance(app, QApplication)
    app.setOrganizationName(os.environ.get(ORG_ENV, "BadgeWallet"))
    app.setApplicationName("Badge Wallet")
    app.setApplicationDisplayName("Badge Wallet")
    if args.dark or os.environ.get(SCHEME_ENV) in ("dark", "light"):
        apply_color_scheme(app, args.dark or os.environ.get(SCHEME_ENV) == "dark")
    from wallet.store import default_home

    home = default_home(args.store)
    wallet_app = WalletApp(home, interactive=not args.screenshot)
    install_excepthook(lambda: wallet_app.window)
    if args.screenshot:
        return _screenshot(app, wallet_app, Path(args.screenshot))
    wallet_app.start()
    return int(app.exec())


def _screenshot(app: QApplication, wallet_app: WalletApp, target: Path) -> int:
    """Open, wait until the collection and the first detail are painted, save, exit."""
    status = {"code": 1}
    window = wallet_app.window

    def save(code: int) -> None:
        QApplication.processEvents()
        image = grab_window(window)
        ok = image.save(str(target), "PNG")
        status["code"] = code if ok else 1
        if not ok:
            print(f"badgewallet: could not write {target}", file=sys.stderr)
        window.close()
        app.quit()

    def failed(message: str) -> None:
        print(f"badgewallet: {message}", file=sys.stderr)
        save(1)

    window.resize(*SCREENSHOT_SIZE)  # the same picture whatever size the window was last time
    window.ready.connect(lambda: QTimer.singleShot(150, lambda: save(0)))
    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, lambda: failed("the window did not finish loading in time"))
    wallet_app.start()
    if wallet_app.unlocker is not None:
        wallet_app.unlocker.failed.connect(failed)
    app.exec()
    return status["code"]


def grab_window(window: QWidget) -> Any:
    """The window and any dialog open over it, as one image (offscreen has no screen to grab)."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QColor, QPainter, QPalette

    pixmap = window.grab()
    painter = QPainter(pixmap)
    for child in window.findChildren(QWidget):
        if child.isWindow() and child.isVisible() and child is not window:
            # offscreen windows have no decoration: draw a simple title bar and frame
            title_h = 26
            offset = QPoint((window.width() - child.width()) // 2, (window.height() - child.height() + title_h) // 2)
            body = QRect(offset.x(), offset.y(), child.width(), child.height())
            frame = body.adjusted(-1, -title_h, 1, 1)
            palette = child.palette()
            painter.fillRect(frame, palette.color(QPalette.ColorRole.Mid))
            painter.fillRect(frame.adjusted(1, 1, -1, -(child.height() + 1)), palette.color(QPalette.ColorRole.Button))
            painter.setPen(palette.color(QPalette.ColorRole.ButtonText))
            painter.drawText(
                frame.adjusted(10, 0, -10, -(child.height() + 1)),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                child.windowTitle(),
            )
            painter.drawPixmap(body.topLeft(), child.grab())
            painter.setPen(QColor(0, 0, 0, 60))
            painter.drawRect(frame.adjusted(-1, -1, 0, 0))
    painter.end()
    return pixmap
