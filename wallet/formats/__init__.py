"""Badge formats: bytes in, ``Credential`` values out (and baking back out).

Public API::

    parse(data, name="", limits=DEFAULT_LIMITS) -> list[Credential]
    parse_path(path, limits=DEFAULT_LIMITS) -> list[EntryOutcome]      # file, folder or ZIP
    parse_archive(data, name, limits=DEFAULT_LIMITS) -> list[EntryOutcome]
    bake_png(image, payload, *, ob3) -> bytes
    bake_svg(image, payload, *, ob3) -> bytes
    extract_payloads(data) -> list[tuple[keyword, payload]]

Errors: ``FormatError`` for unreadable input, ``LimitExceeded`` for input
over a limit (the message names it), ``NotABadge`` (a ``FormatError``) for
input that is fine but holds no badge.
"""

from __future__ import annotations

from wallet.errors import NotABadge
from wallet.formats.archive import EntryOutcome, parse_archive, parse_path
from wallet.formats.bake import bake_png, bake_svg, extract_payloads
from wallet.formats.detect import parse

__all__ = [
    "EntryOutcome",
    "NotABadge",
    "bake_png",
    "bake_svg",
    "extract_payloads",
    "parse",
    "parse_archive",
    "parse_path",
]
