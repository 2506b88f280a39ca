"""Badge files and wallets for the UI tests, the screenshots and bench/ui.py.

Badges are made the way an issuer would: an OB 3.0 credential JSON baked into
a PNG drawn with Pillow (``wallet.formats.bake_png``), so the UI sees real
files and real parsing.  They carry no proof – the tests are about the window,
not about signatures; verification gives them a (negative) verdict like any
other import.  Wallets open with a cheap Argon2id and no keyring, so a test
never touches the user's keyring or waits for the real KDF.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

CHEAP_KDF_ARGS = {"memory_kib": 64, "iterations": 1, "lanes": 1}
PASSPHRASE = "correct horse battery staple"

ISSUERS = [
    ("Example Institute of Technology", "https://issuer.example.org"),
    ("Open Skills Academy", "https://academy.example.net"),
    ("City College of Design", "https://design.example.edu"),
    ("Northwind Cloud Training", "https://training.example.com"),
    ("Riverside Library Makerspace", "https://makers.example.org"),
]
TOPICS = [
    ("Systems Programming in Rust", ["rust", "concurrency", "systems programming"]),
    ("Data Visualisation Basics", ["charts", "data literacy"]),
    ("Accessible Web Design", ["accessibility", "html", "wcag"]),
    ("Cloud Architecture Associate", ["cloud", "networking"]),
    ("3-D Printing Safety", ["fabrication", "safety"]),
    ("Public Speaking", ["communication", "presentation"]),
    ("Intro to Machine Learning", ["python", "statistics", "machine learning"]),
    ("Team Leadership", ["leadership", "teamwork"]),
]
COLORS = ["#2f6fde", "#1f9d6b", "#d9822b", "#8e44ad", "#c0392b", "#16a2b8", "#6d7f1e", "#b03a7a"]


def open_options() -> dict[str, Any]:
    """``WalletStore.open`` keyword arguments for tests: no keyring, cheap KDF."""
    from wallet.store import KdfParams

    return {"keyring_backend": None, "kdf": KdfParams(**CHEAP_KDF_ARGS)}


def badge_png(color: str, label: str, size: int = 128) -> bytes:
    """A round badge picture with a ribbon and a letter."""
    from PIL import Image, ImageDraw

    final = size
    size *= 4  # drawn large and scaled down: Pillow's shapes have no anti-aliasing of their own
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    s = size
    draw.polygon([(s * 0.3, s * 0.62), (s * 0.22, s * 0.98), (s * 0.4, s * 0.88), (s * 0.46, s * 0.7)], fill="#444a")
    draw.polygon([(s * 0.7, s * 0.62), (s * 0.78, s * 0.98), (s * 0.6, s * 0.88), (s * 0.54, s * 0.7)], fill="#444a")
    draw.ellipse([s * 0.12, s * 0.04, s * 0.88, s * 0.8], fill=color, outline="#ffffff", width=max(2, s // 32))
    draw.ellipse([s * 0.24, s * 0.16, s * 0.76, s * 0.68], outline="#ffffffaa", width=max(1, s // 48))
    letter = (label[:1] or "B").upper()
    try:
        from PIL import ImageFont

        font = ImageFont.load_default(size=int(s * 0.3))
    except (TypeError, OSError):  # old Pillow: fixed-size default font
        from PIL import ImageFont

        font = ImageFont.load_default()
    draw.text((s * 0.5, s * 0.42), letter, fill="#ffffff", font=font, anchor="mm")
    out = io.BytesIO()
    image.resize((final, final), Image.Resampling.LANCZOS).save(out, "PNG")
    return out.getvalue()


def credential_json(
    index: int,
    *,
    name: str | None = None,
    issuer: tuple[str, str] | None = None,
    skills: list[str] | None = None,
    issued: datetime | None = None,
    valid_until: datetime | None = None,
) -> str:
    """An OB 3.0 OpenBadgeCredential (no proof) as JSON text."""
    topic, topic_skills = TOPICS[index % len(TOPICS)]
    issuer_name, issuer_url = issuer or ISSUERS[index % len(ISSUERS)]
    issued = issued or datetime(2022, 1, 1, tzinfo=UTC) + timedelta(days=(index * 37) % 1000)
    doc: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:00000000-0000-4000-8000-{index:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_url + "/issuer", "type": ["Profile"], "name": issuer_name, "url": issuer_url},
        "validFrom": issued.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "name": name or (topic if index < len(TOPICS) else f"{topic} #{index}"),
        "credentialSubject": {
            "id": "did:example:earner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"{issuer_url}/achievements/{index}",
                "type": ["Achievement"],
                "name": name or topic,
                "description": f"Awarded for completing the {topic} course and its final project.",
                "criteria": {"narrative": "Complete every module and pass the final assessment with 80% or more."},
                "tag": skills if skills is not None else topic_skills,
            },
        },
    }
    if valid_until:
        doc["validUntil"] = valid_until.strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps(doc, indent=1)


def baked_badge(index: int, **kwargs: Any) -> bytes:
    from wallet.formats import bake_png

    payload = credential_json(index, **kwargs)
    name = json.loads(payload)["name"]
    return bake_png(badge_png(COLORS[index % len(COLORS)], name), payload, ob3=True)


def write_badges(folder: Path, count: int, start: int = 0, **kwargs: Any) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"badge-{i:05d}.png"
        path.write_bytes(baked_badge(i, **kwargs))
        paths.append(path)
    return paths


def fake_report(credential: Any, verdict: str, *, now: datetime | None = None, online: bool = True) -> Any:
    """A report with plausible checks for a chosen verdict (screenshots and bench only)."""
    from wallet.verify.report import (
        DATES,
        EXPIRED,
        FAIL,
        INVALID_SIGNATURE,
        ISSUER,
        PASS,
        PROOF,
        REVOKED,
        SKIPPED,
        STATUS,
        STRUCTURE,
        UNKNOWN,
        Check,
        Report,
    )

    checks = [
        Check(STRUCTURE, PASS, "The credential has every required field and only known contexts."),
        Check(ISSUER, PASS, "The issuer's key was found in its DID document (did:web)."),
        Check(PROOF, PASS, "The eddsa-rdfc-2022 signature verifies."),
        Check(STATUS, PASS, "The issuer's status list says this credential is not revoked."),
        Check(DATES, PASS, "Valid since 1 January 2024; it does not expire."),
    ]
    if verdict == INVALID_SIGNATURE:
        checks[2] = Check(PROOF, FAIL, "The signature does not match the credential's content.", INVALID_SIGNATURE)
        checks[3] = Check(STATUS, SKIPPED, "Not checked because the signature failed.")
        checks[4] = Check(DATES, SKIPPED, "Not checked because the signature failed.")
    elif verdict == REVOKED:
        checks[3] = Check(STATUS, FAIL, "The issuer revoked this credential.", REVOKED)
    elif verdict == EXPIRED:
        checks[4] = Check(DATES, FAIL, "Expired on 31 December 2023.", EXPIRED)
    elif verdict == "incomplete":
        checks[3] = Check(STATUS, UNKNOWN, "The status list could not be fetched (offline).")
    return Report(
        checks=tuple(checks),
        format=credential.format,
        credential_id=credential.id,
        credential_name=credential.display_name,
        issuer=credential.issuer_name,
        checked_at=(now or datetime.now(UTC)) - timedelta(days=3),
        online=online,
    )


DEMO_VERDICTS = ["valid", "valid", "expired", "valid", "revoked", "valid", "incomplete", "valid", "invalid_signature"]


def fill_store(store: Any, count: int, *, verdicts: list[str] | None = None) -> None:
    """Add ``count`` baked badges with recorded reports straight through the store (fast set-up).

    Verdicts cycle through ``verdicts`` so every picture and test sees the same mix.
    """
    from wallet.formats import parse
    from wallet.store import AddItem

    verdicts = verdicts or DEMO_VERDICTS
    topics = [t for t, _ in TOPICS]
    template_images = {i: badge_png(COLORS[i], topics[i % len(topics)], 128) for i in range(len(COLORS))}
    from wallet.formats import bake_png

    batch = []
    for i in range(count):
        payload = credential_json(i)
        data = bake_png(template_images[i % len(COLORS)], payload, ob3=True)
        credential = parse(data, f"badge-{i}.png")[0]
        batch.append(AddItem(credential, fake_report(credential, verdicts[i % len(verdicts)]), source=f"badge-{i}.png"))
        if len(batch) >= 500:
            store.add_many(batch)
            batch = []
    if batch:
        store.add_many(batch)
