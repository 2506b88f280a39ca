"""The one value type the wallet speaks: ``Credential`` and its parts.

Parsers produce these, verification reads them, the store saves them and the
faces show them.  They are frozen so a value seen in one layer cannot change
under another.  Two fields are never re-serialised by anyone:

* ``payload`` – the credential exactly as it was signed: the JSON text of an
  embedded-proof credential or OB 2.0 assertion, or the compact JWS string.
  Proofs are checked against it (or against ``document`` parsed from it).
* ``original`` – every byte of the imported file (baked PNG, SVG, JSON, JWT).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Values of Credential.format
FORMAT_OB2_HOSTED = "ob2-hosted"
FORMAT_OB2_SIGNED = "ob2-signed"
FORMAT_OB3_JSON = "ob3-json"
FORMAT_OB3_JWT = "ob3-jwt"
FORMAT_CLR2 = "clr2"
FORMAT_VC = "vc"
FORMAT_VC_JWT = "vc-jwt"
FORMATS = (
    FORMAT_OB2_HOSTED,
    FORMAT_OB2_SIGNED,
    FORMAT_OB3_JSON,
    FORMAT_OB3_JWT,
    FORMAT_CLR2,
    FORMAT_VC,
    FORMAT_VC_JWT,
)


@dataclass(frozen=True, slots=True)
class Issuer:
    """Who issued the credential (OB 2.0 Profile / OB 3.0 Profile)."""

    id: str | None
    name: str | None = None
    url: str | None = None
    email: str | None = None
    image: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Alignment:
    """A link from an achievement to a skill, standard or framework entry."""

    target_name: str
    target_url: str | None = None
    target_framework: str | None = None
    target_code: str | None = None
    target_description: str | None = None
    target_type: str | None = None


@dataclass(frozen=True, slots=True)
class ResultDescription:
    """How an achievement is assessed (OB 3.0 ``resultDescription``)."""

    id: str | None
    name: str
    result_type: str | None = None
    required_level: str | None = None
    required_value: str | None = None


@dataclass(frozen=True, slots=True)
class Related:
    """Another achievement this one is related to (``related`` / CLR associations)."""

    id: str
    relation: str = "related"  # related | isChildOf | isParentOf | isPartOf | precedes | ...
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Achievement:
    """What was achieved: OB 3.0 Achievement or OB 2.0 BadgeClass."""

    id: str | None
    name: str | None
    description: str | None = None
    achievement_type: str | None = None
    criteria_narrative: str | None = None
    criteria_url: str | None = None
    image: str | None = None
    alignments: tuple[Alignment, ...] = ()
    tags: tuple[str, ...] = ()
    credits_available: float | None = None
    field_of_study: str | None = None
    specialization: str | None = None
    human_code: str | None = None
    version: str | None = None
    related: tuple[Related, ...] = ()
    result_descriptions: tuple[ResultDescription, ...] = ()
    creator: Issuer | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    """Who earned it: a plain id or an identity object (possibly hashed)."""

    id: str | None = None
    identity: str | None = None  # plain value or ``sha256$hex`` hash
    identity_type: str | None = None  # email, url, telephone, ...
    hashed: bool = False
    salt: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """Evidence supporting the award."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    narrative: str | None = None
    genre: str | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """An assessed result in the subject (OB 3.0 ``result``)."""

    result_description: str | None = None
    value: str | None = None
    achieved_level: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class StatusEntry:
    """One ``credentialStatus`` entry or an OB 2.0 revocation source."""

    type: str
    id: str | None = None
    purpose: str | None = None
    index: str | None = None
    list_url: str | None = None
    status_size: int = 1


@dataclass(frozen=True, slots=True)
class Credential:
    """One badge or credential, whatever format it came in."""

    id: str | None
    format: str
    spec_version: str
    name: str | None
    issuer: Issuer
    achievement: Achievement
    payload: str
    original: bytes = field(repr=False, default=b"")
    document: dict[str, Any] = field(default_factory=dict, repr=False, hash=False, compare=False)
    types: tuple[str, ...] = ()
    description: str | None = None
    image: str | None = None
    subject: Subject = field(default_factory=Subject)
    issued: datetime | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    evidence: tuple[Evidence, ...] = ()
    results: tuple[Result, ...] = ()
    endorsements: tuple[Credential, ...] = ()
    status: tuple[StatusEntry, ...] = ()
    source_name: str | None = None  # file name or URL it was imported from
    container: str | None = None  # png, svg, json, jwt, url
    parent_id: str | None = None  # set on credentials embedded in a CLR or presentation
    jwt_header: dict[str, Any] | None = field(default=None, repr=False, hash=False, compare=False)
    hosted_url: str | None = None  # OB 2.0 hosted assertion URL to fetch

    @property
    def is_jwt(self) -> bool:
        return self.format in (FORMAT_OB3_JWT, FORMAT_VC_JWT, FORMAT_OB2_SIGNED) and self.payload.count(".") == 2

    @property
    def skills(self) -> tuple[str, ...]:
        """Skill names named by the achievement: alignments first, then tags."""
        seen: dict[str, str] = {}  # case-folded, whitespace-collapsed name → first spelling seen
        names = [a.target_name for a in self.achievement.alignments] + list(self.achievement.tags)
        for name in names:
            if name and name.strip():
                seen.setdefault(" ".join(name.casefold().split()), name.strip())
        return tuple(seen.values())

    @property
    def issuer_name(self) -> str:
        return self.issuer.name or self.issuer.id or "Unknown issuer"

    @property
    def display_name(self) -> str:
        return self.name or self.achievement.name or self.id or "Untitled badge"

    def summary(self) -> dict[str, Any]:
        """The JSON-ready summary printed by ``badgewallet inspect``."""
        return {
            "format": self.format,
            "spec_version": self.spec_version,
            "id": self.id,
            "name": self.display_name,
            "types": list(self.types),
            "issuer": {"id": self.issuer.id, "name": self.issuer.name, "url": self.issuer.url},
            "achievement": {
                "id": self.achievement.id,
                "name": self.achievement.name,
                "type": self.achievement.achievement_type,
                "description": self.achievement.description,
                "criteria": self.achievement.criteria_narrative or self.achievement.criteria_url,
            },
            "recipient": self.subject.id or self.subject.identity,
            "issued": _iso(self.issued),
            "valid_from": _iso(self.valid_from),
            "valid_until": _iso(self.valid_until),
            "skills": list(self.skills),
            "status": [s.type for s in self.status],
            "endorsements": len(self.endorsements),
            "parent_id": self.parent_id,
            "container": self.container,
        }

    def summary_json(self) -> str:
        return json.dumps(self.summary(), ensure_ascii=False, indent=2)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
