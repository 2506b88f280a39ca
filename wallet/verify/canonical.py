"""JSON-LD → canonical N-Quads, safely: the input to every Data Integrity hash.

Pipeline (each stage has a guard, because a credential may be hostile):

1. ``check_json_shape`` – iterative walk: depth, node count and an estimate of
   the serialized size, *before* pyld sees the document (pyld recurses, so a
   document nested 100,000 deep would otherwise end in ``RecursionError``).
2. pyld ``to_rdf`` (JSON-LD expansion + RDF conversion) through
   ``_SafeProcessor`` with our loader passed explicitly.  It mirrors what the
   JS signers enforce with ``safe: true`` (``@digitalbazaar/*-cryptosuite``
   call ``jsonld.canonize`` with ``safe: true``): a property dropped because no
   context defines it, a relative IRI (which pyld would silently resolve
   against ``http://example.org/base/``), and ``@direction`` without an
   ``rdfDirection`` mode are errors, not silently unsigned data.  Like the JS
   cryptosuites, ``rdfDirection`` is ``'i18n-datatype'`` by default.  The
   deadline is checked on every expanded element.
3. Caps on quads and blank nodes, then RDFC-1.0 (``wallet.verify.rdfc``) with
   the requested hash (SHA-256, or SHA-384 for P-384), canonical escaping,
   a work cap against dataset poisoning and the same deadline.

Speed: contexts are the cost (SPECS.md §7).  The loader returns
``tag: 'static'`` so pyld keeps processed contexts, and the cache it keeps them
in is the loader's own (``ContextLoader.resolved_cache``), never pyld's global.
pyld's own cache misses every type-scoped context (it clones the active
context first, and the clone gets a fresh ``_uuid``), so ``_SafeProcessor``
memoises whole context-processing steps in the loader's
``ContextLoader.processed_cache`` (see ``_SafeProcessor._process_context``):
a warm verification then builds no term definitions at all.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from pyld.context_resolver import ContextResolver
from pyld.jsonld import DEFAULT_BASE_IRI, JsonLdError, JsonLdProcessor
from pyld.resolved_context import ResolvedContext

from wallet.errors import ContextNotAllowed, FormatError, LimitExceeded, WalletError
from wallet.verify.documents import PROCESSED_CACHE_SIZE, ProcessedContexts, ResolvedCache, find_cause
from wallet.verify.rdfc import Budget, Quad, Term, blank_node_count, canonicalize_quads

Loader = Callable[[str, Any], dict[str, Any]]
I18N_DATATYPE = "i18n-datatype"
# Flat documents (no nested objects: the shape of a Data Integrity proof configuration, ~15 values)
# up to this many JSON values have their quads memoised per loader, keyed by their exact content and
# rdfDirection (``to_quads``).  Credentials always nest objects, so their quads are never memoised.
SMALL_DOCUMENT_NODES = 64


@dataclass(frozen=True, slots=True)
class CanonLimits:
    """Caps for one canonicalization; generous for real credentials, small for bombs."""

    max_json_bytes: int = 2_000_000  # estimated serialized size of the document
    max_json_depth: int = 64
    max_json_nodes: int = 200_000  # objects + arrays + scalars
    max_quads: int = 50_000
    max_blank_nodes: int = 5_000
    work_factor: int = 1  # Hash N-Degree calls ≤ n ** work_factor, n = shared-hash blank nodes (rdf-canonize)
    max_permutations: int = 50_000  # orderings tried in all; real credentials need a handful
    seconds: float = 2.0  # wall clock for one canonicalization (expansion included)


DEFAULT_LIMITS = CanonLimits()


class CanonicalizationError(FormatError):
    """The document is not JSON-LD that can be signed safely (the verdict is ``malformed``)."""


class DroppedTermError(CanonicalizationError):
    """A property no context defines; it would be dropped and so not covered by the signature."""

    def __init__(self, term: str | None) -> None:
        super().__init__(
            f"The credential has a property no JSON-LD context defines ({term!r}); it would not be signed.",
            detail=f"dropped term {term!r}",
        )
        self.term = term


class RelativeIriError(CanonicalizationError):
    """A relative IRI; pyld and the JS libraries would resolve it differently, so it is refused."""

    def __init__(self, value: str) -> None:
        super().__init__(f"The credential uses a relative IRI ({value!r}), which cannot be signed reliably.")
        self.value = value


def check_json_shape(doc: Any, limits: CanonLimits = DEFAULT_LIMITS) -> int:
    """Depth, node-count and size caps, checked without recursion; returns the number of values."""
    nodes = 0
    size = 0
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if depth > limits.max_json_depth:
            raise LimitExceeded(
                f"The credential's JSON is nested deeper than {limits.max_json_depth} levels.", detail="json depth"
            )
        if isinstance(value, dict):
            size += 2
            for key, item in value.items():
                size += len(key) + 4 if isinstance(key, str) else 8
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            size += 2 + len(value)
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            size += len(value) + 2
        else:
            size += 8
        if nodes > limits.max_json_nodes:
            raise LimitExceeded(
                f"The credential's JSON has more than {limits.max_json_nodes} values.", detail="json nodes"
            )
        if size > limits.max_json_bytes:
            raise LimitExceeded(
                f"The credential's JSON is larger than {limits.max_json_bytes // 1000} kB.", detail="json size"
            )
    return nodes


class _Unkeyable(Exception):
    """A value that ``_content_key`` does not describe exactly (not plain JSON)."""


def _content_key(value: Any) -> Hashable:
    """A hashable key equal for two values only if they are the same JSON, key order included.

    Exact types only: ``1``, ``1.0`` and ``True`` get different keys, and so do
    ``{"1": …}`` and ``{1: …}``; anything that is not plain JSON (a subclass,
    a frozendict, a set) raises ``_Unkeyable`` and is simply not memoised.
    """
    kind = type(value)
    if kind is str:
        return value
    if kind is list:
        return ("l", *(_content_key(item) for item in value))
    if kind is dict:
        items: list[Hashable] = ["d"]
        for key, item in value.items():
            if type(key) is not str:
                raise _Unkeyable
            items.append(key)
            items.append(_content_key(item))
        return tuple(items)
    if value is None:
        return ("n",)
    if kind is bool:  # tagged apart from int: True == 1 (and hashes alike) in Python
        return ("b", value)
    if kind is int:
        return ("i", value)
    if kind is float:
        return ("f", repr(value))  # repr keeps -0.0 apart from 0.0
    raise _Unkeyable


def _has_import(local_ctx: Any) -> bool:
    """Whether a local context (object or array) has an ``@import`` entry at the top of one of its objects."""
    if isinstance(local_ctx, dict) and isinstance(local_ctx.get("@context"), (dict, list)):
        local_ctx = local_ctx["@context"]
    items = local_ctx if isinstance(local_ctx, list) else [local_ctx]
    return any(isinstance(item, Mapping) and "@import" in item for item in items)


class _PrivateCopies:
    """A context resolver that hands out private copies of what the real one resolves.

    Used while a context with ``@import`` is processed: pyld merges the
    importing context *into* the imported context's cached document
    (``import_ctx.update(ctx)``), which would otherwise add the importer's terms
    to that context for every later document verified with the same loader.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def resolve(self, active_ctx: Any, context: Any, base: Any, cycles: Any = None) -> list[ResolvedContext]:
        return [
            ResolvedContext(copy.deepcopy(resolved.document))
            for resolved in self._inner.resolve(active_ctx, context, base, cycles)
        ]


class _SafeProcessor(JsonLdProcessor):
    """pyld's processor with JS ``safe: true`` behaviour, a deadline on expansion and memoised contexts."""

    def __init__(self, budget: Budget, memo: ProcessedContexts | None = None) -> None:
        super().__init__(on_property_dropped=self._dropped)
        self._budget = budget
        self._memo = memo if memo is not None else ProcessedContexts(PROCESSED_CACHE_SIZE)

    def _get_initial_context(self, options: Any) -> Any:
        initial = super()._get_initial_context(options)
        self._memo.add_root(initial)
        return initial

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        """pyld's context processing, memoised per loader.

        The result of processing ``local_ctx`` on ``active_ctx`` depends only on
        the two, the flags, ``base``/``processingMode`` and the loader's (pinned)
        documents, so it is cached under
        (``_uuid`` of a *stable* active context, local context key, flags, base, mode):

        * the active context must be an object this memo handed out (or pyld's
          initial context), so its ``_uuid`` names exactly one finished object;
        * the local context is keyed by identity if it is a scoped context owned
          by a cached result (loader-private, never edited), else by exact
          content (``_content_key``).  Local contexts are never the caller's
          objects: pyld expands its own deep copy of the document;
        * calls from inside pyld's own processing (``cycles`` given: scoped
          contexts validated against a half-built context) are passed through.

        Results keep pyld's ``_uuid`` (unique), which makes them stable keys in
        turn, so nested type-scoped contexts hit as well.  Errors are not cached.
        """
        memo = self._memo
        key: Hashable | None = None
        owned = isinstance(local_ctx, (dict, list)) and memo.owns(local_ctx)
        if cycles is None and memo.is_stable(active_ctx):
            try:
                local_key = ("id", id(local_ctx)) if owned else ("v", _content_key(local_ctx))
            except (_Unkeyable, RecursionError):
                local_key = None
            if local_key is not None:
                key = (
                    active_ctx["_uuid"],
                    local_key,
                    bool(override_protected),
                    bool(propagate),
                    bool(validate_scoped),
                    options.get("base"),
                    options.get("processingMode"),
                )
                cached = memo.get(key)
                if cached is not None:
                    return cached
        if _has_import(local_ctx):
            options = {**options, "contextResolver": _PrivateCopies(options["contextResolver"])}
        result = super()._process_context(
            active_ctx,
            local_ctx,
            options,
            override_protected=override_protected,
            propagate=propagate,
            validate_scoped=validate_scoped,
            cycles=cycles,
        )
        if key is not None and isinstance(result, Mapping) and isinstance(result.get("_uuid"), str):
            memo.put(key, result, local_ctx if owned else None, _scoped_contexts(result))
        return result

    @staticmethod
    def _dropped(term: str | None) -> None:
        raise DroppedTermError(term)

    def _expand(self, *args: Any, **kwargs: Any) -> Any:
        self._budget.check()
        return super()._expand(*args, **kwargs)

    def _create_node_map(self, *args: Any, **kwargs: Any) -> Any:
        self._budget.check()
        return super()._create_node_map(*args, **kwargs)

    def _expand_iri(
        self,
        active_ctx: Any,
        value: Any,
        base: Any = None,
        vocab: bool = False,
        local_ctx: Any = None,
        defined: Any = None,
    ) -> Any:
        result = super()._expand_iri(active_ctx, value, base=base, vocab=vocab, local_ctx=local_ctx, defined=defined)
        # pyld resolves relative IRIs against a made-up base when the document has none
        made_up = isinstance(result, str) and result.startswith(DEFAULT_BASE_IRI)
        if made_up and not str(value).startswith(DEFAULT_BASE_IRI):
            raise RelativeIriError(str(value))
        return result

    def _object_to_rdf(self, item: Any, issuer: Any, triples: Any, options: Any) -> Any:
        if isinstance(item, dict) and "@direction" in item and not options.get("rdfDirection"):
            raise CanonicalizationError(
                "The credential uses @direction, which the signing libraries refuse without an rdfDirection mode."
            )
        return super()._object_to_rdf(item, issuer, triples, options)


def _scoped_contexts(active_ctx: Mapping[str, Any]) -> list[Any]:
    """The ``@context`` objects/arrays of an active context's term definitions."""
    found = []
    mappings = active_ctx.get("mappings")
    for definition in mappings.values() if isinstance(mappings, Mapping) else ():
        scoped = definition.get("@context") if isinstance(definition, Mapping) else None
        if isinstance(scoped, (dict, list)):
            found.append(scoped)
    return found


def _memo_for(loader: Loader) -> ProcessedContexts:
    memo = getattr(loader, "processed_cache", None)
    if not isinstance(memo, ProcessedContexts):  # a plain callable: memoise within this call only
        memo = ProcessedContexts(PROCESSED_CACHE_SIZE)
    return memo


def _resolver_for(loader: Loader) -> ContextResolver:
    cache = getattr(loader, "resolved_cache", None)
    if cache is None:  # a plain callable: cache per call only
        cache = ResolvedCache(32)
    return ContextResolver(cache, loader)


def to_quads(
    doc: dict[str, Any],
    loader: Loader,
    *,
    limits: CanonLimits = DEFAULT_LIMITS,
    budget: Budget,
    rdf_direction: str | None = I18N_DATATYPE,
) -> list[Quad]:
    """JSON-LD → RDF quads (the tuple form of ``wallet.verify.rdfc``), with every guard applied.

    ``rdf_direction`` is ``'i18n-datatype'`` for the Data Integrity cryptosuites
    (their JS ``canonize`` sets it) and ``None`` for Ed25519Signature2020
    (jsonld-signatures does not, so ``@direction`` is an error there).
    """
    if not isinstance(doc, dict):
        raise CanonicalizationError("A credential must be a JSON object.")
    nodes = check_json_shape(doc, limits)
    slot = _small_document_slot(doc, nodes, loader, rdf_direction)
    if slot is not None:
        cached = slot[0].get(slot[1])
        if cached is not None:
            if len(cached) > limits.max_quads:
                raise LimitExceeded(
                    f"The credential expands to more than {limits.max_quads} statements.", detail="quad cap"
                )
            budget.check()
            return list(cached)
    quads = _expand_to_quads(doc, loader, limits, budget, rdf_direction)
    if slot is not None:
        slot[0][slot[1]] = tuple(quads)
    return quads


def _small_document_slot(
    doc: dict[str, Any], nodes: int, loader: Loader, rdf_direction: str | None
) -> tuple[ResolvedCache, Hashable] | None:
    """Where the quads of a small flat document (a proof configuration) are memoised, if anywhere.

    The quads are a function of the document's exact content, ``rdfDirection``
    and the loader's pinned contexts only, so they are kept per loader under
    (``_content_key(doc)``, ``rdf_direction``).  Errors are never cached; the
    quad cap and the deadline are applied to a cached answer as well.
    """
    cache = getattr(loader, "small_rdf_cache", None)
    if nodes > SMALL_DOCUMENT_NODES or not isinstance(cache, ResolvedCache) or not _is_flat(doc):
        return None
    try:
        return cache, (_content_key(doc), rdf_direction)
    except _Unkeyable:
        return None


def _is_flat(doc: dict[str, Any]) -> bool:
    """No objects below the top level (``@context`` aside): a proof configuration, never a credential."""
    for key, value in doc.items():
        if key == "@context":
            continue
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, (dict, list)) for item in items):
            return False
    return True


def _expand_to_quads(
    doc: dict[str, Any], loader: Loader, limits: CanonLimits, budget: Budget, rdf_direction: str | None
) -> list[Quad]:
    options = {
        "documentLoader": loader,
        "contextResolver": _resolver_for(loader),
        "base": "",
        "processingMode": "json-ld-1.1",
        "produceGeneralizedRdf": False,
        "extractAllScripts": False,
    }
    if rdf_direction is not None:
        options["rdfDirection"] = rdf_direction
    try:
        with getattr(loader, "lock", None) or contextlib.nullcontext():
            dataset = _SafeProcessor(budget, _memo_for(loader)).to_rdf(doc, options)
    except JsonLdError as exc:
        not_allowed = find_cause(exc, ContextNotAllowed)
        if not_allowed is not None:
            raise not_allowed from None
        ours = find_cause(exc, WalletError)
        if ours is not None:
            raise ours from None
        reason = _innermost_reason(exc)
        raise CanonicalizationError(f"The credential is not valid JSON-LD ({reason}).", detail=repr(exc)) from exc
    except RecursionError as exc:  # belt and braces: the depth cap should make this unreachable
        raise LimitExceeded("The credential's JSON is nested too deeply.", detail="recursion") from exc
    quads = dataset_to_quads(dataset, max_quads=limits.max_quads)
    budget.check()
    return quads


def dataset_to_quads(dataset: dict[str, list[dict[str, Any]]], *, max_quads: int | None = None) -> list[Quad]:
    """pyld's RDF dataset (``{graph: [triple]}``) → the tuple quads of ``wallet.verify.rdfc``."""
    quads: list[Quad] = []
    for graph_name, triples in dataset.items():
        graph: Term | None = None
        if graph_name != "@default":
            graph = ("B", graph_name[2:], None, None) if graph_name.startswith("_:") else ("I", graph_name, None, None)
        for triple in triples:
            quads.append((_term(triple["subject"]), _term(triple["predicate"]), _term(triple["object"]), graph))
            if max_quads is not None and len(quads) > max_quads:
                raise LimitExceeded(f"The credential expands to more than {max_quads} statements.", detail="quad cap")
    return quads


def _innermost_reason(exc: JsonLdError) -> str:
    """pyld nests its errors; the innermost one carries the JSON-LD error code worth showing."""
    inner: BaseException = exc
    while isinstance(inner.__cause__, JsonLdError):
        inner = inner.__cause__
    code = getattr(inner, "code", None)
    if code:
        return str(code)
    return str(inner.args[0]) if inner.args else type(inner).__name__


def _term(component: dict[str, Any]) -> Term:
    kind = component["type"]
    if kind == "IRI":
        return ("I", component["value"], None, None)
    if kind == "blank node":
        value = component["value"]
        return ("B", value[2:] if value.startswith("_:") else value, None, None)
    return ("L", component["value"], component.get("datatype"), component.get("language"))


def check_blank_nodes(quads: list[Quad], limits: CanonLimits = DEFAULT_LIMITS) -> None:
    """The blank-node cap, checked before RDFC-1.0 starts hashing."""
    if blank_node_count(quads) > limits.max_blank_nodes:
        raise LimitExceeded(
            f"The credential has more than {limits.max_blank_nodes} anonymous nodes.", detail="blank node cap"
        )


def canonicalize(
    doc: dict[str, Any],
    loader: Loader,
    *,
    hash_name: str = "sha256",
    limits: CanonLimits = DEFAULT_LIMITS,
    budget: Budget | None = None,
    rdf_direction: str | None = I18N_DATATYPE,
) -> str:
    """Canonical N-Quads (RDFC-1.0 with ``hash_name``) of a JSON-LD document.

    Raises ``ContextNotAllowed`` (unknown context), ``LimitExceeded`` (size,
    depth, quads, blank nodes, work or time) or ``CanonicalizationError``
    (invalid or unsafe JSON-LD).  Pass one ``budget`` to share a deadline
    across several calls (a proof needs two canonicalizations).
    """
    budget = budget or Budget(limits.seconds, "Canonicalization")
    quads = to_quads(doc, loader, limits=limits, budget=budget, rdf_direction=rdf_direction)
    check_blank_nodes(quads, limits)
    return canonicalize_quads(
        quads,
        hash_name=hash_name,
        budget=budget,
        work_factor=limits.work_factor,
        max_permutations=limits.max_permutations,
    )
