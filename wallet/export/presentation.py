"""The holder's signed Verifiable Presentation (VC Data Model 2.0) for a résumé bundle.

Why a presentation at all: each credential already carries its issuer's
proof, but nothing says *the earner* put these credentials together, for
this recruiter.  The presentation is signed with the earner's own
``did:key`` (Ed25519, eddsa-rdfc-2022, ``proofPurpose: authentication``),
with the recruiter's ``challenge``/``domain`` when given, so a bundle
cannot be replayed as an answer to someone else's request.

The key is made on first use and kept in the encrypted store (never in
the bundle, never in plaintext on disk).

What goes into ``verifiableCredential`` (VC 2.0 §4.12, §4.13):

* JSON credentials whose ``type`` includes ``VerifiableCredential`` (OB 3.0,
  CLR 2.0, VC 1.1 and 2.0) are embedded as the exact JSON the issuer signed;
* VC-JWT / VC-JOSE credentials become ``EnvelopedVerifiableCredential``
  objects whose ``id`` is a ``data:application/vc+jwt,<compact JWS>`` URL;
* OB 2.0 assertions (hosted or signed) are not verifiable credentials, so
  VC 2.0 gives them no place here: they are left out, the bundle's notes say
  so, and they are still in ``credentials/`` and checked from there.
* A credential that cannot be canonicalized with the bundled contexts is left
  out with a note too, rather than failing the whole export.

The bundle's other files are signed too.  ``bundleFiles`` lists every file of
the bundle except ``presentation.json`` and ``manifest.json`` – name, media
type and ``digestSRI`` (``sha256-`` + base64 of the SHA-256, the VC 2.0 form)
– so editing ``index.html``, ``portfolio.pdf`` or ``resume.json`` and
rewriting ``manifest.json`` to match no longer goes unnoticed.  ``name``,
``mediaType`` and ``digestSRI`` are VC 2.0 terms; ``bundleFiles`` itself is
not, so the presentation adds the VC 2.0 ``undefined-terms`` context after
the VC 2.0 one: its ``@vocab`` maps the term to
``https://www.w3.org/ns/credentials/undefined-term#bundleFiles`` instead of
dropping it (the canonicalizer refuses dropped terms, so an unmapped term
would fail signing, never go unsigned).  ``verifiableCredential`` resets the
context (``@context: null`` in VC 2.0), so the ``@vocab`` never reaches the
embedded credentials.  A checker reads the list back from the signed RDF
(``signed_bundle_files``), not from the JSON keys.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from wallet.errors import ExportError, FormatError, WalletError
from wallet.formats.common import iso_z
from wallet.model import Credential
from wallet.verify import multibase
from wallet.verify.canonical import to_quads
from wallet.verify.documents import ContextLoader
from wallet.verify.options import VerifyOptions
from wallet.verify.proofs.data_integrity import sign_eddsa_rdfc_2022, verify_proofs
from wallet.verify.rdfc import Budget, Term
from wallet.verify.report import FAIL, INVALID_SIGNATURE, PASS, SKIPPED, UNKNOWN, Check

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
UNDEFINED_TERMS_CONTEXT = "https://www.w3.org/ns/credentials/undefined-terms/v2"
BUNDLE_FILES = "bundleFiles"
# What the signed RDF says (VC 2.0 context terms; bundleFiles through the undefined-terms @vocab).
BUNDLE_FILES_IRI = "https://www.w3.org/ns/credentials/undefined-term#bundleFiles"
NAME_IRI = "https://schema.org/name"
DIGEST_SRI_IRI = "https://www.w3.org/2018/credentials#digestSRI"
RDF_TYPE_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
VP_TYPE_IRI = "https://www.w3.org/2018/credentials#VerifiablePresentation"
SRI_PREFIX = "sha256-"
MEDIA_TYPES = {
    ".html": "text/html",
    ".pdf": "application/pdf",
    ".json": "application/json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".jwt": "application/jwt",
    ".txt": "text/plain",
}
VP_TYPE = "VerifiablePresentation"
ENVELOPED_TYPE = "EnvelopedVerifiableCredential"
JWT_DATA_PREFIX = "data:application/vc+jwt,"
PURPOSE = "authentication"
CHECK_PRESENTATION = "presentation"
EMBED_SECONDS = 5.0


class HolderKeyStore(Protocol):
    """The part of ``WalletStore`` that keeps the holder key (encrypted at rest)."""

    def holder_key(self) -> bytes | None: ...

    def set_holder_key(self, key: bytes | None) -> None: ...


@dataclass(frozen=True, slots=True)
class Holder:
    """The earner's signing identity."""

    private_key: ed25519.Ed25519PrivateKey
    did: str

    @property
    def verification_method(self) -> str:
        return f"{self.did}#{self.did.removeprefix('did:key:')}"


@dataclass(frozen=True, slots=True)
class Contents:
    """What was put in the presentation and what was left out (with the reason)."""

    entries: tuple[dict[str, Any], ...]
    included: tuple[Credential, ...]
    omitted: tuple[tuple[Credential, str], ...]


def holder_from_seed(seed: bytes) -> Holder:
    """The holder for a 32-byte Ed25519 private key (the form the store keeps)."""
    if len(seed) != 32:
        raise ExportError("The wallet's signing key is damaged (it is not an Ed25519 key).")
    key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    return Holder(key, did_key_for(key.public_key()))


def did_key_for(public_key: ed25519.Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "did:key:" + multibase.encode_multikey(multibase.ED25519_PUB, raw)


def holder_for(store: HolderKeyStore) -> Holder:
    """The earner's holder identity, created and saved in the store the first time it is needed."""
    seed = store.holder_key()
    if seed is None:
        key = ed25519.Ed25519PrivateKey.generate()
        seed = key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        store.set_holder_key(seed)
    return holder_from_seed(seed)


def presentation_contents(credentials: Sequence[Credential], loader: ContextLoader) -> Contents:
    """Decide, per credential, how it enters the presentation (see module docstring)."""
    entries: list[dict[str, Any]] = []
    included: list[Credential] = []
    omitted: list[tuple[Credential, str]] = []
    for cred in credentials:
        entry, reason = _entry_for(cred, loader)
        if entry is None:
            omitted.append((cred, reason))
        else:
            entries.append(entry)
            included.append(cred)
    return Contents(tuple(entries), tuple(included), tuple(omitted))


def _entry_for(cred: Credential, loader: ContextLoader) -> tuple[dict[str, Any] | None, str]:
    if cred.is_jwt:
        if cred.format.startswith("ob2"):
            return None, "it is a signed Open Badges 2.0 assertion, not a verifiable credential"
        return {"@context": VC_V2_CONTEXT, "id": JWT_DATA_PREFIX + cred.payload, "type": ENVELOPED_TYPE}, ""
    try:
        document = json.loads(cred.payload)
    except (TypeError, ValueError):
        return None, "its JSON could not be read again"
    if not isinstance(document, dict):
        return None, "it is not a JSON object"
    types = document.get("type", [])
    types = types if isinstance(types, list) else [types]
    if "VerifiableCredential" not in types:
        return None, "it is an Open Badges 2.0 assertion, not a verifiable credential"
    try:
        to_quads(document, loader, budget=Budget(EMBED_SECONDS, "Preparing the presentation"))
    except WalletError as exc:
        return None, f"it cannot be signed over with the bundled JSON-LD contexts ({exc.user_message})"
    return document, ""


def build_presentation(
    entries: Sequence[Mapping[str, Any]],
    holder: Holder,
    *,
    presentation_id: str | None = None,
    bundle_files: Sequence[Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """The unsigned presentation document; with ``bundle_files`` (``bundle_file_entries``) it signs them too."""
    document: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": presentation_id or f"urn:uuid:{uuid.uuid4()}",
        "type": [VP_TYPE],
        "holder": holder.did,
        "verifiableCredential": [dict(e) for e in entries],
    }
    if bundle_files is not None:
        document["@context"] = [VC_V2_CONTEXT, UNDEFINED_TERMS_CONTEXT]
        document[BUNDLE_FILES] = [dict(f) for f in bundle_files]
    return document


def digest_sri(data: bytes) -> str:
    """``sha256-<base64>``: the Subresource Integrity form VC 2.0 ``digestSRI`` takes."""
    return SRI_PREFIX + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def bundle_file_entries(files: Mapping[str, bytes]) -> list[dict[str, str]]:
    """``bundleFiles`` for ``files`` (final bytes; without presentation.json and manifest.json), sorted by name."""
    return [
        {"name": name, "mediaType": media_type_for(name), "digestSRI": digest_sri(data)}
        for name, data in sorted(files.items())
    ]


def media_type_for(name: str) -> str:
    dot = name.rfind(".")
    return MEDIA_TYPES.get(name[dot:].lower(), "application/octet-stream") if dot >= 0 else "application/octet-stream"


def signed_bundle_files(document: Mapping[str, Any], loader: ContextLoader) -> dict[str, str] | None:
    """``bundleFiles`` as the holder's signature covers it: name → ``digestSRI``; ``None`` if it has none.

    Use only once ``check_presentation`` passed.  The list is read from the
    presentation's RDF – the statements eddsa-rdfc-2022 signs – not from its
    JSON keys, so a re-spelling that keeps the signature valid (the full IRI
    as the key, ``@included``, …) can neither hide the list (and pass the
    bundle off as an older one) nor change it.  Raises ``FormatError`` when
    the signed list is not one the wallet writes (an entry without exactly one
    name and one digest, or one name with two digests).
    """
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    try:
        quads = to_quads(unsecured, loader, budget=Budget(EMBED_SECONDS, "Checking the bundle's files"))
    except WalletError as exc:
        raise FormatError(f"presentation.json cannot be read again: {exc.user_message}", detail=exc.detail) from exc
    by_subject: dict[Term, list[tuple[str, Term]]] = {}
    for subject, predicate, obj, graph in quads:
        if graph is None:  # the presentation's own statements; credentials and the proof are named graphs
            by_subject.setdefault(subject, []).append((predicate[1], obj))
    presentations = [s for s, pairs in by_subject.items() if (RDF_TYPE_IRI, ("I", VP_TYPE_IRI, None, None)) in pairs]
    listed = [o for s in presentations for p, o in by_subject[s] if p == BUNDLE_FILES_IRI]
    if not listed:
        return None
    if len(presentations) != 1:
        raise FormatError("presentation.json holds more than one presentation.")
    out: dict[str, str] = {}
    for node in listed:
        pairs = by_subject.get(node, [])
        names = [o[1] for p, o in pairs if p == NAME_IRI and o[0] == "L"]
        digests = [o[1] for p, o in pairs if p == DIGEST_SRI_IRI and o[0] == "L"]
        if len(names) != 1 or len(digests) != 1:
            raise FormatError("The signed file list in presentation.json has an entry without one name and one digest.")
        if out.setdefault(names[0], digests[0]) != digests[0]:
            raise FormatError(f"The signed file list in presentation.json gives {names[0]} two digests.")
    return out


def sign_presentation(
    presentation: Mapping[str, Any],
    holder: Holder,
    loader: ContextLoader,
    *,
    created: datetime,
    challenge: str | None = None,
    domain: str | None = None,
) -> dict[str, Any]:
    """Add the holder's eddsa-rdfc-2022 authentication proof."""
    try:
        return sign_eddsa_rdfc_2022(
            presentation,
            holder.private_key,
            holder.verification_method,
            purpose=PURPOSE,
            created=iso_z(created),
            challenge=challenge,
            domain=domain,
            loader=loader,
        )
    except WalletError as exc:
        raise ExportError(f"The presentation could not be signed: {exc.user_message}", detail=exc.detail) from exc


def check_presentation(document: Any, options: VerifyOptions, loader: ContextLoader) -> Check:
    """One ``presentation`` check: shape, holder did:key, authentication proof, challenge/domain."""
    if not isinstance(document, dict):
        return Check(CHECK_PRESENTATION, FAIL, "presentation.json is not a JSON object.", INVALID_SIGNATURE)
    types = document.get("type")
    if VP_TYPE not in (types if isinstance(types, list) else [types]):
        return Check(CHECK_PRESENTATION, FAIL, "presentation.json is not a VerifiablePresentation.", INVALID_SIGNATURE)
    holder = document.get("holder")
    if not isinstance(holder, str) or not holder.startswith("did:key:z"):
        return Check(CHECK_PRESENTATION, FAIL, "The presentation names no did:key holder.", INVALID_SIGNATURE)
    proofs = document.get("proof")
    proof_list = proofs if isinstance(proofs, list) else [proofs] if proofs is not None else []
    for proof in proof_list:
        method = proof.get("verificationMethod") if isinstance(proof, dict) else None
        if not isinstance(method, str) or method.split("#", 1)[0] != holder:
            return Check(
                CHECK_PRESENTATION,
                FAIL,
                "The presentation is signed with a key that is not the holder's.",
                INVALID_SIGNATURE,
            )
    issuer_check, proof_check = verify_proofs(document, holder, options, loader, purpose=PURPOSE)
    if proof_check.status == PASS and issuer_check.status in (PASS, SKIPPED):
        extra = []
        if options.challenge is not None:
            extra.append("challenge")
        if options.domain is not None:
            extra.append("domain")
        matched = f"; {' and '.join(extra)} match" if extra else ""
        return Check(CHECK_PRESENTATION, PASS, f"Signed by the holder {short_did(holder)} (authentication{matched}).")
    failed = proof_check if proof_check.status == FAIL else issuer_check
    status = FAIL if failed.status == FAIL else UNKNOWN
    return Check(
        CHECK_PRESENTATION,
        status,
        f"The holder's signature does not verify: {failed.message}",
        failed.verdict or INVALID_SIGNATURE,
    )


def short_did(did: str) -> str:
    """``did:key:z6Mk…a1B2`` – enough to compare by eye."""
    tail = did.removeprefix("did:key:")
    return f"did:key:{tail[:8]}…{tail[-4:]}" if len(tail) > 16 else did
