"""The one import pipeline both faces call: parse → verify → store.

Parsing and verification are CPU work (JSON-LD canonicalization, signature
checks), so with more than a handful of files they run in worker processes
(both cores) while this thread – the store's single writer – saves each
finished file in its own transaction.  Progress is reported per file through
a callback and a ``threading.Event`` cancels between files: whatever was
committed stays, nothing is half-written.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from wallet.errors import NetworkError, WalletError
from wallet.formats import parse
from wallet.formats.archive import EntryOutcome, outcome_for, parse_archive, parse_file, walk_folder
from wallet.formats.detect import is_zip
from wallet.limits import DEFAULT_LIMITS, Limits
from wallet.model import Credential
from wallet.net import ACCEPT_BADGE, Fetcher
from wallet.store import AddItem, AddResult
from wallet.verify import Report, VerifyOptions, verify

IMPORTED = "imported"
DUPLICATE = "duplicate"
REJECTED = "rejected"
NOT_A_BADGE = "not_a_badge"

# FileOutcome.reason of an "imported" file that took the place of a stored copy
# which verified worse (the store's AddResult.replaced).
REPLACED_REASON = "replaced a copy that failed verification"

PARALLEL_THRESHOLD = 8  # below this many files a process pool costs more than it saves


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One credential ready to store, with its report."""

    credential: Credential
    report: Report | None


@dataclass(frozen=True, slots=True)
class UnitResult:
    """What parsing and verifying one file (or one ZIP entry) produced."""

    name: str
    status: str  # imported (ready to store) | rejected | not_a_badge
    items: tuple[ParsedItem, ...] = ()
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What happened to one input, as shown to the user."""

    name: str
    status: str  # imported | duplicate | rejected | not_a_badge
    record_ids: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    verdicts: tuple[str, ...] = ()
    reason: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.name,
            "status": self.status,
            "record_ids": list(self.record_ids),
            "names": list(self.names),
            "verdicts": list(self.verdicts),
            "reason": self.reason,
        }


@dataclass
class ImportSummary:
    """Counts plus every per-file outcome, in input order of completion."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    cancelled: bool = False

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def ok(self) -> bool:
        return not self.cancelled and all(o.status in (IMPORTED, DUPLICATE) for o in self.outcomes)

    def line(self) -> str:
        parts = [
            f"{self.count(IMPORTED)} imported",
            f"{self.count(DUPLICATE)} duplicate",
            f"{self.count(REJECTED)} rejected",
            f"{self.count(NOT_A_BADGE)} not a badge",
        ]
        return ", ".join(parts) + (" (cancelled)" if self.cancelled else "")


class Sink(Protocol):
    """The part of the store the importer writes through (one transaction per call)."""

    def add_many(self, items: Iterable[AddItem]) -> list[AddResult]: ...


@dataclass(frozen=True, slots=True)
class ImportSettings:
    """How to import: network, clock and limits are explicit."""

    offline: bool = False
    limits: Limits = DEFAULT_LIMITS
    workers: int = field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)))
    verify: bool = True
    now: datetime | None = None


ProgressFn = Callable[[int, int, FileOutcome], None]


def import_sources(
    sources: Iterable[str | Path],
    sink: Sink,
    settings: ImportSettings | None = None,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> ImportSummary:
    """Import files, folders, ZIPs and URLs; each file is stored in one transaction."""
    settings = settings or ImportSettings()
    units = list(expand_sources(sources, settings.limits))
    summary = ImportSummary()
    total = len(units)
    for done, result in enumerate(_process_all(units, settings, cancel), start=1):
        for outcome in _store(result, sink):
            summary.outcomes.append(outcome)
            if progress:
                progress(done, total, outcome)
        if cancel is not None and cancel.is_set():
            summary.cancelled = done < total
            break
    return summary


@dataclass(frozen=True, slots=True)
class Unit:
    """One thing to import: a file path or URL, the name the user sees, and why it is skipped (if so)."""

    source: str
    label: str
    skipped: str | None = None


def expand_sources(sources: Iterable[str | Path], limits: Limits) -> Iterator[Unit]:
    """Folders become their files (``formats.archive.walk_folder``); files and URLs stay as they are."""
    for source in sources:
        text = str(source)
        path = Path(text)
        if not _is_url(text) and path.is_dir():
            for entry in walk_folder(path, limits, skip_hidden=True):
                yield Unit(str(entry.path), str(entry.path), entry.skipped)
        else:
            yield Unit(text, text)


def _is_url(text: str) -> bool:
    return text.startswith(("https://", "http://"))


def _process_all(
    units: list[Unit], settings: ImportSettings, cancel: threading.Event | None
) -> Iterator[list[UnitResult]]:
    if len(units) < PARALLEL_THRESHOLD or settings.workers <= 1:
        for unit in units:
            if cancel is not None and cancel.is_set():
                return
            yield process_unit(unit, settings)
        return
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=settings.workers, mp_context=context) as pool:
        pending: dict[cf.Future[list[UnitResult]], Unit] = {}
        queue = iter(units)
        window = settings.workers * 4
        for unit in _take(queue, window):
            pending[pool.submit(process_unit, unit, settings)] = unit
        while pending:
            finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                unit = pending.pop(future)
                try:
                    yield future.result()
                except Exception as exc:  # a worker died: report the file, keep going
                    yield [UnitResult(unit.label, REJECTED, reason=f"Could not be processed: {exc}")]
                if cancel is not None and cancel.is_set():
                    for other in pending:
                        other.cancel()
                    return
                for nxt in _take(queue, 1):
                    pending[pool.submit(process_unit, nxt, settings)] = nxt


def _take(iterator: Iterator[Unit], n: int) -> list[Unit]:
    out = []
    for _ in range(n):
        try:
            out.append(next(iterator))
        except StopIteration:
            break
    return out


def process_unit(unit: Unit, settings: ImportSettings) -> list[UnitResult]:
    """Parse and verify one file or URL (runs in a worker process); never raises for bad input."""
    if unit.skipped:
        return [UnitResult(unit.label, REJECTED, reason=unit.skipped)]
    fetcher = Fetcher(offline=settings.offline)
    if _is_url(unit.source):
        try:
            body = fetcher.get(unit.source, accept=ACCEPT_BADGE).body
        except WalletError as exc:
            return [UnitResult(unit.label, REJECTED, reason=exc.user_message)]
        entries = (
            parse_archive(body, unit.label, settings.limits)
            if is_zip(body)
            else [outcome_for(body, unit.label, settings.limits)]
        )
    else:
        entries = parse_file(Path(unit.source), unit.label, settings.limits)
    return [_from_entry(entry, fetcher, settings) for entry in entries]


def _from_entry(entry: EntryOutcome, fetcher: Fetcher, settings: ImportSettings) -> UnitResult:
    if entry.status != IMPORTED:
        return UnitResult(entry.name, entry.status, reason=entry.reason)
    return _verified(entry.name, list(entry.credentials), fetcher, settings)


def _verified(name: str, credentials: list[Credential], fetcher: Fetcher, settings: ImportSettings) -> UnitResult:
    if not credentials:
        return UnitResult(name, NOT_A_BADGE, reason="No badge found in this file.")
    credentials = [_fetch_hosted(c, fetcher) for c in credentials]
    options = VerifyOptions(fetcher=fetcher, now=settings.now or datetime.now(UTC))
    items = tuple(ParsedItem(c, verify(c, options) if settings.verify else None) for c in credentials)
    return UnitResult(name, IMPORTED, items)


def _fetch_hosted(credential: Credential, fetcher: Fetcher) -> Credential:
    """A bare hosted-badge link carries no content: fetch the assertion once so the record is useful."""
    if credential.document or not credential.hosted_url:
        return credential
    try:
        response = fetcher.get(credential.hosted_url)
    except NetworkError:
        return credential
    try:
        fetched = parse(response.body, credential.hosted_url)
    except WalletError:
        return credential
    if not fetched:
        return credential
    return replace(
        fetched[0], original=credential.original, container=credential.container, hosted_url=credential.hosted_url
    )


def _store(results: list[UnitResult], sink: Sink) -> list[FileOutcome]:
    outcomes = []
    for result in results:
        if result.status != IMPORTED:
            outcomes.append(FileOutcome(result.name, result.status, reason=result.reason))
            continue
        try:
            added = sink.add_many([AddItem(i.credential, i.report, source=result.name) for i in result.items])
        except WalletError as exc:
            outcomes.append(FileOutcome(result.name, REJECTED, reason=exc.user_message))
            continue
        replaced = any(a.replaced for a in added)
        all_dupes = bool(added) and not replaced and all(a.duplicate for a in added)
        outcomes.append(
            FileOutcome(
                result.name,
                DUPLICATE if all_dupes else IMPORTED,
                record_ids=tuple(a.record_id for a in added),
                names=tuple(i.credential.display_name for i in result.items),
                verdicts=tuple(i.report.verdict if i.report else "" for i in result.items),
                reason=REPLACED_REASON if replaced else None,
            )
        )
    return outcomes


class ReverifyStore(Protocol):
    """The part of the store re-verification reads and writes."""

    def get(self, record_id: str) -> StoredLike: ...

    def update_report(self, record_id: str, report: Report) -> None: ...


class StoredLike(Protocol):
    @property
    def credential(self) -> Credential: ...


def reverify_records(
    store: ReverifyStore,
    record_ids: Sequence[str],
    *,
    offline: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[tuple[str, str]]:
    """Verify stored credentials again and save the new reports; returns (id, verdict) pairs."""
    options = VerifyOptions(fetcher=Fetcher(offline=offline))
    results: list[tuple[str, str]] = []
    for done, record_id in enumerate(record_ids, start=1):
        if cancel is not None and cancel.is_set():
            break
        credential = store.get(record_id).credential
        report = verify(credential, options)
        store.update_report(record_id, report)
        results.append((record_id, report.verdict))
        if progress:
            progress(done, len(record_ids))
    return results
