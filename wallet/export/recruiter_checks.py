"""Recruiter mode for the two things only exports make: résumé bundles and QR images.

``check_special`` is called by ``wallet.recruiter`` before its ordinary
file handling and answers ``None`` for anything else, so a plain badge file
or an ordinary ZIP of badges keeps its usual path.

Bundle ZIP – four extra checks, then one report per credential file:

* ``manifest``: every byte of every file against ``manifest.json``; a
  changed file is named.  The manifest is not signed – anyone can rewrite it
  to match an edited file – so it gives the friendliest per-file message but
  is not what proves the pages are the holder's;
* ``presentation``: the holder's eddsa-rdfc-2022 authentication proof, by
  the holder's own did:key, with the challenge/domain the recruiter asked
  for (``options.challenge``/``options.domain``);
* ``signed-files``: every file of the ZIP except ``presentation.json`` and
  ``manifest.json`` against the ``bundleFiles`` digests the holder signed
  inside the presentation (read from the signed RDF, see
  ``presentation.signed_bundle_files``).  A changed, missing or added file
  fails with ``tampered`` and is named – even when ``manifest.json`` was
  rewritten to match.  Skipped when the presentation's signature does not
  verify (that check already fails).  Bundles written before the pages were
  signed have no ``bundleFiles``: they still pass the other checks, but this
  one is ``unknown`` ("the pages are not covered by the holder's signature")
  and the bundle's verdict is ``incomplete``, never ``valid`` – their pages
  could have been edited along with the manifest (an ``unknown`` bundle
  check makes the whole result ``incomplete``);
* ``contents``: each credential file is the one the holder signed over
  (OB 2.0 assertions, which a presentation cannot carry, are named).

Each credential in ``credentials/`` is then parsed and verified on its own,
exactly like a dropped file – the issuers' signatures are what matter.

QR image – every code is read; a link is fetched with ``options.fetcher``
(offline: the report says ``incomplete`` and names the link).  A link to a
portfolio page is followed to the original credential it offers for
download, but only on the same origin: a page must not be able to send the
checker to fetch arbitrary third-party addresses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from wallet.errors import FormatError, NetworkError, WalletError
from wallet.export.manifest import MANIFEST_NAME, declared_entries, manifest_problems, read_zip
from wallet.export.presentation import (
    ENVELOPED_TYPE,
    JWT_DATA_PREFIX,
    check_presentation,
    digest_sri,
    signed_bundle_files,
)
from wallet.export.qr import decode_qr_image, is_raster_image
from wallet.formats.detect import is_zip, parse
from wallet.formats.jsonsafe import loads_limited
from wallet.limits import DEFAULT_LIMITS
from wallet.model import Credential
from wallet.verify import Report, VerifyOptions, verify
from wallet.verify.documents import ContextLoader, default_loader
from wallet.verify.report import (
    FAIL,
    INVALID_SIGNATURE,
    MALFORMED,
    PASS,
    SKIPPED,
    STRUCTURE,
    TAMPERED,
    UNKNOWN,
    Check,
)
from wallet.verify.summary import CheckResult

CHECK_MANIFEST = "manifest"
CHECK_PRESENTATION = "presentation"
CHECK_SIGNED_FILES = "signed-files"
CHECK_CONTENTS = "contents"
PRESENTATION_NAME = "presentation.json"
CHECK_QR = "qr"
BUNDLE_MARKERS = (MANIFEST_NAME, PRESENTATION_NAME)
CREDENTIALS_DIR = "credentials/"
ORIGINAL_MARKER = "data-badgewallet-original"
_ACCEPT = (
    "application/ld+json, application/json;q=0.9, text/html;q=0.8, image/png;q=0.7, image/svg+xml;q=0.7, */*;q=0.5"
)


def check_special(data: bytes, name: str, options: VerifyOptions) -> CheckResult | None:
    """Check a résumé bundle ZIP or a QR image; ``None`` for any other input."""
    if is_zip(data):
        return check_bundle(data, name, options) if is_bundle(data) else None
    if is_raster_image(data):
        try:
            texts = decode_qr_image(data)
        except FormatError:
            return None
        if not texts or _is_baked_badge(data, name):
            return None
        return check_qr_texts(texts, name, options)
    return None


def is_bundle(data: bytes) -> bool:
    """A ZIP whose directory lists the bundle's fixed files (read without inflating anything)."""
    import io
    import zipfile

    if declared_entries(data) > DEFAULT_LIMITS.max_zip_entries:
        return False  # the ordinary archive path refuses it with the limit's name
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist()[: DEFAULT_LIMITS.max_zip_entries + 1])
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return all(marker in names for marker in BUNDLE_MARKERS)


# ------------------------------------------------------------------ bundles


def check_bundle(data: bytes, name: str, options: VerifyOptions) -> CheckResult:
    try:
        files = read_zip(data)
    except WalletError as exc:
        failed = Check(CHECK_MANIFEST, FAIL, f"The bundle cannot be opened: {exc.user_message}", MALFORMED)
        return _bundle_result(name, [], [failed], options)

    problems = manifest_problems(files)
    checks = [
        Check(CHECK_MANIFEST, FAIL, " ".join(problems), TAMPERED)
        if problems
        else Check(CHECK_MANIFEST, PASS, f"All {len(files) - 1} files match manifest.json (SHA-256).")
    ]
    loader = default_loader()
    presentation = _load_presentation(files.get(PRESENTATION_NAME))
    presentation_check = (
        check_presentation(presentation, options, loader)
        if presentation is not None
        else Check(CHECK_PRESENTATION, FAIL, "presentation.json is missing or is not JSON.", INVALID_SIGNATURE)
    )
    checks.append(presentation_check)
    if presentation_check.status == PASS:
        checks.append(_signed_files_check(files, presentation, loader))
    else:
        checks.append(Check(CHECK_SIGNED_FILES, SKIPPED, "Not checked: the holder's signature does not verify."))

    credential_options = replace(options, challenge=None, domain=None)  # those belong to the presentation only
    reports: list[Report] = []
    parsed: dict[str, list[Credential]] = {}
    for path in sorted(p for p in files if p.startswith(CREDENTIALS_DIR) and not p.endswith("/")):
        try:
            credentials = [c for c in parse(files[path], path) if c.parent_id is None]
        except WalletError as exc:
            reports.append(_failed_report(exc.user_message, path, options))
            continue
        parsed[path] = credentials
        reports.extend(verify(c, credential_options) for c in credentials)
    if not parsed and not reports:
        checks.append(Check(CHECK_CONTENTS, FAIL, "The bundle holds no credentials.", MALFORMED))
    else:
        checks.append(_contents_check(parsed, presentation))
    return _bundle_result(name, reports, checks, options)


def _signed_files_check(files: Mapping[str, bytes], presentation: Any, loader: ContextLoader) -> Check:
    """Every file but the presentation and the manifest against the digests the holder signed."""
    received = {p: d for p, d in files.items() if p not in (PRESENTATION_NAME, MANIFEST_NAME)}
    try:
        signed = signed_bundle_files(presentation, loader)
    except WalletError as exc:
        return Check(CHECK_SIGNED_FILES, FAIL, exc.user_message, TAMPERED)
    if signed is None:
        pages = ", ".join(sorted(p for p in received if not p.startswith(CREDENTIALS_DIR))) or "none"
        return Check(
            CHECK_SIGNED_FILES,
            UNKNOWN,
            f"The bundle's pages ({pages}) are not covered by the holder's signature: it was made by an older "
            "version of Badge Wallet. They match manifest.json, but anyone could have changed both; only the "
            "credentials are checked against signatures.",
        )
    changed = sorted(p for p in received if p in signed and digest_sri(received[p]) != signed[p])
    missing = sorted(set(signed) - set(received))
    added = sorted(set(received) - set(signed))
    problems = [f"{p} is not the file the holder signed (SHA-256 differs)." for p in changed]
    problems += [f"{p} was signed by the holder but is missing from the bundle." for p in missing]
    problems += [f"{p} was added to the bundle; the holder did not sign it." for p in added]
    if problems:
        return Check(CHECK_SIGNED_FILES, FAIL, " ".join(problems), TAMPERED)
    return Check(CHECK_SIGNED_FILES, PASS, f"All {len(received)} files are the ones the holder signed (SHA-256).")


def _load_presentation(raw: bytes | None) -> Any:
    if raw is None:
        return None
    try:
        return loads_limited(raw, DEFAULT_LIMITS, "presentation.json")
    except FormatError:
        return None


def _contents_check(parsed: Mapping[str, list[Credential]], presentation: Any) -> Check:
    """Each credential file is one the holder signed over, and nothing signed is missing."""
    signed_json, signed_jwt = _signed_entries(presentation)
    unsigned_ok: list[str] = []
    unmatched: list[str] = []
    for path, credentials in parsed.items():
        for cred in credentials:
            key = _entry_key(cred)
            if key is None:
                unsigned_ok.append(path)
            elif key[0] == "jwt" and key[1] in signed_jwt:
                signed_jwt.remove(key[1])
            elif key[0] == "json" and key[1] in signed_json:
                signed_json.remove(key[1])
            else:
                unmatched.append(path)
    missing = len(signed_json) + len(signed_jwt)
    if unmatched or missing:
        parts = [f"{p} is not the credential the holder signed in presentation.json." for p in unmatched]
        if missing:
            parts.append(f"presentation.json holds {missing} credential(s) with no matching file in credentials/.")
        return Check(CHECK_CONTENTS, FAIL, " ".join(parts), TAMPERED)
    message = "Every credential file is in the holder-signed presentation."
    if unsigned_ok:
        message += f" Not in it (Open Badges 2.0 assertions are not verifiable credentials): {', '.join(unsigned_ok)}."
    return Check(CHECK_CONTENTS, PASS, message)


def _signed_entries(presentation: Any) -> tuple[list[str], list[str]]:
    entries = presentation.get("verifiableCredential") if isinstance(presentation, dict) else None
    json_keys: list[str] = []
    jwt_keys: list[str] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        entry_id = entry.get("id")
        if entry.get("type") == ENVELOPED_TYPE and isinstance(entry_id, str) and entry_id.startswith(JWT_DATA_PREFIX):
            jwt_keys.append(entry_id.removeprefix(JWT_DATA_PREFIX))
        else:
            json_keys.append(_canonical(entry))
    return json_keys, jwt_keys


def _entry_key(cred: Credential) -> tuple[str, str] | None:
    """How ``cred`` appears in a presentation, or None for credentials a presentation cannot carry."""
    if cred.format.startswith("ob2"):
        return None
    if cred.is_jwt:
        return "jwt", cred.payload
    try:
        return "json", _canonical(json.loads(cred.payload))
    except ValueError:
        return None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# ------------------------------------------------------------------ QR images


def check_qr_texts(texts: list[str], name: str, options: VerifyOptions) -> CheckResult:
    """Verify what each QR code holds: a link (fetched) or a credential (JWT/JSON)."""
    listed = ", ".join(texts[:5]) + (" …" if len(texts) > 5 else "")
    checks = [Check(CHECK_QR, PASS, f"Read {len(texts)} QR code{'s' if len(texts) != 1 else ''}: {listed}")]
    reports: list[Report] = []
    for text in texts:
        if text.startswith(("https://", "http://")):
            reports.extend(_check_link(text, options))
            continue
        try:
            credentials = parse(text.encode("utf-8"), "QR code")
        except WalletError:
            reports.append(
                _unknown_report(f"A QR code holds neither a link nor a credential: {text[:80]!r}", "QR code", options)
            )
            continue
        reports.extend(verify(c, options) for c in credentials if c.parent_id is None)
    return _result(name, reports, checks, options)


def _check_link(url: str, options: VerifyOptions) -> list[Report]:
    try:
        response = options.fetcher.get(url, accept=_ACCEPT)
    except NetworkError as exc:
        return [_unknown_report(f"The QR code's link was not checked: {exc.user_message}", url, options)]
    body, final_url = response.body, response.url
    if _looks_like_html(body, response.content_type):
        original = _original_link(body, final_url)
        if original is None:
            return [
                _unknown_report(
                    f"The QR code leads to a web page that is not a credential and offers none to download: {url}",
                    url,
                    options,
                )
            ]
        if not _same_origin(original, final_url):
            return [
                _unknown_report(
                    f"The page offers its credential from another site ({urlsplit(original).netloc}); not followed.",
                    url,
                    options,
                )
            ]
        try:
            fetched = options.fetcher.get(original, accept=_ACCEPT)
        except NetworkError as exc:
            return [
                _unknown_report(f"The credential the page links was not fetched: {exc.user_message}", original, options)
            ]
        body, final_url = fetched.body, fetched.url
    try:
        credentials = parse(body, final_url)
    except WalletError as exc:
        return [_failed_report(exc.user_message, final_url, options)]
    return [verify(c, options) for c in credentials if c.parent_id is None]


class _OriginalLinkFinder(HTMLParser):
    """Finds the first ``href`` on an element marked ``data-badgewallet-original``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.href is None and tag in ("a", "link"):
            values = dict(attrs)
            if ORIGINAL_MARKER in values and values.get("href"):
                self.href = values["href"]


def _original_link(body: bytes, page_url: str) -> str | None:
    finder = _OriginalLinkFinder()
    try:
        finder.feed(body.decode("utf-8", errors="replace"))
        finder.close()
    except (ValueError, AssertionError):
        return None
    return urljoin(page_url, finder.href) if finder.href else None


def _same_origin(a: str, b: str) -> bool:
    left, right = urlsplit(a), urlsplit(b)
    return (left.scheme, left.hostname, left.port) == (right.scheme, right.hostname, right.port)


def _looks_like_html(body: bytes, content_type: str) -> bool:
    if "html" in content_type.lower():
        return True
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _is_baked_badge(data: bytes, name: str) -> bool:
    """A baked badge whose artwork happens to contain a QR code is a badge first."""
    try:
        return bool(parse(data, name))
    except WalletError:
        return False


def _result(name: str, reports: list[Report], checks: list[Check], options: VerifyOptions) -> CheckResult:
    return CheckResult(name, tuple(reports), tuple(checks), online=options.online, checked_at=options.now)


def _bundle_result(name: str, reports: list[Report], checks: list[Check], options: VerifyOptions) -> CheckResult:
    return CheckResult(name, tuple(reports), tuple(checks), online=options.online, checked_at=options.now)


def _failed_report(message: str, label: str, options: VerifyOptions) -> Report:
    return Report.malformed(message, name=label, checked_at=options.now, online=options.online)


def _unknown_report(message: str, label: str, options: VerifyOptions) -> Report:
    return Report(
        checks=(Check(STRUCTURE, UNKNOWN, message),),
        format="unknown",
        credential_id=None,
        credential_name=label,
        issuer=None,
        checked_at=options.now,
        online=options.online,
    )
