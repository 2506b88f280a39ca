"""Badge Wallet: an earner-side wallet for Open Badges and verifiable credentials."""

from __future__ import annotations

__version__ = "0.1.0"
