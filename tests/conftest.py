"""Fixtures shared by every test folder; kept small and generic on purpose.

* ``test_ca`` – one throw-away CA + localhost leaf per session (PEM files).
* ``https_server`` – a fresh loopback HTTPS server per test (see tests/tlsserver.py),
  trusted through ``REQUESTS_CA_BUNDLE``; stopped when the test ends.
* ``fetcher`` – an online ``wallet.net.Fetcher`` with short timeouts, so a test that
  meets a stalled endpoint fails over in well under a second.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt needs no screen in tests (the README's command sets this too; a bare `pytest` must not abort).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# tests/ has no __init__.py; make its helper modules importable under any pytest import mode.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

from tlsserver import TestCA, TLSServer, make_test_ca

from wallet.net import Fetcher

TEST_TIMEOUT = (1.0, 0.4)  # connect, read (seconds)


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    return make_test_ca(Path(tmp_path_factory.mktemp("test-ca")))


@pytest.fixture
def https_server(test_ca: TestCA, monkeypatch: pytest.MonkeyPatch) -> Iterator[TLSServer]:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(test_ca.ca_file))
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = TLSServer(test_ca).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fetcher() -> Fetcher:
    return Fetcher(offline=False, timeout=TEST_TIMEOUT, total_seconds=2.0)
