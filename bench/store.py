"""Bulk import benchmark: import + verify + store 1,000 baked PNG badges.

    python bench/store.py [--badges 1000]

Each badge is a distinct OB 3.0 credential signed eddsa-rdfc-2022 by a did:key
issuer and baked into its own PNG, so the run does the real work: read, walk
the PNG chunks, canonicalize, check the signature, encrypt and commit each file
in its own transaction – through ``wallet.importer`` exactly as
``badgewallet import FOLDER`` does.  Target (DESIGN.md): ≤ 8 s on 2 cores.
The open/search figures for a 10,000-record store are in bench/store_open.py.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519
from PIL import Image

from wallet.formats import bake_png
from wallet.importer import ImportSettings, import_sources
from wallet.store import WalletStore
from wallet.store.keys import KdfParams
from wallet.verify.did import multikey_from_public_key
from wallet.verify.documents import default_loader
from wallet.verify.proofs.data_integrity import sign_eddsa_rdfc_2022


def make_badges(folder: Path, count: int) -> None:
    key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    multikey = multikey_from_public_key(key.public_key())
    did = f"did:key:{multikey}"
    loader = default_loader()
    canvas = io.BytesIO()
    Image.new("RGB", (64, 64), (40, 90, 160)).save(canvas, "PNG")
    image = canvas.getvalue()
    for i in range(count):
        credential = {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "id": f"urn:uuid:6f1c0a52-0000-4000-8000-{i:012d}",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": did, "type": ["Profile"], "name": "Bench Academy"},
            "validFrom": "2024-01-01T00:00:00Z",
            "name": f"Bench badge {i}",
            "credentialSubject": {
                "id": "did:example:learner",
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": f"https://bench.example/achievements/{i}",
                    "type": ["Achievement"],
                    "name": f"Bench badge {i}",
                    "description": "A badge made for the import benchmark.",
                    "criteria": {"narrative": "Be imported quickly."},
                },
            },
        }
        signed = sign_eddsa_rdfc_2022(
            credential, key, f"{did}#{multikey}", loader=loader, created="2024-01-01T00:00:00Z"
        )
        (folder / f"badge-{i:04d}.png").write_bytes(bake_png(image, json.dumps(signed), ob3=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--badges", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "badges"
        folder.mkdir()
        started = time.perf_counter()
        make_badges(folder, args.badges)
        print(f"made {args.badges} signed baked PNGs in {time.perf_counter() - started:.1f} s (not timed below)")
        home = Path(tmp) / "store"
        store = WalletStore.open(home, passphrase="bench passphrase", kdf=KdfParams())
        progress_marks: list[float] = []
        started = time.perf_counter()
        with store:
            summary = import_sources(
                [folder],
                store,
                ImportSettings(offline=True),
                progress=lambda done, total, _o: progress_marks.append(time.perf_counter()),
            )
        elapsed = time.perf_counter() - started
        gaps = [b - a for a, b in zip([started, *progress_marks], progress_marks, strict=False)]
        verdicts = {v for o in summary.outcomes for v in o.verdicts}
        print(f"import + verify + store {args.badges} baked PNGs: {elapsed:.2f} s (target ≤ 8 s)")
        print(f"  {summary.line()}; verdicts: {sorted(verdicts)}")
        print(f"  longest gap between progress updates: {max(gaps) * 1000:.0f} ms")
        print(f"  peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
