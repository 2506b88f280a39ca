"""The skills map: every skill the credentials name, what proves it and how fresh.

``build_map`` merges the per-credential ``SkillRef``s of ``extract.py`` by
identity (framework code, else normalised name) and adds one rule on top: a
skill seen only by name (a tag, an alignment without a code) joins a coded
skill when exactly one coded skill carries that same normalised name; if two
coded skills share it (two frameworks, or two codes), the name-only skill
stays on its own rather than being assigned to one by guesswork.

Freshness of one proof (``freshness_of``), from the verification verdict and
the credential's own ``validUntil`` at ``now``:

* ``fresh``: verdict ``valid`` and not past ``validUntil``;
* ``stale``: expired (by verdict or by date), revoked, not yet valid, or
  failed verification (malformed, invalid_signature, tampered,
  unresolvable_issuer) — it does not count today, and is counted apart;
* ``unverified``: never checked, or ``incomplete`` (e.g. checked offline).

A skill's freshness is the best of its proofs.  Heat-map cells weight proofs
by ``FRESHNESS_WEIGHT`` so stale badges show faint instead of vanishing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import quote

from wallet.model import Achievement, Credential
from wallet.skills.extract import (
    MACRO,
    Link,
)
from wallet.skills.stacks import AchievementNode, compute_earn_next, compute_stacks

FRESH = "fresh"
UNVERIFIED = "unverified"
STALE = "stale"
FRESHNESS_ORDER = (FRESH, UNVERIFIED, STALE)  # best first
FRESHNESS_WEIGHT = {FRESH: 1.0, UNVERIFIED: 0.5, STALE: 0.25}
NOT_CHECKED = "not_checked"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
OTHER_GROUP = "Other"
UNKNOWN_YEAR = "unknown"
BY_YEAR = "years"  # heat map columns: the year a badge was awarded (UNKNOWN_YEAR when undated)
BY_ISSUER = "issuers"  # ... or the issuer's name
MAP_SCHEMA = "badgewallet.skills-map/1"

_STALE_VERDICTS = frozenset(
    {"expired", "revoked", "not_yet_valid", "malformed", "unresolvable_issuer", "invalid_signature", "tampered"}
)


@dataclass(frozen=True, slots=True)
class SkillInput:
    """One stored record as the skills map needs it: id, credential, latest verdict (None = not checked)."""

    record_id: str
    credential: Credential
    verdict: str | None = None


class Proof(NamedTuple):
    """One badge proving one skill.

    ``Proof`` and ``CredentialInfo`` (and ``stacks.AchievementNode``) are
    NamedTuples rather than frozen dataclasses: a 10,000-credential map holds
    tens of thousands of them, and a tuple is built in C, which made the
    difference between meeting and missing the cold-build target.  They are
    just as immutable and hashable, with the same fields and repr.
    """

    record_id: str
    badge: str
    issuer: str
    achievement_id: str | None
    date: datetime | None
    freshness: str
    reason: str  # the verdict, "expired" (by date) or "not_checked"
    kind: str  # micro | macro
    source: str  # where the skill was read: alignment, tag, fieldOfStudy, …
    assessment: str | None = None  # e.g. "Rubric: Proficient"
    credits: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "name": self.badge,
            "issuer": self.issuer,
            "achievement_id": self.achievement_id,
            "date": _iso(self.date),
            "freshness": self.freshness,
            "reason": self.reason,
            "kind": self.kind,
            "source": self.source,
            "assessment": self.assessment,
            "credits": self.credits,
        }


@dataclass(frozen=True, slots=True)
class Skill:
    """One skill and everything that proves it; ``names`` holds every normalised name for matching."""

    key: str
    name: str
    aliases: tuple[str, ...]
    framework: str | None
    code: str | None
    url: str | None
    group: str
    proofs: tuple[Proof, ...]
    names: frozenset[str]
    framework_norm: str
    code_norm: str
    issuers: tuple[str, ...]
    first: datetime | None
    latest: datetime | None
    assessed: bool
    fresh: int
    unverified: int
    stale: int

    @property
    def freshness(self) -> str:
        return FRESH if self.fresh else UNVERIFIED if self.unverified else STALE

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "aliases": sorted(self.aliases),
            "framework": self.framework,
            "code": self.code,
            "url": self.url,
            "group": self.group,
            "freshness": self.freshness,
            "counts": {FRESH: self.fresh, UNVERIFIED: self.unverified, STALE: self.stale},
            "assessed": self.assessed,
            "first": _iso(self.first),
            "latest": _iso(self.latest),
            "issuers": sorted(self.issuers),
            "badges": [p.to_dict() for p in self.proofs],
        }


@dataclass(frozen=True, slots=True)
class SkillGroup:
    name: str  # framework display name, or OTHER_GROUP
    skill_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HeatCell:
    """Skill × column (a year, or an issuer name) for the heat map."""

    skill_key: str
    column: str
    count: int
    fresh: int
    stale: int
    weight: float  # sum of FRESHNESS_WEIGHT over the proofs

    def to_dict(self) -> dict[str, Any]:
        return {
            "skill": self.skill_key,
            "column": self.column,
            "count": self.count,
            "fresh": self.fresh,
            "stale": self.stale,
            "weight": round(self.weight, 3),
        }


class CredentialInfo(NamedTuple):
    """One input record as the map classified it."""

    record_id: str
    name: str
    issuer: str
    achievement_id: str | None
    kind: str
    freshness: str
    reason: str
    date: datetime | None
    skill_keys: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "name": self.name,
            "issuer": self.issuer,
            "achievement_id": self.achievement_id,
            "kind": self.kind,
            "freshness": self.freshness,
            "reason": self.reason,
            "date": _iso(self.date),
            "skills": sorted(self.skill_keys),
        }


@dataclass(frozen=True, slots=True)
class BadgeRef:
    record_id: str
    name: str
    issuer: str


@dataclass(frozen=True, slots=True)
class TopSkill:
    """A skill for the résumé bundle: its name and the current badges proving it."""

    key: str
    name: str
    framework: str | None
    code: str | None
    assessed: bool
    badges: tuple[BadgeRef, ...]


@dataclass(frozen=True, slots=True)
class SkillMap:
    """The whole map; ``to_json`` is the shape ``badgewallet skills --json`` prints."""

    generated: datetime
    skills: tuple[Skill, ...]
    groups: tuple[SkillGroup, ...]
    year_heat: tuple[HeatCell, ...]
    issuer_heat: tuple[HeatCell, ...]
    credentials: tuple[CredentialInfo, ...]
    achievements: tuple[AchievementNode, ...]
    links: tuple[Link, ...]
    index: Mapping[str, Skill] = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    def skill(self, key: str) -> Skill | None:
        return self.index.get(key)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; every list sorted, dates as ISO strings.  See docs in ``wallet.skills``."""
        kinds = Counter(c.kind for c in self.credentials)
        return {
            "schema": MAP_SCHEMA,
            "generated": _iso(self.generated),
            "counts": {
                "skills": len(self.skills),
                "credentials": len(self.credentials),
                "micro": kinds.get("micro", 0),
                "macro": kinds.get(MACRO, 0),
                **{f"{f}_skills": sum(1 for s in self.skills if s.freshness == f) for f in FRESHNESS_ORDER},
            },
            "skills": [s.to_dict() for s in self.skills],
            "groups": [{"name": g.name, "skills": list(g.skill_keys)} for g in self.groups],
            "heat": {
                "weights": dict(FRESHNESS_WEIGHT),
                "years": [c.to_dict() for c in self.year_heat],
                "issuers": [c.to_dict() for c in self.issuer_heat],
            },
            "credentials": [c.to_dict() for c in self.credentials],
            "stacks": [s.to_dict() for s in compute_stacks(self.achievements, self.links)],
            "earn_next": [e.to_dict() for e in compute_earn_next(self.achievements, self.links)],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)


# --------------------------------------------------------------------------- building


def freshness_of(verdict: str | None, valid_until: datetime | None, now: datetime) -> tuple[str, str]:
    """(freshness, reason) of one credential; see the module docstring."""
    if verdict in _STALE_VERDICTS:
        return STALE, verdict or ""
    if valid_until is not None and _aware(valid_until) <= _aware(now):
        return STALE, "expired"
    if verdict == "valid":
        return FRESH, "valid"
    return UNVERIFIED, verdict or NOT_CHECKED


def build_map(records: Sequence[SkillInput], *, now: datetime) -> SkillMap:
    """Build the skills map of ``records`` as of ``now`` (time is a parameter, never read here).

    A fresh ``SkillIndex``: the app keeps one alive and feeds it changes
    instead, which gives the same map at the cost of what changed.
    """
    from wallet.skills.index import SkillIndex  # the index builds on this module's types

    return SkillIndex(records, now=now).map()


# --------------------------------------------------------------------------- consumers


def heat_column(proof: Proof, by: str) -> str:
    """The heat-map column a proof counts in (the rule ``year_heat``/``issuer_heat`` are built with)."""
    if by == BY_ISSUER:
        return proof.issuer
    return str(proof.date.year) if proof.date else UNKNOWN_YEAR


def heat_rows(skill_map: SkillMap, by: str) -> tuple[HeatCell, ...]:
    return skill_map.issuer_heat if by == BY_ISSUER else skill_map.year_heat


def cell_proofs(skill_map: SkillMap, skill_key: str, column: str | None, by: str = BY_YEAR) -> tuple[Proof, ...]:
    """The badges behind one heat-map cell (``column`` None: every badge proving the skill), by date."""
    skill = skill_map.index.get(skill_key)
    if skill is None:
        return ()
    if column is None:
        return skill.proofs
    return tuple(p for p in skill.proofs if heat_column(p, by) == column)


def top_skills(skill_map: SkillMap, n: int) -> list[TopSkill]:
    """The ``n`` best-proven skills for a résumé, with the current (non-stale) badges proving each.

    Stale-only skills are left out: a résumé should not advertise what only
    expired or revoked badges prove.  Ranked by fresh proofs, then all
    current proofs, then assessment-backed, then most recent.
    """
    ranked = []
    for s in skill_map.skills:
        current = [p for p in s.proofs if p.freshness != STALE]
        if current:
            latest = max((p.date.timestamp() for p in current if p.date), default=float("-inf"))
            rank = (-s.fresh, -len(current), not s.assessed, -latest, s.name.casefold(), s.key)
            ranked.append((rank, s, current))
    ranked.sort(key=lambda t: t[0])
    return [
        TopSkill(
            key=s.key,
            name=s.name,
            framework=s.framework,
            code=s.code,
            assessed=s.assessed,
            badges=tuple(dict.fromkeys(BadgeRef(p.record_id, p.badge, p.issuer) for p in current)),
        )
        for _, s, current in ranked[: max(n, 0)]
    ]


def render_text(skill_map: SkillMap) -> str:
    """The human output of ``badgewallet skills``."""
    kinds = Counter(c.kind for c in skill_map.credentials)
    lines = [
        f"Skills: {len(skill_map.skills)} from {len(skill_map.credentials)} credentials "
        f"({kinds.get('micro', 0)} micro, {kinds.get(MACRO, 0)} macro)",
        "fresh = valid and in date; stale = only expired, revoked or failed badges; unverified = not checked",
    ]
    for group in skill_map.groups:
        lines += ["", group.name]
        for key in group.skill_keys:
            lines += _skill_lines(skill_map.index[key])
    found_stacks = compute_stacks(skill_map.achievements, skill_map.links)
    if found_stacks:
        lines += ["", "Stacks"]
        for st in found_stacks:
            chain_text = " -> ".join(f"{s.name}{'' if s.held else ' (not yet)'}" for s in st.steps)
            lines.append(f"  {st.name} ({st.held_count} of {len(st.steps)} held): {chain_text}")
    suggestions = compute_earn_next(skill_map.achievements, skill_map.links)
    if suggestions:
        lines += ["", "Earn next"]
        for e in suggestions:
            where = " ".join(x for x in (e.issuer, e.url or e.issuer_url) if x)
            lines.append(f"  {e.name} ({e.relation} of {', '.join(e.via_names)}){' - ' + where if where else ''}")
    return "\n".join(lines) + "\n"


def _skill_lines(s: Skill) -> list[str]:
    years = sorted({p.date.year for p in s.proofs if p.date})
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "undated")
    parts = [f"{len(s.proofs)} badge{'s' if len(s.proofs) != 1 else ''}", f"{len(s.issuers)} issuer(s)", span]
    if s.assessed:
        parts.append("assessed")
    parts.append(s.freshness + (f" ({s.stale} stale)" if s.stale and s.freshness != STALE else ""))
    code = f" [{s.code}]" if s.code else ""
    lines = [f"  {s.name}{code}: {', '.join(parts)}"]
    if s.aliases:
        lines.append(f"      also named: {', '.join(s.aliases)}")
    return lines


# --------------------------------------------------------------------------- helpers


def _key_string(key: tuple[str, ...]) -> str:
    """Stable, unambiguous string id of an identity tuple (parts percent-encoded)."""
    return ":".join(quote(part, safe="") for part in key)


def _achievement_url(achievement: Achievement) -> str | None:
    if achievement.criteria_url:
        return achievement.criteria_url
    if achievement.id and achievement.id.startswith(("https://", "http://")):
        return achievement.id
    return None


def _aware(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC so they compare with aware ones."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _aware_or_none(value: datetime | None) -> datetime | None:
    return _aware(value) if value is not None else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
