"""Multibase, keys and verification-method resolution (did:key, did:jwk, did:web, https controller docs)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from tlsserver import TLSServer

from wallet.net import Fetcher
from wallet.verify import multibase
from wallet.verify.did import (
    KeyNotAuthorized,
    KeyUnresolvable,
    did_jwk_document,
    did_key_document,
    did_web_url,
    key_kind,
    multikey_from_public_key,
    private_key_from_multikey,
    public_key_from_jwk,
    public_key_from_multikey,
    resolve_verification_method,
)

# W3C vc-di-eddsa / vc-di-ecdsa test keys (tests/data/vectors/SOURCES.md)
ED = ("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
P256 = ("zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP", "z42twTcNeSYcnqg1FLuSFs2bsGH3ZqbRHFmvS9XMsYhjxvHN")
P384 = (
    "z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ",
    "z2fanyY7zgwNpZGxX5fXXibvScNaUWNprHU9dKx7qpVj7mws9J8LLt4mDB5TyH2GLHWkUc",
)
OFFLINE = Fetcher(offline=True)


# --------------------------------------------------------------------------- multibase


def test_base58btc_known_values_and_round_trip() -> None:
    assert multibase.b58encode(b"hello world") == "StV1DL6CwTryKyV"
    assert multibase.b58encode(b"\0\0\x01") == "112"
    for data in (b"", b"\0", b"\0\0abc", bytes(range(256))):
        assert multibase.b58decode(multibase.b58encode(data)) == data
    with pytest.raises(ValueError, match="invalid base58"):
        multibase.b58decode("0OIl")


def test_multibase_prefixes() -> None:
    assert multibase.encode(b"\xff\xfe", "u") == "u__4"
    assert multibase.decode("u__4") == b"\xff\xfe"
    assert multibase.decode(multibase.encode(b"abc", "z")) == b"abc"
    with pytest.raises(ValueError, match="prefix"):
        multibase.decode("mYWJj")
    with pytest.raises(ValueError):
        multibase.decode("u+/+/")


def test_multicodec_varints() -> None:
    assert multibase.varint_encode(0xED) == b"\xed\x01"
    assert multibase.varint_encode(0x1200) == b"\x80\x24"
    assert multibase.varint_encode(0x1201) == b"\x81\x24"
    assert multibase.varint_decode(b"\x81\x24\x00") == (0x1201, 2)
    with pytest.raises(ValueError, match="truncated"):
        multibase.varint_decode(b"\x81")
    with pytest.raises(ValueError, match="minimally"):
        multibase.varint_decode(b"\xed\x00")


def test_multikey_prefixes_and_lengths() -> None:
    assert ED[0].startswith("z6Mk") and P256[0].startswith("zDn") and P384[0].startswith("z82")
    assert key_kind(public_key_from_multikey(ED[0])) == "Ed25519"
    assert key_kind(public_key_from_multikey(P256[0])) == "P-256"
    assert key_kind(public_key_from_multikey(P384[0])) == "P-384"
    with pytest.raises(ValueError, match="length"):
        multibase.decode_multikey(multibase.encode_multikey(multibase.ED25519_PUB, b"\x01" * 31))
    with pytest.raises(ValueError, match="base58btc"):
        multibase.decode_multikey("u7QE")


@pytest.mark.parametrize("pair", [ED, P256, P384])
def test_spec_secret_keys_match_their_public_keys(pair: tuple[str, str]) -> None:
    private = private_key_from_multikey(pair[1])
    assert multikey_from_public_key(private.public_key()) == pair[0]


def test_1edtech_ob3_key_encoding() -> None:
    raw = bytes.fromhex("4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5")
    assert multibase.encode_multikey(multibase.ED25519_PUB, raw) == "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


# --------------------------------------------------------------------------- JWK


def b64(n: int, size: int) -> str:
    return multibase.b64url_encode(n.to_bytes(size, "big"))


def ec_jwk(curve: ec.EllipticCurve, name: str, size: int) -> dict[str, str]:
    numbers = ec.generate_private_key(curve).public_key().public_numbers()
    return {"kty": "EC", "crv": name, "x": b64(numbers.x, size), "y": b64(numbers.y, size)}


def test_public_key_from_jwk_kinds() -> None:
    ed_raw = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    assert (
        key_kind(public_key_from_jwk({"kty": "OKP", "crv": "Ed25519", "x": multibase.b64url_encode(ed_raw)}))
        == "Ed25519"
    )
    assert key_kind(public_key_from_jwk(ec_jwk(ec.SECP256R1(), "P-256", 32))) == "P-256"
    assert key_kind(public_key_from_jwk(ec_jwk(ec.SECP384R1(), "P-384", 48))) == "P-384"
    rsa_numbers = rsa.generate_private_key(65537, 2048).public_key().public_numbers()
    rsa_jwk = {"kty": "RSA", "n": b64(rsa_numbers.n, 256), "e": b64(rsa_numbers.e, 3)}
    assert key_kind(public_key_from_jwk(rsa_jwk)) == "RSA"


def test_public_key_from_jwk_refusals() -> None:
    jwk = ec_jwk(ec.SECP256R1(), "P-256", 32)
    with pytest.raises(ValueError, match="private"):
        public_key_from_jwk({**jwk, "d": "AAAA"})
    with pytest.raises(ValueError, match=r"symmetric|private"):
        public_key_from_jwk({"kty": "oct", "k": "c2VjcmV0"})
    with pytest.raises(ValueError, match="curve"):
        public_key_from_jwk({**jwk, "crv": "secp256k1"})
    with pytest.raises(ValueError, match="32 bytes"):
        public_key_from_jwk({**jwk, "x": jwk["x"][:-4]})
    with pytest.raises(ValueError):
        public_key_from_jwk({**jwk, "y": jwk["x"]})  # not on the curve
    small = rsa.generate_private_key(65537, 1024).public_key().public_numbers()
    with pytest.raises(ValueError, match="2048"):
        public_key_from_jwk({"kty": "RSA", "n": b64(small.n, 128), "e": b64(small.e, 3)})


# --------------------------------------------------------------------------- did:key, did:jwk


@pytest.mark.parametrize(("value", "kind"), [(ED[0], "Ed25519"), (P256[0], "P-256"), (P384[0], "P-384")])
def test_did_key_resolves_offline(value: str, kind: str) -> None:
    vm = resolve_verification_method(f"did:key:{value}#{value}", OFFLINE)
    assert vm.controller == f"did:key:{value}"
    assert vm.key_kind == kind
    assert {"assertionMethod", "authentication"} <= vm.purposes


def test_did_key_errors() -> None:
    short = multibase.encode_multikey(multibase.P256_PUB, b"\x02" + b"\x01" * 31)
    with pytest.raises(KeyUnresolvable, match="usable key"):
        did_key_document(f"did:key:{short}")
    with pytest.raises(KeyUnresolvable, match="base58btc"):
        did_key_document("did:key:u7QE")
    with pytest.raises(KeyNotAuthorized, match="does not list"):
        resolve_verification_method(f"did:key:{ED[0]}#{P256[0]}", OFFLINE)
    with pytest.raises(KeyUnresolvable, match="fragment"):
        resolve_verification_method(f"did:key:{ED[0]}", OFFLINE)


def did_jwk(jwk: dict[str, Any]) -> str:
    return "did:jwk:" + multibase.b64url_encode(json.dumps(jwk).encode())


def test_did_jwk() -> None:
    jwk = ec_jwk(ec.SECP384R1(), "P-384", 48)
    did = did_jwk({**jwk, "kid": "ignored"})
    vm = resolve_verification_method(f"{did}#0", OFFLINE)
    assert vm.key_kind == "P-384" and vm.type == "JsonWebKey2020"
    assert "kid" not in did_jwk_document(did)["verificationMethod"][0]["publicKeyJwk"]
    with pytest.raises(KeyUnresolvable, match="public JWK"):
        resolve_verification_method(f"{did_jwk({**jwk, 'd': 'AAAA'})}#0", OFFLINE)
    with pytest.raises(KeyNotAuthorized, match="assertionMethod"):
        resolve_verification_method(f"{did_jwk({**jwk, 'use': 'enc'})}#0", OFFLINE)
    with pytest.raises(KeyNotAuthorized):
        resolve_verification_method(f"{did}#1", OFFLINE)


# --------------------------------------------------------------------------- did:web


def test_did_web_urls_from_the_method_spec() -> None:
    assert did_web_url("did:web:w3c-ccg.github.io") == "https://w3c-ccg.github.io/.well-known/did.json"
    assert did_web_url("did:web:w3c-ccg.github.io:user:alice") == "https://w3c-ccg.github.io/user/alice/did.json"
    assert did_web_url("did:web:example.com%3A3000:user:alice") == "https://example.com:3000/user/alice/did.json"
    for bad in ("did:web:127.0.0.1", "did:web:example.com%3Ax", "did:web:exa/mple.com", "did:web:", "did:web:a::b"):
        with pytest.raises(KeyUnresolvable):
            did_web_url(bad)


def multikey_doc(controller: str, key: str, *, purposes: tuple[str, ...] = ("assertionMethod",)) -> dict[str, Any]:
    vm_id = f"{controller}#key-1"
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": controller,
        "verificationMethod": [{"id": vm_id, "type": "Multikey", "controller": controller, "publicKeyMultibase": key}],
    }
    for purpose in purposes:
        doc[purpose] = [vm_id]
    return doc


def test_did_web_resolves_through_the_fetcher(https_server: TLSServer, fetcher: Fetcher) -> None:
    did = f"did:web:localhost%3A{https_server.port}"
    https_server.route("/.well-known/did.json", json=multikey_doc(did, P256[0]))
    vm = resolve_verification_method(f"{did}#key-1", fetcher)
    assert vm.key_kind == "P-256" and vm.controller == did
    assert https_server.hits("/.well-known/did.json") == 1


def test_did_web_with_path(https_server: TLSServer, fetcher: Fetcher) -> None:
    did = f"did:web:localhost%3A{https_server.port}:issuers:alice"
    doc = multikey_doc(did, ED[0])
    doc["verificationMethod"][0]["id"] = "#key-1"  # relative references are resolved against the DID
    doc["assertionMethod"] = ["#key-1"]
    https_server.route("/issuers/alice/did.json", json=doc)
    assert resolve_verification_method(f"{did}#key-1", fetcher).key_kind == "Ed25519"


def test_did_web_document_must_name_the_did(https_server: TLSServer, fetcher: Fetcher) -> None:
    did = f"did:web:localhost%3A{https_server.port}"
    https_server.route("/.well-known/did.json", json=multikey_doc("did:web:evil.example", ED[0]))
    with pytest.raises(KeyUnresolvable, match="identifies itself"):
        resolve_verification_method(f"{did}#key-1", fetcher)


def test_did_web_missing_and_offline(https_server: TLSServer, fetcher: Fetcher) -> None:
    did = f"did:web:localhost%3A{https_server.port}"
    with pytest.raises(KeyUnresolvable) as info:
        resolve_verification_method(f"{did}#key-1", fetcher)
    assert not info.value.offline
    with pytest.raises(KeyUnresolvable) as info:
        resolve_verification_method(f"{did}#key-1", OFFLINE)
    assert info.value.offline


def test_unsupported_did_method() -> None:
    with pytest.raises(KeyUnresolvable, match="did:ion"):
        resolve_verification_method("did:ion:abc#k", OFFLINE)
    with pytest.raises(KeyUnresolvable):
        resolve_verification_method("http://issuer.example/key#1", OFFLINE)


# --------------------------------------------------------------------------- https controller documents (W3C CID)


def test_https_controller_document(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.url("/issuers/1")
    https_server.route("/issuers/1", json=multikey_doc(url, P384[0], purposes=("assertionMethod", "authentication")))
    vm = resolve_verification_method(f"{url}#key-1", fetcher)
    assert vm.controller == url and vm.key_kind == "P-384"
    assert vm.purposes == frozenset({"assertionMethod", "authentication"})


def test_https_vm_must_be_listed_for_the_purpose(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.url("/issuers/1")
    https_server.route("/issuers/1", json=multikey_doc(url, ED[0], purposes=("authentication",)))
    with pytest.raises(KeyNotAuthorized, match="assertionMethod"):
        resolve_verification_method(f"{url}#key-1", fetcher)
    assert resolve_verification_method(f"{url}#key-1", fetcher, purpose="authentication").key_kind == "Ed25519"


def test_https_vm_not_in_the_document_is_an_impostor(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.url("/issuers/1")
    https_server.route("/issuers/1", json=multikey_doc(url, ED[0]))
    with pytest.raises(KeyNotAuthorized, match="does not list"):
        resolve_verification_method(f"{url}#{P256[0]}", fetcher)


def test_https_vm_controller_must_be_the_document(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.url("/issuers/1")
    doc = multikey_doc(url, ED[0])
    doc["verificationMethod"][0]["controller"] = "https://attacker.example/"
    https_server.route("/issuers/1", json=doc)
    with pytest.raises(KeyNotAuthorized, match="controlled by"):
        resolve_verification_method(f"{url}#key-1", fetcher)


def test_https_document_id_must_be_its_url(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.url("/issuers/1")
    https_server.route("/issuers/1", json=multikey_doc("https://victim.example/issuers/1", ED[0]))
    with pytest.raises(KeyUnresolvable, match="identifies itself"):
        resolve_verification_method(f"{url}#key-1", fetcher)


def test_embedded_methods_and_legacy_key_types(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.url("/issuers/2")
    raw = (
        private_key_from_multikey(ED[1])
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    rsa_numbers = rsa.generate_private_key(65537, 2048).public_key().public_numbers()
    doc = {
        "id": url,
        "assertionMethod": [
            {
                "id": f"{url}#k2018",
                "type": "Ed25519VerificationKey2018",
                "controller": url,
                "publicKeyBase58": multibase.b58encode(raw),
            },
            {
                "id": f"{url}#k2020",
                "type": "Ed25519VerificationKey2020",
                "controller": url,
                "publicKeyMultibase": ED[0],
            },
            {
                "id": f"{url}#rsa",
                "type": "JsonWebKey2020",
                "controller": url,
                "publicKeyJwk": {"kty": "RSA", "n": b64(rsa_numbers.n, 256), "e": b64(rsa_numbers.e, 3)},
            },
            {
                "id": f"{url}#bad",
                "type": "Ed25519VerificationKey2020",
                "controller": url,
                "publicKeyMultibase": P256[0],
            },
            {"id": f"{url}#odd", "type": "EcdsaSecp256k1VerificationKey2019", "controller": url},
        ],
    }
    https_server.route("/issuers/2", json=doc)
    assert resolve_verification_method(f"{url}#k2018", fetcher).key_kind == "Ed25519"
    assert resolve_verification_method(f"{url}#k2020", fetcher).key_kind == "Ed25519"
    assert resolve_verification_method(f"{url}#rsa", fetcher).key_kind == "RSA"
    with pytest.raises(KeyNotAuthorized, match="unusable"):
        resolve_verification_method(f"{url}#bad", fetcher)
    with pytest.raises(KeyNotAuthorized, match="Unsupported"):
        resolve_verification_method(f"{url}#odd", fetcher)
    assert https_server.hits("/issuers/2") == 1  # the fetcher's cache serves the rest
