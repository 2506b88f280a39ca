"""The public face of wallet.store: one import, a sorted ``__all__`` (httpx's export test)."""

from __future__ import annotations

import inspect

import wallet.store
from wallet.store import WalletStore


def test_all_is_sorted_and_every_name_resolves() -> None:
    names = wallet.store.__all__
    assert sorted(names, key=lambda n: (not n.isupper(), n)) == names
    for name in names:
        assert getattr(wallet.store, name) is not None


def test_open_takes_only_keyword_options() -> None:
    params = inspect.signature(WalletStore.open).parameters
    assert list(params)[:1] == ["home"]
    assert all(p.kind is p.KEYWORD_ONLY for name, p in params.items() if name != "home")
    assert set(params) >= {"passphrase", "keyring_backend", "create", "kdf", "clock"}
