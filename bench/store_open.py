"""Store benchmark: open + decrypt a 10,000-record wallet, and search it as you type.

    python bench/store_open.py [--records 10000] [--repeat 5]

Targets (DESIGN.md): open a 10,000-credential wallet ≤ 1 s to a painted list
(this measures the store's part: ≤ 0.5 s to decrypt every summary), filter
≤ 30 ms a keystroke.  The passphrase figure includes Argon2id with the default
cost, which is what a passphrase unlock costs on this machine.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from keyring.backend import KeyringBackend

from wallet.model import FORMAT_OB3_JSON, Achievement, Alignment, Credential, Issuer
from wallet.store import DEFAULT_KDF, AddItem, WalletStore
from wallet.verify.report import PASS, PROOF, Check, Report

SKILLS = ("Python", "Welding", "First Aid", "Public Speaking", "Data Analysis", "Carpentry", "Spanish", "Drawing")


class BenchKeyring(KeyringBackend):
    """In-memory keyring, so the keyring figure measures the store, not a desktop service."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def credential(n: int) -> Credential:
    payload = '{"id": "urn:uuid:%d", "name": "Badge %d", "padding": "%s"}' % (n, n, "x" * 1500)  # noqa: UP031
    return Credential(
        id=f"urn:uuid:bench-{n}",
        format=FORMAT_OB3_JSON,
        spec_version="3.0",
        name=f"{SKILLS[n % len(SKILLS)]} level {n % 5} badge {n}",
        issuer=Issuer(id=f"did:web:issuer{n % 40}.example", name=f"Issuer number {n % 40}"),
        achievement=Achievement(
            id=f"https://issuer.example/a/{n % 300}",
            name=f"Achievement {n % 300}",
            alignments=(Alignment(SKILLS[n % len(SKILLS)]), Alignment(SKILLS[(n * 3) % len(SKILLS)])),
            tags=(f"cohort{n % 12}",),
        ),
        payload=payload,
        original=os.urandom(6000),  # a small baked PNG
        issued=datetime(2020, 1, 1, tzinfo=UTC) + timedelta(hours=n),
    )


def report(c: Credential) -> Report:
    return Report((Check(PROOF, PASS, "ok"),), c.format, c.id, c.name, c.issuer.name, online=False)


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ring = BenchKeyring()
    with tempfile.TemporaryDirectory() as tmp:
        keyring_home, passphrase_home = Path(tmp) / "keyring", Path(tmp) / "passphrase"
        start = time.perf_counter()
        with WalletStore.open(keyring_home, keyring_backend=ring) as store:
            items = [AddItem(c, report(c), f"{n}.png") for n, c in enumerate(map(credential, range(args.records)))]
            for i in range(0, len(items), 500):
                store.add_many(items[i : i + 500])
        del items
        build_s = time.perf_counter() - start
        size_mb = (keyring_home / "wallet.db").stat().st_size / 1e6
        print(f"built {args.records} records in {build_s:.1f} s ({size_mb:.0f} MB)")
        passphrase_home.mkdir()
        shutil.copy(keyring_home / "wallet.db", passphrase_home / "wallet.db")
        copy_ring = BenchKeyring()  # the copy has the same store id: give it its own keyring
        copy_ring.entries = dict(ring.entries)
        with WalletStore.open(passphrase_home, keyring_backend=copy_ring) as copy:
            copy.use_passphrase("bench passphrase")

        def open_keyring() -> None:
            WalletStore.open(keyring_home, keyring_backend=ring).close()

        def open_passphrase() -> None:
            WalletStore.open(passphrase_home, passphrase="bench passphrase").close()

        def derive() -> None:
            DEFAULT_KDF.derive("bench passphrase", bytes(16))

        n = args.records
        print(f"open + decrypt {n} summaries, key in keyring:   {median_ms(open_keyring, args.repeat):7.1f} ms")
        print(f"open + decrypt {n} summaries, with passphrase:  {median_ms(open_passphrase, args.repeat):7.1f} ms")
        print(f"  of which Argon2id {DEFAULT_KDF}: {median_ms(derive, args.repeat):7.1f} ms")
        with WalletStore.open(keyring_home, keyring_backend=ring) as store:
            print(f"summaries(), newest first:       {median_ms(store.summaries, args.repeat):7.2f} ms")
            for query in ("w", "we", "wel", "weld", "welding level 3", "issuer number 17 spanish", "nothing-here"):
                hits = len(store.search(query))
                ms = median_ms(functools.partial(store.search, query), args.repeat * 4)
                print(f"search {query!r:28} {ms:7.2f} ms  ({hits} hits)")
            some = store.summaries()[args.records // 2].id
            print(f"get one full record:             {median_ms(lambda: store.get(some), args.repeat * 4):7.2f} ms")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
