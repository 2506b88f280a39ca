"""Targets (a role, a job posting, a pathway) and the gap report against a skills map.

Matching is explainable: every match records one of three reasons, tried in
this order, and nothing else ever matches:

* ``"same framework code"`` — target and skill name the same code in the same
  (normalised) framework;
* ``"same name"`` — the normalised target name equals one of the skill's
  normalised names (its display name or an alias);
* ``"listed synonym"`` — a synonym the target lists equals one of them.

A name or synonym never matches a skill that has a *different* code in the
*same* framework as the target (two codes are two skills).  Across frameworks
a shared name does match, and says so ("same name").

Pasted free text (a job posting) has no skill list of its own.  A skill is
found in it only when one of the names the wallet already knows — from the
skills map, or from achievements the credentials name but the earner does not
hold — occurs in the text as a whole phrase: case-insensitive, after the same
Unicode folding as names, and not inside a longer word (``Java`` is not found
in ``JavaScript``; ``C++`` is found in ``C++,``).  One exception: names
shorter than three characters (``IT``, ``R``, ``Go``) must also match the case
a badge spells them with, or every "it" in a posting would prove "IT".  Skills
the text asks for that no credential names cannot be recognised, and the
report says so.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wallet.errors import FormatError, LimitExceeded
from wallet.model import Credential
from wallet.skills.extract import (
    SOURCE_ALIGNMENT,
    Normaliser,
    SkillRef,
    achievement_refs,
    clr_achievements,
    clr_embedded,
    normalise_code,
    normalise_name,
    ref_from_alignment,
)
from wallet.skills.map import FRESHNESS_ORDER, STALE, Proof, Skill, SkillMap
from wallet.skills.stacks import AchievementNode, compute_earn_next

MODE_LIST = "list"
MODE_TEXT = "text"
MODE_JSON = "json"
MODE_CREDENTIAL = "credential"

PROVEN = "proven"
STALE_ONLY = "stale"
MISSING = "missing"
STATUS_ORDER = (PROVEN, STALE_ONLY, MISSING)

REASON_CODE = "same framework code"
REASON_NAME = "same name"
REASON_SYNONYM = "listed synonym"

MAX_TARGET_CHARS = 1_000_000
# A pasted line is read as a list item only if it is this short and does not
# end like a sentence; otherwise the whole paste is read as free text.
MAX_LIST_ITEM_WORDS = 6
MAX_LIST_ITEM_CHARS = 60
GAP_SCHEMA = "badgewallet.skills-gap/1"

_BULLET = re.compile(r"^\s*(?:[-*•·▪◦‣+]+|\(?\d{1,3}[.)])\s+")
_TEXT_NOTE = (
    "Read as free text: a skill counts only when one of its known names occurs as a whole phrase "
    "(case-insensitive; names under three letters must match case). "
    "Skills that none of your credentials name cannot be recognised in the text."
)


@dataclass(frozen=True, slots=True)
class TargetSkill:
    name: str
    framework: str | None = None
    code: str | None = None
    synonyms: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "framework": self.framework, "code": self.code, "synonyms": list(self.synonyms)}


@dataclass(frozen=True, slots=True)
class Target:
    """What the earner is aiming at; ``mode`` says how the input was read (MODE_*)."""

    name: str
    skills: tuple[TargetSkill, ...]
    mode: str
    text: str | None = field(default=None, repr=False)  # the pasted text in MODE_TEXT


@dataclass(frozen=True, slots=True)
class Match:
    """Why a target skill was taken to be a map skill."""

    skill_key: str
    skill_name: str
    reason: str  # REASON_*
    matched: str  # the code, name or synonym that matched
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "skill": self.skill_key,
            "name": self.skill_name,
            "reason": self.reason,
            "matched": self.matched,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An achievement the earner does not hold that would prove the skill."""

    achievement_id: str
    name: str
    url: str | None
    issuer: str | None
    issuer_url: str | None
    reason: str  # REASON_*: how its alignment matched the target skill
    via: tuple[str, ...]  # names of held badges that point to it

    def to_dict(self) -> dict[str, Any]:
        return {
            "achievement_id": self.achievement_id,
            "name": self.name,
            "url": self.url,
            "issuer": self.issuer,
            "issuer_url": self.issuer_url,
            "reason": self.reason,
            "via": sorted(self.via),
        }


@dataclass(frozen=True, slots=True)
class GapItem:
    skill: TargetSkill
    status: str  # PROVEN | STALE_ONLY | MISSING
    matches: tuple[Match, ...]
    proofs: tuple[Proof, ...]
    suggestions: tuple[Suggestion, ...]

    @property
    def assessed(self) -> bool:
        return any(p.assessment for p in self.proofs if p.freshness != STALE)

    @property
    def freshness(self) -> str | None:
        found = {p.freshness for p in self.proofs}
        return next((f for f in FRESHNESS_ORDER if f in found), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "skill": self.skill.to_dict(),
            "status": self.status,
            "freshness": self.freshness,
            "assessed": self.assessed,
            "matches": [m.to_dict() for m in self.matches],
            "badges": [p.to_dict() for p in self.proofs],
            "suggestions": [s.to_dict() for s in self.suggestions],
        }


@dataclass(frozen=True, slots=True)
class GapReport:
    target: Target
    generated: datetime
    items: tuple[GapItem, ...]
    notes: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for i in self.items if i.status == s) for s in STATUS_ORDER}

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": GAP_SCHEMA,
            "generated": self.generated.isoformat(),
            "target": {"name": self.target.name, "mode": self.target.mode, "skills": len(self.items)},
            "counts": self.counts(),
            "items": [i.to_dict() for i in self.items],
            "notes": list(self.notes),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)


# --------------------------------------------------------------------------- targets


def parse_target(text: str, *, mode: str | None = None, name: str | None = None) -> Target:
    """Read a role file (JSON), a list of skills, or pasted free text.

    ``mode`` forces MODE_LIST or MODE_TEXT; by default JSON is recognised by
    its leading ``{`` / ``[``, and a paste is a list when every line (or
    comma-separated part) is short and not a sentence, otherwise free text.
    """
    if len(text) > MAX_TARGET_CHARS:
        raise LimitExceeded(f"The target text is over the limit of {MAX_TARGET_CHARS:,} characters.")
    stripped = text.strip()
    if not stripped:
        raise FormatError("The target is empty: paste a job posting, a list of skills or a role file.")
    if mode is None and (stripped[0] == "{" or (stripped[0] == "[" and _is_json(stripped))):
        return _target_from_json(stripped, name)
    items = _list_items(stripped) if mode in (None, MODE_LIST) else None
    if mode == MODE_LIST and items is None:
        items = [" ".join(p.split()) for p in re.split(r"[\n,;]", stripped) if p.strip()]
    if items:
        return Target(name or "Target skills", tuple(TargetSkill(i) for i in items), MODE_LIST)
    return Target(name or "Pasted text", (), MODE_TEXT, text=text)


def _list_items(text: str) -> list[str] | None:
    """The items of a plain list, or None when the text reads like prose."""
    items: dict[str, str] = {}
    for line in text.splitlines():
        for part in re.split(r"[,;]", _BULLET.sub("", line)):
            item = " ".join(part.split())
            if not item:
                continue
            if len(item) > MAX_LIST_ITEM_CHARS or len(item.split()) > MAX_LIST_ITEM_WORDS or item[-1] in ".!?:":
                return None
            items.setdefault(normalise_name(item), item)
    return [v for k, v in items.items() if k] or None


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _target_from_json(text: str, name: str | None) -> Target:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FormatError("The role file is not valid JSON.", detail=str(exc)) from exc
    if isinstance(data, list):
        data = {"skills": data}
    if not isinstance(data, dict) or not isinstance(data.get("skills"), list):
        raise FormatError('A role file must be a JSON object with a "skills" list.')
    skills = tuple(_json_skill(i, raw) for i, raw in enumerate(data["skills"], start=1))
    if not skills:
        raise FormatError("The role file lists no skills.")
    return Target(name or _text(data.get("name")) or "Target role", skills, MODE_JSON)


def _json_skill(position: int, raw: Any) -> TargetSkill:
    if isinstance(raw, str) and raw.strip():
        return TargetSkill(" ".join(raw.split()))
    if not isinstance(raw, dict):
        raise FormatError(f"Skill {position} in the role file is neither a name nor an object.")
    code = raw.get("code")
    code_text = str(code).strip() if isinstance(code, str | int) and not isinstance(code, bool) else None
    skill_name = _text(raw.get("name")) or code_text
    if not skill_name:
        raise FormatError(f"Skill {position} in the role file has no name or code.")
    synonyms = raw.get("synonyms", [])
    if isinstance(synonyms, str):
        synonyms = [synonyms]
    if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
        raise FormatError(f'Skill {position} ("{skill_name}") has "synonyms" that are not a list of names.')
    return TargetSkill(
        name=skill_name,
        framework=_text(raw.get("framework")),
        code=code_text or None,
        synonyms=tuple(t for t in (_text(s) for s in synonyms) if t),
    )


def target_from_credential(credential: Credential) -> Target:
    """The skills a pathway or framework credential names (its alignments, and a CLR's achievements').

    Alignments are used because they carry framework codes; a credential
    with none falls back to its tags and other named skills.
    """
    norm = Normaliser()
    doc = credential.document
    achievements = [credential.achievement, *clr_achievements(doc), *(e.achievement for e in clr_embedded(doc))]
    refs: dict[tuple[str, ...], SkillRef] = {}
    for achievement in achievements:
        for alignment in achievement.alignments:
            ref = ref_from_alignment(alignment, SOURCE_ALIGNMENT, norm)
            if ref:
                refs.setdefault(ref.key, ref)
    if not refs:
        for achievement in achievements:
            for ref in achievement_refs(achievement, norm):
                refs.setdefault(ref.key, ref)
    skills = tuple(TargetSkill(r.name, r.framework, r.code) for r in refs.values())
    return Target(credential.display_name, skills, MODE_CREDENTIAL)


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class _Query:
    """A target skill in comparison form."""

    framework: str
    code: str
    code_label: str
    names: tuple[tuple[str, str, str], ...]  # (normalised, as written, reason)

    @classmethod
    def of(cls, skill: TargetSkill) -> _Query:
        framework = normalise_name(skill.framework) if skill.framework else ""
        code = normalise_code(skill.code) if skill.code else ""
        names = [(normalise_name(skill.name), skill.name, REASON_NAME)]
        names += [(normalise_name(s), s, REASON_SYNONYM) for s in skill.synonyms]
        label = " ".join(x for x in (skill.framework, skill.code) if x)
        return cls(framework, code, label, tuple(n for n in names if n[0]))

    def reason(self, framework: str, code: str, names: Iterable[str]) -> tuple[str, str] | None:
        """(reason, matched) against one skill's framework, code and normalised names."""
        if self.framework and self.code and framework == self.framework and code == self.code:
            return REASON_CODE, self.code_label
        if self.framework and self.code and code and framework == self.framework:
            return None  # a different code in the same framework is a different skill
        name_set = set(names)
        return next(((reason, written) for folded, written, reason in self.names if folded in name_set), None)


class _Index:
    """Map skills by code and by name, so a target of n skills costs O(n), not O(n × skills)."""

    def __init__(self, skill_map: SkillMap) -> None:
        self.by_code: dict[tuple[str, str], list[Skill]] = defaultdict(list)
        self.by_name: dict[str, list[Skill]] = defaultdict(list)
        for s in skill_map.skills:
            if s.code_norm and s.framework_norm:
                self.by_code[(s.framework_norm, s.code_norm)].append(s)
            for n in s.names:
                self.by_name[n].append(s)

    def candidates(self, query: _Query) -> list[Skill]:
        found = list(self.by_code.get((query.framework, query.code), ()))
        for folded, _, _ in query.names:
            found += self.by_name.get(folded, ())
        return list({s.key: s for s in found}.values())


def gap_report(skill_map: SkillMap, target: Target) -> GapReport:
    """Each target skill as proven, stale or missing, with the matches and badges behind it."""
    if target.mode == MODE_TEXT:
        return _text_gap_report(skill_map, target)
    index = _Index(skill_map)
    unheld = _unheld(skill_map)
    items = []
    for skill in target.skills:
        query = _Query.of(skill)
        matches = []
        for candidate in index.candidates(query):
            why = query.reason(candidate.framework_norm, candidate.code_norm, candidate.names)
            if why:
                matches.append(Match(candidate.key, candidate.name, why[0], why[1]))
        items.append(_item(skill_map, skill, matches, _suggest(query, unheld)))
    return GapReport(target, skill_map.generated, tuple(items), _notes(target))


def _item(
    skill_map: SkillMap, skill: TargetSkill, matches: Sequence[Match], suggestions: Sequence[Suggestion]
) -> GapItem:
    """Proven if any matched badge is fresh or unverified; stale if all are stale; else missing."""
    proofs: dict[tuple[str, str], Proof] = {}
    for m in matches:
        for p in skill_map.index[m.skill_key].proofs:
            proofs.setdefault((p.record_id, p.achievement_id or p.badge), p)
    ordered = sorted(proofs.values(), key=_proof_rank)
    status = PROVEN if any(p.freshness != STALE for p in ordered) else STALE_ONLY if ordered else MISSING
    return GapItem(skill, status, tuple(matches), tuple(ordered), tuple(suggestions) if status != PROVEN else ())


def _proof_rank(p: Proof) -> tuple[int, str, str]:
    return FRESHNESS_ORDER.index(p.freshness), p.badge.casefold(), p.record_id


def _unheld(skill_map: SkillMap) -> list[tuple[AchievementNode, tuple[str, ...]]]:
    """Achievements named but not held that say which skills they align to, with who points to them."""
    via = {e.achievement_id: e.via_names for e in compute_earn_next(skill_map.achievements, skill_map.links)}
    return [(n, via.get(n.id, ())) for n in skill_map.achievements if not n.held and n.skills]


def _suggest(query: _Query, unheld: Sequence[tuple[AchievementNode, tuple[str, ...]]]) -> list[Suggestion]:
    found = []
    for node, via in unheld:
        reasons = [query.reason(r.framework_norm, r.code_norm, (r.norm,)) for r in node.skills]
        best = min((r[0] for r in reasons if r), key=[REASON_CODE, REASON_NAME, REASON_SYNONYM].index, default=None)
        if best:
            found.append(Suggestion(node.id, node.display_name, node.url, node.issuer, node.issuer_url, best, via))
    return sorted(found, key=lambda s: (-len(s.via), s.name.casefold(), s.achievement_id))


# --------------------------------------------------------------------------- free text


def _text_gap_report(skill_map: SkillMap, target: Target) -> GapReport:
    text = normalise_code(target.text or "")
    cased = _collapse_only(target.text or "")
    unheld = _unheld(skill_map)
    items = []
    seen_names: set[str] = set()
    for s in skill_map.skills:
        hits = sorted(n for n in s.names if _occurs(n, text) and _short_name_ok(n, (s.name, *s.aliases), cased))
        if hits:
            seen_names.update(hits)
            wanted = TargetSkill(s.name, s.framework, s.code)
            match = Match(s.key, s.name, REASON_NAME, hits[0], "found in the pasted text")
            items.append(_item(skill_map, wanted, [match], _suggest(_Query.of(wanted), unheld)))
    items += _missing_from_text(unheld, text, cased, seen_names)
    items.sort(key=lambda i: (STATUS_ORDER.index(i.status), i.skill.name.casefold(), i.skill.code or ""))
    return GapReport(target, skill_map.generated, tuple(items), _notes(target))


def _missing_from_text(
    unheld: Sequence[tuple[AchievementNode, tuple[str, ...]]], text: str, raw: str, seen: set[str]
) -> list[GapItem]:
    """Skills only unheld achievements name, found in the text: missing, with those achievements."""
    wanted: dict[tuple[str, ...], SkillRef] = {}
    for node, _ in unheld:
        for ref in node.skills:
            if (
                ref.norm
                and ref.norm not in seen
                and _occurs(ref.norm, text)
                and _short_name_ok(ref.norm, (ref.name,), raw)
            ):
                wanted.setdefault(ref.key, ref)
    items = []
    for ref in wanted.values():
        skill = TargetSkill(ref.name, ref.framework, ref.code)
        items.append(GapItem(skill, MISSING, (), (), tuple(_suggest(_Query.of(skill), unheld))))
    return items


def _short_name_ok(folded: str, spellings: Iterable[str], cased_text: str) -> bool:
    """Names under three characters must also occur as a badge spells them (case-sensitive)."""
    if len(folded) >= 3:
        return True
    return any(_occurs(w, cased_text) for w in (_collapse_only(x) for x in spellings) if normalise_name(w) == folded)


def _collapse_only(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _occurs(phrase: str, text: str) -> bool:
    """Whole-phrase, word-boundary test on already-folded strings."""
    if not phrase or phrase not in text:
        return False
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"(?!\w)"
    return re.search(pattern, text) is not None


def _notes(target: Target) -> tuple[str, ...]:
    if target.mode == MODE_TEXT:
        return (_TEXT_NOTE,)
    if target.mode == MODE_LIST:
        return (f"Read as a list of {len(target.skills)} skills; each is matched by name only.",)
    if target.mode == MODE_CREDENTIAL:
        return (f"Skills named by the credential {target.name!r}.",)
    return ()


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


# --------------------------------------------------------------------------- text output


def render_gap_text(report: GapReport) -> str:
    """The human output of a gap report for the CLI."""
    counts = report.counts()
    lines = [
        f"Target: {report.target.name} - {counts[PROVEN]} proven, {counts[STALE_ONLY]} stale, {counts[MISSING]} missing"
    ]
    for item in report.items:
        code = " ".join(x for x in (item.skill.framework, item.skill.code) if x)
        lines.append(f"  [{item.status}] {item.skill.name}{f' ({code})' if code else ''}")
        for m in item.matches:
            lines.append(f"      matched {m.skill_name!r}: {m.reason} ({m.matched})")
        for p in item.proofs:
            extra = ", ".join(x for x in (p.issuer, p.date.date().isoformat() if p.date else None, p.reason) if x)
            lines.append(f"      {p.freshness}: {p.badge} ({extra}){f' - {p.assessment}' if p.assessment else ''}")
        for s in item.suggestions:
            where = " ".join(x for x in (s.issuer, s.url or s.issuer_url) if x)
            lines.append(f"      earn: {s.name}{f' - {where}' if where else ''} [{s.reason}]")
    lines += [f"Note: {n}" for n in report.notes]
    return "\n".join(lines) + "\n"
