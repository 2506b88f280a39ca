"""What one verification run is given: network, clock, the earner's identifiers.

Time and network are parameters, never read inside a check, so tests are
deterministic and ``--offline`` is a single switch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from wallet.net import Fetcher


@dataclass(frozen=True)
class VerifyOptions:
    """Inputs to ``wallet.verify.verify`` besides the credential itself."""

    fetcher: Fetcher = field(default_factory=lambda: Fetcher(offline=True))
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    recipient_ids: tuple[str, ...] = ()  # the earner's e-mails, URLs, DIDs
    time_budget: float = 10.0  # seconds of JSON-LD work allowed per credential
    challenge: str | None = None  # expected proof challenge (presentations)
    domain: str | None = None  # expected proof domain (presentations)
    clock_skew_seconds: int = 300
    depth: int = 0  # nesting: status list credentials and CLR children verify at depth + 1

    @property
    def online(self) -> bool:
        return self.fetcher.online
