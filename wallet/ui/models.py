"""The collection model: record ids plus a row cache, filtered and sorted in memory.

Following Anki's browser table, the model never holds credentials – only the
store's ``RecordSummary`` rows (id, name, issuer, dates, verdict, skills,
tags), fetched once per refresh on the store thread.  Everything a card needs
is in that row, so scrolling never touches the store; thumbnails come from the
``ThumbnailCache``.

Search runs over a lower-cased text per row prepared when the rows arrive, so
a keystroke is one pass over 10,000 short strings (a few milliseconds) and a
model reset – cheaper than letting a ``QSortFilterProxyModel`` call a Python
``filterAcceptsRow`` 10,000 times.  Sorting happens once per sort key and the
filter keeps that order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from wallet.verify.report import SEVERITY

from .qtcompat import emit
from .theme import ATTENTION_VERDICTS, format_date, verdict_style

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 2
VERDICT_ROLE = Qt.ItemDataRole.UserRole + 3

SORT_DATE = "date"
SORT_NAME = "name"
SORT_ISSUER = "issuer"
SORT_VERDICT = "verdict"
SORT_ADDED = "added"
SORT_KEYS = {
    SORT_DATE: "Date issued",
    SORT_NAME: "Name",
    SORT_ISSUER: "Issuer",
    SORT_VERDICT: "Verdict",
    SORT_ADDED: "Date added",
}

RECENT_DAYS = 30
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SummaryLike(Protocol):
    """What the model reads from the store's ``RecordSummary``."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def issuer(self) -> str: ...
    @property
    def verdict(self) -> str | None: ...
    @property
    def issued(self) -> datetime | None: ...
    @property
    def added_at(self) -> datetime: ...
    @property
    def skills(self) -> Sequence[str]: ...
    @property
    def tags(self) -> Sequence[str]: ...


# --------------------------------------------------------------------------- scopes


@dataclass(frozen=True, slots=True)
class Scope:
    """Which part of the collection the sidebar selected."""

    kind: str = "all"  # all | issuer | attention | recent
    value: str | None = None

    def accepts(self, row: SummaryLike, now: datetime) -> bool:
        if self.kind == "issuer":
            return (row.issuer or "") == self.value
        if self.kind == "attention":
            return (row.verdict or "") in ATTENTION_VERDICTS
        if self.kind == "recent":
            return _aware(row.added_at) >= now - timedelta(days=RECENT_DAYS)
        return True


ALL = Scope()
ATTENTION = Scope("attention")
RECENT = Scope("recent")


def _aware(value: datetime | None) -> datetime:
    if value is None:
        return _EPOCH
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def haystack(row: SummaryLike) -> str:
    """The text a search matches against: name, issuer, skills and tags."""
    parts = [row.name or "", row.issuer or "", *(row.skills or ()), *(row.tags or ())]
    return "\n".join(parts).casefold()


def matches(text: str, terms: Sequence[str]) -> bool:
    return all(term in text for term in terms)


def _narrows(old: Sequence[str], new: Sequence[str]) -> bool:
    """True when every text matching ``new`` also matches ``old`` (each old term is inside a new one)."""
    return all(any(o in n for n in new) for o in old)


def search_terms(query: str) -> list[str]:
    return [t for t in query.casefold().split() if t]


def _sort_key(kind: str) -> tuple[Callable[[SummaryLike], Any], bool]:
    """(key, reverse) for a sort choice; ties fall back to the name."""
    if kind == SORT_NAME:
        return (lambda r: (r.name or "").casefold()), False
    if kind == SORT_ISSUER:
        return (lambda r: ((r.issuer or "").casefold(), (r.name or "").casefold())), False
    if kind == SORT_VERDICT:
        return (lambda r: (-SEVERITY.get(r.verdict or "", 1), (r.name or "").casefold())), False
    if kind == SORT_ADDED:
        return (lambda r: _aware(r.added_at)), True
    return (lambda r: _aware(r.issued)), True


# --------------------------------------------------------------------------- the model


class CollectionModel(QAbstractListModel):
    """Visible record ids in display order, backed by a dict of summaries."""

    #: the number of rows shown changed (for the empty state and the status line)
    visible_changed = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: dict[str, SummaryLike] = {}
        self._text: dict[str, str] = {}
        self._ordered: list[str] = []  # every id in the current sort order
        self._scoped: list[tuple[str, str]] | None = None  # (id, search text) in scope, in order
        self._matched: list[tuple[str, str]] = []  # what the current terms left of _scoped
        self._matched_terms: list[str] | None = None
        self._visible: list[str] = []
        self._position: dict[str, int] = {}
        self._sort = SORT_DATE
        self._terms: list[str] = []
        self._scope = ALL
        self._thumbnail: Callable[[str], Any] | None = None
        self.loaded = False

    # ------------------------------------------------------------ Qt interface

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._visible):
            return None
        record_id = self._visible[index.row()]
        row = self._rows[record_id]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.name
        if role == ID_ROLE:
            return record_id
        if role == SUMMARY_ROLE:
            return row
        if role == VERDICT_ROLE:
            return row.verdict
        if role == Qt.ItemDataRole.DecorationRole and self._thumbnail is not None:
            return self._thumbnail(record_id)
        if role == Qt.ItemDataRole.ToolTipRole:
            issued = format_date(row.issued)
            style = verdict_style(row.verdict)
            lines = [f"<b>{_esc(row.name)}</b>", _esc(row.issuer)]
            if issued:
                lines.append(f"Issued {issued}")
            lines.append(f"{style.label}: {style.text}")
            if row.skills:
                lines.append("Skills: " + _esc(", ".join(row.skills[:6])))
            return "<br>".join(lines)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{row.name}, {row.issuer}, {verdict_style(row.verdict).label}"
        return None

    # ------------------------------------------------------------ feeding

    def set_thumbnail_source(self, source: Callable[[str], Any]) -> None:
        self._thumbnail = source

    def set_summaries(self, rows: Iterable[SummaryLike]) -> None:
        """Replace every row (after a refresh from the store)."""
        self._rows = {r.id: r for r in rows}
        self._text = {rid: haystack(r) for rid, r in self._rows.items()}
        self._scoped = None
        self.loaded = True
        self._resort()

    def summary(self, record_id: str) -> SummaryLike | None:
        return self._rows.get(record_id)

    def all_summaries(self) -> list[SummaryLike]:
        return list(self._rows.values())

    @property
    def total(self) -> int:
        return len(self._rows)

    # ------------------------------------------------------------ view state

    def set_sort(self, kind: str) -> None:
        if kind != self._sort:
            self._sort = kind
            self._resort()

    @property
    def sort_kind(self) -> str:
        return self._sort

    def set_query(self, query: str) -> None:
        terms = search_terms(query)
        if terms != self._terms:
            self._terms = terms
            self._refilter(narrowing=True)

    def set_scope(self, scope: Scope) -> None:
        if scope != self._scope:
            self._scope = scope
            self._scoped = None
            self._refilter()

    @property
    def scope(self) -> Scope:
        return self._scope

    def _resort(self) -> None:
        key, reverse = _sort_key(self._sort)
        rows = self._rows
        self._ordered = sorted(rows, key=lambda rid: key(rows[rid]), reverse=reverse)
        self._scoped = None
        self._refilter()

    def _refilter(self, *, narrowing: bool = False) -> None:
        """Apply scope and search terms, then reset the view.

        While the user types on, each new query usually *narrows* the previous
        one ("ru" → "rus"): then only the rows the previous query left are
        searched again, which keeps a keystroke well inside the 30 ms budget.
        """
        if self._scoped is None:
            now = datetime.now(UTC)
            scope, rows, text = self._scope, self._rows, self._text
            ids = self._ordered if scope.kind == "all" else [r for r in self._ordered if scope.accepts(rows[r], now)]
            self._scoped = [(rid, text[rid]) for rid in ids]
            self._matched_terms = None
        terms = self._terms
        previous = self._matched_terms
        pool = self._matched if narrowing and previous is not None and _narrows(previous, terms) else self._scoped
        if not terms:
            matched = self._scoped
        elif len(terms) == 1:
            term = terms[0]
            matched = [pair for pair in pool if term in pair[1]]
        else:
            matched = [pair for pair in pool if all(t in pair[1] for t in terms)]
        self._matched = matched
        self._matched_terms = list(terms)
        self.beginResetModel()
        self._visible = [rid for rid, _ in matched]
        self._position = {rid: i for i, rid in enumerate(self._visible)}
        self.endResetModel()
        emit(self.visible_changed, len(self._visible), len(self._rows))

    # ------------------------------------------------------------ lookups

    def index_of(self, record_id: str) -> QModelIndex:
        row = self._position.get(record_id)
        return self.index(row, 0) if row is not None else QModelIndex()

    def id_at(self, row: int) -> str | None:
        return self._visible[row] if 0 <= row < len(self._visible) else None

    def visible_ids(self) -> list[str]:
        return list(self._visible)

    def thumbnail_ready(self, record_id: str) -> None:
        """A thumbnail arrived: repaint that card only."""
        index = self.index_of(record_id)
        if index.isValid():
            emit(self.dataChanged, index, index, [Qt.ItemDataRole.DecorationRole])

    def issuers(self) -> list[tuple[str, int]]:
        """(issuer, count) sorted by name, for the sidebar."""
        counts: dict[str, int] = {}
        for row in self._rows.values():
            counts[row.issuer or ""] = counts.get(row.issuer or "", 0) + 1
        return sorted(counts.items(), key=lambda item: item[0].casefold())

    def count_in(self, scope: Scope) -> int:
        now = datetime.now(UTC)
        return sum(1 for row in self._rows.values() if scope.accepts(row, now))


def _esc(text: str | None) -> str:
    from html import escape

    return escape(text or "")
