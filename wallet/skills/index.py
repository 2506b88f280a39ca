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
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
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
_DKEY = attrgetter("dkey")
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
        record.record_id,
        cred.display_name,
        cred.issuer_name,
        cred.issuer.url,
        achievement.id,
        achievement.name,
        _achievement_url(achievement),
        _aware_or_none(cred.issued or cred.valid_from),
        freshness,
        reason,
        MACRO if clr else credential_kind(cred),
        assessment_of(cred),
        achievement.credits_available,
        () if clr else skill_refs(cred, norm),
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

    def __init__(self, record: SkillInput, seq: int, now: datetime, norm: Normaliser) -> None:
        self.record = record
        self.seq = seq
        self.fact = _record_facts(record, now, norm)
        cred = record.credential
        doc = cred.document
        self.links = tuple(related_links(record.record_id, _own_achievement(cred, is_clr(cred))))
        self.catalog: tuple[Achievement, ...] = ()
        self.embedded: tuple[Embedded, ...] = ()
        if doc and has_clr_parts(doc):
            self.links += tuple(association_links(record.record_id, doc))
            self.catalog = tuple(clr_achievements(doc))
            self.embedded = tuple(clr_embedded(doc))
        self.embedded_facts: dict[int, _Facts] | None = None  # made on first need: usually each is stored alone

    def embedded_fact(self, j: int, now: datetime, norm: Normaliser) -> _Facts:
        if self.embedded_facts is None:
            self.embedded_facts = {}
        found = self.embedded_facts.get(j)
        if found is None:
            found = self.embedded_facts[j] = _embedded_fact(self.embedded[j], self.record, self.fact, now, norm)
        return found


class _Raw:
    """One skill identity's mentions: position of the fact -> its ref, and the proof it gives."""

    __slots__ = ("proofs", "refs")

    def __init__(self) -> None:
        self.refs: dict[int, SkillRef] = {}
        self.proofs: dict[int, Proof] = {}


class _Row:
    """One fact in the map (a record's own or an embedded one), with what the aggregates read precomputed."""

    __slots__ = ("dkey", "fact", "heat_issuer", "heat_year", "order", "proofs", "raw")

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
        # Composite keys are strings (length-prefixed or fixed-width, so they stay exact): strings are
        # not tracked by the garbage collector, and 10,000 records' worth of tuples make it run often.
        self.dkey = f"{len(record_id)}:{record_id}{fact.achievement_id or fact.badge}"  # one proof per badge
        # (undated last, date, record id) as one string, so sorting proofs compares flat strings
        self.order = prefix[0] + record_id
        code = _FRESH_CODE[fact.freshness]
        self.heat_year = code + prefix[1]
        self.heat_issuer = code + fact.issuer
        proofs: dict[str, Proof] = {}
        for ref in fact.refs:
            if ref.source not in proofs:
                proofs[ref.source] = Proof(
                    fact.record_id,
                    fact.badge,
                    fact.issuer,
                    fact.achievement_id,
                    date,
                    fact.freshness,
                    fact.reason,
                    fact.kind,
                    ref.source,
                    fact.assessment,
                    fact.credits,
                )
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
        self._link_candidates: dict[LinkKey, list[int]] = {}  # positions of every saying
        self._links: dict[LinkKey, Link] = {}  # the first saying of each link wins
        self._link_first: dict[LinkKey, int] = {}  # ... and its position
        self._link_order: list[tuple[str, str, str, LinkKey]] = []
        self._wholes: dict[str, int] = {}
        # achievement nodes
        self._node_rows: dict[str, list[int]] = {}
        self._node_catalog: dict[str, dict[int, tuple[Achievement, int]]] = {}
        self._node_links: dict[str, set[LinkKey]] = {}
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

    def _extract(self, record: SkillInput, seq: int) -> _Entry:
        if len(self._norm) > _MEMO_LIMIT:
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
                candidates.remove(seq * _SLOT + j)
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
            _count(self._held_achievements, entry.fact.achievement_id)
            _count(self._held_credentials, record.credential.id)
            if entry.embedded:
                self._clrs.add(seq)
            for j, link in enumerate(entry.links):
                key = (link.source, link.target, link.relation.casefold())
                sayings = self._link_candidates.get(key)
                if sayings is None:
                    self._link_candidates[key] = [seq * _SLOT + j]
                else:
                    bisect.insort(sayings, seq * _SLOT + j)
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
        proofs = row.proofs
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
            held = self._node_rows.get(achievement_id)
            if held is None:
                self._node_rows[achievement_id] = [pos]
            elif held[-1] < pos:
                held.append(pos)
            else:
                bisect.insort(held, pos)
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
            held = self._node_rows[achievement_id]
            held.remove(pos)
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
            if candidates:
                first = candidates[0]
                if old is not None and self._link_first[key] == first:
                    continue
                new: Link | None = entries[first // _SLOT].links[first % _SLOT]
                self._link_first[key] = first
            elif old is None:
                continue
            else:
                new = None
                del self._link_first[key]
            if old is not None:
                if not bulk:
                    at = bisect.bisect_left(self._link_order, (old.source, old.target, old.relation, key))
                    del self._link_order[at]
                if new is None:
                    del self._links[key]
                    for end in (key[0], key[1]):
                        ends = self._node_links[end]
                        ends.discard(key)
                        if not ends:
                            del self._node_links[end]
            if new is not None:
                self._links[key] = new
                if not bulk:
                    bisect.insort(self._link_order, (new.source, new.target, new.relation, key))
                if old is None:
                    for end in (key[0], key[1]):
                        ends_of = self._node_links.get(end)
                        if ends_of is None:
                            self._node_links[end] = {key}
                        else:
                            ends_of.add(key)
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
            dkeys = list(map(_DKEY, rows))
            if len(set(dkeys)) != len(dkeys):  # a badge names the skill twice (code and tag): the first counts
                first: dict[str, int] = {}
                for i, dkey in enumerate(dkeys):
                    first.setdefault(dkey, i)
                kept = sorted(first.values())
                proofs = _pick(proofs, kept)
                rows = _pick(rows, kept)
        orders = list(map(_ORDER, rows))
        ordered = _pick(proofs, sorted(range(len(orders)), key=orders.__getitem__))
        names = Counter(map(_NAME, refs))
        norms = {n: self._norm.name(n) for n in names}  # a ref's norm is its name normalised
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
        by_year = Counter(map(_HEAT_YEAR, rows))
        by_issuer = Counter(map(_HEAT_ISSUER, rows))
        counts: Counter[str] = Counter()
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

    def _rebuild_infos(self, seqs: set[int]) -> None:
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
            infos[seq] = CredentialInfo(
                f.record_id, f.badge, f.issuer, f.achievement_id, f.kind, f.freshness, f.reason, f.date,
                self._skill_keys(f.refs),
            )  # fmt: skip
            if not bulk:
                bisect.insort(order, seq, key=self._info_key)
        if bulk:
            self._info_order = sorted(infos, key=self._info_key)

    def _info_key(self, seq: int) -> tuple[str, int]:
        """Credentials are listed by record id (then input order, for duplicate ids)."""
        return self._infos[seq].record_id, seq

    def _rebuild_nodes(self, node_ids: set[str]) -> None:
        bulk = len(node_ids) >= _BULK
        nodes = self._nodes
        for node_id in node_ids:
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
        http_id = node_id if node_id.startswith(("https://", "http://")) else None
        if held and not listed and len(held) == 1:  # the common case: one badge, nothing else known
            f = self._rows[held[0]].fact
            return AchievementNode(
                node_id, f.achievement_name or f.badge, (f.record_id,), f.issuer, f.issuer_url,
                f.achievement_url or http_id, f.date, f.refs,
            )  # fmt: skip
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
        for pos in held or ():
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
            for link in _pick(self._links, sorted(linked, key=self._link_first.__getitem__)):
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
            links=tuple(_pick(self._links, [k for *_, k in self._link_order])),
            index=MappingProxyType({s.key: s for s in skills}),
        )


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


def _whole_of(key: LinkKey) -> str | None:
    """The achievement a link makes a whole (CLR structure → macro), if any."""
    source, target, relation = key
    if relation in ("ischildof", "ispartof"):
        return target
    if relation == "isparentof":
        return source
    return None


def _cells(skill_key: str, counted: Counter[str]) -> tuple[HeatCell, ...]:
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
