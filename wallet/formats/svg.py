"""SVG reading for baked badges: defused XML, matched by namespace URI.

The baking specs put ``<openbadges:assertion>`` (OB 2.0, ``http://openbadges.org``)
or ``<openbadges:credential>`` (OB 3.0, ``https://purl.imsglobal.org/ob/v3p0``)
right after ``<svg>``.  Prefixes are arbitrary, so elements are matched on
namespace URI + local name, and both local names are accepted in both
namespaces.

The scan records byte offsets as well as content so the baker can splice a
file without re-serializing it (re-serializing would rename prefixes and
reflow the author's markup).

Safety: ``defusedxml`` refuses entity declarations (billion laughs, external
entities) and external references.  A DOCTYPE is allowed only when it is one
of the standard SVG DTDs (which expat never loads); any other external DTD is
refused.  Nothing is ever fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from wallet.errors import FormatError, NotABadge
from wallet.formats.common import NS_OB2, NS_OB3, check_size
from wallet.limits import Limits

BADGE_NAMESPACES = (NS_OB2, NS_OB3)
BADGE_LOCAL_NAMES = ("assertion", "credential")
_SVG_PUBLIC_IDS = frozenset(
    {
        "-//W3C//DTD SVG 1.0//EN",
        "-//W3C//DTD SVG 1.1//EN",
        "-//W3C//DTD SVG 1.1 Basic//EN",
        "-//W3C//DTD SVG 1.1 Tiny//EN",
    }
)
_NO_BADGE = "The SVG image contains no badge (no openbadges:assertion or openbadges:credential element)"
# A start tag: name, then attributes whose quoted values may hold '>'.
_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")


@dataclass(frozen=True, slots=True)
class BadgeElement:
    """One badge element: what it holds and where it sits in the file."""

    namespace: str
    local_name: str
    verify: str | None
    body: str = field(repr=False)  # character data (CDATA included), unstripped
    start: int = 0  # byte offset of '<'
    end: int = 0  # byte offset just after the element


@dataclass(frozen=True, slots=True)
class SvgScan:
    """The root ``<svg>`` start tag's position and every badge element."""

    root_start: int
    root_tag_end: int  # byte offset just after the root start tag's '>'
    root_self_closing: bool
    elements: tuple[BadgeElement, ...]


def looks_like_svg(data: bytes) -> bool:
    return b"<svg" in data or b":svg" in data


def mentions_badge_namespace(data: bytes) -> bool:
    """Cheap pre-check: a baked SVG must spell out one of the badge namespace URIs."""
    return any(ns.encode() in data for ns in BADGE_NAMESPACES)


def tag_end(data: bytes, start: int) -> tuple[int, bool] | None:
    """End offset of the start tag at ``start`` and whether it is self-closing.

    None when the bytes there are not an ASCII-compatible tag (e.g. UTF-16),
    which only matters for baking: reading needs no offsets.
    """
    match = _START_TAG.match(data, start)
    return (match.end(), match.group(1) == b"/") if match else None


class _Done(Exception):
    """Raised from a callback to stop parsing once the first badge is read."""


@dataclass(slots=True)
class _OpenElement:
    """A badge element whose end tag has not been reached yet."""

    namespace: str
    local_name: str
    verify: str | None
    start: int
    depth: int
    tag_end: int  # -1 when unknown
    self_closing: bool
    text: list[str] = field(default_factory=list)


class _Scanner:
    """ElementTree target that records the root tag and badge elements.

    Offsets come from expat's ``CurrentByteIndex``, which during a start
    callback points at the ``<`` of that tag and during an end callback at
    the ``</`` of a closing tag.
    """

    def __init__(self, data: bytes, first_only: bool) -> None:
        self.source = data
        self.first_only = first_only
        self.parser: Any = None  # the expat parser, set before feeding
        self.depth = 0
        self.root: tuple[int, int, bool] | None = None
        self.elements: list[BadgeElement] = []
        self._open: _OpenElement | None = None

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        index = self.parser.CurrentByteIndex
        self.depth += 1
        if self.root is None:
            if _local(tag) != "svg":
                raise NotABadge("The XML document is not an SVG image")
            end, closing = tag_end(self.source, index) or (-1, False)
            self.root = (index, end, closing)
        elif self._open is None and _is_badge_tag(tag):
            end, closing = tag_end(self.source, index) or (-1, False)
            namespace, local = tag[1:].split("}", 1)
            self._open = _OpenElement(namespace, local, attrib.get("verify"), index, self.depth, end, closing)

    def end(self, tag: str) -> None:
        current = self._open
        if current is not None and self.depth == current.depth:
            if current.self_closing:
                end = current.tag_end
            else:
                close = self.source.find(b">", self.parser.CurrentByteIndex)
                end = close + 1 if close >= 0 else -1
            self.elements.append(
                BadgeElement(
                    current.namespace, current.local_name, current.verify, "".join(current.text), current.start, end
                )
            )
            self._open = None
            if self.first_only:
                raise _Done
        self.depth -= 1

    def data(self, chunk: str) -> None:
        if self._open is not None and self.depth == self._open.depth:
            self._open.text.append(chunk)

    def close(self) -> None:
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _is_badge_tag(tag: str) -> bool:
    if not tag.startswith("{"):
        return False
    namespace, local = tag[1:].split("}", 1)
    return namespace in BADGE_NAMESPACES and local in BADGE_LOCAL_NAMES


def _doctype_guard(name: str, sysid: str | None, pubid: str | None, has_internal_subset: bool) -> None:
    """Allow no DOCTYPE but the standard SVG ones; never load any."""
    if sysid is None and pubid is None:
        return
    if pubid in _SVG_PUBLIC_IDS and (sysid or "").startswith("http://www.w3.org/"):
        return
    raise DTDForbidden(name, sysid, pubid)


def scan_svg(data: bytes, limits: Limits, *, first_only: bool = False) -> SvgScan:
    """Parse ``data`` safely and return the root tag position and badge elements."""
    check_size(len(data), limits.max_svg_bytes, "The SVG file")
    scanner = _Scanner(data, first_only)
    parser = DefusedXMLParser(target=scanner, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    scanner.parser = parser.parser
    parser.parser.StartDoctypeDeclHandler = _doctype_guard
    try:
        parser.feed(data)
        parser.close()
    except _Done:
        pass
    except EntitiesForbidden as exc:
        raise FormatError(
            "The SVG declares XML entities, which are refused (they can expand into a "
            "'billion laughs' attack or read local files); nothing was expanded or fetched",
            detail=str(exc),
        ) from None
    except (DTDForbidden, ExternalReferenceForbidden) as exc:
        where = getattr(exc, "sysid", None) or "an external resource"
        raise FormatError(
            f"The SVG refers to an external DTD or entity ({where}), which is refused and never fetched",
            detail=str(exc),
        ) from None
    except ParseError as exc:
        raise FormatError(f"The SVG is not well-formed XML ({exc})", detail=repr(exc)) from None
    if scanner.root is None:
        raise NotABadge("The file holds no SVG image")
    start, end, closing = scanner.root
    return SvgScan(start, end, closing, tuple(scanner.elements))


def extract_badge_element(data: bytes, limits: Limits) -> BadgeElement:
    """The first badge element; ``NotABadge`` when the SVG has none."""
    check_size(len(data), limits.max_svg_bytes, "The SVG file")
    if not mentions_badge_namespace(data):
        raise NotABadge(_NO_BADGE)
    scan = scan_svg(data, limits, first_only=True)
    if not scan.elements:
        raise NotABadge(_NO_BADGE)
    return scan.elements[0]


def element_payload(element: BadgeElement) -> str:
    """What the element carries: its body (JSON) if any, else the ``verify`` attribute."""
    body = element.body.strip()
    if body:
        return body
    if element.verify and element.verify.strip():
        return element.verify.strip()
    raise FormatError("The SVG badge element is empty (no body and no verify attribute)")
