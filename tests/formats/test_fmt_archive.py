"""Folders and ZIPs: one outcome per file, nested archives, links out of the tree."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from wallet.formats import EntryOutcome, bake_png, parse_archive, parse_path
from wallet.limits import Limits
from wallet.model import FORMAT_CLR2

Reader = Callable[[str], bytes]


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _by_name(outcomes: list[EntryOutcome]) -> dict[str, EntryOutcome]:
    return {o.name: o for o in outcomes}


@pytest.fixture
def badge_folder(tmp_path: Path, read_data: Reader, plain_png: bytes, ob3_json: str) -> Path:
    root = tmp_path / "badges"
    (root / "2023" / "spring").mkdir(parents=True)
    (root / "baked.png").write_bytes(bake_png(plain_png, ob3_json, ob3=True))
    (root / "2023" / "transcript.json").write_bytes(read_data("clr_realistic.json"))
    (root / "2023" / "spring" / "notes.txt").write_text("Remember to ask for the CS201 badge.\n")
    (root / "2023" / "spring" / "photo.png").write_bytes(plain_png)
    (root / "2023" / "spring" / "broken.json").write_bytes(b'{"type": "Assertion", ')
    (root / "more.zip").write_bytes(_zip({"inner/printmaster.svg": read_data("ob2_baked_spec.svg")}))
    return root


def test_folder_walk(badge_folder: Path) -> None:
    outcomes = _by_name(parse_path(badge_folder))
    assert sorted(outcomes) == [
        "2023/spring/broken.json",
        "2023/spring/notes.txt",
        "2023/spring/photo.png",
        "2023/transcript.json",
        "baked.png",
        "more.zip/inner/printmaster.svg",
    ]
    assert outcomes["baked.png"].status == "imported"
    assert outcomes["baked.png"].credentials[0].source_name == "baked.png"
    assert outcomes["2023/transcript.json"].credentials[0].format == FORMAT_CLR2
    assert len(outcomes["2023/transcript.json"].credentials) == 3
    assert outcomes["more.zip/inner/printmaster.svg"].status == "imported"
    assert outcomes["2023/spring/notes.txt"].status == "not_a_badge"
    assert outcomes["2023/spring/photo.png"].status == "not_a_badge"
    assert "contains no badge" in (outcomes["2023/spring/photo.png"].reason or "")
    broken = outcomes["2023/spring/broken.json"]
    assert broken.status == "rejected" and "not valid JSON" in (broken.reason or "")
    assert all(o.reason is None for o in outcomes.values() if o.status == "imported")


def test_plain_file_gives_one_outcome(badge_folder: Path) -> None:
    [outcome] = parse_path(badge_folder / "baked.png")
    assert outcome == EntryOutcome("baked.png", "imported", outcome.credentials)
    assert len(outcome.credentials) == 1


def test_symlink_out_of_tree_is_skipped(badge_folder: Path, tmp_path: Path, plain_png: bytes, ob3_json: str) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(bake_png(plain_png, ob3_json, ob3=True))
    os.symlink(outside, badge_folder / "link-out.png")
    os.symlink(badge_folder / "baked.png", badge_folder / "link-in.png")
    os.symlink(tmp_path, badge_folder / "loop-dir")  # never followed
    outcomes = _by_name(parse_path(badge_folder))
    assert outcomes["link-out.png"].status == "rejected"
    assert "outside the folder" in (outcomes["link-out.png"].reason or "")
    assert outcomes["link-in.png"].status == "imported"
    assert not any(name.startswith("loop-dir") for name in outcomes)


def test_folder_file_cap(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text("x")
    outcomes = parse_path(tmp_path, Limits(max_folder_files=3))
    assert len(outcomes) == 4
    assert outcomes[-1].status == "rejected" and "3-file limit" in (outcomes[-1].reason or "")


def test_oversized_file_is_rejected_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048)
    [outcome] = parse_path(big, Limits(max_file_bytes=1024))
    assert outcome.status == "rejected"
    assert outcome.reason == "File is larger than the 1,024 bytes limit"


def test_nested_zips_up_to_depth(read_data: Reader) -> None:
    svg = read_data("ob2_baked_spec.svg")
    level3 = _zip({"c.svg": svg})
    level2 = _zip({"b.svg": svg, "level3.zip": level3})
    level1 = _zip({"a.svg": svg, "level2.zip": level2})
    outcomes = _by_name(parse_archive(level1, "top.zip"))
    assert outcomes["top.zip/a.svg"].status == "imported"
    assert outcomes["top.zip/level2.zip/b.svg"].status == "imported"
    assert outcomes["top.zip/level2.zip/level3.zip/c.svg"].status == "imported"
    too_deep = _by_name(parse_archive(_zip({"level1.zip": level1}), "deeper.zip"))
    assert too_deep["deeper.zip/level1.zip/level2.zip/level3.zip"].status == "rejected"
    assert "nested deeper than the 3-level limit" in (
        too_deep["deeper.zip/level1.zip/level2.zip/level3.zip"].reason or ""
    )


def test_zip_slip_names_are_only_labels(read_data: Reader, tmp_path: Path) -> None:
    data = _zip({"../../../etc/badge.svg": read_data("ob2_baked_spec.svg"), "/abs/x.txt": b"hello"})
    before = set(tmp_path.rglob("*"))
    outcomes = parse_archive(data, "evil.zip")
    assert [o.name for o in outcomes] == ["evil.zip/../../../etc/badge.svg", "evil.zip//abs/x.txt"]
    assert outcomes[0].status == "imported"
    assert set(tmp_path.rglob("*")) == before


def test_damaged_zip(read_data: Reader) -> None:
    data = bytearray(_zip({"a.svg": read_data("ob2_baked_spec.svg")}, zipfile.ZIP_STORED))
    data[60] ^= 0xFF  # inside the stored entry → CRC error on read
    [outcome] = parse_archive(bytes(data), "bad.zip")
    assert outcome.status == "rejected" and "damaged" in (outcome.reason or "")
    [whole] = parse_archive(b"PK\x03\x04" + b"\x00" * 40, "junk.zip")
    assert whole.name == "junk.zip" and whole.status == "rejected"


def test_zip_total_budget(read_data: Reader) -> None:
    svg = read_data("ob2_baked_spec.svg")
    data = _zip({f"{i}.svg": svg for i in range(5)})
    outcomes = parse_archive(data, "many.zip", Limits(max_zip_total_bytes=3 * len(svg) + 10))
    assert [o.status for o in outcomes] == ["imported"] * 3 + ["rejected", "rejected"]
    assert "total uncompressed-size limit" in (outcomes[3].reason or "")
    assert outcomes[4] == EntryOutcome("many.zip", "rejected", reason="1 more entries were not read")


def test_zip_file_on_disk(tmp_path: Path, read_data: Reader) -> None:
    path = tmp_path / "bundle.zip"
    path.write_bytes(_zip({"credentials/t.json": read_data("clr_realistic.json"), "readme.txt": b"hi"}))
    outcomes = _by_name(parse_path(path))
    assert outcomes["bundle.zip/credentials/t.json"].status == "imported"
    assert outcomes["bundle.zip/readme.txt"].status == "not_a_badge"


def test_missing_path_and_special_files(tmp_path: Path) -> None:
    [missing] = parse_path(tmp_path / "nope.png")
    assert missing.status == "rejected" and missing.reason == "The file does not exist"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    [special] = parse_path(fifo)
    assert special.status == "not_a_badge" and special.reason == "This is not a regular file"
