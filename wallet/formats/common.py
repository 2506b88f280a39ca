"""Small pieces every format module shares: the parse context, the
"not a badge" error, and tolerant readers for JSON-LD-ish values.

Badge JSON in the wild is loose: a field may be a string or a list, an IRI or
an embedded object, a date with or without a zone.  The readers here accept
those shapes once, so the format modules stay declarative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from wallet.errors import FormatError, LimitExceeded
from wallet.limits import MB, Limits

# Baked-chunk keywords (PNG) and namespaces (SVG) from the baking specs.
KEYWORD_OB2 = "openbadges"
KEYWORD_OB3 = "openbadgecredential"
BADGE_KEYWORDS = (KEYWORD_OB2, KEYWORD_OB3)
NS_OB2 = "http://openbadges.org"
NS_OB3 = "https://purl.imsglobal.org/ob/v3p0"

_JWS_RE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_URL_RE = re.compile(r"https?://[^\s\"<>]+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What every credential built from one input shares."""

    original: bytes
    source_name: str
    container: str  # png | svg | json | jwt | url
    limits: Limits


def human_bytes(n: int) -> str:
    """A limit as people say it: ``20 MB`` rather than ``20971520``."""
    if n >= MB and n % MB == 0:
        return f"{n // MB} MB"
    if n >= MB:
        return f"{n / MB:.1f} MB"
    return f"{n:,} bytes"


def check_size(size: int, limit: int, what: str = "File") -> None:
    """Raise ``LimitExceeded`` naming the limit when ``size`` is over it."""
    if size > limit:
        raise LimitExceeded(f"{what} is larger than the {human_bytes(limit)} limit")


def payload_kind(text: str) -> str | None:
    """Classify baked text by its first non-blank character (baking specs).

    Returns ``json``, ``url``, ``jws`` or None.
    """
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        return "json"
    if stripped[:8].lower().startswith(("http://", "https://")):
        return "url" if _URL_RE.fullmatch(stripped.rstrip()) else None
    if looks_like_jws(stripped):
        return "jws"
    return None


def looks_like_jws(text: str) -> bool:
    """Three base64url segments joined by dots (whitespace is ignored)."""
    compact = "".join(text.split())
    return bool(compact) and _JWS_RE.fullmatch(compact) is not None


def as_list(value: Any) -> list[Any]:
    """JSON-LD treats ``x`` and ``[x]`` alike; give a list either way."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def types_of(obj: Any) -> tuple[str, ...]:
    """The ``type`` (or ``@type``) values of an object, as strings."""
    if not isinstance(obj, dict):
        return ()
    raw = obj.get("type", obj.get("@type"))
    return tuple(t for t in as_list(raw) if isinstance(t, str))


def text(value: Any) -> str | None:
    """A plain string field, or None for anything else (numbers become text)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def ref_id(value: Any) -> str | None:
    """An IRI given either as a string or as an object with ``id``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return text(value.get("id") or value.get("@id"))
    return None


def first_dict(value: Any) -> dict[str, Any] | None:
    """The first object in ``value`` (object or list), if any."""
    for item in as_list(value):
        if isinstance(item, dict):
            return item
    return None


def as_bool(value: Any) -> bool:
    """Booleans sometimes arrive as the strings "true"/"false"."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def parse_datetime(value: Any) -> datetime | None:
    """ISO 8601 (with ``Z``, any fraction, or date only) or Unix seconds (OB 1.0).

    Naive values are taken as UTC.  Unparseable values give None; the raw
    text stays in ``document`` so the structure check can name the problem.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return from_timestamp(value)
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    raw = value.strip()
    if raw.isdigit():
        return from_timestamp(int(raw))
    iso = raw[:-1] + "+00:00" if raw[-1:] in ("Z", "z") else raw
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(raw), datetime.min.time())
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def from_timestamp(value: float) -> datetime | None:
    """A JWT NumericDate or Unix time; out-of-range values give None."""
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def iso_z(moment: datetime) -> str:
    """``2024-01-02T03:04:05Z``: the XSD dateTime form VCs use."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def with_prefix(exc: FormatError, label: str) -> FormatError:
    """The same kind of error, with the file it came from in front."""
    if not label or exc.user_message.startswith(f"{label}: "):
        return exc
    return type(exc)(f"{label}: {exc.user_message}", detail=exc.detail)
