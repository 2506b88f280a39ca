"""The encrypted store: the only place that reads or writes the wallet's data.

Callers use ``WalletStore`` and the values below; the modules behind them are
implementation: ``db`` (SQLite file, schema, migrations), ``tables`` (sealed
rows), ``crypto`` and ``keys`` (AES-GCM, Argon2id, keyring), ``codec``
(Credential ⇄ JSON), ``index`` (in-memory search), ``paths`` (where and how
files are created) and ``backup`` (the one-file backup format).
"""

from __future__ import annotations

from .backup import restore_backup, write_backup
from .codec import CodecError, credential_from_dict, credential_to_dict
from .keys import DEFAULT_KDF, SYSTEM_KEYRING, KdfParams, KeyUnavailable
from .paths import default_home
from .records import (
    AddItem,
    AddResult,
    RecordNotFound,
    RecordSummary,
    RemovedRecord,
    RestoreResult,
    StoredRecord,
)
from .wallet_store import StoreNotFound, WalletStore

__all__ = [
    "DEFAULT_KDF",
    "SYSTEM_KEYRING",
    "AddItem",
    "AddResult",
    "CodecError",
    "KdfParams",
    "KeyUnavailable",
    "RecordNotFound",
    "RecordSummary",
    "RemovedRecord",
    "RestoreResult",
    "StoreNotFound",
    "StoredRecord",
    "WalletStore",
    "credential_from_dict",
    "credential_to_dict",
    "default_home",
    "restore_backup",
    "write_backup",
]
