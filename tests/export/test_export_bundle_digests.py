"""The holder signs the digest of every bundle file, so a rewritten manifest.json no longer hides an edit.

``manifest.json`` is not signed: anyone can edit a page and rewrite the
manifest to match.  ``presentation.json`` carries ``bundleFiles`` (name,
media type, ``digestSRI``) under the holder's eddsa-rdfc-2022 proof, and the
recruiter check compares every file with it (``signed-files``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from export_factory import BUNDLE_CHALLENGE, BUNDLE_DOMAIN, NOW, Wallet, rezip, zip_files

from wallet.export.bundle import write_bundle
from wallet.export.manifest import build_manifest
from wallet.export.presentation import (
    BUNDLE_FILES_IRI,
    UNDEFINED_TERMS_CONTEXT,
    VC_V2_CONTEXT,
    build_presentation,
    check_presentation,
    holder_for,
    sign_presentation,
    signed_bundle_files,
)
from wallet.export.recruiter_checks import check_special
from wallet.verify import VerifyOptions
from wallet.verify.canonical import DroppedTermError, canonicalize
from wallet.verify.documents import default_loader
from wallet.verify.report import FAIL, INCOMPLETE, PASS, SEVERITY, SKIPPED, TAMPERED, UNKNOWN, VALID
from wallet.verify.summary import CheckResult

CHALLENGE = BUNDLE_CHALLENGE
DOMAIN = BUNDLE_DOMAIN
UNSIGNED = {"presentation.json", "manifest.json"}
SRI_STRING = "https://www.w3.org/2018/credentials#sriString"
# Every file of the bundle below but presentation.json and manifest.json (checked by test_the_targets_cover_every_file).
TARGETS = ("index.html", "portfolio.pdf", "resume.json", "credentials/01-", "credentials/02-", "credentials/03-")
PAGES = ("index.html", "portfolio.pdf", "resume.json")


def _with_manifest_rewritten(files: dict[str, bytes]) -> bytes:
    """What a forger does: change files, then make manifest.json match them again."""
    files = dict(files)
    files["manifest.json"] = build_manifest({p: d for p, d in files.items() if p != "manifest.json"})
    return rezip(files)


def _options(**changes: object) -> VerifyOptions:
    return replace(VerifyOptions(now=NOW, challenge=CHALLENGE, domain=DOMAIN), **changes)  # type: ignore[arg-type]


def _check(data: bytes) -> CheckResult:
    result = check_special(data, "bundle.zip", _options())
    assert result is not None
    return result


def _extra(result: CheckResult) -> dict[str, Any]:
    return {c.id: c for c in result.extra_checks}


def _vp(files: dict[str, bytes]) -> dict[str, Any]:
    vp: dict[str, Any] = json.loads(files["presentation.json"])
    return vp


def _sri(data: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()


def _named(files: dict[str, bytes], target: str) -> str:
    return next(n for n in files if n.startswith(target))


# ------------------------------------------------------------------ what is written


def test_the_presentation_signs_every_other_file(bundle: Path) -> None:
    files = zip_files(bundle)
    vp = _vp(files)
    assert vp["@context"] == [VC_V2_CONTEXT, UNDEFINED_TERMS_CONTEXT]
    listed = {entry["name"]: entry for entry in vp["bundleFiles"]}
    assert set(listed) == set(files) - UNSIGNED
    for name, entry in listed.items():
        assert set(entry) == {"name", "mediaType", "digestSRI"}
        assert entry["digestSRI"] == _sri(files[name]), name
    media = {name: entry["mediaType"] for name, entry in listed.items()}
    assert (media["index.html"], media["portfolio.pdf"], media["resume.json"]) == (
        "text/html",
        "application/pdf",
        "application/json",
    )
    assert sorted(m for n, m in media.items() if n.startswith("credentials/")) == [
        "application/json",
        "application/jwt",
        "image/png",
    ]


def test_without_a_pdf_the_list_has_no_pdf(wallet: Wallet, tmp_path: Path) -> None:
    out = tmp_path / "b.zip"
    write_bundle(wallet.store, wallet.ids, out, challenge=CHALLENGE, domain=DOMAIN, now=NOW)
    files = zip_files(out)
    assert "portfolio.pdf" not in files
    assert {e["name"] for e in _vp(files)["bundleFiles"]} == set(files) - UNSIGNED
    assert _check(out.read_bytes()).verdict == VALID


def test_the_targets_cover_every_file(bundle: Path) -> None:
    files = zip_files(bundle)
    assert sorted(_named(files, t) for t in TARGETS) == sorted(set(files) - UNSIGNED)


def test_the_presentation_still_verifies_with_the_projects_verifier(bundle: Path, wallet: Wallet) -> None:
    vp = _vp(zip_files(bundle))
    loader = default_loader()
    assert vp["holder"] == holder_for(wallet.store).did
    assert check_presentation(vp, _options(), loader).status == PASS
    forged = json.loads(json.dumps(vp))
    forged["bundleFiles"][0]["digestSRI"] = _sri(b"something else")
    assert check_presentation(forged, _options(), loader).status == FAIL  # the digests are under the signature


def test_the_undefined_term_is_signed_not_dropped(bundle: Path) -> None:
    files = zip_files(bundle)
    vp = _vp(files)
    unsecured = {k: v for k, v in vp.items() if k != "proof"}
    loader = default_loader()
    nquads = canonicalize(unsecured, loader)
    assert f"<{BUNDLE_FILES_IRI}> _:" in nquads
    for name in set(files) - UNSIGNED:
        assert f'"{_sri(files[name])}"^^<{SRI_STRING}>' in nquads, name
        assert f'<https://schema.org/name> "{name}"' in nquads, name
    # Without the undefined-terms context the canonicalizer refuses the term rather than dropping it.
    with pytest.raises(DroppedTermError):
        canonicalize({**unsecured, "@context": [VC_V2_CONTEXT]}, loader)
    assert signed_bundle_files(vp, loader) == {n: _sri(files[n]) for n in set(files) - UNSIGNED}


# ------------------------------------------------------------------ what the recruiter check says


def test_an_untouched_bundle_is_valid(bundle: Path) -> None:
    result = _check(bundle.read_bytes())
    checks = _extra(result)
    assert [c.id for c in result.extra_checks] == ["manifest", "presentation", "signed-files", "contents"]
    assert all(c.status == PASS for c in result.extra_checks)
    assert "holder signed" in checks["signed-files"].message
    assert result.verdict == VALID


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("where", [0.5, 0.0, -1.0])
def test_an_edit_with_a_rewritten_manifest_is_tampered(bundle: Path, target: str, where: float) -> None:
    files = zip_files(bundle)
    name = _named(files, target)
    data = bytearray(files[name])
    data[int(len(data) * where) if where >= 0 else len(data) - 1] ^= 0x01
    files[name] = bytes(data)
    result = _check(_with_manifest_rewritten(files))
    checks = _extra(result)
    assert checks["manifest"].status == PASS  # the forger made it match
    assert checks["presentation"].status == PASS
    signed = checks["signed-files"]
    assert (signed.status, signed.verdict) == (FAIL, TAMPERED)
    assert name in signed.message
    assert [n for n in files if n in signed.message] == [name]  # only the changed file is named
    if target in PAGES:
        assert result.verdict == TAMPERED
    else:  # the credential's own report may say worse (an unreadable file is malformed)
        assert SEVERITY[result.verdict] >= SEVERITY[TAMPERED]


def test_a_removed_or_added_file_with_a_rewritten_manifest_is_tampered(bundle: Path) -> None:
    files = zip_files(bundle)
    files.pop("resume.json")
    files["extra.html"] = b"<p>hired!</p>"
    result = _check(_with_manifest_rewritten(files))
    signed = _extra(result)["signed-files"]
    assert (signed.status, signed.verdict) == (FAIL, TAMPERED)
    assert "resume.json" in signed.message and "missing" in signed.message
    assert "extra.html" in signed.message and "added" in signed.message
    assert result.verdict == TAMPERED


def test_a_changed_signed_list_breaks_the_holders_signature(bundle: Path) -> None:
    files = zip_files(bundle)
    files["index.html"] = files["index.html"].replace(b"Top skills", b"Top skilz")
    vp = _vp(files)
    entry = next(e for e in vp["bundleFiles"] if e["name"] == "index.html")
    entry["digestSRI"] = _sri(files["index.html"])
    files["presentation.json"] = json.dumps(vp, indent=2).encode()
    result = _check(_with_manifest_rewritten(files))
    checks = _extra(result)
    assert checks["presentation"].status == FAIL
    assert checks["signed-files"].status == SKIPPED
    assert result.verdict != VALID


def test_the_list_is_read_from_what_was_signed_not_from_the_json_spelling(bundle: Path) -> None:
    """Spelling the key as its full IRI keeps the signature valid; the list must still be found."""
    files = zip_files(bundle)
    vp = _vp(files)
    vp[BUNDLE_FILES_IRI] = vp.pop("bundleFiles")
    files["presentation.json"] = json.dumps(vp, indent=2).encode()
    untouched = _check(_with_manifest_rewritten(files))
    assert _extra(untouched)["presentation"].status == PASS
    assert _extra(untouched)["signed-files"].status == PASS  # not taken for an older, unsigned-pages bundle
    files["resume.json"] = files["resume.json"].replace(b"Python", b"Pythom")
    edited = _check(_with_manifest_rewritten(files))
    assert _extra(edited)["signed-files"].status == FAIL and "resume.json" in _extra(edited)["signed-files"].message
    assert edited.verdict == TAMPERED


# ------------------------------------------------------------------ bundles from before bundleFiles


def _legacy(files: dict[str, bytes], wallet: Wallet) -> dict[str, bytes]:
    """The same bundle as the previous writer made it: the presentation without bundleFiles."""
    vp = _vp(files)
    old = sign_presentation(
        build_presentation(vp["verifiableCredential"], holder_for(wallet.store), presentation_id=vp["id"]),
        holder_for(wallet.store),
        default_loader(),
        created=NOW,
        challenge=CHALLENGE,
        domain=DOMAIN,
    )
    assert old["@context"] == [VC_V2_CONTEXT] and "bundleFiles" not in old
    return {**files, "presentation.json": (json.dumps(old, ensure_ascii=False, indent=2) + "\n").encode()}


def test_an_older_bundle_still_verifies_but_is_incomplete(bundle: Path, wallet: Wallet) -> None:
    result = _check(_with_manifest_rewritten(_legacy(zip_files(bundle), wallet)))
    checks = _extra(result)
    assert {i: c.status for i, c in checks.items()} == {
        "manifest": PASS,
        "presentation": PASS,
        "signed-files": UNKNOWN,
        "contents": PASS,
    }
    message = checks["signed-files"].message
    assert "not covered by the holder's signature" in message
    assert all(page in message for page in PAGES)
    assert [r.verdict for r in result.reports] == [VALID] * 3
    assert result.verdict == INCOMPLETE
    assert result.to_json()["verdict"] == INCOMPLETE
    assert result.render_text().startswith("INCOMPLETE")


def test_an_edited_older_bundle_is_never_valid(bundle: Path, wallet: Wallet) -> None:
    files = _legacy(zip_files(bundle), wallet)
    files["index.html"] = files["index.html"].replace(b"Top skills", b"Top skilz")
    result = _check(_with_manifest_rewritten(files))
    assert result.verdict == INCOMPLETE  # the documented gap of older bundles: the edit cannot be seen
