"""Stacks and "earn next" from CLR associations and OB 3.0 related achievements."""

from __future__ import annotations

from skillfactory import ACME, NOW, STATE, UNI, clr_records, credential, record

from wallet.model import Related
from wallet.skills import build_map, earn_next, stacks

DA = "https://uni.example/achievements/"


def test_clr_chain_is_one_ordered_stack() -> None:
    found = stacks(build_map(clr_records(split=True), now=NOW))
    assert len(found) == 1
    stack = found[0]
    assert [(s.achievement_id.removeprefix(DA), s.held) for s in stack.steps] == [
        ("da-101", True),
        ("da-201", True),
        ("da-301", False),
        ("data-analytics-certificate", False),
    ]
    assert stack.name == "Data Analytics Certificate"
    assert (stack.held_count, stack.issuers) == (2, ("Example University",))
    assert stack.steps[0].record_ids == ("clr-1",)


def test_clr_earn_next_names_the_next_course_and_the_certificate() -> None:
    suggestions = {e.achievement_id.removeprefix(DA): e for e in earn_next(build_map(clr_records(), now=NOW))}
    assert set(suggestions) == {"da-301", "data-analytics-certificate"}
    course = suggestions["da-301"]
    assert (course.relation, course.via_names) == ("next", ("DA 201 SQL for Analysts",))
    assert course.url == "https://uni.example/courses/da-301"
    assert course.skills == ("Data Visualization", "Tableau")
    cert = suggestions["data-analytics-certificate"]
    assert cert.relation == "parent"
    assert cert.via_records == ("clr-1", "clr-2")
    assert (cert.issuer, cert.issuer_url, cert.url) == (
        "Example University",
        "https://uni.example/programs",
        "https://uni.example/programs/data-analytics",
    )


def test_unsplit_clr_gives_the_same_stack_held_by_the_clr_record() -> None:
    found = stacks(build_map(clr_records(split=False), now=NOW))
    assert [s.record_ids for s in found[0].steps if s.held] == [("clr",), ("clr",)]
    assert {e.achievement_id.removeprefix(DA) for e in earn_next(build_map(clr_records(split=False), now=NOW))} == {
        "da-301",
        "data-analytics-certificate",
    }


def test_related_achievements_join_a_same_issuer_pathway() -> None:
    level1 = credential(
        "Cloud Practitioner I",
        achievement_id="https://acme.example/badges/cloud-1",
        related=[Related(id="https://acme.example/badges/cloud-2", relation="precedes", name="Cloud Practitioner II")],
    )
    level2 = credential(
        "Cloud Practitioner II",
        achievement_id="https://acme.example/badges/cloud-2",
        related=[Related(id="https://acme.example/badges/cloud-3", relation="precedes", name="Cloud Architect")],
    )
    skill_map = build_map([record("l2", level2), record("l1", level1)], now=NOW)
    [stack] = stacks(skill_map)
    assert [s.name for s in stack.steps] == ["Cloud Practitioner I", "Cloud Practitioner II", "Cloud Architect"]
    [nxt] = earn_next(skill_map)
    assert (nxt.name, nxt.relation, nxt.url, nxt.issuer, nxt.issuer_url) == (
        "Cloud Architect",
        "next",
        "https://acme.example/badges/cloud-3",
        "Acme Academy",
        "https://acme.example",
    )


def test_plain_related_is_suggested_but_orders_by_date() -> None:
    a = credential(
        "Git Basics", achievement_id="urn:a", related=[Related(id="urn:b"), Related(id="urn:c", name="Git Pro")]
    )
    b = credential("Git Branching", achievement_id="urn:b", issued=NOW.replace(year=2023))
    skill_map = build_map([record("a", a), record("b", b)], now=NOW)
    [stack] = stacks(skill_map)
    assert [s.name for s in stack.steps] == ["Git Branching", "Git Basics", "Git Pro"]
    assert [(e.name, e.relation) for e in earn_next(skill_map)] == [("Git Pro", "related")]


def test_prerequisites_and_children_of_held_achievements_are_not_suggested() -> None:
    doc = {
        "credentialSubject": {
            "association": [
                {"associationType": "precedes", "sourceId": "urn:prereq", "targetId": "urn:held"},
                {"associationType": "isParentOf", "sourceId": "urn:held", "targetId": "urn:child"},
                {"associationType": "isParentOf", "sourceId": "urn:grand", "targetId": "urn:held"},
                {"associationType": "exactMatchOf", "sourceId": "urn:held", "targetId": "urn:alias"},
                {"associationType": "replacedBy", "sourceId": "urn:held", "targetId": "urn:v2"},
            ]
        }
    }
    held = credential("Held", achievement_id="urn:held", document=doc)
    suggestions = {e.achievement_id: e.relation for e in earn_next(build_map([record("h", held)], now=NOW))}
    assert suggestions == {"urn:grand": "parent", "urn:v2": "newer version"}


def test_a_cycle_still_gives_every_step_once() -> None:
    a = credential("A", achievement_id="urn:a", related=[Related(id="urn:b", relation="precedes")])
    b = credential("B", achievement_id="urn:b", related=[Related(id="urn:a", relation="precedes")])
    [stack] = stacks(build_map([record("a", a), record("b", b)], now=NOW))
    assert sorted(s.achievement_id for s in stack.steps) == ["urn:a", "urn:b"]


def test_single_held_badge_is_not_a_stack() -> None:
    a = credential("A", achievement_id="urn:a", related=[Related(id="urn:b", relation="precedes")])
    skill_map = build_map([record("a", a)], now=NOW)
    assert stacks(skill_map) == []
    assert [e.achievement_id for e in earn_next(skill_map)] == ["urn:b"]


def test_links_between_different_issuers_report_both() -> None:
    a = credential("A", issuer=ACME, achievement_id="urn:a", related=[Related(id="urn:b", relation="precedes")])
    b = credential("B", issuer=STATE, achievement_id="urn:b", related=[Related(id="urn:c", relation="isChildOf")])
    c = credential("C", issuer=UNI, achievement_id="urn:c", achievement_type="Certificate")
    [stack] = stacks(build_map([record("c", c), record("a", a), record("b", b)], now=NOW))
    assert [s.name for s in stack.steps] == ["A", "B", "C"]
    assert stack.issuers == ("Acme Academy", "State Workforce Board", "Example University")
