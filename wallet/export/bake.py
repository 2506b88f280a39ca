"""Re-export any stored credential as a baked PNG or SVG of its own image.

The payload baked is ``credential.payload`` – the JSON text or compact JWS
exactly as the issuer signed it – so the baked file verifies exactly as the
original did.  The picture is the credential's own when we have it in the
wanted format (see ``artwork``); otherwise a generated one, so that every
credential can be shared as an image, even a bare JSON or JWT one.

A hosted OB 2.0 assertion whose JSON we never had (imported as a bare link)
is baked as its link, as OB 2.0 baking allows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from wallet.errors import ExportError, FormatError
from wallet.export.artwork import (
    SOURCE_GENERATED,
    badge_artwork,
    embedded_image,
    generated_png,
    generated_svg,
)
from wallet.export.atomic import write_atomic
from wallet.model import Credential


class _Record(Protocol):
    @property
    def credential(self) -> Credential: ...


class BakeStore(Protocol):
    """What ``export_baked`` reads from ``WalletStore``."""

    def get(self, record_id: str) -> _Record: ...

    def original(self, record_id: str) -> bytes: ...


def export_baked(store: BakeStore, record_id: str, path: Path) -> None:
    """Write the stored credential ``record_id`` baked into an image: ``.png`` or ``.svg`` by suffix."""
    credential = store.get(record_id).credential
    data = baked_bytes(credential, store.original(record_id), path.suffix.lower())
    write_atomic(path, data)


def baked_bytes(credential: Credential, original: bytes, suffix: str) -> bytes:
    """The baked image bytes for ``suffix`` (``.png`` or ``.svg``)."""
    from wallet.formats.bake import bake_png, bake_svg

    bakers: dict[str, tuple[str, Callable[..., bytes], Callable[[Credential], bytes]]] = {
        ".png": ("image/png", bake_png, _generated_png),
        ".svg": ("image/svg+xml", bake_svg, _generated_svg),
    }
    if suffix not in bakers:
        raise ExportError(f"A baked badge is saved as .png or .svg, not {suffix or 'a file without a suffix'}.")
    mime, bake, generate = bakers[suffix]
    payload = baking_payload(credential)
    image = _image_for(credential, original, mime) or generate(credential)
    try:
        return bake(image, payload, ob3=not credential.format.startswith("ob2"))
    except FormatError as exc:
        raise ExportError(f"The badge could not be baked: {exc.user_message}", detail=exc.detail) from exc


def baking_payload(credential: Credential) -> str:
    if credential.payload.strip():
        return credential.payload
    if credential.hosted_url:
        return credential.hosted_url
    raise ExportError("This credential has nothing that can be baked (no signed content and no link).")


def _image_for(credential: Credential, original: bytes, mime: str) -> bytes | None:
    """The credential's own art in the wanted format, if it has some."""
    art = badge_artwork(credential, original)
    if art.mime == mime and art.source != SOURCE_GENERATED:
        return art.data
    embedded = embedded_image(credential)
    return embedded.data if embedded is not None and embedded.mime == mime else None


def _generated_png(credential: Credential) -> bytes:
    return generated_png(credential.display_name, credential.issuer.id or credential.issuer_name)


def _generated_svg(credential: Credential) -> bytes:
    return generated_svg(credential.display_name, credential.issuer.id or credential.issuer_name)
