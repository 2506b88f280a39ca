"""Embedded Data Integrity proofs: eddsa-rdfc-2022, ecdsa-rdfc-2019 (P-256, P-384), Ed25519Signature2020.

``verify_proofs`` returns the two report checks this step owns, ``issuer`` and
``proof``.  The order of work is chosen so that the cheap, offline failures
come first: the document is canonicalized *before* any key is fetched, so an
unknown context or a hostile graph is reported as ``malformed`` without a
single network request.

The hashing is the same for all three suites (VC-DI-EdDSA / VC-DI-ECDSA):
``hashData = H(canonical proof config) || H(canonical document)`` – proof
first – where the proof config is the proof without ``proofValue`` and with the
document's ``@context``.  ``H`` and the RDFC-1.0 hash are SHA-384 only for
ecdsa-rdfc-2019 with a P-384 key.  Ed25519 signs ``hashData`` as is; ECDSA
hashes it again with the curve's hash, and ``proofValue`` carries raw ``r||s``.

A proof set (``proof`` array) passes when any one proof by the issuer verifies.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from wallet.errors import ContextNotAllowed, LimitExceeded
from wallet.verify import multibase
from wallet.verify.canonical import (
    DEFAULT_LIMITS,
    I18N_DATATYPE,
    CanonicalizationError,
    CanonLimits,
    DroppedTermError,
    Loader,
    RelativeIriError,
    check_blank_nodes,
    to_quads,
)
from wallet.verify.did import (
    KeyNotAuthorized,
    KeyUnresolvable,
    PublicKey,
    VerificationMethod,
    key_kind,
    resolve_verification_method,
)
from wallet.verify.options import VerifyOptions
from wallet.verify.rdfc import Budget, Quad, canonicalize_quads
from wallet.verify.report import (
    FAIL,
    INVALID_SIGNATURE,
    ISSUER,
    MALFORMED,
    PASS,
    PROOF,
    SKIPPED,
    UNKNOWN,
    UNRESOLVABLE_ISSUER,
    Check,
    short_id,
)

EDDSA_RDFC_2022 = "eddsa-rdfc-2022"
ECDSA_RDFC_2019 = "ecdsa-rdfc-2019"
ED25519_SIGNATURE_2020 = "Ed25519Signature2020"
DATA_INTEGRITY_PROOF = "DataIntegrityProof"
SUITES = (EDDSA_RDFC_2022, ECDSA_RDFC_2019, ED25519_SIGNATURE_2020)

ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
DATA_INTEGRITY_V2_CONTEXT = "https://w3id.org/security/data-integrity/v2"
DI_COMPATIBLE_CONTEXTS = (
    "https://www.w3.org/ns/credentials/v2",
    "https://w3id.org/security/data-integrity/v1",
    DATA_INTEGRITY_V2_CONTEXT,
)
MAX_PROOFS = 8
_XSD_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


@dataclass(frozen=True)
class _Outcome:
    """What checking one proof found; ``rank`` orders outcomes from worst to best."""

    rank: int
    issuer: Check
    proof: Check


# Ranks: a proof set reports its best proof.
_MALFORMED, _INVALID, _UNRESOLVABLE, _OFFLINE, _VALID = range(5)


class _ProofError(Exception):
    """A proof that fails on its own terms (not a key problem)."""


class _Document:
    """The unsecured document, canonicalized once per (``rdfDirection``, hash) that a proof needs."""

    def __init__(self, unsecured: dict[str, Any], loader: Loader, limits: CanonLimits, budget: Budget) -> None:
        self.unsecured = unsecured
        self._loader = loader
        self._limits = limits
        self._budget = budget
        self._quads: dict[str | None, list[Quad]] = {}
        self._nquads: dict[tuple[str | None, str], str] = {}

    def quads(self, rdf_direction: str | None) -> list[Quad]:
        if rdf_direction not in self._quads:
            quads = to_quads(
                self.unsecured, self._loader, limits=self._limits, budget=self._budget, rdf_direction=rdf_direction
            )
            check_blank_nodes(quads, self._limits)
            self._quads[rdf_direction] = quads
        return self._quads[rdf_direction]

    def nquads(self, rdf_direction: str | None, hash_name: str) -> str:
        key = (rdf_direction, hash_name)
        if key not in self._nquads:
            self._nquads[key] = canonicalize_quads(
                self.quads(rdf_direction),
                hash_name=hash_name,
                budget=self._budget,
                work_factor=self._limits.work_factor,
                max_permutations=self._limits.max_permutations,
            )
        return self._nquads[key]


def _rdf_direction(suite_or_type: Any) -> str | None:
    """jsonld-signatures (Ed25519Signature2020) sets no rdfDirection; the DI cryptosuites use i18n-datatype."""
    return None if suite_or_type == ED25519_SIGNATURE_2020 else I18N_DATATYPE


# --------------------------------------------------------------------------- public API


def verify_proofs(
    document: Mapping[str, Any],
    issuer_id: str | None,
    options: VerifyOptions,
    loader: Loader,
    *,
    purpose: str = "assertionMethod",
    limits: CanonLimits = DEFAULT_LIMITS,
) -> tuple[Check, Check]:
    """Check every embedded proof of ``document``; returns ``(issuer_check, proof_check)``.

    ``issuer_id`` is the credential's issuer (or a presentation's holder): the
    verification method's controller must equal it.  ``None`` skips that rule.
    """
    raw = document.get("proof")
    proofs = raw if isinstance(raw, list) else [raw] if raw is not None else []
    if not proofs:
        return (
            Check(ISSUER, SKIPPED, "No proof, so no issuer key to check."),
            Check(PROOF, FAIL, "The credential has no proof (it is not signed).", INVALID_SIGNATURE),
        )
    if len(proofs) > MAX_PROOFS:
        return _malformed(f"The credential carries {len(proofs)} proofs; at most {MAX_PROOFS} are checked.")

    budget = Budget(max(0.1, min(limits.seconds, options.time_budget)), "Checking the signature")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    doc = _Document(unsecured, loader, limits, budget)
    first = proofs[0]
    try:  # before any key is fetched: unknown contexts and hostile graphs fail here, offline
        doc.nquads(_rdf_direction(first.get("type") if isinstance(first, Mapping) else None), "sha256")
    except ContextNotAllowed as exc:
        return _malformed(f"Unknown JSON-LD context: {exc.detail}. The wallet only trusts bundled contexts.")
    except (DroppedTermError, RelativeIriError) as exc:  # content the signature cannot cover
        return (
            Check(ISSUER, SKIPPED, "Not checked: the signature cannot cover this credential's content."),
            Check(PROOF, FAIL, str(exc), INVALID_SIGNATURE),
        )
    except (LimitExceeded, CanonicalizationError) as exc:
        return _malformed(str(exc))

    outcomes = [_check_one(proof, doc, issuer_id, options, loader, purpose, limits, budget) for proof in proofs]
    best = max(outcomes, key=lambda o: o.rank)
    if len(outcomes) > 1 and best.rank == _VALID:
        return best.issuer, Check(PROOF, PASS, f"{best.proof.message} (1 of {len(outcomes)} proofs).")
    return best.issuer, best.proof


def _malformed(message: str) -> tuple[Check, Check]:
    return (
        Check(ISSUER, SKIPPED, "Not checked: the credential could not be read as signed data."),
        Check(PROOF, FAIL, message, MALFORMED),
    )


# --------------------------------------------------------------------------- one proof


def _check_one(
    proof: Any,
    doc: _Document,
    issuer_id: str | None,
    options: VerifyOptions,
    loader: Loader,
    purpose: str,
    limits: CanonLimits,
    budget: Budget,
) -> _Outcome:
    skipped_issuer = Check(ISSUER, SKIPPED, "Not checked: the proof itself is unusable.")
    try:
        suite = _suite_of(proof)
        _check_proof_options(proof, options, purpose)
        direction = _rdf_direction(suite)
        doc.quads(direction)
        config = _proof_config(proof, doc.unsecured, suite)
        config_quads = to_quads(config, loader, limits=limits, budget=budget, rdf_direction=direction)
    except ContextNotAllowed as exc:
        message = f"Unknown JSON-LD context: {exc.detail}."
        return _Outcome(_MALFORMED, skipped_issuer, Check(PROOF, FAIL, message, MALFORMED))
    except LimitExceeded as exc:
        return _Outcome(_MALFORMED, skipped_issuer, Check(PROOF, FAIL, str(exc), MALFORMED))
    except (_ProofError, CanonicalizationError) as exc:
        return _Outcome(_INVALID, skipped_issuer, Check(PROOF, FAIL, str(exc), INVALID_SIGNATURE))

    vm_id = proof.get("verificationMethod")
    try:
        with budget.paused():  # the budget is for JSON-LD work, not for waiting on the issuer's server
            method = resolve_verification_method(vm_id, options.fetcher, purpose=purpose)
    except KeyUnresolvable as exc:
        if exc.offline:
            return _Outcome(
                _OFFLINE,
                Check(ISSUER, UNKNOWN, f"The issuer's key {vm_id} is not available offline."),
                Check(PROOF, SKIPPED, "Not checked: the issuer's key could not be fetched (offline)."),
            )
        return _Outcome(
            _UNRESOLVABLE,
            Check(ISSUER, FAIL, str(exc), UNRESOLVABLE_ISSUER),
            Check(PROOF, SKIPPED, "Not checked: the issuer's key could not be resolved."),
        )
    except KeyNotAuthorized as exc:
        return _impostor(str(exc))
    if issuer_id is not None and method.controller != issuer_id:
        return _impostor(
            f"The proof was made with {method.id}, a key of {method.controller}, not of the issuer {issuer_id}."
        )

    try:
        hash_name = _hash_for(suite, method)
        data = _hash_data(config_quads, doc.nquads(direction, hash_name), hash_name, budget)
        _verify_signature(method.public_key, _decode_proof_value(proof), data, hash_name)
    except LimitExceeded as exc:
        return _Outcome(_MALFORMED, skipped_issuer, Check(PROOF, FAIL, str(exc), MALFORMED))
    except (_ProofError, InvalidSignature) as exc:
        message = str(exc) or f"The {suite} signature does not match the credential (changed since signing)."
        issuer_ok = Check(ISSUER, PASS, _key_message(method, purpose))
        return _Outcome(_INVALID, issuer_ok, Check(PROOF, FAIL, message, INVALID_SIGNATURE))
    return _Outcome(
        _VALID,
        Check(ISSUER, PASS, _key_message(method, purpose)),
        Check(PROOF, PASS, f"The {suite} signature ({method.key_kind}) verifies."),
    )


def _impostor(message: str) -> _Outcome:
    return _Outcome(
        _INVALID,
        Check(ISSUER, FAIL, message, INVALID_SIGNATURE),
        Check(PROOF, FAIL, "The proof was not made with a key of the issuer.", INVALID_SIGNATURE),
    )


def _suite_of(proof: Any) -> str:
    if not isinstance(proof, Mapping):
        raise _ProofError("The proof is not a JSON object.")
    for name in ("type", "verificationMethod", "proofPurpose"):
        if not isinstance(proof.get(name), str):
            raise _ProofError(f"The proof has no {name}.")
    proof_type = proof["type"]
    if proof_type == ED25519_SIGNATURE_2020:
        return ED25519_SIGNATURE_2020
    if proof_type == DATA_INTEGRITY_PROOF:
        suite = proof.get("cryptosuite")
        if suite in (EDDSA_RDFC_2022, ECDSA_RDFC_2019):
            return str(suite)
        raise _ProofError(f"Unsupported proof suite: DataIntegrityProof with cryptosuite {suite!r}.")
    raise _ProofError(f"Unsupported proof suite: {proof_type!r}.")


def _check_proof_options(proof: Mapping[str, Any], options: VerifyOptions, purpose: str) -> None:
    if proof["proofPurpose"] != purpose:
        raise _ProofError(f"The proof is for {proof['proofPurpose']!r}, not {purpose!r}.")
    created = proof.get("created")
    if created is not None and not (isinstance(created, str) and _XSD_DATETIME.match(created)):
        raise _ProofError("The proof's created date is not a valid date-time.")
    expires = proof.get("expires")
    if expires is not None:
        when = _parse_datetime(expires)
        if when is None:
            raise _ProofError("The proof's expires date is not a valid date-time.")
        if when < options.now:
            raise _ProofError(f"The proof expired on {expires}.")
    if options.challenge is not None and proof.get("challenge") != options.challenge:
        raise _ProofError("The proof's challenge does not match the one requested.")
    if options.domain is not None:
        domain = proof.get("domain")
        domains = domain if isinstance(domain, list) else [domain]
        if options.domain not in domains:
            raise _ProofError("The proof's domain does not match the one requested.")
    if not isinstance(proof.get("proofValue"), str):
        raise _ProofError("The proof has no proofValue.")


def _parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not _XSD_DATETIME.match(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _proof_config(proof: Mapping[str, Any], unsecured: Mapping[str, Any], suite: str) -> dict[str, Any]:
    """The proof without ``proofValue``, under the document's ``@context`` (plus the suite's, for 2020)."""
    context = unsecured.get("@context")
    if context is None:
        raise _ProofError("The credential has no @context.")
    contexts = context if isinstance(context, list) else [context]
    if suite == ED25519_SIGNATURE_2020:
        if ED25519_2020_CONTEXT not in contexts:  # jsonld-signatures adds the suite context to the proof
            contexts = [*contexts, ED25519_2020_CONTEXT]
    elif not any(c in contexts for c in DI_COMPATIBLE_CONTEXTS):
        raise _ProofError("The credential's @context does not define DataIntegrityProof.")
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = contexts if isinstance(context, list) or len(contexts) > 1 else context
    return config


def _hash_for(suite: str, method: VerificationMethod) -> str:
    kind = method.key_kind
    if suite == ECDSA_RDFC_2019:
        if kind == "P-256":
            return "sha256"
        if kind == "P-384":
            return "sha384"
        raise _ProofError(f"ecdsa-rdfc-2019 needs a P-256 or P-384 key, not {kind}.")
    if kind != "Ed25519":
        raise _ProofError(f"{suite} needs an Ed25519 key, not {kind}.")
    return "sha256"


def _hash_data(config_quads: list[Quad], doc_nquads: str, hash_name: str, budget: Budget) -> bytes:
    """``H(canonical proof config) || H(canonical document)`` – proof first."""
    digest = {"sha256": hashlib.sha256, "sha384": hashlib.sha384}[hash_name]
    proof_nquads = canonicalize_quads(config_quads, hash_name=hash_name, budget=budget)
    return digest(proof_nquads.encode("utf-8")).digest() + digest(doc_nquads.encode("utf-8")).digest()


def _decode_proof_value(proof: Mapping[str, Any]) -> bytes:
    value = proof["proofValue"]
    if not value.startswith("z"):
        raise _ProofError("The proofValue is not base58btc multibase (must start with 'z').")
    try:
        return multibase.decode(value)
    except ValueError as exc:
        raise _ProofError(f"The proofValue cannot be decoded: {exc}.") from exc


def _verify_signature(key: PublicKey, signature: bytes, data: bytes, hash_name: str) -> None:
    if isinstance(key, ed25519.Ed25519PublicKey):
        if len(signature) != 64:
            raise _ProofError("An Ed25519 signature is 64 bytes.")
        key.verify(signature, data)
        return
    if isinstance(key, ec.EllipticCurvePublicKey):
        size = (key.curve.key_size + 7) // 8
        if len(signature) != 2 * size:
            raise _ProofError(f"A {key_kind(key)} signature is {2 * size} bytes (r||s).")
        r = int.from_bytes(signature[:size], "big")
        s = int.from_bytes(signature[size:], "big")
        algorithm = hashes.SHA256() if hash_name == "sha256" else hashes.SHA384()
        key.verify(encode_dss_signature(r, s), data, ec.ECDSA(algorithm))
        return
    raise _ProofError("RSA keys are not used by these proof suites.")


# --------------------------------------------------------------------------- signing


def sign_eddsa_rdfc_2022(
    document: Mapping[str, Any],
    private_key: ed25519.Ed25519PrivateKey,
    verification_method: str,
    *,
    purpose: str = "assertionMethod",
    created: str | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    loader: Loader,
) -> dict[str, Any]:
    """A copy of ``document`` with an eddsa-rdfc-2022 proof added (existing proofs are kept as a set)."""
    return _sign(
        document, private_key, verification_method, EDDSA_RDFC_2022, purpose, created, challenge, domain, loader
    )


def sign_ecdsa_rdfc_2019(
    document: Mapping[str, Any],
    private_key: ec.EllipticCurvePrivateKey,
    verification_method: str,
    *,
    purpose: str = "assertionMethod",
    created: str | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    loader: Loader,
) -> dict[str, Any]:
    """A copy of ``document`` with an ecdsa-rdfc-2019 proof (P-256 → SHA-256, P-384 → SHA-384)."""
    return _sign(
        document, private_key, verification_method, ECDSA_RDFC_2019, purpose, created, challenge, domain, loader
    )


def sign_ed25519_signature_2020(
    document: Mapping[str, Any],
    private_key: ed25519.Ed25519PrivateKey,
    verification_method: str,
    *,
    purpose: str = "assertionMethod",
    created: str | None = None,
    loader: Loader,
) -> dict[str, Any]:
    """A copy of ``document`` with a legacy Ed25519Signature2020 proof (tests, old-issuer fixtures)."""
    return _sign(
        document, private_key, verification_method, ED25519_SIGNATURE_2020, purpose, created, None, None, loader
    )


def _sign(
    document: Mapping[str, Any],
    private_key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey,
    verification_method: str,
    suite: str,
    purpose: str,
    created: str | None,
    challenge: str | None,
    domain: str | None,
    loader: Loader,
) -> dict[str, Any]:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    context = unsecured.get("@context")
    contexts = context if isinstance(context, list) else [context] if context is not None else []
    if suite != ED25519_SIGNATURE_2020 and not any(c in contexts for c in DI_COMPATIBLE_CONTEXTS):
        unsecured["@context"] = [*contexts, DATA_INTEGRITY_V2_CONTEXT]  # as the JS signers do
    if suite == ED25519_SIGNATURE_2020 and ED25519_2020_CONTEXT not in contexts:
        unsecured["@context"] = [*contexts, ED25519_2020_CONTEXT]
    legacy = suite == ED25519_SIGNATURE_2020
    proof: dict[str, Any] = {"type": ED25519_SIGNATURE_2020 if legacy else DATA_INTEGRITY_PROOF}
    if suite != ED25519_SIGNATURE_2020:
        proof["cryptosuite"] = suite
    proof["created"] = created or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    proof["verificationMethod"] = verification_method
    proof["proofPurpose"] = purpose
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain

    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        hash_name = "sha256"
    elif isinstance(private_key.curve, ec.SECP384R1):
        hash_name = "sha384"
    else:
        hash_name = "sha256"
    budget = Budget(DEFAULT_LIMITS.seconds, "Signing")
    direction = _rdf_direction(suite)
    doc_nquads = canonicalize_quads(
        to_quads(unsecured, loader, budget=budget, rdf_direction=direction), hash_name=hash_name, budget=budget
    )
    config_quads = to_quads(_proof_config(proof, unsecured, suite), loader, budget=budget, rdf_direction=direction)
    data = _hash_data(config_quads, doc_nquads, hash_name, budget)
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        signature = private_key.sign(data)
    else:
        algorithm = hashes.SHA256() if hash_name == "sha256" else hashes.SHA384()
        r, s = decode_dss_signature(private_key.sign(data, ec.ECDSA(algorithm)))
        size = (private_key.curve.key_size + 7) // 8
        signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    proof["proofValue"] = multibase.encode(signature, "z")
    existing = document.get("proof")
    signed = dict(unsecured)
    if existing is None:
        signed["proof"] = proof
    else:
        signed["proof"] = [*(existing if isinstance(existing, list) else [existing]), proof]
    return signed


def _key_message(method: VerificationMethod, purpose: str) -> str:
    """Plain words first; the identifiers, shortened, for whoever wants to look them up."""
    role = "issue credentials" if purpose == "assertionMethod" else f"sign for {purpose}"
    return f"The signing key is the issuer's own and is allowed to {role} ({short_id(method.controller)})."
