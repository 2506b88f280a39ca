"""The status check (wallet/verify/status.py) against status lists served over real HTTPS."""

from __future__ import annotations

import base64
import gzip
import json
import time
from pathlib import Path
from typing import Any

import pytest
from tlsserver import TLSServer

from wallet.model import FORMAT_OB3_JSON, Achievement, Credential, Issuer, StatusEntry
from wallet.net import Fetcher
from wallet.verify.options import VerifyOptions
from wallet.verify.report import FAIL, MALFORMED, PASS, REVOKED, STATUS, UNKNOWN, VALID
from wallet.verify.status import (
    MIN_ENTRIES,
    NO_STATUS_MESSAGE,
    check_status,
    decode_bitstring,
    gunzip_capped,
    read_status,
)

CRED_ID = "urn:uuid:00000000-0000-4000-8000-00000000abcd"
LAST = MIN_ENTRIES - 1


# --------------------------------------------------------------------------- builders


def bitstring(values: dict[int, int], *, size: int = 1, entries: int = MIN_ENTRIES) -> bytes:
    """A bitstring of ``entries`` statuses of ``size`` bits; ``values`` sets some (MSB first)."""
    bits = bytearray((entries * size + 7) // 8)
    for index, value in values.items():
        for k in range(size):
            if (value >> (size - 1 - k)) & 1:
                position = index * size + k
                bits[position // 8] |= 0x80 >> (position % 8)
    return bytes(bits)


def encode(bits: bytes, style: str = "multibase") -> str:
    packed = gzip.compress(bits)
    if style == "multibase":
        return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()
    if style == "base64":
        return base64.b64encode(packed).decode()
    raise AssertionError(style)


def list_credential(url: str, encoded: str, *, purpose: Any = "revocation", kind: str = "bitstring") -> dict[str, Any]:
    if kind == "bitstring":
        types, subject_type = ["VerifiableCredential", "BitstringStatusListCredential"], "BitstringStatusList"
    else:
        types, subject_type = ["VerifiableCredential", "StatusList2021Credential"], "StatusList2021"
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": types,
        "issuer": "did:example:issuer",
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {
            "id": url + "#list",
            "type": subject_type,
            "statusPurpose": purpose,
            "encodedList": encoded,
        },
        "proof": {"type": "DataIntegrityProof", "proofValue": "z-not-checked-here"},
    }


def entry(
    url: str, index: int | str, *, purpose: str = "revocation", size: int = 1, kind: str = "bitstring"
) -> StatusEntry:
    return StatusEntry(
        type="BitstringStatusListEntry" if kind == "bitstring" else "StatusList2021Entry",
        id=f"{url}#{index}",
        purpose=purpose,
        index=str(index),
        list_url=url,
        status_size=size,
    )


def credential(*status: StatusEntry, document: dict[str, Any] | None = None) -> Credential:
    return Credential(
        id=CRED_ID,
        format=FORMAT_OB3_JSON,
        spec_version="vc2.0",
        name="Test",
        issuer=Issuer(id="did:example:issuer"),
        achievement=Achievement(id=None, name="Test"),
        payload="{}",
        document=document or {"id": CRED_ID},
        status=status,
    )


class Verifier:
    """Stands in for the pipeline's list verification: records calls, returns a fixed verdict."""

    def __init__(self, verdict: str = VALID) -> None:
        self.verdict = verdict
        self.seen: list[dict[str, Any]] = []

    def __call__(self, document: dict[str, Any]) -> str:
        self.seen.append(document)
        return self.verdict


def run(cred: Credential, fetcher: Fetcher, verify_list: Any = None, **kwargs: Any) -> Any:
    return check_status(cred, VerifyOptions(fetcher=fetcher), verify_list or Verifier(), **kwargs)


@pytest.fixture
def serve_list(https_server: TLSServer) -> Any:
    def serve(values: dict[int, int], *, path: str = "/status/1", size: int = 1, **kwargs: Any) -> str:
        url = https_server.url(path)
        entries = kwargs.pop("entries", MIN_ENTRIES)
        style = kwargs.pop("style", "multibase")
        encoded = encode(bitstring(values, size=size, entries=entries), style)
        https_server.route(path, json=list_credential(url, encoded, **kwargs))
        return url

    return serve


# --------------------------------------------------------------------------- bits


def test_bit_order_is_most_significant_first() -> None:
    assert read_status(bytes([0b1000_0000]), 0) == 1
    assert read_status(bytes([0b1000_0000]), 7) == 0
    assert read_status(bytes([0b0000_0001]), 7) == 1
    assert read_status(bytes([0, 0b1000_0000]), 8) == 1
    assert read_status(bytes([0b0110_0000]), 0, size=2) == 0b01
    assert read_status(bytes([0b0110_0000]), 1, size=2) == 0b10


def test_decoders_accept_multibase_and_plain_base64() -> None:
    bits = bitstring({5: 1}, entries=64)
    assert decode_bitstring(encode(bits)) == bits
    plain = encode(bits, "base64")
    assert plain.startswith("H4sI")
    assert decode_bitstring(plain) == bits
    assert decode_bitstring(plain.rstrip("=")) == bits
    with pytest.raises(ValueError):
        decode_bitstring("u" + "!" * 10)
    with pytest.raises(ValueError, match="GZIP"):
        decode_bitstring("u" + base64.urlsafe_b64encode(b"plain bytes").rstrip(b"=").decode())


def test_gunzip_is_capped_while_inflating() -> None:
    bomb = gzip.compress(b"\0" * (4 * 1024 * 1024))
    assert len(bomb) < 10_000
    with pytest.raises(ValueError, match="more than"):
        gunzip_capped(bomb, 1024 * 1024)
    with pytest.raises(ValueError, match="truncated"):
        gunzip_capped(gzip.compress(b"\0" * 1000)[:-12], 1024 * 1024)


# --------------------------------------------------------------------------- bitstring lists over https


@pytest.mark.parametrize("index", [0, 7, 8, LAST])
def test_revoked_bit(serve_list: Any, fetcher: Fetcher, index: int) -> None:
    url = serve_list({index: 1})
    check = run(credential(entry(url, index)), fetcher)
    assert (check.id, check.status, check.verdict) == (STATUS, FAIL, REVOKED)
    assert "revoked" in check.message


@pytest.mark.parametrize("index", [0, 7, 8, LAST])
def test_valid_bit_next_to_revoked_neighbours(serve_list: Any, fetcher: Fetcher, index: int) -> None:
    neighbours = {i: 1 for i in (index - 1, index + 1) if 0 <= i <= LAST}
    url = serve_list(neighbours)
    check = run(credential(entry(url, index)), fetcher)
    assert (check.status, check.verdict) == (PASS, None), check.message


def test_status_size_two(serve_list: Any, fetcher: Fetcher) -> None:
    url = serve_list({3: 0b01, 5: 0b10}, size=2)
    assert run(credential(entry(url, 3, size=2)), fetcher).status == FAIL
    assert run(credential(entry(url, 5, size=2)), fetcher).status == FAIL
    assert run(credential(entry(url, 4, size=2)), fetcher).status == PASS
    # Read as single bits, index 7 is the low bit of entry 3, so sizes really are honoured.
    assert read_status(bitstring({3: 0b01}, size=2), 7) == 1


def test_suspension_says_suspended(serve_list: Any, fetcher: Fetcher) -> None:
    url = serve_list({42: 1}, purpose="suspension")
    check = run(credential(entry(url, 42, purpose="suspension")), fetcher)
    assert (check.status, check.verdict) == (FAIL, REVOKED)
    assert "suspended" in check.message


def test_list_with_several_purposes(serve_list: Any, fetcher: Fetcher) -> None:
    url = serve_list({1: 1}, purpose=["revocation", "suspension"])
    assert run(credential(entry(url, 1, purpose="suspension")), fetcher).status == FAIL


def test_purpose_mismatch_is_unknown(serve_list: Any, fetcher: Fetcher) -> None:
    url = serve_list({}, purpose="suspension")
    check = run(credential(entry(url, 1, purpose="revocation")), fetcher)
    assert check.status == UNKNOWN
    assert "suspension" in check.message


def test_list_too_short_is_unknown(serve_list: Any, fetcher: Fetcher) -> None:
    url = serve_list({}, entries=MIN_ENTRIES - 8)
    check = run(credential(entry(url, 1)), fetcher)
    assert check.status == UNKNOWN
    assert "fewer than" in check.message


def test_minimum_length_counts_entries_not_bits(serve_list: Any, fetcher: Fetcher) -> None:
    url = serve_list({}, size=2, entries=MIN_ENTRIES // 2)  # 131,072 bits but 65,536 entries
    assert run(credential(entry(url, 1, size=2)), fetcher).status == UNKNOWN


def test_index_out_of_range_fails(serve_list: Any, fetcher: Fetcher) -> None:
    url = serve_list({})
    check = run(credential(entry(url, MIN_ENTRIES)), fetcher)
    assert (check.status, check.verdict) == (FAIL, MALFORMED)
    assert "no entry" in check.message


@pytest.mark.parametrize("index", ["-1", "1e3", "", "0x10", "９"])
def test_index_that_is_not_a_number_is_unknown(serve_list: Any, fetcher: Fetcher, index: str) -> None:
    url = serve_list({})
    assert run(credential(entry(url, index)), fetcher).status == UNKNOWN


def test_every_entry_is_checked(serve_list: Any, fetcher: Fetcher) -> None:
    clean = serve_list({}, path="/status/clean")
    dirty = serve_list({9: 1}, path="/status/dirty", purpose="suspension")
    check = run(credential(entry(clean, 9), entry(dirty, 9, purpose="suspension")), fetcher)
    assert (check.status, check.verdict) == (FAIL, REVOKED)
    assert "suspended" in check.message


def test_revoked_wins_over_unknown(serve_list: Any, fetcher: Fetcher, https_server: TLSServer) -> None:
    missing = https_server.not_found("/status/missing")
    dirty = serve_list({2: 1})
    check = run(credential(entry(missing, 2), entry(dirty, 2)), fetcher)
    assert (check.status, check.verdict) == (FAIL, REVOKED)


def test_one_unknown_entry_keeps_the_check_unknown(serve_list: Any, fetcher: Fetcher, https_server: TLSServer) -> None:
    missing = https_server.not_found("/status/missing")
    clean = serve_list({})
    assert run(credential(entry(clean, 2), entry(missing, 2)), fetcher).status == UNKNOWN


def test_list_is_fetched_and_verified_once_for_several_entries(
    serve_list: Any, fetcher: Fetcher, https_server: TLSServer
) -> None:
    url = serve_list({})
    verifier = Verifier()
    check = run(credential(entry(url, 1), entry(url, 2, purpose="suspension")), fetcher, verifier)
    assert check.status == UNKNOWN  # the list is for revocation only; suspension cannot be answered
    assert https_server.hits("/status/1") == 1
    assert len(verifier.seen) == 1
    assert verifier.seen[0]["type"][1] == "BitstringStatusListCredential"


def test_list_that_fails_its_own_verification_is_unknown(serve_list: Any, fetcher: Fetcher) -> None:
    url = serve_list({})
    check = run(credential(entry(url, 1)), fetcher, Verifier("invalid_signature"))
    assert check.status == UNKNOWN
    assert "cannot be trusted" in check.message and "invalid_signature" in check.message


def test_revoked_bit_in_an_untrusted_list_is_still_only_unknown(serve_list: Any, fetcher: Fetcher) -> None:
    url = serve_list({1: 1})
    assert run(credential(entry(url, 1)), fetcher, Verifier("tampered")).status == UNKNOWN


def test_wrong_document_kind_is_unknown(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.url("/status/2021")
    https_server.route("/status/2021", json=list_credential(url, encode(bitstring({})), kind="2021"))
    assert run(credential(entry(url, 1)), fetcher).status == UNKNOWN


def test_statuslist2021_with_plain_base64(serve_list: Any, fetcher: Fetcher) -> None:
    url = serve_list({100: 1}, kind="2021", style="base64")
    assert run(credential(entry(url, 100, kind="2021")), fetcher).verdict == REVOKED
    assert run(credential(entry(url, 101, kind="2021")), fetcher).status == PASS


def test_statuslist2021_with_multibase(serve_list: Any, fetcher: Fetcher) -> None:
    url = serve_list({0: 1}, kind="2021")
    assert run(credential(entry(url, 0, kind="2021")), fetcher).verdict == REVOKED


def test_gzip_bomb_list_is_unknown(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.url("/status/bomb")
    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * (17 * 1024 * 1024), 1)).rstrip(b"=").decode()
    https_server.route("/status/bomb", json=list_credential(url, bomb))
    check = run(credential(entry(url, 1)), fetcher)
    assert check.status == UNKNOWN
    assert "MB" in check.message


# --------------------------------------------------------------------------- unreachable lists


@pytest.mark.parametrize("status", [404, 410, 500])
def test_http_error_is_unknown(https_server: TLSServer, fetcher: Fetcher, status: int) -> None:
    url = https_server.route("/status/err", "no", status=status)
    check = run(credential(entry(url, 1)), fetcher)
    assert check.status == UNKNOWN
    assert str(status) in check.message


def test_refused_connection_is_unknown(fetcher: Fetcher) -> None:
    assert run(credential(entry("https://127.0.0.1:1/status/1", 1)), fetcher).status == UNKNOWN


def test_stalled_list_is_unknown_quickly(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.stall("/status/slow", seconds=30)
    started = time.monotonic()
    assert run(credential(entry(url, 1)), fetcher).status == UNKNOWN
    assert time.monotonic() - started < 2.0


def test_offline_is_unknown_without_a_request(serve_list: Any, https_server: TLSServer) -> None:
    url = serve_list({1: 1})
    check = run(credential(entry(url, 1)), Fetcher(offline=True))
    assert check.status == UNKNOWN
    assert "offline" in check.message
    assert https_server.hits("/status/1") == 0


def test_http_list_url_is_unknown(fetcher: Fetcher) -> None:
    assert run(credential(entry("http://example.org/status/1", 1)), fetcher).status == UNKNOWN


def test_non_json_list_is_unknown(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.route("/status/html", "<html>maintenance</html>")
    assert run(credential(entry(url, 1)), fetcher).status == UNKNOWN


# --------------------------------------------------------------------------- JWT-served lists


def _jwt_of(document: dict[str, Any]) -> str:
    def seg(value: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{seg({'alg': 'ES256', 'typ': 'vc+jwt'})}.{seg(document)}.{seg('sig')}"


def test_jwt_list_needs_a_jwt_verifier(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.url("/status/jwt")
    token = _jwt_of(list_credential(url, encode(bitstring({4: 1}))))
    https_server.route("/status/jwt", token, headers={"Content-Type": "application/vc+jwt"})
    assert run(credential(entry(url, 4)), fetcher).status == UNKNOWN
    seen: list[str] = []

    def verify_jwt_list(compact: str) -> str:
        seen.append(compact)
        return VALID

    check = run(credential(entry(url, 4)), fetcher, verify_list_jwt=verify_jwt_list)
    assert (check.status, check.verdict) == (FAIL, REVOKED)
    assert seen == [token]


# --------------------------------------------------------------------------- 1EdTech revocation list


def _onedtech(https_server: TLSServer, revoked: list[Any] | None) -> StatusEntry:
    body: dict[str, Any] = {"id": https_server.url("/revocations"), "type": "1EdTechRevocationList"}
    if revoked is not None:
        body["revokedCredential"] = revoked
    url = https_server.route("/revocations", json=body)
    return StatusEntry(type="1EdTechRevocationList", id=url)


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        ([{"id": CRED_ID}], FAIL),
        ([{"id": CRED_ID, "revoked": True, "revocationReason": "Issued in error"}], FAIL),
        ([{"id": CRED_ID, "revoked": False}], PASS),
        ([{"id": "urn:uuid:someone-else"}], PASS),
        ([], PASS),
        (None, UNKNOWN),
    ],
)
def test_1edtech_revocation_list(https_server: TLSServer, fetcher: Fetcher, listed: Any, expected: str) -> None:
    check = run(credential(_onedtech(https_server, listed)), fetcher)
    assert check.status == expected, check.message
    if expected == FAIL:
        assert check.verdict == REVOKED
    if listed and listed[0].get("revocationReason"):
        assert "Issued in error" in check.message


def test_1edtech_list_unreachable_is_unknown(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.not_found("/revocations")
    assert run(credential(StatusEntry(type="1EdTechRevocationList", id=url)), fetcher).status == UNKNOWN


# --------------------------------------------------------------------------- entries


def test_no_status_entries_pass() -> None:
    check = run(credential(), Fetcher(offline=True))
    assert (check.status, check.message) == (PASS, NO_STATUS_MESSAGE)


def test_unsupported_status_type_is_unknown() -> None:
    check = run(credential(StatusEntry(type="CredentialStatusList2017", id="https://x.example/1")), Fetcher())
    assert check.status == UNKNOWN
    assert "not supported" in check.message


def test_refresh_purpose_is_not_a_revocation_source(fetcher: Fetcher) -> None:
    check = run(credential(entry("https://127.0.0.1:1/never-fetched", 1, purpose="refresh")), fetcher)
    assert check.status == PASS


def test_unknown_purpose_is_unknown(fetcher: Fetcher) -> None:
    assert run(credential(entry("https://127.0.0.1:1/x", 1, purpose="revoked")), fetcher).status == UNKNOWN


def test_entries_the_parser_left_out_are_read_from_the_document(serve_list: Any, fetcher: Fetcher) -> None:
    url = serve_list({6: 1})
    raw = {
        "id": CRED_ID,
        "credentialStatus": [
            {
                "id": f"{url}#6",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "6",
                "statusListCredential": url,
            }
        ],
    }
    check = run(credential(document=raw), fetcher)
    assert (check.status, check.verdict) == (FAIL, REVOKED)
    strange = run(credential(document={"credentialStatus": {"type": "Mystery"}}), fetcher)
    assert strange.status == UNKNOWN


# --------------------------------------------------------------------------- lists made by the JS libraries

JS_OUT = Path(__file__).parent.parent / "data" / "gen" / "js" / "out"


@pytest.mark.parametrize(
    ("relative", "kind"),
    [("status/1.json", "bitstring"), ("status/2021/1.json", "2021")],
    ids=["bitstring", "statuslist2021"],
)
def test_lists_encoded_by_the_js_libraries(https_server: TLSServer, fetcher: Fetcher, relative: str, kind: str) -> None:
    """@digitalbazaar's encoders set index 42 and leave index 7 clear (tests/data/gen/js/out/INDEX.json)."""
    url = https_server.route("/" + relative, json=json.loads((JS_OUT / relative).read_text()))
    revoked = run(credential(entry(url, 42, kind=kind)), fetcher)
    assert (revoked.status, revoked.verdict) == (FAIL, REVOKED), revoked.message
    assert run(credential(entry(url, 7, kind=kind)), fetcher).status == PASS


def test_1edtech_list_from_the_js_corpus(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.route("/revocations/1", json=json.loads((JS_OUT / "revocations" / "1.json").read_text()))
    listed = Credential(
        **{
            **_fields(credential()),
            "id": "urn:uuid:7ee31b8b-8c9d-4051-8f79-9889d9d2e6ba",
            "status": (StatusEntry(type="1EdTechRevocationList", id=url),),
        }
    )
    assert run(listed, fetcher).verdict == REVOKED
    assert run(credential(StatusEntry(type="1EdTechRevocationList", id=url)), fetcher).status == PASS


def _fields(cred: Credential) -> dict[str, Any]:
    return {name: getattr(cred, name) for name in cred.__dataclass_fields__}
