"""The in-memory index of decrypted summaries that lists and search run on.

Names, issuers, skills and tags are encrypted on disk, so SQLite cannot search
them.  Instead the store decrypts one small summary per record when it opens
(not the documents or originals) and searches those in memory: for 10,000
records that is well under the 30 ms-a-keystroke budget (bench/store_open.py).

Only the encrypted part of a summary goes through ``encode``/``decode``; the
clear columns (id, parent, timestamps) come from the row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .records import RecordSummary


def encode(summary: RecordSummary) -> bytes:
    data = {
        "name": summary.name,
        "issuer": summary.issuer,
        "format": summary.format,
        "verdict": summary.verdict,
        "issued": summary.issued.isoformat() if summary.issued else None,
        "skills": list(summary.skills),
        "tags": list(summary.tags),
        "credential_id": summary.credential_id,
        "source": summary.source,
    }
    return json.dumps(data, separators=(",", ":")).encode()


def decode(
    raw: bytes, *, record_id: str, added_at: datetime, parent_id: str | None, verified_at: datetime | None
) -> RecordSummary:
    """Raises ``ValueError``/``KeyError``/``TypeError`` on a malformed summary."""
    data: dict[str, Any] = json.loads(raw)
    issued = data["issued"]
    return RecordSummary(
        id=record_id,
        name=str(data["name"]),
        issuer=str(data["issuer"]),
        format=str(data["format"]),
        verdict=data["verdict"],
        issued=datetime.fromisoformat(issued) if issued else None,
        skills=tuple(data["skills"]),
        tags=tuple(data["tags"]),
        added_at=added_at,
        credential_id=data["credential_id"],
        parent_id=parent_id,
        source=str(data["source"]),
        verified_at=verified_at,
    )


def _haystack(summary: RecordSummary) -> str:
    return "\n".join((summary.name, summary.issuer, *summary.skills, *summary.tags)).casefold()


class SummaryIndex:
    """Summaries by record id, oldest first, each with its search text.

    Not thread-safe on its own: the store calls it under its lock.
    """

    def __init__(self, summaries: Iterable[RecordSummary] = ()) -> None:
        self._items: dict[str, tuple[RecordSummary, str]] = {}
        for summary in summaries:
            self._items[summary.id] = (summary, _haystack(summary))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._items

    def get(self, record_id: str) -> RecordSummary:
        """Raises ``KeyError`` for an unknown id."""
        return self._items[record_id][0]

    def put(self, summary: RecordSummary) -> None:
        self.put_many((summary,))

    def put_many(self, summaries: Iterable[RecordSummary]) -> None:
        """Add or replace; new summaries older than the newest (an undo, a restore)
        are put in their place with one sort at the end, not one per summary."""
        newest = next(reversed(self._items.values()), None)
        latest = newest[0].added_at if newest else None
        resort = False
        for summary in summaries:
            if summary.id not in self._items:
                if latest is not None and summary.added_at < latest:
                    resort = True
                latest = summary.added_at if latest is None else max(latest, summary.added_at)
            self._items[summary.id] = (summary, _haystack(summary))
        if resort:
            self._items = dict(sorted(self._items.items(), key=lambda kv: kv[1][0].added_at))

    def pop(self, record_id: str) -> RecordSummary:
        return self._items.pop(record_id)[0]

    def newest_first(self) -> list[RecordSummary]:
        return [summary for summary, _ in reversed(self._items.values())]

    def search(self, query: str) -> list[RecordSummary]:
        """Records whose name, issuer, skills or tags contain every word of ``query``
        (case-insensitive), newest first.  An empty query matches everything."""
        words = query.casefold().split()
        if not words:
            return self.newest_first()
        return [summary for summary, hay in reversed(self._items.values()) if all(w in hay for w in words)]

    def find_credential(self, credential_id: str) -> str | None:
        """The record id holding the credential with this ``id`` (its first copy)."""
        for summary, _ in self._items.values():
            if summary.credential_id == credential_id:
                return summary.id
        return None
