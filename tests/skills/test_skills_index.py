"""SkillIndex: the incremental map equals the original one-pass build after any sequence of changes.

The oracle is ``reference_map.reference_build_map``, a verbatim copy of the
algorithm ``build_map`` had before it became incremental.  Random wallets are
built to hit every tie-break and cross-record rule: framework codes spelled
two ways, tags that join a coded skill (and stop joining it when a second
code of that name turns up), the whole/part rule from links, CLRs whose
embedded credentials are or are not stored on their own, badges expiring
as the clock moves, and equal instants written in two time zones.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from reference_map import reference_build_map
from skillfactory import NOW, align, clr_records, credential, record

from wallet.model import FORMAT_CLR2, Issuer, Related, Result, ResultDescription
from wallet.skills import SkillIndex, SkillInput, SkillMap, build_map, slim_credential

LATER = NOW + timedelta(days=400)
ACHIEVEMENTS = [f"https://a.example/ach/{n}" for n in range(12)]
FRAMEWORKS = ["ESCO", "esco ", "O*NET-SOC Content Model", "Acme Skills"]
CODES = ["S1.2", "s1.2", "S2.0", "2.B.3", None, None]
NAMES = ["Python", "python.", "SQL", "sql", "Teamwork", "Data Analysis", "Tableau", "C#", "Go", "R"]
ISSUERS = [
    Issuer(id="https://acme.example", name="Acme Academy", url="https://acme.example"),
    Issuer(id="did:web:state.example", name="State Board"),
    Issuer(id="https://anon.example", name=None),
]
DATES: list[datetime | None] = [
    None,
    datetime(2021, 3, 1, 12, tzinfo=UTC),
    datetime(2021, 3, 1, 13, tzinfo=timezone(timedelta(hours=1))),  # the same instant, written in +01:00
    datetime(2022, 7, 9, tzinfo=UTC),
    datetime(2023, 1, 1),  # naive: read as UTC
    datetime(2024, 11, 30, tzinfo=UTC),
]
VALID_UNTIL: list[datetime | None] = [
    None,
    None,
    NOW - timedelta(days=3),
    NOW + timedelta(days=30),
    LATER + timedelta(1),
]
VERDICTS = ["valid", "valid", "expired", None, "incomplete", "revoked", "invalid_signature"]
RELATIONS = ["precedes", "isChildOf", "isPartOf", "isParentOf", "related", "replacedBy", "exactMatchOf", "IsChildOf"]


def same(index_map: SkillMap, records: list[SkillInput], now: datetime) -> None:
    """The index's map equals the one-pass build, value for value and in JSON."""
    expected = reference_build_map(records, now=now)
    assert index_map.to_json() == expected.to_json()
    assert index_map == expected
    assert dict(index_map.index) == dict(expected.index)


def random_alignment(rng: random.Random) -> Any:
    code = rng.choice(CODES)
    return align(
        rng.choice(NAMES),
        rng.choice(FRAMEWORKS) if code or rng.random() < 0.3 else None,
        code,
        rng.choice([None, None, "https://skills.example/" + rng.choice(NAMES)]),
    )


def random_achievement_json(rng: random.Random) -> dict[str, Any]:
    raw: dict[str, Any] = {"id": rng.choice(ACHIEVEMENTS), "name": rng.choice(["Course A", "Course B", None])}
    if rng.random() < 0.6:
        raw["alignment"] = [
            {"targetName": a.target_name, "targetFramework": a.target_framework, "targetCode": a.target_code}
            for a in (random_alignment(rng) for _ in range(rng.randint(1, 2)))
        ]
    if rng.random() < 0.4:
        raw["tag"] = rng.sample(NAMES, 2)
    if rng.random() < 0.3:
        raw["achievementType"] = rng.choice(["Certificate", "Course"])
    return raw


def random_clr(rng: random.Random, n: int, held_credential_ids: list[str]) -> Any:
    embedded = []
    for k in range(rng.randint(1, 4)):
        vc: dict[str, Any] = {
            "id": rng.choice(held_credential_ids) if held_credential_ids and rng.random() < 0.3 else f"urn:emb:{n}:{k}",
            "credentialSubject": {"achievement": random_achievement_json(rng)},
        }
        if rng.random() < 0.5:
            vc["validFrom"] = rng.choice(["2022-01-01T00:00:00Z", "2020-05-05T00:00:00+02:00"])
        if rng.random() < 0.3:
            vc["validUntil"] = rng.choice(["2025-01-01T00:00:00Z", "2027-01-01T00:00:00Z"])
        if rng.random() < 0.5:
            vc["issuer"] = {"id": "https://emb.example", "name": rng.choice(["Embedded U", None])}
        embedded.append(vc)
    document = {
        "type": ["VerifiableCredential", "ClrCredential"],
        "credentialSubject": {
            "achievement": [random_achievement_json(rng) for _ in range(rng.randint(0, 3))],
            "verifiableCredential": embedded,
            "association": [
                {
                    "sourceId": rng.choice(ACHIEVEMENTS),
                    "targetId": rng.choice(ACHIEVEMENTS),
                    "associationType": rng.choice(RELATIONS),
                }
                for _ in range(rng.randint(0, 3))
            ],
        },
    }
    return credential(
        f"Learner record {n}",
        issuer=rng.choice(ISSUERS),
        achievement_id=rng.choice(ACHIEVEMENTS),
        tags=["spreadsheets"],
        fmt=FORMAT_CLR2,
        types=("VerifiableCredential", "ClrCredential"),
        credential_id=f"urn:clr:{n}",
        document=document,
        issued=rng.choice(DATES),
    )


def random_record(rng: random.Random, n: int, held_credential_ids: list[str]) -> SkillInput:
    if rng.random() < 0.12:
        return record(f"r{n}", random_clr(rng, n, held_credential_ids), rng.choice(VERDICTS))
    assessed = rng.random() < 0.15
    cred = credential(
        rng.choice(["Badge", "Intro", "Advanced", f"Badge {n}"]),
        issuer=rng.choice(ISSUERS),
        achievement_id=rng.choice([*ACHIEVEMENTS, None]),
        achievement_type=rng.choice(["Badge", "Certificate", "Course", None]),
        alignments=[random_alignment(rng) for _ in range(rng.randint(0, 3))],
        tags=rng.sample(NAMES, rng.randint(0, 3)),
        issued=rng.choice(DATES),
        valid_until=rng.choice(VALID_UNTIL),
        related=[
            Related(id=rng.choice(ACHIEVEMENTS), relation=rng.choice(RELATIONS), name=rng.choice([None, "Next step"]))
            for _ in range(rng.randint(0, 2))
        ],
        results=[Result(result_description="urn:rd:1", achieved_level="Proficient")] if assessed else [],
        result_descriptions=[ResultDescription(id="urn:rd:1", name="Rubric")] if assessed else [],
        credential_id=f"urn:cred:{rng.randint(0, 30)}",
        field_of_study=rng.choice([None, None, "Data Analysis"]),
        credits=rng.choice([None, 2.0]),
    )
    return record(f"r{n}", cred, rng.choice(VERDICTS))


def random_wallet(rng: random.Random, size: int, start: int = 0) -> list[SkillInput]:
    out: list[SkillInput] = []
    for n in range(start, start + size):
        out.append(random_record(rng, n, [r.credential.id for r in out if r.credential.id]))
    return out


# --------------------------------------------------------------------------- cold build


@pytest.mark.parametrize("seed", range(40))
def test_fresh_index_equals_the_one_pass_build(seed: int) -> None:
    rng = random.Random(seed)
    records = random_wallet(rng, rng.randint(0, 40))
    same(SkillIndex(records, now=NOW).map(), records, NOW)
    same(build_map(records, now=NOW), records, NOW)


def test_fixture_wallets_equal_the_one_pass_build() -> None:
    for records in (clr_records(split=True), clr_records(split=False), clr_records(split=False, verdict="expired")):
        same(build_map(records, now=NOW), records, NOW)


def test_duplicate_record_ids_are_built_like_the_one_pass_build() -> None:
    """build_map never required unique ids; the index keeps every input in its own place."""
    rng = random.Random(7)
    records = random_wallet(rng, 12)
    records += [replace(r, verdict="revoked") for r in records[:4]]
    same(build_map(records, now=NOW), records, NOW)


# --------------------------------------------------------------------------- incremental


@pytest.mark.parametrize("seed", range(30))
def test_index_after_random_changes_equals_a_fresh_build(seed: int) -> None:
    rng = random.Random(1000 + seed)
    records = random_wallet(rng, rng.randint(0, 25))
    index = SkillIndex(records, now=NOW)
    next_id = len(records)
    for _ in range(35):
        op = rng.random()
        ids = index.record_ids()
        if op < 0.3 or not ids:  # import one or a few
            held = [r.credential.id for r in index.inputs() if r.credential.id]
            batch = [random_record(rng, next_id + k, held) for k in range(rng.choice([1, 1, 1, 3]))]
            next_id += len(batch)
            assert index.update(batch)
        elif op < 0.5:  # remove one or a few
            gone = rng.sample(ids, min(len(ids), rng.choice([1, 1, 2])))
            assert index.remove(gone)
            assert all(g not in index for g in gone)
        elif op < 0.75:  # verified again: a new verdict
            target = index.record(rng.choice(ids))
            assert target is not None
            index.update([replace(target, verdict=rng.choice(VERDICTS))])
        elif op < 0.92:  # same record id, different content (a re-import)
            rid = rng.choice(ids)
            fresh = random_record(rng, next_id, [])
            next_id += 1
            index.update([replace(fresh, record_id=rid)])
        else:  # time passes: some badges expire
            index.set_now(rng.choice([NOW, LATER, NOW + timedelta(days=45)]))
        same(index.map(), index.inputs(), index.now)


def test_unchanged_records_cost_nothing_and_report_no_change() -> None:
    records = random_wallet(random.Random(3), 20)
    index = SkillIndex(records, now=NOW)
    before = index.map()
    assert not index.update([replace(r) for r in records[:5]])  # equal content, new objects
    assert not index.remove(["no-such-record"])
    assert index.map() is before
    assert index.update([replace(records[0], verdict="valid" if records[0].verdict == "revoked" else "revoked")])
    assert index.map() is not before


def test_remove_everything_and_add_back() -> None:
    records = random_wallet(random.Random(11), 30)
    index = SkillIndex(records, now=NOW)
    index.remove(r.record_id for r in records)
    assert len(index) == 0
    same(index.map(), [], NOW)
    index.update(records)
    same(index.map(), index.inputs(), NOW)
    assert [r.record_id for r in index.inputs()] == [r.record_id for r in records]


def test_an_emptied_index_keeps_nothing_but_memos() -> None:
    """Every aggregate drains to empty: nothing leaks, and a reload starts from a clean slate."""
    rng = random.Random(21)
    index = SkillIndex(random_wallet(rng, 30), now=NOW)
    index.update(random_wallet(rng, 10, start=30))
    index.set_now(LATER)
    index.remove(index.record_ids())
    memos = {"_norm", "_key_strings", "_final_keys", "_dates", "_now", "_next_seq", "_map"}
    leftovers = {
        name: value
        for name, value in vars(index).items()
        if name not in memos and hasattr(value, "__len__") and len(value)
    }
    assert leftovers == {}


def test_a_coded_skill_appearing_takes_in_the_tags_of_its_name_and_gives_them_back() -> None:
    """The cross-record rule: a tag joins the one coded skill of its name, and leaves when a second appears."""
    tagged = record("tag", credential("Query Ninja", tags=["sql"]))
    coded = record("esco", credential("SQL Basics", alignments=[align("SQL", "ESCO", "S1.5.2")]))
    other = record("onet", credential("SQL II", alignments=[align("SQL", "O*NET", "2.B.3")]))
    index = SkillIndex([tagged], now=NOW)
    assert [s.key for s in index.map().skills] == ["name:sql"]
    index.update([coded])
    assert [len(s.proofs) for s in index.map().skills] == [2]
    assert index.map().credentials[-1].skill_keys == ("code:esco:s1.5.2",)
    index.update([other])
    assert sorted(s.key for s in index.map().skills) == ["code:esco:s1.5.2", "code:o%2Anet:2.b.3", "name:sql"]
    same(index.map(), index.inputs(), NOW)
    index.remove(["onet"])
    same(index.map(), index.inputs(), NOW)
    index.remove(["esco"])
    same(index.map(), index.inputs(), NOW)


# --------------------------------------------------------------------------- speed


def _large(count: int) -> list[SkillInput]:
    frameworks = [("ESCO", "S1.{}"), ("O*NET-SOC Content Model", "2.B.{}"), ("Ohio Workforce Skills", "WS.{}")]
    out = []
    for i in range(count):
        fw, pattern = frameworks[i % 3]
        cred = credential(
            f"Badge {i}",
            issuer=ISSUERS[i % 2],
            achievement_id=f"https://acme.example/a/{i}",
            alignments=[align(f"Skill {i % 300}", fw, pattern.format(i % 300)), align(f"Skill {i % 7}", fw)],
            tags=[f"tag {i % 50}", "Teamwork"],
            issued=datetime(2015 + i % 10, 1 + i % 12, 1, tzinfo=UTC),
            related=[Related(id=f"https://acme.example/a/{i + 7}", relation="precedes")],
        )
        out.append(record(f"r{i}", cred, ("valid", "expired", None)[i % 3]))
    return out


def test_one_change_in_ten_thousand_is_cheap() -> None:
    """The point of the index: a change costs what it touches (bench/skills.py has the real numbers)."""
    records = _large(10_000)
    index = SkillIndex(records, now=NOW)
    index.map()
    timings = []
    for verdict in ("revoked", "valid", "expired", "valid"):
        started = time.perf_counter()
        index.update([replace(records[4321], verdict=verdict)])
        index.map()
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.2, timings  # ~10 ms on a laptop; generous for a loaded CI machine
    assert index.map().skill("name:teamwork") is not None


# --------------------------------------------------------------------------- slim credentials


def _corpus() -> list[SkillInput]:
    """Every credential the repository's test data holds that the parsers read: real shapes, real documents."""
    from wallet.errors import WalletError
    from wallet.formats import parse

    data = Path(__file__).resolve().parents[1] / "data"
    out: list[SkillInput] = []
    for path in sorted(data.rglob("*")):
        if path.suffix not in (".json", ".png", ".svg", ".jwt") or path.stat().st_size > 2_000_000:
            continue
        try:
            found = parse(path.read_bytes(), path.name)
        except (WalletError, ValueError, RecursionError):
            continue
        out += [SkillInput(f"{path.name}#{i}", c, VERDICTS[len(out) % len(VERDICTS)]) for i, c in enumerate(found)]
    return out


def test_slim_credentials_give_the_same_map() -> None:
    """The app keeps slim credentials; the map must not notice."""
    records = _corpus() + clr_records(split=False) + random_wallet(random.Random(5), 40)
    assert len(records) > 100
    slim = [replace(r, credential=slim_credential(r.credential)) for r in records]
    same(build_map(slim, now=NOW), records, NOW)
    assert all(not s.credential.original and not s.credential.payload for s in slim)
    with_documents = [r for r in records if r.credential.document]
    assert sum(len(json.dumps(slim_credential(r.credential).document, default=str)) for r in with_documents) < (
        sum(len(json.dumps(r.credential.document, default=str)) for r in with_documents) / 2
    )
