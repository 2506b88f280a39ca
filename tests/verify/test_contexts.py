"""Bundled JSON-LD contexts: provenance, hash pinning and the never-fetching loader."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import requests
from pyld import jsonld

from wallet.errors import ContextNotAllowed
from wallet.verify.canonical import DroppedTermError, canonicalize
from wallet.verify.documents import (
    CONTEXTS_DIR,
    ContextEntry,
    ContextIntegrityError,
    ContextLoader,
    default_loader,
    find_cause,
    refuse_all,
)

OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/"

# SPECS.md §8: hashes of the files in the named package versions.
SPEC_HASHES = {
    "https://www.w3.org/2018/credentials/v1": "00d7dd6d3ad8b920e3e550dd3a3d9090bffcac84cdbf943da6924b3e0a5c8bb8",
    "https://www.w3.org/ns/credentials/v2": "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f",
    "https://www.w3.org/ns/credentials/undefined-terms/v2": (
        "82dab514ba44eb18f5d1b0f638c5e140c6a556fbfb5089601bdc0fa5eb8b2581"
    ),
    "https://w3id.org/security/data-integrity/v1": "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
    "https://w3id.org/security/data-integrity/v2": "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363",
    "https://w3id.org/security/suites/ed25519-2020/v1": (
        "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588"
    ),
    "https://w3id.org/security/multikey/v1": "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6",
    "https://www.w3.org/ns/did/v1": "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f",
    "https://w3id.org/security/v1": "abaf97e107d1925503c433dcaf3ffd2831697cacc1ed2a293e1bc8030d5bcb47",
    "https://w3id.org/security/v2": "611bd81151d5efe53ec9aed78f5a813e577287bc9451ee26d6879b1b8b46bc3b",
    "https://w3id.org/vc/status-list/2021/v1": "634d71c159289f068c96012e4511c657fdf82ac4231900081bda3ba24e2e1160",
    "https://www.w3.org/ns/credentials/status/v1": "fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c",
    # the JSON serialised from the npm JS modules equals the spec repository's bytes for these two
    OB3 + "context-3.0.2.json": "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53",
    OB3 + "context-3.0.3.json": "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    # CLR 2.0.1: same bytes as the 1EdTech validator copy
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": (
        "880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6"
    ),
}

REQUIRED = [
    *SPEC_HASHES,
    OB3 + "context.json",
    OB3 + "context-3.0.1.json",
    OB3 + "extensions.json",
    "https://w3id.org/openbadges/v2",
    "https://openbadgespec.org/v2/context.json",
]


def manifest() -> list[dict[str, str]]:
    return json.loads((CONTEXTS_DIR / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_covers_every_required_context_with_provenance() -> None:
    rows = {row["url"]: row for row in manifest()}
    assert set(REQUIRED) <= set(rows)
    for row in rows.values():
        assert row["registry"] in ("npm", "pypi")
        assert row["package"] and row["version"] and row["path_in_package"]
        assert (CONTEXTS_DIR / row["file"]).is_file()


def test_every_file_matches_its_pinned_hash() -> None:
    for row in manifest():
        data = (CONTEXTS_DIR / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], row["url"]
        json.loads(data)


@pytest.mark.parametrize("url", sorted(SPEC_HASHES))
def test_pinned_hash_is_the_one_in_specs(url: str) -> None:
    rows = {row["url"]: row for row in manifest()}
    assert rows[url]["sha256"] == SPEC_HASHES[url]


def test_loader_serves_bundled_contexts_only() -> None:
    loader = ContextLoader()
    doc = loader("https://www.w3.org/ns/credentials/v2", {})
    assert doc["documentUrl"] == "https://www.w3.org/ns/credentials/v2"
    assert doc["tag"] == "static"
    assert "@context" in doc["document"]
    assert loader.knows(OB3 + "context-3.0.3.json")
    assert not loader.knows("https://example.com/evil.jsonld")
    with pytest.raises(ContextNotAllowed) as info:
        loader("https://example.com/evil.jsonld", {})
    assert info.value.detail == "https://example.com/evil.jsonld"


def test_loader_hands_out_private_copies() -> None:
    loader = ContextLoader()
    first = loader("https://www.w3.org/ns/credentials/v2", {})["document"]
    first["@context"]["id"] = "poisoned"
    assert loader("https://www.w3.org/ns/credentials/v2", {})["document"]["@context"]["id"] == "@id"


def test_changed_file_is_refused_at_load(tmp_path: Path) -> None:
    copy = tmp_path / "contexts"
    shutil.copytree(CONTEXTS_DIR, copy)
    target = copy / "credentials-v2.jsonld"
    target.write_bytes(target.read_bytes().replace(b"https://schema.org/name", b"https://evil.example/n", 1))
    with pytest.raises(ContextIntegrityError, match="changed"):
        ContextLoader(copy)


def test_missing_file_is_refused_at_load(tmp_path: Path) -> None:
    copy = tmp_path / "contexts"
    shutil.copytree(CONTEXTS_DIR, copy)
    (copy / "did-v1.jsonld").unlink()
    with pytest.raises(ContextIntegrityError):
        ContextLoader(copy)


def test_unknown_context_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network used")

    monkeypatch.setattr(requests.Session, "request", no_network)
    loader = ContextLoader()
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2", "https://example.com/ctx.jsonld"], "name": "x"}
    with pytest.raises(ContextNotAllowed) as info:
        canonicalize(doc, loader)
    assert "https://example.com/ctx.jsonld" in str(info.value)
    assert loader.requested[-1] == "https://example.com/ctx.jsonld"


def test_backstop_makes_pyld_default_loader_refuse_everything() -> None:
    default_loader()
    assert jsonld.get_document_loader() is refuse_all
    with pytest.raises(jsonld.JsonLdError) as info:
        jsonld.expand({"@context": "https://example.com/never-fetched.jsonld", "name": "x"})
    assert isinstance(find_cause(info.value, ContextNotAllowed), ContextNotAllowed)


def test_processed_contexts_are_cached_per_loader_not_globally(tmp_path: Path) -> None:
    """Two loaders serving different bytes for one URL never see each other's processed context."""
    url = "https://example.org/test-context"
    paths = []
    for name, vocab in (("a.jsonld", "https://a.example/#"), ("b.jsonld", "https://b.example/#")):
        path = tmp_path / name
        path.write_text(json.dumps({"@context": {"@vocab": vocab}}), encoding="utf-8")
        paths.append(path)
    loaders = [
        ContextLoader(extra=[(ContextEntry(url, p.name, hashlib.sha256(p.read_bytes()).hexdigest()), p)]) for p in paths
    ]
    doc = {"@context": url, "@id": "urn:x", "term": "v"}
    first = canonicalize(doc, loaders[0])
    second = canonicalize(doc, loaders[1])
    assert "https://a.example/#term" in first
    assert "https://b.example/#term" in second
    assert canonicalize(doc, loaders[0]) == first


DI_V2 = "https://w3id.org/security/data-integrity/v2"


def test_inline_import_does_not_change_the_imported_context_for_later_documents() -> None:
    """pyld merges an ``@import``ing context into the imported context's cached document; a credential
    must not be able to define terms that way for every later credential verified with the same loader."""
    loader = ContextLoader()
    importing = {"@context": [{"@import": DI_V2, "foo": "https://evil.example/foo"}], "@id": "urn:x", "foo": "x"}
    assert "<https://evil.example/foo>" in canonicalize(importing, loader)
    later = {"@context": [DI_V2], "@id": "urn:y", "foo": "bar"}
    with pytest.raises(DroppedTermError):
        canonicalize(later, loader)
    assert canonicalize(importing, loader) == canonicalize(importing, ContextLoader())


def test_callers_edits_to_a_verified_document_do_not_leak_into_later_documents() -> None:
    """Caches hold private copies of inline contexts, never the caller's objects (which the caller may edit)."""

    def context() -> dict[str, object]:
        scoped = {"name": "https://a.example/name"}
        return {"@version": 1.1, "Thing": {"@id": "https://t.example/Thing", "@context": scoped}}

    loader = ContextLoader()
    mine = context()
    assert "<https://a.example/name>" in canonicalize({"@context": mine, "@type": "Thing", "name": "v"}, loader)
    mine["Thing"]["@context"]["name"] = "https://evil.example/name"  # type: ignore[index]
    edited = canonicalize({"@context": mine, "@type": "Thing", "name": "v"}, loader)
    assert "<https://evil.example/name>" in edited
    # the original content again, now after another context (a different active context for the inline one)
    fresh = {"@context": [DI_V2, context()], "@id": "urn:x", "@type": "Thing", "name": "v"}
    out = canonicalize(fresh, loader)
    assert "<https://a.example/name>" in out and "evil" not in out


def test_no_bundled_context_uses_import() -> None:
    """``@import`` inside a *bundled* context would reach pyld's in-place merge without the guard in
    ``wallet.verify.canonical`` (which looks at local contexts); keep it that way or extend the guard."""
    for row in manifest():
        assert "@import" not in (CONTEXTS_DIR / row["file"]).read_text(encoding="utf-8"), row["url"]


def test_processed_context_memo_is_per_loader() -> None:
    first, second = ContextLoader(), ContextLoader()
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "@id": "urn:x", "type": "VerifiableCredential"}
    canonicalize(doc, first)
    assert len(first.processed_cache) > 0
    assert len(second.processed_cache) == 0
    canonicalize(doc, second)
    assert second.processed_cache.misses > 0 and second.processed_cache.hits == 0
