"""``badgewallet`` on the command line: the same services as the app, no Qt.

Each verb imports what it needs when it runs, so ``badgewallet inspect`` does
not pay for pyld or SQLite start-up.  Exit codes: 0 success/valid, 1 a
negative answer (not valid, some input rejected), 2 usage or environment
errors.  No input may produce a traceback: expected failures are
``WalletError`` with a user message; anything else is reported as an
internal error in one line, with the detail only under ``--debug``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from wallet import __version__
from wallet.errors import WalletError

if TYPE_CHECKING:
    from wallet.store import WalletStore

PDF_RENDERER: Callable[[str, Path], None] | None = None  # set by wallet.main (the PDF writer is Qt's)

EXIT_OK = 0
EXIT_NEGATIVE = 1
EXIT_USAGE = 2


class UsageError(WalletError):
    """A command-line mistake: exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="badgewallet",
        description="A private wallet for your Open Badges and verifiable credentials. "
        "Run without arguments to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"badgewallet {__version__}")
    parser.add_argument(
        "--store", metavar="DIR", help="store folder (default: $BADGEWALLET_HOME or the user data folder)"
    )
    parser.add_argument("--debug", action="store_true", help="show internal error details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("inspect", help="print the parsed credential(s) in files as JSON")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_inspect)

    p = sub.add_parser("verify", help="verify a badge file, résumé bundle, QR image or URL")
    p.add_argument("target", metavar="FILE|URL")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--offline", action="store_true", help="never use the network")
    p.add_argument("--recipient", action="append", default=[], metavar="ID", help="your e-mail/URL/DID to match")
    p.add_argument("--challenge", help="expected presentation challenge (résumé bundles)")
    p.add_argument("--domain", help="expected presentation domain (résumé bundles)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("import", help="add badges (files, folders, ZIPs, URLs) to the wallet")
    p.add_argument("sources", nargs="+", metavar="PATH|URL")
    p.add_argument("--json", action="store_true")
    p.add_argument("--offline", action="store_true")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("list", help="list the badges in the wallet")
    p.add_argument("--query", "-q", default="", help="search name, issuer, skill and tag")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="show one badge with its verification report")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("reverify", help="verify stored badges again (online by default)")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--offline", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reverify)

    p = sub.add_parser("remove", help="remove a badge from the wallet")
    p.add_argument("id")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("backup", help="write an encrypted backup file")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="merge a backup file into the wallet")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_restore)

    export = sub.add_parser("export", help="share badges: links, QR codes, baked files, portfolio site, résumé bundle")
    what = export.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = what.add_parser("link", help="print the badge's verification link (or LinkedIn add-to-profile link)")
    p.add_argument("id")
    p.add_argument("--linkedin", action="store_true", help="print the LinkedIn add-to-profile URL")
    p.add_argument("--online", action="store_true", help="confirm that the credential's own https id answers")
    p.set_defaults(func=cmd_export_link)
    p = what.add_parser("qr", help="write a QR code (PNG or SVG) of the badge's verification URL")
    p.add_argument("id")
    p.add_argument("-o", "--output", required=True, metavar="FILE.png|FILE.svg")
    p.add_argument("--base-url", help="where you publish the portfolio site (used when there is no public link)")
    p.set_defaults(func=cmd_export_qr)
    p = what.add_parser("bake", help="write the credential into its own image")
    p.add_argument("id")
    p.add_argument("-o", "--output", required=True, metavar="FILE.png|FILE.svg")
    p.set_defaults(func=cmd_export_bake)
    p = what.add_parser("site", help="write a static portfolio site")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.add_argument("--base-url", help="the address the site will be published at")
    p.set_defaults(func=cmd_export_site)
    p = what.add_parser("bundle", help="write a résumé bundle ZIP a recruiter can open and verify")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("-o", "--output", required=True, metavar="FILE.zip")
    p.add_argument("--challenge", help="a challenge the recruiter gave you, signed into the presentation")
    p.add_argument("--domain", help="the recruiter's domain, signed into the presentation")
    p.set_defaults(func=cmd_export_bundle)

    p = sub.add_parser("skills", help="your skills map, or a gap report against a target role")
    p.add_argument("--target", metavar="FILE|TEXT", help="a role: JSON file, text file, or a list of skills")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_skills)

    p = sub.add_parser("passwd", help="change the wallet passphrase (re-wraps the key only)")
    p.set_defaults(func=cmd_passwd)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed usage or help
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help(out)
        return EXIT_OK
    func: Callable[[argparse.Namespace, TextIO, TextIO], int] = args.func
    try:
        return func(args, out, err)
    except UsageError as exc:
        print(f"badgewallet: {exc.user_message}", file=err)
        return EXIT_USAGE
    except WalletError as exc:
        print(f"badgewallet: {exc.user_message}", file=err)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("badgewallet: interrupted", file=err)
        return 130
    except BrokenPipeError:  # `badgewallet … | head`: the reader left; not an error worth a message
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's flush at exit
        return EXIT_OK
    except Exception as exc:  # a bug: one line for the user, the detail with --debug
        if args.debug:
            raise
        print(f"badgewallet: internal error ({type(exc).__name__}: {exc}); run with --debug for details", file=err)
        return EXIT_USAGE


# ---------------------------------------------------------------- inspect


def cmd_inspect(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from wallet.formats import parse
    from wallet.limits import DEFAULT_LIMITS

    status = EXIT_OK
    for name in args.files:
        try:
            data = _read_file(Path(name), DEFAULT_LIMITS.max_file_bytes)
            credentials = parse(data, name)
        except WalletError as exc:
            print(f"{name}: {exc.user_message}", file=err)
            status = EXIT_NEGATIVE
            continue
        print(
            json.dumps({"file": name, "credentials": [c.summary() for c in credentials]}, ensure_ascii=False, indent=2),
            file=out,
        )
    return status


def _read_file(path: Path, max_bytes: int) -> bytes:
    from wallet.errors import FormatError, LimitExceeded

    try:
        if path.is_dir():
            raise FormatError(f"{path} is a folder; use `badgewallet import` for folders.")
        size = path.stat().st_size
        if size > max_bytes:
            raise LimitExceeded(f"The file is larger than the {max_bytes // (1024 * 1024)} MB limit.")
        return path.read_bytes()
    except OSError as exc:
        raise FormatError(f"Could not read the file: {exc.strerror or exc}.") from exc


# ---------------------------------------------------------------- verify


def cmd_verify(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from wallet.recruiter import check_target

    result = check_target(
        args.target,
        offline=args.offline,
        recipient_ids=tuple(args.recipient),
        challenge=args.challenge,
        domain=args.domain,
    )
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2), file=out)
    else:
        out.write(result.render_text())
    return EXIT_OK if result.verdict == "valid" else EXIT_NEGATIVE


# ---------------------------------------------------------------- store verbs


def open_store(args: argparse.Namespace, *, create: bool = True) -> WalletStore:
    """Open the store: keyring first, then $BADGEWALLET_PASSPHRASE, then a prompt on a terminal."""
    from wallet.errors import PassphraseRequired
    from wallet.store import WalletStore, default_home

    home = default_home(args.store)
    passphrase = os.environ.get("BADGEWALLET_PASSPHRASE")
    try:
        return WalletStore.open(home, passphrase=passphrase, create=create)
    except PassphraseRequired:
        if not sys.stdin.isatty():
            raise UsageError(
                "The wallet needs a passphrase: set BADGEWALLET_PASSPHRASE or run on a terminal."
            ) from None
        new = not (home / "wallet.db").exists()
        passphrase = _prompt_passphrase("New wallet passphrase: " if new else "Wallet passphrase: ", confirm=new)
        return WalletStore.open(home, passphrase=passphrase, create=create)


def _prompt_passphrase(prompt: str, *, confirm: bool) -> str:
    import getpass

    first = getpass.getpass(prompt)
    if confirm:
        if len(first) < 8:
            raise UsageError("Choose a passphrase of at least 8 characters.")
        if getpass.getpass("Repeat it: ") != first:
            raise UsageError("The two passphrases differ; nothing was changed.")
    return first


def cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from wallet.importer import ImportSettings, import_sources

    store = open_store(args)
    bar = _ProgressBar(err) if err.isatty() and not args.json else None
    with store:

        def progress(done: int, total: int, outcome: Any) -> None:
            if bar:
                bar.update(done, total)
            if not args.json:
                bar.clear() if bar else None
                print(_outcome_line(outcome), file=out, flush=True)

        summary = import_sources(args.sources, store, ImportSettings(offline=args.offline), progress=progress)
    if bar:
        bar.clear()
    if args.json:
        print(
            json.dumps(
                {"files": [o.to_json() for o in summary.outcomes], "summary": _counts(summary)},
                ensure_ascii=False,
                indent=2,
            ),
            file=out,
        )
    else:
        print(summary.line(), file=out)
    return EXIT_OK if summary.ok else EXIT_NEGATIVE


def _counts(summary: Any) -> dict[str, int]:
    return {s: summary.count(s) for s in ("imported", "duplicate", "rejected", "not_a_badge")}


def _outcome_line(outcome: Any) -> str:
    if outcome.status == "imported":
        detail = "; ".join(f"{n} [{v}]" for n, v in zip(outcome.names, outcome.verdicts, strict=False))
        note = f" ({outcome.reason})" if outcome.reason else ""
        return f"imported   {outcome.name}: {detail}{note}"
    if outcome.status == "duplicate":
        return f"duplicate  {outcome.name}: already in the wallet"
    label = "not a badge" if outcome.status == "not_a_badge" else "rejected"
    return f"{label:<10} {outcome.name}: {outcome.reason}"


class _ProgressBar:
    """A one-line terminal progress bar on stderr."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def update(self, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()


def cmd_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with open_store(args) as store:
        rows = store.search(args.query) if args.query else store.summaries()
    if args.json:
        print(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2), file=out)
        return EXIT_OK
    if not rows:
        print(
            "No badges yet. Add some with: badgewallet import FILE…" if not args.query else "No badge matches.",
            file=out,
        )
        return EXIT_OK
    for r in rows:
        issued = r.issued.date().isoformat() if r.issued else "          "
        print(f"{r.id[:12]}  {issued}  {r.verdict or '-':<19} {r.name}  — {r.issuer}", file=out)
    return EXIT_OK


def _resolve_id(store: WalletStore, prefix: str) -> str:
    matches = [s.id for s in store.summaries() if s.id.startswith(prefix)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UsageError(f"No badge with id {prefix!r} in the wallet.")
    raise UsageError(f"{prefix!r} matches {len(matches)} badges; give more of the id.")


def cmd_show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with open_store(args) as store:
        record = store.get(_resolve_id(store, args.id))
    data = {
        "id": record.record_id,
        "credential": record.credential.summary(),
        "report": record.report.to_json() if record.report else None,
        "source": record.source,
        "added_at": record.added_at.isoformat(),
        "tags": list(record.tags),
        "notes": record.notes,
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
        return EXIT_OK
    cred = record.credential
    print(f"{cred.display_name}\n  issuer:  {cred.issuer_name}", file=out)
    if cred.issued:
        print(f"  issued:  {cred.issued.date().isoformat()}", file=out)
    if cred.skills:
        print(f"  skills:  {', '.join(cred.skills)}", file=out)
    if record.report:
        from wallet.recruiter import render_report

        out.write(render_report(record.report, indent="  "))
    return EXIT_OK


def cmd_reverify(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from wallet.importer import reverify_records

    with open_store(args) as store:
        ids = [_resolve_id(store, i) for i in args.ids] or [s.id for s in store.summaries()]
        results = reverify_records(store, ids, offline=args.offline)
    if args.json:
        print(json.dumps([{"id": i, "verdict": v} for i, v in results], indent=2), file=out)
    else:
        for record_id, verdict in results:
            print(f"{record_id[:12]}  {verdict}", file=out)
    return EXIT_OK if all(v == "valid" for _, v in results) else EXIT_NEGATIVE


def cmd_remove(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with open_store(args) as store:
        record_id = _resolve_id(store, args.id)
        name = store.get(record_id).credential.display_name
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("Refusing to remove without confirmation; pass --yes.")
            answer = input(f"Remove “{name}” from the wallet? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing removed.", file=out)
                return EXIT_NEGATIVE
        store.remove(record_id)
    print(f"Removed “{name}”.", file=out)
    return EXIT_OK


def _backup_passphrase(*, confirm: bool) -> str:
    value = os.environ.get("BADGEWALLET_BACKUP_PASSPHRASE")
    if value:
        return value
    if not sys.stdin.isatty():
        raise UsageError("Set BADGEWALLET_BACKUP_PASSPHRASE or run on a terminal to enter the backup passphrase.")
    return _prompt_passphrase("Backup passphrase: ", confirm=confirm)


def cmd_backup(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from wallet.store import write_backup

    passphrase = _backup_passphrase(confirm=True)
    with open_store(args) as store:
        count = store.count()
        write_backup(store, Path(args.file), passphrase)
    print(f"Backed up {count} badges to {args.file}.", file=out)
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from wallet.store import restore_backup

    passphrase = _backup_passphrase(confirm=False)
    with open_store(args) as store:
        result = restore_backup(store, Path(args.file), passphrase)
    print(f"Restored {result.added} badges ({result.duplicates} already in the wallet).", file=out)
    return EXIT_OK


def cmd_export_link(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from wallet.export.links import copy_text, linkedin_link, verification_url
    from wallet.net import Fetcher

    with open_store(args) as store:
        credential = store.get(_resolve_id(store, args.id)).credential
    if args.linkedin:
        link = linkedin_link(credential, verification_url(credential))
        print(link.url, file=out)
        if link.omitted:
            print("Some fields did not fit in the link; add them by hand:", file=err)
            print(copy_text(credential), file=err)
        return EXIT_OK
    url = verification_url(credential, Fetcher(offline=False) if args.online else None)
    if url is None:
        print("This badge has no public verification link. Copy these fields instead:", file=err)
        print(copy_text(credential), file=out)
        return EXIT_NEGATIVE
    print(url, file=out)
    return EXIT_OK


def cmd_export_qr(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from wallet.export.links import verification_link
    from wallet.export.qr import make_qr
    from wallet.export.site import site_page_url

    with open_store(args) as store:
        record_id = _resolve_id(store, args.id)
        credential = store.get(record_id).credential
    link = verification_link(credential)
    url = link.url if link and link.proves_award else None  # a badge's general page proves nothing
    if url is None and args.base_url:
        url = site_page_url(args.base_url, record_id, credential)
    if url is None:
        raise UsageError(
            "This badge has no public link; publish it with `export site --base-url URL` and pass --base-url."
        )
    make_qr(url, Path(args.output))
    print(f"Wrote {args.output} ({url})", file=out)
    return EXIT_OK


def cmd_export_bake(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from wallet.export.bake import export_baked

    with open_store(args) as store:
        export_baked(store, _resolve_id(store, args.id), Path(args.output))
    print(f"Wrote {args.output}", file=out)
    return EXIT_OK


def cmd_export_site(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from wallet.export.site import export_site

    with open_store(args) as store:
        records = [store.get(_resolve_id(store, i)) for i in args.ids]
        result = export_site(records, Path(args.output), base_url=args.base_url)
    print(f"Wrote a portfolio site with {len(records)} badges to {args.output}", file=out)
    for note in getattr(result, "notes", ()):
        print(f"note: {note}", file=err)
    return EXIT_OK


def cmd_export_bundle(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from wallet.export.bundle import write_bundle

    with open_store(args) as store:
        ids = [_resolve_id(store, i) for i in args.ids]
        result = write_bundle(
            store, ids, Path(args.output), challenge=args.challenge, domain=args.domain, pdf_renderer=PDF_RENDERER
        )
    print(f"Wrote {args.output}: {len(ids)} badges, signed by {result.holder}", file=out)
    for note in result.notes:
        print(f"note: {note}", file=err)
    return EXIT_OK


def cmd_skills(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from datetime import UTC, datetime

    from wallet.skills import SkillInput, build_map, gap_report, parse_target, render_gap_text, render_text

    with open_store(args) as store:
        inputs = []
        for summary in store.summaries():
            record = store.get(summary.id)
            inputs.append(
                SkillInput(record.record_id, record.credential, record.report.verdict if record.report else None)
            )
    skill_map = build_map(inputs, now=datetime.now(UTC))
    if not args.target:
        out.write(skill_map.to_json() + "\n" if args.json else render_text(skill_map))
        return EXIT_OK
    target_path = Path(args.target)
    text = target_path.read_text(encoding="utf-8") if target_path.is_file() else args.target
    report = gap_report(skill_map, parse_target(text, name=target_path.stem if target_path.is_file() else None))
    out.write(report.to_json() + "\n" if args.json else render_gap_text(report))
    return EXIT_OK


def cmd_passwd(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Re-wrap the data key; on a keyring wallet this switches it to a passphrase."""
    old = os.environ.get("BADGEWALLET_PASSPHRASE")
    new = os.environ.get("BADGEWALLET_NEW_PASSPHRASE")
    with open_store(args) as store:
        if not new:
            if not sys.stdin.isatty():
                raise UsageError("Set BADGEWALLET_NEW_PASSPHRASE or run on a terminal.")
            new = _prompt_passphrase("New passphrase: ", confirm=True)
        if store.key_source == "passphrase":
            if old is None:
                old = _prompt_passphrase("Current passphrase: ", confirm=False)
            store.change_passphrase(old, new)
        else:
            store.use_passphrase(new)
    print("Passphrase changed.", file=out)
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
