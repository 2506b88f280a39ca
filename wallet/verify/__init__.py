"""Verification: ``verify(credential, options) -> Report``.

The package namespace stays light (no pyld import) so that importing the
report vocabulary, e.g. from the store, does not pay for JSON-LD start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wallet.verify.options import VerifyOptions
from wallet.verify.report import Check, Report

if TYPE_CHECKING:
    from wallet.model import Credential

__all__ = ["Check", "Report", "VerifyOptions", "verify"]


def verify(credential: Credential, options: VerifyOptions | None = None) -> Report:
    """Verify one credential; see ``wallet.verify.pipeline`` for the checks."""
    from wallet.verify.pipeline import verify as run

    return run(credential, options)
