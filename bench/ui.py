"""Desktop UI benchmark: start-up to a painted window, filtering and memory at 10,000 badges.

    QT_QPA_PLATFORM=offscreen python bench/ui.py [--count 10000] [--keep DIR]

Targets (DESIGN.md, Performance): process start → window painted ≤ 1.5 s,
a keystroke of search-as-you-type ≤ 30 ms, peak RSS ≤ 300 MB.

The parent builds the wallet once (baked PNG badges with recorded reports,
the store's default Argon2id so unlocking costs what it costs a user), then
starts a fresh Python process that opens the real window over it.  The child
reports the wall-clock moment the collection and the first badge's detail
were painted; the parent subtracts the moment it launched the process, so
interpreter and Qt start-up are included.  The child then types into the
search field key by key (each keystroke timed until the filtered view has
been repainted) and reports its peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSPHRASE = "bench passphrase, not secret"
QUERIES = ["rust", "open skills", "machine learning", "zzz"]


def build_store(home: Path, count: int) -> float:
    from tests.ui.factory import fill_store
    from wallet.store import WalletStore

    started = time.perf_counter()
    with WalletStore.open(home, passphrase=PASSPHRASE, keyring_backend=None) as store:
        if store.count() < count:
            fill_store(store, count - store.count())
        assert store.count() >= count
    return time.perf_counter() - started


def child(home: Path) -> None:
    """Runs in the measured process: open the window, wait for paint, type, report."""
    import resource

    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    from wallet.ui.app import WalletApp

    ini = home.parent / "bench-ui.ini"
    ini.unlink(missing_ok=True)  # every run starts from the default view (grid, sorted by date)
    settings = QSettings(str(ini), QSettings.Format.IniFormat)
    wallet_app = WalletApp(home, settings=settings, open_options={"keyring_backend": None}, passphrase=PASSPHRASE)
    result: dict[str, object] = {}

    def ready() -> None:
        result["ready_wall"] = time.time()
        window = wallet_app.window
        result["rows"] = window.model.total
        timings: list[float] = []
        for query in QUERIES:
            window.search.clear()
            app.processEvents()
            for char in query:
                started = time.perf_counter()
                QTest.keyClick(window.search, char)
                window.view.viewport().repaint()
                app.processEvents()
                timings.append((time.perf_counter() - started) * 1000)
        result["keystroke_ms"] = timings
        result["visible_after_last"] = window.model.rowCount()
        started = time.perf_counter()
        window.search.clear()
        window.view.viewport().repaint()
        result["clear_ms"] = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        window.sort.setCurrentIndex(window.sort.findData("name"))
        window.view.viewport().repaint()
        result["sort_ms"] = (time.perf_counter() - started) * 1000
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print("RESULT " + json.dumps(result), flush=True)
        QTimer.singleShot(0, wallet_app.close)
        QTimer.singleShot(0, app.quit)

    wallet_app.window.ready.connect(ready, Qt.ConnectionType.QueuedConnection)
    wallet_app.start()
    app.exec()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--keep", metavar="DIR", help="build (or reuse) the wallet in DIR")
    parser.add_argument("--runs", type=int, default=3, help="start-up runs (the best and the median are printed)")
    parser.add_argument("--child", metavar="HOME", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child))
        return 0
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bw-bench-ui-"))
    home = base / "wallet"
    build_seconds = build_store(home, args.count)
    print(f"wallet: {args.count} badges in {home} (built/checked in {build_seconds:.1f} s)")
    starts: list[float] = []
    last: dict[str, object] = {}
    for _ in range(args.runs):
        launched = time.time()
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(home)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
        if proc.returncode != 0 or line is None:
            print(proc.stdout, proc.stderr, sep="\n")
            return 1
        last = json.loads(line[len("RESULT ") :])
        starts.append(float(last["ready_wall"]) - launched)  # type: ignore[arg-type]
    keys = [float(x) for x in last["keystroke_ms"]]  # type: ignore[union-attr]
    print(
        f"start → window painted ({last['rows']} badges, incl. Argon2id unlock): "
        f"best {min(starts):.2f} s, median {statistics.median(starts):.2f} s   (target ≤ 1.5 s)"
    )
    print(
        f"filter per keystroke: median {statistics.median(keys):.1f} ms, max {max(keys):.1f} ms "
        f"over {len(keys)} keys   (target ≤ 30 ms)"
    )
    print(f"clear search: {float(last['clear_ms']):.1f} ms; sort by name: {float(last['sort_ms']):.1f} ms")  # type: ignore[arg-type]
    print(f"peak RSS: {float(last['peak_rss_mb']):.0f} MB   (target ≤ 300 MB)")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
