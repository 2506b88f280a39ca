"""Links: LinkedIn "add to profile" values must come back exactly as they went in."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from tlsserver import TLSServer

from wallet.export.links import (
    KIND_BADGE_PAGE,
    KIND_CREDENTIAL,
    KIND_HOSTED,
    LINKEDIN_ADD_URL,
    MAX_URL_CHARS,
    copy_fields,
    copy_text,
    linkedin_link,
    linkedin_url,
    verification_link,
    verification_url,
)
from wallet.model import FORMAT_OB2_HOSTED, FORMAT_OB3_JSON, Achievement, Credential, Issuer
from wallet.net import Fetcher

TRICKY = [
    "C++ & C# Fundamentals",
    "Rock 'n' Roll \"Live\" = 100% + fun",
    "Ünïcödé – 日本語 🎓 Zertifikat",
    "a=b&c=d?e#f/g;h,i:j@k$l",
    "  leading and trailing spaces  ",
    "line\nbreak\ttab",
]


def credential(
    name: str = "Badge",
    *,
    issuer: str = "Issuer",
    cred_id: str | None = "urn:uuid:1",
    fmt: str = FORMAT_OB3_JSON,
    criteria_url: str | None = None,
    issued: datetime | None = datetime(2024, 3, 15, tzinfo=UTC),
    until: datetime | None = datetime(2027, 11, 30, tzinfo=UTC),
) -> Credential:
    return Credential(
        id=cred_id,
        format=fmt,
        spec_version="3.0",
        name=name,
        issuer=Issuer(id="did:example:issuer", name=issuer),
        achievement=Achievement(id=None, name=name, criteria_url=criteria_url),
        payload="{}",
        issued=issued,
        valid_until=until,
    )


@pytest.mark.parametrize("name", TRICKY)
@pytest.mark.parametrize("issuer", ["Smith & Sons + Partners #1", "Université \"Paris\" 'Cité'"])
def test_linkedin_values_round_trip(name: str, issuer: str) -> None:
    cert_url = "https://badges.example.org/a?b=1&c=2#frag"
    cred = credential(name, issuer=issuer, cred_id="urn:uuid:ä&b#c+d")
    url = linkedin_url(cred, cert_url=cert_url)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == LINKEDIN_ADD_URL
    assert "#" not in url and " " not in url
    fields = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert fields == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": [name],
        "organizationName": [issuer],
        "issueYear": ["2024"],
        "issueMonth": ["3"],
        "expirationYear": ["2027"],
        "expirationMonth": ["11"],
        "certUrl": [cert_url],
        "certId": ["urn:uuid:ä&b#c+d"],
    }


def test_linkedin_leaves_out_what_it_does_not_know() -> None:
    fields = parse_qs(urlsplit(linkedin_url(credential(cred_id=None, issued=None, until=None))).query)
    assert set(fields) == {"startTask", "name", "organizationName"}


def test_too_long_values_move_to_copy_fields() -> None:
    long_url = "https://example.org/" + "x" * 3000
    cred = credential("N" * 2000)
    link = linkedin_link(cred, cert_url=long_url)
    assert len(link.url) <= MAX_URL_CHARS
    assert "certUrl" in link.omitted and "name (shortened)" in link.omitted
    name = parse_qs(urlsplit(link.url).query)["name"][0]
    assert name.endswith("…") and cred.display_name.startswith(name[:-1])
    fields = dict(copy_fields(cred, cert_url=long_url))
    assert fields["Name"] == "N" * 2000
    assert fields["Credential URL"] == long_url
    assert fields["Issue date"] == "March 2024" and fields["Expiration date"] == "November 2027"


def test_copy_text_is_one_line_per_field() -> None:
    text = copy_text(credential("Data & AI"), cert_url="https://x.example/1")
    assert "Name: Data & AI\n" in text
    assert "Credential URL: https://x.example/1\n" in text


def test_hosted_ob2_assertion_is_its_own_verification_url() -> None:
    cred = credential(cred_id="https://issuer.example/assertions/42", fmt=FORMAT_OB2_HOSTED)
    link = verification_link(cred)
    assert link is not None and (link.url, link.kind, link.proves_award) == (cred.id, KIND_HOSTED, True)


def test_ob3_https_id_needs_a_fetch_to_count(https_server: TLSServer, fetcher: Fetcher) -> None:
    https_server.route("/creds/1", json={"id": "x"})
    https_server.route("/creds/gone", status=404)
    good = credential(cred_id=https_server.url("/creds/1"), criteria_url="https://issuer.example/badges/b")
    assert verification_url(good) == "https://issuer.example/badges/b"  # unconfirmed id skipped offline
    link = verification_link(good, fetcher)
    assert link is not None and (link.url, link.kind) == (good.id, KIND_CREDENTIAL)

    gone = replace(good, id=https_server.url("/creds/gone"))
    link = verification_link(gone, fetcher)
    assert link is not None and link.kind == KIND_BADGE_PAGE and not link.proves_award
    assert verification_url(replace(gone, achievement=Achievement(id=None, name="x")), fetcher) is None


def test_non_https_addresses_are_never_offered() -> None:
    cred = credential(cred_id="http://insecure.example/1", criteria_url="javascript:alert(1)")
    assert verification_url(cred) is None
