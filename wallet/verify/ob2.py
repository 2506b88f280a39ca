"""Open Badges 2.0 verification: hosted and signed assertions (SPECS §2).

``verify_ob2(credential, options) -> Ob2Outcome(issuer, proof, status, document, badge, profile)``
where ``document`` is the assertion actually verified: the copy fetched from
the issuer (hosted) or the signed payload (signed).

**Hosted.** The file is trusted only for the address.  The assertion is
fetched from its ``id`` (or ``verify.url``) and the fetched copy is what
counts:

* HTTP 410, or ``"revoked": true`` in the body → status FAIL ``revoked``
  (a revoked body may hold only ``id``/``revoked``/``revocationReason``, so it
  is not compared with the file).
* Fetched copy ≠ the copy baked into the file → proof FAIL ``tampered``.
  Compared as parsed JSON, ignoring nothing (``true`` ≠ ``1``; ``1`` = ``1.0``).
* The BadgeClass and issuer Profile are fetched when they are IRIs, and the
  assertion id must be in the Profile's verification scope: by default the
  same host as the Profile id; with a ``verification`` policy, its
  ``startsWith`` prefixes and ``allowedOrigins`` hosts (as the reference
  validator, ``hosted_id_in_verification_scope``).  Out of scope → issuer FAIL
  ``invalid_signature``: anyone can host a copy claiming a famous issuer.

**Signed.** The compact JWS must be RS256 (``none``/``HS*`` would let an
attacker sign with a public key).  The key must be listed in the Profile's
``publicKey`` (``verification.creator``, when given, must be one of them), its
``owner`` must point back to the Profile, and the ``publicKeyPem`` must verify
the token.  The Profile's ``revocationList`` is then fetched and its
``revokedAssertions`` (bare id strings, or ``{id|uid, revocationReason}``)
decide the status.

**Failures.** Offline → UNKNOWN (never pass).  404, refused, timeout, not
JSON → issuer FAIL ``unresolvable_issuer``.  An unreachable revocation list
→ status UNKNOWN.  ``http://`` IRIs (common in old badges) are fetched as
``https://`` on the same host: the wallet never downgrades, and an issuer that
serves only http cannot be checked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from wallet.errors import NetworkError, OfflineError
from wallet.model import FORMAT_OB2_SIGNED, Credential
from wallet.net import Fetcher, host_of
from wallet.verify.options import VerifyOptions
from wallet.verify.proofs.jose import JwsError, JwsMalformed, parse_compact, verify_jws_rs256
from wallet.verify.report import (
    FAIL,
    INVALID_SIGNATURE,
    ISSUER,
    MALFORMED,
    PASS,
    PROOF,
    REVOKED,
    SKIPPED,
    STATUS,
    TAMPERED,
    UNKNOWN,
    UNRESOLVABLE_ISSUER,
    Check,
)

_ACCEPT = "application/ld+json, application/json"
_GONE = 410


@dataclass(frozen=True)
class Ob2Outcome:
    """The issuer, proof and status checks of one OB 2.0 assertion, and what was verified."""

    issuer: Check
    proof: Check
    status: Check
    document: dict[str, Any] | None = field(default=None, repr=False)  # the assertion actually verified
    badge: dict[str, Any] | None = field(default=None, repr=False)  # BadgeClass, fetched or embedded
    profile: dict[str, Any] | None = field(default=None, repr=False)  # issuer Profile, fetched or embedded


def verify_ob2(credential: Credential, options: VerifyOptions) -> Ob2Outcome:
    """Verify a hosted or signed OB 2.0 assertion (see module docstring)."""
    if credential.format == FORMAT_OB2_SIGNED or credential.jwt_header is not None:
        return _verify_signed(credential, options.fetcher)
    return _verify_hosted(credential, options.fetcher)


# --------------------------------------------------------------------------- fetching


class _Unavailable(Exception):
    """A linked document could not be had; ``offline`` when the wallet did not try."""

    def __init__(self, message: str, *, offline: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offline = offline
        self.status = status


def _https(url: str) -> str:
    """Old badges name http IRIs; fetch them over https on the same host (never downgrade)."""
    return "https://" + url[len("http://") :] if url.lower().startswith("http://") else url


def _get_json(fetcher: Fetcher, url: str, what: str) -> dict[str, Any]:
    try:
        data = fetcher.get_json(_https(url), accept=_ACCEPT)
    except OfflineError:
        raise _Unavailable(f"The {what} at {host_of(url)} was not fetched (offline).", offline=True) from None
    except NetworkError as exc:
        raise _Unavailable(f"The {what} could not be fetched: {exc}", status=exc.status) from None
    if not isinstance(data, dict):
        raise _Unavailable(f"The {what} at {url} is not a JSON object.")
    return data


def _linked(fetcher: Fetcher, value: Any, what: str) -> dict[str, Any]:
    """An embedded object, or the object fetched from an IRI (whose ``id`` must be that IRI)."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or not value:
        raise _Unavailable(f"The assertion names no {what}.")
    document = _get_json(fetcher, value, what)
    if document.get("id") not in (value, _https(value)):
        raise _Unavailable(f"The {what} at {value} identifies itself as {str(document.get('id'))[:80]!r}.")
    return document


def _unavailable(problem: _Unavailable, **known: Any) -> Ob2Outcome:
    if problem.offline:
        return Ob2Outcome(
            Check(ISSUER, UNKNOWN, problem.message),
            Check(PROOF, UNKNOWN, "Not checked: the issuer's documents could not be fetched offline."),
            Check(STATUS, UNKNOWN, "Revocation was not checked (offline)."),
            **known,
        )
    return Ob2Outcome(
        Check(ISSUER, FAIL, problem.message, UNRESOLVABLE_ISSUER),
        Check(PROOF, SKIPPED, "Not checked: the issuer's documents could not be fetched."),
        Check(STATUS, SKIPPED, "Not checked: the issuer's documents could not be fetched."),
        **known,
    )


def _badge_and_profile(fetcher: Fetcher, assertion: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    badge = _linked(fetcher, assertion.get("badge"), "BadgeClass")
    profile = _linked(fetcher, badge.get("issuer"), "issuer Profile")
    if not isinstance(profile.get("id"), str) or not profile["id"]:
        raise _Unavailable("The issuer Profile has no id.")
    return badge, profile


# --------------------------------------------------------------------------- hosted


def _verify_hosted(credential: Credential, fetcher: Fetcher) -> Ob2Outcome:
    url = credential.hosted_url or _hosted_url(credential.document)
    if not url:
        return _unavailable(_Unavailable("The assertion names no address to fetch it from."))
    baked = credential.document or None  # empty when only the URL was imported
    try:
        fetched = _get_json(fetcher, url, "hosted assertion")
    except _Unavailable as problem:
        if problem.status == _GONE:
            skipped = "Not checked: the issuer no longer hosts this badge."
            return Ob2Outcome(
                Check(ISSUER, SKIPPED, skipped),
                Check(PROOF, SKIPPED, skipped),
                Check(STATUS, FAIL, "The issuer reports this badge as revoked (HTTP 410 Gone).", REVOKED),
            )
        return _unavailable(problem)

    if fetched.get("revoked") is True:
        reason = fetched.get("revocationReason")
        because = f" Reason: {reason}" if isinstance(reason, str) and reason else ""
        skipped = "Not checked: the issuer has revoked this badge."
        return Ob2Outcome(
            Check(ISSUER, SKIPPED, skipped),
            Check(PROOF, SKIPPED, skipped),
            Check(STATUS, FAIL, f"The issuer has revoked this badge.{because}", REVOKED),
            document=fetched,
        )

    assertion_id = fetched.get("id")
    if assertion_id is not None and assertion_id != url:
        return _hosted_proof_failure(
            f"The assertion fetched from {url} says its address is {str(assertion_id)[:120]!r}.",
            INVALID_SIGNATURE,
            fetched,
        )
    if baked is not None:
        difference = json_difference(baked, fetched)
        if difference is not None:
            return _hosted_proof_failure(
                f"The issuer's copy of this badge differs from the one in your file (at {difference}).",
                TAMPERED,
                fetched,
            )

    try:
        badge, profile = _badge_and_profile(fetcher, fetched)
    except _Unavailable as problem:
        return _unavailable(problem, document=fetched)
    known = {"document": fetched, "badge": badge, "profile": profile}
    in_scope, why = verification_scope(assertion_id if isinstance(assertion_id, str) else url, profile)
    if not in_scope:
        return Ob2Outcome(
            Check(ISSUER, FAIL, why, INVALID_SIGNATURE),
            Check(PROOF, SKIPPED, "Not checked: the assertion is not hosted by its issuer."),
            Check(STATUS, SKIPPED, "Not checked: the assertion is not hosted by its issuer."),
            **known,
        )
    proof = "The issuer's hosted copy matches this badge." if baked else f"Fetched from the issuer at {url}."
    return Ob2Outcome(
        Check(ISSUER, PASS, f"Issued by {_issuer_label(profile)}; {why}"),
        Check(PROOF, PASS, proof),
        Check(STATUS, PASS, "The issuer's hosted copy is not marked revoked."),
        **known,
    )


def _hosted_proof_failure(message: str, verdict: str, fetched: dict[str, Any]) -> Ob2Outcome:
    return Ob2Outcome(
        Check(ISSUER, SKIPPED, "Not checked: the hosted copy does not match."),
        Check(PROOF, FAIL, message, verdict),
        Check(STATUS, SKIPPED, "Not checked: the hosted copy does not match."),
        document=fetched,
    )


def _hosted_url(document: dict[str, Any]) -> str | None:
    verification = document.get("verification", document.get("verify"))
    if isinstance(verification, dict) and isinstance(verification.get("url"), str):
        return str(verification["url"])
    ident = document.get("id")
    return ident if isinstance(ident, str) and ident.lower().startswith(("https://", "http://")) else None


def verification_scope(assertion_id: str, profile: dict[str, Any]) -> tuple[bool, str]:
    """Is ``assertion_id`` within the Profile's hosted verification policy?  (ok, reason)."""
    issuer_id = str(profile.get("id"))
    policy = profile.get("verification")
    policy = policy if isinstance(policy, dict) else {}
    starts = [s for s in _list(policy.get("startsWith")) if isinstance(s, str)]
    if starts and not any(assertion_id.startswith(prefix) for prefix in starts):
        return False, f"The assertion {assertion_id[:120]} is outside the issuer's verification policy (startsWith)."
    if "allowedOrigins" in policy:
        allowed = {
            _authority(o) if "//" in o else o.lower() for o in _list(policy["allowedOrigins"]) if isinstance(o, str)
        }
    elif issuer_id.lower().startswith(("https://", "http://")):
        allowed = {_authority(issuer_id)}
    else:
        return True, "the issuer id is not a web address, so there is no host to compare."
    host = _authority(assertion_id)
    if host not in allowed:
        return False, (
            f"The assertion is hosted on {host or '(no host)'}, not by the issuer ({', '.join(sorted(allowed))}): "
            "it may be a copy made by someone else."
        )
    return True, f"the assertion is hosted on the issuer's site ({host})."


def _authority(url: str) -> str:
    try:
        parts = urlsplit(url)
        netloc = parts.netloc.lower()
        default = {"https": ":443", "http": ":80"}.get(parts.scheme.lower())
    except ValueError:
        return ""
    return netloc[: -len(default)] if default and netloc.endswith(default) else netloc


def json_difference(a: Any, b: Any, path: str = "$") -> str | None:
    """Where two parsed JSON values first differ (JSONPath-ish), or None when equal; ``true`` ≠ ``1``."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}"
            found = json_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path} (length)"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = json_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return None if a is b else path
    if isinstance(a, int | float) and isinstance(b, int | float):
        return None if a == b else path
    return None if type(a) is type(b) and a == b else path


# --------------------------------------------------------------------------- signed


def _verify_signed(credential: Credential, fetcher: Fetcher) -> Ob2Outcome:
    try:
        jws = parse_compact(credential.payload)
        assertion = jws.payload_json()
    except JwsMalformed as exc:
        return _signed_failure(str(exc), MALFORMED)
    if jws.header.get("alg") != "RS256":
        return _signed_failure(
            f"Signed Open Badges 2.0 must use RS256; this one uses {jws.header.get('alg')!r}.", INVALID_SIGNATURE
        )
    try:
        badge, profile = _badge_and_profile(fetcher, assertion)
    except _Unavailable as problem:
        return _unavailable(problem, document=assertion)
    known = {"document": assertion, "badge": badge, "profile": profile}

    try:
        keys = _profile_keys(fetcher, assertion, profile)
    except _Unavailable as problem:
        return _unavailable(problem, **known)
    except _NotTheIssuers as problem:
        skipped = "Not checked: the signing key is not the issuer's."
        return Ob2Outcome(
            Check(ISSUER, FAIL, str(problem), INVALID_SIGNATURE),
            Check(PROOF, SKIPPED, skipped),
            Check(STATUS, SKIPPED, skipped),
            **known,
        )
    issuer = Check(ISSUER, PASS, f"Issued by {_issuer_label(profile)}, whose profile lists the signing key.")
    for key_id, public_key in keys:
        try:
            verify_jws_rs256(credential.payload, public_key)
        except JwsError:
            continue
        proof = Check(PROOF, PASS, f"The RS256 signature is valid (key {key_id}).")
        return Ob2Outcome(issuer, proof, _revocation_status(fetcher, assertion, profile), **known)
    failed = "The signature does not verify with the issuer's key."
    return Ob2Outcome(
        issuer,
        Check(PROOF, FAIL, failed, INVALID_SIGNATURE),
        Check(STATUS, SKIPPED, "Not checked: the signature does not verify."),
        **known,
    )


def _signed_failure(message: str, verdict: str) -> Ob2Outcome:
    skipped = "Not checked: the signed badge itself is not acceptable."
    return Ob2Outcome(
        Check(ISSUER, SKIPPED, skipped), Check(PROOF, FAIL, message, verdict), Check(STATUS, SKIPPED, skipped)
    )


class _NotTheIssuers(Exception):
    """A key exists but the Profile does not vouch for it (or it does not vouch for the Profile)."""


def _profile_keys(fetcher: Fetcher, assertion: dict[str, Any], profile: dict[str, Any]) -> list[tuple[str, Any]]:
    """The RSA keys that may have signed: listed on the Profile, owned by it, named by ``creator`` if given."""
    listed = _list(profile.get("publicKey"))
    listed_ids = [k if isinstance(k, str) else k.get("id") for k in listed if isinstance(k, str | dict)]
    verification = assertion.get("verification", assertion.get("verify"))
    creator = verification.get("creator") if isinstance(verification, dict) else None
    creator_id = creator.get("id") if isinstance(creator, dict) else creator
    if creator_id is not None:
        if creator_id not in listed_ids:
            raise _NotTheIssuers(f"The signing key {str(creator_id)[:120]} is not listed in the issuer's profile.")
        candidates = [k for k in listed if (k if isinstance(k, str) else k.get("id")) == creator_id]
    else:
        candidates = [k for k in listed if isinstance(k, str | dict)]
    if not candidates:
        raise _Unavailable("The issuer's profile lists no public key, so the signature cannot be checked.")
    keys = []
    for candidate in candidates:
        key_doc = _linked(fetcher, candidate, "issuer public key")
        key_id = str(key_doc.get("id") or candidate)
        owner = key_doc.get("owner")
        if owner != profile["id"]:
            raise _NotTheIssuers(f"The key {key_id[:120]} belongs to {str(owner)[:120]!r}, not to the issuer.")
        pem = key_doc.get("publicKeyPem")
        try:
            public_key = load_pem_public_key(pem.encode("ascii")) if isinstance(pem, str) else None
        except ValueError:
            public_key = None
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise _Unavailable(f"The key {key_id[:120]} does not hold a usable RSA public key (publicKeyPem).")
        keys.append((key_id, public_key))
    return keys


def _revocation_status(fetcher: Fetcher, assertion: dict[str, Any], profile: dict[str, Any]) -> Check:
    url = profile.get("revocationList")
    if url is None:
        return Check(STATUS, PASS, "The issuer publishes no revocation list.")
    try:
        document = _linked(fetcher, url, "revocation list")
    except _Unavailable as problem:
        return Check(STATUS, UNKNOWN, f"{problem.message} Revocation could not be checked.")
    revoked = document.get("revokedAssertions")
    if not isinstance(revoked, list):
        return Check(STATUS, UNKNOWN, "The issuer's revocation list has no revokedAssertions; revocation is unknown.")
    ids = {v for v in (assertion.get("id"), assertion.get("uid")) if isinstance(v, str) and v}
    for item in revoked:
        if isinstance(item, str) and item in ids:
            return Check(STATUS, FAIL, "The issuer's revocation list includes this badge.", REVOKED)
        if isinstance(item, dict) and (item.get("id") in ids or item.get("uid") in ids):
            reason = item.get("revocationReason")
            because = f" Reason: {reason}" if isinstance(reason, str) and reason else ""
            return Check(STATUS, FAIL, f"The issuer's revocation list includes this badge.{because}", REVOKED)
    return Check(STATUS, PASS, "Not on the issuer's revocation list.")


# --------------------------------------------------------------------------- recipient


def identity_matches(identity: str, hashed: bool, salt: str | None, known: str) -> bool:
    """Does ``known`` (an earner's e-mail, URL, …) match an OB 2.0 IdentityObject?

    Hashed: ``sha256$hex`` or ``md5$hex`` of ``known + salt`` over UTF-8 (empty salt when none), hex
    compared case-insensitively (reference validator ``identity_hash``).  Because the spec does not
    say whether e-mails are lower-cased before hashing, an e-mail is also tried lower-cased.
    Plain: exact, except e-mail addresses, which compare case-insensitively.
    """
    known = known.strip()
    if not hashed:
        if "@" in known and "@" in identity:
            return identity.strip().lower() == known.lower()
        return identity.strip() == known
    algorithm, sep, digest = identity.strip().partition("$")
    algorithm = algorithm.lower()
    if not sep or algorithm not in ("sha256", "md5") or not digest:
        return False
    candidates = {known, known.lower()} if "@" in known else {known}
    for value in candidates:
        computed = hashlib.new(algorithm, (value + (salt or "")).encode("utf-8")).hexdigest()
        if computed == digest.lower():
            return True
    return False


# --------------------------------------------------------------------------- helpers


def _issuer_label(profile: dict[str, Any]) -> str:
    name = profile.get("name")
    return f"{name} ({profile['id']})" if isinstance(name, str) and name else str(profile["id"])


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
