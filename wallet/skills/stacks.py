"""Stacks (badges that build on each other) and "earn next" suggestions.

The graph is over achievement ids, never names: a link only joins two badges
when a credential names the other achievement's id (OB 3.0 ``related``, CLR
2.0 associations).  Direction of the relations, ``A rel B``:

* ``precedes``, ``isChildOf``, ``isPartOf``, ``replacedBy``: A comes before B
  (B builds on A, B is the whole A belongs to, or B is A's newer version);
* ``isParentOf``: B comes before A;
* ``related``, ``isRelatedTo``, ``isPeerOf``: same stack, no order;
* ``exactMatchOf`` is the same achievement under another id: not a step.

A *stack* is a connected group of linked achievements with at least two of
them held, ordered so that every step comes before what builds on it (ties by
earliest award date, then name).  Steps the earner does not hold stay in the
chain, marked ``held=False``, so "3 of 4" can be shown.

*Earn next* lists achievements a held credential points forward or up to —
``related``/peer, parent (``isChildOf``/``isPartOf`` target, ``isParentOf``
source), next (``precedes``) or newer version (``replacedBy``) — that no held
credential carries.  Prerequisites and children of held achievements are not
suggested: holding the whole already covers its parts.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from wallet.skills.extract import Link, SkillRef, unique

if TYPE_CHECKING:
    from wallet.skills.map import SkillMap

_BEFORE = frozenset(r.casefold() for r in ("precedes", "isChildOf", "isPartOf", "replacedBy"))
_AFTER = frozenset(r.casefold() for r in ("isParentOf",))
_UNORDERED = frozenset(r.casefold() for r in ("related", "isRelatedTo", "isPeerOf"))

# Relation of an unheld achievement to the held one that names it.
NEXT_RELATED = "related"
NEXT_PARENT = "parent"
NEXT_STEP = "next"
NEXT_VERSION = "newer version"


class AchievementNode(NamedTuple):
    """An achievement id the wallet knows about: held, or named by something held (a NamedTuple, see ``Proof``)."""

    id: str
    name: str | None
    held_by: tuple[str, ...] = ()  # record ids
    issuer: str | None = None
    issuer_url: str | None = None
    url: str | None = None  # the achievement's own page (criteria URL or an http(s) id)
    date: datetime | None = None  # earliest award among held_by
    skills: tuple[SkillRef, ...] = ()  # what it aligns to, where a credential says so

    @property
    def held(self) -> bool:
        return bool(self.held_by)

    @property
    def display_name(self) -> str:
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class StackStep:
    achievement_id: str
    name: str
    held: bool
    record_ids: tuple[str, ...]
    date: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "achievement_id": self.achievement_id,
            "name": self.name,
            "held": self.held,
            "record_ids": sorted(self.record_ids),
            "date": _iso(self.date),
        }


@dataclass(frozen=True, slots=True)
class Stack:
    """One ordered chain; ``name`` is its last step (the top of the stack)."""

    name: str
    steps: tuple[StackStep, ...]
    issuers: tuple[str, ...]

    @property
    def held_count(self) -> int:
        return sum(1 for s in self.steps if s.held)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "held": self.held_count,
            "total": len(self.steps),
            "issuers": sorted(self.issuers),
            "steps": [s.to_dict() for s in self.steps],
        }


@dataclass(frozen=True, slots=True)
class EarnNext:
    """An achievement the earner does not hold yet, and which held badges point to it."""

    achievement_id: str
    name: str
    relation: str  # NEXT_*
    url: str | None
    issuer: str | None
    issuer_url: str | None
    via_records: tuple[str, ...]
    via_names: tuple[str, ...]
    skills: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "achievement_id": self.achievement_id,
            "name": self.name,
            "relation": self.relation,
            "url": self.url,
            "issuer": self.issuer,
            "issuer_url": self.issuer_url,
            "via": {"record_ids": sorted(self.via_records), "names": sorted(self.via_names)},
            "skills": sorted(self.skills),
        }


def stacks(skill_map: SkillMap) -> list[Stack]:
    """The stacks in a skills map, biggest first."""
    return compute_stacks(skill_map.achievements, skill_map.links)


def earn_next(skill_map: SkillMap) -> list[EarnNext]:
    """Achievements held badges point to that the earner does not hold, most-named first."""
    return compute_earn_next(skill_map.achievements, skill_map.links)


# --------------------------------------------------------------------------- stacks


def compute_stacks(nodes: Sequence[AchievementNode], links: Iterable[Link]) -> list[Stack]:
    by_id = {n.id: n for n in nodes}
    edges = [lk for lk in links if lk.source in by_id and lk.target in by_id and _is_stack_link(lk)]
    components = _components(edges)
    component_of = {node_id: n for n, ids in enumerate(components) for node_id in ids}
    edges_of: dict[int, list[Link]] = defaultdict(list)
    for link in edges:
        edges_of[component_of[link.source]].append(link)
    found = []
    for n, component in enumerate(components):
        members = [by_id[i] for i in component]
        if sum(1 for m in members if m.held) >= 2:
            found.append(_stack(members, edges_of[n], by_id))
    found.sort(key=lambda s: (-s.held_count, -len(s.steps), s.name.casefold(), s.steps[0].achievement_id))
    return found


def _is_stack_link(link: Link) -> bool:
    rel = link.relation.casefold()
    return rel in _BEFORE or rel in _AFTER or rel in _UNORDERED


def _components(edges: Iterable[Link]) -> list[set[str]]:
    """Connected groups of ids (union-find, path halving)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in edges:
        a, b = find(link.source), find(link.target)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[str, set[str]] = defaultdict(set)
    for x in list(parent):
        groups[find(x)].add(x)
    return [groups[k] for k in sorted(groups)]


def _ordered_pair(link: Link) -> tuple[str, str] | None:
    """(earlier, later) for an ordering link; None for unordered ones."""
    rel = link.relation.casefold()
    if rel in _BEFORE:
        return link.source, link.target
    if rel in _AFTER:
        return link.target, link.source
    return None


def _stack(members: list[AchievementNode], edges: list[Link], by_id: dict[str, AchievementNode]) -> Stack:
    ids = {n.id for n in members}
    later: dict[str, set[str]] = defaultdict(set)
    indegree = dict.fromkeys(ids, 0)
    for link in edges:
        pair = _ordered_pair(link)
        if pair and pair[0] in ids and pair[1] not in later[pair[0]]:
            later[pair[0]].add(pair[1])
            indegree[pair[1]] += 1
    order = _topological(ids, later, indegree, by_id)
    steps = tuple(
        StackStep(achievement_id=n.id, name=n.display_name, held=n.held, record_ids=n.held_by, date=n.date)
        for n in (by_id[i] for i in order)
    )
    issuers = unique(n.issuer for n in (by_id[i] for i in order) if n.held and n.issuer)
    return Stack(name=steps[-1].name, steps=steps, issuers=issuers)


def _topological(
    ids: set[str], later: dict[str, set[str]], indegree: dict[str, int], by_id: dict[str, AchievementNode]
) -> list[str]:
    """Kahn's order with a deterministic tie-break; a cycle is broken at its earliest node."""

    def rank(i: str) -> tuple[bool, str, str, str]:
        node = by_id[i]
        return (node.date is None, node.date.isoformat() if node.date else "", node.display_name.casefold(), i)

    ready = [(rank(i), i) for i in ids if indegree[i] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(ids):
        if not ready:  # cycle: take the best-ranked remaining node
            rest = min((rank(i), i) for i in ids if i not in done)
            ready.append(rest)
        _, current = heapq.heappop(ready)
        if current in done:
            continue
        done.add(current)
        order.append(current)
        for nxt in sorted(later.get(current, ())):
            indegree[nxt] -= 1
            if indegree[nxt] == 0 and nxt not in done:
                heapq.heappush(ready, (rank(nxt), nxt))
    return order


# --------------------------------------------------------------------------- earn next


def compute_earn_next(nodes: Sequence[AchievementNode], links: Iterable[Link]) -> list[EarnNext]:
    by_id = {n.id: n for n in nodes}
    via: dict[str, dict[str, str]] = defaultdict(dict)  # unheld id -> held id -> relation
    for link in links:
        step = next_step(link, by_id)
        if step:
            held_id, unheld_id, relation = step
            via[unheld_id].setdefault(held_id, relation)
    found = [_earn_next(by_id[target], sources, by_id) for target, sources in via.items()]
    found.sort(key=lambda e: (-len(e.via_records), e.name.casefold(), e.achievement_id))
    return found


def next_step(link: Link, by_id: dict[str, AchievementNode]) -> tuple[str, str, str] | None:
    """(held id, unheld id, NEXT_*) when the link points from a held achievement onward."""
    source, target = by_id.get(link.source), by_id.get(link.target)
    if source is None or target is None:
        return None
    rel = link.relation.casefold()
    if rel in _UNORDERED and source.held != target.held:
        return (source.id, target.id, NEXT_RELATED) if source.held else (target.id, source.id, NEXT_RELATED)
    if not source.held and target.held and rel in _AFTER:
        return target.id, source.id, NEXT_PARENT
    if source.held and not target.held:
        if rel in ("ischildof", "ispartof"):
            return source.id, target.id, NEXT_PARENT
        if rel == "precedes":
            return source.id, target.id, NEXT_STEP
        if rel == "replacedby":
            return source.id, target.id, NEXT_VERSION
    return None


def _earn_next(node: AchievementNode, sources: dict[str, str], by_id: dict[str, AchievementNode]) -> EarnNext:
    held = [by_id[i] for i in sorted(sources)]
    # The strongest relation wins the label: parent > next > newer version > related.
    labels = set(sources.values())
    relation = next(r for r in (NEXT_PARENT, NEXT_STEP, NEXT_VERSION, NEXT_RELATED) if r in labels)
    return EarnNext(
        achievement_id=node.id,
        name=node.display_name,
        relation=relation,
        url=node.url,
        issuer=node.issuer,
        issuer_url=node.issuer_url,
        via_records=unique(r for n in held for r in n.held_by),
        via_names=unique(n.display_name for n in held),
        skills=unique(ref.name for ref in node.skills),
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
