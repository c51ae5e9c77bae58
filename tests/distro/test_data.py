"""The data files: canonical form, ``python -m simulator.distro check`` and ``format``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.distro import check, jsondata

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the package's data directory to break."""
    return Path(shutil.copytree(jsondata.DATA, tmp_path / "data"))


def edit(root: Path, name: str, change) -> None:  # type: ignore[no-untyped-def]
    value = json.loads((root / name).read_text(encoding="utf-8"))
    change(value)
    (root / name).write_text(jsondata.dumps(value), encoding="utf-8")


def row_index(root: Path, name: str, path: str) -> int:
    rows = json.loads((root / name).read_text(encoding="utf-8"))["rows"]
    return next(i for i, row in enumerate(rows) if row[0] == path)


def test_the_check_passes_as_ci_runs_it() -> None:
    out = subprocess.run([sys.executable, "-m", "simulator.distro", "check"], cwd=ROOT,
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ok: " in out.stdout and " files, " in out.stdout
    assert "python:3.12-slim" in out.stdout and "size_mb" in out.stdout  # the size table


def test_every_file_is_in_canonical_form_and_one_record_a_line() -> None:
    for name in jsondata.data_files():
        text = (jsondata.DATA / name).read_text(encoding="utf-8")
        assert text == jsondata.dumps(json.loads(text)), name
    rows = json.loads((jsondata.DATA / "layers/busybox.json").read_text())["rows"]
    lines = (jsondata.DATA / "layers/busybox.json").read_text().splitlines()
    assert f"    {json.dumps(rows[0], separators=(', ', ': '))}," in lines


def test_the_sizes_are_reported_within_the_tolerance() -> None:
    report = check.check()
    assert report.problems == []
    assert [row.image for row in report.sizes][:3] == ["scratch", "busybox", "alpine"]
    assert all(row.ok for row in report.sizes)


def test_a_corrupted_field_is_reported_with_file_record_and_field(data: Path) -> None:
    i = row_index(data, "layers/busybox.json", "/etc/passwd")
    edit(data, "layers/busybox.json", lambda spec: spec["rows"][i].__setitem__(2, "6x4"))
    out = subprocess.run([sys.executable, "-m", "simulator.distro", "check", str(data)], cwd=ROOT,
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 1
    assert f'layers/busybox.json: rows[{i}] "/etc/passwd": mode: "6x4" is not an octal mode' in out.stdout
    assert out.stdout.splitlines()[-1] == f"1 problem(s) in {data}"


def test_schema_problems_in_images_and_packages(data: Path) -> None:
    def break_images(spec):  # type: ignore[no-untyped-def]
        spec["images"]["alpine"]["layers"] = ["alpine-3.17"]
        del spec["images"]["busybox"]["created"]

    edit(data, "images.json", break_images)
    edit(data, "packages.json", lambda cat: cat["pip"]["packages"]["flask"]["depends"].append("nope"))
    problems = [str(p) for p in check.check(data).problems]
    assert problems == [
        'images.json: images["busybox"]: created: missing',
        'images.json: images["alpine"]: layers: no layer file layers/alpine-3.17.json',
        "packages.json: pip.packages[\"flask\"]: depends: 'nope' is not in the pip catalogue",
    ]


def test_a_file_not_in_canonical_form_is_reported_and_format_fixes_it(data: Path) -> None:
    path = data / "layers" / "node-20.json"
    path.write_text(json.dumps(json.loads(path.read_text())), encoding="utf-8")
    assert [str(p) for p in check.check(data).problems] == [
        "layers/node-20.json: not in canonical form; run: python -m simulator.distro format"
    ]
    out = subprocess.run([sys.executable, "-m", "simulator.distro", "format", str(data)], cwd=ROOT,
                         capture_output=True, text=True, check=True)  # fmt: skip
    assert out.stdout == "formatted layers/node-20.json\n"
    assert check.check(data).problems == []


def test_a_dangling_command_symlink_and_a_wrong_size_are_reported(data: Path) -> None:
    i = row_index(data, "layers/busybox.json", "/bin/ls")
    edit(data, "layers/busybox.json", lambda spec: spec["rows"][i].__setitem__(2, "busybox-gone"))
    edit(data, "images.json", lambda spec: spec["images"]["busybox"].__setitem__("size_mb", 3.0))
    problems = [str(p) for p in check.check(data).problems]
    assert problems == [
        'images.json: images["busybox"]: size_mb: documented 3.0 MB but the image has 2.0 MB (more than 15% apart)',
        "layers/busybox.json: rows \"/bin/ls\": target: 'busybox-gone' resolves to nothing in image 'busybox'",
    ]


def test_a_missing_shell_is_reported(data: Path) -> None:
    edit(data, "layers/busybox.json", lambda spec: spec["rows"].append(["/bin/sh", "-"]))
    problems = [str(p) for p in check.check(data).problems]
    assert problems == ['images.json: images["busybox"]: /bin/sh: missing, although the config sets PATH']


def test_usage() -> None:
    out = subprocess.run([sys.executable, "-m", "simulator.distro"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 2 and out.stderr.startswith("usage: python -m simulator.distro format|check")
