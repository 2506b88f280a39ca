"""A long import can be cancelled; whatever was stored is whole and nothing else is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.conftest import WAIT_MS, wait_idle
from tests.ui.factory import PASSPHRASE, open_options, write_badges
from tests.ui.test_window import drop_files


def test_cancel_a_long_import_leaves_only_complete_records(
    qtbot: Any, open_app: Any, make_store: Any, home: Path, tmp_path: Path
) -> None:
    make_store()
    folder = tmp_path / "many"
    write_badges(folder, 120)
    app = open_app()
    window = app.window
    drop_files(window, [folder])  # a folder: the importer walks it
    panel = window.import_panel
    qtbot.waitUntil(lambda: panel.running and panel.bar.value() >= 3, timeout=WAIT_MS)
    # the window stays responsive while the import runs: typing filters at once
    window.search.setText("rust")
    window.search.clear()
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: not panel.running, timeout=WAIT_MS)
    summary = window.last_import_summary
    assert summary is not None and summary.cancelled
    imported = [rid for o in summary.outcomes if o.status == "imported" for rid in o.record_ids]
    assert 0 < len(imported) < 120
    assert "cancelled" in window.message_bar.text
    wait_idle(qtbot, app)
    window.close()

    from wallet.store import WalletStore

    with WalletStore.open(home, passphrase=PASSPHRASE, **open_options()) as store:
        assert store.count() == len(set(imported))
        for summary_row in store.summaries():
            record = store.get(summary_row.id)  # every stored record opens in full
            assert record.credential.original.startswith(b"\x89PNG")
            assert record.report is not None
            assert store.original(summary_row.id) == record.credential.original
        assert {s.id for s in store.summaries()} == set(imported)
