"""Console entry point: no arguments opens the app, anything else is the CLI.

This module sits above both faces so that neither has to import the other.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("--screenshot",) or (args[0] == "--store" and len(args) == 2):
        from wallet.ui.app import run_app

        return run_app(args)
    from wallet.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
