"""``resume.json``: the bundle's credentials in JSON Resume form.

Job sites and résumé builders import JSON Resume (jsonresume.org schema
1.0.0); ``certificates`` entries are ``{name, date, issuer, url}`` and
``skills`` entries ``{name, keywords}``, with the badges that prove a skill as
its keywords.  Keys whose value is unknown are left out rather than set to
null, because the schema types them as strings.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from wallet.export.portfolio import BadgeView, SkillView

SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"


def resume_document(badges: Sequence[BadgeView], skills: Sequence[SkillView], *, now: datetime) -> dict[str, Any]:
    certificates = []
    for badge in badges:
        entry: dict[str, Any] = {"name": badge.name}
        if badge.issued_iso:
            entry["date"] = badge.issued_iso
        entry["issuer"] = badge.issuer
        if badge.verify_url:
            entry["url"] = badge.verify_url
        certificates.append(entry)
    return {
        "$schema": SCHEMA_URL,
        "certificates": certificates,
        "skills": [{"name": s.name, "keywords": [name for _slug, name in s.badges]} for s in skills],
        "meta": {"lastModified": now.strftime("%Y-%m-%dT%H:%M:%S"), "version": "v1.0.0"},
    }


def resume_json(badges: Sequence[BadgeView], skills: Sequence[SkillView], *, now: datetime) -> bytes:
    return (json.dumps(resume_document(badges, skills, now=now), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
