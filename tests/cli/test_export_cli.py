"""`badgewallet export …` end to end, and `badgewallet verify` on what it wrote (the recruiter's side)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from wallet import cli
from wallet.export.qr import decode_qr_image
from wallet.formats import parse
from wallet.main import _render_pdf

CORPUS = Path(__file__).parents[1] / "data" / "gen" / "js" / "out"
PASS = "correct horse battery staple"


@pytest.fixture
def wallet_with_badges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    monkeypatch.setenv("BADGEWALLET_HOME", str(tmp_path / "store"))
    monkeypatch.setenv("BADGEWALLET_PASSPHRASE", PASS)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    code, _, err = run(
        "import",
        "--offline",
        str(CORPUS / "ldp/vc2/eddsa-rdfc-2022/valid.json"),
        str(CORPUS / "jwt/vc-jose/valid_es256.jwt"),
        str(CORPUS / "ldp/vc2/ecdsa-rdfc-2019-p384/valid.json"),
    )
    assert code == 0, err
    rows: list[dict[str, Any]] = json.loads(run("list", "--json")[1])
    return rows


def run(*args: str) -> tuple[int, str, str]:
    """The CLI as `badgewallet` runs it (with Qt's PDF writer wired in by wallet.main), capturing output."""
    out, err = io.StringIO(), io.StringIO()
    cli.PDF_RENDERER = _render_pdf
    code = cli.main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_linkedin_link_round_trips(wallet_with_badges: list[dict[str, Any]]) -> None:
    code, out, _ = run("export", "link", wallet_with_badges[0]["id"], "--linkedin")
    assert code == 0
    query = parse_qs(urlsplit(out.strip()).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == [wallet_with_badges[0]["name"]]
    assert query["organizationName"] == [wallet_with_badges[0]["issuer"]]


def test_bake_round_trip(wallet_with_badges: list[dict[str, Any]], tmp_path: Path) -> None:
    target = tmp_path / "baked.png"
    code, _, err = run("export", "bake", wallet_with_badges[0]["id"], "-o", str(target))
    assert code == 0, err
    baked = parse(target.read_bytes(), "baked.png")
    assert baked[0].id == wallet_with_badges[0]["credential_id"]
    code, out, _ = run("verify", "--json", "--offline", str(target))
    assert json.loads(out)["verdict"] == "valid"


def test_qr_with_base_url_points_at_the_published_page(
    wallet_with_badges: list[dict[str, Any]], tmp_path: Path
) -> None:
    record_id = wallet_with_badges[0]["id"]
    qr = tmp_path / "badge.png"
    code, _, err = run("export", "qr", record_id, "-o", str(qr), "--base-url", "https://me.example/badges/")
    assert code == 0, err
    (url,) = decode_qr_image(qr.read_bytes())
    assert url.startswith("https://me.example/badges/badges/") and record_id[:8] in url
    site = tmp_path / "site"
    code, _, err = run("export", "site", record_id, "-o", str(site), "--base-url", "https://me.example/badges/")
    assert code == 0, err
    assert (site / url.removeprefix("https://me.example/badges/")).is_file()


def test_bundle_verifies_and_a_changed_byte_is_caught(
    wallet_with_badges: list[dict[str, Any]], tmp_path: Path, qapp: Any
) -> None:
    bundle = tmp_path / "resume.zip"
    ids = [r["id"] for r in wallet_with_badges]
    code, _, err = run("export", "bundle", *ids, "-o", str(bundle), "--challenge", "job-4711")
    assert code == 0, err
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        assert {"index.html", "portfolio.pdf", "resume.json", "presentation.json", "manifest.json"} <= names
        assert archive.read("portfolio.pdf").startswith(b"%PDF")
    code, out, err = run("verify", "--json", "--offline", "--challenge", "job-4711", str(bundle))
    result = json.loads(out)
    assert code == 0, json.dumps(result, indent=1)[:2000]
    assert result["verdict"] == "valid"
    assert len(result["items"]) == 3
    code, out, _ = run("verify", "--json", "--offline", "--challenge", "another-job", str(bundle))
    assert code == 1
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "resume.json":
                data = data.replace(b'"', b"'", 1)
            dst.writestr(item, data)
    code, out, _ = run("verify", "--json", "--offline", "--challenge", "job-4711", str(tampered))
    assert code == 1
    assert "resume.json" in json.dumps(json.loads(out)["checks"])
