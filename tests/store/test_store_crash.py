"""Killing the process at any moment leaves the last committed state, whole and readable.

A child process adds records one transaction at a time and is killed with
SIGKILL at a random moment (seeded, so a failure can be replayed); the test
then opens the store, runs SQLite's integrity check and decrypts every part of
every record.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_factory import CHEAP_KDF, PASSPHRASE

from wallet.store import WalletStore

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

CHILD = """
import sys
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from store_factory import CHEAP_KDF, PASSPHRASE, make_credential, make_report
from wallet.store import WalletStore

store = WalletStore.open(Path(sys.argv[1]), passphrase=PASSPHRASE, kdf=CHEAP_KDF, keyring_backend=None)
print("ready", flush=True)
start = int(sys.argv[2])
for n in range(start, start + 3000):
    credential = make_credential(n)
    store.add(credential, make_report(credential), source=f"{n}.png", tags=["crash"], notes=f"note {n}")
print("done", flush=True)
"""

RUNS = 6


def spawn(home: Path, start: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(home), str(start), str(Path(__file__).parent)],
        stdout=subprocess.PIPE,
        text=True,
    )


def check_whole(home: Path) -> int:
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF, keyring_backend=None) as store:
        assert store.integrity_check() == ["ok"]
        for summary in store.summaries():
            record = store.get(summary.id)
            n = int(summary.source.removesuffix(".png"))
            assert record.credential.name == f"Lampworking Level {n}"
            assert record.credential.original.startswith(b"\x89PNG")
            assert record.report is not None and record.report.credential_id == record.credential.id
            assert record.notes == f"note {n}" and record.tags == ("crash",)
        return store.count()


def test_sigkill_at_random_moments_leaves_a_whole_store(tmp_path: Path) -> None:
    rng = random.Random(20250601)
    home = tmp_path / "w"
    counts = []
    for run in range(RUNS):
        child = spawn(home, run * 10_000)
        if run == 0:
            # The first kill may land anywhere, including in the middle of creating the wallet.
            time.sleep(rng.uniform(0.05, 0.4))
        else:
            assert child.stdout is not None and child.stdout.readline() == "ready\n"
            time.sleep(rng.uniform(0.0, 0.4))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        if child.stdout:
            child.stdout.close()
        assert child.returncode == -signal.SIGKILL, "the child finished before it was killed: add more records"
        counts.append(check_whole(home))
    assert counts == sorted(counts)
    assert counts[-1] > counts[0]
