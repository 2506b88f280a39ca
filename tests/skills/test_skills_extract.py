"""Normalisation, skill identity and per-credential extraction."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from skillfactory import ESCO, ONET, align, clr_records, credential

from wallet.model import Result, ResultDescription
from wallet.skills import MACRO, MICRO, normalise_code, normalise_name
from wallet.skills.extract import (
    Normaliser,
    assessment_of,
    association_links,
    credential_kind,
    ref_from_alignment,
    skill_refs,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Python   Programming. ", "python programming"),
        ("- Data analysis;", "data analysis"),
        ("• SQL", "sql"),
        ("C#", "c#"),
        ("C++,", "c++"),
        (".NET", ".net"),
        ("Node.js", "node.js"),
        ("(Python)", "python"),
        ("Python (computer programming)", "python (computer programming)"),
        ("Python (computer programming", "python (computer programming"),
        ("Data\u00a0Analysis", "data analysis"),
        ("Work\u200bplace safety", "workplace safety"),
        ("ﬁnancial literacy", "financial literacy"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ('"Teamwork"', "teamwork"),
        ("...", ""),
    ],
)
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_normalise_code_keeps_inner_punctuation() -> None:
    assert normalise_code(" 15-1252.00 ") == "15-1252.00"
    assert normalise_code("S1.2.1") == normalise_code("s1.2.1") == "s1.2.1"


@given(st.text())
def test_normalise_name_is_idempotent(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert once == once.strip()
    assert "  " not in once


@given(st.text())
def test_normalise_code_is_idempotent(text: str) -> None:
    once = normalise_code(text)
    assert normalise_code(once) == once


@given(st.text(alphabet=st.characters(categories=("L", "N", "P", "Z", "S"))))
def test_names_that_normalise_alike_share_one_identity(text: str) -> None:
    norm = Normaliser()
    a = ref_from_alignment(align(text), "alignment", norm)
    b = ref_from_alignment(align(normalise_name(text)), "alignment", norm)
    assert (a.key if a else None) == (b.key if b else None)


def test_identity_prefers_framework_code() -> None:
    norm = Normaliser()
    one = ref_from_alignment(align("Python (computer programming)", ESCO, "S1.2.1"), "alignment", norm)
    two = ref_from_alignment(align("python programming", "esco", "s1.2.1"), "alignment", norm)
    assert one and two and one.key == two.key == ("code", "esco", "s1.2.1")


def test_bare_code_keeps_the_name_in_its_identity() -> None:
    norm = Normaliser()
    one = ref_from_alignment(align("Fractions", None, "1.2"), "alignment", norm)
    two = ref_from_alignment(align("Safety", None, "1.2"), "alignment", norm)
    assert one and two and one.key != two.key


def test_alignment_with_code_but_no_name_uses_the_code() -> None:
    ref = ref_from_alignment(align("", ONET, "2.A.2.a"), "alignment", Normaliser())
    assert ref is not None and ref.name == "2.A.2.a" and ref.key == ("code", normalise_name(ONET), "2.a.2.a")


def test_skill_refs_reads_alignments_tags_field_and_result_alignments() -> None:
    doc = {
        "credentialSubject": {
            "achievement": {
                "resultDescription": [
                    {
                        "id": "urn:rd:1",
                        "name": "Rubric",
                        "alignment": [{"targetName": "Written communication", "targetFramework": ESCO}],
                    }
                ]
            }
        }
    }
    cred = credential(
        "Report Writing",
        alignments=[align("Writing", ONET, "2.A.1.c")],
        tags=["writing", "  Technical   writing "],
        field_of_study="English",
        document=doc,
    )
    refs = skill_refs(cred, Normaliser())
    assert [(r.name, r.source) for r in refs] == [
        ("Writing", "alignment"),
        ("writing", "tag"),
        ("Technical writing", "tag"),
        ("English", "fieldOfStudy"),
        ("Written communication", "resultDescription"),
    ]


def test_assessment_reads_rubric_level_names_from_the_document() -> None:
    doc = {
        "credentialSubject": {
            "achievement": {
                "resultDescription": [
                    {
                        "id": "urn:rd:rubric",
                        "name": "Rubric",
                        "rubricCriterionLevel": [
                            {"id": "urn:level:2", "name": "Developing"},
                            {"id": "urn:level:3", "name": "Proficient"},
                        ],
                    }
                ]
            },
            "result": [{"resultDescription": "urn:rd:rubric", "achievedLevel": "urn:level:3"}],
        }
    }
    cred = credential(
        "SQL Practitioner",
        result_descriptions=[ResultDescription(id="urn:rd:rubric", name="Rubric", result_type="RubricCriterionLevel")],
        results=[Result(result_description="urn:rd:rubric", achieved_level="urn:level:3")],
        document=doc,
    )
    assert assessment_of(cred) == "Rubric: Proficient"


def test_assessment_ignores_failed_results_and_descriptions_alone() -> None:
    rd = ResultDescription(id="urn:rd:score", name="Exam score", result_type="Percent")
    assert assessment_of(credential("A", result_descriptions=[rd])) is None
    failed = credential("B", result_descriptions=[rd], results=[Result("urn:rd:score", value="41", status="Failed")])
    assert assessment_of(failed) is None
    passed = credential("C", result_descriptions=[rd], results=[Result("urn:rd:score", value="87")])
    assert assessment_of(passed) == "Exam score: 87"


@pytest.mark.parametrize(
    ("achievement_type", "kind"),
    [
        ("Badge", MICRO),
        ("MicroCredential", MICRO),
        ("Assessment", MICRO),
        ("ext:Workshop", MICRO),
        (None, MICRO),
        ("Certificate", MACRO),
        ("Certification", MACRO),
        ("BachelorDegree", MACRO),
        ("DoctoralDegree", MACRO),
        ("ProfessionalDoctorate", MACRO),
    ],
)
def test_credential_kind_by_achievement_type(achievement_type: str | None, kind: str) -> None:
    assert credential_kind(credential("X", achievement_type=achievement_type)) == kind


def test_clr_is_macro_and_its_associations_are_read() -> None:
    clr = clr_records(split=False)[0]
    assert credential_kind(clr.credential) == MACRO
    links = list(association_links("clr", clr.credential.document))
    assert {(lk.relation, lk.source.rsplit("/", 1)[1], lk.target.rsplit("/", 1)[1]) for lk in links} >= {
        ("precedes", "da-101", "da-201"),
        ("isChildOf", "da-201", "data-analytics-certificate"),
    }


def test_association_reader_tolerates_junk() -> None:
    doc = {
        "credentialSubject": [
            "did:example:1",
            {"associations": [None, {"associationType": "isChildOf", "sourceId": "a"}, {"sourceId": 3}]},
        ]
    }
    assert list(association_links("r", doc)) == []
