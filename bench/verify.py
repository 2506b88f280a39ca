"""Verification benchmark: OB 3.0 eddsa-rdfc-2022 credentials, offline and warm.

    /work/.venv/bin/python bench/verify.py [--iterations 200] [--warmup 20] [--cli-runs 10]
                                           [--no-peer] [--profile] [--json FILE]

Three measurements, one run:

1. **wallet** – ``wallet.verify.verify`` (the whole pipeline: structure, issuer,
   proof, status, dates, recipient; endorsements too) on the valid, offline
   eddsa-rdfc-2022 LDP credentials of the JS corpus (tests/data/gen/js/out,
   picked from its INDEX.json).  Each file is parsed once, verified ``warmup``
   times untimed, then ``iterations`` times timed.  Target: median ≤ 3.5 ms.
2. **peers** – the same files through JavaScript verifiers
   (bench/peers/verify_peer.mjs, pinned in bench/peers/package-lock.json;
   ``npm ci`` runs there first when node_modules is missing):
   ``vc`` = @digitalbazaar/vc ``verifyCredential`` with the eddsa-rdfc-2022
   suite and an offline loader built from the npm context packages the
   wallet bundles (the comparison peer, because
   @digitalcredentials/verifier-core cannot be configured offline), and
   ``verifier-core`` = @digitalcredentials/verifier-core with ``fetch``
   blocked (its bundled loader still verifies the signature; its OB JSON
   schema check fails at once and is counted).  Skipped with a message when
   node / npm are not there.
3. **cli** – ``badgewallet verify --json --offline FILE``, process start to
   exit (median of ``--cli-runs``, after one untimed run).

``--profile`` adds a cProfile of the wallet loop on the main file.
Every credential must verify as valid (wallet) / verified (peers); a
benchmark of a failing path would mean nothing, so that is checked.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wallet.formats import parse  # noqa: E402
from wallet.net import Fetcher  # noqa: E402
from wallet.verify import VerifyOptions, verify  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "gen" / "js" / "out"
MAIN_FILE = "ldp/vc2/eddsa-rdfc-2022/valid.json"
PEERS = ROOT / "bench" / "peers"
NOW = datetime(2026, 6, 1, tzinfo=UTC)  # as in tests/verify/test_js_corpus.py
TARGET_MS = 3.5


def corpus_files() -> list[str]:
    """Valid eddsa-rdfc-2022 LDP credentials that verify without a server (INDEX.json order)."""
    index = json.loads((CORPUS / "INDEX.json").read_text(encoding="utf-8"))
    files = [
        e["file"]
        for e in index
        if e.get("format") == "ldp-vc"
        and e["file"].startswith("ldp/")  # OB 3.0 credentials, not the status list credential
        and e.get("suite") == "eddsa-rdfc-2022"
        and e.get("expected_verdict") == "valid"
        and not e.get("requires_server")
    ]
    files.sort(key=lambda f: (f != MAIN_FILE, f))
    return files


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(samples_ms: list[float]) -> dict[str, float]:
    return {
        "median_ms": statistics.median(samples_ms),
        "p90_ms": quantile(samples_ms, 0.9),
        "min_ms": min(samples_ms),
        "n": len(samples_ms),
    }


# ----------------------------------------------------------------------------- wallet


def wallet_bench(files: list[str], iterations: int, warmup: int) -> dict[str, Any]:
    options = VerifyOptions(fetcher=Fetcher(offline=True), now=NOW)
    every: list[float] = []
    per_file = []
    for rel in files:
        credential = next(c for c in parse((CORPUS / rel).read_bytes(), rel) if c.parent_id is None)
        for _ in range(warmup):
            report = verify(credential, options)
        if report.verdict != "valid":
            raise SystemExit(f"{rel}: wallet verdict {report.verdict}, expected valid:\n{report.to_json()}")
        samples = []
        for _ in range(iterations):
            start = time.perf_counter_ns()
            verify(credential, options)
            samples.append((time.perf_counter_ns() - start) / 1e6)
        every += samples
        per_file.append({"file": rel, **summary(samples)})
    return {**summary(every), "files": per_file}


def wallet_profile(iterations: int) -> str:
    options = VerifyOptions(fetcher=Fetcher(offline=True), now=NOW)
    credential = next(c for c in parse((CORPUS / MAIN_FILE).read_bytes(), MAIN_FILE) if c.parent_id is None)
    for _ in range(20):
        verify(credential, options)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(iterations):
        verify(credential, options)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    return out.getvalue().replace(str(ROOT) + "/", "")


# ----------------------------------------------------------------------------- peers


def peer_bench(files: list[str], iterations: int, warmup: int) -> list[dict[str, Any]]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        print("peer: SKIPPED – node and npm are needed for bench/peers (not found on PATH)")
        return []
    if not (PEERS / "node_modules").is_dir():
        print("peer: bench/peers/node_modules is missing, running `npm ci` …", flush=True)
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PEERS, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"peer: SKIPPED – `npm ci` failed in bench/peers:\n{done.stderr[-2000:]}")
            return []
    results = []
    paths = [str(CORPUS / f) for f in files]
    for peer in ("vc", "verifier-core"):
        cmd = [node, str(PEERS / "verify_peer.mjs"), "--peer", peer, "--iterations", str(iterations)]
        cmd += ["--warmup", str(warmup), "--now", NOW.isoformat().replace("+00:00", "Z"), *paths]
        done = subprocess.run(cmd, cwd=PEERS, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"peer {peer}: FAILED (exit {done.returncode}):\n{done.stderr[-2000:]}")
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["id"] = peer
        for entry in result.get("files", []):
            entry["file"] = str(Path(entry["file"]).relative_to(CORPUS))
        if not result.get("all_verified"):
            print(f"peer {peer}: WARNING – not every credential verified: {result['files']}")
        results.append(result)
    return results


# ----------------------------------------------------------------------------- CLI


def cli_bench(runs: int) -> dict[str, Any] | None:
    exe = Path(sys.executable).with_name("badgewallet")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "wallet"]
    command += ["verify", "--json", "--offline", str(CORPUS / MAIN_FILE)]
    samples = []
    verdict = None
    for i in range(runs + 1):
        start = time.perf_counter_ns()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        elapsed = (time.perf_counter_ns() - start) / 1e6
        if done.returncode != 0:
            print(f"cli: exit {done.returncode}: {done.stderr[-1000:]}")
            return None
        verdict = json.loads(done.stdout)["verdict"]
        if i:  # the first run only warms the page cache
            samples.append(elapsed)
    shown = [Path(command[0]).name, *command[1:-1], (CORPUS / MAIN_FILE).relative_to(ROOT).as_posix()]
    return {**summary(samples), "command": " ".join(shown), "verdict": verdict}


# ----------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=200, help="timed verifications per file (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed verifications per file first (default 20)")
    parser.add_argument("--cli-runs", type=int, default=10, help="timed CLI runs (default 10)")
    parser.add_argument("--no-peer", action="store_true", help="skip the JavaScript peers")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the wallet loop")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()

    files = corpus_files()
    print(f"machine: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"files ({len(files)}), {args.warmup} warm-up + {args.iterations} timed verifications each:")
    for f in files:
        print(f"  {f}")

    wallet = wallet_bench(files, args.iterations, args.warmup)
    peers = [] if args.no_peer else peer_bench(files, args.iterations, args.warmup)
    cli = cli_bench(args.cli_runs) if args.cli_runs > 0 else None
    load_after = os.getloadavg()

    print()
    print(f"{'file':58} {'wallet med/p90 ms':>18}" + "".join(f" {p['id'] + ' med/p90':>20}" for p in peers))
    for i, entry in enumerate(wallet["files"]):
        line = f"{entry['file']:58} {entry['median_ms']:8.2f} /{entry['p90_ms']:7.2f}"
        for p in peers:
            pf = p["files"][i]
            line += f" {pf['median_ms']:11.2f} /{pf['p90_ms']:7.2f}"
        print(line)
    verdict = "meets" if wallet["median_ms"] <= TARGET_MS else "MISSES"
    print()
    print(
        f"wallet  wallet.verify (full pipeline): median {wallet['median_ms']:.2f} ms, p90 {wallet['p90_ms']:.2f} ms, "
        f"n={wallet['n']} – {verdict} the {TARGET_MS} ms target"
    )
    for p in peers:
        print(
            f"peer    {p['peer']}: median {p['median_ms']:.2f} ms, p90 {p['p90_ms']:.2f} ms, n={p['n']}\n"
            f"        {p['version']}, node {p['node']}"
        )
        print(
            f"        ratio wallet/peer: median {wallet['median_ms'] / p['median_ms']:.2f}×, "
            f"p90 {wallet['p90_ms'] / p['p90_ms']:.2f}× (<1 = wallet faster)"
        )
        if p.get("blocked_fetches"):
            print(f"        fetches it tried (blocked): {', '.join(p['blocked_fetches'])}")
    if cli:
        print(
            f"cli     {cli['command']}: median {cli['median_ms']:.0f} ms, p90 {cli['p90_ms']:.0f} ms "
            f"(n={cli['n']}, process start to exit, verdict {cli['verdict']})"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in load_after)}")

    if args.profile:
        print()
        print(wallet_profile(max(50, args.iterations)))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "cores": os.cpu_count(),
                    "platform": platform.platform(),
                    "python": platform.python_version(),
                    "load_after": load_after,
                    "wallet": wallet,
                    "peers": peers,
                    "cli": cli,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
