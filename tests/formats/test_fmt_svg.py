"""Baked SVGs: the baking spec's own example, namespaces, attributes and CDATA."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from wallet.errors import FormatError
from wallet.formats import NotABadge, parse
from wallet.model import FORMAT_OB2_HOSTED, FORMAT_OB2_SIGNED, FORMAT_OB3_JSON, FORMAT_OB3_JWT

OB2_NS = "http://openbadges.org"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"


def _svg(inner: str, ns_decl: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" {ns_decl} viewBox="0 0 10 10">{inner}'
        '<rect width="10" height="10"/></svg>'
    ).encode()


def test_baking_spec_example(read_data: Callable[[str], bytes]) -> None:
    data = read_data("ob2_baked_spec.svg")
    [cred] = parse(data, "printmaster.svg")
    assert cred.format == FORMAT_OB2_HOSTED
    assert cred.container == "svg"
    assert cred.name == "3-D Printmaster"
    assert cred.achievement.criteria_narrative == "Students are tested on …"
    assert cred.subject.identity == "alice@example.org"
    assert cred.payload.startswith("{") and cred.payload.endswith("}")
    assert cred.original == data


def test_ob3_json_in_cdata(ob3_json: str) -> None:
    data = _svg(f"<ob:credential><![CDATA[{ob3_json}]]></ob:credential>", f'xmlns:ob="{OB3_NS}"')
    [cred] = parse(data)
    assert cred.format == FORMAT_OB3_JSON
    assert cred.payload == ob3_json.strip()


def test_ob3_jwt_in_verify_attribute(ob3_jwt: str) -> None:
    data = _svg(f'<openbadges:credential verify="{ob3_jwt}"/>', f'xmlns:openbadges="{OB3_NS}"')
    [cred] = parse(data)
    assert cred.format == FORMAT_OB3_JWT
    assert cred.payload == ob3_jwt


def test_ob2_jws_in_verify_attribute(ob2_jws: str) -> None:
    data = _svg(f'<openbadges:assertion verify="{ob2_jws}"/>', f'xmlns:openbadges="{OB2_NS}"')
    [cred] = parse(data)
    assert cred.format == FORMAT_OB2_SIGNED
    assert cred.payload == ob2_jws


def test_ob2_hosted_url_in_verify_attribute() -> None:
    data = _svg('<openbadges:assertion verify="https://example.org/a/1"/>', f'xmlns:openbadges="{OB2_NS}"')
    [cred] = parse(data)
    assert cred.hosted_url == "https://example.org/a/1"
    assert cred.document == {}


def test_prefix_does_not_matter_namespace_does(ob3_json: str) -> None:
    wrong_ns = _svg(
        f"<openbadges:credential><![CDATA[{ob3_json}]]></openbadges:credential>", 'xmlns:openbadges="urn:x"'
    )
    with pytest.raises(NotABadge, match="contains no badge"):
        parse(wrong_ns)
    other_prefix = _svg(f"<b:credential><![CDATA[{ob3_json}]]></b:credential>", f'xmlns:b="{OB3_NS}"')
    assert parse(other_prefix)[0].id == "http://example.com/credentials/3527"


@pytest.mark.parametrize("ns", [OB2_NS, OB3_NS])
@pytest.mark.parametrize("local", ["assertion", "credential"])
def test_both_local_names_in_both_namespaces(ns: str, local: str, ob3_json: str) -> None:
    data = _svg(f"<o:{local}><![CDATA[{ob3_json}]]></o:{local}>", f'xmlns:o="{ns}"')
    assert parse(data)[0].format == FORMAT_OB3_JSON


def test_plain_text_body_without_cdata(ob2_json: str) -> None:
    escaped = ob2_json.replace("&", "&amp;").replace("<", "&lt;")
    data = _svg(f"<openbadges:assertion>{escaped}</openbadges:assertion>", f'xmlns:openbadges="{OB2_NS}"')
    assert parse(data)[0].payload == ob2_json.strip()


def test_plain_svg_is_not_a_badge(read_data: Callable[[str], bytes]) -> None:
    with pytest.raises(NotABadge, match="contains no badge"):
        parse(read_data("plain_badge.svg"), "plain.svg")


def test_empty_badge_element() -> None:
    data = _svg("<openbadges:assertion/>", f'xmlns:openbadges="{OB2_NS}"')
    with pytest.raises(FormatError, match="empty"):
        parse(data)


def test_broken_xml() -> None:
    with pytest.raises(FormatError, match="not well-formed"):
        parse(b"<svg xmlns='http://www.w3.org/2000/svg' xmlns:o='http://openbadges.org'><g></svg>")


def test_html_is_not_a_badge() -> None:
    with pytest.raises(NotABadge, match="not an SVG"):
        parse(b"<!DOCTYPE html><html><body>hi</body></html>")


def test_xml_that_is_not_svg() -> None:
    with pytest.raises(NotABadge, match="not an SVG"):
        parse(b"<?xml version='1.0'?><feed xmlns:o='http://openbadges.org'><svg-note/></feed>")


def test_latin1_svg_is_read(ob2_json: str) -> None:
    body = ob2_json.replace("Awesome Robotics Badge", "Robotique géniale").encode("latin-1")
    data = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:openbadges="http://openbadges.org"><openbadges:assertion><![CDATA['
        + body
        + b"]]></openbadges:assertion><desc>M\xe9daille</desc></svg>"
    )
    assert parse(data)[0].name == "Robotique géniale"


def test_svg_without_badge_namespace_is_not_parsed_at_all() -> None:
    """No badge namespace URI in the bytes: answered without running the XML parser."""
    with pytest.raises(NotABadge, match="contains no badge"):
        parse(b"<svg xmlns='http://www.w3.org/2000/svg'><g><unclosed></svg>")
