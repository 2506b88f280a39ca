"""The skills map over credentials made by the real parser (wallet.formats), not by hand."""

from __future__ import annotations

from skillfactory import DATA, NOW

from wallet.formats.detect import parse
from wallet.skills import MACRO, SkillInput, build_map, earn_next, stacks


def test_parsed_clr_pathway() -> None:
    parsed = parse((DATA / "clr_pathway.json").read_bytes(), "clr_pathway.json")
    records = [SkillInput(f"rec-{i}", c, "valid") for i, c in enumerate(parsed)]
    skill_map = build_map(records, now=NOW)

    clr = next(c for c in skill_map.credentials if c.record_id == "rec-0")
    # The CLR lists DA 101 first; the listing is not an award, so the CLR itself proves nothing.
    assert (clr.kind, clr.achievement_id, clr.skill_keys) == (MACRO, None, ())
    assert {s.name: [p.record_id for p in s.proofs] for s in skill_map.skills} == {
        "Spreadsheet software": ["rec-1"],
        "SQL": ["rec-2"],
    }
    [stack] = stacks(skill_map)
    assert [(s.name, s.held) for s in stack.steps] == [
        ("DA 101 Spreadsheets for Analysis", True),
        ("DA 201 SQL for Analysts", True),
        ("DA 301 Data Visualisation", False),
        ("Data Analytics Certificate", False),
    ]
    assert {(e.name, e.relation) for e in earn_next(skill_map)} == {
        ("DA 301 Data Visualisation", "next"),
        ("Data Analytics Certificate", "parent"),
    }
