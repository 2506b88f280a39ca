"""Links an earner can paste: where a badge can be verified, and LinkedIn's "add to profile".

Verification URL – only addresses that prove something about *this award*
count, in this order:

1. an OB 2.0 hosted assertion: its ``id`` is, by definition, the issuer's
   live copy that verifiers fetch;
2. an OB 3.0 / VC credential whose ``id`` is an https URL – but only once a
   fetch returned 200: many issuers mint https ids that resolve to nothing,
   and a QR code to a 404 page makes the earner look like a fraud;
3. the issuer's public page for the badge, if the credential names one
   (the criteria page: it shows what the badge means, not who holds it, so
   it comes last and is labelled as such by ``verification_link``).

LinkedIn – every value is percent-encoded with ``quote(safe="")`` so that
``&``, ``#``, ``+``, quotes and non-ASCII text survive the trip through a
query string intact.  A value too long for a URL is left out of the URL and
is still offered by ``copy_fields`` for the copy buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

from wallet.errors import NetworkError
from wallet.model import FORMAT_OB2_HOSTED, FORMAT_OB2_SIGNED, Credential
from wallet.net import Fetcher

LINKEDIN_ADD_URL = "https://www.linkedin.com/profile/add"
MAX_VALUE_CHARS = 500  # one encoded query value; longer ones go to copy_fields only
MAX_URL_CHARS = 2000  # what browsers, proxies and LinkedIn reliably accept

KIND_HOSTED = "hosted-assertion"  # OB 2.0 hosted: the issuer serves the award itself
KIND_CREDENTIAL = "credential-id"  # OB 3.0 / VC https id that answered 200
KIND_BADGE_PAGE = "badge-page"  # the issuer's public page about the badge

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True)
class VerificationLink:
    """A public address for a credential and what it is (see module docstring)."""

    url: str
    kind: str
    confirmed: bool  # known to answer (hosted OB 2.0, or fetched with a 200)

    @property
    def proves_award(self) -> bool:
        """True when the page is about this award, not only about the badge in general."""
        return self.kind in (KIND_HOSTED, KIND_CREDENTIAL)


@dataclass(frozen=True, slots=True)
class LinkedInLink:
    """The "add to profile" URL plus the fields that did not fit into it."""

    url: str
    omitted: tuple[str, ...] = ()  # query parameter names left out (too long)


def link_candidates(credential: Credential) -> list[VerificationLink]:
    """Every public address the credential offers, best first, none fetched yet."""
    out: list[VerificationLink] = []
    if credential.format == FORMAT_OB2_HOSTED:
        hosted = credential.hosted_url or credential.id
        if _is_https(hosted):
            assert hosted is not None
            out.append(VerificationLink(hosted, KIND_HOSTED, confirmed=True))
    elif credential.format != FORMAT_OB2_SIGNED and _is_https(credential.id):
        assert credential.id is not None
        out.append(VerificationLink(credential.id, KIND_CREDENTIAL, confirmed=False))
    page = credential.achievement.criteria_url
    if _is_https(page) and all(c.url != page for c in out):
        assert page is not None
        out.append(VerificationLink(page, KIND_BADGE_PAGE, confirmed=True))
    return out


def verification_link(credential: Credential, fetcher: Fetcher | None = None) -> VerificationLink | None:
    """The best usable address: unconfirmed credential ids are tried with ``fetcher`` or skipped."""
    for candidate in link_candidates(credential):
        if candidate.confirmed:
            return candidate
        if fetcher is not None and _answers_200(candidate.url, fetcher):
            return VerificationLink(candidate.url, candidate.kind, confirmed=True)
    return None


def verification_url(credential: Credential, fetcher: Fetcher | None = None) -> str | None:
    """The public verification URL of ``credential`` or None (see module docstring)."""
    link = verification_link(credential, fetcher)
    return link.url if link else None


def _answers_200(url: str, fetcher: Fetcher) -> bool:
    try:
        response = fetcher.get(url, accept="application/ld+json, application/json;q=0.9, text/html;q=0.8, */*;q=0.5")
    except NetworkError:
        return False
    return response.status == 200


def _is_https(value: str | None) -> bool:
    if not value:
        return False
    parts = urlsplit(value)
    return parts.scheme == "https" and bool(parts.hostname)


# ------------------------------------------------------------------ LinkedIn


def linkedin_fields(credential: Credential, cert_url: str | None = None) -> list[tuple[str, str]]:
    """The (parameter, value) pairs LinkedIn's form takes, in its order, before encoding."""
    fields: list[tuple[str, str]] = [
        ("startTask", "CERTIFICATION_NAME"),
        ("name", credential.display_name),
        ("organizationName", credential.issuer_name),
    ]
    issued = issue_date(credential)
    if issued:
        fields += [("issueYear", str(issued.year)), ("issueMonth", str(issued.month))]
    if credential.valid_until:
        fields += [
            ("expirationYear", str(credential.valid_until.year)),
            ("expirationMonth", str(credential.valid_until.month)),
        ]
    if cert_url:
        fields.append(("certUrl", cert_url))
    if credential.id:
        fields.append(("certId", credential.id))
    return fields


def linkedin_link(credential: Credential, cert_url: str | None = None) -> LinkedInLink:
    """Build the "add to profile" URL; over-long values are dropped and named in ``omitted``."""
    kept: list[str] = []
    omitted: list[str] = []
    length = len(LINKEDIN_ADD_URL) + 1
    for name, value in linkedin_fields(credential, cert_url):
        part = f"{name}={quote(value, safe='')}"
        required = name in ("startTask", "name")
        if not required and (len(part) > MAX_VALUE_CHARS or length + len(part) + 1 > MAX_URL_CHARS):
            omitted.append(name)
            continue
        if required and len(part) > MAX_VALUE_CHARS:
            # The name is the one field LinkedIn cannot do without: shorten it rather than drop it.
            part = f"{name}={quote(_shorten(value, MAX_VALUE_CHARS), safe='')}"
            omitted.append(f"{name} (shortened)")
        kept.append(part)
        length += len(part) + 1
    return LinkedInLink(f"{LINKEDIN_ADD_URL}?{'&'.join(kept)}", tuple(omitted))


def linkedin_url(credential: Credential, cert_url: str | None = None) -> str:
    """LinkedIn's "add certification to profile" URL for ``credential``."""
    return linkedin_link(credential, cert_url).url


def _shorten(value: str, max_encoded: int) -> str:
    """The longest prefix (plus an ellipsis) whose encoded form fits ``max_encoded`` characters."""
    low, high = 0, len(value)
    while low < high:
        mid = (low + high + 1) // 2
        if len(quote(value[:mid] + "…", safe="")) <= max_encoded:
            low = mid
        else:
            high = mid - 1
    return value[:low] + "…"


# ------------------------------------------------------------------ copy buttons


def copy_fields(credential: Credential, cert_url: str | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs for copy buttons, for sites that take no URL or values too long for one."""
    fields = [("Name", credential.display_name), ("Issuing organization", credential.issuer_name)]
    issued = issue_date(credential)
    if issued:
        fields.append(("Issue date", month_year(issued)))
    if credential.valid_until:
        fields.append(("Expiration date", month_year(credential.valid_until)))
    if credential.id:
        fields.append(("Credential ID", credential.id))
    if cert_url:
        fields.append(("Credential URL", cert_url))
    if credential.skills:
        fields.append(("Skills", ", ".join(credential.skills)))
    return fields


def copy_text(credential: Credential, cert_url: str | None = None) -> str:
    """The copy fields as one text block ("Label: value" lines)."""
    return "".join(f"{label}: {value}\n" for label, value in copy_fields(credential, cert_url))


def issue_date(credential: Credential) -> datetime | None:
    """When it was awarded: ``issued`` (issuanceDate/issuedOn/awardedDate), else ``validFrom``."""
    return credential.issued or credential.valid_from


def month_year(moment: datetime) -> str:
    return f"{MONTHS[moment.month - 1]} {moment.year}"
