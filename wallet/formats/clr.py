"""CLR 2.0 specifics: where a ClrCredential keeps its credentials, and how its
associations link their achievements.

Each embedded AchievementCredential becomes a ``Credential`` of its own with
``parent_id`` = the CLR's id (built by the dispatcher, which also handles
JWT-encoded and enveloped entries).  A CLR ``association`` says how two
achievements relate (``isChildOf``, ``precedes`` …); it is copied onto the
source achievement's ``related`` so the skills map can draw stacks.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from wallet.formats.common import as_list, first_dict, text, types_of
from wallet.model import Credential, Related


def is_clr(doc: dict[str, Any]) -> bool:
    return "ClrCredential" in types_of(doc)


def embedded_items(doc: dict[str, Any]) -> list[Any]:
    """The entries of ``credentialSubject.verifiableCredential`` (objects or JWT strings)."""
    subject = first_dict(doc.get("credentialSubject")) or {}
    return as_list(subject.get("verifiableCredential"))


def link_associations(doc: dict[str, Any], children: list[Credential]) -> list[Credential]:
    """Add each association to the achievement it starts from."""
    subject = first_dict(doc.get("credentialSubject")) or {}
    links: dict[str, list[Related]] = {}
    for assoc in as_list(subject.get("association")):
        if not isinstance(assoc, dict):
            continue
        source, target = text(assoc.get("sourceId")), text(assoc.get("targetId"))
        if source and target:
            relation = text(assoc.get("associationType")) or "related"
            links.setdefault(source, []).append(Related(target, relation))
    if not links:
        return children
    linked = []
    for child in children:
        extra = links.get(child.achievement.id or "", [])
        if extra:
            achievement = replace(child.achievement, related=child.achievement.related + tuple(extra))
            child = replace(child, achievement=achievement)
        linked.append(child)
    return linked
