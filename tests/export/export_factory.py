"""Real credentials for the export tests, signed here with the project's own signer.

The issuer is a did:key (Ed25519), so every credential verifies offline and
the tests need no network.  Three shapes cover the bundle's cases: an OB 3.0
JSON credential with an embedded eddsa-rdfc-2022 proof, the same kind baked
into a PNG (the original is an image), and a VC-JOSE JWT (enveloped in the
presentation).  Names carry characters that must survive HTML, URLs and PDFs.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519
from PIL import Image

from wallet.export.artwork import generated_png
from wallet.export.presentation import did_key_for
from wallet.formats.bake import bake_png
from wallet.formats.detect import parse
from wallet.model import Credential
from wallet.store import KdfParams, WalletStore
from wallet.verify import VerifyOptions, verify
from wallet.verify.documents import default_loader
from wallet.verify.proofs.data_integrity import sign_eddsa_rdfc_2022

CHEAP_KDF = KdfParams(memory_kib=64, iterations=1, lanes=1)
PASSPHRASE = "export tests passphrase"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
OB3_CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


@dataclass(frozen=True)
class Issuer:
    key: ed25519.Ed25519PrivateKey
    did: str
    name: str

    @property
    def vm(self) -> str:
        return f"{self.did}#{self.did.removeprefix('did:key:')}"


def make_issuer(label: str, name: str) -> Issuer:
    seed = hashlib.sha256(label.encode()).digest()
    key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    return Issuer(key, did_key_for(key.public_key()), name)


def ob3_document(
    issuer: Issuer,
    name: str,
    *,
    skills: tuple[str, ...] = (),
    valid_from: str = "2024-03-15T09:00:00Z",
    valid_until: str | None = None,
    evidence_url: str | None = None,
    credential_id: str | None = None,
    image: str | None = None,
) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}",
        "type": ["Achievement"],
        "name": name,
        "description": f"Awarded for {name}.",
        "criteria": {"narrative": "Passed the assessment."},
    }
    if skills:
        achievement["alignment"] = [
            {"type": ["Alignment"], "targetName": s, "targetUrl": f"https://skills.example.org/{i}"}
            for i, s in enumerate(skills)
        ]
    if image:
        achievement["image"] = {"id": image, "type": "Image"}
    doc: dict[str, Any] = {
        "@context": OB3_CONTEXTS,
        "id": credential_id or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_DNS, name + issuer.did)}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": issuer.name},
        "validFrom": valid_from,
        "name": name,
        "credentialSubject": {
            "id": "did:example:earner-1",
            "type": ["AchievementSubject"],
            "achievement": achievement,
        },
    }
    if valid_until:
        doc["validUntil"] = valid_until
    if evidence_url:
        doc["evidence"] = [{"id": evidence_url, "type": ["Evidence"], "name": "Project write-up"}]
    return doc


def sign(issuer: Issuer, document: dict[str, Any]) -> dict[str, Any]:
    return sign_eddsa_rdfc_2022(
        document, issuer.key, issuer.vm, created="2024-03-15T09:00:00Z", loader=default_loader()
    )


def json_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def baked_png_bytes(issuer: Issuer, document: dict[str, Any]) -> bytes:
    art = generated_png(document["name"], issuer.did, size=256)
    return bake_png(art, json.dumps(sign(issuer, document), ensure_ascii=False), ob3=True)


def jwt_bytes(issuer: Issuer, document: dict[str, Any]) -> bytes:
    """A VC-JOSE token: the payload *is* the credential (VC 2.0), signed EdDSA."""
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": issuer.vm}

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(document).encode())}"
    signature = issuer.key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64(signature)}".encode("ascii")


def credential_from(data: bytes, name: str) -> Credential:
    found = parse(data, name)
    assert len(found) == 1, found
    return found[0]


def open_store(home: Path) -> WalletStore:
    return WalletStore.open(home, passphrase=PASSPHRASE, keyring_backend=None, kdf=CHEAP_KDF)


def add_file(store: WalletStore, data: bytes, name: str) -> str:
    """Import one file the way the importer does: parse, verify offline at NOW, store."""
    credential = credential_from(data, name)
    report = verify(credential, VerifyOptions(now=NOW))
    return store.add(credential, report, source=name).record_id


# Names that have to survive HTML, URLs, JSON, PDF text and file names.
NAME_JSON = "Python for Data Science & ML <Level 2>"
NAME_PNG = 'Kubernetes Administrator "CKA" – Été'
NAME_JWT = "Intro to Statistics #101 + R"
CRITERIA_PAGE = "https://cncf.example.org/badges/cka?lang=en&v=2"


@dataclass(frozen=True)
class Wallet:
    store: WalletStore
    ids: tuple[str, ...]  # JSON, baked PNG, JWT – in this order
    names: tuple[str, ...]
    originals: tuple[bytes, ...]
    university: Issuer
    cncf: Issuer


def rasterise_svg(svg: str, size: int = 400) -> bytes:
    """Draw an SVG with Qt's renderer (tests may use Qt; wallet.export may not)."""
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    QSvgRenderer(QByteArray(svg.encode("utf-8"))).render(painter)
    painter.end()
    raw = bytes(image.constBits())  # Format_RGB32 is B, G, R, 0xff per pixel in memory
    out = io.BytesIO()
    Image.frombuffer("RGBA", (size, size), raw, "raw", "BGRA", 0, 1).save(out, "PNG")
    return out.getvalue()


BUNDLE_CHALLENGE = "c0ffee-42"
BUNDLE_DOMAIN = "jobs.example.com"


def zip_files(path: Path) -> dict[str, bytes]:
    """Every file of a ZIP, by name."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    """A ZIP of ``files`` (used to hand the checker an edited bundle)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()
