"""The verification report: named checks and the one verdict they decide.

Check ids and verdicts are a fixed vocabulary (DESIGN.md, Verification); the
messages are for people.  A report is a frozen value so the UI, the store and
the CLI can pass it around without copies drifting apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Check statuses
PASS = "pass"
FAIL = "fail"
UNKNOWN = "unknown"
SKIPPED = "skipped"
STATUSES = (PASS, FAIL, UNKNOWN, SKIPPED)

# Check ids, in the order they run
STRUCTURE = "structure"
ISSUER = "issuer"
PROOF = "proof"
STATUS = "status"
DATES = "dates"
RECIPIENT = "recipient"
CHECK_ORDER = (STRUCTURE, ISSUER, PROOF, STATUS, DATES, RECIPIENT)

# Verdicts
VALID = "valid"
MALFORMED = "malformed"
UNRESOLVABLE_ISSUER = "unresolvable_issuer"
INVALID_SIGNATURE = "invalid_signature"
TAMPERED = "tampered"
REVOKED = "revoked"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
INCOMPLETE = "incomplete"
VERDICTS = (
    VALID,
    MALFORMED,
    UNRESOLVABLE_ISSUER,
    INVALID_SIGNATURE,
    TAMPERED,
    REVOKED,
    EXPIRED,
    NOT_YET_VALID,
    INCOMPLETE,
)

# Worst first: used to pick the verdict shown on top of several reports.
SEVERITY = {
    MALFORMED: 9,
    TAMPERED: 8,
    INVALID_SIGNATURE: 7,
    UNRESOLVABLE_ISSUER: 6,
    REVOKED: 5,
    EXPIRED: 4,
    NOT_YET_VALID: 3,
    INCOMPLETE: 2,
    VALID: 0,
}

# The verdict a failing check gives when it does not name one itself.
DEFAULT_FAIL_VERDICT = {
    STRUCTURE: MALFORMED,
    ISSUER: UNRESOLVABLE_ISSUER,
    PROOF: INVALID_SIGNATURE,
    STATUS: REVOKED,
    DATES: EXPIRED,
    RECIPIENT: INVALID_SIGNATURE,
}

VERDICT_TEXT = {
    VALID: "Valid",
    MALFORMED: "Not a readable credential",
    UNRESOLVABLE_ISSUER: "Issuer could not be checked",
    INVALID_SIGNATURE: "Signature does not verify",
    TAMPERED: "Changed since it was issued",
    REVOKED: "Revoked by the issuer",
    EXPIRED: "Expired",
    NOT_YET_VALID: "Not valid yet",
    INCOMPLETE: "Could not be fully checked",
}


@dataclass(frozen=True, slots=True)
class Check:
    """One named step of verification and what it found."""

    id: str
    status: str
    message: str
    verdict: str | None = None  # the verdict this check gives when it fails

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "message": self.message}


@dataclass(frozen=True, slots=True)
class Report:
    """Checks in order plus what they add up to."""

    checks: tuple[Check, ...]
    format: str
    credential_id: str | None
    credential_name: str | None
    issuer: str | None
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    online: bool = True
    children: tuple[Report, ...] = ()  # embedded credentials (CLR) – affect the verdict
    endorsements: tuple[Report, ...] = ()  # shown, never change the verdict

    @property
    def own_verdict(self) -> str:
        """First failing check decides; an unknown required check gives ``incomplete``."""
        for check in self.checks:
            if check.status == FAIL:
                return check.verdict or DEFAULT_FAIL_VERDICT.get(check.id, MALFORMED)
        if any(c.status == UNKNOWN for c in self.checks):
            return INCOMPLETE
        return VALID

    @property
    def verdict(self) -> str:
        return worst([self.own_verdict, *(c.verdict for c in self.children)])

    @classmethod
    def malformed(
        cls,
        message: str,
        *,
        checked_at: datetime,
        online: bool,
        name: str | None = None,
        issuer: str | None = None,
    ) -> Report:
        """The report for input that is not a readable credential at all."""
        return cls(
            checks=(Check(STRUCTURE, FAIL, message, MALFORMED),),
            format="unknown",
            credential_id=None,
            credential_name=name,
            issuer=issuer,
            checked_at=checked_at,
            online=online,
        )

    def check(self, check_id: str) -> Check | None:
        return next((c for c in self.checks if c.id == check_id), None)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "verdict": self.verdict,
            "format": self.format,
            "checks": [c.to_json() for c in self.checks],
            "credential": {"id": self.credential_id, "name": self.credential_name, "issuer": self.issuer},
            "checked_at": self.checked_at.isoformat(),
            "online": self.online,
        }
        if self.children:
            out["children"] = [c.to_json() for c in self.children]
        if self.endorsements:
            out["endorsements"] = [e.to_json() for e in self.endorsements]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """Rebuild a stored report (the store keeps ``to_json`` output plus check verdicts)."""
        cred = data.get("credential") or {}
        return cls(
            checks=tuple(Check(c["id"], c["status"], c["message"], c.get("verdict")) for c in data.get("checks", [])),
            format=data.get("format", ""),
            credential_id=cred.get("id"),
            credential_name=cred.get("name"),
            issuer=cred.get("issuer"),
            checked_at=datetime.fromisoformat(data["checked_at"]),
            online=bool(data.get("online", True)),
            children=tuple(cls.from_json(c) for c in data.get("children", [])),
            endorsements=tuple(cls.from_json(e) for e in data.get("endorsements", [])),
        )

    def to_storable(self) -> dict[str, Any]:
        """Like ``to_json`` but keeps each check's verdict so ``from_json`` round-trips."""
        out = self.to_json()
        out["checks"] = [{**c.to_json(), "verdict": c.verdict} for c in self.checks]
        if self.children:
            out["children"] = [c.to_storable() for c in self.children]
        if self.endorsements:
            out["endorsements"] = [e.to_storable() for e in self.endorsements]
        return out


def worst(verdicts: list[str]) -> str:
    """The most severe verdict of several (``valid`` when the list is empty)."""
    return max(verdicts, key=lambda v: SEVERITY.get(v, 0), default=VALID)


def short_id(value: str, keep: int = 14) -> str:
    """``did:key:z6MkwYLT…Mpu37``: long identifiers stay recognisable without filling the screen."""
    if len(value) <= 2 * keep + 12:
        return value
    head, _, tail = value.rpartition(":")
    if len(tail) > 2 * keep:
        return f"{head}:{tail[:keep]}…{tail[-6:]}"
    return value[: 2 * keep] + "…" + value[-8:]
