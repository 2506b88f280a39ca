"""Compact JWS/JWT text: VC-JWT 1.1, VC-JOSE 2.0, OB 2.0 signed assertions, garbage."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fmt_builders import b64url, make_jwt

from wallet.errors import FormatError
from wallet.formats import NotABadge, parse
from wallet.model import FORMAT_CLR2, FORMAT_OB2_SIGNED, FORMAT_OB3_JWT, FORMAT_VC_JWT

Reader = Callable[[str], bytes]


def test_ob2_spec_signed_assertion_with_whitespace(read_data: Reader, ob2_jws: str) -> None:
    """The spec prints the JWS with spaces and newlines around the dots."""
    data = read_data("ob2_signed_spec.jws")
    assert b"\n.\n" in data
    [cred] = parse(data, "signed.jws")
    assert cred.format == FORMAT_OB2_SIGNED
    assert cred.container == "jwt"
    assert cred.payload == ob2_jws
    assert cred.jwt_header == {"alg": "RS256"}
    assert cred.document["verify"] == {"type": "SignedBadge", "creator": "https://example.org/publicKey"}
    assert cred.hosted_url is None
    assert cred.original == data


def test_vc_jwt_11_fills_fields_from_claims(read_data: Reader) -> None:
    vc = json.loads(read_data("ob3_basic.json"))
    vc["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    for field in ("id", "validFrom"):
        del vc[field]
    vc["issuer"] = {"type": ["Profile"], "name": "Example Corp"}
    del vc["credentialSubject"]["id"]
    claims = {
        "vc": vc,
        "iss": "https://example.com/issuers/876543",
        "sub": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "jti": "http://example.com/credentials/3527",
        "nbf": 1262304000,
        "exp": 1893456000,
    }
    token = make_jwt({"alg": "RS256", "typ": "JWT", "kid": "https://example.com/keys/1"}, claims)
    [cred] = parse(f"\n{token}\n".encode())
    assert cred.format == FORMAT_OB3_JWT
    assert cred.spec_version == "3.0"
    assert cred.payload == token
    doc = cred.document
    assert doc["id"] == "http://example.com/credentials/3527"
    assert doc["issuer"] == {"type": ["Profile"], "name": "Example Corp", "id": "https://example.com/issuers/876543"}
    assert doc["credentialSubject"]["id"] == "did:example:ebfeb1f712ebc6f1c276e12ec21"
    assert doc["issuanceDate"] == "2010-01-01T00:00:00Z"
    assert doc["expirationDate"] == "2030-01-01T00:00:00Z"
    assert "vc" not in doc
    assert cred.valid_from == datetime(2010, 1, 1, tzinfo=UTC)
    assert cred.valid_until == datetime(2030, 1, 1, tzinfo=UTC)
    assert cred.issuer.id == "https://example.com/issuers/876543"
    assert cred.subject.id == "did:example:ebfeb1f712ebc6f1c276e12ec21"


def test_vc_jwt_claims_do_not_override_fields(read_data: Reader) -> None:
    vc = json.loads(read_data("ob3_basic.json"))
    token = make_jwt({"alg": "EdDSA"}, {"vc": vc, "jti": "urn:other", "nbf": 0, "iss": "did:other"})
    [cred] = parse(token.encode())
    assert cred.id == "http://example.com/credentials/3527"
    assert cred.document["issuer"]["id"] == "https://example.com/issuers/876543"
    assert "issuanceDate" not in cred.document  # validFrom already states the start
    assert cred.valid_from == datetime(2010, 1, 1, tzinfo=UTC)


def test_vc_jose_payload_is_the_document(ob3_jwt: str, ob3_json: str) -> None:
    [cred] = parse(ob3_jwt.encode())
    assert cred.format == FORMAT_OB3_JWT
    assert cred.document == json.loads(ob3_json)
    assert cred.jwt_header is not None and cred.jwt_header["typ"] == "vc+jwt"


def test_vc_jose_nbf_exp_fill_missing_window(read_data: Reader) -> None:
    doc = json.loads(read_data("ob3_basic.json"))
    del doc["validFrom"]
    [cred] = parse(make_jwt({"alg": "ES256"}, doc | {"nbf": 1700000000, "exp": 1800000000}).encode())
    assert cred.valid_from == datetime.fromtimestamp(1700000000, UTC)
    assert cred.valid_until == datetime.fromtimestamp(1800000000, UTC)
    assert "validFrom" not in cred.document  # VC-JOSE payload stays as signed


def test_non_badge_vc_jwt() -> None:
    vc = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential", "UniversityDegreeCredential"],
        "credentialSubject": {"degree": {"type": "BachelorDegree"}},
    }
    [cred] = parse(make_jwt({"alg": "ES256"}, {"vc": vc, "iss": "did:example:u", "jti": "urn:d:1"}).encode())
    assert cred.format == FORMAT_VC_JWT
    assert cred.spec_version == "vc1.1"
    assert cred.id == "urn:d:1"


def test_clr_as_jwt(read_data: Reader) -> None:
    token = make_jwt({"alg": "EdDSA", "typ": "vc+jwt"}, json.loads(read_data("clr_realistic.json")))
    clr, *children = parse(token.encode())
    assert clr.format == FORMAT_CLR2
    assert clr.payload == token and clr.container == "jwt"
    assert len(children) == 2 and all(c.parent_id == clr.id for c in children)


def test_vp_jwt(ob3_jwt: str) -> None:
    token = make_jwt(
        {"alg": "EdDSA"},
        {"vp": {"type": ["VerifiablePresentation"], "verifiableCredential": [ob3_jwt]}, "jti": "urn:vp:7"},
    )
    [cred] = parse(token.encode())
    assert cred.payload == ob3_jwt
    assert cred.parent_id == "urn:vp:7"


def test_alg_none_is_read_not_judged(ob3_json: str) -> None:
    token = make_jwt({"alg": "none"}, json.loads(ob3_json), signature=b"")
    assert token.endswith(".")
    [cred] = parse(token.encode())
    assert cred.jwt_header == {"alg": "none"}


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("abc.def", "does not look like a badge"),
        ("eyJh!GciOiJub25lIn0.e30.", "does not look like a badge"),
        ("eyJhbGciOiJub25lIn0.e30=.", "does not look like a badge"),
        (f"{b64url(b'[1]')}.{b64url(b'{}')}.", "header is not a JSON object"),
        (f"{b64url(b'{}')}.{b64url(b'not json')}.", "payload is not valid JSON"),
        (f"{b64url(b'{}')}.{b64url(b'[]')}.", "payload is not a JSON object"),
        (f"{b64url(bytes([0xFF, 0xFE]))}.{b64url(b'{}')}.", "not valid UTF-8"),
        ("a.b.c", "base64url"),
    ],
)
def test_garbage_tokens(token: str, reason: str) -> None:
    with pytest.raises(FormatError, match=reason):
        parse(token.encode())


def test_jwt_without_credential_is_not_a_badge() -> None:
    with pytest.raises(NotABadge, match="neither a badge nor a verifiable credential"):
        parse(make_jwt({"alg": "RS256"}, {"sub": "1234567890", "name": "John Doe", "iat": 1516239022}).encode())
