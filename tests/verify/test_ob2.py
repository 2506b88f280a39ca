"""OB 2.0 hosted and signed verification (wallet/verify/ob2.py) against a real HTTPS issuer."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from functools import cache
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from tlsserver import TLSServer

from wallet.formats import parse
from wallet.model import FORMAT_OB2_HOSTED, FORMAT_OB2_SIGNED, Achievement, Credential, Issuer
from wallet.net import Fetcher
from wallet.verify.ob2 import Ob2Outcome, identity_matches, json_difference, verification_scope, verify_ob2
from wallet.verify.options import VerifyOptions
from wallet.verify.report import (
    FAIL,
    INVALID_SIGNATURE,
    PASS,
    REVOKED,
    SKIPPED,
    TAMPERED,
    UNKNOWN,
    UNRESOLVABLE_ISSUER,
)

CONTEXT = "https://w3id.org/openbadges/v2"
EMAIL_HASH = "sha256$" + hashlib.sha256(b"alice@example.orgdeadsea").hexdigest()


def summary(outcome: Ob2Outcome) -> tuple[str, str, str]:
    return outcome.issuer.status, outcome.proof.status, outcome.status.status


def verdicts(outcome: Ob2Outcome) -> tuple[str | None, str | None, str | None]:
    return outcome.issuer.verdict, outcome.proof.verdict, outcome.status.verdict


def credential(document: dict[str, Any], *, fmt: str = FORMAT_OB2_HOSTED, payload: str | None = None) -> Credential:
    return Credential(
        id=document.get("id"),
        format=fmt,
        spec_version="2.0",
        name=None,
        issuer=Issuer(id=None),
        achievement=Achievement(id=None, name=None),
        payload=payload if payload is not None else json.dumps(document),
        document=document,
        hosted_url=document.get("id") if fmt == FORMAT_OB2_HOSTED else None,
        jwt_header={"alg": "RS256"} if fmt == FORMAT_OB2_SIGNED else None,
    )


def options(fetcher: Fetcher) -> VerifyOptions:
    return VerifyOptions(fetcher=fetcher)


# --------------------------------------------------------------------------- an issuer site


class Issuer2:
    """Assertion, BadgeClass, Profile (and keys) served by the test HTTPS server."""

    def __init__(self, server: TLSServer, *, origin: str | None = None) -> None:
        self.server = server
        self.origin = origin or server.origin
        self.profile_id = self.origin + "/issuers/1"
        self.badge_id = self.origin + "/badges/1"
        self.profile: dict[str, Any] = {
            "@context": CONTEXT,
            "id": self.profile_id,
            "type": "Issuer",
            "name": "Example University",
            "url": "https://example.edu",
            "email": "badges@example.edu",
        }
        self.badge: dict[str, Any] = {
            "@context": CONTEXT,
            "id": self.badge_id,
            "type": "BadgeClass",
            "name": "Robotics",
            "description": "Built a robot",
            "image": "https://example.edu/robot.png",
            "criteria": {"narrative": "Build it."},
            "issuer": self.profile_id,
        }
        self.publish()

    def publish(self) -> None:
        self.server.route("/issuers/1", json=self.profile)
        self.server.route("/badges/1", json=self.badge)

    def assertion(self, path: str = "/assertions/1", **extra: Any) -> dict[str, Any]:
        doc = {
            "@context": CONTEXT,
            "id": self.origin + path,
            "type": "Assertion",
            "recipient": {"type": "email", "hashed": True, "salt": "deadsea", "identity": EMAIL_HASH},
            "badge": self.badge_id,
            "verification": {"type": "HostedBadge"},
            "issuedOn": "2024-01-01T00:00:00Z",
        }
        doc.update(extra)
        return doc

    def host(self, path: str = "/assertions/1", **extra: Any) -> dict[str, Any]:
        doc = self.assertion(path, **extra)
        self.server.route(path, json=doc)
        return doc


@pytest.fixture
def site(https_server: TLSServer) -> Issuer2:
    return Issuer2(https_server)


# --------------------------------------------------------------------------- hosted


def test_hosted_assertion_verifies(site: Issuer2, fetcher: Fetcher) -> None:
    baked = site.host()
    outcome = verify_ob2(credential(baked), options(fetcher))
    assert summary(outcome) == (PASS, PASS, PASS), outcome
    assert outcome.document == baked
    assert outcome.badge == site.badge and outcome.profile == site.profile
    assert "Example University" in outcome.issuer.message


def test_hosted_assertion_through_the_format_parser(site: Issuer2, fetcher: Fetcher) -> None:
    baked = site.host()
    [parsed] = parse(json.dumps(baked).encode(), "badge.json")
    assert summary(verify_ob2(parsed, options(fetcher))) == (PASS, PASS, PASS)


def test_url_only_import_uses_the_fetched_copy(site: Issuer2, fetcher: Fetcher) -> None:
    hosted = site.host()
    link = Credential(
        id=hosted["id"],
        format=FORMAT_OB2_HOSTED,
        spec_version="2.0",
        name=None,
        issuer=Issuer(id=None),
        achievement=Achievement(id=None, name=None),
        payload=hosted["id"],
        hosted_url=hosted["id"],
    )
    outcome = verify_ob2(link, options(fetcher))
    assert summary(outcome) == (PASS, PASS, PASS)
    assert outcome.document == hosted


def test_embedded_badge_and_profile(site: Issuer2, fetcher: Fetcher) -> None:
    baked = site.host(badge={**site.badge, "issuer": site.profile})
    outcome = verify_ob2(credential(baked), options(fetcher))
    assert summary(outcome) == (PASS, PASS, PASS)
    assert site.server.hits("/badges/1") == site.server.hits("/issuers/1") == 0


def test_hosted_410_is_revoked(site: Issuer2, fetcher: Fetcher) -> None:
    baked = site.assertion()
    site.server.gone("/assertions/1")
    outcome = verify_ob2(credential(baked), options(fetcher))
    assert summary(outcome) == (SKIPPED, SKIPPED, FAIL)
    assert outcome.status.verdict == REVOKED
    assert "410" in outcome.status.message


def test_hosted_revoked_true_is_revoked(site: Issuer2, fetcher: Fetcher) -> None:
    baked = site.assertion()
    site.server.route(
        "/assertions/1", json={"id": baked["id"], "revoked": True, "revocationReason": "Awarded in error"}
    )
    outcome = verify_ob2(credential(baked), options(fetcher))
    assert summary(outcome) == (SKIPPED, SKIPPED, FAIL)
    assert outcome.status.verdict == REVOKED
    assert "Awarded in error" in outcome.status.message


def test_hosted_revoked_false_is_not_revoked(site: Issuer2, fetcher: Fetcher) -> None:
    baked = site.host(revoked=False)
    assert summary(verify_ob2(credential(baked), options(fetcher))) == (PASS, PASS, PASS)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"issuedOn": "2023-01-01T00:00:00Z"}, "$.issuedOn"),
        ({"recipient": {"type": "email", "hashed": False, "identity": "mallory@example.org"}}, "$.recipient"),
        ({"evidence": "https://example.org/fake"}, "$.evidence"),
        ({"revoked": 0}, "$.revoked"),
    ],
)
def test_baked_copy_that_differs_is_tampered(
    site: Issuer2, fetcher: Fetcher, change: dict[str, Any], where: str
) -> None:
    hosted = site.host(revoked=False) if "revoked" in change else site.host()
    baked = {**hosted, **change}
    outcome = verify_ob2(credential(baked), options(fetcher))
    assert (outcome.proof.status, outcome.proof.verdict) == (FAIL, TAMPERED)
    assert where in outcome.proof.message
    assert outcome.document == hosted


def test_hosted_copy_with_another_id_is_refused(site: Issuer2, fetcher: Fetcher) -> None:
    other = site.assertion("/assertions/2")
    site.server.route("/assertions/1", json=other)
    link = credential(site.assertion())
    link = Credential(**{**{f: getattr(link, f) for f in link.__dataclass_fields__}, "document": {}})
    outcome = verify_ob2(link, options(fetcher))
    assert (outcome.proof.status, outcome.proof.verdict) == (FAIL, INVALID_SIGNATURE)


@pytest.mark.parametrize("status", [404, 500])
def test_hosted_fetch_error_is_unresolvable(site: Issuer2, fetcher: Fetcher, status: int) -> None:
    baked = site.assertion()
    site.server.route("/assertions/1", "nope", status=status)
    outcome = verify_ob2(credential(baked), options(fetcher))
    assert summary(outcome) == (FAIL, SKIPPED, SKIPPED)
    assert outcome.issuer.verdict == UNRESOLVABLE_ISSUER


def test_hosted_refused_is_unresolvable(fetcher: Fetcher) -> None:
    baked = {"id": "https://127.0.0.1:1/assertions/1", "type": "Assertion", "badge": "https://127.0.0.1:1/b"}
    assert verdicts(verify_ob2(credential(baked), options(fetcher)))[0] == UNRESOLVABLE_ISSUER


def test_hosted_stall_gives_up_quickly(site: Issuer2, fetcher: Fetcher) -> None:
    baked = site.assertion()
    site.server.stall("/assertions/1", seconds=30)
    started = time.monotonic()
    outcome = verify_ob2(credential(baked), options(fetcher))
    assert time.monotonic() - started < 2.0
    assert outcome.issuer.verdict == UNRESOLVABLE_ISSUER


def test_hosted_offline_is_unknown_without_requests(site: Issuer2) -> None:
    baked = site.host()
    outcome = verify_ob2(credential(baked), options(Fetcher(offline=True)))
    assert summary(outcome) == (UNKNOWN, UNKNOWN, UNKNOWN)
    assert site.server.hits("/assertions/1") == 0


def test_missing_badgeclass_is_unresolvable(site: Issuer2, fetcher: Fetcher) -> None:
    baked = site.host()
    site.server.not_found("/badges/1")
    assert verdicts(verify_ob2(credential(baked), options(fetcher)))[0] == UNRESOLVABLE_ISSUER


def test_profile_that_names_itself_differently_is_unresolvable(site: Issuer2, fetcher: Fetcher) -> None:
    baked = site.host()
    site.profile["id"] = "https://elsewhere.example/issuer"
    site.publish()
    outcome = verify_ob2(credential(baked), options(fetcher))
    assert outcome.issuer.verdict == UNRESOLVABLE_ISSUER
    assert "identifies itself" in outcome.issuer.message


def test_old_http_iris_are_fetched_over_https(https_server: TLSServer, fetcher: Fetcher) -> None:
    site = Issuer2(https_server, origin=f"http://{https_server.host}")
    baked = site.host()
    assert baked["id"].startswith("http://")
    outcome = verify_ob2(credential(baked), options(fetcher))
    assert summary(outcome) == (PASS, PASS, PASS), outcome


# --------------------------------------------------------------------------- verification scope


def test_assertion_on_another_host_is_out_of_scope(site: Issuer2, fetcher: Fetcher) -> None:
    """The same server reached as 127.0.0.1 is another origin than the issuer's localhost."""
    impostor_url = f"https://127.0.0.1:{site.server.port}/assertions/1"
    baked = site.assertion(id=impostor_url)
    site.server.route("/assertions/1", json=baked)
    outcome = verify_ob2(credential(baked), options(fetcher))
    assert summary(outcome) == (FAIL, SKIPPED, SKIPPED)
    assert outcome.issuer.verdict == INVALID_SIGNATURE


def test_allowed_origins_widen_the_scope(site: Issuer2, fetcher: Fetcher) -> None:
    other = f"127.0.0.1:{site.server.port}"
    site.profile["verification"] = {"type": "VerificationObject", "allowedOrigins": [other, site.server.host]}
    site.publish()
    baked = site.assertion(id=f"https://{other}/assertions/1")
    site.server.route("/assertions/1", json=baked)
    assert summary(verify_ob2(credential(baked), options(fetcher))) == (PASS, PASS, PASS)


def test_starts_with_narrows_the_scope(site: Issuer2, fetcher: Fetcher) -> None:
    site.profile["verification"] = {"startsWith": site.origin + "/badges-issued/"}
    site.publish()
    baked = site.host()
    outcome = verify_ob2(credential(baked), options(fetcher))
    assert (outcome.issuer.status, outcome.issuer.verdict) == (FAIL, INVALID_SIGNATURE)
    assert "startsWith" in outcome.issuer.message


def test_verification_scope_rules() -> None:
    profile: dict[str, Any] = {"id": "https://example.edu/issuer"}
    assert verification_scope("https://example.edu/a/1", profile)[0]
    assert verification_scope("https://EXAMPLE.edu:443/a/1", profile)[0]
    assert not verification_scope("https://example.edu.evil.com/a/1", profile)[0]
    assert not verification_scope("https://badges.example.edu/a/1", profile)[0]
    policy: dict[str, Any] = {"startsWith": ["https://badges.example.org/edu/"]}
    scoped = {**profile, "verification": policy}
    assert not verification_scope("https://badges.example.org/edu/1", scoped)[0]  # origin still the issuer's
    policy["allowedOrigins"] = "badges.example.org"
    assert verification_scope("https://badges.example.org/edu/1", scoped)[0]
    assert not verification_scope("https://badges.example.org/other/1", scoped)[0]


def test_json_difference_is_strict() -> None:
    assert json_difference({"a": [1, {"b": True}]}, {"a": [1, {"b": True}]}) is None
    assert json_difference({"a": 1}, {"a": 1.0}) is None
    assert json_difference({"a": True}, {"a": 1}) == "$.a"
    assert json_difference({"a": None}, {"a": False}) == "$.a"
    assert json_difference({"a": "1"}, {"a": 1}) == "$.a"
    assert json_difference({"a": [1, 2]}, {"a": [2, 1]}) == "$.a[0]"
    assert json_difference({"a": 1}, {"a": 1, "b": 2}) == "$.b"


# --------------------------------------------------------------------------- signed


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def sign_rs256(payload: dict[str, Any], key: rsa.RSAPrivateKey, header: dict[str, Any] | None = None) -> str:
    signing_input = f"{b64(json.dumps(header or {'alg': 'RS256'}).encode())}.{b64(json.dumps(payload).encode())}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64(signature)}"


class SignedSite(Issuer2):
    """An issuer with a CryptographicKey and (optionally) a revocation list."""

    def __init__(self, server: TLSServer) -> None:
        super().__init__(server)
        self.key_id = self.origin + "/keys/1"
        self.profile["publicKey"] = self.key_id
        self.key_doc = {
            "@context": CONTEXT,
            "id": self.key_id,
            "type": "CryptographicKey",
            "owner": self.profile_id,
            "publicKeyPem": pem(rsa_key("issuer")),
        }
        self.publish()

    def publish(self) -> None:
        super().publish()
        if hasattr(self, "key_doc"):
            self.server.route("/keys/1", json=self.key_doc)

    def signed(self, key: rsa.RSAPrivateKey | None = None, **extra: Any) -> tuple[Credential, dict[str, Any]]:
        doc = self.assertion(
            id="urn:uuid:2f4a5a1e-0000-4000-8000-000000000001",
            verification={"type": "SignedBadge", "creator": self.key_id},
        )
        doc.update(extra)
        token = sign_rs256(doc, key or rsa_key("issuer"))
        return credential(doc, fmt=FORMAT_OB2_SIGNED, payload=token), doc

    def revocation_list(self, revoked: list[Any]) -> None:
        self.profile["revocationList"] = self.origin + "/revocations"
        self.server.route(
            "/revocations",
            json={
                "@context": CONTEXT,
                "id": self.origin + "/revocations",
                "type": "RevocationList",
                "revokedAssertions": revoked,
            },
        )
        self.publish()


@pytest.fixture
def signed_site(https_server: TLSServer) -> SignedSite:
    return SignedSite(https_server)


def test_signed_assertion_verifies(signed_site: SignedSite, fetcher: Fetcher) -> None:
    cred, doc = signed_site.signed()
    outcome = verify_ob2(cred, options(fetcher))
    assert summary(outcome) == (PASS, PASS, PASS), outcome
    assert outcome.document == doc
    assert "no revocation list" in outcome.status.message


def test_signed_assertion_through_the_format_parser(signed_site: SignedSite, fetcher: Fetcher) -> None:
    cred, _ = signed_site.signed()
    [parsed] = parse(cred.payload.encode(), "badge.jws")
    assert parsed.format == FORMAT_OB2_SIGNED
    assert summary(verify_ob2(parsed, options(fetcher))) == (PASS, PASS, PASS)


@pytest.mark.parametrize(
    "entry",
    [
        "urn:uuid:2f4a5a1e-0000-4000-8000-000000000001",
        {"id": "urn:uuid:2f4a5a1e-0000-4000-8000-000000000001", "revocationReason": "Cheated"},
        {"uid": "legacy-77", "revocationReason": "Cheated"},
    ],
)
def test_signed_revocation_list(signed_site: SignedSite, fetcher: Fetcher, entry: Any) -> None:
    signed_site.revocation_list(["urn:uuid:someone-else", {"id": "urn:uuid:another"}, entry])
    cred, _ = signed_site.signed(uid="legacy-77")
    outcome = verify_ob2(cred, options(fetcher))
    assert summary(outcome) == (PASS, PASS, FAIL)
    assert outcome.status.verdict == REVOKED
    if isinstance(entry, dict):
        assert "Cheated" in outcome.status.message


def test_signed_not_on_revocation_list(signed_site: SignedSite, fetcher: Fetcher) -> None:
    signed_site.revocation_list(["urn:uuid:someone-else", {"id": "urn:uuid:another", "revocationReason": "x"}])
    cred, _ = signed_site.signed()
    assert summary(verify_ob2(cred, options(fetcher))) == (PASS, PASS, PASS)


def test_unreachable_revocation_list_is_unknown(signed_site: SignedSite, fetcher: Fetcher) -> None:
    signed_site.revocation_list([])
    signed_site.server.stall("/revocations", seconds=30)
    cred, _ = signed_site.signed()
    started = time.monotonic()
    outcome = verify_ob2(cred, options(fetcher))
    assert time.monotonic() - started < 2.0
    assert summary(outcome) == (PASS, PASS, UNKNOWN)


def _forged(header: dict[str, Any], doc: dict[str, Any], signature: bytes) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(doc).encode())}.{b64(signature)}"


def test_signed_alg_none_and_hs256_are_refused(signed_site: SignedSite, fetcher: Fetcher) -> None:
    _, doc = signed_site.signed()
    none = _forged({"alg": "none"}, doc, b"")
    secret = pem(rsa_key("issuer")).encode()
    signing_input = f"{b64(json.dumps({'alg': 'HS256'}).encode())}.{b64(json.dumps(doc).encode())}"
    hs = f"{signing_input}.{b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"
    for token in (none, hs):
        outcome = verify_ob2(credential(doc, fmt=FORMAT_OB2_SIGNED, payload=token), options(fetcher))
        assert (outcome.proof.status, outcome.proof.verdict) == (FAIL, INVALID_SIGNATURE)
        assert outcome.issuer.status == SKIPPED


def test_signed_es256_is_refused(signed_site: SignedSite, fetcher: Fetcher) -> None:
    _, doc = signed_site.signed()
    key = ec.generate_private_key(ec.SECP256R1())
    token = _forged({"alg": "ES256"}, doc, key.sign(b"x", ec.ECDSA(hashes.SHA256())))
    outcome = verify_ob2(credential(doc, fmt=FORMAT_OB2_SIGNED, payload=token), options(fetcher))
    assert outcome.proof.verdict == INVALID_SIGNATURE


def test_signed_with_another_key_fails(signed_site: SignedSite, fetcher: Fetcher) -> None:
    cred, _ = signed_site.signed(key=rsa_key("mallory"))
    outcome = verify_ob2(cred, options(fetcher))
    assert (outcome.issuer.status, outcome.proof.status, outcome.proof.verdict) == (PASS, FAIL, INVALID_SIGNATURE)


def test_signed_payload_edited_fails(signed_site: SignedSite, fetcher: Fetcher) -> None:
    cred, doc = signed_site.signed()
    head, _, signature = cred.payload.split(".")
    edited = {**doc, "issuedOn": "2020-01-01T00:00:00Z"}
    token = f"{head}.{b64(json.dumps(edited).encode())}.{signature}"
    outcome = verify_ob2(credential(edited, fmt=FORMAT_OB2_SIGNED, payload=token), options(fetcher))
    assert outcome.proof.verdict == INVALID_SIGNATURE


def test_creator_not_listed_on_profile_is_an_impostor(signed_site: SignedSite, fetcher: Fetcher) -> None:
    rogue = signed_site.origin + "/keys/rogue"
    signed_site.server.route(
        "/keys/rogue", json={**signed_site.key_doc, "id": rogue, "publicKeyPem": pem(rsa_key("mallory"))}
    )
    cred, _ = signed_site.signed(key=rsa_key("mallory"), verification={"type": "SignedBadge", "creator": rogue})
    outcome = verify_ob2(cred, options(fetcher))
    assert summary(outcome) == (FAIL, SKIPPED, SKIPPED)
    assert outcome.issuer.verdict == INVALID_SIGNATURE
    assert signed_site.server.hits("/keys/rogue") == 0


def test_key_owned_by_someone_else_is_an_impostor(signed_site: SignedSite, fetcher: Fetcher) -> None:
    signed_site.key_doc["owner"] = "https://mallory.example/issuer"
    signed_site.publish()
    cred, _ = signed_site.signed()
    outcome = verify_ob2(cred, options(fetcher))
    assert (outcome.issuer.status, outcome.issuer.verdict) == (FAIL, INVALID_SIGNATURE)


def test_without_creator_any_listed_key_may_verify(signed_site: SignedSite, fetcher: Fetcher) -> None:
    second = signed_site.origin + "/keys/2"
    signed_site.server.route(
        "/keys/2", json={**signed_site.key_doc, "id": second, "publicKeyPem": pem(rsa_key("second"))}
    )
    signed_site.profile["publicKey"] = [signed_site.key_id, second]
    signed_site.publish()
    cred, _ = signed_site.signed(key=rsa_key("second"), verification={"type": "SignedBadge"})
    outcome = verify_ob2(cred, options(fetcher))
    assert summary(outcome) == (PASS, PASS, PASS)
    assert "/keys/2" in outcome.proof.message


def test_profile_without_keys_is_unresolvable(signed_site: SignedSite, fetcher: Fetcher) -> None:
    del signed_site.profile["publicKey"]
    signed_site.publish()
    cred, _ = signed_site.signed(verification={"type": "SignedBadge"})
    assert verify_ob2(cred, options(fetcher)).issuer.verdict == UNRESOLVABLE_ISSUER


def test_signed_key_unreachable_is_unresolvable(signed_site: SignedSite, fetcher: Fetcher) -> None:
    signed_site.server.not_found("/keys/1")
    cred, _ = signed_site.signed()
    assert verify_ob2(cred, options(fetcher)).issuer.verdict == UNRESOLVABLE_ISSUER


def test_signed_offline_is_unknown(signed_site: SignedSite) -> None:
    cred, _ = signed_site.signed()
    assert summary(verify_ob2(cred, options(Fetcher(offline=True)))) == (UNKNOWN, UNKNOWN, UNKNOWN)


# --------------------------------------------------------------------------- recipient


@pytest.mark.parametrize(
    ("identity", "hashed", "salt", "known", "expected"),
    [
        (EMAIL_HASH, True, "deadsea", "alice@example.org", True),
        (EMAIL_HASH.upper().replace("SHA256", "sha256"), True, "deadsea", "alice@example.org", True),
        ("SHA256$" + EMAIL_HASH.split("$")[1], True, "deadsea", "alice@example.org", True),
        (EMAIL_HASH, True, "deadsea", "Alice@Example.org", True),
        (EMAIL_HASH, True, "deadsea", "bob@example.org", False),
        (EMAIL_HASH, True, None, "alice@example.org", False),
        ("sha256$" + hashlib.sha256(b"alice@example.org").hexdigest(), True, None, "alice@example.org", True),
        ("sha256$" + hashlib.sha256(b"alice@example.org").hexdigest(), True, "", "alice@example.org", True),
        ("md5$" + hashlib.md5(b"alice@example.orgpepper").hexdigest(), True, "pepper", "alice@example.org", True),
        ("sha1$" + hashlib.sha1(b"alice@example.org").hexdigest(), True, None, "alice@example.org", False),
        ("sha256$" + hashlib.sha256("zoë@example.org".encode()).hexdigest(), True, None, "zoë@example.org", True),
        ("not-a-hash", True, None, "alice@example.org", False),
        ("alice@example.org", False, None, "ALICE@example.org", True),
        ("https://alice.example/me", False, None, "https://alice.example/me", True),
        ("https://alice.example/Me", False, None, "https://alice.example/me", False),
    ],
)
def test_identity_matches(identity: str, hashed: bool, salt: str | None, known: str, expected: bool) -> None:
    assert identity_matches(identity, hashed, salt, known) is expected
