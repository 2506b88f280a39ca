"""``manifest.json`` of a résumé bundle, and reading a bundle ZIP safely.

The manifest is written in one canonical form and every byte of it is
checkable: it holds nothing but the format name, a version and, per file,
its path, size and SHA-256 – no dates or free text.  A checker re-derives it
from the files it received and compares bytes, so a change to *any* byte of
*any* file in the bundle, the manifest included, is reported.

Bundles come from strangers, so reading one never extracts to disk and
never trusts header sizes: entry count, per-entry size, total size and
compression ratio are capped while inflating.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any

from wallet.errors import FormatError, LimitExceeded
from wallet.limits import DEFAULT_LIMITS, Limits

MANIFEST_NAME = "manifest.json"
FORMAT_NAME = "badgewallet-resume-bundle"
FORMAT_VERSION = 1
_READ_STEP = 64 * 1024
_RATIO_FLOOR = 1024 * 1024


def build_manifest(files: Mapping[str, bytes]) -> bytes:
    """The canonical manifest bytes for ``files`` (which must not include the manifest)."""
    body = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "algorithm": "sha256",
        "files": [
            {"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for path, data in sorted(files.items())
        ],
    }
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def manifest_problems(files: Mapping[str, bytes]) -> list[str]:
    """What does not match in a received bundle (empty when every byte is as exported)."""
    raw = files.get(MANIFEST_NAME)
    if raw is None:
        return ["The bundle has no manifest.json."]
    try:
        listed = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ["manifest.json was changed: it is no longer valid JSON."]
    others = {p: d for p, d in files.items() if p != MANIFEST_NAME}
    problems: list[str] = []
    entries = _entries(listed)
    if entries is None:
        return ["manifest.json was changed: it is not a Badge Wallet bundle manifest."]
    for path, (size, digest) in entries.items():
        data = others.get(path)
        if data is None:
            problems.append(f"{path} is listed in manifest.json but missing from the bundle.")
        elif size != len(data) or digest != hashlib.sha256(data).hexdigest():
            problems.append(f"{path} does not match manifest.json (SHA-256 differs): it or the manifest was changed.")
    for path in sorted(set(others) - set(entries)):
        problems.append(f"{path} was added to the bundle; manifest.json does not list it.")
    if not problems and build_manifest(others) != raw:
        problems.append("manifest.json was changed: its text is not what the wallet wrote.")
    return problems


def _entries(listed: Any) -> dict[str, tuple[int, str]] | None:
    if not isinstance(listed, dict) or listed.get("format") != FORMAT_NAME or not isinstance(listed.get("files"), list):
        return None
    out: dict[str, tuple[int, str]] = {}
    for item in listed["files"]:
        if not isinstance(item, dict):
            return None
        path, size, digest = item.get("path"), item.get("size"), item.get("sha256")
        if not isinstance(path, str) or not isinstance(size, int) or not isinstance(digest, str):
            return None
        out[path] = (size, digest)
    return out


def read_zip(data: bytes, limits: Limits = DEFAULT_LIMITS) -> dict[str, bytes]:
    """Every file of a ZIP, by name, with the archive limits enforced while inflating."""
    if len(data) > limits.max_zip_total_bytes:
        raise LimitExceeded("The bundle is larger than the ZIP size limit.")
    if declared_entries(data) > limits.max_zip_entries:
        raise LimitExceeded(f"The bundle has more than {limits.max_zip_entries} files.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FormatError("The bundle is not a readable ZIP file.", detail=repr(exc)) from exc
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > limits.max_zip_entries:
            raise LimitExceeded(f"The bundle has more than {limits.max_zip_entries} files.")
        files: dict[str, bytes] = {}
        total = 0
        for info in infos:
            if info.filename in files:
                raise FormatError(f"The bundle holds {info.filename} twice.")
            content = _read_entry(archive, info, limits)
            total += len(content)
            if total > limits.max_zip_total_bytes:
                raise LimitExceeded("The bundle unpacks to more than the ZIP size limit.")
            files[info.filename] = content
    return files


def declared_entries(data: bytes) -> int:
    """The entry count the end record claims, read before ``zipfile`` builds its directory.

    ``zipfile`` makes an object per central-directory entry up front, so a
    ZIP claiming a million tiny entries costs seconds before any limit could
    be checked.  ZIP64 archives (whose 16-bit count is 0xFFFF) count as huge.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 12 > len(data):
        return 0  # not a ZIP zipfile can read either; it will say so
    return int.from_bytes(data[end + 10 : end + 12], "little")


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    cap = limits.max_file_bytes
    if info.file_size > cap:
        raise LimitExceeded(f"{info.filename} in the bundle is larger than the file size limit.")
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_READ_STEP):
                size += len(chunk)
                if size > cap:
                    raise LimitExceeded(f"{info.filename} in the bundle is larger than the file size limit.")
                if size > _RATIO_FLOOR and size > max(info.compress_size, 1) * limits.max_zip_ratio:
                    raise LimitExceeded(f"{info.filename} in the bundle is compressed suspiciously well (a ZIP bomb?).")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise FormatError(f"{info.filename} in the bundle cannot be read (damaged ZIP).", detail=repr(exc)) from exc
    return b"".join(chunks)
