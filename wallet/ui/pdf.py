"""HTML → PDF with Qt's own PDF writer, for the résumé bundle's ``portfolio.pdf``.

It lives in ``wallet.ui`` because it needs Qt; ``wallet.export`` receives it
as a plain callable (``pdf_renderer``), so the export layer stays Qt-free and
the CLI can still make PDFs headless (``QT_QPA_PLATFORM=offscreen``).

QTextDocument understands a subset of HTML 4 and CSS 2 (tables, fonts,
colours, ``data:`` images); the bundle's PDF template is written for that
subset.  Text stays text in the PDF, so a recruiter can search and copy it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument, QTextFormat

from wallet.errors import ExportError

RESOLUTION_DPI = 300
MARGIN_MM = 16
BASE_POINT_SIZE = 10


def render_pdf(html: str, path: Path) -> None:
    """Lay ``html`` out on A4 pages and write the PDF to ``path``."""
    _application()
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle(_title(html))
    writer.setCreator("Badge Wallet")

    document = QTextDocument()
    font = QFont()
    font.setFamilies(["DejaVu Sans", "Helvetica", "Arial"])
    font.setPointSize(BASE_POINT_SIZE)
    document.setDefaultFont(font)
    document.setHtml(html)
    # Lay out in points on the printable area; QTextDocument.print scales to the device.
    rect = writer.pageLayout().paintRect(QPageLayout.Unit.Point)
    document.setPageSize(QSizeF(rect.width(), rect.height()))
    document.setDocumentMargin(0)
    _keep_tables_on_one_page(document)
    document.print_(writer)
    del writer  # closes the file
    if not path.exists() or path.stat().st_size == 0:
        raise ExportError("The PDF could not be written.", detail=str(path))


def _keep_tables_on_one_page(document: QTextDocument) -> None:
    """Start a table on a new page when it would otherwise be cut in two.

    Qt's rich text has no ``page-break-inside: avoid``; each badge is one
    table, and a badge split over two sheets is hard to read on paper.  So
    after layout, a table that straddles a page boundary (and fits on one
    page) gets a page break before it; later tables are measured after the
    earlier ones have moved.
    """
    layout = document.documentLayout()
    page_height = document.pageSize().height()
    for frame in document.rootFrame().childFrames():
        rect = layout.frameBoundingRect(frame)
        if rect.height() >= page_height:
            continue
        if int(rect.top() // page_height) != int((rect.bottom() - 1) // page_height):
            frame_format = frame.frameFormat()
            frame_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            frame.setFrameFormat(frame_format)


def _application() -> QGuiApplication:
    """The running Qt application, or a new GUI application (fonts and images need one)."""
    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication(sys.argv[:1] or ["badgewallet"])
    if not isinstance(app, QGuiApplication):
        raise ExportError("Making a PDF needs a graphical Qt application.", detail=type(app).__name__)
    return app


def _title(html: str) -> str:
    start = html.find("<title>")
    end = html.find("</title>", start)
    if start < 0 or end < 0:
        return "Badge portfolio"
    import html as html_module

    return html_module.unescape(html[start + 7 : end]).strip() or "Badge portfolio"
