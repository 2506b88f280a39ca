"""A static portfolio site: a folder to publish on any web host.

Layout::

    index.html               all badges as cards, top skills
    badges/<slug>.html       one page per badge (image, issuer, dates, skills,
                             evidence, verdict at export, download of the original)
    images/<slug>.<ext>      badge art
    credentials/<slug>.<ext> the original credential, byte for byte
    qr/<slug>.svg            QR code of the page (with ``base_url``) or of the
                             issuer's verification URL (without)

With ``base_url`` the pages carry their published address (canonical link)
and the QR codes point to the badge page, which links the original – so a
recruiter's scan leads to something ``badgewallet verify`` can follow.
The whole folder is built aside and swapped in at the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from markupsafe import Markup

from wallet.errors import ExportError
from wallet.export.atomic import atomic_folder
from wallet.export.portfolio import (
    BadgeView,
    ExportItem,
    build_badges,
    human_date,
    require_items,
    stable_slug,
    top_skill_views,
    verdict_counts,
)
from wallet.export.qr import qr_svg_text
from wallet.export.render import render
from wallet.model import Credential
from wallet.net import Fetcher
from wallet.verify import Report

DEFAULT_TITLE = "Badge portfolio"


class SiteRecord(Protocol):
    """A stored record (``wallet.store.StoredRecord``) as the site needs it."""

    @property
    def record_id(self) -> str: ...

    @property
    def credential(self) -> Credential: ...

    @property
    def report(self) -> Report | None: ...


@dataclass(frozen=True, slots=True)
class SiteResult:
    folder: Path
    pages: tuple[str, ...]
    notes: tuple[str, ...]


def export_site(
    records: Iterable[SiteRecord],
    out_dir: Path,
    *,
    base_url: str | None = None,
    title: str = DEFAULT_TITLE,
    fetcher: Fetcher | None = None,
    now: datetime | None = None,
) -> SiteResult:
    """Write the portfolio site for ``records`` into ``out_dir`` (replacing an earlier export there)."""
    base = _normalise_base(base_url)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    items = [ExportItem(r.record_id, r.credential, r.credential.original, r.report) for r in records]
    require_items(items)
    badges = build_badges(items, fetcher=fetcher, numbered=False)
    skills = top_skill_views(items, badges, moment)
    common = {"title": title, "generated": human_date(moment)}
    notes: list[str] = []
    pages = ["index.html"]
    with atomic_folder(out_dir) as folder:
        for sub in ("badges", "images", "credentials", "qr"):
            (folder / sub).mkdir()
        for badge, item in zip(badges, items, strict=True):
            page_url = urljoin(base, f"badges/{badge.slug}.html") if base else None
            qr, caption = _qr_for(badge, page_url, folder, notes)
            (folder / "images" / f"{badge.slug}{badge.artwork.suffix}").write_bytes(badge.artwork.data)
            (folder / "credentials" / badge.original_name).write_bytes(item.original)
            html = render("site_badge.html", b=badge, page_url=page_url, qr=qr, qr_caption=caption, **common)
            (folder / "badges" / f"{badge.slug}.html").write_text(html, encoding="utf-8")
            pages.append(f"badges/{badge.slug}.html")
        index = render(
            "site_index.html",
            badges=badges,
            skills=skills,
            counts=verdict_counts(badges),
            page_url=urljoin(base, "index.html") if base else None,
            **common,
        )
        (folder / "index.html").write_text(index, encoding="utf-8")
    return SiteResult(out_dir, tuple(pages), tuple(notes))


def _qr_for(badge: BadgeView, page_url: str | None, folder: Path, notes: list[str]) -> tuple[Markup | None, str]:
    """The page's QR code (published address first, else the issuer's link), also saved as qr/<slug>.svg."""
    target = page_url or badge.verify_url
    if target is None:
        return None, ""
    caption = (
        "Scan to open this page"
        if page_url
        else ("Scan to verify at the issuer" if badge.verify_proves_award else "Scan for the issuer's page")
    )
    try:
        svg = qr_svg_text(target, title=f"QR code: {badge.name}")
    except ExportError as exc:
        notes.append(f"No QR code for “{badge.name}”: {exc.user_message}")
        return None, ""
    (folder / "qr" / f"{badge.slug}.svg").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n", encoding="utf-8"
    )
    return Markup(svg), caption  # our own SVG; its only text is escaped by qr_svg_text


def site_page_url(base_url: str, record_id: str, credential: Credential) -> str:
    """Where ``export_site(..., base_url=base_url)`` publishes this badge's page."""
    base = _normalise_base(base_url) or ""
    return urljoin(base, f"badges/{stable_slug(record_id, credential)}.html")


def _normalise_base(base_url: str | None) -> str | None:
    """``https://me.example/badges`` → ``https://me.example/badges/`` (pages resolve below it)."""
    if base_url is None:
        return None
    parts = urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise ExportError(
            f"The published address must be a plain http(s) URL such as https://example.org/badges/, not {base_url!r}."
        )
    return base_url if base_url.endswith("/") else base_url + "/"
