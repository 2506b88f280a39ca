"""The installed entry points start, print help, and never show a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from wallet.cli import main


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wallet", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )


def test_python_m_wallet_help() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "usage: badgewallet" in result.stdout
    for verb in ("inspect", "verify", "import", "list", "backup", "restore"):
        assert verb in result.stdout


def test_console_script_help() -> None:
    script = Path(sys.executable).with_name("badgewallet")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "usage: badgewallet" in result.stdout


def test_unknown_verb_is_usage_error(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_verify_command_does_not_import_qt(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from wallet.cli import main\n"
        f"main(['verify', '--offline', {str(tmp_path / 'missing.json')!r}])\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout
