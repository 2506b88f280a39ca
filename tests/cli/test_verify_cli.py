"""`badgewallet inspect` and `badgewallet verify`: output shape, exit codes, no tracebacks."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from wallet.cli import main

CORPUS = Path(__file__).parents[1] / "data" / "gen" / "js" / "out"
FORMATS = Path(__file__).parents[1] / "data" / "formats"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_verify_json_has_the_stable_shape() -> None:
    code, out, _ = run("verify", "--json", "--offline", str(CORPUS / "ldp/vc2/eddsa-rdfc-2022/valid.json"))
    data = json.loads(out)
    assert code == 0
    assert set(data) >= {"verdict", "format", "checks", "credential", "checked_at", "online"}
    assert data["verdict"] == "valid"
    assert data["online"] is False
    assert [c["id"] for c in data["checks"]][:5] == ["structure", "issuer", "proof", "status", "dates"]
    assert all(set(c) == {"id", "status", "message"} for c in data["checks"])
    assert set(data["credential"]) == {"id", "name", "issuer"}


@pytest.mark.parametrize(
    ("file", "verdict"),
    [
        ("ldp/vc2/eddsa-rdfc-2022/bad_signature.json", "invalid_signature"),
        ("ldp/vc2/ecdsa-rdfc-2019-p384/expired.json", "expired"),
        ("ldp/vc2/eddsa-rdfc-2022/unknown_context.json", "malformed"),
        ("jwt/vc-jose/alg_none.jwt", "invalid_signature"),
    ],
)
def test_verify_exit_code_is_one_for_any_other_verdict(file: str, verdict: str) -> None:
    path = CORPUS / file
    started = time.monotonic()
    code, out, _ = run("verify", "--json", "--offline", str(path))
    assert time.monotonic() - started < 2.0
    assert code == 1
    assert json.loads(out)["verdict"] == verdict


def test_verify_human_output_names_verdict_and_checks() -> None:
    code, out, _ = run("verify", "--offline", str(CORPUS / "baked/ob_vc2_eddsa_valid.png"))
    assert code == 0
    assert out.startswith("VALID")
    assert "proof" in out and "✔" in out


def test_verify_missing_file_is_malformed_not_a_traceback(tmp_path: Path) -> None:
    code, out, err = run("verify", "--json", str(tmp_path / "nope.png"))
    assert code == 1
    assert json.loads(out)["verdict"] == "malformed"
    assert "Traceback" not in out + err


def test_inspect_prints_summary_and_fails_on_garbage(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    code, out, err = run("inspect", str(CORPUS / "baked/ob_vc2_eddsa_valid.png"), str(garbage))
    assert code == 1
    summary = json.loads(out)["credentials"][0]
    for key in ("format", "spec_version", "id", "name", "issuer", "achievement", "issued", "skills"):
        assert key in summary
    assert summary["name"] == "Systems Programming in Rust"
    assert err.count("\n") == 1 and err.startswith(str(garbage))
    assert "Traceback" not in err


def test_inspect_exit_zero_when_all_parse() -> None:
    code, out, _ = run("inspect", str(CORPUS / "ldp/vc2/eddsa-rdfc-2022/valid.json"))
    assert code == 0
    assert json.loads(out)["credentials"][0]["format"] == "ob3-json"
