"""Console entry point: no arguments opens the app, anything else is the CLI.

This module sits above both faces so that neither has to import the other.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("--screenshot",) or (args[0] == "--store" and len(args) == 2):
        from wallet.ui.app import run_app

        return run_app(args)
    import wallet.cli

    wallet.cli.PDF_RENDERER = _render_pdf
    return wallet.cli.main(args)


def _render_pdf(html: str, path: Path) -> None:
    """Qt's PDF writer for the résumé bundle, imported only when a bundle is written."""
    from wallet.ui.pdf import render_pdf

    render_pdf(html, path)


if __name__ == "__main__":
    raise SystemExit(main())
