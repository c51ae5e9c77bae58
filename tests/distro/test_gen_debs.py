"""gen_debs: the catalogue's bounding rule and the dependency closure it adds (no network)."""

from __future__ import annotations

from typing import Any

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
