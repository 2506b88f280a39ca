"""A better-verifying copy of a stored credential replaces the stored copy in place.

A user who first imports a tampered copy (``invalid_signature``) and later the
genuine file must end up with the genuine one: same record, the earner's tags
and notes kept.  An equal or worse copy changes nothing.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from store_factory import CHEAP_KDF, NOW, PASSPHRASE, make_credential, make_report

from wallet.model import Credential
from wallet.store import AddItem, WalletStore
from wallet.store.tables import Tables
from wallet.verify.report import FAIL, INVALID_SIGNATURE, PASS, PROOF, STRUCTURE, VALID, Check, Report


def tampered_copy(credential: Credential) -> Credential:
    payload = credential.payload.replace("Lampworking", "Lampworking (edited)")
    return dataclasses.replace(credential, payload=payload, original=b"tampered:" + payload.encode())


def bad_report(credential: Credential) -> Report:
    return Report(
        checks=(Check(STRUCTURE, PASS, "Structure is fine"), Check(PROOF, FAIL, "Bad signature", INVALID_SIGNATURE)),
        format=credential.format,
        credential_id=credential.id,
        credential_name=credential.name,
        issuer=credential.issuer.name,
        checked_at=NOW,
        online=False,
    )


def blobs(store: WalletStore, record_id: str) -> dict[str, bytes | None]:
    """The sealed bytes of one record's rows, as on disk (``None``: no row)."""
    out: dict[str, bytes | None] = {}
    for table in ("documents", "originals", "reports", "notes"):
        row = store._conn.execute(f"SELECT data FROM {table} WHERE record_id = ?", (record_id,)).fetchone()
        out[table] = None if row is None else bytes(row[0])
    return out


def test_genuine_copy_replaces_a_tampered_one_in_place(home: Path, no_keyring: None) -> None:
    genuine = make_credential(1)
    tampered = tampered_copy(genuine)
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF) as store:
        first = store.add(tampered, bad_report(tampered), source="tampered.json", tags=["glass"], notes="Mine")
        before = store.summary(first.record_id)
        sealed_before = blobs(store, first.record_id)
        good = make_report(genuine)
        second = store.add(genuine, good, source="genuine.json", tags=["ignored"], notes="ignored")
        assert second.record_id == first.record_id
        assert second.replaced and not second.duplicate
        assert store.count() == 1
        sealed_after = blobs(store, first.record_id)
        assert sealed_after["notes"] == sealed_before["notes"]  # not rewritten
        for table in ("documents", "originals", "reports"):  # sealed again: fresh nonces
            assert sealed_after[table] is not None and sealed_after[table] != sealed_before[table]
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF) as store:  # what is on disk
        (summary,) = store.summaries()
        assert summary.id == first.record_id
        assert summary.verdict == VALID and summary.verified_at == good.checked_at
        assert (summary.tags, summary.source, summary.added_at) == (before.tags, before.source, before.added_at)
        record = store.get(first.record_id)
        assert record.credential == genuine
        assert record.credential.payload == genuine.payload
        assert record.report == good
        assert record.notes == "Mine"
        assert store.original(first.record_id) == genuine.original
        assert store.integrity_check() == ["ok"]


def test_equal_or_worse_copies_change_nothing(store: WalletStore) -> None:
    genuine = make_credential(1)
    tampered = tampered_copy(genuine)
    record_id = store.add(genuine, make_report(genuine), source="genuine.json", tags=["glass"]).record_id
    sealed = blobs(store, record_id)
    worse = store.add(tampered, bad_report(tampered), source="tampered.json")
    equal = store.add(tampered, make_report(tampered), source="tampered.json")
    no_report = store.add(tampered, None, source="tampered.json")
    for result in (worse, equal, no_report):
        assert (result.record_id, result.duplicate, result.replaced) == (record_id, True, False)
    assert blobs(store, record_id) == sealed
    assert store.get(record_id).credential == genuine
    assert store.summary(record_id).verdict == VALID


def test_a_record_without_a_report_is_replaced_by_a_verified_copy(store: WalletStore) -> None:
    credential = make_credential(1)
    first = store.add(credential, None, source="a.json")
    expired = make_report(credential, expired=True)
    assert store.add(credential, expired, source="b.json").replaced
    assert store.get(first.record_id).report == expired


def test_replace_within_one_batch_and_index_follows(store: WalletStore) -> None:
    genuine = make_credential(1)
    tampered = tampered_copy(genuine)
    items = [AddItem(tampered, bad_report(tampered), "clr.json"), AddItem(genuine, make_report(genuine), "clr.json")]
    first, second = store.add_many(items)
    assert not first.duplicate and second.replaced and second.record_id == first.record_id
    assert store.summary(first.record_id).verdict == VALID
    assert [s.id for s in store.search("Lampworking")] == [first.record_id]
    assert store.get(first.record_id).credential == genuine


def test_replace_is_rolled_back_with_the_rest_of_its_transaction(
    store: WalletStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    genuine = make_credential(1)
    tampered = tampered_copy(genuine)
    record_id = store.add(tampered, bad_report(tampered), source="tampered.json").record_id
    sealed = blobs(store, record_id)

    def broken_insert(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Tables, "insert", broken_insert)
    items = [AddItem(genuine, make_report(genuine), "clr.json"), AddItem(make_credential(2), None, "clr.json")]
    with pytest.raises(RuntimeError):
        store.add_many(items)
    assert blobs(store, record_id) == sealed
    assert store.summary(record_id).verdict == INVALID_SIGNATURE
    assert store.get(record_id).credential == tampered
    assert store.count() == 1
