"""JSON credentials: the OB 2.0 and OB 3.0 spec examples, VCs, CLRs and presentations."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fmt_builders import make_jwt

from wallet.errors import FormatError
from wallet.formats import NotABadge, parse
from wallet.model import (
    FORMAT_CLR2,
    FORMAT_OB2_HOSTED,
    FORMAT_OB2_SIGNED,
    FORMAT_OB3_JSON,
    FORMAT_OB3_JWT,
    FORMAT_VC,
    Alignment,
    Related,
    StatusEntry,
)

Reader = Callable[[str], bytes]


def test_ob3_spec_basic_example(read_data: Reader) -> None:
    data = read_data("ob3_basic.json")
    [cred] = parse(data, "basic.json")
    assert cred.format == FORMAT_OB3_JSON
    assert cred.spec_version == "3.0"
    assert cred.container == "json"
    assert cred.payload == data.decode().strip()
    assert cred.document == json.loads(data)
    assert cred.types == ("VerifiableCredential", "OpenBadgeCredential")
    assert cred.issuer.name == "Example Corp"
    assert cred.subject.id == "did:example:ebfeb1f712ebc6f1c276e12ec21"
    assert cred.valid_from == datetime(2010, 1, 1, tzinfo=UTC)
    assert cred.issued == cred.valid_from
    assert (cred.achievement.criteria_narrative or "").startswith("Team members are nominated")


def test_ob3_spec_full_example(read_data: Reader) -> None:
    [cred] = parse(read_data("ob3_full_abridged.json"))
    achievement = cred.achievement
    assert cred.image == "https://1edtech.edu/credentials/3732/image"
    assert cred.valid_until == datetime(2030, 1, 1, tzinfo=UTC)
    assert achievement.achievement_type == "Degree"
    assert achievement.credits_available == 36.0
    assert achievement.field_of_study == "Research"
    assert achievement.specialization == "Computer Science Research"
    assert achievement.human_code == "R1"
    assert achievement.tags == ("research", "computer science")
    assert achievement.criteria_url == "https://1edtech.edu/achievements/degree"
    assert achievement.alignments[0] == Alignment(
        target_name="1EdTech University Degree",
        target_url="https://1edtech.edu/catalog/degree",
        target_framework="1EdTech University Program and Course Catalog",
        target_code="degree",
        target_description="1EdTech University Degree programs.",
        target_type="CFItem",
    )
    assert [r.result_type for r in achievement.result_descriptions] == ["LetterGrade", "RubricCriterionLevel", "Status"]
    assert achievement.result_descriptions[0].required_value == "C"
    assert achievement.creator is not None and achievement.creator.email == "registrar@1edtech.edu"
    assert achievement.creator.image == "https://1edtech.edu/logo.png"
    assert cred.subject.identity == "student@1edtech.edu"
    assert cred.subject.identity_type == "emailAddress"
    assert cred.subject.hashed is False and cred.subject.salt == "not-used"
    assert [r.value for r in cred.results] == ["A", None, None]
    assert cred.results[1].achieved_level == "urn:uuid:d05a0867-d0ad-4b03-bdb5-28fb5d2aab7a"
    assert cred.results[2].status == "Completed"
    assert [e.name for e in cred.evidence] == ["Final Project Report", "Final Project Code"]
    assert cred.evidence[0].genre == "Research"
    assert cred.status == (
        StatusEntry(type="1EdTechRevocationList", id="https://1edtech.edu/credentials/3732/revocations"),
    )
    assert cred.skills == ("1EdTech University Degree", "research", "computer science")


def test_ob3_endorsements_on_credential_and_achievement(read_data: Reader) -> None:
    [cred] = parse(read_data("ob3_full_abridged.json"))
    ids = [e.id for e in cred.endorsements]
    assert ids == ["http://1edtech.edu/endorsementcredential/3735", "http://1edtech.edu/endorsementcredential/3734"]
    for endorsement in cred.endorsements:
        assert "EndorsementCredential" in endorsement.types
        assert endorsement.format == FORMAT_OB3_JSON
        assert endorsement.parent_id == cred.id
        assert json.loads(endorsement.payload) == endorsement.document
        assert endorsement.valid_until == datetime(2020, 1, 1, tzinfo=UTC)


def test_endorsement_jwt_entries(read_data: Reader) -> None:
    doc = json.loads(read_data("ob3_basic.json"))
    endorsement = json.loads(read_data("ob3_endorsement.json"))
    token = make_jwt({"alg": "ES256", "typ": "vc+jwt"}, endorsement)
    doc["endorsementJwt"] = [token, "not-a-jwt"]
    doc["credentialSubject"]["achievement"]["endorsementJwt"] = [make_jwt({"alg": "ES256"}, {"vc": endorsement})]
    [cred] = parse(json.dumps(doc).encode())
    assert [e.format for e in cred.endorsements] == [FORMAT_OB3_JWT, FORMAT_OB3_JWT]  # the broken one is left out
    assert cred.endorsements[0].payload == token


def test_ob3_endorsement_credential_vc11(read_data: Reader) -> None:
    [cred] = parse(read_data("ob3_endorsement.json"))
    assert cred.format == FORMAT_OB3_JSON
    assert cred.spec_version == "3.0"
    assert "EndorsementCredential" in cred.types
    assert cred.valid_from == datetime(2010, 1, 1, tzinfo=UTC)
    assert cred.valid_until == datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("suffix", ["context.json", "context-3.0.1.json", "context-3.0.2.json", "context-3.0.3.json"])
def test_every_ob3_context_version(suffix: str, read_data: Reader) -> None:
    doc = json.loads(read_data("ob3_basic.json"))
    doc["@context"][1] = f"https://purl.imsglobal.org/spec/ob/v3p0/{suffix}"
    doc["type"] = ["VerifiableCredential", "AchievementCredential"]
    assert parse(json.dumps(doc).encode())[0].format == FORMAT_OB3_JSON


def test_ob3_vc11_dates(read_data: Reader) -> None:
    doc = json.loads(read_data("ob3_basic.json"))
    doc["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    del doc["validFrom"]
    doc |= {
        "issuanceDate": "2022-05-01T10:00:00",
        "expirationDate": "2027-05-01",
        "awardedDate": "2022-04-30T00:00:00Z",
    }
    [cred] = parse(json.dumps(doc).encode())
    assert cred.valid_from == datetime(2022, 5, 1, 10, tzinfo=UTC)  # naive → UTC
    assert cred.valid_until == datetime(2027, 5, 1, tzinfo=UTC)
    assert cred.issued == datetime(2022, 4, 30, tzinfo=UTC)


def test_generic_vc_is_format_vc() -> None:
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "EmployeeCredential"],
        "issuer": "did:example:acme",
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:alice", "jobTitle": "Engineer"},
        "credentialStatus": [
            {
                "id": "https://acme.example/status/1#94567",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "94567",
                "statusListCredential": "https://acme.example/status/1",
            },
            {
                "id": "https://acme.example/status/2#5",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "message",
                "statusListIndex": 5,
                "statusSize": 2,
                "statusListCredential": "https://acme.example/status/2",
            },
        ],
    }
    [cred] = parse(json.dumps(doc).encode())
    assert cred.format == FORMAT_VC
    assert cred.spec_version == "vc2.0"
    assert cred.issuer.id == "did:example:acme"
    assert cred.status[0] == StatusEntry(
        type="BitstringStatusListEntry",
        id="https://acme.example/status/1#94567",
        purpose="revocation",
        index="94567",
        list_url="https://acme.example/status/1",
    )
    assert cred.status[1].index == "5" and cred.status[1].status_size == 2


def test_ob2_spec_assertion_with_linked_badge(read_data: Reader) -> None:
    [cred] = parse(read_data("ob2_assertion_hosted.json"))
    assert cred.format == FORMAT_OB2_HOSTED
    assert cred.achievement.id == "https://example.org/robotics-badge.json"
    assert cred.achievement.name is None
    assert cred.issuer.id is None  # linked: known after the hosted fetch
    assert cred.subject.hashed is True and cred.subject.salt == "deadsea"
    assert cred.subject.identity_type == "email"
    assert (cred.subject.identity or "").startswith("sha256$c7ef8640")
    assert cred.issued == datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert cred.valid_until == datetime(2017, 6, 30, 23, 59, 59, tzinfo=UTC)
    assert cred.image == "https://example.org/beths-robot-badge.png"
    assert [e.id for e in cred.evidence] == ["https://example.org/beths-robot-work.html"]
    assert cred.status == ()


def test_ob2_spec_assertion_with_embedded_badge(read_data: Reader) -> None:
    [cred] = parse(read_data("ob2_assertion_embedded.json"))
    assert cred.name == "Awesome Robotics Badge"
    assert cred.issuer.email == "steved@example.org"
    assert cred.achievement.tags == ("robots", "awesome")
    assert cred.achievement.criteria_url == "https://example.org/robotics-badge.html"
    assert [a.target_name for a in cred.achievement.alignments] == ["CCSS.ELA-Literacy.RST.11-12.3", "Problem-Solving"]
    assert cred.achievement.alignments[1].target_framework == "Mozilla 21st Century Skills"


def test_ob2_narrative_evidence_related_and_signed_json() -> None:
    doc = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "urn:uuid:a953081a-4bbd-4927-9653-7219bca00e3b",
        "recipient": {"type": "email", "hashed": "false", "identity": "beth@example.org"},
        "issuedOn": "2016-12-31",
        "narrative": "Built a robot.",
        "evidence": [{"id": "https://example.org/photos", "name": "Robot Photoshoot", "genre": "Photography"}],
        "badge": {
            "id": "urn:uuid:b",
            "name": "Robots v2",
            "version": 2,
            "related": {"id": "urn:uuid:b1", "version": 1},
        },
        "verification": {"type": "SignedBadge", "creator": "https://example.org/publicKey.json"},
    }
    [cred] = parse(json.dumps(doc).encode())
    assert cred.format == FORMAT_OB2_SIGNED
    assert cred.hosted_url is None
    assert cred.subject.hashed is False
    assert cred.issued == datetime(2016, 12, 31, tzinfo=UTC)
    assert [(e.name, e.narrative) for e in cred.evidence] == [("Robot Photoshoot", None), (None, "Built a robot.")]
    assert cred.achievement.version == "2"
    assert cred.achievement.related == (Related("urn:uuid:b1"),)


def test_ob1_assertion_with_unix_timestamp() -> None:
    doc = {
        "uid": "abc123",
        "recipient": "sha256$abc",
        "badge": "https://example.org/badge.json",
        "issuedOn": 1430000000,
        "verify": {"type": "hosted", "url": "https://example.org/a/abc123.json"},
    }
    [cred] = parse(json.dumps(doc).encode())
    assert cred.spec_version == "1.0"
    assert cred.id == "abc123"
    assert cred.hosted_url == "https://example.org/a/abc123.json"
    assert cred.issued == datetime.fromtimestamp(1430000000, UTC)


def test_clr_splits_into_linked_credentials(read_data: Reader) -> None:
    creds = parse(read_data("clr_realistic.json"), "transcript.json")
    clr, first, second = creds
    assert clr.format == FORMAT_CLR2 and clr.spec_version == "clr2.0"
    assert clr.parent_id is None
    assert [c.parent_id for c in (first, second)] == [clr.id, clr.id]
    assert [c.format for c in (first, second)] == [FORMAT_OB3_JSON, FORMAT_OB3_JSON]
    assert first.achievement.credits_available == 4.0
    assert first.achievement.related == (Related("https://example.edu/courses/cs201", "precedes"),)
    assert second.valid_until == datetime(2029, 5, 15, tzinfo=UTC)
    assert json.loads(first.payload) == first.document
    assert all(c.original == clr.original for c in creds)


def test_clr_with_jwt_and_enveloped_children(read_data: Reader, ob3_jwt: str) -> None:
    doc = json.loads(read_data("clr_realistic.json"))
    doc["credentialSubject"]["verifiableCredential"] = [
        ob3_jwt,
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": "EnvelopedVerifiableCredential",
            "id": f"data:application/vc+jwt,{ob3_jwt}",
        },
    ]
    clr, jwt_child, enveloped = parse(json.dumps(doc).encode())
    assert jwt_child.format == enveloped.format == FORMAT_OB3_JWT
    assert jwt_child.payload == enveloped.payload == ob3_jwt
    assert jwt_child.parent_id == clr.id
    assert jwt_child.jwt_header == {"alg": "EdDSA", "typ": "vc+jwt", "kid": "did:example:issuer#key-1"}


def test_clr_with_broken_child_is_rejected(read_data: Reader) -> None:
    doc = json.loads(read_data("clr_realistic.json"))
    doc["credentialSubject"]["verifiableCredential"].append(42)
    with pytest.raises(FormatError, match="neither a JSON object nor a JWT"):
        parse(json.dumps(doc).encode())


def test_presentation_yields_its_credentials(read_data: Reader, ob3_jwt: str) -> None:
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:vp-1",
        "type": ["VerifiablePresentation"],
        "holder": "did:example:learner-42",
        "verifiableCredential": [json.loads(read_data("ob2_assertion_embedded.json")), ob3_jwt],
    }
    first, second = parse(json.dumps(vp).encode())
    assert (first.format, second.format) == (FORMAT_OB2_HOSTED, FORMAT_OB3_JWT)
    assert first.parent_id == second.parent_id == "urn:uuid:vp-1"


def test_presentation_with_clr_inside(read_data: Reader) -> None:
    vp = {"type": "VerifiablePresentation", "verifiableCredential": json.loads(read_data("clr_realistic.json"))}
    creds = parse(json.dumps(vp).encode())
    assert [c.format for c in creds] == [FORMAT_CLR2, FORMAT_OB3_JSON, FORMAT_OB3_JSON]
    assert creds[0].parent_id is None and creds[1].parent_id == creds[0].id


def test_json_list_of_credentials(read_data: Reader) -> None:
    items = [json.loads(read_data("ob3_basic.json")), json.loads(read_data("ob2_assertion_hosted.json"))]
    assert [c.format for c in parse(json.dumps(items).encode())] == [FORMAT_OB3_JSON, FORMAT_OB2_HOSTED]


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        ({"type": "BadgeClass", "name": "x"}, "BadgeClass"),
        ({"type": "Profile", "name": "x"}, "issuer profile"),
        ({"id": "https://e.org/a", "revoked": True}, "revocation notice"),
        ({"name": "my-package", "version": "1.0.0"}, "not a badge"),
        ({"type": "VerifiablePresentation", "verifiableCredential": []}, "no credentials"),
    ],
)
def test_json_that_is_not_a_badge(doc: dict[str, object], reason: str) -> None:
    with pytest.raises(NotABadge, match=reason):
        parse(json.dumps(doc).encode())


@pytest.mark.parametrize(
    "text", [b'{"a": 1', b"[1, 2", b'{"a": NaN}', b'{"n": ' + b"9" * 5000 + b"}", b"\xef\xbb\xbf{"]
)
def test_broken_json_is_format_error(text: bytes) -> None:
    with pytest.raises(FormatError, match="not valid JSON"):
        parse(text)


def test_bom_and_whitespace_are_tolerated(read_data: Reader) -> None:
    data = b"\xef\xbb\xbf\n  " + read_data("ob3_basic.json") + b"\n\n"
    [cred] = parse(data)
    assert cred.payload == read_data("ob3_basic.json").decode().strip()


def test_bare_link_is_a_hosted_credential() -> None:
    [cred] = parse(b"  https://badges.example.org/assertions/42\n", "link.txt")
    assert cred.format == FORMAT_OB2_HOSTED
    assert cred.container == "url"
    assert cred.hosted_url == cred.id == cred.payload == "https://badges.example.org/assertions/42"
    assert cred.document == {}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"Dear hiring manager,\nplease find my badges attached.\n", "does not look like a badge"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"\x00\x01\x02\x03\xfe\xfa", "binary data"),
    ],
)
def test_obviously_not_badges(data: bytes, reason: str) -> None:
    with pytest.raises(NotABadge, match=reason):
        parse(data)


def test_zip_bytes_point_to_archive_import() -> None:
    with pytest.raises(FormatError, match="ZIP archive"):
        parse(b"PK\x03\x04rest")
