"""Adding, reading, changing and removing records; duplicates; search; settings."""

from __future__ import annotations

import dataclasses
import os
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from store_factory import CHEAP_KDF, NOW, PASSPHRASE, make_credential, make_report

from wallet.errors import StoreError
from wallet.model import Credential
from wallet.store import (
    AddItem,
    RecordNotFound,
    StoreNotFound,
    WalletStore,
    default_home,
)
from wallet.verify.report import EXPIRED, VALID


def test_add_then_get_returns_everything(store: WalletStore) -> None:
    credential = make_credential(1, endorsement=make_credential(2))
    report = make_report(credential)
    result = store.add(credential, report, source="badge.png", tags=["glass", " glass ", "", "art"], notes="Proud")
    assert not result.duplicate
    record = store.get(result.record_id)
    assert record.credential == credential
    assert record.credential.document == credential.document
    assert record.credential.original == credential.original
    assert record.report == report
    assert record.notes == "Proud"
    assert record.tags == ("glass", "art")
    assert record.source == "badge.png"
    assert record.verified_at == report.checked_at
    assert store.original(result.record_id) == credential.original
    assert store.count() == 1


def test_summary_carries_what_a_list_row_needs(store: WalletStore) -> None:
    credential = make_credential(5)
    record_id = store.add(credential, make_report(credential, expired=True), source="x", tags=["t1"]).record_id
    (summary,) = store.summaries()
    assert summary.id == record_id
    assert summary.name == credential.display_name
    assert summary.issuer == credential.issuer_name
    assert summary.format == credential.format
    assert summary.verdict == EXPIRED
    assert summary.issued == credential.issued
    assert summary.skills == credential.skills
    assert summary.tags == ("t1",)
    assert summary.credential_id == credential.id
    assert summary.added_at.tzinfo is not None


def test_a_duplicate_is_not_stored_twice_whatever_its_format(store: WalletStore) -> None:
    credential = make_credential(1)
    first = store.add(credential, source="a.png")
    as_jwt = dataclasses.replace(credential, format="ob3-jwt", payload="a.b.c", original=b"a.b.c")
    second = store.add(as_jwt, source="a.jwt")
    assert second == dataclasses.replace(first, duplicate=True)
    assert store.count() == 1


def test_without_an_id_the_payload_decides(store: WalletStore) -> None:
    a = make_credential(1, with_id=False)
    b = dataclasses.replace(a, payload=a.payload + " ")
    assert not store.add(a, source="").duplicate
    assert store.add(a, source="").duplicate
    assert not store.add(b, source="").duplicate
    c = dataclasses.replace(a, payload="", original=b"one")
    d = dataclasses.replace(a, payload="", original=b"two")
    assert not store.add(c, source="").duplicate
    assert not store.add(d, source="").duplicate
    assert store.count() == 4


def test_fingerprints_are_keyed_per_store(tmp_path: Path, no_keyring: None) -> None:
    credential = make_credential(1)
    prints = []
    for name in ("a", "b"):
        with WalletStore.open(tmp_path / name, passphrase=PASSPHRASE, kdf=CHEAP_KDF) as s:
            s.add(credential, source="")
            prints.append(s._conn.execute("SELECT fingerprint FROM records").fetchone()[0])
    assert prints[0] != prints[1]


def test_add_many_is_one_transaction(store: WalletStore) -> None:
    good = AddItem(make_credential(1), source="clr.json")
    broken = AddItem(dataclasses.replace(make_credential(2), document={"not json": {1, 2}}), source="clr.json")
    with pytest.raises(TypeError):
        store.add_many([good, broken])
    assert store.count() == 0
    assert store._conn.execute("SELECT count(*) FROM originals").fetchone()[0] == 0


def test_add_many_links_clr_children_and_reports_duplicates_in_the_batch(store: WalletStore) -> None:
    clr = make_credential(100)
    child = make_credential(101, parent_id=clr.id)
    items = [AddItem(clr, source="clr.json"), AddItem(child, source="clr.json"), AddItem(child, source="clr.json")]
    parent_result, child_result, again = store.add_many(items)
    assert again.duplicate and again.record_id == child_result.record_id
    assert store.get(child_result.record_id).parent_id == parent_result.record_id
    assert store.summary(child_result.record_id).parent_id == parent_result.record_id
    # a later file whose credential names an already stored parent is linked too
    late = store.add(make_credential(102, parent_id=clr.id), source="late.json")
    assert store.summary(late.record_id).parent_id == parent_result.record_id


def test_update_report_replaces_report_and_verdict(store: WalletStore) -> None:
    credential = make_credential(1)
    record_id = store.add(credential, make_report(credential, expired=True), source="").record_id
    later = make_report(credential, at=NOW + timedelta(days=3))
    store.update_report(record_id, later)
    assert store.get(record_id).report == later
    assert store.summary(record_id).verdict == VALID
    assert store.summary(record_id).verified_at == later.checked_at


def test_tags_and_notes_can_change_and_are_searchable(store: WalletStore) -> None:
    record_id = store.add(make_credential(1), source="").record_id
    store.set_tags(record_id, ["Portfolio", "2025"])
    store.set_notes(record_id, "Show to the gallery")
    assert store.get(record_id).tags == ("Portfolio", "2025")
    assert store.get(record_id).notes == "Show to the gallery"
    assert [s.id for s in store.search("portfolio")] == [record_id]
    store.set_notes(record_id, "")
    assert store.get(record_id).notes == ""


def test_search_matches_name_issuer_skill_and_tag_words(store: WalletStore) -> None:
    ids = [store.add(make_credential(n), source="", tags=[f"tag{n}"]).record_id for n in range(10)]
    assert [s.id for s in store.search("lampworking level 3")] == [ids[3]]
    assert [s.id for s in store.search("ACADEMY of glassblowing 6")] == [ids[6]]
    assert len(store.search("kiln safety")) == 10
    assert [s.id for s in store.search("tag7")] == [ids[7]]
    assert store.search("nothing-like-this") == []
    assert [s.id for s in store.search("  ")] == ids[::-1]  # newest first


def test_summaries_are_newest_first_and_survive_reopening(home: Path, no_keyring: None) -> None:
    moments = iter(NOW + timedelta(minutes=i) for i in range(100))
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF, clock=lambda: next(moments)) as store:
        ids = [
            store.add(make_credential(n), make_report(make_credential(n)), source=f"{n}.png").record_id
            for n in range(5)
        ]
        before = store.summaries()
    assert [s.id for s in before] == ids[::-1]
    with WalletStore.open(home, passphrase=PASSPHRASE) as store:
        assert store.summaries() == before


def test_remove_and_restore_put_back_the_same_record(store: WalletStore) -> None:
    clr = make_credential(1)
    parent_id, child_id = (
        r.record_id for r in store.add_many([AddItem(clr, source="c"), AddItem(make_credential(2, parent_id=clr.id))])
    )
    newer_id = store.add(make_credential(3), source="").record_id
    store.set_notes(parent_id, "note")
    before = store.get(parent_id)
    removed = store.remove(parent_id)
    assert store.count() == 2
    assert store.summary(child_id).parent_id is None  # the child stays, unlinked
    with pytest.raises(RecordNotFound):
        store.get(parent_id)
    assert store.restore_removed(removed).record_id == parent_id
    assert store.get(parent_id) == before
    assert store.summary(child_id).parent_id == parent_id
    assert store.summaries()[0].id == newer_id  # undo puts it back in its place, not on top


def test_restore_after_the_same_badge_came_back_is_a_duplicate(store: WalletStore) -> None:
    credential = make_credential(1)
    removed = store.remove(store.add(credential, source="").record_id)
    again = store.add(credential, source="").record_id
    assert store.restore_removed(removed).record_id == again
    assert store.count() == 1


def test_restore_into_another_store_is_refused(store: WalletStore, tmp_path: Path) -> None:
    removed = store.remove(store.add(make_credential(1), source="").record_id)
    with WalletStore.open(tmp_path / "other", passphrase="x", kdf=CHEAP_KDF) as other, pytest.raises(StoreError):
        other.restore_removed(removed)


def test_unknown_record_ids_raise_record_not_found(store: WalletStore) -> None:
    for call in (store.get, store.original, store.remove, store.summary, lambda r: store.set_notes(r, "x")):
        with pytest.raises(RecordNotFound):
            call("0" * 32)


def test_settings_and_holder_key_are_kept_and_encrypted(home: Path, no_keyring: None) -> None:
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF) as store:
        assert store.settings() == {} and store.holder_key() is None
        store.set_setting("offline", True)
        store.set_setting("recipient_emails", ["me@example.org"])
        store.set_setting("gone", 1)
        store.set_setting("gone", None)
        store.set_holder_key(b"\x01" * 32)
    with WalletStore.open(home, passphrase=PASSPHRASE) as store:
        assert store.settings() == {"offline": True, "recipient_emails": ["me@example.org"]}
        assert store.get_setting("offline") is True
        assert store.get_setting("missing", 7) == 7
        assert store.holder_key() == b"\x01" * 32
        store.set_holder_key(None)
        assert store.holder_key() is None


def test_a_closed_store_refuses_work(home: Path, no_keyring: None) -> None:
    store = WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF)
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.summaries()
    assert "closed" in repr(store)


def test_folder_and_files_are_private(home: Path, no_keyring: None) -> None:
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF) as store:
        store.add(make_credential(1), source="")
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        files = list(home.iterdir())
        assert {f.name for f in files} >= {"wallet.db", "wallet.db-wal", "wallet.db-shm"}
        for f in files:
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name


def test_open_without_create_does_not_make_a_wallet(home: Path) -> None:
    with pytest.raises(StoreNotFound):
        WalletStore.open(home, passphrase=PASSPHRASE, create=False)
    assert not home.exists()


def test_default_home_order(tmp_path: Path) -> None:
    assert default_home(tmp_path / "cli", {"BADGEWALLET_HOME": str(tmp_path / "env")}) == tmp_path / "cli"
    assert default_home(None, {"BADGEWALLET_HOME": str(tmp_path / "env")}) == tmp_path / "env"
    assert default_home("~/w", {}) == Path(os.path.expanduser("~/w"))
    assert default_home(None, {}).name == "BadgeWallet"


def test_calls_from_several_threads_are_serialised(store: WalletStore) -> None:
    credentials: list[Credential] = [make_credential(n) for n in range(40)]
    errors: list[BaseException] = []

    def work(part: list[Credential]) -> None:
        try:
            for c in part:
                store.add(c, make_report(c), source="")
                store.search("glass")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(credentials[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count() == 40
    assert store.integrity_check() == ["ok"]


def test_added_at_comes_from_the_clock(home: Path, no_keyring: None) -> None:
    moment = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF, clock=lambda: moment) as store:
        record_id = store.add(make_credential(1), source="").record_id
        assert store.get(record_id).added_at == moment
