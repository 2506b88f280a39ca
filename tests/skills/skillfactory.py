"""Builders for skills tests: real-world-shaped credentials made from the model dataclasses."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wallet.model import (
    FORMAT_CLR2,
    FORMAT_OB2_HOSTED,
    FORMAT_OB3_JSON,
    Achievement,
    Alignment,
    Credential,
    Issuer,
    Related,
    Result,
    ResultDescription,
)
from wallet.skills import SkillInput

NOW = datetime(2025, 6, 1, tzinfo=UTC)
DATA = Path(__file__).resolve().parents[1] / "data" / "skills"

ONET = "O*NET-SOC Content Model"
ESCO = "ESCO"

ACME = Issuer(id="https://acme.example/issuer", name="Acme Academy", url="https://acme.example")
STATE = Issuer(id="did:web:skills.state.example", name="State Workforce Board", url="https://skills.state.example")
UNI = Issuer(id="https://uni.example/profile", name="Example University", url="https://uni.example")


def align(name: str, framework: str | None = None, code: str | None = None, url: str | None = None) -> Alignment:
    return Alignment(target_name=name, target_framework=framework, target_code=code, target_url=url)


def credential(
    name: str,
    *,
    issuer: Issuer = ACME,
    achievement_id: str | None = None,
    achievement_type: str | None = "Badge",
    alignments: Sequence[Alignment] = (),
    tags: Sequence[str] = (),
    issued: datetime | None = datetime(2024, 3, 1, tzinfo=UTC),
    valid_until: datetime | None = None,
    related: Sequence[Related] = (),
    results: Sequence[Result] = (),
    result_descriptions: Sequence[ResultDescription] = (),
    document: dict[str, Any] | None = None,
    fmt: str = FORMAT_OB3_JSON,
    types: Sequence[str] = ("VerifiableCredential", "OpenBadgeCredential"),
    credential_id: str | None = None,
    parent_id: str | None = None,
    field_of_study: str | None = None,
    credits: float | None = None,
) -> Credential:
    achievement = Achievement(
        id=achievement_id,
        name=name,
        achievement_type=achievement_type,
        alignments=tuple(alignments),
        tags=tuple(tags),
        related=tuple(related),
        result_descriptions=tuple(result_descriptions),
        field_of_study=field_of_study,
        credits_available=credits,
    )
    return Credential(
        id=credential_id,
        format=fmt,
        spec_version="3.0" if fmt != FORMAT_OB2_HOSTED else "2.0",
        name=name,
        issuer=issuer,
        achievement=achievement,
        payload="{}",
        document=document or {},
        types=tuple(types),
        issued=issued,
        valid_from=issued,
        valid_until=valid_until,
        results=tuple(results),
        parent_id=parent_id,
    )


def ob2_badge(name: str, *, alignments: Sequence[Alignment] = (), tags: Sequence[str] = (), **kw: Any) -> Credential:
    """An OB 2.0 assertion: BadgeClass alignments/tags live in Credential.achievement."""
    return credential(
        name,
        alignments=alignments,
        tags=tags,
        achievement_type=None,
        fmt=FORMAT_OB2_HOSTED,
        types=("Assertion",),
        **kw,
    )


def record(record_id: str, cred: Credential, verdict: str | None = "valid") -> SkillInput:
    return SkillInput(record_id=record_id, credential=cred, verdict=verdict)


def load_json(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def clr_records(*, split: bool = True, verdict: str = "valid") -> list[SkillInput]:
    """The CLR in tests/data/skills/clr_pathway.json, as the importer would store it.

    ``split=True``: the CLR plus one record per embedded credential (DESIGN.md);
    ``split=False``: only the CLR record, so the skills map must read the embedded JSON.
    """
    doc = load_json("clr_pathway.json")
    listed = doc["credentialSubject"]["achievement"][0]
    clr = credential(  # like wallet.formats: a CLR's achievement is the first one it lists
        listed["name"],
        issuer=UNI,
        achievement_id=listed["id"],
        achievement_type=listed["achievementType"],
        tags=["spreadsheets"],  # a listing's skills are not proven by the CLR itself
        fmt=FORMAT_CLR2,
        types=tuple(doc["type"]),
        credential_id=doc["id"],
        document=doc,
        issued=datetime(2024, 9, 1, tzinfo=UTC),
    )
    records = [record("clr", replace(clr, name=doc["name"]), verdict)]
    if split:
        for i, vc in enumerate(doc["credentialSubject"]["verifiableCredential"], start=1):
            ach = vc["credentialSubject"]["achievement"]
            embedded = credential(
                ach["name"],
                issuer=UNI,
                achievement_id=ach["id"],
                achievement_type=ach.get("achievementType"),
                alignments=[
                    align(a["targetName"], a.get("targetFramework"), a.get("targetCode"), a.get("targetUrl"))
                    for a in ach.get("alignment", [])
                ],
                credential_id=vc["id"],
                parent_id=doc["id"],
                issued=datetime.fromisoformat(vc["validFrom"]),
                document=vc,
            )
            records.append(record(f"clr-{i}", embedded, verdict))
    return records
