"""The one HTTP client of the wallet.

Every fetch – hosted OB 2.0 assertions, issuer profiles, DID documents,
status lists, hosted badge URLs – goes through a ``Fetcher`` that is passed in
explicitly.  The rules live here once: https only (no downgrade on redirect),
connect/read timeouts, a response size cap, no cookies, a per-run cache, and
an offline switch under which every fetch fails fast with ``OfflineError``.

Tests trust a loopback TLS server through ``REQUESTS_CA_BUNDLE`` (requests
honours it), so no test-only code path exists here.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:  # requests costs ~75 ms to import; offline runs never need it
    import requests

from wallet.errors import NetworkError, OfflineError

DEFAULT_TIMEOUT = (5.0, 10.0)  # connect, read (seconds)
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "BadgeWallet/0.1 (+verifier)"
ACCEPT_BADGE = "application/ld+json, application/json, image/png, image/svg+xml, */*"  # a link to "a badge"


@dataclass(frozen=True, slots=True)
class Response:
    """What a fetch returned: final URL, status, headers and the capped body."""

    url: str
    status: int
    body: bytes
    content_type: str = ""

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise NetworkError(f"{self.url} did not return JSON.", detail=str(exc), status=self.status) from exc


@dataclass
class Fetcher:
    """An https-only client with timeouts, a size cap, a cache and an offline switch."""

    offline: bool = False
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    total_seconds: float = 20.0  # wall-clock cap for one fetch, including slow trickles
    session: requests.Session | None = None  # made on first fetch
    _cache: dict[str, Response] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    fetched: list[str] = field(default_factory=list, init=False, repr=False)

    def _session(self) -> requests.Session:
        import requests

        if self.session is None:
            session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
            session.max_redirects = MAX_REDIRECTS
            session.trust_env = True  # honour REQUESTS_CA_BUNDLE / proxies like the rest of the system
            self.session = session
        return self.session

    @property
    def online(self) -> bool:
        return not self.offline

    def get(self, url: str, *, accept: str = "application/json", cache: bool = True) -> Response:
        """Fetch ``url``; raise ``NetworkError`` (with ``status``) on any failure or non-2xx."""
        if self.offline:
            raise OfflineError(f"Not fetched (offline mode): {url}")
        check_https(url)
        key = f"{accept}\n{url}"
        if cache:
            with self._lock:
                hit = self._cache.get(key)
            if hit is not None:
                return hit
        response = self._fetch(url, accept)
        if cache and 200 <= response.status < 300:
            with self._lock:
                self._cache[key] = response
        if not 200 <= response.status < 300:
            raise NetworkError(
                f"{url} answered HTTP {response.status}.",
                status=response.status,
                detail=response.body[:200].decode("latin-1"),
            )
        return response

    def get_json(self, url: str, *, accept: str = "application/json", cache: bool = True) -> Any:
        return self.get(url, accept=accept, cache=cache).json()

    def _fetch(self, url: str, accept: str) -> Response:
        import requests

        session = self._session()
        deadline = time.monotonic() + self.total_seconds
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self.fetched.append(current)
            try:
                raw = session.get(
                    current,
                    headers={"Accept": accept},
                    timeout=self.timeout,
                    stream=True,
                    allow_redirects=False,
                )
            except requests.exceptions.SSLError as exc:
                raise NetworkError(
                    f"Could not make a secure connection to {host_of(current)}.", detail=str(exc)
                ) from exc
            except requests.exceptions.Timeout as exc:
                raise NetworkError(f"{host_of(current)} did not answer in time.", detail=str(exc)) from exc
            except requests.exceptions.RequestException as exc:
                raise NetworkError(f"Could not reach {host_of(current)}.", detail=str(exc)) from exc
            with raw:
                if raw.is_redirect or raw.status_code in (301, 302, 303, 307, 308):
                    location = raw.headers.get("Location")
                    if not location:
                        raise NetworkError(f"{current} redirected without a target.", status=raw.status_code)
                    current = urljoin(current, location)
                    check_https(current, redirected_from=url)
                    continue
                body = self._read_capped(raw, current, deadline)
                return Response(current, raw.status_code, body, raw.headers.get("Content-Type", ""))
        raise NetworkError(f"{url} redirected too many times.")

    def _read_capped(self, raw: requests.Response, url: str, deadline: float) -> bytes:
        import requests
        import urllib3

        declared = raw.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise NetworkError(f"{url} is larger than the {self.max_bytes // 1024} KB the wallet accepts.")
        chunks: list[bytes] = []
        size = 0
        stream = raw.raw  # urllib3 response: read1() returns as soon as any bytes arrive
        try:
            while True:
                if time.monotonic() > deadline:
                    raise NetworkError(f"{host_of(url)} is sending too slowly; gave up.")
                chunk = stream.read1(16384, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_bytes:
                    raise NetworkError(f"{url} is larger than the {self.max_bytes // 1024} KB the wallet accepts.")
                chunks.append(chunk)
        except (requests.exceptions.RequestException, OSError, urllib3.exceptions.HTTPError) as exc:
            raise NetworkError(f"{host_of(url)} did not answer in time.", detail=str(exc)) from exc
        return b"".join(chunks)


def check_https(url: str, *, redirected_from: str | None = None) -> None:
    """Refuse anything but https (a redirect to http is a downgrade)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        if redirected_from:
            raise NetworkError(f"{redirected_from} redirected to an insecure address ({parts.scheme or 'no'} scheme).")
        raise NetworkError(f"Only https addresses are fetched, not {url!r}.")


def host_of(url: str) -> str:
    return urlsplit(url).netloc or url
