"""gen_debs: the catalogue's bounding rule and the dependency closure it adds (no network)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from simulator.distro import gen_debs
from simulator.distro.catalogue import apt_resolve, apt_section
from simulator.distro.generate import debian


def _total(rows: list[list[Any]]) -> int:
    return sum(r[3] for r in rows if r[1] == "f")


def test_a_small_package_keeps_every_file() -> None:
    rows = [["/usr/bin/tini", "f", "755", 27792], ["/usr/share/doc/tini/copyright", "f", "644", 1377]]
    assert gen_debs.bounded(rows) == rows


def test_a_big_package_keeps_programs_and_its_total() -> None:
    rows: list[list[Any]] = [
        ["/usr/bin/ab", "f", "755", 50_000],
        ["/usr/share/doc/x/copyright", "f", "644", 900],
    ]
    rows += [[f"/usr/include/x/h{i:02}.h", "f", "644", 1000 + i] for i in range(40)]
    rows += [["/usr/lib/x86_64-linux-gnu/libx.so", "l", "libx.so.1"]]
    out = gen_debs.bounded(rows)
    paths = [r[0] for r in out]
    assert "/usr/bin/ab" in paths and "/usr/share/doc/x/copyright" in paths
    assert "/usr/lib/x86_64-linux-gnu/libx.so" in paths
    headers = [p for p in paths if p.startswith("/usr/include/")]
    assert len(headers) == gen_debs.LARGEST and "/usr/include/x/h39.h" in headers  # the largest ones
    assert _total(out) == _total(rows)  # the bytes of the others are folded, not lost
    assert rows[0][3] == 50_000  # the input is not changed


def _archive(stanzas: dict[str, str]) -> debian.Archive:
    archive = object.__new__(debian.Archive)
    archive.packages = {n: {"Package": n, "Version": "1", "Depends": d} for n, d in stanzas.items()}
    archive.provides = set()
    return archive


def test_the_closure_keeps_an_installed_alternative() -> None:
    # bookworm's init-system-helpers: Depends usrmerge | usr-is-merged; the image has usr-is-merged
    archive = _archive({"tool": "init-system-helpers, libfoo", "init-system-helpers": "usrmerge | usr-is-merged",
                        "usrmerge": "", "usr-is-merged": "", "libfoo": "libc6", "libc6": ""})  # fmt: skip
    have = {"init-system-helpers", "usr-is-merged", "libc6"}
    assert archive.closure(["tool"], have) == ["libfoo", "tool"]
    assert archive.closure(["tool"]) == ["init-system-helpers", "libc6", "libfoo", "tool", "usrmerge"]


def test_the_added_packages_resolve_as_apt_installs_them() -> None:
    # voting-app seed-data: apache2-utils pulls libapr1 and libaprutil1 (bookworm's Depends)
    order, missing = apt_resolve(["apache2-utils"], {}, recommends=False)
    assert missing is None
    assert {"libapr1", "libaprutil1", "apache2-utils"} <= set(order) and order[-1] == "apache2-utils"
    # python:3.12-slim-bookworm's build deps and httpd's are all in the catalogue now
    for name in (
        "libbluetooth-dev",
        "tk-dev",
        "uuid-dev",
        "libaprutil1-ldap",
        "liblua5.2-dev",
        "libjansson-dev",
    ):
        assert name in apt_section()["packages"], name
    ab = next(r for r in apt_section()["packages"]["apache2-utils"]["files"] if r[0] == "/usr/bin/ab")
    assert ab[1:3] == ["f", "755"]


# -- against the real apt: what `apt-get install --no-install-recommends` installs on debian:12 --

#: The install lines of the corpus' Dockerfiles whose packages gen_debs --closure added.
APT_LINES = (
    ("apache2-utils",),  # voting-app seed-data
    ("ca-certificates", "libaprutil1-ldap", "libldap-common"),  # httpd:2.4
    ("bzip2", "dpkg-dev", "gcc", "gnupg", "libapr1-dev", "libaprutil1-dev", "libbrotli-dev", "libcurl4-openssl-dev",
     "libjansson-dev", "liblua5.2-dev", "libnghttp2-dev", "libpcre2-dev", "libssl-dev", "libxml2-dev", "make",
     "patch", "wget", "zlib1g-dev"),  # httpd:2.4's build deps
    ("dpkg-dev", "gcc", "gnupg", "libbluetooth-dev", "libbz2-dev", "libc6-dev", "libdb-dev", "libffi-dev",
     "libgdbm-dev", "liblzma-dev", "libncursesw5-dev", "libreadline-dev", "libsqlite3-dev", "libssl-dev", "make",
     "tk-dev", "uuid-dev", "wget", "xz-utils", "zlib1g-dev"),  # python:3.12-slim-bookworm's build deps
)  # fmt: skip


def _bookworm_apt() -> bool:
    release = Path("/etc/os-release")
    lists = Path("/var/lib/apt/lists")
    return (
        shutil.which("apt-get") is not None
        and release.exists()
        and "VERSION_CODENAME=bookworm" in release.read_text()
        and lists.is_dir()
        and any("bookworm_main_binary-amd64_Packages" in p.name for p in lists.iterdir())
    )


@pytest.fixture(scope="module")
def base_status(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dpkg status file holding debian:12's 88 base packages (the catalogue's ``apt.base``)."""
    if not _bookworm_apt():
        pytest.skip("needs apt-get with the Debian 12 (bookworm) package lists (apt-get update)")
    shown = subprocess.run(["apt-cache", "show", "--no-all-versions", *apt_section()["base"]],
                           capture_output=True, text=True, timeout=120, check=True).stdout  # fmt: skip
    stanzas = []
    for block in shown.strip().split("\n\n"):
        lines = block.splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith("Package:")) + 1
        stanzas.append("\n".join([*lines[:at], "Status: install ok installed", *lines[at:]]))
    path = tmp_path_factory.mktemp("apt") / "status"
    path.write_text("\n\n".join(stanzas) + "\n")
    return path


@pytest.mark.real
@pytest.mark.parametrize(
    "line", APT_LINES, ids=lambda line: line[0] if len(line) == 1 else f"{line[1]}+{len(line)}"
)
def test_apt_installs_what_the_real_apt_installs(base_status: Path, line: tuple[str, ...]) -> None:
    real = subprocess.run(
        ["apt-get", "-s", "install", "--no-install-recommends", "-o", f"Dir::State::status={base_status}", *line],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    installed = {row.split()[1] for row in real.splitlines() if row.startswith("Inst ")}
    order, missing = apt_resolve(list(line), {}, recommends=False)
    assert missing is None
    assert set(order) == installed, (sorted(set(order) - installed), sorted(installed - set(order)))


def test_a_virtual_dependency_is_met_by_its_provider() -> None:
    # libsqlite3-dev Depends libc-dev (virtual: libc6-dev Provides it); tk-dev's tree needs lsb-base
    # (debian:12's sysvinit-utils Provides it) and x11proto-render-dev (x11proto-dev Provides it)
    order, _ = apt_resolve(["libsqlite3-dev"], {}, recommends=False)
    assert "libc6-dev" in order
    order, _ = apt_resolve(["tk-dev"], {}, recommends=False)
    assert "x11proto-dev" in order
    assert not {"lsb-base", "x11proto-render-dev", "libfreetype6-dev"} & set(order)
