"""The sidebar: which part of the collection to show, or the recruiter check.

It only knows scopes (``models.Scope``) and counts handed to it; selecting an
entry emits ``scope_selected`` or ``recruiter_selected`` and the window does
the rest.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from .models import ALL, ATTENTION, RECENT, Scope
from .qtcompat import emit

SCOPE_ROLE = Qt.ItemDataRole.UserRole + 10
RECRUITER = "recruiter"


class Sidebar(QTreeWidget):
    """All · Issuers › … · Needs attention · Recently added · Check a badge."""

    scope_selected = Signal(object)  # Scope
    recruiter_selected = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Sidebar")
        self.setHeaderHidden(True)
        self.setRootIsDecorated(True)
        self.setIndentation(14)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAccessibleName("Collections")
        self.setMinimumWidth(170)
        self.all_item = self._item("All badges", ALL, "Every badge in your wallet")
        self.issuers_item = self._item("By issuer", None, "Badges grouped by who issued them")
        self.attention_item = self._item(
            "Needs attention", ATTENTION, "Revoked, expired, not verifiable or incompletely checked badges"
        )
        self.recent_item = self._item("Recently added", RECENT, "Added in the last 30 days")
        self.recruiter_item = self._item(
            "Check a badge", RECRUITER, "Verify a badge someone sent you, without adding it"
        )
        self.addTopLevelItems(
            [self.all_item, self.issuers_item, self.attention_item, self.recent_item, self.recruiter_item]
        )
        self.issuers_item.setFlags(self.issuers_item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
        self.issuers_item.setExpanded(True)
        self.setCurrentItem(self.all_item)
        self.currentItemChanged.connect(self._changed)

    @staticmethod
    def _item(text: str, scope: object, tip: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text])
        item.setData(0, SCOPE_ROLE, scope)
        item.setToolTip(0, tip)
        return item

    def set_counts(self, total: int, attention: int, recent: int, issuers: list[tuple[str, int]]) -> None:
        """Update labels and the issuer list, keeping the current selection."""
        current = self.currentItem()
        current_scope = current.data(0, SCOPE_ROLE) if current else None
        self.blockSignals(True)
        self.all_item.setText(0, f"All badges ({total})")
        self.attention_item.setText(0, f"Needs attention ({attention})")
        self.recent_item.setText(0, f"Recently added ({recent})")
        self.issuers_item.takeChildren()
        self.issuers_item.setText(0, f"By issuer ({len(issuers)})")
        reselect = None
        for name, count in issuers:
            scope = Scope("issuer", name)
            child = self._item(f"{name or 'Unknown issuer'} ({count})", scope, name or "Unknown issuer")
            self.issuers_item.addChild(child)
            if scope == current_scope:
                reselect = child
        self.issuers_item.setExpanded(True)
        if reselect is not None:
            self.setCurrentItem(reselect)
        elif isinstance(current_scope, Scope) and current_scope.kind == "issuer":
            self.setCurrentItem(self.all_item)  # that issuer is gone
            self.blockSignals(False)
            emit(self.scope_selected, ALL)
            return
        self.blockSignals(False)

    def select_all(self) -> None:
        self.setCurrentItem(self.all_item)

    def select_recruiter(self) -> None:
        self.setCurrentItem(self.recruiter_item)

    def _changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if current is None:
            return
        scope = current.data(0, SCOPE_ROLE)
        if scope == RECRUITER:
            emit(self.recruiter_selected)
        elif isinstance(scope, Scope):
            emit(self.scope_selected, scope)
