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

Speed comes from doing per-skill work as whole-list passes (``Counter``,
``sorted``, ``itemgetter``) over contributions gathered once, from sharing
reference tuples between equal achievements (``Normaliser``), and from
sorting ordered outputs once when many records change at a time.

A ``SkillIndex`` is not thread-safe; the app uses it from one worker at a time.
"""

from __future__ import annotations

import bisect
import gc
from collections import _count_elements, defaultdict  # type: ignore[attr-defined]  # Counter's C helper
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import chain
from operator import attrgetter, itemgetter
from types import MappingProxyType
from typing import Any, NamedTuple

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
_MEMO_LIMIT = 200_000  # memo entries before the normaliser starts afresh
_BULK = 256  # from this many changes on, ordered lists are re-sorted instead of patched
_MICROSECOND = timedelta(microseconds=1)
_DATE_OFFSET = 10**17  # keeps microseconds since 1970 positive back to year 1
_REFS = 1 << 24  # positions per fact for its skill references (spelling tie-breaks)
_FRESH_CODE = {FRESH: "f", UNVERIFIED: "u", STALE: "s"}
_CODE_FRESH = {v: k for k, v in _FRESH_CODE.items()}

Key = tuple[str, ...]  # a skill identity (extract.SkillRef.key)
LinkKey = tuple[str, str, str]  # (source, target, relation casefolded): one link however often it is said

_NAME = attrgetter("name")
_NORM = attrgetter("norm")
_FRESHNESS = attrgetter("freshness")
_ISSUER = attrgetter("issuer")
_URL = attrgetter("url")
_ASSESSMENT = attrgetter("assessment")
_FACT = attrgetter("fact")
_RECORD_ID = attrgetter("record_id")
_ORDER = attrgetter("order")
_HEAT_YEAR = attrgetter("heat_year")
_HEAT_ISSUER = attrgetter("heat_issuer")


# --------------------------------------------------------------------------- per-record facts


class _Facts(NamedTuple):
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
_KINDS: dict[str | None, str] = {}  # achievementType as written -> micro/macro (a handful of values)


def _kind(achievement_type: str | None) -> str:
    found = _KINDS.get(achievement_type)
    if found is None:
        found = achievement_kind(Achievement(id=None, name=None, achievement_type=achievement_type))
        if len(_KINDS) < 1024:  # bounded: the values are the issuer's, not ours
            _KINDS[achievement_type] = found
    return found


_new = tuple.__new__  # NamedTuples built straight from a tuple: their own __new__ is Python code


def _own_achievement(cred: Credential, clr: bool) -> Achievement:
    """The achievement a record was awarded; none for a CLR.

    A ClrSubject lists achievements rather than holding one, and parsers put
    the first listed one in ``Credential.achievement``; a listing is not an
    award, so a CLR proves skills only through its embedded credentials.
    """
    return _NO_ACHIEVEMENT if clr else cred.achievement


def _record_facts(record: SkillInput, now: datetime, norm: Normaliser, clr: bool) -> _Facts:
    cred = record.credential
    verdict = record.verdict
    if verdict == "valid" and cred.valid_until is None:  # most badges: no need to compare dates
        freshness, reason = FRESH, "valid"
    else:
        freshness, reason = freshness_of(verdict, cred.valid_until, now)
    achievement = _own_achievement(cred, clr)
    date = cred.issued or cred.valid_from
    if date is not None and date.tzinfo is None:
        date = _aware(date)
    return _new(
        _Facts,
        (
            record.record_id,
            cred.display_name,
            cred.issuer_name,
            cred.issuer.url,
            achievement.id,
            achievement.name,
            _achievement_url(achievement),
            date,
            freshness,
            reason,
            MACRO if clr else _kind(cred.achievement.achievement_type),
            assessment_of(cred),
            achievement.credits_available,
            () if clr else skill_refs(cred, norm),
            False,
        ),
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


class _Entry:
    """One record and everything extracted from it (the cache a change replaces)."""

    __slots__ = ("catalog", "embedded", "embedded_facts", "fact", "links", "record", "seq")
    fact: _Facts
    links: tuple[Link, ...]
    catalog: tuple[Achievement, ...]  # what a CLR lists (held or not)
    embedded: tuple[Embedded, ...]  # credentials a CLR carries
    embedded_facts: dict[int, _Facts] | None  # made on first need: usually each is stored on its own

    def __init__(
        self, record: SkillInput, seq: int, now: datetime, norm: Normaliser, same_as: _Entry | None = None
    ) -> None:
        self.record = record
        self.seq = seq
        cred = record.credential
        if same_as is not None:  # the same credential, verified again: only the verdict's part changes
            freshness, reason = freshness_of(record.verdict, cred.valid_until, now)
            self.fact = same_as.fact._replace(freshness=freshness, reason=reason)
            self.links, self.catalog, self.embedded = same_as.links, same_as.catalog, same_as.embedded
            self.embedded_facts = None
            return
        clr = is_clr(cred)
        self.fact = _record_facts(record, now, norm, clr)
        doc = cred.document
        own = _own_achievement(cred, clr)
        self.links = tuple(related_links(record.record_id, own)) if own.related else ()
        self.catalog = ()
        self.embedded = ()
        if doc and has_clr_parts(doc):
            self.links += tuple(association_links(record.record_id, doc))
            self.catalog = tuple(clr_achievements(doc))
            self.embedded = tuple(clr_embedded(doc))
        self.embedded_facts = None

    def embedded_fact(self, j: int, now: datetime, norm: Normaliser) -> _Facts:
        made = self.embedded_facts
        if made is None:
            made = self.embedded_facts = {}
        found = made.get(j)
        if found is None:
            found = made[j] = _embedded_fact(self.embedded[j], self.record, self.fact, now, norm)
        return found


class _Raw:
    """One skill identity's mentions: position of the fact -> its ref, and the proof it gives."""

    __slots__ = ("proofs", "refs")

    def __init__(self) -> None:
        self.refs: dict[int, SkillRef] = {}
        self.proofs: dict[int, Proof] = {}


class _Plan(NamedTuple):
    """Where the refs of one (shared) refs tuple go during a cold load: worked out once, replayed per badge."""

    refs: tuple[SkillRef, ...]
    sources: tuple[str, ...]  # one proof per source, in first-mention order
    steps: tuple[tuple[SkillRef, _Raw, int, list[int] | None, int], ...]  # ref, skill, proof index, spellings, i


class _Row:
    """One fact in the map (a record's own or an embedded one), with what the aggregates read precomputed."""

    __slots__ = ("fact", "heat_issuer", "heat_year", "order", "raw")

    def __init__(self, raw: _Facts, fact: _Facts, dates: dict[datetime | None, tuple[str, str]]) -> None:
        self.raw = raw  # as extracted
        self.fact = fact  # with the whole/part rule applied (kind)
        date = fact.date
        record_id = fact.record_id
        prefix = dates.get(date)
        if prefix is None:  # wallets repeat dates: the sortable form and the year are made once per date
            prefix = dates[date] = (
                ("1", UNKNOWN_YEAR)
                if date is None
                else (f"0{(date - _EPOCH) // _MICROSECOND + _DATE_OFFSET:020d}", str(date.year))
            )
        # Composite keys are fixed-width strings, so they stay exact: strings are not tracked by the
        # garbage collector, and 10,000 records' worth of tuples make it run often.
        # (undated last, date, record id) as one string, so sorting proofs compares flat strings
        self.order = prefix[0] + record_id
        code = _FRESH_CODE[fact.freshness]
        self.heat_year = code + prefix[1]
        self.heat_issuer = code + fact.issuer


def _proofs(fact: _Facts) -> dict[str, Proof]:
    """One proof per source the fact names skills from, shared by those skills (held by the skills only)."""
    proofs: dict[str, Proof] = {}
    for ref in fact.refs:
        if ref.source not in proofs:
            proofs[ref.source] = Proof(
                fact.record_id,
                fact.badge,
                fact.issuer,
                fact.achievement_id,
                fact.date,
                fact.freshness,
                fact.reason,
                fact.kind,
                ref.source,
                fact.assessment,
                fact.credits,
            )
    return proofs


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
        # skills: raw identity -> position -> the fact's ref and proof for it
        self._raws: dict[Key, _Raw] = {}
        self._norms_of: dict[Key, frozenset[str]] = {}  # coded identity -> its normalised names
        self._coded_by_name: dict[str, set[Key]] = {}
        self._redirect: dict[Key, Key] = {}  # name-only identity -> the one coded skill it joins
        self._absorbed: dict[Key, set[Key]] = {}  # coded identity -> name-only identities joined to it
        self._spellings: dict[str, dict[str, list[int]]] = {}  # framework -> as written -> ref positions
        self._display: dict[str, str] = {}  # framework (normalised) -> the wallet's most common spelling
        self._skills: dict[Key, Skill] = {}
        self._cells: dict[Key, tuple[tuple[HeatCell, ...], tuple[HeatCell, ...]]] = {}
        self._skill_order: dict[Key, tuple[bool, str, str, str]] = {}
        self._key_strings: dict[Key, str] = {}
        self._final_keys: dict[int, tuple[tuple[SkillRef, ...], tuple[str, ...]]] = {}  # id(refs) -> keys
        self._dates: dict[datetime | None, tuple[str, str]] = {}  # date -> (sortable prefix, heat-map year)
        # links between achievements
        # Maps of positions hold a bare int while there is one (most of them): fewer objects to collect.
        self._link_candidates: dict[LinkKey, int | list[int]] = {}  # positions of every saying
        self._links: dict[LinkKey, Link] = {}  # the first saying of each link wins
        self._link_first: dict[LinkKey, int] = {}  # ... and its position
        self._link_order: list[tuple[str, str, str, LinkKey]] = []
        self._link_tuple: tuple[Link, ...] | None = None  # the map's links, until they change
        self._wholes: dict[str, int] = {}
        # achievement nodes
        self._node_rows: dict[str, int | list[int]] = {}
        self._node_catalog: dict[str, dict[int, tuple[Achievement, int]]] = {}
        self._node_links: dict[str, LinkKey | set[LinkKey]] = {}  # a bare key while there is one
        self._nodes: dict[str, AchievementNode] = {}
        self._node_order: list[str] = []
        # credentials
        self._infos: dict[int, CredentialInfo] = {}
        self._info_order: list[int] = []  # seqs by (record id, seq)
        # CLR-embedded credentials
        self._held_achievements: dict[str, int] = {}
        self._held_credentials: dict[str, int] = {}
        self._clrs: set[int] = set()
        self._embedded: dict[int, _Facts] = {}
        self._map: SkillMap | None = None
        records = list(records)
        with _gc_paused(len(records) >= _BULK):
            now, norm, first = self._now, self._norm, self._next_seq + 1
            self._next_seq += len(records)
            self._apply([], [_Entry(r, seq, now, norm) for seq, r in enumerate(records, start=first)])

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
        with _gc_paused(len(latest) >= _BULK):
            return self._update(latest)

    def _update(self, latest: dict[str, SkillInput]) -> bool:
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
            added.append(self._extract(record, seq, self._entries[seq] if same else None))
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
            self._entries[seq].embedded_facts = None
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

    def _extract(self, record: SkillInput, seq: int, same_as: _Entry | None = None) -> _Entry:
        if len(self._norm) > _MEMO_LIMIT:
            self._norm = Normaliser()
        return _Entry(record, seq, self._now, self._norm, same_as)

    # ------------------------------------------------------------------ applying a change

    def _apply(self, removed: Sequence[int], added: Sequence[_Entry], *, refresh_embedded: bool = False) -> None:
        with _gc_paused(len(removed) + len(added) >= _BULK):
            if not removed and not self._entries:
                self._load(added)
            else:
                self._change(removed, added, refresh_embedded)

    def _load(self, added: Sequence[_Entry]) -> None:
        """Fill an empty index: ``_change`` without the bookkeeping of what changed (everything did).

        Positions only grow here, so every ordered list is appended to, and
        each aggregate is built once at the end.  (An index emptied by
        ``remove`` holds no aggregates either, only memos.)
        """
        self._map = None
        self._link_tuple = None
        entries, by_id, clrs = self._entries, self._by_id, self._clrs
        held_achievements, held_credentials = self._held_achievements, self._held_credentials
        candidates, catalog = self._link_candidates, self._node_catalog
        wanted: dict[int, _Facts | None] = {}
        for entry in added:
            seq = entry.seq
            base = seq * _SLOT
            entries[seq] = entry
            by_id[entry.record.record_id] = seq
            fact = entry.fact
            if fact.achievement_id:
                held_achievements[fact.achievement_id] = held_achievements.get(fact.achievement_id, 0) + 1
            credential_id = entry.record.credential.id
            if credential_id:
                held_credentials[credential_id] = held_credentials.get(credential_id, 0) + 1
            if entry.embedded:
                clrs.add(seq)
            if entry.links:
                for j, link in enumerate(entry.links):
                    key = (link.source, link.target, link.relation.casefold())
                    if key in candidates:
                        _put(candidates, key, base + j)
                    else:
                        candidates[key] = base + j
            if entry.catalog:
                for j, achievement in enumerate(entry.catalog):
                    if achievement.id:
                        catalog.setdefault(achievement.id, {})[base + j] = (achievement, seq)
            wanted[base] = fact
        links, firsts, node_links = self._links, self._link_first, self._node_links
        for key, sayings in candidates.items():
            first = sayings if isinstance(sayings, int) else sayings[0]
            links[key] = entries[first // _SLOT].links[first % _SLOT]
            firsts[key] = first
            for end in (key[0], key[1]):
                if end in node_links:
                    _link_end(node_links, end, key)
                else:
                    node_links[end] = key
            if key[2] in _WHOLE_RELATIONS:
                _count(self._wholes, _whole_of(key))
        self._link_order = sorted((lk.source, lk.target, lk.relation, k) for k, lk in links.items())
        if clrs:
            self._embedded = self._embedded_facts()
            wanted.update(self._embedded)
        self._load_rows(wanted)
        dirty_skills = self._update_redirects(set(self._raws), set())
        self._update_display(set(self._spellings), dirty_skills)
        for skill_key in dirty_skills:
            self._rebuild_skill(skill_key)
        self._rebuild_infos(set(entries))
        self._rebuild_nodes(self._node_rows.keys() | catalog.keys() | node_links.keys())

    def _load_rows(self, wanted: dict[int, _Facts | None]) -> None:
        """``_set_row`` for an empty index, positions ascending.

        Equal achievements share one refs tuple, so where each of its refs
        goes (skill, proof source, framework spelling) is worked out once per
        tuple and replayed for every badge that carries it.
        """
        rows, node_rows, wholes, dates = self._rows, self._node_rows, self._wholes, self._dates
        plans: dict[int, _Plan] = {}
        for pos, raw in wanted.items():
            if raw is None:
                continue
            fact = raw
            achievement_id = raw.achievement_id
            if achievement_id and raw.kind != MACRO and achievement_id in wholes:
                fact = raw._replace(kind=MACRO)
            rows[pos] = _Row(raw, fact, dates)
            refs = fact.refs
            found = plans.get(id(refs))
            plan = found if found is not None and found.refs is refs else self._plan(refs, plans)
            proofs = [
                _new(Proof, (
                    fact.record_id, fact.badge, fact.issuer, fact.achievement_id, fact.date, fact.freshness,
                    fact.reason, fact.kind, source, fact.assessment, fact.credits,
                ))
                for source in plan.sources
            ]  # fmt: skip
            for ref, raw_skill, k, spelled, i in plan.steps:
                raw_skill.refs[pos] = ref
                raw_skill.proofs[pos] = proofs[k]
                if spelled is not None:
                    spelled.append(pos * _REFS + i)
            if achievement_id:
                held = node_rows.get(achievement_id)
                if held is None:
                    node_rows[achievement_id] = pos
                else:
                    _put(node_rows, achievement_id, pos)

    def _plan(self, refs: tuple[SkillRef, ...], plans: dict[int, _Plan]) -> _Plan:
        sources: list[str] = []
        steps = []
        for i, ref in enumerate(refs):
            raw_skill = self._raws.get(ref.key)
            if raw_skill is None:
                raw_skill = self._raws[ref.key] = _Raw()
            spelled = None
            if ref.framework:
                by_spelling = self._spellings.setdefault(ref.framework_norm, {})
                spelled = by_spelling.get(ref.framework)
                if spelled is None:
                    spelled = by_spelling[ref.framework] = []
            if ref.source not in sources:
                sources.append(ref.source)
            steps.append((ref, raw_skill, sources.index(ref.source), spelled, min(i, _REFS - 1)))
        plan = plans[id(refs)] = _Plan(refs, tuple(sources), tuple(steps))
        return plan

    def _change(self, removed: Sequence[int], added: Sequence[_Entry], refresh_embedded: bool) -> None:
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
                _take(self._link_candidates, key, seq * _SLOT + j)
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
            _count(self._held_achievements, entry.fact.achievement_id)
            _count(self._held_credentials, record.credential.id)
            if entry.embedded:
                self._clrs.add(seq)
            for j, link in enumerate(entry.links):
                key = (link.source, link.target, link.relation.casefold())
                _put(self._link_candidates, key, seq * _SLOT + j)
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
        for achievement_id in flipped:  # the whole/part rule changed for these: read their kind again
            for pos in _positions(self._node_rows.get(achievement_id)):
                wanted.setdefault(pos, self._rows[pos].raw)
        dirty_raws: set[Key] = set()
        frameworks: set[str] = set()
        for pos, raw in wanted.items():
            self._set_row(pos, raw, dirty_raws, dirty_nodes, frameworks, infos)
        dirty_skills = self._update_redirects(dirty_raws, infos)
        self._update_display(frameworks, dirty_skills)
        for skill_key in dirty_skills:
            self._rebuild_skill(skill_key)
        self._rebuild_infos(infos)
        self._rebuild_nodes(dirty_nodes)

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
        if raw is not None and raw.achievement_id and raw.kind != MACRO and raw.achievement_id in self._wholes:
            fact = raw._replace(kind=MACRO)
        if old is not None:
            if raw is not None and fact is not None and (old.fact is fact or old.fact == fact):
                old.raw = raw  # same content, newer extraction
                return
            self._drop_row(pos, old, dirty_raws, dirty_nodes, frameworks)
        if pos < _EMBEDDED:
            infos.add(pos // _SLOT)
        if raw is None or fact is None:
            return
        if len(self._dates) > _MEMO_LIMIT:
            self._dates.clear()
        row = _Row(raw, fact, self._dates)
        self._rows[pos] = row
        proofs = _proofs(fact)
        for i, ref in enumerate(fact.refs):
            key = ref.key
            raw_skill = self._raws.get(key)
            if raw_skill is None:
                raw_skill = self._raws[key] = _Raw()
            raw_skill.refs[pos] = ref
            raw_skill.proofs[pos] = proofs[ref.source]
            dirty_raws.add(key)
            if ref.framework:
                by_spelling = self._spellings.get(ref.framework_norm)
                if by_spelling is None:
                    by_spelling = self._spellings[ref.framework_norm] = {}
                spelled = by_spelling.get(ref.framework)
                at = pos * _REFS + min(i, _REFS - 1)
                if spelled is None:
                    by_spelling[ref.framework] = [at]
                elif spelled[-1] < at:
                    spelled.append(at)
                else:
                    bisect.insort(spelled, at)
                frameworks.add(ref.framework_norm)
        achievement_id = fact.achievement_id
        if achievement_id:
            _put(self._node_rows, achievement_id, pos)
            dirty_nodes.add(achievement_id)

    def _drop_row(self, pos: int, old: _Row, dirty_raws: set[Key], dirty_nodes: set[str], frameworks: set[str]) -> None:
        del self._rows[pos]
        for i, ref in enumerate(old.fact.refs):
            raw_skill = self._raws[ref.key]
            del raw_skill.refs[pos]
            del raw_skill.proofs[pos]
            if not raw_skill.refs:
                del self._raws[ref.key]
            dirty_raws.add(ref.key)
            if ref.framework:
                by_spelling = self._spellings[ref.framework_norm]
                spelled = by_spelling[ref.framework]
                del spelled[bisect.bisect_left(spelled, pos * _REFS + min(i, _REFS - 1))]
                if not spelled:
                    del by_spelling[ref.framework]
                    if not by_spelling:
                        del self._spellings[ref.framework_norm]
                frameworks.add(ref.framework_norm)
        achievement_id = old.fact.achievement_id
        if achievement_id:
            _take(self._node_rows, achievement_id, pos)
            dirty_nodes.add(achievement_id)

    def _embedded_facts(self) -> dict[int, _Facts]:
        """Facts of CLR-embedded credentials not stored on their own (same rules as the one-pass build)."""
        out: dict[int, _Facts] = {}
        seen: set[str] = set()  # achievement ids taken by an earlier embedded credential
        for seq in sorted(self._clrs):
            entry = self._entries[seq]
            for j, item in enumerate(entry.embedded):
                achievement_id = item.achievement.id
                if (item.credential_id and item.credential_id in self._held_credentials) or (
                    achievement_id and (achievement_id in self._held_achievements or achievement_id in seen)
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
        bulk = len(touched) >= _BULK
        entries = self._entries
        for key in touched:
            candidates = self._link_candidates.get(key)
            old = self._links.get(key)
            dirty_nodes.add(key[0])
            dirty_nodes.add(key[1])
            if candidates is not None:
                first = candidates if isinstance(candidates, int) else candidates[0]
                new: Link | None = entries[first // _SLOT].links[first % _SLOT]
                if new is old:  # the same saying still wins (a replaced record brings new Link objects)
                    continue
                self._link_first[key] = first
            elif old is None:
                continue
            else:
                new = None
                del self._link_first[key]
            self._link_tuple = None
            if old is not None:
                if not bulk:
                    at = bisect.bisect_left(self._link_order, (old.source, old.target, old.relation, key))
                    del self._link_order[at]
                if new is None:
                    del self._links[key]
                    _unlink_end(self._node_links, key[0], key)
                    _unlink_end(self._node_links, key[1], key)
            if new is not None:
                self._links[key] = new
                if not bulk:
                    bisect.insort(self._link_order, (new.source, new.target, new.relation, key))
                if old is None:
                    _link_end(self._node_links, key[0], key)
                    _link_end(self._node_links, key[1], key)
            if (old is None) != (new is None):
                whole = _whole_of(key)
                if whole:
                    before = whole in self._wholes
                    if new is not None:
                        _count(self._wholes, whole)
                    else:
                        _discount(self._wholes, whole)
                    if before != (whole in self._wholes):
                        flipped.add(whole)
        if bulk:
            self._link_order = sorted((lk.source, lk.target, lk.relation, k) for k, lk in self._links.items())
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
            raw_skill = self._raws.get(key)
            new = frozenset(map(_NORM, raw_skill.refs.values())) if raw_skill else frozenset()
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
                self._final_keys.clear()
                named = self._raws.get(key)
                for pos in named.refs if named else ():  # these records now name another skill
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

    def _rebuild_skill(self, key: Key) -> None:
        if key not in self._raws or key in self._redirect:
            if self._skills.pop(key, None) is not None:
                del self._cells[key]
                del self._skill_order[key]
            return
        skill, cells = self._make_skill(key)
        self._skills[key] = skill
        self._cells[key] = cells
        self._skill_order[key] = (skill.group == OTHER_GROUP, skill.group.casefold(), min(skill.names), skill.key)

    def _ids_shared(self) -> bool:
        """Whether two facts can share a record id (embedded credentials, or duplicate ids given)."""
        return bool(self._embedded) or len(self._by_id) != len(self._entries)

    def _first_mention(self, key: Key) -> tuple[int, int]:
        refs = self._raws[key].refs
        pos = min(refs)
        return pos, self._rows[pos].fact.refs.index(refs[pos])

    def _make_skill(self, key: Key) -> tuple[Skill, tuple[tuple[HeatCell, ...], tuple[HeatCell, ...]]]:
        """One skill from its contributions, in the one-pass build's order: its own, then names it absorbed.

        Every step is a whole-list pass so a skill proven by 10,000 badges costs milliseconds.
        """
        members = [key]
        if key[0] == "code" and key in self._absorbed:
            members += sorted(self._absorbed[key], key=self._first_mention)
        refs: list[SkillRef] = []
        proofs: list[Proof] = []
        positions: list[int] = []
        for member in members:
            raw_skill = self._raws[member]
            at = sorted(raw_skill.refs)
            refs += _pick(raw_skill.refs, at)
            proofs += _pick(raw_skill.proofs, at)
            positions += at
        own = len(self._raws[key].refs)
        rows: list[_Row] = _pick(self._rows, positions)
        if len(members) > 1 or self._ids_shared():
            dkeys = [(f.record_id, f.achievement_id or f.badge) for f in map(_FACT, rows)]  # one proof per badge
            if len(set(dkeys)) != len(dkeys):  # a badge names the skill twice (code and tag): the first counts
                first: dict[tuple[str, str], int] = {}
                for i, dkey in enumerate(dkeys):
                    first.setdefault(dkey, i)
                kept = sorted(first.values())
                proofs = _pick(proofs, kept)
                rows = _pick(rows, kept)
        orders = list(map(_ORDER, rows))
        ordered = _pick(proofs, sorted(range(len(orders)), key=orders.__getitem__))
        names = _tally(map(_NAME, refs))
        norms = {n: self._norm.name(n) for n in names}  # a ref's norm is its name normalised
        name = max(names, key=names.__getitem__)  # most common; ties to the first seen (as Counter.most_common)
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
            counted = _tally(r.framework_norm for r in refs if r.framework)
            framework_norm = max(counted, key=counted.__getitem__) if counted else ""
            code = None
        framework = self._display.get(framework_norm) if framework_norm else None
        by_year = _tally(map(_HEAT_YEAR, rows))
        by_issuer = _tally(map(_HEAT_ISSUER, rows))
        counts = {"f": 0, "u": 0, "s": 0}
        for coded, n in by_year.items():
            counts[coded[0]] += n
        key_string = self._key_string(key)
        skill = Skill(
            key=key_string,
            name=name,
            aliases=tuple(aliases),
            framework=framework,
            code=code,
            url=next(filter(None, map(_URL, refs)), None),
            group=framework or OTHER_GROUP,
            proofs=tuple(ordered),
            names=frozenset(norms.values()),
            framework_norm=framework_norm,
            code_norm=key[2] if key[0] == "code" else "",
            issuers=tuple(sorted({coded[1:] for coded in by_issuer}, key=str.casefold)),
            first=ordered[0].date,
            latest=_latest(ordered),
            assessed=any(map(_ASSESSMENT, ordered)),
            fresh=counts["f"],
            unverified=counts["u"],
            stale=counts["s"],
        )
        years = _cells(key_string, by_year)
        issuers = _cells(key_string, by_issuer)
        return skill, (years, issuers)

    # ------------------------------------------------------------------ credentials and nodes

    def _skill_keys(self, refs: tuple[SkillRef, ...]) -> tuple[str, ...]:
        """Final skill keys of a refs tuple; memoised per tuple (equal achievements share one)."""
        found = self._final_keys.get(id(refs))
        if found is not None and found[0] is refs:
            return found[1]
        redirect = self._redirect
        keys = unique(self._key_string(redirect.get(r.key, r.key)) for r in refs)
        if len(self._final_keys) > 2 * len(self._rows) + 1024:
            self._final_keys.clear()
        self._final_keys[id(refs)] = (refs, keys)
        return keys

    def _rebuild_infos(self, seqs: Iterable[int]) -> None:
        seqs = list(seqs)
        bulk = len(seqs) >= _BULK
        infos = self._infos
        order = self._info_order
        rows = self._rows
        for seq in seqs:
            if seq in infos and not bulk:
                del order[bisect.bisect_left(order, self._info_key(seq), key=self._info_key)]
                del infos[seq]
            else:
                infos.pop(seq, None)
            row = rows.get(seq * _SLOT)
            if row is None:
                continue
            f = row.fact
            infos[seq] = _new(CredentialInfo, (
                f.record_id, f.badge, f.issuer, f.achievement_id, f.kind, f.freshness, f.reason, f.date,
                self._skill_keys(f.refs),
            ))  # fmt: skip
            if not bulk:
                bisect.insort(order, seq, key=self._info_key)
        if bulk:
            self._info_order = [s for _, s in sorted(zip(map(_RECORD_ID, infos.values()), infos, strict=True))]

    def _info_key(self, seq: int) -> tuple[str, int]:
        """Credentials are listed by record id (then input order, for duplicate ids)."""
        return self._infos[seq].record_id, seq

    def _rebuild_nodes(self, node_ids: Iterable[str]) -> None:
        node_ids = list(node_ids)
        bulk = len(node_ids) >= _BULK
        nodes = self._nodes
        rows, node_rows, catalog = self._rows, self._node_rows, self._node_catalog
        for node_id in node_ids:
            held = node_rows.get(node_id)
            if isinstance(held, int) and node_id not in catalog and (bulk or node_id in nodes):
                # the common case, inline: one badge holds it and nothing else is known (see _make_node)
                f = rows[held].fact
                nodes[node_id] = _new(AchievementNode, (
                    node_id, f.achievement_name or f.badge, (f.record_id,), f.issuer, f.issuer_url,
                    f.achievement_url or (node_id if node_id.startswith(_HTTP) else None), f.date, f.refs,
                ))  # fmt: skip
                continue
            node = self._make_node(node_id)
            if node is None:
                if nodes.pop(node_id, None) is not None and not bulk:
                    del self._node_order[bisect.bisect_left(self._node_order, node_id)]
                continue
            if node_id not in nodes and not bulk:
                bisect.insort(self._node_order, node_id)
            nodes[node_id] = node
        if bulk:
            self._node_order = sorted(nodes)

    def _make_node(self, node_id: str) -> AchievementNode | None:
        """Held ones first-hand, then CLR listings, then link ends: the one-pass build's order.

        A held achievement always has a name and an issuer from its badge, so
        links (which only fill those in) are read only for achievements
        nobody holds.
        """
        held = self._node_rows.get(node_id)
        listed = self._node_catalog.get(node_id)
        http_id = node_id if node_id.startswith(_HTTP) else None
        if isinstance(held, int) and not listed:  # the common case: one badge, nothing else known
            f = self._rows[held].fact
            return AchievementNode(
                node_id, f.achievement_name or f.badge, (f.record_id,), f.issuer, f.issuer_url,
                f.achievement_url or http_id, f.date, f.refs,
            )  # fmt: skip
        linked = self._node_links.get(node_id)
        if held is None and not listed and linked is None:
            return None
        name: str | None = None
        issuer: str | None = None
        issuer_url: str | None = None
        url: str | None = None
        date: datetime | None = None
        held_by: list[str] = []
        skills: tuple[SkillRef, ...] = ()
        for pos in _positions(held):
            f = self._rows[pos].fact
            held_by.append(f.record_id)
            name = name or f.achievement_name or f.badge
            issuer, issuer_url = issuer or f.issuer, issuer_url or f.issuer_url
            url = url or f.achievement_url
            date = f.date if date is None or (f.date and f.date < date) else date
            skills = skills or f.refs
        if listed:
            for pos in sorted(listed):
                achievement, seq = listed[pos]
                named_by = self._rows[seq * _SLOT].fact
                creator = achievement.creator
                name = name or achievement.name
                issuer = issuer or (creator.name if creator else None) or named_by.issuer
                issuer_url = issuer_url or (creator.url if creator else None) or named_by.issuer_url
                url = url or _achievement_url(achievement)
                skills = skills or tuple(achievement_refs(achievement, self._norm))
        if linked and (not name or not issuer):
            ends = (linked,) if isinstance(linked, tuple) else linked
            for link in _pick(self._links, sorted(ends, key=self._link_first.__getitem__)):
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
            url=url or http_id,
            date=date,
            skills=skills,
        )

    # ------------------------------------------------------------------ the map

    def _sorted_links(self) -> tuple[Link, ...]:
        if self._link_tuple is None:
            self._link_tuple = tuple(_pick(self._links, [k for *_, k in self._link_order]))
        return self._link_tuple

    def _assemble(self) -> SkillMap:
        skills = tuple(_pick(self._skills, sorted(self._skills, key=self._skill_order.__getitem__)))
        cells = _pick(self._cells, sorted(self._skills, key=self._key_string))
        return SkillMap(
            generated=self._now,
            skills=skills,
            groups=_groups(skills),
            year_heat=tuple(chain.from_iterable(c[0] for c in cells)),
            issuer_heat=tuple(chain.from_iterable(c[1] for c in cells)),
            credentials=tuple(_pick(self._infos, self._info_order)),
            achievements=tuple(_pick(self._nodes, self._node_order)),
            links=self._sorted_links(),
            index=MappingProxyType({s.key: s for s in skills}),
        )


@contextmanager
def _gc_paused(pause: bool) -> Iterator[None]:
    """Hold off the cyclic garbage collector while many records are loaded at once.

    Why: a bulk load allocates a few hundred thousand long-lived objects and
    no reference cycles; CPython's generational collector runs every 700
    allocations and walks the whole (growing) heap each time enough objects
    survive, which measured a fifth of a 10,000-record build for nothing.
    Mercurial's ``util.nogc`` (and ``wallet.store.tables``) do the same for
    the same reason.  The collector's previous state is restored, so a caller
    that disabled it keeps it disabled.

    At the end, what the load built is moved straight to the oldest
    generation (``gc.freeze()`` then ``gc.unfreeze()``: two list splices, no
    traversal).  It lives as long as the index; otherwise the young and
    middle generations would each walk its ~100,000 objects once just to
    learn that, a tenth of the build.  Skipped when anything is frozen
    already, so nobody else's freeze is undone.
    """
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()


def _pick(source: Any, keys: Sequence[Any]) -> list[Any]:
    """``[source[k] for k in keys]`` in one C call."""
    if not keys:
        return []
    if len(keys) == 1:
        return [source[keys[0]]]
    return list(itemgetter(*keys)(source))


def _latest(ordered: Sequence[Proof]) -> datetime | None:
    """``max`` of the proofs' dates (the first of equal maxima, as ``max`` picks) from date order.

    Proofs are sorted by date with undated ones last, so the latest dated
    proof sits just before them, and equal instants are neighbours.
    """
    i = len(ordered) - 1
    while i >= 0 and ordered[i].date is None:
        i -= 1
    if i < 0:
        return None
    latest = ordered[i].date
    while i > 0 and ordered[i - 1].date == latest:
        i -= 1
        latest = ordered[i].date
    return latest


def _put(positions: dict[Any, int | list[int]], key: Any, pos: int) -> None:
    """Add a position under ``key``, keeping them ascending (a bare int while there is one)."""
    found = positions.get(key)
    if found is None:
        positions[key] = pos
    elif isinstance(found, int):
        positions[key] = [found, pos] if found < pos else [pos, found]
    elif found[-1] < pos:
        found.append(pos)
    else:
        bisect.insort(found, pos)


def _take(positions: dict[Any, int | list[int]], key: Any, pos: int) -> None:
    found = positions[key]
    if isinstance(found, int):
        del positions[key]
        return
    found.remove(pos)
    if len(found) == 1:
        positions[key] = found[0]


def _positions(found: int | list[int] | None) -> Sequence[int]:
    if found is None:
        return ()
    return (found,) if isinstance(found, int) else found


def _link_end(ends: dict[str, LinkKey | set[LinkKey]], node_id: str, key: LinkKey) -> None:
    found = ends.get(node_id)
    if found is None:
        ends[node_id] = key
    elif isinstance(found, tuple):
        if found != key:
            ends[node_id] = {found, key}
    else:
        found.add(key)


def _unlink_end(ends: dict[str, LinkKey | set[LinkKey]], node_id: str, key: LinkKey) -> None:
    found = ends[node_id]
    if isinstance(found, tuple):
        del ends[node_id]
        return
    found.discard(key)
    if len(found) == 1:
        ends[node_id] = next(iter(found))


def _count(counter: dict[str, int], key: str | None) -> None:
    if key:
        counter[key] = counter.get(key, 0) + 1


def _discount(counter: dict[str, int], key: str | None) -> None:
    """One fewer ``key``; gone at zero, so "in" means "held" and the dict stays small."""
    if key:
        left = counter[key] - 1
        if left:
            counter[key] = left
        else:
            del counter[key]


_HTTP = ("https://", "http://")
_WHOLE_RELATIONS = frozenset(("ischildof", "ispartof", "isparentof"))


def _whole_of(key: LinkKey) -> str | None:
    """The achievement a link makes a whole (CLR structure → macro), if any."""
    source, target, relation = key
    if relation in ("ischildof", "ispartof"):
        return target
    if relation == "isparentof":
        return source
    return None


def _tally(items: Iterable[str]) -> dict[str, int]:
    """``dict(Counter(items))`` without Counter's Python-level set-up (first-seen order kept)."""
    counted: dict[str, int] = {}
    _count_elements(counted, items)
    return counted


def _cells(skill_key: str, counted: dict[str, int]) -> tuple[HeatCell, ...]:
    """Heat cells of one skill from freshness-code + column counts: fresh and stale apart, weighted."""
    totals: dict[str, list[Any]] = {}
    for coded, n in counted.items():
        fresh, column = _CODE_FRESH[coded[0]], coded[1:]
        cell = totals.get(column)
        if cell is None:
            cell = totals[column] = [0, 0, 0, 0.0]
        cell[0] += n
        if fresh == FRESH:
            cell[1] += n
        elif fresh == STALE:
            cell[2] += n
        cell[3] += FRESHNESS_WEIGHT[fresh] * n
    return tuple(HeatCell(skill_key, c, t[0], t[1], t[2], t[3]) for c, t in sorted(totals.items()))


def _groups(skills: Sequence[Skill]) -> tuple[SkillGroup, ...]:
    """Skills by framework (display name: the wallet's most common spelling), "Other" last."""
    members: dict[str, list[str]] = defaultdict(list)
    for s in skills:
        members[s.group].append(s.key)
    order = sorted(members, key=lambda g: (g == OTHER_GROUP, g.casefold(), g))
    return tuple(SkillGroup(g, tuple(members[g])) for g in order)
