"""Builders for the store tests: credentials with every field set, reports, a real keyring.

Credentials are made from the model dataclasses directly, so the store is
tested without the parsers.  ``make_credential(n)`` gives a distinct badge per
``n`` with recognisable personal strings (name, e-mail, issuer) that the
no-plaintext test then looks for on disk.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from wallet.model import (
    FORMAT_OB3_JSON,
    Achievement,
    Alignment,
    Credential,
    Evidence,
    Issuer,
    Related,
    Result,
    ResultDescription,
    StatusEntry,
    Subject,
)
from wallet.store import KdfParams, WalletStore
from wallet.verify.report import DATES, EXPIRED, FAIL, PASS, PROOF, STRUCTURE, Check, Report

CHEAP_KDF = KdfParams(memory_kib=64, iterations=1, lanes=1)
PASSPHRASE = "correct horse battery staple"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

# A tiny PNG-ish original with the badge JSON baked in, as a real baked badge would carry it.
PNG_HEAD = b"\x89PNG\r\n\x1a\n"


def earner_name(n: int) -> str:
    return f"Zebulon Quixotic-{n:04d}"


def earner_email(n: int) -> str:
    return f"zebulon.quixotic{n:04d}@example.org"


def issuer_name(n: int) -> str:
    return f"Marvellous Academy of Glassblowing {n % 7}"


def make_credential(
    n: int = 0,
    *,
    parent_id: str | None = None,
    with_id: bool = True,
    endorsement: Credential | None = None,
) -> Credential:
    """A credential with every field filled, distinct for each ``n``."""
    cid = f"urn:uuid:00000000-0000-4000-8000-{n:012d}" if with_id else None
    issuer = Issuer(
        id=f"did:web:academy{n % 7}.example",
        name=issuer_name(n),
        url=f"https://academy{n % 7}.example",
        email=f"registrar{n % 7}@academy.example",
        image="data:image/png;base64,iVBORw0KGgo=",
        description="Glass since 1803",
    )
    achievement = Achievement(
        id=f"https://academy.example/achievements/{n}",
        name=f"Lampworking Level {n}",
        description="Shapes molten borosilicate rods",
        achievement_type="Certificate",
        criteria_narrative="Make *three* beads",
        criteria_url="https://academy.example/criteria",
        image="https://academy.example/badge.png",
        alignments=(
            Alignment("Borosilicate Lampworking", "https://skills.example/1", "ESCO", "S1.2", "desc", "CFItem"),
            Alignment("Kiln Safety"),
        ),
        tags=("glass", f"cohort-{n % 3}"),
        credits_available=1.5,
        field_of_study="Applied arts",
        specialization="Beads",
        human_code=f"LW-{n}",
        version="2.1",
        related=(Related("https://academy.example/achievements/0", "isPartOf", "Foundations"),),
        result_descriptions=(ResultDescription("rd1", "Final grade", "LetterGrade", "B", None),),
        creator=Issuer(id="did:web:creator.example", name="Guild of Glass"),
    )
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": cid,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Lampworking Level {n}",
        "credentialSubject": {"identifier": earner_email(n), "name": earner_name(n)},
        "nested": {"list": [1, 2.5, True, None, "ünïcødé ✓"]},
    }
    payload = json.dumps(document, ensure_ascii=False, indent=2)
    return Credential(
        id=cid,
        format=FORMAT_OB3_JSON,
        spec_version="3.0",
        name=f"Lampworking Level {n}",
        issuer=issuer,
        achievement=achievement,
        payload=payload,
        original=PNG_HEAD + b"iTXtopenbadgecredential\x00" + payload.encode("utf-8") + bytes(range(256)),
        document=document,
        types=("VerifiableCredential", "OpenBadgeCredential"),
        description="Awarded for beads",
        image=f"data:image/svg+xml;base64,{base64.b64encode(earner_name(n).encode()).decode()}",
        subject=Subject(
            id=f"did:key:z6Mk{n}", identity=earner_email(n), identity_type="emailAddress", hashed=False, salt="pepper"
        ),
        issued=NOW - timedelta(days=n),
        valid_from=datetime(2025, 1, 1, 8, 30, 15, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        valid_until=None,
        evidence=(Evidence("https://evidence.example/1", "Bead photo", "A blue bead", "I made it", "Photo"),),
        results=(Result("rd1", "A", "Excellent", "Completed"),),
        endorsements=(endorsement,) if endorsement else (),
        status=(
            StatusEntry(
                "BitstringStatusListEntry", "https://s.example/1#5", "revocation", "5", "https://s.example/1", 1
            ),
        ),
        source_name=f"{earner_name(n)}.png",
        container="png",
        parent_id=parent_id,
        jwt_header={"alg": "EdDSA", "kid": "did:web:academy.example#key-1"},
        hosted_url=None,
    )


def make_report(credential: Credential, *, expired: bool = False, at: datetime = NOW) -> Report:
    return Report(
        checks=(
            Check(STRUCTURE, PASS, "Structure is fine"),
            Check(PROOF, PASS, "Signature verifies"),
            Check(DATES, FAIL, "Expired last year", EXPIRED) if expired else Check(DATES, PASS, "In date"),
        ),
        format=credential.format,
        credential_id=credential.id,
        credential_name=credential.name,
        issuer=credential.issuer.name,
        checked_at=at,
        online=False,
    )


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps secrets in a dict (tests only)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


# --- old schema versions --------------------------------------------------------

V1_FIXTURE_PASSPHRASE = "v1 fixture"


def build_v1_store(home: Path) -> None:
    """A wallet exactly as schema version 1 wrote it: three records, reports, tags, no notes table.

    ``tests/store/data/wallet-v1.db`` was made with this (see test_store_migrations);
    the file is kept so later schema steps are tested against real v1 bytes.
    """

    class V1Store(WalletStore):
        SCHEMA_VERSION = 1

    with V1Store.open(home, passphrase=V1_FIXTURE_PASSPHRASE, kdf=CHEAP_KDF) as store:
        for n in range(3):
            credential = make_credential(n)
            store.add(credential, make_report(credential), source=f"{n}.png", tags=[f"v1-tag-{n}"])
