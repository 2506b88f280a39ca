"""Portfolio site: the folder, escaping, published addresses – and a recruiter's scan of a page's QR code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from export_factory import NOW, Wallet, rasterise_svg
from tlsserver import TLSServer

from wallet.errors import ExportError
from wallet.export.qr import decode_qr_image, qr_png_bytes
from wallet.export.recruiter_checks import check_special
from wallet.export.site import export_site
from wallet.net import Fetcher
from wallet.verify import VerifyOptions

BASE = "https://me.example.org/portfolio"


def _site(wallet: Wallet, folder: Path, base_url: str | None = BASE) -> list[str]:
    records = [wallet.store.get(i) for i in wallet.ids]
    return list(export_site(records, folder, base_url=base_url, now=NOW).pages)


def test_folder_layout_and_pages(wallet: Wallet, tmp_path: Path) -> None:
    site = tmp_path / "site"
    pages = _site(wallet, site)
    assert pages[0] == "index.html" and len(pages) == 4
    for page in pages:
        assert (site / page).is_file()
    originals = sorted(p.read_bytes() for p in (site / "credentials").iterdir())
    assert originals == sorted(wallet.originals)
    index = (site / "index.html").read_text("utf-8")
    assert "Python for Data Science &amp; ML &lt;Level 2&gt;" in index
    assert f'<link rel="canonical" href="{BASE}/index.html">' in index
    assert "<script" not in index
    page = (site / pages[1]).read_text("utf-8")
    assert "data-badgewallet-original" in page
    assert "Cloud" in (site / pages[2]).read_text("utf-8")
    for img in re.findall(r'src="([^"]+)"', index):
        assert (site / img).is_file(), img


def test_qr_codes_point_to_the_published_pages(wallet: Wallet, tmp_path: Path) -> None:
    site = tmp_path / "site"
    pages = _site(wallet, site)
    for page in pages[1:]:
        slug = Path(page).stem
        svg = (site / "qr" / f"{slug}.svg").read_text("utf-8")
        assert decode_qr_image(rasterise_svg(svg)) == [f"{BASE}/{page}"]


def test_without_base_url_only_public_links_get_codes(wallet: Wallet, tmp_path: Path) -> None:
    site = tmp_path / "site"
    _site(wallet, site, base_url=None)
    codes = list((site / "qr").iterdir())
    assert len(codes) == 1  # only the badge naming a public page
    assert decode_qr_image(rasterise_svg(codes[0].read_text("utf-8"))) == [
        "https://cncf.example.org/badges/cka?lang=en&v=2"
    ]
    assert "canonical" not in (site / "index.html").read_text("utf-8")


def test_a_second_export_replaces_the_first(wallet: Wallet, tmp_path: Path) -> None:
    site = tmp_path / "site"
    _site(wallet, site)
    (site / "stale.txt").write_text("old")
    export_site([wallet.store.get(wallet.ids[0])], site, now=NOW)
    assert not (site / "stale.txt").exists()
    assert len(list((site / "badges").iterdir())) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "site"]


@pytest.mark.parametrize("bad", ["ftp://x.example/", "javascript:alert(1)", "https://x.example/?q=1", "/relative"])
def test_bad_base_url_is_refused(wallet: Wallet, tmp_path: Path, bad: str) -> None:
    with pytest.raises(ExportError):
        _site(wallet, tmp_path / "site", base_url=bad)


def _publish(site: Path, server: TLSServer, prefix: str) -> None:
    types = {
        ".html": "text/html; charset=utf-8",
        ".json": "application/json",
        ".png": "image/png",
        ".jwt": "text/plain",
    }
    for path in site.rglob("*"):
        if path.is_file():
            rel = path.relative_to(site).as_posix()
            server.route(f"{prefix}{rel}", path.read_bytes(), headers={"Content-Type": types.get(path.suffix, "")})


def test_recruiter_scans_a_page_code_and_gets_the_original_verified(
    wallet: Wallet, tmp_path: Path, https_server: TLSServer, fetcher: Fetcher
) -> None:
    site = tmp_path / "site"
    base = https_server.url("/me/")
    pages = _site(wallet, site, base_url=base)
    _publish(site, https_server, "/me/")
    photo = qr_png_bytes(base + pages[2])  # the baked PNG badge's page

    result = check_special(photo, "photo.png", VerifyOptions(fetcher=fetcher, now=NOW))
    assert result is not None
    assert [c.id for c in result.extra_checks] == ["qr"]
    assert [(r.credential_name, r.verdict) for r in result.reports] == [(wallet.names[1], "valid")]

    offline = check_special(photo, "photo.png", VerifyOptions(now=NOW))
    assert offline is not None and offline.verdict == "incomplete"
    assert base + pages[2] in offline.reports[0].checks[0].message


def test_recruiter_does_not_follow_links_to_other_sites(https_server: TLSServer, fetcher: Fetcher) -> None:
    page = '<!DOCTYPE html><a data-badgewallet-original href="https://elsewhere.example/x.json">x</a>'
    url = https_server.route("/p.html", page, headers={"Content-Type": "text/html"})
    result = check_special(qr_png_bytes(url), "photo.png", VerifyOptions(fetcher=fetcher, now=NOW))
    assert result is not None and result.verdict == "incomplete"
    assert "elsewhere.example" in result.reports[0].checks[0].message
    assert https_server.hits("/p.html") == 1
