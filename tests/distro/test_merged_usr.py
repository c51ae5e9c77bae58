"""Merged /usr in the library's Debian and Ubuntu images, and the check that catches a link with
entries under it (the ``/usr/bin -> usr/bin`` bug of debian:trixie-slim that buildah and
``docker load`` refused: "open /usr/bin/[: no such file or directory")."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from simulator.distro import check, jsondata, library
from simulator.distro.check_links import link_problems
from simulator.distro.generate import debian
from simulator.model.entries import Kind

DEBOOTSTRAP_FUNCTIONS = Path("/usr/share/debootstrap/functions")

# What a merged-/usr Debian or Ubuntu root has at the top (debootstrap's merge_usr, usrmerge's
# convert-usrmerge, and since trixie base-files itself, whose data member lists
# ``./bin -> usr/bin``, ``./lib -> usr/lib``, ``./lib64 -> usr/lib64``, ``./sbin -> usr/sbin``:
# dpkg-deb -c base-files_13.8+deb13u8_amd64.deb).  bookworm's base-files_12.4+deb12u15 ships
# ``./bin/``, ``./lib/``, ``./sbin/`` as directories; the links come from debootstrap/usrmerge.
MERGED = {"/bin": "usr/bin", "/sbin": "usr/sbin", "/lib": "usr/lib"}


def _dpkg_images() -> list[str]:
    """The library's images with a dpkg database (Debian and Ubuntu bases and what is built on them)."""
    out = []
    for key, spec in library._images().items():
        image = library.get(spec["tags"][0])
        entry = image.view.lookup("/var/lib/dpkg/status")
        if entry is not None and entry.kind is Kind.FILE:
            out.append(key)
    return out


DPKG_IMAGES = _dpkg_images()


def test_the_dpkg_images_are_found() -> None:
    assert {"debian:12", "debian:12-slim", "debian:13", "debian:13-slim", "ubuntu:22.04"} <= set(DPKG_IMAGES)
    assert "python:3.10-slim-trixie" in DPKG_IMAGES and "alpine" not in DPKG_IMAGES


@pytest.mark.parametrize("key", DPKG_IMAGES)
def test_bin_sbin_lib_are_links_into_usr_and_usr_bin_is_a_directory(key: str) -> None:
    view = library.get(library._images()[key]["tags"][0]).view
    for path, target in MERGED.items():
        entry = view.lookup(path)
        assert entry is not None and entry.kind is Kind.SYMLINK and entry.target == target, (key, path, entry)
        real = view.lookup("/" + target)
        assert real is not None and real.kind is Kind.DIR, (key, target, real)
    for directory in ("/usr/bin", "/usr/sbin", "/usr/lib"):
        assert view.resolve(directory).entry.kind is Kind.DIR, (key, directory)
    assert view.resolve("/bin/sh").path.startswith("/usr/bin/"), key  # found through the link


@pytest.mark.real
@pytest.mark.skipif(not DEBOOTSTRAP_FUNCTIONS.exists(), reason="debootstrap is not installed")
@pytest.mark.parametrize("key", ["debian:12", "debian:12-slim", "debian:13", "debian:13-slim"])
def test_the_top_links_are_the_ones_debootstrap_makes(key: str) -> None:
    """debootstrap's merge_usr: for each of its directories present at the root, the directory is
    moved into /usr and replaced by ``ln -s "usr/$dir"`` -- the library's Debian roots agree."""
    text = DEBOOTSTRAP_FUNCTIONS.read_text(encoding="utf-8")
    body = text[text.index("merge_usr() {") :]
    names = re.search(r"for dir in ([a-z0-9 ]+); do", body)
    assert names is not None and 'ln -s "usr/$dir" "$TARGET/$dir"' in body
    view = library.get(key).view
    top = {name for name in names.group(1).split() if view.lookup("/" + name) is not None}
    assert {"bin", "sbin", "lib", "lib64"} <= top
    for name in top:
        link = view.lookup("/" + name)
        assert link is not None and link.kind is Kind.SYMLINK and link.target == f"usr/{name}", (key, name)
        usr = view.lookup(f"/usr/{name}")
        assert usr is not None and usr.kind is Kind.DIR, (key, name)


# ------------------------------------------------------------------------------------ the generator
def test_a_merged_usr_link_of_a_deb_stays_at_the_root() -> None:
    assert debian._canonical("/bin", symlink=True) == "/bin"
    assert debian._canonical("/lib64", symlink=True) == "/lib64"
    assert debian._canonical("/bin") == "/usr/bin"  # bookworm's base-files ./bin/ directory
    assert debian._canonical("/bin/ls") == "/usr/bin/ls"
    assert (
        debian._canonical("/lib/x86_64-linux-gnu/libc.so.6", symlink=True)
        == "/usr/lib/x86_64-linux-gnu/libc.so.6"
    )
    assert debian._canonical("/binaries/x") == "/binaries/x"


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb is not installed")
def test_deb_rows_of_a_package_shipping_the_links_as_trixie_base_files_does(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN/control").write_text(
        "Package: t\nVersion: 1\nArchitecture: all\nMaintainer: x <x@y>\nDescription: t\n", encoding="utf-8"
    )
    (root / "usr/bin").mkdir(parents=True)
    (root / "usr/bin/prog").write_text("x", encoding="utf-8")
    (root / "bin").symlink_to("usr/bin")
    (root / "sbin").mkdir()
    (root / "sbin/old").write_text("y", encoding="utf-8")
    deb = tmp_path / "t.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-b", str(root), str(deb)], check=True,
                   capture_output=True, timeout=60)  # fmt: skip
    rows = {row[0]: row for row in debian.deb_rows(deb)}
    assert rows["/bin"] == ["/bin", "l", "usr/bin"]
    assert rows["/usr/bin"][1] == "d" and rows["/usr/bin/prog"][1] == "f"
    assert rows["/usr/sbin/old"][1] == "f" and "/sbin/old" not in rows  # a file under /sbin moves into /usr


# ------------------------------------------------------------------------------------ the check
@pytest.fixture
def data(tmp_path: Path) -> Path:
    return Path(shutil.copytree(jsondata.DATA, tmp_path / "data"))


def _edit_rows(root: Path, layer: str, change) -> None:
    path = root / f"layers/{layer}.json"
    value = json.loads(path.read_text(encoding="utf-8"))
    change(value["rows"])
    value["rows"].sort(key=lambda r: r[0])
    path.write_text(jsondata.dumps(value), encoding="utf-8")


def test_the_check_reports_a_link_with_entries_under_it_in_its_own_layer(data: Path) -> None:
    def bug(rows: list[list[object]]) -> None:  # what the trixie generator wrote
        for i, row in enumerate(rows):
            if row[0] == "/usr/bin":
                rows[i] = ["/usr/bin", "l", "usr/bin"]

    _edit_rows(data, "debian-bookworm-slim", bug)
    problems = [str(p) for p in check.check(data).problems]
    assert len(problems) == 1, problems
    assert problems[0].startswith('layers/debian-bookworm-slim.json: rows "/usr/bin": l: ')
    assert "entries under it" in problems[0] and "/usr/bin/[" in problems[0]


def test_the_check_reports_a_link_over_entries_of_a_lower_layer(data: Path) -> None:
    upper = library._images()["python:3.12-slim"]["layers"][0]
    _edit_rows(data, upper, lambda rows: rows.append(["/usr/share/doc", "l", "/nowhere"]))
    problems = [str(p) for p in check.check(data).problems]
    assert len(problems) == 1 and problems[0].startswith(f'layers/{upper}.json: rows "/usr/share/doc": l: ')
    assert "from layer 'debian-bookworm-slim'" in problems[0]


def test_a_link_over_a_lower_directory_that_is_whited_out_is_fine() -> None:
    layers = {"low": {"/a": ["/a", "d", "755"], "/a/f": ["/a/f", "f", "644", 1]},
              "up": {"/a": ["/a", "-"], "/b": ["/b", "l", "a"]},
              "top": {"/a": ["/a", "l", "b"]}}  # fmt: skip
    assert link_problems([("i", ["low", "up"])], layers.__getitem__) == []
    assert link_problems([("i", ["low", "top"])], layers.__getitem__) == [
        ("top", "/a", "a symlink ('b') with 1 entries under it in image 'i', e.g. /a/f from layer 'low'")
    ]


def test_links_to_themselves_and_loops_are_reported_once_per_layer() -> None:
    layers = {"l": {"/x": ["/x", "l", "x"], "/d/y": ["/d/y", "l", "../d/y"], "/p": ["/p", "l", "q"],
                    "/q": ["/q", "l", "/p"], "/ok": ["/ok", "l", "p"]}}  # fmt: skip
    problems = link_problems([("i", ["l"]), ("j", ["l"])], layers.__getitem__)
    assert [(layer, path) for layer, path, _ in problems] == [("l", "/x"), ("l", "/d/y"), ("l", "/p"), ("l", "/q"),
                                                              ("l", "/ok")]  # fmt: skip
    assert "points at the link itself in image 'i'" in problems[0][2]
    assert "loop" in problems[2][2] and "loop" in problems[4][2]  # /ok -> p -> q -> /p: never resolves


def test_the_library_has_no_link_problems() -> None:
    chains = [(key, check._layer_chain(jsondata.DATA, key)) for key in library._images()]
    assert link_problems(chains, library._rows) == []
