"""QR codes out (PNG/SVG for printing and pages) and in (recruiter mode).

Out: the ``qrcode`` library with error correction M (about 15 % of the
symbol may be smudged or covered and it still reads).  Payloads that need a
symbol above version 15 (77×77 modules) are refused: printed at badge size
on a CV, denser codes are too fine for phone cameras, and a code that does
not scan is worse than none because the earner believes it works.

In: ``zxing-cpp`` reads the codes in any image someone drops on the
recruiter view.  Such images are untrusted, so the pixel count is checked
from the header before any pixel is decoded (a 40,000 × 40,000 PNG is a few
kilobytes on disk and gigabytes in memory).
"""

from __future__ import annotations

import io
from pathlib import Path

import qrcode
import qrcode.constants
import qrcode.exceptions
from PIL import Image, UnidentifiedImageError

from wallet.errors import ExportError, FormatError, LimitExceeded, NotABadge
from wallet.export.atomic import write_atomic
from wallet.limits import DEFAULT_LIMITS, Limits

MAX_VERSION = 15
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QUIET_ZONE = 4  # modules of white border the QR spec asks for
DEFAULT_BOX = 10  # pixels per module in PNG output

RASTER_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"BM",
)


def _symbol(payload: str) -> qrcode.QRCode:
    """Fit ``payload`` into the smallest symbol, refusing what would be too dense to scan."""
    if not payload:
        raise ExportError("There is nothing to put in a QR code.")
    code = qrcode.QRCode(version=None, error_correction=ERROR_CORRECTION, box_size=DEFAULT_BOX, border=QUIET_ZONE)
    code.add_data(payload.encode("utf-8"), optimize=0)
    size = len(payload.encode("utf-8"))
    try:
        version = code.best_fit()
    except (qrcode.exceptions.DataOverflowError, ValueError):  # qrcode 8 raises ValueError past version 40
        version = 41
    if version > MAX_VERSION:
        raise ExportError(
            f"This link is too long for a QR code that scans from paper ({size} bytes; "
            f"it would need a version {version if version <= 40 else '40+'} code, and codes above version "
            f"{MAX_VERSION} – {4 * MAX_VERSION + 17}×{4 * MAX_VERSION + 17} modules – are too dense for phone cameras "
            "at badge size). Use a shorter link, such as the badge's public verification page.",
            detail=f"payload bytes={size} version={version}",
        )
    code.make(fit=False)
    return code


def qr_version(payload: str) -> int:
    """The QR version ``payload`` needs (raises ``ExportError`` above the limit)."""
    return int(_symbol(payload).version)


def qr_png_bytes(payload: str, *, box_size: int = DEFAULT_BOX) -> bytes:
    """A black-on-white 1-bit PNG of the code, quiet zone included."""
    code = _symbol(payload)
    matrix = code.get_matrix()
    side = len(matrix)
    image = Image.new("1", (side, side), 1)
    pixels = image.load()
    assert pixels is not None
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pixels[x, y] = 0
    image = image.resize((side * box_size, side * box_size), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def qr_svg_text(payload: str, *, title: str | None = None) -> str:
    """A self-contained ``<svg>`` element (no XML declaration), fit for inlining into HTML.

    One path of unit squares on a white background; ``shape-rendering``
    keeps the module edges sharp at any zoom.
    """
    code = _symbol(payload)
    matrix = code.get_matrix()
    side = len(matrix)
    parts = [f"M{x} {y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark]
    label = _xml_text(title) if title else "QR code"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" '
        f'shape-rendering="crispEdges" role="img" aria-label="{label}">'
        f"<title>{label}</title>"
        f'<rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(parts)}"/></svg>'
    )


def make_qr(payload: str, path: Path) -> None:
    """Write a QR code for ``payload`` to ``path``: PNG or SVG by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".png":
        data = qr_png_bytes(payload)
    elif suffix == ".svg":
        data = ('<?xml version="1.0" encoding="UTF-8"?>\n' + qr_svg_text(payload) + "\n").encode("utf-8")
    else:
        raise ExportError(f"A QR code can be saved as .png or .svg, not {suffix or 'a file without a suffix'}.")
    write_atomic(path, data)


def is_raster_image(data: bytes) -> bool:
    """PNG, JPEG, GIF, BMP or WebP by magic bytes (what a phone or screenshot gives)."""
    return data.startswith(RASTER_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def decode_qr_image(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """The text of every QR code in the image, in reading order, without repeats.

    Raises ``LimitExceeded`` for files or images over the limits and
    ``NotABadge`` for data that is not an image Pillow can read.
    """
    if len(data) > limits.max_file_bytes:
        raise LimitExceeded(f"The image is larger than the {limits.max_file_bytes // (1024 * 1024)} MB limit.")
    image = _open_capped(data, limits)
    try:
        image.seek(0)  # first frame of an animation
        gray = image.convert("L")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise FormatError("The image could not be decoded.", detail=repr(exc)) from exc
    return _read_codes(gray)


def _read_codes(gray: Image.Image) -> list[str]:
    """Read as is first; if nothing is found, retry on cleaned-up copies.

    Photos of printed pages carry sensor noise and speckles that break
    zxing's local binarizer on small modules; a median filter removes
    speckles and a slight blur evens out grain.  The retries cost a few
    milliseconds and only run when the first pass found nothing.
    """
    import zxingcpp
    from PIL import ImageFilter

    qr_only = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    variants = (
        lambda: gray,
        lambda: gray.filter(ImageFilter.MedianFilter(3)),
        lambda: gray.filter(ImageFilter.GaussianBlur(1.2)),
    )
    for make in variants:
        image = make()
        for binarizer in (zxingcpp.Binarizer.LocalAverage, zxingcpp.Binarizer.GlobalHistogram):
            texts: list[str] = []
            for barcode in zxingcpp.read_barcodes(image, formats=qr_only, binarizer=binarizer):
                if barcode.valid and barcode.text and barcode.text not in texts:
                    texts.append(barcode.text)
            if texts:
                return texts
    return []


def _open_capped(data: bytes, limits: Limits) -> Image.Image:
    """Open lazily and check the pixel count from the header before any decoding."""
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise LimitExceeded(
            f"The image has more pixels than the {limits.max_image_pixels:,}-pixel limit.", detail=repr(exc)
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise NotABadge("This is not an image that can hold a QR code.", detail=repr(exc)) from exc
    width, height = image.size
    if width * height > limits.max_image_pixels:
        image.close()
        raise LimitExceeded(f"The image is {width}×{height} pixels, over the {limits.max_image_pixels:,}-pixel limit.")
    return image


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
