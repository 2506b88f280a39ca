"""What a portfolio page shows, computed once for the site, the bundle page and the PDF.

Templates get plain, already-decided values (display dates, a verdict tone,
safe link targets) so that the three outputs cannot disagree and the
templates stay free of logic.  Everything that came from a credential is
untrusted text: the templates escape it (autoescape on), and links are only
emitted for ``http(s)`` URLs – autoescaping does not stop ``javascript:``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from wallet.errors import ExportError
from wallet.export.artwork import Artwork, badge_artwork, sniff_image
from wallet.export.links import issue_date, verification_link
from wallet.model import (
    FORMAT_CLR2,
    FORMAT_OB2_HOSTED,
    FORMAT_OB2_SIGNED,
    FORMAT_OB3_JSON,
    FORMAT_OB3_JWT,
    FORMAT_VC,
    FORMAT_VC_JWT,
    Credential,
)
from wallet.net import Fetcher
from wallet.skills import SkillInput, build_map, top_skills
from wallet.verify.report import (
    EXPIRED,
    INCOMPLETE,
    NOT_YET_VALID,
    VALID,
    VERDICT_TEXT,
    Report,
)

FORMAT_LABELS = {
    FORMAT_OB2_HOSTED: "Open Badges 2.0 (hosted)",
    FORMAT_OB2_SIGNED: "Open Badges 2.0 (signed)",
    FORMAT_OB3_JSON: "Open Badges 3.0",
    FORMAT_OB3_JWT: "Open Badges 3.0 (JWT)",
    FORMAT_CLR2: "Comprehensive Learner Record 2.0",
    FORMAT_VC: "Verifiable Credential",
    FORMAT_VC_JWT: "Verifiable Credential (JWT)",
}
STATUS_MARK = {"pass": "✔", "fail": "✘", "unknown": "?", "skipped": "–"}
TOP_SKILLS = 12


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One stored credential as an export needs it."""

    record_id: str
    credential: Credential
    original: bytes
    report: Report | None


@dataclass(frozen=True, slots=True)
class CheckView:
    id: str
    status: str
    mark: str
    message: str


@dataclass(frozen=True, slots=True)
class EvidenceView:
    title: str
    url: str | None
    text: str | None


@dataclass(frozen=True, slots=True)
class BadgeView:
    """Everything one badge block on a page shows (see module docstring)."""

    slug: str
    record_id: str
    name: str
    issuer: str
    issuer_url: str | None
    format_label: str
    description: str | None
    criteria: str | None
    criteria_url: str | None
    issued: str | None
    issued_iso: str | None
    expires: str | None
    expired: bool
    skills: tuple[str, ...]
    evidence: tuple[EvidenceView, ...]
    verdict: str
    verdict_text: str
    tone: str  # good | warn | bad
    checked: str | None
    checked_online: bool
    checks: tuple[CheckView, ...]
    verify_url: str | None
    verify_proves_award: bool
    original_name: str
    original_kind: str  # PNG, SVG, JSON, JWT
    original_size: str
    artwork: Artwork


@dataclass(frozen=True, slots=True)
class SkillView:
    name: str
    badges: tuple[tuple[str, str], ...]  # (slug, badge name)


def build_badges(
    items: Sequence[ExportItem], *, fetcher: Fetcher | None = None, numbered: bool = True
) -> list[BadgeView]:
    """One view per item, in the given order, with unique file-safe slugs.

    Bundles number their files (a recruiter reads them in order); a published
    site uses ``stable_slug`` instead, so a badge keeps its address – and its
    printed QR code – whatever else is exported with it.
    """
    views: list[BadgeView] = []
    used: set[str] = set()
    for number, item in enumerate(items, start=1):
        base = (
            f"{number:02d}-{slugify(item.credential.display_name)}"
            if numbered
            else stable_slug(item.record_id, item.credential)
        )
        slug = unique_slug(base, used)
        views.append(badge_view(item, slug, fetcher=fetcher))
    return views


def stable_slug(record_id: str, credential: Credential) -> str:
    """The page name of a badge on a published site: its name plus a short record id."""
    return f"{slugify(credential.display_name)}-{record_id[:8]}"


def badge_view(item: ExportItem, slug: str, *, fetcher: Fetcher | None = None) -> BadgeView:
    cred = item.credential
    report = item.report
    verdict = report.verdict if report else "unchecked"
    issued = issue_date(cred)
    link = verification_link(cred, fetcher)
    checked_at = report.checked_at if report else None
    return BadgeView(
        slug=slug,
        record_id=item.record_id,
        name=cred.display_name,
        issuer=cred.issuer_name,
        issuer_url=safe_url(cred.issuer.url) or safe_url(cred.issuer.id),
        format_label=FORMAT_LABELS.get(cred.format, cred.format),
        description=cred.description or cred.achievement.description,
        criteria=cred.achievement.criteria_narrative,
        criteria_url=safe_url(cred.achievement.criteria_url),
        issued=human_date(issued),
        issued_iso=issued.date().isoformat() if issued else None,
        expires=human_date(cred.valid_until),
        expired=verdict == EXPIRED,
        skills=cred.skills,
        evidence=tuple(_evidence(cred)),
        verdict=verdict,
        verdict_text=VERDICT_TEXT.get(verdict, "Not checked yet"),
        tone=verdict_tone(verdict),
        checked=human_date(checked_at),
        checked_online=bool(report and report.online),
        checks=tuple(
            CheckView(c.id, c.status, STATUS_MARK.get(c.status, "?"), c.message)
            for c in (report.checks if report else ())
        ),
        verify_url=link.url if link else None,
        verify_proves_award=bool(link and link.proves_award),
        original_name=f"{slug}{original_suffix(item.original)}",
        original_kind=original_suffix(item.original).lstrip(".").upper(),
        original_size=human_size(len(item.original)),
        artwork=badge_artwork(cred, item.original),
    )


def top_skill_views(items: Sequence[ExportItem], badges: Sequence[BadgeView], now: datetime) -> list[SkillView]:
    """The résumé's top skills with the badges (in this export) that prove each one."""
    skill_map = build_map(
        [SkillInput(i.record_id, i.credential, i.report.verdict if i.report else None) for i in items], now=now
    )
    slug_of = {b.record_id: (b.slug, b.name) for b in badges}
    views = []
    for top in top_skills(skill_map, TOP_SKILLS):
        proven = tuple(dict.fromkeys(slug_of[ref.record_id] for ref in top.badges if ref.record_id in slug_of))
        if proven:
            views.append(SkillView(top.name, proven))
    return views


def verdict_counts(badges: Sequence[BadgeView]) -> list[tuple[str, str, int]]:
    """(verdict text, tone, count) for the header summary, valid first."""
    counts: dict[str, int] = {}
    for badge in badges:
        counts[badge.verdict] = counts.get(badge.verdict, 0) + 1
    order = sorted(counts, key=lambda v: (v != VALID, v))
    return [(VERDICT_TEXT.get(v, "Not checked yet"), verdict_tone(v), counts[v]) for v in order]


def verdict_tone(verdict: str) -> str:
    if verdict == VALID:
        return "good"
    if verdict in (INCOMPLETE, EXPIRED, NOT_YET_VALID, "unchecked"):
        return "warn"
    return "bad"


def _evidence(cred: Credential) -> list[EvidenceView]:
    out = []
    for ev in cred.evidence:
        url = safe_url(ev.id)
        title = ev.name or ev.genre or (url and urlsplit(url).netloc) or "Evidence"
        text = ev.description or ev.narrative
        if url or text or ev.name:
            out.append(EvidenceView(title, url, text))
    return out


# ------------------------------------------------------------------ small helpers


def safe_url(value: str | None) -> str | None:
    """``value`` if it is an absolute http(s) URL – the only links a page may carry."""
    if not value or len(value) > 2048 or any(c in value for c in "\r\n\t"):
        return None
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def human_date(moment: datetime | None) -> str | None:
    """``3 May 2024``: unambiguous in every locale a recruiter may read it in."""
    if moment is None:
        return None
    return f"{moment.day} {moment.strftime('%B')} {moment.year}"


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def slugify(text: str, max_len: int = 40) -> str:
    """ASCII letters, digits and dashes only: safe as a file name on every system and in a URL."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:max_len].strip("-")
    return slug or "badge"


def unique_slug(slug: str, used: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in used:
        candidate, n = f"{slug}-{n}", n + 1
    used.add(candidate)
    return candidate


def original_suffix(data: bytes) -> str:
    """A file suffix for an original by content (names of imported files are not trusted)."""
    mime = sniff_image(data)
    if mime == "image/png":
        return ".png"
    if mime == "image/svg+xml":
        return ".svg"
    stripped = data.lstrip()[:1]
    if stripped in (b"{", b"["):
        return ".json"
    if re.fullmatch(rb"\s*[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\s*", data[:100_000]):
        return ".jwt"
    return ".txt"


def require_items(items: Sequence[ExportItem]) -> None:
    if not items:
        raise ExportError("Choose at least one badge to export.")
