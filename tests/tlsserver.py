"""A real HTTPS server on 127.0.0.1 for tests that touch the network.

Why real: ``wallet.net.Fetcher`` is the one place where https-only, redirect,
timeout and size rules live, and mocks would test our idea of ``requests``
rather than ``requests`` itself.  So the tests talk TLS to a loopback server
whose leaf certificate is signed by a throw-away CA, and trust that CA through
``REQUESTS_CA_BUNDLE`` exactly as a user's system would trust a real one.

Routes are registered per test::

    server.route("/a.json", json={"id": ...})            # 200 + JSON
    server.route("/x", status=404)                        # any status
    server.route("/dyn", handler=lambda req: (200, {}, b"..."))
    server.gone("/revoked.json"); server.redirect("/old", "/new")
    server.stall("/slow", seconds=5)                      # never answers in time
    server.oversize("/big", nbytes=10_000)

``hits(path)`` says how often a path was requested (cache tests).  ``stop()``
wakes every stalled handler first, so shutting down takes milliseconds even
while a client is still waiting on ``/slow``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json as jsonlib
import ssl
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

Headers = dict[str, str]
Answer = tuple[int, Headers, bytes | Iterable[bytes]]  # an iterable body is streamed chunk by chunk


@dataclass(frozen=True)
class Request:
    """What a handler callable is given."""

    path: str
    headers: dict[str, str]


Handler = Callable[[Request], Answer]


@dataclass(frozen=True)
class TestCA:
    """PEM files of a test CA and a localhost/127.0.0.1 leaf it signed."""

    __test__ = False  # not a pytest class

    ca_file: Path
    cert_file: Path
    key_file: Path


def make_test_ca(directory: Path) -> TestCA:
    """Create a CA and a leaf for ``localhost`` and ``127.0.0.1`` (P-256, valid for a day)."""
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Badge Wallet test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = directory / "ca.pem"
    cert_file = directory / "leaf.pem"
    key_file = directory / "leaf.key"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(leaf_cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return TestCA(ca_file, cert_file, key_file)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: TLSServer


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.owner._serve(self)

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        return


class TLSServer:
    """An HTTPS server on 127.0.0.1 with per-test routes; see the module docstring."""

    def __init__(self, ca: TestCA, port: int = 0) -> None:
        self.ca = ca
        self._routes: dict[str, Handler] = {}
        self._hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(ca.cert_file, ca.key_file)
        self._httpd = _Server(("127.0.0.1", port), _RequestHandler)
        self._httpd.owner = self
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    # -- lifecycle -------------------------------------------------------
    def start(self) -> TLSServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wake stalled handlers before waiting for the loop
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=2)

    # -- addresses -------------------------------------------------------
    @property
    def host(self) -> str:
        return f"localhost:{self.port}"

    @property
    def origin(self) -> str:
        return f"https://{self.host}"

    def url(self, path: str) -> str:
        return self.origin + (path if path.startswith("/") else "/" + path)

    # -- routes ----------------------------------------------------------
    def route(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        headers: Headers | None = None,
        json: Any = None,
        handler: Handler | None = None,
    ) -> str:
        """Serve ``path``; returns its full URL.  ``json`` wins over ``body``; ``handler`` over both."""
        if handler is None:
            data = body.encode("utf-8") if isinstance(body, str) else body
            sent = dict(headers or {})
            if json is not None:
                data = jsonlib.dumps(json).encode("utf-8")
                sent.setdefault("Content-Type", "application/json")
            answer: Answer = (status, sent, data)

            def handler(_request: Request) -> Answer:
                return answer

        with self._lock:
            self._routes[path] = handler
        return self.url(path)

    def not_found(self, path: str) -> str:
        return self.route(path, b"not here", status=404)

    def gone(self, path: str, body: bytes | str = b"gone") -> str:
        return self.route(path, body, status=410)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.route(path, status=status, headers={"Location": location})

    def stall(self, path: str, seconds: float = 10.0) -> str:
        """Answer only after ``seconds`` (or never, if the server stops first)."""

        def handler(_request: Request) -> Answer:
            self._stopping.wait(seconds)
            return 200, {"Content-Type": "application/json"}, b"{}"

        return self.route(path, handler=handler)

    def oversize(self, path: str, nbytes: int, *, declare_length: bool = True) -> str:
        """A body of ``nbytes``; without ``declare_length`` the client must count as it reads."""
        return self.route(path, handler=lambda _r: (200, {"X-Declare-Length": str(declare_length)}, b"x" * nbytes))

    def trickle(self, path: str, *, every: float = 0.2, chunks: int = 1000) -> str:
        """Declare a big body, then send it one byte per ``every`` seconds (defeats per-read timeouts)."""

        def body() -> Iterator[bytes]:
            for _ in range(chunks):
                if self._stopping.wait(every):
                    return
                yield b"x"

        return self.route(path, handler=lambda _r: (200, {"Content-Length": str(chunks)}, body()))

    def hits(self, path: str) -> int:
        with self._lock:
            return self._hits[path]

    # -- serving ---------------------------------------------------------
    def _serve(self, request: _RequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        with self._lock:
            self._hits[path] += 1
            handler = self._routes.get(path)
        answer: Answer = (404, {}, b"no route")
        if handler is not None:
            answer = handler(Request(path, dict(request.headers.items())))
        status, headers, body = answer[0], dict(answer[1]), answer[2]
        declare = headers.pop("X-Declare-Length", "True") == "True"
        try:
            request.send_response(status)
            for name, value in headers.items():
                request.send_header(name, value)
            if declare and isinstance(body, bytes):
                request.send_header("Content-Length", str(len(body)))
            request.send_header("Connection", "close")
            request.end_headers()
            if isinstance(body, bytes):
                request.wfile.write(body)
            else:
                for chunk in body:
                    request.wfile.write(chunk)
                    request.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client gave up (timeout / size cap tests); nothing to do
        request.close_connection = True
