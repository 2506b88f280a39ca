"""No plaintext reaches disk: not the database, the WAL, the shared-memory file or a temp file.

Like ``strings`` on the store folder, but stricter: every byte of every file is
searched for each secret in UTF-8, UTF-16-LE and UTF-16-BE.
"""

from __future__ import annotations

from pathlib import Path

from store_factory import CHEAP_KDF, PASSPHRASE, earner_email, earner_name, issuer_name, make_credential, make_report

from wallet.store import AddItem, WalletStore, write_backup

N = 40


def secrets() -> list[bytes]:
    texts = [
        *(earner_name(n) for n in range(N)),
        *(earner_email(n) for n in range(N)),
        *(issuer_name(n) for n in range(7)),
        "registrar3@academy.example",
        "Lampworking Level 17",
        "Borosilicate Lampworking",
        "Shapes molten borosilicate",
        "openbadgecredential",
        "credentialSubject",
        "Private note about Quixotic",
        "tag-secret-portfolio",
        "upload-folder-secret",
        "my.settings@example.org",
        "did:web:academy",
        PASSPHRASE,
    ]
    encoded = []
    for text in texts:
        for codec in ("utf-8", "utf-16-le", "utf-16-be"):
            encoded.append(text.encode(codec))
    return encoded


def leaks(folder: Path, extra: list[bytes]) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {s[:30]!r}" for s in (*secrets(), *extra) if s in data]
    return found


def test_nothing_readable_on_disk_while_open_and_after_close(tmp_path: Path, no_keyring: None) -> None:
    home = tmp_path / "w"
    holder_key = bytes(range(100, 132))
    store = WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF)
    items = []
    for n in range(N):
        credential = make_credential(n, endorsement=make_credential(n + 1000) if n % 5 == 0 else None)
        items.append(
            AddItem(credential, make_report(credential), source=f"upload-folder-secret/{earner_name(n)}.png",
                    tags=("tag-secret-portfolio",), notes="Private note about Quixotic")
        )  # fmt: skip
    store.add_many(items[: N // 2])
    for item in items[N // 2 :]:
        store.add(item.credential, item.report, source=item.source, tags=item.tags, notes=item.notes)
    store.set_setting("recipient", "my.settings@example.org")
    store.set_holder_key(holder_key)
    first = store.summaries()[-1].id
    store.update_report(first, make_report(items[0].credential, expired=True))
    store.remove(store.summaries()[0].id)  # secure_delete: freed pages are zeroed, not left behind
    dek = store._dek

    assert (home / "wallet.db-wal").stat().st_size > 0, "the test must see a live WAL"
    assert leaks(home, [holder_key, dek]) == []

    write_backup(store, home / "backup.bwb", "backup pass", kdf=CHEAP_KDF)
    store.close()
    assert sorted(p.name for p in home.iterdir()) == ["backup.bwb", "wallet.db"]
    assert leaks(home, [holder_key, dek]) == []


def test_the_keyring_key_is_not_on_disk(tmp_path: Path, memory_keyring: object) -> None:
    home = tmp_path / "w"
    with WalletStore.open(home) as store:
        store.add(make_credential(1), source="upload-folder-secret")
        dek = store._dek
    ring_values = [v.encode() for v in memory_keyring.entries.values()]  # type: ignore[attr-defined]
    assert leaks(home, [dek, *ring_values]) == []
