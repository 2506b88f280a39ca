"""The credential codec loses nothing and refuses what is not a credential."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from store_factory import make_credential

from wallet.model import Credential
from wallet.store import CodecError, credential_from_dict, credential_to_dict
from wallet.store.codec import dumps, loads


def assert_same(a: Credential, b: Credential) -> None:
    """Equality plus the fields dataclass equality skips (``compare=False``)."""
    assert a == b
    assert a.document == b.document
    assert a.jwt_header == b.jwt_header
    for x, y in zip(a.endorsements, b.endorsements, strict=True):
        assert_same(x, y)
    # datetimes: same instant is not enough, the offset must survive too
    for name in ("issued", "valid_from", "valid_until"):
        va, vb = getattr(a, name), getattr(b, name)
        assert (va.utcoffset() if va else None) == (vb.utcoffset() if vb else None)


def roundtrip(credential: Credential) -> Credential:
    return credential_from_dict(loads(dumps(credential_to_dict(credential))))


def test_every_field_survives_a_round_trip_through_json_bytes() -> None:
    credential = make_credential(3, parent_id="urn:clr:1", endorsement=make_credential(4))
    back = roundtrip(credential)
    assert_same(credential, back)
    assert back.original == credential.original
    assert back.achievement.alignments[0].target_framework == "ESCO"
    assert back.valid_from is not None and back.valid_from.microsecond == 123456
    assert back.endorsements[0].subject.identity == credential.endorsements[0].subject.identity


def test_no_field_is_left_at_its_default_by_the_fixture() -> None:
    """Guards the round-trip test: a field added to the model shows up here first."""
    credential = make_credential(1, parent_id="p", endorsement=make_credential(2))
    skipped = {"valid_until", "hosted_url"}  # None on purpose: the None path is tested too
    for f in dataclasses.fields(Credential):
        if f.name not in skipped:
            assert getattr(credential, f.name) not in (None, (), {}, b""), f.name


def test_without_original_leaves_the_bytes_out() -> None:
    credential = make_credential(1)
    data = credential_to_dict(credential, with_original=False)
    assert "original" not in data
    back = credential_from_dict(data, original=b"orig")
    assert back.original == b"orig"


@given(payload=st.text(), document_text=st.text(), name=st.one_of(st.none(), st.text()))
def test_any_text_survives(payload: str, document_text: str, name: str | None) -> None:
    credential = dataclasses.replace(make_credential(0), payload=payload, name=name, document={"k": document_text})
    assert_same(credential, roundtrip(credential))


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d.update(surprise=1), "unknown fields"),
        (lambda d: d.update(issued="yesterday"), "ISO"),
        (lambda d: d.update(name=5), "expected str"),
        (lambda d: d["achievement"].update(credits_available="many"), "number"),
        (lambda d: d.update(original="***"), "base64"),
        (lambda d: d.update(endorsements={}), "expected list"),
        (lambda d: d.pop("format"), "format"),
        (lambda d: d["status"][0].update(status_size=True), "integer"),
    ],
)
def test_bad_data_is_refused(mutate: Any, fragment: str) -> None:
    data = json.loads(json.dumps(credential_to_dict(make_credential(1))))
    mutate(data)
    with pytest.raises(CodecError, match=fragment):
        credential_from_dict(data)


def test_a_lone_surrogate_in_the_payload_survives_storage_bytes() -> None:
    credential = dataclasses.replace(make_credential(0), payload='{"x": "\ud800"}')
    assert roundtrip(credential).payload == credential.payload
