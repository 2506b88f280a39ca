"""The skills map kept up to date one record at a time (``SkillIndex``); ``build_map`` is a fresh one.

Why: the desktop app shows the map of a wallet that changes one badge at a
time (an import, a re-verification, a removal).  Rebuilding the whole map
costs a pass over every credential; here each record's extracted facts are
cached under its record id, and a change re-extracts only that record and
then recomputes only the aggregates it lands in: the skills its references
name (and the skills a name-only skill joins or leaves), the achievement
nodes it holds or links to, its row in ``credentials``.

The result is, by construction and by test, exactly ``build_map`` over the
same records in the same order (``SkillIndex.inputs()``): every tie-break of
the one-pass algorithm ("first seen", "most common, ties to the first") is
reproduced from *positions* instead of from iteration order.  Positions:

* a record gets a sequence number when it is first added (an update keeps
  it, so a re-verified badge keeps its place); its own fact sits at
  ``seq * _SLOT``, its links and CLR listings at ``seq * _SLOT + j``;
* facts of credentials embedded in a CLR (and not stored on their own) come
  after every record's fact, as in the one-pass build: ``_EMBEDDED + seq * _SLOT + j``.

A ``SkillIndex`` is not thread-safe; the app uses it from one worker at a time.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import chain
from operator import attrgetter, itemgetter
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

_SLOT = 1 << 20  # positions per record (links, listings, embedded credentials)
_EMBEDDED = 1 << 62  # embedded facts come after every record's own fact
_MEMO_LIMIT = 200_000  # names memoised before the normaliser starts afresh

Key = tuple[str, ...]  # a skill identity (extract.SkillRef.key)
LinkKey = tuple[str, str, str]  # (source, target, relation casefolded): one link however often it is said

_NAME = attrgetter("name")
_FRESHNESS = attrgetter("freshness")
_ISSUER = attrgetter("issuer")
_DATE = attrgetter("date")
_ASSESSMENT = attrgetter("assessment")
_FIRST = itemgetter(0)


# --------------------------------------------------------------------------- per-record facts


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


_NO_ACHIEVEMENT = Achievement(id=None, name=None)


def _own_achievement(cred: Credential, clr: bool) -> Achievement:
    """The achievement a record was awarded; none for a CLR.

    A ClrSubject lists achievements rather than holding one, and parsers put
    the first listed one in ``Credential.achievement``; a listing is not an
    award, so a CLR proves skills only through its embedded credentials.
    """
    return _NO_ACHIEVEMENT if clr else cred.achievement


def _record_facts(record: SkillInput, now: datetime, norm: Normaliser) -> _Facts:
    cred = record.credential
    clr = is_clr(cred)
    freshness, reason = freshness_of(record.verdict, cred.valid_until, now)
    achievement = _own_achievement(cred, clr)
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
        kind=MACRO if clr else credential_kind(cred),
        assessment=assessment_of(cred),
        credits=achievement.credits_available,
        refs=() if clr else skill_refs(cred, norm),
    )


def _embedded_fact(item: Embedded, record: SkillInput, parent: _Facts, now: datetime, norm: Normaliser) -> _Facts:
    """A credential inside a CLR, proving skills under the CLR's record id and verdict."""
    achievement = item.achievement
    freshness, reason = freshness_of(record.verdict, item.valid_until, now)
    refs: dict[Key, SkillRef] = {}
    for ref in achievement_refs(achievement, norm):
        refs.setdefault(ref.key, ref)
    return _Facts(
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


def _proof(fact: _Facts, source: str) -> Proof:
    return Proof(
        record_id=fact.record_id,
        badge=fact.badge,
        issuer=fact.issuer,
        achievement_id=fact.achievement_id,
        date=fact.date,
        freshness=fact.freshness,
        reason=fact.reason,
        kind=fact.kind,
        source=source,
        assessment=fact.assessment,
        credits=fact.credits,
    )


class _Entry:
    """One record and everything extracted from it (the cache a change replaces)."""

    __slots__ = ("catalog", "embedded", "embedded_facts", "fact", "links", "record", "seq")

    def __init__(self, record: SkillInput, seq: int, now: datetime, norm: Normaliser) -> None:
        self.record = record
        self.seq = seq
        self.fact = _record_facts(record, now, norm)
        cred = record.credential
        doc = cred.document
        links = list(related_links(record.record_id, _own_achievement(cred, is_clr(cred))))
        self.catalog: tuple[Achievement, ...] = ()
        self.embedded: tuple[Embedded, ...] = ()
        if doc and has_clr_parts(doc):
            links += association_links(record.record_id, doc)
            self.catalog = tuple(clr_achievements(doc))
            self.embedded = tuple(clr_embedded(doc))
        self.links = tuple(links)
        self.embedded_facts: dict[int, _Facts] = {}  # made on first need: usually every one is stored on its own

    def embedded_fact(self, j: int, now: datetime, norm: Normaliser) -> _Facts:
        found = self.embedded_facts.get(j)
        if found is None:
            found = self.embedded_facts[j] = _embedded_fact(self.embedded[j], self.record, self.fact, now, norm)
        return found


class _Row:
    """One fact in the map (a record's own or an embedded one), with what the aggregates read precomputed."""

    __slots__ = ("dkey", "fact", "order", "proofs", "raw", "year")

    def __init__(self, raw: _Facts, fact: _Facts) -> None:
        self.raw = raw  # as extracted
        self.fact = fact  # with the whole/part rule applied (kind)
        self.dkey = (fact.record_id, fact.achievement_id or fact.badge)  # one proof per badge and skill
        self.order = (fact.date is None, fact.date or _EPOCH, fact.record_id)  # proof order within a skill
        self.year = str(fact.date.year) if fact.date else UNKNOWN_YEAR
        proofs: dict[str, Proof] = {}
        for ref in fact.refs:
            if ref.source not in proofs:
                proofs[ref.source] = _proof(fact, ref.source)
        self.proofs = proofs


# --------------------------------------------------------------------------- the index


class SkillIndex:
    """A skills map that follows a changing set of records; ``map()`` equals ``build_map(inputs())``.

    ``update`` adds or replaces records (by record id), ``remove`` drops them,
    ``set_now`` moves the clock (badges past ``validUntil`` turn stale).  Each
    call costs about the size of what changed, not of the wallet.
    """

    def __init__(self, records: Iterable[SkillInput] = (), *, now: datetime) -> None:
        self._now = _aware(now)
        self._norm = Normaliser()
        self._next_seq = 0
        self._entries: dict[int, _Entry] = {}
        self._by_id: dict[str, int] = {}
        self._rows: dict[int, _Row] = {}
        # skills: raw identity -> position -> (index of the ref in its fact, ref)
        self._raws: dict[Key, dict[int, tuple[int, SkillRef]]] = {}
        self._norms_of: dict[Key, frozenset[str]] = {}  # coded identity -> its normalised names
        self._coded_by_name: dict[str, set[Key]] = {}
        self._redirect: dict[Key, Key] = {}  # name-only identity -> the one coded skill it joins
        self._absorbed: dict[Key, set[Key]] = {}  # coded identity -> name-only identities joined to it
        self._spellings: dict[str, dict[str, list[tuple[int, int]]]] = {}  # framework -> as written -> positions
        self._display: dict[str, str] = {}  # framework (normalised) -> the wallet's most common spelling
        self._skills: dict[Key, Skill] = {}
        self._cells: dict[Key, tuple[tuple[HeatCell, ...], tuple[HeatCell, ...]]] = {}
        self._skill_order: dict[Key, tuple[bool, str, str, str]] = {}
        self._key_strings: dict[Key, str] = {}
        # links between achievements
        self._link_candidates: dict[LinkKey, dict[int, Link]] = {}
        self._links: dict[LinkKey, tuple[int, Link]] = {}  # the first saying of each link wins
        self._link_order: list[tuple[str, str, str, LinkKey]] = []
        self._wholes: Counter[str] = Counter()
        # achievement nodes
        self._node_rows: dict[str, set[int]] = {}
        self._node_catalog: dict[str, dict[int, tuple[Achievement, int]]] = {}
        self._node_links: dict[str, set[LinkKey]] = {}
        self._nodes: dict[str, AchievementNode] = {}
        self._node_order: list[str] = []
        # credentials
        self._infos: dict[int, CredentialInfo] = {}
        self._info_order: list[tuple[str, int]] = []
        # CLR-embedded credentials
        self._held_achievements: Counter[str] = Counter()
        self._held_credentials: Counter[str] = Counter()
        self._clrs: set[int] = set()
        self._embedded: dict[int, _Facts] = {}
        self._map: SkillMap | None = None
        self._apply([], [self._extract(r, self._new_seq()) for r in records])

    # ------------------------------------------------------------------ public

    @property
    def now(self) -> datetime:
        return self._now

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._by_id

    def record(self, record_id: str) -> SkillInput | None:
        seq = self._by_id.get(record_id)
        return self._entries[seq].record if seq is not None else None

    def record_ids(self) -> list[str]:
        return [self._entries[s].record.record_id for s in sorted(self._entries)]

    def inputs(self) -> list[SkillInput]:
        """The records in the order ``build_map`` must see them to give ``map()``."""
        return [self._entries[s].record for s in sorted(self._entries)]

    def update(self, records: Iterable[SkillInput]) -> bool:
        """Add new records and replace changed ones (same record id); True if anything changed.

        A record whose credential and verdict are unchanged costs nothing.
        """
        latest = {r.record_id: r for r in records}
        removed: list[int] = []
        added: list[_Entry] = []
        for record_id, record in latest.items():
            seq = self._by_id.get(record_id)
            if seq is None:
                added.append(self._extract(record, self._new_seq()))
                continue
            old = self._entries[seq].record
            same = old.credential is record.credential or old.credential == record.credential
            if same and old.verdict == record.verdict:
                continue
            removed.append(seq)
            added.append(self._extract(record, seq))
        if removed or added:
            self._apply(removed, added)
        return bool(removed or added)

    def remove(self, record_ids: Iterable[str]) -> bool:
        """Drop records by id (unknown ids are ignored); True if anything changed."""
        seqs = [self._by_id[r] for r in dict.fromkeys(record_ids) if r in self._by_id]
        if seqs:
            self._apply(seqs, [])
        return bool(seqs)

    def set_now(self, now: datetime) -> None:
        """Move the clock: records whose ``validUntil`` falls between then and now change freshness."""
        now = _aware(now)
        if now == self._now:
            return
        self._now = now
        self._map = None
        moved = []
        for entry in self._entries.values():
            valid_until = entry.record.credential.valid_until
            if valid_until is not None and freshness_of(entry.record.verdict, valid_until, now) != (
                entry.fact.freshness,
                entry.fact.reason,
            ):
                moved.append(entry.seq)
        for seq in self._clrs:
            self._entries[seq].embedded_facts.clear()
        added = [self._extract(self._entries[s].record, s) for s in moved]
        self._apply(moved, added, refresh_embedded=True)

    def map(self) -> SkillMap:
        """The current map (cached until the next change)."""
        if self._map is None:
            self._map = self._assemble()
        return self._map

    # ------------------------------------------------------------------ extraction

    def _new_seq(self) -> int:
        self._next_seq += 1
        return self._next_seq

    def _extract(self, record: SkillInput, seq: int) -> _Entry:
        if len(self._norm.refs) > _MEMO_LIMIT:
            self._norm = Normaliser()
        return _Entry(record, seq, self._now, self._norm)

    # ------------------------------------------------------------------ applying a change

    def _apply(self, removed: Sequence[int], added: Sequence[_Entry], *, refresh_embedded: bool = False) -> None:
        self._map = None
        dirty_nodes: set[str] = set()
        touched_links: set[LinkKey] = set()
        wanted: dict[int, _Facts | None] = {}  # position -> fact it should hold (None: none)
        infos: set[int] = set()

        for seq in removed:
            entry = self._entries.pop(seq)
            record = entry.record
            if self._by_id.get(record.record_id) == seq:
                del self._by_id[record.record_id]
            _discount(self._held_achievements, entry.fact.achievement_id)
            _discount(self._held_credentials, record.credential.id)
            self._clrs.discard(seq)
            for j, link in enumerate(entry.links):
                key = (link.source, link.target, link.relation.casefold())
                candidates = self._link_candidates[key]
                del candidates[seq * _SLOT + j]
                if not candidates:
                    del self._link_candidates[key]
                touched_links.add(key)
            for j, achievement in enumerate(entry.catalog):
                if achievement.id:
                    listed = self._node_catalog[achievement.id]
                    del listed[seq * _SLOT + j]
                    if not listed:
                        del self._node_catalog[achievement.id]
                    dirty_nodes.add(achievement.id)
            wanted[seq * _SLOT] = None
            infos.add(seq)
        for entry in added:
            seq = entry.seq
            record = entry.record
            self._entries[seq] = entry
            self._by_id[record.record_id] = seq
            if entry.fact.achievement_id:
                self._held_achievements[entry.fact.achievement_id] += 1
            if record.credential.id:
                self._held_credentials[record.credential.id] += 1
            if entry.embedded:
                self._clrs.add(seq)
            for j, link in enumerate(entry.links):
                key = (link.source, link.target, link.relation.casefold())
                self._link_candidates.setdefault(key, {})[seq * _SLOT + j] = link
                touched_links.add(key)
            for j, achievement in enumerate(entry.catalog):
                if achievement.id:
                    self._node_catalog.setdefault(achievement.id, {})[seq * _SLOT + j] = (achievement, seq)
                    dirty_nodes.add(achievement.id)
            wanted[seq * _SLOT] = entry.fact
            infos.add(seq)
        flipped = self._update_links(touched_links, dirty_nodes)
        if self._clrs or self._embedded or refresh_embedded:
            embedded = self._embedded_facts()
            for pos in self._embedded.keys() - embedded.keys():
                wanted[pos] = None
            for pos, fact in embedded.items():
                if self._embedded.get(pos) is not fact:
                    wanted[pos] = fact
            self._embedded = embedded
        for achievement_id in flipped:  # the whole/part rule changed for these: re-read their kind
            for pos in self._node_rows.get(achievement_id, ()):
                wanted.setdefault(pos, self._rows[pos].raw)
        dirty_raws: set[Key] = set()
        frameworks: set[str] = set()
        for pos, raw in wanted.items():
            self._set_row(pos, raw, dirty_raws, dirty_nodes, frameworks, infos)
        dirty_skills = self._update_redirects(dirty_raws, infos)
        self._update_display(frameworks, dirty_skills)
        for skill_key in dirty_skills:
            self._rebuild_skill(skill_key)
        for seq in infos:
            self._rebuild_info(seq)
        for node_id in dirty_nodes:
            self._rebuild_node(node_id)

    def _set_row(
        self,
        pos: int,
        raw: _Facts | None,
        dirty_raws: set[Key],
        dirty_nodes: set[str],
        frameworks: set[str],
        infos: set[int],
    ) -> None:
        old = self._rows.get(pos)
        fact = raw
        if raw is not None and raw.achievement_id and self._wholes[raw.achievement_id] > 0 and raw.kind != MACRO:
            fact = replace(raw, kind=MACRO)
        if old is not None:
            if raw is not None and fact is not None and (old.fact is fact or old.fact == fact):
                old.raw = raw  # same content, newer extraction
                return
            self._drop_row(pos, old, dirty_raws, dirty_nodes, frameworks)
        if pos < _EMBEDDED:
            infos.add(pos // _SLOT)
        if raw is None or fact is None:
            return
        self._rows[pos] = _Row(raw, fact)
        for i, ref in enumerate(fact.refs):
            contribs = self._raws.get(ref.key)
            if contribs is None:
                contribs = self._raws[ref.key] = {}
            contribs[pos] = (i, ref)
            dirty_raws.add(ref.key)
            if ref.framework:
                spelled = self._spellings.setdefault(ref.framework_norm, {}).setdefault(ref.framework, [])
                if not spelled or spelled[-1] < (pos, i):
                    spelled.append((pos, i))
                else:
                    bisect.insort(spelled, (pos, i))
                frameworks.add(ref.framework_norm)
        if fact.achievement_id:
            self._node_rows.setdefault(fact.achievement_id, set()).add(pos)
            dirty_nodes.add(fact.achievement_id)

    def _drop_row(self, pos: int, old: _Row, dirty_raws: set[Key], dirty_nodes: set[str], frameworks: set[str]) -> None:
        del self._rows[pos]
        for i, ref in enumerate(old.fact.refs):
            contribs = self._raws[ref.key]
            del contribs[pos]
            if not contribs:
                del self._raws[ref.key]
            dirty_raws.add(ref.key)
            if ref.framework:
                by_spelling = self._spellings[ref.framework_norm]
                spelled = by_spelling[ref.framework]
                del spelled[bisect.bisect_left(spelled, (pos, i))]
                if not spelled:
                    del by_spelling[ref.framework]
                    if not by_spelling:
                        del self._spellings[ref.framework_norm]
                frameworks.add(ref.framework_norm)
        achievement_id = old.fact.achievement_id
        if achievement_id:
            held = self._node_rows[achievement_id]
            held.discard(pos)
            if not held:
                del self._node_rows[achievement_id]
            dirty_nodes.add(achievement_id)

    def _embedded_facts(self) -> dict[int, _Facts]:
        """Facts of CLR-embedded credentials not stored on their own (same rules as the one-pass build)."""
        out: dict[int, _Facts] = {}
        seen: set[str] = set()  # achievement ids taken by an earlier embedded credential
        for seq in sorted(self._clrs):
            entry = self._entries[seq]
            for j, item in enumerate(entry.embedded):
                achievement_id = item.achievement.id
                if (item.credential_id and self._held_credentials[item.credential_id] > 0) or (
                    achievement_id and (self._held_achievements[achievement_id] > 0 or achievement_id in seen)
                ):
                    continue
                if achievement_id:
                    seen.add(achievement_id)
                out[_EMBEDDED + seq * _SLOT + j] = entry.embedded_fact(j, self._now, self._norm)
        return out

    # ------------------------------------------------------------------ links

    def _update_links(self, touched: set[LinkKey], dirty_nodes: set[str]) -> set[str]:
        """Re-pick the first saying of each touched link; returns ids whose whole/part status flipped."""
        flipped: set[str] = set()
        for key in touched:
            candidates = self._link_candidates.get(key)
            new = None
            if candidates:
                first = min(candidates)
                new = (first, candidates[first])
            old = self._links.get(key)
            for said in (old, new):
                if said is not None:
                    dirty_nodes.add(said[1].source)
                    dirty_nodes.add(said[1].target)
            if old == new:
                continue
            if old is not None:
                link = old[1]
                entry = (link.source, link.target, link.relation, key)
                del self._link_order[bisect.bisect_left(self._link_order, entry)]
                for end in (link.source, link.target):
                    self._node_links[end].discard(key)
                    if not self._node_links[end]:
                        del self._node_links[end]
            if new is not None:
                link = new[1]
                self._links[key] = new
                bisect.insort(self._link_order, (link.source, link.target, link.relation, key))
                for end in (link.source, link.target):
                    self._node_links.setdefault(end, set()).add(key)
            else:
                del self._links[key]
            if (old is None) != (new is None):
                whole = _whole_of(key)
                if whole:
                    before = self._wholes[whole] > 0
                    self._wholes[whole] += 1 if new is not None else -1
                    if self._wholes[whole] <= 0:
                        del self._wholes[whole]
                    if before != (self._wholes[whole] > 0):
                        flipped.add(whole)
        return flipped

    # ------------------------------------------------------------------ skills

    def _update_redirects(self, dirty_raws: set[Key], infos: set[int]) -> set[Key]:
        """Name-only skills join the one coded skill of the same name; returns the skills to rebuild."""
        dirty: set[Key] = set()
        check: set[Key] = set()
        for key in dirty_raws:
            if key[0] != "code":
                check.add(key)
                continue
            dirty.add(key)
            contribs = self._raws.get(key)
            new = frozenset(ref.norm for _, ref in contribs.values()) if contribs else frozenset()
            old = self._norms_of.get(key, frozenset())
            if new == old:
                continue
            for name in old - new:
                owners = self._coded_by_name[name]
                owners.discard(key)
                if not owners:
                    del self._coded_by_name[name]
                check.add(("name", name))
            for name in new - old:
                self._coded_by_name.setdefault(name, set()).add(key)
                check.add(("name", name))
            if new:
                self._norms_of[key] = new
            else:
                del self._norms_of[key]
        for key in check:
            old_owner = self._redirect.get(key)
            coded = self._coded_by_name.get(key[1])
            new_owner = next(iter(coded)) if coded and len(coded) == 1 and key in self._raws else None
            if old_owner != new_owner:
                if old_owner is not None:
                    del self._redirect[key]
                    self._absorbed[old_owner].discard(key)
                    if not self._absorbed[old_owner]:
                        del self._absorbed[old_owner]
                if new_owner is not None:
                    self._redirect[key] = new_owner
                    self._absorbed.setdefault(new_owner, set()).add(key)
                for pos in self._raws.get(key, ()):  # these records now name another skill
                    if pos < _EMBEDDED:
                        infos.add(pos // _SLOT)
            dirty.add(key)
            if old_owner is not None:
                dirty.add(old_owner)
            if new_owner is not None:
                dirty.add(new_owner)
        return dirty

    def _update_display(self, frameworks: set[str], dirty: set[Key]) -> None:
        """The display spelling of a framework is its most common one, ties to the first seen."""
        changed = set()
        for framework in frameworks:
            spellings = self._spellings.get(framework)
            if not spellings:
                self._display.pop(framework, None)
                continue
            best = min(spellings.items(), key=lambda kv: (-len(kv[1]), kv[1][0]))[0]
            if self._display.get(framework) != best:
                self._display[framework] = best
                changed.add(framework)
        if changed:
            dirty.update(k for k, s in self._skills.items() if s.framework_norm in changed)

    def _key_string(self, key: Key) -> str:
        found = self._key_strings.get(key)
        if found is None:
            found = self._key_strings[key] = _key_string(key)
        return found

    def _final_string(self, key: Key) -> str:
        return self._key_string(self._redirect.get(key, key))

    def _rebuild_skill(self, key: Key) -> None:
        if key not in self._raws or key in self._redirect:
            if self._skills.pop(key, None) is not None:
                del self._cells[key]
                del self._skill_order[key]
            return
        members = [key]
        if key[0] == "code" and key in self._absorbed:
            members += sorted(self._absorbed[key], key=lambda k: min((p, i) for p, (i, _) in self._raws[k].items()))
        skill, cells = self._make_skill(key, members)
        self._skills[key] = skill
        self._cells[key] = cells
        self._skill_order[key] = (skill.group == OTHER_GROUP, skill.group.casefold(), min(skill.names), skill.key)

    def _make_skill(
        self, key: Key, members: list[Key]
    ) -> tuple[Skill, tuple[tuple[HeatCell, ...], tuple[HeatCell, ...]]]:
        """One skill from its references, in the one-pass build's order: the skill's own, then joined names."""
        rows = self._rows
        refs: list[SkillRef] = []
        facts: list[_Row] = []
        for member in members:
            contribs = self._raws[member]
            for pos in sorted(contribs):
                refs.append(contribs[pos][1])
                facts.append(rows[pos])
        own = len(self._raws[key])
        names = Counter(map(_NAME, refs))
        norms = {r.name: r.norm for r in refs}
        proofs = [row.proofs[ref.source] for row, ref in zip(facts, refs, strict=True)]
        dkeys = [row.dkey for row in facts]
        if len(set(dkeys)) != len(dkeys):  # a badge named the skill twice (code and tag): first one counts
            kept: dict[tuple[str, str], int] = {}
            for i, dkey in enumerate(dkeys):
                kept.setdefault(dkey, i)
            index = sorted(kept.values())
            proofs = [proofs[i] for i in index]
            facts = [facts[i] for i in index]
        permutation = sorted(range(len(facts)), key=[row.order for row in facts].__getitem__)
        ordered = [proofs[i] for i in permutation]
        name = names.most_common(1)[0][0]
        display_norms = {norms[name]}
        aliases = []
        for alias in names:
            alias_norm = norms[alias]
            if alias_norm not in display_norms:
                display_norms.add(alias_norm)
                aliases.append(alias)
        if key[0] == "code":
            framework_norm = key[1]
            code = next((r.code for r in refs[:own] if r.code), None)
        else:
            counted = Counter(r.framework_norm for r in refs if r.framework)
            framework_norm = counted.most_common(1)[0][0] if counted else ""
            code = None
        framework = self._display.get(framework_norm) if framework_norm else None
        dates = [d for d in map(_DATE, ordered) if d]
        counts = Counter(map(_FRESHNESS, ordered))
        key_string = self._key_string(key)
        skill = Skill(
            key=key_string,
            name=name,
            aliases=tuple(aliases),
            framework=framework,
            code=code,
            url=next((r.url for r in refs if r.url), None),
            group=framework or OTHER_GROUP,
            proofs=tuple(ordered),
            names=frozenset(norms.values()),
            framework_norm=framework_norm,
            code_norm=key[2] if key[0] == "code" else "",
            issuers=tuple(sorted(set(map(_ISSUER, ordered)), key=str.casefold)),
            first=min(dates) if dates else None,
            latest=max(dates) if dates else None,
            assessed=any(map(_ASSESSMENT, ordered)),
            fresh=counts[FRESH],
            unverified=counts[UNVERIFIED],
            stale=counts[STALE],
        )
        freshness = list(map(_FRESHNESS, proofs))
        years = _cells(key_string, [row.year for row in facts], freshness)
        issuers = _cells(key_string, list(map(_ISSUER, proofs)), freshness)
        return skill, (years, issuers)

    # ------------------------------------------------------------------ credentials and nodes

    def _rebuild_info(self, seq: int) -> None:
        old = self._infos.pop(seq, None)
        if old is not None:
            del self._info_order[bisect.bisect_left(self._info_order, (old.record_id, seq))]
        row = self._rows.get(seq * _SLOT)
        if row is None:
            return
        f = row.fact
        self._infos[seq] = CredentialInfo(
            record_id=f.record_id,
            name=f.badge,
            issuer=f.issuer,
            achievement_id=f.achievement_id,
            kind=f.kind,
            freshness=f.freshness,
            reason=f.reason,
            date=f.date,
            skill_keys=unique(self._final_string(r.key) for r in f.refs),
        )
        entry = (f.record_id, seq)
        if not self._info_order or self._info_order[-1] < entry:
            self._info_order.append(entry)
        else:
            bisect.insort(self._info_order, entry)

    def _rebuild_node(self, node_id: str) -> None:
        node = self._make_node(node_id)
        if node is None:
            if self._nodes.pop(node_id, None) is not None:
                del self._node_order[bisect.bisect_left(self._node_order, node_id)]
            return
        if node_id not in self._nodes:
            if not self._node_order or self._node_order[-1] < node_id:
                self._node_order.append(node_id)
            else:
                bisect.insort(self._node_order, node_id)
        self._nodes[node_id] = node

    def _make_node(self, node_id: str) -> AchievementNode | None:
        """Held ones first-hand, then CLR listings, then link ends: the one-pass build's order."""
        held = self._node_rows.get(node_id)
        listed = self._node_catalog.get(node_id)
        linked = self._node_links.get(node_id)
        if not held and not listed and not linked:
            return None
        name: str | None = None
        issuer: str | None = None
        issuer_url: str | None = None
        url: str | None = None
        date: datetime | None = None
        held_by: list[str] = []
        skills: tuple[SkillRef, ...] = ()
        for pos in sorted(held or ()):
            f = self._rows[pos].fact
            held_by.append(f.record_id)
            name = name or f.achievement_name or f.badge
            issuer, issuer_url = issuer or f.issuer, issuer_url or f.issuer_url
            url = url or f.achievement_url
            date = f.date if date is None or (f.date and f.date < date) else date
            skills = skills or f.refs
        for pos in sorted(listed or ()):
            achievement, seq = listed[pos]  # type: ignore[index]
            named_by = self._rows[seq * _SLOT].fact
            creator = achievement.creator
            name = name or achievement.name
            issuer = issuer or (creator.name if creator else None) or named_by.issuer
            issuer_url = issuer_url or (creator.url if creator else None) or named_by.issuer_url
            url = url or _achievement_url(achievement)
            skills = skills or tuple(achievement_refs(achievement, self._norm))
        for _, link in sorted((self._links[k] for k in linked or ()), key=_FIRST):
            sayer_seq = self._by_id.get(link.record_id)
            sayer = self._rows[sayer_seq * _SLOT].fact if sayer_seq is not None else None
            if link.target == node_id:
                name = name or link.target_name
            if sayer and not issuer:
                issuer, issuer_url = sayer.issuer, sayer.issuer_url
        return AchievementNode(
            id=node_id,
            name=name,
            held_by=unique(held_by),
            issuer=issuer,
            issuer_url=issuer_url,
            url=url or (node_id if node_id.startswith(("https://", "http://")) else None),
            date=date,
            skills=skills,
        )

    # ------------------------------------------------------------------ the map

    def _assemble(self) -> SkillMap:
        order = sorted(self._skills, key=self._skill_order.__getitem__)
        skills = tuple(self._skills[k] for k in order)
        by_string = sorted(self._skills, key=self._key_string)
        cells = [self._cells[k] for k in by_string]
        return SkillMap(
            generated=self._now,
            skills=skills,
            groups=_groups(skills),
            year_heat=tuple(chain.from_iterable(c[0] for c in cells)),
            issuer_heat=tuple(chain.from_iterable(c[1] for c in cells)),
            credentials=tuple(self._infos[s] for _, s in self._info_order),
            achievements=tuple(self._nodes[i] for i in self._node_order),
            links=tuple(self._links[k][1] for *_, k in self._link_order),
            index=MappingProxyType({s.key: s for s in skills}),
        )


def _discount(counter: Counter[str], key: str | None) -> None:
    """One fewer ``key``; gone at zero, so the counter stays as small as what is held."""
    if key:
        counter[key] -= 1
        if counter[key] <= 0:
            del counter[key]


def _whole_of(key: LinkKey) -> str | None:
    """The achievement a link makes a whole (CLR structure → macro), if any."""
    source, target, relation = key
    if relation in ("ischildof", "ispartof"):
        return target
    if relation == "isparentof":
        return source
    return None


def _cells(skill_key: str, columns: list[str], freshness: list[str]) -> tuple[HeatCell, ...]:
    """Heat cells of one skill: proofs counted per column, fresh and stale apart, weighted by freshness."""
    totals: dict[str, list[float]] = {}
    for (column, fresh), n in Counter(zip(columns, freshness, strict=True)).items():
        cell = totals.get(column)
        if cell is None:
            cell = totals[column] = [0, 0, 0, 0.0]
        cell[0] += n
        if fresh == FRESH:
            cell[1] += n
        elif fresh == STALE:
            cell[2] += n
        cell[3] += FRESHNESS_WEIGHT[fresh] * n
    return tuple(
        HeatCell(skill_key=skill_key, column=c, count=int(t[0]), fresh=int(t[1]), stale=int(t[2]), weight=t[3])
        for c, t in sorted(totals.items())
    )


def _groups(skills: Sequence[Skill]) -> tuple[SkillGroup, ...]:
    """Skills by framework (display name: the wallet's most common spelling), "Other" last."""
    members: dict[str, list[str]] = defaultdict(list)
    for s in skills:
        members[s.group].append(s.key)
    order = sorted(members, key=lambda g: (g == OTHER_GROUP, g.casefold(), g))
    return tuple(SkillGroup(g, tuple(members[g])) for g in order)
