"""The skills map exactly as ``build_map`` computed it before it became incremental (the test oracle).

A verbatim copy of the original single-pass algorithm (wallet/skills/map.py at the
time ``SkillIndex`` was introduced).  Tests compare ``SkillIndex`` against it on
hand-made and random wallets, so the incremental engine cannot drift from the
documented rules without a test failing.  Not used by the application.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import chain
from types import MappingProxyType

from wallet.model import Achievement, Credential
from wallet.skills.extract import (
    MACRO,
    Embedded,
    Link,
    Normaliser,
    SkillRef,
    achievement_kind,
    achievement_refs,
    assessment_of,
    association_links,
    clr_achievements,
    clr_embedded,
    credential_kind,
    has_clr_parts,
    is_clr,
    related_links,
    skill_refs,
    unique,
)
from wallet.skills.map import (
    _EPOCH,
    FRESH,
    FRESHNESS_WEIGHT,
    OTHER_GROUP,
    STALE,
    UNKNOWN_YEAR,
    UNVERIFIED,
    CredentialInfo,
    HeatCell,
    Proof,
    Skill,
    SkillGroup,
    SkillInput,
    SkillMap,
    _achievement_url,
    _aware,
    _aware_or_none,
    _key_string,
    freshness_of,
)
from wallet.skills.stacks import AchievementNode


@dataclass(frozen=True, slots=True)
class _Facts:
    """What one credential (or one credential embedded in a CLR) contributes."""

    record_id: str
    badge: str
    issuer: str
    issuer_url: str | None
    achievement_id: str | None
    achievement_name: str | None
    achievement_url: str | None
    date: datetime | None
    freshness: str
    reason: str
    kind: str
    assessment: str | None
    credits: float | None
    refs: tuple[SkillRef, ...]
    embedded: bool = False


def reference_build_map(records: Sequence[SkillInput], *, now: datetime) -> SkillMap:
    """Build the skills map of ``records`` as of ``now`` (time is a parameter, never read here)."""
    now = _aware(now)
    norm = Normaliser()
    facts = [_record_facts(r, now, norm) for r in records]
    links: dict[tuple[str, str, str], Link] = {}
    catalog: list[tuple[Achievement, _Facts]] = []
    embedded: list[tuple[Embedded, SkillInput, _Facts]] = []
    for record, fact in zip(records, facts, strict=True):
        doc = record.credential.document
        rid = record.record_id
        for link in related_links(rid, _own_achievement(record.credential)):
            links.setdefault((link.source, link.target, link.relation.casefold()), link)
        if doc and has_clr_parts(doc):
            for link in association_links(rid, doc):
                links.setdefault((link.source, link.target, link.relation.casefold()), link)
            catalog.extend((a, fact) for a in clr_achievements(doc))
            embedded.extend((e, record, fact) for e in clr_embedded(doc))
    facts += list(_embedded_facts(embedded, records, facts, now, norm))  # list first: it reads `facts`
    wholes = _whole_ids(links.values())
    facts = [replace(f, kind=MACRO) if f.achievement_id in wholes else f for f in facts]
    skills, final_keys = _build_skills(facts)
    return SkillMap(
        generated=now,
        skills=skills,
        groups=_groups(skills),
        year_heat=_heat(skills, lambda p: str(p.date.year) if p.date else UNKNOWN_YEAR),
        issuer_heat=_heat(skills, lambda p: p.issuer),
        credentials=_credential_infos(facts, final_keys),
        achievements=_nodes(facts, catalog, links.values(), norm),
        links=tuple(sorted(links.values(), key=lambda lk: (lk.source, lk.target, lk.relation))),
        index=MappingProxyType({s.key: s for s in skills}),
    )


def _own_achievement(cred: Credential) -> Achievement:
    """The achievement a record was awarded; none for a CLR.

    A ClrSubject lists achievements rather than holding one, and parsers put
    the first listed one in ``Credential.achievement``; a listing is not an
    award, so a CLR proves skills only through its embedded credentials.
    """
    return Achievement(id=None, name=None) if is_clr(cred) else cred.achievement


def _record_facts(record: SkillInput, now: datetime, norm: Normaliser) -> _Facts:
    cred = record.credential
    freshness, reason = freshness_of(record.verdict, cred.valid_until, now)
    achievement = _own_achievement(cred)
    return _Facts(
        record_id=record.record_id,
        badge=cred.display_name,
        issuer=cred.issuer_name,
        issuer_url=cred.issuer.url,
        achievement_id=achievement.id,
        achievement_name=achievement.name,
        achievement_url=_achievement_url(achievement),
        date=_aware_or_none(cred.issued or cred.valid_from),
        freshness=freshness,
        reason=reason,
        kind=credential_kind(cred),
        assessment=assessment_of(cred),
        credits=achievement.credits_available,
        refs=() if is_clr(cred) else skill_refs(cred, norm),
    )


def _embedded_facts(
    embedded: list[tuple[Embedded, SkillInput, _Facts]],
    records: Sequence[SkillInput],
    facts: list[_Facts],
    now: datetime,
    norm: Normaliser,
) -> Iterable[_Facts]:
    """Facts for credentials inside a CLR that were not imported as records of their own.

    The importer normally stores each embedded credential as its own record;
    when it did (same credential id or same achievement id), this adds nothing,
    so nothing is counted twice.
    """
    held_ids = {f.achievement_id for f in facts if f.achievement_id}
    held_credentials = {r.credential.id for r in records if r.credential.id}
    for item, record, parent in embedded:
        achievement = item.achievement
        if (item.credential_id and item.credential_id in held_credentials) or (
            achievement.id and achievement.id in held_ids
        ):
            continue
        if achievement.id:
            held_ids.add(achievement.id)
        freshness, reason = freshness_of(record.verdict, item.valid_until, now)
        refs: dict[tuple[str, ...], SkillRef] = {}
        for ref in achievement_refs(achievement, norm):
            refs.setdefault(ref.key, ref)
        yield _Facts(
            record_id=record.record_id,
            badge=achievement.name or achievement.id or parent.badge,
            issuer=(item.issuer.name or item.issuer.id if item.issuer else None) or parent.issuer,
            issuer_url=(item.issuer.url if item.issuer else None) or parent.issuer_url,
            achievement_id=achievement.id,
            achievement_name=achievement.name,
            achievement_url=_achievement_url(achievement),
            date=_aware_or_none(item.issued) or parent.date,
            freshness=freshness,
            reason=reason,
            kind=achievement_kind(achievement),
            assessment=None,
            credits=achievement.credits_available,
            refs=tuple(refs.values()),
            embedded=True,
        )


def _whole_ids(links: Iterable[Link]) -> set[str]:
    """Achievement ids that other achievements are parts or children of (CLR structure → macro)."""
    wholes: set[str] = set()
    for link in links:
        rel = link.relation.casefold()
        if rel in ("ischildof", "ispartof"):
            wholes.add(link.target)
        elif rel == "isparentof":
            wholes.add(link.source)
    return wholes


class _SkillAcc:
    """Mutable accumulator for one skill identity while the map is being built."""

    __slots__ = ("code", "frameworks", "names", "norms", "proofs", "url")

    def __init__(self) -> None:
        self.names: Counter[str] = Counter()  # as written
        self.norms: dict[str, str] = {}  # as written -> normalised
        self.frameworks: Counter[str] = Counter()  # normalised framework names
        self.code: str | None = None
        self.url: str | None = None
        self.proofs: dict[tuple[str, str], Proof] = {}

    def add(self, ref: SkillRef, proof: Proof) -> None:
        self.names[ref.name] += 1
        self.norms.setdefault(ref.name, ref.norm)
        if ref.framework:
            self.frameworks[ref.framework_norm] += 1
        self.code = self.code or ref.code
        self.url = self.url or ref.url
        self.proofs.setdefault((proof.record_id, proof.achievement_id or proof.badge), proof)

    def absorb(self, other: _SkillAcc) -> None:
        self.names.update(other.names)
        for written, folded in other.norms.items():
            self.norms.setdefault(written, folded)
        self.frameworks.update(other.frameworks)
        self.url = self.url or other.url
        for k, p in other.proofs.items():
            self.proofs.setdefault(k, p)


def _build_skills(facts: Sequence[_Facts]) -> tuple[tuple[Skill, ...], dict[tuple[str, ...], str]]:
    accs: dict[tuple[str, ...], _SkillAcc] = {}
    spellings: dict[str, Counter[str]] = defaultdict(Counter)  # framework norm -> as written, input order
    for fact in facts:
        proofs: dict[str, Proof] = {}  # one Proof per source, shared by the fact's skills
        for ref in fact.refs:
            acc = accs.get(ref.key)
            if acc is None:
                acc = accs[ref.key] = _SkillAcc()
            proof = proofs.get(ref.source)
            if proof is None:
                proof = proofs[ref.source] = _proof(fact, ref)
            acc.add(ref, proof)
            if ref.framework:
                spellings[ref.framework_norm][ref.framework] += 1
    redirect = _attach_names_to_codes(accs)
    display = {n: c.most_common(1)[0][0] for n, c in spellings.items()}
    skills = sorted(
        (_skill(key, acc, display) for key, acc in accs.items()),
        key=lambda s: (s.group == OTHER_GROUP, s.group.casefold(), min(s.names), s.key),
    )
    final = {key: _key_string(redirect.get(key, key)) for key in chain(accs, redirect)}
    return tuple(skills), final


def _attach_names_to_codes(accs: dict[tuple[str, ...], _SkillAcc]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Fold each name-only skill into the one coded skill of the same name, if exactly one exists."""
    coded_by_name: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for key, acc in accs.items():
        if key[0] == "code":
            for n in set(acc.norms.values()):
                coded_by_name[n].append(key)
    redirect: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key in [k for k in accs if k[0] == "name"]:
        owners = coded_by_name.get(key[1], [])
        if len(owners) == 1:
            accs[owners[0]].absorb(accs.pop(key))
            redirect[key] = owners[0]
    return redirect


def _proof(fact: _Facts, ref: SkillRef) -> Proof:
    return Proof(
        record_id=fact.record_id,
        badge=fact.badge,
        issuer=fact.issuer,
        achievement_id=fact.achievement_id,
        date=fact.date,
        freshness=fact.freshness,
        reason=fact.reason,
        kind=fact.kind,
        source=ref.source,
        assessment=fact.assessment,
        credits=fact.credits,
    )


def _skill(key: tuple[str, ...], acc: _SkillAcc, framework_display: dict[str, str]) -> Skill:
    name = acc.names.most_common(1)[0][0]  # most common; ties go to the first seen
    display_norms = {acc.norms[name]}
    aliases = []
    for alias in acc.names:
        alias_norm = acc.norms[alias]
        if alias_norm not in display_norms:
            display_norms.add(alias_norm)
            aliases.append(alias)
    framework_norm = _framework_norm(key, acc)
    framework = framework_display.get(framework_norm) if framework_norm else None
    proofs = tuple(sorted(acc.proofs.values(), key=_proof_order))
    dates = [p.date for p in proofs if p.date]
    counts = Counter(p.freshness for p in proofs)
    return Skill(
        key=_key_string(key),
        name=name,
        aliases=tuple(aliases),
        framework=framework,
        code=acc.code if key[0] == "code" else None,
        url=acc.url,
        group=framework or OTHER_GROUP,
        proofs=proofs,
        names=frozenset(acc.norms.values()),
        framework_norm=framework_norm,
        code_norm=key[2] if key[0] == "code" else "",
        issuers=tuple(sorted({p.issuer for p in proofs}, key=str.casefold)),
        first=min(dates) if dates else None,
        latest=max(dates) if dates else None,
        assessed=any(p.assessment for p in proofs),
        fresh=counts[FRESH],
        unverified=counts[UNVERIFIED],
        stale=counts[STALE],
    )


def _framework_norm(key: tuple[str, ...], acc: _SkillAcc) -> str:
    """The key's framework for coded skills, else the one most often named with the skill."""
    if key[0] == "code":
        return key[1]
    return acc.frameworks.most_common(1)[0][0] if acc.frameworks else ""


def _proof_order(p: Proof) -> tuple[bool, datetime, str]:
    return (p.date is None, p.date or _EPOCH, p.record_id)


def _groups(skills: Sequence[Skill]) -> tuple[SkillGroup, ...]:
    """Skills by framework (display name: the wallet's most common spelling), "Other" last."""
    members: dict[str, list[str]] = defaultdict(list)
    for s in skills:
        members[s.group].append(s.key)
    order = sorted(members, key=lambda g: (g == OTHER_GROUP, g.casefold(), g))
    return tuple(SkillGroup(g, tuple(members[g])) for g in order)


def _heat(skills: Sequence[Skill], column: Callable[[Proof], str]) -> tuple[HeatCell, ...]:
    cells: dict[tuple[str, str], list[Proof]] = defaultdict(list)
    for s in skills:
        for p in s.proofs:
            cells[(s.key, column(p))].append(p)
    return tuple(
        HeatCell(
            skill_key=k[0],
            column=k[1],
            count=len(ps),
            fresh=sum(1 for p in ps if p.freshness == FRESH),
            stale=sum(1 for p in ps if p.freshness == STALE),
            weight=sum(FRESHNESS_WEIGHT[p.freshness] for p in ps),
        )
        for k, ps in sorted(cells.items())
    )


def _credential_infos(facts: Sequence[_Facts], final_keys: dict[tuple[str, ...], str]) -> tuple[CredentialInfo, ...]:
    infos = [
        CredentialInfo(
            record_id=f.record_id,
            name=f.badge,
            issuer=f.issuer,
            achievement_id=f.achievement_id,
            kind=f.kind,
            freshness=f.freshness,
            reason=f.reason,
            date=f.date,
            skill_keys=unique(final_keys[r.key] for r in f.refs),
        )
        for f in facts
        if not f.embedded
    ]
    return tuple(sorted(infos, key=lambda c: c.record_id))


class _NodeAcc:
    __slots__ = ("date", "held_by", "id", "issuer", "issuer_url", "name", "skills", "url")

    def __init__(self, node_id: str) -> None:
        self.id = node_id
        self.name: str | None = None
        self.held_by: list[str] = []
        self.issuer: str | None = None
        self.issuer_url: str | None = None
        self.url: str | None = None
        self.date: datetime | None = None
        self.skills: tuple[SkillRef, ...] = ()

    def freeze(self) -> AchievementNode:
        return AchievementNode(
            id=self.id,
            name=self.name,
            held_by=unique(self.held_by),
            issuer=self.issuer,
            issuer_url=self.issuer_url,
            url=self.url or (self.id if self.id.startswith(("https://", "http://")) else None),
            date=self.date,
            skills=self.skills,
        )


def _nodes(
    facts: Sequence[_Facts], catalog: Sequence[tuple[Achievement, _Facts]], links: Iterable[Link], norm: Normaliser
) -> tuple[AchievementNode, ...]:
    """Every achievement id known: held ones first-hand, then CLR listings, then bare link ends."""
    nodes: dict[str, _NodeAcc] = {}

    def node(node_id: str) -> _NodeAcc:
        found = nodes.get(node_id)
        if found is None:
            found = nodes[node_id] = _NodeAcc(node_id)
        return found

    for f in facts:
        if f.achievement_id:
            n = node(f.achievement_id)
            n.held_by.append(f.record_id)
            n.name = n.name or f.achievement_name or f.badge
            n.issuer, n.issuer_url = n.issuer or f.issuer, n.issuer_url or f.issuer_url
            n.url = n.url or f.achievement_url
            n.date = f.date if n.date is None or (f.date and f.date < n.date) else n.date
            n.skills = n.skills or f.refs
    for achievement, named_by in catalog:
        if achievement.id:
            n = node(achievement.id)
            creator = achievement.creator
            n.name = n.name or achievement.name
            n.issuer = n.issuer or (creator.name if creator else None) or named_by.issuer
            n.issuer_url = n.issuer_url or (creator.url if creator else None) or named_by.issuer_url
            n.url = n.url or _achievement_url(achievement)
            n.skills = n.skills or tuple(achievement_refs(achievement, norm))
    by_record = {f.record_id: f for f in facts if not f.embedded}
    for link in links:
        sayer = by_record.get(link.record_id)
        for end, name in ((link.source, None), (link.target, link.target_name)):
            n = node(end)
            n.name = n.name or name
            if sayer and not n.issuer:
                n.issuer, n.issuer_url = sayer.issuer, sayer.issuer_url
    return tuple(nodes[k].freeze() for k in sorted(nodes))
