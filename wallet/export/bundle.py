"""The résumé bundle: one ZIP a recruiter can open and check without the app.

Contents (every path fixed, so a checker knows where to look)::

    index.html         the portfolio page; opens offline (images and QR codes inline)
    portfolio.pdf      the same content, paginated (only when a PDF renderer is given)
    resume.json        JSON Resume ``certificates`` and ``skills``
    presentation.json  the holder-signed Verifiable Presentation (see ``presentation``);
                       its ``bundleFiles`` signs the SHA-256 of every file but itself
                       and manifest.json
    credentials/…      every credential exactly as imported, byte for byte
    manifest.json      path, size and SHA-256 of every other file (see ``manifest``);
                       unsigned – a per-file index, not the proof

The PDF needs Qt, which this layer must not import, so the face that owns
Qt passes ``pdf_renderer(html, path)`` in (``wallet.ui.pdf.render_pdf``).
The ZIP is assembled in memory and written with one atomic replace: a
failed export never leaves half a bundle under the chosen name.
"""

from __future__ import annotations

import base64
import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from markupsafe import Markup

from wallet.errors import ExportError
from wallet.export.artwork import to_png
from wallet.export.atomic import write_atomic
from wallet.export.manifest import MANIFEST_NAME, build_manifest
from wallet.export.portfolio import (
    BadgeView,
    ExportItem,
    build_badges,
    require_items,
    top_skill_views,
    verdict_counts,
)
from wallet.export.presentation import (
    HolderKeyStore,
    build_presentation,
    bundle_file_entries,
    holder_for,
    presentation_contents,
    short_did,
    sign_presentation,
)
from wallet.export.qr import qr_png_bytes, qr_svg_text
from wallet.export.render import render
from wallet.export.resume import resume_json
from wallet.model import Credential
from wallet.verify import Report, VerifyOptions, verify

PdfRenderer = Callable[[str, Path], None]

INDEX_NAME = "index.html"
PDF_NAME = "portfolio.pdf"
RESUME_NAME = "resume.json"
PRESENTATION_NAME = "presentation.json"
CREDENTIALS_DIR = "credentials/"
DEFAULT_TITLE = "Badge portfolio"


class _Record(Protocol):
    @property
    def credential(self) -> Credential: ...

    @property
    def report(self) -> Report | None: ...


class BundleStore(HolderKeyStore, Protocol):
    """What ``write_bundle`` reads from ``WalletStore``."""

    def get(self, record_id: str) -> _Record: ...

    def original(self, record_id: str) -> bytes: ...


@dataclass(frozen=True, slots=True)
class BundleResult:
    """What was written: the file list, the holder and anything left out of the presentation."""

    path: Path
    files: tuple[str, ...]
    holder: str
    notes: tuple[str, ...]


def write_bundle(
    store: BundleStore,
    record_ids: Sequence[str],
    out_zip: Path,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    pdf_renderer: PdfRenderer | None = None,
    now: datetime | None = None,
    options: VerifyOptions | None = None,
    title: str = DEFAULT_TITLE,
) -> BundleResult:
    """Write the résumé bundle for ``record_ids`` to ``out_zip`` (see module docstring).

    Verdicts: with ``options`` every credential is verified again now (use an
    online fetcher for a fresh status check); without, the stored report is
    used, and a credential never checked is verified offline.
    """
    from wallet.verify.documents import default_loader

    moment = (now or datetime.now(UTC)).astimezone(UTC)
    items = _items(store, record_ids, options, moment)
    require_items(items)
    loader = default_loader()
    holder = holder_for(store)

    fetcher = options.fetcher if options is not None and options.online else None
    badges = build_badges(items, fetcher=fetcher)
    skills = top_skill_views(items, badges, moment)
    notes: list[str] = []

    contents = presentation_contents([i.credential for i in items], loader)
    for cred, reason in contents.omitted:
        notes.append(
            f"“{cred.display_name}” is not inside presentation.json because {reason}; "
            "its original file is in credentials/ and is checked on its own."
        )

    qr_svgs, qr_pngs = _qr_codes(badges, notes)
    page = {
        "title": title,
        "badges": badges,
        "skills": skills,
        "counts": verdict_counts(badges),
        "generated": f"{moment.day} {moment.strftime('%B')} {moment.year}",
        "holder": holder.did,
        "holder_short": short_did(holder.did),
        "challenge": challenge,
        "domain": domain,
        "notes": notes,
    }
    # Every file the presentation signs is final before it is signed; the presentation and then
    # the manifest (which covers the presentation) are made last.
    pages: dict[str, bytes] = {INDEX_NAME: render("bundle_index.html", qr_svgs=qr_svgs, **page).encode("utf-8")}
    if pdf_renderer is not None:
        pdf_html = render("bundle_pdf.html", qr_pngs=qr_pngs, pdf_images=_pdf_images(badges), **page)
        pages[PDF_NAME] = _render_pdf(pdf_renderer, pdf_html)
    pages[RESUME_NAME] = resume_json(badges, skills, now=moment)
    originals = {CREDENTIALS_DIR + b.original_name: item.original for b, item in zip(badges, items, strict=True)}
    vp = sign_presentation(
        build_presentation(contents.entries, holder, bundle_files=bundle_file_entries(pages | originals)),
        holder,
        loader,
        created=moment,
        challenge=challenge,
        domain=domain,
    )
    files = pages | {PRESENTATION_NAME: (json.dumps(vp, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}
    files |= originals
    files[MANIFEST_NAME] = build_manifest(files)

    write_atomic(out_zip, _zip_bytes(files, moment))
    return BundleResult(out_zip, tuple(files), holder.did, tuple(notes))


def _items(
    store: BundleStore, record_ids: Sequence[str], options: VerifyOptions | None, now: datetime
) -> list[ExportItem]:
    items = []
    for record_id in dict.fromkeys(record_ids):
        record = store.get(record_id)
        report = record.report
        if options is not None:
            report = verify(record.credential, options)
        elif report is None:
            report = verify(record.credential, VerifyOptions(now=now))
        items.append(ExportItem(record_id, record.credential, store.original(record_id), report))
    return items


def _qr_codes(badges: Sequence[BadgeView], notes: list[str]) -> tuple[dict[str, Markup], dict[str, str]]:
    """Inline SVG (page) and PNG data URIs (PDF) for every badge with a public link."""
    svgs: dict[str, Markup] = {}
    pngs: dict[str, str] = {}
    for badge in badges:
        if not badge.verify_url:
            continue
        try:
            # Our own SVG: the only text in it (the title) is escaped by qr_svg_text.
            svgs[badge.slug] = Markup(qr_svg_text(badge.verify_url, title=f"QR code: {badge.name}"))
            pngs[badge.slug] = (
                "data:image/png;base64," + base64.b64encode(qr_png_bytes(badge.verify_url, box_size=6)).decode()
            )
        except ExportError as exc:
            notes.append(f"No QR code for “{badge.name}”: {exc.user_message}")
    return svgs, pngs


def _pdf_images(badges: Sequence[BadgeView]) -> dict[str, str]:
    """Badge art for the PDF: rasters as PNG; SVG is left to Qt's SVG image plug-in."""
    out = {}
    for badge in badges:
        png = to_png(badge.artwork)
        out[badge.slug] = (png or badge.artwork).data_uri
    return out


def _render_pdf(renderer: PdfRenderer, html: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="badgewallet-pdf-") as folder:
        target = Path(folder) / PDF_NAME
        renderer(html, target)
        try:
            data = target.read_bytes()
        except OSError as exc:
            raise ExportError("The PDF could not be made.", detail=repr(exc)) from exc
    if not data.startswith(b"%PDF"):
        raise ExportError("The PDF could not be made.", detail="renderer wrote no PDF")
    return data


def _zip_bytes(files: dict[str, bytes], moment: datetime) -> bytes:
    """The ZIP, index.html first so it is what people see on opening it; fixed timestamps."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name.endswith((".png", ".pdf")) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()
