"""The values the store hands out and takes in.  All frozen: a summary held by the
UI cannot drift from what the store holds except by asking the store again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wallet.errors import StoreError
from wallet.model import Credential
from wallet.verify.report import Report


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Trimmed, non-empty, first spelling kept, order kept."""
    return tuple(dict.fromkeys(t.strip() for t in tags if t.strip()))


class RecordNotFound(StoreError):
    """No record has this id (it was removed, or never existed)."""


@dataclass(frozen=True, slots=True)
class RecordSummary:
    """What a list row or a search needs, without decrypting the whole credential.

    ``issued`` falls back to ``valid_from``; ``verdict`` is ``None`` until a
    report is stored.  ``parent_id`` is the record id of the CLR that carried it.
    """

    id: str
    name: str
    issuer: str
    format: str
    verdict: str | None
    issued: datetime | None
    skills: tuple[str, ...]
    tags: tuple[str, ...]
    added_at: datetime
    credential_id: str | None = None
    parent_id: str | None = None
    source: str = ""
    verified_at: datetime | None = None

    def to_json(self) -> dict[str, object]:
        """The stable row shape of ``badgewallet list --json``."""
        return {
            "id": self.id,
            "name": self.name,
            "issuer": self.issuer,
            "format": self.format,
            "verdict": self.verdict,
            "issued": self.issued.isoformat() if self.issued else None,
            "skills": list(self.skills),
            "tags": list(self.tags),
            "added_at": self.added_at.isoformat(),
            "credential_id": self.credential_id,
            "parent_id": self.parent_id,
        }


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """One record in full: the credential (with its original bytes) and what the earner added."""

    record_id: str
    credential: Credential
    report: Report | None
    notes: str
    tags: tuple[str, ...]
    source: str
    added_at: datetime
    verified_at: datetime | None = None
    parent_id: str | None = None


@dataclass(frozen=True, slots=True)
class AddItem:
    """One credential for ``add_many``; the same arguments ``add`` takes."""

    credential: Credential
    report: Report | None = None
    source: str = ""
    tags: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True, slots=True)
class AddResult:
    """``record_id`` is the stored record – the existing one when ``duplicate`` or ``replaced``.

    ``replaced``: the credential was already stored, but this copy verified
    strictly better (say ``valid`` over ``invalid_signature``), so it took the
    stored copy's place in the same record (same id, the earner's tags and notes
    kept).  The record changed, so ``duplicate`` is then ``False``: callers
    that skip duplicates ("nothing new here") refresh a replaced record.
    """

    record_id: str
    duplicate: bool
    replaced: bool = False


@dataclass(frozen=True, slots=True)
class RemovedRecord:
    """Everything ``remove`` took out, enough for ``restore_removed`` to put it back.

    Holds the encrypted rows exactly as they were (never plaintext), so undo
    restores the same bytes under the same id.  Valid only for the store it
    came from.
    """

    summary: RecordSummary
    store_id: str
    rows: tuple[tuple[str, dict[str, Any]], ...] = field(repr=False)
    children: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a merge (backup restore) did: records added, and records already present."""

    added: int
    duplicates: int
