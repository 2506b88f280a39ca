"""wallet.net.Fetcher against a real loopback TLS server (tests/tlsserver.py)."""

from __future__ import annotations

import time

import pytest
from tlsserver import TestCA, TLSServer

from wallet.errors import NetworkError, OfflineError
from wallet.net import Fetcher


def test_fetches_json_over_https(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.route("/doc.json", json={"hello": "world"})
    response = fetcher.get(url)
    assert response.status == 200
    assert response.json() == {"hello": "world"}
    assert fetcher.get_json(url) == {"hello": "world"}


def test_untrusted_certificate_is_refused(
    https_server: TLSServer, fetcher: Fetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    url = https_server.route("/doc.json", json={})
    with pytest.raises(NetworkError, match="secure connection"):
        fetcher.get(url)


def test_http_is_refused_before_any_request(https_server: TLSServer, fetcher: Fetcher) -> None:
    https_server.route("/doc.json", json={})
    with pytest.raises(NetworkError, match="Only https"):
        fetcher.get(f"http://{https_server.host}/doc.json")
    assert https_server.hits("/doc.json") == 0
    assert fetcher.fetched == []


def test_redirect_within_https_is_followed(https_server: TLSServer, fetcher: Fetcher) -> None:
    https_server.route("/new.json", json={"moved": True})
    https_server.redirect("/old.json", "/new.json", status=301)
    response = fetcher.get(https_server.url("/old.json"))
    assert response.json() == {"moved": True}
    assert response.url == https_server.url("/new.json")


def test_redirect_to_http_is_refused(https_server: TLSServer, fetcher: Fetcher) -> None:
    https_server.redirect("/old.json", f"http://{https_server.host}/new.json")
    with pytest.raises(NetworkError, match="insecure"):
        fetcher.get(https_server.url("/old.json"))
    assert https_server.hits("/new.json") == 0


def test_redirect_loop_gives_up(https_server: TLSServer, fetcher: Fetcher) -> None:
    https_server.redirect("/a", "/b")
    https_server.redirect("/b", "/a")
    with pytest.raises(NetworkError, match="too many"):
        fetcher.get(https_server.url("/a"))


def test_stalled_server_times_out_quickly(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.stall("/slow.json", seconds=30)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="in time"):
        fetcher.get(url)
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("declare_length", [True, False])
def test_size_cap(https_server: TLSServer, declare_length: bool) -> None:
    small = Fetcher(offline=False, timeout=(1.0, 1.0), max_bytes=4096)
    url = https_server.oversize("/big", 100_000, declare_length=declare_length)
    with pytest.raises(NetworkError, match="larger than"):
        small.get(url)
    ok = https_server.oversize("/fits", 4096, declare_length=declare_length)
    assert len(small.get(ok).body) == 4096


@pytest.mark.parametrize("status", [404, 410, 500])
def test_error_status_is_carried(https_server: TLSServer, fetcher: Fetcher, status: int) -> None:
    url = https_server.route("/x.json", "nope", status=status)
    with pytest.raises(NetworkError) as caught:
        fetcher.get(url)
    assert caught.value.status == status


def test_unrouted_path_is_404(https_server: TLSServer, fetcher: Fetcher) -> None:
    with pytest.raises(NetworkError) as caught:
        fetcher.get(https_server.url("/nothing-here"))
    assert caught.value.status == 404


def test_refused_connection(fetcher: Fetcher) -> None:
    with pytest.raises(NetworkError) as caught:
        fetcher.get("https://127.0.0.1:1/x.json")
    assert caught.value.status is None


def test_cache_hit_makes_one_request(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.route("/list.json", json={"n": 1})
    assert fetcher.get_json(url) == {"n": 1}
    assert fetcher.get_json(url) == {"n": 1}
    assert https_server.hits("/list.json") == 1
    fetcher.get(url, cache=False)
    assert https_server.hits("/list.json") == 2


def test_errors_are_not_cached(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.not_found("/later.json")
    with pytest.raises(NetworkError):
        fetcher.get(url)
    https_server.route("/later.json", json={"ok": True})
    assert fetcher.get_json(url) == {"ok": True}


def test_offline_fails_fast_without_a_request(https_server: TLSServer) -> None:
    url = https_server.stall("/slow.json", seconds=30)
    offline = Fetcher(offline=True)
    started = time.monotonic()
    with pytest.raises(OfflineError):
        offline.get(url)
    assert time.monotonic() - started < 0.1
    assert https_server.hits("/slow.json") == 0
    assert offline.fetched == []


def test_non_json_body_is_a_network_error(https_server: TLSServer, fetcher: Fetcher) -> None:
    url = https_server.route("/page.html", "<html></html>", headers={"Content-Type": "text/html"})
    with pytest.raises(NetworkError, match="JSON"):
        fetcher.get_json(url)


def test_server_shuts_down_quickly_while_a_client_waits(test_ca: TestCA, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(test_ca.ca_file))
    server = TLSServer(test_ca).start()
    url = server.stall("/slow", seconds=30)
    client = Fetcher(offline=False, timeout=(1.0, 0.3))
    with pytest.raises(NetworkError):
        client.get(url)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1.0


def test_trickling_server_is_cut_off_by_the_wall_clock_cap(https_server: TLSServer) -> None:
    """One byte every 0.1 s never trips the 0.5 s read timeout; only ``total_seconds`` can stop it."""
    url = https_server.trickle("/trickle", every=0.1, chunks=12)
    client = Fetcher(offline=False, timeout=(1.0, 0.5), total_seconds=0.5)
    started = time.monotonic()
    with pytest.raises(NetworkError):
        client.get(url)
    assert time.monotonic() - started < 1.0
