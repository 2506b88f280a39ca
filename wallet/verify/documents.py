"""The JSON-LD document loader: bundled, hash-pinned contexts only, never the network.

Why: what a Data Integrity signature covers depends on the JSON-LD contexts.
A context fetched at verification time could be changed by its host (the OB 3.0
contexts *were* edited in place, SPECS.md §8), could be used to probe the
network (SSRF) or to stall verification.  So the wallet ships the context
files (``wallet/resources/contexts``, written by ``tools/update_contexts.py``)
and this loader serves exactly those, matched by exact URL, each file's
SHA-256 checked against ``manifest.json`` when the loader is created.

* Unknown URL → ``ContextNotAllowed``.  pyld wraps loader errors in its own
  ``JsonLdError``; ``find_cause`` digs the original back out so callers can
  report "unknown context X" (verdict ``malformed``) rather than a bug.
* Each file is parsed once per loader; pyld receives a fresh deep copy (its
  context resolver edits documents in place) with ``tag: 'static'`` so it may
  cache the *processed* context.  That cache (``resolved_cache``) belongs to
  the loader instance, not to pyld's module-global LRU, so two loaders with
  different files for one URL can never see each other's processed contexts.
* Creating a loader also sets pyld's process-wide default loader to one that
  refuses everything (``install_backstop``), in case a code path forgets ours.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wallet.errors import ContextNotAllowed, VerifyError

CONTEXTS_DIR = Path(__file__).resolve().parent.parent / "resources" / "contexts"
MANIFEST_NAME = "manifest.json"
RESOLVED_CACHE_SIZE = 256  # processed contexts (bundled + inline ones met in credentials)


class ContextIntegrityError(VerifyError):
    """A bundled context file does not match the hash pinned in the manifest (a broken install)."""


@dataclass(frozen=True, slots=True)
class ContextEntry:
    """One manifest row: where a URL's bytes come from and their pinned hash."""

    url: str
    file: str
    sha256: str
    package: str = ""
    version: str = ""
    path_in_package: str = ""


class ContextLoader:
    """A pyld ``documentLoader``: ``loader(url, options) -> RemoteDocument`` for bundled contexts only."""

    def __init__(
        self,
        directory: Path = CONTEXTS_DIR,
        *,
        manifest: Path | None = None,
        extra: Iterable[tuple[ContextEntry, Path]] = (),
    ) -> None:
        """Load and hash-check every file of ``manifest`` (default ``directory/manifest.json``).

        ``extra`` adds (entry, file path) pairs – for tests that need a spec
        example context next to the bundled ones; the same hash rule applies.
        """
        manifest_path = manifest or directory / MANIFEST_NAME
        try:
            rows = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ContextIntegrityError(
                "The bundled JSON-LD contexts are missing or damaged.", detail=f"{manifest_path}: {exc}"
            ) from exc
        entries = [(_entry(row), directory / row["file"]) for row in rows]
        entries.extend(extra)
        self._entries: dict[str, ContextEntry] = {}
        self._documents: dict[str, Any] = {}
        parsed_by_file: dict[tuple[Path, str], Any] = {}
        for entry, path in entries:
            key = (path, entry.sha256)
            if key not in parsed_by_file:
                parsed_by_file[key] = _load_pinned(path, entry.sha256)
            self._entries[entry.url] = entry
            self._documents[entry.url] = parsed_by_file[key]
        self.resolved_cache = ResolvedCache(RESOLVED_CACHE_SIZE)
        self.requested: list[str] = []  # every URL pyld asked for (tests, diagnostics)
        self._lock = threading.Lock()
        # pyld's per-context caches (cachetools LRUs inside ResolvedContext) are not thread-safe;
        # JSON-LD work through this loader is serialized on this lock (it is GIL-bound anyway).
        self.lock = threading.RLock()
        install_backstop()

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(self._entries)

    def knows(self, url: str) -> bool:
        """Whether ``url`` is a bundled context (the structure check rejects the rest up front)."""
        return url in self._entries

    def entry(self, url: str) -> ContextEntry | None:
        return self._entries.get(url)

    def document(self, url: str) -> Any:
        """A private copy of the parsed context at ``url`` (``ContextNotAllowed`` if not bundled)."""
        try:
            return copy.deepcopy(self._documents[url])
        except KeyError:
            raise ContextNotAllowed(
                f"The credential uses a JSON-LD context the wallet does not know: {url}", detail=url
            ) from None

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        with self._lock:
            self.requested.append(url)
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": self.document(url),
            "contentType": "application/ld+json",
            "tag": "static",  # contents are pinned by hash, so pyld may cache the processed form
        }


class ResolvedCache:
    """A small thread-safe LRU with the two methods pyld's ``ContextResolver`` uses (``get``, ``[]=``)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            if key not in self._data:
                return default
            self._data.move_to_end(key)
            return self._data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


def _entry(row: Mapping[str, Any]) -> ContextEntry:
    return ContextEntry(
        url=row["url"],
        file=row["file"],
        sha256=row["sha256"],
        package=row.get("package", ""),
        version=row.get("version", ""),
        path_in_package=row.get("path_in_package", ""),
    )


def _load_pinned(path: Path, expected: str) -> Any:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContextIntegrityError("A bundled JSON-LD context file is missing.", detail=f"{path}: {exc}") from exc
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ContextIntegrityError(
            "A bundled JSON-LD context file has been changed.",
            detail=f"{path}: sha256 {actual} != pinned {expected}",
        )
    return json.loads(data)


def refuse_all(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """pyld's process-wide fallback loader: nothing is ever fetched."""
    raise ContextNotAllowed(f"JSON-LD documents are never fetched from the network ({url}).", detail=url)


_backstop_lock = threading.Lock()
_backstop_installed = False


def install_backstop() -> None:
    """Make pyld's default loader refuse everything (idempotent, process-wide)."""
    global _backstop_installed
    with _backstop_lock:
        if not _backstop_installed:
            from pyld import jsonld

            jsonld.set_document_loader(refuse_all)
            _backstop_installed = True


_default_lock = threading.Lock()
_default_loader: ContextLoader | None = None


def default_loader() -> ContextLoader:
    """The bundled-context loader, created (and hash-checked) on first use."""
    global _default_loader
    with _default_lock:
        if _default_loader is None:
            _default_loader = ContextLoader()
        return _default_loader


def find_cause(exc: BaseException | None, kind: type[BaseException]) -> BaseException | None:
    """The first exception of ``kind`` in ``exc``'s cause/context chain (pyld wraps loader errors)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None
