"""The generator's parts, offline: reading a real .deb, resolving packages, bounding, folding.

The generator itself downloads (Packages indices, .debs, npm and PyPI metadata); its re-run is
the last test, skipped unless ``LAYERLAB_NETWORK=1`` (it only writes nothing: ``--dry-run``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from simulator.distro.generate import debian
from simulator.distro.generate.debian import Archive, Suite, bound, deb_rows, is_slim_excluded, total_bytes
from simulator.distro.generate.published import Published, rows_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb is not installed")
def test_deb_rows_reads_a_real_deb_as_dpkg_would_install_it(tmp_path: Path) -> None:
    tree = tmp_path / "pkg"
    (tree / "DEBIAN").mkdir(parents=True)
    (tree / "DEBIAN/control").write_text(
        "Package: demo\nVersion: 1.0\nArchitecture: all\nMaintainer: x <x@y>\nDescription: d\n"
    )
    (tree / "bin").mkdir()
    (tree / "bin/demo").write_bytes(b"\x7fELF" + b"\0" * 996)
    (tree / "bin/demo").chmod(0o755)
    (tree / "etc").mkdir()
    (tree / "etc/demo.conf").write_text("key = value\n")
    (tree / "usr/share/doc/demo").mkdir(parents=True)
    (tree / "usr/share/doc/demo/README").write_text("x" * 5000)
    os.symlink("../../bin/demo", tree / "usr/share/demo-link")
    subprocess.run(["dpkg-deb", "--root-owner-group", "--build", str(tree), str(tmp_path / "demo.deb")],
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    rows = {row[0]: row for row in deb_rows(tmp_path / "demo.deb")}
    assert rows["/usr/bin/demo"] == ["/usr/bin/demo", "f", "755", 1000]  # merged /usr, as on trixie
    assert "/bin/demo" not in rows
    assert rows["/etc/demo.conf"] == [
        "/etc/demo.conf",
        "t",
        "644",
        "key = value\n",
    ]  # small config: real text
    assert rows["/usr/share/doc/demo/README"][1:] == ["f", "644", 5000]
    assert rows["/usr/share/demo-link"] == ["/usr/share/demo-link", "l", "../../bin/demo"]
    assert rows["/usr/share/doc/demo"][1] == "d"


def test_bound_keeps_programs_libraries_links_and_the_largest_files_and_keeps_the_total() -> None:
    table: dict[str, list[Any]] = {
        "/usr/bin/tool": ["/usr/bin/tool", "f", "755", 10],
        "/usr/bin/pdb3": ["/usr/bin/pdb3", "l", "../lib/python3/pdb.py"],
        "/usr/lib/python3/pdb.py": ["/usr/lib/python3/pdb.py", "f", "644", 5],
        "/usr/lib/x86_64-linux-gnu/libz.so.1": ["/usr/lib/x86_64-linux-gnu/libz.so.1", "f", "644", 7],
        "/etc/x.conf": ["/etc/x.conf", "t", "644", "abc"],
        "/tmp": ["/tmp", "d", "1777"],
        **{f"/usr/share/big{i}": [f"/usr/share/big{i}", "f", "644", 1000 + i] for i in range(3)},
        **{f"/usr/share/small/{i}": [f"/usr/share/small/{i}", "f", "644", 1] for i in range(5)},
    }
    rows, folded = bound(table, top=2)
    paths = {row[0] for row in rows}
    assert folded == 6  # big0 and the five small ones
    assert {"/usr/bin/tool", "/usr/bin/pdb3", "/usr/lib/python3/pdb.py", "/usr/lib/x86_64-linux-gnu/libz.so.1",
            "/etc/x.conf", "/tmp", "/usr/share/big1", "/usr/share/big2"} <= paths  # fmt: skip
    assert "/usr/share/small" not in paths and "/usr/share/big0" not in paths
    assert total_bytes(rows) == total_bytes(table.values())
    assert next(r for r in rows if r[0] == "/usr/share/big2")[3] == 1002 + 1000 + 5


def test_the_slim_rules_are_debuerreotypes() -> None:
    assert is_slim_excluded("/usr/share/man/man1/ls.1.gz") and is_slim_excluded("/usr/share/doc/bash/README")
    assert not is_slim_excluded("/usr/share/doc/bash/copyright") and not is_slim_excluded("/usr/bin/ls")


def test_closure_follows_depends_and_prefers_a_provider_already_wanted() -> None:
    archive = Archive.__new__(Archive)
    archive.suite = Suite("http://example.invalid", "x")
    archive.packages = {
        "base-files": {"Package": "base-files", "Version": "1", "Priority": "required", "Pre-Depends": "awk"},
        "mawk": {"Package": "mawk", "Version": "1", "Priority": "required", "Provides": "awk"},
        "gawk": {"Package": "gawk", "Version": "1", "Provides": "awk", "Depends": "libsigsegv2"},
        "libsigsegv2": {"Package": "libsigsegv2", "Version": "1"},
        "apt": {"Package": "apt", "Version": "2", "Depends": "libapt (>= 2) | libapt-old, base-files"},
        "libapt": {"Package": "libapt", "Version": "2"},
    }
    archive.provides = {"awk"}
    assert debian.minbase(archive) == ["apt", "base-files", "libapt", "mawk"]


def test_a_published_layer_is_folded_to_its_documented_total() -> None:
    spec = Published(
        "x",
        "c",
        1000,
        "s",
        [["/a", "f", "644", 100], ["/b", "l", "a"], ["/rest", "f", "644", 1]],
        fold="/rest",
    )
    rows = rows_of(spec, {})
    assert total_bytes(rows) == 1000 and rows[-1] == ["/rest", "f", "644", 899]
    with pytest.raises(ValueError, match="exceed the total"):
        rows_of(Published("y", "c", 10, "s", [["/a", "f", "644", 100]]), {})


@pytest.mark.skipif(
    os.environ.get("LAYERLAB_NETWORK") != "1", reason="needs the package registries: LAYERLAB_NETWORK=1"
)
def test_the_generator_reproduces_the_committed_data(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "simulator.distro", "generate", "--dry-run", "--cache", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=1800)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "would change" not in out.stdout, out.stdout
