"""Time ``wallet.skills.build_map`` (and friends) over 10,000 synthetic credentials.

    /work/.venv/bin/python bench/skills.py [COUNT]

The credentials look like a large real wallet: three frameworks with codes
(300 skills each, some seen under two spellings), uncoded alignments, tags,
same-issuer pathways (``related`` → next level), a third of them expired and
a third never checked.  Prints the best of five runs of each step.

Two numbers carry the targets (DESIGN.md, issue 8): the cold build of the
map (``build_map``, which is a fresh ``SkillIndex``) at most 200 ms, and one
record changing in a live ``SkillIndex`` (re-verified, added, removed) at
most 20 ms, ``map()`` included.  A timed run keeps its result alive until
the clock is read, so freeing the previous map is not charged to the next.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from wallet.model import Achievement, Alignment, Credential, Issuer, Related
from wallet.skills import SkillIndex, SkillInput, build_map, gap_report, parse_target, stacks, top_skills

NOW = datetime(2025, 6, 1, tzinfo=UTC)
FRAMEWORKS = (("ESCO", "S{}.{}"), ("O*NET-SOC Content Model", "2.B.{}.{}"), ("Ohio Workforce Skills", "WS.{}.{}"))
ISSUERS = tuple(
    Issuer(id=f"https://issuer{i}.example", name=f"Issuer {i}", url=f"https://issuer{i}.example") for i in range(40)
)
VERDICTS = ("valid", "expired", None)


def synthetic(i: int) -> SkillInput:
    framework, pattern = FRAMEWORKS[i % 3]
    n = i % 300
    spelling = f"Skill {n}" if i % 4 else f"skill  {n}."  # same code, second spelling
    issuer = ISSUERS[i % len(ISSUERS)]
    achievement = Achievement(
        id=f"{issuer.id}/badges/{i}",
        name=f"Badge {i}",
        achievement_type=("Badge", "MicroCredential", "Certificate")[i % 3],
        alignments=(
            Alignment(spelling, target_framework=framework, target_code=pattern.format(n // 10, n % 10)),
            Alignment(f"Competency {i % 40}", target_framework=framework),
        ),
        tags=(f"topic {i % 120}", "Teamwork"),
        related=(Related(id=f"{issuer.id}/badges/{i + len(ISSUERS)}", relation="precedes"),),
    )
    credential = Credential(
        id=f"urn:uuid:{i}",
        format="ob3-json",
        spec_version="3.0",
        name=achievement.name,
        issuer=issuer,
        achievement=achievement,
        payload="{}",
        issued=datetime(2015 + i % 10, 1 + i % 12, 1 + i % 28, tzinfo=UTC),
    )
    return SkillInput(f"rec-{i}", credential, VERDICTS[i % 3])


def best_of(runs: int, step: Callable[[], object]) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = step()
        timings.append(time.perf_counter() - started)
        del result
    return min(timings)


def one_change(index: SkillIndex, records: list[SkillInput]) -> dict[str, float]:
    """Median ms of one record re-verified, removed, and added back, each followed by ``map()``."""
    out: dict[str, list[float]] = {"verdict": [], "remove": [], "add": []}
    for n in range(9):
        target = records[(n * 997) % len(records)]
        for label, change in (
            ("verdict", lambda t=target: index.update([replace(t, verdict="revoked")])),
            ("remove", lambda t=target: index.remove([t.record_id])),
            ("add", lambda t=target: index.update([t])),
        ):
            started = time.perf_counter()
            change()
            index.map()
            out[label].append(time.perf_counter() - started)
    return {k: sorted(v)[len(v) // 2] * 1000 for k, v in out.items()}


def main(argv: list[str]) -> int:
    count = int(argv[1]) if len(argv) > 1 else 10_000
    records = [synthetic(i) for i in range(count)]
    skill_map = build_map(records, now=NOW)
    target = parse_target("Skill 12\nTeamwork\nCompetency 3\nUnderwater basket weaving")
    posting = "We need Teamwork, skill 7 and topic 99 experience. " * 40
    print(f"{count} credentials -> {len(skill_map.skills)} skills, {len(stacks(skill_map))} stacks")
    print(f"build_map        {best_of(5, lambda: build_map(records, now=NOW)) * 1000:8.1f} ms   (cold; target 200)")
    index = SkillIndex(records, now=NOW)
    index.map()
    changes = one_change(index, records)
    for label, ms in changes.items():
        print(f"change: {label:8s} {ms:8.1f} ms   (one record in a live SkillIndex, map() included; target 20)")
    print(f"stacks           {best_of(5, lambda: stacks(skill_map)) * 1000:8.1f} ms")
    print(f"top_skills(10)   {best_of(5, lambda: top_skills(skill_map, 10)) * 1000:8.1f} ms")
    print(f"gap_report list  {best_of(5, lambda: gap_report(skill_map, target)) * 1000:8.1f} ms")
    print(f"gap_report text  {best_of(5, lambda: gap_report(skill_map, parse_target(posting))) * 1000:8.1f} ms")
    print(f"to_json          {best_of(3, skill_map.to_json) * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
