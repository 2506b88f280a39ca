"""VC-JWT / VC-JOSE / compact JWS verification (wallet/verify/proofs/jose.py).

Tokens come from three places: the published RFC 7515 / RFC 8037 examples
(fixed signatures, tests/data/jose/rfc-vectors.json), the npm ``jose`` library
(tests/data/gen/jose/out/vectors.json), and a tiny signer below built directly
on ``cryptography`` so each attack can be crafted byte by byte.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from tlsserver import TLSServer

from wallet.formats import parse
from wallet.model import FORMAT_VC_JWT, Achievement, Credential, Issuer
from wallet.net import Fetcher
from wallet.verify import did
from wallet.verify.options import VerifyOptions
from wallet.verify.proofs.jose import (
    JwsMalformed,
    SignatureInvalid,
    parse_compact,
    verify_compact,
    verify_jws_rs256,
    verify_jwt,
)
from wallet.verify.report import (
    FAIL,
    INVALID_SIGNATURE,
    MALFORMED,
    PASS,
    SKIPPED,
    TAMPERED,
    UNKNOWN,
    UNRESOLVABLE_ISSUER,
    Report,
)

DATA = Path(__file__).parent.parent / "data"
RFC = json.loads((DATA / "jose" / "rfc-vectors.json").read_text())
NPM = json.loads((DATA / "gen" / "jose" / "out" / "vectors.json").read_text())["vectors"]

ISSUED = 1704067200  # 2024-01-01T00:00:00Z
EXPIRES = 1893456000  # 2030-01-01T00:00:00Z
SUBJECT = "did:example:earner"
CRED_ID = "urn:uuid:6a9f0a8e-0000-4000-8000-000000000001"


# --------------------------------------------------------------------------- a small signer


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@cache
def private_key(alg: str) -> Any:
    """One key per algorithm family per test run (RSA generation is the slow part)."""
    if alg == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    if alg == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if alg == "ES384":
        return ec.generate_private_key(ec.SECP384R1())
    if alg in ("RS256", "PS256"):
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if alg == "other-ed":
        return ed25519.Ed25519PrivateKey.generate()
    raise AssertionError(alg)


def public_jwk(key: Any) -> dict[str, str]:
    public = key.public_key() if hasattr(key, "public_key") else key
    if isinstance(public, ed25519.Ed25519PublicKey):
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64(raw)}
    if isinstance(public, ec.EllipticCurvePublicKey):
        size = (public.curve.key_size + 7) // 8
        numbers = public.public_numbers()
        crv = {"secp256r1": "P-256", "secp384r1": "P-384"}[public.curve.name]
        return {
            "kty": "EC",
            "crv": crv,
            "x": b64(numbers.x.to_bytes(size, "big")),
            "y": b64(numbers.y.to_bytes(size, "big")),
        }
    numbers = public.public_numbers()
    return {
        "kty": "RSA",
        "n": b64(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
        "e": b64(numbers.e.to_bytes(3, "big")),
    }


def did_jwk(key: Any) -> str:
    return "did:jwk:" + b64(json.dumps(public_jwk(key), separators=(",", ":")).encode())


def raw_signature(alg: str, key: Any, data: bytes) -> bytes:
    if alg == "EdDSA":
        return key.sign(data)
    if alg in ("ES256", "ES384"):
        digest = hashes.SHA256() if alg == "ES256" else hashes.SHA384()
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(digest)))
        size = 32 if alg == "ES256" else 48
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if alg == "RS256":
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if alg == "PS256":
        return key.sign(data, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    raise AssertionError(alg)


def sign(header: dict[str, Any], payload: dict[str, Any], key: Any, alg: str | None = None) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = raw_signature(alg or header["alg"], key, signing_input.encode())
    return f"{signing_input}.{b64(signature)}"


def vc(issuer: str, *, v2: bool = False, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": CRED_ID,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example University"},
        "credentialSubject": {"id": SUBJECT, "type": ["AchievementSubject"], "achievement": {"name": "Test"}},
    }
    if v2:
        doc["@context"][0] = "https://www.w3.org/ns/credentials/v2"
        doc["validFrom"] = "2024-01-01T00:00:00Z"
        doc["validUntil"] = "2030-01-01T00:00:00Z"
    else:
        doc["issuanceDate"] = "2024-01-01T00:00:00Z"
        doc["expirationDate"] = "2030-01-01T00:00:00Z"
    doc.update(extra)
    return doc


def vc11_claims(issuer: str, **overrides: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": SUBJECT,
        "jti": CRED_ID,
        "nbf": ISSUED,
        "exp": EXPIRES,
        "vc": vc(issuer),
    }
    claims.update(overrides)
    return claims


def credential(token: str, issuer: str | None = None) -> Credential:
    return Credential(
        id=CRED_ID,
        format=FORMAT_VC_JWT,
        spec_version="vc1.1",
        name="Test",
        issuer=Issuer(id=issuer),
        achievement=Achievement(id=None, name="Test"),
        payload=token,
    )


def offline() -> VerifyOptions:
    return VerifyOptions(fetcher=Fetcher(offline=True))


def online(fetcher: Fetcher) -> VerifyOptions:
    return VerifyOptions(fetcher=fetcher)


def token_for(alg: str, *, v2: bool = False, **claim_overrides: Any) -> tuple[str, str]:
    key = private_key(alg)
    issuer = did_jwk(key)
    header = {"alg": alg, "typ": "vc+jwt" if v2 else "JWT", "kid": issuer + "#0"}
    payload = vc(issuer, v2=True) if v2 else vc11_claims(issuer, **claim_overrides)
    return sign(header, payload, key), issuer


def statuses(outcome: Any) -> tuple[str, str, str | None, str | None]:
    return outcome.issuer.status, outcome.proof.status, outcome.issuer.verdict, outcome.proof.verdict


# --------------------------------------------------------------------------- published vectors


@pytest.mark.parametrize("name", sorted(RFC))
def test_rfc_vectors_verify_with_published_keys(name: str) -> None:
    vector = RFC[name]
    jws = parse_compact(vector["jws"])
    assert jws.payload.decode() == vector["payload"]
    verify_compact(jws, did.public_key_from_jwk(vector["jwk"]))


@pytest.mark.parametrize("name", sorted(RFC))
def test_rfc_vectors_fail_when_one_signature_bit_flips(name: str) -> None:
    vector = RFC[name]
    head, body, signature = vector["jws"].split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[5] ^= 0x01
    with pytest.raises(SignatureInvalid):
        verify_compact(parse_compact(f"{head}.{body}.{b64(bytes(raw))}"), did.public_key_from_jwk(vector["jwk"]))


def test_rfc_es256_signature_is_not_accepted_under_another_payload() -> None:
    vector = RFC["rfc7515-a3-es256"]
    head, _, signature = vector["jws"].split(".")
    forged = f"{head}.{b64(json.dumps({'iss': 'mallory'}).encode())}.{signature}"
    with pytest.raises(SignatureInvalid):
        verify_compact(parse_compact(forged), did.public_key_from_jwk(vector["jwk"]))


def test_verify_jws_rs256_accepts_only_rs256() -> None:
    rs = RFC["rfc7515-a2-rs256"]
    assert verify_jws_rs256(rs["jws"], did.public_key_from_jwk(rs["jwk"])) == rs["payload"].encode()
    es = RFC["rfc7515-a3-es256"]
    with pytest.raises(SignatureInvalid, match="not accepted"):
        verify_jws_rs256(es["jws"], did.public_key_from_jwk(es["jwk"]))


@pytest.mark.parametrize("vector", NPM, ids=[v["name"] for v in NPM])
def test_tokens_signed_by_npm_jose_verify(vector: dict[str, Any]) -> None:
    outcome = verify_jwt(credential(vector["jwt"], vector["issuer"]), offline())
    assert statuses(outcome) == (PASS, PASS, None, None), outcome
    assert outcome.extra == ()


def test_npm_jose_token_through_the_format_parser() -> None:
    vector = next(v for v in NPM if v["name"] == "ES384-vc11")
    parsed = parse(vector["jwt"].encode(), "badge.jwt")
    assert len(parsed) == 1
    issuer, proof, extra = verify_jwt(parsed[0], offline())
    assert (issuer.status, proof.status, extra) == (PASS, PASS, ())


# --------------------------------------------------------------------------- valid tokens


@pytest.mark.parametrize("alg", ["EdDSA", "ES256", "ES384", "RS256", "PS256"])
@pytest.mark.parametrize("v2", [False, True], ids=["vc-claim", "vc-jose"])
def test_valid_token_per_algorithm(alg: str, v2: bool) -> None:
    token, issuer = token_for(alg, v2=v2)
    outcome = verify_jwt(credential(token, issuer), offline())
    assert statuses(outcome) == (PASS, PASS, None, None), outcome
    assert alg in outcome.proof.message


def test_pasted_token_with_line_breaks_still_verifies() -> None:
    token, issuer = token_for("ES256")
    wrapped = "\n".join(token[i : i + 60] for i in range(0, len(token), 60)) + "\n"
    assert statuses(verify_jwt(credential(wrapped, issuer), offline()))[:2] == (PASS, PASS)


def test_relative_kid_is_resolved_against_the_issuer() -> None:
    key = private_key("EdDSA")
    issuer = did_jwk(key)
    token = sign({"alg": "EdDSA", "kid": "#0"}, vc11_claims(issuer), key)
    assert statuses(verify_jwt(credential(token, issuer), offline()))[:2] == (PASS, PASS)


def test_single_key_issuer_needs_no_kid() -> None:
    key = private_key("ES256")
    issuer = did_jwk(key)
    token = sign({"alg": "ES256"}, vc11_claims(issuer), key)
    assert statuses(verify_jwt(credential(token, issuer), offline()))[:2] == (PASS, PASS)


def test_did_key_issuer() -> None:
    key = private_key("EdDSA")
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    from wallet.verify.multibase import ED25519_PUB, encode_multikey

    value = encode_multikey(ED25519_PUB, raw)
    issuer = f"did:key:{value}"
    token = sign({"alg": "EdDSA", "kid": f"{issuer}#{value}"}, vc11_claims(issuer), key)
    assert statuses(verify_jwt(credential(token, issuer), offline()))[:2] == (PASS, PASS)


def test_vc11_claims_may_stand_instead_of_fields() -> None:
    key = private_key("ES256")
    issuer = did_jwk(key)
    bare = vc(issuer)
    for name in ("id", "issuer", "issuanceDate", "expirationDate"):
        del bare[name]
    del bare["credentialSubject"]["id"]
    token = sign({"alg": "ES256", "kid": issuer + "#0"}, vc11_claims(issuer, vc=bare), key)
    assert statuses(verify_jwt(credential(token, issuer), offline()))[:2] == (PASS, PASS)


def test_nbf_compared_at_second_precision() -> None:
    key = private_key("ES256")
    issuer = did_jwk(key)
    doc = vc(issuer, issuanceDate="2024-01-01T00:00:00.750Z")
    token = sign({"alg": "ES256", "kid": issuer + "#0"}, vc11_claims(issuer, vc=doc, nbf=ISSUED + 0.2), key)
    assert statuses(verify_jwt(credential(token, issuer), offline()))[:2] == (PASS, PASS)
    offset = vc(issuer, issuanceDate="2024-01-01T01:00:00+01:00")  # same instant, other zone
    token = sign({"alg": "ES256", "kid": issuer + "#0"}, vc11_claims(issuer, vc=offset), key)
    assert statuses(verify_jwt(credential(token, issuer), offline()))[:2] == (PASS, PASS)


# --------------------------------------------------------------------------- refused algorithms


def test_alg_none_is_refused() -> None:
    key = private_key("EdDSA")
    issuer = did_jwk(key)
    header = b64(json.dumps({"alg": "none", "kid": issuer + "#0"}).encode())
    token = f"{header}.{b64(json.dumps(vc11_claims(issuer)).encode())}."
    outcome = verify_jwt(credential(token, issuer), offline())
    assert statuses(outcome) == (SKIPPED, FAIL, None, INVALID_SIGNATURE)
    assert "'none'" in outcome.proof.message


@pytest.mark.parametrize("secret_form", ["pem", "jwk-json", "der"])
def test_hs256_keyed_with_the_public_key_is_refused(secret_form: str) -> None:
    """The classic alg-confusion attack: HMAC with the issuer's public key as the secret."""
    key = private_key("RS256")
    issuer = did_jwk(key)
    public = key.public_key()
    secret = {
        "pem": public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
        "jwk-json": json.dumps(public_jwk(key)).encode(),
        "der": public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo),
    }[secret_form]
    header = b64(json.dumps({"alg": "HS256", "kid": issuer + "#0"}).encode())
    signing_input = f"{header}.{b64(json.dumps(vc11_claims(issuer)).encode())}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    outcome = verify_jwt(credential(f"{signing_input}.{b64(mac)}", issuer), offline())
    assert statuses(outcome)[1:] == (FAIL, None, INVALID_SIGNATURE)
    with pytest.raises(SignatureInvalid):
        verify_compact(parse_compact(f"{signing_input}.{b64(mac)}"), public)


@pytest.mark.parametrize("alg", ["HS384", "ES512", "RS512", "Ed25519", "EDDSA", "", None, 256])
def test_other_algorithms_are_refused(alg: Any) -> None:
    key = private_key("EdDSA")
    issuer = did_jwk(key)
    header = {"alg": alg, "kid": issuer + "#0"}
    token = sign(header, vc11_claims(issuer), key, alg="EdDSA")
    assert statuses(verify_jwt(credential(token, issuer), offline()))[1:] == (FAIL, None, INVALID_SIGNATURE)


@pytest.mark.parametrize(
    ("header_alg", "key_alg"),
    [
        ("ES256", "RS256"),
        ("ES384", "ES256"),
        ("ES256", "ES384"),
        ("EdDSA", "ES256"),
        ("RS256", "EdDSA"),
        ("PS256", "ES256"),
    ],
)
def test_algorithm_must_fit_the_key(header_alg: str, key_alg: str) -> None:
    key = private_key(key_alg)
    issuer = did_jwk(key)
    token = sign({"alg": header_alg, "kid": issuer + "#0"}, vc11_claims(issuer), key, alg=key_alg)
    outcome = verify_jwt(credential(token, issuer), offline())
    assert statuses(outcome) == (PASS, FAIL, None, INVALID_SIGNATURE)
    assert "needs" in outcome.proof.message


def test_rs256_signature_presented_as_ps256_fails() -> None:
    key = private_key("RS256")
    issuer = did_jwk(key)
    token = sign({"alg": "PS256", "kid": issuer + "#0"}, vc11_claims(issuer), key, alg="RS256")
    assert statuses(verify_jwt(credential(token, issuer), offline()))[1:] == (FAIL, None, INVALID_SIGNATURE)


def test_der_encoded_ecdsa_signature_is_refused() -> None:
    key = private_key("ES256")
    issuer = did_jwk(key)
    header = b64(json.dumps({"alg": "ES256", "kid": issuer + "#0"}).encode())
    signing_input = f"{header}.{b64(json.dumps(vc11_claims(issuer)).encode())}"
    der = key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
    outcome = verify_jwt(credential(f"{signing_input}.{b64(der)}", issuer), offline())
    assert statuses(outcome)[1:] == (FAIL, None, INVALID_SIGNATURE)


def test_critical_header_extension_is_refused() -> None:
    key = private_key("EdDSA")
    issuer = did_jwk(key)
    token = sign({"alg": "EdDSA", "kid": issuer + "#0", "crit": ["b64"], "b64": False}, vc11_claims(issuer), key)
    assert statuses(verify_jwt(credential(token, issuer), offline()))[1:] == (FAIL, None, INVALID_SIGNATURE)


# --------------------------------------------------------------------------- content changes


def test_edited_payload_breaks_the_signature() -> None:
    token, issuer = token_for("ES256")
    head, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["vc"]["credentialSubject"]["achievement"]["name"] = "Something grander"
    forged = f"{head}.{b64(json.dumps(claims).encode())}.{signature}"
    outcome = verify_jwt(credential(forged, issuer), offline())
    assert statuses(outcome) == (PASS, FAIL, None, INVALID_SIGNATURE)


def test_signature_covers_the_token_as_received_not_a_reserialization() -> None:
    """Same JSON, different bytes (spacing): the signature must not carry over."""
    key = private_key("EdDSA")
    issuer = did_jwk(key)
    token = sign({"alg": "EdDSA", "kid": issuer + "#0"}, vc11_claims(issuer), key)
    head, body, signature = token.split(".")
    compact_body = b64(json.dumps(vc11_claims(issuer), separators=(",", ":")).encode())
    assert compact_body != body
    outcome = verify_jwt(credential(f"{head}.{compact_body}.{signature}", issuer), offline())
    assert statuses(outcome)[1:] == (FAIL, None, INVALID_SIGNATURE)


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"iss": "did:example:someone-else"}, "iss"),
        ({"sub": "did:example:another-earner"}, "sub"),
        ({"jti": "urn:uuid:another"}, "jti"),
        ({"nbf": ISSUED + 86400}, "nbf"),
        ({"exp": EXPIRES + 1}, "exp"),
        ({"nbf": "2024-01-01"}, "nbf"),
    ],
)
def test_claims_that_contradict_the_credential_are_tampered(override: dict[str, Any], named: str) -> None:
    token, issuer = token_for("ES256", **override)
    outcome = verify_jwt(credential(token, issuer), offline())
    assert statuses(outcome) == (PASS, FAIL, None, TAMPERED)
    assert named in outcome.proof.message


def test_vc_jose_claims_beside_the_credential_must_agree() -> None:
    key = private_key("ES256")
    issuer = did_jwk(key)
    payload = {**vc(issuer, v2=True), "iss": issuer, "nbf": ISSUED, "exp": EXPIRES}
    good = sign({"alg": "ES256", "typ": "vc+jwt", "kid": issuer + "#0"}, payload, key)
    assert statuses(verify_jwt(credential(good, issuer), offline()))[:2] == (PASS, PASS)
    bad = sign({"alg": "ES256", "typ": "vc+jwt", "kid": issuer + "#0"}, {**payload, "exp": EXPIRES + 3600}, key)
    outcome = verify_jwt(credential(bad, issuer), offline())
    assert statuses(outcome)[1:] == (FAIL, None, TAMPERED)
    assert "validUntil" in outcome.proof.message


# --------------------------------------------------------------------------- whose key


def test_impostor_kid_of_another_did_is_refused() -> None:
    victim = did_jwk(private_key("ES256"))
    attacker_key = private_key("other-ed")
    attacker = did_jwk(attacker_key)
    token = sign({"alg": "EdDSA", "kid": attacker + "#0"}, vc11_claims(victim), attacker_key)
    outcome = verify_jwt(credential(token, victim), offline())
    assert statuses(outcome) == (FAIL, SKIPPED, INVALID_SIGNATURE, None)
    assert "not of the issuer" in outcome.issuer.message


def test_embedded_jwk_alone_proves_nothing_for_a_web_issuer() -> None:
    key = private_key("ES256")
    issuer = "https://example.edu/issuers/1"
    token = sign({"alg": "ES256", "jwk": public_jwk(key)}, vc11_claims(issuer), key)
    outcome = verify_jwt(credential(token, issuer), offline())
    assert statuses(outcome) == (FAIL, SKIPPED, INVALID_SIGNATURE, None)


def test_embedded_jwk_of_a_did_jwk_issuer_is_its_own_key() -> None:
    key = private_key("ES256")
    issuer = did_jwk(key)
    token = sign({"alg": "ES256", "jwk": public_jwk(key)}, vc11_claims(issuer), key)
    assert statuses(verify_jwt(credential(token, issuer), offline()))[:2] == (PASS, PASS)


def test_embedded_jwk_that_is_not_the_issuers_key_is_refused() -> None:
    issuer = did_jwk(private_key("ES256"))
    attacker = private_key("other-ed")
    token = sign({"alg": "EdDSA", "jwk": public_jwk(attacker)}, vc11_claims(issuer), attacker)
    assert statuses(verify_jwt(credential(token, issuer), offline()))[::2] == (FAIL, INVALID_SIGNATURE)


def test_embedded_jwk_with_private_material_is_refused() -> None:
    key = private_key("EdDSA")
    issuer = did_jwk(key)
    secret = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    token = sign({"alg": "EdDSA", "jwk": {**public_jwk(key), "d": b64(secret)}}, vc11_claims(issuer), key)
    outcome = verify_jwt(credential(token, issuer), offline())
    assert statuses(outcome)[::2] == (FAIL, INVALID_SIGNATURE)
    assert "private" in outcome.issuer.message


def test_no_key_named_for_a_web_issuer() -> None:
    key = private_key("ES256")
    token = sign({"alg": "ES256", "kid": "key-1"}, vc11_claims("https://example.edu/i"), key)
    assert statuses(verify_jwt(credential(token), offline()))[::2] == (FAIL, INVALID_SIGNATURE)


# --------------------------------------------------------------------------- https keys


def _web_token(
    server: TLSServer, kid_path: str, key: Any, *, issuer_path: str = "/issuers/1", alg: str = "ES256"
) -> tuple[str, str]:
    issuer = server.url(issuer_path)
    return sign({"alg": alg, "kid": server.url(kid_path)}, vc11_claims(issuer), key), issuer


def test_https_kid_serving_a_bare_jwk(https_server: TLSServer, fetcher: Fetcher) -> None:
    key = private_key("ES256")
    https_server.route("/keys/1.json", json=public_jwk(key))
    token, issuer = _web_token(https_server, "/keys/1.json", key)
    assert statuses(verify_jwt(credential(token, issuer), online(fetcher)))[:2] == (PASS, PASS)


def test_https_kid_into_a_jwk_set(https_server: TLSServer, fetcher: Fetcher) -> None:
    key = private_key("RS256")
    other = public_jwk(private_key("ES256"))
    https_server.route("/jwks.json", json={"keys": [{**other, "kid": "a"}, {**public_jwk(key), "kid": "b"}]})
    token, issuer = _web_token(https_server, "/jwks.json#b", key, alg="RS256")
    assert statuses(verify_jwt(credential(token, issuer), online(fetcher)))[:2] == (PASS, PASS)
    missing, issuer = _web_token(https_server, "/jwks.json#c", key, alg="RS256")
    assert statuses(verify_jwt(credential(missing, issuer), online(fetcher)))[::2] == (FAIL, UNRESOLVABLE_ISSUER)


def test_https_kid_into_the_issuers_controller_document(https_server: TLSServer, fetcher: Fetcher) -> None:
    key = private_key("EdDSA")
    issuer = https_server.url("/issuers/1")
    https_server.route(
        "/issuers/1",
        json={
            "id": issuer,
            "verificationMethod": [
                {"id": issuer + "#key-1", "type": "JsonWebKey", "controller": issuer, "publicKeyJwk": public_jwk(key)}
            ],
            "assertionMethod": ["#key-1"],
        },
    )
    token = sign({"alg": "EdDSA", "kid": issuer + "#key-1"}, vc11_claims(issuer), key)
    assert statuses(verify_jwt(credential(token, issuer), online(fetcher)))[:2] == (PASS, PASS)
    assert https_server.hits("/issuers/1") == 1  # fetched once: the key lookup and did.py share the cache


def _controller(server: TLSServer, path: str, key: Any, relationships: tuple[str, ...] = ("assertionMethod",)) -> str:
    controller = server.url(path)
    method = {
        "id": controller + "#key-1",
        "type": "JsonWebKey",
        "controller": controller,
        "publicKeyJwk": public_jwk(key),
    }
    server.route(
        path, json={"id": controller, "verificationMethod": [method], **{r: ["#key-1"] for r in relationships}}
    )
    return controller


def test_key_of_another_controller_on_the_same_site_is_an_impostor(https_server: TLSServer, fetcher: Fetcher) -> None:
    key = private_key("EdDSA")
    other = _controller(https_server, "/issuers/2", key)
    issuer = https_server.url("/issuers/1")
    token = sign({"alg": "EdDSA", "kid": other + "#key-1"}, vc11_claims(issuer), key)
    outcome = verify_jwt(credential(token, issuer), online(fetcher))
    assert statuses(outcome) == (FAIL, SKIPPED, INVALID_SIGNATURE, None)


def test_key_not_listed_for_assertion_is_refused(https_server: TLSServer, fetcher: Fetcher) -> None:
    key = private_key("EdDSA")
    issuer = _controller(https_server, "/issuers/1", key, relationships=("authentication",))
    token = sign({"alg": "EdDSA", "kid": issuer + "#key-1"}, vc11_claims(issuer), key)
    outcome = verify_jwt(credential(token, issuer), online(fetcher))
    assert statuses(outcome) == (FAIL, SKIPPED, INVALID_SIGNATURE, None)
    assert "assertionMethod" in outcome.issuer.message


def test_bare_jwk_from_another_origin_is_an_impostor(https_server: TLSServer, fetcher: Fetcher) -> None:
    """Same server, but 127.0.0.1 is a different origin from localhost, as another host would be."""
    key = private_key("ES256")
    https_server.route("/keys/1.json", json=public_jwk(key))
    issuer = https_server.url("/issuers/1")
    kid = f"https://127.0.0.1:{https_server.port}/keys/1.json"
    token = sign({"alg": "ES256", "kid": kid}, vc11_claims(issuer), key)
    outcome = verify_jwt(credential(token, issuer), online(fetcher))
    assert statuses(outcome) == (FAIL, SKIPPED, INVALID_SIGNATURE, None)


def test_unreachable_kid_host_is_unresolvable(fetcher: Fetcher) -> None:
    key = private_key("ES256")
    issuer = "https://127.0.0.1:1/issuers/1"
    token = sign({"alg": "ES256", "kid": "https://127.0.0.1:1/keys/1.json"}, vc11_claims(issuer), key)
    outcome = verify_jwt(credential(token, issuer), online(fetcher))
    assert statuses(outcome) == (FAIL, SKIPPED, UNRESOLVABLE_ISSUER, None)


def test_missing_key_document_is_unresolvable(https_server: TLSServer, fetcher: Fetcher) -> None:
    https_server.not_found("/keys/gone.json")
    token, issuer = _web_token(https_server, "/keys/gone.json", private_key("ES256"))
    outcome = verify_jwt(credential(token, issuer), online(fetcher))
    assert statuses(outcome)[::2] == (FAIL, UNRESOLVABLE_ISSUER)
    assert "404" in outcome.issuer.message


def test_unreachable_did_web_is_unresolvable(fetcher: Fetcher) -> None:
    key = private_key("ES256")
    issuer = "did:web:localhost%3A1"
    token = sign({"alg": "ES256", "kid": issuer + "#key-1"}, vc11_claims(issuer), key)
    assert statuses(verify_jwt(credential(token, issuer), online(fetcher)))[::2] == (FAIL, UNRESOLVABLE_ISSUER)


def test_stalled_key_server_gives_up_quickly(https_server: TLSServer, fetcher: Fetcher) -> None:
    https_server.stall("/keys/slow.json", seconds=30)
    token, issuer = _web_token(https_server, "/keys/slow.json", private_key("ES256"))
    started = time.monotonic()
    outcome = verify_jwt(credential(token, issuer), online(fetcher))
    assert time.monotonic() - started < 2.0
    assert statuses(outcome)[::2] == (FAIL, UNRESOLVABLE_ISSUER)


@pytest.mark.parametrize("kid_path", ["/keys/1.json", "/issuers/1#key-1"])
def test_offline_key_fetch_is_unknown(https_server: TLSServer, kid_path: str) -> None:
    https_server.route("/keys/1.json", json=public_jwk(private_key("ES256")))
    token, issuer = _web_token(https_server, kid_path, private_key("ES256"))
    outcome = verify_jwt(credential(token, issuer), offline())
    assert statuses(outcome) == (UNKNOWN, UNKNOWN, None, None)
    assert https_server.hits("/keys/1.json") == 0


def test_offline_did_web_is_unknown() -> None:
    key = private_key("ES256")
    issuer = "did:web:example.edu"
    token = sign({"alg": "ES256", "kid": issuer + "#key-1"}, vc11_claims(issuer), key)
    assert statuses(verify_jwt(credential(token, issuer), offline()))[:2] == (UNKNOWN, UNKNOWN)


# --------------------------------------------------------------------------- not a credential token


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "a.b",
        "eyJhbGciOiJFUzI1NiJ9.e30.!!!",
        b64(b"[1]") + "." + b64(b"{}") + ".",
        b64(b'{"alg":"ES256","alg":"none"}') + "." + b64(b"{}") + ".",
    ],
)
def test_malformed_tokens(token: str) -> None:
    outcome = verify_jwt(credential(token), offline())
    assert statuses(outcome)[1:] == (FAIL, None, MALFORMED)


def test_parse_compact_refuses_duplicate_header_names() -> None:
    with pytest.raises(JwsMalformed, match="twice"):
        parse_compact(b64(b'{"alg":"RS256","alg":"HS256"}') + "." + b64(b"{}") + ".")


def test_wrong_token_type_is_malformed() -> None:
    key = private_key("EdDSA")
    issuer = did_jwk(key)
    token = sign({"alg": "EdDSA", "typ": "at+jwt", "kid": issuer + "#0"}, vc11_claims(issuer), key)
    assert statuses(verify_jwt(credential(token, issuer), offline()))[1:] == (FAIL, None, MALFORMED)


def test_payload_without_a_credential_is_malformed() -> None:
    key = private_key("EdDSA")
    issuer = did_jwk(key)
    token = sign({"alg": "EdDSA", "kid": issuer + "#0"}, {"iss": issuer, "sub": "x"}, key)
    assert statuses(verify_jwt(credential(token, issuer), offline()))[1:] == (FAIL, None, MALFORMED)


# --------------------------------------------------------------------------- the JS corpus

JS_OUT = DATA / "gen" / "js" / "out"
JS_TOKENS = [
    item
    for item in json.loads((JS_OUT / "INDEX.json").read_text())
    if item["file"].startswith("jwt/") and not item.get("requires_server")
]
# Dates are the pipeline's ``dates`` check; here an expired but intact token is simply valid.
_BY_THIS_MODULE = {"expired": "valid", "not_yet_valid": "valid"}


@pytest.mark.parametrize("item", JS_TOKENS, ids=[i["file"] for i in JS_TOKENS])
def test_tokens_of_the_js_corpus(item: dict[str, Any]) -> None:
    """Tokens signed by @digitalbazaar / jose for the shared corpus; expected verdicts from its INDEX.json."""
    [cred] = parse((JS_OUT / item["file"]).read_bytes(), item["file"])
    issuer, proof, _ = verify_jwt(cred, offline())
    report = Report(checks=(issuer, proof), format=cred.format, credential_id=None, credential_name=None, issuer=None)
    expected = item["expected_verdict"]
    assert report.verdict == _BY_THIS_MODULE.get(expected, expected), (issuer, proof)
