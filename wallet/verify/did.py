"""Resolve a verification method to a public key, and check it may speak for its controller.

Supported identifiers (SPECS.md §5):

* ``did:key`` – the key is in the identifier; nothing is fetched (works offline).
* ``did:jwk`` – a base64url JWK in the identifier; nothing is fetched.
* ``did:web`` – ``did.json`` over https through the given ``Fetcher``.
* ``https://…#frag`` – a controller document (W3C CID) fetched without the fragment.

Authorization follows W3C CID §Retrieve Verification Method: the document's
``id`` equals the URL it was fetched from (the DID for DIDs), the method's
``id`` equals the reference and its ``controller`` equals the document, and the
method is listed (by reference or embedded) under the requested purpose.

Two failures are kept apart because they mean different verdicts:
``KeyUnresolvable`` – the document or key cannot be had (``unresolvable_issuer``;
``offline`` says whether the wallet simply did not try); ``KeyNotAuthorized`` –
there is a key, but not one this controller lists for this purpose (an
impostor: ``invalid_signature``).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from wallet.errors import NetworkError, OfflineError, VerifyError
from wallet.net import Fetcher
from wallet.verify import multibase

PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey

RELATIONSHIPS = ("authentication", "assertionMethod", "capabilityInvocation", "capabilityDelegation", "keyAgreement")
SIGNING_RELATIONSHIPS = RELATIONSHIPS[:4]
MIN_RSA_BITS = 2048
MAX_DID_CHARS = 8192
_JWK_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_EC_CURVES: dict[str, tuple[ec.EllipticCurve, int]] = {"P-256": (ec.SECP256R1(), 32), "P-384": (ec.SECP384R1(), 48)}


class KeyUnresolvable(VerifyError):
    """The controller document or key could not be obtained (``offline`` when not even tried)."""

    def __init__(self, user_message: str, *, detail: str | None = None, offline: bool = False) -> None:
        super().__init__(user_message, detail=detail)
        self.offline = offline


class KeyNotAuthorized(VerifyError):
    """The key exists but its controller does not list it for this purpose (or it is not the issuer's)."""


@dataclass(frozen=True)
class VerificationMethod:
    """A resolved, authorized public key."""

    id: str
    type: str
    controller: str
    public_key: PublicKey
    purposes: frozenset[str]

    @property
    def key_kind(self) -> str:
        """``Ed25519``, ``P-256``, ``P-384`` or ``RSA`` – what a suite needs to pick its hash."""
        return key_kind(self.public_key)


def key_kind(key: PublicKey) -> str:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return {"secp256r1": "P-256", "secp384r1": "P-384"}.get(key.curve.name, key.curve.name)
    return "RSA"


# --------------------------------------------------------------------------- keys


def public_key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """A public key from a JWK (OKP Ed25519, EC P-256/P-384, RSA ≥ 2048 bits); private members are refused."""
    if not isinstance(jwk, Mapping):
        raise ValueError("a JWK must be a JSON object")
    private = [m for m in _JWK_PRIVATE_MEMBERS if m in jwk]
    if private:
        raise ValueError(f"the JWK contains private or symmetric key material ({', '.join(private)})")
    kty = jwk.get("kty")
    try:
        if kty == "OKP":
            if jwk.get("crv") != "Ed25519":
                raise ValueError(f"unsupported OKP curve {jwk.get('crv')!r}")
            raw = multibase.b64url_decode(_str(jwk, "x"))
            if len(raw) != 32:
                raise ValueError("an Ed25519 key is 32 bytes")
            return ed25519.Ed25519PublicKey.from_public_bytes(raw)
        if kty == "EC":
            curve_name = jwk.get("crv")
            if curve_name not in _EC_CURVES:
                raise ValueError(f"unsupported EC curve {curve_name!r}")
            curve, size = _EC_CURVES[curve_name]
            x = multibase.b64url_decode(_str(jwk, "x"))
            y = multibase.b64url_decode(_str(jwk, "y"))
            if len(x) != size or len(y) != size:
                raise ValueError(f"{curve_name} coordinates are {size} bytes")
            return ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"), curve).public_key()
        if kty == "RSA":
            n = int.from_bytes(multibase.b64url_decode(_str(jwk, "n")), "big")
            e = int.from_bytes(multibase.b64url_decode(_str(jwk, "e")), "big")
            if n.bit_length() < MIN_RSA_BITS:
                raise ValueError(f"RSA keys under {MIN_RSA_BITS} bits are refused")
            return rsa.RSAPublicNumbers(e, n).public_key()
    except (TypeError, ValueError) as exc:  # cryptography says "not on curve" etc. as ValueError
        raise ValueError(f"invalid {kty} JWK: {exc}") from exc
    raise ValueError(f"unsupported JWK key type {kty!r}")


def public_key_from_multikey(value: str) -> PublicKey:
    """A public key from a Multikey ``publicKeyMultibase`` (Ed25519, P-256, P-384)."""
    code, raw = multibase.decode_multikey(value)
    if code == multibase.ED25519_PUB:
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    if code == multibase.P256_PUB:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    if code == multibase.P384_PUB:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP384R1(), raw)
    raise ValueError(f"unsupported Multikey codec 0x{code:x}")


PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey


def private_key_from_multikey(value: str) -> PrivateKey:
    """A private key from a Multikey ``secretKeyMultibase`` (0x1300 Ed25519, 0x1306 P-256, 0x1307 P-384).

    Used by our own signing (tests, the holder's did:key); never by verification.
    """
    code, raw = multibase.multicodec_unwrap(multibase.decode(value))
    if code == multibase.ED25519_PRIV and len(raw) in (32, 64):
        return ed25519.Ed25519PrivateKey.from_private_bytes(raw[:32])
    curves: dict[int, tuple[ec.EllipticCurve, int]] = {
        multibase.P256_PRIV: (ec.SECP256R1(), 32),
        multibase.P384_PRIV: (ec.SECP384R1(), 48),
    }
    if code in curves and len(raw) == curves[code][1]:
        return ec.derive_private_key(int.from_bytes(raw, "big"), curves[code][0])
    raise ValueError(f"unsupported secret Multikey (codec 0x{code:x}, {len(raw)} bytes)")


def multikey_from_public_key(key: PublicKey) -> str:
    """The Multikey ``publicKeyMultibase`` of an Ed25519 / P-256 / P-384 public key (did:key value)."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return multibase.encode_multikey(multibase.ED25519_PUB, raw)
    if isinstance(key, ec.EllipticCurvePublicKey):
        codes = {"secp256r1": multibase.P256_PUB, "secp384r1": multibase.P384_PUB}
        if key.curve.name in codes:
            raw = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
            return multibase.encode_multikey(codes[key.curve.name], raw)
    raise ValueError("only Ed25519, P-256 and P-384 keys have a Multikey form here")


def public_key_from_method(method: Mapping[str, Any]) -> PublicKey:
    """The key of a verification method object, by its ``type``."""
    vm_type = method.get("type")
    try:
        if vm_type in ("Multikey", "Ed25519VerificationKey2020"):
            key = public_key_from_multikey(_str(method, "publicKeyMultibase"))
            if vm_type == "Ed25519VerificationKey2020" and not isinstance(key, ed25519.Ed25519PublicKey):
                raise ValueError("Ed25519VerificationKey2020 must hold an Ed25519 key")
            return key
        if vm_type == "Ed25519VerificationKey2018":
            raw = multibase.b58decode(_str(method, "publicKeyBase58"))
            if len(raw) != 32:
                raise ValueError("an Ed25519 key is 32 bytes")
            return ed25519.Ed25519PublicKey.from_public_bytes(raw)
        if vm_type in ("JsonWebKey2020", "JsonWebKey"):
            return public_key_from_jwk(method.get("publicKeyJwk"))  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise KeyNotAuthorized(
            f"The verification method {method.get('id')} holds an unusable key.", detail=str(exc)
        ) from exc
    raise KeyNotAuthorized(f"Unsupported verification method type {vm_type!r}.")


def _str(obj: Mapping[str, Any], name: str) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"missing or non-string {name!r}")
    return value


# --------------------------------------------------------------------------- documents


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document of a ``did:key`` (decode algorithm of the did:key method)."""
    parts = did.split(":")
    if len(parts) != 3 or parts[0] != "did" or parts[1] != "key":
        raise KeyUnresolvable(f"{did} is not a did:key identifier.")
    value = parts[2]
    if not value.startswith("z"):
        raise KeyUnresolvable(f"{did}: the did:key value must be base58btc (start with 'z').")
    try:
        multibase.decode_multikey(value)
        public_key_from_multikey(value)
    except ValueError as exc:
        raise KeyUnresolvable(f"{did} does not hold a usable key.", detail=f"invalidPublicKeyLength/{exc}") from exc
    vm_id = f"{did}#{value}"
    method = {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": value}
    return {"id": did, "verificationMethod": [method], **{rel: [vm_id] for rel in SIGNING_RELATIONSHIPS}}


def did_jwk_document(did: str) -> dict[str, Any]:
    """The DID document of a ``did:jwk``: one method ``#0`` of type JsonWebKey2020."""
    encoded = did[len("did:jwk:") :]
    try:
        jwk = json.loads(multibase.b64url_decode(encoded).decode("utf-8"))
        if not isinstance(jwk, dict):
            raise ValueError("not a JSON object")
        public_key_from_jwk(jwk)
    except (ValueError, UnicodeDecodeError) as exc:
        raise KeyUnresolvable(f"{did[:60]}… does not hold a usable public JWK.", detail=str(exc)) from exc
    jwk = {k: v for k, v in jwk.items() if k != "kid"}
    vm_id = f"{did}#0"
    method = {"id": vm_id, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk}
    use = jwk.get("use")
    if use == "enc":
        relationships: tuple[str, ...] = ("keyAgreement",)
    elif use == "sig":
        relationships = SIGNING_RELATIONSHIPS
    else:
        relationships = RELATIONSHIPS
    return {"id": did, "verificationMethod": [method], **{rel: [vm_id] for rel in relationships}}


def did_web_url(did: str) -> str:
    """did:web → https URL (did:web §Read): ``:`` → ``/``, ``%3A`` port, ``/.well-known`` when no path."""
    if not did.startswith("did:web:"):
        raise KeyUnresolvable(f"{did} is not a did:web identifier.")
    segments = did[len("did:web:") :].split(":")
    if any(not s for s in segments):
        raise KeyUnresolvable(f"{did} is not a valid did:web identifier.")
    host = segments[0].replace("%3A", ":").replace("%3a", ":")
    hostname = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if host.count(":") == 1 and not host.rsplit(":", 1)[1].isdigit():
        raise KeyUnresolvable(f"{did} has an invalid port.")
    try:
        ipaddress.ip_address(hostname.strip("[]"))
    except ValueError:
        pass
    else:
        raise KeyUnresolvable(f"{did}: did:web does not allow IP addresses.")
    if not hostname or any(c in host for c in "/?#@%[]\\ "):
        raise KeyUnresolvable(f"{did} has an invalid host.")
    path = "/".join(segments[1:]) if len(segments) > 1 else ".well-known"
    return f"https://{host}/{path}/did.json"


def fetch_document(url: str, fetcher: Fetcher) -> dict[str, Any]:
    try:
        document = fetcher.get_json(url, accept="application/did+json, application/json, application/ld+json")
    except OfflineError as exc:
        raise KeyUnresolvable(f"The issuer's key at {url} was not fetched (offline).", offline=True) from exc
    except NetworkError as exc:
        raise KeyUnresolvable(f"The issuer's key document could not be fetched: {exc}", detail=exc.detail) from exc
    if not isinstance(document, dict):
        raise KeyUnresolvable(f"{url} did not return a JSON object.")
    return document


def controller_document(controller: str, fetcher: Fetcher) -> dict[str, Any]:
    """The document for a DID or https URL, checked to identify itself as ``controller``."""
    if len(controller) > MAX_DID_CHARS:
        raise KeyUnresolvable("The key identifier is too long.")
    if controller.startswith("did:key:"):
        return did_key_document(controller)
    if controller.startswith("did:jwk:"):
        return did_jwk_document(controller)
    if controller.startswith("did:web:"):
        document = fetch_document(did_web_url(controller), fetcher)
    elif urlsplit(controller).scheme == "https":
        document = fetch_document(controller, fetcher)
    elif controller.startswith("did:"):
        method = controller.split(":")[1] if controller.count(":") >= 2 else "?"
        raise KeyUnresolvable(f"The DID method did:{method} is not supported.")
    else:
        raise KeyUnresolvable(f"The key identifier {controller[:80]} cannot be resolved (https or DID needed).")
    if document.get("id") != controller:
        raise KeyUnresolvable(
            f"The document fetched for {controller} identifies itself as {str(document.get('id'))[:80]!r}."
        )
    return document


# --------------------------------------------------------------------------- authorization


def resolve_verification_method(
    vm_id: str, fetcher: Fetcher, *, purpose: str = "assertionMethod"
) -> VerificationMethod:
    """Resolve ``vm_id`` and check that its controller lists it for ``purpose``."""
    if not isinstance(vm_id, str) or not vm_id:
        raise KeyNotAuthorized("The proof names no verification method.")
    controller, _, fragment = vm_id.partition("#")
    if not fragment:  # a bare key document URL: no controller document to check it against
        raise KeyUnresolvable(f"The verification method {vm_id[:80]} has no fragment; it cannot be checked.")
    document = controller_document(controller, fetcher)
    method = _find_method(document, vm_id)
    if method is None:
        raise KeyNotAuthorized(f"{controller} does not list the key {vm_id}.")
    if method.get("controller") != controller:
        raise KeyNotAuthorized(
            f"The key {vm_id} is controlled by {str(method.get('controller'))[:80]!r}, not {controller}."
        )
    purposes = frozenset(rel for rel in RELATIONSHIPS if _listed(document, rel, vm_id))
    if purpose not in purposes:
        raise KeyNotAuthorized(f"{controller} does not allow the key {vm_id} for {purpose}.")
    return VerificationMethod(
        id=vm_id,
        type=str(method.get("type")),
        controller=controller,
        public_key=public_key_from_method(method),
        purposes=purposes,
    )


def _absolute(ref: Any, base: str) -> Any:
    return base + ref if isinstance(ref, str) and ref.startswith("#") else ref


def _find_method(document: Mapping[str, Any], vm_id: str) -> Mapping[str, Any] | None:
    base = str(document.get("id"))
    candidates: list[Any] = list(_as_list(document.get("verificationMethod")))
    for rel in RELATIONSHIPS:
        candidates.extend(item for item in _as_list(document.get(rel)) if isinstance(item, Mapping))
    for item in candidates:
        if isinstance(item, Mapping) and _absolute(item.get("id"), base) == vm_id:
            return {**item, "id": vm_id, "controller": _absolute(item.get("controller"), base)}
    return None


def _listed(document: Mapping[str, Any], relationship: str, vm_id: str) -> bool:
    base = str(document.get("id"))
    for item in _as_list(document.get(relationship)):
        ref = item.get("id") if isinstance(item, Mapping) else item
        if _absolute(ref, base) == vm_id:
            return True
    return False


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
