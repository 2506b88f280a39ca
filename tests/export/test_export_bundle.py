"""The résumé bundle, end to end: real store → ZIP → read back as a recruiter would.

The ZIP is opened, every listed file and hash checked, the presentation
verified with the project's verifier, the PDF read with a PDF library, and
one byte of each file changed to see ``check_special`` name it.  The
holder-signed file digests (``bundleFiles``) have their own tests in
``test_export_bundle_digests``.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from export_factory import BUNDLE_CHALLENGE, BUNDLE_DOMAIN, CRITERIA_PAGE, NOW, Wallet, add_file, rezip, zip_files

from wallet.errors import ExportError, LimitExceeded
from wallet.export.bundle import write_bundle
from wallet.export.presentation import ENVELOPED_TYPE, JWT_DATA_PREFIX, check_presentation, holder_for
from wallet.export.qr import decode_qr_image
from wallet.export.recruiter_checks import check_special
from wallet.verify import VerifyOptions
from wallet.verify.documents import default_loader
from wallet.verify.report import FAIL, PASS

CHALLENGE = BUNDLE_CHALLENGE
DOMAIN = BUNDLE_DOMAIN


def _options(**changes: object) -> VerifyOptions:
    return replace(VerifyOptions(now=NOW, challenge=CHALLENGE, domain=DOMAIN), **changes)  # type: ignore[arg-type]


def test_every_listed_file_is_there_with_its_hash(bundle: Path, wallet: Wallet) -> None:
    files = zip_files(bundle)
    manifest = json.loads(files["manifest.json"])
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for path, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(files[path]).hexdigest(), path
        assert entry["size"] == len(files[path])
    assert {"index.html", "portfolio.pdf", "resume.json", "presentation.json"} <= set(files)
    originals = sorted(data for name, data in files.items() if name.startswith("credentials/"))
    assert originals == sorted(wallet.originals)  # byte for byte
    assert next(iter(files)) == "index.html"


def test_presentation_verifies_with_the_projects_verifier(bundle: Path, wallet: Wallet) -> None:
    vp = json.loads(zip_files(bundle)["presentation.json"])
    holder = holder_for(wallet.store)
    assert vp["holder"] == holder.did
    assert vp["proof"]["proofPurpose"] == "authentication"
    assert vp["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert (vp["proof"]["challenge"], vp["proof"]["domain"]) == (CHALLENGE, DOMAIN)
    entries = vp["verifiableCredential"]
    assert len(entries) == 3
    enveloped = [e for e in entries if e.get("type") == ENVELOPED_TYPE]
    assert len(enveloped) == 1 and enveloped[0]["id"].startswith(JWT_DATA_PREFIX)
    assert enveloped[0]["id"].removeprefix(JWT_DATA_PREFIX).encode() == wallet.originals[2]

    loader = default_loader()
    assert check_presentation(vp, _options(), loader).status == PASS
    assert check_presentation(vp, _options(challenge="someone-else"), loader).status == FAIL
    assert check_presentation(vp, _options(domain="other.example"), loader).status == FAIL
    forged = json.loads(json.dumps(vp))
    forged["verifiableCredential"].pop()
    assert check_presentation(forged, _options(), loader).status == FAIL


def test_holder_key_is_made_once_and_kept_in_the_store(wallet: Wallet, tmp_path: Path) -> None:
    assert wallet.store.holder_key() is None
    first = write_bundle(wallet.store, wallet.ids[:1], tmp_path / "a.zip", now=NOW)
    second = write_bundle(wallet.store, wallet.ids[1:], tmp_path / "b.zip", now=NOW)
    assert first.holder == second.holder
    assert first.holder.startswith("did:key:z6Mk")
    assert "portfolio.pdf" not in first.files  # no renderer, no PDF


def test_resume_json(bundle: Path, wallet: Wallet) -> None:
    resume = json.loads(zip_files(bundle)["resume.json"])
    by_name = {c["name"]: c for c in resume["certificates"]}
    assert set(by_name) == set(wallet.names)
    assert by_name[wallet.names[0]] == {
        "name": wallet.names[0],
        "date": "2024-03-15",
        "issuer": "Université de l'Été & Co",
    }
    assert by_name[wallet.names[1]]["url"] == CRITERIA_PAGE
    skills = {s["name"]: s["keywords"] for s in resume["skills"]}
    assert sorted(skills["Python"]) == sorted([wallet.names[0], wallet.names[2]])


def test_index_page_is_self_contained_and_escaped(bundle: Path, wallet: Wallet) -> None:
    html = zip_files(bundle)["index.html"].decode("utf-8")
    assert "<script" not in html
    assert "Python for Data Science &amp; ML &lt;Level 2&gt;" in html
    assert "Cloud &lt;Native&gt; Foundation" in html
    assert "Kubernetes Administrator &#34;CKA&#34; – Été" in html
    assert 'src="http' not in html  # every image inline: the page opens offline
    assert html.count('class="art" src="data:image/') == 3
    assert html.count("<svg") == 1  # one badge has a public page, so one QR code
    assert 'href="credentials/' in html
    assert "Top skills" in html and "Python" in html


def test_pdf_text_names_every_badge(bundle: Path, wallet: Wallet) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(zip_files(bundle)["portfolio.pdf"]))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    for name in wallet.names:
        assert " ".join(name.split()) in flat, name


def test_qr_code_in_the_pdf_scans(bundle: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(zip_files(bundle)["portfolio.pdf"]))
    decoded = []
    for page in reader.pages:
        for image in page.images:
            try:
                decoded += decode_qr_image(image.data)
            except ExportError:
                continue
    assert CRITERIA_PAGE in decoded


def test_recruiter_check_passes_an_untouched_bundle(bundle: Path, wallet: Wallet) -> None:
    result = check_special(bundle.read_bytes(), "bundle.zip", _options())
    assert result is not None
    assert {c.id: c.status for c in result.extra_checks} == {
        "manifest": PASS,
        "presentation": PASS,
        "signed-files": PASS,
        "contents": PASS,
    }
    assert [r.verdict for r in result.reports] == ["valid"] * 3
    assert result.verdict == "valid"


@pytest.mark.parametrize(
    "target",
    [
        "index.html",
        "portfolio.pdf",
        "resume.json",
        "presentation.json",
        "manifest.json",
        "credentials/01-",
        "credentials/02-",
        "credentials/03-",
    ],
)
@pytest.mark.parametrize("where", [0.5, 0.0, -1.0])
def test_one_changed_byte_anywhere_is_reported(bundle: Path, target: str, where: float) -> None:
    files = zip_files(bundle)
    name = next(n for n in files if n.startswith(target))
    data = bytearray(files[name])
    index = int(len(data) * where) if where >= 0 else len(data) - 1
    data[index] ^= 0x01
    files[name] = bytes(data)
    result = check_special(rezip(files), "bundle.zip", _options())
    assert result is not None
    assert result.verdict != "valid"
    manifest = next(c for c in result.extra_checks if c.id == "manifest")
    assert manifest.status == FAIL
    assert name in manifest.message


def test_a_removed_or_added_file_is_reported(bundle: Path) -> None:
    files = zip_files(bundle)
    files.pop("resume.json")
    files["credentials/extra.json"] = b"{}"
    result = check_special(rezip(files), "bundle.zip", _options())
    assert result is not None
    manifest = next(c for c in result.extra_checks if c.id == "manifest")
    assert "resume.json" in manifest.message and "credentials/extra.json" in manifest.message


def test_a_failed_export_leaves_the_previous_bundle(wallet: Wallet, tmp_path: Path) -> None:
    out = tmp_path / "exports" / "bundle.zip"
    write_bundle(wallet.store, wallet.ids, out, now=NOW)
    before = out.read_bytes()

    def broken_renderer(html: str, path: Path) -> None:
        raise ExportError("printer on fire")

    with pytest.raises(ExportError):
        write_bundle(wallet.store, wallet.ids, out, pdf_renderer=broken_renderer, now=NOW)
    assert out.read_bytes() == before
    assert [p.name for p in out.parent.iterdir()] == ["bundle.zip"]  # no temp files left


def test_nothing_chosen_is_an_error(wallet: Wallet, tmp_path: Path) -> None:
    with pytest.raises(ExportError):
        write_bundle(wallet.store, [], tmp_path / "x.zip", now=NOW)


def test_plain_zip_and_plain_files_are_not_special(tmp_path: Path) -> None:
    assert check_special(rezip({"badge.json": b"{}"}), "x.zip", VerifyOptions(now=NOW)) is None
    assert check_special(b'{"a": 1}', "x.json", VerifyOptions(now=NOW)) is None


def test_ob2_assertion_is_kept_out_of_the_presentation_with_a_note(wallet: Wallet, tmp_path: Path) -> None:
    issuer = {
        "type": "Profile",
        "id": "https://old.example/issuer",
        "name": "Old Issuer",
        "url": "https://old.example",
        "email": "badges@old.example",
    }
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://old.example/assertions/1",
        "recipient": {"type": "email", "hashed": False, "identity": "earner@example.org"},
        "badge": {
            "type": "BadgeClass",
            "id": "https://old.example/badges/1",
            "name": "Legacy Badge",
            "description": "An OB 2.0 badge.",
            "image": "https://old.example/badge.png",
            "criteria": {"narrative": "Did the thing."},
            "issuer": issuer,
        },
        "verification": {"type": "hosted"},
        "issuedOn": "2020-01-01T00:00:00Z",
    }
    record_id = add_file(wallet.store, json.dumps(assertion).encode(), "legacy.json")
    out = tmp_path / "b.zip"
    result = write_bundle(wallet.store, [wallet.ids[0], record_id], out, now=NOW)
    assert any("Legacy Badge" in note and "not inside presentation.json" in note for note in result.notes)
    files = zip_files(out)
    assert len(json.loads(files["presentation.json"])["verifiableCredential"]) == 1
    html = files["index.html"].decode()
    assert "not inside presentation.json" in html and html.count("<svg") == 1  # hosted id → QR code

    checked = check_special(out.read_bytes(), "b.zip", VerifyOptions(now=NOW))
    assert checked is not None
    contents = next(c for c in checked.extra_checks if c.id == "contents")
    assert contents.status == PASS and "credentials/02-legacy-badge.json" in contents.message
    assert checked.verdict == "incomplete"  # offline: the hosted assertion could not be fetched


def test_a_zip_with_too_many_entries_is_refused_before_reading() -> None:
    from wallet.export.manifest import read_zip
    from wallet.limits import DEFAULT_LIMITS

    files = {"manifest.json": b"{}", "presentation.json": b"{}"}
    files.update({f"f{i}": b"" for i in range(DEFAULT_LIMITS.max_zip_entries + 1)})
    data = rezip(files)
    assert check_special(data, "many.zip", VerifyOptions(now=NOW)) is None
    with pytest.raises(LimitExceeded):
        read_zip(data)
