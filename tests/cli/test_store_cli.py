"""The store verbs end to end: import, list, show, remove, backup, restore, passwd, crash safety."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from wallet.cli import main
from wallet.formats import bake_png
from wallet.store import WalletStore

CORPUS = Path(__file__).parents[1] / "data" / "gen" / "js" / "out"
PASS = "correct horse battery staple"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "store"
    monkeypatch.setenv("BADGEWALLET_HOME", str(home))
    monkeypatch.setenv("BADGEWALLET_PASSPHRASE", PASS)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return home


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _badge_png(index: int) -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (8, 8), (index % 256, 80, 160)).save(image, "PNG")
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:00000000-0000-4000-8000-{index:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Crash Test Academy"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": f"Crash badge {index}",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"https://example.org/a/{index}",
                "type": ["Achievement"],
                "name": f"Crash badge {index}",
                "description": "A badge made for the crash test.",
                "criteria": {"narrative": "Survive a SIGKILL."},
            },
        },
    }
    return bake_png(image.getvalue(), json.dumps(credential), ob3=True)


def test_import_list_show_remove(env: Path) -> None:
    code, out, _ = run(
        "import",
        "--offline",
        "--json",
        str(CORPUS / "ldp/vc2/eddsa-rdfc-2022/valid.json"),
        str(CORPUS / "jwt/vc-jose/valid_es256.jwt"),
    )
    assert code == 0
    result = json.loads(out)
    assert result["summary"]["imported"] == 2
    code, out, _ = run("list", "--json")
    rows = json.loads(out)
    assert len(rows) == 2
    assert {"id", "name", "issuer", "format", "verdict", "issued"} <= set(rows[0])
    assert {r["verdict"] for r in rows} == {"valid"}
    code, out, _ = run("list", "--json", "--query", "rust")
    assert len(json.loads(out)) >= 1
    record_id = rows[0]["id"]
    code, out, _ = run("show", record_id[:8], "--json")
    assert json.loads(out)["report"]["verdict"] == "valid"
    code, out, _ = run("import", "--offline", str(CORPUS / "ldp/vc2/eddsa-rdfc-2022/valid.json"))
    assert "duplicate" in out
    assert run("remove", record_id, "--yes")[0] == 0
    assert len(json.loads(run("list", "--json")[1])) == 1


def test_import_reports_rejected_and_not_a_badge(env: Path, tmp_path: Path) -> None:
    plain = tmp_path / "photo.png"
    Image.new("RGB", (4, 4)).save(plain)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    code, out, _ = run("import", "--offline", "--json", str(plain), str(broken))
    assert code == 1
    statuses = {Path(f["source"]).name: f["status"] for f in json.loads(out)["files"]}
    assert statuses == {"photo.png": "not_a_badge", "broken.json": "rejected"}


def test_wrong_passphrase_is_a_clear_error(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("import", "--offline", str(CORPUS / "ldp/vc2/eddsa-rdfc-2022/valid.json"))
    before = {p.name: p.read_bytes() for p in env.iterdir() if p.is_file()}
    monkeypatch.setenv("BADGEWALLET_PASSPHRASE", "not the passphrase")
    code, _, err = run("list")
    assert code == 2
    assert "passphrase is not correct" in err
    assert (env / "wallet.db").read_bytes() == before["wallet.db"]


def test_backup_restore_and_passwd(env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(
        "import",
        "--offline",
        str(CORPUS / "ldp/vc2/eddsa-rdfc-2022/valid.json"),
        str(CORPUS / "jwt/vc-jose/valid_eddsa.jwt"),
    )
    monkeypatch.setenv("BADGEWALLET_BACKUP_PASSPHRASE", "backup passphrase")
    backup = tmp_path / "wallet.bwbackup"
    assert run("backup", str(backup))[0] == 0
    assert b"Rust" not in backup.read_bytes()
    other = tmp_path / "other"
    code, out, _ = run("--store", str(other), "restore", str(backup))
    assert code == 0 and "Restored 2" in out
    code, out, _ = run("--store", str(other), "restore", str(backup))
    assert "0 badges (2 already" in out
    truncated = tmp_path / "cut.bwbackup"
    truncated.write_bytes(backup.read_bytes()[:-10])
    code, _, err = run("--store", str(other), "restore", str(truncated))
    assert code == 2 and "nothing was restored" in err
    monkeypatch.setenv("BADGEWALLET_NEW_PASSPHRASE", "a brand new passphrase")
    assert run("passwd")[0] == 0
    assert run("list")[0] == 2  # the old passphrase no longer opens it
    monkeypatch.setenv("BADGEWALLET_PASSPHRASE", "a brand new passphrase")
    assert len(json.loads(run("list", "--json")[1])) == 2


def test_sigkill_during_bulk_import_loses_nothing_committed(env: Path, tmp_path: Path) -> None:
    """Kill `badgewallet import` at random moments; the store must open and every record be whole."""
    folder = tmp_path / "badges"
    folder.mkdir()
    for i in range(300):
        (folder / f"badge-{i:03d}.png").write_bytes(_badge_png(i))
    rng = random.Random(20261123)
    environment = {**os.environ, "BADGEWALLET_HOME": str(env)}
    seen_counts = []
    for _ in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-m", "wallet", "import", "--offline", str(folder)],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        assert proc.stdout is not None
        kill_after = rng.randint(1, 299)  # per-file progress lines seen before the kill
        for _ in range(kill_after):
            if not proc.stdout.readline():
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        with sqlite3.connect(env / "wallet.db") as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with WalletStore.open(env, passphrase=PASS, create=False) as store:
            rows = store.summaries()
            seen_counts.append(len(rows))
            for row in rows:
                record = store.get(row.id)
                assert record.credential.display_name.startswith("Crash badge")
                assert record.report is not None
                assert store.original(row.id).startswith(b"\x89PNG")
    assert seen_counts == sorted(seen_counts)  # nothing committed is ever lost
    assert 0 < seen_counts[-1] < 300, seen_counts  # the kills really landed mid-import
    code, _, _ = run("import", "--offline", "--json", str(folder))
    assert code == 0
    assert len(json.loads(run("list", "--json")[1])) == 300


def test_reverify_refreshes_the_stored_report(env: Path) -> None:
    run("import", "--offline", str(CORPUS / "ldp/vc2/status-bitstring/revoked.json"))
    (row,) = json.loads(run("list", "--json")[1])
    assert row["verdict"] == "incomplete"  # offline: the status list could not be read
    first = json.loads(run("show", row["id"], "--json")[1])["report"]["checked_at"]
    code, out, _ = run("reverify", "--offline", "--json")
    assert code == 1 and json.loads(out) == [{"id": row["id"], "verdict": "incomplete"}]
    assert json.loads(run("show", row["id"], "--json")[1])["report"]["checked_at"] > first


def test_skills_map_and_gap_report(env: Path) -> None:
    run("import", "--offline", str(CORPUS / "ldp/vc2/eddsa-rdfc-2022/valid.json"))
    code, out, _ = run("skills", "--json")
    assert code == 0
    skills = {s["name"] for s in json.loads(out)["skills"]}
    assert "Computer programming" in skills
    code, out, _ = run("skills", "--target", "Computer programming\nWelding", "--json")
    items = {i["skill"]["name"]: i["status"] for i in json.loads(out)["items"]}
    assert items == {"Computer programming": "proven", "Welding": "missing"}
    code, out, _ = run("skills", "--target", "Computer programming, Welding")
    assert "Welding" in out and code == 0


def test_genuine_badge_replaces_a_tampered_copy_imported_first(env: Path) -> None:
    folder = CORPUS / "ldp/vc2/eddsa-rdfc-2022"
    code, out, _ = run("import", "--offline", "--json", str(folder / "bad_signature.json"))
    assert json.loads(out)["files"][0]["verdicts"] == ["invalid_signature"]
    (before,) = json.loads(run("list", "--json")[1])
    code, out, _ = run("import", "--offline", "--json", str(folder / "valid.json"))
    assert code == 0
    (outcome,) = json.loads(out)["files"]
    assert outcome["status"] == "imported"
    assert outcome["reason"] == "replaced a copy that failed verification"
    (row,) = json.loads(run("list", "--json")[1])
    assert row["id"] == before["id"]
    assert row["verdict"] == "valid"
    code, out, _ = run("import", "--offline", "--json", str(folder / "bad_signature.json"))
    assert json.loads(out)["files"][0]["status"] == "duplicate"
    assert [r["verdict"] for r in json.loads(run("list", "--json")[1])] == ["valid"]


def test_folder_import_skips_hidden_files_and_names_links_out_of_the_folder(env: Path, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "badge.json").write_bytes((CORPUS / "ldp/vc2/eddsa-rdfc-2022/valid.json").read_bytes())
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    outside = tmp_path / "elsewhere.json"
    outside.write_bytes((CORPUS / "jwt/vc-jose/valid_es256.jwt").read_bytes())
    (folder / "link.json").symlink_to(outside)
    code, out, _ = run("import", "--offline", "--json", str(folder))
    files = {Path(f["source"]).name: f for f in json.loads(out)["files"]}
    assert set(files) == {"badge.json", "link.json"}
    assert files["badge.json"]["status"] == "imported"
    assert files["link.json"]["status"] == "rejected" and "outside the folder" in files["link.json"]["reason"]
    assert code == 1
