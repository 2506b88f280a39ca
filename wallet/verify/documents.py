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
  The same holds for ``processed_cache`` (``ProcessedContexts``), the memo of
  whole context-processing steps that ``wallet.verify.canonical`` keeps.
* Creating a loader also sets pyld's process-wide default loader to one that
  refuses everything (``install_backstop``), in case a code path forgets ours.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wallet.errors import ContextNotAllowed, VerifyError

CONTEXTS_DIR = Path(__file__).resolve().parent.parent / "resources" / "contexts"
MANIFEST_NAME = "manifest.json"
RESOLVED_CACHE_SIZE = 256  # processed contexts (bundled + inline ones met in credentials)
PROCESSED_CACHE_SIZE = 512  # context-processing steps (an OB 3.0 credential needs ~20 distinct ones)
SMALL_RDF_CACHE_SIZE = 256  # quads of small documents such as proof configurations (wallet.verify.canonical)


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
        self.processed_cache = ProcessedContexts(PROCESSED_CACHE_SIZE)
        # quads of small documents (proof configurations), keyed by exact content + rdfDirection
        self.small_rdf_cache = ResolvedCache(SMALL_RDF_CACHE_SIZE)
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
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            if key not in self._data:
                return default
            self._data.move_to_end(key)
            return self._data[key]

    def __setitem__(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


@dataclass(slots=True)
class _Processed:
    result: Any  # the active context pyld returned
    local: Any  # the local context object, when the key holds its id() (kept alive so the id is not reused)
    adopted: tuple[int, ...]  # ids of the scoped contexts this entry keeps registered as owned


class ProcessedContexts:
    """A bounded LRU of pyld context-processing steps: (active context, local context, flags) → active context.

    ``wallet.verify.canonical`` does the keying; this class keeps the entries
    and two registries that make the keys sound:

    * **stable contexts** – an active context is keyed by its ``_uuid`` only if
      it is *the* object this cache handed out under that id (or a registered
      root, pyld's initial context).  Those objects are finished and frozen;
      pyld's half-built contexts (whose ``_uuid`` is reused while terms are
      still being added) never qualify.
    * **owned scoped contexts** – the ``@context`` values of term definitions in
      cached results.  They are private (this loader's copies of bundled
      documents, or pyld's own deep copy of the document being expanded) and
      never edited, so they may be keyed by identity instead of by content.
      Every registration is reference-counted by the entries that hold it and
      dropped with the last one.

    Not shared between loaders: one loader's processing never answers for
    another.  Thread-safe; JSON-LD work is serialized on ``ContextLoader.lock``
    anyway.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, _Processed] = OrderedDict()
        self._stable: dict[str, list[Any]] = {}  # _uuid -> [context, refcount]
        self._owned: dict[int, list[Any]] = {}  # id -> [scoped context, refcount]
        self._roots: dict[str, Any] = {}  # _uuid -> pyld's initial context (immutable, one per processing mode)
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The cached result for ``key``, or ``None``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry.result

    def put(self, key: Hashable, result: Mapping[str, Any], local: Any, scoped: Iterable[Any]) -> None:
        """Keep ``result`` (which must carry a ``_uuid``) for ``key``; ``scoped`` are its term-scoped contexts."""
        with self._lock:
            if key in self._entries:
                self._drop(key)
            adopted = []
            for obj in scoped:
                held = self._owned.get(id(obj))
                if held is None:
                    self._owned[id(obj)] = [obj, 1]
                elif held[0] is obj:
                    held[1] += 1
                else:  # unreachable: registered objects are kept alive, so their ids are unique
                    continue
                adopted.append(id(obj))
            held = self._stable.get(result["_uuid"])
            if held is None:
                self._stable[result["_uuid"]] = [result, 1]
            else:
                held[1] += 1
            self._entries[key] = _Processed(result, local, tuple(adopted))
            while len(self._entries) > self.maxsize:
                self._drop(next(iter(self._entries)))

    def add_root(self, context: Mapping[str, Any]) -> None:
        """Register pyld's initial context (a process-wide constant per processing mode) as stable."""
        uuid = context.get("_uuid")
        if isinstance(uuid, str) and self._roots.get(uuid) is not context:
            with self._lock:
                self._roots[uuid] = context

    def is_stable(self, context: Any) -> bool:
        """Whether ``context`` is a finished active context this cache knows by its ``_uuid``."""
        uuid = context.get("_uuid") if isinstance(context, Mapping) else None
        if not isinstance(uuid, str):
            return False
        if self._roots.get(uuid) is context:
            return True
        held = self._stable.get(uuid)
        return held is not None and held[0] is context

    def owns(self, obj: Any) -> bool:
        """Whether ``obj`` is a scoped context held by a cached result (safe to key by identity)."""
        held = self._owned.get(id(obj))
        return held is not None and held[0] is obj

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key)
        for ident in entry.adopted:
            held = self._owned[ident]
            held[1] -= 1
            if held[1] == 0:
                del self._owned[ident]
        uuid = entry.result["_uuid"]
        held = self._stable[uuid]
        held[1] -= 1
        if held[1] == 0:
            del self._stable[uuid]


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
