"""build_map: merging rules, freshness, micro/macro, heat map, JSON, text, top skills."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from skillfactory import ACME, ESCO, NOW, ONET, STATE, align, clr_records, credential, ob2_badge, record

from wallet.model import Result, ResultDescription
from wallet.skills import (
    FRESH,
    MACRO,
    MICRO,
    STALE,
    UNVERIFIED,
    Skill,
    SkillMap,
    build_map,
    freshness_of,
    render_text,
    top_skills,
)


def by_name(skill_map: SkillMap, name: str) -> list[Skill]:
    return [s for s in skill_map.skills if s.name == name]


def one(skill_map: SkillMap, name: str) -> Skill:
    found = by_name(skill_map, name)
    assert len(found) == 1, [s.key for s in found]
    return found[0]


# --------------------------------------------------------------------------- identity and merging


def test_same_framework_code_under_two_names_is_one_skill() -> None:
    records = [
        record("r1", credential("Intro", alignments=[align("Python (computer programming)", ESCO, "S1.2.1")])),
        record("r2", credential("Scripting", alignments=[align("Python programming", ESCO, "S1.2.1")])),
        record("r3", credential("Automation", alignments=[align("Python (computer programming)", "esco", "s1.2.1")])),
    ]
    skill_map = build_map(records, now=NOW)
    assert len(skill_map.skills) == 1
    python = skill_map.skills[0]
    assert python.name == "Python (computer programming)"  # the most common spelling
    assert python.aliases == ("Python programming",)
    assert (python.framework, python.code, python.group) == (ESCO, "S1.2.1", ESCO)
    assert [p.record_id for p in python.proofs] == ["r1", "r2", "r3"]


def test_different_codes_are_never_merged() -> None:
    """Rule: a code identifies a skill only within its framework; same name ≠ same skill."""
    records = [
        record("onet", credential("A", alignments=[align("Programming", ONET, "2.B.3.e")])),
        record("esco", credential("B", alignments=[align("Programming", ESCO, "S1.2.0")])),
        record("esco2", credential("C", alignments=[align("Programming", ESCO, "S1.2.9")])),
        record("same-code-other-fw", credential("D", alignments=[align("Programming", "Acme Skills", "2.B.3.e")])),
    ]
    skill_map = build_map(records, now=NOW)
    programming = by_name(skill_map, "Programming")
    assert len(programming) == 4
    assert {(s.framework, s.code) for s in programming} == {
        (ONET, "2.B.3.e"),
        (ESCO, "S1.2.0"),
        (ESCO, "S1.2.9"),
        ("Acme Skills", "2.B.3.e"),
    }
    assert all(len(s.proofs) == 1 for s in programming)


def test_tag_joins_the_one_coded_skill_of_that_name() -> None:
    records = [
        record("coded", credential("SQL Basics", alignments=[align("SQL", ESCO, "S1.5.2")])),
        record("tagged", ob2_badge("Query Ninja", tags=["sql", "databases"])),
    ]
    skill_map = build_map(records, now=NOW)
    sql = one(skill_map, "SQL")
    assert sql.code == "S1.5.2"
    assert {(p.record_id, p.source) for p in sql.proofs} == {("coded", "alignment"), ("tagged", "tag")}
    assert one(skill_map, "databases").group == "Other"


def test_tag_stays_apart_when_the_name_is_ambiguous() -> None:
    records = [
        record("onet", credential("A", alignments=[align("Programming", ONET, "2.B.3.e")])),
        record("esco", credential("B", alignments=[align("Programming", ESCO, "S1.2.0")])),
        record("tag", credential("C", tags=["programming"])),
    ]
    skill_map = build_map(records, now=NOW)
    assert len(by_name(skill_map, "Programming")) == 2
    tag_only = one(skill_map, "programming")
    assert tag_only.code is None and [p.record_id for p in tag_only.proofs] == ["tag"]


def test_names_are_never_merged_by_similarity() -> None:
    records = [record("r1", credential("A", tags=["Data analysis", "Data analytics", "data-analysis"]))]
    names = sorted(s.name for s in build_map(records, now=NOW).skills)
    assert names == ["Data analysis", "Data analytics", "data-analysis"]


def test_ob2_alignments_and_tags() -> None:
    badge = ob2_badge(
        "Science Literacy",
        alignments=[
            align(
                "Follow a multistep procedure",
                "Common Core State Standards",
                "CCSS.ELA-Literacy.RST.11-12.3",
                "http://www.corestandards.org/ELA-Literacy/RST/11-12/3",
            )
        ],
        tags=["science", "Reading"],
    )
    skill_map = build_map([record("ob2", badge, None)], now=NOW)
    ccss = one(skill_map, "Follow a multistep procedure")
    assert ccss.group == "Common Core State Standards"
    assert ccss.url == "http://www.corestandards.org/ELA-Literacy/RST/11-12/3"
    assert {s.name for s in skill_map.skills} == {"Follow a multistep procedure", "science", "Reading"}
    assert all(s.freshness == UNVERIFIED for s in skill_map.skills)
    assert skill_map.credentials[0].kind == MICRO


def test_state_framework_groups_with_one_display_name() -> None:
    records = [
        record("a", credential("A", alignments=[align("Workplace safety", "Ohio Workforce Skills", "WS.1")])),
        record("b", credential("B", alignments=[align("Teamwork", "ohio workforce skills", "WS.4")])),
        record("c", credential("C", tags=["Leadership"])),
    ]
    skill_map = build_map(records, now=NOW)
    assert [(g.name, len(g.skill_keys)) for g in skill_map.groups] == [("Ohio Workforce Skills", 2), ("Other", 1)]


# --------------------------------------------------------------------------- freshness


def test_freshness_rules() -> None:
    past, future = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    assert freshness_of("valid", None, NOW) == (FRESH, "valid")
    assert freshness_of("valid", future, NOW) == (FRESH, "valid")
    assert freshness_of("valid", past, NOW) == (STALE, "expired")
    assert freshness_of("valid", datetime(2025, 1, 1), NOW) == (STALE, "expired")  # naive = UTC
    assert freshness_of("revoked", future, NOW) == (STALE, "revoked")
    assert freshness_of("tampered", None, NOW) == (STALE, "tampered")
    assert freshness_of("incomplete", None, NOW) == (UNVERIFIED, "incomplete")
    assert freshness_of(None, None, NOW) == (UNVERIFIED, "not_checked")


def test_stale_badges_are_counted_apart() -> None:
    cpr = [align("Cardiopulmonary resuscitation", ESCO, "S3.4.1")]
    records = [
        record("old", credential("CPR 2021", alignments=cpr, issued=datetime(2021, 5, 1, tzinfo=UTC)), "expired"),
        record("revoked", credential("CPR 2022", alignments=cpr, issued=datetime(2022, 5, 1, tzinfo=UTC)), "revoked"),
        record(
            "by-date",
            credential(
                "CPR 2023",
                alignments=cpr,
                issued=datetime(2023, 5, 1, tzinfo=UTC),
                valid_until=datetime(2025, 5, 1, tzinfo=UTC),
            ),
            "valid",
        ),
        record("forklift", credential("Forklift", tags=["Forklift operation"]), "valid"),
    ]
    skill_map = build_map(records, now=NOW)
    cpr_skill = one(skill_map, "Cardiopulmonary resuscitation")
    assert cpr_skill.freshness == STALE
    assert (cpr_skill.fresh, cpr_skill.unverified, cpr_skill.stale) == (0, 0, 3)
    assert [p.reason for p in cpr_skill.proofs] == ["expired", "revoked", "expired"]
    assert cpr_skill.first == datetime(2021, 5, 1, tzinfo=UTC)
    assert cpr_skill.latest == datetime(2023, 5, 1, tzinfo=UTC)
    assert one(skill_map, "Forklift operation").freshness == FRESH
    counts = skill_map.to_dict()["counts"]
    assert (counts["fresh_skills"], counts["stale_skills"]) == (1, 1)


def test_one_fresh_badge_makes_the_skill_fresh() -> None:
    sql = [align("SQL", ESCO, "S1.5.2")]
    records = [
        record("expired", credential("SQL I", alignments=sql), "expired"),
        record("valid", credential("SQL II", alignments=sql, issuer=STATE), "valid"),
    ]
    skill = one(build_map(records, now=NOW), "SQL")
    assert skill.freshness == FRESH and (skill.fresh, skill.stale) == (1, 1)
    assert skill.issuers == ("Acme Academy", "State Workforce Board")


def test_assessment_backed_proof() -> None:
    rd = ResultDescription(id="urn:rd:rubric", name="Rubric", result_type="RubricCriterionLevel")
    assessed = credential(
        "SQL Practitioner",
        alignments=[align("SQL", ESCO, "S1.5.2")],
        result_descriptions=[rd],
        results=[Result(result_description="urn:rd:rubric", achieved_level="Proficient")],
        credits=3.0,
    )
    plain = credential("SQL Intro", alignments=[align("SQL", ESCO, "S1.5.2")], tags=["Excel"])
    skill_map = build_map([record("a", assessed), record("p", plain)], now=NOW)
    sql = one(skill_map, "SQL")
    assert sql.assessed
    assert {p.record_id: p.assessment for p in sql.proofs} == {"a": "Rubric: Proficient", "p": None}
    assert {p.record_id: p.credits for p in sql.proofs} == {"a": 3.0, "p": None}
    assert not one(skill_map, "Excel").assessed


# --------------------------------------------------------------------------- micro / macro, CLR


def test_micro_and_macro_credentials() -> None:
    records = [
        record("badge", credential("Git Basics", achievement_type="Badge", tags=["Git"])),
        record("micro", credential("Cloud Fundamentals", achievement_type="MicroCredential", tags=["Cloud"])),
        record("degree", credential("BSc Computer Science", achievement_type="BachelorDegree", tags=["Git"])),
        record("cert", credential("CompTIA Security+", achievement_type="Certification", tags=["Security"])),
    ]
    skill_map = build_map(records, now=NOW)
    assert {c.record_id: c.kind for c in skill_map.credentials} == {
        "badge": MICRO,
        "micro": MICRO,
        "degree": MACRO,
        "cert": MACRO,
    }
    assert {p.record_id: p.kind for p in one(skill_map, "Git").proofs} == {"badge": MICRO, "degree": MACRO}


def test_clr_split_into_records_counts_each_skill_once() -> None:
    skill_map = build_map(clr_records(split=True), now=NOW)
    kinds = {c.record_id: c.kind for c in skill_map.credentials}
    assert kinds == {"clr": MACRO, "clr-1": MICRO, "clr-2": MICRO}
    sql = one(skill_map, "SQL")
    assert [p.record_id for p in sql.proofs] == ["clr-2"]
    assert {s.name for s in skill_map.skills} == {"SQL", "Spreadsheet software"}


def test_clr_not_split_is_read_from_its_document() -> None:
    skill_map = build_map(clr_records(split=False), now=NOW)
    sql = one(skill_map, "SQL")
    assert [(p.record_id, p.badge, p.kind) for p in sql.proofs] == [("clr", "DA 201 SQL for Analysts", MICRO)]
    assert sql.first == datetime(2024, 5, 20, tzinfo=UTC)
    assert [c.record_id for c in skill_map.credentials] == ["clr"]


def test_parent_in_clr_structure_is_macro() -> None:
    doc = {
        "credentialSubject": {
            "association": [
                {"associationType": "isChildOf", "sourceId": "urn:ach:module", "targetId": "urn:ach:program"}
            ]
        }
    }
    records = [
        record("module", credential("Module", achievement_id="urn:ach:module", achievement_type="Course")),
        record("program", credential("Program", achievement_id="urn:ach:program", achievement_type="Course")),
        record("clr", credential("Record", achievement_type=None, document=doc, types=("ClrCredential",))),
    ]
    kinds = {c.record_id: c.kind for c in build_map(records, now=NOW).credentials}
    assert kinds == {"module": MICRO, "program": MACRO, "clr": MACRO}


# --------------------------------------------------------------------------- heat map, JSON, text, top skills


def _heat_records() -> list:
    python = [align("Python (computer programming)", ESCO, "S1.2.1")]
    return [
        record("p21", credential("Py 1", alignments=python, issued=datetime(2021, 2, 1, tzinfo=UTC)), "expired"),
        record("p24a", credential("Py 2", alignments=python, issued=datetime(2024, 2, 1, tzinfo=UTC))),
        record("p24b", credential("Py 3", issuer=STATE, alignments=python, issued=datetime(2024, 8, 1, tzinfo=UTC))),
        record("undated", credential("Py 4", alignments=python, issued=None), None),
    ]


def test_heat_map_cells_per_year_and_issuer() -> None:
    skill_map = build_map(_heat_records(), now=NOW)
    key = skill_map.skills[0].key
    years = {c.column: (c.count, c.fresh, c.stale, c.weight) for c in skill_map.year_heat if c.skill_key == key}
    assert years == {"2021": (1, 0, 1, 0.25), "2024": (2, 2, 0, 2.0), "unknown": (1, 0, 0, 0.5)}
    issuers = {c.column: (c.count, c.weight) for c in skill_map.issuer_heat}
    assert issuers == {"Acme Academy": (3, 1.75), "State Workforce Board": (1, 1.0)}


def test_to_json_is_stable_and_plain() -> None:
    skill_map = build_map(_heat_records() + clr_records(split=True), now=NOW)
    text = skill_map.to_json()
    assert text == build_map(_heat_records() + clr_records(split=True), now=NOW).to_json()
    data = json.loads(text)
    assert data["schema"] == "badgewallet.skills-map/1"
    assert data["generated"] == "2025-06-01T00:00:00+00:00"
    assert set(data) == {
        *("schema", "generated", "counts", "skills", "groups", "heat", "credentials", "stacks", "earn_next")
    }
    python = next(s for s in data["skills"] if s["code"] == "S1.2.1")
    assert python["first"] == "2021-02-01T00:00:00+00:00"
    assert python["counts"] == {"fresh": 2, "unverified": 1, "stale": 1}
    assert [b["record_id"] for b in python["badges"]] == ["p21", "p24a", "p24b", "undated"]
    assert data["counts"]["credentials"] == 7 and data["counts"]["macro"] == 1
    assert [s["name"] for s in data["stacks"]] == ["Data Analytics Certificate"]


def test_render_text_mentions_groups_stale_and_next_steps() -> None:
    out = render_text(build_map(_heat_records() + clr_records(split=True), now=NOW))
    assert "Skills: 3 from 7 credentials (6 micro, 1 macro)" in out
    assert "  Python (computer programming) [S1.2.1]: 4 badges, 2 issuer(s), 2021-2024, fresh (1 stale)" in out
    assert "Stacks" in out and "DA 101 Spreadsheets for Analysis -> DA 201 SQL for Analysts" in out
    assert "Earn next" in out and "DA 301 Data Visualisation (next of DA 201 SQL for Analysts)" in out


def test_top_skills_leave_out_stale_ones() -> None:
    records = [
        *_heat_records(),
        record("cpr", credential("CPR", tags=["First aid"]), "revoked"),
        record("sql", credential("SQL", alignments=[align("SQL", ESCO, "S1.5.2")])),
    ]
    top = top_skills(build_map(records, now=NOW), 5)
    assert [t.name for t in top] == ["Python (computer programming)", "SQL"]
    assert [b.record_id for b in top[0].badges] == ["p24a", "p24b", "undated"]
    assert top_skills(build_map(records, now=NOW), 1)[0].name == "Python (computer programming)"
    assert top_skills(build_map(records, now=NOW), 0) == []


def test_empty_wallet() -> None:
    skill_map = build_map([], now=NOW)
    assert skill_map.skills == () and json.loads(skill_map.to_json())["counts"]["skills"] == 0
    assert "Skills: 0 from 0 credentials" in render_text(skill_map)


def test_ten_thousand_credentials_build_fast() -> None:
    frameworks = [(ESCO, "S1.{}"), (ONET, "2.B.{}"), ("Ohio Workforce Skills", "WS.{}")]
    records = []
    for i in range(10_000):
        fw, pattern = frameworks[i % 3]
        cred = credential(
            f"Badge {i}",
            issuer=ACME if i % 2 else STATE,
            achievement_id=f"https://acme.example/a/{i}",
            alignments=[align(f"Skill {i % 300}", fw, pattern.format(i % 300)), align(f"Skill {i % 7}", fw)],
            tags=[f"tag {i % 50}", "Teamwork"],
            issued=datetime(2015 + i % 10, 1 + i % 12, 1, tzinfo=UTC),
        )
        records.append(record(f"r{i}", cred, ("valid", "expired", None)[i % 3]))
    started = time.perf_counter()
    skill_map = build_map(records, now=NOW)
    elapsed = time.perf_counter() - started
    assert len(skill_map.credentials) == 10_000
    assert elapsed < 3.0, f"build_map took {elapsed:.2f}s"  # ~0.3 s on a laptop; generous for CI
