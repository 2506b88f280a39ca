"""The ``status`` check: is the credential revoked or suspended?

``check_status(credential, options, verify_list) -> Check`` (id ``status``).

Supported entry types (SPECS §6):

* ``BitstringStatusListEntry`` – W3C Bitstring Status List v1.0.
* ``StatusList2021Entry`` – its 2021 predecessor (same bits, base64 without
  multibase prefix).
* ``1EdTechRevocationList`` – GET a JSON list; revoked when the credential's
  id is listed with ``revoked`` true or absent.

Rules, and why:

* **Fail closed.** A list that cannot be fetched (offline, HTTP error,
  timeout), cannot be decoded, is too short, does not carry the entry's
  purpose, or whose own verification does not come out ``valid`` gives
  UNKNOWN – never PASS.  So does an entry type we do not support.  An
  unreachable list is not "not revoked" (DESIGN.md).
* **Every entry counts**, not just the first.  One revoked or suspended entry
  is enough for FAIL (verdict ``revoked``; suspension says "suspended").
* **The list is a credential too.** ``verify_list(document) -> verdict`` is
  how the pipeline verifies it (proofs, issuer, dates); anything but
  ``valid`` means the list cannot be trusted.  A list served as a VC-JWT is
  checked through ``verify_list_jwt(token) -> verdict`` when one is given,
  else UNKNOWN.  1EdTech revocation lists are plain JSON and are not verified.
* **Bits.** ``encodedList`` is multibase ``u`` + base64url (no padding) of
  GZIP; StatusList2021 lists may be plain base64 (``H4sI…``).  Index ``i`` with
  ``statusSize`` ``s`` reads ``s`` bits from position ``i*s``; bit ``p`` is
  ``(bytes[p // 8] >> (7 - p % 8)) & 1`` (left-most bit first).  The list must
  hold at least 131,072 entries (herd privacy; ``STATUS_LIST_LENGTH_ERROR``).
  An index past the end is a FAIL (``malformed``; ``RANGE_ERROR``): the
  issuer signed a pointer to nothing.
* **Decompression is capped** (``MAX_BITSTRING_BYTES``, checked while
  inflating), so a gzip bomb costs at most that much memory.
* **No ``credentialStatus``** → PASS "No revocation information is published
  for this credential": the issuer offers no way to revoke it, so nothing is
  left unchecked (SKIPPED would suggest a check we chose not to run).
* Purposes ``refresh`` and ``message`` say nothing about validity and are
  not fetched.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wallet.errors import NetworkError, OfflineError
from wallet.model import Credential, StatusEntry
from wallet.net import Fetcher, host_of
from wallet.verify.options import VerifyOptions
from wallet.verify.proofs.jose import JwsMalformed, parse_compact
from wallet.verify.report import FAIL, MALFORMED, PASS, REVOKED, STATUS, UNKNOWN, VALID, Check

VerifyList = Callable[[dict[str, Any]], str]
VerifyListJwt = Callable[[str], str]

BITSTRING_ENTRY = "BitstringStatusListEntry"
STATUSLIST2021_ENTRY = "StatusList2021Entry"
ONEEDTECH_LIST = "1EdTechRevocationList"
SUPPORTED_TYPES = (BITSTRING_ENTRY, STATUSLIST2021_ENTRY, ONEEDTECH_LIST)

MIN_ENTRIES = 131_072  # 16 KB of single-bit entries (Bitstring Status List §minimumNumberOfEntries)
MAX_BITSTRING_BYTES = 16 * 1024 * 1024  # inflated; 134 million single-bit entries
MAX_STATUS_SIZE = 64  # bits per entry; far above any published use
REVOCATION, SUSPENSION = "revocation", "suspension"
IGNORED_PURPOSES = frozenset({"refresh", "message"})
NO_STATUS_MESSAGE = "No revocation information is published for this credential."

_LIST_ACCEPT = "application/vc+ld+json, application/vc+jwt, application/ld+json, application/json"
_LIST_KINDS = {  # entry type → (list credential type, list subject type)
    BITSTRING_ENTRY: ("BitstringStatusListCredential", "BitstringStatusList"),
    STATUSLIST2021_ENTRY: ("StatusList2021Credential", "StatusList2021"),
}
_INDEX = re.compile(r"[0-9]{1,15}")
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_B64STD = re.compile(r"[A-Za-z0-9+/]*")


@dataclass(frozen=True, slots=True)
class _Result:
    """What one entry says: ``kind`` is pass, revoked, unknown or malformed."""

    kind: str
    message: str


class _Unknown(Exception):
    """The entry's status cannot be determined; the message says why."""


def check_status(
    credential: Credential,
    options: VerifyOptions,
    verify_list: VerifyList,
    *,
    verify_list_jwt: VerifyListJwt | None = None,
) -> Check:
    """Check every status entry of ``credential``; see the module docstring for the rules."""
    entries = credential.status or _entries_from_document(credential.document)
    if not entries:
        return Check(STATUS, PASS, NO_STATUS_MESSAGE)
    session = _Session(options.fetcher, verify_list, verify_list_jwt)
    results = [_check_entry(entry, credential, session) for entry in entries]
    return _combine(results)


def _combine(results: list[_Result]) -> Check:
    for kind, verdict in (("revoked", REVOKED), ("malformed", MALFORMED)):
        failing = [r.message for r in results if r.kind == kind]
        if failing:
            return Check(STATUS, FAIL, " ".join(failing), verdict)
    unknown = [r.message for r in results if r.kind == "unknown"]
    if unknown:
        return Check(STATUS, UNKNOWN, " ".join(unknown))
    passed = [r.message for r in results if r.kind == "pass"]
    return Check(STATUS, PASS, " ".join(passed) or NO_STATUS_MESSAGE)


class _Session:
    """Per-call memory: each list is fetched (Fetcher cache) and verified once per check."""

    def __init__(self, fetcher: Fetcher, verify_list: VerifyList, verify_list_jwt: VerifyListJwt | None) -> None:
        self.fetcher = fetcher
        self.verify_list = verify_list
        self.verify_list_jwt = verify_list_jwt
        self._trusted: dict[str, dict[str, Any]] = {}

    def fetch_json(self, url: str) -> Any:
        try:
            return self.fetcher.get_json(url, accept=_LIST_ACCEPT)
        except OfflineError:
            raise _Unknown(f"The status list at {host_of(url)} was not fetched (offline).") from None
        except NetworkError as exc:
            raise _Unknown(f"The status list could not be fetched ({exc})") from None

    def trusted_list(self, url: str) -> dict[str, Any]:
        """The list credential at ``url``, verified; raises ``_Unknown`` if it cannot be had or trusted."""
        if url in self._trusted:
            return self._trusted[url]
        try:
            body = self.fetcher.get(url, accept=_LIST_ACCEPT).body
        except OfflineError:
            raise _Unknown(f"The status list at {host_of(url)} was not fetched (offline).") from None
        except NetworkError as exc:
            raise _Unknown(f"The status list could not be fetched ({exc})") from None
        document, verdict = self._verified(url, body)
        if verdict != VALID:
            raise _Unknown(
                f"The status list at {host_of(url)} cannot be trusted: its own verification says {verdict!r}."
            )
        self._trusted[url] = document
        return document

    def _verified(self, url: str, body: bytes) -> tuple[dict[str, Any], str]:
        text = body.decode("utf-8", errors="replace").strip()
        if text.startswith("{"):
            try:
                document = json.loads(text)
            except ValueError:
                raise _Unknown(f"The status list at {host_of(url)} is not valid JSON.") from None
            if not isinstance(document, dict):
                raise _Unknown(f"The status list at {host_of(url)} is not a JSON object.")
            return document, self.verify_list(document)
        try:
            claims = parse_compact(text).payload_json()
        except JwsMalformed:
            raise _Unknown(f"The status list at {host_of(url)} is neither JSON nor a JWT.") from None
        if self.verify_list_jwt is None:
            raise _Unknown(f"The status list at {host_of(url)} is served as a JWT, which this check cannot verify.")
        vc = claims.get("vc")
        return (vc if isinstance(vc, dict) else claims), self.verify_list_jwt(text)


# --------------------------------------------------------------------------- entries


def _check_entry(entry: StatusEntry, credential: Credential, session: _Session) -> _Result:
    try:
        if entry.type in _LIST_KINDS:
            return _check_bitstring(entry, session)
        if entry.type == ONEEDTECH_LIST:
            return _check_1edtech(entry, credential, session)
        raise _Unknown(f"The status type {entry.type or '(none)'!r} is not supported, so revocation was not checked.")
    except _Unknown as exc:
        return _Result("unknown", str(exc))


def _check_bitstring(entry: StatusEntry, session: _Session) -> _Result:
    purpose = entry.purpose
    if purpose in IGNORED_PURPOSES:
        return _Result("pass", f"The {purpose} status entry does not concern validity.")
    if purpose not in (REVOCATION, SUSPENSION):
        raise _Unknown(f"The status purpose {purpose!r} is not one this wallet understands.")
    url = entry.list_url
    if not url:
        raise _Unknown("A status entry names no status list.")
    if entry.index is None or not _INDEX.fullmatch(entry.index):
        raise _Unknown(f"The status list index {entry.index!r} is not a non-negative number.")
    index = int(entry.index)
    size = entry.status_size if entry.type == BITSTRING_ENTRY else 1
    if not 1 <= size <= MAX_STATUS_SIZE:
        raise _Unknown(f"The status size {size} is not supported.")

    document = session.trusted_list(url)
    subject = _list_subject(document, entry.type, url)
    purposes = subject.get("statusPurpose")
    if purpose not in (purposes if isinstance(purposes, list) else [purposes]):
        raise _Unknown(f"The status list at {host_of(url)} is for {purposes!r}, not {purpose!r}.")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise _Unknown(f"The status list at {host_of(url)} has no encodedList.")
    try:
        bits = decode_bitstring(encoded)
    except ValueError as exc:
        raise _Unknown(f"The status list at {host_of(url)} cannot be decoded: {exc}.") from None
    total = len(bits) * 8
    if total // size < MIN_ENTRIES:
        raise _Unknown(
            f"The status list at {host_of(url)} holds {total // size:,} entries, fewer than the "
            f"{MIN_ENTRIES:,} required, so it cannot be relied on."
        )
    if (index + 1) * size > total:
        return _Result(
            "malformed", f"The status list at {host_of(url)} has no entry {index} (it holds {total // size:,})."
        )
    value = read_status(bits, index, size)
    where = f"the status list at {host_of(url)}"
    if value == 0:
        return _Result("pass", f"Not {'revoked' if purpose == REVOCATION else 'suspended'} according to {where}.")
    if purpose == SUSPENSION:
        return _Result("revoked", f"This credential is suspended according to {where}.")
    return _Result("revoked", f"This credential is revoked according to {where}.")


def _list_subject(document: dict[str, Any], entry_type: str, url: str) -> dict[str, Any]:
    list_type, subject_type = _LIST_KINDS[entry_type]
    if list_type not in _types(document):
        raise _Unknown(f"The document at {host_of(url)} is not a {list_type}.")
    subject = document.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, dict) or subject_type not in _types(subject):
        raise _Unknown(f"The status list at {host_of(url)} has no {subject_type} subject.")
    return subject


def _check_1edtech(entry: StatusEntry, credential: Credential, session: _Session) -> _Result:
    url = entry.list_url or entry.id
    if not url:
        raise _Unknown("The revocation list entry names no list.")
    credential_id = credential.id or credential.document.get("id")
    if not credential_id:
        raise _Unknown("The credential has no id, so it cannot be looked up in a revocation list.")
    document = session.fetch_json(url)
    listed = document.get("revokedCredential") if isinstance(document, dict) else None
    if not isinstance(listed, list):
        raise _Unknown(f"The revocation list at {host_of(url)} has no revokedCredential list.")
    for item in listed:
        if isinstance(item, dict) and item.get("id") == credential_id and item.get("revoked", True) is not False:
            reason = item.get("revocationReason")
            because = f" Reason: {reason}" if isinstance(reason, str) and reason else ""
            return _Result("revoked", f"This credential is revoked according to {host_of(url)}.{because}")
    return _Result("pass", f"Not revoked according to the revocation list at {host_of(url)}.")


def _entries_from_document(document: dict[str, Any]) -> tuple[StatusEntry, ...]:
    """Fallback when the parser left ``Credential.status`` empty: an entry it dropped must not pass silently."""
    raw = document.get("credentialStatus")
    items = raw if isinstance(raw, list) else [raw] if raw is not None else []
    entries = []
    for item in items:
        if not isinstance(item, dict):
            entries.append(StatusEntry(type=""))
            continue
        types = _types(item)
        size = item.get("statusSize", 1)
        list_ref = item.get("statusListCredential")
        index = item.get("statusListIndex")
        entries.append(
            StatusEntry(
                type=next((t for t in types if t in SUPPORTED_TYPES), types[0] if types else ""),
                id=item.get("id") if isinstance(item.get("id"), str) else None,
                purpose=item.get("statusPurpose") if isinstance(item.get("statusPurpose"), str) else None,
                index=str(index) if isinstance(index, str | int) and not isinstance(index, bool) else None,
                list_url=list_ref if isinstance(list_ref, str) else None,
                status_size=size if isinstance(size, int) and not isinstance(size, bool) else 0,
            )
        )
    return tuple(entries)


def _types(obj: dict[str, Any]) -> list[str]:
    value = obj.get("type")
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str)]


# --------------------------------------------------------------------------- bits


def decode_bitstring(encoded: str, max_bytes: int = MAX_BITSTRING_BYTES) -> bytes:
    """``encodedList`` → the raw bitstring: multibase ``u`` base64url, or plain base64(url), then GZIP."""
    text = encoded.strip()
    if text.startswith("u"):
        body = text[1:]
        if not _B64URL.fullmatch(body):
            raise ValueError("not multibase base64url")
        compressed = _b64decode(body, altchars=b"-_")
    else:
        body = text.rstrip("=")
        if _B64URL.fullmatch(body):
            compressed = _b64decode(body, altchars=b"-_")
        elif _B64STD.fullmatch(body):
            compressed = _b64decode(body, altchars=None)
        else:
            raise ValueError("not base64")
    return gunzip_capped(compressed, max_bytes)


def _b64decode(body: str, altchars: bytes | None) -> bytes:
    if len(body) % 4 == 1:
        raise ValueError("truncated base64")
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), altchars=altchars, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None


def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """Inflate one GZIP member, refusing more than ``max_bytes`` of output (checked as it inflates)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise ValueError(f"not GZIP ({exc})") from None
    if len(out) > max_bytes:
        raise ValueError(f"it inflates to more than {max_bytes // (1024 * 1024)} MB")
    if not inflater.eof:
        raise ValueError("the GZIP data is truncated")
    if inflater.unused_data.strip(b"\0"):
        raise ValueError("there is data after the GZIP stream")
    return out


def read_status(bits: bytes, index: int, size: int = 1) -> int:
    """The ``size``-bit status at ``index``, most significant bit first (Bitstring Status List §Bitstring)."""
    value = 0
    start = index * size
    for position in range(start, start + size):
        value = (value << 1) | ((bits[position // 8] >> (7 - position % 8)) & 1)
    return value
