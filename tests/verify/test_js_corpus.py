"""Conformance: every credential the JavaScript reference libraries produced gets the verdict it should.

The corpus (tests/data/gen/js/out, made by tests/data/gen/js/generate.mjs with pinned
@digitalbazaar/vc, cryptosuites and `jose`) lists each file's expected verdict in INDEX.json,
checked against the JS verifier when it was generated.  Files that name a did:web issuer or a
status list live on https://localhost:47443, so a real loopback TLS server on that port serves
the corpus's DID document, status lists and revocation list.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tlsserver import TestCA, TLSServer

from wallet.formats import parse
from wallet.net import Fetcher
from wallet.verify import VerifyOptions, verify
from wallet.verify.report import worst

OUT = Path(__file__).parents[1] / "data" / "gen" / "js" / "out"
INDEX: list[dict[str, Any]] = [e for e in json.loads((OUT / "INDEX.json").read_text()) if e.get("expected_verdict")]
CORPUS_PORT = 47443
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def corpus_server(test_ca: TestCA) -> Iterator[TLSServer]:
    saved = os.environ.get("REQUESTS_CA_BUNDLE")
    os.environ["REQUESTS_CA_BUNDLE"] = str(test_ca.ca_file)
    server = TLSServer(test_ca, port=CORPUS_PORT).start()
    for did_doc in (OUT / "didweb").rglob("did.json"):
        server.route("/" + did_doc.relative_to(OUT / "didweb").as_posix(), did_doc.read_bytes())
    for folder in ("status", "revocations"):
        for path in (OUT / folder).rglob("*.json"):
            server.route(f"/{folder}/" + path.relative_to(OUT / folder).as_posix()[:-5], path.read_bytes())
    try:
        yield server
    finally:
        server.stop()
        if saved is None:
            os.environ.pop("REQUESTS_CA_BUNDLE", None)
        else:
            os.environ["REQUESTS_CA_BUNDLE"] = saved


def _verdict(entry: dict[str, Any], fetcher: Fetcher) -> tuple[str, list[Any]]:
    data = (OUT / entry["file"]).read_bytes()
    try:
        credentials = parse(data, entry["file"])
    except Exception as exc:
        return "malformed", [str(exc)]
    options = VerifyOptions(fetcher=fetcher, now=NOW)
    reports = [verify(c, options) for c in credentials if c.parent_id is None]
    return worst([r.verdict for r in reports]), [r.to_json() for r in reports]


OFFLINE = [e for e in INDEX if e.get("requires_server")]


@pytest.mark.parametrize("entry", OFFLINE, ids=[e["file"] for e in OFFLINE])
def test_server_down_gives_the_reference_verdict(entry: dict[str, Any]) -> None:
    """Runs before the corpus server starts (file order): port 47443 refuses connections."""
    verdict, reports = _verdict(entry, Fetcher(offline=False, timeout=(1.0, 1.0), total_seconds=3.0))
    assert verdict == entry["expected_verdict_offline"], json.dumps(reports, indent=1)[:3000]


@pytest.mark.parametrize("entry", OFFLINE, ids=[e["file"] for e in OFFLINE])
def test_offline_mode_says_what_it_could_not_check(entry: dict[str, Any]) -> None:
    """Offline, nothing that needs the network can be decided: the verdict is incomplete, never valid."""
    verdict, reports = _verdict(entry, Fetcher(offline=True))
    assert verdict == "incomplete", json.dumps(reports, indent=1)[:3000]


@pytest.mark.parametrize("entry", INDEX, ids=[e["file"] for e in INDEX])
def test_online_verdict_matches_reference(entry: dict[str, Any], corpus_server: TLSServer) -> None:
    verdict, reports = _verdict(entry, Fetcher(offline=False, timeout=(1.0, 1.0), total_seconds=3.0))
    assert verdict == entry["expected_verdict"], json.dumps(reports, indent=1)[:3000]


STATUS_FILES = sorted((OUT / "ldp").rglob("status-*/revoked.json"))


@pytest.mark.parametrize("path", STATUS_FILES, ids=[p.relative_to(OUT).as_posix() for p in STATUS_FILES])
def test_removing_the_status_entry_breaks_the_signature(path: Path) -> None:
    """A revoked badge cannot be "un-revoked" by deleting its credentialStatus: the proof covers it."""
    document = json.loads(path.read_text())
    del document["credentialStatus"]
    (credential,) = parse(json.dumps(document).encode(), path.name)
    report = verify(credential, VerifyOptions(fetcher=Fetcher(offline=True), now=NOW))
    assert report.verdict == "invalid_signature", json.dumps(report.to_json(), indent=1)


def test_context_on_a_stalling_host_is_never_fetched(https_server: TLSServer) -> None:
    """An unknown context is malformed at once – the wallet never asks the network for vocabularies."""
    stalled = https_server.stall("/contexts/slow.jsonld", seconds=30)
    document = json.loads((OUT / "ldp/vc2/eddsa-rdfc-2022/valid.json").read_text())
    document["@context"].append(stalled)
    (credential,) = parse(json.dumps(document).encode(), "slow-context.json")
    started = time.monotonic()
    report = verify(credential, VerifyOptions(fetcher=Fetcher(offline=False, timeout=(1.0, 1.0)), now=NOW))
    assert time.monotonic() - started < 2.0
    assert report.verdict == "malformed"
    assert "contexts/slow.jsonld" in report.checks[0].message
    assert https_server.hits("/contexts/slow.jsonld") == 0
