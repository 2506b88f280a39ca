"""Builders for the parts OB 2.0 and OB 3.0 share: profiles, alignments, evidence.

The two versions name these fields the same way, so one reader serves both.
"""

from __future__ import annotations

from typing import Any

from wallet.formats.common import as_list, ref_id, text
from wallet.model import Alignment, Evidence, Issuer


def profile(value: Any) -> Issuer:
    """An issuer/creator given as an IRI or as an embedded Profile."""
    if not isinstance(value, dict):
        return Issuer(id=ref_id(value))
    return Issuer(
        id=text(value.get("id")),
        name=text(value.get("name")),
        url=ref_id(value.get("url")),
        email=text(value.get("email")),
        image=ref_id(value.get("image")),
        description=text(value.get("description")),
    )


def alignments(value: Any) -> tuple[Alignment, ...]:
    """``alignment`` entries (object or list); unnamed ones keep an empty name."""
    return tuple(
        Alignment(
            target_name=text(obj.get("targetName")) or "",
            target_url=text(obj.get("targetUrl")),
            target_framework=text(obj.get("targetFramework")),
            target_code=text(obj.get("targetCode")),
            target_description=text(obj.get("targetDescription")),
            target_type=text(obj.get("targetType")),
        )
        for obj in as_list(value)
        if isinstance(obj, dict)
    )


def evidence(value: Any) -> list[Evidence]:
    """Evidence given as IRIs or objects."""
    items: list[Evidence] = []
    for item in as_list(value):
        if isinstance(item, str):
            items.append(Evidence(id=item))
        elif isinstance(item, dict):
            items.append(
                Evidence(
                    id=text(item.get("id")),
                    name=text(item.get("name")),
                    description=text(item.get("description")),
                    narrative=text(item.get("narrative")),
                    genre=text(item.get("genre")),
                )
            )
    return items


def strings(value: Any) -> tuple[str, ...]:
    """A list of plain strings (tags), ignoring anything else."""
    return tuple(v for v in as_list(value) if isinstance(v, str))
