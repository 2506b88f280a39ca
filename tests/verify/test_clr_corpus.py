"""Conformance: CLR 2.0 ClrCredentials signed by the JavaScript reference libraries.

The corpus (tests/data/gen/js/out/clr, made by tests/data/gen/js/generate_clr.mjs with the
pinned @digitalbazaar/vc + eddsa-rdfc-2022 cryptosuite, did:key issuers) lists in
out/clr/INDEX.json each CLR's expected verdict, its own (proof/date) verdict, and for each
embedded AchievementCredential the expected verdict, all checked against the JS verifier when
generated.  Everything here is did:key, so it is verified offline.

A CLR's verdict is the worst of its own and its embedded credentials' (``Report.verdict``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from wallet.formats import parse
from wallet.model import Credential
from wallet.net import Fetcher
from wallet.verify import VerifyOptions, verify
from wallet.verify.report import Report

OUT = Path(__file__).parents[1] / "data" / "gen" / "js" / "out"
INDEX: list[dict[str, Any]] = json.loads((OUT / "clr" / "INDEX.json").read_text(encoding="utf-8"))
IDS = [e["file"] for e in INDEX]
NOW = datetime(2026, 6, 1, tzinfo=UTC)  # as in test_js_corpus.py: after 2025-01-01, before 2099


def _options() -> VerifyOptions:
    return VerifyOptions(fetcher=Fetcher(offline=True), now=NOW)


def _parse(entry: dict[str, Any]) -> tuple[Credential, list[Credential]]:
    credentials = parse((OUT / entry["file"]).read_bytes(), entry["file"])
    tops = [c for c in credentials if c.parent_id is None]
    assert len(tops) == 1, [c.id for c in credentials]
    clr = tops[0]
    return clr, [c for c in credentials if c.parent_id == clr.id]


def _verify(entry: dict[str, Any]) -> Report:
    clr, _ = _parse(entry)
    return verify(clr, _options())


def _dump(report: Report) -> str:
    return json.dumps(report.to_json(), indent=1)[:4000]


def test_corpus_is_complete_and_js_agrees() -> None:
    scenarios = {e["scenario"] for e in INDEX}
    assert scenarios == {
        "clr_valid",
        "clr_embedded_expired",
        "clr_embedded_bad_signature",
        "clr_edited_after_signing",
    }
    for entry in INDEX:
        assert entry["js_agrees"] is True, entry["file"]
        assert entry["contexts"][:3] == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
        assert len(entry["children"]) == 2


@pytest.mark.parametrize("entry", INDEX, ids=IDS)
def test_clr_verdict_matches_reference(entry: dict[str, Any]) -> None:
    clr, _ = _parse(entry)
    assert clr.format == "clr2"
    assert clr.id == entry["credential_id"]
    report = verify(clr, _options())
    assert report.verdict == entry["expected_verdict"], _dump(report)
    assert report.own_verdict == entry["expected_own_verdict"], _dump(report)


@pytest.mark.parametrize(
    "entry",
    [e for e in INDEX],
    ids=IDS,
)
def test_clr_report_has_one_child_report_per_embedded_credential(entry: dict[str, Any]) -> None:
    report = _verify(entry)
    expected = entry["children"]
    assert len(report.children) == len(expected), _dump(report)
    for child_report, child in zip(report.children, expected, strict=True):
        assert child_report.credential_id == child["credential_id"]
        assert child_report.verdict == child["expected_verdict"], _dump(child_report)


@pytest.mark.parametrize("entry", INDEX, ids=IDS)
def test_embedded_credentials_parse_and_verify_on_their_own(entry: dict[str, Any]) -> None:
    """parse() fans a CLR out into its AchievementCredentials (parent_id = the CLR's id)."""
    _, children = _parse(entry)
    expected = entry["children"]
    assert [c.id for c in children] == [k["credential_id"] for k in expected]
    for credential, child in zip(children, expected, strict=True):
        assert credential.issuer.id == child["issuer"]
        report = verify(credential, _options())
        assert report.verdict == child["expected_verdict"], _dump(report)


@pytest.mark.parametrize("entry", INDEX, ids=IDS)
def test_associations_link_the_embedded_achievements(entry: dict[str, Any]) -> None:
    _, children = _parse(entry)
    related = {(c.achievement.id, r.id, r.relation) for c in children for r in c.achievement.related}
    for assoc in entry["associations"]:
        assert (assoc["sourceId"], assoc["targetId"], assoc["associationType"]) in related
