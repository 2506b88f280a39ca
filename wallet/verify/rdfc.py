"""RDF Dataset Canonicalization (RDFC-1.0, a.k.a. URDNA2015) with limits.

Why our own and not pyld's ``canon.URDNA2015``:

* pyld hard-codes SHA-256; ecdsa-rdfc-2019 with P-384 needs RDFC-1.0 run
  with SHA-384 (its hash parameter).
* pyld's N-Quads escaping leaves U+0000–U+001F (except \\t \\n \\r) and U+007F
  raw; canonical N-Quads requires ``\\b``, ``\\f`` and ``\\uXXXX`` (upper-case
  hex).  The difference changes the *blank-node hashes* too, not only the
  output, so re-escaping pyld's output afterwards would not be enough.
* pyld has no defence against dataset poisoning (RDF-Canon §Dataset
  Poisoning): N-degree hashing over many structurally identical blank nodes is
  factorial.  Here Hash N-Degree Quads calls are counted with the same rule as
  rdf-canonize (the JS library the signers use): at most ``n ** work_factor``
  calls in all, *n* = blank nodes whose first-degree hash is shared, default
  work factor 1.  So whatever the JS libraries accept, this accepts too.  That
  rule does not count permutations, so the number of permutations tried is
  capped as well (``max_permutations``; real credentials need a handful), and a
  ``Budget`` deadline is checked in the inner loops as the last fence.
* Permutations of a related-node list are enumerated *distinct* only: a blank
  node related through several quads (e.g. the graph name of a named graph)
  appears in the list many times, and identical orderings give identical paths,
  so skipping repeats changes nothing but the time (k! → 1 for k copies).

The algorithm follows the RDF-Canon recommendation step by step; pyld is only
used earlier, to turn JSON-LD into the quads given here.

Quads are tuples ``(s, p, o, g)``; each term is a tuple
``(kind, value, datatype, language)`` with kind ``"I"`` (IRI), ``"B"``
(blank node, value without ``_:``) or ``"L"`` (literal); ``g`` is ``None`` for
the default graph.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from wallet.errors import LimitExceeded

Term = tuple[str, str, str | None, str | None]
Quad = tuple[Term, Term, Term, Term | None]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

HASHES: dict[str, Callable[[], Any]] = {"sha256": hashlib.sha256, "sha384": hashlib.sha384}

_ESCAPE_RE = re.compile(r'[\x00-\x1f\x7f"\\]')
_ECHAR = {'"': '\\"', "\\": "\\\\", "\t": "\\t", "\b": "\\b", "\n": "\\n", "\r": "\\r", "\f": "\\f"}


class Budget:
    """A wall-clock deadline checked cooperatively inside the expensive loops."""

    __slots__ = ("deadline", "seconds", "what")

    def __init__(self, seconds: float, what: str = "JSON-LD processing") -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.what = what

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(
                f"{self.what} took longer than the {self.seconds:g} s the wallet allows; the credential was rejected.",
                detail="time budget exceeded",
            )

    @property
    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Time spent inside (waiting for the network) does not count against the budget."""
        start = time.monotonic()
        try:
            yield
        finally:
            self.deadline += time.monotonic() - start


def escape_literal(value: str) -> str:
    """Canonical N-Quads string escaping (ECHAR for ``" \\ \\t \\b \\n \\r \\f``, UCHAR for other controls)."""
    return _ESCAPE_RE.sub(lambda m: _ECHAR.get(m.group(0)) or f"\\u{ord(m.group(0)):04X}", value)


def serialize_term(term: Term) -> str:
    kind, value, datatype, language = term
    if kind == "I":
        return f"<{value}>"
    if kind == "B":
        return f"_:{value}"
    text = f'"{escape_literal(value)}"'
    if language and datatype in (None, RDF_LANGSTRING):
        return f"{text}@{language}"
    if datatype and datatype != XSD_STRING:
        return f"{text}^^<{datatype}>"
    return text


def serialize_quad(quad: Quad, rename: Callable[[str], str] | None = None) -> str:
    """One canonical N-Quads line; ``rename`` maps blank node ids (without ``_:``)."""
    parts = []
    for term in quad:
        if term is None:
            continue
        if rename is not None and term[0] == "B":
            parts.append("_:" + rename(term[1]))
        else:
            parts.append(serialize_term(term))
    return " ".join(parts) + " .\n"


class IdentifierIssuer:
    """Issues ``prefix0, prefix1 …`` in order, remembering what it issued for what."""

    __slots__ = ("counter", "issued", "order", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.counter = 0
        self.issued: dict[str, str] = {}
        self.order: list[str] = []

    def issue(self, existing: str) -> str:
        found = self.issued.get(existing)
        if found is not None:
            return found
        new = f"{self.prefix}{self.counter}"
        self.counter += 1
        self.issued[existing] = new
        self.order.append(existing)
        return new

    def copy(self) -> IdentifierIssuer:
        clone = IdentifierIssuer(self.prefix)
        clone.counter = self.counter
        clone.issued = dict(self.issued)
        clone.order = list(self.order)
        return clone


@dataclass
class _State:
    hash_factory: Callable[[], Any]
    budget: Budget | None
    bnode_quads: dict[str, list[Quad]] = field(default_factory=dict)
    first_degree: dict[str, str] = field(default_factory=dict)
    canonical: IdentifierIssuer = field(default_factory=lambda: IdentifierIssuer("c14n"))
    deep_calls: int = 0
    max_deep_calls: int = 0
    permutations: int = 0
    max_permutations: int = 0

    def digest(self, data: str) -> str:
        h = self.hash_factory()
        h.update(data.encode("utf-8"))
        return h.hexdigest()

    def check(self) -> None:
        if self.budget is not None:
            self.budget.check()


def canonicalize_quads(
    quads: Sequence[Quad],
    *,
    hash_name: str = "sha256",
    budget: Budget | None = None,
    work_factor: int = 1,
    max_permutations: int = 50_000,
) -> str:
    """Canonical N-Quads of ``quads`` (RDFC-1.0 §4.4), sorted and joined."""
    try:
        factory = HASHES[hash_name]
    except KeyError:
        raise ValueError(f"unsupported RDFC-1.0 hash {hash_name!r}") from None
    state = _State(factory, budget, max_permutations=max_permutations)
    for quad in quads:  # 2) blank node to quads map
        for term in (quad[0], quad[2], quad[3]):
            if term is not None and term[0] == "B":
                bucket = state.bnode_quads.setdefault(term[1], [])
                if not bucket or bucket[-1] is not quad:
                    bucket.append(quad)

    hash_to_bnodes: dict[str, list[str]] = {}
    for bnode in state.bnode_quads:  # 3) first-degree hashes
        hash_to_bnodes.setdefault(_hash_first_degree(state, bnode), []).append(bnode)

    shared: list[tuple[str, list[str]]] = []
    for digest in sorted(hash_to_bnodes):  # 4) unique hashes get canonical ids now
        nodes = hash_to_bnodes[digest]
        if len(nodes) == 1:
            state.canonical.issue(nodes[0])
        else:
            shared.append((digest, nodes))

    if shared:  # 5) the rest through Hash N-Degree Quads, under the work cap
        state.max_deep_calls = sum(len(nodes) for _, nodes in shared) ** work_factor
        for _digest, nodes in shared:
            paths: list[tuple[str, IdentifierIssuer]] = []
            for bnode in nodes:
                if bnode in state.canonical.issued:
                    continue
                temporary = IdentifierIssuer("b")
                temporary.issue(bnode)
                paths.append(_hash_n_degree(state, bnode, temporary))
            for _hash, issuer in sorted(paths, key=lambda item: item[0]):
                for existing in issuer.order:
                    state.canonical.issue(existing)

    canonical = state.canonical.issued
    lines = sorted(serialize_quad(q, canonical.__getitem__) for q in quads)  # 6) output
    return "".join(lines)


def _hash_first_degree(state: _State, bnode: str) -> str:
    """RDFC-1.0 §4.6: the node's own quads with itself as ``_:a`` and other blank nodes as ``_:z``."""
    cached = state.first_degree.get(bnode)
    if cached is not None:
        return cached

    def rename(value: str) -> str:
        return "a" if value == bnode else "z"

    lines = sorted(serialize_quad(q, rename) for q in state.bnode_quads[bnode])
    digest = state.digest("".join(lines))
    state.first_degree[bnode] = digest
    return digest


def _hash_related(state: _State, related: str, quad: Quad, issuer: IdentifierIssuer, position: str) -> str:
    """RDFC-1.0 §4.7 Hash Related Blank Node."""
    if related in state.canonical.issued:
        identifier = "_:" + state.canonical.issued[related]
    elif related in issuer.issued:
        identifier = "_:" + issuer.issued[related]
    else:
        identifier = _hash_first_degree(state, related)
    data = position
    if position != "g":
        data += f"<{quad[1][1]}>"
    return state.digest(data + identifier)


def _hash_n_degree(state: _State, bnode: str, issuer: IdentifierIssuer) -> tuple[str, IdentifierIssuer]:
    """RDFC-1.0 §4.8 Hash N-Degree Quads, counted and time-boxed."""
    state.deep_calls += 1
    if state.deep_calls > state.max_deep_calls:
        raise LimitExceeded(
            "The credential's data is built to make canonicalization explode (too many identical "
            "blank nodes); it was rejected.",
            detail=f"RDFC-1.0 work cap: more than {state.max_deep_calls} N-degree hashes",
        )
    state.check()

    related_by_hash: dict[str, list[str]] = {}
    for quad in state.bnode_quads[bnode]:  # 1–3) hash the related blank nodes
        for position, term in (("s", quad[0]), ("o", quad[2]), ("g", quad[3])):
            if term is not None and term[0] == "B" and term[1] != bnode:
                digest = _hash_related(state, term[1], quad, issuer, position)
                related_by_hash.setdefault(digest, []).append(term[1])

    data = ""
    for digest in sorted(related_by_hash):  # 5) each group, all orders, keep the smallest path
        data += digest
        chosen_path = ""
        chosen_issuer: IdentifierIssuer | None = None
        for permutation in distinct_permutations(related_by_hash[digest]):
            state.permutations += 1
            if state.permutations > state.max_permutations:
                raise LimitExceeded(
                    "The credential's data is built to make canonicalization explode (too many equivalent "
                    "orderings); it was rejected.",
                    detail=f"RDFC-1.0 permutation cap {state.max_permutations}",
                )
            state.check()
            issuer_copy = issuer.copy()
            path = ""
            recursion: list[str] = []
            skip = False
            for related in permutation:
                if related in state.canonical.issued:
                    path += "_:" + state.canonical.issued[related]
                else:
                    if related not in issuer_copy.issued:
                        recursion.append(related)
                    path += "_:" + issuer_copy.issue(related)
                if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                    skip = True
                    break
            if skip:
                continue
            for related in recursion:
                result_hash, result_issuer = _hash_n_degree(state, related, issuer_copy)
                path += "_:" + issuer_copy.issue(related)
                path += f"<{result_hash}>"
                issuer_copy = result_issuer
                if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                    skip = True
                    break
            if skip:
                continue
            if not chosen_path or path < chosen_path:
                chosen_path = path
                chosen_issuer = issuer_copy
        data += chosen_path
        if chosen_issuer is not None:
            issuer = chosen_issuer
    return state.digest(data), issuer


def distinct_permutations(items: Iterable[str]) -> Iterator[tuple[str, ...]]:
    """Every distinct ordering of ``items`` once, in lexicographic order (repeated items allowed)."""
    current = sorted(items)
    while True:
        yield tuple(current)
        # next lexicographic permutation: rightmost ascent, swap with the rightmost larger item, reverse the tail
        i = len(current) - 2
        while i >= 0 and current[i] >= current[i + 1]:
            i -= 1
        if i < 0:
            return
        j = len(current) - 1
        while current[j] <= current[i]:
            j -= 1
        current[i], current[j] = current[j], current[i]
        current[i + 1 :] = reversed(current[i + 1 :])


def blank_node_count(quads: Iterable[Quad]) -> int:
    seen: set[str] = set()
    for quad in quads:
        for term in (quad[0], quad[2], quad[3]):
            if term is not None and term[0] == "B":
                seen.add(term[1])
    return len(seen)
