"""Every parser limit in one place, so a message can name the limit it hit.

The numbers are the defaults of ISSUE 3 and DESIGN.md (Limits and bad input).
They are plain module constants: tests and callers pass other values through
``Limits`` instead of patching these.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps applied to one input; frozen so a worker cannot loosen them."""

    max_file_bytes: int = 20 * MB
    max_inflated_bytes: int = 5 * MB  # one decompressed PNG chunk / gzip status list
    max_image_pixels: int = 50_000_000
    max_json_bytes: int = 5 * MB
    max_json_depth: int = 64
    max_zip_entries: int = 2_000
    max_zip_total_bytes: int = 200 * MB
    max_zip_ratio: int = 100  # uncompressed / compressed, per entry
    max_folder_files: int = 20_000
    max_archive_depth: int = 3  # ZIP inside ZIP inside ZIP
    max_png_chunks: int = 10_000
    max_svg_bytes: int = 10 * MB
    parse_seconds: float = 5.0


DEFAULT_LIMITS = Limits()
