"""parse_target, target_from_credential and gap_report with explainable matches."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from skillfactory import DATA, ESCO, NOW, ONET, align, clr_records, credential, record

from wallet.errors import FormatError, LimitExceeded
from wallet.model import Result, ResultDescription
from wallet.skills import (
    MISSING,
    PROVEN,
    REASON_CODE,
    REASON_NAME,
    REASON_SYNONYM,
    STALE_ONLY,
    GapReport,
    SkillInput,
    TargetSkill,
    build_map,
    gap_report,
    parse_target,
    render_gap_text,
    target_from_credential,
)

# --------------------------------------------------------------------------- parse_target


def test_plain_list_one_per_line_with_bullets() -> None:
    target = parse_target("- SQL\n* Python\n\n1. Data visualisation\n• Tableau\nsql\n")
    assert target.mode == "list"
    assert [s.name for s in target.skills] == ["SQL", "Python", "Data visualisation", "Tableau"]


def test_comma_separated_list() -> None:
    target = parse_target("SQL, Python; C++, .NET")
    assert [s.name for s in target.skills] == ["SQL", "Python", "C++", ".NET"]


def test_job_posting_is_free_text() -> None:
    posting = "We are hiring a junior analyst.\nYou will write SQL every day and present results to clients."
    target = parse_target(posting)
    assert (target.mode, target.skills, target.text) == ("text", (), posting)


def test_mode_can_be_forced() -> None:
    assert parse_target("Python.", mode="list").skills == (TargetSkill("Python."),)
    assert parse_target("SQL, Python", mode="text").mode == "text"


def test_role_file() -> None:
    target = parse_target((DATA / "data_analyst_role.json").read_text(encoding="utf-8"))
    assert (target.name, target.mode, len(target.skills)) == ("Junior Data Analyst", "json", 7)
    assert target.skills[0] == TargetSkill("SQL", ESCO, "S1.5.2")
    assert target.skills[2].synonyms == ("analytical thinking",)
    assert target.skills[6] == TargetSkill("Spreadsheet software")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"name": "x"}', '"skills" list'),
        ('{"skills": []}', "lists no skills"),
        ('{"skills": [{"framework": "ESCO"}]}', "Skill 1 in the role file has no name"),
        ('{"skills": [{"name": "A", "synonyms": [1]}]}', '"synonyms"'),
        ('{"skills": [42]}', "neither a name nor an object"),
        ("   \n ", "empty"),
    ],
)
def test_bad_targets_say_why(text: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_target(text)


def test_target_size_is_capped() -> None:
    with pytest.raises(LimitExceeded):
        parse_target("x" * 1_000_001)


def test_target_from_clr_uses_the_pathway_alignments() -> None:
    clr = clr_records(split=False)[0].credential
    target = target_from_credential(clr)
    assert target.mode == "credential"
    assert [(s.name, s.framework, s.code) for s in target.skills] == [
        ("Data Visualization", ONET, "4.A.3.b.4"),
        ("Tableau", None, None),
        ("Statistical Analysis", ESCO, "S2.7.1"),
        ("Spreadsheet software", ESCO, "S5.6.1"),
        ("SQL", ESCO, "S1.5.2"),
    ]


def test_target_from_tags_only_achievement() -> None:
    target = target_from_credential(credential("Team Lead", tags=["Leadership", "Coaching"]))
    assert [s.name for s in target.skills] == ["Leadership", "Coaching"]


# --------------------------------------------------------------------------- gap report


def _wallet() -> list[SkillInput]:
    """CLR pathway (SQL, spreadsheets) + Python + expired critical thinking + an assessed badge."""
    rd = ResultDescription(id="urn:rd:rubric", name="Rubric", result_type="RubricCriterionLevel")
    return [
        *clr_records(split=True),
        record(
            "py",
            credential(
                "Python for Data",
                alignments=[align("Python programming", ESCO, "S1.2.1")],
                result_descriptions=[rd],
                results=[Result(result_description="urn:rd:rubric", achieved_level="Proficient")],
            ),
        ),
        record(
            "ct",
            credential(
                "Critical Thinking Essentials",
                alignments=[align("Critical Thinking", ONET, "2.A.2.a")],
                issued=datetime(2020, 1, 1, tzinfo=UTC),
                valid_until=datetime(2023, 1, 1, tzinfo=UTC),
            ),
        ),
        record("revoked", credential("Analytical Thinking", tags=["analytical thinking"]), "revoked"),
    ]


def _role_report() -> GapReport:
    skill_map = build_map(_wallet(), now=NOW)
    return gap_report(skill_map, parse_target((DATA / "data_analyst_role.json").read_text(encoding="utf-8")))


def test_role_gap_report_statuses_and_reasons() -> None:
    report = _role_report()
    got = {i.skill.name: (i.status, [(m.skill_name, m.reason, m.matched) for m in i.matches]) for i in report.items}
    assert got == {
        "SQL": (PROVEN, [("SQL", REASON_CODE, "ESCO S1.5.2")]),
        "Python (computer programming)": (PROVEN, [("Python programming", REASON_CODE, "ESCO S1.2.1")]),
        "Critical thinking": (
            STALE_ONLY,
            [
                ("Critical Thinking", REASON_NAME, "Critical thinking"),
                ("analytical thinking", REASON_SYNONYM, "analytical thinking"),
            ],
        ),
        "Statistics": (MISSING, []),
        "Data visualisation": (MISSING, []),
        "Project management": (MISSING, []),
        "Spreadsheet software": (PROVEN, [("Spreadsheet software", REASON_NAME, "Spreadsheet software")]),
    }
    assert report.counts() == {"proven": 3, "stale": 1, "missing": 3}


def test_proven_items_carry_badges_freshness_and_assessment() -> None:
    items = {i.skill.name: i for i in _role_report().items}
    python = items["Python (computer programming)"]
    assert (python.freshness, python.assessed) == ("fresh", True)
    assert [(p.record_id, p.assessment) for p in python.proofs] == [("py", "Rubric: Proficient")]
    assert python.suggestions == ()
    stale = items["Critical thinking"]
    assert stale.freshness == "stale" and not stale.assessed
    assert sorted(p.reason for p in stale.proofs) == ["expired", "revoked"]


def test_missing_items_suggest_achievements_that_would_prove_them() -> None:
    items = {i.skill.name: i for i in _role_report().items}
    stats = items["Statistics"].suggestions
    assert [(s.name, s.reason, s.url) for s in stats] == [
        ("Data Analytics Certificate", REASON_SYNONYM, "https://uni.example/programs/data-analytics")
    ]
    assert stats[0].via == ("DA 101 Spreadsheets for Analysis", "DA 201 SQL for Analysts")
    viz = items["Data visualisation"].suggestions
    assert [(s.name, s.reason, s.via) for s in viz] == [
        ("DA 301 Data Visualisation", REASON_SYNONYM, ("DA 201 SQL for Analysts",))
    ]
    assert items["Project management"].suggestions == ()


def test_code_match_beats_name_and_a_different_code_blocks_a_name_match() -> None:
    skill_map = build_map(
        [
            record("esco", credential("A", alignments=[align("Programming", ESCO, "S1.2.0")])),
            record("onet", credential("B", alignments=[align("Programming", ONET, "2.B.3.e")])),
        ],
        now=NOW,
    )
    role = parse_target(json.dumps({"skills": [{"name": "Programming", "framework": "esco", "code": "S1.2.9"}]}))
    [item] = gap_report(skill_map, role).items
    # ESCO S1.2.0 is a different code in the same framework: never matched by its name.
    onet_key = "code:o%2Anet-soc%20content%20model:2.b.3.e"
    assert [(m.skill_key, m.reason) for m in item.matches] == [(onet_key, REASON_NAME)]


def test_free_text_matches_whole_phrases_only() -> None:
    skill_map = build_map(
        [
            *_wallet(),
            record("java", credential("Java SE", tags=["Java"])),
            record("cpp", credential("Modern C++", tags=["C++"])),
        ],
        now=NOW,
    )
    posting = (
        "Junior Data Analyst (m/f/d)\n"
        "You know SQL and C++, and some JavaScript. Experience with TABLEAU dashboards and\n"
        "statistical   analysis is a plus. Critical-thinking matters."
    )
    report = gap_report(skill_map, parse_target(posting))
    got = {i.skill.name: i.status for i in report.items}
    assert got == {
        "SQL": PROVEN,
        "C++": PROVEN,
        "Tableau": MISSING,
        "Statistical Analysis": MISSING,
    }
    sql = next(i for i in report.items if i.skill.name == "SQL")
    assert [(m.reason, m.matched, m.detail) for m in sql.matches] == [(REASON_NAME, "sql", "found in the pasted text")]
    tableau = next(i for i in report.items if i.skill.name == "Tableau")
    assert [s.name for s in tableau.suggestions] == ["DA 301 Data Visualisation"]
    assert report.notes and "whole phrase" in report.notes[0]


def test_gap_report_json_shape() -> None:
    data = json.loads(_role_report().to_json())
    assert data["schema"] == "badgewallet.skills-gap/1"
    assert data["target"] == {"name": "Junior Data Analyst", "mode": "json", "skills": 7}
    assert data["counts"] == {"proven": 3, "stale": 1, "missing": 3}
    first = data["items"][0]
    assert set(first) == {"skill", "status", "freshness", "assessed", "matches", "badges", "suggestions"}
    assert first["matches"][0]["reason"] == "same framework code"
    assert first["badges"][0]["date"] == "2024-05-20T00:00:00+00:00"


def test_render_gap_text() -> None:
    out = render_gap_text(_role_report())
    assert out.startswith("Target: Junior Data Analyst - 3 proven, 1 stale, 3 missing\n")
    assert "  [proven] SQL (ESCO S1.5.2)\n      matched 'SQL': same framework code (ESCO S1.5.2)" in out
    assert "fresh: Python for Data (Acme Academy, 2024-03-01, valid) - Rubric: Proficient" in out
    assert "  [missing] Statistics\n      earn: Data Analytics Certificate - Example University" in out


def test_short_names_in_free_text_must_match_case() -> None:
    skill_map = build_map(
        [record("it", credential("IT Support", tags=["IT"])), record("r", credential("Stats in R", tags=["R"]))],
        now=NOW,
    )
    assert gap_report(skill_map, parse_target("Make it work, and make it fast; we are a small team.")).items == ()
    found = gap_report(skill_map, parse_target("You will join our IT team and write reports in R every week."))
    assert sorted(i.skill.name for i in found.items) == ["IT", "R"]


def test_bracket_paste_that_is_not_json_is_read_as_a_list() -> None:
    target = parse_target("[x] Python\n[ ] SQL")
    assert target.mode == "list" and [s.name for s in target.skills] == ["[x] Python", "[ ] SQL"]
    assert parse_target('["SQL", {"name": "Python", "code": "S1.2.1", "framework": "ESCO"}]').mode == "json"
