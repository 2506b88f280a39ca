"""One exception tree for the whole wallet.

Every error a user can meet carries a plain-language ``user_message``; the
developer detail (``detail``) goes to logs only and never holds a secret::

    WalletError
     ├── FormatError            the input is not a badge we can read
     │    ├── NotABadge         readable, but holds no badge (a plain photo …)
     │    └── LimitExceeded     the input is over a size/depth/time limit
     ├── VerifyError            a bug-level problem inside verification
     │    └── ContextNotAllowed an unknown JSON-LD context was requested
     ├── NetworkError           a fetch failed (offline, refused, timeout …)
     │    └── OfflineError      a fetch was attempted in offline mode
     ├── StoreError             the encrypted store cannot be used
     │    ├── WrongPassphrase
     │    ├── PassphraseRequired
     │    └── StoreCorrupt
     └── ExportError            an export could not be written

Verification never raises for a *bad credential*: that is a verdict, not an
error.  These exceptions are for inputs we cannot read and for environments
we cannot use.
"""

from __future__ import annotations


class WalletError(Exception):
    """Root of every error the wallet raises on purpose."""

    def __init__(self, user_message: str, *, detail: str | None = None) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.detail = detail or user_message

    def __str__(self) -> str:
        return self.user_message


class FormatError(WalletError):
    """The bytes are not a badge, or are a broken one."""


class NotABadge(FormatError):
    """The file is fine but holds no badge (e.g. a PNG without a badge chunk)."""


class LimitExceeded(FormatError):
    """The input is over one of the parser limits; the message names the limit."""


class VerifyError(WalletError):
    """Verification could not run at all (never used for a bad credential)."""


class ContextNotAllowed(VerifyError):
    """A JSON-LD context outside the bundled, hash-pinned set was requested."""


class NetworkError(WalletError):
    """A fetch failed; ``status`` holds the HTTP status when there was one."""

    def __init__(self, user_message: str, *, detail: str | None = None, status: int | None = None) -> None:
        super().__init__(user_message, detail=detail)
        self.status = status


class OfflineError(NetworkError):
    """A fetch was refused because the wallet runs offline."""


class StoreError(WalletError):
    """The store cannot be opened, read or written."""


class WrongPassphrase(StoreError):
    """The passphrase does not unlock the store or backup."""


class PassphraseRequired(StoreError):
    """The store is locked by a passphrase (no usable keyring) and none was given."""


class StoreCorrupt(StoreError):
    """The store or backup file is damaged or truncated."""


class ExportError(WalletError):
    """An export (link, QR, bundle, baked file) could not be produced."""
