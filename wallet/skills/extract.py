"""What one credential says about skills, read without guessing.

Everything here is a pure function of a ``Credential`` (and, for fields the
model does not carry, its untouched ``document``).  Nothing is merged across
credentials in this module; that is ``map.py``'s job, and the rules it uses
are the identity rules written down here:

* **Normalised name** (:func:`normalise_name`): Unicode NFKC, case-folded,
  format characters (zero-width spaces, soft hyphens) dropped, runs of
  whitespace collapsed, and punctuation stripped at the two ends only
  (``"- Python."`` → ``"python"``).  Characters that are part of real skill
  names are kept: ``#`` and ``+`` (``C#``, ``C++``), a leading ``.``
  (``.NET``) and brackets that are balanced (``Python (programming)``).
* **Skill identity** (:attr:`SkillRef.key`):

  - a code *and* a framework → ``("code", framework, code)``: the same
    framework code seen under two names is one skill;
  - a code without a framework → ``("code", "", code, name)``: a bare code
    such as ``"1.2"`` means nothing across issuers, so the name stays part of
    the identity;
  - no code → ``("name", name)``.

  Two different codes are therefore never one skill, even under one name and
  even in one framework; the same code in two different frameworks is two
  skills.  Nothing is ever merged because two names merely look alike.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from operator import attrgetter
from typing import Any, NamedTuple

from wallet.model import FORMAT_CLR2, Achievement, Alignment, Credential, Issuer, Related, Subject

# Where a skill was read from (``SkillRef.source``).
SOURCE_ALIGNMENT = "alignment"
SOURCE_TAG = "tag"
SOURCE_FIELD_OF_STUDY = "fieldOfStudy"
SOURCE_SPECIALIZATION = "specialization"
SOURCE_RESULT = "resultDescription"

MICRO = "micro"
MACRO = "macro"

# OB 3.0 AchievementType values that name a whole qualification rather than a
# single badge.  Everything else (Badge, MicroCredential, Assessment, Course,
# Competency, ``ext:`` types, no type at all) is a micro-credential.
MACRO_ACHIEVEMENT_TYPES = frozenset(
    t.casefold()
    for t in (
        "Certificate",
        "Certification",
        "Degree",
        "Diploma",
        "AssociateDegree",
        "BachelorDegree",
        "MasterDegree",
        "DoctoralDegree",
        "ProfessionalDoctorate",
        "ResearchDoctorate",
        "SecondarySchoolDiploma",
        "GeneralEducationDevelopment",
        "ApprenticeshipCertificate",
        "JourneymanCertificate",
        "MasterCertificate",
        "License",
    )
)

# Result statuses that mean the assessment did not (yet) succeed.
_UNSUCCESSFUL_RESULTS = frozenset(s.casefold() for s in ("Failed", "Withdrew", "Enrolled", "InProgress", "OnHold"))

# Punctuation stripped from both ends of a name, and from the end only.
_EDGE_PUNCT = frozenset(",;:!?\"'`«»“”„‘’‚‹›*•·‣◦▪–—-_~|/\\=")
_TRAILING_PUNCT = frozenset(".…")
_BRACKETS = {"(": ")", "[": "]", "{": "}", "<": ">"}
_CLOSERS = {v: k for k, v in _BRACKETS.items()}


# --------------------------------------------------------------------------- normalisation


def normalise_name(text: str) -> str:
    """The comparison form of a skill (or framework) name; idempotent.

    Run to a fixed point because NFKC, case folding and edge stripping can
    each expose work for the others (e.g. folding ``ǰ`` decomposes it).
    """
    current = text
    for _ in range(8):
        nxt = _strip_edges(_collapse(_fold(current)))
        if nxt == current:
            break
        current = nxt
    return current


def normalise_code(code: str) -> str:
    """The comparison form of a framework code: folded and trimmed, punctuation kept.

    Codes such as ``15-1252.00`` or ``S1.2.3`` are identifiers, so nothing
    inside them is touched except case and whitespace.
    """
    current = code
    for _ in range(8):
        nxt = _collapse(_fold(current))
        if nxt == current:
            break
        current = nxt
    return current


def _fold(text: str) -> str:
    """NFKC + case fold, with invisible format characters removed."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _strip_edges(text: str) -> str:
    """Strip edge punctuation until none is left, keeping balanced brackets."""
    s = text
    while s:
        if _drop_head(s):
            s = s[1:]
        elif _drop_tail(s):
            s = s[:-1]
        elif s[0] in _BRACKETS and _wraps_whole(s):
            s = s[1:-1]
        else:
            break
    return s


def _drop_head(s: str) -> bool:
    head = s[0]
    if head.isspace() or head in _EDGE_PUNCT:
        return True
    return head in _BRACKETS and s.count(head) > s.count(_BRACKETS[head])  # unmatched opener


def _drop_tail(s: str) -> bool:
    tail = s[-1]
    if tail.isspace() or tail in _EDGE_PUNCT or tail in _TRAILING_PUNCT:
        return True
    return tail in _CLOSERS and s.count(_CLOSERS[tail]) < s.count(tail)  # unmatched closer


def _wraps_whole(s: str) -> bool:
    """True for ``(…)`` where the first bracket closes only at the last character."""
    opener = s[0]
    closer = _BRACKETS[opener]
    if s[-1] != closer:
        return False
    depth = 0
    for i, ch in enumerate(s):
        if ch == opener:
            depth += 1
        elif ch == closer:
            depth -= 1
            if depth == 0:
                return i == len(s) - 1
    return False


class Normaliser:
    """Memoised :func:`normalise_name` / :func:`normalise_code` and skill references.

    Real wallets repeat the same few hundred names thousands of times, and
    badges of one series carry the same alignments and tags; the memo lives
    as long as one ``build_map`` call or one ``SkillIndex`` (no module-level
    cache), which also lets equal achievements share one refs tuple.
    """

    __slots__ = ("_codes", "_names", "achievements", "refs")

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._codes: dict[str, str] = {}
        self.refs: dict[tuple[object, str], SkillRef | None] = {}  # (alignment or text, source) -> ref
        # (alignments, tags, field of study, specialization) -> distinct refs, first mention kept
        self.achievements: dict[tuple[object, ...], tuple[SkillRef, ...]] = {}

    def __len__(self) -> int:
        """How many entries the memo holds (callers start afresh past a limit)."""
        return len(self.refs) + len(self.achievements)

    def name(self, text: str) -> str:
        found = self._names.get(text)
        if found is None:
            found = self._names[text] = normalise_name(text)
        return found

    def code(self, text: str) -> str:
        found = self._codes.get(text)
        if found is None:
            found = self._codes[text] = normalise_code(text)
        return found


# --------------------------------------------------------------------------- skill references

_ALIGNMENT_FIELDS = attrgetter("target_name", "target_code", "target_framework", "target_url")  # what a ref reads


@dataclass(frozen=True, slots=True)
class SkillRef:
    """One mention of a skill in one credential, with its identity worked out."""

    name: str  # as written, whitespace collapsed
    norm: str  # normalise_name(name)
    source: str  # SOURCE_*
    framework: str | None = None
    framework_norm: str = ""
    code: str | None = None
    code_norm: str = ""
    url: str | None = None
    key: tuple[str, ...] = field(init=False, compare=False)  # the identity tuple of the module docstring

    def __post_init__(self) -> None:
        if self.code_norm and self.framework_norm:
            key: tuple[str, ...] = ("code", self.framework_norm, self.code_norm)
        elif self.code_norm:
            key = ("code", "", self.code_norm, self.norm)
        else:
            key = ("name", self.norm)
        object.__setattr__(self, "key", key)


def ref_from_alignment(alignment: Alignment, source: str, norm: Normaliser) -> SkillRef | None:
    """A SkillRef for an alignment, or None when it names nothing usable (memoised per run)."""
    memo = (alignment, source)
    if memo not in norm.refs:
        norm.refs[memo] = _alignment_ref(alignment, source, norm)
    return norm.refs[memo]


def _alignment_ref(alignment: Alignment, source: str, norm: Normaliser) -> SkillRef | None:
    code = _clean(alignment.target_code)
    name = _clean(alignment.target_name) or code
    if not name:
        return None
    framework = _clean(alignment.target_framework)
    ref = SkillRef(
        name=name,
        norm=norm.name(name),
        source=source,
        framework=framework,
        framework_norm=norm.name(framework) if framework else "",
        code=code,
        code_norm=norm.code(code) if code else "",
        url=_clean(alignment.target_url),
    )
    return ref if ref.norm or ref.code_norm else None


def ref_from_name(text: str | None, source: str, norm: Normaliser) -> SkillRef | None:
    """A name-only SkillRef (tags, field of study, specialization), memoised per run."""
    if not text:
        return None
    memo = (text, source)
    if memo not in norm.refs:
        name = _clean(text)
        folded = norm.name(name) if name else ""
        norm.refs[memo] = SkillRef(name=name, norm=folded, source=source) if name and folded else None
    return norm.refs[memo]


def achievement_refs(achievement: Achievement, norm: Normaliser) -> Iterator[SkillRef]:
    """Alignments first (they carry codes), then tags, field of study, specialization."""
    for alignment in achievement.alignments:
        ref = ref_from_alignment(alignment, SOURCE_ALIGNMENT, norm)
        if ref:
            yield ref
    for tag in achievement.tags:
        ref = ref_from_name(tag, SOURCE_TAG, norm)
        if ref:
            yield ref
    for text, source in (
        (achievement.field_of_study, SOURCE_FIELD_OF_STUDY),
        (achievement.specialization, SOURCE_SPECIALIZATION),
    ):
        ref = ref_from_name(text, source, norm)
        if ref:
            yield ref


def skill_refs(credential: Credential, norm: Normaliser) -> tuple[SkillRef, ...]:
    """Every distinct skill a credential names, first mention of each identity kept.

    Credentials whose achievements name the same skills get the same tuple
    (memoised on the skill-bearing fields), which is both the cheap path for
    a large wallet and what lets the index share work between them.
    """
    achievement = credential.achievement
    # Keyed on the fields the refs are read from, as plain tuples: hashing and comparing those runs in C.
    memo = (
        tuple(map(_ALIGNMENT_FIELDS, achievement.alignments)),
        achievement.tags,
        achievement.field_of_study,
        achievement.specialization,
    )
    found = norm.achievements.get(memo)
    if found is None:
        distinct: dict[tuple[str, ...], SkillRef] = {}
        for ref in achievement_refs(achievement, norm):
            distinct.setdefault(ref.key, ref)
        found = norm.achievements[memo] = tuple(distinct.values())
    if not credential.document:
        return found
    extra = list(_result_description_refs(credential.document, norm))
    if not extra:
        return found
    refs = {ref.key: ref for ref in found}
    for ref in extra:
        refs.setdefault(ref.key, ref)
    return tuple(refs.values())


def _result_description_refs(document: Mapping[str, Any], norm: Normaliser) -> Iterator[SkillRef]:
    """Skills named by ``resultDescription[].alignment`` (not in the model)."""
    for rd in _result_descriptions(document):
        for raw in as_list(rd.get("alignment")):
            alignment = alignment_from_json(raw)
            ref = ref_from_alignment(alignment, SOURCE_RESULT, norm) if alignment else None
            if ref:
                yield ref


def _result_descriptions(document: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for subject in subjects(document):
        achievement = subject.get("achievement")
        if isinstance(achievement, Mapping):
            for rd in as_list(achievement.get("resultDescription")):
                if isinstance(rd, Mapping):
                    yield rd


# --------------------------------------------------------------------------- kind, assessment


def is_clr(credential: Credential) -> bool:
    return credential.format == FORMAT_CLR2 or "ClrCredential" in credential.types


def credential_kind(credential: Credential) -> str:
    """MACRO for CLRs and whole qualifications (by achievementType), else MICRO."""
    return MACRO if is_clr(credential) else achievement_kind(credential.achievement)


def achievement_kind(achievement: Achievement) -> str:
    kind = (achievement.achievement_type or "").strip().casefold()
    return MACRO if kind in MACRO_ACHIEVEMENT_TYPES else MICRO


def assessment_of(credential: Credential) -> str | None:
    """How the subject was assessed, e.g. ``"Rubric: Proficient"``; None if not assessed.

    Only a ``result`` in the subject counts: a ``resultDescription`` alone says
    how the achievement *could* be assessed, not that this earner was.
    """
    if not credential.results:
        return None
    descriptions = {rd.id: rd for rd in credential.achievement.result_descriptions if rd.id}
    levels = _level_names(credential.document) if credential.results else {}
    parts: dict[str, None] = {}
    for result in credential.results:
        if (result.status or "").casefold() in _UNSUCCESSFUL_RESULTS:
            continue
        rd = descriptions.get(result.result_description or "")
        label = (rd.name if rd else None) or "Result"
        level = result.achieved_level
        value = (levels.get(level) if level else None) or level or result.value or result.status
        parts.setdefault(f"{label}: {value}" if value else label, None)
    return "; ".join(parts) or None


def _level_names(document: Mapping[str, Any]) -> dict[str, str]:
    """Rubric level id → level name, from ``resultDescription[].rubricCriterionLevel``."""
    names: dict[str, str] = {}
    for rd in _result_descriptions(document):
        for level in as_list(rd.get("rubricCriterionLevel")):
            if isinstance(level, Mapping):
                level_id, name = _clean(level.get("id")), _clean(level.get("name"))
                if level_id and name:
                    names[level_id] = name
    return names


# --------------------------------------------------------------------------- links between achievements


class Link(NamedTuple):
    """``source`` —relation→ ``target`` between achievement ids, and who said so.

    Relations keep the CLR 2.0 / OB 3.0 spelling (``isChildOf``, ``precedes``,
    ``related`` …); ``source isChildOf target`` reads left to right, as in CASE.
    A NamedTuple (built in C): a large wallet makes one per badge.
    """

    source: str
    target: str
    relation: str
    record_id: str
    target_name: str | None = None  # the name the credential gives the target, if any


@dataclass(frozen=True, slots=True)
class Embedded:
    """An AchievementCredential embedded in a CLR document."""

    credential_id: str | None
    achievement: Achievement
    issuer: Issuer | None
    issued: datetime | None
    valid_until: datetime | None


def related_links(record_id: str, achievement: Achievement) -> Iterator[Link]:
    """Links from the model's ``related`` entries (OB 3.0 related, CLR-derived)."""
    if not achievement.id:
        return
    for rel in achievement.related:
        if rel.id and rel.id != achievement.id:
            yield Link(achievement.id, rel.id.strip(), rel.relation or "related", record_id, rel.name)


def association_links(record_id: str, document: Mapping[str, Any]) -> Iterator[Link]:
    """CLR 2.0 ``credentialSubject.association`` (``associations`` also accepted)."""
    for subject in subjects(document):
        for key in ("association", "associations"):
            for raw in as_list(subject.get(key)):
                if not isinstance(raw, Mapping):
                    continue
                source, target = _clean(raw.get("sourceId")), _clean(raw.get("targetId"))
                relation = _clean(raw.get("associationType"))
                if source and target and relation and source != target:
                    yield Link(source, target, relation, record_id)


def clr_achievements(document: Mapping[str, Any]) -> Iterator[Achievement]:
    """``ClrSubject.achievement[]``: the achievements a CLR describes (held or not)."""
    for subject in subjects(document):
        listed = subject.get("achievement")
        if isinstance(listed, list):
            for raw in listed:
                achievement = achievement_from_json(raw)
                if achievement:
                    yield achievement


def clr_embedded(document: Mapping[str, Any]) -> Iterator[Embedded]:
    """``ClrSubject.verifiableCredential[]`` given as JSON objects (JWT strings are skipped)."""
    for subject in subjects(document):
        for raw in as_list(subject.get("verifiableCredential")):
            if not isinstance(raw, Mapping):
                continue
            achievement = next(
                (a for s in subjects(raw) if (a := achievement_from_json(s.get("achievement"))) is not None),
                None,
            )
            if achievement is None:
                continue
            yield Embedded(
                credential_id=_clean(raw.get("id")),
                achievement=achievement,
                issuer=issuer_from_json(raw.get("issuer")),
                issued=_date(raw.get("awardedDate")) or _date(raw.get("validFrom")) or _date(raw.get("issuanceDate")),
                valid_until=_date(raw.get("validUntil")) or _date(raw.get("expirationDate")),
            )


# --------------------------------------------------------------------------- tolerant JSON readers


def has_clr_parts(document: Mapping[str, Any]) -> bool:
    """Cheap test for anything ``association_links``/``clr_*`` would find."""
    return any(
        "association" in s
        or "associations" in s
        or "verifiableCredential" in s
        or isinstance(s.get("achievement"), list)
        for s in subjects(document)
    )


def subjects(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """``credentialSubject`` as a list of objects, whatever shape it came in."""
    return [s for s in as_list(document.get("credentialSubject")) if isinstance(s, Mapping)]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def achievement_from_json(raw: Any) -> Achievement | None:
    """The skill-relevant part of an OB 3.0 Achievement object; None if it has no id or name."""
    if not isinstance(raw, Mapping):
        return None
    achievement_id, name = _clean(raw.get("id")), _clean(raw.get("name"))
    if not achievement_id and not name:
        return None
    criteria = raw.get("criteria")
    return Achievement(
        id=achievement_id,
        name=name,
        achievement_type=_clean(raw.get("achievementType")),
        criteria_url=_clean(criteria.get("id")) if isinstance(criteria, Mapping) else None,
        alignments=tuple(a for a in map(alignment_from_json, as_list(raw.get("alignment"))) if a),
        tags=tuple(t for t in map(_clean, as_list(raw.get("tag"))) if t),
        field_of_study=_clean(raw.get("fieldOfStudy")),
        specialization=_clean(raw.get("specialization")),
        related=tuple(r for r in map(_related_from_json, as_list(raw.get("related"))) if r),
        creator=issuer_from_json(raw.get("creator")),
    )


def alignment_from_json(raw: Any) -> Alignment | None:
    if not isinstance(raw, Mapping):
        return None
    name, code = _clean(raw.get("targetName")), _clean(raw.get("targetCode"))
    if not name and not code:
        return None
    return Alignment(
        target_name=name or "",
        target_url=_clean(raw.get("targetUrl")),
        target_framework=_clean(raw.get("targetFramework")),
        target_code=code,
    )


def issuer_from_json(raw: Any) -> Issuer | None:
    if isinstance(raw, str):
        return Issuer(id=_clean(raw))
    if not isinstance(raw, Mapping):
        return None
    return Issuer(id=_clean(raw.get("id")), name=_clean(raw.get("name")), url=_clean(raw.get("url")))


def _related_from_json(raw: Any) -> Related | None:
    if isinstance(raw, Mapping) and (related_id := _clean(raw.get("id"))):
        return Related(id=related_id, name=_clean(raw.get("name")))
    return None


def _clean(value: Any) -> str | None:
    """A trimmed, whitespace-collapsed string, or None for anything else or empty."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


# --------------------------------------------------------------------------- slim credentials

# What the readers above take from an achievement object, a subject and an embedded credential.
_ACHIEVEMENT_KEYS = (
    "id", "name", "achievementType", "criteria", "alignment", "tag", "fieldOfStudy", "specialization", "related",
    "creator", "resultDescription",
)  # fmt: skip
_EMBEDDED_KEYS = ("id", "awardedDate", "validFrom", "issuanceDate", "validUntil", "expirationDate")


_NO_SUBJECT = Subject()


def slim_credential(credential: Credential) -> Credential:
    """The credential with only what the skills code reads: the same map, a fraction of the memory.

    Why: an app that keeps a ``SkillIndex`` of a 10,000-badge wallet would
    otherwise hold every original file, image and full JSON document, a
    quarter of a gigabyte and a heap the garbage collector has to walk.
    ``build_map`` of slim credentials equals ``build_map`` of the full ones
    (tested); the readers of ``document`` above are the only source of what
    is kept, so a new reader must add its keys here.
    """
    achievement = credential.achievement
    issuer = credential.issuer
    return replace(
        credential,
        payload="",
        original=b"",
        image=None,
        description=None,
        subject=_NO_SUBJECT,
        evidence=(),
        endorsements=(),
        status=(),
        jwt_header=None,
        document=slim_document(credential.document),
        issuer=replace(issuer, email=None, image=None, description=None),
        achievement=replace(achievement, description=None, criteria_narrative=None, image=None),
    )


def slim_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a credential's JSON the readers above use, and nothing else (usually nothing at all).

    Of a subject that is: a CLR's listed achievements, the result
    descriptions of the awarded one (its alignments and tags come from the
    model), associations, and embedded credentials.
    """
    kept = []
    for subject in subjects(document):
        part: dict[str, Any] = {}
        achievement = subject.get("achievement")
        if isinstance(achievement, list):
            part["achievement"] = [_slim_achievement(a) for a in achievement]
        elif isinstance(achievement, Mapping) and "resultDescription" in achievement:
            part["achievement"] = {"resultDescription": _slim_achievement(achievement)["resultDescription"]}
        for key in ("association", "associations"):
            if key in subject:
                part[key] = subject[key]
        if "verifiableCredential" in subject:
            part["verifiableCredential"] = [_slim_embedded(v) for v in as_list(subject["verifiableCredential"])]
        if part:
            kept.append(part)
    return {"credentialSubject": kept} if kept else {}


def _slim_achievement(raw: Any) -> Any:
    if not isinstance(raw, Mapping):
        return raw
    out = {k: raw[k] for k in _ACHIEVEMENT_KEYS if k in raw}
    criteria = out.get("criteria")
    if isinstance(criteria, Mapping):
        out["criteria"] = {"id": criteria["id"]} if "id" in criteria else {}
    if "creator" in out:
        out["creator"] = _pick_keys(out["creator"], ("id", "name", "url"))
    if "related" in out:
        out["related"] = [_pick_keys(r, ("id", "name")) for r in as_list(out["related"])]
    if "resultDescription" in out:
        out["resultDescription"] = [
            {
                **_pick_keys(rd, ("alignment",)),
                "rubricCriterionLevel": [
                    _pick_keys(x, ("id", "name")) for x in as_list(rd.get("rubricCriterionLevel"))
                ],
            }
            if isinstance(rd, Mapping)
            else rd
            for rd in as_list(out["resultDescription"])
        ]
    return out


def _slim_embedded(raw: Any) -> Any:
    if not isinstance(raw, Mapping):
        return raw
    out: dict[str, Any] = {k: raw[k] for k in _EMBEDDED_KEYS if k in raw}
    if "issuer" in raw:
        out["issuer"] = _pick_keys(raw["issuer"], ("id", "name", "url"))
    out["credentialSubject"] = [
        {"achievement": _slim_achievement(s["achievement"])} for s in subjects(raw) if "achievement" in s
    ]
    return out


def _pick_keys(raw: Any, keys: tuple[str, ...]) -> Any:
    return {k: raw[k] for k in keys if k in raw} if isinstance(raw, Mapping) else raw


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Items in first-seen order without repeats."""
    return tuple(dict.fromkeys(items))
