"""Background work for the window: QRunnables that report back through Signals.

Two pools, as in Anki's TaskManager:

* the *store* pool has exactly one thread that never expires, so every call
  that touches the ``WalletStore`` (its SQLite connection, its key) runs in
  order on the same thread – there is one writer by construction, and the
  window never blocks on a lock;
* the *background* pool runs work that does not touch the store: image
  decoding, recruiter checks, network.

A task is a plain callable; its result or exception comes back on the GUI
thread through the ``TaskManager`` (a QObject living there), which then calls
the ``done``/``failed`` callbacks.  Callbacks must never be called from the
worker thread, so tasks may not touch widgets – they get a ``Progress``
object instead.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThread, QThreadPool, Signal, Slot

from .qtcompat import emit

log = logging.getLogger(__name__)

DoneFn = Callable[[Any], None]
FailFn = Callable[[BaseException], None]
ProgressFn = Callable[[int, int, Any], None]


class WorkerSignals(QObject):
    """The three things a worker can say; emitted from the worker thread, delivered queued."""

    finished = Signal(int, object)
    failed = Signal(int, object)
    progress = Signal(int, int, int, object)


class Progress:
    """Handed to a task so it can report progress and notice a cancel request."""

    def __init__(self, task_id: int, signals: WorkerSignals, cancel: threading.Event) -> None:
        self._task_id = task_id
        self._signals = signals
        self.cancel = cancel

    def __call__(self, done: int, total: int, payload: Any = None) -> None:
        emit(self._signals.progress, self._task_id, done, total, payload)

    @property
    def cancelled(self) -> bool:
        return self.cancel.is_set()


class Worker(QRunnable):
    """Runs ``fn(progress)`` and emits finished/failed with the task id."""

    def __init__(self, task_id: int, fn: Callable[[Progress], Any], signals: WorkerSignals, cancel: threading.Event):
        super().__init__()
        self.setAutoDelete(True)
        self._task_id = task_id
        self._fn = fn
        self._signals = signals
        self._cancel = cancel

    def run(self) -> None:
        try:
            result = self._fn(Progress(self._task_id, self._signals, self._cancel))
        except BaseException as exc:  # handed to the GUI thread, which shows it; never lost in a thread
            emit(self._signals.failed, self._task_id, exc)
            if not isinstance(exc, Exception):
                raise
        else:
            emit(self._signals.finished, self._task_id, result)


class _SyncCall(QRunnable):
    """A store call whose caller waits on an event instead of a signal."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the waiting thread still reads the result
        self.fn = fn
        self.event = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.fn()
        except BaseException as exc:
            self.error = exc
        finally:
            self.event.set()


@dataclass
class TaskHandle:
    """What the caller keeps: a way to cancel and to know whether it still runs."""

    task_id: int
    name: str
    cancel_event: threading.Event = field(default_factory=threading.Event)
    running: bool = True

    def cancel(self) -> None:
        self.cancel_event.set()


@dataclass
class _Pending:
    handle: TaskHandle
    done: DoneFn | None
    failed: FailFn | None
    progress: ProgressFn | None


class TaskManager(QObject):
    """Starts tasks on the right pool and delivers their outcome on the GUI thread."""

    task_started = Signal(str)
    task_ended = Signal(str)
    #: an exception nobody handled (no ``failed`` callback); the window shows it
    unhandled_error = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store_pool = QThreadPool(self)
        self.store_pool.setMaxThreadCount(1)
        self.store_pool.setExpiryTimeout(-1)  # the same thread for the store's whole life
        self.background_pool = QThreadPool(self)
        self.background_pool.setMaxThreadCount(max(2, QThreadPool.globalInstance().maxThreadCount()))
        self._signals = WorkerSignals()
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._signals.progress.connect(self._on_progress)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._closing = False

    # ---------------------------------------------------------------- starting

    def run_store(
        self,
        name: str,
        fn: Callable[[Progress], Any],
        *,
        done: DoneFn | None = None,
        failed: FailFn | None = None,
        progress: ProgressFn | None = None,
    ) -> TaskHandle:
        """Queue ``fn`` on the single store thread (after everything queued before it)."""
        return self._start(self.store_pool, name, fn, done, failed, progress)

    def run_background(
        self,
        name: str,
        fn: Callable[[Progress], Any],
        *,
        done: DoneFn | None = None,
        failed: FailFn | None = None,
        progress: ProgressFn | None = None,
    ) -> TaskHandle:
        """Run ``fn`` on the background pool; it must not touch the store."""
        return self._start(self.background_pool, name, fn, done, failed, progress)

    def _start(
        self,
        pool: QThreadPool,
        name: str,
        fn: Callable[[Progress], Any],
        done: DoneFn | None,
        failed: FailFn | None,
        progress: ProgressFn | None,
    ) -> TaskHandle:
        handle = TaskHandle(next(self._ids), name)
        self._pending[handle.task_id] = _Pending(handle, done, failed, progress)
        emit(self.task_started, name)
        pool.start(Worker(handle.task_id, fn, self._signals, handle.cancel_event))
        return handle

    def call_store_sync(self, fn: Callable[[], Any], timeout: float | None = None) -> Any:
        """Run ``fn`` on the store thread and wait for it – from a *background* worker only.

        This is how a long job on the background pool (an import) writes through
        the one store thread without holding it for the whole job, so reads for
        the detail pane and thumbnails interleave with the import's writes.
        """
        app = QCoreApplication.instance()
        if app is not None and QThread.currentThread() is app.thread():
            raise RuntimeError("call_store_sync would block the GUI thread")
        call = _SyncCall(fn)
        self.store_pool.start(call)
        if not call.event.wait(timeout):
            raise TimeoutError("the store did not answer in time")
        if call.error is not None:
            raise call.error
        return call.result

    # ---------------------------------------------------------------- waiting

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait_for_store(self, msecs: int = 30_000) -> bool:
        """Block until the store queue is empty (shutdown and tests only)."""
        return self.store_pool.waitForDone(msecs)

    def shutdown(self, msecs: int = 10_000) -> None:
        """Ask every task to stop, wait for both pools; results arriving later are dropped.

        The window is going away, so no callback may run against its widgets.
        """
        self._closing = True
        for pending in self._pending.values():
            pending.handle.cancel()
        self.background_pool.waitForDone(msecs)
        self.store_pool.waitForDone(msecs)

    # ---------------------------------------------------------------- delivery (GUI thread)

    @Slot(int, object)
    def _on_finished(self, task_id: int, result: Any) -> None:
        pending = self._pending.pop(task_id, None)
        if pending is None:
            return
        pending.handle.running = False
        emit(self.task_ended, pending.handle.name)
        if self._closing:
            return
        if pending.done is not None:
            pending.done(result)

    @Slot(int, object)
    def _on_failed(self, task_id: int, exc: BaseException) -> None:
        pending = self._pending.pop(task_id, None)
        if pending is None:
            return
        pending.handle.running = False
        emit(self.task_ended, pending.handle.name)
        log.debug("task %s failed", pending.handle.name, exc_info=exc)
        if self._closing:
            return
        if pending.failed is not None:
            pending.failed(exc)
        else:
            emit(self.unhandled_error, exc)

    @Slot(int, int, int, object)
    def _on_progress(self, task_id: int, done: int, total: int, payload: Any) -> None:
        pending = self._pending.get(task_id)
        if pending is not None and pending.progress is not None and not self._closing:
            pending.progress(done, total, payload)
