"""Compact JWS proofs: VC-JWT (``vc`` claim), VC-JOSE (payload *is* the credential), OB 2.0 signed.

``verify_jwt(credential, options) -> JwtOutcome(issuer, proof, extra)``, a
NamedTuple so the pipeline can unpack it as three values:

* ``issuer`` – was the signing key found, and is it the issuer's?
  PASS; FAIL ``unresolvable_issuer`` (key cannot be fetched / does not exist);
  UNKNOWN when the wallet is offline; FAIL ``invalid_signature`` when a key was
  found but nothing ties it to the issuer (an impostor).
* ``proof`` – does the signature verify over the token *exactly as received*
  (``Credential.payload``), and do the JWT claims agree with the credential
  inside?  FAIL ``invalid_signature`` for a bad signature or a refused
  algorithm; FAIL ``tampered`` when the signature holds but ``iss``/``sub``/
  ``jti``/``nbf``/``exp`` contradict ``issuer``/``credentialSubject.id``/``id``/
  the validity dates; FAIL ``malformed`` when the token is not a credential.
* ``extra`` – further checks the token alone decides; empty today, kept so
  the pipeline's call does not change when one is added.

Rules and why:

* **Algorithms.** Only ``EdDSA`` (Ed25519), ``ES256`` (P-256), ``ES384``
  (P-384), ``RS256`` and ``PS256`` (RSA ≥ 2048 bits).  ``none``, every ``HS*``
  and anything unknown fail: with ``HS256`` an attacker "signs" with the
  issuer's *public* key as the HMAC secret.  The key type must fit the
  algorithm (ES256 with an RSA key fails), and a JWK ``alg`` member, when
  present, must equal the header's.  ES signatures are raw ``r||s`` of exactly
  the curve size (RFC 7518 §3.4) and are converted to DER for ``cryptography``;
  PS256 uses a salt as long as the hash (RFC 7518 §3.5).  A ``crit`` header
  fails: we implement no extensions, so we cannot honour one.
* **Which key.** ``kid`` as a DID URL → ``wallet.verify.did``; a relative
  ``#frag`` is taken relative to the issuer.  ``kid`` as an https URL → the
  document there: a controller document (resolved through ``did`` with its
  CID rules), or a bare JWK / JWK Set.  A bare JWK says nothing about who
  owns it, so it is accepted only from the issuer's own https origin.
* **Embedded ``jwk``.** Anyone can put their own key in a header, so an
  embedded key proves nothing by itself.  It is used only when it is the very
  key a ``kid`` resolves to, or when the issuer is a ``did:jwk``/``did:key``
  whose identifier *is* that key.  Otherwise → ``invalid_signature``.  A JWK
  with private members (``d`` …) is refused outright.
* **No key named.** Allowed only for ``did:jwk``/``did:key`` issuers, whose
  single key is unambiguous; a plain-string ``kid`` (``"key-1"``) is treated
  the same way for those issuers and refused for others.
* **Owner.** The verification method's controller must equal the issuer id
  (project rule, SPECS §5), so a valid signature by someone else's DID is an
  impostor, not a valid credential.
* **Claims.** VC 1.1 JWTs carry the credential in ``vc`` and the registered
  claims may stand *instead of* its fields; when both exist they must agree.
  ``nbf``/``exp`` are compared with ``validFrom``/``issuanceDate`` and
  ``validUntil``/``expirationDate`` at whole-second precision.  Whether the
  dates are *current* is the ``dates`` check's business, not this module's.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from wallet.errors import NetworkError, OfflineError
from wallet.model import Credential
from wallet.net import Fetcher
from wallet.verify import did
from wallet.verify.options import VerifyOptions
from wallet.verify.report import (
    FAIL,
    INVALID_SIGNATURE,
    ISSUER,
    MALFORMED,
    PASS,
    PROOF,
    SKIPPED,
    TAMPERED,
    UNKNOWN,
    UNRESOLVABLE_ISSUER,
    Check,
    short_id,
)

PublicKey = did.PublicKey

ALLOWED_ALGS = ("EdDSA", "ES256", "ES384", "RS256", "PS256")
ACCEPTED_TYP = frozenset({"jwt", "vc+jwt", "vc+ld+jwt", "application/vc+jwt", "application/vc+ld+jwt"})
MIN_RSA_BITS = did.MIN_RSA_BITS
# Same Accept as wallet.verify.did, so a kid document fetched here is a cache hit there.
_KEY_DOC_ACCEPT = "application/did+json, application/json, application/ld+json"
_SEGMENT = re.compile(r"[A-Za-z0-9_-]*")
_EC_ALGS: dict[str, tuple[str, int, hashes.HashAlgorithm]] = {
    "ES256": ("secp256r1", 32, hashes.SHA256()),
    "ES384": ("secp384r1", 48, hashes.SHA384()),
}
_PRIVATE_JWK_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")


# --------------------------------------------------------------------------- compact JWS


class JwsError(Exception):
    """A token that does not verify; the message is written for people."""


class JwsMalformed(JwsError):
    """Not a compact JWS with a JSON header (and, where required, JSON payload)."""


class SignatureInvalid(JwsError):
    """Refused algorithm, key that does not fit it, or a signature that does not verify."""


@dataclass(frozen=True, slots=True)
class CompactJws:
    """A parsed compact JWS; ``signing_input`` is ``header.payload`` exactly as received."""

    header: dict[str, Any]
    payload: bytes
    signature: bytes
    signing_input: bytes

    @property
    def alg(self) -> str:
        value = self.header.get("alg")
        return value if isinstance(value, str) else repr(value)

    def payload_json(self) -> dict[str, Any]:
        return _json_object(self.payload, "payload")


def parse_compact(token: str) -> CompactJws:
    """Split and decode ``header.payload.signature`` (strict base64url, JSON header without duplicate names)."""
    compact = "".join(token.split())
    parts = compact.split(".")
    if len(parts) != 3:
        raise JwsMalformed(f"A compact JWS has 3 dot-separated parts; this one has {len(parts)}.")
    header_seg, payload_seg, signature_seg = parts
    header = _json_object(_b64url(header_seg, "header"), "header")
    return CompactJws(
        header=header,
        payload=_b64url(payload_seg, "payload"),
        signature=_b64url(signature_seg, "signature"),
        signing_input=f"{header_seg}.{payload_seg}".encode("ascii"),
    )


def verify_compact(jws: CompactJws, key: PublicKey, *, allowed: tuple[str, ...] = ALLOWED_ALGS) -> None:
    """Check the signature of ``jws`` with ``key``; raise ``SignatureInvalid`` on any refusal."""
    alg = jws.header.get("alg")
    if not isinstance(alg, str) or alg not in allowed:
        raise SignatureInvalid(f"The signing algorithm {alg!r} is not accepted (allowed: {', '.join(allowed)}).")
    if "crit" in jws.header:
        raise SignatureInvalid("The token marks header extensions as critical, which this wallet does not implement.")
    try:
        _verify_raw(alg, key, jws.signing_input, jws.signature)
    except InvalidSignature:
        raise SignatureInvalid("The signature does not match the token's content.") from None


def verify_jws_rs256(compact: str, public_key: PublicKey) -> bytes:
    """OB 2.0 signed badges: accept only RS256; return the verified payload bytes or raise ``JwsError``."""
    jws = parse_compact(compact)
    verify_compact(jws, public_key, allowed=("RS256",))
    return jws.payload


def _verify_raw(alg: str, key: PublicKey, data: bytes, signature: bytes) -> None:
    if alg == "EdDSA":
        if not isinstance(key, ed25519.Ed25519PublicKey):
            raise SignatureInvalid(f"EdDSA needs an Ed25519 key, but the key is {did.key_kind(key)}.")
        key.verify(signature, data)
        return
    if alg in _EC_ALGS:
        curve, size, digest = _EC_ALGS[alg]
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != curve:
            raise SignatureInvalid(f"{alg} needs a {curve} key, but the key is {did.key_kind(key)}.")
        if len(signature) != 2 * size:
            raise SignatureInvalid(f"An {alg} signature is {2 * size} bytes (r||s); this one is {len(signature)}.")
        r = int.from_bytes(signature[:size], "big")
        s = int.from_bytes(signature[size:], "big")
        key.verify(encode_dss_signature(r, s), data, ec.ECDSA(digest))
        return
    if alg in ("RS256", "PS256"):
        if not isinstance(key, rsa.RSAPublicKey):
            raise SignatureInvalid(f"{alg} needs an RSA key, but the key is {did.key_kind(key)}.")
        if key.key_size < MIN_RSA_BITS:
            raise SignatureInvalid(f"RSA keys under {MIN_RSA_BITS} bits are refused.")
        pad: padding.AsymmetricPadding = (
            padding.PKCS1v15()
            if alg == "RS256"
            else padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=hashes.SHA256.digest_size)
        )
        key.verify(signature, data, pad, hashes.SHA256())
        return
    raise SignatureInvalid(f"The signing algorithm {alg!r} is not accepted.")  # pragma: no cover - allow-list first


def _b64url(segment: str, what: str) -> bytes:
    if not _SEGMENT.fullmatch(segment) or len(segment) % 4 == 1:
        raise JwsMalformed(f"The token {what} is not base64url.")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):  # pragma: no cover - the regex already filtered
        raise JwsMalformed(f"The token {what} is not base64url.") from None


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in pairs:
            if name in out:  # two parsers may pick different values: refuse rather than guess
                raise JwsMalformed(f"The token {what} names {name!r} twice.")
            out[name] = value
        return out

    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=no_duplicates)
    except (UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, JwsMalformed):
            raise
        raise JwsMalformed(f"The token {what} is not JSON.") from None
    if not isinstance(value, dict):
        raise JwsMalformed(f"The token {what} is not a JSON object.")
    return value


# --------------------------------------------------------------------------- VC-JWT


class JwtOutcome(NamedTuple):
    """What ``verify_jwt`` found; see the module docstring for each field."""

    issuer: Check
    proof: Check
    extra: tuple[Check, ...] = ()


@dataclass(frozen=True, slots=True)
class _Key:
    """A public key and where it came from."""

    public_key: PublicKey
    label: str  # verification method id or URL, for messages


class _KeyProblem(Exception):
    """Why no usable issuer key was found; ``verdict`` is None for "unknown" (offline)."""

    def __init__(self, message: str, verdict: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.verdict = verdict


def verify_jwt(credential: Credential, options: VerifyOptions) -> JwtOutcome:
    """Verify a VC-JWT / VC-JOSE credential token: key, signature and claims (see module docstring)."""
    try:
        jws = parse_compact(credential.payload)
        claims = jws.payload_json()
    except JwsMalformed as exc:
        return _broken(str(exc), MALFORMED)

    alg = jws.header.get("alg")
    if not isinstance(alg, str) or alg not in ALLOWED_ALGS:
        return _broken(f"The signing algorithm {alg!r} is not accepted (allowed: {', '.join(ALLOWED_ALGS)}).")
    typ = jws.header.get("typ")
    if typ is not None and (not isinstance(typ, str) or typ.lower() not in ACCEPTED_TYP):
        return _broken(f"The token type {typ!r} is not a credential token.", MALFORMED)

    vc = claims.get("vc")
    document = vc if isinstance(vc, dict) else claims
    if not _is_credential(document):
        return _broken("The token does not carry a verifiable credential.", MALFORMED)
    issuer_id = _issuer_id(document) or _str(claims.get("iss"))
    if not issuer_id:
        return _broken("The credential names no issuer, so no key can be tied to it.")

    try:
        key = _issuer_key(jws.header, issuer_id, options.fetcher)
    except _KeyProblem as problem:
        if problem.verdict is None:
            return JwtOutcome(
                Check(ISSUER, UNKNOWN, problem.message),
                Check(PROOF, UNKNOWN, "The signature was not checked because the issuer's key is not available."),
            )
        return JwtOutcome(
            Check(ISSUER, FAIL, problem.message, problem.verdict),
            Check(PROOF, SKIPPED, "Not checked: the signing key could not be tied to the issuer."),
        )
    issuer_check = Check(
        ISSUER,
        PASS,
        f"The signing key is the issuer's own and is allowed to issue credentials ({short_id(issuer_id)}).",
    )

    try:
        verify_compact(jws, key.public_key)
    except SignatureInvalid as exc:
        return JwtOutcome(issuer_check, Check(PROOF, FAIL, str(exc), INVALID_SIGNATURE))

    disagreement = _claims_disagreement(claims, document)
    if disagreement:
        message = f"The signature is valid, but the token's claims contradict the credential: {disagreement}."
        return JwtOutcome(issuer_check, Check(PROOF, FAIL, message, TAMPERED))
    return JwtOutcome(issuer_check, Check(PROOF, PASS, f"The {alg} signature is valid."))


def _broken(message: str, verdict: str = INVALID_SIGNATURE) -> JwtOutcome:
    return JwtOutcome(
        Check(ISSUER, SKIPPED, "Not checked: the token itself is not acceptable."),
        Check(PROOF, FAIL, message, verdict),
    )


# --------------------------------------------------------------------------- keys


def _issuer_key(header: dict[str, Any], issuer_id: str, fetcher: Fetcher) -> _Key:
    """Find the signing key named by the header and prove it is the issuer's (or raise ``_KeyProblem``)."""
    kid = header.get("kid")
    embedded = header.get("jwk")
    if kid is not None and not isinstance(kid, str):
        raise _KeyProblem("The token's key id (kid) is not a string.", INVALID_SIGNATURE)
    embedded_key = _embedded_key(embedded) if embedded is not None else None

    if kid and (kid.startswith(("did:", "#")) or urlsplit(kid).scheme == "https"):
        key = _resolve_kid(kid, issuer_id, fetcher)
        if embedded_key is not None and _spki(embedded_key) != _spki(key.public_key):
            raise _KeyProblem(f"The key embedded in the token is not the key {kid} names.", INVALID_SIGNATURE)
        return key
    if kid and urlsplit(kid).scheme:
        raise _KeyProblem(f"The key id {kid[:80]} is neither a DID URL nor an https address.", UNRESOLVABLE_ISSUER)

    single = _single_key_vm(issuer_id)
    if single is None:
        if embedded_key is not None:
            raise _KeyProblem(
                "The token carries its own key, but nothing shows that key belongs to the issuer "
                f"{issuer_id}; the token should name an issuer key with kid.",
                INVALID_SIGNATURE,
            )
        raise _KeyProblem("The token does not name the issuer key that signed it (no usable kid).", INVALID_SIGNATURE)
    key = _resolve_vm(single, issuer_id, fetcher)
    if embedded_key is not None and _spki(embedded_key) != _spki(key.public_key):
        raise _KeyProblem(f"The key embedded in the token is not the key of the issuer {issuer_id}.", INVALID_SIGNATURE)
    return key


def _embedded_key(jwk: Any) -> PublicKey:
    if not isinstance(jwk, dict):
        raise _KeyProblem("The token's embedded key (jwk) is not a JSON object.", INVALID_SIGNATURE)
    private = [m for m in _PRIVATE_JWK_MEMBERS if m in jwk]
    if private:
        raise _KeyProblem("The token's embedded key contains private key material; it is refused.", INVALID_SIGNATURE)
    try:
        return did.public_key_from_jwk(jwk)
    except ValueError as exc:
        raise _KeyProblem(f"The token's embedded key cannot be used: {exc}.", INVALID_SIGNATURE) from None


def _single_key_vm(issuer_id: str) -> str | None:
    """The one verification method of a did:jwk / did:key issuer (None for other issuers)."""
    if issuer_id.startswith("did:jwk:"):
        return issuer_id + "#0"
    if issuer_id.startswith("did:key:"):
        return f"{issuer_id}#{issuer_id[len('did:key:') :]}"
    return None


def _resolve_kid(kid: str, issuer_id: str, fetcher: Fetcher) -> _Key:
    if kid.startswith("#"):
        kid = issuer_id + kid
    if kid.startswith("did:"):
        return _resolve_vm(kid, issuer_id, fetcher)
    url = kid.partition("#")[0]
    try:
        document = fetcher.get_json(url, accept=_KEY_DOC_ACCEPT)
    except OfflineError:
        raise _KeyProblem(f"The issuer's key at {url} was not fetched (offline).", None) from None
    except NetworkError as exc:
        raise _KeyProblem(f"The issuer's key could not be fetched: {exc}", UNRESOLVABLE_ISSUER) from None
    if isinstance(document, dict) and ("kty" in document or "keys" in document):
        return _key_from_jwk_document(document, kid, issuer_id)
    return _resolve_vm(kid, issuer_id, fetcher)  # a controller document: CID rules in wallet.verify.did


def _resolve_vm(vm_id: str, issuer_id: str, fetcher: Fetcher) -> _Key:
    try:
        method = did.resolve_verification_method(vm_id, fetcher, purpose="assertionMethod")
    except did.KeyUnresolvable as exc:
        raise _KeyProblem(exc.user_message, None if exc.offline else UNRESOLVABLE_ISSUER) from None
    except did.KeyNotAuthorized as exc:
        raise _KeyProblem(exc.user_message, INVALID_SIGNATURE) from None
    if method.controller != issuer_id:
        raise _KeyProblem(
            f"The token was signed with {vm_id[:120]}, a key of {method.controller[:120]}, "
            f"not of the issuer {issuer_id}.",
            INVALID_SIGNATURE,
        )
    return _Key(method.public_key, vm_id)


def _key_from_jwk_document(document: dict[str, Any], kid: str, issuer_id: str) -> _Key:
    """A bare JWK or JWK Set at an https ``kid``: trusted only on the issuer's own origin."""
    if _origin(kid) is None or _origin(kid) != _origin(issuer_id):
        raise _KeyProblem(
            f"The key at {kid[:120]} is not published by the issuer {issuer_id} (a bare JWK must be on the "
            "issuer's own https site).",
            INVALID_SIGNATURE,
        )
    if "keys" in document:
        keys = document["keys"] if isinstance(document["keys"], list) else []
        fragment = kid.partition("#")[2]
        named = [k for k in keys if isinstance(k, dict) and k.get("kid") in (kid, fragment or None)]
        if not named and not fragment and len(keys) == 1:
            named = keys
        if len(named) != 1:
            raise _KeyProblem(f"The key set at {kid[:120]} has no single key named by the token.", UNRESOLVABLE_ISSUER)
        jwk = named[0]
    else:
        jwk = document
    if any(m in jwk for m in _PRIVATE_JWK_MEMBERS):
        raise _KeyProblem(f"The key published at {kid[:120]} contains private key material.", INVALID_SIGNATURE)
    try:
        return _Key(did.public_key_from_jwk(jwk), kid)
    except ValueError as exc:
        raise _KeyProblem(f"The key published at {kid[:120]} cannot be used: {exc}.", UNRESOLVABLE_ISSUER) from None


def _origin(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "https" or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or 443


def _spki(key: PublicKey) -> bytes:
    return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


# --------------------------------------------------------------------------- claims


def _claims_disagreement(claims: dict[str, Any], document: dict[str, Any]) -> str | None:
    """The first registered claim that contradicts the credential, described for people (None if all agree)."""
    problems: list[str] = []
    iss = claims.get("iss")
    issuer = _issuer_id(document)
    if iss is not None and issuer is not None and iss != issuer:
        problems.append(f"iss is {_short(iss)} but the issuer is {_short(issuer)}")
    jti = claims.get("jti")
    if jti is not None and "id" in document and jti != document["id"]:
        problems.append(f"jti is {_short(jti)} but the credential id is {_short(document['id'])}")
    sub = claims.get("sub")
    subject_ids = _subject_ids(document)
    if sub is not None and subject_ids and sub not in subject_ids:
        problems.append(f"sub is {_short(sub)} but the subject is {_short(subject_ids[0])}")
    for claim, fields in (("nbf", ("validFrom", "issuanceDate")), ("exp", ("validUntil", "expirationDate"))):
        if claim not in claims:
            continue
        field = next((f for f in fields if f in document), None)
        if field is None:
            continue
        problem = _date_disagreement(claim, claims[claim], field, document[field])
        if problem:
            problems.append(problem)
    return "; ".join(problems) or None


def _date_disagreement(claim: str, numeric: Any, field: str, value: Any) -> str | None:
    if isinstance(numeric, bool) or not isinstance(numeric, int | float) or not math.isfinite(numeric):
        return f"{claim} is not a NumericDate"
    moment = _parse_datetime(value)
    if moment is None:
        return f"{field} is not a date ({_short(value)})"
    if math.floor(numeric) != calendar.timegm(moment.utctimetuple()):
        claimed = datetime.fromtimestamp(math.floor(numeric), tz=UTC).isoformat()
        return f"{claim} is {claimed} but {field} is {value}"
    return None


_FRACTION = re.compile(r"(\.\d{1,6})\d*")


def _parse_datetime(value: Any) -> datetime | None:
    """An XSD dateTime; no zone means UTC; fractions beyond microseconds are dropped."""
    if not isinstance(value, str):
        return None
    text = _FRACTION.sub(r"\1", value.strip(), count=1)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _is_credential(document: dict[str, Any]) -> bool:
    types = document.get("type")
    names = types if isinstance(types, list) else [types]
    return "VerifiableCredential" in names


def _issuer_id(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def _subject_ids(document: dict[str, Any]) -> list[Any]:
    subject = document.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    return [s["id"] for s in subjects if isinstance(s, dict) and "id" in s]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
