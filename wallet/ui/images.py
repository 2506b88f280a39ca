"""Badge images: read off the store thread, decoded on the background pool, cached.

Which bytes are the picture is decided by ``wallet.export.artwork`` (a baked
PNG or SVG original *is* the badge image; otherwise an image embedded as a
``data:`` URI).  Remote image URLs are never fetched just to draw a card –
that would tell a server which badges are being browsed.

Requests are batched: cards ask for their thumbnail while painting, the
requests collect for one event-loop turn, and one store task reads the bytes
for the whole batch.  Decoding happens on a worker (``QImage`` is safe off the
GUI thread, ``QPixmap`` is not) and the cache keeps a byte budget so 10,000
cards cannot grow memory without bound.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QImageIOHandler, QImageReader

from .qtcompat import emit
from .workers import Progress, TaskManager

log = logging.getLogger(__name__)

MAX_PIXELS = 50_000_000  # same cap as the parsers' Limits.max_image_pixels
BATCH = 24

ImageSource = Callable[[list[str]], dict[str, bytes | None]]


def decode_image(data: bytes | None, side: int) -> QImage | None:
    """Decode and scale to fit ``side`` pixels; ``None`` for anything unreadable or oversized."""
    if not data:
        return None
    array = QByteArray(data)
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid():
        if size.width() * size.height() > MAX_PIXELS:
            return None
        scaled = size.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio)
        if reader.supportsOption(QImageIOHandler.ImageOption.ScaledSize):
            reader.setScaledSize(scaled)
    image = reader.read()
    if image.isNull():
        return None
    if image.width() > side or image.height() > side:
        image = image.scaled(
            QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


class ThumbnailCache(QObject):
    """Thumbnails by record id, loaded lazily in batches; ``ready`` fires per image."""

    ready = Signal(str)

    def __init__(self, tasks: TaskManager, source: ImageSource, side: int, budget_bytes: int = 48 * 1024 * 1024):
        super().__init__()
        self._tasks = tasks
        self._source = source
        self._side = side
        self._budget = budget_bytes
        self._used = 0
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._missing: set[str] = set()
        self._pending: set[str] = set()
        self._queue: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._flush)

    @property
    def side(self) -> int:
        return self._side

    def get(self, record_id: str) -> QImage | None:
        """The cached image, or ``None`` (and a load is queued unless known to have none)."""
        image = self._images.get(record_id)
        if image is not None:
            self._images.move_to_end(record_id)
            return image
        if record_id not in self._missing and record_id not in self._pending:
            self._pending.add(record_id)
            self._queue.append(record_id)
            if not self._timer.isActive():
                self._timer.start()
        return None

    def has_no_image(self, record_id: str) -> bool:
        return record_id in self._missing

    def is_idle(self) -> bool:
        return not self._pending

    def _flush(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[:BATCH], self._queue[BATCH:]
            self._load(batch)

    def _load(self, ids: list[str]) -> None:
        def read(_p: Progress) -> dict[str, bytes | None]:
            return self._source(ids)

        def decode(blobs: dict[str, bytes | None]) -> None:
            self._decode(ids, blobs)

        def give_up(exc: BaseException) -> None:
            self._give_up(ids, exc)

        self._tasks.run_store("thumbnails", read, done=decode, failed=give_up)

    def _decode(self, ids: list[str], blobs: dict[str, bytes | None]) -> None:
        side = self._side

        def work(_p: Progress) -> dict[str, QImage | None]:
            return {rid: decode_image(blobs.get(rid), side) for rid in ids}

        self._tasks.run_background("decode", work, done=self._store_images, failed=lambda exc: self._give_up(ids, exc))

    def _store_images(self, images: dict[str, Any]) -> None:
        for record_id, image in images.items():
            self._pending.discard(record_id)
            if image is None:
                self._missing.add(record_id)
            else:
                self._images[record_id] = image
                self._used += image.sizeInBytes()
            emit(self.ready, record_id)
        while self._used > self._budget and self._images:
            _, old = self._images.popitem(last=False)
            self._used -= old.sizeInBytes()

    def _give_up(self, ids: list[str], exc: BaseException) -> None:
        log.warning("thumbnails could not be loaded: %r", exc)
        for record_id in ids:
            self._pending.discard(record_id)
            self._missing.add(record_id)
            emit(self.ready, record_id)

    def forget(self, record_id: str) -> None:
        image = self._images.pop(record_id, None)
        if image is not None:
            self._used -= image.sizeInBytes()
        self._missing.discard(record_id)
