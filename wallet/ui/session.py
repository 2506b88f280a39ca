"""The window's one way to the wallet's services: store, importer, recruiter, export.

Widgets never call the store directly.  They ask the session, which turns each
request into a small operation on the right pool (Anki's ``CollectionOp`` /
``QueryOp`` idea): store reads and writes go to the single store thread, slow
work that does not touch the store (an import's parsing and verification, a
recruiter check) goes to the background pool.  The results come back on the
GUI thread through callbacks, and every mutation is announced with
``changed`` so each view decides for itself what to redraw.

No parsing, verification or crypto happens here – only calls into
``wallet.importer``, ``wallet.recruiter``, ``wallet.store`` and
``wallet.export``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from wallet.store import AddItem, AddResult

from .qtcompat import emit
from .workers import DoneFn, FailFn, Progress, ProgressFn, TaskHandle, TaskManager

log = logging.getLogger(__name__)

SETTING_OFFLINE = "ui.offline"


@dataclass(frozen=True, slots=True)
class Change:
    """What a finished operation changed (the views decide what to redraw)."""

    kind: str  # import | remove | restore | reverify | restore_backup | settings
    record_ids: tuple[str, ...] = ()


class _StoreSink:
    """The importer's sink: each ``add_many`` runs on the store thread, one transaction each.

    The import itself runs on the background pool; only the writes hop over to
    the store thread, so the store stays single-writer while the window can
    still read (detail pane, thumbnails) between two files.
    """

    def __init__(self, session: WalletSession, on_added: Callable[[Sequence[str]], None]) -> None:
        self._session = session
        self._on_added = on_added

    def add_many(self, items: Iterable[AddItem]) -> list[AddResult]:
        store = self._session.store
        batch = list(items)
        added: list[AddResult] = self._session.tasks.call_store_sync(lambda: store.add_many(batch))
        self._on_added([a.record_id for a in added if not a.duplicate])
        return added


class _StoreProxy:
    """What ``reverify_records`` reads and writes, with each call made on the store thread.

    Verification can wait on the network for seconds; running it on the
    background pool and hopping to the store thread only for ``get`` and
    ``update_report`` keeps the store free for the window meanwhile.
    """

    def __init__(self, session: WalletSession) -> None:
        self._session = session

    def get(self, record_id: str) -> Any:
        store = self._session.store
        return self._session.tasks.call_store_sync(lambda: store.get(record_id))

    def update_report(self, record_id: str, report: Any) -> None:
        store = self._session.store
        self._session.tasks.call_store_sync(lambda: store.update_report(record_id, report))


class WalletSession(QObject):
    """Owns the open store for the window's lifetime and runs operations on it."""

    changed = Signal(object)  # Change
    imported_some = Signal()  # records were committed during a running import

    def __init__(self, tasks: TaskManager, home: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.home = home
        self.store: Any = None
        self.offline = False
        self.kdf: Any = None  # KdfParams for new passphrases; None = the store's default (tests pass cheap ones)

    # ------------------------------------------------------------ life cycle

    @property
    def is_open(self) -> bool:
        return self.store is not None

    def attach(self, store: Any) -> None:
        """Adopt a store opened on the store thread (by the unlock flow)."""
        self.store = store
        try:
            self.offline = str(store.get_setting(SETTING_OFFLINE, "0")) == "1"
        except Exception:  # settings are a convenience; a failure here must not block the wallet
            log.warning("could not read the offline setting", exc_info=True)

    def key_source(self) -> str:
        return str(getattr(self.store, "key_source", "") or "")

    def close(self) -> None:
        """Close the store on its own thread and wait (window closing)."""
        store, self.store = self.store, None
        self.tasks.shutdown()
        if store is not None:
            self.tasks.run_store("close", lambda _p: store.close())
            self.tasks.wait_for_store()

    # ------------------------------------------------------------ reads

    def load_summaries(self, done: DoneFn, failed: FailFn | None = None) -> TaskHandle:
        store = self.store
        return self.tasks.run_store("summaries", lambda _p: store.summaries(), done=done, failed=failed)

    def load_record(self, record_id: str, done: DoneFn, failed: FailFn | None = None) -> TaskHandle:
        store = self.store
        return self.tasks.run_store("record", lambda _p: store.get(record_id), done=done, failed=failed)

    def load_records(self, record_ids: Sequence[str], done: DoneFn, failed: FailFn | None = None) -> TaskHandle:
        store = self.store
        ids = list(record_ids)

        def work(_p: Progress) -> list[Any]:
            out = []
            for record_id in ids:
                try:
                    out.append(store.get(record_id))
                except Exception:  # a record removed meanwhile is simply not shown
                    log.debug("record %s not loaded", record_id, exc_info=True)
            return out

        return self.tasks.run_store("records", work, done=done, failed=failed)

    def load_skill_inputs(self, record_ids: Sequence[str], done: DoneFn, failed: FailFn | None = None) -> TaskHandle:
        """Records as ``wallet.skills.SkillInput`` (slim credential, latest verdict), read on the store thread.

        Slimmed where they are read, so the Skills page never holds whole credentials (original files,
        images, full JSON) for the entire wallet; a record removed meanwhile is left out.
        """
        from wallet.skills import SkillInput, slim_credential

        store = self.store
        ids = list(record_ids)

        def work(_p: Progress) -> list[Any]:
            out = []
            for record_id in ids:
                try:
                    record = store.get(record_id)
                except Exception:  # removed meanwhile: the next refresh will not ask again
                    log.debug("record %s not loaded", record_id, exc_info=True)
                    continue
                verdict = record.report.verdict if record.report else None
                out.append(SkillInput(record.record_id, slim_credential(record.credential), verdict))
            return out

        return self.tasks.run_store("skill inputs", work, done=done, failed=failed)

    def image_source(self, record_ids: list[str]) -> dict[str, bytes | None]:
        """Image bytes per record; runs on the store thread (``ThumbnailCache`` calls it there)."""
        out: dict[str, bytes | None] = {}
        store = self.store
        if store is None:
            return dict.fromkeys(record_ids)
        from wallet.export.artwork import embedded_image, sniff_image

        for record_id in record_ids:
            try:
                original = store.original(record_id)
                if sniff_image(original) in ("image/png", "image/svg+xml"):
                    out[record_id] = original
                    continue
                embedded = embedded_image(store.get(record_id).credential)
                out[record_id] = embedded.data if embedded is not None else None
            except Exception:  # removed meanwhile, or no image: the card shows its letter
                log.debug("no image for %s", record_id, exc_info=True)
                out[record_id] = None
        return out

    # ------------------------------------------------------------ import

    def import_sources(
        self,
        sources: Sequence[str],
        *,
        progress: Callable[[int, int, Any], None],
        done: DoneFn,
        failed: FailFn | None = None,
    ) -> TaskHandle:
        """Run ``wallet.importer.import_sources`` on the background pool; cancel via the handle."""
        from wallet.importer import ImportSettings, import_sources

        settings = ImportSettings(offline=self.offline)
        added: list[str] = []
        lock = threading.Lock()

        def note(ids: Sequence[str]) -> None:
            with lock:
                added.extend(ids)
            emit(self.imported_some)

        sink = _StoreSink(self, note)

        def work(p: Progress) -> Any:
            return import_sources(list(sources), sink, settings, progress=p, cancel=p.cancel)

        def finished(summary: Any) -> None:
            emit(self.changed, Change("import", tuple(added)))
            done(summary)

        def broke(exc: BaseException) -> None:
            if added:
                emit(self.changed, Change("import", tuple(added)))
            if failed is not None:
                failed(exc)
            else:
                emit(self.tasks.unhandled_error, exc)

        return self.tasks.run_background("import", work, done=finished, failed=broke, progress=progress)

    # ------------------------------------------------------------ changes

    def remove(self, record_id: str, done: DoneFn, failed: FailFn | None = None) -> TaskHandle:
        """Remove a record; ``done`` gets the store's ``RemovedRecord`` (kept for undo)."""
        store = self.store

        def finished(removed: Any) -> None:
            emit(self.changed, Change("remove", (record_id,)))
            done(removed)

        return self.tasks.run_store("remove", lambda _p: store.remove(record_id), done=finished, failed=failed)

    def restore_removed(self, removed: Any, done: DoneFn | None = None, failed: FailFn | None = None) -> TaskHandle:
        store = self.store
        record_id = str(getattr(removed, "record_id", ""))

        def finished(result: Any) -> None:
            emit(self.changed, Change("restore", (record_id,)))
            if done is not None:
                done(result)

        return self.tasks.run_store(
            "undo remove", lambda _p: store.restore_removed(removed), done=finished, failed=failed
        )

    def reverify(self, record_ids: Sequence[str], done: DoneFn, failed: FailFn | None = None) -> TaskHandle:
        """Verify again with the current online/offline setting and store the new reports."""
        from wallet.importer import reverify_records

        proxy = _StoreProxy(self)
        ids = list(record_ids)
        offline = self.offline

        def finished(results: Any) -> None:
            emit(self.changed, Change("reverify", tuple(ids)))
            done(results)

        return self.tasks.run_background(
            "reverify",
            lambda p: reverify_records(proxy, ids, offline=offline, cancel=p.cancel),
            done=finished,
            failed=failed,
        )

    def set_offline(self, offline: bool) -> None:
        self.offline = offline
        store = self.store
        if store is not None:
            self.tasks.run_store("settings", lambda _p: store.set_setting(SETTING_OFFLINE, "1" if offline else "0"))
        emit(self.changed, Change("settings"))

    # ------------------------------------------------------------ export

    def export_baked(self, record_id: str, path: Path, done: DoneFn, failed: FailFn | None = None) -> TaskHandle:
        """Write the record as a baked PNG/SVG badge (``wallet.export.bake``)."""
        store = self.store

        def work(_p: Progress) -> Path:
            from wallet.export.bake import export_baked

            export_baked(store, record_id, path)
            return path

        return self.tasks.run_store("export", work, done=done, failed=failed)

    def write_bundle(
        self,
        record_ids: Sequence[str],
        out_zip: Path,
        *,
        challenge: str | None,
        domain: str | None,
        done: DoneFn,
        failed: FailFn | None = None,
    ) -> TaskHandle:
        """Write a résumé bundle (with Qt's PDF) on the store thread; the holder key lives in the store."""
        store = self.store
        ids = list(record_ids)

        def work(_p: Progress) -> Any:
            from wallet.export.bundle import write_bundle

            from .pdf import render_pdf

            return write_bundle(store, ids, out_zip, challenge=challenge, domain=domain, pdf_renderer=render_pdf)

        return self.tasks.run_store("bundle", work, done=done, failed=failed)

    # ------------------------------------------------------------ recruiter (no store)

    def check_target(self, target: str, done: DoneFn, failed: FailFn | None = None) -> TaskHandle:
        from wallet.recruiter import check_target

        offline = self.offline
        return self.tasks.run_background(
            "check", lambda _p: check_target(target, offline=offline), done=done, failed=failed
        )

    # ------------------------------------------------------------ key and backups

    def change_passphrase(self, old: str, new: str, done: DoneFn, failed: FailFn | None = None) -> TaskHandle:
        """Re-wrap the data key (Argon2id runs twice: on the store thread, never the GUI's)."""
        store = self.store
        kdf = self.kdf
        kwargs = {"kdf": kdf} if kdf is not None else {}
        return self.tasks.run_store(
            "passphrase", lambda _p: store.change_passphrase(old, new, **kwargs), done=done, failed=failed
        )

    def write_backup(
        self,
        path: Path,
        passphrase: str,
        done: DoneFn,
        failed: FailFn | None = None,
        progress: ProgressFn | None = None,
    ) -> TaskHandle:
        """Write a backup on the store thread; ``progress(done, total, None)`` counts records and
        ``handle.cancel()`` stops it with ``wallet.store.backup.Cancelled`` (no file written)."""
        from wallet.store import write_backup

        store = self.store
        kwargs = {"kdf": self.kdf} if self.kdf is not None else {}

        def work(p: Progress) -> int:
            return write_backup(store, path, passphrase, progress=p, cancel=p.cancel, **kwargs)

        return self.tasks.run_store("backup", work, done=done, failed=failed, progress=progress)

    def restore_backup(
        self,
        path: Path,
        passphrase: str,
        done: DoneFn,
        failed: FailFn | None = None,
        progress: ProgressFn | None = None,
    ) -> TaskHandle:
        """Merge a backup on the store thread; progress as for ``write_backup`` (first ``(0, 0)``
        once the passphrase is right); ``handle.cancel()`` before the commit changes nothing."""
        from wallet.store import restore_backup

        store = self.store

        def finished(result: Any) -> None:
            emit(self.changed, Change("restore_backup"))
            done(result)

        def work(p: Progress) -> Any:
            return restore_backup(store, path, passphrase, progress=p, cancel=p.cancel)

        return self.tasks.run_store("restore", work, done=finished, failed=failed, progress=progress)
