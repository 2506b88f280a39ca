"""Session fixtures for the formats tests: the spec examples and ready-made payloads."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# tests/formats has no __init__.py; make fmt_builders importable under any pytest import mode.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

from fmt_builders import DATA, make_jwt, pillow_png


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def read_data() -> Callable[[str], bytes]:
    return lambda name: (DATA / name).read_bytes()


@pytest.fixture(scope="session")
def plain_png() -> bytes:
    return pillow_png()


@pytest.fixture(scope="session")
def ob3_json() -> str:
    return (DATA / "ob3_basic.json").read_text("utf-8")


@pytest.fixture(scope="session")
def ob2_json() -> str:
    return (DATA / "ob2_assertion_embedded.json").read_text("utf-8")


@pytest.fixture(scope="session")
def ob3_jwt(ob3_json: str) -> str:
    """A VC-JOSE token (``typ: vc+jwt``) whose payload is the OB 3.0 spec example."""
    return make_jwt({"alg": "EdDSA", "typ": "vc+jwt", "kid": "did:example:issuer#key-1"}, json.loads(ob3_json))


@pytest.fixture(scope="session")
def ob2_jws(read_data: Callable[[str], bytes]) -> str:
    """The signed-assertion JWS printed in the OB 2.0 examples, whitespace removed."""
    return "".join(read_data("ob2_signed_spec.jws").decode().split())
