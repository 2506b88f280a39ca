"""Fixtures for the export tests: a real encrypted store holding real signed credentials."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from export_factory import (
    BUNDLE_CHALLENGE,
    BUNDLE_DOMAIN,
    CRITERIA_PAGE,
    NAME_JSON,
    NAME_JWT,
    NAME_PNG,
    NOW,
    Wallet,
    add_file,
    baked_png_bytes,
    json_bytes,
    jwt_bytes,
    make_issuer,
    ob3_document,
    open_store,
    sign,
)


@pytest.fixture(autouse=True)
def _qt_application(qapp: object) -> None:
    """Make sure the process's Qt application is pytest-qt's QApplication.

    The PDF renderer and the SVG rasteriser create a bare QGuiApplication
    when none exists; if that happened first, later widget tests in the same
    run would abort ("Must construct a QApplication before a QWidget").
    """


@pytest.fixture
def wallet(tmp_path: Path) -> Iterator[Wallet]:
    university = make_issuer("university", "Université de l'Été & Co")
    cncf = make_issuer("cncf", "Cloud <Native> Foundation")
    json_doc = sign(
        university,
        ob3_document(
            university, NAME_JSON, skills=("Python", "Data analysis"), evidence_url="https://github.com/earner/project"
        ),
    )
    png_doc = ob3_document(cncf, NAME_PNG, skills=("Kubernetes", "Linux"), valid_until="2027-03-15T00:00:00Z")
    png_doc["credentialSubject"]["achievement"]["criteria"]["id"] = CRITERIA_PAGE
    files = (
        (json_bytes(json_doc), "python.json"),
        (baked_png_bytes(cncf, png_doc), "cka.png"),
        (jwt_bytes(university, ob3_document(university, NAME_JWT, skills=("Statistics", "Python"))), "stats.jwt"),
    )
    store = open_store(tmp_path / "home")
    try:
        ids = tuple(add_file(store, data, name) for data, name in files)
        yield Wallet(store, ids, (NAME_JSON, NAME_PNG, NAME_JWT), tuple(d for d, _ in files), university, cncf)
    finally:
        store.close()


@pytest.fixture
def bundle(wallet: Wallet, tmp_path: Path) -> Path:
    """A real résumé bundle of the three credentials, with its PDF, a challenge and a domain."""
    from wallet.export.bundle import write_bundle
    from wallet.ui.pdf import render_pdf

    out = tmp_path / "out" / "bundle.zip"
    write_bundle(
        wallet.store,
        wallet.ids,
        out,
        challenge=BUNDLE_CHALLENGE,
        domain=BUNDLE_DOMAIN,
        pdf_renderer=render_pdf,
        now=NOW,
    )
    return out
